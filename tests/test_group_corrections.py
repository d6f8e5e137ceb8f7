"""Undoing a starter session or a follow-up recorded by mistake, and the slips caught before
they are written: every refusal is exit 1, `Error:` and a hint naming a command that works,
with the database unchanged byte for byte."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY, Run, hint_commands, register, snapshot, start
from typer.testing import CliRunner

from shgroups.cli import app


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Groups in every phase, built once (today is 2026-11-24):
    1 starting, one of four sessions held (2026-10-06);
    2 running since 2026-10-06, followed up 2026-11-17 (next due 2026-12-29);
    3 ended; 4 planned to start 2026-12-07 (members placed today);
    5 running since 2026-10-20, never followed up (due 2026-12-01)."""
    path = tmp_path_factory.mktemp("corrections") / "shg.db"
    runner = CliRunner()

    def run(*args: str) -> None:
        result = runner.invoke(
            app, ["--db", str(path), *args], env={"SHG_TODAY": TODAY, "SHG_USER": "tester"}
        )
        assert result.exit_code == 0, result.stderr

    run("init", "--county", "Testlän")
    for area in ("Jönköping", "Huskvarna"):
        run("areas", "add", area)
    run("staff", "add", "Eva Lind")
    n = 0
    for theme, area in [
        ("Ensamhet", "Huskvarna"),
        ("Stress och oro", "Jönköping"),
        ("Samtal om livet", "Jönköping"),
        ("Utmattning", "Jönköping"),
        ("Ensamhet", "Jönköping"),
        ("Utmattning", "Huskvarna"),  # 26: waits
    ]:
        for _i in range(5 if n < 25 else 1):
            n += 1
            run(
                "intake", "add", "--consent", "--name", f"Person {n}", "--theme", theme,
                "--area", area, "--date", "2026-10-01",
            )  # fmt: skip
    run("groups", "start", "--theme", "Ensamhet", "--area", "Huskvarna", "--date", "2026-10-06")
    run("sessions", "add", "1", "--date", "2026-10-06")
    run(
        "groups", "start", "--theme", "Stress och oro", "--area", "Jönköping",
        "--date", "2026-10-06", "--starter-sessions", "1",
    )  # fmt: skip
    run("sessions", "add", "2", "--date", "2026-10-06")
    run("followups", "add", "2", "--date", "2026-11-17")
    run("groups", "start", "--theme", "Samtal om livet", "--area", "Jönköping")
    run("groups", "end", "3")
    run(
        "groups", "start", "--theme", "Utmattning", "--area", "Jönköping",
        "--date", "2026-12-07",
    )  # fmt: skip
    run(
        "groups", "start", "--theme", "Ensamhet", "--area", "Jönköping",
        "--date", "2026-10-20", "--starter-sessions", "1",
    )  # fmt: skip
    run("sessions", "add", "5", "--date", "2026-10-20")
    return path


@pytest.fixture
def groups_register(template: Path, environment: Path) -> Path:
    shutil.copyfile(template, environment)
    os.chmod(environment, 0o600)
    return environment


