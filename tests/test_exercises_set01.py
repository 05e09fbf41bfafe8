"""Tests of exercise set 01 (``ruralkit.exercises.set01``, notebook ``01_trust_survey``).

Every question is checked three ways, as for set 00 (``test_exercises.py``): the
master's solution passes, known wrong answers fail with their specific message, and
the untouched placeholder says "not attempted". The student notebook is executed and
must show "Not attempted" for every check. Answers must follow the learner's data
variant (question 7 even flips between the bundled county and variant 12345), and
the real grader, which checks the answers outside the kernel, gives a solved
variant notebook full marks.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

from notebook_helpers import check_outputs, run_notebook  # noqa: E402

import ruralkit as rk  # noqa: E402
from ruralkit import grading  # noqa: E402
from ruralkit.exercises import (  # noqa: E402
    PLACEHOLDER,
    ValueProblem,
    get_set,
    list_sets,
    set01,
)

ROOT = Path(__file__).resolve().parents[1]
MASTER = ROOT / "exercises" / "source" / "01_trust_survey.ipynb"
STUDENT = ROOT / "exercises" / "01_trust_survey.ipynb"
SET = set01.exercise_set
LABELS = SET.labels
VARIANT = 12345  # a variant in which question 7 has the other answer


@pytest.fixture(autouse=True)
def _english_and_bundled():
    rk.set_language("en")
    rk.set_variant(None)
    yield
    rk.set_language("en")
    rk.set_variant(None)


def _solve(seed: int | None) -> dict:
    """Namespace after the set's setup code and every solution, in order, for ``seed``."""
    rk.set_variant(seed)
    ns: dict = {}
    exec(SET.setup, ns)
    for problem in SET.problems().values():
        exec(problem.solution, ns)
    return ns


@pytest.fixture(scope="module")
def solved() -> dict:
    rk.set_variant(None)
    ns = _solve(None)
    rk.set_variant(None)
    return ns


def _result(views, label, value):
    """Check ``value`` (a tuple of values for a question with several variables)."""
    n_vars = len(views[label].problem.var_names)
    return views[label].result(*(value if n_vars > 1 else (value,)))


