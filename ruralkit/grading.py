"""Build student notebooks, hand out per-student variants, grade submissions.

Three steps of an instructor's workflow (``ruralkit exercises ...`` runs them):

:func:`build`
    Master notebooks in ``exercises/source/NN_name.ipynb`` (with solutions and
    instructor-only self-tests) become student notebooks ``exercises/NN_name.ipynb``:
    solutions replaced by ``____``, instructor cells removed, outputs stripped,
    written as stable JSON so that a rebuild of an unchanged master changes no byte.
:func:`make_variants`
    Each student on a roster gets a seed, derived from the student id and a course
    salt, and a copy of the student notebook that loads that variant of the county.
:func:`grade`
    Each submission is copied to a temporary folder and run in its own process and
    kernel (a time limit per cell and per notebook, proxies blanked, no network where
    the OS allows, the kernel as a user of its own where the grader runs as root).
    After the cells, the answers are taken out of the kernel (plain data, or the
    facts a check needs about a chart or a design) and checked, with the hidden
    tests, in the grader's own process, which never ran the notebook's code. Results
    go to a gradebook CSV and one feedback file per student.

Marking a master
----------------
``x = expr  # SOLUTION``
    becomes ``x = ____`` (``# SOLUTION: x = villages[____]`` gives the student line).
``### BEGIN SOLUTION`` ... ``### END SOLUTION``
    the lines in between become ``name = ____`` for each name they define.
cell tag ``instructor`` or a first line ``# INSTRUCTOR ONLY``
    the cell is removed (self-tests such as ``q1.assert_check_failed(...)``).

Examples
--------
>>> from ruralkit.grading import student_source
>>> print(student_source("share = d.mean()  # SOLUTION"))
share = ____
>>> variant_seed("s001", salt="qingshan-2025") == variant_seed("s001", salt="qingshan-2025")
True
"""

from __future__ import annotations

import ast
import csv
import hashlib
import json
import math
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ruralkit.i18n import RuralkitError
from ruralkit.notebook_run import execute_in_place, kernel_env, notebook_text

__all__ = [
    "BuildError",
    "build",
    "build_student_notebook",
    "student_source",
    "notebook_text",
    "variant_seed",
    "read_roster",
    "make_variants",
    "grade",
    "GradeResult",
    "check_answers",
    "cell_labels",
]

INSTRUCTOR_TAG = "instructor"
PLACEHOLDER_TEXT = "____"
STUDENT_COMMENT = "# Your code here / 在此写代码"
MD_STUDENT_TEXT = "*Your answer here / 在此作答*"
DEFAULT_SALT = "ruralkit"
STATUSES = ("ok", "error", "timeout", "crashed", "invalid", "failed")

_SOLUTION_LINE = re.compile(
    r"^(?P<indent>\s*)(?P<code>.*?)\s*#\s*SOLUTION\b(?:\s*:\s?(?P<student>.*?))?\s*$"
)
_BEGIN = re.compile(r"^(?P<indent>\s*)(<!--\s*)?#*\s*BEGIN SOLUTION\s*(-->)?\s*$", re.I)
_END = re.compile(r"^\s*(<!--\s*)?#*\s*END SOLUTION\s*(-->)?\s*$", re.I)
_INSTRUCTOR_LINE = re.compile(r"^\s*(<!--\s*)?#\s*INSTRUCTOR ONLY\b", re.I)
_SET_VARIANT = re.compile(
    r"^(?P<indent>\s*)(?P<obj>\w+)\.set_variant\((?P<arg>[^)]*)\)(?P<rest>.*)$"
)
_SET_KEY = re.compile(r"^(\d\d)_")


class BuildError(RuralkitError):
    """A master notebook cannot be turned into a student notebook (says where and why)."""


# =========================================================================== notebook I/O
def read_notebook(path: str | Path) -> dict[str, Any]:
    """Read a notebook as plain JSON (no random ids added), with a clear error."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as fh:
            nb = json.load(fh)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RuralkitError(
            f"{path}: not a readable notebook ({type(exc).__name__}: {exc})."
        ) from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise RuralkitError(f"{path}: not a Jupyter notebook (no list of cells).")
    if nb.get("nbformat") != 4:
        raise RuralkitError(f"{path}: notebook format {nb.get('nbformat')!r}; expected 4.")
    for cell in nb["cells"]:
        if not isinstance(cell, dict) or "cell_type" not in cell:
            raise RuralkitError(f"{path}: a cell has no cell_type; the file is damaged.")
        cell["source"] = _source_text(cell.get("source", ""))
    return nb


def _source_text(source: str | list[str]) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


def _write_if_changed(path: Path, text: str) -> bool:
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
    if isinstance(key, str | int) and str(key).isdigit():
        return f"{int(key):02d}"
    if path is not None:
        match = _SET_KEY.match(Path(path).name)
        if match:
            return match.group(1)
    return None


# =========================================================================== build
def _is_instructor_cell(cell: Mapping[str, Any]) -> bool:
    tags = cell.get("metadata", {}).get("tags", [])
    if INSTRUCTOR_TAG in tags:
        return True
    first = next((ln for ln in cell["source"].splitlines() if ln.strip()), "")
    return bool(_INSTRUCTOR_LINE.match(first))


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


def _placeholder_line(code: str, where: str) -> str:
    """``a = b = ____`` for a one-line assignment ``a = b = <solution>``."""
    try:
        tree = ast.parse(code.strip())
    except SyntaxError as exc:
        raise BuildError(
            f"{where}: a '# SOLUTION' line must be one complete statement; got {code.strip()!r} "
            f"({exc.msg}). Use '### BEGIN SOLUTION' / '### END SOLUTION' for several lines."
        ) from None
    node = tree.body[0] if len(tree.body) == 1 else None
    if isinstance(node, ast.Assign):
        return " = ".join(ast.unparse(t) for t in node.targets) + f" = {PLACEHOLDER_TEXT}"
    if isinstance(node, ast.AnnAssign) and node.value is not None:
        return f"{ast.unparse(node.target)}: {ast.unparse(node.annotation)} = {PLACEHOLDER_TEXT}"
    raise BuildError(
        f"{where}: a '# SOLUTION' line must be an assignment (name = ...); got "
        f"{code.strip()!r}. Write '# SOLUTION: <student line>' to give the student line, or "
        "use a '### BEGIN SOLUTION' block."
    )


def student_source(source: str, *, markdown: bool = False, where: str = "cell") -> str:
    """The student version of one cell's source (solutions replaced).

    Parameters
    ----------
    source : str
        The master cell's source.
    markdown : bool
        Whether it is a Markdown cell (a solution block becomes a note to answer).
    where : str
        Where the cell is, for error messages.

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
    out: list[str] = []
    block: list[str] | None = None
    block_indent = ""
    block_start = 0
    lines = source.split("\n")
    for number, line in enumerate(lines, start=1):
        begin = _BEGIN.match(line)
        if begin:
            if block is not None:
                raise BuildError(f"{where}, line {number}: BEGIN SOLUTION inside another block.")
            block, block_indent, block_start = [], begin.group("indent"), number
            continue
        if _END.match(line):
            if block is None:
                raise BuildError(f"{where}, line {number}: END SOLUTION without BEGIN SOLUTION.")
            if markdown:
                out.append(block_indent + MD_STUDENT_TEXT)
            else:
                try:
                    names = _bound_names("\n".join(block))
                except SyntaxError as exc:
                    raise BuildError(
                        f"{where}, solution block from line {block_start}: not valid Python "
                        f"({exc.msg})."
                    ) from None
                out.append(block_indent + STUDENT_COMMENT)
                out.extend(f"{block_indent}{name} = {PLACEHOLDER_TEXT}" for name in names)
            block = None
            continue
        if block is not None:
            block.append(line)
            continue
        solution = None if markdown else _SOLUTION_LINE.match(line)
        if solution:
            indent = solution.group("indent")
            student = solution.group("student")
            if student is not None and student.strip():
                out.append(indent + student.strip())
            else:
                line_where = f"{where}, line {number}"
                out.append(indent + _placeholder_line(solution.group("code"), line_where))
            continue
        out.append(line)
    if block is not None:
        raise BuildError(f"{where}, line {block_start}: BEGIN SOLUTION without END SOLUTION.")
    return "\n".join(out)


def _cell_id(index: int, source: str) -> str:
    return "c" + hashlib.sha1(f"{index}\n{source}".encode()).hexdigest()[:8]


_CHECK_CELL = re.compile(r"^\s*q\d+\.check\(\)\s*$")


