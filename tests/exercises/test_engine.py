"""Tests of ruralkit.exercises.engine: several answer variables, the per-variant
cache, object answers through Facts (type check first), mistakes that are not
swallowed, and hidden tests that must name a function."""

from __future__ import annotations

import pandas as pd
import pytest

import ruralkit as rk
from ruralkit.exercises import (
    ExerciseSet,
    Facts,
    HiddenTest,
    Incorrect,
    Mistake,
    ValueProblem,
)
from ruralkit.exercises.facts import Unreadable, whole
from ruralkit.exercises.views import ProblemView
from ruralkit.i18n import RuralkitError

TINY = {"villages": pd.DataFrame({"village_id": ["V1", "V2", "V3"], "x": [1, 2, 3]})}


class _Range(ValueProblem):
    _vars = ("low", "high")
    _mistakes = (Mistake({"en": "swapped", "zh": "反了"},
                         test=lambda p, v: v == tuple(reversed(p.expected_value()))),)

    def expected(self):
        x = self.data("villages")["x"]
        return (x.min(), x.max())


def test_several_variables_are_compared_one_by_one():
    problem = _Range(TINY)
    problem.check(1, 3)
    with pytest.raises(Incorrect, match="swapped"):
        problem.check(3, 1)
    with pytest.raises(Incorrect, match="`high` is 4"):
        problem.check(1, 4)


def test_expected_values_are_cached_per_variant():
    calls = []

    class Counted(ValueProblem):
        _var = "n"

        def expected(self):
            calls.append(rk.get_variant())
            return 3

    problem = Counted(TINY)
    problem.check(3)
    problem.check(3)
    assert calls == [None]
    rk.set_variant(24680)
    problem.check(3)
    assert calls == [None, 24680]


class _Shape(Facts):
    kind = "test_shape"
    _fields = {"rows": whole}

    @classmethod
    def accepts(cls, value):
        return type(value).__name__ == "Box"

    @classmethod
    def read(cls, value):
        return cls(rows=value.rows())


class Box:
    def __init__(self, rows):
        self._rows = rows

    def rows(self):
        if self._rows is None:
            raise ValueError("the table changed")
        return self._rows


class _BoxProblem(ValueProblem):
    _var = "box"
    _facts = _Shape
    _expects = {"en": "a box", "zh": "一个盒子"}
    _unreadable = {"en": "`{name}` is broken: {error}", "zh": "`{name}` 坏了：{error}"}
    _mistakes = (
        Mistake({"en": "`{name}` is a number", "zh": "`{name}` 是一个数"},
                test=lambda p, v: isinstance(v, int), stage="type"),
        Mistake({"en": "{found} rows", "zh": "{found} 行"},
                test=lambda p, v: {"found": v.rows} if v.rows != 3 else None),
    )

    def expected(self):
        return _Shape(rows=len(self.data("villages")))


def test_object_answers_are_read_through_facts_with_a_type_check_first():
    problem = _BoxProblem(TINY)
    problem.check(Box(3))
    problem.check(_Shape(rows=3))  # the facts the grader takes out of a kernel
    assert problem.export(Box(3)) == _Shape(rows=3)
    assert isinstance(problem.export(Box(None)), Unreadable)
    with pytest.raises(Incorrect, match="2 rows"):
        problem.check(Box(2))
    with pytest.raises(Incorrect, match="`box` is a number"):
        problem.check(7)
    with pytest.raises(Incorrect, match="should be a box"):
        problem.check("text")
    with pytest.raises(Incorrect, match="`box` is broken: ValueError: the table changed"):
        problem.check(Box(None))


def test_an_error_inside_a_mistake_is_not_swallowed():
    class Buggy(ValueProblem):
        _var = "n"
        _mistakes = (Mistake("never", value=lambda p: p.no_such_method()),)

        def expected(self):
            return 3

    with pytest.raises(AttributeError):
        Buggy(TINY).check(2)
    result = ProblemView(Buggy(TINY), label="q1", number=1, namespace={"n": 2}).result()
    assert result.status == "error" and "AttributeError" in result.text("en")
    with pytest.raises(TypeError, match="must be a function"):
        Mistake("text", value="n_colums")


def test_a_hidden_test_without_a_function_fails_when_the_set_is_made():
    class Hidden(ValueProblem):
        _var = "n"
        _hidden_tests = (HiddenTest("no_such_test", "described"),)

    with pytest.raises(RuralkitError, match='hidden test "no_such_test" has no function'):
        ExerciseSet("99", "demo", [Hidden], notebook="99_demo")