# Known wrong answers: (question, code giving the answer, fragment of the message)
WRONG = [
    ("q1", "survey", "is a table"),
    ("q1", "Design", "`Design` itself"),
    ("q1", "Design(survey, strata=['year', 'township_id'], cluster='village_id', nest=True)",
     "no weights"),
    ("q1", "Design(survey, weights='age', strata=['year', 'township_id'], "
           "cluster='village_id', nest=True)", "not the survey weights"),
    ("q1", "Design(survey, weights='weight', cluster='village_id')", "no strata"),
    ("q1", "Design(survey, weights='weight', strata='township_id', cluster='village_id')",
     "townships only"),
    ("q1", "Design(survey, weights='weight', strata='year', cluster='village_id', nest=True)",
     "years only"),
    ("q1", "Design(survey, weights='weight', strata=['year', 'township_id'])", "no clusters"),
    ("q1", "Design(survey, weights='weight', strata=['year', 'township_id'], "
           "cluster='respondent_id', nest=True)", "should be the villages"),
    ("q1", "Design(survey[survey.year == 2024], weights='weight', strata='township_id', "
           "cluster='village_id')", "holds 720 respondents"),
    ("q2", "survey.loc[survey.year == 2024, 'satisfied'].mean()", "unweighted share"),
    ("q2", "(lambda d: (d.satisfied.fillna(False) * d.weight).sum() / d.weight.sum())"
           "(survey[survey.year == 2024])", "don't know"),
    ("q2", "design.mean('satisfied')['estimate'].item()", "pools every survey wave"),
    ("q2", "survey['satisfied'].mean()", "unweighted and pools"),
    ("q2", "design.mean('sat_township', by='year').query('year == 2024')['estimate'].item()",
     "average score"),
    ("q2", "(lambda d: ((d.sat_township >= 3) * d.weight).sum() "
           "/ d.weight[d.sat_township.notna()].sum())(survey[survey.year == 2024])",
     "answer 3"),
    ("q2", "(lambda d: ((d.sat_township == 5) * d.weight).sum() "
           "/ d.weight[d.sat_township.notna()].sum())(survey[survey.year == 2024])",
     "only answer 5"),
    ("q2", "1 - sat_share_2024", "*not* satisfied"),
    ("q2", "sat_share_2024 * 100", "percentage"),
    ("q2", "round(sat_share_2024, 2)", "rounded"),
    ("q3", "Design(survey, weights='weight').mean('satisfied', by='year')"
           ".query('year == 2024')['se'].item()", "weights only"),
    ("q3", "(sat_share_2024 * (1 - sat_share_2024) "
           "/ survey.loc[survey.year == 2024, 'satisfied'].notna().sum()) ** 0.5",
     "textbook formula"),
    ("q3", "by_year.loc[by_year.year == 2024, 'ci_high'].item() - sat_share_2024",
     "half-width"),
    ("q3", "1.96 * sat_se_2024", "half-width"),
    ("q3", "design.mean('satisfied')['se'].item()", "all waves together"),
    ("q3", "design.mean('sat_township', by='year').query('year == 2024')['se'].item()",
     "average score"),
    ("q3", "sat_share_2024", "share itself"),
    ("q3", "by_year.loc[by_year.year == 2024, 'deff'].item()", "design effect"),
    ("q3", "sat_se_2024 ** 2", "variance"),
    ("q4", "(lambda d: ((d.trust_county <= 3) * d.weight).sum() "
           "/ d.weight[d.trust_county.notna()].sum())(survey[survey.year == 2024])",
     "answer 3"),
    ("q4", "(lambda d: ((d.trust_county == 1) * d.weight).sum() "
           "/ d.weight[d.trust_county.notna()].sum())(survey[survey.year == 2024])",
     "only answer 1"),
    ("q4", "1 - trust_county_2024", "*not* trust"),
    ("q4", "(survey.loc[survey.year == 2024, 'trust_county'] <= 2).mean()",
     "unweighted share"),
    ("q4", "(lambda d: ((d.trust_county <= 2) * d.weight).sum() / d.weight.sum())"
           "(raw[raw.year == 2024])", "refused\" as not trusting"),
    ("q4", "(lambda d: ((d.trust_township <= 2) * d.weight).sum() "
           "/ d.weight[d.trust_township.notna()].sum())(survey[survey.year == 2024])",
     "*township* government"),
    ("q4", "design.mean('trusts_county')['estimate'].item()", "pools every survey wave"),
    ("q5", "(lambda d: ((d.trust_province == 8).fillna(False) * d.weight).sum() "
           "/ d.weight.sum())(survey)", "cleaned table has no code 8"),
    ("q5", "float('nan')", "cleaned table has no code 8"),
    ("q5", "(raw.trust_province == 8).mean()", "unweighted share"),
    ("q5", "(lambda d: (d.trust_province.isna() * d.weight).sum() / d.weight.sum())(survey)",
     "\"refused\" (9) as well"),
    ("q5", "raw_design.mean('dk_province', by='year').query('year == 2024')['estimate'].item()",
     "2024 only"),
    ("q5", "survey.trust_province.isna().mean()", "and it is unweighted"),
    ("q5", "(lambda d: ((d.trust_county == 8) * d.weight).sum() / d.weight.sum())(raw)",
     "*county* government"),
    ("q5", "dk_province * 100", "percentage"),
    ("q6", "tuple(design.difference('satisfied', between='year', levels=(2023, 2022), "
           "by='township_id').set_index('township_id').loc['T05', ['estimate', 'ci_low', "
           "'ci_high']])", "wrong way round"),
    ("q6", "tuple(Design(survey, weights='weight').difference('satisfied', between='year', "
           "levels=(2022, 2023), by='township_id').set_index('township_id')"
           ".loc['T05', ['estimate', 'ci_low', 'ci_high']])", "too narrow"),
    ("q6", "(change_t05, high_t05, low_t05)", "swapped"),
    ("q6", "tuple(design.difference('satisfied', between='year', levels=(2022, 2023))"
           ".loc[0, ['estimate', 'ci_low', 'ci_high']])", "whole county"),
    ("q6", "tuple(change.set_index('township_id').loc['T03', ['estimate', 'ci_low', "
           "'ci_high']])", "another township"),
    ("q6", "tuple(design.difference('satisfied', between='year', levels=(2023, 2024), "
           "by='township_id').set_index('township_id').loc['T05', ['estimate', 'ci_low', "
           "'ci_high']])", "another pair of years"),
    ("q6", "tuple(design.difference('sat_township', between='year', levels=(2022, 2023), "
           "by='township_id').set_index('township_id').loc['T05', ['estimate', 'ci_low', "
           "'ci_high']])", "average score"),
    ("q6", "(t05['estimate_b'], low_t05, high_t05)", "not the change"),
    ("q6", "(lambda t: (t[t.year == 2023].satisfied.mean() - t[t.year == 2022].satisfied"
           ".mean(), low_t05, high_t05))(survey[survey.township_id == 'T05'])",
     "unweighted change"),
    ("q6", "(change_t05 * 100, low_t05 * 100, high_t05 * 100)", "percentage"),
    ("q6", "(change_t05, low_t05, 0.5)", "`high_t05` is 0.5"),
    ("q7", "not beyond_chance", "one side of zero"),  # the bundled county: True
    ("q7", "t05['p_value']", "is a number"),
    ("q7", "'yes'", "should be True or False"),
    ("q8", "drivers.summary_frame().set_index('term').loc['fairness', 'estimate']",
     "log-odds"),
    ("q8", "design.glm(formula).summary_frame().set_index('term').loc['fairness', 'estimate']",
     "linear regression"),
    ("q8", "drivers.summary_frame().set_index('term').loc['corruption', 'odds_ratio']",
     "*corruption*"),
    ("q8", "drivers.summary_frame().set_index('term').loc['fairness', 'or_ci_low']",
     "one end"),
    ("q8", "design.glm('trusts_township ~ fairness', family='binomial').summary_frame()"
           ".set_index('term').loc['fairness', 'odds_ratio']", "fairness alone"),
    ("q8", "round(or_fairness, 2)", "rounded"),
    ("q9", "suppress_small_cells(design.mean('satisfied', by=['village_id', 'year']), "
           "min_n=50)", "*and year*"),
    ("q9", "suppress_small_cells(design.mean('satisfied', by='township_id'), min_n=50)",
     "by township"),
    ("q9", "by_village", "not suppressed yet"),
    ("q9", "suppress_small_cells(by_village, min_n=30)", "default threshold of 30"),
    ("q9", "safe['suppressed']", "is a Series"),
    ("q9", "safe.drop(columns='village_id')", "no column `village_id`"),
]


