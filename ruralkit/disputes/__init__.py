"""Mediated disputes: checking case records, monthly counts, seasons, trends and resolution.

=====================  ==========================================================
module                 job
=====================  ==========================================================
:mod:`.records`        :func:`check_cases`: one bilingual report of bad records
:mod:`.counts`         :func:`monthly_counts`: complete grids, rates, via DuckDB
=====================  ==========================================================
"""

from __future__ import annotations

from .counts import monthly_counts
from .records import CaseRecordsError, CaseReport, DisputesError, check_cases

__all__ = [
    "CaseRecordsError",
    "CaseReport",
    "DisputesError",
    "check_cases",
    "monthly_counts",
]
