"""Every exercise set, tested from its one source: a new set needs no new test file.

For each set of ``list_sets()``: the master's solutions (read from its
``# SOLUTION`` lines, run with the master's own code cells) pass; every
wrong-answer example of the content file fails with its message, in English and
in Chinese; every other right example passes; the untouched placeholder says
"not attempted"; a solved variant passes and the bundled county's answers typed
in are wrong there; the committed student notebook is a fresh build of the
master, has no solution, and says "Not attempted" for every check when run.
"""

from __future__ import annotations

import json
import re
import string
from functools import cache
from pathlib import Path

import pytest
from notebook_helpers import check_outputs, run_notebook

import ruralkit as rk
from ruralkit import grading
from ruralkit.exercises import PLACEHOLDER, ValueProblem, get_set, list_sets
from ruralkit.exercises.selftest import evaluate

ROOT = Path(__file__).resolve().parents[1]
SETS = list_sets()
VARIANT = 12345


@cache
def _solved(key: str, seed: int | None = None) -> dict:
    namespace = get_set(key).solve(seed)
    rk.set_variant(None)
    return namespace


def _views(key: str, seed: int | None = None) -> dict:
    namespace = _solved(key, seed)
    rk.set_variant(seed)  # the conftest fixture sets the bundled county back
    return get_set(key).views(namespace)


def _examples(kind: str) -> list:
    out = []
    for key in SETS:
        for label, cls in zip(get_set(key).labels, get_set(key).problem_classes, strict=True):
            for i, example in enumerate(getattr(cls, f"_{kind}", ())):
                out.append(pytest.param(key, label, example, id=f"{key}-{label}-{i}"))
    return out


def _questions() -> list:
    return [pytest.param(key, label, id=f"{key}-{label}")
            for key in SETS for label in get_set(key).labels]


# =========================================================================== content
def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", SETS)
def test_every_question_has_its_content_in_both_languages(key):
    exercise_set = get_set(key)
    assert exercise_set.title.render("zh") != exercise_set.title.render("en")
    for label, problem in exercise_set.problems().items():
        assert problem.title.render("zh") != problem.title.render("en"), label
        assert problem.hints and problem.solution, label
        for hint in problem.hints:
            assert hint.render("en") != hint.render("zh"), (label, hint)
        for mistake in getattr(problem, "_mistakes", ()):
            en, zh = mistake.message.texts["en"], mistake.message.texts["zh"]
            assert en != zh and _fields(en) == _fields(zh), (label, en)
        if isinstance(problem, ValueProblem):
            assert problem._mistakes, f"{label} recognises no mistakes"
        assert getattr(problem, "_wrong", ()), f"{label} has no wrong-answer example"


# ===================================================================== right, wrong, untouched
@pytest.mark.parametrize(("key", "label"), _questions())
def test_the_masters_solution_passes(key, label):
    view = _views(key)[label]
    view.assert_check_passed()
    assert all(r["passed"] for r in view.problem.run_hidden_tests(*view._lookup()))


@pytest.mark.parametrize(("key", "label"), _questions())
def test_the_placeholder_is_not_attempted(key, label):
    view = _views(key)[label]
    result = view.result(*[PLACEHOLDER] * len(view.problem.var_names))
    assert result.status == "not_attempted"
    assert "____" in result.text("en") and "____" in result.text("zh")


@pytest.mark.parametrize(("key", "label", "example"), _examples("wrong"))
def test_a_wrong_answer_gets_its_message_in_english_and_chinese(key, label, example):
    view = _views(key)[label]
    values = evaluate(example, _solved(key), n_vars=len(view.problem.var_names))
    result = view.result(*values)
    assert result.status == "incorrect", result
    english, chinese = result.text("en"), result.text("zh")
    assert example.says in english or example.says in chinese, english
    assert chinese and chinese != english


