"""Villages of the fictional county: one row per administrative village."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .names import TOWNSHIPS, VILLAGE_PREFIXES, VILLAGE_SUFFIXES
from .truth import GROUND_TRUTH

TERRAINS = ("plain", "hill", "mountain")
COOPERATIVE_TYPES = ("none", "planting", "breeding", "tea", "fruit")
INDUSTRIES = ("grain", "vegetables", "fruit", "tea", "livestock")

# Main industry probabilities by terrain (rows follow TERRAINS, columns INDUSTRIES).
_INDUSTRY_BY_TERRAIN = np.array(
    [
        [0.50, 0.30, 0.10, 0.00, 0.10],
        [0.25, 0.15, 0.25, 0.20, 0.15],
        [0.15, 0.05, 0.20, 0.35, 0.25],
    ]
)
_DISTANCE_BY_POSITION = np.array([4.0, 14.0, 21.0, 27.0, 36.0, 44.0])


def categorical(codes: np.ndarray, categories) -> pd.Categorical:
    """Build a categorical column from integer codes (cheap for millions of rows)."""
    return pd.Categorical.from_codes(codes, categories=pd.Index(list(categories)))


def township_ids(n_townships: int) -> np.ndarray:
    """Township codes ``T01``, ``T02``, ... (zero-padded to the county's size)."""
    width = max(2, len(str(n_townships)))
    return np.array([f"T{i + 1:0{width}d}" for i in range(n_townships)], dtype=object)


def make_villages(
    rng: np.random.Generator, n_townships: int, villages_per_township: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate the villages table and the villages' latent (unpublished) traits.

    Returns
    -------
    villages : DataFrame
        The published table, one row per village.
    latent : DataFrame
        Per-village random effects used by the other generators (same row order).
    """
    truth = GROUND_TRUTH["villages"]
    n = n_townships * villages_per_township
    town_idx = np.repeat(np.arange(n_townships), villages_per_township)
    within = np.tile(np.arange(villages_per_township), n_townships)
    position = town_idx % 6

    tids = township_ids(n_townships)
    village_id = pd.Series(tids[town_idx]).str.cat(
        pd.Series([f"V{j + 1:02d}" for j in range(villages_per_township)] * n_townships)
    )

    # Names: distinct within the bundled county, drawn with replacement beyond it.
    n_names = len(VILLAGE_PREFIXES) * len(VILLAGE_SUFFIXES)
    name_idx = rng.choice(n_names, size=n, replace=n > n_names)
    pre, suf = np.divmod(name_idx, len(VILLAGE_SUFFIXES))
    pre_zh = np.array([p[0] for p in VILLAGE_PREFIXES], dtype=object)
    pre_en = np.array([p[1] for p in VILLAGE_PREFIXES], dtype=object)
    suf_zh = np.array([s[0] for s in VILLAGE_SUFFIXES], dtype=object)
    suf_en = np.array([s[1] for s in VILLAGE_SUFFIXES], dtype=object)
    name_zh = pre_zh[pre] + suf_zh[suf]
    name_en = pre_en[pre] + suf_en[suf] + " Village"
    town_names = np.array(TOWNSHIPS, dtype=object)[np.arange(n_townships) % len(TOWNSHIPS)]

    # Terrain: the township's, with one village in five on the neighbouring kind.
    base_terrain = np.array(
        [TERRAINS.index(t) for t in truth["terrain_by_township"]]
    )[position]
    shift = rng.choice([-1, 0, 1], size=n, p=[0.1, 0.8, 0.1])
    terrain = np.clip(base_terrain + shift, 0, 2)

    distance = _DISTANCE_BY_POSITION[position] + rng.uniform(-4, 9, size=n)
    distance = np.round(np.clip(distance, 1.0, None), 1)

    size_factor = np.array([1.1, 1.0, 0.8])[terrain]
    population = np.round(
        truth["population_median"] * size_factor * rng.lognormal(0.0, truth["population_sigma"], n)
    ).astype(np.int64)
    households = np.round(
        population / truth["persons_per_household"] * rng.uniform(0.95, 1.05, n)
    ).astype(np.int64)

    # Roads: plains were hardened early, mountains late (some not yet by 2024).
    lo = np.array([2008, 2012, 2015])[terrain]
    hi = np.array([2018, 2022, 2026])[terrain]
    road = rng.integers(lo, hi + 1)
    road_year = pd.array(np.where(road > 2024, -1, road), dtype="Int64")
    road_year[road > 2024] = pd.NA

    has_coop = rng.random(n) < np.array([0.65, 0.55, 0.45])[terrain]
    coop_kind = rng.integers(1, len(COOPERATIVE_TYPES), size=n)
    cooperative = np.where(has_coop, coop_kind, 0)

    # First secretaries were sent mostly to remote, poorer villages.
    p_secretary = np.array([0.2, 0.4, 0.6])[terrain]
    secretary = rng.random(n) < p_secretary
    secretary_year = pd.array(rng.integers(2015, 2022, size=n), dtype="Int64")
    secretary_year[~secretary] = pd.NA

    halls = GROUND_TRUTH["trust"]["service_hall_opened"]
    hall_year = pd.array([halls.get(p, -1) for p in position], dtype="Int64")
    hall_year[hall_year == -1] = pd.NA

    collective = np.round(
        np.array([12.0, 7.0, 4.0])[terrain] * rng.lognormal(0.0, 0.6, n), 1
    )

    cum = _INDUSTRY_BY_TERRAIN.cumsum(axis=1)[terrain]
    industry = (rng.random(n)[:, None] > cum).sum(axis=1)
    industry = np.minimum(industry, len(INDUSTRIES) - 1)

    villages = pd.DataFrame(
        {
            "village_id": village_id,
            "township_id": tids[town_idx],
            "township_name_zh": [t[0] for t in town_names[town_idx]],
            "township_name_en": [t[1] for t in town_names[town_idx]],
            "village_name_zh": name_zh,
            "village_name_en": name_en,
            "terrain": np.array(TERRAINS, dtype=object)[terrain],
            "distance_km": distance,
            "population": population,
            "households": households,
            "road_hardened_year": road_year,
            "cooperative": np.array(COOPERATIVE_TYPES, dtype=object)[cooperative],
            "first_secretary_since": secretary_year,
            "service_hall_opened": hall_year,
            "collective_income_10k_yuan": collective,
            "main_industry": np.array(INDUSTRIES, dtype=object)[industry],
        }
    )
    latent = pd.DataFrame(
        {
            "position": position,
            "within": within,
            "terrain_code": terrain,
            "income_effect": rng.normal(0.0, GROUND_TRUTH["income"]["village_sd"], n),
            "trust_effect": rng.normal(0.0, GROUND_TRUTH["trust"]["village_sd"], n),
            "dispute_frailty": rng.lognormal(-0.5 * 0.35**2, 0.35, n),
        }
    )
    return villages, latent
