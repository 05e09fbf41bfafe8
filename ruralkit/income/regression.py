"""What goes with higher household income: OLS of (log) per-capita income on its drivers.

:func:`drivers` is a thin layer over statsmodels' ``OLS``/``WLS``: it checks the
input (with messages that say what to do), codes categorical features as
dummies, fits, and returns one tidy row per term.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..i18n import Msg
from ._prepare import (
    as_list,
    check_columns,
    cluster_codes,
    complete_rows,
    design_matrix,
    feature_column,
    outcome_values,
    weights_values,
)
from ._tidy import tidy_table
from .bootstrap import WEIGHT_KINDS, wild_cluster_pvalues
from .errors import FewClustersWarning, IncomeError, warn

__all__ = ["MIN_CLUSTERS", "drivers"]

#: Below this many clusters cluster-robust standard errors are too small.
MIN_CLUSTERS = 10


def _check_options(bootstrap: str | None, cluster: str | None, weight_kind: str) -> None:
    if bootstrap not in (None, "wild"):
        raise IncomeError.of("income.unknown_option", name="bootstrap", value=repr(bootstrap),
                             choices="None, 'wild'")
    if bootstrap == "wild" and cluster is None:
        raise IncomeError.of("income.bootstrap_needs_cluster")
    if weight_kind not in WEIGHT_KINDS:
        raise IncomeError.of("income.unknown_option", name="boot_weights",
                             value=repr(weight_kind), choices=", ".join(map(repr, WEIGHT_KINDS)))


def drivers(
    df: pd.DataFrame,
    *,
    outcome: str,
    features: Sequence[str],
    cluster: str | None = None,
    weights: str | None = None,
    log_outcome: bool = True,
    level: float = 0.95,
    bootstrap: str | None = None,
    reps: int = 9999,
    boot_weights: str = "rademacher",
    seed: int | None = None,
) -> pd.DataFrame:
    """Ordinary least squares of (log) income on its drivers, with robust standard errors.

    Parameters
    ----------
    df : DataFrame
        One row per household (or household-year).
    outcome : str
        The income column, e.g. ``"income_per_capita"``.
    features : list of str
        Columns of the drivers. Text and category columns (and any column
        written ``"C(column)"``) enter as dummies against their first level, as
        statsmodels' ``C()`` codes them; numbers and booleans enter as they are.
    cluster : str, optional
        Column of the clusters (e.g. ``"village_id"``): cluster-robust standard
        errors (statsmodels' ``cov_type="cluster"``: CR1, with the factor
        ``G/(G-1) * (N-1)/(N-K)``, and t with G-1 degrees of freedom). Without
        it, heteroskedasticity-robust HC1 errors (t with N-K degrees of freedom).
        Fewer than 10 clusters gives a :class:`FewClustersWarning`.
    weights : str, optional
        Column of positive weights (weighted least squares, statsmodels' ``WLS``).
    log_outcome : bool
        Model ``log(outcome)`` (default). The outcome must then be positive.
        Adds ``pct_effect = 100 * (exp(coef) - 1)``: the % change in income for
        one unit more of the feature, and ``pct_low, pct_high``.
    level : float
        Confidence level of the intervals.
    bootstrap : {None, "wild"}
        ``"wild"`` adds ``p_value_boot``: a wild cluster bootstrap p-value with
        the null imposed (WCR), for when there are few clusters
        (:mod:`ruralkit.income.bootstrap`). Needs ``cluster``.
    reps, boot_weights, seed
        Bootstrap samples, weights (``"rademacher"`` or ``"webb"``; Webb's for
        fewer than about 12 clusters) and seed.

    Returns
    -------
    DataFrame
        One row per term (``Intercept`` first): ``term, coef, se, ci_low,
        ci_high, p_value`` (+ ``pct_effect, pct_low, pct_high`` for a log
        outcome; + ``p_value_boot``). ``attrs`` holds ``n``, ``n_clusters`` and
        ``cov_type``.

    Raises
    ------
    IncomeError
        A missing column, a non-positive income with ``log_outcome``, a constant
        feature, perfectly collinear features, or bad weights.

    Examples
    --------
    >>> import ruralkit as rk
    >>> from ruralkit.income import drivers
    >>> hh = rk.load_households().query("income_per_capita > 0")  # two planted losses
    >>> t = drivers(hh, outcome="income_per_capita",
    ...             features=["head_education_years", "migrant_workers"])
    >>> t[["term", "coef", "se"]].round(3)
                       term   coef     se
    0             Intercept  8.940  0.016
    1  head_education_years  0.068  0.002
    2       migrant_workers  0.086  0.005
    """
    import statsmodels.api as sm

    features = as_list(features)
    _check_options(bootstrap, cluster, boot_weights)
    columns = [feature_column(f)[0] for f in features]
    extra = as_list(cluster) + as_list(weights)
    check_columns(df, {"outcome": [outcome], "features": columns,
                       "cluster": as_list(cluster), "weights": as_list(weights)})
    keep = complete_rows(df, [outcome, *columns, *extra])
    y = outcome_values(df, outcome, keep, log_outcome)
    design = design_matrix(df, features, keep)
    X = design.X
    w = weights_values(df, weights, keep) if weights is not None else None
    model = sm.WLS(y, X, weights=w) if w is not None else sm.OLS(y, X)
    if cluster is None:
        fit = model.fit(cov_type="HC1", use_t=True)
        n_clusters, df_t, cov_type = None, float(fit.df_resid), "HC1"
    else:
        groups = cluster_codes(df, cluster, keep)
        n_clusters = int(groups.max()) + 1
        if n_clusters < MIN_CLUSTERS:
            warn(FewClustersWarning, "income.few_clusters", n=n_clusters, cluster=cluster,
                 minimum=MIN_CLUSTERS)
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
        df_t, cov_type = float(n_clusters - 1), "cluster (CR1)"
    table = tidy_table(design.names, fit.params, fit.bse, df_t, level=level,
                       log_outcome=log_outcome, skip_pct=["Intercept"])
    if bootstrap == "wild":
        sw = np.sqrt(w) if w is not None else 1.0
        Xb = X * (sw[:, None] if w is not None else 1.0)
        table["p_value_boot"] = wild_cluster_pvalues(
            Xb, y * sw, groups, terms=list(range(X.shape[1])), reps=reps, kind=boot_weights,
            seed=seed)
    table.attrs.update(n=int(keep.sum()), n_clusters=n_clusters, cov_type=cov_type,
                       outcome=f"log({outcome})" if log_outcome else outcome,
                       note=Msg("income.note_association").render())
    return table