# =========================================================================== self-tests
def test_set01_is_registered():
    assert list_sets() == ["00", "01"]
    assert get_set("01") is SET and get_set(1) is SET
    assert SET.notebook == MASTER.stem == STUDENT.stem
    assert len(LABELS) == 9 and SET.max_points == 10


@pytest.mark.parametrize("label", LABELS)
def test_set01_solution_passes(solved, label):
    SET.views(solved)[label].assert_check_passed()


@pytest.mark.parametrize("label", LABELS)
def test_set01_placeholder_is_not_attempted(solved, label):
    views = SET.views(solved)
    values = [PLACEHOLDER] * len(views[label].problem.var_names)
    result = views[label].result(*values)
    assert result.status == "not_attempted"
    assert "____" in result.text("en") and "____" in result.text("zh")


@pytest.mark.parametrize(
    ("label", "code", "fragment"), WRONG, ids=[f"{w[0]}-{w[2]}" for w in WRONG]
)
def test_set01_wrong_answers_fail_with_their_message(solved, label, code, fragment):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # Design without weights warns
        value = eval(code, dict(solved))
    result = _result(SET.views(solved), label, value)
    assert result.status == "incorrect", result
    assert fragment in result.text("en"), result.text("en")
    assert result.text("zh") and result.text("zh") != result.text("en")


def test_every_set01_question_has_hints_a_solution_a_title_and_a_wrong_answer_test():
    assert {w[0] for w in WRONG} == set(LABELS)
    field = re.compile(r"{(\w+)")
    for label, problem in SET.problems().items():
        assert problem.hints and problem.solution, label
        assert problem.title.render("zh") != problem.title.render("en"), label
        for hint in problem.hints:
            assert hint.render("en") != hint.render("zh"), (label, hint)
        for mistake in getattr(problem, "_mistakes", ()):
            texts = dict(mistake.message)  # {"en": ..., "zh": ...}
            assert set(texts) == {"en", "zh"} and texts["en"] != texts["zh"], label
            assert set(field.findall(texts["en"])) == set(field.findall(texts["zh"])), label
        if isinstance(problem, ValueProblem) and label != "q7":
            assert problem._mistakes, f"{label} recognises no mistakes"


def test_set01_hidden_test_catches_scores_instead_of_shares(solved):
    ns = dict(solved)
    ns["safe"] = set01.suppress_small_cells(
        ns["design"].mean("sat_township", by="village_id"), min_n=set01.MIN_N
    )
    rows = {r["question"]: r for r in SET.grade(ns)}
    assert rows["q9"]["status"] == "correct"
    assert rows["q9"]["points"] == 1 and rows["q9"]["max_points"] == 2
    assert rows["q9"]["hidden"][0]["passed"] is False
    assert sum(r["points"] for r in rows.values()) == 9
    rows = {r["question"]: r for r in SET.grade(dict(solved))}
    assert sum(r["points"] for r in rows.values()) == 10


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


