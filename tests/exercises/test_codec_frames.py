"""Tests of ruralkit.exercises.codec_frames: pandas records that do not fit are refused."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from ruralkit.exercises.codec import decode, encode
from ruralkit.exercises.codec_base import BadValue, Budget, Limits
from ruralkit.exercises.codec_frames import decode_pandas, encode_pandas


def _enc(value):
    return json.loads(json.dumps(encode(value)))


FRAME = _enc(pd.DataFrame({"a": [1, 2], "c": pd.Categorical(["x", "y"])}))
SERIES = _enc(pd.Series(pd.array([1, None], dtype="Int64"), index=["a", "b"]))


def _broken_frames():
    short_column = json.loads(json.dumps(FRAME))
    short_column["data"] = short_column["data"][:1]
    wrong_length = json.loads(json.dumps(FRAME))
    wrong_length["index"]["stop"] = 3
    bad_codes = json.loads(json.dumps(FRAME))
    bad_codes["data"][1]["codes"] = _enc(np.array([0, 7], dtype="i1"))
    huge_range = json.loads(json.dumps(FRAME))
    huge_range["index"] = {"$": "index", "kind": "range", "start": 0, "stop": 10**15,
                           "step": 1, "name": None}
    return [short_column, wrong_length, bad_codes, huge_range]


def _broken_series():
    mask = json.loads(json.dumps(SERIES))
    mask["values"]["mask"] = _enc(np.array([True]))
    mask_type = json.loads(json.dumps(SERIES))
    mask_type["values"]["mask"] = _enc(np.array([1, 0]))
    unhashable = json.loads(json.dumps(SERIES))
    unhashable["name"] = [1]
    kind = json.loads(json.dumps(SERIES))
    kind["values"]["kind"] = "sparse"
    two_dims = json.loads(json.dumps(SERIES))
    two_dims["values"]["data"] = _enc(np.zeros((1, 2), dtype="i8"))
    return [mask, mask_type, unhashable, kind, two_dims]


OTHERS = [
    {"$": "index", "kind": "plain", "values": _enc(np.array(["2020-01-01"], "M8[ns]")),
     "name": None, "freq": "nonsense"},
    {"$": "index", "kind": "multi", "levels": [], "codes": [], "names": []},
    {"$": "index", "kind": "multi", "levels": [_enc(pd.Index([1]))],
     "codes": [_enc(np.array([3]))], "names": [None]},
    {"$": "index", "kind": "tree"},
    {"$": "array", "kind": "datetimetz", "values": _enc(np.array(["2020"], "M8[ns]")),
     "tz": "Mars/Olympus"},
    {"$": "array", "kind": "period", "ordinals": _enc(np.array([1])), "freq": "fortnightly"},
    {"$": "array", "kind": "string", "values": _enc(np.array([1], dtype=object)),
     "storage": "python", "na": "nan"},
    {"$": "array", "kind": "interval", "left": _enc(np.array([1, 2])),
     "right": _enc(np.array([1])), "closed": "left"},
    {"$": "timestamp", "iso": "not a date", "unit": "ns", "tz": None},
    {"$": "timestamp", "iso": "2020-01-01", "unit": "fortnight", "tz": None},
    {"$": "period", "ordinal": 1, "freq": "x"}, {"$": "interval", "left": 0, "right": 1,
                                                 "closed": "sideways"},
    {"$": "NA", "x": 1},
]


@pytest.mark.parametrize("record", _broken_frames() + _broken_series() + OTHERS, ids=repr)
def test_pandas_records_that_do_not_fit_are_bad_values(record):
    with pytest.raises(BadValue):
        decode(record)


def test_a_table_cannot_claim_more_cells_than_the_budget():
    with pytest.raises(BadValue, match="cells"):
        decode_pandas("frame", FRAME, Budget(Limits(cells=3)), lambda v: v)


def test_a_column_of_python_strings_stays_object_and_string_columns_stay_str():
    value = pd.DataFrame({"o": np.array(["a"], dtype=object), "s": ["a"]})
    done, record = encode_pandas(value, lambda v: v)
    back = decode(json.loads(json.dumps(record)))
    assert done and list(back.dtypes) == list(value.dtypes)
