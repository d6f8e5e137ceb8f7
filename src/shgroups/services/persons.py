"""Personal data (docs/design.md §6): access, erasure, consent withdrawal, retention, audit.

A person is reached through any of their registration ids, the number `intake add` printed.
Erasing removes the `persons` row (name, contact details, note) and unlinks the registrations,
whose facts (theme, area, dates, gender, birth year, source, status) keep statistics right.

What the commands print is declared as TypedDicts (as in services/intake.py and groups.py):
the JSON documents scripts rely on (docs/design.md §4), and here also the files a person is
given; at run time dicts, whose keys are declared once, for mypy and for the command line.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, TypedDict

from shgroups import files
from shgroups.errors import Conflict
from shgroups.freetext import plain_digits
from shgroups.i18n import _
from shgroups.services import letter
from shgroups.services.expiry import waiting_cutoff
from shgroups.services.intake import RegistrationFacts, get_registration, show_registration
from shgroups.services.settings import get_settings
from shgroups.storage import Store
from shgroups.text import json_visible


def _marks(ids: list[int]) -> str:
    return ", ".join("?" for _i in ids)


def _person_of(store: Store, reg_id: int) -> tuple[int, list[int]]:
    reg = get_registration(store, reg_id)
    if reg["person_id"] is None:
        raise Conflict(
            _("registration {id} holds no identity: it was erased").format(id=reg_id),
            _("nothing about who they were is kept; the audit shows what was done"),
            code="registration.erased",
            id=reg_id,
        )
    ids = [
        r["id"]
        for r in store.rows(
            "SELECT id FROM registrations WHERE person_id = ? ORDER BY id", (reg["person_id"],)
        )
    ]
    return reg["person_id"], ids


class AuditEntry(TypedDict):
    """A row of `shg audit`: who did what, when, to which record (never what it said)."""

    id: int
    at: str  # UTC, ISO to the second
    actor: str
    action: str
    entity: str
    entity_id: int | None  # None for what concerns no one record (a purge run, a restore)


def audit_rows(store: Store, reg_ids: list[int]) -> list[AuditEntry]:
    return store.rows(  # type: ignore[return-value]  # the query's columns
        f"""SELECT id, at, actor, action, entity, entity_id FROM audit
             WHERE entity = 'registration' AND entity_id IN ({_marks(reg_ids)})
             ORDER BY id""",
        reg_ids,
    )


class Identity(TypedDict):
    """Who a person is: the `persons` row as an export lists it (letter.IDENTITY)."""

    name: str
    phone: str | None
    email: str | None
    note: str | None


class PersonGroup(TypedDict):
    """One stay of one of the person's registrations in a group, in an export."""

    group: int
    registration: int
    theme: str
    area: str
    group_status: str
    joined_on: str
    left_on: str | None


class PersonRecord(TypedDict):
    """Everything held about one person (an export's and a purge archive's record)."""

    person: Identity
    registrations: list[RegistrationFacts]
    groups: list[PersonGroup]
    audit: list[AuditEntry]


def person_record(store: Store, person_id: int, reg_ids: list[int]) -> PersonRecord:
    """Everything held about one person, and nothing about anyone else."""
    identity: Identity = store.row(  # type: ignore[assignment]  # the query's columns
        f"SELECT {', '.join(letter.IDENTITY)} FROM persons WHERE id = ?", (person_id,)
    )
    registrations: list[RegistrationFacts] = []
    for reg_id in reg_ids:
        shown = show_registration(store, reg_id)
        facts = {k: v for k, v in shown.items() if k not in (*letter.IDENTITY, "groups")}
        registrations.append(facts)  # type: ignore[arg-type]  # intake show's other keys
    memberships: list[PersonGroup] = store.rows(  # type: ignore[assignment]  # the query's columns
        f"""SELECT m.group_id AS "group", m.registration_id AS registration,
                   t.name AS theme, a.name AS area, g.status AS group_status,
                   m.joined_on, m.left_on
              FROM group_members m JOIN groups g ON g.id = m.group_id
              JOIN themes t ON t.id = g.theme_id JOIN areas a ON a.id = g.area_id
             WHERE m.registration_id IN ({_marks(reg_ids)})
             ORDER BY m.joined_on, m.group_id""",
        reg_ids,
    )
    return {
        "person": identity,
        "registrations": registrations,
        "groups": memberships,
        "audit": audit_rows(store, reg_ids),
    }


