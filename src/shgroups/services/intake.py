"""Registrations: people waiting for a theme in an area, and what becomes of them."""

from __future__ import annotations

import re
import shlex
from datetime import date
from typing import Any

from shgroups.dates import not_after_today, not_before
from shgroups.errors import Conflict, InvalidInput, NotFound
from shgroups.freetext import check_free_text
from shgroups.i18n import _
from shgroups.names import clean, did_you_mean, name_key, suggest
from shgroups.services import catalogue
from shgroups.services.settings import get_settings, source_list
from shgroups.storage import Store
from shgroups.text import typed

GENDERS = ("woman", "man", "other")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()/-]{4,24}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


PERSON_FIELDS = ("name", "phone", "email", "gender", "birth_year", "source", "note")


def _typed(value: str | None, field: str, *, multiline: bool = False) -> str | None:
    """What was typed, as stored: NFC, no control characters, no surrounding spaces (nor, on
    one line, repeated ones); None when nothing is left."""
    if value is None:
        return None
    text = typed(value, field, multiline=multiline)
    return (text.strip() if multiline else clean(text)) or None


def _validate(given: dict[str, Any], today: date, force: bool) -> dict[str, Any]:
    """Check what a coordinator typed; errors name the field, never echo the value."""
    name = _typed(given["name"], _("name"))
    if not name or len(name) > 100:
        raise InvalidInput(
            _("the name must be 1 to 100 characters"), _("a first name or an alias is enough")
        )
    phone = _typed(given.get("phone"), _("phone number"))
    email = _typed(given.get("email"), _("e-mail address"))
    # Forceable: about one Swedish mobile number in 200, typed without spaces, is also a
    # valid personnummer.
    for text, field in (
        (name, _("name")),
        (phone, _("phone number")),
        (email, _("e-mail address")),
    ):
        check_free_text(text, field, force, forceable=True)
    gender, birth_year = given.get("gender"), given.get("birth_year")
    if phone and not _PHONE.match(phone):
        raise InvalidInput(
            _("the phone number is not valid"),
            _("use digits, spaces and an optional leading +, e.g. 070-123 45 67"),
        )
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
    note = _typed(given.get("note"), _("note"), multiline=True)
    check_note(note)
    return {
        "name": name,
        "phone": phone,
        "email": email,
        "gender": gender,
        "birth_year": birth_year,
        "source": _typed(given.get("source"), _("source")),
        "note": note,
    }


def _source(settings: dict[str, Any], typed_source: str | None) -> str | None:
    """The county's spelling of how they found us. A fixed list, not free text: a source such
    as "Dr Berg at Ryhov" would be personal data kept with the facts after an erasure."""
    if typed_source is None:
        return None
    sources = source_list(settings)
    for known in sources:
        if known.casefold() == typed_source.casefold():
            return known
    raise InvalidInput(
        _("the source is not one of the county's sources"),
        " ".join(
            filter(
                None,
                [
                    did_you_mean(suggest(typed_source, sources)),
                    _(
                        "Use one of: {values}. The county keeps the list: "
                        "shg settings set sources LIST (comma-separated)."
                    ).format(values=", ".join(sources)),
                ],
            )
        ),
    )


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


def _known_persons(store: Store, person: dict[str, Any]) -> list[dict[str, Any]]:
    """The identities registered under the same name with the same phone or e-mail (and no
    conflicting one): each with its first registration id and whether the e-mail matched."""
    if not person["phone"] and not person["email"]:
        return []
    return store.rows(
        """SELECT p.id AS person_id, min(r.id) AS first,
                  :email IS NOT NULL AND lower(p.email) = lower(:email) AS by_email
             FROM persons p JOIN registrations r ON r.person_id = p.id
            WHERE p.name_key = :key
              AND ((:phone IS NOT NULL AND p.phone = :phone)
                   OR (:email IS NOT NULL AND lower(p.email) = lower(:email)))
              AND (p.phone IS NULL OR :phone IS NULL OR p.phone = :phone)
              AND (p.email IS NULL OR :email IS NULL OR lower(p.email) = lower(:email))
            GROUP BY p.id ORDER BY p.id""",
        {
            "key": name_key(person["name"]),
            "phone": person["phone"],
            "email": person["email"],
        },
    )


