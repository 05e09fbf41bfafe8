"""Tests of ruralkit.income.drivers against a direct statsmodels fit, and its input checks.

The reference is statsmodels' formula interface fitted here directly (its own
``C()`` coding of categories, ``np.log`` of the outcome, its HC1 and cluster
covariances), compared to printed precision.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

import ruralkit as rk
from ruralkit.income import FewClustersWarning, IncomeError, drivers


@pytest.fixture(scope="module")
def hh() -> pd.DataFrame:
    frame = rk.load_households()
    frame = frame[frame["income_per_capita"] > 0].copy()  # two planted business losses
    frame["log_land"] = np.log(frame["land_mu"])
    return frame


def _plain(hh: pd.DataFrame) -> pd.DataFrame:
    """The households with plain numpy dtypes, as a statsmodels user would pass them."""
    out = hh.astype({c: "float64" for c in ["income_per_capita", "head_education_years",
                                            "migrant_workers", "log_land", "size"]})
    out["cooperative_member"] = hh["cooperative_member"].astype(float)
    out["main_crop"] = pd.Categorical(hh["main_crop"].astype(str),
                                      categories=list(hh["main_crop"].cat.categories))
    out["village_id"] = hh["village_id"].astype(str)
    out["year"] = hh["year"].astype(int)
    return out


FEATURES = ["cooperative_member", "head_education_years", "migrant_workers", "log_land",
            "main_crop", "C(year)"]
FORMULA = ("np.log(income_per_capita) ~ cooperative_member + head_education_years"
           " + migrant_workers + log_land + C(main_crop) + C(year)")


def _reference_terms(names) -> list[str]:
    return [n.replace("C(main_crop)", "main_crop").replace("C(year)", "year") for n in names]


def _compare(table: pd.DataFrame, fit) -> None:
    # statsmodels puts category terms first; compare term by term.
    assert sorted(table["term"]) == sorted(_reference_terms(fit.params.index))
    order = pd.Index(_reference_terms(fit.params.index)).get_indexer(table["term"])
    fit_params, fit_bse, fit_p = (s.iloc[order].to_numpy()
                                  for s in (fit.params, fit.bse, fit.pvalues))
    ci = fit.conf_int().iloc[order].to_numpy().T
    # statsmodels prints 4 significant digits in summary(); we ask for far more.
    np.testing.assert_allclose(table["coef"], fit_params, rtol=1e-9)
    np.testing.assert_allclose(table["se"], fit_bse, rtol=1e-9)
    np.testing.assert_allclose(table["ci_low"], ci[0], rtol=1e-9)
    np.testing.assert_allclose(table["ci_high"], ci[1], rtol=1e-9)
    np.testing.assert_allclose(table["p_value"], fit_p, rtol=1e-7, atol=1e-300)


def test_hc1_agrees_with_statsmodels(hh):
    table = drivers(hh, outcome="income_per_capita", features=FEATURES)
    fit = smf.ols(FORMULA, _plain(hh)).fit(cov_type="HC1", use_t=True)
    _compare(table, fit)
    assert table.attrs["n"] == len(hh) and table.attrs["cov_type"] == "HC1"


def test_cluster_agrees_with_statsmodels(hh):
    table = drivers(hh, outcome="income_per_capita", features=FEATURES, cluster="village_id")
    plain = _plain(hh)
    groups = pd.factorize(plain["village_id"], sort=True)[0]
    fit = smf.ols(FORMULA, plain).fit(cov_type="cluster", cov_kwds={"groups": groups},
                                      use_t=True)
    _compare(table, fit)
    assert table.attrs["n_clusters"] == 60


def test_weighted_and_level_outcome_agree_with_statsmodels(hh):
    plain = _plain(hh)
    table = drivers(hh, outcome="income_per_capita", features=["migrant_workers", "size"],
                    weights="size", log_outcome=False)
    fit = smf.wls("income_per_capita ~ migrant_workers + size", plain,
                  weights=plain["size"]).fit(cov_type="HC1", use_t=True)
    _compare(table, fit)
    assert "pct_effect" not in table


def test_pct_effect_is_the_exponentiated_coefficient(hh):
    table = drivers(hh, outcome="income_per_capita", features=["cooperative_member"])
    row = table.set_index("term").loc["cooperative_member"]
    fit = smf.ols("np.log(income_per_capita) ~ cooperative_member", _plain(hh)).fit()
    assert row["pct_effect"] == pytest.approx(100 * (np.exp(fit.params.iloc[1]) - 1))
    assert np.isnan(table.loc[0, "pct_effect"])  # the intercept has none


def test_category_columns_need_no_hand_made_dummies(hh):
    as_text = hh.assign(main_crop=hh["main_crop"].astype(str))
    a = drivers(hh, outcome="income_per_capita", features=["main_crop"])
    b = drivers(as_text, outcome="income_per_capita", features=["main_crop"])
    # A category column keeps its order (grain first, the reference); text is sorted
    # (fruit first), as statsmodels' C() does. The contrasts are the same fit.
    assert a["term"].tolist()[1] == "main_crop[T.vegetables]"
    assert b["term"].tolist()[1] == "main_crop[T.grain]"
    ca, cb = a.set_index("term")["coef"], b.set_index("term")["coef"]
    assert ca["main_crop[T.vegetables]"] == pytest.approx(
        cb["main_crop[T.vegetables]"] - cb["main_crop[T.grain]"], rel=1e-9)


# --------------------------------------------------------------------------- bad input
def _messages(error: IncomeError) -> tuple[str, str]:
    return error.msg.render("en"), error.msg.render("zh")


def test_nonpositive_income_with_log_outcome_says_what_to_do():
    raw = rk.load_households()
    with pytest.raises(IncomeError) as info:
        drivers(raw, outcome="income_per_capita", features=["migrant_workers"])
    en, zh = _messages(info.value)
    assert "zero or negative in 2 of 10800 rows" in en and "log_outcome=False" in en
    assert "无法取对数" in zh and "log_outcome=False" in zh


def test_constant_feature(hh):
    with pytest.raises(IncomeError) as info:
        drivers(hh.assign(k=3.0), outcome="income_per_capita", features=["migrant_workers", "k"])
    en, zh = _messages(info.value)
    assert "Feature 'k' takes a single value (3.0)" in en and "只有一个取值" in zh
    one_crop = hh[hh["main_crop"] == "tea"]
    with pytest.raises(IncomeError, match="'main_crop' takes a single value"):
        drivers(one_crop, outcome="income_per_capita", features=["main_crop"])


def test_perfect_collinearity_names_the_terms(hh):
    frame = hh.assign(total=hh["migrant_workers"] + hh["size"])
    with pytest.raises(IncomeError) as info:
        drivers(frame, outcome="income_per_capita", features=["migrant_workers", "size", "total"])
    en, zh = _messages(info.value)
    assert "'total' is an exact combination of 'migrant_workers', 'size'" in en
    assert "完全共线性" in zh
    # A dummy for every category together with the intercept:
    frame = hh.assign(female=(hh["head_sex"] == "female").astype(float),
                      male=(hh["head_sex"] == "male").astype(float))
    with pytest.raises(IncomeError, match="'male' is an exact combination of 'Intercept'"):
        drivers(frame, outcome="income_per_capita", features=["female", "male"])


def test_few_clusters_warns_and_suggests_the_wild_bootstrap(hh):
    with pytest.warns(FewClustersWarning, match="Only 6 clusters.*bootstrap='wild'"):
        drivers(hh, outcome="income_per_capita", features=["migrant_workers"],
                cluster="township_id")


def test_missing_column_and_text_feature_messages(hh):
    with pytest.raises(IncomeError, match="Column 'schooling' \\(the features\\) is not in"):
        drivers(hh, outcome="income_per_capita", features=["schooling"])
    with pytest.raises(IncomeError, match="bootstrap='wild' resamples whole clusters"):
        drivers(hh, outcome="income_per_capita", features=["size"], bootstrap="wild")


def test_messages_follow_the_language(hh):
    rk.set_language("zh")
    try:
        with pytest.raises(IncomeError, match="只有一个取值"):
            drivers(hh.assign(k=1), outcome="income_per_capita", features=["k"])
    finally:
        rk.set_language("en")


def test_rows_with_missing_values_are_left_out_and_counted(hh):
    frame = hh.copy()
    frame.loc[frame.index[:7], "migrant_workers"] = pd.NA
    frame.loc[frame.index[5:10], "income_per_capita"] = np.nan
    table = drivers(frame, outcome="income_per_capita", features=["migrant_workers", "size"])
    reference = drivers(frame.iloc[10:], outcome="income_per_capita",
                        features=["migrant_workers", "size"])
    assert table.attrs["n"] == len(hh) - 10
    np.testing.assert_allclose(table["coef"], reference["coef"], rtol=1e-12)


def test_few_clusters_warning_is_bilingual(hh):
    rk.set_language("zh")
    try:
        with pytest.warns(FewClustersWarning, match="只有 6 个聚类.*bootstrap='wild'"):
            drivers(hh, outcome="income_per_capita", features=["size"], cluster="township_id")
    finally:
        rk.set_language("en")


def test_a_category_too_big_for_dummies_says_to_absorb_it(hh, monkeypatch):
    from ruralkit.income import _prepare

    monkeypatch.setattr(_prepare, "MAX_CELLS", 100_000)  # 60 villages x 10,798 rows = 637,082
    with pytest.raises(IncomeError, match="'village_id' has 60 categories.*fixed effect"):
        drivers(hh, outcome="income_per_capita", features=["village_id"])
