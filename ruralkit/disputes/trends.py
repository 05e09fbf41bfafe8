"""Trends in monthly counts: a count GLM with month-of-year effects and interventions.

:func:`trend` fits, through statsmodels, ``log E[cases] = a + b * years +
month-of-year + interventions (+ log exposure)`` with a quasi-Poisson
(Poisson mean, variance ``phi * mean``, R's ``glm(family=quasipoisson)``) or
a negative binomial (NB2, dispersion by maximum likelihood, R's
``MASS::glm.nb``) error, and returns a tidy table: the annual % change and
each intervention's rate ratio with intervals.

An intervention is a step (``"2020-07"``: 0 before, 1 from that month on, as a
policy that stays) or a window (``("2021-04", "2022-09")``: 1 inside, as a
project that ends).

Examples
--------
>>> import ruralkit as rk
>>> from ruralkit.disputes import monthly_counts, trend
>>> cases = rk.load_disputes()
>>> t04 = cases.query("township_id == 'T04' and dispute_type == 'requisition'")
>>> counts = monthly_counts(t04, by=None, start="2016-01", end="2024-12")
>>> fit = trend(counts, interventions={"plantation": ("2021-04", "2022-09")})
>>> fit.table[["term", "rate_ratio", "ci_low", "ci_high"]].round(1)
            term  rate_ratio  ci_low  ci_high
0  annual_change         1.1     0.9      1.2
1     plantation        13.1     7.9     21.9
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .records import DisputesError, require_columns

__all__ = ["FAMILIES", "TrendResult", "trend"]

FAMILIES = ("quasipoisson", "negbin")


@dataclass
class TrendResult:
    """What :func:`trend` returns: the tidy ``table``, the ``data`` and the statsmodels ``fit``.

    Attributes
    ----------
    table : DataFrame
        One row per term (``annual_change``, then each intervention):
        ``term, kind, coef, se, rate_ratio, ci_low, ci_high, percent,
        percent_low, percent_high, p_value``; ``percent`` is ``100 *
        (rate_ratio - 1)``: the annual % change, or the % change the
        intervention brought.
    data : DataFrame
        The series modelled: period, observed, the regressors and ``fitted``.
    fit : statsmodels results
        The fitted model (``fit.summary()`` prints statsmodels' table).
    family : str
    dispersion : float
        ``phi`` (quasi-Poisson) or ``alpha`` (negative binomial: variance
        ``mu + alpha * mu**2``).
    """

    table: pd.DataFrame
    data: pd.DataFrame
    fit: Any
    family: str
    dispersion: float

    def __repr__(self) -> str:
        return repr(self.table)

    def _repr_html_(self) -> str:
        return self.table._repr_html_()


def _intervention_columns(periods: pd.PeriodIndex,
                          interventions: Mapping[str, Any] | Sequence | None) -> dict:
    if interventions is None:
        return {}
    if not isinstance(interventions, Mapping):
        interventions = {f"step_{pd.Period(d, 'M')}": d for d in interventions}
    columns = {}
    for name, when in interventions.items():
        if isinstance(when, tuple | list) and len(when) == 2:
            start, end = (pd.Period(w, "M") for w in when)
            x = (periods >= start) & (periods <= end)
            kind = "window"
        elif isinstance(when, str | pd.Period | pd.Timestamp):
            x = periods >= pd.Period(when, "M")
            kind = "step"
        else:
            raise DisputesError.of("disputes.bad_intervention", name=name, value=repr(when))
        x = np.asarray(x, dtype=float)
        if x.min() == x.max():
            raise DisputesError.of("disputes.intervention_constant", name=name,
                                   first=str(periods[0]), last=str(periods[-1]))
        columns[str(name)] = (kind, x)
    return columns


def design_matrix(periods: pd.PeriodIndex, *, seasonal: bool = True,
                  interventions: Mapping[str, Any] | Sequence | None = None
                  ) -> tuple[pd.DataFrame, dict[str, str]]:
    """The regressors of :func:`trend` for monthly ``periods``, and each intervention's kind.

    Columns ``const``, ``years`` (time in years from the first month),
    ``month_2`` .. ``month_12`` (January is the reference) and one column per
    intervention.
    """
    n = len(periods)
    month_no = periods.year.to_numpy() * 12 + periods.month.to_numpy()
    x = {"const": np.ones(n), "years": (month_no - month_no[0]) / 12.0}
    if seasonal:
        moy = periods.month.to_numpy()
        for m in range(2, 13):
            x[f"month_{m}"] = (moy == m).astype(float)
    kinds = {}
    for name, (kind, col) in _intervention_columns(periods, interventions).items():
        x[name] = col
        kinds[name] = kind
    return pd.DataFrame(x, index=periods), kinds


def _series(counts: pd.DataFrame, value: str, period: str,
            exposure: str | None) -> pd.DataFrame:
    cols = [value] + ([exposure] if exposure else [])
    require_columns(counts, [period, *cols], role="value / period / exposure")
    frame = counts.groupby(period, observed=True)[cols].sum().sort_index()
    periods = pd.PeriodIndex(frame.index.astype("period[M]"))
    full = pd.period_range(periods[0], periods[-1], freq="M")
    if len(full) != len(periods):
        raise DisputesError.of("disputes.months_missing", n=len(full) - len(periods),
                               first=str(full[0]), last=str(full[-1]))
    frame.index = periods
    return frame


def _fit(y: np.ndarray, x: pd.DataFrame, offset: np.ndarray | None, family: str):
    import statsmodels.api as sm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence notes are judged from the result
        if family == "quasipoisson":
            fit = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset).fit(scale="X2")
            return fit, float(fit.scale), fit.params, fit.bse
        # alpha by maximum likelihood (jointly with the coefficients, as MASS::glm.nb
        # reaches by alternating); then, as glm.nb reports them, the coefficients and
        # standard errors of the GLM with that alpha held fixed. Where the counts are
        # not overdispersed alpha runs to 0 (R: theta to infinity) and the fit tends to
        # the Poisson one; a floor keeps the fixed-alpha GLM defined.
        joint = sm.NegativeBinomial(y, x, loglike_method="nb2", offset=offset)
        alpha = float(joint.fit(disp=0, maxiter=500, method="bfgs").params["alpha"])
        alpha = max(alpha, 1e-8)
        family = sm.families.NegativeBinomial(alpha=alpha)
        fit = sm.GLM(y, x, family=family, offset=offset).fit()
        return fit, alpha, fit.params, fit.bse


def trend(
    counts: pd.DataFrame,
    *,
    value: str = "cases",
    period: str = "month",
    family: str = "quasipoisson",
    seasonal: bool = True,
    interventions: Mapping[str, Any] | Sequence | None = None,
    exposure: str | None = None,
    level: float = 0.95,
) -> TrendResult:
    """Annual % change and the effect of interventions in a monthly count series.

    Parameters
    ----------
    counts : DataFrame
        Monthly counts (:func:`monthly_counts`); rows of the same month (several
        villages or types) are added up into one series. Every month from the
        first to the last must be present (a complete grid).
    value : str, default "cases"
    period : str, default "month"
        The column of monthly ``pandas.Period`` values.
    family : {"quasipoisson", "negbin"}, default "quasipoisson"
    seasonal : bool, default True
        Month-of-year effects (11 dummies, January the reference).
    interventions : mapping or sequence, optional
        ``{"name": "2020-07"}`` for a step from that month on,
        ``{"name": ("2021-04", "2022-09")}`` for a window; a list of months is
        a list of steps.
    exposure : str, optional
        A column of the counts that the modelled counts are a part of (e.g.
        all cases, to model the share that became petitions): its log is an
        offset, so rate ratios are ratios of shares.
    level : float, default 0.95
        Confidence level of the Wald intervals (normal, on the log scale, as
        statsmodels and R's ``confint.default`` give them).

    Returns
    -------
    TrendResult
        ``.table`` is the tidy table; see :class:`TrendResult`.
    """
    from scipy import stats

    if family not in FAMILIES:
        raise DisputesError.of("disputes.bad_family", value=family, choices=", ".join(FAMILIES))
    frame = _series(counts, value, period, exposure)
    x, kinds = design_matrix(frame.index, seasonal=seasonal, interventions=interventions)
    y = frame[value].to_numpy(dtype=float)
    offset = None
    if exposure:
        e = frame[exposure].to_numpy(dtype=float)
        if (e <= 0).any():
            raise DisputesError.of("disputes.exposure_not_positive", column=exposure,
                                   n=int((e <= 0).sum()))
        offset = np.log(e)
    fit, dispersion, params, bse = _fit(y, x.reset_index(drop=True), offset, family)
    z = stats.norm.ppf(0.5 + level / 2)
    terms = ["years", *kinds]
    coef, se = params[terms].to_numpy(), bse[terms].to_numpy()
    table = pd.DataFrame({
        "term": ["annual_change", *kinds],
        "kind": ["trend", *kinds.values()],
        "coef": coef,
        "se": se,
        "rate_ratio": np.exp(coef),
        "ci_low": np.exp(coef - z * se),
        "ci_high": np.exp(coef + z * se),
    })
    for col, src in (("percent", "rate_ratio"), ("percent_low", "ci_low"),
                     ("percent_high", "ci_high")):
        table[col] = 100 * (table[src] - 1)
    table["p_value"] = 2 * stats.norm.sf(np.abs(coef / se))
    data = x.drop(columns="const").assign(observed=y)
    data["fitted"] = np.asarray(fit.predict())
    data = data.rename_axis(period).reset_index()
    return TrendResult(table=table, data=data, fit=fit, family=family, dispersion=dispersion)
