"""rk.labelled and the display of survey results: wholly Chinese in zh, unchanged in en;
the data and its column names are never changed. Also the bar chart's roles (q8 trap)."""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import ruralkit as rk
from ruralkit import plots
from ruralkit.labels import RESULT_COLUMNS, column_label
from ruralkit.survey import likert_table, suppress_small_cells


@pytest.fixture(scope="module")
def design():
    survey = rk.load_trust_survey()
    return rk.survey_design(survey).update(high=survey["sat_township"] >= 4)


def _latin(text: str) -> set[str]:
    import re
    return set(re.findall(r"[A-Za-z]{2,}", text))


def test_result_headers_are_the_glossary_terms(chinese):
    expected = {"estimate": "估计值", "se": "标准误", "ci_low": "置信区间下限",
                "ci_high": "置信区间上限", "n": "样本量", "deff": "设计效应", "p_value": "p值",
                "odds_ratio": "比值比", "suppressed": "已隐藏"}
    assert {k: column_label(k) for k in expected} == expected
    for name in RESULT_COLUMNS:  # every result column has a Chinese name
        assert not _latin(column_label(name)) - {"p", "t", "z"}, name


def test_estimates_show_themselves_in_chinese_and_keep_their_data(chinese, design):
    diff = design.difference("high", between="year", groups=(2023, 2024), by="township_id")
    with pd.option_context("display.width", 1000, "display.max_columns", 50):
        text = repr(diff)
    assert text.split()[:6] == ["乡镇", "估计值", "标准误", "置信区间下限", "置信区间上限", "p值"]
    assert "龙泉镇" in text and "T05" not in text
    assert "估计值（2023）" in text and "样本量（2024）" in text
    html = diff._repr_html_()
    assert "估计值" in html and "estimate" not in html
    assert list(diff.columns[:2]) == ["township_id", "estimate"]  # data untouched
    assert diff["township_id"].iloc[0] == "T01"


def test_english_display_is_unchanged(design):
    est = design.mean("sat_township", by="township_id")
    assert repr(est) == repr(pd.DataFrame(est))
    assert repr(design).startswith("<Design: 4320 rows, 180 PSUs")
    assert design._repr_html_() is None


def test_categories_and_booleans_get_their_labels(chinese, design):
    shares = design.proportion("dispute_outcome", by="year")
    shown = rk.labelled(shares)
    assert list(shown.columns[:3]) == ["调查年份", "选项", "估计值"]
    assert shown["选项"].iloc[:3].tolist() == ["已解决，满意", "已解决，不满意", "未解决"]
    assert rk.labelled(design.proportion("petitioned"))["选项"].tolist() == ["否", "是"]
    table = rk.labelled(likert_table(design, ["trust_centre", "trust_township"]))
    assert table["题目"].iloc[0] == "对中央政府的信任" and table["选项"].iloc[0] == "非常信任"
    small = rk.labelled(suppress_small_cells(design.mean("sat_township", by="village_id")))
    assert "已隐藏" in small.columns and "村" in small.columns
    assert not _latin(" ".join(small.columns))


def test_data_tables_get_codebook_labels_and_place_names(chinese):
    villages = rk.load_villages()
    shown = rk.labelled(villages.head(3))
    assert shown["地形"].tolist() == ["平原", "丘陵", "平原"]
    assert shown["乡镇"].iloc[0] == "城关镇"
    assert villages["terrain"].iloc[0] == "plain"  # the data is untouched
    by = villages.groupby("township_id")["households"].sum().to_frame()
    assert rk.labelled(by).index.name == "乡镇"
    assert rk.labelled(by).index[0] == "城关镇"


def test_raw_answers_show_dont_know_and_refused(chinese):
    raw = rk.load_trust_survey(raw=True)
    shown = rk.labelled(raw[raw["trust_centre"].isin([8, 9])])
    assert set(shown["对中央政府的信任"]) == {"不知道", "拒答"}
    assert rk.labels.column_label("year", "villages") == "年份"


def test_model_terms_are_labelled(chinese, design):
    text = str(design.glm("petitioned ~ sex + age", family="binomial").summary())
    assert "截距" in text and "性别：女" in text and "年龄" in text
    assert "二项分布" in text


def test_percent_shows_shares_in_percent_and_differences_in_points(design):
    diff = design.difference("high", between="year", groups=(2023, 2024), by="township_id")
    shown = rk.labelled(diff, percent=True)
    assert shown["Estimate (percentage points)"].iloc[0] == round(100 * diff["estimate"].iloc[0], 1)
    assert "Estimate (2023) (%)" in shown.columns
    level = rk.labelled(design.mean("high"), percent=True)
    assert list(level.columns[:2]) == ["Estimate (%)", "Standard error (percentage points)"]
    rk.set_language("zh")
    try:
        assert "估计值（百分点）" in rk.labelled(diff, percent=True).columns
    finally:
        rk.set_language("en")


