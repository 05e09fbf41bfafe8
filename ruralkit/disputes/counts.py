"""Counting cases per period on a complete grid, from a DataFrame or through DuckDB.

:func:`monthly_counts` turns a register of cases (one row per case) into one
row per group and period, with the months in which nothing happened present as
0: a village with no case in March has a row for March. Rates per 1,000
residents come from a population table. A register too large for memory (a
province's decade is tens of millions of rows) is read from Parquet or CSV, or
taken as a DuckDB relation, and counted inside DuckDB (embedded, no server):
only the counts, one row per group and period, come back to pandas. The two
ways give the same table.

Examples
--------
>>> import ruralkit as rk
>>> from ruralkit.disputes import monthly_counts
>>> counts = monthly_counts(rk.load_disputes(), by=("township_id",))
>>> counts.shape  # 6 townships x 108 months
(648, 3)
>>> int(counts["cases"].sum()) == len(rk.load_disputes())
True
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .records import DisputesError, check_cases, require_columns

__all__ = ["PERIODS", "monthly_counts"]

#: Period names and their pandas frequency and DuckDB ``date_trunc`` part.
PERIODS = {"month": ("M", "month"), "quarter": ("Q", "quarter"), "year": ("Y", "year")}

#: Columns coded in the disputes codebook: counted on all their codes, in codebook order.
_CODED = ("dispute_type", "outcome", "mediator_level")


def _as_tuple(by: str | Sequence[str] | None) -> tuple[str, ...]:
    if by is None:
        return ()
    return (by,) if isinstance(by, str) else tuple(by)


def _is_duckdb_relation(obj: Any) -> bool:
    return type(obj).__module__.startswith("duckdb") and hasattr(obj, "query")


def _count_pandas(cases: pd.DataFrame, by: tuple[str, ...], date: str, freq: str) -> pd.DataFrame:
    require_columns(cases, [date, *by], role="by / date")
    check_cases(cases, required=(date,))
    dates = cases[date]
    if not pd.api.types.is_datetime64_any_dtype(dates):
        dates = pd.to_datetime(dates.astype("string"), format="mixed")
    # period ordinals straight from the dates (pandas' own numbering of periods)
    months = dates.to_numpy(dtype="datetime64[M]").astype(np.int64)
    ordinal = {"M": months, "Q": months // 3, "Y": months // 12}[freq]
    keys = [cases[c] for c in by] + [pd.Series(ordinal, index=cases.index, name="_period")]
    out = pd.Series(1, index=cases.index).groupby(keys, observed=True, dropna=False).sum()
    out = out.rename("cases").reset_index()
    out["_period"] = pd.PeriodIndex.from_ordinals(out["_period"].to_numpy(), freq=freq)
    return out


def _sql_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _count_duckdb(source: Any, by: tuple[str, ...], date: str, part: str,
                  freq: str) -> pd.DataFrame:
    import duckdb

    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")  # no bar in notebooks and logs
        if _is_duckdb_relation(source):
            rel = source
        else:
            path = os.fspath(source)
            if not os.path.exists(path):
                raise DisputesError.of("disputes.file_not_found", path=path)
            reader = "read_parquet" if path.lower().endswith(".parquet") else "read_csv_auto"
            quoted = "'" + path.replace("'", "''") + "'"
            rel = con.sql(f"SELECT * FROM {reader}({quoted})")
        columns = list(rel.columns)
        missing = [c for c in (date, *by) if c not in columns]
        if missing:
            raise DisputesError.of("disputes.column_not_found", role="by / date",
                                   columns=", ".join(map(repr, missing)),
                                   available=", ".join(columns))
        d = _sql_name(date)
        keys = ", ".join(_sql_name(c) for c in by)
        # one pass: a case without a readable date lands in a group whose period is NULL
        sql = (f"SELECT {keys + ', ' if keys else ''}"
               f"date_trunc('{part}', TRY_CAST({d} AS DATE)) AS _period, count(*) AS cases, "
               f"count(*) FILTER (WHERE TRY_CAST({d} AS DATE) > current_date) AS _future "
               f"FROM cases GROUP BY ALL")
        counted = rel.query("cases", sql).df()
    finally:
        con.close()
    undated = counted["_period"].isna()
    if undated.any():
        raise DisputesError.of("disputes.sql_dates_bad", n=int(counted.loc[undated, "cases"].sum()),
                               column=date)
    future = int(counted.pop("_future").sum())
    if future:
        raise DisputesError.of("disputes.sql_dates_future", n=future, column=date)
    counted["_period"] = pd.to_datetime(counted["_period"]).dt.to_period(freq)
    counted["cases"] = counted["cases"].astype("int64")
    return counted


def _levels(values: pd.Series) -> pd.Index:
    if isinstance(values.dtype, pd.CategoricalDtype):
        return pd.CategoricalIndex(values.cat.categories, categories=values.cat.categories,
                                   ordered=values.cat.ordered)
    return pd.Index(pd.unique(values.dropna())).sort_values()


def _blocks(counted: pd.DataFrame, by: tuple[str, ...]) -> list[list[str]]:
    """Group the by-columns that are nested (a village lies in one township) together."""
    parent = {c: c for c in by}

    def root(c: str) -> str:
        while parent[c] != c:
            c = parent[c]
        return c

    for i, a in enumerate(by):
        for b in by[i + 1:]:
            pair = counted[[a, b]].drop_duplicates()
            if pair[a].is_unique or pair[b].is_unique:
                parent[root(b)] = root(a)
    groups: dict[str, list[str]] = {}
    for c in by:
        groups.setdefault(root(c), []).append(c)
    return list(groups.values())


def _block_levels(counted: pd.DataFrame, by: tuple[str, ...],
                  units: pd.DataFrame | None) -> list[tuple[pd.DataFrame, np.ndarray]]:
    """Each block of by-columns: its levels, and the level number of every counted row.

    The grid is the product of the blocks' levels with the periods.
    """
    blocks, rest = [], list(by)
    if units is not None:
        cols = [c for c in by if c in units.columns]
        levels = units[cols].drop_duplicates().sort_values(cols).reset_index(drop=True)
        blocks.append((levels, _codes(levels, counted)))
        rest = [c for c in by if c not in cols]
    for block in _blocks(counted, tuple(rest)) if rest else []:
        values = counted[block[0]]
        if len(block) == 1 and isinstance(values.dtype, pd.CategoricalDtype):
            levels = pd.DataFrame({block[0]: _levels(values)})
            blocks.append((levels, values.cat.codes.to_numpy()))
        elif len(block) == 1:  # one pass: sorted levels and each row's number
            codes, uniques = pd.factorize(values, sort=True)
            blocks.append((pd.DataFrame({block[0]: uniques}), codes))
        else:
            levels = counted[block].dropna().drop_duplicates().sort_values(block)
            levels = levels.reset_index(drop=True)
            blocks.append((levels, _codes(levels, counted)))
    return blocks


def _codes(levels: pd.DataFrame, rows: pd.DataFrame) -> np.ndarray:
    cols = list(levels.columns)
    if len(cols) == 1:
        return pd.Index(levels[cols[0]]).get_indexer(rows[cols[0]])
    return pd.MultiIndex.from_frame(levels).get_indexer(pd.MultiIndex.from_frame(rows[cols]))


def _complete(counted: pd.DataFrame, by: tuple[str, ...], periods: pd.PeriodIndex,
              units: pd.DataFrame | None) -> pd.DataFrame:
    """The counts on every combination of the groups and periods (0 where none).

    Each block's levels and the periods are numbered; a count goes to the cell
    ``ravel_multi_index(codes)``, and the grid's columns are the levels taken at
    ``(cell // stride) % size``: no merge, no Python loop over groups.
    """
    blocks, codes = zip(*_block_levels(counted, by, units), strict=True) if by else ((), ())
    for b, code in zip(blocks, codes, strict=True):
        lost = code < 0
        if lost.any():
            cols = list(b.columns)
            missing = counted.loc[lost, cols].isna().any(axis=1)
            n = int(counted.loc[lost, "cases"].sum())
            if missing.any():
                raise DisputesError.of("disputes.by_missing", n=n, columns=", ".join(cols))
            raise DisputesError.of("disputes.outside_units", n=n, columns=", ".join(cols))
    pcode = counted["_period"].array.asi8 - periods[0].ordinal
    inside = (pcode >= 0) & (pcode < len(periods))  # start/end chosen by the caller
    sizes = [len(b) for b in blocks] + [len(periods)]
    flat = np.ravel_multi_index([c[inside] for c in codes] + [pcode[inside]], sizes)
    total = int(np.prod(sizes))
    cases = np.bincount(flat, weights=counted["cases"].to_numpy()[inside], minlength=total)
    cell = np.arange(total)
    out = {}
    stride = total
    for b, size in zip(blocks, sizes, strict=False):
        stride //= size
        take = (cell // stride) % size
        for col in b.columns:
            out[col] = b[col].take(take).reset_index(drop=True)
    out["_period"] = pd.Series(periods.take(cell % len(periods)))
    frame = pd.DataFrame(out)
    frame["cases"] = cases.astype("int64")
    order = [c for b in blocks for c in b.columns]
    if order != list(by):
        frame = frame.sort_values([*by, "_period"], kind="stable", ignore_index=True)
    return frame[[*by, "_period", "cases"]]


def _coded(frame: pd.DataFrame, by: tuple[str, ...]) -> pd.DataFrame:
    """Codebook columns as the codebook's categories, whatever way they were read."""
    from ..datasets import value_labels

    for c in by:
        if c in _CODED:
            cats = list(value_labels("disputes", c, language="en"))
            frame[c] = pd.Categorical(frame[c].astype("string"), categories=cats,
                                      ordered=c == "mediator_level")
    return frame


def _population(counts: pd.DataFrame, by: tuple[str, ...], population: pd.DataFrame,
                column: str, period: str, per: float) -> pd.DataFrame:
    keys = [c for c in by if c in population.columns]
    require_columns(population, [column], role="population")
    if not keys and "year" not in population.columns:
        pop = float(population[column].sum())
        return counts.assign(population=pop, per_1000=counts["cases"] / pop * per)
    if "year" in population.columns:
        keys_y = [*keys, "year"]
        pop = population.groupby(keys_y, observed=True)[column].sum().rename("population")
        counts["year"] = counts[period].dt.year
        out = counts.merge(pop.reset_index(), on=keys_y, how="left").drop(columns="year")
    else:
        pop = population.groupby(keys, observed=True)[column].sum().rename("population")
        out = counts.merge(pop.reset_index(), on=keys, how="left")
    out["population"] = out["population"].astype("float64")
    out["per_1000"] = out["cases"] / out["population"] * per
    return out


def monthly_counts(
    cases: pd.DataFrame | str | os.PathLike | Any,
    *,
    by: str | Sequence[str] | None = ("village_id",),
    period: str = "month",
    date: str = "date_received",
    population: pd.DataFrame | None = None,
    population_column: str = "population",
    units: pd.DataFrame | None = None,
    start: str | pd.Period | None = None,
    end: str | pd.Period | None = None,
) -> pd.DataFrame:
    """Cases per group and period on a complete grid (0 where there was no case).

    Parameters
    ----------
    cases : DataFrame, path or DuckDB relation
        One row per case. A path to a Parquet (``.parquet``) or CSV file, or a
        ``duckdb`` relation, is counted inside DuckDB without loading the rows.
        A DataFrame is checked first with :func:`check_cases`.
    by : str or sequence of str, default ("village_id",)
        Columns to count by (village, township, type, outcome, any column).
        Nested columns (village within township) are recognised from the data;
        the others are crossed, on all their levels (a categorical's
        categories; the codebook's codes for ``dispute_type``, ``outcome``,
        ``mediator_level``).
    period : {"month", "quarter", "year"}, default "month"
        Length of a period; the result's period column has this name and
        holds ``pandas.Period`` values.
    date : str, default "date_received"
        The date a case falls on.
    population : DataFrame, optional
        Residents by some of the ``by`` columns (e.g. the village table), and
        optionally by ``year``; summed within those columns. Adds
        ``population`` and ``per_1000`` (cases per 1,000 residents in the
        period: multiply a month's by 12 for a yearly rate).
    population_column : str, default "population"
    units : DataFrame, optional
        The groups to include, with some of the ``by`` columns (e.g.
        ``villages[["village_id"]]`` to include villages with no case at all).
    start, end : period-like, optional
        First and last period of the grid (default: those of the data); cases
        outside them are not counted. Give them when counting a subset (one
        type, one township): its first case may come months after the register
        starts.

    Returns
    -------
    DataFrame
        The ``by`` columns, the period column and ``cases`` (int64), sorted,
        with a fresh 0..n-1 index.

    Examples
    --------
    >>> import pandas as pd
    >>> cases = pd.DataFrame({"village_id": ["A", "A", "B"],
    ...                       "date_received": pd.to_datetime(["2024-01-03", "2024-03-09",
    ...                                                        "2024-01-20"])})
    >>> monthly_counts(cases)
      village_id    month  cases
    0          A  2024-01      1
    1          A  2024-02      0
    2          A  2024-03      1
    3          B  2024-01      1
    4          B  2024-02      0
    5          B  2024-03      0
    """
    by = _as_tuple(by)
    if period not in PERIODS:
        raise DisputesError.of("disputes.bad_period", value=period, choices=", ".join(PERIODS))
    freq, part = PERIODS[period]
    if isinstance(cases, pd.DataFrame):
        counted = _count_pandas(cases, by, date, freq)
    elif isinstance(cases, str | os.PathLike) or _is_duckdb_relation(cases):
        counted = _count_duckdb(cases, by, date, part, freq)
    else:
        raise DisputesError.of("disputes.cases_not_frame", kind=type(cases).__name__)
    counted = _coded(counted, by)
    if counted.empty and (start is None or end is None):
        # no case at all: the grid's span is unknown (a filter that kept no row, say)
        raise DisputesError.of("disputes.no_cases", date=date)
    first = pd.Period(start, freq) if start is not None else counted["_period"].min()
    last = pd.Period(end, freq) if end is not None else counted["_period"].max()
    periods = pd.period_range(first, last, freq=freq)
    out = _complete(counted, by, periods, units).rename(columns={"_period": period})
    if population is not None:
        out = _population(out, by, population, population_column, period, 1000.0)
    return out
