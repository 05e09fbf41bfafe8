"""Tests of ruralkit.exercises.recording: an assessment's questions record, never judge."""

from __future__ import annotations

import pytest

import ruralkit as rk
from ruralkit.exercises import PLACEHOLDER, mode
from ruralkit.exercises.recording import RecordingView, assessment_questions


@pytest.fixture(autouse=True)
def practice(monkeypatch):
    monkeypatch.setitem(mode._state, "locked", False)
    monkeypatch.setenv(mode.MODE_VARIABLE, "practice")  # restored after the test


def _q(ns, names=("n_villages",)):
    return RecordingView("q2", 2, names, ns)


def test_a_right_and_a_wrong_answer_get_the_same_message():
    right, wrong = repr(_q({"n_villages": 60}).result()), repr(_q({"n_villages": 61}).result())
    assert right.replace("60", "N") == wrong.replace("61", "N")
    assert "Answer recorded" in right and "Correct" not in right and "Not yet" not in wrong


def test_missing_and_placeholder_answers_say_so_in_both_languages():
    assert "not defined" in repr(_q({}).result())
    assert "Not attempted" in repr(_q({"n_villages": PLACEHOLDER}).result())
    rk.set_language("zh")
    text = repr(_q({"a": 1, "b": "x"}, ("a", "b")).result())
    assert "答案已记录" in text and "`a` 是数字 1" in text


def test_no_hints_no_solutions_and_nothing_to_look_into(capsys):
    q = _q({"n_villages": 60})
    q.hint()
    q.solution()
    out = capsys.readouterr().out
    assert "no hints" in out and "no solutions" in out
    for attr in ("problem", "_problem", "expected", "__dict__"):
        with pytest.raises(AttributeError, match="cannot be looked into"):
            getattr(q, attr)
    assert not hasattr(q, "__dict__") and set(RecordingView.__slots__) == {
        "_names", "_namespace", "label", "number"}


def test_assessment_questions_lock_the_process_and_return_the_placeholder_first():
    placeholder, q1, q2 = assessment_questions("00", {"q1": ["villages"], "q2": ["n"]})
    assert placeholder is PLACEHOLDER and (q1.label, q2.number) == ("q1", 2)
    assert mode.locked()
