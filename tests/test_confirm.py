"""Destructive commands show who or what they change and ask first (issue 10): person erase
and withdraw-consent, db restore, purge, retiring a theme or area people wait for, switching
the legal basis. At a terminal they ask; `--yes` skips the question; without a terminal and
without `--yes` they change nothing (exit 1). The terminal is a real one (a pseudo-terminal)
and the command the real `shg` executable."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import Run, add, counts, register, snapshot, start

from shgroups.errors import Conflict
from shgroups.services import persons
from shgroups.storage import open_db

SHG = str(Path(sys.executable).parent / "shg")
QUESTION = b"Go ahead? [y/N] "


def at_terminal(args: list[str], answer: bytes | None) -> tuple[int, str]:
    """Run `shg ARGS` with stdin, stdout and stderr on a pseudo-terminal; type `answer` when
    it asks (None: expect no question). Its exit code and everything it wrote."""
    main, side = os.openpty()
    proc = subprocess.Popen([SHG, *args], stdin=side, stdout=side, stderr=side, close_fds=True)
    os.close(side)
    seen, answered = b"", False
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            if answer is not None and not answered and QUESTION in seen:
                os.write(main, answer)
                answered = True
            ready, _w, _x = select.select([main], [], [], 0.1)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(main, 4096)
            except OSError:  # Linux: the other side is closed
                break
            if not chunk:
                break
            seen += chunk
        code = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(main)
    assert answered == (answer is not None), seen
    return code, seen.decode("utf-8").replace("\r\n", "\n")


def two_registrations(run: Run) -> list[int]:
    """One person registered for two themes: registrations 1 and 2."""
    add(run, "Åsa Berg", "Ensamhet", "--phone", "070-123 45 67", "--area", "Jönköping")
    add(run, "Åsa Berg", "Utmattning", "--phone", "070-123 45 67", "--same-person", "1")
    return [1, 2]


# --- at a terminal --------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["erase", "withdraw-consent"])
def test_at_a_terminal_no_changes_nothing_and_yes_erases(run: Run, db: Path, command: str) -> None:
    two_registrations(run)
    before = snapshot(db)
    code, said = at_terminal(["person", command, "2"], b"n\n")
    assert code == 1
    assert "'Åsa Berg', the person behind 2 registrations: 1, 2" in said
    assert "Error: you said no; nothing was changed" in said
    assert snapshot(db) == before
    code, said = at_terminal(["person", command, "2"], b"y\n")
    assert code == 0, said
    assert "Erased the name, contact details and notes of registrations 1, 2." in said
    assert json.loads(run("intake", "show", "1", "--json").stdout)["name"] is None


def test_at_a_terminal_purge_asks_with_a_summary(run: Run, db: Path) -> None:
    register(run, 3, "Ensamhet", "Jönköping")
    for i in range(1, 8):
        add(run, f"Gammal {i}", "Utmattning", "--date", f"2025-0{i}-01")
    before = snapshot(db)
    code, said = at_terminal(["purge"], b"\n")  # Enter: the default is no
    assert code == 1
    assert (
        "Would expire 7 waiting registrations last confirmed before 2025-11-24: "
        "4, 5, 6, 7, 8, …\n"
        "Would erase the names and contact details of 7 people (registrations 4, 5, 6, 7, 8, …):\n"
        "  7 whose waiting registration expired\n"
    ) in said
    assert snapshot(db) == before
    code, said = at_terminal(["purge"], b"yes\n")
    assert code == 0, said
    assert "Expired 7 waiting registrations" in said
    assert json.loads(run("intake", "show", "8", "--json").stdout)["name"] is None
    assert json.loads(run("intake", "show", "1", "--json").stdout)["name"] == "Person 1"


def test_at_a_terminal_restore_retire_and_legal_basis_ask(
    run: Run, db: Path, tmp_path: Path
) -> None:
    register(run, 2)
    backup = str(tmp_path / "saved.db")
    run("db", "backup", backup)
    register(run, 5, start=3)
    start(run, "--members", "1,2,3,4,5", "--date", "2026-10-07")  # 6 and 7 wait
    cases = [
        (["db", "restore", backup], "Registrations         2         7"),
        (["themes", "retire", "Utmattning"], "2 people wait for theme 'Utmattning'"),
        (["areas", "retire", "Jönköping"], "2 people wait in area 'Jönköping'"),
        (["settings", "set", "legal_basis", "public-task"], "no longer need --consent"),
    ]
    for args, shown in cases:
        before = snapshot(db)
        code, said = at_terminal(args, b"n\n")
        assert (code, shown in said, snapshot(db) == before) == (1, True, True), said
    code, said = at_terminal(["settings", "set", "legal_basis", "public-task"], b"y\n")
    assert code == 0 and "legal_basis: consent → public-task" in said
    code, said = at_terminal(["db", "restore", backup], b"y\n")
    assert code == 0 and "Restored" in said
    assert counts(db)["registrations"] == 2


def test_at_a_terminal_nothing_to_ask_is_not_asked(run: Run, db: Path) -> None:
    code, said = at_terminal(["themes", "retire", "Ensamhet"], None)
    assert code == 0 and said == "Retired theme 13: Ensamhet.\n"
    code, said = at_terminal(["purge"], None)
    assert code == 0 and said == "Nothing was purged.\n"
    code, said = at_terminal(["settings", "set", "legal_basis", "consent"], None)
    assert code == 0 and said == "legal_basis is already consent; nothing changed.\n"


# --- without a terminal ------------------------------------------------------------------------


def test_erase_says_whom_and_needs_yes_without_a_terminal(run: Run, db: Path) -> None:
    two_registrations(run)
    before = snapshot(db)
    for command in ("erase", "withdraw-consent"):
        refused = run("person", command, "1", code=1)
        # Whom it would erase is said only at a terminal: a script's stderr goes to a log.
        assert refused.stderr.splitlines() == [
            "Error: this changes the register and needs a yes; nothing was changed",
            "Hint: run it at a terminal to see what it will change and answer, or add --yes",
        ]
        assert snapshot(db) == before
    # A mistake is refused before anything is asked.
    missing = run("person", "erase", "99", code=1)
    assert missing.stderr.startswith("Error: there is no registration 99")
    erased = run("person", "erase", "1", "-y", "--json")
    assert json.loads(erased.stdout)["registrations"] == [1, 2]
    assert "Åsa" not in erased.stderr  # nor with --yes
    again = run("person", "erase", "2", code=1)
    assert again.stderr.startswith("Error: registration 2 holds no identity")


def test_one_registration_is_said_in_the_singular(
    run: Run, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a terminal shows before it asks (the pty tests answer it)."""
    from shgroups.cli import person

    asked: list[str] = []
    monkeypatch.setattr(person, "ask", lambda what, yes, **_kw: asked.append(what))
    add(run, "Bo", "Ensamhet")
    run("person", "erase", "1")
    assert asked[0].startswith(
        "This erases for good the name, contact details and notes of 'Bo', the person behind "
        "registration 1. If waiting, it is withdrawn;"
    )


