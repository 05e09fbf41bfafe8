"""Set 01's own behaviours (``ruralkit.exercises.set01``, notebook ``01_trust_survey``).

What every set must do (the master's solutions pass, the content file's wrong
answers get their messages, the placeholder is "not attempted", variants, the
student notebook) is tested for all sets in ``test_exercise_sets.py``. Here:
question 7 flips between the bundled county and variant 12345 (question 10
with variant 42), the design is recognised by its structure and checked from
facts taken out of the kernel, and the real grader gives a solved variant
notebook full marks.
"""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path

import pytest

import ruralkit as rk
from ruralkit import grading
from ruralkit.exercises import get_set, list_sets, set01

ROOT = Path(__file__).resolve().parents[1]
MASTER = ROOT / "exercises" / "source" / "01_trust_survey.ipynb"
STUDENT = ROOT / "exercises" / "en" / "01_trust_survey.ipynb"
SET = set01.exercise_set
LABELS = SET.labels
VARIANT = 12345  # a variant in which question 7 has the other answer


@pytest.fixture(scope="module")
def solved() -> dict:
    ns = SET.solve(None)
    rk.set_variant(None)
    return ns


def test_set01_is_registered():
    assert list_sets()[:2] == ["00", "01"] and list_sets() == sorted(list_sets())
    assert get_set("01") is SET and get_set(1) is SET
    assert SET.notebook == MASTER.stem == STUDENT.stem
    assert len(LABELS) == 11 and SET.max_points == 12


def test_set01_design_is_recognised_by_its_structure(solved):
    """Another way of writing the same design is right; the check does not use isinstance
    (the grader re-imports ruralkit, so the learner's Design comes from an older module)."""
    views = SET.views(solved)
    same = set01.Design(solved["survey"], weights="weight", strata=["township_id", "year"],
                        cluster=["year", "village_id"])
    views["q1"].assert_check_passed(same)
    impostor = type("Design", (), {"degf": 144, "n_psu": 180, "n_strata": 36, "data": [],
                                   "weights_col": "weight", "weights": [1.0]})()
    assert views["q1"].result(impostor).status == "incorrect"


def test_set01_solved_variant_gets_full_marks_from_the_grader(tmp_path):
    """The real grader (fresh kernel, ruralkit re-imported) on a solved notebook of a
    variant, next to an untouched one: 12 / 12 and 0 / 12."""
    master = grading.read_notebook(MASTER)
    solved_nb = dict(master, cells=[c for c in master["cells"]
                                    if not grading.is_instructor_cell(c)])
    solved_nb = grading.personalise(solved_nb, student_id="s01", seed=VARIANT)
    (tmp_path / "s01.ipynb").write_text(grading.notebook_text(solved_nb), encoding="utf-8")
    empty = grading.personalise(grading.read_notebook(STUDENT), student_id="s02", seed=VARIANT)
    (tmp_path / "s02.ipynb").write_text(grading.notebook_text(empty), encoding="utf-8")
    results = grading.grade([tmp_path], out=None, timeout=60, jobs=2, progress=False)
    by_id = {r.student_id: r for r in results}
    solved_result, empty_result = by_id["s01"], by_id["s02"]
    assert solved_result.status == "ok", solved_result
    assert (solved_result.set_key, solved_result.variant_seed) == ("01", VARIANT)
    assert [q["question"] for q in solved_result.questions] == LABELS
    assert solved_result.total == solved_result.max_points == 12, solved_result.questions
    assert empty_result.status == "ok" and empty_result.total == 0
    assert {q["status"] for q in empty_result.questions} == {"not_attempted"}


def _rows_fingerprint(frame):
    """What a Design depends on: the rows, their order, weights, strata and clusters."""
    columns = ["weight", "year", "township_id", "village_id"]
    return frame.index.tolist(), frame[columns].astype(str).values.tolist()


def test_set01_solutions_never_change_the_rows_of_survey():
    """K: after `design` is built, the solutions add columns to `survey` but never sort,
    drop or filter its rows, change its weights or rebind it (Design refuses a changed
    table, and a rebound `survey` would hide new columns from `design`)."""
    from ruralkit.exercises.master import given_code, read_master

    rk.set_variant(None)
    cells = given_code(read_master(MASTER))
    start = next(i for i, c in enumerate(cells) if c.lstrip().startswith("### BEGIN SOLUTION"))
    ns: dict = {}
    for code in cells[: start + 1]:
        exec(code, ns)
    survey, before = ns["survey"], _rows_fingerprint(ns["survey"])
    columns = set(survey.columns)
    for code in cells[start + 1:]:
        exec(code, ns)
    assert ns["survey"] is survey and _rows_fingerprint(survey) == before
    assert {"satisfied", "trusts_county"} <= set(survey.columns) - columns
    # nor does any cell of the master after question 1, self-tests included
    cells = _cells(MASTER)
    start = next(i for i, c in enumerate(cells) if c.get("id") == "q1-answer")
    later = "\n".join(c["source"] for c in cells[start + 1:] if c["cell_type"] == "code")
    assert not re.search(r"^\s*survey\s*=(?!=)", later, re.M)
    assert not re.search(r"survey\.(sort_values|sort_index|drop|dropna|reset_index|set_index|"
                         r"query|pop)\([^)]*inplace\s*=\s*True", later)
    assert not re.search(r"\bsurvey\.(drop|sort_values|sort_index)\(", later)
    assert not re.search(r"survey\[\s*[\"']weight[\"']\s*\]\s*=(?!=)", later)


