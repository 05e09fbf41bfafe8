"""Checking and coding the input of the income estimators: columns, outcome, design matrix.

Everything a user can get wrong is caught here, before any linear algebra, and
reported with a catalogue message that names the column and says what to do
(``income.*`` in ``ruralkit/i18n/locale/zh/LC_MESSAGES/income.po``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..i18n import join
from .errors import IncomeError

_CATEGORICAL_SPEC = re.compile(r"^C\((?P<name>.+)\)$")
#: A column is collinear with the others when its part not explained by them is
#: below this share of its (uncentred) sum of squares.
COLLINEAR_TOL = 1e-10
#: Largest design matrix coded as dummies (cells): 2.5e8 floats are 2 GB.
MAX_CELLS = 250_000_000


@dataclass
class Design:
    """A coded design: float matrix, its column names and the feature of each column."""

    X: np.ndarray
    names: list[str]
    feature_of: list[str]


def as_list(columns: str | Iterable[str] | None) -> list[str]:
    """``"a"`` -> ``["a"]``, ``None`` -> ``[]``, an iterable -> a list."""
    if columns is None:
        return []
    if isinstance(columns, str):
        return [columns]
    return list(columns)


def feature_column(spec: str) -> tuple[str, bool]:
    """``"C(x)"`` -> ``("x", True)`` (forced categorical), ``"x"`` -> ``("x", False)``."""
    match = _CATEGORICAL_SPEC.match(spec.strip())
    return (match["name"].strip(), True) if match else (spec, False)


def check_columns(df: pd.DataFrame, roles: dict[str, Sequence[str]]) -> None:
    """Every named column exists; ``roles`` maps a role (``"features"``) to its columns."""
    if not isinstance(df, pd.DataFrame):
        raise IncomeError.of("income.not_a_frame", kind=type(df).__name__)
    for role, columns in roles.items():
        for column in columns:
            if column not in df.columns:
                shown = join([repr(str(c)) for c in list(df.columns)[:30]])
                raise IncomeError.of("income.column_not_found", column=column, role=role,
                                     columns=shown)


def is_categorical(series: pd.Series) -> bool:
    """Text, category and object columns are categories; numbers and booleans are not."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return True
    return not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series))


def numeric(series: pd.Series, role: str) -> np.ndarray:
    """The column as float64 (booleans as 0/1, missing as NaN), or an error if it is text."""
    if is_categorical(series):
        example = series.dropna().iloc[0] if series.notna().any() else ""
        raise IncomeError.of("income.non_numeric", column=series.name, role=role,
                             example=repr(example))
    return series.astype("float64").to_numpy(dtype="float64", na_value=np.nan)


def complete_rows(df: pd.DataFrame, columns: Iterable[str]) -> np.ndarray:
    """Boolean mask of the rows with no missing value in ``columns``."""
    columns = list(dict.fromkeys(columns))
    keep = df[columns].notna().all(axis=1).to_numpy()
    if not keep.any():
        raise IncomeError.of("income.no_rows", columns=join([repr(c) for c in columns]))
    return keep


def outcome_values(df: pd.DataFrame, outcome: str, keep: np.ndarray, log: bool) -> np.ndarray:
    """The outcome of the rows kept, logged when ``log`` (an error for values <= 0)."""
    y = numeric(df[outcome][keep], "outcome")
    if not log:
        return y
    bad = y <= 0
    if bad.any():
        labels = df.index[keep][bad]
        raise IncomeError.of("income.nonpositive_outcome", outcome=outcome, n=int(bad.sum()),
                             total=len(y), rows=", ".join(map(str, labels[:5])))
    return np.log(y)


def weights_values(df: pd.DataFrame, weights: str, keep: np.ndarray) -> np.ndarray:
    """Positive weights of the rows kept, or an error naming how many are not."""
    w = numeric(df[weights][keep], "weights")
    bad = ~(w > 0)
    if bad.any():
        raise IncomeError.of("income.bad_weights", weights=weights, n=int(bad.sum()))
    return w


