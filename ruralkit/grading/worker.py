"""One grading worker: ``python -m ruralkit.grading.worker SPEC`` runs one submission copy.

Started by :func:`ruralkit.grading.grade` (never by hand), in a process of its
own, in PID, mount and network namespaces of its own where the OS allows
(:mod:`ruralkit.grading.confine`): there it ends every process the notebook left
before a re-run and before writing the result. The notebook's cells run in a
fresh kernel (as another user where possible); this process never runs any of them.
A cell still running at the cell time limit is interrupted and the next cells
run; a kernel that crashes, or does not stop when interrupted, is restarted and
the notebook run again without that cell (at most ``MAX_ATTEMPTS`` runs).
After the cells, a last cell hands the answers over as bounded plain JSON data;
they are read back with a strict decoder and checked here. The result goes to the spec's
``result`` file as JSON.
"""

from __future__ import annotations

import json
import math
import os
import signal
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ruralkit._startup import skip_slow_optional_imports
from ruralkit.i18n import Msg

from .cells import cell_labels
from .checking import check_exported
from .inject import PROBE_CELL, export_cell, notebook_mode, prelude_cell
from .records import MAX_ATTEMPTS
from .sandbox import kernel_manager_class
from .texts import note, plain_number

if __name__ == "__main__":  # the worker process: before nbformat imports jsonschema
    skip_slow_optional_imports()

import nbformat
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

__all__ = ["end_leftovers", "main"]

RunExtra = Callable[[str, float], None]


def _in_own_pid_namespace(spec: dict[str, Any]) -> bool:
    """True if this worker runs in PID and mount namespaces of its own (see ``confine``):
    only then may it end every other process it can see."""
    if not os.environ.get("RURALKIT_GRADE_ISOLATED") or not spec.get("host_pidns"):
        return False
    try:
        return os.getppid() == 1 and os.readlink("/proc/self/ns/pid") != spec["host_pidns"]
    except OSError:
        return False


def _running_others() -> list[int]:
    """Processes of this namespace still running, other than its first one and this one."""
    others = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) not in (1, os.getpid()):
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                    state = fh.read().rpartition(")")[2].split()[:1]
            except OSError:
                continue
            if state != ["Z"]:
                others.append(int(entry))
    return others


def end_leftovers(spec: dict[str, Any], wait: float = 2.0) -> bool:
    """Kill every process the notebook left in this worker's namespace; true if done.

    Does nothing (false) outside a PID namespace of the worker's own.
    """
    if not _in_own_pid_namespace(spec):
        return False
    deadline = time.monotonic() + wait
    while True:
        try:
            os.kill(-1, signal.SIGKILL)  # in a PID namespace: all but its first process and us
        except ProcessLookupError:
            pass
        if not _running_others() or time.monotonic() > deadline:
            return not _running_others()
        time.sleep(0.01)


def _interrupted(client: Any, km: Any, grace: float, run_extra: RunExtra) -> bool:
    """Interrupt the kernel; true if it is listening again within ``grace`` seconds.

    The channels are opened afresh: nbclient leaves the timed-out cell's reader
    waiting on them, which would otherwise swallow messages meant for later cells.
    """
    saved = client.startup_timeout
    try:
        run_sync(km.interrupt_kernel)()
        client.kc.stop_channels()
        client.startup_timeout = max(1, math.ceil(grace))
        run_sync(client.async_start_new_kernel_client)()
        run_extra(PROBE_CELL, grace)
        return True
    except (CellTimeoutError, RuntimeError, TimeoutError):
        return False
    finally:
        client.startup_timeout = saved


