"""Files that leave the laptop, sealed with age: `db backup --encrypt`, `export --encrypt`, and
`db restore` of a sealed backup (a passphrase, or age keys with --recipient / --identity)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Run

from shgroups import sealed

PASSPHRASE = "korrekt häst batteri häftklammer"
SHG = str(Path(sys.executable).parent / "shg")


@pytest.fixture
def demo(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "demo.db"
    run("demo", str(path))
    monkeypatch.setenv("SHG_DB", str(path))
    monkeypatch.setenv("SHG_PASSPHRASE", PASSPHRASE)
    return path


def names(db: Path | sqlite3.Connection) -> list[str]:
    conn = db if isinstance(db, sqlite3.Connection) else sqlite3.connect(db)
    return sorted(r[0] for r in conn.execute("SELECT name FROM persons"))


def registrations(db: Path) -> int:
    return int(sqlite3.connect(db).execute("SELECT count(*) FROM registrations").fetchone()[0])


def the_only(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    assert len(found) == 1, found
    return found[0]


def settled(db: Path) -> bytes:
    """The database file's bytes, with everything in its write-ahead log moved into it."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return db.read_bytes()


def refused_untouched(run: Run, demo: Path, *args: str, says: str) -> None:
    before = settled(demo)
    result = run("db", "restore", *args, "--yes", code=1)
    assert result.stderr.startswith(f"Error: {says}"), result.stderr
    assert "\nHint: " in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert settled(demo) == before


def test_a_sealed_backup_holds_nothing_readable_and_opens_only_with_its_passphrase(
    run: Run, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = names(demo)
    result = run("db", "backup", "--encrypt")
    backup = the_only(tmp_path, "demo-backup-*.db.age")
    assert str(backup) in result.stdout + result.stderr
    assert "without it nobody can open the file" in result.stderr
    data = backup.read_bytes()
    assert data.startswith(b"age-encryption.org/v1\n-> scrypt ")  # age's own format
    assert b"SQLite format 3" not in data
    assert not any(name.encode() in data for name in people)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".*"))  # no temporary file left, plaintext or not
    assert not list(tmp_path.glob("demo-backup-*.db"))  # and no unsealed copy

    # The weekly rotation never counts a file it cannot open.
    run("db", "backup", "--encrypt", "--keep", "2", code=1)

    run("themes", "add", "Nytt tema")  # the register moves on
    monkeypatch.setenv("SHG_PASSPHRASE", "not the passphrase")
    refused_untouched(run, demo, str(backup), says="the passphrase does not open")
    monkeypatch.setenv("SHG_PASSPHRASE", PASSPHRASE)
    run("db", "restore", str(backup), "--yes")
    assert names(demo) == people
    assert the_only(tmp_path, "demo-backup-*.db")  # the register before, kept unsealed beside it
    actions = [r[0] for r in sqlite3.connect(demo).execute("SELECT action FROM audit")]
    assert actions[-3:] == ["db.backup-sealed", "theme.add", "db.restore"]  # carried across
    themes = [r[0] for r in sqlite3.connect(demo).execute("SELECT name FROM themes")]
    assert "Nytt tema" not in themes


