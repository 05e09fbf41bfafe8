"""Tests of ruralkit.exercises.codec_base: hostile JSON is refused before it is built."""

from __future__ import annotations

import base64
import tracemalloc

import numpy as np
import pytest

from ruralkit.exercises.codec_base import (
    BadValue,
    Budget,
    HandoverError,
    Limits,
    decode_ndarray,
    load_json,
    parse_dtype,
    scan,
)


@pytest.mark.parametrize("text, key", [
    ("[" * 33 + "]" * 33, "too_deep"),
    ('{"a":' * 40 + "1" + "}" * 40, "too_deep"),
    ("[" + "[]," * 200_000 + "[]]", "too_many"),
    ("[" + "0," * 600_000 + "0]", "too_many"),
    ('{"a": 1, "a": 2}', "duplicate_key"),
    ('{"x": {"b": 1, "b": 1}}', "duplicate_key"),
    ("[NaN]", "bad_number"), ("[Infinity]", "bad_number"), ("[-Infinity]", "bad_number"),
    ("[1e999]", "bad_number"), ("[" + "9" * 5000 + "]", "bad_number"),
    ('{"a": [1, 2', "not_json"), ('{"a": "\\ud800', "not_json"), ("", "not_json"),
    ("[1] [2]", "not_json"), ('{"a": "x\ny"}', "not_json"), ("{'a': 1}", "not_json"),
])
def test_hostile_json_is_refused_with_a_catalogue_message(text, key):
    with pytest.raises(HandoverError) as caught:
        load_json(text)
    assert caught.value.msg.key == f"exercises.handover_{key}"
    assert caught.value.msg.render("zh") != caught.value.msg.render("en")


def test_brackets_inside_strings_are_not_structure():
    assert scan('["[[[[{{{{", "\\"]]]"]') == (3, 1, 1)
    assert load_json('["[" , "\\\\"]') == ["[", "\\"]


def test_deep_nesting_is_refused_before_parsing_even_far_beyond_the_recursion_limit():
    with pytest.raises(HandoverError):
        load_json("[" * 1_000_000 + "]" * 1_000_000)


def _record(shape, size, dtype="|u1"):
    return {"$": "ndarray", "dtype": dtype, "shape": shape,
            "b64": base64.b64encode(b"\0" * size).decode()}


@pytest.mark.parametrize("record", [
    _record([2**31], 0), _record([2**20, 2**20], 0), _record([10], 9), _record([10], 11),
    _record([-1], 0), _record([1.5], 1), _record([True], 1), _record([1] * 33, 1),
    _record([4], 4, dtype="<U0"), _record([1], 8, dtype="V8"), _record([1], 8, dtype="<f8[s]"),
    _record([1], 8, dtype="O"), {**_record([3], 3), "b64": "AAA*"},
    {**_record([3], 3), "extra": 1}, {"$": "ndarray", "dtype": "object", "shape": [2],
                                       "uniques": [1], "codes": base64.b64encode(
                                           np.array([0, 5], "<i4").tobytes()).decode()},
    {"$": "ndarray", "dtype": "object", "shape": [1], "uniques": [1, 2, 3],
     "codes": base64.b64encode(np.array([0], "<i4").tobytes()).decode()},
])
def test_declared_sizes_are_checked_against_the_bytes_before_allocating(record):
    tracemalloc.start()
    try:
        with pytest.raises(BadValue):
            decode_ndarray(record, Budget(), lambda v: v)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000


def test_the_budget_is_shared_by_every_value_of_a_file():
    budget = Budget(Limits(cells=10))
    decode_ndarray(_record([6], 6), budget, lambda v: v)
    with pytest.raises(BadValue, match="more than 10 cells"):
        decode_ndarray(_record([6], 6), budget, lambda v: v)


@pytest.mark.parametrize("text", ["<f8", "|b1", "<M8[ns]", "<m8[D]", "<U5", "|S3", "object"])
def test_fixed_size_dtypes_are_allowed(text):
    assert parse_dtype(text) == np.dtype(text)


@pytest.mark.parametrize("text", ["V8", "<V8", "O", "<U0", "f8, i4", "<f8[ns]", 8, "<M8[ns", ""])
def test_other_dtypes_are_refused(text):
    with pytest.raises(BadValue):
        parse_dtype(text)
