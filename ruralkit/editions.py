"""One bilingual source notebook -> its Chinese and English editions.

A lesson or an exercise master is written once, with its prose in both languages:

- a cell tagged ``lang-zh`` goes into the Chinese edition only, a cell tagged
  ``lang-en`` into the English edition only, an untagged cell into both;
- prose comes in runs of tagged cells, the English and its Chinese side by side,
  so that every run holds both languages (:func:`check_pairs`);
- code is normally shared, so it must be language-neutral; the edition sets its
  language itself, after the import block holding the first ``import ruralkit as rk``
  (:data:`LANGUAGE_LINE`), and the source never calls ``rk.set_language``.

:func:`edition` is a pure function of the source; :mod:`ruralkit.course` writes
and executes the editions.

Examples
--------
>>> source = {"cells": [
...     {"cell_type": "markdown", "metadata": {"tags": ["lang-en"]}, "source": "# Hello"},
...     {"cell_type": "markdown", "metadata": {"tags": ["lang-zh"]}, "source": "# 你好"},
...     {"cell_type": "code", "metadata": {},
...      "source": "import ruralkit as rk\\nrk.load_villages()"},
... ], "metadata": {}}
>>> zh = edition(source, "zh")
>>> [c["source"] for c in zh["cells"]]
['# 你好', 'import ruralkit as rk\\n\\nrk.set_language("zh")\\n\\nrk.load_villages()']
>>> zh["metadata"]["ruralkit"]["language"]
'zh'
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ruralkit.i18n import RuralkitError
from ruralkit.notebook_run import notebook_text

__all__ = ["LANGUAGES", "EditionError", "cell_language", "check_pairs", "chinese_share",
           "edition", "language_tag", "write_edition"]

#: The editions, in the order the course shows them (Chinese first: the class reads Chinese).
LANGUAGES = ("zh", "en")
_TAG = re.compile(r"^lang-(?P<language>[a-z]{2})$")
_IMPORT = re.compile(r"^(?P<indent>\s*)import ruralkit as rk\s*(#.*)?$")
_SETS_LANGUAGE = re.compile(r"\brk\.set_language\(|\bset_language\(")
#: What an edition adds after its first ``import ruralkit as rk``.
LANGUAGE_LINE = 'rk.set_language("{language}")'


class EditionError(RuralkitError):
    """A source notebook that cannot be split into editions (says which cell and why)."""


def language_tag(language: str) -> str:
    """The cell tag of ``language``: ``lang-zh`` or ``lang-en``."""
    return f"lang-{language}"


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def cell_language(cell: Mapping[str, Any]) -> str | None:
    """The language a cell is tagged with, or ``None`` for a cell of both editions.

    >>> cell_language({"metadata": {"tags": ["lang-zh"]}}), cell_language({})
    ('zh', None)
    """
    found = [m.group("language") for t in cell.get("metadata", {}).get("tags", [])
             if (m := _TAG.match(str(t)))]
    if len(found) > 1:
        raise EditionError.of("core.edition_two_tags", tags=", ".join(found))
    if found and found[0] not in LANGUAGES:
        raise EditionError.of("core.edition_unknown_tag", tag=f"lang-{found[0]}")
    return found[0] if found else None


def check_pairs(nb: Mapping[str, Any], name: str = "notebook") -> None:
    """Fail unless every run of language-tagged cells holds both languages.

    A run is a maximal sequence of consecutive tagged cells; a run with English
    and no Chinese (or the reverse) means a translation is missing or misplaced.

    >>> en = {"cell_type": "markdown", "metadata": {"tags": ["lang-en"]}, "source": "a"}
    >>> check_pairs({"cells": [en]}, "x.ipynb")
    Traceback (most recent call last):
    ...
    ruralkit.editions.EditionError: x.ipynb, cell 1: this lang-en cell has no lang-zh twin \
