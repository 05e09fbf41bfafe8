"""The lesson's income charts: one effect three ways, the event study, confounding drawn.

The estimates come from drivers / panel_effect (tested against statsmodels and R
elsewhere); here: the right rows are picked, the charts draw what they are given,
no planted value is drawn, the text follows the language, bad input gets a message.
"""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from chart_text import latin_words

import ruralkit as rk
from ruralkit.income import (
    IncomeError,
    comparison,
    comparison_chart,
    confounding_diagram,
    drivers,
    event_chart,
    event_study,
    panel_effect,
)


@pytest.fixture(scope="module")
def estimates():
    hh = rk.load_households().query("income_per_capita > 0")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = drivers(hh, outcome="income_per_capita", features=["cooperative_member"],
                      cluster="village_id")
        ctl = drivers(hh, outcome="income_per_capita",
                      features=["cooperative_member", "land_mu", "head_education_years"],
                      cluster="village_id")
        fe = panel_effect(hh, outcome="income_per_capita", treatment="cooperative_member",
                          unit="household_id", time="year", log_outcome=True)
        es = event_study(hh, outcome="income_per_capita", unit="household_id", time="year",
                         first_treated="cooperative_joined", log_outcome=True)
    return raw, ctl, fe, es


def test_comparison_takes_the_terms_row_of_each_table_in_order(estimates):
    raw, ctl, fe, _ = estimates
    t = comparison("cooperative_member", raw=raw, controls=ctl, fixed_effects=fe)
    assert t["model"].tolist() == ["Raw gap", "With controls", "Household fixed effects"]
    for row, table in zip(t.itertuples(), (raw, ctl, fe), strict=True):
        source = table.set_index("term").loc["cooperative_member"]
        assert row.coef == source["coef"] and row.se == source["se"]
        assert row.pct_effect == pytest.approx(100 * np.expm1(source["coef"]))
        assert row.n == table.attrs["n"]
    # the lesson's story: the raw gap is well above the fixed-effects estimate
    assert t["coef"].iloc[0] > t["ci_high"].iloc[2]


def test_comparison_skips_missing_models_and_names_them_in_chinese(estimates, chinese):
    raw, _, fe, _ = estimates
    t = comparison("cooperative_member", raw=raw, fixed_effects=fe)
    assert t["model"].tolist() == ["直接比较（不加控制）", "农户固定效应"]
    assert list(rk.labelled(t).columns[:3]) == ["估计方法", "系数", "标准误"]


def test_a_term_not_in_a_table_and_no_table_get_messages(estimates, chinese):
    raw = estimates[0]
    with pytest.raises(IncomeError, match="没有变量 'road'.*cooperative_member"):
        comparison("road", raw=raw)
    with pytest.raises(IncomeError, match="至少需要一个结果表"):
        comparison("road")


def test_comparison_chart_draws_percent_effects_a_zero_line_and_no_true_value(estimates):
    raw, ctl, fe, _ = estimates
    t = comparison("cooperative_member", raw=raw, controls=ctl, fixed_effects=fe)
    ax = comparison_chart(t)
    assert [x.get_text() for x in ax.get_yticklabels()] == t["model"].tolist()[::-1]
    dots = [line for line in ax.lines if line.get_marker() == "o"]
    assert [d.get_xdata()[0] for d in dots] == pytest.approx(t["pct_effect"].tolist())
    verticals = [line for line in ax.lines if len(set(line.get_xdata())) == 1
                 and line.get_marker() != "o"]
    assert [v.get_xdata()[0] for v in verticals] == [0]  # only the zero line, not 6%
    footnote = ax.figure.texts[-1].get_text()
    assert "95%" in footnote and f"{fe.attrs['n']:,}" in footnote and "Synthetic" in footnote
    plt.close("all")


def test_the_charts_are_wholly_chinese_in_zh(estimates, chinese):
    raw, ctl, fe, es = estimates
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph would warn
        figures = [comparison_chart(comparison("cooperative_member", raw=raw, controls=ctl,
                                               fixed_effects=fe)).figure,
                   event_chart(es).figure, confounding_diagram().figure]
    for fig in figures:
        fig.canvas.draw()
        assert latin_words(fig) == []


def test_event_chart_puts_the_reference_year_at_zero_and_says_the_caveat(estimates):
    es = estimates[3]
    ax = event_chart(es)
    dots = ax.lines[-1]
    x, y = dots.get_xdata(), dots.get_ydata()
    assert sorted(x.tolist()) == sorted([*es["period"].tolist(), -1])
    assert y[list(x).index(-1)] == 0
    assert y[list(x).index(0)] == pytest.approx(es.set_index("period").loc[0, "pct_effect"])
    assert "never joined" in ax.figure.texts[-1].get_text()
    plt.close("all")


def _arrows(ax):
    return sum(1 for t in ax.texts if getattr(t, "arrow_patch", None) is not None)


def test_confounding_diagram_labels_the_boxes_from_the_codebook(chinese):
    ax = confounding_diagram()
    texts = {t.get_text() for t in ax.texts}
    assert {"承包地面积", "户主受教育年限", "农民专业合作社成员", "人均可支配收入"} <= texts
    assert _arrows(ax) == 5  # 2 confounders x 2 targets + the arrow with the "?"
    assert _arrows(confounding_diagram(confounders=["land_mu"])) == 3


def test_charts_refuse_a_table_without_their_columns():
    with pytest.raises(IncomeError, match="model"):
        comparison_chart(pd.DataFrame({"coef": [0.1]}))
    with pytest.raises(IncomeError, match="period"):
        event_chart(pd.DataFrame({"coef": [0.1]}))
