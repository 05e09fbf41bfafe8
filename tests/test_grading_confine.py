"""Tests of ruralkit.grading.confine: graded notebooks isolated from the OS by namespaces.

Every notebook here is built by the test from the student notebook of set 00: its
answer to question 2 is the right one only if what the test probes held, and a
cell raises an exception named after what leaked (``LEAK_masters``, …) so that
the gradebook's note says what went wrong. On a machine without the namespaces
(not Linux, no ``unshare``, not allowed), the tests that need them are skipped
with the reason; on root Linux with util-linux they run.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
import textwrap
import uuid
from pathlib import Path

import pytest

import ruralkit
from ruralkit import grading
from ruralkit.grading import confine
from ruralkit.grading import run as grading_run

ROOT = Path(__file__).resolve().parents[1]
STUDENT = ROOT / "exercises" / "en" / "00_start_here.ipynb"
MASTER = ROOT / "exercises" / "source" / "00_start_here.ipynb"
PACKAGE = Path(ruralkit.__file__).resolve().parent


@pytest.fixture
def open_dir():
    """A folder everyone may look into (pytest's own folders are root's alone, which
    would hide what is in them by permissions, not by the namespaces)."""
    folder = Path(tempfile.mkdtemp(prefix="ruralkit-test-open-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def isolation():
    iso = confine.isolation()
    if not iso.namespaces:
        pytest.skip(f"no PID and mount namespaces here: {iso.describe().render('en')}")
    return iso


def _notebook(path: Path, probe: str, *, before: str | None = None) -> Path:
    """Set 00's student notebook whose question 2 is answered right only if ``probe``
    (code that fills the list ``leaks``) finds nothing; ``before`` replaces the
    answer cell of question 1."""
    nb = grading.read_notebook(STUDENT)
    cells = {c.get("id"): c for c in nb["cells"]}
    if before is not None:
        cells["q1-answer"]["source"] = textwrap.dedent(before)
    cells["q2-answer"]["source"] = (
        "leaks = []\n" + textwrap.dedent(probe) +
        "\nn_villages = len(rk.load_villages()) if not leaks else -1\n"
        "if leaks:\n"
        "    raise type('LEAK_' + '_'.join(leaks), (Exception,), {})()\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(grading.notebook_text(nb), encoding="utf-8")
    return path


def _q2(result: grading.GradeResult) -> float:
    return {q["question"]: q["points"] for q in result.questions}.get("q2", 0.0)


# What a notebook must not see or change, probed from inside (``DECOY``, ``CLASS``
# filled in by the test). ``own`` is this run's temporary folder, from its working folder.
_SPY = """
import glob, os, time
from pathlib import Path
time.sleep(SLEEP)  # with --jobs 2: the classmate's run is under way meanwhile
own = str(Path(os.getcwd()).parents[1])
def readable(path):
    try:
        with open(path, "rb") as fh:
            fh.read(1)
        return True
    except OSError:
        return False
if readable(DECOY) or os.path.exists(DECOY):
    leaks.append("decoy")
if os.path.exists(MASTERS) or os.path.exists(PROJECT_MASTERS):
    leaks.append("masters")
if os.path.exists(CLASS):
    leaks.append("submissions")
if [d for d in glob.glob("/tmp/ruralkit-grade-*") if d != own]:
    leaks.append("classmates")
private = (own + "/private/spec.json", own + "/private/submission.ipynb")
if PRIVATE and any(readable(p) for p in private):
    leaks.append("private")
if os.path.exists("/home") or os.path.exists("/root/.bashrc"):
    leaks.append("homes")
for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
    try:
        if b"pytest" in open(f"/proc/{pid}/cmdline", "rb").read():
            leaks.append("processes")
            break
    except OSError:
        pass
for target in (PACKAGE + "/planted.py", PACKAGE + "/grading/__init__.py"):
    try:
        with open(target, "a") as fh:
            fh.write("# planted\\n")
        leaks.append("package")
    except OSError:
        pass
