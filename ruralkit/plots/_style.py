"""The kit's plotting style and its bundled Chinese font, applied only where asked.

The style (:data:`STYLE`) is applied while the kit's chart functions draw
(:func:`styled`), globally only by :func:`use_style`; registering the font
with matplotlib's font manager (:func:`register_font`) changes no setting.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.resources import as_file, files
from typing import IO, Any, TypeVar

import matplotlib as mpl
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure

CJK_FAMILY = "RuralKit Sans SC"
FONT_FILES = ("RuralKitSansSC-Regular.ttf",)
#: Colours: a calm blue for the main series, then a colour-blind-safe cycle.
PALETTE = ("#2f6690", "#d1495b", "#edae49", "#66a182", "#3a7ca5", "#8d6a9f", "#7f7f7f")

_FONTS = {
    # The family is named, not left to "sans-serif": text keeps the font it was
    # made with, even when it is drawn after the kit's function has returned.
    "font.family": [CJK_FAMILY, "DejaVu Sans"],
    "font.sans-serif": [CJK_FAMILY, "DejaVu Sans"],
    "axes.unicode_minus": True,  # U+2212 is in the subset
    "pdf.fonttype": 42,  # embed TrueType: PDF text stays searchable
    "ps.fonttype": 42,
}

#: The kit's matplotlib settings, applied while the kit's functions draw
#: (``with plots.style(): ...`` does the same for your code).
STYLE: dict[str, Any] = {
    **_FONTS,
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


def register_font() -> str:
    """Register the bundled CJK font with matplotlib's font manager.

    Makes the font findable by its family name, :data:`CJK_FAMILY`; changes
    no setting. Done when this module is imported; safe to call again.

    Returns
    -------
    str
        The font family name.

    Examples
    --------
    >>> from matplotlib import font_manager
    >>> from ruralkit import plots
    >>> family = plots.register_font()
    >>> prop = font_manager.FontProperties(family=family)
    >>> font_manager.findfont(prop, fallback_to_default=False).endswith(plots.FONT_FILES[0])
    True
    """
    known = {f.fname for f in font_manager.fontManager.ttflist}
    for name in FONT_FILES:
        with as_file(files("ruralkit") / "fonts" / name) as path:
            if str(path) not in known:
                font_manager.fontManager.addfont(str(path))
    return CJK_FAMILY


def use_chinese_font() -> str:
    """Make the bundled CJK font the default font of every chart (a global setting).

    Only the font settings of :data:`STYLE` are applied; :func:`use_style`
    applies all of it. Safe to call more than once.

    Returns
    -------
    str
        The font family name.
    """
    register_font()
    mpl.rcParams.update(_FONTS)
    return CJK_FAMILY


def use_style() -> None:
    """Make the kit's style (:data:`STYLE`) the default of every chart, not only the kit's.

    The kit's functions draw in this style anyway; call this to give your own
    charts the same look and the Chinese font. ``matplotlib.rcdefaults()``
    undoes it; ``with plots.style():`` applies it to one block of code only.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> from ruralkit import plots
    >>> with mpl.rc_context():  # restores the settings afterwards
    ...     plots.use_style()
    ...     mpl.rcParams["font.family"][0] == plots.CJK_FAMILY
    True
    """
    register_font()
    mpl.rcParams.update(STYLE)


def save(chart: Axes | Figure, path: str | os.PathLike[str] | IO[bytes], **kwargs: Any) -> None:
    """Save a chart with the kit's settings for saved files.

    As ``chart.figure.savefig(path)``, with the saving settings of
    :data:`STYLE`: 150 dpi, the margins trimmed, fonts embedded as TrueType (so
    Chinese text in a PDF stays searchable) and reproducible SVG.

    Parameters
    ----------
    chart : Axes or Figure
        What a chart function returned, or its figure.
    path : str, path or file object
        Where to write; the format follows the file's extension (``.png``,
        ``.pdf``, ``.svg``...).
    **kwargs
        Passed on to :meth:`matplotlib.figure.Figure.savefig` (e.g. ``dpi=300``).

    Examples
    --------
    >>> import io
    >>> import pandas as pd
    >>> from ruralkit import plots
    >>> ax = plots.bar(pd.DataFrame({"k": ["a", "b"], "v": [1, 2]}), x="v", y="k")
    >>> buffer = io.BytesIO()
    >>> plots.save(ax, buffer, format="png")
    >>> buffer.getvalue()[:4]
    b'\\x89PNG'
    """
    figure = chart if isinstance(chart, Figure) else chart.figure
    with style():
        figure.savefig(path, **kwargs)


@contextmanager
def style() -> Iterator[None]:
    """The kit's style (:data:`STYLE`) for one block of code, as the kit's functions use it.

    Afterwards the settings of :data:`STYLE` are put back as they were, and
    only those: a setting changed inside the block for another reason stays
    changed. (``matplotlib.rc_context`` puts back every setting, which in a
    notebook can undo the interactive mode that the inline backend switches on
    when the first figure is made, so that later charts are no longer shown.)

    Examples
    --------
    >>> import matplotlib as mpl
    >>> from ruralkit import plots
    >>> with plots.style():
    ...     mpl.rcParams["axes.spines.top"]
    False
    >>> mpl.rcParams["axes.spines.top"]
    True
    """
    register_font()
    saved = {key: mpl.rcParams[key] for key in STYLE}
    mpl.rcParams.update(STYLE)
    try:
        yield
    finally:
        mpl.rcParams.update(saved)


_F = TypeVar("_F", bound=Callable[..., Any])


def styled(func: _F) -> _F:
    """Draw ``func`` in the kit's style, leaving everyone's settings as they were."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with style():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
