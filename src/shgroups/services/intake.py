"""Registrations: people waiting for a theme in an area, and what becomes of them."""

from __future__ import annotations

import re
import shlex
from datetime import date
from typing import Any

from shgroups.dates import not_after_today
from shgroups.errors import Conflict, InvalidInput, NotFound
from shgroups.freetext import check_free_text
from shgroups.i18n import _
from shgroups.names import clean, name_key
from shgroups.services import catalogue
from shgroups.services.settings import get_settings
from shgroups.storage import Store

GENDERS = ("woman", "man", "other")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()/-]{4,24}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


PERSON_FIELDS = ("name", "phone", "email", "gender", "birth_year", "source", "note")


def _validate(given: dict[str, Any], today: date, force: bool) -> dict[str, Any]:
    """Check what a coordinator typed; errors name the field, never echo the value."""
    name = clean(given["name"])
    if not name or len(name) > 100:
        raise InvalidInput(
            _("the name must be 1 to 100 characters"), _("a first name or an alias is enough")
        )
    check_free_text(name, _("name"), force, forceable=True)
    phone, email = given.get("phone"), given.get("email")
    gender, birth_year = given.get("gender"), given.get("birth_year")
    phone = clean(phone) if phone else None
    if phone and not _PHONE.match(phone):
        raise InvalidInput(
            _("the phone number is not valid"),
            _("use digits, spaces and an optional leading +, e.g. 070-123 45 67"),
        )
    email = email.strip() if email else None
    if email and (not _EMAIL.match(email) or len(email) > 200):
        raise InvalidInput(
            _("the e-mail address is not valid"), _("give it as name@example.se, or leave it out")
        )
    if gender is not None and gender not in GENDERS:
        raise InvalidInput(
            _("unknown gender {value!r}").format(value=gender),
            _("use one of: {values}").format(values=", ".join(GENDERS)),
        )
    if birth_year is not None and not 1900 <= birth_year <= today.year:
        raise InvalidInput(
            _("birth year {year} is not plausible").format(year=birth_year),
            _("give a year between 1900 and {year}").format(year=today.year),
        )
    source = clean(given["source"]) if given.get("source") else None
    if source and len(source) > 60:
        raise InvalidInput(
            _("--source must be at most 60 characters"),
            _("say briefly how they found us, e.g. 'nurse' or 'brochure'"),
        )
    check_free_text(source, "--source")
    note = given["note"].strip() if given.get("note") else None
    check_note(note)
    return {
        "name": name,
        "phone": phone,
        "email": email,
        "gender": gender,
        "birth_year": birth_year,
        "source": source,
        "note": note,
    }


def check_note(note: str | None) -> None:
    if note and len(note) > 500:
        raise InvalidInput(
            _("the note must be at most 500 characters"),
            _("keep it short; never write health details"),
        )
    check_free_text(note, _("note"))


def _find_duplicate(store: Store, person: dict[str, Any], theme_id: int) -> int | None:
    """A waiting or placed registration for this theme by someone with the same name and,
    where both have them, the same phone and e-mail."""
    found: int | None = store.value(
        """SELECT r.id FROM registrations r JOIN persons p ON p.id = r.person_id
            WHERE p.name_key = ? AND r.theme_id = ? AND r.status IN ('waiting', 'placed')
              AND (p.phone IS NULL OR ? IS NULL OR p.phone = ?)
              AND (p.email IS NULL OR ? IS NULL OR lower(p.email) = lower(?))
            ORDER BY r.id LIMIT 1""",
        (
            name_key(person["name"]),
            theme_id,
            person["phone"],
            person["phone"],
            person["email"],
            person["email"],
        ),
    )
    return found


def _known_person(store: Store, person: dict[str, Any]) -> int | None:
    """The person already registered under the same name with the same phone or e-mail
    (and no conflicting one), so that all their registrations belong to one identity."""
    if not person["phone"] and not person["email"]:
        return None
    found: int | None = store.value(
        """SELECT id FROM persons
            WHERE name_key = :key
              AND ((:phone IS NOT NULL AND phone = :phone)
                   OR (:email IS NOT NULL AND lower(email) = lower(:email)))
              AND (phone IS NULL OR :phone IS NULL OR phone = :phone)
              AND (email IS NULL OR :email IS NULL OR lower(email) = lower(:email))
            ORDER BY id LIMIT 1""",
        {
            "key": name_key(person["name"]),
            "phone": person["phone"],
            "email": person["email"],
        },
    )
    return found


def _candidates(store: Store, theme_id: int, area_id: int) -> int:
    count: int = store.value(
        """SELECT count(*) FROM registrations r
            WHERE r.status = 'waiting'
              AND (r.theme_id = :t OR EXISTS (SELECT 1 FROM registration_themes x
                    WHERE x.registration_id = r.id AND x.theme_id = :t))
              AND (r.area_id = :a OR EXISTS (SELECT 1 FROM registration_areas x
                    WHERE x.registration_id = r.id AND x.area_id = :a))""",
        {"t": theme_id, "a": area_id},
    )
    return count


