"""Isolation from the OS: each graded notebook's worker in namespaces of its own (Linux).

A worker and its kernel run inside new PID, mount and network namespaces
(``unshare``, from util-linux, on every Debian and Ubuntu), set up by
:data:`_SETUP`, a short stdlib-only program that runs first inside them:

- **mounts**: a fresh, empty root (a small ``tmpfs``) into which only the system
  folders (``/usr``, ``/etc``, ``/lib`` …), the Python environment and the
  ``ruralkit`` package are bound **read-only**, and this run's own folders
  (the kernel's ``box``, the grader's ``private`` and ``conn`` folders, root-owned)
  read-write; a new ``/proc``, a minimal ``/dev``, an empty ``/tmp``. Nothing
  else of the machine is there: no ``/home``, ``/root``, no other run's folders,
  no masters, no submissions.
- **processes**: the program stays as the namespace's first process and reaps
  what ends; when the worker ends, the namespace ends, and with it every process
  the notebook started, however it forked.
- **network**: a new network namespace has no interface but a loopback that is down.

Without root, the same is done in a new user namespace (``--map-root-user``),
and the worker starts with no capabilities left. :func:`isolation` tries the
whole set-up once per grading call and falls back on what works (network only,
or nothing), saying what is missing.

Examples
--------
>>> iso = Isolation("none", [], missing=("pid", "mount", "network"))
>>> iso.namespaces, iso.command(["python", "-V"], config={})
(False, ['python', '-V'])
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruralkit.exercises import set_folders
from ruralkit.i18n import Msg

__all__ = ["Isolation", "hidden_paths", "isolation", "mount_config", "readonly_paths"]

# Runs as the first process of the new namespaces: mounts the new root, starts the worker.
_SETUP = r"""
import ctypes, json, os, sys
cfg = json.loads(sys.argv[1])
libc = ctypes.CDLL(None, use_errno=True)
RDONLY, NOSUID, NODEV, NOEXEC, REMOUNT, BIND, MOVE, REC = 1, 2, 4, 8, 32, 4096, 8192, 16384
PRIVATE = 1 << 18

def mount(src, dst, fstype, flags, data=None):
    enc = lambda s: None if s is None else s.encode()
    if libc.mount(enc(src), enc(dst), enc(fstype), ctypes.c_ulong(flags), enc(data)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, "mount %s on %s: %s" % (src, dst, os.strerror(err)))

def keep_flags(path):
    f = os.statvfs(path).f_flag
    flags = f & (NOSUID | NODEV | NOEXEC)
    for st, ms in ((1024, 1024), (2048, 2048), (4096, 1 << 21)):
        flags |= ms if f & st else 0
    return flags

new = cfg["root"]
inside = lambda p: new + p
os.umask(0o022)
mount(None, "/", None, REC | PRIVATE)
mount("tmpfs", new, "tmpfs", NOSUID | NODEV, "size=4m,mode=0755")
for d in ("tmp", "dev", "proc"):
    os.mkdir(inside("/" + d))
mount("tmpfs", inside("/tmp"), "tmpfs", NOSUID | NODEV, "size=%dm,mode=1777" % cfg["tmp_mb"])
mount("tmpfs", inside("/dev"), "tmpfs", NOSUID | NOEXEC, "size=64k,mode=0755")
for name in ("null", "zero", "full", "random", "urandom"):
    open(inside("/dev/" + name), "w").close()
    mount("/dev/" + name, inside("/dev/" + name), None, BIND)
os.mkdir(inside("/dev/shm"))
mount("tmpfs", inside("/dev/shm"), "tmpfs", NOSUID | NODEV, "size=64m,mode=1777")
for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                     ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
    os.symlink(target, inside("/dev/" + name))
