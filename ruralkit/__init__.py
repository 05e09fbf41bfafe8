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

import importlib
from typing import TYPE_CHECKING

from .i18n import get_language as get_language
from .i18n import set_language as set_language

__version__ = "0.1.0"

# Names re-exported from submodules, loaded on first use so that
# `import ruralkit` stays fast: pandas, matplotlib, scikit-learn and statsmodels
# are imported only when a function needs them (benchmarks/bench_import.py).
_EXPORTS = {
    "codebook": "datasets",
    "get_variant": "datasets",
    "labelled": "labels",
    "list_datasets": "datasets",
    "load_disputes": "datasets",
    "load_households": "datasets",
    "load_trust_survey": "datasets",
    "load_villages": "datasets",
    "set_variant": "datasets",
    "survey_design": "survey",
}
_SUBMODULES = ("datasets", "disputes", "exercises", "i18n", "income", "labels", "plots", "survey",
               "synth")

__all__ = sorted([*_EXPORTS, "get_language", "set_language"])

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .datasets import (  # noqa: F401
        codebook,
        get_variant,
        list_datasets,
        load_disputes,
        load_households,
        load_trust_survey,
        load_villages,
        set_variant,
    )
    from .labels import labelled  # noqa: F401
    from .survey import survey_design  # noqa: F401


def __getattr__(name: str):
    if name in _EXPORTS:
        module = importlib.import_module(f"{__name__}.{_EXPORTS[name]}")
        value = getattr(module, name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'ruralkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS, *_SUBMODULES])
