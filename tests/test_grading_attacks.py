"""Grading a hostile class (issue 8): no submission can read, change or stop anything
beyond its own row.

Four classes are graded once each, as root, by the grader of this worktree run
from a copy of the kit (so that an attack that wins only damages the copy):

``stoppers`` (jobs 2, 25 rows)
    files meant to stop the whole class: ``exercise_set = "²"``, a 5,000-digit
    ``set_variant`` comment, a named pipe, names of 255 bytes (file and folder),
    a mode-000 file, a folder named like a notebook, 1 MB of non-JSON, 200,000
    saved outputs, a name starting with ``=``, ESC/CR in a name;
``main`` (jobs 2, 24 rows, roster and salt where the grader takes them)
    four notebooks that crash twice while a watcher they left races the root
    worker for the next connection files: 8 races a run, a tight poll without
    inotify. Left to chance it won no chown in 12 races here (the issue saw 4
    runs of 15); so the grader's processes get a ``sitecustomize`` hook
    (:data:`attack_notebooks.CHOWN_DELAY_HOOK`) that makes ``os.chown`` of a
    ``.json`` path wait 0.2 s: a grader that still chowns through a path loses
    every race, one that does not is untouched. Then a reader of classmates
    and masters, an answer
    file overwritten with garbage, ``--out`` planted with links, a copied and a
    deleted variant, a symlink to the master, two files claiming ``s041``;
``jobs1`` (jobs 1, 12 rows)
    a process that keeps forking and reads the next students; a kernel that
    takes memory 256 MB at a time up to 6 GB;
``nobody`` (jobs 1, ``RURALKIT_GRADE_USER=nobody``, 10 rows)
    a process that kills the later kernels of its user.

Honest students are mixed into every class: their grades must be exact. Every
row has a status, the gradebook and every feedback file are written, and the
checksums of the package, the masters, the other submissions and a decoy
root-only file (with its owner and mode) are unchanged.

Run as root on Linux with namespaces (skipped otherwise): ``pytest -m attacks``.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import os
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import attack_notebooks as an
import pytest

from ruralkit import grading
from ruralkit.grading import STATUSES

ROOT = Path(__file__).resolve().parents[1]
SALT = "attacks"


def _namespaces_work() -> bool:
    unshare = shutil.which("unshare")
    if not unshare:
        return False
    try:
        return subprocess.run([unshare, "--net", "--pid", "--fork", "--mount", "true"],
                              capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _skip_reason() -> str | None:
    if not sys.platform.startswith("linux"):
        return "the attacks are played on Linux only"
    if os.geteuid() != 0:
        return "the attacks need the grader to run as root (a user of its own per kernel)"
    if not _namespaces_work():
        return "no Linux namespaces here (unshare --net --pid --mount failed)"
    return None


_SKIP = _skip_reason()
pytestmark = [pytest.mark.attacks, pytest.mark.skipif(_SKIP is not None, reason=_SKIP or "")]

# Runs grade() from the kit copy and reports what it returned (or raised).
_DRIVER = r"""
import inspect, json, resource, sys, time, traceback
args = json.loads(sys.argv[1])
from ruralkit.grading import grade
kwargs = dict(args["kwargs"])
accepted = inspect.signature(grade).parameters
report = {"roster_supported": "roster" in accepted and "salt" in accepted}
for key in ("roster", "salt"):
    if key not in accepted:
        kwargs.pop(key, None)
start = time.monotonic()
try:
    results = grade(args["submissions"], **kwargs)
    report["results"] = [
        {"file": r.file, "student_id": r.student_id, "status": r.status, "total": r.total,
         "variant_seed": r.variant_seed,
         "seconds": r.seconds, "notes": [str(n) for n in r.notes],
         "points": {q["question"]: q["points"] for q in r.questions}}
        for r in results]
except BaseException:
    report["error"] = traceback.format_exc()[-3000:]
