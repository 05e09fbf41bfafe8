"""Design-based estimation for complex survey samples.

This module reproduces the core of Thomas Lumley's R package ``survey`` for
one-stage (ultimate-cluster) designs: stratified, clustered and weighted
samples with an optional finite population correction.  Standard errors come
from Taylor linearisation of the primary sampling unit (PSU) totals within
strata, exactly as R's ``svydesign()`` / ``svymean()`` / ``svytotal()`` /
``svyby()`` compute them, and confidence intervals use a t distribution with
the design degrees of freedom (#PSUs - #strata, R's ``degf()``).

Everything is vectorised over domains: the PSU totals of the linearised scores
are aggregated per (PSU, domain) pair, and PSUs without any respondent in a
domain enter the within-stratum centring analytically, so a million
respondents in 40,000 domains take about a second.

Design-based regression (:meth:`Design.glm`, R's ``svyglm()``) fits the model
with statsmodels and linearises its estimating functions with the same PSU
machinery.

The module needs only numpy, pandas and scipy (statsmodels and patsy only for
:meth:`Design.glm`, imported when it is called).  Of ``ruralkit`` it imports
only the language setting :mod:`ruralkit.i18n`, for error messages in English or
Chinese; copied into another project on its own it speaks English.

Examples
--------
>>> import pandas as pd
>>> from ruralkit.survey import Design
>>> df = pd.DataFrame({
...     "township": ["A", "A", "A", "A", "B", "B", "B", "B"],
...     "village": [1, 1, 2, 2, 3, 3, 4, 4],
...     "w": [10.0, 10.0, 12.0, 12.0, 8.0, 8.0, 9.0, 9.0],
...     "trust": [3, 4, 2, 5, 4, 4, 1, 3],
... })
>>> d = Design(df, weights="w", strata="township", cluster="village")
>>> d.mean("trust")[["estimate", "se", "n"]].round(3)
   estimate     se  n
0     3.256  0.443  8
"""

from __future__ import annotations

import difflib
import math
import re
import warnings
from collections.abc import Hashable, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import special, stats

try:
    from .i18n import pick as _pick
except ImportError:  # module copied outside ruralkit: messages in English

    def _pick(texts):
        return texts["en"]


__all__ = [
    "ColumnNotFoundError",
    "DataChangedError",
    "Design",
    "DesignError",
    "GLMResult",
    "LonelyPSUError",
    "NonNumericColumnError",
    "SurveyError",
    "WeightError",
    "cronbach_alpha",
    "likert_table",
    "scale_score",
    "suppress_small_cells",
]

LonelyPSU = Literal["fail", "adjust", "remove", "certainty"]
ColumnSpec = str | Sequence[str]

_ESTIMATE_COLUMNS = (
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "deff",
    "share",
    "p_value",
    "estimate_a",
    "estimate_b",
    "se_a",
    "se_b",
)


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


class SurveyError(ValueError):
    """Base class for the errors raised by :mod:`ruralkit.survey`."""


class ColumnNotFoundError(SurveyError):
    """A column named in a call is not in the data."""


class WeightError(SurveyError):
    """The weights column has missing, negative or non-numeric values."""


class LonelyPSUError(SurveyError):
    """A stratum has only one PSU, so its variance cannot be estimated."""


class DesignError(SurveyError):
    """The design columns are inconsistent (missing values, fpc, nesting)."""


class DataChangedError(SurveyError):
    """The rows or design columns of a Design's table changed after it was built."""


class NonNumericColumnError(TypeError):
    """A text column was passed where numbers are needed."""


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def _as_list(cols: ColumnSpec | None) -> list[str]:
    if cols is None:
        return []
    if isinstance(cols, list | tuple | pd.Index):
        return list(cols)
    return [cols]  # a single column name


# How the roles passed to _check_columns read in Chinese error messages.
_ROLE_ZH = {
    "weights": "权重 (weights) 列",
    "strata": "层 (strata) 列",
    "cluster": "群 (cluster) 列",
    "fpc": "有限总体校正 (fpc) 列",
    "variable": "变量列",
    "by": "分组 (by) 列",
    "item": "题目列",
    "between": "比较组 (between) 列",
    "formula": "公式中的列",
    "n_col": "样本量 (n_col) 列",
    "columns": "列 (columns)",
}

# The statistic named in NonNumericColumnError messages, in Chinese.
_PURPOSE_ZH = {
    "mean": "均值",
    "total": "总数",
    "finite population correction": "有限总体校正",
    "scale score": "量表得分",
    "reliability": "信度",
    "regression": "回归",
}


def _check_columns(data: pd.DataFrame, cols: Sequence[str], role: str) -> None:
    available = [str(c) for c in data.columns]
    for col in cols:
        if isinstance(col, pd.Series | pd.DataFrame | np.ndarray | list):
            example = getattr(col, "name", None) or "weight"
            raise TypeError(_pick({
                "en": (
                    f"{role}: give the column's name as text, e.g. {role}={example!r}, "
                    f"not the column itself (got a {type(col).__name__})."
                ),
                "zh": (
                    f"{role}：请写列名（文字），例如 {role}={example!r}，"
                    f"而不是列本身（收到的是 {type(col).__name__}）。"
                ),
            }))
        if col not in data.columns:
            close = difflib.get_close_matches(str(col), available, n=3)
            names = ", ".join(repr(c) for c in close)
            shown = ", ".join(available[:30]) + (" ..." if len(available) > 30 else "")
            raise ColumnNotFoundError(_pick({
                "en": (
                    f"{role} column {col!r} is not in the data."
                    + (f" Did you mean {names}?" if close else "")
                    + f" Available columns: {shown}."
                ),
                "zh": (
                    f"{_ROLE_ZH.get(role, role + ' 列')} {col!r} 不在数据中。"
                    + (f"您是不是想用 {names}？" if close else "")
                    + f"可用的列：{shown}。"
                ),
            }))


def _row_labels(index: pd.Index, mask: np.ndarray, limit: int = 5) -> str:
    labels = [repr(x) for x in index[mask][:limit]]
    more = " ..." if int(mask.sum()) > limit else ""
    return ", ".join(labels) + more


def _is_text(series: pd.Series) -> bool:
    dtype = series.dtype
    return bool(
        pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
        or isinstance(dtype, pd.CategoricalDtype)
    )


def _numeric_values(series: pd.Series, name: str, purpose: str) -> np.ndarray:
    """Return ``series`` as float64 (NaN for missing) or raise a clear TypeError."""
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("float64").to_numpy()
    if pd.api.types.is_object_dtype(series.dtype):
        present = series.dropna()
        if len(present) and present.map(lambda v: isinstance(v, bool | np.bool_)).all():
            # yes/no answers with gaps (None) end up as object: treat them as boolean
            return series.astype("boolean").astype("float64").to_numpy(na_value=np.nan)
    if _is_text(series) or not pd.api.types.is_numeric_dtype(series.dtype):
        raise NonNumericColumnError(_pick({
            "en": (
                f"column {name!r} holds text (dtype {series.dtype}), so a {purpose} is not "
                f"defined. Use .proportion({name!r}) for the share of each answer, or convert "
                f"coded answers to numbers first, e.g. "
                f"df[{name!r}] = pd.to_numeric(df[{name!r}])."
            ),
            "zh": (
                f"列 {name!r} 是文字（类型 {series.dtype}），不能计算"
                f"{_PURPOSE_ZH.get(purpose, purpose)}。要看每种回答所占的比例，请用 "
                f".proportion({name!r})；如果回答是数字编码，请先转成数字，例如 "
                f"df[{name!r}] = pd.to_numeric(df[{name!r}])。"
            ),
        }))
    return series.astype("float64").to_numpy(na_value=np.nan)


