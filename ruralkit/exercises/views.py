"""What the learner touches: ``q1.check()``, ``q1.hint()``, ``q1.solution()``.

A :class:`ProblemView` ties a question to the notebook's variables. It catches
every outcome and every learner mistake (an undefined or misspelt variable, a
wrong type, even an error inside a checker) and shows a short message instead of
a traceback. Messages are rich text (:class:`RichText`): Markdown in Jupyter,
plain text in a console, in the language chosen with ``ruralkit.set_language``.

Examples
--------
>>> import pandas as pd
>>> from ruralkit.exercises.engine import ValueProblem
>>> from ruralkit.exercises.views import ProblemView
>>> class Count(ValueProblem):
...     _var = "n"
...     def expected(self):
...         return 2
>>> ns = {"n": 3}
>>> q1 = ProblemView(Count(), label="q1", number=1, namespace=ns)
>>> print(repr(q1.result()))
Question 1 — Not yet ✗
`n` is 3, but that is not the expected value.
>>> ns["n"] = 2
>>> q1.result().passed
True
"""

from __future__ import annotations

import difflib
import html
import sys
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from ruralkit.i18n import Msg, RuralkitError

from .engine import NotAttempted, Outcome, Problem, ThoughtExperiment
from .mode import AssessmentError
from .names import data_names
from .placeholder import is_placeholder
from .selftest import run as run_self_test

__all__ = ["RichText", "CheckResult", "ProblemView", "show"]

_COLOURS = {
    "correct": "#1b7f3b",
    "incorrect": "#b3261e",
    "not_attempted": "#6b6b6b",
    "uncheckable": "#1f5fa8",
    "error": "#8a5a00",
}
_HEADINGS = {
    "correct": "exercises.correct",
    "incorrect": "exercises.incorrect",
    "not_attempted": "exercises.not_attempted",
    "uncheckable": "exercises.uncheckable",
    "error": "exercises.engine_error",
}


class RichText:
    """Text shown as Markdown in Jupyter and as plain text in a console.

    Parameters
    ----------
    heading : str
        Bold first line (may be empty).
    body : str
        Markdown body.
    colour : str, optional
        CSS colour of the heading in Jupyter.
    """

    def __init__(self, heading: str, body: str = "", colour: str | None = None) -> None:
        self.heading = heading
        self.body = body
        self.colour = colour

    def _repr_markdown_(self) -> str:
        heading = f"**{html.escape(self.heading, quote=False)}**" if self.heading else ""
        if heading and self.colour:
            heading = f'<span style="color:{self.colour}">{heading}</span>'
        return "\n\n".join(part for part in (heading, self.body) if part)

    def __repr__(self) -> str:
        return "\n".join(part for part in (self.heading, self.body) if part)

    __str__ = __repr__


def show(obj: Any) -> None:
    """Display ``obj`` in Jupyter/IPython, or print it in a plain console."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        shell = None
    if shell is not None:
        from IPython.display import display

        display(obj)
    else:
        print(repr(obj))


@dataclass
class CheckResult:
    """The outcome of checking one question, ready to show or to grade.

    Attributes
    ----------
    status : {"correct", "incorrect", "not_attempted", "uncheckable", "error"}
    label : str
        ``"q1"``, ``"q2"``, ...
    number : int
        The question number.
    message : Msg or None
        What to tell the learner.
    """

    status: str
    label: str
    number: int
    message: Msg | None = None

    @property
    def passed(self) -> bool:
        return self.status == "correct"

    def heading(self, language: str | None = None) -> str:
        question = Msg("exercises.question", n=self.number).render(language)
        return f"{question} — {Msg(_HEADINGS[self.status]).render(language)}"

    def text(self, language: str | None = None) -> str:
        """The message body in ``language`` (default: the current language)."""
        return self.message.render(language) if self.message else ""

    def rich(self) -> RichText:
        return RichText(self.heading(), self.text(), _COLOURS[self.status])

    def _repr_markdown_(self) -> str:
        return self.rich()._repr_markdown_()

    def __repr__(self) -> str:
        return repr(self.rich())


class _Action:
    """A view's ``check``/``hint``/``solution``: callable, and helpful if shown uncalled."""

    def __init__(
        self, func: Callable[..., Any], label: str, name: str, doc: str, text: Msg | None = None
    ) -> None:
        self._func = func
        self._label = label
        self._name = name
        self._text = text
        self.__doc__ = doc

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._func(*args, **kwargs)

    def __repr__(self) -> str:
        if self._text is not None:
            return self._text.render()
        return Msg("exercises.call_with_brackets", call=f"{self._label}.{self._name}()").render()

    def _repr_markdown_(self) -> str:
        return repr(self)


