"""Tests of ruralkit.survey.estimators.

Means, totals and shares by domain against R's survey package.

Reference numbers: see tests/survey_fixtures.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from survey_fixtures import *  # noqa: F403 - the api samples and designs (pytest fixtures)
from survey_fixtures import REL, approx, by_key, one, small_design_frame

from ruralkit.survey import (
    Design,
    NonNumericColumnError,
)


def test_stratified(dstrat):
    m = dstrat.mean("api00")
    # R: svymean(~api00, dstrat, deff=TRUE)
    assert one(m, "estimate") == approx(662.287363159)
    assert one(m, "se") == approx(9.40894080278)
    assert one(m, "deff") == approx(1.20445726854)
    # R: confint(svymean(~api00, dstrat), df=degf(dstrat))
    assert one(m, "ci_low") == approx(643.732188272)
    assert one(m, "ci_high") == approx(680.842538047)
    t = dstrat.total("enroll")
    # R: svytotal(~enroll, dstrat, na.rm=TRUE, deff=TRUE)
    assert one(t, "estimate") == approx(3687177.53244)
    assert one(t, "se") == approx(114641.716101)
    assert one(t, "deff") == approx(0.362018122363)


def test_cluster(dclus1):
    m = dclus1.mean("api00")
    # R: svymean(~api00, dclus1, deff=TRUE)
    assert one(m, "estimate") == approx(644.169398907)
    assert one(m, "se") == approx(23.5422406938)
    assert one(m, "deff") == approx(9.34586945059)
    # R: confint(svymean(~api00, dclus1), df=degf(dclus1))
    assert one(m, "ci_low") == approx(593.676314463)
    assert one(m, "ci_high") == approx(694.662483351)
    assert one(m, "n") == 183
    t = dclus1.total("enroll")
    # R: svytotal(~enroll, dclus1, deff=TRUE)
    assert one(t, "estimate") == approx(3404940.13453)
    assert one(t, "se") == approx(932235.027041)
    assert one(t, "deff") == approx(31.3106560943)
    # R: confint(svytotal(~enroll, dclus1), df=degf(dclus1))
    assert one(t, "ci_low") == approx(1405494.85852)
    assert one(t, "ci_high") == approx(5404385.41054)


def test_deff_with_replacement(dclus1):
    # R: svymean(~api00, dclus1, deff="replace")
    assert one(dclus1.mean("api00", deff="replace"), "deff") == approx(9.06974836245)
    # R: svytotal(~enroll, dclus1, deff="replace")
    assert one(dclus1.total("enroll", deff="replace"), "deff") == approx(30.3855915536)
    # R: svyby(~api00, ~stype, dclus1, svymean, deff="replace")
    np.testing.assert_allclose(dclus1.mean("api00", by="stype", deff="replace")["deff"],
                               [6.38916073975, 2.16242602116, 2.09996791058], rtol=REL)


def test_stratified_cluster(dsc):
    m = dsc.mean("api00")
    # R: svymean(~api00, dsc, deff=TRUE)
    assert one(m, "estimate") == approx(662.287363159)
    assert one(m, "se") == approx(11.1896322079)
    assert one(m, "deff") == approx(1.70349768771)
    # R: svytotal(~enroll, dsc)
    assert one(dsc.total("enroll"), "se") == approx(270767.611152)
    p = dsc.proportion("sch.wide")
    # R: svymean(~sch.wide, dsc)
    assert by_key(p, category="No")["estimate"] == approx(0.172051988584)
    assert by_key(p, category="Yes")["estimate"] == approx(0.827948011416)
    assert by_key(p, category="Yes")["se"] == approx(0.0284888473989)


def test_na_rm_keeps_the_design(dstrat, apistrat):
    assert apistrat["acs.k3"].isna().sum() == 103
    m = dstrat.mean("acs.k3")
    # R: svymean(~acs.k3, dstrat, na.rm=TRUE, deff=TRUE)
    assert one(m, "estimate") == approx(19.1649484536)
    assert one(m, "se") == approx(0.122647242838)
    assert one(m, "deff") == approx(0.999687598105)
    assert one(m, "n") == 97
    t = dstrat.total("acs.k3")
    # R: svytotal(~acs.k3, dstrat, na.rm=TRUE, deff=TRUE)
    assert one(t, "estimate") == approx(82186.388298)
    assert one(t, "se") == approx(1529.39664375)
    assert one(t, "deff") == approx(8.45287624234)
    # dropping the rows first would change the design: stratum E would have 97 sampled
    # units instead of 100, which changes n_h / (n_h - 1) and the fpc (SE 0.122709)
    dropped = Design(apistrat.dropna(subset=["acs.k3"]), strata="stype", weights="pw", fpc="fpc")
    assert one(dropped.mean("acs.k3"), "se") != approx(0.122647242838, rel=1e-5)


def test_na_rm_false_gives_nan(dstrat, dclus1):
    assert np.isnan(one(dstrat.mean("acs.k3", na_rm=False), "estimate"))
    assert np.isnan(one(dstrat.total("acs.k3", na_rm=False), "se"))
    full = dstrat.mean("api00", na_rm=False)
    assert one(full, "estimate") == approx(662.287363159)
    # per domain: only domains holding a missing value become NaN (avg.ed is missing for
    # 26 elementary schools only)
    r = dclus1.mean("avg.ed", by="stype", na_rm=False)
    assert r["estimate"].isna().tolist() == [True, False, False]
    assert r["se"].isna().tolist() == [True, False, False]
    # R: svyby(~avg.ed, ~stype, dclus1, svymean, na.rm=TRUE)
    np.testing.assert_allclose(r["se"][1:], [0.198889017766, 0.138923438814], rtol=REL)


def test_domain_means_with_missing_values(dclus1):
    r = dclus1.mean("acs.k3", by="awards")
    # R: svyby(~acs.k3, ~awards, dclus1, svymean, na.rm=TRUE, deff=TRUE)
    np.testing.assert_allclose(r["estimate"], [20.0, 20.045045045], rtol=REL)
    np.testing.assert_allclose(r["se"], [0.619531254376, 0.506811495509], rtol=REL)
    np.testing.assert_allclose(r["deff"], [3.21270966442, 8.3125634223], rtol=REL)
    r = dclus1.mean("avg.ed", by="stype")
    # R: svyby(~avg.ed, ~stype, dclus1, svymean, na.rm=TRUE)
    np.testing.assert_allclose(r["estimate"], [2.60389828985, 2.72499997275, 2.64679999828],
                               rtol=REL)
    np.testing.assert_allclose(r["se"], [0.108278992651, 0.198889017766, 0.138923438814],
                               rtol=REL)


def test_domain_means_cluster(dclus1):
    r = dclus1.mean("api00", by="stype")
    assert list(r.columns) == ["stype", "estimate", "se", "ci_low", "ci_high", "n", "deff"]
    assert r["stype"].tolist() == ["E", "H", "M"]
    # R: svyby(~api00, ~stype, dclus1, svymean, deff=TRUE)
    np.testing.assert_allclose(r["estimate"], [648.868055556, 618.571428571, 631.44], rtol=REL)
    np.testing.assert_allclose(r["se"], [22.3624088938, 38.0202493594, 31.6094652272], rtol=REL)
    np.testing.assert_allclose(r["deff"], [6.58367352503, 2.22825931687, 2.16389972008],
                               rtol=REL)
    # R: confint(svyby(~api00, ~stype, dclus1, svymean), df=degf(dclus1))
    np.testing.assert_allclose(r["ci_low"], [600.90545865, 537.026103874, 563.644439768],
                               rtol=REL)
    np.testing.assert_allclose(r["ci_high"], [696.830652461, 700.116753269, 699.235560232],
                               rtol=REL)
    assert r["n"].tolist() == [144, 14, 25]


def test_domain_is_not_a_subset(apiclus1):
    # Subsetting the rows (Design on the high schools only) loses the PSUs without high
    # schools and gives another SE than R's svyby, which keeps the full design.
    sub = Design(apiclus1[apiclus1["stype"] == "H"], cluster="dnum", weights="pw", fpc="fpc")
    assert one(sub.mean("api00"), "se") != approx(38.0202493594, rel=1e-3)


def test_domain_means_stratified(dstrat):
    r = dstrat.mean("api00", by="stype")
    # R: svyby(~api00, ~stype, dstrat, svymean, deff=TRUE)
    np.testing.assert_allclose(r["estimate"], [674.43, 625.82, 636.60], rtol=REL)
    np.testing.assert_allclose(r["se"], [12.3824797939, 14.9371291854, 16.2147073082], rtol=REL)
    np.testing.assert_allclose(r["deff"], [1.000000000479, 0.999999998208, 0.999999998452],
                               rtol=REL)
    r = dstrat.mean("api00", by="awards")
    # R: svyby(~api00, ~awards, dstrat, svymean, deff=TRUE)
    np.testing.assert_allclose(r["estimate"], [633.734911659, 678.422405614], rtol=REL)
    np.testing.assert_allclose(r["se"], [15.334770976, 11.8566309874], rtol=REL)
    np.testing.assert_allclose(r["deff"], [1.35850089852, 1.14283550355], rtol=REL)


def test_domain_means_stratified_cluster(dsc):
    r = dsc.mean("api00", by="awards")
    # R: svyby(~api00, ~awards, dsc, svymean, deff=TRUE)
    np.testing.assert_allclose(r["estimate"], [633.734911659, 678.422405614], rtol=REL)
    np.testing.assert_allclose(r["se"], [17.50644592, 14.5888550641], rtol=REL)
    np.testing.assert_allclose(r["deff"], [1.77052194733, 1.73022879771], rtol=REL)


def test_two_by_columns(dstrat):
    r = dstrat.mean("api00", by=["stype", "awards"])
    assert list(r.columns[:2]) == ["stype", "awards"]
    # R: svyby(~api00, ~stype+awards, dstrat, svymean)
    expected = {
        ("E", "No"): (659.814814815, 25.7667324652),
        ("H", "No"): (608.794117647, 15.771328616),
        ("M", "No"): (599.115384615, 21.6419815921),
        ("E", "Yes"): (679.835616438, 13.9797013451),
        ("H", "Yes"): (662.0, 30.6766207777),
        ("M", "Yes"): (677.208333333, 21.5228365229),
    }
    assert len(r) == 6
    for (stype, awards), (est, se) in expected.items():
        row = by_key(r, stype=stype, awards=awards)
        assert row["estimate"] == approx(est)
        assert row["se"] == approx(se)


def test_domain_totals(dclus1, dstrat):
    r = dclus1.total("enroll", by="stype")
    # R: svyby(~enroll, ~stype, dclus1, svytotal, deff=TRUE)
    np.testing.assert_allclose(r["estimate"], [2109717.126835, 535594.869568, 759628.138126],
                               rtol=REL)
    np.testing.assert_allclose(r["se"], [631349.386275, 226716.594706, 213635.484268], rtol=REL)
    np.testing.assert_allclose(r["deff"], [125.03907530965, 4.64581574186, 13.0149317055],
                               rtol=REL)
    r = dstrat.total("enroll", by="awards")
    # R: svyby(~enroll, ~awards, dstrat, svytotal, deff=TRUE)
    np.testing.assert_allclose(r["estimate"], [1627217.1323, 2059960.40014], rtol=REL)
    np.testing.assert_allclose(r["se"], [144256.009861, 140944.745764], rtol=REL)
    np.testing.assert_allclose(r["deff"], [1.12085299175, 1.44256895704], rtol=REL)


def test_missing_by_value_means_no_domain(apiclus1):
    # A row whose `by` value is missing belongs to no domain but stays in the design:
    # the same as keeping its domain but making its outcome missing.
    df = apiclus1.copy()
    rows = df.index[::7]
    df_by = df.copy()
    df_by.loc[rows, "stype"] = np.nan
    df_y = df.copy()
    df_y.loc[rows, "api00"] = np.nan
    a = Design(df_by, cluster="dnum", weights="pw", fpc="fpc").mean("api00", by="stype")
    b = Design(df_y, cluster="dnum", weights="pw", fpc="fpc").mean("api00", by="stype")
    pd.testing.assert_frame_equal(a, b)
    # and those domains are not the same as with all rows
    full = Design(df, cluster="dnum", weights="pw", fpc="fpc").mean("api00", by="stype")
    assert not np.allclose(a["se"], full["se"])


def test_categorical_by_keeps_category_order(apiclus1):
    df = apiclus1.copy()
    df["stype"] = pd.Categorical(df["stype"], categories=["M", "H", "E"])
    r = Design(df, cluster="dnum", weights="pw", fpc="fpc").mean("api00", by="stype")
    assert r["stype"].tolist() == ["M", "H", "E"]
    # R: svyby(~api00, ~stype, dclus1, svymean, deff=TRUE)
    assert by_key(r, stype="E")["se"] == approx(22.3624088938)


def test_proportions_logit_ci(dclus1):
    p = dclus1.proportion("stype")
    assert list(p.columns) == ["category", "estimate", "se", "ci_low", "ci_high", "n", "count",
                               "deff"]
    assert p["category"].tolist() == ["E", "H", "M"]
    # R: svymean(~stype, dclus1, deff=TRUE)
    np.testing.assert_allclose(p["estimate"], [0.7868852459016, 0.0765027322404, 0.1366120218579],
                               rtol=REL)
    np.testing.assert_allclose(p["se"], [0.0463365536499, 0.0268102190508, 0.0296490466403],
                               rtol=REL)
    np.testing.assert_allclose(p["deff"], [2.40114506876, 1.90802483953, 1.39772718074],
                               rtol=REL)
    # R: svyciprop(~I(stype=="E"), dclus1, method="logit")   (and "H", "M")
    np.testing.assert_allclose(p["ci_low"], [0.6712011344222, 0.0354088346207, 0.0844892976838],
                               rtol=REL)
    np.testing.assert_allclose(p["ci_high"], [0.8697647876365, 0.1575011182847, 0.2133950124524],
                               rtol=REL)
    assert p["n"].tolist() == [183] * 3
    assert p["count"].tolist() == [144, 14, 25]


def test_proportion_with_zero_variance_has_degenerate_interval(dstrat):
    # H is a stratum, so its share is known without error
    p = by_key(dstrat.proportion("stype", level=0.9), category="H")
    # R: svyciprop(~I(stype=="H"), dstrat, method="logit", level=0.9)
    assert p["estimate"] == approx(0.121892157644)
    assert p["se"] == pytest.approx(0.0, abs=1e-12)
    assert p["ci_low"] == approx(0.121892157644)
    assert p["ci_high"] == approx(0.121892157644)


def test_domain_proportions(dstrat, dclus1):
    p = dstrat.proportion("sch.wide", by="stype")
    # R: svyby(~sch.wide, ~stype, dstrat, svymean, deff=TRUE)
    yes = p[p["category"] == "Yes"]
    np.testing.assert_allclose(yes["estimate"], [0.91, 0.52, 0.70], rtol=REL)
    np.testing.assert_allclose(yes["se"], [0.0284351962064, 0.0689676349228, 0.0638374303472],
                               rtol=REL)
    np.testing.assert_allclose(yes["deff"], [1.000000000479, 0.999999998208, 0.999999998452],
                               rtol=REL)
    # R: svyby(~I(sch.wide=="Yes"), ~stype, dstrat, svyciprop, method="logit",
    #          vartype=c("se","ci"), df=degf(dstrat))
    np.testing.assert_allclose(yes["ci_low"], [0.836024478822, 0.385831717661, 0.56163738552],
                               rtol=REL)
    np.testing.assert_allclose(yes["ci_high"], [0.952498584956, 0.651344207544, 0.809503265659],
                               rtol=REL)

    p = dclus1.proportion("stype", by="awards")
    # R: svyby(~stype, ~awards, dclus1, svymean, deff=TRUE)
    expected = {
        ("No", "E"): (0.622641509434, 0.0812879211054, 1.50691117433),
        ("No", "H"): (0.1509433962264, 0.0477153505962, 0.95190430927),
        ("No", "M"): (0.22641509434, 0.0775112360912, 1.83799268209),
        ("Yes", "E"): (0.853846153846, 0.0399865249792, 1.7031450417),
        ("Yes", "H"): (0.0461538461538, 0.0239195891766, 1.72756892828),
        ("Yes", "M"): (0.1, 0.0286404104668, 1.21151877541),
    }
    for (awards, lev), (est, se, deff) in expected.items():
        row = by_key(p, awards=awards, category=lev)
        assert row["estimate"] == approx(est)
        assert row["se"] == approx(se)
        assert row["deff"] == approx(deff)
    # R: svyby(~I(stype=="E"), ~awards, dclus1, svyciprop, method="logit",
    #          vartype=c("se","ci"), df=degf(dclus1))
    e = p[p["category"] == "E"]
    np.testing.assert_allclose(e["ci_low"], [0.439978659351, 0.746087292225], rtol=REL)
    np.testing.assert_allclose(e["ci_high"], [0.776050887129, 0.920731699701], rtol=REL)
    assert e["n"].tolist() == [53, 130]


def test_proportion_with_missing_answers(apiclus1):
    df = apiclus1.assign(high_ed=(apiclus1["avg.ed"] > 2.5).where(apiclus1["avg.ed"].notna()))
    design = Design(df, cluster="dnum", weights="pw", fpc="fpc")
    p = design.proportion("high_ed")
    assert p["category"].tolist() == [False, True]
    # R: svymean(~I(avg.ed > 2.5), dclus1, na.rm=TRUE, deff=TRUE)
    np.testing.assert_allclose(p["estimate"], [0.40127388535, 0.59872611465], rtol=REL)
    np.testing.assert_allclose(p["se"], [0.0835796857395] * 2, rtol=REL)
    np.testing.assert_allclose(p["deff"], [4.67392178191] * 2, rtol=REL)
    assert p["n"].tolist() == [157, 157]
    # R: svyciprop(~I(avg.ed > 2.5), dclus1, method="logit", na.rm=TRUE, df=degf(dclus1))
    assert p["ci_low"].iloc[1] == approx(0.4143595225907)
    assert p["ci_high"].iloc[1] == approx(0.7588330177483)
    by = design.proportion("high_ed", by="stype")
    # R: svyby(~I(avg.ed > 2.5), ~stype, dclus1, svymean, na.rm=TRUE)
    true = by[by["category"] == True]  # noqa: E712
    np.testing.assert_allclose(true["estimate"], [0.576271186441, 0.571428571429, 0.72],
                               rtol=REL)
    np.testing.assert_allclose(true["se"], [0.079933744064, 0.195073901888, 0.105117861761],
                               rtol=REL)


def test_proportion_levels_processed_in_blocks_agree(dclus1, monkeypatch):
    import ruralkit.survey.columns as columns_module

    whole = dclus1.proportion("stype", by="awards")
    whole_diff = dclus1.difference("stype", between="awards", groups=("No", "Yes"),
                                   stat="proportion")
    monkeypatch.setattr(columns_module, "BLOCK_CELLS", 200)  # one category per block
    pd.testing.assert_frame_equal(dclus1.proportion("stype", by="awards"), whole)
    pd.testing.assert_frame_equal(
        dclus1.difference("stype", between="awards", groups=("No", "Yes"), stat="proportion"),
        whole_diff,
    )
    # R: svyby(~stype, ~awards, dclus1, svymean, deff=TRUE)
    assert by_key(whole, awards="Yes", category="M")["se"] == approx(0.0286404104668)


def test_proportion_of_an_identifier_is_refused(apiclus1):
    design = Design(apiclus1, cluster="dnum", weights="pw")
    assert len(design.proportion("snum")) == 183  # 183 levels is fine
    big = pd.DataFrame({"id": np.arange(1500), "v": np.arange(1500) // 10, "w": 1.0})
    with pytest.raises(ValueError, match="1500 distinct values.*by="):
        Design(big, cluster="v", weights="w").proportion("id")


def test_proportion_of_numeric_codes_and_missing():
    df = pd.DataFrame({"v": [1, 1, 2, 2, 3, 3], "w": [1.0, 3.0, 2.0, 2.0, 1.0, 1.0],
                       "q": [1, 2, 2, np.nan, 1, 1]})
    p = Design(df, weights="w", cluster="v").proportion("q")
    assert p["category"].tolist() == [1.0, 2.0]
    # by hand: weights of answers 1 -> 1 + 1 + 1 = 3, answers 2 -> 3 + 2 = 5; the missing
    # answer is left out of the base
    np.testing.assert_allclose(p["estimate"], [3 / 8, 5 / 8])
    assert p["n"].tolist() == [5, 5]
    assert p["count"].tolist() == [3, 2]


def test_empty_domain_mean_is_nan(apiclus1):
    df = apiclus1.assign(grp=np.where(apiclus1["avg.ed"].isna(), "no_ed", "has_ed"))
    r = Design(df, cluster="dnum", weights="pw", fpc="fpc").mean("avg.ed", by="grp")
    row = by_key(r, grp="no_ed")
    assert row["n"] == 0 and np.isnan(row["estimate"]) and np.isnan(row["se"])


def test_text_column_in_mean(dclus1):
    with pytest.raises(NonNumericColumnError, match=r"'stype' holds text.*\.proportion\('stype'\)"):
        dclus1.mean("stype")
    with pytest.raises(TypeError, match="pd.to_numeric"):
        dclus1.total("sch.wide")


def test_mean_of_a_yes_no_column_has_a_logit_interval_inside_0_1():
    # The same numbers as proportion() gives for the level True (R: svyciprop, logit).
    df = pd.DataFrame({
        "psu": np.repeat(np.arange(8), 5), "w": np.linspace(1, 3, 40),
        "yes": [True] + [False] * 39,
    })
    design = Design(df, weights="w", cluster="psu")
    mean = design.mean("yes").iloc[0]
    props = design.proportion("yes")
    prop = props[props["category"].astype(bool)].iloc[0]
    assert mean["ci_low"] == pytest.approx(prop["ci_low"])
    assert mean["ci_high"] == pytest.approx(prop["ci_high"])
    assert 0 < mean["ci_low"] < mean["estimate"] < mean["ci_high"] < 1
    # A numeric 0/1 column keeps R's svymean interval (estimate +/- t * se).
    numeric = Design(df.assign(yes=df["yes"].astype(float)), weights="w", cluster="psu")
    row = numeric.mean("yes").iloc[0]
    assert row["ci_low"] < 0


def test_yes_no_answers_stored_as_objects_with_gaps_are_shares():
    df = small_design_frame()
    df["yes"] = pd.Series([True, False, None, True, False, True, None, False], dtype=object)
    got = Design(df, weights="w", cluster="psu").mean("yes")["estimate"].iloc[0]
    ok = df["yes"].notna()
    want = np.average(df.loc[ok, "yes"].astype(float), weights=df.loc[ok, "w"])
    assert got == pytest.approx(want)


def test_county_trust_shares_recover_planted_truths_within_their_cis():
    import ruralkit as rk
    from ruralkit.synth import GROUND_TRUTH

    survey = rk.load_trust_survey()
    for item, share in GROUND_TRUTH["trust"]["share_trusting"].items():
        survey["x"] = survey[item] <= 2
        est = rk.survey_design(survey).mean("x").iloc[0]
        assert est["ci_low"] <= share <= est["ci_high"], (item, share, est.to_dict())
    raw = rk.load_trust_survey(raw=True)
    for item, rate in GROUND_TRUTH["trust"]["dont_know"].items():
        raw["x"] = raw[item] == 8
        est = rk.survey_design(raw).mean("x").iloc[0]
        assert est["ci_low"] <= rate <= est["ci_high"], (item, rate, est.to_dict())


def test_county_service_hall_effect_recovered_within_its_ci():
    import ruralkit as rk
    from ruralkit.synth import GROUND_TRUTH

    survey = rk.load_trust_survey().merge(
        rk.load_villages()[["village_id", "service_hall_opened"]], on="village_id")
    survey["satisfied"] = survey["sat_township"] >= 4
    survey["hall_open"] = (survey["year"] >= survey["service_hall_opened"]).fillna(False)
    fit = rk.survey_design(survey).glm("satisfied ~ hall_open + C(township_id) + C(year)")
    row = fit.summary_frame().set_index("term").loc["hall_open"]
    effect = GROUND_TRUTH["trust"]["service_hall_effect_pp"] / 100
    assert row["ci_low"] <= effect <= row["ci_high"], row.to_dict()
    before = rk.survey_design(survey[~survey["hall_open"]]).mean("satisfied").iloc[0]
    baseline = GROUND_TRUTH["trust"]["sat_township_baseline"]
    assert before["ci_low"] <= baseline <= before["ci_high"], before.to_dict()
