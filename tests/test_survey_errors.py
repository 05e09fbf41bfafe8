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
