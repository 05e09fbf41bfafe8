"""Language setting and the message catalogue (English and Chinese).

Every label, check message and error the kit shows a learner comes from a
catalogue keyed by a short identifier, so the two languages stay in step and a
missing translation is caught by the tests.

Examples
--------
>>> import ruralkit as rk
>>> rk.set_language("zh")
>>> rk.i18n.message("unknown_dataset", name="x", choices="villages")
"没有名为 'x' 的数据集。可用的数据集：villages"
>>> rk.set_language("en")
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES: dict[str, str] = {"en": "English", "zh": "中文 (简体)"}

_state = {"language": "en"}

MESSAGES: dict[str, dict[str, str]] = {
    "unknown_language": {
        "en": "Unknown language {language!r}. Choose one of: {choices}.",
        "zh": "不支持的语言 {language!r}。可选：{choices}。",
    },
    "unknown_dataset": {
        "en": "There is no dataset called {name!r}. Available datasets: {choices}",
        "zh": "没有名为 {name!r} 的数据集。可用的数据集：{choices}",
    },
    "dataset_not_frame": {
        "en": (
            "{func}() loads a bundled dataset by name; it does not take your own data. "
            "Your DataFrame is already loaded: use it directly."
        ),
        "zh": (
            "{func}() 按名称加载自带数据集，不接受您自己的数据。"
            "您的 DataFrame 已经加载好了，直接使用即可。"
        ),
    },
    "data_missing": {
        "en": (
            "The bundled data file {path} is missing. Run `make data` in the ruralkit "
            "folder to regenerate it, or reinstall the package."
        ),
        "zh": (
            "找不到自带数据文件 {path}。"
            "请在 ruralkit 文件夹中运行 `make data` 重新生成，或重新安装本工具包。"
        ),
    },
    "unknown_column": {
        "en": "{what}: there is no column {column!r} in the data. Available columns: {choices}",
        "zh": "{what}：数据中没有名为 {column!r} 的列。可用的列：{choices}",
    },
    "unknown_variable": {
        "en": "The codebook of {dataset!r} has no variable {name!r}. Variables: {choices}",
        "zh": "数据集 {dataset!r} 的编码手册中没有变量 {name!r}。变量有：{choices}",
    },
}


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
        raise ValueError(
            message("unknown_language", language=language, choices=choices)
        )
    _state["language"] = language.lower()


def get_language() -> str:
    """Return the current language code, ``"en"`` or ``"zh"``."""
    return _state["language"]


def pick(texts: Mapping[str, str]) -> str:
    """Return the text for the current language from ``{"en": ..., "zh": ...}``.

    Falls back to English where a Chinese text is missing.
    """
    return texts.get(get_language()) or texts["en"]


def message(key: str, **fields: object) -> str:
    """Format catalogue message ``key`` in the current language."""
    return pick(MESSAGES[key]).format(**fields)


class RuralkitError(ValueError):
    """An error caused by the user's input, with a message that says what to do."""
