"""Grading a class: find the submissions, grade each in a worker process, write the reports.

Each submission is copied to a temporary folder and run by its own worker
process (:mod:`ruralkit.grading.worker`) and kernel: a time limit per cell and
per notebook, resource limits, proxies blanked, PID, mount and network namespaces
of its own where the OS allows (:mod:`ruralkit.grading.confine`), the kernel as a
user of its own where the grader runs as root (:mod:`ruralkit.grading.sandbox`).
The answers are checked in the worker, which never ran the notebook's code.
Results go to a gradebook CSV and one feedback file per student
(:mod:`ruralkit.grading.report`).

Examples
--------
>>> from pathlib import Path
>>> _id_from_path(Path("x/s007_00_start_here.ipynb"), "00_start_here")
's007'
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruralkit.exercises import get_set
from ruralkit.i18n import RuralkitError, message
from ruralkit.progress import printable
from ruralkit.progress import progress as progress_bar

from .confine import Isolation, isolation, mount_config
from .intake import Refused, clean_id, parse_submission, read_submission
from .notebooks import notebook_set_key
from .outputs import OutputFolder
from .records import MAX_ATTEMPTS, GradeResult
from .report import feedback_names, write_feedback, write_gradebook
from .sandbox import (
    KernelUser,
    grader_user_name,
    kernel_env,
    kernel_limits,
    kernel_user,
    kill_group,
    kill_kernel,
    kill_uid,
)
from .texts import note, plain_number
from .variants import DEFAULT_SALT, read_roster, variant_seed, with_variant

__all__ = ["collect_submissions", "grade"]

#: The worker a submission is graded by (a module run with ``python -m``).
WORKER_MODULE = "ruralkit.grading.worker"

#: The largest variant seed taken from a notebook (a seed of 5,000 digits is not one).
MAX_SEED = 10**18
_CODE_SEED = re.compile(r"\bset_variant\(\s*([0-9]{1,18})\s*\)")
#: A set_variant line whose number cannot be a seed (Python would not even read it).
_HUGE_SEED = re.compile(r"\bset_variant\(\s*([0-9]{19})[0-9]*")

_ACTIVE: dict[int, Path] = {}  # running workers: pid -> their kernel's pid file
_ACTIVE_LOCK = threading.Lock()


@dataclass(frozen=True)
class _Settings:
    """How every submission of one :func:`grade` call is run."""

    timeout: float
    cell_timeout: float
    grader_timeout: float
    language: str
    hidden: bool
    isolation: Isolation
    user: KernelUser

    @property
    def hard_limit(self) -> float:
        """Seconds after which a worker is killed, whatever it is doing."""
        return MAX_ATTEMPTS * (self.timeout + self.grader_timeout + 60) + self.grader_timeout


def _stop_all_workers() -> None:
    """Kill every running worker and its kernel (on Ctrl+C or an error in grade())."""
    with _ACTIVE_LOCK:
        active = dict(_ACTIVE)
    for pid, pid_file in active.items():
        kill_group(pid)
        kill_kernel(pid_file)


def collect_submissions(items: Iterable[str | Path]) -> list[Path]:
    """Expand folders into the ``*.ipynb`` files inside them (checkpoints skipped).

    Links are listed, never followed (a linked folder is not searched): each is a
    row of its own, which says it was refused, so that no submission goes missing
    without a word.
    """
    paths: list[Path] = []
    for item in items:
        item = Path(item)
        if item.is_dir():
            paths.extend(_tree_entries(item))
        elif os.path.lexists(item):  # a link too: its row will say it was refused
            paths.append(item)
        else:
            raise RuralkitError.of("grading.submission_missing", path=item)
    return list(dict.fromkeys(paths))


def _tree_entries(folder: Path) -> list[Path]:
    """Everything called ``*.ipynb`` under ``folder``, and every linked folder, sorted."""
    found: list[Path] = []
    for top, dirs, files in os.walk(folder):  # followlinks=False: linked folders not entered
        dirs[:] = [d for d in dirs if d != ".ipynb_checkpoints"]
        for name in dirs:
            if name.endswith(".ipynb") or os.path.islink(os.path.join(top, name)):
                found.append(Path(top, name))
        found.extend(Path(top, name) for name in files if name.endswith(".ipynb"))
    return sorted(found)


def _id_from_path(path: Path, set_stem: str | None) -> str:
    """The student id a submission's path gives: the folder of a notebook that keeps
    the set's own name (``s005/00_start_here.ipynb``), else the file name
    (``s005.ipynb``, ``s005_00_start_here.ipynb``); made safe by :func:`clean_id`."""
    return clean_id(_raw_id(path, set_stem))


def _raw_id(path: Path, set_stem: str | None) -> str:
    stem = path.stem
    if set_stem:
        keeps_name = stem == set_stem or re.fullmatch(
            re.escape(set_stem) + r"[\s_.-]*(\(\d+\)|-?copy\d*|副本\d*)?", stem, re.I
        )
        if keeps_name and path.parent.name:
            return path.parent.name
        for pattern in (re.escape(set_stem) + r"[\s_.-]+(.+)", r"(.+?)[\s_.-]+" +
                        re.escape(set_stem)):
            match = re.fullmatch(pattern, stem)
            if match and match.group(1).strip():
                return match.group(1).strip()
    return stem


def _set_stem(set_key: str) -> str | None:
    try:
        return get_set(set_key).notebook
    except Exception:
        return None  # not a registered set: the id comes from the file name alone


def _seeds_in_code(nb: dict[str, Any]) -> tuple[list[int], str | None]:
    """The seeds of the ``set_variant(<seed>)`` calls in the code cells, in order, and
    the start of the first number too long to be a seed (``None`` if there is none)."""
    seeds, huge = [], None
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        seeds += [int(m.group(1)) for m in _CODE_SEED.finditer(cell["source"])]
        found = huge is None and _HUGE_SEED.search(cell["source"])
        if found:
            huge = found.group(1)
    return seeds, huge


def _variant_seed(nb: dict[str, Any], meta: dict[str, Any], result: GradeResult,
                  language: str) -> int | None:
    seed = meta.get("variant_seed")
    if seed is not None and not (isinstance(seed, int) and not isinstance(seed, bool)
                                 and 0 <= seed < MAX_SEED):
        result.notes.append(note("grading.note_bad_seed", language,
                                 seed=printable(repr(seed), limit=40)))
        seed = None
    in_code, huge = _seeds_in_code(nb)
    if huge is not None:
        result.notes.append(note("grading.note_huge_seed", language,
                                 seed=printable(huge + "…", limit=40)))
    if "variant_seed" not in meta and in_code:
        # metadata lost (another editor?): fall back on the set_variant(<seed>) line
        seed = in_code[0]
        result.notes.append(note("grading.note_seed_from_code", language, seed=seed))
    return seed


def _inspect(
    path: Path, set_override: str | None, language: str = "en"
) -> tuple[dict[str, Any] | None, GradeResult]:
    """Read a submission; a GradeResult with status 'invalid' if it cannot be graded.

    The student id comes from the submission's path (folder or file name, as handed
    in); a different id in the notebook's metadata is only noted (a copied notebook).
    The notebook is read only if it is a regular file, within limits of size and
    time (:mod:`ruralkit.grading.intake`); the one returned has no saved outputs.
    """
    result = GradeResult(str(path), _id_from_path(path, None), set_override, None, "invalid",
                         0.0)
    try:
        nb = parse_submission(read_submission(path), path)
    except Refused as refused:
        result.notes.append(refused.note(language))
        if result.student_id != path.stem:
            result.notes.append(note("grading.note_id_cleaned", language, sid=result.student_id))
        return None, result
    meta = nb.get("metadata", {}).get("ruralkit", {})
    meta = meta if isinstance(meta, dict) else {}
    set_key = set_override or notebook_set_key(nb, path)
    result.set_key = set_key
    stem = _set_stem(set_key) if set_key else None
    result.student_id = _id_from_path(path, stem)
    if result.student_id != _raw_id(path, stem):
        result.notes.append(note("grading.note_id_cleaned", language, sid=result.student_id))
    meta_id = meta.get("student_id")
    if isinstance(meta_id, str) and meta_id and meta_id != result.student_id:
        result.notes.append(note("grading.note_metadata_id", language,
                                 meta_id=clean_id(meta_id)))
    result.variant_seed = _variant_seed(nb, meta, result, language)
    if not set_key:
        result.notes.append(note("grading.note_no_set", language))
        return None, result
    if stem is None:
        result.notes.append(note("grading.note_unknown_set", language, set_key=set_key))
        return None, result
    return nb, result


@dataclass(frozen=True)
class _Identity:
    """What a student's data version must be: from the course salt, for ids on the roster."""

    salt: str | None = None
    roster: frozenset[str] | None = None


