"""Entry point of a grading worker process: ``python -m ruralkit.exercises._worker SPEC``.

One worker runs one submission copy in a fresh kernel (see
:func:`ruralkit.grading.grade`); it is started by the grader, never by hand.
"""

from __future__ import annotations

import sys


def _skip_slow_optional_imports() -> None:
    """jsonschema (imported by nbformat) compiles ~40 grammars of the optional
    ``rfc3987_syntax`` package at import, ~2.5 s per process; nbformat never uses
    the IRI formats it serves. Mark it unavailable in this short-lived process."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


if __name__ == "__main__":
    _skip_slow_optional_imports()
    from ruralkit.grading import _worker_main

    sys.exit(_worker_main(sys.argv[1]))