def build_student_notebook(master: Mapping[str, Any], *, name: str = "master") -> dict[str, Any]:
    """The student notebook (a JSON dict) built from a master notebook dict.

    Solutions are replaced by ``____``, instructor cells removed, outputs and
    execution counts cleared and cell metadata reduced to tags (plus
    ``deletable: false`` on the setup cell and the ``qN.check()`` cells).
    """
    set_key = notebook_set_key(master, name)
    cells: list[dict[str, Any]] = []
    setup_done = False
    for index, cell in enumerate(master["cells"]):
        if _is_instructor_cell(cell):
            continue
        where = f"{name}, cell {index + 1}"
        kind = cell["cell_type"]
        source = student_source(cell["source"], markdown=(kind == "markdown"), where=where)
        tags = [t for t in cell.get("metadata", {}).get("tags", []) if t != INSTRUCTOR_TAG]
        metadata: dict[str, Any] = {"tags": tags} if tags else {}
        new: dict[str, Any] = {
            "cell_type": kind,
            "id": str(cell.get("id") or _cell_id(index, cell["source"])),
            "metadata": metadata,
            "source": source,
        }
        if kind == "code":
            if not setup_done:
                metadata["deletable"] = False
                setup_done = True
            elif source.strip() and all(
                _CHECK_CELL.match(ln) for ln in source.strip().splitlines()
            ):
                metadata["deletable"] = False
            new["execution_count"] = None
            new["outputs"] = []
            _check_student_code(source, where)
        elif "attachments" in cell:
            new["attachments"] = cell["attachments"]
        cells.append(new)
    meta_rk = {"exercise_set": set_key} if set_key else {}
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
                "name": "python3",
            },
            "language_info": {"name": "python"},
            "ruralkit": meta_rk,
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _check_student_code(source: str, where: str) -> None:
    if re.search(r"#\s*SOLUTION\b|BEGIN SOLUTION|END SOLUTION", source):
        raise BuildError(f"{where}: a solution marker is left in the student notebook.")
    if any(ln.lstrip().startswith(("%", "!")) for ln in source.splitlines()):
        return  # IPython magics are not plain Python
    try:
        ast.parse(source)
    except SyntaxError as exc:
        raise BuildError(f"{where}: the student cell is not valid Python ({exc.msg}).") from None


def _check_no_leak(student: Mapping[str, Any], set_key: str | None, name: str) -> None:
    """Fail if a line of a question's solution is left in a student code cell."""
    if set_key is None:
        return
    try:
        from ruralkit.exercises import get_set

        exercise_set = get_set(set_key)
    except Exception:
        return
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
                raise BuildError(
                    f"{name}: the solution of {label} ({line!r}) appears in the student "
                    "notebook. Mark it with '# SOLUTION' in the master."
                )


@dataclass
class BuildResult:
    """One master → student build: paths and whether the student file changed."""

    master: Path
    student: Path
    changed: bool


def build(
    source_dir: str | Path = "exercises/source",
    out_dir: str | Path = "exercises",
    *,
    check: bool = False,
) -> list[BuildResult]:
    """Build the student notebooks from every master ``NN_*.ipynb`` in ``source_dir``.

    Parameters
    ----------
    source_dir : path
        Folder of master notebooks.
    out_dir : path
        Folder for the student notebooks (same file names).
    check : bool
        Write nothing; report which student notebooks are out of date.

    Returns
    -------
    list of BuildResult
        ``changed`` is true where the student notebook was (or, with ``check``,
        would be) rewritten.
    """
    source_dir, out_dir = Path(source_dir), Path(out_dir)
    if not source_dir.is_dir():
        raise BuildError(
            f"No folder of master notebooks at {source_dir}. Run this from the top of the "
            "ruralkit folder or pass --source."
        )
    masters = sorted(p for p in source_dir.glob("*.ipynb") if _SET_KEY.match(p.name))
    if not masters:
        raise BuildError(f"{source_dir}: no master notebooks named NN_name.ipynb.")
    results = []
    for master_path in masters:
        master = read_notebook(master_path)
        student = build_student_notebook(master, name=master_path.name)
        _check_no_leak(student, notebook_set_key(master, master_path), master_path.name)
        text = notebook_text(student)
        target = out_dir / master_path.name
        if check:
            old = target.read_text(encoding="utf-8") if target.exists() else None
            results.append(BuildResult(master_path, target, old != text))
        else:
            results.append(BuildResult(master_path, target, _write_if_changed(target, text)))
    return results


_env_with_package = kernel_env  # kept for callers and tests


def execute_notebook(
    path: str | Path, *, timeout: int = 300, cwd: str | Path | None = None
) -> None:
    """Run a notebook top to bottom and save it with its outputs (for masters).

    Raises :class:`BuildError` naming the cell if a cell fails; the file is then
    left unchanged.
    """
    from nbclient.exceptions import CellExecutionError

    path = Path(path)
    try:
        execute_in_place(path, timeout=timeout, cwd=cwd)
    except CellExecutionError as exc:
        where = (getattr(exc, "__notes__", None) or [f"a cell of {path}"])[-1]
        raise BuildError(f"{where} failed: {exc.ename}: {str(exc.evalue)[:300]}") from None


# =========================================================================== variants
def variant_seed(student_id: str, *, salt: str = DEFAULT_SALT) -> int:
    """The data-variant seed of a student: six digits from the id and the course salt.

    Examples
    --------
    >>> variant_seed("s001", salt="a") != variant_seed("s001", salt="b")
    True
    >>> 100000 <= variant_seed("s001") <= 999999
    True
    """
    digest = hashlib.sha256(f"{salt}\x1f{student_id}".encode()).digest()
    return 100_000 + int.from_bytes(digest[:8], "big") % 900_000


_SAFE_ID = re.compile(r"^[\w.-]+$")

# Column names accepted for a roster's two columns (compared without case, spaces,
# '_' or '-'), best first: an Excel export often says 学号 and 姓名.
ID_COLUMNS = ("student_id", "学号", "studentid", "studentno", "studentnumber", "学员编号",
              "学生编号", "编号", "id", "student")
NAME_COLUMNS = ("name", "姓名", "studentname", "学员姓名", "学生姓名", "名字", "fullname")


def _column_key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text.replace("\ufeff", "")).casefold()


def _pick_column(columns: Sequence[str], aliases: Sequence[str]) -> str | None:
    keys = {_column_key(c): c for c in reversed(columns)}
    for alias in aliases:
        found = keys.get(_column_key(alias))
        if found is not None:
            return found
    return None


def _roster_error(path: Path, en: str, zh: str) -> RuralkitError:
    return RuralkitError(f"{path}: {en}\n{path}：{zh}")


def read_roster(path: str | Path) -> list[dict[str, str]]:
    """Read a roster CSV: one student per row, with an id column and a name column.

    The id column may be called ``student_id``, ``学号``, ``id`` or ``student`` (and
    similar), the name column ``name`` or ``姓名``; case, spaces and ``_`` do not
    matter. UTF-8 (with or without BOM) or GBK, comma-, semicolon- or tab-separated,
    as Excel saves it. Errors name the file, the columns found and the ones expected,
    in English and Chinese.

    Returns one ``{"student_id", "name"}`` dict per student, in file order.
    """
    path = Path(path)
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise _roster_error(path, "cannot read the roster as UTF-8 or GBK text.",
                            "无法以 UTF-8 或 GBK 编码读取名单。")
    lines = text.splitlines()
    header = lines[0] if lines else ""
    delimiter = max((",", ";", "\t"), key=header.count) if header else ","
    reader = csv.DictReader(lines, delimiter=delimiter)
    columns = [(c or "").strip() for c in (reader.fieldnames or [])]
    id_col = _pick_column(columns, ID_COLUMNS)
    name_col = _pick_column([c for c in columns if c != id_col], NAME_COLUMNS)
    if id_col is None:
        found = ", ".join(repr(c) for c in columns if c) or "none"
        found_zh = "、".join(repr(c) for c in columns if c) or "无"
        raise _roster_error(
            path,
            f"the roster needs a column with the student ids, called 'student_id' or '学号' "
            f"(or 'id', 'student'), and may have a column 'name' or '姓名'; found columns: "
            f"{found}.",
            f"名单需要一列学号，列名为 '学号' 或 'student_id'（也可以是 'id'、'student'），"
            f"姓名列（'姓名' 或 'name'）可有可无；找到的列：{found_zh}。",
        )
    students, seen = [], {}
    for line, row in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()
                if not isinstance(v, list)}
        if not any(row.values()):
            continue  # an empty line, e.g. at the end of an Excel export
        sid = row.get(id_col, "")
        if not sid:
            raise _roster_error(path, f"line {line}: empty student id (column {id_col!r}).",
                                f"第 {line} 行：学号（{id_col!r} 列）为空。")
        if not _SAFE_ID.match(sid):
            raise _roster_error(
                path,
                f"line {line}: student id {sid!r} may contain only letters, digits, '_', '-' "
                "and '.', because it names a folder.",
                f"第 {line} 行：学号 {sid!r} 只能包含字母、数字、'_'、'-' 和 '.'，"
                "因为它要用作文件夹名。",
            )
        if sid in seen:
            raise _roster_error(
                path, f"lines {seen[sid]} and {line}: student id {sid!r} appears twice.",
                f"第 {seen[sid]} 行和第 {line} 行：学号 {sid!r} 出现了两次。",
            )
        seen[sid] = line
        students.append({"student_id": sid, "name": row.get(name_col, "") if name_col else ""})
    if not students:
        raise _roster_error(path, "the roster has no students.", "名单中没有学员。")
    return students


