"""Exercise set 01 — is "+9 points" real? (notebook ``01_trust_survey``).

Nine questions on design-based survey estimates with :class:`ruralkit.survey.Design`,
using the Qingshan County trust survey: declaring the design, a weighted share and
its standard error, hierarchical trust, "don't know" answers, a change between two
waves with its interval, reading that interval, an odds ratio, and suppressing
small cells. Every expected answer is computed from the tables the learner loads
(``rk.load_trust_survey()``, with ``raw=True`` for question 5), so the questions
work unchanged for each per-student variant (``rk.set_variant(seed)``); question 7
can even have a different answer in another variant.

In the notebook::

    import ruralkit as rk
    from ruralkit.exercises import set01
    set01.bind(globals())

=====  ===============================  ==========================================
label  variable(s)                      skill
=====  ===============================  ==========================================
q1     ``design``                       declare weights, strata and clusters
q2     ``sat_share_2024``               a weighted share in one wave
q3     ``sat_se_2024``                  its design-based standard error
q4     ``trust_county_2024``            trust in the county (answers 1-2)
q5     ``dk_province``                  a "don't know" rate from the raw data
q6     ``change_t05``, ``low_t05``,     change between two waves in one township,
       ``high_t05``                     with its 95% interval
q7     ``beyond_chance``                does the interval exclude zero?
q8     ``or_fairness``                  an odds ratio from ``design.glm``
q9     ``safe``                         suppress small cells of a village table
=====  ===============================  ==========================================
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ruralkit.i18n import Msg
from ruralkit.survey import Design, suppress_small_cells

from .answers import Facts, items_of, number, optional, text, whole
from .compare import compare, describe, is_number
from .engine import PLACEHOLDER, HiddenTest, Incorrect, Mistake, ValueProblem
from .sets import ExerciseSet

__all__ = [
    "exercise_set", "bind", "____", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9",
]

YEAR = 2024
STRATA = ["year", "township_id"]
HALL_TOWNSHIP = "T05"  # Longquan Town, which opened its service hall in 2023
WAVES = (2022, 2023)  # the change is 2023 minus 2022
MIN_N = 50  # the county's publication rule for question 9
FORMULA = (
    "trusts_township ~ fairness + corruption + unresolved_dispute"
    " + used_service_hall + cadre_visited + age + party_member"
)


# =========================================================================== helpers
def _design(frame: pd.DataFrame) -> Design:
    """The survey's design: weights, year x township strata, villages as clusters."""
    return Design(frame, weights="weight", strata=STRATA, cluster="village_id", nest=True)


def _weights_only(frame: pd.DataFrame) -> Design:
    """The mistaken design that keeps the weights but ignores strata and villages."""
    return Design(frame, weights="weight")


def _floats(values: pd.Series) -> np.ndarray:
    return values.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)


def _wmean(values: pd.Series, weights: pd.Series | None = None) -> float:
    """(Weighted) mean of the non-missing values; ``weights=None``: unweighted."""
    y = _floats(values)
    w = np.ones(len(y)) if weights is None else weights.to_numpy(dtype="float64")
    keep = ~np.isnan(y)
    return float((y[keep] * w[keep]).sum() / w[keep].sum())


def _near(value: Any, target: float) -> bool:
    """True when ``value`` is a number equal to ``target`` (engine tolerance)."""
    try:
        return is_number(value) and compare(value, target, percent_check=False) is None
    except Exception:
        return False


def _all_near(values: Sequence[Any], targets: Sequence[float]) -> bool:
    return len(values) == len(targets) and all(
        _near(v, t) for v, t in zip(values, targets, strict=True)
    )


class _SurveyProblem(ValueProblem):
    """Shared access to the learner's survey (cleaned and raw) and cached fits."""

    def __init__(self, data: Any = None) -> None:
        super().__init__(data)
        self._cache: dict[Any, Any] = {}

    def cached(self, key: Any, compute: Any) -> Any:
        """``compute()``, remembered until the learner's survey table changes (a variant)."""
        source = self.data("trust_survey")
        hit = self._cache.get(key)
        if hit is None or hit[0] is not source:
            hit = self._cache[key] = (source, compute())
        return hit[1]

    def survey(self) -> pd.DataFrame:
        """The cleaned survey with the notebook's ``satisfied`` column added (a copy)."""
        survey = self.data("trust_survey")
        return survey.assign(satisfied=survey["sat_township"] >= 4)

    def raw_survey(self) -> pd.DataFrame:
        """The survey as collected (8 = don't know, 9 = refused), in the same variant."""
        try:
            return self.data("trust_survey_raw")  # tests may pass it in a mapping
        except (KeyError, AttributeError):
            from ruralkit import datasets

            return datasets.load_trust_survey(raw=True)

    def wave(self, year: int | None = YEAR) -> pd.DataFrame:
        survey = self.survey()
        return survey if year is None else survey[survey["year"] == year]

    def by_year(self, var: str = "satisfied", *, naive: bool = False) -> pd.DataFrame:
        """``design.mean(var, by="year")`` indexed by year (cached per data version)."""

        def compute() -> pd.DataFrame:
            survey = self.survey()
            design = _weights_only(survey) if naive else _design(survey)
            return design.mean(var, by="year").set_index("year")

        return self.cached(("by_year", var, naive), compute)

    def overall(self, var: str = "satisfied") -> pd.Series:
        return _design(self.survey()).mean(var).iloc[0]


# --------------------------------------------------------------------------- q1
def _is_design(value: Any) -> bool:
    # by name, not isinstance: the grader re-imports ruralkit, so the learner's Design
    # may come from an earlier copy of the module
    return type(value).__name__ == "Design" and all(
        hasattr(value, a) for a in ("degf", "n_psu", "n_strata", "data", "weights_col")
    )


