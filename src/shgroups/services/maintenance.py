"""Keeping the file healthy: check, backup (with rotation), restore, info (DESIGN.md §5)."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import datetime
from pathlib import Path
from typing import Any

from shgroups.errors import StorageError
from shgroups.i18n import _
from shgroups.migrations import SCHEMA_VERSION
from shgroups.storage import APP_ID, Store, db_files, migrate, sqlite_error

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


def check(store: Store, mounts: str | None = None) -> dict[str, Any]:
    """Integrity, foreign keys, file modes, schema version and where the file lives."""
    findings: list[str] = []
    integrity = "ok"
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
        "schema_version": store.value("PRAGMA user_version"),
        "findings": findings,
    }


def backup_folder(db: Path) -> Path:
    return Path(os.environ["SHG_BACKUP_DIR"]) if os.environ.get("SHG_BACKUP_DIR") else db.parent


def backups(db: Path) -> list[Path]:
    """This database's backups in the backup folder, newest first."""
    folder = backup_folder(db)
    if not folder.is_dir():
        return []
    found = folder.glob(f"{db.stem}-backup-*.db")
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)


def _new_backup_path(db: Path) -> Path:
    folder = backup_folder(db)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"{db.stem}-backup-{stamp}.db"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{db.stem}-backup-{stamp}-{n}.db"
    return path


def backup(store: Store, target: Path | None = None, keep: int | None = None) -> dict[str, Any]:
    """A consistent copy of the live database through VACUUM INTO, private, never over a file."""
    if keep is not None and keep < 1:
        raise StorageError(
            _("--keep must be at least 1"), _("e.g. --keep 8 keeps two months of weekly backups")
        )
    path = target or _new_backup_path(store.path)
    if path.exists():
        raise StorageError(
            _("{path} already exists").format(path=path),
            _("choose a new name, or leave PATH out for a dated one"),
        )
    try:
        store.execute("VACUUM INTO ?", (str(path),))
    except sqlite3.OperationalError as exc:
        raise StorageError(
            _("the backup could not be written: {error}").format(error=exc),
            _("check that the folder exists and has room"),
        ) from None
    os.chmod(path, 0o600)
    removed = []
    if keep is not None:
        for old in backups(store.path)[keep:]:
            if old != path:
                old.unlink()
                removed.append(str(old))
    return {"backup": str(path), "size": path.stat().st_size, "removed": removed}


def verify_backup(path: Path) -> int:
    """Refuse anything but a whole shg database this shg can read; its schema version."""
    if not path.is_file():
        raise StorageError(
            _("there is no file {path}").format(path=path), _("`shg db info` shows the last backup")
        )
    problem = None
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if app_id != APP_ID:
                problem = _("it is not an shg database")
            elif version > SCHEMA_VERSION:
                problem = _("it was made by a newer shg (schema {v})").format(v=version)
            elif conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                problem = _("it is damaged")
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        problem = _("it is not a readable SQLite database")
    if problem:
        raise StorageError(
            _("{path} cannot be restored: {problem}; nothing was changed").format(
                path=path, problem=problem
            ),
            _("choose another backup; `shg db info` lists them"),
        )
    return int(version)


def restore(store: Store, source: Path) -> dict[str, Any]:
    """Replace the register with a verified backup, keeping the current one as a backup."""
    verify_backup(source)
    if store.read_only:
        raise StorageError(
            _("the database file is read-only: nothing was restored"),
            _("make it writable first (chmod u+w)"),
        )
    kept = backup(store)["backup"]
    src = sqlite3.connect(f"{source.absolute().as_uri()}?mode=ro", uri=True)
    try:
        src.backup(store.conn)  # page by page into the live file, as one write
    except sqlite3.Error as exc:
        raise sqlite_error(exc) from None
    finally:
        src.close()
    if store.value("PRAGMA user_version") < SCHEMA_VERSION:
        migrate(store)
    with store.write():
        store.audit("db.restore", "db", None)
    return {"db": str(store.path), "restored_from": str(source), "previous_kept_as": kept}


def info(store: Store) -> dict[str, Any]:
    tables = [
        r[0]
        for r in store.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]
    latest = backups(store.path)[:1]
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