def personalise(
    student_nb: Mapping[str, Any], *, student_id: str, seed: int, name: str = ""
) -> dict[str, Any]:
    """A copy of a student notebook that loads data variant ``seed``.

    The first code cell gets ``rk.set_variant(seed)`` (replacing
    ``rk.set_variant(None)``); the seed and the student id are recorded in the
    notebook metadata (``metadata.ruralkit``), where the grader reads them.
    """
    nb = json.loads(json.dumps(student_nb))
    code_cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    if not code_cells:
        raise RuralkitError("The student notebook has no code cell to set the data variant in.")
    first = code_cells[0]
    lines = _source_text(first["source"]).split("\n")
    note = "  # your own data version: do not change / 您专属的数据版本，请勿修改"
    for i, line in enumerate(lines):
        match = _SET_VARIANT.match(line)
        if match:
            lines[i] = f"{match.group('indent')}{match.group('obj')}.set_variant({seed}){note}"
            break
    else:
        lines[:0] = ["import ruralkit as rk", f"rk.set_variant({seed}){note}"]
    first["source"] = "\n".join(lines)
    header = f"**Student / 学员:** {name + ' · ' if name else ''}`{student_id}` · "
    header += f"data version / 数据版本 {seed}"
    nb["cells"].insert(
        0,
        {
            "cell_type": "markdown",
            "id": "student-header",
            "metadata": {},
            "source": header,
        },
    )
    meta = nb.setdefault("metadata", {}).setdefault("ruralkit", {})
    meta["student_id"] = student_id
    meta["variant_seed"] = seed
    return nb


def make_variants(
    roster: str | Path,
    *,
    set_key: str,
    out_dir: str | Path,
    salt: str = DEFAULT_SALT,
    student_dir: str | Path = "exercises",
) -> list[dict[str, Any]]:
    """Write one personalised student notebook per student on ``roster``.

    Writes ``out_dir/<student_id>/NN_name.ipynb`` and ``out_dir/seeds.csv``
    (student_id, seed, notebook; no names). Returns the rows of ``seeds.csv``.
    """
    set_key = f"{int(set_key):02d}"
    student_dir, out_dir = Path(student_dir), Path(out_dir)
    candidates = sorted(student_dir.glob(f"{set_key}_*.ipynb"))
    if not candidates:
        raise RuralkitError(
            f"No student notebook for set {set_key} in {student_dir}. Run "
            "`ruralkit exercises build` first, or pass --exercises."
        )
    template_path = candidates[0]
    template = read_notebook(template_path)
    rows = []
    for student in read_roster(roster):
        sid = student["student_id"]
        seed = variant_seed(sid, salt=salt)
        nb = personalise(template, student_id=sid, seed=seed, name=student["name"])
        target = out_dir / sid / template_path.name
        _write_if_changed(target, notebook_text(nb))
        rows.append({"student_id": sid, "seed": seed, "notebook": f"{sid}/{template_path.name}"})
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "seeds.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["student_id", "seed", "notebook"])
        writer.writeheader()
        writer.writerows(rows)
    return rows


# =========================================================================== grading: notes
# What the grader writes in the gradebook's ``notes`` column, in the grading language.
_NOTES: dict[str, dict[str, str]] = {
    "unreadable": {"en": "not a readable notebook: {error}", "zh": "不是可读的笔记本：{error}"},
    "metadata_id": {
        "en": "notebook metadata says {meta_id} (a notebook copied from another student?)",
        "zh": "笔记本元数据中的学号是 {meta_id}（可能抄了别人的笔记本？）",
    },
    "bad_seed": {
        "en": "ignored a variant_seed that is not a whole number: {seed}",
        "zh": "忽略了不是整数的 variant_seed：{seed}",
    },
    "seed_from_code": {
        "en": "variant seed {seed} read from the notebook's code",
        "zh": "数据版本 {seed} 是从笔记本代码中读取的",
    },
    "no_set": {
        "en": "cannot tell which exercise set this is; pass --set",
        "zh": "无法判断这是哪一套练习；请用 --set 指定",
    },
    "duplicates": {
        "en": "{n} submissions have student id {sid}",
        "zh": "有 {n} 份提交的学号都是 {sid}",
    },
    "same_user": {
        "en": "the notebook ran as the grader's own user ({user}), not as a separate user "
        "({reason}): it could change files that user may change",
        "zh": "笔记本以评分程序自身的用户（{user}）运行，而不是单独的用户（{reason}）："
        "它可以改动该用户有权改动的文件",
    },
    "cell_timeout": {
        "en": "{cell} was still running after {seconds} s and was stopped; the cells after it "
        "still ran",
        "zh": "{cell}运行 {seconds} 秒后仍未结束，已被停止；其后的单元格照常运行",
    },
    "notebook_time_up": {
        "en": "the {seconds} s allowed for the whole notebook were used up before {cell}; it "
        "and the cells after it did not run",
        "zh": "整个笔记本的 {seconds} 秒时间在{cell}之前已用完；该单元格及其后的单元格没有运行",
    },
    "stuck": {
        "en": "the kernel did not stop when {cell} was interrupted; the notebook was run again "
        "without it",
        "zh": "中断{cell}时内核没有停下；已去掉该单元格重新运行笔记本",
    },
    "crashed_in": {
        "en": "the kernel crashed in {cell}; the notebook was run again without it",
        "zh": "内核在{cell}中崩溃；已去掉该单元格重新运行笔记本",
    },
    "crashed_export": {
        "en": "the kernel crashed while the grader collected the answers",
        "zh": "评分程序收集答案时内核崩溃",
    },
    "export_stuck": {
        "en": "the kernel did not hand over the answers within {seconds} s",
        "zh": "内核没有在 {seconds} 秒内交出答案",
    },
    "grader_problem": {"en": "grader problem: {error}", "zh": "评分程序问题：{error}"},
    "stopped": {"en": "grading stopped after {seconds} s", "zh": "评分在 {seconds} 秒后被停止"},
    "could_not_run": {
        "en": "the grader could not run this notebook: {tail}",
        "zh": "评分程序无法运行这个笔记本：{tail}",
    },
    "errors_in": {"en": "errors in: {cells}", "zh": "出错的单元格：{cells}"},
    "checking_failed": {"en": "checking failed: {error}", "zh": "检查失败：{error}"},
    "no_answers": {
        "en": "the answers could not be collected from the notebook: {error}",
        "zh": "无法从笔记本中收集答案：{error}",
    },
}


def _note(key: str, language: str, **fields: Any) -> str:
    from ruralkit.i18n import Msg

    return Msg.from_texts(_NOTES[key], **fields).render(language)


# =========================================================================== grading: cells
_CELL_ID = re.compile(r"^q(\d+)-(answer|check|help|given)$")
_CELL_LABELS = {
    "answer": "exercises.cell_answer", "check": "exercises.cell_check",
    "help": "exercises.cell_help", "given": "exercises.cell_given",
}
_HEADING = re.compile(r"^\s*#{1,3}\s*(\d+)\s*[.、]")


