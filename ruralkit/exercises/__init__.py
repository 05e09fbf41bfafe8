"""Exercises that check themselves: ``q1.check()``, ``q1.hint()``, ``q1.solution()``.

In an exercise notebook::

    import ruralkit as rk
    from ruralkit.exercises import set00
    set00.bind(globals())          # q1, q2, ... and the placeholder ____

    n_villages = ____              # the learner replaces ____ with code
    q1.check()                     # Correct ✓ / Not yet ✗ (with a reason) / Not attempted

A set is one source in three files (see ``exercises/README.md``, "Writing a
set"): the master notebook (questions and ``# SOLUTION`` code), the content file
``content/setNN.toml`` (titles, hints, mistake messages, wrong-answer examples:
:mod:`.content`) and ``setNN.py``, the few functions that must be code
(:mod:`.registry`)::

    @expected("n_villages")
    def n_villages(q):
        return len(q.data("villages"))   # from the learner's variant of the data

Modules, leaves first (dependencies run one way): ``placeholder``, ``facts``,
``names``, ``master``, ``registry``, ``selftest``, ``charts`` -> ``compare`` ->
``engine`` -> ``content`` -> ``views`` -> ``sets`` -> ``answers``, ``scaffold``
and the set modules; the hand-over's format: ``codec_base`` -> ``codec_frames`` ->
``codec`` -> ``answers``. Building student notebooks and grading are in
:mod:`ruralkit.grading`, which uses this package (never the reverse).
"""

from __future__ import annotations

from ruralkit.i18n import Msg

from .charts import ChartFacts
from .compare import compare
from .content import ContentError
from .engine import (
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
from .facts import Facts
from .placeholder import PLACEHOLDER
from .registry import expected, hidden, mistake
from .sets import ExerciseSet, get_set, list_sets, load_set, set_folders
from .views import CheckResult, ProblemView, RichText

set_folders()  # sets in RURALKIT_EXERCISES_PATH import as ruralkit.exercises.setNN

__all__ = [
    "PLACEHOLDER",
    "ChartFacts",
    "CheckResult",
    "ContentError",
    "ExerciseSet",
    "Facts",
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
    "expected",
    "get_set",
    "hidden",
    "list_sets",
    "load_set",
    "mistake",
]
