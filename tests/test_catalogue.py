"""Correcting the catalogue (issue 10): themes restored; areas renamed, retired, restored and
made the default; staff renamed, retired, restored. What is retired takes nothing new; its
history stays; retiring a theme or area with people waiting says how many and asks."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from conftest import Run, add, hint_commands, register, snapshot, start

from shgroups.cli.hints import explain
from shgroups.errors import ShgError
from shgroups.services import catalogue
from shgroups.storage import open_db


def names(run: Run, kind: str, *extra: str) -> list[str]:
    return [r["name"] for r in json.loads(run(kind, "list", *extra, "--json").stdout)]


def audit_actions(run: Run) -> list[tuple[str, str, int | None]]:
    return [
        (a["action"], a["entity"], a["entity_id"])
        for a in json.loads(run("audit", "--json").stdout)
    ]


# --- themes ------------------------------------------------------------------------------------


def test_a_retired_theme_is_restored(run: Run, db: Path) -> None:
    run("themes", "retire", "Ensamhet")
    refused = add(run, "Ada", "Ensamhet", code=1)
    assert "theme 'Ensamhet' is retired" in refused.stderr
    assert "shg themes restore 'Ensamhet'" in refused.stderr
    # The hint's command works, and the theme takes registrations again.
    result = run("themes", "restore", "Ensamhet")
    assert "takes registrations again" in result.stderr
    add(run, "Ada", "Ensamhet")
    assert "Ensamhet" in names(run, "themes")
    theme_id = json.loads(run("themes", "list", "--json").stdout)
    (ensamhet,) = [t for t in theme_id if t["name"] == "Ensamhet"]
    assert ensamhet["retired"] is None
    assert audit_actions(run)[-3:-1] == [
        ("theme.retire", "theme", ensamhet["id"]),
        ("theme.restore", "theme", ensamhet["id"]),
    ]


def test_retiring_a_theme_people_wait_for_asks_and_they_keep_waiting(run: Run, db: Path) -> None:
    ids = register(run, 5, "Utmattning", "Jönköping")
    add(run, "Also", "Ensamhet", "--also-theme", "Utmattning", "--area", "Jönköping")
    before = snapshot(db)
    refused = run("themes", "retire", "Utmattning", code=1)
    assert refused.stderr.startswith("6 people wait for theme 'Utmattning'")
    assert "they keep waiting" in refused.stderr
    assert "shg intake list --theme 'Utmattning'" in refused.stderr
    assert "Error: this changes the register and needs a yes; nothing was changed" in (
        refused.stderr
    )
    assert snapshot(db) == before
    done = json.loads(run("themes", "retire", "Utmattning", "--yes", "--json").stdout)
    assert (done["name"], done["retired"], done["waiting"]) == ("Utmattning", "2026-11-24", 6)
    # They keep waiting, and still count in `groups ready`.
    waiting = json.loads(run("intake", "list", "--theme", "Utmattning", "--json").stdout)
    assert [r["id"] for r in waiting if r["status"] == "waiting"] == [*ids, 6]
    ready = json.loads(run("groups", "ready", "--json").stdout)
    assert [(p["theme"], p["area"]) for p in ready] == [("Utmattning", "Jönköping")]
    # No new group starts for it until it is restored (the hint says how).
    refused = start(run, code=1)
    assert "theme 'Utmattning' is retired" in refused.stderr
    assert "shg themes restore 'Utmattning'" in refused.stderr
    run("themes", "restore", "Utmattning")
    start(run)


def test_one_person_waiting_is_said_in_the_singular(run: Run, db: Path) -> None:
    add(run, "Ada", "Ensamhet")
    refused = run("themes", "retire", "Ensamhet", code=1)
    assert refused.stderr.startswith("1 person waits for theme 'Ensamhet'")


# --- areas -------------------------------------------------------------------------------------


def test_areas_rename_and_the_old_name_stops_matching(run: Run, db: Path) -> None:
    (reg,) = register(run, 1, "Ensamhet", "Huskvarna")
    result = run("areas", "rename", "huskvarna", "Huskvarna/Tenhult")
    assert result.stderr == "Area 3 is now called Huskvarna/Tenhult.\n"
    assert json.loads(run("intake", "show", str(reg), "--json").stdout)["area"] == (
        "Huskvarna/Tenhult"
    )
    # Areas keep no other names: the old one is unknown now (did you mean the new one?).
    refused = add(run, "Bea", "Ensamhet", "--area", "Huskvarna", code=1)
    assert "unknown area 'Huskvarna'" in refused.stderr
    assert "Huskvarna/Tenhult" in refused.stderr
    add(run, "Bea", "Ensamhet", "--area", "huskvarna/tenhult")
    assert ("area.rename", "area", 3) in audit_actions(run)


def test_a_retired_area_takes_no_registrations_or_groups_and_is_restored(
    run: Run, db: Path
) -> None:
    register(run, 5, "Utmattning", "Huskvarna")
    refused = run("areas", "retire", "Huskvarna", code=1)
    assert refused.stderr.startswith("5 people wait in area 'Huskvarna'")
    run("areas", "retire", "Huskvarna", "-y")
    assert "Huskvarna" not in names(run, "areas")
    listed = json.loads(run("areas", "list", "--retired", "--json").stdout)
    assert [(a["name"], a["waiting"], a["retired"]) for a in listed if a["retired"]] == [
        ("Huskvarna", 5, "2026-11-24")
    ]
    assert "Retired" in run("areas", "list", "--retired").stdout
    assert "Retired" not in run("areas", "list").stdout
    for refused in (
        add(run, "Ny", "Ensamhet", "--area", "Huskvarna", code=1),
        add(run, "Ny", "Ensamhet", "--also-area", "Huskvarna", code=1),
        start(run, area="Huskvarna", code=1),
    ):
        assert "area 'Huskvarna' is retired" in refused.stderr
        assert "shg areas restore 'Huskvarna'" in refused.stderr
    # Its history stays: the people wait there still, and lists by area find them.
    assert len(json.loads(run("intake", "list", "--area", "Huskvarna", "--json").stdout)) == 5
    assert run("areas", "restore", "Huskvarna").stderr == (
        "Area 3 (Huskvarna) takes registrations and groups again.\n"
    )
    start(run, area="Huskvarna")
    assert [a[0] for a in audit_actions(run) if a[0].startswith("area.")][-2:] == [
        "area.retire",
        "area.restore",
    ]


def test_the_default_area_is_retired_only_after_another_is_made_the_default(
    run: Run, db: Path
) -> None:
    before = snapshot(db)
    refused = run("areas", "retire", "Hela länet", code=1)
    assert "area 'Hela länet' is the default area" in refused.stderr
    assert "shg areas default AREA" in refused.stderr
    assert snapshot(db) == before
    result = run("areas", "default", "Jönköping")
    assert "Area 2 (Jönköping) is the default" in result.stderr
    run("areas", "retire", "Hela länet")
    shown = json.loads(add(run, "Ada", "Ensamhet", "--json").stdout)
    assert json.loads(run("intake", "show", str(shown["id"]), "--json").stdout)["area"] == (
        "Jönköping"
    )
    areas = {a["name"]: a for a in json.loads(run("areas", "list", "--retired", "--json").stdout)}
    assert areas["Jönköping"]["default"] and not areas["Hela länet"]["default"]
    assert ("area.default", "area", 2) in audit_actions(run)


# --- staff -------------------------------------------------------------------------------------


def test_staff_rename_retire_and_restore(run: Run, db: Path) -> None:
    run("staff", "add", "Maria Ek")
    register(run, 5)
    start(run, "--starter", "Eva Lind", "--date", "2026-10-06")
    assert run("staff", "rename", "eva lind", "Eva Lindqvist").stderr == (
        "Staff member 1 is now called Eva Lindqvist.\n"
    )
    assert json.loads(run("groups", "show", "1", "--json").stdout)["starter"] == "Eva Lindqvist"
    result = run("staff", "retire", "Eva Lindqvist")
    assert result.stderr == (
        "Retired staff member 1: Eva Lindqvist.\n"
        "They still start 1 group: 1. Hand it over to someone else with "
        "`shg groups set 1 --starter NAME`.\n"
    )
    # Their running group keeps them; lists show them only with --retired.
    assert json.loads(run("groups", "show", "1", "--json").stdout)["starter"] == "Eva Lindqvist"
    assert names(run, "staff") == ["Maria Ek"]
    (retired,) = [
        s for s in json.loads(run("staff", "list", "--retired", "--json").stdout) if s["retired"]
    ]
    assert (retired["name"], retired["groups"], retired["retired"]) == (
        "Eva Lindqvist",
        1,
        "2026-11-24",
    )
    # The hand-over the message names works.
    run("groups", "set", "1", "--starter", "Maria Ek")
    assert json.loads(run("groups", "show", "1", "--json").stdout)["starter"] == "Maria Ek"
    assert run("staff", "restore", "Eva Lindqvist").stderr == (
        "Staff member 1 (Eva Lindqvist) can be given groups again.\n"
    )
    assert names(run, "staff") == ["Eva Lindqvist", "Maria Ek"]
    assert [a for a in audit_actions(run) if a[1] == "staff"][-3:] == [
        ("staff.rename", "staff", 1),
        ("staff.retire", "staff", 1),
        ("staff.restore", "staff", 1),
    ]
    groups = json.loads(run("staff", "retire", "Maria Ek", "--json").stdout)["groups"]
    assert groups == [1]


def test_a_retired_staff_member_is_no_new_starter(run: Run, db: Path) -> None:
    """`catalogue.resolve_starter`, for starting a group and handing one over; finding the
    groups a retired starter still has (lists, filters) uses `resolve` and finds them."""
    run("staff", "retire", "Eva Lind")
    store = open_db(str(db))
    try:
        with pytest.raises(ShgError) as refused:
            catalogue.resolve_starter(store, "eva lind")
        assert catalogue.resolve(store, "staff", "eva lind")["name"] == "Eva Lind"
    finally:
        store.close()
    assert (refused.value.code, refused.value.field) == ("staff.retired", "starter")
    message, hint = explain(refused.value, "--starter")
    assert message == "--starter: staff member 'Eva Lind' is retired"
    assert "shg staff restore 'Eva Lind'" in hint
    run("staff", "restore", "Eva Lind")  # the hint's command works


def test_retired_themes_areas_and_staff_in_json_and_csv(run: Run, db: Path) -> None:
    run("areas", "retire", "Digital")
    run("staff", "retire", "Eva Lind")
    areas = json.loads(run("areas", "list", "--retired", "--json").stdout)
    assert list(areas[0]) == ["id", "name", "waiting", "digital", "default", "retired"]
    assert [a["name"] for a in areas if a["retired"]] == ["Digital"]
    staff = run("staff", "list", "--retired", "--format", "csv").stdout
    assert staff.splitlines() == ["id,name,role,groups,retired", "1,Eva Lind,starter,0,2026-11-24"]


# --- mistakes: exit 1, Error: and a hint, nothing written --------------------------------------


@pytest.fixture
def catalogue_register(run: Run, db: Path) -> Path:
    register(run, 2, "Utmattning", "Jönköping")
    run("areas", "add", "Gamla stan")
    run("areas", "retire", "Gamla stan")
    run("themes", "retire", "Ensamhet")
    run("staff", "add", "Maria Ek")
    run("staff", "retire", "Maria Ek")
    return db


CATALOGUE_MISTAKES = [
    (["themes", "restore", "Utmattning"], "theme 'Utmattning' is not retired", "themes list"),
    (["themes", "restore", "Utmatning"], "unknown theme 'Utmatning'", "Did you mean"),
    (["themes", "retire", "Ensamhet"], "theme 'Ensamhet' is already retired", "--retired"),
    (["themes", "retire", "Utmattning"], "needs a yes", "--yes"),
    (["areas", "retire", "Jönköping"], "needs a yes", "--yes"),
    (["areas", "retire", "Hela länet"], "is the default area", "shg areas default AREA"),
    (["areas", "retire", "Gamla stan"], "area 'Gamla stan' is already retired", "--retired"),
    (["areas", "restore", "Jönköping"], "area 'Jönköping' is not retired", "areas list"),
    (["areas", "rename", "Jönköping", "huskvarna"], "area 'Huskvarna' already exists", "areas"),
    (["areas", "rename", "Jönköping", " "], "must be 1 to 120 characters", "Jönköping"),
    (["areas", "rename", "Jonkoping", "X"], "unknown area 'Jonkoping'", "Did you mean"),
    (["areas", "default", "Gamla stan"], "area 'Gamla stan' is retired", "areas restore"),
    (
        [
            "intake",
            "add",
            "--consent",
            "--name",
            "X",
            "--theme",
            "Utmattning",
            "--area",
            "gamla stan",
        ],
        "--area: area 'Gamla stan' is retired",
        "shg areas restore 'Gamla stan'",
    ),  # fmt: skip
    (
        ["groups", "start", "--theme", "Utmattning", "--area", "Gamla stan", "--members", "1,2"],
        "--area: area 'Gamla stan' is retired",
        "shg areas restore 'Gamla stan'",
    ),
    (["staff", "retire", "Maria Ek"], "staff member 'Maria Ek' is already retired", "--retired"),
    (["staff", "retire", "Olle"], "unknown staff member 'Olle'", "shg staff add"),
    (["staff", "restore", "Eva Lind"], "staff member 'Eva Lind' is not retired", "staff list"),
    (["staff", "rename", "Eva Lind", "maria ek"], "'Maria Ek' already exists", "--retired"),
    (["staff", "add", "Maria Ek"], "'Maria Ek' already exists", "staff list --retired"),
    (["areas", "add", "gamla stan"], "'Gamla stan' already exists", "areas restore AREA"),
    (["themes", "add", "ensamhet"], "'Ensamhet' already exists", "themes restore THEME"),
]


@pytest.mark.parametrize(
    ("args", "error", "hint"),
    CATALOGUE_MISTAKES,
    ids=[" ".join(m[0][:3]) for m in CATALOGUE_MISTAKES],
)
def test_catalogue_mistake_changes_nothing(
    run: Run, catalogue_register: Path, args: list[str], error: str, hint: str
) -> None:
    before = snapshot(catalogue_register)
    result = run(*args, code=1)
    errors = result.stderr[result.stderr.index("Error: ") :]  # after what a question shows
    assert error in errors, result.stderr
    assert "Hint: " in errors and hint in errors.split("Hint: ", 1)[1], result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert snapshot(catalogue_register) == before
    # Every command the hint names exists and works here (a placeholder filled in), except
    # one it names to be given an option (`shg intake add`).
    for named in hint_commands(errors):
        if named != ["intake", "add"]:
            run(*shlex.split(filled(shlex.join(named))))


# A placeholder in a hint's command, as a coordinator would fill it in this register.
PLACEHOLDERS = {
    "themes restore THEME": "themes restore Ensamhet",
    "areas restore AREA": "areas restore 'Gamla stan'",
    "staff restore NAME": "staff restore 'Maria Ek'",
    "AREA": "Jönköping",
    "NAME": "Ny",
}


def filled(command: str) -> str:
    for placeholder, value in PLACEHOLDERS.items():
        command = command.replace(placeholder, value)
    return command


def test_more_people_waiting_than_were_agreed_to_refuses(run: Run, db: Path) -> None:
    """Between the question and the yes, someone registered: the retirement is refused."""
    register(run, 2, "Ensamhet", "Jönköping")
    before = snapshot(db)
    store = open_db(str(db))
    try:
        with pytest.raises(ShgError) as refused:
            catalogue.retire(store, "theme", "Ensamhet", "2026-11-24", keep_waiting=1)
    finally:
        store.close()
    assert refused.value.code == "theme.still_waiting"
    assert refused.value.message == "2 people still wait for theme 'Ensamhet'"
    assert snapshot(db) == before
    _message, hint = explain(refused.value, None)
    assert hint == (
        "`shg intake list --theme 'Ensamhet'` lists them; run `shg themes retire 'Ensamhet'` "
        "again: it says how many wait and asks"
    )
    assert len(json.loads(run("intake", "list", "--theme", "Ensamhet", "--json").stdout)) == 2
    done = json.loads(
        run("themes", "retire", "Ensamhet", "--date", "yesterday", "-y", "--json").stdout
    )
    assert (done["retired"], done["waiting"]) == ("2026-11-23", 2)
