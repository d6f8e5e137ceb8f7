"""Arbitrary input never crashes shg: exit code 0, 1 or 2, never an unexpected exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from shgroups.cli import app

RUNNER = CliRunner()
text = st.text(max_size=40)
odd = st.one_of(
    text,
    st.sampled_from(
        [
            "",
            " ",
            "-",
            "--",
            "-x@example.se",
            "2026-02-30",
            "2026-13-01",
            "9" * 30,
            "1,2,,3",
            "-1",
            "0",
            "Jönköping",
            "Utmattning",
            "\u200b",
            "NaN",
        ]
    ),
)


@pytest.fixture(scope="module")
def fuzz_db() -> str:
    folder = tempfile.mkdtemp()
    db = str(Path(folder) / "fuzz.db")
    result = RUNNER.invoke(app, ["--db", db, "demo", db])
    assert result.exit_code == 0, result.stderr
    return db


def check(db: str, args: list[str]) -> None:
    result = RUNNER.invoke(app, ["--db", db, *args], env={"SHG_TODAY": "2026-11-24"})
    output = result.stdout + result.stderr
    assert result.exit_code in (0, 1, 2), (args, output)
    assert "unexpectedly" not in output and "Traceback" not in output, (args, output)
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), (args, repr(result.exception))


def option(name: str, values: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return st.one_of(st.just([]), values.map(lambda v: [f"--{name}={v}"]))


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=odd, theme=odd,
    extra=st.lists(st.one_of(*(option(n, odd) for n in (
        "area", "also-theme", "also-area", "phone", "email", "gender", "birth-year", "source",
        "note", "date"))), max_size=5),
    flags=st.lists(st.sampled_from(["--consent", "--force", "--new-theme", "--new-area",
                                    "--json"]), max_size=3),
)  # fmt: skip
def test_intake_add_with_anything(
    fuzz_db: str, name: str, theme: str, extra: list[list[str]], flags: list[str]
) -> None:
    args = ["intake", "add", f"--name={name}", f"--theme={theme}", *flags]
    check(fuzz_db, args + [a for part in extra for a in part])


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    theme=st.one_of(odd, st.sampled_from(["Utmattning", "Stress och oro"])),
    extra=st.lists(st.one_of(*(option(n, odd) for n in (
        "area", "members", "starter", "starter-sessions", "followup-weeks", "date"))),
        max_size=4),
    flags=st.lists(st.sampled_from(["--force", "--json"]), max_size=2),
)  # fmt: skip
def test_groups_start_with_anything(
    fuzz_db: str, theme: str, extra: list[list[str]], flags: list[str]
) -> None:
    args = ["groups", "start", f"--theme={theme}", *flags]
    check(fuzz_db, args + [a for part in extra for a in part])


# The commands of corrections, finding and reaching people (issue 10).
NEW_COMMANDS = st.one_of(
    st.tuples(st.just(["intake", "edit"]), st.sampled_from(["1", "2", "70", "99999"])).map(
        lambda t: [*t[0], t[1]]
    ),
    st.just(["intake", "reinstate", "3"]),
    st.just(["intake", "list"]),
    st.just(["intake", "stale"]),
    st.just(["groups", "contacts", "1"]),
    st.just(["groups", "ready", "--almost"]),
    st.just(["groups", "set", "2"]),
    st.just(["sessions", "remove", "2"]),
    st.just(["followups", "remove", "1"]),
    st.just(["areas", "rename", "Jönköping"]),
    st.just(["staff", "rename", "Eva Lind"]),
)
NEW_OPTIONS = (
    "name", "phone", "email", "note", "theme", "area", "also-theme", "also-area", "gender",
    "birth-year", "source", "date", "search", "within", "status", "weekday", "time", "venue",
    "start-date", "starter",
)  # fmt: skip


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    command=NEW_COMMANDS,
    extra=st.lists(st.one_of(*(option(n, odd) for n in NEW_OPTIONS)), max_size=4),
    positional=st.lists(odd, max_size=1),
)
def test_corrections_and_searches_never_crash(
    fuzz_db: str, command: list[str], extra: list[str], positional: list[str]
) -> None:
    check(fuzz_db, [*command, *positional, *(arg for given in extra for arg in given)])