MISTAKES = [
    (["sessions", "remove", "3"], "group 3 has ended", "groups list"),
    (["sessions", "remove", "42"], "there is no group 42", "groups list"),
    (["sessions", "remove", "4"], "group 4 has no starter sessions recorded", "groups show 4"),
    (
        ["sessions", "remove", "1", "5"],
        "group 1 has no starter session 5: it has 1 session",
        "groups show 1",
    ),
    (
        ["sessions", "remove", "2"],
        "group 2 has 1 follow-up since its handover",
        "shg followups remove 2",
    ),
    (
        ["sessions", "add", "1", "--date", "2026-10-06"],
        "--date: group 1 already has starter session 1 on 2026-10-06",
        "shg sessions remove 1 1",
    ),
    (
        ["sessions", "add", "4"],
        "group 4 starts on 2026-12-07: its starter sessions are recorded from then",
        "groups show 4",
    ),
    (["followups", "remove", "3"], "group 3 has ended", "groups list"),
    (["followups", "remove", "42"], "there is no group 42", "groups list"),
    (["followups", "remove", "5"], "group 5 has no follow-ups recorded", "groups show 5"),
    (["followups", "remove", "1"], "group 1 has no follow-ups recorded", "groups show 1"),
    (
        ["followups", "remove", "2", "--date", "2026-11-18"],
        "--date: group 2 has no follow-up on 2026-11-18",
        "groups show 2",
    ),
    (["followups", "remove", "2", "--date", "18/11"], "not a valid date", "YYYY-MM-DD"),
    (
        ["followups", "add", "2"],
        "group 2's next follow-up is due on 2026-12-29, 35 days after 2026-11-24",
        "(`shg groups show 2`); for an extra contact, add --force",
    ),
    (
        ["followups", "add", "5", "--date", "2026-10-19"],
        "before the group was handed over (2026-10-20)",
        "--date",
    ),
    (
        ["followups", "add", "2", "--date", "2026-11-16", "--force"],
        "before the group's last follow-up (2026-11-17)",
        "--date",
    ),
    (
        [
            "groups",
            "start",
            "--theme",
            "Utmattning",
            "--area",
            "Huskvarna",
            "--members",
            "26",
            "--force",
            "--date",
            "2028-01-10",
        ],
        "--date: 2028-01-10 is more than a year after today (2026-11-24)",
        "check the year in --date",
    ),  # fmt: skip
    (["groups", "set", "1", "--weekday", "funday"], "--weekday: 'funday' is not a day", "monday"),
    (["groups", "set", "1", "--weekday", "8"], "'8' is not a day of the week", "1 for Monday"),
    (["groups", "set", "1", "--time", "25:00"], "--time: '25:00' is not a time of day", "18:30"),
    (["groups", "set", "1", "--time", "6pm"], "'6pm' is not a time of day", "18:30"),
    (
        ["groups", "set", "1", "--venue", "hos Anna, 070-123 45 67"],
        "--venue: the venue looks like a phone number or an e-mail address",
        "never a person",
    ),
    (
        ["groups", "set", "1", "--venue", "anna@example.se"],
        "looks like a phone number or an e-mail address",
        "never a person",
    ),
    (["groups", "set", "1", "--venue", "x" * 81], "at most 80 characters", "briefly"),
    (
        ["groups", "set", "1", "--venue", "rum 811228-9874"],
        "the venue contains what looks like a personal identity number",
        "leave it out",
    ),
    (["groups", "set", "1", "--venue", "a\x1b[2J"], "control characters", "plain text"),
    (["groups", "set", "3", "--weekday", "monday"], "group 3 has ended", "groups list"),
    (
        [
            "groups",
            "start",
            "--theme",
            "Utmattning",
            "--area",
            "Huskvarna",
            "--members",
            "26",
            "--force",
            "--time",
            "18",
        ],
        "'18' is not a time of day",
        "18:30",
    ),  # fmt: skip
    (["groups", "list", "--starter", "Eva Lindh"], "unknown staff member", "Did you mean"),
    (["groups", "contacts", "42"], "there is no group 42", "groups list"),
    (["groups", "ready", "--contacts", "--almost"], "give --contacts or --almost", "nearly"),
    (
        ["groups", "add-member", "4", "26", "--date", "2026-11-01", "--force"],
        "before the group was set up (2026-11-24)",
        "--date",
    ),
    (
        ["groups", "end", "4", "--date", "2026-11-20"],
        "before the group was set up (2026-11-24)",
        "--date",
    ),
]


@pytest.mark.parametrize(
    ("args", "error", "hint"),
    MISTAKES,
    ids=[" ".join(m[0][:3]) + f" {i}" for i, m in enumerate(MISTAKES)],
)
def test_mistake_changes_nothing(
    run: Run, groups_register: Path, args: list[str], error: str, hint: str
) -> None:
    before = snapshot(groups_register)
    result = run(*args, code=1)
    assert result.stderr.startswith("Error: "), result.stderr
    assert error in result.stderr
    assert "Hint: " in result.stderr and hint in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    assert snapshot(groups_register) == before


@pytest.mark.parametrize(
    "args",
    [m[0] for m in MISTAKES if re.search(r"(^|`)(shg )?(groups|sessions|followups) ", m[2])],
    ids=lambda a: " ".join(a[:3]),
)
def test_the_command_a_hint_names_works(run: Run, groups_register: Path, args: list[str]) -> None:
    """A hint never sends the coordinator in circles: each command it names runs."""
    hint = run(*args, code=1).stderr
    named = hint_commands(hint)
    assert named, hint
    for command in named:
        run(*command)


