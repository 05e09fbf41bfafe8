"""Tests of ruralkit.disputes.check_cases: every problem in one report, input untouched."""

from __future__ import annotations

import pandas as pd
import pytest

import ruralkit as rk
from ruralkit.disputes import (
    CaseRecordsError,
    DisputesError,
    check_cases,
    monthly_counts,
    resolution_summary,
    seasonal_profile,
    trend,
)


@pytest.fixture
def bad_cases() -> pd.DataFrame:
    """Eight cases, each problem in known rows (index labels 10..17)."""
    return pd.DataFrame({
        "case_id": [1, 2, 2, 4, 5, 6, 7, 8],
        "date_received": ["2024-01-05", "2024-13-01", "2024-02-01", None, "2031-01-01",
                          "2020-03-01", "2020-01-01", "2020-01-01"],
        "date_closed": [None, None, "2024-02-11", None, None, "2020-02-01", "soon", "2020-01-09"],
        "dispute_type": ["water", "water", "goats", None, "water", "family", "family", "water"],
        "days_to_resolve": [1, -3, "ten", None, 2, 3, 4, 8],
        "village_id": ["T01V01", "T09V99", None, "T01V01", "T01V01", "T01V01", "T01V01",
                       "T01V02"],
    }, index=range(10, 18))


EXPECTED = {  # (problem, column) -> rows
    ("date_missing", "date_received"): [13],
    ("date_unreadable", "date_received"): [11],
    ("date_future", "date_received"): [14],
    ("date_unreadable", "date_closed"): [16],
    ("closed_before_received", "date_closed"): [15],
    ("unknown_type", "dispute_type"): [12, 13],
    ("days_not_number", "days_to_resolve"): [12],
    ("days_negative", "days_to_resolve"): [11],
    ("duplicate_id", "case_id"): [11, 12],
    ("village_missing", "village_id"): [12],
    ("village_unknown", "village_id"): [11],
}


def test_every_problem_is_found_with_its_column_and_rows(bad_cases):
    report = check_cases(bad_cases, rk.load_villages(), errors="report", today="2026-01-01")
    assert not report.ok
    found = {(r.problem, r.column): list(r.rows) for r in report.problems.itertuples()}
    assert found == EXPECTED
    assert report.rows("date_unreadable") == [11, 16]


def test_one_error_holds_the_whole_report_in_both_languages(bad_cases):
    with pytest.raises(CaseRecordsError) as err:
        check_cases(bad_cases, rk.load_villages(), source="register.csv", today="2026-01-01")
    en, zh = err.value.msg.render("en"), err.value.msg.render("zh")
    assert en.startswith("The 8 case records (register.csv) fail 11 of the checks")
    assert "nothing was changed or dropped" in en
    assert "'goats'" in en and "Use one of: neighbour, land_contract" in en
    assert "dates after today (2026-01-01) in rows 14 (1 in all)" in en
    assert zh.startswith("8 条案件记录（register.csv）有 11 项检查未通过")
    assert "第 15 行的结案日期早于受理日期" in zh
    assert "第 11、12 行的案件编号重复" in zh  # the Chinese list separator
    assert len(en.splitlines()) == len(zh.splitlines()) == 12  # header + one line a problem
    assert isinstance(err.value, rk.i18n.RuralkitError) and isinstance(err.value, ValueError)
    assert err.value.report.problems["n_rows"].sum() == 13


def test_the_error_follows_the_language(bad_cases):
    rk.set_language("zh")
    try:
        with pytest.raises(CaseRecordsError, match="项检查未通过"):
            check_cases(bad_cases)
    finally:
        rk.set_language("en")


def test_notebooks_show_the_report_not_a_traceback(bad_cases):
    with pytest.raises(CaseRecordsError) as err:
        check_cases(bad_cases)
    lines = err.value._render_traceback_()  # what IPython prints for the error
    assert lines == str(err.value).splitlines()
    assert not any("Traceback" in line or "File " in line for line in lines)


def test_the_input_is_never_modified(bad_cases):
    before = bad_cases.copy(deep=True)
    check_cases(bad_cases, rk.load_villages(), errors="report")
    with pytest.raises(CaseRecordsError):
        monthly_counts(bad_cases)
    pd.testing.assert_frame_equal(bad_cases, before)
    cases = rk.load_disputes()
    kept = cases.copy(deep=True)
    counts = monthly_counts(cases, by=("village_id", "dispute_type"),
                            population=rk.load_villages())
    resolution_summary(cases, by="township_id", breaks=["2020-07-01"])
    pd.testing.assert_frame_equal(cases, kept)
    counted = counts.copy(deep=True)
    seasonal_profile(counts, by="dispute_type", season="spring_festival")
    trend(counts, interventions={"centre": "2020-07"}, family="negbin")
    pd.testing.assert_frame_equal(counts, counted)


def test_the_bundled_county_is_clean_and_a_long_list_is_cut_short():
    assert check_cases(rk.load_disputes(), rk.load_villages()).ok
    many = pd.DataFrame({"date_received": ["not a date"] * 12})
    text = str(check_cases(many, errors="report"))
    assert "in rows 0, 1, 2, 3, 4 and 7 more (12 in all)" in text


def test_missing_columns_and_wrong_arguments_are_clear():
    report = check_cases(pd.DataFrame({"date": ["2024-01-01"]}), errors="report")
    assert list(report.problems["problem"]) == ["missing_column"]
    assert "date_received: the column is not in the table (its columns: date)" in str(report)
    with pytest.raises(DisputesError, match="must be a table"):
        check_cases("disputes.csv")
    with pytest.raises(DisputesError, match='errors must be "raise" or "report"'):
        check_cases(rk.load_disputes(), errors="ignore")


def test_ipython_prints_the_report_alone(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    result = shell.run_cell("import pandas as pd\nfrom ruralkit.disputes import check_cases\n"
                            "check_cases(pd.DataFrame({'date_received': ['2024-13-01']}))")
    shown = capsys.readouterr()
    assert not result.success
    text = shown.out + shown.err
    assert text.startswith("The 1 case records fail 1 of the checks")
    assert "Traceback" not in text and "records.py" not in text
