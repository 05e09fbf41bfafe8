"""ruralkit.income composition (against the national figures) and winsorising.

The planted outliers are found independently of the code under test: the
generator is run again with ``n_outliers = 0`` and the household-years whose
business income differs from the bundled table are the six planted ones.
Quantile bounds are checked against ``numpy.quantile`` group by group.
"""

from __future__ import annotations

from types import MappingProxyType

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from chart_text import latin_words

import ruralkit as rk
from ruralkit import synth
from ruralkit.income import (
    PredictionInputError,
    composition,
    composition_chart,
    national_rural_income,
    winsorise,
)
from ruralkit.synth.truth import GROUND_TRUTH, NATIONAL_RURAL_INCOME

SOURCES = ["wage_income", "business_income", "property_income", "transfer_income"]


@pytest.fixture(scope="module")
def households() -> pd.DataFrame:
    return rk.load_households()


@pytest.fixture(scope="module")
def planted(households) -> pd.Index:
    """Rows of the six planted outliers: where a county without outliers differs."""
    truth = {k: dict(v) if isinstance(v, MappingProxyType) else v
             for k, v in GROUND_TRUTH.items()}
    truth["income"]["n_outliers"] = 0
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(synth.households, "GROUND_TRUTH", truth)
        clean = synth.generate(None, tables=("households",))["households"]
    differs = clean["business_income"].to_numpy() != households["business_income"].to_numpy()
    return households.index[differs]


def test_the_six_planted_outliers_are_found_by_the_reference(planted):
    assert len(planted) == GROUND_TRUTH["income"]["n_outliers"] == 6


@pytest.mark.parametrize("by", [None, "year"])
def test_winsorising_catches_the_six_planted_outliers(households, planted, by):
    out = winsorise(households, ["business_income"], by=by)
    assert out.clipped.loc[planted, "business_income"].all()
    losses = planted[households.loc[planted, "business_income"] < 0]
    windfalls = planted.difference(losses)
    assert len(losses) == 3 and len(windfalls) == 3
    assert (out.data.loc[losses, "business_income"] >
            households.loc[losses, "business_income"]).all()
    assert (out.data.loc[windfalls, "business_income"] <
            households.loc[windfalls, "business_income"]).all()


def test_winsorise_never_changes_its_input(households):
    before = households.copy()
    winsorise(households, ["business_income", "income_per_capita"], by="year")
    pd.testing.assert_frame_equal(households, before)


def test_bounds_are_numpy_quantiles_within_groups_and_the_report_counts_them(households):
    out = winsorise(households, ["business_income", "wage_income"], lower=0.05, upper=0.9,
                    by="year")
    report = out.report.set_index(["column", "year"])
    for (column, year), row in report.iterrows():
        values = households.loc[households["year"] == year, column].to_numpy(dtype=float)
        low, high = np.quantile(values, [0.05, 0.9])
        assert row["lower_bound"] == pytest.approx(low)
        assert row["upper_bound"] == pytest.approx(high)
        assert row["n_below"] == int((values < low).sum())
        assert row["n_above"] == int((values > high).sum())
        assert row["n"] == len(values)
        clipped = out.data.loc[households["year"] == year, column].to_numpy()
        np.testing.assert_allclose(clipped, np.clip(values, low, high))
    assert report["n_clipped"].sum() == int(out.clipped.to_numpy().sum())
    untouched = [c for c in households.columns if c not in ("business_income", "wage_income")]
    pd.testing.assert_frame_equal(out.data[untouched], households[untouched])


def test_winsorise_keeps_missing_values_missing():
    df = pd.DataFrame({"x": [1.0, np.nan, 3.0, 50.0]})
    out = winsorise(df, "x", lower=0.0, upper=0.5)
    assert np.isnan(out.data["x"].iloc[1])
    assert out.report["n"].iloc[0] == 3


def test_winsorise_bad_input_messages(households):
    with pytest.raises(PredictionInputError) as error:
        winsorise(households, ["business_income"], lower=0.99, upper=0.01)
    assert "0 <= lower < upper <= 1" in error.value.msg.render("en")
    assert "必须是比例" in error.value.msg.render("zh")
    with pytest.raises(PredictionInputError, match="does not hold numbers"):
        winsorise(households, ["main_crop"])
    with pytest.raises(PredictionInputError, match="no column 'income'"):
        winsorise(households, ["income"])
    with pytest.raises(PredictionInputError, match="at least one column"):
        winsorise(households, [])


def test_national_figures_match_the_calibration_and_add_up():
    nat = national_rural_income().set_index("year")
    assert nat["income_per_capita"].to_dict() == NATIONAL_RURAL_INCOME
    gap = nat["income_per_capita"] - nat[SOURCES].sum(axis=1)
    assert gap.abs().max() <= 1
    assert nat.loc[2023, SOURCES].tolist() == [9163, 7431, 540, 4557]  # read in NBS's table
    assert nat.loc[2023, "verified"] == 1


def test_composition_is_total_income_over_total_persons(households):
    table = composition(households, by=["year", "township_id"])
    one = households[(households["year"] == 2022) & (households["township_id"] == "T03")]
    row = table[(table["year"] == 2022) & (table["township_id"] == "T03")].set_index("source")
    for source in SOURCES:
        assert row.loc[source, "per_capita"] == pytest.approx(
            one[source].sum() / one["size"].sum())
        assert row.loc[source, "share"] == pytest.approx(
            one[source].sum() / one[SOURCES].to_numpy().sum())
    assert row.loc["wage_income", "national_per_capita"] == 8449
    shares = table.groupby(["year", "township_id"])["share"].sum()
    np.testing.assert_allclose(shares, 1.0)


def test_the_county_mix_is_the_planted_mix_within_two_points(households):
    table = composition(households).set_index(["year", "source"])
    for year, mix in GROUND_TRUTH["income"]["mix"].items():
        for source, share in mix.items():
            assert abs(table.loc[(year, f"{source}_income"), "share"] - share) < 0.02


def test_composition_needs_year_for_the_national_figures(households):
    with pytest.raises(PredictionInputError) as error:
        composition(households, by="township_id")
    assert "national=False" in error.value.msg.render("en")
    assert "national=False" in error.value.msg.render("zh")
    table = composition(households, by="township_id", national=False)
    assert "national_share" not in table.columns and len(table) == 6 * 4
    with pytest.raises(PredictionInputError, match="no national figures for 2018"):
        composition(households.assign(year=households["year"] - 1))


def test_composition_chart_draws_households_beside_the_nation_in_chinese(households):
    rk.set_language("zh")
    try:
        ax = composition_chart(composition(households), shares=True)
        assert len(ax.patches) == 6 * 4 * 2
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert legend == ["工资性收入", "经营净收入", "财产净收入", "转移净收入",
                          "全国农村（国家统计局）"]
        assert ax.get_ylabel() == "占人均可支配收入的比重"
        footnote = " ".join(t.get_text() for t in ax.figure.texts)
        assert "国家统计局" in footnote and "模拟数据" in footnote
        assert latin_words(ax.figure) == []
        heights = [p.get_height() for p in ax.patches]
        assert sum(heights) == pytest.approx(12.0)  # 12 bars of 100%
    finally:
        rk.set_language("en")
        plt.close("all")


def test_composition_chart_asks_for_one_group(households):
    table = composition(households, by=["year", "township_id"])
    with pytest.raises(PredictionInputError, match="Select one group first"):
        composition_chart(table)
    ax = composition_chart(table[table["township_id"] == "T01"], national=False)
    assert len(ax.patches) == 6 * 4
    plt.close("all")
