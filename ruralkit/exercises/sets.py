"""Exercise sets: the questions of one notebook, bound to its variables.

Each checker module (``set00``, ``set01``, ...) builds one :class:`ExerciseSet`
and exposes ``bind`` and ``q1, q2, ...``. In a notebook::

    from ruralkit.exercises import set00
    set00.bind(globals())     # defines q1, q2, ... and the placeholder ____

Examples
--------
>>> import pandas as pd
>>> from ruralkit.exercises.engine import ValueProblem
>>> from ruralkit.exercises.sets import ExerciseSet
>>> class Count(ValueProblem):
...     _var = "n"
...     def expected(self):
...         return len(self.data("villages"))
>>> demo = ExerciseSet("99", {"en": "Demo", "zh": "示例"}, [Count], notebook="99_demo")
>>> ns = {}
>>> _ = demo.bind(ns, data={"villages": pd.DataFrame({"v": [1, 2]})})
>>> ns["n"] = 2
>>> ns["q1"].result().status
'correct'
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from typing import Any

import pandas as pd

from ruralkit.i18n import Msg, as_msg

from .engine import PLACEHOLDER, DataSource, Problem
from .views import ProblemView

__all__ = ["ExerciseSet", "get_set", "list_sets"]


class ExerciseSet:
    """The questions of one exercise notebook.

    Parameters
    ----------
    key : str
        Two-digit set number, ``"00"``; the module is ``ruralkit.exercises.set00``.
    title : dict
        Title in English and Chinese.
    problems : sequence of Problem subclasses
        The questions, in order; they become ``q1``, ``q2``, ...
    notebook : str
        File stem of the master and student notebook, e.g. ``"00_start_here"``.
    setup : str
        Code that loads the data the way the notebook does (run by the tests
        before the solutions).
    """

    def __init__(
        self,
        key: str,
        title: Mapping[str, str] | str,
        problems: Sequence[type[Problem]],
        *,
        notebook: str,
        setup: str = "",
    ) -> None:
        self.key = key
        self.title: Msg = as_msg(title)
        self.problem_classes = list(problems)
        self.notebook = notebook
        self.setup = setup

    @property
    def labels(self) -> list[str]:
        return [f"q{i}" for i in range(1, len(self.problem_classes) + 1)]

    def problems(
        self, data: DataSource | Mapping[str, pd.DataFrame] | None = None
    ) -> dict[str, Problem]:
        """Fresh question objects, ``{"q1": ..., ...}``."""
        return {
            label: cls(data) for label, cls in zip(self.labels, self.problem_classes, strict=True)
        }

    def views(
        self,
        namespace: MutableMapping[str, Any] | None = None,
        *,
        data: DataSource | Mapping[str, pd.DataFrame] | None = None,
        missing: Mapping[str, Msg] | None = None,
        names: Iterable[str] | None = None,
    ) -> dict[str, ProblemView]:
        """Question views reading answers from ``namespace`` (default ``__main__``).

        ``missing`` and ``names``: see :class:`~ruralkit.exercises.views.ProblemView`.
        """
        names = list(names or [])
        return {
            label: ProblemView(problem, label=label, number=i, namespace=namespace,
                               missing=missing, names=names)
            for i, (label, problem) in enumerate(self.problems(data).items(), start=1)
        }

    def bind(
        self,
        namespace: MutableMapping[str, Any] | None = None,
        *,
        data: DataSource | Mapping[str, pd.DataFrame] | None = None,
    ) -> dict[str, ProblemView]:
        """Define ``q1, q2, ...`` and ``____`` in the notebook's namespace.

        Parameters
        ----------
        namespace : dict, optional
            The notebook's ``globals()``; default: the caller's globals.
        data : callable or dict, optional
            Where checkers get the tables (default: the bundled loaders, in the
            current variant). Tests pass ``{"villages": df, ...}``.

        Returns
        -------
        dict
            The views, ``{"q1": ..., ...}``.
        """
        if namespace is None:
            frame = inspect.currentframe()
            caller = frame.f_back if frame is not None else None
            # called as module function ``set00.bind(...)``: skip the module-level wrapper
            while caller is not None and caller.f_globals.get("__name__", "").startswith(
                "ruralkit.exercises"
            ):
                caller = caller.f_back
            namespace = caller.f_globals if caller is not None else None
            del frame, caller
        views = self.views(namespace, data=data)
        if namespace is not None:
            namespace.update(views)
            namespace["____"] = PLACEHOLDER
        return views

    @property
    def max_points(self) -> float:
        return sum(p.max_points for p in self.problems(lambda name: pd.DataFrame()).values())

    def grade(
        self,
        namespace: MutableMapping[str, Any],
        *,
        hidden: bool = True,
        data: DataSource | Mapping[str, pd.DataFrame] | None = None,
        missing: Mapping[str, Msg] | None = None,
        names: Iterable[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Check every question against ``namespace`` and score it (used by the grader).

        Returns one dict per question: ``question``, ``status``, ``points``,
        ``max_points``, ``message`` (current language) and ``hidden`` (results of
        the hidden tests, when ``hidden`` is true and the question was attempted).
        ``missing`` says why some variables are missing (``{name: Msg}``) and
        ``names`` lists the learner's other variables (for "did you mean").
        """
        rows = []
        views = self.views(namespace, data=data, missing=missing, names=names)
        for label, view in views.items():
            problem = view.problem
            result = view.result()
            points = float(problem._points) if result.passed else 0.0
            hidden_results: list[dict[str, Any]] = []
            if hidden and problem._hidden_tests and result.status != "not_attempted":
                try:
                    values = view._lookup()
                except Exception:
                    values = None
                if values is not None:
                    hidden_results = problem.run_hidden_tests(*values)
                else:
                    hidden_results = [
                        {"test": t.method, "description": as_msg(t.description).render(),
                         "passed": False, "points": 0.0, "max_points": float(t.points),
                         "error": "not defined"}
                        for t in problem._hidden_tests
                    ]
            rows.append(
                {
                    "question": label,
                    "title": problem.title.render(),
                    "status": result.status,
                    "points": points + sum(h["points"] for h in hidden_results),
                    "max_points": problem.max_points if hidden else float(problem._points),
                    "message": result.text(),
                    "hidden": hidden_results,
                }
            )
        return rows


_SET_MODULE = re.compile(r"^set(\d\d)$")


def list_sets() -> list[str]:
    """Keys of the exercise sets that have a checker module, e.g. ``["00"]``."""
    from ruralkit import exercises

    keys = []
    for info in pkgutil.iter_modules(exercises.__path__):
        match = _SET_MODULE.match(info.name)
        if match:
            keys.append(match.group(1))
    return sorted(keys)


def get_set(key: str | int) -> ExerciseSet:
    """The :class:`ExerciseSet` with number ``key`` (``"00"``, ``"0"`` or ``0``)."""
    text = f"{int(key):02d}" if str(key).isdigit() else str(key)
    available = list_sets()
    if text not in available:
        from ruralkit.i18n import RuralkitError

        raise RuralkitError(
            f"There is no exercise set {key!r}. Available sets: {', '.join(available) or 'none'}."
        )
    module = importlib.import_module(f"ruralkit.exercises.set{text}")
    return module.exercise_set
