"""Tests of ruralkit.grading.intake and of how run.py takes in a class's files.

Every hostile file here is built in ``tmp_path``; none of these tests starts a
kernel, except the two classes graded at the end (marked as such).
"""

from __future__ import annotations

import json
import os
import socket
import stat
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from ruralkit import grading
from ruralkit.grading import intake, run
from ruralkit.grading.confine import Isolation
from ruralkit.grading.intake import Refused
from ruralkit.i18n import RuralkitError

ROOT = Path(__file__).resolve().parents[1]
STUDENT = ROOT / "exercises" / "en" / "00_start_here.ipynb"
MASTER = ROOT / "exercises" / "source" / "00_start_here.ipynb"


def _student(**meta) -> dict:
    nb = grading.read_notebook(STUDENT)
    nb["metadata"]["ruralkit"].update(meta)
    return nb


def _write(path: Path, nb: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(grading.notebook_text(nb), encoding="utf-8")
    return path


def _refused(path: Path) -> str:
    with pytest.raises(Refused) as info:
        intake.parse_submission(intake.read_submission(path), path)
    return info.value.note("en")


# --------------------------------------------------------------------------- reading
def test_a_named_pipe_is_refused_at_once_without_hanging(tmp_path):
    pipe = tmp_path / "s065.ipynb"
    os.mkfifo(pipe)
    start = time.monotonic()
    assert _refused(pipe) == "not a notebook file but a named pipe; it was neither read nor graded"
    assert time.monotonic() - start < 2
    with pytest.raises(Refused) as info:
        intake.read_submission(pipe)
    assert "命名管道" in info.value.note("zh")


def test_sockets_folders_and_devices_are_refused(tmp_path):
    sock_path = tmp_path / "s066.ipynb"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(sock_path))
        assert "but a socket" in _refused(sock_path)
    finally:
        server.close()
    (tmp_path / "s067.ipynb").mkdir()
    assert "but a folder" in _refused(tmp_path / "s067.ipynb")
    if os.geteuid() != 0:
        pytest.skip("making a device file needs root")
    device = tmp_path / "s068.ipynb"
    os.mknod(device, 0o600 | stat.S_IFCHR, os.makedev(1, 5))  # /dev/zero: endless bytes
    assert "but a device" in _refused(device)


def test_a_link_is_never_read_as_this_students_work(tmp_path):
    link = tmp_path / "s061.ipynb"
    link.symlink_to(MASTER)
    assert "but a symbolic link" in _refused(link)
    classmate = _write(tmp_path / "s060.ipynb", _student())
    other = tmp_path / "s062.ipynb"
    other.symlink_to(classmate)
    assert "but a symbolic link" in _refused(other)
    # an explicitly named link is listed (and refused in its row), not an error for all
    assert grading.collect_submissions([link]) == [link]
    # a linked folder is listed as one refused row, and not searched
    (tmp_path / "s064").symlink_to(MASTER.parent)
    (tmp_path / ".ipynb_checkpoints").mkdir()
    _write(tmp_path / ".ipynb_checkpoints" / "s060-checkpoint.ipynb", _student())
    listed = grading.collect_submissions([tmp_path])
    assert [p.name for p in listed] == ["s060.ipynb", "s061.ipynb", "s062.ipynb", "s064"]
    assert "but a symbolic link" in _refused(tmp_path / "s064")


def test_the_file_is_checked_again_after_it_is_opened(tmp_path, monkeypatch):
    """A file swapped for a link between the check and the open is still refused."""
    path = _write(tmp_path / "s01.ipynb", _student())
    real_lstat = os.lstat

    def swap_after_lstat(p, *args, **kwargs):
        info = real_lstat(p, *args, **kwargs)
        if Path(p) == path:
            path.unlink()
            path.symlink_to(MASTER)
        return info

    monkeypatch.setattr(intake.os, "lstat", swap_after_lstat)
    with pytest.raises(Refused, match="note_not_a_file"):
        intake.read_submission(path)


