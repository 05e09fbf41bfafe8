"""Seeded generator of Qingshan County (青山县), the kit's fictional county.

One seed gives one coherent county: villages, a trust survey, mediated disputes
and a household income panel, joined by ``village_id``. The planted truths
(levels, effects, seasons, events) live in :data:`GROUND_TRUTH`.

Examples
--------
>>> from ruralkit import synth
>>> county = synth.generate(seed=7)
>>> sorted(county)
['disputes', 'households', 'trust_survey', 'villages']
>>> len(county["villages"])
60
>>> big = synth.generate(seed=1, n_townships=40, tables=("villages",))
>>> len(big["villages"])
400
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ..i18n import Msg, RuralkitError
from ._progress import PROGRESS_MIN_VILLAGES, show_progress, stages
from .codebook import CODEBOOKS, codebook_frame
from .disputes import make_disputes
from .households import make_households
from .trust import make_trust_survey
from .truth import GROUND_TRUTH
from .villages import make_villages

__all__ = ["GROUND_TRUTH", "PROGRESS_MIN_VILLAGES", "TABLES", "generate", "write_tables",
           "check_tables", "expected_files", "to_csv_text"]

TABLES: tuple[str, ...] = ("villages", "trust_survey", "disputes", "households")
_MAKERS = {
    "trust_survey": make_trust_survey,
    "disputes": make_disputes,
    "households": make_households,
}


def generate(
    seed: int | None = None,
    *,
    n_townships: int | None = None,
    villages_per_township: int | None = None,
    tables: Iterable[str] = TABLES,
    progress: bool | None = None,
) -> dict[str, pd.DataFrame]:
    """Generate a county.

    Parameters
    ----------
    seed : int, optional
        Seed of the county. ``None`` gives the bundled county
        (``GROUND_TRUTH["county"]["seed"]``); other seeds give other, equally
        coherent counties (used for per-student variants).
    n_townships, villages_per_township : int, optional
        Size of the county; default 6 townships of 10 villages. The same code
        makes 40,000 villages for benchmarks.
    tables : iterable of str
        Which tables to make (``villages`` is always made).
    progress : bool, optional
        Show a progress bar over the tables being made (``tqdm.auto``: a
        widget in a notebook, text on standard error). ``None`` (default)
        shows it for counties of :data:`PROGRESS_MIN_VILLAGES` villages or more
        in a terminal or a notebook, and never under pytest or with
        ``TQDM_DISABLE=1``. The tables are the same either way.

    Returns
    -------
    dict of str to DataFrame
        The tables, keyed by name, in the form written to ``data/`` (codes, not
        labels; booleans as ``bool``).

    Examples
    --------
    >>> from ruralkit import synth
    >>> county = synth.generate(seed=7, tables=("disputes",), progress=False)
    >>> list(county)
    ['villages', 'disputes']
    """
    county = GROUND_TRUTH["county"]
    seed = county["seed"] if seed is None else int(seed)
    n_t = county["n_townships"] if n_townships is None else int(n_townships)
    v_t = county["villages_per_township"] if villages_per_township is None else int(
        villages_per_township
    )
    if n_t < 1 or v_t < 5:
        raise RuralkitError.of("synth.county_too_small", n_townships=n_t,
                               villages_per_township=v_t)
    wanted = list(tables)
    unknown = sorted(set(wanted) - set(TABLES))
    if unknown:
        raise RuralkitError.of("synth.unknown_tables", unknown=unknown, choices=list(TABLES))
    # One independent stream per table, so making one table never changes another.
    streams = dict(
        zip(TABLES, (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4)),
            strict=True)
    )
    villages, latent = None, None
    out: dict[str, pd.DataFrame] = {}
    steps = [name for name in TABLES if name == "villages" or name in wanted]
    show = show_progress(progress, n_villages=n_t * v_t)
    for name in stages(steps, show=show, desc=Msg("synth.progress")):
        if name == "villages":
            villages, latent = make_villages(streams["villages"], n_t, v_t)
            out[name] = villages
        else:
            out[name] = _MAKERS[name](streams[name], villages, latent)
    return out


def to_csv_text(frame: pd.DataFrame) -> str:
    """Serialise a generated table exactly as ``data/<table>.csv`` stores it."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == bool:
            out[col] = out[col].astype(np.int8)
    return out.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d")


def write_tables(out_dir: str | Path, *, seed: int | None = None) -> list[Path]:
    """Generate the county and write its tables, codebooks and datasheet.

    Returns the paths written. Writing is byte-for-byte reproducible.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in expected_files(seed).items():
        path = out_dir / name
        path.write_bytes(text.encode("utf-8"))
        written.append(path)
    return written


def expected_files(seed: int | None = None) -> dict[str, str]:
    """The text of every file in ``data/`` as the generator writes it."""
    from .datasheet import render_datasheet

    county = generate(seed)
    files = {f"{name}.csv": to_csv_text(county[name]) for name in TABLES}
    for name in CODEBOOKS:
        files[f"{name}_codebook.csv"] = codebook_frame(name).to_csv(
            index=False, lineterminator="\n"
        )
    files["README.md"] = render_datasheet(county)
    return files


def check_tables(data_dir: str | Path) -> list[str]:
    """Compare the files in ``data_dir`` with what the generator writes.

    Returns the names of files that are missing or differ (empty if all match).
    """
    data_dir = Path(data_dir)
    differ = []
    for name, text in expected_files(None).items():
        path = data_dir / name
        if not path.exists() or path.read_bytes() != text.encode("utf-8"):
            differ.append(name)
    return differ