def _group_codes(frame: pd.DataFrame, cols: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Integer code per row (-1 where a key is missing) and the sorted key table."""
    grouped = frame.groupby(cols, sort=True, observed=True, dropna=True)
    codes = grouped.ngroup().to_numpy()
    if codes.dtype.kind == "f":
        codes = np.where(np.isnan(codes), -1, codes)
    codes = codes.astype(np.int64)
    keys = grouped.size().index.to_frame(index=False)
    keys.columns = cols
    return codes, keys


def _plain_numeric(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable booleans and numbers as float64 with NaN, which patsy understands.

    A boolean becomes a 0/1 number, so its coefficient is named after the column.
    """
    types = pd.api.types
    nullable = [
        c for c, dt in frame.dtypes.items()
        if types.is_bool_dtype(dt)
        or (types.is_extension_array_dtype(dt) and types.is_numeric_dtype(dt))
    ]
    if not nullable:
        return frame
    return frame.assign(**{c: frame[c].astype("float64") for c in nullable})


def _logit_interval(p: np.ndarray, se: np.ndarray, t: float) -> tuple[np.ndarray, np.ndarray]:
    """Interval for a share on the logit scale, as R's ``svyciprop(method="logit")``.

    ``expit(logit(p) +/- t * se / (p (1 - p)))``; it stays inside [0, 1]. At p = 0
    or 1, or with se = 0, the interval is the point itself.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        half = t * se / (p * (1 - p))
        lo = _expit(special.logit(p) - half)
        hi = _expit(special.logit(p) + half)
    edge = (p <= 0) | (p >= 1) | (se == 0)
    return np.where(edge, p, lo), np.where(edge, p, hi)


def _expit(x: np.ndarray) -> np.ndarray:
    return special.expit(x)


# ---------------------------------------------------------------------------
# The design
# ---------------------------------------------------------------------------


class Design:
    """A one-stage complex survey design, as R's ``svydesign()``.

    The PSUs (``cluster``) are treated as sampled with replacement within
    strata (or without replacement when ``fpc`` is given), and everything below
    the PSU is summarised by the PSU totals of the linearised scores (the
    "ultimate cluster" variance estimator).  A two-stage sample such as R's
    ``apiclus2`` declared without an fpc gives the same answers as R's
    ``svydesign(id=~psu+ssu, weights=...)``; second-stage fpc terms are not
    supported.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent. It is kept by reference and never modified.
    weights : str, optional
        Column of sampling weights (inverse inclusion probabilities).  When it
        is missing and ``fpc`` is given, the weights are implied as
        ``N_h / n_h`` (population over sample PSUs per stratum), as in R.  When
        both are missing every row gets weight 1 and a warning is issued.
    strata : str or list of str, optional
        Stratum column(s); several columns define strata by their combination.
    cluster : str or list of str, optional
        PSU column(s) (e.g. the village).  Several columns identify a PSU by
        their combination (this does not declare a multi-stage design).
        Without it every row is its own PSU.
    fpc : str, optional
        Finite population correction, constant within each stratum: either the
        number of PSUs in the stratum's population ``N_h`` (values > 1) or the
        sampling fraction ``n_h / N_h`` (all values <= 1), exactly as R.
    nest : bool, default False
        PSU labels are only unique within strata (village 1 of township A is
        not village 1 of township B).  As R's ``nest=TRUE``.  Without it, a PSU
        label found in two strata is an error.
    lonely_psu : {"fail", "adjust", "remove", "certainty"}, default "fail"
        What to do with a stratum that has a single PSU (R's
        ``options(survey.lonely.psu=)``, whose default is also ``"fail"``):

        * ``"fail"`` raises :class:`LonelyPSUError` naming the strata, as
          soon as the Design is built;
        * ``"adjust"`` squares that PSU's score total without centring it on
          a stratum mean (R's ``"adjust"``; for means and proportions the
          scores are centred at the overall estimate, so the PSU is compared
          with the grand mean: a conservative choice);
        * ``"remove"`` and ``"certainty"`` let the stratum contribute nothing
          to the variance (in R 4.1 both give the same variance).

    Attributes
    ----------
    data : pandas.DataFrame
    degf : int
        Design degrees of freedom, #PSUs - #strata (R's ``degf()``).
    n_psu, n_strata : int
    weights : numpy.ndarray

    Notes
    -----
    Variance of an estimated total of the score ``u`` (``u_i = w_i y_i`` for a
    total, ``u_i = w_i (y_i - ybar) / sum(w)`` for a mean) is::

        V = sum_h (1 - f_h) n_h / (n_h - 1) sum_{i in h} (z_hi - zbar_h)^2

    with ``z_hi`` the PSU totals of ``u`` and ``f_h = n_h / N_h`` (0 without
    fpc).  Strata whose sampling fraction is 1 contribute nothing.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"village": [1, 1, 2, 2, 3, 3], "w": [5.0] * 6,
    ...                    "y": [1, 0, 1, 1, 0, 0]})
    >>> d = Design(df, weights="w", cluster="village")
    >>> d.degf
    2
    """

    def __init__(
        self,
        data: pd.DataFrame,
        *,
        weights: str | None = None,
        strata: ColumnSpec | None = None,
        cluster: ColumnSpec | None = None,
        fpc: str | None = None,
        nest: bool = False,
        lonely_psu: LonelyPSU = "fail",
    ) -> None:
        if not isinstance(data, pd.DataFrame):
            raise TypeError(f"data must be a pandas DataFrame, not {type(data).__name__}")
        if lonely_psu not in ("fail", "adjust", "remove", "certainty"):
            raise ValueError(
                f"lonely_psu must be 'fail', 'adjust', 'remove' or 'certainty', not {lonely_psu!r}"
            )
        if len(data) == 0:
            raise DesignError("data has no rows")
        self.data = data
        self.weights_col = weights
        self.strata_cols = _as_list(strata)
        self.cluster_cols = _as_list(cluster)
        self.fpc_col = fpc
        self.nest = bool(nest)
        self.lonely_psu: LonelyPSU = lonely_psu

        _check_columns(data, [weights] if weights is not None else [], "weights")
        _check_columns(data, self.strata_cols, "strata")
        _check_columns(data, self.cluster_cols, "cluster")
        _check_columns(data, [fpc] if fpc is not None else [], "fpc")

        n = len(data)
        for role, cols in (("strata", self.strata_cols), ("cluster", self.cluster_cols)):
            for col in cols:
                miss = data[col].isna().to_numpy()
                if miss.any():
                    role_zh = "层" if role == "strata" else "群"
                    raise DesignError(_pick({
                        "en": (
                            f"{role} column {col!r} has {int(miss.sum())} missing values "
                            f"(rows {_row_labels(data.index, miss)}); every respondent needs a "
                            f"{role} label: fill them in or drop those rows before building "
                            f"the Design."
                        ),
                        "zh": (
                            f"{_ROLE_ZH[role]} {col!r} 有 {int(miss.sum())} 个缺失值"
                            f"（行 {_row_labels(data.index, miss)}）。每位受访者都要有所属"
                            f"{role_zh}的标签：请先补上，或删掉这些行，再建立 Design。"
                        ),
                    }))

        # strata codes ------------------------------------------------------
        if self.strata_cols:
            stratum, strata_keys = _group_codes(data, self.strata_cols)
        else:
            stratum = np.zeros(n, dtype=np.int64)
            strata_keys = pd.DataFrame({"stratum": ["(all)"]})
        self._strata_keys = strata_keys
        n_strata = len(strata_keys)

        # PSU codes ----------------------------------------------------------
        if self.cluster_cols:
            psu_frame = data[self.cluster_cols]
            if self.nest and self.strata_cols:
                psu_frame = psu_frame.assign(__stratum__=stratum)
            psu, _ = _group_codes(psu_frame, list(psu_frame.columns))
        else:
            psu = np.arange(n, dtype=np.int64)
        n_psu = int(psu.max()) + 1
        psu_stratum = np.full(n_psu, -1, dtype=np.int64)
        psu_stratum[psu] = stratum
        # a PSU label found in several strata is an error (R: check.strata)
        if self.cluster_cols and self.strata_cols and not self.nest:
            crossing = psu_stratum[psu] != stratum
            if crossing.any():
                first = np.flatnonzero(crossing)[0]
                label = data[self.cluster_cols].iloc[first].tolist()
                shown = label if len(label) > 1 else label[0]
                raise DesignError(_pick({
                    "en": (
                        f"cluster {shown!r} appears in more than one stratum. That is expected "
                        f"when the same village is drawn again in another survey wave (strata "
                        f"= year x township), or when cluster labels restart in each stratum "
                        f"(village 1 of every township): then pass nest=True, so that a "
                        f"cluster is told apart by its stratum. If a cluster really should sit "
                        f"in one stratum only, check the strata column."
                    ),
                    "zh": (
                        f"群 {shown!r} 出现在不止一个层里。如果同一个村在不同年份的调查中"
                        f"再次被抽到（层 = 年份 × 乡镇），或者各层的群编号都从 1 开始，"
                        f"这是正常的：请加上 nest=True，让群按所在的层区分。"
                        f"如果一个群本应只属于一个层，请检查层变量。"
                    ),
                }))
        self._stratum = stratum
        self._psu = psu
        self._psu_stratum = psu_stratum
        n_h = np.bincount(psu_stratum, minlength=n_strata).astype(np.int64)
        self._n_h = n_h

        # fpc ------------------------------------------------------------------
        popsize = None
        if fpc is not None:
            fpc_values = _numeric_values(data[fpc], fpc, "finite population correction")
            miss = np.isnan(fpc_values)
            if miss.any():
                raise DesignError(
                    f"fpc column {fpc!r} has {int(miss.sum())} missing values "
                    f"(rows {_row_labels(data.index, miss)})."
                )
            lo = np.full(n_strata, np.inf)
            hi = np.full(n_strata, -np.inf)
            np.minimum.at(lo, stratum, fpc_values)
            np.maximum.at(hi, stratum, fpc_values)
            varying = ~np.isclose(lo, hi, rtol=1e-9, atol=0.0)
            if varying.any():
                bad = self._stratum_label(int(np.flatnonzero(varying)[0]))
                raise DesignError(
                    f"fpc column {fpc!r} varies within stratum {bad}: it must hold one value "
                    f"per stratum (the stratum's population size N_h, or the sampling fraction)."
                )
            if np.any(fpc_values <= 0):
                raise DesignError(f"fpc column {fpc!r} has values <= 0.")
            if np.any(fpc_values > 1):
                if np.any(fpc_values < 1):
                    raise DesignError(
                        f"fpc column {fpc!r} mixes sampling fractions (<= 1) and population "
                        f"sizes (> 1); use one or the other, as R does."
                    )
                popsize = lo
            else:
                popsize = n_h / lo
            too_small = popsize < n_h * (1 - 1e-12)
            if too_small.any():
                bad = self._stratum_label(int(np.flatnonzero(too_small)[0]))
                raise DesignError(
                    f"fpc column {fpc!r} implies more than 100% sampling in stratum {bad}: "
                    f"the population size is smaller than the number of sampled PSUs."
                )
            f_h = 1.0 - n_h / popsize
        else:
            f_h = np.ones(n_strata)
        self._popsize = popsize

        # weights ------------------------------------------------------------
        if weights is not None:
            w_series = data[weights]
            if _is_text(w_series) or not (
                pd.api.types.is_numeric_dtype(w_series.dtype)
                or pd.api.types.is_bool_dtype(w_series.dtype)
            ):
                raise WeightError(_pick({
                    "en": (
                        f"weights column {weights!r} holds text (dtype {w_series.dtype}); "
                        f"convert it with pd.to_numeric first."
                    ),
                    "zh": (
                        f"权重列 {weights!r} 是文字（类型 {w_series.dtype}）；"
                        f"请先用 pd.to_numeric 转成数字。"
                    ),
                }))
            w = w_series.astype("float64").to_numpy(na_value=np.nan)
            miss = np.isnan(w)
            if miss.any():
                rows = _row_labels(data.index, miss)
                raise WeightError(_pick({
                    "en": (
                        f"weights column {weights!r} has {int(miss.sum())} missing values "
                        f"(rows {rows}). Every respondent needs a weight: fix or drop these "
                        f"rows before building the Design."
                    ),
                    "zh": (
                        f"权重列 {weights!r} 有 {int(miss.sum())} 个缺失值（行 {rows}）。"
                        f"每位受访者都要有权重：请先补上，或删掉这些行，再建立 Design。"
                    ),
                }))
            neg = w < 0
            if neg.any():
                rows = _row_labels(data.index, neg)
                raise WeightError(_pick({
                    "en": (
                        f"weights column {weights!r} has {int(neg.sum())} negative values "
                        f"(rows {rows}). Sampling weights must be >= 0."
                    ),
                    "zh": (
                        f"权重列 {weights!r} 有 {int(neg.sum())} 个负数（行 {rows}）。"
                        f"抽样权重不能小于 0。"
                    ),
                }))
            if not (w > 0).any():
                raise WeightError(_pick({
                    "en": (
                        f"weights column {weights!r} is zero for every row, so nothing can be "
                        f"estimated. Check that you named the right column."
                    ),
                    "zh": f"权重列 {weights!r} 全部是 0，无法估计。请检查是否选对了列。",
                }))
            if not np.all(np.isfinite(w)):
                raise WeightError(_pick({
                    "en": f"weights column {weights!r} has infinite values.",
                    "zh": f"权重列 {weights!r} 里有无穷大的值。",
                }))
        elif popsize is not None:
            w = (popsize / n_h)[stratum]
        else:
            warnings.warn(
                "No weights or fpc supplied: assuming equal probability (every weight is 1).",
                UserWarning,
                stacklevel=2,
            )
            w = np.ones(n)
        self._w = np.ascontiguousarray(w, dtype=np.float64)

        # variance coefficients per stratum: V = sum a_h z^2 - b_h (sum z)^2 ----
        a_h = np.zeros(n_strata)
        b_h = np.zeros(n_strata)
        multi = n_h > 1
        a_h[multi] = f_h[multi] * n_h[multi] / (n_h[multi] - 1)
        b_h[multi] = a_h[multi] / n_h[multi]
        lonely = n_h == 1
        if lonely.any():
            if lonely_psu == "fail":
                idx = np.flatnonzero(lonely)
                names = ", ".join(self._stratum_label(int(i)) for i in idx[:5])
                extra = len(idx) - 5
                raise LonelyPSUError(_pick({
                    "en": (
                        (f"{len(idx)} strata have" if len(idx) > 1 else "1 stratum has")
                        + f" only one PSU, so the variance there cannot be estimated: {names}"
                        + (f" and {extra} more" if extra > 0 else "")
                        + ". Merge such strata with similar ones, or choose a rule with "
                        "lonely_psu='adjust' (conservative: the lone PSU is compared with "
                        "the overall estimate), "
                        "'remove' or 'certainty' (the stratum adds no variance), as R's "
                        "options(survey.lonely.psu=...)."
                    ),
                    "zh": (
                        f"有 {len(idx)} 个层只抽到一个群（抽样单元，PSU），这些层的方差无法"
                        f"估计：{names}"
                        + (f"，还有 {extra} 个" if extra > 0 else "")
                        + "。请把这样的层和相近的层合并，或者用 lonely_psu= 选一种处理办法："
                        "'adjust'（保守：把这个唯一的群和总体估计相比）、'remove' 或 "
                        "'certainty'（这个层不计入方差），与 R 的 "
                        "options(survey.lonely.psu=...) 相同。"
                    ),
                }))
            if lonely_psu == "adjust":
                a_h[lonely] = f_h[lonely]
        self_representing = f_h < 1e-7
        a_h[self_representing] = 0.0
        b_h[self_representing] = 0.0
        self._a_h = a_h
        self._b_h = b_h

        inset = self._w != 0
        self.degf = int(
            np.unique(psu[inset]).size - np.unique(stratum[inset]).size
        )
        self.n_psu = n_psu
        self.n_strata = n_strata
        # What the design was built from: every estimate checks it is unchanged,
        # so sorting, dropping rows or editing weights in place cannot silently
        # pair rows with the wrong weights, strata or clusters. New columns are fine.
        self._index = data.index
        self._design_cols = {
            col: data[col].to_numpy(copy=True)
            for col in dict.fromkeys(
                [c for c in (weights, fpc) if c is not None] + self.strata_cols
                + self.cluster_cols
            )
        }

    def _check_unchanged(self) -> None:
        """Raise DataChangedError if the rows or design columns of ``data`` changed."""
        data = self.data
        changed = None
        if len(data) != len(self._index) or not data.index.equals(self._index):
            changed = ("its rows were sorted, added or removed", "行被排序、增加或删除")
        else:
            for col, saved in self._design_cols.items():
                if col not in data.columns:
                    changed = (f"column {col!r} was removed", f"列 {col!r} 被删除")
                    break
                now = data[col].to_numpy()
                if now.shape != saved.shape:
                    same = False
                elif now.dtype == saved.dtype and now.dtype.kind in "biuf":
                    same = np.array_equal(now, saved, equal_nan=now.dtype.kind == "f")
                else:
                    same = pd.Series(now).equals(pd.Series(saved))
                if not same:
                    changed = (f"the values of column {col!r} were changed",
                               f"列 {col!r} 的值被修改")
                    break
        if changed:
            raise DataChangedError(_pick({
                "en": (
                    f"The table behind this Design has changed since the Design was built: "
                    f"{changed[0]}. Estimates would pair rows with the wrong weights, strata "
                    f"or clusters. Build the Design again from the table as it is now "
                    f"(new columns may be added at any time; they need no rebuild)."
                ),
                "zh": (
                    f"建立 Design 之后，它所依据的数据表被改动了：{changed[1]}。"
                    f"这样算出的估计会把行和错误的权重、层或群配在一起。"
                    f"请用现在的数据表重新建立 Design（新增列不需要重建）。"
                ),
            }))

    # -- descriptive -----------------------------------------------------------

    @property
    def weights(self) -> np.ndarray:
        """The sampling weight of each row (a copy)."""
        return self._w.copy()

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        parts = [f"{len(self.data)} rows", f"{self.n_psu} PSUs"]
        if self.cluster_cols:
            parts[-1] += f" (cluster={self.cluster_cols!r})"
        parts.append(
            f"{self.n_strata} strata" + (f" ({self.strata_cols!r})" if self.strata_cols else "")
        )
        if self.weights_col:
            parts.append(f"weights={self.weights_col!r}")
        if self.fpc_col:
            parts.append(f"fpc={self.fpc_col!r}")
        return f"<Design: {', '.join(parts)}; degf={self.degf}>"

    def _stratum_label(self, code: int) -> str:
        row = [v.item() if isinstance(v, np.generic) else v
               for v in self._strata_keys.iloc[code].tolist()]
        return repr(row[0]) if len(row) == 1 else " / ".join(str(v) for v in row)

    # -- core machinery ----------------------------------------------------------

    def _domains(self, by: ColumnSpec | None) -> tuple[np.ndarray, pd.DataFrame]:
        by_cols = _as_list(by)
        if not by_cols:
            return np.zeros(len(self.data), dtype=np.int64), pd.DataFrame(index=[0])
        _check_columns(self.data, by_cols, "by")
        return _group_codes(self.data, by_cols)

    def _var_totals(
        self, u: np.ndarray, psu: np.ndarray, dom: np.ndarray, n_dom: int, *, cov: bool = False
    ) -> np.ndarray:
        """Design variance of the domain totals of the scores ``u`` (m x k).

        Only the (PSU, domain) pairs that occur are materialised; PSUs of a
        stratum with no row in a domain enter through ``n_h`` analytically::

            sum_i (z_i - zbar)^2 * n/(n-1) = (sum z_i^2 - (sum z_i)^2 / n) * n/(n-1)

        With ``cov=True`` the result is the full covariance matrix of the k
        totals of each domain (n_dom x k x k), by the same formula with
        ``z_ij z_il`` in place of ``z_ij^2``; its diagonal is the variance.
        """
        k = u.shape[1]
        if u.shape[0] == 0:
            return np.zeros((n_dom, k, k) if cov else (n_dom, k))
        pair = psu * n_dom + dom
        pair_code, pair_key = pd.factorize(pair)
        n_pair = len(pair_key)
        pair_dom = pair_key % n_dom
        pair_h = self._psu_stratum[pair_key // n_dom]
        a = self._a_h[pair_h]
        b_needed = bool(np.any(self._b_h != 0))
        if b_needed:
            hd_code, hd_key = pd.factorize(pair_h * n_dom + pair_dom)
            hd_dom = hd_key % n_dom
            b = self._b_h[hd_key // n_dom]
        var = np.empty((n_dom, k))
        zs, ss = [], []
        for j in range(k):
            z = np.bincount(pair_code, weights=u[:, j], minlength=n_pair)
            v = np.bincount(pair_dom, weights=a * z * z, minlength=n_dom)
            if b_needed:
                s = np.bincount(hd_code, weights=z, minlength=len(hd_key))
                v -= np.bincount(hd_dom, weights=b * s * s, minlength=n_dom)
                if cov:
                    ss.append(s)
            if cov:
                zs.append(z)
            var[:, j] = v
        # rounding can leave tiny negative values where the variance is zero
        scale = np.maximum(np.abs(var), 1.0)
        var[(var < 0) & (var > -1e-12 * scale)] = 0.0
        if not cov:
            return var
        out = np.empty((n_dom, k, k))
        for j in range(k):
            out[:, j, j] = var[:, j]
            for m in range(j):
                c = np.bincount(pair_dom, weights=a * zs[j] * zs[m], minlength=n_dom)
                if b_needed:
                    c -= np.bincount(hd_dom, weights=b * ss[j] * ss[m], minlength=n_dom)
                out[:, j, m] = out[:, m, j] = c
        return out

    def _estimate(
        self,
        y: np.ndarray,
        valid: np.ndarray,
        dom: np.ndarray,
        n_dom: int,
        kind: Literal["mean", "total"],
        deff: bool | str,
    ) -> dict[str, np.ndarray]:
        """Domain means or totals of the columns of ``y`` (n x k) with variances.

        Rows with ``valid`` False or ``dom`` < 0 contribute zero everywhere but
        the design (strata, PSUs, n_h) is kept, as R's ``svyby`` and ``na.rm``.
        """
        keep = valid & (dom >= 0)
        idx = np.flatnonzero(keep)
        d = dom[idx]
        w = self._w[idx]
        yy = y[idx]
        k = yy.shape[1]
        wsum = np.bincount(d, weights=w, minlength=n_dom)
        n_rows = np.bincount(d, minlength=n_dom)
        nobs = np.bincount(d, weights=(w != 0).astype(np.float64), minlength=n_dom)
        tot = np.column_stack(
            [np.bincount(d, weights=w * yy[:, j], minlength=n_dom) for j in range(k)]
        ) if k else np.zeros((n_dom, 0))
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = tot / wsum[:, None]
        resid = yy - mean[d]
        if kind == "mean":
            with np.errstate(invalid="ignore", divide="ignore"):
                u = resid * (w / wsum[d])[:, None]
            est = mean
        else:
            u = yy * w[:, None]
            est = tot
        u = np.where(np.isfinite(u), u, 0.0)
        var = self._var_totals(u, self._psu[idx], d, n_dom)
        if kind == "mean":
            var[wsum == 0] = np.nan  # a domain without (weighted) respondents has no mean
        out = {"estimate": est, "var": var, "n": n_rows, "wsum": wsum, "u": u, "dom": d,
               "psu": self._psu[idx]}
        if deff:
            # svyvar: weighted variance with n/(n-1), n = rows with nonzero weight
            ss = np.column_stack(
                [np.bincount(d, weights=w * resid[:, j] ** 2, minlength=n_dom) for j in range(k)]
            ) if k else np.zeros((n_dom, 0))
            with np.errstate(invalid="ignore", divide="ignore"):
                s2 = ss / wsum[:, None] * (nobs / (nobs - 1))[:, None]
                if deff == "replace":
                    factor = 1.0 / nobs
                else:
                    factor = (wsum - nobs) / (wsum * nobs)
                    factor = np.where(wsum < nobs, np.nan, factor)
                vsrs = s2 * factor[:, None]
                if kind == "total":
                    vsrs = vsrs * (wsum**2)[:, None]
                out["deff"] = var / vsrs
        return out

    def _t_quantile(self, level: float) -> float:
        if not 0 < level < 1:
            raise ValueError(f"level must be between 0 and 1 (e.g. 0.95), not {level!r}")
        if self.degf <= 0:
            return math.nan
        return float(stats.t.ppf(1 - (1 - level) / 2, self.degf))

    def _values(self, var: str, purpose: str) -> np.ndarray:
        if not isinstance(var, str | int):
            raise TypeError(f"var must be a single column name, not {type(var).__name__}")
        _check_columns(self.data, [var], "variable")
        return _numeric_values(self.data[var], var, purpose)

    def _numeric_stat(
        self,
        var: str,
        by: ColumnSpec | None,
        kind: Literal["mean", "total"],
        na_rm: bool,
        level: float,
        deff: bool | str,
    ) -> pd.DataFrame:
        self._check_unchanged()
        y = self._values(var, kind)
        dom, keys = self._domains(by)
        n_dom = len(keys)
        valid = ~np.isnan(y)
        res = self._estimate(
            np.where(valid, y, 0.0)[:, None], valid, dom, n_dom, kind, deff
        )
        est = res["estimate"][:, 0]
        se = np.sqrt(res["var"][:, 0])
        dfx = res.get("deff", np.full((n_dom, 1), np.nan))[:, 0]
        if not na_rm:
            has_na = np.bincount(dom[(~valid) & (dom >= 0)], minlength=n_dom) > 0
            est = np.where(has_na, np.nan, est)
            se = np.where(has_na, np.nan, se)
            dfx = np.where(has_na, np.nan, dfx)
        t = self._t_quantile(level)
        out = keys.reset_index(drop=True).copy() if _as_list(by) else pd.DataFrame(index=[0])
        out["estimate"] = est
        out["se"] = se
        if kind == "mean" and pd.api.types.is_bool_dtype(self.data[var].dtype):
            # The mean of a yes/no column is a share: a logit interval stays in [0, 1].
            out["ci_low"], out["ci_high"] = _logit_interval(est, se, t)
        else:
            out["ci_low"] = est - t * se
            out["ci_high"] = est + t * se
        out["n"] = res["n"].astype(np.int64)
        out["deff"] = dfx
        return out.reset_index(drop=True)

    # -- public estimators -------------------------------------------------------

    def mean(
        self,
        var: str,
        by: ColumnSpec | None = None,
        *,
        na_rm: bool = True,
        level: float = 0.95,
        deff: bool | Literal["replace"] = True,
    ) -> pd.DataFrame:
        """Design-based mean of a numeric column, overall or per domain.

        Parameters
        ----------
        var : str
            A numeric (or boolean) column.
        by : str or list of str, optional
            Domain column(s).  Domains are estimated on the full design (rows
            outside a domain add zero to the PSU totals) like R's ``svyby``,
            not by subsetting the rows.  Rows whose ``by`` value is missing
            belong to no domain.
        na_rm : bool, default True
            Missing values of ``var`` add zero to the PSU totals while the
            design is kept (R's ``na.rm=TRUE``).  With False a domain holding a
            missing value gets NaN.
        level : float, default 0.95
            Confidence level; the interval is ``estimate +/- t(degf) * se``
            (R's ``confint(x, df=degf(design))``). For a yes/no (boolean)
            column the mean is a share, and the interval is the logit interval
            of R's ``svyciprop(method="logit")``, which stays between 0 and 1.
        deff : True or "replace", default True
            Design effect: ``True`` divides by the variance under simple random
            sampling without replacement of the same size from a population of
            ``sum(weights)`` (R's ``deff=TRUE``; NaN when the weights sum to
            less than n, and inf when they sum to exactly n, e.g. unit
            weights, as in R); ``"replace"`` compares with simple random
            sampling with replacement (R's ``deff="replace"``).

        Returns
        -------
        pandas.DataFrame
            The ``by`` columns, then ``estimate, se, ci_low, ci_high, n, deff``
            (``n`` counts the respondents with a value).

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"village": [1, 1, 2, 2, 3, 3], "sex": list("fmfmfm"),
        ...                    "w": [1.0, 2, 1, 2, 1, 2], "income": [3.0, 5, 4, 6, 2, 8]})
        >>> Design(df, weights="w", cluster="village").mean("income", by="sex")[
        ...     ["sex", "estimate", "n"]]
          sex  estimate  n
        0   f  3.000000  3
        1   m  6.333333  3
        """
        return self._numeric_stat(var, by, "mean", na_rm, level, deff)

    def total(
        self,
        var: str,
        by: ColumnSpec | None = None,
        *,
        na_rm: bool = True,
        level: float = 0.95,
        deff: bool | Literal["replace"] = True,
    ) -> pd.DataFrame:
        """Design-based (Horvitz-Thompson) total of a numeric column, like ``svytotal``.

        Parameters are as for :meth:`mean`; the design effect compares with
        the variance of ``sum(w) * sample mean`` under simple random sampling.

        Returns
        -------
        pandas.DataFrame
            The ``by`` columns, then ``estimate, se, ci_low, ci_high, n, deff``.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"village": [1, 1, 2, 2], "w": [10.0] * 4,
        ...                    "migrants": [1, 0, 2, 1]})
        >>> Design(df, weights="w", cluster="village").total("migrants")["estimate"].item()
        40.0
        """
        return self._numeric_stat(var, by, "total", na_rm, level, deff)

    def _proportion_series(
        self,
        values: pd.Series,
        by: ColumnSpec | None,
        level: float,
        na_rm: bool,
        deff: bool | str,
    ) -> pd.DataFrame:
        codes, levels = _level_codes(values)
        valid = codes >= 0
        dom, keys = self._domains(by)
        n_dom, k = len(keys), len(levels)
        p = np.empty((n_dom, k))
        var = np.empty((n_dom, k))
        dfx = np.full((n_dom, k), np.nan)
        n_rows = np.zeros(n_dom, dtype=np.int64)
        for start, stop in _level_blocks(len(codes), k):
            res = self._estimate(
                _onehot(codes, start, stop), valid, dom, n_dom, "mean", deff
            )
            p[:, start:stop] = res["estimate"]
            var[:, start:stop] = res["var"]
            if deff:
                dfx[:, start:stop] = res["deff"]
            n_rows = res["n"]
        se = np.sqrt(var)
        t = self._t_quantile(level)
        lo, hi = _logit_interval(p, se, t)
        inside = valid & (dom >= 0)
        counts = np.bincount(
            dom[inside] * k + codes[inside], minlength=n_dom * k
        ).reshape(n_dom, k)
        if not na_rm:
            has_na = np.bincount(dom[(~valid) & (dom >= 0)], minlength=n_dom) > 0
            for arr in (p, se, lo, hi, dfx):
                arr[has_na] = np.nan
        by_cols = _as_list(by)
        out = keys.loc[np.repeat(np.arange(n_dom), k)].reset_index(drop=True) if by_cols \
            else pd.DataFrame(index=range(k))
        out["level"] = np.tile(np.array(levels, dtype=object), n_dom) if k else []
        out["estimate"] = p.ravel()
        out["se"] = se.ravel()
        out["ci_low"] = lo.ravel()
        out["ci_high"] = hi.ravel()
        out["n"] = np.repeat(n_rows, k).astype(np.int64)
        out["count"] = counts.ravel().astype(np.int64)
        out["deff"] = dfx.ravel()
        return out

    def proportion(
        self,
        var: str,
        by: ColumnSpec | None = None,
        level: float = 0.95,
        *,
        na_rm: bool = True,
        deff: bool | Literal["replace"] = True,
    ) -> pd.DataFrame:
        """Share of each answer of a categorical or coded item, overall or per domain.

        The shares are domain means of the answer indicators (R's
        ``svymean(~factor, design)`` / ``svyby``); the confidence interval is
        the logit interval of R's ``svyciprop(method="logit")`` with the design
        degrees of freedom: ``expit(logit(p) +/- t * se / (p (1 - p)))``.  A
        share of exactly 0 or 1, or with a zero standard error, gets the
        interval ``[p, p]``.

        Parameters
        ----------
        var : str
            Any column; each distinct non-missing value is a level (categories
            of a pandas Categorical keep their order, including empty ones).
        by : str or list of str, optional
            Domain column(s), estimated on the full design.
        level : float, default 0.95
            Confidence level.
        na_rm : bool, default True
            Missing answers are left out of the denominator (design kept).
        deff : True or "replace", default True
            Design effect, as in :meth:`mean`.

        Returns
        -------
        pandas.DataFrame
            The ``by`` columns, ``level``, ``estimate, se, ci_low, ci_high``,
            ``n`` (respondents with an answer in the domain: the base),
            ``count`` (respondents giving this answer) and ``deff``.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"village": [1, 1, 2, 2, 3, 3],
        ...                    "party_member": ["yes", "no", "no", "no", "yes", "no"]})
        >>> df["w"] = 2.0
        >>> Design(df, weights="w", cluster="village").proportion("party_member")[
        ...     ["level", "estimate", "n", "count"]]
          level  estimate  n  count
        0    no  0.666667  6      4
        1   yes  0.333333  6      2
        """
        if not isinstance(var, str | int):
            raise TypeError(f"var must be a single column name, not {type(var).__name__}")
        self._check_unchanged()
        _check_columns(self.data, [var], "variable")
        return self._proportion_series(self.data[var], by, level, na_rm, deff)

    def difference(
        self,
        var: str,
        *,
        between: str,
        levels: tuple[Hashable, Hashable],
        by: ColumnSpec | None = None,
        stat: Literal["mean", "total", "proportion"] = "mean",
        level: float = 0.95,
        method: Literal["design", "independent"] = "design",
    ) -> pd.DataFrame:
        """Difference of an estimate between two groups or survey waves, with SE and CI.

        The difference is ``estimate(levels[1]) - estimate(levels[0])``, e.g.
        ``levels=(2023, 2024)`` gives "2024 minus 2023".

        With ``method="design"`` (default) the standard error uses the full
        linearised covariance of the two domain estimates: the difference is a
        linear combination of the domain scores, whose PSU totals are centred
        within strata as for any estimate.  This equals R's
        ``svycontrast(svyby(~var, ~group, design, svymean, covmat=TRUE),
        c(-1, 1))`` and is right whether the two groups share PSUs (e.g. men
        and women in the same villages) or not.

        Independent waves: when two survey waves are independent samples,
        declare the wave as part of the strata (``strata=["year",
        "township"]``) and give PSUs wave-specific labels.  Then no stratum or
        PSU holds both waves, the covariance term is exactly zero and the
        standard error is ``sqrt(se_a**2 + se_b**2)``.  ``method="independent"``
        uses that formula whatever the design says (useful when the waves
        share stratum labels but were drawn independently).

        Parameters
        ----------
        var : str
            Variable to compare (numeric for mean/total, any for proportion).
        between : str
            Column that tells the groups or waves apart (e.g. ``"year"``).
        levels : tuple of two values
            The two values of ``between`` to compare, ``(a, b)``; result is b - a.
        by : str or list of str, optional
            Compare within each domain (e.g. per township) in one call.
        stat : {"mean", "total", "proportion"}, default "mean"
            For "proportion" there is one row per answer level.
        level : float, default 0.95
            Confidence level; intervals and the two-sided p-value use the t
            distribution with the design degrees of freedom.
        method : {"design", "independent"}, default "design"

        Returns
        -------
        pandas.DataFrame
            The ``by`` columns (and ``level`` for proportions), then
            ``estimate`` (b - a), ``se``, ``ci_low``, ``ci_high``, ``p_value``,
            ``estimate_a``, ``estimate_b``, ``se_a``, ``se_b``, ``n_a``, ``n_b``.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({
        ...     "year": [2023] * 4 + [2024] * 4,
        ...     "village": ["a", "a", "b", "b", "c", "c", "d", "d"],
        ...     "high": [0, 1, 0, 0, 1, 1, 0, 1], "w": [1.0] * 8})
        >>> d = Design(df, weights="w", strata="year", cluster="village")
        >>> d.difference("high", between="year", levels=(2023, 2024))[
        ...     ["estimate", "se", "n_a", "n_b"]]
           estimate        se  n_a  n_b
        0       0.5  0.353553    4    4
        """
        if stat not in ("mean", "total", "proportion"):
            raise ValueError(f"stat must be 'mean', 'total' or 'proportion', not {stat!r}")
        if method not in ("design", "independent"):
            raise ValueError(f"method must be 'design' or 'independent', not {method!r}")
        if not isinstance(levels, tuple | list) or len(levels) != 2:
            raise ValueError(
                f"levels must be a pair (a, b) of values of {between!r}; the result is b - a"
            )
        self._check_unchanged()
        _check_columns(self.data, [between], "between")
        _check_columns(self.data, [var], "variable")
        by_cols = _as_list(by)
        _check_columns(self.data, by_cols, "by")
        if between in by_cols:
            raise ValueError(f"{between!r} cannot be both the `between` and a `by` column")
        group_col = self.data[between]
        a, b = levels
        present = set(pd.unique(group_col.dropna()).tolist())
        for lev in (a, b):
            if lev not in present:
                raise ValueError(
                    f"{lev!r} is not a value of {between!r}; values present: "
                    f"{sorted(present, key=_sort_key)[:20]}"
                )
        # Nullable columns give NA for rows in neither group: those rows count as neither.
        is_b = group_col.eq(b).fillna(False).to_numpy(dtype=bool)
        is_a = group_col.eq(a).fillna(False).to_numpy(dtype=bool)
        side = np.where(is_b, 1, np.where(is_a, 0, -1))

        if by_cols:
            gcode, gkeys = _group_codes(self.data, by_cols)
        else:
            gcode, gkeys = np.zeros(len(self.data), dtype=np.int64), pd.DataFrame(index=[0])
        n_g = len(gkeys)
        n_dom = 2 * n_g
        # domains: (group, side) -> code 2 * g + side (side 0 = a, 1 = b)
        dom = np.where((gcode >= 0) & (side >= 0), 2 * gcode + side, -1)
        if stat == "proportion":
            codes, cats = _level_codes(self.data[var])
            valid = codes >= 0
            blocks = [
                (start, stop, _onehot(codes, start, stop))
                for start, stop in _level_blocks(len(codes), len(cats))
            ]
            kind: Literal["mean", "total"] = "mean"
        else:
            y = self._values(var, stat)
            valid = ~np.isnan(y)
            cats = [None]
            blocks = [(0, 1, np.where(valid, y, 0.0)[:, None])]
            kind = stat
        k = len(cats)
        est = np.empty((n_dom, k))
        var_dom = np.empty((n_dom, k))
        var_diff = np.empty((n_g, k))
        for start, stop, y_block in blocks:
            res = self._estimate(y_block, valid, dom, n_dom, kind, False)
            est[:, start:stop] = res["estimate"]
            var_dom[:, start:stop] = res["var"]
            if method == "design":
                # score of (b - a): +u in domain b, -u in domain a, totalled per group
                d = res["dom"]
                sign = np.where(d % 2 == 1, 1.0, -1.0)
                var_diff[:, start:stop] = self._var_totals(
                    res["u"] * sign[:, None], res["psu"], d // 2, n_g
                )
            else:
                var_diff[:, start:stop] = res["var"][0::2] + res["var"][1::2]
            n_rows = res["n"]
        est_a, est_b = est[0::2], est[1::2]
        diff = est_b - est_a
        se = np.sqrt(var_diff)
        t = self._t_quantile(level)
        with np.errstate(invalid="ignore", divide="ignore"):
            tstat = diff / se
        p_value = 2 * stats.t.sf(np.abs(tstat), self.degf) if self.degf > 0 else np.nan * tstat
        rows = np.repeat(np.arange(n_g), k)
        out = gkeys.loc[rows].reset_index(drop=True) if by_cols else pd.DataFrame(index=range(k))
        if stat == "proportion":
            out["level"] = np.tile(np.array(cats, dtype=object), n_g)
        out["estimate"] = diff.ravel()
        out["se"] = se.ravel()
        out["ci_low"] = (diff - t * se).ravel()
        out["ci_high"] = (diff + t * se).ravel()
        out["p_value"] = np.asarray(p_value).ravel()
        out["estimate_a"] = est_a.ravel()
        out["estimate_b"] = est_b.ravel()
        out["se_a"] = np.sqrt(var_dom[0::2]).ravel()
        out["se_b"] = np.sqrt(var_dom[1::2]).ravel()
        out["n_a"] = np.repeat(n_rows[0::2], k).astype(np.int64)
        out["n_b"] = np.repeat(n_rows[1::2], k).astype(np.int64)
        out.attrs["levels"] = (a, b)
        return out

    # -- regression ----------------------------------------------------------------

    def glm(
        self,
        formula: str,
        *,
        family: Literal["gaussian", "binomial"] = "gaussian",
        level: float = 0.95,
    ) -> GLMResult:
        """Design-based linear or logistic regression, as R's ``svyglm()``.

        The coefficients are weighted (pseudo-)maximum-likelihood estimates:
        the generalised linear model fitted by statsmodels with the sampling
        weights as ``var_weights``.  Their standard errors come from
        linearising the estimating equations, with the design variance of a
        total computed exactly as for :meth:`total` (PSU totals within
        strata, ``n_h / (n_h - 1)``, fpc, the lonely-PSU rule)::

            V(b) = A^-1 Var(sum_i U_i) A^-1,   U_i = w_i x_i (y_i - mu_i),
            A = sum_i w_i v_i x_i x_i'          (v_i = 1, or mu_i (1 - mu_i) for binomial)

        This is R's ``svyglm(formula, design, family=gaussian())`` or
        ``family=quasibinomial()`` (``svy.varcoef``).

        Parameters
        ----------
        formula : str
            A patsy formula as in ``statsmodels.formula.api``, e.g.
            ``"income ~ age + C(township) + np.log(land)"``: text columns become
            dummy variables against their first level in sorted order (R's
            default too), ``a:b`` and ``a * b`` give interactions, ``I(x ** 2)``
            computes.  Column names with dots written as in R (``acs.k3``) are
            understood; other names that are not Python names need
            ``Q("household size")``.  Names not in the data are looked up
            where ``glm`` is called (so ``np.log`` needs ``import numpy as np``).
        family : {"gaussian", "binomial"}, default "gaussian"
            ``"gaussian"``: linear regression (identity link).  ``"binomial"``:
            logistic regression (logit link) of a 0/1 outcome or of a
            proportion, R's ``quasibinomial()``: same estimates as a weighted
            binomial fit, no complaint about non-integer weighted counts.  A
            True/False outcome counts True as 1, e.g. ``"I(answer == 'yes') ~
            age"``; a text outcome is an error.
        level : float, default 0.95
            Confidence level of the intervals.

        Returns
        -------
        GLMResult
            ``.params``, ``.bse``, ``.cov_params()``, ``.df_resid``, ``.nobs``,
            ``.summary_frame()`` (one row per coefficient: ``term, estimate,
            se, ci_low, ci_high, t, p_value`` and for binomial ``odds_ratio,
            or_ci_low, or_ci_high``).

        Notes
        -----
        Missing values: rows with a missing value in any variable of the
        model are left out of the fit (R's ``na.action=na.omit``), but the
        design is kept as R keeps it: their PSUs still count in ``n_h``, so
        the variance is that of a domain, as with ``na_rm``.  The design
        degrees of freedom count only the PSUs and strata that have rows in
        the fit (R's ``degf()`` of the subset design), so they can be fewer
        than :attr:`degf`.

        Tests and intervals use the t distribution with ``df_resid = degf + 1
        - p`` degrees of freedom (p coefficients), as R's ``summary.svyglm``
        and its default (Wald) ``confint``.

        Terms that are linear combinations of others (e.g. a category with no
        rows left after dropping missing values) are an error; R would report
        their coefficients as NA.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({
        ...     "township": ["A"] * 6 + ["B"] * 6,
        ...     "village": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6],
        ...     "w": [10.0, 12, 8, 9, 11, 10, 9, 12, 10, 8, 11, 9],
        ...     "age": [34, 51, 45, 29, 62, 38, 47, 55, 41, 36, 58, 44],
        ...     "voted": [0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0],
        ... })
        >>> d = Design(df, weights="w", strata="township", cluster="village")
        >>> fit = d.glm("voted ~ age", family="binomial")
        >>> fit.summary_frame()[["term", "estimate", "se", "odds_ratio"]].round(3)
                term  estimate     se  odds_ratio
        0  Intercept    -13.29  3.387        0.00
        1        age      0.30  0.061        1.35
        >>> fit.df_resid  # 6 villages - 2 townships + 1 - 2 coefficients
        3
        """
        if family not in ("gaussian", "binomial"):
            raise ValueError(
                f"family must be 'gaussian' (linear regression) or 'binomial' (logistic "
                f"regression, R's quasibinomial), not {family!r}"
            )
        if not isinstance(formula, str) or "~" not in formula:
            raise ValueError(
                f"formula must be a string such as 'income ~ age + township', not {formula!r}"
            )
        if not 0 < level < 1:
            raise ValueError(f"level must be between 0 and 1 (e.g. 0.95), not {level!r}")
        import patsy
        from scipy import linalg
        from statsmodels.genmod import families
        from statsmodels.genmod.generalized_linear_model import GLM

        self._check_unchanged()
        n = len(self.data)
        frame = _plain_numeric(self.data).set_axis(pd.RangeIndex(n), axis=0)  # rows by position
        try:
            y_frame, x_frame = patsy.dmatrices(
                _quote_dotted_names(formula, self.data.columns),
                frame,
                eval_env=patsy.EvalEnvironment.capture(1),  # the caller's names, as smf
                NA_action="drop",
                return_type="dataframe",
            )
        except patsy.PatsyError as exc:
            name = _unknown_formula_name(exc, formula)
            if name is not None:
                _check_columns(self.data, [name], "formula")
            raise SurveyError(_pick({
                "en": f"could not build the model from formula {formula!r}: {exc}",
                "zh": f"无法按公式 {formula!r} 建立模型：{exc}",
            })) from exc
        y = _formula_outcome(y_frame, family)
        rows = x_frame.index.to_numpy()
        names = [_clean_term(c) for c in x_frame.columns]
        if len(rows) == 0:
            raise SurveyError(_pick({
                "en": f"no row has values for every variable of {formula!r}",
                "zh": f"没有任何一行同时具备公式 {formula!r} 中所有变量的值",
            }))
        x = x_frame.to_numpy(dtype=np.float64)
        p = x.shape[1]
        w_rows = self._w[rows]
        w = w_rows / self._w.mean()  # R's rescale=TRUE; the scale changes no result
        used = w_rows != 0
        if np.linalg.matrix_rank(x[used]) < p:
            aliased = ", ".join(names[j] for j in _aliased_columns(x[used]))
            raise SurveyError(_pick({
                "en": (
                    f"the model cannot tell apart the effects of {aliased}: among the "
                    f"{int(used.sum())} rows used (rows with missing values are left out) "
                    f"they are linear combinations of the other terms (R reports NA for "
                    f"them). Remove them from the formula."
                ),
                "zh": (
                    f"模型无法区分 {aliased} 的作用：在用到的 {int(used.sum())} 行中"
                    f"（有缺失值的行不算），它们是其他项的线性组合（R 会把它们的系数报为 NA）。"
                    f"请从公式中去掉它们。"
                ),
            }))

        fam = families.Gaussian() if family == "gaussian" else families.Binomial()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = GLM(y, x, family=fam, var_weights=w).fit(
                maxiter=100, tol=0.0, atol=0.0, rtol=1e-12
            )
        separated = any("separation" in str(c.message) for c in caught)
        if separated or not res.converged:
            warnings.warn(
                _pick({
                    "en": (
                        f"the {family} regression {formula!r} did not converge, or some "
                        f"fitted probabilities are 0 or 1: a predictor may separate the "
                        f"outcome perfectly, and its estimate and standard error are then "
                        f"meaningless (R warns 'fitted probabilities numerically 0 or 1')."
                    ),
                    "zh": (
                        f"{family} 回归 {formula!r} 没有收敛，或者有的拟合概率为 0 或 1："
                        f"可能某个自变量把因变量完全分开了，这时它的估计值和标准误没有意义。"
                    ),
                }),
                UserWarning,
                stacklevel=2,
            )
        for c in caught:  # pass on what statsmodels said beyond that (and overflows)
            if not (
                "separation" in str(c.message)
                or issubclass(c.category, RuntimeWarning)
                or c.category.__name__ == "ConvergenceWarning"
            ):
                warnings.warn(c.message, c.category, stacklevel=2)
        beta = np.asarray(res.params, dtype=np.float64)
        eta = x @ beta
        # Both links are canonical, so the estimating function of row i is
        # w_i x_i (y_i - mu_i) (R: model.matrix * working residuals * working weights)
        # and the working weight is w_i v(mu_i).
        if family == "gaussian":
            mu, work = eta, w
        else:
            mu = special.expit(eta)
            work = w * mu * (1 - mu)
        score = x * (w * (y - mu))[:, None]
        # A^-1 = (X' W X)^-1 from the QR of sqrt(W) X, as R's summary.glm
        r = np.linalg.qr(x * np.sqrt(work)[:, None], mode="r")
        r_inv = linalg.solve_triangular(r, np.eye(p))
        a_inv = r_inv @ r_inv.T
        vcov = self._var_totals(
            score @ a_inv, self._psu[rows], np.zeros(len(rows), dtype=np.int64), 1, cov=True
        )[0]
        kept = rows[used]
        degf = int(np.unique(self._psu[kept]).size - np.unique(self._stratum[kept]).size)
        return GLMResult(
            formula=formula,
            family=family,
            names=names,
            params=beta,
            vcov=vcov,
            degf=degf,
            nobs=int(used.sum()),
            level=level,
        )


# ---------------------------------------------------------------------------
# Regression results and formula helpers
# ---------------------------------------------------------------------------


class GLMResult:
    """Coefficients of a design-based regression from :meth:`Design.glm`.

    Attributes
    ----------
    params : pandas.Series
        The coefficients, indexed by term (``"Intercept"``, ``"age"``,
        ``"township[T.B]"``, ...).
    bse : pandas.Series
        Their design-based standard errors.
    tvalues, pvalues : pandas.Series
        t statistics and two-sided p-values on ``df_resid`` degrees of freedom.
    df_resid : int
        ``degf + 1 - p``, the degrees of freedom of tests and intervals (R's
        ``df.residual`` of an ``svyglm``).
    degf : int
        Design degrees of freedom of the rows in the fit (#PSUs - #strata).
    nobs : int
        Rows in the fit (complete cases with a nonzero weight).
    family, formula, level
        As passed to :meth:`Design.glm`.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"village": [1, 1, 2, 2, 3, 3], "w": [2.0, 1, 2, 1, 2, 1],
    ...                    "x": [1.0, 2, 3, 4, 5, 6], "y": [1.0, 3, 2, 5, 4, 6]})
    >>> fit = Design(df, weights="w", cluster="village").glm("y ~ x")
    >>> fit.summary_frame()[["term", "estimate", "se"]].round(3)
            term  estimate     se
    0  Intercept     0.205  0.392
    1          x     0.872  0.085
    """

    def __init__(
        self,
        *,
        formula: str,
        family: str,
        names: list[str],
        params: np.ndarray,
        vcov: np.ndarray,
        degf: int,
        nobs: int,
        level: float,
    ) -> None:
        index = pd.Index(names, name="term")
        self.formula = formula
        self.family = family
        self.params = pd.Series(params, index=index, name="estimate")
        self.bse = pd.Series(np.sqrt(np.diag(vcov)), index=index, name="se")
        self._vcov = pd.DataFrame(vcov, index=index, columns=index)
        self.degf = degf
        self.df_resid = degf + 1 - len(names)
        self.nobs = nobs
        self.level = level

    @property
    def tvalues(self) -> pd.Series:
        """Coefficient over standard error."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return (self.params / self.bse).rename("t")

    @property
    def pvalues(self) -> pd.Series:
        """Two-sided p-values from the t distribution with ``df_resid`` df."""
        t = self.tvalues.to_numpy()
        if self.df_resid <= 0:
            p = np.full(len(t), np.nan)
        else:
            p = 2 * stats.t.sf(np.abs(t), self.df_resid)
        return pd.Series(p, index=self.params.index, name="p_value")

    def cov_params(self) -> pd.DataFrame:
        """Design-based covariance matrix of the coefficients (R's ``vcov``)."""
        return self._vcov.copy()

    def conf_int(self, level: float | None = None) -> pd.DataFrame:
        """Confidence intervals ``estimate +/- t(df_resid) * se`` (R's ``confint``).

        Parameters
        ----------
        level : float, optional
            Default: the ``level`` of the fit.

        Returns
        -------
        pandas.DataFrame
            Columns ``ci_low, ci_high`` indexed by term.
        """
        level = self.level if level is None else level
        if not 0 < level < 1:
            raise ValueError(f"level must be between 0 and 1 (e.g. 0.95), not {level!r}")
        if self.df_resid <= 0:
            q = math.nan
        else:
            q = float(stats.t.ppf(1 - (1 - level) / 2, self.df_resid))
        return pd.DataFrame(
            {"ci_low": self.params - q * self.bse, "ci_high": self.params + q * self.bse}
        )

    def summary_frame(self, level: float | None = None) -> pd.DataFrame:
        """One row per coefficient: ``term, estimate, se, ci_low, ci_high, t, p_value``.

        For ``family="binomial"`` also ``odds_ratio, or_ci_low, or_ci_high``
        (the exponentiated estimate and interval).

        Parameters
        ----------
        level : float, optional
            Confidence level; default: the ``level`` of the fit.
        """
        ci = self.conf_int(level)
        out = pd.DataFrame({
            "term": self.params.index.to_numpy(dtype=object),
            "estimate": self.params.to_numpy(),
            "se": self.bse.to_numpy(),
            "ci_low": ci["ci_low"].to_numpy(),
            "ci_high": ci["ci_high"].to_numpy(),
            "t": self.tvalues.to_numpy(),
            "p_value": self.pvalues.to_numpy(),
        })
        if self.family == "binomial":
            out["odds_ratio"] = np.exp(out["estimate"])
            out["or_ci_low"] = np.exp(out["ci_low"])
            out["or_ci_high"] = np.exp(out["ci_high"])
        return out

    def _header(self) -> list[str]:
        kind = "linear" if self.family == "gaussian" else "logistic"
        pct = f"{100 * self.level:g}%"
        return [
            f"Design-based {kind} regression ({self.family}, as R's svyglm): {self.formula}",
            f"{self.nobs} observations, design df {self.degf}, residual df {self.df_resid}; "
            f"{pct} intervals and p-values from t({self.df_resid})",
        ]

    def __repr__(self) -> str:
        return "\n".join([*self._header(), self.summary_frame().to_string(index=False)])

    def _repr_html_(self) -> str:
        import html

        head = "<br>".join(html.escape(line) for line in self._header())
        return f"<p>{head}</p>" + self.summary_frame().to_html(index=False)