class ProblemView:
    """A question bound to a notebook's variables: ``check``, ``hint``, ``solution``.

    Parameters
    ----------
    problem : Problem
        The question.
    label : str
        The name it has in the notebook, e.g. ``"q1"``.
    number : int
        The question number shown in messages.
    namespace : mutable mapping, optional
        Where the learner's variables live (the notebook's ``globals()``);
        default: the ``__main__`` module, which is the notebook in Jupyter.
    missing : mapping, optional
        Why some variables are missing, when the caller knows (the grader: "the
        cell that sets it stopped with an error"), as ``{name: Msg}``.
    names : iterable of str, optional
        The learner's data variables to suggest for a misspelt name, when they are
        not in ``namespace`` itself (the grader's copy of the answers).
    """

    def __init__(
        self,
        problem: Problem,
        *,
        label: str,
        number: int,
        namespace: MutableMapping[str, Any] | None = None,
        missing: Mapping[str, Msg] | None = None,
        names: Iterable[str] | None = None,
    ) -> None:
        self.problem = problem
        self.label = label
        self.number = number
        self._namespace = namespace
        self._missing = dict(missing or {})
        self._names = list(names or [])
        self._hints_shown = 0
        self.check = _Action(self._check, label, "check", "Check your answer and show the result.")
        self.hint = _Action(self._hint, label, "hint", "Show the next hint.")
        self.solution = _Action(self._solution, label, "solution", "Show the solution code.")
        if hasattr(problem, "options_text"):  # a multiple choice: q9.options() lists them
            self.options = _Action(
                lambda: show(RichText("", problem.options_text().render())), label, "options",
                "Show the options and their letters.")

    # -- where the answers are
    @property
    def namespace(self) -> MutableMapping[str, Any]:
        if self._namespace is not None:
            return self._namespace
        return vars(sys.modules["__main__"])

    def _lookup(self) -> tuple[Any, ...]:
        ns = self.namespace
        values = []
        for name in self.problem.var_names:
            if name not in ns:
                if name in self._missing:
                    raise _LearnerMistake(self._missing[name])
                # suggest only the learner's own data: never an imported module,
                # class or function (``Design`` for ``design``), nor q1, q2, ...
                candidates = [n for n in [*data_names(ns), *self._names] if n != name]
                close = difflib.get_close_matches(name, candidates, n=1)
                key = "exercises.not_defined_close" if close else "exercises.not_defined"
                raise _LearnerMistake(Msg(key, name=name, close=close[0] if close else ""))
            values.append(ns[name])
        return tuple(values)

    # -- checking
    def result(self, *values: Any) -> CheckResult:
        """Check the answer (or ``values``, if given) and return the result unshown."""
        try:
            if not values:
                values = self._lookup()
            elif len(values) != len(self.problem.var_names):
                raise _LearnerMistake(
                    Msg("exercises.check_args", label=self.label, name=self.problem.name)
                )
            if any(is_placeholder(v) for v in values):
                raise NotAttempted(Msg("exercises.not_attempted_body"))
            self.problem.check(*values)
        except _LearnerMistake as mistake:
            return CheckResult("incorrect", self.label, self.number, mistake.message)
        except Outcome as outcome:
            message = outcome.message
            if outcome.status == "uncheckable" and message is None:
                message = Msg("exercises.thought_experiment", label=self.label)
            if outcome.status == "not_attempted" and message is None:
                message = Msg("exercises.not_attempted_body")
            return CheckResult(outcome.status, self.label, self.number, message)
        except Exception as exc:  # never show a traceback from inside a checker
            error = f"{type(exc).__name__}: {exc}"[:200]
            message = Msg("exercises.engine_error_body", error=error)
            return CheckResult("error", self.label, self.number, message)
        return CheckResult("correct", self.label, self.number, Msg("exercises.correct_body"))

    def _check(self, *values: Any) -> None:
        show(self.result(*values))

    def _hint(self, n: int | None = None) -> None:
        hints = self.problem.hints
        if not hints:
            show(RichText("", Msg("exercises.no_hints").render()))
            return
        if n is None:
            self._hints_shown = min(self._hints_shown + 1, len(hints))
            n = self._hints_shown
        n = max(1, min(int(n), len(hints)))
        body = hints[n - 1].render()
        if n == len(hints):
            body += "\n\n" + Msg("exercises.no_more_hints", label=self.label).render()
        show(RichText(Msg("exercises.hint", i=n, n=len(hints)).render(), body,
                      _COLOURS["uncheckable"]))

    def _solution(self) -> None:
        try:
            code = self.problem.solution
        except AssessmentError:
            raise
        except (RuralkitError, OSError):
            # No master to read it from: an installed kit without its masters, or a
            # notebook being graded (the grader hides the masters from the kernel).
            show(RichText(Msg("exercises.solution").render(),
                          Msg("exercises.solution_unavailable").render(), _COLOURS["error"]))
            return
        show(RichText(Msg("exercises.solution").render(), f"```python\n{code}\n```",
                      _COLOURS["correct"]))

    # -- for instructors' self-tests in master notebooks
    def assert_check_passed(self, *values: Any) -> None:
        """Raise ``AssertionError`` unless the answer (or ``values``) is correct."""
        result = self.result(*values)
        if not result.passed:
            raise AssertionError(f"{self.label}: expected a pass, got:\n{result!r}")

    def assert_check_failed(self, *values: Any, contains: str | None = None) -> None:
        """Raise ``AssertionError`` unless the check says "not yet".

        ``contains``: a piece of text the message must contain (in English or Chinese).
        """
        result = self.result(*values)
        if result.status != "incorrect":
            raise AssertionError(f"{self.label}: expected a failed check, got:\n{result!r}")
        if contains is not None:
            texts = (result.text("en"), result.text("zh"))
            if not any(contains in t for t in texts):
                raise AssertionError(
                    f"{self.label}: message does not contain {contains!r}:\n{result.text('en')}"
                )

    def assert_check_unattempted(self, *values: Any) -> None:
        """Raise ``AssertionError`` unless the check says "not attempted"."""
        result = self.result(*values)
        if result.status != "not_attempted":
            raise AssertionError(f"{self.label}: expected 'not attempted', got:\n{result!r}")

    def self_test(self) -> None:
        """The instructor's self-test of this question, from its content file: the
        placeholder is "not attempted", every wrong example gets its message, every
        other right example passes, and so does the answer in the namespace."""
        run_self_test(self)

    # -- display and learner slips
    @property
    def is_thought_experiment(self) -> bool:
        return isinstance(self.problem, ThoughtExperiment)

    def _help(self) -> str:
        title = self.problem.title.render() or Msg("exercises.question", n=self.number).render()
        return Msg("exercises.view_help", title=title, label=self.label).render()

    def __repr__(self) -> str:
        return self._help()

    def _repr_markdown_(self) -> str:
        return self._help()

    def __getattr__(self, attr: str) -> Any:
        # Called only for missing attributes: suggest the right one for a typo like q1.chek()
        if attr.startswith("_"):
            raise AttributeError(attr)
        close = difflib.get_close_matches(attr, ["check", "hint", "solution"], n=1, cutoff=0.5)
        suggestion = close[0] if close else "check"
        text = Msg("exercises.no_such_action", label=self.label, attr=attr, suggestion=suggestion)

        def explain(*args: Any, **kwargs: Any) -> None:
            show(RichText("", text.render()))

        return _Action(explain, self.label, attr, "", text)


class _LearnerMistake(Exception):
    def __init__(self, message: Msg) -> None:
        super().__init__(message.render("en"))
        self.message = message
