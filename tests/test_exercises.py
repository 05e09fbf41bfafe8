"""Tests of ruralkit.exercises: comparisons, outcomes, views, exercise set 00, build.

Every question of set 00 is checked three ways (the issue's self-tests): the
master's solution passes, known wrong answers fail with their specific message,
and the untouched placeholder says "not attempted". The student notebook is
executed and must show "Not attempted" for every check; the committed student
notebook must equal a fresh build of its master.
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from notebook_helpers import check_outputs, run_notebook  # noqa: E402

import ruralkit as rk  # noqa: E402
from ruralkit import grading  # noqa: E402
from ruralkit.exercises import (  # noqa: E402
    PLACEHOLDER,
    ExerciseSet,
    HiddenTest,
    Incorrect,
    Mistake,
    PlotProblem,
    ThoughtExperiment,
    ValueProblem,
    compare,
    get_set,
    list_sets,
    set00,
)
from ruralkit.exercises.views import ProblemView  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MASTER = ROOT / "exercises" / "source" / "00_start_here.ipynb"
STUDENT = ROOT / "exercises" / "00_start_here.ipynb"


@pytest.fixture(autouse=True)
def _english_and_bundled():
    rk.set_language("en")
    rk.set_variant(None)
    yield
    rk.set_language("en")
    rk.set_variant(None)
    plt.close("all")


# =========================================================================== compare
@pytest.mark.parametrize(
    ("value", "expected", "fragment"),
    [
        (0.3 + 1e-12, 0.3, None),
        (np.float32(0.25), 0.25, None),
        (60.0, 60, None),
        (np.int64(60), 60, None),
        (30.0, 0.3, "percentage"),
        (0.003, 0.3, "proportion"),
        (3.46, 3.4567, "rounded"),
        ("60", 60, "not a number"),
        (pd.Series([60]), 60, "single value"),
        (None, 60, "None"),
        (len, 60, "function"),
        (True, 1, "should be a number"),
        (61, 60, "not the expected value"),
        (float("nan"), float("nan"), None),
    ],
)
def test_compare_numbers(value, expected, fragment):
    result = compare(value, expected, name="x")
    if fragment is None:
        assert result is None
    else:
        assert result is not None and fragment in result.render("en")


def test_compare_counts_do_not_guess_percentages():
    # 0.6 for a count of 60 is just wrong, not "a proportion"
    assert "proportion" not in compare(0.6, 60, name="n").render("en")


def test_compare_text_bool_and_sequences():
    assert compare(" Mountain ", "mountain", name="t") is None
    assert compare("Mountain", "mountain", name="t", case=True) is not None
    assert compare(np.bool_(True), True, name="b") is None
    assert "opposite" in compare(False, True, name="b").render("en")
    assert compare([3, 1, 2], [1, 2, 3], name="l") is None
    assert "order" in compare([3, 1, 2], [1, 2, 3], name="l", ordered=True).render("en")
    assert compare({"a", "b"}, {"b", "a"}, name="s") is None


def test_compare_series_is_order_and_dtype_insensitive():
    expected = pd.Series([1.5, 2.0], index=pd.Index(["T01", "T02"], name="township_id"))
    found = pd.Series([2, 1.5], index=["T02", "T01"], dtype="Float64", name="other")
    assert compare(found, expected, name="s") is None
    categorical = pd.Series([1.5, 2.0], index=pd.CategoricalIndex(["T01", "T02"]))
    assert compare(categorical, expected, name="s") is None
    assert "order" in compare(found, expected, name="s", ordered=True).render("en")


def test_compare_series_explains_what_differs():
    expected = pd.Series([1.5, 2.0, 3.0], index=pd.Index(["T01", "T02", "T03"], name="t"))
    wrong = expected.copy()
    wrong["T02"] = 9
    assert "at 'T02' you have 9, expected 2" in compare(wrong, expected, name="s").render("en")
    short = expected.drop("T03")
    text = compare(short, expected, name="s").render("en")
    assert "2 values" in text and "'T03'" in text
    numbered = expected.reset_index(drop=True)
    text = compare(numbered, expected, name="s", what="township").render("en")
    assert "reset_index" in text and "township" in text
    # groupby(...).mean().reset_index() is accepted: keys as a column
    assert compare(expected.reset_index(), expected, name="s") is None
    assert "single brackets" in compare(
        pd.DataFrame({"a": [1, 2], "b": [3, 4]}), expected, name="s"
    ).render("en")


def test_compare_frames_by_key_ignores_index_and_order():
    expected = pd.DataFrame({"village_id": ["V1", "V3"], "pop": [10, 30]}, index=[0, 2])
    found = expected.iloc[::-1].reset_index(drop=True).astype({"pop": "float64"})
    assert compare(found, expected, name="m", key="village_id") is None
    extra = found.assign(more=1)
    assert "not asked for" in compare(extra, expected, name="m", key="village_id").render("en")
    assert compare(extra, expected, name="m", key="village_id", extra_columns=True) is None
    missing = found.drop(columns="pop")
    assert "lacks" in compare(missing, expected, name="m", key="village_id").render("en")
    other_rows = pd.DataFrame({"village_id": ["V1", "V2"], "pop": [10, 20]})
    text = compare(other_rows, expected, name="m", key="village_id").render("en")
    assert "right number of rows" in text and "'V2'" in text and "'V3'" in text
    text = compare(found["pop"], expected, name="m", key="village_id").render("en")
    assert "double brackets" in text


# =========================================================================== engine and views
class _Count(ValueProblem):
    _var = "n"
    _title = {"en": "Count the villages", "zh": "数村"}
    _hints = [{"en": "first hint", "zh": "第一条"}, {"en": "second hint", "zh": "第二条"}]
    _solution = "n = len(villages)"
    _mistakes = (
        Mistake({"en": "that is the number of columns", "zh": "这是列数"}, value="columns"),
    )

    def expected(self):
        return len(self.data("villages"))

    def columns(self):
        return self.data("villages").shape[1]


class _Broken(ValueProblem):
    _var = "n"

    def expected(self):
        raise KeyError("no such table")


TINY = {"villages": pd.DataFrame({"village_id": ["V1", "V2", "V3"], "x": [1, 2, 3]})}


def _view(problem_cls=_Count, ns=None):
    namespace = ns if ns is not None else {}
    return ProblemView(problem_cls(TINY), label="q1", number=1, namespace=namespace)


def test_view_outcomes_and_messages():
    ns = {"n": PLACEHOLDER}
    q = _view(ns=ns)
    assert q.result().status == "not_attempted"
    ns["n"] = 3
    assert q.result().passed
    ns["n"] = 2
    result = q.result()
    assert result.status == "incorrect" and "columns" in result.text("en")
    assert result.text("zh") == "这是列数"
    ns["n"] = 4
    assert "not the expected value" in q.result().text("en")


def test_view_learner_mistakes_give_messages_not_tracebacks(capsys):
    q = _view(ns={"m": 3})
    result = q.result()
    assert result.status == "incorrect" and "`n` is not defined" in result.text("en")
    q = _view(ns={"nn": 3})
    assert "typed `nn`" in q.result().text("en")
    assert "stopped with an error" in q.result().text("en")
    # the checker itself failing is reported, not raised
    broken = _view(_Broken, ns={"n": 1})
    result = broken.result()
    assert result.status == "error" and "KeyError" in result.text("en")
    broken.check()
    assert "Could not check" in capsys.readouterr().out
    # wrong number of values given to check()
    assert "takes no arguments" in _view(ns={}).result(1, 2).text("en")


def test_view_display_hint_solution_and_typos(capsys):
    ns = {"n": 3}
    q = _view(ns=ns)
    q.check()
    out = capsys.readouterr().out
    assert "Question 1 — Correct ✓" in out
    assert "Correct ✓" in q.result()._repr_markdown_()
    q.hint()
    assert "Hint 1 of 2" in capsys.readouterr().out
    q.hint()
    out = capsys.readouterr().out
    assert "Hint 2 of 2" in out and "q1.solution()" in out
    q.hint()
    assert "Hint 2 of 2" in capsys.readouterr().out
    q.solution()
    assert "n = len(villages)" in capsys.readouterr().out
    assert "q1.check()" in repr(q.check)  # shown without brackets
    q.chek()
    assert "Did you mean `q1.check()`" in capsys.readouterr().out
    assert "q1.check()" in repr(q)
    with pytest.raises(AttributeError):
        q._private_thing  # noqa: B018
    rk.set_language("zh")
    q.check()
    assert "第 1 题 — 正确 ✓" in capsys.readouterr().out


def test_assert_helpers():
    q = _view(ns={"n": 3})
    q.assert_check_passed()
    q.assert_check_failed(2, contains="columns")
    q.assert_check_failed(2, contains="列数")
    q.assert_check_unattempted(PLACEHOLDER)
    with pytest.raises(AssertionError):
        q.assert_check_failed(3)
    with pytest.raises(AssertionError):
        q.assert_check_failed(2, contains="rows")
    with pytest.raises(AssertionError):
        q.assert_check_passed(4)


def test_thought_experiment_and_hidden_tests():
    class Think(ThoughtExperiment):
        _solution = "Roads, schools, ..."

    result = ProblemView(Think(), label="q2", number=2, namespace={}).result()
    assert result.status == "uncheckable" and "q2.solution()" in result.text("en")

    class WithHidden(_Count):
        _hidden_tests = (HiddenTest("is_int", {"en": "a whole number", "zh": "整数"}),)

        def is_int(self, value):
            if not isinstance(value, int):
                raise Incorrect("not an int")

    demo = ExerciseSet("99", "demo", [WithHidden], notebook="99_demo")
    rows = demo.grade({"n": 3}, data=TINY)
    assert rows[0]["points"] == 2 and rows[0]["max_points"] == 2
    rows = demo.grade({"n": 3.0}, data=TINY)
    assert rows[0]["points"] == 1 and rows[0]["hidden"][0]["passed"] is False
    rows = demo.grade({"n": PLACEHOLDER}, data=TINY)
    assert rows[0]["points"] == 0 and rows[0]["hidden"] == []
    assert demo.grade({"n": 3}, data=TINY, hidden=False)[0]["max_points"] == 1


def test_bind_defines_questions_and_placeholder_in_the_callers_namespace():
    ns: dict = {}
    views = set00.bind(ns, data=TINY)
    assert set(views) == {f"q{i}" for i in range(1, 9)}
    assert ns["____"] is PLACEHOLDER and ns["q1"] is views["q1"]
    assert list_sets() == ["00", "01"] and get_set(0) is set00.exercise_set
    with pytest.raises(rk.i18n.RuralkitError, match="Available sets: 00, 01"):
        get_set("42")


# =========================================================================== plots
class _Chart(PlotProblem):
    _var = "ax"
    _what = {"en": "one bar per year", "zh": "每年一根柱子"}
    _hidden_tests = (HiddenTest("bar_values", "bars show the counts"),)

    def expected_values(self):
        return pd.Series([5, 7, 9], index=[2022, 2023, 2024])

    def expected_count(self):
        return 3


def _chart_view(value):
    return ProblemView(_Chart(), label="q8", number=8, namespace={"ax": value}).result()


def test_plot_checks():
    counts = pd.Series([5, 7, 9], index=[2022, 2023, 2024])
    _, ax = plt.subplots()
    counts.plot.bar(ax=ax, title="Cases")
    assert _chart_view(ax).passed
    assert _chart_view(ax.figure).passed  # a Figure is fine too
    _chart_view(ax)  # horizontal bars are fine too
    _, barh = plt.subplots()
    counts.plot.barh(ax=barh, title="Cases")
    assert _chart_view(barh).passed
    _, untitled = plt.subplots()
    counts.plot.bar(ax=untitled)
    assert "no title" in _chart_view(untitled).text("en")
    _, lines = plt.subplots()
    counts.plot(ax=lines, title="Cases")
    assert "no bars" in _chart_view(lines).text("en")
    _, empty = plt.subplots()
    assert "empty" in _chart_view(empty).text("en")
    _, four = plt.subplots()
    pd.Series([1, 2, 3, 4], index=[1, 2, 3, 4]).plot.bar(ax=four, title="x")
    assert "4 bars; expected 3" in _chart_view(four).text("en")
    _, other = plt.subplots()
    pd.Series([5, 7, 9], index=["a", "b", "c"]).plot.bar(ax=other, title="x")
    assert "labelled a, b, c" in _chart_view(other).text("en")
    assert "None" in _chart_view(None).text("en")
    assert "chart" in _chart_view(counts).text("en")
    problem = _Chart()
    problem.bar_values(ax)
    _, flat = plt.subplots()
    flat.bar(["2022", "2023", "2024"], [1, 1, 1])
    with pytest.raises(Incorrect):
        problem.bar_values(flat)


# =========================================================================== set 00 self-tests
@pytest.fixture(scope="module")
def solved() -> dict:
    """Namespace after the set's setup code and every solution, in order."""
    matplotlib.use("Agg")
    rk.set_variant(None)
    ns: dict = {}
    exec(set00.exercise_set.setup, ns)
    for problem in set00.exercise_set.problems().values():
        exec(problem.solution, ns)
    return ns