def _names(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


class DesignFacts(Facts):
    """What question 1 checks about a survey design, as plain values.

    Taken from the learner's ``Design`` by :meth:`DeclareDesign.export` (inside the
    learner's kernel when grading), so that the check itself runs in the grader's
    own process.
    """

    kind = "survey_design"
    _fields = {
        "rows": whole,
        "n_strata": whole,
        "n_psu": whole,
        "degf": whole,
        "weight_total": number,
        "weights_col": optional(text(200)),
        "strata_cols": items_of(text(200), limit=100),
        "cluster_cols": items_of(text(200), limit=100),
    }

    @classmethod
    def of(cls, design: Any) -> DesignFacts:
        return cls(
            rows=len(design.data),
            n_strata=int(design.n_strata),
            n_psu=int(design.n_psu),
            degf=int(design.degf),
            weight_total=float(np.sum(design.weights)),
            weights_col=design.weights_col,
            strata_cols=_names(getattr(design, "strata_cols", None)),
            cluster_cols=_names(getattr(design, "cluster_cols", None)),
        )


class UnreadableDesign(Facts):
    """A ``Design`` whose structure could not be read (reading it raised an error)."""

    kind = "survey_design_error"
    _fields = {"error": text(300)}


def _design_facts(design: Any) -> DesignFacts | UnreadableDesign:
    try:
        return DesignFacts.of(design)
    except Exception as exc:  # e.g. the design's table was changed after it was built
        return UnreadableDesign(error=f"{type(exc).__name__}: {exc}")


def _facts(design: Any) -> dict[str, Any]:
    facts = design if isinstance(design, DesignFacts) else DesignFacts.of(design)
    return facts.as_dict()


def _strata_are(*columns: str) -> Any:
    def test(problem: Any, design: Any) -> bool:
        return sorted(design.strata_cols) == sorted(columns)

    return test


class DeclareDesign(_SurveyProblem):
    _var = "design"
    _title = {
        "en": "Declare the survey design: weights, strata and clusters",
        "zh": "声明调查设计：权重、层和群",
    }
    _hints = [
        {
            "en": "Three facts describe how the survey was drawn: each respondent's weight "
            "(`weight`), the strata (each year × township is a separate sample: "
            "`[\"year\", \"township_id\"]`) and the clusters (the villages drawn: "
            "`village_id`).",
            "zh": "三件事说明调查是怎么抽样的：每位受访者的权重（`weight`）、层（每年每个乡镇"
            "单独抽样：`[\"year\", \"township_id\"]`）和群（抽中的村：`village_id`）。",
        },
        {
            "en": "A village can be drawn again in another year, so its label is only unique "
            "within a stratum: add `nest=True`.",
            "zh": "同一个村在别的年份可能再次被抽中，所以村的编号只在层内唯一：加上 `nest=True`。",
        },
        {
            "en": "All together: `Design(survey, weights=\"weight\", strata=[\"year\", "
            "\"township_id\"], cluster=\"village_id\", nest=True)`.",
            "zh": "合起来：`Design(survey, weights=\"weight\", strata=[\"year\", "
            "\"township_id\"], cluster=\"village_id\", nest=True)`。",
        },
    ]
    _solution = (
        'design = Design(survey, weights="weight", strata=["year", "township_id"],\n'
        '                cluster="village_id", nest=True)'
    )
    _mistakes = (
        Mistake(
            {
                "en": "This design has no weights, so every respondent counts the same. Young "
                "villagers were interviewed less often than they live in the county: pass "
                "`weights=\"weight\"`.",
                "zh": "这个设计没有权重，每位受访者都算得一样多。年轻村民被访问的比例低于他们在"
                "全县人口中的比例：请加上 `weights=\"weight\"`。",
            },
            test=lambda p, d: d.weights_col is None,
        ),
        Mistake(
            {
                "en": "The weights of this design are not the survey weights. Use the column "
                "`weight`: `weights=\"weight\"`.",
                "zh": "这个设计用的权重不是调查权重。请用 `weight` 列：`weights=\"weight\"`。",
            },
            test=lambda p, d: not math.isclose(
                d.weight_total, p.expected()["weight_total"], rel_tol=1e-9
            ),
        ),
        Mistake(
            {
                "en": "This design has no strata. Each township was sampled separately every "
                "year: pass `strata=[\"year\", \"township_id\"]`.",
                "zh": "这个设计没有分层。每个乡镇每年单独抽样：请加上 "
                "`strata=[\"year\", \"township_id\"]`。",
            },
            test=lambda p, d: not d.strata_cols,
        ),
        Mistake(
            {
                "en": "The strata are the townships only, so the villages of all six waves are "
                "pooled. Each wave is a separate sample: the strata are year × township, "
                "`strata=[\"year\", \"township_id\"]`, with `nest=True`.",
                "zh": "层只有乡镇，六轮调查的村被混在了一起。每一轮都是单独的样本：层是“年份 × "
                "乡镇”，即 `strata=[\"year\", \"township_id\"]`，并加上 `nest=True`。",
            },
            test=_strata_are("township_id"),
        ),
        Mistake(
            {
                "en": "The strata are the years only. Within a year each township was sampled "
                "separately, so the township is part of the stratum too: "
                "`strata=[\"year\", \"township_id\"]`.",
                "zh": "层只有年份。每年各乡镇是分别抽样的，所以乡镇也是层的一部分："
                "`strata=[\"year\", \"township_id\"]`。",
            },
            test=_strata_are("year"),
        ),
        Mistake(
            {
                "en": "This design has no clusters, so it treats every respondent as drawn on "
                "their own and its margins of error are too small. About 24 neighbours were "
                "interviewed in each drawn village: pass `cluster=\"village_id\"`.",
                "zh": "这个设计没有群（cluster），把每位受访者都当作单独抽中的，误差范围会偏小。"
                "每个抽中的村访问了约 24 位邻居：请加上 `cluster=\"village_id\"`。",
            },
            test=lambda p, d: not getattr(d, "cluster_cols", None),
        ),
        Mistake(
            {
                "en": "The clusters should be the villages that were drawn: "
                "`cluster=\"village_id\"`.",
                "zh": "群应该是抽中的村：`cluster=\"village_id\"`。",
            },
            test=lambda p, d: "village_id" not in getattr(d, "cluster_cols", []),
        ),
    )

    def expected(self) -> dict[str, Any]:
        return _facts(_design(self.data("trust_survey")))

    def export(self, value: Any) -> Any:
        return _design_facts(value) if _is_design(value) else value

    def check(self, *values: Any) -> None:
        value = values[0]
        name = self.name
        if _is_design(value):
            value = _design_facts(value)
        if isinstance(value, UnreadableDesign):
            raise Incorrect(Msg.from_texts({
                "en": "`{name}` is a survey design, but it cannot be used: {error}. Run the "
                "cell that builds it again.",
                "zh": "`{name}` 是一个调查设计，但无法使用：{error}。请重新运行建立它的单元格。",
            }, name=name, error=value.error))
        if not isinstance(value, DesignFacts):
            if isinstance(value, pd.DataFrame):
                raise Incorrect(Msg.from_texts({
                    "en": "`{name}` is a table, not a design. Wrap the survey in a design: "
                    "`{name} = Design(survey, weights=..., strata=..., cluster=..., nest=True)`.",
                    "zh": "`{name}` 是一个表格，不是调查设计。请把调查数据放进 Design："
                    "`{name} = Design(survey, weights=..., strata=..., cluster=..., "
                    "nest=True)`。",
                }, name=name))
            if isinstance(value, type):
                raise Incorrect(Msg.from_texts({
                    "en": "`{name}` is `Design` itself. Call it with the survey and the design "
                    "facts in brackets: `Design(survey, weights=..., ...)`.",
                    "zh": "`{name}` 是 `Design` 本身。请在括号里写上调查数据和设计信息来调用它："
                    "`Design(survey, weights=..., ...)`。",
                }, name=name))
            raise Incorrect(Msg(
                "exercises.wrong_type", name=name,
                expected=Msg.from_texts({"en": "a survey design (`Design(...)`)",
                              "zh": "一个调查设计（`Design(...)`）"}),
                found=describe(value),
            ))
        want, got = self.expected(), _facts(value)
        if got["rows"] != want["rows"]:
            raise Incorrect(Msg.from_texts({
                "en": "`{name}` holds {found} respondents, but the survey has {expected}. Build "
                "the design on the whole survey (all waves); choose years and townships later, "
                "when you estimate.",
                "zh": "`{name}` 包含 {found} 位受访者，但调查共有 {expected} 位。请用完整的调查"
                "数据（所有年份）建立设计；估计时再选年份和乡镇。",
            }, name=name, found=got["rows"], expected=want["rows"]))
        same = all(got[k] == want[k] for k in ("n_strata", "n_psu", "degf")) and math.isclose(
            got["weight_total"], want["weight_total"], rel_tol=1e-9
        )
        if same:
            return
        for mistake in self._mistakes:
            if mistake.matches(self, value):
                raise Incorrect(mistake.message)
        raise Incorrect(Msg.from_texts({
            "en": "`{name}` has {strata} strata, {psu} clusters (PSUs) and {degf} degrees of "
            "freedom, but the survey's design has {want_strata} strata, {want_psu} clusters and "
            "{want_degf}. Check `strata=`, `cluster=` and `nest=`.",
            "zh": "`{name}` 有 {strata} 个层、{psu} 个群（PSU），自由度为 {degf}；而调查的设计"
            "应有 {want_strata} 个层、{want_psu} 个群，自由度为 {want_degf}。请检查 `strata=`、"
            "`cluster=` 和 `nest=`。",
        }, name=name, strata=got["n_strata"], psu=got["n_psu"], degf=got["degf"],
            want_strata=want["n_strata"], want_psu=want["n_psu"], want_degf=want["degf"]))


# --------------------------------------------------------------------------- q2
class SatisfiedShare2024(_SurveyProblem):
    _var = "sat_share_2024"
    _title = {
        "en": f"Weighted share satisfied with township cadres in {YEAR}",
        "zh": f"{YEAR} 年对乡镇干部满意的加权比例",
    }
    _hints = [
        {
            "en": "Add a column that is True for answers 4 and 5: "
            "`survey[\"satisfied\"] = survey[\"sat_township\"] >= 4`. \"Don't know\" stays "
            "empty (NA), and the design leaves it out.",
            "zh": "加一列，回答 4 和 5 时为 True：`survey[\"satisfied\"] = "
            "survey[\"sat_township\"] >= 4`。“不知道”仍是空值（NA），设计会把它排除。",
        },
        {
            "en": "`design` was built on `survey`, so it sees a column you add to `survey` "
            "later (add it to `survey` itself, not to a copy). Do not sort or drop rows of "
            "`survey`, or change its weights, after building `design`: the design would stop "
            "with an error. `design.mean(\"satisfied\", by=\"year\")` gives one row per year.",
            "zh": "`design` 是用 `survey` 建立的，所以之后给 `survey` 新加的列它都能看到（请加在 "
            "`survey` 本身上，不要加在副本上）。建立 `design` 之后，不要对 `survey` 排序、删行或"
            "修改权重：那样设计会报错停下。`design.mean(\"satisfied\", by=\"year\")` "
            "每年给出一行。",
        },
        {
            "en": f"Take the `estimate` of the row where `year` is {YEAR}: "
            f"`by_year.loc[by_year[\"year\"] == {YEAR}, \"estimate\"].item()`.",
            "zh": f"取 `year` 为 {YEAR} 那一行的 `estimate`："
            f"`by_year.loc[by_year[\"year\"] == {YEAR}, \"estimate\"].item()`。",
        },
    ]
    _solution = (
        'survey["satisfied"] = survey["sat_township"] >= 4\n'
        'by_year = design.mean("satisfied", by="year")\n'
        f'sat_share_{YEAR} = by_year.loc[by_year["year"] == {YEAR}, "estimate"].item()'
    )
    _mistakes = (
        Mistake(
            {
                "en": "This is the unweighted share. Young villagers, who are less satisfied, "
                "were interviewed less often than they live in the county: use the weights "
                "(`design.mean`).",
                "zh": "这是未加权的比例。满意度较低的年轻村民被访问得比他们在全县人口中的比例少："
                "请使用权重（`design.mean`）。",
            },
            value=lambda p: _wmean(p.wave()["satisfied"]),
        ),
        Mistake(
            {
                "en": "This counts \"don't know\" as \"not satisfied\". Someone who does not know "
                "is neither: leave the NA answers out (`survey[\"sat_township\"] >= 4` keeps "
                "them NA; do not fill them with False).",
                "zh": "这把“不知道”算成了“不满意”。不知道的人既不算满意也不算不满意：请把 NA 的"
                "回答排除（`survey[\"sat_township\"] >= 4` 会保留 NA，不要把它们填成 False）。",
            },
            value=lambda p: _wmean(p.wave()["satisfied"].fillna(False), p.wave()["weight"]),
        ),
        Mistake(
            {
                "en": f"This pools every survey wave. The question asks for {YEAR} only: use "
                "`by=\"year\"` and take that year's row.",
                "zh": f"这把所有年份合在了一起。题目只问 {YEAR} 年：请用 `by=\"year\"`，"
                "再取这一年的那一行。",
            },
            value=lambda p: p.overall()["estimate"],
        ),
        Mistake(
            {
                "en": f"This is unweighted and pools every wave. Use `design.mean` and the "
                f"{YEAR} row.",
                "zh": f"这既没有加权，又合并了所有年份。请用 `design.mean`，并取 {YEAR} 年那一行。",
            },
            value=lambda p: _wmean(p.wave(None)["satisfied"]),
        ),
        Mistake(
            {
                "en": "This is the average score (1–5), as in exercise 00. The question asks "
                "for the share who are satisfied (answer 4 or 5): a number between 0 and 1.",
                "zh": "这是平均分（1–5 分），即练习 00 的答案。题目问的是满意（回答 4 或 5）的"
                "人所占比例：一个 0 到 1 之间的数。",
            },
            value=lambda p: p.by_year("sat_township").loc[YEAR, "estimate"],
        ),
        Mistake(
            {
                "en": "This also counts answer 3 (\"neither\") as satisfied. Satisfied means "
                "4 or 5: `>= 4`.",
                "zh": "这把回答 3（“一般”）也算成了满意。满意指 4 或 5：`>= 4`。",
            },
            value=lambda p: _wmean(p.wave()["sat_township"] >= 3, p.wave()["weight"]),
        ),
        Mistake(
            {
                "en": "This counts only answer 5 (\"very satisfied\"). Satisfied means 4 or 5: "
                "`>= 4`.",
                "zh": "这只算了回答 5（“非常满意”）。满意指 4 或 5：`>= 4`。",
            },
            value=lambda p: _wmean(p.wave()["sat_township"] == 5, p.wave()["weight"]),
        ),
        Mistake(
            {
                "en": "This is the share who are *not* satisfied (answers 1–3). Satisfied "
                "means 4 or 5: `>= 4`.",
                "zh": "这是*不*满意（回答 1–3）的比例。满意指 4 或 5：`>= 4`。",
            },
            value=lambda p: 1 - p.by_year().loc[YEAR, "estimate"],
        ),
    )

    def expected(self) -> float:
        return float(self.by_year().loc[YEAR, "estimate"])


# --------------------------------------------------------------------------- q3
def _srs_se(problem: Any, answer: Any) -> bool:
    """The textbook formula sqrt(p (1 - p) / n), with a weighted or unweighted p."""
    wave = problem.wave()
    n = int(wave["satisfied"].notna().sum())
    shares = (problem.by_year().loc[YEAR, "estimate"], _wmean(wave["satisfied"]))
    return any(_near(answer, math.sqrt(p * (1 - p) / n)) for p in shares)


def _margin(problem: Any, answer: Any) -> bool:
    row = problem.by_year().loc[YEAR]
    return _near(answer, row["ci_high"] - row["estimate"]) or _near(answer, 1.96 * row["se"])


class SatisfiedSE2024(_SurveyProblem):
    _var = "sat_se_2024"
    _title = {
        "en": f"Standard error of the {YEAR} share satisfied",
        "zh": f"{YEAR} 年满意比例的标准误",
    }
    _hints = [
        {
            "en": "The table that `design.mean(...)` returns has a column `se` next to "
            "`estimate`: the standard error that counts weights, strata and villages.",
            "zh": "`design.mean(...)` 返回的表里，`estimate` 旁边有一列 `se`：它是考虑了权重、"
            "层和村（群）的标准误。",
        },
        {
            "en": f"Take it from the same row as in question 2: "
            f"`by_year.loc[by_year[\"year\"] == {YEAR}, \"se\"].item()`.",
            "zh": f"从第 2 题的同一行取出："
            f"`by_year.loc[by_year[\"year\"] == {YEAR}, \"se\"].item()`。",
        },
    ]
    _solution = f'sat_se_{YEAR} = by_year.loc[by_year["year"] == {YEAR}, "se"].item()'
    _mistakes = (
        Mistake(
            {
                "en": "This standard error comes from a design with weights only, which treats "
                "every respondent as drawn on their own. Neighbours in one village answer "
                "alike, so it is too small: use the design with strata and clusters.",
                "zh": "这个标准误来自只有权重的设计，它把每位受访者都当作单独抽中的。同一个村的"
                "邻居回答相近，所以它偏小：请用包含层和群的设计。",
            },
            value=lambda p: p.by_year(naive=True).loc[YEAR, "se"],
        ),
        Mistake(
            {
                "en": "This is the textbook formula √(p(1−p)/n) for a simple random sample. "
                "The survey drew villages, not people: take the `se` that `design.mean` "
                "computes.",
                "zh": "这是简单随机抽样的公式 √(p(1−p)/n)。本调查先抽村、再访人：请取 "
                "`design.mean` 算出的 `se`。",
            },
            test=_srs_se,
        ),
        Mistake(
            {
                "en": "This is the half-width of the 95% interval (the margin of error, about "
                "2 × se). The question asks for the standard error itself: column `se`.",
                "zh": "这是 95% 置信区间的半宽（误差范围，约为 2 × se）。题目要的是标准误本身："
                "`se` 列。",
            },
            test=_margin,
        ),
        Mistake(
            {
                "en": f"This is the standard error of the share for all waves together. Take "
                f"the {YEAR} row.",
                "zh": f"这是所有年份合并后比例的标准误。请取 {YEAR} 年那一行。",
            },
            value=lambda p: p.overall()["se"],
        ),
        Mistake(
            {
                "en": "This is the standard error of the average score (1–5). Take the one of "
                "the share satisfied, `satisfied`.",
                "zh": "这是平均分（1–5 分）的标准误。请取满意比例（`satisfied`）的标准误。",
            },
            value=lambda p: p.by_year("sat_township").loc[YEAR, "se"],
        ),
        Mistake(
            {
                "en": "This is the share itself (question 2). The standard error is in the "
                "column `se`.",
                "zh": "这是比例本身（第 2 题）。标准误在 `se` 列。",
            },
            value=lambda p: p.by_year().loc[YEAR, "estimate"],
        ),
        Mistake(
            {
                "en": "This is the design effect (`deff`). The standard error is in the "
                "column `se`.",
                "zh": "这是设计效应（`deff`）。标准误在 `se` 列。",
            },
            value=lambda p: p.by_year().loc[YEAR, "deff"],
        ),
        Mistake(
            {
                "en": "This is the variance, the square of the standard error. Take `se`.",
                "zh": "这是方差，即标准误的平方。请取 `se`。",
            },
            value=lambda p: p.by_year().loc[YEAR, "se"] ** 2,
        ),
    )

    def expected(self) -> float:
        return float(self.by_year().loc[YEAR, "se"])


# --------------------------------------------------------------------------- q4
class TrustCounty2024(_SurveyProblem):
    _var = "trust_county_2024"
    _title = {
        "en": f"Weighted share trusting the county government in {YEAR}",
        "zh": f"{YEAR} 年信任县政府的加权比例",
    }
    _hints = [
        {
            "en": "Trust runs from 1 (a great deal) to 4 (none at all). Trusting means "
            "answer 1 or 2: `survey[\"trust_county\"] <= 2`.",
            "zh": "信任程度从 1（非常信任）到 4（完全不信任）。信任指回答 1 或 2："
            "`survey[\"trust_county\"] <= 2`。",
        },
        {
            "en": "Store it as a column of `survey`, then proceed as in question 2: "
            "`design.mean(\"trusts_county\", by=\"year\")`.",
            "zh": "把它存为 `survey` 的一列，然后像第 2 题那样："
            "`design.mean(\"trusts_county\", by=\"year\")`。",
        },
    ]
    _solution = (
        'survey["trusts_county"] = survey["trust_county"] <= 2\n'
        'county = design.mean("trusts_county", by="year")\n'
        f'trust_county_{YEAR} = county.loc[county["year"] == {YEAR}, "estimate"].item()'
    )
    _mistakes = (
        Mistake(
            {
                "en": "This also counts answer 3 (\"not much\") as trust. Trusting means 1 or 2: "
                "`<= 2`.",
                "zh": "这把回答 3（“不太信任”）也算成了信任。信任指 1 或 2：`<= 2`。",
            },
            value=lambda p: p._share(p.wave()["trust_county"] <= 3),
        ),
        Mistake(
            {
                "en": "This counts only answer 1 (\"a great deal\"). Trusting means 1 or 2: "
                "`<= 2`.",
                "zh": "这只算了回答 1（“非常信任”）。信任指 1 或 2：`<= 2`。",
            },
            value=lambda p: p._share(p.wave()["trust_county"] == 1),
        ),
        Mistake(
            {
                "en": "This is the share who do *not* trust the county (answers 3–4). The scale "
                "runs from 1 = a great deal to 4 = none at all: trusting is `<= 2`.",
                "zh": "这是*不*信任县政府（回答 3–4）的比例。量表是 1 = 非常信任 … 4 = 完全不信任："
                "信任是 `<= 2`。",
            },
            value=lambda p: p._share(p.wave()["trust_county"] >= 3),
        ),
        Mistake(
            {
                "en": "This is the unweighted share. Use the survey weights (`design.mean`).",
                "zh": "这是未加权的比例。请使用调查权重（`design.mean`）。",
            },
            value=lambda p: _wmean(p.wave()["trust_county"] <= 2),
        ),
        Mistake(
            {
                "en": "This counts \"don't know\" and \"refused\" as not trusting. Report the "
                "share of those who answered: keep the NA answers NA (use the cleaned table, "
                "and do not fill NA with False).",
                "zh": "这把“不知道”和“拒答”算成了不信任。请报告作答者中的比例：让 NA 保持为 NA"
                "（使用清洗后的表，不要把 NA 填成 False）。",
            },
            value=lambda p: _wmean(
                (p.wave()["trust_county"] <= 2).fillna(False), p.wave()["weight"]
            ),
        ),
        Mistake(
            {
                "en": "This is trust in the *township* government. The question asks about the "
                "county: `trust_county`.",
                "zh": "这是对*乡镇*政府的信任。题目问的是县政府：`trust_county`。",
            },
            value=lambda p: p._share(p.wave()["trust_township"] <= 2),
        ),
        Mistake(
            {
                "en": f"This pools every survey wave. Take the {YEAR} row.",
                "zh": f"这把所有年份合在了一起。请取 {YEAR} 年那一行。",
            },
            value=lambda p: _wmean(p.wave(None)["trust_county"] <= 2, p.wave(None)["weight"]),
        ),
    )

    def _share(self, flags: pd.Series) -> float:
        return _wmean(flags, self.wave().loc[flags.index, "weight"])

    def expected(self) -> float:
        return self._share(self.wave()["trust_county"] <= 2)


# --------------------------------------------------------------------------- q5
def _zero_or_nan(problem: Any, answer: Any) -> bool:
    return is_number(answer) and (math.isnan(float(answer)) or float(answer) == 0)


class DontKnowProvince(_SurveyProblem):
    _var = "dk_province"
    _title = {
        "en": "Weighted share answering \"don't know\" about the provincial government",
        "zh": "对省政府信任回答“不知道”的加权比例",
    }
    _hints = [
        {
            "en": "In the cleaned table \"don't know\" is NA, so it cannot be counted. Load "
            "the answers as collected: `raw = rk.load_trust_survey(raw=True)`, where "
            "\"don't know\" is code 8 (and \"refused\" is 9).",
            "zh": "在清洗后的表里“不知道”是 NA，无法计数。请加载原始回答："
            "`raw = rk.load_trust_survey(raw=True)`，其中“不知道”的代码是 8（“拒答”是 9）。",
        },
        {
            "en": "Mark the don't-know answers: `raw[\"dk_province\"] = raw[\"trust_province\"] "
            "== 8`.",
            "zh": "标出回答“不知道”的人：`raw[\"dk_province\"] = raw[\"trust_province\"] == 8`。",
        },
        {
            "en": "Build a design on `raw`, with the same arguments as `design`, and take the "
            "`estimate` of `raw_design.mean(\"dk_province\")`.",
            "zh": "用与 `design` 相同的参数在 `raw` 上建立设计，再取 "
            "`raw_design.mean(\"dk_province\")` 的 `estimate`。",
        },
    ]
    _solution = (
        'raw["dk_province"] = raw["trust_province"] == 8\n'
        'raw_design = Design(raw, weights="weight", strata=["year", "township_id"],\n'
        '                    cluster="village_id", nest=True)\n'
        'dk_province = raw_design.mean("dk_province")["estimate"].item()'
    )
    _mistakes = (
        Mistake(
            {
                "en": "You get 0 (or nothing) because the cleaned table has no code 8: there "
                "\"don't know\" is NA. Use `rk.load_trust_survey(raw=True)`.",
                "zh": "结果是 0（或空值），因为清洗后的表里没有代码 8：那里“不知道”是 NA。"
                "请用 `rk.load_trust_survey(raw=True)`。",
            },
            test=_zero_or_nan,
        ),
        Mistake(
            {
                "en": "This is the unweighted share. Women and villagers with little schooling "
                "say \"don't know\" more often, and they are not sampled in proportion: use "
                "the weights (a design on `raw`).",
                "zh": "这是未加权的比例。女性和受教育少的村民更常回答“不知道”，而他们在样本中的"
                "比例与总体不同：请使用权重（在 `raw` 上建立设计）。",
            },
            value=lambda p: _wmean(p.raw_survey()["trust_province"] == 8),
        ),
        Mistake(
            {
                "en": "This counts \"refused\" (9) as well as \"don't know\" (8), e.g. all the "
                "NA answers of the cleaned table. The question asks for \"don't know\" "
                "only: `== 8` in the raw table.",
                "zh": "这把“拒答”（9）和“不知道”（8）算在了一起，例如数了清洗后表中所有的 NA。"
                "题目只问“不知道”：在原始表中用 `== 8`。",
            },
            value=lambda p: p._dk(lambda s: s >= 8),
        ),
        Mistake(
            {
                "en": "This counts \"refused\" (9) as well as \"don't know\" (8), and it is "
                "unweighted. Use `== 8` in the raw table, and the weights.",
                "zh": "这把“拒答”（9）和“不知道”（8）算在了一起，而且没有加权。请在原始表中用 "
                "`== 8`，并使用权重。",
            },
            value=lambda p: _wmean(p.raw_survey()["trust_province"] >= 8),
        ),
        Mistake(
            {
                "en": f"This is {YEAR} only. The question asks for all six waves together.",
                "zh": f"这只是 {YEAR} 年的。题目要的是六轮调查合在一起的比例。",
            },
            value=lambda p: p._dk(lambda s: s == 8, year=YEAR),
        ),
        Mistake(
            {
                "en": "This is the don't-know share for the *county* government. The question "
                "asks about the province: `trust_province`.",
                "zh": "这是对*县*政府回答“不知道”的比例。题目问的是省政府：`trust_province`。",
            },
            value=lambda p: p._dk(lambda s: s == 8, column="trust_county"),
        ),
    )

    def _dk(self, rule: Any, *, year: int | None = None, column: str = "trust_province") -> float:
        raw = self.raw_survey()
        if year is not None:
            raw = raw[raw["year"] == year]
        return _wmean(rule(raw[column]), raw["weight"])

    def expected(self) -> float:
        return self._dk(lambda s: s == 8)


# --------------------------------------------------------------------------- q6
def _first(values: Any) -> Any:
    return values[0] if isinstance(values, tuple) and values else values


class ChangeT05(_SurveyProblem):
    _vars = ("change_t05", "low_t05", "high_t05")
    _title = {
        "en": f"Change in satisfaction in Longquan ({HALL_TOWNSHIP}), {WAVES[0]} to "
        f"{WAVES[1]}, with its 95% interval",
        "zh": f"龙泉镇（{HALL_TOWNSHIP}）{WAVES[0]} 到 {WAVES[1]} 年满意度的变化及其 95% 置信区间",
    }
    _hints = [
        {
            "en": "`design.difference(\"satisfied\", between=\"year\", levels=(a, b), "
            "by=\"township_id\")` compares two waves in every township. Its `estimate` is "
            "b minus a.",
            "zh": "`design.difference(\"satisfied\", between=\"year\", levels=(a, b), "
            "by=\"township_id\")` 比较每个乡镇的两轮调查。其 `estimate` 是 b 减 a。",
        },
        {
            "en": f"The change from {WAVES[0]} to {WAVES[1]} is {WAVES[1]} minus {WAVES[0]}: "
            f"`levels=({WAVES[0]}, {WAVES[1]})`.",
            "zh": f"从 {WAVES[0]} 到 {WAVES[1]} 年的变化是 {WAVES[1]} 年减 {WAVES[0]} 年："
            f"`levels=({WAVES[0]}, {WAVES[1]})`。",
        },
        {
            "en": f"Pick the row of {HALL_TOWNSHIP}: "
            f"`t05 = change.set_index(\"township_id\").loc[\"{HALL_TOWNSHIP}\"]`, then "
            "`t05[\"estimate\"]`, `t05[\"ci_low\"]` and `t05[\"ci_high\"]`.",
            "zh": f"取出 {HALL_TOWNSHIP} 那一行："
            f"`t05 = change.set_index(\"township_id\").loc[\"{HALL_TOWNSHIP}\"]`，再取 "
            "`t05[\"estimate\"]`、`t05[\"ci_low\"]` 和 `t05[\"ci_high\"]`。",
        },
    ]
    _solution = (
        f'change = design.difference("satisfied", between="year", levels={WAVES},\n'
        '                           by="township_id")\n'
        f't05 = change.set_index("township_id").loc["{HALL_TOWNSHIP}"]\n'
        'change_t05 = t05["estimate"]\n'
        'low_t05 = t05["ci_low"]\n'
        'high_t05 = t05["ci_high"]'
    )
    _mistakes = (
        Mistake(
            {
                "en": f"This is the change the wrong way round ({WAVES[0]} minus {WAVES[1]}), "
                f"so a rise shows as a fall. `levels=(a, b)` gives b − a: write "
                f"`levels=({WAVES[0]}, {WAVES[1]})`.",
                "zh": f"方向反了（{WAVES[0]} 年减 {WAVES[1]} 年），上升会显示成下降。"
                f"`levels=(a, b)` 给出 b − a：请写 `levels=({WAVES[0]}, {WAVES[1]})`。",
            },
            test=lambda p, v: _near(_first(v), -p.expected()[0]),
        ),
        Mistake(
            {
                "en": "The change is right, but the interval is too narrow: it comes from a "
                "design with weights only, which ignores that respondents were drawn "
                "village by village. Use `design` (with strata and clusters).",
                "zh": "变化量是对的，但区间太窄：它来自只有权重的设计，忽略了受访者是按村抽取的。"
                "请用 `design`（包含层和群）。",
            },
            test=lambda p, v: _all_near(v, p._row(naive=True)),
        ),
        Mistake(
            {
                "en": "The lower and upper ends of the interval are swapped: `low_t05` is "
                "`ci_low`, `high_t05` is `ci_high`.",
                "zh": "区间的下限和上限写反了：`low_t05` 是 `ci_low`，`high_t05` 是 `ci_high`。",
            },
            test=lambda p, v: _all_near(v, [p.expected()[i] for i in (0, 2, 1)]),
        ),
        Mistake(
            {
                "en": f"This is the change for the whole county. The question asks for "
                f"Longquan: use `by=\"township_id\"` and the row of {HALL_TOWNSHIP}.",
                "zh": f"这是全县的变化。题目问的是龙泉镇：请用 `by=\"township_id\"`，"
                f"并取 {HALL_TOWNSHIP} 那一行。",
            },
            test=lambda p, v: _near(_first(v), p._row(by=None)[0]),
        ),
        Mistake(
            {
                "en": f"This is the change in another township. Take the row whose "
                f"`township_id` is \"{HALL_TOWNSHIP}\".",
                "zh": f"这是另一个乡镇的变化。请取 `township_id` 为 \"{HALL_TOWNSHIP}\" 的那一行。",
            },
            test=lambda p, v: any(_near(_first(v), e) for e in p._other_townships()),
        ),
        Mistake(
            {
                "en": f"This compares another pair of years. The question asks for {WAVES[0]} "
                f"to {WAVES[1]}, the year Longquan opened its service hall.",
                "zh": f"这比较的是另外两个年份。题目问的是 {WAVES[0]} 到 {WAVES[1]} 年，"
                "即龙泉镇开设便民服务大厅的那一年。",
            },
            test=lambda p, v: any(_near(_first(v), e) for e in p._other_years()),
        ),
        Mistake(
            {
                "en": "This is the change in the average score (1–5). The question asks about "
                "the share satisfied: compare `\"satisfied\"`.",
                "zh": "这是平均分（1–5 分）的变化。题目问的是满意比例：请比较 `\"satisfied\"`。",
            },
            test=lambda p, v: _near(_first(v), p._row(var="sat_township")[0]),
        ),
        Mistake(
            {
                "en": f"This is the share satisfied in {WAVES[1]} (or {WAVES[0]}), not the "
                "change between the two: take the column `estimate`.",
                "zh": f"这是 {WAVES[1]} 年（或 {WAVES[0]} 年）的满意比例，不是两年之间的变化："
                "请取 `estimate` 列。",
            },
            test=lambda p, v: any(_near(_first(v), e) for e in p._levels()),
        ),
        Mistake(
            {
                "en": "This is the unweighted change. Use the survey weights: "
                "`design.difference(...)`.",
                "zh": "这是未加权的变化。请使用调查权重：`design.difference(...)`。",
            },
            test=lambda p, v: _near(_first(v), p._unweighted()),
        ),
    )

    def _difference(self, *, var: str = "satisfied", levels: tuple[int, int] = WAVES,
                    by: str | None = "township_id", naive: bool = False) -> pd.DataFrame:
        def compute() -> pd.DataFrame:
            survey = self.survey()
            design = _weights_only(survey) if naive else _design(survey)
            table = design.difference(var, between="year", levels=levels, by=by)
            return table.set_index(by) if by else table

        return self.cached(("difference", var, levels, by, naive), compute)

    def _row(self, *, by: str | None = "township_id", **kwargs: Any) -> tuple[float, ...]:
        table = self._difference(by=by, **kwargs)
        row = table.loc[HALL_TOWNSHIP] if by else table.iloc[0]
        return float(row["estimate"]), float(row["ci_low"]), float(row["ci_high"])

    def _other_townships(self) -> list[float]:
        table = self._difference()
        return [float(e) for t, e in table["estimate"].items() if t != HALL_TOWNSHIP]

    def _other_years(self) -> list[float]:
        years = sorted(int(y) for y in self.data("trust_survey")["year"].unique())
        pairs = [(a, b) for a, b in zip(years, years[1:], strict=False) if (a, b) != WAVES]
        return [self._row(levels=pair)[0] for pair in pairs]

    def _levels(self) -> list[float]:
        row = self._difference().loc[HALL_TOWNSHIP]
        return [float(row["estimate_a"]), float(row["estimate_b"])]

    def _unweighted(self) -> float:
        survey = self.survey()
        town = survey[survey["township_id"] == HALL_TOWNSHIP]
        a, b = (_wmean(town.loc[town["year"] == y, "satisfied"]) for y in WAVES)
        return b - a

    def expected(self) -> tuple[float, float, float]:
        return self._row()

    def check(self, *values: Any) -> None:
        expected = self.expected()
        problems = [
            compare(value, want, name=name, rtol=self._rtol, atol=self._atol)
            for value, want, name in zip(values, expected, self.var_names, strict=True)
        ]
        first = next((p for p in problems if p is not None), None)
        if first is None:
            return
        for mistake in self._mistakes:
            if mistake.matches(self, tuple(values)):
                raise Incorrect(mistake.message)
        raise Incorrect(first)


# --------------------------------------------------------------------------- q7
class BeyondChance(ChangeT05):
    _vars = ()
    _var = "beyond_chance"
    _title = {
        "en": "Can Longquan's change be told apart from chance?",
        "zh": "龙泉镇的变化能和偶然波动区分开吗？",
    }
    _hints = [
        {
            "en": "A change of zero is consistent with your data when it lies inside the "
            "interval, between `low_t05` and `high_t05`.",
            "zh": "如果 0 落在区间内（`low_t05` 和 `high_t05` 之间），那么“没有变化”也与数据相符。",
        },
        {
            "en": "The change stands out from chance when the whole interval is above zero or "
            "the whole interval is below zero: `low_t05 > 0 or high_t05 < 0`.",
            "zh": "当整个区间都在 0 以上或都在 0 以下时，变化才能和偶然波动区分开："
            "`low_t05 > 0 or high_t05 < 0`。",
        },
    ]
    _solution = "beyond_chance = bool(low_t05 > 0 or high_t05 < 0)"
    _mistakes = ()

    def expected(self) -> bool:  # type: ignore[override]
        _, low, high = self._row()
        return bool(low > 0 or high < 0)

    def check(self, *values: Any) -> None:
        value = values[0]
        expected = self.expected()
        problem = compare(value, expected, name=self.name)
        if problem is None:
            return
        if isinstance(value, bool | np.bool_):
            _, low, high = self._row()
            texts = {
                True: {
                    "en": "The 95% interval in your data runs from {low} to {high}: all of it is "
                    "on one side of zero, so a change of zero does not fit your data. The "
                    "change can be told apart from chance: `True`.",
                    "zh": "您数据中的 95% 置信区间是 {low} 到 {high}：整个区间都在 0 的同一侧，"
                    "“没有变化”与数据不符。这个变化能和偶然波动区分开：`True`。",
                },
                False: {
                    "en": "The 95% interval in your data runs from {low} to {high} and contains "
                    "zero: a change of zero fits your data as well as the estimate does. It "
                    "cannot be told apart from chance: `False`.",
                    "zh": "您数据中的 95% 置信区间是 {low} 到 {high}，包含 0：“没有变化”和估计值"
                    "一样与数据相符。它不能和偶然波动区分开：`False`。",
                },
            }
            raise Incorrect(Msg.from_texts(texts[expected], low=f"{low:+.3f}", high=f"{high:+.3f}"))
        if is_number(value):
            raise Incorrect(Msg.from_texts({
                "en": "`{name}` is a number. Answer with `True` or `False`: does the 95% "
                "interval lie entirely above or entirely below zero?",
                "zh": "`{name}` 是一个数。请用 `True` 或 `False` 回答：95% 置信区间是否整个在 0 "
                "以上或整个在 0 以下？",
            }, name=self.name))
        raise Incorrect(problem)


# --------------------------------------------------------------------------- q8
class OddsRatioFairness(_SurveyProblem):
    _var = "or_fairness"
    _title = {
        "en": "Odds ratio of trusting the township for one step of fairness",
        "zh": "公平感每高一级，信任乡镇政府的比值比",
    }
    _hints = [
        {
            "en": "Fit the logistic regression with the design: "
            "`drivers = design.glm(formula, family=\"binomial\")`.",
            "zh": "用调查设计拟合 logistic 回归：`drivers = design.glm(formula, "
            "family=\"binomial\")`。",
        },
        {
            "en": "`drivers.summary_frame()` has one row per term. The column `estimate` is "
            "on the log-odds scale; `odds_ratio` is its exponential, the number a report "
            "quotes.",
            "zh": "`drivers.summary_frame()` 每个自变量一行。`estimate` 列是对数几率（log-odds），"
            "`odds_ratio` 是它的指数，即报告中引用的比值比。",
        },
        {
            "en": "Pick the row `fairness` and the column `odds_ratio`: "
            "`drivers.summary_frame().set_index(\"term\").loc[\"fairness\", \"odds_ratio\"]`.",
            "zh": "取 `fairness` 这一行、`odds_ratio` 这一列："
            "`drivers.summary_frame().set_index(\"term\").loc[\"fairness\", \"odds_ratio\"]`。",
        },
    ]
    _solution = (
        'drivers = design.glm(formula, family="binomial")\n'
        'or_fairness = drivers.summary_frame().set_index("term").loc["fairness", "odds_ratio"]'
    )
    _mistakes = (
        Mistake(
            {
                "en": "This is the coefficient on the log-odds scale (`estimate`). The odds ratio "
                "is its exponential: take the column `odds_ratio` (or `np.exp(...)`).",
                "zh": "这是对数几率尺度上的系数（`estimate`）。比值比是它的指数：请取 "
                "`odds_ratio` 列（或用 `np.exp(...)`）。",
            },
            value=lambda p: p._term("fairness", "estimate"),
        ),
        Mistake(
            {
                "en": "This comes from a linear regression. Trusting or not is a yes/no answer: "
                "fit a logistic regression with `family=\"binomial\"`.",
                "zh": "这来自线性回归。信任与否是“是/否”的回答：请用 `family=\"binomial\"` "
                "拟合 logistic 回归。",
            },
            test=lambda p, a: _near(a, p._term("fairness", "estimate", family="gaussian"))
            or _near(a, math.exp(p._term("fairness", "estimate", family="gaussian"))),
        ),
        Mistake(
            {
                "en": "This is the odds ratio of *corruption*. The question asks about "
                "`fairness`.",
                "zh": "这是*腐败感知*（corruption）的比值比。题目问的是公平感 `fairness`。",
            },
            value=lambda p: p._term("corruption", "odds_ratio"),
        ),
        Mistake(
            {
                "en": "This is one end of the odds ratio's 95% interval (`or_ci_low` or "
                "`or_ci_high`). Take the odds ratio itself: `odds_ratio`.",
                "zh": "这是比值比 95% 置信区间的一端（`or_ci_low` 或 `or_ci_high`）。请取比值比"
                "本身：`odds_ratio`。",
            },
            test=lambda p, a: _near(a, p._term("fairness", "or_ci_low"))
            or _near(a, p._term("fairness", "or_ci_high")),
        ),
        Mistake(
            {
                "en": "This model has fairness alone. Use the whole `formula`, so that the odds "
                "ratio compares villagers alike in the other factors.",
                "zh": "这个模型里只有公平感。请用完整的 `formula`，这样比值比比较的是其他因素相同的"
                "村民。",
            },
            value=lambda p: p._term(
                "fairness", "odds_ratio", formula="trusts_township ~ fairness"
            ),
        ),
    )

    def _term(self, term: str, column: str, *, formula: str = FORMULA,
              family: str = "binomial") -> float:
        def compute() -> pd.DataFrame:
            survey = self.survey()
            survey = survey.assign(
                trusts_township=survey["trust_township"] <= 2,
                unresolved_dispute=survey["dispute_outcome"] == "unresolved",
            )
            fit = _design(survey).glm(formula, family=family)
            return fit.summary_frame().set_index("term")

        return float(self.cached(("glm", formula, family), compute).loc[term, column])

    def expected(self) -> float:
        return self._term("fairness", "odds_ratio")


# --------------------------------------------------------------------------- q9
def _has(*columns: str, without: Sequence[str] = ()) -> Any:
    def test(problem: Any, answer: Any) -> bool:
        return (
            isinstance(answer, pd.DataFrame)
            and all(c in answer.columns for c in columns)
            and not any(c in answer.columns for c in without)
        )

    return test


class SuppressVillages(_SurveyProblem):
    _var = "safe"
    _key = "village_id"
    _extra_columns = True
    _what = {"en": "village_id", "zh": "village_id（村）"}
    _title = {
        "en": f"A village table safe to publish (at least {MIN_N} respondents)",
        "zh": f"可以公布的分村表（至少 {MIN_N} 位受访者）",
    }
    _hints = [
        {
            "en": "Estimate the share satisfied for each village, all waves pooled: "
            "`design.mean(\"satisfied\", by=\"village_id\")`.",
            "zh": "估计每个村的满意比例（各年合并）：`design.mean(\"satisfied\", "
            "by=\"village_id\")`。",
        },
        {
            "en": f"Pass that table to `suppress_small_cells(..., min_n={MIN_N})`: it blanks the "
            "estimates with fewer respondents (column `n`) and adds a column `suppressed`.",
            "zh": f"把这张表交给 `suppress_small_cells(..., min_n={MIN_N})`：它会把受访者"
            "（`n` 列）太少的估计清空，并加上 `suppressed` 列。",
        },
    ]
    _solution = (
        'by_village = design.mean("satisfied", by="village_id")\n'
        f"safe = suppress_small_cells(by_village, min_n={MIN_N})"
    )
    _hidden_tests = (
        HiddenTest(
            "shown_estimates",
            {
                "en": "the estimates left in the table are the weighted shares satisfied, "
                "and the suppressed ones are blank",
                "zh": "表中保留的估计值是加权满意比例，被隐藏的估计为空",
            },
            points=1.0,
        ),
    )
    _mistakes = (
        Mistake(
            {
                "en": "This table has one row per village *and year*. Each village has only "
                "about 24 respondents a year, so every cell would be suppressed: pool the "
                "waves with `by=\"village_id\"`.",
                "zh": "这张表每个村每年一行。每个村每年只有约 24 位受访者，所有格子都会被隐藏："
                "请用 `by=\"village_id\"` 把各年合并。",
            },
            test=_has("year"),
        ),
        Mistake(
            {
                "en": "This table is by township. The question asks for one row per village: "
                "`by=\"village_id\"`.",
                "zh": "这是分乡镇的表。题目要求每个村一行：`by=\"village_id\"`。",
            },
            test=_has("township_id", without=("village_id",)),
        ),
        Mistake(
            {
                "en": "The small cells are not suppressed yet: pass the table to "
                f"`suppress_small_cells(..., min_n={MIN_N})`.",
                "zh": f"小样本的格子还没有隐藏：请把表交给 `suppress_small_cells(..., "
                f"min_n={MIN_N})`。",
            },
            test=_has("estimate", without=("suppressed",)),
        ),
        Mistake(
            {
                "en": f"This uses the default threshold of 30 respondents. The county's rule "
                f"is at least {MIN_N}: `min_n={MIN_N}`.",
                "zh": f"这用的是默认门槛 30 人。县里的规定是至少 {MIN_N} 人：`min_n={MIN_N}`。",
            },
            test=lambda p, a: compare(
                a, p._table(30)[["village_id", "n", "suppressed"]], key="village_id",
                extra_columns=True,
            ) is None,
        ),
    )

    def _table(self, min_n: int = MIN_N) -> pd.DataFrame:
        def compute() -> pd.DataFrame:
            by_village = _design(self.survey()).mean("satisfied", by="village_id")
            return suppress_small_cells(by_village, min_n=min_n)

        return self.cached(("villages", min_n), compute)

    def expected(self) -> pd.DataFrame:
        return self._table()[["village_id", "n", "suppressed"]]

    def check(self, *values: Any) -> None:
        value = values[0]
        if isinstance(value, pd.DataFrame) and self._key not in (
            *value.columns, *value.index.names
        ):
            # a table without village_id cannot be matched row by row: say why first
            for mistake in self._mistakes:
                if mistake.matches(self, value):
                    raise Incorrect(mistake.message)
            raise Incorrect(Msg.from_texts({
                "en": "`{name}` has no column `village_id`, so its rows cannot be matched with "
                "the villages. Keep that column (estimate `by=\"village_id\"`).",
                "zh": "`{name}` 中没有 `village_id` 列，无法和各村逐行核对。请保留这一列"
                "（用 `by=\"village_id\"` 估计）。",
            }, name=self.name))
        super().check(*values)

    def shown_estimates(self, value: Any) -> None:
        """Hidden test: the estimates are the right ones, blank where suppressed."""
        problem = compare(
            value, self._table()[["village_id", "estimate"]], name=self.name,
            key="village_id", extra_columns=True,
        )
        if problem is not None:
            raise Incorrect(problem)


SETUP = f"""\
import ruralkit as rk
from ruralkit.survey import Design, suppress_small_cells
survey = rk.load_trust_survey()
raw = rk.load_trust_survey(raw=True)
survey["trusts_township"] = survey["trust_township"] <= 2
survey["unresolved_dispute"] = survey["dispute_outcome"] == "unresolved"
formula = {FORMULA!r}
"""

exercise_set = ExerciseSet(
    "01",
    {"en": "Is \"+9 points\" real? Estimates from a sample survey",
     "zh": "“提高 9 个百分点”是真的吗？——抽样调查的估计"},
    [
        DeclareDesign,
        SatisfiedShare2024,
        SatisfiedSE2024,
        TrustCounty2024,
        DontKnowProvince,
        ChangeT05,
        BeyondChance,
        OddsRatioFairness,
        SuppressVillages,
    ],
    notebook="01_trust_survey",
    setup=SETUP,
)

bind = exercise_set.bind
____ = PLACEHOLDER
# q1, q2, ... read the answers from the notebook (the __main__ module in Jupyter)
q1, q2, q3, q4, q5, q6, q7, q8, q9 = exercise_set.views().values()
