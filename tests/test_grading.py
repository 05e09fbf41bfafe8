"""Tests of ruralkit.grading as a whole: a class of submissions graded, gradebook and feedback.

The parts have their own files (tests/test_grading_<module>.py).

The main test grades the 22 prepared submissions in ``tests/submissions`` (made by
``make_submissions.py``: right, partly wrong, empty, syntax error, infinite loop,
kernel crashes, deleted and reordered cells, exit calls, file writes inside and
outside the grader's folder, variants, a damaged file, tampering with ruralkit and
with numpy/pandas) and compares the gradebook with ``expected.csv``.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import re
import time
from pathlib import Path

import pytest

from ruralkit import grading

ROOT = Path(__file__).resolve().parents[1]
SUBMISSIONS = ROOT / "tests" / "submissions"
QUESTIONS = [f"q{i}" for i in range(1, 11)]
# Long enough for a chart cell in a fresh kernel on a loaded 2-core machine; s07's endless
# loop is stopped at CELL_TIMEOUT, well before the notebook's limit.
CELL_TIMEOUT, NOTEBOOK_TIMEOUT = 20, 120


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


# =========================================================================== the class of 22
def _load_maker():
    spec = importlib.util.spec_from_file_location(
        "make_submissions", SUBMISSIONS / "make_submissions.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_prepared_submissions_are_up_to_date(tmp_path):
    _load_maker().main(tmp_path)
    fresh = _tree_digest(tmp_path)
    committed = {k: v for k, v in _tree_digest(SUBMISSIONS).items() if k in fresh}
    assert fresh == committed, "run `python tests/submissions/make_submissions.py`"
    assert len([k for k in fresh if k.endswith(".ipynb")]) == 22


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    out = tmp_path_factory.mktemp("grades") / "gradebook.csv"
    outside = tmp_path_factory.mktemp("outside")  # where s21 tries to write
    outside.chmod(0o755)
    before = _tree_digest(SUBMISSIONS)
    start = time.monotonic()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RURALKIT_TEST_OUTSIDE", str(outside))
        results = grading.grade([SUBMISSIONS], out=out, timeout=NOTEBOOK_TIMEOUT,
                                cell_timeout=CELL_TIMEOUT, jobs=2, progress=False)
    elapsed = time.monotonic() - start
    return {"out": out, "results": results, "elapsed": elapsed, "before": before,
            "outside": outside}


def test_gradebook_matches_the_expected_one(graded):
    expected = {row["file"]: row for row in _read_csv(SUBMISSIONS / "expected.csv")}
    rows = {Path(row["file"]).name: row for row in _read_csv(graded["out"])}
    assert sorted(rows) == sorted(expected)
    mismatches = []
    for name, want in expected.items():
        got = rows[name]
        for column in ["status", *QUESTIONS, "total"]:
            if got[column] != want[column]:
                mismatches.append(f"{name}: {column} = {got[column]!r}, expected {want[column]!r}"
                                  f" (notes: {got['notes']})")
    assert not mismatches, "\n".join(mismatches)


def test_gradebook_columns_ids_and_seeds(graded):
    rows = {Path(row["file"]).name: row for row in _read_csv(graded["out"])}
    header = list(next(iter(rows.values())))
    assert header == ["file", "student_id", "set", "variant_seed", *QUESTIONS, "total",
                      "max_points", "status", "seconds", "notes"]
    assert rows["s01-correct.ipynb"]["student_id"] == "s01-correct"
    assert rows["s01-correct.ipynb"]["max_points"] == "11"
    assert rows["s15-variant.ipynb"]["student_id"] == "s15-variant"
    assert rows["s15-variant.ipynb"]["variant_seed"] == str(
        grading.variant_seed("s15-variant", salt="tests")
    )
    assert rows["s01-correct.ipynb"]["variant_seed"] == ""
    assert "SyntaxError" in rows["s06-syntax-error.ipynb"]["notes"]
    assert "kernel crashed in a cell added in question 2" in rows["s08-kernel-exit.ipynb"]["notes"]
    stopped = f"was still running after {CELL_TIMEOUT} s and was stopped"
    assert stopped in rows["s07-infinite-loop.ipynb"]["notes"]


def test_grading_is_bounded_by_its_limits(graded):
    """No notebook outlives the notebook limit (an endless loop, a hung kernel are cut off)."""
    for result in graded["results"]:
        assert result.seconds < NOTEBOOK_TIMEOUT, (result.file, result.seconds)


def test_submissions_are_never_modified(graded):
    assert _tree_digest(SUBMISSIONS) == graded["before"]
    assert not (SUBMISSIONS.parent / "escape.txt").exists()


def test_feedback_files_beside_the_gradebook(graded):
    folder = graded["out"].with_name("gradebook_feedback")
    files = sorted(p.name for p in folder.glob("*.md"))
    assert len(files) == 22 and "s03-partly-wrong.md" in files
    text = (folder / "s03-partly-wrong.md").read_text(encoding="utf-8")
    assert "**Score: 9 / 11**" in text
    assert "number of columns" in text and "unweighted mean" in text
    zh = (folder / "s02-correct-zh.md").read_text(encoding="utf-8")
    assert "Everything is right" in zh


# =========================================================================== review fixes
def _rows(graded):
    return {Path(row["file"]).name: row for row in _read_csv(graded["out"])}


def _feedback(graded, name):
    folder = graded["out"].with_name("gradebook_feedback")
    return (folder / name).read_text(encoding="utf-8")


def _ran_as_separate_user(graded) -> bool:
    return not any("not as a separate user" in n for r in graded["results"] for n in r.notes)


def test_monkeypatching_numpy_and_pandas_cannot_change_the_verdict(graded):
    """A: the answers are checked outside the kernel that patched math/numpy/pandas."""
    row = _rows(graded)["s22-monkeypatch.ipynb"]
    assert (row["status"], row["total"]) == ("ok", "4"), row  # q1, q2, q9 and q10 are right
    assert "unweighted mean" in _feedback(graded, "s22-monkeypatch.md")


def test_writes_outside_the_grader_folder_fail_when_run_as_another_user(graded):
    """A: run as a user of its own, a notebook cannot write where the grader may."""
    assert _rows(graded)["s21-writes-outside.ipynb"]["total"] == "11"
    if not _ran_as_separate_user(graded):
        pytest.skip("the grader is not root here: notebooks run as the grader's user")
    assert list(graded["outside"].iterdir()) == []


def test_an_endless_loop_costs_only_its_own_cell(graded):
    """B: the loop is stopped at the cell time limit; later answers still count."""
    result = next(r for r in graded["results"] if r.file.endswith("s07-infinite-loop.ipynb"))
    assert result.status == "timeout" and result.total == 11, result
    assert result.seconds < NOTEBOOK_TIMEOUT


def test_notes_and_feedback_name_cells_by_question(graded):
    """G and D: "the answer cell of question 3", never "cell 15"; a failed defining cell
    is named in the feedback instead of "not defined yet. Run the cell"."""
    rows = _rows(graded)
    assert "errors in: the answer cell of question 3 (SyntaxError)" in (
        rows["s06-syntax-error.ipynb"]["notes"])
    assert "the answer cell of question 5 (KeyError)" in rows["s18-runtime-error.ipynb"]["notes"]
    assert not any(re.search(r"\bcell \d+\b", r["notes"]) for r in rows.values())
    text = _feedback(graded, "s06-syntax-error.md")
    assert ("`total_population` is not defined, because the cell that sets it (the answer cell "
            "of question 3) stopped with an error (SyntaxError") in text
    assert "Run the cell where you write" not in text
    # the setup cell was deleted: the answer cells fail, and the feedback says how
    assert ("`villages` is not defined, because the cell that sets it (the answer cell of "
            "question 1) stopped with an error (NameError: name 'rk' is not defined)"
            ) in _feedback(graded, "s11-deleted-setup.md")


def test_feedback_of_an_unreadable_file_names_the_file(graded):
    """H: no empty "# Feedback: " title."""
    text = _feedback(graded, "s17-truncated.md")
    assert text.startswith("# Feedback: s17-truncated.ipynb\n")
    assert "File: `s17-truncated.ipynb`" in text


def test_the_instructor_guide_says_what_the_grader_does_not_protect():
    """A: the guide claims no more than the grader does, in both languages."""
    raw = (ROOT / "exercises" / "README.md").read_text(encoding="utf-8")
    text = " ".join(raw.split())  # line breaks are the editor's
    zh = "".join(raw.split())
    assert "It is not a security boundary against a determined attacker" in text
    assert "not a virtual machine" in text
    assert "它不是安全边界" in zh and "不是虚拟机" in zh
    for claim in ("checked again **inside the kernel**", "在**内核中**用一份全新的检查代码"):
        assert claim not in text
    # what does not hold without namespaces, and per set-up, is said in both languages
    for fact in ("no: it reads what its user may read", "RURALKIT_GRADE_USER", "--cell-timeout",
                 "| protection | root on Linux | Linux without root, user namespaces allowed |"):
        assert fact in text, fact
    for fact in ("否：其用户能读的它都能读",
                 "|保护|Linux，root|Linux，没有root，允许用户命名空间|"):
        assert fact in zh, fact
