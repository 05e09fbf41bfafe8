"""Tests of ruralkit.grading.inject: the cells the grader adds, in practice and in assessment
mode, and a class of assessment notebooks graded end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from ruralkit import grading
from ruralkit.grading.build import assessment_notebook
from ruralkit.grading.inject import PRELUDE_CELL, export_cell, notebook_mode, prelude_cell

ROOT = Path(__file__).resolve().parents[1]
MASTER = ROOT / "exercises" / "source" / "00_start_here.ipynb"


def test_practice_cells_are_as_before_and_assessment_cells_lock_and_list():
    assert prelude_cell() == PRELUDE_CELL and "RURALKIT_MODE" not in PRELUDE_CELL
    assert 'environ["RURALKIT_MODE"] = "assessment"' in prelude_cell("assessment")
    practice = export_cell("01", out="a.json", token="t")
    assert "export_answers('01'," in practice
    listed = export_cell("01", out="a.json", token="t", mode="assessment")
    assert "export_listed(" in listed and "set01" not in listed
    assert "'facts': ['ruralkit.exercises.survey_facts', 'survey_design']" in listed
    for source in (practice, listed, prelude_cell("assessment")):
        compile(source, "<cell>", "exec")


@pytest.mark.parametrize("metadata, mode", [
    ({"ruralkit": {"mode": "assessment"}}, "assessment"), ({"ruralkit": {"mode": "exam"}},
                                                           "practice"),
    ({}, "practice"), ({"ruralkit": ["mode"]}, "practice"), ("odd", "practice"),
])
def test_the_mode_comes_from_the_notebook_metadata(metadata, mode):
    assert notebook_mode({"metadata": metadata}) == mode


def _assessment(extra_cells=(), solved=True):
    master = grading.read_notebook(MASTER)
    if solved:
        cells = [c for c in master["cells"] if not grading.is_instructor_cell(c)]
        nb = dict(master, cells=cells)
        nb["metadata"] = {**master["metadata"], "ruralkit": {"exercise_set": "00"}}
        nb = assessment_notebook(nb, "00", "solved")
    else:
        nb = grading.build_student_notebook(master, name=MASTER.name, mode="assessment")
    code = [{"cell_type": "code", "id": f"extra{i}", "metadata": {}, "source": s, "outputs": [],
             "execution_count": None} for i, s in enumerate(extra_cells)]
    return dict(nb, cells=nb["cells"] + code)


def test_a_class_of_assessment_notebooks_is_graded_and_the_kit_hands_out_no_answers(tmp_path):
    """Honest work gets full marks; asking the kit for the answers gets errors, no marks."""
    asks = ["villages = q1.problem.expected()",
            "from ruralkit.exercises import get_set\n"
            "n_villages = get_set('00').problems()['q2'].expected_value()",
            "from ruralkit.exercises import set00\nns = set00.exercise_set.solve()\n"
            "n_households = ns['n_households']",
            "q3.solution()\nq3.hint()"]
    undo = ["import os\nos.environ.pop('RURALKIT_MODE')\nfrom ruralkit.exercises import mode\n"
            "mode._state['locked'] = False\nfrom ruralkit.exercises import get_set\n"
            "n_villages = get_set('00').problems()['q2'].expected_value()"]
    notebooks = {"s01": _assessment(), "s02": _assessment(asks, solved=False),
                 "s03": _assessment(undo, solved=False)}
    for sid, nb in notebooks.items():
        (tmp_path / f"{sid}.ipynb").write_text(grading.notebook_text(nb), encoding="utf-8")
    results = {r.student_id: r for r in grading.grade([tmp_path], out=None, timeout=60, jobs=2,
                                                        progress=False)}
    honest, asking, undoing = results["s01"], results["s02"], results["s03"]
    assert honest.status == "ok" and honest.total == honest.max_points == 11, honest.questions
    assert asking.status == "error" and asking.total == 0, asking.questions
    errors = " ".join(asking.notes)
    assert "AttributeError" in errors and "AssessmentError" in errors
    # what assessment mode does NOT stop (exercises/README.md says so): code in the kernel
    # that undoes the lock and calls the kit gets the answer it asks for
    assert {q["question"]: q["status"] for q in undoing.questions}["q2"] == "correct"
