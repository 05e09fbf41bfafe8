"""The questions of an assessment notebook: ``q1.check()`` records, it does not judge.

An assessment notebook (``ruralkit exercises build --assessment``) needs nothing of
its exercise set in the learner's kernel: its setup cell names the questions and
their answer variables itself::

    from ruralkit.exercises.recording import assessment_questions
    ____, q1, q2 = assessment_questions("00", {"q1": ["villages"], "q2": ["n_villages"]})

``q1.check()`` then says what the answer variable holds ("answer recorded"), never
whether it is right; ``q1.hint()`` and ``q1.solution()`` say there are none; a view
holds no question object (``q1.problem`` does not exist), so nothing in it can
compute an expected answer. The process is switched to assessment mode
(:func:`ruralkit.exercises.mode.lock`), so the kit's own API refuses to compute
expected values, hints or solutions for any set. Grading happens in the grader's
own process, as for practice notebooks.

Examples
--------
>>> ns = {"n_villages": 60}
>>> ____, q1 = assessment_questions("00", {"q1": ["n_villages"]}, namespace=ns, lock=False)
>>> print(repr(q1.result()))
Question 1 — Answer recorded
`n_villages` holds the number 60. Whether it is right is decided at grading.
>>> q1.problem
Traceback (most recent call last):
AttributeError: in an assessment, the questions cannot be looked into (q1.problem)
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

from ruralkit.i18n import Msg, join

from .compare import describe
from .mode import lock as lock_process
from .placeholder import PLACEHOLDER, is_placeholder
from .views import RichText, show

__all__ = ["RecordingView", "assessment_questions"]

_COLOUR = "#1f5fa8"


class RecordingView:
    """One question of an assessment notebook: which variables hold its answer, nothing more."""

    __slots__ = ("_names", "_namespace", "label", "number")

    def __init__(self, label: str, number: int, names: Sequence[str],
                 namespace: MutableMapping[str, Any] | None = None) -> None:
        self.label = label
        self.number = number
        self._names = tuple(str(n) for n in names)
        self._namespace = namespace

    def _values(self) -> MutableMapping[str, Any]:
        if self._namespace is not None:
            return self._namespace
        return vars(sys.modules["__main__"])

    def result(self) -> RichText:
        """What ``check()`` shows: the answer recorded (or missing), no verdict."""
        ns = self._values()
        missing = [n for n in self._names if n not in ns]
        question = Msg("exercises.question", n=self.number).render()
        if missing:
            body = Msg("exercises.not_defined", name=missing[0], close="")
            return RichText(f"{question} — {Msg('exercises.not_attempted').render()}",
                            body.render(), "#6b6b6b")
        if any(is_placeholder(ns[n]) for n in self._names):
            return RichText(f"{question} — {Msg('exercises.not_attempted').render()}",
                            Msg("exercises.not_attempted_body").render(), "#6b6b6b")
        held = join([Msg("exercises.assessment_holds", name=n, what=describe(ns[n]))
                     for n in self._names], "core.separator_clauses")
        return RichText(f"{question} — {Msg('exercises.assessment_recorded').render()}",
                        Msg("exercises.assessment_recorded_body", held=held).render(), _COLOUR)

    def check(self) -> None:
        """Show that the answer was recorded (not whether it is right)."""
        show(self.result())

    def hint(self, n: int | None = None) -> None:
        """There are no hints in an assessment."""
        show(RichText("", Msg("exercises.assessment_no_hints").render()))

    def solution(self) -> None:
        """There are no solutions in an assessment."""
        show(RichText("", Msg("exercises.assessment_no_solution").render()))

    def __getattr__(self, attr: str) -> Any:
        raise AttributeError(Msg("exercises.assessment_closed",
                                 what=f"{self.label}.{attr}").render())

    def __repr__(self) -> str:
        return Msg("exercises.assessment_view", label=self.label).render()

    def _repr_markdown_(self) -> str:
        return repr(self)


def assessment_questions(set_key: str, questions: Mapping[str, Sequence[str]], *,
                         namespace: MutableMapping[str, Any] | None = None,
                         lock: bool = True) -> tuple[Any, ...]:
    """``(____, q1, q2, ...)`` for an assessment notebook of set ``set_key``.

    ``questions`` maps each label to its answer variables, in order. ``lock``
    (default) switches this process to assessment mode for good.
    """
    if lock:
        lock_process()
    views = [RecordingView(label, i, names, namespace)
             for i, (label, names) in enumerate(questions.items(), start=1)]
    return (PLACEHOLDER, *views)
