"""Household income: what goes with higher income, what causes it, and what the data cannot tell.

=====================  =====================================================  ======================
module                 job                                                    reference
=====================  =====================================================  ======================
:mod:`.regression`     :func:`drivers`: OLS of (log) income, HC1 / cluster    statsmodels OLS
:mod:`.bootstrap`      wild cluster bootstrap p-values for few clusters       statsmodels, refit
:mod:`.panel`          :func:`panel_effect` (fixed effects), event study      R ``plm``, pyfixest
:mod:`.prediction`     :func:`fit_model`: folds grouped by village            scikit-learn
:mod:`.explain`        :func:`importance`, :func:`dependence_plot`,           scikit-learn
                       :func:`what_if` (with its caveat)
:mod:`.composition`    :func:`composition`: wage / business / property /      NBS national figures
                       transfer income against the national rural figures
:mod:`.charts`        :func:`comparison_chart`, :func:`event_chart`,         --
                       :func:`confounding_diagram`
:mod:`.winsorising`    :func:`winsorise`: clip outliers, with a report        --
:mod:`.errors`         the errors and warnings, in English and Chinese        --
=====================  =====================================================  ======================

Every function takes a DataFrame and column names and returns a tidy table (for
the regressions: one row per term with ``term, coef, se, ci_low, ci_high,
p_value`` and, for a log outcome, ``pct_effect = 100 * (exp(coef) - 1)``), a
result object, or Axes.
"""

from __future__ import annotations

from ._prediction_checks import PredictionInputError
from .charts import comparison, comparison_chart, confounding_diagram, event_chart
from .composition import composition, composition_chart, national_rural_income
from .errors import FewClustersWarning, IncomeError
from .explain import WhatIf, dependence_plot, importance, importance_chart, what_if
from .panel import event_study, panel_effect
from .prediction import IncomeModel, fit_model
from .regression import drivers
from .winsorising import Winsorised, winsorise

__all__ = [
    "FewClustersWarning",
    "IncomeError",
    "IncomeModel",
    "PredictionInputError",
    "WhatIf",
    "Winsorised",
    "comparison",
    "comparison_chart",
    "composition",
    "confounding_diagram",
    "composition_chart",
    "dependence_plot",
    "drivers",
    "event_chart",
    "event_study",
    "fit_model",
    "importance",
    "importance_chart",
    "national_rural_income",
    "panel_effect",
    "what_if",
    "winsorise",
]
