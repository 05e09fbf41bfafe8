"""What the charts say besides their data: footnotes, and which column a bar chart takes as what.

Every estimate chart (:func:`~ruralkit.plots.dot_whisker`,
:func:`~ruralkit.plots.change`, :func:`~ruralkit.plots.likert_bars`) carries
a footnote in the current language: what its lines are (95% confidence
intervals), the sample size (from an ``n`` column: one value or a range) and
that the data are synthetic (模拟数据). :func:`bar_roles` decides which column
of a bar chart holds the categories: a column of years is a category even when
it holds numbers.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.text import Text

from ..i18n import Msg, RuralkitError, get_language, message

__all__ = ["RolesWarning", "add_footnote", "bar_roles", "group_name", "is_yearlike",
           "level_of", "sample_size"]


class RolesWarning(UserWarning):
    """A bar chart could not tell the categories from the values and says which it took."""


def is_yearlike(column: pd.Series, name: Hashable) -> bool:
    """Whether a numeric column holds years (or survey waves): whole numbers, one per row.

    Named ``year``, ``wave`` or ``..._year``, or its values all between 1900
    and 2100.

    Examples
    --------
    >>> import pandas as pd
    >>> is_yearlike(pd.Series([2019, 2020, 2021]), "y"), is_yearlike(pd.Series([556, 604]), "cases")
    (True, False)
    """
    values = pd.to_numeric(column, errors="coerce").dropna().to_numpy(dtype=float)
    if len(values) == 0 or not np.all(np.mod(values, 1) == 0) or len(set(values)) < len(values):
        return False
    text = str(name).lower()
    if text in ("year", "wave") or text.endswith("_year"):
        return True
    return bool(np.all((values >= 1900) & (values <= 2100)))


def _whole_unique(column: pd.Series) -> bool:
    values = pd.to_numeric(column, errors="coerce").dropna().to_numpy(dtype=float)
    return len(values) > 0 and bool(np.all(np.mod(values, 1) == 0)) \
        and len(set(values)) == len(values)


def bar_roles(data: pd.DataFrame, x: str, y: str) -> tuple[str, str, bool]:
    """``(category, value, horizontal)`` of a bar chart of columns ``x`` and ``y``.

    A column of text or categories is the category. When both hold numbers, a
    column of years (:func:`is_yearlike`) is the category, else a column of
    distinct whole numbers next to one of fractions; when nothing tells them
    apart, ``x`` is the category and a :class:`RolesWarning` says so.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"year": [2016, 2017], "cases": [556, 604]})
    >>> bar_roles(t, x="cases", y="year")
    ('year', 'cases', True)
    """
    numeric = {c: pd.api.types.is_numeric_dtype(data[c].dtype)
               and not pd.api.types.is_bool_dtype(data[c].dtype) for c in (x, y)}
    if not numeric[x] and not numeric[y]:
        raise RuralkitError(message("plots.bar_no_numbers", x=x, y=y))
    if numeric[x] != numeric[y]:
        category = y if numeric[x] else x
    else:
        score = {c: 2 if is_yearlike(data[c], c) else int(_whole_unique(data[c])) for c in (x, y)}
        if score[x] != score[y]:
            category = x if score[x] > score[y] else y
        else:
            category = x
            warnings.warn(message("plots.bar_roles_guess", x=x, y=y), RolesWarning,
                          stacklevel=4)
    value = y if category == x else x
    return category, value, category == y


def level_of(data: pd.DataFrame) -> float:
    """The confidence level of a result table's intervals (0.95 unless it says otherwise)."""
    level = getattr(type(data), "level", None)
    if isinstance(level, property):
        return float(data.level)
    return 0.95


def _span(values: pd.Series) -> str | None:
    n = pd.to_numeric(values, errors="coerce").dropna()
    if n.empty:
        return None
    low, high = int(n.min()), int(n.max())
    return f"{low:,}" if low == high else f"{low:,}–{high:,}"


def group_name(value: object) -> str:
    """A group of a comparison as said in a sentence: a year is ``2024`` / ``2024年``."""
    if isinstance(value, int | np.integer) and 1900 <= int(value) <= 2100:
        return message("plots.year_value", year=int(value))
    return str(value)


def sample_size(data: pd.DataFrame, *, per: str = "estimate") -> Msg | None:
    """The footnote's sentence on the sample size, from ``n`` (or ``n_a``, ``n_b``) columns."""
    if "n" in data.columns and (span := _span(data["n"])):
        return Msg("plots.footnote_n_question" if per == "question" else "plots.footnote_n",
                   n=span)
    if {"n_a", "n_b"} <= set(data.columns):
        a, b = _span(data["n_a"]), _span(data["n_b"])
        groups = data.attrs.get("groups")
        if a and b and groups:
            return Msg("plots.footnote_n_groups", a=a, b=b, group_a=group_name(groups[0]),
                       group_b=group_name(groups[1]))
    return None


def add_footnote(ax: Axes, parts: list[Msg | str | None], note: str | None) -> Text:
    """Write the footnote under the chart (below its tick labels, axis label and legend).

    ``parts`` are the kit's sentences (None left out), ``note`` the user's; the
    last sentence is always "Synthetic data." (模拟数据). Drawn as a figure text,
    so that saved and shown figures (``bbox_inches="tight"``) include it.
    """
    sentences = [str(p) for p in parts if p is not None]
    if note:
        sentences.append(str(note))
    sentences.append(message("plots.footnote_synthetic"))
    text = ("" if get_language() == "zh" else " ").join(sentences)
    figure = ax.figure
    box = ax.get_tightbbox()
    inverse = figure.transFigure.inverted()
    (x0, y0), = inverse.transform([(box.x0, box.y0)]) if box is not None else [(0.0, 0.0)]
    return figure.text(max(float(x0), 0.0), float(y0) - 0.02, text, ha="left", va="top",
                       fontsize=8, color="#555555", wrap=True)
