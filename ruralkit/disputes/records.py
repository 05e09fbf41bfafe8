"""Checking mediation case records before they are counted: one report of every problem.

:func:`check_cases` looks at a table of cases (one row per case received by
people's mediation) and finds, all at once, every row that would make a count,
a share or a duration wrong: dates that cannot be read or lie in the future,
cases closed before they were received, dispute types the codebook does not
know, negative days, case numbers used twice and villages missing from the
village table. It never changes or drops a row: it reports, in English and
Chinese, which column, how many rows and which ones (the first few), and what
to do. The other functions of :mod:`ruralkit.disputes` call it first, so a bad
register stops with this report rather than with a wrong table.

In Jupyter the error shows as the report alone (no traceback): the error
defines IPython's ``_render_traceback_``.

Examples
--------
>>> import pandas as pd
>>> import ruralkit as rk
>>> from ruralkit.disputes import check_cases
>>> report = check_cases(rk.load_disputes(), rk.load_villages())
>>> report.ok
True
>>> bad = pd.DataFrame({"case_id": [1, 2, 2],
...                     "date_received": ["2024-01-05", "2024-13-01", "2024-02-01"],
...                     "dispute_type": ["water", "water", "goats"]})
>>> report = check_cases(bad, errors="report")
>>> report.problems[["problem", "column", "n_rows"]]
           problem         column  n_rows
0  date_unreadable  date_received       1
1     unknown_type   dispute_type       1
2     duplicate_id        case_id       2
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..i18n import Msg, RuralkitError, join

__all__ = ["CaseRecordsError", "CaseReport", "DisputesError", "check_cases"]

#: How many row labels a report line names before it says "and N more".
SHOW_ROWS = 5

#: The catalogue key of each problem (written out so that the catalogue test sees them).
PROBLEM_KEYS = {
    "missing_column": "disputes.problem_missing_column",
    "date_missing": "disputes.problem_date_missing",
    "date_unreadable": "disputes.problem_date_unreadable",
    "date_future": "disputes.problem_date_future",
    "closed_before_received": "disputes.problem_closed_before_received",
    "unknown_type": "disputes.problem_unknown_type",
    "days_not_number": "disputes.problem_days_not_number",
    "days_negative": "disputes.problem_days_negative",
    "duplicate_id": "disputes.problem_duplicate_id",
    "village_missing": "disputes.problem_village_missing",
    "village_unknown": "disputes.problem_village_unknown",
}


class DisputesError(RuralkitError):
    """Base class of the errors raised by :mod:`ruralkit.disputes` (a ``ValueError``)."""


class CaseRecordsError(DisputesError):
    """The case records have problems; ``error.report`` is the :class:`CaseReport`."""

    report: CaseReport

    def _render_traceback_(self) -> list[str]:
        """What IPython shows instead of a traceback: the report itself."""
        return str(self).splitlines()


@dataclass
class CaseReport:
    """Every problem :func:`check_cases` found, one row per problem.

    Attributes
    ----------
    problems : DataFrame
        Columns ``problem`` (a name such as ``"date_future"``), ``column``,
        ``n_rows`` and ``rows`` (the index labels of every row concerned).
    n_cases : int
        Rows looked at.
    source : str or None
        The file or table name the report names.
    """

    problems: pd.DataFrame
    n_cases: int
    source: str | None = None
    _lines: list[Msg] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return self.problems.empty

    @property
    def msg(self) -> Msg:
        """The whole report as one message in every language."""
        source = Msg("disputes.source_named", source=self.source) if self.source else ""
        if self.ok:
            return Msg("disputes.report_ok", n=self.n_cases, source=source)
        head = Msg("disputes.report_header", n=len(self.problems), cases=self.n_cases,
                   source=source)
        for line in self._lines:
            head = head + "\n- " + line
        return head

    def rows(self, problem: str) -> list:
        """Index labels of the rows with ``problem`` (empty if none)."""
        hit = self.problems.loc[self.problems["problem"] == problem, "rows"]
        return sorted({r for rows in hit for r in rows}, key=str)

    def raise_if_problems(self) -> CaseReport:
        """Raise :class:`CaseRecordsError` with this report if it found a problem."""
        if not self.ok:
            error = CaseRecordsError(str(self.msg))
            error.msg = self.msg
            error.report = self
            raise error
        return self

    def __str__(self) -> str:
        return str(self.msg)

    def __repr__(self) -> str:
        return str(self.msg)

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(str(self))}</pre>"


def _row_text(labels: Sequence) -> Msg:
    return join([str(r) for r in labels[:SHOW_ROWS]])


def _more(labels: Sequence) -> Msg | str:
    extra = len(labels) - SHOW_ROWS
    return Msg("disputes.rows_more", n=extra) if extra > 0 else ""


def _values_text(values: Sequence) -> str:
    uniq = list(dict.fromkeys(str(v) for v in values))
    text = ", ".join(repr(v) for v in uniq[:SHOW_ROWS])
    return text + (", ..." if len(uniq) > SHOW_ROWS else "")


def _dates(col: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(parsed dates, mask of values present but unreadable as a date)."""
    if pd.api.types.is_datetime64_any_dtype(col):
        parsed = col
    else:
        parsed = pd.to_datetime(col.astype("string"), errors="coerce", format="mixed")
    return parsed, col.notna() & parsed.isna()