# --- undoing a starter session -------------------------------------------------------------------


def test_a_session_recorded_twice_is_removed(run: Run, db: Path) -> None:
    register(run, 5)
    start(run, "--date", "2026-10-06")
    run("sessions", "add", "1", "--date", "2026-10-06")
    run("sessions", "add", "1", "--date", "2026-10-13")
    run("sessions", "add", "1", "--date", "2026-10-14")  # typed again, with a slip of a day
    before = json.loads(run("groups", "show", "1", "--json").stdout)
    result = run("sessions", "remove", "1")
    assert "Removed starter session 3 (2026-10-14) of group 1." in result.stderr
    assert "Group 1 (starting): 2 of 4 starter sessions held." in result.stderr
    after = json.loads(run("groups", "show", "1", "--json").stdout)
    assert [s["date"] for s in after["sessions"]] == ["2026-10-06", "2026-10-13"]
    assert after["sessions_held"] == before["sessions_held"] - 1
    # The session that follows gets the number the removed one had.
    added = json.loads(run("sessions", "add", "1", "--date", "2026-10-20", "--json").stdout)
    assert added["number"] == 3


def test_the_last_planned_session_removed_hands_the_group_back(run: Run, db: Path) -> None:
    register(run, 5)
    start(run, "--date", "2026-10-06", "--starter-sessions", "2")
    run("sessions", "add", "1", "--date", "2026-10-06")
    before = json.loads(run("groups", "show", "1", "--json").stdout)
    run("sessions", "add", "1", "--date", "2026-10-13")
    running = json.loads(run("groups", "show", "1", "--json").stdout)
    assert (running["status"], running["handover_on"], running["next_followup"]) == (
        "running",
        "2026-10-13",
        "2026-11-24",
    )
    assert [r["group"] for r in json.loads(run("followups", "due", "--json").stdout)] == [1]
    removed = json.loads(run("sessions", "remove", "1", "--json").stdout)
    assert removed == {
        "group": 1,
        "number": 2,
        "date": "2026-10-13",
        "attended": None,
        "renumbered": 0,
        "sessions_held": 1,
        "of": 2,
        "group_status": "starting",
        "next_followup": None,
    }
    after = json.loads(run("groups", "show", "1", "--json").stdout)
    assert after == before  # status, handover, counts and next due: as they were
    assert json.loads(run("followups", "due", "--json").stdout) == []
    entry = json.loads(run("audit", "--json").stdout)[-1]
    assert (entry["action"], entry["entity"], entry["entity_id"]) == ("session.remove", "group", 1)


def test_a_session_in_the_middle_is_removed_and_the_later_ones_move_up(run: Run, db: Path) -> None:
    register(run, 5)
    start(run, "--date", "2026-10-06")
    for day, came in [("2026-10-06", "5"), ("2026-10-08", "3"), ("2026-10-13", "4")]:
        run("sessions", "add", "1", "--date", day, "--attended", came)
    result = run("sessions", "remove", "1", "2")
    assert "Removed starter session 2 (2026-10-08) of group 1." in result.stderr
    assert "The later session is now number 2." in result.stderr
    sessions = json.loads(run("groups", "show", "1", "--json").stdout)["sessions"]
    assert sessions == [
        {"number": 1, "date": "2026-10-06", "attended": 5},
        {"number": 2, "date": "2026-10-13", "attended": 4},
    ]


def test_a_session_of_a_followed_up_group_stays_until_the_follow_up_goes(
    run: Run, db: Path
) -> None:
    register(run, 5)
    start(run, "--date", "2026-10-06", "--starter-sessions", "1")
    run("sessions", "add", "1", "--date", "2026-10-06")
    run("followups", "add", "1", "--date", "2026-11-17")
    assert "follow-up since its handover" in run("sessions", "remove", "1", code=1).stderr
    run("followups", "remove", "1")
    run("sessions", "remove", "1")
    group = json.loads(run("groups", "show", "1", "--json").stdout)
    assert (group["status"], group["handover_on"], group["sessions"]) == ("starting", None, [])


# --- undoing a follow-up ------------------------------------------------------------------------


