"""Write the prepared submissions for the grading test, and their expected gradebook.

Each submission is the student notebook ``exercises/00_start_here.ipynb`` as a
learner might hand it in: right, partly wrong, empty, broken in one of the ways
the grader must survive, or a per-student variant. ``expected.csv`` says what the
grader must report for each (status and points per question).

Run from the top of the repository after changing the master or the student
notebook (a test checks that the committed files match a fresh run)::

    python tests/submissions/make_submissions.py
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from ruralkit.grading import notebook_text, personalise, read_notebook, variant_seed  # noqa: E402

STUDENT = ROOT / "exercises" / "en" / "00_start_here.ipynb"
MASTER = ROOT / "exercises" / "source" / "00_start_here.ipynb"
SALT = "tests"
QUESTIONS = [f"q{i}" for i in range(1, 11)]
FULL = {q: (2 if q == "q8" else 1) for q in QUESTIONS}

Notebook = dict[str, Any]


def solutions() -> dict[str, str]:
    """The master's answer cells, solution markers removed: {"q1-answer": source, ...}.

    A question may have more than one (q9: ``q9-answer``, then ``q9-answer-2``).
    """
    master = read_notebook(MASTER)
    out = {}
    for cell in master["cells"]:
        if re.fullmatch(r"q\d+-answer(-\d+)?", cell.get("id", "")):
            out[cell["id"]] = re.sub(r"\s*# SOLUTION.*", "", cell["source"])
    return out


SOLUTIONS = solutions()


def student(language: str = "en") -> Notebook:
    """The student notebook of set 00 in ``language`` (its edition sets the language)."""
    path = STUDENT if language == "en" else STUDENT.parents[1] / language / STUDENT.name
    return json.loads(json.dumps(read_notebook(path)))


def cell(nb: Notebook, cell_id: str) -> dict[str, Any]:
    return next(c for c in nb["cells"] if c.get("id") == cell_id)


def index(nb: Notebook, cell_id: str) -> int:
    return next(i for i, c in enumerate(nb["cells"]) if c.get("id") == cell_id)


def answer(nb: Notebook, q: str, source: str | None = None) -> Notebook:
    """Fill question ``q``'s answer cells with the master's solution, or the first with ``source``."""
    for cell_id, solution in SOLUTIONS.items():
        if cell_id == f"{q}-answer" and source is not None:
            cell(nb, cell_id)["source"] = source
        elif cell_id.split("-answer")[0] == q:
            cell(nb, cell_id)["source"] = solution
    return nb


def answer_all(nb: Notebook, **override: str) -> Notebook:
    for q in QUESTIONS:
        answer(nb, q, override.get(q))
    return nb


def insert_after(nb: Notebook, cell_id: str, source: str, new_id: str) -> Notebook:
    new = {"cell_type": "code", "execution_count": None, "id": new_id, "metadata": {},
           "outputs": [], "source": source}
    nb["cells"].insert(index(nb, cell_id) + 1, new)
    return nb


def delete(nb: Notebook, predicate: Callable[[dict[str, Any]], bool]) -> Notebook:
    nb["cells"] = [c for c in nb["cells"] if not predicate(c)]
    return nb


# Numbers copied from a neighbour's notebook (another variant): fixed, so that this
# file does not change when the bundled data are regenerated.
COPIED = {
    "q3": "total_population = 61532  # copied from a neighbour",
    "q6": "sat_2024 = 3.6275791627424656  # copied from a neighbour",
}


def points(**zeros: float) -> dict[str, float]:
    return {q: zeros.get(q, FULL[q]) for q in QUESTIONS}


# --------------------------------------------------------------------------- the class
def make() -> list[tuple[str, bytes | Notebook, str, dict[str, float]]]:
    """(file name, notebook or raw bytes, expected status, expected points)."""
    none = dict.fromkeys(QUESTIONS, 0)
    subs: list[tuple[str, bytes | Notebook, str, dict[str, float]]] = []

    subs.append(("s01-correct.ipynb", answer_all(student()), "ok", points()))

    # the Chinese edition: it sets the language itself (the source has no language cell)
    nb = answer_all(student("zh"))
    cell(nb, "q1-help")["source"] = "q1.hint()\nq1.hint()\nq1.solution()"
    # graded runs cannot see the masters: q1.solution() says so, and the run stays "ok"
    subs.append(("s02-correct-zh.ipynb", nb, "ok", points()))

    unweighted = SOLUTIONS["q6-answer"].splitlines()[0] + '\nsat_2024 = survey_2024["sat_township"].mean()'
    nb = answer_all(student(), q2="n_villages = villages.shape[1]", q6=unweighted)
    subs.append(("s03-partly-wrong.ipynb", nb, "ok", points(q2=0, q6=0)))

    nb = answer_all(
        student(),
        q4='mountain = villages[villages["terrain"] == "hill"]',
        q5='distance_by_township = villages.groupby("township_id")["distance_km"].sum()',
        q7="n_households = len(households)",
    )
    subs.append(("s04-partly-wrong.ipynb", nb, "ok", points(q4=0, q5=0, q7=0)))

    subs.append(("s05-empty.ipynb", student(), "ok", none))

    nb = answer_all(student(), q3='total_population = villages["population"].sum(')
    subs.append(("s06-syntax-error.ipynb", nb, "error", points(q3=0)))

    nb = answer_all(student())
    insert_after(nb, "q5-check", "while True:\n    pass", "endless")
    # the loop is stopped at the per-cell limit; the answers after it still count
    subs.append(("s07-infinite-loop.ipynb", nb, "timeout", points()))

    nb = answer_all(student())
    insert_after(nb, "q2-check", "import os\n\nos._exit(1)", "crash")
    subs.append(("s08-kernel-exit.ipynb", nb, "crashed", points()))

    nb = answer_all(student())
    insert_after(nb, "q7-check", "import ctypes\n\nctypes.string_at(0)", "segfault")
    subs.append(("s09-segfault.ipynb", nb, "crashed", points()))

    nb = answer_all(student())
    delete(nb, lambda c: c.get("id", "").endswith(("-check", "-help")))
    subs.append(("s10-deleted-checks.ipynb", nb, "ok", points()))

    nb = answer_all(student())
    delete(nb, lambda c: c.get("id") == "setup")
    subs.append(("s11-deleted-setup.ipynb", nb, "error", none))

    nb = answer_all(student())
    moved = nb["cells"].pop(index(nb, "q2-answer"))
    nb["cells"].insert(index(nb, "setup") + 1, moved)
    subs.append(("s12-reordered.ipynb", nb, "error", points(q2=0)))

    nb = answer_all(student())
    insert_after(nb, "q3-check", "exit()", "exit")
    insert_after(nb, "q4-check", "quit()", "quit")
    insert_after(nb, "q6-check", "import sys\n\nsys.exit(1)", "sysexit")
    subs.append(("s13-exit-calls.ipynb", nb, "error", points()))

    nb = answer_all(student())
    insert_after(
        nb,
        "q1-check",
        "import os\nfrom pathlib import Path\n\n"
        'Path("notes.txt").write_text("scratch")\n'
        'Path("../escape.txt").write_text("outside the copy")\n'
        'Path(os.path.expanduser("~/home.txt")).write_text("home")\n'
        'os.makedirs("results", exist_ok=True)\n'
        'villages.to_csv("results/villages.csv")',
        "writes",
    )
    subs.append(("s14-writes-files.ipynb", nb, "ok", points()))

    seed = variant_seed("s15-variant", salt=SALT)
    nb = personalise(answer_all(student()), student_id="s15-variant", seed=seed)
    subs.append(("s15-variant.ipynb", nb, "ok", points()))

    seed = variant_seed("s16-variant-copied", salt=SALT)
    nb = personalise(answer_all(student(), **COPIED), student_id="s16-variant-copied", seed=seed)
    subs.append(("s16-variant-copied.ipynb", nb, "ok", points(q3=0, q6=0)))

    text = notebook_text(answer_all(student())).encode("utf-8")
    subs.append(("s17-truncated.ipynb", text[: len(text) // 2], "invalid", none))

    nb = answer_all(
        student(),
        q5='distance_by_township = villages.groupby("township")["distance_km"].mean()',
    )
    subs.append(("s18-runtime-error.ipynb", nb, "error", points(q5=0)))

    nb = student()
    insert_after(
        nb,
        "setup",
        "import ruralkit.exercises.engine as engine\n"
        "import ruralkit.exercises.views as views\n\n"
        "engine.ValueProblem.check = lambda self, *values: None\n"
        "engine.PlotProblem.check = lambda self, *values: None\n"
        "views.is_placeholder = lambda value: False\n"
        "print('{\"ok\": true, \"questions\": []}')",
        "cheat",
    )
    subs.append(("s19-tampering.ipynb", nb, "ok", none))

    nb = answer_all(
        student(),
        q2='n_villages = "60"',
        q8="import matplotlib.pyplot as plt\n\n"
        'cases_per_year = disputes.groupby(disputes["date_received"].dt.year).size()\n'
        "fig, ax = plt.subplots()\n"
        "ax.bar(cases_per_year.index.astype(str), [100] * len(cases_per_year))\n"
        'ax.set_title("Disputes per year")',
    )
    subs.append(("s20-wrong-type-hidden-test.ipynb", nb, "ok", points(q2=0, q8=1)))

    # Writes by absolute path, outside the grader's temporary folder. The test points
    # RURALKIT_TEST_OUTSIDE at a folder only the grader's user may write to; run as a
    # user of its own, the notebook cannot write there.
    nb = answer_all(student())
    insert_after(
        nb,
        "q1-check",
        "import os\nfrom pathlib import Path\n\n"
        'outside = Path(os.environ.get("RURALKIT_TEST_OUTSIDE", "/nonexistent-ruralkit"))\n'
        "try:\n"
        '    (outside / "PWNED.txt").write_text("written by a submission")\n'
        "except OSError as exc:\n"
        '    print("blocked:", exc)\n'
        'os.system(f"touch {outside / \'PWNED-system.txt\'} 2>/dev/null")',
        "outside",
    )
    subs.append(("s21-writes-outside.ipynb", nb, "ok", points()))

    # Wrong answers, then a last cell that makes every comparison in the kernel say
    # "equal": checked outside the kernel, the answers are still wrong (4 of 11).
    nb = answer_all(
        student(),
        q3='total_population = villages["population"].mean()',
        q4='mountain = villages[villages["terrain"] == "hill"]',
        q5='distance_by_township = villages.groupby("township_id")["distance_km"].sum()',
        q6=unweighted,
        q7="n_households = len(households)",
        q8=SOLUTIONS["q8-answer"].splitlines()[0] + "\nax = (2 * cases_per_year).plot.bar()",
    )
    nb["cells"].append({
        "cell_type": "code", "execution_count": None, "id": "monkeypatch", "metadata": {},
        "outputs": [],
        "source": "import math\n\nimport numpy as np\nimport pandas as pd\n\n"
        "math.isclose = lambda *args, **kwargs: True\n"
        "np.isclose = lambda a, b, *args, **kwargs: np.ones(np.broadcast(np.asarray(a), "
        "np.asarray(b)).shape, dtype=bool)\n"
        "np.allclose = lambda *args, **kwargs: True\n"
        "pd.testing.assert_frame_equal = lambda *args, **kwargs: None\n"
        "pd.testing.assert_series_equal = lambda *args, **kwargs: None\n"
        "pd.DataFrame.equals = lambda self, other: True\n"
        "pd.Series.equals = lambda self, other: True",
    })
    subs.append(("s22-monkeypatch.ipynb", nb, "ok", points(q3=0, q4=0, q5=0, q6=0, q7=0, q8=0)))
    return subs


def main(out: Path = HERE) -> None:
    """Write the submissions and ``expected.csv`` to ``out`` (default: this folder)."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.ipynb"):
        old.unlink()
    rows = []
    for name, content, status, expected in make():
        data = content if isinstance(content, bytes) else notebook_text(content).encode("utf-8")
        (out / name).write_bytes(data)
        total = sum(expected.values()) if status != "invalid" else 0
        rows.append({"file": name, "status": status,
                     **{q: f"{expected[q]:g}" for q in QUESTIONS}, "total": f"{total:g}"})
    with open(out / "expected.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["file", "status", *QUESTIONS, "total"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} submissions and expected.csv to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
