"""The pieces of the answer hand-over's format: limits, bounded JSON, arrays, checked fields.

A leaf of the codec (:mod:`.codec` puts the pieces together, :mod:`.codec_frames`
adds pandas). Everything that reads a file here checks sizes **before** it builds
anything: the JSON text against :data:`LIMITS` before it is parsed, a declared
shape against the cells still allowed, a base64 text against the length it must
have for that shape.

Examples
--------
>>> import numpy as np
>>> from ruralkit.exercises.codec_base import Budget, decode_ndarray, encode_ndarray
>>> record = encode_ndarray(np.array([1.5, 2.0]), lambda v: v)
>>> record["dtype"], record["shape"]
('<f8', [2])
>>> decode_ndarray(record, Budget(), lambda v: v)
array([1.5, 2. ])
>>> decode_ndarray({**record, "shape": [10**4, 10**4]}, Budget(), lambda v: v)
Traceback (most recent call last):
ruralkit.exercises.codec_base.BadValue: more than 20000000 cells
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ruralkit.i18n import RuralkitError

__all__ = [
    "LIMITS", "Limits", "Budget", "HandoverError", "BadValue", "CannotEncode", "scan", "load_json",
    "RAW_KINDS", "b64", "encode_float", "encode_int", "encode_text", "encode_ndarray",
    "fields_of", "want", "b64_bytes", "parse_dtype", "decode_ndarray", "number", "whole",
    "short_text", "hashable",
]


@dataclass(frozen=True)
class Limits:
    """What an answer file may hold; each limit is checked before what it bounds is built."""

    file_bytes: int = 64 * 1024 * 1024  #: bytes read from the file, at most
    tokens: int = 500_000  #: JSON values in the file (counted from its separators)
    containers: int = 100_000  #: JSON lists and objects in the file
    depth: int = 32  #: nesting of JSON lists and objects
    cells: int = 20_000_000  #: elements of all decoded arrays, lists and ranges together
    dims: int = 32  #: dimensions of one array
    text: int = 1_000_000  #: characters of one text (a label, a cell, an answer)
    int_digits: int = 400  #: digits of one whole number
    nesting: int = 6  #: Python containers inside containers handed in (deeper: a stand-in)


LIMITS = Limits()


class HandoverError(RuralkitError):
    """The answer file as a whole cannot be read (too large, too deep, not JSON, ...)."""


class BadValue(ValueError):
    """One handed-over value does not follow the format (the grader marks it unreadable)."""


class CannotEncode(Exception):
    """Kernel side: a value over the limits or outside the format (handed in as a stand-in)."""


class Budget:
    """The cells still allowed while decoding one file (shared by all its values)."""

    def __init__(self, limits: Limits = LIMITS) -> None:
        self.limits = limits
        self.cells = limits.cells

    def take(self, n: int) -> None:
        """Use ``n`` cells, or :class:`BadValue` if that is more than are left."""
        if n < 0 or n > self.cells:
            raise BadValue(f"more than {self.limits.cells} cells")
        self.cells -= n


# =========================================================================== bounded JSON
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKET = re.compile(r"[\[\]{}]")


def scan(text: str, limits: Limits = LIMITS) -> tuple[int, int, int]:
    """``(tokens, containers, depth)`` of JSON ``text`` (upper bounds; strings skipped).

    Raises :class:`HandoverError` when one is over ``limits``. Counting runs at C speed
    over the text; the loop that measures the depth runs only once the number of
    brackets is known to be small.

    Examples
    --------
    >>> scan('{"a": [1, 2, "[,"]}')
    (6, 2, 2)
    """
    bare = _STRING.sub('""', text)
    containers = bare.count("[") + bare.count("{")
    tokens = bare.count(",") + bare.count(":") + containers + 1
    if containers > limits.containers or tokens > limits.tokens:
        raise HandoverError.of("exercises.handover_too_many", limit=limits.tokens)
    depth = deepest = 0
    for match in _BRACKET.finditer(bare):
        depth += 1 if match.group() in "[{" else -1
        deepest = max(deepest, depth)
        if deepest > limits.depth:
            raise HandoverError.of("exercises.handover_too_deep", limit=limits.depth)
    return tokens, containers, deepest


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise HandoverError.of("exercises.handover_duplicate_key", key=repr(key[:40]))
        out[key] = value
    return out


def _constant(name: str) -> Any:
    raise HandoverError.of("exercises.handover_bad_number", number=name)


def load_json(text: str, limits: Limits = LIMITS) -> Any:
    """Parse JSON ``text`` after :func:`scan`: no ``NaN``/``Infinity``, no key twice in one
    object, no whole number over ``limits.int_digits`` digits, no float that overflows.
    Raises :class:`HandoverError`.

    Examples
    --------
    >>> load_json('{"a": [1, 2.5, null]}')
    {'a': [1, 2.5, None]}
    >>> load_json('{"a": 1, "a": 2}')
    Traceback (most recent call last):
    ruralkit.exercises.codec_base.HandoverError: the answer file names the key 'a' twice
    """
    scan(text, limits)

    def parse_whole(digits: str) -> int:
        if len(digits.lstrip("-")) > limits.int_digits:
            raise HandoverError.of("exercises.handover_bad_number", number=digits[:20] + "…")
        return int(digits)

    def parse_real(digits: str) -> float:
        value = float(digits) if len(digits) <= 1000 else math.inf
        if not math.isfinite(value):
            raise HandoverError.of("exercises.handover_bad_number", number=digits[:20])
        return value

    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant,
                          parse_int=parse_whole, parse_float=parse_real)
    except HandoverError:
        raise
    except (ValueError, RecursionError) as exc:
        raise HandoverError.of("exercises.handover_not_json", error=str(exc)[:120]) from None


# =========================================================================== writing
RAW_KINDS = "biufcmMUS"  #: numpy dtype kinds written as raw bytes


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def encode_float(x: float) -> Any:
    """A float; a tagged record for NaN and infinities (which JSON does not have)."""
    if math.isfinite(x):
        return x
    return {"$": "float", "v": "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")}


def encode_int(x: int, limits: Limits = LIMITS) -> int:
    if x.bit_length() > limits.int_digits * 3:  # 3 bits < one decimal digit
        raise CannotEncode("a whole number with too many digits")
    return x


def encode_text(x: str, limits: Limits = LIMITS) -> str:
    if len(x) > limits.text:
        raise CannotEncode("a text that is too long")
    return x


def encode_ndarray(array: np.ndarray, encode_item: Callable[[Any], Any],
                   limits: Limits = LIMITS) -> dict[str, Any]:
    """A numpy array: raw bytes for fixed-size dtypes; for objects, the distinct values
    (each through ``encode_item``) and one ``int32`` code per element."""
    if array.ndim > limits.dims or array.size > limits.cells:
        raise CannotEncode("array")
    shape = [int(n) for n in array.shape]
    if array.dtype.kind in RAW_KINDS and array.dtype.itemsize > 0:
        raw = np.ascontiguousarray(array).tobytes()
        return {"$": "ndarray", "dtype": array.dtype.str, "shape": shape, "b64": b64(raw)}
    if array.dtype.kind != "O":
        raise CannotEncode(f"arrays of dtype {array.dtype}")
    uniques: list[Any] = []
    seen: dict[Any, int] = {}
    codes = np.empty(array.size, dtype="<i4")
    for i, item in enumerate(array.ravel(order="C")):
        key: Any = (type(item), item)
        try:
            hash(key)
        except TypeError:
            key = ("id", id(item))
        code = seen.get(key)
        if code is None:
            code = seen[key] = len(uniques)
            uniques.append(encode_item(item))
        codes[i] = code
    return {"$": "ndarray", "dtype": "object", "shape": shape, "uniques": uniques,
            "codes": b64(codes.tobytes())}


# =========================================================================== reading
def fields_of(obj: dict[str, Any], tag: str, required: tuple[str, ...],
              optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """``obj`` if it has exactly the fields ``required`` (plus some of ``optional``)."""
    keys = set(obj) - {"$"}
    if not set(required) <= keys or not keys <= set(required) | set(optional):
        raise BadValue(f"a {tag!r} record with fields {sorted(keys)[:10]}")
    return obj


def want(value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    """``value`` if it is of JSON type ``kind`` (a bool is never a number here)."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        raise BadValue(f"{what}: a bool where {kinds[0].__name__} was expected")
    if not isinstance(value, kinds):
        raise BadValue(f"{what}: {type(value).__name__} where {kinds[0].__name__} was expected")
    return value


