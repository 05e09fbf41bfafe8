"""Tests of ruralkit.survey.errors.

The error classes, and messages in English and Chinese from the survey catalogue.

Reference numbers: see tests/survey_fixtures.py.
"""

from __future__ import annotations

import pytest
from survey_fixtures import *  # noqa: F403 - the api samples and designs (pytest fixtures)

from ruralkit.survey import (
    ColumnNotFoundError,
    Design,
    DesignError,
    LonelyPSUError,
    NonNumericColumnError,
    SurveyError,
    WeightError,
    cronbach_alpha,
    scale_score,
    suppress_small_cells,
)


def test_errors_are_value_or_type_errors():
    assert issubclass(SurveyError, ValueError)
    for cls in (ColumnNotFoundError, WeightError, LonelyPSUError, DesignError):
        assert issubclass(cls, SurveyError)
    assert issubclass(NonNumericColumnError, TypeError)


def test_errors_in_chinese(chinese, dclus1, apiclus1):
    with pytest.raises(ColumnNotFoundError, match="变量列 'api0' 不在数据中。您是不是想用 'api00'"):
        dclus1.mean("api0")
    with pytest.raises(WeightError, match="权重列 'pw' 有 183 个负数"):
        Design(apiclus1.assign(pw=-1.0), weights="pw", cluster="dnum")
    with pytest.raises(LonelyPSUError, match="个分层（层）只抽到一个整群（初级抽样单元.*'Alameda'"):
        Design(apiclus1, cluster="dnum", strata="cname", weights="pw", nest=True)
    with pytest.raises(NonNumericColumnError, match="列 'stype' 是文字"):
        dclus1.mean("stype")
    with pytest.raises(ColumnNotFoundError, match="公式中的列 'meal'"):
        dclus1.glm("api00 ~ meal")


def test_errors_back_in_english_after_reset(dclus1):
    with pytest.raises(ColumnNotFoundError, match="variable column 'api0' is not in the data"):
        dclus1.mean("api0")


def test_every_error_has_its_message_in_both_languages(apiclus1, dclus1):
    # each error keeps its catalogue message: the Chinese is there whatever the language
    with pytest.raises(SurveyError) as err:
        dclus1.mean("api00", level=95)
    assert err.value.msg.render("en").startswith("level is the confidence level")
    assert err.value.msg.render("zh").startswith("level 是置信水平")


@pytest.mark.parametrize(("call", "zh"), [
    (lambda d, df: d.mean("api00", level=95), "置信水平"),
    (lambda d, df: d.difference("api00", between="awards", groups=("No", "Maybe")),
     "'Maybe' 不是 'awards' 的取值"),
    (lambda d, df: Design(df, strata="stype", cluster="dnum", weights="pw"),
     "整群（被抽中的村）"),
    (lambda d, df: Design(df.assign(pw="x"), weights="pw"), "权重列 'pw' 是文字"),
    (lambda d, df: Design(df, weights="pw", fpc="fpc").mean("api00", by="cname").contrast([1]),
     "对比（contrast）的系数"),
    (lambda d, df: scale_score(df, ["api00"], reverse=["api99"]), "反向计分的题目"),
    (lambda d, df: cronbach_alpha(df[["api00"]]), "至少需要两个题目"),
    (lambda d, df: suppress_small_cells(df, n_col="api00"), "没有找到要遮盖的估计列"),
    (lambda d, df: d.glm("api00 ~ ell", family="poisson"), "family 只能是"),
])
def test_errors_in_chinese_name_the_column_and_what_to_do(chinese, dclus1, apiclus1, call, zh):
    with pytest.raises((SurveyError, TypeError)) as err:
        call(dclus1, apiclus1)
    assert zh in str(err.value)
    assert "群" not in str(err.value).replace("整群", "")  # never a bare 群 (reads as 群众)
