"""Erasure leaves no byte behind: every free-text field, every file, also while another program
holds the database open; exports and purges that fail leave nothing behind (docs/design.md §6)."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from conftest import Run, add, counts, register, start
from leaks import db_files, traces

SHG = str(Path(sys.executable).parent / "shg")

# Typed in NFD, as macOS and some copy-paste produce; stored in NFC.
NAME = unicodedata.normalize("NFD", "Qzmärta Ytöken")
PHONE, EMAIL = "070-987 65 43", "qzmail@token.example"
NOTE = "Qznote: föredrar tisdagar"


def add_person(run: Run, *extra: str) -> int:
    result = add(
        run, NAME, "Utmattning", "--area", "Jönköping", "--phone", PHONE, "--email", EMAIL,
        "--note", NOTE, "--date", "2026-10-20", "--json", *extra,
    )  # fmt: skip
    return int(json.loads(result.stdout)["id"])


def shg(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real executable, in a process of its own."""
    return subprocess.run(
        [SHG, "--db", str(db), *args], capture_output=True, text=True, timeout=60, check=False
    )


def backup_of(db: Path, to: Path) -> Path:
    src, dst = sqlite3.connect(db), sqlite3.connect(to)
    src.backup(dst)
    src.close()
    dst.close()
    return to


def test_erasure_leaves_no_byte_of_any_free_text_field(run: Run, db: Path, tmp_path: Path) -> None:
    register(run, 4)
    reg = add_person(run)
    start(run, "--date", "2026-10-26", "--starter-sessions", "1")
    run("sessions", "add", "1", "--date", "2026-10-26")
    # Follow-ups are the group's: these mention the person by first name, by phone (written
    # another way) and by e-mail; the last one does not and stays.
    for day, (option, text) in enumerate(
        [
            ("--note", "Qzmärta: Qzfollow mår bättre"),
            ("--method", "sms till +46 70 987 65 43"),
            ("--note", f"mejlade {EMAIL.upper()}"),
            ("--note", "Gruppen träffas på biblioteket"),
        ],
        start=10,
    ):
        run("followups", "add", "1", option, text, "--date", f"2026-11-{day}", "--force")
    tokens = ["Qzmärta", "Ytöken", PHONE, "+46 70 987 65 43", EMAIL, "Qznote", "Qzfollow"]
    assert {t for _f, t in traces(db_files(db), tokens)} == set(tokens)  # the scan sees them

    erased = run("person", "erase", str(reg), "--yes")

    assert "3 follow-up notes of their groups mentioned them; they now read" in erased.stderr
    assert traces([*db_files(db), backup_of(db, tmp_path / "after.db")], tokens) == []
    followups = json.loads(run("groups", "show", "1", "--json").stdout)["followups"]
    assert [(f["method"], f["note"]) for f in followups] == [
        (None, "(removed at erasure)"),
        ("(removed at erasure)", None),
        (None, "(removed at erasure)"),
        (None, "Gruppen träffas på biblioteket"),
    ]


def test_an_erasure_owed_while_another_program_reads_is_finished_by_the_next_write(
    run: Run, db: Path
) -> None:
    reg = add_person(run)
    tokens = ["Qzmärta Ytöken", PHONE, EMAIL, "Qznote"]
    reader = sqlite3.connect(db, isolation_level=None)  # a DB browser with a query open
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM persons").fetchone() == (1,)
        erased = shg(db, "person", "erase", str(reg), "--yes")
        assert erased.returncode == 0, erased.stderr
        # Truthful: the identity is gone from the register, the bytes are not yet gone.
        assert json.loads(shg(db, "intake", "show", str(reg), "--json").stdout)["name"] is None
        assert f"{db}-wal" in erased.stderr and f"shg --db {db} db check" in erased.stderr
        assert traces(db_files(db), tokens)
    finally:
        reader.close()
    written = shg(db, "intake", "add", "--consent", "--name", "Ny", "--theme", "Ensamhet")
    assert written.returncode == 0, written.stderr
    assert traces(db_files(db), tokens) == []


def test_a_failed_export_leaves_neither_a_file_nor_an_audit_row(run: Run, db: Path) -> None:
    reg = add_person(run)
    before = counts(db)
    result = run("person", "export", str(reg), "--out", "missing/anna.json", code=1)
    assert "missing" in result.stderr and "Traceback" not in result.stderr
    Path("anna.txt").write_text("mine\n")
    result = run("person", "export", str(reg), "--out", "anna.json", code=1)
    assert "anna.txt already exists" in result.stderr
    assert counts(db) == before  # no person.export recorded
    assert Path("anna.txt").read_text() == "mine\n"
    assert sorted(p.name for p in Path().iterdir() if not p.name.startswith("shg.db")) == [
        "anna.txt"
    ]


