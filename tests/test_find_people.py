"""Finding and reaching people: `intake add` says what it recorded, `intake list --search`
finds a person by name, phone or e-mail, and `intake stale` lists whom to ring before the
retention rule expires their registration."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import Run, add, refused

from shgroups.services.expiry import expires_on, months_from, waiting_cutoff

# --- intake add says back what it recorded ------------------------------------------------------


def test_add_says_the_theme_and_area_it_recorded(run: Run, db: Path) -> None:
    result = add(run, "Anna", "Smärta", "--area", "jönköping")
    assert "Registered 1: Att leva med smärta in Jönköping (waiting)." in result.stderr
    assert "Warning" not in result.stderr
    answer = json.loads(add(run, "Bo", "Smärta", "--area", "Jönköping", "--json").stdout)
    assert (answer["theme"], answer["area"], answer["default_area"]) == (
        "Att leva med smärta",
        "Jönköping",
        False,
    )


def test_add_without_an_area_warns_that_it_will_not_count_towards_a_town(
    run: Run, db: Path
) -> None:
    result = add(run, "Cilla", "Ensamhet")
    assert "Registered 1: Ensamhet in Hela länet (waiting)." in result.stderr
    assert "Warning: no area was given, so registration 1 is in Hela länet" in result.stderr
    assert "will not count towards a group in a town" in result.stderr
    assert "shg intake edit 1 --area AREA" in result.stderr
    assert json.loads(add(run, "Dan", "Ensamhet", "--json").stdout)["default_area"] is True
    run("intake", "edit", "1", "--area", "Huskvarna")  # the way the warning gives
    # The command it names repeats --db when one was given.
    result = run("--db", str(db), "intake", "add", "--consent", "--name", "E", "--theme", "Sorg")
    assert f"shg --db {db} intake edit 3 --area AREA" in result.stderr


def test_a_county_without_towns_is_not_warned(run: Run, environment: Path) -> None:
    run("init", "--county", "Testlän")
    result = add(run, "Anna", "Ensamhet")
    assert "Registered 1: Ensamhet in Hela länet (waiting)." in result.stderr
    assert "Warning" not in result.stderr


# --- intake list --search ----------------------------------------------------------------------


@pytest.fixture
def people(run: Run, db: Path) -> None:
    add(run, "Åsa Öberg", "Ensamhet", "--phone", "070-123 45 67")
    add(run, "Bo Ek", "Utmattning", "--email", "Bo.Ek@Example.se")
    add(run, "Cilla", "Ensamhet", "--phone", "036-12 34 56", "--email", "cilla@example.se")
    run("intake", "withdraw", "3")


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("asa", [1]),  # without accents
        ("ÖBERG", [1]),  # in any case
        ("0701234567", [1]),  # the number however written
        ("+46 70 123 45 67", [1]),
        ("45 67", [1]),  # part of a number
        ("4567", [1]),  # four digits are enough
        ("036123456", [3]),
        ("bo.ek@example.se", [2]),  # an address in any case
        ("EXAMPLE.SE", [2, 3]),
        ("nobody", []),
    ],
)
def test_search_finds_by_name_phone_or_email(
    run: Run, db: Path, people: None, text: str, ids: list[int]
) -> None:
    found = json.loads(run("intake", "list", "--status", "all", "--search", text, "--json").stdout)
    assert [r["id"] for r in found] == ids


def test_search_finds_anyone_unless_told_otherwise(run: Run, db: Path, people: None) -> None:
    found = json.loads(run("intake", "list", "--search", "example", "--json").stdout)
    assert [r["id"] for r in found] == [2, 3]  # whatever became of them
    assert "Registrations: all" in run("intake", "list", "--search", "example").stdout
    found = json.loads(
        run("intake", "list", "--search", "example", "--status", "waiting", "--json").stdout
    )
    assert [r["id"] for r in found] == [2]
    found = json.loads(
        run("intake", "list", "--search", "example", "--status", "withdrawn", "--json").stdout
    )
    assert [r["id"] for r in found] == [3]
    assert "No registrations match." in run("intake", "list", "--search", "nobody").stdout


def test_an_erased_person_is_not_found(run: Run, db: Path, people: None) -> None:
    run("person", "erase", "1", "--yes")
    assert (
        json.loads(run("intake", "list", "--status", "all", "--search", "åsa", "--json").stdout)
        == []
    )


# --- the retention rule's dates ----------------------------------------------------------------


def test_expiry_is_the_first_day_purge_would_expire_it() -> None:
    for months in (1, 6, 12, 13):
        day = date(2024, 1, 1)
        while day < date(2026, 1, 1):
            expires = expires_on(day, months)
            assert day < waiting_cutoff(expires, months)
            assert not day < waiting_cutoff(expires - timedelta(days=1), months)
            day += timedelta(days=1)
    assert expires_on(date(2026, 1, 31), 1) == date(2026, 3, 1)  # at a month's end


def test_months_are_counted_as_dateutil_counts_them() -> None:
    """The retention rule's months (counted without importing dateutil) are relativedelta's:
    every day of a leap year and the years around it, every retention period allowed."""
    from dateutil.relativedelta import relativedelta

    day = date(2023, 1, 1)
    while day < date(2025, 12, 31):
        for months in range(0, 61):
            assert months_from(day, months) == day + relativedelta(months=months)
            assert months_from(day, -months) == day - relativedelta(months=months)
        day += timedelta(days=1)
    assert months_from(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert months_from(date(2024, 3, 31), -1) == date(2024, 2, 29)


# --- intake stale --------------------------------------------------------------------------------


@pytest.fixture
def waiting(run: Run, db: Path) -> None:
    """People registered long ago; today is 2026-11-24, waiting_months 12."""
    add(run, "Tidig", "Ensamhet", "--area", "Jönköping", "--phone", "070-111 11 11",
        "--date", "2025-11-20")  # fmt: skip
    add(run, "Snart", "Ensamhet", "--area", "Jönköping", "--email", "snart@example.se",
        "--date", "2025-12-10")  # fmt: skip
    add(run, "Sedan", "Utmattning", "--area", "Huskvarna", "--date", "2026-01-30")
    add(run, "Ny", "Utmattning", "--area", "Huskvarna", "--date", "2026-11-01")
    add(run, "Borta", "Utmattning", "--area", "Huskvarna", "--date", "2025-12-01")
    run("intake", "withdraw", "5")


def test_stale_lists_who_to_ring_soonest_first(run: Run, db: Path, waiting: None) -> None:
    rows = json.loads(run("intake", "stale", "--json").stdout)
    assert rows == [
        {
            "id": 1,
            "name": "Tidig",
            "phone": "070-111 11 11",
            "email": None,
            "theme": "Ensamhet",
            "area": "Jönköping",
            "confirmed_on": "2025-11-20",
            "expires_on": "2026-11-21",
            "days_left": -3,
        },
        {
            "id": 2,
            "name": "Snart",
            "phone": None,
            "email": "snart@example.se",
            "theme": "Ensamhet",
            "area": "Jönköping",
            "confirmed_on": "2025-12-10",
            "expires_on": "2026-12-11",
            "days_left": 17,
        },
    ]
    assert [
        r["id"] for r in json.loads(run("intake", "stale", "--within", "90", "--json").stdout)
    ] == [1, 2, 3]
    table = run("intake", "stale")
    assert "Waiting registrations that expire by 2026-12-24" in table.stdout
    assert "070-111 11 11" in table.stdout and "snart@example.se" in table.stdout
    assert "3 days ago" in table.stdout and "in 17 days" in table.stdout  # said as words
    assert "shg intake confirm ID renews the registration" in table.stderr
    # A confirmation takes them off the list.
    run("intake", "confirm", "2")
    assert [r["id"] for r in json.loads(run("intake", "stale", "--json").stdout)] == [1]


def test_stale_follows_the_rule_purge_applies(run: Run, db: Path, waiting: None) -> None:
    for row in json.loads(run("intake", "stale", "--within", "400", "--json").stdout):
        expires = date.fromisoformat(row["expires_on"])
        before = (expires - timedelta(days=1)).isoformat()
        dry = json.loads(run("purge", "--dry-run", "--json", env={"SHG_TODAY": before}).stdout)
        assert row["id"] not in dry["expired"]
        dry = json.loads(
            run("purge", "--dry-run", "--json", env={"SHG_TODAY": row["expires_on"]}).stdout
        )
        assert row["id"] in dry["expired"]


def test_stale_as_a_call_list_in_csv(run: Run, db: Path, waiting: None) -> None:
    text = run("intake", "stale", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [(r["id"], r["phone"], r["email"], r["days_left"]) for r in rows] == [
        ("1", "070-111 11 11", "", "-3"),
        ("2", "", "snart@example.se", "17"),
    ]


def test_stale_with_nobody_to_ring_and_wrong_days(run: Run, db: Path) -> None:
    add(run, "Ny", "Ensamhet", "--area", "Jönköping")
    result = run("intake", "stale")
    assert "No waiting registration expires by 2026-12-24." in result.stdout
    assert json.loads(run("intake", "stale", "--within", "0", "--json").stdout) == []
    stderr = refused(run, db, "intake", "stale", "--within", "-1")
    assert "--within: the number of days must be from 0 to" in stderr
    assert "--within 30" in stderr