# R-syntactic names (letters, digits, dots, underscores) with a dot, such as acs.k3
_DOTTED_NAME = re.compile(r"[A-Za-z.][A-Za-z0-9._]*")
_STRING_LITERAL = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")


def _quote_dotted_names(formula: str, columns: pd.Index) -> str:
    """Write the data's R-style dotted column names in ``formula`` as ``Q("acs.k3")``.

    Python would read ``acs.k3`` as the attribute ``k3`` of ``acs``; R reads a
    column name.  Text inside string literals is left alone.
    """
    names = sorted(
        {
            c for c in columns
            if isinstance(c, str) and "." in c and _DOTTED_NAME.fullmatch(c)
            and not re.match(r"\.\d", c)
        },
        key=len,
        reverse=True,
    )
    if not names:
        return formula
    pattern = re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, names)) + r")(?![\w.])")
    parts = _STRING_LITERAL.split(formula)
    for i in range(0, len(parts), 2):  # odd parts are string literals
        parts[i] = pattern.sub(lambda m: f'Q("{m.group(0)}")', parts[i])
    return "".join(parts)


def _clean_term(name: str) -> str:
    """``Q("acs.k3")`` -> ``acs.k3`` in coefficient names."""
    return re.sub(r"""Q\((["'])(.*?)\1\)""", r"\2", name)


