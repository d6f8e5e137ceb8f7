"""intake add / list / show / withdraw / refer, and the automatic proposal."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Run, add, register


def test_add_and_show(run: Run, db: Path) -> None:
    result = add(
        run,
        "Anna",
        "utmattning",
        "--area",
        "  jönköping ",
        "--also-theme",
        "Stress och oro",
        "--also-area",
        "Huskvarna",
        "--phone",
        "070-123 45 67",
        "--email",
        "anna@example.se",
        "--gender",
        "woman",
        "--birth-year",
        "1975",
        "--source",
        "Vården",
        "--note",
        "Föredrar kvällar",
        "--date",
        "2026-11-02",
        "--json",
    )
    assert json.loads(result.stdout) == {
        "id": 1,
        "status": "waiting",
        "same_person_as": None,
        "ready": [],
        "theme": "Utmattning",
        "area": "Jönköping",
        "default_area": False,
    }
    shown = json.loads(run("intake", "show", "1", "--json").stdout)
    assert shown == {
        "id": 1,
        "name": "Anna",
        "theme": "Utmattning",
        "area": "Jönköping",
        "also_themes": ["Stress och oro"],
        "also_areas": ["Huskvarna"],
        "status": "waiting",
        "date": "2026-11-02",
        "status_date": "2026-11-02",
        "phone": "070-123 45 67",
        "email": "anna@example.se",
        "gender": "woman",
        "birth_year": 1975,
        "source": "vården",
        "groups": [],
        "note": "Föredrar kvällar",
        "confirmed_on": "2026-11-02",
        "basis": "consent",
        "consent_on": "2026-11-02",
        "informed_on": None,
        "info_version": "1",
    }
    table = run("intake", "show", "1").stdout
    assert "Anna" in table and "070-123 45 67" in table


def test_default_area_and_date(run: Run, db: Path) -> None:
    run("intake", "add", "--consent", "--name", "Bo", "--theme", "Ensamhet")
    (row,) = json.loads(run("intake", "list", "--json").stdout)
    assert row == {
        "id": 1,
        "name": "Bo",
        "theme": "Ensamhet",
        "area": "Hela länet",
        "status": "waiting",
        "date": "2026-11-24",
    }


def test_alias_and_new_theme(run: Run, db: Path) -> None:
    run(
        "intake", "add", "--consent", "--name", "Bo", "--theme", "sorg"
    )  # an alias of "Nära anhörigs död"
    add(
        run,
        "Cilla",
        "Att vara ny i Sverige",
        "--new-theme",
        "--area",
        "Gislaved",
        "--new-area",
    )
    rows = json.loads(run("intake", "list", "--json").stdout)
    assert [(r["theme"], r["area"]) for r in rows] == [
        ("Nära anhörigs död", "Hela länet"),
        ("Att vara ny i Sverige", "Gislaved"),
    ]


def test_fifth_registration_proposes_a_group(run: Run, db: Path) -> None:
    register(run, 4)
    result = add(
        run,
        "Femte",
        "Utmattning",
        "--area",
        "Jönköping",
        "--json",
    )
    assert json.loads(result.stdout)["ready"] == [
        {"theme": "Utmattning", "area": "Jönköping", "waiting": 5}
    ]
    assert "Next: shg groups start --theme Utmattning --area 'Jönköping'" in result.stderr
    # The sixth does not announce it again.
    result = add(
        run,
        "Sjätte",
        "Utmattning",
        "--area",
        "Jönköping",
        "--json",
    )
    assert json.loads(result.stdout)["ready"] == []


def test_alternative_choice_can_bring_a_pair_to_the_minimum(run: Run, db: Path) -> None:
    register(run, 4, "Ensamhet", "Huskvarna")
    result = add(
        run,
        "Ny",
        "Utmattning",
        "--area",
        "Jönköping",
        "--also-theme",
        "Ensamhet",
        "--also-area",
        "Huskvarna",
        "--json",
    )
    assert json.loads(result.stdout)["ready"] == [
        {"theme": "Ensamhet", "area": "Huskvarna", "waiting": 5}
    ]


def test_same_person_twice_is_refused_unless_forced(run: Run, db: Path) -> None:
    add(
        run,
        "Anna",
        "Ensamhet",
        "--phone",
        "0701234567",
    )
    result = add(run, " anna ", "ensamhet", code=1)
    assert "registration 1" in result.stderr and "--force" in result.stderr
    assert "Anna" not in result.stderr  # errors name record ids, not people
    # A different phone number means a different Anna.
    add(
        run,
        "Anna",
        "Ensamhet",
        "--phone",
        "0709999999",
    )
    add(run, "Anna", "Ensamhet", "--force")
    # The same Anna may wait for another theme too, once the coordinator says it is her.
    assert (
        "--same-person 1" in add(run, "Anna", "Utmattning", "--phone", "0701234567", code=1).stderr
    )
    result = add(run, "Anna", "Utmattning", "--phone", "0701234567", "--same-person", "1", "--json")
    assert json.loads(result.stdout)["same_person_as"] == 1
    assert len(json.loads(run("intake", "list", "--json").stdout)) == 4


def test_list_filters(run: Run, db: Path) -> None:
    register(run, 2, "Ensamhet", "Huskvarna")
    add(
        run,
        "Alt",
        "Utmattning",
        "--also-theme",
        "Ensamhet",
    )
    run("intake", "withdraw", "1")
    rows = json.loads(run("intake", "list", "--theme", "ensamhet", "--json").stdout)
    assert [r["id"] for r in rows] == [2, 3]  # waiting, by default
    rows = json.loads(
        run("intake", "list", "--theme", "ensamhet", "--status", "all", "--json").stdout
    )
    assert [r["id"] for r in rows] == [1, 2, 3]
    rows = json.loads(run("intake", "list", "--status", "withdrawn", "--json").stdout)
    assert [r["id"] for r in rows] == [1]
    table = run("intake", "list").stdout
    assert "Registrations: waiting (--status all lists every registration)" in table
    assert "Registrations: all" in run("intake", "list", "--status", "all").stdout
    rows = json.loads(
        run(
            "intake",
            "list",
            "--status",
            "waiting",
            "--theme",
            "Ensamhet",
            "--area",
            "Huskvarna",
            "--json",
        ).stdout
    )
    assert [r["id"] for r in rows] == [2]
    bad = run("intake", "list", "--status", "wating", code=2).stderr  # a usage error
    assert "'wating' is not one of 'waiting', 'placed', 'withdrawn', 'referred', 'all'" in bad
    assert "No registrations match" in run("intake", "list", "--status", "referred").stdout


def test_withdraw_and_refer(run: Run, db: Path) -> None:
    register(run, 2)
    assert json.loads(run("intake", "withdraw", "1", "--json").stdout) == {
        "id": 1,
        "status": "withdrawn",
    }
    assert json.loads(run("intake", "refer", "2", "--date", "2026-11-20", "--json").stdout) == {
        "id": 2,
        "status": "referred",
    }
    shown = json.loads(run("intake", "show", "2", "--json").stdout)
    assert (shown["status"], shown["status_date"]) == ("referred", "2026-11-20")
    result = run("intake", "withdraw", "1", code=1)
    assert "already has the status withdrawn" in result.stderr


def test_bad_contact_details_are_refused_without_echoing_them(run: Run, db: Path) -> None:
    result = add(
        run,
        "Anna",
        "Ensamhet",
        "--email",
        "anna-at-home",
        code=1,
    )
    assert "e-mail" in result.stderr and "anna-at-home" not in result.stderr
    result = add(
        run,
        "Anna",
        "Ensamhet",
        "--phone",
        "ring mig",
        code=1,
    )
    assert "phone" in result.stderr and "ring mig" not in result.stderr
    assert (
        "gender"
        in add(
            run,
            "A",
            "Ensamhet",
            "--gender",
            "f",
            code=2,  # a usage error, listing the choices
        ).stderr
    )
    assert (
        "birth year"
        in add(
            run,
            "A",
            "Ensamhet",
            "--birth-year",
            "1850",
            code=1,
        ).stderr
    )
    assert (
        "after today"
        in add(
            run,
            "A",
            "Ensamhet",
            "--date",
            "2026-12-01",
            code=1,
        ).stderr
    )


def test_email_starting_with_a_dash(run: Run, db: Path) -> None:
    add(run, "A", "Ensamhet", "--email=-x@example.se")
    assert json.loads(run("intake", "show", "1", "--json").stdout)["email"] == "-x@example.se"


def test_names_that_look_like_markup_are_shown_as_typed(run: Run, db: Path) -> None:
    run("intake", "add", "--consent", "--name", "Anna [/b] [red]x", "--theme", "Ensamhet")
    assert "Anna [/b] [red]x" in run("intake", "list").stdout
    assert "Anna [/b] [red]x" in run("intake", "show", "1").stdout


def test_events_are_recorded_in_the_order_they_happened(run: Run, db: Path) -> None:
    register(run, 1)  # registered 2026-10-01
    run("intake", "confirm", "1", "--date", "2026-11-20")
    result = run("intake", "confirm", "1", "--date", "2026-11-10", code=1)
    assert "--date: 2026-11-10 is before registration 1 was last confirmed (2026-11-20)" in (
        result.stderr
    )
    result = run("intake", "withdraw", "1", "--date", "2026-11-19", code=1)
    assert "was last confirmed" in result.stderr
    run("intake", "withdraw", "1", "--date", "2026-11-20")


def test_list_offers_every_status_and_all() -> None:
    from shgroups.cli.intake import Shown
    from shgroups.enums import RegistrationStatus

    assert {s.value for s in Shown} == {*RegistrationStatus, "all"}
