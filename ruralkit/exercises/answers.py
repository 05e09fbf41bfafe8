"""Answers handed out of a graded kernel, and read back safely by the grader.

The grader runs a learner's notebook in its own kernel, but it does **not** check
the answers there: code in the notebook could have changed anything in that
kernel (``math.isclose``, ``numpy.isclose``, pandas, ruralkit itself). Instead,
after the notebook's cells have run, one last cell calls :func:`export_answers`,
which writes the answer variables to a file:

* plain data (numbers, text, lists, dicts, numpy arrays, pandas Series,
  DataFrames and Index objects) is pickled as it is;
* what a question needs from a richer object is extracted first, as a small
  record of plain values (a :class:`Facts`): the bars, title and axis labels of a
  chart (:class:`~ruralkit.exercises.charts.ChartFacts`), the structure of a
  survey design (:class:`~ruralkit.exercises.set01.DesignFacts`); see
  :mod:`ruralkit.exercises.facts`;
* anything else becomes an :class:`Opaque` stand-in that only says what it was
  (a function, a class, an object of type ``X``), enough for the messages.

The grader reads the file with :func:`read_answers` in its own process, which
never ran any of the learner's code, with an unpickler that only rebuilds the
types listed above (any other class or function named in the file is refused:
a crafted file cannot run code in the grader), and then runs the checkers there.

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

import base64
import datetime
import decimal
import fractions
import io
import json
import os
import pickle
import stat
import threading
from collections.abc import Mapping
from typing import Any

from .facts import Facts, Opaque, OpaqueCallable
from .names import MAX_NAMES, data_names
from .placeholder import PLACEHOLDER, is_placeholder
from .sets import get_set

__all__ = [
    "Facts",
    "Opaque",
    "OpaqueCallable",
    "AnswerFileError",
    "export_answers",
    "read_answers",
    "dumps_value",
    "loads_value",
    "sanitise",
    "data_names",
]

PROTOCOL = 4
MAX_VALUE_BYTES = 64 * 1024 * 1024  # one answer
MAX_FILE_BYTES = 256 * 1024 * 1024  # the whole file
_MAX_DEPTH = 6
_MAX_ITEMS = 200_000


class AnswerFileError(Exception):
    """The answer file is missing, too large, not a regular file or not ours."""


# =========================================================================== kernel side
def _plain_scalar_types() -> tuple[type, ...]:
    return (
        type(None), bool, int, float, complex, str, bytes, bytearray, range,
        datetime.date, datetime.datetime, datetime.time, datetime.timedelta,
        decimal.Decimal, fractions.Fraction,
    )


def _is_data(value: Any) -> bool:
    """numpy and pandas data objects that pickle as data (not groupby objects, etc.)."""
    import numpy as np
    import pandas as pd

    if type(value) is np.ndarray or isinstance(value, np.generic | np.dtype):
        return True
    if type(value) in (pd.DataFrame, pd.Series):
        return True
    data_types = (pd.Index, pd.Categorical, pd.Timestamp, pd.Timedelta, pd.Period,
                  pd.Interval, pd.api.extensions.ExtensionArray,
                  pd.api.extensions.ExtensionDtype)
    if isinstance(value, data_types):
        return type(value).__module__.startswith("pandas")
    return value is pd.NA or value is pd.NaT


def _is_survey_table(value: Any) -> bool:
    """A table of estimates from ``ruralkit.survey`` (a DataFrame subclass of the kit's own)."""
    from ruralkit.survey.results import Estimates

    return type(value) is Estimates


def _plain_frame(value: Any) -> Any:
    """The same table as a plain DataFrame: only data crosses to the grader."""
    import pandas as pd

    return pd.DataFrame(value)


def sanitise(value: Any, _depth: int = 0) -> Any:
    """``value`` made of plain data and stand-ins only, ready to be pickled."""
    if isinstance(value, Facts):
        return value
    if is_placeholder(value):
        return PLACEHOLDER
    if type(value) in _plain_scalar_types():
        return value
    if _is_survey_table(value):
        return _plain_frame(value)
    if _depth > _MAX_DEPTH:
        return Opaque.of(value)
    try:
        if _is_data(value):
            return value
    except Exception:  # pragma: no cover - numpy/pandas missing
        pass
    if type(value) in (list, tuple, set, frozenset) and len(value) <= _MAX_ITEMS:
        items = [sanitise(v, _depth + 1) for v in value]
        return type(value)(items)
    if isinstance(value, tuple) and hasattr(value, "_fields") and len(value) <= _MAX_ITEMS:
        return tuple(sanitise(v, _depth + 1) for v in value)  # a namedtuple
    if type(value) is dict and len(value) <= _MAX_ITEMS:
        return {sanitise(k, _depth + 1): sanitise(v, _depth + 1) for k, v in value.items()}
    return Opaque.of(value)


def dumps_value(value: Any) -> bytes:
    """Pickle one answer (sanitised; an :class:`Opaque` if it cannot be pickled)."""
    try:
        blob = pickle.dumps(sanitise(value), protocol=PROTOCOL)
    except Exception:
        blob = pickle.dumps(Opaque.of(value), protocol=PROTOCOL)
    if len(blob) > MAX_VALUE_BYTES:
        blob = pickle.dumps(Opaque.of(value), protocol=PROTOCOL)
    return blob


def export_answers(
    set_key: str, namespace: Mapping[str, Any], *, out: str, token: str
) -> None:
    """Write the answers of exercise set ``set_key`` found in ``namespace`` to ``out``.

    Called by the grader's last cell, inside the learner's kernel. For each answer
    variable the file says ``missing``, ``placeholder`` or ``value`` (with the
    pickled value, after the question's own :meth:`~ruralkit.exercises.Problem.export`).
    """
    answers: dict[str, dict[str, Any]] = {}
    problems = get_set(set_key).problems(lambda name: None)
    for problem in problems.values():
        for var in problem.var_names:
            if var in answers:
                continue
            if var not in namespace:
                answers[var] = {"state": "missing"}
                continue
            value = namespace[var]
            if is_placeholder(value):
                answers[var] = {"state": "placeholder"}
                continue
            try:
                exported = problem.export(value)
            except Exception:
                exported = Opaque.of(value)
            answers[var] = {
                "state": "value",
                "type": type(value).__name__[:200],
                "pickle": base64.b64encode(dumps_value(exported)).decode("ascii"),
            }
    payload = {"token": token, "answers": answers, "names": data_names(namespace)}
    tmp = out + ".part"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(payload, fh)
    os.replace(tmp, out)


# =========================================================================== grader side
_SAFE_LOCK = threading.Lock()
_SAFE: set[tuple[str, str]] | None = None


def _samples() -> list[Any]:
    """Values of every kind an answer may hold, to learn which globals they need."""
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame({
        "i": [1, 2], "f": [1.5, np.nan], "b": [True, False], "o": ["a", "b"],
        "c": pd.Categorical(["x", "y"]), "d": pd.to_datetime(["2020-01-01", "2021-06-30"]),
        "t": pd.to_timedelta([1, 2], unit="D"),
        "I": pd.array([1, None], dtype="Int64"), "F": pd.array([1.5, None], dtype="Float64"),
        "B": pd.array([True, None], dtype="boolean"), "S": pd.array(["a", None], dtype="string"),
    })
    samples: list[Any] = [
        frame, frame.set_index(["i", "o"]), frame.set_index("c"), frame.set_index("d"),
        frame.describe(), frame.groupby("o").size(),
        pd.Series([1, 2], index=pd.RangeIndex(2), name="x"),
        pd.Series([1.0], index=pd.Index(["a"], name="k")),
        pd.Series([pd.Period("2020", freq="Y")]), pd.Series(pd.interval_range(0, 2)),
        pd.Index([1, 2]), pd.Index([1.5]), pd.Index(["a"]), pd.Index([True]),
        pd.CategoricalIndex(["a"]), pd.MultiIndex.from_tuples([(1, "a")]),
        pd.DatetimeIndex(["2020-01-01"]), pd.TimedeltaIndex(["1D"]),
        pd.period_range("2020-01", periods=2, freq="M"), pd.interval_range(0, 2),
        pd.Categorical(["a"]), pd.CategoricalDtype(["a"]),
        pd.Timestamp("2020-01-01"), pd.Timedelta(1, "D"), pd.Period("2020", freq="Y"),
        pd.Period("2020-01", freq="M"), pd.Period("2020-01-01", freq="D"),
        pd.Interval(0, 1), pd.NA, pd.NaT,
        np.arange(3), np.array([1.5]), np.array([True]), np.array(["a"]),
        np.array([1, "a"], dtype=object), np.array(["2020-01-01"], dtype="datetime64[D]"),
        np.zeros((2, 2)), np.dtype("f8"),
        np.float64(1), np.float32(1), np.int64(1), np.int32(1), np.int16(1), np.int8(1),
        np.uint64(1), np.uint32(1), np.uint8(1), np.bool_(True), np.str_("x"),
        np.datetime64("2020-01-01"), np.timedelta64(1, "D"), np.complex128(1),
        [1, (2.5, "a")], {"a": {1, 2}, "b": frozenset([1])}, range(3), slice(1, 2),
        datetime.date(2020, 1, 1), datetime.datetime(2020, 1, 1), datetime.time(1),
        datetime.timedelta(1), decimal.Decimal("1.5"), fractions.Fraction(1, 3), 1 + 2j,
        b"x", bytearray(b"x"), PLACEHOLDER,
    ]
    return samples


class _Recorder(pickle.Unpickler):
    def __init__(self, data: bytes, seen: set[tuple[str, str]]) -> None:
        super().__init__(io.BytesIO(data))
        self.seen = seen

    def find_class(self, module: str, name: str) -> Any:
        self.seen.add((module, name))
        return super().find_class(module, name)


def safe_globals() -> set[tuple[str, str]]:
    """The ``(module, name)`` pairs an answer file may name: those that the
    installed numpy and pandas use to pickle data, learned from samples, plus
    the stand-ins of this module."""
    global _SAFE
    with _SAFE_LOCK:
        if _SAFE is None:
            seen: set[tuple[str, str]] = set()
            for sample in _samples():
                try:
                    _Recorder(pickle.dumps(sample, protocol=PROTOCOL), seen).load()
                except Exception:  # pragma: no cover - a type this pandas lacks
                    pass
            seen.add((Facts.__module__, "_restore"))
            seen.discard(("builtins", "getattr"))
            seen.discard(("builtins", "eval"))
            _SAFE = seen
        return _SAFE


class _SafeUnpickler(pickle.Unpickler):
    """An unpickler that rebuilds data and stand-ins only, and refuses anything else."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in safe_globals() or _is_offset(module, name):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"the grader does not read objects of {module}.{name}")


def _is_offset(module: str, name: str) -> bool:
    """Date offsets (the frequency of a Period): classes of pandas' offsets module."""
    if module != "pandas._libs.tslibs.offsets" or not name.isidentifier():
        return False
    try:
        import pandas as pd

        obj = getattr(pd.offsets, name, None)
        return isinstance(obj, type) and issubclass(obj, pd.offsets.BaseOffset)
    except Exception:  # pragma: no cover
        return False


def loads_value(blob: bytes) -> Any:
    """Unpickle one answer written by :func:`dumps_value`, allowing only safe types."""
    if len(blob) > MAX_VALUE_BYTES:
        raise pickle.UnpicklingError("the answer is too large")
    return _SafeUnpickler(io.BytesIO(blob)).load()


def _read_regular_file(path: str, limit: int) -> bytes:
    """Read a regular file, without following a symbolic link, at most ``limit`` bytes."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise AnswerFileError(f"cannot open the answer file ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise AnswerFileError("the answer file is not a regular file")
        if info.st_size > limit:
            raise AnswerFileError("the answer file is too large")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise AnswerFileError("the answer file is too large")
    return data


def read_answers(path: str, token: str) -> tuple[dict[str, Any], set[str], list[str]]:
    """Read the answers a kernel exported: ``(values, placeholders, names)``.

    ``values`` maps each answer variable that holds a value to that value (an
    :class:`Opaque` marked ``unreadable`` when it could not be read safely);
    ``placeholders`` are the variables still ``____``; ``names`` the learner's
    data variables (for "did you mean" suggestions). Missing variables are in
    neither. Raises :class:`AnswerFileError` when the file is not usable.
    """
    data = _read_regular_file(path, MAX_FILE_BYTES)
    try:
        payload = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise AnswerFileError("the answer file is damaged") from None
    if not isinstance(payload, dict) or payload.get("token") != token:
        raise AnswerFileError("the answer file was not written by this grading run")
    answers = payload.get("answers")
    if not isinstance(answers, dict):
        raise AnswerFileError("the answer file has no answers")
    values: dict[str, Any] = {}
    placeholders: set[str] = set()
    for var, entry in answers.items():
        if not isinstance(var, str) or not var.isidentifier() or not isinstance(entry, dict):
            continue
        state = entry.get("state")
        if state == "placeholder":
            placeholders.add(var)
        elif state == "value":
            type_name = entry.get("type") if isinstance(entry.get("type"), str) else "object"
            try:
                blob = base64.b64decode(str(entry.get("pickle", "")), validate=True)
                value = loads_value(blob)
            except Exception:
                value = Opaque(type_name=type_name[:200], module="", is_callable=False,
                               is_class=False, class_name="", unreadable=True)
            if value is PLACEHOLDER:
                placeholders.add(var)
            else:
                values[var] = value
    names = payload.get("names")
    names = [n for n in names if isinstance(n, str) and n.isidentifier()][:MAX_NAMES] if (
        isinstance(names, list)) else []
    return values, placeholders, names
