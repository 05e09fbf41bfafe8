"""Household income: what raises it, what the data cannot tell you (乡村收入分析).

Prediction (scikit-learn): :func:`fit_model` cross-validated with folds grouped
by village, :func:`importance` (permutation importance on held-out villages,
correlated features permuted together) drawn by :func:`importance_chart`,
:func:`dependence_plot` (partial
dependence with ICE curves) and :func:`what_if` (with its caveat). Description:
:func:`composition` (wage / business / property / transfer income against the
national rural figures) with :func:`composition_chart`, and :func:`winsorise`.
"""

from __future__ import annotations

from ._prediction_checks import PredictionInputError
from .composition import composition, composition_chart, national_rural_income
from .explain import WhatIf, dependence_plot, importance, importance_chart, what_if
from .prediction import IncomeModel, fit_model
from .winsorising import Winsorised, winsorise

__all__ = [
    "IncomeModel",
    "PredictionInputError",
    "WhatIf",
    "Winsorised",
    "composition",
    "composition_chart",
    "dependence_plot",
    "fit_model",
    "importance",
    "importance_chart",
    "national_rural_income",
    "what_if",
    "winsorise",
]