def _check_seed(nb: dict[str, Any], result: GradeResult, identity: _Identity,
                language: str) -> dict[str, Any]:
    """With a salt: note a seed other than the student's own, or none; grade on their own.

    Returns the notebook to run: its ``set_variant`` lines load the student's own
    data version (:func:`~ruralkit.grading.variants.with_variant`).
    """
    if identity.salt is None:
        return nb
    sid = result.student_id
    if identity.roster is not None and sid not in identity.roster:
        result.notes.append(note("grading.note_not_on_roster", language, sid=sid))
    own = variant_seed(sid, salt=identity.salt)
    # The metadata only says which version the notebook was made for; the code's
    # set_variant line is what the student's cells actually loaded.
    in_code = set(_seeds_in_code(nb)[0])
    others = sorted((in_code | {result.variant_seed}) - {own, None})
    if others:
        result.notes.append(note("grading.note_variant_mismatch", language, found=others[0],
                                 seed=own))
    elif not in_code:
        result.notes.append(note("grading.note_variant_missing", language, seed=own))
    result.variant_seed = own
    return with_variant(nb, own)


def _make_box(tmp: Path, ids: tuple[int, int] | None, isolated: bool) -> dict[str, Path]:
    """The folders of one graded run.

    ``tmp`` (the grader's, 0700; 0711 where the kernel, as another user but with
    no mount namespace, must pass through it) holds ``private`` (the grader's
    only: the copy, the spec, the worker's home, the result), ``conn`` (root's:
    the connection files, written there before they are handed over), ``root``
    (where a namespace's new root is mounted) and ``box`` (the kernel's) with
    ``work``, ``home`` and ``.grader``, owned by the kernel's user where there is one.
    """
    box = tmp / "box"
    home = box / "home"
    mine = {"private": tmp / "private", "worker_home": tmp / "private" / "home",
            "conn": tmp / "conn", "root": tmp / "root"}
    kernels = {"box": box, "work": box / "work", "home": home, "kernel_dir": box / ".grader",
               "runtime": home / ".runtime", "ipython": home / ".ipython"}
    for folder in [*mine.values(), *kernels.values()]:
        folder.mkdir(mode=0o700)
    if ids is not None:
        os.chmod(mine["conn"], 0o711)  # the kernel's user reads its own file there
        if not isolated:
            os.chmod(tmp, 0o711)
        for folder in kernels.values():
            os.chown(folder, *ids, follow_symlinks=False)
    return {**mine, **kernels}


