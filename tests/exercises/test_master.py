"""Tests of ruralkit.exercises.master: the solutions and the learner's code are read
from the master notebook, the one place they are written."""

from __future__ import annotations

from ruralkit.exercises.master import given_code, is_instructor_cell, solutions


def _nb(*sources, tags=None):
    return {"cells": [{"cell_type": "code", "metadata": {"tags": tags or []}, "source": s}
                      for s in sources]}


def test_solutions_are_the_marked_lines_before_each_check_cell():
    nb = _nb(
        "import ruralkit as rk\nsurvey = rk.load_trust_survey()",
        "### BEGIN SOLUTION\ndesign = Design(survey,\n    nest=True)\n### END SOLUTION\ndesign",
        "q1.check()",
        "# q1.hint()\n# q1.solution()",
        'survey["s"] = survey["x"] >= 4  # SOLUTION: survey["s"] = ____\nn = len(s)  # SOLUTION',
        "q2.check()",
        "# INSTRUCTOR ONLY\nsecret = 1  # SOLUTION",
    )
    assert solutions(nb) == {
        "q1": "design = Design(survey,\n    nest=True)",
        "q2": 'survey["s"] = survey["x"] >= 4\nn = len(s)',
    }


def test_given_code_leaves_out_instructor_and_question_cells():
    nb = _nb("x = 1  # SOLUTION", "q1.check()", "# q1.hint()\n# q1.solution()",
             "# INSTRUCTOR ONLY: self-tests\nq1.self_test()", "y = 2")
    nb["cells"].append({"cell_type": "code", "metadata": {"tags": ["instructor"]},
                        "source": "z = 3"})
    assert given_code(nb) == ["x = 1  # SOLUTION", "y = 2"]
    assert is_instructor_cell(nb["cells"][-1]) and not is_instructor_cell(nb["cells"][0])
