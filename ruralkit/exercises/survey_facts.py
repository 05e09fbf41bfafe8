"""What a question reads from a survey design: :class:`DesignFacts` (a leaf of the sets).

It lives apart from the set module that uses it (set 01's question 1) so that the
grader's last cell can read a design in an **assessment** kernel without importing
the set module, which holds the expected answers.

Examples
--------
>>> import ruralkit as rk
>>> from ruralkit.exercises.survey_facts import DesignFacts
>>> facts = DesignFacts.read(rk.survey_design(rk.load_trust_survey()))
>>> facts.strata_cols, facts.cluster_cols
(['year', 'township_id'], ['village_id'])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .facts import Facts, items_of, number, optional, text, whole

__all__ = ["DesignFacts"]


def _names(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


class DesignFacts(Facts):
    """What question 1 checks about a survey design, as plain values (read in the
    learner's kernel when grading, so that the check runs in the grader's process)."""

    kind = "survey_design"
    _fields = {
        "rows": whole, "n_strata": whole, "n_psu": whole, "degf": whole,
        "weight_total": number, "weights_col": optional(text(200)),
        "strata_cols": items_of(text(200), limit=100),
        "cluster_cols": items_of(text(200), limit=100),
    }
    _same = ("rows", "n_strata", "n_psu", "degf", "weight_total")

    @classmethod
    def accepts(cls, value: Any) -> bool:
        # by name, not isinstance: the grader re-imports ruralkit, so the learner's
        # Design may come from an earlier copy of the module
        return type(value).__name__ == "Design" and all(
            hasattr(value, a) for a in ("degf", "n_psu", "n_strata", "data", "weights_col"))

    @classmethod
    def read(cls, value: Any) -> DesignFacts:
        return cls(
            rows=len(value.data), n_strata=int(value.n_strata), n_psu=int(value.n_psu),
            degf=int(value.degf), weight_total=float(np.sum(value.weights)),
            weights_col=value.weights_col,
            strata_cols=_names(getattr(value, "strata_cols", None)),
            cluster_cols=_names(getattr(value, "cluster_cols", None)),
        )
