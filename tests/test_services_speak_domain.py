"""The services speak the domain (issue 9): their messages name no flag and no command, every
failure carries a code (and the field it concerns), the register's fixed values are declared
once (shgroups.enums) and the migrations' CHECK constraints hold exactly those values."""

from __future__ import annotations

import ast
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from shgroups import dates, freetext, migrations, text
from shgroups.enums import GroupStatus, Outcome, RegistrationStatus, Role
from shgroups.errors import ShgError
from shgroups.services import catalogue, followups, groups, intake, maintenance, persons, setup
from shgroups.services.intake import PersonInput, RegistrationInput
from shgroups.storage import Store, open_db

SRC = Path(__file__).resolve().parents[1] / "src" / "shgroups"
# The domain modules: everything a non-command-line caller (an importer, a report) uses.
DOMAIN = sorted(
    [
        *(SRC / "services").glob("*.py"),
        *(SRC / name for name in ("dates.py", "freetext.py", "text.py", "names.py")),
        *(SRC / name for name in ("storage.py", "files.py")),
    ]
)
ERRORS = {"ShgError", "NotFound", "InvalidInput", "Conflict", "StorageError"}
# A flag ("--date") or a command ("shg intake", "`shg …`") in a translated string.
COMMAND_LINE = re.compile(
    r"--[a-z]|`shg |\bshg (init|demo|settings|themes|areas|staff|intake|groups|sessions|"
    r"followups|person|purge|audit|report|db)\b"
)


def _calls(path: Path) -> Iterator[ast.Call]:
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            yield node


def _literal_text(node: ast.expr) -> str:
    """The string literals of an argument (implicit concatenation is one Constant)."""
    return " ".join(
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    )


@pytest.mark.parametrize("path", DOMAIN, ids=lambda p: p.name)
def test_no_message_names_a_flag_or_a_command(path: Path) -> None:
    found = [
        f"{path.name}:{call.lineno}: {_literal_text(arg)!r}"
        for call in _calls(path)
        if call.func.id in ("_", "ngettext")  # type: ignore[attr-defined]
        for arg in call.args
        if COMMAND_LINE.search(_literal_text(arg))
    ]
    assert not found, "flags and commands belong in cli/hints.py:\n" + "\n".join(found)


@pytest.mark.parametrize("path", DOMAIN, ids=lambda p: p.name)
def test_every_failure_is_raised_with_a_code(path: Path) -> None:
    missing = [
        f"{path.name}:{call.lineno}"
        for call in _calls(path)
        if call.func.id in ERRORS  # type: ignore[attr-defined]
        and not any(k.arg == "code" for k in call.keywords)
    ]
    assert not missing, "ShgError without code=: " + ", ".join(missing)


# --- failures as a caller meets them ------------------------------------------------------------

TODAY = date(2026, 11, 24)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    setup.init(str(tmp_path / "shg.db"), "Testlän")
    opened = open_db(tmp_path / "shg.db")
    yield opened
    opened.close()


def _reg(name: str = "Anna Ek", **changes: Any) -> RegistrationInput:
    usual = RegistrationInput(
        person=PersonInput(name=name, phone="070-765 43 21"),
        theme="Ensamhet",
        on=TODAY,
        consent=True,
    )
    return replace(usual, **changes)


def _five(store: Store) -> list[int]:
    return [intake.add(store, _reg(f"Person {i}"), TODAY)["id"] for i in range(5)]


