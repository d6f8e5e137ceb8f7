"""`shg db restore`, backups and `shg db check` (issue 8, items 3, 4, 6, 8 and part of 16):
atomic under kill -9, nothing lost to a concurrent writer, no erased person brought back, no
foreign schema let in, backups recognised by content."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import Run, add, counts, register
from leaks import traces
from test_db_commands import build_v1, sha

from shgroups import migrations, storage

TESTS = Path(__file__).parent
SHG = str(Path(sys.executable).parent / "shg")


def backup(run: Run, *args: str) -> Path:
    return Path(json.loads(run("db", "backup", *args, "--json").stdout)["backup"])


def restore(run: Run, path: Path, *args: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(
        run("db", "restore", str(path), "--yes", "--json", *args).stdout
    )
    return result


def canonical(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table; audit rows without their time (a restore's rows are written
    at a different second in each run), and without the note that a checkpoint is owed (set
    with an erasure, cleared by the write's own checkpoint or the next write's)."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        dump = {}
        for table in sorted(tables):
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            kept = ", ".join(c for c in columns if c not in ("at", "checkpoint_owed_since"))
            dump[table] = conn.execute(f"SELECT {kept} FROM {table} ORDER BY rowid").fetchall()
        return dump
    finally:
        conn.close()


def test_erasures_since_the_backup_are_done_again_and_leave_no_trace(
    run: Run, db: Path, tmp_path: Path
) -> None:
    add(run, "Siv Hemligsson", "Utmattning", "--phone", "070-9911223")
    register(run, 2, start=2)
    saved = backup(run)
    run("person", "erase", "1", "--yes")
    result = run("db", "restore", str(saved), "--yes")
    assert "erased again: 1." in result.stderr
    shown = json.loads(run("intake", "show", "1", "--json").stdout)
    assert shown["name"] is None and shown["status"] == "withdrawn"
    listed = run("intake", "list", "--status", "all", "--json").stdout
    names = {r["id"]: r["name"] for r in json.loads(listed)}
    assert names == {1: None, 2: "Person 2", 3: "Person 3"}
    actions = [a["action"] for a in json.loads(run("audit", "--json").stdout)]
    assert actions[-3:] == ["person.erase", "person.erase-again", "db.restore"]
    # Only the backup the coordinator chose still holds the person; the live files and the
    # safety copy of the register as it was (erasure done) hold no byte of them.
    found = traces([tmp_path], ["Siv Hemligsson", "Hemligsson", "070-9911223", "9911223"])
    assert {name for name, _token in found} == {saved.name}


def test_a_backup_from_before_register_identities_is_recognised_by_its_audit(
    run: Run, tmp_path: Path
) -> None:
    live = tmp_path / "shg.db"
    build_v1(live)
    old = tmp_path / "v1-backup.db"
    shutil.copy(live, old)
    run("person", "erase", "1", "--yes")  # opening it migrates it: an identity of its own
    result = restore(run, old)
    assert result["same_register"] and result["erased_again"] == [1]
    assert json.loads(run("intake", "show", "1", "--json").stdout)["name"] is None
    assert json.loads(run("intake", "show", "2", "--json").stdout)["name"] == "Ola"


def test_a_backup_of_another_register_needs_force_and_erases_nothing_by_id(
    run: Run, db: Path, tmp_path: Path
) -> None:
    register(run, 2)
    run("person", "erase", "1", "--yes")
    other = tmp_path / "other.db"
    run("--db", str(other), "init", "--county", "Annat län")
    run("--db", str(other), "intake", "add", "--consent", "--name", "Kim", "--theme", "Ensamhet")
    theirs = tmp_path / "theirs.db"
    run("--db", str(other), "db", "backup", str(theirs))
    before = sha(db)
    result = run("db", "restore", str(theirs), "--yes", code=1)
    assert "cannot be shown to be a backup of this register" in result.stderr
    assert f"shg db restore {theirs} --force" in result.stderr
    assert sha(db) == before and not list(tmp_path.glob("shg-backup-*"))
    identity = storage_identity(db)
    done = restore(run, theirs, "--force")
    assert not done["same_register"] and done["erased_again"] == []
    assert json.loads(run("intake", "show", "1", "--json").stdout)["name"] == "Kim"
    assert storage_identity(db) == identity  # this file stays this register


def storage_identity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("SELECT identity FROM register").fetchone()[0])
    finally:
        conn.close()


HOSTILE = """CREATE TRIGGER keep_names BEFORE DELETE ON persons BEGIN
    INSERT OR REPLACE INTO settings VALUES ('x' || old.id, old.name || ' ' || old.phone); END"""


@pytest.mark.parametrize(
    "extra",
    [HOSTILE, "CREATE VIEW v AS SELECT name FROM persons", "CREATE TABLE copy (x)",
     "CREATE INDEX i ON persons(phone)"],
)  # fmt: skip
def test_a_schema_shg_did_not_make_is_refused_and_reported(
    run: Run, db: Path, tmp_path: Path, extra: str
) -> None:
    register(run, 1)
    good = backup(run, str(tmp_path / "good.db"))
    bad = backup(run, str(tmp_path / "bad.db"))
    conn = sqlite3.connect(bad)
    conn.execute(extra)
    conn.commit()
    conn.close()
    before = sha(db)
    result = run("db", "restore", str(bad), "--yes", "--force", code=1)
    assert "cannot be restored" in result.stderr and "migrations do not make" in result.stderr
    assert sha(db) == before
    conn = sqlite3.connect(db)
    conn.execute(extra)
    conn.commit()
    conn.close()
    check = run("db", "check", code=1)
    assert "is not as shg's migrations make it" in check.stdout
    # Nor is a good backup restored into that register: its triggers would fire.
    before = sha(db)
    result = run("db", "restore", str(good), "--yes", code=1)
    assert "the register holds what shg's migrations do not make" in result.stderr
    assert sha(db) == before


def test_db_check_reports_an_owed_checkpoint(run: Run, db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("UPDATE register SET checkpoint_owed_since = '2026-11-24T10:00:00+00:00'")
    conn.commit()
    conn.close()
    result = run("db", "check", code=1)
    assert "an erasure is not yet checkpointed" in result.stdout
    assert "shg.db / shg.db-wal" in result.stdout and "run any shg write command" in result.stdout


def file_at(version: int, path: Path) -> Path:
    """A register as shg's migrations 1..version build it."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {storage.APP_ID}")
    conn.execute("BEGIN")
    for steps in migrations.MIGRATIONS[:version]:
        for step in steps:
            step(conn) if callable(step) else conn.execute(step)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute("COMMIT")
    conn.close()
    return path


