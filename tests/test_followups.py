"""followups due / add, and the whole loop travelled through time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Run, add, register, start


def running_group(
    run: Run,
    start: str,
    sessions: list[str],
    theme: str = "Utmattning",
    first: int = 1,
    starter: str | None = None,
) -> int:
    ids = register(run, 5, theme, "Jönköping", first)
    extra = ["--starter", starter] if starter else []
    group = json.loads(
        run(
            "groups",
            "start",
            "--theme",
            theme,
            "--area",
            "Jönköping",
            "--members",
            ",".join(map(str, ids)),
            "--date",
            start,
            "--starter-sessions",
            str(len(sessions)),
            "--json",
            *extra,
        ).stdout
    )
    for day in sessions:
        run("sessions", "add", str(group["id"]), "--date", day)
    return int(group["id"])


def test_due_lists_overdue_first_then_this_week(run: Run, db: Path) -> None:
    run("staff", "add", "Omar Said")
    # Handed over 2026-10-06: due 2026-11-17 (overdue by 7 days on 2026-11-24).
    running_group(run, "2026-10-06", ["2026-10-06"], "Utmattning", 1, "Eva Lind")
    # Handed over 2026-10-16: due 2026-11-27, the Friday of this week.
    running_group(run, "2026-10-16", ["2026-10-16"], "Ensamhet", 10, "Omar Said")
    # Handed over 2026-10-19: due 2026-11-30, next week.
    running_group(run, "2026-10-19", ["2026-10-19"], "Stress och oro", 20)
    rows = json.loads(run("followups", "due", "--json").stdout)
    assert rows == [
        {
            "group": 1,
            "theme": "Utmattning",
            "area": "Jönköping",
            "due": "2026-11-17",
            "days_overdue": 7,
            "starter": "Eva Lind",
            "due_planned": "2026-11-17",
            "moved_for": None,
        },
        {
            "group": 2,
            "theme": "Ensamhet",
            "area": "Jönköping",
            "due": "2026-11-27",
            "days_overdue": 0,
            "starter": "Omar Said",
            "due_planned": "2026-11-27",
            "moved_for": None,
        },
    ]
    assert [
        r["group"]
        for r in json.loads(run("followups", "due", "--week", "2026-W49", "--json").stdout)
    ] == [1, 2, 3]
    assert [
        r["group"]
        for r in json.loads(run("followups", "due", "--as-of", "2026-11-16", "--json").stdout)
    ] == [1]
    assert [
        r["group"]
        for r in json.loads(run("followups", "due", "--starter", "omar said", "--json").stdout)
    ] == [2]
    table = run("followups", "due").stdout
    assert "2026-W48" in table and "Utmattning" in table and "Stress" not in table


def test_starting_and_ended_groups_are_not_due(run: Run, db: Path) -> None:
    running_group(run, "2026-10-06", ["2026-10-06"])
    run("groups", "end", "1")
    register(run, 5, "Ensamhet", "Jönköping", 10)
    run("groups", "start", "--theme", "Ensamhet", "--area", "Jönköping", "--date", "2026-10-12")
    assert json.loads(run("followups", "due", "--json").stdout) == []
    assert "Nothing is due" in run("followups", "due").stdout


def test_add_moves_the_next_due_date(run: Run, db: Path) -> None:
    running_group(run, "2026-10-06", ["2026-10-06"])
    result = run(
        "followups",
        "add",
        "1",
        "--date",
        "2026-11-20",
        "--outcome",
        "needs-support",
        "--method",
        "phone",
        "--note",
        "Lokalen byts i december",
        "--json",
    )
    # Six weeks on is Nyårsdagen 2027-01-01, a Friday: due the Monday after.
    assert json.loads(result.stdout) == {"group": 1, "next_due": "2027-01-04"}
    shown = json.loads(run("groups", "show", "1", "--json").stdout)
    assert shown["followups"] == [
        {
            "date": "2026-11-20",
            "outcome": "needs-support",
            "method": "phone",
            "note": "Lokalen byts i december",
        }
    ]
    assert shown["next_followup"] == "2027-01-04"


def test_add_refuses_what_makes_no_sense(run: Run, db: Path) -> None:
    register(run, 5)
    start(run, "--date", "2026-10-06")
    assert "starter phase" in run("followups", "add", "1", code=1).stderr
    run("sessions", "add", "1", "--date", "2026-10-06")
    run("groups", "set", "1", "--starter-sessions", "1")
    bad = run("followups", "add", "1", "--outcome", "fine", code=2).stderr  # a usage error
    assert "'fine' is not one of 'ok', 'needs-support', 'ending'" in bad
    assert (
        "before the group was handed over"
        in run("followups", "add", "1", "--date", "2026-10-01", code=1).stderr
    )
    assert (
        "give --as-of or --week"
        in run("followups", "due", "--as-of", "2026-11-24", "--week", "2026-W48", code=1).stderr
    )
    assert "not a valid ISO week" in run("followups", "due", "--week", "2026-W54", code=1).stderr


def test_the_whole_loop_through_time(run: Run, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Register → ready → start → 4 sessions → running → due in the right ISO week →
    done late → next due counted from the late date."""

    def on(day: str) -> None:
        monkeypatch.setenv("SHG_TODAY", day)

    for i, day in enumerate(["2026-01-07", "2026-01-09", "2026-01-12", "2026-01-14"]):
        on(day)
        out = json.loads(
            add(
                run,
                f"P{i}",
                "Ensamhet",
                "--area",
                "Huskvarna",
                "--json",
            ).stdout
        )
        assert out["ready"] == []
    assert json.loads(run("groups", "ready", "--json").stdout) == []
    on("2026-01-20")
    out = json.loads(
        add(
            run,
            "P4",
            "Ensamhet",
            "--area",
            "Huskvarna",
            "--json",
        ).stdout
    )
    assert out["ready"] == [{"theme": "Ensamhet", "area": "Huskvarna", "waiting": 5}]
    (proposal,) = json.loads(run("groups", "ready", "--json").stdout)
    assert proposal["members"] == [1, 2, 3, 4, 5]

    on("2026-02-02")
    group = json.loads(
        run(
            "groups",
            "start",
            "--theme",
            "Ensamhet",
            "--area",
            "Huskvarna",
            "--starter",
            "Eva Lind",
            "--json",
        ).stdout
    )
    assert group == {
        "id": 1,
        "status": "starting",
        "members": [1, 2, 3, 4, 5],
        "started_on": "2026-02-02",
        "planned": False,
    }
    for week, day in enumerate(["2026-02-02", "2026-02-09", "2026-02-16", "2026-02-23"], 1):
        on(day)
        out = json.loads(run("sessions", "add", "1", "--attended", "5", "--json").stdout)
        assert out["number"] == week
    assert out == {
        "group": 1,
        "number": 4,
        "of": 4,
        "group_status": "running",
        "next_followup": "2026-04-07",
    }

    # Six weeks on is Monday 2026-04-06, Annandag påsk: due on Tuesday 2026-04-07, ISO week
    # 2026-W15: not listed the week before, listed in it.
    on("2026-03-29")  # Sunday of W13
    assert json.loads(run("followups", "due", "--json").stdout) == []
    assert json.loads(run("followups", "due", "--week", "2026-W14", "--json").stdout) == []
    (row,) = json.loads(run("followups", "due", "--week", "2026-W15", "--json").stdout)
    assert (row["due"], row["days_overdue"]) == ("2026-04-07", 0)
    on("2026-04-07")
    (row,) = json.loads(run("followups", "due", "--json").stdout)
    assert row == {
        "group": 1,
        "theme": "Ensamhet",
        "area": "Huskvarna",
        "due": "2026-04-07",
        "days_overdue": 0,
        "starter": "Eva Lind",
        "due_planned": "2026-04-06",
        "moved_for": "Annandag påsk",
    }

    # Done two weeks late (13 days after the moved date): still listed and overdue until then …
    on("2026-04-20")
    (row,) = json.loads(run("followups", "due", "--json").stdout)
    assert row["days_overdue"] == 13
    out = json.loads(run("followups", "add", "1", "--outcome", "ok", "--json").stdout)
    # … and the next is counted from the late date, not the calendar.
    assert out == {"group": 1, "next_due": "2026-06-01"}
    assert json.loads(run("followups", "due", "--json").stdout) == []

    # A week later the same contact is typed in again: refused, the next is five weeks away.
    on("2026-04-27")
    refused = run("followups", "add", "1", code=1)
    assert "next follow-up is due on 2026-06-01, 35 days after 2026-04-27" in refused.stderr
    assert "--force" in refused.stderr

    on("2026-05-28")
    assert json.loads(run("followups", "due", "--json").stdout) == []  # W22 ends 2026-05-31
    # A follow-up of another group recorded for this one by mistake (four days early, so
    # nothing stops it): the next one moves six weeks on …
    mistake = json.loads(run("followups", "add", "1", "--method", "visit", "--json").stdout)
    assert mistake == {"group": 1, "next_due": "2026-07-09"}
    on("2026-06-01")
    assert json.loads(run("followups", "due", "--json").stdout) == []
    # … until it is removed: the next one is due when it was before, and listed again.
    removed = json.loads(run("followups", "remove", "1", "--json").stdout)
    assert removed == {
        "group": 1,
        "date": "2026-05-28",
        "outcome": "ok",
        "method": "visit",
        "note": None,
        "left_on_day": 0,
        "group_status": "running",
        "next_due": "2026-06-01",
    }
    (row,) = json.loads(run("followups", "due", "--json").stdout)
    assert row == {
        "group": 1,
        "theme": "Ensamhet",
        "area": "Huskvarna",
        "due": "2026-06-01",
        "days_overdue": 0,
        "starter": "Eva Lind",
        "due_planned": "2026-06-01",
        "moved_for": None,
    }
    assert "today" in run("followups", "due").stdout
    shown = json.loads(run("groups", "show", "1", "--json").stdout)
    assert [f["date"] for f in shown["followups"]] == ["2026-04-20"]
    actions = [a["action"] for a in json.loads(run("audit", "--json").stdout)]
    assert actions[-2:] == ["followup.add", "followup.remove"]


