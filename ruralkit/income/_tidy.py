"""The tidy table every income estimator returns: one row per term."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

COLUMNS = ["term", "coef", "se", "ci_low", "ci_high", "p_value"]
PCT_COLUMNS = ["pct_effect", "pct_low", "pct_high"]


def tidy_table(terms: Sequence[str], coef: np.ndarray, se: np.ndarray, df_t: float | None,
               *, level: float, log_outcome: bool, skip_pct: Sequence[str] = ()) -> pd.DataFrame:
    """Coefficients and SEs into ``term, coef, se, ci_low, ci_high, p_value`` (+ % effects).

    ``df_t`` is the t distribution's degrees of freedom (``None``: normal).
    ``pct_effect`` is ``100 * (exp(coef) - 1)``, the % change in the outcome for
    one unit more of the term, with the interval's ends transformed the same way.
    """
    coef = np.asarray(coef, dtype=float)
    se = np.asarray(se, dtype=float)
    dist = stats.norm if df_t is None else stats.t(df_t)
    crit = dist.ppf(0.5 + level / 2)
    stat = coef / se
    out = pd.DataFrame({
        "term": list(terms),
        "coef": coef,
        "se": se,
        "ci_low": coef - crit * se,
        "ci_high": coef + crit * se,
        "p_value": 2 * dist.sf(np.abs(stat)),
    })
    if log_outcome:
        skip = out["term"].isin(list(skip_pct)).to_numpy()
        for name, source in zip(PCT_COLUMNS, ["coef", "ci_low", "ci_high"], strict=True):
            out[name] = np.where(skip, np.nan, 100 * np.expm1(out[source].to_numpy()))
    return out