"""


def _spy(path: Path, *, decoy: Path, class_dir: Path, private: bool, sleep: float = 0) -> Path:
    probe = (_SPY.replace("DECOY", repr(str(decoy))).replace("CLASS", repr(str(class_dir)))
             .replace("PROJECT_MASTERS", repr(str(MASTER)))
             .replace("MASTERS", repr(str(PACKAGE / "exercises" / "source")))
             .replace("PACKAGE", repr(str(PACKAGE))).replace("PRIVATE", repr(private))
             .replace("SLEEP", repr(sleep)))
    return _notebook(path, probe)


def _decoy(tmp_path: Path) -> tuple[Path, tuple]:
    decoy = tmp_path / "decoy.txt"
    decoy.write_text("root only\n")
    decoy.chmod(0o600)
    info = decoy.stat()
    return decoy, (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode), decoy.read_bytes())


def _package_digest() -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(PACKAGE.rglob("*.py"))}


def test_a_notebook_sees_only_the_system_python_and_the_package(open_dir, isolation):
    """Two notebooks graded at once (--jobs 2): neither sees the other's run, the
    grader's private files, the masters, the submissions folder, homes, the
    machine's processes or a root-only decoy, and neither can write the package."""
    decoy, decoy_before = _decoy(open_dir)
    class_dir = open_dir / "class"
    paths = [_spy(class_dir / f"s{i}.ipynb", decoy=decoy, class_dir=class_dir,
                  private=os.geteuid() == 0, sleep=3) for i in (1, 2)]
    before = _package_digest()
    results = grading.grade(paths, out=None, timeout=40, jobs=2, progress=False)
    for result in results:
        assert _q2(result) == 1, result.notes
        assert result.status == "ok", result.notes
        assert not any("namespaces" in n for n in result.notes), result.notes
    assert _package_digest() == before
    assert not (PACKAGE / "planted.py").exists()
    info = decoy.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode), decoy.read_bytes()) == (
        decoy_before)


def test_the_probe_itself_sees_a_leak(open_dir, monkeypatch):
    """The spy notebook is honest: without namespaces it does report what it sees
    (the masters, the submissions folder, the decoy's name, the homes)."""
    monkeypatch.setenv("RURALKIT_GRADE_NO_SANDBOX", "1")
    decoy, _ = _decoy(open_dir)
    class_dir = open_dir / "class"
    path = _spy(class_dir / "s1.ipynb", decoy=decoy, class_dir=class_dir, private=False)
    [result] = grading.grade([path], out=None, timeout=40, progress=False)
    assert _q2(result) == 0
    leaks = next((n for n in result.notes if "LEAK_" in n), "")
    assert all(what in leaks for what in ("decoy", "masters", "submissions", "homes")), leaks
    # weaker isolation still grades, and the row says what was missing
    assert any("did not run in PID and mount namespaces of its own" in n
               for n in result.notes), result.notes


_SURVIVOR = """
import subprocess, sys
code = '''
import glob, os, sys, time
for _ in range(600):
    for folder in glob.glob("/tmp/ruralkit-grade-*/box/work"):
        try:
            open(os.path.join(folder, "planted.txt"), "w").close()
        except OSError:
            pass
    try:
        open("/tmp/planted-" + sys.argv[1], "w").close()
    except OSError:
        pass
    time.sleep(0.05)
'''
survivor = subprocess.Popen([sys.executable, "-c", code, TOKEN], start_new_session=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
import time
time.sleep(0.5)
"""

# in the next run of the same notebook: no process of the survivor
_NO_SURVIVOR = """
import os, time
time.sleep(0.3)
for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
    try:
        if TOKEN.encode() in open(f"/proc/{pid}/cmdline", "rb").read():
            leaks.append("survivor")
    except OSError:
        pass
"""

# in the next notebook: not even its files
_AFTER_SURVIVOR = _NO_SURVIVOR + """
import glob
if os.path.exists("planted.txt") or glob.glob("/tmp/planted-*"):
    leaks.append("planted")
"""


def _host_processes_with(token: str) -> list[int]:
    found = []
    for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
        try:
            if token.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(int(pid))
        except OSError:
            pass
    return found


