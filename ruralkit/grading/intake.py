"""Taking in one submission: read without following a link, within limits, with a clean id.

Whatever a student hands in is read as data and never trusted: the grader
reads only a regular file (not a link, a named pipe, a device or a socket;
opened with ``O_NOFOLLOW | O_NONBLOCK`` and checked with ``fstat`` before a
byte is read), at most :data:`MAX_BYTES`, within :data:`READ_SECONDS`; it
parses at most :data:`MAX_CELLS` cells and keeps, and validates, only what
grading needs: the cells' sources (the grader runs them itself, so saved
outputs, attachments and most metadata are dropped). A
submission that fails any of this raises :class:`Refused`, which its row turns
into status ``invalid`` with a note; the rest of the class is graded.

Examples
--------
>>> clean_id("s01\\x1b[2J")
's01[2J'
>>> len(clean_id("x" * 300)) == MAX_ID_CHARS
True
>>> clean_id(".."), clean_id("a/b")
('submission', 'a_b')
"""

from __future__ import annotations

import errno
import json
import os
import stat
import time
from pathlib import Path
from typing import Any

from ruralkit.i18n import Msg, RuralkitError
from ruralkit.progress import printable

from .notebooks import notebook_from_json
from .texts import note

__all__ = ["MAX_BYTES", "MAX_CELLS", "MAX_ID_CHARS", "READ_SECONDS", "Refused", "clean_id",
           "parse_submission", "read_submission"]

#: The largest notebook file read (bytes): a class's notebooks, with their charts,
#: stay far below; a 1 GB file is refused before it is read.
MAX_BYTES = 32 * 1024 * 1024
#: The most cells parsed and validated in one notebook.
MAX_CELLS = 20_000
#: Seconds reading and parsing one notebook may take.
READ_SECONDS = 20.0
#: The longest student id (characters); longer names are cut.
MAX_ID_CHARS = 64

_CHUNK = 1 << 20
_KINDS = {  # what a non-regular file is, in words
    stat.S_IFDIR: "grading.kind_folder",
    stat.S_IFIFO: "grading.kind_pipe",
    stat.S_IFSOCK: "grading.kind_socket",
    stat.S_IFCHR: "grading.kind_device",
    stat.S_IFBLK: "grading.kind_device",
    stat.S_IFLNK: "grading.kind_link",
}


class Refused(Exception):
    """A submission the grader will not run: why, as a catalogue key with its fields."""

    def __init__(self, key: str, **fields: Any) -> None:
        super().__init__(key)
        self.key = key
        self.fields = fields

    def note(self, language: str) -> str:
        """The gradebook note, in ``language``."""
        return note(self.key, language, **self.fields)


def clean_id(text: str) -> str:
    """A student id safe to show and to name a file by: printable, at most
    :data:`MAX_ID_CHARS` characters, no path separators, never ``.`` or ``..``."""
    sid = printable(text, limit=4 * MAX_ID_CHARS).replace("/", "_").replace("\\", "_").strip()
    sid = sid[:MAX_ID_CHARS].strip()
    return "submission" if sid.strip(".") == "" else sid


def _kind(mode: int) -> Msg:
    return Msg(_KINDS.get(stat.S_IFMT(mode), "grading.kind_other"))


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}"


def _cannot_open(exc: OSError) -> Refused:
    return Refused("grading.note_cannot_open", error=exc.strerror or type(exc).__name__)


