"""``ruralkit exercises new NN --title "..."``: the three files of a new exercise set.

Writes a master notebook (``<source>/NN_<slug>.ipynb``), a content file
(``<package>/content/setNN.toml``) and a module (``<package>/setNN.py``) holding
one plain-value question, so that the set loads, builds and self-tests at once;
the author then edits the question and adds more (``exercises/README.md``,
"Adding a question"). Executing the master and building the student notebook
are the grader's side (:mod:`ruralkit.grading`), done by the command.

Examples
--------
>>> import tempfile, pathlib
>>> from ruralkit.exercises.scaffold import new_set
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> paths = new_set("97", "Counting", package_dir=root, source_dir=root / "source")
>>> sorted(p.relative_to(root).as_posix() for p in paths)
['content/set97.toml', 'set97.py', 'source/97_counting.ipynb']
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ruralkit.i18n import RuralkitError

__all__ = ["new_set", "slug"]

_MODULE = '''"""Exercise set {key} — {title} (notebook ``{notebook}``).

The questions' text is in ``content/set{key}.toml``, the solutions in the master
notebook ``{notebook}.ipynb``; this module keeps what must be code: the expected
answers and the mistakes, computed from the data the learner loaded.
"""

from __future__ import annotations

from typing import Any

from ruralkit.exercises.placeholder import PLACEHOLDER
from ruralkit.exercises.registry import expected, mistake
from ruralkit.exercises.sets import load_set


@expected("n_villages")
def n_villages(q: Any) -> int:
    return len(q.data("villages"))


@mistake("n_columns")
def n_columns(q: Any) -> int:
    return q.data("villages").shape[1]


exercise_set = load_set(__name__)
bind = exercise_set.bind
____ = PLACEHOLDER
# q1, q2, ... read the answers from the notebook (the __main__ module in Jupyter)
globals().update(exercise_set.views())
__all__ = ["exercise_set", "bind", "____", *exercise_set.labels]
'''

_CONTENT = '''# Exercise set {key}: the questions' content (titles, hints, mistakes, examples).
# Edit the texts freely; a mistake's value/test names a function of set{key}.py.
# The solutions are in the master notebook {notebook}.ipynb.

key = "{key}"
notebook = "{notebook}"
title = {{ en = {title_en}, zh = {title_zh} }}

[[question]]
var = "n_villages"
title = {{ en = "How many villages does the county have?", zh = "全县有多少个村？" }}

[[question.hint]]
en = "`len(table)` counts the rows of a table."
zh = "`len(表格)` 可以数出表格的行数。"

[[question.mistake]]
value = "n_columns"
en = "This is the number of columns. Each village is a row: count the rows with `len(villages)`."
zh = "这是列数。每个村是一行：请用 `len(villages)` 数行数。"

[[question.wrong]]
answer = "villages.shape[1]"
says = "number of columns"
'''

# (kind, language tag or None, source): the master is bilingual, as the editions need
# (ruralkit/editions.py: each lang-en Markdown cell followed by its lang-zh twin).
_CELLS = [
    ("markdown", "lang-en", "# Exercises {key} · {title}\n\n"
                 "Write what the learner does here, and the task of each question in the "
                 "markdown cell above its answer cell."),
    ("markdown", "lang-zh", "# 练习 {key} · {title_zh}\n\n"
                 "在这里写学员要做什么；每道题的任务写在它的作答单元格上方的文字单元格里。"),
    ("code", None, "import ruralkit as rk\nfrom ruralkit.exercises.set{key} import ____, q1\n\n"
                   "rk.set_variant(None)  # which version of the county data you work with: "
                   "leave it as it is"),
    ("markdown", "lang-en", "## 1. How many villages?\n\n"
                 "Each row of `villages` is one village. Set `n_villages` to the number of "
                 "villages."),
    ("markdown", "lang-zh", "## 1. 全县有多少个村？\n\n"
                 "`villages` 的每一行是一个村。把 `n_villages` 设为村的个数。"),
    ("code", None, "villages = rk.load_villages()\nn_villages = len(villages)  # SOLUTION"),
    ("code", None, "q1.check()"),
    ("code", None, "# q1.hint()\n# q1.solution()"),
    ("code", None, "# INSTRUCTOR ONLY: self-tests, removed from the student notebook\n"
                   "from ruralkit.exercises import set{key}\n\n"
                   "assert ____ is set{key}.____  # the placeholder the student notebook imports\n"
                   "set{key}.exercise_set.self_test(globals())  "
                   "# content/set{key}.toml's examples"),
]


def slug(title: str) -> str:
    """A file-name part from a title: ``"Dispute trends"`` -> ``"dispute_trends"``."""
    return re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")[:40] or "exercises"


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


def _master(key: str, title: str, title_zh: str) -> dict:
    cells = []
    for i, (kind, tag, source) in enumerate(_CELLS):
        cell = {"cell_type": kind, "id": f"c{i:02d}", "metadata": {"tags": [tag]} if tag else {},
                "source": source.format(key=key, title=title, title_zh=title_zh)}
        if kind == "code":
            cell.update(execution_count=None, outputs=[])
        cells.append(cell)
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                           "name": "python3"},
            "language_info": {"name": "python"},
            "ruralkit": {"exercise_set": key, "role": "master"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def new_set(key: str, title: str, *, package_dir: str | Path, source_dir: str | Path,
            title_zh: str | None = None) -> list[Path]:
    """Write the module, content file and master notebook of a new set ``key``.

    Returns the three paths. Raises :class:`~ruralkit.i18n.RuralkitError` if the
    key is not two digits or a file already exists (nothing is overwritten).
    """
    if not re.fullmatch(r"\d\d", str(key)):
        raise RuralkitError.of("exercises.scaffold_bad_key", key=str(key))
    title_zh = title_zh or f"练习 {key}"
    notebook = f"{key}_{slug(title)}"
    package_dir, source_dir = Path(package_dir), Path(source_dir)
    files = {
        package_dir / f"set{key}.py": _MODULE.format(key=key, title=title, notebook=notebook),
        package_dir / "content" / f"set{key}.toml": _CONTENT.format(
            key=key, notebook=notebook, title_en=_toml_string(title),
            title_zh=_toml_string(title_zh)),
        source_dir / f"{notebook}.ipynb": json.dumps(
            _master(key, title, title_zh), indent=1, sort_keys=True, ensure_ascii=False) + "\n",
    }
    for path in files:
        if path.exists():
            raise RuralkitError.of("exercises.scaffold_exists", path=str(path))
    existing = list(source_dir.glob(f"{key}_*.ipynb")) if source_dir.is_dir() else []
    if existing:
        raise RuralkitError.of("exercises.scaffold_exists", path=str(existing[0]))
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)