# --- what a follow-up may hold, and when ---------------------------------------------------------


def test_a_follow_up_is_not_dated_before_the_last_one(run: Run, db: Path) -> None:
    group = running_group(run, "2026-10-06", ["2026-10-06"])
    run("followups", "add", str(group), "--date", "2026-11-10")
    result = run("followups", "add", str(group), "--date", "2026-10-20", code=1)
    assert "2026-11-10" in result.stderr and "last follow-up" in result.stderr
    shown = json.loads(run("groups", "show", str(group), "--json").stdout)
    assert [f["date"] for f in shown["followups"]] == ["2026-11-10"]
    # The same day again is most often the same contact typed twice; an extra one is forced.
    twice = run("followups", "add", str(group), "--date", "2026-11-10", code=1)
    assert "next follow-up is due on 2026-12-22, 42 days after 2026-11-10" in twice.stderr
    run("followups", "add", str(group), "--date", "2026-11-10", "--force")


@pytest.mark.parametrize("option", ["--note", "--method"])
def test_follow_up_text_refuses_control_characters_and_is_stored_in_nfc(
    run: Run, db: Path, option: str
) -> None:
    group = running_group(run, "2026-10-06", ["2026-10-06"])
    result = run("followups", "add", str(group), option, "ok\x1b]0;TITLE\x07", code=1)
    assert "control characters" in result.stderr and "\x1b" not in result.stderr
    run("followups", "add", str(group), option, "Jo\u0308nko\u0308ping")  # typed in NFD
    shown = json.loads(run("groups", "show", str(group), "--json").stdout)
    key = option.removeprefix("--")
    assert [f[key] for f in shown["followups"]] == ["Jönköping"]


