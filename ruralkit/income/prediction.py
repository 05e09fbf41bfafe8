"""Prediction models of household income, cross-validated so that villages never leak.

:func:`fit_model` builds a scikit-learn pipeline (one-hot encoding for text and
category features, numbers passed through or standardised, then gradient
boosting or a linear model) and scores it on held-out villages: the folds are
made by :class:`sklearn.model_selection.GroupKFold` on ``village_id``, so no
village is in both the training and the test part of any fold. Households of
one village share roads, cooperatives and prices; letting them sit on both sides
would flatter the model.

The result, :class:`IncomeModel`, keeps the pipeline fitted on all rows, the
held-out scores per fold (a tidy table), the held-out predictions and the
model of each fold, which :func:`~ruralkit.income.importance` permutes on
the fold's own test villages.

Examples
--------
>>> import ruralkit as rk
>>> from ruralkit.income import fit_model
>>> h = rk.load_households().query("year == 2024")
>>> fit = fit_model(h, outcome="income_per_capita",
...                 features=["head_education_years", "migrant_workers", "land_mu"],
...                 model="linear")
>>> fit.scores.columns.tolist()
['fold', 'r2', 'rmse', 'n_train', 'n_test', 'villages_test']
>>> len(fit.scores)
5
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ..i18n import Msg, message
from ..labels import column_label
from ._prediction_checks import check_fit_input, check_frame, design_frame

__all__ = ["IncomeModel", "fit_model", "limited_threads", "make_pipeline"]


#: The headers of the scores table as shown (the table keeps its column names).
SCORE_COLUMNS = {"fold": "income.score_fold", "r2": "income.score_r2",
                 "rmse": "income.score_rmse", "n_train": "income.score_n_train",
                 "n_test": "income.score_n_test", "villages_test": "income.score_villages_test"}
#: The catalogue entries naming the models in the summary sentence.
MODEL_NAMES = {"gbm": "income.model_gbm", "linear": "income.model_linear"}


@contextmanager
def limited_threads(threads: int | None) -> Iterator[None]:
    """At most ``threads`` OpenMP threads inside the block (``None``: no limit)."""
    if threads is None:
        yield
        return
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=int(threads), user_api="openmp"):
        yield


def make_pipeline(model: str, categorical: Sequence[str], numeric: Sequence[str], *,
                  random_state: int = 0):
    """The unfitted pipeline :func:`fit_model` cross-validates (exposed for reference tests).

    ``"gbm"``: one-hot encoding of ``categorical``, ``numeric`` passed through,
    :class:`~sklearn.ensemble.HistGradientBoostingRegressor` (no early stopping,
    so the fit does not depend on an internal random validation split).
    ``"linear"``: one-hot encoding, ``numeric`` standardised,
    :class:`~sklearn.linear_model.LinearRegression`.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.linear_model import LinearRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    onehot = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    numbers = "passthrough" if model == "gbm" else StandardScaler()
    prep = ColumnTransformer([("categorical", onehot, list(categorical)),
                              ("numeric", numbers, list(numeric))],
                             verbose_feature_names_out=False)
    if model == "gbm":
        regressor = HistGradientBoostingRegressor(early_stopping=False,
                                                  random_state=random_state)
    else:
        regressor = LinearRegression()
    return Pipeline([("prepare", prep), ("model", regressor)])


@dataclass(eq=False)
class IncomeModel:
    """A cross-validated prediction model of income, as :func:`fit_model` returns it.

    Attributes
    ----------
    pipeline : sklearn.pipeline.Pipeline
        Fitted on every row (use it to predict new data).
    scores : DataFrame
        One row per fold: ``fold, r2, rmse, n_train, n_test, villages_test``,
        measured on the fold's held-out villages, on the model's scale (the log
        of the outcome when ``log_outcome``).
    predictions : DataFrame
        One row per row of the data (same index): ``fold`` (whose test part it
        was in), ``group``, ``observed`` and ``predicted`` (held-out, model scale).
    fold_models : list of Pipeline
        The pipeline fitted on each fold's training villages.
    X : DataFrame
        The features as the pipelines take them (numbers as float, text as str).
    y : ndarray
        The outcome on the model's scale.
    folds : ndarray
        The fold (0-based) whose test part each row is in.
    smearing : float
        Duan's smearing factor, the mean of ``exp(held-out residual)``: multiplies
        ``exp(prediction)`` to give the expected income in yuan (log outcomes).
    """

    pipeline: object
    scores: pd.DataFrame
    predictions: pd.DataFrame
    fold_models: list
    X: pd.DataFrame
    y: np.ndarray
    folds: np.ndarray
    outcome: str
    features: list[str]
    categorical: list[str]
    groups: str
    model: str
    log_outcome: bool
    random_state: int
    dataset: str | None = None
    smearing: float = 1.0
    threads: int | None = 1

    @property
    def numeric(self) -> list[str]:
        """The features passed through (or standardised) as numbers."""
        return [f for f in self.features if f not in self.categorical]

    def design(self, df: pd.DataFrame) -> pd.DataFrame:
        """The model's features of ``df``, typed as the pipelines take them."""
        from ._prediction_checks import check_columns

        check_columns(check_frame(df, "design"), "features", self.features)
        return design_frame(df, self.features)[0]

    def predict(self, df: pd.DataFrame) -> np.ndarray:
        """Predictions for the rows of ``df`` on the model's scale (log when ``log_outcome``)."""
        with limited_threads(self.threads):
            return self.pipeline.predict(self.design(df))

    def predict_income(self, df: pd.DataFrame) -> np.ndarray:
        """Predicted outcome in its own unit (yuan): ``exp(prediction) × smearing`` for logs."""
        pred = self.predict(df)
        return np.exp(pred) * self.smearing if self.log_outcome else pred

    def summary(self) -> str:
        """One sentence on the model and its held-out scores, in the current language."""
        s = self.scores
        return message(
            "income.fit_summary", model=Msg(MODEL_NAMES[self.model]),
            outcome=column_label(self.outcome, self.dataset), k=len(self.features),
            folds=len(s), groups=column_label(self.groups, self.dataset),
            r2=float(s["r2"].mean()), r2_min=float(s["r2"].min()), r2_max=float(s["r2"].max()),
            rmse=float(s["rmse"].mean()),
            scale=Msg("income.fit_scale_log") if self.log_outcome else "")

    def __repr__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        import html

        return f"<p>{html.escape(self.summary())}</p>" + self.shown_scores().to_html(index=False)

    def shown_scores(self) -> pd.DataFrame:
        """The scores table with headers in the current language, for showing."""
        return self.scores.round({"r2": 3, "rmse": 3}).rename(
            columns={c: message(key) for c, key in SCORE_COLUMNS.items()})


