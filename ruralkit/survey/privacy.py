"""Privacy of published tables: small-cell suppression (the own-data lesson adds more here).

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"village": ["a", "b"], "estimate": [0.4, 0.9], "n": [120, 12]})
>>> suppress_small_cells(t, min_n=30)["suppressed"].tolist()
[False, True]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .columns import as_list, check_columns
from .errors import SurveyError, SurveyTypeError

__all__ = ["ESTIMATE_COLUMNS", "suppress_small_cells"]

#: The columns of the kit's result tables that hold estimates (masked by default).
ESTIMATE_COLUMNS = (
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "deff",
    "share",
    "p_value",
    "estimate_a",
    "estimate_b",
    "se_a",
    "se_b",
)


def suppress_small_cells(
    table: pd.DataFrame,
    *,
    n_col: str | Sequence[str] = "n",
    min_n: int = 30,
    columns: Sequence[str] | None = None,
    flag: str = "suppressed",
) -> pd.DataFrame:
    """Blank out estimates based on too few respondents; return a new frame.

    Parameters
    ----------
    table : pandas.DataFrame
        Typically the output of :meth:`Design.mean` or :func:`likert_table`.
        It is never modified.
    n_col : str or list of str, default "n"
        Column(s) with the unweighted base; a row is suppressed if any of them
        is below ``min_n`` or missing (e.g. ``["n_a", "n_b"]`` for
        :meth:`Design.difference`).
    min_n : int, default 30
        Smallest base that may be shown.
    columns : list of str, optional
        Columns to mask.  Default: the estimate columns present among
        ``estimate, se, ci_low, ci_high, deff, share, p_value, estimate_a,
        estimate_b, se_a, se_b``.
    flag : str, default "suppressed"
        Name of the boolean column added.

    Returns
    -------
    pandas.DataFrame
        A copy with the masked values set to NaN and the flag column.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"village": ["a", "b"], "estimate": [0.4, 0.9], "n": [120, 12]})
    >>> suppress_small_cells(t, min_n=30)
      village  estimate    n  suppressed
    0       a       0.4  120       False
    1       b       NaN   12        True
    """
    if not isinstance(table, pd.DataFrame):
        raise SurveyTypeError.of("survey.table_not_frame", kind=type(table).__name__)
    n_cols = as_list(n_col)
    check_columns(table, n_cols, "n_col")
    if columns is None:
        cols = [c for c in ESTIMATE_COLUMNS if c in table.columns]
        if not cols:
            raise SurveyError.of("survey.nothing_to_mask")
    else:
        cols = as_list(columns)
        check_columns(table, cols, "columns")
    if flag in table.columns:
        raise SurveyError.of("survey.flag_exists", flag=flag)
    small = np.zeros(len(table), dtype=bool)
    for c in n_cols:
        n = pd.to_numeric(table[c], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        small |= ~(n >= min_n)
    out = table.copy()
    for c in cols:
        col = out[c]
        if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
            out[c] = col.astype("float64").mask(small)
        else:
            out[c] = col.astype(object).mask(small)
    out[flag] = small
    return out