report["elapsed"] = time.monotonic() - start
report["children_maxrss_kb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(args["report"], "w", encoding="utf-8") as fh:
    json.dump(report, fh)
"""

#: What an attack may drop (one file per finding) that must never be there.
_FORBIDDEN_FINDINGS = ("notebook", "spec", "result", "token", "master", "won",
                       "wrote-package", "changed-copy", "killed")


# =========================================================================== the arena
def _digest(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder`` (links and other non-files by their kind)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if "__pycache__" in path.parts:
            continue
        info = path.lstat()
        key = str(path.relative_to(folder))
        if stat.S_ISREG(info.st_mode):
            out[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif not stat.S_ISDIR(info.st_mode):
            out[key] = f"mode {stat.filemode(info.st_mode)}"
    return out


def _decoy_state(decoy: Path) -> dict[str, Any]:
    file, folder = decoy.lstat(), decoy.parent.lstat()
    return {"sha256": hashlib.sha256(decoy.read_bytes()).hexdigest(),
            "file": (file.st_uid, file.st_gid, stat.filemode(file.st_mode)),
            "folder": (folder.st_uid, folder.st_gid, stat.filemode(folder.st_mode)),
            "listing": sorted(os.listdir(decoy.parent))}


def _leftovers(tag: str) -> list[int]:
    """Processes an attack left (they name themselves ``tag``)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if Path(f"/proc/{entry}/comm").read_text().strip() == tag:
                    pids.append(int(entry))
            except OSError:
                pass
    return pids


def _end_leftovers(tag: str) -> None:
    """Kill, by pid, the processes this session's attacks left (however they fork)."""
    for _ in range(100):
        pids = _leftovers(tag)
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.02)


def _class_arena(arena: an.Arena, name: str) -> an.Arena:
    """A kit copy, a decoy and an ``--out`` folder of one class's own: what an attack
    that won in one class changed cannot count for (or against) the next."""
    base = arena.kit.parent
    kit = base / f"kit-{name}"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "ruralkit", kit / "ruralkit", ignore=ignore)
    shutil.copytree(ROOT / "exercises", kit / "exercises", ignore=ignore)
    shutil.copytree(ROOT / "data", kit / "data", ignore=ignore)
    decoys = []
    for folder in (f"decoy-{name}", f"out-decoy-{name}"):
        (base / folder).mkdir(mode=0o700)
        decoy = base / folder / "secret.txt"
        decoy.write_text("root only: " + secrets.token_hex(16) + "\n")
        decoy.chmod(0o600)
        decoys.append(decoy)
    hook = base / f"hook-{name}"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(an.CHOWN_DELAY_HOOK)
    out_dir = Path(f"/tmp/{arena.tag}-out-{name}")
    assert not out_dir.exists()
    return dataclasses.replace(arena, kit=kit, decoy=decoys[0], out_decoy=decoys[1],
                               out_dir=out_dir)


@pytest.fixture(scope="module")
def arena():
    tag = "rkatk" + secrets.token_hex(4)
    base = Path(tempfile.mkdtemp(prefix=tag + "-", dir="/tmp"))
    base.chmod(0o755)  # the kernels' users must import the kit copies from here
    drop = base / "drop"
    drop.mkdir()
    drop.chmod(0o1777)
    worktree_package = _digest(ROOT / "ruralkit")
    yield an.Arena(tag=tag, kit=base / "kit", decoy=base / "decoy",
                   out_decoy=base / "out-decoy", drop=drop, stop=base / "stop",
                   out_dir=Path(f"/tmp/{tag}-out"))
    (base / "stop").write_text("stop")
    _end_leftovers(tag)
    for path in [base, *Path("/tmp").glob(f"{tag}-out-*")]:
        if path.is_symlink():
            path.unlink()
        elif path.exists():
            shutil.rmtree(path, ignore_errors=True)
    assert _digest(ROOT / "ruralkit") == worktree_package, "the worktree's package changed"


# =========================================================================== the classes
class Entry:
    """One file of a class: where it goes, what it is, and what its row must show."""

    def __init__(self, path: str, content: Any, *, points: dict[str, float] | None = None,
                 kind: str = "honest", special: str | None = None) -> None:
        self.path, self.content, self.points = path, content, points
        self.kind, self.special = kind, special

    def write(self, subs: Path, arena: an.Arena) -> None:
        path = subs / self.path
        path.parent.mkdir(parents=True, exist_ok=True)
        if self.special == "fifo":
            os.mkfifo(path)
        elif self.special == "dir":
            path.mkdir()
        elif self.special == "symlink":
            path.symlink_to(self.content)
        else:
            data = self.content
            if isinstance(data, dict):
                data = json.loads(json.dumps(data))
                data["metadata"]["x_attack_session"] = arena.tag  # see the watcher
                data = an.text(data)
            path.write_bytes(data)
            if self.special == "mode000":
                path.chmod(0)


