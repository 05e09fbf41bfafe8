"""An exercise set's question content, read from ``content/setNN.toml``.

**Why TOML.** A question's content is structured (a title, hints in order,
mistakes each with the name of the function that recognises it, wrong-answer
examples each with its code and a piece of the message it must get) and
carries code beside the text. gettext ``.po`` files, which hold the kit's other
messages, are flat ``key -> text`` catalogues and can hold neither the structure
nor the code, and would split a question over several files. TOML is read by the
standard library (:mod:`tomllib`), keeps each question in one block an author can
edit without reading engine code, and writes English and Chinese side by side
(``en = ...``, ``zh = ...``); each such table becomes a message through
:meth:`ruralkit.i18n.Msg.from_texts`, the one message mechanism. The file sits
inside the package, so the wheel ships it.

A question::

    [[question]]
    var = "n_villages"                 # the answer variable (vars = [...] for several)
    title = { en = "How many villages?", zh = "有多少个村？" }

    [[question.hint]]
    en = "`len(table)` counts the rows of a table."
    zh = "`len(表格)` 可以数出表格的行数。"

    [[question.mistake]]
    value = "n_columns"                # a function of setNN.py, @mistake("n_columns")
    en = "This is the number of columns."
    zh = "这是列数。"

    [[question.wrong]]                 # a wrong answer the self-tests try
    answer = "villages.shape[1]"
    says = "number of columns"

Settings of a value question: ``points``, ``key``, ``ordered``, ``extra_columns``,
``case``, ``percent_check``, ``rtol``, ``atol``, ``what``; of an object answer:
``facts`` (a :class:`~.facts.Facts` kind), ``expects``, ``unreadable``; of a chart
(``kind = "chart"``): ``chart`` (``"bar"``/``"line"``), ``require_title``,
``require_xlabel``, ``require_ylabel``, ``check_labels``, ``count``; of a multiple choice
(``kind = "verdict"``): ``[[question.option]]`` (``en``, ``zh``, ``why``), ``correct``,
``number``, ``rtol``, ``atol``; of files for a report (``kind = "export"``): ``files``
(``"png"``/``"xlsx"``, one per variable), ``key``, ``rtol`` (see :mod:`.judgement`). Hidden tests:
``[[question.hidden]]`` with ``test``, ``points``, ``en``, ``zh``. Other right
answers: ``[[question.right]]`` with ``answer`` (and ``hidden_fails``/``says``).

Examples
--------
>>> from ruralkit.exercises.content import parse_content
>>> c = parse_content('key = "99"\\nnotebook = "99_demo"\\ntitle = {en = "Demo", zh = "示例"}\\n'
...                   '[[question]]\\nvar = "n"\\ntitle = {en = "Count", zh = "计数"}\\n')
>>> c.key, c.questions[0]["var"]
('99', 'n')
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruralkit.i18n import Msg, RuralkitError

from .engine import HiddenTest, Mistake, PlotProblem, Problem, ThoughtExperiment, ValueProblem
from .facts import Facts
from .judgement import ExportProblem, VerdictProblem
from .registry import SetCode
from .selftest import Example

__all__ = ["Content", "ContentError", "parse_content", "read_content", "build_problems"]


class ContentError(RuralkitError):
    """A content file that cannot be used: says which file, question and name."""


_VALUE_SETTINGS = {
    "key": "_key", "ordered": "_ordered", "extra_columns": "_extra_columns", "case": "_case",
    "percent_check": "_percent_check", "rtol": "_rtol", "atol": "_atol",
}
_CHART_SETTINGS = {
    "chart": "_kind", "require_title": "_require_title", "require_xlabel": "_require_xlabel",
    "require_ylabel": "_require_ylabel", "check_labels": "_check_labels", "rtol": "_rtol",
}
_VERDICT_SETTINGS = {"correct": "_correct", "number": "_number", "rtol": "_rtol", "atol": "_atol"}
_EXPORT_SETTINGS = {"files": "_files", "key": "_key", "rtol": "_rtol"}
_TEXTS = {"title", "what", "expects", "unreadable"}
_LISTS = {"hint", "mistake", "hidden", "wrong", "right", "option"}
_COMMON = {"kind", "var", "vars", "points", "count", "facts"} | _TEXTS | _LISTS
_KNOWN = _COMMON | set(_VALUE_SETTINGS) | set(_CHART_SETTINGS) | set(_VERDICT_SETTINGS) | set(
    _EXPORT_SETTINGS)


@dataclass
class Content:
    """A parsed content file: the set's key, notebook, title and question tables."""

    key: str
    notebook: str
    title: Msg
    questions: list[dict[str, Any]]
    file: str = "<content>"


