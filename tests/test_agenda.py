"""`shg agenda`: the week on one screen, as a coordinator reads it on Monday morning — the
starter sessions (a Friday group's session moved off midsommarafton), the follow-ups due and
overdue, the groups that can start, who to ring before their registration expires, and the
days off; for one starter; in Swedish; without writing anything."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import Run, add, refused, snapshot

# Monday of the week of midsommar 2026 (midsommarafton: Friday 19 June).
MONDAY = "2026-06-15"


@pytest.fixture(autouse=True)
def midsommar_week(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHG_TODAY", MONDAY)


def _waiting(run: Run, theme: str, area: str, since: str, first: int) -> None:
    for i in range(first, first + 5):
        add(run, f"Person {i}", theme, "--area", area, "--date", since)


def _group(run: Run, theme: str, area: str, *options: str) -> int:
    result = run("groups", "start", "--theme", theme, "--area", area, *options, "--json")
    return int(json.loads(result.stdout)["id"])


def _sessions(run: Run, group: int, *days: str) -> None:
    for day in days:
        run("sessions", "add", str(group), "--date", day)


@pytest.fixture
def week(run: Run, db: Path) -> dict[str, int]:
    """A county in June 2026: Bo Ek's group has a follow-up overdue since May, Eva Lind's one
    due on Wednesday; Eva's Friday group (started 5 June) has its third session on
    midsommarafton; five wait for Utmattning in Jönköping (a group can start); Anna Berg's
    registration expires on Sunday."""
    run("staff", "add", "Bo Ek")
    _waiting(run, "Stress och oro", "Huskvarna", "2026-02-01", 1)
    overdue = _group(
        run, "Stress och oro", "Huskvarna", "--date", "2026-03-02", "--starter", "Bo Ek"
    )
    _sessions(run, overdue, "2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23")
    _waiting(run, "Ensamhet", "Jönköping", "2026-03-01", 6)
    due = _group(run, "Ensamhet", "Jönköping", "--date", "2026-04-15", "--starter", "Eva Lind")
    _sessions(run, due, "2026-04-15", "2026-04-22", "2026-04-29", "2026-05-06")
    _waiting(run, "Att leva med smärta", "Jönköping", "2026-05-20", 11)
    friday = _group(
        run, "Att leva med smärta", "Jönköping", "--date", "2026-06-05",
        "--weekday", "friday", "--time", "18:00", "--venue", "Träffpunkten, Östra Storgatan 3",
        "--starter", "Eva Lind",
    )  # fmt: skip
    _sessions(run, friday, "2026-06-05")
    _waiting(run, "Utmattning", "Jönköping", "2026-05-25", 16)
    add(
        run, "Anna Berg", "Nära anhörigs död", "--area", "Huskvarna",
        "--phone", "070-111 22 33", "--date", "2025-06-20",
    )  # fmt: skip
    return {"overdue": overdue, "due": due, "friday": friday}


def agenda(run: Run, *options: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(run("agenda", *options, "--json").stdout)
    return result


def test_the_week_of_midsommar_on_one_screen(run: Run, week: dict[str, int]) -> None:
    shown = run("agenda").stdout
    assert "Agenda for week 2026-W25 (2026-06-15 to 2026-06-21)" in shown
    # The Friday group's session of 19 June has moved to the next week: none this week.
    assert "Starter sessions in week 2026-W25" in shown
    assert "No starter sessions this week." in shown
    # The follow-ups, overdue first, as `followups due` shows them.
    assert "Follow-ups due by the end of week 2026-W25" in shown
    assert "42 days overdue" in shown  # due 4 May
    assert "in 2 days" in shown  # due Wednesday 17 June
    assert shown.index("Stress och oro") < shown.index("Ensamhet")
    # A group can start, and the command that starts it is given.
    assert "Groups that can start" in shown
    assert "Utmattning" in shown
    stderr = run("agenda").stderr
    assert "Next: shg groups start --theme Utmattning --area 'Jönköping'" in stderr
    # Who to ring, with the phone number to ring.
    assert "Waiting registrations that expire by 2026-06-29" in shown
    assert "Anna Berg" in shown and "070-111 22 33" in shown
    assert "Nära anhörigs död in Huskvarna" in shown
    # The days off, in the county's language.
    assert "Days off in week 2026-W25" in shown
    assert "Friday 2026-06-19" in shown and "Midsommarafton" in shown
    assert "Saturday 2026-06-20" in shown and "Midsommardagen" in shown


def test_next_week_shows_the_session_moved_off_midsommarafton(
    run: Run, week: dict[str, int]
) -> None:
    found = agenda(run, "--week", "2026-W26")
    assert found["week"] == "2026-W26"
    assert (found["monday"], found["sunday"]) == ("2026-06-22", "2026-06-28")
    assert found["sessions"] == [
        {
            "group": week["friday"],
            "theme": "Att leva med smärta",
            "area": "Jönköping",
            "number": 3,
            "of": 4,
            "date": "2026-06-26",
            "time": "18:00",
            "venue": "Träffpunkten, Östra Storgatan 3",
            "starter": "Eva Lind",
            "status": "planned",
            "moved_from": "2026-06-19",
            "moved_for": "Midsommarafton",
            "holiday": None,
        }
    ]
    assert found["days_off"] == []
    shown = run("agenda", "--week", "2026-W26").stdout
    assert "Friday 2026-06-26 18:00" in shown
    assert "3/4" in shown
    assert "moved from 2026-06-19: Midsommarafton" in shown
    assert "No holidays or days off this week." in shown


def test_a_session_held_and_a_meeting_cancelled_are_in_their_week(
    run: Run, week: dict[str, int]
) -> None:
    sessions = agenda(run, "--week", "2026-W23")["sessions"]
    assert [(s["number"], s["date"], s["status"]) for s in sessions] == [(1, "2026-06-05", "held")]
    run("sessions", "cancel", str(week["friday"]))  # the meeting of 12 June is off
    sessions = agenda(run, "--week", "2026-W24")["sessions"]
    assert [(s["number"], s["date"], s["status"]) for s in sessions] == [
        (None, "2026-06-12", "cancelled")
    ]
    shown = run("agenda", "--week", "2026-W24").stdout
    assert "cancelled" in shown


def test_the_json_has_one_key_per_section(run: Run, week: dict[str, int]) -> None:
    found = agenda(run)
    assert list(found) == [
        "week", "monday", "sunday", "as_of", "starter",
        "sessions", "followups", "ready", "expiring", "days_off",
    ]  # fmt: skip
    assert (found["week"], found["as_of"], found["starter"]) == ("2026-W25", MONDAY, None)
    assert [(f["group"], f["due"], f["days_overdue"]) for f in found["followups"]] == [
        (week["overdue"], "2026-05-04", 42),
        (week["due"], "2026-06-17", 0),
    ]
    assert (
        found["followups"][0] == json.loads(run("followups", "due", "--json").stdout)[0]
    )  # as `followups due` has it
    assert found["ready"] == [
        {
            "theme": "Utmattning",
            "area": "Jönköping",
            "waiting": 5,
            "size": 5,
            "command": "shg groups start --theme Utmattning --area 'Jönköping'",
        }
    ]
    [anna] = found["expiring"]
    assert (anna["name"], anna["phone"], anna["expires_on"], anna["days_left"]) == (
        "Anna Berg",
        "070-111 22 33",
        "2026-06-21",
        6,
    )
    assert found["days_off"] == [
        {"date": "2026-06-19", "name": "Midsommarafton"},
        {"date": "2026-06-20", "name": "Midsommardagen"},
    ]


def test_a_followup_moved_off_midsommarafton_says_so(run: Run, db: Path) -> None:
    _waiting(run, "Ensamhet", "Jönköping", "2026-03-01", 1)
    group = _group(run, "Ensamhet", "Jönköping", "--date", "2026-04-08")
    _sessions(run, group, "2026-04-08", "2026-04-15", "2026-04-22", "2026-05-08")
    # Due on 19 June, a day off: on the Monday after, in the next week's agenda.
    assert agenda(run)["followups"] == []
    [followup] = agenda(run, "--week", "2026-W26")["followups"]
    assert (followup["due"], followup["due_planned"], followup["moved_for"]) == (
        "2026-06-22",
        "2026-06-19",
        "Midsommarafton",
    )
    shown = run("agenda", "--week", "2026-W26").stdout
    assert "2026-06-22 (moved from 2026-06-19: Midsommarafton)" in shown


def test_starter_limits_the_sessions_and_followups_to_their_groups(
    run: Run, db: Path, week: dict[str, int]
) -> None:
    bo = agenda(run, "--starter", "bo ek")  # typed as `followups due --starter` takes it
    assert bo["starter"] == "Bo Ek"
    assert [f["group"] for f in bo["followups"]] == [week["overdue"]]
    assert agenda(run, "--starter", "Bo Ek", "--week", "2026-W26")["sessions"] == []
    eva = agenda(run, "--starter", "Eva Lind", "--week", "2026-W26")
    assert [s["group"] for s in eva["sessions"]] == [week["friday"]]
    assert [f["group"] for f in agenda(run, "--starter", "Eva Lind")["followups"]] == [week["due"]]
    # What is not a starter's: the county's queue, its call list and days off stay.
    assert bo["ready"] and bo["expiring"] and bo["days_off"]
    assert "Starter  Bo Ek" in run("agenda", "--starter", "Bo Ek").stdout
    stderr = refused(run, db, "agenda", "--starter", "Bo Eck")
    assert "Bo Ek" in stderr  # did you mean


def test_week_and_as_of_name_the_same_week(run: Run, db: Path, week: dict[str, int]) -> None:
    assert agenda(run, "--week", "2026-W25") == agenda(run, "--as-of", MONDAY) == agenda(run)
    wednesday = agenda(run, "--as-of", "2026-06-17")
    monday = agenda(run, "--week", "2026-W25")
    for key in ("week", "monday", "sunday", "sessions", "days_off"):
        assert wednesday[key] == monday[key]
    # Counted from the day asked for: the overdue follow-up is two days later still.
    assert wednesday["followups"][0]["days_overdue"] == 44
    stderr = refused(run, db, "agenda", "--week", "2026-W25", "--as-of", MONDAY)
    assert "give --as-of or --week, not both" in stderr
    assert "is not a valid ISO week" in refused(run, db, "agenda", "--week", "2026-W99")


def test_the_agenda_writes_nothing_not_even_the_audit(
    run: Run, db: Path, week: dict[str, int]
) -> None:
    before = snapshot(db)
    for options in ([], ["--json"], ["--format", "csv"], ["--starter", "Eva Lind"]):
        run("agenda", *options)
    assert snapshot(db) == before  # the same bytes: no audit row names anyone it showed


def test_csv_is_one_row_whose_sections_are_json(run: Run, week: dict[str, int]) -> None:
    """As for `groups show`: one record a row, its lists of records as JSON in a cell."""
    rows = list(csv.reader(io.StringIO(run("agenda", "--format", "csv").stdout)))
    header, row = rows
    assert header[:5] == ["week", "monday", "sunday", "as_of", "starter"]
    record = dict(zip(header, row, strict=True))
    assert json.loads(record["expiring"])[0]["name"] == "Anna Berg"
    assert json.loads(record["days_off"])[0]["name"] == "Midsommarafton"


def in_swedish(*options: str) -> str:
    """What `SHG_LANG=sv shg agenda …` prints (the language is chosen as shg starts)."""
    result = subprocess.run(
        [sys.executable, "-m", "shgroups", "agenda", *options],
        capture_output=True,
        text=True,
        env={**os.environ, "SHG_LANG": "sv"},
        timeout=60,
        check=True,
    )
    return result.stdout


def test_swedish_leaves_no_english_in_the_headers(run: Run, week: dict[str, int]) -> None:
    english = run("agenda", "--week", "2026-W26").stdout + run("agenda").stdout
    swedish = in_swedish("--week", "2026-W26") + in_swedish()
    assert "Agenda för vecka 2026-W25 (2026-06-15 till 2026-06-21)" in swedish
    assert "Igångsättarträffar vecka 2026-W26" in swedish
    assert "flyttad från 2026-06-19: Midsommarafton" in swedish
    assert "Lediga dagar vecka 2026-W25" in swedish
    assert "fredag 2026-06-19" in swedish
    words = [
        "Agenda for", "Starter sessions", "Follow-ups", "Groups that can start", "Waiting",
        "Days off", "Day and time", "Venue", "Session", "Note", "Theme", "Area", "Name",
        "Phone", "Waits for", "Expires", "Day off", "Group", "Friday", "moved from", "overdue",
        "in 2 days",
    ]  # fmt: skip
    for word in words:
        assert word in english, word
        assert word not in swedish, word
