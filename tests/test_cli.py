"""Tests of the ``ruralkit`` command (ruralkit.cli)."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ruralkit import cli
from ruralkit.i18n import RuralkitError
from ruralkit.notebook_run import kernel_env

ROOT = Path(__file__).resolve().parents[1]
SUBMISSIONS = ROOT / "tests" / "submissions"


def test_help_and_usage_errors(capsys):
    assert cli.main([]) == 2
    assert "exercises" in capsys.readouterr().err
    assert cli.main(["exercises"]) == 2
    assert "grade" in capsys.readouterr().err
    assert cli.main(["exercises", "frobnicate"]) == 2
    assert cli.main(["--version"]) == 0
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["--help"])


def test_exercises_build_check_on_the_repository(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert cli.main(["exercises", "build", "--check"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_exercises_build_into_a_folder_and_detect_stale(tmp_path, capsys):
    source = ROOT / "exercises" / "source"
    assert cli.main(["exercises", "build", "--source", str(source), "--out", str(tmp_path)]) == 0
    assert "written" in capsys.readouterr().out
    built = tmp_path / "en" / "00_start_here.ipynb"
    built.write_text(built.read_text(encoding="utf-8").replace("Exercises 00", "Old"), "utf-8")
    args = ["exercises", "build", "--source", str(source), "--out", str(tmp_path), "--check"]
    assert cli.main(args) == 1
    captured = capsys.readouterr()
    assert "OUT OF DATE" in captured.out and "ruralkit exercises build" in captured.err


def test_build_errors_are_one_line_not_a_traceback(tmp_path, capsys):
    assert cli.main(["exercises", "build", "--source", str(tmp_path / "none")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("ruralkit: No folder of master notebooks") and "Traceback" not in err


def test_variants_never_print_names(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name\ns001,张三\ns002,Li Si\n", encoding="utf-8")
    out = tmp_path / "class"
    code = cli.main(["exercises", "variants", "--roster", str(roster), "--set", "00",
                     "--out", str(out), "--salt", "spring"])
    assert code == 0
    captured = capsys.readouterr()
    assert "Wrote 2 notebooks" in captured.out
    assert "张三" not in captured.out + captured.err and "Li Si" not in captured.out + captured.err
    assert (out / "s002" / "00_start_here.ipynb").exists()
    code = cli.main(["exercises", "variants", "--roster", str(tmp_path / "missing.csv"),
                     "--out", str(out)])
    assert code == 1 and "missing.csv" in capsys.readouterr().err


def test_grade_command(tmp_path, capsys):
    for name in ("s01-correct.ipynb", "s17-truncated.ipynb"):
        shutil.copy(SUBMISSIONS / name, tmp_path / name)
    gradebook = tmp_path / "out" / "gradebook.csv"
    code = cli.main(["exercises", "grade", str(tmp_path), "--out", str(gradebook),
                     "--timeout", "30", "--jobs", "2"])
    assert code == 0
    captured = capsys.readouterr()
    assert "Graded 2 notebook(s): 1 invalid, 1 ok." in captured.out
    assert "s01-correct: ok" in captured.err and "2/2" in captured.err  # progress bar
    with open(gradebook, encoding="utf-8-sig", newline="") as fh:
        rows = {r["student_id"]: r for r in csv.DictReader(fh)}
    assert rows["s01-correct"]["total"] == "11" and rows["s17-truncated"]["status"] == "invalid"
    assert (tmp_path / "out" / "gradebook_feedback" / "s01-correct.md").exists()


def test_grade_command_passes_roster_and_salt(tmp_path, capsys, monkeypatch):
    from ruralkit import grading

    seen = {}

    def fake_grade(submissions, **options):
        seen.update(options)
        return []

    monkeypatch.setattr(grading, "grade", fake_grade)
    roster = tmp_path / "roster.csv"
    assert cli.main(["exercises", "grade", str(tmp_path), "--roster", str(roster)]) == 0
    assert (seen["roster"], seen["salt"]) == (str(roster), None)
    assert "default salt" in capsys.readouterr().err
    assert cli.main(["exercises", "grade", str(tmp_path), "--salt", "spring"]) == 0
    assert (seen["roster"], seen["salt"]) == (None, "spring")
    assert "default salt" not in capsys.readouterr().err


def test_exercises_list(capsys):
    assert cli.main(["exercises", "list"]) == 0
    assert "00  00_start_here" in capsys.readouterr().out


def test_data_commands_call_the_generator(tmp_path, monkeypatch, capsys):
    from ruralkit import synth

    calls = []
    monkeypatch.setattr(synth, "write_tables",
                        lambda out, seed=None: calls.append(("write", out, seed)) or [])
    monkeypatch.setattr(synth, "check_tables",
                        lambda d: calls.append(("check", d)) or [])
    assert cli.main(["data", "build", "--seed", "7", "--out", str(tmp_path)]) == 0
    assert cli.main(["data", "check", str(tmp_path)]) == 0
    assert calls == [("write", str(tmp_path), 7), ("check", str(tmp_path))]
    monkeypatch.setattr(synth, "check_tables", lambda d: ["villages.csv differs"])
    assert cli.main(["data", "check", str(tmp_path)]) == 1
    assert "villages.csv differs" in capsys.readouterr().out

    def boom(out, seed=None):
        raise RuralkitError("the folder is read-only")

    monkeypatch.setattr(synth, "write_tables", boom)
    assert cli.main(["data", "build"]) == 1
    assert capsys.readouterr().err == "ruralkit: the folder is read-only\n"


def test_console_script_module_runs():
    done = subprocess.run(
        [sys.executable, "-m", "ruralkit.cli", "exercises", "list"],
        capture_output=True, text=True, env=kernel_env(), timeout=120,
    )
    assert done.returncode == 0 and "00_start_here" in done.stdout


def test_variants_accept_a_chinese_excel_roster_and_grade_takes_a_cell_timeout(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(ROOT)
    roster = tmp_path / "名单.csv"
    roster.write_bytes("学号,姓名\ns001,张三\n".encode("gbk"))
    out = tmp_path / "class"
    assert cli.main(["exercises", "variants", "--roster", str(roster), "--out", str(out),
                     "--salt", "spring"]) == 0
    assert (out / "s001" / "00_start_here.ipynb").exists()
    roster.write_text("序号,名字\n1,张三\n", encoding="utf-8")
    assert cli.main(["exercises", "variants", "--roster", str(roster), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "名单.csv" in err and "'序号'" in err and "学号" in err and "student_id" in err
    args = cli.build_parser().parse_args(["exercises", "grade", "x", "--cell-timeout", "5"])
    assert args.cell_timeout == 5


def test_output_and_help_follow_the_language(capsys):
    import ruralkit as rk

    rk.set_language("zh")
    assert cli.main(["exercises", "list"]) == 0
    assert "道题" in capsys.readouterr().out
    help_text = cli.build_parser().format_help()
    assert "乡村治理培训" in help_text


def test_every_command_has_help_in_both_languages_and_a_function():
    from ruralkit.i18n import Msg

    names = {(c.group, c.name) for c in cli.COMMANDS}
    assert {("data", "build"), ("exercises", "grade"), ("exercises", "list")} <= names
    for command in cli.COMMANDS:
        assert command.group in cli.GROUPS and callable(command.run)
        for key in [command.help, *(a.help for a in command.args)]:
            assert Msg(key).render("zh") != Msg(key).render("en"), key


def test_echoed_paths_lose_control_characters(tmp_path, capsys):
    source = ROOT / "exercises" / "source"
    out = tmp_path / "out\x1b[2J"
    assert cli.main(["exercises", "build", "--source", str(source), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "\x1b" not in printed and "out[2J" in printed
