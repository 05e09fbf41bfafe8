"""Tests of ruralkit.grading.variants: seeds, rosters (as Excel saves them), variant notebooks."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ruralkit import grading
from ruralkit.i18n import RuralkitError

ROOT = Path(__file__).resolve().parents[1]
STUDENT = ROOT / "exercises" / "en" / "00_start_here.ipynb"


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


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
    rows = grading.make_variants(roster, set_key="00", out_dir=tmp_path / "out", salt="t",
                                student_dir=STUDENT.parent)
    assert [r["student_id"] for r in rows] == ["s001", "s002"]
    nb = grading.read_notebook(tmp_path / "out" / "s001" / STUDENT.name)
    seed = grading.variant_seed("s001", salt="t")
    assert nb["metadata"]["ruralkit"] == {
        "exercise_set": "00", "student_id": "s001", "variant_seed": seed, "language": "en",
    }
    first_code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    assert f"rk.set_variant({seed})" in first_code["source"]
    assert "set_variant(None)" not in first_code["source"]
    assert "张三" in nb["cells"][0]["source"]
    seeds = (tmp_path / "out" / "seeds.csv").read_text(encoding="utf-8")
    assert "s002" in seeds and "李四" not in seeds
    # the same roster and salt give the same files
    before = _tree_digest(tmp_path / "out")
    grading.make_variants(roster, set_key="00", out_dir=tmp_path / "out", salt="t",
                                student_dir=STUDENT.parent)
    assert _tree_digest(tmp_path / "out") == before


def test_personalised_notebook_texts_are_in_both_languages():
    """The texts a variant notebook gets come from the catalogue, written as before."""
    nb = grading.personalise(grading.read_notebook(STUDENT), student_id="s001", seed=123456,
                             name="张三")
    assert nb["cells"][0]["source"] == (
        "**Student / 学员:** 张三 · `s001` · data version / 数据版本 123456")
    first_code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    assert ("rk.set_variant(123456)  # your own data version: do not change / "
            "您专属的数据版本，请勿修改") in first_code["source"]


def test_make_variants_without_a_student_notebook_says_what_to_run(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id\ns001\n", encoding="utf-8")
    with pytest.raises(RuralkitError, match="Run `ruralkit exercises build` first"):
        grading.make_variants(roster, set_key="7", out_dir=tmp_path / "out",
                              student_dir=tmp_path)


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


def test_roster_errors_for_an_empty_roster_in_both_languages(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("", encoding="utf-8")
    with pytest.raises(RuralkitError) as info:
        grading.read_roster(roster)
    assert "found columns: none." in str(info.value) and "找到的列：无。" in str(info.value)
    roster.write_text("学号,姓名\n\n", encoding="utf-8")
    with pytest.raises(RuralkitError) as info:
        grading.read_roster(roster)
    assert str(info.value) == f"{roster}: the roster has no students.\n{roster}：名单中没有学员。"
