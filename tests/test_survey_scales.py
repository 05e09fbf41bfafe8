"""Tests of ruralkit.survey.scales: Likert tables, scale scores and Cronbach's alpha (R: psych).

Reference numbers: see tests/survey_fixtures.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from survey_fixtures import *  # noqa: F403 - the api samples and designs (pytest fixtures)
from survey_fixtures import DATA

from ruralkit.survey import (
    ColumnNotFoundError,
    Design,
    cronbach_alpha,
    likert_table,
    scale_score,
)


def _likert_frame():
    return pd.DataFrame({
        "q1": [1, 2, 2, 3, 8, 9, 1, np.nan],
        "q2": [5, 5, 4, 8, 8, 1, 2, 3],
        "w": [1.0, 2.0, 1.0, 1.0, 2.0, 1.0, 1.0, 3.0],
        "v": [1, 1, 2, 2, 3, 3, 4, 4],
    })


def test_likert_table_weighted_shares_and_codes():
    t = likert_table(_likert_frame(), ["q1", "q2"], weights="w", categories=range(1, 6))
    assert list(t.columns) == ["item", "category", "share", "count", "n", "dont_know", "refused"]
    assert len(t) == 10
    q1 = t[t["item"] == "q1"].set_index("category")
    # q1 substantive answers: 1 (w 1 + 1), 2 (w 2 + 1), 3 (w 1) -> base weight 6
    np.testing.assert_allclose(q1["share"], [2 / 6, 3 / 6, 1 / 6, 0, 0])
    assert q1["count"].tolist() == [2, 2, 1, 0, 0]
    assert (q1["n"] == 5).all()
    # asked (non-missing): weight 12 - 3 = 9; don't know weight 2, refused weight 1
    assert q1["dont_know"].iloc[0] == pytest.approx(2 / 9)
    assert q1["refused"].iloc[0] == pytest.approx(1 / 9)
    q2 = t[t["item"] == "q2"].set_index("category")
    # q2: 5 (w 1 + 2), 4 (w 1), 1 (w 1), 2 (w 1), 3 (w 3) -> base 9; don't know w 3 of 12
    np.testing.assert_allclose(q2["share"], [1 / 9, 1 / 9, 3 / 9, 1 / 9, 3 / 9])
    assert q2["dont_know"].iloc[0] == pytest.approx(3 / 12)
    assert q2["refused"].iloc[0] == 0


def test_likert_table_with_design_matches_proportion():
    df = _likert_frame()
    design = Design(df, weights="w", cluster="v")
    t = likert_table(design, "q1")
    assert {"se", "ci_low", "ci_high"} <= set(t.columns)
    sub = df.assign(q1=df["q1"].where(~df["q1"].isin([8, 9])))
    p = Design(sub, weights="w", cluster="v").proportion("q1")
    np.testing.assert_allclose(t["share"], p["estimate"])
    np.testing.assert_allclose(t["se"], p["se"])
    np.testing.assert_allclose(t["share"], [2 / 6, 3 / 6, 1 / 6])


def test_likert_table_rejects_out_of_range():
    df = _likert_frame()
    df.loc[0, "q2"] = 7
    with pytest.raises(ValueError, match=r"item 'q2' has values outside.*\[7\]"):
        likert_table(df, ["q1", "q2"], categories=range(1, 6))


def test_scale_score_missing_codes_before_reversing():
    df = pd.DataFrame({"t1": [5, 4, 8, 2], "t2": [1, 8, 2, 9], "t3": [4, 9, 3, 8]})
    s = scale_score(df, ["t1", "t2", "t3"], reverse=["t2"], scale_max=5, min_valid=2)
    # row 0: 5, 6-1=5, 4 -> 14/3; row 1: 4, (8 missing), (9 missing) -> only 1 valid -> NaN
    # row 2: (8 missing), 6-2=4, 3 -> 3.5; row 3: 2, (9), (8) -> NaN
    assert s.iloc[0] == pytest.approx(14 / 3)
    assert np.isnan(s.iloc[1])
    assert s.iloc[2] == pytest.approx(3.5)
    assert np.isnan(s.iloc[3])
    all_items = scale_score(df, ["t1", "t2", "t3"], reverse=["t2"], scale_max=5)
    assert all_items.notna().tolist() == [True, False, False, False]
    assert s.name == "scale_score"
    pd.testing.assert_index_equal(s.index, df.index)


def test_scale_score_errors():
    df = pd.DataFrame({"a": [1, 2, 7], "b": [1, 2, 3]})
    with pytest.raises(ValueError, match=r"item 'a' has values outside 1-5: \[7\]"):
        scale_score(df, ["a", "b"], scale_max=5)
    with pytest.raises(ValueError, match="needs scale_max"):
        scale_score(df, ["a", "b"], reverse=["a"])
    with pytest.raises(ValueError, match="missing_codes=\\(98, 99\\)"):
        scale_score(df, ["a", "b"], scale_min=0, scale_max=10)
    with pytest.raises(ColumnNotFoundError):
        scale_score(df, ["a", "c"])


def test_cronbach_alpha_bfi_against_psych():
    x = pd.read_csv(DATA / "bfi_agree_300.csv", index_col=0)
    assert x.isna().sum().sum() == 7
    x["A1"] = 7 - x["A1"]
    # R: x <- bfi[1:300, c("A1","A2","A3","A4","A5")]; x$A1 <- 7 - x$A1
    # R: psych::alpha(x)$total$raw_alpha
    assert cronbach_alpha(x) == pytest.approx(0.718632915722, rel=1e-10)
    # R: psych::alpha(na.omit(x))$total$raw_alpha
    assert cronbach_alpha(x, missing="listwise") == pytest.approx(0.718295582687, rel=1e-10)


def test_cronbach_alpha_attitude_against_psych():
    x = pd.read_csv(DATA / "attitude.csv", index_col=0)
    # R: psych::alpha(attitude)$total$raw_alpha
    assert cronbach_alpha(x) == pytest.approx(0.843142769565, rel=1e-10)


def test_likert_table_on_cleaned_items_reports_unknown_dk_rates():
    raw = pd.DataFrame({"q": [1, 2, 8, 2, 9, 1], "w": [1.0] * 6})
    clean = raw.assign(q=raw["q"].astype("Int64").mask(raw["q"].isin([8, 9])))
    t_raw = likert_table(raw, ["q"], weights="w")
    t_clean = likert_table(clean, ["q"], weights="w")
    pd.testing.assert_series_equal(t_raw["share"], t_clean["share"])
    assert t_raw["dont_know"].iloc[0] == pytest.approx(1 / 6)
    assert t_clean["dont_know"].isna().all() and t_clean["refused"].isna().all()
