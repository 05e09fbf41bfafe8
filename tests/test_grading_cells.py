"""Tests of ruralkit.grading.cells: cells named by their question, names a cell sets, and why
an answer is missing."""

from __future__ import annotations

from ruralkit import grading
from ruralkit.grading.cells import missing_reasons


def _code(source, cell_id=""):
    return {"cell_type": "code", "id": cell_id, "source": source}


def test_cells_are_named_by_their_question_in_both_languages():
    cells = [
        _code("import ruralkit as rk\nrk.set_variant(None)"),
        {"cell_type": "markdown", "source": "## 3. Count the villages"},
        _code("x = 1"),
        _code("n = ____", "q4-answer"),
        _code("q4.check()", "q4-check"),
        _code("y = some_function_with_a_very_long_name(and_many, arguments, here)"),
    ]
    labels = grading.cell_labels(cells)
    assert labels[1] is None
    assert [label.render("en") for label in labels if label is not None] == [
        "the first code cell (setup)", "a cell added in question 3, starting `x = 1`",
        "the answer cell of question 4", "the check cell of question 4",
        "a cell added in question 4, starting `y = some_function_with_a_very_long_name…`",
    ]
    assert labels[3].render("zh") == "第 4 题的作答单元格"


def test_names_set_by_reads_blocks_and_broken_cells():
    assert grading.names_set_by("import numpy as np\nif True:\n    a = 1\ndef f():\n    b = 2") == {
        "np", "a", "f"}
    assert grading.names_set_by("total, share = (1,\nfor") == {"total", "share"}
    assert grading.names_set_by("%time x = 1\ny += 2") == {"y"}


def test_missing_reasons_name_the_failed_cell_that_sets_the_answer():
    cells = [_code("villages = rk.load_villages()", "q1-answer"),
             _code("n = len(villages)", "q2-answer"),
             _code("while True: pass", "q3-answer"), _code("share = 0.5", "q4-answer")]
    outcomes = {0: {"status": "error", "ename": "NameError", "evalue": "name 'rk' is not defined"},
                3: {"status": "not_run"}}
    reasons = missing_reasons(cells, outcomes, ["villages", "n", "share"],
                              grading.cell_labels(cells))
    assert sorted(reasons) == ["share", "villages"]  # n's cell ran (with no answer)
    assert "(the answer cell of question 1) stopped with an error (NameError" in (
        reasons["villages"].render("en"))
    assert "第 4 题的作答单元格" in reasons["share"].render("zh")
