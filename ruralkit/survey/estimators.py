"""Means, totals and shares by domain (R's ``svymean``, ``svytotal``, ``svyby``) as Estimates.

Everything is vectorised over domains: the PSU totals of the linearised scores
are aggregated per (PSU, domain) pair, and PSUs without any respondent in a
domain enter the within-stratum centring analytically, so a million
respondents in 40,000 domains take about a second. Domains are estimated on
the full design (rows outside a domain add zero to the PSU totals), not by
subsetting the rows.

These functions take the design's table and its :class:`CodedDesign`; call
them through :meth:`Design.mean`, :meth:`Design.total`,
:meth:`Design.proportion` and :meth:`Design.difference`.

Examples
--------
>>> import pandas as pd
>>> from ruralkit.survey import Design
>>> df = pd.DataFrame({"v": [1, 1, 2, 2], "w": [1.0] * 4, "y": [1.0, 2, 3, 4]})
>>> Design(df, weights="w", cluster="v").total("y")["estimate"].item()
10.0
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from .columns import (
    BLOCK_CELLS,
    ColumnSpec,
    as_list,
    category_blocks,
    category_codes,
    check_columns,
    check_level,
    check_name,
    group_codes,
    numeric_values,
    onehot,
)
from .results import Estimates, Linearisation, assemble, with_scores
from .variance import CodedDesign, logit_interval, t_quantile, total_variance

Kind = Literal["mean", "total"]
Deff = bool | Literal["replace"]


def domains(data: pd.DataFrame, by: ColumnSpec | None) -> tuple[np.ndarray, pd.DataFrame | None]:
    """Domain code of each row (-1: in no domain) and the table of domain keys (None: one)."""
    by_cols = as_list(by)
    if not by_cols:
        return np.zeros(len(data), dtype=np.int64), None
    check_columns(data, by_cols, "by")
    return group_codes(data, by_cols)


def _design_effect(
    w: np.ndarray, resid: np.ndarray, d: np.ndarray, n_dom: int, var: np.ndarray,
    wsum: np.ndarray, kind: Kind, deff: Deff,
) -> np.ndarray:
    """``var`` over the variance under simple random sampling (R's ``deff=``)."""
    k = resid.shape[1]
    nobs = np.bincount(d, weights=(w != 0).astype(np.float64), minlength=n_dom)
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
        return var / vsrs


def domain_estimate(
    coded: CodedDesign, y: np.ndarray, valid: np.ndarray, dom: np.ndarray, n_dom: int,
    kind: Kind, deff: Deff,
) -> dict[str, np.ndarray]:
    """Domain means or totals of the columns of ``y`` (n x k) with variances.

    Rows with ``valid`` False or ``dom`` < 0 contribute zero everywhere but
    the design (strata, PSUs, n_h) is kept, as R's ``svyby`` and ``na.rm``.
    """
    keep = valid & (dom >= 0)
    idx = np.flatnonzero(keep)
    d = dom[idx]
    w = coded.weights[idx]
    yy = y[idx]
    k = yy.shape[1]
    wsum = np.bincount(d, weights=w, minlength=n_dom)
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
    psu = coded.psu[idx]
    var = total_variance(coded, u, psu, d, n_dom)
    if kind == "mean":
        var[wsum == 0] = np.nan  # a domain without (weighted) respondents has no mean
    out = {"estimate": est, "var": var, "n": np.bincount(d, minlength=n_dom), "u": u,
           "dom": d, "psu": psu}
    if deff:
        out["deff"] = _design_effect(w, resid, d, n_dom, var, wsum, kind, deff)
    return out


def _mask_missing(
    dom: np.ndarray, valid: np.ndarray, n_dom: int, arrays: list[np.ndarray]
) -> None:
    """``na_rm=False``: a domain holding a missing value gets NaN (in place)."""
    has_na = np.bincount(dom[(~valid) & (dom >= 0)], minlength=n_dom) > 0
    for arr in arrays:
        arr[has_na] = np.nan


def numeric_estimates(
    data: pd.DataFrame, coded: CodedDesign, var: str, by: ColumnSpec | None, *,
    kind: Kind, na_rm: bool, level: float, deff: Deff,
) -> Estimates:
    """:meth:`Design.mean` and :meth:`Design.total` of one numeric column."""
    check_name(var)
    check_columns(data, [var], "variable")
    dom, keys = domains(data, by)
    return numeric_on_domains(data, coded, var, dom, keys, by=as_list(by), kind=kind,
                              na_rm=na_rm, level=level, deff=deff)


def numeric_on_domains(
    data: pd.DataFrame, coded: CodedDesign, var: str, dom: np.ndarray,
    keys: pd.DataFrame | None, *, by: list[str], kind: Kind, na_rm: bool, level: float,
    deff: Deff,
) -> Estimates:
    """Means or totals of ``var`` in the domains ``dom`` (keys: one row per domain)."""
    level = check_level(level)
    y = numeric_values(data[var], var, kind)
    n_dom = 1 if keys is None else len(keys)
    valid = ~np.isnan(y)
    res = domain_estimate(coded, np.where(valid, y, 0.0)[:, None], valid, dom, n_dom, kind, deff)
    est = res["estimate"][:, 0].copy()
    se = np.sqrt(res["var"][:, 0])
    dfx = res.get("deff", np.full((n_dom, 1), np.nan))[:, 0].copy()
    if not na_rm:
        _mask_missing(dom, valid, n_dom, [est, se, dfx])
    t = t_quantile(level, coded.degf)
    # The mean of a yes/no column is a share: a logit interval stays in [0, 1].
    logit = kind == "mean" and pd.api.types.is_bool_dtype(data[var].dtype)
    lo, hi = logit_interval(est, se, t) if logit else (est - t * se, est + t * se)
    table = assemble(keys, 1, None, {
        "estimate": est, "se": se, "ci_low": lo, "ci_high": hi,
        "n": res["n"].astype(np.int64), "deff": dfx,
    })
    lin = Linearisation(coded=coded, u=res["u"], psu=res["psu"], dom=res["dom"],
                        n_dom=n_dom, k=1)
    return Estimates._make(table, with_scores(lin, na_rm), by=by, level=level,
                           interval=np.full(n_dom, logit), kind=kind, var=res["var"][:, 0])


def proportion_estimates(
    values: pd.Series, dom: np.ndarray, keys: pd.DataFrame | None, coded: CodedDesign, *,
    by: list[str], level: float, na_rm: bool, deff: Deff,
) -> Estimates:
    """Shares of each category of ``values`` in each domain, with logit intervals."""
    level = check_level(level)
    codes, categories = category_codes(values)
    valid = codes >= 0
    n_dom, k = (1 if keys is None else len(keys)), len(categories)
    p = np.empty((n_dom, k))
    var = np.empty((n_dom, k))
    dfx = np.full((n_dom, k), np.nan)
    n_rows = np.zeros(n_dom, dtype=np.int64)
    scores, res = [], {}
    for start, stop in category_blocks(len(codes), k):
        res = domain_estimate(coded, onehot(codes, start, stop), valid, dom, n_dom, "mean", deff)
        p[:, start:stop] = res["estimate"]
        var[:, start:stop] = res["var"]
        if deff:
            dfx[:, start:stop] = res["deff"]
        n_rows = res["n"]
        scores.append(res["u"])
    se = np.sqrt(var)
    lo, hi = logit_interval(p, se, t_quantile(level, coded.degf))
    inside = valid & (dom >= 0)
    counts = np.bincount(dom[inside] * k + codes[inside], minlength=n_dom * k).reshape(n_dom, k)
    if not na_rm:
        _mask_missing(dom, valid, n_dom, [p, se, lo, hi, dfx])
    table = assemble(keys, k, categories, {
        "estimate": p, "se": se, "ci_low": lo, "ci_high": hi,
        "n": np.repeat(n_rows, k).astype(np.int64), "count": counts.astype(np.int64),
        "deff": dfx,
    })
    kept = np.flatnonzero(inside)
    if not scores:
        u = np.zeros((len(kept), 0))
    elif sum(s.size for s in scores) <= BLOCK_CELLS:
        u = np.hstack(scores)
    else:  # too many categories x rows to keep: no contrasts of this table
        u = None
    lin = Linearisation(coded=coded, u=u, psu=coded.psu[kept], dom=dom[kept], n_dom=n_dom, k=k)
    return Estimates._make(table, with_scores(lin, na_rm), by=by, level=level,
                           interval=np.ones(n_dom * k, dtype=bool), kind="proportion", var=var)


def proportion_of_column(
    data: pd.DataFrame, coded: CodedDesign, var: str, by: ColumnSpec | None, *,
    level: float, na_rm: bool, deff: Deff,
) -> Estimates:
    """:meth:`Design.proportion` of one column."""
    check_name(var)
    check_columns(data, [var], "variable")
    dom, keys = domains(data, by)
    return proportion_estimates(data[var], dom, keys, coded, by=as_list(by), level=level,
                                na_rm=na_rm, deff=deff)
