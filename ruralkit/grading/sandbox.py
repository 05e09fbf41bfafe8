"""As whom a graded notebook runs: a user of its own, limits, a clean environment.

(Which namespaces it runs in is :mod:`ruralkit.grading.confine`.)

- :func:`kernel_user`: who the kernels run as (a fresh uid per notebook when the
  grader is root, checked by starting Python as that user), and :class:`KernelUser`;
- :class:`SandboxKernelManager` (from :func:`kernel_manager_class`): starts the
  kernel through :func:`launch_command` (its environment, the limits of
  :func:`kernel_limits`, as that user), after :func:`hand_over` gave it its
  connection file without following a link;
- :func:`kernel_env`: the environment of the worker and its kernel (proxies
  blanked, a temporary home, the grader's own ``ruralkit`` first on the path);
- :func:`kill_group`, :func:`kill_kernel`, :func:`kill_uid`: ending what a run left.

Examples
--------
>>> user = KernelUser("same", reason="RURALKIT_GRADE_USER=same")
>>> user.for_submission() is None
True
>>> user.describe().render("en")
"the grader's own user (RURALKIT_GRADE_USER=same)"
"""

from __future__ import annotations

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruralkit.i18n import Msg, message
from ruralkit.notebook_run import kernel_env as notebook_kernel_env

__all__ = [
    "MEMORY_MB",
    "KernelUser",
    "drop_command",
    "hand_over",
    "grader_user_name",
    "kernel_env",
    "kernel_limits",
    "kernel_manager_class",
    "kernel_user",
    "kill_group",
    "kill_kernel",
    "kill_uid",
    "launch_command",
]

# Starts a kernel: its environment, its limits, as its own user (started as root: drops to it).
_LAUNCH = """\
import json, os, sys
cfg = json.loads(sys.argv[1])
program = None
os.environ.update(cfg.get("env", {}))
for name in cfg.get("unset", []):
    os.environ.pop(name, None)
try:
    import resource
except ImportError:  # not POSIX: no limits
    resource = None
for name, value in cfg.get("limits", {}).items() if resource else ():
    try:  # each as far as the system allows (macOS does not enforce RLIMIT_AS)
        limit = getattr(resource, name)
        hard = resource.getrlimit(limit)[1]
        cap = value + 5 if name == "RLIMIT_CPU" else value  # SIGXCPU first, then SIGKILL
        if hard != resource.RLIM_INFINITY:
            value, cap = min(value, hard), min(cap, hard)
        resource.setrlimit(limit, (value, cap))  # the hard limit too: it cannot be raised
    except (AttributeError, ValueError, OSError):
        pass
uid, gid = cfg.get("uid"), cfg.get("gid")
if uid is not None:
    if os.path.isabs(sys.argv[2]) and os.execve in os.supports_fd:
        # opened before dropping privileges: runs an interpreter installed where only root
        # may look (e.g. under /root), as long as the files it then reads are readable
        program = os.open(sys.argv[2], os.O_RDONLY)
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    if os.getuid() != uid or os.geteuid() != uid:
        sys.exit("could not drop privileges")
try:
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    if uid is None and os.geteuid() == 0:  # root's kernel keeps no capability past exec
        for cap in range(64):
            libc.prctl(24, cap, 0, 0, 0)  # PR_CAPBSET_DROP
        libc.prctl(47, 4, 0, 0, 0)  # PR_CAP_AMBIENT_CLEAR_ALL
    libc.prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS
except Exception:
    pass
os.umask(0o077)
if program is not None:
    os.execve(program, sys.argv[2:], os.environ)
os.execvp(sys.argv[2], sys.argv[2:])
"""

# Kernels run as a user of their own: a uid from this range (no account needed), one per
# submission, so that notebooks graded at the same time cannot touch each other's files.
_UID_BASE = 1_600_000_000
_UID_SPAN = 100_000_000

_PROXY_VARS = ("http_proxy", "https_proxy", "ftp_proxy", "all_proxy", "no_proxy")

#: Memory (address space) a kernel may use, in MiB, unless ``RURALKIT_GRADE_MEMORY`` says.
MEMORY_MB = 4096


def launch_command(uid: int | None = None, gid: int | None = None, *,
                   limits: dict[str, int] | None = None,
                   env: dict[str, str] | None = None, unset: Sequence[str] = ()) -> list[str]:
    """A command prefix that runs the rest of the command with ``env`` set, ``unset``
    removed, resource ``limits`` (``{"RLIMIT_AS": bytes, ...}``) and, if given, as
    ``uid``/``gid`` (which needs root)."""
    config = {"uid": uid, "gid": gid, "limits": limits or {}, "env": env or {},
              "unset": list(unset)}
    return [sys.executable, "-I", "-S", "-c", _LAUNCH, json.dumps(config)]