def fit_model(
    df: pd.DataFrame,
    *,
    outcome: str,
    features: Sequence[str],
    model: Literal["gbm", "linear"] = "gbm",
    groups: str = "village_id",
    folds: int = 5,
    log_outcome: bool = True,
    random_state: int = 0,
    threads: int | None = 1,
) -> IncomeModel:
    """Fit a prediction model of income and score it on villages it has not seen.

    Parameters
    ----------
    df : DataFrame
        One row per household (or household-year).
    outcome : str
        The column to predict, e.g. ``"income_per_capita"``.
    features : list of str
        The predictors. Text and category columns are one-hot encoded (no
        hand-made dummies); numbers and booleans are used as numbers.
    model : {"gbm", "linear"}, default "gbm"
        Gradient boosting (:class:`~sklearn.ensemble.HistGradientBoostingRegressor`)
        or ordinary least squares on standardised numbers
        (:class:`~sklearn.linear_model.LinearRegression`).
    groups : str, default "village_id"
        Rows with the same value are kept in the same fold
        (:class:`~sklearn.model_selection.GroupKFold`), so that no village is
        in both the training and the test part of a fold.
    folds : int, default 5
        Number of folds; there must be at least as many villages.
    log_outcome : bool, default True
        Model the logarithm of the outcome (income must then be above zero:
        winsorise first, see :func:`~ruralkit.income.winsorise`).
    random_state : int, default 0
        Seed of the gradient boosting (the folds do not depend on it).
    threads : int or None, default 1
        OpenMP threads for gradient boosting (fitting and predicting, here and
        in :func:`~ruralkit.income.importance`); ``None``: scikit-learn's
        default, all cores. One thread by default because on a shared
        classroom server or a busy laptop OpenMP threads competing for cores
        made a fit over ten times slower in our measurements (57 s against
        4.6 s for this table's five folds); use ``None`` on a machine of your own.

    Returns
    -------
    IncomeModel
        The fitted pipeline, held-out scores per fold (``scores``), held-out
        predictions (``predictions``) and the model of each fold.

    Raises
    ------
    PredictionInputError
        With a message in the current language for an unknown column, a
        constant feature, missing values, income of zero or below with
        ``log_outcome``, or fewer villages than folds.

    Examples
    --------
    >>> import ruralkit as rk
    >>> h = rk.load_households().query("year == 2024")
    >>> fit = fit_model(h, outcome="income_per_capita",
    ...                 features=["head_education_years", "main_crop"], model="linear")
    >>> bool(fit.scores["n_test"].sum() == len(h))
    True
    >>> int(fit.predictions.groupby("group")["fold"].nunique().max())  # a village: one fold
    1
    """
    from sklearn.base import clone
    from sklearn.metrics import r2_score, root_mean_squared_error
    from sklearn.model_selection import GroupKFold

    df = check_frame(df, "fit_model")
    features = check_fit_input(df, outcome=outcome, features=features, model=model,
                               groups=groups, folds=folds, log_outcome=log_outcome)
    X, categorical = design_frame(df, features)
    y = df[outcome].to_numpy(dtype="float64")
    if log_outcome:
        y = np.log(y)
    group = df[groups].to_numpy()
    numeric = [f for f in features if f not in categorical]
    pipe = make_pipeline(model, categorical, numeric, random_state=random_state)
    fold_of = np.empty(len(df), dtype=np.int64)
    predicted = np.empty(len(df))
    fold_models, rows = [], []
    with limited_threads(threads):
        for k, (train, test) in enumerate(GroupKFold(n_splits=int(folds)).split(X, y, group)):
            fitted = clone(pipe).fit(X.iloc[train], y[train])
            pred = fitted.predict(X.iloc[test])
            predicted[test], fold_of[test] = pred, k
            fold_models.append(fitted)
            rows.append({"fold": k + 1, "r2": r2_score(y[test], pred),
                         "rmse": root_mean_squared_error(y[test], pred),
                         "n_train": len(train), "n_test": len(test),
                         "villages_test": len(pd.unique(group[test]))})
        final = clone(pipe).fit(X, y)
    predictions = pd.DataFrame({"fold": fold_of + 1, "group": group, "observed": y,
                                "predicted": predicted}, index=df.index)
    smearing = float(np.mean(np.exp(y - predicted))) if log_outcome else 1.0
    return IncomeModel(
        pipeline=final, scores=pd.DataFrame(rows), predictions=predictions,
        fold_models=fold_models, X=X, y=y, folds=fold_of, outcome=outcome,
        features=features, categorical=categorical, groups=groups, model=model,
        log_outcome=bool(log_outcome), random_state=random_state,
        dataset=df.attrs.get("dataset"), smearing=smearing, threads=threads)
