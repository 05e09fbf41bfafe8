"""Answers as plain JSON data with bounded size: the format of the answer hand-over.

The learner's kernel writes its answers with :func:`encode`; the grader reads
them back with :func:`~.codec_base.load_json` (limits checked before anything is
parsed) and :func:`decode` (a strict schema). Nothing here can run code or call
a class named in the file, and nothing the file *declares* (a length, a shape,
a number of digits) is built before it is checked against the bytes really
there and against :data:`~.codec_base.LIMITS`.

The format
----------
A value is JSON: ``null``, ``true``/``false``, a string, a whole number, a
finite float, a list (a Python list), or an object with a type tag ``"$"`` and
exactly the fields of its tag::

    {"$": "float", "v": "nan" | "inf" | "-inf"}      a float JSON cannot write
    {"$": "tuple" | "set" | "frozenset", "items": [value, ...]}
    {"$": "dict", "items": [[key, value], ...]}      keys hashable, never twice
    {"$": "complex", "re": float, "im": float}
    {"$": "bytes" | "bytearray", "b64": str}
    {"$": "range", "start": int, "stop": int, "step": int}
    {"$": "date" | "datetime" | "time", "iso": str}
    {"$": "timedelta", "days": int, "seconds": int, "microseconds": int}
    {"$": "decimal", "text": str}   {"$": "fraction", "n": int, "d": int}
    {"$": "placeholder"}            the ``____`` of an unanswered part
    {"$": "facts", "kind": str, "fields": {name: value}}   a Facts record or Opaque stand-in
    {"$": "np.scalar", "array": ndarray}     a numpy scalar (a 0-d array)
    {"$": "np.dtype", "str": str}
    {"$": "ndarray", "dtype": str, "shape": [int], "b64": str}    raw bytes (numbers, bool,
                                                                  datetime64, fixed text), or
    {"$": "ndarray", "dtype": "object", "shape": [int], "uniques": [value], "codes": b64 int32}
    pandas: "frame", "series", "index", "array", "timestamp", "pd.timedelta", "period",
    "interval", "NA", "NaT" (see :mod:`.codec_frames`)

Anything else (a module, a function, an object of another class, a subclass of
DataFrame) is written as the :class:`~.facts.Opaque` stand-in that says what it was.

Examples
--------
>>> import json
>>> import numpy as np
>>> from ruralkit.exercises.codec import decode, encode
>>> from ruralkit.exercises.codec_base import load_json
>>> text = json.dumps(encode([1.5, float("nan"), (2, "a")]))
>>> text
'[1.5, {"$": "float", "v": "nan"}, {"$": "tuple", "items": [2, "a"]}]'
>>> decode(load_json(text))
[1.5, nan, (2, 'a')]
>>> decode(load_json(json.dumps(encode(np.arange(3)))))
array([0, 1, 2])
>>> decode(load_json(json.dumps(encode(len)))).type_name
'builtin_function_or_method'
"""

from __future__ import annotations

import datetime
import decimal
import fractions
from typing import Any

import numpy as np

from .codec_base import (
    LIMITS,
    RAW_KINDS,
    BadValue,
    Budget,
    CannotEncode,
    Limits,
    b64,
    b64_bytes,
    decode_ndarray,
    encode_float,
    encode_int,
    encode_ndarray,
    encode_text,
    fields_of,
    hashable,
    number,
    parse_dtype,
    short_text,
    want,
    whole,
)
from .codec_frames import decode_pandas, encode_pandas
from .facts import Facts, Opaque, restore
from .placeholder import PLACEHOLDER, is_placeholder

__all__ = ["encode", "decode"]

_TIMES = {"date": datetime.date, "datetime": datetime.datetime, "time": datetime.time}


