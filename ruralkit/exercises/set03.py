"""Exercise set 03 — income drivers (notebook ``03_income_drivers``).

Ten questions on the household panel (``rk.load_households()``, with the villages'
road year from ``rk.load_villages()``) and :mod:`ruralkit.income`: the county's
income and its mix, the raw cooperative gap, the gap with controls and with
household fixed effects, the return to schooling, e-commerce under fixed effects,
winsorising, a verdict on a secretary's "members earn 20% more", and the
comparison table exported to Excel. The questions' text is in ``content/set03.toml``,
the solutions in the master ``exercises/source/03_income_drivers.ipynb``; this
module keeps what must be code. Every expected answer is computed from the tables
the learner loads, so each per-student variant (``rk.set_variant(seed)``) has its
own numbers, and the verdict's letter follows the learner's estimates.

=====  ====================================  ======================================
label  variable(s)                           skill
=====  ====================================  ======================================
q1     ``income_2024``                       the households' mean per-capita income
q2     ``wage_share_2024``                   the wage share (``composition``)
q3     ``raw_gap``                           the raw cooperative gap, in % (``drivers``)
q4     ``ctrl_gap``, ``ctrl_low``,           the gap with land and schooling held
       ``ctrl_high``                         equal, village-clustered interval
q5     ``school_return``                     % more income per year of schooling
q6     ``fe_gap``                            household fixed effects (``panel_effect``)
q7     ``ecom_low``, ``ecom_high``,          e-commerce's fixed-effects interval, and
       ``ecom_zero_inside``                  whether it contains zero
q8     ``mean_winsorised``                   the 2024 mean after ``winsorise``
q9     ``answer_q9``                         a verdict: "members earn 20% more"
q10    ``table_file``                        raw / controls / fixed effects to Excel
=====  ====================================  ======================================
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ruralkit.income import composition, drivers, panel_effect, winsorise

from .compare import compare, is_number
from .placeholder import PLACEHOLDER
from .registry import expected, mistake
from .sets import load_set

YEAR = 2024
OUTCOME = "income_per_capita"
MEMBER = "cooperative_member"
CONTROLS = ("land_mu", "head_education_years")  # question 4's controls
ECOM_CONTROLS = ("migrant_workers", "road")  # question 7's time-varying controls
MODELS = ("raw", "controls", "fixed_effects")  # question 10's row labels
PCT = ["pct_effect", "pct_low", "pct_high"]


# =========================================================================== helpers
def households(q: Any) -> pd.DataFrame:
    return q.data("households")


def positive(q: Any) -> pd.DataFrame:
    """The notebook's ``pos``: household-years with a positive income, with ``road``
    (the village road hardened by that year) and ``ecommerce`` (any online sales)."""

    def compute() -> pd.DataFrame:
        hh = households(q)
        pos = hh[hh[OUTCOME] > 0].copy()
        roads = q.data("villages")[["village_id", "road_hardened_year"]]
        pos = pos.merge(roads, on="village_id", how="left")
        pos["road"] = pos["year"] >= pos["road_hardened_year"].fillna(9999)
        pos["ecommerce"] = pos["ecommerce_sales"] > 0
        return pos

    return q.cached("positive", compute)


def _near(value: Any, target: float) -> bool:
    """True when ``value`` is a number equal to ``target`` (engine tolerance)."""
    return is_number(value) and compare(value, target, percent_check=False) is None


def _any_near(value: Any, targets: Sequence[float]) -> bool:
    return any(_near(value, t) for t in targets)


def _all_near(values: Any, targets: Sequence[float]) -> bool:
    return (isinstance(values, tuple) and len(values) >= len(targets)
            and all(map(_near, values, targets)))


def _row(table: pd.DataFrame, term: str) -> pd.Series:
    return table.set_index("term").loc[term]


def fit(q: Any, features: Sequence[str] = (MEMBER,), *, cluster: str | None = "village_id",
        log_outcome: bool = True) -> pd.DataFrame:
    """``drivers`` on ``pos`` (once per data variant and model)."""
    key = ("drivers", tuple(features), cluster, log_outcome)
    return q.cached(key, lambda: drivers(positive(q), outcome=OUTCOME, features=list(features),
                                         cluster=cluster, log_outcome=log_outcome))


def fe(q: Any, treatment: str = MEMBER, controls: Sequence[str] = (), *,
       time_effects: bool = True, log_outcome: bool = True) -> pd.DataFrame:
    """``panel_effect`` with household fixed effects on ``pos`` (cached)."""
    key = ("fe", treatment, tuple(controls), time_effects, log_outcome)
    return q.cached(key, lambda: panel_effect(
        positive(q), outcome=OUTCOME, treatment=treatment, unit="household_id", time="year",
        controls=list(controls), time_effects=time_effects, log_outcome=log_outcome))


def _pct(table: pd.DataFrame, term: str = MEMBER) -> tuple[float, float, float]:
    row = _row(table, term)
    return float(row["pct_effect"]), float(row["pct_low"]), float(row["pct_high"])


def _log_points(table: pd.DataFrame, term: str = MEMBER) -> tuple[float, float, float]:
    row = _row(table, term)
    return tuple(100 * float(row[c]) for c in ("coef", "ci_low", "ci_high"))  # type: ignore


def _value(func: Callable[[Any], Any], name: str) -> Callable[[Any], Any]:
    """Register ``func`` as the wrong value of mistake ``name``."""
    return mistake(name)(func)


def _first_near(targets: Callable[[Any], Sequence[float]]) -> Callable[[Any, Any], bool]:
    """A mistake test on a tuple answer: its first value is one of ``targets(q)``."""
    return lambda q, v: isinstance(v, tuple) and _any_near(v[0], targets(q))


# --------------------------------------------------------------------------- q1
def _year(q: Any, year: int = YEAR) -> pd.DataFrame:
    hh = households(q)
    return hh[hh["year"] == year]


SOURCES = ["wage_income", "business_income", "property_income", "transfer_income"]

expected("income_2024")(lambda q: float(_year(q)[OUTCOME].mean()))
_value(lambda q: float(_year(q)[OUTCOME].median()), "median_income")
_value(lambda q: float(households(q)[OUTCOME].mean()), "all_years_income")
_value(lambda q: float(_year(q, YEAR - 1)[OUTCOME].mean()), "other_year_income")
_value(lambda q: float(_year(q)[SOURCES].sum(axis=1).mean()), "household_total")
_value(lambda q: float(_year(q)[SOURCES].sum().sum() / _year(q)["size"].sum()),
       "total_over_persons")


@mistake("national_income")
def national_income(q: Any, answer: Any) -> bool:
    from ruralkit.income import national_rural_income

    nat = national_rural_income().set_index("year")
    return _any_near(answer, [float(nat.loc[YEAR, "income_per_capita"])])


# --------------------------------------------------------------------------- q2
def _mix(q: Any) -> pd.DataFrame:
    return q.cached("composition", lambda: composition(households(q)).set_index(
        ["year", "source"]))


expected("wage_share_2024")(lambda q: float(_mix(q).loc[(YEAR, "wage_income"), "share"]))
_value(lambda q: float(_mix(q).loc[(YEAR, "wage_income"), "national_share"]), "national_share")
_value(lambda q: float(_mix(q).loc[(YEAR, "business_income"), "share"]), "business_share")
_value(lambda q: float(_mix(q).loc[(YEAR, "wage_income"), "per_capita"]), "wage_per_capita")
_value(lambda q: float(households(q)["wage_income"].sum()
                       / households(q)[SOURCES].sum().sum()), "pooled_share")
_value(lambda q: float((_year(q)["wage_income"] / _year(q)[SOURCES].sum(axis=1)).mean()),
       "mean_of_shares")


# --------------------------------------------------------------------------- q3
expected("raw_gap")(lambda q: _pct(fit(q))[0])
_value(lambda q: _log_points(fit(q))[0], "log_points")
_value(lambda q: float(_row(fit(q), MEMBER)["coef"]), "coef_itself")
_value(lambda q: float(_row(fit(q, log_outcome=False), MEMBER)["coef"]), "forgot_log")
mistake("interval_end")(lambda q, a: _any_near(a, _pct(fit(q))[1:]))


@mistake("ratio_of_means")
def ratio_of_means(q: Any, answer: Any) -> bool:
    pos = positive(q)
    means = pos.groupby(pos[MEMBER].astype(bool))[OUTCOME].mean()
    hh = households(q)
    all_means = hh.groupby(hh[MEMBER].astype(bool))[OUTCOME].mean()
    return _any_near(answer, [100 * (m[True] / m[False] - 1) for m in (means, all_means)])


# --------------------------------------------------------------------------- q4
def _controlled(q: Any, **kwargs: Any) -> pd.DataFrame:
    return fit(q, (MEMBER, *CONTROLS), **kwargs)


expected("ctrl_gap")(lambda q: _pct(_controlled(q)))
mistake("not_clustered")(lambda q, v: _all_near(v, _pct(_controlled(q, cluster=None))))
mistake("ctrl_log_points")(lambda q, v: _all_near(v, _log_points(_controlled(q))))
mistake("ctrl_bounds_swapped")(lambda q, v: _all_near(
    v, [_pct(_controlled(q))[i] for i in (0, 2, 1)]))
mistake("raw_not_controlled")(_first_near(lambda q: [_pct(fit(q))[0]]))
mistake("one_control_only")(_first_near(lambda q: [
    _pct(fit(q, (MEMBER, c)))[0] for c in CONTROLS]))
mistake("ctrl_forgot_log")(_first_near(lambda q: [
    float(_row(_controlled(q, log_outcome=False), MEMBER)["coef"])]))


# --------------------------------------------------------------------------- q5
SCHOOL = "head_education_years"
expected("school_return")(lambda q: _pct(_controlled(q), SCHOOL)[0])
_value(lambda q: _log_points(_controlled(q), SCHOOL)[0], "school_log_points")
_value(lambda q: float(_row(_controlled(q), SCHOOL)["coef"]), "school_coef")
_value(lambda q: _pct(fit(q, (SCHOOL,)), SCHOOL)[0], "school_alone")
_value(lambda q: _pct(_controlled(q), "land_mu")[0], "land_row")


# --------------------------------------------------------------------------- q6
expected("fe_gap")(lambda q: _pct(fe(q))[0])
_value(lambda q: _log_points(fe(q))[0], "fe_log_points")
_value(lambda q: float(_row(fe(q), MEMBER)["coef"]), "fe_coef")
_value(lambda q: _pct(fe(q, time_effects=False))[0], "no_time_effects")
_value(lambda q: float(_row(fe(q, log_outcome=False), MEMBER)["coef"]), "fe_forgot_log")
mistake("fe_typed_ols")(lambda q, a: _any_near(a, [_pct(fit(q))[0], _pct(_controlled(q))[0]]))


# --------------------------------------------------------------------------- q7
def _ecom(q: Any, **kwargs: Any) -> pd.DataFrame:
    return fe(q, "ecommerce", ECOM_CONTROLS, **kwargs)


def _inside(low: float, high: float) -> bool:
    return bool(low <= 0 <= high)


@expected("ecom_low")
def ecom_interval(q: Any) -> tuple[float, float, bool]:
    _, low, high = _pct(_ecom(q), "ecommerce")
    return low, high, _inside(low, high)


mistake("ecom_no_time_effects")(lambda q, v: _all_near(
    v, _pct(_ecom(q, time_effects=False), "ecommerce")[1:]))
mistake("ecom_ols")(lambda q, v: _all_near(v, _pct(fit(q, ("ecommerce", *ECOM_CONTROLS)),
                                                 "ecommerce")[1:]))
mistake("ecom_log_points")(lambda q, v: _all_near(v, _log_points(_ecom(q), "ecommerce")[1:]))
mistake("ecom_sales_yuan")(lambda q, v: _all_near(
    v, _pct(fe(q, "ecommerce_sales", ECOM_CONTROLS), "ecommerce_sales")[1:]))


@mistake("ecom_zero_misread")
def ecom_zero_misread(q: Any, v: Any) -> dict[str, str] | None:
    """The interval is right but the True/False about zero is not."""
    low, high, inside = q.expected_value()
    if not (_all_near(v, [low, high]) and len(v) == 3 and isinstance(v[2], bool | np.bool_)):
        return None
    if bool(v[2]) is inside:
        return None
    return {"low": f"{low:+.1f}", "high": f"{high:+.1f}"}


# --------------------------------------------------------------------------- q8
def _winsorised_mean(q: Any, table: pd.DataFrame | None = None, **kwargs: Any) -> float:
    options = {"lower": 0.01, "upper": 0.99, "by": "year", **kwargs}
    frame = households(q) if table is None else table
    clipped = winsorise(frame, [OUTCOME], **options).data
    return float(clipped.loc[clipped["year"] == YEAR, OUTCOME].mean())


expected("mean_winsorised")(lambda q: _winsorised_mean(q))
_value(lambda q: _winsorised_mean(q, by=None), "not_by_year")
_value(lambda q: float(_year(q)[OUTCOME].mean()), "not_winsorised")
_value(lambda q: _winsorised_mean(q, lower=0.05, upper=0.95), "five_percent")
_value(lambda q: _winsorised_mean(q, lower=0.0), "top_only")


@mistake("winsorised_whole_panel")
def winsorised_whole_panel(q: Any, answer: Any) -> bool:
    clipped = winsorise(households(q), [OUTCOME], lower=0.01, upper=0.99, by="year").data
    return _near(answer, float(clipped[OUTCOME].mean()))


# --------------------------------------------------------------------------- q9
@expected("answer_q9")
def report_verdict(q: Any) -> str:
    """C: the raw gap's interval contains zero; D: the fixed-effects interval lies below
    zero; B: it lies below the raw gap (the report overstates); A: it does not."""
    raw, low, _ = _pct(fit(q))
    _, _, fe_high = _pct(fe(q))
    if low <= 0:
        return "C"
    if fe_high < 0:
        return "D"
    return "B" if fe_high < raw else "A"


# --------------------------------------------------------------------------- q10
@expected("table_file")
def comparison(q: Any) -> pd.DataFrame:
    """The table the Excel file must hold: one row per model, its % effect and interval."""
    rows = [_pct(fit(q)), _pct(_controlled(q)), _pct(fe(q))]
    return pd.DataFrame(rows, index=list(MODELS), columns=PCT)


exercise_set = load_set(__name__)
bind = exercise_set.bind
____ = PLACEHOLDER
# q1, q2, ... read the answers from the notebook (the __main__ module in Jupyter)
globals().update(exercise_set.views())
__all__ = ["exercise_set", "bind", "____", *exercise_set.labels]