def _unknown_formula_name(exc: Exception, formula: str) -> str | None:
    """The column name a formula used but the data lacks, if that is what failed."""
    cause = exc.__cause__
    if not isinstance(cause, NameError):
        return None
    name = getattr(cause, "name", None)
    if name is None:  # Q("x") of a name that is nowhere
        found = re.search(r"""no data named (["'])(.*)\1 found""", str(cause))
        return found.group(2) if found else None
    # an R-style dotted name that is not a column: Python stopped at its first part
    dotted = re.search(
        rf"(?<![\w.]){re.escape(name)}(\.[A-Za-z0-9._]+)(?![\w.])(?!\s*\()", formula
    )
    if dotted:
        return name + dotted.group(1)
    if re.search(rf"(?<![\w.]){re.escape(name)}\s*[.(]", formula):
        return None  # a module or function (np.log without numpy imported)
    return name


def _formula_outcome(y_frame: pd.DataFrame, family: str) -> np.ndarray:
    """The outcome of a patsy model as float64, or a clear error."""
    info = y_frame.design_info
    factors = [f for term in info.terms for f in term.factors]
    if len(factors) != 1:
        raise SurveyError(_pick({
            "en": f"the formula needs exactly one outcome left of '~', not {len(factors)}",
            "zh": f"公式 '~' 左边要有且只有一个因变量，现在有 {len(factors)} 个",
        }))
    factor = factors[0]
    name = _clean_term(factor.name())
    finfo = info.factor_infos[factor]
    if finfo.type == "categorical":
        cats = list(finfo.categories)
        if True in cats and all(isinstance(c, bool | np.bool_) for c in cats):
            return y_frame.iloc[:, cats.index(True)].to_numpy(dtype=np.float64)
        shown = ", ".join(repr(c) for c in cats[:10]) + (" ..." if len(cats) > 10 else "")
        last = cats[-1] if cats else "yes"
        raise NonNumericColumnError(_pick({
            "en": (
                f"the outcome {name!r} holds text ({shown}), but a regression needs a "
                f"numeric outcome. For a logistic regression code it 0/1, e.g. write the "
                f"formula as \"I({name} == {last!r}) ~ ...\" (1 where the answer is "
                f"{last!r}), with family='binomial'."
            ),
            "zh": (
                f"因变量 {name!r} 是文字（{shown}），回归需要数字的因变量。做 logistic "
                f"回归请把它编码为 0/1，例如把公式写成 \"I({name} == {last!r}) ~ ...\""
                f"（回答为 {last!r} 时记为 1），并用 family='binomial'。"
            ),
        }))
    y = y_frame.iloc[:, 0].to_numpy(dtype=np.float64)
    if family == "binomial" and (y.min() < 0 or y.max() > 1):
        raise SurveyError(_pick({
            "en": (
                f"a binomial (logistic) regression needs an outcome coded 0/1 or a proportion "
                f"between 0 and 1; {name!r} runs from {y.min():g} to {y.max():g}. Use "
                f"family='gaussian' for a linear regression."
            ),
            "zh": (
                f"二项 (logistic) 回归的因变量必须是 0/1 编码或 0 到 1 之间的比例；"
                f"{name!r} 的取值从 {y.min():g} 到 {y.max():g}。线性回归请用 family='gaussian'。"
            ),
        }))
    return y


