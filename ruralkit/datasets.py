"""Loaders for the bundled Qingshan County data, and their codebooks.

Every loader has the same shape: ``load_<name>(*, raw=False, variant=None)``
returns a typed DataFrame (categoricals, dates, nullable integers, booleans).
Survey items come cleaned (don't know / refused as NA) unless ``raw=True``.
The datasheet is ``data/README.md``; :func:`codebook` describes each column.

Examples
--------
>>> import ruralkit as rk
>>> survey = rk.load_trust_survey()
>>> survey.shape
(4320, 26)
>>> rk.list_datasets()["name"].tolist()
['villages', 'trust_survey', 'disputes', 'households']
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .i18n import RuralkitError, get_language, message

DATASETS: dict[str, dict[str, str]] = {
    "villages": {
        "en": "The 60 villages of Qingshan County: terrain, population, roads, cooperatives",
        "zh": "青山县60个村：地形、人口、道路、合作社",
    },
    "trust_survey": {
        "en": "Annual survey of villagers' trust and satisfaction, 2019-2024 (weighted sample)",
        "zh": "村民信任与满意度年度抽样调查，2019-2024年（加权样本）",
    },
    "disputes": {
        "en": "Disputes handled by people's mediation, one row per case, 2016-2024",
        "zh": "人民调解受理的矛盾纠纷，每行一个案件，2016-2024年",
    },
    "households": {
        "en": "Household income panel, 2019-2024: income sources, work, land, cooperatives",
        "zh": "农户收入面板数据，2019-2024年：收入来源、务工、土地、合作社",
    },
}

_state: dict[str, int | None] = {"variant": None}


def data_dir() -> Path:
    """Folder holding the bundled CSVs (inside an installed wheel or a checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data", here.parent / "data"):
        if (candidate / "villages.csv").exists():
            return candidate
    raise FileNotFoundError(message("core.data_missing",
                                    path=here.parent / "data" / "villages.csv"))


def set_variant(seed: int | None) -> None:
    """Make every loader return the county generated from ``seed``.

    Used for per-student variants: the same villages, design and lessons, with
    different numbers. ``set_variant(None)`` returns to the bundled county.

    Examples
    --------
    >>> import ruralkit as rk
    >>> rk.set_variant(12345)
    >>> rk.get_variant()
    12345
    >>> rk.set_variant(None)
    """
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer)):
        raise TypeError(f"set_variant() takes a whole number or None; got {seed!r}.")
    _state["variant"] = None if seed is None else int(seed)


def get_variant() -> int | None:
    """The variant seed the loaders use (``None``: the bundled county)."""
    return _state["variant"]


def list_datasets() -> pd.DataFrame:
    """The datasets, one row each: name, description, rows, columns.

    Rows are those of the county in use (see :func:`set_variant`).
    """
    rows = []
    for name, desc in DATASETS.items():
        book = codebook(name)
        if get_variant() is None:
            with open(data_dir() / f"{name}.csv", encoding="utf-8") as fh:
                n_rows = sum(1 for _ in fh) - 1
        else:
            n_rows = len(load(name))
        rows.append(
            {"name": name, "description": desc.get(get_language(), desc["en"]),
             "rows": n_rows, "columns": len(book)}
        )
    return pd.DataFrame(rows)


def _check_name(name: object, func: str = "codebook") -> str:
    if isinstance(name, pd.DataFrame):
        raise TypeError(message("core.dataset_not_frame", func=func))
    if name not in DATASETS:
        raise RuralkitError(
            message("core.unknown_dataset", name=name, choices=", ".join(DATASETS))
        )
    return str(name)


@lru_cache(maxsize=8)
def _codebook(name: str) -> pd.DataFrame:
    return pd.read_csv(
        data_dir() / f"{name}_codebook.csv", dtype=str, keep_default_na=False, encoding="utf-8"
    )


def codebook(name: str) -> pd.DataFrame:
    """Describe each variable of a dataset.

    Parameters
    ----------
    name : {"villages", "trust_survey", "disputes", "households"}

    Returns
    -------
    DataFrame
        One row per variable with columns ``variable, label_en, label_zh,
        question_en, question_zh, type, value_labels_en, value_labels_zh,
        missing_codes, missing_codes_zh, unit, note``. Value labels read
        ``"1=A great deal of trust | 2=..."``.

    Examples
    --------
    >>> import ruralkit as rk
    >>> book = rk.codebook("trust_survey")
    >>> book.set_index("variable").loc["trust_township", "label_zh"]
    '对乡镇政府的信任'
    """
    return _codebook(_check_name(name)).copy()


