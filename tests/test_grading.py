"""Tests of ruralkit.grading: variants, the grader, the gradebook and feedback files.

The main test grades the 20 prepared submissions in ``tests/submissions`` (made by
``make_submissions.py``: right, partly wrong, empty, syntax error, infinite loop,
kernel crashes, deleted and reordered cells, exit calls, file writes, variants,
a damaged file, tampering) and compares the gradebook with ``expected.csv``.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
import socket
import threading
import time
from pathlib import Path

import pytest

from ruralkit import grading
from ruralkit.i18n import RuralkitError

ROOT = Path(__file__).resolve().parents[1]
SUBMISSIONS = ROOT / "tests" / "submissions"
STUDENT = ROOT / "exercises" / "00_start_here.ipynb"
QUESTIONS = [f"q{i}" for i in range(1, 9)]


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


# =========================================================================== variants
def test_variant_seed_is_deterministic_and_salted():
    a = grading.variant_seed("s001", salt="qingshan-2025")
    assert a == grading.variant_seed("s001", salt="qingshan-2025")
    assert a != grading.variant_seed("s001", salt="other-course")
    assert a != grading.variant_seed("s002", salt="qingshan-2025")
    seeds = {grading.variant_seed(f"s{i:03d}") for i in range(200)}
    assert len(seeds) == 200 and all(100_000 <= s <= 999_999 for s in seeds)


def test_read_roster_utf8_gbk_and_errors(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name\ns001,张三\ns002,李四\n", encoding="utf-8")
    assert grading.read_roster(roster)[1] == {"student_id": "s002", "name": "李四"}
    roster.write_bytes("student_id,name\ns001,王五\n".encode("gbk"))
    assert grading.read_roster(roster)[0]["name"] == "王五"
    roster.write_text("id,name\ns001,A\n", encoding="utf-8")
    with pytest.raises(RuralkitError, match="needs a column 'student_id'"):
        grading.read_roster(roster)
    roster.write_text("student_id,name\ns001,A\ns001,B\n", encoding="utf-8")
    with pytest.raises(RuralkitError, match="lines 2 and 3"):
        grading.read_roster(roster)
    roster.write_text("student_id,name\n../x,A\n", encoding="utf-8")
    with pytest.raises(RuralkitError, match="names a folder"):
        grading.read_roster(roster)


def test_make_variants_writes_one_notebook_per_student(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name\ns001,张三\ns002,李四\n", encoding="utf-8")
    rows = grading.make_variants(roster, set_key="00", out_dir=tmp_path / "out", salt="t")
    assert [r["student_id"] for r in rows] == ["s001", "s002"]
    nb = grading.read_notebook(tmp_path / "out" / "s001" / STUDENT.name)
    seed = grading.variant_seed("s001", salt="t")
    assert nb["metadata"]["ruralkit"] == {
        "exercise_set": "00", "student_id": "s001", "variant_seed": seed,
    }
    first_code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    assert f"rk.set_variant({seed})" in first_code["source"]
    assert "set_variant(None)" not in first_code["source"]
    assert "张三" in nb["cells"][0]["source"]
    seeds = (tmp_path / "out" / "seeds.csv").read_text(encoding="utf-8")
    assert "s002" in seeds and "李四" not in seeds
    # the same roster and salt give the same files
    before = _tree_digest(tmp_path / "out")
    grading.make_variants(roster, set_key="00", out_dir=tmp_path / "out", salt="t")
    assert _tree_digest(tmp_path / "out") == before


# =========================================================================== kernel side
def test_kernel_grade_writes_a_result_file(tmp_path):
    out = tmp_path / "grade.json"
    grading.kernel_grade(
        "00", namespace={}, seed=None, language="zh", hidden=True, out=str(out), token="t1"
    )
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["token"] == "t1" and result["ok"] is True
    assert [q["question"] for q in result["questions"]] == QUESTIONS
    assert "还没有定义" in result["questions"][0]["message"]
    grading.kernel_grade(
        "42", namespace={}, seed=None, language="en", hidden=True, out=str(out), token="t2"
    )
    assert json.loads(out.read_text(encoding="utf-8"))["ok"] is False


def test_feedback_markdown_in_both_languages():
    result = grading.GradeResult(
        "x.ipynb", "s007", "00", 123456, "error", 3.0,
        questions=[
            {"question": "q1", "title": "Load", "status": "correct", "points": 1.0,
             "max_points": 1.0, "message": "Well done.", "hidden": []},
            {"question": "q2", "title": "Count", "status": "incorrect", "points": 0.0,
             "max_points": 1.0, "message": "This is the number of columns.", "hidden": []},
            {"question": "q8", "title": "Chart", "status": "correct", "points": 1.0,
             "max_points": 2.0, "message": "Well done.",
             "hidden": [{"passed": False, "description": "bars show the counts"}]},
        ],
    )
    text = grading.feedback_markdown(result, "en")
    assert "**Score: 2 / 4**" in text and "data version 123456" in text
    assert "number of columns" in text and "bars show the counts" in text
    assert "Some cells of your notebook raised errors" in text
    assert "得分: 2 / 4" in grading.feedback_markdown(result, "zh")


# =========================================================================== the class of 20
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
    assert len([k for k in fresh if k.endswith(".ipynb")]) == 20


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    out = tmp_path_factory.mktemp("grades") / "gradebook.csv"
    before = _tree_digest(SUBMISSIONS)
    start = time.monotonic()
    results = grading.grade([SUBMISSIONS], out=out, timeout=10, jobs=2, progress=False)
    elapsed = time.monotonic() - start
    return {"out": out, "results": results, "elapsed": elapsed, "before": before}


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
    assert rows["s01-correct.ipynb"]["max_points"] == "9"
    assert rows["s15-variant.ipynb"]["student_id"] == "s15-variant"
    assert rows["s15-variant.ipynb"]["variant_seed"] == str(
        grading.variant_seed("s15-variant", salt="tests")
    )
    assert rows["s01-correct.ipynb"]["variant_seed"] == ""
    assert "SyntaxError" in rows["s06-syntax-error.ipynb"]["notes"]
    assert "crashed in cell" in rows["s08-kernel-exit.ipynb"]["notes"]
    assert "10 s limit" in rows["s07-infinite-loop.ipynb"]["notes"]


def test_grading_is_bounded_in_time(graded):
    assert graded["elapsed"] < 150, graded["elapsed"]
    for result in graded["results"]:
        assert result.seconds < 60, (result.file, result.seconds)


def test_submissions_are_never_modified(graded):
    assert _tree_digest(SUBMISSIONS) == graded["before"]
    assert not (SUBMISSIONS.parent / "escape.txt").exists()


def test_feedback_files_beside_the_gradebook(graded):
    folder = graded["out"].with_name("gradebook_feedback")
    files = sorted(p.name for p in folder.glob("*.md"))
    assert len(files) == 20 and "s03-partly-wrong.md" in files
    text = (folder / "s03-partly-wrong.md").read_text(encoding="utf-8")
    assert "**Score: 7 / 9**" in text
    assert "number of columns" in text and "unweighted mean" in text
    zh = (folder / "s02-correct-zh.md").read_text(encoding="utf-8")
    assert "Everything is right" in zh


# =========================================================================== sandbox
def test_graded_notebooks_have_no_network(tmp_path):
    """A submission cannot reach a server on this machine's loopback (new network namespace)."""
    prefix, description = grading._sandbox_prefix()
    if not prefix:
        pytest.skip(f"no network isolation on this machine: {description}")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    port = server.getsockname()[1]
    accepted: list[int] = []

    def serve():
        server.settimeout(20)
        try:
            conn, _ = server.accept()
            accepted.append(1)
            conn.close()
        except OSError:
            pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    nb = grading.read_notebook(STUDENT)
    answer = next(c for c in nb["cells"] if c.get("id") == "q2-answer")
    answer["source"] = (
        "import socket\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {port}), timeout=3).close()\n"
        "    n_villages = -1\n"
        "except OSError:\n"
        "    n_villages = len(rk.load_villages())\n"
    )
    path = tmp_path / "net.ipynb"
    path.write_text(grading.notebook_text(nb), encoding="utf-8")
    [result] = grading.grade([path], out=None, timeout=30, progress=False)
    server.close()
    points = {q["question"]: q["points"] for q in result.questions}
    assert points["q2"] == 1, result
    assert not accepted


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
    _, result = grading._inspect(path, None)
    assert (result.student_id, result.variant_seed, result.set_key) == ("s001", 123456, "00")
    assert result.notes == []
    # metadata lost by another editor: the seed is read from the set_variant line
    del nb["metadata"]["ruralkit"]["variant_seed"], nb["metadata"]["ruralkit"]["student_id"]
    path.write_text(grading.notebook_text(nb), encoding="utf-8")
    _, result = grading._inspect(path, None)
    assert (result.student_id, result.variant_seed) == ("s001", 123456)
    assert "read from the notebook's code" in result.notes[0]
    # a notebook copied from another student
    copied = grading.personalise(grading.read_notebook(STUDENT), student_id="s001", seed=1)
    other = tmp_path / "s002.ipynb"
    other.write_text(grading.notebook_text(copied), encoding="utf-8")
    _, result = grading._inspect(other, None)
    assert "says student s001 but the file path says s002" in result.notes[0]
    results = [grading.GradeResult("a", "s001", "00", None, "ok", 1.0),
               grading.GradeResult("b", "s001", "00", None, "ok", 1.0)]
    grading._flag_duplicates(results)
    assert all("2 submissions have student id s001" in r.notes for r in results)
