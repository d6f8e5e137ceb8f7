"""Words a coordinator types in Swedish or Norwegian are accepted beside the English ones; the
JSON keeps the English values (a contract for scripts)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Run, add, register, start


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("kvinna", "woman"), ("Kvinne", "woman"), ("MAN", "man"), ("mann", "man"),
     ("annat", "other"), ("annet", "other"), ("woman", "woman")],
)  # fmt: skip
def test_gender_in_three_languages(run: Run, db: Path, typed: str, stored: str) -> None:
    add(run, "Kajsa", "Ensamhet", "--gender", typed)
    assert json.loads(run("intake", "show", "1", "--json").stdout)["gender"] == stored
    run("intake", "edit", "1", f"--gender={typed}")  # the --option=value form too


def test_statuses_in_filters_and_outcomes_and_roles(run: Run, db: Path) -> None:
    register(run, 6)
    run("intake", "withdraw", "6")
    start(run, "--members", "1 2 3 4 5", "--starter-sessions", "1", "--date", "2026-10-06")
    run("sessions", "add", "1", "--date", "2026-10-13")
    waiting = json.loads(run("intake", "list", "--status", "väntar", "--json").stdout)
    assert waiting == []
    assert len(json.loads(run("intake", "list", "--status", "alla", "--json").stdout)) == 6
    assert [r["id"] for r in json.loads(
        run("intake", "list", "--status", "avmeldt", "--json").stdout
    )] == [6]  # fmt: skip
    assert [
        g["id"] for g in json.loads(run("groups", "list", "--status", "pågår", "--json").stdout)
    ]
    run("followups", "add", "1", "--outcome", "behöver stöd", "--force")
    followups = json.loads(run("groups", "show", "1", "--json").stdout)["followups"]
    assert followups[-1]["outcome"] == "needs-support"
    assert (
        json.loads(run("staff", "add", "Ola", "--role", "igangsetter", "--json").stdout)["role"]
        == "starter"
    )


def test_dates_as_words(run: Run, db: Path) -> None:
    for word, day in [("idag", "2026-11-24"), ("i går", "2026-11-23"), ("Igår", "2026-11-23"),
                      ("I DAG", "2026-11-24"), ("yesterday", "2026-11-23")]:  # fmt: skip
        reg = json.loads(add(run, f"P {word}", "Ensamhet", "--date", word, "--json").stdout)
        assert json.loads(run("intake", "show", str(reg["id"]), "--json").stdout)["date"] == day


def test_a_word_that_names_nothing_is_refused_with_the_english_choices(run: Run, db: Path) -> None:
    result = add(run, "Kajsa", "Ensamhet", "--gender", "hund", code=2)
    assert "'hund' is not one of 'woman', 'man', 'other'" in result.stderr


def test_after_a_double_dash_nothing_is_rewritten() -> None:
    from shgroups.cli import COMMANDS, build, in_english

    add_command = build("intake", COMMANDS["intake"]).commands["add"]
    assert in_english(add_command, ["--gender", "kvinna", "--", "--gender", "kvinna"]) == [
        "--gender", "woman", "--", "--gender", "kvinna",
    ]  # fmt: skip
    assert in_english(add_command, ["--gender"]) == ["--gender"]  # click says what is missing
