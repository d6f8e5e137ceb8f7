"""`shg calendar export`: the starter sessions and follow-ups as an iCalendar file that a real
calendar client (khal) reads on the right days and times, with stable identities, the same
bytes for an unchanged register, and nothing about a person in it."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import Run, add, hint_commands, refused, snapshot

# Early June 2026: a group meeting on Fridays from 5 June has midsommarafton (19 June) in its
# plan, so its third session is on 26 June.
TODAY = "2026-06-01"


@pytest.fixture(autouse=True)
def june(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHG_TODAY", TODAY)


def friday_group(run: Run, *extra: str, theme: str = "Utmattning") -> int:
    """A group of five meeting on Fridays at 18:00 from 5 June 2026, at a venue."""
    for i in range(5):
        add(run, f"Anna Berg {theme} {i}", theme, "--area", "Jönköping", "--date", "2026-05-20",
            "--phone", f"070-123 45 6{i}", "--email", f"anna{i}@example.se")  # fmt: skip
    result = run(
        "groups", "start", "--theme", theme, "--area", "Jönköping", "--date", "2026-06-05",
        "--weekday", "friday", "--time", "18:00", "--venue", "Träffpunkten, rum 2",
        "--starter", "Eva Lind", *extra, "--json",
    )  # fmt: skip
    return int(json.loads(result.stdout)["id"])


def running_group(run: Run) -> int:
    """A group that started on 3 April 2026 with one starter session and runs since: its
    first follow-up was due on 15 May (overdue on 1 June)."""
    for i in range(5):
        add(run, f"Bo Ek {i}", "Ensamhet", "--area", "Huskvarna", "--date", "2026-03-20")
    result = run(
        "groups", "start", "--theme", "Ensamhet", "--area", "Huskvarna", "--date", "2026-04-03",
        "--starter-sessions", "1", "--json",
    )  # fmt: skip
    group = int(json.loads(result.stdout)["id"])
    run("sessions", "add", str(group), "--date", "2026-04-03")
    return group


def export(run: Run, path: Path, *extra: str, env: dict[str, str] | None = None) -> bytes:
    run("calendar", "export", "--out", str(path), "--force", "--from", "2026-06-01", *extra,
        env=env)  # fmt: skip
    return path.read_bytes()


def events(ics: bytes) -> dict[str, Any]:
    """The calendar's VEVENTs by UID, parsed back with icalendar."""
    import icalendar

    cal = icalendar.Calendar.from_ical(ics)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def by_start(ics: bytes) -> dict[str, Any]:
    """The events by their start, as "2026-06-05 18:00" or "2026-08-14"."""
    found = {}
    for event in events(ics).values():
        start = event.decoded("DTSTART")
        key = start.strftime("%Y-%m-%d %H:%M") if isinstance(start, datetime) else str(start)
        found[key] = event
    return found


def test_a_plan_and_its_follow_ups_as_events(run: Run, db: Path) -> None:
    group = friday_group(run)
    running = running_group(run)
    result = run("calendar", "export", "--weeks", "12")
    ics = result.stdout_bytes
    assert ics.startswith(b"BEGIN:VCALENDAR\r\n")
    found = by_start(ics)
    assert sorted(found) == [
        "2026-05-15",  # the running group's follow-up, overdue: at its due date
        "2026-06-05 18:00",
        "2026-06-12 18:00",
        "2026-06-26 18:00",  # 19 June is midsommarafton
        "2026-07-03 18:00",
        "2026-08-14",  # the starting group's first follow-up: 6 weeks after 3 July
    ]
    assert "6 events from 2026-06-01 to 2026-08-23." in result.stderr
    third = found["2026-06-26 18:00"]
    assert str(third["SUMMARY"]) == "Igångsättarträff 3 av 4 – grupp 1, Jönköping"
    assert str(third["DESCRIPTION"]) == "flyttad från 2026-06-19: Midsommarafton"
    assert str(third["LOCATION"]) == "Träffpunkten, rum 2"
    assert str(third["UID"]).startswith(f"session-{group}-2026-06-26@")
    assert third["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert third.decoded("DTEND") - third.decoded("DTSTART") == (
        datetime(2026, 1, 1, 20) - datetime(2026, 1, 1, 18)
    )
    follow_up = found["2026-05-15"]
    assert str(follow_up["SUMMARY"]) == "Uppföljning – grupp 2, Huskvarna"
    assert str(follow_up["TRANSP"]) == "TRANSPARENT"
    assert str(follow_up["UID"]).startswith(f"followup-{running}-1@")
    assert follow_up.decoded("DTEND") == date(2026, 5, 16)  # all day
    assert str(found["2026-08-14"]["UID"]).startswith(f"followup-{group}-1@")
    assert b"BEGIN:VTODO" not in ics
    assert ics.count(b"BEGIN:VTIMEZONE") == 1 and b"TZID:Europe/Stockholm" in ics
    assert b"COMMENT" not in ics and b"This timezone" not in ics  # icalendar's, in English
    # The export is audited, as the calendar's: no group's or person's id.
    conn = sqlite3.connect(db)
    assert conn.execute(
        "SELECT entity, entity_id FROM audit WHERE action = 'calendar.export'"
    ).fetchall() == [("calendar", None)]


