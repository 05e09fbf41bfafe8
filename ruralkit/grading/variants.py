"""Per-student data variants: a seed from the student id, a roster, personalised notebooks.

Each student on a roster gets a seed, derived from the student id and a course
salt, and a copy of the student notebook that loads that variant of the county.

Examples
--------
>>> variant_seed("s001", salt="qingshan-2025") == variant_seed("s001", salt="qingshan-2025")
True
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ruralkit.i18n import Msg, RuralkitError, join

from .notebooks import notebook_text, read_notebook, source_text, write_if_changed
from .texts import both_languages

__all__ = [
    "DEFAULT_SALT",
    "ID_COLUMNS",
    "NAME_COLUMNS",
    "make_variants",
    "personalise",
    "with_variant",
    "read_roster",
    "variant_seed",
]

DEFAULT_SALT = "ruralkit"

# Column names accepted for a roster's two columns (compared without case, spaces,
# '_' or '-'), best first: an Excel export often says 学号 and 姓名.
ID_COLUMNS = ("student_id", "学号", "studentid", "studentno", "studentnumber", "学员编号",
              "学生编号", "编号", "id", "student")
NAME_COLUMNS = ("name", "姓名", "studentname", "学员姓名", "学生姓名", "名字", "fullname")

_SAFE_ID = re.compile(r"^[\w.-]+$")
_SET_VARIANT = re.compile(
    r"^(?P<indent>\s*)(?P<obj>\w+)\.set_variant\((?P<arg>[^)]*)\)(?P<rest>.*)$"
)


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


def _column_key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text.replace("\ufeff", "")).casefold()


def _pick_column(columns: Sequence[str], aliases: Sequence[str]) -> str | None:
    keys = {_column_key(c): c for c in reversed(columns)}
    for alias in aliases:
        found = keys.get(_column_key(alias))
        if found is not None:
            return found
    return None


def _roster_error(path: Path, key: str, **fields: Any) -> RuralkitError:
    """A roster error in both languages at once: the roster is often an Excel export
    with Chinese headers, whatever language the command runs in."""
    msg = Msg("grading.roster_error", path=path, problem=Msg(key, **fields))
    error = RuralkitError("\n".join(msg.render(language) for language in ("en", "zh")))
    error.msg = msg
    return error


def _roster_text(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _roster_error(path, "grading.roster_encoding")  # pragma: no cover - gb18030 reads all


def _roster_rows(path: Path, lines: list[str], delimiter: str) -> Iterator[tuple[int, dict]]:
    """(line number, row) for each non-empty row, with the id and name columns found."""
    reader = csv.DictReader(lines, delimiter=delimiter)
    columns = [(c or "").strip() for c in (reader.fieldnames or [])]
    id_col = _pick_column(columns, ID_COLUMNS)
    name_col = _pick_column([c for c in columns if c != id_col], NAME_COLUMNS)
    if id_col is None:
        named = [repr(c) for c in columns if c]
        found = join(named) if named else Msg("grading.nothing_found")
        raise _roster_error(path, "grading.roster_no_id_column", found=found)
    for line, row in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()
               if not isinstance(v, list)}
        if any(row.values()):  # else an empty line, e.g. at the end of an Excel export
            yield line, {"student_id": row.get(id_col, ""), "id_column": id_col,
                         "name": row.get(name_col, "") if name_col else ""}


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
    lines = _roster_text(path).splitlines()
    header = lines[0] if lines else ""
    delimiter = max((",", ";", "\t"), key=header.count) if header else ","
    students: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    for line, row in _roster_rows(path, lines, delimiter):
        sid = row["student_id"]
        if not sid:
            raise _roster_error(path, "grading.roster_empty_id", line=line,
                                column=repr(row["id_column"]))
        if not _SAFE_ID.match(sid):
            raise _roster_error(path, "grading.roster_bad_id", line=line, sid=repr(sid))
        if sid in seen:
            raise _roster_error(path, "grading.roster_duplicate", first=seen[sid], line=line,
                                sid=repr(sid))
        seen[sid] = line
        students.append({"student_id": sid, "name": row["name"]})
    if not students:
        raise _roster_error(path, "grading.roster_no_students")
    return students


def personalise(
    student_nb: Mapping[str, Any], *, student_id: str, seed: int, name: str = ""
) -> dict[str, Any]:
    """A copy of a student notebook that loads data variant ``seed``.

    The first code cell gets ``rk.set_variant(seed)`` (replacing
    ``rk.set_variant(None)``); the seed and the student id are recorded in the
    notebook metadata (``metadata.ruralkit``), where the grader reads them.

    Examples
    --------
    >>> nb = {"cells": [{"cell_type": "code", "source": "rk.set_variant(None)"}]}
    >>> mine = personalise(nb, student_id="s001", seed=123456)
    >>> mine["cells"][1]["source"].split("  #")[0]
    'rk.set_variant(123456)'
    >>> mine["metadata"]["ruralkit"]
    {'student_id': 's001', 'variant_seed': 123456}
    """
    nb = json.loads(json.dumps(student_nb))
    code_cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    if not code_cells:
        raise RuralkitError.of("grading.no_code_cell")
    first = code_cells[0]
    lines = source_text(first["source"]).split("\n")
    note = "  # " + both_languages("grading.variant_comment")
    for i, line in enumerate(lines):
        match = _SET_VARIANT.match(line)
        if match:
            lines[i] = f"{match.group('indent')}{match.group('obj')}.set_variant({seed}){note}"
            break
    else:
        lines[:0] = ["import ruralkit as rk", f"rk.set_variant({seed}){note}"]
    first["source"] = "\n".join(lines)
    header = f"**{both_languages('grading.label_student')}:** "
    header += f"{name + ' · ' if name else ''}`{student_id}` · "
    header += f"{both_languages('grading.label_data_version')} {seed}"
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


def with_variant(nb: Mapping[str, Any], seed: int) -> dict[str, Any]:
    """A copy of a notebook whose code loads data variant ``seed``.

    For the graded copy of a notebook whose variant is not the student's own:
    every ``<name>.set_variant(...)`` line of its code cells is given ``seed``;
    if there is none (the student deleted it), the first code cell starts with
    one.

    Examples
    --------
    >>> nb = {"cells": [{"cell_type": "code", "source": "import ruralkit as rk\\nx = 1"}]}
    >>> print(with_variant(nb, 42)["cells"][0]["source"])
    import ruralkit as rk; rk.set_variant(42)
    import ruralkit as rk
    x = 1
    >>> nb = {"cells": [{"cell_type": "code", "source": "rk.set_variant(7)  # mine"}]}
    >>> with_variant(nb, 42)["cells"][0]["source"]
    'rk.set_variant(42)  # mine'
    """
    nb = json.loads(json.dumps(nb))
    code_cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    found = False
    for cell in code_cells:
        lines = source_text(cell["source"]).split("\n")
        for i, line in enumerate(lines):
            match = _SET_VARIANT.match(line)
            if match:
                found = True
                lines[i] = (f"{match.group('indent')}{match.group('obj')}.set_variant({seed})"
                            f"{match.group('rest')}")
        cell["source"] = "\n".join(lines)
    if not found and code_cells:
        first = code_cells[0]
        first["source"] = f"import ruralkit as rk; rk.set_variant({seed})\n{first['source']}"
    return nb


def make_variants(
    roster: str | Path,
    *,
    set_key: str,
    out_dir: str | Path,
    salt: str = DEFAULT_SALT,
    student_dir: str | Path = "exercises/zh",
) -> list[dict[str, Any]]:
    """Write one personalised student notebook per student on ``roster``.

    Writes ``out_dir/<student_id>/NN_name.ipynb`` and ``out_dir/seeds.csv``
    (student_id, seed, notebook; no names). Returns the rows of ``seeds.csv``.
    ``student_dir`` holds the edition to hand out: ``exercises/zh`` (default, the
    Chinese edition) or ``exercises/en``.
    """
    set_key = f"{int(set_key):02d}"
    student_dir, out_dir = Path(student_dir), Path(out_dir)
    candidates = sorted(student_dir.glob(f"{set_key}_*.ipynb"))
    if not candidates:
        raise RuralkitError.of("grading.no_student_notebook", set_key=set_key,
                               folder=student_dir)
    template_path = candidates[0]
    template = read_notebook(template_path)
    rows = []
    for student in read_roster(roster):
        sid = student["student_id"]
        seed = variant_seed(sid, salt=salt)
        nb = personalise(template, student_id=sid, seed=seed, name=student["name"])
        target = out_dir / sid / template_path.name
        write_if_changed(target, notebook_text(nb))
        rows.append({"student_id": sid, "seed": seed, "notebook": f"{sid}/{template_path.name}"})
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "seeds.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["student_id", "seed", "notebook"])
        writer.writeheader()
        writer.writerows(rows)
    return rows
