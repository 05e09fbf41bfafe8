"""Checking handed-over answers in the grader's own process, which never ran the notebook.

The kernel writes the answers to a file (:func:`ruralkit.grading.inject.export_cell`);
they are read back as bounded plain JSON data (``ruralkit.exercises.codec``: numbers,
text, tables, arrays, or the facts a check needs about a chart or a design) and
checked here against the student's data variant, within the grader's time limit.

Examples
--------
>>> rows = check_answers("00", {"n_villages": 60}, seed=None, language="en", hidden=True)
>>> rows[1]["question"], rows[1]["status"]
('q2', 'correct')
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ruralkit import i18n
from ruralkit.datasets import set_variant
from ruralkit.exercises import PLACEHOLDER, get_set
from ruralkit.exercises.answers import AnswerFileError, read_answers
from ruralkit.i18n import Msg

from .cells import missing_reasons
from .texts import note

__all__ = ["check_answers", "check_exported"]


def check_answers(
    set_key: str,
    values: Mapping[str, Any],
    *,
    seed: int | None,
    language: str,
    hidden: bool,
    missing: Mapping[str, Any] | None = None,
    names: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """Check answers read from a kernel, in this process, against variant ``seed``.

    ``values`` maps answer variables to their values (``____`` for a placeholder);
    variables not in it are missing, for the reasons in ``missing`` if given.
    Returns the rows of :meth:`ExerciseSet.grade`, with messages in ``language``.
    """
    i18n.set_language(language)
    set_variant(seed)
    namespace: dict[str, Any] = dict(values)
    return get_set(set_key).grade(namespace, hidden=hidden, missing=missing, names=names)


class _CheckTimeout(Exception):
    pass


def _checked(spec: Mapping[str, Any], cells: Sequence[Mapping[str, Any]],
             outcomes: Mapping[int, Mapping[str, Any]], labels: Sequence[Any],
             export_file: str, notes: list[str]) -> dict[str, Any]:
    exercise_set = get_set(spec["set"])  # also registers the set's Facts records
    try:
        values, placeholders, names = read_answers(export_file, spec["token"])
    except AnswerFileError as exc:
        error = getattr(exc, "msg", None) or str(exc)
        notes.append(note("grading.note_no_answers", spec["language"], error=error))
        return {"ok": False, "error": str(exc)}
    answers: dict[str, Any] = dict(values)
    answers.update(dict.fromkeys(placeholders, PLACEHOLDER))
    wanted = [v for p in exercise_set.problems(lambda n: None).values() for v in p.var_names]
    missing = [v for v in dict.fromkeys(wanted) if v not in answers]
    rows = check_answers(
        spec["set"], answers, seed=spec["seed"], language=spec["language"],
        hidden=spec["hidden"], missing=missing_reasons(cells, outcomes, missing, labels),
        names=names,
    )
    return {"ok": True, "questions": rows}


def check_exported(
    spec: Mapping[str, Any],
    cells: Sequence[Mapping[str, Any]],
    outcomes: Mapping[int, Mapping[str, Any]],
    labels: Sequence[Any],
    export_file: str,
    notes: list[str],
) -> dict[str, Any]:
    """Read the exported answers and check them here, within the grader's time limit.

    Returns ``{"ok": True, "questions": rows}``, or ``{"ok": False, "error": ...}``
    (a note is added to ``notes`` when the answers could not be read). Never raises.
    """
    seconds = float(spec["grader_timeout"])

    def on_alarm(signum: int, frame: Any) -> None:
        raise _CheckTimeout(Msg("grading.checks_too_slow", seconds=f"{seconds:g}")
                            .render(spec["language"]))

    use_alarm = hasattr(signal, "setitimer") and threading.current_thread() is (
        threading.main_thread())
    if use_alarm:
        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return _checked(spec, cells, outcomes, labels, export_file, notes)
    except BaseException as exc:  # report, never crash the worker
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:500]}
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