# =========================================================================== writing
def _encode_scalar(value: Any, limits: Limits) -> tuple[bool, Any]:
    """``(True, encoded)`` for a plain Python scalar, ``(False, None)`` otherwise."""
    kind = type(value)
    if value is None or kind is bool:
        return True, value
    simple = {int: lambda: encode_int(value, limits), float: lambda: encode_float(value),
              str: lambda: encode_text(value, limits)}
    if kind in simple:
        return True, simple[kind]()
    if kind is complex:
        return True, {"$": "complex", "re": encode_float(value.real),
                      "im": encode_float(value.imag)}
    if kind in (bytes, bytearray):
        if len(value) > limits.text:
            raise CannotEncode("bytes")
        return True, {"$": kind.__name__, "b64": b64(bytes(value))}
    if kind is range:
        if len(value) > limits.cells:
            raise CannotEncode("range")
        return True, {"$": "range", "start": encode_int(value.start, limits),
                      "stop": encode_int(value.stop, limits),
                      "step": encode_int(value.step, limits)}
    if kind in _TIMES.values():
        return True, {"$": kind.__name__, "iso": value.isoformat()}
    if kind is datetime.timedelta:
        return True, {"$": "timedelta", "days": value.days, "seconds": value.seconds,
                      "microseconds": value.microseconds}
    if kind is decimal.Decimal:
        return True, {"$": "decimal", "text": encode_text(str(value)[:500], limits)}
    if kind is fractions.Fraction:
        return True, {"$": "fraction", "n": encode_int(value.numerator, limits),
                      "d": encode_int(value.denominator, limits)}
    return False, None


def _encode_numpy(value: Any, limits: Limits, depth: int) -> tuple[bool, Any]:
    if type(value) is np.ndarray:
        return True, encode_ndarray(value, lambda v: encode(v, limits, depth + 1), limits)
    if isinstance(value, np.generic) and type(value).__module__ == "numpy":
        array = np.asarray(value).reshape(())
        if array.dtype.kind not in RAW_KINDS:
            raise CannotEncode("a numpy scalar of another kind")
        return True, {"$": "np.scalar", "array": encode_ndarray(array, lambda v: None, limits)}
    if isinstance(value, np.dtype) and value.kind in RAW_KINDS + "O" and value.itemsize:
        return True, {"$": "np.dtype", "str": "object" if value.kind == "O" else value.str}
    return False, None


def _encode_container(value: Any, limits: Limits, depth: int) -> tuple[bool, Any]:
    kind = type(value)
    is_namedtuple = isinstance(value, tuple) and hasattr(value, "_fields")
    if depth >= limits.nesting or not (kind in (list, tuple, set, frozenset, dict)
                                       or is_namedtuple):
        return False, None
    if len(value) > limits.cells:
        raise CannotEncode("a container with too many items")
    if kind is dict:
        return True, {"$": "dict", "items": [[encode(k, limits, depth + 1),
                                              encode(v, limits, depth + 1)]
                                             for k, v in value.items()]}
    items = [encode(v, limits, depth + 1) for v in value]
    if kind is list:
        return True, items
    return True, {"$": "tuple" if is_namedtuple else kind.__name__, "items": items}


def encode(value: Any, limits: Limits = LIMITS, depth: int = 0) -> Any:
    """``value`` as JSON-ready plain data (see the module's format).

    What the format does not hold (a module, a function, an object of another
    class, a DataFrame subclass, containers nested deeper than ``limits.nesting``)
    becomes an :class:`~.facts.Opaque` stand-in saying what it was; a value over the
    limits raises :class:`~.codec_base.CannotEncode`.
    """
    if isinstance(value, Facts):
        kind, fields = value.record()
        return {"$": "facts", "kind": kind,
                "fields": {k: encode(v, limits, depth + 1) for k, v in fields.items()}}
    if is_placeholder(value):
        return {"$": "placeholder"}
    done, encoded = _encode_scalar(value, limits)
    if not done:
        done, encoded = _encode_numpy(value, limits, depth)
    if not done:
        done, encoded = encode_pandas(value, lambda v: encode(v, limits, depth + 1), limits)
    if not done:
        done, encoded = _encode_container(value, limits, depth)
    return encoded if done else encode(Opaque.of(value), limits, depth)


# =========================================================================== reading
def _decode_simple(tag: str, obj: dict[str, Any], budget: Budget) -> Any:
    """Tags of plain Python values; ``NotImplemented`` for other tags."""
    if tag == "float":
        return number(obj, "float")
    if tag == "complex":
        fields_of(obj, tag, ("re", "im"))
        return complex(number(obj["re"], "re"), number(obj["im"], "im"))
    if tag in ("bytes", "bytearray"):
        fields_of(obj, tag, ("b64",))
        text = short_text(obj["b64"], "bytes", budget.limits.text)
        size = len(text) // 4 * 3 - text[-2:].count("=")
        raw = b64_bytes(text, max(size, 0), "bytes")
        return raw if tag == "bytes" else bytearray(raw)
    if tag == "range":
        fields_of(obj, tag, ("start", "stop", "step"))
        made = range(whole(obj["start"], "start"), whole(obj["stop"], "stop"),
                     whole(obj["step"], "step") or 1)
        budget.take(len(made))
        return made
    if tag in _TIMES:
        fields_of(obj, tag, ("iso",))
        return _TIMES[tag].fromisoformat(short_text(obj["iso"], tag))
    if tag == "timedelta":
        fields_of(obj, tag, ("days", "seconds", "microseconds"))
        return datetime.timedelta(days=whole(obj["days"], "days"),
                                  seconds=whole(obj["seconds"], "seconds"),
                                  microseconds=whole(obj["microseconds"], "microseconds"))
    if tag == "decimal":
        fields_of(obj, tag, ("text",))
        return decimal.Decimal(short_text(obj["text"], "decimal", 500))
    if tag == "fraction":
        fields_of(obj, tag, ("n", "d"))
        return fractions.Fraction(whole(obj["n"], "n"), whole(obj["d"], "d"))
    if tag == "placeholder":
        fields_of(obj, tag, ())
        return PLACEHOLDER
    return NotImplemented


