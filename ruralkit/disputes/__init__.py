"""Disputes received by people's mediation: records, counts, seasons, trends, early warning.

=====================  ==========================================================
module                 job
=====================  ==========================================================
:mod:`.records`        :func:`check_cases`: one bilingual report of bad records
:mod:`.counts`         :func:`monthly_counts`: complete grids, rates, via DuckDB
:mod:`.seasons`        :func:`seasonal_profile`: month of year, Spring Festival
:mod:`.trends`         :func:`trend`: quasi-Poisson / negative binomial GLM
:mod:`.resolution`     :func:`resolution_summary`: outcomes and days to resolve
:mod:`.early_warning`  :func:`early_warning`: R surveillance's farringtonFlexible
:mod:`.simulate`       :func:`quiet_counts`: quiet data, to measure false alarms
=====================  ==========================================================

Every function takes a tidy DataFrame (cases: one row per case; counts: one
row per group and period) and returns one, vectorised across groups.

Examples
--------
>>> from ruralkit.disputes import early_warning, monthly_counts
>>> callable(early_warning) and callable(monthly_counts)
True
"""

from __future__ import annotations

from .counts import monthly_counts
from .early_warning import early_warning
from .records import CaseRecordsError, CaseReport, DisputesError, check_cases
from .resolution import resolution_summary
from .seasons import SPRING_FESTIVAL, months_from_spring_festival, seasonal_profile
from .simulate import quiet_counts
from .trends import TrendResult, trend

__all__ = [
    "SPRING_FESTIVAL",
    "CaseRecordsError",
    "CaseReport",
    "DisputesError",
    "TrendResult",
    "check_cases",
    "early_warning",
    "monthly_counts",
    "months_from_spring_festival",
    "quiet_counts",
    "resolution_summary",
    "seasonal_profile",
    "trend",
]
