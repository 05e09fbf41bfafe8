"""Charts of counts over time (ruralkit.plots.series): seasonal profiles, a count series with
its model and alarms, small multiples by village; labels in both languages."""

from __future__ import annotations

import warnings

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from chart_text import latin_words
from matplotlib.figure import Figure

import ruralkit as rk
from ruralkit import plots
from ruralkit.disputes import early_warning, monthly_counts, seasonal_profile, trend


@pytest.fixture(autouse=True)
def _close():
    yield
    rk.set_language("en")
    plt.close("all")


@pytest.fixture(scope="module")
def cases():
    return rk.load_disputes()


@pytest.fixture(scope="module")
def village_counts(cases):
    return monthly_counts(cases, by=["township_id", "village_id"])


@pytest.fixture(scope="module")
def warnings_2024(village_counts):
    return early_warning(village_counts, series=["township_id", "village_id"],
                         evaluate=pd.period_range("2024-01", "2024-12", freq="M"))


def _settings() -> dict[str, str]:
    return {k: repr(v) for k, v in mpl.rcParams.items()}


def _profile(cases, **kwargs):
    counts = monthly_counts(cases, by="dispute_type")
    counts = counts[counts["dispute_type"].isin(["water", "wage_arrears"])]
    return seasonal_profile(counts, by="dispute_type", **kwargs)


def test_seasonal_profile_draws_each_type_where_the_table_says(cases):
    profile = _profile(cases)
    before = _settings()
    ax = plots.seasonal_profile(profile, hue="dispute_type")
    assert _settings() == before
    lines = [ln for ln in ax.lines if ln.get_label() in ("Irrigation water", "Wage arrears")]
    assert [ln.get_label() for ln in lines] == ["Irrigation water", "Wage arrears"]
    water = profile[profile["dispute_type"] == "water"].sort_values("month_of_year")
    np.testing.assert_allclose(lines[0].get_ydata(), water["index"])
    np.testing.assert_allclose(lines[0].get_xdata(), np.arange(1, 13))
    assert len(ax.collections) == 2  # one confidence band per type
    reference = [ln for ln in ax.lines if ln.get_linestyle() == "--"]
    assert len(reference) == 1 and reference[0].get_ydata()[0] == 1.0
    assert [t.get_text() for t in ax.get_xticklabels()][:2] == ["Jan", "Feb"]
    assert ax.get_ylabel() == "Seasonal index"
    footnote = ax.figure.texts[-1].get_text()
    assert footnote == ("Bands: 95% confidence intervals. Each point is the mean of 9 years. "
                        "Synthetic data.")


def test_seasonal_profile_in_chinese_and_around_spring_festival(cases):
    rk.set_language("zh")
    wage = monthly_counts(cases[cases["dispute_type"] == "wage_arrears"], by=None)
    profile = seasonal_profile(wage, season="spring_festival")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph would raise
        ax = plots.seasonal_profile(profile)
        assert latin_words(ax) == []
    assert "每个点是 3–10 年的平均值" in ax.figure.texts[-1].get_text()  # n varies by month
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[6] == "春节" and ticks[5] == "−1" and ticks[7] == "+1"
    assert ax.get_xlabel() == "距春节所在月的月数"
    monthly = plots.seasonal_profile(_profile(cases), hue="dispute_type")
    assert [t.get_text() for t in monthly.get_xticklabels()][-1] == "12月"
    assert [t.get_text() for t in monthly.get_legend().get_texts()] == ["灌溉用水纠纷",
                                                                         "欠薪纠纷"]


def test_seasonal_profile_of_means_uses_their_interval(cases):
    profile = _profile(cases)
    ax = plots.seasonal_profile(profile, value="mean", hue="dispute_type")
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    water = profile[profile["dispute_type"] == "water"]
    assert band.max() == pytest.approx(water["ci_high"].max())
    assert not [ln for ln in ax.lines if ln.get_linestyle() == "--"]  # no index line