def drop_command(uid: int, gid: int) -> list[str]:
    """A command prefix that runs the rest of the command as ``uid``/``gid``."""
    return launch_command(uid, gid)


def kernel_limits(seconds: float, *, separate_user: bool) -> dict[str, int]:
    """Resource limits of one kernel: memory, file size, CPU seconds (``seconds`` of cells
    and hand-over, twice over for threads), and processes where it has a user of its own
    (the count is per user, and the grader's own user runs other things)."""
    memory = int(os.environ.get("RURALKIT_GRADE_MEMORY", "").strip() or MEMORY_MB)
    limits = {"RLIMIT_AS": memory << 20, "RLIMIT_FSIZE": 1 << 30,
              "RLIMIT_CPU": int(2 * seconds) + 30, "RLIMIT_CORE": 0}
    if separate_user:
        limits["RLIMIT_NPROC"] = 512
    return limits


def hand_over(path: str, uid: int, gid: int, *, before: Callable[[str], None] | None = None,
              ) -> None:
    """Give the file at ``path`` (a connection file root just wrote) to ``uid``/``gid``.

    The folder must be root's and writable by no one else, so that no one can swap
    the file; the file is opened without following a link, checked (a regular file
    of root's, with one link) and changed through its descriptor. ``before`` (tests
    only) runs between the checks of the folder and the opening of the file.
    """
    folder = os.lstat(os.path.dirname(path) or ".")
    if not stat.S_ISDIR(folder.st_mode) or folder.st_uid != os.geteuid() or (
            folder.st_mode & 0o022):
        raise PermissionError(message("grading.handover_folder", path=os.path.dirname(path)))
    if before is not None:
        before(path)
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or info.st_nlink != 1:
            raise PermissionError(message("grading.handover_file", path=path))
        os.fchmod(fd, 0o600)
        os.fchown(fd, uid, gid)
    finally:
        os.close(fd)


_MANAGER_CLASS: Any = None


def kernel_manager_class() -> Any:
    """A kernel manager that starts the kernel with limits, an environment of its own,
    and as another user, if one is set.

    Made on first use: jupyter_client is imported only in the worker process.
    """
    global _MANAGER_CLASS
    if _MANAGER_CLASS is None:
        from jupyter_client.manager import AsyncKernelManager

        class SandboxKernelManager(AsyncKernelManager):
            kernel_uid: int | None = None
            kernel_gid: int | None = None
            kernel_limits: dict[str, int] | None = None
            kernel_env: dict[str, str] | None = None
            kernel_unset: Sequence[str] = ()
            before_handover: Callable[[str], None] | None = None  # tests only

            def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
                cmd = super().format_kernel_cmd(extra_arguments)
                if os.name != "posix":  # no limits nor users to set; exec would lose the pid
                    return cmd
                uid, gid = self.kernel_uid, self.kernel_gid
                if uid is not None and gid is not None:
                    hand_over(self.connection_file, uid, gid, before=self.before_handover)
                else:
                    uid = gid = None
                return [*launch_command(uid, gid, limits=self.kernel_limits,
                                        env=self.kernel_env, unset=self.kernel_unset), *cmd]

        _MANAGER_CLASS = SandboxKernelManager
    return _MANAGER_CLASS


@dataclass
class KernelUser:
    """Who the graded kernels run as: ``mode`` is "unique" (a fresh uid per
    submission), "fixed" (one given user, e.g. nobody) or "same" (the grader's own
    user, with ``reason`` saying why)."""

    mode: str
    uid: int | None = None
    gid: int | None = None
    reason: Msg | str = ""

    def for_submission(self) -> tuple[int, int] | None:
        """The (uid, gid) for the next submission; ``None``: do not change user."""
        if self.mode == "unique":
            uid = _UID_BASE + secrets.randbelow(_UID_SPAN)
            return uid, uid
        if self.mode == "fixed" and self.uid is not None and self.gid is not None:
            return self.uid, self.gid
        return None

    def describe(self) -> Msg:
        """Who the notebooks run as, in words."""
        if self.mode == "unique":
            return Msg("grading.user_unique")
        if self.mode == "fixed":
            return Msg("grading.user_fixed", uid=self.uid)
        return Msg("grading.user_same", reason=self.reason)


def grader_user_name() -> str:
    """The name of the user the grader runs as (its uid where there is no name)."""
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except Exception:
        return str(getattr(os, "geteuid", lambda: "?")())


def _candidates(setting: str) -> list[KernelUser] | KernelUser:
    """The users to try (or the reason not to change user) for ``RURALKIT_GRADE_USER``."""
    import pwd

    try:
        if setting:
            entry = pwd.getpwuid(int(setting)) if setting.isdigit() else pwd.getpwnam(setting)
            return [KernelUser("fixed", entry.pw_uid, entry.pw_gid)]
    except (KeyError, ValueError):
        return KernelUser("same", reason=Msg("grading.user_unknown", user=repr(setting)))
    candidates = [KernelUser("unique")]
    try:
        entry = pwd.getpwnam("nobody")
        candidates.append(KernelUser("fixed", entry.pw_uid, entry.pw_gid))
    except KeyError:
        pass
    return candidates