FAILURES: dict[str, tuple[Callable[[Store], object], str, str | None]] = {
    # name: (the call, its code, its field)
    "date after today": (
        lambda s: intake.add(s, _reg(on=date(2026, 11, 30)), TODAY),
        "date.after_today",
        "date",
    ),
    "bad date": (lambda s: dates.parse_date("2026-02-30"), "date.invalid", "date"),
    "bad week": (lambda s: dates.parse_week("2026-W60"), "week.invalid", "week"),
    "unknown theme": (
        lambda s: intake.add(s, _reg(theme="Utmatning"), TODAY),
        "theme.unknown",
        "theme",
    ),
    "no consent": (
        lambda s: intake.add(s, _reg(consent=False), TODAY),
        "registration.no_consent",
        "consent",
    ),
    "bad phone": (
        lambda s: intake.add(s, _reg(person=PersonInput(name="Anna Ek", phone="ring me")), TODAY),
        "person.phone_invalid",
        "phone",
    ),
    "unknown gender": (
        lambda s: intake.add(s, _reg(person=PersonInput(name="Anna Ek", gender="f")), TODAY),
        "gender.unknown",
        "gender",
    ),
    "identity number in a note": (
        lambda s: intake.add(
            s, _reg(person=PersonInput(name="Anna Ek", note="pnr 811228-9874")), TODAY
        ),
        "text.identity_number",
        "note",
    ),
    "control characters": (
        lambda s: intake.add(s, _reg(person=PersonInput(name="Anna\x1b[2J")), TODAY),
        "text.control_characters",
        "name",
    ),
    "duplicate": (
        lambda s: [intake.add(s, _reg(), TODAY) for _twice in range(2)],
        "registration.duplicate",
        None,
    ),
    "no registration": (
        lambda s: intake.withdraw(s, 99, TODAY, TODAY),
        "registration.not_found",
        None,
    ),
    "unknown status": (
        lambda s: intake.list_registrations(s, "wating", None, None),
        "status.unknown",
        "status",
    ),
    "too few members": (
        lambda s: groups.start_group(
            s,
            theme="Ensamhet",
            area=None,
            members=_five(s)[:2],
            starter=None,
            starter_sessions=None,
            followup_weeks=None,
            on=TODAY,
            today=TODAY,
        ),
        "members.too_few",
        "members",
    ),
    "starter sessions": (
        lambda s: groups.start_group(
            s,
            theme="Ensamhet",
            area=None,
            members=None,
            starter=None,
            starter_sessions=21,
            followup_weeks=None,
            on=TODAY,
            today=TODAY,
        ),
        "starter_sessions.out_of_range",
        "starter_sessions",
    ),
    "no group": (lambda s: groups.end_group(s, 7, TODAY, TODAY), "group.not_found", None),
    "unknown outcome": (
        lambda s: followups.add_followup(s, 1, TODAY, TODAY, "fine"),
        "outcome.unknown",
        "outcome",
    ),
    "unknown starter": (lambda s: followups.due(s, TODAY, "Nobody"), "staff.unknown", "starter"),
    "unknown role": (lambda s: catalogue.add_staff(s, "Eva", "boss"), "role.unknown", "role"),
    "keep no backup": (lambda s: maintenance.backup(s, keep=0), "backup.keep_too_few", "keep"),
    "erased": (
        lambda s: (
            [persons.erase_person(s, 1, TODAY) for _twice in range(2)]
            if intake.add(s, _reg(), TODAY)
            else None
        ),
        "registration.erased",
        None,
    ),
}


@pytest.mark.parametrize("name", FAILURES)
def test_a_failure_carries_its_code_field_and_no_personal_data(store: Store, name: str) -> None:
    call, code, field = FAILURES[name]
    with pytest.raises(ShgError) as caught:
        call(store)
    assert (caught.value.code, caught.value.field) == (code, field)
    for said in (caught.value.message, caught.value.hint, repr(caught.value.params)):
        assert "Anna" not in said and "765 43" not in said and "811228" not in said
        assert not COMMAND_LINE.search(said)


def test_validating_writes_nothing(store: Store) -> None:
    before = store.value("SELECT count(*) FROM audit")
    valid = intake.validate_registration(
        store, _reg(theme="Ny grupp", new_theme=True, also_themes=("ny  GRUPP",)), TODAY
    )
    assert valid.theme.id is None and valid.also_themes == (valid.theme,)
    assert store.value("SELECT count(*) FROM audit") == before
    assert store.value("SELECT count(*) FROM themes WHERE name = 'Ny grupp'") == 0
    with store.write():
        result = intake.insert_registration(store, valid)
    assert result["status"] == RegistrationStatus.WAITING
    assert store.value("SELECT count(*) FROM themes WHERE name = 'Ny grupp'") == 1


def test_free_text_codes_say_whether_force_helps() -> None:
    with pytest.raises(ShgError) as caught:
        freetext.check_free_text("811228-9874", "phone", forceable=True)
    assert caught.value.code == "text.identity_number_forceable"
    freetext.check_free_text("811228-9874", "phone", True, forceable=True)  # forced: accepted
    with pytest.raises(ShgError):
        text.typed("a\x00b", "note", multiline=True)


# --- the fixed values ----------------------------------------------------------------------------


def test_the_migrations_check_exactly_the_enumerations() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("BEGIN")
    migrations.apply(conn)
    checked: dict[tuple[str, str], set[str]] = {}
    for table, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"):
        for column, values in re.findall(r"CHECK \((\w+) IN \(([^)]*)\)\)", sql or ""):
            checked[table, column] = set(re.findall(r"'([^']*)'", values))
    assert checked == {
        ("registrations", "status"): set(RegistrationStatus),
        ("groups", "status"): set(GroupStatus),
        ("followups", "outcome"): set(Outcome),
        ("staff", "role"): set(Role),
    }  # gender has no CHECK: it is checked by the services (Gender) and may be NULL
