"""Tests of ruralkit.grading.checking: answers checked in the grader's process, never in the
kernel that produced them, from a hand-over file that cannot run code."""

from __future__ import annotations

import base64
import json
import os
import pickle

import pytest

from ruralkit import grading
from ruralkit.exercises import answers
from ruralkit.grading.checking import check_exported
from ruralkit.i18n import RuralkitError

QUESTIONS = [f"q{i}" for i in range(1, 11)]


def test_check_answers_checks_in_this_process():
    rows = grading.check_answers("00", {}, seed=None, language="zh", hidden=True)
    assert [q["question"] for q in rows] == QUESTIONS
    assert "还没有定义" in rows[0]["message"]
    rows = grading.check_answers("00", {"n_villages": 60}, seed=None, language="en",
                                 hidden=True)
    assert rows[1]["status"] == "correct"
    with pytest.raises(RuralkitError):
        grading.check_answers("42", {}, seed=None, language="en", hidden=True)


def _payload(answers, token="t", names=()):
    return {"format": "ruralkit-answers", "version": 2, "token": token, "answers": answers,
            "names": list(names)}


def test_the_answer_reader_refuses_code_and_foreign_files(tmp_path):
    """A: a crafted answer file cannot run code in the grader: pickles are not read at all."""
    marker = tmp_path / "ran.txt"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    with pytest.raises(answers.AnswerFileError):
        answers.loads_value(pickle.dumps(Evil()))
    assert not marker.exists()
    evil = base64.b64encode(pickle.dumps(Evil())).decode()
    payload = _payload({"n_villages": {"state": "value", "type": "Evil",
                                       "value": {"$": "pickle", "b64": evil}},
                        "villages": {"state": "placeholder"}},
                       names=["n_village", "os.system"])
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    values, placeholders, names = answers.read_answers(str(path), "t")
    assert values["n_villages"].unreadable and placeholders == {"villages"}
    assert values["n_villages"].type_name == "Evil"
    assert names == ["n_village"] and not marker.exists()
    with pytest.raises(answers.AnswerFileError, match="not written by this grading run"):
        answers.read_answers(str(path), "other token")
    link = tmp_path / "link.json"
    link.symlink_to(path)
    with pytest.raises(answers.AnswerFileError):
        answers.read_answers(str(link), "t")


def test_check_exported_notes_a_malformed_answer_file_and_never_raises(tmp_path):
    """A 100-byte file declaring a huge array, or deep nesting: a note, no allocation."""
    path = tmp_path / "answers.json"
    huge = {"$": "ndarray", "dtype": "|u1", "shape": [2**31], "b64": ""}
    path.write_text(json.dumps(_payload({"n_villages": {"state": "value", "type": "x",
                                                        "value": huge}})), "utf-8")
    graded = check_exported(_spec(language="en"), [], {}, [], str(path), [])
    assert graded["ok"] is True
    assert graded["questions"][1]["status"] == "incorrect"
    path.write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    notes: list[str] = []
    graded = check_exported(_spec(language="en"), [], {}, [], str(path), notes)
    assert graded["ok"] is False
    assert notes == ["the answers could not be collected from the notebook: the answer "
                     "file is nested more than 32 levels deep"]


def _spec(**changes):
    spec = {"set": "00", "token": "t", "seed": None, "language": "zh", "hidden": True,
            "grader_timeout": 30}
    return {**spec, **changes}


def test_check_exported_notes_a_foreign_answer_file_in_the_grading_language(tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(_payload({}, token="other")), "utf-8")
    notes: list[str] = []
    graded = check_exported(_spec(), [], {}, [], str(path), notes)
    assert graded["ok"] is False
    assert len(notes) == 1 and notes[0].startswith("无法从笔记本中收集答案：")


def test_check_exported_checks_the_handed_over_answers_and_says_why_one_is_missing(tmp_path):
    path = tmp_path / "answers.json"
    payload = _payload({"n_villages": {"state": "placeholder"}}, names=["n_villages"])
    path.write_text(json.dumps(payload), "utf-8")
    cells = [{"cell_type": "code", "id": "q1-answer", "source": "villages = rk.load_villages()"}]
    outcomes = {0: {"status": "error", "ename": "NameError", "evalue": "name 'rk' is not defined"}}
    graded = check_exported(_spec(language="en"), cells, outcomes, grading.cell_labels(cells),
                            str(path), [])
    assert graded["ok"] is True
    rows = {q["question"]: q for q in graded["questions"]}
    assert rows["q2"]["status"] == "not_attempted"
    assert rows["q1"]["status"] == "incorrect"
    assert ("`villages` is not defined, because the cell that sets it (the answer cell of "
            "question 1) stopped with an error (NameError: name 'rk' is not defined)"
            ) in rows["q1"]["message"]


def test_check_exported_never_raises_and_stops_slow_checks(tmp_path, monkeypatch):
    import time

    from ruralkit.grading import checking

    path = tmp_path / "answers.json"
    path.write_text(json.dumps(_payload({})), "utf-8")
    monkeypatch.setattr(checking, "check_answers", lambda *a, **k: time.sleep(5))
    start = time.monotonic()
    graded = check_exported(_spec(language="en", grader_timeout=0.5), [], {}, [], str(path), [])
    assert time.monotonic() - start < 4
    assert graded == {"ok": False,
                      "error": "_CheckTimeout: the checks took longer than 0.5 s"}
