"""One plotting style for the kit, with labels from the codebooks in en or zh.

Importing this module sets the style and registers the bundled Chinese font
(a subset of Noto Sans SC, SIL OFL 1.1), so Chinese labels render with real
glyphs on a machine without any CJK font installed.

Functions take a tidy DataFrame and column names and return a matplotlib Axes.

Examples
--------
>>> import pandas as pd
>>> import ruralkit as rk
>>> from ruralkit import plots
>>> villages = rk.load_villages()
>>> counts = villages.groupby("terrain", observed=True).size().reset_index(name="villages")
>>> ax = plots.bar(counts, x="terrain", y="villages", dataset="villages")
>>> ax.get_ylabel()
'Terrain'
"""

from __future__ import annotations

from importlib.resources import as_file, files

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from .datasets import DATASETS, label, value_labels
from .i18n import RuralkitError, message

CJK_FAMILY = "RuralKit Sans SC"
FONT_FILES = ("RuralKitSansSC-Regular.ttf",)
#: Colours: a calm blue for the main series, then a colour-blind-safe cycle.
PALETTE = ("#2f6690", "#d1495b", "#edae49", "#66a182", "#3a7ca5", "#8d6a9f", "#7f7f7f")


def use_chinese_font() -> str:
    """Register the bundled CJK font with matplotlib and put it first in line.

    Returns the font family name. Safe to call more than once.
    """
    known = {f.fname for f in font_manager.fontManager.ttflist}
    for name in FONT_FILES:
        with as_file(files("ruralkit") / "fonts" / name) as path:
            if str(path) not in known:
                font_manager.fontManager.addfont(str(path))
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["font.sans-serif"] = [CJK_FAMILY, "DejaVu Sans"]
    mpl.rcParams["axes.unicode_minus"] = True  # U+2212 is in the subset
    mpl.rcParams["pdf.fonttype"] = 42  # embed TrueType: PDF text stays searchable
    mpl.rcParams["ps.fonttype"] = 42
    return CJK_FAMILY


def set_style() -> None:
    """Apply the kit's plotting style (fonts, sizes, colours, no top/right spines)."""
    use_chinese_font()
    mpl.rcParams.update(
        {
            "figure.figsize": (7.0, 4.0),
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            "axes.prop_cycle": mpl.cycler(color=list(PALETTE)),
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "axes.grid.axis": "x",
            "axes.axisbelow": True,
            "grid.color": "#dddddd",
            "axes.titlesize": 13,
            "axes.titleweight": "normal",
            "axes.labelsize": 11,
            "xtick.labelsize": 10,
            "ytick.labelsize": 10,
            "legend.frameon": False,
            # Keep SVG/PDF output free of dates so saved figures are reproducible.
            "svg.hashsalt": "ruralkit",
        }
    )


def _check_columns(data: pd.DataFrame, **columns: str | None) -> None:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"`data` must be a pandas DataFrame; got {type(data).__name__}.")
    for arg, col in columns.items():
        if col is not None and col not in data.columns:
            raise RuralkitError(
                message("unknown_column", what=f"`{arg}`", column=col,
                        choices=", ".join(map(str, data.columns)))
            )


def display_labels(values: pd.Series | list, *, dataset: str | None,
                   variable: str | None) -> list[str]:
    """Turn codes or variable names into display labels in the current language.

    A value that names a variable of ``dataset`` gets the variable's label; a
    value that is a code of ``variable`` gets its value label; anything else is
    shown as it is.
    """
    values = list(values)
    if dataset is None:
        return [str(v) for v in values]
    if dataset not in DATASETS:
        raise RuralkitError(message("unknown_dataset", name=dataset, choices=", ".join(DATASETS)))
    try:
        codes = value_labels(dataset, variable) if variable else {}
    except RuralkitError:  # a computed column (e.g. "level"), not in the codebook
        codes = {}
    out = []
    for v in values:
        if v in codes:
            out.append(codes[v])
        else:
            try:
                out.append(label(dataset, str(v)))
            except RuralkitError:
                out.append(str(v))
    return out


def _codebook_label(dataset: str | None, variable: str, *, default: str) -> str:
    if dataset is None:
        return default
    try:
        return label(dataset, variable)
    except RuralkitError:  # a computed column, not in the codebook
        return default


def bar(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    dataset: str | None = None,
    horizontal: bool = True,
    sort: bool = False,
    value_format: str | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    color: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Bar chart of one value per category, labelled from the codebook.

    Parameters
    ----------
    data : DataFrame
        One row per bar.
    x : str
        Column with the categories (codes, category values or variable names).
    y : str
        Column with the values.
    dataset : str, optional
        Name of the bundled dataset whose codebook labels the categories and
        the axis (``"trust_survey"``, ...), in the language of
        :func:`ruralkit.set_language`.
    horizontal : bool, default True
        Horizontal bars (long Chinese labels read better this way).
    sort : bool, default False
        Order the bars by value, largest on top.
    value_format : str, optional
        Format for labels printed at the end of each bar, e.g. ``"{:.0%}"``.
    title, xlabel, ylabel : str, optional
        Override the title and axis labels.
    color : str, optional
        Bar colour (default: the kit's first colour).
    ax : Axes, optional
        Draw into this Axes; a new figure otherwise.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from ruralkit import plots
    >>> df = pd.DataFrame({"level": ["trust_centre", "trust_township"], "share": [0.9, 0.6]})
    >>> ax = plots.bar(df, x="level", y="share", dataset="trust_survey", value_format="{:.0%}")
    >>> [t.get_text() for t in ax.get_yticklabels()]  # bottom to top
    ['Trust in the township government', 'Trust in the central government']
    """
    _check_columns(data, x=x, y=y)
    frame = data[[x, y]].copy()
    if sort:
        frame = frame.sort_values(y, ascending=horizontal)
    elif horizontal:
        frame = frame.iloc[::-1]  # first row on top
    names = display_labels(frame[x], dataset=dataset, variable=x)
    if ax is None:
        _, ax = plt.subplots()
    values = frame[y].astype(float).to_numpy()
    positions = range(len(values))
    color = color or PALETTE[0]
    if horizontal:
        ax.barh(positions, values, color=color)
        ax.set_yticks(list(positions), names)
        ax.grid(axis="y", visible=False)
    else:
        ax.bar(positions, values, color=color)
        ax.set_xticks(list(positions), names)
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
    cat_label = ylabel if horizontal else xlabel
    val_label = xlabel if horizontal else ylabel
    if cat_label is None:
        cat_label = _codebook_label(dataset, x, default="")
    if val_label is None:
        val_label = _codebook_label(dataset, y, default=y)
    if value_format and "%" in value_format:
        axis = ax.xaxis if horizontal else ax.yaxis
        axis.set_major_formatter(PercentFormatter(1.0))
    if horizontal:
        ax.set_ylabel(cat_label or "")
        ax.set_xlabel(val_label or "")
    else:
        ax.set_xlabel(cat_label or "")
        ax.set_ylabel(val_label or "")
    if title:
        ax.set_title(title)
    return ax


set_style()
