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
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ruralkit.exercises import get_set
from ruralkit.i18n import Msg

from .records import GradeResult
from .texts import note, plain_number

__all__ = ["feedback_markdown", "question_labels", "write_feedback", "write_gradebook"]

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


def write_gradebook(results: Sequence[GradeResult], path: str | Path) -> Path:
    """Write the gradebook CSV (UTF-8 with BOM, so Excel shows Chinese correctly)."""
    path = Path(path)
    labels = question_labels(results)
    max_by_set: dict[str, float] = {}
    for r in results:
        if r.questions and r.set_key:
            max_by_set[r.set_key] = r.max_points
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([*GRADEBOOK_START, *labels, *GRADEBOOK_END])
        for r in results:
            points = {q["question"]: q["points"] for q in r.questions}
            writer.writerow(
                [r.file, r.student_id, r.set_key or "",
                 "" if r.variant_seed is None else r.variant_seed,
                 *[plain_number(points.get(label, 0.0)) for label in labels],
                 plain_number(r.total), plain_number(_row_maximum(r, max_by_set)), r.status,
                 f"{r.seconds:.1f}", " | ".join(r.notes)]
            )
    return path


def _title(result: GradeResult, language: str) -> str:
    """The set's number and title; for a file that could not be read, its name."""
    title = result.set_key or Path(result.file).name or result.student_id
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
        lines += [f"{msg('grading.label_file')}: `{Path(result.file).name}`", ""]
    who = f"{msg('grading.label_student')}: `{result.student_id}`"
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


def write_feedback(
    results: Sequence[GradeResult], folder: str | Path, language: str = "en"
) -> Path:
    """Write ``folder/<student_id>.md`` for each result (``-2``, ``-3`` for repeated ids)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    used: dict[str, int] = {}
    for result in results:
        safe = re.sub(r"[^\w.-]", "_", result.student_id) or "submission"
        used[safe] = used.get(safe, 0) + 1
        name = safe if used[safe] == 1 else f"{safe}-{used[safe]}"
        (folder / f"{name}.md").write_text(
            feedback_markdown(result, language), encoding="utf-8"
        )
    return folder
