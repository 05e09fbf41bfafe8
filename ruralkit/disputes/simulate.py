"""Quiet data: counts as they would be if nothing unusual ever happened.

:func:`quiet_counts` draws, for every series (village) and month, a Poisson
count around that series' usual level for that calendar month: the mean of its
counts in the same month of every year. The simulated series keep each
village's size and seasons but have no trend, no outbreak and no anomaly, so
every alarm an early-warning method raises on them is a false alarm: the share
of alarms measures how often the method cries wolf at its chosen ``alpha``.

Examples
--------
>>> import ruralkit as rk
>>> from ruralkit.disputes import monthly_counts, quiet_counts
>>> counts = monthly_counts(rk.load_disputes(), by="village_id")
>>> quiet = quiet_counts(counts, copies=2, seed=1)
>>> quiet.shape[0] == 2 * counts.shape[0], list(quiet.columns)
(True, ['village_id', 'copy', 'month', 'cases'])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .records import DisputesError, require_columns

__all__ = ["quiet_counts"]


def quiet_counts(
    counts: pd.DataFrame,
    *,
    value: str = "cases",
    period: str = "month",
    series: str | Sequence[str] = "village_id",
    copies: int = 1,
    seed: int = 0,
) -> pd.DataFrame:
    """Simulated counts with each series' usual seasons and nothing unusual in them.

    Parameters
    ----------
    counts : DataFrame
        Monthly counts, one row per series and month (:func:`monthly_counts`).
        Never modified.
    value, period : str
        Columns of the counts and of the monthly periods.
    series : str or sequence of str, default "village_id"
        Column(s) naming a series.
    copies : int, default 1
        How many simulated copies of every series (more copies, a steadier
        measure of the false-alarm rate).
    seed : int, default 0
        Seed of the random numbers (the same seed gives the same counts).

    Returns
    -------
    DataFrame
        The series columns, ``copy`` (0, 1, ...), the period column and
        ``value``: ``copies`` times as many rows as ``counts``. Give
        ``series=[..., "copy"]`` to :func:`early_warning`.

    Notes
    -----
    The mean of a series in a month is its average count in that calendar
    month over all the years of ``counts``; anything planted in the data (a
    project's surge) is thus spread evenly over the years, not left as an
    outbreak.
    """
    keys = [series] if isinstance(series, str) else list(series)
    require_columns(counts, [*keys, period, value], role="series / period / value")
    if isinstance(copies, bool) or not isinstance(copies, int | np.integer) or copies < 1:
        raise DisputesError.of("disputes.bad_copies", value=copies)
    months = pd.PeriodIndex(counts[period].astype("period[M]"))
    y = pd.to_numeric(counts[value], errors="coerce").astype(float)
    mean = y.groupby([counts[k] for k in keys] + [pd.Series(months.month, index=counts.index)],
                     observed=True).transform("mean").to_numpy()
    rng = np.random.default_rng(seed)
    drawn = rng.poisson(np.tile(np.nan_to_num(mean), copies)).astype(np.int64)
    base = counts[[*keys, period]].reset_index(drop=True)
    out = pd.concat([base] * copies, ignore_index=True)
    out.insert(len(keys), "copy", np.repeat(np.arange(copies), len(base)))
    out[value] = drawn
    return out
