"""Household income: what goes with higher income, and what causes it.

=====================  =====================================================  ======================
module                 job                                                    reference
=====================  =====================================================  ======================
:mod:`.regression`     :func:`drivers`: OLS of (log) income, HC1 / cluster    statsmodels OLS
:mod:`.bootstrap`      wild cluster bootstrap p-values for few clusters       statsmodels, refit
:mod:`.panel`          :func:`panel_effect` (fixed effects), event study      R ``plm``, pyfixest
:mod:`.errors`         the errors and warnings, in English and Chinese        --
=====================  =====================================================  ======================

Every function takes a DataFrame and column names and returns a tidy table:
one row per term with ``term, coef, se, ci_low, ci_high, p_value`` and, for a
log outcome, ``pct_effect = 100 * (exp(coef) - 1)``.
"""

from __future__ import annotations

from .errors import FewClustersWarning, IncomeError
from .panel import event_study, panel_effect
from .regression import drivers

__all__ = ["FewClustersWarning", "IncomeError", "drivers", "event_study", "panel_effect"]
