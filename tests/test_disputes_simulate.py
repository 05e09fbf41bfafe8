"""quiet_counts: simulated counts with each series' usual seasons and nothing unusual."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import ruralkit as rk
from ruralkit.disputes import DisputesError, early_warning, monthly_counts, quiet_counts


@pytest.fixture(scope="module")
def counts():
    return monthly_counts(rk.load_disputes(), by=["township_id", "village_id"])


def test_shape_columns_and_seed(counts):
    before = counts.copy()
    quiet = quiet_counts(counts, series=["township_id", "village_id"], copies=3, seed=5)
    pd.testing.assert_frame_equal(counts, before)  # the input is never modified
    assert list(quiet.columns) == ["township_id", "village_id", "copy", "month", "cases"]
    assert len(quiet) == 3 * len(counts)
    assert quiet["copy"].value_counts().to_dict() == {0: len(counts), 1: len(counts),
                                                      2: len(counts)}
    again = quiet_counts(counts, series=["township_id", "village_id"], copies=3, seed=5)
    pd.testing.assert_frame_equal(quiet, again)
    other = quiet_counts(counts, series=["township_id", "village_id"], copies=3, seed=6)
    assert not quiet["cases"].equals(other["cases"])
    assert (quiet["cases"] >= 0).all() and quiet["cases"].dtype == np.int64


def test_each_village_month_of_year_keeps_its_usual_mean(counts):
    """Against the data's own mean of that village and calendar month (a Poisson check
    of the simulated totals: each cell's total over copies x years is Poisson)."""
    copies = 50
    quiet = quiet_counts(counts, copies=copies, seed=1)
    key = [counts["village_id"], counts["month"].dt.month]
    usual = counts.groupby(key)["cases"].mean()
    years = counts.groupby(key).size()
    q = quiet.groupby([quiet["village_id"], quiet["month"].dt.month])["cases"].sum()
    expected = usual * years * copies
    # two-sided Poisson test per cell, then the share of cells rejected at 1%
    p_low = stats.poisson.cdf(q, expected)
    p_high = stats.poisson.sf(q - 1, expected)
    pvalue = np.minimum(1, 2 * np.minimum(p_low, p_high))
    assert (pvalue[expected > 0] < 0.01).mean() < 0.03
    assert (q[expected == 0] == 0).all()


def test_no_trend_and_no_outbreak(counts):
    """The T04 requisition surge and T02V06's September are spread over the years: the
    simulated years have the same level, and T02V06's 2024-09 is ordinary."""
    quiet = quiet_counts(counts, copies=20, seed=3)
    per_year = quiet.groupby(quiet["month"].dt.year)["cases"].sum()
    assert per_year.max() / per_year.min() < 1.06
    real = counts.groupby(counts["month"].dt.year)["cases"].sum()
    assert real.iloc[-1] / real.iloc[0] > 1.2  # the real register grows
    sept = quiet[(quiet["village_id"] == "T02V06") & (quiet["month"] == pd.Period("2024-09",
                                                                                   "M"))]
    assert sept["cases"].mean() < 4


def test_false_alarms_on_the_quiet_county_are_measurable(counts):
    quiet = quiet_counts(counts, copies=2, seed=2024)
    judged = early_warning(quiet, series=["village_id", "copy"],
                           evaluate=pd.period_range("2024-01", "2024-12", freq="M"))
    share = float(judged["alarm"].mean())
    assert 0.01 < share < 0.10  # measured in lesson 02 (5 copies): 4.6%


@pytest.mark.parametrize("copies", [0, 1.5, True])
def test_bad_copies_are_explained_in_both_languages(counts, copies):
    with pytest.raises(DisputesError, match="copies must be a whole number") as info:
        quiet_counts(counts, copies=copies)
    assert "copies 必须是不小于 1 的整数" in info.value.msg.render("zh")
