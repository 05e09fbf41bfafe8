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
from ruralkit.grading import confine, sandbox

ROOT = Path(__file__).resolve().parents[1]
STUDENT = ROOT / "exercises" / "en" / "00_start_here.ipynb"


def test_graded_notebooks_have_no_network(tmp_path):
    """A submission cannot reach a server on this machine's loopback (new network namespace)."""
    isolated = confine.isolation()
    if isolated.level == "none":
        pytest.skip(f"no network isolation on this machine: {isolated.describe()}")
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
    isolated = confine.isolation()
    user = sandbox.kernel_user([] if isolated.namespaces else isolated.prefix)
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
    isolated = confine.isolation()
    assert isolated.prefix == [] and isolated.level == "none"
    assert "RURALKIT_GRADE_NO_SANDBOX" in isolated.describe().render("zh")


# ---------------------------------------------------------------- the connection file's hand-over
def _root_only(folder: Path, text: str = "root only\n") -> tuple[Path, tuple]:
    decoy = folder / "decoy.txt"
    decoy.write_text(text)
    decoy.chmod(0o600)
    info = decoy.stat()
    return decoy, (info.st_uid, info.st_gid, info.st_mode, decoy.read_bytes())


def _state(path: Path) -> tuple:
    info = path.stat()
    return (info.st_uid, info.st_gid, info.st_mode, path.read_bytes())


KERNEL_IDS = (1_600_000_321, 1_600_000_321)


@pytest.fixture
def conn_dir(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("needs root (the file is handed to a user of its own)")
    folder = tmp_path / "conn"
    folder.mkdir(mode=0o711)
    return folder


@pytest.mark.parametrize("swap", ["symlink", "hardlink"])
def test_a_swapped_connection_file_is_refused_and_the_decoy_untouched(tmp_path, conn_dir, swap):
    """The race of issue 8, made certain by the test hook: between root writing the
    connection file and handing it to the kernel's user, the file is swapped for a
    link to a root-only decoy. The hand-over refuses; the decoy keeps its owner,
    mode and content."""
    decoy, before = _root_only(tmp_path)
    path = conn_dir / "kernel-1.json"
    path.write_text("{}")

    def swap_in(p: str) -> None:
        os.unlink(p)
        (os.symlink if swap == "symlink" else os.link)(decoy, p)

    with pytest.raises(OSError):
        sandbox.hand_over(str(path), *KERNEL_IDS, before=swap_in)
    assert _state(decoy) == before


def test_the_connection_file_goes_to_the_kernels_user(conn_dir):
    path = conn_dir / "kernel-1.json"
    path.write_text("{}")
    sandbox.hand_over(str(path), *KERNEL_IDS)
    info = path.stat()
    assert (info.st_uid, info.st_gid, info.st_mode & 0o777) == (*KERNEL_IDS, 0o600)


def test_no_hand_over_in_a_folder_someone_else_may_write(tmp_path, conn_dir):
    """A folder of the kernel's user (where it could swap the file at any time) is
    refused before anything in it is touched."""
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    os.chown(theirs, *KERNEL_IDS)
    decoy, before = _root_only(tmp_path)
    os.symlink(decoy, theirs / "kernel-1.json")
    with pytest.raises(PermissionError, match="not the grader's alone"):
        sandbox.hand_over(str(theirs / "kernel-1.json"), *KERNEL_IDS)
    open_to_all = tmp_path / "open"
    open_to_all.mkdir()
    open_to_all.chmod(0o777)
    with pytest.raises(PermissionError):
        sandbox.hand_over(str(open_to_all / "kernel-1.json"), *KERNEL_IDS)
    assert _state(decoy) == before


def test_the_kernel_manager_hands_over_through_the_same_check(tmp_path, conn_dir):
    """What the worker runs: the manager writes the file, the hook swaps it, the
    kernel is not started and the decoy is untouched."""
    decoy, before = _root_only(tmp_path)
    km = sandbox.kernel_manager_class()(kernel_name="python3", transport="ipc",
                                        ip=str(tmp_path / "k1"))
    km.connection_file = str(conn_dir / "kernel-1.json")
    km.kernel_uid, km.kernel_gid = KERNEL_IDS
    km.write_connection_file()

    def swap_in(p: str) -> None:
        os.unlink(p)
        os.symlink(decoy, p)

    km.before_handover = swap_in
    with pytest.raises(OSError):
        km.format_kernel_cmd()
    assert _state(decoy) == before


def test_launch_command_sets_limits_and_environment(tmp_path):
    code = ("import os, resource; print(resource.getrlimit(resource.RLIMIT_AS)[0],"
            " resource.getrlimit(resource.RLIMIT_FSIZE)[0], os.environ.get('RK_SET'),"
            " os.environ.get('RK_GONE'))")
    limits = sandbox.kernel_limits(60, separate_user=False)
    limits["RLIMIT_AS"] = 1536 << 20
    done = subprocess.run(
        [*sandbox.launch_command(limits=limits, env={"RK_SET": "yes"}, unset=["RK_GONE"]),
         sys.executable, "-c", code],
        env={**os.environ, "RK_GONE": "still here"}, capture_output=True, text=True,
        timeout=60, check=True,
    )
    assert done.stdout.split() == [str(1536 << 20), str(1 << 30), "yes", "None"]
    assert "RLIMIT_NPROC" not in limits  # the grader's own user: not limited (shared count)
    assert sandbox.kernel_limits(60, separate_user=True)["RLIMIT_NPROC"] == 512
