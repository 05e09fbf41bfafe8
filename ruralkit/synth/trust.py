"""Trust survey: annual waves, stratified by township, villages drawn with PPS.

Design of each wave (see the datasheet): in every township (stratum) 5 of its
villages (clusters) are drawn with probability proportional to adult
population (systematic PPS); about 24 adults are interviewed in each drawn
village. Because young adults are often away working, the achieved sample is
older than the population; weights are the inverse inclusion probabilities,
post-stratified to the township's adult population by age group, so they sum
to the adult population of each township in each wave.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import expit

from .truth import GROUND_TRUTH
from .villages import categorical

AGE_GROUPS = ("18-39", "40-59", "60+")
TRUST_ITEMS = (
    "trust_centre",
    "trust_province",
    "trust_county",
    "trust_township",
    "trust_village_committee",
)
DISPUTE_OUTCOMES = ("resolved_satisfied", "resolved_unsatisfied", "unresolved")
DONT_KNOW, REFUSED = 8, 9
#: How the survey was drawn, as ``ruralkit.survey.Design`` arguments: the waves are
#: independent samples (strata = year x township), villages are the clusters and may
#: be drawn again in another year (nest). The datasheet prints it and
#: ``ruralkit.survey_design()`` uses it: the one place it is written.
SURVEY_DESIGN: dict = {
    "weights": "weight",
    "strata": ["year", "township_id"],
    "cluster": "village_id",
    "nest": True,
}
# Ordered-logit cut points around the "trust" threshold: 1|2 and 3|4.
_CUT_GREAT_DEAL, _CUT_NOT_AT_ALL = -1.7, 1.9


def _pps_systematic(
    rng: np.random.Generator, group: np.ndarray, size: np.ndarray, n_draw: int
) -> tuple[np.ndarray, np.ndarray]:
    """Systematic PPS sample of ``n_draw`` units within each group.

    ``group`` must be sorted. Returns (selected mask, inclusion probability).
    Units whose probability would exceed 1 are taken with certainty.
    """
    pi = np.zeros(len(size))
    certain = np.zeros(len(size), dtype=bool)
    for _ in range(n_draw):  # at most n_draw rounds of certainty selection
        remaining = np.where(certain, 0.0, size)
        rem_total = np.bincount(group, weights=remaining)
        n_left = n_draw - np.bincount(group, weights=certain.astype(float))
        pi = np.where(certain, 1.0, n_left[group] * remaining / rem_total[group])
        if not (pi > 1.0).any():
            break
        certain |= pi >= 1.0
    # Random order within group, then cumulative probabilities.
    order = np.lexsort((rng.random(len(size)), group))
    cum = pd.Series(pi[order]).groupby(group[order]).cumsum().to_numpy()
    start = rng.random(group.max() + 1)[group[order]]
    hits = np.floor(cum - start + 1.0) - np.floor(cum - pi[order] - start + 1.0)
    selected = np.zeros(len(size), dtype=bool)
    selected[order] = hits > 0
    return selected, pi


def _ordered_logit(
    rng: np.random.Generator, eta: np.ndarray, cuts: np.ndarray
) -> np.ndarray:
    """Draw codes 1..len(cuts)+1 where higher ``eta`` gives LOWER codes.

    P(code <= k) = expit(cuts[k-1] + eta).
    """
    cum = expit(cuts[None, :] + eta[:, None])
    return 1 + (rng.random(len(eta))[:, None] > cum).sum(axis=1)


def _calibrate_shift(eta: np.ndarray, target: float, weight: np.ndarray) -> float:
    """Shift c so that the weighted mean of expit(eta + c) equals ``target``.

    Weighted, so that the targets in GROUND_TRUTH are population values.
    """
    return brentq(lambda c: np.average(expit(eta + c), weights=weight) - target, -20, 20)


def make_trust_survey(
    rng: np.random.Generator, villages: pd.DataFrame, latent: pd.DataFrame
) -> pd.DataFrame:
    """Generate the trust survey (one row per respondent and wave)."""
    truth = GROUND_TRUTH["trust"]
    vtruth = GROUND_TRUTH["villages"]
    years = np.array(truth["years"])
    n_v = len(villages)
    town_codes, town_idx = np.unique(villages["township_id"].to_numpy(), return_inverse=True)
    n_t = len(town_codes)
    adults = np.round(villages["population"].to_numpy() * vtruth["adult_share"])

    # ---- villages drawn in each wave (vectorised over township-waves)
    wave = np.repeat(np.arange(len(years)), n_v)
    vrow = np.tile(np.arange(n_v), len(years))
    group = wave * n_t + town_idx[vrow]
    sort = np.argsort(group, kind="stable")
    wave, vrow, group = wave[sort], vrow[sort], group[sort]
    chosen, pi_v = _pps_systematic(
        rng, group, adults[vrow], truth["villages_sampled_per_township"]
    )
    wave, vrow, pi_v = wave[chosen], vrow[chosen], pi_v[chosen]

    # ---- respondents
    m = truth["respondents_per_village"]
    r_wave = np.repeat(wave, m)
    r_v = np.repeat(vrow, m)
    r_pi = np.repeat(pi_v, m) * (m / adults[r_v])
    n = len(r_v)
    year = years[r_wave]
    tix = town_idx[r_v]

    shares = np.array(list(truth["response_age_shares"].values()))
    age_group = rng.choice(3, size=n, p=shares)
    age_lo, age_hi = np.array([18, 40, 60]), np.array([39, 59, 82])
    age = rng.integers(age_lo[age_group], age_hi[age_group] + 1)
    female = rng.random(n) < 0.55
    educ = np.clip(
        np.round(12.5 - 0.13 * (age - 18) - 1.2 * female + rng.normal(0, 2.5, n)), 0, 16
    ).astype(np.int64)
    party = rng.random(n) < np.where(female, 0.04, 0.13) * (0.6 + age / 100)
    migrant_hh = rng.random(n) < 0.45
    had_dispute = rng.random(n) < 0.12
    outcome = rng.choice(3, size=n, p=[0.55, 0.25, 0.20])
    unresolved = had_dispute & (outcome == 2)
    petitioned = had_dispute & (rng.random(n) < np.where(unresolved, 0.18, 0.02))

    hall_year = villages["service_hall_opened"].to_numpy(dtype=float, na_value=np.inf)[r_v]
    hall_open = year >= hall_year
    used_hall = hall_open & (rng.random(n) < truth["service_hall_use"])
    cadre_visited = rng.random(n) < 0.30 + 0.10 * party

    # ---- weights: inverse inclusion probability, post-stratified by age group
    base_w = 1.0 / r_pi
    ps_cell = (r_wave * n_t + tix) * 3 + age_group
    cell_sum = np.bincount(ps_cell, weights=base_w, minlength=len(years) * n_t * 3)
    town_adults = np.bincount(town_idx, weights=adults, minlength=n_t)
    age_share = np.array(list(vtruth["adult_age_shares"].values()))
    target = (town_adults[:, None] * age_share[None, :]).ravel()
    target = np.tile(target, len(years))
    weight = base_w * target[ps_cell] / cell_sum[ps_cell]

    # ---- attitudes: one latent score drives every item
    town_eff = rng.normal(0.0, truth["township_sd"], n_t)
    base = town_eff[tix] + latent["trust_effect"].to_numpy()[r_v] + 0.03 * (year - years[0])
    fair_eta = base + rng.normal(0.0, 1.0, n) - 0.4 * unresolved
    fairness = 6 - _ordered_logit(rng, fair_eta, np.array([-2.2, -0.9, 0.6, 2.2]))  # 5 = fair
    corr_eta = -0.5 * base + rng.normal(0.0, 1.0, n)
    corruption = _ordered_logit(rng, corr_eta, np.array([-1.0, 0.8, 2.6]))  # 4 = almost all
    d = truth["drivers"]
    eta = (
        base
        + d["fairness"] * (fairness - 3)
        + d["corruption"] * (corruption - 2)
        + d["dispute_unresolved"] * unresolved
        + d["used_service_hall"] * used_hall
        + d["cadre_visited"] * cadre_visited
        + d["age_per_decade"] * (age - 50) / 10
        + d["party_member"] * party
        + rng.logistic(0.0, 0.6, n)
    )

    cols: dict[str, np.ndarray] = {}
    for item in TRUST_ITEMS:
        shift = _calibrate_shift(eta, truth["share_trusting"][item], weight)
        cuts = np.array([_CUT_GREAT_DEAL, 0.0, _CUT_NOT_AT_ALL]) + shift
        code = _ordered_logit(rng, eta, cuts)
        # "Don't know" is likelier for women, the less schooled and the less trusting.
        lean = np.exp(0.4 * female + 0.5 * (educ < 6) - 0.3 * (eta - eta.mean()))
        p_dk = truth["dont_know"][item] * lean / np.average(lean, weights=weight)
        u = rng.random(n)
        code = np.where(u < p_dk, DONT_KNOW, code)
        code = np.where((u >= p_dk) & (u < p_dk + truth["refused"]), REFUSED, code)
        cols[item] = code

    # Satisfaction (1-5, 5 = very satisfied). The hall's effect is calibrated so
    # the share satisfied (4-5) rises by service_hall_effect_pp where it opens.
    eta_before = eta - d["used_service_hall"] * used_hall
    sat_shift = _calibrate_shift(eta_before, truth["sat_township_baseline"], weight)
    hall_rows = hall_open
    if hall_rows.any():
        w_hall = weight[hall_rows]
        p0 = np.average(expit(eta_before[hall_rows] + sat_shift), weights=w_hall)
        target = p0 + truth["service_hall_effect_pp"] / 100
        delta = _calibrate_shift(eta[hall_rows] + sat_shift, target, w_hall)
    else:
        delta = 0.0
    sat_eta = eta + sat_shift + delta * hall_open
    sat_cuts = np.array([-1.5, 0.0, 1.3, 3.6])  # 0 sits at 'satisfied or better'
    cols["sat_township"] = 6 - _ordered_logit(rng, sat_eta, sat_cuts)
    vil_eta = eta_before + _calibrate_shift(eta_before, 0.58, weight)
    cols["sat_village"] = 6 - _ordered_logit(rng, vil_eta, sat_cuts)
    for item in ("sat_township", "sat_village"):
        cols[item] = np.where(rng.random(n) < 0.02, DONT_KNOW, cols[item])
    cols["fairness"] = np.where(rng.random(n) < 0.04, DONT_KNOW, fairness)
    u = rng.random(n)
    cols["corruption"] = np.where(u < 0.10, DONT_KNOW, np.where(u < 0.12, REFUSED, corruption))
    aware = rng.random(n) < expit(0.3 + 0.12 * (educ - 7) + 0.6 * party)
    cols["disclosure_aware"] = np.where(rng.random(n) < 0.05, DONT_KNOW, np.where(aware, 1, 2))

    order = np.lexsort((r_v, year))
    frame = pd.DataFrame(
        {
            "respondent_id": 0,
            "year": year[order],
            "township_id": categorical(tix[order], town_codes),
            "village_id": categorical(r_v[order], villages["village_id"]),
            "weight": np.round(weight[order], 4),
            "sex": categorical(female[order].astype(np.int8), ["male", "female"]),
            "age": age[order],
            "age_group": categorical(age_group[order], AGE_GROUPS),
            "education_years": educ[order],
            "party_member": party[order],
            "migrant_household": migrant_hh[order],
            "had_dispute": had_dispute[order],
            "dispute_outcome": categorical(np.where(had_dispute, outcome, -1)[order],
                                           DISPUTE_OUTCOMES),
            "petitioned": petitioned[order],
            "used_service_hall": used_hall[order],
            "cadre_visited": cadre_visited[order],
            **{k: v[order] for k, v in cols.items()},
        }
    )
    # Ids restart each wave: waves are independent samples, not a panel.
    frame["respondent_id"] = frame["year"] * 100000 + frame.groupby("year").cumcount() + 1
    return frame