mount("proc", inside("/proc"), "proc", NOSUID | NODEV | NOEXEC)
for path, writable in cfg["binds"]:
    dst = inside(path)
    if os.path.islink(path):
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        os.symlink(os.readlink(path), dst)
        continue
    if os.path.isdir(path):
        os.makedirs(dst, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        open(dst, "a").close()
    mount(path, dst, None, BIND)
    if not writable:
        mount(None, dst, None, REMOUNT | BIND | RDONLY | NOSUID | keep_flags(dst))
for path in cfg["hide"]:  # inside what was bound: an empty, read-only folder in its place
    mount("tmpfs", inside(path), "tmpfs", RDONLY | NOSUID | NODEV | NOEXEC, "size=4k,mode=0555")
mount(None, new, None, REMOUNT | BIND | RDONLY | NOSUID | NODEV)
os.chdir(new)
mount(new, "/", None, MOVE)
os.chroot(".")
os.chdir(cfg["cwd"])
os.environ["RURALKIT_GRADE_ISOLATED"] = "1"
worker = os.fork()
if worker == 0:
    if cfg["drop_caps"]:
        for cap in range(64):
            libc.prctl(24, cap, 0, 0, 0)  # PR_CAPBSET_DROP: nothing to regain at exec
        libc.prctl(47, 4, 0, 0, 0)  # PR_CAP_AMBIENT_CLEAR_ALL
    libc.prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS
    os.execv(sys.argv[2], sys.argv[2:])
while True:  # the namespace's first process: reap, and end when the worker ends
    pid, status = os.wait()
    if pid == worker:
        os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
"""

#: The machine's folders a graded run may read (those that exist), besides Python's own.
SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")

#: Size of the private /tmp of a graded run, in MiB.
TMP_MB = 256


@dataclass(frozen=True)
class Isolation:
    """How a worker is isolated: ``level`` is "namespaces" (PID, mount and network
    namespaces), "network" (a network namespace only) or "none"; ``prefix`` is the
    command that enters them; ``missing`` names what could not be had."""

    level: str
    prefix: list[str]
    missing: tuple[str, ...] = ()
    reason: str = ""
    rootless: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def namespaces(self) -> bool:
        """True when the worker gets its own PID and mount namespaces."""
        return self.level == "namespaces"

    def command(self, cmd: Sequence[str], *, config: dict[str, Any]) -> list[str]:
        """``cmd`` run the way this isolation runs a worker (``config``: :func:`mount_config`)."""
        if not self.namespaces:
            return [*self.prefix, *cmd]
        config = {**config, "drop_caps": self.rootless}
        return [*self.prefix, sys.executable, "-I", "-S", "-c", _SETUP, json.dumps(config), *cmd]

    def describe(self) -> Msg:
        """What this isolation does, in words."""
        if self.namespaces:
            return Msg("grading.isolation_namespaces", how=" ".join(self.prefix[1:]))
        if self.level == "network":
            return Msg("grading.network_blocked", how=" ".join(self.prefix[1:]))
        return Msg("grading.isolation_none", reason=self.reason)


def _within(path: str, others: Iterable[str]) -> bool:
    return any(path == o or path.startswith(o.rstrip("/") + "/") for o in others)


def readonly_paths() -> list[str]:
    """The machine's paths a graded run sees, read-only: system folders, Python, ruralkit.

    The ``ruralkit`` package folder, a checkout's bundled ``data/`` and the folders of
    ``RURALKIT_EXERCISES_PATH`` alone, never the project around them (the masters,
    the tests, the submissions may live there).
    """
    import ruralkit  # the package itself: already imported by whoever calls this

    package = Path(ruralkit.__file__).resolve().parent
    wanted = [p for p in SYSTEM_PATHS if os.path.lexists(p)]
    for path in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
                 os.path.dirname(sys.executable), os.path.dirname(os.path.realpath(sys.executable)),
                 str(package), str(package.parent / "data"),  # the bundled data of a checkout
                 *map(str, set_folders())):  # exercise sets outside the package too
        if path and os.path.isdir(path):
            wanted.append(os.path.abspath(path))
    temp = os.path.realpath(tempfile.gettempdir())
    # never a folder holding the runs' own folders (a set folder of /tmp, say)
    wanted = [p for p in wanted if not _within(temp, [os.path.realpath(p)])]
    kept: list[str] = []
    for path in sorted(dict.fromkeys(wanted), key=lambda p: (p.count("/"), p)):
        if not _within(path, [k for k in kept if not os.path.islink(k)]) or os.path.ismount(path):
            kept.append(path)
    return kept


def hidden_paths() -> list[str]:
    """Folders inside :func:`readonly_paths` a graded run must not see: the masters
    (with the solutions) that an installed package, or a set folder, carries beside
    its set modules (``source/``)."""
    masters = [Path(folder).resolve() / "source" for folder in set_folders()]
    return [str(m) for m in dict.fromkeys(masters) if m.is_dir()]


def mount_config(root: Path, *, writable: Sequence[Path], cwd: Path,
                 hide: Sequence[Path | str] | None = None) -> dict[str, Any]:
    """The set-up of one run: the new root's mount point, what is bound (read-only, then
    ``writable``), the folders hidden (default :func:`hidden_paths`), the worker's folder."""
    binds = [[p, False] for p in readonly_paths()]
    binds += [[str(p), True] for p in writable]
    hide = hidden_paths() if hide is None else [str(p) for p in hide]
    return {"root": str(root), "binds": binds, "hide": hide, "cwd": str(cwd), "tmp_mb": TMP_MB}


