"""Instructor self-tests of a question, run from the examples of its content file.

The content file lists, per question, wrong answers (``[[question.wrong]]``: the
code that gives it and a piece of the message it must get) and other right
answers (``[[question.right]]``, optionally one that a hidden test must catch).
``q1.self_test()`` in a master notebook (or ``exercise_set.self_test(globals())``
for all of them) evaluates each example in the notebook's namespace and checks
the result, together with the placeholder ("not attempted") and the master's own
answer ("correct"); the parametrised test of every set does the same.

Examples
--------
>>> from ruralkit.exercises.selftest import Example, evaluate
>>> evaluate(Example(answer="n + 1", setup="n = 2 * m"), {"m": 1}, n_vars=1)
(3,)
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ruralkit.i18n import LANGUAGES, get_language, set_language

from .placeholder import PLACEHOLDER

__all__ = ["Example", "evaluate", "run"]


@dataclass(frozen=True)
class Example:
    """One example answer of a question's content file.

    ``answer`` is a Python expression (a tuple for a question with several
    variables), ``setup`` statements run first; ``says`` is a piece of the message
    (English or Chinese) a wrong answer must get, or, with ``hidden_fails``, of the
    failure of that hidden test on this otherwise right answer.
    """

    answer: str
    setup: str = ""
    says: str | None = None
    hidden_fails: str | None = None


def evaluate(example: Example, namespace: Mapping[str, Any], *, n_vars: int) -> tuple[Any, ...]:
    """The value(s) ``example`` gives in a copy of ``namespace``."""
    scope = dict(namespace)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. a Design without weights warns, as it should
        if example.setup:
            exec(example.setup, scope)
        value = eval(example.answer, scope)
    if n_vars > 1:
        if not isinstance(value, tuple) or len(value) != n_vars:
            raise AssertionError(f"example {example.answer!r} must give {n_vars} values")
        return value
    return (value,)


def _open_figures() -> set[int]:
    plt = sys.modules.get("matplotlib.pyplot")
    return set(plt.get_fignums()) if plt is not None else set()


def _close_new_figures(before: set[int]) -> None:
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        for number in set(plt.get_fignums()) - before:
            plt.close(number)


def _check_wrong(view: Any, example: Example, values: tuple[Any, ...]) -> None:
    view.assert_check_failed(*values, contains=example.says)
    result = view.result(*values)
    english, chinese = result.text("en"), result.text("zh")
    if not chinese or chinese == english:
        raise AssertionError(f"{view.label}: {example.answer!r} has no Chinese message")


def _check_right(view: Any, example: Example, values: tuple[Any, ...]) -> None:
    view.assert_check_passed(*values)
    if example.hidden_fails is None:
        return
    errors = []  # the hidden test's message in each language: ``says`` may be either
    for language in LANGUAGES:
        with _language(language):
            results = {r["test"]: r for r in view.problem.run_hidden_tests(*values)}
        outcome = results.get(example.hidden_fails)
        if outcome is None or outcome["passed"]:
            raise AssertionError(f"{view.label}: hidden test {example.hidden_fails!r} should "
                                 f"fail on {example.answer!r}")
        errors.append(str(outcome["error"]))
    if example.says and not any(example.says in error for error in errors):
        raise AssertionError(f"{view.label}: hidden test says {errors[0]!r}, "
                             f"not {example.says!r}")


@contextmanager
def _language(language: str) -> Iterator[None]:
    before = get_language()
    set_language(language)
    try:
        yield
    finally:
        set_language(before)


def run(view: Any) -> None:
    """Self-test one question view: placeholder, own answer, wrong and right examples.

    Raises ``AssertionError`` naming the first example that does not behave.
    """
    problem = view.problem
    n_vars = len(problem.var_names)
    if not n_vars:
        return  # a thought experiment: nothing is checked
    namespace = view.namespace
    view.assert_check_unattempted(*([PLACEHOLDER] * n_vars))
    view.assert_check_passed()
    failed = [r for r in problem.run_hidden_tests(*view._lookup()) if not r["passed"]]
    if failed:
        raise AssertionError(f"{view.label}: hidden tests fail on the answer: {failed}")
    before = _open_figures()
    try:
        for example in getattr(problem, "_wrong", ()):
            _check_wrong(view, example, evaluate(example, namespace, n_vars=n_vars))
        for example in getattr(problem, "_right", ()):
            _check_right(view, example, evaluate(example, namespace, n_vars=n_vars))
    finally:
        _close_new_figures(before)