def test_a_note_may_have_lines_a_method_may_not(run: Run, db: Path) -> None:
    group = running_group(run, "2026-10-06", ["2026-10-06"])
    assert "control" in run("followups", "add", str(group), "--method", "a\nb", code=1).stderr
    run("followups", "add", str(group), "--note", "first line\nsecond line")


WRITTEN = ["811228–9874", "811228.9874", "811228/9874", "81 12 28 9874", "８１１２２８－９８７４",
           "٨١١٢٢٨-٩٨٧٤", "19811228 — 9874", "151086 95088"]  # fmt: skip


def test_identity_numbers_are_refused_however_written(run: Run, db: Path) -> None:
    group = running_group(run, "2026-10-06", ["2026-10-06"])
    for written in WRITTEN:
        for option in ("--note", "--method"):
            result = run("followups", "add", str(group), option, f"ringde {written}", code=None)
            assert result.exit_code == 1, (written, option)
            assert "personal identity number" in result.stderr and written not in result.stderr
    assert json.loads(run("groups", "show", str(group), "--json").stdout)["followups"] == []


def test_due_says_how_far_off_in_words(run: Run, db: Path) -> None:
    running_group(run, "2026-10-06", ["2026-10-06"], "Utmattning", 1)  # due 2026-11-17
    running_group(run, "2026-10-12", ["2026-10-12"], "Ensamhet", 10)  # due 2026-11-23
    running_group(run, "2026-10-13", ["2026-10-13"], "Stress och oro", 20)  # due 2026-11-24
    running_group(run, "2026-10-14", ["2026-10-14"], "Samtal om livet", 30)  # due 2026-11-25
    running_group(run, "2026-10-16", ["2026-10-16"], "Utmattning", 40)  # due 2026-11-27
    table = run("followups", "due").stdout
    for said in ("7 days overdue", "1 day overdue", "today", "in 1 day", "in 3 days"):
        assert said in table, said
    assert "Days overdue" not in table and "When" in table
    rows = json.loads(run("followups", "due", "--json").stdout)
    assert [r["days_overdue"] for r in rows] == [7, 1, 0, 0, 0]  # the JSON as documented
    # Counted from --as-of (or --week), not the clock.
    table = run("followups", "due", "--as-of", "2026-11-23").stdout
    for said in ("6 days overdue", "today", "in 1 day", "in 2 days", "in 4 days"):
        assert said in table, said
    table = run("followups", "due", "--week", "2026-W49").stdout
    assert "13 days overdue" in table  # from Monday 2026-11-30


