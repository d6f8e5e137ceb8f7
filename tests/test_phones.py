"""One person, however their number was typed: phone numbers are compared in one normal form
(E.164, the county's country as the default region) and e-mail addresses in any case, for
duplicate detection, identity linking, search, export and erasure; the number is shown as
typed."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import Run, add, audit_text, refused
from hypothesis import given, settings
from hypothesis import strategies as st

from shgroups.phones import phone_key, readable

# One mobile number, written in ten ways coordinators write numbers.
TEN_WAYS = [
    "070-123 45 67",
    "0701234567",
    "070 123 45 67",
    "+46 70 123 45 67",
    "+46701234567",
    "0046 70 123 45 67",
    "(070) 123 45 67",
    "070.123.45.67",
    "070/123 45 67",
    "+46 (0)70-123 45 67",
]


def person_rows(db: Path) -> list[tuple[str, str | None, str | None]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT name, phone, phone_key FROM persons ORDER BY id").fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("other", TEN_WAYS[1:])
def test_one_number_written_another_way_is_one_identity(run: Run, db: Path, other: str) -> None:
    first = TEN_WAYS[0]
    add(run, "Anna", "Ensamhet", "--area", "Jönköping", "--phone", first)
    # Same name, same theme, the number written otherwise: the duplicate is recognised.
    stderr = refused(run, db, "intake", "add", "--consent", "--name", "Anna", "--theme",
                     "Ensamhet", "--phone", other)  # fmt: skip
    assert "looks like registration 1" in stderr
    # Another theme: the coordinator is asked whether it is the same Anna.
    stderr = refused(run, db, "intake", "add", "--consent", "--name", "Anna", "--theme",
                     "Utmattning", "--phone", other)  # fmt: skip
    assert "same name and phone number as registration 1" in stderr and "--same-person 1" in stderr
    add(run, "Anna", "Utmattning", "--phone", other, "--same-person", "1")
    # One identity: the export of either registration shows both, the number as first typed.
    for reg in ("1", "2"):
        export = json.loads(run("person", "export", reg, "--json").stdout)
        assert [r["id"] for r in export["registrations"]] == [1, 2]
        assert export["person"]["phone"] == first
    # The number found in its other spelling.
    found = json.loads(run("intake", "list", "--search", other, "--json").stdout)
    assert [r["id"] for r in found] == [1, 2]
    # One erasure erases both.
    erased = json.loads(run("person", "erase", "2", "--yes", "--json").stdout)
    assert erased["registrations"] == [1, 2]
    for reg in ("1", "2"):
        assert json.loads(run("intake", "show", reg, "--json").stdout)["name"] is None
    assert person_rows(db) == []


@pytest.mark.parametrize(
    ("first", "other"), [("036-12 34 56", "036123456"), ("036123456", "+46 36 12 34 56")]
)
def test_a_landline_written_two_ways_is_one_identity(
    run: Run, db: Path, first: str, other: str
) -> None:
    add(run, "Bo", "Ensamhet", "--phone", first)
    add(run, "Bo", "Utmattning", "--phone", other, "--same-person", "1")
    export = json.loads(run("person", "export", "2", "--json").stdout)
    assert [r["id"] for r in export["registrations"]] == [1, 2]
    assert person_rows(db) == [("Bo", first, "+4636123456")]


def test_an_email_address_in_another_case_is_the_same_person(run: Run, db: Path) -> None:
    add(run, "Anna", "Ensamhet", "--email", "Anna@Example.se")
    result = add(run, "anna", "Utmattning", "--email", "anna@example.se", "--json")
    assert json.loads(result.stdout)["same_person_as"] == 1
    assert "The same person as registration 1" in result.stderr
    export = json.loads(run("person", "export", "1", "--json").stdout)
    assert [r["id"] for r in export["registrations"]] == [1, 2]
    assert export["person"]["email"] == "Anna@Example.se"  # kept as first typed
    assert "looks like registration 1" in refused(
        run, db, "intake", "add", "--consent", "--name", "Anna", "--theme", "Ensamhet",
        "--email", "ANNA@EXAMPLE.SE",
    )  # fmt: skip
    assert json.loads(run("person", "erase", "2", "--yes", "--json").stdout)["registrations"] == [
        1,
        2,
    ]


def test_different_numbers_are_different_people(run: Run, db: Path) -> None:
    add(run, "Anna", "Ensamhet", "--phone", "070-123 45 67")
    result = add(run, "Anna", "Ensamhet", "--phone", "+46 70 123 45 68", "--json")
    assert json.loads(result.stdout)["same_person_as"] is None
    assert len(person_rows(db)) == 2


def test_a_norwegian_county_reads_numbers_as_norwegian(run: Run, environment: Path) -> None:
    run("init", "--county", "Testfylke", "--language", "nb")
    add(run, "Kari", "Utmattelse", "--phone", "912 34 567")
    add(run, "Kari", "Ensomhet", "--phone", "+47 91 23 45 67", "--same-person", "1")
    assert person_rows(environment)[0][2] == "+4791234567"


def test_what_a_phone_number_may_look_like(run: Run, db: Path) -> None:
    for typed in ("(070) 123 45 67", "070.123.45.67", "+46 (0)70-123 45 67"):
        add(run, f"Person {typed}", "Ensamhet", "--phone", typed)
    for garbage in ("ring mig", "070 ring", "1", "+46 70 abc 45", "070-123 45 67 kvällar"):
        stderr = refused(
            run, db, "intake", "add", "--consent", "--name", "X", "--theme", "Ensamhet",
            "--phone", garbage,
        )  # fmt: skip
        assert "the phone number is not valid" in stderr
        assert len(garbage) < 3 or garbage not in stderr


def test_no_phone_or_email_reaches_the_audit(run: Run, db: Path) -> None:
    add(run, "Anna Hemlig", "Ensamhet", "--phone", "070-123 45 67", "--email", "Anna@Example.se")
    add(run, "Anna Hemlig", "Utmattning", "--phone", "0701234567", "--same-person", "1")
    run("intake", "list", "--search", "0701234567")
    run("person", "export", "1", "--json")
    text = audit_text(db)
    for token in ("Anna", "Hemlig", "123 45 67", "701234567", "example", "Example"):
        assert token not in text


# --- the normal form itself -------------------------------------------------------------------


@st.composite
def written(draw: st.DrawFn) -> tuple[str, str]:
    """A Swedish mobile number, and that number as a person might type it."""
    digits = (
        "7" + draw(st.sampled_from("0236")) + draw(st.text("0123456789", min_size=7, max_size=7))
    )
    prefix = draw(st.sampled_from(["0", "+46", "+46 ", "0046", "0046 ", "+46 (0)", "(0"]))
    separator = st.sampled_from(["", " ", "-", ".", "/"])
    body = digits[:2] + (")" if prefix == "(0" else "") + draw(separator)
    rest = digits[2:]
    while rest:
        size = draw(st.integers(1, 3))
        body += rest[:size] + (draw(separator) if len(rest) > size else "")
        rest = rest[size:]
    return "+46" + digits, prefix + body


@settings(max_examples=300, deadline=None)
@given(written())
def test_any_way_of_writing_a_number_has_one_compared_form(number: tuple[str, str]) -> None:
    e164, typed = number
    assert phone_key(typed, "SE") == e164, typed
    assert readable(typed, "SE"), typed


# --- the county's country ---------------------------------------------------------------------


def test_a_norwegian_register_reads_numbers_as_norwegian(run: Run) -> None:
    run("init", "--language", "nb")
    add(run, "Kari", "Utmattelse", "--phone", "912 34 567")
    # The same number with its country code is the same person.
    said = add(run, "Kari", "Utmattelse", "--phone", "+47 91 23 45 67", code=1).stderr
    assert "registration 1" in said


def test_changing_the_country_reads_stored_numbers_again(run: Run, db: Path) -> None:
    add(run, "Kari", "Ensamhet", "--phone", "912 34 567")  # read as Swedish: digits only
    run("settings", "set", "country", "NO")
    found = json.loads(run("intake", "list", "--search", "+4791234567", "--json").stdout)
    assert [r["id"] for r in found] == [1]


def test_an_older_norwegian_register_is_in_norway_after_migration(run: Run, db: Path) -> None:
    """Migration 5 adds the `country` setting: a register made in Norwegian gets NO."""
    from shgroups import migrations

    conn = sqlite3.connect(":memory:")
    for steps in migrations.MIGRATIONS[:4]:
        for step in steps:
            step(conn) if callable(step) else conn.execute(step)
    conn.execute("INSERT INTO settings VALUES ('language', 'nb')")
    conn.execute(
        "INSERT INTO persons (name, name_key, phone) VALUES ('Kari', 'kari', '912 34 567')"
    )
    for step in migrations.MIGRATIONS[4]:
        step(conn) if callable(step) else conn.execute(step)
    assert conn.execute("SELECT value FROM settings WHERE key = 'country'").fetchone() == ("NO",)
    assert conn.execute("SELECT phone_key FROM persons").fetchone() == ("+4791234567",)
