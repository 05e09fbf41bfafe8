"""How grading words things: catalogue messages (domain ``grading``) in a given language.

A leaf module (it imports only the message layer). The gradebook and the
feedback files are written in the grading language, whatever language the
grader's own process is in, so every text here takes the language explicitly.

Examples
--------
>>> note("grading.note_duplicates", "zh", n=2, sid="s01")
'有 2 份提交的学号都是 s01'
>>> both_languages("grading.code_here")
'Your code here / 在此写代码'
>>> plain_number(2.0), plain_number(2.5), plain_number(None)
('2', '2.50', '')
"""

from __future__ import annotations

from typing import Any

from ruralkit.i18n import Msg

__all__ = ["both_languages", "note", "plain_number"]


def note(key: str, language: str, /, **fields: Any) -> str:
    """Catalogue message ``key`` rendered in ``language`` (fields that are ``Msg`` too)."""
    return Msg(key, **fields).render(language)


def both_languages(key: str, /, **fields: Any) -> str:
    """``"English / 中文"``: for the few texts built into notebooks for every reader."""
    msg = Msg(key, **fields)
    return f"{msg.render('en')} / {msg.render('zh')}"


def plain_number(x: float | None) -> str:
    """A number as the gradebook writes it: ``2`` for whole numbers, else two decimals."""
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"
