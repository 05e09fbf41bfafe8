"""In Chinese every chart of the kit is wholly Chinese; in both languages every estimate
chart says what its lines are, its sample size and that the data are synthetic.

Each chart function is drawn with the bundled data in zh, and the text of every artist
(``tests/chart_text.py``) must hold no Latin word but the glossary's technical tokens.
"""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from chart_text import ALLOWED, chart_words, latin_words

import ruralkit as rk
from ruralkit import plots
from ruralkit.survey import likert_table

TRUST = ["trust_centre", "trust_province", "trust_county", "trust_township",
         "trust_village_committee"]


@pytest.fixture(scope="module")
def design():
    survey = rk.load_trust_survey()
    return rk.survey_design(survey).update(high=survey["sat_township"] >= 4)


def _bar_per_township():
    villages = rk.load_villages()
    table = villages.groupby("township_id", observed=True)["households"].sum().reset_index()
    return plots.bar(table, x="households", y="township_id", dataset="villages")


def _bar_terrain():
    villages = rk.load_villages()
    table = villages.groupby("terrain", observed=True).size().reset_index(name="count")
    return plots.bar(table, x="terrain", y="count", dataset="villages", value_format="{:.0f}")


def _bar_levels():
    table = pd.DataFrame({"level": TRUST, "share": [0.9, 0.8, 0.7, 0.6, 0.65]})
    return plots.bar(table, x="share", y="level", dataset="trust_survey", value_format="{:.0%}")


def _bar_years():
    disputes = rk.load_disputes()
    table = (disputes.groupby(disputes["date_received"].dt.year).size()
             .rename_axis("year").reset_index(name="count"))
    return plots.bar(table, x="count", y="year")


def _dot_whisker(design):
    by_wave = design.mean("sat_township", by=["township_id", "year"])
    return plots.dot_whisker(by_wave[by_wave["year"].isin([2023, 2024])], y="township_id",
                             hue="year", reference=3)


def _dot_whisker_shares(design):
    shares = design.proportion("dispute_outcome", by="year")
    return plots.dot_whisker(shares, y="category", hue="year", percent=True)


def _dot_whisker_derived(design):
    return plots.dot_whisker(design.mean("high", by="township_id"), y="township_id",
                             percent=True)


def _likert(design):
    return plots.likert_bars(likert_table(design, TRUST), positive=[1, 2])


def _change(design):
    diff = design.difference("high", between="year", groups=(2023, 2024), by="township_id")
    return plots.change(diff, y="township_id")


def _seasonal_profile():
    from ruralkit.disputes import monthly_counts, seasonal_profile

    counts = monthly_counts(rk.load_disputes(), by="dispute_type")
    return plots.seasonal_profile(seasonal_profile(counts, by="dispute_type"), hue="dispute_type")


def _count_series():
    from ruralkit.disputes import early_warning, monthly_counts, trend

    counts = monthly_counts(rk.load_disputes(), by=None)
    fit = trend(counts, interventions={"centre": "2020-07"})
    judged = early_warning(counts.assign(s=1), series="s",
                           evaluate=pd.period_range("2024-01", "2024-12", freq="M"))
    return plots.count_series(fit.data, value="observed", fitted="fitted", warnings=judged,
                              steps=["2020-07"], windows=[("2021-04", "2022-09")])


def _small_multiples():
    from ruralkit.disputes import early_warning, monthly_counts

    counts = monthly_counts(rk.load_disputes(), by="village_id")
    t02 = counts[counts["village_id"].str.startswith("T02")]
    return plots.small_multiples(t02, early_warning(t02, evaluate="2024-09"))


CHARTS = {"bar_per_township": _bar_per_township, "bar_terrain": _bar_terrain,
          "bar_levels": _bar_levels, "bar_years": _bar_years,
          "seasonal_profile": _seasonal_profile, "count_series": _count_series,
          "small_multiples": _small_multiples}
ESTIMATE_CHARTS = {"dot_whisker": _dot_whisker, "dot_whisker_shares": _dot_whisker_shares,
                   "dot_whisker_derived": _dot_whisker_derived,
                   "likert_bars": _likert, "change": _change}


def _draw(name, design):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph or a roles guess would raise
        if name in CHARTS:
            return CHARTS[name]()
        return ESTIMATE_CHARTS[name](design)


@pytest.mark.parametrize("name", [*CHARTS, *ESTIMATE_CHARTS])
def test_every_chart_is_wholly_chinese_in_zh(chinese, design, name):
    ax = _draw(name, design)
    words = chart_words(ax)
    assert any("\u4e00" <= ch <= "\u9fff" for w in words for ch in w), words
    assert latin_words(ax) == [], words


@pytest.mark.parametrize("name", list(ESTIMATE_CHARTS))
def test_every_estimate_chart_has_its_footnote_in_both_languages(design, name):
    ax = _draw(name, design)
    english = ax.figure.texts[-1].get_text()
    assert "Synthetic data." in english and "Sample size:" in english
    plt.close("all")
    rk.set_language("zh")
    try:
        chinese = _draw(name, design).figure.texts[-1].get_text()
    finally:
        rk.set_language("en")
        plt.close("all")
    assert "模拟数据" in chinese and "样本量" in chinese
    if name != "likert_bars":
        assert "95%置信区间" in chinese


def test_the_footnote_gives_the_range_of_n_and_takes_a_note(design):
    est = pd.DataFrame({"g": ["a", "b"], "estimate": [1.0, 2.0], "ci_low": [0.5, 1.5],
                        "ci_high": [1.5, 2.5], "n": [120, 480]})
    text = plots.dot_whisker(est, y="g", note="Pilot wave.").figure.texts[-1].get_text()
    assert text == ("Lines: 95% confidence intervals. Sample size: 120–480 per estimate. "
                    "Pilot wave. Synthetic data.")
    assert not plots.dot_whisker(est, y="g", footnote=False).figure.texts
    plt.close("all")


def test_change_draws_points_and_a_zero_line(design):
    diff = design.difference("high", between="year", groups=(2023, 2024), by="township_id")
    ax = plots.change(diff, y="township_id")
    first = ax.lines[0].get_xdata().tolist()
    assert first == pytest.approx([100 * diff["ci_low"].iloc[0], 100 * diff["ci_high"].iloc[0]])
    zero = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(zero) == 1 and zero[0].get_xdata()[0] == 0
    assert ax.get_xlabel() == "Change from 2023 to 2024 (percentage points)"
    plt.close("all")


def test_the_allow_list_stays_small_and_the_checker_finds_english():
    assert {"deff", "PSU", "n", "p", "R", "CI"} <= ALLOWED and len(ALLOWED) <= 12
    with plots.style():
        _, ax = plt.subplots()
        ax.set_title("各乡镇 Trust (n = 120, 1e6)")
        assert latin_words(ax) == ["Trust"]
    plt.close("all")
