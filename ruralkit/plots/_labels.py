"""Display labels for the charts: codebook labels and place names in the current language."""

from __future__ import annotations

import pandas as pd

from ..datasets import DATASETS, label, load_villages, value_labels
from ..i18n import RuralkitError, get_language, message

#: Code columns shown by the names of their places, and the name columns of villages.
PLACE_NAMES = {"township_id": "township_name", "village_id": "village_name"}


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


def display_labels(values: pd.Series | list, *, dataset: str | None,
                   variable: str | None) -> list[str]:
    """Turn codes or variable names into display labels in the current language.

    A value that names a variable of ``dataset`` gets the variable's label; a
    value that is a code of ``variable`` gets its value label; township and
    village codes (``township_id``, ``village_id``) get the place's name from
    the villages table; anything else is shown as it is.
    """
    values = list(values)
    if dataset is None:
        return [str(v) for v in values]
    if dataset not in DATASETS:
        raise RuralkitError(message("core.unknown_dataset", name=dataset,
                                    choices=", ".join(DATASETS)))
    if variable in PLACE_NAMES:
        codes = place_names(variable)
    else:
        try:
            codes = value_labels(dataset, variable) if variable else {}
        except RuralkitError:  # a computed column (e.g. "level"), not in the codebook
            codes = {}
    out = []
    for v in values:
        if v in codes:
            out.append(codes[v])
        else:
            try:
                out.append(label(dataset, str(v)))
            except RuralkitError:
                out.append(str(v))
    return out


def place_names(variable: str) -> dict[str, str]:
    """Names of the county's townships or villages by code, in the current language.

    Read from the villages table of the county in use (the bundled one, or the
    variant chosen with :func:`ruralkit.set_variant`).

    Examples
    --------
    >>> from ruralkit import plots
    >>> plots.place_names("township_id")["T01"]
    'Chengguan Town'
    """
    villages = load_villages()
    prefix = PLACE_NAMES[variable]
    names = villages.drop_duplicates(variable).set_index(variable)[f"{prefix}_{get_language()}"]
    return names.to_dict()


def codebook_label(dataset: str | None, variable: str, *, default: str) -> str:
    """The axis label of ``variable``: its codebook label, else ``default``."""
    if dataset is None:
        return default
    if variable in PLACE_NAMES:  # ticks show place names: no axis label needed
        return ""
    try:
        return label(dataset, variable)
    except RuralkitError:  # a computed column, not in the codebook
        return default

