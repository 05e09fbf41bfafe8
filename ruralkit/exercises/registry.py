"""What an exercise set's module registers: the code its content file names.

A set is its master notebook, its content file (``content/setNN.toml``: titles,
hints, mistake messages, wrong-answer examples) and its module ``setNN.py``,
which keeps only what must be code, each function registered by the name the
content file uses::

    @expected("n_villages")          # the answer to the question on n_villages
    def n_villages(q):
        return len(q.data("villages"))

    @mistake("n_columns")            # a wrong value, or a test (q, answer) -> bool
    def n_columns(q):
        return q.data("villages").shape[1]

    @hidden("shown_estimates")       # a grader-only test (q, *values), raises Incorrect
    def shown_estimates(q, value): ...

Each function gets the question (``q.data(name)``, ``q.cached(key, compute)``,
``q.expected_value()``, ``q.name``). Loading the set (:func:`~.sets.load_set`)
fails at import when the content file names a function that is not registered,
or a registered function is named by no question: a typo never goes unnoticed.

Examples
--------
>>> from ruralkit.exercises.registry import code_of, mistake
>>> @mistake("doc_example")
... def doc_example(q):
...     return 0
>>> sorted(code_of(__name__).mistakes)
['doc_example']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

__all__ = ["expected", "mistake", "hidden", "SetCode", "code_of"]

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class SetCode:
    """The functions one set module registered, by kind and name."""

    expected: dict[str, Callable[..., Any]] = field(default_factory=dict)
    mistakes: dict[str, Callable[..., Any]] = field(default_factory=dict)
    hidden: dict[str, Callable[..., Any]] = field(default_factory=dict)


_CODE: dict[str, SetCode] = {}


def code_of(module: str) -> SetCode:
    """The functions module ``module`` (a ``__name__``) registered."""
    return _CODE.setdefault(module, SetCode())


def _register(kind: str, name: str) -> Callable[[F], F]:
    if not isinstance(name, str) or not name.isidentifier():
        raise TypeError(f"@{kind}(...) needs a name (letters, digits, _), got {name!r}")

    def decorate(func: F) -> F:
        table = getattr(code_of(func.__module__), kind)
        if name in table and table[name] is not func:
            qualname = getattr(func, "__qualname__", name)
            raise TypeError(f"{func.__module__}: two functions registered as {kind} {name!r} "
                            f"(the second is {qualname})")
        table[name] = func
        return func

    return decorate


def expected(var: str) -> Callable[[F], F]:
    """Register ``f(q)``, the expected answer of the question whose (first) variable is
    ``var``. For a chart question, the bar heights by label."""
    return _register("expected", var)


def mistake(name: str) -> Callable[[F], F]:
    """Register a mistake named ``name``: ``f(q)`` gives the wrong value (content
    ``value = "name"``), or ``f(q, answer)`` says whether the answer shows it
    (content ``test = "name"``; a dict it returns fills the message's fields)."""
    return _register("mistakes", name)


def hidden(name: str) -> Callable[[F], F]:
    """Register a hidden test ``f(q, *values)`` that raises
    :class:`~ruralkit.exercises.engine.Incorrect` when it fails."""
    return _register("hidden", name)
