"""What a prediction model has learnt, and what it has not: importance, dependence, what-if.

:func:`importance` permutes features on each fold's held-out villages (with
the model of that fold) and reports how much the held-out R² falls; features
that carry the same information (say, several schooling columns) are permuted
together when grouped, since permuting one alone leaves the others to stand in
for it. :func:`dependence_plot` draws partial dependence with individual
(ICE) curves through scikit-learn's :class:`~sklearn.inspection.PartialDependenceDisplay`,
labelled from the codebook. :func:`what_if` asks the model what it expects when
some households change, and says alongside, in the current language, that the
answer is an association, not a causal effect.

Examples
--------
>>> import ruralkit as rk
>>> from ruralkit.income import fit_model, importance
>>> h = rk.load_households().query("year == 2024")
>>> fit = fit_model(h, outcome="income_per_capita", model="linear",
...                 features=["head_education_years", "migrant_workers", "land_mu"])
>>> table = importance(fit, n_repeats=3)
>>> table.columns.tolist()
['feature', 'columns', 'importance', 'se', 'n_folds']
>>> bool(table["importance"].is_monotonic_decreasing)  # the strongest predictor first
True
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ..datasets import codebook
from ..i18n import LANGUAGES, Msg, get_language, join, message, set_language
from ..labels import column_label, display_labels
from ..plots import style
from ..plots._notes import add_footnote
from ._prediction_checks import PredictionInputError, check_columns, check_frame
from .prediction import IncomeModel, limited_threads

__all__ = ["WhatIf", "dependence_plot", "importance", "importance_chart", "what_if"]


def _blocks(features: Sequence[str], groups: Mapping[str, Sequence[str]] | None
            ) -> list[tuple[str, list[str]]]:
    """(name, columns) to permute together: each group, then every other feature alone."""
    groups = dict(groups or {})
    seen: dict[str, str] = {}
    for name, columns in groups.items():
        for col in [columns] if isinstance(columns, str) else columns:
            if col not in features:
                raise PredictionInputError.of("income.importance_group_unknown", group=name,
                                              column=col, choices=", ".join(features))
            if col in seen:
                raise PredictionInputError.of("income.importance_group_twice", column=col,
                                              groups=f"{seen[col]!r}, {name!r}")
            seen[col] = name
    blocks = [(name, [columns] if isinstance(columns, str) else list(columns))
              for name, columns in groups.items()]
    return blocks + [(f, [f]) for f in features if f not in seen]


def _fold_importance(model, X: pd.DataFrame, y: np.ndarray, blocks, n_repeats: int,
                     seed: int) -> list[dict]:
    """Permutation importance of each block on one fold's test rows.

    The permutations follow :func:`sklearn.inspection.permutation_importance`:
    every block is shuffled with a fresh ``RandomState(seed)``, each repeat
    shuffling the previous repeat's result, so in the ungrouped case the
    numbers equal scikit-learn's. The ``n_repeats``
    permuted copies of a block are predicted in one call.
    """
    from sklearn.metrics import r2_score

    X = X.reset_index(drop=True)
    n = len(X)
    baseline = r2_score(y, model.predict(X))
    out = []
    for name, columns in blocks:
        rng = np.random.RandomState(seed)
        order = np.arange(n)
        stacked = pd.concat([X] * n_repeats, ignore_index=True)
        current = {col: X[col].to_numpy() for col in columns}
        for r in range(n_repeats):
            rng.shuffle(order)  # as scikit-learn: each shuffle applies to the last one's result
            rows = slice(r * n, (r + 1) * n)
            for col in columns:
                current[col] = current[col][order]
                stacked.iloc[rows, stacked.columns.get_loc(col)] = current[col]
        pred = model.predict(stacked).reshape(n_repeats, n)
        drops = np.array([baseline - r2_score(y, p) for p in pred])
        out.append({"feature": name, "columns": ", ".join(columns),
                    "importance": float(drops.mean()), "sd": float(drops.std())})
    return out


def importance(result: IncomeModel, *, groups: Mapping[str, Sequence[str]] | None = None,
               n_repeats: int = 10, random_state: int = 0, by_fold: bool = False
               ) -> pd.DataFrame:
    """Permutation importance on held-out villages, with correlated features grouped.

    For each fold, the fold's model predicts its own test villages with one
    feature (or one group of features, permuted together: the same shuffle of
    rows for every column of the group) shuffled across households; the
    importance is the fall in held-out R² (on the model's scale), averaged over
    ``n_repeats`` shuffles.

    Parameters
    ----------
    result : IncomeModel
        What :func:`~ruralkit.income.fit_model` returned.
    groups : dict of str to list of str, optional
        Features to permute together, e.g. ``{"land and crops": ["land_mu",
        "main_crop"]}``; the other features are permuted one by one.
    n_repeats : int, default 10
        Shuffles per feature and fold.
    random_state : int, default 0
        Seed of the shuffles (as ``permutation_importance``'s ``random_state``).
    by_fold : bool, default False
        One row per fold and feature (``fold, feature, columns, importance,
        sd``: mean and standard deviation over the shuffles, as scikit-learn's
        ``importances_mean`` and ``importances_std``) instead of the summary.

    Returns
    -------
    DataFrame
        One row per feature or group, most important first: ``feature``
        (its name, or the group's), ``columns``, ``importance`` (mean over the
        folds of the fall in R²), ``se`` (standard deviation of the fold means
        over √folds: how much the importance varies with the villages held
        out) and ``n_folds``.

    Notes
    -----
    Importance says how much the model's predictions lean on a feature, not
    how much the feature changes income: a feature that merely goes with
    income (e-commerce sales here) can be important to a prediction and have
    no effect at all.
    """
    if not isinstance(result, IncomeModel):
        raise TypeError("importance() takes the result of fit_model().")
    if isinstance(n_repeats, bool) or not isinstance(n_repeats, int | np.integer) \
            or n_repeats < 1:
        raise PredictionInputError.of("income.importance_bad_repeats", n=n_repeats)
    blocks = _blocks(result.features, groups)
    seed = np.random.RandomState(random_state).randint(np.iinfo(np.int32).max + 1)
    rows = []
    with limited_threads(result.threads):
        for k, model in enumerate(result.fold_models):
            test = np.flatnonzero(result.folds == k)
            for row in _fold_importance(model, result.X.iloc[test], result.y[test], blocks,
                                        int(n_repeats), seed):
                rows.append({"fold": k + 1, **row})
    per_fold = pd.DataFrame(rows)
    per_fold.attrs["dataset"] = result.dataset
    if by_fold:
        return per_fold
    summary = per_fold.groupby(["feature", "columns"], sort=False)["importance"].agg(
        importance="mean", sd="std", n_folds="size").reset_index()
    summary["se"] = summary.pop("sd") / np.sqrt(summary["n_folds"])
    summary = summary[["feature", "columns", "importance", "se", "n_folds"]]
    summary = summary.sort_values("importance", ascending=False, ignore_index=True)
    summary.attrs["dataset"] = result.dataset
    return summary


def importance_chart(table: pd.DataFrame, *, title: str | None = None, note: str | None = None,
                     footnote: bool = True, ax: Axes | None = None) -> Axes:
    """Horizontal bars of :func:`importance`, most important on top, with ±2 standard errors.

    Feature names get their codebook labels in the current language (a
    group keeps the name you gave it).

    Parameters
    ----------
    table : DataFrame
        What :func:`importance` returned.
    title, note, footnote, ax
        As in the kit's other charts: a title, a sentence added to the
        footnote, whether to write the footnote (what the bars are, that
        importance is not an effect; 模拟数据), an Axes.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from ruralkit.income import importance_chart
    >>> t = pd.DataFrame({"feature": ["migrant_workers", "land_mu"], "importance": [0.2, 0.05],
    ...                   "se": [0.01, 0.01]})
    >>> ax = importance_chart(t)
    >>> [x.get_text() for x in ax.get_yticklabels()]  # bottom to top
    ['Contracted land', 'Migrant workers']
    """
    import matplotlib.pyplot as plt

    check_columns(check_frame(table, "importance_chart"), "columns",
                  ["feature", "importance", "se"])
    dataset = table.attrs.get("dataset") or "households"
    frame = table.sort_values("importance", ascending=True)
    with style():
        if ax is None:
            _, ax = plt.subplots(figsize=(7.0, 0.45 * len(frame) + 1.6))
        pos = np.arange(len(frame))
        values = frame["importance"].to_numpy(dtype=float)
        ax.barh(pos, values, color="#2f6690",
                xerr=2 * frame["se"].to_numpy(dtype=float), ecolor="#555555", capsize=3)
        ax.set_yticks(pos, display_labels(frame["feature"], dataset=dataset, variable=None))
        ax.grid(axis="y", visible=False)
        ax.axvline(0, color="#333333", linewidth=1)
        ax.set_xlabel(message("income.importance_axis"))
        if title:
            ax.set_title(title)
        if footnote:
            add_footnote(ax, [Msg("income.importance_footnote")], note)
    return ax


def dependence_plot(result: IncomeModel, feature: str, *, kind: str = "both",
                    subsample: int = 100, grid_resolution: int = 20, title: str | None = None,
                    note: str | None = None, footnote: bool = True, ax: Axes | None = None
                    ) -> Axes:
    """Partial dependence with ICE curves of one feature, labelled in the current language.

    Drawn by :meth:`sklearn.inspection.PartialDependenceDisplay.from_estimator`
    with the pipeline fitted on all rows: each thin line is one household with
    the feature moved along its range and everything else as it is (ICE), the
    thick line their average (partial dependence). Category features get bars
    of the average (ICE curves are not defined for them in scikit-learn).

    Parameters
    ----------
    result : IncomeModel
        What :func:`~ruralkit.income.fit_model` returned.
    feature : str
        One of the model's features.
    kind : {"both", "average", "individual"}, default "both"
        As in scikit-learn.
    subsample : int, default 100
        Households drawn for the ICE curves (the draw follows ``result.random_state``).
    grid_resolution : int, default 20
        Points along a numeric feature.
    title, note, footnote, ax
        As in the kit's other charts: title, a sentence added to the footnote,
        whether to write the footnote (what the lines are; 模拟数据), an Axes.

    Returns
    -------
    matplotlib.axes.Axes
        The chart's axes (scikit-learn draws into a fresh Axes inside ``ax``).
    """
    import matplotlib.pyplot as plt
    from sklearn.inspection import PartialDependenceDisplay

    if not isinstance(result, IncomeModel):
        raise TypeError("dependence_plot() takes the result of fit_model().")
    if feature not in result.features:
        raise PredictionInputError.of("income.whatif_not_feature", column=feature,
                                      choices=", ".join(result.features))
    categorical = feature in result.categorical
    kind = "average" if categorical else kind
    with style(), limited_threads(result.threads):
        if ax is None:
            _, ax = plt.subplots()
        display = PartialDependenceDisplay.from_estimator(
            result.pipeline, result.X, [feature], kind=kind, subsample=subsample,
            random_state=result.random_state, grid_resolution=grid_resolution,
            categorical_features=[feature] if categorical else None, ax=ax,
            pd_line_kw={"label": message("income.pd_average"), "color": "#d1495b",
                        "linewidth": 2.5},
            ice_lines_kw={"color": "#2f6690", "alpha": 0.25, "linewidth": 0.6})
        out = display.axes_[0, 0]
        _label_dependence(out, result, feature, categorical)
        if title:
            out.set_title(title)
        if footnote:
            key = "income.pd_footnote_average" if kind == "average" else "income.pd_footnote_ice"
            add_footnote(out, [Msg(key, n=min(subsample, len(result.X)))], note)
    return out


def _label_dependence(ax: Axes, result: IncomeModel, feature: str, categorical: bool) -> None:
    dataset = result.dataset
    outcome = column_label(result.outcome, dataset)
    ax.set_xlabel(column_label(feature, dataset))
    ax.set_ylabel(message("income.pd_ylabel_log" if result.log_outcome else "income.pd_ylabel",
                          outcome=outcome))
    if categorical:
        ticks = [t.get_text() for t in ax.get_xticklabels()]
        ax.set_xticks(ax.get_xticks(), display_labels(ticks, dataset=dataset, variable=feature),
                      rotation=0)
    legend = ax.get_legend()
    if legend is not None:
        legend.set_frame_on(False)


#: The headers of a what-if table, as the catalogue names them.
WHATIF_COLUMNS = {"n": "income.whatif_col_n", "before": "income.whatif_col_before",
                  "after": "income.whatif_col_after",
                  "difference": "income.whatif_col_difference",
                  "percent": "income.whatif_col_percent"}


@dataclass(eq=False)
class WhatIf:
    """The model's answer to "what if these households changed", with its caveat.

    ``table`` has one row: ``n`` (households), ``before`` and ``after`` (mean
    predicted per-capita income in yuan, with Duan's smearing for log models),
    ``difference`` and ``percent``. ``per_household`` has the two predictions
    of every row. ``caveat`` is the warning, a :class:`~ruralkit.i18n.Msg`
    shown in the current language by ``print`` and in Jupyter.
    """

    table: pd.DataFrame
    per_household: pd.DataFrame
    change: dict
    caveat: Msg
    title: Msg

    def shown(self) -> pd.DataFrame:
        """The table with headers in the current language."""
        names = {c: message(key) for c, key in WHATIF_COLUMNS.items()}
        return self.table.round({"before": 0, "after": 0, "difference": 0, "percent": 1}
                                ).rename(columns=names)

    def __repr__(self) -> str:
        return f"{self.title}\n{self.shown().to_string(index=False)}\n\n{self.caveat}"

    def _repr_html_(self) -> str:
        return (f"<p><b>{html.escape(str(self.title))}</b></p>"
                + self.shown().to_html(index=False)
                + f"<p style='color:#8a3b00'>{html.escape(str(self.caveat))}</p>")


def _changed(df: pd.DataFrame, change: Mapping[str, object]) -> pd.DataFrame:
    out = df.copy()
    for col, value in change.items():
        out[col] = value(out[col]) if callable(value) else value
    return out


def _is_boolean(dataset: str | None, column: str) -> bool:
    """Whether the codebook of ``dataset`` types ``column`` as yes/no."""
    if dataset is None:
        return False
    types = codebook(dataset).set_index("variable")["type"]
    return types.get(column) == "boolean"


def _describe(change: Mapping[str, object], dataset: str | None) -> Msg:
    parts = []
    for col, value in change.items():
        label = column_label(col, dataset)
        if callable(value):
            parts.append(Msg("income.whatif_changed", column=label))
            continue
        if _is_boolean(dataset, col) and value in (0, 1):
            value = bool(value)
        shown = display_labels([value], dataset=dataset, variable=col)[0]
        parts.append(Msg("income.whatif_set", column=label, value=shown))
    return join(parts)


def what_if(result: IncomeModel, df: pd.DataFrame, change: Mapping[str, object]) -> WhatIf:
    """What the model predicts if the households of ``df`` changed as ``change`` says.

    Parameters
    ----------
    result : IncomeModel
        What :func:`~ruralkit.income.fit_model` returned.
    df : DataFrame
        The households to change, e.g. ten households that are not members.
    change : dict
        Column to new value (``{"cooperative_member": 1}``) or to a function of
        the column (``{"migrant_workers": lambda s: s + 1}``).

    Returns
    -------
    WhatIf
        ``table`` (mean predicted income before, after, the difference in
        yuan and in %), ``per_household``, and the caveat printed alongside:
        a prediction model's what-if is an association, not a causal effect
        (for that, see :func:`ruralkit.income.panel_effect`).

    Examples
    --------
    >>> import ruralkit as rk
    >>> from ruralkit.income import fit_model, what_if
    >>> h = rk.load_households().query("year == 2024")
    >>> fit = fit_model(h, outcome="income_per_capita", model="linear",
    ...                 features=["head_education_years", "cooperative_member"])
    >>> ten = h[~h["cooperative_member"]].head(10)
    >>> answer = what_if(fit, ten, {"cooperative_member": 1})
    >>> int(answer.table["n"].iloc[0])
    10
    >>> "not the effect" in str(answer.caveat)
    True
    """
    if not isinstance(result, IncomeModel):
        raise TypeError("what_if() takes the result of fit_model() first.")
    df = check_frame(df, "what_if")
    change = dict(change or {})
    if df.empty or not change:
        raise PredictionInputError.of("income.whatif_empty")
    for col in change:
        if col not in result.features:
            raise PredictionInputError.of("income.whatif_not_feature", column=col,
                                          choices=", ".join(result.features))
    check_columns(df, "features", result.features)
    before = result.predict_income(df)
    after = result.predict_income(_changed(df, change))
    mean_b, mean_a = float(before.mean()), float(after.mean())
    table = pd.DataFrame({"n": [len(df)], "before": [mean_b], "after": [mean_a],
                          "difference": [mean_a - mean_b],
                          "percent": [100 * (mean_a / mean_b - 1)]})
    per_household = pd.DataFrame({"before": before, "after": after}, index=df.index)
    dataset = result.dataset
    columns = _in_every_language(lambda: join([column_label(c, dataset) for c in change]))
    return WhatIf(table=table, per_household=per_household, change=change,
                  caveat=Msg("income.whatif_caveat", columns=columns),
                  title=Msg("income.whatif_title", n=len(df),
                            change=_in_every_language(lambda: _describe(change, dataset))))


def _in_every_language(make: Callable[[], Msg]) -> Msg:
    """A message whose labels (codebook labels, value labels) follow the language it is shown in."""
    current = get_language()
    texts = {}
    try:
        for language in LANGUAGES:
            set_language(language)
            texts[language] = str(make())
    finally:
        set_language(current)
    return Msg.from_texts(texts)

