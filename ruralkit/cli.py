"""The ``ruralkit`` command.

::

    ruralkit data build [--seed N] [--out DIR]      write the county's CSV tables
    ruralkit data check [DIR]                        check the CSVs against the generator
    ruralkit exercises build [--check] [--execute]   masters -> student notebooks
    ruralkit exercises variants --roster roster.csv --set 00 --out DIR [--salt TEXT]
    ruralkit exercises grade SUBMISSION... --out gradebook.csv [--timeout 60]
                             [--cell-timeout 30] [--jobs N]

Every command returns 0 on success, 1 when a check fails and 2 on a usage
error; errors are one clear line on stderr, never a traceback. Console output
names students only by their id.

Examples
--------
>>> from ruralkit.cli import main
>>> main(["--version"]) == 0  # doctest: +SKIP
True
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ruralkit.i18n import RuralkitError

__all__ = ["main", "build_parser"]


def _err(text: str) -> None:
    print(f"ruralkit: {text}", file=sys.stderr)


# --------------------------------------------------------------------------- data
def _data_build(args: argparse.Namespace) -> int:
    try:
        from ruralkit import synth
    except ImportError as exc:  # pragma: no cover - synth ships with the package
        _err(f"the data generator is not available ({exc}).")
        return 1
    written = synth.write_tables(args.out, seed=args.seed)
    if written:
        for path in written if isinstance(written, list | tuple) else [written]:
            print(path)
    return 0


def _data_check(args: argparse.Namespace) -> int:
    from ruralkit import synth

    problems = synth.check_tables(args.dir)
    if problems:
        for problem in problems if isinstance(problems, list | tuple) else [problems]:
            print(problem)
        return 1
    print(f"{args.dir}: the tables match the generator.")
    return 0


# --------------------------------------------------------------------------- exercises
def _ex_build(args: argparse.Namespace) -> int:
    from ruralkit import grading

    if args.execute:
        for master in sorted(Path(args.source).glob("[0-9][0-9]_*.ipynb")):
            print(f"executing {master} ...", file=sys.stderr)
            grading.execute_notebook(master, timeout=args.timeout)
    results = grading.build(args.source, args.out, check=args.check)
    stale = [r for r in results if r.changed]
    for r in results:
        if args.check:
            state = "OUT OF DATE" if r.changed else "up to date"
        else:
            state = "written" if r.changed else "unchanged"
        print(f"{r.student}: {state}")
    if args.check and stale:
        _err(
            f"{len(stale)} student notebook(s) differ from a fresh build of their master; run "
            "`ruralkit exercises build` and commit the result."
        )
        return 1
    return 0


def _ex_variants(args: argparse.Namespace) -> int:
    from ruralkit import grading

    if args.salt == grading.DEFAULT_SALT:
        print(
            "note: using the default salt; pass --salt with a word of your own (e.g. the course "
            "name and term) so that seeds cannot be guessed from student ids.",
            file=sys.stderr,
        )
    rows = grading.make_variants(
        args.roster, set_key=args.set, out_dir=args.out, salt=args.salt,
        student_dir=args.exercises,
    )
    print(f"Wrote {len(rows)} notebooks to {args.out} (seeds in {Path(args.out) / 'seeds.csv'}).")
    return 0


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _ex_grade(args: argparse.Namespace) -> int:
    import signal
    import threading

    from ruralkit import grading

    saved = {}
    if threading.current_thread() is threading.main_thread():
        # `kill` (SIGTERM) stops grading as cleanly as Ctrl+C: workers and kernels are ended
        saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
        signal.signal(signal.SIGTERM, _raise_interrupt)
        if saved[signal.SIGINT] is signal.SIG_IGN:
            signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        results = grading.grade(
            args.submissions,
            out=args.out,
            timeout=args.timeout,
            cell_timeout=args.cell_timeout,
            jobs=args.jobs,
            set_key=args.set,
            language=args.language,
            hidden=not args.no_hidden,
            grader_timeout=args.grader_timeout,
            progress=not args.quiet,
        )
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    feedback = Path(args.out).with_name(Path(args.out).stem + "_feedback")
    print(f"Graded {len(results)} notebook(s): {summary}.")
    print(f"Gradebook: {args.out}; feedback files: {feedback}/")
    return 0


def _ex_list(args: argparse.Namespace) -> int:
    from ruralkit.exercises import get_set, list_sets

    for key in list_sets():
        s = get_set(key)
        print(f"{key}  {s.notebook:<24} {len(s.labels)} questions, "
              f"{s.max_points:g} points  {s.title.render('en')}")
    return 0


# --------------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ruralkit",
        description="ruralkit: county data, exercise notebooks and grading for rural "
        "governance training.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    data = commands.add_parser("data", help="build or check the bundled county tables")
    data_cmds = data.add_subparsers(dest="data_command", metavar="ACTION")
    d_build = data_cmds.add_parser("build", help="generate the county tables as CSV files")
    d_build.add_argument("--seed", type=int, default=None,
                         help="county seed (default: the bundled county)")
    d_build.add_argument("--out", default="data", help="output folder (default: data)")
    d_build.set_defaults(func=_data_build)
    d_check = data_cmds.add_parser("check", help="check CSV tables against the generator")
    d_check.add_argument("dir", nargs="?", default="data", help="folder (default: data)")
    d_check.set_defaults(func=_data_check)

    ex = commands.add_parser("exercises", help="build, vary and grade exercise notebooks")
    ex_cmds = ex.add_subparsers(dest="ex_command", metavar="ACTION")

    b = ex_cmds.add_parser("build", help="build student notebooks from the masters")
    b.add_argument("--source", default="exercises/source", help="master notebooks folder")
    b.add_argument("--out", default="exercises", help="student notebooks folder")
    b.add_argument("--check", action="store_true",
                   help="write nothing; fail if a student notebook is out of date")
    b.add_argument("--execute", action="store_true",
                   help="first re-run the masters and save their outputs")
    b.add_argument("--timeout", type=int, default=300, help="seconds per cell with --execute")
    b.set_defaults(func=_ex_build)

    v = ex_cmds.add_parser("variants", help="one notebook per student, each with its own data")
    v.add_argument("--roster", required=True,
                   help="CSV with columns student_id (or 学号) and name (or 姓名), "
                   "UTF-8 or GBK")
    v.add_argument("--set", default="00", help="exercise set number (default: 00)")
    v.add_argument("--out", required=True, help="output folder: OUT/<student_id>/...")
    v.add_argument("--salt", default="ruralkit",
                   help="course word mixed into every seed (use your own)")
    v.add_argument("--exercises", default="exercises",
                   help="folder of the built student notebooks (default: exercises)")
    v.set_defaults(func=_ex_variants)

    g = ex_cmds.add_parser("grade", help="grade submitted notebooks safely")
    g.add_argument("submissions", nargs="+", help="notebooks or folders of notebooks")
    g.add_argument("--out", default="gradebook.csv", help="gradebook CSV (default: gradebook.csv)")
    g.add_argument("--timeout", type=float, default=60,
                   help="seconds each notebook's cells may run altogether (default: 60)")
    g.add_argument("--cell-timeout", type=float, default=None,
                   help="seconds one cell may run before it is stopped and the next cells "
                   "run (default: 30, at most half of --timeout)")
    g.add_argument("--jobs", type=int, default=1, help="notebooks graded at once (default: 1)")
    g.add_argument("--set", default=None, help="exercise set, if the notebooks do not say")
    g.add_argument("--language", choices=["en", "zh"], default="en",
                   help="language of the feedback files")
    g.add_argument("--no-hidden", action="store_true", help="skip the hidden tests")
    g.add_argument("--grader-timeout", type=float, default=60,
                   help="seconds allowed for the checks themselves (default: 60)")
    g.add_argument("--quiet", action="store_true", help="no progress bar")
    g.set_defaults(func=_ex_grade)

    ls = ex_cmds.add_parser("list", help="list the exercise sets")
    ls.set_defaults(func=_ex_list)

    for sub, name in ((data, "data"), (ex, "exercises")):
        sub.set_defaults(func=None, _parser=sub, _name=name)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``ruralkit`` command; returns the exit code."""
    if __name__ == "__main__" or "ruralkit" in Path(sys.argv[0]).name:
        from ruralkit._startup import skip_slow_optional_imports

        skip_slow_optional_imports()  # a command-line process: ~2 s faster start
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage error
        return int(exc.code or 0)
    if args.version:
        from importlib.metadata import PackageNotFoundError, version

        try:
            print(version("ruralkit"))
        except PackageNotFoundError:
            print("ruralkit (not installed)")
        return 0
    func = getattr(args, "func", None)
    if func is None:
        sub = getattr(args, "_parser", parser)
        sub.print_help(sys.stderr)
        return 2
    try:
        return int(func(args) or 0)
    except RuralkitError as exc:
        _err(str(exc))
        return 1
    except (FileNotFoundError, PermissionError) as exc:
        _err(f"{exc.strerror}: {exc.filename}")
        return 1
    except KeyboardInterrupt:
        _err("interrupted.")
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