def test_a_killed_exports_temporary_file_is_removed_by_the_next_export(run: Run, db: Path) -> None:
    """A kill -9 between writing an export and moving it into place leaves a hidden temporary
    file full of personal data; the next export to that name removes it."""
    reg = add_person(run)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    stale = Path(f".anna.json.{gone.stdout.strip()}.shg-building")
    stale.write_text(f'{{"name": "{NAME}"}}')
    run("person", "export", str(reg), "--out", "anna.json")
    assert not stale.exists()
    assert sorted(p.name for p in Path().iterdir() if p.name.startswith(".anna")) == []


def test_a_write_protected_register_still_answers_access_requests_and_dry_runs(
    run: Run, db: Path
) -> None:
    reg = add_person(run)
    run("intake", "withdraw", str(reg), "--date", "2026-10-21")
    before = counts(db)
    os.chmod(db, 0o400)
    try:
        dry = json.loads(
            run("purge", "--dry-run", "--json", env={"SHG_TODAY": "2027-06-01"}).stdout
        )
        assert dry["erased"] == [reg]
        result = run("person", "export", str(reg), "--out", "anna.json")
        assert (
            "could not be recorded in the audit" in result.stderr and "read-only" in result.stderr
        )
        assert json.loads(Path("anna.json").read_text("utf-8"))["person"]["email"] == EMAIL
        assert stat.S_IMODE(Path("anna.txt").stat().st_mode) == 0o600
        assert "read-only" in run("purge", code=1, env={"SHG_TODAY": "2027-06-01"}).stderr
    finally:
        os.chmod(db, 0o600)
    assert counts(db) == before


def test_the_export_letter_shows_control_characters_and_never_sends_them(
    run: Run, db: Path
) -> None:
    reg = add_person(run)
    conn = sqlite3.connect(db)  # as a database browser, or a register from before the check
    conn.execute("UPDATE persons SET note = 'x\x1b]0;TITLE\x07\x1b[2J\x9b'")
    conn.commit()
    conn.close()
    letter = run("person", "export", str(reg)).stdout
    run("person", "export", str(reg), "--out", "anna.json")
    for text in (letter, Path("anna.txt").read_text("utf-8")):
        assert not {"\x1b", "\x07", "\x9b"} & set(text)
        assert "x\\x1b]0;TITLE\\x07\\x1b[2J\\x9b" in text
    exported = Path("anna.json").read_text("utf-8")
    assert not {"\x1b", "\x07", "\x9b"} & set(exported)
    assert json.loads(exported)["person"]["note"] == "x\x1b]0;TITLE\x07\x1b[2J\x9b"


def test_a_purge_whose_archive_cannot_be_written_changes_nothing(run: Run, db: Path) -> None:
    reg = add_person(run)
    run("intake", "withdraw", str(reg), "--date", "2026-10-21")
    Path("disposal.json").write_text("an older archive\n")
    before = counts(db)
    env = {"SHG_TODAY": "2027-06-01"}
    result = run("purge", "--archive-to", "disposal.json", code=1, env=env)
    assert "disposal.json already exists" in result.stderr
    assert counts(db) == before and Path("disposal.json").read_text() == "an older archive\n"
    assert json.loads(run("purge", "--archive-to", "new.json", "-y", "--json", env=env).stdout)[
        "erased"
    ] == [reg]
    assert json.loads(Path("new.json").read_text("utf-8"))["persons"][0]["person"]["phone"] == PHONE


def test_exports_are_written_where_there_are_no_hard_links(
    run: Run, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A FAT-formatted USB stick: os.link fails; the file is still placed, never over another."""

    def no_links(src: object, dst: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    reg = add_person(run)
    monkeypatch.setattr(os, "link", no_links)
    run("person", "export", str(reg), "--out", "anna.json")
    assert json.loads(Path("anna.json").read_text("utf-8"))["person"]["email"] == EMAIL
    assert stat.S_IMODE(Path("anna.txt").stat().st_mode) == 0o600
    assert "already exists" in run("person", "export", str(reg), "--out", "anna.txt", code=1).stderr
    assert sorted(p.name for p in Path().iterdir() if "anna" in p.name) == ["anna.json", "anna.txt"]


def test_a_dry_run_answers_while_another_command_holds_the_write_lock(run: Run, db: Path) -> None:
    reg = add_person(run)
    run("intake", "withdraw", str(reg), "--date", "2026-10-21")
    writer = sqlite3.connect(db, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # a long write by another coordinator
        env = {"SHG_TODAY": "2027-06-01", "SHG_BUSY_TIMEOUT": "0.2"}
        dry = json.loads(run("purge", "--dry-run", "--json", env=env).stdout)
        assert dry["erased"] == [reg]
    finally:
        writer.close()