def test_size_and_time_limits(tmp_path, monkeypatch):
    huge = tmp_path / "s070.ipynb"
    with open(huge, "wb") as fh:  # 1 GB, sparse: costs no disk and is never read
        fh.truncate(1024**3)
    start = time.monotonic()
    assert _refused(huge) == ("the file is 1024.0 MB, more than the 32.0 MB a notebook may "
                              "have; it was not read")
    assert time.monotonic() - start < 1
    small = _write(tmp_path / "s071.ipynb", _student())
    with pytest.raises(Refused, match="note_too_big"):
        intake.read_submission(small, limit=100)
    clock = iter([0.0, 100.0, 200.0, 300.0])  # the deadline passes during the read
    monkeypatch.setattr(intake.time, "monotonic", lambda: next(clock))
    with pytest.raises(Refused) as info:
        intake.read_submission(small, seconds=20)
    assert info.value.note("en") == "reading the notebook took more than 20 s; it was not graded"


def test_saved_outputs_are_dropped_before_validation_and_many_cells_refused(tmp_path):
    nb = _student()
    code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x\n"}] * 200_000
    path = tmp_path / "s072.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")  # nbformat itself would take long
    start = time.monotonic()
    parsed = intake.parse_submission(intake.read_submission(path), path)
    assert time.monotonic() - start < 5
    assert all(c.get("outputs", []) == [] for c in parsed["cells"])
    many = {"cells": [{"cell_type": "raw", "metadata": {}, "source": ""}] * 20_001,
            "metadata": {}, "nbformat": 4, "nbformat_minor": 4}
    path.write_text(json.dumps(many), encoding="utf-8")
    assert _refused(path).startswith("the notebook has 20001 cells, more than the 20000")


@pytest.mark.parametrize("text", [
    '{"cells": [], "metadata": {"ruralkit": {"variant_seed": ' + "9" * 5000 + "}}}",
    "[" * 100_000 + "]" * 100_000,
    "\udcff",
])
def test_damaged_json_is_a_note_never_an_exception(tmp_path, text):
    path = tmp_path / "s073.ipynb"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    assert _refused(path).startswith("not a readable notebook: ")


def test_an_unreadable_file_is_a_note(tmp_path, monkeypatch):
    path = _write(tmp_path / "s074.ipynb", _student())

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(intake.os, "open", denied)
    assert _refused(path) == "the file could not be opened: Permission denied"


# --------------------------------------------------------------------------- ids and numbers
def test_malformed_set_numbers_and_seeds_are_notes(tmp_path):
    for key in ("²", "١", "1" * 5000, True, 10**30):
        nb = _student(exercise_set=key)
        assert grading.notebook_set_key(nb) is None, key
    path = _write(tmp_path / "s042.ipynb", _student(exercise_set="²"))
    nb, result = run._inspect(path, None)
    assert nb is None and result.status == "invalid"
    assert result.notes == ["cannot tell which exercise set this is; pass --set"]
    path = _write(tmp_path / "s043.ipynb", _student(exercise_set="99"))
    nb, result = run._inspect(path, None, "zh")
    assert nb is None and result.notes == ["这里没有第 99 套练习；请用 --set 指定"]
    for seed in (10**40, -1, "12", 1.5):
        path = _write(tmp_path / "s044.ipynb", _student(variant_seed=seed))
        nb, result = run._inspect(path, None)
        assert nb is not None and result.variant_seed is None, seed
        assert result.notes[0].startswith("ignored a variant_seed that is not a whole number")


def test_a_seed_of_5000_digits_in_the_code_is_ignored(tmp_path):
    nb = _student()
    del nb["metadata"]["ruralkit"]["exercise_set"]
    nb["cells"][1]["source"] += "\n# rk.set_variant(" + "7" * 5000 + ")"
    path = _write(tmp_path / "00_s045.ipynb", nb)
    nb, result = run._inspect(path, None)
    assert nb is not None and (result.set_key, result.variant_seed) == ("00", None)


def test_ids_are_printable_short_and_noted_when_changed(tmp_path):
    odd = _write(tmp_path / "s047\x1b[2J\r\u202e.ipynb", _student())
    _, result = run._inspect(odd, None)
    assert result.student_id == "s047[2J"
    assert result.notes == ["the file or folder name had characters that cannot be shown, or "
                            "was too long; student id taken as s047[2J"]
    long = _write(tmp_path / ("x" * 249 + ".ipynb"), _student())
    assert len(long.name.encode()) == 255
    _, result = run._inspect(long, None)
    assert result.student_id == "x" * intake.MAX_ID_CHARS
    folder = tmp_path / ("学" * 85)  # 255 bytes
    _, result = run._inspect(_write(folder / STUDENT.name, _student()), None)
    assert result.student_id == "学" * intake.MAX_ID_CHARS
    meta = _write(tmp_path / "s048.ipynb", _student(student_id="s001\x1b]0;pwned\x07" * 50))
    _, result = run._inspect(meta, None)
    assert "\x1b" not in result.notes[0] and len(result.notes[0]) < 200


