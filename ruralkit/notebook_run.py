"""Re-execute notebooks in place, deterministically (``make notebooks``).

Each notebook runs top to bottom in a fresh kernel of the current Python, in
its own folder, with a fixed hash seed; execution counts restart at 1 and no
timing metadata is stored, so re-running an unchanged notebook rewrites the
same file. nbval then compares these stored outputs in ``make test``.

Usage::

    python -m ruralkit.notebook_run notebooks/*.ipynb
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

#: Environment for every notebook kernel: fixed hashing, no GUI, English.
KERNEL_ENV = {"PYTHONHASHSEED": "0", "MPLBACKEND": "module://matplotlib_inline.backend_inline"}


def execute_in_place(path: str | Path, *, timeout: int = 600) -> float:
    """Execute one notebook and write it back with its new outputs.

    Returns the seconds taken. Raises ``nbclient.exceptions.CellExecutionError``
    (naming the cell) when a cell fails; the file is then left unchanged.
    """
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    env = {**os.environ, **KERNEL_ENV}
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        env=env,
    )
    start = time.perf_counter()
    client.execute(env=env)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    text = nbformat.writes(nb) + "\n"
    path.write_text(text, encoding="utf-8")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ruralkit.notebook_run",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="notebooks to re-execute")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    for i, path in enumerate(args.paths, 1):
        print(f"[{i}/{len(args.paths)}] {path} ...", end=" ", flush=True)
        seconds = execute_in_place(path, timeout=args.timeout)
        print(f"{seconds:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
