"""Build student notebooks, hand out per-student variants, grade submissions.

Three steps of an instructor's workflow (``ruralkit exercises ...`` runs them):

:func:`build`
    Master notebooks in ``exercises/source/NN_name.ipynb`` (with solutions and
    instructor-only self-tests) become student notebooks ``exercises/NN_name.ipynb``:
    solutions replaced by ``____``, instructor cells removed, outputs stripped,
    written as stable JSON so that a rebuild of an unchanged master changes no byte.
:func:`make_variants`
    Each student on a roster gets a seed, derived from the student id and a course
    salt, and a copy of the student notebook that loads that variant of the county.
:func:`grade`
    Each submission is copied to a temporary folder and run in its own process and
    kernel (a time limit per cell and per notebook, resource limits, proxies blanked;
    on Linux in PID, mount and network namespaces of its own that show it only the
    system, Python and the package, read-only; the kernel as a user of its own where
    the grader runs as root).
    After the cells, the answers are taken out of the kernel (plain data, or the
    facts a check needs about a chart or a design) and checked, with the hidden
    tests, in the grader's own process, which never ran the notebook's code. Results
    go to a gradebook CSV and one feedback file per student. A submission that
    cannot be graded (a link, a pipe, a damaged or huge file) gets its own row
    saying why; the rest of the class is graded.

The package, by job (imports run down this list, never up; ``records`` and
``texts`` are leaves every part may use):

==============  ==============================================================
``notebooks``   notebook files: read, write if changed, which set a notebook is
``intake``      a submission read safely (no links, pipes; size and time limits), ids
``outputs``     the grader's output folders, files written without following links
``build``       master -> student notebook, leak checks, executing masters
``variants``    variant seeds, rosters, personalised notebooks
``cells``       cell labels ("the answer cell of question 4"), names a cell sets
``inject``      the cells the grader runs in a graded kernel
``checking``    the handed-over answers checked in the grader's process
``confine``     PID, mount and network namespaces of a worker (Linux)
``sandbox``     kernel users, limits, environment, connection files, killing what is left
``worker``      one submission's runs (``python -m ruralkit.grading.worker``)
``report``      the gradebook CSV and the feedback files
``run``         grading a class: submissions, workers, progress, reports
==============  ==============================================================

Examples
--------
>>> from ruralkit.grading import student_source
>>> print(student_source("share = d.mean()  # SOLUTION"))
share = ____
>>> variant_seed("s001", salt="qingshan-2025") == variant_seed("s001", salt="qingshan-2025")
True
"""

from __future__ import annotations

from .build import (
    INSTRUCTOR_TAG,
    PLACEHOLDER_TEXT,
    BuildError,
    BuildResult,
    build,
    build_student_notebook,
    execute_notebook,
    is_instructor_cell,
    student_source,
)
from .cells import cell_labels, names_set_by
from .checking import check_answers
from .notebooks import notebook_set_key, notebook_text, read_notebook
from .records import MAX_ATTEMPTS, STATUSES, GradeResult
from .report import (
    feedback_markdown,
    feedback_names,
    question_labels,
    write_feedback,
    write_gradebook,
)
from .run import collect_submissions, grade
from .sandbox import KernelUser
from .variants import DEFAULT_SALT, make_variants, personalise, read_roster, variant_seed

__all__ = [
    "DEFAULT_SALT",
    "INSTRUCTOR_TAG",
    "MAX_ATTEMPTS",
    "PLACEHOLDER_TEXT",
    "STATUSES",
    "BuildError",
    "BuildResult",
    "GradeResult",
    "KernelUser",
    "build",
    "build_student_notebook",
    "cell_labels",
    "check_answers",
    "collect_submissions",
    "execute_notebook",
    "feedback_markdown",
    "feedback_names",
    "grade",
    "is_instructor_cell",
    "make_variants",
    "names_set_by",
    "notebook_set_key",
    "notebook_text",
    "personalise",
    "question_labels",
    "read_notebook",
    "read_roster",
    "student_source",
    "variant_seed",
    "write_feedback",
    "write_gradebook",
]