# --- days off ----------------------------------------------------------------------------------


def test_a_followup_due_on_midsommarafton_is_due_the_next_working_day(
    run: Run, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHG_TODAY", "2027-07-01")
    # Handed over Friday 2027-05-14: six weeks on is midsommarafton, Friday 2027-06-25.
    running_group(run, "2027-05-14", ["2027-05-14"])
    (row,) = json.loads(run("followups", "due", "--as-of", "2027-06-28", "--json").stdout)
    assert set(row) == {
        "group", "theme", "area", "due", "days_overdue", "starter", "due_planned", "moved_for"
    }  # fmt: skip
    assert (row["due"], row["due_planned"], row["moved_for"]) == (
        "2027-06-28",
        "2027-06-25",
        "Midsommarafton",
    )
    assert row["days_overdue"] == 0
    # Not listed in the week of midsommar: due the Monday after.
    assert json.loads(run("followups", "due", "--as-of", "2027-06-25", "--json").stdout) == []
    shown = run("followups", "due", "--as-of", "2027-06-28").stdout
    assert "2027-06-28 (moved from 2027-06-25: Midsommarafton)" in shown
    # In Swedish (a real process: the interface language is chosen once per process).
    shown = subprocess.run(
        [sys.executable, "-m", "shgroups", "followups", "due", "--as-of", "2027-06-28"],
        capture_output=True,
        text=True,
        env={**os.environ, "SHG_LANG": "sv"},
        timeout=60,
        check=True,
    ).stdout
    assert "2027-06-28 (flyttad från 2027-06-25: Midsommarafton)" in shown
    assert json.loads(run("groups", "show", "1", "--json").stdout)["next_followup"] == (
        "2027-06-28"
    )


def test_a_norwegian_county_moves_for_its_own_holidays(
    run: Run, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHG_TODAY", "2027-07-01")
    run("settings", "set", "country", "NO")
    run("settings", "set", "language", "nb")
    # Handed over Friday 2027-05-14: due Friday 2027-06-25, a working day in Norway …
    running_group(run, "2027-05-14", ["2027-05-14"])
    (row,) = json.loads(run("followups", "due", "--as-of", "2027-06-25", "--json").stdout)
    assert (row["due"], row["moved_for"]) == ("2027-06-25", None)
    # … and Kristi himmelfartsdag, Thursday 2027-05-06, moves to Friday.
    running_group(run, "2027-03-25", ["2027-03-25"], "Ensamhet", 10)
    rows = json.loads(run("followups", "due", "--as-of", "2027-05-07", "--json").stdout)
    assert [(r["due"], r["moved_for"]) for r in rows] == [("2027-05-07", "Kristi himmelfartsdag")]


def test_klamdag_setting_moves_the_friday_after_kristi_himmelsfard(
    run: Run, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHG_TODAY", "2027-07-01")
    running_group(run, "2027-03-25", ["2027-03-25"])  # due Thursday 2027-05-06
    due = lambda: json.loads(  # noqa: E731
        run("followups", "due", "--as-of", "2027-05-10", "--json").stdout
    )[0]["due"]
    assert due() == "2027-05-07"
    run("settings", "set", "klamdag", "on")
    assert due() == "2027-05-10"
    assert (
        "klamdag must be one of: off, on" in run("settings", "set", "klamdag", "yes", code=1).stderr
    )
