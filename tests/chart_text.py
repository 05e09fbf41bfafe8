"""The text a reader sees on a chart, for checking that a Chinese chart is wholly Chinese.

:func:`chart_words` collects the text of every artist of a figure (titles, axis
labels, tick labels, legend texts and titles, annotations and other texts,
figure texts and suptitles); :func:`latin_words` returns the Latin words among
them that are not technical tokens the glossary allows (deff, PSU, n, p, R, CI).
Used by ``tests/test_zh_chart_text.py`` for the kit's charts, and reusable for
the charts of the notebooks (pass the figures a notebook made).
"""

from __future__ import annotations

import re

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text

#: Latin tokens allowed in a Chinese chart: technical abbreviations the glossary keeps.
ALLOWED = frozenset({"deff", "PSU", "PSUs", "n", "p", "R", "CI", "t", "z", "fpc"})

_WORD = re.compile(r"[A-Za-z]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?[eE][+\-\u2212]?\d+")  # 1e6: a number, not a word


def _texts(figure: Figure) -> list[Text]:
    texts: list[Text] = list(figure.texts)
    for name in ("_suptitle", "_supxlabel", "_supylabel"):
        if getattr(figure, name, None) is not None:
            texts.append(getattr(figure, name))
    for legend in figure.legends:
        texts += [*legend.get_texts(), legend.get_title()]
    for ax in figure.axes:
        texts += [ax.title, getattr(ax, "_left_title", None), getattr(ax, "_right_title", None),
                  ax.xaxis.label, ax.yaxis.label,
                  ax.xaxis.get_offset_text(), ax.yaxis.get_offset_text(),
                  *ax.get_xticklabels(), *ax.get_yticklabels(),
                  *ax.get_xticklabels(minor=True), *ax.get_yticklabels(minor=True),
                  *ax.texts]
        legend = ax.get_legend()
        if legend is not None:
            texts += [*legend.get_texts(), legend.get_title()]
    return [t for t in texts if t is not None]


def chart_words(chart: Figure | Axes) -> list[str]:
    """The text of every artist of the chart's figure, non-empty, in drawing order.

    The figure is drawn first, so tick labels hold the text their formatter gives.
    """
    figure = chart if isinstance(chart, Figure) else chart.figure
    figure.canvas.draw()
    return [t.get_text() for t in _texts(figure) if t.get_visible() and t.get_text().strip()]


def latin_words(chart: Figure | Axes, allow: frozenset[str] = ALLOWED) -> list[str]:
    """The Latin words on the chart not in ``allow`` (an empty list for a Chinese chart)."""
    found = []
    for text in chart_words(chart):
        for word in _WORD.findall(_NUMBER.sub(" ", text)):
            if word not in allow:
                found.append(word)
    return found
