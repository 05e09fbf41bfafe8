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


# =========================================================================== assessment
def _setup_master(*extra):
    cells = [{"cell_type": "code", "metadata": {}, "source":
              "import ruralkit as rk\nfrom ruralkit.exercises.set00 import ____, q1, q2\n"},
             {"cell_type": "code", "metadata": {}, "source": "# q1.hint()\n# q1.solution()"},
             {"cell_type": "code", "metadata": {}, "source":
              "n_villages = len(villages)  # SOLUTION\nq2.hint()\nq2.check()"}, *extra]
    return {"cells": cells, "metadata": {"ruralkit": {"exercise_set": "00"}}, "nbformat": 4}


def test_the_assessment_build_has_no_hints_solutions_or_set_module(monkeypatch):
    from ruralkit.exercises import mode

    monkeypatch.setitem(mode._state, "locked", False)
    monkeypatch.setenv(mode.MODE_VARIABLE, "practice")  # restored after the test
    nb = grading.build_student_notebook(_setup_master(), name="00_x.ipynb", mode="assessment")
    assert nb["metadata"]["ruralkit"] == {"exercise_set": "00", "mode": "assessment"}
    assert "Assessment" in nb["cells"][0]["source"] and "测验" in nb["cells"][0]["source"]
    code = [c["source"] for c in nb["cells"] if c["cell_type"] == "code"]
    assert len(code) == 2  # the cell of hint and solution calls is gone
    assert "from ruralkit.exercises.recording import assessment_questions" in code[0]
    assert '"q2": ["n_villages"],' in code[0] and "set00" not in "".join(code)
    assert code[1] == "n_villages = ____\nq2.check()"
    namespace: dict = {}
    exec(code[0], namespace)  # the setup cell binds without the set module
    assert type(namespace["q8"]).__name__ == "RecordingView" and mode.locked()


def test_the_practice_build_is_unchanged_by_the_assessment_mode():
    nb = grading.build_student_notebook(_setup_master(), name="00_x.ipynb")
    assert nb["metadata"]["ruralkit"] == {"exercise_set": "00"} and len(nb["cells"]) == 3


@pytest.mark.parametrize("master, key", [
    ({"cells": [], "metadata": {}, "nbformat": 4}, "grading.assessment_no_set"),
    ({"cells": [{"cell_type": "code", "metadata": {}, "source": "x = 1"}],
      "metadata": {"ruralkit": {"exercise_set": "00"}}, "nbformat": 4},
     "grading.assessment_no_setup"),
    (_setup_master({"cell_type": "code", "metadata": {}, "source": "print(q1.solution())"}),
     "grading.assessment_leftover"),
])
def test_an_assessment_that_cannot_be_built_says_why(master, key):
    with pytest.raises(grading.BuildError) as caught:
        grading.build_student_notebook(master, name="x.ipynb", mode="assessment")
    assert caught.value.msg.key == key


def test_the_assessment_build_writes_its_own_folder(tmp_path, monkeypatch):
    from pathlib import Path

    source = Path(__file__).resolve().parents[1] / "exercises" / "source"
    monkeypatch.chdir(tmp_path)
    results = grading.build(source, assessment=True)
    assert [r.target for r in results] == [Path("exercises/assessment") / language / p.name
                                           for p in sorted(source.glob("0*.ipynb"))
                                           for language in ("zh", "en")]
    assert {r.kind for r in results} == {"student"}  # no answer keys for an assessment
    again = grading.build(source, assessment=True, check=True)
    assert not any(r.changed for r in again)
