"""The errors raised by :mod:`ruralkit.survey`, each a catalogue message in English and Chinese.

Every error is built with ``SomeError.of("survey.key", **fields)`` so that its
text comes from ``ruralkit/i18n/locale/zh/LC_MESSAGES/survey.po`` and follows
:func:`ruralkit.set_language`; ``error.msg`` keeps the message in both languages.
"""

from __future__ import annotations

from typing import Any

from ..i18n import Msg, RuralkitError, message

__all__ = [
    "ColumnNotFoundError",
    "DataChangedError",
    "DesignError",
    "LonelyPSUError",
    "NonNumericColumnError",
    "SurveyError",
    "SurveyTypeError",
    "WeightError",
]


class SurveyError(RuralkitError):
    """Base class for the errors raised by :mod:`ruralkit.survey` (a ``ValueError``)."""


class ColumnNotFoundError(SurveyError):
    """A column named in a call is not in the data."""


class WeightError(SurveyError):
    """The weights column has missing, negative or non-numeric values."""


class LonelyPSUError(SurveyError):
    """A stratum has only one PSU, so its variance cannot be estimated."""


class DesignError(SurveyError):
    """The design columns are inconsistent (missing values, fpc, nesting)."""


class DataChangedError(SurveyError):
    """The rows or design columns of a Design's table changed after it was built."""


class SurveyTypeError(TypeError):
    """An argument of the wrong type (a column where a name was expected, ...)."""

    msg: Msg

    @classmethod
    def of(cls, key: str, /, **fields: Any) -> SurveyTypeError:
        """The error for catalogue message ``key``, in the current language."""
        error = cls(message(key, **fields))
        error.msg = Msg(key, **fields)
        return error


class NonNumericColumnError(SurveyTypeError):
    """A text column was passed where numbers are needed."""