next to it; add the translation beside it.
    """
    run: list[tuple[int, str]] = []
    for index, cell in enumerate([*nb.get("cells", []), {}]):
        language = cell_language(cell) if cell else None
        if language is not None:
            run.append((index, language))
            continue
        present = {lang for _, lang in run}
        if run and present != set(LANGUAGES):
            first, have = run[0][0] + 1, run[0][1]
            other = next(lang for lang in LANGUAGES if lang not in present)
            raise EditionError.of("core.edition_unpaired", name=name, n=first,
                                  have=language_tag(have), missing=language_tag(other))
        run = []


def _end_of_imports(lines: list[str], start: int) -> int:
    """The last line of the import block that begins at line ``start``."""
    last, depth = start, 0
    for number in range(start, len(lines)):
        text = lines[number].split("#")[0].strip()
        if depth:
            depth += text.count("(") - text.count(")")
            last = number
        elif text.startswith(("import ", "from ")):
            depth = text.count("(") - text.count(")")
            last = number
        elif text:
            break
    return last


def _with_language_line(source: str, language: str) -> str | None:
    """``source`` with the language line after its import block (the one holding
    ``import ruralkit as rk``, so that lint still sees one block), or None."""
    lines = source.split("\n")
    for number, line in enumerate(lines):
        found = _IMPORT.match(line)
        if found:
            end = _end_of_imports(lines, number)
            extra = found.group("indent") + LANGUAGE_LINE.format(language=language)
            rest = lines[end + 1:]
            after = [""] if rest and rest[0].strip() else []
            return "\n".join([*lines[: end + 1], "", extra, *after, *rest])
    return None


def edition(nb: Mapping[str, Any], language: str, *, name: str = "notebook") -> dict[str, Any]:
    """The ``language`` edition of a bilingual source notebook (a new dict).

    Cells of the other language are left out, outputs and execution counts
    cleared, the language tags removed and the language set after the first
    ``import ruralkit as rk``; metadata ``ruralkit.language`` records the edition.

    Raises
    ------
    EditionError
        The source sets the language itself, has no ``import ruralkit as rk``
        in a code cell, or has a prose run without both languages.
    """
    if language not in LANGUAGES:
        raise EditionError.of("core.edition_unknown", language=repr(language),
                              known=", ".join(LANGUAGES))
    check_pairs(nb, name)
    cells: list[dict[str, Any]] = []
    placed = False
    for index, cell in enumerate(nb.get("cells", [])):
        own = cell_language(cell)
        if own is not None and own != language:
            continue
        new = copy.deepcopy(dict(cell))
        new["source"] = _source(cell)
        tags = [t for t in new.get("metadata", {}).get("tags", []) if not _TAG.match(str(t))]
        new["metadata"] = {**new.get("metadata", {}), "tags": tags}
        if not tags:
            del new["metadata"]["tags"]
        if new["cell_type"] == "code":
            if _SETS_LANGUAGE.search(new["source"]):
                raise EditionError.of("core.edition_sets_language", name=name, n=index + 1)
            new["outputs"], new["execution_count"] = [], None
            if not placed:
                with_line = _with_language_line(new["source"], language)
                if with_line is not None:
                    new["source"], placed = with_line, True
        cells.append(new)
    if not placed:
        raise EditionError.of("core.edition_no_import", name=name)
    metadata = copy.deepcopy(dict(nb.get("metadata", {})))
    metadata["ruralkit"] = {**metadata.get("ruralkit", {}), "language": language}
    return {**copy.deepcopy(dict(nb)), "cells": cells, "metadata": metadata}


def _without_outputs(nb: Mapping[str, Any]) -> dict[str, Any]:
    """What an edition's build decides: its cells and metadata, not what running it gave."""
    cells = []
    for cell in nb.get("cells", []):
        kept = {k: v for k, v in cell.items() if k not in ("outputs", "execution_count")}
        kept["source"] = _source(cell)
        kept["metadata"] = {k: v for k, v in cell.get("metadata", {}).items()
                            if k != "execution"}
        cells.append(kept)
    metadata = {k: v for k, v in nb.get("metadata", {}).items() if k != "language_info"}
    return {"cells": cells, "metadata": metadata}


def write_edition(nb: Mapping[str, Any], target: str | Path, *, check: bool = False) -> bool:
    """Write an edition to ``target`` unless the file already holds the same cells.

    An executed edition whose cells and metadata equal ``nb``'s keeps its outputs
    (the build is deterministic and leaves a current edition byte for byte alone).
    Returns whether the file was (or, with ``check``, would be) rewritten.
    """
    target = Path(target)
    if target.exists():
        try:
            old = json.loads(target.read_text(encoding="utf-8"))
        except ValueError:
            old = None
        if old is not None and _without_outputs(old) == _without_outputs(nb):
            return False
    if not check:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(notebook_text(nb), encoding="utf-8", newline="\n")
    return True


# What is not prose: fenced and inline code, formulas, HTML, link targets and URLs.
_NOT_PROSE = re.compile(
    r"```.*?```|~~~.*?~~~|`[^`\n]*`|\$\$.*?\$\$|\$[^$\n]+\$|<[^>\n]+>|\]\([^)]*\)"
    r"|https?://\S+",
    re.S,
)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")


def chinese_share(nb: Mapping[str, Any]) -> float:
    """The share of a notebook's prose that is Chinese: CJK characters against Latin words.

    Prose is the text of the Markdown cells outside code (fenced or in backticks),
    formulas (``$...$``), HTML tags, link targets and URLs. One Chinese character
    counts against one English word, so a wholly Chinese text scores 1.0 and a
    Chinese sentence with an English term in brackets scores a little under. An
    edition with no prose at all scores 1.0 (nothing in it is English).

    Examples
    --------
    >>> nb = {"cells": [{"cell_type": "markdown", "source": "用 `rk.load_villages()` 加载村庄表"},
    ...                 {"cell_type": "code", "source": "villages = rk.load_villages()"}]}
    >>> chinese_share(nb)
    1.0
    >>> round(chinese_share({"cells": [{"cell_type": "markdown",
    ...                                 "source": "设计效应 (design effect)"}]}), 2)
    0.67
    """
    cjk = latin = 0
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        prose = _NOT_PROSE.sub(" ", _source(cell))
        cjk += len(_CJK.findall(prose))
        latin += len(_LATIN_WORD.findall(prose))
    return 1.0 if cjk + latin == 0 else cjk / (cjk + latin)
