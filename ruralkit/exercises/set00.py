"""Exercise set 00 — first steps with the county data (notebook ``00_start_here``).

Eight questions on loading, selecting, filtering, grouping, a weighted survey
mean and a first chart, with the Qingshan County tables. The questions' text
(titles, hints, mistake messages, wrong-answer examples) is in
``content/set00.toml``, the solutions in the master notebook
``exercises/source/00_start_here.ipynb``; this module keeps what must be code:
the expected answers and the mistakes, computed from the tables the learner
loads (``rk.load_*``), so the questions work unchanged for each per-student
variant (``rk.set_variant(seed)``).

In the notebook::

    import ruralkit as rk
    from ruralkit.exercises import set00
    set00.bind(globals())

=====  ========================  =======================================
label  variable                  skill
=====  ========================  =======================================
q1     ``villages``              load a table
q2     ``n_villages``            count rows
q3     ``total_population``      select a column, sum it
q4     ``mountain``              filter rows
q5     ``distance_by_township``  group and average
q6     ``sat_2024``              one survey wave, weighted mean
q7     ``n_households``          count units, not rows, in a panel
q8     ``ax``                    a first bar chart
q9     ``answer_q9``, ``top_cases``  a verdict: which township had most cases
q10    ``chart_file``, ``table_file``  export the chart (PNG) and table (Excel)
=====  ========================  =======================================
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .engine import PlotProblem
from .placeholder import PLACEHOLDER
from .registry import expected, mistake
from .sets import load_set

SURVEY_YEAR = 2024


def _villages(q: Any) -> pd.DataFrame:
    return q.data("villages")


def _has_column(answer: Any, column: str) -> bool:
    return isinstance(answer, pd.DataFrame) and column in answer.columns


# --------------------------------------------------------------------------- q1
@expected("villages")
def villages(q: Any) -> pd.DataFrame:
    return _villages(q)


@mistake("trust_survey_table")
def trust_survey_table(q: Any, answer: Any) -> bool:
    return _has_column(answer, "respondent_id")


@mistake("dispute_table")
def dispute_table(q: Any, answer: Any) -> bool:
    return _has_column(answer, "case_id")


@mistake("household_table")
def household_table(q: Any, answer: Any) -> bool:
    return _has_column(answer, "household_id")


# --------------------------------------------------------------------------- q2
@expected("n_villages")
def n_villages(q: Any) -> int:
    return len(_villages(q))


@mistake("n_columns")
def n_columns(q: Any) -> int:
    return _villages(q).shape[1]


@mistake("n_townships")
def n_townships(q: Any) -> int:
    return int(_villages(q)["township_id"].nunique())


@mistake("shape_tuple")
def shape_tuple(q: Any, answer: Any) -> bool:
    return isinstance(answer, tuple) and len(answer) == 2


# --------------------------------------------------------------------------- q3
@expected("total_population")
def total_population(q: Any) -> float:
    return _villages(q)["population"].sum()


@mistake("mean_population")
def mean_population(q: Any) -> float:
    return _villages(q)["population"].mean()


@mistake("total_households")
def total_households(q: Any) -> float:
    return _villages(q)["households"].sum()


@mistake("largest_village")
def largest_village(q: Any) -> float:
    return _villages(q)["population"].max()


# --------------------------------------------------------------------------- q4
def _terrain(q: Any, terrain: str, keep: bool = True) -> pd.DataFrame:
    table = _villages(q)
    mask = table["terrain"].astype(str) == terrain
    return table[mask if keep else ~mask]


@expected("mountain")
def mountain(q: Any) -> pd.DataFrame:
    return _terrain(q, "mountain")


@mistake("is_condition")
def is_condition(q: Any, answer: Any) -> bool:
    """A True/False Series (a mask), given where rows were asked for."""
    return isinstance(answer, pd.Series) and pd.api.types.is_bool_dtype(answer.dtype)


@mistake("hill_villages")
def hill_villages(q: Any) -> pd.DataFrame:
    return _terrain(q, "hill")


@mistake("not_mountain")
def not_mountain(q: Any) -> pd.DataFrame:
    return _terrain(q, "mountain", keep=False)


# --------------------------------------------------------------------------- q5
def _grouped(q: Any, by: str, how: str) -> pd.Series:
    return _villages(q).groupby(by, observed=True)["distance_km"].agg(how)


@expected("distance_by_township")
def distance_by_township(q: Any) -> pd.Series:
    return _grouped(q, "township_id", "mean")


@mistake("distance_sum")
def distance_sum(q: Any) -> pd.Series:
    return _grouped(q, "township_id", "sum")


@mistake("distance_median")
def distance_median(q: Any) -> pd.Series:
    return _grouped(q, "township_id", "median")


@mistake("by_terrain")
def by_terrain(q: Any) -> pd.Series:
    return _grouped(q, "terrain", "mean")


@mistake("village_count")
def village_count(q: Any) -> pd.Series:
    return _grouped(q, "township_id", "count")


# --------------------------------------------------------------------------- q6
def _wave(q: Any, year: int | None) -> pd.DataFrame:
    survey = q.data("trust_survey")
    return survey if year is None else survey[survey["year"] == year]


def _answers(q: Any, year: int | None) -> pd.DataFrame:
    return _wave(q, year).dropna(subset=["sat_township"])


def _weighted(d: pd.DataFrame, fill: float | None = None) -> float:
    score = d["sat_township"].astype("float64")
    if fill is not None:
        score = score.fillna(fill)
    return float((score * d["weight"]).sum() / d["weight"].sum())


@expected("sat_2024")
def sat_2024(q: Any) -> float:
    return _weighted(_answers(q, SURVEY_YEAR))


@mistake("unweighted_2024")
def unweighted_2024(q: Any) -> float:
    return _answers(q, SURVEY_YEAR)["sat_township"].mean()


@mistake("all_waves")
def all_waves(q: Any) -> float:
    return _weighted(_answers(q, None))


@mistake("unweighted_all_waves")
def unweighted_all_waves(q: Any) -> float:
    return _answers(q, None)["sat_township"].mean()


@mistake("na_in_denominator")
def na_in_denominator(q: Any) -> float:
    return _weighted(_wave(q, SURVEY_YEAR))


@mistake("codes_as_scores")
def codes_as_scores(q: Any) -> float:
    return _weighted(_wave(q, SURVEY_YEAR), fill=8)


# --------------------------------------------------------------------------- q7
@expected("n_households")
def n_households(q: Any) -> int:
    return int(q.data("households")["household_id"].nunique())


@mistake("rows_not_households")
def rows_not_households(q: Any) -> int:
    return len(q.data("households"))


@mistake("panel_villages")
def panel_villages(q: Any) -> int:
    return q.data("households")["village_id"].nunique()


# --------------------------------------------------------------------------- q8
@expected("ax")
def cases_per_year(q: Any) -> pd.Series:
    disputes = q.data("disputes")
    return disputes.groupby(disputes["date_received"].dt.year).size()


@mistake("value_as_category")
def value_as_category(q: Any, facts: Any) -> Any:
    """The bars are labelled by the counts (556, 604, ...) and as high as the years: the
    count column was taken as the category (``rk.plots.bar(t, x="cases", y="year")``
    on a kit that took ``x`` as the category)."""
    counts = cases_per_year(q)
    labels = {PlotProblem._norm_tick(label) for label, _ in facts.bars}
    if not facts.bars or labels != {PlotProblem._norm_tick(v) for v in counts}:
        return False
    shown = ", ".join(PlotProblem._norm_tick(label) for label, _ in facts.bars[:3])
    return {"labels": shown + " …", "height": f"{max(size for _, size in facts.bars):,.0f}"}


# --------------------------------------------------------------------------- q9
TOWNSHIPS = ("T01", "T02", "T03", "T04", "T05", "T06")  # the options A-F, in this order


def _cases_by_township(q: Any) -> pd.Series:
    return q.data("disputes").groupby("township_id", observed=True).size()


@expected("answer_q9")
def busiest_township(q: Any) -> str:
    top = _cases_by_township(q).idxmax()
    return "ABCDEF"[TOWNSHIPS.index(str(top))]


@expected("top_cases")
def top_cases(q: Any) -> int:
    return int(_cases_by_township(q).max())


@mistake("total_cases")
def total_cases(q: Any) -> int:
    return len(q.data("disputes"))


@mistake("mean_cases")
def mean_cases(q: Any) -> float:
    return float(_cases_by_township(q).mean())


# --------------------------------------------------------------------------- q10
@expected("chart_file")
def exported_table(q: Any) -> pd.Series:
    return cases_per_year(q)


exercise_set = load_set(__name__)
bind = exercise_set.bind
____ = PLACEHOLDER
# q1, q2, ... read the answers from the notebook (the __main__ module in Jupyter)
globals().update(exercise_set.views())
__all__ = ["exercise_set", "bind", "____", *exercise_set.labels]
