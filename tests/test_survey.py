"""Tests of ruralkit.survey against numbers printed by R.

Every expected value marked ``# R:`` was printed by R 4.2.2 with survey 4.1.1
(psych 2.2.9 for Cronbach's alpha) under ``options(digits = 12)``; the full R
script is in tests/data/r_survey_api/README.md.  R is not needed to run the
tests.  Designs as declared in R::

    dsrs   <- svydesign(id=~1, fpc=~fpc, data=apisrs)
    dstrat <- svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc, data=apistrat)
    dclus1 <- svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=apiclus1)
    dsc    <- svydesign(id=~dnum, strata=~stype, weights=~pw, data=apistrat, nest=TRUE)
    dclus2 <- svydesign(id=~dnum+snum, weights=~pw, data=apiclus2)
    dlon   <- svydesign(id=~dnum, strata=~cname, weights=~pw, data=apiclus1, nest=TRUE)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ruralkit.survey import (
    ColumnNotFoundError,
    Design,
    DesignError,
    LonelyPSUError,
    NonNumericColumnError,
    SurveyError,
    WeightError,
    cronbach_alpha,
    likert_table,
    scale_score,
    suppress_small_cells,
)

DATA = Path(__file__).parent / "data" / "r_survey_api"
REL = 1e-9  # R printed 12 significant digits


def approx(x, rel=REL):
    return pytest.approx(x, rel=rel)


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


def one(frame: pd.DataFrame, column: str) -> float:
    assert len(frame) == 1
    return float(frame[column].iloc[0])


def by_key(frame: pd.DataFrame, **keys) -> pd.Series:
    mask = np.ones(len(frame), dtype=bool)
    for col, val in keys.items():
        mask &= (frame[col] == val).to_numpy()
    assert mask.sum() == 1, keys
    return frame.loc[mask].iloc[0]


# ---------------------------------------------------------------------------
# Whole-population estimates
# ---------------------------------------------------------------------------


def test_degrees_of_freedom(dsrs, dstrat, dclus1, dsc, dclus2):
    # R: degf(dsrs); degf(dstrat); degf(dclus1); degf(dsc); degf(dclus2)
    assert (dsrs.degf, dstrat.degf, dclus1.degf, dsc.degf, dclus2.degf) == (199, 197, 14, 159, 39)


def test_srs_weights_implied_by_fpc(dsrs):
    np.testing.assert_allclose(dsrs.weights, 6194 / 200)
    m = dsrs.mean("api00")
    # R: svymean(~api00, dsrs, deff=TRUE)
    assert one(m, "estimate") == approx(656.585)
    assert one(m, "se") == approx(9.24972203928)
    assert one(m, "deff") == approx(1.0)
    t = dsrs.total("enroll")
    # R: svytotal(~enroll, dsrs, deff=TRUE)
    assert one(t, "estimate") == approx(3621074.34)
    assert one(t, "se") == approx(169519.654344)
    assert one(t, "deff") == approx(1.0)


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
    assert by_key(p, level="No")["estimate"] == approx(0.172051988584)
    assert by_key(p, level="Yes")["estimate"] == approx(0.827948011416)
    assert by_key(p, level="Yes")["se"] == approx(0.0284888473989)


def test_two_stage_without_fpc_is_ultimate_cluster(dclus2):
    m = dclus2.mean("api00")
    # R: svymean(~api00, dclus2, deff=TRUE)
    assert one(m, "estimate") == approx(670.811808118)
    assert one(m, "se") == approx(30.7115763093)
    assert one(m, "deff") == approx(6.50751243616)
    t = dclus2.total("enroll")
    # R: svytotal(~enroll, dclus2, na.rm=TRUE)
    assert one(t, "estimate") == approx(2639272.93)
    assert one(t, "se") == approx(820261.146477)
    a = dclus2.mean("avg.ed")
    # R: svymean(~avg.ed, dclus2, na.rm=TRUE)
    assert one(a, "estimate") == approx(2.89680443338)
    assert one(a, "se") == approx(0.161320204649)
    b = dclus2.mean("api00", by="stype")
    # R: svyby(~api00, ~stype, dclus2, svymean)
    np.testing.assert_allclose(b["estimate"], [692.810400867, 598.340659341, 642.352], rtol=REL)
    np.testing.assert_allclose(b["se"], [30.2824395442, 16.9649952988, 45.34363346], rtol=REL)


def test_fpc_as_sampling_fraction(apistrat):
    df = apistrat.copy()
    df["frac"] = df.groupby("stype")["stype"].transform("size") / df["fpc"]
    d = Design(df, strata="stype", fpc="frac")
    # R: apistrat$frac <- with(apistrat, ave(rep(1, nrow(apistrat)), stype, FUN=sum) / fpc)
    # R: dfrac <- svydesign(id=~1, strata=~stype, fpc=~frac, data=apistrat)
    # R: svymean(~api00, dfrac)
    m = d.mean("api00")
    assert one(m, "estimate") == approx(662.287363578)
    assert one(m, "se") == approx(9.40894087943)
    # R: svytotal(~enroll, dfrac)
    t = d.total("enroll")
    assert one(t, "estimate") == approx(3687177.52)
    assert one(t, "se") == approx(114641.71519)


# ---------------------------------------------------------------------------
# Missing values
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Domains (svyby)
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Proportions
# ---------------------------------------------------------------------------


def test_proportions_logit_ci(dclus1):
    p = dclus1.proportion("stype")
    assert list(p.columns) == ["level", "estimate", "se", "ci_low", "ci_high", "n", "count",
                               "deff"]
    assert p["level"].tolist() == ["E", "H", "M"]
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
    p = by_key(dstrat.proportion("stype", level=0.9), level="H")
    # R: svyciprop(~I(stype=="H"), dstrat, method="logit", level=0.9)
    assert p["estimate"] == approx(0.121892157644)
    assert p["se"] == pytest.approx(0.0, abs=1e-12)
    assert p["ci_low"] == approx(0.121892157644)
    assert p["ci_high"] == approx(0.121892157644)


def test_domain_proportions(dstrat, dclus1):
    p = dstrat.proportion("sch.wide", by="stype")
    # R: svyby(~sch.wide, ~stype, dstrat, svymean, deff=TRUE)
    yes = p[p["level"] == "Yes"]
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
        row = by_key(p, awards=awards, level=lev)
        assert row["estimate"] == approx(est)
        assert row["se"] == approx(se)
        assert row["deff"] == approx(deff)
    # R: svyby(~I(stype=="E"), ~awards, dclus1, svyciprop, method="logit",
    #          vartype=c("se","ci"), df=degf(dclus1))
    e = p[p["level"] == "E"]
    np.testing.assert_allclose(e["ci_low"], [0.439978659351, 0.746087292225], rtol=REL)
    np.testing.assert_allclose(e["ci_high"], [0.776050887129, 0.920731699701], rtol=REL)
    assert e["n"].tolist() == [53, 130]


def test_proportion_with_missing_answers(apiclus1):
    df = apiclus1.assign(high_ed=(apiclus1["avg.ed"] > 2.5).where(apiclus1["avg.ed"].notna()))
    design = Design(df, cluster="dnum", weights="pw", fpc="fpc")
    p = design.proportion("high_ed")
    assert p["level"].tolist() == [False, True]
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
    true = by[by["level"] == True]  # noqa: E712
    np.testing.assert_allclose(true["estimate"], [0.576271186441, 0.571428571429, 0.72],
                               rtol=REL)
    np.testing.assert_allclose(true["se"], [0.079933744064, 0.195073901888, 0.105117861761],
                               rtol=REL)


def test_proportion_levels_processed_in_blocks_agree(dclus1, monkeypatch):
    import ruralkit.survey as survey_module

    whole = dclus1.proportion("stype", by="awards")
    whole_diff = dclus1.difference("stype", between="awards", levels=("No", "Yes"),
                                   stat="proportion")
    monkeypatch.setattr(survey_module, "_BLOCK_CELLS", 200)  # one level per block
    pd.testing.assert_frame_equal(dclus1.proportion("stype", by="awards"), whole)
    pd.testing.assert_frame_equal(
        dclus1.difference("stype", between="awards", levels=("No", "Yes"), stat="proportion"),
        whole_diff,
    )
    # R: svyby(~stype, ~awards, dclus1, svymean, deff=TRUE)
    assert by_key(whole, awards="Yes", level="M")["se"] == approx(0.0286404104668)


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
    assert p["level"].tolist() == [1.0, 2.0]
    # by hand: weights of answers 1 -> 1 + 1 + 1 = 3, answers 2 -> 3 + 2 = 5; the missing
    # answer is left out of the base
    np.testing.assert_allclose(p["estimate"], [3 / 8, 5 / 8])
    assert p["n"].tolist() == [5, 5]
    assert p["count"].tolist() == [3, 2]


# ---------------------------------------------------------------------------
# Differences and contrasts
# ---------------------------------------------------------------------------


def test_difference_between_domains_sharing_psus(dclus1):
    d = dclus1.difference("api00", between="awards", levels=("No", "Yes"))
    # R: b <- svyby(~api00, ~awards, dclus1, svymean, covmat=TRUE)
    # R: svycontrast(b, c(No=-1, Yes=1))
    assert one(d, "estimate") == approx(26.4002902758)
    assert one(d, "se") == approx(18.2656299981)
    # R: vcov(b): the domains are correlated (covariance 546.488275585), so the SE is
    # smaller than the "independent" formula sqrt(980.041040058 + 446.568750338)
    assert one(d, "se_a") ** 2 == approx(980.041040058)
    assert one(d, "se_b") ** 2 == approx(446.568750338)
    ind = dclus1.difference("api00", between="awards", levels=("No", "Yes"),
                            method="independent")
    assert one(ind, "se") == approx(np.sqrt(980.041040058 + 446.568750338))
    # the t interval and the p-value use degf(dclus1) = 14
    from scipy import stats

    q = stats.t.ppf(0.975, 14)
    assert one(d, "ci_low") == approx(26.4002902758 - q * 18.2656299981)
    assert one(d, "p_value") == approx(2 * stats.t.sf(26.4002902758 / 18.2656299981, 14))


def test_difference_per_domain(dclus1):
    d = dclus1.difference("api00", between="awards", levels=("No", "Yes"), by="stype")
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
    d = dstrat.difference("api00", between="awards", levels=("No", "Yes"))
    # R: svycontrast(svyby(~api00, ~awards, dstrat, svymean, covmat=TRUE), c(No=-1, Yes=1))
    assert one(d, "estimate") == approx(44.687493955)
    assert one(d, "se") == approx(19.3989199333)


def test_difference_of_totals(dclus1):
    d = dclus1.difference("enroll", between="awards", levels=("No", "Yes"), stat="total")
    # R: bt <- svyby(~enroll, ~awards, dclus1, svytotal, covmat=TRUE)
    # R: svycontrast(bt, c(No=-1, Yes=1))
    assert one(d, "estimate") == approx(1164268.978981)
    assert one(d, "se") == approx(381722.326015)


def test_empty_domain_mean_is_nan(apiclus1):
    df = apiclus1.assign(grp=np.where(apiclus1["avg.ed"].isna(), "no_ed", "has_ed"))
    r = Design(df, cluster="dnum", weights="pw", fpc="fpc").mean("avg.ed", by="grp")
    row = by_key(r, grp="no_ed")
    assert row["n"] == 0 and np.isnan(row["estimate"]) and np.isnan(row["se"])


def test_difference_of_proportions(apiclus1):
    df = apiclus1.assign(schwide_yes=(apiclus1["sch.wide"] == "Yes").astype(int))
    design = Design(df, cluster="dnum", weights="pw", fpc="fpc")
    d = design.difference("schwide_yes", between="stype", levels=("E", "H"))
    # R: b4 <- svyby(~as.numeric(sch.wide=="Yes"), ~stype, dclus1, svymean, covmat=TRUE)
    # R: svycontrast(b4, c(E=-1, H=1, M=0))
    assert one(d, "estimate") == approx(-0.130952380952)
    assert one(d, "se") == approx(0.101612030983)
    # the same through stat="proportion" on the text column, one row per answer
    p = design.difference("sch.wide", between="stype", levels=("E", "H"), stat="proportion")
    row = by_key(p, level="Yes")
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
    d = design.difference("api00", between="wave", levels=(2023, 2024))
    # R: bw <- svyby(~api00, ~wave, dwaves, svymean, covmat=TRUE)
    # R: svycontrast(bw, c("2023"=-1, "2024"=1))
    assert one(d, "estimate") == approx(5.70236315932)
    assert one(d, "se") == approx(13.19414737049)
    # the waves' own SEs are those of svymean(~api00, dsrs) and svymean(~api00, dstrat)
    assert one(d, "se_a") == approx(9.24972203928)
    assert one(d, "se_b") == approx(9.40894080278)
    # no shared stratum or PSU: the design covariance is 0 and the simple formula agrees
    assert one(d, "se") == approx(np.hypot(9.24972203928, 9.40894080278))
    ind = design.difference("api00", between="wave", levels=(2023, 2024), method="independent")
    assert one(ind, "se") == approx(13.19414737049)


def test_difference_rejects_unknown_level(dclus1):
    with pytest.raises(ValueError, match="'Maybe' is not a value of 'awards'"):
        dclus1.difference("api00", between="awards", levels=("No", "Maybe"))


# ---------------------------------------------------------------------------
# Lonely PSUs
# ---------------------------------------------------------------------------


def test_lonely_psu_fails_by_default_naming_the_stratum(apiclus1):
    # R: svymean(~api00, dlon)  ->  Error: Stratum (Alameda) has only one PSU at stage 1
    with pytest.raises(LonelyPSUError, match="Alameda") as err:
        Design(apiclus1, cluster="dnum", strata="cname", weights="pw", nest=True)
    assert "lonely_psu=" in str(err.value)
    assert isinstance(err.value, ValueError)


@pytest.mark.parametrize(
    ("rule", "mean_se", "total_se", "by_se"),
    [
        # R: options(survey.lonely.psu="adjust"); svymean(~api00, dlon);
        # R: svytotal(~enroll, dlon); svyby(~api00, ~stype, dlon, svymean)
        ("adjust", 22.0684757015, 1006035.97139, [21.0745028197, 37.1004635843, 28.7265380413]),
        # R: options(survey.lonely.psu="remove"); (same three calls)
        ("remove", 7.81825635335, 313730.677118, [7.6700053829, 6.17920125205, 11.28313148022]),
        # R: options(survey.lonely.psu="certainty"); (same three calls)
        ("certainty", 7.81825635335, 313730.677118,
         [7.6700053829, 6.17920125205, 11.28313148022]),
    ],
)
def test_lonely_psu_rules(apiclus1, rule, mean_se, total_se, by_se):
    d = Design(apiclus1, cluster="dnum", strata="cname", weights="pw", nest=True,
               lonely_psu=rule)
    # R: degf(dlon)
    assert d.degf == 4
    m = d.mean("api00")
    assert one(m, "estimate") == approx(644.169398907)
    assert one(m, "se") == approx(mean_se)
    assert one(d.total("enroll"), "se") == approx(total_se)
    np.testing.assert_allclose(d.mean("api00", by="stype")["se"], by_se, rtol=REL)


# ---------------------------------------------------------------------------
# Vectorised variance against a direct (looping) computation
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


def test_unknown_column_lists_available(dclus1, apiclus1):
    with pytest.raises(ColumnNotFoundError, match="'api0'.*Did you mean 'api00'") as err:
        dclus1.mean("api0")
    assert "Available columns: cds, stype" in str(err.value)
    with pytest.raises(ColumnNotFoundError, match="by column 'school_type'"):
        dclus1.mean("api00", by="school_type")
    with pytest.raises(ColumnNotFoundError, match="weights column 'weight'"):
        Design(apiclus1, weights="weight", cluster="dnum")
    assert issubclass(ColumnNotFoundError, ValueError)


def test_negative_and_missing_weights(apiclus1):
    bad = apiclus1.copy()
    bad.loc[bad.index[[3, 10]], "pw"] = -1.0
    with pytest.raises(WeightError, match=r"2 negative values \(rows 4, 11\)"):
        Design(bad, weights="pw", cluster="dnum")
    bad = apiclus1.copy()
    bad.loc[bad.index[:7], "pw"] = np.nan
    with pytest.raises(WeightError, match=r"7 missing values \(rows 1, 2, 3, 4, 5 \.\.\.\)"):
        Design(bad, weights="pw", cluster="dnum")


def test_text_column_in_mean(dclus1):
    with pytest.raises(NonNumericColumnError, match=r"'stype' holds text.*\.proportion\('stype'\)"):
        dclus1.mean("stype")
    with pytest.raises(TypeError, match="pd.to_numeric"):
        dclus1.total("sch.wide")


def test_clusters_not_nested(apistrat):
    with pytest.raises(DesignError, match="nest=True"):
        Design(apistrat, strata="stype", cluster="dnum", weights="pw")


def test_fpc_must_be_constant_within_strata(apistrat):
    bad = apistrat.copy()
    bad.loc[bad.index[0], "fpc"] = 100
    with pytest.raises(DesignError, match="varies within stratum 'E'"):
        Design(bad, strata="stype", fpc="fpc")
    bad = apistrat.assign(fpc=10)
    with pytest.raises(DesignError, match="more than 100% sampling"):
        Design(bad, strata="stype", fpc="fpc")


def test_missing_strata_label(apistrat):
    bad = apistrat.copy()
    bad.loc[bad.index[5], "stype"] = None
    with pytest.raises(DesignError, match="strata column 'stype' has 1 missing"):
        Design(bad, strata="stype", weights="pw")


def test_errors_are_value_or_type_errors():
    assert issubclass(SurveyError, ValueError)
    for cls in (ColumnNotFoundError, WeightError, LonelyPSUError, DesignError):
        assert issubclass(cls, SurveyError)
    assert issubclass(NonNumericColumnError, TypeError)


def test_unweighted_design_warns_and_leaves_data_alone(apiclus1):
    before = apiclus1.copy()
    with pytest.warns(UserWarning, match="equal probability"):
        d = Design(apiclus1, cluster="dnum")
    d.mean("api00", by="stype")
    d.proportion("stype", by="awards")
    pd.testing.assert_frame_equal(apiclus1, before)


# ---------------------------------------------------------------------------
# Questionnaire helpers
# ---------------------------------------------------------------------------


def _likert_frame():
    return pd.DataFrame({
        "q1": [1, 2, 2, 3, 8, 9, 1, np.nan],
        "q2": [5, 5, 4, 8, 8, 1, 2, 3],
        "w": [1.0, 2.0, 1.0, 1.0, 2.0, 1.0, 1.0, 3.0],
        "v": [1, 1, 2, 2, 3, 3, 4, 4],
    })


def test_likert_table_weighted_shares_and_codes():
    t = likert_table(_likert_frame(), ["q1", "q2"], weights="w", levels=range(1, 6))
    assert list(t.columns) == ["item", "level", "share", "count", "n", "dont_know", "refused"]
    assert len(t) == 10
    q1 = t[t["item"] == "q1"].set_index("level")
    # q1 substantive answers: 1 (w 1 + 1), 2 (w 2 + 1), 3 (w 1) -> base weight 6
    np.testing.assert_allclose(q1["share"], [2 / 6, 3 / 6, 1 / 6, 0, 0])
    assert q1["count"].tolist() == [2, 2, 1, 0, 0]
    assert (q1["n"] == 5).all()
    # asked (non-missing): weight 12 - 3 = 9; don't know weight 2, refused weight 1
    assert q1["dont_know"].iloc[0] == pytest.approx(2 / 9)
    assert q1["refused"].iloc[0] == pytest.approx(1 / 9)
    q2 = t[t["item"] == "q2"].set_index("level")
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
        likert_table(df, ["q1", "q2"], levels=range(1, 6))


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
    d = dclus1.difference("api00", between="awards", levels=("No", "Yes"), by="stype")
    s = suppress_small_cells(d, n_col=["n_a", "n_b"], min_n=10)
    # H: n_a = 8, n_b = 6 -> suppressed; M: 12 and 13 -> shown
    assert s["suppressed"].tolist() == [False, True, False]
    assert np.isnan(s.loc[1, "p_value"])
    t = pd.DataFrame({"estimate": [1.0, 2.0], "n": [np.nan, 50]})
    assert suppress_small_cells(t, min_n=30)["suppressed"].tolist() == [True, False]


# ---------------------------------------------------------------------------
# Design-based regression (svyglm)
# ---------------------------------------------------------------------------

GLM_COLUMNS = ("estimate", "se", "t", "p_value", "ci_low", "ci_high")


def assert_glm(fit, expected, rel=REL):
    """``expected``: term -> (estimate, se, t, p, 2.5 %, 97.5 %) as R prints
    ``cbind(summary(m)$coefficients, confint(m))``."""
    table = fit.summary_frame().set_index("term")
    assert sorted(table.index) == sorted(expected)
    for term, values in expected.items():
        got = table.loc[term, list(GLM_COLUMNS)].to_numpy(dtype=float)
        np.testing.assert_allclose(got, values, rtol=rel, err_msg=term)
    pd.testing.assert_series_equal(fit.params, table["estimate"], check_names=False)
    pd.testing.assert_series_equal(fit.bse, table["se"], check_names=False)


def test_glm_linear_stratified(dstrat):
    fit = dstrat.glm("api00 ~ ell + meals + mobility")
    # R: svyglm(api00 ~ ell + meals + mobility, design=dstrat)
    assert_glm(fit, {
        "Intercept": (820.887315905623, 10.077735949885, 81.455529296236, 5.59474981455e-152,
                      801.011324489728, 840.76330732152),
        "ell": (-0.480586612172, 0.391973403223, -1.226069443031, 2.21658715155e-01,
                -1.253663028983, 0.29248980464),
        "meals": (-3.141535309985, 0.283946506417, -11.063828006309, 2.25413465185e-22,
                  -3.701553785580, -2.58151683439),
        "mobility": (0.225713210230, 0.393218362023, 0.574014929183, 5.66622613162e-01,
                     -0.549818598403, 1.00124501886),
    })
    # R: df.residual 194, degf 197, nobs 200
    assert (fit.df_resid, fit.degf, fit.nobs) == (194, 197, 200)
    assert list(fit.summary_frame().columns) == ["term", "estimate", "se", "ci_low", "ci_high",
                                                 "t", "p_value"]


def test_glm_linear_cluster_and_level(dclus1):
    fit = dclus1.glm("api00 ~ ell + meals")
    # R: svyglm(api00 ~ ell + meals, design=dclus1)
    assert_glm(fit, {
        "Intercept": (817.182288509078, 18.670892692714, 43.76771383984, 1.31656595111e-14,
                      776.50190796885, 857.862669049305),
        "ell": (-0.508796683416, 0.325922721172, -1.56109608311, 1.44474252190e-01,
                -1.21892128979, 0.201327922953),
        "meals": (-3.145589225331, 0.301802544091, -10.42267299239, 2.28561649866e-07,
                  -3.80316048042, -2.488017970239),
    })
    assert (fit.df_resid, fit.degf, fit.nobs) == (12, 14, 183)
    # R: confint(svyglm(api00 ~ ell + meals, design=dclus1), level=0.9)
    ci90 = [[783.90538880999, 850.4591882081670], [-1.08968469346, 0.0720913266316],
            [-3.68348814393, -2.6076903067344]]
    np.testing.assert_allclose(fit.conf_int(0.9).to_numpy(), ci90, rtol=REL)
    at90 = dclus1.glm("api00 ~ ell + meals", level=0.9).summary_frame()
    np.testing.assert_allclose(at90[["ci_low", "ci_high"]].to_numpy(), ci90, rtol=REL)


def test_glm_categorical_predictor_stratified_cluster(dsc):
    fit = dsc.glm("api00 ~ ell + meals + stype")
    # R: svyglm(api00 ~ ell + meals + stype, design=dsc)
    assert_glm(fit, {
        "Intercept": (865.991204204740, 8.387876502339, 103.24319915336, 8.42246936926e-145,
                      849.42190090514, 882.560507504339),
        "ell": (-0.562795627295, 0.350951185843, -1.60362936499, 1.10831535249e-01,
                -1.25606008344, 0.130468828847),
        "meals": (-3.426936877237, 0.226121790492, -15.15527039554, 2.09655586856e-32,
                  -3.87361495223, -2.980258802247),
        "stype[T.H]": (-128.294282217617, 11.148884458340, -11.50736494732, 1.53773090602e-22,
                       -150.31764510224, -106.270919332991),
        "stype[T.M]": (-60.459417781506, 10.063966240558, -6.00751396978, 1.29286844358e-08,
                       -80.33964718048, -40.579188382535),
    })
    assert (fit.df_resid, fit.degf, fit.nobs) == (155, 159, 200)
    cov = fit.cov_params()
    np.testing.assert_allclose(np.diag(cov), fit.bse**2, rtol=1e-12)
    np.testing.assert_allclose(cov, cov.T, rtol=1e-12)


def test_glm_intercept_only_is_the_mean(dclus1):
    fit = dclus1.glm("api00 ~ 1")
    # R: svyglm(api00 ~ 1, design=dclus1)
    assert_glm(fit, {"Intercept": (644.169398907, 23.5422406938, 27.3622807313, 1.4828129301e-13,
                                   593.676314463, 694.662483351)})
    assert fit.df_resid == 14
    m = dclus1.mean("api00")
    assert fit.bse["Intercept"] == pytest.approx(one(m, "se"), rel=1e-12)


def test_glm_missing_values_subset_the_design(dstrat, dclus1, dsc, apistrat):
    # acs.k3 is missing for 103 schools, all of the high and middle strata: R's design
    # subset keeps stratum E's 100 sampled units (n_h, fpc) and has degf 97 - 1 = 96
    fit = dstrat.glm("api00 ~ acs.k3 + meals")
    # R: svyglm(api00 ~ acs.k3 + meals, design=dstrat)
    assert_glm(fit, {
        "Intercept": (920.74120295935, 86.629287222771, 10.628521051912, 8.54709300473e-18,
                      748.73672242634, 1092.74568349235),
        "acs.k3": (-2.96977833164, 4.613985704072, -0.643647059638, 5.21371600797e-01,
                   -12.13095510751, 6.19139844423),
        "meals": (-3.64484194338, 0.193775245992, -18.809636518390, 1.25932073901e-33,
                  -4.02958723675, -3.26009665001),
    })
    assert (fit.df_resid, fit.degf, fit.nobs) == (94, 96, 97)
    # the same model on the rows without missing values is another design (n_h = 97)
    dropped = Design(apistrat.dropna(subset=["acs.k3"]), strata="stype", weights="pw",
                     fpc="fpc").glm("api00 ~ acs.k3 + meals")
    assert dropped.params["acs.k3"] == approx(fit.params["acs.k3"])
    assert dropped.bse["acs.k3"] != approx(fit.bse["acs.k3"], rel=1e-5)

    fit = dclus1.glm("api00 ~ avg.ed + meals")
    # R: svyglm(api00 ~ avg.ed + meals, design=dclus1)
    assert_glm(fit, {
        "Intercept": (749.82037520893, 53.132049549134, 14.11239320846, 7.79087966647e-09,
                      634.05558398476, 865.58516643310),
        "avg.ed": (17.63611688661, 14.800292388736, 1.19160597800, 2.56450236966e-01,
                   -14.61095005280, 49.88318382601),
        "meals": (-3.01854991909, 0.328308388899, -9.19425156699, 8.80689611184e-07,
                  -3.73387244892, -2.30322738927),
    })
    assert (fit.df_resid, fit.degf, fit.nobs) == (12, 14, 157)

    fit = dsc.glm("api00 ~ acs.k3 + ell")
    # R: svyglm(api00 ~ acs.k3 + ell, design=dsc)
    assert_glm(fit, {
        "Intercept": (681.06408562209, 157.825139793079, 4.315307982714, 5.21274816552e-05,
                      366.21154660323, 995.91662464095),
        "acs.k3": (4.84480265107, 8.292196989513, 0.584260438723, 5.60950517832e-01,
                   -11.69767771432, 21.38728301647),
        "ell": (-3.86241055705, 0.331632302227, -11.646665693025, 5.99720500128e-18,
                -4.52399889788, -3.20082221622),
    })
    assert (fit.df_resid, fit.degf, fit.nobs) == (69, 71, 97)


@pytest.mark.parametrize(
    ("rule", "se"),
    [
        # R: options(survey.lonely.psu="adjust"); svyglm(api00 ~ ell + meals, design=dlon)
        ("adjust", [17.897425266327, 0.269914245403, 0.306926807924]),
        # R: options(survey.lonely.psu="remove"); svyglm(api00 ~ ell + meals, design=dlon)
        ("remove", [10.466032259228, 0.176484955585, 0.224385451549]),
    ],
)
def test_glm_lonely_psu_rules(apiclus1, rule, se):
    d = Design(apiclus1, cluster="dnum", strata="cname", weights="pw", nest=True,
               lonely_psu=rule)
    fit = d.glm("api00 ~ ell + meals")
    np.testing.assert_allclose(fit.params, [817.182288509078, -0.508796683416, -3.145589225331],
                               rtol=REL)
    np.testing.assert_allclose(fit.bse, se, rtol=REL)
    assert fit.df_resid == 2


# Logistic regressions: R's glm() computes cov.unscaled from the working weights at the
# start of its last IRLS iteration, so the SEs of a default svyglm() call sit up to 7e-5
# (relative) away from the sandwich at the estimate.  The R numbers below come from the
# fit restarted at its converged coefficients (svylogit() in the README):
#   m0 <- svyglm(f, design, family=quasibinomial(), control=glm.control(epsilon=1e-14))
#   m  <- svyglm(f, design, family=quasibinomial(), start=coef(m0), control=<same>)


def test_glm_logistic_cluster(dclus1):
    fit = dclus1.glm("I(sch.wide == 'Yes') ~ ell + meals", family="binomial")
    # R: svylogit(sch.wide ~ ell + meals, dclus1)
    assert_glm(fit, {
        "Intercept": (1.8995569111364, 0.50991480450715, 3.72524369629, 0.00289898370056,
                      0.7885479930390, 3.010565829233846),
        "ell": (0.0399254107978, 0.01244267277795, 3.20874875602, 0.00750962460842,
                0.0128151557139, 0.067035665881769),
        "meals": (-0.0191146824662, 0.00882544484088, -2.16586051024, 0.05117236034567,
                  -0.0383436749130, 0.000114309980666),
    })
    assert (fit.df_resid, fit.degf, fit.nobs) == (12, 14, 183)
    table = fit.summary_frame()
    assert list(table.columns[-3:]) == ["odds_ratio", "or_ci_low", "or_ci_high"]
    np.testing.assert_allclose(table["odds_ratio"], np.exp(table["estimate"]), rtol=1e-14)
    np.testing.assert_allclose(table["or_ci_high"], np.exp(table["ci_high"]), rtol=1e-14)
    # a 0/1 column gives the same fit as the True/False outcome
    yes = dclus1.data.assign(yes=(dclus1.data["sch.wide"] == "Yes").astype(int))
    again = Design(yes, cluster="dnum", weights="pw", fpc="fpc").glm(
        "yes ~ ell + meals", family="binomial")
    np.testing.assert_allclose(again.bse, fit.bse, rtol=1e-10)


def test_glm_logistic_stratified(dstrat):
    fit = dstrat.glm("I(sch.wide == 'Yes') ~ ell + mobility", family="binomial")
    # R: svylogit(sch.wide ~ ell + mobility, dstrat)
    assert_glm(fit, {
        "Intercept": (0.79736357991486, 0.4561774998154, 1.74792395556, 0.0820511232012,
                      -0.102311533318539, 1.6970386931483),
        "ell": (-0.00563275617652, 0.0089545638282, -0.62903747012, 0.5300607239685,
                -0.023292983235842, 0.0120274708828),
        "mobility": (0.05828517533392, 0.0296927022875, 1.96294613975, 0.0510745198904,
                     -0.000274892410523, 0.1168452430784),
    })
    assert (fit.df_resid, fit.degf, fit.nobs) == (195, 197, 200)


def test_glm_logistic_categorical_stratified_cluster(dsc):
    fit = dsc.glm("I(sch.wide == 'Yes') ~ meals + stype", family="binomial")
    # R: svylogit(sch.wide ~ meals + stype, dsc)
    assert_glm(fit, {
        "Intercept": (2.8912304762938, 0.62211673420458, 4.64740830351, 7.10666333417e-06,
                      1.6623710628862, 4.12008988970137),
        "meals": (-0.0103929114437, 0.00769693392724, -1.35026642323, 1.78886246445e-01,
                  -0.0255965688778, 0.00481074599035),
        "stype[T.H]": (-2.4958472080247, 0.53727126356125, -4.64541355047, 7.16722930561e-06,
                       -3.5571124231853, -1.43458199286417),
        "stype[T.M]": (-1.5522111600798, 0.52665115467577, -2.94732318784, 3.69781497562e-03,
                       -2.5924986068284, -0.51192371333111),
    })
    assert (fit.df_resid, fit.degf, fit.nobs) == (156, 159, 200)
    # R: SE(svyglm(sch.wide ~ meals + stype, design=dsc, family=quasibinomial()))
    # (the default call, 7e-5 away, see above)
    np.testing.assert_allclose(
        fit.bse[["Intercept", "meals", "stype[T.H]", "stype[T.M]"]],
        [0.62214687721066, 0.00769746412877, 0.53728157375392, 0.52664974171541], rtol=1e-4)


def test_glm_logistic_with_missing_predictor(dclus1):
    fit = dclus1.glm("I(sch.wide == 'Yes') ~ avg.ed + ell", family="binomial")
    # R: svylogit(sch.wide ~ avg.ed + ell, dclus1)
    assert_glm(fit, {
        "Intercept": (0.397938276014, 1.8263111273482, 0.217891831274, 0.831174578019,
                      -3.5812518392161, 4.3771283912443),
        "avg.ed": (0.345151658492, 0.5423237096869, 0.636431069353, 0.536446588709,
                   -0.8364701980069, 1.5267735149903),
        "ell": (0.024796215432, 0.0214528935486, 1.155844799013, 0.270239462658,
                -0.0219456242653, 0.0715380551292),
    })
    assert (fit.df_resid, fit.degf, fit.nobs) == (12, 14, 157)


def test_glm_covariance_uses_the_design_variance(dclus1):
    # the diagonal of the covariance mode of the variance machinery is its variance
    rng = np.random.default_rng(3)
    u = rng.normal(size=(len(dclus1), 3))
    dom = rng.integers(0, 4, len(dclus1))
    var = dclus1._var_totals(u, dclus1._psu, dom, 4)
    cov = dclus1._var_totals(u, dclus1._psu, dom, 4, cov=True)
    np.testing.assert_array_equal(np.diagonal(cov, axis1=1, axis2=2), var)
    np.testing.assert_allclose(cov, np.transpose(cov, (0, 2, 1)))
    # a covariance of two totals: var(a + b) = var(a) + var(b) + 2 cov(a, b)
    s = dclus1._var_totals(u[:, :1] + u[:, 1:2], dclus1._psu, dom, 4)[:, 0]
    np.testing.assert_allclose(s, var[:, 0] + var[:, 1] + 2 * cov[:, 0, 1], rtol=1e-10)


def test_glm_repr_and_html(dclus1):
    fit = dclus1.glm("api00 ~ ell + meals")
    text = repr(fit)
    assert "api00 ~ ell + meals" in text and "residual df 12" in text
    assert "Intercept" in text and "p_value" in text
    html = fit._repr_html_()
    assert "<table" in html and "meals" in html
    logit = dclus1.glm("I(sch.wide == 'Yes') ~ ell", family="binomial")
    assert "odds_ratio" in repr(logit)


def test_glm_formula_errors(dclus1, dstrat):
    with pytest.raises(ColumnNotFoundError, match="formula column 'meal'.*Did you mean 'meals'"):
        dclus1.glm("api00 ~ ell + meal")
    with pytest.raises(ColumnNotFoundError, match="'acs.k4'.*Did you mean 'acs.k3'"):
        dclus1.glm("api00 ~ acs.k4")
    with pytest.raises(ColumnNotFoundError, match="'nowhere'"):
        dclus1.glm("api00 ~ Q('nowhere')")
    with pytest.raises(SurveyError, match="could not build the model"):
        dclus1.glm("api00 ~ ell +")
    with pytest.raises(ValueError, match="family must be"):
        dclus1.glm("api00 ~ ell", family="poisson")


def test_glm_text_outcome_is_a_clear_error(dclus1):
    with pytest.raises(NonNumericColumnError,
                       match=r"outcome 'sch.wide' holds text \('No', 'Yes'\).*"
                             r"I\(sch.wide == 'Yes'\) ~ \.\.\."):
        dclus1.glm("sch.wide ~ ell + meals", family="binomial")
    with pytest.raises(TypeError, match="numeric outcome"):
        dclus1.glm("stype ~ ell")
    with pytest.raises(SurveyError, match="0/1 or a proportion.*'api00' runs from 411 to 905"):
        dclus1.glm("api00 ~ ell", family="binomial")


def test_glm_perfect_separation_warns_once(apiclus1):
    df = apiclus1.assign(many_el=(apiclus1["ell"] > 20).astype(int))
    design = Design(df, cluster="dnum", weights="pw", fpc="fpc")
    with pytest.warns(UserWarning, match="separate the outcome perfectly") as record:
        design.glm("many_el ~ ell", family="binomial")
    assert len(record) == 1


def test_glm_aliased_terms_are_an_error(dstrat):
    # without missing acs.k3 only elementary schools are left: stype has one level (R: NA)
    with pytest.raises(SurveyError, match=r"stype\[T.H\], stype\[T.M\].*97 rows"):
        dstrat.glm("api00 ~ acs.k3 + stype")


def test_survey_import_does_not_load_statsmodels():
    import subprocess
    import sys

    code = ("import sys, ruralkit.survey; "
            "print(any(m in sys.modules for m in ('statsmodels', 'patsy')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------------------
# Error messages follow the language setting
# ---------------------------------------------------------------------------


@pytest.fixture
def chinese():
    import ruralkit

    ruralkit.set_language("zh")
    try:
        yield
    finally:
        ruralkit.set_language("en")


def test_errors_in_chinese(chinese, dclus1, apiclus1):
    with pytest.raises(ColumnNotFoundError, match="变量列 'api0' 不在数据中。您是不是想用 'api00'"):
        dclus1.mean("api0")
    with pytest.raises(WeightError, match="权重列 'pw' 有 183 个负数"):
        Design(apiclus1.assign(pw=-1.0), weights="pw", cluster="dnum")
    with pytest.raises(LonelyPSUError, match="个层只抽到一个群.*'Alameda'"):
        Design(apiclus1, cluster="dnum", strata="cname", weights="pw", nest=True)
    with pytest.raises(NonNumericColumnError, match="列 'stype' 是文字"):
        dclus1.mean("stype")
    with pytest.raises(ColumnNotFoundError, match="公式中的列 'meal'"):
        dclus1.glm("api00 ~ meal")


def test_errors_back_in_english_after_reset(dclus1):
    with pytest.raises(ColumnNotFoundError, match="variable column 'api0' is not in the data"):
        dclus1.mean("api0")


def test_difference_between_groups_of_a_nullable_column():
    # Rows whose group is NA (e.g. "years since the hall opened" where no hall
    # opened) belong to neither side; same result as dropping them from the domain.
    df = pd.DataFrame({
        "psu": [1, 1, 2, 2, 3, 3, 4, 4], "w": [1.0, 2.0, 1.0, 2.0, 1.0, 1.0, 2.0, 1.0],
        "y": [1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0],
        "g": pd.array([0, -1, 0, None, -1, 0, None, -1], dtype="Int64"),
    })
    plain = df.assign(g=df["g"].astype("float").fillna(99).astype(int))
    got = Design(df, weights="w", cluster="psu").difference("y", between="g", levels=(-1, 0))
    want = Design(plain, weights="w", cluster="psu").difference("y", between="g",
                                                                levels=(-1, 0))
    pd.testing.assert_frame_equal(got, want)


def test_likert_table_on_cleaned_items_reports_unknown_dk_rates():
    raw = pd.DataFrame({"q": [1, 2, 8, 2, 9, 1], "w": [1.0] * 6})
    clean = raw.assign(q=raw["q"].astype("Int64").mask(raw["q"].isin([8, 9])))
    t_raw = likert_table(raw, ["q"], weights="w")
    t_clean = likert_table(clean, ["q"], weights="w")
    pd.testing.assert_series_equal(t_raw["share"], t_clean["share"])
    assert t_raw["dont_know"].iloc[0] == pytest.approx(1 / 6)
    assert t_clean["dont_know"].isna().all() and t_clean["refused"].isna().all()


def test_glm_accepts_nullable_columns_as_loaded_by_ruralkit():
    # The kit's loaders give Int64 / boolean columns with NA; a fit on them must
    # equal the fit on plain float columns with NaN.
    rng = np.random.default_rng(0)
    n = 200
    plain = pd.DataFrame({
        "psu": np.repeat(np.arange(20), 10), "w": rng.uniform(1, 3, n),
        "x": rng.normal(size=n), "flag": (rng.random(n) < 0.4).astype(float),
    })
    plain["y"] = (rng.random(n) < 0.3 + 0.3 * plain["flag"]).astype(float)
    plain.loc[[3, 17], "y"] = np.nan
    nullable = plain.assign(y=plain["y"].astype("boolean"), flag=plain["flag"].astype("boolean"))
    a = Design(plain, weights="w", cluster="psu").glm("y ~ x + flag", family="binomial")
    b = Design(nullable, weights="w", cluster="psu").glm("y ~ x + flag", family="binomial")
    pd.testing.assert_frame_equal(a.summary_frame(), b.summary_frame())
    assert b.nobs == n - 2


# ---- The bundled county: weighted, design-based estimates recover its planted truths.

def _county_design(frame: pd.DataFrame) -> Design:
    return Design(frame, weights="weight", strata=["year", "township_id"],
                  cluster="village_id", nest=True)


def test_county_trust_shares_recover_planted_truths_within_their_cis():
    import ruralkit as rk
    from ruralkit.synth import GROUND_TRUTH

    survey = rk.load_trust_survey()
    for item, share in GROUND_TRUTH["trust"]["share_trusting"].items():
        survey["x"] = survey[item] <= 2
        est = _county_design(survey).mean("x").iloc[0]
        assert est["ci_low"] <= share <= est["ci_high"], (item, share, est.to_dict())
    raw = rk.load_trust_survey(raw=True)
    for item, rate in GROUND_TRUTH["trust"]["dont_know"].items():
        raw["x"] = raw[item] == 8
        est = _county_design(raw).mean("x").iloc[0]
        assert est["ci_low"] <= rate <= est["ci_high"], (item, rate, est.to_dict())


def test_county_service_hall_effect_recovered_within_its_ci():
    import ruralkit as rk
    from ruralkit.synth import GROUND_TRUTH

    survey = rk.load_trust_survey().merge(
        rk.load_villages()[["village_id", "service_hall_opened"]], on="village_id")
    survey["satisfied"] = survey["sat_township"] >= 4
    survey["hall_open"] = (survey["year"] >= survey["service_hall_opened"]).fillna(False)
    fit = _county_design(survey).glm("satisfied ~ hall_open + C(township_id) + C(year)")
    row = fit.summary_frame().set_index("term").loc["hall_open"]
    effect = GROUND_TRUTH["trust"]["service_hall_effect_pp"] / 100
    assert row["ci_low"] <= effect <= row["ci_high"], row.to_dict()
    before = _county_design(survey[~survey["hall_open"]]).mean("satisfied").iloc[0]
    baseline = GROUND_TRUTH["trust"]["sat_township_baseline"]
    assert before["ci_low"] <= baseline <= before["ci_high"], before.to_dict()


# ---- A Design guards the table it was built from.

def _small_design_frame():
    return pd.DataFrame({
        "psu": [1, 1, 2, 2, 3, 3, 4, 4], "stratum": ["a"] * 4 + ["b"] * 4,
        "w": [1.0, 2.0, 1.0, 2.0, 3.0, 1.0, 2.0, 1.0],
        "y": [1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0],
    })


@pytest.mark.filterwarnings("ignore:The inplace keyword")  # deprecated, still common
@pytest.mark.parametrize("change", ["sort", "drop", "weights", "strata"])
def test_design_refuses_a_table_changed_in_place(change):
    from ruralkit.survey import DataChangedError

    df = _small_design_frame()
    design = Design(df, weights="w", strata="stratum", cluster="psu")
    if change == "sort":
        df.sort_values("y", inplace=True)  # noqa: PD002 - the user mistake under test
    elif change == "drop":
        df.drop(index=[0, 1], inplace=True)  # noqa: PD002 - the user mistake under test
    elif change == "weights":
        df.loc[0, "w"] = 5.0
    else:
        df.loc[0, "stratum"] = "b"
    with pytest.raises(DataChangedError, match="Build the Design again"):
        design.mean("y")
    with pytest.raises(DataChangedError):
        design.proportion("y")
    with pytest.raises(DataChangedError):
        design.glm("y ~ 1")


def test_design_sees_columns_added_after_it_was_built():
    df = _small_design_frame()
    design = Design(df, weights="w", strata="stratum", cluster="psu")
    df["y2"] = df["y"] * 2
    got = design.mean("y2")["estimate"].iloc[0]
    assert got == pytest.approx(2 * design.mean("y")["estimate"].iloc[0])


def test_mean_of_a_yes_no_column_has_a_logit_interval_inside_0_1():
    # The same numbers as proportion() gives for the level True (R: svyciprop, logit).
    df = pd.DataFrame({
        "psu": np.repeat(np.arange(8), 5), "w": np.linspace(1, 3, 40),
        "yes": [True] + [False] * 39,
    })
    design = Design(df, weights="w", cluster="psu")
    mean = design.mean("yes").iloc[0]
    props = design.proportion("yes")
    prop = props[props["level"].astype(bool)].iloc[0]
    assert mean["ci_low"] == pytest.approx(prop["ci_low"])
    assert mean["ci_high"] == pytest.approx(prop["ci_high"])
    assert 0 < mean["ci_low"] < mean["estimate"] < mean["ci_high"] < 1
    # A numeric 0/1 column keeps R's svymean interval (estimate +/- t * se).
    numeric = Design(df.assign(yes=df["yes"].astype(float)), weights="w", cluster="psu")
    row = numeric.mean("yes").iloc[0]
    assert row["ci_low"] < 0


def test_clear_errors_for_common_slips():
    df = _small_design_frame()
    with pytest.raises(TypeError, match=r"weights='w'.*not the column itself"):
        Design(df, weights=df["w"])
    with pytest.raises(WeightError, match="zero for every row"):
        Design(df.assign(w=0.0), weights="w")
    repeated = df.assign(stratum=["a", "b"] * 4)
    with pytest.raises(DesignError, match="nest=True"):
        Design(repeated, weights="w", strata="stratum", cluster="psu")


def test_yes_no_answers_stored_as_objects_with_gaps_are_shares():
    df = _small_design_frame()
    df["yes"] = pd.Series([True, False, None, True, False, True, None, False], dtype=object)
    got = Design(df, weights="w", cluster="psu").mean("yes")["estimate"].iloc[0]
    ok = df["yes"].notna()
    want = np.average(df.loc[ok, "yes"].astype(float), weights=df.loc[ok, "w"])
    assert got == pytest.approx(want)


def test_lonely_psu_message_names_strata_plainly():
    df = pd.DataFrame({"year": [2024, 2024, 2024], "town": ["T01", "T02", "T02"],
                       "psu": [1, 2, 3], "w": [1.0, 1.0, 1.0]})
    with pytest.raises(LonelyPSUError, match=r"^1 stratum has only one PSU.*2024 / T01"):
        Design(df, weights="w", strata=["year", "town"], cluster="psu")


R_BUNDLED_SATISFIED = (0.533281424784, 0.0107766832766)  # R 4.2.2, survey 4.1.1


def test_bundled_survey_design_as_the_datasheet_declares_it_matches_r():
    # R: s <- read.csv("data/trust_survey.csv")
    #    s$satisfied <- ifelse(s$sat_township %in% c(8, 9), NA, as.numeric(s$sat_township >= 4))
    #    d <- svydesign(id=~village_id, strata=~interaction(year, township_id),
    #                   weights=~weight, nest=TRUE, data=s)
    #    svymean(~satisfied, d, na.rm=TRUE); degf(d)
    import ruralkit as rk

    survey = rk.load_trust_survey()
    survey["satisfied"] = survey["sat_township"] >= 4
    design = _county_design(survey)
    row = design.mean("satisfied").iloc[0]
    assert row["estimate"] == approx(R_BUNDLED_SATISFIED[0])
    assert row["se"] == approx(R_BUNDLED_SATISFIED[1])
    assert design.degf == 144
