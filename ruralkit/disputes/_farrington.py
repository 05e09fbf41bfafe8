"""The numerics of R ``surveillance``'s ``farringtonFlexible``, batched over series.

One time point ``k`` (1-based, as in R) is judged for many series at once: the
rows of the baseline and the design matrix depend only on ``k`` and the
options, so they are built once (:func:`design`) and every series' quasi-Poisson
GLM is fitted together by an IRLS that follows R's ``glm.fit`` step for step
(start ``mu = y + 0.1``, deviance criterion ``|dev - dev_old| / (|dev| + 0.1) <
1e-8``, at most 25 iterations), so that convergence, and so what R declines to
fit, is the same. What R computes from the fit is reproduced including its
quirks, written down where they are used:

* ``phi = max(1, Pearson / df)`` from the working weights (``summary.glm``);
* after reweighting, ``model$weights`` is replaced by the Anscombe weights
  before ``summary.glm`` and ``predict.glm`` are called, so the dispersion of
  the trend's t test and of the prediction's standard error is
  ``sum(omega * ((y - mu) / mu)^2) / df``, not the Pearson statistic;
* the reweighted fit's convergence is not checked; the first fit's is;
* the blocks of ``noPeriods > 1`` follow R's ``a:b``, which counts down when
  a block is empty.

Nothing here knows about DataFrames; :mod:`.early_warning` does the reshaping.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special, stats

EPS = np.finfo(float).eps
MAXIT = 25
EPSILON = 1e-8

__all__ = ["delta_upperbound", "design", "judge", "nb_plugin_upperbound"]


class TooManyPeriodsError(ValueError):
    """R's 'Number of factors too big!': noPeriods does not fit between the windows."""


@dataclass
class Design:
    """The baseline of time point ``k``: rows (0-based), design matrix, prediction row."""

    rows: np.ndarray  # 0-based indexes of the baseline months in the series
    x: np.ndarray  # (n, q): intercept, centred time, season-group dummies
    x0: np.ndarray  # (q,): the row of time point k
    trend_col: int = 1


