"""Early warning of unusual monthly counts: R ``surveillance``'s ``farringtonFlexible``.

:func:`early_warning` judges, for every series (a village, a township and
dispute type, ...) and every month asked for, whether the month's count is
above what the same season of the past years leads one to expect. It
reproduces ``farringtonFlexible`` of R's ``surveillance`` package (checked
against version 1.20.3, the one Debian 12 ships; the algorithm is unchanged
up to 1.26) with monthly data as ``freq = 12``, including what R declines to
give: where fewer than ``limit54`` cases fell in the recent months there is
no expected count and no upper bound (missing) and no alarm, and where the
model cannot be fitted all three are missing.

The fits of all series of the same length are done at once (one design
shared by all, a batched IRLS in numpy: :mod:`._farrington`), so 40,000
villages take seconds, not the hour a loop of ``glm`` calls would.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

from ..i18n import RuralkitError
from . import _farrington
from ._farrington import delta_upperbound, nb_plugin_upperbound

__all__ = ["METHODS", "EarlyWarningError", "delta_upperbound", "early_warning",
           "nb_plugin_upperbound"]


class EarlyWarningError(RuralkitError):
    """Bad options or data given to :func:`early_warning` (a ``ValueError``)."""


#: The presets: R's control names in snake_case (``freq`` is 12 for months).
METHODS: dict[str, dict[str, Any]] = {
    "farrington": dict(b=5, w=3, reweight=True, weights_threshold=1.0, trend=True,
                       p_threshold_trend=0.05, alpha=0.05, powertrans="2/3", no_periods=1,
                       past_weeks_not_included=3, threshold_method="delta", limit54=(5, 4),
                       freq=12),
}
METHODS["noufaily"] = {**METHODS["farrington"], "weights_threshold": 2.58, "no_periods": 10,
                       "past_weeks_not_included": 6, "threshold_method": "nbPlugin"}

_CHUNK_CELLS = 4_000_000  # series x baseline months fitted at once (memory bound)
_WORKERS = min(4, os.cpu_count() or 1)  # chunks judged in parallel threads (numpy frees the GIL)


def _check_options(method: str, options: dict[str, Any]) -> dict[str, Any]:
    if method not in METHODS:
        raise EarlyWarningError.of("disputes.unknown_method", method=method,
                                   choices=", ".join(map(repr, METHODS)))
    opts = dict(METHODS[method])
    for name, value in options.items():
        if name not in opts:
            raise EarlyWarningError.of("disputes.unknown_option", option=name,
                                       choices=", ".join(sorted(opts)))
        opts[name] = value

    def integer(name: str, low: int) -> None:
        v = opts[name]
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < low:
            raise EarlyWarningError.of("disputes.bad_integer", option=name, value=v, low=low)
        opts[name] = int(v)

    for name, low in (("b", 1), ("w", 0), ("no_periods", 1), ("past_weeks_not_included", 0),
                      ("freq", 1)):
        integer(name, low)
    for name in ("alpha", "p_threshold_trend"):
        v = opts[name]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v < 1:
            raise EarlyWarningError.of("disputes.bad_probability", option=name, value=v)
    v = opts["weights_threshold"]
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0:
        raise EarlyWarningError.of("disputes.bad_positive", option="weights_threshold", value=v)
    for name in ("reweight", "trend"):
        if not isinstance(opts[name], (bool, np.bool_)):
            raise EarlyWarningError.of("disputes.bad_bool", option=name, value=opts[name])
    return _check_choices(opts)


def _check_choices(opts: dict[str, Any]) -> dict[str, Any]:
    """The options with a fixed set of values, and limit54."""
    if opts["powertrans"] not in ("none", "1/2", "2/3"):
        raise EarlyWarningError.of("disputes.bad_choice", option="powertrans",
                                   value=opts["powertrans"], choices="'none', '1/2', '2/3'")
    if opts["threshold_method"] not in ("delta", "nbPlugin"):
        raise EarlyWarningError.of("disputes.bad_choice", option="threshold_method",
                                   value=opts["threshold_method"], choices="'delta', 'nbPlugin'")
    limit = opts["limit54"]
    try:
        cases, months = (int(x) for x in limit)
        ok = cases >= 0 and months > 0 and list(limit) == [cases, months]
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise EarlyWarningError.of("disputes.bad_limit54", value=limit)
    opts["limit54"] = (cases, months)
    return opts


def _months(values: pd.Series, column: str) -> np.ndarray:
    """The column as monthly period ordinals (from Periods, dates or 'YYYY-MM' texts)."""
    if isinstance(values.dtype, pd.PeriodDtype):
        if values.dtype == pd.PeriodDtype("M"):
            return values.array.asi8  # a view, no copy
        bad = values.index[:5]
    else:
        dates = pd.to_datetime(values, errors="coerce")
        bad = values.index[dates.isna()]
        if not len(bad):
            return pd.PeriodIndex(dates.dt.to_period("M")).asi8
    raise EarlyWarningError.of("disputes.bad_months", column=column, rows=_rows(bad))


def _rows(index: Iterable, limit: int = 5) -> str:
    items = list(index)
    shown = ", ".join(str(i) for i in items[:limit])
    return shown + (f", ... ({len(items)})" if len(items) > limit else "")


def _columns(counts: pd.DataFrame, names: Sequence[str], argument: str) -> None:
    for name in names:
        if name not in counts.columns:
            raise EarlyWarningError.of("disputes.missing_column", column=name,
                                       columns=", ".join(map(str, counts.columns)),
                                       argument=argument)


def early_warning(counts: pd.DataFrame, *, value: str = "cases", period: str = "month",
                  series: str | Sequence[str] = "village_id", method: str = "farrington",
                  evaluate: Any = None, **options: Any) -> pd.DataFrame:
    """Flag the series whose count in a month is unusually high (Farrington).

    Parameters
    ----------
    counts : DataFrame
        Long table: one row per series and month, every month of a series
        present (months without a case as 0, as ``monthly_counts`` gives).
        Series may start and end at different months.
    value : str
        Column of the counts (numbers >= 0).
    period : str
        Column of the months: monthly ``pandas.Period``, dates or ``"YYYY-MM"``.
    series : str or list of str
        Column(s) naming a series.
    method : {"farrington", "noufaily"}
        The preset: the original algorithm (Farrington et al. 1996) or the
        improved one (Noufaily et al. 2013); see :data:`METHODS`.
    evaluate : period, list of periods or None
        The months to judge (default: the last month of the table). A series
        without that month gets no row for it; one with fewer than
        ``12 * b + w`` earlier months (R would stop) gets a row with
        everything but ``observed`` missing.
    **options
        Any option of the preset, R's name in snake_case: ``b, w, reweight,
        weights_threshold, trend, p_threshold_trend, alpha, powertrans,
        no_periods, past_weeks_not_included, threshold_method, limit54``;
        also ``freq`` (12: the months of a year; another value treats the
        rows as R treats an ``sts`` of that frequency).

    Returns
    -------
    DataFrame
        One row per series and judged month: the series columns, the period
        column, ``observed, expected, upperbound`` (floats, missing where R
        gives NA), ``alarm`` and ``trend`` (nullable booleans: missing where R
        could fit no model), and ``score`` and ``phi`` (R's exceedance score
        and dispersion).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> months = pd.period_range("2015-01", periods=96, freq="M")
    >>> cases = np.random.default_rng(1).poisson(4, 96)
    >>> cases[-1] = 15
    >>> counts = pd.DataFrame({"village_id": "V1", "month": months, "cases": cases})
    >>> out = early_warning(counts)
    >>> out[["village_id", "month", "observed", "alarm"]]
      village_id    month  observed  alarm
    0         V1  2022-12        15   True
    """
    opts = _check_options(method, options)
    keys = [series] if isinstance(series, str) else list(series)
    _columns(counts, [*keys, period], "series" if period in counts.columns else "period")
    _columns(counts, [value], "value")
    months = _months(counts[period], period)
    y = pd.to_numeric(counts[value], errors="coerce")
    bad = counts.index[y.isna().to_numpy() | (y < 0).to_numpy()]
    if len(bad):
        raise EarlyWarningError.of("disputes.bad_value", column=value, rows=_rows(bad))
    if not len(counts):
        raise EarlyWarningError.of("disputes.empty_counts")
    if len(keys) == 1:
        codes, _ = pd.factorize(counts[keys[0]], sort=True, use_na_sentinel=False)
    else:
        codes = counts.groupby(keys, sort=True, observed=True, dropna=False).ngroup().to_numpy()
    codes = codes.astype(np.int32 if codes.max() < 2**31 - 1 else np.int64, copy=False)
    step, gap = np.diff(codes), np.diff(months)
    if (step > 0).all() or ((step >= 0).all() and ((step > 0) | (gap > 0)).all()):
        order, m, y_sorted = None, months, y.to_numpy(dtype=float)  # already in order
    else:
        order = np.lexsort((months, codes))  # by series, then month: no copy of the table
        codes, m, y_sorted = codes[order], months[order], y.to_numpy(dtype=float)[order]
    del step, gap
    at = np.arange(len(codes)) if order is None else order
    first_row = np.concatenate([[0], np.flatnonzero(np.diff(codes)) + 1])
    labels = counts[keys].iloc[at[first_row]].reset_index(drop=True)
    dup = np.flatnonzero((np.diff(codes) == 0) & (np.diff(m) == 0))
    if dup.size:
        rows = counts.index[at[np.union1d(dup, dup + 1)]]
        raise EarlyWarningError.of("disputes.duplicated", rows=_rows(sorted(rows)), period=period)
    size = np.diff(np.concatenate([first_row, [len(codes)]]))
    first = m[first_row]
    last = m[first_row + size - 1]
    del codes, at
    gaps = np.flatnonzero(last - first + 1 != size)
    if gaps.size:
        raise EarlyWarningError.of("disputes.gap", period=period, series=_rows(
            map(tuple, labels.iloc[gaps].to_numpy())))
    judged = _evaluate_months(evaluate, first, last, period)
    del m
    res = _judge_groups(y_sorted, first, last, size, judged, opts)
    table = labels.iloc[res["_s"].to_numpy()].reset_index(drop=True)
    table[period] = pd.PeriodIndex.from_ordinals(res["_m"].to_numpy(), freq="M")
    observed = res["observed"].to_numpy()
    integer = pd.api.types.is_integer_dtype(counts[value].dtype)
    table["observed"] = observed.astype(np.int64) if integer else observed
    for col in ("expected", "upperbound"):
        table[col] = res[col].to_numpy()
    for col in ("alarm", "trend"):
        table[col] = pd.array(np.where(np.isnan(res[col]), None, res[col] == 1),
                              dtype="boolean")
    table["score"] = res["score"].to_numpy()
    table["phi"] = res["phi"].to_numpy()
    return table.sort_values([period, *keys], kind="stable", ignore_index=True)


def _evaluate_months(evaluate: Any, first: np.ndarray, last: np.ndarray,
                     period: str) -> np.ndarray:
    """The month ordinals to judge; each must fall in the span of some series."""
    if evaluate is None:
        return np.array([last.max()])
    items = [evaluate] if isinstance(evaluate, (str, pd.Period)) or not np.iterable(evaluate) \
        else list(evaluate)
    try:
        asked = pd.PeriodIndex([pd.Period(v, freq="M") for v in items])
    except (TypeError, ValueError):
        raise EarlyWarningError.of("disputes.bad_evaluate", value=evaluate) from None
    absent = [str(p) for p in asked if not ((first <= p.ordinal) & (p.ordinal <= last)).any()]
    if absent:
        raise EarlyWarningError.of("disputes.unknown_evaluate", periods=", ".join(absent),
                                   column=period)
    return np.unique(asked.asi8)


def _judge_groups(y, first, last, size, judged, opts) -> pd.DataFrame:
    """Judge every (series, month): series of the same span share one matrix and design."""
    need = opts["freq"] * opts["b"] + opts["w"]  # months before k that the baseline uses
    starts = np.concatenate([[0], np.cumsum(size)[:-1]])
    span = pd.DataFrame({"first": first, "last": last})
    parts = []
    for (f, _l), grp in span.groupby(["first", "last"], sort=True):
        idx = grp.index.to_numpy()
        length = int(size[idx[0]])
        if idx[-1] - idx[0] + 1 == len(idx):  # consecutive series: a view, no copy
            begin = starts[idx[0]]
            matrix = y[begin:begin + len(idx) * length].reshape(len(idx), length)
        else:
            matrix = y[starts[idx][:, None] + np.arange(length)[None, :]]
        for month in judged:
            k = int(month - f) + 1  # 1-based position, as R's range
            if not 1 <= k <= length:
                continue
            if k - need < 1:
                res = {c: np.full(len(idx), np.nan) for c in
                       ("expected", "upperbound", "alarm", "trend", "score", "phi")}
            else:
                res = _judge_chunked(matrix, k, opts)
            parts.append(pd.DataFrame({"_s": idx, "_m": month, "observed": matrix[:, k - 1],
                                       **res}))
    if not parts:
        return pd.DataFrame(columns=["_s", "_m", "observed", "expected", "upperbound", "alarm",
                                     "trend", "score", "phi"])
    return pd.concat(parts, ignore_index=True)


def _judge_chunked(matrix: np.ndarray, k: int, opts: dict) -> dict[str, np.ndarray]:
    """Judge month k of every row, in chunks of series (bounded memory, parallel threads)."""
    from threadpoolctl import threadpool_limits

    cells = opts["freq"] * opts["b"] + 2 * opts["w"] + 1
    rows = max(1, min(_CHUNK_CELLS // cells, -(-len(matrix) // _WORKERS)))
    chunks = [matrix[start:start + rows] for start in range(0, len(matrix), rows)]
    try:
        if len(chunks) == 1:
            pieces = [_farrington.judge(chunks[0], k, opts)]
        else:  # one BLAS thread per worker: the products are skinny, threads would collide
            with threadpool_limits(1), ThreadPoolExecutor(min(_WORKERS, len(chunks))) as pool:
                pieces = list(pool.map(lambda c: _farrington.judge(c, k, opts), chunks))
    except _farrington.TooManyPeriodsError:
        raise EarlyWarningError.of("disputes.too_many_periods",
                                   no_periods=opts["no_periods"], w=opts["w"]) from None
    return {name: np.concatenate([getattr(p, name) for p in pieces])
            for name in ("expected", "upperbound", "alarm", "trend", "score", "phi")}
