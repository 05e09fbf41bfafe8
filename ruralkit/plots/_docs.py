"""Parameter descriptions shared by the chart functions, written once.

As seaborn's ``DocstringComponents``: a docstring names a shared description
with ``{name}`` on a line of its own, and :func:`document` fills it in at that
line's indentation when the module is imported. A name not in :data:`PARAMS`
fails at import.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])

PARAMS = {
    "dataset": """\
dataset : str, optional
    Name of the bundled dataset whose codebook labels the categories and the
    axes (``"trust_survey"``, ...), in the language of
    :func:`ruralkit.set_language`.""",
    "title": """\
title : str, optional
    Title of the chart.""",
    "xlabel_ylabel": """\
xlabel, ylabel : str, optional
    Labels of the horizontal and the vertical axis (default: the codebook's
    label of the column drawn there; ``""`` for none).""",
    "note_footnote": """\
note : str, optional
    A sentence added to the footnote (e.g. where the data come from).
footnote : bool, default True
    Write the footnote under the chart: what the lines or bars are, the
    sample size (from an ``n`` column) and "Synthetic data" (模拟数据), in the
    current language.""",
    "ax": """\
ax : Axes, optional
    Draw into this Axes; a new figure otherwise.""",
    "returns": """\
Returns
-------
matplotlib.axes.Axes
    The chart, to adjust further or to save with :func:`save`.""",
    "style": """\
Drawn in the kit's style (:data:`STYLE`, with the bundled Chinese font),
applied only while the function draws: other charts keep their settings
(see :func:`use_style`).""",
}

_PLACEHOLDER = re.compile(r"^( *)\{(\w+)\}$", re.MULTILINE)


def document(func: _F) -> _F:
    """Fill the shared parameter descriptions (:data:`PARAMS`) into ``func``'s docstring."""

    def fill(match: re.Match[str]) -> str:
        indent, name = match.groups()
        return "\n".join(indent + line if line else line
                         for line in PARAMS[name].splitlines())

    func.__doc__ = _PLACEHOLDER.sub(fill, func.__doc__ or "")
    return func