class ExportDoc(PersonRecord):
    """`person export`: the record, when it was exported, by which county, for which id."""

    exported_on: str
    county: str
    registration: int


class Export(NamedTuple):
    doc: ExportDoc
    letter: str  # the letter to the person, in the county's language
    files: list[Path]  # written, when --out was given
    audited: bool  # False on a write-protected database file


@contextmanager
def _recording(store: Store) -> Iterator[bool]:
    """A write transaction to record an access in; on a write-protected file only reads
    (yields False). The person's right of access does not wait for file permissions, and
    `intake show` reads the same data unrecorded anyway; the coordinator is told."""
    if store.read_only:
        yield False
        return
    with store.write():
        yield True


def export_person(store: Store, reg_id: int, today: date, out: Path | None = None) -> Export:
    """The right of access: the whole record, and the access itself is logged. With `out`,
    written as JSON there and as a letter beside it (.txt): both files or neither, and the
    access is recorded only when they are written."""
    with files.staged() as staged, _recording(store) as audited:
        person_id, reg_ids = _person_of(store, reg_id)
        if audited:
            store.audit("person.export", "registration", reg_id)
        settings = get_settings(store)
        doc: ExportDoc = {
            "exported_on": today.isoformat(),
            "county": settings["county"],
            "registration": reg_id,
            **person_record(store, person_id, reg_ids),
        }
        text = letter.export_text(doc, settings)
        if out is not None:
            text_path = out.with_suffix(".txt.txt" if out.suffix == ".txt" else ".txt")
            staged.write(out, letter.export_json(doc))
            staged.write(text_path, text)
    return Export(doc, text, staged.paths, audited)


# --- erasure ---------------------------------------------------------------------------------
#
# Set-based: the people and registrations to erase go into two temporary tables of ids, and
# each step is one statement over them using the indexes on group_members(registration_id,
# left_on) and registrations(person_id). The first purge of a national register erases
# ~170,000 identities; one statement per person made that ten minutes under the write lock.


def _fill(store: Store, table: str, ids: Iterable[int]) -> None:
    store.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} (id INTEGER PRIMARY KEY)")
    store.execute(f"DELETE FROM temp.{table}")
    store.conn.executemany(
        f"INSERT OR IGNORE INTO temp.{table} (id) VALUES (?)", ((i,) for i in ids)
    )


def _erase_all(
    store: Store, person_ids: Iterable[int], reg_ids: Iterable[int], on: str, action: str
) -> int:
    """Remove the identities; take their registrations out of the queue and of the groups they
    are in; scrub the follow-up notes that mention them (how many: the result); keep the facts.
    Inside a write."""
    _fill(store, "erasing_persons", person_ids)
    _fill(store, "erasing_regs", reg_ids)
    store.execute(
        """UPDATE registrations SET status = 'withdrawn', status_on = ?
            WHERE id IN (SELECT id FROM temp.erasing_regs)
              AND (status = 'waiting' OR EXISTS (
                   SELECT 1 FROM group_members m
                    WHERE m.registration_id = registrations.id AND m.left_on IS NULL))""",
        (on,),
    )
    store.execute(
        """UPDATE group_members SET left_on = ?
            WHERE registration_id IN (SELECT id FROM temp.erasing_regs) AND left_on IS NULL""",
        (on,),
    )
    scrubbed = _scrub_followups(store)
    store.execute(
        "UPDATE registrations SET person_id = NULL "
        "WHERE person_id IN (SELECT id FROM temp.erasing_persons)"
    )
    store.execute("DELETE FROM persons WHERE id IN (SELECT id FROM temp.erasing_persons)")
    store.audit_each(action, "registration", "SELECT id FROM temp.erasing_regs ORDER BY id")
    store.owe_checkpoint()
    store.execute("DROP TABLE temp.erasing_persons")
    store.execute("DROP TABLE temp.erasing_regs")
    return scrubbed