def b64_bytes(text: Any, size: int, what: str) -> bytes:
    """Decode base64 ``text`` that must hold exactly ``size`` bytes (length checked first)."""
    want(text, str, what)
    if len(text) != 4 * math.ceil(size / 3):
        raise BadValue(f"{what}: {len(text)} base64 characters for {size} bytes")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise BadValue(f"{what}: not base64") from None
    if len(raw) != size:
        raise BadValue(f"{what}: {len(raw)} bytes, not {size}")
    return raw


_DTYPE = re.compile(r"^[<>|=]([biufcmMUS])(\d{1,4})(\[[A-Za-z0-9]{1,6}\])?$")


def parse_dtype(text: Any) -> np.dtype:
    """A numpy dtype from its ``.str`` (fixed-size kinds only), or ``"object"``."""
    want(text, str, "dtype")
    if text == "object":
        return np.dtype(object)
    match = _DTYPE.match(text)
    if not match or (match.group(3) and match.group(1) not in "mM"):
        raise BadValue(f"dtype {text[:30]!r}")
    try:
        dtype = np.dtype(text)
    except TypeError:
        raise BadValue(f"dtype {text[:30]!r}") from None
    if dtype.itemsize == 0 or dtype.kind not in RAW_KINDS:
        raise BadValue(f"dtype {text[:30]!r}")
    return dtype


