"""Loaders: typed frames, raw vs cleaned codes, codebooks, variants, clear errors."""

from __future__ import annotations

import pandas as pd
import pytest

import ruralkit as rk
from ruralkit import datasets

NAMES = ["villages", "trust_survey", "disputes", "households"]


@pytest.mark.parametrize("name", NAMES)
def test_columns_match_codebook_and_types(name):
    frame = datasets.load(name)
    book = rk.codebook(name)
    assert list(frame.columns) == book["variable"].tolist()
    kinds = dict(zip(book["variable"], book["type"], strict=True))
    for col, kind in kinds.items():
        dtype = frame[col].dtype
        if kind in ("category", "ordinal"):
            assert isinstance(dtype, pd.CategoricalDtype), col
            assert dtype.ordered == (kind == "ordinal"), col
            assert frame[col].notna().any(), col
        elif kind in ("integer", "item"):
            assert dtype == "Int64", col
        elif kind == "boolean":
            assert dtype == "boolean", col
        elif kind == "date":
            assert pd.api.types.is_datetime64_any_dtype(dtype), col
        elif kind == "float":
            assert dtype == "float64", col


def test_category_values_all_labelled():
    # A value outside the codebook's categories would silently become NA.
    for name in NAMES:
        raw = pd.read_csv(datasets.data_dir() / f"{name}.csv", dtype=str)
        typed = datasets.load(name)
        for col in typed.columns:
            if isinstance(typed[col].dtype, pd.CategoricalDtype):
                assert typed[col].isna().sum() == raw[col].isna().sum(), (name, col)


def test_raw_keeps_codes_and_clean_turns_them_into_na():
    raw = rk.load_trust_survey(raw=True)
    clean = rk.load_trust_survey()
    for item in ["trust_centre", "trust_township", "sat_township", "corruption"]:
        missing = raw[item].isin([8, 9])
        assert missing.any()
        assert clean[item][missing].isna().all()
        assert (clean[item][~missing] == raw[item][~missing]).all()
        assert clean[item].max() <= 5


def test_loaders_return_fresh_copies():
    first = rk.load_villages()
    first.loc[0, "population"] = -1
    assert rk.load_villages().loc[0, "population"] > 0


def test_list_datasets():
    listing = rk.list_datasets()
    assert listing["name"].tolist() == NAMES
    assert listing.set_index("name").loc["trust_survey", "rows"] == len(rk.load_trust_survey())


def test_codebook_has_bilingual_labels_and_value_labels():
    book = rk.codebook("trust_survey").set_index("variable")
    assert (book["label_zh"].str.len() > 0).all()
    assert book.loc["trust_centre", "question_zh"] == "您对中央政府的信任程度如何？"
    assert book.loc["trust_centre", "missing_codes"] == "8=Don't know | 9=Refused"
    assert datasets.value_labels("trust_survey", "sat_township", language="zh")[5] == "非常满意"
    rk.set_language("zh")
    assert datasets.label("disputes", "dispute_type") == "纠纷类型"


def test_variant_gives_other_numbers_same_structure():
    base = rk.load_households()
    rk.set_variant(2024)
    variant = rk.load_households()
    assert list(variant.columns) == list(base.columns)
    assert variant.dtypes.equals(base.dtypes)
    assert variant["village_id"].equals(base["village_id"])
    assert not variant["income_per_capita"].equals(base["income_per_capita"])
    assert rk.load_households(variant=2024).equals(variant)
    rk.set_variant(None)
    assert rk.load_households().equals(base)


def test_unknown_dataset_names_the_choices():
    with pytest.raises(ValueError, match="villages, trust_survey, disputes, households"):
        rk.codebook("trust")
    rk.set_language("zh")
    with pytest.raises(ValueError, match="没有名为 'trust' 的数据集"):
        datasets.load("trust")


def test_passing_a_dataframe_is_explained():
    with pytest.raises(TypeError, match="does not take your own data"):
        rk.codebook(pd.DataFrame())


def test_unknown_language_names_the_choices():
    with pytest.raises(ValueError, match=r"'en' \(English\).*'zh'"):
        rk.set_language("fr")
    assert rk.get_language() == "en"


def test_bad_variant_is_refused():
    with pytest.raises(TypeError, match="whole number"):
        rk.set_variant("abc")


def test_unknown_variable_lists_variables():
    with pytest.raises(ValueError, match="no variable 'trust'.*trust_centre"):
        datasets.label("trust_survey", "trust")



def test_list_datasets_counts_the_rows_of_the_variant_in_use():
    rk.set_variant(2024)
    listing = rk.list_datasets().set_index("name")
    assert listing.loc["disputes", "rows"] == len(rk.load_disputes())