LABELS = set00.exercise_set.labels

# Known wrong answers: (question, code giving the answer, fragment of the message)
WRONG = [
    ("q1", "rk.load_trust_survey()", "trust survey"),
    ("q1", "rk.load_disputes()", "dispute table"),
    ("q1", "rk.load_households()", "household panel"),
    ("q1", "None", "`villages` is `None`"),
    ("q2", "villages.shape[1]", "number of columns"),
    ("q2", "villages.shape", ".shape"),
    ("q2", "villages['township_id'].nunique()", "townships"),
    ("q2", "str(len(villages))", "not a number"),
    ("q2", "len", "function"),
    ("q3", "villages['population'].mean()", "average population"),
    ("q3", "villages['households'].sum()", "households, not people"),
    ("q3", "villages['population'].max()", "largest village"),
    ("q3", "villages['population'].sum", "brackets"),
    ("q4", "villages[villages['terrain'] == 'hill']", "hill villages"),
    ("q4", "villages[villages['terrain'] != 'mountain']", "*not* in the mountains"),
    ("q4", "villages['terrain'] == 'mountain'", "`villages[condition]`"),
    ("q4", "villages['terrain']", "double brackets"),
    ("q4", "villages[villages['terrain'] == 'mountain'][['village_id']]", "lacks"),
    ("q5", "villages.groupby('township_id')['distance_km'].sum()", "added up"),
    ("q5", "villages.groupby('township_id')['distance_km'].median()", "median"),
    ("q5", "villages.groupby('terrain')['distance_km'].mean()", "grouped by terrain"),
    ("q5", "villages.groupby('township_id')['distance_km'].count()", "counts the villages"),
    ("q5", "villages.groupby('township_id')['distance_km'].mean().values", "should be a Series"),
    ("q5", "villages.groupby('township_id')['distance_km'].mean().reset_index(drop=True)",
     "reset_index"),
    ("q6", "survey_2024['sat_township'].mean()", "unweighted mean"),
    ("q6", "(lambda d: (d.sat_township * d.weight).sum() / d.weight.sum())"
           "(survey[survey.year == 2024])", "don't know"),
    ("q6", "(lambda d: (d.sat_township * d.weight).sum() / d.weight.sum())"
           "(survey.dropna(subset=['sat_township']))", "every survey wave"),
    ("q6", "survey['sat_township'].mean()", "unweighted and uses every survey wave"),
    ("q6", "(lambda d: (d.sat_township * d.weight).sum() / d.weight.sum())"
           "(rk.load_trust_survey(raw=True).query('year == 2024'))", "code (8)"),
    ("q6", "round(sat_2024, 2)", "rounded"),
    ("q6", "sat_2024 * 100", "percentage"),
    ("q7", "len(households)", "counts rows, not households"),
    ("q7", "households['village_id'].nunique()", "number of villages"),
    ("q8", "None", "`ax` is `None`"),
    ("q8", "cases_per_year", "should be the chart"),
    ("q8", "cases_per_year.plot.bar()", "no title"),
    ("q8", "cases_per_year.plot(title='x')", "no bars"),
    ("q8", "disputes['dispute_type'].value_counts().plot.bar(title='x')", "labelled"),
    ("q8", "disputes.groupby(disputes['date_received'].dt.month).size().plot.bar(title='x')",
     "12 bars"),
    ("q8", "__import__('matplotlib.pyplot').pyplot.figure().gca().bar(cases_per_year.index, "
           "cases_per_year)", "plt.gca()"),
]


