"""Build the offline wheelhouse: every wheel the course needs, for a USB stick.

    make wheelhouse                      # = .venv/bin/python guide/wheelhouse.py
    python guide/wheelhouse.py --platform linux --python 3.12 --out /tmp/wh

It writes ``wheelhouse/linux/`` (manylinux x86_64) and ``wheelhouse/windows/``
(win_amd64), each for CPython 3.11 and 3.12, holding the project's own wheel,
every wheel ``ruralkit[lab,dev]`` needs at ``constraints.txt``'s versions, and
hatchling (the build backend, so ``pip install -e .`` works offline too). Then a
classroom PC with no network installs the course with

    pip install --no-index --find-links wheelhouse/linux -c constraints.txt -e ".[lab,dev]"

(``make lab`` and ``ruralkit.bat`` do this by themselves when the folder is there).

Why a script in ``guide/`` and not in the package: it is a classroom set-up tool,
like the lesson plan beside it; it needs only the standard library and pip (it runs
before the course is installed), and researchers who ``pip install ruralkit`` have
no use for it. ``tests/test_wheelhouse.py`` builds a Linux wheelhouse with it and
installs the course from it with no network.

Windows: ``pip download --platform win_amd64`` evaluates environment markers for
the machine it runs on, so dependencies marked ``sys_platform == "win32"`` would
be missing; ``constraints-windows.txt`` lists them (see its header) and is added.

Example
-------
>>> plan = download_command(Target("windows", "3.12"), Path("out"), Path("rk.whl"))
>>> plan[plan.index("--platform") + 1], plan[plan.index("--python-version") + 1]
('win_amd64', '3.12')
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: pip ``--platform`` tags per folder. Linux: glibc 2.28 or newer (Debian 10, Ubuntu 20.04,
#: RHEL 8 and later). pip does not widen a custom tag to the older manylinux ones that
#: glibc 2.28 also runs, so all of them are listed, newest first.
PLATFORMS: dict[str, tuple[str, ...]] = {
    "linux": (
        *(f"manylinux_2_{minor}_x86_64" for minor in range(28, 4, -1)),
        "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64",
    ),
    "windows": ("win_amd64",),
}
#: Files of extra requirements per platform (markers pip cannot evaluate for another OS).
PLATFORM_EXTRAS: dict[str, tuple[str, ...]] = {"linux": (), "windows": ("constraints-windows.txt",)}
#: The oldest patch release each wheel must serve: pip checks Requires-Python against it, and
#: soupsieve (nbconvert -> beautifulsoup4) needs 3.11.5, so classroom PCs need 3.11.5 or newer.
PYTHONS = ("3.11.5", "3.12")
EXTRAS = "lab,dev"
#: The build backend (pyproject.toml) and what it asks for an editable build, so that
#: ``pip install -e .`` from the stick needs no index (hatchling pinned by constraints.txt).
BUILD_REQUIREMENTS = ("hatchling", "editables~=0.3")


@dataclass(frozen=True)
class Target:
    """One platform folder and one CPython version.

    Examples
    --------
    >>> Target("linux", "3.11").folder
    'linux'
    """

    folder: str
    python: str


def build_project_wheel(out: Path, root: Path = ROOT) -> Path:
    """Build ruralkit's own wheel into ``out`` (no build isolation, so no index needed).

    Parameters
    ----------
    out : Path
        Folder the wheel is written to (created).
    root : Path
        The project folder.

    Returns
    -------
    Path
        The wheel file.

    Examples
    --------
    >>> build_project_wheel(Path(tmp)).name  # doctest: +SKIP
    'ruralkit-0.1.0-py3-none-any.whl'
    """
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(out), str(root)],
        check=True,
    )
    return max(out.glob("ruralkit-*.whl"), key=lambda p: p.stat().st_mtime)


def download_command(
    target: Target, out: Path, wheel: Path, *, extras: str = EXTRAS, root: Path = ROOT
) -> list[str]:
    """The ``pip download`` command for one target (binary wheels only, constraints pinned).

    Parameters
    ----------
    target : Target
        Platform folder and Python version.
    out : Path
        Folder the wheels go to.
    wheel : Path
        ruralkit's own wheel; its extras ``extras`` are resolved.
    extras : str
        Comma-separated extras of ruralkit to include.
    root : Path
        The project folder (constraints files are read from it).

    Returns
    -------
    list of str
        The command, ready for :func:`subprocess.run`.

    Examples
    --------
    >>> cmd = download_command(Target("linux", "3.11"), Path("o"), Path("rk.whl"), extras="lab")
    >>> cmd[-3], cmd[-2:]
    ('rk.whl[lab]', ['hatchling', 'editables~=0.3'])
    """
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:",
           "--dest", str(out), "--implementation", "cp", "--python-version", target.python]
    for tag in PLATFORMS[target.folder]:
        cmd += ["--platform", tag]
    cmd += ["--constraint", str(root / "constraints.txt")]
    for extra_file in PLATFORM_EXTRAS[target.folder]:
        cmd += ["--constraint", str(root / extra_file), "--requirement", str(root / extra_file)]
    requirement = f"{wheel}[{extras}]" if extras else str(wheel)
    return [*cmd, requirement, *BUILD_REQUIREMENTS]


def build(
    out: Path,
    targets: list[Target],
    *,
    extras: str = EXTRAS,
    root: Path = ROOT,
) -> dict[str, tuple[int, float]]:
    """Build the wheelhouse folders; return ``{folder: (file count, megabytes)}``.

    Examples
    --------
    >>> build(Path("wheelhouse"), [Target("linux", "3.11")])  # doctest: +SKIP
    {'linux': (121, 118.4)}
    """
    wheel = build_project_wheel(out / "_project", root)
    for target in targets:
        folder = out / target.folder
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(download_command(target, folder, wheel, extras=extras, root=root),
                       check=True)
    sizes = {}
    for name in sorted({t.folder for t in targets}):
        files = list((out / name).glob("*.whl"))
        sizes[name] = (len(files), round(sum(f.stat().st_size for f in files) / 1e6, 1))
    (out / "_project" / wheel.name).unlink()
    (out / "_project").rmdir()
    return sizes


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python guide/wheelhouse.py [--out DIR] [--platform ...] [--python ...]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "wheelhouse")
    parser.add_argument("--platform", nargs="+", choices=sorted(PLATFORMS),
                        default=sorted(PLATFORMS))
    parser.add_argument("--python", nargs="+", default=list(PYTHONS),
                        help="CPython versions, e.g. 3.11 3.12")
    parser.add_argument("--extras", default=EXTRAS, help="ruralkit extras (default lab,dev)")
    args = parser.parse_args(argv)
    targets = [Target(p, v) for p in args.platform for v in args.python]
    sizes = build(args.out, targets, extras=args.extras)
    for name, (count, mb) in sizes.items():
        print(f"{args.out / name}: {count} wheels, {mb} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
