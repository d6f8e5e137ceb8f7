"""The one SQLite file: opening, creating, migrating, and write transactions (docs/design.md §5).

Plain `sqlite3` on purpose: this module runs at every command, and importing sqlite-utils
costs ~110 ms here, more than a whole `followups due`. sqlite-utils serves the bulk demo
builder and the tests, where that cost does not matter.
"""

from __future__ import annotations

import getpass
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shgroups import env, migrations
from shgroups.errors import InvalidInput, StorageError
from shgroups.i18n import _
from shgroups.migrations import SCHEMA_VERSION
from shgroups.text import typed

Params = Sequence[Any] | Mapping[str, Any]  # positional ? or named :name parameters
APP_ID = 0x53484731  # "SHG1": marks a file as an shg database
CHECKPOINT_WAIT_MS = 1000


def default_path() -> Path:
    import platformdirs  # only when neither --db nor $SHG_DB is given

    return platformdirs.user_data_path("shg", appauthor=False) / "shg.db"


def resolve_path(db: str | os.PathLike[str] | None) -> Path:
    if db:
        return Path(db)
    return env.db() or default_path()


def current_actor() -> str:
    """Who is recorded as doing each change: $SHG_USER, else the login name."""
    actor = env.user()
    if not actor:
        try:
            actor = getpass.getuser()
        except (KeyError, OSError):
            return "unknown"
    return typed(actor, "SHG_USER")


def sqlite_error(exc: sqlite3.Error) -> StorageError:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return StorageError(
            _("the database is busy: another shg command is writing to it"),
            _("try again in a moment"),
            code="db.busy",
        )
    if "full" in text:
        return StorageError(
            _("the disk is full: nothing was written"), _("free some space"), code="db.disk_full"
        )
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return StorageError(
            _("the database file is damaged: {error}").format(error=exc),
            _("check the file, and restore the last good backup"),
            code="db.damaged",
        )
    if "readonly" in text or "read-only" in text:
        return StorageError(
            _("the database is read-only: nothing was written"),
            _("check the file's permissions, or work on a copy you may write"),
            code="db.read_only",
        )
    return StorageError(
        _("the database could not be used: {error}").format(error=exc),
        _("check that the path names your shg database, or restore a backup"),
        code="db.unusable",
    )


# SQL functions that services declare for every connection (services/holidays.py declares
# `working_day`): name -> (number of arguments, the function for one store). Storage knows
# none of them; a service module registers its own when it is imported.
SQL_FUNCTIONS: dict[str, tuple[int, Callable[[Store], Callable[..., Any]]]] = {}