@pytest.mark.parametrize("label", LABELS)
def test_set00_solution_passes(solved, label):
    views = set00.exercise_set.views(solved)
    views[label].assert_check_passed()


@pytest.mark.parametrize("label", LABELS)
def test_set00_placeholder_is_not_attempted(solved, label):
    views = set00.exercise_set.views(solved)
    problem = views[label].problem
    values = [PLACEHOLDER] * len(problem.var_names)
    result = views[label].result(*values)
    assert result.status == "not_attempted"
    assert "____" in result.text("en") and "____" in result.text("zh")


@pytest.mark.parametrize(
    ("label", "code", "fragment"), WRONG, ids=[f"{w[0]}-{w[2]}" for w in WRONG]
)
def test_set00_wrong_answers_fail_with_their_message(solved, label, code, fragment):
    views = set00.exercise_set.views(solved)
    value = eval(code, dict(solved))
    result = views[label].result(value)
    assert result.status == "incorrect", result
    assert fragment in result.text("en"), result.text("en")
    assert result.text("zh") and result.text("zh") != result.text("en")


def test_every_question_has_hints_a_solution_a_title_and_a_wrong_answer_test():
    assert {w[0] for w in WRONG} == set(LABELS)
    for problem in set00.exercise_set.problems().values():
        assert problem.hints and problem.solution and problem.title.render("zh")
        for hint in problem.hints:
            assert hint.render("en") != hint.render("zh")


