"""Master notebook -> student notebook: solutions replaced, instructor cells removed.

Marking a master
----------------
``x = expr  # SOLUTION``
    becomes ``x = ____`` (``# SOLUTION: x = villages[____]`` gives the student line).
``### BEGIN SOLUTION`` ... ``### END SOLUTION``
    the lines in between become ``name = ____`` for each name they define.
cell tag ``instructor`` or a first line ``# INSTRUCTOR ONLY``
    the cell is removed (self-tests such as ``q1.assert_check_failed(...)``).

The student notebook is written as stable JSON, so that a rebuild of an
unchanged master changes no byte, and checked: no solution marker, no line of a
question's solution, valid Python in every code cell.

Examples
--------
>>> print(student_source("share = d.mean()  # SOLUTION"))
share = ____
"""

from __future__ import annotations

import ast
import hashlib
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruralkit.editions import LANGUAGES, edition, write_edition
from ruralkit.exercises import get_set
from ruralkit.exercises.master import INSTRUCTOR_TAG, is_instructor_cell
from ruralkit.exercises.mode import ASSESSMENT, PRACTICE
from ruralkit.i18n import Msg, RuralkitError
from ruralkit.notebook_run import execute_in_place

from .notebooks import SET_KEY, notebook_set_key, notebook_text, read_notebook, write_if_changed
from .texts import both_languages

__all__ = [
    "INSTRUCTOR_TAG",
    "PLACEHOLDER_TEXT",
    "BuildError",
    "BuildResult",
    "ASSESSMENT_FOLDER",
    "KEYS_FOLDER",
    "build",
    "build_student_notebook",
    "execute_notebook",
    "is_instructor_cell",
    "student_source",
]

#: Where ``build(..., assessment=True)`` writes by default, beside the practice notebooks.
ASSESSMENT_FOLDER = "assessment"
#: Where the answer keys (each language's edition of the master) go, beside the students'.
KEYS_FOLDER = "instructor"
PLACEHOLDER_TEXT = "____"
#: What a student sees where a solution block was (one text for every reader).
STUDENT_COMMENT = "# " + both_languages("grading.code_here")
MD_STUDENT_TEXT = "*" + both_languages("grading.answer_here") + "*"

_SOLUTION_LINE = re.compile(
    r"^(?P<indent>\s*)(?P<code>.*?)\s*#\s*SOLUTION\b(?:\s*:\s?(?P<student>.*?))?\s*$"
)
_BEGIN = re.compile(r"^(?P<indent>\s*)(<!--\s*)?#*\s*BEGIN SOLUTION\s*(-->)?\s*$", re.I)
_END = re.compile(r"^\s*(<!--\s*)?#*\s*END SOLUTION\s*(-->)?\s*$", re.I)
_CHECK_CELL = re.compile(r"^\s*q\d+\.check\(\)\s*$")
_MARKER = re.compile(r"#\s*SOLUTION\b|BEGIN SOLUTION|END SOLUTION")


class BuildError(RuralkitError):
    """A master notebook cannot be turned into a student notebook (says where and why)."""


def _bound_names(code: str) -> list[str]:
    """Names a block of code defines at top level (assignments, def, class), in order."""
    tree = ast.parse(textwrap.dedent(code))
    names: list[str] = []

    def add_target(target: ast.expr) -> None:
        if isinstance(target, ast.Name):
            names.append(target.id)
        elif isinstance(target, ast.Tuple | ast.List):
            for elt in target.elts:
                add_target(elt)

    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                add_target(target)
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            add_target(node.target)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(node.name)
    return list(dict.fromkeys(names))


def _placeholder_line(code: str, where: Msg) -> str:
    """``a = b = ____`` for a one-line assignment ``a = b = <solution>``."""
    try:
        tree = ast.parse(code.strip())
    except SyntaxError as exc:
        raise BuildError.of("grading.solution_not_a_statement", where=where,
                            code=repr(code.strip()), error=exc.msg) from None
    node = tree.body[0] if len(tree.body) == 1 else None
    if isinstance(node, ast.Assign):
        return " = ".join(ast.unparse(t) for t in node.targets) + f" = {PLACEHOLDER_TEXT}"
    if isinstance(node, ast.AnnAssign) and node.value is not None:
        return f"{ast.unparse(node.target)}: {ast.unparse(node.annotation)} = {PLACEHOLDER_TEXT}"
    raise BuildError.of("grading.solution_not_an_assignment", where=where,
                        code=repr(code.strip()))