class Store:
    """An open shg database: queries as dicts, writes in one BEGIN IMMEDIATE transaction."""

    def __init__(self, conn: sqlite3.Connection, path: Path, read_only: bool = False) -> None:
        self.conn = conn
        self.path = path
        self.read_only = read_only
        self.actor = current_actor()
        # What a service reckoned from the settings for this store (a county's calendar);
        # forgotten when the settings change.
        self.reckoned: dict[str, Any] = {}
        for name, (arity, made) in SQL_FUNCTIONS.items():
            conn.create_function(name, arity, made(self), deterministic=True)

    def settings_changed(self) -> None:
        """The county's settings were written: what was reckoned from them is reckoned anew."""
        self.reckoned.clear()

    def _run(self, sql: str, params: Params) -> sqlite3.Cursor:
        try:
            return self.conn.execute(sql, params)
        except OverflowError:  # an id or count beyond SQLite's 64-bit integers
            raise InvalidInput(
                _("a number is too large"),
                _("ids and counts are whole numbers such as 42"),
                code="number.too_large",
            ) from None

    def rows(self, sql: str, params: Params = ()) -> list[dict[str, Any]]:
        cur = self._run(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur]

    def row(self, sql: str, params: Params = ()) -> dict[str, Any] | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def value(self, sql: str, params: Params = ()) -> Any:
        found = self._run(sql, params).fetchone()
        return found[0] if found else None

    def execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        return self._run(sql, params)

    def insert(self, table: str, values: dict[str, Any]) -> int:
        columns = ", ".join(values)
        marks = ", ".join("?" for _v in values)
        cur = self._run(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(values.values()))
        assert cur.lastrowid is not None
        return cur.lastrowid

    def audit(self, action: str, entity: str, entity_id: int | None) -> None:
        self.audit_each(action, entity, "SELECT ?", (entity_id,))

    def audit_each(self, action: str, entity: str, ids_sql: str, params: Params = ()) -> None:
        """One audit row for each id that `ids_sql` selects (one column), in one statement:
        who, when, what, on which record; never what the record says."""
        self._run(
            f"""INSERT INTO audit (at, actor, action, entity, entity_id)
                SELECT ?, ?, ?, ?, * FROM ({ids_sql})""",
            (datetime.now(UTC).isoformat(timespec="seconds"), self.actor, action, entity, *params),
        )

    @contextmanager
    def write(self) -> Iterator[Store]:
        """One write transaction; any exception rolls everything back.

        Nested inside another write (the demo builder calls the services inside its one
        transaction) it becomes a savepoint, so the outer transaction stays all-or-nothing.
        """
        if self.conn.in_transaction:
            self.conn.execute("SAVEPOINT nested")
            try:
                yield self
                self.conn.execute("RELEASE nested")
            except BaseException:
                self.conn.execute("ROLLBACK TO nested")
                self.conn.execute("RELEASE nested")
                raise
            return
        if self.read_only:
            raise StorageError(
                _("the database file or its folder is read-only: nothing was written"),
                _(
                    "reading works; to change the register, make the file and its folder "
                    "writable (chmod u+w) or work on a copy"
                ),
                code="db.read_only",
            )
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise sqlite_error(exc) from None
        try:
            yield self
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise sqlite_error(exc) from None
            raise
        self._settle_checkpoint()

    def owe_checkpoint(self) -> None:
        """Inside a write that removes personal data. Until a checkpoint has moved the WAL
        into the file and emptied it, old copies of the erased bytes stay in the main file's
        old pages and in the WAL. Recorded in the same transaction, so the debt survives a
        crash or another program holding the file open; every later write settles it."""
        at = datetime.now(UTC).isoformat(timespec="seconds")
        self.execute(
            "UPDATE register SET checkpoint_owed_since = coalesce(checkpoint_owed_since, ?)",
            (at,),
        )

    def checkpoint_owed(self) -> str | None:
        """When the still owed checkpoint was first owed (ISO time), or None."""
        owed: str | None = self.value("SELECT checkpoint_owed_since FROM register")
        return owed

    def _settle_checkpoint(self) -> None:
        """After a write: pay an owed checkpoint, waiting only briefly for other readers."""
        try:
            if self.checkpoint_owed() is None or not self.checkpoint():
                return
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("UPDATE register SET checkpoint_owed_since = NULL")
            self.conn.execute("COMMIT")
            self.checkpoint()  # moves that one page too; nothing personal is left to move
        except sqlite3.Error:  # busy or read-only: it stays owed, and the next write retries
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")

    def checkpoint(self) -> bool:
        """Move the WAL into the database file and empty it, so that erased bytes are gone
        from both. False when another connection kept it from finishing (within a second:
        a reader holding the file open must not stall the coordinator's command)."""
        self.conn.execute(f"PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}")
        try:
            busy, _log, _done = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {int(env.busy_timeout() * 1000)}")
        return bool(busy == 0)

    def close(self) -> None:
        self.conn.close()


def _connect(path: Path, mode: str) -> sqlite3.Connection:
    os.umask(0o077)  # every file SQLite creates for us (-wal, -shm) is private
    timeout = env.busy_timeout()
    conn = sqlite3.connect(
        f"{path.absolute().as_uri()}?mode={mode}",
        uri=True,
        timeout=timeout,
        isolation_level=None,  # we issue BEGIN IMMEDIATE / COMMIT ourselves
    )
    conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    return conn