def cell_labels(cells: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Where each cell is, in words ("the answer cell of question 4"), as a ``Msg``.

    JupyterLab shows no cell numbers, so notes and feedback name a cell by its
    question: from the cell ids of the built notebooks (``q4-answer``), else from
    the question headings (``## 4. ...``) above it. ``None`` for Markdown cells.
    """
    from ruralkit.i18n import Msg

    labels: list[Any] = []
    question: int | None = None
    seen_code = False
    for cell in cells:
        source = _source_text(cell.get("source", ""))
        if cell.get("cell_type") != "code":
            heading = _HEADING.match(source)
            if heading:
                question = int(heading.group(1))
            labels.append(None)
            continue
        cell_id = str(cell.get("id") or "")
        match = _CELL_ID.match(cell_id)
        first = next((ln.strip() for ln in source.splitlines() if ln.strip()), "")
        start = first if len(first) <= 40 else first[:39] + "…"
        if match:
            question = int(match.group(1))
            labels.append(Msg(_CELL_LABELS[match.group(2)], n=question))
        elif cell_id == "setup" or (
            not seen_code and question is None and "set_variant" in source
        ):
            labels.append(Msg("exercises.cell_setup"))
        elif cell_id == "language-code":
            labels.append(Msg("exercises.cell_language"))
        elif question is None:
            labels.append(Msg("exercises.cell_added_top", start=start))
        else:
            labels.append(Msg("exercises.cell_added", n=question, start=start))
        seen_code = True
    return labels


_ASSIGNED = re.compile(
    r"^\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*(?:[-+*/%&|^@]|//|\*\*)?=(?!=)"
)


def names_set_by(source: str) -> set[str]:
    """Names a cell assigns at the top level of the notebook (also inside ``if``,
    ``for``, ``with`` or ``try``); read line by line if the cell is not valid Python."""
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        names: set[str] = set()
        for line in lines:
            match = _ASSIGNED.match(line)
            if match:
                names.update(n.strip() for n in match.group(1).split(","))
        return names
    names = set()

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


def _missing_reasons(
    cells: Sequence[Mapping[str, Any]],
    outcomes: Mapping[int, Mapping[str, Any]],
    missing: Iterable[str],
    labels: Sequence[Any],
) -> dict[str, Any]:
    """For each missing answer variable whose cell failed: why, as a ``Msg``."""
    from ruralkit.i18n import Msg

    reasons: dict[str, Any] = {}
    setters: dict[int, set[str]] = {
        i: names_set_by(_source_text(c.get("source", "")))
        for i, c in enumerate(cells) if c.get("cell_type") == "code"
    }
    for name in missing:
        for index in sorted(setters):
            outcome = outcomes.get(index)
            if name not in setters[index] or not outcome:
                continue
            cell = labels[index]
            status = outcome.get("status")
            if status == "error":
                error = f"{outcome.get('ename', '')}: {outcome.get('evalue', '')}"[:160]
                reasons[name] = Msg("exercises.missing_cell_error", name=name, cell=cell,
                                    error=error)
            elif status == "timeout":
                reasons[name] = Msg("exercises.missing_cell_timeout", name=name, cell=cell,
                                    seconds=_num(outcome.get("seconds")))
            elif status == "not_run":
                reasons[name] = Msg("exercises.missing_cell_not_run", name=name, cell=cell)
            elif status == "crashed":
                reasons[name] = Msg("exercises.missing_cell_crashed", name=name, cell=cell)
            else:
                continue
            break
    return reasons


# =========================================================================== grading: kernel side
_EXPORT_CELL = '''\
# ruralkit grader: added to the graded copy only, never to the submission.
def _ruralkit_export_():
    import sys
    for _m in [m for m in list(sys.modules) if m == "ruralkit" or m.startswith("ruralkit.")]:
        del sys.modules[_m]  # fresh copies of the code that reads the answers
    from IPython import get_ipython
    from ruralkit.exercises.answers import export_answers
    export_answers({set_key!r}, get_ipython().user_ns, out={out!r}, token={token!r})
_ruralkit_export_()
'''


_PRELUDE_CELL = """\
# ruralkit grader prelude: exit() and quit() must not end the graded run early.
get_ipython().ask_exit = lambda: None
"""

_PROBE_CELL = "None  # ruralkit grader: is the kernel listening again?"


def check_answers(
    set_key: str,
    values: Mapping[str, Any],
    *,
    seed: int | None,
    language: str,
    hidden: bool,
    missing: Mapping[str, Any] | None = None,
    names: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """Check answers read from a kernel, in this process, against variant ``seed``.

    ``values`` maps answer variables to their values (``____`` for a placeholder);
    variables not in it are missing, for the reasons in ``missing`` if given.
    Returns the rows of :meth:`ExerciseSet.grade`, with messages in ``language``.
    """
    import ruralkit
    from ruralkit import i18n
    from ruralkit.exercises import get_set

    i18n.set_language(language)
    setter = getattr(ruralkit, "set_variant", None)
    if setter is not None:
        setter(seed)
    elif seed is not None:  # pragma: no cover - set_variant exists since set 00
        raise RuntimeError("this ruralkit has no set_variant(); cannot grade a variant")
    namespace: dict[str, Any] = dict(values)
    return get_set(set_key).grade(namespace, hidden=hidden, missing=missing, names=names)


# =========================================================================== grading: worker
MAX_ATTEMPTS = 3

# Started as root, this drops to the grading user and starts the kernel in its place.
_DROP_PRIVILEGES = """\
import os, sys
uid, gid = int(sys.argv[1]), int(sys.argv[2])
program = None
if os.path.isabs(sys.argv[3]) and os.execve in os.supports_fd:
    # opened before dropping privileges: runs an interpreter installed where only root
    # may look (e.g. under /root), as long as the files it then reads are readable
    program = os.open(sys.argv[3], os.O_RDONLY)
os.setgroups([])
os.setgid(gid)
os.setuid(uid)
if os.getuid() != uid or os.geteuid() != uid:
    sys.exit("could not drop privileges")
try:
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS
except Exception:
    pass
try:
    import resource
    for limit, value in ((resource.RLIMIT_NPROC, 512), (resource.RLIMIT_FSIZE, 1 << 30)):
        resource.setrlimit(limit, (value, value))
except Exception:
    pass
os.umask(0o077)
if program is not None:
    os.execve(program, sys.argv[3:], os.environ)
os.execvp(sys.argv[3], sys.argv[3:])
"""


def _drop_command(uid: int, gid: int) -> list[str]:
    """A command prefix that runs the rest of the command as ``uid``/``gid``."""
    return [sys.executable, "-I", "-S", "-c", _DROP_PRIVILEGES, str(uid), str(gid)]


_MANAGER_CLASS: Any = None


def _kernel_manager_class() -> Any:
    """A kernel manager that starts the kernel as another user, if one is set."""
    global _MANAGER_CLASS
    if _MANAGER_CLASS is None:
        from jupyter_client.manager import AsyncKernelManager

        class SandboxKernelManager(AsyncKernelManager):
            kernel_uid: int | None = None
            kernel_gid: int | None = None

            def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
                cmd = super().format_kernel_cmd(extra_arguments)
                if self.kernel_uid is None or self.kernel_gid is None:
                    return cmd
                os.chown(self.connection_file, self.kernel_uid, self.kernel_gid)
                return [*_drop_command(self.kernel_uid, self.kernel_gid), *cmd]

        _MANAGER_CLASS = SandboxKernelManager
    return _MANAGER_CLASS


def _worker_main(spec_path: str) -> int:
    """Run one submission copy (in its own process); check its answers; write the result.

    The notebook's cells run in a kernel (as another user where possible); this
    process never runs any of them. After the cells, a last cell exports the
    answers; they are read back with a restricted unpickler and checked here.
    """
    import nbformat
    from jupyter_core.utils import run_sync
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    language = spec["language"]
    kernel_dir = Path(spec["kernel_dir"])
    private = Path(spec["private"])
    result: dict[str, Any] = {"errors": [], "notes": [], "attempts": 0, "timings": {}}
    nb = nbformat.read(spec["notebook"], as_version=4)
    labels = cell_labels(nb.cells)

    def where(index: int) -> str:
        label = labels[index]
        return label.render(language) if label is not None else f"cell {index + 1}"

    export_file = str(kernel_dir / f"answers-{spec['token']}.json")
    export_source = _EXPORT_CELL.format(set_key=spec["set"], out=export_file, token=spec["token"])
    timeout = float(spec["timeout"])
    cell_timeout = float(spec["cell_timeout"])
    grader_timeout = float(spec["grader_timeout"])
    user = spec.get("kernel_user") or {}
    skip: dict[int, str] = {}  # cell index -> "crashed" | "timeout" (kernel did not stop)
    rerun_notes: list[str] = []
    timed_out = crashed = False
    exported = False
    outcomes: dict[int, dict[str, Any]] = {}
    attempt_notes: list[str] = []
    timings = result["timings"]
    for attempt in range(1, MAX_ATTEMPTS + 1):
        result["attempts"] = attempt
        outcomes = {i: {"status": why, "seconds": cell_timeout} for i, why in skip.items()}
        attempt_notes = []
        bad_cell: int | None = None
        bad_kind = "timeout"
        stuck = False
        cells = [nbformat.from_dict(json.loads(json.dumps(c))) for c in nb.cells]
        run_nb = nbformat.v4.new_notebook(cells=list(cells), metadata=nb.metadata)
        km = _kernel_manager_class()(
            kernel_name="python3", transport="ipc", ip=str(kernel_dir / f"k{attempt}")
        )
        km.connection_file = str(kernel_dir / f"kernel-{attempt}.json")
        km.kernel_uid, km.kernel_gid = user.get("uid"), user.get("gid")
        client = NotebookClient(
            run_nb, km=km, timeout=int(cell_timeout), allow_errors=True, record_timing=False,
            interrupt_on_timeout=False, kernel_name="python3", startup_timeout=90,
            shutdown_kernel="immediate",
            resources={"metadata": {"path": spec["workdir"]}},
        )
        current: int | None = None
        clock = time.monotonic()

        def run_extra(source: str, seconds: float, client: Any = client,
                      run_nb: Any = run_nb) -> None:
            extra = nbformat.v4.new_code_cell(source)
            run_nb.cells.append(extra)
            client.timeout = max(1, math.ceil(seconds))
            client.execute_cell(extra, len(run_nb.cells) - 1)

        try:
            with client.setup_kernel():
                timings["kernel_start"] = time.monotonic() - clock
                pid = getattr(getattr(km, "provisioner", None), "pid", None)
                if pid:
                    (private / "kernel.pid").write_text(str(pid))
                run_extra(_PRELUDE_CELL, 30)
                deadline = time.monotonic() + timeout
                time_up = False
                for index, cell in enumerate(cells):
                    if cell.cell_type != "code" or index in skip or not cell.source.strip():
                        continue
                    remaining = deadline - time.monotonic()
                    if time_up or remaining <= 0:
                        if not time_up:
                            attempt_notes.append(_note("notebook_time_up", language,
                                                       seconds=_num(timeout), cell=where(index)))
                        timed_out = time_up = True
                        outcomes[index] = {"status": "not_run"}
                        continue
                    limit = min(cell_timeout, remaining)
                    client.timeout = max(1, math.ceil(limit))
                    current = index
                    try:
                        client.execute_cell(cell, index)
                    except CellTimeoutError:
                        # stop this cell, carry on with the next ones
                        timed_out = True
                        outcomes[index] = {"status": "timeout", "seconds": math.ceil(limit)}
                        attempt_notes.append(_note("cell_timeout", language, cell=where(index),
                                                   seconds=_num(math.ceil(limit))))
                        if not _interrupted(client, km, min(10.0, max(3.0, cell_timeout)),
                                            run_extra):
                            stuck, bad_cell = True, index
                            rerun_notes.append(_note("stuck", language, cell=where(index)))
                            break
                        continue
                    for output in cell.get("outputs", []):
                        if output.get("output_type") == "error":
                            outcomes[index] = {
                                "status": "error", "ename": str(output.get("ename", ""))[:80],
                                "evalue": str(output.get("evalue", ""))[:200],
                            }
                            break
                current = None
                timings["cells"] = time.monotonic() - clock - timings["kernel_start"]
                if not stuck:
                    try:
                        run_extra(export_source, grader_timeout)
                    except CellTimeoutError:
                        attempt_notes.append(_note("export_stuck", language,
                                                   seconds=_num(grader_timeout)))
        except DeadKernelError:
            crashed, stuck, bad_cell, bad_kind = True, True, current, "crashed"
            if current is not None:
                rerun_notes.append(_note("crashed_in", language, cell=where(current)))
            else:
                attempt_notes.append(_note("crashed_export", language))
        except Exception as exc:  # kernel failed to start, etc.
            attempt_notes.append(_note("grader_problem", language,
                                       error=f"{type(exc).__name__}: {exc}"[:300]))
        finally:
            timings["total_run"] = time.monotonic() - clock
            try:
                if km.has_kernel:
                    run_sync(km.shutdown_kernel)(now=True)
            except Exception:
                pass
        exported = os.path.lexists(export_file)
        if exported or not stuck or bad_cell is None or bad_cell in skip:
            break
        skip[bad_cell] = bad_kind
    result["notes"] = rerun_notes + attempt_notes
    result["errors"] = [
        {"cell": i + 1, "label": where(i), "ename": o.get("ename", ""),
         "evalue": o.get("evalue", "")}
        for i, o in sorted(outcomes.items()) if o.get("status") == "error"
    ]
    result["timed_out"] = timed_out
    result["crashed"] = crashed
    result["grade"] = _check_exported(spec, nb.cells, outcomes, labels, export_file,
                                      result["notes"]) if exported else None
    out = Path(spec["result"])
    out.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


def _interrupted(client: Any, km: Any, grace: float, run_extra: Any) -> bool:
    """Interrupt the kernel; true if it is listening again within ``grace`` seconds.

    The channels are opened afresh: nbclient leaves the timed-out cell's reader
    waiting on them, which would otherwise swallow messages meant for later cells.
    """
    from jupyter_core.utils import run_sync
    from nbclient.exceptions import CellTimeoutError

    saved = client.startup_timeout
    try:
        run_sync(km.interrupt_kernel)()
        client.kc.stop_channels()
        client.startup_timeout = max(1, math.ceil(grace))
        run_sync(client.async_start_new_kernel_client)()
        run_extra(_PROBE_CELL, grace)
        return True
    except (CellTimeoutError, RuntimeError, TimeoutError):
        return False
    finally:
        client.startup_timeout = saved


class _CheckTimeout(Exception):  # noqa: N818
    pass


def _check_exported(
    spec: Mapping[str, Any],
    cells: Sequence[Mapping[str, Any]],
    outcomes: Mapping[int, Mapping[str, Any]],
    labels: Sequence[Any],
    export_file: str,
    notes: list[str],
) -> dict[str, Any]:
    """Read the exported answers and check them here, within the grader's time limit."""
    from ruralkit.exercises import get_set
    from ruralkit.exercises.answers import AnswerFileError, read_answers
    from ruralkit.exercises.engine import PLACEHOLDER

    language = spec["language"]

    def on_alarm(signum: int, frame: Any) -> None:
        raise _CheckTimeout(f"the checks took longer than {spec['grader_timeout']:g} s")

    use_alarm = hasattr(signal, "setitimer") and threading.current_thread() is (
        threading.main_thread())
    if use_alarm:
        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, float(spec["grader_timeout"]))
    try:
        exercise_set = get_set(spec["set"])  # also registers the set's Facts records
        try:
            values, placeholders, names = read_answers(export_file, spec["token"])
        except AnswerFileError as exc:
            notes.append(_note("no_answers", language, error=str(exc)))
            return {"ok": False, "error": str(exc)}
        answers: dict[str, Any] = dict(values)
        answers.update(dict.fromkeys(placeholders, PLACEHOLDER))
        wanted = [v for p in exercise_set.problems(lambda n: None).values() for v in p.var_names]
        missing = [v for v in dict.fromkeys(wanted) if v not in answers]
        reasons = _missing_reasons(cells, outcomes, missing, labels)
        rows = check_answers(
            spec["set"], answers, seed=spec["seed"], language=language,
            hidden=spec["hidden"], missing=reasons, names=names,
        )
        return {"ok": True, "questions": rows}
    except BaseException as exc:  # noqa: BLE001 - report, never crash the worker
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:500]}
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


