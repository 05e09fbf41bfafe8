"""What the grader knows about a submission's cells: where each is, what it sets, why it failed.

JupyterLab shows no cell numbers, so notes and feedback name a cell by its
question ("the answer cell of question 4"), and say why an answer is missing
when the cell that sets it failed.

Examples
--------
>>> sorted(names_set_by("a, b = 1, 2\\nfor i in range(3):\\n    total = i"))
['a', 'b', 'i', 'total']
>>> [str(label) for label in cell_labels([{"cell_type": "code", "id": "q4-answer"}])]
['the answer cell of question 4']
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ruralkit.i18n import Msg

from .notebooks import source_text
from .texts import plain_number

__all__ = ["cell_labels", "missing_reasons", "names_set_by"]

# q9-answer-2: a second answer cell of the same question (a table, then a verdict on it)
_CELL_ID = re.compile(r"^q(\d+)-(answer|check|help|given)(?:-\d+)?$")
_CELL_LABELS = {
    "answer": "exercises.cell_answer", "check": "exercises.cell_check",
    "help": "exercises.cell_help", "given": "exercises.cell_given",
}
_HEADING = re.compile(r"^\s*#{1,3}\s*(\d{1,9})\s*[.、]")  # bounded: int() of 5,000 digits raises
_ASSIGNED = re.compile(
    r"^\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*(?:[-+*/%&|^@]|//|\*\*)?=(?!=)"
)


def _code_label(cell: Mapping[str, Any], source: str, question: int | None,
                seen_code: bool) -> tuple[Msg, int | None]:
    """The label of one code cell, and the question it belongs to."""
    cell_id = str(cell.get("id") or "")
    match = _CELL_ID.match(cell_id)
    first = next((ln.strip() for ln in source.splitlines() if ln.strip()), "")
    start = first if len(first) <= 40 else first[:39] + "…"
    if match:
        question = int(match.group(1))
        return Msg(_CELL_LABELS[match.group(2)], n=question), question
    if cell_id == "setup" or (not seen_code and question is None and "set_variant" in source):
        return Msg("exercises.cell_setup"), question
    if cell_id == "language-code":
        return Msg("exercises.cell_language"), question
    if question is None:
        return Msg("exercises.cell_added_top", start=start), question
    return Msg("exercises.cell_added", n=question, start=start), question


def cell_labels(cells: Sequence[Mapping[str, Any]]) -> list[Msg | None]:
    """Where each cell is, in words ("the answer cell of question 4"), as a ``Msg``.

    From the cell ids of the built notebooks (``q4-answer``), else from the
    question headings (``## 4. ...``) above the cell. ``None`` for Markdown cells.
    """
    labels: list[Msg | None] = []
    question: int | None = None
    seen_code = False
    for cell in cells:
        source = source_text(cell.get("source", ""))
        if cell.get("cell_type") != "code":
            heading = _HEADING.match(source)
            if heading:
                question = int(heading.group(1))
            labels.append(None)
            continue
        label, question = _code_label(cell, source, question, seen_code)
        labels.append(label)
        seen_code = True
    return labels


def _names_by_line(lines: Iterable[str]) -> set[str]:
    names: set[str] = set()
    for line in lines:
        match = _ASSIGNED.match(line)
        if match:
            names.update(n.strip() for n in match.group(1).split(","))
    return names


def names_set_by(source: str) -> set[str]:
    """Names a cell assigns at the top level of the notebook (also inside ``if``,
    ``for``, ``with`` or ``try``); read line by line if the cell is not valid Python."""
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return _names_by_line(lines)
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
            return
        if isinstance(node, ast.Lambda):
            return
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        for child in ast.iter_child_nodes(node):
            visit(child)

    for statement in tree.body:
        visit(statement)
    return names


def _reason(name: str, cell: Msg | None, outcome: Mapping[str, Any]) -> Msg | None:
    """Why ``name`` is missing, given the outcome of the cell that sets it (None: ran)."""
    status = outcome.get("status")
    if status == "error":
        error = f"{outcome.get('ename', '')}: {outcome.get('evalue', '')}"[:160]
        return Msg("exercises.missing_cell_error", name=name, cell=cell, error=error)
    if status == "timeout":
        return Msg("exercises.missing_cell_timeout", name=name, cell=cell,
                   seconds=plain_number(outcome.get("seconds")))
    if status == "not_run":
        return Msg("exercises.missing_cell_not_run", name=name, cell=cell)
    if status == "crashed":
        return Msg("exercises.missing_cell_crashed", name=name, cell=cell)
    return None


def missing_reasons(
    cells: Sequence[Mapping[str, Any]],
    outcomes: Mapping[int, Mapping[str, Any]],
    missing: Iterable[str],
    labels: Sequence[Msg | None],
) -> dict[str, Msg]:
    """For each missing answer variable whose cell failed: why, as a ``Msg``.

    ``outcomes`` maps a cell's index to what happened to it (``status`` "error",
    "timeout", "not_run" or "crashed", with details); the first failed cell that
    sets a variable gives the reason.
    """
    reasons: dict[str, Msg] = {}
    setters: dict[int, set[str]] = {
        i: names_set_by(source_text(c.get("source", "")))
        for i, c in enumerate(cells) if c.get("cell_type") == "code"
    }
    for name in missing:
        for index in sorted(setters):
            outcome = outcomes.get(index)
            if name not in setters[index] or not outcome:
                continue
            reason = _reason(name, labels[index], outcome)
            if reason is not None:
                reasons[name] = reason
                break
    return reasons
