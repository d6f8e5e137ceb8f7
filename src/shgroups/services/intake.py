"""Registrations: people waiting for a theme in an area, and what becomes of them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, TypedDict

from shgroups import phones
from shgroups.dates import not_after_today, not_before_latest
from shgroups.enums import Gender, RegistrationStatus, label
from shgroups.errors import Conflict, InvalidInput, NotFound, ShgError
from shgroups.freetext import check_free_text
from shgroups.i18n import _
from shgroups.names import clean, did_you_mean, fold, name_key, suggest
from shgroups.phones import DEFAULT_REGION, email_key, phone_key
from shgroups.services import catalogue
from shgroups.services.choices import one_of
from shgroups.services.settings import get_settings, source_list
from shgroups.storage import Store
from shgroups.text import typed

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# --- inputs ------------------------------------------------------------------------------------
#
# Frozen dataclasses: a caller builds one per row (the command line from its options, a future
# importer from a spreadsheet line) and the services never change it; the fields are checked
# by mypy where they are made, so a new person field is added here and where it is typed.


@dataclass(frozen=True)
class PersonInput:
    """Who someone is, as typed: identity (name, phone, email, note) and the facts kept for
    statistics (gender, birth year, source)."""

    name: str
    phone: str | None = None
    email: str | None = None
    gender: str | None = None
    birth_year: int | None = None
    source: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class RegistrationInput:
    """One registration as asked for. `same_as` (a registration id) or `new_person` says who
    they are when they share a name and phone with someone registered; `force` goes ahead
    despite a possible duplicate or identity number, and then also means a new person."""

    person: PersonInput
    theme: str
    on: date
    area: str | None = None  # None: the default area
    also_themes: tuple[str, ...] = ()
    also_areas: tuple[str, ...] = ()
    consent: bool = False
    same_as: int | None = None
    new_person: bool = False
    force: bool = False
    new_theme: bool = False  # create the theme when it does not exist yet
    new_area: bool = False


@dataclass(frozen=True)
class ValidRegistration:
    """A registration that `insert_registration` can write: every value checked and in its
    stored form, every name resolved (a theme or area with id None is created on insert)."""

    person: PersonInput  # as stored: NFC, cleaned, the county's spelling of the source
    theme: catalogue.Choice
    area: catalogue.Choice
    also_themes: tuple[catalogue.Choice, ...]
    also_areas: tuple[catalogue.Choice, ...]
    on: date
    basis: dict[str, str]  # the registration's columns basis, consent_on / informed_on …
    person_id: int | None  # the identity it joins; None for a new person
    same_person_as: int | None  # that identity's first registration
    region: str = DEFAULT_REGION  # the county's country: how the phone number is read
    default_area: bool = False  # no area was given: the county's default area


# --- results -----------------------------------------------------------------------------------
#
# TypedDicts: these are the JSON documents scripts rely on (docs/design.md §4). At run time a
# dict, printed as it is; its keys are declared once, for mypy, for the command line's views
# and for the README's table of JSON keys.


class ReadyPair(TypedDict):
    """A theme and area the new registration brought to exactly the minimum size."""

    theme: str
    area: str
    waiting: int


class AddResult(TypedDict):
    id: int
    status: str
    same_person_as: int | None  # the first registration of the identity it joined
    ready: list[ReadyPair]
    theme: str  # the theme's name (an alias typed becomes the theme it names)
    area: str
    default_area: bool  # no area was given: it was put in the county's default area
    other_areas: int  # the county's areas besides the default (not retired)


class Registration(TypedDict):
    """A row of `intake list`."""

    id: int
    name: str | None  # None after erasure
    theme: str
    area: str
    status: str
    date: str


class Stay(TypedDict):
    group: int
    joined_on: str
    left_on: str | None


class RegistrationFacts(TypedDict):
    """A registration's facts: what an export shows besides the identity, and what stays
    after an erasure."""

    id: int
    theme: str
    area: str
    also_themes: list[str]
    also_areas: list[str]
    status: str
    date: str
    status_date: str
    gender: str | None
    birth_year: int | None
    source: str | None
    confirmed_on: str | None
    basis: str
    consent_on: str | None
    informed_on: str | None
    info_version: str | None


class RegistrationDetail(RegistrationFacts):
    """`intake show`: a registration in full, with the identity and the group stays."""

    name: str | None
    phone: str | None
    email: str | None
    note: str | None
    groups: list[Stay]


class Confirmed(TypedDict):
    id: int
    status: str
    confirmed_on: str


class StatusChange(TypedDict):
    id: int
    status: str


# --- checking what was typed -------------------------------------------------------------------


def _typed(value: str | None, field: str, *, multiline: bool = False) -> str | None:
    """What was typed, as stored: NFC, no control characters, no surrounding spaces (nor, on
    one line, repeated ones); None when nothing is left."""
    if value is None:
        return None
    text = typed(value, field, multiline=multiline)
    return (text.strip() if multiline else clean(text)) or None


def region_of(store: Store) -> str:
    """The region phone numbers without a country code are read in: the county's country."""
    return str(get_settings(store)["country"])