def test_a_follow_up_on_a_given_day_is_removed(run: Run, db: Path) -> None:
    register(run, 5)  # registered 2026-10-01 … 2026-10-05
    start(run, "--date", "2026-10-05", "--starter-sessions", "0")  # runs at once: due 11-16
    run("followups", "add", "1", "--date", "2026-11-03", "--note", "first")
    run("followups", "add", "1", "--date", "2026-11-20", "--note", "second", "--force")
    run("followups", "add", "1", "--date", "2026-11-20", "--note", "again", "--force")
    result = run("followups", "remove", "1", "--date", "2026-11-20")
    assert "Removed the follow-up of group 1 on 2026-11-20 (outcome: going well)." in result.stderr
    # Six weeks after 2026-11-20 is Nyårsdagen: due the next working day.
    assert "Group 1: next follow-up due 2027-01-04." in result.stderr
    assert "1 other follow-up is still recorded on 2026-11-20." in result.stderr
    shown = json.loads(run("groups", "show", "1", "--json").stdout)
    assert [f["note"] for f in shown["followups"]] == ["first", "second"]  # the later-recorded
    removed = json.loads(run("followups", "remove", "1", "--date", "2026-11-03", "--json").stdout)
    assert (removed["note"], removed["left_on_day"], removed["next_due"]) == (
        "first",
        0,
        "2027-01-04",
    )
    removed = json.loads(run("followups", "remove", "1", "--json").stdout)
    assert (removed["date"], removed["next_due"]) == ("2026-11-20", "2026-11-16")  # handover
    assert "no follow-ups recorded" in run("followups", "remove", "1", code=1).stderr
    actions = [a["action"] for a in json.loads(run("audit", "--json").stdout)]
    assert actions.count("followup.remove") == 3


# --- slips caught before they are written -------------------------------------------------------


def test_an_extra_follow_up_is_recorded_with_force(run: Run, db: Path) -> None:
    register(run, 5)
    start(run, "--date", "2026-10-06", "--starter-sessions", "1")
    run("sessions", "add", "1", "--date", "2026-10-06")  # due 2026-11-17
    # Up to two weeks early is an ordinary follow-up.
    run("followups", "add", "1", "--date", "2026-11-03")  # 14 days early: next 2026-12-15
    refused = run("followups", "add", "1", code=1)
    assert "due on 2026-12-15, 21 days after 2026-11-24" in refused.stderr
    added = run("followups", "add", "1", "--force", "--json").stdout
    assert json.loads(added)["next_due"] == "2027-01-05"


