"""The call list: who to ring before the first meeting (`groups contacts`, `groups ready
--contacts`). On screen, CSV and JSON only; reading it is never audited, and no name or phone
number reaches the audit by any of the commands around it."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path

from conftest import Run, add, start
from leaks import traces


def _people(run: Run) -> None:
    add(run, "Anna Qzberg", "Utmattning", "--area", "Jönköping", "--phone", "070-123 45 67",
        "--date", "2026-10-01")  # fmt: skip
    add(run, "Bo Qzlund", "Utmattning", "--area", "Jönköping", "--email", "bo@example.se",
        "--date", "2026-10-02")  # fmt: skip
    for i in range(3, 7):
        add(run, f"Person {i}", "Utmattning", "--area", "Jönköping", "--phone",
            f"036-12 34 5{i}", "--date", f"2026-10-0{i}")  # fmt: skip


def test_a_groups_call_list(run: Run, db: Path) -> None:
    _people(run)
    start(run, "--members", "1,2,3,4,5")
    audit_before = json.loads(run("audit", "--json").stdout)
    rows = json.loads(run("groups", "contacts", "1", "--json").stdout)
    assert rows[:2] == [
        {"id": 1, "name": "Anna Qzberg", "phone": "070-123 45 67", "email": None},
        {"id": 2, "name": "Bo Qzlund", "phone": None, "email": "bo@example.se"},
    ]
    assert [r["id"] for r in rows] == [1, 2, 3, 4, 5]
    table = run("groups", "contacts", "1").stdout
    assert "Call list of group 1" in table and "070-123 45 67" in table and "bo@example.se" in table
    lines = list(csv.reader(io.StringIO(run("groups", "contacts", "1", "--format", "csv").stdout)))
    assert lines[0] == ["id", "name", "phone", "email"]
    assert lines[1] == ["1", "Anna Qzberg", "070-123 45 67", ""]
    # Someone who left is not rung, nor someone erased (they left the group that day) …
    run("groups", "remove-member", "1", "5")
    run("person", "erase", "4", "--yes")
    rows = json.loads(run("groups", "contacts", "1", "--json").stdout)
    assert [r["id"] for r in rows] == [1, 2, 3]
    # … and a registration left without an identity shows as "–".
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE registrations SET person_id = NULL WHERE id = 3")
    conn.close()
    rows = json.loads(run("groups", "contacts", "1", "--json").stdout)
    assert rows[2] == {"id": 3, "name": None, "phone": None, "email": None}
    assert re.search(r"\b3\s+–\s+–\s+–", run("groups", "contacts", "1").stdout)
    # Reading is not audited.
    before = len(json.loads(run("audit", "--json").stdout))
    run("groups", "contacts", "1")
    run("groups", "contacts", "1", "--json")
    assert len(json.loads(run("audit", "--json").stdout)) == before > len(audit_before)


def test_an_ended_group_has_nobody_to_ring(run: Run, db: Path) -> None:
    _people(run)
    start(run, "--members", "1,2,3,4,5")
    run("groups", "end", "1")
    assert json.loads(run("groups", "contacts", "1", "--json").stdout) == []
    assert "Group 1 has no current members." in run("groups", "contacts", "1").stdout


def test_the_call_list_of_the_proposals(run: Run, db: Path) -> None:
    _people(run)
    for i in range(7, 12):
        add(run, f"Person {i}", "Ensamhet", "--area", "Huskvarna", "--date", "2026-10-10")
    proposals = json.loads(run("groups", "ready", "--json").stdout)
    rows = json.loads(run("groups", "ready", "--contacts", "--json").stdout)
    assert [(r["proposal"], r["theme"], r["area"], r["id"]) for r in rows] == [
        (number, p["theme"], p["area"], member)
        for number, p in enumerate(proposals, 1)
        for member in p["members"]
    ]
    assert rows[0] == {
        "proposal": 1,
        "theme": "Utmattning",
        "area": "Jönköping",
        "id": 1,
        "name": "Anna Qzberg",
        "phone": "070-123 45 67",
        "email": None,
    }
    table = run("groups", "ready", "--contacts").stdout
    assert "Who to ring for the groups that can start" in table and "Anna Qzberg" in table
    # The number of a proposal, not the id of a group (group 1 may be another, running one).
    assert table.splitlines()[1].split()[0] == "Proposal"
    header = run("groups", "ready", "--contacts", "--format", "csv").stdout.splitlines()[0]
    assert header == "proposal,theme,area,id,name,phone,email"
    run("intake", "withdraw", "1")
    run("intake", "withdraw", "2")
    before = len(json.loads(run("audit", "--json").stdout))
    rows = json.loads(run("groups", "ready", "--contacts", "--json").stdout)
    assert {r["theme"] for r in rows} == {"Ensamhet"}  # four left for Utmattning: not ready
    assert len(json.loads(run("audit", "--json").stdout)) == before  # reading is not audited


def test_nothing_proposed_no_one_to_ring(run: Run, db: Path) -> None:
    add(run, "Anna", "Utmattning", "--area", "Jönköping")
    assert json.loads(run("groups", "ready", "--contacts", "--json").stdout) == []
    assert "No theme has 5 people waiting" in run("groups", "ready", "--contacts").stdout


def test_no_name_or_phone_reaches_the_audit(run: Run, db: Path, tmp_path: Path) -> None:
    _people(run)
    run("groups", "ready", "--contacts")
    start(run, "--members", "1,2,3,4,5", "--date", "2026-12-07", "--venue", "Qzrummet")
    run("groups", "contacts", "1", "--json")
    run("groups", "set", "1", "--venue", "Qzsalen", "--weekday", "tue", "--time", "18:00")
    run("groups", "remove-member", "1", "5", "--requeue")
    run("groups", "set", "1", "--starter-sessions", "1")
    run("groups", "end", "1")
    start(run, "--members", "1,2,3,4,5", "--date", "2026-10-06", "--starter-sessions", "1",
          "--force", code=1)  # fmt: skip  # they are placed already: refused
    audit = tmp_path / "audit.json"
    audit.write_text(run("audit", "--json").stdout)
    tokens = ["Anna Qzberg", "Qzberg", "Qzlund", "070-123 45 67", "0701234567", "bo@example.se",
              "Qzrummet", "Qzsalen"]  # fmt: skip
    assert traces([audit], tokens) == []
    actions = {a["action"] for a in json.loads(audit.read_text())}
    assert {"group.start", "group.set", "group.end"} <= actions


def test_no_name_or_phone_reaches_the_audit_when_undoing(
    run: Run, db: Path, tmp_path: Path
) -> None:
    _people(run)
    start(run, "--members", "1,2,3,4,5", "--date", "2026-10-06", "--starter-sessions", "1")
    run("sessions", "add", "1", "--date", "2026-10-06")
    run("followups", "add", "1", "--date", "2026-11-17", "--note", "Anna Qzberg ringde",
        "--method", "070-123 45 67")  # fmt: skip
    run("followups", "remove", "1")
    run("sessions", "remove", "1")
    audit = tmp_path / "audit.json"
    audit.write_text(run("audit", "--json").stdout)
    assert traces([audit], ["Qzberg", "070-123 45 67", "ringde"]) == []
    entries = json.loads(audit.read_text())
    assert [(e["action"], e["entity"], e["entity_id"]) for e in entries[-2:]] == [
        ("followup.remove", "group", 1),
        ("session.remove", "group", 1),
    ]
    assert "follow-up removed" in run("audit").stdout
