"""Charts of counts over time: seasonal profiles, a count series with its model and
alarms, and small multiples (one small panel per village) for a township meeting.

Made for the tidy tables of :mod:`ruralkit.disputes`: :func:`seasonal_profile`
draws :func:`ruralkit.disputes.seasonal_profile`, :func:`count_series` a series of
:func:`~ruralkit.disputes.monthly_counts` (or a trend's ``data``) with the alarm
threshold of :func:`~ruralkit.disputes.early_warning`, and :func:`small_multiples`
one panel per village. The data are reshaped once (a pivot), not per village; only
the drawing of the panels goes village by village.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..i18n import Msg, message
from ._docs import document
from ._labels import check_columns, codebook_label, display_labels
from ._notes import add_footnote
from ._style import PALETTE, styled

__all__ = ["count_series", "seasonal_profile", "small_multiples"]

_SEASONS = ("month_of_year", "months_from_spring_festival")
_INTERVAL = {"index": ("index_low", "index_high"), "mean": ("ci_low", "ci_high")}
_ALARM = PALETTE[1]
_THRESHOLD = "#7f7f7f"


def _month_ticks(ax: Axes, season: str, values: np.ndarray) -> None:
    if season == "month_of_year":
        names = message("plots.month_names").split()
        ax.set_xticks(range(1, 13), names)
        return
    ticks = sorted(int(v) for v in values)
    shown = [message("plots.spring_festival_tick") if t == 0 else f"{t:+d}".replace("-", "−")
             for t in ticks]
    ax.set_xticks(ticks, shown)


@styled
@document
def seasonal_profile(
    profile: pd.DataFrame,
    *,
    value: str = "index",
    hue: str | None = None,
    dataset: str | None = "disputes",
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    note: str | None = None,
    footnote: bool = True,
    ax: Axes | None = None,
) -> Axes:
    """The pattern of a year: one line per group, with its confidence band.

    Made for :func:`ruralkit.disputes.seasonal_profile`: by calendar month
    (column ``month_of_year``) or by months from the month of Spring Festival
    (``months_from_spring_festival``, the month of the festival marked).

    Parameters
    ----------
    profile : DataFrame
        One row per group and month, with the season column, ``value`` and its
        interval (``index_low, index_high`` or ``ci_low, ci_high``), and ``n``.
    value : {"index", "mean"}, default "index"
        The seasonal index (1 = an average month, with a line there) or the
        mean cases in such a month.
    hue : str, optional
        Column of the groups, one line each (e.g. ``"dispute_type"``).
    {dataset}
    {title}
    {xlabel_ylabel}
    {note_footnote}
    {ax}

    {returns}

    Notes
    -----
    {style}

    Examples
    --------
    >>> import pandas as pd
    >>> from ruralkit import plots
    >>> p = pd.DataFrame({"month_of_year": range(1, 13), "index": [1.0] * 12,
    ...                   "index_low": [0.8] * 12, "index_high": [1.2] * 12, "n": 9})
    >>> ax = plots.seasonal_profile(p)
    >>> [t.get_text() for t in ax.get_xticklabels()][:3]
    ['Jan', 'Feb', 'Mar']
    """
    check_columns("seasonal_profile", profile)
    season = next((c for c in _SEASONS if c in profile.columns), _SEASONS[0])
    lo, hi = _INTERVAL.get(value, ("ci_low", "ci_high"))
    check_columns("seasonal_profile", profile, season=season, value=value, lo=lo, hi=hi,
                  hue=hue)
    if ax is None:
        _, ax = plt.subplots()
    groups = list(pd.unique(profile[hue])) if hue else [None]
    names = display_labels(groups, dataset=dataset, variable=hue) if hue else [None]
    for i, (group, name) in enumerate(zip(groups, names, strict=True)):
        rows = profile if group is None else profile[profile[hue] == group]
        rows = rows.sort_values(season)
        x = rows[season].to_numpy(dtype=float)
        color = PALETTE[i % len(PALETTE)]
        ax.fill_between(x, rows[lo].to_numpy(dtype=float), rows[hi].to_numpy(dtype=float),
                        color=color, alpha=0.18, linewidth=0)
        ax.plot(x, rows[value].to_numpy(dtype=float), "o-", color=color, label=name,
                markersize=4)
    if value == "index":
        ax.axhline(1.0, color="#555555", linewidth=1, linestyle="--")
        ax.annotate(message("plots.average_month"), (1.0, 1.0), xycoords=("axes fraction",
                                                                         "data"),
                    xytext=(-2, 3), textcoords="offset points", ha="right", fontsize=8,
                    color="#555555")
    _month_ticks(ax, season, profile[season].unique())
    ax.grid(axis="x", visible=False)
    ax.grid(axis="y", visible=True)
    ax.set_xlabel(xlabel if xlabel is not None else codebook_label(dataset, season,
                                                                   default=season))
    ax.set_ylabel(ylabel if ylabel is not None else codebook_label(dataset, value,
                                                                   default=value))
    if hue:
        ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5))
    if title:
        ax.set_title(title)
    if footnote:
        years = pd.to_numeric(profile["n"], errors="coerce").dropna() if "n" in profile \
            else pd.Series(dtype=float)
        parts: list[Msg | None] = [Msg("plots.footnote_bands", pct="95%")]
        if len(years):
            low, high = int(years.min()), int(years.max())
            span = f"{low}" if low == high else f"{low}–{high}"
            parts.append(Msg("plots.footnote_years", n=span))
        add_footnote(ax, parts, note)
    return ax


def _timestamps(values: pd.Series) -> pd.Series:
    if isinstance(values.dtype, pd.PeriodDtype):
        return values.dt.to_timestamp()
    return pd.to_datetime(values)


@styled
@document
def count_series(
    data: pd.DataFrame,
    *,
    period: str = "month",
    value: str = "cases",
    fitted: str | None = None,
    warnings: pd.DataFrame | None = None,
    windows: Sequence[tuple] | None = None,
    steps: Sequence | None = None,
    title: str | None = None,
    ylabel: str | None = None,
    note: str | None = None,
    footnote: bool = True,
    ax: Axes | None = None,
) -> Axes:
    """One count series over time, with the model's fitted values and the alarms.

    Parameters
    ----------
    data : DataFrame
        One row per period (rows of the same period are added up), e.g.
        :func:`ruralkit.disputes.monthly_counts` of one village, or the
        ``data`` of a :func:`ruralkit.disputes.trend` result (``value="observed",
        fitted="fitted"``).
    period, value : str
        Columns of the periods (monthly ``pandas.Period`` or dates) and counts.
    fitted : str, optional
        Column of the model's fitted values, drawn dashed.
    warnings : DataFrame, optional
        :func:`ruralkit.disputes.early_warning` rows of this series (columns
        ``period, upperbound, alarm``): the alarm threshold of each month judged
        (grey) and the alarms (red dots).
    windows : sequence of (start, end), optional
        Periods to shade (e.g. a project's months).
    steps : sequence, optional
        Months to mark with a vertical line (e.g. when a centre opened).
    {title}
    ylabel : str, optional
        Label of the vertical axis (default: cases per month).
    {note_footnote}
    {ax}

    {returns}

    Notes
    -----
    {style}

    Examples
    --------
    >>> import pandas as pd
    >>> from ruralkit import plots
    >>> counts = pd.DataFrame({"month": pd.period_range("2024-01", periods=6, freq="M"),
    ...                        "cases": [1, 0, 2, 5, 1, 0]})
    >>> ax = plots.count_series(counts, steps=["2024-03"])
    >>> ax.lines[0].get_ydata().tolist()
    [1.0, 0.0, 2.0, 5.0, 1.0, 0.0]
    """
    check_columns("count_series", data, period=period, value=value, fitted=fitted)
    cols = [value] + ([fitted] if fitted else [])
    frame = data.groupby(period, observed=True, sort=True)[cols].sum().reset_index()
    x = _timestamps(frame[period])
    if ax is None:
        _, ax = plt.subplots(figsize=(8.0, 3.6))
    ax.plot(x, frame[value].to_numpy(dtype=float), "o-", color=PALETTE[0], markersize=2.5,
            linewidth=1.2, label=codebook_label(None, "cases", default=value))
    parts: list[Msg | None] = [Msg("plots.footnote_series")]
    if fitted:
        ax.plot(x, frame[fitted].to_numpy(dtype=float), "--", color=PALETTE[2], linewidth=1.6,
                label=message("plots.legend_fitted"))
        parts.append(Msg("plots.footnote_fitted"))
    for start, end in windows or ():
        a, b = pd.Period(start, "M"), pd.Period(end, "M")
        ax.axvspan(a.to_timestamp(), (b + 1).to_timestamp(), color="#999999", alpha=0.15,
                   linewidth=0, label=message("plots.legend_window", start=str(a), end=str(b)))
    for i, step in enumerate(steps or ()):
        month = pd.Period(step, "M")
        ax.axvline(month.to_timestamp(), color=PALETTE[(4 + i) % len(PALETTE)], linewidth=1.4,
                   label=message("plots.legend_step", month=str(month)))
    if warnings is not None:
        check_columns("count_series", warnings, period=period, upperbound="upperbound",
                      alarm="alarm")
        judged = warnings.sort_values(period)
        wx = _timestamps(judged[period])
        ax.step(wx, judged["upperbound"].to_numpy(dtype=float), where="mid", color=_THRESHOLD,
                linewidth=1.6, label=codebook_label(None, "upperbound", default="upperbound"))
        hit = judged["alarm"].fillna(False).to_numpy(dtype=bool)
        observed = judged["observed"] if "observed" in judged else judged[value]
        ax.plot(wx[hit], observed.to_numpy(dtype=float)[hit], "o", color=_ALARM, markersize=7,
                label=codebook_label(None, "alarm", default="alarm"), zorder=5)
        parts.append(Msg("plots.footnote_threshold"))
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.grid(axis="x", visible=False)
    ax.grid(axis="y", visible=True)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("")
    ax.set_ylabel(ylabel if ylabel is not None else message("plots.axis_cases_month"))
    ax.legend(loc="upper left", fontsize=8)
    if title:
        ax.set_title(title)
    if footnote:
        parts.append(Msg("plots.footnote_months", n=len(frame)))
        add_footnote(ax, parts, note)
    return ax


def _wide(table: pd.DataFrame, series: str, period: str, column: str,
          months: pd.PeriodIndex, rows: pd.Index, aggfunc: str = "sum") -> np.ndarray:
    """``column`` as a matrix: one row per series, one column per month (NaN where absent).

    ``aggfunc="mean"`` keeps a missing value missing (a sum would make it 0).
    """
    wide = table.pivot_table(index=series, columns=period, values=column, aggfunc=aggfunc,
                             observed=True, dropna=False)
    return wide.reindex(index=rows, columns=months).to_numpy(dtype=float)


@styled
def small_multiples(
    counts: pd.DataFrame,
    warnings: pd.DataFrame | None = None,
    *,
    series: str = "village_id",
    period: str = "month",
    value: str = "cases",
    last: int = 24,
    ncols: int = 5,
    dataset: str | None = "disputes",
    title: str | None = None,
    note: str | None = None,
    footnote: bool = True,
) -> Figure:
    """One small panel per village (or any series): its recent months and alarms.

    A sheet for a township meeting: every village of the township on the same
    scale, the alarm threshold of the months judged (grey) and the alarms (red
    bars); the villages with an alarm are named in red.

    Parameters
    ----------
    counts : DataFrame
        Long counts: one row per series and month (:func:`ruralkit.disputes.monthly_counts`).
    warnings : DataFrame, optional
        :func:`ruralkit.disputes.early_warning` rows for these series (one or
        more judged months each).
    series, period, value : str
        Columns of the series, the months and the counts.
    last : int, default 24
        How many of the most recent months to draw.
    ncols : int, default 5
        Panels per row.
    dataset : str, optional
        The dataset with the codebook for the series (village and township codes
        are shown by their names in any case).
    title : str, optional
        Title above the panels.
    note : str, optional
        A sentence added to the footnote.
    footnote : bool, default True
        Write the footnote: what bars and lines are, and "Synthetic data" (模拟数据).

    Returns
    -------
    matplotlib.figure.Figure
        The sheet, to save with :func:`ruralkit.plots.save`.

    Examples
    --------
    >>> import pandas as pd
    >>> from ruralkit import plots
    >>> months = pd.period_range("2024-01", periods=6, freq="M")
    >>> counts = pd.DataFrame({"village_id": ["T01V01"] * 6 + ["T01V02"] * 6,
    ...                        "month": list(months) * 2, "cases": [1, 0, 2, 0, 1, 3] * 2})
    >>> fig = plots.small_multiples(counts, footnote=False)
    >>> [ax.get_title() for ax in fig.axes if ax.get_visible()]
    ['Xujiaba Village', 'Zhoujia Village']
    """
    check_columns("small_multiples", counts, series=series, period=period, value=value)
    ordinals = pd.PeriodIndex(counts[period].astype("period[M]"))
    end = ordinals.max()
    months = pd.period_range(end - (last - 1), end, freq="M")
    codes = pd.Index(pd.unique(counts[series])).sort_values()
    frame = counts.assign(**{period: ordinals})
    cases = np.nan_to_num(_wide(frame, series, period, value, months, codes))
    bound = np.full_like(cases, np.nan)
    alarm = np.zeros_like(cases, dtype=bool)
    if warnings is not None:
        check_columns("small_multiples", warnings, series=series, period=period,
                      upperbound="upperbound", alarm="alarm")
        judged = warnings.assign(**{period: pd.PeriodIndex(warnings[period].astype("period[M]")),
                                    "_alarm": warnings["alarm"].fillna(False).astype(float)})
        bound = _wide(judged, series, period, "upperbound", months, codes, aggfunc="mean")
        alarm = np.nan_to_num(_wide(judged, series, period, "_alarm", months, codes)) > 0
    names = display_labels(codes, dataset=dataset, variable=series)
    nrows = -(-len(codes) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.3 * ncols, 1.7 * nrows + 0.6),
                             sharex=True, sharey=True, squeeze=False)
    x = np.arange(len(months))
    top = max(float(np.nanmax(cases)) if cases.size else 1.0,
              float(np.nanmax(bound)) if np.isfinite(bound).any() else 0.0, 1.0)
    for i, ax in enumerate(axes.flat):
        if i >= len(codes):
            ax.set_visible(False)
            continue
        colors = np.where(alarm[i], _ALARM, "#9ecae1")
        ax.bar(x, cases[i], width=0.85, color=colors)
        ax.step(x, bound[i], where="mid", color=_THRESHOLD, linewidth=1.3)
        flagged = bool(alarm[i].any())
        ax.set_title(names[i], fontsize=10, color=_ALARM if flagged else "#333333")
        ax.grid(axis="x", visible=False)
        ax.grid(axis="y", visible=True)
        ax.set_ylim(0, top * 1.1)
        ax.set_xticks([0, len(months) - 1], [str(months[0]), str(months[-1])], fontsize=7)
        ax.tick_params(axis="y", labelsize=8)
    if title:
        fig.suptitle(title)
    fig.supylabel(message("plots.axis_cases_month"), fontsize=10)
    fig.tight_layout()
    if footnote:
        parts: list[Msg | None] = [Msg("plots.footnote_panels")]
        add_footnote(axes[nrows - 1, 0], parts, note)
    return fig