def _honest(sid: str, kind: str, *, seed: bool = False, path: str | None = None) -> Entry:
    makers = {"correct": (an.correct, an.FULL), "pw_a": (an.partly_wrong_a, an.PARTLY_WRONG_A),
              "pw_b": (an.partly_wrong_b, an.PARTLY_WRONG_B)}
    make, points = makers[kind]
    nb = make()
    if seed:
        nb = grading.personalise(nb, student_id=sid, seed=grading.variant_seed(sid, salt=SALT))
    return Entry(path or f"{sid}.ipynb", nb, points=points)


def _personal(sid: str, nb: dict[str, Any]) -> dict[str, Any]:
    return grading.personalise(nb, student_id=sid, seed=grading.variant_seed(sid, salt=SALT))


LONG_FILE = "s109" + "x" * (255 - 4 - len(".ipynb")) + ".ipynb"  # 255 bytes
LONG_FOLDER = "s123" + "y" * 251  # 255 bytes, holding 00_start_here.ipynb
EQUALS = "=1+2.ipynb"
ESCAPES = "s125\x1b[2K\rok.ipynb"


def _stoppers(arena: an.Arena) -> list[Entry]:
    h = _honest
    return [
        h("s101", "correct"), h("s102", "pw_a"),
        Entry("s103.ipynb", an.superscript_set(), kind="superscript"),
        h("s104", "correct"),
        Entry("s105.ipynb", an.huge_seed_comment(), points=an.FULL, kind="huge_seed"),
        h("s106", "pw_b"),
        Entry("s107.ipynb", None, kind="fifo", special="fifo"),
        h("s108", "correct"),
        Entry(LONG_FILE, an.correct(), points=an.FULL, kind="odd_name"),
        h("s110", "pw_a"), h("s111", "correct"),
        Entry("s112.ipynb", an.correct(), points=an.FULL, kind="odd_file", special="mode000"),
        h("s113", "pw_b"),
        Entry("s114.ipynb", None, kind="not_a_file", special="dir"),
        h("s115", "correct"),
        Entry("s116.ipynb", an.not_json(), kind="not_json"),
        h("s117", "pw_a"),
        Entry("s118.ipynb", an.many_outputs(), points=an.FULL, kind="odd_file"),
        h("s119", "correct"), h("s120", "pw_b"), h("s121", "correct"), h("s122", "pw_a"),
        Entry(f"{LONG_FOLDER}/00_start_here.ipynb", an.correct(), points=an.FULL,
              kind="odd_name"),
        Entry(EQUALS, an.correct(), points=an.FULL, kind="odd_name"),
        Entry(ESCAPES, an.correct(), points=an.FULL, kind="odd_name"),
    ]


def _main(arena: an.Arena, subs: Path) -> list[Entry]:
    def h(sid: str, kind: str) -> Entry:
        return _honest(sid, kind, seed=True)

    def takeover(sid: str) -> Entry:
        return Entry(f"{sid}.ipynb", _personal(sid, an.takeover(arena)), kind="takeover")

    return [
        h("s201", "correct"), takeover("s202"), h("s203", "pw_a"),
        Entry("s204.ipynb", _personal("s204", an.reader(arena, subs, "s204.ipynb")),
              points=an.OWN_WRONG, kind="reader"),
        h("s205", "correct"), takeover("s206"), h("s207", "pw_b"),
        Entry("s208.ipynb", _personal("s208", an.garbage_answers()), kind="garbage"),
        h("s209", "correct"), takeover("s210"),
        Entry("s211.ipynb", _personal("s211", an.plant_out(arena, "gradebook.csv")),
              points=an.FULL, kind="plant_out"),
        h("s212", "pw_a"), h("s213", "pw_b"), h("s214", "correct"),
        Entry("s215.ipynb", an.copied_variant("s214", "s215", SALT), kind="copied_variant"),
        Entry("s216.ipynb", an.variant_deleted("s216", SALT), kind="variant_deleted"),
        takeover("s217"), h("s218", "pw_b"),
        Entry("s219.ipynb", arena.masters / "00_start_here.ipynb", kind="symlink",
              special="symlink"),
        h("s220", "correct"), h("s221", "correct"),
        _honest("s041", "pw_b", seed=True, path="s041.ipynb"),
        Entry("late/s041.ipynb", _personal("s041", an.correct()), points=an.FULL,
              kind="duplicate"),
        h("s224", "pw_a"),
    ]


