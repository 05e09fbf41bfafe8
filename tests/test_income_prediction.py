"""ruralkit.income prediction helpers against scikit-learn and statsmodels.

References: scores and held-out predictions equal ``cross_validate`` /
``cross_val_predict`` with the same ``GroupKFold`` and a pipeline written out
here from scikit-learn's parts; ungrouped importance equals
``sklearn.inspection.permutation_importance`` fold by fold; a log-linear
model's what-if equals ``exp(b) - 1`` with ``b`` the coefficient statsmodels'
OLS gives. Gradient boosting runs on one thread (the default) so that the
tests take seconds on a shared machine.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from chart_text import latin_words
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import GroupKFold, cross_val_predict, cross_validate
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

import ruralkit as rk
from ruralkit.income import PredictionInputError, dependence_plot, fit_model, importance, what_if

FEATURES = ["head_education_years", "migrant_workers", "cooperative_member", "land_mu",
            "main_crop", "ecommerce_sales", "size"]
NUMERIC = [f for f in FEATURES if f != "main_crop"]


@pytest.fixture(scope="module")
def h24() -> pd.DataFrame:
    h = rk.load_households()
    return h[(h["year"] == 2024) & (h["income_per_capita"] > 0)]


@pytest.fixture(scope="module")
def gbm(h24):
    return fit_model(h24, outcome="income_per_capita", features=FEATURES, model="gbm")


@pytest.fixture(scope="module")
def linear(h24):
    return fit_model(h24, outcome="income_per_capita", features=FEATURES, model="linear")


def _reference(model: str):
    """The pipeline, written out from scikit-learn's parts."""
    numbers = "passthrough" if model == "gbm" else StandardScaler()
    prep = ColumnTransformer([("c", OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                               ["main_crop"]), ("n", numbers, NUMERIC)])
    reg = (HistGradientBoostingRegressor(early_stopping=False, random_state=0)
           if model == "gbm" else LinearRegression())
    return Pipeline([("p", prep), ("m", reg)])


def _x(df):
    X = df[FEATURES].copy()
    X["main_crop"] = X["main_crop"].astype(str).astype(object)
    for col in NUMERIC:
        X[col] = X[col].astype("float64")
    return X


@pytest.mark.parametrize("which", ["gbm", "linear"])
def test_scores_and_predictions_equal_cross_validate_with_group_kfold(which, h24, gbm, linear):
    fit = gbm if which == "gbm" else linear
    X, y, groups = _x(h24), np.log(h24["income_per_capita"].to_numpy()), h24["village_id"]
    with threadpool_limits(1, user_api="openmp"):
        ref = cross_validate(_reference(which), X, y, groups=groups, cv=GroupKFold(5),
                             scoring={"r2": "r2", "rmse": "neg_root_mean_squared_error"})
        pred = cross_val_predict(_reference(which), X, y, groups=groups, cv=GroupKFold(5))
    np.testing.assert_allclose(fit.scores["r2"], ref["test_r2"], rtol=1e-10)
    np.testing.assert_allclose(fit.scores["rmse"], -ref["test_rmse"], rtol=1e-10)
    np.testing.assert_allclose(fit.predictions["predicted"], pred, rtol=1e-10)
    np.testing.assert_allclose(fit.predictions["observed"], y)
    assert fit.scores["fold"].tolist() == [1, 2, 3, 4, 5]


def test_no_village_is_in_both_training_and_test_of_any_fold(h24, gbm):
    villages = h24["village_id"].to_numpy()
    for k in range(5):
        test = set(villages[gbm.folds == k])
        train = set(villages[gbm.folds != k])
        assert test and train and not test & train
        row = gbm.scores.iloc[k]
        assert row["villages_test"] == len(test)
        assert row["n_train"] == int((gbm.folds != k).sum())
    assert gbm.scores["n_test"].sum() == len(h24)


def test_ungrouped_importance_equals_sklearn_permutation_importance_fold_by_fold(gbm):
    ours = importance(gbm, n_repeats=4, random_state=3, by_fold=True)
    for k in (0, 3):
        test = gbm.folds == k
        with threadpool_limits(1, user_api="openmp"):
            ref = permutation_importance(gbm.fold_models[k], gbm.X[test], gbm.y[test],
                                         scoring="r2", n_repeats=4, random_state=3)
        fold = ours[ours["fold"] == k + 1].set_index("feature").loc[FEATURES]
        np.testing.assert_allclose(fold["importance"], ref.importances_mean, rtol=1e-10,
                                   atol=1e-14)
        np.testing.assert_allclose(fold["sd"], ref.importances_std, rtol=1e-10, atol=1e-14)


