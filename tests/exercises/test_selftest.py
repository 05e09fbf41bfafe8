"""Tests of ruralkit.exercises.selftest: an instructor self-test fails when an example
of the content file does not get its message."""

from __future__ import annotations

import pytest

from ruralkit.exercises import Mistake, ValueProblem
from ruralkit.exercises.selftest import Example, evaluate
from ruralkit.exercises.views import ProblemView


class _Count(ValueProblem):
    _var = "n"
    _mistakes = (Mistake({"en": "one too many", "zh": "多了一个"}, value=lambda p: 4),)
    _wrong = (Example(answer="n + 1", says="one too many"),)
    _right = (Example(answer="float(n)"),)

    def expected(self):
        return 3


def _view(cls):
    return ProblemView(cls(), label="q1", number=1, namespace={"n": 3})


def test_a_question_whose_examples_behave_passes_its_self_test():
    _view(_Count).self_test()


def test_a_wrong_example_with_another_message_fails_the_self_test():
    class Wrong(_Count):
        _wrong = (Example(answer="n + 1", says="two too many"),)

    with pytest.raises(AssertionError, match="does not contain 'two too many'"):
        _view(Wrong).self_test()


def test_a_wrong_example_that_passes_fails_the_self_test():
    class Passing(_Count):
        _wrong = (Example(answer="n", says="x"),)

    with pytest.raises(AssertionError, match="expected a failed check"):
        _view(Passing).self_test()


def test_examples_of_several_variables_give_a_tuple():
    assert evaluate(Example(answer="(a, a + 1)", setup="a = b * 2"), {"b": 1}, n_vars=2) == (2, 3)
    with pytest.raises(AssertionError, match="must give 2 values"):
        evaluate(Example(answer="1"), {}, n_vars=2)
