"""Tests of ruralkit.grading.build: what a master's marks become, errors in both languages.

(The build of the real masters, and most marking rules, are tested with the exercise
sets in tests/test_exercises*.py.)
"""

from __future__ import annotations

import pytest

import ruralkit as rk
from ruralkit import grading


def _master(*sources):
    return {"cells": [{"cell_type": "code", "source": s, "metadata": {}} for s in sources],
            "metadata": {}, "nbformat": 4}


def test_student_texts_are_written_in_both_languages_as_before():
    nb = grading.build_student_notebook(
        {"cells": [{"cell_type": "markdown", "metadata": {},
                    "source": "<!-- BEGIN SOLUTION -->\nyes\n<!-- END SOLUTION -->"},
                   {"cell_type": "code", "metadata": {},
                    "source": "### BEGIN SOLUTION\nx = 1\n### END SOLUTION"}],
         "metadata": {}, "nbformat": 4},
        name="99_demo.ipynb",
    )
    assert nb["cells"][0]["source"] == "*Your answer here / 在此作答*"
    assert nb["cells"][1]["source"] == "# Your code here / 在此写代码\nx = ____"


def test_build_errors_say_where_in_the_current_language():
    master = _master("x = 1", "print(x)  # SOLUTION")
    with pytest.raises(grading.BuildError, match="99_demo.ipynb, cell 2, line 1: a '# SOLUTION'"
                       ) as info:
        grading.build_student_notebook(master, name="99_demo.ipynb")
    assert info.value.msg.render("zh").startswith("99_demo.ipynb，第 2 个单元格，第 1 行：")
    rk.set_language("zh")
    with pytest.raises(grading.BuildError, match="必须是赋值语句"):
        grading.build_student_notebook(master, name="99_demo.ipynb")


def test_instructor_cells_and_markers_never_reach_students():
    master = _master("setup = 1", "# INSTRUCTOR ONLY\nq1.assert_check_passed()",
                     "y = 2  # SOLUTION", "q1.check()")
    nb = grading.build_student_notebook(master, name="99_demo.ipynb")
    assert [c["source"] for c in nb["cells"]] == ["setup = 1", "y = ____", "q1.check()"]
    assert [c["metadata"].get("deletable") for c in nb["cells"]] == [False, None, False]
    assert grading.is_instructor_cell({"source": "x", "metadata": {"tags": ["instructor"]}})


def test_build_without_masters_says_what_to_do(tmp_path):
    with pytest.raises(grading.BuildError, match="pass --source"):
        grading.build(tmp_path / "none", tmp_path / "out")
    with pytest.raises(grading.BuildError, match="no master notebooks named NN_name.ipynb"):
        grading.build(tmp_path, tmp_path / "out")
