"""Answers handed out of a graded kernel, and read back safely by the grader.

The grader runs a learner's notebook in its own kernel, but it does **not** check
the answers there: code in the notebook could have changed anything in that
kernel (``math.isclose``, ``numpy.isclose``, pandas, ruralkit itself). Instead,
after the notebook's cells have run, one last cell calls :func:`export_answers`,
which writes the answer variables to a file as **plain JSON data** (the format of
:mod:`ruralkit.exercises.codec`; no pickle):

* plain data (numbers, text, lists, dicts, numpy arrays and scalars, pandas
  Series, DataFrames and Index objects with their dtypes) is written as it is;
* what a question needs from a richer object is extracted first, as a small
  record of plain values (a :class:`Facts`): the bars, title and axis labels of a
  chart (:class:`~ruralkit.exercises.charts.ChartFacts`), the structure of a
  survey design (:class:`~ruralkit.exercises.set01.DesignFacts`); see
  :mod:`ruralkit.exercises.facts`;
* anything else, and any value over the limits, becomes an :class:`Opaque`
  stand-in that only says what it was (a function, a class, an object of type
  ``X``), enough for the messages.

The grader reads the file with :func:`read_answers` in its own process, which
never ran any of the learner's code: a bounded read of a regular file (no
symbolic link, no pipe), at most :attr:`~.codec_base.Limits.file_bytes`; the
text's values, containers and depth counted before it is parsed; then a strict
decoder that builds only the types of the format, and checks every declared
size against the bytes really there before it builds anything. A file that
breaks these rules raises :class:`AnswerFileError` (a message for the row's
notes); a single value that breaks them becomes an :class:`Opaque` marked
``unreadable``.

What this does not protect: the values come from the learner's kernel, so a
notebook can hand in any value it could have computed, including facts about a
chart or a design that it made up. That is the same as typing in an answer,
which the checks (and per-student data variants) are there to catch.

Examples
--------
>>> import pandas as pd
>>> from ruralkit.exercises.answers import dumps_value, loads_value
>>> loads_value(dumps_value(pd.Series([1, 2], index=["a", "b"]))).to_dict()
{'a': 1, 'b': 2}
>>> loads_value(dumps_value(len)).type_name
'builtin_function_or_method'
"""

from __future__ import annotations

import importlib
import json
import os
import re
import stat
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .charts import chart_facts
from .codec import decode, encode
from .codec_base import LIMITS, Budget, CannotEncode, HandoverError, Limits, load_json, scan
from .engine import PlotProblem
from .facts import Facts, Opaque, OpaqueCallable
from .names import MAX_NAMES, data_names
from .placeholder import is_placeholder
from .sets import get_set

__all__ = [
    "FORMAT",
    "VERSION",
    "Facts",
    "Opaque",
    "OpaqueCallable",
    "AnswerFileError",
    "export_answers",
    "export_listed",
    "listed_entries",
    "read_answers",
    "dumps_value",
    "loads_value",
    "data_names",
]

FORMAT = "ruralkit-answers"
VERSION = 2

#: The error for an answer file that cannot be used as a whole (catalogue message).
AnswerFileError = HandoverError


# =========================================================================== kernel side
def _stand_in(value: Any) -> Any:
    return encode(Opaque.of(value))


def dumps_value(value: Any, limits: Limits = LIMITS) -> bytes:
    """One answer as JSON bytes (an :class:`Opaque` stand-in if it cannot be written)."""
    try:
        encoded = encode(value, limits)
    except (CannotEncode, RecursionError, ValueError, TypeError, AttributeError):
        encoded = _stand_in(value)
    return json.dumps(encoded).encode("ascii")


class _Room:
    """What is left of the file's limits for the answers still to write (half the
    reader's limits: the rest is room for the wrapper and the names)."""

    def __init__(self, limits: Limits) -> None:
        self.bytes, self.tokens = limits.file_bytes // 2, limits.tokens // 2
        self.containers = limits.containers // 2
        self.limits = limits

    def fits(self, text: str) -> bool:
        try:
            tokens, containers, _ = scan(text, self.limits)
        except HandoverError:
            return False
        if len(text) > self.bytes or tokens > self.tokens or containers > self.containers:
            return False
        self.bytes -= len(text)
        self.tokens -= tokens
        self.containers -= containers
        return True


