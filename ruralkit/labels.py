"""Display labels in the current language: result tables, codebook labels, place names.

:func:`labelled` gives a display copy of a table: the kit's result columns
(``estimate, se, ci_low, ci_high, n, deff, p_value`` ...) get their names, a
dataset's columns their codebook labels, coded values their value labels and
township and village codes the names of the places, all in the language of
:func:`ruralkit.set_language`. The data and its column names are never
changed: researchers keep ``township_id`` and the codes, learners read 乡镇 and
城关镇. The charts (:mod:`ruralkit.plots`) and the survey results
(:class:`ruralkit.survey.Estimates`) label themselves with the same functions.

Examples
--------
>>> import pandas as pd
>>> import ruralkit as rk
>>> t = pd.DataFrame({"township_id": ["T01", "T02"], "estimate": [0.52, 0.61], "n": [240, 240]})
>>> rk.set_language("zh")
>>> rk.labelled(t).to_dict("list")
{'乡镇': ['城关镇', '石桥镇'], '估计值': [0.52, 0.61], '样本量': [240, 240]}
>>> rk.set_language("en")
>>> list(rk.labelled(t, percent=True).columns)
['Township', 'Estimate (%)', 'Sample size']
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping

import numpy as np
import pandas as pd

from .datasets import DATASETS, codebook, label, load_villages, value_labels
from .i18n import RuralkitError, get_language, message

__all__ = [
    "PLACE_NAMES",
    "RESULT_CODES",
    "RESULT_COLUMNS",
    "break_period_label",
    "column_label",
    "display_labels",
    "guess_dataset",
    "labelled",
    "place_names",
    "value_label",
]

#: Code columns shown by the names of their places, and the name columns of villages.
PLACE_NAMES = {"township_id": "township_name", "village_id": "village_name"}

#: Columns of the kit's result tables (survey estimates, likert tables, model
#: coefficients) and the catalogue entries that name them.
RESULT_COLUMNS = {
    "estimate": "core.column_estimate",
    "se": "core.column_se",
    "ci_low": "core.column_ci_low",
    "ci_high": "core.column_ci_high",
    "n": "core.column_n",
    "count": "core.column_count",
    "deff": "core.column_deff",
    "p_value": "core.column_p_value",
    "odds_ratio": "core.column_odds_ratio",
    "or_ci_low": "core.column_or_ci_low",
    "or_ci_high": "core.column_or_ci_high",
    "suppressed": "core.column_suppressed",
    "estimate_a": "core.column_estimate_a",
    "estimate_b": "core.column_estimate_b",
    "se_a": "core.column_se_a",
    "se_b": "core.column_se_b",
    "n_a": "core.column_n_a",
    "n_b": "core.column_n_b",
    "category": "core.column_category",
    "term": "core.column_term",
    "coef": "core.column_coef",
    "pct_effect": "core.column_pct_effect",
    "pct_low": "core.column_pct_low",
    "pct_high": "core.column_pct_high",
    "model": "core.column_model",
    "per_capita": "core.column_per_capita",
    "national_per_capita": "core.column_national_per_capita",
    "national_share": "core.column_national_share",
    "verified": "core.column_verified",
    "lower_bound": "core.column_lower_bound",
    "upper_bound": "core.column_upper_bound",
    "n_below": "core.column_n_below",
    "n_above": "core.column_n_above",
    "n_clipped": "core.column_n_clipped",
    "t": "core.column_t",
    "z": "core.column_z",
    "df": "core.column_df",
    "contrast": "core.column_contrast",
    "share": "core.column_share",
    "item": "core.column_item",
    "dont_know": "core.column_dont_know",
    "refused": "core.column_refused",
    "stratum": "core.column_stratum",
    # rk.list_datasets()
    "name": "core.column_dataset_name",
    "description": "core.column_description",
    "rows": "core.column_rows",
    "columns": "core.column_columns",
    # ruralkit.disputes: counts, seasonal profiles, trends, early warning
    "cases": "disputes.column_cases",
    "per_1000": "disputes.column_per_1000",
    "month": "disputes.column_month",
    "quarter": "disputes.column_quarter",
    "month_of_year": "disputes.column_month_of_year",
    "months_from_spring_festival": "disputes.column_months_from_spring_festival",
    "mean": "disputes.column_mean",
    "index": "disputes.column_index",
    "index_low": "disputes.column_index_low",
    "index_high": "disputes.column_index_high",
    "observed": "disputes.column_observed",
    "expected": "disputes.column_expected",
    "upperbound": "disputes.column_upperbound",
    "alarm": "disputes.column_alarm",
    "trend": "disputes.column_trend",
    "score": "disputes.column_score",
    "phi": "disputes.column_phi",
    "rate_ratio": "disputes.column_rate_ratio",
    "percent": "disputes.column_percent",
    "percent_low": "disputes.column_percent_low",
    "percent_high": "disputes.column_percent_high",
}
#: Result columns whose values are codes of the kit (labelled like a codebook's codes).
RESULT_CODES = {
    "kind": ("disputes.column_kind", {"trend": "disputes.kind_trend",
                                      "window": "disputes.kind_window",
                                      "step": "disputes.kind_step"}),
    "measure": ("disputes.column_measure", {"median_days": "disputes.measure_median_days",
                                            "mean_days": "disputes.measure_mean_days"}),
    "period": ("disputes.column_period", {}),
}
#: The periods of ``resolution_summary(breaks=...)``: "to D", "A to B", "from D".
_BREAK_PERIODS = (
    (re.compile(r"^to (?P<date>\d{4}-\d{2}-\d{2})$"), "disputes.period_to"),
    (re.compile(r"^from (?P<date>\d{4}-\d{2}-\d{2})$"), "disputes.period_from"),
    (re.compile(r"^(?P<a>\d{4}-\d{2}-\d{2}) to (?P<b>\d{4}-\d{2}-\d{2})$"),
     "disputes.period_between"),
)
#: Columns that are named the same in every table, also without a dataset.
_GENERIC = {"year": "core.column_year", "township_id": "core.column_township_id",
            "village_id": "core.column_village_id"}
#: Share-like columns and how ``percent=True`` shows them: "%" or "points".
_SHARE_UNITS = {"estimate": "percent", "ci_low": "percent", "ci_high": "percent",
                "share": "percent", "se": "points", "dont_know": "percent",
                "refused": "percent"}
_DIFFERENCE_UNITS = {"estimate": "points", "ci_low": "points", "ci_high": "points",
                     "se": "points", "estimate_a": "percent", "estimate_b": "percent",
                     "se_a": "points", "se_b": "points"}
_TERM = re.compile(r"^(?:C\()?(?P<var>[A-Za-z_][A-Za-z0-9_]*)\)?\[T\.(?P<value>.+)\]$")


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


def _check_dataset(dataset: str | None) -> None:
    if dataset is not None and dataset not in DATASETS:
        raise RuralkitError(message("core.unknown_dataset", name=dataset,
                                    choices=", ".join(DATASETS)))


def _codes(dataset: str | None, variable: str | None) -> Mapping:
    """Labels of the codes of ``variable``: place names, value labels, or none."""
    if variable in PLACE_NAMES:
        return place_names(variable)
    if variable in RESULT_CODES:
        return _result_codes(variable)
    if dataset is None or not variable:
        return {}
    try:
        codes = dict(value_labels(dataset, variable))
    except RuralkitError:  # a computed column (e.g. "level"), not in the codebook
        return {}
    row = codebook(dataset).set_index("variable").loc[variable]
    missing = row["missing_codes_zh" if get_language() == "zh" else "missing_codes"]
    for part in filter(None, missing.split(" | ")):  # "8=不知道 | 9=拒答" (raw answers)
        code, _, text = part.partition("=")
        codes.setdefault(int(code) if code.strip().isdigit() else code.strip(), text.strip())
    return codes


def _result_codes(variable: str) -> dict:
    """Labels of the values of a result column of :data:`RESULT_CODES`."""
    codes = {code: message(key) for code, key in RESULT_CODES[variable][1].items()}
    if variable == "measure":  # shares of the outcomes: the outcomes' own labels
        codes = {**dict(value_labels("disputes", "outcome")), **codes}
    return codes


def break_period_label(value: object) -> object:
    """A period of ``resolution_summary(breaks=...)`` in the current language.

    Examples
    --------
    >>> break_period_label("from 2020-07-01")
    'from 2020-07-01'
    >>> break_period_label(2021)
    2021
    """
    if isinstance(value, str):
        for pattern, key in _BREAK_PERIODS:
            found = pattern.match(value)
            if found:
                return message(key, **found.groupdict())
    return value


def value_label(value: object, codes: Mapping) -> str:
    """One value as shown: its label in ``codes``, yes/no for booleans, else as it is.

    Examples
    --------
    >>> value_label(2.0, {1: "a", 2: "b"})
    'b'
    >>> value_label(True, {})
    'Yes'
    """
    if isinstance(value, bool | np.bool_):
        return message("core.value_true" if value else "core.value_false")
    if value in codes:
        return str(codes[value])
    if isinstance(value, float | np.floating) and float(value).is_integer() \
            and int(value) in codes:
        return str(codes[int(value)])
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def display_labels(values: pd.Series | Iterable, *, dataset: str | None,
                   variable: str | None) -> list[str]:
    """Turn codes or variable names into display labels in the current language.

    A value that names a variable of ``dataset`` gets the variable's label; a
    value that is a code of ``variable`` gets its value label; township and
    village codes (``township_id``, ``village_id``) get the place's name from
    the villages table, with or without a dataset; anything else is shown as
    it is.

    Examples
    --------
    >>> display_labels(["T02"], dataset=None, variable="township_id")
    ['Shiqiao Town']
    >>> display_labels(["trust_centre"], dataset="trust_survey", variable=None)
    ['Trust in the central government']
    """
    values = list(values)
    _check_dataset(dataset)
    if dataset is None and variable not in PLACE_NAMES and variable not in RESULT_CODES:
        return [value_label(v, {}) for v in values]
    codes = _codes(dataset, variable)
    out = []
    for v in values:
        if v in codes or isinstance(v, bool | np.bool_ | float | np.floating) or dataset is None:
            out.append(value_label(v, codes))
            continue
        try:
            out.append(label(dataset, str(v)))
        except RuralkitError:
            out.append(value_label(v, codes))
    return out


def column_label(name: Hashable, dataset: str | None = None) -> str:
    """The header of column ``name`` in the current language.

    Place codes are headed by the place (乡镇, 村) since their values show its
    name; a dataset's column by its codebook label; a result column
    (:data:`RESULT_COLUMNS`) by the catalogue's name; anything else as it is.

    Examples
    --------
    >>> column_label("ci_low")
    'CI lower'
    >>> column_label("terrain", "villages")
    'Terrain'
    """
    _check_dataset(dataset)
    if not isinstance(name, str):
        return str(name)
    if dataset is not None and name not in PLACE_NAMES:
        try:
            return label(dataset, name)
        except RuralkitError:
            pass
    if name in _GENERIC:
        return message(_GENERIC[name])
    if name in RESULT_CODES:
        return message(RESULT_CODES[name][0])
    if name in RESULT_COLUMNS:
        return message(RESULT_COLUMNS[name])
    return name


def guess_dataset(frame: pd.DataFrame) -> str | None:
    """The dataset whose codebook names most of the table's columns (None if none)."""
    names = [c for c in [*frame.columns, *frame.index.names]
             if isinstance(c, str) and c not in _GENERIC and c not in RESULT_COLUMNS]
    if "item" in frame.columns:  # a likert table: its items are variables
        names += [str(v) for v in pd.unique(frame["item"])]
    best, best_hits = None, 0
    for dataset in DATASETS:
        variables = set(codebook(dataset)["variable"])
        hits = sum(c in variables for c in names)
        if hits > best_hits:
            best, best_hits = dataset, hits
    return best