def _basis(settings: dict[str, Any], consent: bool, on: date) -> dict[str, Any]:
    """What the registration rests on (GDPR art. 6 and 9), as the county has chosen."""
    if settings["legal_basis"] == "public-task":
        return {
            "basis": "public-task",
            "informed_on": on.isoformat(),
            "info_version": settings["info_version"],
        }
    if not consent:
        raise InvalidInput(
            _("this county registers people on their consent, and --consent was not given"),
            _(
                "give the information text (version {version}), ask for consent, then add --consent"
            ).format(version=settings["info_version"]),
        )
    return {
        "basis": "consent",
        "consent_on": on.isoformat(),
        "info_version": settings["info_version"],
    }


def start_command(theme: str, area: str) -> str:
    return f"shg groups start --theme {shlex.quote(theme)} --area {shlex.quote(area)}"


def add_registration(
    store: Store,
    *,
    person: dict[str, Any],
    theme: str,
    area: str | None,
    also_themes: list[str],
    also_areas: list[str],
    on: date,
    today: date,
    consent: bool = False,
    force: bool = False,
    new_theme: bool = False,
    new_area: bool = False,
) -> dict[str, Any]:
    """Register someone. `person` holds name and optional phone, email, gender, birth_year,
    source and note."""
    person = _validate(person, today, force)
    not_after_today(on, today)
    with store.write():
        settings = get_settings(store)
        basis = _basis(settings, consent, on)
        first_theme = catalogue.resolve_theme(store, theme, create=new_theme)
        first_area = catalogue.resolve_area(store, area, create=new_area)
        other_themes = [catalogue.resolve_theme(store, t) for t in also_themes]
        other_areas = [catalogue.resolve_area(store, a) for a in also_areas]
        duplicate = _find_duplicate(store, person, first_theme["id"])
        if duplicate and not force:
            raise Conflict(
                _("this looks like registration {id}: same name, same theme").format(id=duplicate),
                _("`shg intake show {id}` shows it; add --force if this is another person").format(
                    id=duplicate
                ),
            )
        person_id = None if force else _known_person(store, person)
        if person_id is None:
            person_id = store.insert(
                "persons",
                {
                    "name": person["name"],
                    "name_key": name_key(person["name"]),
                    "phone": person["phone"],
                    "email": person["email"],
                    "note": person["note"],
                },
            )
        else:  # the same person, waiting for another theme too: complete what we know
            store.execute(
                "UPDATE persons SET phone = coalesce(phone, ?), email = coalesce(email, ?), "
                "note = coalesce(?, note) WHERE id = ?",
                (person["phone"], person["email"], person["note"], person_id),
            )
        reg_id = store.insert(
            "registrations",
            {
                "person_id": person_id,
                "theme_id": first_theme["id"],
                "area_id": first_area["id"],
                "registered_on": on.isoformat(),
                "status": "waiting",
                "status_on": on.isoformat(),
                "gender": person["gender"],
                "birth_year": person["birth_year"],
                "source": person["source"],
                "confirmed_on": on.isoformat(),
                **basis,
            },
        )
        for t in {t["id"] for t in other_themes} - {first_theme["id"]}:
            store.execute("INSERT INTO registration_themes VALUES (?, ?)", (reg_id, t))
        for a in {a["id"] for a in other_areas} - {first_area["id"]}:
            store.execute("INSERT INTO registration_areas VALUES (?, ?)", (reg_id, a))
        store.audit("registration.add", "registration", reg_id)

        min_size = settings["min_size"]
        ready: list[dict[str, Any]] = []
        for t in [first_theme, *other_themes]:
            for a in [first_area, *other_areas]:
                waiting = _candidates(store, t["id"], a["id"])
                if waiting == min_size and not any(
                    r["theme"] == t["name"] and r["area"] == a["name"] for r in ready
                ):
                    ready.append(
                        {
                            "theme": t["name"],
                            "area": a["name"],
                            "waiting": waiting,
                            "next": start_command(t["name"], a["name"]),
                        }
                    )
    return {"id": reg_id, "status": "waiting", "ready": ready}


_LIST_SQL = """
SELECT r.id, p.name, t.name AS theme, a.name AS area, r.status, r.registered_on AS date
  FROM registrations r
  JOIN themes t ON t.id = r.theme_id
  JOIN areas a ON a.id = r.area_id
  LEFT JOIN persons p ON p.id = r.person_id
 WHERE (:status IS NULL OR r.status = :status)
   AND (:theme IS NULL OR r.theme_id = :theme OR EXISTS (SELECT 1 FROM registration_themes x
          WHERE x.registration_id = r.id AND x.theme_id = :theme))
   AND (:area IS NULL OR r.area_id = :area OR EXISTS (SELECT 1 FROM registration_areas x
          WHERE x.registration_id = r.id AND x.area_id = :area))
 ORDER BY r.registered_on, r.id
"""

STATUSES = ("waiting", "placed", "withdrawn", "referred")


