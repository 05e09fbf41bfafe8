"""Reading the message catalogues: gettext ``.po`` files read with Babel.

Why ``.po`` read at run time and not compiled ``.mo``: the key of a message is
its ``msgctxt`` and its English its ``msgid``, so code needs the English text
from the catalogue too, which the standard library's ``gettext`` API cannot
give by key; Babel (already installed with JupyterLab) parses ``.po`` in a few
milliseconds, and an edit by a translator takes effect without a build step
that could go stale.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).with_name("locale")
#: Languages that have their own catalogue folder; English is each entry's msgid.
TRANSLATED = ("zh",)


def catalogue_path(domain: str, language: str = "zh") -> Path:
    """Path of the ``.po`` file of ``domain`` in ``language``."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"


def domains() -> list[str]:
    """The catalogue domains (one ``.po`` file each)."""
    return sorted(p.stem for p in (LOCALE_DIR / TRANSLATED[0] / "LC_MESSAGES").glob("*.po"))


@cache
def load_domain(domain: str) -> dict[str, dict[str, str]]:
    """All entries of one domain: ``{name: {"en": msgid, "zh": msgstr, ...}}``."""
    from babel.messages.pofile import read_po

    entries: dict[str, dict[str, str]] = {}
    for language in TRANSLATED:
        path = catalogue_path(domain, language)
        if not path.exists():
            raise KeyError(f"no message catalogue {path}")
        with open(path, "rb") as fh:
            catalogue = read_po(fh, locale=language, domain=domain)
        for entry in catalogue:
            if not entry.id:  # the header
                continue
            if entry.context is None:
                raise ValueError(f"{path}: entry {entry.id!r} has no msgctxt (its key)")
            texts = entries.setdefault(entry.context, {"en": entry.id})
            if entry.string and not entry.fuzzy:
                texts[language] = entry.string
    return entries


def catalogue_texts(key: str) -> dict[str, str]:
    """The texts of message ``key`` (``"domain.name"``) in every language."""
    domain, _, name = key.partition(".")
    try:
        return load_domain(domain)[name]
    except KeyError:
        raise KeyError(
            f"no message {key!r}: add an entry with msgctxt {name!r} to "
            f"{catalogue_path(domain)}"
        ) from None
