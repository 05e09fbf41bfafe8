"""Facts: what a check needs to know about an answer that is an object, as plain values.

A leaf module (it imports nothing of ours), shared by the engine, the comparison
and the answer files.

**The Facts mechanism.** Some answers are objects that cannot leave the learner's
kernel safely: a survey design, a chart. A question whose answer is such an
object names a :class:`Facts` subclass; that subclass says

* which objects it describes (:meth:`Facts.accepts`, by type *name*: the grader
  re-imports ruralkit in the learner's kernel, so ``isinstance`` would miss an
  object made by the earlier copy of a class),
* how to read one (:meth:`Facts.read`, returning the facts as plain values, each
  checked by a validator listed in ``_fields``),
* which fields must equal the expected object's (``_same``; :meth:`Facts.same_as`).

The engine reads the facts of the learner's object (in the learner's kernel when
grading, :meth:`~ruralkit.exercises.engine.Problem.export`), compares them with
the facts of the expected object, and runs the question's mistakes on them.
An object whose reading fails becomes :class:`Unreadable`, with the error.
:class:`~ruralkit.exercises.charts.ChartFacts` and set 01's ``DesignFacts`` are
the two uses today.

Examples
--------
>>> from ruralkit.exercises.facts import Facts, whole, text
>>> class Shape(Facts):
...     kind = "doc_shape"
...     _fields = {"rows": whole, "name": text(50)}
...     @classmethod
...     def accepts(cls, value):
...         return type(value).__name__ == "DataFrame"
...     @classmethod
...     def read(cls, value):
...         return cls(rows=len(value), name=str(value.columns[0]))
>>> import pandas as pd
>>> Shape.take(pd.DataFrame({"a": [1, 2]}))
Shape(rows=2, name='a')
>>> Shape(rows=2, name="a").same_as(Shape(rows=2, name="b"))
False
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, ClassVar

__all__ = [
    "Facts", "Unreadable", "Opaque", "OpaqueCallable", "OpaqueClass", "restore",
    "text", "flag", "whole", "number", "optional", "items_of",
]


class Facts:
    """A small record of plain values extracted from a richer object.

    Subclasses list their fields in ``_fields`` as ``{name: validator}``, where a
    validator turns a value read from a file into the field's value or raises
    ``ValueError``. A Facts crosses from the kernel to the grader as its
    :meth:`record`, ``(kind, {field: value})``, and is rebuilt through
    :func:`restore`, which validates every field, so a made-up file cannot put
    anything but plain values into it.
    """

    kind: ClassVar[str] = ""
    _fields: ClassVar[dict[str, Callable[[Any], Any]]] = {}
    _registry: ClassVar[dict[str, type[Facts]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.kind:
            Facts._registry[cls.kind] = cls

    def __init__(self, **values: Any) -> None:
        unknown = set(values) - set(self._fields)
        if unknown:
            raise TypeError(f"{type(self).__name__}: unknown fields {sorted(unknown)}")
        for name, check in self._fields.items():
            setattr(self, name, check(values.get(name)))

    # -- the Facts mechanism (override in subclasses that describe an object)
    _same: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def accepts(cls, value: Any) -> bool:
        """True when ``value`` is an object these facts describe."""
        return False

    @classmethod
    def read(cls, value: Any) -> Facts:
        """The facts of ``value`` (an object :meth:`accepts` accepted)."""
        raise NotImplementedError

    @classmethod
    def take(cls, value: Any) -> Facts:
        """:meth:`read`, or :class:`Unreadable` with the error when reading fails
        (e.g. a design whose table was changed after it was built)."""
        try:
            return cls.read(value)
        except Exception as exc:
            return Unreadable(facts_kind=cls.kind, error=f"{type(exc).__name__}: {exc}")

    def same_as(self, other: Facts, *, rtol: float = 1e-9) -> bool:
        """True when the fields in ``_same`` (default: all) equal ``other``'s;
        numbers within ``rtol``."""
        for name in self._same or tuple(self._fields):
            mine, theirs = getattr(self, name), getattr(other, name)
            if isinstance(mine, float) or isinstance(theirs, float):
                if not math.isclose(mine, theirs, rel_tol=rtol):
                    return False
            elif mine != theirs:
                return False
        return True

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._fields}

    def record(self) -> tuple[str, dict[str, Any]]:
        """``(kind, {field: value})``: what the hand-over writes (see :func:`restore`)."""
        return self.kind, self.as_dict()

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.as_dict() == self.as_dict()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.as_dict().items())
        return f"{type(self).__name__}({fields})"


def restore(kind: Any, fields: Any) -> Any:
    """Rebuild a :class:`Facts` (or an :class:`Opaque` stand-in) from its :meth:`~Facts.record`
    read from a file; ``ValueError`` for an unknown kind or a field that is not valid.

    Examples
    --------
    >>> restore("opaque", Opaque.of(len).as_dict())("x")
    Traceback (most recent call last):
    TypeError: a function handed in as an answer cannot be called by the grader
    """
    cls = Facts._registry.get(kind) if isinstance(kind, str) else None
    if cls is None or not isinstance(fields, dict):
        raise ValueError(f"unknown record {str(kind)[:40]!r}")
    try:
        record = cls(**{k: v for k, v in fields.items() if isinstance(k, str)})
    except (TypeError, ValueError) as exc:
        raise ValueError(f"bad {kind} record: {str(exc)[:200]}") from None
    return record._rebuilt() if isinstance(record, Opaque) else record


# -- validators
def text(limit: int = 500) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise ValueError(f"expected text, got {type(value).__name__}")
        return value[:limit]

    return check


def flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected True or False, got {type(value).__name__}")
    return value


def whole(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"expected a whole number, got {type(value).__name__}")
    return value


def number(value: Any) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ValueError(f"expected a number, got {type(value).__name__}")
    return float(value)


def optional(check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def inner(value: Any) -> Any:
        return None if value is None else check(value)

    return inner


def items_of(check: Callable[[Any], Any], limit: int = 100_000) -> Callable[[Any], list[Any]]:
    def inner(value: Any) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list | tuple) or len(value) > limit:
            raise ValueError("expected a list")
        return [check(v) for v in value]

    return inner


class Opaque(Facts):
    """What the grader knows of a value it could not take out of the kernel."""

    kind = "opaque"
    _fields = {
        "type_name": text(200),
        "module": text(200),
        "is_callable": flag,
        "is_class": flag,
        "class_name": text(200),
        "unreadable": flag,
    }

    @classmethod
    def of(cls, value: Any, *, unreadable: bool = False) -> Opaque:
        is_class = isinstance(value, type)
        return cls(
            type_name=type(value).__name__,
            module=str(getattr(type(value), "__module__", "") or ""),
            is_callable=callable(value),
            is_class=is_class,
            class_name=str(getattr(value, "__name__", "")) if is_class else "",
            unreadable=unreadable,
        )

    def _rebuilt(self) -> Any:
        """A class stand-in for a class, a callable one for a function, else itself."""
        if self.is_class:
            name = self.class_name if self.class_name.isidentifier() else "Class"
            return type(name, (OpaqueClass,), {"__module__": self.module or "unknown"})
        if self.is_callable and type(self) is Opaque:
            return OpaqueCallable(**self.as_dict())
        return self

    @property
    def description(self) -> str:
        return self.type_name


class OpaqueCallable(Opaque):
    """Stand-in for a function or other callable (``callable()`` is true)."""

    kind = ""  # written as "opaque", via Opaque.kind

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("a function handed in as an answer cannot be called by the grader")

    def record(self) -> tuple[str, dict[str, Any]]:
        return Opaque.kind, self.as_dict()


class OpaqueClass:
    """Base of the stand-ins made for a class handed in as an answer."""


class Unreadable(Facts):
    """An object of the right kind whose facts could not be read (reading raised)."""

    kind = "unreadable"
    _fields = {"facts_kind": text(100), "error": text(300)}
