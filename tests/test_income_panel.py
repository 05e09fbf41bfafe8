"""Tests of ruralkit.income.panel_effect and event_study: R plm's numbers, planted truths, input.

The reference numbers are what R ``plm`` printed on Grunfeld
(``tests/data/r_plm/``: the script and how the data were matched to the copy
statsmodels bundles); the tests do not need R.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ruralkit as rk
from ruralkit.income import FewClustersWarning, IncomeError, drivers, event_study, panel_effect
from ruralkit.synth import GROUND_TRUTH

R_PLM = Path(__file__).parent / "data" / "r_plm" / "grunfeld_plm.csv"
TRUTH = GROUND_TRUTH["income"]


@pytest.fixture(scope="module")
def grunfeld() -> pd.DataFrame:
    from statsmodels.datasets import grunfeld

    data = grunfeld.load_pandas().data
    return data[data["firm"] != "American Steel"].reset_index(drop=True)  # not in plm's copy


@pytest.mark.parametrize("effect", ["individual", "twoways"])
@pytest.mark.parametrize(("small_sample", "r_type"), [("cr1", "sss"), ("hc1", "HC1")])
def test_agrees_with_r_plm_arellano(grunfeld, effect, small_sample, r_type):
    ref = pd.read_csv(R_PLM)
    ref = ref[(ref["effect"] == effect) & (ref["type"] == r_type)].reset_index(drop=True)
    table = panel_effect(grunfeld, outcome="invest", treatment="value", controls=["capital"],
                         unit="firm", time="year", time_effects=effect == "twoways",
                         small_sample=small_sample)
    assert table["term"].tolist() == ref["term"].tolist() == ["value", "capital"]
    # R printed 10 significant digits.
    np.testing.assert_allclose(table["coef"], ref["coef"], rtol=5e-10)
    np.testing.assert_allclose(table["se"], ref["se"], rtol=5e-10)
    if small_sample == "hc1":  # plm's coeftest: t with the residual degrees of freedom
        np.testing.assert_allclose(table["p_value"], ref["p_value"], rtol=5e-9)
    assert table.attrs["n"] == ref["n"].iloc[0] == 200
    assert table.attrs["n_clusters"] == 10


# --------------------------------------------------------------------------- planted truths
@pytest.fixture(scope="module")
def hh() -> pd.DataFrame:
    frame = rk.load_households()
    frame = frame[frame["income_per_capita"] > 0].copy()  # two planted business losses
    villages = rk.load_villages()[["village_id", "terrain", "distance_km", "road_hardened_year"]]
    frame = frame.merge(villages, on="village_id", how="left")
    frame["road"] = frame["year"] >= frame["road_hardened_year"].fillna(9999)
    frame["log_land"] = np.log(frame["land_mu"])
    frame["ecommerce"] = frame["ecommerce_sales"] > 0
    return frame


CONTROLS = ["head_education_years", "migrant_workers", "log_land", "size", "terrain",
            "distance_km", "road", "C(year)"]


def _row(table: pd.DataFrame, term: str) -> pd.Series:
    return table.set_index("term").loc[term]


def _contains(row: pd.Series, value: float) -> bool:
    return row["ci_low"] <= value <= row["ci_high"]


def test_raw_cooperative_gap_is_about_20_percent(hh):
    raw = _row(drivers(hh, outcome="income_per_capita", features=["cooperative_member"],
                       cluster="village_id"), "cooperative_member")
    assert 17 < raw["pct_effect"] < 25
    assert raw["pct_low"] <= 20 <= raw["pct_high"]
    assert not _contains(raw, TRUTH["cooperative_effect"])  # the raw gap is not the effect


def test_with_controls_the_planted_effects_are_recovered(hh):
    table = drivers(hh, outcome="income_per_capita", features=["cooperative_member", *CONTROLS],
                    cluster="village_id")
    assert _contains(_row(table, "cooperative_member"), TRUTH["cooperative_effect"])
    assert _contains(_row(table, "migrant_workers"), TRUTH["migrant_worker_effect"])
    school = _row(table, "head_education_years")
    # The datasheet: "OLS with controls gives a little more" than the planted +0.06
    # (schooling is correlated with the household's unobserved earning capacity).
    assert TRUTH["return_to_schooling"] < school["coef"] < TRUTH["return_to_schooling"] + 0.012
    assert school["ci_low"] < TRUTH["return_to_schooling"] + 0.003


def test_ecommerce_is_positive_with_controls_and_zero_with_household_fixed_effects(hh):
    ols = _row(drivers(hh, outcome="income_per_capita", features=["ecommerce", *CONTROLS],
                       cluster="village_id"), "ecommerce")
    assert ols["ci_low"] > 0.1  # strongly associated ...
    fe = _row(panel_effect(hh, outcome="income_per_capita", treatment="ecommerce",
                           unit="household_id", time="year",
                           controls=["migrant_workers", "cooperative_member", "road"],
                           log_outcome=True), "ecommerce")
    assert _contains(fe, 0.0)  # ... no causal effect


def test_household_fixed_effects_recover_the_cooperative_and_migrant_effects(hh):
    table = panel_effect(hh, outcome="income_per_capita", treatment="cooperative_member",
                         unit="household_id", time="year",
                         controls=["migrant_workers", "ecommerce", "road"], log_outcome=True)
    assert table["term"].tolist() == ["cooperative_member", "migrant_workers", "ecommerce", "road"]
    assert _contains(_row(table, "cooperative_member"), TRUTH["cooperative_effect"])
    assert _contains(_row(table, "migrant_workers"), TRUTH["migrant_worker_effect"])
    assert _contains(_row(table, "road"), TRUTH["road_effect"])
    assert table.attrs["n_clusters"] == table.attrs["n_units"] == 1800


def test_event_study_of_staggered_joining(hh):
    robust = event_study(hh, outcome="income_per_capita", unit="household_id", time="year",
                         first_treated="cooperative_joined", log_outcome=True)
    twfe = event_study(hh, outcome="income_per_capita", unit="household_id", time="year",
                       first_treated="cooperative_joined", log_outcome=True, estimator="twfe")
    for table in (robust, twfe):
        assert -1 not in set(table["period"])  # the reference period
        assert table["period"].min() < -1 < 0 <= table["period"].max()
        before = table[table["period"] < -1]
        assert (before["ci_low"] < 0).all() and (before["ci_high"] > 0).all()  # no pre-trend
        after = table[table["period"] >= 0]
        assert (after["coef"] > 0).mean() == 1.0
    # Households that joined in 2019 or before have no year before joining in the panel.
    assert robust.attrs["always_treated"] == hh.loc[
        hh["cooperative_joined"] <= 2019, "household_id"].nunique()


# --------------------------------------------------------------------------- bad input
def test_treatment_that_never_varies_within_units(hh):
    with pytest.raises(IncomeError) as info:
        panel_effect(hh, outcome="income_per_capita", treatment="head_education_years",
                     unit="household_id", time="year")
    assert "'head_education_years' never changes within any unit ('household_id')" in str(
        info.value)
    assert "单位固定效应" in info.value.msg.render("zh")


def test_time_invariant_control_and_collinear_with_time_effects(hh):
    with pytest.raises(IncomeError, match="Control\\(s\\) log_land never change"):
        panel_effect(hh, outcome="income_per_capita", treatment="cooperative_member",
                     unit="household_id", time="year", controls=["log_land"])
    frame = hh.assign(after_2021=(hh["year"] >= 2021).astype(float))
    with pytest.raises(IncomeError, match="after_2021 cannot be estimated once the fixed"):
        panel_effect(frame, outcome="income_per_capita", treatment="cooperative_member",
                     unit="household_id", time="year", controls=["after_2021"])


def test_panel_input_messages(hh, grunfeld):
    with pytest.raises(IncomeError, match="zero or negative"):
        panel_effect(rk.load_households(), outcome="income_per_capita",
                     treatment="cooperative_member", unit="household_id", time="year",
                     log_outcome=True)
    with pytest.raises(IncomeError, match="must hold numbers or true/false"):
        panel_effect(hh, outcome="income_per_capita", treatment="main_crop",
                     unit="household_id", time="year")
    with pytest.warns(FewClustersWarning, match="Only 6 clusters in 'township_id'"):
        panel_effect(hh, outcome="income_per_capita", treatment="cooperative_member",
                     unit="household_id", time="year", cluster="township_id")


def test_sun_abraham_agrees_with_a_statsmodels_dummy_regression(hh):
    """The saturated event study is, by definition (Sun & Abraham 2021), OLS of the outcome
    on cohort x period-since-joining dummies (never-joined households and the year before
    joining as the reference) with household and year dummies, averaged over cohorts with
    each cohort's share of the rows at that period. Built here with statsmodels directly;
    the household dummies are partialled out by demeaning within households
    (Frisch-Waugh-Lovell: the same coefficients as 1,500 dummy columns, in a second)."""
    import statsmodels.api as sm

    table = event_study(hh, outcome="income_per_capita", unit="household_id", time="year",
                        first_treated="cooperative_joined", log_outcome=True)
    d = hh[~(hh["cooperative_joined"] <= 2019).fillna(False)]
    year = d["year"].astype(int).to_numpy()
    cohort = d["cooperative_joined"].fillna(0).astype(int).to_numpy()
    rel = np.where(cohort > 0, year - cohort, -1)
    cells = sorted({(c, r) for c, r in zip(cohort, rel, strict=True) if c > 0 and r != -1})
    X_cells = np.column_stack([(cohort == c) & (rel == r) for c, r in cells]).astype(float)
    years = pd.get_dummies(year, drop_first=True, dtype=float).to_numpy()
    Z = pd.DataFrame(np.column_stack([np.log(d["income_per_capita"].to_numpy(float)),
                                      X_cells, years]))
    Z = Z - Z.groupby(d["household_id"].to_numpy()).transform("mean")
    fit = sm.OLS(Z[0].to_numpy(), Z.drop(columns=0).to_numpy()).fit()
    beta = dict(zip(cells, fit.params[:len(cells)], strict=True))
    counts = dict(zip(cells, X_cells.sum(axis=0), strict=True))
    expected = {}
    for r in sorted({r for _, r in cells}):
        mine = [(c, counts[(c, rr)]) for c, rr in cells if rr == r]
        total = sum(n for _, n in mine)
        expected[r] = sum(beta[(c, r)] * n / total for c, n in mine)
    assert table["period"].tolist() == list(expected)
    np.testing.assert_allclose(table["coef"], list(expected.values()), rtol=1e-8, atol=1e-10)