def _identity(
    store: Store, person: dict[str, Any], same_as: int | None
) -> tuple[int | None, int | None]:
    """The identity a new registration belongs to, and that identity's first registration;
    (None, None) for a new person.

    An e-mail address is personal, so the same name and e-mail is the same person. A phone
    can be shared (a mother and her daughter, both Anna, on one landline): linking them would
    show the daughter the mother's theme and erase both with one erasure, so the coordinator
    must say which it is."""
    matches = _known_persons(store, person)
    if same_as is not None:
        owner = get_registration(store, same_as)["person_id"]
        for match in matches:
            if match["person_id"] == owner:
                return owner, match["first"]
        raise Conflict(
            _(
                "registration {id} is not someone with the same name and the same phone "
                "number or e-mail address"
            ).format(id=same_as),
            _(
                "`shg intake show {id}` shows it; without --same-person a new person is registered"
            ).format(id=same_as),
        )
    for match in matches:
        if match["by_email"]:
            return match["person_id"], match["first"]
    if matches:
        firsts = [str(m["first"]) for m in matches]
        raise Conflict(
            _(
                "same name and phone number as registration {ids}: the same person, "
                "or someone who shares the phone?"
            ).format(ids=" or ".join(firsts)),
            _(
                "if it is the same person, add --same-person {id}; if it is someone else "
                "(say a relative on the same line), add --new-person"
            ).format(id=" or --same-person ".join(firsts)),
        )
    return None, None


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
    same_as: int | None = None,
    new_person: bool = False,
) -> dict[str, Any]:
    """Register someone. `person` holds name and optional phone, email, gender, birth_year,
    source and note. `same_as` (a registration id) or `new_person` says who they are when
    they share a name and phone with someone registered; `force` also means a new person."""
    person = _validate(person, today, force)
    not_after_today(on, today)
    if same_as is not None and new_person:
        raise InvalidInput(
            _("--same-person and --new-person contradict each other"),
            _("give the one that is true"),
        )
    with store.write():
        settings = get_settings(store)
        person["source"] = _source(settings, person["source"])
        basis = _basis(settings, consent, on)
        first_theme = catalogue.resolve_theme(store, theme, create=new_theme)
        first_area = catalogue.resolve_area(store, area, create=new_area)
        other_themes = [catalogue.resolve_theme(store, t) for t in also_themes]
        other_areas = [catalogue.resolve_area(store, a) for a in also_areas]
        duplicate = _find_duplicate(store, person, first_theme["id"])
        if duplicate and not (force or new_person):
            raise Conflict(
                _("this looks like registration {id}: same name, same theme").format(id=duplicate),
                _("`shg intake show {id}` shows it; add --force if this is another person").format(
                    id=duplicate
                ),
            )
        if (force or new_person) and same_as is None:
            person_id, first = None, None
        else:
            person_id, first = _identity(store, person, same_as)
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
    return {"id": reg_id, "status": "waiting", "same_person_as": first, "ready": ready}


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


def not_before_latest(on: date, events: list[tuple[str | None, str]]) -> None:
    """Refuse a date before the latest of earlier events, given as (ISO date, what happened);
    on a tie the first listed is named."""
    known = [(day, what) for day, what in events if day]
    if known:
        day, what = max(known, key=lambda event: event[0])
        not_before(on, day, what)


def in_order(reg: dict[str, Any], on: date) -> None:
    """A registration's events are recorded in the order they happened: a confirmation typed
    as 2016 instead of 2026 would otherwise let the next purge erase someone who still waits."""
    not_before_latest(
        on,
        [
            (reg["registered_on"], _("registration {id} was made").format(id=reg["id"])),
            (reg["status_on"], _("registration {id} last changed status").format(id=reg["id"])),
            (reg["confirmed_on"], _("registration {id} was last confirmed").format(id=reg["id"])),
        ],
    )


def waiting_registration(store: Store, reg_id: int, hint: str, on: date) -> dict[str, Any]:
    """The registration, which must be waiting, and have waited since before `on`."""
    reg = get_registration(store, reg_id)
    if reg["status"] != "waiting":
        raise Conflict(
            _("registration {id} is {status}, not waiting").format(id=reg_id, status=reg["status"]),
            hint,
        )
    in_order(reg, on)
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
    groups = store.rows(  # every stay: a member put back in the queue may rejoin later
        'SELECT group_id AS "group", joined_on, left_on FROM group_members '
        "WHERE registration_id = ? ORDER BY joined_on, id",
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
        waiting_registration(store, reg_id, _("only waiting registrations are confirmed"), on)
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
        in_order(reg, on)
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