def _term_label(term: object, dataset: str | None) -> str:
    """A model term such as ``C(terrain)[T.hill]`` as ``Terrain: Hill`` (labels of the codebook)."""
    text = str(term)
    if text == "Intercept":
        return message("core.term_intercept")
    match = _TERM.match(text)
    if match:
        var, value = match["var"], match["value"]
        codes = _codes(dataset, var)
        shown = value_label(value, codes)
        if shown == value and value.lstrip("-").isdigit():
            shown = value_label(int(value), codes)
        if value in ("True", "False"):
            shown = value_label(value == "True", codes)
        return message("core.term_level", variable=column_label(var, dataset), value=shown)
    return column_label(text, dataset)


def _label_values(col: pd.Series, name: Hashable, frame: pd.DataFrame, dataset: str | None,
                  variable: str | None) -> pd.Series:
    """The values of one column as shown (labels), or the column itself (numbers, free text)."""
    if name == "term":
        return col.map(lambda v: _term_label(v, dataset))
    if name == "item":
        return pd.Series(display_labels(col, dataset=dataset, variable=None), index=col.index)
    if name == "period":
        if isinstance(col.dtype, pd.CategoricalDtype):
            return col.cat.rename_categories(break_period_label)
        return col.map(break_period_label)
    if name == "category":
        if "item" in frame.columns:  # likert table: each row's codes are its item's
            shown = [value_label(v, _codes(dataset, str(i)))
                     for v, i in zip(col, frame["item"], strict=True)]
            return pd.Series(shown, index=col.index)
        codes = _codes(dataset, variable)
        return col.map(lambda v: value_label(v, codes))
    if pd.api.types.is_bool_dtype(col.dtype):
        return col.map(lambda v: v if pd.isna(v) else value_label(bool(v), {}))
    if not isinstance(name, str):
        return col
    codes = _codes(dataset, name)
    if not codes:
        return col
    if isinstance(col.dtype, pd.CategoricalDtype):
        mapping = {c: value_label(c, codes) for c in col.cat.categories}
        if len(set(mapping.values())) == len(mapping):
            return col.cat.rename_categories(mapping)
    return col.map(lambda v: v if pd.isna(v) else value_label(v, codes))