def test_a_group_without_a_time_has_all_day_sessions(run: Run, db: Path) -> None:
    group = friday_group(run)
    run("groups", "set", str(group), "--time", "")
    found = by_start(export(run, db.parent / "c.ics", "--weeks", "4"))
    assert sorted(found) == ["2026-06-05", "2026-06-12", "2026-06-26"]
    assert found["2026-06-05"].decoded("DTEND") == date(2026, 6, 6)


def test_a_second_export_is_the_same_bytes(run: Run, db: Path) -> None:
    friday_group(run)
    running_group(run)
    first = export(run, db.parent / "a.ics")
    second = export(run, db.parent / "b.ics")
    assert first == second
    assert len(events(first)) == 6
    assert all(int(e["SEQUENCE"]) == 0 for e in events(first).values())


def test_a_moved_session_is_the_same_event_with_a_higher_sequence(run: Run, db: Path) -> None:
    group = friday_group(run)
    before = events(export(run, db.parent / "a.ics"))
    run("sessions", "move", str(group), "2", "--date", "2026-06-11")
    after = events(export(run, db.parent / "b.ics"))
    assert set(after) == set(before)
    moved = next(uid for uid in after if uid.startswith(f"session-{group}-2026-06-12@"))
    assert after[moved].decoded("DTSTART").date() == date(2026, 6, 11)
    assert int(after[moved]["SEQUENCE"]) == 1
    assert str(after[moved]["DESCRIPTION"]) == "flyttad från 2026-06-12"
    for uid in set(after) - {moved}:
        assert after[uid].to_ical() == before[uid].to_ical()


def test_a_cancelled_meeting_is_cancelled_and_the_sessions_move_on(run: Run, db: Path) -> None:
    group = friday_group(run)
    before = events(export(run, db.parent / "a.ics"))
    run("sessions", "cancel", str(group), "2")
    after = events(export(run, db.parent / "b.ics"))
    assert set(before) <= set(after)
    cancelled = next(uid for uid in after if uid.startswith(f"session-{group}-2026-06-12@"))
    assert str(after[cancelled]["STATUS"]) == "CANCELLED"
    assert int(after[cancelled]["SEQUENCE"]) == 1
    # Session 2 is now on 26 June (the meeting of session 3 before): same time, new words.
    renumbered = next(uid for uid in after if uid.startswith(f"session-{group}-2026-06-26@"))
    assert str(after[renumbered]["SUMMARY"]).startswith("Igångsättarträff 2 av 4")
    assert int(after[renumbered]["SEQUENCE"]) == 0
    assert len([u for u in after if u.startswith("session-")]) == 5  # 4 sessions, 1 cancelled


