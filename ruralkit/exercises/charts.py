"""What a chart question reads from a chart: :class:`ChartFacts`, taken from a
matplotlib Axes (one use of the :mod:`~ruralkit.exercises.facts` mechanism; the
question itself is :class:`~ruralkit.exercises.engine.PlotProblem`).

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> from ruralkit.exercises.charts import chart_facts
>>> _, ax = plt.subplots()
>>> _ = ax.bar(["a", "b"], [1, 2])
>>> facts = chart_facts(ax)
>>> facts.bars, facts.title
([('a', 1.0), ('b', 2.0)], '')
>>> plt.close("all")
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ruralkit.i18n import Msg

from .facts import Facts, flag, items_of, number, text, whole

__all__ = ["ChartFacts", "ChartPart", "chart_facts"]


class ChartFacts(Facts):
    """What a chart check needs to know about a chart, as plain values.

    Extracted from a matplotlib Axes (or a Figure) by :func:`chart_facts`, in the
    learner's kernel when grading; the checks then run on these facts in the
    grader's own process. ``bars`` holds ``(label, size)`` per bar: the label is
    the category written under the bar (or, on a numeric axis, the bar's position,
    so ``ax.bar(years, counts)`` is labelled by the years).
    """

    kind = "chart"
    _fields = {
        "bars": items_of(lambda b: _bar(b)),
        "n_lines": whole,
        "has_data": flag,
        "title": text(500),
        "xlabel": text(500),
        "ylabel": text(500),
    }

    @classmethod
    def accepts(cls, value: Any) -> bool:
        return isinstance(chart_facts(value), ChartFacts)

    @classmethod
    def read(cls, value: Any) -> Facts:
        facts = chart_facts(value)
        assert facts is not None
        return facts


def _bar(value: Any) -> tuple[str, float]:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise ValueError("a bar is (label, size)")
    return text(200)(value[0]), number(value[1])


class ChartPart(Facts):
    """A piece of a chart handed in instead of the chart (e.g. what ``plt.bar`` returns)."""

    kind = "chart_part"
    _fields = {"part": text(20), "type_name": text(200)}

    def description(self) -> Msg:
        key = {"bars": "exercises.part_bars", "lines": "exercises.part_lines",
               "text": "exercises.part_text"}.get(self.part)
        return Msg(key) if key else Msg("exercises.part_other", kind=self.type_name)


def _round(x: float) -> float:
    return round(float(x), 6)


def _bar_label(axis: Any, centre: float, tick_at: Mapping[float, str]) -> str:
    """The label of a bar: the tick text at its centre, or its position on a numeric axis."""
    try:
        from matplotlib.ticker import ScalarFormatter

        numeric = isinstance(axis.get_major_formatter(), ScalarFormatter)
    except Exception:  # pragma: no cover
        numeric = False
    label = tick_at.get(_round(centre), "")
    if numeric or not label:
        value = _round(centre)
        return str(int(value)) if float(value).is_integer() else f"{value:g}"
    return label


def _axes_facts(ax: Any) -> ChartFacts:
    from matplotlib.container import BarContainer

    bars: list[tuple[str, float]] = []
    for container in ax.containers:
        if not isinstance(container, BarContainer):
            continue
        horizontal = getattr(container, "orientation", "vertical") == "horizontal"
        axis = ax.yaxis if horizontal else ax.xaxis
        ticks = ax.get_yticklabels() if horizontal else ax.get_xticklabels()
        positions = ax.get_yticks() if horizontal else ax.get_xticks()
        tick_at = {_round(p): t.get_text() for p, t in zip(positions, ticks, strict=False)}
        for rect in container:
            if horizontal:
                centre, size = rect.get_y() + rect.get_height() / 2, rect.get_width()
            else:
                centre, size = rect.get_x() + rect.get_width() / 2, rect.get_height()
            bars.append((_bar_label(axis, centre, tick_at), float(size)))
    titles = [ax.get_title(loc) for loc in ("center", "left", "right")]
    suptitle = getattr(ax.figure, "_suptitle", None)
    if suptitle is not None:
        titles.append(suptitle.get_text())
    return ChartFacts(
        bars=bars,
        n_lines=len([line for line in ax.get_lines() if len(line.get_xdata()) > 0]),
        has_data=bool(ax.has_data()),
        title=" ".join(t for t in titles if t).strip(),
        xlabel=ax.get_xlabel(),
        ylabel=ax.get_ylabel(),
    )


def chart_facts(value: Any) -> ChartFacts | ChartPart | None:
    """The facts of the chart ``value`` is, a :class:`ChartPart` if it is a piece of a
    chart (bars, lines, a title), or ``None`` if it has nothing to do with charts."""
    if isinstance(value, ChartFacts | ChartPart):
        return value
    module = type(value).__module__ or ""
    items = list(value) if isinstance(value, list | tuple) and len(value) < 10_000 else None
    looks_like_chart = module.startswith("matplotlib") or (
        items and all((type(v).__module__ or "").startswith("matplotlib") for v in items)
    )
    if not looks_like_chart and not (
        type(value).__name__ == "ndarray" and str(getattr(value, "dtype", "")) == "object"
    ):
        return None
    try:
        import numpy as np
        from matplotlib.artist import Artist
        from matplotlib.axes import Axes
        from matplotlib.container import BarContainer, Container
        from matplotlib.figure import Figure
        from matplotlib.lines import Line2D
        from matplotlib.text import Text
    except ImportError:  # pragma: no cover - matplotlib is a dependency
        return None
    if isinstance(value, Axes):
        return _axes_facts(value)
    if isinstance(value, Figure):
        return _axes_facts(value.axes[0]) if value.axes else ChartFacts(
            bars=[], n_lines=0, has_data=False, title="", xlabel="", ylabel="")
    if isinstance(value, np.ndarray):
        if value.size and isinstance(value.flat[0], Axes):
            return _axes_facts(value.flat[0])
        return None
    if isinstance(value, BarContainer):
        return ChartPart(part="bars", type_name=type(value).__name__)
    if isinstance(value, Text):
        return ChartPart(part="text", type_name=type(value).__name__)
    if isinstance(value, Line2D) or (items and all(isinstance(v, Line2D) for v in items)):
        return ChartPart(part="lines", type_name=type(value).__name__)
    if isinstance(value, Container | Artist) or (
        items and all(isinstance(v, Artist) for v in items)
    ):
        return ChartPart(part="other", type_name=type(value).__name__)
    return None
