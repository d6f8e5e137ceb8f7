"""Personal data done right (docs/design.md §6): basis, access, erasure, retention, audit, guard."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest
from conftest import Run, add, counts, register, start
from leaks import db_files, traces

TOKENS = {"name": "Qzname Ytoken", "phone": "070-987 65 43", "email": "qzmail@token.example",
          "note": "Qznote token: föredrar tisdagar"}  # fmt: skip


def add_tokened(run: Run, theme: str = "Utmattning", area: str = "Jönköping") -> int:
    result = run(
        "intake", "add", "--consent", "--name", TOKENS["name"], "--phone", TOKENS["phone"],
        "--email", TOKENS["email"], "--note", TOKENS["note"], "--theme", theme, "--area", area,
        "--gender", "woman", "--birth-year", "1980", "--date",
        "2026-10-20", "--json",
    )  # fmt: skip
    return int(json.loads(result.stdout)["id"])


# --- legal basis ------------------------------------------------------------------------------


def test_consent_is_required_by_default_and_recorded(run: Run, db: Path) -> None:
    before = counts(db)
    result = run("intake", "add", "--name", "A", "--theme", "Ensamhet", code=1)
    assert "--consent" in result.stderr and "version 1" in result.stderr
    assert counts(db) == before
    run("settings", "set", "info_version", "2026-09")
    add(run, "A", "Ensamhet", "--date", "2026-11-02")
    shown = json.loads(run("intake", "show", "1", "--json").stdout)
    assert (shown["basis"], shown["consent_on"], shown["info_version"], shown["informed_on"]) == (
        "consent",
        "2026-11-02",
        "2026-09",
        None,
    )


def test_public_task_records_when_the_information_was_given(run: Run, db: Path) -> None:
    run("settings", "set", "legal_basis", "public-task", "--yes")
    run("intake", "add", "--name", "A", "--theme", "Ensamhet", "--date", "2026-11-03")
    shown = json.loads(run("intake", "show", "1", "--json").stdout)
    assert (shown["basis"], shown["informed_on"], shown["consent_on"]) == (
        "public-task",
        "2026-11-03",
        None,
    )
    assert "legal_basis" in run("settings", "set", "legal_basis", "whatever", code=1).stderr


# --- right of access ---------------------------------------------------------------------------


def test_export_holds_everything_about_the_person_and_nothing_else(run: Run, db: Path) -> None:
    others = register(run, 4, "Utmattning", "Jönköping")
    first = add_tokened(run)
    second = json.loads(run(
        "intake", "add", "--consent", "--name", TOKENS["name"], "--phone", TOKENS["phone"],
        "--theme", "Ensamhet", "--date", "2026-10-21", "--same-person", str(first), "--json",
    ).stdout)["id"]  # fmt: skip
    start(run, "--date", "2026-11-02")
    out = Path("anna.json")
    result = run("person", "export", str(second), "--out", str(out))
    assert "anna.json" in result.stderr and "anna.txt" in result.stderr
    for path in (out, Path("anna.txt")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    doc = json.loads(out.read_text("utf-8"))
    assert doc["person"] == {
        "name": TOKENS["name"],
        "phone": TOKENS["phone"],
        "email": TOKENS["email"],
        "note": TOKENS["note"],
    }
    assert [r["id"] for r in doc["registrations"]] == [first, second]
    assert doc["registrations"][0]["birth_year"] == 1980
    assert doc["groups"] == [
        {
            "group": 1,
            "registration": first,
            "theme": "Utmattning",
            "area": "Jönköping",
            "group_status": "starting",
            "joined_on": "2026-11-02",
            "left_on": None,
        }
    ]
    actions = [(a["action"], a["entity_id"]) for a in doc["audit"]]
    assert ("registration.add", first) in actions and ("registration.placed", first) in actions
    assert ("person.export", second) in actions
    text = out.read_text("utf-8") + Path("anna.txt").read_text("utf-8")
    for other in others:  # nobody else's name, nor their registration ids as records
        assert f"Person {other}" not in text
    assert TOKENS["name"] in Path("anna.txt").read_text("utf-8")
    assert "already exists" in run("person", "export", str(first), "--out", str(out), code=1).stderr


def test_export_to_the_terminal(run: Run, db: Path) -> None:
    reg = add_tokened(run)
    assert TOKENS["email"] in run("person", "export", str(reg)).stdout
    assert json.loads(run("person", "export", str(reg), "--json").stdout)["registration"] == reg
    assert "no registration 99" in run("person", "export", "99", code=1).stderr


# --- erasure ---------------------------------------------------------------------------------


def test_erasure_really_removes_the_bytes(run: Run, db: Path, tmp_path: Path) -> None:
    register(run, 4, "Utmattning", "Jönköping")
    reg = add_tokened(run)
    start(
        run,
        "--date",
        "2026-10-26",
        "--starter-sessions",
        "1",
    )
    run("sessions", "add", "1", "--date", "2026-10-26")
    run("person", "export", str(reg), "--json")  # reads and logs, as a real request would
    tokens = list(TOKENS.values())
    assert len(traces(db_files(db), tokens)) >= len(tokens)  # the test can see them before
    result = json.loads(run("person", "erase", str(reg), "--yes", "--json").stdout)
    assert result == {
        "registrations": [reg],
        "erased": True,
        "followups_scrubbed": 0,
        "checkpointed": True,
    }
    backup = tmp_path / "after.db"
    src, dst = sqlite3.connect(db), sqlite3.connect(backup)
    src.backup(dst)
    src.close()
    dst.close()
    assert traces([*db_files(db), backup], tokens) == []
    conn = sqlite3.connect(db)
    audit_dump = "\n".join(str(r) for r in conn.execute("SELECT * FROM audit"))
    assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",)
    conn.close()
    assert not any(t.lower() in audit_dump.lower() for t in TOKENS.values())
    # The facts stay for statistics; the running group lost exactly one member.
    shown = json.loads(run("intake", "show", str(reg), "--json").stdout)
    assert (shown["name"], shown["phone"], shown["status"], shown["birth_year"]) == (
        None,
        None,
        "withdrawn",
        1980,
    )
    group = json.loads(run("groups", "show", "1", "--json").stdout)
    assert (
        group["status"] == "running" and len(group["members"]) == 4 and reg not in group["members"]
    )
    assert "was erased" in run("person", "erase", str(reg), "--yes", code=1).stderr


def test_erase_without_a_terminal_needs_yes(run: Run, db: Path) -> None:
    reg = add_tokened(run)
    result = CliInput(run)("person", "erase", str(reg), input="y\n")  # a pipe is no answer
    assert result.exit_code == 1 and "needs a yes" in result.stderr
    assert json.loads(run("intake", "show", str(reg), "--json").stdout)["name"] == TOKENS["name"]


class CliInput:
    def __init__(self, run: Run) -> None:
        from typer.testing import CliRunner

        from shgroups.cli import app

        self.runner, self.app = CliRunner(), app

    def __call__(self, *args: str, input: str):  # type: ignore[no-untyped-def]
        return self.runner.invoke(self.app, list(args), input=input)


def test_withdrawing_consent_erases_the_identity(run: Run, db: Path) -> None:
    reg = add_tokened(run)
    run("person", "withdraw-consent", str(reg), "--yes")
    assert json.loads(run("intake", "show", str(reg), "--json").stdout)["name"] is None
    actions = [a["action"] for a in json.loads(run("audit", "--person", str(reg), "--json").stdout)]
    assert actions == ["registration.add", "person.consent-withdrawn"]


# --- retention -------------------------------------------------------------------------------


def test_retention_purge(
    run: Run, db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Today is 2026-11-24: waiting since before 2025-11-24 unconfirmed expires; identity goes
    # six months after leaving (before 2026-05-24).
    ids = register(run, 3, "Stress och oro", "Jönköping")  # 2026-10-01 … 03: fresh
    stale = json.loads(
        add(
            run,
            "Gammal",
            "Ensamhet",
            "--date",
            "2025-11-01",
            "--json",
        ).stdout
    )["id"]
    renewed = json.loads(
        add(
            run,
            "Förnyad",
            "Ensamhet",
            "--date",
            "2025-11-01",
            "--json",
        ).stdout
    )["id"]
    run("intake", "confirm", str(renewed), "--date", "2026-10-01")
    left_long_ago = json.loads(
        add(
            run,
            "Slutat",
            "Ensamhet",
            "--date",
            "2026-01-05",
            "--json",
        ).stdout
    )["id"]
    run("intake", "withdraw", str(left_long_ago), "--date", "2026-05-01")
    left_recently = json.loads(
        add(
            run,
            "Nyss",
            "Ensamhet",
            "--date",
            "2026-01-05",
            "--json",
        ).stdout
    )["id"]
    run("intake", "withdraw", str(left_recently), "--date", "2026-06-01")

    before = counts(db)
    dry = json.loads(run("purge", "--dry-run", "--json").stdout)
    assert (dry["expired"], dry["erased"]) == ([stale], sorted([stale, left_long_ago]))
    assert counts(db) == before
    archive = tmp_path / "disposal.json"
    done = json.loads(run("purge", "--archive-to", str(archive), "--yes", "--json").stdout)
    assert (done["expired"], done["erased"]) == (dry["expired"], dry["erased"])
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    archived = json.loads(archive.read_text("utf-8"))
    assert sorted(p["person"]["name"] for p in archived["persons"]) == ["Gammal", "Slutat"]
    assert json.loads(run("intake", "show", str(stale), "--json").stdout)["status"] == "withdrawn"
    for reg in (stale, left_long_ago):
        assert json.loads(run("intake", "show", str(reg), "--json").stdout)["name"] is None
    for reg in (renewed, left_recently, *ids):
        assert json.loads(run("intake", "show", str(reg), "--json").stdout)["name"]
    # Idempotent, and logged; with nothing to remove it does not ask.
    again = json.loads(run("purge", "--json").stdout)
    assert (again["expired"], again["erased"]) == ([], [])
    actions = [a["action"] for a in json.loads(run("audit", "--json").stdout)]
    assert actions.count("purge.run") == 2 and "registration.expired" in actions
    assert "person.purge" in actions
    # Six months after someone leaves a group, their identity goes too.
    monkeypatch.setenv("SHG_TODAY", "2026-12-02")
    later = json.loads(run("purge", "--yes", "--json").stdout)
    assert later["erased"] == [left_recently]


def test_members_of_ended_groups_are_purged_after_the_identity_period(
    run: Run, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = register(run, 5, "Utmattning", "Jönköping")
    start(run, "--date", "2026-10-06")
    run("groups", "end", "1", "--date", "2026-11-01")
    assert json.loads(run("purge", "--dry-run", "--json").stdout)["erased"] == []
    monkeypatch.setenv("SHG_TODAY", "2027-05-02")
    assert json.loads(run("purge", "--yes", "--json").stdout)["erased"] == ids


# --- audit -----------------------------------------------------------------------------------


def test_audit_command(run: Run, db: Path) -> None:
    a, b = register(run, 2)
    run("intake", "withdraw", str(a))
    rows = json.loads(run("audit", "--person", str(a), "--json").stdout)
    assert [(r["action"], r["entity_id"], r["actor"]) for r in rows] == [
        ("registration.add", a, "tester"),
        ("registration.withdrawn", a, "tester"),
    ]
    assert json.loads(run("audit", "--since", "2999-01-01", "--json").stdout) == []
    table = run("audit").stdout
    assert "registered" in table and "Person" not in table


# --- free-text guard -------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["811228-9874", "19811228-9874", "8112289874", "15108695088"])
def test_identity_numbers_are_refused(run: Run, db: Path, number: str) -> None:
    before = counts(db)
    result = add(run, f"Anna {number}", "Ensamhet", code=1)
    assert "personal identity number" in result.stderr and number not in result.stderr
    result = add(
        run,
        "Anna",
        "Ensamhet",
        "--note",
        f"pnr {number}",
        "--force",
        code=1,
    )
    assert "note contains" in result.stderr
    assert counts(db) == before
    add(run, f"Anna {number}", "Ensamhet", "--force")


def test_ordinary_numbers_pass_the_guard(run: Run, db: Path) -> None:
    add(
        run,
        "Anna",
        "Ensamhet",
        "--note",
        "Ring efter 17, tel 070-123 45 67, rum 12, möte 2026-11-24",
        "--phone",
        "0701234567",
    )
    assert json.loads(run("intake", "show", "1", "--json").stdout)["note"].startswith("Ring")


def test_follow_up_notes_are_guarded(run: Run, db: Path) -> None:
    register(run, 5)
    start(
        run,
        "--date",
        "2026-10-06",
        "--starter-sessions",
        "0",
    )
    result = run("followups", "add", "1", "--note", "ny medlem 811228-9874", code=1)
    assert "note contains" in result.stderr