def list_registrations(
    store: Store, status: str | None, theme: str | None, area: str | None
) -> list[dict[str, Any]]:
    if status is not None and status not in STATUSES:
        raise InvalidInput(
            _("unknown status {status!r}").format(status=status),
            _("use one of: {values}").format(values=", ".join(STATUSES)),
        )
    params = {
        "status": status,
        "theme": catalogue.resolve(store, "theme", theme)["id"] if theme else None,
        "area": catalogue.resolve(store, "area", area)["id"] if area else None,
    }
    return store.rows(_LIST_SQL, params)


def get_registration(store: Store, reg_id: int) -> dict[str, Any]:
    found = store.row(
        """SELECT r.*, p.name, p.phone, p.email, p.note, t.name AS theme, a.name AS area
             FROM registrations r
             JOIN themes t ON t.id = r.theme_id JOIN areas a ON a.id = r.area_id
             LEFT JOIN persons p ON p.id = r.person_id
            WHERE r.id = ?""",
        (reg_id,),
    )
    if found is None:
        raise NotFound(
            _("there is no registration {id}").format(id=reg_id),
            _("`shg intake list` shows the registrations and their ids"),
        )
    return found


def waiting_registration(store: Store, reg_id: int, hint: str) -> dict[str, Any]:
    """The registration, which must be waiting."""
    reg = get_registration(store, reg_id)
    if reg["status"] != "waiting":
        raise Conflict(
            _("registration {id} is {status}, not waiting").format(id=reg_id, status=reg["status"]),
            hint,
        )
    return reg


def show_registration(store: Store, reg_id: int) -> dict[str, Any]:
    reg = get_registration(store, reg_id)
    also_themes = [
        r["name"]
        for r in store.rows(
            "SELECT t.name FROM registration_themes x JOIN themes t ON t.id = x.theme_id "
            "WHERE x.registration_id = ? ORDER BY t.name",
            (reg_id,),
        )
    ]
    also_areas = [
        r["name"]
        for r in store.rows(
            "SELECT a.name FROM registration_areas x JOIN areas a ON a.id = x.area_id "
            "WHERE x.registration_id = ? ORDER BY a.name",
            (reg_id,),
        )
    ]
    groups = store.rows(
        'SELECT group_id AS "group", joined_on, left_on FROM group_members '
        "WHERE registration_id = ? ORDER BY joined_on",
        (reg_id,),
    )
    return {
        "id": reg["id"],
        "name": reg["name"],
        "theme": reg["theme"],
        "area": reg["area"],
        "also_themes": also_themes,
        "also_areas": also_areas,
        "status": reg["status"],
        "date": reg["registered_on"],
        "status_date": reg["status_on"],
        "phone": reg["phone"],
        "email": reg["email"],
        "gender": reg["gender"],
        "birth_year": reg["birth_year"],
        "source": reg["source"],
        "note": reg["note"],
        "groups": groups,
        "confirmed_on": reg["confirmed_on"],
        "basis": reg["basis"],
        "consent_on": reg["consent_on"],
        "informed_on": reg["informed_on"],
        "info_version": reg["info_version"],
    }


def confirm(store: Store, reg_id: int, on: date, today: date) -> dict[str, Any]:
    """The person still wants a group: the waiting registration's retention starts again."""
    not_after_today(on, today)
    with store.write():
        waiting_registration(store, reg_id, _("only waiting registrations are confirmed"))
        store.execute(
            "UPDATE registrations SET confirmed_on = ? WHERE id = ?", (on.isoformat(), reg_id)
        )
        store.audit("registration.confirm", "registration", reg_id)
    return {"id": reg_id, "status": "waiting", "confirmed_on": on.isoformat()}


def _leave_waiting(store: Store, reg_id: int, status: str, on: date, today: date) -> dict[str, Any]:
    not_after_today(on, today)
    with store.write():
        reg = get_registration(store, reg_id)
        if reg["status"] == "placed":
            group = store.value(
                "SELECT group_id FROM group_members WHERE registration_id = ? AND left_on IS NULL",
                (reg_id,),
            )
            raise Conflict(
                _("registration {id} is placed in group {group}").format(id=reg_id, group=group),
                _("to take them out: shg groups remove-member {group} {id}").format(
                    group=group, id=reg_id
                ),
            )
        if reg["status"] != "waiting":
            raise Conflict(
                _("registration {id} is already {status}").format(id=reg_id, status=reg["status"]),
                _("only waiting registrations can be withdrawn or referred"),
            )
        store.execute(
            "UPDATE registrations SET status = ?, status_on = ? WHERE id = ?",
            (status, on.isoformat(), reg_id),
        )
        store.audit(f"registration.{status}", "registration", reg_id)
    return {"id": reg_id, "status": status}


def withdraw(store: Store, reg_id: int, on: date, today: date) -> dict[str, Any]:
    return _leave_waiting(store, reg_id, "withdrawn", on, today)


def refer(store: Store, reg_id: int, on: date, today: date) -> dict[str, Any]:
    """Record that the person was referred elsewhere; never why."""
    return _leave_waiting(store, reg_id, "referred", on, today)