def _set_pragmas(conn: sqlite3.Connection) -> None:
    for pragma in (
        "foreign_keys = ON",
        "secure_delete = ON",
        "trusted_schema = OFF",
        "synchronous = FULL",
    ):
        conn.execute(f"PRAGMA {pragma}")


def _not_shg(path: Path) -> StorageError:
    return StorageError(
        _("{path} holds no shg database").format(path=path),
        _("create a register there, or give the path of your shg database"),
        code="db.not_shg",
        path=str(path),
    )


def _check_and_migrate(store: Store) -> None:
    conn = store.conn
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError:
        raise _not_shg(store.path) from None
    if app_id != APP_ID:
        raise _not_shg(store.path)
    try:
        _set_pragmas(conn)  # reads the schema: the first to meet a damaged schema page
    except sqlite3.DatabaseError as exc:
        raise sqlite_error(exc) from None
    if version > SCHEMA_VERSION:
        raise StorageError(
            _("{path} was made by a newer shg (schema {found}, this shg knows {known})").format(
                path=store.path, found=version, known=SCHEMA_VERSION
            ),
            _("upgrade shg"),
            code="db.too_new",
            path=str(store.path),
            found=version,
            known=SCHEMA_VERSION,
        )
    if version < SCHEMA_VERSION:
        migrate(store)


def migrate(store: Store) -> None:
    """Apply pending migrations under the write lock, each exactly once."""
    with store.write():
        # Read again under the lock: another process may have migrated meanwhile.
        migrations.apply(store.conn, store.value("PRAGMA user_version"))


def write_protected(path: Path) -> bool:
    """The file or folder is write-protected. Checked on the mode bits as well as with
    os.access(), so that a protected file stays protected for root too."""
    bits = path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    return not bits or not os.access(path, os.W_OK)


_SQLITE_MAGIC = b"SQLite format 3\x00"


def is_shg_file(path: Path) -> bool:
    """The file's header says SQLite with shg's application id (big-endian, at offset 68).
    Read before SQLite opens the file: opening another program's WAL-mode database would
    already checkpoint its -wal into it and delete its -wal and -shm."""
    with open(path, "rb") as file:
        header = file.read(100)
    return header[:16] == _SQLITE_MAGIC and int.from_bytes(header[68:72], "big") == APP_ID


def open_db(db: str | os.PathLike[str] | None = None) -> Store:
    """Open an existing shg database (read-write unless the file or its folder is
    write-protected); never creates a file."""
    path = resolve_path(db)
    try:
        if not path.is_file() or not is_shg_file(path):
            raise _not_shg(path)
        read_only = write_protected(path)
        folder_read_only = write_protected(path.absolute().parent)
    except OSError as exc:
        raise _unusable_path(path, exc) from None
    mode = "rw"
    if folder_read_only and not Path(f"{path}-wal").exists():
        # SQLite cannot create the -shm index there, even to read; with no WAL to read,
        # the file alone is the whole database, and nobody can write it from here.
        mode = "ro&immutable=1"
    elif read_only or folder_read_only:
        mode = "ro"
    try:
        conn = _connect(path, mode)
    except sqlite3.Error:
        raise _not_shg(path) from None
    store = Store(conn, path, read_only or folder_read_only)
    try:
        _check_and_migrate(store)
    except BaseException:
        conn.close()
        raise
    return store


def _unusable_path(path: Path, exc: OSError) -> StorageError:
    shown = str(path) if len(str(path)) <= 80 else f"{str(path)[:77]}…"
    return StorageError(
        _("{path} cannot be used: {reason}").format(path=shown, reason=exc.strerror or exc),
        _("give the path of your shg database file, e.g. ~/shg/shg.db"),
        code="db.unusable_path",
        path=shown,
    )


