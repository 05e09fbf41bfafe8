"""The authoring guide's walk-through (exercises/README.md, "Adding a question"),
performed exactly as written on a scratch copy of set 00: the snippets are read from
the README, the student notebook is built and run, and question 9 says "Not
attempted", "Not yet" with the author's mistake message, and "Correct", in English
and in Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from notebook_helpers import run_notebook

from ruralkit import grading
from ruralkit.exercises import get_set, list_sets, set_folders
from ruralkit.exercises.sets import PATH_VARIABLE

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "ruralkit" / "exercises"
README = ROOT / "exercises" / "README.md"


def _walkthrough() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("#### Adding a question")
    end = text.index("\n", text.index("\n4. ", start) + 1)
    section = text[start:end]
    assert len(section.splitlines()) <= 15, "the walk-through should stay short"
    return section


def _steps(section: str) -> dict[str, object]:
    step1 = section[section.index("\n1. "):section.index("\n2. ")]
    step3 = section[section.index("\n3. "):section.index("\n4. ")]
    spans1 = re.findall(r"`([^`]+)`", step1)
    spans3 = re.findall(r"`([^`]+)`", step3)
    return {
        "answer": next(s for s in spans1 if "# SOLUTION" in s),
        "check": next(s for s in spans1 if s.endswith(".check()")),
        "toml": re.search(r"```toml\n(.*?)\n```", section, re.S).group(1),
        "code": [s for s in spans3 if s.startswith(("expected(", "mistake("))],
    }


def _scratch_copy_of_set00(root: Path) -> Path:
    """Set 00 copied as set 98 into ``root`` (module, content, master)."""
    (root / "content").mkdir(parents=True)
    (root / "source").mkdir()
    (root / "set98.py").write_text((PACKAGE / "set00.py").read_text("utf-8"), "utf-8")
    content = (PACKAGE / "content" / "set00.toml").read_text("utf-8")
    content = content.replace('key = "00"', 'key = "98"').replace(
        'notebook = "00_start_here"', 'notebook = "98_start_here"')
    (root / "content" / "set98.toml").write_text(content, "utf-8")
    master = grading.read_notebook(ROOT / "exercises" / "source" / "00_start_here.ipynb")
    master["metadata"]["ruralkit"]["exercise_set"] = "98"
    for cell in master["cells"]:
        cell["source"] = cell["source"].replace("set00", "set98")
    path = root / "source" / "98_start_here.ipynb"
    path.write_text(grading.notebook_text(master), "utf-8")
    return path


def _follow_the_walkthrough(root: Path, master_path: Path, steps: dict) -> None:
    # 1. the master: q11 on the import line, the task, the answer cell and the check cell
    master = grading.read_notebook(master_path)
    cells = master["cells"]
    for cell in cells:
        cell["source"] = cell["source"].replace(", q10\n", ", q10, q11\n")
    at = next(i for i, c in enumerate(cells) if "## What next" in c["source"])
    new = [("markdown", "## 11. How many townships? · 全县有几个乡镇？"),
           ("code", steps["answer"]), ("code", steps["check"])]
    cells[at:at] = [{"cell_type": kind, "id": f"walk{i}", "metadata": {}, "source": src,
                     **({"outputs": [], "execution_count": None} if kind == "code" else {})}
                    for i, (kind, src) in enumerate(new)]
    master_path.write_text(grading.notebook_text(master), "utf-8")
    # 2. the content file
    toml = root / "content" / "set98.toml"
    toml.write_text(toml.read_text("utf-8") + "\n" + steps["toml"] + "\n", "utf-8")
    # 3. the code, above exercise_set = load_set(__name__)
    module = root / "set98.py"
    text = module.read_text("utf-8")
    anchor = "exercise_set = load_set(__name__)"
    module.write_text(text.replace(anchor, "\n".join(steps["code"]) + "\n\n" + anchor), "utf-8")


def _q11(student: Path, tmp_path: Path, answers: dict[str, str]) -> tuple[str, str]:
    """What q11.check() says in English and in Chinese after ``answers`` are filled in."""
    nb = nbformat.read(student, as_version=4)
    for cell in nb.cells:
        for var, code in answers.items():
            cell.source = re.sub(rf"^{var} = ____$", f"{var} = {code}", cell.source, flags=re.M)
    nb.cells.append(nbformat.v4.new_code_cell('rk.set_language("zh")\nq11.check()'))
    path = tmp_path / f"run{len(list(tmp_path.glob('run*.ipynb')))}.ipynb"
    nbformat.write(nb, path)
    ran = run_notebook(path, tmp_path)
    check = next(c for c in ran.cells if c.source.strip() == "q11.check()")
    return _text(check), _text(ran.cells[-1])


def _text(cell) -> str:
    return "\n".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs)


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    monkeypatch.setenv(PATH_VARIABLE, str(tmp_path / "sets"))
    set_folders()
    return tmp_path


def test_the_readme_walkthrough_adds_a_question_that_checks_itself(scratch):
    steps = _steps(_walkthrough())
    root = scratch / "sets"
    master = _scratch_copy_of_set00(root)
    _follow_the_walkthrough(root, master, steps)
    assert "98" in list_sets()
    exercise_set = get_set("98")
    assert exercise_set.labels[-1] == "q11" and len(exercise_set.labels) == 11
    exercise_set.self_test(exercise_set.solve())  # the new wrong example gets its message

    grading.build(root / "source", scratch / "out")
    student = scratch / "out" / "en" / "98_start_here.ipynb"
    assert "n_townships = ____" in student.read_text("utf-8")

    en, zh = _q11(student, scratch, {})
    assert "Not attempted" in en and "尚未作答" in zh
    loaded = {"villages": "rk.load_villages()"}
    en, zh = _q11(student, scratch, {**loaded, "n_townships": "len(villages)"})
    assert "Not yet ✗" in en and "This counts villages." in en
    assert "还不对 ✗" in zh and "这数的是村。" in zh
    right = {**loaded, "n_townships": 'villages["township_id"].nunique()'}
    en, zh = _q11(student, scratch, right)
    assert "Correct ✓" in en and "正确 ✓" in zh
