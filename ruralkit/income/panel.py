"""Fixed-effects panel estimates: what changes in a household's income when its treatment changes.

Built on pyfixest (``feols`` with absorbed fixed effects and its Sun-Abraham
event study). Why pyfixest rather than linearmodels: it offers the
heterogeneity-robust estimators for staggered adoption that the cooperative
lesson needs (members join in different years), its demeaning is fast at a
million household-years, and its small-sample settings reproduce R's ``plm``
and ``fixest`` exactly (``tests/test_income_panel.py``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._prepare import (
    as_list,
    check_columns,
    complete_rows,
    design_matrix,
    feature_column,
    numeric,
    outcome_values,
)
from ._tidy import tidy_table
from .errors import FewClustersWarning, IncomeError, warn
from .regression import MIN_CLUSTERS

__all__ = ["SMALL_SAMPLE", "event_study", "panel_effect"]

#: The small-sample conventions of :func:`panel_effect`'s standard errors.
SMALL_SAMPLE = ("cr1", "hc1")


def _within_varies(values: np.ndarray, units: np.ndarray) -> np.ndarray:
    """Per column of ``values`` (N x k): does it change over time within some unit?

    One pass over the rows for all columns: the within-unit range is non-zero.
    """
    frame = pd.DataFrame(values.reshape(len(units), -1))
    grouped = frame.groupby(units, sort=False)
    return ((grouped.max() - grouped.min()) > 0).any(axis=0).to_numpy()


def _frame(df, outcome, treatment, unit, time, controls, cluster, log_outcome):
    """The estimation frame with safe column names, and the term names."""
    columns = [feature_column(c)[0] for c in controls]
    check_columns(df, {"outcome": [outcome], "treatment": [treatment], "unit": [unit],
                       "time": [time], "controls": columns, "cluster": as_list(cluster)})
    keep = complete_rows(df, [outcome, treatment, unit, time, *columns, *as_list(cluster)])
    y = outcome_values(df, outcome, keep, log_outcome)
    d = numeric(df[treatment][keep], "treatment")
    units = pd.factorize(df[unit][keep])[0]
    coded = design_matrix(df, controls, keep, intercept=False) if controls else None
    names = [treatment, *(coded.names if coded else [])]
    varies = _within_varies(np.column_stack([d, coded.X]) if coded else d, units)
    if not varies[0]:
        raise IncomeError.of("income.no_within_variation", treatment=treatment, unit=unit)
    if not varies.all():
        fixed = [names[j] for j in np.flatnonzero(~varies)]
        raise IncomeError.of("income.control_no_within", controls=", ".join(fixed), unit=unit)
    data = {"y": y, "x0": d}
    for j in range(len(names) - 1):
        data[f"x{j + 1}"] = coded.X[:, j]
    data["unit_"] = units
    data["time_"] = pd.factorize(df[time][keep])[0]
    data["cl_"] = pd.factorize(df[cluster if cluster else unit][keep])[0]
    return pd.DataFrame(data), names


def panel_effect(
    df: pd.DataFrame,
    *,
    outcome: str,
    treatment: str,
    unit: str,
    time: str,
    controls: Sequence[str] = (),
    time_effects: bool = True,
    cluster: str | None = None,
    log_outcome: bool = False,
    small_sample: str = "cr1",
    level: float = 0.95,
) -> pd.DataFrame:
    """Fixed-effects (within) estimate of a treatment's effect, cluster-robust.

    Unit fixed effects remove everything about a household that does not change
    over time (ability, land, schooling, selection into the cooperative on
    those); time effects remove what changes for everyone in a year. The effect
    is then identified by households whose treatment switches during the panel.

    Parameters
    ----------
    df : DataFrame
        A panel: one row per unit and time.
    outcome, treatment : str
        Columns of the outcome and the treatment (numbers or true/false).
    unit, time : str
        Columns of the unit (``"household_id"``) and the period (``"year"``).
    controls : list of str
        Time-varying controls; categories as in :func:`drivers`.
    time_effects : bool
        Add period fixed effects (two-way fixed effects). Default True.
    cluster : str, optional
        Cluster column; default the unit.
    log_outcome : bool
        Model ``log(outcome)``; adds ``pct_effect, pct_low, pct_high``.
    small_sample : {"cr1", "hc1"}
        The small-sample convention of the cluster-robust (Arellano) variance
        ``V = c (X'X)^-1 (sum_g X_g'u_g u_g'X_g) (X'X)^-1`` on the demeaned data,
        with N rows, G clusters and K estimated slopes (fixed effects not
        counted, as they are nested within clusters):

        - ``"cr1"`` (default): ``c = G/(G-1) * (N-1)/(N-K)``, intervals and
          p-values from t with G-1 degrees of freedom. This is R ``plm``'s
          ``vcovHC(fit, method="arellano", type="sss", cluster="group")``
          (plm calls it the Stata-like small-sample correction, after
          ``xtreg, fe vce(cluster)``; Stata itself was not run here), R
          ``fixest``'s and pyfixest's ``ssc(k_fixef="none")``. The default
          because its G/(G-1) factor matters when clusters are few.
        - ``"hc1"``: ``c = N/(N-K)``, t with the within model's residual
          degrees of freedom: R ``plm`` with
          ``vcovHC(fit, method="arellano", type="HC1")`` and ``coeftest``.

        Both agree with R ``plm`` 2.6 to printed precision on Grunfeld
        (``tests/data/r_plm/``), one-way and two-way.
    level : float
        Confidence level.

    Returns
    -------
    DataFrame
        One row for the treatment and one per control term: ``term, coef, se,
        ci_low, ci_high, p_value`` (+ % effects for a log outcome); ``attrs``:
        ``n``, ``n_clusters``, ``n_units``, ``small_sample``.

    Notes
    -----
    Under staggered timing (households join in different years) and effects that
    differ by cohort or grow with time since joining, the two-way fixed-effects
    coefficient is a weighted average of comparisons in which already-treated
    households serve as controls, with weights that can even be negative
    (Goodman-Bacon 2021; de Chaisemartin & D'Haultfoeuille 2020). It is then not
    the average effect on the treated; look at :func:`event_study`, whose
    ``estimator="saturated"`` (Sun & Abraham 2021) is robust to that.

    Examples
    --------
    >>> import ruralkit as rk
    >>> from ruralkit.income import panel_effect
    >>> hh = rk.load_households().query("income_per_capita > 0")  # two planted losses
    >>> t = panel_effect(hh, outcome="income_per_capita", treatment="cooperative_member",
    ...                  unit="household_id", time="year", controls=["migrant_workers"],
    ...                  log_outcome=True)
    >>> t[["term", "coef", "se"]].round(3)
                     term   coef     se
    0  cooperative_member  0.068  0.015
    1     migrant_workers  0.117  0.003
    """
    import pyfixest as pf

    if small_sample not in SMALL_SAMPLE:
        raise IncomeError.of("income.unknown_option", name="small_sample",
                             value=repr(small_sample), choices=", ".join(map(repr, SMALL_SAMPLE)))
    data, names = _frame(df, outcome, treatment, unit, time, as_list(controls), cluster,
                         log_outcome)
    n_clusters = int(data["cl_"].max()) + 1
    if n_clusters < MIN_CLUSTERS:
        warn(FewClustersWarning, "income.few_clusters", n=n_clusters,
             cluster=cluster or unit, minimum=MIN_CLUSTERS)
    xs = " + ".join(f"x{j}" for j in range(len(names)))
    fe = "unit_ + time_" if time_effects else "unit_"
    ssc = (pf.ssc(k_adj=True, k_fixef="none", G_adj=True) if small_sample == "cr1"
           else pf.ssc(k_adj=False, G_adj=False))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pf.feols(f"y ~ {xs} | {fe}", data, vcov={"CRV1": "cl_"}, ssc=ssc,
                       fixef_rm="none", copy_data=False, store_data=False)
    wanted = [f"x{j}" for j in range(len(names))]
    estimated = fit.coef()
    lost = [name for name, x in zip(names, wanted, strict=True) if x not in estimated.index]
    if lost:  # pyfixest dropped them as collinear with the fixed effects or each other
        raise IncomeError.of("income.collinear_panel", terms=", ".join(lost))
    coef = estimated.loc[wanted].to_numpy()
    se = fit.se().loc[wanted].to_numpy()
    N, K = len(data), len(names)
    if small_sample == "hc1":  # CR0 (no adjustment above) times N/(N-K), as plm's HC1
        se = se * np.sqrt(N / (N - K))
        df_t = float(N - K - data["unit_"].nunique()
                     - (data["time_"].nunique() - 1 if time_effects else 0))
    else:
        df_t = float(n_clusters - 1)
    table = tidy_table(names, coef, se, df_t, level=level,
                       log_outcome=log_outcome)
    table.attrs.update(n=N, n_clusters=n_clusters, n_units=int(data["unit_"].nunique()),
                       small_sample=small_sample, time_effects=time_effects)
    return table


def event_study(
    df: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    first_treated: str,
    estimator: str = "saturated",
    cluster: str | None = None,
    log_outcome: bool = False,
    level: float = 0.95,
) -> pd.DataFrame:
    """Effect by years since joining, for staggered joining (an event study).

    Parameters
    ----------
    df : DataFrame
        A panel: one row per unit and time.
    outcome, unit, time : str
        Columns as in :func:`panel_effect`.
    first_treated : str
        Column with the period the unit was first treated (e.g.
        ``"cooperative_joined"``); missing for units never treated. Units
        treated from the first period on have no before and are left out
        (``attrs["always_treated"]`` counts them).
    estimator : {"saturated", "twfe"}
        ``"saturated"`` (default): Sun & Abraham's (2021) interaction-weighted
        estimator (pyfixest's saturated event study, cohort-by-period effects
        averaged with cohort shares), robust to effects that differ between
        cohorts. ``"twfe"``: the usual two-way fixed-effects event study with
        leads and lags, which under staggered timing mixes in comparisons with
        already-treated units and can be biased (see :func:`panel_effect`).
    cluster : str, optional
        Cluster column; default the unit.
    log_outcome : bool
        Model ``log(outcome)``.
    level : float
        Confidence level.

    Returns
    -------
    DataFrame
        One row per period relative to the first treated period (``-1``, the
        reference, is left out): ``period, coef, se, ci_low, ci_high, p_value``
        (+ % effects for a log outcome); ``attrs``: ``n``, ``always_treated``.

    Examples
    --------
    >>> import ruralkit as rk
    >>> from ruralkit.income import event_study
    >>> hh = rk.load_households().query("income_per_capita > 0")  # two planted losses
    >>> es = event_study(hh, outcome="income_per_capita", unit="household_id", time="year",
    ...                  first_treated="cooperative_joined", log_outcome=True)
    >>> es[["period", "coef", "se"]].round(3).head(6)
       period   coef     se
    0      -5 -0.064  0.051
    1      -4 -0.037  0.038
    2      -3  0.008  0.030
    3      -2  0.024  0.030
    4       0  0.083  0.023
    5       1  0.097  0.025
    """
    import pyfixest as pf

    if estimator not in ("saturated", "twfe"):
        raise IncomeError.of("income.unknown_option", name="estimator", value=repr(estimator),
                             choices="'saturated', 'twfe'")
    check_columns(df, {"outcome": [outcome], "unit": [unit], "time": [time],
                       "first_treated": [first_treated], "cluster": as_list(cluster)})
    keep = complete_rows(df, [outcome, unit, time, *as_list(cluster)])
    y = outcome_values(df, outcome, keep, log_outcome)
    t = numeric(df[time][keep], "time")
    g = numeric(df[first_treated][keep], "first_treated")
    g = np.where(np.isnan(g), 0.0, g)
    always = (g > 0) & (g <= t.min())
    units = pd.factorize(df[unit][keep])[0]
    n_always = int(np.unique(units[always]).size)
    data = pd.DataFrame({"y": y, "unit_": units, "time_": t, "g_": g,
                         "cl_": pd.factorize(df[cluster if cluster else unit][keep])[0]})
    data = data[~always].reset_index(drop=True)
    if not (data["g_"] > 0).any():
        raise IncomeError.of("income.no_within_variation", treatment=first_treated, unit=unit)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if estimator == "saturated":
            fit = pf.event_study(data, yname="y", idname="unit_", tname="time_", gname="g_",
                                 estimator="saturated", cluster="cl_", att=False)
            est = fit.aggregate()
            period = est.index.to_numpy(dtype=float)
        else:  # leads and lags; never-treated units sit in the reference period -1
            data["rel_"] = np.where(data["g_"] > 0, data["time_"] - data["g_"], -1.0)
            fit = pf.feols("y ~ i(rel_, ref=-1.0) | unit_ + time_", data,
                           vcov={"CRV1": "cl_"}, fixef_rm="none",
                           ssc=pf.ssc(k_adj=True, k_fixef="none", G_adj=True))
            est = fit.tidy()
            period = np.array([float(str(s).rpartition("::")[2]) for s in est.index])
        coef, se = est["Estimate"].to_numpy(float), est["Std. Error"].to_numpy(float)
    n_clusters = int(data["cl_"].nunique())
    out = tidy_table([int(p) for p in period], coef, se, float(n_clusters - 1), level=level,
                     log_outcome=log_outcome).rename(columns={"term": "period"})
    out = out.sort_values("period").reset_index(drop=True)
    out.attrs.update(n=len(data), always_treated=n_always, estimator=estimator)
    return out
