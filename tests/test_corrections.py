"""Correcting what was recorded wrongly (`intake edit`) and putting a registration back in the
queue (`intake reinstate`): one transaction each, shown back as "Field: old → new", audited by
id only, refused with an error and a hint that works where it would break the register."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from conftest import Run, add, audit_text, hint_commands, refused, register, snapshot


def first_hint_command(stderr: str) -> list[str]:
    return hint_commands(stderr)[0]


def edit(run: Run, *args: str, code: int | None = 0) -> dict[str, object]:
    result = run("intake", "edit", *args, "--json", code=code)
    return json.loads(result.stdout) if code == 0 else {}


def show(run: Run, reg: int) -> dict[str, object]:
    return json.loads(run("intake", "show", str(reg), "--json").stdout)  # type: ignore[no-any-return]


def column(db: Path, sql: str) -> list[object]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute(sql)]
    finally:
        conn.close()


# --- intake edit ---------------------------------------------------------------------------------


def test_a_misspelt_name_and_number_are_corrected_and_shown_back(run: Run, db: Path) -> None:
    add(run, "Ana", "Ensamhet", "--area", "Jönköping", "--phone", "070-123 45 76")
    result = run("intake", "edit", "1", "--name", "Anna", "--phone", "070-123 45 67")
    assert "Name: Ana → Anna" in result.stderr
    assert "Phone: 070-123 45 76 → 070-123 45 67" in result.stderr
    assert "Registration 1 corrected." in result.stderr
    assert result.stdout == ""
    shown = show(run, 1)
    assert (shown["name"], shown["phone"]) == ("Anna", "070-123 45 67")
    # The corrected number is the one compared now: found, and recognised at a new intake.
    found = json.loads(run("intake", "list", "--search", "0701234567", "--json").stdout)
    assert [r["id"] for r in found] == [1]
    assert json.loads(run("intake", "list", "--search", "0701234576", "--json").stdout) == []
    stderr = refused(
        run, db, "intake", "add", "--consent", "--name", "anna", "--theme", "Utmattning",
        "--phone", "+46701234567",
    )  # fmt: skip
    assert "--same-person 1" in stderr


def test_the_json_answer_names_the_fields_with_old_and_new_values(run: Run, db: Path) -> None:
    add(run, "Bo", "Ensamhet", "--email", "bo@example.se", "--note", "kvällar")
    answer = edit(run, "1", "--email", "", "--note", "helst kvällar", "--birth-year", "1960")
    assert answer == {
        "id": 1,
        "changed": ["email", "note", "birth_year"],
        "changes": [
            {"field": "email", "old": "bo@example.se", "new": None},
            {"field": "note", "old": "kvällar", "new": "helst kvällar"},
            {"field": "birth_year", "old": None, "new": 1960},
        ],
        "registrations": [1],
        "ready": [],
    }
    assert show(run, 1)["email"] is None


def test_the_identity_is_the_persons_for_every_registration(run: Run, db: Path) -> None:
    add(run, "Cilla", "Ensamhet", "--email", "cilla@example.se")
    add(run, "Cilla", "Utmattning", "--email", "cilla@example.se")  # linked by the e-mail
    result = run("intake", "edit", "2", "--name", "Cecilia")
    assert "registration 1 shows the correction too" in result.stderr
    assert show(run, 1)["name"] == "Cecilia"
    # A fact is the registration's own.
    run("intake", "edit", "2", "--gender", "woman")
    assert (show(run, 1)["gender"], show(run, 2)["gender"]) == (None, "woman")


def test_theme_and_area_of_a_waiting_registration_and_a_group_that_can_start(
    run: Run, db: Path
) -> None:
    register(run, 4, "Ensamhet", "Huskvarna")
    add(run, "Dan", "Utmattning", "--area", "Jönköping", "--also-area", "Digital")
    result = run("intake", "edit", "5", "--theme", "ensamhet", "--area", "huskvarna")
    assert "Theme: Utmattning → Ensamhet" in result.stderr
    assert "Area: Jönköping → Huskvarna" in result.stderr
    assert "5 now wait for Ensamhet in Huskvarna: a group can start." in result.stderr
    assert "Next: shg groups start --theme Ensamhet --area Huskvarna" in result.stderr
    # An alias is recorded as its theme.
    answer = edit(
        run, "5", "--theme", "Smärta", "--also-theme", "Sorg", "--also-theme", "Stress och oro"
    )
    assert answer["changes"][0] == {  # type: ignore[index]
        "field": "theme",
        "old": "Ensamhet",
        "new": "Att leva med smärta",
    }
    shown = show(run, 5)
    assert shown["also_themes"] == ["Nära anhörigs död", "Stress och oro"]
    assert shown["also_areas"] == ["Digital"]
    # The alternatives are replaced as a whole; "" clears them.
    edit(run, "5", "--also-theme", "stress och oro")
    assert show(run, 5)["also_themes"] == ["Stress och oro"]
    answer = edit(run, "5", "--also-theme", "", "--also-area", "")
    assert answer["changed"] == ["also_themes", "also_areas"]
    assert (show(run, 5)["also_themes"], show(run, 5)["also_areas"]) == ([], [])


def test_nothing_to_change_changes_nothing(run: Run, db: Path) -> None:
    add(run, "Eva", "Ensamhet", "--phone", "070-123 45 67")
    before = snapshot(db)
    result = run("intake", "edit", "1", "--name", " Eva ", "--theme", "ensamhet")
    assert "Nothing to change: registration 1 already says so." in result.stderr
    assert edit(run, "1", "--name", "Eva")["changed"] == []
    assert snapshot(db) == before
    stderr = refused(run, db, "intake", "edit", "1")
    assert "nothing to correct was given" in stderr and "shg intake edit 1 --name NAME" in stderr


def test_a_corrected_registration_date_moves_what_was_recorded_with_it(run: Run, db: Path) -> None:
    add(run, "Fia", "Ensamhet", "--date", "2026-11-20")
    run("intake", "edit", "1", "--date", "2026-10-20")
    shown = show(run, 1)
    assert shown["date"] == shown["status_date"] == shown["confirmed_on"] == "2026-10-20"
    assert shown["consent_on"] == "2026-10-20"
    run("intake", "confirm", "1", "--date", "2026-11-01")
    stderr = refused(run, db, "intake", "edit", "1", "--date", "2026-11-02")
    assert "--date: 2026-11-02 is after registration 1 was last confirmed (2026-11-01)" in stderr
    assert "shg intake show 1" in stderr
    assert "after today" in refused(run, db, "intake", "edit", "1", "--date", "2026-12-01")
    run("intake", "edit", "1", "--date", "2026-09-01")  # earlier is fine: the confirmation stays
    assert show(run, 1)["confirmed_on"] == "2026-11-01"


def test_the_theme_of_someone_placed_is_refused_with_a_way_that_works(run: Run, db: Path) -> None:
    register(run, 5)
    run("groups", "start", "--theme", "Utmattning", "--area", "Jönköping")
    stderr = refused(run, db, "intake", "edit", "2", "--theme", "Ensamhet")
    assert "registration 2 is placed in group 1" in stderr
    command = first_hint_command(stderr)
    assert command == ["groups", "remove-member", "1", "2", "--requeue"]
    run(*command)
    run("intake", "edit", "2", "--theme", "Ensamhet")
    assert show(run, 2)["theme"] == "Ensamhet"
    # Their name can be corrected while they are placed.
    run("intake", "edit", "3", "--name", "Person Tre")


def test_the_theme_of_a_withdrawn_registration_needs_it_back_in_the_queue(
    run: Run, db: Path
) -> None:
    register(run, 1)
    run("intake", "withdraw", "1")
    stderr = refused(run, db, "intake", "edit", "1", "--area", "Huskvarna")
    assert "registration 1 is not waiting (status: withdrawn)" in stderr
    command = first_hint_command(stderr)
    assert command == ["intake", "reinstate", "1"]
    run(*command)
    run("intake", "edit", "1", "--area", "Huskvarna")


def test_a_correction_that_makes_two_identities_look_alike_is_refused(run: Run, db: Path) -> None:
    add(run, "Gun", "Ensamhet", "--phone", "036-12 34 56")
    add(run, "Gunn", "Utmattning", "--phone", "036123456")
    stderr = refused(run, db, "intake", "edit", "2", "--name", "Gun")
    assert "same name and phone number or e-mail address as registration 1" in stderr
    assert "shg intake show 1" in stderr and "--force" in stderr
    run("intake", "edit", "2", "--name", "Gun", "--force")  # two people sharing a landline
    assert show(run, 2)["name"] == "Gun"
    assert column(db, "SELECT count(*) FROM persons") == [2]


def test_the_same_person_twice_for_one_theme_is_refused(run: Run, db: Path) -> None:
    add(run, "Hans", "Ensamhet", "--email", "hans@example.se")
    add(run, "Hans", "Utmattning", "--email", "hans@example.se")
    stderr = refused(run, db, "intake", "edit", "2", "--theme", "Ensamhet")
    assert "registration 1 of the same person is already for this theme" in stderr
    add(run, "Ida", "Stress och oro")
    add(run, "Ida", "Utmattning", "--phone", "070-555 55 55")
    stderr = refused(run, db, "intake", "edit", "4", "--theme", "Stress och oro")
    assert "look like registration 3" in stderr and "--force" in stderr
    run("intake", "edit", "4", "--theme", "Stress och oro", "--force")


def test_mistakes_in_a_correction_are_refused_and_change_nothing(run: Run, db: Path) -> None:
    add(run, "Jan", "Ensamhet", "--phone", "070-999 88 77")
    cases = [
        (["--phone", "ring mig"], "the phone number is not valid"),
        (["--email", "jan-at-home"], "the e-mail address is not valid"),
        (["--name", ""], "the name must be 1 to 100 characters"),
        (["--name", "811228-9874"], "personal identity number"),
        (["--note", "pnr 811228-9874"], "personal identity number"),
        (["--birth-year", "1850"], "birth year 1850 is not plausible"),
        (["--source", "Dr Berg"], "not one of the county's sources"),
        (["--theme", "Utmatning"], "unknown theme 'Utmatning'"),
        (["--area", "Jonkopng"], "unknown area"),
        (["--also-theme", "Nonsens"], "unknown theme"),
        (["--date", "2026-13-01"], "not a valid date"),
    ]
    for args, said in cases:
        stderr = refused(run, db, "intake", "edit", "1", *args)
        assert said in stderr, (args, stderr)
        assert "Jan" not in stderr and "999 88" not in stderr
    assert "shg intake list" in refused(run, db, "intake", "edit", "99", "--name", "X")
    # An unknown theme may be created on purpose, as the hint says.
    assert "--new-theme" in refused(run, db, "intake", "edit", "1", "--theme", "Nytt tema")
    run("intake", "edit", "1", "--theme", "Nytt tema", "--new-theme")
    assert show(run, 1)["theme"] == "Nytt tema"


def test_an_erased_registration_has_no_identity_to_correct(run: Run, db: Path) -> None:
    add(run, "Kim", "Ensamhet")
    run("person", "erase", "1", "--yes")
    stderr = refused(run, db, "intake", "edit", "1", "--name", "Kim")
    assert "it was erased" in stderr and "shg audit --person 1" in stderr
    run("intake", "edit", "1", "--gender", "man")  # a fact of the statistics may be corrected


def test_corrections_are_audited_by_id_and_never_by_what_they_said(run: Run, db: Path) -> None:
    add(run, "Lena Hemlig", "Ensamhet", "--phone", "070-123 45 67", "--note", "kvällar")
    run("intake", "edit", "1", "--name", "Lena Hemligsson", "--phone", "070-765 43 21",
        "--email", "lena@example.se", "--note", "dagtid", "--theme", "Utmattning")  # fmt: skip
    rows = json.loads(run("audit", "--person", "1", "--json").stdout)
    assert [(r["action"], r["entity_id"]) for r in rows][-1] == ("registration.edit", 1)
    assert "corrected" in run("audit", "--person", "1").stdout
    text = audit_text(db)
    for token in ("Lena", "Hemlig", "123 45", "765 43", "example", "kvällar", "dagtid", "Utmat"):
        assert token not in text


# --- intake reinstate ----------------------------------------------------------------------------


def test_a_withdrawn_person_waits_again_in_their_old_place(run: Run, db: Path) -> None:
    register(run, 2)  # registered 2026-10-01 and 2026-10-02
    run("intake", "withdraw", "1", "--date", "2026-11-01")
    result = run("intake", "reinstate", "1")
    assert (
        "Registration 1 waits again, registered 2026-10-01 (its place in the queue), "
        "confirmed 2026-11-24." in result.stderr
    )
    shown = show(run, 1)
    assert (shown["status"], shown["date"], shown["status_date"], shown["confirmed_on"]) == (
        "waiting",
        "2026-10-01",
        "2026-11-24",
        "2026-11-24",
    )
    rows = json.loads(run("intake", "list", "--json").stdout)
    assert [r["id"] for r in rows] == [1, 2]  # first in the queue again
    assert json.loads(run("audit", "--person", "1", "--json").stdout)[-1]["action"] == (
        "registration.reinstate"
    )


def test_a_referred_person_reinstated_with_a_new_date_goes_to_the_back(run: Run, db: Path) -> None:
    register(run, 2)
    run("intake", "refer", "1", "--date", "2026-10-10")
    answer = json.loads(run("intake", "reinstate", "1", "--date", "2026-11-20", "--json").stdout)
    assert answer == {
        "id": 1,
        "status": "waiting",
        "date": "2026-11-20",
        "confirmed_on": "2026-11-20",
        "ready": [],
    }
    rows = json.loads(run("intake", "list", "--json").stdout)
    assert [r["id"] for r in rows] == [2, 1]


def test_reinstating_the_fifth_says_a_group_can_start(run: Run, db: Path) -> None:
    register(run, 5)
    run("intake", "withdraw", "5")
    result = run("intake", "reinstate", "5")
    assert "5 now wait for Utmattning in Jönköping: a group can start." in result.stderr


def test_what_cannot_be_reinstated_is_refused_with_a_way_that_works(run: Run, db: Path) -> None:
    register(run, 6)
    stderr = refused(run, db, "intake", "reinstate", "6")
    assert "registration 6 is waiting already" in stderr
    run(*first_hint_command(stderr))  # shg intake confirm 6
    run("groups", "start", "--theme", "Utmattning", "--area", "Jönköping", "--members", "1 2 3 4 5")
    stderr = refused(run, db, "intake", "reinstate", "2")
    assert "registration 2 is placed in group 1" in stderr
    assert first_hint_command(stderr) == ["groups", "remove-member", "1", "2", "--requeue"]
    run(*first_hint_command(stderr))
    assert show(run, 2)["status"] == "waiting"
    # Erased, and dates out of order.
    run("person", "erase", "6", "--yes")
    assert "it was erased" in refused(run, db, "intake", "reinstate", "6")
    assert "shg intake list" in refused(run, db, "intake", "reinstate", "99")
    run("intake", "withdraw", "2")
    stderr = refused(run, db, "intake", "reinstate", "2", "--date", "2026-11-23")
    assert "2026-11-23 is before registration 2 left the queue (2026-11-24)" in stderr
    assert "after today" in refused(run, db, "intake", "reinstate", "2", "--date", "2026-11-25")


def test_a_retired_theme_is_not_waited_for_again(run: Run, db: Path) -> None:
    register(run, 1, "Ensamhet", "Jönköping")
    run("intake", "withdraw", "1")
    run("themes", "retire", "Ensamhet")
    stderr = refused(run, db, "intake", "reinstate", "1")
    assert "theme 'Ensamhet' is retired" in stderr and "shg intake add" in stderr
    run("themes", "list")  # the command the hint names to see the current themes


def test_a_retired_area_is_neither_chosen_nor_waited_in_again(run: Run, db: Path) -> None:
    register(run, 1, "Ensamhet", "Huskvarna")
    register(run, 1, "Ensamhet", "Jönköping", 2)
    run("intake", "withdraw", "1")
    conn = sqlite3.connect(db)  # `areas retire` is another part of this work
    with conn:
        conn.execute("UPDATE areas SET retired_on = '2026-11-01' WHERE name = 'Huskvarna'")
    conn.close()
    stderr = refused(run, db, "intake", "reinstate", "1")
    assert "area 'Huskvarna' is retired" in stderr and "shg intake add" in stderr
    run("areas", "list")  # named by the hint
    stderr = refused(run, db, "intake", "edit", "2", "--area", "Huskvarna")
    assert "area 'Huskvarna' is retired" in stderr and "shg areas list" in stderr


def test_the_commands_hints_name_work(run: Run, db: Path) -> None:
    add(run, "Gun", "Ensamhet", "--phone", "036-12 34 56")
    add(run, "Gunn", "Utmattning", "--phone", "036123456", "--date", "2026-11-01")
    run("intake", "confirm", "2", "--date", "2026-11-10")
    for args in (
        ["intake", "edit", "2"],  # shg intake edit 2 --name NAME
        ["intake", "edit", "2", "--name", "Gun"],  # shg intake show 1
        ["intake", "edit", "2", "--date", "2026-11-11"],  # shg intake show 2
    ):
        command = [part for part in first_hint_command(refused(run, db, *args)) if part != "NAME"]
        if command[-1] == "--name":
            command += ["Gunn"]
        run(*command)
    run("intake", "edit", "--help")
