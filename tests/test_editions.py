"""One bilingual source -> a Chinese and an English edition (ruralkit.editions, ruralkit.course)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ruralkit import cli
from ruralkit.course import build_course, course_index
from ruralkit.editions import LANGUAGES, EditionError, check_pairs, edition, write_edition
from ruralkit.notebook_run import notebook_text

ROOT = Path(__file__).resolve().parents[1]


def md(text: str, lang: str | None = None, cid: str = "") -> dict:
    meta = {"tags": [f"lang-{lang}"]} if lang else {}
    return {"cell_type": "markdown", "id": cid or f"m{abs(hash(text)) % 10**6}",
            "metadata": meta, "source": text}


def code(text: str, lang: str | None = None, cid: str = "") -> dict:
    meta = {"tags": [f"lang-{lang}"]} if lang else {}
    return {"cell_type": "code", "id": cid or f"c{abs(hash(text)) % 10**6}", "metadata": meta,
            "source": text, "outputs": [{"output_type": "stream", "name": "stdout",
                                        "text": "old"}], "execution_count": 3}


KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


def source_nb(*cells: dict) -> dict:
    return {"cells": list(cells), "metadata": {"kernelspec": KERNEL}, "nbformat": 4,
            "nbformat_minor": 5}


LESSON = source_nb(
    md("# Hello", "en", "t-en"), md("# 你好", "zh", "t-zh"),
    code("import ruralkit as rk\nrk.load_villages()", cid="setup"),
    code('label = "villages"', "en", "lab-en"), code('label = "村"', "zh", "lab-zh"),
    md("$x^2$", cid="formula"),
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_edition_keeps_its_language_and_the_shared_cells(language):
    ed = edition(LESSON, language, name="x.ipynb")
    ids = [c["id"] for c in ed["cells"]]
    other = "en" if language == "zh" else "zh"
    assert ids == [f"t-{language}", "setup", f"lab-{language}", "formula"]
    assert not any(i.endswith(other) for i in ids)
    setup = ed["cells"][1]["source"].split("\n")
    assert setup == ["import ruralkit as rk", "", f'rk.set_language("{language}")', "",
                     "rk.load_villages()"]
    assert all(c["outputs"] == [] and c["execution_count"] is None
               for c in ed["cells"] if c["cell_type"] == "code")
    assert all("tags" not in c["metadata"] for c in ed["cells"])
    assert ed["metadata"]["ruralkit"]["language"] == language
    assert LESSON["cells"][2]["outputs"]  # the source is not modified


def test_the_language_is_set_after_the_whole_import_block():
    nb = source_nb(code("import pandas as pd\n\nimport ruralkit as rk\n"
                        "from ruralkit.survey import (\n    Design,\n)\n\n"
                        "survey = rk.load_trust_survey()"))
    assert edition(nb, "zh")["cells"][0]["source"].split("\n") == [
        "import pandas as pd", "", "import ruralkit as rk", "from ruralkit.survey import (",
        "    Design,", ")", "", 'rk.set_language("zh")', "", "survey = rk.load_trust_survey()"]


def test_a_source_that_sets_the_language_or_never_imports_ruralkit_is_refused():
    with pytest.raises(EditionError, match="cell 3.*set_language"):
        edition(source_nb(md("a", "en"), md("甲", "zh"), code('rk.set_language("en")')), "zh")
    with pytest.raises(EditionError, match="import ruralkit as rk"):
        edition(source_nb(code("import pandas as pd")), "en")
    with pytest.raises(EditionError, match="no edition 'fr'"):
        edition(LESSON, "fr")


def test_prose_without_its_translation_is_found_with_its_cell_number():
    check_pairs(LESSON)
    lonely = source_nb(md("a", "en"), md("甲", "zh"), code("x = 1"), md("b", "en"))
    with pytest.raises(EditionError, match=r"x\.ipynb, cell 4: this lang-en cell has no lang-zh"):
        check_pairs(lonely, "x.ipynb")
    with pytest.raises(EditionError, match="two languages"):
        check_pairs(source_nb({"cell_type": "markdown", "metadata": {"tags": ["lang-en",
                                                                              "lang-zh"]}}))
    with pytest.raises(EditionError, match="lang-fr"):
        check_pairs(source_nb(md("x", "fr")))


def test_a_current_edition_keeps_its_outputs_and_a_stale_one_is_rewritten(tmp_path):
    target = tmp_path / "zh" / "x.ipynb"
    ed = edition(LESSON, "zh")
    assert write_edition(ed, target, check=True) and not target.exists()
    assert write_edition(ed, target)
    executed = json.loads(target.read_text("utf-8"))
    executed["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "1"}]
    executed["cells"][1]["execution_count"] = 1
    executed["metadata"]["language_info"] = {"name": "python"}
    target.write_text(notebook_text(executed), encoding="utf-8")
    before = target.read_bytes()
    assert not write_edition(ed, target)  # same cells: the executed file stays
    assert target.read_bytes() == before
    changed = edition(source_nb(*LESSON["cells"][:3], md("more", "en"), md("更多", "zh")), "zh")
    assert write_edition(changed, target, check=True)
    assert target.read_bytes() == before  # check writes nothing
    assert write_edition(changed, target)
    assert "更多" in target.read_text("utf-8")


def _course(root: Path) -> None:
    (root / "notebooks" / "source").mkdir(parents=True)
    (root / "notebooks" / "source" / "00_hello.ipynb").write_text(notebook_text(LESSON))


def test_the_course_build_writes_both_editions_and_an_index_zh_first(tmp_path):
    _course(tmp_path)
    results = build_course(tmp_path)
    written = sorted(r.target.relative_to(tmp_path).as_posix() for r in results if r.changed)
    assert written == ["notebooks/en/00_hello.ipynb", "notebooks/index.ipynb",
                       "notebooks/zh/00_hello.ipynb"]
    index = "\n".join(c["source"] for c in course_index(tmp_path)["cells"])
    assert index.index("[你好](zh/00_hello.ipynb)") < index.index("[Hello](en/00_hello.ipynb)")
    assert not any(r.changed for r in build_course(tmp_path, check=True))
    source = tmp_path / "notebooks" / "source" / "00_hello.ipynb"
    source.write_text(source.read_text("utf-8").replace("你好", "您好"), encoding="utf-8")
    stale = [r.target.name for r in build_course(tmp_path, check=True) if r.changed]
    assert stale == ["00_hello.ipynb"]  # the zh lesson
    assert cli.main(["course", "build", "--root", str(tmp_path), "--check"]) == 1
    rebuilt = [r.target.relative_to(tmp_path).as_posix() for r in build_course(tmp_path)
               if r.changed]
    assert rebuilt == ["notebooks/zh/00_hello.ipynb", "notebooks/index.ipynb"]  # and its title


# --------------------------------------------------------------------------- the course itself
def test_every_edition_of_the_course_is_current():
    """Fails when a source changed and `make notebooks` (ruralkit course build) was not run."""
    stale = [r.target.relative_to(ROOT).as_posix() for r in build_course(ROOT, check=True)
             if r.changed]
    assert not stale, f"stale editions (run `make notebooks`): {stale}"


def _editions(language: str) -> list[Path]:
    return sorted([*(ROOT / "notebooks" / language).glob("*.ipynb"),
                   *(ROOT / "exercises" / "instructor" / language).glob("*.ipynb"),
                   *(ROOT / "exercises" / language).glob("*.ipynb")])


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_edition_sets_its_language_once_at_the_top_and_never_switches(language):
    paths = _editions(language)
    assert len(paths) >= 6, paths
    for path in paths:
        nb = json.loads(path.read_text("utf-8"))
        codes = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
        calls = [m for s in codes for m in re.findall(r"set_language\((.*?)\)", s)]
        assert calls == [f'"{language}"'], (path, calls)
        first = next(i for i, s in enumerate(codes) if "import ruralkit as rk" in s)
        assert f'rk.set_language("{language}")' in codes[first], path


@pytest.mark.parametrize("source", sorted(ROOT.glob("*/source/*.ipynb")), ids=lambda p: p.name)
def test_every_source_cell_has_an_id(source):
    """Without ids, reading a notebook invents random ones: the build would not be repeatable."""
    cells = json.loads(source.read_text(encoding="utf-8"))["cells"]
    missing = [i for i, c in enumerate(cells) if not c.get("id")]
    assert not missing, f"{source.name}: cells {missing} have no id"
    ids = [c["id"] for c in cells]
    assert len(set(ids)) == len(ids), f"{source.name}: cell ids repeat"