def _answer(namespace: Mapping[str, Any], var: str, export: Any, room: _Room) -> dict[str, Any]:
    """The hand-over entry of one answer variable: missing, untouched, or its value."""
    if var not in namespace:
        return {"state": "missing"}
    if is_placeholder(namespace[var]):
        return {"state": "placeholder"}
    return _entry(export, namespace[var], room)


def _entry(export: Callable[[Any], Any], value: Any, room: _Room) -> dict[str, Any]:
    try:
        exported = export(value)
    except Exception:
        exported = Opaque.of(value)
    try:
        text = dumps_value(exported, room.limits).decode("ascii")
    except Exception:
        text = json.dumps(_stand_in(value))
    if not room.fits(text):
        text = json.dumps(_stand_in(value))
        room.fits(text)
    return {"state": "value", "type": type(value).__name__[:200], "value": json.loads(text)}


def export_answers(
    set_key: str, namespace: Mapping[str, Any], *, out: str, token: str,
    limits: Limits = LIMITS,
) -> None:
    """Write the answers of exercise set ``set_key`` found in ``namespace`` to ``out``.

    Called by the grader's last cell, inside the learner's kernel. For each answer
    variable the file says ``missing``, ``placeholder`` or ``value`` (with the
    value, after the question's own :meth:`~ruralkit.exercises.Problem.export`, in
    the format of :mod:`ruralkit.exercises.codec`), within ``limits``.
    """
    answers: dict[str, dict[str, Any]] = {}
    room = _Room(limits)
    problems = get_set(set_key).problems(lambda name: None)
    for problem in problems.values():
        for var in problem.var_names:
            if var in answers:
                continue
            answers[var] = _answer(namespace, var, problem.export, room)
    _write(answers, namespace, out=out, token=token)


def _write(answers: dict[str, Any], namespace: Mapping[str, Any], *, out: str,
           token: str) -> None:
    payload = {"format": FORMAT, "version": VERSION, "token": token, "answers": answers,
               "names": data_names(namespace)[:MAX_NAMES]}
    tmp = out + ".part"
    with open(tmp, "w", encoding="ascii") as fh:
        json.dump(payload, fh)
    os.replace(tmp, out)


# --------------------------------------------------------------------------- assessment
_FACTS_MODULE = re.compile(r"^ruralkit\.exercises\.[a-z_][a-z0-9_]*$")
_SET_MODULE = re.compile(r"\.set\d\d$")


def listed_entries(exercise_set: Any) -> list[dict[str, Any]]:
    """Grader side: what the last cell of an assessment notebook needs to hand the answers
    over without importing the set module: each answer variable, whether it is a chart,
    and the module and kind of the :class:`Facts` that read it (if any)."""
    entries: dict[str, dict[str, Any]] = {}
    for problem in exercise_set.problems(lambda name: None).values():
        facts = getattr(problem, "_facts", None)
        for var in problem.var_names:
            entries.setdefault(var, {
                "var": var, "chart": isinstance(problem, PlotProblem),
                "facts": [facts.__module__, facts.kind] if facts is not None else None})
    return list(entries.values())


def _listed_export(entry: Mapping[str, Any]) -> Callable[[Any], Any]:
    """The export of one listed variable (as :meth:`Problem.export` would do it)."""
    if entry.get("chart"):
        return lambda value: value if chart_facts(value) is None else chart_facts(value)
    facts = entry.get("facts")
    if not facts:
        return lambda value: value
    module, kind = str(facts[0]), str(facts[1])
    if _FACTS_MODULE.match(module) and not _SET_MODULE.search(module):
        importlib.import_module(module)  # registers its Facts; never a set module
    reader = Facts._registry.get(kind)
    if reader is None:
        return lambda value: value
    return lambda value: reader.take(value) if reader.accepts(value) else value


def export_listed(entries: Sequence[Mapping[str, Any]], namespace: Mapping[str, Any], *,
                  out: str, token: str, limits: Limits = LIMITS) -> None:
    """Kernel side, assessment: like :func:`export_answers`, for the variables ``entries``
    list (see :func:`listed_entries`); the set module is never imported."""
    answers: dict[str, dict[str, Any]] = {}
    room = _Room(limits)
    for entry in entries:
        var = str(entry.get("var", ""))
        if not var.isidentifier() or var in answers:
            continue
        answers[var] = _answer(namespace, var, _listed_export(entry), room)
    _write(answers, namespace, out=out, token=token)


