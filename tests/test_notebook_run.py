"""ruralkit.notebook_run: the environment of notebook kernels keeps stored outputs stable."""

from __future__ import annotations

import subprocess
import sys

from ruralkit.notebook_run import kernel_env


def test_kernels_show_no_progress_bars():
    """tqdm reads TQDM_DISABLE when it is imported: a kernel started with this
    environment draws no bar, so no timings land in the stored outputs."""
    env = kernel_env()
    assert env["TQDM_DISABLE"] == "1"
    code = "from tqdm.auto import tqdm\nassert list(tqdm(range(3))) == [0, 1, 2]"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and done.stdout == ""
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           timeout=60, check=False,
                           env={k: v for k, v in env.items() if k != "TQDM_DISABLE"})
    assert "3/3" in shown.stderr  # the same bar without the setting: the test can fail