def kernel_user(prefix: Sequence[str]) -> KernelUser:
    """Find a user to run kernels as, and check that Python starts as that user.

    Needs root (to change user) on a POSIX system. ``RURALKIT_GRADE_USER`` chooses:
    unset (a fresh uid per notebook, else ``nobody``), a user name or uid, or
    ``same`` (do not change user).
    """
    setting = os.environ.get("RURALKIT_GRADE_USER", "").strip()
    if setting.lower() in {"same", "off", "none", "no"}:
        return KernelUser("same", reason="RURALKIT_GRADE_USER=" + setting)
    if not hasattr(os, "geteuid") or not hasattr(os, "setuid"):
        return KernelUser("same", reason=Msg("grading.user_system_cannot"))
    if os.geteuid() != 0:
        return KernelUser("same", reason=Msg("grading.user_not_root"))
    candidates = _candidates(setting)
    if isinstance(candidates, KernelUser):
        return candidates
    problems = []
    for candidate in candidates:
        ids = candidate.for_submission()
        assert ids is not None
        problem = _probe_user(prefix, *ids)
        if problem is None:
            return candidate
        problems.append(problem)
    return KernelUser("same", reason=Msg("grading.user_python_failed",
                                         problems="; ".join(problems)[:200]))


def _probe_user(prefix: Sequence[str], uid: int, gid: int) -> str | None:
    """``None`` if a kernel's Python starts as ``uid`` and imports what grading needs."""
    tmp = Path(tempfile.mkdtemp(prefix="ruralkit-probe-"))
    try:
        home = tmp / "home"
        home.mkdir()
        os.chmod(tmp, 0o711)
        os.chown(home, uid, gid)
        code = ("import os, ipykernel_launcher, pandas, matplotlib, ruralkit.exercises.answers;"
                f"assert os.getuid() == {uid}")
        done = subprocess.run(
            [*prefix, *drop_command(uid, gid), sys.executable, "-c", code],
            cwd=home, env=kernel_env(home, separate_user=True), capture_output=True,
            timeout=120, stdin=subprocess.DEVNULL,
        )
        if done.returncode != 0:
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()
            return (tail[-1] if tail else message("grading.exit_code", code=done.returncode))[:150]
        return None
    except (OSError, subprocess.SubprocessError) as exc:
        return f"{type(exc).__name__}: {exc}"[:150]
    finally:
        kill_uid(uid)
        shutil.rmtree(tmp, ignore_errors=True)


def _processes_of(uid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as fh:
                uids = next((ln.split()[1:] for ln in fh if ln.startswith("Uid:")), [])
        except OSError:
            continue
        if str(uid) in uids:
            pids.append(int(entry))
    return pids


def kill_uid(uid: int) -> None:
    """Kill every process of ``uid`` (only used with a uid made for one submission)."""
    if uid < _UID_BASE or not os.path.isdir("/proc"):
        return
    for _ in range(3):
        pids = _processes_of(uid)
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.05)


def kill_group(pid: int) -> None:
    """Kill the process group of ``pid`` (a worker started in a session of its own)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def kill_kernel(pid_file: Path) -> None:
    """Kill the kernel whose pid a worker wrote to ``pid_file`` (and its group)."""
    try:
        pid = int(pid_file.read_text())
    except (OSError, ValueError):
        return
    for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            kill()
        except (ProcessLookupError, PermissionError, OSError):
            pass


def kernel_env(home: Path, *, separate_user: bool = False) -> dict[str, str]:
    """The environment of a grading worker and its kernel.

    The folder holding the grader's own ``ruralkit`` package comes first on
    ``PYTHONPATH`` (never an ambient one, e.g. another checkout installed in the
    environment), proxies are blanked, and home, temporary and runtime folders
    point into ``home``.
    """
    env = notebook_kernel_env()
    for var in _PROXY_VARS:
        env[var] = ""
        env[var.upper()] = ""
    if separate_user:
        # the kernel's user cannot read the grader's caches; it keeps its own
        env["XDG_CACHE_HOME"] = str(home / ".cache")
        env["USER"] = env["LOGNAME"] = "ruralkit-student"
        env.pop("MPLCONFIGDIR", None)
    else:
        cache = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        env["XDG_CACHE_HOME"] = cache  # shared caches (matplotlib fonts) keep working
    env["HOME"] = str(home)  # '~' in a submission points into the temporary folder
    env["TMPDIR"] = str(home)
    env["IPYTHONDIR"] = str(home / ".ipython")
    env["JUPYTER_RUNTIME_DIR"] = str(home / ".runtime")
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    env.pop("JPY_PARENT_PID", None)
    return env
