"""Questionnaire scales: Likert tables, scale scores and Cronbach's alpha.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 5], "c": [1, 3, 3, 4, 4]})
>>> round(cronbach_alpha(df), 4)
0.9538
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from .columns import (
    ColumnSpec,
    as_list,
    category_codes,
    check_choice,
    check_columns,
    numeric_values,
    onehot,
    show_values,
)
from .design import Design
from .errors import SurveyError, SurveyTypeError
from .estimators import proportion_estimates

__all__ = ["cronbach_alpha", "likert_table", "scale_score"]


def likert_table(
    data: Design | pd.DataFrame,
    items: ColumnSpec,
    *,
    weights: str | None = None,
    categories: Sequence[Hashable] | None = None,
    dont_know: Hashable | None = 8,
    refused: Hashable | None = 9,
    level: float = 0.95,
) -> pd.DataFrame:
    """Weighted distribution of Likert-type items: one row per item and answer category.

    Shares are computed among substantive answers (don't-know, refused and
    missing left out); the don't-know and refused rates are the weighted shares
    of those codes among everyone who was asked (all non-missing answers).

    Parameters
    ----------
    data : Design or pandas.DataFrame
        With a :class:`Design` the shares are design-based and the table also
        has ``se, ci_low, ci_high`` (logit intervals, as :meth:`Design.proportion`).
    items : str or list of str
        Item columns holding coded answers.
    weights : str, optional
        Weight column when ``data`` is a DataFrame (default: unweighted).
    categories : sequence, optional
        The substantive answer codes (e.g. ``range(1, 6)``).  Categories nobody
        chose are listed with share 0, and any other value is an error.
        Default: the codes observed.
    dont_know, refused : value or None, default 8 and 9
        Codes for "don't know" and "refused"; None if the item has no such code.
    level : float, default 0.95
        The confidence level of the intervals (Design only).

    Returns
    -------
    pandas.DataFrame
        ``item, category, share, [se, ci_low, ci_high,] count, n, dont_know,
        refused``: ``count`` respondents chose the category, ``n`` gave a
        substantive answer to the item, and ``dont_know``/``refused`` are the
        item's weighted rates (repeated on each of its rows). With cleaned
        data (codes already turned into NA, as ``load_trust_survey()`` gives)
        the rates cannot be known and are NaN: load with ``raw=True``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"q1": [1, 2, 2, 8, 9], "w": [1.0, 1.0, 2.0, 1.0, 1.0]})
    >>> likert_table(df, "q1", weights="w")
      item  category  share  count  n  dont_know   refused
    0   q1         1   0.25      1  3   0.166667  0.166667
    1   q1         2   0.75      2  3   0.166667  0.166667
    """
    frame, weights_of_rows = _frame_and_weights(data, weights)
    item_cols = as_list(items)
    if not item_cols:
        raise SurveyError.of("survey.no_items")
    check_columns(frame, item_cols, "item")
    pieces = []
    for item in item_cols:  # loop over items (a handful), not over domains
        col = frame[item]
        dk_rate, rf_rate = _special_rates(col, weights_of_rows, dont_know, refused)
        substantive = _substantive(col, item, categories, dont_know, refused)
        if isinstance(data, Design):
            tab = proportion_estimates(
                substantive, np.zeros(len(frame), dtype=np.int64), None, data.coded, by=[],
                level=level, na_rm=True, deff=False,
            ).summary_frame()
            tab = tab.rename(columns={"estimate": "share"})
            tab = tab[["category", "share", "se", "ci_low", "ci_high", "count", "n"]]
        else:
            tab = _weighted_shares(substantive, weights_of_rows)
        tab.insert(0, "item", item)
        tab["dont_know"] = dk_rate
        tab["refused"] = rf_rate
        pieces.append(tab)
    out = pd.concat(pieces, ignore_index=True)
    try:
        codes = pd.to_numeric(out["category"])
    except (TypeError, ValueError):
        return out
    if codes.dtype.kind == "f" and np.all(np.mod(codes, 1) == 0):
        codes = codes.astype(np.int64)  # codes 1..5 rather than 1.0..5.0
    out["category"] = codes
    return out


def _frame_and_weights(data: object, weights: str | None) -> tuple[pd.DataFrame, np.ndarray]:
    """The table and the weight of each row, from a Design or a DataFrame (+ weights column)."""
    if isinstance(data, Design):
        data._check_unchanged()
        return data.data, data.coded.weights
    if isinstance(data, pd.DataFrame):
        if weights is None:
            return data, np.ones(len(data))
        return data, Design(data, weights=weights).coded.weights
    raise SurveyTypeError.of("survey.not_design_or_frame", kind=type(data).__name__)


def _special_rates(
    col: pd.Series, w: np.ndarray, dont_know: Hashable | None, refused: Hashable | None
) -> tuple[float, float]:
    """Weighted don't-know and refused rates among everyone asked (NaN on cleaned data)."""
    answered = col.notna().to_numpy()
    none = np.zeros(len(col), bool)
    is_dk = col.eq(dont_know).fillna(False).to_numpy(bool) if dont_know is not None else none
    is_rf = col.eq(refused).fillna(False).to_numpy(bool) if refused is not None else none
    if not (is_dk | is_rf).any() and not answered.all():
        # Cleaned data: the codes are already NA, so the rates are unknown
        # here (load with raw=True to see them), not zero.
        return np.nan, np.nan
    w_asked = w[answered].sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        return w[is_dk].sum() / w_asked, w[is_rf].sum() / w_asked