def _write_private(path: Path, data: bytes) -> None:
    """Write a new file only the grader may read (never through a link)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _worker_command(spec_path: Path, box: dict[str, Path], settings: _Settings) -> list[str]:
    """The command that runs the worker, inside its namespaces where there are."""
    cmd = [sys.executable, "-m", WORKER_MODULE, str(spec_path)]
    config = mount_config(box["root"], writable=[box["box"], box["conn"], box["private"]],
                          cwd=box["private"]) if settings.isolation.namespaces else {}
    return settings.isolation.command(cmd, config=config)


def _kernel_setup(box: dict[str, Path], ids: tuple[int, int] | None,
                  settings: _Settings) -> dict[str, Any]:
    """What the worker gives its kernels: limits, and the environment that differs
    from the worker's own (the kernel's home is the box, the worker's is private)."""
    separate = ids is not None
    worker = kernel_env(box["worker_home"], separate_user=separate)
    kernel = kernel_env(box["home"], separate_user=separate)
    return {
        "limits": kernel_limits(settings.timeout + settings.grader_timeout,
                                separate_user=separate),
        "kernel_env": {k: v for k, v in kernel.items() if worker.get(k) != v},
        "kernel_unset": sorted(set(worker) - set(kernel)),
    }


def _run_worker(spec_path: Path, box: dict[str, Path], ids: tuple[int, int] | None,
                settings: _Settings, result: GradeResult) -> None:
    """Start the worker process for one submission and wait for it, within the hard limit."""
    private = box["private"]
    env = kernel_env(box["worker_home"], separate_user=ids is not None)
    with open(private / "worker.log", "xb") as log:
        proc = subprocess.Popen(
            _worker_command(spec_path, box, settings), cwd=private, env=env,
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        with _ACTIVE_LOCK:
            _ACTIVE[proc.pid] = private / "kernel.pid"
        try:
            proc.wait(timeout=settings.hard_limit)
        except subprocess.TimeoutExpired:
            kill_group(proc.pid)
            proc.wait()
            result.notes.append(note("grading.note_stopped", settings.language,
                                     seconds=plain_number(settings.hard_limit)))
        finally:
            kill_kernel(private / "kernel.pid")
            if ids is not None and settings.user.mode == "unique":
                kill_uid(ids[0])
            with _ACTIVE_LOCK:
                _ACTIVE.pop(proc.pid, None)


def _status(run: dict[str, Any], graded: dict[str, Any] | None) -> str:
    if run.get("timed_out"):
        return "timeout"
    if run.get("crashed"):
        return "crashed"
    if graded is None or not graded.get("ok"):
        return "failed"
    return "error" if run.get("errors") else "ok"


#: Largest result file a worker may write (bytes); anything bigger is not read.
_MAX_RESULT = 16 << 20


def _read_private(path: Path, limit: int, *, tail: bool = False) -> bytes | None:
    """At most ``limit`` bytes (the last ones if ``tail``) of a regular file, never
    through a link; ``None`` if there is no such file or it is bigger (unless ``tail``)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        size = os.fstat(fd).st_size
        if not stat.S_ISREG(os.fstat(fd).st_mode) or (size > limit and not tail):
            return None
        fh.seek(max(0, size - limit))
        return fh.read(limit)


def _load_run(private: Path) -> dict[str, Any] | None:
    """The worker's result, or ``None`` if it wrote none that can be read."""
    data = _read_private(private / "result.json", _MAX_RESULT)
    try:
        run = json.loads(data) if data is not None else None
    except ValueError:
        return None
    return run if isinstance(run, dict) else None


def _read_run(private: Path, result: GradeResult, language: str) -> GradeResult:
    """Fill ``result`` from what the worker wrote (or say that it wrote nothing)."""
    run = _load_run(private)
    if run is None:
        result.status = "failed"
        tail = _read_private(private / "worker.log", 300, tail=True) or b""
        text = printable(tail.decode("utf-8", "replace"), limit=300).strip()
        result.notes.append(note("grading.note_could_not_run", language, tail=text))
        return result
    result.timings = run.get("timings", {})
    result.notes.extend(run.get("notes", []))
    errors = run.get("errors", [])
    if errors:
        listed = "; ".join(f"{e['label']} ({e['ename']})" for e in errors[:6])
        result.notes.append(note("grading.note_errors_in", language,
                                 cells=listed + (" …" if len(errors) > 6 else "")))
    graded = run.get("grade")
    if graded and graded.get("ok"):
        result.questions = graded["questions"]
    elif graded:
        result.notes.append(note("grading.note_checking_failed", language,
                                 error=graded.get("error", "?")))
    result.status = _status(run, graded)
    return result


def _grade_one(path: Path, result: GradeResult, settings: _Settings,
               nb: dict[str, Any]) -> GradeResult:
    """Grade one readable submission (``nb``, as read from ``path``) in a folder of its own."""
    start = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="ruralkit-grade-"))
    ids = settings.user.for_submission()
    try:
        box = _make_box(tmp, ids, settings.isolation.namespaces)
        if ids is None:
            result.notes.append(note("grading.note_same_user", settings.language,
                                     user=grader_user_name(), reason=settings.user.reason))
        if not settings.isolation.namespaces:
            result.notes.append(note("grading.note_isolation_missing", settings.language,
                                     missing=settings.isolation.describe()))
        copy = box["private"] / "submission.ipynb"
        _write_private(copy, json.dumps(nb).encode("utf-8"))  # the file itself is read once
        spec = {
            "notebook": str(copy), "workdir": str(box["work"]), "private": str(box["private"]),
            "kernel_dir": str(box["kernel_dir"]), "result": str(box["private"] / "result.json"),
            "conn_dir": str(box["conn"]), "host_pidns": os.readlink("/proc/self/ns/pid")
            if os.path.exists("/proc/self/ns/pid") else None,
            **_kernel_setup(box, ids, settings),
            "token": secrets.token_hex(16), "set": result.set_key, "seed": result.variant_seed,
            "language": settings.language, "hidden": settings.hidden,
            "timeout": settings.timeout, "cell_timeout": settings.cell_timeout,
            "grader_timeout": settings.grader_timeout,
            "kernel_user": {"uid": ids[0], "gid": ids[1]} if ids else None,
        }
        spec_path = box["private"] / "spec.json"
        _write_private(spec_path, json.dumps(spec).encode("utf-8"))
        _run_worker(spec_path, box, ids, settings, result)
        return _read_run(box["private"], result, settings.language)
    finally:
        result.seconds = time.monotonic() - start
        shutil.rmtree(tmp, ignore_errors=True)


