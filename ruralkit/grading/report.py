"""What grading writes: the gradebook CSV and one feedback file (Markdown) per student.

Examples
--------
>>> from ruralkit.grading.records import GradeResult
>>> r = GradeResult("s01.ipynb", "s01", None, None, "invalid", 0.0)
>>> print(feedback_markdown(r, "zh"))
# 反馈: s01.ipynb
<BLANKLINE>
文件: `s01.ipynb`
<BLANKLINE>
学员: `s01`
<BLANKLINE>
您的文件无法作为 Jupyter 笔记本读取。
<BLANKLINE>
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ruralkit.exercises import get_set
from ruralkit.i18n import Msg
from ruralkit.progress import printable

from .outputs import OutputFolder
from .records import GradeResult
from .texts import note, plain_number

__all__ = ["feedback_markdown", "feedback_names", "question_labels", "spreadsheet_text",
           "write_feedback", "write_gradebook"]

#: The gradebook's columns before and after the one column per question.
GRADEBOOK_START = ["file", "student_id", "set", "variant_seed"]
GRADEBOOK_END = ["total", "max_points", "status", "seconds", "notes"]

# What the feedback file says about the notebook as a whole, by gradebook status.
_STATUS_TEXT = {
    "ok": "grading.status_ok",
    "error": "grading.status_error",
    "timeout": "grading.status_timeout",
    "crashed": "grading.status_crashed",
    "invalid": "grading.status_invalid",
    "failed": "grading.status_failed",
}
# The word in the feedback table for each question's check status.
_RESULT_WORDS = {
    "correct": "grading.result_correct",
    "incorrect": "grading.result_incorrect",
    "not_attempted": "grading.result_not_attempted",
    "uncheckable": "grading.result_uncheckable",
    "error": "grading.result_error",
}


def _max_points(key: str) -> float | None:
    try:
        return get_set(key).max_points
    except Exception:
        return None  # not a registered set


def question_labels(results: Sequence[GradeResult]) -> list[str]:
    """Question columns for a gradebook: from the sets graded (q1, q2, ...)."""
    labels: list[str] = []
    for key in sorted({r.set_key for r in results if r.set_key}):
        try:
            labels.extend(get_set(key).labels)
        except Exception:
            pass  # not a registered set: its questions come from the results
    for r in results:
        labels.extend(q["question"] for q in r.questions)
    labels = list(dict.fromkeys(labels))
    return sorted(labels, key=lambda s: (len(s), s))


def _row_maximum(r: GradeResult, max_by_set: Mapping[str, float]) -> float | None:
    """The max_points of a row: its own, else its set's (from another row or the set)."""
    maximum = r.max_points if r.questions else max_by_set.get(r.set_key or "", None)
    if maximum is None and len(max_by_set) == 1:
        maximum = next(iter(max_by_set.values()))
    if maximum is None and r.set_key:
        maximum = _max_points(r.set_key)
    return maximum


def spreadsheet_text(text: object) -> str:
    """A text cell of the gradebook: no control characters, and no formula for a spreadsheet.

    A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or CR) is
    read as a formula by Excel and LibreOffice (CSV injection): it gets a
    leading ``'``, which they show as text.

    Examples
    --------
    >>> spreadsheet_text("=1+2"), spreadsheet_text("-1"), spreadsheet_text("s01\\x1b[2J")
    ("'=1+2", "'-1", 's01[2J')
    """
    text = printable(text, limit=20_000)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def _gradebook_text(results: Sequence[GradeResult]) -> str:
    labels = question_labels(results)
    max_by_set: dict[str, float] = {}
    for r in results:
        if r.questions and r.set_key:
            max_by_set[r.set_key] = r.max_points
    fh = io.StringIO()
    writer = csv.writer(fh)
    writer.writerow([*GRADEBOOK_START, *labels, *GRADEBOOK_END])
    for r in results:
        points = {q["question"]: q["points"] for q in r.questions}
        text = spreadsheet_text
        writer.writerow(
            [text(r.file), text(r.student_id), text(r.set_key or ""),
             "" if r.variant_seed is None else r.variant_seed,
             *[plain_number(points.get(label, 0.0)) for label in labels],
             plain_number(r.total), plain_number(_row_maximum(r, max_by_set)), text(r.status),
             f"{r.seconds:.1f}", text(" | ".join(r.notes))]
        )
    return fh.getvalue()


def write_gradebook(results: Sequence[GradeResult], path: str | Path, *,
                    folder: OutputFolder | None = None) -> Path:
    """Write the gradebook CSV (UTF-8 with BOM, so Excel shows Chinese correctly).

    Written to a new file renamed into place, never through a link; ``folder``
    is the gradebook's folder, opened before grading (else it is opened now).
    Text cells are kept from being read as formulas (:func:`spreadsheet_text`);
    the point columns are plain numbers.
    """
    path = Path(path)
    data = _gradebook_text(results).encode("utf-8-sig")
    if folder is not None:
        return folder.write(path.name, data)
    with OutputFolder(path.parent) as opened:
        return opened.write(path.name, data)


def _title(result: GradeResult, language: str) -> str:
    """The set's number and title; for a file that could not be read, its name."""
    title = _shown(result.set_key or Path(result.file).name or result.student_id)
    if result.set_key:
        try:
            title = f"{result.set_key} · {get_set(result.set_key).title.render(language)}"
        except Exception:
            pass  # not a registered set: its number
    return title