def test_importance_summary_is_the_mean_over_folds_with_its_standard_error(linear):
    per_fold = importance(linear, n_repeats=3, by_fold=True)
    table = importance(linear, n_repeats=3).set_index("feature")
    means = per_fold.groupby("feature")["importance"].agg(["mean", "std"])
    np.testing.assert_allclose(table.loc[means.index, "importance"], means["mean"])
    np.testing.assert_allclose(table.loc[means.index, "se"], means["std"] / np.sqrt(5))
    assert table["importance"].is_monotonic_decreasing
    assert set(table.index) == set(FEATURES) and (table["n_folds"] == 5).all()


def _correlated(seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 1200
    x1 = rng.normal(size=n)
    return pd.DataFrame({"village_id": np.repeat(np.arange(40), n // 40),
                         "x1": x1, "x2": x1 + rng.normal(scale=0.05, size=n),
                         "x3": rng.normal(size=n),
                         "income": np.exp(9 + 0.5 * x1 + rng.normal(scale=0.2, size=n))})


def test_correlated_features_permuted_together_matter_more_than_either_alone():
    fit = fit_model(_correlated(), outcome="income", features=["x1", "x2", "x3"], model="gbm")
    alone = importance(fit, n_repeats=3).set_index("feature")["importance"]
    grouped = importance(fit, groups={"x": ["x1", "x2"]}, n_repeats=3).set_index("feature")
    # One copy alone: the other stands in for it. Both at once: the information is gone.
    assert grouped.loc["x", "importance"] > 2 * max(alone["x1"], alone["x2"])
    assert grouped.loc["x", "importance"] > 0.5
    assert grouped.loc["x", "columns"] == "x1, x2"
    # A group of one feature is that feature's own importance (same shuffles).
    single = importance(fit, groups={"only": ["x3"]}, n_repeats=3).set_index("feature")
    assert single.loc["only", "importance"] == pytest.approx(alone["x3"], rel=1e-12)


def test_importance_groups_are_checked(linear):
    with pytest.raises(PredictionInputError, match="not a feature of the model"):
        importance(linear, groups={"g": ["head_age"]})
    with pytest.raises(PredictionInputError, match="more than one group"):
        importance(linear, groups={"a": ["land_mu"], "b": ["land_mu", "size"]})


def test_what_if_of_a_log_linear_model_equals_exp_of_the_ols_coefficient(h24, linear):
    design = pd.get_dummies(h24[FEATURES], columns=["main_crop"], drop_first=True, dtype=float)
    design = sm.add_constant(design.astype(float))
    ols = sm.OLS(np.log(h24["income_per_capita"].to_numpy()), design).fit()
    non_members = h24[~h24["cooperative_member"].astype(bool)].head(10)
    answer = what_if(linear, non_members, {"cooperative_member": 1})
    expected = 100 * (np.exp(ols.params["cooperative_member"]) - 1)
    assert answer.table["percent"].iloc[0] == pytest.approx(expected, rel=1e-8)
    assert answer.table["n"].iloc[0] == 10
    before = answer.per_household["before"]
    assert answer.table["before"].iloc[0] == pytest.approx(before.mean())
    # A function of the column works too: one more migrant worker.
    more = what_if(linear, non_members, {"migrant_workers": lambda s: s + 1})
    assert more.table["percent"].iloc[0] == pytest.approx(
        100 * (np.exp(ols.params["migrant_workers"]) - 1), rel=1e-8)


def test_what_if_prints_its_caveat_in_the_current_language(h24, gbm):
    answer = what_if(gbm, h24.head(10), {"cooperative_member": 1})
    assert "not the effect of the change" in repr(answer)
    assert "panel_effect" in answer._repr_html_()
    rk.set_language("zh")
    try:
        assert "不是这一改变的因果效应" in repr(answer)
        assert "假如 10 户农户农民专业合作社成员为是" in repr(answer)
        assert "改变农民专业合作社成员，并不会" in repr(answer)
        assert "不是这一改变的因果效应" in answer._repr_html_()
        assert "预测人均可支配收入：改变后（元）" in answer._repr_html_()
    finally:
        rk.set_language("en")


def test_what_if_refuses_a_column_the_model_does_not_use(h24, gbm):
    with pytest.raises(PredictionInputError, match="does not use 'head_age'"):
        what_if(gbm, h24.head(3), {"head_age": 30})
    with pytest.raises(PredictionInputError, match="at least one row"):
        what_if(gbm, h24.head(3), {})


def test_dependence_plot_labels_itself_from_the_codebook_in_chinese(gbm):
    rk.set_language("zh")
    try:
        ax = dependence_plot(gbm, "head_education_years", subsample=30)
        assert ax.get_xlabel() == "户主受教育年限"
        assert ax.get_ylabel() == "预测的人均可支配收入（对数）"
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["平均（部分依赖）"]
        assert len(ax.lines) >= 31  # 30 households and their average
        assert any("模拟数据" in t.get_text() for t in ax.figure.texts)
        assert latin_words(ax.figure) == []
        bars = dependence_plot(gbm, "main_crop")
        assert {t.get_text() for t in bars.get_xticklabels()} == {"粮食", "蔬菜", "水果",
                                                                 "茶叶", "畜牧"}
        assert latin_words(bars.figure) == []
    finally:
        rk.set_language("en")
        plt.close("all")
    ax = dependence_plot(gbm, "migrant_workers", kind="average")
    assert ax.get_xlabel() == "Migrant workers"
    plt.close("all")


def _both(error: pytest.ExceptionInfo) -> tuple[str, str]:
    return error.value.msg.render("en"), error.value.msg.render("zh")


def test_a_constant_feature_is_named_in_both_languages(h24):
    df = h24.assign(flat=3)
    with pytest.raises(PredictionInputError) as error:
        fit_model(df, outcome="income_per_capita", features=["land_mu", "flat"])
    en, zh = _both(error)
    assert "'flat' has the same value (3) in every row" in en
    assert "特征 'flat' 在每一行都取同一个值（3）" in zh


def test_an_unknown_column_is_named_with_the_argument(h24):
    with pytest.raises(PredictionInputError) as error:
        fit_model(h24, outcome="income_per_capita", features=["land_mu", "schooling"])
    en, zh = _both(error)
    assert "features: there is no column 'schooling'" in en
    assert "特征列（features）：数据中没有名为 'schooling' 的列" in zh
    with pytest.raises(PredictionInputError, match="groups"):
        fit_model(h24, outcome="income_per_capita", features=["land_mu"], groups="village")


def test_non_positive_income_with_a_log_outcome_says_what_to_do():
    h = rk.load_households()
    with pytest.raises(PredictionInputError) as error:
        fit_model(h, outcome="income_per_capita", features=["land_mu"])
    en, zh = _both(error)
    bad = h.index[h["income_per_capita"] <= 0]
    assert f"has {len(bad)} values of zero or below (rows {', '.join(map(str, bad))})" in en
    assert "winsorise" in en and "log_outcome=False" in en
    assert "无法取对数" in zh and "log_outcome=False" in zh


def test_too_few_villages_for_the_folds(h24):
    few = h24[h24["village_id"].isin(h24["village_id"].unique()[:3])]
    with pytest.raises(PredictionInputError) as error:
        fit_model(few, outcome="income_per_capita", features=["land_mu"], folds=5)
    en, zh = _both(error)
    assert "needs at least 5 different values there (villages), but the data have 3" in en
    assert "Use folds=3 or fewer" in en
    assert "只有 3 个" in zh and "folds=3" in zh
    fit = fit_model(few, outcome="income_per_capita", features=["land_mu"], folds=3,
                    model="linear")
    assert len(fit.scores) == 3


def test_other_bad_arguments_get_messages(h24):
    kw = {"outcome": "income_per_capita", "features": ["land_mu"]}
    with pytest.raises(PredictionInputError, match="'gbm'"):
        fit_model(h24, **{**kw, "model": "forest"})
    with pytest.raises(PredictionInputError, match="at least 2"):
        fit_model(h24, **{**kw, "folds": 1})
    with pytest.raises(PredictionInputError, match="both the outcome and a feature"):
        fit_model(h24, outcome="income_per_capita", features=["income_per_capita"])
    with pytest.raises(PredictionInputError, match="missing values"):
        fit_model(h24, outcome="income_per_capita", features=["cooperative_joined"])


def test_the_summary_speaks_the_current_language(linear):
    assert "5 folds grouped by Village" in repr(linear)
    assert "<table" in linear._repr_html_()
    rk.set_language("zh")
    try:
        assert "按村分组的 5 折交叉验证" in repr(linear)
        assert "测试集中的村数" in linear._repr_html_()
    finally:
        rk.set_language("en")


def test_importance_chart_labels_features_from_the_codebook_in_chinese(linear):
    from ruralkit.income import importance_chart

    table = importance(linear, groups={"土地": ["land_mu", "main_crop"]}, n_repeats=2)
    rk.set_language("zh")
    try:
        ax = importance_chart(table)
        labels = [t.get_text() for t in ax.get_yticklabels()]
        assert "外出务工人数" in labels and "土地" in labels and len(labels) == len(table)
        widths = [p.get_width() for p in ax.patches]
        assert widths == sorted(table["importance"])  # most important on top
        assert latin_words(ax.figure) == []  # R² is allowed
    finally:
        rk.set_language("en")
        plt.close("all")
