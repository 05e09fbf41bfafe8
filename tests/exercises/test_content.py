"""Tests of ruralkit.exercises.content and .registry: a set's content file and its
registered functions must name each other, or the set fails at import."""

from __future__ import annotations

import sys
import types

import pandas as pd
import pytest

from ruralkit.exercises import ContentError, Incorrect, expected, mistake
from ruralkit.exercises.content import build_problems, parse_content
from ruralkit.exercises.registry import code_of

HEAD = 'key = "99"\nnotebook = "99_demo"\ntitle = { en = "Demo", zh = "示例" }\n'
QUESTION = '''
[[question]]
var = "n"
title = { en = "Count", zh = "计数" }
[[question.mistake]]
value = "%s"
en = "That is the number of columns of `{name}`."
zh = "这是 `{name}` 的列数。"
'''
TINY = {"villages": pd.DataFrame({"village_id": ["V1", "V2", "V3"], "x": [1, 2, 3]})}


def _module(name: str) -> str:
    """A fresh module name whose functions register separately."""
    sys.modules[name] = types.ModuleType(name)
    return name


def _register(module: str) -> None:
    def n(q):
        return len(q.data("villages"))

    def n_columns(q):
        return q.data("villages").shape[1]

    for func in (n, n_columns):
        func.__module__ = module
    expected("n")(n)
    mistake("n_columns")(n_columns)


def test_a_content_file_and_its_functions_make_questions():
    module = _module("demo_content_ok")
    _register(module)
    content = parse_content(HEAD + QUESTION % "n_columns")
    (cls,) = build_problems(content, code_of(module), module=module, solutions=lambda: {})
    problem = cls(TINY)
    problem.check(3)
    with pytest.raises(Incorrect, match="number of columns of `n`"):
        problem.check(2)


def test_a_misspelt_name_fails_at_import():
    module = _module("demo_content_typo")
    _register(module)
    content = parse_content(HEAD + QUESTION % "n_colums")
    with pytest.raises(ContentError, match='no function is registered as mistake "n_colums"'):
        build_problems(content, code_of(module), module=module, solutions=lambda: {})


def test_a_function_no_question_names_fails_at_import():
    module = _module("demo_content_unused")
    _register(module)
    spare = lambda q: 0  # noqa: E731
    spare.__module__ = module
    mistake("spare")(spare)
    content = parse_content(HEAD + QUESTION % "n_columns")
    with pytest.raises(ContentError, match='"spare" is named by no question'):
        build_problems(content, code_of(module), module=module, solutions=lambda: {})


def test_content_errors_say_where():
    with pytest.raises(ContentError, match="not valid TOML"):
        parse_content("key = ")
    with pytest.raises(ContentError, match='unknown setting "tittle"'):
        parse_content(HEAD + '[[question]]\nvar = "n"\ntittle = "x"\n')
    with pytest.raises(ContentError, match="needs an English and a Chinese text"):
        parse_content(HEAD.replace('zh = "示例"', 'fr = "Démo"'))
    with pytest.raises(ContentError, match="设置项"):
        try:
            import ruralkit as rk

            rk.set_language("zh")
            parse_content('notebook = "x"\n')
        finally:
            rk.set_language("en")


def test_two_functions_with_one_name_are_refused():
    module = _module("demo_content_twice")
    first, second = (lambda q: 1), (lambda q: 2)
    first.__module__ = second.__module__ = module
    mistake("same")(first)
    with pytest.raises(TypeError, match="two functions registered as mistakes 'same'"):
        mistake("same")(second)