def test_set01_q2_guidance_matches_how_a_design_keeps_its_table():
    """K: q2 no longer says the design "holds the table `survey` itself"; it says to add
    the column to `survey` and not to change its rows or weights after building `design`."""
    text = next(c["source"] for c in _cells(MASTER) if c.get("id") == "q2-text")
    text_zh = next(c["source"] for c in _cells(MASTER) if c.get("id") == "q2-text-zh")
    assert "holds the table `survey` itself" not in text
    assert "Add the column to `survey` itself" in text and "do not sort `survey`" in text
    assert "不要对 `survey` 排序" in text_zh
    hint = set01.exercise_set.problems()["q2"].hints[1]
    assert "holds the table" not in hint.render("en") and "not to a copy" in hint.render("en")
    assert "不要对 `survey` 排序" in hint.render("zh")


def test_set01_design_is_checked_from_facts_taken_out_of_the_kernel(solved):
    """A: the grader checks q1 on DesignFacts; the class itself keeps its message."""
    from ruralkit.exercises.answers import dumps_value, loads_value

    views = SET.views(solved)
    problem = views["q1"].problem
    facts = loads_value(dumps_value(problem.export(solved["design"])))
    assert isinstance(facts, set01.DesignFacts)
    views["q1"].assert_check_passed(facts)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        no_clusters = set01.Design(solved["survey"], weights="weight",
                                   strata=["year", "township_id"])
    views["q1"].assert_check_failed(loads_value(dumps_value(problem.export(no_clusters))),
                                    contains="no clusters")
    cls = loads_value(dumps_value(problem.export(set01.Design)))
    views["q1"].assert_check_failed(cls, contains="`Design` itself")


def test_set01_missing_design_is_not_matched_with_the_design_class():
    """D: forgetting nest=True makes the q1 cell fail; q1.check() must not suggest `Design`."""
    ns = {"Design": set01.Design, "suppress_small_cells": set01.suppress_small_cells,
          "rk": rk, "survey": object()}
    result = SET.views(ns)["q1"].result()
    assert "Did you mean" not in result.text("en") and "`Design`" not in result.text("en")
    assert "stopped with an error" in result.text("en")


def _cells(path):
    return grading.read_notebook(path)["cells"]


def test_set01_answers_differ_and_q7_flips_in_another_variant(solved):
    """The answers depend on the data: in variant 12345 every number is another, and
    Longquan's change stands out in the bundled county but not there (the bundled
    answers typed in fail there: test_exercise_sets.py)."""
    variant = SET.solve(VARIANT)
    for name in ("sat_share_2024", "sat_se_2024", "trust_county_2024", "dk_province",
                 "change_t05", "low_t05", "high_t05", "or_fairness"):
        assert not math.isclose(variant[name], solved[name], rel_tol=1e-6), name
    assert variant["safe"]["suppressed"].sum() != solved["safe"]["suppressed"].sum()
    assert solved["beyond_chance"] is True and variant["beyond_chance"] is False
    rk.set_variant(VARIANT)
    result = SET.views(variant)["q7"].result(True)
    assert result.status == "incorrect" and "contains zero" in result.text("en")
    assert "包含 0" in result.text("zh")


RISE_VARIANT = 42  # a variant in which Chengguan's 2020 -> 2021 interval lies above zero


def test_set01_q10_verdict_follows_the_learners_interval(solved):
    """Chengguan's "+9": B (the interval contains zero) in the bundled county, A in variant
    42; the letter right in one county is wrong in the other, with the option's own reason."""
    variant = SET.solve(RISE_VARIANT)
    assert solved["answer_q10"] == "B" and variant["answer_q10"] == "A"
    assert solved["t01"]["ci_low"] < 0 < solved["t01"]["ci_high"]
    assert variant["t01"]["ci_low"] > 0
    rk.set_variant(RISE_VARIANT)
    views = SET.views(variant)
    views["q10"].assert_check_passed("a", variant["change_t01"])
    result = views["q10"].result("B", variant["change_t01"])
    assert result.status == "incorrect" and "contains zero only when" in result.text("en")
    assert "才包含零" in result.text("zh")
