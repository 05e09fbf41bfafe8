"""Declarative exercise questions and the outcomes of checking them.

A question is a :class:`Problem`: which variable(s) hold the answer, how to compute
the expected answer *from the data the learner loaded* (``expected``), hints,
recognisable mistakes and hidden tests. Sets write their questions as content
(``content/setNN.toml``) plus a few registered functions (:mod:`.registry`);
:mod:`.content` turns those into the classes below. Checking raises an outcome
(:class:`NotAttempted`, :class:`Incorrect`, :class:`Uncheckable`) or returns
quietly when the answer is right; :mod:`ruralkit.exercises.views` turns outcomes
into messages. Checkers never print.

What the engine does for every value question (:class:`ValueProblem`):

* **several variables** (``_vars``): the answer is the tuple of their values, each
  compared with its part of ``expected()``, the first difference reported;
* **a cache per data variant** (:meth:`Problem.cached`): ``expected()`` and any
  costly fit are computed once per data variant;
* **answers that are objects** (``_facts``, a :class:`~.facts.Facts` subclass):
  the object is read into facts, a wrong kind of object is caught by a **type
  check before comparing** (``stage="type"`` mistakes, then "should be
  ``_expects``"), and the facts are compared with the expected object's;
* **mistakes** (:class:`Mistake`) tried in order when the answer is wrong. An
  error inside a mistake's function is a bug of the set: it is not swallowed, so
  the view reports "the checker ran into a problem" and the set's self-tests fail.

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

from .charts import ChartFacts, ChartPart, chart_facts
from .compare import compare, describe
from .facts import Facts, Unreadable
from .mode import refuse_if_locked
from .placeholder import PLACEHOLDER, is_placeholder

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
    "ThoughtExperiment",
    "PlotProblem",
    "ChartFacts",
    "chart_facts",
    "DataSource",
    "load_dataset",
    "with_fields",
]

Text = Msg | Mapping[str, str] | str


# --------------------------------------------------------------------------- outcomes
class Outcome(Exception):  # outcomes, not errors
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


def current_variant() -> Any:
    """The data variant in use (``None``: the bundled county)."""
    from ruralkit import datasets

    return datasets.get_variant()


class _CachedLoader:
    """Load each table once per variant (checkers call ``data()`` repeatedly)."""

    def __init__(self, loader: DataSource) -> None:
        self._loader = loader
        self._cache: dict[tuple[str, Any], pd.DataFrame] = {}
        self._lock = threading.Lock()

    def __call__(self, name: str) -> pd.DataFrame:
        key = (name, current_variant())
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
def with_fields(message: Text, **fields: Any) -> Msg:
    """``message`` (a content text or a catalogue :class:`Msg`) with ``fields`` filled in."""
    if isinstance(message, Msg):
        if message.key is not None:
            return Msg(message.key, **{**message.fields, **fields})
        return Msg.from_texts(message.texts, **{**message.fields, **fields})
    return Msg.from_texts(message, **fields)


@dataclass(frozen=True)
class Mistake:
    """A recognisable wrong answer and the message that explains it.

    Parameters
    ----------
    message : dict or Msg
        What to tell the learner, ``{"en": ..., "zh": ...}``; ``{name}`` is the
        answer variable, other ``{fields}`` come from ``test``.
    value : callable, optional
        ``f(problem)``: the wrong answer this mistake produces. The learner's
        answer is compared with it like with the expected answer.
    test : callable, optional
        Instead of ``value``: ``f(problem, answer)``, true when the answer shows this
        mistake; a dict it returns gives the message's fields.
    stage : {"value", "type"}
        ``"type"``: tried before comparing, on an answer that is not the kind of
        object the question asks for (questions with ``_facts``).
    """

    message: Text
    value: Callable[[Any], Any] | None = None
    test: Callable[[Any, Any], Any] | None = None
    stage: str = "value"

    def __post_init__(self) -> None:
        if (self.value is None) == (self.test is None):
            raise TypeError("a Mistake needs exactly one of value= or test=")
        if not callable(self.value or self.test):
            raise TypeError("a Mistake's value= or test= must be a function")

    def explain(self, problem: ValueProblem, answer: Any) -> Msg | None:
        """The message if ``answer`` shows this mistake, else ``None``.

        Errors inside ``value``/``test`` are not caught: they are bugs of the set.
        """
        if self.test is not None:
            verdict = self.test(problem, answer)
            if not verdict:
                return None
            fields = dict(verdict) if isinstance(verdict, Mapping) else {}
        else:
            wrong = self.value(problem)  # type: ignore[misc]
            if problem._compare(answer, wrong, percent_check=False) is not None:
                return None
            fields = {}
        return with_fields(self.message, name=problem.name, **fields)

    def matches(self, problem: ValueProblem, answer: Any) -> bool:
        return self.explain(problem, answer) is not None


@dataclass(frozen=True)
class HiddenTest:
    """A further test that only the grader runs.

    Parameters
    ----------
    method : str
        Name of a method of the problem, called with the learner's value(s); it
        raises :class:`Incorrect` (or ``AssertionError``) when the test fails. A
        set whose hidden test names no method fails at import.
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
    _solution : str or dict or callable
        Solution code shown by ``q.solution()`` (a callable is asked when needed:
        sets read it from the master notebook).
    _hidden_tests : sequence of HiddenTest
        Tests only the grader runs.
    """

    _var: ClassVar[str | None] = None
    _vars: ClassVar[tuple[str, ...]] = ()
    _points: ClassVar[float] = 1.0
    _title: ClassVar[Text] = ""
    _hints: ClassVar[Sequence[Text]] = ()
    _solution: ClassVar[Text | Callable[[], str]] = ""
    _hidden_tests: ClassVar[Sequence[HiddenTest]] = ()

    def __init__(self, data: DataSource | Mapping[str, pd.DataFrame] | None = None) -> None:
        self._source = make_source(data)
        self._cache: dict[Any, tuple[Any, Any]] = {}

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
        """The bundled table ``name``, as the learner's loader returns it (refused in an
        assessment process: every expected answer, mistake and hidden test starts here)."""
        refuse_if_locked("expected")
        return self._source(name)

    def cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        """``compute()``, remembered until the learner's data variant changes."""
        refuse_if_locked("expected")
        token = current_variant()
        hit = self._cache.get(key)
        if hit is None or hit[0] != token:
            hit = self._cache[key] = (token, compute())
        return hit[1]

    @property
    def title(self) -> Msg:
        return as_msg(self._title)

    @property
    def hints(self) -> list[Msg]:
        refuse_if_locked("hints")
        return [as_msg(h) for h in self._hints]

    @property
    def solution(self) -> str:
        refuse_if_locked("solution")
        text = type(self)._solution
        if callable(text) and not isinstance(text, Msg):
            text = text()
        return as_msg(text).render().strip("\n")

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
        facts their check needs, as a :class:`~ruralkit.exercises.facts.Facts`;
        ``check`` must accept those facts as well as the object itself.
        """
        return value

    @classmethod
    def missing_hidden_tests(cls) -> list[str]:
        """Names of hidden tests that have no method (a set with any fails at import)."""
        return [t.method for t in cls._hidden_tests if not callable(getattr(cls, t.method, None))]

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
    """A question whose answer is a value: a number, text, list, Series, table, or an
    object read through ``_facts``.

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
        what the labels are, e.g. ``{"en": "township", "zh": "乡镇"}``,
    ``_facts``, ``_expects``, ``_unreadable``
        for an answer that is an object: the :class:`~.facts.Facts` that read it,
        what it should be ("a survey design") and what to say when it cannot be
        read (fields ``{name}``, ``{error}``).
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
    _facts: ClassVar[type[Facts] | None] = None
    _expects: ClassVar[Text | None] = None
    _unreadable: ClassVar[Text | None] = None

    def expected(self) -> Any:
        """The right answer, computed from ``self.data(...)``."""
        raise NotImplementedError

    def expected_value(self) -> Any:
        """``expected()``, computed once per data variant."""
        return self.cached("expected", self.expected)

    def export(self, value: Any) -> Any:
        if self._facts is not None and self._facts.accepts(value):
            return self._facts.take(value)
        return value

    def _compare_one(self, value: Any, expected: Any, name: str, percent_check: bool) -> Msg | None:
        if isinstance(expected, Facts):
            if isinstance(value, type(expected)) and value.same_as(expected):
                return None
            return Msg("exercises.facts_differ", name=name)
        return compare(
            value,
            expected,
            name=name,
            rtol=self._rtol,
            atol=self._atol,
            ordered=self._ordered,
            key=self._key,
            extra_columns=self._extra_columns,
            case=self._case,
            percent_check=percent_check,
            what=as_msg(self._what).render() if self._what else None,
        )

    def _compare(
        self, value: Any, expected: Any, *, percent_check: bool | None = None
    ) -> Msg | None:
        percent = self._percent_check if percent_check is None else percent_check
        names = self.var_names
        if len(names) <= 1:
            return self._compare_one(value, expected, self.name, percent)
        problems = (
            self._compare_one(v, want, name, percent)
            for v, want, name in zip(value, expected, names, strict=True)
        )
        return next((p for p in problems if p is not None), None)

    def _as_facts(self, value: Any) -> Any:
        """The type check of an object answer: its facts, or :class:`Incorrect`."""
        facts = self._facts
        assert facts is not None
        if facts.accepts(value):
            value = facts.take(value)
        if isinstance(value, Unreadable):
            raise Incorrect(with_fields(self._unreadable or str(value.error), name=self.name,
                                        error=value.error))
        if isinstance(value, facts):
            return value
        self._raise_mistake(value, stage="type")
        raise Incorrect(Msg("exercises.wrong_type", name=self.name,
                            expected=as_msg(self._expects), found=describe(value)))

    def _raise_mistake(self, value: Any, *, stage: str) -> None:
        for mistake in self._mistakes:
            if mistake.stage == stage:
                message = mistake.explain(self, value)
                if message is not None:
                    raise Incorrect(message)

    def check(self, *values: Any) -> None:
        value = values[0] if len(values) == 1 else tuple(values)
        if self._facts is not None:
            value = self._as_facts(value)
        problem = self._compare(value, self.expected_value())
        if problem is None:
            self.check_more(value)
            return
        self._raise_mistake(value, stage="value")
        raise Incorrect(problem)

    def check_more(self, value: Any) -> None:
        """Further checks of an answer whose value is right (override if needed)."""


class ThoughtExperiment(Problem):
    """A question to think about: nothing is checked, ``solution()`` shows an answer."""

    _points: ClassVar[float] = 0.0

    def check(self, *values: Any) -> None:
        raise Uncheckable()  # the view explains, naming the question


# --------------------------------------------------------------------------- charts
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
    _mistakes: ClassVar[Sequence[Mistake]] = ()

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
        try:
            self._check_count(facts)
            if self._kind == "bar" and self._check_labels:
                self._check_bar_labels(facts)
        except Incorrect:
            self._raise_mistake(facts)  # e.g. value and category swapped: say what happened
            raise
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

    def _raise_mistake(self, facts: ChartFacts) -> None:
        """The first of ``_mistakes`` (tests ``f(q, facts)``) the chart shows, as Incorrect."""
        for mistake in self._mistakes:
            if mistake.test is None:
                continue
            verdict = mistake.test(self, facts)
            if verdict:
                fields = dict(verdict) if isinstance(verdict, Mapping) else {}
                raise Incorrect(with_fields(mistake.message, name=self.name, **fields))

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