# =========================================================================== grading: parent
@dataclass
class GradeResult:
    """The grading of one submission (one gradebook row)."""

    file: str
    student_id: str
    set_key: str | None
    variant_seed: int | None
    status: str
    seconds: float
    questions: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(q["points"] for q in self.questions)

    @property
    def max_points(self) -> float:
        return sum(q["max_points"] for q in self.questions)


def _sandbox_prefix() -> tuple[list[str], str]:
    """Command prefix that runs a process without network, and a description."""
    if os.environ.get("RURALKIT_GRADE_NO_SANDBOX"):
        return [], "off (RURALKIT_GRADE_NO_SANDBOX is set)"
    unshare = shutil.which("unshare")
    if sys.platform.startswith("linux") and unshare:
        for prefix in ([unshare, "--net"], [unshare, "--map-root-user", "--net"]):
            try:
                ok = subprocess.run(
                    [*prefix, "true"], capture_output=True, timeout=10
                ).returncode == 0
            except (OSError, subprocess.SubprocessError):
                ok = False
            if ok:
                return prefix, "blocked (unshare " + " ".join(prefix[1:]) + ")"
    return [], "network not blocked (unshare unavailable); proxies blanked"


# Kernels run as a user of their own: a uid from this range (no account needed), one per
# submission, so that notebooks graded at the same time cannot touch each other's files.
_UID_BASE = 1_600_000_000
_UID_SPAN = 100_000_000