def _block_lines(block: list[str], indent: str, start: int, *, markdown: bool,
                 where: Msg | str) -> list[str]:
    """The student lines for one ``BEGIN``/``END SOLUTION`` block."""
    if markdown:
        return [indent + MD_STUDENT_TEXT]
    try:
        names = _bound_names("\n".join(block))
    except SyntaxError as exc:
        raise BuildError.of("grading.block_not_python", where=where, line=start,
                            error=exc.msg) from None
    return [indent + STUDENT_COMMENT, *(f"{indent}{name} = {PLACEHOLDER_TEXT}" for name in names)]


def _student_line(line: str, number: int, where: Msg | str) -> str:
    """One line outside a block: a ``# SOLUTION`` line replaced, any other kept."""
    solution = _SOLUTION_LINE.match(line)
    if not solution:
        return line
    indent, student = solution.group("indent"), solution.group("student")
    if student is not None and student.strip():
        return indent + student.strip()
    line_where = Msg("grading.where_line", where=where, line=number)
    return indent + _placeholder_line(solution.group("code"), line_where)


def student_source(source: str, *, markdown: bool = False, where: Msg | str = "") -> str:
    """The student version of one cell's source (solutions replaced).

    Parameters
    ----------
    source : str
        The master cell's source.
    markdown : bool
        Whether it is a Markdown cell (a solution block becomes a note to answer).
    where : str or Msg
        Where the cell is, for error messages (default: "cell").

    Examples
    --------
    >>> print(student_source("x = 1\\ny = f(x)  # SOLUTION"))
    x = 1
    y = ____
    >>> print(student_source("m = d[d.a > 3]  # SOLUTION: m = d[____]"))
    m = d[____]
    >>> print(student_source("### BEGIN SOLUTION\\ndef f(v):\\n    return v\\n### END SOLUTION"))
    # Your code here / 在此写代码
    f = ____
    """
    where = where or Msg("grading.where_default")
    out: list[str] = []
    block: list[str] | None = None
    block_indent, block_start = "", 0
    for number, line in enumerate(source.split("\n"), start=1):
        begin = _BEGIN.match(line)
        if begin:
            if block is not None:
                raise BuildError.of("grading.begin_inside_block", where=where, line=number)
            block, block_indent, block_start = [], begin.group("indent"), number
        elif _END.match(line):
            if block is None:
                raise BuildError.of("grading.end_without_begin", where=where, line=number)
            out.extend(_block_lines(block, block_indent, block_start, markdown=markdown,
                                    where=where))
            block = None
        elif block is not None:
            block.append(line)
        else:
            out.append(line if markdown else _student_line(line, number, where))
    if block is not None:
        raise BuildError.of("grading.begin_without_end", where=where, line=block_start)
    return "\n".join(out)


def _cell_id(index: int, source: str) -> str:
    return "c" + hashlib.sha1(f"{index}\n{source}".encode()).hexdigest()[:8]


def _student_cell(cell: Mapping[str, Any], index: int, where: Msg) -> dict[str, Any]:
    kind = cell["cell_type"]
    source = student_source(cell["source"], markdown=(kind == "markdown"), where=where)
    tags = [t for t in cell.get("metadata", {}).get("tags", []) if t != INSTRUCTOR_TAG]
    new: dict[str, Any] = {
        "cell_type": kind,
        "id": str(cell.get("id") or _cell_id(index, cell["source"])),
        "metadata": {"tags": tags} if tags else {},
        "source": source,
    }
    if kind == "code":
        new["execution_count"] = None
        new["outputs"] = []
        _check_student_code(source, where)
    elif "attachments" in cell:
        new["attachments"] = cell["attachments"]
    return new


def _is_check_cell(source: str) -> bool:
    return bool(source.strip()) and all(
        _CHECK_CELL.match(ln) for ln in source.strip().splitlines()
    )


def _student_metadata(master: Mapping[str, Any], set_key: str | None) -> dict[str, Any]:
    """The student notebook's ``ruralkit`` metadata: its set and, for an edition, its language."""
    language = master.get("metadata", {}).get("ruralkit", {}).get("language")
    meta: dict[str, Any] = {"exercise_set": set_key} if set_key else {}
    return {**meta, "language": language} if language and set_key else meta