def db_files(path: Path) -> list[Path]:
    """The set of files that make up one database."""
    return [path, *(Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal"))]


def remove_db(path: Path) -> None:
    for file in db_files(path):
        file.unlink(missing_ok=True)


_BUILDING = ".shg-building"


def remove_stale_builds(path: Path) -> None:
    """Files left by a killed process (its pid is gone) under the names that
    `building_path(path)` gives, with their -wal, -shm or -journal."""
    for leftover in path.parent.glob(f"{path.name}.*{_BUILDING}*"):
        pid, _mark, _rest = leftover.name[len(path.name) + 1 :].partition(_BUILDING)
        if pid.isdigit() and not process_alive(int(pid)):
            remove_db(leftover.with_name(f"{path.name}.{pid}{_BUILDING}"))


def building_path(path: Path) -> Path:
    """Where this process builds a file that becomes `path` when complete."""
    return path.with_name(f"{path.name}.{os.getpid()}{_BUILDING}")


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's live process
    return True


def build_db(path: Path, fill: Callable[[Store], None]) -> Path:
    """A new database built in a file of its own beside `path` (`building_path`), not yet
    in place: `fill` gets it empty, in WAL mode with shg's pragmas, and runs its own writes.
    The file returned is closed (its WAL checkpointed into it and removed) and private; on
    any failure nothing of it is left."""
    remove_stale_builds(path)
    building = building_path(path)
    remove_db(building)
    try:
        conn = _connect(building, "rwc")
    except sqlite3.Error:
        raise StorageError(
            _("{path} cannot be created here").format(path=path),
            _("check that you may write in {folder}, or choose another path").format(
                folder=path.parent.absolute()
            ),
            code="db.cannot_create",
            path=str(path),
        ) from None
    store = Store(conn, building)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        _set_pragmas(conn)
        fill(store)
        conn.close()  # the last connection: the WAL is checkpointed into the file and removed
    except BaseException:
        conn.close()
        remove_db(building)
        raise
    os.chmod(building, 0o600)
    return building


def create_db(
    db: str | os.PathLike[str] | None, seed: Callable[[Store], None], *, replace: bool = False
) -> list[Path]:
    """Create a new shg database filled by `seed`, all or nothing; return the left-over
    journal files that were set aside (see `_clear_companions`).

    It is built in a file of its own beside the target and moved into place once complete,
    so that a crash or kill -9 leaves either no database or a whole one.
    """
    path = resolve_path(db)
    if path.exists() and not replace:
        raise _exists(path)
    if not path.parent.is_dir():
        if db is None and env.db() is None:
            path.parent.mkdir(parents=True, mode=0o700)
        else:
            raise StorageError(
                _("there is no folder {folder}").format(folder=path.parent),
                _("create the folder first, or choose another path"),
                code="db.no_folder",
                folder=str(path.parent),
            )

    def fill(store: Store) -> None:
        with store.write():
            store.execute(f"PRAGMA application_id = {APP_ID}")
            migrations.apply(store.conn)
            seed(store)

    building = build_db(path, fill)
    # A -wal, -shm or -journal beside the target belongs to an earlier database (a crash left
    # it, then the file was moved away). SQLite would replay it onto the new file: the "new"
    # register would hold the old people. A demo replaces its own; anything else is set aside,
    # never deleted: it may hold the last changes of the database that was moved.
    set_aside = _clear_companions(path, keep=not replace)
    if replace:
        os.replace(building, path)
        return set_aside
    try:
        os.link(building, path)  # atomic, and never over a file that appeared meanwhile
    except FileExistsError:
        remove_db(building)
        raise _exists(path) from None
    except OSError:  # a file system without hard links
        os.replace(building, path)
        return set_aside
    building.unlink()
    return set_aside


def _clear_companions(path: Path, keep: bool) -> list[Path]:
    """Remove, or with `keep` rename aside, the journal files lying beside `path`; the
    names they were kept under."""
    kept = []
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for companion in db_files(path)[1:]:
        if not os.path.lexists(companion):
            continue
        if keep and not companion.name.endswith("-shm"):  # -shm is only an index of the WAL
            aside = companion.with_name(f"{companion.name}.left-over-{stamp}")
            os.replace(companion, aside)
            kept.append(aside)
        else:
            companion.unlink()
    return kept


def _exists(path: Path) -> StorageError:
    return StorageError(
        _("{path} already exists").format(path=path),
        _("choose another path, or use the existing database"),
        code="db.exists",
        path=str(path),
    )
