"""The cells the grader adds to a graded copy (never to the submission) and runs in its kernel.

:data:`PRELUDE_CELL`
    runs first: ``exit()`` and ``quit()`` must not end the graded run early.
:data:`PROBE_CELL`
    after an interrupted cell: is the kernel listening again?
:func:`export_cell`
    runs last: hands the answer variables over to the grader, through a file
    only this grading run's token opens (see ``ruralkit.exercises.answers``).
:func:`prelude_cell`, :func:`notebook_mode`
    an assessment notebook (metadata ``ruralkit.mode = "assessment"``) runs in a
    kernel switched to assessment mode, and hands its answers over without the set
    module ever being imported there.

Examples
--------
>>> source = export_cell("00", out="/tmp/answers.json", token="abc")
>>> compile(source, "<export>", "exec") is not None
True
>>> "export_answers('00'," in source
True
>>> "export_listed([{'var': 'villages'" in export_cell("00", out="a", token="t", mode="assessment")
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ruralkit.exercises import get_set
from ruralkit.exercises.answers import listed_entries
from ruralkit.exercises.mode import ASSESSMENT, PRACTICE

__all__ = ["PRELUDE_CELL", "PROBE_CELL", "export_cell", "notebook_mode", "prelude_cell"]

PRELUDE_CELL = """\
# ruralkit grader prelude: exit() and quit() must not end the graded run early.
get_ipython().ask_exit = lambda: None
"""

_ASSESSMENT_PRELUDE = """\
# ruralkit grader prelude, assessment: the kit computes no answers, hints or solutions here.
import os as _ruralkit_os
_ruralkit_os.environ["RURALKIT_MODE"] = "assessment"
del _ruralkit_os
"""

PROBE_CELL = "None  # ruralkit grader: is the kernel listening again?"

_EXPORT_CELL = '''\
# ruralkit grader: added to the graded copy only, never to the submission.
def _ruralkit_export_():
    import sys
    for _m in [m for m in list(sys.modules) if m == "ruralkit" or m.startswith("ruralkit.")]:
        del sys.modules[_m]  # fresh copies of the code that reads the answers
    from IPython import get_ipython
    from ruralkit.exercises.answers import {function}
    {function}({what}, get_ipython().user_ns, out={out!r}, token={token!r})
_ruralkit_export_()
'''


def notebook_mode(notebook: Mapping[str, Any]) -> str:
    """``"assessment"`` when the notebook's metadata says ``ruralkit.mode = "assessment"``,
    else ``"practice"``.

    >>> notebook_mode({"metadata": {"ruralkit": {"mode": "assessment"}}})
    'assessment'
    >>> notebook_mode({"metadata": {"ruralkit": "odd"}})
    'practice'
    """
    meta = notebook.get("metadata") if isinstance(notebook, Mapping) else None
    kit = meta.get("ruralkit") if isinstance(meta, Mapping) else None
    mode = kit.get("mode") if isinstance(kit, Mapping) else None
    return ASSESSMENT if mode == ASSESSMENT else PRACTICE


def prelude_cell(mode: str = PRACTICE) -> str:
    """The first cell; in an assessment, it also switches the kernel to assessment mode."""
    return PRELUDE_CELL + (_ASSESSMENT_PRELUDE if mode == ASSESSMENT else "")


def export_cell(set_key: str, *, out: str, token: str, mode: str = PRACTICE) -> str:
    """The source of the last cell: write set ``set_key``'s answers to ``out``.

    In an assessment, the cell lists the answer variables itself (see
    :func:`ruralkit.exercises.answers.listed_entries`): the kernel never imports the
    set module, which holds the expected answers.
    """
    if mode == ASSESSMENT:
        entries = listed_entries(get_set(set_key))
        return _EXPORT_CELL.format(function="export_listed", what=repr(entries), out=out,
                                   token=token)
    return _EXPORT_CELL.format(function="export_answers", what=repr(set_key), out=out,
                               token=token)
