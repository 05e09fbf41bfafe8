"""Tests of ruralkit.grading.notebooks: reading notebooks with clear errors, stable writes."""

from __future__ import annotations

import json
import re

import pytest

import ruralkit as rk
from ruralkit import grading
from ruralkit.grading.notebooks import write_if_changed
from ruralkit.i18n import RuralkitError


@pytest.mark.parametrize(
    ("text", "english", "chinese"),
    [
        ("{", "not a readable notebook (JSONDecodeError", "不是可读的笔记本"),
        ('{"cells": {}}', "not a Jupyter notebook (no list of cells)", "不是 Jupyter 笔记本"),
        ('{"cells": [], "nbformat": 3}', "notebook format 3; expected 4", "笔记本格式为 3"),
        ('{"cells": [{}], "nbformat": 4}', "a cell has no cell_type", "文件已损坏"),
    ],
)
def test_read_notebook_errors_name_the_file_in_the_current_language(tmp_path, text, english,
                                                                   chinese):
    path = tmp_path / "s01.ipynb"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuralkitError, match=re.escape(english)) as info:
        grading.read_notebook(path)
    assert str(path) in str(info.value)
    rk.set_language("zh")
    with pytest.raises(RuralkitError, match=chinese):
        grading.read_notebook(path)


def test_read_notebook_joins_sources(tmp_path):
    path = tmp_path / "x.ipynb"
    cells = [{"cell_type": "code", "source": ["a = 1\n", "b = 2"]}]
    path.write_text(json.dumps({"cells": cells, "nbformat": 4}), encoding="utf-8")
    assert grading.read_notebook(path)["cells"][0]["source"] == "a = 1\nb = 2"


def test_write_if_changed_touches_nothing_when_the_text_is_the_same(tmp_path):
    path = tmp_path / "sub" / "x.ipynb"
    assert write_if_changed(path, "one\n") is True
    before = path.stat().st_mtime_ns
    assert write_if_changed(path, "one\n") is False and path.stat().st_mtime_ns == before
    assert write_if_changed(path, "two\n") is True and path.read_bytes() == b"two\n"
    assert not list(tmp_path.glob("sub/*.tmp"))


def test_notebook_set_key_from_metadata_or_file_name():
    assert grading.notebook_set_key({"metadata": {"ruralkit": {"exercise_set": 1}}}) == "01"
    assert grading.notebook_set_key({"metadata": {}}, "x/02_income.ipynb") == "02"
    assert grading.notebook_set_key({"metadata": {"ruralkit": "x"}}, "homework.ipynb") is None
