"""Every chart of the Chinese edition is wholly Chinese.

Each Chinese lesson and answer key runs in a fresh kernel (on the Agg backend, so
figures stay open) with a hook that, after every cell, draws each open figure,
collects the text of all its artists (``tests/chart_text.py``) and closes it. No
Latin word may appear except the technical tokens the glossary allows.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from notebook_helpers import kernel_env

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
ZH = sorted([*(ROOT / "notebooks" / "zh").glob("*.ipynb"),
             *(ROOT / "exercises" / "instructor" / "zh").glob("*.ipynb")])

_HOOK = """\
import json as _j, sys as _s
_s.path.insert(0, {tests!r})
import matplotlib.pyplot as _plt
from chart_text import chart_words as _words, latin_words as _latin
_found = []
def _collect(result, _cell=[0]):
    _cell[0] += 1
    for _n in _plt.get_fignums():
        _fig = _plt.figure(_n)
        _found.append({{"cell": _cell[0], "latin": _latin(_fig), "texts": _words(_fig)}})
        _plt.close(_fig)
    with open({out!r}, "w", encoding="utf-8") as _fh:
        _j.dump(_found, _fh, ensure_ascii=False)
get_ipython().events.register("post_run_cell", _collect)
"""


def _charts(path: Path, tmp_path: Path) -> list[dict]:
    import nbformat
    from nbclient import NotebookClient

    out = tmp_path / "charts.json"
    nb = nbformat.read(path, as_version=4)
    hook = nbformat.v4.new_code_cell(_HOOK.format(tests=str(TESTS), out=str(out)))
    nb.cells.insert(0, hook)
    env = {**kernel_env(), "MPLBACKEND": "Agg"}
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute(env=env)
    return json.loads(out.read_text("utf-8")) if out.exists() else []


@pytest.mark.parametrize("path", ZH, ids=[p.relative_to(ROOT).as_posix() for p in ZH])
def test_every_chart_of_the_chinese_edition_is_chinese(path, tmp_path):
    charts = _charts(path, tmp_path)
    english = [(c["cell"], c["latin"], c["texts"]) for c in charts if c["latin"]]
    assert not english, f"English words on charts of {path.name}: {english}"
    source = json.loads(path.read_text("utf-8"))
    plotted = sum("plots." in "".join(c["source"]) or "plt." in "".join(c["source"])
                  for c in source["cells"] if c["cell_type"] == "code")
    if plotted:
        assert charts, f"{path.name} draws charts, but the hook saw none"


def test_the_chinese_edition_has_charts_to_check():
    lessons = [p for p in ZH if p.parent.name == "zh" and p.parent.parent.name == "notebooks"]
    assert len(lessons) >= 3, lessons
