"""Questions asking for judgement or a deliverable: :class:`VerdictProblem`, :class:`ExportProblem`.

A **verdict** (``kind = "verdict"`` in a content file) is a checked multiple choice: the
learner sets a variable to an option's letter (``answer_q9 = "B"``; ``"b"`` and ``"B."``
count, so does an option's text in either language). A wrong option gets its own
explanation (``why``), as "Not yet" feedback; optionally a number is checked beside the
choice (``number = "var"``, with ``atol``/``rtol``).

An **export** (``kind = "export"``) asks for files for a report: each answer variable
holds a file name, each with the format it must have (``files = ["png", "xlsx"]``). The
check reads the file into :class:`~.export_facts.ExportFacts` (in the learner's kernel when
graded) and says precisely what is wrong: the file is missing, not a PNG or not an Excel
file, an image that is blank or tiny, an empty sheet, rows or numbers that are not the
expected table (``expected()``: a Series by row label, or a DataFrame).

Examples
--------
>>> from ruralkit.i18n import Msg
>>> from ruralkit.exercises.judgement import VerdictProblem
>>> from ruralkit.exercises.engine import Incorrect
>>> class Q(VerdictProblem):
...     _var = "answer_q1"
...     _correct = "B"
...     _options = (Msg.from_texts({"en": "Yes", "zh": "是"}),
...                 Msg.from_texts({"en": "No", "zh": "否"}))
...     _whys = (Msg.from_texts({"en": "Look again.", "zh": "再看看。"}), None)
>>> Q().check("b")
>>> try:
...     Q().check("A")
... except Incorrect as outcome:
...     print(outcome.message.render("en"))
A is not the best answer. Look again.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, ClassVar

import pandas as pd

from ruralkit.i18n import Msg, as_msg

from .compare import compare
from .engine import Incorrect, Mistake, Problem, with_fields
from .export_facts import ExportFacts

__all__ = ["VerdictProblem", "ExportProblem", "letters"]

_LETTERS = "ABCDEFGHIJ"


def letters(n: int) -> str:
    """The letters of ``n`` options: ``letters(3) == "ABC"``."""
    return _LETTERS[:n]


# =========================================================================== verdict
class VerdictProblem(Problem):
    """A checked multiple choice, optionally with a checked number (see the module)."""

    _options: ClassVar[Sequence[Msg]] = ()
    _whys: ClassVar[Sequence[Msg | None]] = ()
    _correct: ClassVar[str] = ""
    _number: ClassVar[str | None] = None
    _rtol: ClassVar[float] = 1e-6
    _atol: ClassVar[float] = 1e-9
    _mistakes: ClassVar[Sequence[Mistake]] = ()

    def correct_letter(self) -> str:
        """The right option's letter (a set may compute it from the data)."""
        return self._correct.strip().upper()

    def expected_number(self) -> Any:
        """The number checked beside the choice (with ``_number``)."""
        raise NotImplementedError

    def options_text(self, language: str | None = None) -> Msg:
        """The options with their letters, one a line, in the learner's language."""
        lines = [f"- **{letter}** {option.render(language)}"
                 for letter, option in zip(letters(len(self._options)), self._options,
                                           strict=False)]
        return Msg("exercises.verdict_options", options="\n".join(lines))

    def letter_of(self, value: Any) -> str | None:
        """The letter ``value`` names: a letter (``"b"``, ``"B."``, ``"(B)"``) or an
        option's text in any language; ``None`` if it names none."""
        if not isinstance(value, str):
            return None
        said = value.strip().strip("().:：。）（ ").upper()
        known = letters(len(self._options))
        if len(said) == 1 and said in known:
            return said
        wanted = value.strip().casefold()
        for letter, option in zip(known, self._options, strict=False):
            if any(wanted == t.strip().casefold() for t in option.texts.values()):
                return letter
        return None

    def check(self, *values: Any) -> None:
        name = self.name
        letter = self.letter_of(values[0])
        if letter is None:
            raise Incorrect(Msg("exercises.verdict_unknown", name=name,
                                found=repr(values[0])[:60], letters="/".join(
                                    letters(len(self._options))),
                                options=self.options_text()))
        right = self.correct_letter()
        if letter != right:
            why = self._whys[_LETTERS.index(letter)] if _LETTERS.index(letter) < len(
                self._whys) else None
            raise Incorrect(Msg("exercises.verdict_wrong", letter=letter,
                                why=as_msg(why) if why is not None else Msg(
                                    "exercises.verdict_wrong_plain")))
        if self._number is not None:
            self._check_number(values[1])

    def _check_number(self, value: Any) -> None:
        expected = self.cached("expected_number", self.expected_number)
        problem = compare(value, expected, name=self._number, rtol=self._rtol, atol=self._atol)
        if problem is None:
            return
        for mistake in self._mistakes:
            wrong = mistake.value(self) if mistake.value is not None else None
            if mistake.test is not None and mistake.test(self, value):
                raise Incorrect(with_fields(mistake.message, name=self._number))
            if wrong is not None and compare(value, wrong, name=self._number, rtol=self._rtol,
                                             atol=self._atol) is None:
                raise Incorrect(with_fields(mistake.message, name=self._number))
        raise Incorrect(problem)


