"""The planted truths of Qingshan County (青山县), in one place.

Everything the generator plants (levels, effects, seasonal shapes, events) is
read from :data:`GROUND_TRUTH`, a plain nested mapping. The datasheet
(``data/README.md``), the tests and the exercise checkers read the same mapping,
so nothing planted is written twice.

Calibration sources are listed in ``data/README.md`` ("Calibration"); the keys
below say which published figure each value follows. Where a value departs from
the published figure on purpose (to make a lesson visible in a county of 60
villages), the comment says so.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

# National rural per-capita disposable income, yuan (NBS communiqués; 2019 is
# recalled, the others read in NBS releases: see data/README.md).
NATIONAL_RURAL_INCOME = {
    2019: 16021,
    2020: 17131,
    2021: 18931,
    2022: 20133,
    2023: 21691,
    2024: 23119,
}

_truth: dict[str, Any] = {
    "county": {
        "name_en": "Qingshan County",
        "name_zh": "青山县",
        "seed": 20241121,
        "n_townships": 6,
        "villages_per_township": 10,
    },
    "villages": {
        # Typical administrative village in a hilly central/western county.
        "population_median": 1600,
        "population_sigma": 0.35,  # log-normal spread
        "persons_per_household": 3.3,
        # Terrain by township position (repeats every 6 townships).
        "terrain_by_township": ["plain", "plain", "hill", "hill", "mountain", "mountain"],
        "adult_share": 0.78,  # residents aged 18+
        # Age structure of resident adults (household register), by group.
        "adult_age_shares": {"18-39": 0.36, "40-59": 0.37, "60+": 0.27},
    },
    "income": {
        # County per-capita disposable income = this share of the national rural
        # level each year (a hilly county "somewhat below the national mean").
        "county_share_of_national": 0.85,
        "target_per_capita": {
            y: round(0.85 * v) for y, v in NATIONAL_RURAL_INCOME.items()
        },
        # Income mix (wage, business, property, transfer) of the county by year:
        # the 2023 national mix (42.2/34.3/2.5/21.0, NBS) shifted towards
        # transfers for a poorer county, wages gaining about half a point a year.
        "mix": {
            2019: {"wage": 0.395, "business": 0.355, "property": 0.022, "transfer": 0.228},
            2020: {"wage": 0.400, "business": 0.350, "property": 0.022, "transfer": 0.228},
            2021: {"wage": 0.405, "business": 0.345, "property": 0.023, "transfer": 0.227},
            2022: {"wage": 0.410, "business": 0.340, "property": 0.023, "transfer": 0.227},
            2023: {"wage": 0.415, "business": 0.335, "property": 0.024, "transfer": 0.226},
            2024: {"wage": 0.420, "business": 0.330, "property": 0.024, "transfer": 0.226},
        },
        # Effects on log per-capita income (causal, as planted).
        "return_to_schooling": 0.06,  # per year of the head's schooling (de Brauw & Rozelle 2008)
        "migrant_worker_effect": 0.12,  # per migrant worker; 1-2 migrants: +13% to +27%
        "cooperative_effect": 0.06,  # causal effect of membership (MoA claims ">20%")
        "road_effect": 0.05,  # on total income once the village road is hardened
        "road_business_multiplier": 1.30,  # business income share rises with a hard road
        "ecommerce_effect": 0.0,  # correlated with income, no causal effect
        "land_elasticity": 0.12,  # per log mu of contracted land
        "terrain_effect": {"plain": 0.0, "hill": -0.07, "mountain": -0.15},
        "distance_effect_per_km": -0.003,
        "village_sd": 0.12,
        "household_sd": 0.30,  # persistent household effect
        "year_noise_sd": 0.18,
        # Raw member / non-member gap the selection should produce (approximate).
        "cooperative_raw_gap": 0.20,
        "n_outliers": 6,  # household-years with a windfall or a business loss
        "households_per_village": 30,
    },
    "trust": {
        "years": [2019, 2020, 2021, 2022, 2023, 2024],
        "villages_sampled_per_township": 5,
        "respondents_per_village": 24,
        # Sample composition by age group: the young are often away working, so
        # the raw sample over-represents older villagers; weights correct this.
        "response_age_shares": {"18-39": 0.20, "40-59": 0.40, "60+": 0.40},
        # Share trusting "a great deal" or "quite a lot" (codes 1-2) among valid
        # answers: hierarchical trust, centre > province > county > township.
        "share_trusting": {
            "trust_centre": 0.90,
            "trust_province": 0.80,
            "trust_county": 0.68,
            "trust_township": 0.58,
            "trust_village_committee": 0.62,
        },
        # Don't know (8) and refused (9) rates by item.
        "dont_know": {
            "trust_centre": 0.03,
            "trust_province": 0.08,
            "trust_county": 0.07,
            "trust_township": 0.05,
            "trust_village_committee": 0.03,
        },
        "refused": 0.01,
        # Satisfied with township cadres (4-5 on 1-5) before any service hall.
        "sat_township_baseline": 0.52,
        # Rise (percentage points) in the share satisfied in a township from the
        # year its convenience service hall opens; zero elsewhere.
        "service_hall_effect_pp": 9.0,
        # Service halls by township position (repeats every 6 townships).
        "service_hall_opened": {0: 2021, 2: 2022, 4: 2023},
        "service_hall_use": 0.45,  # share using the hall once it is open
        # Drivers of the latent trust/satisfaction score (logit scale, per unit).
        "drivers": {
            "fairness": 0.55,  # per point on 1-5: the strongest driver
            "corruption": -0.40,  # per point on 1-4
            "dispute_unresolved": -0.60,
            "used_service_hall": 0.35,
            "cadre_visited": 0.30,
            "age_per_decade": 0.25,  # the young, often away, trust local government less
            "party_member": 0.25,
        },
        "township_sd": 0.15,
        "village_sd": 0.5,
    },
    "disputes": {
        "years": list(range(2016, 2025)),
        "cases_per_1000_residents": 6.0,
        "annual_growth": 0.02,
        # Type mix: the rural county of FIGURES.md (neighbour 28.1, contracting
        # 23.7, family 10.9, damages 7.5, requisition 5.3, homestead 3.8) with
        # water and wage-arrears disputes raised so their seasons can be seen.
        "type_mix": {
            "neighbour": 0.27,
            "land_contract": 0.22,
            "family": 0.12,
            "damages": 0.08,
            "requisition": 0.05,
            "homestead": 0.06,
            "water": 0.07,
            "wage_arrears": 0.05,
            "other": 0.08,
        },
        # Monthly multipliers (1 = average month) by type; wage arrears follow
        # the lunar calendar: see "wage_arrears_window_days".
        "seasonality": {
            "water": {6: 2.6, 7: 3.0, 8: 2.4},
            "land_contract": {3: 1.8, 4: 1.8, 10: 1.2},
            "family": {1: 1.4, 2: 1.5},
        },
        "wage_arrears_window_days": 45,  # days before Spring Festival
        "wage_arrears_window_multiplier": 5.0,
        # A eucalyptus plantation project in one township (by position) brings
        # requisition and compensation disputes.
        "plantation_township": 3,
        "plantation_period": ("2021-04-01", "2022-09-30"),
        "plantation_multiplier": 8.0,
        # County mediation centre (综治中心) opens: fewer petitions, faster.
        "mediation_centre_opened": "2020-07-01",
        "petition_share_before": 0.06,
        "petition_share_after": 0.025,
        "court_share": 0.02,
        "median_days_before": 18.0,
        "median_days_after": 11.0,
        # One village-month in the last year with an unusual spike, for the
        # early-warning lesson: village by position, month, extra cases.
        "anomaly": {"township": 1, "village": 6, "month": "2024-09", "type": "land_contract",
                    "extra_cases": 14},
    },
}


def _freeze(obj: Any) -> Any:
    if isinstance(obj, dict):
        return MappingProxyType({k: _freeze(v) for k, v in obj.items()})
    if isinstance(obj, list):
        return tuple(_freeze(v) for v in obj)
    return obj


#: The planted truths, read-only. See the module docstring.
GROUND_TRUTH = _freeze(_truth)

SPRING_FESTIVAL = {
    2015: "2015-02-19",
    2016: "2016-02-08",
    2017: "2017-01-28",
    2018: "2018-02-16",
    2019: "2019-02-05",
    2020: "2020-01-25",
    2021: "2021-02-12",
    2022: "2022-02-01",
    2023: "2023-01-22",
    2024: "2024-02-10",
    2025: "2025-01-29",
}
