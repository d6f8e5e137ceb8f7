"""A new coordinator's first year with shg, as issue 10 tried it: Region Jönköping from
2026-09-01, fifteen people (some typed twice with their number written another way, one
without an area), a group started and rung from its call list, a starter session recorded
twice by mistake and removed, a follow-up recorded by mistake and removed, a misspelt name
corrected, a withdrawn person reinstated, and, eleven months on, `intake stale` before
`purge`. It asserts what the coordinator reads, step by step, with `SHG_TODAY` moved along."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import Run, audit_text, snapshot


def test_a_new_coordinators_year_in_region_jonkoping(run: Run, environment: Path) -> None:
    db = environment
    today = "2026-09-01"

    def shg(*args: str, code: int | None = 0) -> Any:
        return run(*args, code=code, env={"SHG_TODAY": today})

    def data(*args: str) -> Any:
        return json.loads(shg(*args, "--json").stdout)

    def mistake(*args: str) -> str:
        """A tired coordinator's slip: refused with an error and a hint, nothing written (a
        question refused without a terminal first shows what it would have changed)."""
        before = snapshot(db)
        result = shg(*args, code=1)
        assert result.stderr.startswith("Error: ") or (
            args[-1] == "purge" and "\nError: " in result.stderr
        ), result.stderr
        assert "\nHint: " in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert snapshot(db) == before
        return result.stderr

    def register(name: str, theme: str, *extra: str, code: int | None = 0) -> Any:
        return shg(
            "intake", "add", "--consent", "--name", name, "--theme", theme, *extra, code=code
        )

    # --- Setting up: the county, its towns and a starter. ------------------------------------
    assert "Next: shg intake add" in shg("init", "--county", "Region Jönköpings län").stderr
    for area in ("Jönköping", "Huskvarna", "Habo/Mullsjö"):
        shg("areas", "add", area)
    shg("areas", "add", "Digital", "--digital")
    shg("staff", "add", "Eva Lind")
    for command, says in (
        (("intake", "edit"), "Correct a registration"),
        (("intake", "reinstate"), "Put a withdrawn or referred registration back"),
        (("intake", "stale"), "Waiting people whose registration expires soon"),
        (("groups", "contacts"), "Who to ring"),
        (("sessions", "remove"), "Remove a starter session recorded by mistake"),
        (("followups", "remove"), "Remove a follow-up recorded by mistake"),
    ):
        assert says in shg(*command, "--help").stdout

    # --- Registering fifteen people over ten days. ------------------------------------------
    said = register("Anna Berg", "Utmattning", "--area", "Jönköping", "--phone", "070-123 45 67")
    assert "Registered 1: Utmattning in Jönköping (waiting)." in said.stderr
    register("Bertil", "Utmattning", "--area", "Jönköping", "--phone", "0702223344")
    register("Cecilia", "utmattning", "--area", "jönköping", "--email", "Cecilia@Example.se")

    today = "2026-09-03"
    # Anna again, her number written the international way: the same person, caught.
    stderr = mistake(
        "intake", "add", "--consent", "--name", "Anna Berg", "--theme", "Utmattning",
        "--area", "Jönköping", "--phone", "+46701234567",
    )  # fmt: skip
    assert "registration 1" in stderr
    # Anna also wants Stress och oro, number written a third way: shg asks who she is ...
    anna_too = ("--area", "Jönköping", "--phone", "0701234567")
    stderr = mistake("intake", "add", "--consent", "--name", "Anna Berg",
                     "--theme", "Stress och oro", *anna_too)  # fmt: skip
    assert "--same-person 1" in stderr and "--new-person" in stderr
    # ... and, told, links her: one identity for both registrations.
    said = register("Anna Berg", "Stress och oro", *anna_too, "--same-person", "1")
    assert "Registered 4: Stress och oro in Jönköping (waiting)." in said.stderr
    assert "The same person as registration 1" in said.stderr
    # An alias of a theme is said back as the theme it stands for.
    said = register("David", "Smärta", "--area", "Huskvarna", "--phone", "036-12 34 56")
    assert "Registered 5: Att leva med smärta in Huskvarna (waiting)." in said.stderr
    # No area given: put in the default area, and told it will not count towards a town.
    said = register("Gustav", "Utmattning", "--phone", "0734445566")
    assert "Registered 6: Utmattning in Hela länet (waiting)." in said.stderr
    assert "Warning: no area was given" in said.stderr
    assert "will not count towards a group in a town" in said.stderr
    assert "shg intake edit 6 --area AREA" in said.stderr

    today = "2026-09-08"
    register("Elin", "Utmattning", "--area", "Jönköping", "--phone", "073 111 22 33")
    said = register("Fatima", "Utmattning", "--area", "Jönköping", "--phone", "0721112233")
    assert "5 now wait for Utmattning in Jönköping: a group can start." in said.stderr
    assert "Next: shg groups start --theme Utmattning --area 'Jönköping'" in said.stderr
    register("Göran", "Stress och oro", "--area", "Huskvarna", "--phone", "0709998877")
    register("Ivar", "Stress och oro", "--area", "Huskvarna", "--phone", "0707776655")

    today = "2026-09-10"
    register("Johanna", "Utmattning", "--area", "Huskvarna", "--also-theme", "Stress och oro",
             "--phone", "0706665544")  # fmt: skip
    register("Karl", "Ensamhet", "--area", "Digital", "--phone", "0705554433")
    register("Lisa", "Utmattning", "--area", "Jönköping", "--phone", "0704443322")
    # Bertil once more, with spaces and +46: the same person, not a second one.
    assert "registration 2" in mistake(
        "intake", "add", "--consent", "--name", "Bertil", "--theme", "Utmattning",
        "--area", "Jönköping", "--phone", "+46 70 222 33 44",
    )  # fmt: skip
    register("Maja", "smärta", "--area", "Habo/Mullsjö", "--phone", "0703332211")
    register("Nils", "Utmattning", "--area", "Jönköping", "--phone", "0702221100")
    assert "unknown theme 'Stres och oro'" in mistake(
        "intake", "add", "--consent", "--name", "Ollle", "--theme", "Stres och oro",
        "--area", "Huskvarna",
    )  # fmt: skip
    register("Ollle", "Stress och oro", "--area", "Huskvarna", "--phone", "0700001111")

    everyone = data("intake", "list", "--status", "all")
    assert [r["id"] for r in everyone] == list(range(1, 17))
    assert len({r["name"] for r in everyone}) == 15  # fifteen people, sixteen registrations
    # However Anna's number is written, the search finds her two registrations, and only them.
    for written in ("070-123 45 67", "+46 70 123 45 67", "0701234567"):
        assert [r["id"] for r in data("intake", "list", "--search", written)] == [1, 4]

    # --- Which groups can start, which nearly can, and who to ring. ---------------------------
    ready = data("groups", "ready")
    assert [(g["theme"], g["area"], g["waiting"]) for g in ready] == [
        ("Utmattning", "Jönköping", 7)  # Gustav, in Hela länet, does not count
    ]
    assert ready[0]["members"] == [1, 2, 3, 7, 8, 13, 15]
    almost = data("groups", "ready", "--almost")
    assert [(a["theme"], a["area"], a["waiting"], a["short"]) for a in almost] == [
        ("Stress och oro", "Huskvarna", 4, 1)
    ]
    assert sorted(almost[0]["members"]) == [9, 10, 11, 16]
    table = shg("groups", "ready", "--contacts").stdout
    for shown in ("Anna Berg", "070-123 45 67", "Cecilia@Example.se", "0702221100"):
        assert shown in table
    assert "Ollle" not in table  # not proposed, not to be rung

    # --- Starting the group (after a slip in the member list). --------------------------------
    today = "2026-09-14"
    stderr = mistake("groups", "start", "--theme", "Utmattning", "--area", "Jönköping",
                     "--members", "7;19")  # fmt: skip
    assert "'7;19' is not a list of registration ids" in stderr
    assert "Did you mean 'Eva Lind'?" in mistake(
        "groups", "start", "--theme", "Utmattning", "--area", "Jönköping", "--starter", "Eva Lindh"
    )
    assert "'2026-13-01' is not a valid date" in mistake(
        "groups", "start", "--theme", "Utmattning", "--area", "Jönköping", "--date", "2026-13-01"
    )
    said = shg(
        "groups", "start", "--theme", "Utmattning", "--area", "Jönköping", "--starter", "Eva Lind",
        "--weekday", "tuesday", "--time", "18:30", "--venue", "Stadsbiblioteket, rum 2",
    )  # fmt: skip
    assert "Started group 1: Utmattning in Jönköping, members 1, 2, 3, 7, 8, 13, 15." in said.stderr
    card = shg("groups", "show", "1").stdout
    assert "Tuesday 18:30" in card and "Stadsbiblioteket, rum 2" in card and "0/4" in card

    # Ringing each member before the first meeting: everyone's phone (or e-mail) is there.
    calls = data("groups", "contacts", "1")
    assert [(c["id"], c["name"], c["phone"], c["email"]) for c in calls] == [
        (1, "Anna Berg", "070-123 45 67", None),
        (2, "Bertil", "0702223344", None),
        (3, "Cecilia", None, "Cecilia@Example.se"),
        (7, "Elin", "073 111 22 33", None),
        (8, "Fatima", "0721112233", None),
        (13, "Lisa", "0704443322", None),
        (15, "Nils", "0702221100", None),
    ]
    table = shg("groups", "contacts", "1").stdout
    assert "070-123 45 67" in table and "Cecilia@Example.se" in table
    assert "there is no group 2" in mistake("groups", "contacts", "2")
    assert "Anna Berg" not in audit_text(db) and "0702223344" not in audit_text(db)

    # --- Starter sessions, one recorded twice by mistake. ------------------------------------
    today = "2026-09-15"
    assert (
        "starter session 1 of 4 recorded" in shg("sessions", "add", "1", "--attended", "7").stderr
    )
    # The same session typed again the same day: refused, pointing at the way to undo.
    assert "`shg sessions remove 1 1`" in mistake("sessions", "add", "1", "--attended", "7")
    today = "2026-09-22"
    shg("sessions", "add", "1", "--attended", "6")
    before = data("groups", "show", "1")
    today = "2026-09-23"  # the next morning, not sure it went in: typed again, the plan says no
    assert "next starter session is planned on 2026-09-29" in mistake("sessions", "add", "1")
    # Typed again with today's date: recorded, by mistake, and removed.
    said = shg("sessions", "add", "1", "--date", "today")
    assert "starter session 3 of 4 recorded" in said.stderr
    assert "has no starter session 7: it has 3 sessions" in mistake("sessions", "remove", "1", "7")
    assert "there is no group 9" in mistake("sessions", "remove", "9")
    said = shg("sessions", "remove", "1")
    assert "Removed starter session 3 (2026-09-23) of group 1." in said.stderr
    assert "Group 1 (starting): 2 of 4 starter sessions held." in said.stderr
    after = data("groups", "show", "1")
    assert after == before
    assert (after["status"], after["sessions_held"]) == ("starting", 2)

    today = "2026-09-29"
    shg("sessions", "add", "1", "--attended", "7")
    today = "2026-10-06"
    said = shg("sessions", "add", "1", "--attended", "5")
    assert "starter session 4 of 4 recorded" in said.stderr
    assert "The group now runs on its own; first follow-up due 2026-11-17." in said.stderr

    # --- Follow-ups, one recorded by mistake. --------------------------------------------------
    today = "2026-11-16"
    due = shg("followups", "due").stdout
    assert "2026-11-17" in due and "in 1 day" in due
    said = shg("followups", "add", "1", "--outcome", "ok", "--method", "phone")
    assert "next due 2026-12-28" in said.stderr
    today = "2026-11-19"  # meant for another group: refused, then forced
    assert "next follow-up is due on 2026-12-28" in mistake(
        "followups", "add", "1", "--outcome", "ok", "--method", "visit"
    )
    shg("followups", "add", "1", "--outcome", "ok", "--method", "visit", "--force")
    assert data("groups", "show", "1")["next_followup"] != "2026-12-28"
    assert "has no follow-up on 2026-11-18" in mistake("followups", "remove", "1", "--date",
                                                        "2026-11-18")  # fmt: skip
    said = shg("followups", "remove", "1")
    assert "Removed the follow-up of group 1 on 2026-11-19" in said.stderr
    assert "next follow-up due 2026-12-28" in said.stderr
    shown = data("groups", "show", "1")
    assert shown["next_followup"] == "2026-12-28"
    assert [f["date"] for f in shown["followups"]] == ["2026-11-16"]

    # --- Corrections: a misspelt name, Gustav's area. -----------------------------------------
    today = "2026-11-20"
    assert "there is no registration 160" in mistake("intake", "edit", "160", "--name", "Olle")
    assert "Did you mean 'Stress och oro'?" in mistake(
        "intake", "edit", "16", "--theme", "Stres och oro"
    )
    assert "'2026-13-01' is not a valid date" in mistake(
        "intake", "edit", "16", "--date", "2026-13-01"
    )
    said = shg("intake", "edit", "16", "--name", "Olle")
    assert "Name: Ollle → Olle" in said.stderr
    assert "Registration 16 corrected." in said.stderr
    assert data("intake", "show", "16")["name"] == "Olle"
    assert "Nothing to change" in shg("intake", "edit", "16", "--name", "Olle").stderr
    said = shg("intake", "edit", "6", "--area", "Jönköping")
    assert "Area: Hela länet → Jönköping" in said.stderr
    audit = audit_text(db)
    assert "Olle" not in audit and "Ollle" not in audit and "Hela länet" not in audit

    # --- Withdrawn, then back: Karl keeps his place in the queue. ------------------------------
    shg("intake", "withdraw", "12")
    assert 12 not in [r["id"] for r in data("intake", "list")]
    today = "2026-11-25"
    assert "is waiting already" in mistake("intake", "reinstate", "11")
    said = shg("intake", "reinstate", "12")
    assert "Registration 12 waits again, registered 2026-09-10" in said.stderr
    karl = data("intake", "show", "12")
    assert (karl["status"], karl["date"], karl["confirmed_on"]) == (
        "waiting",
        "2026-09-10",
        "2026-11-25",
    )

    # Maja asks to be erased; editing her afterwards is refused.
    today = "2026-11-26"
    shg("person", "erase", "14", "--yes")
    assert "holds no identity" in mistake("intake", "edit", "14", "--name", "Maja")

    # --- Eleven months on: who to ring before the purge, then the purge. -----------------------
    today = "2027-08-10"
    stale = data("intake", "stale")
    assert [(s["id"], s["name"], s["days_left"]) for s in stale] == [
        (4, "Anna Berg", 25),
        (5, "David", 25),
        (6, "Gustav", 25),
        (9, "Göran", 30),
        (10, "Ivar", 30),
    ]
    table = shg("intake", "stale").stdout
    assert "036-12 34 56" in table and "0734445566" in table  # a way to reach each
    today = "2027-09-03"
    next_purge = [s["id"] for s in data("intake", "stale", "--within", "1")]
    assert next_purge == [4, 5, 6]
    assert "Nothing would be purged." in shg("purge", "--dry-run").stderr

    today = "2027-09-04"
    said = shg("purge", "--dry-run")
    assert "Would expire 3 waiting registrations last confirmed before 2026-09-04: 4, 5, 6" in (
        said.stderr
    )
    assert "(registrations 5, 6)" in said.stderr  # Anna keeps her name: she is in group 1
    assert "needs a yes" in mistake("purge")  # no terminal, no --yes: nothing happens
    waiting_before = {r["id"] for r in data("intake", "list")}
    said = shg("purge", "--yes")
    assert "Expired 3 waiting registrations" in said.stderr
    after = {r["id"]: r for r in data("intake", "list", "--status", "all")}
    assert {r["id"] for r in data("intake", "list")} == waiting_before - set(next_purge)
    assert [after[i]["status"] for i in next_purge] == ["withdrawn"] * 3
    assert [after[i]["name"] for i in next_purge] == ["Anna Berg", None, None]
    assert [r["id"] for r in data("intake", "list", "--search", "0734445566")] == []
    # Next on the list: those registered on 2026-09-08 and -10 (Karl was confirmed again).
    assert [(s["id"], s["days_left"]) for s in data("intake", "stale", "--within", "7")] == [
        (9, 5),
        (10, 5),
        (11, 7),
        (16, 7),
    ]
    assert "Nothing was purged." in shg("purge", "--yes").stderr
