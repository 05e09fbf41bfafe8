"""Tests of ruralkit.exercises.compare: how an answer is compared and the message."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ruralkit.exercises import compare


@pytest.mark.parametrize(
    ("value", "expected", "fragment"),
    [
        (0.3 + 1e-12, 0.3, None),
        (np.float32(0.25), 0.25, None),
        (60.0, 60, None),
        (np.int64(60), 60, None),
        (30.0, 0.3, "percentage"),
        (0.003, 0.3, "proportion"),
        (3.46, 3.4567, "rounded"),
        ("60", 60, "not a number"),
        (pd.Series([60]), 60, "single value"),
        (None, 60, "None"),
        (len, 60, "function"),
        (True, 1, "should be a number"),
        (61, 60, "not the expected value"),
        (float("nan"), float("nan"), None),
    ],
)
def test_compare_numbers(value, expected, fragment):
    result = compare(value, expected, name="x")
    if fragment is None:
        assert result is None
    else:
        assert result is not None and fragment in result.render("en")


def test_compare_counts_do_not_guess_percentages():
    # 0.6 for a count of 60 is just wrong, not "a proportion"
    assert "proportion" not in compare(0.6, 60, name="n").render("en")


def test_compare_text_bool_and_sequences():
    assert compare(" Mountain ", "mountain", name="t") is None
    assert compare("Mountain", "mountain", name="t", case=True) is not None
    assert compare(np.bool_(True), True, name="b") is None
    assert "opposite" in compare(False, True, name="b").render("en")
    assert compare([3, 1, 2], [1, 2, 3], name="l") is None
    assert "order" in compare([3, 1, 2], [1, 2, 3], name="l", ordered=True).render("en")
    assert compare({"a", "b"}, {"b", "a"}, name="s") is None


def test_compare_series_is_order_and_dtype_insensitive():
    expected = pd.Series([1.5, 2.0], index=pd.Index(["T01", "T02"], name="township_id"))
    found = pd.Series([2, 1.5], index=["T02", "T01"], dtype="Float64", name="other")
    assert compare(found, expected, name="s") is None
    categorical = pd.Series([1.5, 2.0], index=pd.CategoricalIndex(["T01", "T02"]))
    assert compare(categorical, expected, name="s") is None
    assert "order" in compare(found, expected, name="s", ordered=True).render("en")


def test_compare_series_explains_what_differs():
    expected = pd.Series([1.5, 2.0, 3.0], index=pd.Index(["T01", "T02", "T03"], name="t"))
    wrong = expected.copy()
    wrong["T02"] = 9
    assert "at 'T02' you have 9, expected 2" in compare(wrong, expected, name="s").render("en")
    short = expected.drop("T03")
    text = compare(short, expected, name="s").render("en")
    assert "2 values" in text and "'T03'" in text
    numbered = expected.reset_index(drop=True)
    text = compare(numbered, expected, name="s", what="township").render("en")
    assert "reset_index" in text and "township" in text
    # groupby(...).mean().reset_index() is accepted: keys as a column
    assert compare(expected.reset_index(), expected, name="s") is None
    assert "single brackets" in compare(
        pd.DataFrame({"a": [1, 2], "b": [3, 4]}), expected, name="s"
    ).render("en")


def test_compare_frames_by_key_ignores_index_and_order():
    expected = pd.DataFrame({"village_id": ["V1", "V3"], "pop": [10, 30]}, index=[0, 2])
    found = expected.iloc[::-1].reset_index(drop=True).astype({"pop": "float64"})
    assert compare(found, expected, name="m", key="village_id") is None
    extra = found.assign(more=1)
    assert "not asked for" in compare(extra, expected, name="m", key="village_id").render("en")
    assert compare(extra, expected, name="m", key="village_id", extra_columns=True) is None
    missing = found.drop(columns="pop")
    assert "lacks" in compare(missing, expected, name="m", key="village_id").render("en")
    other_rows = pd.DataFrame({"village_id": ["V1", "V2"], "pop": [10, 20]})
    text = compare(other_rows, expected, name="m", key="village_id").render("en")
    assert "right number of rows" in text and "'V2'" in text and "'V3'" in text
    text = compare(found["pop"], expected, name="m", key="village_id").render("en")
    assert "double brackets" in text


def test_one_value_container_message_reads_well():
    """F: "a Series that holds a single value", not "a Series of 1 values holding …"."""
    result = compare(pd.Series([60]), 60, name="x")
    assert result.render("en").startswith(
        "`x` is a Series that holds a single value. The question asks for the number itself"
    )
    zh = result.render("zh")
    assert zh.startswith("`x` 是只含一个值的序列（Series）。题目要的是这个数本身")
    assert "一个含" not in zh
    assert "a list that holds" in compare([3.5], 3.5, name="x").render("en")
    text = compare(pd.Series(["mountain"]), "mountain", name="t")
    assert "the text itself" in text.render("en") and "这个文字本身" in text.render("zh")
