"""Tests of ruralkit.survey.privacy: small-cell suppression.

Reference numbers: see tests/survey_fixtures.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from survey_fixtures import *  # noqa: F403 - the api samples and designs (pytest fixtures)

from ruralkit.survey import (
    suppress_small_cells,
)


def test_suppress_small_cells_returns_new_frame(dclus1):
    t = dclus1.mean("api00", by="stype")
    before = t.copy()
    s = suppress_small_cells(t, min_n=20)
    pd.testing.assert_frame_equal(t, before)
    assert s["suppressed"].tolist() == [False, True, False]  # H has n = 14
    row = s[s["stype"] == "H"].iloc[0]
    for col in ("estimate", "se", "ci_low", "ci_high", "deff"):
        assert np.isnan(row[col])
    assert row["n"] == 14
    assert s.loc[s["stype"] == "E", "estimate"].item() == t.loc[0, "estimate"]
    only = suppress_small_cells(t, min_n=20, columns=["estimate"], flag="hidden")
    assert np.isnan(only.loc[1, "estimate"]) and not np.isnan(only.loc[1, "se"])
    assert "hidden" in only.columns


def test_suppress_small_cells_several_bases(dclus1):
    d = dclus1.difference("api00", between="awards", groups=("No", "Yes"), by="stype")
    s = suppress_small_cells(d, n_col=["n_a", "n_b"], min_n=10)
    # H: n_a = 8, n_b = 6 -> suppressed; M: 12 and 13 -> shown
    assert s["suppressed"].tolist() == [False, True, False]
    assert np.isnan(s.loc[1, "p_value"])
    t = pd.DataFrame({"estimate": [1.0, 2.0], "n": [np.nan, 50]})
    assert suppress_small_cells(t, min_n=30)["suppressed"].tolist() == [True, False]
