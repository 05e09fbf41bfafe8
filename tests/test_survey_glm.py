"""Tests of ruralkit.survey.glm: design-based regression against R's svyglm, and its summary object.

Reference numbers: see tests/survey_fixtures.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from survey_fixtures import *  # noqa: F403 - the api samples and designs (pytest fixtures)
from survey_fixtures import REL, approx, one

from ruralkit.survey import (
    ColumnNotFoundError,
    Design,
    GLMSummary,
    NonNumericColumnError,
    SurveyError,
)

GLM_COLUMNS = ("estimate", "se", "t", "p_value", "ci_low", "ci_high")


def assert_glm(fit, expected, rel=REL):
    """``expected``: term -> (estimate, se, t, p, 2.5 %, 97.5 %) as R prints
    ``cbind(summary(m)$coefficients, confint(m))``."""
    table = fit.summary_frame().set_index("term")
    assert sorted(table.index) == sorted(expected)
    for term, values in expected.items():
        got = table.loc[term, list(GLM_COLUMNS)].to_numpy(dtype=float)
        np.testing.assert_allclose(got, values, rtol=rel, err_msg=term)
    pd.testing.assert_series_equal(fit.params, table["estimate"], check_names=False)
    pd.testing.assert_series_equal(fit.bse, table["se"], check_names=False)


def test_glm_linear_stratified(dstrat):
    fit = dstrat.glm("api00 ~ ell + meals + mobility")
    # R: svyglm(api00 ~ ell + meals + mobility, design=dstrat)
    assert_glm(fit, {
        "Intercept": (820.887315905623, 10.077735949885, 81.455529296236, 5.59474981455e-152,
                      801.011324489728, 840.76330732152),
        "ell": (-0.480586612172, 0.391973403223, -1.226069443031, 2.21658715155e-01,
                -1.253663028983, 0.29248980464),
        "meals": (-3.141535309985, 0.283946506417, -11.063828006309, 2.25413465185e-22,
                  -3.701553785580, -2.58151683439),
        "mobility": (0.225713210230, 0.393218362023, 0.574014929183, 5.66622613162e-01,
                     -0.549818598403, 1.00124501886),
    })
    # R: df.residual 194, degf 197, nobs 200
    assert (fit.df_resid, fit.degf, fit.nobs) == (194, 197, 200)
    assert list(fit.summary_frame().columns) == ["term", "estimate", "se", "ci_low", "ci_high",
                                                 "t", "p_value"]


def test_glm_linear_cluster_and_level(dclus1):
    fit = dclus1.glm("api00 ~ ell + meals")
    # R: svyglm(api00 ~ ell + meals, design=dclus1)
    assert_glm(fit, {
        "Intercept": (817.182288509078, 18.670892692714, 43.76771383984, 1.31656595111e-14,
                      776.50190796885, 857.862669049305),
        "ell": (-0.508796683416, 0.325922721172, -1.56109608311, 1.44474252190e-01,
                -1.21892128979, 0.201327922953),
        "meals": (-3.145589225331, 0.301802544091, -10.42267299239, 2.28561649866e-07,
                  -3.80316048042, -2.488017970239),
    })
    assert (fit.df_resid, fit.degf, fit.nobs) == (12, 14, 183)
    # R: confint(svyglm(api00 ~ ell + meals, design=dclus1), level=0.9)
    ci90 = [[783.90538880999, 850.4591882081670], [-1.08968469346, 0.0720913266316],
            [-3.68348814393, -2.6076903067344]]
    np.testing.assert_allclose(fit.conf_int(level=0.9).to_numpy(), ci90, rtol=REL)
    at90 = dclus1.glm("api00 ~ ell + meals", level=0.9).summary_frame()
    np.testing.assert_allclose(at90[["ci_low", "ci_high"]].to_numpy(), ci90, rtol=REL)


def test_glm_categorical_predictor_stratified_cluster(dsc):
    fit = dsc.glm("api00 ~ ell + meals + stype")
    # R: svyglm(api00 ~ ell + meals + stype, design=dsc)
    assert_glm(fit, {
        "Intercept": (865.991204204740, 8.387876502339, 103.24319915336, 8.42246936926e-145,
                      849.42190090514, 882.560507504339),
        "ell": (-0.562795627295, 0.350951185843, -1.60362936499, 1.10831535249e-01,
                -1.25606008344, 0.130468828847),
        "meals": (-3.426936877237, 0.226121790492, -15.15527039554, 2.09655586856e-32,
                  -3.87361495223, -2.980258802247),
        "stype[T.H]": (-128.294282217617, 11.148884458340, -11.50736494732, 1.53773090602e-22,
                       -150.31764510224, -106.270919332991),
        "stype[T.M]": (-60.459417781506, 10.063966240558, -6.00751396978, 1.29286844358e-08,
                       -80.33964718048, -40.579188382535),
    })
    assert (fit.df_resid, fit.degf, fit.nobs) == (155, 159, 200)
    cov = fit.cov_params()
    np.testing.assert_allclose(np.diag(cov), fit.bse**2, rtol=1e-12)
    np.testing.assert_allclose(cov, cov.T, rtol=1e-12)


def test_glm_intercept_only_is_the_mean(dclus1):
    fit = dclus1.glm("api00 ~ 1")
    # R: svyglm(api00 ~ 1, design=dclus1)
    assert_glm(fit, {"Intercept": (644.169398907, 23.5422406938, 27.3622807313, 1.4828129301e-13,
                                   593.676314463, 694.662483351)})
    assert fit.df_resid == 14
    m = dclus1.mean("api00")
    assert fit.bse["Intercept"] == pytest.approx(one(m, "se"), rel=1e-12)


def test_glm_missing_values_subset_the_design(dstrat, dclus1, dsc, apistrat):
    # acs.k3 is missing for 103 schools, all of the high and middle strata: R's design
    # subset keeps stratum E's 100 sampled units (n_h, fpc) and has degf 97 - 1 = 96
    fit = dstrat.glm("api00 ~ acs.k3 + meals")
    # R: svyglm(api00 ~ acs.k3 + meals, design=dstrat)
    assert_glm(fit, {
        "Intercept": (920.74120295935, 86.629287222771, 10.628521051912, 8.54709300473e-18,
                      748.73672242634, 1092.74568349235),
        "acs.k3": (-2.96977833164, 4.613985704072, -0.643647059638, 5.21371600797e-01,
                   -12.13095510751, 6.19139844423),
        "meals": (-3.64484194338, 0.193775245992, -18.809636518390, 1.25932073901e-33,
                  -4.02958723675, -3.26009665001),
    })
    assert (fit.df_resid, fit.degf, fit.nobs) == (94, 96, 97)
    # the same model on the rows without missing values is another design (n_h = 97)
    dropped = Design(apistrat.dropna(subset=["acs.k3"]), strata="stype", weights="pw",
                     fpc="fpc").glm("api00 ~ acs.k3 + meals")
    assert dropped.params["acs.k3"] == approx(fit.params["acs.k3"])
    assert dropped.bse["acs.k3"] != approx(fit.bse["acs.k3"], rel=1e-5)

    fit = dclus1.glm("api00 ~ avg.ed + meals")
    # R: svyglm(api00 ~ avg.ed + meals, design=dclus1)
    assert_glm(fit, {
        "Intercept": (749.82037520893, 53.132049549134, 14.11239320846, 7.79087966647e-09,
                      634.05558398476, 865.58516643310),
        "avg.ed": (17.63611688661, 14.800292388736, 1.19160597800, 2.56450236966e-01,
                   -14.61095005280, 49.88318382601),
        "meals": (-3.01854991909, 0.328308388899, -9.19425156699, 8.80689611184e-07,
                  -3.73387244892, -2.30322738927),
    })
    assert (fit.df_resid, fit.degf, fit.nobs) == (12, 14, 157)

    fit = dsc.glm("api00 ~ acs.k3 + ell")
    # R: svyglm(api00 ~ acs.k3 + ell, design=dsc)
    assert_glm(fit, {
        "Intercept": (681.06408562209, 157.825139793079, 4.315307982714, 5.21274816552e-05,
                      366.21154660323, 995.91662464095),
        "acs.k3": (4.84480265107, 8.292196989513, 0.584260438723, 5.60950517832e-01,
                   -11.69767771432, 21.38728301647),
        "ell": (-3.86241055705, 0.331632302227, -11.646665693025, 5.99720500128e-18,
                -4.52399889788, -3.20082221622),
    })
    assert (fit.df_resid, fit.degf, fit.nobs) == (69, 71, 97)


@pytest.mark.parametrize(
    ("rule", "se"),
    [
        # R: options(survey.lonely.psu="adjust"); svyglm(api00 ~ ell + meals, design=dlon)
        ("adjust", [17.897425266327, 0.269914245403, 0.306926807924]),
        # R: options(survey.lonely.psu="remove"); svyglm(api00 ~ ell + meals, design=dlon)
        ("remove", [10.466032259228, 0.176484955585, 0.224385451549]),
    ],
)
def test_glm_lonely_psu_rules(apiclus1, rule, se):
    d = Design(apiclus1, cluster="dnum", strata="cname", weights="pw", nest=True,
               lonely_psu=rule)
    fit = d.glm("api00 ~ ell + meals")
    np.testing.assert_allclose(fit.params, [817.182288509078, -0.508796683416, -3.145589225331],
                               rtol=REL)
    np.testing.assert_allclose(fit.bse, se, rtol=REL)
    assert fit.df_resid == 2


def test_glm_logistic_cluster(dclus1):
    fit = dclus1.glm("I(sch.wide == 'Yes') ~ ell + meals", family="binomial")
    # R: svylogit(sch.wide ~ ell + meals, dclus1)
    assert_glm(fit, {
        "Intercept": (1.8995569111364, 0.50991480450715, 3.72524369629, 0.00289898370056,
                      0.7885479930390, 3.010565829233846),
        "ell": (0.0399254107978, 0.01244267277795, 3.20874875602, 0.00750962460842,
                0.0128151557139, 0.067035665881769),
        "meals": (-0.0191146824662, 0.00882544484088, -2.16586051024, 0.05117236034567,
                  -0.0383436749130, 0.000114309980666),
    })
    assert (fit.df_resid, fit.degf, fit.nobs) == (12, 14, 183)
    table = fit.summary_frame()
    assert list(table.columns[-3:]) == ["odds_ratio", "or_ci_low", "or_ci_high"]
    np.testing.assert_allclose(table["odds_ratio"], np.exp(table["estimate"]), rtol=1e-14)
    np.testing.assert_allclose(table["or_ci_high"], np.exp(table["ci_high"]), rtol=1e-14)
    # a 0/1 column gives the same fit as the True/False outcome
    yes = dclus1.data.assign(yes=(dclus1.data["sch.wide"] == "Yes").astype(int))
    again = Design(yes, cluster="dnum", weights="pw", fpc="fpc").glm(
        "yes ~ ell + meals", family="binomial")
    np.testing.assert_allclose(again.bse, fit.bse, rtol=1e-10)


def test_glm_logistic_stratified(dstrat):
    fit = dstrat.glm("I(sch.wide == 'Yes') ~ ell + mobility", family="binomial")
    # R: svylogit(sch.wide ~ ell + mobility, dstrat)
    assert_glm(fit, {
        "Intercept": (0.79736357991486, 0.4561774998154, 1.74792395556, 0.0820511232012,
                      -0.102311533318539, 1.6970386931483),
        "ell": (-0.00563275617652, 0.0089545638282, -0.62903747012, 0.5300607239685,
                -0.023292983235842, 0.0120274708828),
        "mobility": (0.05828517533392, 0.0296927022875, 1.96294613975, 0.0510745198904,
                     -0.000274892410523, 0.1168452430784),
    })
    assert (fit.df_resid, fit.degf, fit.nobs) == (195, 197, 200)


def test_glm_logistic_categorical_stratified_cluster(dsc):
    fit = dsc.glm("I(sch.wide == 'Yes') ~ meals + stype", family="binomial")
    # R: svylogit(sch.wide ~ meals + stype, dsc)
    assert_glm(fit, {
        "Intercept": (2.8912304762938, 0.62211673420458, 4.64740830351, 7.10666333417e-06,
                      1.6623710628862, 4.12008988970137),
        "meals": (-0.0103929114437, 0.00769693392724, -1.35026642323, 1.78886246445e-01,
                  -0.0255965688778, 0.00481074599035),
        "stype[T.H]": (-2.4958472080247, 0.53727126356125, -4.64541355047, 7.16722930561e-06,
                       -3.5571124231853, -1.43458199286417),
        "stype[T.M]": (-1.5522111600798, 0.52665115467577, -2.94732318784, 3.69781497562e-03,
                       -2.5924986068284, -0.51192371333111),
    })
    assert (fit.df_resid, fit.degf, fit.nobs) == (156, 159, 200)
    # R: SE(svyglm(sch.wide ~ meals + stype, design=dsc, family=quasibinomial()))
    # (the default call, 7e-5 away, see above)
    np.testing.assert_allclose(
        fit.bse[["Intercept", "meals", "stype[T.H]", "stype[T.M]"]],
        [0.62214687721066, 0.00769746412877, 0.53728157375392, 0.52664974171541], rtol=1e-4)


def test_glm_logistic_with_missing_predictor(dclus1):
    fit = dclus1.glm("I(sch.wide == 'Yes') ~ avg.ed + ell", family="binomial")
    # R: svylogit(sch.wide ~ avg.ed + ell, dclus1)
    assert_glm(fit, {
        "Intercept": (0.397938276014, 1.8263111273482, 0.217891831274, 0.831174578019,
                      -3.5812518392161, 4.3771283912443),
        "avg.ed": (0.345151658492, 0.5423237096869, 0.636431069353, 0.536446588709,
                   -0.8364701980069, 1.5267735149903),
        "ell": (0.024796215432, 0.0214528935486, 1.155844799013, 0.270239462658,
                -0.0219456242653, 0.0715380551292),
    })
    assert (fit.df_resid, fit.degf, fit.nobs) == (12, 14, 157)


def test_glm_repr_and_html(dclus1):
    fit = dclus1.glm("api00 ~ ell + meals")
    text = repr(fit)
    assert "api00 ~ ell + meals" in text and "residual df 12" in text
    assert "Intercept" in text and "p_value" in text
    html = fit._repr_html_()
    assert "<table" in html and "meals" in html
    logit = dclus1.glm("I(sch.wide == 'Yes') ~ ell", family="binomial")
    assert "odds_ratio" in repr(logit)


def test_glm_formula_errors(dclus1, dstrat):
    with pytest.raises(ColumnNotFoundError, match="formula column 'meal'.*Did you mean 'meals'"):
        dclus1.glm("api00 ~ ell + meal")
    with pytest.raises(ColumnNotFoundError, match="'acs.k4'.*Did you mean 'acs.k3'"):
        dclus1.glm("api00 ~ acs.k4")
    with pytest.raises(ColumnNotFoundError, match="'nowhere'"):
        dclus1.glm("api00 ~ Q('nowhere')")
    with pytest.raises(SurveyError, match="could not build the model"):
        dclus1.glm("api00 ~ ell +")
    with pytest.raises(ValueError, match="family must be"):
        dclus1.glm("api00 ~ ell", family="poisson")


def test_glm_text_outcome_is_a_clear_error(dclus1):
    with pytest.raises(NonNumericColumnError,
                       match=r"outcome 'sch.wide' holds text \('No', 'Yes'\).*"
                             r"I\(sch.wide == 'Yes'\) ~ \.\.\."):
        dclus1.glm("sch.wide ~ ell + meals", family="binomial")
    with pytest.raises(TypeError, match="numeric outcome"):
        dclus1.glm("stype ~ ell")
    with pytest.raises(SurveyError, match="0/1 or a proportion.*'api00' runs from 411 to 905"):
        dclus1.glm("api00 ~ ell", family="binomial")


def test_glm_perfect_separation_warns_once(apiclus1):
    df = apiclus1.assign(many_el=(apiclus1["ell"] > 20).astype(int))
    design = Design(df, cluster="dnum", weights="pw", fpc="fpc")
    with pytest.warns(UserWarning, match="separate the outcome perfectly") as record:
        design.glm("many_el ~ ell", family="binomial")
    assert len(record) == 1


def test_glm_aliased_terms_are_an_error(dstrat):
    # without missing acs.k3 only elementary schools are left: stype has one level (R: NA)
    with pytest.raises(SurveyError, match=r"stype\[T.H\], stype\[T.M\].*97 rows"):
        dstrat.glm("api00 ~ acs.k3 + stype")


def test_glm_accepts_nullable_columns_as_loaded_by_ruralkit():
    # The kit's loaders give Int64 / boolean columns with NA; a fit on them must
    # equal the fit on plain float columns with NaN.
    rng = np.random.default_rng(0)
    n = 200
    plain = pd.DataFrame({
        "psu": np.repeat(np.arange(20), 10), "w": rng.uniform(1, 3, n),
        "x": rng.normal(size=n), "flag": (rng.random(n) < 0.4).astype(float),
    })
    plain["y"] = (rng.random(n) < 0.3 + 0.3 * plain["flag"]).astype(float)
    plain.loc[[3, 17], "y"] = np.nan
    nullable = plain.assign(y=plain["y"].astype("boolean"), flag=plain["flag"].astype("boolean"))
    a = Design(plain, weights="w", cluster="psu").glm("y ~ x + flag", family="binomial")
    b = Design(nullable, weights="w", cluster="psu").glm("y ~ x + flag", family="binomial")
    pd.testing.assert_frame_equal(a.summary_frame(), b.summary_frame())
    assert b.nobs == n - 2


def test_survey_import_does_not_load_statsmodels():
    import subprocess
    import sys

    code = ("import sys, ruralkit.survey; "
            "print(any(m in sys.modules for m in ('statsmodels', 'patsy')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_glm_summary_is_an_object_with_text_and_html(dclus1):
    fit = dclus1.glm("api00 ~ ell + meals")
    summary = fit.summary()
    assert isinstance(summary, GLMSummary)
    text = str(summary)
    assert text == summary.as_text() == repr(fit)
    assert text.splitlines()[0] == (
        "Design-based linear regression (gaussian, as R's svyglm): api00 ~ ell + meals")
    assert "residual df 12" in text and "95% intervals" in text
    html = summary._repr_html_()
    assert html == summary.as_html() and "<table" in html and "meals" in html
    pd.testing.assert_frame_equal(summary.frame, fit.summary_frame())
    at90 = fit.summary(level=0.9)
    assert "90% intervals" in str(at90)
    pd.testing.assert_frame_equal(at90.frame, fit.summary_frame(level=0.9))


def test_glm_summary_in_chinese(chinese, dclus1):
    text = str(dclus1.glm("api00 ~ ell").summary())
    assert text.startswith("基于抽样设计的线性回归（正态分布，同 R 的 svyglm）：api00 ~ ell")
    assert "置信区间" in text
    header = text.splitlines()[2].split()
    assert header[:5] == ["变量", "估计值", "标准误", "置信区间下限", "置信区间上限"]
    assert "截距" in text and "estimate" not in text