def test_set00_hidden_test_catches_a_chart_with_wrong_heights(solved):
    ns = dict(solved)
    _, ax = plt.subplots()
    counts = ns["cases_per_year"]
    ax.bar(counts.index.astype(str), [1] * len(counts))
    ax.set_title("Disputes per year")
    ns["ax"] = ax
    rows = {r["question"]: r for r in set00.exercise_set.grade(ns)}
    assert rows["q8"]["status"] == "correct"
    assert rows["q8"]["points"] == 1 and rows["q8"]["max_points"] == 2
    assert rows["q8"]["hidden"][0]["passed"] is False
    assert sum(r["points"] for r in rows.values()) == 8


def test_set00_answers_follow_the_variant(solved):
    """Expected answers come from the learner's data: another variant, other answers."""
    bundled = dict(solved)
    rk.set_variant(24680)
    variant: dict = {}
    exec(set00.exercise_set.setup, variant)
    for problem in set00.exercise_set.problems().values():
        exec(problem.solution, variant)
    views = set00.exercise_set.views(variant)
    for label in LABELS:
        views[label].assert_check_passed()
    assert variant["total_population"] != bundled["total_population"]
    # the bundled county's numbers, typed in, are wrong for this student
    views["q3"].assert_check_failed(bundled["total_population"])
    views["q6"].assert_check_failed(bundled["sat_2024"])