def _parse_labels(text: str) -> dict[str, str]:
    if not text:
        return {}
    pairs = (part.split("=", 1) for part in text.split(" | "))
    return {code.strip(): label.strip() for code, label in pairs}


def value_labels(name: str, variable: str, *, language: str | None = None) -> dict:
    """Labels of a variable's values, in the current language.

    Integer-coded items give integer keys.

    Examples
    --------
    >>> import ruralkit as rk
    >>> rk.datasets.value_labels("trust_survey", "trust_centre", language="zh")[1]
    '非常信任'
    """
    row = _variable_row(name, variable)
    lang = language or get_language()
    labels = _parse_labels(row[f"value_labels_{lang}"])
    if row["type"] == "item":
        return {int(k): v for k, v in labels.items()}
    return labels


def label(name: str, variable: str, *, language: str | None = None) -> str:
    """The variable's label in the current language (for axes and tables)."""
    return _variable_row(name, variable)[f"label_{language or get_language()}"]


def _variable_row(name: str, variable: str) -> pd.Series:
    book = _codebook(_check_name(name)).set_index("variable")
    if variable not in book.index:
        raise RuralkitError(
            message("core.unknown_variable", dataset=name, name=variable,
                    choices=", ".join(book.index))
        )
    return book.loc[variable]


def _typed(frame: pd.DataFrame, book: pd.DataFrame, raw: bool) -> pd.DataFrame:
    out = {}
    for _, var in book.iterrows():
        col = frame[var["variable"]]
        kind = var["type"]
        if kind in ("category", "ordinal"):
            cats = list(_parse_labels(var["value_labels_en"]))
            col = pd.Categorical(col, categories=cats, ordered=kind == "ordinal")
        elif kind == "integer":
            col = col.astype("Int64")
        elif kind == "float":
            col = col.astype("float64")
        elif kind == "date":
            col = pd.to_datetime(col, format="%Y-%m-%d")
        elif kind == "boolean":
            col = col.astype("Int64").astype("boolean")
        elif kind == "item":
            col = col.astype("Int64")
            if not raw:
                codes = [int(c) for c in _parse_labels(var["missing_codes"])]
                col = col.mask(col.isin(codes))
        out[var["variable"]] = col
    return pd.DataFrame(out)


@lru_cache(maxsize=16)
def _read(name: str, variant: int | None, raw: bool) -> pd.DataFrame:
    if variant is None:
        source: Path | io.StringIO = data_dir() / f"{name}.csv"
    else:
        from .synth import generate, to_csv_text

        table = generate(variant, tables=(name,))[name]
        source = io.StringIO(to_csv_text(table))
    frame = pd.read_csv(source, dtype=str, keep_default_na=False, na_values=[""],
                        encoding="utf-8")
    typed = _typed(frame, _codebook(name), raw)
    typed.attrs["dataset"] = name  # what ruralkit.labelled and the charts label it from
    return typed


def load(name: str, *, raw: bool = False, variant: int | None = None) -> pd.DataFrame:
    """Load a bundled dataset by name (the ``load_*`` functions call this).

    Parameters
    ----------
    name : {"villages", "trust_survey", "disputes", "households"}
    raw : bool, default False
        Keep survey answers as collected (8 = don't know, 9 = refused) instead
        of turning those codes into NA.
    variant : int, optional
        Seed of a per-student variant of the county; default: the one chosen
        with :func:`set_variant`, else the bundled county.

    Returns
    -------
    DataFrame
        A fresh copy: changing it never changes what the next call returns.
    """
    name = _check_name(name, func="load")
    variant = get_variant() if variant is None else variant
    return _read(name, variant, bool(raw)).copy()


_LOADER_DOC = """Load the {name} table of Qingshan County.

{desc}

Parameters
----------
raw : bool, default False
    Keep survey codes 8 (don't know) and 9 (refused) instead of NA.
variant : int, optional
    Seed of a per-student variant (default: :func:`set_variant`'s choice).

Returns
-------
DataFrame
    Typed columns; see ``codebook("{name}")`` and ``data/README.md``.

Examples
--------
>>> import ruralkit as rk
>>> df = rk.load_{name}()
>>> list(df.columns) == rk.codebook("{name}")["variable"].tolist()
True
"""


def _make_loader(name: str):
    def loader(*, raw: bool = False, variant: int | None = None) -> pd.DataFrame:
        return load(name, raw=raw, variant=variant)

    loader.__name__ = loader.__qualname__ = f"load_{name}"
    loader.__doc__ = _LOADER_DOC.format(name=name, desc=DATASETS[name]["en"])
    return loader


load_villages = _make_loader("villages")
load_trust_survey = _make_loader("trust_survey")
load_disputes = _make_loader("disputes")
load_households = _make_loader("households")