def test_the_expected_schema_is_what_shg_makes_at_every_version(
    run: Run, db: Path, tmp_path: Path
) -> None:
    def schema(path: Path) -> set[tuple[str, str, str]]:
        conn = sqlite3.connect(path)
        try:
            return migrations.schema_of(conn)
        finally:
            conn.close()

    for version in range(1, migrations.SCHEMA_VERSION + 1):
        built = file_at(version, tmp_path / f"v{version}.db")
        assert schema(built) == migrations.expected_schema(version), version
        run("--db", str(built), "db", "check")  # migrated to the current schema by shg
        assert schema(built) == migrations.expected_schema()
    run("demo", str(tmp_path / "demo.db"))
    for made in (db, tmp_path / "demo.db", backup(run)):
        assert schema(made) == migrations.expected_schema(), made


def test_rotation_keeps_only_whole_backups_of_this_register(
    run: Run, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "backups"
    monkeypatch.setenv("SHG_BACKUP_DIR", str(shared))
    register(run, 2)
    good = [backup(run) for _i in range(2)]
    # Another county's register, also called shg.db, backs up into the same folder.
    other = tmp_path / "other" / "shg.db"
    other.parent.mkdir()
    run("--db", str(other), "init", "--county", "Annat län")
    theirs = Path(json.loads(run("--db", str(other), "db", "backup", "--json").stdout)["backup"])
    # A backup from before register identities, a torn one and an empty one, newest of all.
    pre_identity = shared / "shg-backup-20200101-000000.db"
    build_v1(pre_identity)
    torn = shared / "shg-backup-29990101-000000.db"
    torn.write_bytes(good[1].read_bytes()[: good[1].stat().st_size // 2])
    (shared / "shg-backup-29990101-000001.db").write_bytes(b"")
    time.sleep(0.01)
    info = json.loads(run("db", "info", "--json").stdout)
    assert info["last_backup"] == str(good[1])
    made = json.loads(run("db", "backup", "--keep", "2", "--json").stdout)
    assert made["removed"] == [str(good[0])]
    assert {p.name for p in shared.iterdir()} == {
        Path(made["backup"]).name, good[1].name, theirs.name, pre_identity.name, torn.name,
        "shg-backup-29990101-000001.db",
    }  # fmt: skip
    assert stat_mode(Path(made["backup"])) == 0o600
    assert json.loads(run("--db", str(other), "db", "info", "--json").stdout)["last_backup"] == (
        str(theirs)
    )


def stat_mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_backup_never_follows_a_symlink_nor_reads_a_uri(run: Run, db: Path, tmp_path: Path) -> None:
    register(run, 1)
    target = tmp_path / "elsewhere.db"
    (tmp_path / "link.db").symlink_to(target)
    result = run("db", "backup", str(tmp_path / "link.db"), code=1)
    assert "already exists" in result.stderr and not target.exists()
    run("db", "backup", "file:bk.db")
    assert counts(tmp_path / "file:bk.db")["registrations"] == 1
    assert stat_mode(tmp_path / "file:bk.db") == 0o600
    assert not list(tmp_path.glob("*shg-building*"))


def test_a_backup_that_fails_leaves_no_file_under_a_backup_name(
    run: Run, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(run, 1)
    real = os.fsync

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    result = run("db", "backup", code=1)
    assert "could not be written" in result.stderr
    monkeypatch.setattr(os, "fsync", real)
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("shg.db")] == []
    assert json.loads(run("db", "info", "--json").stdout)["last_backup"] is None


def kill_at_every_statement(tmp_path: Path, source: Path, *extra: str) -> list[Path]:
    """The states `shg db restore` leaves when killed at each statement boundary, and the
    state of the uninterrupted run last."""
    out = tmp_path / "out"
    subprocess.run(
        [sys.executable, str(TESTS / "kill_driver.py"), str(tmp_path / "pristine"),
         str(tmp_path / "work"), str(out), "--", "db", "restore", str(source), "--yes", *extra],
        check=True, timeout=300, env={**os.environ, "SHG_DB": str(tmp_path / "work" / "shg.db")},
    )  # fmt: skip
    killed = sorted((p for p in out.iterdir() if p.name != "done"), key=lambda p: int(p.name))
    return [*killed, out / "done"]


@pytest.mark.parametrize("older_schema", [False, True])
def test_kill_9_at_every_statement_of_a_restore_leaves_before_or_after(
    run: Run, tmp_path: Path, older_schema: bool
) -> None:
    pristine = tmp_path / "pristine"
    pristine.mkdir()
    live = pristine / "shg.db"
    source = tmp_path / "source.db"
    if older_schema:  # a schema 1 backup of this very register, migrated while restored
        build_v1(live)
        shutil.copy(live, source)
    else:
        run("--db", str(live), "init", "--county", "Testlän")
        for i in range(3):
            run("--db", str(live), "intake", "add", "--consent", "--name", f"P{i}",
                "--theme", "Ensamhet")  # fmt: skip
        run("--db", str(live), "db", "backup", str(source))
    run("--db", str(live), "person", "erase", "1", "--yes")
    run("--db", str(live), "intake", "add", "--consent", "--name", "Ny", "--theme", "Ensamhet")
    run("--db", str(live), "intake", "list")  # the last to close it checkpoints the WAL
    states = kill_at_every_statement(tmp_path, source)
    before, after = canonical(live), canonical(states[-1] / "shg.db")
    assert (
        before != after
        and after["persons"] == [(2, "Ola", "ola", None, None, None, None, None)]
        or (not older_schema)
    )
    assert len(states) > 40  # every statement, not a sample
    seen = []
    for state in states:
        now = canonical(state / "shg.db")  # a fresh connection recovers what the WAL holds
        assert now in (before, after), state.name
        seen.append("after" if now == after else "before")
        for kept in state.glob("shg-backup-*.db"):  # a safety copy is whole or absent
            assert canonical(kept) == before, (state.name, kept.name)
    assert "before" in seen and seen[-1] == "after"
    assert seen == sorted(seen, key=lambda s: s == "after")  # one switch: the commit


def _writer(db: str, worker: int, stop: str) -> list[str]:
    """Register people through the service layer (many a second, so that one lands in any
    gap a restore leaves) until the file `stop` appears; the names whose add succeeded."""
    from shgroups.errors import ShgError
    from shgroups.services import intake
    from shgroups.storage import open_db

    store = open_db(db)
    added = []
    for i in range(5000):
        name = f"W{worker} N{i}"
        try:
            intake.add_registration(
                store, person={"name": name}, theme="Ensamhet", area=None, also_themes=[],
                also_areas=[], on=date(2026, 11, 24), today=date(2026, 11, 24), consent=True,
            )  # fmt: skip
            added.append(name)
        except ShgError:
            pass
        if Path(stop).exists() and i % 20 == 19:
            break
    store.close()
    return added


def test_a_restore_under_concurrent_writers_loses_no_registration(
    run: Run, db: Path, tmp_path: Path
) -> None:
    register(run, 3)
    saved = backup(run, str(tmp_path / "saved.db"))
    stop = tmp_path / "stop"
    with multiprocessing.get_context("fork").Pool(3) as pool:
        writers = [pool.apply_async(_writer, (str(db), w, str(stop))) for w in range(3)]
        time.sleep(0.5)  # the writers are at work
        result = subprocess.run(
            [SHG, "db", "restore", str(saved), "--yes", "--json"],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        stop.touch()
        added = [name for w in writers for name in w.get(timeout=120)]
    assert result.returncode == 0, result.stderr
    kept = Path(json.loads(result.stdout)["previous_kept_as"])
    before, after = names(kept), names(db)
    assert len(added) > 50 and set(added) - before - after == set()
    assert set(added) & after  # some were added after the restore too


def names(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM persons")}
    finally:
        conn.close()


# A damaged register (issue 10): restored by building a new register from the backup, the
# damaged files set aside, never deleted.


def damage(db: Path, kind: str) -> bytes:
    """Overwrite the registrations' root page ("table"), or every page after the first, the
    schema's included ("schema"); the damaged file's bytes."""
    conn = sqlite3.connect(db)
    number = conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'registrations'"
    ).fetchone()[0]
    conn.close()
    data = bytearray(db.read_bytes())
    if kind == "table":
        data[(number - 1) * 4096 : number * 4096] = b"\xff" * 4096
    else:
        data[4096:] = b"\xff" * (len(data) - 4096)
    db.write_bytes(bytes(data))
    return bytes(data)


def listed(run: Run) -> dict[int, str | None]:
    rows = json.loads(run("intake", "list", "--status", "all", "--json").stdout)
    return {r["id"]: r["name"] for r in rows}


@pytest.mark.parametrize("kind", ["table", "schema"])
def test_a_damaged_register_is_restored_and_set_aside(
    run: Run, db: Path, tmp_path: Path, kind: str
) -> None:
    register(run, 3)
    good = backup(run, str(tmp_path / "good.db"))
    run("db", "check")  # the last to close the file checkpoints the WAL into it
    damaged = damage(db, kind)
    assert "the database file is damaged" in run("intake", "list", code=1).stderr
    check = run("db", "check", code=1)  # even a file too damaged to open is checked
    assert "Integrity       damaged" in check.stdout and "shg db restore PATH" in check.stderr
    assert db.read_bytes() == damaged
    result = run("db", "restore", str(good), "--yes", "--json")
    done = json.loads(result.stdout)
    aside = tmp_path / "shg.db.damaged-2026-11-24"
    assert done["damaged"] and done["previous_kept_as"] == str(aside)
    assert done["set_aside"] == [str(aside)] and done["restored_from"] == str(good)
    assert aside.read_bytes() == damaged and stat_mode(aside) == 0o600
    assert listed(run) == {1: "Person 1", 2: "Person 2", 3: "Person 3"}
    assert "All good" in run("db", "check").stderr
    assert stat_mode(db) == 0o600 and not list(tmp_path.glob("*shg-building*"))
    actions = [a["action"] for a in json.loads(run("audit", "--json").stdout)]
    assert actions[-1] == "db.restore"
    # The same register: its identity, when it can still be read, stays.
    assert storage_identity(db) == storage_identity(good)
    # Said in words: where the damaged register is, and that it holds personal data.
    damage(db, kind)
    said = run("db", "restore", str(good), "--yes").stderr
    assert "The register is damaged" in said and "set aside as" in said
    assert f"kept as {tmp_path / 'shg.db.damaged-2026-11-24-2'}" in said
    assert "still holds personal data" in said and "shg db check" in said


def test_erasures_recorded_in_a_damaged_register_are_done_again(
    run: Run, db: Path, tmp_path: Path
) -> None:
    add(run, "Siv Hemligsson", "Utmattning", "--phone", "070-9911223")
    register(run, 2, start=2)
    good = backup(run, str(tmp_path / "good.db"))
    run("person", "erase", "1", "--yes")
    run("db", "check")
    damage(db, "table")  # the audit can still be read
    done = json.loads(run("db", "restore", str(good), "--yes", "--json").stdout)
    assert done["same_register"] and done["erased_again"] == [1]
    assert not done["erasures_unknown"]
    assert listed(run) == {1: None, 2: "Person 2", 3: "Person 3"}
    actions = [a["action"] for a in json.loads(run("audit", "--json").stdout)]
    assert actions[-3:] == ["person.erase", "person.erase-again", "db.restore"]
    tokens = ["Siv Hemligsson", "Hemligsson", "070-9911223", "9911223"]
    assert traces(storage.db_files(db), tokens) == []
    run("db", "check")


def test_a_damaged_register_whose_erasures_cannot_be_read_says_so(
    run: Run, db: Path, tmp_path: Path
) -> None:
    add(run, "Siv Hemligsson", "Utmattning")
    good = backup(run, str(tmp_path / "good.db"))
    run("person", "erase", "1", "--yes")
    run("db", "check")
    damage(db, "schema")
    result = run("db", "restore", str(good), "--yes")
    assert "record of erasures could not all be read" in result.stderr
    assert "shg person erase ID" in result.stderr
    done = json.loads(run("db", "restore", str(good), "--yes", "--json").stdout)
    assert done["damaged"] is False  # the restored register is whole: a normal restore
    damage(db, "schema")
    done = json.loads(run("db", "restore", str(good), "--yes", "--json").stdout)
    assert done["erasures_unknown"] and done["erased_again"] == []
    assert listed(run) == {1: "Siv Hemligsson"}  # back: the coordinator was told to check


def test_a_damaged_register_keeps_its_wal_aside_with_it(run: Run, db: Path, tmp_path: Path) -> None:
    register(run, 2)
    good = backup(run, str(tmp_path / "good.db"))
    run("db", "check")
    damaged = damage(db, "table")
    # A change still in the WAL (another program holds the file open).
    writer = sqlite3.connect(db)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("UPDATE register SET checkpoint_owed_since = '2026-11-24T10:00:00+00:00'")
    writer.commit()
    wal = Path(f"{db}-wal").read_bytes()
    assert wal and db.read_bytes() == damaged
    kept = {p.name: p.read_bytes() for p in tmp_path.glob("shg.db*")}
    writer.close()  # checkpoints; put the files back as they were while it was open
    for name, data in kept.items():
        (tmp_path / name).write_bytes(data)
    done = json.loads(run("db", "restore", str(good), "--yes", "--json").stdout)
    aside = tmp_path / "shg.db.damaged-2026-11-24"
    assert done["set_aside"] == [str(aside), f"{aside}-wal"]
    assert aside.read_bytes() == damaged and Path(f"{aside}-wal").read_bytes() == wal
    assert stat_mode(Path(f"{aside}-wal")) == 0o600
    assert listed(run) == {1: "Person 1", 2: "Person 2"}
    run("db", "check")


def test_a_damaged_register_is_not_replaced_unasked_nor_by_another_registers_backup(
    run: Run, db: Path, tmp_path: Path
) -> None:
    register(run, 1)
    good = backup(run, str(tmp_path / "good.db"))
    other = tmp_path / "other.db"
    run("--db", str(other), "init", "--county", "Annat län")
    theirs = tmp_path / "theirs.db"
    run("--db", str(other), "db", "backup", str(theirs))
    run("db", "check")
    damaged = damage(db, "table")
    asked = run("db", "restore", str(good), code=1)
    assert "The register is damaged" in asked.stderr and "needs a yes" in asked.stderr
    refused = run("db", "restore", str(theirs), "--yes", code=1)
    assert "cannot be shown to be a backup of this register" in refused.stderr
    unusable = run("db", "restore", str(tmp_path / "nothing.db"), "--yes", code=1)
    assert "Hint:" in unusable.stderr
    assert db.read_bytes() == damaged
    assert sorted(p.name for p in tmp_path.glob("shg.db*")) == ["shg.db"]


def test_kill_9_at_every_statement_of_a_damaged_restore_leaves_before_or_after(
    run: Run, tmp_path: Path
) -> None:
    pristine = tmp_path / "pristine"
    pristine.mkdir()
    live = pristine / "shg.db"
    source = tmp_path / "source.db"
    run("--db", str(live), "init", "--county", "Testlän")
    for i in range(3):
        run("--db", str(live), "intake", "add", "--consent", "--name", f"P{i}",
            "--theme", "Ensamhet")  # fmt: skip
    run("--db", str(live), "db", "backup", str(source))
    run("--db", str(live), "person", "erase", "1", "--yes")
    run("--db", str(live), "intake", "list")  # the last to close it checkpoints the WAL
    damaged = damage(live, "table")
    states = kill_at_every_statement(tmp_path, source)
    after = canonical(states[-1] / "shg.db")
    assert after["persons"] == [(2, "P1", "p1", None, None, None, None, None),
                                (3, "P2", "p2", None, None, None, None, None)]  # fmt: skip
    assert len(states) > 20
    seen = []
    for state in states:
        if (state / "shg.db").read_bytes() == damaged:
            seen.append("before")
        else:
            assert canonical(state / "shg.db") == after, state.name
            assert (state / "shg.db.damaged-2026-11-24").read_bytes() == damaged, state.name
            seen.append("after")
    assert "before" in seen and seen[-1] == "after"
    assert seen == sorted(seen, key=lambda s: s == "after")
