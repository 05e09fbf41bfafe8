"""Exercise sets: the questions of one notebook, bound to its variables.

A set is three files: its master notebook (``exercises/source/NN_name.ipynb``:
questions, ``# SOLUTION`` code), its content file (``content/setNN.toml``: titles,
hints, mistake messages, wrong-answer examples, see :mod:`.content`) and its
module ``setNN.py`` (the registered functions, see :mod:`.registry`), which ends
with ``exercise_set = load_set(__name__)`` and exposes ``bind`` and ``q1, q2, ...``.
In a notebook::

    from ruralkit.exercises import set00
    set00.bind(globals())     # defines q1, q2, ... and the placeholder ____

Sets outside the package (a course's own, or a scratch copy) live in a folder
with the same layout (``setNN.py``, ``content/setNN.toml``, ``source/NN_*.ipynb``)
named in the environment variable ``RURALKIT_EXERCISES_PATH`` (several folders
separated by ``os.pathsep``); they are then ``ruralkit.exercises.setNN`` too.

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
import os
import pkgutil
import re
import sys
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from ruralkit.i18n import Msg, RuralkitError, as_msg

from .content import build_problems, read_content
from .engine import PLACEHOLDER, DataSource, Problem
from .master import find_master, given_code, read_master
from .master import solutions as master_solutions
from .mode import ASSESSMENT, PRACTICE, lock, locked, refuse_if_locked
from .recording import RecordingView, assessment_questions
from .registry import code_of
from .views import ProblemView

__all__ = ["ExerciseSet", "get_set", "list_sets", "load_set", "set_folders", "PATH_VARIABLE"]

PATH_VARIABLE = "RURALKIT_EXERCISES_PATH"
_PACKAGE_DIR = Path(__file__).resolve().parent


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
    master : path, optional
        The master notebook (for :meth:`solve`).
    """

    def __init__(
        self,
        key: str,
        title: Mapping[str, str] | str,
        problems: Sequence[type[Problem]],
        *,
        notebook: str,
        master: str | Path | None = None,
    ) -> None:
        self.key = key
        self.title: Msg = as_msg(title)
        self.problem_classes = list(problems)
        self.notebook = notebook
        self.master = Path(master) if master is not None else None
        for label, cls in zip(self.labels, self.problem_classes, strict=True):
            missing = cls.missing_hidden_tests()
            if missing:
                raise RuralkitError.of("exercises.hidden_test_missing", set=key, question=label,
                                       name=missing[0])

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

    def questions(self) -> dict[str, list[str]]:
        """``{"q1": [answer variables], ...}``: all an assessment notebook needs of the set."""
        return {label: list(problem.var_names)
                for label, problem in self.problems(lambda name: pd.DataFrame()).items()}

    def bind(
        self,
        namespace: MutableMapping[str, Any] | None = None,
        *,
        data: DataSource | Mapping[str, pd.DataFrame] | None = None,
        mode: str = PRACTICE,
    ) -> dict[str, ProblemView] | dict[str, RecordingView]:
        """Define ``q1, q2, ...`` and ``____`` in the notebook's namespace.

        Parameters
        ----------
        namespace : dict, optional
            The notebook's ``globals()``; default: the caller's globals.
        data : callable or dict, optional
            Where checkers get the tables (default: the bundled loaders, in the
            current variant). Tests pass ``{"villages": df, ...}``.
        mode : {"practice", "assessment"}
            ``"assessment"`` switches the process to assessment mode for good and
            binds :class:`~.recording.RecordingView` questions (also what a process
            already in assessment mode gets).

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
        if mode == ASSESSMENT:
            lock()
        views: dict[str, Any]
        if locked():
            _, *recorders = assessment_questions(self.key, self.questions(), namespace=namespace)
            views = dict(zip(self.labels, recorders, strict=True))
        else:
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
        refuse_if_locked("grade")
        rows = []
        views = self.views(namespace, data=data, missing=missing, names=names)
        for label, view in views.items():
            problem = view.problem
            result = view.result()
            points = float(problem._points) if result.passed else 0.0
            hidden_results: list[dict[str, Any]] = []
            if hidden and problem._hidden_tests and result.status != "not_attempted":
                hidden_results = _hidden_results(view)
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



    # -- for authors and tests
    def self_test(self, namespace: MutableMapping[str, Any]) -> None:
        """Run every question's self-test (:mod:`.selftest`) on a solved notebook's
        namespace, then grade it: full marks or ``AssertionError``.

        The one instructor cell at the end of a master: ``exercise_set.self_test(globals())``.
        """
        for view in self.views(namespace).values():
            view.self_test()
        rows = self.grade(namespace)
        wrong = [r for r in rows if r["points"] != r["max_points"]]
        if wrong:
            raise AssertionError(f"set {self.key}: the master does not get full marks: {wrong}")

    def solve(self, seed: int | None = None) -> dict[str, Any]:
        """The namespace after running the master's code cells (solutions included,
        instructor cells and ``qN.check()`` cells left out) for data variant ``seed``."""
        from ruralkit import datasets

        refuse_if_locked("solve")
        if self.master is None:
            raise RuralkitError.of("exercises.master_not_found", set=self.key,
                                   notebook=self.notebook, folders="-")
        namespace: dict[str, Any] = {"__name__": f"solve_{self.key}"}
        for source in given_code(read_master(self.master)):
            datasets.set_variant(seed)
            exec(compile(source, f"{self.master.name}", "exec"), namespace)
        datasets.set_variant(seed)
        return namespace


def _hidden_results(view: ProblemView) -> list[dict[str, Any]]:
    """The hidden tests of an attempted question (all failed if an answer is missing)."""
    problem = view.problem
    try:
        values = view._lookup()
    except Exception:
        values = None
    if values is not None:
        return problem.run_hidden_tests(*values)
    return [
        {"test": t.method, "description": as_msg(t.description).render(),
         "passed": False, "points": 0.0, "max_points": float(t.points),
         "error": "not defined"}
        for t in problem._hidden_tests
    ]


# =========================================================================== where sets live
def set_folders() -> list[Path]:
    """The folders holding set modules: the package's, then ``RURALKIT_EXERCISES_PATH``'s.

    The extra folders are added to the package's ``__path__``, so that their
    ``setNN.py`` import as ``ruralkit.exercises.setNN``.
    """
    extra = [Path(p).resolve() for p in os.environ.get(PATH_VARIABLE, "").split(os.pathsep) if p]
    package = sys.modules.get(__package__ or "")
    if package is not None and hasattr(package, "__path__"):
        for folder in extra:
            if str(folder) not in package.__path__:
                package.__path__.append(str(folder))
    return [_PACKAGE_DIR, *extra]


def _master_folders(module_dir: Path) -> list[Path]:
    # a set folder's own source/ (also in the wheel), then the repository's exercises/source
    return [module_dir / "source", module_dir.parents[1] / "exercises" / "source"]


def load_set(module: str) -> ExerciseSet:
    """The :class:`ExerciseSet` of set module ``module`` (its ``__name__``).

    Reads ``content/setNN.toml`` next to the module and builds the questions with
    the functions the module registered; the solutions come from the master
    notebook (``source/`` next to the module, or the repository's
    ``exercises/source``). Raises :class:`~.content.ContentError` at import when
    the content and the registered functions do not match.
    """
    path = Path(sys.modules[module].__file__ or "").resolve()
    content = read_content(path.parent / "content" / f"{path.stem}.toml")
    found = find_master(content.notebook, _master_folders(path.parent))

    @cache
    def solutions() -> dict[str, str]:
        if found is None:
            raise RuralkitError.of("exercises.master_not_found", set=content.key,
                                   notebook=content.notebook,
                                   folders=", ".join(map(str, _master_folders(path.parent))))
        return master_solutions(read_master(found))

    problems = build_problems(content, code_of(module), module=module, solutions=solutions)
    return ExerciseSet(content.key, content.title, problems, notebook=content.notebook,
                       master=found)


_SET_MODULE = re.compile(r"^set(\d\d)$")


def list_sets() -> list[str]:
    """Keys of the exercise sets that have a checker module, e.g. ``["00", "01"]``."""
    keys = set()
    for info in pkgutil.iter_modules([str(folder) for folder in set_folders()]):
        match = _SET_MODULE.match(info.name)
        if match:
            keys.add(match.group(1))
    return sorted(keys)


def get_set(key: str | int) -> ExerciseSet:
    """The :class:`ExerciseSet` with number ``key`` (``"00"``, ``"0"`` or ``0``)."""
    text = f"{int(key):02d}" if str(key).isdigit() else str(key)
    available = list_sets()
    if text not in available:
        raise RuralkitError.of("exercises.no_such_set", key=repr(key),
                               available=", ".join(available) or "-")
    module = importlib.import_module(f"{__package__}.set{text}")
    return module.exercise_set