def _dispute_types() -> list[str]:
    from ..datasets import codebook, value_labels

    codebook("disputes")  # fails clearly if the codebook is missing
    return list(value_labels("disputes", "dispute_type", language="en"))


class _Finder:
    """Collects problems as (name, column, mask, extra fields)."""

    def __init__(self, cases: pd.DataFrame) -> None:
        self.cases = cases
        self.found: list[dict[str, Any]] = []

    def add(self, problem: str, column: str, mask: pd.Series | np.ndarray, **extra: Any) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            labels = list(self.cases.index[mask])
            self.found.append({"problem": problem, "column": column,
                               "n_rows": int(mask.sum()), "rows": tuple(labels), **extra})


def _check_dates(f: _Finder, today: pd.Timestamp) -> None:
    cases = f.cases
    parsed = {}
    for column in ("date_received", "date_closed"):
        if column not in cases:
            continue
        dates, unreadable = _dates(cases[column])
        parsed[column] = dates
        if column == "date_received":
            f.add("date_missing", column, cases[column].isna())
        f.add("date_unreadable", column, unreadable,
              values=_values_text(cases[column][unreadable]))
        f.add("date_future", column, (dates > today).fillna(False), today=f"{today:%Y-%m-%d}")
    if len(parsed) == 2:
        before = (parsed["date_closed"] < parsed["date_received"]).fillna(False)
        f.add("closed_before_received", "date_closed", before)


def _check_codes(f: _Finder, villages: pd.DataFrame | None) -> None:
    cases = f.cases
    if "dispute_type" in cases:
        known = _dispute_types()
        col = cases["dispute_type"].astype("string")
        bad = ~col.isin(known).fillna(False).to_numpy(bool)
        f.add("unknown_type", "dispute_type", bad,
              values=_values_text(col[bad].fillna("<NA>")), known=", ".join(known))
    if "days_to_resolve" in cases:
        raw = cases["days_to_resolve"]
        days = pd.to_numeric(raw.astype("object").where(raw.notna(), np.nan), errors="coerce")
        f.add("days_not_number", "days_to_resolve", raw.notna() & days.isna(),
              values=_values_text(raw[raw.notna() & days.isna()]))
        f.add("days_negative", "days_to_resolve", (days < 0).fillna(False))
    if "case_id" in cases:
        dup = cases["case_id"].duplicated(keep=False) & cases["case_id"].notna()
        f.add("duplicate_id", "case_id", dup, values=_values_text(cases["case_id"][dup]))
    if villages is not None and "village_id" in cases:
        col = cases["village_id"].astype("string")
        f.add("village_missing", "village_id", col.isna())
        known = villages["village_id"].astype("string")
        bad = col.notna() & ~col.isin(known).fillna(False)
        f.add("village_unknown", "village_id", bad, values=_values_text(col[bad]))


