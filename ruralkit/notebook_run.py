"""Run notebooks in place, deterministically (``make notebooks``, ``exercises build``).

Each notebook runs top to bottom in a fresh kernel of the current Python, in
its own folder, with a fixed hash seed; execution counts restart at 1, no
timing metadata is kept and the language metadata is reduced to its name, so
re-running an unchanged notebook rewrites the same bytes (on any Python 3.11+).
nbval then compares these stored outputs in ``make test``.

Usage::

    python -m ruralkit.notebook_run notebooks/*.ipynb
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: Environment for every notebook kernel: fixed hashing, inline figures, and no
#: progress bars (their timings would change the stored outputs at every run).
KERNEL_ENV = {"PYTHONHASHSEED": "0", "MPLBACKEND": "module://matplotlib_inline.backend_inline",
              "TQDM_DISABLE": "1"}


def kernel_env() -> dict[str, str]:
    """The environment a notebook kernel gets: ours, plus this package on the path.

    The package folder goes first on ``PYTHONPATH`` so that a kernel imports
    the same ``ruralkit`` as the process that started it.
    """
    env = {**os.environ, **KERNEL_ENV}
    package_root = str(Path(__file__).resolve().parent.parent)
    rest = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join([package_root, *rest])
    return env


def notebook_text(nb: Mapping[str, Any]) -> str:
    """Stable JSON text of a notebook, as Jupyter writes it (sorted keys, 1-space indent)."""
    import nbformat

    node = nbformat.from_dict(json.loads(json.dumps(nb)))
    text = nbformat.writes(node, version=4)
    return text if text.endswith("\n") else text + "\n"


def execute_in_place(path: str | Path, *, timeout: int = 600,
                     cwd: str | Path | None = None) -> float:
    """Execute one notebook and write it back with its new outputs.

    Returns the seconds taken. Raises ``nbclient.exceptions.CellExecutionError``
    when a cell fails, with a note "cell N of PATH"; the file is then left
    unchanged.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    env = kernel_env()
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd or path.parent)}},
        record_timing=False,
    )
    start = time.perf_counter()
    try:
        client.execute(env=env)
    except CellExecutionError as exc:
        failed = next((i for i, c in enumerate(nb.cells)
                       if any(o.get("output_type") == "error" for o in c.get("outputs", []))),
                      None)
        exc.add_note(f"cell {failed + 1 if failed is not None else '?'} of {path}")
        raise
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["language_info"] = {"name": "python"}  # no Python version: stable bytes
    text = notebook_text(nb)
    if path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8", newline="\n")
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