@dataclass
class KernelUser:
    """Who the graded kernels run as: ``mode`` is "unique" (a fresh uid per
    submission), "fixed" (one given user, e.g. nobody) or "same" (the grader's own
    user, with ``reason`` saying why)."""

    mode: str
    uid: int | None = None
    gid: int | None = None
    reason: str = ""

    def for_submission(self) -> tuple[int, int] | None:
        if self.mode == "unique":
            uid = _UID_BASE + secrets.randbelow(_UID_SPAN)
            return uid, uid
        if self.mode == "fixed" and self.uid is not None and self.gid is not None:
            return self.uid, self.gid
        return None

    def describe(self) -> str:
        if self.mode == "unique":
            return "a separate user for each notebook"
        if self.mode == "fixed":
            return f"user {self.uid}"
        return f"the grader's own user ({self.reason})"


def _grader_user_name() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except Exception:
        return str(getattr(os, "geteuid", lambda: "?")())


def _kernel_user(prefix: Sequence[str]) -> KernelUser:
    """Find a user to run kernels as, and check that Python starts as that user.

    Needs root (to change user) on a POSIX system. ``RURALKIT_GRADE_USER`` chooses:
    unset (a fresh uid per notebook, else ``nobody``), a user name or uid, or
    ``same`` (do not change user).
    """
    setting = os.environ.get("RURALKIT_GRADE_USER", "").strip()
    if setting.lower() in {"same", "off", "none", "no"}:
        return KernelUser("same", reason="RURALKIT_GRADE_USER=" + setting)
    if not hasattr(os, "geteuid") or not hasattr(os, "setuid"):
        return KernelUser("same", reason="this system cannot run a program as another user")
    if os.geteuid() != 0:
        return KernelUser("same", reason="the grader is not run as root, so it cannot "
                                         "start the notebook as another user")
    candidates: list[KernelUser] = []
    try:
        import pwd

        if setting:
            entry = pwd.getpwuid(int(setting)) if setting.isdigit() else pwd.getpwnam(setting)
            candidates.append(KernelUser("fixed", entry.pw_uid, entry.pw_gid))
        else:
            candidates.append(KernelUser("unique"))
            try:
                entry = pwd.getpwnam("nobody")
                candidates.append(KernelUser("fixed", entry.pw_uid, entry.pw_gid))
            except KeyError:
                pass
    except (KeyError, ValueError):
        return KernelUser("same", reason=f"no user {setting!r} (RURALKIT_GRADE_USER)")
    problems = []
    for candidate in candidates:
        ids = candidate.for_submission()
        assert ids is not None
        problem = _probe_user(prefix, *ids)
        if problem is None:
            return candidate
        problems.append(problem)
    return KernelUser("same", reason="Python could not start as another user: "
                      + "; ".join(problems)[:200])


def _probe_user(prefix: Sequence[str], uid: int, gid: int) -> str | None:
    """``None`` if a kernel's Python starts as ``uid`` and imports what grading needs."""
    tmp = Path(tempfile.mkdtemp(prefix="ruralkit-probe-"))
    try:
        home = tmp / "home"
        home.mkdir()
        os.chmod(tmp, 0o711)
        os.chown(home, uid, gid)
        code = ("import os, ipykernel_launcher, pandas, matplotlib, ruralkit.exercises.answers;"
                f"assert os.getuid() == {uid}")
        done = subprocess.run(
            [*prefix, *_drop_command(uid, gid), sys.executable, "-c", code],
            cwd=home, env=_kernel_env(home, separate_user=True), capture_output=True,
            timeout=120, stdin=subprocess.DEVNULL,
        )
        if done.returncode != 0:
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()
            return (tail[-1] if tail else f"exit code {done.returncode}")[:150]
        return None
    except (OSError, subprocess.SubprocessError) as exc:
        return f"{type(exc).__name__}: {exc}"[:150]
    finally:
        _kill_uid(uid)
        shutil.rmtree(tmp, ignore_errors=True)


def _kill_uid(uid: int) -> None:
    """Kill every process of ``uid`` (only used with a uid made for one submission)."""
    if uid < _UID_BASE or not os.path.isdir("/proc"):
        return
    for _ in range(3):
        found = False
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as fh:
                    uids = next((ln.split()[1:] for ln in fh if ln.startswith("Uid:")), [])
            except OSError:
                continue
            if str(uid) in uids:
                found = True
                try:
                    os.kill(int(entry), signal.SIGKILL)
                except OSError:
                    pass
        if not found:
            return
        time.sleep(0.05)


_PROXY_VARS = ("http_proxy", "https_proxy", "ftp_proxy", "all_proxy", "no_proxy")


def _kernel_env(home: Path, *, separate_user: bool = False) -> dict[str, str]:
    env = _env_with_package()
    for var in _PROXY_VARS:
        env[var] = ""
        env[var.upper()] = ""
    if separate_user:
        # the kernel's user cannot read the grader's caches; it keeps its own
        env["XDG_CACHE_HOME"] = str(home / ".cache")
        env["USER"] = env["LOGNAME"] = "ruralkit-student"
        env.pop("MPLCONFIGDIR", None)
    else:
        cache = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        env["XDG_CACHE_HOME"] = cache  # shared caches (matplotlib fonts) keep working
    env["HOME"] = str(home)  # '~' in a submission points into the temporary folder
    env["TMPDIR"] = str(home)
    env["IPYTHONDIR"] = str(home / ".ipython")
    env["JUPYTER_RUNTIME_DIR"] = str(home / ".runtime")
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    env.pop("JPY_PARENT_PID", None)
    return env


def _id_from_path(path: Path, set_stem: str | None) -> str:
    """The student id a submission's path gives: the folder of a notebook that keeps
    the set's own name (``s005/00_start_here.ipynb``), else the file name
    (``s005.ipynb``, ``s005_00_start_here.ipynb``)."""
    stem = path.stem
    if set_stem:
        keeps_name = stem == set_stem or re.fullmatch(
            re.escape(set_stem) + r"[\s_.-]*(\(\d+\)|-?copy\d*|副本\d*)?", stem, re.I
        )
        if keeps_name and path.parent.name:
            return path.parent.name
        for pattern in (re.escape(set_stem) + r"[\s_.-]+(.+)", r"(.+?)[\s_.-]+" +
                        re.escape(set_stem)):
            match = re.fullmatch(pattern, stem)
            if match and match.group(1).strip():
                return match.group(1).strip()
    return stem


def _inspect(
    path: Path, set_override: str | None, language: str = "en"
) -> tuple[dict[str, Any] | None, GradeResult]:
    """Read a submission; a GradeResult with status 'invalid' if it cannot be graded.

    The student id comes from the submission's path (folder or file name, as handed
    in); a different id in the notebook's metadata is only noted (a copied notebook).
    """
    result = GradeResult(str(path), path.stem, set_override, None, "invalid", 0.0)
    try:
        nb = read_notebook(path)
        import nbformat

        nbformat.validate(nbformat.from_dict(json.loads(json.dumps(nb))))
    except Exception as exc:
        result.notes.append(_note("unreadable", language,
                                  error=str(exc).split("\n")[0][:300]))
        return None, result
    meta = nb.get("metadata", {}).get("ruralkit", {})
    meta = meta if isinstance(meta, dict) else {}
    set_key = set_override or notebook_set_key(nb, path)
    result.set_key = set_key
    stem = None
    if set_key:
        try:
            from ruralkit.exercises import get_set

            stem = get_set(set_key).notebook
        except Exception:
            stem = None
    result.student_id = _id_from_path(path, stem)
    meta_id = meta.get("student_id")
    if isinstance(meta_id, str) and meta_id and meta_id != result.student_id:
        result.notes.append(_note("metadata_id", language, meta_id=meta_id))
    seed = meta.get("variant_seed")
    if seed is not None and not (isinstance(seed, int) and not isinstance(seed, bool)):
        result.notes.append(_note("bad_seed", language, seed=repr(seed)))
        seed = None
    if "variant_seed" not in meta:
        # metadata lost (another editor?): fall back on the set_variant(<seed>) line
        for cell in nb["cells"]:
            found = re.search(r"\bset_variant\((\d+)\)", cell["source"])
            if cell["cell_type"] == "code" and found:
                seed = int(found.group(1))
                result.notes.append(_note("seed_from_code", language, seed=seed))
                break
    result.variant_seed = seed
    if not set_key:
        result.notes.append(_note("no_set", language))
        return None, result
    return nb, result