def _question_text(q: Mapping[str, Any], language: str) -> str:
    """What to look at again for one question: its message, or the hidden tests failed."""
    failed = [h for h in q.get("hidden", []) if not h["passed"]]
    if q["status"] == "correct" and failed:
        return " ".join(Msg("exercises.hidden_failed", test=h["description"]).render(language)
                        for h in failed)
    return q.get("message") or ""


def _questions_part(result: GradeResult, language: str) -> list[str]:
    def msg(key: str) -> str:
        return note(key, language)

    lines = [f"| {msg('grading.label_question')} | {msg('grading.label_points')} | "
             f"{msg('grading.label_result')} |", "|---|---|---|"]
    for q in result.questions:
        word = msg(_RESULT_WORDS.get(q["status"], "grading.result_error"))
        lines.append(f"| {q['question']} {q.get('title', '')} | {plain_number(q['points'])} / "
                     f"{plain_number(q['max_points'])} | {word} |")
    lines.append("")
    todo = [q for q in result.questions if q["points"] < q["max_points"]]
    if not todo:
        return [*lines, msg("grading.label_all_right"), ""]
    lines += [f"## {msg('grading.label_again')}", ""]
    lines += [f"- **{q['question']}**: {_question_text(q, language)}" for q in todo]
    return [*lines, ""]


def feedback_markdown(result: GradeResult, language: str = "en") -> str:
    """The feedback file for one graded submission, in Markdown."""

    def msg(key: str) -> str:
        return note(key, language)

    lines = [f"# {msg('grading.label_feedback')}: {_title(result, language)}", ""]
    if result.status == "invalid":
        lines += [f"{msg('grading.label_file')}: `{_shown(Path(result.file).name)}`", ""]
    who = f"{msg('grading.label_student')}: `{_shown(result.student_id)}`"
    if result.variant_seed is not None:
        who += f" · {msg('grading.label_data_version')} {result.variant_seed}"
    lines += [who, ""]
    if result.questions:
        lines += [f"**{msg('grading.label_score')}: {plain_number(result.total)} / "
                  f"{plain_number(result.max_points)}**", ""]
    lines += [msg(_STATUS_TEXT[result.status]), ""]
    if result.questions:
        lines += _questions_part(result, language)
    return "\n".join(lines).rstrip() + "\n"


def _shown(text: object) -> str:
    """A name from a submission as Markdown shows it: printable, no backtick."""
    return printable(text, limit=300).replace("`", "'")


def _file_stem(student_id: str) -> str:
    """A feedback file's name for ``student_id``: letters, digits, ``_.-``; short enough."""
    stem = re.sub(r"[^\w.-]", "_", printable(student_id, limit=200)).lstrip(".")
    while len(stem.encode("utf-8")) > 150:
        stem = stem[:-1]
    return stem or "submission"


def _hashed(stem: str, file: str) -> str:
    return f"{stem}-{hashlib.sha256(file.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}.md"


def feedback_names(results: Sequence[GradeResult]) -> list[str]:
    """The feedback file name of each result: ``<student_id>.md``, unless that is shared.

    Results whose names would be the same (the same id, or ids the same but for
    case or for characters a file name cannot have) each get
    ``<id>-<8 hex digits>.md``, the digits from the submission's own path: the
    same file gets the same name whatever the order of the class, and no
    student's feedback takes another's name.

    Examples
    --------
    >>> rows = [GradeResult(f, "s041", None, None, "ok", 0.0) for f in ("b/s041.ipynb",
    ...         "a/s041.ipynb")]
    >>> rows.append(GradeResult("s042.ipynb", "s042", None, None, "ok", 0.0))
    >>> names = feedback_names(rows)
    >>> names[2], names[0] != names[1], feedback_names(rows[::-1])[::-1] == names
    ('s042.md', True, True)
    """
    stems = [_file_stem(r.student_id) for r in results]
    names = [f"{stem}.md" for stem in stems]
    hashed = [False] * len(names)
    while True:
        groups: dict[str, list[int]] = {}
        for i, name in enumerate(names):
            groups.setdefault(name.casefold(), []).append(i)
        clash = [i for group in groups.values() if len(group) > 1 for i in group
                 if not hashed[i]]
        if not clash:
            break
        for i in clash:
            names[i], hashed[i] = _hashed(stems[i], results[i].file), True
    seen: dict[str, int] = {}
    for i, name in enumerate(names):  # the very same file twice: numbered
        seen[name.casefold()] = seen.get(name.casefold(), 0) + 1
        if seen[name.casefold()] > 1:
            names[i] = f"{name[:-3]}-{seen[name.casefold()]}.md"
    return names


def write_feedback(
    results: Sequence[GradeResult], folder: str | Path | OutputFolder, language: str = "en"
) -> Path:
    """Write one feedback file per result in ``folder`` (names: :func:`feedback_names`).

    Each file is written to a new file renamed into place, never through a link.
    A file that cannot be written does not stop the others: its result gets a
    note (which the gradebook, written after, shows).
    """
    opened = folder if isinstance(folder, OutputFolder) else OutputFolder(folder)
    try:
        for result, name in zip(results, feedback_names(results), strict=True):
            try:
                opened.write(name, feedback_markdown(result, language).encode("utf-8"))
            except (OSError, ValueError) as exc:
                result.notes.append(note("grading.note_feedback_not_written", language,
                                         name=name, error=getattr(exc, "strerror", None)
                                         or str(exc)))
    finally:
        if opened is not folder:
            opened.close()
    return opened.path