def contact_keys(person: PersonInput, region: str) -> tuple[str | None, str | None]:
    """The forms a person's phone and e-mail are compared in (shgroups/phones.py): one person
    however the number was typed, one address in any case."""
    return phone_key(person.phone, region), email_key(person.email)


def validate_person(
    given: PersonInput, today: date, force: bool, region: str = DEFAULT_REGION
) -> PersonInput:
    """Check what a coordinator typed; errors name the field, never echo the value. The
    source is checked against the county's list by `validate_registration`; `region` is the
    county's country, in which a phone number without a country code is read."""
    name = _typed(given.name, "name")
    if not name or len(name) > 100:
        raise InvalidInput(
            _("the name must be 1 to 100 characters"),
            _("a first name or an alias is enough"),
            code="person.name_length",
            field="name",
        )
    phone = _typed(given.phone, "phone")
    email = _typed(given.email, "email")
    # Forceable: about one Swedish mobile number in 200, typed without spaces, is also a
    # valid personnummer.
    for text, field in ((name, "name"), (phone, "phone"), (email, "email")):
        check_free_text(text, field, force, forceable=True)
    if phone and not phones.readable(phone, region):
        raise InvalidInput(
            _("the phone number is not valid"),
            _(
                "use digits, with spaces, dashes, dots or brackets if you like, "
                "e.g. 070-123 45 67 or +46 70 123 45 67"
            ),
            code="person.phone_invalid",
            field="phone",
        )
    if email and (not _EMAIL.match(email) or len(email) > 200):
        raise InvalidInput(
            _("the e-mail address is not valid"),
            _("give it as name@example.se, or leave it out"),
            code="person.email_invalid",
            field="email",
        )
    gender = one_of(Gender, given.gender, "gender") if given.gender is not None else None
    if given.birth_year is not None and not 1900 <= given.birth_year <= today.year:
        raise InvalidInput(
            _("birth year {year} is not plausible").format(year=given.birth_year),
            _("give a year between 1900 and {year}").format(year=today.year),
            code="person.birth_year_implausible",
            field="birth_year",
            year=given.birth_year,
            last=today.year,
        )
    note = _typed(given.note, "note", multiline=True)
    check_note(note)
    return PersonInput(
        name=name,
        phone=phone,
        email=email,
        gender=gender,
        birth_year=given.birth_year,
        source=_typed(given.source, "source"),
        note=note,
    )


def _source(settings: dict[str, Any], typed_source: str | None) -> str | None:
    """The county's spelling of how they found us. A fixed list, not free text: a source such
    as "Dr Berg at Ryhov" would be personal data kept with the facts after an erasure (so
    the error does not repeat what was typed)."""
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
                    _("Use one of: {values}.").format(values=", ".join(sources)),
                ],
            )
        ),
        code="person.source_unknown",
        field="source",
        values=sources,
    )


def check_note(note: str | None, field: str = "note") -> None:
    if note and len(note) > 500:
        raise InvalidInput(
            _("the note must be at most 500 characters"),
            _("keep it short; never write health details"),
            code="note.too_long",
            field=field,
        )
    check_free_text(note, field)


def _find_duplicate(
    store: Store,
    person: PersonInput,
    theme_id: int | None,
    region: str,
    *,
    exclude: int | None = None,
) -> int | None:
    """A waiting or placed registration for this theme by someone with the same name and,
    where both have them, the same phone and e-mail (in their compared forms). `exclude`: a
    registration being corrected, which is not its own duplicate."""
    if theme_id is None:  # a theme created by this registration
        return None
    phone, email = contact_keys(person, region)
    found: int | None = store.value(
        # From the person to their registrations (CROSS JOIN keeps that order): read from
        # the registrations of the theme instead, an import of 10,000 rows was quadratic.
        """SELECT r.id FROM persons p CROSS JOIN registrations r ON r.person_id = p.id
            WHERE p.name_key = :key AND r.theme_id = :theme
              AND r.status IN ('waiting', 'placed')
              AND (:exclude IS NULL OR r.id != :exclude)
              AND (p.phone_key IS NULL OR :phone IS NULL OR p.phone_key = :phone)
              AND (p.email_key IS NULL OR :email IS NULL OR p.email_key = :email)
            ORDER BY r.id LIMIT 1""",
        {
            "key": name_key(person.name),
            "theme": theme_id,
            "exclude": exclude,
            "phone": phone,
            "email": email,
        },
    )
    return found


