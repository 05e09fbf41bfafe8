"""Progress of the kit's long-running calls, through ``tqdm``: one mechanism for all of them.

:func:`progress` gives a counter of items done that shows, after each item, a
short text about it (the grader: "s01: ok (3.2 s)"):

- in a Jupyter notebook, a ``tqdm.auto`` bar (a widget where ipywidgets is
  installed, else text);
- on a terminal, a ``tqdm`` bar on the stream (standard error by default);
- when the stream is not a terminal (a log file, CI), no bar: one plain line
  per item, ``"[3/22] s01: ok (3.2 s)"``, so a log still says how far it got;
- nothing at all with ``enabled=False``.

Every text shown goes through :func:`printable` first: names that come from
files (student ids from file names) cannot move the cursor or recolour a
terminal.

Examples
--------
>>> import io
>>> log = io.StringIO()
>>> with progress(2, stream=log) as bar:
...     bar.advance("s01: ok")
...     bar.advance("s02\\x1b[2J: error")
>>> print(log.getvalue(), end="")
[1/2] s01: ok
[2/2] s02[2J: error
>>> printable("a\\rb\\u202ec")
'abc'
"""

from __future__ import annotations

import os
import sys
import threading
import unicodedata
import warnings
from collections.abc import Callable
from types import TracebackType
from typing import Any, TextIO

__all__ = ["Progress", "printable", "progress"]

#: Kept by ``printable(..., keep_lines=True)``: line breaks and tabs.
_LINE_CHARACTERS = frozenset("\n\t")


def printable(text: object, *, keep_lines: bool = False, limit: int | None = None) -> str:
    """``text`` without control or format characters, safe to echo on a terminal or to
    write into a gradebook or a feedback file.

    Drops every character of Unicode category C (ESC, CR, backspace, C1 controls,
    bidirectional overrides and other format characters, unpaired surrogates left
    by undecodable file-name bytes, unassigned code points) and the line and
    paragraph separators.

    Parameters
    ----------
    text : object
        What to show (made a string first).
    keep_lines : bool
        Keep line breaks and tabs (for messages of several lines).
    limit : int, optional
        At most this many characters (for names and notes that come from a
        submission, which may be arbitrarily long).

    Examples
    --------
    >>> printable("s01\\x1b[31m")
    's01[31m'
    >>> printable("line 1\\nline 2", keep_lines=True)
    'line 1\\nline 2'
    >>> printable("s01\\x1b[2J\\r\\u202e" + "x" * 9, limit=8)
    's01[2Jxx'
    """
    text = str(text) if limit is None else str(text)[: limit * 2]
    kept = "".join(ch for ch in text
                   if (keep_lines and ch in _LINE_CHARACTERS)
                   or not (unicodedata.category(ch)[0] == "C"
                           or unicodedata.category(ch) in {"Zl", "Zp"}))
    return kept if limit is None else kept[:limit]


def _in_notebook() -> bool:
    """Whether this process is a Jupyter kernel (where tqdm.auto draws a widget)."""
    return "ipykernel.zmqshell" in sys.modules


def _fixed_shape(stream: TextIO) -> dict[str, int]:
    """Nothing (tqdm follows the terminal) unless the terminal says it has no size, as a
    pseudo-terminal without one does: then 100 x 20, else tqdm draws nothing at all."""
    try:
        size = os.get_terminal_size(stream.fileno())
    except (AttributeError, OSError, ValueError):
        return {}
    return {} if size.columns > 0 and size.lines > 0 else {"ncols": 100, "nrows": 20}


def _notebook_bar() -> Callable[..., Any]:
    with warnings.catch_warnings():
        # without ipywidgets tqdm.auto falls back to a text bar, and says so: no news
        warnings.simplefilter("ignore")
        from tqdm.auto import tqdm
    return tqdm


class Progress:
    """Items done out of ``total``, shown as :func:`progress` describes.

    Use :func:`progress` to make one. ``advance(text)`` counts one item done,
    ``close()`` (or leaving the ``with`` block) ends the bar. Safe to call from
    several threads.
    """

    def __init__(self, total: int, *, enabled: bool = True, desc: str = "",
                 stream: TextIO | None = None, unit: str = "it") -> None:
        self.total, self.done = total, 0
        self.stream = stream if stream is not None else sys.stderr
        self._lock = threading.Lock()
        self._bar: Any = None
        self._lines = False
        if not enabled:
            return
        if _in_notebook() and stream is None:
            bar_class: Callable[..., Any] | None = _notebook_bar()
        elif hasattr(self.stream, "isatty") and self.stream.isatty():
            from tqdm import tqdm as bar_class
        else:
            bar_class, self._lines = None, True
        if bar_class is not None:
            fixed = _fixed_shape(self.stream)
            self._bar = bar_class(total=total, desc=printable(desc) or None, unit=unit,
                                  file=self.stream, mininterval=0, dynamic_ncols=not fixed,
                                  **fixed)

    def advance(self, text: object = "") -> None:
        """Count one more item done; ``text`` says what it was."""
        shown = printable(text)
        with self._lock:
            self.done += 1
            if self._bar is not None:
                self._bar.set_postfix_str(shown, refresh=False)
                self._bar.update(1)
            elif self._lines:
                self.stream.write(f"[{self.done}/{self.total}] {shown}\n")
                self.stream.flush()

    def close(self) -> None:
        """End the bar (it stays on screen with its last count)."""
        with self._lock:
            if self._bar is not None:
                self._bar.close()
                self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


def progress(total: int, *, enabled: bool = True, desc: str = "",
             stream: TextIO | None = None, unit: str = "it") -> Progress:
    """A progress display for ``total`` items (see the module's description).

    Parameters
    ----------
    total : int
        How many items there are.
    enabled : bool
        Show anything at all (``False``: a silent counter).
    desc : str
        A word before the bar.
    stream : file, optional
        Where to write (default: standard error; in a notebook, the notebook).
    unit : str
        What an item is called in the bar ("notebook").
    """
    return Progress(total, enabled=enabled, desc=desc, stream=stream, unit=unit)
