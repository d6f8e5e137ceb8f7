"""Who a registration belongs to: one identity per person, never two people made one, and
what is typed reaches the register in one form or not at all."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

from conftest import Run, add, counts

LANDLINE = "036-12 34 56"


def registrations_of(db: Path, reg_id: int) -> list[int]:
    """The registrations that share an identity with `reg_id` (what export and erasure cover)."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT id FROM registrations WHERE person_id = "
            "(SELECT person_id FROM registrations WHERE id = ?) ORDER BY id",
            (reg_id,),
        ).fetchall()
    finally:
        conn.close()
    return [r[0] for r in rows]


def test_same_name_and_phone_only_is_asked_never_assumed(run: Run, db: Path) -> None:
    add(run, "Anna", "Ensamhet", "--phone", LANDLINE)  # the mother
    before = counts(db)
    result = add(run, "anna", "Utmattning", "--phone", LANDLINE, code=1)  # the daughter
    assert "same name and phone number as registration 1" in result.stderr
    assert "--same-person 1" in result.stderr and "--new-person" in result.stderr
    assert "Anna" not in result.stderr and LANDLINE not in result.stderr
    assert counts(db) == before
    result = add(run, "Anna", "Utmattning", "--phone", LANDLINE, "--new-person", "--json")
    assert json.loads(result.stdout)["same_person_as"] is None
    # The daughter's export shows only her theme; her erasure leaves her mother.
    assert registrations_of(db, 2) == [2]
    run("person", "erase", "2", "--yes")
    assert json.loads(run("intake", "show", "1", "--json").stdout)["name"] == "Anna"
    # The same person, said so: one identity, and the output says so too.
    result = add(run, "Anna", "Stress och oro", "--phone", LANDLINE, "--same-person", "1")
    assert "The same person as registration 1" in result.stderr
    assert registrations_of(db, 1) == [1, 3]


def test_two_people_on_one_phone_are_told_apart_by_registration(run: Run, db: Path) -> None:
    add(run, "Anna", "Ensamhet", "--phone", LANDLINE)
    add(run, "Anna", "Utmattning", "--phone", LANDLINE, "--new-person")
    result = add(run, "Anna", "Stress och oro", "--phone", LANDLINE, code=1)
    assert "registration 1 or 2" in result.stderr
    assert "--same-person 1 or 2" in result.stderr
    add(run, "Anna", "Stress och oro", "--phone", LANDLINE, "--same-person", "2")
    assert registrations_of(db, 2) == [2, 3]


def test_same_name_and_email_is_linked_and_said(run: Run, db: Path) -> None:
    add(run, "Bo", "Ensamhet", "--email", "bo@example.se", "--phone", LANDLINE)
    result = add(run, "Bo", "Utmattning", "--email", "BO@example.se")
    assert "The same person as registration 1" in result.stderr
    result = add(run, "Bo", "Stress och oro", "--email", "bo@example.se", "--json")
    assert json.loads(result.stdout)["same_person_as"] == 1
    assert registrations_of(db, 3) == [1, 2, 3]
    # Someone else with that name and e-mail address: --force or --new-person says so.
    result = add(run, "Bo", "Samtal om livet", "--email", "bo@example.se", "--new-person", "--json")
    assert json.loads(result.stdout)["same_person_as"] is None


def test_wrong_or_contradicting_answers_are_refused(run: Run, db: Path) -> None:
    add(run, "Anna", "Ensamhet", "--phone", LANDLINE)
    add(run, "Cleo", "Ensamhet", "--phone", LANDLINE)
    before = counts(db)
    result = add(run, "Anna", "Utmattning", "--phone", LANDLINE, "--same-person", "2", code=1)
    assert "registration 2 is not someone with the same name" in result.stderr
    assert "intake show 2" in result.stderr
    result = add(
        run, "Anna", "Utmattning", "--same-person", "1", "--new-person", "--phone", LANDLINE, code=1
    )
    assert "contradict" in result.stderr
    assert counts(db) == before


def test_a_name_typed_in_nfd_is_the_same_person(run: Run, db: Path) -> None:
    nfc = "Åsa Öberg"
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfd != nfc
    add(run, nfc, "Ensamhet", "--email", "asa@example.se")
    result = add(run, nfd, "ensamhet", "--email", "asa@example.se", code=1)
    assert "looks like registration 1" in result.stderr  # the duplicate check finds it
    result = add(run, nfd, "Utmattning", "--email", "asa@example.se", "--json")
    assert json.loads(result.stdout)["same_person_as"] == 1  # and so does the identity link
    assert json.loads(run("intake", "show", "2", "--json").stdout)["name"] == nfc


def test_an_identity_number_as_phone_or_email_is_refused(run: Run, db: Path) -> None:
    before = counts(db)
    for option, value in (("--phone", "811228-9874"), ("--email", "811228-9874@example.se")):
        result = add(run, "Anna", "Ensamhet", option, value, code=1)
        assert "personal identity number" in result.stderr and value not in result.stderr
    assert counts(db) == before


def test_source_is_one_of_the_countys_list(run: Run, db: Path) -> None:
    add(run, "A", "Ensamhet", "--source", "VÄN")
    assert json.loads(run("intake", "show", "1", "--json").stdout)["source"] == "vän"
    before = counts(db)
    result = add(run, "B", "Ensamhet", "--source", "Dr Berg at Ryhov", code=1)
    assert "not one of the county's sources" in result.stderr and "Berg" not in result.stderr
    assert "shg settings set sources" in result.stderr
    result = add(run, "B", "Ensamhet", "--source", "broshyr", code=1)
    assert "Did you mean 'broschyr'" in result.stderr
    assert counts(db) == before
    run("settings", "set", "sources", " Vårdcentral , Kyrkan,friend")
    assert json.loads(run("settings", "show", "--json").stdout)["sources"] == (
        "Vårdcentral,Kyrkan,friend"
    )
    add(run, "B", "Ensamhet", "--source", "vårdcentral")
    assert json.loads(run("intake", "show", "2", "--json").stdout)["source"] == "Vårdcentral"
    assert "listed twice" in run("settings", "set", "sources", "a,A", code=1).stderr
    assert "at least one" in run("settings", "set", "sources", " , ", code=1).stderr


def test_bytes_that_are_not_utf8_get_a_plain_error(db: Path) -> None:
    shg = Path(sys.executable).parent / "shg"
    result = subprocess.run(
        [shg, "intake", "add", "--consent", "--theme", "Ensamhet", "--name", b"Eve\xff\xfe"],
        capture_output=True,
        env=os.environ,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(b"Error: ") and b"Hint: " in result.stderr
    assert b"Traceback" not in result.stderr and b"Eve" not in result.stderr
    assert counts(db)["registrations"] == 0
