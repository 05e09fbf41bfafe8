"""The cells the grader adds to a graded copy (never to the submission) and runs in its kernel.

:data:`PRELUDE_CELL`
    runs first: ``exit()`` and ``quit()`` must not end the graded run early.
:data:`PROBE_CELL`
    after an interrupted cell: is the kernel listening again?
:func:`export_cell`
    runs last: hands the answer variables over to the grader, through a file
    only this grading run's token opens (see ``ruralkit.exercises.answers``).

Examples
--------
>>> source = export_cell("00", out="/tmp/answers.json", token="abc")
>>> compile(source, "<export>", "exec") is not None
True
>>> "export_answers('00'," in source
True
"""

from __future__ import annotations

__all__ = ["PRELUDE_CELL", "PROBE_CELL", "export_cell"]

PRELUDE_CELL = """\
# ruralkit grader prelude: exit() and quit() must not end the graded run early.
get_ipython().ask_exit = lambda: None
"""

PROBE_CELL = "None  # ruralkit grader: is the kernel listening again?"

_EXPORT_CELL = '''\
# ruralkit grader: added to the graded copy only, never to the submission.
def _ruralkit_export_():
    import sys
    for _m in [m for m in list(sys.modules) if m == "ruralkit" or m.startswith("ruralkit.")]:
        del sys.modules[_m]  # fresh copies of the code that reads the answers
    from IPython import get_ipython
    from ruralkit.exercises.answers import export_answers
    export_answers({set_key!r}, get_ipython().user_ns, out={out!r}, token={token!r})
_ruralkit_export_()
'''


def export_cell(set_key: str, *, out: str, token: str) -> str:
    """The source of the last cell: write set ``set_key``'s answers to ``out``."""
    return _EXPORT_CELL.format(set_key=set_key, out=out, token=token)
