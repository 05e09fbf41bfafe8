"""Disputes received by people's mediation: counts, seasons, trends and early warning.

Examples
--------
>>> from ruralkit.disputes import early_warning
>>> callable(early_warning)
True
"""

from __future__ import annotations

from .early_warning import early_warning

__all__ = ["early_warning"]