def _blocks(k: int, b: int, w: int, p: int, freq: int) -> dict[int, int]:
    """R's ``blocks()`` for 1-based time point ``k``: {1-based month: block}."""
    factors: dict[int, int] = {}

    def assign(lo: int, hi: int, value: int) -> None:
        step = 1 if hi >= lo else -1  # R's lo:hi counts down when hi < lo
        for i in range(lo, hi + step, step):
            factors[i] = value

    assign(k - w, k, p)
    refs = [k - freq * i for i in range(b + 1)]  # R's referenceWeeks, newest first
    for i in range(1, b + 1):
        ref = refs[i]
        assign(ref - w, ref + w, p)
        if p != 1:
            period = refs[i - 1] - 2 * w - 1 - ref
            if period < p - (2 * w + 1):
                raise TooManyPeriodsError
            lengths = [period // (p - 1)] * (p - 1)  # floor division as R's %/%
            for j in range(period % (p - 1)):
                lengths[j] += 1
            starts = np.concatenate([[0], np.cumsum(lengths)])
            for j in range(1, p):
                assign(ref + w + 1 + int(starts[j - 1]), ref + w + int(starts[j]), j)
    return factors


def design(k: int, *, b: int, w: int, no_periods: int, past_weeks_not_included: int,
           freq: int) -> Design:
    """The baseline rows and design of 1-based time point ``k`` (R's ``data.glm``).

    The time column is centred on ``k`` (R uses the month's index): the fitted
    values, the trend's t statistic and the prediction do not change, and the
    normal equations are better conditioned.
    """
    factors = _blocks(k, b, w, no_periods, freq)
    for i in range(k - past_weeks_not_included, k + 1):
        factors.pop(i, None)
    months = np.array(sorted(factors))
    groups = np.array([factors[m] for m in months])
    cols = [np.ones(len(months)), (months - k).astype(float)]
    x0 = [1.0, 0.0]
    if no_periods != 1:
        for level in np.unique(groups)[1:]:  # treatment contrasts, first level dropped
            cols.append((groups == level).astype(float))
            x0.append(float(level == no_periods))
    return Design(rows=months - 1, x=np.column_stack(cols), x0=np.array(x0))


@dataclass
class Fit:
    """Batched GLM fits in the full column space (a dropped column has zeros)."""

    beta: np.ndarray  # (S, q)
    cov: np.ndarray  # (S, q, q): (X'WX)^-1, zero rows/cols for dropped columns
    mu: np.ndarray  # (S, n)
    weights: np.ndarray  # (S, n): working weights of the last iteration
    converged: np.ndarray  # (S,)
    df: int


def _deviance(c: np.ndarray, y: np.ndarray, mu: np.ndarray, eta: np.ndarray,
              prior: np.ndarray | None) -> np.ndarray:
    """Quasi-Poisson deviance, ``c = y log y - y``; log(mu) is eta unless mu was floored.

    ``2 sum prior (y log(y / mu) - (y - mu))``; a zero count leaves ``mu``, as R's
    ``poisson()$dev.resids``.
    """
    term = c - y * np.maximum(eta, np.log(EPS)) + mu
    return 2.0 * (term if prior is None else prior * term).sum(axis=1)


def _irls(y: np.ndarray, x: np.ndarray, prior: np.ndarray) -> Fit:
    """R's ``glm.fit(x, y, weights=prior, family=quasipoisson())`` for every row of y."""
    s, n = y.shape
    q = x.shape[1]
    eta = np.log(y + 0.1)
    mu = np.maximum(np.exp(eta), EPS)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(y > 0, y * np.log(y), 0.0) - y
    ones = bool((prior == 1).all())
    dev_old = _deviance(c, y, mu, eta, None if ones else prior)
    beta = np.zeros((s, q))
    cov = np.zeros((s, q, q))
    weights = np.zeros((s, n))
    converged = np.zeros(s, dtype=bool)
    outer = (x[:, :, None] * x[:, None, :]).reshape(n, q * q)
    live = np.arange(s)
    for _ in range(MAXIT):
        if live.size == 0:
            break
        if live.size == s:  # no copies while every series is still iterating
            yl, mul, etal, pl, cl = y, mu, eta, prior, c
        else:
            yl, mul, etal, pl, cl = y[live], mu[live], eta[live], prior[live], c[live]
        w = mul if ones else pl * mul  # weights * mu.eta^2 / variance, log link
        # X'W z with z = eta + (y - mu) / mu
        xtwz = (w * etal + (yl - mul if ones else pl * (yl - mul))) @ x
        xtwx = (w @ outer).reshape(-1, q, q)  # one GEMM for all series' X'WX
        with np.errstate(all="ignore"):
            b_new = np.linalg.solve(xtwx, xtwz[..., None])[..., 0]
        eta_new = b_new @ x.T
        with np.errstate(over="ignore"):
            mu_new = np.maximum(np.exp(eta_new), EPS)
        dev = _deviance(cl, yl, mu_new, eta_new, None if ones else pl)
        if live.size == s:
            beta, eta, mu, weights, cov = b_new, eta_new, mu_new, w, xtwx
        else:
            beta[live], eta[live], mu[live], weights[live] = b_new, eta_new, mu_new, w
            cov[live] = xtwx
        done = np.abs(dev - dev_old[live]) / (np.abs(dev) + 0.1) < EPSILON
        converged[live[done]] = True
        dev_old[live] = dev
        live = live[~done]
    with np.errstate(all="ignore"):
        cov = np.linalg.inv(cov)
    return Fit(beta=beta, cov=cov, mu=mu, weights=weights, converged=converged, df=n - q)


def _embed(fit: Fit, cols: np.ndarray, q: int) -> Fit:
    """Put a fit on a subset of columns into the full column space."""
    s = fit.beta.shape[0]
    beta = np.zeros((s, q))
    cov = np.zeros((s, q, q))
    beta[:, cols] = fit.beta
    cov[:, cols[:, None], cols[None, :]] = fit.cov
    return Fit(beta, cov, fit.mu, fit.weights, fit.converged, fit.df)


@dataclass
class Model:
    """What R keeps of ``fitGLM.flexible``: the fit, phi, the summary's dispersion."""

    fit: Fit
    phi: np.ndarray  # max(1, Pearson / df)
    dispersion: np.ndarray  # what summary.glm / predict.glm use (see module notes)
    ok: np.ndarray  # the first fit converged


def _fit_one(y: np.ndarray, x: np.ndarray, cols: np.ndarray, q: int, reweight: bool,
             weights_threshold: float) -> Model:
    """R's ``algo.farrington.fitGLM.flexible`` with one formula, for every row of y."""
    xs = x[:, cols]
    first = _irls(y, xs, np.ones_like(y))
    with np.errstate(all="ignore"):
        res = (y - first.mu) / first.mu
        pearson = (first.weights * res**2).sum(axis=1) / first.df
        phi = np.maximum(pearson, 1.0)
        fit, dispersion = first, pearson
        if reweight:
            outer = (xs[:, :, None] * xs[:, None, :]).reshape(len(xs), -1)
            hat = first.weights * (first.cov.reshape(len(y), -1) @ outer.T)
            hat = np.where(hat > 1 - 10 * EPS, 1.0, hat)
            mu = first.mu
            s = 1.5 * (y ** (2 / 3) * mu ** (-1 / 6) - mu**0.5) / np.sqrt(phi[:, None] * (1 - hat))
            big = s > weights_threshold
            inv = np.where(big, s**-2.0, 1.0)
            gamma = y.shape[1] / inv.sum(axis=1)
            omega = gamma[:, None] * inv
            fit = _irls(y, xs, omega)
            res = (y - fit.mu) / fit.mu
            phi = np.maximum((fit.weights * res**2).sum(axis=1) / fit.df, 1.0)
            # model$weights <- omega before summary.glm: the dispersion R then uses
            dispersion = (omega * res**2).sum(axis=1) / fit.df
    return Model(_embed(fit, cols, q), phi, dispersion, first.converged)


def _select(model: Model, idx: np.ndarray) -> Model:
    f = model.fit
    return Model(Fit(f.beta[idx], f.cov[idx], f.mu[idx], f.weights[idx], f.converged[idx],
                     f.df), model.phi[idx], model.dispersion[idx], model.ok[idx])


def _assign(into: Model, idx: np.ndarray, part: Model) -> None:
    into.fit.beta[idx] = part.fit.beta
    into.fit.cov[idx] = part.fit.cov
    into.phi[idx] = part.phi
    into.dispersion[idx] = part.dispersion
    into.ok[idx] = part.ok


def _fit_flexible(y, x, trend, reweight, weights_threshold):
    """R's fitGLM.flexible with the trend fallback: (model, has_trend) for every row."""
    q = x.shape[1]
    all_cols = np.arange(q)
    no_trend = np.delete(all_cols, 1)
    if not trend:
        return _fit_one(y, x, no_trend, q, reweight, weights_threshold), np.zeros(len(y), bool)
    model = _fit_one(y, x, all_cols, q, reweight, weights_threshold)
    has_trend = model.ok.copy()
    failed = np.flatnonzero(~model.ok)
    if failed.size:
        _assign(model, failed, _fit_one(y[failed], x, no_trend, q, reweight, weights_threshold))
    return model, has_trend


def delta_upperbound(mu, se, phi, *, alpha: float = 0.05, powertrans: str = "2/3"):
    """Upper bound of Farrington's delta-method threshold (R's threshold.farrington).

    ``mu`` and ``se`` are the predicted mean and its standard error on the
    count scale, ``phi`` the dispersion (at least 1 in the algorithm).

    Examples
    --------
    >>> [round(float(delta_upperbound(5, 0.2, 1, powertrans=p)), 7)
    ...  for p in ("none", "1/2", "2/3")]
    [8.6926872, 9.3744842, 9.1154825]
    """
    mu, se, phi = (np.asarray(v, dtype=float) for v in (mu, se, phi))
    tau = phi + se**2 / mu
    if powertrans == "none":
        sd, exponent = np.sqrt(mu * tau), 1.0
    elif powertrans == "1/2":
        sd, exponent = np.sqrt(tau / 4), 0.5
    elif powertrans == "2/3":
        sd, exponent = np.sqrt(4 / 9 * mu ** (1 / 3) * tau), 2 / 3
    else:
        raise ValueError(powertrans)
    with np.errstate(invalid="ignore"):
        return (mu**exponent + special.ndtri(1 - alpha) * sd) ** (1 / exponent)


def nb_plugin_upperbound(eta, phi, *, alpha: float = 0.05):
    """Upper bound of Noufaily's negative binomial plug-in threshold (R's threshold.noufaily).

    ``eta`` is the linear predictor (log mean), ``phi`` the dispersion: the
    ``1 - alpha`` quantile of a negative binomial with mean ``exp(eta)`` and
    variance ``phi * mean`` (Poisson when ``phi`` is 1); missing when the
    mean is infinite.

    Examples
    --------
    >>> float(nb_plugin_upperbound(np.log(5.0), 1.0)), float(nb_plugin_upperbound(np.log(5.0), 2.0))
    (9.0, 11.0)
    """
    eta, phi = np.broadcast_arrays(np.asarray(eta, float), np.asarray(phi, float))
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        mu = np.exp(eta)
        nb = stats.nbinom.ppf(1 - alpha, mu / (phi - 1), 1 / phi)
        pois = stats.poisson.ppf(1 - alpha, mu)
    out = np.where(phi > 1, nb, pois)
    return np.where(np.isinf(mu), np.nan, out)


@dataclass
class Judged:
    """Results for the series of one time point (arrays of length S)."""

    expected: np.ndarray
    upperbound: np.ndarray
    alarm: np.ndarray  # float: 1, 0 or nan (no model)
    trend: np.ndarray  # float: 1, 0 or nan
    score: np.ndarray
    phi: np.ndarray


def judge(obs: np.ndarray, k: int, opts: dict) -> Judged:
    """farringtonFlexible's result at 1-based time point ``k`` for every row of ``obs``.

    ``obs`` is (S, T) with the series' months in order; ``opts`` holds the
    snake_case options with their values checked.
    """
    d = design(k, b=opts["b"], w=opts["w"], no_periods=opts["no_periods"],
               past_weeks_not_included=opts["past_weeks_not_included"], freq=opts["freq"])
    y = obs[:, d.rows]
    model, has_trend = _fit_flexible(y, d.x, opts["trend"], opts["reweight"],
                                     opts["weights_threshold"])
    do_trend = np.zeros(len(y), dtype=bool)
    if opts["trend"]:
        fit = model.fit
        with np.errstate(all="ignore"):
            t_stat = fit.beta[:, 1] / np.sqrt(model.dispersion * fit.cov[:, 1, 1])
            p_value = 2 * stats.t.sf(np.abs(t_stat), fit.df)
            pred = np.maximum(np.exp(fit.beta @ d.x0), EPS)
        do_trend = (has_trend & (opts["b"] >= 3) & (p_value < opts["p_threshold_trend"])
                    & (pred <= y.max(axis=1)))
        refit = np.flatnonzero(has_trend & ~do_trend)
        if refit.size:
            part, _ = _fit_flexible(y[refit], d.x, False, opts["reweight"],
                                    opts["weights_threshold"])
            _assign(model, refit, part)
    fit = model.fit
    with np.errstate(all="ignore"):
        eta = fit.beta @ d.x0
        se_link = np.sqrt(model.dispersion * np.einsum("i,sij,j->s", d.x0, fit.cov, d.x0))
        y_now = obs[:, k - 1]
        if opts["threshold_method"] == "delta":
            fitted = np.maximum(np.exp(eta), EPS)
            upper = delta_upperbound(fitted, se_link * fitted, model.phi,
                                     alpha=opts["alpha"], powertrans=opts["powertrans"])
            centre = fitted
        else:  # nbPlugin: R's score subtracts the linear predictor, not the mean
            fitted = np.exp(eta)
            upper = nb_plugin_upperbound(eta, model.phi, alpha=opts["alpha"])
            centre = eta
        score = (y_now - centre) / (upper - centre)
    cases, months = opts["limit54"]
    enough = obs[:, max(0, k - months):k].sum(axis=1) >= cases
    ok = model.ok
    alarm = np.where(ok, (enough & ~np.isnan(score) & (score > 1) & (y_now != 0)), np.nan)
    upperbound = np.where(ok & enough, upper, np.nan)
    expected = np.where(ok & enough & ~np.isnan(upper), fitted, np.nan)
    trend = np.where(ok, do_trend, np.nan)
    return Judged(expected, upperbound, alarm.astype(float), trend.astype(float),
                  np.where(ok, score, np.nan), np.where(ok, model.phi, np.nan))