def test_an_ended_group_cancels_its_planned_sessions_and_follow_up(
    run: Run, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHG_TODAY", "2026-06-08")
    group = friday_group(run)
    run("sessions", "add", str(group))  # the first, on 5 June
    before = events(export(run, db.parent / "a.ics"))
    assert len(before) == 5
    run("groups", "end", str(group))
    after = events(export(run, db.parent / "b.ics"))
    assert set(after) == set(before)
    status = {uid: (str(e["STATUS"]), int(e["SEQUENCE"])) for uid, e in after.items()}
    held = next(uid for uid in after if uid.startswith(f"session-{group}-2026-06-05@"))
    assert status.pop(held) == ("CONFIRMED", 0)
    assert set(status.values()) == {("CANCELLED", 1)}
    # Exported again while their days are in the window, unchanged.
    assert export(run, db.parent / "c.ics") == (db.parent / "b.ics").read_bytes()


def test_a_follow_up_done_simply_goes(run: Run, db: Path) -> None:
    group = running_group(run)
    before = events(export(run, db.parent / "a.ics"))
    assert [uid.split("@")[0] for uid in before] == [f"followup-{group}-1"]
    run("followups", "add", str(group), "--date", "2026-06-01")
    after = events(export(run, db.parent / "b.ics"))
    assert [uid.split("@")[0] for uid in after] == [f"followup-{group}-2"]
    assert after[next(iter(after))].decoded("DTSTART") == date(2026, 7, 13)


def test_a_norwegian_county_in_oslo_time(run: Run, db: Path) -> None:
    run("settings", "set", "country", "NO")
    run("settings", "set", "language", "nb")
    friday_group(run)
    ics = export(run, db.parent / "no.ics", "--weeks", "2")
    assert b"TZID:Europe/Oslo" in ics and b"Stockholm" not in ics
    first = by_start(ics)["2026-06-05 18:00"]
    assert first["DTSTART"].params["TZID"] == "Europe/Oslo"
    assert str(first["SUMMARY"]) == "Igangsettermøte 1 av 4 – gruppe 1, Jönköping"


def test_the_file_is_private_and_never_overwritten_without_force(run: Run, db: Path) -> None:
    friday_group(run)
    path = db.parent / "cal.ics"
    run("calendar", "export", "--out", str(path))
    assert path.stat().st_mode & 0o777 == 0o600
    path.write_bytes(b"mine")
    error = refused(run, db, "calendar", "export", "--out", str(path))
    assert "already exists" in error
    assert path.read_bytes() == b"mine"
    run("calendar", "export", "--out", str(path), "--force")
    assert path.read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_a_folder_as_out_is_refused_with_a_hint(run: Run, db: Path) -> None:
    friday_group(run)
    for folder in (".", str(db.parent), f"{db.parent}/"):
        for force in ([], ["--force"]):
            error = refused(run, db, "calendar", "export", "--out", folder, *force)
            assert "--out: " in error and "is a folder; shg writes a file" in error, error
            assert "Hint: give --out a file's name, in that folder or another" in error
            assert "unexpectedly" not in error
    assert [p.name for p in db.parent.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize(
    "args",
    [["--weeks", "0"], ["--weeks", "105"], ["--from", "2026-13-01"], ["--starter", "Nobody"]],
    ids=["no-weeks", "too-many-weeks", "bad-from", "unknown-starter"],
)
def test_bad_input_is_refused_with_a_hint_that_works(run: Run, db: Path, args: list[str]) -> None:
    friday_group(run)
    path = db.parent / "refused.ics"
    error = refused(run, db, "calendar", "export", "--out", str(path), *args)
    assert not path.exists()
    commands = hint_commands(error)
    assert commands, error
    for command in commands:
        if command[:2] == ["staff", "add"]:
            continue  # it would add someone: the list is enough
        run(*[w if w != "NAME" else "Eva Lind" for w in command])


def test_only_one_starters_groups_and_never_the_name(run: Run, db: Path) -> None:
    run("staff", "add", "Karin Holm")
    mine = friday_group(run)
    other = friday_group(run, theme="Ensamhet")
    run("groups", "set", str(other), "--starter", "Karin Holm")
    ics = export(run, db.parent / "eva.ics", "--starter", "eva lind")
    groups = {int(uid.split("-")[1]) for uid in events(ics)}
    assert groups == {mine}
    assert b"Eva" not in ics and b"Lind" not in ics and b"Karin" not in ics


def _texts(ics: bytes) -> str:
    """Everything an event says: its summary, description and location."""
    return "\n".join(
        str(e.get(field, ""))
        for e in events(ics).values()
        for field in ("SUMMARY", "DESCRIPTION", "LOCATION")
    )


def test_no_person_and_no_theme_leaks_into_the_demos_calendar(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo = tmp_path / "demo.db"
    run("demo", str(demo))
    monkeypatch.setenv("SHG_DB", str(demo))
    conn = sqlite3.connect(demo)
    starting = conn.execute("SELECT id FROM groups WHERE status = 'starting'").fetchone()[0]
    run("groups", "set", str(starting), "--venue", "Stadsbiblioteket, rum 2", "--time", "17:30")
    people = conn.execute("SELECT name, phone, email FROM persons").fetchall()
    staff = [r[0] for r in conn.execute("SELECT name FROM staff")]
    themes = [r[0] for r in conn.execute("SELECT name FROM themes")]
    conn.close()
    plain = tmp_path / "plain.ics"
    run("calendar", "export", "--out", str(plain), "--from", "2026-01-05", "--weeks", "52")
    text = _texts(plain.read_bytes())
    raw = plain.read_bytes().decode("utf-8")
    assert "Stadsbiblioteket, rum 2" in text
    assert len(events(plain.read_bytes())) > 5
    words = [w for name in [*(p[0] for p in people), *staff] for w in name.split() if len(w) > 2]
    for word in words:
        assert not re.search(rf"\b{re.escape(word)}\b", text), word
    for _name, phone, email in people:
        for value in (phone, email):
            if value:
                assert value not in raw
                digits = re.sub(r"\D", "", value)
                assert not digits or len(digits) < 6 or digits not in re.sub(r"\D", "", raw)
    for theme in themes:
        assert theme not in raw, theme
    themed = tmp_path / "themed.ics"
    run("calendar", "export", "--out", str(themed), "--from", "2026-01-05", "--weeks", "52",
        "--with-themes")  # fmt: skip
    assert any(theme in _texts(themed.read_bytes()) for theme in themes)


# --- a real calendar client ------------------------------------------------------------------


def khal(tmp_path: Path, zone: str, *args: str) -> str:
    """Run khal (the venv's console script) with a private configuration: one local calendar
    folder, dates and times written as ISO, local time in `zone`."""
    folder = tmp_path / "khal" / "shg"
    folder.mkdir(parents=True, exist_ok=True)
    config = tmp_path / f"khal-{zone.replace('/', '-')}.conf"
    config.write_text(
        f"""[calendars]
[[shg]]
path = {folder}
type = calendar

[locale]
local_timezone = {zone}
default_timezone = {zone}
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
""",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(tmp_path / "khal-config"),
        "XDG_DATA_HOME": str(tmp_path / "khal-data"),
        "TZ": zone,
    }
    program = Path(sys.executable).parent / "khal"
    done = subprocess.run(
        [str(program), "-c", str(config), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _listed(output: str) -> dict[str, list[str]]:
    """khal's list as {day: [its lines]}."""
    days: dict[str, list[str]] = {}
    day = ""
    for line in output.splitlines():
        found = re.search(r"\d{4}-\d{2}-\d{2}$", line)
        if found and not line.startswith(found.group(0) + " "):
            day = found.group(0)
            days.setdefault(day, [])
        elif line.strip():
            days.setdefault(day, []).append(line)
    return days


def test_khal_lists_the_sessions_and_follow_ups_on_their_days(run: Run, db: Path) -> None:
    friday_group(run)
    running_group(run)
    path = db.parent / "shg.ics"
    run("calendar", "export", "--out", str(path), "--from", "2026-06-01", "--weeks", "12")
    khal(db.parent, "Europe/Stockholm", "import", "--batch", "-a", "shg", str(path))
    listed = _listed(
        khal(
            db.parent,
            "Europe/Stockholm",
            "list",
            "--format",
            "{start-end-time-style} {title}",
            "2026-05-01",
            "2026-09-01",
        )  # fmt: skip
    )
    sessions = {day: lines for day, lines in listed.items() if any("grupp 1," in x for x in lines)}
    assert sorted(sessions) == [
        "2026-06-05", "2026-06-12", "2026-06-26", "2026-07-03", "2026-08-14"
    ]  # fmt: skip
    assert "2026-06-19" not in listed  # midsommarafton: no session
    assert sessions["2026-06-26"] == ["18:00-20:00 Igångsättarträff 3 av 4 – grupp 1, Jönköping"]
    assert sessions["2026-06-05"] == ["18:00-20:00 Igångsättarträff 1 av 4 – grupp 1, Jönköping"]
    assert listed["2026-08-14"] == [" Uppföljning – grupp 1, Jönköping"]
    assert listed["2026-05-15"] == [" Uppföljning – grupp 2, Huskvarna"]
    # The times are the county's: in UTC the Friday sessions begin at 16:00 (summer time).
    utc = _listed(
        khal(
            db.parent,
            "UTC",
            "list",
            "--format",
            "{start-end-time-style} {title}",
            "2026-06-05",
            "2026-06-06",
        )  # fmt: skip
    )
    assert utc["2026-06-05"] == ["16:00-18:00 Igångsättarträff 1 av 4 – grupp 1, Jönköping"]


def test_a_refused_export_changes_nothing(run: Run, db: Path) -> None:
    friday_group(run)
    before = snapshot(db)
    run("calendar", "export", "--weeks", "200", code=1)
    assert snapshot(db) == before
