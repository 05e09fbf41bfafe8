"""ruralkit: data for decisions in rural governance (乡村治理数据工具包).

Load the fictional Qingshan County (青山县) and analyse trust surveys, mediated
disputes and household income.

Examples
--------
>>> import ruralkit as rk
>>> villages = rk.load_villages()
>>> len(villages)
60
>>> rk.set_language("zh")   # labels, messages and errors in Chinese
>>> rk.set_language("en")
"""

from __future__ import annotations

from .datasets import (
    codebook,
    get_variant,
    list_datasets,
    load_disputes,
    load_households,
    load_trust_survey,
    load_villages,
    set_variant,
)
from .i18n import get_language, set_language

__version__ = "0.1.0"

# Submodules that import matplotlib, scikit-learn or statsmodels load on first
# use, so `import ruralkit` stays fast (see benchmarks/bench_import.py).
_LAZY_MODULES = ("plots", "synth", "survey", "exercises", "datasets", "i18n")


def __getattr__(name: str):
    if name in _LAZY_MODULES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'ruralkit' has no attribute {name!r}")

__all__ = [
    "codebook",
    "get_language",
    "get_variant",
    "list_datasets",
    "load_disputes",
    "load_households",
    "load_trust_survey",
    "load_villages",
    "set_language",
    "set_variant",
]
