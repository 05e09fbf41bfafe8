"""Tests of ruralkit.survey.design and ruralkit.survey.coding (its validators).

Declaring a design, its validators, the guard on its table, update() and the
bundled survey's design.

Reference numbers: see tests/survey_fixtures.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from survey_fixtures import *  # noqa: F403 - the api samples and designs (pytest fixtures)
from survey_fixtures import REL, approx, one, small_design_frame

from ruralkit.survey import (
    ColumnNotFoundError,
    DataChangedError,
    Design,
    DesignError,
    LonelyPSUError,
    SurveyError,
    WeightError,
)


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


def test_unweighted_design_warns_and_leaves_data_alone(apiclus1):
    before = apiclus1.copy()
    with pytest.warns(UserWarning, match="equal probability"):
        d = Design(apiclus1, cluster="dnum")
    d.mean("api00", by="stype")
    d.proportion("stype", by="awards")
    pd.testing.assert_frame_equal(apiclus1, before)


@pytest.mark.filterwarnings("ignore:The inplace keyword")  # deprecated, still common
@pytest.mark.parametrize("change", ["sort", "drop", "weights", "strata"])
def test_design_refuses_a_table_changed_in_place(change):
    from ruralkit.survey import DataChangedError

    df = small_design_frame()
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
    df = small_design_frame()
    design = Design(df, weights="w", strata="stratum", cluster="psu")
    df["y2"] = df["y"] * 2
    got = design.mean("y2")["estimate"].iloc[0]
    assert got == pytest.approx(2 * design.mean("y")["estimate"].iloc[0])


def test_clear_errors_for_common_slips():
    df = small_design_frame()
    with pytest.raises(TypeError, match=r"weights='w'.*not the column itself"):
        Design(df, weights=df["w"])
    with pytest.raises(WeightError, match="zero for every row"):
        Design(df.assign(w=0.0), weights="w")
    repeated = df.assign(stratum=["a", "b"] * 4)
    with pytest.raises(DesignError, match="nest=True"):
        Design(repeated, weights="w", strata="stratum", cluster="psu")


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
    design = rk.survey_design(survey)
    row = design.mean("satisfied").iloc[0]
    assert row["estimate"] == approx(R_BUNDLED_SATISFIED[0])
    assert row["se"] == approx(R_BUNDLED_SATISFIED[1])
    assert design.degf == 144


# ---- update(): a derived variable without declaring the design again (R: update(design, ...))


def test_update_adds_variables_and_keeps_the_coding():
    df = small_design_frame()
    design = Design(df, weights="w", strata="stratum", cluster="psu")
    updated = design.update(y2=df["y"] * 2, z=lambda d: d["y"] + 1)
    assert "y2" not in df.columns  # the table is left alone
    assert updated.coded is design.coded and updated.degf == design.degf
    assert updated.mean("y2")["estimate"].iloc[0] == pytest.approx(
        2 * design.mean("y")["estimate"].iloc[0])
    assert updated.mean("z")["se"].iloc[0] == pytest.approx(design.mean("y")["se"].iloc[0])


def test_update_refuses_design_columns_and_misaligned_series():
    df = small_design_frame()
    design = Design(df, weights="w", strata="stratum", cluster="psu")
    with pytest.raises(SurveyError, match="'w' is a column of the design itself"):
        design.update(w=df["w"] * 2)
    with pytest.raises(SurveyError, match="same rows"):
        design.update(y_top=df["y"].head(4))


def test_update_keeps_the_guard_on_the_table():
    # an update of a design whose table was changed is refused, and the updated
    # design guards its own table (its design columns are the original's)
    df = small_design_frame()
    design = Design(df, weights="w", strata="stratum", cluster="psu")
    updated = design.update(y2=df["y"] * 2)
    df.loc[0, "w"] = 9.0
    with pytest.raises(DataChangedError):
        design.update(y3=df["y"])
    updated.data.loc[1, "stratum"] = "b"
    with pytest.raises(DataChangedError, match="'stratum'"):
        updated.mean("y2")


# ---- the bundled survey's design, declared once


def test_survey_design_is_the_datasheet_declaration_on_any_variant():
    import ruralkit as rk
    from ruralkit.synth.trust import SURVEY_DESIGN

    assert SURVEY_DESIGN == {"weights": "weight", "strata": ["year", "township_id"],
                             "cluster": "village_id", "nest": True}
    for variant in (None, 12345):
        rk.set_variant(variant)
        for raw in (False, True):
            survey = rk.load_trust_survey(raw=raw)
            survey["added"] = survey["year"] > 2020  # columns added are fine
            d = rk.survey_design(survey)
            literal = Design(survey, weights="weight", strata=["year", "township_id"],
                             cluster="village_id", nest=True)
            assert (d.degf, d.n_psu, d.n_strata) == (literal.degf, literal.n_psu,
                                                     literal.n_strata)
            np.testing.assert_array_equal(d.weights, literal.weights)
            assert d.mean("added")["se"].iloc[0] == literal.mean("added")["se"].iloc[0]


def test_survey_design_explains_a_wrong_table():
    import ruralkit as rk

    with pytest.raises(SurveyError, match="lacks its columns weight"):
        rk.survey_design(rk.load_villages())
    with pytest.raises(SurveyError, match="not a str"):
        rk.survey_design("trust_survey")


def test_the_datasheet_prints_the_one_declared_design():
    from pathlib import Path

    import ruralkit
    from ruralkit.synth.datasheet import _design_args

    readme = (Path(ruralkit.__file__).parents[1] / "data" / "README.md").read_text("utf-8")
    assert f"design = Design(survey, {_design_args()})" in readme
    assert "rk.survey_design(survey)" in readme