@pytest.mark.parametrize(("key", "label", "example"), _examples("right"))
def test_another_right_answer_passes(key, label, example):
    view = _views(key)[label]
    values = evaluate(example, _solved(key), n_vars=len(view.problem.var_names))
    view.assert_check_passed(*values)
    hidden = {r["test"]: r for r in view.problem.run_hidden_tests(*values)}
    if example.hidden_fails:
        assert hidden[example.hidden_fails]["passed"] is False
        assert example.says in hidden[example.hidden_fails]["error"]
        rows = {r["question"]: r for r in get_set(key).grade({**_solved(key), **dict(
            zip(view.problem.var_names, values, strict=True))})}
        assert rows[label]["points"] < rows[label]["max_points"]


@pytest.mark.parametrize("key", SETS)
def test_the_solved_master_gets_full_marks_and_passes_its_self_test(key):
    exercise_set = get_set(key)
    rows = exercise_set.grade(_solved(key))
    assert sum(r["points"] for r in rows) == exercise_set.max_points
    exercise_set.self_test(_solved(key))


# =========================================================================== variants
def _exported(problem, value):
    return problem.export(value)


@pytest.mark.parametrize("key", SETS)
def test_answers_follow_the_variant(key):
    """Expected answers come from the learner's data: the variant's solutions pass,
    and the bundled county's answers, typed in, are wrong where they differ."""
    views = _views(key, VARIANT)
    bundled = _solved(key)
    differ = 0
    for label, view in views.items():
        view.assert_check_passed()
        problem = view.problem
        if not isinstance(problem, ValueProblem):
            continue
        mine = tuple(_exported(problem, bundled[n]) for n in problem.var_names)
        theirs = tuple(_exported(problem, v) for v in view._lookup())
        unpack = (lambda t: t) if len(mine) > 1 else (lambda t: t[0])
        if problem._compare(unpack(mine), unpack(theirs)) is not None:
            differ += 1
            assert view.result(*mine).status == "incorrect", label
    assert differ, f"set {key}: no answer depends on the data variant"


# =========================================================================== notebooks
def _student(key: str, language: str = "en") -> Path:
    return ROOT / "exercises" / language / f"{get_set(key).notebook}.ipynb"


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("key", SETS)
def test_the_committed_student_notebook_is_a_fresh_build(key, language, tmp_path):
    grading.build(ROOT / "exercises" / "source", tmp_path)
    built = tmp_path / language / _student(key).name
    assert built.read_bytes() == _student(key, language).read_bytes()


@pytest.mark.parametrize("key", SETS)
def test_the_student_notebook_has_every_question_and_no_solution(key):
    cells = grading.read_notebook(_student(key))["cells"]
    code = "\n".join(c["source"] for c in cells if c["cell_type"] == "code")
    for label, problem in get_set(key).problems().items():
        assert f"{label}.check()" in code
        for var in problem.var_names:
            assert re.search(rf"^{var} = ____$", code, re.M), var
        for line in problem.solution.splitlines():
            assert line.strip() not in code, line
    assert "INSTRUCTOR" not in json.dumps(cells) and "self_test" not in code
    assert all(c.get("outputs", []) == [] for c in cells if c["cell_type"] == "code")
    assert grading.read_notebook(_student(key))["metadata"]["ruralkit"] == {"exercise_set": key}


@pytest.mark.parametrize("key", SETS)
def test_the_master_says_correct_for_every_check(key):
    """The master's committed outputs (validated by nbval) say "Correct" everywhere."""
    import nbformat

    checks = check_outputs(nbformat.read(get_set(key).master, as_version=4))
    assert sorted(checks) == sorted(get_set(key).labels)
    assert all("Correct ✓" in text for text in checks.values()), checks


@pytest.mark.parametrize("key", SETS)
def test_the_student_notebook_runs_and_says_not_attempted(key, tmp_path):
    checks = check_outputs(run_notebook(_student(key), tmp_path))
    assert sorted(checks) == sorted(get_set(key).labels)
    for label, text in checks.items():
        assert "Not attempted" in text, (label, text)