def test_an_erasure_refuses_when_the_person_changed_after_the_question(run: Run, db: Path) -> None:
    two_registrations(run)
    before = snapshot(db)
    store = open_db(str(db))
    try:
        with pytest.raises(Conflict) as changed:
            persons.erase_person(store, 1, persons.date(2026, 11, 24), expected=[1])
    finally:
        store.close()
    assert changed.value.code == "person.changed" and "now 1, 2" in changed.value.message
    assert snapshot(db) == before


def test_purge_without_a_terminal(run: Run, db: Path, tmp_path: Path) -> None:
    for i in range(1, 4):
        add(run, f"Gammal {i}", "Utmattning", "--date", f"2025-0{i}-01")
    before = snapshot(db)
    refused = run("purge", code=1)
    assert "Error: this changes the register and needs a yes" in refused.stderr
    assert snapshot(db) == before
    Path("taken.json").write_text("x")
    refused = run("purge", "--archive-to", "taken.json", code=1)
    assert refused.stderr.splitlines()[0].startswith("Error: taken.json already exists")
    assert snapshot(db) == before
    done = run("purge", "--yes")
    assert done.stderr == (
        "Expired 3 waiting registrations last confirmed before 2025-11-24: 1, 2, 3\n"
        "Erased the names and contact details of 3 people (registrations 1, 2, 3):\n"
        "  3 whose waiting registration expired\n"
    )


def test_purge_dry_run_prints_a_summary_and_json_every_id(run: Run, db: Path) -> None:
    for i in range(1, 8):
        add(run, f"Gammal {i}", "Utmattning", "--date", f"2025-0{i}-01")
    add(run, "Slutat", "Ensamhet", "--date", "2026-01-05")
    run("intake", "withdraw", "8", "--date", "2026-05-01")
    before = snapshot(db)
    dry = run("purge", "--dry-run")
    assert dry.stdout == ""
    assert dry.stderr == (
        "Would expire 7 waiting registrations last confirmed before 2025-11-24: "
        "1, 2, 3, 4, 5, …\n"
        "Would erase the names and contact details of 8 people (registrations 1, 2, 3, 4, 5, …):\n"
        "  7 whose waiting registration expired\n"
        "  1 who left before 2026-05-24\n"
        "Every id: shg purge --dry-run --json\n"
    )
    document = json.loads(run("purge", "--dry-run", "--json").stdout)
    assert document["expired"] == [1, 2, 3, 4, 5, 6, 7]
    assert document["erased"] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert (
        document["identities"],
        document["identities_expired"],
        document["identities_left"],
        document["unconfirmed_before"],
        document["left_before"],
    ) == (8, 7, 1, "2025-11-24", "2026-05-24")
    assert snapshot(db) == before
    assert run("purge", "--dry-run", env={"SHG_TODAY": "2025-01-01"}).stderr == (
        "Nothing would be purged.\n"
    )


