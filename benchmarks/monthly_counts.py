"""Benchmark of ``ruralkit.disputes.monthly_counts``: a national year of cases from Parquet.

Writes ``--rows`` synthetic case rows (default 15,000,000: about one national year of
people's mediation) for ``--villages`` villages (default 500,000) to a Parquet file,
then counts cases per village and month twice, each in a fresh subprocess so that
its peak memory (``resource.getrusage`` max RSS) is its own:

* ``duckdb``: ``monthly_counts(path)``: DuckDB reads the file and only the counts
  (villages x 12 months) come back to pandas;
* ``pandas``: the naive way, ``pd.read_parquet(path)`` then ``monthly_counts(frame)``
  (which also runs ``check_cases`` on every row).

It prints each time and peak memory, their ratios, and checks that the two tables
are equal. Nothing is asserted about time.

Usage::

    python benchmarks/monthly_counts.py                 # 15 million rows
    python benchmarks/monthly_counts.py --rows 1000000  # a quick look
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TYPES = ["neighbour", "land_contract", "family", "damages", "requisition", "homestead",
         "water", "wage_arrears", "other"]


def write_cases(path: Path, rows: int, villages: int, seed: int = 2024,
                chunk: int = 2_500_000) -> None:
    """Cases of one year (2024) in ``villages`` villages, written chunk by chunk."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    names = np.array([f"V{i:06d}" for i in range(villages)])
    towns = np.array([f"T{i // 10:05d}" for i in range(villages)])
    frailty = rng.gamma(2.0, 0.5, villages)
    p = frailty / frailty.sum()
    start = np.datetime64("2024-01-01")
    writer = None
    try:
        for first in range(0, rows, chunk):
            n = min(chunk, rows - first)
            v = rng.choice(villages, size=n, p=p)
            table = pa.table({
                "case_id": pa.array(np.arange(first, first + n) + 1),
                "date_received": pa.array(start + rng.integers(0, 366, n).astype("timedelta64[D]"),
                                          type=pa.date32()),
                "village_id": pa.array(names[v]).dictionary_encode(),
                "township_id": pa.array(towns[v]).dictionary_encode(),
                "dispute_type": pa.array(np.array(TYPES)[rng.integers(0, len(TYPES), n)])
                .dictionary_encode(),
            })
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()


WORKER = r"""
import json, resource, sys, time
import pandas as pd
sys.path.insert(0, {root!r})
from ruralkit.disputes import monthly_counts
path, how, out = sys.argv[1], sys.argv[2], sys.argv[3]
t0 = time.perf_counter()
if how == "duckdb":
    counts = monthly_counts(path)
else:
    frame = pd.read_parquet(path)
    frame["date_received"] = pd.to_datetime(frame["date_received"])
    counts = monthly_counts(frame)
seconds = time.perf_counter() - t0
counts.to_parquet(out)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({{"seconds": seconds, "peak_rss": rss, "rows_out": len(counts)}}))
"""


def measure(path: Path, how: str, out: Path) -> dict:
    code = WORKER.format(root=str(ROOT))
    done = subprocess.run([sys.executable, "-c", code, str(path), how, str(out)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=15_000_000)
    parser.add_argument("--villages", type=int, default=500_000)
    args = parser.parse_args()
    import pandas as pd

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cases.parquet"
        t0 = time.perf_counter()
        write_cases(path, args.rows, args.villages)
        print(f"wrote {args.rows:,} cases, {args.villages:,} villages: "
              f"{path.stat().st_size / 2**20:.0f} MiB Parquet in {time.perf_counter() - t0:.1f} s")
        results = {how: measure(path, how, Path(tmp) / f"{how}.parquet")
                   for how in ("duckdb", "pandas")}
        # the same numbers (village_id is categorical, in the file's order, when pandas
        # reads the Parquet file: rows follow that order)
        tables = [pd.read_parquet(Path(tmp) / f"{how}.parquet").astype({"village_id": str})
                  .sort_values(["village_id", "month"], ignore_index=True)
                  for how in ("duckdb", "pandas")]
        same = tables[0].equals(tables[1])
    for how, r in results.items():
        print(f"{how:>7}: {r['seconds']:7.2f} s, peak RSS {r['peak_rss'] / 2**20:7.0f} MiB, "
              f"{r['rows_out']:,} rows out")
    d, p = results["duckdb"], results["pandas"]
    print(f"pandas / duckdb: time {p['seconds'] / d['seconds']:.1f}x, "
          f"peak memory {p['peak_rss'] / d['peak_rss']:.1f}x; same table: {same}")


if __name__ == "__main__":
    main()