# =========================================================================== master and student
def _cells(path):
    return grading.read_notebook(path)["cells"]


def test_master_solutions_match_the_checkers():
    """q.solution() shows what the master notebook does."""
    master_code = "\n".join(c["source"] for c in _cells(MASTER) if c["cell_type"] == "code")
    for label, problem in set00.exercise_set.problems().items():
        for line in problem.solution.splitlines():
            assert line.strip() in master_code, (label, line)


def test_student_notebook_has_every_question_and_no_solution():
    cells = _cells(STUDENT)
    code = "\n".join(c["source"] for c in cells if c["cell_type"] == "code")
    for label, problem in set00.exercise_set.problems().items():
        assert f"{label}.check()" in code
        for var in problem.var_names:
            assert f"{var} = ____" in code
        for line in problem.solution.splitlines():
            assert line.strip() not in code, line
    assert "INSTRUCTOR" not in json.dumps(cells)
    assert "assert_check" not in code
    assert all(c.get("outputs", []) == [] for c in cells if c["cell_type"] == "code")


def test_committed_student_notebooks_are_up_to_date():
    results = grading.build(MASTER.parent, STUDENT.parent, check=True)
    stale = [r.student for r in results if r.changed]
    assert not stale, (
        f"{stale} differ from a fresh build of their masters: run `ruralkit exercises build`."
    )


def test_build_is_deterministic(tmp_path):
    grading.build(MASTER.parent, tmp_path)
    first = (tmp_path / STUDENT.name).read_bytes()
    results = grading.build(MASTER.parent, tmp_path)
    assert not any(r.changed for r in results)
    assert (tmp_path / STUDENT.name).read_bytes() == first == STUDENT.read_bytes()


def test_student_notebook_runs_and_says_not_attempted(tmp_path):
    checks = check_outputs(run_notebook(STUDENT, tmp_path))
    assert sorted(checks) == sorted(LABELS)
    for label, text in checks.items():
        assert "Not attempted" in text, (label, text)


def test_master_notebook_runs_and_passes_every_check(tmp_path):
    checks = check_outputs(run_notebook(MASTER, tmp_path))
    assert sorted(checks) == sorted(LABELS)
    for label, text in checks.items():
        assert "Correct ✓" in text, (label, text)


