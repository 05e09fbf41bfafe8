"""Checks of the input to the prediction helpers, each failing with a bilingual message.

A user's mistake (an unknown column, a constant feature, income of zero or
below with a log outcome, fewer villages than folds) is caught here, before
scikit-learn sees the data, and raised as :class:`PredictionInputError` whose
text comes from ``ruralkit/i18n/locale/zh/LC_MESSAGES/income.po``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from ..i18n import Msg
from .errors import IncomeError

__all__ = [
    "PredictionInputError",
    "check_columns",
    "check_frame",
    "design_frame",
    "first_rows",
    "is_categorical",
]

#: The catalogue entries that name each argument holding column names.
ROLES = {"outcome": "income.role_outcome", "features": "income.role_features",
         "groups": "income.role_groups", "columns": "income.role_columns",
         "by": "income.role_by"}
#: How many row labels a message lists before it says "...".
MAX_ROWS_SHOWN = 5


class PredictionInputError(IncomeError):
    """Bad input to :func:`~ruralkit.income.fit_model` and its helpers (a ``ValueError``)."""


def first_rows(index: Iterable) -> str:
    """Row labels for a message: the first few, then how many more.

    Examples
    --------
    >>> first_rows([3, 8, 9, 12, 20, 21, 30])
    '3, 8, 9, 12, 20 … (+2)'
    """
    labels = list(index)
    shown = ", ".join(str(v) for v in labels[:MAX_ROWS_SHOWN])
    more = len(labels) - MAX_ROWS_SHOWN
    return shown if more <= 0 else f"{shown} … (+{more})"


def check_frame(df: object, func: str) -> pd.DataFrame:
    """``df`` itself when it is a DataFrame, else a TypeError naming the function."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{func}() takes a pandas DataFrame as df, not {type(df).__name__}.")
    return df


def check_columns(df: pd.DataFrame, role: str, columns: Sequence[str]) -> list[str]:
    """The columns as a list, after checking each is in ``df`` (message names the role)."""
    names = [columns] if isinstance(columns, str) else list(columns)
    for name in names:
        if name not in df.columns:
            raise PredictionInputError.of(
                "core.unknown_column", what=Msg(ROLES[role]), column=name,
                choices=", ".join(map(str, df.columns)))
    return names


def is_categorical(column: pd.Series) -> bool:
    """Whether a feature is one-hot encoded: text or category (booleans count as numbers)."""
    if pd.api.types.is_bool_dtype(column.dtype):
        return False
    return not pd.api.types.is_numeric_dtype(column.dtype)


def _check_missing(df: pd.DataFrame, names: Sequence[str]) -> None:
    for name in names:
        missing = df[name].isna().to_numpy()
        if missing.any():
            raise PredictionInputError.of("income.fit_missing_values", column=name,
                                          n=int(missing.sum()),
                                          rows=first_rows(df.index[missing]))


def _check_constant(df: pd.DataFrame, features: Sequence[str]) -> None:
    for name in features:
        values = pd.unique(df[name])
        if len(values) <= 1:
            raise PredictionInputError.of("income.fit_constant_feature", column=name,
                                          value=values[0] if len(values) else "—")


def design_frame(df: pd.DataFrame, features: Sequence[str]) -> tuple[pd.DataFrame, list[str]]:
    """The features as scikit-learn takes them, and the names of the categorical ones.

    Numbers (nullable integers and booleans included) become ``float64``; text
    and categories become ``object`` columns of strings, for one-hot encoding.
    """
    out = {}
    categorical = []
    for name in features:
        col = df[name]
        if is_categorical(col):
            out[name] = col.astype(str).astype(object)
            categorical.append(name)
        else:
            out[name] = col.astype("float64")
    return pd.DataFrame(out, index=df.index), categorical


def check_fit_input(df: pd.DataFrame, *, outcome: str, features: Sequence[str], model: str,
                    groups: str, folds: object, log_outcome: bool) -> list[str]:
    """Everything :func:`~ruralkit.income.fit_model` checks; returns the features as a list."""
    if model not in ("gbm", "linear"):
        raise PredictionInputError.of("income.fit_unknown_model", model=model)
    if isinstance(folds, bool) or not isinstance(folds, int | np.integer) or folds < 2:
        raise PredictionInputError.of("income.fit_bad_folds", folds=folds)
    check_columns(df, "outcome", [outcome])
    features = check_columns(df, "features", features)
    check_columns(df, "groups", [groups])
    if not features:
        raise PredictionInputError.of("income.fit_no_features", outcome=outcome)
    if outcome in features:
        raise PredictionInputError.of("income.fit_outcome_is_feature", column=outcome)
    y = df[outcome]
    if pd.api.types.is_bool_dtype(y.dtype) or not pd.api.types.is_numeric_dtype(y.dtype):
        raise PredictionInputError.of("income.fit_outcome_not_numeric", column=outcome,
                                      dtype=str(y.dtype))
    _check_missing(df, [outcome, *features, groups])
    if log_outcome:
        bad = (y.to_numpy(dtype="float64") <= 0)
        if bad.any():
            raise PredictionInputError.of("income.fit_nonpositive_log", column=outcome,
                                          n=int(bad.sum()), rows=first_rows(df.index[bad]))
    _check_constant(df, features)
    n_groups = df[groups].nunique()
    if n_groups < folds:
        raise PredictionInputError.of("income.fit_too_few_groups", folds=int(folds),
                                      column=groups, n=int(n_groups))
    return features