def test_what_a_notebook_starts_dies_with_it(tmp_path, isolation, monkeypatch):
    """A notebook starts a process of its own session that keeps writing into every
    grading folder it sees; the next notebook (--jobs 1) sees none of it, and
    nothing of it is left when grading ends. The kernels run as the grader's own
    user here, so that only the namespaces, not a user of its own, can stop it."""
    monkeypatch.setenv("RURALKIT_GRADE_USER", "same")
    token = "ruralkit-survivor-" + uuid.uuid4().hex
    first = _notebook(tmp_path / "s1.ipynb", "", before=_SURVIVOR.replace("TOKEN", repr(token)))
    second = _notebook(tmp_path / "s2.ipynb", _AFTER_SURVIVOR.replace("TOKEN", repr(token)))
    results = grading.grade([first, second], out=None, timeout=40, jobs=1, progress=False)
    assert _q2(results[1]) == 1, results[1].notes
    assert _host_processes_with(token) == []
    assert not list(Path("/tmp").glob("planted-*"))


def test_a_rerun_starts_with_nothing_left_of_the_crashed_run(tmp_path, isolation):
    """A cell starts a process and crashes the kernel: the notebook is run again
    without that cell, and that run sees no process of the first."""
    token = "ruralkit-survivor-" + uuid.uuid4().hex
    crash = _SURVIVOR.replace("TOKEN", repr(token)) + "\nimport os\nos._exit(1)\n"
    path = _notebook(tmp_path / "s1.ipynb", _NO_SURVIVOR.replace("TOKEN", repr(token)),
                     before=crash)
    [result] = grading.grade([path], out=None, timeout=40, progress=False)
    assert result.status == "crashed", result.notes
    assert any("kernel crashed in the answer cell of question 1" in n for n in result.notes)
    assert _q2(result) == 1, result.notes
    assert _host_processes_with(token) == []


def test_memory_over_the_limit_fails_that_row_only(tmp_path, monkeypatch):
    """With a 2 GiB limit a cell that takes 3 GiB fails (MemoryError); the rest of
    that notebook still counts, and the classmate graded with it is not touched."""
    monkeypatch.setenv("RURALKIT_GRADE_MEMORY", "2048")
    hog = _notebook(tmp_path / "hog.ipynb", "", before="villages = bytearray(3 << 30)\n")
    honest = tmp_path / "honest.ipynb"
    honest.write_bytes((ROOT / "tests" / "submissions" / "s01-correct.ipynb").read_bytes())
    results = grading.grade([hog, honest], out=None, timeout=40, jobs=2, progress=False)
    assert any("MemoryError" in n for n in results[0].notes), results[0].notes
    assert _q2(results[0]) == 1
    assert (results[1].status, results[1].total) == ("ok", 11.0), results[1].notes


def test_rootless_user_namespace_gives_the_same_view(open_dir, isolation, monkeypatch):
    """The set-up without root (a user namespace, ``--map-root-user``), played here
    by the grader in a user namespace of its own with kernels as its own user:
    the same things are hidden and the package stays read-only; only the run's own
    private folder is readable (no separate user)."""
    prefix = [isolation.prefix[0], "--user", "--map-root-user", *isolation.prefix[1:]]
    rootless = confine.Isolation("namespaces", prefix, rootless=True)
    monkeypatch.setattr(grading_run, "isolation", lambda: rootless)
    monkeypatch.setenv("RURALKIT_GRADE_USER", "same")
    decoy, decoy_before = _decoy(open_dir)
    class_dir = open_dir / "class"
    path = _spy(class_dir / "s1.ipynb", decoy=decoy, class_dir=class_dir, private=False)
    before = _package_digest()
    [result] = grading.grade([path], out=None, timeout=40, progress=False)
    assert _q2(result) == 1, result.notes
    assert _package_digest() == before
    info = decoy.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode), decoy.read_bytes()) == (
        decoy_before)


