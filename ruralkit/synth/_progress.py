"""Progress of the generator's stages through ``tqdm.auto``: on when asked, or for a
large county in a terminal or a notebook; never in tests or reproducible runs.

A bar is written to standard error only (a widget in a notebook with ipywidgets,
text otherwise), never into the tables, so the data are the same with or without it.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterable, Iterator
from typing import TypeVar

from ..i18n import Msg

#: With ``progress=None``, counties of at least this many villages show their
#: progress in an interactive session (about 2 s of work on a laptop).
PROGRESS_MIN_VILLAGES = 5_000

_T = TypeVar("_T")


def interactive() -> bool:
    """True in a Jupyter kernel or when standard error is a terminal."""
    try:
        if sys.stderr is not None and sys.stderr.isatty():
            return True
    except (AttributeError, ValueError):  # a replaced or closed stream
        pass
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def _quiet_run() -> bool:
    """A run whose output must not change: under pytest (nbval kernels included), or
    with tqdm switched off by ``TQDM_DISABLE`` (set for notebook kernels by
    :mod:`ruralkit.notebook_run`)."""
    disabled = os.environ.get("TQDM_DISABLE", "").strip().lower() not in ("", "0", "false")
    return disabled or "PYTEST_CURRENT_TEST" in os.environ


def show_progress(progress: bool | None, *, n_villages: int) -> bool:
    """Whether to show a bar: ``progress`` if given, else only for a large county
    (:data:`PROGRESS_MIN_VILLAGES`) in an interactive session that is not a test.

    Examples
    --------
    >>> show_progress(True, n_villages=60), show_progress(False, n_villages=10**6)
    (True, False)
    >>> show_progress(None, n_villages=60)
    False
    """
    if progress is not None:
        return bool(progress)
    return n_villages >= PROGRESS_MIN_VILLAGES and not _quiet_run() and interactive()


def stages(names: Iterable[_T], *, show: bool, desc: Msg) -> Iterator[_T]:
    """Yield ``names`` one by one; with ``show``, a bar counts them, naming the current one.

    Examples
    --------
    >>> from ruralkit.i18n import Msg
    >>> list(stages(["villages", "disputes"], show=False, desc=Msg("synth.progress")))
    ['villages', 'disputes']
    """
    names = list(names)
    if not show:
        yield from names
        return
    with warnings.catch_warnings():
        # In a notebook without ipywidgets tqdm.auto falls back to a text bar, and says so.
        warnings.filterwarnings("ignore", message=".*IProgress not found")
        from tqdm.auto import tqdm
    with tqdm(total=len(names), desc=str(desc), unit="table", file=sys.stderr) as bar:
        for name in names:
            bar.set_postfix_str(str(name))
            yield name
            bar.update(1)
