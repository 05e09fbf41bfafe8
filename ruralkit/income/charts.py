"""Charts for the income lesson: one effect three ways, an event study, and confounding drawn.

:func:`comparison` stacks the row of one term from a raw regression, one with
controls and one with household fixed effects into a tidy table (the model
names in the current language); :func:`comparison_chart` draws it as dots and
whiskers with a zero line. :func:`event_chart` draws :func:`~.event_study`.
:func:`confounding_diagram` draws why the raw gap misleads: the household's land
and schooling lead both to membership and to income.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from ..i18n import Msg, message
from ..labels import column_label
from ..plots import PALETTE, styled
from ..plots._notes import add_footnote, sample_size
from ._prediction_checks import PredictionInputError, check_columns, check_frame

__all__ = ["MODELS", "comparison", "comparison_chart", "confounding_diagram", "event_chart"]

#: The three ways of estimating one effect, in the order they are shown.
MODELS = ("raw", "controls", "fixed_effects")
_MODEL_NAMES = {"raw": "income.model_raw", "controls": "income.model_controls",
                "fixed_effects": "income.model_fixed_effects"}


def comparison(term: str, *, raw: pd.DataFrame | None = None,
               controls: pd.DataFrame | None = None,
               fixed_effects: pd.DataFrame | None = None) -> pd.DataFrame:
    """One term's estimate from up to three models, one row each.

    Parameters
    ----------
    term : str
        The term to take from each table (e.g. ``"cooperative_member"``).
    raw, controls, fixed_effects : DataFrame, optional
        What :func:`~.drivers` returned without controls and with controls, and
        what :func:`~.panel_effect` returned.

    Returns
    -------
    DataFrame
        ``model`` (named in the current language, in the order of
        :data:`MODELS`), the estimator's columns (``coef, se, ci_low, ci_high,
        p_value`` and, for a log outcome, ``pct_effect, pct_low, pct_high``) and
        ``n`` (rows used).

    Examples
    --------
    >>> import pandas as pd
    >>> from ruralkit.income import comparison
    >>> a = pd.DataFrame({"term": ["Intercept", "x"], "coef": [1.0, 0.2], "se": [0.1, 0.05],
    ...                   "ci_low": [0.8, 0.1], "ci_high": [1.2, 0.3], "p_value": [0, 0.01]})
    >>> a.attrs["n"] = 100
    >>> t = comparison("x", raw=a, controls=a)
    >>> t[["model", "coef", "n"]].values.tolist()
    [['Raw gap', 0.2, 100], ['With controls', 0.2, 100]]
    """
    given = {"raw": raw, "controls": controls, "fixed_effects": fixed_effects}
    rows = []
    for key in MODELS:
        table = given[key]
        if table is None:
            continue
        check_columns(check_frame(table, "comparison"), "columns", ["term", "coef", "se"])
        hit = table[table["term"] == term]
        if hit.empty:
            raise PredictionInputError.of("income.comparison_no_term", term=term,
                                          model=message(_MODEL_NAMES[key]),
                                          terms=", ".join(map(str, table["term"])))
        row = hit.iloc[[0]].drop(columns="term").assign(
            model=message(_MODEL_NAMES[key]), n=table.attrs.get("n", np.nan))
        rows.append(row)
    if not rows:
        raise PredictionInputError.of("income.comparison_empty")
    out = pd.concat(rows, ignore_index=True)
    return out[["model", *[c for c in out.columns if c != "model"]]]


def _percent_axis(ax: Axes, axis: str = "x") -> None:
    fmt = FuncFormatter(lambda v, _: f"{v:+.0f}%" if v else "0")
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(fmt)


@styled
def comparison_chart(table: pd.DataFrame, *, title: str | None = None, note: str | None = None,
                     footnote: bool = True, ax: Axes | None = None) -> Axes:
    """Dots and whiskers of :func:`comparison`, first model on top, with a zero line.

    Log outcomes are drawn as % effects (``pct_effect``), others as
    coefficients. No "true" value is drawn: in real data nobody knows it.

    Parameters
    ----------
    table : DataFrame
        What :func:`comparison` returned.
    title, note, footnote, ax
        As in the kit's other charts: a title, a sentence added to the
        footnote, whether to write the footnote (95% intervals, n, 模拟数据), an Axes.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from ruralkit.income import comparison_chart
    >>> t = pd.DataFrame({"model": ["Raw gap", "With controls"], "coef": [0.2, 0.06],
    ...                   "ci_low": [0.1, 0.0], "ci_high": [0.3, 0.12], "n": [100, 100]})
    >>> ax = comparison_chart(t)
    >>> [x.get_text() for x in ax.get_yticklabels()]  # bottom to top
    ['With controls', 'Raw gap']
    """
    check_columns(check_frame(table, "comparison_chart"), "columns", ["model", "coef"])
    pct = "pct_effect" in table.columns and table["pct_effect"].notna().all()
    x, lo, hi = ("pct_effect", "pct_low", "pct_high") if pct else ("coef", "ci_low", "ci_high")
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 0.6 * len(table) + 1.6))
    pos = np.arange(len(table))[::-1]
    for p, row, color in zip(pos, table.itertuples(index=False), PALETTE, strict=False):
        values = row._asdict()
        if lo in values and hi in values:
            ax.plot([values[lo], values[hi]], [p, p], color=color, linewidth=2)
        ax.plot([values[x]], [p], "o", color=color, markersize=8)
        ax.annotate(f"{values[x]:+.1f}%" if pct else f"{values[x]:+.3f}", (values[x], p),
                    xytext=(0, 8), textcoords="offset points", ha="center", fontsize=9)
    ax.set_yticks(pos[::-1], list(table["model"])[::-1])
    ax.set_ylim(-0.6, len(table) - 0.4)
    ax.grid(axis="y", visible=False)
    ax.axvline(0, color="#333333", linewidth=1, linestyle="--")
    if pct:
        _percent_axis(ax)
    ax.set_xlabel(message("income.comparison_axis_pct" if pct else "income.comparison_axis"))
    if title:
        ax.set_title(title)
    if footnote:
        add_footnote(ax, [Msg("plots.footnote_whiskers", pct="95%"), sample_size(table)], note)
    return ax


@styled
def event_chart(table: pd.DataFrame, *, title: str | None = None, note: str | None = None,
                footnote: bool = True, ax: Axes | None = None) -> Axes:
    """The effect by years since joining (:func:`~.event_study`), with its caveat in the footnote.

    Dots with 95% intervals by period; the year before joining (-1) is the
    reference (drawn at zero); a dashed line marks the joining.

    Parameters
    ----------
    table : DataFrame
        What :func:`~.event_study` returned.
    title, note, footnote, ax
        As in :func:`comparison_chart`.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from ruralkit.income import event_chart
    >>> t = pd.DataFrame({"period": [-2, 0, 1], "coef": [0.0, 0.06, 0.07],
    ...                   "ci_low": [-0.05, 0.01, 0.02], "ci_high": [0.05, 0.11, 0.12]})
    >>> ax = event_chart(t)
    >>> sorted(ax.lines[-1].get_xdata().tolist())  # the points, with the reference -1
    [-2.0, -1.0, 0.0, 1.0]
    """
    check_columns(check_frame(table, "event_chart"), "columns",
                  ["period", "coef", "ci_low", "ci_high"])
    pct = "pct_effect" in table.columns
    x, lo, hi = ("pct_effect", "pct_low", "pct_high") if pct else ("coef", "ci_low", "ci_high")
    frame = pd.concat([table[["period", x, lo, hi]],
                       pd.DataFrame({"period": [-1], x: [0.0], lo: [0.0], hi: [0.0]})])
    frame = frame.sort_values("period")
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 4.0))
    period = frame["period"].to_numpy(dtype=float)
    ax.vlines(period, frame[lo], frame[hi], color=PALETTE[0], linewidth=2)
    ax.axhline(0, color="#333333", linewidth=1)
    ax.axvline(-0.5, color="#888888", linewidth=1, linestyle="--")
    ax.plot(period, frame[x].to_numpy(dtype=float), "o", color=PALETTE[0], markersize=7)
    ax.set_xticks(period)
    if pct:
        _percent_axis(ax, "y")
    ax.set_xlabel(message("income.event_axis_x"))
    ax.set_ylabel(message("income.comparison_axis_pct" if pct else "income.comparison_axis"))
    if title:
        ax.set_title(title)
    if footnote:
        n = table.attrs.get("n")
        parts = [Msg("income.event_footnote")]
        if n:
            parts.append(Msg("plots.footnote_n", n=f"{int(n):,}"))
        add_footnote(ax, parts, note)
    return ax


@styled
def confounding_diagram(*, confounders: Sequence[str] = ("land_mu", "head_education_years"),
                        treatment: str = "cooperative_member",
                        outcome: str = "income_per_capita", dataset: str = "households",
                        ax: Axes | None = None) -> Axes:
    """Confounding as a picture: confounders point to both the treatment and the outcome.

    Boxes carry the columns' codebook labels in the current language. The
    arrow from treatment to outcome is drawn with a question mark: it is what
    we want to know, while the arrows from the confounders make the two go
    together even if it were zero.

    Parameters
    ----------
    confounders : list of str
        Columns that lead to both (default land and schooling).
    treatment, outcome : str
        The columns of the treatment and the outcome.
    dataset : str
        The codebook that labels the columns.
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from ruralkit.income import confounding_diagram
    >>> ax = confounding_diagram()
    >>> texts = [t.get_text() for t in ax.texts if t.get_text()]
    >>> texts[:2]  # the confounders, then the treatment and the outcome
    ['Contracted land', 'Schooling of household head']
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4.2))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    ax.axis("off")
    box = {"boxstyle": "round,pad=0.5", "facecolor": "#eef3f8", "edgecolor": "#2f6690"}
    k = len(confounders)
    xs = np.linspace(5 - 2.2 * (k - 1) / 2, 5 + 2.2 * (k - 1) / 2, k) if k else []
    treat_xy, out_xy = (1.8, 2.0), (8.2, 2.0)
    arrow = {"arrowstyle": "-|>", "color": "#555555", "linewidth": 1.5,
             "shrinkA": 18, "shrinkB": 18, "mutation_scale": 16}
    for xc, column in zip(xs, confounders, strict=True):
        ax.text(xc, 8.0, column_label(column, dataset), ha="center", va="center", bbox=box,
                fontsize=11)
        for target in (treat_xy, out_xy):
            ax.annotate("", xy=target, xytext=(xc, 8.0), arrowprops=arrow)
    strong = {**box, "facecolor": "#fbe9ec", "edgecolor": "#d1495b"}
    ax.text(*treat_xy, column_label(treatment, dataset), ha="center", va="center", bbox=strong,
            fontsize=11)
    ax.text(*out_xy, column_label(outcome, dataset), ha="center", va="center", bbox=strong,
            fontsize=11)
    ax.annotate("", xy=out_xy, xytext=treat_xy,
                arrowprops={**arrow, "color": "#d1495b", "linestyle": "--", "shrinkA": 60,
                            "shrinkB": 60})
    ax.text(5.0, 2.5, "?", ha="center", va="bottom", fontsize=16, color="#d1495b")
    ax.text(5.0, 0.3, message("income.confounding_caption"), ha="center", va="bottom",
            fontsize=9, color="#555555", wrap=True)
    return ax
