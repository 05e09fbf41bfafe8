"""The course build: every bilingual source -> its Chinese and English editions, and the index.

``ruralkit course build`` (``make notebooks`` runs it with ``--execute``) writes

- ``notebooks/zh/`` and ``notebooks/en/``: each lesson of ``notebooks/source/``;
- ``exercises/instructor/{zh,en}/`` (answer keys) and ``exercises/{zh,en}/``
  (student notebooks): each exercise master of ``exercises/source/``
  (:func:`ruralkit.grading.build`);
- ``notebooks/index.ipynb``: the course index, Chinese first, that ``make lab`` opens.

The build is deterministic: an edition whose cells are current keeps its file
(outputs included) byte for byte, so ``--check`` (run by the test suite) fails
exactly when a source changed and its editions were not rebuilt. ``--execute``
runs the lesson editions and answer keys, so nbval can compare their outputs.

Examples
--------
>>> [r.target.as_posix() for r in build_course(check=True) if r.changed]  # doctest: +SKIP
[]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruralkit.editions import LANGUAGES, edition, write_edition
from ruralkit.i18n import Msg
from ruralkit.notebook_run import notebook_text

__all__ = ["INDEX", "EditionResult", "build_course", "course_index", "execute_editions"]

#: The course index, beside the lesson folders.
INDEX = Path("notebooks") / "index.ipynb"
_HEADING = re.compile(r"^#\s+(?P<title>.+?)\s*$", re.M)


@dataclass
class EditionResult:
    """One file the build writes: what it is made from, and whether it changed."""

    source: Path
    target: Path
    changed: bool
    kind: str  # "lesson", "key", "student" or "index"
    language: str | None = None

    @property
    def executable(self) -> bool:
        """Whether the file is run by the build (lessons and answer keys are)."""
        return self.kind in ("lesson", "key")

    @property
    def executed(self) -> bool:
        """Whether every code cell of the file has been run (has an execution count)."""
        if not self.target.exists():
            return False
        cells = _read(self.target)["cells"]
        return all(c.get("execution_count") is not None for c in cells
                   if c["cell_type"] == "code" and c["source"].strip())


def _read(path: Path) -> dict[str, Any]:
    from ruralkit.grading.notebooks import read_notebook

    return read_notebook(path)


def _lessons(root: Path, *, check: bool) -> list[EditionResult]:
    results = []
    for source in sorted((root / "notebooks" / "source").glob("*.ipynb")):
        nb = _read(source)
        for language in LANGUAGES:
            target = root / "notebooks" / language / source.name
            lesson = edition(nb, language, name=source.name)
            results.append(EditionResult(source, target, write_edition(lesson, target,
                                                                       check=check),
                                         "lesson", language))
    return results


def _exercises(root: Path, *, check: bool) -> list[EditionResult]:
    from ruralkit.grading.build import build

    source = root / "exercises" / "source"
    if not any(source.glob("[0-9][0-9]_*.ipynb")):
        return []
    return [EditionResult(r.master, r.target, r.changed, r.kind, r.language)
            for r in build(source, root / "exercises", check=check)]


def _title(path: Path) -> str:
    """The first ``# `` heading of a notebook (its title), without Markdown emphasis."""
    for cell in _read(path)["cells"]:
        if cell["cell_type"] == "markdown":
            found = _HEADING.search(cell["source"])
            if found:
                return found.group("title").replace("*", "")
    return path.stem


def course_index(root: str | Path = ".") -> dict[str, Any]:
    """The course index notebook: each edition's lessons and exercise sets, Chinese first.

    Built from the editions' titles (their first heading), so it follows the sources.
    """
    root = Path(root)
    cells = [{"cell_type": "markdown", "id": "title", "metadata": {},
              "source": "# " + " · ".join(Msg("core.course_title").render(language)
                                          for language in LANGUAGES)}]
    for language in LANGUAGES:
        def text(key: str, language: str = language) -> str:
            return Msg(key).render(language)

        lines = [f"## {text('core.course_edition')}", "",
                 f"**{text('core.course_lessons')}**", ""]
        for lesson in sorted((root / "notebooks" / language).glob("*.ipynb")):
            lines.append(f"- [{_title(lesson)}]({language}/{lesson.name})")
        lines += ["", f"**{text('core.course_exercises')}**", ""]
        for sheet in sorted((root / "exercises" / language).glob("[0-9][0-9]_*.ipynb")):
            lines.append(f"- [{_title(sheet)}](../exercises/{language}/{sheet.name})")
        lines += ["", Msg("core.course_guide").render(language)]
        cells.append({"cell_type": "markdown", "id": f"edition-{language}", "metadata": {},
                      "source": "\n".join(lines)})
    return {"cells": cells, "metadata": {"kernelspec": {
        "display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5}


def _index(root: Path, *, check: bool) -> EditionResult:
    target = root / INDEX
    text = notebook_text(course_index(root))
    old = target.read_text(encoding="utf-8") if target.exists() else None
    if not check and old != text:
        target.write_text(text, encoding="utf-8", newline="\n")
    return EditionResult(root / "notebooks" / "source", target, old != text, "index")


def execute_editions(results: Iterable[EditionResult], *, jobs: int = 2, timeout: int = 600,
                     report: Callable[[EditionResult], None] | None = None) -> None:
    """Run the lesson editions and answer keys among ``results`` in place, ``jobs`` at a time.

    Each runs in a fresh kernel in its own folder (:mod:`ruralkit.notebook_run`);
    a failing cell raises :class:`ruralkit.grading.BuildError` naming it.
    """
    from ruralkit.grading.build import execute_notebook

    todo = [r for r in results if r.executable]

    def run(result: EditionResult) -> None:
        execute_notebook(result.target, timeout=timeout)
        if report is not None:
            report(result)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for _ in pool.map(run, todo):
            pass


def build_course(root: str | Path = ".", *, check: bool = False) -> list[EditionResult]:
    """Write (or, with ``check``, compare) every edition of the course and its index.

    Returns one :class:`EditionResult` per file; ``changed`` is true where the file
    was (or would be) rewritten. Lessons first, then exercise keys and student
    notebooks, then the index (built from the editions, so last).
    """
    root = Path(root)
    results = [*_lessons(root, check=check), *_exercises(root, check=check)]
    results.append(_index(root, check=check))
    return results