def test_set01_answers_follow_the_variant(solved):
    """Expected answers come from the learner's data: another variant, other answers."""
    variant = _solve(VARIANT)
    views = SET.views(variant)
    for label in LABELS:
        views[label].assert_check_passed()
    for name in ("sat_share_2024", "sat_se_2024", "trust_county_2024", "dk_province",
                 "change_t05", "low_t05", "high_t05", "or_fairness"):
        assert not math.isclose(variant[name], solved[name], rel_tol=1e-6), name
    assert variant["safe"]["suppressed"].sum() != solved["safe"]["suppressed"].sum()
    # question 7 flips: Longquan's change stands out in the bundled county, not here
    assert solved["beyond_chance"] is True and variant["beyond_chance"] is False
    result = views["q7"].result(True)
    assert result.status == "incorrect" and "contains zero" in result.text("en")
    # the bundled county's numbers, typed in, are wrong for this student
    for label, name in (("q2", "sat_share_2024"), ("q5", "dk_province"), ("q8", "or_fairness")):
        views[label].assert_check_failed(solved[name])
    views["q6"].assert_check_failed(solved["change_t05"], solved["low_t05"], solved["high_t05"])
    views["q9"].assert_check_failed(solved["safe"])
    # and the bundled county's answers pass again when its data is back
    rk.set_variant(None)
    for label in LABELS:
        SET.views(solved)[label].assert_check_passed()


# =========================================================================== notebooks
def _cells(path):
    return grading.read_notebook(path)["cells"]


def test_set01_master_solutions_match_the_checkers():
    master_code = "\n".join(c["source"] for c in _cells(MASTER) if c["cell_type"] == "code")
    for label, problem in SET.problems().items():
        for line in problem.solution.splitlines():
            assert line.strip() in master_code, (label, line)
    # the setup the tests run is what the master's given cells do
    for line in SET.setup.splitlines():
        if not line.startswith("formula"):
            assert line.strip() in master_code, line


def test_set01_student_notebook_has_every_question_and_no_solution():
    cells = _cells(STUDENT)
    code = "\n".join(c["source"] for c in cells if c["cell_type"] == "code")
    for label, problem in SET.problems().items():
        assert f"{label}.check()" in code
        for var in problem.var_names:
            assert f"{var} = ____" in code
        for line in problem.solution.splitlines():
            assert line.strip() not in code, line
    assert "INSTRUCTOR" not in json.dumps(cells) and "assert_check" not in code
    assert all(c.get("outputs", []) == [] for c in cells if c["cell_type"] == "code")
    assert grading.read_notebook(STUDENT)["metadata"]["ruralkit"] == {"exercise_set": "01"}


def test_set01_student_notebook_is_a_fresh_build(tmp_path):
    grading.build(MASTER.parent, tmp_path)
    assert (tmp_path / STUDENT.name).read_bytes() == STUDENT.read_bytes()


def test_set01_student_notebook_runs_and_says_not_attempted(tmp_path):
    checks = check_outputs(run_notebook(STUDENT, tmp_path))
    assert sorted(checks) == sorted(LABELS)
    for label, text in checks.items():
        assert "Not attempted" in text, (label, text)


def test_set01_solved_variant_gets_full_marks_from_the_grader(tmp_path):
    """The real grader (fresh kernel, ruralkit re-imported) on a solved notebook of a
    variant, next to an untouched one: 10 / 10 and 0 / 10."""
    master = grading.read_notebook(MASTER)
    solved_nb = dict(master, cells=[c for c in master["cells"]
                                    if not grading._is_instructor_cell(c)])
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
    assert solved_result.total == solved_result.max_points == 10, solved_result.questions
    assert empty_result.status == "ok" and empty_result.total == 0
    assert {q["status"] for q in empty_result.questions} == {"not_attempted"}


# =========================================================================== review fixes
def _rows_fingerprint(frame):
    """What a Design depends on: the rows, their order, weights, strata and clusters."""
    columns = ["weight", "year", "township_id", "village_id"]
    return frame.index.tolist(), frame[columns].astype(str).values.tolist()


def test_set01_solutions_never_change_the_rows_of_survey():
    """K: after `design` is built, the solutions add columns to `survey` but never sort,
    drop or filter its rows, change its weights or rebind it (Design refuses a changed
    table, and a rebound `survey` would hide new columns from `design`)."""
    rk.set_variant(None)
    ns: dict = {}
    exec(SET.setup, ns)
    problems = list(SET.problems().values())
    exec(problems[0].solution, ns)
    survey, before = ns["survey"], _rows_fingerprint(ns["survey"])
    columns = set(survey.columns)
    for problem in problems[1:]:
        exec(problem.solution, ns)
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
    assert "holds the table `survey` itself" not in text
    assert "Add the column to `survey` itself" in text and "do not sort `survey`" in text
    assert "不要对 `survey` 排序" in text
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
