"""Keeping the file healthy: check, backup (with rotation), restore, info (docs/design.md §5).

What the commands print is declared as TypedDicts (as in services/intake.py and groups.py):
the JSON documents scripts rely on (docs/design.md §4), at run time dicts printed as they are,
whose keys are declared once, for mypy, for the command line's views and for the README's table.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Any, TypedDict

from shgroups import env, migrations, sealed
from shgroups.errors import Conflict, InvalidInput, StorageError
from shgroups.i18n import _
from shgroups.migrations import SCHEMA_VERSION, expected_schema, schema_of
from shgroups.services.persons import _erase_all
from shgroups.storage import (
    APP_ID,
    Store,
    build_db,
    building_path,
    db_files,
    is_shg_file,
    remove_db,
    remove_stale_builds,
    sqlite_error,
    write_protected,
)

NETWORK_FILE_SYSTEMS = {"nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "9p", "afs",
                        "ceph", "glusterfs", "lustre", "davfs", "sshfs", "gpfs"}  # fmt: skip
SYNC_FOLDERS = ("dropbox", "onedrive", "google drive", "googledrive", "icloud", "nextcloud",
                "owncloud", "box sync", "pcloud", "sync.com", "mega")  # fmt: skip


def file_system(path: Path, mounts: str | None = None) -> str | None:
    """The type of the file system that holds `path` (from /proc/mounts), if known."""
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text()
        except OSError:
            return None
    target = str(path.resolve())
    best, kind = "", None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind


def shared_storage(path: Path, mounts: str | None = None) -> str | None:
    """Why this place is unsafe for an SQLite database, or None when it is a local disk."""
    kind = file_system(path, mounts)
    if kind and (kind in NETWORK_FILE_SYSTEMS or kind.split(".")[-1] in NETWORK_FILE_SYSTEMS):
        return _("it is on a network file system ({kind})").format(kind=kind)
    if kind and kind.startswith("fuse"):
        return _("it is on a FUSE file system ({kind}), as sync folders are").format(kind=kind)
    lowered = str(path.resolve()).lower()
    for name in SYNC_FOLDERS:
        if f"/{name}" in lowered or f"\\{name}" in lowered:
            return _("it is in what looks like a sync folder ({name})").format(name=name)
    return None


# Sealed backups opened in memory (`unsealed`): the backup's path -> (the URI of an in-memory
# database holding its plaintext, the plaintext's size). Every read of that path reads it.
_LENT: dict[Path, tuple[str, int]] = {}


@contextmanager
def unsealed(path: Path, plaintext: bytes) -> Iterator[None]:
    """While the block runs, the sealed backup `path` reads as the database `plaintext` (its
    opened bytes), held in memory (SQLite's memdb), never written to disk: `restore`,
    `restore_damaged` and their previews then check and restore it as any backup."""
    uri = f"file:/shg-unsealed-{os.getpid()}-{secrets.token_hex(8)}?vfs=memdb"
    held = sqlite3.connect(uri, uri=True, isolation_level=None)
    try:
        loaded = sqlite3.connect(":memory:", isolation_level=None)
        try:
            try:
                loaded.deserialize(plaintext)
                loaded.backup(held)
            except sqlite3.DatabaseError:
                raise StorageError(
                    _("{path} cannot be restored: {problem}; nothing was changed").format(
                        path=path, problem=_("it is not a readable SQLite database")
                    ),
                    _("choose another backup"),
                    code="backup.unusable",
                    field="path",
                    path=str(path),
                ) from None
        finally:
            loaded.close()
        _LENT[path.absolute()] = (uri, len(plaintext))
        yield
    finally:
        _LENT.pop(path.absolute(), None)
        held.close()


def _open_ro(path: Path, immutable: bool = False) -> sqlite3.Connection:
    """Read a file without ever writing it. An absolute file: URI, so that no name (such as
    `file:bk.db`) is read as an SQLite URI of its own. `immutable` for a file that is only
    looked at: no -shm or -wal is created beside it (in someone else's backup folder, or
    beside the backup a coordinator restores from); only a file with a -wal of its own needs
    the usual read, which sees the changes in that -wal. A sealed backup being restored is
    read from memory (`unsealed`)."""
    lent = _LENT.get(path.absolute())
    if lent is not None:
        return sqlite3.connect(f"{lent[0]}&mode=ro", uri=True, isolation_level=None)
    uri = f"{path.absolute().as_uri()}?mode=ro{'&immutable=1' if immutable else ''}"
    return sqlite3.connect(uri, uri=True, isolation_level=None)


def _looked_at(path: Path) -> sqlite3.Connection:
    """A read-only connection that writes nothing beside a register that has no -wal."""
    return _open_ro(path, immutable=not Path(f"{path}-wal").exists())


def schema_drift(conn: sqlite3.Connection, version: int, database: str = "main") -> list[str]:
    """Tables, indexes, triggers and views that are not as shg's migrations make them
    (added, changed or removed by another program): "trigger keep_names", …"""
    differ = schema_of(conn, database) ^ expected_schema(version)
    return sorted({f"{kind} {name}" for kind, name, _sql in differ})


OWED_CHECKPOINT = _(
    "an erasure is not yet checkpointed: its bytes may still be in {db} / {db}-wal; close other "
    "programs that hold the file open and run any shg write command"
)


class Checked(TypedDict):
    """`db check`: what was found (nothing when `ok`)."""

    db: str
    ok: bool
    integrity: str  # "ok" or "damaged"
    schema_version: int
    findings: list[str]


def check(store: Store, mounts: str | None = None) -> Checked:
    """Integrity, foreign keys, schema, file modes, an owed checkpoint and where the file lives."""
    findings: list[str] = []
    integrity = "ok"
    version = store.value("PRAGMA user_version")
    try:
        rows = [r[0] for r in store.execute("PRAGMA integrity_check(20)").fetchall()]
        if rows != ["ok"]:
            integrity = "damaged"
            findings += [_("integrity: {row}").format(row=row) for row in rows]
        broken = store.execute("PRAGMA foreign_key_check").fetchall()
        findings += [
            _("a row in {table} ({rowid}) points at a missing {parent}").format(
                table=t, rowid=rowid, parent=parent
            )
            for t, rowid, parent, _fk in broken[:20]
        ]
        findings += [
            _("{what} is not as shg's migrations make it: another program added or changed it; "
              "restore a backup made before that").format(what=what)
            for what in schema_drift(store.conn, version)
        ]  # fmt: skip
        if store.value("SELECT checkpoint_owed_since FROM register") is not None:
            findings.append(OWED_CHECKPOINT.format(db=store.path.name))
    except sqlite3.DatabaseError as exc:
        integrity = "damaged"
        findings.append(_("the file is damaged: {error}").format(error=exc))
    for file in db_files(store.path):
        if file.exists() and file.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            findings.append(
                _("{file} can be read by others (mode {mode:o}): run chmod 600 {file}").format(
                    file=file, mode=stat.S_IMODE(file.stat().st_mode)
                )
            )
    where = shared_storage(store.path, mounts)
    if where:
        findings.append(
            _(
                "{where}: SQLite's locking and write-ahead log are not safe there; "
                "keep the database on this computer's own disk"
            ).format(where=where)
        )
    return {
        "db": str(store.path),
        "ok": not findings,
        "integrity": integrity,
        "schema_version": version,
        "findings": findings,
    }


def backup_folder(db: Path) -> Path:
    return env.backup_dir() or db.parent


def backup_identity(path: Path) -> str | None:
    """The register identity a whole shg backup holds; None for anything else: unreadable,
    torn (shorter than its header says), not shg, or made before registers had an identity."""
    try:
        conn = _open_ro(path, immutable=True)
        try:
            if conn.execute("PRAGMA application_id").fetchone()[0] != APP_ID:
                return None
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            lent = _LENT.get(path.absolute())
            size = lent[1] if lent else path.stat().st_size
            if pages * conn.execute("PRAGMA page_size").fetchone()[0] != size:
                return None
            row = conn.execute("SELECT identity FROM register").fetchone()
            return str(row[0]) if row else None
        finally:
            conn.close()
    except (sqlite3.Error, OSError):
        return None


def backups(store: Store) -> list[Path]:
    """This register's dated backups in the backup folder, newest first. Recognised by content,
    not by name: two registers called shg.db may share a folder, and a torn file is no backup."""
    folder = backup_folder(store.path)
    if not folder.is_dir():
        return []
    identity = store.value("SELECT identity FROM register")
    live = store.path.absolute()
    found = [
        p
        for p in folder.glob("*-backup-*.db")
        if p.is_file() and not p.is_symlink() and p.absolute() != live
        and backup_identity(p) == identity
    ]  # fmt: skip
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)


def _dated_names(db: Path, folder: Path) -> Iterator[Path]:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    yield folder / f"{db.stem}-backup-{stamp}.db"
    n = 1
    while True:
        n += 1
        yield folder / f"{db.stem}-backup-{stamp}-{n}.db"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _exists(path: Path) -> StorageError:
    return StorageError(
        _("{path} already exists").format(path=path),
        _("choose a new name, or let shg give the backup a dated one"),
        code="backup.exists",
        field="path",
        path=str(path),
    )


def _place(temp: Path, path: Path) -> bool:
    """Give the finished file this name unless something is there (a file, a dangling
    symlink) or appears meanwhile: never replaced, never followed."""
    try:
        os.link(temp, path)
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links (a FAT USB stick)
        if os.path.lexists(path):
            return False
        os.rename(temp, path)
    try:
        _fsync(path.parent)  # the new name itself survives a power cut
    except OSError:
        pass
    return True


def _write_backup(conn: sqlite3.Connection, db: Path, target: Path | None) -> Path:
    """VACUUM INTO a private temporary file, flush it to disk, then give it its name: a kill
    or a full disk never leaves a torn file under a backup's name. A temporary file left by
    a killed process is removed the next time (storage's `building_path`)."""
    folder = target.parent if target else backup_folder(db)
    if target is None:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    prefix = folder.absolute() / "shg-backup"
    remove_stale_builds(prefix)
    temp = building_path(prefix)
    remove_db(temp)
    try:
        conn.execute("VACUUM INTO ?", (str(temp),))  # an absolute path: never read as a URI
        os.chmod(temp, 0o600)
        _fsync(temp)
        if target is None:
            return next(path for path in _dated_names(db, folder) if _place(temp, path))
        if not _place(temp, target):
            raise _exists(target)
        return target
    except (sqlite3.OperationalError, OSError) as exc:
        raise StorageError(
            _("the backup could not be written: {error}").format(
                error=getattr(exc, "strerror", None) or exc
            ),
            _("check that the folder exists and has room"),
            code="backup.unwritable",
        ) from None
    finally:
        remove_db(temp)


class BackedUp(TypedDict):
    """`db backup`: the backup written, and the old ones `keep` removed."""

    backup: str
    size: int  # bytes
    removed: list[str]
    sealed: bool  # encrypted with age (--encrypt, --recipient)
    audited: bool  # a sealed backup is audited (`db.backup-sealed`) unless the file is read-only


def _plaintext(conn: sqlite3.Connection) -> bytes:
    """A consistent copy of the live database as bytes (VACUUM INTO an in-memory database,
    SQLite's memdb), checked whole: what is sealed cannot be looked at without the key."""
    uri = f"file:/shg-sealing-{os.getpid()}-{secrets.token_hex(8)}?vfs=memdb"
    held = sqlite3.connect(uri, uri=True, isolation_level=None)
    try:
        conn.execute("PRAGMA temp_store = MEMORY")  # nothing of it in a temporary file
        conn.execute("VACUUM INTO ?", (uri,))
        if held.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("database disk image is malformed")
        return held.serialize()
    finally:
        held.close()


def _dated_free(db: Path, folder: Path, suffix: str) -> Path:
    return next(
        p
        for p in (q.with_name(q.name + suffix) for q in _dated_names(db, folder))
        if not os.path.lexists(p)
    )


def _sealed_backup(store: Store, target: Path | None, key: sealed.Key) -> BackedUp:
    """The backup sealed with age, written by the file rule (files.staged: private, a
    temporary name, then moved into place, never over a file); its plaintext is made and
    sealed in memory. Audited as `db.backup-sealed`, after the file is written and before it
    is moved into place."""
    from shgroups import files

    if target is None:
        folder = backup_folder(store.path)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = _dated_free(store.path, folder, sealed.SUFFIX)
    else:
        path = sealed.sealed_name(target)
        if os.path.lexists(path):
            raise _exists(path)
    try:
        plaintext = _plaintext(store.conn)
    except sqlite3.Error as exc:
        raise sqlite_error(exc) from None
    data = sealed.seal(plaintext, key)
    del plaintext
    audited = not store.read_only
    with files.staged() as out:
        out.write(path, data)
        if audited:
            with store.write():
                store.audit("db.backup-sealed", "db", None)
    return {
        "backup": str(path),
        "size": len(data),
        "removed": [],
        "sealed": True,
        "audited": audited,
    }


def backup(
    store: Store,
    target: Path | None = None,
    keep: int | None = None,
    key: sealed.Key | None = None,
) -> BackedUp:
    """A consistent copy of the live database, private, never over a file or through a
    symlink; with `keep`, only this register's newest `keep` dated backups stay. With `key`,
    sealed with age (`.age` added to the name); `keep` counts only backups shg can open, so
    it is refused with a key."""
    if key is not None:
        if keep is not None:
            raise InvalidInput(
                _("a sealed backup cannot be counted among the backups to keep"),
                _(
                    "shg cannot tell whose a sealed backup is without its key, so it never "
                    "removes one: remove old sealed backups yourself"
                ),
                code="backup.keep_sealed",
                field="keep",
            )
        return _sealed_backup(store, target, key)
    if keep is not None and keep < 1:
        raise StorageError(
            _("the number of backups to keep must be at least 1"),
            _("e.g. 8 keeps two months of weekly backups"),
            code="backup.keep_too_few",
            field="keep",
            keep=keep,
        )
    if target is not None and os.path.lexists(target):
        raise _exists(target)
    path = _write_backup(store.conn, store.path, target)
    removed: list[str] = []
    if keep is not None:
        for old in backups(store)[keep:]:
            if old != path:
                old.unlink()
                removed.append(str(old))
    return {
        "backup": str(path),
        "size": path.stat().st_size,
        "removed": removed,
        "sealed": False,
        "audited": False,
    }


def verify_backup(path: Path) -> tuple[int, str | None]:
    """Refuse anything but a whole shg database this shg can read, made by shg's migrations
    alone; its schema version and register identity (None before migration 4). Read-only."""
    if not path.is_file():
        raise StorageError(
            _("there is no file {path}").format(path=path),
            _("choose one of the register's backups"),
            code="backup.missing",
            field="path",
            path=str(path),
        )
    problem, identity = None, None
    try:
        conn = _looked_at(path)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if app_id != APP_ID:
                problem = _("it is not an shg database")
            elif version > SCHEMA_VERSION:
                problem = _("it was made by a newer shg (schema {v})").format(v=version)
            elif conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                problem = _("it is damaged")
            elif drift := schema_drift(conn, version):
                problem = _(
                    "it holds what shg's migrations do not make ({what}): another program "
                    "changed it"
                ).format(what=", ".join(drift[:5]))
            elif conn.execute("PRAGMA foreign_key_check").fetchone():
                problem = _("some of its rows point at records that are missing")
            identity = backup_identity(path) if version >= 4 else None
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        problem = _("it is not a readable SQLite database")
    if problem:
        raise StorageError(
            _("{path} cannot be restored: {problem}; nothing was changed").format(
                path=path, problem=problem
            ),
            _("choose another backup"),
            code="backup.unusable",
            field="path",
            path=str(path),
        )
    return int(version), identity


@contextmanager
def _migrated_copy(source: Path, version: int) -> Iterator[str]:
    """The backup copied into memory and migrated to this shg's schema; yields the URI under
    which the live connection can ATTACH it. In memory, not in a file: a kill must not leave
    a copy of the backup (which may hold people erased since) lying about."""
    uri = f"file:shg-restore-{os.getpid()}-{secrets.token_hex(8)}?mode=memory&cache=shared"
    copy = sqlite3.connect(uri, uri=True, isolation_level=None)
    try:
        copy.execute("PRAGMA temp_store = MEMORY")  # nothing of the backup in a temporary file
        src = _looked_at(source)
        try:
            src.backup(copy)
        finally:
            src.close()
        if version < SCHEMA_VERSION:
            copy.execute("PRAGMA foreign_keys = ON")  # as storage.migrate runs them
            copy.execute("BEGIN")
            migrations.apply(copy, version)
            copy.execute("COMMIT")
        yield uri
    finally:
        copy.close()


def _same_register(store: Store, identity: str | None) -> bool:
    """Whether the attached backup is of this register: the same identity, or, for a backup
    made before registers had one, an audit that is the beginning of this register's audit
    (the audit only grows: restore carries it across)."""
    if identity is not None:
        return bool(identity == store.value("SELECT identity FROM main.register"))
    return bool(
        store.value(
            """SELECT EXISTS (SELECT 1 FROM restoring.audit) AND NOT EXISTS (
                   SELECT 1 FROM restoring.audit b LEFT JOIN main.audit a ON a.id = b.id
                    WHERE a.id IS NULL
                       OR (a.at, a.actor, a.action, a.entity, a.entity_id)
                          IS NOT (b.at, b.actor, b.action, b.entity, b.entity_id))"""
        )
    )


# Kept from the live register across a restore: the record of what was done (restore is one
# more thing done), and which register this file is.
_CARRIED = ("audit", "register")


def _parents_first(store: Store) -> list[str]:
    """The tables a restore replaces, each after the tables it refers to."""
    tables = [
        r["name"]
        for r in store.rows(
            "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
        )
        if r["name"] not in _CARRIED
    ]
    parents = {
        t: {r["table"] for r in store.rows(f'PRAGMA main.foreign_key_list("{t}")')} for t in tables
    }
    return list(TopologicalSorter(parents).static_order())


def _replace_rows(store: Store) -> None:
    """Every table's rows from the attached copy. Children are emptied first and parents
    filled first, so every foreign key holds at each statement (deferring the checks instead
    fails at COMMIT in SQLite 3.40 when the attached copy has tables of the same names)."""
    tables = _parents_first(store)
    for table in reversed(tables):
        store.execute(f'DELETE FROM main."{table}"')
    for table in tables:
        columns = ", ".join(
            f'"{r["name"]}"' for r in store.rows(f'PRAGMA main.table_info("{table}")')
        )
        store.execute(
            f'INSERT INTO main."{table}" ({columns}) SELECT {columns} FROM restoring."{table}"'
        )


ERASURES = ("person.erase", "person.consent-withdrawn", "person.purge", "person.erase-again")


def _erase_again(store: Store, on: date) -> list[int]:
    """Erasures this register's audit records, done again on the restored rows: a backup
    made before an erasure must not bring the person back. The registrations erased again."""
    marks = ", ".join("?" for _a in ERASURES)
    rows = store.rows(
        f"""SELECT id, person_id FROM registrations
             WHERE person_id IN (
                   SELECT person_id FROM registrations
                    WHERE person_id IS NOT NULL AND id IN (
                          SELECT entity_id FROM audit
                           WHERE entity = 'registration' AND action IN ({marks})))
             ORDER BY id""",
        ERASURES,
    )
    reg_ids = [r["id"] for r in rows]
    if reg_ids:
        _erase_all(
            store, {r["person_id"] for r in rows}, reg_ids, on.isoformat(), "person.erase-again"
        )
    return reg_ids


def _another_register(source: Path) -> Conflict:
    return Conflict(
        _(
            "{path} cannot be shown to be a backup of this register (its register identity "
            "differs, or it predates identities and its audit does not match): nothing was "
            "restored"
        ).format(path=source),
        _(
            "check which register is open; it can replace this register anyway (erasures "
            "recorded here are then not re-applied)"
        ),
        code="restore.other_register",
        field="path",
        path=str(source),
    )


class ToRestore(TypedDict):
    """What a restore would put in place of what, read before the coordinator is asked."""

    backup: str
    backup_at: str  # its last recorded change (UTC, ISO), else the file's time (local)
    backup_registrations: int
    backup_groups: int
    registrations: int  # in the register now
    groups: int


def _backup_summary(source: Path) -> dict[str, Any]:
    """What a restore's question shows of a verified backup: when it was last changed (its
    last audit entry, else the file's time) and how many registrations and groups it holds."""
    conn = _looked_at(source)
    try:
        last = conn.execute("SELECT max(at) FROM audit").fetchone()[0]
        regs = conn.execute("SELECT count(*) FROM registrations").fetchone()[0]
        groups = conn.execute("SELECT count(*) FROM groups").fetchone()[0]
    finally:
        conn.close()
    if last is None:
        last = datetime.fromtimestamp(source.stat().st_mtime).isoformat(timespec="seconds")
    return {
        "backup": str(source),
        "backup_at": str(last),
        "backup_registrations": regs,
        "backup_groups": groups,
    }


def restore_preview(store: Store, source: Path, force: bool = False) -> ToRestore:
    """The backup beside the register as it is now; refuses what `restore` would refuse
    before the question (a backup that is unusable, or another register's)."""
    version, identity = verify_backup(source)
    if identity is not None and not force:
        if identity != store.value("SELECT identity FROM register"):
            raise _another_register(source)
    return {
        **_backup_summary(source),  # type: ignore[typeddict-item]
        "registrations": store.value("SELECT count(*) FROM registrations"),
        "groups": store.value("SELECT count(*) FROM groups"),
    }


class Restored(TypedDict):
    """`db restore`: what replaced the register, and what was kept and erased again."""

    db: str
    restored_from: str
    previous_kept_as: str
    same_register: bool
    erased_again: list[int]  # registration ids
    checkpointed: bool
    damaged: bool  # the register was damaged: set aside, and a new one built from the backup
    set_aside: list[str]  # the damaged files, kept under new names (only when `damaged`)
    erasures_unknown: bool  # the damaged register's record of erasures could not all be read


def restore(store: Store, source: Path, today: date, force: bool = False) -> Restored:
    """Replace the register's rows with a verified backup's, in one transaction that also
    keeps the current register as a backup, carries its audit across, re-applies its
    erasures and records the restore: a kill at any point leaves all of it or none."""
    version, identity = verify_backup(source)
    if store.read_only:
        raise StorageError(
            _("the database file is read-only: nothing was restored"),
            _("make it writable first (chmod u+w)"),
            code="db.read_only",
        )
    if drift := schema_drift(store.conn, SCHEMA_VERSION):
        # Its triggers would fire on the rows the restore writes.
        raise StorageError(
            _(
                "the register holds what shg's migrations do not make ({what}): nothing was "
                "restored"
            ).format(what=", ".join(drift[:5])),
            _("restore it into a new register instead"),
            code="restore.schema_drift",
            path=str(source),
        )
    with _migrated_copy(source, version) as uri:
        store.execute("ATTACH ? AS restoring", (uri,))
        try:
            with store.write():
                same = _same_register(store, identity)
                if not same and not force:
                    raise _another_register(source)
                # A second connection reads the register as it is: we hold the write lock, so
                # nothing can change it between this copy and our commit.
                reader = _open_ro(store.path)
                try:
                    kept = _write_backup(reader, store.path, None)
                finally:
                    reader.close()
                _replace_rows(store)
                erased = _erase_again(store, today) if same else []
                store.audit("db.restore", "db", None)
        except sqlite3.Error as exc:
            raise sqlite_error(exc) from None
        finally:
            store.execute("DETACH restoring")
    return {
        "db": str(store.path),
        "restored_from": str(source),
        "previous_kept_as": str(kept),
        "same_register": same,
        "erased_again": erased,
        "checkpointed": not store.checkpoint_owed(),
        "damaged": False,
        "set_aside": [],
        "erasures_unknown": False,
    }


# A register SQLite cannot read as a whole (docs/design.md §5): restoring it cannot go through
# the register itself (its safety copy and its rows are read from the damaged b-trees), so a
# new register is built from the backup beside it and put in its place, and the damaged files
# are set aside under new names, never deleted.


def is_damage(exc: sqlite3.Error) -> bool:
    """Whether SQLite's error says the file is damaged (not busy, full or read-only)."""
    return sqlite_error(exc).code == "db.damaged"


def damage(path: Path) -> str | None:
    """What SQLite finds wrong with the shg register at `path` (opening it, or its quick
    check), or None: whole, not an shg file at all, or unreadable for another reason (the
    ordinary commands say why). Read-only."""
    try:
        if not path.is_file() or not is_shg_file(path):
            return None
        conn = _looked_at(path)
        try:
            rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check(5)")]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return str(exc) if is_damage(exc) else None
    except OSError:
        return None
    return None if rows == ["ok"] else "; ".join(rows)


def damaged_check(path: Path, found: str) -> Checked:
    """`db check` of a register too damaged to be opened."""
    version = 0
    try:
        with open(path, "rb") as file:
            version = int.from_bytes(file.read(100)[60:64], "big")  # user_version
    except OSError:
        pass
    return {
        "db": str(path),
        "ok": False,
        "integrity": "damaged",
        "schema_version": version,
        "findings": [_("the file is damaged: {error}").format(error=found)],
    }


AuditRow = tuple[int, str, str, str, str, int | None]


class _Salvaged(TypedDict):
    identity: str | None
    audit: dict[int, AuditRow]
    whole: bool  # every audit row was read


def _audit_row(row: tuple[Any, ...]) -> AuditRow | None:
    """A row as the audit table holds it, or None for what a damaged page made of one."""
    id_, at, actor, action, entity, entity_id = row
    texts = all(isinstance(v, str) for v in (at, actor, action, entity))
    if isinstance(id_, int) and texts and (entity_id is None or isinstance(entity_id, int)):
        return (id_, at, actor, action, entity, entity_id)
    return None


def _salvage(path: Path) -> _Salvaged:
    """What can be read of a damaged register's identity and audit, read-only. The audit is
    read from both ends, so that one damaged page in its middle loses only the rows there."""
    found: _Salvaged = {"identity": None, "audit": {}, "whole": False}
    try:
        conn = _looked_at(path)
    except sqlite3.Error:
        return found
    try:
        try:
            row = conn.execute("SELECT identity FROM register").fetchone()
            found["identity"] = row[0] if row and isinstance(row[0], str) else None
        except sqlite3.Error:
            pass
        for order in ("ASC", "DESC"):
            try:
                for row in conn.execute(
                    "SELECT id, at, actor, action, entity, entity_id FROM audit "
                    f"ORDER BY id {order}"
                ):
                    read = _audit_row(row)
                    if read is None:
                        raise sqlite3.DatabaseError("database disk image is malformed")
                    found["audit"][read[0]] = read
            except sqlite3.Error:
                continue
            found["whole"] = order == "ASC"
            break
    finally:
        conn.close()
    return found


def _backup_audit(source: Path) -> list[AuditRow]:
    conn = _looked_at(source)
    try:
        return [
            tuple(r)
            for r in conn.execute(
                "SELECT id, at, actor, action, entity, entity_id FROM audit ORDER BY id"
            )
        ]
    finally:
        conn.close()


def _same_as_damaged(
    salvaged: _Salvaged, identity: str | None, backup_audit: list[AuditRow]
) -> bool:
    """Whether the backup is known to be of the damaged register: the same identity when both
    can be read, else the backup's audit rows that could be read in the damaged register's
    are the same rows (the audit only grows)."""
    if salvaged["identity"] is not None and identity is not None:
        return salvaged["identity"] == identity
    read = salvaged["audit"]
    shared = [row for row in backup_audit if row[0] in read]
    if not shared or any(read[row[0]] != row for row in shared):
        return False
    return not salvaged["whole"] or len(shared) == len(backup_audit)


def _other_identity(salvaged: _Salvaged, identity: str | None) -> bool:
    return (
        salvaged["identity"] is not None
        and identity is not None
        and (salvaged["identity"] != identity)
    )


def set_aside_name(db: Path, today: date) -> Path:
    """Where the damaged register is set aside: shg.db.damaged-2026-11-24 (its -wal and
    -journal beside it under that name too), numbered when taken."""
    base = f"{db.name}.damaged-{today.isoformat()}"
    n = 1
    while True:
        aside = db.with_name(base if n == 1 else f"{base}-{n}")
        if not any(os.path.lexists(f) for f in db_files(aside)):
            return aside
        n += 1


class ToRestoreDamaged(TypedDict):
    """What restoring a damaged register would do, read before the coordinator is asked."""

    backup: str
    backup_at: str
    backup_registrations: int
    backup_groups: int
    damage: str
    set_aside_as: str


def damaged_preview(
    db: Path, source: Path, found: str, today: date, force: bool = False
) -> ToRestoreDamaged:
    """Refuses what `restore_damaged` would refuse, before the question: an unusable backup,
    another register's (when the damaged register's identity can still be read), a register
    shg may not write."""
    _version, identity = verify_backup(source)
    if not force and _other_identity(_salvage(db), identity):
        raise _another_register(source)
    if write_protected(db) or write_protected(db.absolute().parent):
        raise StorageError(
            _("the database file or its folder is read-only: nothing was restored"),
            _("make them writable first (chmod u+w)"),
            code="db.read_only",
        )
    return {
        **_backup_summary(source),  # type: ignore[typeddict-item]
        "damage": found,
        "set_aside_as": str(set_aside_name(db, today)),
    }


def _fill_from_backup(
    store: Store, source: Path, version: int, salvaged: _Salvaged, same: bool, today: date
) -> list[int]:
    """The new register's rows: the backup's, migrated as in a restore; the backup's audit and
    what could be read of the damaged one's; its identity kept; its erasures done again."""
    columns = "id, at, actor, action, entity, entity_id"
    with _migrated_copy(source, version) as uri:
        store.execute("ATTACH ? AS restoring", (uri,))
        try:
            with store.write():
                store.execute(f"PRAGMA application_id = {APP_ID}")
                migrations.apply(store.conn)
                _replace_rows(store)
                store.execute("DELETE FROM main.register")
                store.execute("INSERT INTO main.register SELECT * FROM restoring.register")
                if salvaged["identity"] is not None:
                    store.execute("UPDATE main.register SET identity = ?", (salvaged["identity"],))
                store.execute("DELETE FROM main.audit")
                store.execute(
                    f"INSERT INTO main.audit ({columns}) SELECT {columns} FROM restoring.audit"
                )
                if same:
                    store.conn.executemany(
                        f"INSERT OR IGNORE INTO main.audit ({columns}) VALUES (?, ?, ?, ?, ?, ?)",
                        sorted(salvaged["audit"].values()),
                    )
                erased = _erase_again(store, today) if same else []
                store.audit("db.restore", "db", None)
        finally:
            store.execute("DETACH restoring")
    return erased


def _put_in_place(building: Path, db: Path, aside: Path) -> list[Path]:
    """The damaged files set aside (the file under a second name first, so that it is never
    missing; its -wal and -journal moved, since SQLite would replay them onto the new file),
    then the new file moved over the damaged one's name in one step."""
    kept = []
    try:
        os.link(db, aside)
    except FileExistsError:
        raise StorageError(
            _("{path} already exists").format(path=aside),
            _("try again"),
            code="restore.aside_taken",
            path=str(aside),
        ) from None
    except OSError:  # no hard links (FAT): for a moment there is no register under its name
        os.rename(db, aside)
    kept.append(aside)
    for file, under in zip(db_files(db)[1:], db_files(aside)[1:], strict=True):
        if file.name.endswith("-shm"):
            file.unlink(missing_ok=True)  # only an index of the WAL, rebuilt from it
        elif os.path.lexists(file):
            os.rename(file, under)
            kept.append(under)
    for file in kept:
        os.chmod(file, 0o600)
    os.replace(building, db)
    try:
        _fsync(db.parent)
    except OSError:
        pass
    return kept


def restore_damaged(db: Path, source: Path, today: date, force: bool = False) -> Restored:
    """Put a new register built from a verified backup in place of a damaged one, which is
    set aside (never deleted); erasures recorded in what can be read of its audit are done
    again on the restored rows."""
    version, identity = verify_backup(source)
    salvaged = _salvage(db)
    if not force and _other_identity(salvaged, identity):
        raise _another_register(source)
    same = _same_as_damaged(salvaged, identity, _backup_audit(source))
    erased: list[int] = []

    def fill(store: Store) -> None:
        erased.extend(_fill_from_backup(store, source, version, salvaged, same, today))

    try:
        building = build_db(db, fill)
    except sqlite3.Error as exc:
        raise sqlite_error(exc) from None
    try:
        conn = _open_ro(building, immutable=True)
        try:
            owed = conn.execute("SELECT checkpoint_owed_since FROM register").fetchone()[0]
        finally:
            conn.close()
        kept = _put_in_place(building, db, set_aside_name(db, today))
    except BaseException:
        remove_db(building)
        raise
    return {
        "db": str(db),
        "restored_from": str(source),
        "previous_kept_as": str(kept[0]),
        "same_register": same,
        "erased_again": erased,
        "checkpointed": owed is None,
        "damaged": True,
        "set_aside": [str(p) for p in kept],
        "erasures_unknown": not salvaged["whole"],
    }


class Info(TypedDict):
    """`db info`: where the database is, how big, and its last backup."""

    db: str
    size: int  # bytes, with the -wal and -shm files
    schema_version: int
    counts: dict[str, int]  # rows per table
    backup_folder: str
    last_backup: str | None
    last_backup_at: str | None  # local time, ISO to the second


def info(store: Store) -> Info:
    tables = [
        r[0]
        for r in store.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]
    latest = backups(store)[:1]
    return {
        "db": str(store.path),
        "size": sum(f.stat().st_size for f in db_files(store.path) if f.exists()),
        "schema_version": store.value("PRAGMA user_version"),
        "counts": {t: store.value(f'SELECT count(*) FROM "{t}"') for t in tables},
        "backup_folder": str(backup_folder(store.path)),
        "last_backup": str(latest[0]) if latest else None,
        "last_backup_at": datetime.fromtimestamp(latest[0].stat().st_mtime).isoformat(
            timespec="seconds"
        )
        if latest
        else None,
    }