def _open(path: Path) -> int:
    """A descriptor of ``path`` if it is a regular file; never follows a final link."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        raise _cannot_open(exc) from None
    if not stat.S_ISREG(info.st_mode):  # checked before opening: opening a device may act
        raise Refused("grading.note_not_a_file", kind=_kind(info.st_mode))
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:  # swapped for a link after lstat: ELOOP (EMLINK on BSD)
        if exc.errno in (errno.ELOOP, errno.EMLINK):
            raise Refused("grading.note_not_a_file", kind=_kind(stat.S_IFLNK)) from None
        raise _cannot_open(exc) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):  # swapped after lstat
        os.close(fd)
        raise Refused("grading.note_not_a_file", kind=_kind(info.st_mode))
    return fd


def read_submission(path: str | Path, *, limit: int = MAX_BYTES,
                    seconds: float = READ_SECONDS) -> bytes:
    """The bytes of a submission, or :class:`Refused` (not a regular file, too big, too slow).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     link = Path(tmp) / "s01.ipynb"
    ...     link.symlink_to(Path(tmp) / "master.ipynb")
    ...     read_submission(link)
    Traceback (most recent call last):
    ...
    ruralkit.grading.intake.Refused: grading.note_not_a_file
    """
    fd = _open(Path(path))
    deadline = time.monotonic() + seconds
    try:
        if os.fstat(fd).st_size > limit:
            raise Refused("grading.note_too_big", size=_size(os.fstat(fd).st_size),
                          limit=_size(limit))
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(fd, _CHUNK):
            total += len(chunk)
            if total > limit:  # grew while being read
                raise Refused("grading.note_too_big", size=_size(total), limit=_size(limit))
            if time.monotonic() > deadline:
                raise Refused("grading.note_too_slow", seconds=f"{seconds:g}")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise _cannot_open(exc) from None
    finally:
        os.close(fd)


#: What the grader keeps of a notebook's metadata, and of a cell's.
_NOTEBOOK_KEYS = ("kernelspec", "language_info")
_RURALKIT_KEYS = ("exercise_set", "student_id", "variant_seed")
_CELL_KEYS = ("cell_type", "id", "source")


def _small(value: Any, limit: int = 4096) -> bool:
    return len(json.dumps(value)) <= limit


def _graded_part(nb: dict[str, Any]) -> dict[str, Any]:
    """What grading needs of a notebook: the cells' type, id and source (and tags,
    which decide whether a cell runs), a few metadata fields; no saved outputs,
    attachments or other metadata, which a crafted file could make slow to validate."""
    cells = []
    for cell in nb["cells"]:
        kept = {k: cell[k] for k in _CELL_KEYS if k in cell}
        tags = (cell.get("metadata") or {}).get("tags") if isinstance(
            cell.get("metadata"), dict) else None
        kept["metadata"] = {"tags": tags} if isinstance(tags, list) and _small(tags, 400) else {}
        if kept["cell_type"] == "code":
            kept.update(outputs=[], execution_count=None)
        cells.append(kept)
    meta = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    kept_meta = {k: meta[k] for k in _NOTEBOOK_KEYS if k in meta and _small(meta[k])}
    if isinstance(meta.get("ruralkit"), dict):
        ours = meta["ruralkit"]
        kept_meta["ruralkit"] = {k: ours[k] if _small(ours[k], 400) else str(ours[k])[:200]
                                 for k in _RURALKIT_KEYS if k in ours}  # shown in notes
    return {"cells": cells, "metadata": kept_meta, "nbformat": nb["nbformat"],
            "nbformat_minor": nb.get("nbformat_minor", 4)}


def parse_submission(data: bytes, path: str | Path, *,
                     seconds: float = READ_SECONDS) -> dict[str, Any]:
    """The part of the notebook in ``data`` that grading needs (:func:`_graded_part`), validated.

    Raises :class:`Refused` for anything that is not a notebook of format 4, with
    more than :data:`MAX_CELLS` cells, or that takes more than ``seconds``.

    Examples
    --------
    >>> parse_submission(b'{"cells": [], "seed": ' + b"1" * 5000 + b"}", "x.ipynb")
    Traceback (most recent call last):
    ...
    ruralkit.grading.intake.Refused: grading.note_unreadable
    """
    import nbformat  # for its schema; imported when the first notebook is read

    deadline = time.monotonic() + seconds
    try:
        nb = notebook_from_json(json.loads(data.decode("utf-8")), path)
    except RuralkitError as exc:
        raise Refused("grading.note_unreadable", error=str(exc).split("\n")[0][:300]) from None
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        # ValueError: bad JSON, or a number past Python's limit on digits
        raise Refused("grading.note_unreadable",
                      error=f"{type(exc).__name__}: {exc}".split("\n")[0][:300]) from None
    if len(nb["cells"]) > MAX_CELLS:
        raise Refused("grading.note_too_many_cells", n=len(nb["cells"]), limit=MAX_CELLS)
    nb = _graded_part(nb)
    try:
        nbformat.validate(nbformat.from_dict(json.loads(json.dumps(nb))))
    except Exception as exc:  # a schema error, or a value json cannot write back
        raise Refused("grading.note_unreadable", error=str(exc).split("\n")[0][:300]) from None
    if time.monotonic() > deadline:
        raise Refused("grading.note_too_slow", seconds=f"{seconds:g}")
    return nb
