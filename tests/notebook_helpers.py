"""Run an exercise notebook in a fresh kernel and read what its checks printed."""

from __future__ import annotations

import re

from ruralkit.notebook_run import kernel_env


def run_notebook(path, cwd, timeout=120):
    """Execute the notebook at ``path`` (not saved) with ``cwd`` as its folder."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", allow_errors=False,
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute(env=kernel_env())
    return nb


def check_outputs(nb) -> dict[str, str]:
    """The text each ``qN.check()`` cell printed, by question label."""
    out = {}
    for cell in nb.cells:
        match = re.fullmatch(r"(q\d+)\.check\(\)", cell.source.strip())
        if match:
            texts = [o.get("data", {}).get("text/plain", "") for o in cell.outputs]
            out[match.group(1)] = "\n".join(texts)
    return out