def check_cases(
    cases: pd.DataFrame,
    villages: pd.DataFrame | None = None,
    *,
    source: str | None = None,
    required: Sequence[str] = ("date_received",),
    today: str | pd.Timestamp | None = None,
    errors: str = "raise",
) -> CaseReport:
    """Find every problem in a table of mediation cases, in one report.

    Parameters
    ----------
    cases : DataFrame
        One row per case, with the columns of ``codebook("disputes")`` (those
        present are checked: ``case_id``, ``date_received``, ``date_closed``,
        ``dispute_type``, ``days_to_resolve``, ``village_id``). Never modified.
    villages : DataFrame, optional
        The village table (``village_id``); when given, every case's village
        must be in it.
    source : str, optional
        The file or table name to put in the report.
    required : sequence of str, default ("date_received",)
        Columns that must be present (the calling function's needs).
    today : date, optional
        Dates after it are "in the future" (default: today).
    errors : {"raise", "report"}, default "raise"
        ``"raise"``: raise :class:`CaseRecordsError` (whose ``report`` is the
        report) when there is a problem; ``"report"``: return the report anyway.

    Returns
    -------
    CaseReport
        ``report.ok`` is True when nothing was found; ``report.problems`` lists
        each problem with the labels of its rows (``cases.loc[rows]`` shows them).

    Examples
    --------
    >>> import pandas as pd
    >>> bad = pd.DataFrame({"date_received": ["2020-03-01", "2020-05-02"],
    ...                     "date_closed": ["2020-02-01", "2020-05-10"]})
    >>> print(check_cases(bad, errors="report"))  # doctest: +NORMALIZE_WHITESPACE
    The 2 case records fail 1 of the checks; nothing was changed or dropped. Fix each and
    run again:
    - date_closed: closed before the case was received in rows 0 (1 in all). Check both dates
      of these cases in the register and correct the wrong one.
    """
    if not isinstance(cases, pd.DataFrame):
        raise DisputesError.of("disputes.cases_not_frame", kind=type(cases).__name__)
    if errors not in ("raise", "report"):
        raise DisputesError.of("disputes.bad_errors_option", value=errors)
    today = pd.Timestamp.today().normalize() if today is None else pd.Timestamp(today)
    f = _Finder(cases)
    missing = [c for c in required if c not in cases.columns]
    for column in missing:
        f.found.append({"problem": "missing_column", "column": column, "n_rows": 0, "rows": (),
                        "columns": ", ".join(map(str, cases.columns))})
    _check_dates(f, today)
    _check_codes(f, villages)
    lines = [Msg(PROBLEM_KEYS[p["problem"]], rows=_row_text(p["rows"]), more=_more(p["rows"]),
                 n=p["n_rows"], **{k: v for k, v in p.items()
                                   if k not in ("problem", "rows", "n_rows")})
             for p in f.found]
    problems = pd.DataFrame(f.found, columns=["problem", "column", "n_rows", "rows"])
    report = CaseReport(problems=problems[["problem", "column", "n_rows", "rows"]],
                        n_cases=len(cases), source=source, _lines=lines)
    if errors == "raise":
        report.raise_if_problems()
    return report


def require_columns(frame: pd.DataFrame, columns: Sequence[str], *, role: str) -> None:
    """Raise a clear error when a column named in a call is not in the table."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DisputesError.of("disputes.column_not_found", role=role,
                               columns=", ".join(map(repr, missing)),
                               available=", ".join(map(str, frame.columns)))
