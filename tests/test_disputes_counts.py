"""Tests of ruralkit.disputes.monthly_counts: complete grids, rates, DataFrame = DuckDB."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

import ruralkit as rk
from ruralkit.disputes import DisputesError, monthly_counts


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    return rk.load_disputes()


def test_complete_grid_with_zeros_matches_a_direct_count(cases):
    counts = monthly_counts(cases)  # by village and month
    months = pd.period_range("2016-01", "2024-12", freq="M")
    assert len(counts) == 60 * len(months)
    assert counts["month"].dtype == pd.PeriodDtype("M")
    assert (counts["cases"] == 0).sum() > 0
    direct = cases.groupby(["village_id", cases["date_received"].dt.to_period("M")]).size()
    got = counts.set_index(["village_id", "month"])["cases"]
    assert got[got > 0].sum() == len(cases)
    pd.testing.assert_series_equal(got[got > 0], direct.rename_axis(got.index.names),
                                   check_names=False)
    assert counts.set_index(["village_id", "month"]).loc[("T02V06", "2024-09"), "cases"] >= 14


def test_nested_columns_are_not_crossed_and_codes_are_all_there(cases):
    counts = monthly_counts(cases, by=("township_id", "village_id", "dispute_type"),
                            period="year")
    assert len(counts) == 60 * 9 * 9  # villages within townships, 9 types, 9 years
    assert list(counts["dispute_type"].cat.categories) == list(
        rk.datasets.value_labels("disputes", "dispute_type"))


def test_units_add_groups_without_cases(cases):
    some = cases[cases["village_id"] != "T03V03"]
    counts = monthly_counts(some, units=rk.load_villages()[["village_id"]], period="year")
    assert counts.loc[counts["village_id"] == "T03V03", "cases"].tolist() == [0] * 9


def test_rates_per_1000_residents(cases):
    villages = rk.load_villages()
    counts = monthly_counts(cases, by="township_id", period="year", population=villages)
    pop = villages.groupby("township_id")["population"].sum()
    row = counts[(counts["township_id"] == "T01") & (counts["year"] == pd.Period("2020", "Y"))]
    n = ((cases["township_id"] == "T01") & (cases["date_received"].dt.year == 2020)).sum()
    assert row["per_1000"].item() == pytest.approx(n / pop["T01"] * 1000)
    # the county's planted level: about 6 cases per 1,000 residents a year
    county = monthly_counts(cases, by=None, period="year", population=villages)
    assert county["per_1000"].mean() == pytest.approx(6.0, rel=0.25)
    by_year = villages[["village_id", "population"]].merge(pd.DataFrame({"year": [2016, 2017]}),
                                                           how="cross")
    by_year["population"] *= np.where(by_year["year"] == 2016, 1.0, 2.0)
    yearly = monthly_counts(cases, period="year", population=by_year, end="2017")
    first = yearly[yearly["village_id"] == "T01V01"]
    assert first["population"].tolist() == [2218.0, 4436.0]


def test_the_same_table_from_a_dataframe_parquet_csv_and_a_duckdb_relation(cases, tmp_path):
    by = ("township_id", "village_id", "dispute_type")
    villages = rk.load_villages()
    expected = monthly_counts(cases, by=by, population=villages)
    cases.to_parquet(tmp_path / "cases.parquet")
    cases.to_csv(tmp_path / "cases.csv", index=False)
    for source in (tmp_path / "cases.parquet", str(tmp_path / "cases.csv"),
                   duckdb.sql(f"SELECT * FROM '{tmp_path / 'cases.parquet'}'")):
        got = monthly_counts(source, by=by, population=villages)
        pd.testing.assert_frame_equal(got, expected)
    petitions = duckdb.sql(f"SELECT * FROM '{tmp_path / 'cases.parquet'}' "
                           "WHERE outcome = 'petition'")
    pd.testing.assert_frame_equal(
        monthly_counts(petitions, by="outcome", period="quarter"),
        monthly_counts(cases[cases["outcome"] == "petition"], by="outcome", period="quarter"))


def test_bad_calls_say_what_to_do(cases, tmp_path):
    with pytest.raises(DisputesError, match="period must be one of month, quarter, year"):
        monthly_counts(cases, period="week")
    with pytest.raises(DisputesError, match="'hamlet' are not in the table"):
        monthly_counts(cases, by="hamlet")
    with pytest.raises(DisputesError, match="There is no file"):
        monthly_counts(tmp_path / "missing.parquet")
    bad = cases.head(20).astype({"date_received": "string"})
    bad.loc[3, "date_received"] = None
    bad.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(DisputesError, match="1 cases have no readable date"):
        monthly_counts(tmp_path / "bad.csv")
    bad.loc[3, "date_received"] = "2099-01-01"
    bad.to_csv(tmp_path / "future.csv", index=False)
    with pytest.raises(DisputesError, match="1 cases have a date after today"):
        monthly_counts(tmp_path / "future.csv")


def test_no_case_is_lost_without_a_word(cases):
    no_village = cases.astype({"village_id": "object"})
    no_village.loc[no_village.index[:3], "village_id"] = None
    with pytest.raises(DisputesError, match="3 cases have no value in village_id"):
        monthly_counts(no_village)
    with pytest.raises(DisputesError, match="fall in groups of village_id that are not in units"):
        monthly_counts(cases, units=rk.load_villages().iloc[:10][["village_id"]])
    # start and end are the caller's choice: the cases outside them are not counted
    window = monthly_counts(cases, by=None, start="2024-01", end="2024-12")
    assert window["cases"].sum() == (cases["date_received"].dt.year == 2024).sum()


def test_order_follows_by_even_when_nested_columns_are_apart(cases):
    counts = monthly_counts(cases, by=("dispute_type", "village_id", "township_id"),
                            period="year")
    assert counts.equals(counts.sort_values(["dispute_type", "village_id", "township_id", "year"],
                                            ignore_index=True))
    assert len(counts) == 9 * 60 * 9


def test_no_case_at_all_says_so_in_both_languages():
    cases = rk.load_disputes()
    empty = cases[cases["dispute_type"] == "land_requisition"]  # not a type: nothing kept
    with pytest.raises(DisputesError) as info:
        monthly_counts(empty, by=None)
    assert "no cases to count" in info.value.msg.render("en")
    assert "没有可统计的案件" in info.value.msg.render("zh")
    grid = monthly_counts(empty, by=None, start="2024-01", end="2024-03")
    assert grid["cases"].tolist() == [0, 0, 0]