# Follow-up notes and methods belong to a group, not to a person, so they are not removed
# with the identity. One that mentions an erased member (a word of the name, the phone
# number, the e-mail address) is replaced whole, since the rest of it is about them too, by a
# fixed text that tells the coordinator a note was there.


@lru_cache(maxsize=4096)
def _seen(text: str) -> tuple[frozenset[str], str, str]:
    """A text as matched: its words and itself casefolded in NFC, and its digits with the
    spaces, dashes, dots, slashes and brackets between them removed."""
    folded = unicodedata.normalize("NFC", text).casefold()
    digits = re.sub(r"(?<=\d)[\s./()-]+(?=\d)", "", plain_digits(text))
    return frozenset(re.findall(r"\w+", folded)), folded, digits


def _mentions(text: str, name: str, phone: str | None, email: str | None) -> bool:
    words, folded, digits = _seen(text)
    name_words = _seen(name)[0]
    if any(len(w) > 1 and w in words for w in name_words):
        return True
    if email and _seen(email)[1] in folded:
        return True
    # A phone number however it is written: its digits, less the leading 0 of the national
    # form so that +46 70 … is found too.
    phone_digits = re.sub(r"\D", "", _seen(phone)[2]).lstrip("0") if phone else ""
    return len(phone_digits) >= 6 and phone_digits in digits


def _scrub_followups(store: Store) -> int:
    """Inside `_erase_all`, before the identities go; how many follow-ups were changed."""
    removed = _("(removed at erasure)")
    texts: dict[int, dict[str, str | None]] = {}  # the follow-ups to change
    # Streamed, not fetched: a national purge joins ~470,000 (follow-up, member) pairs. A
    # pair seen twice (someone who rejoined a group) is harmless. CROSS JOIN keeps SQLite's
    # order (from the people, through the indexes): the temporary table has no statistics, and
    # the planner would otherwise scan every group membership to erase one person.
    for followup_id, method, note, name, phone, email in store.execute(
        """SELECT f.id, f.method, f.note, p.name, p.phone, p.email
             FROM temp.erasing_persons e CROSS JOIN persons p ON p.id = e.id
             CROSS JOIN registrations r ON r.person_id = p.id
             CROSS JOIN group_members m ON m.registration_id = r.id
             CROSS JOIN followups f ON f.group_id = m.group_id
            WHERE f.method IS NOT NULL OR f.note IS NOT NULL"""
    ):
        current = texts.get(followup_id) or {"method": method, "note": note}
        for field, text in current.items():
            if text and _mentions(text, name, phone, email):
                current[field] = removed
                texts[followup_id] = current
    store.conn.executemany(
        "UPDATE followups SET method = :method, note = :note WHERE id = :id",
        ({"id": i, **texts[i]} for i in sorted(texts)),
    )
    _seen.cache_clear()  # it holds the erased names: not one moment longer than needed
    return len(texts)


class Erased(TypedDict):
    """`person erase` and `person withdraw-consent`: what was erased."""

    registrations: list[int]  # the person's registrations, now without an identity
    erased: bool
    followups_scrubbed: int  # follow-up notes rewritten because they mentioned the person
    checkpointed: bool  # False while another program keeps the erased bytes in the WAL


class ToErase(TypedDict):
    """Who an erasure would erase, read before the coordinator is asked: shown on screen
    only, never recorded."""

    registration: int
    name: str
    registrations: list[int]  # all of the person's registrations


def erasure_preview(store: Store, reg_id: int) -> ToErase:
    """The person behind a registration, as an erasure would find them; refuses as it would."""
    person_id, reg_ids = _person_of(store, reg_id)
    return {
        "registration": reg_id,
        "name": store.value("SELECT name FROM persons WHERE id = ?", (person_id,)),
        "registrations": reg_ids,
    }