def _aliased_columns(x: np.ndarray) -> list[int]:
    """Columns that are linear combinations of earlier ones (R's NA coefficients)."""
    kept: list[int] = []
    aliased: list[int] = []
    for j in range(x.shape[1]):
        if np.linalg.matrix_rank(x[:, [*kept, j]]) == len(kept) + 1:
            kept.append(j)
        else:
            aliased.append(j)
    return aliased


_MAX_LEVELS = 1000
_BLOCK_CELLS = 20_000_000  # rows x levels of indicators held at once (160 MB)


def _level_codes(values: pd.Series) -> tuple[np.ndarray, list]:
    """Integer code of each answer (-1 where missing) and the sorted levels."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        levels = list(values.cat.categories)
        codes = np.asarray(values.cat.codes, dtype=np.int64)
    else:
        levels = sorted(pd.unique(values.dropna()).tolist(), key=_sort_key)
        if len(levels) > _MAX_LEVELS:
            raise ValueError(
                f"column {values.name!r} has {len(levels)} distinct values; proportions are "
                f"for categorical items (at most {_MAX_LEVELS} levels). To estimate per "
                f"village or group, pass it as by= instead."
            )
        codes = np.asarray(pd.Categorical(values, categories=levels).codes, dtype=np.int64)
    return codes, levels


def _level_blocks(n_rows: int, n_levels: int) -> list[tuple[int, int]]:
    """Split the levels into blocks so that the indicator matrix stays small."""
    size = max(1, _BLOCK_CELLS // max(n_rows, 1))
    return [(i, min(i + size, n_levels)) for i in range(0, n_levels, size)]


def _onehot(codes: np.ndarray, start: int, stop: int) -> np.ndarray:
    """Indicators of levels start..stop-1 (rows with other or missing codes are 0)."""
    ind = np.zeros((len(codes), stop - start))
    rows = np.flatnonzero((codes >= start) & (codes < stop))
    ind[rows, codes[rows] - start] = 1.0
    return ind


def _show_values(values: list, limit: int = 10) -> list:
    """Values for an error message: whole floats shown as ints (7 rather than 7.0)."""
    shown = sorted(values, key=_sort_key)[:limit]
    return [int(v) if isinstance(v, float) and v.is_integer() else v for v in shown]


def _sort_key(x: object) -> tuple[int, object]:
    """Sort numbers before text without failing on mixed types."""
    if isinstance(x, bool | np.bool_):
        return (0, int(x))
    if isinstance(x, int | float | np.integer | np.floating):
        return (0, float(x))
    return (1, str(x))


# ---------------------------------------------------------------------------
# Questionnaire helpers
# ---------------------------------------------------------------------------


def likert_table(
    data: Design | pd.DataFrame,
    items: ColumnSpec,
    *,
    weights: str | None = None,
    levels: Sequence[Hashable] | None = None,
    dont_know: Hashable | None = 8,
    refused: Hashable | None = 9,
    level: float = 0.95,
) -> pd.DataFrame:
    """Weighted distribution of Likert-type items: one row per item and answer level.

    Shares are computed among substantive answers (don't-know, refused and
    missing left out); the don't-know and refused rates are the weighted shares
    of those codes among everyone who was asked (all non-missing answers).

    Parameters
    ----------
    data : Design or pandas.DataFrame
        With a :class:`Design` the shares are design-based and the table also
        has ``se, ci_low, ci_high`` (logit intervals, as :meth:`Design.proportion`).
    items : str or list of str
        Item columns holding coded answers.
    weights : str, optional
        Weight column when ``data`` is a DataFrame (default: unweighted).
    levels : sequence, optional
        The substantive answer codes (e.g. ``range(1, 6)``).  Levels nobody
        chose are listed with share 0, and any other value raises a
        ``ValueError``.  Default: the codes observed.
    dont_know, refused : value or None, default 8 and 9
        Codes for "don't know" and "refused"; None if the item has no such code.
    level : float, default 0.95
        Confidence level (Design only).

    Returns
    -------
    pandas.DataFrame
        ``item, level, share, [se, ci_low, ci_high,] count, n, dont_know,
        refused``: ``count`` respondents chose the level, ``n`` gave a
        substantive answer to the item, and ``dont_know``/``refused`` are the
        item's weighted rates (repeated on each of its rows). With cleaned
        data (codes already turned into NA, as ``load_trust_survey()`` gives)
        the rates cannot be known and are NaN: load with ``raw=True``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"q1": [1, 2, 2, 8, 9], "w": [1.0, 1.0, 2.0, 1.0, 1.0]})
    >>> likert_table(df, "q1", weights="w")
      item  level  share  count  n  dont_know   refused
    0   q1      1   0.25      1  3   0.166667  0.166667
    1   q1      2   0.75      2  3   0.166667  0.166667
    """
    if isinstance(data, Design):
        data._check_unchanged()
        frame = data.data
        w_all = data._w
    elif isinstance(data, pd.DataFrame):
        frame = data
        if weights is not None:
            w_all = Design(frame, weights=weights)._w
        else:
            w_all = np.ones(len(frame))
    else:
        raise TypeError(f"data must be a Design or a DataFrame, not {type(data).__name__}")
    item_cols = _as_list(items)
    if not item_cols:
        raise ValueError("items is empty: name at least one item column")
    _check_columns(frame, item_cols, "item")
    special_codes = [c for c in (dont_know, refused) if c is not None]
    pieces = []
    for item in item_cols:  # loop over items (a handful), not over domains
        col = frame[item]
        answered = col.notna().to_numpy()
        none = np.zeros(len(col), bool)
        is_dk = col.eq(dont_know).fillna(False).to_numpy(bool) if dont_know is not None else none
        is_rf = col.eq(refused).fillna(False).to_numpy(bool) if refused is not None else none
        w_asked = w_all[answered].sum()
        with np.errstate(invalid="ignore", divide="ignore"):
            dk_rate = w_all[is_dk].sum() / w_asked
            rf_rate = w_all[is_rf].sum() / w_asked
        if not (is_dk | is_rf).any() and not answered.all():
            # Cleaned data: the codes are already NA, so the rates are unknown
            # here (load with raw=True to see them), not zero.
            dk_rate = rf_rate = np.nan
        substantive = col.where(~col.isin(special_codes)) if special_codes else col
        if levels is not None:
            lev = list(levels)
            bad = substantive.notna() & ~substantive.isin(lev)
            if bad.any():
                vals = _show_values(pd.unique(substantive[bad]).tolist())
                raise ValueError(
                    f"item {item!r} has values outside levels={lev} and the don't-know/refused "
                    f"codes: {vals} ({int(bad.sum())} rows, e.g. {bad[bad].index[:5].tolist()}"
                    f"). Recode them or set them to missing."
                )
            substantive = pd.Series(
                pd.Categorical(substantive, categories=lev), index=col.index
            )
        if isinstance(data, Design):
            tab = data._proportion_series(substantive, None, level, True, False)
            tab = tab.rename(columns={"estimate": "share"})
            tab = tab[["level", "share", "se", "ci_low", "ci_high", "count", "n"]]
        else:
            codes, cats = _level_codes(substantive)
            valid = codes >= 0
            ind = _onehot(codes, 0, len(cats))
            wv = w_all[valid]
            wsum = wv.sum()
            with np.errstate(invalid="ignore", divide="ignore"):
                share = (ind[valid] * wv[:, None]).sum(axis=0) / wsum
            tab = pd.DataFrame(
                {
                    "level": np.array(cats, dtype=object),
                    "share": share,
                    "count": ind[valid].sum(axis=0).astype(np.int64),
                    "n": np.int64(valid.sum()),
                }
            )
        tab.insert(0, "item", item)
        tab["dont_know"] = dk_rate
        tab["refused"] = rf_rate
        pieces.append(tab)
    out = pd.concat(pieces, ignore_index=True)
    try:
        lev_num = pd.to_numeric(out["level"])
    except (TypeError, ValueError):
        return out
    if lev_num.dtype.kind == "f" and np.all(np.mod(lev_num, 1) == 0):
        lev_num = lev_num.astype(np.int64)  # codes 1..5 rather than 1.0..5.0
    out["level"] = lev_num
    return out


def scale_score(
    df: pd.DataFrame,
    items: Sequence[str],
    *,
    reverse: Sequence[str] = (),
    scale_min: float = 1,
    scale_max: float | None = None,
    missing_codes: Sequence[float] = (8, 9),
    min_valid: int | None = None,
) -> pd.Series:
    """Mean score over Likert items, with reverse-keyed items and missing codes.

    Missing codes (don't know, refused) become missing *before* items are
    reversed, so a "don't know" (8) on a reversed 1-5 item never turns into -2.

    Parameters
    ----------
    df : pandas.DataFrame
    items : list of str
        Item columns (numeric codes).
    reverse : list of str, optional
        Items to reverse as ``scale_min + scale_max - x``; must be among ``items``.
    scale_min, scale_max : number
        The range of valid answers.  ``scale_max`` is needed to reverse items
        and to check ranges; values outside the range raise ``ValueError``.
    missing_codes : sequence, default (8, 9)
        Codes treated as missing.  A code inside the valid range (8 on a 0-10
        scale) is an error: pass e.g. ``missing_codes=(98, 99)``.
    min_valid : int, optional
        Least number of valid items for a score; fewer gives NaN.  Default: all
        items must be valid.

    Returns
    -------
    pandas.Series
        Named ``"scale_score"``, aligned with ``df``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"t1": [5, 4, 8], "t2": [1, 2, 2], "t3": [4, 9, 3]})
    >>> scale_score(df, ["t1", "t2", "t3"], reverse=["t2"], scale_max=5, min_valid=2).tolist()
    [4.666666666666667, 4.0, 3.5]
    """
    item_cols = _as_list(items)
    if not item_cols:
        raise ValueError("items is empty: name at least one item column")
    _check_columns(df, item_cols, "item")
    rev = _as_list(reverse)
    stray = [c for c in rev if c not in item_cols]
    if stray:
        raise ValueError(f"reverse items {stray} are not among items {item_cols}")
    if rev and scale_max is None:
        raise ValueError("reversing items needs scale_max (e.g. scale_max=5 for a 1-5 scale)")
    codes = list(missing_codes)
    if scale_max is not None:
        clash = [c for c in codes if scale_min <= c <= scale_max]
        if clash:
            raise ValueError(
                f"missing code(s) {clash} are valid answers on a {scale_min}-{scale_max} scale; "
                f"pass the codes your questionnaire uses, e.g. missing_codes=(98, 99), or ()"
            )
    k = len(item_cols)
    if min_valid is None:
        min_valid = k
    if not 1 <= min_valid <= k:
        raise ValueError(f"min_valid must be between 1 and the number of items ({k})")
    x = pd.DataFrame(
        {c: _numeric_values(df[c], c, "scale score") for c in item_cols}, index=df.index
    )
    if codes:
        x = x.mask(x.isin(codes))
    for c in item_cols:
        col = x[c]
        out_of_range = (col < scale_min) | (col > scale_max if scale_max is not None else False)
        if out_of_range.any():
            vals = _show_values(pd.unique(col[out_of_range]).tolist())
            raise ValueError(
                f"item {c!r} has values outside {scale_min}-{scale_max}: {vals} "
                f"({int(out_of_range.sum())} rows, e.g. {col.index[out_of_range][:5].tolist()}). "
                f"Add them to missing_codes or recode them."
            )
    for c in rev:
        x[c] = scale_min + scale_max - x[c]  # type: ignore[operator]
    n_valid = x.notna().sum(axis=1)
    score = x.mean(axis=1, skipna=True).where(n_valid >= min_valid)
    return score.rename("scale_score")


def cronbach_alpha(
    items: pd.DataFrame, *, missing: Literal["pairwise", "listwise"] = "pairwise"
) -> float:
    """Cronbach's alpha of a set of items (psych::alpha's ``raw_alpha``).

    ``alpha = k / (k - 1) * (1 - trace(C) / sum(C))`` with ``C`` the item
    covariance matrix.  Reverse-keyed items must be reversed first (see
    :func:`scale_score`), and missing codes set to NaN.

    Parameters
    ----------
    items : pandas.DataFrame
        One numeric column per item, at least two.
    missing : {"pairwise", "listwise"}, default "pairwise"
        ``"pairwise"`` computes each covariance from the rows where both items
        are present (psych's default ``use="pairwise"``); ``"listwise"`` keeps
        only complete rows.

    Returns
    -------
    float

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 5], "c": [1, 3, 3, 4, 4]})
    >>> round(cronbach_alpha(df), 4)
    0.9538
    """
    if not isinstance(items, pd.DataFrame):
        raise TypeError("items must be a DataFrame with one column per item")
    if missing not in ("pairwise", "listwise"):
        raise ValueError(f"missing must be 'pairwise' or 'listwise', not {missing!r}")
    k = items.shape[1]
    if k < 2:
        raise ValueError(f"Cronbach's alpha needs at least two items, got {k}")
    x = pd.DataFrame(
        {c: _numeric_values(items[c], str(c), "reliability") for c in items.columns},
        index=items.index,
    )
    if missing == "listwise":
        x = x.dropna()
    cov = x.cov(min_periods=2).to_numpy()
    if np.isnan(cov).any():
        raise ValueError("some pair of items has fewer than two rows in common")
    total = cov.sum()
    if total <= 0:
        raise ValueError("the items have no variance")
    return float(k / (k - 1) * (1 - np.trace(cov) / total))


def suppress_small_cells(
    table: pd.DataFrame,
    *,
    n_col: str | Sequence[str] = "n",
    min_n: int = 30,
    columns: Sequence[str] | None = None,
    flag: str = "suppressed",
) -> pd.DataFrame:
    """Blank out estimates based on too few respondents; return a new frame.

    Parameters
    ----------
    table : pandas.DataFrame
        Typically the output of :meth:`Design.mean` or :func:`likert_table`.
        It is never modified.
    n_col : str or list of str, default "n"
        Column(s) with the unweighted base; a row is suppressed if any of them
        is below ``min_n`` or missing (e.g. ``["n_a", "n_b"]`` for
        :meth:`Design.difference`).
    min_n : int, default 30
        Smallest base that may be shown.
    columns : list of str, optional
        Columns to mask.  Default: the estimate columns present among
        ``estimate, se, ci_low, ci_high, deff, share, p_value, estimate_a,
        estimate_b, se_a, se_b``.
    flag : str, default "suppressed"
        Name of the boolean column added.

    Returns
    -------
    pandas.DataFrame
        A copy with the masked values set to NaN and the flag column.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"village": ["a", "b"], "estimate": [0.4, 0.9], "n": [120, 12]})
    >>> suppress_small_cells(t, min_n=30)
      village  estimate    n  suppressed
    0       a       0.4  120       False
    1       b       NaN   12        True
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError("table must be a DataFrame")
    n_cols = _as_list(n_col)
    _check_columns(table, n_cols, "n_col")
    if columns is None:
        cols = [c for c in _ESTIMATE_COLUMNS if c in table.columns]
        if not cols:
            raise ValueError(
                "no estimate column found to mask; name them with columns=[...]"
            )
    else:
        cols = _as_list(columns)
        _check_columns(table, cols, "columns")
    if flag in table.columns:
        raise ValueError(f"table already has a column {flag!r}; choose another flag=")
    small = np.zeros(len(table), dtype=bool)
    for c in n_cols:
        n = pd.to_numeric(table[c], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        small |= ~(n >= min_n)
    out = table.copy()
    for c in cols:
        col = out[c]
        if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
            out[c] = col.astype("float64").mask(small)
        else:
            out[c] = col.astype(object).mask(small)
    out[flag] = small
    return out
