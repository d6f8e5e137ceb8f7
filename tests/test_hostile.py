"""Odd files, hostile text and odd values (issue 8): a left-over journal, another program's
database, a read-only folder, control characters, one Unicode form, values at the edges."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from conftest import Run, add, counts
from leaks import traces

from shgroups import migrations

SHG = str(Path(sys.executable).parent / "shg")
ESCAPES = "\x1b]0;TITLE\x07\x1b[2J\x1b]52;c;SGVsbG8=\x07\x9b31m"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def shg_bytes(
    *args: bytes, env: dict[bytes, bytes] | None = None
) -> subprocess.CompletedProcess[str]:
    """A real shg process with arguments and environment as raw bytes (not always UTF-8)."""
    return subprocess.run(
        [SHG.encode(), *args],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=60,
        env={**os.environb, **(env or {})},
    )


def plain_error(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith("Error: ") and "\nHint: " in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "unexpectedly" not in result.stderr


# Item 1: a new database never adopts a journal left beside it.
def test_init_never_adopts_a_left_over_wal(run: Run, environment: Path, tmp_path: Path) -> None:
    run("init")
    reader = sqlite3.connect(environment)  # keeps shg from removing its WAL at exit
    reader.execute("SELECT count(*) FROM themes").fetchone()
    add(run, "Eve Leftover", "Ensamhet", "--phone", "070-999 88 77")
    wal = Path(f"{environment}-wal")
    left = wal.read_bytes()
    reader.close()
    environment.rename(tmp_path / "moved-away.db")  # as a coordinator would, after a crash
    wal.write_bytes(left)

    result = run("init", "--json")
    assert json.loads(result.stdout)["created"] is True
    assert "journal file of an earlier database" in result.stderr
    assert json.loads(run("intake", "list", "--status", "all", "--json").stdout) == []
    assert json.loads(run("db", "check", "--json").stdout)["ok"] is True
    assert traces([environment, wal], ["Eve Leftover", "070-999 88 77"]) == []
    kept = list(tmp_path.glob("shg.db-wal.left-over-*"))  # set aside, not deleted
    assert len(kept) == 1 and kept[0].read_bytes() == left


# Item 14: another program's WAL-mode database is not touched at all.
def test_a_foreign_wal_database_is_left_exactly_as_it_was(run: Run, tmp_path: Path) -> None:
    foreign = tmp_path / "other-app.db"
    script = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('PRAGMA journal_mode=WAL'); c.execute('CREATE TABLE t (x)')\n"
        "c.execute('INSERT INTO t VALUES (1)')\n"
        "os._exit(0)  # a crash: the -wal and -shm stay\n"
    )
    subprocess.run([sys.executable, "-c", script, str(foreign)], check=True)
    files = [foreign, Path(f"{foreign}-wal"), Path(f"{foreign}-shm")]
    before = {f.name: sha(f) for f in files}
    result = run("--db", str(foreign), "themes", "list", code=1)
    assert "holds no shg database" in result.stderr
    assert {f.name: sha(f) for f in files if f.exists()} == before


# Item 16: a register in a read-only folder can still be read.
def test_a_register_in_a_read_only_folder_is_read(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    db = folder / "shg.db"
    run("--db", str(db), "init")
    add(run, "Anna", "Ensamhet", env={"SHG_DB": str(db)})
    os.chmod(folder, 0o555)
    try:
        listed = json.loads(run("--db", str(db), "intake", "list", "--json").stdout)
        assert [r["name"] for r in listed] == ["Anna"]
        before = sha(db)
        result = add(run, "Bo", "Ensamhet", code=1, env={"SHG_DB": str(db)})
        assert "read-only" in result.stderr
        assert sha(db) == before and sorted(p.name for p in folder.iterdir()) == ["shg.db"]
    finally:
        os.chmod(folder, 0o700)


# Item 13: control characters are refused on the way in and never printed raw.
@pytest.mark.parametrize(
    "command",
    [
        ["themes", "add", f"Sorg{ESCAPES}"],
        ["areas", "add", f"Habo{ESCAPES}"],
        ["staff", "add", f"Eva{ESCAPES}"],
        ["intake", "list", "--theme", f"Sorg{ESCAPES}"],
    ],
)
def test_control_characters_are_refused(run: Run, db: Path, command: list[str]) -> None:
    before = sha(db)
    result = run(*command, code=1)
    assert "control characters" in result.stderr and "\x1b" not in result.output
    assert sha(db) == before


def test_stored_control_characters_never_reach_the_terminal(run: Run, db: Path) -> None:
    add(run, "Eve", "Ensamhet")
    conn = sqlite3.connect(db)  # as an older shg, or another program, may have stored them
    conn.execute("UPDATE persons SET name = ?, note = ?", (f"Eve{ESCAPES}", f"Hi{ESCAPES}"))
    conn.execute("UPDATE areas SET name = ? WHERE is_default = 1", (f"Län{ESCAPES}",))
    conn.commit()
    conn.close()
    for command in (["intake", "list"], ["intake", "show", "1"], ["areas", "list"]):
        shown = run(*command)
        assert "\x1b" not in shown.output and "\x07" not in shown.output
        assert "\x9b" not in shown.output and "\\x1b" in shown.output, command
    listed = run("intake", "list", "--json").stdout
    assert "\x9b" not in listed and json.loads(listed)[0]["name"] == f"Eve{ESCAPES}"


# Item 12: one Unicode form for everything typed.
def test_the_same_name_in_two_unicode_forms_is_one_area(run: Run, db: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Jönköping")
    assert nfd != "Jönköping"
    run("areas", "add", nfd, code=1)  # "already exists", not a second area
    for i in range(3):
        add(run, f"P{i}", "Ensamhet", "--area", "Jönköping")
    for i in range(3, 5):
        add(run, f"P{i}", "Ensamhet", "--area", nfd)
    ready = json.loads(run("groups", "ready", "--json").stdout)
    assert [(p["area"], p["waiting"]) for p in ready] == [("Jönköping", 5)]


def test_the_migration_merges_names_that_differ_only_in_unicode_form(
    run: Run, tmp_path: Path
) -> None:
    """A register from schema 3, where NFD typing made a second 'Jönköping' and a second
    'Utmattning'-like theme, is merged into one of each, keeping every registration."""
    path = tmp_path / "v3.db"
    nfd = unicodedata.normalize("NFD", "Jönköping")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA application_id = {0x53484731}")
    conn.execute("BEGIN")
    for steps in migrations.MIGRATIONS[:3]:
        for step in steps:
            assert isinstance(step, str)
            conn.execute(step)
    conn.execute("PRAGMA user_version = 3")
    conn.execute("INSERT INTO themes (id, name, key) VALUES (1, 'Sorg', 'sorg')")
    conn.execute("INSERT INTO areas (id, name, key) VALUES (1, 'Jönköping', 'jönköping')")
    conn.execute("INSERT INTO areas (id, name, key) VALUES (2, ?, ?)", (nfd, nfd.casefold()))
    for pid, name in ((1, "Åsa"), (2, unicodedata.normalize("NFD", "Åsa"))):
        conn.execute(
            "INSERT INTO persons (id, name, name_key) VALUES (?, ?, ?)", (pid, name, name.lower())
        )
        conn.execute(
            "INSERT INTO registrations (id, person_id, theme_id, area_id, registered_on, status,"
            " status_on) VALUES (?, ?, 1, ?, '2026-10-01', 'waiting', '2026-10-01')",
            (pid, pid, pid),
        )
    conn.execute("INSERT INTO registration_areas VALUES (1, 2)")  # named both spellings
    conn.execute("COMMIT")
    conn.close()

    areas = json.loads(run("--db", str(path), "areas", "list", "--json").stdout)
    assert [(a["name"], a["waiting"]) for a in areas] == [("Jönköping", 2)]
    listed = json.loads(run("--db", str(path), "intake", "list", "--json").stdout)
    assert [(r["name"], r["area"]) for r in listed] == [("Åsa", "Jönköping")] * 2
    assert counts(path)["registration_areas"] == 0  # the alternative became the first choice
    assert json.loads(run("--db", str(path), "db", "check", "--json").stdout)["ok"] is True


# Item 17: values at the edges get a plain error.
@pytest.mark.parametrize(
    ("env", "command"),
    [
        ({"SHG_TODAY": "0001-01-01"}, ["purge"]),
        ({}, ["followups", "due", "--as-of", "9999-12-31"]),
        ({}, ["followups", "due", "--week", "9999-W52"]),
        ({"SHG_BUSY_TIMEOUT": "inf"}, ["themes", "list"]),
        ({"SHG_BUSY_TIMEOUT": "nan"}, ["themes", "list"]),
        ({"SHG_BUSY_TIMEOUT": "1e309"}, ["themes", "list"]),
        ({"SHG_BUSY_TIMEOUT": "abc"}, ["themes", "list"]),
        ({"SHG_BUSY_TIMEOUT": "-1"}, ["themes", "list"]),
        ({}, ["--db", "x" * 5000, "themes", "list"]),
        ({}, ["--db", "x" * 5000, "init"]),
    ],
)
def test_odd_values_get_a_plain_error(db: Path, env: dict[str, str], command: list[str]) -> None:
    before = sha(db)
    plain_error(
        shg_bytes(
            *(os.fsencode(a) for a in command),
            env={os.fsencode(k): os.fsencode(v) for k, v in env.items()},
        )
    )
    assert sha(db) == before


@pytest.mark.parametrize(
    ("args", "env"),
    [
        ([b"intake", b"add", b"--consent", b"--name", b"Anna\xff\xfe", b"--theme", b"Sorg"], {}),
        ([b"intake", b"add", b"--consent", b"--name", b"Anna", b"--theme", b"Sorg\xe4"], {}),
        ([b"intake", b"add", b"--consent", b"--name", b"Anna", b"--theme", b"Sorg"],
         {b"SHG_USER": b"ma\xefria"}),
    ],
)  # fmt: skip
def test_bytes_that_are_not_utf8_get_a_plain_error(
    db: Path, args: list[bytes], env: dict[bytes, bytes]
) -> None:
    before = sha(db)
    plain_error(shg_bytes(*args, env=env))
    assert sha(db) == before


def test_suggested_commands_work_on_the_register_in_use(run: Run, tmp_path: Path) -> None:
    """A "Next:" line or a hint pasted as it is must not work on another register."""
    other = tmp_path / "other.db"
    result = run("--db", str(other), "init")
    assert f"Next: shg --db {other} intake add" in result.stderr
    result = run("--db", str(other), "intake", "show", "7", code=1)
    assert f"`shg --db {other} intake list`" in result.stderr


def test_restoring_leaves_nothing_beside_the_backup(run: Run, db: Path, tmp_path: Path) -> None:
    backup = tmp_path / "kept.db"  # a register of its own, in WAL mode like every register
    run("--db", str(backup), "init")
    run("db", "restore", str(backup), "--yes", "--force")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("kept")) == ["kept.db"]


def test_the_audit_table_speaks_plainly(run: Run, tmp_path: Path) -> None:
    """Every action the demo register records is shown in words; scripts keep the codes."""
    from shgroups.enums import ACTIONS

    demo = tmp_path / "demo.db"
    run("demo", str(demo))
    rows = json.loads(run("--db", str(demo), "audit", "--json").stdout)
    actions = {r["action"] for r in rows} - {"demo.showcase"}
    assert len(actions) > 10 and actions <= set(ACTIONS), actions - set(ACTIONS)
    shown = run("--db", str(demo), "audit").stdout
    assert "registration.add" not in shown and "registered" in shown
