"""Generator speed and peak memory at 40,000 villages, against a naive loop.

Target: the four tables of a 40,000-village county (4,000 townships of 10) in
under 60 s on a 2-core machine, with memory in proportion to the rows made.
The naive way is the same generator called once per township in a Python
loop (as code that "works for one village" would be used); it is timed on a
sample of townships and scaled up.

    python benchmarks/bench_synth.py [--townships 4000] [--naive-sample 100]
"""

from __future__ import annotations

import argparse
import resource
import time

from ruralkit import synth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--townships", type=int, default=4000)
    parser.add_argument("--naive-sample", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    start = time.perf_counter()
    county = synth.generate(args.seed, n_townships=args.townships)
    seconds = time.perf_counter() - start
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    rows = {name: len(frame) for name, frame in county.items()}
    data_gb = sum(f.memory_usage(deep=True).sum() for f in county.values()) / 1024**3
    del county

    start = time.perf_counter()
    for t in range(args.naive_sample):
        synth.generate(args.seed + t, n_townships=1)
    naive = (time.perf_counter() - start) / args.naive_sample * args.townships

    n_villages = args.townships * 10
    print(f"villages                 {n_villages:,}")
    print("rows                     " + ", ".join(f"{k} {v:,}" for k, v in rows.items()))
    print(f"vectorised generate()    {seconds:6.1f} s   (target < 60 s: "
          f"{'met' if seconds < 60 else 'NOT met'})")
    print(f"naive loop per township  {naive:6.1f} s   (estimated from {args.naive_sample})")
    print(f"speed-up                 {naive / seconds:6.1f} x")
    print(f"peak memory (max RSS)    {peak_gb:6.2f} GB; tables themselves {data_gb:.2f} GB "
          f"(peak/tables = {peak_gb / data_gb:.1f})")


if __name__ == "__main__":
    main()