def _grade_one(
    path: Path,
    nb: dict[str, Any],
    result: GradeResult,
    *,
    timeout: float,
    cell_timeout: float,
    grader_timeout: float,
    language: str,
    hidden: bool,
    prefix: list[str],
    user: KernelUser,
) -> GradeResult:
    start = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="ruralkit-grade-"))
    ids = user.for_submission()
    try:
        # tmp (grader only; others may pass through) / private (grader only)
        #                                           / box (the kernel's) / work, home, .grader
        private, box = tmp / "private", tmp / "box"
        work, home, kernel_dir = box / "work", box / "home", box / ".grader"
        runtime, ipython = home / ".runtime", home / ".ipython"
        for d in (private, box, work, home, kernel_dir, runtime, ipython):
            d.mkdir()
        if ids is not None:
            os.chmod(tmp, 0o711)
            for d in (box, work, home, kernel_dir, runtime, ipython):
                os.chown(d, *ids)
                os.chmod(d, 0o700)
        else:
            result.notes.append(_note("same_user", language, user=_grader_user_name(),
                                      reason=user.reason))
        copy = private / path.name
        copy.write_bytes(path.read_bytes())  # the submission itself is only ever read
        token = secrets.token_hex(16)
        spec = {
            "notebook": str(copy), "workdir": str(work), "private": str(private),
            "kernel_dir": str(kernel_dir), "result": str(private / "result.json"),
            "token": token, "set": result.set_key, "seed": result.variant_seed,
            "language": language, "hidden": hidden, "timeout": timeout,
            "cell_timeout": cell_timeout, "grader_timeout": grader_timeout,
            "kernel_user": {"uid": ids[0], "gid": ids[1]} if ids else None,
        }
        spec_path = private / "spec.json"
        spec_path.write_text(json.dumps(spec), encoding="utf-8")
        cmd = [*prefix, sys.executable, "-m", "ruralkit.exercises._worker", str(spec_path)]
        hard_limit = MAX_ATTEMPTS * (timeout + grader_timeout + 60) + grader_timeout
        with open(private / "worker.log", "wb") as log:
            proc = subprocess.Popen(
                cmd, cwd=private, env=_kernel_env(home, separate_user=ids is not None),
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            with _ACTIVE_LOCK:
                _ACTIVE[proc.pid] = private / "kernel.pid"
            try:
                proc.wait(timeout=hard_limit)
            except subprocess.TimeoutExpired:
                _kill_group(proc.pid)
                proc.wait()
                result.notes.append(_note("stopped", language, seconds=_num(hard_limit)))
            finally:
                _kill_kernel(private / "kernel.pid")
                if ids is not None and user.mode == "unique":
                    _kill_uid(ids[0])
                with _ACTIVE_LOCK:
                    _ACTIVE.pop(proc.pid, None)
        out = private / "result.json"
        if not out.exists():
            result.status = "failed"
            tail = (private / "worker.log").read_text(encoding="utf-8", errors="replace")
            result.notes.append(_note("could_not_run", language, tail=tail[-300:].strip()))
            return result
        run = json.loads(out.read_text(encoding="utf-8"))
        result.timings = run.get("timings", {})
        result.notes.extend(run.get("notes", []))
        errors = run.get("errors", [])
        if errors:
            listed = "; ".join(f"{e.get('label') or 'cell ' + str(e['cell'])} ({e['ename']})"
                               for e in errors[:6])
            result.notes.append(_note("errors_in", language,
                                      cells=listed + (" …" if len(errors) > 6 else "")))
        graded = run.get("grade")
        if graded and graded.get("ok"):
            result.questions = graded["questions"]
        elif graded:
            result.notes.append(_note("checking_failed", language,
                                      error=graded.get("error", "?")))
        if run.get("timed_out"):
            result.status = "timeout"
        elif run.get("crashed"):
            result.status = "crashed"
        elif graded is None or not graded.get("ok"):
            result.status = "failed"
        elif errors:
            result.status = "error"
        else:
            result.status = "ok"
        return result
    finally:
        result.seconds = time.monotonic() - start
        shutil.rmtree(tmp, ignore_errors=True)


_ACTIVE: dict[int, Path] = {}  # running workers: pid -> their kernel's pid file
_ACTIVE_LOCK = threading.Lock()


def _stop_all_workers() -> None:
    """Kill every running worker and its kernel (on Ctrl+C or an error in grade())."""
    with _ACTIVE_LOCK:
        active = dict(_ACTIVE)
    for pid, pid_file in active.items():
        _kill_group(pid)
        _kill_kernel(pid_file)


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_kernel(pid_file: Path) -> None:
    try:
        pid = int(pid_file.read_text())
    except (OSError, ValueError):
        return
    for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            kill()
        except (ProcessLookupError, PermissionError, OSError):
            pass


class _Progress:
    """A plain-text progress bar on stderr (one line per notebook when not a terminal)."""

    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.total, self.done = total, 0
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.start = time.monotonic()
        self.lock = threading.Lock()

    def update(self, result: GradeResult) -> None:
        if not self.enabled:
            return
        with self.lock:
            self.done += 1
            width = 24
            filled = int(width * self.done / max(self.total, 1))
            bar = "#" * filled + "." * (width - filled)
            elapsed = time.monotonic() - self.start
            line = (
                f"[{bar}] {self.done}/{self.total}  {elapsed:5.0f} s  "
                f"{result.student_id}: {result.status} ({result.seconds:.1f} s)"
            )
            if self.tty:
                self.stream.write("\r" + line.ljust(90))
                if self.done == self.total:
                    self.stream.write("\n")
            else:
                self.stream.write(line + "\n")
            self.stream.flush()


def collect_submissions(items: Iterable[str | Path]) -> list[Path]:
    """Expand folders into the ``*.ipynb`` files inside them (checkpoints skipped)."""
    paths: list[Path] = []
    for item in items:
        item = Path(item)
        if item.is_dir():
            paths.extend(
                p for p in sorted(item.rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts
            )
        elif item.exists():
            paths.append(item)
        else:
            raise RuralkitError(f"Submission {item} does not exist.")
    return list(dict.fromkeys(paths))


def grade(
    submissions: Iterable[str | Path],
    *,
    out: str | Path | None = "gradebook.csv",
    timeout: float = 60,
    cell_timeout: float | None = None,
    jobs: int = 1,
    set_key: str | None = None,
    language: str = "en",
    hidden: bool = True,
    grader_timeout: float = 60,
    progress: bool = True,
    feedback: bool = True,
    log: Callable[[str], None] | None = None,
) -> list[GradeResult]:
    """Grade notebooks; write a gradebook CSV and a feedback file per student.

    Parameters
    ----------
    submissions : paths
        Notebook files or folders of them.
    out : path, optional
        The gradebook CSV; feedback files go to ``<out stem>_feedback/`` beside it.
        ``None`` writes nothing.
    timeout : float
        Seconds a notebook's own cells may run altogether (per run; a notebook
        whose kernel crashes, or does not stop when interrupted, is re-run without
        the offending cell, at most ``MAX_ATTEMPTS`` times).
    cell_timeout : float, optional
        Seconds one cell may run; a cell still running then is interrupted and
        the cells after it run as usual (an endless loop costs only that cell).
        Default: ``min(30, timeout / 2)``.
    jobs : int
        Notebooks graded at the same time (each in its own process and kernel).
    set_key : str, optional
        The exercise set, when the notebooks do not say (metadata or ``NN_`` name).
    language : {"en", "zh"}
        Language of the messages in the feedback files.
    hidden : bool
        Run the hidden tests.
    grader_timeout : float
        Seconds allowed for handing over the answers, and again for the checks.

    Returns
    -------
    list of GradeResult
        One per submission, in the order given.
    """
    paths = collect_submissions(submissions)
    if not paths:
        raise RuralkitError("No notebooks to grade.")
    if set_key is not None:
        set_key = f"{int(set_key):02d}"
    if cell_timeout is None:
        cell_timeout = min(30.0, max(1.0, timeout / 2))
    cell_timeout = max(1.0, min(float(cell_timeout), float(timeout)))
    prefix, sandbox = _sandbox_prefix()
    user = _kernel_user(prefix)
    say = log or (lambda text: print(text, file=sys.stderr))
    if progress:
        say(f"Grading {len(paths)} notebook(s), {jobs} at a time; network: {sandbox}; "
            f"notebooks run as {user.describe()}")
    bar = _Progress(len(paths), enabled=progress)
    results: dict[int, GradeResult] = {}

    def task(i: int, path: Path) -> tuple[int, GradeResult]:
        nb, result = _inspect(path, set_key, language)
        if nb is not None:
            result = _grade_one(
                path, nb, result, timeout=timeout, cell_timeout=cell_timeout,
                grader_timeout=grader_timeout, language=language, hidden=hidden,
                prefix=prefix, user=user,
            )
        return i, result

    pool = ThreadPoolExecutor(max_workers=max(1, int(jobs)))
    try:
        futures = [pool.submit(task, i, p) for i, p in enumerate(paths)]
        for future in as_completed(futures):
            i, result = future.result()
            results[i] = result
            bar.update(result)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        _stop_all_workers()
        raise
    pool.shutdown()
    ordered = [results[i] for i in range(len(paths))]
    _flag_duplicates(ordered, language)
    if out is not None:
        write_gradebook(ordered, out)
        if feedback:
            write_feedback(ordered, Path(out).with_name(Path(out).stem + "_feedback"), language)
    return ordered


def _flag_duplicates(results: Sequence[GradeResult], language: str = "en") -> None:
    seen: dict[str, list[GradeResult]] = {}
    for r in results:
        seen.setdefault(r.student_id, []).append(r)
    for sid, group in seen.items():
        if len(group) > 1:
            for r in group:
                r.notes.append(_note("duplicates", language, n=len(group), sid=sid))


def _num(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"


def question_labels(results: Sequence[GradeResult]) -> list[str]:
    """Question columns for a gradebook: from the sets graded (q1, q2, ...)."""
    labels: list[str] = []
    for key in sorted({r.set_key for r in results if r.set_key}):
        try:
            from ruralkit.exercises import get_set

            labels.extend(get_set(key).labels)
        except Exception:
            pass
    for r in results:
        labels.extend(q["question"] for q in r.questions)
    labels = list(dict.fromkeys(labels))
    return sorted(labels, key=lambda s: (len(s), s))


def write_gradebook(results: Sequence[GradeResult], path: str | Path) -> Path:
    """Write the gradebook CSV (UTF-8 with BOM, so Excel shows Chinese correctly)."""
    path = Path(path)
    labels = question_labels(results)
    header = ["file", "student_id", "set", "variant_seed", *labels, "total", "max_points",
              "status", "seconds", "notes"]
    max_by_set: dict[str, float] = {}
    for r in results:
        if r.questions and r.set_key:
            max_by_set[r.set_key] = r.max_points
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for r in results:
            points = {q["question"]: q["points"] for q in r.questions}
            maximum = r.max_points if r.questions else max_by_set.get(r.set_key or "", None)
            if maximum is None and len(max_by_set) == 1:
                maximum = next(iter(max_by_set.values()))
            if maximum is None and r.set_key:
                try:
                    from ruralkit.exercises import get_set

                    maximum = get_set(r.set_key).max_points
                except Exception:
                    maximum = None
            writer.writerow(
                [r.file, r.student_id, r.set_key or "",
                 "" if r.variant_seed is None else r.variant_seed,
                 *[_num(points.get(label, 0.0)) for label in labels],
                 _num(r.total), _num(maximum), r.status, f"{r.seconds:.1f}",
                 " | ".join(r.notes)]
            )
    return path


_STATUS_TEXT = {
    "ok": {"en": "Your notebook ran from top to bottom without errors.",
           "zh": "您的笔记本从头到尾运行，没有错误。"},
    "error": {"en": "Some cells of your notebook raised errors; the answers before and after "
                    "them were still checked.",
              "zh": "您的笔记本中有单元格报错；报错前后的答案仍然作了检查。"},
    "timeout": {"en": "A cell of your notebook ran longer than the time limit (a loop that never "
                      "ends?) and was stopped; the cells after it still ran, and their answers "
                      "were checked.",
                "zh": "您的笔记本中有单元格运行超出时间限制（是不是有停不下来的循环？），已被停止；"
                      "其后的单元格照常运行，答案也作了检查。"},
    "crashed": {"en": "Your notebook stopped the Python kernel; it was run again without the "
                      "cell that did so.",
                "zh": "您的笔记本使 Python 内核崩溃；已去掉导致崩溃的单元格后重新运行。"},
    "invalid": {"en": "Your file could not be read as a Jupyter notebook.",
                "zh": "您的文件无法作为 Jupyter 笔记本读取。"},
    "failed": {"en": "The grader could not check your notebook; your instructor will look at it.",
               "zh": "评分程序无法检查您的笔记本；老师会人工查看。"},
}
_FEEDBACK_LABELS = {
    "title": {"en": "Feedback", "zh": "反馈"},
    "student": {"en": "Student", "zh": "学员"},
    "file": {"en": "File", "zh": "文件"},
    "variant": {"en": "data version", "zh": "数据版本"},
    "score": {"en": "Score", "zh": "得分"},
    "question": {"en": "Question", "zh": "题目"},
    "points": {"en": "Points", "zh": "得分"},
    "result": {"en": "Result", "zh": "结果"},
    "again": {"en": "What to look at again", "zh": "需要再看看的地方"},
    "notes": {"en": "Notes", "zh": "说明"},
    "all_right": {"en": "Everything is right. Well done!", "zh": "全部正确，做得好！"},
}
_RESULT_WORDS = {
    "correct": {"en": "correct", "zh": "正确"},
    "incorrect": {"en": "not yet", "zh": "还不对"},
    "not_attempted": {"en": "not attempted", "zh": "未作答"},
    "uncheckable": {"en": "not checked", "zh": "不检查"},
    "error": {"en": "could not check", "zh": "无法检查"},
}


def feedback_markdown(result: GradeResult, language: str = "en") -> str:
    """The feedback file for one graded submission, in Markdown."""

    def t(table: Mapping[str, str]) -> str:
        return table.get(language) or table["en"]

    # the set's title; for a file that could not be read, its name (never empty)
    title = result.set_key or Path(result.file).name or result.student_id
    try:
        from ruralkit.exercises import get_set

        if result.set_key:
            title = f"{result.set_key} · {get_set(result.set_key).title.render(language)}"
    except Exception:
        pass
    lines = [f"# {t(_FEEDBACK_LABELS['title'])}: {title}", ""]
    if result.status == "invalid":
        lines += [f"{t(_FEEDBACK_LABELS['file'])}: `{Path(result.file).name}`", ""]
    who = f"{t(_FEEDBACK_LABELS['student'])}: `{result.student_id}`"
    if result.variant_seed is not None:
        who += f" · {t(_FEEDBACK_LABELS['variant'])} {result.variant_seed}"
    lines += [who, ""]
    if result.questions:
        lines += [f"**{t(_FEEDBACK_LABELS['score'])}: {_num(result.total)} / "
                  f"{_num(result.max_points)}**", ""]
    lines += [t(_STATUS_TEXT[result.status]), ""]
    if result.questions:
        lines += [f"| {t(_FEEDBACK_LABELS['question'])} | {t(_FEEDBACK_LABELS['points'])} | "
                  f"{t(_FEEDBACK_LABELS['result'])} |", "|---|---|---|"]
        for q in result.questions:
            word = t(_RESULT_WORDS.get(q["status"], _RESULT_WORDS["error"]))
            lines.append(f"| {q['question']} {q.get('title', '')} | {_num(q['points'])} / "
                         f"{_num(q['max_points'])} | {word} |")
        lines.append("")
        todo = [q for q in result.questions if q["points"] < q["max_points"]]
        if todo:
            lines += [f"## {t(_FEEDBACK_LABELS['again'])}", ""]
            for q in todo:
                text = q.get("message") or ""
                failed = [h for h in q.get("hidden", []) if not h["passed"]]
                if q["status"] == "correct" and failed:
                    from ruralkit.i18n import Msg

                    text = " ".join(
                        Msg("exercises.hidden_failed", test=h["description"]).render(language)
                        for h in failed
                    )
                lines.append(f"- **{q['question']}**: {text}")
            lines.append("")
        else:
            lines += [t(_FEEDBACK_LABELS["all_right"]), ""]
    return "\n".join(lines).rstrip() + "\n"


def write_feedback(
    results: Sequence[GradeResult], folder: str | Path, language: str = "en"
) -> Path:
    """Write ``folder/<student_id>.md`` for each result (``-2``, ``-3`` for repeated ids)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    used: dict[str, int] = {}
    for result in results:
        safe = re.sub(r"[^\w.-]", "_", result.student_id) or "submission"
        used[safe] = used.get(safe, 0) + 1
        name = safe if used[safe] == 1 else f"{safe}-{used[safe]}"
        (folder / f"{name}.md").write_text(
            feedback_markdown(result, language), encoding="utf-8"
        )
    return folder