def _flag_duplicates(results: Sequence[GradeResult], language: str = "en") -> None:
    seen: dict[str, list[GradeResult]] = {}
    for r in results:
        seen.setdefault(r.student_id, []).append(r)
    for sid, group in seen.items():
        if len(group) > 1:
            for r in group:
                r.notes.append(note("grading.note_duplicates", language, n=len(group), sid=sid))
    for r, name in zip(results, feedback_names(results), strict=True):
        if name != f"{r.student_id}.md":  # a shared or unsafe name: say which file is whose
            r.notes.append(note("grading.note_feedback_file", language, name=name))


def _grade_task(path: Path, set_key: str | None, settings: _Settings,
                identity: _Identity) -> GradeResult:
    """One submission's row, whatever happens to it (an error is noted in the row)."""
    language = settings.language
    try:
        nb, result = _inspect(path, set_key, language)
    except Exception as exc:  # never seen: the row says so, the class goes on
        result = GradeResult(str(path), clean_id(path.stem), set_key, None, "invalid", 0.0)
        result.notes.append(note("grading.note_grader_problem", language,
                                 error=f"{type(exc).__name__}: {exc}"[:300]))
        return result
    if nb is None:
        return result
    try:
        return _grade_one(path, result, settings, _check_seed(nb, result, identity, language))
    except Exception as exc:
        result.status = "failed"
        result.notes.append(note("grading.note_grader_problem", language,
                                 error=f"{type(exc).__name__}: {exc}"[:300]))
        return result


