"""Tests of chart questions (engine.PlotProblem) read through charts.ChartFacts."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from ruralkit.exercises import HiddenTest, Incorrect, PlotProblem, compare
from ruralkit.exercises.views import ProblemView


class _Chart(PlotProblem):
    _var = "ax"
    _what = {"en": "one bar per year", "zh": "每年一根柱子"}
    _hidden_tests = (HiddenTest("bar_values", "bars show the counts"),)

    def expected_values(self):
        return pd.Series([5, 7, 9], index=[2022, 2023, 2024])

    def expected_count(self):
        return 3


def _chart_view(value):
    return ProblemView(_Chart(), label="q8", number=8, namespace={"ax": value}).result()


def test_plot_checks():
    counts = pd.Series([5, 7, 9], index=[2022, 2023, 2024])
    _, ax = plt.subplots()
    counts.plot.bar(ax=ax, title="Cases")
    assert _chart_view(ax).passed
    assert _chart_view(ax.figure).passed  # a Figure is fine too
    _chart_view(ax)  # horizontal bars are fine too
    _, barh = plt.subplots()
    counts.plot.barh(ax=barh, title="Cases")
    assert _chart_view(barh).passed
    _, untitled = plt.subplots()
    counts.plot.bar(ax=untitled)
    assert "no title" in _chart_view(untitled).text("en")
    _, lines = plt.subplots()
    counts.plot(ax=lines, title="Cases")
    assert "no bars" in _chart_view(lines).text("en")
    _, empty = plt.subplots()
    assert "empty" in _chart_view(empty).text("en")
    _, four = plt.subplots()
    pd.Series([1, 2, 3, 4], index=[1, 2, 3, 4]).plot.bar(ax=four, title="x")
    assert "4 bars; expected 3" in _chart_view(four).text("en")
    _, other = plt.subplots()
    pd.Series([5, 7, 9], index=["a", "b", "c"]).plot.bar(ax=other, title="x")
    assert "labelled a, b, c" in _chart_view(other).text("en")
    assert "None" in _chart_view(None).text("en")
    assert "chart" in _chart_view(counts).text("en")
    problem = _Chart()
    problem.bar_values(ax)
    _, flat = plt.subplots()
    flat.bar(["2022", "2023", "2024"], [1, 1, 1])
    with pytest.raises(Incorrect):
        problem.bar_values(flat)


def test_bar_container_is_not_the_chart_and_numeric_axes_are_read_by_position():
    """C: `ax = plt.bar(years, counts)` says what to do; a numeric-axis chart passes."""
    years, counts = [2022, 2023, 2024], [5, 7, 9]
    plt.figure()
    bars = plt.bar(years, counts)
    plt.title("Cases")
    result = _chart_view(bars)
    assert result.status == "incorrect"
    assert "the bars (a BarContainer" in result.text("en") and "plt.gca()" in result.text("en")
    assert "BarContainer" in result.text("zh") and "plt.gca()" in result.text("zh")
    assert "labelled" not in result.text("en")
    assert _chart_view(plt.gca()).passed  # the same chart, as the Axes
    _Chart().bar_values(plt.gca())
    lines = plt.plot(years, counts)
    assert "the lines" in _chart_view(lines).text("en")
    assert "a piece of text" in _chart_view(plt.title("x")).text("en")
    _, numeric = plt.subplots()
    numeric.bar(np.array(years), counts)
    numeric.set_title("Cases")
    assert _chart_view(numeric).passed
    _, wrong_years = plt.subplots()
    wrong_years.bar([2019, 2020, 2021], counts)
    wrong_years.set_title("Cases")
    assert "labelled 2019, 2020, 2021" in _chart_view(wrong_years).text("en")


def test_checks_accept_the_facts_the_grader_takes_out_of_a_kernel():
    """A: a chart and any other answer survive the trip out of the kernel."""
    from ruralkit.exercises.answers import Opaque, dumps_value, loads_value
    from ruralkit.exercises.engine import ChartFacts

    counts = pd.Series([5, 7, 9], index=[2022, 2023, 2024])
    _, ax = plt.subplots()
    counts.plot.bar(ax=ax, title="Cases")
    facts = loads_value(dumps_value(_Chart().export(ax)))
    assert isinstance(facts, ChartFacts) and facts.title == "Cases"
    assert _chart_view(facts).passed
    _Chart().bar_values(facts)
    part = loads_value(dumps_value(_Chart().export(plt.bar([1], [1]))))
    assert "plt.gca()" in _chart_view(part).text("en")
    function = loads_value(dumps_value(len))
    assert callable(function) and "function" in compare(function, 3, name="n").render("en")
    gone = loads_value(dumps_value(plt))
    assert isinstance(gone, Opaque) and "`module`" in compare(gone, 3, name="n").render("en")
