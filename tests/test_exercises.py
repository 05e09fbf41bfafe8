"""Tests of the exercise notebooks' build (master -> student) and set 00's review fixes.

What every set must do (right, wrong and untouched answers, student notebooks,
variants) is tested once for all sets in ``test_exercise_sets.py``.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pytest

import ruralkit as rk
from ruralkit import grading
from ruralkit.exercises import set00

ROOT = Path(__file__).resolve().parents[1]
MASTER = ROOT / "exercises" / "source" / "00_start_here.ipynb"
STUDENT = ROOT / "exercises" / "en" / "00_start_here.ipynb"


@pytest.fixture(scope="module")
def solved() -> dict:
    """The namespace after the master's code cells (set 00 solved)."""
    return set00.exercise_set.solve()


# =========================================================================== build rules
def _master(*cells, set_key="99"):
    return {
        "cells": [
            {"cell_type": kind, "id": f"c{i}", "metadata": meta, "source": src,
             **({"outputs": [{"output_type": "stream", "name": "stdout", "text": "x"}],
                 "execution_count": 3} if kind == "code" else {})}
            for i, (kind, src, meta) in enumerate(cells)
        ],
        "metadata": {"ruralkit": {"exercise_set": set_key}, "kernelspec": {"name": "x"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def test_build_rules():
    master = _master(
        ("code", "import ruralkit as rk\nrk.set_variant(None)", {}),
        ("markdown", "Explain.\n<!-- BEGIN SOLUTION -->\nThe answer.\n<!-- END SOLUTION -->", {}),
        ("code", "x = 1\ny = f(x)  # SOLUTION", {"tags": ["keep"]}),
        ("code", "m = d[d.a > 3]  # SOLUTION: m = d[____]", {}),
        ("code", "### BEGIN SOLUTION\nimport math\ndef f(v):\n    return v\na, b = 1, 2\n"
                 "### END SOLUTION", {}),
        ("code", "q1.assert_check_failed(2)", {"tags": ["instructor"]}),
        ("code", "# INSTRUCTOR ONLY\nsecret = 1", {}),
        ("code", "q1.check()", {}),
    )
    nb = grading.build_student_notebook(master, name="99_demo.ipynb")
    sources = [c["source"] for c in nb["cells"]]
    assert sources[1] == "Explain.\n*Your answer here / 在此作答*"
    assert sources[2] == "x = 1\ny = ____"
    assert sources[3] == "m = d[____]"
    assert sources[4].splitlines()[1:] == ["f = ____", "a = ____", "b = ____"]
    assert len(nb["cells"]) == 6
    assert nb["cells"][2]["metadata"] == {"tags": ["keep"]}
    assert nb["cells"][0]["metadata"]["deletable"] is False
    assert nb["cells"][5]["metadata"]["deletable"] is False
    assert all(c["outputs"] == [] and c["execution_count"] is None
               for c in nb["cells"] if c["cell_type"] == "code")
    assert nb["metadata"]["ruralkit"] == {"exercise_set": "99"}


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("print(x)  # SOLUTION", "must be an assignment"),
        ("x = (1 +  # SOLUTION", "one complete statement"),
        ("### BEGIN SOLUTION\nx = 1", "without END"),
        ("### END SOLUTION", "without BEGIN"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "inside another"),
        ("x = (", "not valid Python"),
    ],
)
def test_build_errors_say_where(source, message):
    with pytest.raises(grading.BuildError, match=message) as info:
        grading.build_student_notebook(_master(("code", source, {})), name="99_demo.ipynb")
    assert "99_demo.ipynb, cell 1" in str(info.value)


def test_build_refuses_to_leak_a_solution(tmp_path):
    master = grading.read_notebook(MASTER)
    for cell in master["cells"]:
        if cell.get("id") == "q2-answer":
            cell["source"] = "n_villages = len(villages)"  # marker forgotten
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / MASTER.name).write_text(grading.notebook_text(master), encoding="utf-8")
    with pytest.raises(grading.BuildError, match="solution of q2"):
        grading.build(tmp_path / "src", tmp_path / "out")


def test_a_table_without_its_key_column_is_told_which_column_to_keep():
    from ruralkit.exercises import set00

    villages = rk.load_villages()
    no_key = villages.loc[villages["terrain"] == "mountain"].drop(columns="village_id")
    set00.q4.assert_check_failed(no_key, contains="has no column 'village_id'")


def test_a_true_false_series_for_rows_is_called_a_condition():
    """E: q4 answered with the condition itself is told to use it inside villages[...]."""
    villages = rk.load_villages()
    result = set00.exercise_set.views({"mountain": villages["terrain"] == "mountain"})["q4"]
    text = result.result()
    assert text.status == "incorrect"
    assert "is the condition: True or False for each village" in text.text("en")
    assert "`villages[condition]`" in text.text("en") and "double brackets" not in text.text("en")
    assert "villages[条件]" in text.text("zh")


def test_build_is_deterministic(tmp_path):
    grading.build(MASTER.parent, tmp_path)
    first = (tmp_path / "en" / STUDENT.name).read_bytes()
    results = grading.build(MASTER.parent, tmp_path)
    assert not any(r.changed for r in results)
    assert (tmp_path / "en" / STUDENT.name).read_bytes() == first == STUDENT.read_bytes()


def test_set00_hidden_test_catches_a_chart_with_wrong_heights(solved):
    ns = dict(solved)
    _, ax = plt.subplots()
    counts = ns["cases_per_year"]
    ax.bar(counts.index.astype(str), [1] * len(counts))
    ax.set_title("Disputes per year")
    ns["ax"] = ax
    rows = {r["question"]: r for r in set00.exercise_set.grade(ns)}
    assert rows["q8"]["status"] == "correct"
    assert rows["q8"]["points"] == 1 and rows["q8"]["max_points"] == 2
    assert rows["q8"]["hidden"][0]["passed"] is False
    # all but q8's hidden test
    assert sum(r["points"] for r in rows.values()) == set00.exercise_set.max_points - 1
