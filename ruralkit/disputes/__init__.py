"""Mediated disputes: checking case records, monthly counts, seasons, trends and resolution.

=====================  ==========================================================
module                 job
=====================  ==========================================================
:mod:`.records`        :func:`check_cases`: one bilingual report of bad records
:mod:`.counts`         :func:`monthly_counts`: complete grids, rates, via DuckDB
:mod:`.seasons`        :func:`seasonal_profile`: month of year, Spring Festival
:mod:`.trends`         :func:`trend`: quasi-Poisson / negative binomial GLM
:mod:`.resolution`     :func:`resolution_summary`: outcomes and days to resolve
=====================  ==========================================================

Every function takes a tidy DataFrame (cases: one row per case; counts: one
row per group and period) and returns one, vectorised across groups.
"""

from __future__ import annotations

from .counts import monthly_counts
from .records import CaseRecordsError, CaseReport, DisputesError, check_cases
from .resolution import resolution_summary
from .seasons import SPRING_FESTIVAL, months_from_spring_festival, seasonal_profile
from .trends import TrendResult, trend

__all__ = [
    "SPRING_FESTIVAL",
    "CaseRecordsError",
    "CaseReport",
    "DisputesError",
    "TrendResult",
    "check_cases",
    "monthly_counts",
    "months_from_spring_festival",
    "resolution_summary",
    "seasonal_profile",
    "trend",
]
