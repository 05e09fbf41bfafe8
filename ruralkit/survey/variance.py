"""Linearisation variance of estimated totals by strata and PSUs: pure functions.

The design-based variance of any estimate here is the variance of an estimated
total of its linearised scores ``u`` (R's ``svyrecvar`` for one-stage
designs)::

    V = sum_h (1 - f_h) n_h / (n_h - 1) sum_{i in h} (z_hi - zbar_h)^2

with ``z_hi`` the PSU totals of ``u`` and ``f_h = n_h / N_h`` (0 without fpc).
Written per stratum as ``a_h sum z^2 - b_h (sum z)^2``, the coefficients
``a_h, b_h`` hold the whole design (fpc, lonely-PSU rule); they are computed
once by :func:`stratum_coefficients` and kept in a :class:`CodedDesign`.

Examples
--------
>>> import numpy as np
>>> a, b = stratum_coefficients(np.array([2]), np.array([1.0]), "fail")
>>> coded = CodedDesign(weights=np.ones(4), psu=np.array([0, 0, 1, 1]),
...                     stratum=np.zeros(4, dtype=np.int64), psu_stratum=np.array([0, 0]),
...                     a_h=a, b_h=b, degf=1)
>>> float(total_variance(coded, np.array([[1.0], [1.0], [0.0], [2.0]]),
...                      coded.psu, np.zeros(4, dtype=np.int64), 1)[0, 0])
0.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import special, stats

from .columns import check_level

LonelyPSU = Literal["fail", "adjust", "remove", "certainty"]
LONELY_RULES: tuple[str, ...] = ("fail", "adjust", "remove", "certainty")


@dataclass(frozen=True)
class CodedDesign:
    """A design coded as arrays: what the variance formulas need, nothing else.

    Attributes
    ----------
    weights : numpy.ndarray
        Sampling weight of each row.
    psu, stratum : numpy.ndarray
        Integer PSU and stratum code of each row.
    psu_stratum : numpy.ndarray
        Stratum code of each PSU.
    a_h, b_h : numpy.ndarray
        Per stratum, ``V = a_h sum z^2 - b_h (sum z)^2`` (see the module).
    degf : int
        Design degrees of freedom.
    """

    weights: np.ndarray
    psu: np.ndarray
    stratum: np.ndarray
    psu_stratum: np.ndarray
    a_h: np.ndarray
    b_h: np.ndarray
    degf: int


def stratum_coefficients(
    n_h: np.ndarray, f_h: np.ndarray, lonely_psu: LonelyPSU
) -> tuple[np.ndarray, np.ndarray]:
    """``a_h = f_h n_h / (n_h - 1)`` and ``b_h = a_h / n_h`` per stratum.

    ``f_h`` is ``1 - n_h / N_h`` (1 without fpc). A stratum with one PSU adds
    nothing, except with ``lonely_psu="adjust"`` (R's rule: its PSU total is
    squared uncentred). Strata sampled completely add nothing.
    """
    a_h = np.zeros(len(n_h))
    b_h = np.zeros(len(n_h))
    multi = n_h > 1
    a_h[multi] = f_h[multi] * n_h[multi] / (n_h[multi] - 1)
    b_h[multi] = a_h[multi] / n_h[multi]
    if lonely_psu == "adjust":
        lonely = n_h == 1
        a_h[lonely] = f_h[lonely]
    self_representing = f_h < 1e-7
    a_h[self_representing] = 0.0
    b_h[self_representing] = 0.0
    return a_h, b_h


def degrees_of_freedom(psu: np.ndarray, stratum: np.ndarray) -> int:
    """#PSUs - #strata among the given rows (R's ``degf()``)."""
    return int(np.unique(psu).size - np.unique(stratum).size)


def t_quantile(level: float, df: int) -> float:
    """The two-sided ``level`` quantile of t(df); NaN when df <= 0."""
    level = check_level(level)
    if df <= 0:
        return math.nan
    return float(stats.t.ppf(1 - (1 - level) / 2, df))


def p_values(tstat: np.ndarray, df: int) -> np.ndarray:
    """Two-sided p-values of t statistics on ``df`` degrees of freedom."""
    tstat = np.asarray(tstat, dtype=np.float64)
    if df <= 0:
        return np.full(tstat.shape, np.nan)
    return 2 * stats.t.sf(np.abs(tstat), df)


def logit_interval(p: np.ndarray, se: np.ndarray, t: float) -> tuple[np.ndarray, np.ndarray]:
    """Interval for a share on the logit scale, as R's ``svyciprop(method="logit")``.

    ``expit(logit(p) +/- t * se / (p (1 - p)))``; it stays inside [0, 1]. At p = 0
    or 1, or with se = 0, the interval is the point itself.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        half = t * se / (p * (1 - p))
        lo = special.expit(special.logit(p) - half)
        hi = special.expit(special.logit(p) + half)
    edge = (p <= 0) | (p >= 1) | (se == 0)
    return np.where(edge, p, lo), np.where(edge, p, hi)


def total_variance(
    coded: CodedDesign,
    u: np.ndarray,
    psu: np.ndarray,
    dom: np.ndarray,
    n_dom: int,
    *,
    cov: bool = False,
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
    if u.shape[0] == 0 or k == 0:
        return np.zeros((n_dom, k, k) if cov else (n_dom, k))
    pair_code, pair_key = pd.factorize(psu * n_dom + dom)
    pair_dom = pair_key % n_dom
    pair_h = coded.psu_stratum[pair_key // n_dom]
    a = coded.a_h[pair_h]
    centre = None
    if np.any(coded.b_h != 0):
        hd_code, hd_key = pd.factorize(pair_h * n_dom + pair_dom)
        centre = (hd_code, hd_key % n_dom, coded.b_h[hd_key // n_dom], len(hd_key))
    z = np.column_stack(
        [np.bincount(pair_code, weights=u[:, j], minlength=len(pair_key)) for j in range(k)]
    )
    s = None
    if centre is not None:
        s = np.column_stack(
            [np.bincount(centre[0], weights=z[:, j], minlength=centre[3]) for j in range(k)]
        )

    def cross(j: int, m: int) -> np.ndarray:
        v = np.bincount(pair_dom, weights=a * z[:, j] * z[:, m], minlength=n_dom)
        if centre is not None:
            v -= np.bincount(centre[1], weights=centre[2] * s[:, j] * s[:, m], minlength=n_dom)
        return v

    var = np.column_stack([cross(j, j) for j in range(k)])
    # rounding can leave tiny negative values where the variance is zero
    scale = np.maximum(np.abs(var), 1.0)
    var[(var < 0) & (var > -1e-12 * scale)] = 0.0
    if not cov:
        return var
    out = np.empty((n_dom, k, k))
    for j in range(k):
        out[:, j, j] = var[:, j]
        for m in range(j):
            out[:, j, m] = out[:, m, j] = cross(j, m)
    return out
