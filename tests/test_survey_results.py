"""Tests of ruralkit.survey.results.

Estimates, its contrasts and differences between domains (R: svyby + svycontrast).

Reference numbers: see tests/survey_fixtures.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from survey_fixtures import *  # noqa: F403 - the api samples and designs (pytest fixtures)
from survey_fixtures import REL, approx, by_key, one

from ruralkit.survey import (
    Design,
    Estimates,
    SurveyError,
)


def test_difference_between_domains_sharing_psus(dclus1):
    d = dclus1.difference("api00", between="awards", groups=("No", "Yes"))
    # R: b <- svyby(~api00, ~awards, dclus1, svymean, covmat=TRUE)
    # R: svycontrast(b, c(No=-1, Yes=1))
    assert one(d, "estimate") == approx(26.4002902758)
    assert one(d, "se") == approx(18.2656299981)
    # R: vcov(b): the domains are correlated (covariance 546.488275585), so the SE is
    # smaller than the "independent" formula sqrt(980.041040058 + 446.568750338)
    assert one(d, "se_a") ** 2 == approx(980.041040058)
    assert one(d, "se_b") ** 2 == approx(446.568750338)
    ind = dclus1.difference("api00", between="awards", groups=("No", "Yes"),
                            method="independent")
    assert one(ind, "se") == approx(np.sqrt(980.041040058 + 446.568750338))
    # the t interval and the p-value use degf(dclus1) = 14
    from scipy import stats

    q = stats.t.ppf(0.975, 14)
    assert one(d, "ci_low") == approx(26.4002902758 - q * 18.2656299981)
    assert one(d, "p_value") == approx(2 * stats.t.sf(26.4002902758 / 18.2656299981, 14))


def test_difference_per_domain(dclus1):
    d = dclus1.difference("api00", between="awards", groups=("No", "Yes"), by="stype")
    # R: b2 <- svyby(~api00, ~interaction(awards, stype), dclus1, svymean, covmat=TRUE)
    # R: svycontrast(b2, list(E=c("No.E"=-1, "Yes.E"=1), H=c("No.H"=-1, "Yes.H"=1),
    #                         M=c("No.M"=-1, "Yes.M"=1)))
    assert d["stype"].tolist() == ["E", "H", "M"]
    np.testing.assert_allclose(d["estimate"], [26.9541359541, 2.5, 15.5897435897], rtol=REL)
    np.testing.assert_allclose(d["se"], [25.5656400081, 53.2706154742, 43.3363666859], rtol=REL)
    # R: coef(b2)
    np.testing.assert_allclose(d["estimate_a"], [628.090909091, 617.5, 623.333333333], rtol=REL)
    np.testing.assert_allclose(d["estimate_b"], [655.045045045, 620.0, 638.923076923], rtol=REL)


def test_difference_stratified(dstrat):
    d = dstrat.difference("api00", between="awards", groups=("No", "Yes"))
    # R: svycontrast(svyby(~api00, ~awards, dstrat, svymean, covmat=TRUE), c(No=-1, Yes=1))
    assert one(d, "estimate") == approx(44.687493955)
    assert one(d, "se") == approx(19.3989199333)


def test_difference_of_totals(dclus1):
    d = dclus1.difference("enroll", between="awards", groups=("No", "Yes"), stat="total")
    # R: bt <- svyby(~enroll, ~awards, dclus1, svytotal, covmat=TRUE)
    # R: svycontrast(bt, c(No=-1, Yes=1))
    assert one(d, "estimate") == approx(1164268.978981)
    assert one(d, "se") == approx(381722.326015)


def test_difference_of_proportions(apiclus1):
    df = apiclus1.assign(schwide_yes=(apiclus1["sch.wide"] == "Yes").astype(int))
    design = Design(df, cluster="dnum", weights="pw", fpc="fpc")
    d = design.difference("schwide_yes", between="stype", groups=("E", "H"))
    # R: b4 <- svyby(~as.numeric(sch.wide=="Yes"), ~stype, dclus1, svymean, covmat=TRUE)
    # R: svycontrast(b4, c(E=-1, H=1, M=0))
    assert one(d, "estimate") == approx(-0.130952380952)
    assert one(d, "se") == approx(0.101612030983)
    # the same through stat="proportion" on the text column, one row per answer
    p = design.difference("sch.wide", between="stype", groups=("E", "H"), stat="proportion")
    row = by_key(p, category="Yes")
    assert row["estimate"] == approx(-0.130952380952)
    assert row["se"] == approx(0.101612030983)
    # R: svyby(~as.numeric(sch.wide=="Yes"), ~stype, dclus1, svymean)
    assert row["estimate_a"] == approx(0.916666666667)
    assert row["se_b"] == approx(0.0914619099888)


def test_difference_between_independent_waves(apisrs, apistrat):
    # Two independent samples stacked as two waves; each wave has its own strata.
    cols = ["api00", "stype", "pw", "fpc"]
    w1 = apisrs[cols].assign(wave=2023, stratum="srs")
    w2 = apistrat[cols].assign(wave=2024, stratum="strat_" + apistrat["stype"])
    waves = pd.concat([w1, w2], ignore_index=True)
    design = Design(waves, strata="stratum", weights="pw", fpc="fpc")
    # R: dwaves <- svydesign(id=~1, strata=~stratum, weights=~pw, fpc=~fpc, data=waves)
    # R: degf(dwaves)
    assert design.degf == 396
    d = design.difference("api00", between="wave", groups=(2023, 2024))
    # R: bw <- svyby(~api00, ~wave, dwaves, svymean, covmat=TRUE)
    # R: svycontrast(bw, c("2023"=-1, "2024"=1))
    assert one(d, "estimate") == approx(5.70236315932)
    assert one(d, "se") == approx(13.19414737049)
    # the waves' own SEs are those of svymean(~api00, dsrs) and svymean(~api00, dstrat)
    assert one(d, "se_a") == approx(9.24972203928)
    assert one(d, "se_b") == approx(9.40894080278)
    # no shared stratum or PSU: the design covariance is 0 and the simple formula agrees
    assert one(d, "se") == approx(np.hypot(9.24972203928, 9.40894080278))
    ind = design.difference("api00", between="wave", groups=(2023, 2024), method="independent")
    assert one(ind, "se") == approx(13.19414737049)


def test_difference_rejects_unknown_level(dclus1):
    with pytest.raises(ValueError, match="'Maybe' is not a value of 'awards'"):
        dclus1.difference("api00", between="awards", groups=("No", "Maybe"))


def test_difference_between_groups_of_a_nullable_column():
    # Rows whose group is NA (e.g. "years since the hall opened" where no hall
    # opened) belong to neither side; same result as dropping them from the domain.
    df = pd.DataFrame({
        "psu": [1, 1, 2, 2, 3, 3, 4, 4], "w": [1.0, 2.0, 1.0, 2.0, 1.0, 1.0, 2.0, 1.0],
        "y": [1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0],
        "g": pd.array([0, -1, 0, None, -1, 0, None, -1], dtype="Int64"),
    })
    plain = df.assign(g=df["g"].astype("float").fillna(99).astype(int))
    got = Design(df, weights="w", cluster="psu").difference("y", between="g", groups=(-1, 0))
    want = Design(plain, weights="w", cluster="psu").difference("y", between="g",
                                                                groups=(-1, 0))
    pd.testing.assert_frame_equal(got, want)


# ---- Estimates: one result type with the design's covariance, contrasts and intervals


def test_estimators_return_estimates_that_are_plain_when_derived(dclus1):
    m = dclus1.mean("api00", by="stype")
    assert isinstance(m, Estimates) and isinstance(m, pd.DataFrame)
    assert m.by == ["stype"] and m.level == 0.95 and m.degf == 14
    # anything derived by pandas is a plain DataFrame: its rows no longer match the scores
    assert type(m[m["stype"] == "E"]) is pd.DataFrame
    assert type(m.copy()) is pd.DataFrame
    assert type(m.summary_frame()) is pd.DataFrame
    pd.testing.assert_frame_equal(m.summary_frame(), pd.DataFrame(m))


def test_contrast_equals_difference_and_r_svycontrast(dclus1):
    by = dclus1.mean("api00", by="awards")
    c = by.contrast([-1, 1])
    d = dclus1.difference("api00", between="awards", groups=("No", "Yes"))
    assert isinstance(c, Estimates) and list(c.columns) == [
        "contrast", "estimate", "se", "ci_low", "ci_high", "p_value"]
    # R: svycontrast(svyby(~api00, ~awards, dclus1, svymean, covmat=TRUE), c(-1, 1))
    assert one(c, "estimate") == approx(one(d, "estimate"))
    assert one(c, "se") == approx(one(d, "se"))
    named = by.contrast({"yes - no": [-1, 1], "average": [0.5, 0.5]})
    assert named["contrast"].tolist() == ["yes - no", "average"]
    assert named["estimate"].iloc[1] == approx(by["estimate"].mean())


def test_difference_of_a_by_domain_result_is_design_difference(dclus1):
    by = dclus1.mean("api00", by=["stype", "awards"])
    via_estimates = by.difference("awards", ("No", "Yes"))
    direct = dclus1.difference("api00", between="awards", groups=("No", "Yes"), by="stype")
    pd.testing.assert_frame_equal(pd.DataFrame(via_estimates), pd.DataFrame(direct))
    assert direct.attrs["groups"] == ("No", "Yes")


def test_difference_in_differences_is_a_contrast_of_differences(dclus1):
    d = dclus1.difference("api00", between="awards", groups=("No", "Yes"), by="stype")
    did = d.contrast([-1, 1, 0])  # (H: yes - no) - (E: yes - no)
    assert one(did, "estimate") == approx(d["estimate"].iloc[1] - d["estimate"].iloc[0])
    # the two differences are estimated on the same PSUs: the se is not sqrt(a^2 + b^2)
    naive = np.sqrt(d["se"].iloc[0] ** 2 + d["se"].iloc[1] ** 2)
    assert one(did, "se") != approx(naive)
    assert one(did, "se") > 0


def test_vcov_diagonal_is_the_squared_se_and_contrasts_agree(dclus1):
    p = dclus1.proportion("stype", by="awards")
    v = p.vcov
    assert v.shape == (len(p), len(p))
    np.testing.assert_allclose(np.diag(v), p["se"] ** 2, rtol=1e-10)
    np.testing.assert_allclose(v, v.T, rtol=1e-12)
    w = np.zeros(len(p))
    w[[0, 4]] = [-1, 1]
    assert one(p.contrast(w), "se") ** 2 == approx(w @ v.to_numpy() @ w, rel=1e-10)


def test_conf_int_at_another_level_and_summary_frame(dstrat):
    m = dstrat.mean("api00")
    ci90 = m.conf_int(level=0.9)
    # R: confint(svymean(~api00, dstrat), level=0.9, df=degf(dstrat))
    same = dstrat.mean("api00", level=0.9)
    assert ci90["ci_low"].iloc[0] == approx(same["ci_low"].iloc[0])
    assert m.summary_frame(level=0.9)["ci_high"].iloc[0] == approx(same["ci_high"].iloc[0])
    # shares keep their logit interval at any level
    p = dstrat.proportion("stype")
    np.testing.assert_allclose(p.conf_int(level=0.9).to_numpy(),
                               dstrat.proportion("stype", level=0.9)[["ci_low", "ci_high"]],
                               rtol=1e-12)


def test_options_are_keyword_only(dclus1):
    with pytest.raises(TypeError):
        dclus1.proportion("stype", "awards")  # by= must be named
    with pytest.raises(TypeError):
        dclus1.proportion("stype", None, 0.9)  # level= must be named
    with pytest.raises(TypeError):
        dclus1.mean("api00").conf_int(0.9)
    with pytest.raises(TypeError):
        dclus1.difference("api00", "awards", ("No", "Yes"))


def test_contrast_errors_say_what_to_do(dclus1):
    by = dclus1.mean("api00", by="awards")
    with pytest.raises(SurveyError, match=r"one number per row of the estimates \(2 rows\)"):
        by.contrast([1, -1, 0])
    with pytest.raises(SurveyError, match="'stype' is not one of the by columns"):
        by.difference("stype", ("E", "H"))
    with pytest.raises(SurveyError, match="pair"):
        dclus1.difference("api00", between="awards", groups=("No",))
    no_scores = dclus1.mean("api00", by="awards", na_rm=False)
    with pytest.raises(SurveyError, match="na_rm=False"):
        no_scores.contrast([-1, 1])