def _dummies(series: pd.Series, name: str, forced: bool) -> tuple[np.ndarray, list[str]]:
    """Treatment-coded dummies, first observed level as reference (as statsmodels' C())."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        cat = series.cat.remove_unused_categories().array
    else:  # sorted levels, as statsmodels' C() orders them
        cat = pd.Categorical(series.to_numpy(dtype=object) if forced
                             else series.astype(str).to_numpy())
    levels, codes = list(cat.categories), np.asarray(cat.codes)
    if len(levels) < 2:
        raise IncomeError.of("income.constant_feature", feature=name,
                             value=repr(levels[0]) if levels else "-", n=len(series))
    if len(series) * (len(levels) - 1) > MAX_CELLS:
        gb = len(series) * (len(levels) - 1) * 8 / 1e9
        raise IncomeError.of("income.too_many_levels", feature=name, levels=len(levels),
                             n=len(series), gb=f"{gb:,.0f}")
    X = (codes[:, None] == np.arange(1, len(levels))[None, :]).astype("float64")
    return X, [f"{name}[T.{level}]" for level in levels[1:]]


def design_matrix(df: pd.DataFrame, features: Sequence[str], keep: np.ndarray,
                  *, intercept: bool = True) -> Design:
    """Code the features of the rows kept: numbers as they are, categories as dummies.

    A feature is categorical when its column holds text or categories, or when it
    is written ``"C(column)"``. Constant features and perfectly collinear terms
    raise :class:`IncomeError`.
    """
    blocks, names, owners = [], [], []
    n = int(keep.sum())
    if intercept:
        blocks.append(np.ones((n, 1)))
        names.append("Intercept")
        owners.append("Intercept")
    for spec in features:
        column, forced = feature_column(spec)
        series = df[column][keep]
        if forced or is_categorical(series):
            X, cols = _dummies(series, column, forced)
        else:
            x = numeric(series, "features")
            if n and np.ptp(x) == 0:
                raise IncomeError.of("income.constant_feature", feature=column,
                                     value=repr(float(x[0])), n=n)
            X, cols = x[:, None], [column]
        blocks.append(X)
        names.extend(cols)
        owners.extend([column] * len(cols))
    # Column-major: LAPACK's layout, so statsmodels' SVD needs no transposed copy
    # (about 20% faster at a million rows; benchmarks/bench_income.py).
    X = np.empty((n, len(names)), order="F")
    start = 0
    for block in blocks:
        X[:, start:start + block.shape[1]] = block
        start += block.shape[1]
    design = Design(X, names, owners)
    check_collinear(design.X, design.names)
    return design


def collinear_terms(gram: np.ndarray) -> list[tuple[int, list[int]]]:
    """Columns (of the matrix whose Gram matrix is ``gram``) explained by earlier ones.

    Adds the columns one by one and keeps those with a part not explained by the
    kept ones; returns ``(column, [the kept columns it is made of])`` for the
    others. ``gram`` is K x K, so this costs nothing next to forming it.
    """
    scale = np.sqrt(np.clip(np.diag(gram), 1e-300, None))
    g = gram / scale[:, None] / scale[None, :]
    kept: list[int] = []
    dependent: list[tuple[int, list[int]]] = []
    for j in range(g.shape[0]):
        if kept:
            gss = g[np.ix_(kept, kept)]
            b = np.linalg.solve(gss, g[kept, j])
            resid = g[j, j] - g[j, kept] @ b
        else:
            b, resid = np.empty(0), g[j, j]
        if resid < COLLINEAR_TOL:
            parts = [kept[i] for i in np.flatnonzero(np.abs(b) > 1e-6)]
            dependent.append((j, parts))
        else:
            kept.append(j)
    return dependent


def check_collinear(X: np.ndarray, names: Sequence[str]) -> None:
    """Raise ``income.collinear`` naming the first term that others make up exactly."""
    if X.shape[1] == 0:
        return
    dependent = collinear_terms(X.T @ X)
    if dependent:
        j, parts = dependent[0]
        others = join([repr(names[i]) for i in parts]) if parts else "-"
        raise IncomeError.of("income.collinear", term=names[j], others=others)


def cluster_codes(df: pd.DataFrame, cluster: str, keep: np.ndarray) -> np.ndarray:
    """Integer codes 0..G-1 of the cluster column for the rows kept."""
    codes, _ = pd.factorize(df[cluster][keep], sort=True)
    return codes.astype(np.intp)