def test_count_series_draws_counts_fit_window_threshold_and_alarms(cases):
    t04 = cases[(cases["township_id"] == "T04") & (cases["dispute_type"] == "requisition")]
    counts = monthly_counts(t04, by=None, start="2016-01", end="2024-12")
    fit = trend(counts, interventions={"project": ("2021-04", "2022-09")})
    judged = early_warning(counts.assign(series="T04"), series="series",
                           evaluate=pd.period_range("2021-01", "2022-12", freq="M"))
    ax = plots.count_series(fit.data, value="observed", fitted="fitted",
                            windows=[("2021-04", "2022-09")], warnings=judged, steps=["2020-07"])
    observed, fitted = ax.lines[0], ax.lines[1]
    np.testing.assert_allclose(observed.get_ydata(), counts["cases"])
    np.testing.assert_allclose(fitted.get_ydata(), fit.data["fitted"])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Cases", "Fitted by the model", "2021-04 to 2022-09", "From 2020-07",
                      "Alarm threshold", "Alarm"]
    alarms = next(ln for ln in ax.lines if ln.get_label() == "Alarm")
    flagged = judged[judged["alarm"].fillna(False)]
    np.testing.assert_allclose(alarms.get_ydata(), flagged["observed"])
    threshold = next(ln for ln in ax.lines if ln.get_label() == "Alarm threshold")
    np.testing.assert_allclose(threshold.get_ydata(), judged["upperbound"])
    footnote = ax.figure.texts[-1].get_text()
    assert footnote.startswith("Line: cases received each month.")
    assert "108 months." in footnote and footnote.endswith("Synthetic data.")
    assert ax.get_ylabel() == "Cases per month"


def test_count_series_in_chinese_has_no_english(cases, village_counts, warnings_2024):
    rk.set_language("zh")
    one = village_counts[village_counts["village_id"] == "T02V06"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = plots.count_series(one, warnings=warnings_2024[warnings_2024["village_id"]
                                                            == "T02V06"],
                                windows=[("2024-08", "2024-09")], steps=["2020-07"])
        assert latin_words(ax) == []
    assert ax.get_ylabel() == "每月案件数"
    assert "2020-07起" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_count_series_adds_up_rows_of_the_same_month(village_counts):
    township = village_counts[village_counts["township_id"] == "T02"]
    ax = plots.count_series(township, footnote=False)
    totals = township.groupby("month")["cases"].sum()
    np.testing.assert_allclose(ax.lines[0].get_ydata(), totals)


def test_small_multiples_one_panel_per_village_with_its_counts_and_alarms(village_counts,
                                                                          warnings_2024):
    shiqiao = village_counts[village_counts["township_id"] == "T02"]
    judged = warnings_2024[warnings_2024["township_id"] == "T02"]
    before = _settings()
    fig = plots.small_multiples(shiqiao, judged, last=24)
    assert _settings() == before
    assert isinstance(fig, Figure)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    names = rk.load_villages().set_index("village_id")["village_name_en"]
    codes = sorted(shiqiao["village_id"].unique())
    assert [ax.get_title() for ax in panels] == names.loc[codes].tolist()
    recent = shiqiao[shiqiao["month"] >= pd.Period("2023-01", freq="M")]
    alarmed = set(judged.loc[judged["alarm"].fillna(False), "village_id"])
    red = mpl.colors.to_rgba(plots.PALETTE[1])
    for code, ax in zip(codes, panels, strict=True):
        heights = [p.get_height() for p in ax.patches]
        assert heights == recent.loc[recent["village_id"] == code, "cases"].tolist(), code
        rows = judged[judged["village_id"] == code].sort_values("month")
        flags = rows["alarm"].fillna(False).to_numpy(dtype=bool)
        colours = [p.get_facecolor() == red for p in ax.patches][-12:]
        assert colours == flags.tolist(), code
        assert (mpl.colors.to_rgba(ax.title.get_color()) == red) == (code in alarmed), code
        threshold = ax.lines[0].get_ydata()[-12:]  # NaN where too few cases to judge
        np.testing.assert_array_equal(threshold, rows["upperbound"].to_numpy(dtype=float))
    assert "T02V06" in alarmed
    assert fig.texts[-1].get_text().endswith("Synthetic data.")


def test_small_multiples_in_chinese_and_without_warnings(village_counts):
    rk.set_language("zh")
    fenglin = village_counts[village_counts["township_id"] == "T06"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plots.small_multiples(fenglin, ncols=4, last=12)
        assert latin_words(fig) == []
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == 10 and len(fig.axes) == 12  # 3 rows of 4, two left empty
    assert all(len(ax.patches) == 12 for ax in panels)
    assert "模拟数据" in fig.texts[-1].get_text()


def test_series_charts_name_a_missing_column(village_counts):
    with pytest.raises(ValueError, match="`value`: there is no column 'count'"):
        plots.count_series(village_counts, value="count")
    with pytest.raises(ValueError, match="`series`: there is no column 'village'"):
        plots.small_multiples(village_counts, series="village")
    with pytest.raises(TypeError, match="DataFrame"):
        plots.seasonal_profile([1, 2])