def _jobs1(arena: an.Arena, subs: Path) -> list[Entry]:
    h = _honest
    return [
        h("s301", "correct"),
        Entry("s302.ipynb", an.forker(arena, subs, "s302.ipynb"), kind="forker"),
        h("s303", "correct"), h("s304", "pw_a"),
        Entry("s305.ipynb", an.memory_hog(arena), kind="memory"),
        h("s306", "correct"), h("s307", "pw_b"), h("s308", "correct"), h("s309", "pw_a"),
        h("s310", "correct"), h("s311", "pw_b"), h("s312", "correct"),
    ]


def _nobody(arena: an.Arena, subs: Path) -> list[Entry]:
    h = _honest
    return [h("s401", "correct"), Entry("s402.ipynb", an.killer(arena), kind="killer"),
            h("s403", "pw_a"), h("s404", "correct"), h("s405", "pw_b"), h("s406", "correct"),
            h("s407", "pw_a"), h("s408", "correct"), h("s409", "pw_b"), h("s410", "correct")]


# name: (entries, jobs, extra environment, time limit of the whole run in seconds)
CLASSES = {
    "stoppers": (lambda arena, subs: _stoppers(arena), 2, {}, 240),
    "main": (_main, 2, {"RURALKIT_ATTACK_CHOWN_DELAY": "0.2"}, 300),
    "jobs1": (_jobs1, 1, {}, 300),
    "nobody": (_nobody, 1, {"RURALKIT_GRADE_USER": "nobody"}, 240),
}


