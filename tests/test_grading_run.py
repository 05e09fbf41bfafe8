"""Tests of ruralkit.grading.run: finding submissions, reading who handed in what."""

from __future__ import annotations

from pathlib import Path

import pytest

from ruralkit import grading
from ruralkit.grading import run
from ruralkit.i18n import RuralkitError

ROOT = Path(__file__).resolve().parents[1]
STUDENT = ROOT / "exercises" / "en" / "00_start_here.ipynb"


def test_grade_rejects_missing_files(tmp_path):
    with pytest.raises(RuralkitError, match="does not exist"):
        grading.grade([tmp_path / "nope.ipynb"], out=None, progress=False)
    with pytest.raises(RuralkitError, match="No notebooks"):
        grading.grade([tmp_path], out=None, progress=False)


def test_inspect_reads_ids_seeds_and_flags_doubtful_ones(tmp_path):
    nb = grading.personalise(grading.read_notebook(STUDENT), student_id="s001", seed=123456)
    folder = tmp_path / "s001"
    folder.mkdir()
    path = folder / STUDENT.name
    path.write_text(grading.notebook_text(nb), encoding="utf-8")
    _, result = run._inspect(path, None)
    assert (result.student_id, result.variant_seed, result.set_key) == ("s001", 123456, "00")
    assert result.notes == []
    # metadata lost by another editor: the seed is read from the set_variant line
    del nb["metadata"]["ruralkit"]["variant_seed"], nb["metadata"]["ruralkit"]["student_id"]
    path.write_text(grading.notebook_text(nb), encoding="utf-8")
    _, result = run._inspect(path, None)
    assert (result.student_id, result.variant_seed) == ("s001", 123456)
    assert "read from the notebook's code" in result.notes[0]
    # a notebook copied from another student: filed under the student who handed it in
    copied = grading.personalise(grading.read_notebook(STUDENT), student_id="s001", seed=1)
    other = tmp_path / "s002.ipynb"
    other.write_text(grading.notebook_text(copied), encoding="utf-8")
    _, result = run._inspect(other, None)
    assert result.student_id == "s002" and result.variant_seed == 1
    assert "notebook metadata says s001" in result.notes[0]
    results = [grading.GradeResult("a", "s001", "00", None, "ok", 1.0),
               grading.GradeResult("b", "s001", "00", None, "ok", 1.0)]
    run._flag_duplicates(results)
    assert all("2 submissions have student id s001" in r.notes for r in results)


def test_a_copied_notebook_is_filed_under_who_handed_it_in(tmp_path):
    """I: s005 hands in s001's notebook: row and feedback file are s005's, with a note."""
    nb = grading.personalise(grading.read_notebook(STUDENT), student_id="s001", seed=123456)
    for sid in ("s001", "s005"):
        (tmp_path / sid).mkdir()
        (tmp_path / sid / STUDENT.name).write_text(grading.notebook_text(nb), encoding="utf-8")
    results = [run._inspect(p, None)[1]
               for p in grading.collect_submissions([tmp_path])]
    assert [r.student_id for r in results] == ["s001", "s005"]
    assert results[0].notes == [] and results[1].notes == ["notebook metadata says s001 (a "
                                                           "notebook copied from another "
                                                           "student?)"]
    zh = run._inspect(tmp_path / "s005" / STUDENT.name, None, "zh")[1]
    assert "学号是 s001" in zh.notes[0]
    grading.write_feedback(results, tmp_path / "fb")
    assert sorted(p.name for p in (tmp_path / "fb").iterdir()) == ["s001.md", "s005.md"]
    assert "`s005`" in (tmp_path / "fb" / "s005.md").read_text(encoding="utf-8")
    assert run._id_from_path(Path("x/s007_00_start_here.ipynb"), "00_start_here") == "s007"
    assert run._id_from_path(Path("s008/00_start_here (1).ipynb"), "00_start_here") == "s008"
    assert run._id_from_path(Path("x/s009.ipynb"), "00_start_here") == "s009"


def test_unreadable_and_setless_notebooks_are_not_run(tmp_path):
    bad = tmp_path / "s01.ipynb"
    bad.write_text("{", encoding="utf-8")
    nb, result = run._inspect(bad, None, "zh")
    assert nb is None and result.status == "invalid"
    assert result.notes[0].startswith("不是可读的笔记本：")
    nb = grading.read_notebook(STUDENT)
    del nb["metadata"]["ruralkit"]
    setless = tmp_path / "homework.ipynb"
    setless.write_text(grading.notebook_text(nb), encoding="utf-8")
    nb, result = run._inspect(setless, None)
    assert nb is None and result.notes == ["cannot tell which exercise set this is; pass --set"]
    nb, result = run._inspect(setless, "00")
    assert nb is not None and (result.set_key, result.student_id) == ("00", "homework")


def test_the_worker_is_started_by_its_grading_module():
    """The worker entry point is grading's own (exercises never imports grading)."""
    assert run.WORKER_MODULE == "ruralkit.grading.worker"
    import importlib.util

    assert importlib.util.find_spec(run.WORKER_MODULE) is not None
    assert importlib.util.find_spec("ruralkit.exercises._worker") is None
