"""Language setting and the one message mechanism of the kit (English and Chinese).

Every string the kit shows a person (errors, check feedback, grader notes,
gradebook labels, CLI output) is a :class:`Msg`: a catalogue key such as
``"core.unknown_dataset"`` plus its fields, formatted only when shown, in the
language chosen with :func:`set_language`. The texts live in gettext ``.po``
files, one per domain (``core``, ``survey``, ``exercises``, ``grading``,
``cli``...), in ``ruralkit/i18n/locale/zh/LC_MESSAGES/``: each entry's
``msgctxt`` is the key, its ``msgid`` the English and its ``msgstr`` the
Chinese, so a translator edits one file with any PO editor and never touches
Python. ``tests/test_i18n.py`` checks every catalogue is complete.

Examples
--------
>>> import ruralkit as rk
>>> rk.set_language("zh")
>>> rk.i18n.message("core.unknown_dataset", name="x", choices="villages")
"没有名为 'x' 的数据集。可用的数据集：villages"
>>> m = rk.i18n.Msg("core.unknown_dataset", name="x", choices="villages")
>>> m.render("en")
"There is no dataset called 'x'. Available datasets: villages"
>>> rk.set_language("en")
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .catalogue import catalogue_texts, domains

__all__ = [
    "LANGUAGES",
    "Msg",
    "RuralkitError",
    "as_msg",
    "domains",
    "get_language",
    "join",
    "message",
    "pick",
    "set_language",
]

LANGUAGES: dict[str, str] = {"en": "English", "zh": "中文 (简体)"}

_state = {"language": "en"}


def set_language(language: str) -> None:
    """Choose the language of labels, check messages and errors.

    Parameters
    ----------
    language : {"en", "zh"}
        ``"en"`` for English, ``"zh"`` for Simplified Chinese.

    Examples
    --------
    >>> import ruralkit as rk
    >>> rk.set_language("zh")
    >>> rk.get_language()
    'zh'
    >>> rk.set_language("en")
    """
    if not isinstance(language, str) or language.lower() not in LANGUAGES:
        choices = ", ".join(f"{k!r} ({v})" for k, v in LANGUAGES.items())
        raise ValueError(message("core.unknown_language", language=language, choices=choices))
    _state["language"] = language.lower()


def get_language() -> str:
    """Return the current language code, ``"en"`` or ``"zh"``."""
    return _state["language"]


def pick(texts: Mapping[str, str], language: str | None = None) -> str:
    """Return the text for ``language`` (default: current) from ``{"en": ..., "zh": ...}``.

    For texts that are data rather than messages (codebook labels, place
    names). Falls back to English where a text is missing.
    """
    return texts.get(language or get_language()) or texts["en"]


class Msg:
    """A message in every language, formatted in the current one when shown.

    Parameters
    ----------
    key : str
        ``"domain.name"``: the catalogue (``.po`` file) and the entry's
        ``msgctxt``. An unknown key raises ``KeyError`` at once, so a typo
        cannot pass silently.
    **fields
        Values for the ``str.format`` fields. A field that is itself a
        :class:`Msg` is rendered in the same language.

    Examples
    --------
    >>> Msg("core.unknown_language", language="fr", choices="en, zh").render("zh")
    "不支持的语言 'fr'。可选：en, zh。"
    """

    __slots__ = ("key", "texts", "fields")

    def __init__(self, key: str, /, **fields: Any) -> None:
        self.key = key
        self.texts = catalogue_texts(key)
        self.fields = fields

    @classmethod
    def from_texts(cls, texts: Mapping[str, str] | str, /, **fields: Any) -> Msg:
        """A message whose texts come from a content file, not a catalogue.

        Exercise sets keep their question text in their own content file
        (``exercises/content/setNN.toml``); this wraps one of its ``{en, zh}``
        tables so that it renders exactly as catalogue messages do.
        """
        self = cls.__new__(cls)
        self.key = None
        self.texts = {"en": texts} if isinstance(texts, str) else dict(texts)
        self.fields = fields
        return self

    def render(self, language: str | None = None) -> str:
        """Return the text in ``language`` (default: the current language)."""
        language = language or get_language()
        template = self.texts.get(language) or self.texts["en"]
        if not self.fields:
            return template
        fields = {
            k: (v.render(language) if isinstance(v, Msg) else v) for k, v in self.fields.items()
        }
        return template.format(**fields)

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Msg({self.render('en')!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Msg):
            return NotImplemented
        return all(self.render(lang) == other.render(lang) for lang in LANGUAGES)

    __hash__ = None  # type: ignore[assignment]

    def __add__(self, other: Msg | str) -> Msg:
        other = as_msg(other)
        return Msg.from_texts({lang: self.render(lang) + other.render(lang) for lang in LANGUAGES})

    def __radd__(self, other: str) -> Msg:
        return as_msg(other) + self


def as_msg(text: Msg | Mapping[str, str] | str | None) -> Msg:
    """Turn a ``Msg``, an ``{"en", "zh"}`` mapping or a plain string into a ``Msg``."""
    if isinstance(text, Msg):
        return text
    if text is None:
        return Msg.from_texts("")
    return Msg.from_texts(text)


def join(parts: Iterable[Msg | str], separator: str = "core.separator_list") -> Msg:
    """The parts one after another, with the language's own separator between them.

    ``separator`` is a catalogue key: ``"core.separator_list"`` (", " / "、") for
    a list of names, ``"core.separator_clauses"`` ("; " / "；") for clauses.

    Examples
    --------
    >>> join(["'id'", "'name'"]).render("zh")
    "'id'、'name'"
    """
    sep, items = Msg(separator), [as_msg(p) for p in parts]
    return Msg.from_texts({lang: sep.render(lang).join(m.render(lang) for m in items)
                           for lang in LANGUAGES})


def message(key: str, /, **fields: Any) -> str:
    """Format catalogue message ``key`` in the current language."""
    return Msg(key, **fields).render()


class RuralkitError(ValueError):
    """An error caused by the user's input, with a message that says what to do.

    Pass a catalogue key and fields (``RuralkitError.of("core.unknown_dataset",
    name=..., choices=...)``) or an already formatted text.
    """

    @classmethod
    def of(cls, key: str, /, **fields: Any) -> RuralkitError:
        """The error for catalogue message ``key``, in the current language."""
        error = cls(message(key, **fields))
        error.msg = Msg(key, **fields)
        return error
