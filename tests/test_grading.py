"""Tests of ruralkit.grading: variants, the grader, the gradebook and feedback files.

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
import json
import re
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
    roster.write_text("number,name\ns001,A\n", encoding="utf-8")
    with pytest.raises(RuralkitError, match="needs a column with the student ids"):
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


# =========================================================================== checking side
def test_check_answers_checks_in_this_process():
    rows = grading.check_answers("00", {}, seed=None, language="zh", hidden=True)
    assert [q["question"] for q in rows] == QUESTIONS
    assert "还没有定义" in rows[0]["message"]
    rows = grading.check_answers("00", {"n_villages": 60}, seed=None, language="en",
                                 hidden=True)
    assert rows[1]["status"] == "correct"
    with pytest.raises(RuralkitError):
        grading.check_answers("42", {}, seed=None, language="en", hidden=True)


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
        results = grading.grade([SUBMISSIONS], out=out, timeout=30, cell_timeout=4, jobs=2,
                                progress=False)
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
    assert rows["s01-correct.ipynb"]["max_points"] == "9"
    assert rows["s15-variant.ipynb"]["student_id"] == "s15-variant"
    assert rows["s15-variant.ipynb"]["variant_seed"] == str(
        grading.variant_seed("s15-variant", salt="tests")
    )
    assert rows["s01-correct.ipynb"]["variant_seed"] == ""
    assert "SyntaxError" in rows["s06-syntax-error.ipynb"]["notes"]
    assert "kernel crashed in a cell added in question 2" in rows["s08-kernel-exit.ipynb"]["notes"]
    assert "was still running after 4 s and was stopped" in rows["s07-infinite-loop.ipynb"]["notes"]


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
    assert len(files) == 22 and "s03-partly-wrong.md" in files
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
    # a notebook copied from another student: filed under the student who handed it in
    copied = grading.personalise(grading.read_notebook(STUDENT), student_id="s001", seed=1)
    other = tmp_path / "s002.ipynb"
    other.write_text(grading.notebook_text(copied), encoding="utf-8")
    _, result = grading._inspect(other, None)
    assert result.student_id == "s002" and result.variant_seed == 1
    assert "notebook metadata says s001" in result.notes[0]
    results = [grading.GradeResult("a", "s001", "00", None, "ok", 1.0),
               grading.GradeResult("b", "s001", "00", None, "ok", 1.0)]
    grading._flag_duplicates(results)
    assert all("2 submissions have student id s001" in r.notes for r in results)


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
    assert (row["status"], row["total"]) == ("ok", "2"), row
    assert "unweighted mean" in _feedback(graded, "s22-monkeypatch.md")


def test_writes_outside_the_grader_folder_fail_when_run_as_another_user(graded):
    """A: run as a user of its own, a notebook cannot write where the grader may."""
    assert _rows(graded)["s21-writes-outside.ipynb"]["total"] == "9"
    if not _ran_as_separate_user(graded):
        pytest.skip("the grader is not root here: notebooks run as the grader's user")
    assert list(graded["outside"].iterdir()) == []


def test_an_endless_loop_costs_only_its_own_cell(graded):
    """B: the loop is stopped at the cell time limit; later answers still count."""
    result = next(r for r in graded["results"] if r.file.endswith("s07-infinite-loop.ipynb"))
    assert result.status == "timeout" and result.total == 9, result
    assert result.seconds < 30


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


def test_a_copied_notebook_is_filed_under_who_handed_it_in(tmp_path):
    """I: s005 hands in s001's notebook: row and feedback file are s005's, with a note."""
    nb = grading.personalise(grading.read_notebook(STUDENT), student_id="s001", seed=123456)
    for sid in ("s001", "s005"):
        (tmp_path / sid).mkdir()
        (tmp_path / sid / STUDENT.name).write_text(grading.notebook_text(nb), encoding="utf-8")
    results = [grading._inspect(p, None)[1]
               for p in grading.collect_submissions([tmp_path])]
    assert [r.student_id for r in results] == ["s001", "s005"]
    assert results[0].notes == [] and results[1].notes == ["notebook metadata says s001 (a "
                                                           "notebook copied from another "
                                                           "student?)"]
    zh = grading._inspect(tmp_path / "s005" / STUDENT.name, None, "zh")[1]
    assert "学号是 s001" in zh.notes[0]
    grading.write_feedback(results, tmp_path / "fb")
    assert sorted(p.name for p in (tmp_path / "fb").iterdir()) == ["s001.md", "s005.md"]
    assert "`s005`" in (tmp_path / "fb" / "s005.md").read_text(encoding="utf-8")
    assert grading._id_from_path(Path("x/s007_00_start_here.ipynb"), "00_start_here") == "s007"
    assert grading._id_from_path(Path("s008/00_start_here (1).ipynb"), "00_start_here") == "s008"
    assert grading._id_from_path(Path("x/s009.ipynb"), "00_start_here") == "s009"


@pytest.mark.parametrize(
    ("header", "encoding"),
    [("学号,姓名", "utf-8-sig"), ("学号,姓名", "gbk"), ("ID,Name", "utf-8"),
     ("Student ID,Student Name", "utf-8"), ("student,name", "utf-8"), ("学号\t姓名", "gbk")],
)
def test_read_roster_accepts_chinese_and_other_headers(tmp_path, header, encoding):
    """J: an Excel export with 学号/姓名 (BOM or GBK) is a roster."""
    sep = "\t" if "\t" in header else ","
    roster = tmp_path / "roster.csv"
    roster.write_bytes(f"{header}\ns001{sep}张三\ns002{sep}李四\n\n".encode(encoding))
    assert grading.read_roster(roster) == [{"student_id": "s001", "name": "张三"},
                                           {"student_id": "s002", "name": "李四"}]


def test_roster_errors_name_the_file_and_the_columns_in_both_languages(tmp_path):
    roster = tmp_path / "名单.csv"
    roster.write_text("序号,姓名\n1,张三\n", encoding="utf-8")
    with pytest.raises(RuralkitError) as info:
        grading.read_roster(roster)
    text = str(info.value)
    assert str(roster) in text and "'序号', '姓名'" in text and "'student_id'" in text
    assert "名单需要一列学号" in text and "找到的列：'序号'、'姓名'" in text
    roster.write_text("学号,姓名\ns001,张三\n,李四\n", encoding="utf-8")
    with pytest.raises(RuralkitError, match="line 3: empty student id") as info:
        grading.read_roster(roster)
    assert "第 3 行：学号" in str(info.value)


def test_the_answer_reader_refuses_code_and_foreign_files(tmp_path):
    """A: a crafted answer file cannot run code in the grader."""
    import base64
    import os
    import pickle

    from ruralkit.exercises import answers

    marker = tmp_path / "ran.txt"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    with pytest.raises(pickle.UnpicklingError):
        answers.loads_value(pickle.dumps(Evil()))
    assert not marker.exists()
    payload = {"token": "t", "names": ["n_village", "os.system"],
               "answers": {"n_villages": {"state": "value", "type": "Evil",
                                          "pickle": base64.b64encode(pickle.dumps(Evil()))
                                          .decode()},
                           "villages": {"state": "placeholder"}}}
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    values, placeholders, names = answers.read_answers(str(path), "t")
    assert values["n_villages"].unreadable and placeholders == {"villages"}
    assert names == ["n_village"] and not marker.exists()
    with pytest.raises(answers.AnswerFileError, match="not written by this grading run"):
        answers.read_answers(str(path), "other token")
    link = tmp_path / "link.json"
    link.symlink_to(path)
    with pytest.raises(answers.AnswerFileError):
        answers.read_answers(str(link), "t")


def test_kernel_runs_as_its_own_user_or_says_why_not(tmp_path, monkeypatch):
    """A: as root, the kernel runs as another user; otherwise the gradebook says so."""
    nb = grading.read_notebook(STUDENT)
    answer = next(c for c in nb["cells"] if c.get("id") == "q2-answer")
    answer["source"] = "import os\nn_villages = -1 if os.getuid() == 0 else len(rk.load_villages())"
    path = tmp_path / "uid.ipynb"
    path.write_text(grading.notebook_text(nb), encoding="utf-8")
    user = grading._kernel_user(grading._sandbox_prefix()[0])
    if user.mode == "same":
        pytest.skip(f"no separate user here: {user.reason}")
    [result] = grading.grade([path], out=None, timeout=30, progress=False)
    assert {q["question"]: q["points"] for q in result.questions}["q2"] == 1, result
    assert not any("separate user" in n for n in result.notes)
    monkeypatch.setenv("RURALKIT_GRADE_USER", "same")
    [result] = grading.grade([path], out=None, timeout=30, progress=False)
    assert any("not as a separate user (RURALKIT_GRADE_USER=same)" in n for n in result.notes)


def test_the_instructor_guide_says_what_the_grader_does_not_protect():
    """A: the guide claims no more than the grader does, in both languages."""
    text = (ROOT / "exercises" / "README.md").read_text(encoding="utf-8")
    assert "It is not a security boundary against a\ndetermined attacker" in text
    assert "它不是针对蓄意攻击者的\n安全边界" in text
    for claim in ("checked again **inside the kernel**", "在**内核中**用一份全新的检查代码"):
        assert claim not in text
    for fact in ("can **read** every file that every user may read",
                 "可以**读取**所有用户都能读的文件", "RURALKIT_GRADE_USER", "--cell-timeout"):
        assert fact in text
