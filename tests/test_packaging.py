"""The kit as users install it: a wheel that carries its data and font, a light import."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "--wheel-dir", str(out), str(ROOT)],
        check=True,
    )
    (path,) = out.glob("ruralkit-*.whl")
    return path


def test_wheel_contains_data_font_and_licences(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for table in ("villages", "trust_survey", "disputes", "households"):
        assert f"ruralkit/_data/{table}.csv" in names
        assert f"ruralkit/_data/{table}_codebook.csv" in names
    assert "ruralkit/_data/README.md" in names
    assert "ruralkit/fonts/RuralKitSansSC-Regular.ttf" in names
    assert "ruralkit/fonts/OFL.txt" in names
    assert any(n.endswith("licenses/LICENSE") for n in names)


def test_installed_wheel_loads_data_outside_the_repo(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import ruralkit as rk, ruralkit.datasets as d; "
        "print(rk.load_trust_survey().shape); print(d.data_dir())"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r}); {code}"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    )
    shape, where = result.stdout.split("\n")[:2]
    assert shape == "(4320, 26)"
    assert Path(where) == site / "ruralkit" / "_data"


def test_import_is_light():
    code = (
        "import sys, ruralkit; "
        "print(' '.join(m for m in ('pandas', 'matplotlib', 'sklearn', 'statsmodels', 'scipy')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == ""
