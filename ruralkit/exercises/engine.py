"""Declarative exercise questions and the outcomes of checking them.

A question is a small class: which variable holds the answer (``_var``), how to
compute the expected answer *from the data the learner loaded* (``expected``),
the hints and the solution. Checking raises an outcome (:class:`NotAttempted`,
:class:`Incorrect`, :class:`Uncheckable`) or returns quietly when the answer is
right; :mod:`ruralkit.exercises.views` turns outcomes into messages. Checkers never
print.

Examples
--------
>>> import pandas as pd
>>> from ruralkit.exercises.engine import ValueProblem, Incorrect
>>> class CountVillages(ValueProblem):
...     _var = "n_villages"
...     _hints = ["`len(villages)` counts the rows of a table."]
...     _solution = "n_villages = len(villages)"
...     def expected(self):
...         return len(self.data("villages"))
>>> q = CountVillages(data={"villages": pd.DataFrame({"village_id": ["V1", "V2"]})})
>>> q.check(2)
>>> try:
...     q.check(3)
... except Incorrect as outcome:
...     print(outcome.message.render("en"))
`n_villages` is 3, but that is not the expected value.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from ruralkit.i18n import Msg, as_msg

from .answers import Facts, flag, items_of, number, text, whole
from .compare import compare, describe

__all__ = [
    "PLACEHOLDER",
    "is_placeholder",
    "Outcome",
    "NotAttempted",
    "Incorrect",
    "Uncheckable",
    "Mistake",
    "HiddenTest",
    "Problem",
    "ValueProblem",
    "PlotProblem",
    "ChartFacts",
    "ChartPart",
    "chart_facts",
    "ThoughtExperiment",
    "DataSource",
    "load_dataset",
]

Text = Msg | Mapping[str, str] | str


# --------------------------------------------------------------------------- placeholder
class _Placeholder:
    """The ``____`` a learner replaces with an answer."""

    _instance: ClassVar[_Placeholder | None] = None
    _ruralkit_placeholder: ClassVar[bool] = True

    def __new__(cls) -> _Placeholder:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "____"

    def __reduce__(self) -> str:
        return "PLACEHOLDER"


PLACEHOLDER = _Placeholder()


def is_placeholder(value: object) -> bool:
    """True for ``____``, also one made by an earlier import of ruralkit (the grader
    re-imports the package inside the learner's kernel)."""
    return value is PLACEHOLDER or (
        type(value).__name__ == "_Placeholder"
        and getattr(type(value), "_ruralkit_placeholder", False) is True
    )


# --------------------------------------------------------------------------- outcomes
class Outcome(Exception):  # noqa: N818 - outcomes, not errors
    """Base class of check outcomes; ``message`` is a :class:`Msg` or ``None``."""

    status: ClassVar[str] = "outcome"

    def __init__(self, message: Text | None = None) -> None:
        self.message = as_msg(message) if message is not None else None
        super().__init__(self.message.render("en") if self.message else self.status)


class NotAttempted(Outcome):
    """The answer is still the ``____`` placeholder."""

    status = "not_attempted"


class Incorrect(Outcome):
    """The answer is wrong; the message says why, as specifically as possible."""

    status = "incorrect"


class Uncheckable(Outcome):
    """The question has nothing to check automatically (a thought experiment)."""

    status = "uncheckable"


# --------------------------------------------------------------------------- data
DataSource = Callable[[str], pd.DataFrame]


def load_dataset(name: str) -> pd.DataFrame:
    """Load bundled table ``name`` in the currently selected variant.

    This is what checkers use by default, so the expected answer is computed from
    the same data the learner's ``rk.load_<name>()`` returns, including a per-student
    variant chosen with ``rk.set_variant(seed)``.
    """
    from ruralkit import datasets

    loader = getattr(datasets, f"load_{name}")
    return loader()


def _current_variant() -> Any:
    try:
        from ruralkit import datasets

        getter = getattr(datasets, "get_variant", None)
        return getter() if getter else None
    except Exception:  # pragma: no cover - before the loaders exist
        return None


class _CachedLoader:
    """Load each table once per variant (checkers call ``data()`` repeatedly)."""

    def __init__(self, loader: DataSource) -> None:
        self._loader = loader
        self._cache: dict[tuple[str, Any], pd.DataFrame] = {}
        self._lock = threading.Lock()

    def __call__(self, name: str) -> pd.DataFrame:
        key = (name, _current_variant())
        with self._lock:
            if key not in self._cache:
                self._cache[key] = self._loader(name)
            return self._cache[key]


_default_source = _CachedLoader(load_dataset)


def make_source(data: DataSource | Mapping[str, pd.DataFrame] | None) -> DataSource:
    """A data source from a callable, a ``{name: DataFrame}`` mapping, or ``None``."""
    if data is None:
        return _default_source
    if isinstance(data, Mapping):
        tables = dict(data)

        def from_mapping(name: str) -> pd.DataFrame:
            return tables[name]

        return from_mapping
    return data


# --------------------------------------------------------------------------- helpers
@dataclass(frozen=True)
class Mistake:
    """A recognisable wrong answer and the message that explains it.

    Parameters
    ----------
    message : dict or Msg
        What to tell the learner, ``{"en": ..., "zh": ...}``.
    value : str or callable, optional
        The wrong answer this mistake produces: the name of a method of the
        problem, or a function ``f(problem)``. The learner's answer is compared
        with it like with the expected answer.
    test : callable, optional
        Instead of ``value``: ``f(problem, answer) -> bool``, true when the answer
        shows this mistake.
    """

    message: Text
    value: str | Callable[[Any], Any] | None = None
    test: Callable[[Any, Any], bool] | None = None

    def matches(self, problem: ValueProblem, answer: Any) -> bool:
        try:
            if self.test is not None:
                return bool(self.test(problem, answer))
            wrong = getattr(problem, self.value)() if isinstance(self.value, str) else (
                self.value(problem)  # type: ignore[misc]
            )
            return problem._compare(answer, wrong, percent_check=False) is None
        except Exception:
            return False


@dataclass(frozen=True)
class HiddenTest:
    """A further test that only the grader runs.

    Parameters
    ----------
    method : str
        Name of a method of the problem, called with the learner's value(s); it
        raises :class:`Incorrect` (or ``AssertionError``) when the test fails.
    description : dict
        What it tests, shown in the learner's feedback when it fails.
    points : float
        Points for passing it (on top of the question's own points).
    """

    method: str
    description: Text
    points: float = 1.0


# --------------------------------------------------------------------------- problems
class Problem:
    """Base class of all questions.

    Class attributes
    ----------------
    _var : str
        Name of the variable holding the answer (``_vars`` for several).
    _points : float
        Points for a correct answer when graded.
    _title : dict
        A short statement of the question, used in feedback files.
    _hints : sequence of dict or str
        Hints shown one at a time by ``q.hint()``.
    _solution : str or dict
        Solution code shown by ``q.solution()``.
    _hidden_tests : sequence of HiddenTest
        Tests only the grader runs.
    """

    _var: ClassVar[str | None] = None
    _vars: ClassVar[tuple[str, ...]] = ()
    _points: ClassVar[float] = 1.0
    _title: ClassVar[Text] = ""
    _hints: ClassVar[Sequence[Text]] = ()
    _solution: ClassVar[Text] = ""
    _hidden_tests: ClassVar[Sequence[HiddenTest]] = ()

    def __init__(self, data: DataSource | Mapping[str, pd.DataFrame] | None = None) -> None:
        self._source = make_source(data)

    @property
    def var_names(self) -> tuple[str, ...]:
        """The names of the answer variables, in the order ``check`` takes them."""
        if self._vars:
            return tuple(self._vars)
        return (self._var,) if self._var else ()

    @property
    def name(self) -> str:
        return self.var_names[0] if self.var_names else "answer"

    def data(self, name: str) -> pd.DataFrame:
        """The bundled table ``name``, as the learner's loader returns it."""
        return self._source(name)

    @property
    def title(self) -> Msg:
        return as_msg(self._title)

    @property
    def hints(self) -> list[Msg]:
        return [as_msg(h) for h in self._hints]

    @property
    def solution(self) -> str:
        return as_msg(self._solution).render().strip("\n")

    @property
    def max_points(self) -> float:
        return float(self._points) + sum(float(t.points) for t in self._hidden_tests)

    def check(self, *values: Any) -> None:
        """Raise an :class:`Outcome` unless ``values`` answer the question."""
        raise NotImplementedError

    def export(self, value: Any) -> Any:
        """What the grader takes out of the learner's kernel for one answer variable.

        Default: the value itself (plain data is copied out as it is). Questions
        whose answer is a richer object (a chart, a survey design) return the
        facts their check needs, as a :class:`~ruralkit.exercises.answers.Facts`;
        ``check`` must accept those facts as well as the object itself.
        """
        return value

    def run_hidden_tests(self, *values: Any) -> list[dict[str, Any]]:
        """Run the hidden tests; one dict per test with ``passed`` and ``points``."""
        results = []
        for test in self._hidden_tests:
            passed, error = True, None
            try:
                getattr(self, test.method)(*values)
            except (Incorrect, AssertionError) as failure:
                passed = False
                error = str(getattr(failure, "message", None) or failure)
            except Exception as exc:  # a broken answer breaks the test, not the grader
                passed, error = False, f"{type(exc).__name__}: {exc}"
            results.append(
                {
                    "test": test.method,
                    "description": as_msg(test.description).render(),
                    "passed": passed,
                    "points": float(test.points) if passed else 0.0,
                    "max_points": float(test.points),
                    "error": error,
                }
            )
        return results


class ValueProblem(Problem):
    """A question whose answer is a value: a number, text, list, Series or table.

    Subclasses define ``expected()`` and may list ``_mistakes``, recognisable wrong
    answers with a specific message. Tolerances and matching options:

    ``_rtol``, ``_atol``
        for numbers (defaults 1e-6 and 1e-9),
    ``_ordered``
        whether the order of rows/labels matters (default no),
    ``_key``
        for tables, the column(s) identifying a row (so a reset index is fine),
    ``_extra_columns``
        accept columns beyond the expected ones,
    ``_what``
        what the labels are, e.g. ``{"en": "township", "zh": "乡镇"}``.
    """

    _rtol: ClassVar[float] = 1e-6
    _atol: ClassVar[float] = 1e-9
    _ordered: ClassVar[bool] = False
    _key: ClassVar[str | Sequence[str] | None] = None
    _extra_columns: ClassVar[bool] = False
    _case: ClassVar[bool] = False
    _percent_check: ClassVar[bool] = True
    _what: ClassVar[Text | None] = None
    _mistakes: ClassVar[Sequence[Mistake]] = ()

    def expected(self) -> Any:
        """The right answer, computed from ``self.data(...)``."""
        raise NotImplementedError

    def _compare(
        self, value: Any, expected: Any, *, percent_check: bool | None = None
    ) -> Msg | None:
        return compare(
            value,
            expected,
            name=self.name,
            rtol=self._rtol,
            atol=self._atol,
            ordered=self._ordered,
            key=self._key,
            extra_columns=self._extra_columns,
            case=self._case,
            percent_check=self._percent_check if percent_check is None else percent_check,
            what=as_msg(self._what).render() if self._what else None,
        )

    def check(self, *values: Any) -> None:
        value = values[0] if len(values) == 1 else values
        problem = self._compare(value, self.expected())
        if problem is None:
            self.check_more(value)
            return
        for mistake in self._mistakes:
            if mistake.matches(self, value):
                raise Incorrect(mistake.message)
        raise Incorrect(problem)

    def check_more(self, value: Any) -> None:
        """Further checks of an answer whose value is right (override if needed)."""


class ThoughtExperiment(Problem):
    """A question to think about: nothing is checked, ``solution()`` shows an answer."""

    _points: ClassVar[float] = 0.0

    def check(self, *values: Any) -> None:
        raise Uncheckable()  # the view explains, naming the question


# --------------------------------------------------------------------------- charts
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
        name = self.name
        what = as_msg(self._what)
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
                    what=what)
            )
        if self._kind == "bar" and self._check_labels:
            self._check_bar_labels(facts)
        if self._require_title and not facts.title.strip():
            raise Incorrect(Msg("exercises.plot_title", name=name))
        if self._require_xlabel and not facts.xlabel.strip():
            raise Incorrect(Msg("exercises.plot_label", name=name, axis="x"))
        if self._require_ylabel and not facts.ylabel.strip():
            raise Incorrect(Msg("exercises.plot_label", name=name, axis="y"))
        self.check_more(facts)

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
