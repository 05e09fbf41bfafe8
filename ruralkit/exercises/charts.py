"""Questions whose answer is a chart: :class:`PlotProblem` and the :class:`ChartFacts`
it reads from a matplotlib Axes (one use of the :mod:`~ruralkit.exercises.facts`
mechanism).

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
from typing import Any, ClassVar

import pandas as pd

from ruralkit.i18n import Msg, as_msg

from .compare import describe
from .engine import Incorrect, Problem, Text
from .facts import Facts, flag, items_of, number, text, whole

__all__ = ["ChartFacts", "ChartPart", "chart_facts", "PlotProblem"]


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


class PlotProblem(Problem):
    """A question whose answer is a chart (the Axes a plotting call returns).

    The check looks for the expected kind of chart (``_kind``: ``"bar"`` or
    ``"line"``), the number of bars or lines (``expected_count()``), a title
    (``_require_title``) and axis labels (``_require_xlabel``/``_require_ylabel``).
    ``expected_values()`` gives the bar heights by label: the bars' labels are
    checked against its index (``_check_labels``), and the heights by the hidden
    test ``bar_values``, which subclasses can list in ``_hidden_tests``.

    Every check reads the chart through :class:`ChartFacts`, so the grader can
    check a chart outside the learner's kernel (see :meth:`export`).
    """

    _kind: ClassVar[str] = "bar"
    _require_title: ClassVar[bool] = True
    _require_xlabel: ClassVar[bool] = False
    _require_ylabel: ClassVar[bool] = False
    _what: ClassVar[Text] = ""
    _rtol: ClassVar[float] = 1e-6
    _check_labels: ClassVar[bool] = True

    def expected_count(self) -> int | None:
        """The number of bars or lines the chart should have (``None``: not checked)."""
        return None

    def expected_values(self) -> pd.Series | None:
        """The heights the bars should have, labelled by category."""
        return None

    def export(self, value: Any) -> Any:
        facts = chart_facts(value)
        return value if facts is None else facts

    # -- reading a chart
    def facts_of(self, value: Any) -> ChartFacts:
        """The :class:`ChartFacts` of ``value``, or :class:`Incorrect` with a reason."""
        name = self.name
        if value is None:
            raise Incorrect(Msg("exercises.plot_none", name=name))
        facts = chart_facts(value)
        if isinstance(facts, ChartPart):
            raise Incorrect(Msg("exercises.plot_part", name=name, found=facts.description()))
        if facts is None:
            raise Incorrect(Msg("exercises.plot_type", name=name, found=describe(value)))
        return facts

    # -- checking
    def check(self, *values: Any) -> None:
        facts = self.facts_of(values[0])
        self._check_count(facts)
        if self._kind == "bar" and self._check_labels:
            self._check_bar_labels(facts)
        name = self.name
        if self._require_title and not facts.title.strip():
            raise Incorrect(Msg("exercises.plot_title", name=name))
        if self._require_xlabel and not facts.xlabel.strip():
            raise Incorrect(Msg("exercises.plot_label", name=name, axis="x"))
        if self._require_ylabel and not facts.ylabel.strip():
            raise Incorrect(Msg("exercises.plot_label", name=name, axis="y"))
        self.check_more(facts)

    def _check_count(self, facts: ChartFacts) -> None:
        name = self.name
        if self._kind == "bar":
            count = len(facts.bars)
            unit, kind = Msg("exercises.unit_bars"), Msg("exercises.kind_bar")
        else:
            count = facts.n_lines
            unit, kind = Msg("exercises.unit_lines"), Msg("exercises.kind_line")
        if count == 0:
            if not facts.has_data:
                raise Incorrect(Msg("exercises.plot_empty", name=name))
            raise Incorrect(Msg("exercises.plot_kind", name=name, expected=kind, unit=unit))
        expected = self.expected_count()
        if expected is not None and count != expected:
            raise Incorrect(
                Msg("exercises.plot_count", name=name, found=count, expected=expected, unit=unit,
                    what=as_msg(self._what))
            )

    def check_more(self, facts: ChartFacts) -> None:
        """Further checks of a chart that passed the basic ones (override if needed)."""

    @staticmethod
    def _norm_tick(label: Any) -> str:
        text = str(label).strip().replace("\u2212", "-")
        try:
            number = float(text)
        except ValueError:
            return text
        return str(int(number)) if number.is_integer() else text

    def _check_bar_labels(self, facts: ChartFacts) -> None:
        expected = self.expected_values()
        if expected is None:
            return
        found = [self._norm_tick(label) for label, _ in facts.bars]
        if not any(found):
            return  # unlabelled bars: nothing to compare
        wanted = [self._norm_tick(label) for label in expected.index]
        if sorted(found) != sorted(wanted):
            raise Incorrect(
                Msg(
                    "exercises.plot_bar_labels", name=self.name,
                    found=", ".join(found[:4]) + (", …" if len(found) > 4 else ""),
                    expected=", ".join(wanted[:4]) + (", …" if len(wanted) > 4 else ""),
                    what=as_msg(self._what),
                )
            )

    def bar_values(self, value: Any) -> None:
        """Hidden test: the bars show ``expected_values()`` (order and labels free)."""
        import math

        expected = self.expected_values()
        if expected is None:
            return
        facts = self.facts_of(value)
        found = sorted(size for _, size in facts.bars)
        wanted = sorted(float(v) for v in expected)
        same = len(found) == len(wanted) and all(
            math.isclose(a, b, rel_tol=self._rtol, abs_tol=1e-9)
            for a, b in zip(found, wanted, strict=True)
        )
        if not same:
            raise Incorrect(Msg("exercises.plot_heights", name=self.name))
