"""Which names of a notebook's namespace hold the learner's own data (a leaf module).

Examples
--------
>>> from ruralkit.exercises.names import data_names
>>> data_names({"villages": [1], "len": len, "_x": 1, "In": []})
['villages']
"""

from __future__ import annotations

import keyword
import types
from collections.abc import Mapping
from typing import Any

__all__ = ["data_names", "MAX_NAMES"]

MAX_NAMES = 2000

_HIDDEN_NAMES = {"In", "Out", "exit", "quit", "get_ipython", "open"}


def data_names(namespace: Mapping[str, Any]) -> list[str]:
    """The names in a notebook's namespace that hold data the learner made.

    Left out: modules, classes, functions and other callables (``Design``,
    ``suppress_small_cells``, ``rk``), the question objects ``q1, q2, ...``,
    ``____``, names starting with ``_`` and IPython's own (``In``, ``Out``, ...).
    These are the only names a "did you mean" suggestion may offer.
    """
    hidden: set[str] = set(_HIDDEN_NAMES)
    try:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is not None and namespace is shell.user_ns:
            hidden |= set(getattr(shell, "user_ns_hidden", {}) or {})
    except Exception:  # pragma: no cover - IPython comes with Jupyter
        pass
    names = []
    for name, value in list(namespace.items()):
        if not isinstance(name, str) or name.startswith("_") or name in hidden:
            continue
        if not name.isidentifier() or keyword.iskeyword(name):
            continue
        try:
            if isinstance(value, types.ModuleType | type) or callable(value):
                continue
            if type(value).__name__ == "ProblemView":
                continue
        except Exception:
            continue
        names.append(name)
    return names[:MAX_NAMES]