# =========================================================================== export
def _norm(label: Any) -> str:
    text = str(label).strip()
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() else text


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        try:
            return float(str(value).replace(",", ""))
        except (TypeError, ValueError):
            return None
    return float(value)


class ExportProblem(Problem):
    """Files saved for a report (see the module). ``expected()`` gives the table the
    Excel file(s) must hold: a Series (row label -> number) or a DataFrame (with ``_key``
    the column of row labels, else its index)."""

    _files: ClassVar[Sequence[str]] = ()
    _facts: ClassVar[type[ExportFacts]] = ExportFacts
    _key: ClassVar[str | None] = None
    _rtol: ClassVar[float] = 1e-6
    _min_pixels: ClassVar[int] = 100

    def expected(self) -> Any:
        """The table the Excel file must hold (``None``: only the file is checked)."""
        return None

    def export(self, value: Any) -> Any:
        return ExportFacts.take(value) if ExportFacts.accepts(value) else value

    def check(self, *values: Any) -> None:
        for value, fmt, name in zip(values, self._files, self.var_names, strict=False):
            facts = self._facts_of(value, name)
            self._check_file(facts, fmt, name)

    def _facts_of(self, value: Any, name: str) -> ExportFacts:
        if ExportFacts.accepts(value):
            value = ExportFacts.take(value)
        if isinstance(value, ExportFacts):
            return value
        raise Incorrect(Msg("exercises.export_not_name", name=name, found=type(value).__name__))

    def _check_file(self, facts: ExportFacts, fmt: str, name: str) -> None:
        file = facts.name
        how = Msg("exercises.export_how_png" if fmt == "png" else "exercises.export_how_xlsx",
                  name=name)
        if not facts.found:
            raise Incorrect(Msg("exercises.export_missing", name=name, file=file, how=how))
        if facts.fmt == "too_large":
            raise Incorrect(Msg("exercises.export_too_large", file=file))
        if facts.error:
            raise Incorrect(Msg("exercises.export_damaged", file=file, error=facts.error))
        if facts.fmt != fmt:
            key = "exercises.export_not_png" if fmt == "png" else "exercises.export_not_xlsx"
            raise Incorrect(Msg(key, file=file, how=how))
        if fmt == "png":
            self._check_image(facts)
        else:
            self._check_table(facts)

    def _check_image(self, facts: ExportFacts) -> None:
        if min(facts.width, facts.height) < self._min_pixels:
            raise Incorrect(Msg("exercises.export_tiny", file=facts.name, width=facts.width,
                                height=facts.height))
        if facts.colours <= 1:
            raise Incorrect(Msg("exercises.export_blank", file=facts.name))

    def _expected_frame(self) -> pd.DataFrame | None:
        want = self.cached("expected", self.expected)
        if want is None:
            return None
        if isinstance(want, pd.Series):
            return want.to_frame("value")
        return want.set_index(self._key) if self._key else want

    def _check_table(self, facts: ExportFacts) -> None:
        file = facts.name
        if not facts.rows:
            raise Incorrect(Msg("exercises.export_empty", file=file))
        want = self._expected_frame()
        if want is None:
            return
        labels = [_norm(v) for v in want.index]
        column = self._label_column(facts, labels)
        if column is None:
            found = [_norm(r[0]) for r in facts.rows[:4] if r]
            raise Incorrect(Msg("exercises.export_rows", file=file, n=len(facts.rows),
                                expected_n=len(labels),
                                expected=", ".join(labels[:4]) + (" …" if len(labels) > 4 else ""),
                                found=", ".join(found) + (" …" if len(facts.rows) > 4 else "")))
        at = {_norm(row[column]): row for row in facts.rows if len(row) > column}
        for wanted_column in want.columns:
            self._check_numbers(facts, want[wanted_column], labels, at, column)

    @staticmethod
    def _label_column(facts: ExportFacts, labels: list[str]) -> int | None:
        width = max(len(r) for r in facts.rows)
        for column in range(width):
            seen = {_norm(r[column]) for r in facts.rows if len(r) > column}
            if set(labels) <= seen:
                return column
        return None

    def _check_numbers(self, facts: ExportFacts, want: pd.Series, labels: list[str],
                       at: dict[str, list[Any]], label_column: int) -> None:
        width = max(len(r) for r in facts.rows)
        best: tuple[int, int] | None = None  # (matches, column)
        for column in range(width):
            if column == label_column:
                continue
            matches = sum(
                1 for label, value in zip(labels, want, strict=True)
                if self._close(at[label][column] if column < len(at[label]) else None, value))
            if matches == len(labels):
                return
            if best is None or matches > best[0]:
                best = (matches, column)
        if best is None:
            raise Incorrect(Msg("exercises.export_no_numbers", file=facts.name))
        column = best[1]
        for label, value in zip(labels, want, strict=True):
            found = at[label][column] if column < len(at[label]) else None
            if not self._close(found, value):
                raise Incorrect(Msg("exercises.export_numbers", file=facts.name, label=label,
                                    found="—" if found is None else found,
                                    expected=_shown(value)))

    def _close(self, found: Any, wanted: Any) -> bool:
        number = _number(found)
        if number is None:
            return False
        return math.isclose(number, float(wanted), rel_tol=self._rtol, abs_tol=1e-9)


def _shown(value: Any) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:.4g}"