def _works(prefix: list[str], rootless: bool) -> bool:
    """Whether the whole set-up works here: a Python started inside sees only what it should."""
    tmp = Path(tempfile.mkdtemp(prefix="ruralkit-probe-"))
    try:
        (tmp / "root").mkdir()
        (tmp / "box").mkdir()
        (tmp / "secret").write_text("not to be seen")
        config = mount_config(tmp / "root", writable=[tmp / "box"], cwd=tmp / "box")
        code = ("import os, sys; assert os.getpid() == 2 and not os.path.exists(sys.argv[1]);"
                "open('ok', 'w').close()")
        cmd = Isolation("namespaces", prefix, rootless=rootless).command(
            [sys.executable, "-I", "-S", "-c", code, str(tmp / "secret")], config=config)
        done = subprocess.run(cmd, capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
        return done.returncode == 0 and (tmp / "box" / "ok").exists()
    except (OSError, subprocess.SubprocessError):
        return False
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _network_only(unshare: str) -> list[str] | None:
    for prefix in ([unshare, "--net"], [unshare, "--map-root-user", "--net"]):
        try:
            if subprocess.run([*prefix, "true"], capture_output=True, timeout=10).returncode == 0:
                return prefix
        except (OSError, subprocess.SubprocessError):
            pass
    return None


def isolation() -> Isolation:
    """The strongest isolation this machine gives a worker, tried once.

    ``RURALKIT_GRADE_NO_SANDBOX`` set: none. On Linux with ``unshare``: PID,
    mount and network namespaces (as root, or in a user namespace), else a
    network namespace only, else nothing.
    """
    if os.environ.get("RURALKIT_GRADE_NO_SANDBOX"):
        return Isolation("none", [], ("pid", "mount", "network"),
                         reason="RURALKIT_GRADE_NO_SANDBOX")
    unshare = shutil.which("unshare")
    if not (sys.platform.startswith("linux") and unshare):
        return Isolation("none", [], ("pid", "mount", "network"), reason=sys.platform)
    full = [unshare, "--pid", "--fork", "--kill-child", "--mount", "--net"]
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    choices = [(full, False)] if root else []
    choices.append(([unshare, "--user", "--map-root-user", *full[1:]], True))
    for prefix, rootless in choices:
        if _works(prefix, rootless):
            return Isolation("namespaces", prefix, rootless=rootless)
    net = _network_only(unshare)
    if net is not None:
        return Isolation("network", net, ("pid", "mount"), reason="unshare --pid --mount")
    return Isolation("none", [], ("pid", "mount", "network"), reason="unshare")
