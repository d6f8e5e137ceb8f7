"""Start-up and the shell: only the invoked command group is imported, `-h` is `--help`,
completion is offered, and the error boundary names the failed command's own flags.

Speed itself is measured by bench/run.py (docs/BENCHMARKS.md), never asserted here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import Run, register

from shgroups import cli
from shgroups.cli import COMMANDS, LazyCommands, RecordingGroup, build, flag_of
from shgroups.errors import InvalidInput

COMMAND_MODULES = {target.split(":")[0] for target in COMMANDS.values()}


def modules_loaded_by(*argv: str) -> set[str]:
    """The modules a real `shg` process has imported once the command has run."""
    code = (
        "import sys\n"
        "from shgroups.cli import main\n"
        f"sys.argv = ['shg', *{list(argv)!r}]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print(*sys.modules, sep='\\n', file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return set(result.stderr.split())


@pytest.mark.parametrize(
    ("argv", "group_module"),
    [
        (["followups", "due", "--json"], {"shgroups.cli.followups"}),
        (["groups", "ready", "--json"], {"shgroups.cli.groups"}),
        (["--version"], set()),
    ],
)
def test_only_the_invoked_group_is_imported(
    db: Path, argv: list[str], group_module: set[str]
) -> None:
    assert modules_loaded_by(*argv) & COMMAND_MODULES == group_module


def test_help_lists_every_command(run: Run) -> None:
    shown = run("--help").stdout
    for name in ["init", "demo", *COMMANDS]:
        assert f" {name} " in shown, name


def test_every_registered_command_builds_under_its_name() -> None:
    for name, target in COMMANDS.items():
        command = build(name, target)
        assert command.name == name
        assert command.help
        if hasattr(command, "list_commands"):
            assert isinstance(command, RecordingGroup), name


def test_lazy_commands_build_each_on_first_look_up(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []

    def fake_build(name: str, target: str) -> str:
        built.append(name)
        return f"<{target}>"

    monkeypatch.setattr(cli, "build", fake_build)
    commands = LazyCommands({"init": "INIT"}, {"a": "m:a", "b": "m:b"})
    assert list(commands) == ["init", "a", "b"] and len(commands) == 3
    assert "b" in commands and "zz" not in commands
    assert built == []  # listing and membership build nothing
    assert commands.get("b") == commands["b"] == "<m:b>"
    assert built == ["b"]  # once
    assert commands["init"] == "INIT" and commands.get("zz") is None


def test_a_mistyped_command_is_suggested(run: Run) -> None:
    assert "did you mean 'followups'" in run("folowups", code=2).stderr


@pytest.mark.parametrize("argv", [[], ["followups"], ["followups", "due"], ["db", "check"]])
def test_h_is_help_everywhere(run: Run, argv: list[str]) -> None:
    short = run(*argv, "-h")
    assert "Usage: " in short.stdout
    assert short.stdout == run(*argv, "--help").stdout


def shg_process(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shgroups", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )


def test_completion_script_is_shown() -> None:
    # Typer's own switch: the shell is named instead of detected from the parent processes.
    result = shg_process(
        "--show-completion", "bash", _TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1"
    )
    assert result.returncode == 0, result.stderr
    assert "_shg_completion()" in result.stdout
    assert "_SHG_COMPLETE=complete_bash" in result.stdout


def test_completion_finds_lazy_groups_and_their_commands() -> None:
    for words, cword, expected in (("shg fol", "1", "followups"), ("shg followups d", "2", "due")):
        result = shg_process(_SHG_COMPLETE="complete_bash", COMP_WORDS=words, COMP_CWORD=cword)
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == [expected]


def test_install_completion_is_offered(run: Run) -> None:
    shown = run("--help").stdout
    assert "--install-completion" in shown and "--show-completion" in shown


def test_flag_of_names_the_commands_long_option() -> None:
    init = build("followups", COMMANDS["followups"]).commands["due"]
    assert flag_of(init, "as_of") == "--as-of"
    assert flag_of(init, "as-of") == "--as-of"
    assert flag_of(init, "nothing") is None
    assert flag_of(init, None) is None
    assert flag_of(None, "date") is None
    person = build("person", COMMANDS["person"]).commands["export"]
    assert flag_of(person, "reg_id") is None  # an argument has no flag


def failing(field: str) -> Any:
    def fail(*args: object, **kwargs: object) -> None:
        raise InvalidInput(
            "the day is later than the register allows",
            "pick another day",
            code="test.failure",
            field=field,
        )

    return fail


def test_error_names_the_flag_of_a_root_command(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from shgroups.services import setup

    monkeypatch.setattr(setup, "init", failing("county"))
    stderr = run("init", "--county", "X", code=1).stderr
    assert "--county" in stderr and "the day is later than the register allows" in stderr


def test_error_names_the_flag_of_a_lazily_loaded_command(
    run: Run, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shgroups.services import groups

    monkeypatch.setattr(groups, "add_session", failing("date"))
    stderr = run("sessions", "add", "1", "--date", "2026-10-06", code=1).stderr
    assert "--date" in stderr and "the day is later than the register allows" in stderr
    assert "Hint: " in stderr


def test_an_error_names_no_flag_that_was_not_typed(run: Run, db: Path) -> None:
    """A date left to today is not "--date: …": the coordinator typed no --date."""
    register(run, 5)
    run("groups", "start", "--theme", "Utmattning", "--area", "Jönköping")
    run("sessions", "add", "1")
    stderr = run("sessions", "add", "1", code=1).stderr
    assert stderr.startswith("Error: group 1 already has starter session 1"), stderr
    stderr = run("sessions", "add", "1", "--date=2026-11-24", code=1).stderr
    assert stderr.startswith("Error: --date: group 1 already has starter session 1"), stderr


def test_a_real_date_failure_shows_the_flag(run: Run, db: Path) -> None:
    run("intake", "add", "--consent", "--name", "Anna", "--theme", "Ensamhet")
    stderr = run("intake", "confirm", "1", "--date", "2016-10-01", code=1).stderr
    assert "--date" in stderr


def test_shg_debug_shows_the_failure(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from shgroups.services import setup

    def explode(*args: object, **kwargs: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(setup, "init", explode)
    assert "unexpectedly (ValueError)" in run("init", code=1).stderr
    debugged = run("init", code=None, env={"SHG_DEBUG": "1"})
    assert isinstance(debugged.exception, ValueError)


def test_a_list_of_ids_that_is_not_one_names_the_flag(run: Run, db: Path) -> None:
    stderr = run("groups", "start", "--theme", "Ensamhet", "--members", "3,x", code=1).stderr
    assert "--members" in stderr and "'3,x' is not a list of registration ids" in stderr


def test_help_screens_show_words_not_types(run: Run) -> None:
    """Every command's help names its values as a coordinator reads them (GROUP, DATE, N),
    never Typer's {GROUP}, <int> or <str>."""
    import re

    from shgroups.cli import COMMANDS

    paths: list[list[str]] = [["init"], ["demo"]]
    for name, target in COMMANDS.items():
        command = build(name, target)
        subs = getattr(command, "commands", None)
        paths += [[name, sub] for sub in subs] if subs else [[name]]
    for path in paths:
        shown = run(*path, "--help").stdout
        assert not re.search(r"\{[A-Z_]+\}|<(int|str|float|text|path|integer)>", shown), path
