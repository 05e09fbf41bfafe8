"""The files grading writes: into a folder held open, through a new file renamed into place.

The gradebook and the feedback files must never be written through a link a
graded notebook planted. So an :class:`OutputFolder` is made by the grader
(missing folders created ``0755``, owned by the grader's user) and opened
*before* any kernel runs, and kept open as a file descriptor: later writes go
into that very folder whatever is renamed meanwhile. Each file is written to a
new temporary file in it (``O_CREAT | O_EXCL | O_NOFOLLOW``: never an existing
file or a link) and renamed over the old one (a rename replaces a link, it
does not follow it). Where the system has no descriptor-relative calls
(Windows), paths are used, with the same temporary-file-and-rename.

Examples
--------
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp, OutputFolder(Path(tmp) / "new") as folder:
...     path = folder.write("a.txt", b"hello")
...     path.read_bytes(), sorted(p.name for p in folder.path.iterdir())
(b'hello', ['a.txt'])
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path
from types import TracebackType

__all__ = ["OutputFolder"]

_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
_NEW_FILE = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
             | getattr(os, "O_BINARY", 0))
# os.replace takes the same dir_fd arguments as os.rename (renameat), though only
# os.rename is listed in os.supports_dir_fd
_AT = {os.open, os.mkdir, os.rename, os.unlink} <= os.supports_dir_fd and hasattr(
    os, "O_DIRECTORY")


def _trusted_path(path: Path) -> str:
    """``path`` with its links resolved, if each was made by root or by the grader's own
    user (``/tmp`` on macOS, a link of the instructor's); a link anyone else made is
    refused (``PermissionError``), as it may have been planted by a graded notebook."""
    trusted = {0, os.geteuid()} if hasattr(os, "geteuid") else set()
    for part in (path, *path.parents):
        try:
            info = os.lstat(part)
        except FileNotFoundError:
            continue
        if stat.S_ISLNK(info.st_mode) and info.st_uid not in trusted:
            raise PermissionError(errno.EACCES, f"{part} is a link made by another user")
    return os.path.realpath(path) if os.path.lexists(path) else str(path)


class OutputFolder:
    """A folder the grader writes into, opened (and made, if missing) now.

    Parameters
    ----------
    path : path
        The folder. Missing folders on the way are created (``0755``). Links on
        the way are followed only if root or the grader's own user made them; the
        folder must not be writable by every user (unless sticky, as ``/tmp``).
        An ``OSError`` says what is wrong.
    parent : OutputFolder, optional
        Make and open ``path``'s last part inside this already open folder.
    """

    def __init__(self, path: str | Path, *, parent: OutputFolder | None = None) -> None:
        self.path = Path(path) if parent is None else parent.path / Path(path).name
        self.fd: int | None = None
        if not _AT:
            self.path.mkdir(mode=0o755, parents=True, exist_ok=True)
            return
        if parent is None:
            self.path.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
            at, name = None, _trusted_path(self.path)
        else:
            at, name = parent.fd, self.path.name
        try:
            os.mkdir(name, 0o755, dir_fd=at)
        except FileExistsError:
            pass
        self.fd = os.open(name, _DIR_FLAGS, dir_fd=at)  # a link here: ELOOP / ENOTDIR
        mode = os.fstat(self.fd).st_mode
        if mode & stat.S_IWOTH and not mode & stat.S_ISVTX:  # anyone could swap its files
            self.close()
            raise PermissionError(errno.EACCES, "the folder is writable by every user")

    def child(self, name: str) -> OutputFolder:
        """The folder ``name`` inside this one, made if missing, opened now."""
        return OutputFolder(name, parent=self)

    def write(self, name: str, data: bytes) -> Path:
        """Write ``data`` to ``name`` in this folder: a new file, then renamed into place."""
        if "/" in name or os.sep in name or name in {"", ".", ".."}:
            raise ValueError(f"not a file name: {name!r}")
        tmp = f".{name[:40]}.{secrets.token_hex(6)}.tmp"
        at = self.fd
        where = (lambda n: n) if at is not None else (lambda n: str(self.path / n))
        fd = os.open(where(tmp), _NEW_FILE, 0o644, **({"dir_fd": at} if at is not None else {}))
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            if at is not None:
                os.replace(tmp, name, src_dir_fd=at, dst_dir_fd=at)
            else:
                os.replace(where(tmp), where(name))
        except BaseException:
            try:
                os.unlink(where(tmp), **({"dir_fd": at} if at is not None else {}))
            except OSError:
                pass
            raise
        return self.path / name

    def close(self) -> None:
        """Close the folder's descriptor."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> OutputFolder:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
