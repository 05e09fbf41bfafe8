"""Winsorising: pull the extreme values of a column in to its quantiles, and say how many.

A handful of windfalls and business losses can move a mean or a regression far
more than thousands of ordinary households. :func:`winsorise` clips each
column to its ``lower`` and ``upper`` quantiles (within groups if asked) and
reports how many values it clipped; the data passed in are never changed.

Examples
--------
>>> import pandas as pd
>>> from ruralkit.income import winsorise
>>> df = pd.DataFrame({"x": [1.0, 2, 3, 4, 100]})
>>> out = winsorise(df, ["x"], lower=0.0, upper=0.75)
>>> out.data["x"].tolist()
[1.0, 2.0, 3.0, 4.0, 4.0]
>>> out.report[["column", "n_below", "n_above", "n_clipped"]].to_dict("records")
[{'column': 'x', 'n_below': 0, 'n_above': 1, 'n_clipped': 1}]
>>> df["x"].tolist()  # the input is untouched
[1.0, 2.0, 3.0, 4.0, 100.0]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from ._prediction_checks import PredictionInputError, check_columns, check_frame

__all__ = ["Winsorised", "winsorise"]


class Winsorised(NamedTuple):
    """What :func:`winsorise` returns: ``data, report, clipped`` (unpacks as a tuple)."""

    #: A copy of the input with the columns clipped (as float).
    data: pd.DataFrame
    #: One row per column (and group): ``column, [by...], lower_bound, upper_bound,
    #: n_below, n_above, n_clipped, n``.
    report: pd.DataFrame
    #: True where a value was clipped (same index as the data, one column per column).
    clipped: pd.DataFrame


def _check_bounds(lower: object, upper: object) -> None:
    ok = all(isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)
             for v in (lower, upper))
    if not ok or not 0 <= float(lower) < float(upper) <= 1:
        raise PredictionInputError.of("income.winsor_bad_bounds", lower=lower, upper=upper)


def winsorise(df: pd.DataFrame, columns: Sequence[str] | str, *, lower: float = 0.01,
              upper: float = 0.99, by: Sequence[str] | str | None = None) -> Winsorised:
    """Clip columns to their quantiles, in a copy, with a report of what was clipped.

    Parameters
    ----------
    df : DataFrame
        The data; never modified.
    columns : str or list of str
        Numeric columns to clip, e.g. ``["business_income"]``.
    lower, upper : float, default 0.01 and 0.99
        The quantiles to clip to (linear interpolation between order
        statistics: numpy's and R's default, ``quantile(type=7)``).
        ``lower=0`` clips only the top.
    by : str or list of str, optional
        Compute the quantiles within groups (e.g. ``"year"``), vectorised.

    Returns
    -------
    Winsorised
        ``data`` (the copy, clipped columns as float; missing values stay
        missing), ``report`` (bounds and counts clipped below and above, per
        column and group) and ``clipped`` (which values were clipped).
    """
    df = check_frame(df, "winsorise")
    names = check_columns(df, "columns", columns)
    if not names:
        raise PredictionInputError.of("income.winsor_no_columns")
    keys = [] if by is None else check_columns(df, "by", by)
    _check_bounds(lower, upper)
    for name in names:
        dtype = df[name].dtype
        if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
            raise PredictionInputError.of("income.winsor_not_numeric", column=name,
                                          dtype=str(dtype))
    values = df[names].astype("float64")
    if keys:
        grouped = values.groupby([df[k] for k in keys], observed=True, sort=False)
        lo = grouped.transform("quantile", float(lower))
        hi = grouped.transform("quantile", float(upper))
    else:
        lo = pd.DataFrame({n: values[n].quantile(float(lower)) for n in names}, index=df.index)
        hi = pd.DataFrame({n: values[n].quantile(float(upper)) for n in names}, index=df.index)
    below, above = values.lt(lo), values.gt(hi)
    out = df.copy()
    out[names] = values.clip(lower=lo, upper=hi, axis=0)
    report = _report(df, names, keys, values, lo, hi, below, above)
    return Winsorised(out, report, below | above)


def _report(df, names, keys, values, lo, hi, below, above) -> pd.DataFrame:
    """The report table, one row per column and group (vectorised over groups)."""
    parts = []
    for name in names:
        frame = pd.DataFrame({"lower_bound": lo[name], "upper_bound": hi[name],
                              "n_below": below[name].astype(int),
                              "n_above": above[name].astype(int),
                              "n": values[name].notna().astype(int)})
        if keys:
            frame[keys] = df[keys]
            agg = frame.groupby(keys, observed=True, sort=True).agg(
                lower_bound=("lower_bound", "first"), upper_bound=("upper_bound", "first"),
                n_below=("n_below", "sum"), n_above=("n_above", "sum"), n=("n", "sum"))
            agg = agg.reset_index()
        else:
            agg = pd.DataFrame({"lower_bound": [frame["lower_bound"].iloc[0]],
                                "upper_bound": [frame["upper_bound"].iloc[0]],
                                "n_below": [int(frame["n_below"].sum())],
                                "n_above": [int(frame["n_above"].sum())],
                                "n": [int(frame["n"].sum())]})
        agg.insert(0, "column", name)
        parts.append(agg)
    report = pd.concat(parts, ignore_index=True)
    report["n_clipped"] = report["n_below"] + report["n_above"]
    order = ["column", *keys, "lower_bound", "upper_bound", "n_below", "n_above",
             "n_clipped", "n"]
    return report[order]
