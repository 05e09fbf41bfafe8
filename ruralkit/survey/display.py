r"""How survey objects show themselves in the current language: designs and estimates.

In English the kit's objects show themselves as they always have; in Chinese
(``rk.set_language("zh")``) a :class:`~ruralkit.survey.Design` describes
itself with the glossary's terms (分层（层）, 整群：被抽中的村（初级抽样单元）,
自由度) and result tables show their labelled copy (:func:`ruralkit.labelled`):
估计值, 标准误, 置信区间下限 ... and place names instead of codes. The tables
themselves keep their column names and codes.

Examples
--------
>>> import ruralkit as rk
>>> design = rk.survey_design(rk.load_trust_survey())
>>> rk.set_language("zh")
>>> print(repr(design).replace("；", "；\n"))
<抽样设计：4320 行；
整群：被抽中的村（初级抽样单元）180 个（village_id）；
分层（层）36 个（year、township_id）；
权重 weight；
自由度 144>
>>> rk.set_language("en")
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from ..i18n import Msg, join, message

#: A :class:`~ruralkit.survey.Design` (not imported here: the design imports this module).
Design = Any


def tag(table: pd.DataFrame, *, variable: str | None, dataset: str | None) -> pd.DataFrame:
    """Note on a result table which variable (and dataset) it was estimated for.

    Kept in ``table.attrs``, so that :func:`ruralkit.labelled` and the charts
    can label its ``category`` column and titles; pandas carries ``attrs`` on
    to filtered copies.
    """
    if variable is not None:
        table.attrs["variable"] = variable
    if dataset is not None:
        table.attrs["dataset"] = dataset
    return table


def _columns(cols: list[str]) -> Msg:
    return join(cols)


def design_rows(design: Design) -> list[tuple[Msg, str]]:
    """The facts of a design as (name, value) rows, in the current language."""
    rows = [(Msg("survey.design_rows"), str(len(design.data)))]
    for name, n, cols in (("survey.design_psus", design.n_psu, design.cluster_cols),
                          ("survey.design_strata", design.n_strata, design.strata_cols)):
        value = message("survey.design_count_cols", n=n, cols=_columns(cols)) if cols \
            else str(n)
        rows.append((Msg(name), value))
    if design.weights_col:
        rows.append((Msg("survey.design_weights"), str(design.weights_col)))
    if design.fpc_col:
        rows.append((Msg("survey.design_fpc"), str(design.fpc_col)))
    rows.append((Msg("survey.design_degf"), str(design.degf)))
    return rows


def design_text(design: Design) -> str:
    """The one-line description of a design in the current language (Chinese repr)."""
    cluster = f"（{_columns(design.cluster_cols)}）" if design.cluster_cols else ""
    strata = f"（{_columns(design.strata_cols)}）" if design.strata_cols else ""
    parts = [
        message("survey.design_repr_rows", n=len(design.data)),
        message("survey.design_repr_psus", n=design.n_psu, cols=cluster),
        message("survey.design_repr_strata", n=design.n_strata, cols=strata),
    ]
    if design.weights_col:
        parts.append(message("survey.design_repr_weights", col=design.weights_col))
    if design.fpc_col:
        parts.append(message("survey.design_repr_fpc", col=design.fpc_col))
    parts.append(message("survey.design_repr_degf", degf=design.degf))
    return message("survey.design_repr", parts=join(parts, "core.separator_clauses"))


def design_html(design: Design) -> str:
    """The design as a small HTML table of its facts, in the current language."""
    cells = "".join(f"<tr><th style='text-align:left'>{html.escape(str(name))}</th>"
                    f"<td style='text-align:left'>{html.escape(value)}</td></tr>"
                    for name, value in design_rows(design))
    title = html.escape(message("survey.design_title"))
    return f"<table><caption style='text-align:left'>{title}</caption>{cells}</table>"