def test_one_row_that_breaks_the_grader_is_a_note_in_that_row(tmp_path, monkeypatch):
    path = _write(tmp_path / "s049.ipynb", _student())

    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(run, "_inspect", broken)
    settings = SimpleNamespace(language="en")
    result = run._grade_task(path, None, settings, run._Identity())  # type: ignore[arg-type]
    assert result.status == "invalid" and result.notes == ["grader problem: RuntimeError: boom"]


# --------------------------------------------------------------------------- identity
def test_the_seed_must_be_the_students_own_when_a_salt_is_given(tmp_path):
    identity = run._Identity(salt="course", roster=frozenset({"s060", "s061", "s062"}))
    own = {sid: grading.variant_seed(sid, salt="course") for sid in ("s060", "s061", "s062")}
    honest = grading.personalise(_student(), student_id="s060", seed=own["s060"])
    rows = {}
    for sid, nb in [("s060", honest), ("s061", honest), ("s063", honest)]:
        nb_read, result = run._inspect(_write(tmp_path / f"{sid}.ipynb", nb), None)
        nb_run = run._check_seed(nb_read, result, identity, "en")
        rows[sid] = (result, nb_run)
    assert rows["s060"][0].notes == [] and rows["s060"][0].variant_seed == own["s060"]
    copied = rows["s061"][0]
    assert copied.variant_seed == own["s061"]
    assert (f"the notebook uses data version {own['s060']}, not this student's {own['s061']} "
            f"(a notebook copied from another student?); graded on version {own['s061']}"
            ) in copied.notes
    assert f"rk.set_variant({own['s061']})" in rows["s061"][1]["cells"][2]["source"]
    assert "student id s063 is not on the roster" in rows["s063"][0].notes
    # set_variant deleted: noted, and the graded copy loads the student's own version
    deleted = grading.personalise(_student(), student_id="s062", seed=own["s062"])
    del deleted["metadata"]["ruralkit"]["variant_seed"]
    setup = next(c for c in deleted["cells"] if c.get("id") == "setup")
    setup["source"] = "\n".join(ln for ln in setup["source"].split("\n")
                                if "set_variant" not in ln)
    nb_read, result = run._inspect(_write(tmp_path / "s062.ipynb", deleted), None, "zh")
    nb_run = run._check_seed(nb_read, result, identity, "zh")
    assert result.notes == [f"笔记本没有设定这位学员的数据版本 {own['s062']}（可能删掉了 "
                            f"set_variant？）；按数据版本 {own['s062']} 评分"]
    first = next(c for c in nb_run["cells"] if c["cell_type"] == "code")
    assert first["source"].startswith(f"import ruralkit as rk; rk.set_variant({own['s062']})\n")
    # without a salt nothing is checked or changed
    assert run._check_seed(nb_read, result, run._Identity(), "en") is nb_read


