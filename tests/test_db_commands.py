"""shg db check / backup / restore / info, and the file cases of docs/design.md §5."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from conftest import Run, add, counts, register

from shgroups import migrations, storage
from shgroups.services.maintenance import shared_storage


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_check_healthy(run: Run, db: Path) -> None:
    report = json.loads(run("db", "check", "--json").stdout)
    assert report == {
        "db": str(db),
        "ok": True,
        "integrity": "ok",
        "schema_version": migrations.SCHEMA_VERSION,
        "findings": [],
    }
    assert "All good" in run("db", "check").stderr


def test_check_finds_a_readable_file(run: Run, db: Path) -> None:
    os.chmod(db, 0o644)
    result = run("db", "check", code=1)
    assert "can be read by others (mode 644)" in result.stdout and "chmod 600" in result.stdout
    assert result.stderr.count("Error: ") == 1


def test_check_finds_damage_without_changing_the_file(run: Run, tmp_path: Path) -> None:
    demo = tmp_path / "demo.db"
    run("demo", str(demo))
    data = bytearray(demo.read_bytes())
    middle = len(data) // 2
    for i in range(middle, middle + 8192):
        data[i] ^= 0xFF
    demo.write_bytes(bytes(data))
    before = sha(demo)
    result = run("--db", str(demo), "db", "check", code=1)
    assert "damaged" in result.stdout + result.stderr or "integrity:" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert sha(demo) == before


@pytest.mark.parametrize(("mounts", "expected"), [
    ("/dev/vda / ext4 rw 0 0\nserver:/home /home nfs4 rw 0 0", "network file system (nfs4)"),
    ("//nas/share /home cifs rw 0 0", "network file system (cifs)"),
    ("rclone: /home fuse.rclone rw 0 0", "FUSE file system (fuse.rclone)"),
    ("/dev/vda / ext4 rw 0 0", None),
])  # fmt: skip
def test_shared_storage_is_recognised(mounts: str, expected: str | None) -> None:
    found = shared_storage(Path("/home/maria/shg.db"), mounts)
    assert (found is None) if expected is None else (expected in (found or ""))
    assert "sync folder (dropbox)" in (
        shared_storage(Path("/home/maria/Dropbox/shg.db"), "/dev/vda / ext4 rw 0 0") or ""
    )


def test_backup_is_consistent_private_and_rotated(
    run: Run, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(run, 3)
    old = os.umask(0o022)
    try:
        made = [json.loads(run("db", "backup", "--keep", "2", "--json").stdout) for _i in range(3)]
    finally:
        os.umask(old)
    for result in made:
        assert Path(result["backup"]).parent == db.parent
        assert Path(result["backup"]).name.startswith("shg-backup-")
    assert made[2]["removed"] == [made[0]["backup"]]
    assert not Path(made[0]["backup"]).exists()
    for result in made[1:]:
        path = Path(result["backup"])
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert counts(path)["registrations"] == 3
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        conn.close()
    info = json.loads(run("db", "info", "--json").stdout)
    assert info["last_backup"] == made[2]["backup"]
    assert (
        info["counts"]["registrations"] == 3 and info["schema_version"] == migrations.SCHEMA_VERSION
    )
    assert "already exists" in run("db", "backup", made[2]["backup"], code=1).stderr
    monkeypatch.setenv("SHG_BACKUP_DIR", str(db.parent / "backups"))
    elsewhere = json.loads(run("db", "backup", "--json").stdout)["backup"]
    assert Path(elsewhere).parent == db.parent / "backups"


def test_restore_brings_back_the_backup_and_keeps_the_present(run: Run, db: Path) -> None:
    register(run, 3)
    saved = json.loads(run("db", "backup", "--json").stdout)["backup"]
    run("intake", "withdraw", "1")
    register(run, 2, "Ensamhet", "Jönköping", 10)
    result = json.loads(run("db", "restore", saved, "--yes", "--json").stdout)
    assert result["restored_from"] == saved
    rows = json.loads(run("intake", "list", "--json").stdout)
    assert [(r["id"], r["status"]) for r in rows] == [
        (1, "waiting"),
        (2, "waiting"),
        (3, "waiting"),
    ]
    assert counts(Path(result["previous_kept_as"]))["registrations"] == 5
    assert json.loads(run("db", "check", "--json").stdout)["ok"]


@pytest.mark.parametrize("kind", ["csv", "foreign", "newer", "damaged", "missing"])
def test_restore_refuses_a_bad_backup_and_changes_nothing(
    run: Run, db: Path, tmp_path: Path, kind: str
) -> None:
    register(run, 2)
    bad = tmp_path / "bad.db"
    if kind == "csv":
        bad.write_text("name,theme\nA,B\n")
    elif kind == "foreign":
        conn = sqlite3.connect(bad)
        conn.execute("CREATE TABLE t (x)")
        conn.close()
    elif kind in ("newer", "damaged"):
        run("db", "backup", str(bad))
        if kind == "newer":
            conn = sqlite3.connect(bad)
            conn.execute(f"PRAGMA user_version = {migrations.SCHEMA_VERSION + 1}")
            conn.close()
        else:
            data = bytearray(bad.read_bytes())
            for i in range(4096, len(data)):
                data[i] ^= 0x5A
            bad.write_bytes(bytes(data))
    before = sha(db)
    result = run("db", "restore", str(bad), "--yes", code=1)
    assert "cannot be restored" in result.stderr or "there is no file" in result.stderr
    assert sha(db) == before
    assert [p.name for p in db.parent.glob("shg-backup-*")] == []


def test_restoring_an_older_schema_migrates_it(run: Run, db: Path, tmp_path: Path) -> None:
    old = tmp_path / "v1.db"
    build_v1(old)  # another register's: this one's audit does not begin with it
    run("db", "restore", str(old), "--yes", code=1)
    run("db", "restore", str(old), "--yes", "--force")
    shown = json.loads(run("intake", "show", "1", "--json").stdout)
    assert (shown["name"], shown["theme"], shown["basis"]) == ("Vera", "Ensamhet", None)
    assert (
        json.loads(run("db", "info", "--json").stdout)["schema_version"]
        == migrations.SCHEMA_VERSION
    )


def build_v1(path: Path) -> None:
    """A database as shg schema 1 left it, with a person, a group and a follow-up."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA application_id = {storage.APP_ID}")
    for statement in migrations.MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.executescript("""
        INSERT INTO settings VALUES ('county', 'Gamla län'), ('min_size', '5');
        INSERT INTO themes (id, name, key) VALUES (1, 'Ensamhet', 'ensamhet');
        INSERT INTO areas (id, name, key, is_default) VALUES (1, 'Hela länet', 'hela länet', 1);
        INSERT INTO persons (id, name, name_key) VALUES (1, 'Vera', 'vera'), (2, 'Ola', 'ola');
        INSERT INTO registrations (id, person_id, theme_id, area_id, registered_on, status,
                                   status_on) VALUES
            (1, 1, 1, 1, '2025-01-02', 'placed', '2025-02-01'),
            (2, 2, 1, 1, '2025-01-03', 'waiting', '2025-01-03');
        INSERT INTO groups (id, theme_id, area_id, status, started_on, starter_sessions,
                            followup_weeks, handover_on) VALUES
            (1, 1, 1, 'running', '2025-02-01', 1, 6, '2025-02-01');
        INSERT INTO group_members VALUES (1, 1, '2025-02-01', NULL);
        INSERT INTO sessions (group_id, number, held_on) VALUES (1, 1, '2025-02-01');
        INSERT INTO followups (group_id, done_on, outcome) VALUES (1, '2025-03-15', 'ok');
        INSERT INTO audit (at, actor, action, entity, entity_id)
            VALUES ('2025-01-02T10:00:00', 'maria', 'registration.add', 'registration', 1);
    """)
    conn.close()