def build_student_notebook(master: Mapping[str, Any], *, name: str = "master",
                           mode: str = PRACTICE) -> dict[str, Any]:
    """The student notebook (a JSON dict) built from a master notebook dict.

    Solutions are replaced by ``____``, instructor cells removed, outputs and
    execution counts cleared and cell metadata reduced to tags (plus
    ``deletable: false`` on the setup cell and the ``qN.check()`` cells).
    ``mode="assessment"``: see :func:`assessment_notebook`.
    """
    set_key = notebook_set_key(master, name)
    cells: list[dict[str, Any]] = []
    for index, cell in enumerate(master["cells"]):
        if is_instructor_cell(cell):
            continue
        new = _student_cell(cell, index, Msg("grading.where_cell", name=name, n=index + 1))
        if new["cell_type"] == "code":
            first_code = not any(c["cell_type"] == "code" for c in cells)
            if first_code or _is_check_cell(new["source"]):
                new["metadata"]["deletable"] = False
        cells.append(new)
    notebook = {
        "cells": cells,
        "metadata": {
            "kernelspec": {
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
                "name": "python3",
            },
            "language_info": {"name": "python"},
            "ruralkit": _student_metadata(master, set_key),
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return assessment_notebook(notebook, set_key, name) if mode == ASSESSMENT else notebook


# =========================================================================== assessment
_HELP_LINE = re.compile(r"^\s*#?\s*q\d+\.(hint|solution)\(.*\)\s*$")
_SET_IMPORT = re.compile(r"^(?P<indent>\s*)from ruralkit\.exercises\.set(?P<key>\d\d) import .*$")
_LEFT_IN_ASSESSMENT = re.compile(r"\.(hint|solution)\(|ruralkit\.exercises\.set\d\d|import set\d\d")


def _assessment_setup(set_key: str, indent: str) -> list[str]:
    """The lines that bind the questions of an assessment, without the set module."""
    questions = get_set(set_key).questions()
    names = ", ".join(["____", *questions])
    lines = [f"{indent}from ruralkit.exercises.recording import assessment_questions",
             f'{indent}{names} = assessment_questions("{set_key}", {{']
    lines += [f"{indent}    {label!r}: {list(vars_)!r},".replace("'", '"')
              for label, vars_ in questions.items()]
    return [*lines, f"{indent}}})"]


def _assessment_code(source: str, set_key: str) -> tuple[str, bool]:
    """A code cell of an assessment: hint and solution lines out, the setup rebound."""
    out: list[str] = []
    bound = False
    for line in source.split("\n"):
        if _HELP_LINE.match(line):
            continue
        match = _SET_IMPORT.match(line)
        if match and match.group("key") == set_key:
            out.extend(_assessment_setup(set_key, match.group("indent")))
            bound = True
            continue
        out.append(line)
    return "\n".join(out), bound


def assessment_notebook(notebook: dict[str, Any], set_key: str | None,
                        name: str) -> dict[str, Any]:
    """The assessment version of a student notebook: no hints or solutions to call, the
    questions bound without the set module (``q1.check()`` only records the answer), a
    note at the top saying so, and metadata ``ruralkit.mode = "assessment"``."""
    if set_key is None:
        raise BuildError.of("grading.assessment_no_set", name=name)
    cells: list[dict[str, Any]] = []
    bound = False
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            source, binds = _assessment_code(cell["source"], set_key)
            bound = bound or binds
            if cell["source"].strip() and not source.strip():
                continue  # a cell of hint and solution calls only
            cell = {**cell, "source": source}
        cells.append(cell)
    if not bound:
        raise BuildError.of("grading.assessment_no_setup", name=name, key=set_key)
    for cell in cells:
        if cell["cell_type"] == "code" and _LEFT_IN_ASSESSMENT.search(cell["source"]):
            raise BuildError.of("grading.assessment_leftover", name=name,
                                code=repr(cell["source"][:80]))
    banner = {"cell_type": "markdown", "id": "assessment", "metadata": {},
              "source": "**" + both_languages("grading.assessment_banner") + "**"}
    metadata = dict(notebook["metadata"])
    metadata["ruralkit"] = {**metadata["ruralkit"], "mode": ASSESSMENT}
    return {**notebook, "cells": [banner, *cells], "metadata": metadata}


def _check_student_code(source: str, where: Msg) -> None:
    if _MARKER.search(source):
        raise BuildError.of("grading.marker_left", where=where)
    if any(ln.lstrip().startswith(("%", "!")) for ln in source.splitlines()):
        return  # IPython magics are not plain Python
    try:
        ast.parse(source)
    except SyntaxError as exc:
        raise BuildError.of("grading.student_not_python", where=where, error=exc.msg) from None


def _check_no_leak(student: Mapping[str, Any], set_key: str | None, name: str) -> None:
    """Fail if a line of a question's solution is left in a student code cell."""
    if set_key is None:
        return
    try:
        exercise_set = get_set(set_key)
    except Exception:
        return  # a notebook of no registered set: nothing to compare with
    code_lines = {
        ln.strip()
        for cell in student["cells"]
        if cell["cell_type"] == "code"
        for ln in cell["source"].splitlines()
    }
    for label, problem in exercise_set.problems(lambda n: None).items():
        for line in problem.solution.splitlines():
            line = line.strip()
            if line and not line.startswith("#") and line in code_lines:
                raise BuildError.of("grading.solution_leaked", name=name, label=label,
                                    line=repr(line))


@dataclass
class BuildResult:
    """One file the build writes from a master: a student notebook or an answer key."""

    master: Path
    target: Path
    changed: bool
    #: ``"student"`` or ``"key"`` (the master's executed edition, :data:`KEYS_FOLDER`)
    kind: str = "student"
    language: str = "en"

    @property
    def student(self) -> Path:
        """The file written (the name of the days when the build wrote only students)."""
        return self.target


def _student_result(master_path: Path, master: Mapping[str, Any], target: Path, *,
                    check: bool, mode: str, language: str) -> BuildResult:
    student = build_student_notebook(master, name=master_path.name, mode=mode)
    _check_no_leak(student, notebook_set_key(master, master_path), master_path.name)
    text = notebook_text(student)
    if check:
        old = target.read_text(encoding="utf-8") if target.exists() else None
        return BuildResult(master_path, target, old != text, "student", language)
    return BuildResult(master_path, target, write_if_changed(target, text), "student", language)


def build(
    source_dir: str | Path = "exercises/source",
    out_dir: str | Path | None = None,
    *,
    check: bool = False,
    assessment: bool = False,
    languages: tuple[str, ...] = LANGUAGES,
) -> list[BuildResult]:
    """Build, from every bilingual master ``NN_*.ipynb`` in ``source_dir``, each language's
    student notebook ``<out_dir>/<language>/NN_*.ipynb`` and answer key
    ``<out_dir>/instructor/<language>/NN_*.ipynb`` (the master's edition, solutions and
    self-tests kept; :func:`execute_notebook` runs it).

    Parameters
    ----------
    source_dir : path
        Folder of master notebooks (:mod:`ruralkit.editions` says how a master holds
        both languages).
    out_dir : path, optional
        Folder for the editions; default ``exercises``, or ``exercises/assessment``
        with ``assessment`` (then no answer keys are written).
    check : bool
        Write nothing; report which files are out of date.
    assessment : bool
        Build the notebooks for graded work (:func:`assessment_notebook`).
    languages : tuple of str
        The editions to build (default both, Chinese first).

    Returns
    -------
    list of BuildResult
        ``changed`` is true where the file was (or, with ``check``, would be) rewritten.
    """
    if out_dir is None:
        out_dir = Path("exercises") / ASSESSMENT_FOLDER if assessment else Path("exercises")
    source_dir, out_dir = Path(source_dir), Path(out_dir)
    if not source_dir.is_dir():
        raise BuildError.of("grading.no_source_folder", folder=source_dir)
    masters = sorted(p for p in source_dir.glob("*.ipynb") if SET_KEY.match(p.name))
    if not masters:
        raise BuildError.of("grading.no_masters", folder=source_dir)
    mode = ASSESSMENT if assessment else PRACTICE
    results = []
    for master_path in masters:
        source = read_notebook(master_path)
        for language in languages:
            master = edition(source, language, name=master_path.name)
            if not assessment:
                key = out_dir / KEYS_FOLDER / language / master_path.name
                results.append(BuildResult(master_path, key, write_edition(master, key,
                                                                           check=check),
                                           "key", language))
            results.append(_student_result(master_path, master,
                                           out_dir / language / master_path.name,
                                           check=check, mode=mode, language=language))
    return results


def execute_notebook(
    path: str | Path, *, timeout: int = 300, cwd: str | Path | None = None
) -> None:
    """Run a notebook top to bottom and save it with its outputs (for masters).

    Raises :class:`BuildError` naming the cell if a cell fails; the file is then
    left unchanged.
    """
    from nbclient.exceptions import CellExecutionError  # nbclient: only when executing

    path = Path(path)
    try:
        execute_in_place(path, timeout=timeout, cwd=cwd)
    except CellExecutionError as exc:
        notes = getattr(exc, "__notes__", None)
        where = notes[-1] if notes else Msg("grading.a_cell_of", path=path)
        raise BuildError.of("grading.cell_failed", where=where, ename=exc.ename,
                            evalue=str(exc.evalue)[:300]) from None
