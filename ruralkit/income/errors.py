"""The errors and warnings of :mod:`ruralkit.income`: catalogue messages in English and Chinese.

Texts live in ``ruralkit/i18n/locale/zh/LC_MESSAGES/income.po`` and follow
:func:`ruralkit.set_language`; ``error.msg`` keeps the message in both languages.
"""

from __future__ import annotations

import warnings
from typing import Any

from ..i18n import Msg, RuralkitError

__all__ = ["FewClustersWarning", "IncomeError", "warn"]


class IncomeError(RuralkitError):
    """A problem with the data or the call that the user can fix (a ``ValueError``)."""


class FewClustersWarning(UserWarning):
    """Too few clusters for cluster-robust standard errors to be trusted."""


def warn(category: type[Warning], key: str, /, stacklevel: int = 3, **fields: Any) -> None:
    """Issue catalogue message ``key`` as a warning of ``category``."""
    warnings.warn(Msg(key, **fields).render(), category, stacklevel=stacklevel)
