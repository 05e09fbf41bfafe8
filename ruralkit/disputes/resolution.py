"""How cases end and how long they take: shares and days to resolve, with intervals.

:func:`resolution_summary` gives, per group and period, the share of cases
mediated, gone to court, escalated to a petition and still pending (Wilson
intervals, statsmodels' ``proportion_confint``), and the median (distribution-free
order-statistic interval, as ``scipy.stats.quantile_test``) and mean (t
interval) of the days to resolve among the cases closed. Every group is computed
at once (no loop over groups).

Examples
--------
>>> import ruralkit as rk
>>> from ruralkit.disputes import resolution_summary
>>> table = resolution_summary(rk.load_disputes(), breaks=["2020-07-01"])
>>> table.query("measure == 'petition'")[["period", "estimate", "n"]].round(3)
            period  estimate     n
2    to 2020-06-30     0.062  2722
8  from 2020-07-01     0.026  3085
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .counts import PERIODS
from .records import DisputesError, check_cases, require_columns

__all__ = ["OUTCOMES", "resolution_summary"]

OUTCOMES = ("mediated", "court", "petition", "pending")
MEASURES = (*OUTCOMES, "median_days", "mean_days")


def _period_labels(dates: pd.Series, period: str | None,
                   breaks: Sequence | None) -> pd.Series:
    if breaks is not None:
        cuts = sorted(pd.Timestamp(b) for b in breaks)
        ends = [c - pd.Timedelta(days=1) for c in cuts]
        labels = [f"to {ends[0]:%Y-%m-%d}"]
        labels += [f"{a:%Y-%m-%d} to {b:%Y-%m-%d}" for a, b in zip(cuts, ends[1:], strict=False)]
        labels += [f"from {cuts[-1]:%Y-%m-%d}"]
        edges = cuts
        codes = np.searchsorted(np.array(edges, dtype="datetime64[ns]"),
                                dates.to_numpy(dtype="datetime64[ns]"), side="right")
        return pd.Series(pd.Categorical.from_codes(codes, labels, ordered=True),
                         index=dates.index)
    if period is None:
        return pd.Series("all", index=dates.index)
    if period not in PERIODS:
        raise DisputesError.of("disputes.bad_period", value=period, choices=", ".join(PERIODS))
    return dates.dt.to_period(PERIODS[period][0])


def median_interval(values: pd.Series, groups: list[pd.Series],
                    level: float) -> pd.DataFrame:
    """Median and its order-statistic interval per group, all groups at once.

    The interval is ``scipy.stats.quantile_test(x, p=0.5).confidence_interval(level)``:
    with ``B ~ Binomial(n, 1/2)`` and ``a = (1 - level) / 2``, the sorted
    values ``x[ppf_B(a) - 1]`` and ``x[isf_B(a)]`` (0-based; missing beyond the data).
    """
    from scipy import stats

    frame = pd.DataFrame({f"_g{i}": g for i, g in enumerate(groups)}).assign(_v=values)
    frame = frame.dropna(subset=["_v"])
    keys = [c for c in frame.columns if c.startswith("_g")]
    frame = frame.sort_values([*keys, "_v"], kind="stable")
    v = frame["_v"].to_numpy(dtype=float)
    g = frame.groupby(keys, observed=True, sort=False)
    n = g["_v"].size()
    start = np.concatenate([[0], np.cumsum(n.to_numpy())[:-1]])
    nn = n.to_numpy()
    a = (1 - level) / 2
    low_i = stats.binom.ppf(a, nn, 0.5).astype(np.int64) - 1
    high_i = stats.binom.isf(a, nn, 0.5).astype(np.int64)
    low = np.where(low_i >= 0, v[start + np.clip(low_i, 0, None)], np.nan)
    high = np.where(high_i < nn, v[start + np.clip(high_i, None, nn - 1)], np.nan)
    return pd.DataFrame({"estimate": g["_v"].median().to_numpy(), "ci_low": low,
                         "ci_high": high, "n": nn}, index=n.index)


def _shares(outcome: pd.Series, keys: list[pd.Series], level: float) -> pd.DataFrame:
    from statsmodels.stats.proportion import proportion_confint

    onehot = pd.get_dummies(pd.Categorical(outcome.astype("string"), categories=OUTCOMES),
                            dtype=np.int64)
    onehot.index = outcome.index
    counts = onehot.groupby(keys, observed=True).sum()
    n = counts.sum(axis=1)
    long = counts.stack().rename("count").reset_index()
    long.columns = [*long.columns[:-2], "measure", "count"]
    long["n"] = np.repeat(n.to_numpy(), len(OUTCOMES))
    low, high = proportion_confint(long["count"], long["n"], alpha=1 - level, method="wilson")
    long["estimate"] = long["count"] / long["n"]
    long["ci_low"], long["ci_high"] = np.asarray(low), np.asarray(high)
    return long


def _days(days: pd.Series, keys: list[pd.Series], names: list[str],
          level: float) -> pd.DataFrame:
    from scipy import stats

    med = median_interval(days, keys, level)
    med.index.names = names
    med = med.reset_index().assign(measure="median_days")
    d = days.astype("float64")
    g = d.groupby(keys, observed=True)
    mean, sd, n = g.mean(), g.std(ddof=1), g.count()
    half = stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1)) * sd / np.sqrt(n)
    avg = pd.DataFrame({"estimate": mean, "ci_low": mean - half, "ci_high": mean + half,
                        "n": n})
    avg.index.names = names
    avg = avg.reset_index().assign(measure="mean_days")
    return pd.concat([med, avg], ignore_index=True)


def resolution_summary(
    cases: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    period: str | None = "year",
    breaks: Sequence | None = None,
    date: str = "date_received",
    level: float = 0.95,
) -> pd.DataFrame:
    """Shares mediated / court / petition / pending and days to resolve, with intervals.

    Parameters
    ----------
    cases : DataFrame
        One row per case with ``outcome`` and ``days_to_resolve`` (checked
        first with :func:`check_cases`; never modified).
    by : str or sequence of str, optional
        Groups (township, type, mediator level...).
    period : {"month", "quarter", "year"} or None, default "year"
        Periods of ``date``; None for the whole span.
    breaks : sequence of dates, optional
        Cut the span at these dates instead (e.g. ``["2020-07-01"]``: before
        and after the county mediation centre opened); the period column then
        reads ``"to 2020-06-30"``, ``"from 2020-07-01"`` (and ``"A to B"`` between
        two breaks).
    date : str, default "date_received"
        The date that places a case in a period.
    level : float, default 0.95

    Returns
    -------
    DataFrame
        The ``by`` columns, ``period``, ``measure`` (``mediated``, ``court``,
        ``petition``, ``pending``: shares of all cases; ``median_days``,
        ``mean_days``: among closed cases), ``estimate``, ``ci_low``,
        ``ci_high``, ``n`` (cases, or closed cases for days) and ``count``
        (cases with that outcome; missing for days).

    Notes
    -----
    Days are known only for closed cases: where many are pending (the last
    months of a register), the days describe the quick ones and understate the
    typical time.
    """
    by = [by] if isinstance(by, str) else list(by or [])
    require_columns(cases, [date, "outcome", "days_to_resolve", *by], role="by / date")
    check_cases(cases, required=(date, "outcome", "days_to_resolve"))
    dates = cases[date]
    if not pd.api.types.is_datetime64_any_dtype(dates):
        dates = pd.to_datetime(dates.astype("string"), format="mixed")
    unknown = ~cases["outcome"].astype("string").isin(OUTCOMES).fillna(False)
    if unknown.any():
        raise DisputesError.of("disputes.unknown_outcome", n=int(unknown.sum()),
                               rows=", ".join(map(str, cases.index[unknown][:5])),
                               known=", ".join(OUTCOMES))
    labels = _period_labels(dates, period, breaks).rename("period")
    keys = [cases[c] for c in by] + [labels]
    names = [*by, "period"]
    shares = _shares(cases["outcome"], keys, level)
    shares.columns = [*names, *shares.columns[len(names):]]
    days = pd.to_numeric(cases["days_to_resolve"].astype("Float64"), errors="coerce")
    out = pd.concat([shares, _days(days, keys, names, level)], ignore_index=True)
    out["measure"] = pd.Categorical(out["measure"], categories=MEASURES)
    out = out.sort_values([*names, "measure"], kind="stable").reset_index(drop=True)
    out["count"] = out["count"].astype("Int64")
    out["n"] = out["n"].astype("int64")
    return out[[*names, "measure", "estimate", "ci_low", "ci_high", "n", "count"]]
