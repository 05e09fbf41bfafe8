"""Practice or assessment: whether the kit may compute answers in this process (a leaf module).

In **practice** (the default) ``q.check()`` compares with the expected answer and
``q.hint()`` and ``q.solution()`` help. In an **assessment** kernel the kit refuses
to compute expected values, show hints or solutions, solve a set or grade it:
:func:`lock` switches a process to assessment for good (there is no unlock), and
the environment variable ``RURALKIT_MODE=assessment`` does the same for every
process that inherits it, also after the package is imported afresh (the
grader's last cell does that). What this cannot stop: code running in the same
process can undo the environment variable and call the set module's functions
directly; see ``exercises/README.md`` for what holds where.

Examples
--------
>>> from ruralkit.exercises import mode
>>> mode.locked()
False
>>> mode.refuse_if_locked("expected")
"""

from __future__ import annotations

import os

from ruralkit.i18n import RuralkitError

__all__ = ["ASSESSMENT", "MODE_VARIABLE", "PRACTICE", "AssessmentError", "lock", "locked",
           "refuse_if_locked"]

MODE_VARIABLE = "RURALKIT_MODE"
PRACTICE, ASSESSMENT = "practice", "assessment"
_state = {"locked": False}


class AssessmentError(RuralkitError):
    """The kit was asked for an answer, a hint or a solution in an assessment."""


def lock() -> None:
    """Switch this process (and the processes it starts) to assessment mode, for good."""
    _state["locked"] = True
    os.environ[MODE_VARIABLE] = ASSESSMENT


def locked() -> bool:
    """True in an assessment process (after :func:`lock`, or with ``RURALKIT_MODE=assessment``)."""
    return _state["locked"] or os.environ.get(MODE_VARIABLE, "").strip() == ASSESSMENT


def refuse_if_locked(what: str) -> None:
    """Raise :class:`AssessmentError` in an assessment process; ``what`` names the request
    (``"expected"``, ``"hints"``, ``"solution"``, ``"solve"``, ``"grade"``)."""
    if locked():
        keys = {"expected": "exercises.assessment_no_expected",
                "hints": "exercises.assessment_no_hints",
                "solution": "exercises.assessment_no_solution",
                "solve": "exercises.assessment_no_solve",
                "grade": "exercises.assessment_no_grade"}
        raise AssessmentError.of(keys.get(what, "exercises.assessment_no_expected"))
