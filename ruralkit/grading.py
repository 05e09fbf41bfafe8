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
    kernel (per-notebook timeout, proxies blanked, no network where the OS allows),
    then every question's checker is re-run inside the kernel, together with the
    hidden tests. Results go to a gradebook CSV and one feedback file per student.

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
    "kernel_grade",
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


def read_roster(path: str | Path) -> list[dict[str, str]]:
    """Read a roster CSV with columns ``student_id`` and ``name`` (UTF-8 or GBK).

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
        raise RuralkitError(f"{path}: cannot read the roster as UTF-8 or GBK text.")
    rows = list(csv.DictReader(text.splitlines()))
    columns = [c.strip() for c in (rows[0].keys() if rows else [])]
    if "student_id" not in columns:
        raise RuralkitError(
            f"{path}: the roster needs a column 'student_id' (and 'name'); found columns: "
            f"{', '.join(columns) or 'none'}."
        )
    students, seen = [], {}
    for line, row in enumerate(rows, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        sid = row.get("student_id", "")
        if not sid:
            raise RuralkitError(f"{path}, line {line}: empty student_id.")
        if not _SAFE_ID.match(sid):
            raise RuralkitError(
                f"{path}, line {line}: student_id {sid!r} may contain only letters, digits, "
                "'_', '-' and '.', because it names a folder."
            )
        if sid in seen:
            raise RuralkitError(
                f"{path}, lines {seen[sid]} and {line}: student_id {sid!r} appears twice."
            )
        seen[sid] = line
        students.append({"student_id": sid, "name": row.get("name", "")})
    if not students:
        raise RuralkitError(f"{path}: the roster has no students.")
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


# =========================================================================== grading: kernel side
def kernel_grade(
    set_key: str,
    *,
    namespace: Mapping[str, Any],
    seed: int | None,
    language: str,
    hidden: bool,
    out: str,
    token: str,
) -> None:
    """Grade the notebook's variables from inside its kernel (called by the grader cell).

    Writes ``{"token", "ok", "questions" | "error"}`` as JSON to ``out``.
    """
    result: dict[str, Any] = {"token": token, "ok": False}
    try:
        import ruralkit
        from ruralkit import i18n
        from ruralkit.exercises import get_set

        i18n.set_language(language)
        setter = getattr(ruralkit, "set_variant", None)
        if setter is not None:
            setter(seed)
        elif seed is not None:
            raise RuntimeError("this ruralkit has no set_variant(); cannot grade a variant")
        result["questions"] = get_set(set_key).grade(dict(namespace), hidden=hidden)
        result["ok"] = True
    except BaseException as exc:  # noqa: BLE001 - report, never crash the kernel
        result["error"] = f"{type(exc).__name__}: {exc}"[:500]
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(result, fh, ensure_ascii=False)
    os.replace(tmp, out)


_GRADER_CELL = '''\
# ruralkit grader: added to the graded copy only, never to the submission.
def _ruralkit_grade_():
    import sys
    for _m in [m for m in list(sys.modules) if m == "ruralkit" or m.startswith("ruralkit.")]:
        del sys.modules[_m]  # fresh copies: nothing the notebook changed in them counts
    from IPython import get_ipython
    import ruralkit.grading
    ruralkit.grading.kernel_grade(
        {set_key!r}, namespace=get_ipython().user_ns, seed={seed!r}, language={language!r},
        hidden={hidden!r}, out={out!r}, token={token!r},
    )
_ruralkit_grade_()
'''


_PRELUDE_CELL = """\
# ruralkit grader prelude: exit() and quit() must not end the graded run early.
get_ipython().ask_exit = lambda: None
"""


# =========================================================================== grading: worker
MAX_ATTEMPTS = 3


def _worker_main(spec_path: str) -> int:
    """Run one submission copy (in its own process); write the run's result JSON."""
    import nbformat
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    private = Path(spec["private"])
    result: dict[str, Any] = {"errors": [], "notes": [], "attempts": 0}
    nb = nbformat.read(spec["notebook"], as_version=4)
    skip: set[int] = set()
    grade_file = str(private / f"grade-{spec['token']}.json")
    grader_source = _GRADER_CELL.format(
        set_key=spec["set"], seed=spec["seed"], language=spec["language"],
        hidden=spec["hidden"], out=grade_file, token=spec["token"],
    )
    timeout = float(spec["timeout"])
    grader_timeout = float(spec["grader_timeout"])
    timed_out = crashed = False
    graded = None
    for attempt in range(1, MAX_ATTEMPTS + 1):
        result["attempts"] = attempt
        errors: list[dict[str, Any]] = []
        bad_cell: int | None = None
        cells = [nbformat.from_dict(json.loads(json.dumps(c))) for c in nb.cells]
        run_nb = nbformat.v4.new_notebook(cells=list(cells), metadata=nb.metadata)
        km = AsyncKernelManager(
            kernel_name="python3", transport="ipc", ip=str(private / f"kernel{attempt}")
        )
        client = NotebookClient(
            run_nb, km=km, timeout=int(timeout), allow_errors=True, record_timing=False,
            interrupt_on_timeout=False, kernel_name="python3", startup_timeout=90,
            shutdown_kernel="immediate",
            resources={"metadata": {"path": spec["workdir"]}},
        )
        stuck = False
        current: int | None = None
        clock = time.monotonic()
        timings = result.setdefault("timings", {})
        try:
            with client.setup_kernel():
                timings["kernel_start"] = time.monotonic() - clock
                pid = getattr(getattr(km, "provisioner", None), "pid", None)
                if pid:
                    (private / "kernel.pid").write_text(str(pid))
                prelude = nbformat.v4.new_code_cell(_PRELUDE_CELL)
                run_nb.cells.append(prelude)
                client.execute_cell(prelude, len(run_nb.cells) - 1)
                deadline = time.monotonic() + timeout
                for index, cell in enumerate(cells):
                    if cell.cell_type != "code" or index in skip or not cell.source.strip():
                        continue
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        timed_out = True
                        result["notes"].append(f"time limit reached before cell {index + 1}")
                        break
                    client.timeout = max(1, math.ceil(remaining))
                    current = index
                    try:
                        client.execute_cell(cell, index)
                    except CellTimeoutError:
                        timed_out, bad_cell = True, index
                        result["notes"].append(
                            f"cell {index + 1} was still running at the {timeout:g} s limit"
                        )
                        run_sync(km.interrupt_kernel)()
                        break
                    for output in cell.get("outputs", []):
                        if output.get("output_type") == "error":
                            errors.append(
                                {"cell": index + 1, "ename": output.get("ename", ""),
                                 "evalue": str(output.get("evalue", ""))[:200]}
                            )
                current = None
                timings["cells"] = time.monotonic() - clock - timings["kernel_start"]
                grader = nbformat.v4.new_code_cell(grader_source)
                run_nb.cells.append(grader)
                client.timeout = int(grader_timeout)
                try:
                    client.execute_cell(grader, len(run_nb.cells) - 1)
                except CellTimeoutError:
                    stuck = True
                    result["notes"].append(
                        "the kernel did not stop when interrupted; re-running without cell "
                        f"{(bad_cell or 0) + 1}"
                    )
        except DeadKernelError:
            crashed, stuck, bad_cell = True, True, current
            result["notes"].append(
                f"the kernel crashed in cell {current + 1}; re-running without it"
                if current is not None else "the kernel crashed while checking"
            )
        except Exception as exc:  # kernel failed to start, etc.
            result["notes"].append(f"grader problem: {type(exc).__name__}: {exc}"[:300])
            stuck = True
        finally:
            timings["total_run"] = time.monotonic() - clock
            try:
                if km.has_kernel:
                    run_sync(km.shutdown_kernel)(now=True)
            except Exception:
                pass
        if os.path.exists(grade_file):
            graded = json.loads(Path(grade_file).read_text(encoding="utf-8"))
            if graded.get("token") != spec["token"]:
                graded = None
        result["errors"] = errors
        if graded is not None or not stuck or bad_cell is None or bad_cell in skip:
            break
        skip.add(bad_cell)
    result["grade"] = graded
    result["timed_out"] = timed_out
    result["crashed"] = crashed
    out = Path(spec["result"])
    out.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


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


