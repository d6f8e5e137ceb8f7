"""groups ready / start / list / show / add-member / remove-member / set / end, sessions add."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Run, add, register, start


def test_ready_follows_the_rule_on_a_real_database(run: Run, db: Path) -> None:
    register(run, 13, "Utmattning", "Jönköping")
    register(run, 4, "Ensamhet", "Huskvarna", 20)
    register(run, 9, "Stress och oro", "Huskvarna", 30)
    proposals = json.loads(run("groups", "ready", "--json").stdout)
    assert [(p["theme"], p["area"], p["waiting"], len(p["members"])) for p in proposals] == [
        ("Utmattning", "Jönköping", 13, 7),
        ("Utmattning", "Jönköping", 13, 6),
        ("Stress och oro", "Huskvarna", 9, 8),
    ]
    assert proposals[0]["members"] == list(range(1, 8))
    # The one registered last keeps waiting.
    assert 26 not in proposals[2]["members"]
    table = run("groups", "ready").stdout
    assert "Utmattning" in table and "Ensamhet" not in table


def test_ready_as_of_ignores_later_registrations(run: Run, db: Path) -> None:
    register(run, 5)  # registered 2026-10-01 … 2026-10-05
    assert json.loads(run("groups", "ready", "--as-of", "2026-10-04", "--json").stdout) == []
    assert len(json.loads(run("groups", "ready", "--as-of", "2026-10-05", "--json").stdout)) == 1


def test_nothing_ready(run: Run, db: Path) -> None:
    register(run, 4)
    assert json.loads(run("groups", "ready", "--json").stdout) == []
    assert "No theme has 5 people waiting" in run("groups", "ready").stdout


def test_start_from_the_first_proposal(run: Run, db: Path) -> None:
    register(run, 6)
    result = start(
        run,
        "--starter",
        "eva lind",
        "--json",
    )
    assert json.loads(result.stdout) == {
        "id": 1,
        "status": "starting",
        "members": [1, 2, 3, 4, 5, 6],
        "started_on": "2026-11-24",
        "planned": False,
    }
    group = json.loads(run("groups", "show", "1", "--json").stdout)
    assert {
        k: group[k]
        for k in (
            "id",
            "theme",
            "area",
            "status",
            "members",
            "starter",
            "next_followup",
            "starter_sessions",
            "followup_weeks",
        )
    } == {
        "id": 1,
        "theme": "Utmattning",
        "area": "Jönköping",
        "status": "starting",
        "members": [1, 2, 3, 4, 5, 6],
        "starter": "Eva Lind",
        "next_followup": None,
        "starter_sessions": 4,
        "followup_weeks": 6,
    }
    placed = json.loads(run("intake", "list", "--status", "placed", "--json").stdout)
    assert [r["id"] for r in placed] == [1, 2, 3, 4, 5, 6]
    assert json.loads(run("groups", "ready", "--json").stdout) == []
    listed = json.loads(run("groups", "list", "--json").stdout)
    assert [(g["id"], g["status"], g["members"]) for g in listed] == [
        (1, "starting", [1, 2, 3, 4, 5, 6])
    ]


def test_start_with_chosen_members_and_plan(run: Run, db: Path) -> None:
    register(run, 7)
    result = start(
        run,
        "--members",
        "2, 4,6,7,1",
        "--starter-sessions",
        "2",
        "--followup-weeks",
        "8",
        "--date",
        "2026-11-02",
        "--json",
    )
    assert json.loads(result.stdout)["members"] == [1, 2, 4, 6, 7]
    group = json.loads(run("groups", "show", "1", "--json").stdout)
    assert (group["starter_sessions"], group["followup_weeks"], group["started_on"]) == (
        2,
        8,
        "2026-11-02",
    )


def test_start_refuses_wrong_sizes_unless_forced(run: Run, db: Path) -> None:
    register(run, 4)
    result = start(run, code=1)
    assert "no group is ready" in result.stderr
    result = start(
        run,
        "--members",
        "1,2,3,4",
        code=1,
    )
    assert "needs 5 to 8 members; this one would have 4" in result.stderr
    assert "--force" in result.stderr
    start(
        run,
        "--members",
        "1,2,3,4",
        "--force",
    )


def test_start_refuses_people_not_waiting_or_not_wanting_the_theme(run: Run, db: Path) -> None:
    register(run, 5)
    register(run, 1, "Ensamhet", "Jönköping", 6)
    run("intake", "withdraw", "5")
    result = start(
        run,
        "--members",
        "1,2,3,4,5",
        code=1,
    )
    assert "registration 5 is not waiting (status: withdrawn)" in result.stderr
    result = start(
        run,
        "--members",
        "1,2,3,4,6",
        code=1,
    )
    assert "does not wait for 'Utmattning'" in result.stderr
    result = run("groups", "start", "--theme", "Utmattning", "--members", "1,1,2,3,4", code=1)
    assert "twice" in result.stderr
    assert (
        "not a list"
        in run("groups", "start", "--theme", "Utmattning", "--members", "1;2", code=1).stderr
    )


def test_members_come_and_go(run: Run, db: Path) -> None:
    register(run, 7)
    start(run, "--members", "1,2,3,4,5")
    result = json.loads(run("groups", "add-member", "1", "6", "--json").stdout)
    assert result["members"] == [1, 2, 3, 4, 5, 6]
    result = json.loads(run("groups", "remove-member", "1", "2", "--json").stdout)
    assert result["members"] == [1, 3, 4, 5, 6] and result["status"] == "withdrawn"
    run("groups", "remove-member", "1", "3", "--requeue")
    assert json.loads(run("intake", "show", "3", "--json").stdout)["status"] == "waiting"
    assert "not a member" in run("groups", "remove-member", "1", "2", code=1).stderr
    run("groups", "set", "1", "--closed")
    result = run("groups", "add-member", "1", "7", code=1)
    assert "closed" in result.stderr
    run("groups", "set", "1", "--open")
    run("groups", "add-member", "1", "7")
    shown = json.loads(run("groups", "show", "1", "--json").stdout)
    assert [(m["id"], m["left_on"]) for m in shown["member_list"]][-2:] == [
        (2, "2026-11-24"),
        (3, "2026-11-24"),
    ]


def test_full_group_refuses_a_ninth(run: Run, db: Path) -> None:
    register(run, 9)
    run("groups", "start", "--theme", "Utmattning", "--area", "Jönköping")
    result = run("groups", "add-member", "1", "9", code=1)
    assert "full (8 members)" in result.stderr
    run("groups", "add-member", "1", "9", "--force")


def test_sessions_turn_the_group_running(run: Run, db: Path) -> None:
    register(run, 5)
    start(
        run,
        "--date",
        "2026-10-06",
        "--starter",
        "Eva Lind",
    )
    outputs = [
        json.loads(run("sessions", "add", "1", "--date", day, "--attended", "5", "--json").stdout)
        for day in ("2026-10-06", "2026-10-13", "2026-10-20")
    ]
    assert outputs[-1] == {
        "group": 1,
        "number": 3,
        "of": 4,
        "group_status": "starting",
        "next_followup": None,
    }
    last = json.loads(run("sessions", "add", "1", "--date", "2026-10-27", "--json").stdout)
    assert last == {
        "group": 1,
        "number": 4,
        "of": 4,
        "group_status": "running",
        "next_followup": "2026-12-08",
    }
    result = run("sessions", "add", "1", code=1)
    assert "held all 4 planned starter sessions" in result.stderr
    shown = run("groups", "show", "1").stdout
    assert "Starter sessions" in shown and "2026-10-27" in shown


def test_more_starter_sessions_while_starting(run: Run, db: Path) -> None:
    register(run, 5)
    start(run, "--date", "2026-10-08")
    for day in ("2026-10-08", "2026-10-15", "2026-10-22"):
        run("sessions", "add", "1", "--date", day)
    group = json.loads(run("groups", "set", "1", "--starter-sessions", "6", "--json").stdout)
    assert (group["status"], group["starter_sessions"]) == ("starting", 6)
    result = run("groups", "set", "1", "--starter-sessions", "2", code=1)
    assert "already held 3" in result.stderr
    for day in ("2026-10-29", "2026-11-04"):
        run("sessions", "add", "1", "--date", day)
    last = json.loads(run("sessions", "add", "1", "--date", "2026-11-05", "--json").stdout)
    assert (last["number"], last["of"], last["group_status"]) == (6, 6, "running")
    result = run("groups", "set", "1", "--starter-sessions", "8", code=1)
    assert "finished its starter phase" in result.stderr


def test_fewer_sessions_equal_to_held_hands_over(run: Run, db: Path) -> None:
    register(run, 5)
    start(run, "--date", "2026-10-08")
    run("sessions", "add", "1", "--date", "2026-10-08")
    run("sessions", "add", "1", "--date", "2026-10-15")
    group = json.loads(run("groups", "set", "1", "--starter-sessions", "2", "--json").stdout)
    assert (group["status"], group["next_followup"]) == ("running", "2026-11-26")


def test_session_rules(run: Run, db: Path) -> None:
    register(run, 5)
    start(run, "--date", "2026-10-06")
    assert (
        "group 1 starts on 2026-10-06: its starter sessions are recorded from then"
        in run("sessions", "add", "1", "--date", "2026-10-01", code=1).stderr
    )
    run("sessions", "add", "1", "--date", "2026-10-13")
    assert (
        "before the group's last session or start (2026-10-13)"
        in run("sessions", "add", "1", "--date", "2026-10-12", code=1).stderr
    )
    result = run(
        "groups",
        "start",
        "--theme",
        "Ensamhet",
        "--members",
        "6,7,8,9,10",
        "--force",
        "--date",
        "2026-10-01",
        code=1,
    )
    assert "there is no registration 6" in result.stderr
    assert "--attended: 9" in run("sessions", "add", "1", "--attended", "9", code=1).stderr


def test_end_group(run: Run, db: Path) -> None:
    register(run, 5)
    start(run, "--date", "2026-10-06")
    result = json.loads(run("groups", "end", "1", "--date", "2026-11-20", "--json").stdout)
    assert result == {"id": 1, "status": "ended", "ended_on": "2026-11-20"}
    group = json.loads(run("groups", "show", "1", "--json").stdout)
    assert group["members"] == [] and all(
        m["left_on"] == "2026-11-20" for m in group["member_list"]
    )
    assert [
        g["id"] for g in json.loads(run("groups", "list", "--status", "ended", "--json").stdout)
    ] == [1]
    assert json.loads(run("groups", "list", "--status", "running", "--json").stdout) == []
    assert "has ended" in run("groups", "end", "1", code=1).stderr


def test_set_followup_interval_and_starter(run: Run, db: Path) -> None:
    run("staff", "add", "Omar Said")
    register(run, 5)
    start(
        run,
        "--date",
        "2026-10-06",
        "--starter-sessions",
        "1",
    )
    run("sessions", "add", "1", "--date", "2026-10-06")
    group = json.loads(
        run(
            "groups", "set", "1", "--followup-weeks", "4", "--starter", "omar said", "--json"
        ).stdout
    )
    assert (group["next_followup"], group["starter"]) == ("2026-11-03", "Omar Said")
    assert "unknown staff member" in run("groups", "set", "1", "--starter", "Nobody", code=1).stderr
    assert "between 1 and 52" in run("groups", "set", "1", "--followup-weeks", "0", code=1).stderr


def test_start_refuses_people_from_another_area_unless_forced(run: Run, db: Path) -> None:
    register(run, 4, "Utmattning", "Jönköping")
    register(run, 1, "Utmattning", "Huskvarna", 5)
    result = start(run, "--members", "1,2,3,4,5", code=1)
    assert "registration 5 does not wait for 'Jönköping'" in result.stderr
    start(run, "--members", "1,2,3,4,5", "--force")
    refused = start(run, "--members", ",", "--force", code=1)
    assert "is not a list of registration ids" in refused.stderr


def test_a_requeued_member_is_not_expired_by_the_next_purge(run: Run, db: Path) -> None:
    # Registered over a year ago, in a group since: back in the queue today, they wait anew.
    for i in range(1, 6):
        add(run, f"Person {i}", "Utmattning", "--area", "Jönköping", "--date", f"2025-09-0{i}")
    start(run, "--date", "2025-09-10")
    run("groups", "remove-member", "1", "1", "--requeue")
    shown = json.loads(run("intake", "show", "1", "--json").stdout)
    assert (shown["status"], shown["date"], shown["confirmed_on"]) == (
        "waiting",
        "2025-09-01",  # their place in the queue is kept
        "2026-11-24",
    )
    purged = json.loads(run("purge", "--json").stdout)
    assert (purged["expired"], purged["erased"]) == ([], [])
    assert json.loads(run("intake", "show", "1", "--json").stdout)["name"] == "Person 1"


def test_a_requeued_member_can_rejoin_the_same_group(run: Run, db: Path) -> None:
    register(run, 6)  # registered 2026-10-01 … 2026-10-06
    start(run, "--members", "1,2,3,4,5", "--date", "2026-10-06")
    run("groups", "remove-member", "1", "1", "--requeue", "--date", "2026-11-01")
    run("groups", "add-member", "1", "1", "--date", "2026-11-10")
    run("groups", "remove-member", "1", "1", "--date", "2026-11-20")
    stays = [
        (m["id"], m["joined_on"], m["left_on"])
        for m in json.loads(run("groups", "show", "1", "--json").stdout)["member_list"]
        if m["id"] == 1
    ]
    assert stays == [(1, "2026-10-06", "2026-11-01"), (1, "2026-11-10", "2026-11-20")]
    shown = json.loads(run("intake", "show", "1", "--json").stdout)
    assert shown["groups"] == [
        {"group": 1, "joined_on": "2026-10-06", "left_on": "2026-11-01"},
        {"group": 1, "joined_on": "2026-11-10", "left_on": "2026-11-20"},
    ]
    assert (
        "1 (2026-10-06 – 2026-11-01), 1 (2026-11-10 – 2026-11-20)"
        in run("intake", "show", "1").stdout
    )


def test_group_events_are_not_dated_before_what_they_follow(run: Run, db: Path) -> None:
    register(run, 6)  # registered 2026-10-01 … 2026-10-06
    start(run, "--members", "1,2,3,4,5", "--date", "2026-10-06")
    run("sessions", "add", "1", "--date", "2026-10-13")
    run("groups", "remove-member", "1", "1", "--requeue", "--date", "2026-11-01")
    result = run("groups", "add-member", "1", "1", "--date", "2026-10-20", code=1)
    assert "before registration 1 last changed status (2026-11-01)" in result.stderr
    run("groups", "add-member", "1", "1", "--date", "2026-11-10")
    result = run("groups", "remove-member", "1", "1", "--date", "2026-11-05", code=1)
    assert "before registration 1 joined the group (2026-11-10)" in result.stderr
    result = run("groups", "end", "1", "--date", "2026-11-09", code=1)
    assert "before the group's last change of members (2026-11-10)" in result.stderr
    start(run, "--members", "6", "--force", "--date", "2026-10-06", theme="Utmattning")
    run("sessions", "add", "2", "--date", "2026-10-13")
    result = run("groups", "end", "2", "--date", "2026-10-10", code=1)
    assert "before the group's last session (2026-10-13)" in result.stderr
    run("groups", "end", "2", "--date", "2026-10-13")


# --- nearly ready, practical details, filters ----------------------------------------------------


def test_ready_almost(run: Run, db: Path) -> None:
    register(run, 4, "Utmattning", "Jönköping")  # 1–4: one short
    register(run, 2, "Utmattning", "Huskvarna", 5)  # 5–6: they could be asked
    register(run, 3, "Ensamhet", "Digital", 7)  # 7–9: two short
    register(run, 1, "Ensamhet", "Jönköping", 10)  # 10: could meet online
    register(run, 5, "Stress och oro", "Huskvarna", 11)  # ready: not "nearly"
    near = json.loads(run("groups", "ready", "--almost", "--json").stdout)
    assert near == [
        {
            "theme": "Utmattning",
            "area": "Jönköping",
            "waiting": 4,
            "short": 1,
            "alternatives": 2,
            "members": [1, 2, 3, 4],
        },
        {
            "theme": "Ensamhet",
            "area": "Digital",
            "waiting": 3,
            "short": 2,
            "alternatives": 1,
            "members": [7, 8, 9],
        },
    ]
    result = run("groups", "ready", "--almost")
    assert "Nearly ready: one or two short of 5" in result.stdout
    assert "Stress" not in result.stdout
    assert "Others waiting for Utmattning: shg intake list --theme Utmattning" in result.stderr
    # The command it names shows them.
    listed = json.loads(run("intake", "list", "--theme", "Utmattning", "--json").stdout)
    assert {5, 6} <= {r["id"] for r in listed}
    # One more who would also go to Jönköping makes it ready, and it leaves the list.
    add(run, "Late", "Utmattning", "--area", "Huskvarna", "--also-area", "Jönköping")
    near = json.loads(run("groups", "ready", "--almost", "--json").stdout)
    assert [(n["theme"], n["area"]) for n in near] == [("Ensamhet", "Digital")]
    assert (
        json.loads(run("groups", "ready", "--almost", "--as-of", "2026-10-01", "--json").stdout)
        == []
    )
    csv_header = run("groups", "ready", "--almost", "--format", "csv").stdout.splitlines()[0]
    assert csv_header == "theme,area,waiting,short,alternatives,members"


def test_nothing_nearly_ready(run: Run, db: Path) -> None:
    register(run, 2)
    assert json.loads(run("groups", "ready", "--almost", "--json").stdout) == []
    assert (
        "No theme and area is one or two people short." in run("groups", "ready", "--almost").stdout
    )


def test_when_and_where_a_group_meets(run: Run, db: Path) -> None:
    register(run, 5)
    group = json.loads(
        start(
            run, "--date", "2026-10-06", "--weekday", "TUESDAY", "--time", "9:05",
            "--venue", "  Stadsbiblioteket   rum 2 ", "--json",
        ).stdout
    )  # fmt: skip
    shown = json.loads(run("groups", "show", str(group["id"]), "--json").stdout)
    assert (shown["weekday"], shown["time"], shown["venue"], shown["open"], shown["planned"]) == (
        2,
        "09:05",
        "Stadsbiblioteket rum 2",
        True,
        False,
    )
    for typed, number in [("mon", 1), ("Wed", 3), ("7", 7), ("fri", 5), ("saturday", 6)]:
        changed = json.loads(run("groups", "set", "1", "--weekday", typed, "--json").stdout)
        assert changed["weekday"] == number
    changed = json.loads(run("groups", "set", "1", "--time", "18.30", "--json").stdout)
    assert (changed["time"], changed["weekday"], changed["venue"]) == (
        "18:30",
        6,
        "Stadsbiblioteket rum 2",
    )  # what was not given is unchanged
    said = run("groups", "set", "1", "--venue", "Kyrkans församlingshem").stderr
    assert said == "Venue: Stadsbiblioteket rum 2 → Kyrkans församlingshem\n"  # just the change
    audited = len(json.loads(run("audit", "--json").stdout))
    said = run("groups", "set", "1", "--time", "18:30").stderr
    assert said == "Nothing to change: group 1 already says so.\n"
    assert len(json.loads(run("audit", "--json").stdout)) == audited  # nothing recorded
    said = run("groups", "set", "1", "--time", "19:00", "--weekday", "tue").stderr
    assert said == "Meets: Saturday 18:30 → Tuesday 19:00\n"
    cleared = json.loads(
        run("groups", "set", "1", "--weekday", "", "--time", "", "--venue", "", "--json").stdout
    )
    assert (cleared["weekday"], cleared["time"], cleared["venue"]) == (None, None, None)
    assert "Meets" in run("groups", "show", "1").stdout
    # A street address with a postcode is a place, not a phone number.
    run("groups", "set", "1", "--venue", "Östra Storgatan 12, 553 21 Jönköping")


def test_start_closed_and_list_by_starter_and_status(run: Run, db: Path) -> None:
    run("staff", "add", "Omar Said")
    register(run, 5)
    register(run, 5, "Ensamhet", "Huskvarna", 6)
    register(run, 5, "Stress och oro", "Huskvarna", 11)
    start(run, "--starter", "Eva Lind", "--closed")
    start(run, "--starter", "Omar Said", theme="Ensamhet", area="Huskvarna")
    start(
        run,
        "--starter",
        "omar said",
        "--date",
        "2026-12-01",
        theme="Stress och oro",
        area="Huskvarna",
    )
    assert json.loads(run("groups", "show", "1", "--json").stdout)["open"] is False
    register(run, 1, "Utmattning", "Jönköping", 16)
    assert "group 1 is closed" in run("groups", "add-member", "1", "16", code=1).stderr

    def ids(*args: str) -> list[int]:
        return [g["id"] for g in json.loads(run("groups", "list", *args, "--json").stdout)]

    assert ids("--starter", "omar SAID") == [2, 3]
    assert ids("--starter", "Eva Lind") == [1]
    assert ids("--starter", "Omar Said", "--status", "starting") == [2, 3]
    run("groups", "end", "2")
    assert ids("--starter", "Omar Said", "--status", "ended") == [2]
    assert ids("--status", "starting") == [1, 3]
    listed = json.loads(run("groups", "list", "--json").stdout)
    assert [g["planned"] for g in listed] == [False, False, True]
    assert (
        "unknown staff member 'Nobody'"
        in run("groups", "list", "--starter", "Nobody", code=1).stderr
    )


def test_a_venue_never_names_a_person_in_the_register(run: Run, db: Path) -> None:
    """The venue reaches the shared calendar: a member's (or anyone's) name in it is refused,
    as whole words, in any case, and the error does not repeat it."""
    register(run, 5)
    run("intake", "add", "--consent", "--name", "Frida  N.", "--theme", "Utmattning",
        "--area", "Jönköping", "--date", "2026-10-20")  # fmt: skip
    for venue in ("Frida N.", "hos frida n., rum 2", "Person 3", "Rum 2 (hos Person 3)"):
        said = run("groups", "start", "--theme", "Utmattning", "--area", "Jönköping",
                   "--members", "1,2,3,4,5", "--venue", venue, code=1).stderr  # fmt: skip
        assert "the venue holds the name of a person in the register" in said, venue
        assert "never a person" in said
        assert "Frida" not in said and "Person" not in said
    start(run, "--members", "1,2,3,4,5", "--venue", "Stadsbiblioteket")
    said = run("groups", "set", "1", "--venue", "hos Person 2", code=1).stderr
    assert "the venue holds the name of a person in the register" in said
    assert json.loads(run("groups", "show", "1", "--json").stdout)["venue"] == "Stadsbiblioteket"
    # A name inside another word, or part of a name, is not a name.
    run("groups", "set", "1", "--venue", "Personalrummet, Person 33-salen")
    run("groups", "set", "1", "--venue", "Fridas café")


def test_a_venue_with_an_identity_number_says_so(run: Run, db: Path) -> None:
    """A number shaped like a personnummer is refused as one, even with a wrong check digit
    (not as "a phone number or an e-mail address")."""
    register(run, 5)
    start(run, "--members", "1,2,3,4,5")
    for venue in ("rum 19900101-1234", "rum 900101-1234", "rum 811228-9874"):
        said = run("groups", "set", "1", "--venue", venue, code=1).stderr
        assert "the venue contains what looks like a personal identity number" in said, venue
        assert "phone number" not in said and "1234" not in said
