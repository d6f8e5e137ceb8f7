"""Personal data (DESIGN.md §6): access, erasure, consent withdrawal, retention, audit.

A person is reached through any of their registration ids, the number `intake add` printed.
Erasing removes the `persons` row (name, contact details, note) and unlinks the registrations,
whose facts (theme, area, dates, gender, birth year, source, status) keep statistics right.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from shgroups.errors import Conflict
from shgroups.i18n import _
from shgroups.services.intake import get_registration, show_registration
from shgroups.services.settings import get_settings
from shgroups.storage import Store, write_private

_IDENTITY = ("name", "phone", "email", "note")


def _marks(ids: list[int]) -> str:
    return ", ".join("?" for _i in ids)


def _person_of(store: Store, reg_id: int) -> tuple[int, list[int]]:
    reg = get_registration(store, reg_id)
    if reg["person_id"] is None:
        raise Conflict(
            _("registration {id} holds no identity: it was erased").format(id=reg_id),
            _(
                "nothing about who they were is kept; `shg audit --person {id}` shows what was done"
            ).format(id=reg_id),
        )
    ids = [
        r["id"]
        for r in store.rows(
            "SELECT id FROM registrations WHERE person_id = ? ORDER BY id", (reg["person_id"],)
        )
    ]
    return reg["person_id"], ids


def audit_rows(store: Store, reg_ids: list[int]) -> list[dict[str, Any]]:
    return store.rows(
        f"""SELECT id, at, actor, action, entity, entity_id FROM audit
             WHERE entity = 'registration' AND entity_id IN ({_marks(reg_ids)})
             ORDER BY id""",
        reg_ids,
    )


def person_record(store: Store, person_id: int, reg_ids: list[int]) -> dict[str, Any]:
    """Everything held about one person, and nothing about anyone else."""
    identity = store.row(f"SELECT {', '.join(_IDENTITY)} FROM persons WHERE id = ?", (person_id,))
    registrations = []
    for reg_id in reg_ids:
        shown = show_registration(store, reg_id)
        registrations.append({k: v for k, v in shown.items() if k not in (*_IDENTITY, "groups")})
    memberships = store.rows(
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


def export_person(store: Store, reg_id: int, today: date) -> dict[str, Any]:
    """The right of access: the whole record, and the access itself is logged."""
    with store.write():
        person_id, reg_ids = _person_of(store, reg_id)
        store.audit("person.export", "registration", reg_id)
        record = person_record(store, person_id, reg_ids)
        county = get_settings(store)["county"]
    return {"exported_on": today.isoformat(), "county": county, "registration": reg_id, **record}


def export_text(doc: dict[str, Any]) -> str:
    """The export as a letter a person can read."""
    person = doc["person"]
    lines = [
        _("What {county} holds about you").format(county=doc["county"] or "shg"),
        _("Exported {day} for registration {id}.").format(
            day=doc["exported_on"], id=doc["registration"]
        ),
        "",
        _("Who you are"),
        *(f"  {key}: {person[key] if person[key] is not None else '–'}" for key in _IDENTITY),
        "",
        _("Registrations"),
    ]
    for reg in doc["registrations"]:
        lines.append(
            f"  {reg['id']}: "
            + ", ".join(
                f"{key} {' / '.join(value) if isinstance(value, list) else value}"
                for key, value in reg.items()
                if key != "id" and value not in (None, [])
            )
        )
    lines += ["", _("Groups")]
    lines += [
        f"  {_('group')} {m['group']} ({m['theme']}, {m['area']}): "
        f"{m['joined_on']} – {m['left_on'] or _('now')}"
        for m in doc["groups"]
    ] or ["  –"]
    lines += ["", _("What was done, when and by whom")]
    lines += [f"  {a['at']}  {a['actor']}  {a['action']}" for a in doc["audit"]]
    return "\n".join(lines) + "\n"


def save_export(doc: dict[str, Any], out: Path) -> list[Path]:
    """Write the export as JSON at `out` and as text beside it (`.txt`), both private."""
    text_path = out.with_suffix(".txt") if out.suffix != ".txt" else out.with_suffix(".txt.txt")
    write_private(out, json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    write_private(text_path, export_text(doc))
    return [out, text_path]


def _erase(store: Store, person_id: int, reg_ids: list[int], on: str, action: str) -> None:
    """Remove identity; take them out of active groups; keep the facts (in a transaction)."""
    marks = _marks(reg_ids)
    store.execute(
        f"""UPDATE registrations SET status = 'withdrawn', status_on = ?
             WHERE id IN ({marks}) AND (status = 'waiting' OR id IN (
                   SELECT registration_id FROM group_members WHERE left_on IS NULL))""",
        [on, *reg_ids],
    )
    store.execute(
        f"UPDATE group_members SET left_on = ? WHERE left_on IS NULL AND registration_id IN "
        f"({marks})",
        [on, *reg_ids],
    )
    store.execute("UPDATE registrations SET person_id = NULL WHERE person_id = ?", (person_id,))
    store.execute("DELETE FROM persons WHERE id = ?", (person_id,))
    for reg_id in reg_ids:
        store.audit(action, "registration", reg_id)


def erase_person(
    store: Store, reg_id: int, today: date, action: str = "person.erase"
) -> dict[str, Any]:
    with store.write():
        person_id, reg_ids = _person_of(store, reg_id)
        _erase(store, person_id, reg_ids, today.isoformat(), action)
    return {"registrations": reg_ids, "erased": True, "checkpointed": store.checkpoint()}


def withdraw_consent(store: Store, reg_id: int, today: date) -> dict[str, Any]:
    """Consent withdrawn: the identity goes, as with erasure."""
    return erase_person(store, reg_id, today, action="person.consent-withdrawn")


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


def purge(
    store: Store, today: date, dry_run: bool, archive_to: Path | None = None
) -> dict[str, Any]:
    """Retention: expire waiting registrations nobody confirmed, and erase identities kept
    longer than the county's rule after the person left. Idempotent."""
    from dateutil.relativedelta import relativedelta

    with store.write():
        settings = get_settings(store)
        confirmed_after = today - relativedelta(months=settings["waiting_months"])
        rows = store.rows(
            _RETENTION_SQL,
            {"confirmed_after": confirmed_after.isoformat()},
        )
        keep_until = (today - relativedelta(months=settings["identity_months"])).isoformat()
        expired = sorted(i for r in rows for i in _ids(r["expired_ids"]))
        erase = [
            r
            for r in rows
            if not r["live"]
            and (r["any_expired"] or (r["last_ended"] is not None and r["last_ended"] < keep_until))
        ]
        result = {
            "dry_run": dry_run,
            "expired": expired,
            "erased": sorted(i for r in erase for i in _ids(r["ids"])),
            "archive": str(archive_to) if archive_to and not dry_run else None,
            "checkpointed": None,  # set after a real run
        }
        if dry_run:
            return result
        if archive_to is not None:
            records = [person_record(store, r["person_id"], _ids(r["ids"])) for r in erase]
            write_private(
                archive_to,
                json.dumps(
                    {"purged_on": today.isoformat(), "expired": expired, "persons": records},
                    ensure_ascii=False,
                    indent=2,
                )
                + "\n",
            )
        for reg_id in expired:
            store.execute(
                "UPDATE registrations SET status = 'withdrawn', status_on = ? WHERE id = ?",
                (today.isoformat(), reg_id),
            )
            store.audit("registration.expired", "registration", reg_id)
        for r in erase:
            _erase(store, r["person_id"], _ids(r["ids"]), today.isoformat(), "person.purge")
        store.audit("purge.run", "purge", None)
    result["checkpointed"] = store.checkpoint()
    return result


def list_audit(store: Store, since: date | None, reg_id: int | None) -> list[dict[str, Any]]:
    """Who did what, when, to which record; `reg_id` narrows it to one person's records."""
    if reg_id is None:
        return store.rows(
            "SELECT id, at, actor, action, entity, entity_id FROM audit "
            "WHERE (? IS NULL OR at >= ?) ORDER BY id",
            (since and since.isoformat(),) * 2,
        )
    reg = get_registration(store, reg_id)
    ids = [reg_id] if reg["person_id"] is None else _person_of(store, reg_id)[1]
    return [a for a in audit_rows(store, ids) if since is None or a["at"] >= since.isoformat()]
