"""What an export question reads from a file the learner saved: :class:`ExportFacts` (a leaf).

An export question (``kind = "export"``) asks the learner to save a chart as PNG and a
table as Excel (``.xlsx``) for a report; its answer variables hold the file names. The
file is opened where the learner's code ran (the notebook's folder, or the grader's
sandbox working directory) and summarised here as plain values, so that the grader
checks those facts in its own process and never opens a learner's file itself. The
reading is bounded: at most :data:`MAX_BYTES` bytes, :data:`MAX_ROWS` rows and
:data:`MAX_COLUMNS` columns of the first sheet that holds anything.

It lives apart from the set modules so that an assessment kernel can read a file without
importing a set (see :func:`ruralkit.exercises.answers.listed_entries`).

Examples
--------
>>> import os, tempfile
>>> import pandas as pd
>>> from ruralkit.exercises.export_facts import ExportFacts
>>> folder = tempfile.mkdtemp()
>>> path = os.path.join(folder, "t.xlsx")
>>> pd.Series([3, 4], index=pd.Index([2023, 2024], name="year")).to_excel(path)
>>> facts = ExportFacts.read(path)
>>> facts.fmt, facts.header, facts.rows
('xlsx', ['year', '0'], [[2023, 3], [2024, 4]])
>>> ExportFacts.read(os.path.join(folder, "none.png")).found
False
"""

from __future__ import annotations

import math
import os
from typing import Any

from .facts import Facts, flag, items_of, text, whole

__all__ = ["ExportFacts", "MAX_BYTES", "MAX_ROWS", "MAX_COLUMNS"]

MAX_BYTES = 20_000_000
MAX_ROWS = 500
MAX_COLUMNS = 30
_PNG = b"\x89PNG\r\n\x1a\n"
_ZIP = b"PK\x03\x04"


def cell(value: Any) -> Any:
    """A validator: one cell of a sheet (``None``, a number or a short text)."""
    if value is None or isinstance(value, str):
        return None if value is None else value[:200]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a cell value, got {type(value).__name__}")
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _plain(value: Any) -> Any:
    """A cell read by pandas as a plain value (numbers stay numbers, the rest is text)."""
    import numpy as np
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    return str(value)[:200]


class ExportFacts(Facts):
    """A saved file, as plain values: whether it exists, its format, an image's size and
    colours, a sheet's header and rows."""

    kind = "export_file"
    _fields = {
        "name": text(300), "found": flag, "fmt": text(20), "size_bytes": whole,
        "width": whole, "height": whole, "colours": whole,
        "sheets": items_of(text(100), limit=50), "header": items_of(cell, limit=MAX_COLUMNS),
        "rows": items_of(items_of(cell, limit=MAX_COLUMNS), limit=MAX_ROWS), "error": text(300),
    }

    @classmethod
    def accepts(cls, value: Any) -> bool:
        return isinstance(value, str | os.PathLike)

    @classmethod
    def read(cls, value: Any) -> ExportFacts:
        name = os.fspath(value)
        if isinstance(name, bytes):
            name = name.decode("utf-8", "replace")
        facts: dict[str, Any] = {"name": name, "found": False, "fmt": "", "size_bytes": 0,
                                 "width": 0, "height": 0, "colours": 0, "sheets": [],
                                 "header": [], "rows": [], "error": ""}
        if not name.strip() or not os.path.isfile(name):
            return cls(**facts)
        facts["found"] = True
        facts["size_bytes"] = size = os.path.getsize(name)
        if size > MAX_BYTES:
            facts["fmt"] = "too_large"
            return cls(**facts)
        with open(name, "rb") as fh:
            start = fh.read(8)
        try:
            if start.startswith(_PNG):
                facts.update(fmt="png", **_image(name))
            elif start.startswith(_ZIP):
                facts.update(fmt="xlsx", **_sheet(name))
            else:
                facts["fmt"] = "other"
        except Exception as exc:  # a damaged file: say what the reader said
            facts["error"] = f"{type(exc).__name__}: {exc}"[:300]
        return cls(**facts)


def _image(path: str) -> dict[str, Any]:
    from PIL import Image

    with Image.open(path) as image:
        width, height = image.size
        small = image.convert("RGB")
        small.thumbnail((64, 64))
        colours = small.getcolors(maxcolors=4096)
    return {"width": int(width), "height": int(height),
            "colours": 4096 if colours is None else len(colours)}


def _sheet(path: str) -> dict[str, Any]:
    import pandas as pd

    sheets = pd.read_excel(path, sheet_name=None, header=None, nrows=MAX_ROWS + 1,
                           engine="openpyxl")
    names = [str(n)[:100] for n in sheets][:50]
    for frame in sheets.values():
        frame = frame.iloc[:, :MAX_COLUMNS].dropna(how="all").dropna(axis=1, how="all")
        if frame.empty:
            continue
        rows = [[_plain(v) for v in row] for row in frame.itertuples(index=False)]
        header = ["" if v is None else str(v) for v in rows[0]]
        return {"sheets": names, "header": header, "rows": rows[1:MAX_ROWS + 1]}
    return {"sheets": names}