def _fail(key: str, **fields: Any) -> ContentError:
    return ContentError.of(key, **fields)


def text_of(table: Any, *, file: str, question: str, what: str) -> Msg:
    """An ``{en, zh}`` table as a message (both texts required)."""
    if not isinstance(table, Mapping) or not all(
        isinstance(table.get(lang), str) and table.get(lang).strip() for lang in ("en", "zh")
    ):
        raise _fail("exercises.content_text", file=file, question=question, what=what)
    return Msg.from_texts({"en": table["en"], "zh": table["zh"]})


def parse_content(source: str, *, file: str = "<content>") -> Content:
    """Parse the text of a content file."""
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise _fail("exercises.content_syntax", file=file, error=str(exc)) from None
    for name in ("key", "notebook"):
        if not isinstance(data.get(name), str):
            raise _fail("exercises.content_missing", file=file, question="-", setting=name)
    questions = data.get("question", [])
    for number, question in enumerate(questions, start=1):
        unknown = sorted(set(question) - _KNOWN)
        if unknown:
            raise _fail("exercises.content_unknown_setting", file=file, question=f"q{number}",
                        setting=unknown[0])
    title = text_of(data.get("title"), file=file, question="-", what="title")
    return Content(data["key"], data["notebook"], title, list(questions), file)


def read_content(path: str | Path) -> Content:
    """Read and parse the content file at ``path``."""
    path = Path(path)
    return parse_content(path.read_text(encoding="utf-8"), file=path.name)


