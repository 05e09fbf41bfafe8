"""What the engine reads from a set's master notebook: the solutions and the code
that sets a learner's notebook up (JSON and regular expressions; of the package it
imports only :mod:`ruralkit.editions`, which says which cells an edition has).

The master is the one place where a question's solution is written, as lines
marked ``# SOLUTION`` (``# SOLUTION: <student line>``) or a ``### BEGIN SOLUTION``
/ ``### END SOLUTION`` block, in the code cells before the question's
``qN.check()`` cell. ``q.solution()`` shows those lines; the master -> student
build (:mod:`ruralkit.grading`) replaces them with ``____``.

Examples
--------
>>> cells = [
...     {"cell_type": "code", "source": "n = len(villages)  # SOLUTION"},
...     {"cell_type": "code", "source": "q1.check()"},
...     {"cell_type": "code", "source": "# INSTRUCTOR ONLY\\nq1.self_test()"},
... ]
>>> solutions({"cells": cells})
{'q1': 'n = len(villages)'}
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ruralkit.editions import cell_language

__all__ = ["read_master", "solutions", "given_code", "find_master", "INSTRUCTOR_TAG"]

INSTRUCTOR_TAG = "instructor"
_SOLUTION_LINE = re.compile(r"^(?P<indent>\s*)(?P<code>.*?)\s*#\s*SOLUTION\b.*$")
_BEGIN = re.compile(r"^\s*#*\s*BEGIN SOLUTION\s*$", re.I)
_END = re.compile(r"^\s*#*\s*END SOLUTION\s*$", re.I)
_INSTRUCTOR_LINE = re.compile(r"^\s*(<!--\s*)?#\s*INSTRUCTOR ONLY\b", re.I)
_CHECK_CELL = re.compile(r"^\s*(?P<label>q\d+)\.check\(\)\s*$")
_QUESTION_CALL = re.compile(r"^\s*#?\s*q\d+\.\w+\(")


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def is_instructor_cell(cell: Mapping[str, Any]) -> bool:
    """A cell the student notebook leaves out (tag ``instructor`` or ``# INSTRUCTOR ONLY``)."""
    if INSTRUCTOR_TAG in cell.get("metadata", {}).get("tags", []):
        return True
    first = next((ln for ln in _source(cell).splitlines() if ln.strip()), "")
    return bool(_INSTRUCTOR_LINE.match(first))


def read_master(path: str | Path) -> dict[str, Any]:
    """The master notebook at ``path`` as a dict (JSON, no validation)."""
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _solution_lines(source: str) -> list[str]:
    lines, in_block = [], False
    for line in source.split("\n"):
        if _BEGIN.match(line):
            in_block = True
        elif _END.match(line):
            in_block = False
        elif in_block:
            lines.append(line)
        else:
            marked = _SOLUTION_LINE.match(line)
            if marked:
                lines.append(marked.group("indent") + marked.group("code"))
    return lines


def _code_cells(nb: Mapping[str, Any]) -> Iterable[str]:
    """The code a learner runs: the shared cells and the English edition's own.

    (A bilingual master keeps its solutions in shared cells; a cell of one edition
    only, such as Chinese table headings, has an English twin that does the same.)
    """
    for cell in nb.get("cells", []):
        if (cell.get("cell_type") == "code" and not is_instructor_cell(cell)
                and cell_language(cell) in (None, "en")):
            yield _source(cell)


def solutions(nb: Mapping[str, Any]) -> dict[str, str]:
    """``{label: solution code}``: the solution lines before each ``qN.check()`` cell."""
    found: dict[str, str] = {}
    pending: list[str] = []
    for source in _code_cells(nb):
        check = _CHECK_CELL.match(source)
        if check:
            found[check.group("label")] = "\n".join(pending)
            pending = []
        else:
            pending.extend(_solution_lines(source))
    return found


def given_code(nb: Mapping[str, Any]) -> list[str]:
    """The master's code cells a learner runs, solutions included, without the
    instructor's cells and the ``qN.check()``/``qN.hint()`` cells: running them in
    order solves the set (what the tests do)."""
    out = []
    for source in _code_cells(nb):
        lines = [ln for ln in source.split("\n") if ln.strip()]
        if lines and all(_QUESTION_CALL.match(ln) for ln in lines):
            continue
        out.append(source)
    return out


def find_master(notebook: str, folders: Iterable[Path]) -> Path | None:
    """The first ``<folder>/<notebook>.ipynb`` that exists."""
    for folder in folders:
        path = Path(folder) / f"{notebook}.ipynb"
        if path.is_file():
            return path
    return None
