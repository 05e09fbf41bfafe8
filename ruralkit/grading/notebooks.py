"""Notebook files: read as plain JSON, write only when the text changed, the set a notebook is.

Examples
--------
>>> notebook_set_key({"metadata": {"ruralkit": {"exercise_set": "1"}}})
'01'
>>> notebook_set_key({"metadata": {}}, "exercises/00_start_here.ipynb")
'00'
>>> notebook_set_key({"metadata": {"ruralkit": {"exercise_set": "²"}}}) is None
True
>>> source_text(["a = 1\\n", "b = 2"])
'a = 1\\nb = 2'
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ruralkit.i18n import RuralkitError
from ruralkit.notebook_run import notebook_text

__all__ = ["notebook_from_json", "notebook_set_key", "notebook_text", "read_notebook",
           "source_text", "write_if_changed"]

#: ``NN_`` at the start of a notebook's file name: the exercise set it belongs to.
SET_KEY = re.compile(r"^(\d\d)_")
#: An exercise set's number as metadata may give it: ASCII digits, at most three
#: (``str.isdigit`` also accepts "²", which ``int`` refuses).
SET_NUMBER = re.compile(r"[0-9]{1,3}")


def read_notebook(path: str | Path) -> dict[str, Any]:
    """Read a notebook as plain JSON (no random ids added), with a clear error.

    Each cell's ``source`` becomes one string.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "x.ipynb"
    ...     _ = path.write_text('{"cells": [], "nbformat": 3}', encoding="utf-8")
    ...     read_notebook(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ruralkit.i18n.RuralkitError: .../x.ipynb: notebook format 3; expected 4.
    """
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as fh:
            nb = json.load(fh)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        # ValueError: also a number past Python's limit on digits
        raise RuralkitError.of("grading.notebook_unreadable", path=path,
                               error=f"{type(exc).__name__}: {exc}") from None
    return notebook_from_json(nb, path)


def notebook_from_json(nb: Any, path: str | Path) -> dict[str, Any]:
    """Check that parsed JSON is a notebook (format 4, a list of cells); join the sources.

    ``path`` only names the file in the error messages.

    Examples
    --------
    >>> notebook_from_json({"cells": [{"cell_type": "code", "source": ["a", "b"]}],
    ...                     "nbformat": 4}, "x.ipynb")["cells"][0]["source"]
    'ab'
    """
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise RuralkitError.of("grading.notebook_no_cells", path=path)
    if nb.get("nbformat") != 4:
        raise RuralkitError.of("grading.notebook_format", path=path,
                               found=repr(nb.get("nbformat"))[:40])
    for cell in nb["cells"]:
        if not isinstance(cell, dict) or "cell_type" not in cell:
            raise RuralkitError.of("grading.notebook_damaged_cell", path=path)
        cell["source"] = source_text(cell.get("source", ""))
    return nb


def source_text(source: str | list[str]) -> str:
    """A cell's source as one string (a notebook file may store it as a list of lines)."""
    return "".join(source) if isinstance(source, list) else str(source)


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` (atomically, ``\\n`` line ends) unless it is already there.

    Returns whether the file was written, so that a rebuild of unchanged
    sources touches no file.
    """
    old = path.read_text(encoding="utf-8") if path.exists() else None
    if old == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    os.replace(tmp, path)
    return True


def notebook_set_key(nb: Mapping[str, Any], path: str | Path | None = None) -> str | None:
    """The exercise set of a notebook: its metadata, else the ``NN_`` of its file name."""
    meta = nb.get("metadata", {}).get("ruralkit", {})
    key = meta.get("exercise_set") if isinstance(meta, dict) else None
    if isinstance(key, int) and not isinstance(key, bool):
        key = str(key)
    if isinstance(key, str) and SET_NUMBER.fullmatch(key):
        return f"{int(key):02d}"
    if path is not None:
        match = SET_KEY.match(Path(path).name)
        if match:
            return match.group(1)
    return None
