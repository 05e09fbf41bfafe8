"""Coding the design columns: validate weights, strata, clusters and fpc, and encode them as arrays.

The validators behind :class:`~ruralkit.survey.design.Design`; each names the
column, the rows and what to do (messages from the survey catalogue).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from ..i18n import Msg
from .columns import group_codes, is_text, numeric_values, role, row_labels
from .errors import DesignError, LonelyPSUError, SurveyError, WeightError


def check_table(data: object) -> None:
    if not isinstance(data, pd.DataFrame):
        raise SurveyError.of("survey.data_not_frame", kind=type(data).__name__)
    if len(data) == 0:
        raise DesignError.of("survey.data_empty")


def check_labels_present(data: pd.DataFrame, cols: list[str], role_name: str) -> None:
    """Every respondent needs a stratum and a cluster label."""
    for col in cols:
        miss = data[col].isna().to_numpy()
        if miss.any():
            raise DesignError.of("survey.label_missing", role=role(role_name), col=col,
                                 count=int(miss.sum()), rows=row_labels(data.index, miss))


def code_strata(data: pd.DataFrame, cols: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    if cols:
        return group_codes(data, cols)
    return np.zeros(len(data), dtype=np.int64), pd.DataFrame({"stratum": ["(all)"]})


def code_psus(data: pd.DataFrame, cols: list[str], stratum: np.ndarray, nest: bool) -> np.ndarray:
    if not cols:
        return np.arange(len(data), dtype=np.int64)
    psu_frame = data[cols]
    if nest:
        psu_frame = psu_frame.assign(__stratum__=stratum)
    psu, _ = group_codes(psu_frame, list(psu_frame.columns))
    return psu


def check_nested(data: pd.DataFrame, cols: list[str], crossing: np.ndarray) -> None:
    """A PSU label found in several strata is an error unless ``nest=True`` (R: check.strata)."""
    if crossing.any():
        label = data[cols].iloc[int(np.flatnonzero(crossing)[0])].tolist()
        raise DesignError.of("survey.cluster_in_two_strata",
                             cluster=label if len(label) > 1 else label[0])


def population_sizes(
    data: pd.DataFrame, fpc: str | None, stratum: np.ndarray, n_h: np.ndarray, label: Any
) -> np.ndarray | None:
    """``N_h`` per stratum from the fpc column (population sizes or sampling fractions)."""
    if fpc is None:
        return None
    values = numeric_values(data[fpc], fpc, "fpc")
    miss = np.isnan(values)
    if miss.any():
        raise DesignError.of("survey.fpc_missing", col=fpc, count=int(miss.sum()),
                             rows=row_labels(data.index, miss))
    n_strata = len(n_h)
    lo = np.full(n_strata, np.inf)
    hi = np.full(n_strata, -np.inf)
    np.minimum.at(lo, stratum, values)
    np.maximum.at(hi, stratum, values)
    varying = ~np.isclose(lo, hi, rtol=1e-9, atol=0.0)
    if varying.any():
        raise DesignError.of("survey.fpc_varies", col=fpc,
                             stratum=label(int(np.flatnonzero(varying)[0])))
    if np.any(values <= 0):
        raise DesignError.of("survey.fpc_not_positive", col=fpc)
    if np.any(values > 1) and np.any(values < 1):
        raise DesignError.of("survey.fpc_mixed", col=fpc)
    popsize = lo if np.any(values > 1) else n_h / lo
    too_small = popsize < n_h * (1 - 1e-12)
    if too_small.any():
        raise DesignError.of("survey.fpc_too_small", col=fpc,
                             stratum=label(int(np.flatnonzero(too_small)[0])))
    return popsize


def weights_of_rows(
    data: pd.DataFrame, weights: str | None, popsize: np.ndarray | None, n_h: np.ndarray,
    stratum: np.ndarray,
) -> np.ndarray:
    """The weight of each row: the weights column, else ``N_h / n_h`` from the fpc, else 1."""
    if weights is not None:
        w = _weights_column(data, weights)
    elif popsize is not None:
        w = (popsize / n_h)[stratum]
    else:
        warnings.warn(Msg("survey.no_weights").render(), UserWarning, stacklevel=3)
        w = np.ones(len(data))
    return np.ascontiguousarray(w, dtype=np.float64)


def _weights_column(data: pd.DataFrame, col: str) -> np.ndarray:
    series = data[col]
    if is_text(series) or not (pd.api.types.is_numeric_dtype(series.dtype)
                               or pd.api.types.is_bool_dtype(series.dtype)):
        raise WeightError.of("survey.weights_text", col=col, dtype=str(series.dtype))
    w = series.astype("float64").to_numpy(na_value=np.nan)
    for key, bad in (("survey.weights_missing", np.isnan(w)), ("survey.weights_negative", w < 0)):
        if bad.any():
            raise WeightError.of(key, col=col, count=int(bad.sum()),
                                 rows=row_labels(data.index, bad))
    if not (w > 0).any():
        raise WeightError.of("survey.weights_all_zero", col=col)
    if not np.all(np.isfinite(w)):
        raise WeightError.of("survey.weights_infinite", col=col)
    return w


def check_lonely(n_h: np.ndarray, label: Any) -> None:
    """``lonely_psu="fail"``: name the strata with a single PSU (R's default)."""
    idx = np.flatnonzero(n_h == 1)
    if len(idx) == 0:
        return
    extra = len(idx) - 5
    raise LonelyPSUError.of(
        "survey.lonely_psu" if len(idx) > 1 else "survey.lonely_psu_one", count=len(idx),
        names=", ".join(label(int(i)) for i in idx[:5]),
        more=Msg("survey.and_more", extra=extra) if extra > 0 else Msg.from_texts(""),
    )


def same_values(now: np.ndarray, saved: np.ndarray) -> bool:
    if now.shape != saved.shape:
        return False
    if now.dtype == saved.dtype and now.dtype.kind in "biuf":
        return bool(np.array_equal(now, saved, equal_nan=now.dtype.kind == "f"))
    return pd.Series(now).equals(pd.Series(saved))
