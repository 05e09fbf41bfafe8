"""Tests of ruralkit.grading.report: the gradebook CSV and the feedback files."""

from __future__ import annotations

import csv

from ruralkit import grading
from ruralkit.grading import run


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
        assert next(csv.DictReader(fh))["max_points"] == "11"


# =========================================================================== hostile names
def _bare(file, sid, status="invalid", **changes):
    result = grading.GradeResult(file, sid, "00", None, status, 0.0)
    for name, value in changes.items():
        setattr(result, name, value)
    return result


def test_gradebook_text_cells_cannot_be_formulas_and_points_stay_numbers(tmp_path):
    rows = [_result(file="=HYPERLINK(\"http://x\",\"y\").ipynb", student_id="=HYPERLINK(1)",
                    notes=["-2+3", "@SUM(A1)"]),
            _result(file="+1.ipynb", student_id="\tx\r\x1b[2J", notes=["ok"]),
            _result(file="s09.ipynb", student_id="s09", notes=[])]
    path = grading.write_gradebook(rows, tmp_path / "gradebook.csv")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert table[0]["file"] == "'=HYPERLINK(\"http://x\",\"y\").ipynb"
    assert table[0]["student_id"] == "'=HYPERLINK(1)"
    assert table[0]["notes"] == "'-2+3 | @SUM(A1)"
    assert table[1]["file"] == "'+1.ipynb" and table[1]["student_id"] == "x[2J"
    assert table[2]["student_id"] == "s09" and table[2]["notes"] == ""
    for row in table:  # numbers are written as numbers, never quoted or escaped
        assert row["variant_seed"] == "123456" and row["total"] == "2"
        assert row["q1"] == "1" and row["max_points"] == "4"
    assert "\x1b" not in path.read_text(encoding="utf-8-sig")


def test_feedback_names_for_duplicate_ids_are_distinct_stable_and_flagged(tmp_path):
    """s041's feedback never goes to another file because someone else's came first."""
    real = _bare("class/a/s041.ipynb", "s041")
    other = _bare("class/b/s041.ipynb", "s041")
    case = _bare("class/S041.ipynb", "S041")
    alone = _bare("class/s042.ipynb", "s042")
    names = grading.feedback_names([real, other, case, alone])
    assert names == grading.feedback_names([alone, case, other, real])[::-1]
    assert len({n.casefold() for n in names}) == 4 and names[3] == "s042.md"
    assert all(n.startswith(("s041-", "S041-")) and len(n) == len("s041-12345678.md")
               for n in names[:3])
    # a name chosen to look like another's hashed name cannot take it either
    lookalike = _bare("class/x.ipynb", names[0][:-3])
    more = grading.feedback_names([real, other, case, alone, lookalike])
    assert len({n.casefold() for n in more}) == 5 and more[:4] == names
    run._flag_duplicates(results := [real, other, case, alone], "en")
    assert "2 submissions have student id s041" in real.notes
    assert f"feedback file: {names[0]}" in real.notes and alone.notes == []
    folder = grading.write_feedback(results, tmp_path / "fb")
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)
    assert "`s041`" in (folder / names[1]).read_text(encoding="utf-8")


def test_feedback_names_are_short_safe_file_names():
    names = grading.feedback_names([_bare("a", "学" * 64), _bare("b", "../../etc/x"),
                                    _bare("c", ".."), _bare("d", "a b\x1b")])
    assert all(len(n.encode()) <= 160 and "/" not in n and not n.startswith(".")
               for n in names)
    assert names[1] == "_.._etc_x.md" and names[3] == "a_b.md"


def test_one_feedback_file_that_cannot_be_written_does_not_stop_the_others(tmp_path):
    folder = tmp_path / "fb"
    (folder / "s02.md").mkdir(parents=True)  # in the way of s02's file
    rows = [_bare(f"s0{i}.ipynb", f"s0{i}") for i in (1, 2, 3)]
    grading.write_feedback(rows, folder, "zh")
    assert sorted(p.name for p in folder.iterdir()) == ["s01.md", "s02.md", "s03.md"]
    assert (folder / "s03.md").is_file() and (folder / "s02.md").is_dir()
    assert rows[1].notes and rows[1].notes[0].startswith("反馈文件 s02.md 无法写入：")
    assert rows[0].notes == rows[2].notes == []
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_reports_are_never_written_through_a_link(tmp_path):
    decoy = tmp_path / "decoy.txt"
    decoy.write_text("root only", encoding="utf-8")
    out = tmp_path / "out"
    (out / "fb").mkdir(parents=True)
    (out / "gradebook.csv").symlink_to(decoy)
    (out / "fb" / "s01.md").symlink_to(decoy)
    rows = [_bare("s01.ipynb", "s01")]
    grading.write_gradebook(rows, out / "gradebook.csv")
    grading.write_feedback(rows, out / "fb")
    assert decoy.read_text(encoding="utf-8") == "root only"
    assert not (out / "gradebook.csv").is_symlink() and not (out / "fb" / "s01.md").is_symlink()
    assert (out / "fb" / "s01.md").read_text(encoding="utf-8").startswith("# Feedback: 00")


def test_feedback_shows_names_without_control_characters_or_backticks():
    text = grading.feedback_markdown(_bare("x/s0`1\x1b[2J\r.ipynb", "s0`1\x1b"), "en")
    assert "\x1b" not in text and "\r" not in text
    assert "File: `s0'1[2J.ipynb`" in text and "Student: `s0'1`" in text
