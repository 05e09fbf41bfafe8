"""Household income panel, 2019-2024: one row per household and year.

Log per-capita income follows a Mincer-type equation whose coefficients are in
``GROUND_TRUTH["income"]``. The year intercepts are set so that the county's
expected per-capita income (total income over total persons, as NBS defines
it) equals the target for that year; the realised figure differs by sampling
noise. Income is then split into NBS's four sources with household-specific
shares, raked so the county mix matches the target mix each year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit

from .truth import GROUND_TRUTH
from .villages import INDUSTRIES, categorical

SOURCES = ("wage", "business", "property", "transfer")
CROPS = INDUSTRIES


def make_households(
    rng: np.random.Generator, villages: pd.DataFrame, latent: pd.DataFrame
) -> pd.DataFrame:
    """Generate the household panel."""
    truth = GROUND_TRUTH["income"]
    years = np.array(sorted(truth["target_per_capita"]))
    n_y = len(years)
    per_village = truth["households_per_village"]
    n_v = len(villages)
    h_v = np.repeat(np.arange(n_v), per_village)
    n_h = len(h_v)
    terrain = latent["terrain_code"].to_numpy()[h_v]

    # ---- household traits (fixed over the panel)
    hh_effect = rng.normal(0.0, truth["household_sd"], n_h)
    head_age0 = np.clip(np.round(rng.normal(52, 11, n_h)), 25, 80).astype(np.int64)
    head_female = rng.random(n_h) < 0.12
    head_educ = np.clip(
        np.round(9.5 - 0.09 * (head_age0 - 50) + 1.0 * hh_effect + rng.normal(0, 2.3, n_h)), 0, 16
    ).astype(np.int64)
    size = np.clip(rng.poisson(2.3, n_h) + 1, 1, 8)
    workers = np.minimum(size, 1 + rng.binomial(size - 1, 0.55))
    land = np.round(
        np.array([6.0, 4.0, 2.5])[terrain] * rng.lognormal(0.0, 0.5, n_h) * (1 + 0.08 * hh_effect),
        1,
    )
    village_crop = pd.Categorical(villages["main_industry"], categories=CROPS).codes[h_v]
    crop = np.where(rng.random(n_h) < 0.7, village_crop, rng.integers(0, len(CROPS), n_h))
    poor = rng.random(n_h) < expit(-2.2 + 0.5 * terrain - 2.0 * hh_effect - 0.1 * (head_educ - 8))

    # Cooperative membership: only where the village has one; richer in land and
    # schooling join more (selection on observables), joining over time.
    has_coop = villages["cooperative"].to_numpy()[h_v] != "none"
    join_score = -1.0 + 0.18 * (head_educ - 8) + 0.6 * np.log(land / 3.0)
    ever = has_coop & (rng.random(n_h) < expit(join_score))
    join_year = np.where(ever, rng.integers(2012, 2025, n_h), 0)

    migr_propensity = rng.normal(0, 1, n_h) + 0.3 * terrain - 0.03 * (head_age0 - 50)
    ecom_propensity = 1.2 * hh_effect / truth["household_sd"] + 0.25 * (head_educ - 9) - 0.04 * (
        head_age0 - 50
    )

    # ---- panel rows (household-major, years inner)
    row_h = np.repeat(np.arange(n_h), n_y)
    year = np.tile(years, n_h)
    rv = h_v[row_h]
    head_age = head_age0[row_h] + (year - years[0])

    coop = ever[row_h] & (join_year[row_h] <= year)
    road_year = villages["road_hardened_year"].to_numpy(dtype=float, na_value=np.inf)[rv]
    road = year >= road_year
    p_migr = expit(-0.6 + 0.8 * migr_propensity[row_h] + 0.1 * rng.normal(0, 1, len(year)))
    migrants = rng.binomial(workers[row_h], np.clip(p_migr * 0.6, 0, 1))
    ecom_p = expit(-3.0 + ecom_propensity[row_h] + 0.9 * road + 0.25 * (year - years[0]))
    ecom = rng.random(len(year)) < ecom_p
    ecom_sales = np.where(ecom, np.round(rng.lognormal(np.log(15000), 0.9, len(year)), -2), 0)
    ecom_sales = ecom_sales.astype(np.int64)

    terr_eff = np.array([truth["terrain_effect"][t] for t in ("plain", "hill", "mountain")])
    lin = (
        truth["return_to_schooling"] * head_educ[row_h]
        + truth["migrant_worker_effect"] * migrants
        + truth["cooperative_effect"] * coop
        + truth["road_effect"] * road
        + truth["ecommerce_effect"] * ecom
        + truth["land_elasticity"] * np.log(land[row_h])
        + terr_eff[terrain[row_h]]
        + truth["distance_effect_per_km"] * villages["distance_km"].to_numpy()[rv]
        + latent["income_effect"].to_numpy()[rv]
        + hh_effect[row_h]
        - 0.03 * (size[row_h] - 3)
    )
    sd = truth["year_noise_sd"]
    persons = size[row_h].astype(float)
    # Intercepts: expected county per-capita income equals the target each year.
    expected = np.bincount(np.searchsorted(years, year), weights=np.exp(lin) * persons)
    expected *= np.exp(sd**2 / 2) / np.bincount(np.searchsorted(years, year), weights=persons)
    target = np.array([truth["target_per_capita"][y] for y in years])
    alpha = np.log(target / expected)
    yi = np.searchsorted(years, year)
    per_capita = np.exp(alpha[yi] + lin + rng.normal(0.0, sd, len(year)))
    total = per_capita * persons

    # ---- split into the four sources
    raw = np.column_stack(
        [
            0.4 + migrants + 0.35 * (workers[row_h] - migrants),
            np.sqrt(land[row_h] / 4.0)
            * np.where(road, truth["road_business_multiplier"], 1.0)
            * np.where(coop, 1.2, 1.0),
            rng.lognormal(0.0, 0.6, len(year)),
            1.0 + 1.0 * poor[row_h] + 0.6 * (head_age >= 60),
        ]
    )
    base = np.array([[truth["mix"][y][s] for s in SOURCES] for y in years])  # (years, 4)
    mix_target = base.copy()
    for _ in range(100):  # rake the base shares until the county mix matches
        w = base[yi] * raw
        shares = w / w.sum(axis=1, keepdims=True)
        comp = shares * total[:, None]
        realised = np.stack([np.bincount(yi, weights=comp[:, k]) for k in range(4)], axis=1)
        realised /= realised.sum(axis=1, keepdims=True)
        if np.abs(realised - mix_target).max() < 1e-7:
            break
        base = base * mix_target / realised
    comp = np.round(shares * total[:, None])

    # A few outliers for the winsorising lesson: windfalls and business losses.
    k = truth["n_outliers"]
    pick = rng.choice(len(year), size=k, replace=False)
    comp[pick[: k // 2], 1] *= 15
    comp[pick[k // 2:], 1] = -np.round(rng.uniform(20000, 60000, k - k // 2), -2)

    comp = comp.astype(np.int64)
    total = comp.sum(axis=1)
    n_rows = len(year)
    town_ids, town_code = np.unique(villages["township_id"].to_numpy(), return_inverse=True)
    frame = pd.DataFrame(
        {
            "household_id": (rv + 1) * 1000 + (np.arange(n_h) % per_village)[row_h] + 1,
            "year": year,
            "village_id": categorical(rv, villages["village_id"]),
            "township_id": categorical(town_code[rv], town_ids),
            "size": size[row_h],
            "workers": workers[row_h],
            "head_age": head_age,
            "head_sex": categorical(head_female[row_h].astype(np.int8), ["male", "female"]),
            "head_education_years": head_educ[row_h],
            "land_mu": land[row_h],
            "main_crop": categorical(crop[row_h], CROPS),
            "migrant_workers": migrants,
            "cooperative_member": coop,
            "cooperative_joined": pd.array(
                np.where(ever[row_h], join_year[row_h], -1), dtype="Int64"
            ),
            "ecommerce_sales": ecom_sales,
            "registered_poor": poor[row_h],
            "wage_income": comp[:, 0],
            "business_income": comp[:, 1],
            "property_income": comp[:, 2],
            "transfer_income": comp[:, 3],
            "income_per_capita": np.round(total / persons, 1),
        },
        index=pd.RangeIndex(n_rows),
    )
    frame.loc[~ever[row_h], "cooperative_joined"] = pd.NA
    return frame
