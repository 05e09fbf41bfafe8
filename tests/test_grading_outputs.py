"""Tests of ruralkit.grading.outputs: folders made before grading, files never through links."""

from __future__ import annotations

import os
import stat

import pytest

from ruralkit.grading import run
from ruralkit.grading.outputs import OutputFolder
from ruralkit.i18n import RuralkitError


def test_out_folders_are_made_by_the_grader_before_any_notebook_runs(tmp_path):
    out = tmp_path / "not" / "yet" / "gradebook.csv"
    book, feedback = run._output_folders(out, True)
    try:
        for folder in (out.parent, out.with_name("gradebook_feedback")):
            info = os.lstat(folder)
            assert stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid()
            assert stat.S_IMODE(info.st_mode) & 0o022 == 0  # no one else may write there
        assert feedback is not None and feedback.path == out.with_name("gradebook_feedback")
    finally:
        book.close()
        feedback.close()
    assert run._output_folders(None, True) == (None, None)


def test_a_link_as_the_feedback_folder_stops_grading_before_it_starts(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "gradebook_feedback").symlink_to(elsewhere)
    with pytest.raises(RuralkitError, match="the gradebook and feedback cannot be written"):
        run._output_folders(tmp_path / "out" / "gradebook.csv", True)
    assert list(elsewhere.iterdir()) == []


def test_a_folder_swapped_for_a_link_after_opening_is_still_the_one_written(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with OutputFolder(tmp_path / "out") as folder:
        (tmp_path / "out").rename(tmp_path / "moved")
        (tmp_path / "out").symlink_to(elsewhere)
        folder.write("gradebook.csv", b"x")
    assert list(elsewhere.iterdir()) == []
    assert (tmp_path / "moved" / "gradebook.csv").read_bytes() == b"x"


def test_writes_replace_a_link_and_leave_no_temporary_file(tmp_path):
    decoy = tmp_path / "decoy"
    decoy.write_bytes(b"keep")
    with OutputFolder(tmp_path / "out") as folder:
        (tmp_path / "out" / "a.md").symlink_to(decoy)
        folder.write("a.md", b"new")
        with pytest.raises(ValueError):
            folder.write("../a.md", b"new")
        (tmp_path / "out" / "b.md").mkdir()
        with pytest.raises(OSError):
            folder.write("b.md", b"new")
    assert decoy.read_bytes() == b"keep" and (tmp_path / "out" / "a.md").read_bytes() == b"new"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.md", "b.md"]


def test_a_folder_everyone_may_write_is_refused_unless_sticky(tmp_path):
    open_to_all = tmp_path / "open"
    open_to_all.mkdir()
    open_to_all.chmod(0o777)
    with pytest.raises(RuralkitError, match="writable by every user"):
        run._output_folders(open_to_all / "gradebook.csv", False)
    open_to_all.chmod(0o1777)  # sticky, as /tmp: no one may rename another's files
    book, _ = run._output_folders(open_to_all / "gradebook.csv", False)
    book.close()


def test_links_to_the_out_folder_are_followed_only_if_the_grader_or_root_made_them(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "mine").symlink_to(real)  # the instructor's own link (macOS: /tmp)
    with OutputFolder(tmp_path / "mine") as folder:
        folder.write("gradebook.csv", b"x")
    assert (real / "gradebook.csv").read_bytes() == b"x"
    if os.geteuid() != 0:
        pytest.skip("a link owned by another user needs root to make")
    planted = tmp_path / "planted"
    planted.symlink_to(real)
    os.lchown(planted, 1_600_000_123, 1_600_000_123)  # as a graded kernel's user
    with pytest.raises(RuralkitError, match="a link made by another user"):
        run._output_folders(planted / "gradebook.csv", True)
