"""The wild cluster bootstrap of ruralkit.income against the slow way: statsmodels refit per sample.

For each bootstrap sample the reference builds y* = (restricted fit) + (restricted
residual) x (cluster weight), refits with statsmodels' OLS and its cluster (CR1)
covariance, and counts |t*| >= |t|. With 8 clusters and Rademacher weights all
256 sign vectors are used (full enumeration), so the p-values must agree exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from ruralkit.income import FewClustersWarning, drivers
from ruralkit.income.bootstrap import bootstrap_weights


@pytest.fixture(scope="module")
def few() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    g = np.repeat(np.arange(8), 25)
    x = rng.normal(size=200) + 0.5 * rng.normal(size=8)[g]
    z = rng.normal(size=200)
    y = 1.0 + 0.15 * x + 0.0 * z + rng.normal(size=8)[g] * 0.6 + rng.normal(size=200)
    return pd.DataFrame({"y": np.exp(y), "x": x, "z": z, "village": [f"V{i}" for i in g]})


def _slow_pvalue(X, y, groups, k, V) -> float:
    fit = sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": groups})
    t_obs = fit.params[k] / fit.bse[k]
    Xr = np.delete(X, k, axis=1)
    restricted = sm.OLS(y, Xr).fit()
    fitted, u = restricted.fittedvalues, restricted.resid
    t_star = []
    for v in V.T:
        star = sm.OLS(fitted + u * v[groups], X).fit(cov_type="cluster",
                                                   cov_kwds={"groups": groups})
        t_star.append(star.params[k] / star.bse[k])
    return float(np.mean(np.abs(np.array(t_star)) >= np.abs(t_obs) - 1e-12))


def _arrays(few):
    X = np.column_stack([np.ones(len(few)), few["x"], few["z"]])
    groups = pd.factorize(few["village"], sort=True)[0]
    return X, np.log(few["y"].to_numpy()), groups


def test_full_enumeration_agrees_with_statsmodels_refits(few):
    with pytest.warns(FewClustersWarning):
        table = drivers(few, outcome="y", features=["x", "z"], cluster="village",
                        bootstrap="wild")
    X, y, groups = _arrays(few)
    V = bootstrap_weights(8, 9999, "rademacher", np.random.default_rng(0))
    assert V.shape == (8, 256)
    slow = [_slow_pvalue(X, y, groups, k, V) for k in range(3)]
    np.testing.assert_allclose(table["p_value_boot"], slow, atol=1e-12)
    # The bootstrap is more cautious than the t(G-1) p-value for the real effect.
    assert table.loc[1, "p_value"] < table.loc[1, "p_value_boot"] < 0.05


def test_webb_weights_agree_with_statsmodels_refits(few):
    with pytest.warns(FewClustersWarning):
        table = drivers(few, outcome="y", features=["x", "z"], cluster="village",
                        bootstrap="wild", boot_weights="webb", reps=199, seed=5)
    X, y, groups = _arrays(few)
    V = bootstrap_weights(8, 199, "webb", np.random.default_rng(5))
    assert _slow_pvalue(X, y, groups, 2, V) == pytest.approx(table.loc[2, "p_value_boot"])


def test_weighted_bootstrap_agrees_with_statsmodels_wls_refits(few):
    frame = few.assign(w=np.linspace(0.5, 2.0, len(few)))
    with pytest.warns(FewClustersWarning):
        table = drivers(frame, outcome="y", features=["x", "z"], cluster="village", weights="w",
                        bootstrap="wild")
    X, y, groups = _arrays(frame)
    w = frame["w"].to_numpy()
    V = bootstrap_weights(8, 9999, "rademacher", np.random.default_rng(0))
    k = 1
    fit = sm.WLS(y, X, weights=w).fit(cov_type="cluster", cov_kwds={"groups": groups})
    restricted = sm.WLS(y, np.delete(X, k, axis=1), weights=w).fit()
    t_obs = fit.params[k] / fit.bse[k]
    t_star = [
        (lambda f: f.params[k] / f.bse[k])(
            sm.WLS(restricted.fittedvalues + restricted.resid * v[groups], X, weights=w)
            .fit(cov_type="cluster", cov_kwds={"groups": groups}))
        for v in V.T
    ]
    slow = float(np.mean(np.abs(np.array(t_star)) >= np.abs(t_obs) - 1e-12))
    assert table.loc[k, "p_value_boot"] == pytest.approx(slow, abs=1e-12)
