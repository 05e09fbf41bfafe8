"""Tests of ruralkit.grading.report: the gradebook CSV and the feedback files."""

from __future__ import annotations

import csv

from ruralkit import grading


def _result(**changes):
    result = grading.GradeResult(
        "x.ipynb", "s007", "00", 123456, "error", 3.0,
        questions=[
            {"question": "q1", "title": "Load", "status": "correct", "points": 1.0,
             "max_points": 1.0, "message": "Well done.", "hidden": []},
            {"question": "q2", "title": "Count", "status": "incorrect", "points": 0.0,
             "max_points": 1.0, "message": "This is the number of columns.", "hidden": []},
            {"question": "q8", "title": "Chart", "status": "correct", "points": 1.0,
             "max_points": 2.0, "message": "Well done.",
             "hidden": [{"passed": False, "description": "bars show the counts"}]},
        ],
    )
    for name, value in changes.items():
        setattr(result, name, value)
    return result


def test_feedback_markdown_in_both_languages():
    result = _result()
    text = grading.feedback_markdown(result, "en")
    assert "**Score: 2 / 4**" in text and "data version 123456" in text
    assert "number of columns" in text and "bars show the counts" in text
    assert "Some cells of your notebook raised errors" in text
    assert "得分: 2 / 4" in grading.feedback_markdown(result, "zh")


def test_feedback_markdown_table_and_all_right():
    text = grading.feedback_markdown(_result(), "zh")
    assert "| 题目 | 得分 | 结果 |" in text
    assert "| q2 Count | 0 / 1 | 还不对 |" in text and "## 需要再看看的地方" in text
    right = _result(status="ok", questions=[dict(_result().questions[0])])
    text = grading.feedback_markdown(right, "en")
    assert "Everything is right. Well done!" in text
    assert "Your notebook ran from top to bottom without errors." in text
    assert "What to look at again" not in text


def test_gradebook_gives_unreadable_rows_the_set_maximum(tmp_path):
    rows = [_result(), grading.GradeResult("bad.ipynb", "s008", "00", None, "invalid", 0.0,
                                           notes=["not a readable notebook: x"])]
    path = grading.write_gradebook(rows, tmp_path / "gradebook.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    with open(path, encoding="utf-8-sig", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert [r["total"] for r in table] == ["2", "0"]
    assert [r["max_points"] for r in table] == ["4", "4"]
    assert table[1]["q1"] == "0" and table[1]["notes"] == "not a readable notebook: x"
    # the set's own maximum when no row has questions
    path = grading.write_gradebook(rows[1:], tmp_path / "one.csv")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        assert next(csv.DictReader(fh))["max_points"] == "9"
