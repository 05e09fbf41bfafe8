"""Tests of ruralkit.grading.sandbox: no network, a user of its own, the grader's own ruralkit."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import ruralkit
from ruralkit import grading
from ruralkit.grading import sandbox

ROOT = Path(__file__).resolve().parents[1]
STUDENT = ROOT / "exercises" / "00_start_here.ipynb"


def test_graded_notebooks_have_no_network(tmp_path):
    """A submission cannot reach a server on this machine's loopback (new network namespace)."""
    prefix, description = sandbox.sandbox_prefix()
    if not prefix:
        pytest.skip(f"no network isolation on this machine: {description}")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    port = server.getsockname()[1]
    accepted: list[int] = []

    def serve():
        server.settimeout(20)
        try:
            conn, _ = server.accept()
            accepted.append(1)
            conn.close()
        except OSError:
            pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    nb = grading.read_notebook(STUDENT)
    answer = next(c for c in nb["cells"] if c.get("id") == "q2-answer")
    answer["source"] = (
        "import socket\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {port}), timeout=3).close()\n"
        "    n_villages = -1\n"
        "except OSError:\n"
        "    n_villages = len(rk.load_villages())\n"
    )
    path = tmp_path / "net.ipynb"
    path.write_text(grading.notebook_text(nb), encoding="utf-8")
    [result] = grading.grade([path], out=None, timeout=30, progress=False)
    server.close()
    points = {q["question"]: q["points"] for q in result.questions}
    assert points["q2"] == 1, result
    assert not accepted


def test_kernel_runs_as_its_own_user_or_says_why_not(tmp_path, monkeypatch):
    """A: as root, the kernel runs as another user; otherwise the gradebook says so."""
    nb = grading.read_notebook(STUDENT)
    answer = next(c for c in nb["cells"] if c.get("id") == "q2-answer")
    answer["source"] = "import os\nn_villages = -1 if os.getuid() == 0 else len(rk.load_villages())"
    path = tmp_path / "uid.ipynb"
    path.write_text(grading.notebook_text(nb), encoding="utf-8")
    user = sandbox.kernel_user(sandbox.sandbox_prefix()[0])
    if user.mode == "same":
        pytest.skip(f"no separate user here: {user.reason}")
    [result] = grading.grade([path], out=None, timeout=30, progress=False)
    assert {q["question"]: q["points"] for q in result.questions}["q2"] == 1, result
    assert not any("separate user" in n for n in result.notes)
    monkeypatch.setenv("RURALKIT_GRADE_USER", "same")
    [result] = grading.grade([path], out=None, timeout=30, progress=False)
    assert any("not as a separate user (RURALKIT_GRADE_USER=same)" in n for n in result.notes)


def test_kernel_env_puts_the_graders_own_ruralkit_first(tmp_path, monkeypatch):
    """Worker and kernel import the ruralkit this grader runs from, not one found on an
    ambient PYTHONPATH (another checkout, an installed copy)."""
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "ruralkit").mkdir(parents=True)
    (elsewhere / "ruralkit" / "__init__.py").write_text("raise ImportError('the wrong one')\n")
    monkeypatch.setenv("PYTHONPATH", str(elsewhere))
    home = tmp_path / "home"
    home.mkdir()
    env = sandbox.kernel_env(home)
    own = Path(ruralkit.__file__).resolve().parent
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(own.parent)
    done = subprocess.run(
        [sys.executable, "-c", "import ruralkit; print(ruralkit.__file__)"],
        cwd=home, env=env, capture_output=True, text=True, timeout=60, check=True,
    )
    assert Path(done.stdout.strip()).resolve() == own / "__init__.py"
    assert env["HOME"] == str(home) and env["HTTPS_PROXY"] == "" and env["https_proxy"] == ""


def test_kernel_user_follows_the_setting(monkeypatch):
    monkeypatch.setenv("RURALKIT_GRADE_USER", "same")
    user = sandbox.kernel_user([])
    assert (user.mode, user.for_submission()) == ("same", None)
    assert user.describe().render("zh") == "评分程序自身的用户（RURALKIT_GRADE_USER=same）"
    if os.geteuid() != 0:
        monkeypatch.delenv("RURALKIT_GRADE_USER")
        user = sandbox.kernel_user([])
        assert "not run as root" in user.describe().render("en")
    else:
        monkeypatch.setenv("RURALKIT_GRADE_USER", "no-such-user-here")
        user = sandbox.kernel_user([])
        assert user.describe().render("en") == (
            "the grader's own user (no user 'no-such-user-here' (RURALKIT_GRADE_USER))")


def test_sandbox_can_be_switched_off(monkeypatch):
    monkeypatch.setenv("RURALKIT_GRADE_NO_SANDBOX", "1")
    prefix, description = sandbox.sandbox_prefix()
    assert prefix == [] and "RURALKIT_GRADE_NO_SANDBOX" in description.render("zh")