def _count(shape: Any, budget: Budget) -> int:
    want(shape, list, "shape")
    if len(shape) > budget.limits.dims:
        raise BadValue("too many dimensions")
    count = 1
    for n in shape:
        if want(n, int, "shape") < 0 or n > budget.limits.cells:
            raise BadValue("a dimension out of range")
        count *= n
    budget.take(count)
    return count


def decode_ndarray(obj: Any, budget: Budget, decode_item: Callable[[Any], Any]) -> np.ndarray:
    """The array of an ``ndarray`` record; its size is checked before anything is built."""
    want(obj, dict, "array")
    if obj.get("$") != "ndarray":
        raise BadValue("an array that is not an ndarray record")
    dtype = parse_dtype(obj.get("dtype"))
    if dtype.kind != "O":
        fields_of(obj, "ndarray", ("dtype", "shape", "b64"))
        count = _count(obj["shape"], budget)
        raw = b64_bytes(obj["b64"], count * dtype.itemsize, "array data")
        return np.frombuffer(bytearray(raw), dtype=dtype).reshape(obj["shape"])
    fields_of(obj, "ndarray", ("dtype", "shape", "uniques", "codes"))
    count = _count(obj["shape"], budget)
    uniques = want(obj["uniques"], list, "uniques")
    if len(uniques) > max(count, 1):
        raise BadValue("more distinct values than elements")
    codes = np.frombuffer(b64_bytes(obj["codes"], count * 4, "codes"), dtype="<i4")
    if count and (codes.min() < 0 or codes.max() >= len(uniques)):
        raise BadValue("a code out of range")
    table = np.empty(len(uniques), dtype=object)
    for i, item in enumerate(uniques):
        table[i] = decode_item(item)
    return table[codes].reshape(obj["shape"])


def number(obj: Any, what: str) -> float:
    """A float written as a JSON number or as a non-finite ``float`` record."""
    if isinstance(obj, dict):
        special = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
        fields_of(obj, "float", ("v",))
        if obj.get("$") != "float" or obj["v"] not in special:
            raise BadValue(f"{what}: not a float")
        return special[obj["v"]]
    if isinstance(obj, int) and not isinstance(obj, bool):
        return float(obj)
    return want(obj, float, what)


def whole(obj: Any, what: str) -> int:
    return want(obj, int, what)


def short_text(obj: Any, what: str, limit: int = 100) -> str:
    text = want(obj, str, what)
    if len(text) > limit:
        raise BadValue(f"{what}: longer than {limit} characters")
    return text


def hashable(value: Any) -> Any:
    """``value`` if it can be a key or a label."""
    try:
        hash(value)
    except TypeError:
        raise BadValue("an unhashable key or label") from None
    return value
