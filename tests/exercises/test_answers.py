"""Tests of ruralkit.exercises.answers: the hand-over file, written in the kernel and read by
the grader within its limits; a bad file is a message, never a traceback or a huge allocation."""

from __future__ import annotations

import json
import os
import pickle
import tracemalloc

import pandas as pd
import pytest

from ruralkit.exercises import answers, get_set
from ruralkit.exercises.codec_base import Limits
from ruralkit.exercises.placeholder import PLACEHOLDER


def _write(tmp_path, text, name="answers.json"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return str(path)


def _payload(answers_=None, **changes):
    payload = {"format": "ruralkit-answers", "version": 2, "token": "t",
               "answers": answers_ or {}, "names": []}
    return json.dumps({**payload, **changes})


def test_a_solved_set_goes_through_the_file_and_back(tmp_path):
    namespace = get_set("00").solve()
    namespace.update(villages=PLACEHOLDER, junk=lambda: 1)
    out = str(tmp_path / "answers.json")
    answers.export_answers("00", namespace, out=out, token="t")
    values, placeholders, names = answers.read_answers(out, "t")
    assert "villages" in placeholders and "junk" not in names
    assert isinstance(values["distance_by_township"], pd.Series)
    assert type(values["ax"]).__name__ == "ChartFacts"
    text = open(out, encoding="ascii").read()
    assert "pickle" not in text and json.loads(text)["format"] == "ruralkit-answers"


def test_a_value_over_the_limits_is_handed_in_as_a_stand_in(tmp_path):
    out = str(tmp_path / "answers.json")
    big = pd.DataFrame({"x": range(5000)})
    answers.export_answers("00", {"n_villages": big, "villages": big}, out=out, token="t",
                           limits=Limits(file_bytes=200_000))
    values, _, _ = answers.read_answers(out, "t", limits=Limits(file_bytes=200_000))
    kinds = {type(values["n_villages"]).__name__, type(values["villages"]).__name__}
    assert kinds == {"DataFrame", "Opaque"}  # the first fits, the second not any more


def test_the_100_byte_pickle_that_built_2_gib_is_not_read(tmp_path):
    bomb = b"\x80\x04\x95" + (2**31).to_bytes(8, "little") + b"\x00" * 80
    assert len(bomb) < 100
    tracemalloc.start()
    try:
        with pytest.raises(answers.AnswerFileError):
            answers.loads_value(bomb)
        with pytest.raises(answers.AnswerFileError):
            answers.read_answers(_write(tmp_path, bomb), "t")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000


@pytest.mark.parametrize("text, key", [
    (b"\xff\xfe{}", "not_utf8"),
    (_payload()[:-10], "not_json"),
    ("", "not_json"),
    (_payload().replace('"names": []', '"names": [NaN]'), "bad_number"),
    (_payload().replace('"t",', '"t", "token": "t",'), "duplicate_key"),
    (_payload(version=1), "bad_layout"),
    (_payload(extra=1), "bad_layout"),
    (_payload(answers=[]), "bad_layout"),
    (_payload(token="u"), "wrong_token"),
    (json.dumps([{"token": "t"}]), "bad_layout"),
    ("[" * 5000 + "]" * 5000, "too_deep"),
], ids=lambda v: v if isinstance(v, str) and len(v) < 20 else None)
def test_a_file_that_breaks_the_rules_says_why(tmp_path, text, key):
    with pytest.raises(answers.AnswerFileError) as caught:
        answers.read_answers(_write(tmp_path, text), "t")
    assert caught.value.msg.key == f"exercises.handover_{key}"


def test_a_file_over_the_size_limit_is_not_read(tmp_path):
    path = _write(tmp_path, _payload(names=["x" * 5000]))
    with pytest.raises(answers.AnswerFileError, match="larger than 1000 bytes"):
        answers.read_answers(path, "t", limits=Limits(file_bytes=1000))


def test_pipes_links_and_missing_files_are_refused_without_waiting(tmp_path):
    fifo = tmp_path / "answers.json"
    os.mkfifo(fifo)
    with pytest.raises(answers.AnswerFileError, match="not a regular file"):
        answers.read_answers(str(fifo), "t")
    with pytest.raises(answers.AnswerFileError, match="cannot open"):
        answers.read_answers(str(tmp_path / "none.json"), "t")


def test_one_bad_value_is_unreadable_and_the_others_are_read(tmp_path):
    entries = {"n_villages": {"state": "value", "type": "int", "value": 60},
               "villages": {"state": "value", "type": "DataFrame",
                            "value": {"$": "frame", "columns": 1}},
               "n households": {"state": "value", "type": "int", "value": 1},
               "ax": {"state": "placeholder"}, "sat_2024": {"state": "value", "type": "x"},
               "dist": {"state": "haunted"}}
    values, placeholders, _ = answers.read_answers(_write(tmp_path, _payload(entries)), "t")
    assert values["n_villages"] == 60 and placeholders == {"ax"}
    assert values["villages"].unreadable and values["villages"].type_name == "DataFrame"
    assert values["sat_2024"].unreadable and "n households" not in values
    assert "dist" not in values


def test_old_pickled_files_are_refused(tmp_path):
    old = json.dumps({"token": "t", "names": [], "answers": {"n": {
        "state": "value", "type": "int", "pickle": pickle.dumps(1).hex()}}})
    with pytest.raises(answers.AnswerFileError):
        answers.read_answers(_write(tmp_path, old), "t")


_NO_SET_MODULES = r'''
import importlib.abc, json, re, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if re.match(r"ruralkit\.exercises\.set\d\d$", name):
            raise ImportError("the set module must not be imported: " + name)
sys.meta_path.insert(0, Block())
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import ruralkit as rk
from ruralkit.exercises.answers import export_listed
_, ax = plt.subplots()
ax.bar(["a"], [1])
namespace = {"design": rk.survey_design(rk.load_trust_survey()), "ax": ax, "safe": 1}
export_listed(json.loads(sys.argv[1]), namespace, out=sys.argv[2], token="t")
print(sorted(m for m in sys.modules if re.match(r"ruralkit\.exercises\.set\d\d$", m)))
'''


def test_the_listed_export_of_an_assessment_never_imports_a_set_module(tmp_path):
    import subprocess
    import sys

    entries = answers.listed_entries(get_set("01")) + answers.listed_entries(get_set("00"))
    out = str(tmp_path / "answers.json")
    run = subprocess.run([sys.executable, "-c", _NO_SET_MODULES, json.dumps(entries), out],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "[]"
    values, _, _ = answers.read_answers(out, "t")
    assert type(values["design"]).__name__ == "DesignFacts"
    assert type(values["ax"]).__name__ == "ChartFacts" and values["safe"] == 1
    rows = {r["question"]: r for r in get_set("01").grade(dict(values))}
    assert rows["q1"]["status"] == "correct"
