"""Design-based estimation for complex survey samples, split by job as R's ``survey`` is.

This package reproduces the core of Thomas Lumley's R package ``survey`` for
one-stage (ultimate-cluster) designs: stratified, clustered and weighted
samples with an optional finite population correction. Standard errors come
from Taylor linearisation of the primary sampling unit (PSU) totals within
strata, exactly as R computes them, and confidence intervals use a t
distribution with the design degrees of freedom (#PSUs - #strata, R's
``degf()``).

=====================  ==========================================  =====================
module                 job                                         R
=====================  ==========================================  =====================
:mod:`.design`         declare a design, code it into arrays       ``svydesign``
:mod:`.variance`       variance of totals by strata and PSUs       ``svyrecvar``
:mod:`.estimators`     means, totals, shares by domain             ``svymean``, ``svyby``
:mod:`.results`        :class:`Estimates`: tables, contrasts       ``svycontrast``
:mod:`.glm`            design-based regression                     ``svyglm``
:mod:`.scales`         Likert tables, scale scores, alpha          (psych)
:mod:`.privacy`        small-cell suppression                      --
:mod:`.errors`         the errors, in English and Chinese          --
=====================  ==========================================  =====================

``level`` means one thing everywhere: the confidence level of an interval
(0.95 by default), always a keyword. The values of a categorical answer are
its ``category`` (a result column, and ``likert_table(categories=)``); the two
groups a difference compares are ``groups=(a, b)``.

The package needs only numpy, pandas and scipy (statsmodels and patsy only
for :meth:`Design.glm`, imported when it is called).

Examples
--------
>>> import pandas as pd
>>> from ruralkit.survey import Design
>>> df = pd.DataFrame({
...     "township": ["A", "A", "A", "A", "B", "B", "B", "B"],
...     "village": [1, 1, 2, 2, 3, 3, 4, 4],
...     "w": [10.0, 10.0, 12.0, 12.0, 8.0, 8.0, 9.0, 9.0],
...     "trust": [3, 4, 2, 5, 4, 4, 1, 3],
... })
>>> d = Design(df, weights="w", strata="township", cluster="village")
>>> d.mean("trust")[["estimate", "se", "n"]].round(3)
   estimate     se  n
0     3.256  0.443  8
"""

from __future__ import annotations

from .design import Design, survey_design
from .errors import (
    ColumnNotFoundError,
    DataChangedError,
    DesignError,
    LonelyPSUError,
    NonNumericColumnError,
    SurveyError,
    SurveyTypeError,
    WeightError,
)
from .glm import GLMResult, GLMSummary
from .privacy import suppress_small_cells
from .results import Estimates
from .scales import cronbach_alpha, likert_table, scale_score

__all__ = [
    "ColumnNotFoundError",
    "DataChangedError",
    "Design",
    "DesignError",
    "Estimates",
    "GLMResult",
    "GLMSummary",
    "LonelyPSUError",
    "NonNumericColumnError",
    "SurveyError",
    "SurveyTypeError",
    "WeightError",
    "cronbach_alpha",
    "likert_table",
    "scale_score",
    "suppress_small_cells",
    "survey_design",
]
