"""How long `import ruralkit` takes, against `import pandas` in the same run.

Target: under 0.5 s. Each import runs in a fresh interpreter; the best of
``--repeat`` runs is reported (the least disturbed by other work on the machine).

    python benchmarks/bench_import.py
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

HEAVY = ("pandas", "matplotlib", "sklearn", "statsmodels", "scipy")


def best_of(code: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    bare = best_of("pass", args.repeat)
    ours = best_of("import ruralkit", args.repeat)
    pandas = best_of("import pandas", args.repeat)
    first_load = best_of("import ruralkit as rk; rk.load_villages()", args.repeat)
    loaded = subprocess.run(
        [sys.executable, "-c",
         f"import sys, ruralkit; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    print(f"python startup           {bare:6.3f} s")
    print(f"import ruralkit          {ours:6.3f} s   (target < 0.5 s: "
          f"{'met' if ours < 0.5 else 'NOT met'})")
    print(f"import pandas            {pandas:6.3f} s   ruralkit/pandas = {ours / pandas:.2f}")
    print(f"import + load_villages() {first_load:6.3f} s")
    print(f"heavy modules imported by `import ruralkit`: {loaded or 'none'}")


if __name__ == "__main__":
    main()