def test_roster_and_salt_options(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("学号,姓名\ns060,张三\ns061,李四\n", encoding="utf-8")
    assert run._identity(roster, None) == run._Identity(grading.DEFAULT_SALT,
                                                         frozenset({"s060", "s061"}))
    assert run._identity(None, "x") == run._Identity("x", None)
    assert run._identity(None, None) == run._Identity()


_NO_PIDNS = Isolation("network", ["unshare", "--net"], missing=("pid", "mount"))
_PIDNS = Isolation("namespaces", ["unshare", "--pid"])


def test_a_user_shared_by_every_notebook_is_refused_without_pid_namespaces():
    """RURALKIT_GRADE_USER=nobody: without PID namespaces, what one notebook leaves
    running as nobody would still run, as the same user, while the next notebooks are
    graded; with them, everything of one notebook ends with its worker."""
    with pytest.raises(RuralkitError, match="one shared user"):
        run._refuse_shared_user(grading.KernelUser("fixed", 65534, 65534), _NO_PIDNS)
    run._refuse_shared_user(grading.KernelUser("fixed", 65534, 65534), _PIDNS)
    for isolated in (_NO_PIDNS, _PIDNS):
        run._refuse_shared_user(grading.KernelUser("unique"), isolated)
        run._refuse_shared_user(grading.KernelUser("same", reason="x"), isolated)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_grade_refuses_nobody_without_pid_namespaces_before_anything_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("RURALKIT_GRADE_USER", "nobody")
    path = _write(tmp_path / "s01.ipynb", _student())
    out = tmp_path / "out" / "gradebook.csv"
    started = threading.Event()
    monkeypatch.setattr(run, "_grade_all", lambda *a, **k: started.set())
    monkeypatch.setattr(run, "isolation", lambda: _NO_PIDNS)
    with pytest.raises(RuralkitError, match="Unset RURALKIT_GRADE_USER"):
        grading.grade([path], out=out, progress=False)
    assert not started.is_set()


# =========================================================================== classes graded
def _maker():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_submissions", ROOT / "tests" / "submissions" / "make_submissions.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _read_rows(path: Path) -> dict[str, dict[str, str]]:
    import csv

    with open(path, encoding="utf-8-sig", newline="") as fh:
        return {row["file"]: row for row in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory):
    """Honest students and every kind of file a class may hand in, graded together."""
    make = _maker()
    root = tmp_path_factory.mktemp("class")
    subs = root / "subs"
    honest = {"s01.ipynb": make.answer_all(make.student()),
              "s03.ipynb": make.answer_all(make.student(), q2="n_villages = villages.shape[1]"),
              "dup/a/s050.ipynb": make.answer_all(make.student())}
    big_comment = make.answer_all(make.student())
    make.cell(big_comment, "setup")["source"] += "\n# rk.set_variant(" + "7" * 5000 + ")"
    honest["s043.ipynb"] = big_comment
    for name, nb in honest.items():
        _write(subs / name, nb)
    many = make.answer_all(make.student())  # 200,000 saved outputs: read within limits
    make.cell(many, "q1-help")["outputs"] = [
        {"output_type": "stream", "name": "stdout", "text": "x\n"}] * 200_000
    (subs / "s045.ipynb").write_text(json.dumps(many), encoding="utf-8")
    os.mkfifo(subs / "s040.ipynb")
    (subs / "s041.ipynb").symlink_to(MASTER)
    _write(subs / "s042.ipynb", _student(exercise_set="²"))
    with open(subs / "s044.ipynb", "wb") as fh:
        fh.truncate(1024**3)
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(subs / "s046.ipynb"))
    (subs / "s051.ipynb").mkdir()
    (subs / "s064").symlink_to(subs / "dup")  # a linked folder: one refused row
    for name in ("x" * 249 + ".ipynb", "s047\x1b[2J\r.ipynb", "=cmd('calc').ipynb",
                 "dup/b/s050.ipynb"):
        (subs / name).parent.mkdir(parents=True, exist_ok=True)
        (subs / name).write_text("{", encoding="utf-8")
    master_before = MASTER.read_bytes()
    out = root / "not" / "yet" / "gradebook.csv"
    try:
        results = grading.grade([subs], out=out, timeout=40, cell_timeout=10, jobs=2,
                                progress=False)
    finally:
        sock.close()
    assert MASTER.read_bytes() == master_before
    return {"subs": subs, "out": out, "results": results, "rows": _read_rows(out)}


def test_hostile_class_honest_students_keep_their_exact_grades(hostile_class):
    """Graded with kernels: honest students' points are exact beside hostile files."""
    rows = {Path(f).name: r for f, r in hostile_class["rows"].items()}
    want = {"s01.ipynb": "11", "s03.ipynb": "10", "s043.ipynb": "11", "s045.ipynb": "11"}
    for name, total in want.items():
        assert (rows[name]["status"], rows[name]["total"]) == ("ok", total), rows[name]
    assert rows["s03.ipynb"]["q2"] == "0" and rows["s03.ipynb"]["q3"] == "1"
    a, b = (hostile_class["rows"][str(hostile_class["subs"] / f"dup/{x}/s050.ipynb")]
            for x in "ab")
    assert (a["status"], a["total"], b["status"]) == ("ok", "11", "invalid")