class _Worker:
    """The runs of one notebook, and what they found (outcomes per cell, notes, timings)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.language: str = spec["language"]
        self.kernel_dir = Path(spec["kernel_dir"])
        self.private = Path(spec["private"])
        self.nb = nbformat.read(spec["notebook"], as_version=4)
        self.labels = cell_labels(self.nb.cells)
        self.export_file = str(self.kernel_dir / f"answers-{spec['token']}.json")
        self.timeout = float(spec["timeout"])
        self.cell_timeout = float(spec["cell_timeout"])
        self.grader_timeout = float(spec["grader_timeout"])
        self.user: dict[str, int] = spec.get("kernel_user") or {}
        self.isolated = _in_own_pid_namespace(spec)
        self.skip: dict[int, str] = {}  # cell index -> "crashed" | "timeout" (did not stop)
        self.rerun_notes: list[str] = []  # why the notebook was run again: kept
        self.attempt_notes: list[str] = []  # of the last run only
        self.outcomes: dict[int, dict[str, Any]] = {}
        self.timings: dict[str, float] = {}
        self.timed_out = self.crashed = False
        self.current: int | None = None  # the cell running now

    def where(self, index: int) -> str:
        label = self.labels[index]
        return (label or Msg("grading.cell_number", n=index + 1)).render(self.language)

    def note(self, key: str, **fields: Any) -> str:
        return note(key, self.language, **fields)

    # ------------------------------------------------------------------ one run
    def _client(self, attempt: int, run_nb: Any) -> tuple[Any, Any]:
        km = kernel_manager_class()(
            kernel_name="python3", transport="ipc", ip=str(self.kernel_dir / f"k{attempt}")
        )
        # written by root in root's own folder, then handed over (sandbox.hand_over)
        km.connection_file = str(Path(self.spec["conn_dir"]) / f"kernel-{attempt}.json")
        km.kernel_uid, km.kernel_gid = self.user.get("uid"), self.user.get("gid")
        km.kernel_limits = self.spec.get("limits")
        km.kernel_env = self.spec.get("kernel_env")
        km.kernel_unset = self.spec.get("kernel_unset", ())
        client = NotebookClient(
            run_nb, km=km, timeout=int(self.cell_timeout), allow_errors=True,
            record_timing=False, interrupt_on_timeout=False, kernel_name="python3",
            startup_timeout=90, shutdown_kernel="immediate",
            resources={"metadata": {"path": self.spec["workdir"]}},
        )
        return km, client

    def _run_cell(self, client: Any, km: Any, cell: Any, index: int, limit: float,
                  run_extra: RunExtra) -> bool:
        """Run one cell; false if it timed out and the kernel did not stop."""
        client.timeout = max(1, math.ceil(limit))
        self.current = index
        try:
            client.execute_cell(cell, index)
        except CellTimeoutError:
            # stop this cell, carry on with the next ones
            self.timed_out = True
            self.outcomes[index] = {"status": "timeout", "seconds": math.ceil(limit)}
            self.attempt_notes.append(self.note("grading.note_cell_timeout",
                                                cell=self.where(index),
                                                seconds=plain_number(math.ceil(limit))))
            if not _interrupted(client, km, min(10.0, max(3.0, self.cell_timeout)), run_extra):
                self.rerun_notes.append(self.note("grading.note_stuck", cell=self.where(index)))
                return False
            return True
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                self.outcomes[index] = {
                    "status": "error", "ename": str(output.get("ename", ""))[:80],
                    "evalue": str(output.get("evalue", ""))[:200],
                }
                break
        return True

    def _run_cells(self, client: Any, km: Any, cells: list[Any],
                   run_extra: RunExtra) -> int | None:
        """Run the notebook's cells; the index of a cell that would not stop, if any."""
        deadline = time.monotonic() + self.timeout
        time_up = False
        for index, cell in enumerate(cells):
            if cell.cell_type != "code" or index in self.skip or not cell.source.strip():
                continue
            remaining = deadline - time.monotonic()
            if time_up or remaining <= 0:
                if not time_up:
                    self.attempt_notes.append(self.note(
                        "grading.note_notebook_time_up", seconds=plain_number(self.timeout),
                        cell=self.where(index)))
                self.timed_out = time_up = True
                self.outcomes[index] = {"status": "not_run"}
                continue
            limit = min(self.cell_timeout, remaining)
            if not self._run_cell(client, km, cell, index, limit, run_extra):
                self.current = None
                return index
        self.current = None
        return None

    def attempt(self, attempt: int) -> tuple[int, str] | None:
        """One run in a fresh kernel; the cell to leave out of the next run, and why."""
        self.outcomes = {i: {"status": why, "seconds": self.cell_timeout}
                         for i, why in self.skip.items()}
        self.attempt_notes = []
        self.current = None
        cells = [nbformat.from_dict(json.loads(json.dumps(c))) for c in self.nb.cells]
        run_nb = nbformat.v4.new_notebook(cells=list(cells), metadata=self.nb.metadata)
        km, client = self._client(attempt, run_nb)
        clock = time.monotonic()

        def run_extra(source: str, seconds: float) -> None:
            extra = nbformat.v4.new_code_cell(source)
            run_nb.cells.append(extra)
            client.timeout = max(1, math.ceil(seconds))
            client.execute_cell(extra, len(run_nb.cells) - 1)

        try:
            with client.setup_kernel():
                self.timings["kernel_start"] = time.monotonic() - clock
                pid = getattr(getattr(km, "provisioner", None), "pid", None)
                if pid and not self.isolated:  # in a namespace: it ends with the namespace
                    (self.private / "kernel.pid").write_text(str(pid))
                run_extra(prelude_cell(notebook_mode(self.nb)), 30)
                stuck = self._run_cells(client, km, cells, run_extra)
                self.timings["cells"] = time.monotonic() - clock - self.timings["kernel_start"]
                if stuck is not None:
                    return stuck, "timeout"
                self._export(run_extra)
        except DeadKernelError:
            self.crashed = True
            if self.current is not None:
                self.rerun_notes.append(self.note("grading.note_crashed_in",
                                                  cell=self.where(self.current)))
                return self.current, "crashed"
            self.attempt_notes.append(self.note("grading.note_crashed_export"))
        except Exception as exc:  # kernel failed to start, etc.
            self.attempt_notes.append(self.note("grading.note_grader_problem",
                                                error=f"{type(exc).__name__}: {exc}"[:300]))
        finally:
            self.timings["total_run"] = time.monotonic() - clock
            try:
                if km.has_kernel:
                    run_sync(km.shutdown_kernel)(now=True)
            except Exception:
                pass
            end_leftovers(self.spec)  # nothing of this run is left when the next one starts
        return None

    def _export(self, run_extra: RunExtra) -> None:
        source = export_cell(self.spec["set"], out=self.export_file, token=self.spec["token"],
                             mode=notebook_mode(self.nb))
        try:
            run_extra(source, self.grader_timeout)
        except CellTimeoutError:
            self.attempt_notes.append(self.note("grading.note_export_stuck",
                                                seconds=plain_number(self.grader_timeout)))

    def _export_is_plain(self, notes: list[str]) -> bool:
        """The answer file is a regular file, not a link (checked when nothing of the
        notebook runs any more, so it cannot change between the check and the read)."""
        info = os.lstat(self.export_file)
        if stat.S_ISREG(info.st_mode) and info.st_nlink == 1:
            return True
        notes.append(self.note("grading.note_no_answers",
                               error=Msg("grading.answers_not_a_file")))
        return False

    # ------------------------------------------------------------------ all runs
    def run(self) -> dict[str, Any]:
        """Run the notebook (again without a bad cell, if needed) and check the answers."""
        attempts = 0
        for attempt in range(1, MAX_ATTEMPTS + 1):
            attempts = attempt
            bad = self.attempt(attempt)
            exported = os.path.lexists(self.export_file)
            if exported or bad is None or bad[0] in self.skip:
                break
            self.skip[bad[0]] = bad[1]
        notes = self.rerun_notes + self.attempt_notes
        grade = None
        if os.path.lexists(self.export_file) and self._export_is_plain(notes):
            grade = check_exported(self.spec, self.nb.cells, self.outcomes, self.labels,
                                   self.export_file, notes)
        return {
            "errors": [
                {"cell": i + 1, "label": self.where(i), "ename": o.get("ename", ""),
                 "evalue": o.get("evalue", "")}
                for i, o in sorted(self.outcomes.items()) if o.get("status") == "error"
            ],
            "notes": notes,
            "attempts": attempts,
            "timings": self.timings,
            "timed_out": self.timed_out,
            "crashed": self.crashed,
            "grade": grade,
        }


def main(spec_path: str) -> int:
    """Grade the submission copy a spec file describes; write the result file. Returns 0."""
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    result = _Worker(spec).run()
    end_leftovers(spec)  # nothing the notebook started runs while the result is written
    try:
        os.unlink(spec["result"])  # one the notebook may have put there (same user)
    except FileNotFoundError:
        pass
    fd = os.open(spec["result"], os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
