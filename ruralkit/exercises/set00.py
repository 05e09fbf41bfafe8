"""Exercise set 00 — first steps with the county data (notebook ``00_start_here``).

Eight questions on loading, selecting, filtering, grouping, a weighted survey
mean and a first chart, with the Qingshan County tables. Every expected answer
is computed from the tables the learner loads (``rk.load_*``), so the questions
work unchanged for each per-student variant (``rk.set_variant(seed)``).

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
=====  ========================  =======================================
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .engine import PLACEHOLDER, HiddenTest, Mistake, PlotProblem, ValueProblem
from .sets import ExerciseSet

__all__ = ["exercise_set", "bind", "____", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8"]

SURVEY_YEAR = 2024


def _is_condition(answer: Any) -> bool:
    """A True/False Series (a mask), given where rows were asked for."""
    return isinstance(answer, pd.Series) and pd.api.types.is_bool_dtype(answer.dtype)


def _has_column(column: str) -> Any:
    def test(problem: Any, answer: Any) -> bool:
        return isinstance(answer, pd.DataFrame) and column in answer.columns

    return test


# --------------------------------------------------------------------------- q1
class LoadVillages(ValueProblem):
    _var = "villages"
    _key = "village_id"
    _title = {"en": "Load the village table", "zh": "加载村庄表"}
    _hints = [
        {
            "en": "Every table of the county has a loader in `rk` whose name starts with "
            "`load_`.",
            "zh": "全县的每张表在 `rk` 中都有一个以 `load_` 开头的加载函数。",
        },
        {
            "en": "Call the loader with brackets: `rk.load_villages()`.",
            "zh": "调用加载函数时要加括号：`rk.load_villages()`。",
        },
    ]
    _solution = "villages = rk.load_villages()"
    _mistakes = (
        Mistake(
            {
                "en": "This is the trust survey (it has `respondent_id`), not the village "
                "table. Use `rk.load_villages()`.",
                "zh": "这是信任调查表（有 `respondent_id` 列），"
                      "不是村庄表。请用 `rk.load_villages()`。",
            },
            test=_has_column("respondent_id"),
        ),
        Mistake(
            {
                "en": "This is the dispute table (it has `case_id`), not the village table. "
                "Use `rk.load_villages()`.",
                "zh": "这是纠纷表（有 `case_id` 列），不是村庄表。请用 `rk.load_villages()`。",
            },
            test=_has_column("case_id"),
        ),
        Mistake(
            {
                "en": "This is the household panel (it has `household_id`), not the village "
                "table. Use `rk.load_villages()`.",
                "zh": "这是农户面板数据（有 `household_id` 列），"
                      "不是村庄表。请用 `rk.load_villages()`。",
            },
            test=_has_column("household_id"),
        ),
    )

    def expected(self) -> pd.DataFrame:
        return self.data("villages")


# --------------------------------------------------------------------------- q2
class CountVillages(ValueProblem):
    _var = "n_villages"
    _title = {"en": "How many villages does the county have?", "zh": "全县有多少个村？"}
    _hints = [
        {
            "en": "Each row of `villages` is one village.",
            "zh": "`villages` 的每一行是一个村。",
        },
        {
            "en": "`len(table)` counts the rows of a table.",
            "zh": "`len(表格)` 可以数出表格的行数。",
        },
    ]
    _solution = "n_villages = len(villages)"
    _mistakes = (
        Mistake(
            {
                "en": "This is the number of columns. Each village is a row: count the rows "
                "with `len(villages)`.",
                "zh": "这是列数。每个村是一行：请用 `len(villages)` 数行数。",
            },
            value="n_columns",
        ),
        Mistake(
            {
                "en": "This is the number of townships. The question asks for villages.",
                "zh": "这是乡镇的个数。题目问的是村的个数。",
            },
            value="n_townships",
        ),
        Mistake(
            {
                "en": "`.shape` gives two numbers, (rows, columns). Take the first one, "
                "or use `len(villages)`.",
                "zh": "`.shape` 给出两个数（行数, 列数）。请取第一个，或者用 `len(villages)`。",
            },
            test=lambda problem, answer: isinstance(answer, tuple) and len(answer) == 2,
        ),
    )

    def expected(self) -> int:
        return len(self.data("villages"))

    def n_columns(self) -> int:
        return self.data("villages").shape[1]

    def n_townships(self) -> int:
        return int(self.data("villages")["township_id"].nunique())


# --------------------------------------------------------------------------- q3
class TotalPopulation(ValueProblem):
    _var = "total_population"
    _title = {"en": "Total population of the county", "zh": "全县总人口"}
    _hints = [
        {
            "en": "Select the column with square brackets: `villages[\"population\"]`.",
            "zh": "用方括号选出一列：`villages[\"population\"]`。",
        },
        {
            "en": "A column has methods such as `.sum()`, `.mean()` and `.max()`.",
            "zh": "一列数据有 `.sum()`、`.mean()`、`.max()` 等方法。",
        },
    ]
    _solution = 'total_population = villages["population"].sum()'
    _mistakes = (
        Mistake(
            {
                "en": "This is the average population of a village. The county total is the "
                "sum over all villages: `.sum()`.",
                "zh": "这是每个村的平均人口。全县总人口是所有村相加：用 `.sum()`。",
            },
            value=lambda p: p.data("villages")["population"].mean(),
        ),
        Mistake(
            {
                "en": "This is the number of households, not people. Use the `population` "
                "column.",
                "zh": "这是户数，不是人数。请用 `population` 列。",
            },
            value=lambda p: p.data("villages")["households"].sum(),
        ),
        Mistake(
            {
                "en": "This is the largest village, not the county total. Use `.sum()`.",
                "zh": "这是人口最多的那个村，不是全县总数。请用 `.sum()`。",
            },
            value=lambda p: p.data("villages")["population"].max(),
        ),
    )

    def expected(self) -> float:
        return self.data("villages")["population"].sum()


# --------------------------------------------------------------------------- q4
class MountainVillages(ValueProblem):
    _var = "mountain"
    _key = "village_id"
    _title = {"en": "The mountain villages", "zh": "山区村"}
    _hints = [
        {
            "en": "`villages[\"terrain\"] == \"mountain\"` gives True for every mountain "
            "village and False for the others.",
            "zh": "`villages[\"terrain\"] == \"mountain\"` 对山区村为 True，其他村为 False。",
        },
        {
            "en": "Put that condition inside `villages[...]` to keep only the rows where it "
            "is True.",
            "zh": "把这个条件放进 `villages[...]`，就只保留条件为 True 的行。",
        },
    ]
    _solution = 'mountain = villages[villages["terrain"] == "mountain"]'
    _mistakes = (
        Mistake(
            {
                "en": "`mountain` is the condition: True or False for each village. It says "
                "which rows to keep, but it is not those rows. Use it to pick the rows: "
                "`villages[condition]`, with your condition inside the square brackets.",
                "zh": "`mountain` 是条件：每个村对应 True 或 False。它说明要保留哪些行，但它本身"
                "不是这些行。请用它来选行：`villages[条件]`，把您的条件写在方括号里。",
            },
            test=lambda problem, answer: _is_condition(answer),
        ),
        Mistake(
            {
                "en": "These are the hill villages. The question asks for terrain "
                "`\"mountain\"`.",
                "zh": "这些是丘陵村。题目要的是地形为 `\"mountain\"`（山区）的村。",
            },
            value=lambda p: p._terrain("hill"),
        ),
        Mistake(
            {
                "en": "These are the villages that are *not* in the mountains. Use `==`, not "
                "`!=`.",
                "zh": "这些是*不*在山区的村。请用 `==`，不要用 `!=`。",
            },
            value=lambda p: p._terrain("mountain", keep=False),
        ),
    )

    def _terrain(self, terrain: str, keep: bool = True) -> pd.DataFrame:
        villages = self.data("villages")
        mask = villages["terrain"].astype(str) == terrain
        return villages[mask if keep else ~mask]

    def expected(self) -> pd.DataFrame:
        return self._terrain("mountain")


# --------------------------------------------------------------------------- q5
class DistanceByTownship(ValueProblem):
    _var = "distance_by_township"
    _what = {"en": "township_id", "zh": "township_id（乡镇）"}
    _title = {
        "en": "Average distance to the county town, by township",
        "zh": "各乡镇的村到县城的平均距离",
    }
    _hints = [
        {
            "en": "`villages.groupby(\"township_id\")` puts the villages of each township "
            "together.",
            "zh": "`villages.groupby(\"township_id\")` 把同一乡镇的村放在一起。",
        },
        {
            "en": "Then select the column and average it: "
            "`...groupby(\"township_id\")[\"distance_km\"].mean()`.",
            "zh": "然后选出这一列并求平均：`...groupby(\"township_id\")[\"distance_km\"].mean()`。",
        },
    ]
    _solution = (
        'distance_by_township = villages.groupby("township_id")["distance_km"].mean()'
    )
    _mistakes = (
        Mistake(
            {
                "en": "These are the total distances of each township's villages added up. "
                "The question asks for the average: `.mean()`.",
                "zh": "这是各乡镇所有村距离的总和。题目要的是平均值：用 `.mean()`。",
            },
            value=lambda p: p._grouped("township_id", "sum"),
        ),
        Mistake(
            {
                "en": "This is the median distance. The question asks for the average "
                "(mean).",
                "zh": "这是距离的中位数。题目要的是平均值（mean）。",
            },
            value=lambda p: p._grouped("township_id", "median"),
        ),
        Mistake(
            {
                "en": "This is grouped by terrain. The question asks for one value per "
                "township: group by `\"township_id\"`.",
                "zh": "这是按地形分组的。题目要求每个乡镇一个值：请按 `\"township_id\"` 分组。",
            },
            value=lambda p: p._grouped("terrain", "mean"),
        ),
        Mistake(
            {
                "en": "This counts the villages of each township. Select `\"distance_km\"` "
                "and average it.",
                "zh": "这是各乡镇的村数。请选出 `\"distance_km\"` 列并求平均。",
            },
            value=lambda p: p._grouped("township_id", "count"),
        ),
    )

    def _grouped(self, by: str, how: str) -> pd.Series:
        villages = self.data("villages")
        return villages.groupby(by, observed=True)["distance_km"].agg(how)

    def expected(self) -> pd.Series:
        return self._grouped("township_id", "mean")


# --------------------------------------------------------------------------- q6
class WeightedSatisfaction(ValueProblem):
    _var = "sat_2024"
    _title = {
        "en": f"Weighted mean satisfaction with township cadres in {SURVEY_YEAR}",
        "zh": f"{SURVEY_YEAR} 年对乡镇干部满意度的加权平均",
    }
    _hints = [
        {
            "en": f"First keep the {SURVEY_YEAR} wave: `survey[survey[\"year\"] == "
            f"{SURVEY_YEAR}]`.",
            "zh": f"先只保留 {SURVEY_YEAR} 年这一轮：`survey[survey[\"year\"] == {SURVEY_YEAR}]`。",
        },
        {
            "en": "Respondents who said \"don't know\" have no score (NA). Drop them with "
            "`.dropna(subset=[\"sat_township\"])` before you compute anything.",
            "zh": "回答“不知道”的受访者没有分数（NA）。计算之前先用 "
            "`.dropna(subset=[\"sat_township\"])` 去掉他们。",
        },
        {
            "en": "A weighted mean is sum(score × weight) / sum(weight): "
            "`(d[\"sat_township\"] * d[\"weight\"]).sum() / d[\"weight\"].sum()`.",
            "zh": "加权平均 = Σ(分数 × 权重) / Σ(权重)："
            "`(d[\"sat_township\"] * d[\"weight\"]).sum() / d[\"weight\"].sum()`。",
        },
    ]
    _solution = (
        f'survey_{SURVEY_YEAR} = survey[survey["year"] == {SURVEY_YEAR}]'
        '.dropna(subset=["sat_township"])\n'
        f'weights = survey_{SURVEY_YEAR}["weight"]\n'
        f'sat_{SURVEY_YEAR} = (survey_{SURVEY_YEAR}["sat_township"] * weights).sum()'
        " / weights.sum()"
    )
    _mistakes = (
        Mistake(
            {
                "en": "This is the unweighted mean. Respondents were not all drawn with the "
                "same chance: use the survey weights (`weight`).",
                "zh": "这是未加权的平均值。受访者被抽中的概率不同：请使用调查权重（`weight` 列）。",
            },
            value=lambda p: p._answers(SURVEY_YEAR)["sat_township"].mean(),
        ),
        Mistake(
            {
                "en": f"This uses every survey wave. The question asks for {SURVEY_YEAR} "
                "only: filter on `year` first.",
                "zh": f"这用了所有年份的调查。题目只问 {SURVEY_YEAR} 年：请先按 `year` 筛选。",
            },
            value=lambda p: p._weighted(p._answers(None)),
        ),
        Mistake(
            {
                "en": "This is unweighted and uses every survey wave. Keep the "
                f"{SURVEY_YEAR} wave and use the survey weights.",
                "zh": f"这既没有加权，又用了所有年份。请只保留 {SURVEY_YEAR} 年并使用调查权重。",
            },
            value=lambda p: p._answers(None)["sat_township"].mean(),
        ),
        Mistake(
            {
                "en": "You divided by the weights of *all* respondents, including those who "
                "said \"don't know\" and have no score. Drop them first with "
                "`.dropna(subset=[\"sat_township\"])`.",
                "zh": "您除以了*所有*受访者的权重之和，包括回答“不知道”、没有分数的人。请先用 "
                "`.dropna(subset=[\"sat_township\"])` 去掉他们。",
            },
            value="_na_in_denominator",
        ),
        Mistake(
            {
                "en": "This counts the \"don't know\" code (8) as a score. Use the cleaned "
                "table from `rk.load_trust_survey()` (not `raw=True`), where it is NA.",
                "zh": "这把“不知道”的代码 8 当成了分数。请使用 `rk.l"
                      "oad_trust_survey()` 给出的清洗后数据"
                "（不要用 `raw=True`），其中它是 NA。",
            },
            value="_codes_as_scores",
        ),
    )

    def _wave(self, year: int | None) -> pd.DataFrame:
        survey = self.data("trust_survey")
        return survey if year is None else survey[survey["year"] == year]

    def _answers(self, year: int | None) -> pd.DataFrame:
        return self._wave(year).dropna(subset=["sat_township"])

    @staticmethod
    def _weighted(d: pd.DataFrame) -> float:
        score = d["sat_township"].astype("float64")
        return float((score * d["weight"]).sum() / d["weight"].sum())

    def _na_in_denominator(self) -> float:
        d = self._wave(SURVEY_YEAR)
        score = d["sat_township"].astype("float64")
        return float((score * d["weight"]).sum() / d["weight"].sum())

    def _codes_as_scores(self) -> float:
        d = self._wave(SURVEY_YEAR)
        score = d["sat_township"].astype("float64").fillna(8)
        return float((score * d["weight"]).sum() / d["weight"].sum())

    def expected(self) -> float:
        return self._weighted(self._answers(SURVEY_YEAR))


# --------------------------------------------------------------------------- q7
class CountHouseholds(ValueProblem):
    _var = "n_households"
    _title = {
        "en": "How many households are in the income panel?",
        "zh": "收入面板中有多少户？",
    }
    _hints = [
        {
            "en": "The panel follows the same households every year: one row per household "
            "and year.",
            "zh": "面板数据每年追踪同一批农户：每户每年一行。",
        },
        {
            "en": "`.nunique()` counts the different values of a column, e.g. of "
            "`households[\"household_id\"]`.",
            "zh": "`.nunique()` 数出一列中不同值的个数，例如 `households[\"household_id\"]`。",
        },
    ]
    _solution = 'n_households = households["household_id"].nunique()'
    _mistakes = (
        Mistake(
            {
                "en": "This counts rows, not households. Each household appears once per "
                "year: count the different `household_id`s with `.nunique()`.",
                "zh": "这数的是行数，不是户数。每户每年出现一次：请用 `.nunique()` 数不同的 "
                "`household_id`。",
            },
            value=lambda p: len(p.data("households")),
        ),
        Mistake(
            {
                "en": "This is the number of villages in the panel, not households.",
                "zh": "这是面板中的村数，不是户数。",
            },
            value=lambda p: p.data("households")["village_id"].nunique(),
        ),
    )

    def expected(self) -> int:
        return int(self.data("households")["household_id"].nunique())


# --------------------------------------------------------------------------- q8
class DisputesPerYearChart(PlotProblem):
    _var = "ax"
    _kind = "bar"
    _points = 1.0
    _what = {"en": "one bar per year", "zh": "每年一根柱子"}
    _title = {
        "en": "Bar chart of disputes received per year",
        "zh": "每年受理纠纷数的柱状图",
    }
    _hints = [
        {
            "en": "Count the cases of each year: "
            "`disputes.groupby(disputes[\"date_received\"].dt.year).size()`.",
            "zh": "数出每年的案件数：`disputes.groupby(disputes"
                  "[\"date_received\"].dt.year).size()`。",
        },
        {
            "en": "A Series can draw itself: `counts.plot.bar(title=\"...\")` returns the chart "
            "(an Axes). Assign it to `ax`.",
            "zh": "Series 可以直接画图：`counts.plot.bar(tit"
                  "le=\"...\")` 返回图表（Axes）。把它赋给 `ax`。",
        },
    ]
    _solution = (
        'cases_per_year = disputes.groupby(disputes["date_received"].dt.year).size()\n'
        'ax = cases_per_year.plot.bar(title="Disputes received per year")'
    )
    _hidden_tests = (
        HiddenTest(
            "bar_values",
            {
                "en": "the bars show the number of cases received each year",
                "zh": "柱子高度等于每年受理的案件数",
            },
            points=1.0,
        ),
    )

    def expected_values(self) -> pd.Series:
        disputes = self.data("disputes")
        return disputes.groupby(disputes["date_received"].dt.year).size()

    def expected_count(self) -> int:
        return len(self.expected_values())


SETUP = """\
import ruralkit as rk
villages = rk.load_villages()
survey = rk.load_trust_survey()
households = rk.load_households()
disputes = rk.load_disputes()
"""

exercise_set = ExerciseSet(
    "00",
    {"en": "First steps with the county data", "zh": "初识全县数据"},
    [
        LoadVillages,
        CountVillages,
        TotalPopulation,
        MountainVillages,
        DistanceByTownship,
        WeightedSatisfaction,
        CountHouseholds,
        DisputesPerYearChart,
    ],
    notebook="00_start_here",
    setup=SETUP,
)

bind = exercise_set.bind
____ = PLACEHOLDER
# q1, q2, ... read the answers from the notebook (the __main__ module in Jupyter)
q1, q2, q3, q4, q5, q6, q7, q8 = exercise_set.views().values()
