"""Tests of ruralkit.exercises.scaffold and `ruralkit exercises new`: a new set builds
and self-tests at once."""

from __future__ import annotations

import nbformat
import pytest
from notebook_helpers import check_outputs

from ruralkit.cli import main
from ruralkit.exercises import get_set, list_sets, set_folders
from ruralkit.exercises.scaffold import new_set, slug
from ruralkit.exercises.sets import PATH_VARIABLE
from ruralkit.i18n import RuralkitError


def test_slug():
    assert slug("Dispute trends, 2016-2024") == "dispute_trends_2016_2024"
    assert slug("纠纷") == "exercises"


def test_new_set_loads_and_passes_its_self_test(tmp_path, monkeypatch):
    new_set("96", "Counting", title_zh="计数", package_dir=tmp_path, source_dir=tmp_path / "source")
    monkeypatch.setenv(PATH_VARIABLE, str(tmp_path))
    set_folders()
    assert "96" in list_sets()
    exercise_set = get_set("96")
    assert exercise_set.title.render("zh") == "计数" and exercise_set.labels == ["q1"]
    exercise_set.self_test(exercise_set.solve())
    with pytest.raises(RuralkitError, match="already exists"):
        new_set("96", "Again", package_dir=tmp_path, source_dir=tmp_path / "source")
    with pytest.raises(RuralkitError, match="two digits"):
        new_set("7", "Bad", package_dir=tmp_path, source_dir=tmp_path / "source")


def test_the_command_scaffolds_runs_and_builds_a_set(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(PATH_VARIABLE, "")
    into = tmp_path / "sets"
    assert main(["exercises", "new", "95", "--title", "First set", "--title-zh", "第一套",
                 "--into", str(into)]) == 0
    assert "New exercise set 95" in capsys.readouterr().out
    master = nbformat.read(into / "source" / "95_first_set.ipynb", as_version=4)
    assert check_outputs(master) and "Correct ✓" in check_outputs(master)["q1"]
    for language, heading in (("zh", "# 练习 95 · 第一套"), ("en", "# Exercises 95 · First set")):
        student = (into / language / "95_first_set.ipynb").read_text("utf-8")
        assert "n_villages = ____" in student and "INSTRUCTOR" not in student
        assert heading in student and f'rk.set_language(\\"{language}\\")' in student