def test_design_summary_in_chinese_uses_the_glossary(chinese, design):
    text = repr(design)
    for term in ("抽样设计", "整群：被抽中的村（初级抽样单元）", "分层（层）", "自由度 144"):
        assert term in text
    assert "strata" not in text and "PSU" not in text
    assert "分层（层）" in design._repr_html_()


def test_labelled_refuses_what_is_no_table():
    with pytest.raises(TypeError, match="labelled"):
        rk.labelled([1, 2])


# -- bar chart roles (exercise 00 q8) -------------------------------------------------

def _cases_per_year():
    disputes = rk.load_disputes()
    return (disputes.groupby(disputes["date_received"].dt.year).size()
            .rename_axis("year").reset_index(name="cases"))


def test_a_year_column_is_a_category_whichever_axis_it_is_on():
    t = _cases_per_year()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = plots.bar(t, x="cases", y="year")  # the lesson's call: one bar per year
    assert [tk.get_text() for tk in ax.get_yticklabels()][-1] == "2016"  # first on top
    assert sorted(p.get_width() for p in ax.patches) == sorted(t["cases"].astype(float))
    vertical = plots.bar(t, x="year", y="cases")
    assert [tk.get_text() for tk in vertical.get_xticklabels()][0] == "2016"
    assert sorted(p.get_height() for p in vertical.patches) == sorted(t["cases"].astype(float))
    plt.close("all")


def test_a_guess_between_two_number_columns_is_said_in_the_current_language():
    t = pd.DataFrame({"a": [1, 2, 3], "b": [4, 5, 6]})
    with pytest.warns(plots.RolesWarning, match=r"took 'a' as the categories .* 'b' as the value"):
        plots.bar(t, x="a", y="b")
    rk.set_language("zh")
    try:
        with pytest.warns(plots.RolesWarning, match="把 'b' 当作数值"):
            plots.bar(t, x="a", y="b")
    finally:
        rk.set_language("en")
        plt.close("all")


def test_whole_numbers_next_to_fractions_are_the_category():
    t = pd.DataFrame({"wave": [1, 2, 3], "share": [0.4, 0.5, 0.45]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = plots.bar(t, x="share", y="wave")
    assert [tk.get_text() for tk in ax.get_yticklabels()] == ["3", "2", "1"]
    plt.close("all")


def test_bar_without_any_numbers_says_so():
    with pytest.raises(rk.i18n.RuralkitError, match="neither 'a' nor 'b' holds numbers"):
        plots.bar(pd.DataFrame({"a": ["x"], "b": ["y"]}), x="a", y="b")


def test_a_series_is_labelled_by_its_index_and_name(chinese):
    people = rk.load_villages().groupby("township_id")["population"].sum()
    shown = rk.labelled(people)
    assert isinstance(shown, pd.Series)
    assert shown.index.name == "乡镇" and shown.name == "户籍人口"
    assert shown.loc["城关镇"] == people.loc["T01"]


def test_the_suppressed_flags_read_yes_or_no(chinese):
    t = pd.DataFrame({"village_id": ["T01V01", "T01V02"], "estimate": [0.5, None],
                      "suppressed": [False, True]})
    assert rk.labelled(t)["已隐藏"].tolist() == ["否", "是"]


# --------------------------------------------------------------------------- disputes results
def test_disputes_results_are_labelled_in_both_languages():
    from ruralkit.disputes import early_warning, monthly_counts, resolution_summary, trend

    cases = rk.load_disputes()
    summary = resolution_summary(cases, breaks=["2020-07-01"])
    rk.set_language("zh")
    try:
        shown = rk.labelled(summary)
        assert list(shown.columns[:3]) == ["时期", "指标", "估计值"]
        assert shown["时期"].astype(str).unique().tolist() == ["2020-06-30及以前",
                                                             "2020-07-01起"]
        assert shown["指标"].astype(str).tolist()[:6] == [
            "调解成功", "转诉讼", "转信访", "未结", "办结天数中位数", "平均办结天数"]
        counts = monthly_counts(cases, by="village_id")
        warned = rk.labelled(early_warning(counts, evaluate="2024-09").head(2))
        assert list(warned.columns[:6]) == ["村", "月份", "本月案件数", "预期案件数", "预警线",
                                            "预警"]
        fit = trend(monthly_counts(cases, by=None), interventions={"c": "2020-07"})
        terms = rk.labelled(fit.table[["kind", "rate_ratio"]])
        assert terms.columns.tolist() == ["项", "率比"]
        assert terms["项"].tolist() == ["每年变化", "此后与此前相比"]
    finally:
        rk.set_language("en")
    shown = rk.labelled(summary)
    assert shown["Period"].astype(str).unique().tolist() == ["to 2020-06-30", "from 2020-07-01"]
    assert shown["Measure"].astype(str).tolist()[4] == "Median days to resolve"


def test_break_periods_between_two_dates():
    from ruralkit.labels import break_period_label

    rk.set_language("zh")
    try:
        assert break_period_label("2020-07-01 to 2021-03-31") == "2020-07-01至2021-03-31"
        assert break_period_label("all") == "all"
    finally:
        rk.set_language("en")
