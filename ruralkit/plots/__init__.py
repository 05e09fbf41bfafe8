"""One plotting style for the kit, with labels from the codebooks in en or zh.

Importing this module changes no matplotlib setting: it only registers the
bundled Chinese font (a subset of Noto Sans SC, SIL OFL 1.1) with matplotlib's
font manager, so that the font can be found by name. The kit's own functions
draw in the kit's style (:data:`STYLE`: the bundled font, sizes, colours),
applied only while they draw, so Chinese labels render with real glyphs on a
machine without any CJK font installed and your other charts keep your
settings. Use ``with plots.style():`` to draw your own charts in the style,
:func:`use_style` to make it everyone's default (for example to put Chinese
titles on plain ``plt.plot`` charts), and :func:`save` to write a chart to a
file with the kit's settings for saved files.

Functions take a tidy DataFrame and column names and return a matplotlib Axes.

Examples
--------
>>> import pandas as pd
>>> import ruralkit as rk
>>> from ruralkit import plots
>>> villages = rk.load_villages()
>>> counts = villages.groupby("terrain", observed=True).size().reset_index(name="villages")
>>> ax = plots.bar(counts, x="villages", y="terrain", dataset="villages")
>>> ax.get_ylabel()
'Terrain'
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, PercentFormatter

from ..datasets import value_labels
from ..i18n import Msg, message
from ..labels import guess_dataset
from ._docs import document
from ._labels import check_columns, codebook_label, display_labels, place_names
from ._notes import RolesWarning, add_footnote, bar_roles, group_name, level_of, sample_size
from ._style import (
    CJK_FAMILY,
    FONT_FILES,
    PALETTE,
    STYLE,
    register_font,
    save,
    style,
    styled,
    use_chinese_font,
    use_style,
)
from .series import count_series, seasonal_profile, small_multiples

__all__ = [
    "CJK_FAMILY",
    "FONT_FILES",
    "PALETTE",
    "STYLE",
    "RolesWarning",
    "bar",
    "change",
    "count_series",
    "display_labels",
    "dot_whisker",
    "likert_bars",
    "place_names",
    "register_font",
    "save",
    "seasonal_profile",
    "small_multiples",
    "style",
    "use_chinese_font",
    "use_style",
]


@styled
@document
def bar(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    dataset: str | None = None,
    sort: bool = False,
    value_format: str | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    color: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Bar chart of one value per category, labelled from the codebook.

    As in seaborn, ``x`` and ``y`` name the columns drawn along the horizontal
    and the vertical axis: put the categories on ``y`` and the numbers on ``x``
    for horizontal bars (long Chinese labels read better this way), or the
    other way round for vertical bars. ``xlabel`` and ``ylabel`` label those
    same axes, like :func:`dot_whisker`.

    Parameters
    ----------
    data : DataFrame
        One row per bar.
    x, y : str
        One column holds the categories (codes, category values or variable
        names), the other the numbers. If both hold numbers, a column of years
        (``year``, or whole numbers from 1900 to 2100) is the category, so
        ``bar(t, x="cases", y="year")`` draws one bar per year; when nothing
        tells them apart ``x`` is the category and a :class:`RolesWarning`
        says which column was taken as the value.
    {dataset}
    sort : bool, default False
        Order the bars by value, largest first (on top, or on the left).
    value_format : str, optional
        Format for labels printed at the end of each bar, e.g. ``"{:.0%}"``;
        with a ``%`` the value axis is shown in percent.
    {title}
    {xlabel_ylabel}
    color : str, optional
        Bar colour (default: the kit's first colour).
    {ax}

    {returns}

    See Also
    --------
    dot_whisker : estimates with confidence intervals.
    likert_bars : the answers to Likert items, diverging at zero.

    Notes
    -----
    {style}

    Examples
    --------
    >>> import pandas as pd
    >>> from ruralkit import plots
    >>> df = pd.DataFrame({"level": ["trust_centre", "trust_township"], "share": [0.9, 0.6]})
    >>> ax = plots.bar(df, x="share", y="level", dataset="trust_survey", value_format="{:.0%}")
    >>> [t.get_text() for t in ax.get_yticklabels()]  # bottom to top
    ['Trust in the township government', 'Trust in the central government']
    """
    check_columns("bar", data, x=x, y=y)
    dataset = dataset if dataset is not None else data.attrs.get("dataset")
    category, value, horizontal = bar_roles(data, x, y)
    frame = data[[category, value]].copy()
    if sort:
        frame = frame.sort_values(value, ascending=horizontal)
    elif horizontal:
        frame = frame.iloc[::-1]  # first row on top
    names = display_labels(frame[category], dataset=dataset, variable=category)
    if ax is None:
        _, ax = plt.subplots()
    values = frame[value].astype(float).to_numpy()
    positions = list(range(len(values)))
    color = color or PALETTE[0]
    if horizontal:
        ax.barh(positions, values, color=color)
        ax.set_yticks(positions, names)
        ax.grid(axis="y", visible=False)
    else:
        ax.bar(positions, values, color=color)
        ax.set_xticks(positions, names)
        ax.grid(axis="x", visible=False)
        ax.grid(axis="y", visible=True)
    if value_format:
        for pos, val in zip(positions, values, strict=True):
            text = value_format.format(val)
            if horizontal:
                ax.annotate(text, (val, pos), xytext=(3, 0), textcoords="offset points",
                            va="center", fontsize=9)
            else:
                ax.annotate(text, (pos, val), xytext=(0, 3), textcoords="offset points",
                            ha="center", fontsize=9)
        if "%" in value_format:
            axis = ax.xaxis if horizontal else ax.yaxis
            axis.set_major_formatter(PercentFormatter(1.0))
    labels = {category: codebook_label(dataset, category, default=""),
              value: codebook_label(dataset, value, default=value)}
    ax.set_xlabel(xlabel if xlabel is not None else labels[x])
    ax.set_ylabel(ylabel if ylabel is not None else labels[y])
    if title:
        ax.set_title(title)
    return ax