# =========================================================================== grader side
def loads_value(blob: bytes, limits: Limits = LIMITS) -> Any:
    """One answer written by :func:`dumps_value`, read within ``limits``.

    Raises :class:`AnswerFileError` for text that is not bounded JSON and
    :class:`~.codec_base.BadValue` for JSON that does not follow the format.
    """
    if len(blob) > limits.file_bytes:
        raise HandoverError.of("exercises.handover_too_large", limit=limits.file_bytes)
    try:
        text = blob.decode("utf-8")
    except UnicodeDecodeError:
        raise HandoverError.of("exercises.handover_not_utf8") from None
    return decode(load_json(text, limits), Budget(limits))


def _read_at_most(fd: int, size: int, chunk: int = 1 << 20) -> bytes:
    """At most ``size`` bytes from ``fd``, in chunks (no buffer of the limit allocated up front)."""
    parts: list[bytes] = []
    left = size
    while left > 0:
        part = os.read(fd, min(chunk, left))
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def _read_regular_file(path: str, limit: int) -> bytes:
    """Read a regular file, without following a symbolic link, at most ``limit`` bytes."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise HandoverError.of("exercises.handover_cannot_open",
                               error=exc.strerror or type(exc).__name__) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise HandoverError.of("exercises.handover_not_regular")
        if info.st_size > limit:
            raise HandoverError.of("exercises.handover_too_large", limit=limit)
        data = _read_at_most(fd, min(info.st_size, limit) + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise HandoverError.of("exercises.handover_too_large", limit=limit)
    return data


def _layout(payload: Any, token: str) -> dict[str, Any]:
    """The answers of a parsed file, after checking its layout and token."""
    if not isinstance(payload, dict) or payload.get("format") != FORMAT or payload.get(
            "version") != VERSION:
        raise HandoverError.of("exercises.handover_bad_layout", what="format")
    if set(payload) != {"format", "version", "token", "answers", "names"}:
        raise HandoverError.of("exercises.handover_bad_layout", what="fields")
    if payload["token"] != token:
        raise HandoverError.of("exercises.handover_wrong_token")
    answers = payload["answers"]
    if not isinstance(answers, dict) or not isinstance(payload["names"], list):
        raise HandoverError.of("exercises.handover_bad_layout", what="answers")
    return answers


def _unreadable(type_name: Any) -> Opaque:
    name = type_name[:200] if isinstance(type_name, str) else "object"
    return Opaque(type_name=name, module="", is_callable=False, is_class=False,
                  class_name="", unreadable=True)


def read_answers(path: str, token: str, limits: Limits = LIMITS
                 ) -> tuple[dict[str, Any], set[str], list[str]]:
    """Read the answers a kernel exported: ``(values, placeholders, names)``.

    ``values`` maps each answer variable that holds a value to that value (an
    :class:`Opaque` marked ``unreadable`` when it breaks the format);
    ``placeholders`` are the variables still ``____``; ``names`` the learner's
    data variables (for "did you mean" suggestions). Missing variables are in
    neither. Raises :class:`AnswerFileError` when the file is not usable: not a
    regular file, over ``limits``, not UTF-8, not JSON, a key twice, ``NaN``, the
    wrong layout or token.
    """
    data = _read_regular_file(path, limits.file_bytes)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise HandoverError.of("exercises.handover_not_utf8") from None
    payload = load_json(text, limits)
    answers = _layout(payload, token)
    budget = Budget(limits)
    values: dict[str, Any] = {}
    placeholders: set[str] = set()
    for var, entry in answers.items():
        if not var.isidentifier() or not isinstance(entry, dict):
            continue
        state = entry.get("state")
        if state == "placeholder":
            placeholders.add(var)
        elif state == "value":
            try:
                value = decode(entry["value"], budget)
            except Exception:  # the format broken, or pandas refusing what it holds
                value = _unreadable(entry.get("type"))
            if is_placeholder(value):
                placeholders.add(var)
            else:
                values[var] = value
    names = [n for n in payload["names"] if isinstance(n, str) and n.isidentifier()][:MAX_NAMES]
    return values, placeholders, names
