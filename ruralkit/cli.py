"""The ``ruralkit`` command.

::

    ruralkit course build [--check] [--execute [all]]  sources -> zh/en editions + index
    ruralkit data build [--seed N] [--out DIR]      write the county's CSV tables
    ruralkit data check [DIR]                        check the CSVs against the generator
    ruralkit exercises build [--check] [--execute]   masters -> zh/en answer keys, students
    ruralkit exercises build --assessment            ... for graded work (exercises/assessment)
    ruralkit exercises variants --roster roster.csv --set 00 --out DIR [--salt TEXT]
    ruralkit exercises grade SUBMISSION... --out gradebook.csv [--timeout 60]
                             [--cell-timeout 30] [--jobs N] [--roster CSV --salt TEXT]
    ruralkit exercises list                          the exercise sets
    ruralkit exercises new NN --title TEXT           scaffold a set that builds at once

Every command returns 0 on success, 1 when a check fails and 2 on a usage
error; errors are one clear line on stderr, never a traceback. Console output
names students only by their id, without control characters. Texts (help,
output, errors) are catalogue messages of domain ``cli``.

Adding a command is one function ``_group_action(args) -> int`` and one
:class:`Command` in :data:`COMMANDS` (help texts are catalogue keys).

Examples
--------
>>> from ruralkit.cli import main
>>> main(["--version"]) == 0  # doctest: +SKIP
True
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruralkit._startup import skip_slow_optional_imports
from ruralkit.i18n import RuralkitError, message
from ruralkit.progress import printable

__all__ = ["COMMANDS", "Arg", "Command", "build_parser", "main"]

# The commands import what they run (grading, the generator) when they run, so that
# `ruralkit --help` and `ruralkit data ...` start without loading the grader.


def _say(text: str) -> None:
    print(printable(text, keep_lines=True))


def _err(text: str) -> None:
    print(f"ruralkit: {printable(text, keep_lines=True)}", file=sys.stderr)


# --------------------------------------------------------------------------- data
def _data_build(args: argparse.Namespace) -> int:
    try:
        from ruralkit import synth
    except ImportError as exc:  # pragma: no cover - synth ships with the package
        _err(message("cli.no_generator", error=exc))
        return 1
    written = synth.write_tables(args.out, seed=args.seed)
    if written:
        for path in written if isinstance(written, list | tuple) else [written]:
            _say(str(path))
    return 0


def _data_check(args: argparse.Namespace) -> int:
    from ruralkit import synth

    problems = synth.check_tables(args.dir)
    if problems:
        for problem in problems if isinstance(problems, list | tuple) else [problems]:
            _say(str(problem))
        return 1
    _say(message("cli.tables_match", folder=args.dir))
    return 0


# --------------------------------------------------------------------------- exercises
_BUILD_STATES = {  # (check, changed) -> what the build line says
    (True, True): "cli.state_out_of_date", (True, False): "cli.state_up_to_date",
    (False, True): "cli.state_written", (False, False): "cli.state_unchanged",
}


def _report_build(results: list, check: bool) -> int:
    """One line per file the build wrote or compared; 1 when ``check`` finds stale files."""
    for r in results:
        state = message(_BUILD_STATES[(bool(check), r.changed)])
        _say(message("cli.build_line", path=r.target, state=state))
    stale = [r for r in results if r.changed]
    if check and stale:
        _err(message("cli.build_stale", n=len(stale)))
        return 1
    return 0


def _execute(results: list, args: argparse.Namespace) -> None:
    from ruralkit.course import EditionResult, execute_editions

    runs = [r if isinstance(r, EditionResult) else
            EditionResult(r.master, r.target, r.changed, r.kind, r.language) for r in results]
    runs = [r for r in runs if r.executable
            and (args.execute == "all" or r.changed or not r.executed)]
    for r in runs:
        print(printable(message("cli.executing", path=r.target)), file=sys.stderr)
    execute_editions(runs, jobs=args.jobs, timeout=args.timeout)


def _exercises_build(args: argparse.Namespace) -> int:
    from ruralkit import grading

    results = grading.build(args.source, args.out, check=args.check,
                            assessment=args.assessment)
    if args.execute and not args.check:
        _execute(results, args)
    return _report_build(results, args.check)


def _course_build(args: argparse.Namespace) -> int:
    from ruralkit.course import build_course

    results = build_course(args.root, check=args.check)
    if args.execute and not args.check:
        _execute(results, args)
    return _report_build(results, args.check)


def _exercises_variants(args: argparse.Namespace) -> int:
    from ruralkit import grading

    if args.salt == grading.DEFAULT_SALT:
        print(printable(message("cli.default_salt")), file=sys.stderr)
    rows = grading.make_variants(
        args.roster, set_key=args.set, out_dir=args.out, salt=args.salt,
        student_dir=args.exercises,
    )
    _say(message("cli.variants_written", n=len(rows), out=args.out,
                 seeds=Path(args.out) / "seeds.csv"))
    return 0


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _exercises_grade(args: argparse.Namespace) -> int:
    from ruralkit import grading

    if args.roster and args.salt is None:
        print(printable(message("cli.default_salt")), file=sys.stderr)
    saved = {}
    if threading.current_thread() is threading.main_thread():
        # `kill` (SIGTERM) stops grading as cleanly as Ctrl+C: workers and kernels are ended
        saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
        signal.signal(signal.SIGTERM, _raise_interrupt)
        if saved[signal.SIGINT] is signal.SIG_IGN:
            signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        results = grading.grade(
            args.submissions, out=args.out, timeout=args.timeout,
            cell_timeout=args.cell_timeout, jobs=args.jobs, set_key=args.set,
            language=args.language, hidden=not args.no_hidden,
            grader_timeout=args.grader_timeout, progress=not args.quiet,
            roster=args.roster, salt=args.salt,
        )
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    feedback = Path(args.out).with_name(Path(args.out).stem + "_feedback")
    _say(message("cli.graded", n=len(results), summary=summary))
    _say(message("cli.graded_files", out=args.out, feedback=feedback))
    return 0


def _exercises_list(args: argparse.Namespace) -> int:
    from ruralkit.exercises import get_set, list_sets

    for key in list_sets():
        s = get_set(key)
        _say(message("cli.list_line", key=key, notebook=s.notebook, n=len(s.labels),
                     points=f"{s.max_points:g}", title=s.title.render()))
    return 0


def _exercises_new(args: argparse.Namespace) -> int:
    from ruralkit import grading
    from ruralkit.exercises import scaffold
    from ruralkit.exercises.sets import PATH_VARIABLE

    into = Path(args.into).resolve() if args.into else None
    package = into or Path(scaffold.__file__).parent
    source, out = (into / "source", into) if into else (Path(args.source), Path(args.out))
    paths = scaffold.new_set(args.key, args.title, title_zh=args.title_zh,
                             package_dir=package, source_dir=source)
    if into:  # the master's kernel must find the new set too
        os.environ[PATH_VARIABLE] = os.pathsep.join(filter(None, [
            str(into), os.environ.get(PATH_VARIABLE, "")]))
    grading.execute_notebook(paths[-1], timeout=args.timeout)  # runs its self-test
    grading.build(source, out)
    build = "ruralkit exercises build"
    if into:
        build = f"{PATH_VARIABLE}={into} {build} --source {source} --out {out}"
    _say(message("exercises.scaffold_done", key=args.key, files=", ".join(map(str, paths)),
                 build=build))
    return 0


# --------------------------------------------------------------------------- parser
@dataclass(frozen=True)
class Arg:
    """One argument of a command: ``argparse`` flags and options, help as a catalogue key."""

    flags: tuple[str, ...]
    help: str
    options: dict[str, Any] = field(default_factory=dict)


def arg(*flags: str, help: str, **options: Any) -> Arg:
    """An :class:`Arg`: ``arg("--out", help="cli.help_grade_out", default="x.csv")``."""
    return Arg(flags, help, options)


@dataclass(frozen=True)
class Command:
    """One ``ruralkit GROUP NAME`` command: what it runs, its help key and its arguments."""

    group: str
    name: str
    help: str
    run: Callable[[argparse.Namespace], int]
    args: tuple[Arg, ...] = ()


#: Command groups (``ruralkit data``, ``ruralkit exercises``) and their help keys.
GROUPS = {"course": "cli.help_course", "data": "cli.help_data",
          "exercises": "cli.help_exercises"}
_EXECUTE = dict(nargs="?", const="changed", choices=["changed", "all"], default=None)

COMMANDS: tuple[Command, ...] = (
    Command("data", "build", "cli.help_data_build", _data_build, (
        arg("--seed", type=int, default=None, help="cli.help_data_seed"),
        arg("--out", default="data", help="cli.help_data_out"),
    )),
    Command("data", "check", "cli.help_data_check", _data_check, (
        arg("dir", nargs="?", default="data", help="cli.help_data_dir"),
    )),
    Command("course", "build", "cli.help_course_build", _course_build, (
        arg("--root", default=".", help="cli.help_course_root"),
        arg("--check", action="store_true", help="cli.help_build_check"),
        arg("--execute", help="cli.help_build_execute", **_EXECUTE),
        arg("--jobs", type=int, default=2, help="cli.help_course_jobs"),
        arg("--timeout", type=int, default=600, help="cli.help_build_timeout"),
    )),
    Command("exercises", "build", "cli.help_build", _exercises_build, (
        arg("--source", default="exercises/source", help="cli.help_build_source"),
        arg("--out", default=None, help="cli.help_build_out"),
        arg("--check", action="store_true", help="cli.help_build_check"),
        arg("--assessment", action="store_true", help="cli.help_build_assessment"),
        arg("--execute", help="cli.help_build_execute", **_EXECUTE),
        arg("--jobs", type=int, default=2, help="cli.help_course_jobs"),
        arg("--timeout", type=int, default=300, help="cli.help_build_timeout"),
    )),
    Command("exercises", "variants", "cli.help_variants", _exercises_variants, (
        arg("--roster", required=True, help="cli.help_variants_roster"),
        arg("--set", default="00", help="cli.help_variants_set"),
        arg("--out", required=True, help="cli.help_variants_out"),
        arg("--salt", default="ruralkit", help="cli.help_variants_salt"),
        arg("--exercises", default="exercises", help="cli.help_variants_exercises"),
    )),
    Command("exercises", "grade", "cli.help_grade", _exercises_grade, (
        arg("submissions", nargs="+", help="cli.help_grade_submissions"),
        arg("--out", default="gradebook.csv", help="cli.help_grade_out"),
        arg("--timeout", type=float, default=60, help="cli.help_grade_timeout"),
        arg("--cell-timeout", type=float, default=None, help="cli.help_grade_cell_timeout"),
        arg("--jobs", type=int, default=1, help="cli.help_grade_jobs"),
        arg("--set", default=None, help="cli.help_grade_set"),
        arg("--language", choices=["en", "zh"], default="en", help="cli.help_grade_language"),
        arg("--no-hidden", action="store_true", help="cli.help_grade_no_hidden"),
        arg("--grader-timeout", type=float, default=60, help="cli.help_grade_grader_timeout"),
        arg("--quiet", action="store_true", help="cli.help_grade_quiet"),
        arg("--roster", default=None, help="cli.help_grade_roster"),
        arg("--salt", default=None, help="cli.help_grade_salt"),
    )),
    Command("exercises", "list", "cli.help_list", _exercises_list),
    Command("exercises", "new", "cli.help_new", _exercises_new, (
        arg("key", help="cli.help_new_key"),
        arg("--title", required=True, help="cli.help_new_title"),
        arg("--title-zh", default=None, help="cli.help_new_title_zh"),
        arg("--into", default=None, help="cli.help_new_into"),
        arg("--source", default="exercises/source", help="cli.help_build_source"),
        arg("--out", default="exercises", help="cli.help_build_out"),
        arg("--timeout", type=int, default=300, help="cli.help_build_timeout"),
    )),
)


def build_parser() -> argparse.ArgumentParser:
    """The ``ruralkit`` argument parser, with help in the current language."""
    parser = argparse.ArgumentParser(prog="ruralkit", description=message("cli.description"))
    parser.add_argument("--version", action="store_true", help=message("cli.help_version"))
    groups = parser.add_subparsers(dest="command", metavar="COMMAND")
    actions = {}
    for name, help_key in GROUPS.items():
        group = groups.add_parser(name, help=message(help_key))
        group.set_defaults(func=None, _parser=group, _name=name)
        actions[name] = group.add_subparsers(dest=f"{name}_command", metavar="ACTION")
    for command in COMMANDS:
        sub = actions[command.group].add_parser(command.name, help=message(command.help))
        for a in command.args:
            sub.add_argument(*a.flags, help=message(a.help), **a.options)
        sub.set_defaults(func=command.run)
    return parser


def _run(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    try:
        return int(func(args) or 0)
    except RuralkitError as exc:
        _err(str(exc))
        return 1
    except (FileNotFoundError, PermissionError) as exc:
        _err(message("cli.os_error", reason=exc.strerror, path=exc.filename))
        return 1
    except KeyboardInterrupt:
        _err(message("cli.interrupted"))
        return 130


def _version() -> int:
    from importlib.metadata import PackageNotFoundError, version

    try:
        print(version("ruralkit"))
    except PackageNotFoundError:
        print(message("cli.not_installed"))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``ruralkit`` command; returns the exit code."""
    if __name__ == "__main__" or "ruralkit" in Path(sys.argv[0]).name:
        skip_slow_optional_imports()  # a command-line process: ~2 s faster start
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage error
        return int(exc.code or 0)
    if args.version:
        return _version()
    func = getattr(args, "func", None)
    if func is None:
        getattr(args, "_parser", parser).print_help(sys.stderr)
        return 2
    return _run(func, args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
