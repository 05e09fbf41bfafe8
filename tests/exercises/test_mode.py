"""Tests of ruralkit.exercises.mode: in an assessment process the kit hands out no answers."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ruralkit.exercises import get_set, mode


@pytest.fixture(autouse=True)
def practice(monkeypatch):
    """Every test starts in practice; whatever it locks is undone afterwards."""
    monkeypatch.setitem(mode._state, "locked", False)
    monkeypatch.setenv(mode.MODE_VARIABLE, "practice")  # restored after the test


def test_practice_computes_and_assessment_refuses_everything_that_gives_answers_away():
    problems = get_set("00").problems()
    assert problems["q2"].expected_value() == 60 and problems["q2"].hints
    mode.lock()
    assert mode.locked()
    problems = get_set("00").problems()  # fresh objects: nothing cached to hand out
    attempts = [lambda: problems["q2"].expected_value(), lambda: problems["q2"].expected(),
                lambda: problems["q2"].data("villages"), lambda: problems["q2"].hints,
                lambda: problems["q2"].solution, lambda: get_set("00").solve(),
                lambda: get_set("00").grade({"n_villages": 60}),
                lambda: problems["q8"].bar_values(None)]
    for attempt in attempts:
        with pytest.raises(mode.AssessmentError) as caught:
            attempt()
        assert "assessment" in caught.value.msg.render("en")
        assert "测验" in caught.value.msg.render("zh")


def test_the_environment_variable_locks_a_fresh_import_and_child_processes(monkeypatch):
    monkeypatch.setenv(mode.MODE_VARIABLE, "assessment")
    assert mode.locked()
    code = ("from ruralkit.exercises import get_set\n"
            "try:\n    get_set('00').problems()['q2'].expected_value()\n"
            "except Exception as e:\n    print(type(e).__name__)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    assert out.strip() == "AssessmentError"


def test_binding_in_a_locked_process_gives_recording_questions_even_for_practice_code():
    ns: dict = {"n_villages": 60}
    mode.lock()
    views = get_set("00").bind(ns)  # a setup cell edited back to practice
    assert type(views["q2"]).__name__ == "RecordingView" and ns["q2"] is views["q2"]
    assert "recorded" in repr(views["q2"].result())


def test_binding_in_assessment_mode_locks_the_process():
    get_set("00").bind({}, mode="assessment")
    assert mode.locked()