def _decode_container(tag: str, obj: dict[str, Any], budget: Budget, depth: int) -> Any:
    """Tuples, sets, dicts and Facts records; ``NotImplemented`` for other tags."""
    if tag in ("tuple", "set", "frozenset"):
        fields_of(obj, tag, ("items",))
        items = want(obj["items"], list, tag)
        budget.take(len(items))
        values = [decode(v, budget, depth + 1) for v in items]
        if tag == "tuple":
            return tuple(values)
        return (set if tag == "set" else frozenset)(hashable(v) for v in values)
    if tag == "dict":
        fields_of(obj, tag, ("items",))
        pairs = want(obj["items"], list, "dict items")
        budget.take(len(pairs))
        out: dict[Any, Any] = {}
        for pair in pairs:
            if not isinstance(pair, list) or len(pair) != 2:
                raise BadValue("a dict item that is not a [key, value] pair")
            key = hashable(decode(pair[0], budget, depth + 1))
            if key in out:
                raise BadValue("a dict that names a key twice")
            out[key] = decode(pair[1], budget, depth + 1)
        return out
    if tag == "facts":
        fields_of(obj, tag, ("kind", "fields"))
        fields = want(obj["fields"], dict, "facts fields")
        try:
            return restore(short_text(obj["kind"], "kind"),
                           {k: decode(v, budget, depth + 1) for k, v in fields.items()})
        except BadValue:
            raise
        except ValueError as exc:
            raise BadValue(str(exc)) from None
    return NotImplemented


def _decode_numpy(tag: str, obj: dict[str, Any], budget: Budget, depth: int) -> Any:
    if tag == "ndarray":
        return decode_ndarray(obj, budget, lambda v: decode(v, budget, depth + 1))
    if tag == "np.scalar":
        fields_of(obj, tag, ("array",))
        array = decode_ndarray(obj["array"], budget, lambda v: None)
        if array.shape != () or array.dtype.kind == "O":
            raise BadValue("a numpy scalar that is not one value")
        return array[()]
    if tag == "np.dtype":
        fields_of(obj, tag, ("str",))
        return parse_dtype(obj["str"])
    return NotImplemented


def decode(obj: Any, budget: Budget | None = None, depth: int = 0) -> Any:
    """The value written as ``obj`` (parsed JSON); :class:`~.codec_base.BadValue` if it
    breaks the format.

    ``budget`` counts the cells of every array, list, range and table decoded with it
    (default: a fresh one), so that one file cannot build more than ``LIMITS.cells``.
    """
    budget = budget if budget is not None else Budget()
    if depth > budget.limits.depth:
        raise BadValue("nested too deeply")
    if obj is None or isinstance(obj, bool | int | float):
        return obj
    if isinstance(obj, str):
        if len(obj) > budget.limits.text:
            raise BadValue("a text that is too long")
        return obj
    if isinstance(obj, list):
        budget.take(len(obj))
        return [decode(v, budget, depth + 1) for v in obj]
    if not isinstance(obj, dict) or not isinstance(obj.get("$"), str):
        raise BadValue("an object without a type tag")
    tag = obj["$"]
    result = _decode_simple(tag, obj, budget)
    if result is NotImplemented:
        result = _decode_container(tag, obj, budget, depth)
    if result is NotImplemented:
        result = _decode_numpy(tag, obj, budget, depth)
    if result is NotImplemented:
        result = decode_pandas(tag, obj, budget, lambda v: decode(v, budget, depth + 1))
    if result is NotImplemented:
        raise BadValue(f"unknown type tag {tag[:40]!r}")
    return result
