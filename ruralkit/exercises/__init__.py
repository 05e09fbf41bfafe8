"""Exercises that check themselves: ``q1.check()``, ``q1.hint()``, ``q1.solution()``.

In an exercise notebook::

    import ruralkit as rk
    from ruralkit.exercises import set00
    set00.bind(globals())          # q1, q2, ... and the placeholder ____

    n_villages = ____              # the learner replaces ____ with code
    q1.check()                     # Correct ✓ / Not yet ✗ (with a reason) / Not attempted

Writing a question (one class per question, in ``setNN.py``)::

    class CountVillages(ValueProblem):
        _var = "n_villages"
        _hints = [{"en": "...", "zh": "..."}]
        _solution = "n_villages = len(villages)"

        def expected(self):
            return len(self.data("villages"))   # from the learner's variant of the data

Building student notebooks and grading are in :mod:`ruralkit.grading`.
"""

from __future__ import annotations

from ruralkit.i18n import Msg

from .compare import compare
from .engine import (
    PLACEHOLDER,
    HiddenTest,
    Incorrect,
    Mistake,
    NotAttempted,
    Outcome,
    PlotProblem,
    Problem,
    ThoughtExperiment,
    Uncheckable,
    ValueProblem,
)
from .sets import ExerciseSet, get_set, list_sets
from .views import CheckResult, ProblemView, RichText

__all__ = [
    "PLACEHOLDER",
    "CheckResult",
    "ExerciseSet",
    "HiddenTest",
    "Incorrect",
    "Mistake",
    "Msg",
    "NotAttempted",
    "Outcome",
    "PlotProblem",
    "Problem",
    "ProblemView",
    "RichText",
    "ThoughtExperiment",
    "Uncheckable",
    "ValueProblem",
    "compare",
    "get_set",
    "list_sets",
]
