"""The plan of a group's starter sessions: from its start, weekday and rhythm, around the
county's public holidays, with meetings cancelled and moved."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import Run, add, hint_commands, refused

# Early June 2026: a group meeting on Fridays has midsommarafton (19 June) in its plan.
JUNE = {"SHG_TODAY": "2026-06-01"}


@pytest.fixture(autouse=True)
def june(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHG_TODAY", JUNE["SHG_TODAY"])


def waiting(run: Run, env: dict[str, str] | None = None) -> None:
    """Five people waiting for Utmattning in Jönköping since 20 May 2026."""
    for i in range(5):
        add(
            run, f"Person {i}", "Utmattning", "--area", "Jönköping", "--date", "2026-05-20", env=env
        )


def friday_group(run: Run, *extra: str, env: dict[str, str] | None = None) -> int:
    waiting(run, env)
    result = run(
        "groups", "start", "--theme", "Utmattning", "--area", "Jönköping",
        "--date", "2026-06-05", "--weekday", "friday", "--time", "18:00",
        *extra, "--json", env=env,
    )  # fmt: skip
    return int(json.loads(result.stdout)["id"])


def plan(run: Run, group: int, env: dict[str, str] | None = None) -> list[dict[str, Any]]:
    shown = json.loads(run("groups", "show", str(group), "--json", env=env).stdout)
    return [
        {k: m[k] for k in ("number", "date", "status", "moved_from", "moved_for", "holiday")}
        for m in shown["plan"]
    ]


def planned(number: int, day: str, **more: Any) -> dict[str, Any]:
    return {
        "number": number,
        "date": day,
        "status": "planned",
        "moved_from": None,
        "moved_for": None,
        "holiday": None,
        **more,
    }


def test_a_weekly_plan_moves_the_session_on_midsommarafton_to_the_next_week(
    run: Run, db: Path
) -> None:
    group = friday_group(run)
    assert plan(run, group) == [
        planned(1, "2026-06-05"),
        planned(2, "2026-06-12"),
        planned(3, "2026-06-26", moved_from="2026-06-19", moved_for="Midsommarafton"),
        planned(4, "2026-07-03"),
    ]
    table = run("groups", "show", str(group)).stdout
    assert "Planned starter sessions" in table
    assert "moved from 2026-06-19: Midsommarafton" in table


def test_a_county_that_flags_holidays_keeps_the_date_and_says_so(run: Run, db: Path) -> None:
    run("settings", "set", "session_holidays", "flag")
    group = friday_group(run)
    assert plan(run, group)[2] == planned(3, "2026-06-19", holiday="Midsommarafton")
    assert "falls on Midsommarafton" in run("groups", "show", str(group)).stdout


def test_every_other_week(run: Run, db: Path) -> None:
    group = friday_group(run, "--every-other-week")
    # 19 June is midsommarafton: the session moves to the group's next meeting, 3 July.
    assert [m["date"] for m in plan(run, group)] == [
        "2026-06-05",
        "2026-07-03",
        "2026-07-17",
        "2026-07-31",
    ]
    assert "Friday 18:00, every other week" in run("groups", "show", str(group)).stdout
    # Back to every week: the plan follows.
    run("groups", "set", str(group), "--every-week")
    assert [m["date"] for m in plan(run, group)][:2] == ["2026-06-05", "2026-06-12"]


def test_a_norwegian_thursday_group_skips_kristi_himmelfartsdag(run: Run, db: Path) -> None:
    run("settings", "set", "country", "NO")
    run("settings", "set", "language", "nb")
    env = {"SHG_TODAY": "2026-05-01"}
    for i in range(5):
        add(run, f"Person {i}", "Utmattning", "--area", "Jönköping", env=env)
    group = json.loads(
        run(
            "groups",
            "start",
            "--theme",
            "Utmattning",
            "--area",
            "Jönköping",
            "--date",
            "2026-05-07",
            "--weekday",
            "thursday",
            "--json",
            env=env,
        ).stdout  # fmt: skip
    )["id"]
    dates = plan(run, group, env)
    assert [m["date"] for m in dates] == ["2026-05-07", "2026-05-21", "2026-05-28", "2026-06-04"]
    assert dates[1]["moved_for"] == "Kristi himmelfartsdag"


def test_sessions_add_without_a_date_records_the_session_planned(
    run: Run, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = friday_group(run)
    # Before the group starts: nothing to record yet.
    assert "starts on 2026-06-05" in refused(run, db, "sessions", "add", str(group))
    # The Monday after: recorded on the Friday it was planned.
    done = run("sessions", "add", str(group), "--json", env={"SHG_TODAY": "2026-06-08"})
    assert json.loads(done.stdout)["number"] == 1
    shown = json.loads(run("groups", "show", str(group), "--json").stdout)
    assert shown["sessions"][0]["date"] == "2026-06-05"
    assert [m["date"] for m in shown["plan"]] == ["2026-06-12", "2026-06-26", "2026-07-03"]
    # Typed again before the next meeting: refused, saying when it is.
    monkeypatch.setenv("SHG_TODAY", "2026-06-09")
    stderr = refused(run, db, "sessions", "add", str(group))
    assert "group 1's next starter session is planned on 2026-06-12" in stderr
    swedish = subprocess.run(  # the language is chosen as shg starts
        [sys.executable, "-m", "shgroups", "sessions", "add", str(group)],
        capture_output=True, text=True, env={**os.environ, "SHG_LANG": "sv"}, check=False,
    ).stderr  # fmt: skip
    assert "grupp 1:s nästa igångsättarträff är planerad till 2026-06-12" in swedish, swedish
    # Unless it was held today: the hint's command records it.
    (command,) = hint_commands(stderr)
    assert command == ["sessions", "add", "1", "--date", "today"]
    assert "starter session 2 of 4 recorded" in run(*command).stderr


def test_a_session_held_a_day_late_keeps_the_rhythm(run: Run, db: Path) -> None:
    group = friday_group(run)
    later = {"SHG_TODAY": "2026-06-14"}
    run("sessions", "add", str(group), "--date", "2026-06-06", env=later)  # a Saturday
    assert [m["date"] for m in plan(run, group, later)] == [
        "2026-06-12",
        "2026-06-26",
        "2026-07-03",
    ]


def test_cancel_moves_the_session_and_those_after_it_one_meeting_on(run: Run, db: Path) -> None:
    group = friday_group(run)
    said = run("sessions", "cancel", str(group), "2").stderr
    assert "Cancelled the meeting of 2026-06-12 (group 1, starter session 2)." in said
    assert "Starter session 2 is now planned on 2026-06-26." in said
    assert plan(run, group) == [
        planned(1, "2026-06-05"),
        {**planned(None, "2026-06-12"), "status": "cancelled"},  # type: ignore[arg-type]
        # Its first meeting after the one cancelled is midsommarafton: skipped too.
        planned(2, "2026-06-26", moved_from="2026-06-12"),
        planned(3, "2026-07-03"),
        planned(4, "2026-07-10"),
    ]
    assert "cancelled" in run("groups", "show", str(group)).stdout


def test_a_session_never_moves_onto_a_meeting_cancelled(run: Run, db: Path) -> None:
    group = str(friday_group(run))
    run("sessions", "cancel", group, "2")
    before = plan(run, int(group))
    stderr = refused(run, db, "sessions", "move", group, "2", "--date", "2026-06-12")
    assert "the meeting of group 1 on 2026-06-12 was cancelled" in stderr
    assert "choose another day for --date" in stderr
    assert hint_commands(stderr) == [["groups", "show", group]]
    assert plan(run, int(group)) == before  # not a cancelled meeting and a session that day
    run("groups", "show", group)  # the command the hint names works
    run("sessions", "move", group, "2", "--date", "2026-06-13")  # the day after is free


def test_after_a_cancellation_the_holiday_skipped_before_is_not_blamed(run: Run, db: Path) -> None:
    """Session 3 was moved off midsommarafton (19 June) to 26 June; the coordinator cancels
    26 June: session 3 is on 3 July, from 19 June, and the holiday is not why any more."""
    group = friday_group(run)
    run("sessions", "cancel", str(group), "3")
    assert plan(run, group)[2:] == [
        {**planned(None, "2026-06-26"), "status": "cancelled"},  # type: ignore[arg-type]
        planned(3, "2026-07-03", moved_from="2026-06-19"),
        planned(4, "2026-07-10"),
    ]
    table = run("groups", "show", str(group)).stdout
    assert "moved from 2026-06-19" in table and "Midsommarafton" not in table


def test_a_session_moved_onto_a_holiday_says_both(run: Run, db: Path) -> None:
    group = friday_group(run)
    run("sessions", "move", str(group), "3", "--date", "2026-06-19")
    assert plan(run, group)[2] == planned(
        3, "2026-06-19", moved_from="2026-06-26", holiday="Midsommarafton"
    )
    assert "moved from 2026-06-26; falls on Midsommarafton" in run("groups", "show", "1").stdout


def test_move_one_session_and_undo_it(run: Run, db: Path) -> None:
    group = friday_group(run)
    said = run("sessions", "move", str(group), "3", "--date", "2026-06-18").stderr
    assert "starter session 3 moved from 2026-06-26 to 2026-06-18" in said
    assert plan(run, group)[2:] == [
        planned(3, "2026-06-18", moved_from="2026-06-26"),
        planned(4, "2026-07-03"),
    ]
    # Its own planned day again undoes the move.
    run("sessions", "move", str(group), "3", "--date", "2026-06-26")
    assert plan(run, group)[2]["date"] == "2026-06-26"


def test_mistakes_in_the_plan_change_nothing(run: Run, db: Path) -> None:
    group = str(friday_group(run))
    # Past the session after it: cancelling is the way to skip a meeting.
    stderr = refused(run, db, "sessions", "move", group, "2", "--date", "2026-07-01")
    assert "can move to a day after 2026-06-05 and before 2026-06-26" in stderr
    assert hint_commands(stderr) == [["sessions", "cancel", group, "2"]]
    stderr = refused(run, db, "sessions", "cancel", group, "9")
    assert "no planned starter session 9" in stderr
    assert "the sessions planned are 1, 2, 3, 4" in stderr
    assert hint_commands(stderr) == [["groups", "show", group]]
    assert "--date" in refused(run, db, "sessions", "move", group)
    assert "there is no group 7" in refused(run, db, "sessions", "cancel", "7")
    # The commands the hints named work.
    run("groups", "show", group)
    assert "Cancelled the meeting of 2026-06-12" in run("sessions", "cancel", group, "2").stderr