_PROXY_VARS = ("http_proxy", "https_proxy", "ftp_proxy", "all_proxy", "no_proxy")


def _kernel_env(home: Path) -> dict[str, str]:
    env = _env_with_package()
    for var in _PROXY_VARS:
        env[var] = ""
        env[var.upper()] = ""
    cache = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    env["XDG_CACHE_HOME"] = cache  # shared caches (matplotlib fonts) keep working
    env["HOME"] = str(home)  # '~' in a submission points into the temporary folder
    env["TMPDIR"] = str(home)
    env["IPYTHONDIR"] = str(home / ".ipython")
    env["JUPYTER_RUNTIME_DIR"] = str(home / "runtime")
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    env.pop("JPY_PARENT_PID", None)
    return env


def _id_from_path(path: Path, set_stem: str | None) -> str:
    if set_stem and path.stem == set_stem and path.parent.name:
        return path.parent.name
    return path.stem


def _inspect(path: Path, set_override: str | None) -> tuple[dict[str, Any] | None, GradeResult]:
    """Read a submission; a GradeResult with status 'invalid' if it cannot be graded."""
    result = GradeResult(str(path), path.stem, set_override, None, "invalid", 0.0)
    try:
        nb = read_notebook(path)
        import nbformat

        nbformat.validate(nbformat.from_dict(json.loads(json.dumps(nb))))
    except Exception as exc:
        result.notes.append(str(exc).split("\n")[0][:300])
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
    path_id = _id_from_path(path, stem)
    meta_id = meta.get("student_id")
    if isinstance(meta_id, str) and meta_id:
        result.student_id = meta_id
        if meta_id not in str(path):
            result.notes.append(
                f"notebook says student {meta_id} but the file path says {path_id}"
            )
    else:
        result.student_id = path_id
    seed = meta.get("variant_seed")
    if seed is not None and not (isinstance(seed, int) and not isinstance(seed, bool)):
        result.notes.append(f"ignored a variant_seed that is not a whole number: {seed!r}")
        seed = None
    if "variant_seed" not in meta:
        # metadata lost (another editor?): fall back on the set_variant(<seed>) line
        for cell in nb["cells"]:
            found = re.search(r"\bset_variant\((\d+)\)", cell["source"])
            if cell["cell_type"] == "code" and found:
                seed = int(found.group(1))
                result.notes.append(f"variant seed {seed} read from the notebook's code")
                break
    result.variant_seed = seed
    if not set_key:
        result.notes.append("cannot tell which exercise set this is; pass --set")
        return None, result
    return nb, result