@styled
@document
def dot_whisker(
    data: pd.DataFrame,
    *,
    y: str,
    x: str = "estimate",
    lo: str = "ci_low",
    hi: str = "ci_high",
    hue: str | None = None,
    dataset: str | None = None,
    ref: float | None = None,
    reference: float | None = None,
    percent: bool = False,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    note: str | None = None,
    footnote: bool = True,
    ax: Axes | None = None,
) -> Axes:
    """Estimates with their confidence intervals: one dot and whisker per row.

    Made for the tidy output of :meth:`ruralkit.survey.Design.mean` and
    friends (columns ``estimate, ci_low, ci_high``), e.g. satisfaction by
    township (``y``) and wave (``hue``).

    Parameters
    ----------
    data : DataFrame
        One row per estimate.
    y : str
        Column with the categories (one line per category, first on top).
    x, lo, hi : str
        Columns with the estimate and the interval's ends.
    hue : str, optional
        Column whose values are drawn side by side within each category, in
        colour, with a legend (e.g. the survey wave).
    {dataset}
    reference : float, optional
        Draw a vertical reference line here: ``reference=0`` for differences
        (``ref`` is the same, kept for old code).
    percent : bool, default False
        Show the axis as percentages (estimates are shares between 0 and 1).
    {title}
    {xlabel_ylabel}
    {note_footnote}
    {ax}

    {returns}

    See Also
    --------
    bar : one value per category.

    Notes
    -----
    {style}

    Examples
    --------
    >>> import pandas as pd
    >>> from ruralkit import plots
    >>> est = pd.DataFrame({"township_id": ["T01", "T02"], "estimate": [0.5, 0.6],
    ...                     "ci_low": [0.4, 0.5], "ci_high": [0.6, 0.7]})
    >>> ax = plots.dot_whisker(est, y="township_id", percent=True)
    >>> [line.get_xdata().tolist() for line in ax.lines[:2]]  # one whisker per row
    [[0.4, 0.6], [0.5, 0.7]]
    """
    check_columns("dot_whisker", data, x=x, lo=lo, hi=hi, y=y, hue=hue)
    dataset = dataset if dataset is not None else data.attrs.get("dataset")
    ref = reference if reference is not None else ref
    if ax is None:
        _, ax = plt.subplots()
    cats = list(pd.unique(data[y]))
    groups = list(pd.unique(data[hue])) if hue else [None]
    step = 0.7 / max(len(groups), 1)

    def coded(column: str | None) -> str | None:
        """The variable whose codes fill ``column`` (a result's ``category``: its variable)."""
        return data.attrs.get("variable", column) if column == "category" else column

    for g_i, group in enumerate(groups):
        rows = data if group is None else data[data[hue] == group]
        offset = (g_i - (len(groups) - 1) / 2) * step if len(groups) > 1 else 0.0
        pos = [len(cats) - 1 - cats.index(c) - offset for c in rows[y]]
        color = PALETTE[g_i % len(PALETTE)]
        for p, low, high in zip(pos, rows[lo], rows[hi], strict=True):
            ax.plot([low, high], [p, p], color=color, linewidth=1.6)
        label = None if group is None else display_labels([group], dataset=dataset,
                                                            variable=coded(hue))[0]
        ax.plot(rows[x].to_numpy(dtype=float), pos, "o", color=color, label=label,
                markersize=6)
    ax.set_yticks(range(len(cats)), display_labels(cats[::-1], dataset=dataset,
                                                   variable=coded(y)))
    ax.grid(axis="y", visible=False)
    if ref is not None:
        ax.axvline(ref, color="#555555", linewidth=1, linestyle="--")
    if percent:
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    if hue:
        ax.legend(title=codebook_label(dataset, hue, default=hue),
                  loc="center left", bbox_to_anchor=(1.0, 0.5))
    if xlabel is None:  # the estimated variable's label, else the column's name
        xlabel = codebook_label(dataset, x, default=x)
        measures = pd.unique(data["measure"]) if "measure" in data.columns else []
        if len(measures) == 1 and x == "estimate":  # one measure of resolution_summary
            xlabel = display_labels(measures, dataset=dataset, variable="measure")[0]
        variable = data.attrs.get("variable")
        if variable is not None and x == "estimate" and dataset is not None:
            xlabel = codebook_label(dataset, variable, default=xlabel) or xlabel
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel if ylabel is not None else codebook_label(dataset, y, default=""))
    if title:
        ax.set_title(title)
    if footnote:
        pct = f"{100 * level_of(data):g}%"
        add_footnote(ax, [Msg("plots.footnote_whiskers", pct=pct), sample_size(data)], note)
    return ax


