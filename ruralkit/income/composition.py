"""Where income comes from: wage, business, property and transfer income, against the nation.

:func:`composition` gives per-capita income from each of NBS's four sources
and its share, by group and year, the way NBS computes them (the group's total
income from a source over the group's total persons), joined to the national
rural figures (:func:`national_rural_income`, published NBS figures shipped in
``data/national_rural_income.csv``). :func:`composition_chart` draws them as
stacked bars, the households' bar beside the national one.

Examples
--------
>>> import ruralkit as rk
>>> from ruralkit.income import composition
>>> table = composition(rk.load_households())
>>> table.columns.tolist()
['year', 'source', 'per_capita', 'share', 'national_per_capita', 'national_share']
>>> table["source"].unique().tolist()
['wage_income', 'business_income', 'property_income', 'transfer_income']
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, PercentFormatter

from ..datasets import data_dir
from ..i18n import Msg, message
from ..labels import column_label, display_labels
from ..plots import PALETTE, styled
from ..plots._notes import add_footnote
from ._prediction_checks import PredictionInputError, check_columns, check_frame

__all__ = ["SOURCES", "composition", "composition_chart", "national_rural_income"]

#: NBS's four sources of disposable income, as the households table names them.
SOURCES = ("wage_income", "business_income", "property_income", "transfer_income")


def national_rural_income() -> pd.DataFrame:
    """National rural per-capita disposable income and its four sources, 2019–2024 (NBS).

    Published figures, not synthetic: see ``data/README.md`` (Calibration) for
    the sources and which are verified (``verified`` = 1).

    Examples
    --------
    >>> from ruralkit.income import national_rural_income
    >>> national_rural_income().set_index("year").loc[2024, "income_per_capita"]
    np.int64(23119)
    """
    return pd.read_csv(data_dir() / "national_rural_income.csv", encoding="utf-8")


def composition(df: pd.DataFrame, *, by: Sequence[str] | str = ("year",),
                national: bool = True, size: str = "size") -> pd.DataFrame:
    """Per-capita income from each source and its share, by group, against the nation.

    Parameters
    ----------
    df : DataFrame
        Households (or household-years) with the columns ``wage_income,
        business_income, property_income, transfer_income`` (household totals,
        yuan) and ``size`` (persons).
    by : str or list of str, default ("year",)
        Groups, e.g. ``["year", "township_id"]``.
    national : bool, default True
        Join the national rural figures of each year (``by`` must hold ``year``).
    size : str, default "size"
        Column with the number of persons in the household.

    Returns
    -------
    DataFrame
        One row per group and source: the ``by`` columns, ``source``,
        ``per_capita`` (the group's income from the source over its persons,
        the NBS definition), ``share`` (of the group's disposable income) and,
        with ``national``, ``national_per_capita`` and ``national_share``.
    """
    df = check_frame(df, "composition")
    keys = check_columns(df, "by", by)
    check_columns(df, "columns", [*SOURCES, size])
    if national and "year" not in keys:
        raise PredictionInputError.of("income.composition_needs_year")
    totals = df[list(SOURCES)].astype("float64")
    totals["_persons"] = df[size].astype("float64")
    grouped = totals.groupby([df[k] for k in keys], observed=True, sort=True).sum()
    per_capita = grouped[list(SOURCES)].div(grouped["_persons"], axis=0)
    share = grouped[list(SOURCES)].div(grouped[list(SOURCES)].sum(axis=1), axis=0)
    long = pd.DataFrame({"per_capita": per_capita.stack(), "share": share.stack()})
    long.index = long.index.set_names([*keys, "source"])
    out = long.reset_index()
    if national:
        out = out.merge(_national_long(out["year"]), on=["year", "source"], how="left")
    out.attrs["dataset"] = df.attrs.get("dataset", "households")
    return out


def _national_long(years: pd.Series) -> pd.DataFrame:
    nat = national_rural_income()
    wanted = sorted(pd.unique(years.astype("int64")))
    missing = [y for y in wanted if y not in set(nat["year"])]
    if missing:
        raise PredictionInputError.of("income.composition_no_national_year",
                                      years=", ".join(map(str, missing)),
                                      first=int(nat["year"].min()), last=int(nat["year"].max()))
    levels = nat.set_index("year")[list(SOURCES)].astype("float64")
    shares = levels.div(levels.sum(axis=1), axis=0)
    out = pd.DataFrame({"national_per_capita": levels.stack(), "national_share": shares.stack()})
    out.index = out.index.set_names(["year", "source"])
    out = out.reset_index()
    out["year"] = out["year"].astype(years.dtype)
    return out


@styled
def composition_chart(table: pd.DataFrame, *, x: str = "year", shares: bool = False,
                      national: bool = True, title: str | None = None, note: str | None = None,
                      footnote: bool = True, ax: Axes | None = None) -> Axes:
    """Stacked bars of the four income sources, the households beside the national figures.

    Parameters
    ----------
    table : DataFrame
        What :func:`composition` returned, one row per ``x`` and source (select
        one group first when it is grouped by more than ``x``).
    x : str, default "year"
        The column along the horizontal axis.
    shares : bool, default False
        Draw shares (each bar adds up to 100%) instead of yuan per person.
    national : bool, default True
        Draw the national bar (hatched) beside each bar, when the table has it.
    title, note, footnote, ax
        As in the kit's other charts (:mod:`ruralkit.plots`): a title, a
        sentence added to the footnote, whether to write the footnote (which
        bar is which, the source of the national figures, 模拟数据), an Axes.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import ruralkit as rk
    >>> from ruralkit.income import composition, composition_chart
    >>> ax = composition_chart(composition(rk.load_households()))
    >>> len(ax.patches)  # 6 years x 4 sources x (households, national)
    48
    """
    check_columns(check_frame(table, "composition_chart"), "by", [x, "source", "per_capita"])
    _check_one_row_each(table, x)
    value = "share" if shares else "per_capita"
    national = national and f"national_{value}" in table.columns
    dataset = table.attrs.get("dataset", "households")
    xs = list(pd.unique(table[x]))
    wide = table.pivot(index=x, columns="source", values=value).reindex(index=xs,
                                                                        columns=list(SOURCES))
    nat = (table.pivot(index=x, columns="source", values=f"national_{value}")
           .reindex(index=xs, columns=list(SOURCES)) if national else None)
    if ax is None:
        _, ax = plt.subplots(figsize=(8.0, 4.5))
    pos = np.arange(len(xs), dtype=float)
    width = 0.38 if national else 0.7
    left = pos - width / 2 if national else pos
    names = display_labels(list(SOURCES), dataset=dataset, variable=None)
    _stack(ax, left, wide, width, hatch=None, labels=names)
    if nat is not None:
        _stack(ax, pos + width / 2, nat, width, hatch="///", labels=None)
    ax.set_xticks(pos, display_labels(xs, dataset=dataset, variable=x))
    ax.grid(axis="x", visible=False)
    ax.grid(axis="y", visible=True)
    ax.set_xlabel(column_label(x, dataset) if x not in ("township_id", "village_id") else "")
    ax.set_ylabel(message("income.composition_ylabel_share" if shares
                          else "income.composition_ylabel"))
    if shares:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
    handles = [Patch(facecolor=PALETTE[i], label=n) for i, n in enumerate(names)]
    if nat is not None:
        handles.append(Patch(facecolor="white", edgecolor="#555555", hatch="///",
                             label=message("income.composition_national")))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if title:
        ax.set_title(title)
    if footnote:
        add_footnote(ax, [Msg("income.composition_footnote") if nat is not None else None],
                     note)
    return ax


def _stack(ax: Axes, pos: np.ndarray, wide: pd.DataFrame, width: float, *,
           hatch: str | None, labels: list[str] | None) -> None:
    bottom = np.zeros(len(pos))
    for i, source in enumerate(SOURCES):
        heights = wide[source].to_numpy(dtype=float)
        ax.bar(pos, heights, width, bottom=bottom, color=PALETTE[i], hatch=hatch,
               edgecolor="white" if hatch is None else "#ffffff", linewidth=0.5,
               label=None if labels is None else labels[i])
        bottom = bottom + heights


def _check_one_row_each(table: pd.DataFrame, x: str) -> None:
    counts = table.groupby([x, "source"], observed=True).size()
    if (counts > 1).any():
        others = [c for c in table.columns if c not in
                  (x, "source", "per_capita", "share", "national_per_capita", "national_share")]
        first = others[0] if others else x
        value = table[first].iloc[0]
        raise PredictionInputError.of("income.composition_several_rows", x=column_label(x),
                                      by=", ".join(map(str, others)), first=first,
                                      value=value.item() if hasattr(value, "item") else value)