def _substantive(
    col: pd.Series, item: str, categories: Sequence[Hashable] | None,
    dont_know: Hashable | None, refused: Hashable | None,
) -> pd.Series:
    """The item without its don't-know and refused codes, as ``categories`` if given."""
    special_codes = [c for c in (dont_know, refused) if c is not None]
    substantive = col.where(~col.isin(special_codes)) if special_codes else col
    if categories is None:
        return substantive
    cats = list(categories)
    bad = substantive.notna() & ~substantive.isin(cats)
    if bad.any():
        raise SurveyError.of(
            "survey.likert_outside", item=item, categories=cats,
            values=show_values(pd.unique(substantive[bad]).tolist()), count=int(bad.sum()),
            rows=bad[bad].index[:5].tolist(),
        )
    return pd.Series(pd.Categorical(substantive, categories=cats), index=col.index)


def _weighted_shares(substantive: pd.Series, w: np.ndarray) -> pd.DataFrame:
    """Weighted shares of the categories of a plain DataFrame column (no design)."""
    codes, cats = category_codes(substantive)
    valid = codes >= 0
    ind = onehot(codes, 0, len(cats))
    wv = w[valid]
    with np.errstate(invalid="ignore", divide="ignore"):
        share = (ind[valid] * wv[:, None]).sum(axis=0) / wv.sum()
    return pd.DataFrame({
        "category": np.array(cats, dtype=object),
        "share": share,
        "count": ind[valid].sum(axis=0).astype(np.int64),
        "n": np.int64(valid.sum()),
    })