_NEGATIVE_COLOURS = ("#f4a582", "#d6604d", "#b2182b")
_POSITIVE_COLOURS = ("#92c5de", "#4393c3", "#2166ac")
_NEUTRAL_COLOUR = "#d9d9d9"


@styled
@document
def likert_bars(
    data: pd.DataFrame,
    *,
    item: str = "item",
    category: str = "category",
    share: str = "share",
    positive: list,
    neutral: object | None = None,
    dataset: str | None = None,
    title: str | None = None,
    note: str | None = None,
    footnote: bool = True,
    ax: Axes | None = None,
) -> Axes:
    """Diverging stacked bars: the answers of each item, centred at zero.

    Favourable answers (``positive``) stack to the right of zero, the others to
    the left; a ``neutral`` answer is split across zero. Made for the output of
    :func:`ruralkit.survey.likert_table` (columns ``item, category, share``).

    Parameters
    ----------
    data : DataFrame
        One row per item and answer category, with the share of that answer.
    item, category, share : str
        Columns with the item (a variable of ``dataset``), the answer (its
        code) and the share of respondents giving that answer.
    positive : list
        The favourable categories (answer codes), e.g. ``[1, 2]`` for trust items coded
        1 = a great deal ... 4 = none at all, or ``[4, 5]`` for satisfaction.
    neutral : optional
        A middle category to split across zero (e.g. 3 on a 1-5 scale).
    {dataset}
    {title}
    {note_footnote}
    {ax}

    {returns}

    See Also
    --------
    bar : one value per category.

    Notes
    -----
    {style}

    Examples
    --------
    >>> import pandas as pd
    >>> from ruralkit import plots
    >>> t = pd.DataFrame({"item": ["q"] * 4, "category": [1, 2, 3, 4],
    ...                   "share": [0.3, 0.3, 0.3, 0.1]})
    >>> ax = plots.likert_bars(t, positive=[1, 2])
    >>> sorted(round(float(p.get_width()), 2) for p in ax.patches)  # left side is negative
    [-0.3, -0.1, 0.3, 0.3]
    """
    check_columns("likert_bars", data, item=item, category=category, share=share)
    if dataset is None:
        dataset = data.attrs.get("dataset") or guess_dataset(data)
    if ax is None:
        _, ax = plt.subplots(figsize=(8.0, 0.6 * data[item].nunique() + 1.6))
    items = list(pd.unique(data[item]))
    levels = list(pd.unique(data[category]))
    pos_levels = [lv for lv in levels if lv in positive]
    neg_levels = [lv for lv in levels if lv not in positive and lv != neutral]
    wide = data.pivot_table(index=item, columns=category, values=share, aggfunc="sum",
                             observed=True).reindex(items).fillna(0.0)
    ypos = list(range(len(items)))[::-1]
    label_of = (value_labels(dataset, items[0]) if dataset else {})

    def name(lv: object) -> str:
        return str(label_of.get(lv, lv))

    def distance(lv: object, others: list) -> int:
        """How far a level sits from the other side: 1 = next to zero."""
        return min((abs(levels.index(lv) - levels.index(o)) for o in others), default=0)

    half = wide[neutral] / 2 if neutral is not None and neutral in wide else 0.0
    bars = {}
    # Each side stacks outwards from zero, weakest answers first, stronger darker.
    start = half
    for i, lv in enumerate(sorted(pos_levels, key=lambda lv: distance(lv, neg_levels or
                                                                     [neutral]))):
        bars[lv] = ax.barh(ypos, wide[lv], left=start, color=_POSITIVE_COLOURS[min(i, 2)])
        start = start + wide[lv]
    if neutral is not None and neutral in wide:
        bars[neutral] = ax.barh(ypos, wide[neutral], left=-half, color=_NEUTRAL_COLOUR)
    start = -half
    for i, lv in enumerate(sorted(neg_levels, key=lambda lv: distance(lv, pos_levels))):
        bars[lv] = ax.barh(ypos, -wide[lv], left=start, color=_NEGATIVE_COLOURS[min(i, 2)])
        start = start - wide[lv]
    order = [lv for lv in levels if lv in bars]
    ax.legend([bars[lv] for lv in order], [name(lv) for lv in order], loc="upper center",
              bbox_to_anchor=(0.5, -0.12), ncol=min(len(order), 5))
    ax.axvline(0, color="#333333", linewidth=1)
    ax.set_yticks(ypos, display_labels(items, dataset=dataset, variable=None))
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{abs(v):.0%}"))
    if title:
        ax.set_title(title)
    if footnote:
        add_footnote(ax, [Msg("plots.footnote_likert"), sample_size(data, per="question")], note)
    return ax


