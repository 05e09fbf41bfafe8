"""Checking the columns a call names and coding their values, shared by every survey module.

Bad input is caught here with a message that names the argument, the column and
the rows, and says what to do (in the current language).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..i18n import Msg
from .errors import ColumnNotFoundError, NonNumericColumnError, SurveyError, SurveyTypeError

ColumnSpec = str | Sequence[str]

#: How the role of a column reads in messages ("weights column 'pw' ...").
ROLES = {
    "weights": "survey.role_weights",
    "strata": "survey.role_strata",
    "cluster": "survey.role_cluster",
    "fpc": "survey.role_fpc",
    "variable": "survey.role_variable",
    "by": "survey.role_by",
    "item": "survey.role_item",
    "between": "survey.role_between",
    "formula": "survey.role_formula",
    "n_col": "survey.role_n_col",
    "columns": "survey.role_columns",
}

#: The statistic named when a text column is given where numbers are needed.
PURPOSES = {
    "mean": "survey.purpose_mean",
    "total": "survey.purpose_total",
    "fpc": "survey.purpose_fpc",
    "scale score": "survey.purpose_scale_score",
    "reliability": "survey.purpose_reliability",
}

MAX_CATEGORIES = 1000
BLOCK_CELLS = 20_000_000  # rows x categories of indicators held at once (160 MB)


def as_list(cols: ColumnSpec | None) -> list[str]:
    """``None`` -> ``[]``, a name -> ``[name]``, a list/tuple/Index -> a list."""
    if cols is None:
        return []
    if isinstance(cols, list | tuple | pd.Index):
        return list(cols)
    return [cols]  # a single column name


def role(name: str) -> Msg:
    """The role of a column (``"weights"``) as it reads in a message."""
    return Msg(ROLES[name])


def check_columns(data: pd.DataFrame, cols: Sequence[str], role_name: str) -> None:
    """Raise a clear error unless every name in ``cols`` is a column of ``data``."""
    available = [str(c) for c in data.columns]
    for col in cols:
        if isinstance(col, pd.Series | pd.DataFrame | np.ndarray | list):
            example = getattr(col, "name", None) or "weight"
            raise SurveyTypeError.of("survey.name_not_column", arg=role_name, example=example,
                                     kind=type(col).__name__)
        if col not in data.columns:
            close = difflib.get_close_matches(str(col), available, n=3)
            hint = (Msg("survey.did_you_mean", names=", ".join(repr(c) for c in close))
                    if close else Msg.from_texts(""))
            shown = ", ".join(available[:30]) + (" ..." if len(available) > 30 else "")
            raise ColumnNotFoundError.of("survey.column_not_found", role=role(role_name),
                                         col=col, hint=hint, shown=shown)


def check_name(var: object) -> None:
    """A single column name (text or a number), not a list or a column."""
    if not isinstance(var, str | int):
        raise SurveyTypeError.of("survey.one_column_name", kind=type(var).__name__)


def check_level(level: object) -> float:
    """``level`` is the confidence level, strictly between 0 and 1."""
    if isinstance(level, bool) or not isinstance(level, int | float) or not 0 < level < 1:
        raise SurveyError.of("survey.level_range", level=level)
    return float(level)


def check_choice(value: object, name: str, choices: Sequence[str]) -> None:
    """Raise unless ``value`` is one of ``choices`` (an option such as ``family=``)."""
    if value not in choices:
        raise SurveyError.of("survey.bad_choice", name=name, value=value,
                             choices=", ".join(repr(c) for c in choices))


def row_labels(index: pd.Index, mask: np.ndarray, limit: int = 5) -> str:
    """The first few row labels where ``mask`` is true, for a message."""
    labels = [repr(x) for x in index[mask][:limit]]
    more = " ..." if int(mask.sum()) > limit else ""
    return ", ".join(labels) + more


def is_text(series: pd.Series) -> bool:
    """True for object, string and categorical columns."""
    dtype = series.dtype
    return bool(
        pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
        or isinstance(dtype, pd.CategoricalDtype)
    )


def numeric_values(series: pd.Series, name: str, purpose: str) -> np.ndarray:
    """Return ``series`` as float64 (NaN for missing) or raise a clear error."""
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("float64").to_numpy()
    if pd.api.types.is_object_dtype(series.dtype):
        present = series.dropna()
        if len(present) and present.map(lambda v: isinstance(v, bool | np.bool_)).all():
            # yes/no answers with gaps (None) end up as object: treat them as boolean
            return series.astype("boolean").astype("float64").to_numpy(na_value=np.nan)
    if is_text(series) or not pd.api.types.is_numeric_dtype(series.dtype):
        raise NonNumericColumnError.of("survey.text_not_numeric", name=name,
                                       dtype=str(series.dtype), purpose=Msg(PURPOSES[purpose]))
    return series.astype("float64").to_numpy(na_value=np.nan)


def group_codes(frame: pd.DataFrame, cols: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Integer code per row (-1 where a key is missing) and the sorted key table."""
    grouped = frame.groupby(cols, sort=True, observed=True, dropna=True)
    codes = grouped.ngroup().to_numpy()
    if codes.dtype.kind == "f":
        codes = np.where(np.isnan(codes), -1, codes)
    codes = codes.astype(np.int64)
    keys = grouped.size().index.to_frame(index=False)
    keys.columns = cols
    return codes, keys


def sort_key(x: object) -> tuple[int, object]:
    """Sort numbers before text without failing on mixed types."""
    if isinstance(x, bool | np.bool_):
        return (0, int(x))
    if isinstance(x, int | float | np.integer | np.floating):
        return (0, float(x))
    return (1, str(x))


def show_values(values: list, limit: int = 10) -> list:
    """Values for an error message: whole floats shown as ints (7 rather than 7.0)."""
    shown = sorted(values, key=sort_key)[:limit]
    return [int(v) if isinstance(v, float) and v.is_integer() else v for v in shown]


def category_codes(values: pd.Series) -> tuple[np.ndarray, list]:
    """Integer code of each answer (-1 where missing) and the sorted categories."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = list(values.cat.categories)
        codes = np.asarray(values.cat.codes, dtype=np.int64)
    else:
        categories = sorted(pd.unique(values.dropna()).tolist(), key=sort_key)
        if len(categories) > MAX_CATEGORIES:
            raise SurveyError.of("survey.too_many_categories", name=values.name,
                                 count=len(categories), limit=MAX_CATEGORIES)
        codes = np.asarray(pd.Categorical(values, categories=categories).codes, dtype=np.int64)
    return codes, categories


def category_blocks(n_rows: int, n_categories: int) -> list[tuple[int, int]]:
    """Split the categories into blocks so that the indicator matrix stays small."""
    size = max(1, BLOCK_CELLS // max(n_rows, 1))
    return [(i, min(i + size, n_categories)) for i in range(0, n_categories, size)]


def onehot(codes: np.ndarray, start: int, stop: int) -> np.ndarray:
    """Indicators of categories start..stop-1 (rows with other or missing codes are 0)."""
    ind = np.zeros((len(codes), stop - start))
    rows = np.flatnonzero((codes >= start) & (codes < stop))
    ind[rows, codes[rows] - start] = 1.0
    return ind
