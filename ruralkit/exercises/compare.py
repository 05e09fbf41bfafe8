"""Tolerant comparison of a learner's answer with the expected answer.

:func:`compare` returns ``None`` when the answer matches and otherwise a
:class:`~ruralkit.i18n.Msg` that says, in words, what differs.
Comparisons are forgiving where a question does not care (number types,
``int`` vs ``float`` vs nullable dtypes, ``category`` vs text, the order of rows
or labels unless ``ordered=True``, names of Series and indexes) and strict where
it does (the values themselves, within ``rtol``/``atol``).

Examples
--------
>>> import pandas as pd
>>> from ruralkit.exercises.compare import compare
>>> compare(0.30000000000000004, 0.3, name="share") is None
True
>>> print(compare(30.0, 0.3, name="share").render("en"))  # doctest: +ELLIPSIS
`share` is 30, which looks like a percentage. Give the share as a proportion ...
>>> s = pd.Series([2, 1], index=["b", "a"])
>>> compare(s, pd.Series([1.0, 2.0], index=["a", "b"]), name="n") is None
True
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ruralkit.i18n import Msg, join

from .facts import Opaque

__all__ = ["compare", "describe", "short", "is_number"]

MAX_DETAILS = 3


# --------------------------------------------------------------------------- helpers
def is_number(x: Any) -> bool:
    """True for int/float/numpy numbers (not bool, not text)."""
    return isinstance(x, numbers.Real | np.number) and not isinstance(x, bool | np.bool_)


def short(x: Any, width: int = 60) -> str:
    """A short, readable representation of a value for a message."""
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float):
        text = f"{x:.6g}" if abs(x) < 1e15 else repr(x)
    elif isinstance(x, tuple):
        text = "(" + ", ".join(short(i, width) for i in x) + ")"
    else:
        text = repr(x)
    return text if len(text) <= width else text[: width - 1] + "…"


def describe(x: Any) -> Msg:
    """Describe a value in words: what it is, with its size or value."""
    if isinstance(x, Opaque):  # what the grader knows of a value it could not copy
        if x.unreadable:
            return Msg("exercises.desc_unreadable", kind=x.type_name)
        if x.is_callable:
            return Msg("exercises.desc_function")
        return Msg("exercises.desc_other", kind=x.type_name)
    if isinstance(x, pd.DataFrame):
        return Msg("exercises.desc_frame", rows=x.shape[0], cols=x.shape[1])
    if isinstance(x, pd.Series):
        return Msg("exercises.desc_series", n=len(x))
    if isinstance(x, bool | np.bool_):
        return Msg("exercises.desc_bool", value=bool(x))
    if is_number(x):
        return Msg("exercises.desc_number", value=short(x))
    if isinstance(x, str):
        return Msg("exercises.desc_text", value=short(x))
    if isinstance(x, list | tuple | set | dict | np.ndarray | pd.Index):
        return Msg("exercises.desc_list", kind=type(x).__name__, n=len(x))
    if _is_axes(x):
        return Msg("exercises.desc_axes")
    if callable(x):
        return Msg("exercises.desc_function")
    return Msg("exercises.desc_other", kind=type(x).__name__)


def _is_axes(x: Any) -> bool:
    return type(x).__module__.startswith("matplotlib") and hasattr(x, "get_title")


def _label_list(labels: Sequence[Any], limit: int = 5) -> str:
    labels = list(labels)
    text = ", ".join(short(i, 30) for i in labels[:limit])
    return text + (", …" if len(labels) > limit else "")


def _norm_label(x: Any) -> Hashable:
    """Make labels comparable across dtypes: numpy scalars to Python, floats that are
    whole numbers to int (so 2019 and 2019.0 match)."""
    if isinstance(x, tuple):
        return tuple(_norm_label(i) for i in x)
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and x.is_integer():
        return int(x)
    return x


def _norm_index(index: pd.Index) -> list[Hashable]:
    return [_norm_label(i) for i in index]


def _scalar_equal(a: Any, b: Any, rtol: float, atol: float) -> bool:
    a_na, b_na = _isna(a), _isna(b)
    if a_na or b_na:
        return a_na and b_na
    if is_number(a) and is_number(b):
        return math.isclose(float(a), float(b), rel_tol=rtol, abs_tol=atol)
    try:
        return bool(a == b)
    except Exception:
        return False


def _isna(x: Any) -> bool:
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _numeric(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype)


def _mismatches(found: pd.Series, expected: pd.Series, rtol: float, atol: float) -> np.ndarray:
    """Boolean mask of positions where two aligned Series differ."""
    if _numeric(found) and _numeric(expected):
        f = found.to_numpy(dtype="float64", na_value=np.nan)
        e = expected.to_numpy(dtype="float64", na_value=np.nan)
        return ~np.isclose(f, e, rtol=rtol, atol=atol, equal_nan=True)
    f = found.astype(object).to_numpy()
    e = expected.astype(object).to_numpy()
    return np.array([not _scalar_equal(a, b, rtol, atol) for a, b in zip(f, e, strict=True)])


def _container(x: Any) -> Msg:
    """What holds a value, as a noun without a count: "a Series", "a list", ..."""
    if isinstance(x, pd.Series):
        return Msg("exercises.container_series")
    if isinstance(x, pd.DataFrame):
        return Msg("exercises.container_frame")
    if isinstance(x, np.ndarray):
        return Msg("exercises.container_array")
    if isinstance(x, list):
        return Msg("exercises.container_list")
    if isinstance(x, tuple):
        return Msg("exercises.container_tuple")
    return Msg("exercises.container_other")


def _single_value(x: Any) -> Any:
    """The one value inside a 1-element Series/DataFrame/array/list, or a sentinel."""
    if isinstance(x, pd.Series | pd.DataFrame | np.ndarray | list | tuple) and np.size(x) == 1:
        return np.asarray(x, dtype=object).ravel()[0]
    return _NOTHING


_NOTHING = object()


def _common_type_problem(value: Any, name: str, expected_kind: Msg) -> Msg | None:
    """Messages for the mistakes any question can meet: None, a function, a placeholder."""
    if value is None:
        return Msg("exercises.is_none", name=name)
    if callable(value) and not isinstance(value, pd.DataFrame | pd.Series | type):
        return Msg("exercises.is_callable", name=name)
    return None


# --------------------------------------------------------------------------- scalars
def _compare_number(
    value: Any, expected: Any, *, name: str, rtol: float, atol: float, percent_check: bool
) -> Msg | None:
    problem = _common_type_problem(value, name, Msg("exercises.kind_number"))
    if problem:
        return problem
    if isinstance(value, str):
        try:
            float(value.replace(",", ""))
        except ValueError:
            pass
        else:
            return Msg("exercises.number_as_text", name=name, found=value)
    if not is_number(value):
        inner = _single_value(value)
        if inner is not _NOTHING and (is_number(inner) or _isna(inner)):
            return Msg("exercises.one_value_container", name=name, container=_container(value),
                       what=Msg("exercises.what_number"))
        return Msg("exercises.wrong_type", name=name, expected=Msg("exercises.kind_number"),
                   found=describe(value))
    v, e = float(value), float(expected)
    if math.isnan(e):
        return None if math.isnan(v) else Msg("exercises.number_wrong", name=name,
                                              found=short(value))
    if math.isclose(v, e, rel_tol=rtol, abs_tol=atol):
        return None
    if percent_check and e != 0 and not isinstance(expected, numbers.Integral | np.integer):
        if math.isclose(v, 100 * e, rel_tol=max(rtol, 1e-9), abs_tol=atol * 100):
            return Msg("exercises.number_percent", name=name, found=short(value))
        if math.isclose(v, e / 100, rel_tol=max(rtol, 1e-9), abs_tol=atol / 100):
            return Msg("exercises.number_proportion", name=name, found=short(value))
    for digits in range(0, 5):
        if round(e, digits) == v and not float(e).is_integer():
            return Msg("exercises.number_rounded", name=name, found=short(value))
    return Msg("exercises.number_wrong", name=name, found=short(value))


def _compare_text(value: Any, expected: str, *, name: str, case: bool) -> Msg | None:
    problem = _common_type_problem(value, name, Msg("exercises.kind_text"))
    if problem:
        return problem
    if not isinstance(value, str):
        inner = _single_value(value)
        if isinstance(inner, str):
            return Msg("exercises.one_value_container", name=name, container=_container(value),
                       what=Msg("exercises.what_text"))
        return Msg("exercises.wrong_type", name=name, expected=Msg("exercises.kind_text"),
                   found=describe(value))
    a, b = value.strip(), expected.strip()
    if not case:
        a, b = a.casefold(), b.casefold()
    return None if a == b else Msg("exercises.text_wrong", name=name, found=value)


def _compare_bool(value: Any, expected: bool, *, name: str) -> Msg | None:
    problem = _common_type_problem(value, name, Msg("exercises.kind_bool"))
    if problem:
        return problem
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return Msg("exercises.wrong_type", name=name, expected=Msg("exercises.kind_bool"),
                   found=describe(value))
    if not isinstance(value, bool | np.bool_):
        return Msg("exercises.wrong_type", name=name, expected=Msg("exercises.kind_bool"),
                   found=describe(value))
    return None if bool(value) == bool(expected) else Msg("exercises.bool_wrong", name=name,
                                                          found=value)


# --------------------------------------------------------------------------- labels
def _compare_labels(
    found: pd.Index, expected: pd.Index, *, name: str, unit: Msg, what: str | None
) -> Msg | None:
    """Same set of labels (order ignored); messages for missing/extra/duplicate labels."""
    f, e = _norm_index(found), _norm_index(expected)
    dup = sorted({x for x in f if f.count(x) > 1}, key=str) if len(set(f)) < len(f) else []
    if dup:
        return Msg("exercises.duplicate_labels", name=name, labels=_label_list(dup))
    if set(f) == set(e):
        return None
    looks_numbered = isinstance(found, pd.RangeIndex) and not isinstance(expected, pd.RangeIndex)
    if looks_numbered:
        return Msg(
            "exercises.labels_numbered",
            name=name,
            expected=what or "the labels",
            example=_label_list(e, 3),
        )
    missing = [x for x in e if x not in set(f)]
    extra = [x for x in f if x not in set(e)]
    details = Msg.from_texts("")
    if missing:
        details = details + Msg("exercises.labels_missing", labels=_label_list(missing))
    if extra:
        details = details + Msg("exercises.labels_extra", labels=_label_list(extra))
    if len(f) != len(e):
        return Msg("exercises.length_wrong", name=name, found=len(f), expected=len(e),
                   unit=unit) + (
            Msg.from_texts(" ") + details
        )
    return Msg("exercises.labels_wrong", name=name, details=details)


def _order_problem(found: pd.Index, expected: pd.Index, *, name: str) -> Msg | None:
    if _norm_index(found) != _norm_index(expected):
        return Msg("exercises.order_wrong", name=name)
    return None


def _values_problem(
    found: pd.Series,
    expected: pd.Series,
    *,
    name: str,
    rtol: float,
    atol: float,
    column: Hashable | None = None,
) -> Msg | None:
    """Compare two Series already aligned on the same labels."""
    bad = _mismatches(found, expected, rtol, atol)
    if not bad.any():
        return None
    positions = np.flatnonzero(bad)
    parts = []
    for pos in positions[:MAX_DETAILS]:
        fields = dict(
            label=short(_norm_label(expected.index[pos]), 30),
            found=short(found.iloc[pos], 30),
            expected=short(expected.iloc[pos], 30),
        )
        if column is None:
            parts.append(Msg("exercises.value_at", **fields))
        else:
            parts.append(Msg("exercises.value_at_column", column=column, **fields))
    details = join(parts, "core.separator_clauses")
    if len(positions) > MAX_DETAILS:
        details = details + Msg("exercises.and_more", n=len(positions) - MAX_DETAILS)
    return Msg("exercises.values_wrong", name=name, details=details)


# --------------------------------------------------------------------------- Series
def _compare_series(
    value: Any,
    expected: pd.Series,
    *,
    name: str,
    rtol: float,
    atol: float,
    ordered: bool,
    what: str | None,
) -> Msg | None:
    problem = _common_type_problem(value, name, Msg("exercises.kind_series"))
    if problem:
        return problem
    if isinstance(value, pd.DataFrame):
        if value.shape[1] == 1:
            value = value.iloc[:, 0]
        elif (
            expected.index.names[0] is not None
            and all(n in value.columns for n in expected.index.names)
            and value.shape[1] == expected.index.nlevels + 1
        ):
            # e.g. groupby(...).mean().reset_index(): keys as columns, values in the last one
            value = value.set_index(list(expected.index.names)).iloc[:, 0]
        else:
            return Msg("exercises.frame_not_series", name=name)
    if isinstance(value, dict):
        value = pd.Series(value)
    if not isinstance(value, pd.Series):
        return Msg("exercises.wrong_type", name=name, expected=Msg("exercises.kind_series"),
                   found=describe(value))
    problem = _compare_labels(
        value.index, expected.index, name=name, unit=Msg("exercises.unit_values"), what=what
    )
    if problem:
        return problem
    aligned = _reindex_like(value, expected.index)
    problem = _values_problem(aligned, expected, name=name, rtol=rtol, atol=atol)
    if problem:
        return problem
    if ordered:
        return _order_problem(value.index, expected.index, name=name)
    return None


def _reindex_like(found: pd.Series, index: pd.Index) -> pd.Series:
    """Put ``found`` in the order of ``index`` (labels compared after normalising)."""
    positions = {label: i for i, label in enumerate(_norm_index(found.index))}
    order = [positions[label] for label in _norm_index(index)]
    out = found.iloc[order]
    out.index = index
    return out


# --------------------------------------------------------------------------- DataFrame
def _compare_frame(
    value: Any,
    expected: pd.DataFrame,
    *,
    name: str,
    rtol: float,
    atol: float,
    ordered: bool,
    key: Sequence[str] | None,
    extra_columns: bool,
    what: str | None,
) -> Msg | None:
    problem = _common_type_problem(value, name, Msg("exercises.kind_frame"))
    if problem:
        return problem
    if isinstance(value, pd.Series):
        return Msg(
            "exercises.series_not_frame", name=name, columns=_label_list(list(expected.columns), 6)
        )
    if not isinstance(value, pd.DataFrame):
        return Msg("exercises.wrong_type", name=name, expected=Msg("exercises.kind_frame"),
                   found=describe(value))
    if key:
        value, expected = _keyed(value, key), _keyed(expected, key)
        if value is None:
            return Msg("exercises.key_missing", name=name, column=", ".join(key))
    elif (
        expected.index.names[0] is not None
        and value.index.names != expected.index.names
        and all(n in value.columns for n in expected.index.names)
    ):
        value = value.set_index(list(expected.index.names))
    missing = [c for c in expected.columns if c not in value.columns]
    if missing:
        return Msg("exercises.columns_missing", name=name, columns=_label_list(missing, 6))
    extra = [c for c in value.columns if c not in expected.columns]
    if extra and not extra_columns:
        return Msg("exercises.columns_extra", name=name, columns=_label_list(extra, 6))
    problem = _rows_problem(value, expected, name=name, key=key, what=what)
    if problem:
        return problem
    for column in expected.columns:
        aligned = _reindex_like(value[column], expected.index)
        problem = _values_problem(
            aligned, expected[column], name=name, rtol=rtol, atol=atol, column=column
        )
        if problem:
            return problem
    if ordered:
        return _order_problem(value.index, expected.index, name=name)
    return None


def _rows_problem(
    value: pd.DataFrame, expected: pd.DataFrame, *, name: str, key: Sequence[str] | None,
    what: str | None,
) -> Msg | None:
    """What is wrong with the rows of a table (labels missing, extra, duplicated)."""
    f, e = _norm_index(value.index), _norm_index(expected.index)
    if set(f) != set(e) or len(f) != len(e):
        if len(set(f)) < len(f):
            dup = sorted({x for x in f if f.count(x) > 1}, key=str)
            return Msg("exercises.duplicate_labels", name=name, labels=_label_list(dup))
        if isinstance(value.index, pd.RangeIndex) and not isinstance(
            expected.index, pd.RangeIndex
        ) and not key:
            return Msg(
                "exercises.labels_numbered", name=name, expected=what or "the row labels",
                example=_label_list(e, 3),
            )
        missing_rows = [x for x in e if x not in set(f)]
        extra_rows = [x for x in f if x not in set(e)]
        details = Msg(
            "exercises.rows_which",
            extra=_label_list(extra_rows) if extra_rows else Msg("exercises.none_list"),
            missing=_label_list(missing_rows) if missing_rows else Msg("exercises.none_list"),
        )
        if len(f) == len(e):
            return Msg("exercises.rows_differ", name=name, details=details)
        return Msg("exercises.rows_wrong", name=name, found=len(f), expected=len(e),
                   details=details)
    return None


def _keyed(frame: pd.DataFrame, key: Sequence[str]) -> pd.DataFrame | None:
    key = list(key)
    if all(k in frame.columns for k in key):
        return frame.set_index(key)
    if list(frame.index.names) == key:
        return frame
    return None


# --------------------------------------------------------------------------- sequences
def _compare_sequence(
    value: Any, expected: Sequence[Any] | set[Any], *, name: str, rtol: float, atol: float,
    ordered: bool,
) -> Msg | None:
    problem = _common_type_problem(value, name, Msg("exercises.kind_list"))
    if problem:
        return problem
    if isinstance(value, str) or not isinstance(
        value, list | tuple | set | frozenset | np.ndarray | pd.Series | pd.Index
    ):
        return Msg("exercises.wrong_type", name=name, expected=Msg("exercises.kind_list"),
                   found=describe(value))
    found = [_norm_label(x) for x in (value.tolist() if hasattr(value, "tolist") else value)]
    exp = [_norm_label(x) for x in expected]
    if isinstance(expected, set | frozenset) or not ordered:
        if sorted(map(repr, found)) == sorted(map(repr, exp)):
            return None
        return _compare_labels(
            pd.Index(found, dtype=object), pd.Index(exp, dtype=object), name=name,
            unit=Msg("exercises.unit_items"), what=None,
        ) or Msg("exercises.text_wrong", name=name, found=short(value))
    if len(found) != len(exp):
        return Msg("exercises.length_wrong", name=name, found=len(found), expected=len(exp),
                   unit=Msg("exercises.unit_items"))
    if all(_scalar_equal(a, b, rtol, atol) for a, b in zip(found, exp, strict=True)):
        return None
    if sorted(map(repr, found)) == sorted(map(repr, exp)):
        return Msg("exercises.order_wrong", name=name)
    return Msg("exercises.text_wrong", name=name, found=short(value))


# --------------------------------------------------------------------------- entry point
def compare(
    value: Any,
    expected: Any,
    *,
    name: str = "answer",
    rtol: float = 1e-6,
    atol: float = 1e-9,
    ordered: bool = False,
    key: Sequence[str] | str | None = None,
    extra_columns: bool = False,
    case: bool = False,
    percent_check: bool = True,
    what: str | None = None,
) -> Msg | None:
    """Compare a learner's ``value`` with ``expected``; ``None`` means they match.

    Parameters
    ----------
    value : object
        The learner's answer.
    expected : number, str, bool, list, set, Series or DataFrame
        The expected answer; its type decides how the two are compared.
    name : str
        The learner's variable name, used in messages.
    rtol, atol : float
        Relative and absolute tolerance for numbers (as in :func:`math.isclose`).
    ordered : bool
        Whether the order of labels, rows or items matters.
    key : str or list of str, optional
        For DataFrames: the column(s) that identify a row (e.g. ``"village_id"``), so
        that a table is matched row by row whether or not the learner reset its index.
    extra_columns : bool
        For DataFrames: accept columns beyond the expected ones.
    case : bool
        For text: whether upper/lower case matters.
    percent_check : bool
        For numbers: recognise a percentage given for a proportion and vice versa.
    what : str, optional
        What the labels are (``"township"``), for the message about lost labels.

    Returns
    -------
    Msg or None
        ``None`` if the answer matches, otherwise a message saying what differs.

    Examples
    --------
    >>> compare("60", 60, name="n").render("en")  # doctest: +ELLIPSIS
    "`n` is the text '60', not a number. Remove the quotes, ..."
    """
    if isinstance(key, str):
        key = [key]
    if isinstance(expected, pd.DataFrame):
        return _compare_frame(
            value, expected, name=name, rtol=rtol, atol=atol, ordered=ordered, key=key,
            extra_columns=extra_columns, what=what,
        )
    if isinstance(expected, pd.Series):
        return _compare_series(
            value, expected, name=name, rtol=rtol, atol=atol, ordered=ordered, what=what
        )
    if isinstance(expected, bool | np.bool_):
        return _compare_bool(value, bool(expected), name=name)
    if is_number(expected):
        return _compare_number(
            value, expected, name=name, rtol=rtol, atol=atol, percent_check=percent_check
        )
    if isinstance(expected, str):
        return _compare_text(value, expected, name=name, case=case)
    if isinstance(expected, list | tuple | set | frozenset):
        return _compare_sequence(
            value, expected, name=name, rtol=rtol, atol=atol, ordered=ordered
        )
    problem = _common_type_problem(value, name, Msg("exercises.desc_other",
                                                    kind=type(expected).__name__))
    if problem:
        return problem
    try:
        same = bool(value == expected)
    except Exception:
        same = False
    return None if same else Msg("exercises.text_wrong", name=name, found=short(value))