def upgraded(before: dict[str, int], version: int = 1) -> dict[str, int]:
    """The rows of a register of schema `version` (`before`) after the upgrade: the register's
    identity and the county's country (migrations 4 and 5) are new, as are the tables of the
    session plan and the calendar (6), empty."""
    return {
        **before,
        "register": 1,
        "settings": before["settings"] + (version < 5),
        "meeting_changes": 0,
        "calendar_events": 0,
    }


def test_every_earlier_schema_migrates_keeping_all_rows(run: Run, tmp_path: Path) -> None:
    for version in range(1, migrations.SCHEMA_VERSION):
        path = tmp_path / f"v{version}.db"
        build_v1(path)
        conn = sqlite3.connect(path)
        for steps in migrations.MIGRATIONS[1:version]:
            for step in steps:
                step(conn) if callable(step) else conn.execute(step)
        conn.execute(f"PRAGMA user_version = {version}")
        conn.commit()
        conn.close()
        before = counts(path)
        due = json.loads(run("--db", str(path), "followups", "due", "--json").stdout)
        # Due on Saturday 2025-04-26 by the rule: on the Monday after.
        assert [(d["group"], d["due_planned"], d["due"]) for d in due] == [
            (1, "2025-04-26", "2025-04-28")
        ]
        assert counts(path) == upgraded(before, version)
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION
        conn.close()