def known_persons(
    store: Store, person: PersonInput, region: str, *, exclude: int | None = None
) -> list[dict[str, Any]]:
    """The identities registered under the same name with the same phone or e-mail (and no
    conflicting one), compared in their normal forms: each with its first registration id and
    whether the e-mail matched. `exclude`: an identity being corrected (a person id)."""
    phone, email = contact_keys(person, region)
    if not phone and not email:
        return []
    return store.rows(
        """SELECT p.id AS person_id, min(r.id) AS first,
                  :email IS NOT NULL AND p.email_key = :email AS by_email
             FROM persons p JOIN registrations r ON r.person_id = p.id
            WHERE p.name_key = :key
              AND (:exclude IS NULL OR p.id != :exclude)
              AND ((:phone IS NOT NULL AND p.phone_key = :phone)
                   OR (:email IS NOT NULL AND p.email_key = :email))
              AND (p.phone_key IS NULL OR :phone IS NULL OR p.phone_key = :phone)
              AND (p.email_key IS NULL OR :email IS NULL OR p.email_key = :email)
            GROUP BY p.id ORDER BY p.id""",
        {"key": name_key(person.name), "phone": phone, "email": email, "exclude": exclude},
    )


def _identity(
    store: Store, person: PersonInput, same_as: int | None, region: str
) -> tuple[int | None, int | None]:
    """The identity a new registration belongs to, and that identity's first registration;
    (None, None) for a new person.

    An e-mail address is personal, so the same name and e-mail is the same person. A phone
    can be shared (a mother and her daughter, both Anna, on one landline): linking them would
    show the daughter the mother's theme and erase both with one erasure, so the coordinator
    must say which it is."""
    matches = known_persons(store, person, region)
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
            _("without it, a new person is registered"),
            code="registration.not_same_person",
            field="same_person",
            id=same_as,
        )
    for match in matches:
        if match["by_email"]:
            return match["person_id"], match["first"]
    if matches:
        firsts = [m["first"] for m in matches]
        raise Conflict(
            _(
                "same name and phone number as registration {ids}: the same person, "
                "or someone who shares the phone?"
            ).format(ids=_(" or ").join(str(i) for i in firsts)),
            _(
                "say whether it is the same person as registration {ids} or someone else "
                "(say a relative on the same line)"
            ).format(ids=_(" or ").join(str(i) for i in firsts)),
            code="registration.same_name_and_phone",
            field="same_person",
            ids=firsts,
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


def _basis(settings: dict[str, Any], consent: bool, on: date) -> dict[str, str]:
    """What the registration rests on (GDPR art. 6 and 9), as the county has chosen."""
    version = str(settings["info_version"])
    if settings["legal_basis"] == "public-task":
        return {"basis": "public-task", "informed_on": on.isoformat(), "info_version": version}
    if not consent:
        raise InvalidInput(
            _("this county registers people on their consent, and it was not recorded"),
            _(
                "give the information text (version {version}), ask for consent, then record it"
            ).format(version=version),
            code="registration.no_consent",
            field="consent",
            version=version,
        )
    return {"basis": "consent", "consent_on": on.isoformat(), "info_version": version}


# --- registering -------------------------------------------------------------------------------


def _alternative(store: Store, kind: str, text: str, pending: catalogue.Choice) -> catalogue.Choice:
    """An alternative theme or area: its failures concern the alternative's own input."""
    try:
        return catalogue.choose(store, kind, text, pending=pending)
    except ShgError as exc:
        exc.field = f"also_{kind}"
        raise


def validate_registration(
    store: Store, reg: RegistrationInput, today: date, *, contact_checked: bool = False
) -> ValidRegistration:
    """Everything `add` checks, without writing: what was typed, the date, the county's
    legal basis and sources, the theme and areas, a possible duplicate and whose identity it
    is. Raises ShgError. Inside a write, what it found still holds when the caller inserts.
    `contact_checked`: the caller has already run the identity-number guard over the name,
    phone and e-mail (an importer, which knows a phone cell that reads as a valid number is
    a phone number); the note is checked here in any case."""
    settings = get_settings(store)
    region = str(settings["country"])
    person = validate_person(reg.person, today, reg.force or contact_checked, region)
    not_after_today(reg.on, today)
    if reg.same_as is not None and reg.new_person:
        raise InvalidInput(
            _(
                "the same person as registration {id}, and a new person: the two answers "
                "contradict each other"
            ).format(id=reg.same_as),
            _("give the one that is true"),
            code="registration.same_and_new_person",
            field="new_person",
            id=reg.same_as,
        )
    person = replace(person, source=_source(settings, person.source))
    basis = _basis(settings, reg.consent, reg.on)
    theme = catalogue.choose(store, "theme", reg.theme, create=reg.new_theme)
    area = catalogue.choose(store, "area", reg.area, create=reg.new_area)
    also_themes = tuple(_alternative(store, "theme", t, theme) for t in reg.also_themes)
    also_areas = tuple(_alternative(store, "area", a, area) for a in reg.also_areas)
    new_person = reg.force or reg.new_person
    duplicate = _find_duplicate(store, person, theme.id, region)
    if duplicate and not new_person:
        raise Conflict(
            _("this looks like registration {id}: same name, same theme").format(id=duplicate),
            _("it may be another person with the same name"),
            code="registration.duplicate",
            id=duplicate,
        )
    if new_person and reg.same_as is None:
        person_id, first = None, None
    else:
        person_id, first = _identity(store, person, reg.same_as, region)
    return ValidRegistration(
        person=person,
        theme=theme,
        area=area,
        also_themes=also_themes,
        also_areas=also_areas,
        on=reg.on,
        basis=basis,
        person_id=person_id,
        same_person_as=first,
        region=region,
        default_area=reg.area is None,
    )


def set_alternatives(store: Store, reg_id: int, kind: str, first: int, others: list[int]) -> None:
    """A registration's other choices of `kind` ("theme" or "area"), replacing any it had;
    its first choice is no alternative. Inside the caller's write."""
    table = f"registration_{kind}s"  # registration_themes, registration_areas
    store.execute(f"DELETE FROM {table} WHERE registration_id = ?", (reg_id,))
    for other in set(others) - {first}:
        store.execute(f"INSERT INTO {table} VALUES (?, ?)", (reg_id, other))


def insert_registration(
    store: Store, valid: ValidRegistration, *, one_of_many: bool = False
) -> AddResult:
    """Write a validated registration, inside the caller's write; says which theme and area
    it brought to exactly the minimum size. `one_of_many`: one row of an import, which is
    audited once for all its rows and asks no readiness question per row (counting the
    waiting per row would make a 10,000-row import quadratic)."""
    person = valid.person
    theme_id = catalogue.made(store, "theme", valid.theme)
    area_id = catalogue.made(store, "area", valid.area)
    other_themes = [catalogue.made(store, "theme", t) for t in valid.also_themes]
    other_areas = [catalogue.made(store, "area", a) for a in valid.also_areas]
    person_id = valid.person_id
    phone, email = contact_keys(person, valid.region)
    if person_id is None:
        person_id = store.insert(
            "persons",
            {
                "name": person.name,
                "name_key": name_key(person.name),
                "phone": person.phone,
                "phone_key": phone,
                "email": person.email,
                "email_key": email,
                "note": person.note,
            },
        )
    else:  # the same person, waiting for another theme too: complete what we know
        store.execute(
            "UPDATE persons SET phone_key = CASE WHEN phone IS NULL THEN ? ELSE phone_key END, "
            "phone = coalesce(phone, ?), "
            "email_key = CASE WHEN email IS NULL THEN ? ELSE email_key END, "
            "email = coalesce(email, ?), note = coalesce(?, note) WHERE id = ?",
            (phone, person.phone, email, person.email, person.note, person_id),
        )
    on = valid.on.isoformat()
    reg_id = store.insert(
        "registrations",
        {
            "person_id": person_id,
            "theme_id": theme_id,
            "area_id": area_id,
            "registered_on": on,
            "status": RegistrationStatus.WAITING,
            "status_on": on,
            "gender": person.gender,
            "birth_year": person.birth_year,
            "source": person.source,
            "confirmed_on": on,
            **valid.basis,
        },
    )
    set_alternatives(store, reg_id, "theme", theme_id, other_themes)
    set_alternatives(store, reg_id, "area", area_id, other_areas)
    if one_of_many:
        return {
            "id": reg_id,
            "status": RegistrationStatus.WAITING,
            "same_person_as": valid.same_person_as,
            "ready": [],
            "theme": valid.theme.name,
            "area": valid.area.name,
            "default_area": valid.default_area,
            "other_areas": 0,
        }
    store.audit("registration.add", "registration", reg_id)

    # id -> name, each once, first choice first
    themes = dict(
        zip(
            [theme_id, *other_themes],
            [valid.theme.name, *(c.name for c in valid.also_themes)],
            strict=True,
        )
    )
    areas = dict(
        zip(
            [area_id, *other_areas],
            [valid.area.name, *(c.name for c in valid.also_areas)],
            strict=True,
        )
    )
    return {
        "id": reg_id,
        "status": RegistrationStatus.WAITING,
        "same_person_as": valid.same_person_as,
        "ready": ready_pairs(store, themes, areas),
        "theme": valid.theme.name,
        "area": valid.area.name,
        "default_area": valid.default_area,
        "other_areas": other_areas_count(store),
    }


def ready_pairs(store: Store, themes: dict[int, str], areas: dict[int, str]) -> list[ReadyPair]:
    """The pairs of these themes and areas (id -> name) that have exactly the minimum number
    of people waiting: those a registration just brought to it."""
    min_size = get_settings(store)["min_size"]
    ready: list[ReadyPair] = []
    for t, theme in themes.items():
        for a, area in areas.items():
            waiting = _candidates(store, t, a)
            if waiting == min_size:
                ready.append({"theme": theme, "area": area, "waiting": waiting})
    return ready


def other_areas_count(store: Store) -> int:
    """How many areas the county has besides its default one (retired ones not counted)."""
    count: int = store.value(
        "SELECT count(*) FROM areas WHERE NOT is_default AND retired_on IS NULL"
    )
    return count


def add(store: Store, reg: RegistrationInput, today: date) -> AddResult:
    """Register someone: validate and insert in one transaction."""
    with store.write():
        return insert_registration(store, validate_registration(store, reg, today))


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
) -> AddResult:
    """`add` with the inputs as keywords and the person as a dict (name and optional phone,
    email, gender, birth_year, source, note): the form the command line calls today."""
    reg = RegistrationInput(
        person=PersonInput(**person),
        theme=theme,
        on=on,
        area=area,
        also_themes=tuple(also_themes),
        also_areas=tuple(also_areas),
        consent=consent,
        same_as=same_as,
        new_person=new_person,
        force=force,
        new_theme=new_theme,
        new_area=new_area,
    )
    return add(store, reg, today)


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
   AND (:name IS NULL OR instr(shg_fold(p.name), :name) > 0
        OR (:phone IS NOT NULL AND (p.phone_key = :phone
            OR (:digits IS NOT NULL AND instr(p.phone_key, :digits) > 0)))
        OR instr(p.email_key, :email) > 0)
 ORDER BY r.registered_on, r.id
