"""The records the parts of grading hand each other: one submission's result, the limits.

A leaf module: it imports nothing of the kit, so that ``run``, ``report``,
``sandbox`` and ``worker`` can all use these records without importing each
other (a split by function alone makes them import each other in a circle).

Examples
--------
>>> r = GradeResult("s01.ipynb", "s01", "00", None, "ok", 1.5,
...                 questions=[{"question": "q1", "points": 1.0, "max_points": 2.0}])
>>> (r.total, r.max_points)
(1.0, 2.0)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["MAX_ATTEMPTS", "STATUSES", "GradeResult"]

#: What a gradebook's ``status`` column may say about a submission.
STATUSES = ("ok", "error", "timeout", "crashed", "invalid", "failed")

#: Runs of one notebook at most: a cell that crashes the kernel, or does not stop
#: when interrupted, is left out and the notebook run again.
MAX_ATTEMPTS = 3


@dataclass
class GradeResult:
    """The grading of one submission (one gradebook row)."""

    file: str
    student_id: str
    set_key: str | None
    variant_seed: int | None
    status: str
    seconds: float
    questions: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        """Points scored, over all questions."""
        return sum(q["points"] for q in self.questions)

    @property
    def max_points(self) -> float:
        """Points there were to score."""
        return sum(q["max_points"] for q in self.questions)
