"""The database file (docs/design.md §5): private, identified, migrated, locked, never invented."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from conftest import Run, add, counts

from shgroups import migrations, storage


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_files_are_private_even_under_a_permissive_umask(run: Run, environment: Path) -> None:
    old = os.umask(0o022)
    try:
        run("init")
        store = storage.open_db(environment)
        try:
            with store.write():
                store.execute("INSERT INTO staff (name, key, role) VALUES ('A', 'a', 'starter')")
            for suffix in ("", "-wal", "-shm"):
                path = Path(f"{environment}{suffix}")
                assert path.exists(), suffix
                assert stat.S_IMODE(path.stat().st_mode) == 0o600, suffix
        finally:
            store.close()
    finally:
        os.umask(old)


def test_connection_settings(run: Run, environment: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run("init")
    monkeypatch.setenv("SHG_BUSY_TIMEOUT", "12.5")
    store = storage.open_db(environment)
    try:
        pragmas = {
            p: store.value(f"PRAGMA {p}")
            for p in (
                "application_id",
                "user_version",
                "foreign_keys",
                "secure_delete",
                "trusted_schema",
                "synchronous",
                "busy_timeout",
                "journal_mode",
            )
        }
    finally:
        store.close()
    assert pragmas == {
        "application_id": storage.APP_ID,
        "user_version": migrations.SCHEMA_VERSION,
        "foreign_keys": 1,
        "secure_delete": 1,
        "trusted_schema": 0,
        "synchronous": 2,
        "busy_timeout": 12500,
        "journal_mode": "wal",
    }


def test_schema(run: Run, environment: Path) -> None:
    import sqlite_utils

    run("init")
    db = sqlite_utils.Database(environment)
    tables = {name: db[name].columns_dict for name in db.table_names()}  # type: ignore[union-attr]
    db.close()
    assert sorted(tables) == [
        "areas", "audit", "calendar_events", "followups", "group_members", "groups",
        "meeting_changes", "persons", "register", "registration_areas", "registration_themes",
        "registrations", "sessions", "settings", "staff", "theme_aliases", "themes",
    ]  # fmt: skip
    # The plan and the calendar hold dates and group ids: no person, no theme.
    assert tables["meeting_changes"] == {"group_id": int, "planned_on": str, "moved_to": str}
    assert tables["calendar_events"] == {
        "uid": str, "group_id": int, "starts": str, "status": str, "content": str,
        "sequence": int, "stamp": str,
    }  # fmt: skip
    # Which register this is (backups are recognised by it) and an owed WAL checkpoint.
    assert tables["register"] == {"id": int, "identity": str, "checkpoint_owed_since": str}
    # One row per stay in a group: a member put back in the queue may come back.
    assert tables["group_members"] == {
        "id": int, "group_id": int, "registration_id": int, "joined_on": str, "left_on": str,
    }  # fmt: skip
    # Identity: everything erasure removes.
    assert tables["persons"] == {
        "id": int, "name": str, "name_key": str, "phone": str, "email": str, "note": str,
        "phone_key": str, "email_key": str,
    }  # fmt: skip
    # Facts that statistics and the readiness rule need: no identity.
    assert tables["registrations"] == {
        "id": int, "person_id": int, "theme_id": int, "area_id": int, "registered_on": str,
        "status": str, "status_on": str, "gender": str, "birth_year": int, "source": str,
        "basis": str, "consent_on": str, "informed_on": str, "info_version": str,
        "confirmed_on": str,
    }  # fmt: skip
    assert tables["audit"] == {
        "id": int, "at": str, "actor": str, "action": str, "entity": str, "entity_id": int,
    }  # fmt: skip


@pytest.mark.parametrize(
    "content", [b"", b"name,theme\nAnna,Utmattning\n", b"SQLite format 3\x00" + b"\x00" * 200]
)
def test_files_that_are_not_shg_databases(run: Run, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "not.db"
    path.write_bytes(content)
    before = sha(path)
    result = run(
        "--db", str(path), "intake", "add", "--consent", "--name", "A", "--theme", "X", code=1
    )
    assert "holds no shg database" in result.stderr and "Traceback" not in result.stderr
    assert sha(path) == before
    assert run("--db", str(path), "init", code=1).stderr.startswith("Error: ")
    assert sha(path) == before


def test_another_applications_database(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    before = sha(path)
    assert "holds no shg database" in run("--db", str(path), "groups", "list", code=1).stderr
    assert sha(path) == before


def test_database_from_a_newer_shg(run: Run, environment: Path) -> None:
    run("init")
    conn = sqlite3.connect(environment)
    conn.execute(f"PRAGMA user_version = {migrations.SCHEMA_VERSION + 1}")
    conn.close()
    before = sha(environment)
    result = run("themes", "list", code=1)
    assert "newer shg" in result.stderr and "upgrade shg" in result.stderr
    assert sha(environment) == before


def test_pending_migrations_are_applied_once(
    run: Run, environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("init")
    run("intake", "add", "--consent", "--name", "A", "--theme", "Ensamhet")
    extra = ["ALTER TABLE groups ADD COLUMN colour TEXT"]
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, extra])
    monkeypatch.setattr(storage, "SCHEMA_VERSION", migrations.SCHEMA_VERSION + 1)
    run("groups", "list")  # applies it
    run("groups", "list")  # would fail with "duplicate column" if applied twice
    conn = sqlite3.connect(environment)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION + 1
    assert "colour" in {r[1] for r in conn.execute("PRAGMA table_info(groups)")}
    assert conn.execute("SELECT count(*) FROM registrations").fetchone()[0] == 1
    conn.close()


def test_a_write_waits_for_the_lock_then_gives_up_cleanly(
    run: Run, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHG_BUSY_TIMEOUT", "0.2")
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another coordinator is in the middle of a write
    try:
        before = counts(db)
        result = add(run, "A", "Ensamhet", code=1)
        assert "database is busy" in result.stderr and "try again" in result.stderr
        # Reading is not blocked by a writer.
        assert json.loads(run("groups", "list", "--json").stdout) == []
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert counts(db) == before
    run("intake", "add", "--consent", "--name", "A", "--theme", "Ensamhet")


def test_failed_write_rolls_back_everything(db: Path) -> None:
    store = storage.open_db(db)
    try:
        with pytest.raises(RuntimeError), store.write():
            store.execute("INSERT INTO staff (name, key, role) VALUES ('B', 'b', 'starter')")
            raise RuntimeError("boom")
        assert store.value("SELECT count(*) FROM staff WHERE key = 'b'") == 0
    finally:
        store.close()


def test_unexpected_failure_shows_no_personal_data(
    run: Run, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shgroups.services import intake

    def explode(*args: object, **kwargs: object) -> None:
        raise ValueError(f"bad row {kwargs}")

    monkeypatch.setattr(intake, "_find_duplicate", explode)
    result = add(
        run,
        "Tokenname Qx7",
        "Ensamhet",
        "--phone",
        "0701112233",
        "--email",
        "qx7@example.se",
        code=1,
    )
    output = result.stdout + result.stderr
    assert "unexpectedly (ValueError)" in output and "report" in output
    for token in ("Tokenname", "0701112233", "qx7@example.se", "Traceback"):
        assert token not in output
    assert counts(db)["registrations"] == 0


def test_audit_names_actor_and_record_never_the_person(run: Run, db: Path) -> None:
    add(
        run,
        "Auditname Zq",
        "Ensamhet",
        "--phone",
        "0705556677",
        env={"SHG_USER": "maria"},
    )
    run("intake", "withdraw", "1")
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT actor, action, entity, entity_id FROM audit "
        "WHERE entity = 'registration' ORDER BY id"
    ).fetchall()
    dump = "\n".join(conn.iterdump())
    conn.close()
    assert rows == [
        ("maria", "registration.add", "registration", 1),
        ("tester", "registration.withdrawn", "registration", 1),
    ]
    audit_lines = [line for line in dump.splitlines() if 'INSERT INTO "audit"' in line]
    assert audit_lines and not any(
        "Auditname" in line or "0705556677" in line for line in audit_lines
    )


def test_python_dash_m_runs_the_cli() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "shgroups", "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and result.stdout.startswith("shg ")
