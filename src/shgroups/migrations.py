"""Numbered schema migrations. A shipped migration is never edited: add a new one.

Each migration is a list of steps run inside the caller's write transaction: SQL statements
(`executescript` would commit early, so statements run one by one), or a Python function of
the connection where SQL alone cannot do the work (Unicode normalisation).
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Callable

from shgroups.names import name_key

M001_INITIAL = [
    """CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE themes (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        key TEXT NOT NULL UNIQUE,
        name_sv TEXT,
        name_nb TEXT,
        name_en TEXT,
        retired_on TEXT
    )""",
    """CREATE TABLE theme_aliases (
        key TEXT PRIMARY KEY,
        theme_id INTEGER NOT NULL REFERENCES themes(id)
    )""",
    """CREATE TABLE areas (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        key TEXT NOT NULL UNIQUE,
        digital INTEGER NOT NULL DEFAULT 0,
        is_default INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE staff (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        key TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('starter', 'coordinator'))
    )""",
    # Identity: who a person is and how to reach them. Erasure (a later migration's work)
    # removes rows here while the facts in `registrations` keep the statistics right.
    """CREATE TABLE persons (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL,
        phone TEXT,
        email TEXT,
        note TEXT
    )""",
    "CREATE INDEX persons_name_key ON persons(name_key)",
    # Facts: what statistics and the readiness rule need, no identity.
    """CREATE TABLE registrations (
        id INTEGER PRIMARY KEY,
        person_id INTEGER REFERENCES persons(id) ON DELETE SET NULL,
        theme_id INTEGER NOT NULL REFERENCES themes(id),
        area_id INTEGER NOT NULL REFERENCES areas(id),
        registered_on TEXT NOT NULL,
        status TEXT NOT NULL
            CHECK (status IN ('waiting', 'placed', 'withdrawn', 'referred')),
        status_on TEXT NOT NULL,
        gender TEXT,
        birth_year INTEGER,
        source TEXT
    )""",
    "CREATE INDEX registrations_status ON registrations(status, theme_id, area_id)",
    "CREATE INDEX registrations_person ON registrations(person_id)",
    """CREATE TABLE registration_themes (
        registration_id INTEGER NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
        theme_id INTEGER NOT NULL REFERENCES themes(id),
        PRIMARY KEY (registration_id, theme_id)
    )""",
    """CREATE TABLE registration_areas (
        registration_id INTEGER NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
        area_id INTEGER NOT NULL REFERENCES areas(id),
        PRIMARY KEY (registration_id, area_id)
    )""",
    """CREATE TABLE groups (
        id INTEGER PRIMARY KEY,
        theme_id INTEGER NOT NULL REFERENCES themes(id),
        area_id INTEGER NOT NULL REFERENCES areas(id),
        status TEXT NOT NULL CHECK (status IN ('starting', 'running', 'ended')),
        started_on TEXT NOT NULL,
        starter_id INTEGER REFERENCES staff(id),
        starter_sessions INTEGER NOT NULL,
        followup_weeks INTEGER NOT NULL,
        handover_on TEXT,
        ended_on TEXT,
        open INTEGER NOT NULL DEFAULT 1
    )""",
    "CREATE INDEX groups_status ON groups(status)",
    """CREATE TABLE group_members (
        group_id INTEGER NOT NULL REFERENCES groups(id),
        registration_id INTEGER NOT NULL REFERENCES registrations(id),
        joined_on TEXT NOT NULL,
        left_on TEXT,
        PRIMARY KEY (group_id, registration_id)
    )""",
    "CREATE INDEX group_members_registration ON group_members(registration_id)",
    """CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        group_id INTEGER NOT NULL REFERENCES groups(id),
        number INTEGER NOT NULL,
        held_on TEXT NOT NULL,
        attended INTEGER,
        UNIQUE (group_id, number)
    )""",
    """CREATE TABLE followups (
        id INTEGER PRIMARY KEY,
        group_id INTEGER NOT NULL REFERENCES groups(id),
        done_on TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'needs-support', 'ending')),
        method TEXT,
        note TEXT
    )""",
    "CREATE INDEX followups_group ON followups(group_id, done_on)",
    # Who did what: record ids only, never a name, contact detail, theme or note.
    """CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        entity TEXT NOT NULL,
        entity_id INTEGER
    )""",
]

# The legal basis of each registration (consent, or a public authority's task), the version
# of the information text the person was given, and when a waiting registration was last
# confirmed (retention counts from it).
M002_BASIS_AND_RETENTION = [
    "ALTER TABLE registrations ADD COLUMN basis TEXT",
    "ALTER TABLE registrations ADD COLUMN consent_on TEXT",
    "ALTER TABLE registrations ADD COLUMN informed_on TEXT",
    "ALTER TABLE registrations ADD COLUMN info_version TEXT",
    "ALTER TABLE registrations ADD COLUMN confirmed_on TEXT",
    "CREATE INDEX audit_entity ON audit(entity, entity_id)",
]

# The readiness rule reads every waiting registration: with the date in the index, it reads
# the index alone (a covering index), not 200,000 scattered table rows.
M003_COVERING_WAITING_INDEX = [
    "DROP INDEX registrations_status",
    "CREATE INDEX registrations_status ON registrations(status, theme_id, area_id, registered_on)",
]


def _nfc(value: object) -> object:
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


# (table, columns of text) that a person or coordinator typed.
_TYPED_TEXT = {
    "persons": ("name", "phone", "email", "note"),
    "registrations": ("source",),
    "followups": ("method", "note"),
    "settings": ("value",),
}
# Catalogue tables whose rows are matched by key, and the columns that point at them.
_REFERENCES = {
    "themes": [("registrations", "theme_id"), ("registration_themes", "theme_id"),
               ("groups", "theme_id"), ("theme_aliases", "theme_id")],
    "areas": [("registrations", "area_id"), ("registration_areas", "area_id"),
              ("groups", "area_id")],
    "staff": [("groups", "starter_id")],
}  # fmt: skip


def _one_unicode_form(conn: sqlite3.Connection) -> None:
    """Store every text in one Unicode form (NFC): "Jönköping" typed on a Mac (NFD) and on
    Windows (NFC) look the same and must be the same area, theme, staff member or person.
    Catalogue rows whose names become equal are merged into the oldest one."""
    for table, columns in _TYPED_TEXT.items():
        for rowid, *values in conn.execute(f"SELECT rowid, {', '.join(columns)} FROM {table}"):
            normal = [_nfc(v) for v in values]
            if normal != values:
                sets = ", ".join(f"{c} = ?" for c in columns)
                conn.execute(f"UPDATE {table} SET {sets} WHERE rowid = ?", (*normal, rowid))
    for rowid, name in conn.execute("SELECT rowid, name FROM persons").fetchall():
        conn.execute(
            "UPDATE persons SET name_key = ? WHERE rowid = ?", (name_key(str(name)), rowid)
        )
    for alias, theme_id in conn.execute("SELECT key, theme_id FROM theme_aliases").fetchall():
        conn.execute("DELETE FROM theme_aliases WHERE key = ?", (alias,))
        conn.execute(
            "INSERT OR IGNORE INTO theme_aliases (key, theme_id) VALUES (?, ?)",
            (name_key(str(alias)), theme_id),
        )
    for table, references in _REFERENCES.items():
        kept: dict[str, tuple[int, str]] = {}  # key in NFC -> the oldest row and its name
        for row_id, name in conn.execute(f"SELECT id, name FROM {table} ORDER BY id").fetchall():
            key = name_key(name)
            if key not in kept:
                kept[key] = (row_id, name)
                continue
            keep = kept[key][0]
            for ref_table, column in references:
                # OR IGNORE: a registration that named both spellings keeps one row.
                conn.execute(
                    f"UPDATE OR IGNORE {ref_table} SET {column} = ? WHERE {column} = ?",
                    (keep, row_id),
                )
                conn.execute(f"DELETE FROM {ref_table} WHERE {column} = ?", (row_id,))
            if table == "themes":  # the theme stays current if either spelling was
                conn.execute(
                    "UPDATE themes SET retired_on = NULL WHERE id = ? AND "
                    "(SELECT retired_on FROM themes WHERE id = ?) IS NULL",
                    (keep, row_id),
                )
            if table == "areas":
                conn.execute(
                    "UPDATE areas SET is_default = max(is_default, "
                    "(SELECT is_default FROM areas WHERE id = ?)) WHERE id = ?",
                    (row_id, keep),
                )
            conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))
        # No two rows left share a key in NFC, so renaming one at a time never collides.
        for key, (row_id, name) in kept.items():
            conn.execute(
                f"UPDATE {table} SET name = ?, key = ? WHERE id = ?", (_nfc(name), key, row_id)
            )
    # An alternative that became the same as the first choice is no alternative.
    for kind in ("theme", "area"):
        conn.execute(
            f"DELETE FROM registration_{kind}s WHERE {kind}_id = "
            f"(SELECT r.{kind}_id FROM registrations r WHERE r.id = registration_id)"
        )


Step = str | Callable[[sqlite3.Connection], None]

M004_REGISTER_AND_ONE_UNICODE_FORM: list[Step] = [
    # Which register this is, so that backups are recognised by their content, not by their
    # file name (two counties' shg.db may share a backup folder); and whether an erasure still
    # waits for its WAL checkpoint (another program held the file open).
    """CREATE TABLE register (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        identity TEXT NOT NULL,
        checkpoint_owed_since TEXT
    )""",
    "INSERT INTO register (id, identity) VALUES (1, lower(hex(randomblob(16))))",
    # A member put back in the queue may join the same group again later: one row per stay,
    # at most one current stay per person and group.
    """CREATE TABLE group_members_new (
        id INTEGER PRIMARY KEY,
        group_id INTEGER NOT NULL REFERENCES groups(id),
        registration_id INTEGER NOT NULL REFERENCES registrations(id),
        joined_on TEXT NOT NULL,
        left_on TEXT
    )""",
    """INSERT INTO group_members_new (group_id, registration_id, joined_on, left_on)
       SELECT group_id, registration_id, joined_on, left_on FROM group_members
        ORDER BY joined_on, rowid""",
    "DROP TABLE group_members",
    "ALTER TABLE group_members_new RENAME TO group_members",
    "CREATE UNIQUE INDEX group_members_current ON group_members(group_id, registration_id) "
    "WHERE left_on IS NULL",
    "CREATE INDEX group_members_registration ON group_members(registration_id, left_on)",
    "CREATE INDEX group_members_group ON group_members(group_id, left_on)",
    _one_unicode_form,
]


def _contact_keys(conn: sqlite3.Connection) -> None:
    """Fill the compared forms of every stored phone number and e-mail address, reading
    numbers in the county's country: the `country` setting is new, so a register that was
    made in Norwegian (`language` nb) is in Norway, and says so from now on."""
    from shgroups.phones import rekey

    language = conn.execute("SELECT value FROM settings WHERE key = 'language'").fetchone()
    country = "NO" if language and language[0] == "nb" else "SE"
    conn.execute("INSERT OR IGNORE INTO settings (key, value) VALUES ('country', ?)", (country,))
    rekey(conn, conn.execute("SELECT value FROM settings WHERE key = 'country'").fetchone()[0])


M005_CORRECTIONS_AND_CONTACTS: list[Step] = [
    # One person however their number was typed: "070-123 45 67" and "+46 70 123 45 67" are
    # compared as "+46701234567" (shgroups/phones.py); the number as typed stays for display.
    "ALTER TABLE persons ADD COLUMN phone_key TEXT",
    "ALTER TABLE persons ADD COLUMN email_key TEXT",
    "CREATE INDEX persons_phone_key ON persons(phone_key)",
    "CREATE INDEX persons_email_key ON persons(email_key)",
    _contact_keys,
    # Areas and staff are retired, like themes, rather than deleted: history refers to them.
    "ALTER TABLE areas ADD COLUMN retired_on TEXT",
    "ALTER TABLE staff ADD COLUMN retired_on TEXT",
    # A group's practical details: ISO weekday (1 = Monday), time "HH:MM", venue (a place,
    # never a person).
    "ALTER TABLE groups ADD COLUMN weekday INTEGER CHECK (weekday BETWEEN 1 AND 7)",
    "ALTER TABLE groups ADD COLUMN meets_at TEXT",
    "ALTER TABLE groups ADD COLUMN venue TEXT",
]

# The plan of starter sessions: a group meets every week or every other week; a session held
# remembers which planned meeting it was (its calendar event); a planned meeting can be
# cancelled or moved; and what each calendar event looked like when last exported, so that an
# event whose time changes is sent again with a higher SEQUENCE (RFC 5545) and an unchanged
# register exports the same bytes.
M006_SCHEDULE = [
    "ALTER TABLE groups ADD COLUMN every_weeks INTEGER NOT NULL DEFAULT 1 "
    "CHECK (every_weeks BETWEEN 1 AND 2)",
    "ALTER TABLE sessions ADD COLUMN planned_on TEXT",
    """CREATE TABLE meeting_changes (
        group_id INTEGER NOT NULL REFERENCES groups(id),
        planned_on TEXT NOT NULL,
        moved_to TEXT,
        PRIMARY KEY (group_id, planned_on)
    )""",
    """CREATE TABLE calendar_events (
        uid TEXT PRIMARY KEY,
        group_id INTEGER NOT NULL REFERENCES groups(id),
        starts TEXT NOT NULL,
        status TEXT NOT NULL,
        content TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        stamp TEXT NOT NULL
    )""",
]

# Monday's agenda reads, each week, the groups handed over or ended since Monday and the
# waiting registrations about to expire: from indexes, not by reading every group and every
# waiting registration of a national register.
M007_AGENDA_INDEXES = [
    "CREATE INDEX groups_handover ON groups(handover_on)",
    "CREATE INDEX groups_ended ON groups(ended_on)",
    "CREATE INDEX registrations_confirmed "
    "ON registrations(status, coalesce(confirmed_on, registered_on))",
]

MIGRATIONS: list[list[Step]] = [
    [*M001_INITIAL],
    [*M002_BASIS_AND_RETENTION],
    [*M003_COVERING_WAITING_INDEX],
    M004_REGISTER_AND_ONE_UNICODE_FORM,
    M005_CORRECTIONS_AND_CONTACTS,
    [*M006_SCHEDULE],
    [*M007_AGENDA_INDEXES],
]
SCHEMA_VERSION = len(MIGRATIONS)


def apply(conn: sqlite3.Connection, first: int = 0) -> None:
    """Run the migrations from number `first + 1` on, inside the caller's transaction."""
    for steps in MIGRATIONS[first:]:
        for step in steps:
            if callable(step):
                step(conn)
            else:
                conn.execute(step)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")


def expected_schema(version: int = SCHEMA_VERSION) -> set[tuple[str, str, str]]:
    """What shg's migrations up to `version` create: (type, name, sql) of every table, index,
    trigger and view. Anything else in a file (a trigger someone added) is not shg's."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for steps in MIGRATIONS[:version]:
            for step in steps:
                step(conn) if callable(step) else conn.execute(step)
        return schema_of(conn)
    finally:
        conn.close()


def schema_of(conn: sqlite3.Connection, database: str = "main") -> set[tuple[str, str, str]]:
    """Everything in a file's schema but what SQLite makes by itself (the indexes behind
    UNIQUE and PRIMARY KEY, its statistics): an object slipped in under an `sqlite_` name is
    seen too."""
    return set(
        conn.execute(
            f"""SELECT type, name, coalesce(sql, '') FROM {database}.sqlite_master
                 WHERE NOT (type = 'index' AND name LIKE 'sqlite\\_autoindex\\_%' ESCAPE '\\'
                            AND sql IS NULL)
                   AND NOT (type = 'table' AND (name = 'sqlite_sequence'
                            OR name LIKE 'sqlite\\_stat%' ESCAPE '\\'))"""
        ).fetchall()
    )