def test_hidden_folders_are_empty_inside(tmp_path, isolation):
    """A folder inside what is bound (the masters an installed package carries) is
    replaced by an empty read-only one; the rest of the tree is still there."""
    tree = tmp_path / "tree"
    (tree / "source").mkdir(parents=True)
    (tree / "source" / "master.ipynb").write_text("solutions")
    (tree / "kept.txt").write_text("kept")
    (tmp_path / "root").mkdir()
    (tmp_path / "box").mkdir()
    config = confine.mount_config(tmp_path / "root", writable=[tmp_path / "box", tree],
                                  cwd=tmp_path / "box", hide=[tree / "source"])
    code = (f"import os; assert os.listdir({str(tree / 'source')!r}) == [];"
            f"assert open({str(tree / 'kept.txt')!r}).read() == 'kept';"
            "open('ok', 'w').close()")
    done = subprocess.run(isolation.command([sys.executable, "-I", "-S", "-c", code],
                                            config=config), capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()[-500:]
    assert (tmp_path / "box" / "ok").exists()
    assert (tree / "source" / "master.ipynb").read_text() == "solutions"


def test_the_graders_folders_are_its_own(tmp_path):
    """The temporary folder is 0700 with namespaces, its private folder and the
    files in it (the copy, the spec) are the grader's alone, and the connection
    files' folder is root's (others may only pass through it)."""
    if os.geteuid() != 0:
        pytest.skip("needs root (the box is handed to a user of its own)")
    ids = (1_600_000_123, 1_600_000_123)
    tmp = tmp_path / "grade"
    tmp.mkdir(mode=0o700)
    box = grading_run._make_box(tmp, ids, True)
    grading_run._write_private(box["private"] / "spec.json", b"{}")
    mode = lambda p: stat.S_IMODE(os.lstat(p).st_mode)  # noqa: E731
    assert mode(tmp) == 0o700
    assert (mode(box["private"]), os.lstat(box["private"]).st_uid) == (0o700, 0)
    assert mode(box["private"] / "spec.json") == 0o600
    assert (mode(box["conn"]), os.lstat(box["conn"]).st_uid) == (0o711, 0)
    assert (os.lstat(box["box"]).st_uid, mode(box["box"])) == (ids[0], 0o700)
    with pytest.raises(FileExistsError):  # never through what is already there
        grading_run._write_private(box["private"] / "spec.json", b"{}")
    without = tmp_path / "grade2"
    without.mkdir(mode=0o700)
    grading_run._make_box(without, ids, False)
    assert mode(without) == 0o711  # no mount namespace: the kernel must pass through


def test_isolation_is_described_in_both_languages():
    none = confine.Isolation("none", [], ("pid", "mount", "network"), reason="darwin")
    assert none.describe().render("en") == "not blocked, no namespaces (darwin); proxies blanked"
    assert "没有命名空间" in none.describe().render("zh")
    full = confine.Isolation("namespaces", ["unshare", "--pid"])
    assert "PID and mount namespaces" in full.describe().render("en")


def test_set_folders_are_read_and_their_masters_hidden(tmp_path, monkeypatch):
    """Sets of ``RURALKIT_EXERCISES_PATH`` are visible to the kernel (it imports
    them), their ``source/`` (the masters) is not; a set folder holding the
    temporary folder (where the runs live) is never bound."""
    sets = tmp_path / "sets"
    (sets / "source").mkdir(parents=True)
    monkeypatch.setenv("RURALKIT_EXERCISES_PATH", os.pathsep.join([str(sets), "/"]))
    assert str(sets.resolve()) in confine.readonly_paths()
    assert "/" not in confine.readonly_paths()
    assert str((sets / "source").resolve()) in confine.hidden_paths()
    config = confine.mount_config(tmp_path / "root", writable=[], cwd=tmp_path)
    assert str((sets / "source").resolve()) in config["hide"]


def test_the_grader_reads_a_runs_files_never_through_a_link(tmp_path):
    """Where the kernel shares the grader's user (no root), it could leave links or
    garbage in its run's folder: a link is not followed, garbage is no result, and
    that row fails alone (status ``failed``, never a traceback for the class)."""
    secret = tmp_path / "secret.txt"
    secret.write_text('{"grade": "the instructor\'s secret"}')
    private = tmp_path / "private"
    private.mkdir()
    (private / "result.json").symlink_to(secret)
    (private / "worker.log").symlink_to(secret)
    assert grading_run._load_run(private) is None
    result = grading.GradeResult("x.ipynb", "x", "00", None, "ok", 0.0)
    grading_run._read_run(private, result, "en")
    assert result.status == "failed"
    assert not any("secret" in n for n in result.notes), result.notes
    (private / "result.json").unlink()
    (private / "result.json").write_text("[1, 2")
    assert grading_run._load_run(private) is None
    (private / "result.json").write_text('{"errors": [], "notes": ["ran"]}')
    assert grading_run._load_run(private) == {"errors": [], "notes": ["ran"]}
