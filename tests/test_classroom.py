"""The classroom set-up: JupyterLab in Chinese by default, and ruralkit.bat (Windows
without make) installing the same thing as the Makefile.

No Windows here, so the .bat tests read the two files: the same constraints file, the
same extras, the same JupyterLab defaults file and place, a wheelhouse the build really
makes, and line endings cmd.exe reads safely.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import tomllib
from pathlib import Path

import json5
import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[1]
BAT = (ROOT / "ruralkit.bat").read_bytes().decode("ascii")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")

_spec = importlib.util.spec_from_file_location("wheelhouse", ROOT / "guide" / "wheelhouse.py")
wheelhouse = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("wheelhouse", wheelhouse)
_spec.loader.exec_module(wheelhouse)


def _bat_set(name: str) -> str:
    (value,) = re.findall(rf'^set "{name}=([^"]*)"\r$', BAT, flags=re.MULTILINE)
    return value


def _make_install_line() -> str:
    (line,) = [ln for ln in MAKEFILE.splitlines() if "pip install" in ln and "--editable" in ln]
    return line


def test_same_extras_as_the_makefile_and_the_wheelhouse():
    (make_extras,) = re.findall(r'--editable "\.\[([a-z,]+)\]"', _make_install_line())
    assert _bat_set("EXTRAS") == make_extras == wheelhouse.EXTRAS
    assert '--editable ".[%EXTRAS%]"' in BAT


def test_same_constraints_file_as_the_makefile():
    (make_constraints,) = re.findall(r"--constraint (\S+)", _make_install_line())
    assert _bat_set("CONSTRAINTS") == make_constraints == "constraints.txt"
    assert "--constraint %CONSTRAINTS% --constraint %WINDOWS_CONSTRAINTS%" in BAT
    windows = _bat_set("WINDOWS_CONSTRAINTS")
    assert (windows,) == wheelhouse.PLATFORM_EXTRAS["windows"]
    pins = [ln.split("#")[0].strip() for ln in (ROOT / windows).read_text().splitlines()]
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][^ ]*", p) for p in pins if p)


def test_the_install_is_redone_when_the_makefile_would_redo_it():
    (make_deps,) = re.findall(r"^\$\(STAMP\): (.+)$", MAKEFILE, flags=re.MULTILINE)
    for dep in make_deps.split():
        assert f"'{dep}'" in BAT, dep
    assert "'constraints-windows.txt'" in BAT


def test_same_jupyterlab_defaults_in_the_same_place():
    (make_target,) = re.findall(r"^LAB_OVERRIDES := (\S+)$", MAKEFILE, flags=re.MULTILINE)
    bat_target = _bat_set("LAB_OVERRIDES").replace("\\", "/") + "/ruralkit.json5"
    assert bat_target == make_target.replace("$(VENV)", ".venv")
    assert "VENV   := .venv" in MAKEFILE
    assert "cp .jupyter/overrides.json5 $(LAB_OVERRIDES)" in MAKEFILE
    assert 'copy /y ".jupyter\\overrides.json5" "%LAB_OVERRIDES%\\ruralkit.json5"' in BAT


def test_the_wheelhouse_folder_is_the_one_make_wheelhouse_builds():
    assert _bat_set("WHEELHOUSE") == "wheelhouse\\windows"
    assert "windows" in wheelhouse.PLATFORMS
    assert "--no-index --find-links %WHEELHOUSE%" in BAT
    assert "WHEELHOUSE ?= $(wildcard wheelhouse/linux)" in MAKEFILE
    assert "PIP_SOURCE := $(if $(WHEELHOUSE),--no-index --find-links $(WHEELHOUSE))" in MAKEFILE


def test_it_opens_the_course_index_and_tests_as_make_does():
    assert _bat_set("START") == "notebooks\\index.ipynb"
    assert "$(BIN)/jupyter lab $(ROOT_FLAG) notebooks/index.ipynb" in MAKEFILE
    (make_pytest,) = re.findall(r"^\t\$\(BIN\)/python -m pytest(.*)$", MAKEFILE, flags=re.MULTILINE)
    assert f'"%VPY%" -m pytest{make_pytest}\r\n' in BAT


def test_it_names_the_mirrors():
    for mirror in ("https://pypi.tuna.tsinghua.edu.cn/simple", "https://mirrors.aliyun.com/pypi/"):
        assert mirror in BAT
    assert "PIP_INDEX_URL" in MAKEFILE


def test_crlf_line_endings_and_labels_that_exist():
    # cmd.exe mis-finds labels in LF-only files; .gitattributes keeps CRLF on checkout.
    assert "\n" not in BAT.replace("\r\n", "")
    assert "*.bat text eol=crlf" in (ROOT / ".gitattributes").read_text()
    labels = set(re.findall(r"^:(\w+)\r$", BAT, flags=re.MULTILINE))
    used = set(re.findall(r"(?:goto|call) :(\w+)", BAT))
    assert used <= labels, used - labels


def test_jupyterlab_reads_the_defaults_and_opens_in_chinese(tmp_path):
    settings_utils = pytest.importorskip("jupyterlab_server.settings_utils")
    (tmp_path / "overrides.d").mkdir()
    (tmp_path / "overrides.d" / "ruralkit.json5").write_text(
        (ROOT / ".jupyter" / "overrides.json5").read_text(encoding="utf-8"), encoding="utf-8")
    overrides, error = settings_utils._get_overrides(str(tmp_path))
    assert error == ""
    assert overrides["@jupyterlab/translation-extension:plugin"]["locale"] == "zh_CN"


def test_the_defaults_are_valid_jupyterlab_settings():
    schemas = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas"
    if not schemas.is_dir():
        pytest.skip(f"JupyterLab's schemas are not installed here ({schemas})")
    overrides = json5.loads((ROOT / ".jupyter" / "overrides.json5").read_text(encoding="utf-8"))
    for plugin, values in overrides.items():
        package, name = plugin.split(":")
        schema = json.loads((schemas / package / f"{name}.json").read_text(encoding="utf-8"))
        jsonschema.validate(values, schema)
        assert set(values) <= set(schema["properties"]), plugin


def test_the_chinese_language_pack_is_installed_and_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert any(r.startswith("jupyterlab-language-pack-zh-CN")
               for r in project["optional-dependencies"]["lab"])
    pins = (ROOT / "constraints.txt").read_text().splitlines()
    assert any(p.startswith("jupyterlab-language-pack-zh-CN==") for p in pins)
