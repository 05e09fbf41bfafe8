"""drivers() and panel_effect() on 1,000,000 household-years, against the libraries called directly.

Targets (issue 11): each under 60 s on the 2-core machine, with its peak memory;
the wrapper's cost as a ratio against plain statsmodels OLS (on a design matrix
built by hand, and through the formula interface) and against pyfixest's
``feols`` called directly, measured in the same run.

    python benchmarks/bench_income.py [--townships 556] [--seed 1]

556 townships x 10 villages x 30 households x 6 years = 1,000,800 rows.
Times are the best of ``--repeat`` rounds, each round running the wrapper and
its peers in turn (so a change in the machine's load falls on all); peak
memory is traced (tracemalloc, numpy's buffers included) in one extra run of
each, so tracing does not slow the timed runs.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
import warnings

import numpy as np
import pandas as pd


def best_times(funcs, repeat: int) -> list[float]:
    """Best time of each function, the functions run in turn in every round.

    Interleaving makes a change in the machine's load (other work on the 2
    cores) fall on all of them alike, so their ratio is steadier than their times.
    """
    times = [[] for _ in funcs]
    for _ in range(repeat):
        for k, func in enumerate(funcs):
            start = time.perf_counter()
            func()
            times[k].append(time.perf_counter() - start)
    return [min(t) for t in times]


def peak_mb(func) -> float:
    tracemalloc.start()
    func()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1024**2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--townships", type=int, default=556)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import pyfixest as pf
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    from ruralkit import synth
    from ruralkit.income import drivers, panel_effect

    start = time.perf_counter()
    hh = synth.generate(args.seed, n_townships=args.townships, tables=("households",),
                        progress=False)["households"]
    hh = hh[hh["income_per_capita"] > 0].reset_index(drop=True)  # the planted losses
    hh["log_land"] = np.log(hh["land_mu"])
    hh["ecommerce"] = hh["ecommerce_sales"] > 0
    made = time.perf_counter() - start
    n = len(hh)
    n_villages = hh["village_id"].nunique()
    print(f"rows {n:,} ({hh['household_id'].nunique():,} households, {n_villages:,} villages);"
          f" generated in {made:.1f} s")

    features = ["cooperative_member", "head_education_years", "migrant_workers", "log_land",
                "size", "main_crop", "C(year)"]

    def ours_ols():
        return drivers(hh, outcome="income_per_capita", features=features, cluster="village_id")

    # Plain statsmodels, the array way: the user builds the matrix (not timed) ...
    crops = pd.get_dummies(hh["main_crop"], drop_first=True, dtype=float)
    years = pd.get_dummies(hh["year"].astype(int), drop_first=True, dtype=float)
    num = hh[["cooperative_member", "head_education_years", "migrant_workers", "log_land",
              "size"]].astype(float)
    X = np.column_stack([np.ones(n), num.to_numpy(), crops.to_numpy(), years.to_numpy()])
    y = np.log(hh["income_per_capita"].to_numpy(dtype=float))
    groups = pd.factorize(hh["village_id"], sort=True)[0]

    def plain_ols():
        return sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)

    plain = hh.astype({c: float for c in num.columns}).assign(
        main_crop=hh["main_crop"].astype(str), year=hh["year"].astype(int),
        income_per_capita=hh["income_per_capita"].astype(float))
    formula = ("np.log(income_per_capita) ~ cooperative_member + head_education_years"
               " + migrant_workers + log_land + size + C(main_crop) + C(year)")

    def formula_ols():
        return smf.ols(formula, plain).fit(cov_type="cluster", cov_kwds={"groups": groups},
                                           use_t=True)

    controls = ["migrant_workers", "ecommerce"]

    def ours_fe():
        return panel_effect(hh, outcome="income_per_capita", treatment="cooperative_member",
                            unit="household_id", time="year", controls=controls,
                            log_outcome=True)

    fe_data = pd.DataFrame({
        "y": y, "coop": hh["cooperative_member"].astype(float).to_numpy(),
        "mig": hh["migrant_workers"].astype(float).to_numpy(),
        "ecom": hh["ecommerce"].astype(float).to_numpy(),
        "hh": hh["household_id"].to_numpy(), "year": hh["year"].astype(int).to_numpy()})

    def direct_fe():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pf.feols("y ~ coop + mig + ecom | hh + year", fe_data, vcov={"CRV1": "hh"},
                            ssc=pf.ssc(k_adj=True, k_fixef="none", G_adj=True),
                            fixef_rm="none")

    # Same numbers first (the wrapper must not change them).
    a, b = ours_ols(), plain_ols()
    assert np.allclose(a["coef"].to_numpy()[:6], b.params[:6], rtol=1e-9)
    c, d = ours_fe(), direct_fe()
    assert np.allclose(c["se"].to_numpy(), d.se().to_numpy(), rtol=1e-9)

    rows = []
    for name, ours, peers in [
        ("drivers (cluster by village)", ours_ols,
         [("statsmodels OLS on arrays", plain_ols), ("statsmodels formula", formula_ols)]),
        ("panel_effect (household + year FE)", ours_fe, [("pyfixest feols", direct_fe)]),
    ]:
        timed = best_times([ours, *(peer for _, peer in peers)], args.repeat)
        m_ours = peak_mb(ours)
        for (peer_name, peer), t_peer in zip(peers, timed[1:], strict=True):
            rows.append((name, timed[0], m_ours, peer_name, t_peer, peak_mb(peer)))
    print(f"{'function':36s} {'time':>8s} {'peak':>9s}   {'peer':28s} {'time':>8s} {'peak':>9s}"
          f" {'ratio':>6s}")
    for name, t_ours, m_ours, peer_name, t_peer, m_peer in rows:
        print(f"{name:36s} {t_ours:7.2f}s {m_ours:7.0f}MB   {peer_name:28s} {t_peer:7.2f}s"
              f" {m_peer:7.0f}MB {t_ours / t_peer:6.2f}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table_mb = hh.memory_usage(deep=True).sum() / 1024**2
    print(f"process peak RSS {rss:,.0f} MB (includes the table, {table_mb:,.0f} MB,"
          " and the peers' copies)")


if __name__ == "__main__":
    main()