def test_a_backup_sealed_for_a_colleagues_key_opens_with_that_key_only(
    run: Run, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pyrage import x25519

    monkeypatch.delenv("SHG_PASSPHRASE")
    colleague, other = x25519.Identity.generate(), x25519.Identity.generate()
    keys = {}
    for who, identity in (("colleague", colleague), ("other", other)):
        keys[who] = tmp_path / f"{who}.key"
        public = identity.to_public()
        keys[who].write_text(f"# created: today\n# public key: {public}\n{identity}\n")
    people = names(demo)
    target = tmp_path / "to-colleague.db"
    result = run("db", "backup", str(target), "--recipient", str(colleague.to_public()))
    backup = tmp_path / "to-colleague.db.age"  # .age added
    assert not target.exists() and str(backup) in result.stdout + result.stderr
    data = backup.read_bytes()
    assert data.startswith(b"age-encryption.org/v1\n-> X25519 ")
    assert b"SQLite format 3" not in data
    assert not any(name.encode() in data for name in people)

    refused_untouched(run, demo, str(backup), says=f"{backup} is sealed for age keys")
    wrong, no_key = str(keys["other"]), str(tmp_path / "x.db.age")
    refused_untouched(
        run, demo, str(backup), "--identity", wrong, says="--identity: the key does not open"
    )
    refused_untouched(
        run, demo, str(backup), "--identity", no_key, says=f"--identity: {no_key} holds no age"
    )
    run("themes", "add", "Nytt tema")
    run("db", "restore", str(backup), "--identity", str(keys["colleague"]), "--yes")
    assert names(demo) == people

    # The file is age's: the age program (or rage) opens it with the same key.
    for program in ("age", "rage"):
        if shutil.which(program):
            opened = subprocess.run(
                [program, "-d", "-i", str(keys["colleague"]), str(backup)],
                capture_output=True,
                check=True,
            ).stdout
            assert opened.startswith(b"SQLite format 3\x00")


def test_a_wrong_backup_inside_the_seal_is_refused_like_any_other(
    run: Run, demo: Path, tmp_path: Path
) -> None:
    fake = tmp_path / "fake.db.age"
    fake.write_bytes(sealed.seal(b"not a database at all", sealed.Key(passphrase=PASSPHRASE)))
    refused_untouched(run, demo, str(fake), says=f"{fake} cannot be restored")


def test_a_sealed_export_opens_to_the_registers_workbook(
    run: Run, demo: Path, tmp_path: Path
) -> None:
    import io

    import openpyxl
    import pyrage

    result = run("export", "--encrypt", "--out", str(tmp_path / "handover.xlsx"))
    book = tmp_path / "handover.xlsx.age"
    assert str(book) in result.stderr and not (tmp_path / "handover.xlsx").exists()
    assert stat.S_IMODE(book.stat().st_mode) == 0o600
    data = book.read_bytes()
    # No workbook in the clear: a zip names its parts in plain text ("[Content_Types].xml").
    assert data.startswith(sealed.MAGIC) and b"[Content_Types].xml" not in data
    plain = pyrage.passphrase.decrypt(data, PASSPHRASE)
    sheets = openpyxl.load_workbook(io.BytesIO(plain), read_only=True)
    tables = [list(sheet.iter_rows(values_only=True)) for sheet in sheets.worksheets]
    [rows] = [t for t in tables if t[1][:3] == ("id", "person_id", "name")]  # registrations
    exported = sorted({row[2] for row in rows[2:] if row[2] is not None})
    assert exported == sorted(set(names(demo)))

    # Never over a file without --force; --force replaces it.
    run("export", "--encrypt", "--out", str(tmp_path / "handover.xlsx.age"), code=1)
    assert book.read_bytes() == data
    run("export", "--encrypt", "--out", str(tmp_path / "handover.xlsx.age"), "--force")
    assert book.read_bytes() != data

    refused = run("export", "--encrypt", "--format", "csv", code=1)
    assert refused.stderr.startswith("Error: --encrypt: CSV files")
    assert "--format xlsx" in refused.stderr
    run("export", "--encrypt", "--format", "xlsx")  # as the hint says
    actions = [r[0] for r in sqlite3.connect(demo).execute("SELECT action FROM audit")]
    assert actions[-2:] == ["db.export-sealed", "db.export-sealed"]


def test_no_passphrase_without_a_terminal_is_refused(
    run: Run, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SHG_PASSPHRASE")
    result = run("db", "backup", "--encrypt", code=1)
    assert "SHG_PASSPHRASE" in result.stderr
    assert not list(tmp_path.glob("demo-backup-*"))


def test_the_passphrase_is_asked_twice_at_a_terminal(tmp_path: Path, demo: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    env = {k: v for k, v in os.environ.items() if k != "SHG_PASSPHRASE"}

    def backup() -> pexpect.spawn:
        child = pexpect.spawn(
            SHG, ["--db", str(demo), "db", "backup", "--encrypt"], env=env, timeout=60
        )
        child.expect("Passphrase for the sealed file: ")
        child.sendline(PASSPHRASE)
        child.expect("The same passphrase again: ")
        return child

    child = backup()
    child.sendline(PASSPHRASE + "x")
    child.expect("Error: the two passphrases differ")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert not list(tmp_path.glob("demo-backup-*"))

    child = backup()
    child.sendline(PASSPHRASE)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert PASSPHRASE.encode() not in (child.before or b"")  # never echoed
    backup_file = the_only(tmp_path, "demo-backup-*.db.age")

    child = pexpect.spawn(
        SHG,
        ["--db", str(demo), "db", "restore", str(backup_file), "--yes"],
        env=env,
        timeout=60,
    )
    child.expect("Passphrase for ")
    child.sendline(PASSPHRASE)
    child.expect("Restored ")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_open_sealed_is_the_one_way_in() -> None:
    from pyrage import x25519

    key = sealed.Key(passphrase="pw")
    data = sealed.seal(b"hello", key)
    assert sealed.is_sealed(data[:30]) and not sealed.is_sealed(b"SQLite format 3\x00")
    assert sealed.open_sealed(data, key, name="f") == b"hello"
    identity = x25519.Identity.generate()
    for_key = sealed.seal(b"hello", sealed.Key(recipients=(str(identity.to_public()),)))
    assert sealed.open_sealed(for_key, sealed.Key(identities=(str(identity),)), name="f") == (
        b"hello"
    )
    with pytest.raises(Exception) as wrong:
        sealed.open_sealed(data[:-5], key, name="f")  # a cut file
    assert getattr(wrong.value, "code", None) == "sealed.wrong_passphrase"


def test_a_sealed_handover_imports_into_a_new_register_with_its_passphrase(
    run: Run, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The handover's way back: `export --encrypt`, then `import FILE.xlsx.age` into a new
    register opens it in memory; a wrong passphrase is refused and changes nothing."""
    run("export", "--encrypt", "--out", str(tmp_path / "handover.xlsx"))
    sealed_book = tmp_path / "handover.xlsx.age"
    fresh = tmp_path / "fresh.db"
    monkeypatch.setenv("SHG_DB", str(fresh))
    run("init")
    before = settled(fresh)
    monkeypatch.setenv("SHG_PASSPHRASE", "not the passphrase")
    wrong = run("import", str(sealed_book), code=1)
    assert wrong.stderr.startswith("Error: the passphrase does not open"), wrong.stderr
    assert "\nHint: " in wrong.stderr and "Traceback" not in wrong.stderr
    assert settled(fresh) == before
    monkeypatch.setenv("SHG_PASSPHRASE", PASSPHRASE)
    run("import", str(sealed_book))
    assert names(fresh) == names(demo)
    assert registrations(fresh) == registrations(demo)
    # Nothing readable was left beside it: the workbook was opened in memory only.
    assert sorted(p.name for p in tmp_path.glob("handover*")) == ["handover.xlsx.age"]