def _grade_all(paths: list[Path], set_key: str | None, settings: _Settings, jobs: int,
               show: bool, identity: _Identity | None = None) -> list[GradeResult]:
    """Grade ``paths``, ``jobs`` at a time, counting them on a progress bar."""
    identity = identity or _Identity()

    def task(i: int, path: Path) -> tuple[int, GradeResult]:
        return i, _grade_task(path, set_key, settings, identity)

    results: dict[int, GradeResult] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, int(jobs)))
    try:
        with progress_bar(len(paths), enabled=show, unit="notebook") as bar:
            futures = [pool.submit(task, i, p) for i, p in enumerate(paths)]
            for future in as_completed(futures):
                i, result = future.result()
                results[i] = result
                bar.advance(message("grading.progress_item", student=result.student_id,
                                    status=result.status, seconds=f"{result.seconds:.1f}"))
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        _stop_all_workers()
        raise
    pool.shutdown()
    return [results[i] for i in range(len(paths))]


def grade(
    submissions: Iterable[str | Path],
    *,
    out: str | Path | None = "gradebook.csv",
    timeout: float = 60,
    cell_timeout: float | None = None,
    jobs: int = 1,
    set_key: str | None = None,
    language: str = "en",
    hidden: bool = True,
    grader_timeout: float = 60,
    progress: bool = True,
    feedback: bool = True,
    log: Callable[[str], None] | None = None,
    roster: str | Path | None = None,
    salt: str | None = None,
) -> list[GradeResult]:
    """Grade notebooks; write a gradebook CSV and a feedback file per student.

    Parameters
    ----------
    submissions : paths
        Notebook files or folders of them.
    out : path, optional
        The gradebook CSV; feedback files go to ``<out stem>_feedback/`` beside it.
        ``None`` writes nothing.
    timeout : float
        Seconds a notebook's own cells may run altogether (per run; a notebook
        whose kernel crashes, or does not stop when interrupted, is re-run without
        the offending cell, at most ``MAX_ATTEMPTS`` times).
    cell_timeout : float, optional
        Seconds one cell may run; a cell still running then is interrupted and
        the cells after it run as usual (an endless loop costs only that cell).
        Default: ``min(30, timeout / 2)``.
    jobs : int
        Notebooks graded at the same time (each in its own process and kernel).
    set_key : str, optional
        The exercise set, when the notebooks do not say (metadata or ``NN_`` name).
    language : {"en", "zh"}
        Language of the notes and of the feedback files.
    hidden : bool
        Run the hidden tests.
    grader_timeout : float
        Seconds allowed for handing over the answers, and again for the checks.
    progress : bool
        Say what the grader does, and count the notebooks on a progress bar
        (``tqdm``; one line per notebook when standard error is not a terminal).
    feedback : bool
        Write the feedback files beside the gradebook.
    log : callable, optional
        Where the opening line goes (default: standard error).
    roster : path, optional
        The class roster (:func:`~ruralkit.grading.read_roster`): students not on
        it are noted. Implies ``salt`` (default ``DEFAULT_SALT``).
    salt : str, optional
        The course salt the variants were made with: each notebook must then use
        its student's own data version (:func:`~ruralkit.grading.variant_seed`);
        another version, or none, is noted, and the notebook is run and checked
        on the student's own.

    Every submission gets a row, whatever it is (a link, a pipe, a damaged or huge
    file is ``invalid``, with a note), and the gradebook and every feedback file
    are written, to folders made before any notebook runs
    (:class:`~ruralkit.grading.outputs.OutputFolder`).

    Returns
    -------
    list of GradeResult
        One per submission, in the order given.
    """
    paths = collect_submissions(submissions)
    if not paths:
        raise RuralkitError.of("grading.no_notebooks")
    if set_key is not None:
        set_key = f"{int(set_key):02d}"
    identity = _identity(roster, salt)
    if cell_timeout is None:
        cell_timeout = min(30.0, max(1.0, timeout / 2))
    isolated = isolation()
    settings = _Settings(
        timeout=timeout, cell_timeout=max(1.0, min(float(cell_timeout), float(timeout))),
        grader_timeout=grader_timeout, language=language, hidden=hidden, isolation=isolated,
        user=kernel_user([] if isolated.namespaces else isolated.prefix),
    )
    _refuse_shared_user(settings.user, isolated)
    folders = _output_folders(out, feedback)  # made now: before any notebook runs
    try:
        if progress:
            say = log or (lambda text: print(text, file=sys.stderr))
            say(message("grading.progress_start", n=len(paths), jobs=jobs,
                        network=isolated.describe(), user=settings.user.describe()))
        ordered = _grade_all(paths, set_key, settings, jobs, progress, identity)
        _flag_duplicates(ordered, language)
        if out is not None:
            if folders[1] is not None:  # first: a file that fails is noted in the gradebook
                write_feedback(ordered, folders[1], language)
            write_gradebook(ordered, out, folder=folders[0])
    finally:
        for folder in folders:
            if folder is not None:
                folder.close()
    return ordered


