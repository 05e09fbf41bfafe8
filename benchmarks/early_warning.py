"""Benchmark of ``ruralkit.disputes.early_warning`` (R surveillance's farringtonFlexible).

Sizes: ``--villages`` series of ``--months`` monthly counts (Poisson, seasonal,
a few planted outbreaks), the last month judged (``--judge`` months with more).
Each size runs in a fresh subprocess so that its peak RSS
(``resource.getrusage``) belongs to that run alone; ``--traced`` adds the peak
of traced allocations (``tracemalloc``, numpy's arrays included). Wall and CPU
seconds are printed with the load average: on a shared machine the CPU time
is the steadier figure.

Naive way (``--loop``): the same algorithm (farrington preset) written as a
Python loop over series with one statsmodels ``GLM`` fit per model, as one
would port R's code: quasi-Poisson fit, Anscombe residuals from statsmodels'
hat values, reweighted fit, the trend's t test, a refit without trend. It is
timed on ``--loop-sample`` series and scaled up to the full number; its upper
bounds are compared with ours on the sample (the largest relative difference
is printed), so the loop is also a second implementation of the statistics.

Targets (printed, never asserted): 40,000 villages x 120 months in under 10 s
and at least 100x faster than the loop; 500,000 x 120 in under 60 s.

Usage::

    python benchmarks/early_warning.py                     # 40,000 and 500,000
    python benchmarks/early_warning.py --sizes 40000 --loop
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def synthesise(n_series: int, n_months: int, seed: int = 2024):
    import pandas as pd

    rng = np.random.default_rng(seed)
    t = np.arange(n_months)
    level = rng.gamma(2.0, 1.5, n_series)[:, None]  # villages differ in size
    mu = level * np.exp(0.4 * np.sin(2 * np.pi * t / 12))[None, :]
    y = rng.poisson(mu).astype(np.int32)
    hit = rng.random(n_series) < 0.02  # 2% of villages with an outbreak this month
    y[hit, -1] += rng.poisson(8, hit.sum()).astype(np.int32)
    start = pd.Period("2015-01", freq="M").ordinal
    months = pd.PeriodIndex.from_ordinals(np.tile(start + t, n_series), freq="M")
    return pd.DataFrame({"village_id": np.repeat(np.arange(n_series, dtype=np.int32), n_months),
                         "month": months, "cases": y.ravel()})


def _naive_one(y: np.ndarray, k: int):
    """farrington preset for one series at 0-based month k, with statsmodels GLMs."""
    import statsmodels.api as sm
    from scipy import stats

    idx = np.array([k - 12 * i + d for i in range(1, 6) for d in range(-3, 4)])
    yy, tt = y[idx].astype(float), idx.astype(float)

    def fit(trend: bool):
        x = np.column_stack([np.ones_like(tt), tt]) if trend else np.ones((len(tt), 1))
        m = sm.GLM(yy, x, family=sm.families.Poisson()).fit(scale="X2")
        phi = max(m.scale, 1.0)
        h = m.get_influence().hat_matrix_diag
        mu = m.fittedvalues
        s = 1.5 * (yy ** (2 / 3) * mu ** (-1 / 6) - mu**0.5) / np.sqrt(phi * (1 - h))
        inv = np.where(s > 1, s**-2.0, 1.0)
        omega = len(s) * inv / inv.sum()
        m2 = sm.GLM(yy, x, family=sm.families.Poisson(), var_weights=omega).fit(scale="X2")
        mu2 = m2.fittedvalues
        phi2 = max(m2.scale, 1.0)
        disp = (omega * ((yy - mu2) / mu2) ** 2).sum() / m2.df_resid  # R's summary.glm here
        cov = m2.cov_params() / m2.scale * disp
        return m2, phi2, cov

    x0 = np.array([1.0, float(k)])
    m, phi, cov = fit(True)
    tval = m.params[1] / np.sqrt(cov[1, 1])
    p = 2 * stats.t.sf(abs(tval), m.df_resid)
    if not (p < 0.05 and np.exp(x0 @ m.params) <= yy.max()):
        m, phi, cov = fit(False)
        x0 = x0[:1]
    eta = x0 @ m.params
    mu0 = np.exp(eta)
    se = np.sqrt(x0 @ cov @ x0) * mu0
    tau = phi + se**2 / mu0
    sd = np.sqrt(4 / 9 * mu0 ** (1 / 3) * tau)
    return (mu0 ** (2 / 3) + stats.norm.ppf(0.95) * sd) ** 1.5


class _RssSampler:
    """Peak resident memory during a call: /proc/self/statm read every 20 ms (Linux)."""

    def __init__(self) -> None:
        import os
        import threading

        self._page = os.sysconf("SC_PAGE_SIZE") / 2**20
        self.before = self.peak = self._now()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _now(self) -> float:
        try:
            return int(Path("/proc/self/statm").read_text().split()[1]) * self._page
        except OSError:
            return float("nan")

    def _run(self) -> None:
        while not self._done.wait(0.02):
            self.peak = max(self.peak, self._now())

    def stop(self) -> tuple[float, float]:
        self._done.set()
        self._thread.join()
        return max(self.peak, self._now()), self.before


def _naive_or_nan(y: np.ndarray, k: int) -> float:
    try:
        return float(_naive_one(y, k))
    except Exception:  # statsmodels refuses some all-zero baselines
        return float("nan")


def _worker(args: argparse.Namespace) -> None:
    import resource
    import tracemalloc

    sys.path.insert(0, str(ROOT))
    from ruralkit.disputes import early_warning

    counts = synthesise(args.worker, args.months)
    judged = counts["month"].iloc[args.months - args.judge: args.months]
    if args.traced:
        tracemalloc.start()
    rss = _RssSampler()
    start, cpu = time.perf_counter(), time.process_time()
    out = early_warning(counts, method=args.method, evaluate=judged)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    call_peak, before = rss.stop()
    traced = tracemalloc.get_traced_memory()[1] if args.traced else float("nan")
    tracemalloc.stop()
    result = {"series": args.worker, "months": args.months, "judge": args.judge,
              "method": args.method, "seconds": seconds, "cpu": cpu, "traced_mib": traced / 2**20,
              "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
              "call_peak_rss_mib": call_peak, "rss_before_mib": before,
              "alarms": int(out["alarm"].sum()), "rows": len(out),
              "input_mib": counts.memory_usage(deep=True).sum() / 2**20}
    if args.loop:
        sample = min(args.loop_sample, args.worker)
        y = counts["cases"].to_numpy().reshape(args.worker, args.months)[:sample]
        start, cpu = time.perf_counter(), time.process_time()
        naive = np.array([_naive_or_nan(row, args.months - 1) for row in y])
        result["loop_seconds_sample"] = time.perf_counter() - start
        result["loop_cpu_sample"] = time.process_time() - cpu
        result["loop_sample"] = sample
        ours = out[out["month"] == judged.iloc[-1]]["upperbound"].to_numpy()[:sample]
        fine = ~np.isnan(ours) & ~np.isnan(naive)
        result["loop_failed"] = int(np.isnan(naive).sum())
        result["loop_max_rel_diff"] = float(np.max(np.abs(naive[fine] / ours[fine] - 1)))
    print(json.dumps(result))


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:  # not Linux
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[40_000, 500_000])
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--judge", type=int, default=1)
    parser.add_argument("--method", default="farrington")
    parser.add_argument("--loop", action="store_true", help="time the statsmodels loop")
    parser.add_argument("--loop-sample", type=int, default=200)
    parser.add_argument("--traced", action="store_true",
                        help="also trace allocations (tracemalloc; slows the run)")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args)
        return
    for size in args.sizes:
        cmd = [sys.executable, __file__, "--worker", str(size), "--months", str(args.months),
               "--judge", str(args.judge), "--method", args.method,
               "--loop-sample", str(args.loop_sample)]
        if args.loop and size <= 100_000:
            cmd.append("--loop")
        if args.traced:
            cmd.append("--traced")
        r = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        line = (f"{r['series']:>9,} series x {r['months']} months, {r['method']}, "
                f"{r['judge']} month(s) judged: {r['seconds']:.2f} s (CPU {r['cpu']:.2f} s), "
                f"RSS during the call {r['rss_before_mib']:,.0f} -> peak "
                f"{r['call_peak_rss_mib']:,.0f} MiB (process peak {r['peak_rss_mib']:,.0f} MiB"
                f", traced {r['traced_mib']:,.0f} MiB), input table {r['input_mib']:,.0f} MiB"
                f", {r['alarms']:,} alarms")
        print(line + f" [load average {_load()}]")
        if "loop_seconds_sample" in r:
            scaled = r["loop_seconds_sample"] / r["loop_sample"] * r["series"] * r["judge"]
            scaled_cpu = r["loop_cpu_sample"] / r["loop_sample"] * r["series"] * r["judge"]
            print(f"    statsmodels loop: {r['loop_seconds_sample']:.2f} s (CPU "
                  f"{r['loop_cpu_sample']:.2f} s) for {r['loop_sample']} series -> "
                  f"{scaled:,.0f} s (CPU {scaled_cpu:,.0f} s) for all; ratio "
                  f"{scaled / r['seconds']:,.0f}x (CPU {scaled_cpu / r['cpu']:,.0f}x); "
                  f"max rel. diff of upper bounds {r['loop_max_rel_diff']:.1e} "
                  f"({r['loop_failed']} series statsmodels could not fit)")


if __name__ == "__main__":
    main()