"""


def _folded(text: str | None) -> str | None:
    return None if text is None else fold(text)


def search_terms(text: str | None, region: str) -> dict[str, str | None]:
    """What `--search` text is compared with: the name without case and accents ("asa" finds
    "Åsa"), the phone number in its compared form ("0701234567" finds "070-123 45 67"; four
    or more digits find the numbers holding them), the e-mail address in any case."""
    if text is None or not clean(typed(text, "search")):
        return {"name": None, "phone": None, "digits": None, "email": None}
    text = clean(typed(text, "search"))
    phone = digits = None
    if phones.written_as_phone(text):
        phone = phone_key(text, region)
        plain = re.sub(r"\D", "", unicodedata.normalize("NFKC", text)).lstrip("0")
        digits = plain if len(plain) >= 4 else None
    return {"name": fold(text), "phone": phone, "digits": digits, "email": email_key(text)}


def list_registrations(
    store: Store,
    status: str | None,
    theme: str | None,
    area: str | None,
    search: str | None = None,
) -> list[Registration]:
    """The registrations in a state (None: all), for a theme and an area (any choice), whose
    name, phone or e-mail matches `search`; longest waiting first."""
    store.conn.create_function("shg_fold", 1, _folded, deterministic=True)
    params = {
        "status": one_of(RegistrationStatus, status, "status") if status is not None else None,
        "theme": catalogue.resolve(store, "theme", theme)["id"] if theme else None,
        "area": catalogue.resolve(store, "area", area)["id"] if area else None,
        **search_terms(search, region_of(store)),
    }
    return store.rows(_LIST_SQL, params)  # type: ignore[return-value]  # _LIST_SQL's columns


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
            _("the list of registrations shows their ids"),
            code="registration.not_found",
            id=reg_id,
        )
    return found


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
    if reg["status"] != RegistrationStatus.WAITING:
        raise Conflict(
            _("registration {id} is not waiting (status: {status})").format(
                id=reg_id, status=label(reg["status"])
            ),
            hint,
            code="registration.not_waiting",
            id=reg_id,
            status=reg["status"],
        )
    in_order(reg, on)
    return reg


def show_registration(store: Store, reg_id: int) -> RegistrationDetail:
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
    groups: list[Stay] = store.rows(  # type: ignore[assignment]  # every stay: a member put back in the queue may rejoin later
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


def confirm(store: Store, reg_id: int, on: date, today: date) -> Confirmed:
    """The person still wants a group: the waiting registration's retention starts again."""
    not_after_today(on, today)
    with store.write():
        reg = get_registration(store, reg_id)
        if reg["person_id"] is not None and reg["status"] in (
            RegistrationStatus.WITHDRAWN,
            RegistrationStatus.REFERRED,
        ):
            raise Conflict(
                _("registration {id} is not waiting (status: {status})").format(
                    id=reg_id, status=label(reg["status"])
                ),
                _("a withdrawn or referred registration waits again when it is reinstated"),
                code="confirm.left_queue",
                id=reg_id,
                status=reg["status"],
            )
        waiting_registration(store, reg_id, _("only waiting registrations are confirmed"), on)
        store.execute(
            "UPDATE registrations SET confirmed_on = ? WHERE id = ?", (on.isoformat(), reg_id)
        )
        store.audit("registration.confirm", "registration", reg_id)
    return {"id": reg_id, "status": RegistrationStatus.WAITING, "confirmed_on": on.isoformat()}