def erase_person(
    store: Store,
    reg_id: int,
    today: date,
    action: str = "person.erase",
    expected: list[int] | None = None,
) -> Erased:
    """Erase the identity behind `reg_id`. `expected`: the registrations the coordinator was
    shown; when the person's registrations differ by now, nothing is erased."""
    with store.write():
        person_id, reg_ids = _person_of(store, reg_id)
        if expected is not None and reg_ids != expected:
            raise Conflict(
                _(
                    "the registrations of the person behind registration {id} changed while "
                    "you were asked (now {ids}); nothing was erased"
                ).format(id=reg_id, ids=", ".join(map(str, reg_ids))),
                _("ask again, with what it would erase now"),
                code="person.changed",
                id=reg_id,
                ids=reg_ids,
            )
        scrubbed = _erase_all(store, [person_id], reg_ids, today.isoformat(), action)
    return {
        "registrations": reg_ids,
        "erased": True,
        "followups_scrubbed": scrubbed,
        "checkpointed": not store.checkpoint_owed(),
    }


def withdraw_consent(
    store: Store, reg_id: int, today: date, expected: list[int] | None = None
) -> Erased:
    """Consent withdrawn: the identity goes, as with erasure."""
    return erase_person(store, reg_id, today, "person.consent-withdrawn", expected)


_RETENTION_SQL = """
WITH regs AS (
    SELECT r.id, r.person_id, r.status,
           r.status = 'waiting'
             AND coalesce(r.confirmed_on, r.registered_on) < :confirmed_after AS expired,
           CASE
             WHEN r.status = 'waiting' THEN NULL
             WHEN r.status = 'placed' THEN (
               SELECT CASE WHEN sum(m.left_on IS NULL) > 0 THEN NULL ELSE max(m.left_on) END
                 FROM group_members m WHERE m.registration_id = r.id)
             ELSE r.status_on
           END AS ended_on
      FROM registrations r
     WHERE r.person_id IS NOT NULL
)
SELECT person_id,
       group_concat(id) AS ids,
       group_concat(CASE WHEN expired THEN id END) AS expired_ids,
       sum((status = 'waiting' AND NOT expired) OR (status != 'waiting' AND ended_on IS NULL))
         AS live,
       max(expired) AS any_expired,
       max(ended_on) AS last_ended
  FROM regs
 GROUP BY person_id
"""


def _ids(joined: str | None) -> list[int]:
    return sorted(int(x) for x in joined.split(",")) if joined else []


class _Retention(NamedTuple):
    expired: list[int]  # waiting registrations that expire
    erase: list[dict[str, Any]]  # the people whose identity goes (rows of _RETENTION_SQL)
    unconfirmed_before: str  # waiting and last confirmed before this day: expires
    left_before: str  # left before this day (and nothing live): the identity goes


def _retention(store: Store, today: date) -> _Retention:
    """Waiting registrations that expire today, and the people whose identity goes."""
    from dateutil.relativedelta import relativedelta

    settings = get_settings(store)
    confirmed_after = waiting_cutoff(today, settings["waiting_months"])
    rows = store.rows(_RETENTION_SQL, {"confirmed_after": confirmed_after.isoformat()})
    keep_until = (today - relativedelta(months=settings["identity_months"])).isoformat()
    expired = sorted(i for r in rows for i in _ids(r["expired_ids"]))
    erase = [
        r
        for r in rows
        if not r["live"]
        and (r["any_expired"] or (r["last_ended"] is not None and r["last_ended"] < keep_until))
    ]
    return _Retention(expired, erase, confirmed_after.isoformat(), keep_until)


class Purged(TypedDict):
    """`purge`: what the retention rules expired and erased (or would, in a dry run)."""

    dry_run: bool
    expired: list[int]  # registration ids
    erased: list[int]  # registration ids whose identity went
    archive: str | None  # the file written first, if asked for
    followups_scrubbed: int | None  # None in a dry run
    checkpointed: bool | None  # None in a dry run
    identities: int  # people whose identity went (behind `erased`)
    identities_expired: int  # of them: a registration of theirs expired
    identities_left: int  # of them: they left before `left_before`
    unconfirmed_before: str  # waiting registrations last confirmed before this day expire
    left_before: str  # identities of people who left before this day go