def test_hostile_class_every_row_has_a_status_and_a_note_where_refused(hostile_class):
    rows = {Path(f).name: r for f, r in hostile_class["rows"].items()}
    assert len(hostile_class["results"]) == len(hostile_class["rows"]) == 16
    assert all(r["status"] in grading.STATUSES for r in rows.values())
    refused = {"s040.ipynb": "named pipe", "s041.ipynb": "symbolic link",
               "s046.ipynb": "socket", "s051.ipynb": "folder", "s064": "symbolic link",
               "s044.ipynb": "more than the 32.0 MB",
               "s042.ipynb": "cannot tell which exercise set"}
    for name, words in refused.items():
        assert rows[name]["status"] == "invalid" and words in rows[name]["notes"], rows[name]
    long = rows["x" * 249 + ".ipynb"]
    assert long["status"] == "invalid" and long["student_id"] == "x" * intake.MAX_ID_CHARS
    assert rows["s047[2J.ipynb"]["student_id"] == "s047[2J"
    formula = next(r for f, r in rows.items() if "cmd" in f)
    assert formula["file"].startswith("'=cmd") or formula["file"].startswith(
        str(hostile_class["subs"]))
    assert formula["student_id"] == "'=cmd('calc')"
    assert "\x1b" not in hostile_class["out"].read_text(encoding="utf-8-sig")


def test_hostile_class_every_feedback_file_is_written_under_its_own_name(hostile_class):
    folder = hostile_class["out"].with_name("gradebook_feedback")
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) == 16 and not [f for f in files if f.endswith(".tmp")]
    s050 = [f for f in files if f.startswith("s050-")]
    assert len(s050) == 2 and "s050.md" not in files
    dup_notes = [r.notes for r in hostile_class["results"] if r.student_id == "s050"]
    assert all("2 submissions have student id s050" in n for n in dup_notes)
    assert sorted(n[-1].removeprefix("feedback file: ") for n in dup_notes) == sorted(s050)
    info = os.lstat(hostile_class["out"].parent)
    assert info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) & 0o022 == 0


@pytest.fixture(scope="module")
def variant_class(tmp_path_factory):
    """A roster, a salt, and notebooks whose data version is not their student's."""
    make = _maker()
    root = tmp_path_factory.mktemp("variants")
    roster = root / "roster.csv"
    roster.write_text("student_id,name\ns060,A\ns061,B\ns062,C\n", encoding="utf-8")
    seeds = {sid: grading.variant_seed(sid, salt="course") for sid in ("s060", "s061", "s062")}
    subs = root / "subs"

    def mine(sid):
        return grading.personalise(make.answer_all(make.student()), student_id=sid,
                                   seed=seeds[sid])

    _write(subs / "s060" / STUDENT.name, mine("s060"))
    copied = mine("s060")  # s061 hands in s060's notebook, its metadata id edited
    copied["metadata"]["ruralkit"]["student_id"] = "s061"
    _write(subs / "s061" / STUDENT.name, copied)
    deleted = mine("s062")
    del deleted["metadata"]["ruralkit"]["variant_seed"]
    setup = make.cell(deleted, "setup")
    setup["source"] = "\n".join(ln for ln in setup["source"].split("\n")
                                if "set_variant" not in ln)
    _write(subs / "s062" / STUDENT.name, deleted)
    out = root / "gradebook.csv"
    results = grading.grade([subs], out=out, timeout=40, cell_timeout=10, jobs=2,
                            progress=False, roster=roster, salt="course")
    return {"seeds": seeds, "results": {r.student_id: r for r in results}, "out": out}


def test_variant_class_seeds_are_checked_and_graded_on_the_students_own(variant_class):
    """Graded with kernels: a copied seed and a deleted set_variant are flagged, and
    both notebooks are run and checked on their student's own data version."""
    seeds, results = variant_class["seeds"], variant_class["results"]
    for sid in ("s060", "s061", "s062"):
        assert results[sid].variant_seed == seeds[sid]
        assert (results[sid].status, results[sid].total) == ("ok", 11), results[sid]
    assert results["s060"].notes == []
    assert any(f"uses data version {seeds['s060']}, not this student's {seeds['s061']}" in n
               for n in results["s061"].notes)
    assert any(f"does not set this student's data version {seeds['s062']}" in n
               for n in results["s062"].notes)
    rows = {r["student_id"]: r for r in _read_rows(variant_class["out"]).values()}
    assert rows["s061"]["variant_seed"] == str(seeds["s061"])