@styled
@document
def change(
    diff: pd.DataFrame,
    *,
    y: str,
    dataset: str | None = None,
    title: str | None = None,
    percent: bool = True,
    hue: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    note: str | None = None,
    footnote: bool = True,
    ax: Axes | None = None,
) -> Axes:
    """Changes with their confidence intervals, around a zero line: did it change?

    Made for :meth:`ruralkit.survey.Design.difference` with ``by=`` (one
    difference per township, say): a dot per row at the change, its 95%
    interval as a line, and a line at zero. An interval that crosses zero is
    a change that cannot be told apart from chance. Changes of shares are
    shown in percentage points (百分点).

    Parameters
    ----------
    diff : DataFrame
        One row per difference, with columns ``estimate, ci_low, ci_high``
        (and ``n_a, n_b`` for the footnote), as ``design.difference`` gives.
    y : str
        Column with the categories (e.g. ``"township_id"``).
    {dataset}
    {title}
    percent : bool, default True
        The differences are of shares: show them ×100, in percentage points.
        ``False``: in the variable's own unit (e.g. a mean score).
    hue : str, optional
        Column drawn side by side in colour within each category.
    {xlabel_ylabel}
    {note_footnote}
    {ax}

    {returns}

    See Also
    --------
    dot_whisker : the estimates themselves (levels) with their intervals.

    Notes
    -----
    {style}

    Examples
    --------
    >>> import pandas as pd
    >>> from ruralkit import plots
    >>> diff = pd.DataFrame({"township_id": ["T01", "T05"], "estimate": [0.02, 0.12],
    ...                      "ci_low": [-0.05, 0.02], "ci_high": [0.09, 0.22]})
    >>> ax = plots.change(diff, y="township_id")
    >>> [line.get_xdata().tolist() for line in ax.lines[:2]]  # in percentage points
    [[-5.0, 9.0], [2.0, 22.0]]
    >>> ax.get_xlabel()
    'Change (percentage points)'
    """
    check_columns("change", diff, y=y, hue=hue, estimate="estimate", ci_low="ci_low",
                  ci_high="ci_high")
    dataset = dataset if dataset is not None else diff.attrs.get("dataset")
    frame = pd.DataFrame(diff).copy()
    frame.attrs = dict(diff.attrs)
    if percent:
        for col in ("estimate", "ci_low", "ci_high"):
            frame[col] = frame[col].astype(float) * 100
    groups = diff.attrs.get("groups")
    if xlabel is None:
        if groups:
            key = "plots.change_axis_groups_points" if percent else "plots.change_axis_groups"
            xlabel = message(key, a=group_name(groups[0]), b=group_name(groups[1]))
        else:
            xlabel = message("plots.change_axis_points" if percent else "plots.change_axis")
    variable = diff.attrs.get("variable")
    if title is None and variable is not None and dataset is not None:
        shown = codebook_label(dataset, variable, default="")
        title = shown if shown != variable else None
    ax = dot_whisker(frame, y=y, hue=hue, dataset=dataset, reference=0, title=title,
                     xlabel=xlabel, ylabel=ylabel, footnote=False, ax=ax)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:+g}" if v else "0"))
    if footnote:
        whiskers = "plots.footnote_whiskers_points" if percent else "plots.footnote_whiskers"
        pct = f"{100 * level_of(diff):g}%"
        add_footnote(ax, [Msg(whiskers, pct=pct), sample_size(diff)], note)
    return ax


register_font()