# =========================================================================== to classes
class _Builder:
    """Turns one question table into a Problem subclass, with the set's code."""

    def __init__(self, content: Content, code: SetCode, module: str,
                 solutions: Callable[[], Mapping[str, str]]) -> None:
        self.content, self.code, self.module, self.solutions = content, code, module, solutions
        self.used: dict[str, set[str]] = {"expected": set(), "mistakes": set(), "hidden": set()}

    def function(self, kind: str, name: Any, label: str) -> Callable[..., Any]:
        table = getattr(self.code, kind)
        if not isinstance(name, str) or name not in table:
            decorator = {"expected": "expected", "mistakes": "mistake", "hidden": "hidden"}[kind]
            raise _fail("exercises.content_no_function", file=self.content.file, question=label,
                        kind=decorator, name=str(name), module=self.module)
        self.used[kind].add(name)
        return table[name]

    def text(self, table: Any, label: str, what: str) -> Msg:
        return text_of(table, file=self.content.file, question=label, what=what)

    def mistake(self, spec: Mapping[str, Any], label: str) -> Mistake:
        message = self.text(spec, label, "mistake")
        stage = spec.get("stage", "value")
        if "value" in spec:
            func = self.function("mistakes", spec["value"], label)
            return Mistake(message, value=func, stage=stage)
        return Mistake(message, test=self.function("mistakes", spec.get("test"), label),
                       stage=stage)

    def hidden(self, spec: Mapping[str, Any], label: str, base: type[Problem],
               attrs: dict[str, Any]) -> HiddenTest:
        name = spec.get("test")
        if not (isinstance(name, str) and callable(getattr(base, name, None))):
            func = self.function("hidden", name, label)
            attrs[name] = lambda self, *values, _f=func: _f(self, *values)
        return HiddenTest(name, self.text(spec, label, "hidden test"),
                          points=float(spec.get("points", 1.0)))

    @staticmethod
    def examples(specs: Sequence[Mapping[str, Any]]) -> list[Example]:
        return [Example(answer=s["answer"], setup=s.get("setup", ""), says=s.get("says"),
                        hidden_fails=s.get("hidden_fails")) for s in specs]

    def base_and_settings(self, spec: Mapping[str, Any], label: str,
                          attrs: dict[str, Any]) -> type[Problem]:
        kind = spec.get("kind", "value")
        if kind == "thought":
            return ThoughtExperiment
        if kind == "verdict":
            return self.verdict(spec, label, attrs)
        if kind == "export":
            return self.export(spec, label, attrs)
        base: type[Problem] = PlotProblem if kind == "chart" else ValueProblem
        settings = _CHART_SETTINGS if kind == "chart" else _VALUE_SETTINGS
        attrs.update({attr: spec[key] for key, attr in settings.items() if key in spec})
        for key in ("what", "expects", "unreadable"):
            if key in spec:
                attrs[f"_{key}"] = self.text(spec[key], label, key)
        if "facts" in spec:
            facts = Facts._registry.get(spec["facts"])
            if facts is None:
                raise _fail("exercises.content_no_facts", file=self.content.file, question=label,
                            name=str(spec["facts"]))
            attrs["_facts"] = facts
        func = self.function("expected", attrs["_vars"][0] if attrs["_vars"] else attrs["_var"],
                             label)
        if kind == "chart":
            attrs["expected_values"] = lambda self, _f=func: self.cached("expected",
                                                                        lambda: _f(self))
            if spec.get("count", True):
                attrs["expected_count"] = lambda self: len(self.expected_values())
        else:
            attrs["expected"] = lambda self, _f=func: _f(self)
        return base

    def verdict(self, spec: Mapping[str, Any], label: str, attrs: dict[str, Any]) -> type[Problem]:
        options = spec.get("option", [])
        if len(options) < 2:
            raise _fail("exercises.content_missing", file=self.content.file, question=label,
                        setting="option")
        attrs["_options"] = tuple(self.text(o, label, "option") for o in options)
        attrs["_whys"] = tuple(self.text(o["why"], label, "why") if "why" in o else None
                               for o in options)
        attrs.update({attr: spec[key] for key, attr in _VERDICT_SETTINGS.items() if key in spec})
        var = attrs["_var"]
        if var in self.code.expected:
            func = self.function("expected", var, label)
            attrs["correct_letter"] = lambda self, _f=func: str(
                self.cached("expected", lambda: _f(self))).strip().upper()
        elif "correct" not in spec:
            raise _fail("exercises.content_missing", file=self.content.file, question=label,
                        setting="correct")
        if "number" in spec:
            attrs["_vars"] = (var, spec["number"])
            attrs["_var"] = None
            func = self.function("expected", spec["number"], label)
            attrs["expected_number"] = lambda self, _f=func: _f(self)
        return VerdictProblem

    def export(self, spec: Mapping[str, Any], label: str, attrs: dict[str, Any]) -> type[Problem]:
        names = attrs["_vars"] or (attrs["_var"],)
        files = spec.get("files", [])
        if len(files) != len(names) or not set(files) <= {"png", "xlsx"}:
            raise _fail("exercises.content_missing", file=self.content.file, question=label,
                        setting="files")
        attrs.update({attr: spec[key] for key, attr in _EXPORT_SETTINGS.items() if key in spec})
        attrs["_files"] = tuple(files)
        if names[0] in self.code.expected:
            func = self.function("expected", names[0], label)
            attrs["expected"] = lambda self, _f=func: _f(self)
        return ExportProblem

    def question(self, spec: Mapping[str, Any], number: int) -> type[Problem]:
        label = f"q{number}"
        names = [spec["var"]] if "var" in spec else list(spec.get("vars", []))
        attrs: dict[str, Any] = {
            "__module__": self.module,
            "_var": names[0] if len(names) == 1 else None,
            "_vars": tuple(names) if len(names) > 1 else (),
            "_title": self.text(spec.get("title"), label, "title"),
            "_hints": [self.text(h, label, "hint") for h in spec.get("hint", [])],
            "_solution": staticmethod(lambda: self.solutions().get(label, "")),
            "_wrong": self.examples(spec.get("wrong", [])),
            "_right": self.examples(spec.get("right", [])),
        }
        if "points" in spec:
            attrs["_points"] = float(spec["points"])
        base = self.base_and_settings(spec, label, attrs)
        attrs["_mistakes"] = tuple(self.mistake(m, label) for m in spec.get("mistake", []))
        attrs["_hidden_tests"] = tuple(
            self.hidden(h, label, base, attrs) for h in spec.get("hidden", [])
        )
        name = "Q" + "".join(part.title() for part in (names[0] if names else label).split("_"))
        return type(name, (base,), attrs)

    def check_all_used(self) -> None:
        for kind, decorator in (("expected", "expected"), ("mistakes", "mistake"),
                                ("hidden", "hidden")):
            unused = sorted(set(getattr(self.code, kind)) - self.used[kind])
            if unused:
                raise _fail("exercises.content_unused", file=self.content.file, module=self.module,
                            kind=decorator, name=unused[0])


def build_problems(content: Content, code: SetCode, *, module: str,
                   solutions: Callable[[], Mapping[str, str]]) -> list[type[Problem]]:
    """The question classes of ``content``, with the functions ``code`` registered.

    Raises :class:`ContentError` when the content names a function that is not
    registered, or a registered function is named by no question.
    """
    builder = _Builder(content, code, module, solutions)
    problems = [builder.question(spec, i) for i, spec in enumerate(content.questions, start=1)]
    builder.check_all_used()
    return problems
