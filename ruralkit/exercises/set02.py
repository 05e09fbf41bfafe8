"""Exercise set 02 — dispute trends (notebook ``02_dispute_trends``).

Seven questions on the county's register of mediated disputes with
:mod:`ruralkit.disputes`: cases per 1,000 residents by township, the peak month
of wage arrears, the share of petitions before and after the county mediation
centre opened, a verdict in words on "the centre halved petitions", the T04
plantation's surge of requisition disputes, the villages that alarm in 2024-09,
and the early-warning table saved for a township meeting. The questions' text is
in ``content/set02.toml``, the solutions in the master
``exercises/source/02_dispute_trends.ipynb``; this module keeps what must be
code. Every expected answer is computed from the tables the learner loads
(``rk.load_disputes()``, ``rk.load_villages()``), so the questions work unchanged
for each per-student variant (``rk.set_variant(seed)``); the verdict's right
letter follows the intervals of the learner's data.

=====  ===================================  ======================================
label  variable(s)                          skill
=====  ===================================  ======================================
q1     ``rate_2024``                        cases per 1,000 residents by township
                                            (``monthly_counts`` with population)
q2     ``wage_peak_month``                  the peak month of wage arrears
                                            (``seasonal_profile``)
q3     ``petition_before``,                 the petition share before and after
       ``petition_after``                   2020-07 (``resolution_summary``)
q4     ``answer_q4``, ``petition_ratio``    a verdict: "the centre halved
                                            petitions": what can we say?
q5     ``surge_ratio``                      the plantation's rate ratio (``trend``)
q6     ``alarm_villages``                   villages that alarm in 2024-09
                                            (``early_warning``)
q7     ``table_file``                       the alarms table saved as Excel
=====  ===================================  ======================================
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ruralkit.disputes import (
    early_warning,
    monthly_counts,
    resolution_summary,
    seasonal_profile,
    trend,
)

from .placeholder import PLACEHOLDER
from .registry import expected, mistake
from .sets import load_set

YEAR = "2024"  # the year of question 1
CENTRE_OPENED = "2020-07-01"  # the county mediation centre (question 3)
PLANTATION = ("2021-04", "2022-09")  # the eucalyptus project in T04 (question 5)
PROJECT_TOWNSHIP = "T04"
WARNING_MONTH = "2024-09"  # the month judged in questions 6 and 7


# =========================================================================== helpers
def _cases(q: Any) -> pd.DataFrame:
    return q.data("disputes")


def _span(q: Any) -> tuple[str, str]:
    """First and last month of the register (the grid of every count)."""
    dates = _cases(q)["date_received"]
    return str(dates.min().to_period("M")), str(dates.max().to_period("M"))


def _monthly(q: Any, cases: pd.DataFrame, by: Any = None) -> pd.DataFrame:
    first, last = _span(q)
    return monthly_counts(cases, by=by, start=first, end=last)


def _value(name: str):
    """Register the decorated function as the wrong value of mistake ``name``."""
    return mistake(name)


# --------------------------------------------------------------------------- q1
def _rates(q: Any, period: str = "year") -> pd.DataFrame:
    def compute() -> pd.DataFrame:
        return monthly_counts(_cases(q), by="township_id", period=period,
                              population=q.data("villages"))

    return q.cached(("rates", period), compute)


def _rate_in(q: Any, year: str, column: str = "per_1000") -> pd.Series:
    table = _rates(q)
    return table[table["year"] == year].set_index("township_id")[column]


expected("rate_2024")(lambda q: _rate_in(q, YEAR))
_value("cases_not_rate")(lambda q: _rate_in(q, YEAR, "cases"))
_value("per_resident")(lambda q: _rate_in(q, YEAR) / 1000)
_value("other_year")(lambda q: _rate_in(q, str(int(YEAR) - 1)))


@_value("monthly_rate")
def monthly_rate(q: Any) -> pd.Series:
    """The average month's rate in 2024 (a twelfth of the year's)."""
    table = _rates(q, "month")
    return table[table["month"].dt.year == int(YEAR)].groupby("township_id")["per_1000"].mean()


@_value("all_years")
def all_years(q: Any) -> pd.Series:
    """Cases of every year over the residents: 9 years counted as one."""
    table = _rates(q)
    total = table.groupby("township_id")["cases"].sum()
    population = table.groupby("township_id")["population"].first()
    return 1000 * total / population


@mistake("no_rows")
def no_rows(q: Any, answer: Any) -> bool:
    return isinstance(answer, pd.Series | pd.DataFrame) and len(answer) == 0


@mistake("by_village")
def by_village(q: Any, answer: Any) -> bool:
    return isinstance(answer, pd.Series | pd.DataFrame) and len(answer) == len(
        q.data("villages"))


@mistake("table_not_series")
def table_not_series(q: Any, answer: Any) -> bool:
    return isinstance(answer, pd.DataFrame) and "per_1000" in answer.columns


# --------------------------------------------------------------------------- q2
def _profile(q: Any, kind: str | None, season: str = "month") -> pd.DataFrame:
    def compute() -> pd.DataFrame:
        cases = _cases(q)
        if kind is not None:
            cases = cases[cases["dispute_type"] == kind]
        return seasonal_profile(_monthly(q, cases), season=season)

    return q.cached(("profile", kind, season), compute)


def _peak(q: Any, kind: str | None, season: str = "month", column: str | None = None) -> Any:
    profile = _profile(q, kind, season)
    row = profile.loc[profile["mean"].idxmax()]
    return row[column or profile.columns[0]].item()


expected("wage_peak_month")(lambda q: int(_peak(q, "wage_arrears")))
_value("all_types_peak")(lambda q: int(_peak(q, None)))
_value("water_peak")(lambda q: int(_peak(q, "water")))
_value("festival_offset")(lambda q: int(_peak(q, "wage_arrears", "spring_festival")))
_value("peak_index")(lambda q: float(_peak(q, "wage_arrears", column="index")))
_value("peak_mean")(lambda q: float(_peak(q, "wage_arrears", column="mean")))


@_value("quietest_month")
def quietest_month(q: Any) -> int:
    profile = _profile(q, "wage_arrears")
    return int(profile.loc[profile["mean"].idxmin(), "month_of_year"])


# --------------------------------------------------------------------------- q3
def _summary(q: Any, cut: str = CENTRE_OPENED) -> pd.DataFrame:
    return q.cached(("resolution", cut),
                    lambda: resolution_summary(_cases(q), breaks=[cut]))


def _pair(q: Any, measure: str, column: str = "estimate",
          cut: str = CENTRE_OPENED) -> tuple[float, float]:
    table = _summary(q, cut)
    rows = table[table["measure"] == measure]
    before, after = (float(v) for v in rows[column])
    return before, after


expected("petition_before")(lambda q: _pair(q, "petition"))
_value("before_after_swapped")(lambda q: _pair(q, "petition")[::-1])
_value("court_share")(lambda q: _pair(q, "court"))
_value("mediated_share")(lambda q: _pair(q, "mediated"))
_value("pending_share")(lambda q: _pair(q, "pending"))
_value("counts_not_shares")(lambda q: _pair(q, "petition", "count"))
_value("calendar_year_break")(lambda q: _pair(q, "petition", cut="2020-01-01"))


# --------------------------------------------------------------------------- q4
@expected("answer_q4")
def centre_verdict(q: Any) -> str:
    """A: the interval after lies wholly below the interval before; D: wholly above;
    C: they overlap. B (the centre caused the fall) is never the answer."""
    low_before, low_after = _pair(q, "petition", "ci_low")
    high_before, high_after = _pair(q, "petition", "ci_high")
    if high_after < low_before:
        return "A"
    return "D" if low_after > high_before else "C"


expected("petition_ratio")(lambda q: (lambda b, a: a / b)(*_pair(q, "petition")))
_value("ratio_inverted")(lambda q: (lambda b, a: b / a)(*_pair(q, "petition")))
_value("difference_not_ratio")(lambda q: (lambda b, a: a - b)(*_pair(q, "petition")))
_value("fall_not_ratio")(lambda q: (lambda b, a: 1 - a / b)(*_pair(q, "petition")))


# --------------------------------------------------------------------------- q5
def _requisition(q: Any, township: str | None = PROJECT_TOWNSHIP,
                 kind: str | None = "requisition") -> pd.DataFrame:
    cases = _cases(q)
    if township is not None:
        cases = cases[cases["township_id"] == township]
    if kind is not None:
        cases = cases[cases["dispute_type"] == kind]
    return _monthly(q, cases)


def _surge(q: Any, column: str = "rate_ratio", *, township: str | None = PROJECT_TOWNSHIP,
           kind: str | None = "requisition", window: Any = PLANTATION,
           family: str = "quasipoisson", term: str = "plantation") -> float:
    def compute() -> pd.DataFrame:
        fit = trend(_requisition(q, township, kind), family=family,
                    interventions={"plantation": window})
        return fit.table.set_index("term")

    table = q.cached(("surge", township, kind, window, family), compute)
    return float(table.loc[term, column])


expected("surge_ratio")(lambda q: _surge(q))
_value("log_scale")(lambda q: _surge(q, "coef"))
_value("percent_change")(lambda q: _surge(q, "percent"))
_value("annual_change")(lambda q: _surge(q, term="annual_change"))
_value("whole_county")(lambda q: _surge(q, township=None))
_value("all_types")(lambda q: _surge(q, kind=None))
_value("step_not_window")(lambda q: _surge(q, window=PLANTATION[0]))


@mistake("interval_end")
def interval_end(q: Any, answer: Any) -> bool:
    return any(q._compare(answer, _surge(q, c), percent_check=False) is None
               for c in ("ci_low", "ci_high"))


@_value("raw_ratio")
def raw_ratio(q: Any) -> float:
    """Mean cases a month during the project over the mean outside it."""
    counts = _requisition(q)
    start, end = (pd.Period(m, "M") for m in PLANTATION)
    inside = (counts["month"] >= start) & (counts["month"] <= end)
    return float(counts.loc[inside, "cases"].mean() / counts.loc[~inside, "cases"].mean())


# --------------------------------------------------------------------------- q6
def _warning(q: Any, month: str | None = WARNING_MONTH, method: str = "farrington"
             ) -> pd.DataFrame:
    def compute() -> pd.DataFrame:
        villages = q.data("villages")
        first, last = _span(q)
        counts = monthly_counts(_cases(q), by="village_id", units=villages[["village_id"]],
                                start=first, end=last)
        return early_warning(counts, evaluate=month, method=method)

    return q.cached(("warning", month, method), compute)


def _alarms(q: Any, **kwargs: Any) -> list[str]:
    table = _warning(q, **kwargs)
    return sorted(table.loc[table["alarm"].fillna(False).to_numpy(dtype=bool), "village_id"])


expected("alarm_villages")(lambda q: _alarms(q))
_value("noufaily")(lambda q: _alarms(q, method="noufaily"))
_value("last_month")(lambda q: _alarms(q, month=None))
_value("every_village")(lambda q: sorted(_warning(q)["village_id"]))


@_value("above_expected")
def above_expected(q: Any) -> list[str]:
    table = _warning(q)
    above = (table["observed"] > table["expected"]).fillna(False).to_numpy(dtype=bool)
    return sorted(table.loc[above, "village_id"])


@mistake("table_not_list")
def table_not_list(q: Any, answer: Any) -> bool:
    return isinstance(answer, pd.DataFrame)


# --------------------------------------------------------------------------- q7
@expected("table_file")
def alarm_table(q: Any) -> pd.DataFrame:
    """The table the Excel file must hold: the villages that alarm in 2024-09, with the
    cases observed, expected and the upper bound (village codes as row labels)."""
    table = _warning(q)
    alarms = table[table["alarm"].fillna(False).to_numpy(dtype=bool)]
    return alarms.set_index("village_id")[["observed", "expected", "upperbound"]]


exercise_set = load_set(__name__)
bind = exercise_set.bind
____ = PLACEHOLDER
# q1, q2, ... read the answers from the notebook (the __main__ module in Jupyter)
globals().update(exercise_set.views())
__all__ = ["exercise_set", "bind", "____", *exercise_set.labels]
