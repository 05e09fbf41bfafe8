"""Tests of ruralkit.exercises.views (and the engine's outcomes through them):
what q.check(), q.hint() and q.solution() show, and learner slips."""

from __future__ import annotations

import pandas as pd
import pytest

import ruralkit as rk
from ruralkit.exercises import (
    PLACEHOLDER,
    ExerciseSet,
    HiddenTest,
    Incorrect,
    Mistake,
    ThoughtExperiment,
    ValueProblem,
    get_set,
    list_sets,
    set00,
)
from ruralkit.exercises.views import ProblemView


class _Count(ValueProblem):
    _var = "n"
    _title = {"en": "Count the villages", "zh": "数村"}
    _hints = [{"en": "first hint", "zh": "第一条"}, {"en": "second hint", "zh": "第二条"}]
    _solution = "n = len(villages)"
    _mistakes = (
        Mistake({"en": "that is the number of columns", "zh": "这是列数"},
                value=lambda p: p.columns()),
    )

    def expected(self):
        return len(self.data("villages"))

    def columns(self):
        return self.data("villages").shape[1]


class _Broken(ValueProblem):
    _var = "n"

    def expected(self):
        raise KeyError("no such table")


TINY = {"villages": pd.DataFrame({"village_id": ["V1", "V2", "V3"], "x": [1, 2, 3]})}


def _view(problem_cls=_Count, ns=None):
    namespace = ns if ns is not None else {}
    return ProblemView(problem_cls(TINY), label="q1", number=1, namespace=namespace)


def test_view_outcomes_and_messages():
    ns = {"n": PLACEHOLDER}
    q = _view(ns=ns)
    assert q.result().status == "not_attempted"
    ns["n"] = 3
    assert q.result().passed
    ns["n"] = 2
    result = q.result()
    assert result.status == "incorrect" and "columns" in result.text("en")
    assert result.text("zh") == "这是列数"
    ns["n"] = 4
    assert "not the expected value" in q.result().text("en")


def test_view_learner_mistakes_give_messages_not_tracebacks(capsys):
    q = _view(ns={"m": 3})
    result = q.result()
    assert result.status == "incorrect" and "`n` is not defined" in result.text("en")
    q = _view(ns={"nn": 3})
    assert "typed `nn`" in q.result().text("en")
    assert "stopped with an error" in q.result().text("en")
    # the checker itself failing is reported, not raised
    broken = _view(_Broken, ns={"n": 1})
    result = broken.result()
    assert result.status == "error" and "KeyError" in result.text("en")
    broken.check()
    assert "Could not check" in capsys.readouterr().out
    # wrong number of values given to check()
    assert "takes no arguments" in _view(ns={}).result(1, 2).text("en")


def test_view_display_hint_solution_and_typos(capsys):
    ns = {"n": 3}
    q = _view(ns=ns)
    q.check()
    out = capsys.readouterr().out
    assert "Question 1 — Correct ✓" in out
    assert "Correct ✓" in q.result()._repr_markdown_()
    q.hint()
    assert "Hint 1 of 2" in capsys.readouterr().out
    q.hint()
    out = capsys.readouterr().out
    assert "Hint 2 of 2" in out and "q1.solution()" in out
    q.hint()
    assert "Hint 2 of 2" in capsys.readouterr().out
    q.solution()
    assert "n = len(villages)" in capsys.readouterr().out
    assert "q1.check()" in repr(q.check)  # shown without brackets
    q.chek()
    assert "Did you mean `q1.check()`" in capsys.readouterr().out
    assert "q1.check()" in repr(q)
    with pytest.raises(AttributeError):
        q._private_thing  # noqa: B018
    rk.set_language("zh")
    q.check()
    assert "第 1 题 — 正确 ✓" in capsys.readouterr().out


def test_assert_helpers():
    q = _view(ns={"n": 3})
    q.assert_check_passed()
    q.assert_check_failed(2, contains="columns")
    q.assert_check_failed(2, contains="列数")
    q.assert_check_unattempted(PLACEHOLDER)
    with pytest.raises(AssertionError):
        q.assert_check_failed(3)
    with pytest.raises(AssertionError):
        q.assert_check_failed(2, contains="rows")
    with pytest.raises(AssertionError):
        q.assert_check_passed(4)


def test_thought_experiment_and_hidden_tests():
    class Think(ThoughtExperiment):
        _solution = "Roads, schools, ..."

    result = ProblemView(Think(), label="q2", number=2, namespace={}).result()
    assert result.status == "uncheckable" and "q2.solution()" in result.text("en")

    class WithHidden(_Count):
        _hidden_tests = (HiddenTest("is_int", {"en": "a whole number", "zh": "整数"}),)

        def is_int(self, value):
            if not isinstance(value, int):
                raise Incorrect("not an int")

    demo = ExerciseSet("99", "demo", [WithHidden], notebook="99_demo")
    rows = demo.grade({"n": 3}, data=TINY)
    assert rows[0]["points"] == 2 and rows[0]["max_points"] == 2
    rows = demo.grade({"n": 3.0}, data=TINY)
    assert rows[0]["points"] == 1 and rows[0]["hidden"][0]["passed"] is False
    rows = demo.grade({"n": PLACEHOLDER}, data=TINY)
    assert rows[0]["points"] == 0 and rows[0]["hidden"] == []
    assert demo.grade({"n": 3}, data=TINY, hidden=False)[0]["max_points"] == 1


def test_bind_defines_questions_and_placeholder_in_the_callers_namespace():
    ns: dict = {}
    views = set00.bind(ns, data=TINY)
    assert set(views) == {f"q{i}" for i in range(1, 11)}
    assert ns["____"] is PLACEHOLDER and ns["q1"] is views["q1"]
    assert list_sets()[:2] == ["00", "01"] and get_set(0) is set00.exercise_set
    with pytest.raises(rk.i18n.RuralkitError, match="Available sets: 00, 01, 02"):
        get_set("42")


def test_missing_names_are_never_matched_with_imports_classes_or_functions():
    """D: after a failed `design = Design(...)` cell, no "did you mean `Design`"."""
    import math as some_module

    class Design:
        pass

    def suppress_small_cells():
        return None

    ns = {"Design": Design, "rk": some_module, "suppress_small_cells": suppress_small_cells,
          "designs_list": len, "In": ["design"], "survey": pd.DataFrame()}
    ns["q1"] = ProblemView(_Count(TINY), label="q1", number=1, namespace=ns)
    view = ProblemView(_Design(TINY), label="q1", number=1, namespace=ns)
    result = view.result()
    assert result.status == "incorrect"
    en, zh = result.text("en"), result.text("zh")
    assert en.startswith("`design` is not defined yet.") and "Did you mean" not in en
    assert "If that cell stopped with an error, fix that cell and run it again." in en
    assert "报错" in zh
    ns["desing"] = 3  # a misspelt data variable is still suggested
    assert "typed `desing`" in view.result().text("en")
    # the grader says why, when it knows
    from ruralkit.i18n import Msg

    why = Msg("exercises.missing_cell_error", name="design", cell=Msg("exercises.cell_answer", n=1),
              error="ValueError: add nest=True")
    view = ProblemView(_Design(TINY), label="q1", number=1, namespace={}, missing={"design": why})
    text = view.result().text("en")
    assert "the cell that sets it (the answer cell of question 1) stopped with an error" in text
    assert "第 1 题的作答单元格" in view.result().text("zh")


class _Design(ValueProblem):
    _var = "design"

    def expected(self):
        return 1
