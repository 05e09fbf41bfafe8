"""Display labels for the charts: codebook labels and place names in the current language.

The labels themselves are :mod:`ruralkit.labels` (shared with the result tables);
this module adds what only charts need.
"""

from __future__ import annotations

import pandas as pd

from ..i18n import RuralkitError, message
from ..labels import PLACE_NAMES, RESULT_COLUMNS, column_label, display_labels, place_names

__all__ = ["PLACE_NAMES", "check_columns", "codebook_label", "display_labels", "place_names"]


def check_columns(func: str, data: pd.DataFrame, **columns: str | None) -> None:
    """Raise an error naming the argument when ``data`` is no table or lacks a column."""
    if not isinstance(data, pd.DataFrame):
        raise TypeError(message("plots.data_not_frame", func=func, type=type(data).__name__))
    for arg, col in columns.items():
        if col is not None and col not in data.columns:
            raise RuralkitError(
                message("core.unknown_column", what=f"`{arg}`", column=col,
                        choices=", ".join(map(str, data.columns)))
            )


def codebook_label(dataset: str | None, variable: str, *, default: str) -> str:
    """The axis label of ``variable``: its codebook or result-column label, else ``default``.

    Place codes get no axis label: their ticks show the places' names.
    """
    if variable in PLACE_NAMES:
        return ""
    shown = column_label(variable, dataset)
    if shown != variable or variable in RESULT_COLUMNS:
        return shown
    return default
