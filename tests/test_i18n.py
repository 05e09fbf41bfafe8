"""Tests of ruralkit.i18n: the message mechanism and the completeness of every catalogue.

A catalogue is complete when every entry has a key (msgctxt), English (msgid)
and Chinese (msgstr, not fuzzy) with the same ``{fields}``; every key the code
names exists, and every catalogue entry is used by some code (no dead texts).
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

import ruralkit as rk
from ruralkit import i18n
from ruralkit.i18n.catalogue import LOCALE_DIR, TRANSLATED, load_domain

PACKAGE = Path(rk.__file__).resolve().parent
# Calls whose first argument is a catalogue key.
KEY_CALLS = {"Msg", "message", "of", "msg", "note", "error"}
KEY = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


def _fields(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0]
            for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _keys_in_code() -> dict[str, str]:
    """Every literal catalogue key in a call of KEY_CALLS in ruralkit/, with where it is."""
    found: dict[str, str] = {}
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            arg = node.args[0]
            if (name in KEY_CALLS and isinstance(arg, ast.Constant)
                    and isinstance(arg.value, str) and KEY.match(arg.value)):
                found.setdefault(arg.value, f"{path.relative_to(PACKAGE)}:{node.lineno}")
    return found


def test_there_are_catalogues_for_every_translated_language():
    assert i18n.domains(), "no catalogue found"
    for language in TRANSLATED:
        for domain in i18n.domains():
            assert (LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po").is_file()


@pytest.mark.parametrize("domain", i18n.domains())
def test_catalogue_is_complete_with_matching_fields(domain):
    entries = load_domain(domain)
    assert entries, domain
    for key, texts in entries.items():
        assert set(texts) == {"en", *TRANSLATED}, f"{domain}.{key} lacks a translation"
        for language in TRANSLATED:
            assert texts[language].strip(), f"{domain}.{key}: empty {language}"
            assert _fields(texts[language]) == _fields(texts["en"]), f"{domain}.{key}"


def test_every_key_in_the_code_is_in_a_catalogue_and_every_entry_is_used():
    used = _keys_in_code()
    missing = {k: where for k, where in used.items()
               if k.split(".")[1] not in load_domain(k.split(".")[0])}
    assert not missing, f"keys used in code but not in any catalogue: {missing}"
    known = {f"{d}.{k}" for d in i18n.domains() for k in load_domain(d)}
    # Keys built at run time (f"grading.status_{s}") are listed by their modules.
    dynamic = set()
    for path in PACKAGE.rglob("*.py"):
        dynamic |= set(re.findall(r"[\"']([a-z]+\.[a-z0-9_]+)[\"']", path.read_text("utf-8")))
    unused = known - set(used) - dynamic
    assert not unused, f"catalogue entries no code uses: {sorted(unused)}"


def test_unknown_key_fails_at_once():
    with pytest.raises(KeyError, match="msgctxt 'no_such_message'"):
        i18n.Msg("core.no_such_message")


def test_msg_follows_the_current_language_and_renders_fields_in_it():
    inner = i18n.Msg.from_texts({"en": "villages", "zh": "村"})
    m = i18n.Msg.from_texts({"en": "{n} {what}", "zh": "{n} 个{what}"}, n=3, what=inner)
    assert str(m) == "3 villages"
    rk.set_language("zh")
    try:
        assert str(m) == "3 个村"
        assert m.render("en") == "3 villages"
        assert str(m + "!") == "3 个村!"
    finally:
        rk.set_language("en")


def test_ruralkit_error_of_keeps_both_languages():
    error = i18n.RuralkitError.of("core.unknown_dataset", name="x", choices="villages")
    assert "no dataset called 'x'" in str(error)
    assert error.msg.render("zh").startswith("没有名为 'x' 的数据集")


def test_set_language_rejects_unknown_languages_in_the_current_language():
    with pytest.raises(ValueError, match="Unknown language 'fr'"):
        rk.set_language("fr")


# The exercise sets' content files are catalogues too: every text table has
# English and Chinese, non-empty, with the same {fields}.
CONTENT_FILES = sorted((PACKAGE / "exercises" / "content").glob("set*.toml"))


def _text_tables(node, where="") -> list[tuple[str, dict]]:
    if isinstance(node, dict):
        if "en" in node or "zh" in node:
            return [(where, node)]
        return [t for k, v in node.items() for t in _text_tables(v, f"{where}.{k}")]
    if isinstance(node, list):
        return [t for i, v in enumerate(node) for t in _text_tables(v, f"{where}[{i}]")]
    return []


@pytest.mark.parametrize("path", CONTENT_FILES, ids=lambda p: p.name)
def test_exercise_content_file_is_complete_with_matching_fields(path):
    import tomllib

    tables = _text_tables(tomllib.loads(path.read_text(encoding="utf-8")))
    assert len(tables) > 20, path
    for where, texts in tables:
        assert texts.get("en", "").strip() and texts.get("zh", "").strip(), f"{path.name}{where}"
        assert _fields(texts["zh"]) == _fields(texts["en"]), f"{path.name}{where}"


def test_there_are_content_files():
    assert len(CONTENT_FILES) >= 2