def scale_score(
    df: pd.DataFrame,
    items: Sequence[str],
    *,
    reverse: Sequence[str] = (),
    scale_min: float = 1,
    scale_max: float | None = None,
    missing_codes: Sequence[float] = (8, 9),
    min_valid: int | None = None,
) -> pd.Series:
    """Mean score over Likert items, with reverse-keyed items and missing codes.

    Missing codes (don't know, refused) become missing *before* items are
    reversed, so a "don't know" (8) on a reversed 1-5 item never turns into -2.

    Parameters
    ----------
    df : pandas.DataFrame
    items : list of str
        Item columns (numeric codes).
    reverse : list of str, optional
        Items to reverse as ``scale_min + scale_max - x``; must be among ``items``.
    scale_min, scale_max : number
        The range of valid answers.  ``scale_max`` is needed to reverse items
        and to check ranges; values outside the range are an error.
    missing_codes : sequence, default (8, 9)
        Codes treated as missing.  A code inside the valid range (8 on a 0-10
        scale) is an error: pass e.g. ``missing_codes=(98, 99)``.
    min_valid : int, optional
        Least number of valid items for a score; fewer gives NaN.  Default: all
        items must be valid.

    Returns
    -------
    pandas.Series
        Named ``"scale_score"``, aligned with ``df``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"t1": [5, 4, 8], "t2": [1, 2, 2], "t3": [4, 9, 3]})
    >>> scale_score(df, ["t1", "t2", "t3"], reverse=["t2"], scale_max=5, min_valid=2).tolist()
    [4.666666666666667, 4.0, 3.5]
    """
    item_cols = as_list(items)
    if not item_cols:
        raise SurveyError.of("survey.no_items")
    check_columns(df, item_cols, "item")
    rev = as_list(reverse)
    stray = [c for c in rev if c not in item_cols]
    if stray:
        raise SurveyError.of("survey.reverse_not_items", stray=stray, items=item_cols)
    if rev and scale_max is None:
        raise SurveyError.of("survey.reverse_needs_max")
    codes = list(missing_codes)
    if scale_max is not None:
        clash = [c for c in codes if scale_min <= c <= scale_max]
        if clash:
            raise SurveyError.of("survey.missing_code_valid", clash=clash, low=scale_min,
                                 high=scale_max)
    k = len(item_cols)
    if min_valid is None:
        min_valid = k
    if not 1 <= min_valid <= k:
        raise SurveyError.of("survey.min_valid_range", k=k)
    x = pd.DataFrame(
        {c: numeric_values(df[c], c, "scale score") for c in item_cols}, index=df.index
    )
    if codes:
        x = x.mask(x.isin(codes))
    for c in item_cols:
        _check_range(x[c], c, scale_min, scale_max)
    for c in rev:
        x[c] = scale_min + scale_max - x[c]  # type: ignore[operator]
    n_valid = x.notna().sum(axis=1)
    score = x.mean(axis=1, skipna=True).where(n_valid >= min_valid)
    return score.rename("scale_score")


def _check_range(col: pd.Series, item: str, low: float, high: float | None) -> None:
    """Raise if an item has answers outside ``low``-``high`` (after the missing codes)."""
    out_of_range = (col < low) | (col > high if high is not None else False)
    if out_of_range.any():
        raise SurveyError.of(
            "survey.scale_outside", item=item, low=low, high=high,
            values=show_values(pd.unique(col[out_of_range]).tolist()),
            count=int(out_of_range.sum()), rows=col.index[out_of_range][:5].tolist(),
        )


def cronbach_alpha(
    items: pd.DataFrame, *, missing: Literal["pairwise", "listwise"] = "pairwise"
) -> float:
    """Cronbach's alpha of a set of items (psych::alpha's ``raw_alpha``).

    ``alpha = k / (k - 1) * (1 - trace(C) / sum(C))`` with ``C`` the item
    covariance matrix.  Reverse-keyed items must be reversed first (see
    :func:`scale_score`), and missing codes set to NaN.

    Parameters
    ----------
    items : pandas.DataFrame
        One numeric column per item, at least two.
    missing : {"pairwise", "listwise"}, default "pairwise"
        ``"pairwise"`` computes each covariance from the rows where both items
        are present (psych's default ``use="pairwise"``); ``"listwise"`` keeps
        only complete rows.

    Returns
    -------
    float

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 5], "c": [1, 3, 3, 4, 4]})
    >>> round(cronbach_alpha(df), 4)
    0.9538
    """
    if not isinstance(items, pd.DataFrame):
        raise SurveyTypeError.of("survey.alpha_not_frame", kind=type(items).__name__)
    check_choice(missing, "missing", ("pairwise", "listwise"))
    k = items.shape[1]
    if k < 2:
        raise SurveyError.of("survey.alpha_two_items", k=k)
    x = pd.DataFrame(
        {c: numeric_values(items[c], str(c), "reliability") for c in items.columns},
        index=items.index,
    )
    if missing == "listwise":
        x = x.dropna()
    cov = x.cov(min_periods=2).to_numpy()
    if np.isnan(cov).any():
        raise SurveyError.of("survey.alpha_pairs")
    total = cov.sum()
    if total <= 0:
        raise SurveyError.of("survey.alpha_no_variance")
    return float(k / (k - 1) * (1 - np.trace(cov) / total))
