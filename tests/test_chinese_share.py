"""The Chinese edition reads as Chinese: at least 95% of each notebook's prose.

Measured with :func:`ruralkit.editions.chinese_share` (CJK characters against Latin
words, outside code, formulas, HTML and URLs) over every Chinese-edition lesson, answer
key and student notebook. The English words that remain are keys (Shift+Enter), file
formats (PNG, Excel) and a few technical tokens in brackets.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ruralkit.editions import chinese_share

ROOT = Path(__file__).resolve().parent.parent
MINIMUM = 0.95
EDITIONS = sorted([*ROOT.glob("notebooks/zh/*.ipynb"), *ROOT.glob("exercises/zh/*.ipynb"),
                   *ROOT.glob("exercises/instructor/zh/*.ipynb")])


def test_every_lesson_and_exercise_set_has_a_chinese_edition():
    sources = [*ROOT.glob("notebooks/source/*.ipynb"), *ROOT.glob("exercises/source/*.ipynb")]
    names = {p.relative_to(ROOT).as_posix() for p in EDITIONS}
    for source in sources:
        folder = "notebooks" if source.parent.parent.name == "notebooks" else "exercises"
        assert f"{folder}/zh/{source.name}" in names, f"{source.name} has no Chinese edition"


@pytest.mark.parametrize("path", EDITIONS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_the_prose_is_chinese(path: Path):
    share = chinese_share(json.loads(path.read_text(encoding="utf-8")))
    assert share >= MINIMUM, f"{path.name}: only {share:.1%} of the prose is Chinese"


def test_the_measure_sees_english_prose():
    english = {"cells": [{"cell_type": "markdown",
                          "source": "Load the `villages` table and count the rows (行)."}]}
    assert chinese_share(english) < 0.2