# =========================================================================== build rules
def _master(*cells, set_key="99"):
    return {
        "cells": [
            {"cell_type": kind, "id": f"c{i}", "metadata": meta, "source": src,
             **({"outputs": [{"output_type": "stream", "name": "stdout", "text": "x"}],
                 "execution_count": 3} if kind == "code" else {})}
            for i, (kind, src, meta) in enumerate(cells)
        ],
        "metadata": {"ruralkit": {"exercise_set": set_key}, "kernelspec": {"name": "x"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def test_build_rules():
    master = _master(
        ("code", "import ruralkit as rk\nrk.set_variant(None)", {}),
        ("markdown", "Explain.\n<!-- BEGIN SOLUTION -->\nThe answer.\n<!-- END SOLUTION -->", {}),
        ("code", "x = 1\ny = f(x)  # SOLUTION", {"tags": ["keep"]}),
        ("code", "m = d[d.a > 3]  # SOLUTION: m = d[____]", {}),
        ("code", "### BEGIN SOLUTION\nimport math\ndef f(v):\n    return v\na, b = 1, 2\n"
                 "### END SOLUTION", {}),
        ("code", "q1.assert_check_failed(2)", {"tags": ["instructor"]}),
        ("code", "# INSTRUCTOR ONLY\nsecret = 1", {}),
        ("code", "q1.check()", {}),
    )
    nb = grading.build_student_notebook(master, name="99_demo.ipynb")
    sources = [c["source"] for c in nb["cells"]]
    assert sources[1] == "Explain.\n*Your answer here / 在此作答*"
    assert sources[2] == "x = 1\ny = ____"
    assert sources[3] == "m = d[____]"
    assert sources[4].splitlines()[1:] == ["f = ____", "a = ____", "b = ____"]
    assert len(nb["cells"]) == 6
    assert nb["cells"][2]["metadata"] == {"tags": ["keep"]}
    assert nb["cells"][0]["metadata"]["deletable"] is False
    assert nb["cells"][5]["metadata"]["deletable"] is False
    assert all(c["outputs"] == [] and c["execution_count"] is None
               for c in nb["cells"] if c["cell_type"] == "code")
    assert nb["metadata"]["ruralkit"] == {"exercise_set": "99"}


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("print(x)  # SOLUTION", "must be an assignment"),
        ("x = (1 +  # SOLUTION", "one complete statement"),
        ("### BEGIN SOLUTION\nx = 1", "without END"),
        ("### END SOLUTION", "without BEGIN"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "inside another"),
        ("x = (", "not valid Python"),
    ],
)
def test_build_errors_say_where(source, message):
    with pytest.raises(grading.BuildError, match=message) as info:
        grading.build_student_notebook(_master(("code", source, {})), name="99_demo.ipynb")
    assert "99_demo.ipynb, cell 1" in str(info.value)


def test_build_refuses_to_leak_a_solution(tmp_path):
    master = grading.read_notebook(MASTER)
    for cell in master["cells"]:
        if cell.get("id") == "q2-answer":
            cell["source"] = "n_villages = len(villages)"  # marker forgotten
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / MASTER.name).write_text(grading.notebook_text(master), encoding="utf-8")
    with pytest.raises(grading.BuildError, match="solution of q2"):
        grading.build(tmp_path / "src", tmp_path / "out")


def test_a_table_without_its_key_column_is_told_which_column_to_keep():
    from ruralkit.exercises import set00

    villages = rk.load_villages()
    no_key = villages.loc[villages["terrain"] == "mountain"].drop(columns="village_id")
    set00.q4.assert_check_failed(no_key, contains="has no column 'village_id'")


# =========================================================================== review fixes
def test_one_value_container_message_reads_well():
    """F: "a Series that holds a single value", not "a Series of 1 values holding …"."""
    result = compare(pd.Series([60]), 60, name="x")
    assert result.render("en").startswith(
        "`x` is a Series that holds a single value. The question asks for the number itself"
    )
    zh = result.render("zh")
    assert zh.startswith("`x` 是只含一个值的序列（Series）。题目要的是这个数本身")
    assert "一个含" not in zh
    assert "a list that holds" in compare([3.5], 3.5, name="x").render("en")
    text = compare(pd.Series(["mountain"]), "mountain", name="t")
    assert "the text itself" in text.render("en") and "这个文字本身" in text.render("zh")


