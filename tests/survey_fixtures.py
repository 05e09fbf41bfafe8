"""Shared data and designs of the survey tests: R's ``api`` samples and their designs.

Every expected value marked ``# R:`` in tests/test_survey_*.py was printed by R
4.2.2 with survey 4.1.1 (psych 2.2.9 for Cronbach's alpha) under
``options(digits = 12)``; the full R script is in
tests/data/r_survey_api/README.md.  R is not needed to run the tests.
Designs as declared in R::

    dsrs   <- svydesign(id=~1, fpc=~fpc, data=apisrs)
    dstrat <- svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc, data=apistrat)
    dclus1 <- svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=apiclus1)
    dsc    <- svydesign(id=~dnum, strata=~stype, weights=~pw, data=apistrat, nest=TRUE)
    dclus2 <- svydesign(id=~dnum+snum, weights=~pw, data=apiclus2)
    dlon   <- svydesign(id=~dnum, strata=~cname, weights=~pw, data=apiclus1, nest=TRUE)

Test modules import the fixtures they use by name (pytest finds them there).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ruralkit.survey import Design

DATA = Path(__file__).parent / "data" / "r_survey_api"
REL = 1e-9  # R printed 12 significant digits
# What `from survey_fixtures import *` gives a test module: the fixtures only.
__all__ = ["apiclus1", "apiclus2", "apisrs", "apistrat", "dclus1", "dclus2", "dsc", "dsrs",
           "dstrat"]


@pytest.fixture(scope="module")
def apisrs():
    return pd.read_csv(DATA / "apisrs.csv", index_col=0)


@pytest.fixture(scope="module")
def apistrat():
    return pd.read_csv(DATA / "apistrat.csv", index_col=0)


@pytest.fixture(scope="module")
def apiclus1():
    return pd.read_csv(DATA / "apiclus1.csv", index_col=0)


@pytest.fixture(scope="module")
def apiclus2():
    return pd.read_csv(DATA / "apiclus2.csv", index_col=0)


@pytest.fixture(scope="module")
def dsrs(apisrs):
    return Design(apisrs, fpc="fpc")


@pytest.fixture(scope="module")
def dstrat(apistrat):
    return Design(apistrat, strata="stype", weights="pw", fpc="fpc")


@pytest.fixture(scope="module")
def dclus1(apiclus1):
    return Design(apiclus1, cluster="dnum", weights="pw", fpc="fpc")


@pytest.fixture(scope="module")
def dsc(apistrat):
    return Design(apistrat, strata="stype", cluster="dnum", weights="pw", nest=True)


@pytest.fixture(scope="module")
def dclus2(apiclus2):
    return Design(apiclus2, cluster="dnum", weights="pw")


def approx(x, rel=REL):
    return pytest.approx(x, rel=rel)


def one(frame: pd.DataFrame, column: str) -> float:
    assert len(frame) == 1
    return float(frame[column].iloc[0])


def by_key(frame: pd.DataFrame, **keys) -> pd.Series:
    mask = np.ones(len(frame), dtype=bool)
    for col, val in keys.items():
        mask &= (frame[col] == val).to_numpy()
    assert mask.sum() == 1, keys
    return frame.loc[mask].iloc[0]


def small_design_frame() -> pd.DataFrame:
    """Eight rows, two strata of two PSUs: for tests of the guards and messages."""
    return pd.DataFrame({
        "psu": [1, 1, 2, 2, 3, 3, 4, 4], "stratum": ["a"] * 4 + ["b"] * 4,
        "w": [1.0, 2.0, 1.0, 2.0, 3.0, 1.0, 2.0, 1.0],
        "y": [1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0],
    })

