"""The ``____`` a learner replaces with an answer (a leaf module: imports nothing of ours).

Examples
--------
>>> from ruralkit.exercises.placeholder import PLACEHOLDER, is_placeholder
>>> PLACEHOLDER
____
>>> is_placeholder(PLACEHOLDER), is_placeholder(0)
(True, False)
"""

from __future__ import annotations

from typing import ClassVar

__all__ = ["PLACEHOLDER", "is_placeholder"]


class _Placeholder:
    """The ``____`` a learner replaces with an answer."""

    _instance: ClassVar[_Placeholder | None] = None
    _ruralkit_placeholder: ClassVar[bool] = True

    def __new__(cls) -> _Placeholder:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "____"

    def __reduce__(self) -> str:
        return "PLACEHOLDER"


PLACEHOLDER = _Placeholder()


def is_placeholder(value: object) -> bool:
    """True for ``____``, also one made by an earlier import of ruralkit (the grader
    re-imports the package inside the learner's kernel)."""
    return value is PLACEHOLDER or (
        type(value).__name__ == "_Placeholder"
        and getattr(type(value), "_ruralkit_placeholder", False) is True
    )
