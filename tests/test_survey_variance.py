"""Tests of ruralkit.survey.variance: the vectorised linearisation variance against direct formulas.

Reference numbers: see tests/survey_fixtures.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from survey_fixtures import *  # noqa: F403 - the api samples and designs (pytest fixtures)

from ruralkit.survey import (
    Design,
)
from ruralkit.survey.variance import total_variance


def _direct_domain_mean_var(df, w, y, stratum, psu, dom, scale_f=None):
    """Textbook formula, one domain at a time over the full PSU x stratum grid."""
    out = {}
    for d in np.unique(dom):
        ind = dom == d
        wd = w * ind
        ybar = (wd * y).sum() / wd.sum()
        u = wd * (y - ybar) / wd.sum()
        total = 0.0
        for h in np.unique(stratum):
            psus = np.unique(psu[stratum == h])
            z = np.array([u[psu == p].sum() for p in psus])  # zero for PSUs without d
            nh = len(psus)
            f = 1.0 if scale_f is None else scale_f[h]
            total += f * nh / (nh - 1) * ((z - z.mean()) ** 2).sum()
        out[d] = (ybar, total)
    return out


def test_sparse_variance_matches_direct_formula():
    rng = np.random.default_rng(7)
    n = 600
    psu = rng.integers(0, 60, n)
    stratum = psu % 6
    dom = rng.integers(0, 25, n)  # domains cut across PSUs; many PSUs lack a domain
    w = rng.uniform(1, 5, n)
    y = rng.normal(size=n) + psu % 3
    df = pd.DataFrame({"s": stratum, "c": psu, "d": dom, "w": w, "y": y})
    r = Design(df, weights="w", strata="s", cluster="c").mean("y", by="d")
    direct = _direct_domain_mean_var(df, w, y, stratum, psu, dom)
    assert len(r) == len(direct)
    for _, row in r.iterrows():
        est, var = direct[row["d"]]
        assert row["estimate"] == pytest.approx(est, rel=1e-12)
        assert row["se"] ** 2 == pytest.approx(var, rel=1e-10)


def test_covariance_mode_of_total_variance(dclus1):
    # the diagonal of the covariance mode of the variance machinery is its variance
    rng = np.random.default_rng(3)
    u = rng.normal(size=(len(dclus1), 3))
    dom = rng.integers(0, 4, len(dclus1))
    var = total_variance(dclus1.coded, u, dclus1.coded.psu, dom, 4)
    cov = total_variance(dclus1.coded, u, dclus1.coded.psu, dom, 4, cov=True)
    np.testing.assert_array_equal(np.diagonal(cov, axis1=1, axis2=2), var)
    np.testing.assert_allclose(cov, np.transpose(cov, (0, 2, 1)))
    # a covariance of two totals: var(a + b) = var(a) + var(b) + 2 cov(a, b)
    s = total_variance(dclus1.coded, u[:, :1] + u[:, 1:2], dclus1.coded.psu, dom, 4)[:, 0]
    np.testing.assert_allclose(s, var[:, 0] + var[:, 1] + 2 * cov[:, 0, 1], rtol=1e-10)
