"""init, settings, themes, areas, staff."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from conftest import Run, add


def test_init_creates_a_private_database_with_the_catalogue(run: Run, environment: Path) -> None:
    result = run("init", "--county", "Jönköpings län", "--json")
    assert json.loads(result.stdout) == {"db": str(environment), "created": True, "set_aside": []}
    assert stat.S_IMODE(environment.stat().st_mode) == 0o600
    themes = json.loads(run("themes", "list", "--json").stdout)
    names = [t["name"] for t in themes]
    assert "Utmattning" in names and "Att vara anhörig" in names
    assert all(t["waiting"] == 0 and set(t) >= {"id", "name", "waiting"} for t in themes)
    areas = json.loads(run("areas", "list", "--json").stdout)
    assert [(a["name"], a["default"]) for a in areas] == [("Hela länet", True)]


def test_init_twice_changes_nothing(run: Run, environment: Path) -> None:
    run("init")
    before = environment.read_bytes()
    assert json.loads(run("init", "--json").stdout) == {
        "db": str(environment),
        "created": False,
        "set_aside": [],
    }
    assert environment.read_bytes() == before


def test_init_in_norwegian_names_themes_in_norwegian(run: Run) -> None:
    run("init", "--language", "nb")
    names = [t["name"] for t in json.loads(run("themes", "list", "--json").stdout)]
    assert "Utmattelse" in names
    # The Swedish name still matches, as an alias.
    run("intake", "add", "--consent", "--name", "Kari", "--theme", "Utmattning")
    listed = json.loads(run("intake", "list", "--json").stdout)
    assert listed[0]["theme"] == "Utmattelse" and listed[0]["area"] == "Hele fylket"


def test_settings_show_and_set(run: Run, db: Path) -> None:
    values = json.loads(run("settings", "show", "--json").stdout)
    assert values == {
        "county": "Testlän",
        "language": "sv",
        "country": "SE",
        "klamdag": "off",
        "min_size": 5,
        "max_size": 8,
        "starter_sessions": 4,
        "session_holidays": "move",
        "session_minutes": 120,
        "followup_weeks": 6,
        "legal_basis": "consent",
        "info_version": "1",
        "waiting_months": 12,
        "identity_months": 6,
        "min_cell": 5,
        "sources": "vården,1177,socialtjänsten,försäkringskassan,broschyr,annons,vän,kyrkan,"
        "webben,annat",
    }
    assert json.loads(run("settings", "set", "min_size", "4", "--json").stdout)["min_size"] == 4
    assert json.loads(run("settings", "show", "--json").stdout)["min_size"] == 4


def test_settings_are_validated(run: Run, db: Path) -> None:
    result = run("settings", "set", "min_size", "1", code=1)
    assert "min_size must be a whole number from 2 to 50" in result.stderr
    result = run("settings", "set", "min_size", "9", code=1)
    assert "larger than max_size" in result.stderr
    result = run("settings", "set", "followup_weeks", "six", code=1)
    assert "followup_weeks" in result.stderr
    result = run("settings", "set", "min-size", "4", code=1)
    assert "Did you mean 'min_size'" in result.stderr
    assert json.loads(run("settings", "show", "--json").stdout)["min_size"] == 5


def test_themes_add_rename_retire(run: Run, db: Path) -> None:
    added = json.loads(
        run("themes", "add", "Att vara nyinflyttad", "--alias", "nyinflyttad", "--json").stdout
    )
    run("intake", "add", "--consent", "--name", "Ada", "--theme", "NYINFLYTTAD")
    run("themes", "rename", "Att vara nyinflyttad", "Ny i stan")
    themes = {t["name"]: t for t in json.loads(run("themes", "list", "--json").stdout)}
    assert themes["Ny i stan"] == {
        "id": added["id"],
        "name": "Ny i stan",
        "waiting": 1,
        "retired": None,
    }
    # The old name keeps matching after a rename.
    run("intake", "add", "--consent", "--name", "Bea", "--theme", "att vara  nyinflyttad")
    # A theme with people waiting is retired only with a yes: it says how many wait …
    result = run("themes", "retire", "Ny i stan", code=1)
    assert "2 people wait for theme 'Ny i stan'" in result.stderr
    assert "Error: this changes the register and needs a yes" in result.stderr
    assert "--yes" in result.stderr
    assert "Ny i stan" in [t["name"] for t in json.loads(run("themes", "list", "--json").stdout)]
    # … one without is retired without asking, takes no new registrations, stays in history.
    run("themes", "retire", "Ensamhet")
    assert "Ensamhet" not in [t["name"] for t in json.loads(run("themes", "list", "--json").stdout)]
    assert "Ensamhet" in [
        t["name"] for t in json.loads(run("themes", "list", "--retired", "--json").stdout)
    ]
    result = add(run, "Cid", "Ensamhet", code=1)
    assert "retired" in result.stderr
    result = run("themes", "add", "utmattning", code=1)
    assert "already exists" in result.stderr


def test_areas_and_default(run: Run, db: Path) -> None:
    run("intake", "add", "--consent", "--name", "Ada", "--theme", "Ensamhet")
    run("areas", "add", "Habo/Mullsjö", "--default")
    run("intake", "add", "--consent", "--name", "Bea", "--theme", "Ensamhet")
    areas = {a["name"]: a for a in json.loads(run("areas", "list", "--json").stdout)}
    assert areas["Hela länet"]["waiting"] == 1 and not areas["Hela länet"]["default"]
    assert areas["Habo/Mullsjö"]["waiting"] == 1 and areas["Habo/Mullsjö"]["default"]
    assert areas["Digital"]["digital"] is True
    assert "already exists" in run("areas", "add", "JÖNKÖPING", code=1).stderr


def test_staff(run: Run, db: Path) -> None:
    run("staff", "add", "Maria Ek", "--role", "coordinator")
    staff = json.loads(run("staff", "list", "--json").stdout)
    assert [(s["name"], s["role"]) for s in staff] == [
        ("Eva Lind", "starter"),
        ("Maria Ek", "coordinator"),
    ]
    bad = run("staff", "add", "Olle", "--role", "boss", code=2).stderr  # a usage error
    assert "'boss' is not one of 'starter', 'coordinator'" in bad
    assert "already exists" in run("staff", "add", "eva lind", code=1).stderr


def test_tables_are_readable(run: Run, db: Path) -> None:
    out = run("themes", "list").stdout
    assert "Theme" in out and "Utmattning" in out and "{" not in out
    assert "min_size" in run("settings", "show").stdout