def test_restore_shows_the_backup_beside_the_register_and_needs_yes(
    run: Run, db: Path, tmp_path: Path
) -> None:
    register(run, 2)
    backup = tmp_path / "saved.db"
    run("db", "backup", str(backup))
    register(run, 4, start=3)
    start(run, "--date", "2026-10-06")
    before = snapshot(db)
    refused = run("db", "restore", str(backup), code=1)
    lines = refused.stderr.splitlines()
    assert lines[0].startswith(f"This replaces the register with the backup {backup}, last changed")
    assert lines[1].split() == ["Backup", "Now"]
    assert lines[2].split() == ["Registrations", "2", "6"]
    assert lines[3].split() == ["Groups", "0", "1"]
    assert lines[4] == "Error: this changes the register and needs a yes; nothing was changed"
    assert snapshot(db) == before
    # Another register's backup is refused before anything is asked.
    other = tmp_path / "other.db"
    run("--db", str(other), "init")
    refused = run("db", "restore", str(other), code=1)
    assert refused.stderr.startswith(
        f"Error: {other} cannot be shown to be a backup of this register"
    )
    assert snapshot(db) == before
    run("db", "restore", str(backup), "--yes")
    assert counts(db)["registrations"] == 2


# --- settings -------------------------------------------------------------------------------


def test_settings_set_prints_just_the_change(run: Run, db: Path) -> None:
    result = run("settings", "set", "min_size", "6")
    assert (result.stdout, result.stderr) == ("", "min_size: 5 → 6\n")
    before = snapshot(db)
    result = run("settings", "set", "min_size", " 6 ")
    assert result.stderr == "min_size is already 6; nothing changed.\n"
    assert snapshot(db) == before  # not even an audit row
    document = json.loads(run("settings", "set", "max_size", "9", "--json").stdout)
    assert (document["min_size"], document["max_size"], document["county"]) == (6, 9, "Testlän")
    actions = [a["action"] for a in json.loads(run("audit", "--json").stdout)]
    assert actions.count("settings.set") == 2


def test_switching_the_legal_basis_says_what_changes_and_asks(run: Run, db: Path) -> None:
    add(run, "Ada", "Ensamhet")
    before = snapshot(db)
    refused = run("settings", "set", "legal_basis", "public-task", code=1)
    assert refused.stderr.splitlines()[0] == (
        "Switching legal_basis from consent to public-task: new registrations no longer need "
        "--consent; each records the day the information (version 1) was given. The 1 "
        "registration made so far keeps the basis it was recorded with."
    )
    assert snapshot(db) == before
    # A value that is not allowed is refused before anything is asked.
    wrong = run("settings", "set", "legal_basis", "contract", code=1)
    assert wrong.stderr.startswith("Error: legal_basis must be one of: consent, public-task")
    done = run("settings", "set", "legal_basis", "public-task", "--yes")
    assert done.stderr.endswith("legal_basis: consent → public-task\n")
    run("intake", "add", "--name", "Bo", "--theme", "Ensamhet")
    bases = [json.loads(run("intake", "show", i, "--json").stdout)["basis"] for i in "12"]
    assert bases == ["consent", "public-task"]
    back = run("settings", "set", "legal_basis", "consent", code=1)
    assert "every new registration needs --consent" in back.stderr
    assert "The 2 registrations made so far keep the basis they were recorded with." in (
        back.stderr
    )


def test_a_read_only_register_refuses_before_asking(run: Run, db: Path, tmp_path: Path) -> None:
    two_registrations(run)
    backup = tmp_path / "saved.db"
    run("db", "backup", str(backup))
    # (Reading a write-protected register leaves an empty -wal and an -shm beside it: SQLite's
    # own doing, as in every read-only command; the register itself is compared.)
    before = db.read_bytes(), counts(db)
    os.chmod(db, 0o400)
    try:
        for args in (
            ["person", "erase", "1"],
            ["themes", "retire", "Ensamhet"],
            ["settings", "set", "legal_basis", "public-task"],
            ["db", "restore", str(backup)],
            ["purge"],
        ):
            env = {"SHG_TODAY": "2028-01-01"}  # so that purge has something to remove
            refused = run(*args, code=1, env=env)
            assert refused.stderr.startswith("Error: the database file or its folder is read-only")
    finally:
        os.chmod(db, 0o600)
    assert (db.read_bytes(), counts(db)) == before
