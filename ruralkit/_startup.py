"""Start-up of the kit's short-lived command processes (the ``ruralkit`` command, grading workers).

A leaf module (standard library only), so that the command line and the grading
worker can both use it before anything heavy is imported.

Examples
--------
>>> import sys
>>> skip_slow_optional_imports()  # doctest: +SKIP
>>> sys.modules["rfc3987_syntax"] is None  # doctest: +SKIP
True
"""

from __future__ import annotations

import sys

__all__ = ["skip_slow_optional_imports"]


def skip_slow_optional_imports() -> None:
    """Mark ``rfc3987_syntax`` unavailable in this process: ~2 s faster start.

    jsonschema (imported by nbformat) compiles ~40 grammars of that optional
    package at import, ~2 s per process; nbformat never uses the IRI formats it
    serves. Call it first thing in a short-lived process, never in a library
    function (it changes ``sys.modules`` for the whole process).
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
