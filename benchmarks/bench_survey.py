"""Benchmark of ``ruralkit.survey``: domain means with linearised SEs at scale.

Synthesises ``--n`` respondents in ``--clusters`` PSUs (villages) within
``--strata`` strata, with ``--domains`` domains that cut across the clusters,
then times ``Design(...).mean("y", by="domain")`` and measures its peak memory.
Each measurement runs in a fresh subprocess so that peak RSS
(``resource.getrusage``) belongs to that run alone.

Targets (printed, never asserted): < 2 s and < 1 GB for 1,000,000 respondents,
40,000 clusters, 2,000 strata and 40,000 domains.

Peer comparison (``--peer``): the same estimate with samplics'
``TaylorEstimator(PopParam.mean)`` and ``domain=``, run with the Python given
by ``--peer-python`` (a separate virtual environment holding samplics), at
``--peer-n`` respondents and ``--peer-domains`` domains (default 100,000 and
4,000: samplics needs minutes there; use smaller values for a quick look).  It
prints both timings, their ratio and the largest absolute differences of the
estimates and standard errors.

Usage::

    python benchmarks/bench_survey.py                      # 1e6 rows, 40k domains
    python benchmarks/bench_survey.py --peer --peer-python /tmp/benchvenv/bin/python
    python benchmarks/bench_survey.py --peer --peer-n 20000 --peer-domains 800 \\
        --peer-python /tmp/benchvenv/bin/python
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def synthesise(n: int, n_clusters: int, n_strata: int, n_domains: int, seed: int = 2024):
    """Respondents in clusters nested in strata; domains independent of clusters."""
    rng = np.random.default_rng(seed)
    cluster = rng.integers(0, n_clusters, n)
    # PSUs nested in strata: every stratum gets n_clusters / n_strata clusters
    stratum = cluster % n_strata
    domain = rng.integers(0, n_domains, n)
    cluster_effect = rng.normal(0, 1, n_clusters)
    y = 50 + 5 * cluster_effect[cluster] + rng.normal(0, 10, n)
    y[rng.random(n) < 0.02] = np.nan  # a few item non-responses
    w = rng.uniform(50, 300, n)
    return {"stratum": stratum, "cluster": cluster, "domain": domain, "y": y, "w": w}


def _worker(args: argparse.Namespace) -> None:
    """Run one measurement and print a JSON line (called in a subprocess)."""
    import resource
    import tracemalloc

    import pandas as pd

    sys.path.insert(0, str(ROOT))
    from ruralkit.survey import Design

    df = pd.DataFrame(synthesise(args.n, args.clusters, args.strata, args.domains))
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    if args.tracemalloc:
        tracemalloc.start()
    t0 = time.perf_counter()
    design = Design(df, weights="w", strata="stratum", cluster="cluster")
    t1 = time.perf_counter()
    res = design.mean("y", by="domain")
    t2 = time.perf_counter()
    traced_peak = tracemalloc.get_traced_memory()[1] if args.tracemalloc else None
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    if args.save:
        np.savez(args.save, domain=res["domain"].to_numpy(), estimate=res["estimate"].to_numpy(),
                 se=res["se"].to_numpy())
    print(json.dumps({
        "design_s": t1 - t0,
        "mean_by_s": t2 - t1,
        "rss_before": rss_before,
        "rss_peak": rss_after,
        "traced_peak": traced_peak,
        "n_domains_out": len(res),
        "degf": design.degf,
    }))


PEER_SCRIPT = textwrap.dedent(
    """
    import json, sys, time, warnings
    import numpy as np
    warnings.simplefilter("ignore")
    from samplics.estimation import TaylorEstimator
    from samplics.utils.types import PopParam
    data = np.load(sys.argv[1])
    ok = ~np.isnan(data["y"])
    t0 = time.perf_counter()
    est = TaylorEstimator(PopParam.mean)
    est.estimate(y=data["y"][ok], samp_weight=data["w"][ok], stratum=data["stratum"][ok],
                 psu=data["cluster"][ok], domain=data["domain"][ok])
    secs = time.perf_counter() - t0
    doms = np.array(sorted(est.point_est))
    np.savez(sys.argv[2], domain=doms,
             estimate=np.array([est.point_est[d] for d in doms], dtype=float),
             se=np.array([est.stderror[d] for d in doms], dtype=float))
    print(json.dumps({"seconds": secs}))
    """
)


def _run_worker(n: int, clusters: int, strata: int, domains: int, *, trace: bool,
                save: str | None = None) -> dict:
    cmd = [sys.executable, __file__, "--worker", "--n", str(n), "--clusters", str(clusters),
           "--strata", str(strata), "--domains", str(domains)]
    if trace:
        cmd.append("--tracemalloc")
    if save:
        cmd += ["--save", save]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--clusters", type=int, default=40_000)
    p.add_argument("--strata", type=int, default=2_000)
    p.add_argument("--domains", type=int, default=40_000)
    p.add_argument("--repeat", type=int, default=3, help="timing runs (best is reported)")
    p.add_argument("--peer", action="store_true", help="compare with samplics")
    p.add_argument("--peer-python", default="/tmp/benchvenv/bin/python")
    p.add_argument("--peer-n", type=int, default=100_000)
    p.add_argument("--peer-domains", type=int, default=4_000)
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--tracemalloc", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--save", default=None, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        _worker(args)
        return

    print(f"ruralkit.survey: {args.n:,} respondents, {args.clusters:,} clusters, "
          f"{args.strata:,} strata, {args.domains:,} domains")
    runs = [_run_worker(args.n, args.clusters, args.strata, args.domains, trace=False)
            for _ in range(args.repeat)]
    best = min(r["mean_by_s"] for r in runs)
    design_s = min(r["design_s"] for r in runs)
    rss_peak = max(r["rss_peak"] for r in runs)
    rss_before = min(r["rss_before"] for r in runs)
    traced = _run_worker(args.n, args.clusters, args.strata, args.domains, trace=True)
    print(f"  Design(...)              : {design_s:.3f} s (best of {args.repeat})")
    print(f"  .mean('y', by='domain')  : {best:.3f} s (best of {args.repeat}; "
          f"all: {', '.join(format(r['mean_by_s'], '.3f') for r in runs)})")
    print(f"  Design + mean            : {design_s + best:.3f} s")
    print(f"  peak RSS of the process  : {rss_peak / 2**20:.0f} MiB "
          f"(data alone: {rss_before / 2**20:.0f} MiB; "
          f"added by Design + mean: {(rss_peak - rss_before) / 2**20:.0f} MiB)")
    print(f"  tracemalloc peak (Design + mean): {traced['traced_peak'] / 2**20:.0f} MiB")
    print(f"  domains estimated: {runs[0]['n_domains_out']:,}; degf = {runs[0]['degf']:,}")
    ok_time = design_s + best < 2.0
    ok_mem = rss_peak < 2**30
    print(f"  target < 2 s : {'met' if ok_time else 'NOT met'};  "
          f"target < 1 GB: {'met' if ok_mem else 'NOT met'}")

    if not args.peer:
        return
    n, n_dom = args.peer_n, args.peer_domains
    clusters = max(n // 25, 2)
    strata = max(clusters // 20, 1)
    print(f"\npeer comparison with samplics: {n:,} respondents, {clusters:,} clusters, "
          f"{strata:,} strata, {n_dom:,} domains")
    with tempfile.TemporaryDirectory() as tmp:
        data_file = Path(tmp) / "data.npz"
        np.savez(data_file, **synthesise(n, clusters, strata, n_dom))
        ours_file = str(Path(tmp) / "ours.npz")
        ours = [_run_worker(n, clusters, strata, n_dom, trace=False, save=ours_file)
                for _ in range(args.repeat)]
        ours_s = min(r["design_s"] + r["mean_by_s"] for r in ours)
        script = Path(tmp) / "peer.py"
        script.write_text(PEER_SCRIPT)
        peer_file = str(Path(tmp) / "peer.npz")
        try:
            out = subprocess.run([args.peer_python, str(script), str(data_file), peer_file],
                                 check=True, capture_output=True, text=True)
        except (OSError, subprocess.CalledProcessError) as exc:
            err = getattr(exc, "stderr", "") or str(exc)
            print(f"  samplics could not run with {args.peer_python}: {err.strip()[-500:]}")
            return
        peer_s = json.loads(out.stdout.strip().splitlines()[-1])["seconds"]
        a, b = np.load(ours_file), np.load(peer_file)
        same_domains = np.array_equal(a["domain"], b["domain"])
        print(f"  ruralkit Design + mean(by=domain): {ours_s:.3f} s")
        print(f"  samplics TaylorEstimator(mean, domain=): {peer_s:.1f} s")
        print(f"  ratio samplics / ruralkit: {peer_s / ours_s:,.0f}x")
        if same_domains:
            d_est = np.max(np.abs(a["estimate"] - b["estimate"]))
            d_se = np.max(np.abs(a["se"] - b["se"]))
            rel_se = np.max(np.abs(a["se"] - b["se"]) / b["se"])
            print(f"  max |estimate diff| = {d_est:.3g}; max |SE diff| = {d_se:.3g} "
                  f"(max relative SE diff {rel_se:.3g}) over {len(a['domain']):,} domains")
        else:
            print("  the two tools returned different domain sets; no comparison")


if __name__ == "__main__":
    main()
