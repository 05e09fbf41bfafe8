"""Tests of ruralkit.progress: a tqdm bar on a terminal, plain lines in a log, nothing if off."""

from __future__ import annotations

import io
import sys
import threading

import pytest

from ruralkit import progress as progress_module
from ruralkit.progress import printable, progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_tqdm_bar_with_the_count_and_the_last_item():
    screen = _Terminal()
    with progress(2, stream=screen, unit="notebook") as bar:
        bar.advance("s01: ok (3.1 s)")
        bar.advance("s02: error (2.0 s)")
    text = screen.getvalue()
    assert "\r" in text  # redrawn in place
    last = text.rstrip("\n").split("\r")[-1]
    assert "2/2" in last and "100%" in last and "s02: error (2.0 s)" in last
    assert "notebook" in last


def test_a_log_gets_one_line_per_item_and_no_bar():
    log = io.StringIO()
    with progress(3, stream=log) as bar:
        for sid in ("s01", "s02", "s03"):
            bar.advance(f"{sid}: ok")
    assert log.getvalue() == "[1/3] s01: ok\n[2/3] s02: ok\n[3/3] s03: ok\n"


@pytest.mark.parametrize("stream", [io.StringIO(), _Terminal()])
def test_off_means_nothing_at_all(stream):
    with progress(1, stream=stream, enabled=False) as bar:
        bar.advance("s01: ok")
    assert stream.getvalue() == "" and bar.done == 1


@pytest.mark.parametrize("stream", [io.StringIO(), _Terminal()])
def test_control_characters_from_file_names_are_never_echoed(stream):
    with progress(1, stream=stream) as bar:
        bar.advance("s01\x1b[2J\x1b]0;owned\x07\rx\u202e: ok")
    text = stream.getvalue()
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "s01[2J]0;ownedx: ok" in text


def test_printable_keeps_line_breaks_only_when_asked():
    assert printable("a\nb\tc\x00") == "abc"
    assert printable("a\nb\tc\x00", keep_lines=True) == "a\nb\tc"
    assert printable("学号 s01 · 张三") == "学号 s01 · 张三"


def test_in_a_notebook_the_bar_is_tqdm_auto(monkeypatch):
    made = []

    class FakeBar:
        def __init__(self, **kwargs):
            made.append(kwargs)

        def set_postfix_str(self, text, refresh=True):
            made.append(text)

        def update(self, n):
            made.append(n)

        def close(self):
            made.append("closed")

    monkeypatch.setitem(sys.modules, "ipykernel.zmqshell", object())
    monkeypatch.setattr(progress_module, "_notebook_bar", lambda: FakeBar)
    with progress(1) as bar:
        bar.advance("s01: ok")
    assert made[0]["total"] == 1 and made[1:] == ["s01: ok", 1, "closed"]


def test_advance_is_safe_from_several_threads():
    log = io.StringIO()
    bar = progress(40, stream=log)
    threads = [threading.Thread(target=lambda: [bar.advance("x") for _ in range(10)])
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    bar.close()
    lines = log.getvalue().splitlines()
    assert bar.done == 40 and len(lines) == 40 and lines[-1] == "[40/40] x"


@pytest.mark.skipif(not hasattr(__import__("os"), "openpty"), reason="no pseudo-terminals")
def test_a_terminal_that_reports_no_size_still_gets_a_bar():
    """A fresh pseudo-terminal (CI, `script`) says 0 x 0: tqdm alone would draw nothing."""
    import os
    import select

    main, side = os.openpty()
    assert os.get_terminal_size(side).columns == 0
    with os.fdopen(side, "w", encoding="utf-8") as screen:
        with progress(1, stream=screen) as bar:
            bar.advance("s01: ok")
    text = b""
    while select.select([main], [], [], 1)[0]:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal's other end is closed: all read
            break
        if not chunk:
            break
        text += chunk
    os.close(main)
    assert b"1/1" in text and b"s01: ok" in text
