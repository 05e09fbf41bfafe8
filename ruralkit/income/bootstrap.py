"""Wild cluster bootstrap (WCR) p-values for OLS with few clusters.

Why it is written here rather than taken from PyPI: the maintained Python
package, ``wildboottest``, needs numba (with llvmlite, about 100 MB of wheels per
platform in the offline wheelhouse), and its last release is from 2024; the
algorithm for one coefficient at a time is short when it is written over
cluster sums (Roodman, MacKinnon, Nielsen & Webb 2019, "Fast and wild",
*Stata Journal* 19(1)), and it is tested against the slow way: statsmodels refit
on every bootstrap sample (``tests/test_income_bootstrap.py``).

The bootstrap imposes the null (``coef = 0``) on the data-generating process
(WCR), draws one weight per cluster (Rademacher ±1, or Webb's six-point
weights), and compares the CR1 t statistic with its bootstrap distribution
(symmetric, two-sided). With Rademacher weights and ``2**G <= reps`` every sign
vector is used once (full enumeration), so the p-value is exact and needs no seed.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy import sparse

__all__ = ["WEIGHT_KINDS", "wild_cluster_pvalues"]

WEIGHT_KINDS = ("rademacher", "webb")
_WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])


def bootstrap_weights(n_clusters: int, reps: int, kind: str,
                      rng: np.random.Generator) -> np.ndarray:
    """(G, B) cluster weights; all 2**G sign vectors when Rademacher and 2**G <= reps."""
    if kind == "rademacher" and 2**n_clusters <= reps:
        signs = np.array(list(itertools.product((1.0, -1.0), repeat=n_clusters)))
        return signs.T
    if kind == "rademacher":
        return rng.choice(np.array([-1.0, 1.0]), size=(n_clusters, reps))
    return rng.choice(_WEBB, size=(n_clusters, reps))


def wild_cluster_pvalues(X: np.ndarray, y: np.ndarray, clusters: np.ndarray, *,
                         terms: list[int], reps: int = 9999, kind: str = "rademacher",
                         seed: int | None = None) -> np.ndarray:
    """Two-sided WCR bootstrap p-values for ``coef[k] = 0``, for each ``k`` in ``terms``.

    Parameters
    ----------
    X, y : arrays
        Design (N x K, with the intercept) and outcome; for weighted least
        squares pass both multiplied by ``sqrt(weights)``.
    clusters : int array
        Cluster codes 0..G-1 per row.
    terms : list of int
        Columns of ``X`` to test.
    reps, kind, seed
        Bootstrap samples, weight distribution and seed (unused under full
        enumeration).

    Returns
    -------
    numpy.ndarray
        One p-value per term: the share of bootstrap |t*| at least the observed |t|.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> g = np.repeat(np.arange(8), 20)
    >>> X = np.column_stack([np.ones(160), rng.normal(size=160)])
    >>> y = 0.5 * X[:, 1] + rng.normal(size=8)[g] + rng.normal(size=160)
    >>> float(wild_cluster_pvalues(X, y, g, terms=[1])[0]) < 0.05
    True
    """
    N, K = X.shape
    G = int(clusters.max()) + 1
    S = sparse.csr_matrix((np.ones(N), (clusters, np.arange(N))), shape=(G, N))
    XtX_inv = np.linalg.inv(X.T @ X)
    beta = XtX_inv @ (X.T @ y)
    resid = y - X @ beta
    m = G / (G - 1) * (N - 1) / (N - K)  # CR1, as statsmodels' cluster covariance
    V = bootstrap_weights(G, reps, kind, np.random.default_rng(seed))
    out = np.empty(len(terms))
    for i, k in enumerate(terms):
        r = XtX_inv[k]  # row k of (X'X)^-1
        score = S @ (X * resid[:, None])  # (G, K) cluster score sums
        t_obs = beta[k] / np.sqrt(m * np.sum((score @ r) ** 2))
        # Restricted fit: coefficient k set to 0.
        keep = [j for j in range(K) if j != k]
        Xr = X[:, keep]
        u = y - Xr @ np.linalg.lstsq(Xr, y, rcond=None)[0]
        a = r @ (S @ (X * u[:, None])).T  # (G,): beta*_k - 0 = a @ v
        # Bootstrap residuals u*v - X (X'X)^-1 X'(u*v); their CR1 score for coef k:
        # r X_g'u*_g = a_g v_g - (r X_g' X_g)(X'X)^-1 X' (u v).
        z = X @ r  # (N,)
        D = S @ (X * z[:, None])  # (G, K): row g is r X_g'X_g
        Aall = XtX_inv @ (S @ (X * u[:, None])).T  # (K, G): (X'X)^-1 X_g'u_g
        C = np.diag(a) - D @ Aall  # (G, G)
        num = a @ V  # (B,)
        den = np.sqrt(m * np.sum((C @ V) ** 2, axis=0))
        t_star = num / den
        out[i] = np.mean(np.abs(t_star) >= np.abs(t_obs) - 1e-12)
    return out