def _run_driver(arena: an.Arena, args: dict[str, Any], env_extra: dict[str, str],
                limit: float, stderr_path: Path) -> tuple[int | None, str]:
    hook = arena.kit.parent / arena.kit.name.replace("kit-", "hook-")
    env = {**os.environ, "PYTHONPATH": f"{arena.kit}{os.pathsep}{hook}",
           "RURALKIT_ATTACK_TAG": arena.tag,
           "RURALKIT_ATTACK_CHOWN_LOG": str(stderr_path.with_name("chowns.txt")), **env_extra}
    with open(stderr_path, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-c", _DRIVER, json.dumps(args)],
                                cwd=arena.kit, env=env, stdin=subprocess.DEVNULL,
                                stdout=err, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            code = proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the grader we started, and its workers
            proc.wait()
            code = None
    return code, stderr_path.read_text(encoding="utf-8", errors="replace")


def _grade_class(name: str, arena: an.Arena, tmp: Path) -> dict[str, Any]:
    build, jobs, env_extra, limit = CLASSES[name]
    arena = _class_arena(arena, name)
    subs = arena.kit.parent / f"subs-{name}"
    subs.mkdir(mode=0o700)  # as the guide says: the submissions folder at chmod 700
    entries = build(arena, subs)
    for entry in entries:
        entry.write(subs, arena)
    roster = tmp / "roster.csv"
    ids = sorted({Path(e.path).stem for e in entries})
    roster.write_text("student_id\n" + "".join(f"{i}\n" for i in ids), encoding="utf-8")
    out = (arena.out_dir if name == "main" else tmp / "out") / "gradebook.csv"
    before = {"package": _digest(arena.package), "masters": _digest(arena.masters),
              "subs": _digest(subs), "decoy": _decoy_state(arena.decoy),
              "out_decoy": _decoy_state(arena.out_decoy)}
    args = {"submissions": [str(subs)], "report": str(tmp / "report.json"),
            "kwargs": {"out": str(out), "timeout": 40, "cell_timeout": 10, "jobs": jobs,
                       "progress": True}}
    if name == "main":  # the only class whose students all have their own variant
        args["kwargs"].update(roster=str(roster), salt=SALT)
    start = time.monotonic()
    code, stderr = _run_driver(arena, args, env_extra, limit, tmp / "stderr.txt")
    elapsed = time.monotonic() - start
    leftovers = _leftovers(arena.tag)
    _end_leftovers(arena.tag)  # before the next class: each class is played on its own
    findings = sorted(os.listdir(arena.drop))
    for finding in findings:
        (arena.drop / finding).unlink()
    report_path = tmp / "report.json"
    report = json.loads(report_path.read_text()) if report_path.exists() else {}
    return {"name": name, "arena": arena, "entries": entries, "subs": subs, "out": out,
            "code": code, "stderr": stderr, "elapsed": elapsed, "limit": limit, "report": report,
            "before": before, "leftovers": leftovers, "findings": findings,
            "after": {"package": _digest(arena.package), "masters": _digest(arena.masters),
                      "subs": _digest(subs), "decoy": _decoy_state(arena.decoy),
                      "out_decoy": _decoy_state(arena.out_decoy)},
            "chowns": _lines(tmp / "chowns.txt")}


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


_GRADED: dict[str, dict[str, Any]] = {}


@pytest.fixture(scope="module", params=list(CLASSES))
def graded(request, arena, tmp_path_factory):
    name = request.param
    if name == "nobody":
        try:
            import pwd

            pwd.getpwnam("nobody")
        except KeyError:
            pytest.skip("no user 'nobody' here")
    if name not in _GRADED:
        _GRADED[name] = _grade_class(name, arena, tmp_path_factory.mktemp(name))
    return _GRADED[name]


# =========================================================================== helpers
def _results(graded: dict[str, Any]) -> list[dict[str, Any]]:
    results = graded["report"].get("results")
    if results is None:
        pytest.fail(f"class {graded['name']}: no results (exit {graded['code']}, "
                    f"{graded['elapsed']:.0f} s of {graded['limit']} s)\n"
                    f"{graded['report'].get('error', '')}\n{graded['stderr'][-2000:]}")
    return results


def _rows(graded: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The result of each entry, by its path relative to the submissions folder."""
    subs = str(graded["subs"])
    rows = {}
    for result in _results(graded):
        rel = os.path.relpath(result["file"], subs) if result["file"].startswith(subs) else (
            result["file"])
        rows[rel] = result
    return rows


def _row(graded: dict[str, Any], kind: str) -> tuple[Entry, dict[str, Any]]:
    entry = next(e for e in graded["entries"] if e.kind == kind)
    rows = _rows(graded)
    assert entry.path in rows, f"no row for {entry.path!r}: {sorted(rows)}"
    return entry, rows[entry.path]


def _need(graded: dict[str, Any], *kinds: str) -> None:
    present = {e.kind for e in graded["entries"]}
    if not set(kinds) & present:
        pytest.skip(f"no {'/'.join(kinds)} attack in class {graded['name']}")


def _summary(row: dict[str, Any]) -> str:
    return f"{row['status']} {row['total']:g} {row['points']} notes={row['notes']}"


# =========================================================================== every class
def test_the_class_is_graded_to_the_end(graded):
    """No submission stops the class: the grader returns, within its time limit."""
    assert graded["code"] == 0 and "results" in graded["report"], (
        f"exit {graded['code']} after {graded['elapsed']:.0f} s:\n"
        f"{graded['report'].get('error', '')}\n{graded['stderr'][-2000:]}")


def test_every_submission_has_a_row_with_a_status(graded):
    rows = _rows(graded)
    assert sorted(rows) == sorted(e.path for e in graded["entries"])
    assert all(r["status"] in STATUSES for r in rows.values()), {
        k: r["status"] for k, r in rows.items()}


def test_honest_students_get_exact_grades(graded):
    rows = _rows(graded)
    wrong = [f"{e.path}: {_summary(rows[e.path])}, expected {e.points}"
             for e in graded["entries"] if e.kind == "honest"
             if e.path not in rows or rows[e.path]["points"] != e.points
             or rows[e.path]["status"] != "ok"]
    assert not wrong, "\n".join(wrong)


def test_the_gradebook_is_written_by_the_grader(graded):
    out: Path = graded["out"]
    assert out.exists() and not out.is_symlink(), out
    info = out.lstat()
    assert stat.S_ISREG(info.st_mode) and info.st_uid == 0, (info.st_uid, oct(info.st_mode))
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(graded["entries"])
    assert all(r["status"] in STATUSES for r in rows)


def test_every_feedback_file_is_written(graded):
    folder = graded["out"].with_name("gradebook_feedback")
    assert folder.is_dir() and not folder.is_symlink()
    files = [p for p in folder.iterdir() if p.suffix == ".md"]
    assert all(p.lstat().st_uid == 0 and stat.S_ISREG(p.lstat().st_mode) for p in files)
    assert len(files) == len(graded["entries"]), sorted(p.name for p in files)


def test_package_masters_and_submissions_are_unchanged(graded):
    for part in ("package", "masters", "subs"):
        before, after = graded["before"][part], graded["after"][part]
        changed = sorted(k for k in before.keys() | after.keys()
                         if before.get(k) != after.get(k))
        assert not changed, f"{part}: {changed}"


@pytest.mark.parametrize("decoy", ["decoy", "out_decoy"])
def test_the_decoy_root_files_are_unchanged(graded, decoy):
    """``decoy``: the takeover's target; ``out_decoy``: that of the links in --out."""
    after = graded["after"][decoy]
    assert after == graded["before"][decoy]
    assert after["file"] == (0, 0, "-rw-------") and after["folder"][2] == "drwx------"


def test_nothing_a_notebook_started_outlives_the_run(graded):
    assert graded["leftovers"] == []


def test_no_notebook_reads_or_changes_what_is_not_its_own(graded):
    found = [f for f in graded["findings"]
             if any(f.split("-", 1)[1].startswith(k + "-") for k in _FORBIDDEN_FINDINGS)]
    assert not found, found[:20]


def test_grading_time_is_bounded(graded):
    rows = _results(graded)
    slow = [(r["file"][-40:], round(r["seconds"])) for r in rows if r["seconds"] > 90]
    assert not slow, slow


# =========================================================================== 1. takeover
def test_takeover_notebooks_crash_and_keep_a_row(graded):
    """Each crashes twice: two re-runs, two connection files raced per notebook (made
    deterministic by the chown-delay hook where the grader still chowns a path; the
    decoy, package and findings tests say whether a race was won)."""
    _need(graded, "takeover")
    rows = _rows(graded)
    takeovers = [e for e in graded["entries"] if e.kind == "takeover"]
    assert len(takeovers) == 4
    for entry in takeovers:
        assert rows[entry.path]["status"] in STATUSES, _summary(rows[entry.path])
    assert not [f for f in graded["findings"] if f.startswith("takeover-won-")]


# =========================================================================== 2. stopping
@pytest.mark.parametrize("kind", ["superscript", "fifo", "not_a_file", "not_json"])
def test_a_malformed_submission_is_invalid_or_failed_with_a_note(graded, kind):
    _need(graded, kind)
    _, row = _row(graded, kind)
    assert row["status"] in ("invalid", "failed") and row["notes"], _summary(row)


def test_a_huge_number_costs_only_its_row_and_is_noted(graded):
    """A `set_variant(<5,000 digits>)` comment (past Python's int-string limit) once
    stopped the class: now the row is graded on its answers with a note, or refused."""
    _need(graded, "huge_seed")
    entry, row = _row(graded, "huge_seed")
    exact = row["status"] == "ok" and row["points"] == entry.points
    assert (exact or row["status"] in ("invalid", "failed")) and row["notes"], _summary(row)


@pytest.mark.parametrize("kind", ["odd_name", "odd_file"])
def test_odd_names_and_files_are_graded_exactly_or_flagged(graded, kind):
    """255-byte names, '=' and ESC/CR in names, mode 000, 200,000 saved outputs: graded
    with the exact marks of their (correct) answers, or invalid/failed with a note."""
    _need(graded, kind)
    rows = _rows(graded)
    for entry in [e for e in graded["entries"] if e.kind == kind]:
        row = rows.get(entry.path)
        assert row is not None, f"no row for {entry.path!r}"
        exact = row["status"] == "ok" and row["points"] == entry.points
        flagged = row["status"] in ("invalid", "failed") and row["notes"]
        assert exact or flagged, (entry.path[:40], _summary(row))


def test_gradebook_cells_cannot_be_spreadsheet_formulas(graded):
    _need(graded, "odd_name")
    with open(graded["out"], encoding="utf-8-sig", newline="") as fh:
        cells = [c for row in csv.reader(fh) for c in row]

    def number(c: str) -> bool:
        try:
            float(c)
            return True
        except ValueError:
            return False

    formulas = [c for c in cells if c[:1] in ("=", "+", "@") or (c[:1] == "-" and not number(c))]
    assert not formulas, formulas


def test_control_characters_never_reach_the_console(graded):
    _need(graded, "odd_name")
    assert "\x1b" not in graded["stderr"] and "\r" not in graded["stderr"]


# =========================================================================== 3. reading
def test_a_reader_scores_only_what_it_earns_honestly(graded):
    _need(graded, "reader", "forker")
    rows = _rows(graded)
    for entry in [e for e in graded["entries"] if e.kind in ("reader", "forker")]:
        row = rows[entry.path]
        assert row["points"] == an.OWN_WRONG, _summary(row)


# =========================================================================== 4. identity
@pytest.mark.parametrize("kind", ["copied_variant", "variant_deleted"])
def test_a_wrong_or_missing_variant_is_flagged(graded, kind):
    """With a roster and salt, the seed must be the student's own: a copied or deleted
    variant gets a note and is run and checked on the student's own data version (so
    copied numbers would score nothing; code that computes its answers may score)."""
    _need(graded, kind)
    assert graded["report"].get("roster_supported"), "grade() takes no roster/salt"
    entry, row = _row(graded, kind)
    honest_variant = _rows(graded)["s214.ipynb"]
    assert row["notes"] and not honest_variant["notes"], _summary(row)
    own = grading.variant_seed(Path(entry.path).stem, salt=SALT)
    assert row["variant_seed"] == own, (row["variant_seed"], own, _summary(row))


def test_a_symlink_is_never_graded_as_its_target(graded):
    _need(graded, "symlink")
    _, row = _row(graded, "symlink")
    assert row["notes"] and row["total"] == 0, _summary(row)


def test_two_files_with_one_id_both_keep_their_feedback(graded):
    _need(graded, "duplicate")
    rows = _rows(graded)
    real, late = rows["s041.ipynb"], rows["late/s041.ipynb"]
    assert real["points"] == an.PARTLY_WRONG_B and late["points"] == an.FULL
    assert real["notes"] and late["notes"]
    folder = graded["out"].with_name("gradebook_feedback")
    texts = [p.read_text(encoding="utf-8") for p in folder.glob("*.md")]
    assert sum("8 / 11" in t and "s041" in t for t in texts) == 1
    assert sum("11 / 11" in t and "s041" in t for t in texts) == 1


def test_links_planted_in_the_out_folder_are_never_followed(graded):
    _need(graded, "plant_out")
    out: Path = graded["out"]
    assert not out.is_symlink() and not out.with_name("gradebook_feedback").is_symlink()
    assert graded["after"]["out_decoy"] == graded["before"]["out_decoy"]


# =========================================================================== 5. resources
def test_a_kernel_cannot_take_4_gb(graded):
    """A memory limit stops the kernel (or it is bounded anyway) and its row says so."""
    _need(graded, "memory")
    _, row = _row(graded, "memory")
    assert row["notes"], _summary(row)
    assert graded["report"]["children_maxrss_kb"] < 4 * 1024 * 1024, graded["report"][
        "children_maxrss_kb"]


def test_garbage_in_the_answer_file_costs_only_its_row(graded):
    """The root side never builds what a tiny crafted hand-over declares (5 x 256 MiB here).
    Where the garbage lands in time the row says so; where the notebook's processes are
    ended before it can, the row keeps the exact marks of its answers."""
    _need(graded, "garbage")
    entry, row = _row(graded, "garbage")
    exact = row["status"] == "ok" and row["points"] == an.FULL
    assert row["notes"] or exact, _summary(row)
    assert graded["report"]["children_maxrss_kb"] < 900 * 1024, graded["report"][
        "children_maxrss_kb"]


def test_one_kernel_user_for_all_cannot_zero_the_later_grades(graded):
    """RURALKIT_GRADE_USER=nobody: the killer's row keeps its status; the honest
    students after it are graded exactly (test_honest_students_get_exact_grades)."""
    _need(graded, "killer")
    _, row = _row(graded, "killer")
    assert row["status"] in STATUSES
    assert not [f for f in graded["findings"] if "-killed-" in f]