def _identity(roster: str | Path | None, salt: str | None) -> _Identity:
    """The seed check a roster and salt ask for (none without either)."""
    if roster is None and salt is None:
        return _Identity()
    ids = frozenset(s["student_id"] for s in read_roster(roster)) if roster else None
    return _Identity(salt=DEFAULT_SALT if salt is None else salt, roster=ids)


def _refuse_shared_user(user: KernelUser, isolated: Isolation) -> None:
    """One user for every notebook, and no PID namespaces to end what each one leaves
    running: those processes could change the grading of the notebooks after it."""
    if user.mode == "fixed" and not isolated.namespaces:
        raise RuralkitError.of("grading.shared_user_refused", user=user.uid)


def _output_folders(out: str | Path | None,
                    feedback: bool) -> tuple[OutputFolder | None, OutputFolder | None]:
    """The gradebook's folder and the feedback folder, made and opened by the grader."""
    if out is None:
        return None, None
    out = Path(out)
    try:
        book = OutputFolder(out.parent)
    except OSError as exc:
        raise RuralkitError.of("grading.out_folder_unsafe", path=out.parent,
                               error=exc.strerror or exc) from None
    try:
        return book, book.child(out.stem + "_feedback") if feedback else None
    except OSError as exc:
        book.close()
        raise RuralkitError.of("grading.out_folder_unsafe",
                               path=out.with_name(out.stem + "_feedback"),
                               error=exc.strerror or exc) from None
