"""The generator against its own documented truths (ruralkit.synth.GROUND_TRUTH).

Tolerances are stated next to each check. The bundled county (60 villages) is
checked where its sample is large enough; effects that are noisy in 60 villages
are checked in a larger county made by the same code, where noise is small.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from ruralkit import synth
from ruralkit.synth import GROUND_TRUTH

DATA = Path(__file__).resolve().parents[1] / "data"
TRUST_ITEMS = list(GROUND_TRUTH["trust"]["share_trusting"])


@pytest.fixture(scope="module", params=[None, 7], ids=["bundled", "seed7"])
def county(request):
    return synth.generate(request.param)


@pytest.fixture(scope="module")
def big_county():
    """Same code, 60 townships (600 villages): planted effects with little noise."""
    return synth.generate(11, n_townships=60)


def test_committed_data_equal_generator_output():
    assert synth.check_tables(DATA) == []


def test_generation_is_deterministic():
    a, b = synth.generate(3), synth.generate(3)
    for name in synth.TABLES:
        pd.testing.assert_frame_equal(a[name], b[name])
    c = synth.generate(4)
    assert not a["households"]["income_per_capita"].equals(c["households"]["income_per_capita"])


def test_tables_are_independent_streams():
    only = synth.generate(5, tables=("households",))
    full = synth.generate(5)
    pd.testing.assert_frame_equal(only["households"], full["households"])


def test_referential_integrity(county):
    villages = county["villages"]
    assert villages["village_id"].is_unique
    town_of = dict(zip(villages["village_id"], villages["township_id"], strict=True))
    for name in ("trust_survey", "disputes", "households"):
        table = county[name]
        vid = table["village_id"].astype(str)
        assert vid.isin(town_of).all(), name
        assert (vid.map(town_of) == table["township_id"].astype(str)).all(), name


def _per_capita(h: pd.DataFrame) -> pd.DataFrame:
    persons = h.groupby("year")["size"].sum()
    out = pd.DataFrame({"level": (h["income_per_capita"] * h["size"]).groupby(h["year"]).sum()
                        / persons})
    total = h[[f"{s}_income" for s in ("wage", "business", "property", "transfer")]]
    sums = total.groupby(h["year"]).sum()
    return out.join(sums.div(sums.sum(axis=1), axis=0))


def test_income_level_and_mix_by_year(county):
    inc = GROUND_TRUTH["income"]
    got = _per_capita(county["households"])
    for year, row in got.iterrows():
        target = inc["target_per_capita"][year]
        assert abs(row["level"] / target - 1) < 0.05, (year, row["level"], target)
        for source, share in inc["mix"][year].items():
            assert abs(row[f"{source}_income"] - share) < 0.02, (year, source)


def test_county_below_national_level():
    got = _per_capita(synth.generate()["households"])["level"]
    national = synth.truth.NATIONAL_RURAL_INCOME
    assert all(got[y] < national[y] for y in got.index)


def test_dispute_rate_and_type_mix(county):
    dis = GROUND_TRUTH["disputes"]
    cases = county["disputes"]
    residents = county["villages"]["population"].sum()
    per_year = cases.groupby(cases["date_received"].dt.year).size() / residents * 1000
    # About 6 a year, growing 2% a year: every year within 4.5-8.
    assert per_year.between(4.5, 8.0).all(), per_year
    assert abs(per_year.mean() - dis["cases_per_1000_residents"]) < 1.0
    mix = cases["dispute_type"].value_counts(normalize=True)
    for kind, share in dis["type_mix"].items():
        assert abs(mix[kind] - share) < 0.025, (kind, mix[kind], share)


def test_dispute_seasons_and_events(big_county):
    cases = big_county["disputes"]
    month = cases["date_received"].dt.month
    water = cases["dispute_type"] == "water"
    summer = month.isin([6, 7, 8])
    assert water[summer].mean() > 2 * water[~summer].mean()
    # Wage arrears peak in the weeks before Spring Festival (Dec-Feb), not in summer.
    wages = cases[cases["dispute_type"] == "wage_arrears"]
    by_month = wages["date_received"].dt.month.value_counts()
    assert set(by_month.nlargest(3).index) == {12, 1, 2}
    assert by_month[[12, 1, 2]].sum() > 0.5 * by_month.sum()
    # The mediation centre lowers escalation to petitions and days to resolve.
    opened = pd.Timestamp(GROUND_TRUTH["disputes"]["mediation_centre_opened"])
    after = cases["date_received"] >= opened
    petition = cases["outcome"] == "petition"
    assert petition[after].mean() < 0.6 * petition[~after].mean()
    days = cases["days_to_resolve"]
    assert days[after].median() < days[~after].median()


def test_anomalous_village_month_in_bundled_county():
    cases = synth.generate()["disputes"]
    a = GROUND_TRUTH["disputes"]["anomaly"]
    vid = f"T0{a['township'] + 1}V{a['village']:02d}"
    month = cases["date_received"].dt.to_period("M").astype(str)
    counts = cases[cases["village_id"] == vid].groupby(month).size()
    assert counts.idxmax() == a["month"]
    assert counts.max() >= a["extra_cases"]


def _share(frame: pd.DataFrame, item: str, codes: list[int], max_code: int) -> float:
    valid = frame[item] <= max_code
    hit = frame[item].isin(codes) & valid
    w = frame["weight"]
    return float((w * hit).sum() / (w * valid).sum())


def test_hierarchical_trust(county):
    s = county["trust_survey"]
    shares = [_share(s, item, [1, 2], 4) for item in TRUST_ITEMS[:4]]
    assert shares == sorted(shares, reverse=True), shares
    for item, target in GROUND_TRUTH["trust"]["share_trusting"].items():
        assert abs(_share(s, item, [1, 2], 4) - target) < 0.06, item


def test_weights_sum_to_adult_population(county):
    s = county["trust_survey"]
    v = county["villages"]
    adults = (v["population"] * GROUND_TRUTH["villages"]["adult_share"]).round()
    per_town = adults.groupby(v["township_id"]).sum()
    got = s.groupby(["year", "township_id"], observed=True)["weight"].sum()
    expected = per_town.reindex(got.index.get_level_values("township_id")).to_numpy()
    # Weights are stored to 4 decimals: at most 0.00005 off per respondent.
    assert np.allclose(got.to_numpy(), expected, atol=0.00005 * 150)


def test_survey_design_shape(county):
    s = county["trust_survey"]
    tr = GROUND_TRUTH["trust"]
    per_cell = s.groupby(["year", "township_id"], observed=True)["village_id"].nunique()
    assert (per_cell == tr["villages_sampled_per_township"]).all()
    per_village = s.groupby(["year", "village_id"], observed=True).size()
    assert (per_village == tr["respondents_per_village"]).all()
    # The raw sample is older than the population; weights correct it.
    young = s["age_group"] == "18-39"
    assert young.mean() < 0.25
    assert abs((s["weight"] * young).sum() / s["weight"].sum() - 0.36) < 0.01


def test_service_hall_raises_satisfaction_by_about_9_points(big_county):
    s = big_county["trust_survey"].copy()
    v = big_county["villages"].set_index("village_id")
    hall = v["service_hall_opened"].reindex(s["village_id"]).to_numpy(dtype=float,
                                                                      na_value=np.nan)
    valid = s["sat_township"] <= 5
    s = s[valid]
    hall = hall[valid.to_numpy()]
    s["satisfied"] = s["sat_township"] >= 4
    s["open"] = s["year"].to_numpy() >= hall
    # Opening townships: the opening year against the year before, net of the
    # change in townships without a hall over the same years.
    effects = []
    for year in (2021, 2022, 2023):
        opened = hall == year
        never = np.isnan(hall)
        def share(mask, y):
            rows = s[mask & (s["year"] == y).to_numpy()]
            return np.average(rows["satisfied"], weights=rows["weight"])
        effects.append(
            (share(opened, year) - share(opened, year - 1))
            - (share(never, year) - share(never, year - 1))
        )
    effect_pp = 100 * np.mean(effects)
    assert abs(effect_pp - GROUND_TRUTH["trust"]["service_hall_effect_pp"]) < 3.5, effect_pp


def test_fairness_is_the_strongest_driver(big_county):
    s = big_county["trust_survey"]
    s = s[(s["trust_township"] <= 4) & (s["fairness"] <= 5) & (s["corruption"] <= 4)].copy()
    s["trusts"] = (s["trust_township"] <= 2).astype(int)
    s["unresolved"] = (s["dispute_outcome"] == "unresolved").astype(int)
    for col in ("used_service_hall", "cadre_visited"):
        s[col] = s[col].astype(int)
    fit = smf.logit(
        "trusts ~ fairness + corruption + unresolved + used_service_hall + cadre_visited",
        data=s,
    ).fit(disp=0)
    params = fit.params.drop("Intercept")
    # Standardised effect of fairness is the largest in size.
    sd = s[["fairness", "corruption", "unresolved", "used_service_hall", "cadre_visited"]].std()
    assert (params * sd).abs().idxmax() == "fairness"
    assert params["corruption"] < 0 and params["unresolved"] < 0


def test_cooperative_selection_and_causal_effect(county):
    h = county["households"].copy()
    h["log_income"] = np.log(h["income_per_capita"].clip(lower=500))
    h["coop"] = h["cooperative_member"].astype(int)
    raw = smf.ols("log_income ~ coop", data=h).fit().params["coop"]
    controlled = smf.ols(
        "log_income ~ coop + head_education_years + np.log(land_mu) + migrant_workers"
        " + C(year) + C(village_id)",
        data=h,
    ).fit().params["coop"]
    truth = GROUND_TRUTH["income"]
    assert 0.12 < raw < 0.30, raw  # about 20% ahead in raw data
    assert abs(controlled - truth["cooperative_effect"]) < 0.04, controlled


def test_schooling_migration_and_ecommerce(county):
    h = county["households"].copy()
    h["log_income"] = np.log(h["income_per_capita"].clip(lower=500))
    h["ecom"] = (h["ecommerce_sales"] > 0).astype(int)
    h["coop"] = h["cooperative_member"].astype(int)
    fit = smf.ols(
        "log_income ~ head_education_years + migrant_workers + ecom + coop + np.log(land_mu)"
        " + C(year) + C(village_id)",
        data=h,
    ).fit()
    assert 0.04 < fit.params["head_education_years"] < 0.09  # about 6% per school year
    assert 0.07 < fit.params["migrant_workers"] < 0.17
    assert fit.params["ecom"] > 0.1  # correlated with income ...
    # Household fixed effects by the within transformation (same estimate as
    # household dummies, without a 1,800-column design matrix).
    cols = ["log_income", "ecom", "coop", "migrant_workers"]
    within = h[cols] - h.groupby("household_id")[cols].transform("mean")
    within["year"] = h["year"]
    fe = smf.ols("log_income ~ ecom + coop + migrant_workers + C(year)", data=within).fit()
    assert abs(fe.params["ecom"]) < 0.05  # ... but no causal effect


def test_roads_raise_business_income(big_county):
    h = big_county["households"]
    v = big_county["villages"].set_index("village_id")["road_hardened_year"]
    road_year = v.reindex(h["village_id"].astype(str)).to_numpy(dtype=float, na_value=np.inf)
    hard = h["year"].to_numpy() >= road_year
    share = h["business_income"] / h[[c for c in h if c.endswith("_income")
                                      and c != "income_per_capita"]].sum(axis=1)
    assert share[hard].median() > share[~hard].median()


def test_outliers_present(county):
    h = county["households"]
    assert (h["business_income"] < 0).sum() >= GROUND_TRUTH["income"]["n_outliers"] // 2


def test_survey_codes_follow_conventions(county):
    s = county["trust_survey"]
    for item in TRUST_ITEMS + ["corruption"]:
        assert set(s[item].unique()) <= {1, 2, 3, 4, 8, 9}, item
    for item in ("sat_township", "sat_village", "fairness"):
        assert set(s[item].unique()) <= {1, 2, 3, 4, 5, 8, 9}, item
    assert (s[TRUST_ITEMS] == 8).to_numpy().any()


def test_ground_truth_is_read_only():
    with pytest.raises(TypeError):
        GROUND_TRUTH["income"]["cooperative_effect"] = 0.5  # type: ignore[index]


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError, match="at least 5 villages"):
        synth.generate(1, villages_per_township=3)
    with pytest.raises(ValueError, match="Unknown table"):
        synth.generate(1, tables=("village",))


def test_datasheet_design_effect_assumption_matches_the_survey():
    from ruralkit.survey import Design
    from ruralkit.synth.datasheet import ASSUMED_DEFF

    s = synth.generate()["trust_survey"]
    s["satisfied"] = (s["sat_township"] >= 4).astype(float).where(s["sat_township"] <= 5)
    design = Design(s, weights="weight", strata=["year", "township_id"], cluster="village_id",
                    nest=True)
    deff = design.mean("satisfied")["deff"].iloc[0]
    assert abs(deff / ASSUMED_DEFF - 1) < 0.25, deff


def test_errors_are_in_both_languages():
    import ruralkit as rk

    rk.set_language("zh")
    with pytest.raises(ValueError, match="每个乡镇至少 5 个村"):
        synth.generate(1, villages_per_township=3)
    with pytest.raises(ValueError, match="没有这些表"):
        synth.generate(1, tables=("village",))


def test_progress_bar_on_and_off_gives_the_same_tables(capfd):
    shown = synth.generate(2, n_townships=2, progress=True)
    err = capfd.readouterr().err
    assert "Generating the county" in err and "4/4" in err, err
    quiet = synth.generate(2, n_townships=2, progress=False)
    assert capfd.readouterr().err == ""
    auto = synth.generate(2, n_townships=2)  # progress=None: small county, and a test
    assert capfd.readouterr() == ("", "")
    for name in synth.TABLES:
        pd.testing.assert_frame_equal(shown[name], quiet[name])
        pd.testing.assert_frame_equal(shown[name], auto[name])


def test_progress_bar_counts_only_the_tables_asked_for(capfd):
    synth.generate(2, n_townships=1, tables=("disputes",), progress=True)
    err = capfd.readouterr().err
    assert "2/2" in err and "disputes" in err, err


def test_progress_by_default_only_for_large_counties_in_interactive_sessions(monkeypatch):
    from ruralkit.synth import _progress

    big, small = synth.PROGRESS_MIN_VILLAGES, synth.PROGRESS_MIN_VILLAGES - 1
    monkeypatch.setattr(_progress, "interactive", lambda: True)
    assert not _progress.show_progress(None, n_villages=big)  # under pytest: never
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    assert _progress.show_progress(None, n_villages=big)
    assert not _progress.show_progress(None, n_villages=small)
    assert not _progress.show_progress(False, n_villages=big)
    monkeypatch.setenv("TQDM_DISABLE", "1")  # as notebook kernels get (ruralkit.notebook_run)
    assert not _progress.show_progress(None, n_villages=big)
    monkeypatch.setattr(_progress, "interactive", lambda: False)
    monkeypatch.delenv("TQDM_DISABLE")
    assert not _progress.show_progress(None, n_villages=big)  # e.g. `make data` into a log
    assert _progress.show_progress(True, n_villages=60)
