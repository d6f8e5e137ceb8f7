"""Numbered schema migrations. A shipped migration is never edited: add a new one.

Each migration is a list of statements run inside the caller's write transaction
(`executescript` would commit early, so statements run one by one).
"""

from __future__ import annotations

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

MIGRATIONS: list[list[str]] = [M001_INITIAL, M002_BASIS_AND_RETENTION, M003_COVERING_WAITING_INDEX]
SCHEMA_VERSION = len(MIGRATIONS)