def _grade_one(
    path: Path,
    nb: dict[str, Any],
    result: GradeResult,
    *,
    timeout: float,
    grader_timeout: float,
    language: str,
    hidden: bool,
    prefix: list[str],
) -> GradeResult:
    start = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="ruralkit-grade-"))
    try:
        work, private, home = tmp / "work", tmp / "private", tmp / "home"
        for d in (work, private, home):
            d.mkdir()
        copy = work / path.name
        copy.write_bytes(path.read_bytes())  # the submission itself is only ever read
        token = secrets.token_hex(16)
        spec = {
            "notebook": str(copy), "workdir": str(work), "private": str(private),
            "result": str(private / "result.json"), "token": token,
            "set": result.set_key, "seed": result.variant_seed, "language": language,
            "hidden": hidden, "timeout": timeout, "grader_timeout": grader_timeout,
        }
        spec_path = private / "spec.json"
        spec_path.write_text(json.dumps(spec), encoding="utf-8")
        cmd = [*prefix, sys.executable, "-m", "ruralkit.exercises._worker", str(spec_path)]
        hard_limit = MAX_ATTEMPTS * (timeout + grader_timeout + 60)
        with open(private / "worker.log", "wb") as log:
            proc = subprocess.Popen(
                cmd, cwd=work, env=_kernel_env(home), stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
            with _ACTIVE_LOCK:
                _ACTIVE[proc.pid] = private / "kernel.pid"
            try:
                proc.wait(timeout=hard_limit)
            except subprocess.TimeoutExpired:
                _kill_group(proc.pid)
                proc.wait()
                result.notes.append(f"grading stopped after {hard_limit:g} s")
            finally:
                _kill_kernel(private / "kernel.pid")
                with _ACTIVE_LOCK:
                    _ACTIVE.pop(proc.pid, None)
        out = private / "result.json"
        if not out.exists():
            result.status = "failed"
            tail = (private / "worker.log").read_text(encoding="utf-8", errors="replace")
            result.notes.append("the grader could not run this notebook: " + tail[-300:].strip())
            return result
        run = json.loads(out.read_text(encoding="utf-8"))
        result.timings = run.get("timings", {})
        result.notes.extend(run.get("notes", []))
        errors = run.get("errors", [])
        if errors:
            result.notes.append(
                "errors in cells: "
                + "; ".join(f"cell {e['cell']}: {e['ename']}" for e in errors[:6])
                + (" …" if len(errors) > 6 else "")
            )
        graded = run.get("grade")
        if graded and graded.get("ok"):
            result.questions = graded["questions"]
        elif graded:
            result.notes.append("checking failed: " + graded.get("error", "?"))
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
        Seconds a notebook's own cells may run (per run; a notebook whose kernel
        crashes or hangs is re-run without the offending cell, at most
        ``MAX_ATTEMPTS`` times).
    jobs : int
        Notebooks graded at the same time (each in its own process and kernel).
    set_key : str, optional
        The exercise set, when the notebooks do not say (metadata or ``NN_`` name).
    language : {"en", "zh"}
        Language of the messages in the feedback files.
    hidden : bool
        Run the hidden tests.
    grader_timeout : float
        Seconds allowed for the checks themselves.

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
    prefix, sandbox = _sandbox_prefix()
    say = log or (lambda text: print(text, file=sys.stderr))
    if progress:
        say(f"Grading {len(paths)} notebook(s), {jobs} at a time; network: {sandbox}")
    bar = _Progress(len(paths), enabled=progress)
    results: dict[int, GradeResult] = {}

    def task(i: int, path: Path) -> tuple[int, GradeResult]:
        nb, result = _inspect(path, set_key)
        if nb is not None:
            result = _grade_one(
                path, nb, result, timeout=timeout, grader_timeout=grader_timeout,
                language=language, hidden=hidden, prefix=prefix,
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
    _flag_duplicates(ordered)
    if out is not None:
        write_gradebook(ordered, out)
        if feedback:
            write_feedback(ordered, Path(out).with_name(Path(out).stem + "_feedback"), language)
    return ordered


def _flag_duplicates(results: Sequence[GradeResult]) -> None:
    seen: dict[str, list[GradeResult]] = {}
    for r in results:
        seen.setdefault(r.student_id, []).append(r)
    for sid, group in seen.items():
        if len(group) > 1:
            for r in group:
                r.notes.append(f"{len(group)} submissions have student id {sid}")


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
    "timeout": {"en": "Your notebook ran longer than the time limit; answers set before that "
                      "were checked.",
                "zh": "您的笔记本运行超出时间限制；在此之前给出的答案作了检查。"},
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

    title = result.set_key or ""
    try:
        from ruralkit.exercises import get_set

        if result.set_key:
            title = f"{result.set_key} · {get_set(result.set_key).title.render(language)}"
    except Exception:
        pass
    lines = [f"# {t(_FEEDBACK_LABELS['title'])}: {title}", ""]
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
                    from ruralkit.exercises.messages import MESSAGES

                    text = " ".join(
                        t(MESSAGES["hidden_failed"]).format(test=h["description"]) for h in failed
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