def test_a_planned_group(run: Run, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    register(run, 6)
    result = start(
        run, "--members", "1,2,3,4,5", "--date", "2026-12-07", "--weekday", "Monday",
        "--time", "18.30", "--venue", "Stadsbiblioteket,  rum 2", "--closed",
    )  # fmt: skip
    assert (
        "Planned group 1: Utmattning in Jönköping, starting on 2026-12-07, members 1, 2, 3, 4, 5."
        in result.stderr
    )
    assert "before the first meeting: shg groups contacts 1" in result.stderr
    group = json.loads(run("groups", "show", "1", "--json").stdout)
    assert {k: group[k] for k in ("status", "started_on", "planned", "weekday", "time")} == {
        "status": "starting",
        "started_on": "2026-12-07",
        "planned": True,
        "weekday": 1,
        "time": "18:30",
    }
    assert (group["venue"], group["open"]) == ("Stadsbiblioteket, rum 2", False)
    assert {m["joined_on"] for m in group["member_list"]} == {"2026-11-24"}  # placed today
    assert json.loads(run("intake", "show", "1", "--json").stdout)["status"] == "placed"
    shown = run("groups", "show", "1").stdout
    assert "2026-12-07 (planned)" in shown and "Monday 18:30" in shown
    assert "Stadsbiblioteket, rum 2" in shown
    listed = run("groups", "list").stdout
    assert "planned" in listed and "Monday 18:30" in listed
    # Before it starts: no session; a member who drops out can leave, another can join.
    assert "starts on 2026-12-07" in run("sessions", "add", "1", code=1).stderr
    run("groups", "remove-member", "1", "5", "--requeue")
    run("groups", "add-member", "1", "6", "--force")  # closed: forced
    # On the day it starts, it is no longer a plan.
    monkeypatch.setenv("SHG_TODAY", "2026-12-07")
    assert json.loads(run("groups", "show", "1", "--json").stdout)["planned"] is False
    run("sessions", "add", "1")
    assert "planned" not in run("groups", "list").stdout


def test_a_planned_group_is_called_off(run: Run, db: Path) -> None:
    register(run, 5)
    start(run, "--date", "2026-12-07")
    ended = json.loads(run("groups", "end", "1", "--json").stdout)
    assert ended == {"id": 1, "status": "ended", "ended_on": "2026-11-24"}
    assert json.loads(run("groups", "show", "1", "--json").stdout)["planned"] is False


def test_a_start_a_year_ahead_is_a_plan_further_is_a_slip(run: Run, db: Path) -> None:
    register(run, 5)
    start(run, "--date", "2027-11-25", "--json")
    assert json.loads(run("groups", "show", "1", "--json").stdout)["planned"] is True


def test_a_planned_start_is_moved(run: Run, db: Path) -> None:
    register(run, 5)
    start(run, "--date", "2026-12-07")
    moved = json.loads(run("groups", "set", "1", "--start-date", "2026-12-14", "--json").stdout)
    assert (moved["started_on"], moved["planned"], moved["status"]) == (
        "2026-12-14",
        True,
        "starting",
    )
    # Brought forward to today, the change is said in words, in the interface's language.
    said = subprocess.run(  # the language is chosen as shg starts
        [sys.executable, "-m", "shgroups", "groups", "set", "1", "--start-date", "today"],
        capture_output=True, text=True, env={**os.environ, "SHG_LANG": "sv"}, check=True,
    ).stderr  # fmt: skip
    assert "Status: planerad → startar" in said, said
    run("groups", "set", "1", "--start-date", "2026-12-14")
    said = run("groups", "set", "1", "--start-date", "today").stderr
    assert "Status: planned → starting" in said, said
    run("groups", "set", "1", "--start-date", "2026-12-14")
    # Brought forward to today: it has started; with no starter sessions planned it runs.
    moved = json.loads(
        run(
            "groups", "set", "1", "--start-date", "today", "--starter-sessions", "0", "--json"
        ).stdout
    )
    assert (moved["started_on"], moved["planned"], moved["status"], moved["handover_on"]) == (
        "2026-11-24",
        False,
        "running",
        "2026-11-24",
    )
    refused = run("groups", "set", "1", "--start-date", "2026-12-01", code=1).stderr
    assert "group 1 runs on its own: its start stays" in refused


def test_a_start_moves_only_until_the_first_session(run: Run, groups_register: Path) -> None:
    before = snapshot(groups_register)
    result = run("groups", "set", "1", "--start-date", "2026-10-07", code=1)
    assert "group 1 has held its first starter session: its start stays" in result.stderr
    assert "Hint: `shg groups show 1` shows its starter sessions" in result.stderr
    result = run("groups", "set", "4", "--start-date", "2026-11-23", code=1)
    assert "--start-date: 2026-11-23 is before the group's members were placed (2026-11-24)" in (
        result.stderr
    )
    assert "Hint: check --start-date" in result.stderr
    result = run("groups", "set", "4", "--start-date", "2028-01-03", code=1)
    assert "more than a year after today" in result.stderr and "--start-date" in result.stderr
    result = run("groups", "set", "4", "--start-date", "7 dec", code=1)
    assert "--start-date: '7 dec' is not a valid date" in result.stderr
    assert snapshot(groups_register) == before
    run("groups", "set", "4", "--start-date", "2027-01-11")
    assert json.loads(run("groups", "show", "4", "--json").stdout)["started_on"] == "2027-01-11"


def test_a_planned_group_without_starter_sessions_can_be_moved(run: Run, db: Path) -> None:
    """It runs on its own from its start date; until that day, the date is a plan."""
    register(run, 5)
    start(run, "--starter-sessions", "0", "--date", "2026-12-07")
    group = json.loads(run("groups", "show", "1", "--json").stdout)
    assert (group["status"], group["planned"], group["next_followup"]) == (
        "running",
        True,
        "2027-01-18",
    )
    run("groups", "set", "1", "--start-date", "2026-12-14")
    group = json.loads(run("groups", "show", "1", "--json").stdout)
    assert (group["started_on"], group["next_followup"]) == ("2026-12-14", "2027-01-25")