def labelled(frame: pd.DataFrame | pd.Series, dataset: str | None = None, *,
             percent: bool = False, variable: str | None = None) -> pd.DataFrame | pd.Series:
    """A display copy of a table, in the current language.

    Kit result columns get their names (``estimate`` 估计值, ``se`` 标准误,
    ``ci_low`` 置信区间下限, ``ci_high`` 置信区间上限, ``n`` 样本量, ``deff``
    设计效应, ``p_value`` p值, ``odds_ratio`` 比值比, ``suppressed`` 已隐藏 ...),
    a dataset's columns their codebook labels, coded values their value
    labels, booleans 是/否, model terms the labels of their variables, and
    township and village codes the names of the places; index names and
    values too. The table itself is not changed.

    Parameters
    ----------
    frame : DataFrame or Series
        Any table: a survey result (:class:`ruralkit.survey.Estimates`), a
        likert table, a model's ``summary_frame()``, or data of a dataset; or a
        Series such as ``villages.groupby("township_id")["population"].sum()``
        (its index and name are labelled, and a Series comes back).
    dataset : str, optional
        The bundled dataset whose codebook labels the columns and codes.
        Default: the one the table was estimated from (survey results of
        :func:`ruralkit.survey_design` know it), else the dataset whose
        codebook names most of its columns.
    percent : bool, default False
        The estimates are shares: show them ×100 with "(%)" in the header,
        standard errors and differences of shares (the result of
        ``design.difference``) in percentage points (百分点), rounded to 1 decimal.
    variable : str, optional
        The variable whose codes fill a ``category`` column (default: the one
        the result was estimated for).

    Returns
    -------
    DataFrame or Series
        A new, plain table (or Series), meant for showing and exporting.

    Examples
    --------
    >>> import pandas as pd
    >>> import ruralkit as rk
    >>> diff = pd.DataFrame({"township_id": ["T05"], "estimate": [0.087], "se": [0.04],
    ...                      "estimate_a": [0.41], "estimate_b": [0.497]})
    >>> rk.set_language("zh")
    >>> shown = rk.labelled(diff, percent=True)
    >>> list(shown.columns)
    ['乡镇', '估计值（百分点）', '标准误（百分点）', '估计值（前）（%）', '估计值（后）（%）']
    >>> shown.iloc[0].astype(str).tolist()
    ['龙泉镇', '8.7', '4.0', '41.0', '49.7']
    >>> people = rk.load_villages().groupby("township_id")["population"].sum()
    >>> rk.labelled(people).head(2).to_dict()
    {'城关镇': 16732, '石桥镇': 18656}
    >>> rk.set_language("en")
    """
    if isinstance(frame, pd.Series):
        name = frame.name if frame.name is not None else "value"
        shown = labelled(frame.to_frame(name), dataset, percent=percent, variable=variable)
        return shown.iloc[:, 0]
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(message("plots.data_not_frame", func="labelled",
                                type=type(frame).__name__))
    attrs = dict(frame.attrs)
    _check_dataset(dataset)
    if dataset is None:
        dataset = attrs.get("dataset") or guess_dataset(frame)
    variable = variable if variable is not None else attrs.get("variable")
    out = pd.DataFrame(frame, copy=True)
    out.attrs = {}
    index_names = [n for n in out.index.names if n is not None]
    if index_names:
        out = out.reset_index(level=index_names)
    groups = attrs.get("groups")
    difference = groups is not None or {"estimate_a", "estimate_b"} <= set(out.columns)
    units = (_DIFFERENCE_UNITS if difference else _SHARE_UNITS) if percent else {}
    headers = {}
    for name in out.columns:
        col = out[name]
        if name in units and pd.api.types.is_numeric_dtype(col.dtype):
            out[name] = (col.astype("float64") * 100).round(1)
        elif (name not in RESULT_COLUMNS or name in ("category", "term", "item")
              or pd.api.types.is_bool_dtype(col.dtype)):  # suppressed: 是/否
            out[name] = _label_values(col, name, frame, dataset, variable)
        headers[name] = _header(name, dataset, units.get(name), groups)
    out = out.rename(columns=headers)
    if index_names:
        out = out.set_index([headers[n] for n in index_names])
    return out


def _header(name: Hashable, dataset: str | None, unit: str | None,
            groups: tuple | None) -> str:
    text = column_label(name, dataset)
    if groups is not None and isinstance(name, str) and name[-2:] in ("_a", "_b") \
            and name in RESULT_COLUMNS:
        group = groups[0] if name.endswith("_a") else groups[1]
        text = message("core.groups_columns", label=column_label(name[:-2], dataset),
                       group=value_label(group, {}))
    if unit == "percent":
        return message("core.column_percent", label=text)
    if unit == "points":
        return message("core.column_points", label=text)
    return text
