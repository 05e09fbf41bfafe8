"""Seconds per graded submission: ``ruralkit exercises grade`` on a class of notebooks.

Grades ``--n`` copies of a right answer (half of them per-student variants, which
generate their county on the fly) with ``--jobs 1`` and ``--jobs 2``, and prints
the wall-clock seconds per submission, against the naive way of running one
notebook with ``jupyter nbconvert --execute``-style nbclient in-process (no copy,
no sandbox, no re-check: the floor the grader's safety costs are measured from).

    python benchmarks/bench_grading.py            # 8 submissions
    python benchmarks/bench_grading.py --n 20
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ruralkit import grading  # noqa: E402
from ruralkit.grading.confine import isolation  # noqa: E402
from ruralkit.notebook_run import kernel_env  # noqa: E402

CORRECT = ROOT / "tests" / "submissions" / "s01-correct.ipynb"


def make_class(folder: Path, n: int) -> None:
    nb = grading.read_notebook(CORRECT)
    for i in range(n):
        sid = f"b{i:03d}"
        if i % 2:
            seed = grading.variant_seed(sid, salt="bench")
            personal = grading.personalise(nb, student_id=sid, seed=seed)
            (folder / f"{sid}.ipynb").write_text(grading.notebook_text(personal), "utf-8")
        else:
            shutil.copy(CORRECT, folder / f"{sid}.ipynb")


def naive_seconds(path: Path) -> float:
    import nbformat
    from nbclient import NotebookClient

    start = time.perf_counter()
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3").execute(
        env=kernel_env()
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=8, help="submissions per run")
    args = parser.parse_args()
    print(f"isolation: {isolation().describe()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        folder.mkdir()
        make_class(folder, args.n)
        naive = naive_seconds(CORRECT)
        print(f"naive: one notebook executed in-process          {naive:6.2f} s")
        for jobs in (1, 2):
            start = time.perf_counter()
            results = grading.grade([folder], out=Path(tmp) / f"g{jobs}.csv", timeout=60,
                                    jobs=jobs, progress=False)
            wall = time.perf_counter() - start
            for r in results:
                if r.status != "ok" or r.total != 9:
                    lost = [(q["question"], q["message"]) for q in r.questions
                            if q["points"] < q["max_points"]]
                    print(f"  unexpected: {r.student_id} {r.status} {r.total} {r.notes} {lost}")
            per = wall / len(results)
            each = sorted(r.seconds for r in results)
            print(
                f"grade --jobs {jobs}: {len(results)} submissions in {wall:6.1f} s = "
                f"{per:5.2f} s per submission (each {each[0]:.1f}-{each[-1]:.1f} s; "
                f"{per / naive:.1f}x the naive run)"
            )


if __name__ == "__main__":
    main()
