"""Tests of ruralkit.survey.columns: the checks and codings every survey module shares."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ruralkit.survey import ColumnNotFoundError, NonNumericColumnError, SurveyError
from ruralkit.survey.columns import (
    ROLES,
    as_list,
    category_blocks,
    category_codes,
    check_columns,
    check_level,
    numeric_values,
    onehot,
)


def test_as_list():
    assert as_list(None) == [] and as_list("a") == ["a"] and as_list(("a", "b")) == ["a", "b"]


@pytest.mark.parametrize("bad", [0, 1, 95, -0.5, True, "0.95", None])
def test_level_is_the_confidence_level_strictly_between_0_and_1(bad):
    with pytest.raises(SurveyError, match="level is the confidence level"):
        check_level(bad)
    assert check_level(0.9) == 0.9


def test_every_role_reads_in_both_languages():
    df = pd.DataFrame({"x": [1]})
    for role in ROLES:
        with pytest.raises(ColumnNotFoundError) as err:
            check_columns(df, ["nowhere"], role)
        assert "'nowhere'" in err.value.msg.render("en")
        assert "不在数据中" in err.value.msg.render("zh")


def test_numeric_values_of_yes_no_and_text():
    yes_no = pd.Series([True, None, False], dtype=object)
    np.testing.assert_array_equal(numeric_values(yes_no, "q", "mean"), [1.0, np.nan, 0.0])
    with pytest.raises(NonNumericColumnError, match="holds text"):
        numeric_values(pd.Series(["a", "b"]), "q", "total")


def test_categories_keep_categorical_order_and_blocks_cover_them():
    codes, cats = category_codes(pd.Series(pd.Categorical(["b", None, "a"], categories=["b", "a"])))
    assert cats == ["b", "a"] and codes.tolist() == [0, -1, 1]
    assert category_blocks(10, 5) == [(0, 5)]
    np.testing.assert_array_equal(onehot(codes, 0, 2), [[1, 0], [0, 0], [0, 1]])