def set_status(
    store: Store,
    reg_id: int,
    status: RegistrationStatus,
    on: date,
    *,
    action: str | None = None,
    renew: bool = False,
) -> None:
    """Change one registration's status on `on` and record it in the audit (as `action`,
    else "registration.<status>"), inside the caller's write. `renew`: the registration is
    confirmed that day too (back in the queue: time in a group is not unconfirmed waiting,
    and the old confirmation date would let today's purge expire it).

    Retention and erasure change the status of thousands of registrations at once in one
    statement each (services/persons.py); one call per registration would hold the write
    lock for minutes on a national register."""
    store.execute(
        "UPDATE registrations SET status = :status, status_on = :on, "
        "confirmed_on = CASE WHEN :renew THEN :on ELSE confirmed_on END WHERE id = :id",
        {"status": status, "on": on.isoformat(), "renew": renew, "id": reg_id},
    )
    store.audit(action or f"registration.{status}", "registration", reg_id)


def _leave_waiting(
    store: Store, reg_id: int, status: RegistrationStatus, on: date, today: date
) -> StatusChange:
    not_after_today(on, today)
    with store.write():
        reg = get_registration(store, reg_id)
        if reg["status"] == RegistrationStatus.PLACED:
            group = store.value(
                "SELECT group_id FROM group_members WHERE registration_id = ? AND left_on IS NULL",
                (reg_id,),
            )
            raise Conflict(
                _("registration {id} is placed in group {group}").format(id=reg_id, group=group),
                _("take them out of the group first"),
                code="registration.placed",
                id=reg_id,
                group=group,
            )
        if reg["status"] != RegistrationStatus.WAITING:
            raise Conflict(
                _("registration {id} already has the status {status}").format(
                    id=reg_id, status=label(reg["status"])
                ),
                _("only waiting registrations can be withdrawn or referred"),
                code="registration.not_waiting",
                id=reg_id,
                status=reg["status"],
            )
        in_order(reg, on)
        set_status(store, reg_id, status, on)
    return {"id": reg_id, "status": status}


def withdraw(store: Store, reg_id: int, on: date, today: date) -> StatusChange:
    return _leave_waiting(store, reg_id, RegistrationStatus.WITHDRAWN, on, today)


def refer(store: Store, reg_id: int, on: date, today: date) -> StatusChange:
    """Record that the person was referred elsewhere; never why."""
    return _leave_waiting(store, reg_id, RegistrationStatus.REFERRED, on, today)