def archive_free(path: Path | None) -> None:
    """Refuse an archive path that is taken before the coordinator is asked, as writing
    the archive would refuse it afterwards."""
    if path is not None and (path.exists() or path.is_symlink()):
        raise files._exists(path)


def purge(
    store: Store,
    today: date,
    dry_run: bool,
    archive_to: Path | None = None,
    expected: Purged | None = None,
) -> Purged:
    """Retention: expire waiting registrations nobody confirmed, and erase identities kept
    longer than the county's rule after the person left. Idempotent. A dry run only reads:
    it takes no write lock and works on a write-protected file. `expected`: the dry run the
    coordinator was shown; when the register would now purge anything else, nothing is done."""
    if dry_run:
        return _purged(True, _retention(store, today), None)
    with files.staged() as staged, store.write():
        found = _retention(store, today)
        expired, erase = found.expired, found.erase
        if expected is not None and (
            _purged(True, found, None)["erased"] != expected["erased"]
            or expired != expected["expired"]
        ):
            raise Conflict(
                _("the register changed while you were asked; nothing was purged"),
                _("look at what the retention rules would remove now, and run it again"),
                code="purge.changed",
            )
        if archive_to is not None:
            staged.write(archive_to, _archive(store, today, expired, erase))
        on = today.isoformat()
        _fill(store, "expiring_regs", expired)
        store.execute(
            "UPDATE registrations SET status = 'withdrawn', status_on = ? "
            "WHERE id IN (SELECT id FROM temp.expiring_regs)",
            (on,),
        )
        store.audit_each(
            "registration.expired", "registration", "SELECT id FROM temp.expiring_regs ORDER BY id"
        )
        store.execute("DROP TABLE temp.expiring_regs")
        scrubbed = 0
        if erase:
            scrubbed = _erase_all(
                store,
                (r["person_id"] for r in erase),
                (i for r in erase for i in _ids(r["ids"])),
                on,
                "person.purge",
            )
        store.audit("purge.run", "purge", None)
    return {
        **_purged(False, found, archive_to),
        "followups_scrubbed": scrubbed,
        "checkpointed": not store.checkpoint_owed(),
    }


def _archive(
    store: Store, today: date, expired: list[int], erase: list[dict[str, Any]]
) -> Iterator[str]:
    """The archive of a purge as JSON, one erased person a line, written as it is read: the
    first purge of a national register archives ~170,000 people (150 MB of JSON)."""
    yield f'{{"purged_on": "{today.isoformat()}", "expired": {json.dumps(expired)}, "persons": [\n'
    for n, r in enumerate(erase):
        record = json.dumps(
            person_record(store, r["person_id"], _ids(r["ids"])), ensure_ascii=False
        )
        yield ("," if n else "") + json_visible(record) + "\n"
    yield "]}\n"


def _purged(dry_run: bool, found: _Retention, archive_to: Path | None) -> Purged:
    because_expired = sum(1 for r in found.erase if r["any_expired"])
    return {
        "dry_run": dry_run,
        "expired": found.expired,
        "erased": sorted(i for r in found.erase for i in _ids(r["ids"])),
        "archive": str(archive_to) if archive_to else None,
        "followups_scrubbed": None,
        "checkpointed": None,
        "identities": len(found.erase),
        "identities_expired": because_expired,
        "identities_left": len(found.erase) - because_expired,
        "unconfirmed_before": found.unconfirmed_before,
        "left_before": found.left_before,
    }


def list_audit(store: Store, since: date | None, reg_id: int | None) -> list[AuditEntry]:
    """Who did what, when, to which record; `reg_id` narrows it to one person's records."""
    if reg_id is None:
        return store.rows(  # type: ignore[return-value]  # the query's columns
            "SELECT id, at, actor, action, entity, entity_id FROM audit "
            "WHERE (? IS NULL OR at >= ?) ORDER BY id",
            (since and since.isoformat(),) * 2,
        )
    reg = get_registration(store, reg_id)
    ids = [reg_id] if reg["person_id"] is None else _person_of(store, reg_id)[1]
    return [a for a in audit_rows(store, ids) if since is None or a["at"] >= since.isoformat()]
