"""Mediated disputes: one row per case received by people's mediation."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .truth import GROUND_TRUTH, SPRING_FESTIVAL
from .villages import categorical

DISPUTE_TYPES = tuple(GROUND_TRUTH["disputes"]["type_mix"])
OUTCOMES = ("mediated", "court", "petition", "pending")
MEDIATOR_LEVELS = ("village", "township", "county_centre")
END_OF_DATA = pd.Timestamp("2024-12-31")

# Relative days to resolve, petition propensity and group-dispute propensity by type.
_DAYS_FACTOR = {"neighbour": 0.8, "family": 1.2, "requisition": 2.0, "wage_arrears": 1.3,
                "land_contract": 1.1, "homestead": 1.3}
_PETITION_FACTOR = {"requisition": 3.0, "wage_arrears": 1.8, "land_contract": 1.3}
_GROUP_SHARE = {"requisition": 0.45, "wage_arrears": 0.35, "water": 0.25}
_AMOUNT_MEDIAN = {"damages": 8000, "requisition": 30000, "wage_arrears": 9000,
                  "land_contract": 3000}


def seasonal_multipliers(months: pd.PeriodIndex) -> np.ndarray:
    """Monthly multiplier per dispute type (rows: months, columns: DISPUTE_TYPES).

    Each type's multipliers average 1 over a calendar year, so the annual type mix
    equals ``GROUND_TRUTH["disputes"]["type_mix"]``.
    """
    truth = GROUND_TRUTH["disputes"]
    mult = np.ones((len(months), len(DISPUTE_TYPES)))
    month_no = months.month.to_numpy()
    for j, kind in enumerate(DISPUTE_TYPES):
        peaks = truth["seasonality"].get(kind)
        if peaks:
            peak_total = sum(peaks.values())
            rest = (12 - peak_total) / (12 - len(peaks))
            mult[:, j] = [peaks.get(m, rest) for m in month_no]
    # Wage arrears: the weeks before Spring Festival, a lunar date.
    j = DISPUTE_TYPES.index("wage_arrears")
    window = truth["wage_arrears_window_days"]
    days = pd.date_range(months[0].start_time, months[-1].end_time, freq="D")
    festivals = pd.to_datetime(list(SPRING_FESTIVAL.values()))
    next_festival = festivals[np.searchsorted(festivals.values, days.values)]
    in_window = (next_festival - days).days.to_numpy() <= window
    daily = np.where(in_window, truth["wage_arrears_window_multiplier"], 1.0)
    per_month = pd.Series(daily, index=days.to_period("M")).groupby(level=0).mean()
    per_month = per_month / per_month.groupby(per_month.index.year).transform("mean")
    mult[:, j] = per_month.reindex(months).to_numpy()
    return mult


def make_disputes(
    rng: np.random.Generator, villages: pd.DataFrame, latent: pd.DataFrame
) -> pd.DataFrame:
    """Generate mediation cases for every village, 2016-2024."""
    truth = GROUND_TRUTH["disputes"]
    months = pd.period_range(f"{truth['years'][0]}-01", f"{truth['years'][-1]}-12", freq="M")
    n_m, n_k = len(months), len(DISPUTE_TYPES)
    share = np.array(list(truth["type_mix"].values()))
    season = seasonal_multipliers(months)  # (months, types)

    # Type intensities for "ordinary" villages and for the plantation township.
    req = DISPUTE_TYPES.index("requisition")
    start, end = (pd.Period(d, "M") for d in truth["plantation_period"])
    in_project = np.asarray((months >= start) & (months <= end))
    plant_mult = np.ones((n_m, n_k))
    plant_mult[in_project, req] = truth["plantation_multiplier"]
    kinds = np.stack([season * share, season * share * plant_mult])  # (2, months, types)
    per_kind_total = kinds.sum(axis=2)  # (2, months)

    is_plantation = (latent["position"].to_numpy() == truth["plantation_township"])
    kind_idx = is_plantation.astype(np.int64)
    growth = (1 + truth["annual_growth"]) ** (months.year.to_numpy() - truth["years"][0])
    base = (
        villages["population"].to_numpy()
        * latent["dispute_frailty"].to_numpy()
        * truth["cases_per_1000_residents"] / 1000 / 12
    )
    lam = base[:, None] * growth[None, :] * per_kind_total[kind_idx]  # (villages, months)
    counts = rng.poisson(lam)

    # The anomalous village-month (first matching village only).
    a = truth["anomaly"]
    hit = np.flatnonzero(
        (latent["position"].to_numpy() == a["township"])
        & (latent["within"].to_numpy() == a["village"] - 1)
    )
    extra = np.zeros_like(counts)
    if len(hit):
        extra[hit[0], months.get_loc(pd.Period(a["month"], "M"))] = a["extra_cases"]

    v_idx, m_idx = np.nonzero(counts)
    reps = counts[v_idx, m_idx]
    case_v = np.repeat(v_idx, reps)
    case_m = np.repeat(m_idx, reps)
    probs = kinds[kind_idx[case_v], case_m] / per_kind_total[kind_idx[case_v], case_m][:, None]
    case_k = (rng.random(len(case_v))[:, None] > probs.cumsum(axis=1)).sum(axis=1)
    case_k = np.minimum(case_k, n_k - 1)
    ev, em = np.nonzero(extra)
    if len(ev):
        n_extra = extra[ev, em]
        case_v = np.concatenate([case_v, np.repeat(ev, n_extra)])
        case_m = np.concatenate([case_m, np.repeat(em, n_extra)])
        case_k = np.concatenate(
            [case_k, np.full(n_extra.sum(), DISPUTE_TYPES.index(a["type"]))]
        )
    n = len(case_v)

    month_start = months.start_time.to_numpy()
    days_in = months.days_in_month.to_numpy()
    received = month_start[case_m] + (
        np.floor(rng.random(n) * days_in[case_m]).astype("timedelta64[D]")
    )
    after = received >= np.datetime64(truth["mediation_centre_opened"])

    group_share = np.array([_GROUP_SHARE.get(k, 0.03) for k in DISPUTE_TYPES])[case_k]
    group = rng.random(n) < group_share
    parties = np.where(group, 3 + rng.geometric(0.15, n), 2)

    amount_median = np.array([_AMOUNT_MEDIAN.get(k, 0) for k in DISPUTE_TYPES])[case_k]
    has_amount = (amount_median > 0) & (
        (case_k != DISPUTE_TYPES.index("land_contract")) | (rng.random(n) < 0.4)
    )
    amount = amount_median * rng.lognormal(0.0, 0.8, n) * np.where(group, parties / 2, 1)
    amount = np.where(has_amount, np.round(amount, -2), np.nan)

    u = rng.random(n)
    county_share = np.where(after, 0.10, 0.0) * np.where(case_k == req, 3, 1)
    level = np.where(u < county_share, 2, np.where(u < county_share + 0.35, 1, 0))

    p_pet = np.where(after, truth["petition_share_after"], truth["petition_share_before"])
    p_pet = p_pet * np.array([_PETITION_FACTOR.get(k, 0.8) for k in DISPUTE_TYPES])[case_k]
    u = rng.random(n)
    outcome = np.where(u < p_pet, 2, np.where(u < p_pet + truth["court_share"], 1, 0))

    median_days = np.where(after, truth["median_days_after"], truth["median_days_before"])
    days = (
        median_days
        * np.array([_DAYS_FACTOR.get(k, 1.0) for k in DISPUTE_TYPES])[case_k]
        * np.where(outcome > 0, 2.0, 1.0)
        * rng.lognormal(0.0, 0.7, n)
    )
    days = np.maximum(1, np.round(days)).astype(np.int64)
    closed = received + days.astype("timedelta64[D]")
    pending = closed > np.datetime64(END_OF_DATA)
    outcome = np.where(pending, 3, outcome)

    order = np.lexsort((case_v, received))
    town_ids, town_code = np.unique(villages["township_id"].to_numpy(), return_inverse=True)
    frame = pd.DataFrame(
        {
            "case_id": np.arange(1, n + 1),
            "date_received": received[order],
            "village_id": categorical(case_v[order], villages["village_id"]),
            "township_id": categorical(town_code[case_v][order], town_ids),
            "dispute_type": categorical(case_k[order], DISPUTE_TYPES),
            "parties": parties[order],
            "amount_yuan": pd.array(amount[order], dtype="Float64").astype("Int64"),
            "mediator_level": categorical(level[order], MEDIATOR_LEVELS),
            "outcome": categorical(outcome[order], OUTCOMES),
            "date_closed": np.where(pending, np.datetime64("NaT"), closed)[order],
            "days_to_resolve": pd.array(np.where(pending, -1, days)[order], dtype="Int64"),
        }
    )
    frame.loc[frame["outcome"] == "pending", "days_to_resolve"] = pd.NA
    return frame
