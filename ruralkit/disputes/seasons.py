"""Seasons of disputes: the month-of-year pattern, and months around Spring Festival.

Some disputes follow the solar calendar (irrigation water in June-August,
land contracting in March-April); wage arrears follow the lunar one: they
gather in the weeks before Spring Festival (春节), which falls between 21
January and 20 February, so in a calendar-month profile their peak is smeared
over January and February. :func:`seasonal_profile` gives either profile: by
calendar month (``season="month"``) or by months before and after the month
of Spring Festival (``season="spring_festival"``), each with intervals.

Spring Festival dates (1st day of the 1st lunar month) for 2010-2035 are kept
in :data:`SPRING_FESTIVAL`. Why a table and not a library: ``chinese-calendar``
(MIT) lists official public holidays only for the years the State Council has
announced (2004 to next year), so it cannot give 2027-2035 and would need
updating every year; ``lunardate`` (pure Python, 1900-2099) is GPL-3.0, which
an MIT kit should not make a dependency. The table was computed with
``lunardate`` 0.3.0 and agrees with the dates the county's generator uses
(``ruralkit.synth.truth.SPRING_FESTIVAL``, checked by a test).

Examples
--------
>>> from ruralkit.disputes.seasons import spring_festival
>>> spring_festival([2023, 2024]).strftime("%Y-%m-%d").tolist()
['2023-01-22', '2024-02-10']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .records import DisputesError, require_columns

__all__ = ["SPRING_FESTIVAL", "months_from_spring_festival", "seasonal_profile",
           "spring_festival"]

#: Gregorian date of Spring Festival (lunar new year's day), 2010-2035.
SPRING_FESTIVAL: dict[int, str] = {
    2010: "2010-02-14", 2011: "2011-02-03", 2012: "2012-01-23", 2013: "2013-02-10",
    2014: "2014-01-31", 2015: "2015-02-19", 2016: "2016-02-08", 2017: "2017-01-28",
    2018: "2018-02-16", 2019: "2019-02-05", 2020: "2020-01-25", 2021: "2021-02-12",
    2022: "2022-02-01", 2023: "2023-01-22", 2024: "2024-02-10", 2025: "2025-01-29",
    2026: "2026-02-17", 2027: "2027-02-06", 2028: "2028-01-26", 2029: "2029-02-13",
    2030: "2030-02-03", 2031: "2031-01-23", 2032: "2032-02-11", 2033: "2033-01-31",
    2034: "2034-02-19", 2035: "2035-02-08",
}

#: Names of the seasons a profile can follow, and the column each adds.
SEASONS = {"month": "month_of_year", "spring_festival": "months_from_spring_festival"}


def spring_festival(years: Iterable[int]) -> pd.DatetimeIndex:
    """Dates of Spring Festival in ``years`` (2010-2035).

    Examples
    --------
    >>> spring_festival([2016]).day.tolist()
    [8]
    """
    years = [int(y) for y in years]
    outside = sorted({y for y in years if y not in SPRING_FESTIVAL})
    if outside:
        raise DisputesError.of("disputes.spring_festival_years", years=outside,
                               first=min(SPRING_FESTIVAL), last=max(SPRING_FESTIVAL))
    return pd.DatetimeIndex([SPRING_FESTIVAL[y] for y in years])


def months_from_spring_festival(months: Sequence | pd.Series) -> np.ndarray:
    """Months after (+) or before (-) the month in which Spring Festival falls.

    0 is the month of Spring Festival itself; the six months before the next
    one count -6..-1, the months after the last one 1..6 (a lunar year of 13
    months reaches 6 on both sides).

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.period_range("2023-11", "2024-03", freq="M")  # festival 2024-02-10
    >>> months_from_spring_festival(m).tolist()
    [-3, -2, -1, 0, 1]
    """
    periods = pd.PeriodIndex(pd.Series(months).astype("period[M]"))
    years = periods.year.to_numpy()
    span = np.unique(np.concatenate([years - 1, years, years + 1]))
    span = span[(span >= min(SPRING_FESTIVAL)) & (span <= max(SPRING_FESTIVAL))]
    festival_months = pd.PeriodIndex(spring_festival(span).to_period("M"))
    month_no = periods.year.to_numpy() * 12 + periods.month.to_numpy() - 1
    fest_no = festival_months.year.to_numpy() * 12 + festival_months.month.to_numpy() - 1
    # the next festival month at or after each month, and the one before it
    nxt = np.searchsorted(fest_no, month_no, side="left")
    if (nxt >= len(fest_no)).any() or (nxt < 1).any():
        raise DisputesError.of("disputes.spring_festival_years",
                               years=sorted(set(years.tolist())),
                               first=min(SPRING_FESTIVAL), last=max(SPRING_FESTIVAL))
    to_next = month_no - fest_no[nxt]  # <= 0
    from_last = month_no - fest_no[nxt - 1]  # > 0
    return np.where(to_next >= -6, to_next, from_last).astype(np.int64)


def _season_column(counts: pd.DataFrame, period: str, season: str) -> pd.Series:
    months = counts[period]
    if season == "month":
        return pd.Series(pd.PeriodIndex(months.astype("period[M]")).month, index=counts.index)
    return pd.Series(months_from_spring_festival(months), index=counts.index)


def seasonal_profile(
    counts: pd.DataFrame,
    *,
    value: str = "cases",
    period: str = "month",
    by: str | Sequence[str] | None = None,
    season: str = "month",
    level: float = 0.95,
) -> pd.DataFrame:
    """The pattern of a year: mean cases per month of the year, with intervals.

    Parameters
    ----------
    counts : DataFrame
        Monthly counts, one row per group and month (:func:`monthly_counts`).
    value : str, default "cases"
    period : str, default "month"
        The column of monthly periods.
    by : str or sequence of str, optional
        One profile per group (e.g. ``"dispute_type"``); default: one profile of
        the counts summed over every row of a month.
    season : {"month", "spring_festival"}, default "month"
        Calendar months (column ``month_of_year``, 1-12) or months from the month
        of Spring Festival (column ``months_from_spring_festival``, -6..6).
    level : float, default 0.95
        Confidence level of the intervals.

    Returns
    -------
    DataFrame
        The ``by`` columns, the season column, ``mean`` (cases in such a month,
        averaged over the years), ``ci_low``, ``ci_high``, ``index`` (mean over
        the average of the group's monthly means: 2 = twice the usual month),
        ``index_low``, ``index_high`` and ``n`` (months averaged).

    Notes
    -----
    The intervals are quasi-Poisson: the variance of a month's mean is
    ``phi * mean / n`` with the dispersion ``phi`` (at least 1) estimated from
    the Pearson residuals of the group's month-of-year model, as
    ``glm(cases ~ factor(month), family=quasipoisson)`` in R would; they are
    computed on the log scale (Wald) and do not allow for a trend across years
    (see :func:`trend` for that). The index's interval treats the average month
    as known.

    Examples
    --------
    >>> import ruralkit as rk
    >>> from ruralkit.disputes import monthly_counts
    >>> water = rk.load_disputes().query("dispute_type == 'water'")
    >>> profile = seasonal_profile(monthly_counts(water, by=None))
    >>> int(profile.loc[profile["index"].idxmax(), "month_of_year"])
    7
    """
    from scipy import stats

    by = [by] if isinstance(by, str) else list(by or [])
    require_columns(counts, [value, period, *by], role="value / period / by")
    if season not in SEASONS:
        raise DisputesError.of("disputes.bad_season", value=season, choices=", ".join(SEASONS))
    column = SEASONS[season]
    frame = counts.groupby([*by, period], observed=True, sort=False)[value].sum().reset_index()
    frame[column] = _season_column(frame, period, season).to_numpy()
    keys = [*by, column]
    g = frame.groupby(keys, observed=True)[value]
    table = pd.DataFrame({"mean": g.mean(), "n": g.size()}).reset_index()
    fitted = frame.merge(table[[*keys, "mean"]], on=keys, how="left")["mean"].to_numpy()
    y = frame[value].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pearson = np.where(fitted > 0, (y - fitted) ** 2 / fitted, 0.0)
    frame["_pearson"] = pearson
    grp = frame.groupby(by, observed=True) if by else frame.assign(_all=0).groupby("_all")
    dof = grp.size() - grp[column].nunique()
    phi = np.maximum(1.0, grp["_pearson"].sum() / dof.where(dof > 0)).fillna(1.0)
    phi = phi.rename("_phi").reset_index()
    table = table.merge(phi, on=by, how="left") if by else table.assign(_phi=phi["_phi"].iat[0])
    z = stats.norm.ppf(0.5 + level / 2)
    with np.errstate(divide="ignore"):
        se_log = np.sqrt(table["_phi"] / (table["n"] * table["mean"]))
    table["ci_low"] = np.where(table["mean"] > 0, table["mean"] * np.exp(-z * se_log), 0.0)
    table["ci_high"] = np.where(table["mean"] > 0, table["mean"] * np.exp(z * se_log), np.nan)
    average = (table.groupby(by, observed=True)["mean"].transform("mean") if by
               else table["mean"].mean())
    for col, src in (("index", "mean"), ("index_low", "ci_low"), ("index_high", "ci_high")):
        table[col] = table[src] / average
    cols = [*keys, "mean", "ci_low", "ci_high", "index", "index_low", "index_high", "n"]
    return table[cols].sort_values(keys, kind="stable").reset_index(drop=True)