def test_read_only_database(run: Run, db: Path) -> None:
    register(run, 2)
    os.chmod(db, 0o400)
    try:
        assert len(json.loads(run("intake", "list", "--json").stdout)) == 2
        run("followups", "due")
        run("db", "info")
        result = add(run, "Ny", "Ensamhet", code=1)
        assert "read-only" in result.stderr and "Traceback" not in result.stderr
    finally:
        os.chmod(db, 0o600)
    assert counts(db)["registrations"] == 2


def test_disk_full_writes_nothing(run: Run, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    register(run, 2)
    original = storage._set_pragmas

    def cramped(conn: sqlite3.Connection) -> None:
        original(conn)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")

    monkeypatch.setattr(storage, "_set_pragmas", cramped)
    before = counts(db)
    big_note = "Ett långt men ofarligt meddelande. " * 14
    failures = 0
    for i in range(40):  # enough rows to need a new page
        result = add(
            run,
            f"Fyll {i}",
            "Ensamhet",
            "--note",
            big_note[:490],
            code=None,
        )
        if result.exit_code == 1:
            assert "disk is full" in result.stderr and "Traceback" not in result.stderr
            failures += 1
            break
    assert failures == 1
    monkeypatch.setattr(storage, "_set_pragmas", original)
    after = counts(db)
    assert after["registrations"] == before["registrations"] + i
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()


def test_check_of_a_damaged_register_names_its_newest_backup(run: Run, db: Path) -> None:
    register(run, 2)
    newest = json.loads(run("db", "backup", "--json").stdout)["backup"]
    run("db", "check")  # the last to close the file checkpoints the WAL into it
    conn = sqlite3.connect(db)
    page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'persons'").fetchone()[0]
    conn.close()
    data = bytearray(db.read_bytes())
    data[(page - 1) * 4096 : page * 4096] = b"\xff" * 4096
    db.write_bytes(bytes(data))
    result = run("db", "check", code=1)
    hint = next(line for line in result.stderr.splitlines() if line.startswith("Hint: "))
    assert (
        "`shg db restore PATH`" in hint
        and f"the newest backup of this register is {newest}" in hint
    )
    assert json.loads(run("db", "check", "--json", code=1).stdout)["integrity"] == "damaged"
    run("db", "restore", newest, "--yes")
    run("db", "check")
    names = {r["name"] for r in json.loads(run("intake", "list", "--json").stdout)}
    assert names == {"Person 1", "Person 2"}