def test_a_true_false_series_for_rows_is_called_a_condition():
    """E: q4 answered with the condition itself is told to use it inside villages[...]."""
    villages = rk.load_villages()
    result = set00.exercise_set.views({"mountain": villages["terrain"] == "mountain"})["q4"]
    text = result.result()
    assert text.status == "incorrect"
    assert "is the condition: True or False for each village" in text.text("en")
    assert "`villages[condition]`" in text.text("en") and "double brackets" not in text.text("en")
    assert "villages[条件]" in text.text("zh")


def test_missing_names_are_never_matched_with_imports_classes_or_functions():
    """D: after a failed `design = Design(...)` cell, no "did you mean `Design`"."""
    import math as some_module

    class Design:
        pass

    def suppress_small_cells():
        return None

    ns = {"Design": Design, "rk": some_module, "suppress_small_cells": suppress_small_cells,
          "designs_list": len, "In": ["design"], "survey": pd.DataFrame()}
    ns["q1"] = ProblemView(_Count(TINY), label="q1", number=1, namespace=ns)
    view = ProblemView(_Design(TINY), label="q1", number=1, namespace=ns)
    result = view.result()
    assert result.status == "incorrect"
    en, zh = result.text("en"), result.text("zh")
    assert en.startswith("`design` is not defined yet.") and "Did you mean" not in en
    assert "If that cell stopped with an error, fix that cell and run it again." in en
    assert "报错" in zh
    ns["desing"] = 3  # a misspelt data variable is still suggested
    assert "typed `desing`" in view.result().text("en")
    # the grader says why, when it knows
    from ruralkit.i18n import Msg

    why = Msg("exercises.missing_cell_error", name="design", cell=Msg("exercises.cell_answer", n=1),
              error="ValueError: add nest=True")
    view = ProblemView(_Design(TINY), label="q1", number=1, namespace={}, missing={"design": why})
    text = view.result().text("en")
    assert "the cell that sets it (the answer cell of question 1) stopped with an error" in text
    assert "第 1 题的作答单元格" in view.result().text("zh")


class _Design(ValueProblem):
    _var = "design"

    def expected(self):
        return 1


def test_bar_container_is_not_the_chart_and_numeric_axes_are_read_by_position():
    """C: `ax = plt.bar(years, counts)` says what to do; a numeric-axis chart passes."""
    years, counts = [2022, 2023, 2024], [5, 7, 9]
    plt.figure()
    bars = plt.bar(years, counts)
    plt.title("Cases")
    result = _chart_view(bars)
    assert result.status == "incorrect"
    assert "the bars (a BarContainer" in result.text("en") and "plt.gca()" in result.text("en")
    assert "BarContainer" in result.text("zh") and "plt.gca()" in result.text("zh")
    assert "labelled" not in result.text("en")
    assert _chart_view(plt.gca()).passed  # the same chart, as the Axes
    _Chart().bar_values(plt.gca())
    lines = plt.plot(years, counts)
    assert "the lines" in _chart_view(lines).text("en")
    assert "a piece of text" in _chart_view(plt.title("x")).text("en")
    _, numeric = plt.subplots()
    numeric.bar(np.array(years), counts)
    numeric.set_title("Cases")
    assert _chart_view(numeric).passed
    _, wrong_years = plt.subplots()
    wrong_years.bar([2019, 2020, 2021], counts)
    wrong_years.set_title("Cases")
    assert "labelled 2019, 2020, 2021" in _chart_view(wrong_years).text("en")


def test_checks_accept_the_facts_the_grader_takes_out_of_a_kernel():
    """A: a chart and any other answer survive the trip out of the kernel."""
    from ruralkit.exercises.answers import Opaque, dumps_value, loads_value
    from ruralkit.exercises.engine import ChartFacts

    counts = pd.Series([5, 7, 9], index=[2022, 2023, 2024])
    _, ax = plt.subplots()
    counts.plot.bar(ax=ax, title="Cases")
    facts = loads_value(dumps_value(_Chart().export(ax)))
    assert isinstance(facts, ChartFacts) and facts.title == "Cases"
    assert _chart_view(facts).passed
    _Chart().bar_values(facts)
    part = loads_value(dumps_value(_Chart().export(plt.bar([1], [1]))))
    assert "plt.gca()" in _chart_view(part).text("en")
    function = loads_value(dumps_value(len))
    assert callable(function) and "function" in compare(function, 3, name="n").render("en")
    gone = loads_value(dumps_value(plt))
    assert isinstance(gone, Opaque) and "`module`" in compare(gone, 3, name="n").render("en")
