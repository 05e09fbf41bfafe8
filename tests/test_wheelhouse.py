"""The offline wheelhouse (guide/wheelhouse.py): the course installs from it with no network.

A Linux wheelhouse for the running Python is built into a temporary folder (pip's
cache makes this quick once the course is installed), then a fresh venv installs the
course from it inside a network namespace of its own (``unshare -n``: no interface but
a loopback that is down), as a classroom PC with a USB stick and no network would.
About a minute; the timing is in benchmarks/README.md.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import shutil
import socket
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux" or platform.machine() != "x86_64",
                       reason="the Linux wheelhouse installs on x86_64 Linux only"),
]

_spec = importlib.util.spec_from_file_location("wheelhouse", ROOT / "guide" / "wheelhouse.py")
wheelhouse = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("wheelhouse", wheelhouse)  # dataclasses look their module up
_spec.loader.exec_module(wheelhouse)

PROBE = (
    "import socket\n"
    "try:\n"
    "    socket.create_connection(('1.1.1.1', 443), timeout=3)\n"
    "except OSError:\n"
    "    print('offline')\n"
    "else:\n"
    "    print('online')\n"
)


def _index_reachable() -> str | None:
    """None when the package index answers, else why not (building needs it)."""
    url = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "file":
        return None
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname, port), timeout=5).close()
    except OSError as exc:
        return f"building a wheelhouse needs the package index {url}, unreachable: {exc}"
    return None


def _classroom_env() -> dict[str, str]:
    """This environment without pip settings (indexes, find-links, constraints) or
    PYTHONPATH: a classroom PC has none, and --no-index must be all pip needs."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PIP_") and k != "PYTHONPATH"}
    return {**env, "PIP_CONFIG_FILE": os.devnull}


def _offline_prefix() -> list[str]:
    """``["unshare", "-n"]`` when network namespaces can be made here, else ``[]``."""
    if sys.platform != "linux" or shutil.which("unshare") is None:
        return []
    ok = subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0
    return ["unshare", "-n"] if ok else []


@pytest.fixture(scope="module")
def house(tmp_path_factory) -> Path:
    why = _index_reachable()
    if why:
        pytest.skip(why)
    out = tmp_path_factory.mktemp("wheelhouse")
    target = wheelhouse.Target("linux", platform.python_version())
    sizes = wheelhouse.build(out, [target], extras="lab")
    assert sizes["linux"][0] > 50
    return out / "linux"


@pytest.fixture(scope="module")
def installed(house, tmp_path_factory) -> tuple[Path, list[str]]:
    """A fresh venv with ``ruralkit[lab]`` installed from the wheelhouse, offline."""
    prefix = _offline_prefix()
    venv = tmp_path_factory.mktemp("classroom") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = _classroom_env()
    # --no-compile: byte-compiling some 20,000 files is half the install's time and not
    # what this tests (a classroom install compiles them; the imports below still run).
    subprocess.run(
        [*prefix, str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-compile",
         "--no-index", "--find-links", str(house), "-c", str(ROOT / "constraints.txt"),
         "ruralkit[lab]"],
        check=True, env=env,
    )
    return venv, prefix


def test_the_install_ran_with_no_network(installed):
    venv, prefix = installed
    if not prefix:
        pytest.skip("no network namespaces here (needs Linux, util-linux unshare and root or "
                    "user namespaces): the install above used --no-index only")
    probe = subprocess.run([*prefix, str(venv / "bin" / "python"), "-c", PROBE],
                           capture_output=True, text=True, check=True)
    assert probe.stdout.strip() == "offline"


def test_the_installed_course_loads_a_table_and_jupyterlab_runs(installed, tmp_path):
    venv, prefix = installed
    code = (
        "import ruralkit as rk, jupyterlab_language_pack_zh_CN; "
        "print(rk.load_villages().shape[0]); print(rk.__file__)"
    )
    result = subprocess.run([*prefix, str(venv / "bin" / "python"), "-c", code], cwd=tmp_path,
                            env=_classroom_env(), capture_output=True, text=True, check=True)
    count, where = result.stdout.split("\n")[:2]
    assert count == "60"
    assert Path(where).is_relative_to(venv)  # the installed copy, not the repository's
    lab = subprocess.run([*prefix, str(venv / "bin" / "jupyter"), "lab", "--version"],
                         cwd=tmp_path, env=_classroom_env(), capture_output=True, text=True,
                         check=True)
    constraints = (ROOT / "constraints.txt").read_text().splitlines()
    assert f"jupyterlab=={lab.stdout.strip()}" in constraints


def test_the_makefile_install_from_the_stick_resolves_offline(house, installed):
    """``make lab``'s own install (editable, from source: hatchling must be in the house)."""
    venv, prefix = installed
    env = _classroom_env()
    subprocess.run(
        [*prefix, str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--dry-run",
         "--no-index", "--find-links", str(house), "-c", str(ROOT / "constraints.txt"),
         "--editable", f"{ROOT}[lab]"],
        check=True, env=env, cwd=ROOT,
    )
