"""Correcting what was recorded wrongly (GDPR art. 16), and putting a registration back in the
queue: `edit` and `reinstate`.

Each is one transaction, checked with the rules `intake add` applies (the same functions of
services/intake.py), and audited by record id only: the old and new values are returned to the
caller, to be shown on screen, and never written to the audit.

A person's identity (name, phone, e-mail, note) is one `persons` row shared by all of their
registrations: correcting it through one registration corrects it for all of them, and the
result says which those are. Gender, birth year and source are facts of one registration.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypedDict

from shgroups.dates import not_after_today, not_before_latest
from shgroups.enums import RegistrationStatus, label
from shgroups.errors import Conflict, InvalidInput
from shgroups.i18n import _
from shgroups.names import name_key
from shgroups.services import catalogue
from shgroups.services.intake import (
    PersonInput,
    ReadyPair,
    _alternative,
    _find_duplicate,
    _source,
    contact_keys,
    get_registration,
    in_order,
    known_persons,
    ready_pairs,
    region_of,
    set_alternatives,
    set_status,
    validate_person,
)
from shgroups.services.settings import get_settings
from shgroups.storage import Store

# --- input and results -------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationEdit:
    """What to correct in one registration; None leaves a field as it is. An empty text
    clears the phone, e-mail, note or source; an empty tuple clears the alternatives."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None
    note: str | None = None
    theme: str | None = None
    area: str | None = None
    also_themes: tuple[str, ...] | None = None
    also_areas: tuple[str, ...] | None = None
    gender: str | None = None
    birth_year: int | None = None
    source: str | None = None
    on: date | None = None  # the registration date
    force: bool = False  # a forceable identity-number alarm, a possible duplicate, a shared name
    new_theme: bool = False
    new_area: bool = False

    def given(self) -> bool:
        """Something to correct was given (the registration date is the field `on`)."""
        return any(getattr(self, "on" if f == "date" else f) is not None for f in FIELDS)


# The fields of a registration a correction may change, in the order they are shown back.
FIELDS = (
    "name",
    "phone",
    "email",
    "note",
    "theme",
    "area",
    "also_themes",
    "also_areas",
    "gender",
    "birth_year",
    "source",
    "date",
)
IDENTITY = ("name", "phone", "email", "note")


class Change(TypedDict):
    field: str  # one of FIELDS
    old: Any  # text, a number, a list of names (also_themes, also_areas) or None
    new: Any


class Edited(TypedDict):
    """`intake edit`: which fields changed, from what to what (for the screen and for the
    caller only: the audit records the registration id alone)."""

    id: int
    changed: list[str]  # field names, in FIELDS order
    changes: list[Change]
    registrations: list[int]  # every registration of the person (they share the identity)
    ready: list[ReadyPair]  # pairs the corrected choices brought to the minimum


class Reinstated(TypedDict):
    """`intake reinstate`: the registration waits again."""

    id: int
    status: str
    date: str  # its registration date: the original one unless a new one was given
    confirmed_on: str
    ready: list[ReadyPair]


# --- helpers -----------------------------------------------------------------------------------


def _alternatives(store: Store, reg_id: int) -> tuple[dict[int, str], dict[int, str]]:
    """A registration's alternative themes and areas, id -> name, by name."""
    themes = {
        r["id"]: r["name"]
        for r in store.rows(
            "SELECT t.id, t.name FROM registration_themes x JOIN themes t ON t.id = x.theme_id "
            "WHERE x.registration_id = ? ORDER BY t.name",
            (reg_id,),
        )
    }
    areas = {
        r["id"]: r["name"]
        for r in store.rows(
            "SELECT a.id, a.name FROM registration_areas x JOIN areas a ON a.id = x.area_id "
            "WHERE x.registration_id = ? ORDER BY a.name",
            (reg_id,),
        )
    }
    return themes, areas


def _names(choices: dict[int, str]) -> list[str]:
    return sorted(choices.values())


def _erased(reg: dict[str, Any]) -> Conflict:
    return Conflict(
        _("registration {id} holds no identity: it was erased").format(id=reg["id"]),
        _("nothing about who they were is kept; the audit shows what was done"),
        code="registration.erased",
        id=reg["id"],
    )


def _current_group(store: Store, reg_id: int) -> int | None:
    group: int | None = store.value(
        "SELECT group_id FROM group_members WHERE registration_id = ? AND left_on IS NULL",
        (reg_id,),
    )
    return group


def _refuse_choice_change(store: Store, reg: dict[str, Any], field: str) -> None:
    """The theme or area of a registration that is not waiting stays as it is: a placed
    person's choice is their group's, and a withdrawn one is history until it waits again."""
    if reg["status"] == RegistrationStatus.WAITING:
        return
    if reg["person_id"] is None:
        raise _erased(reg)
    if reg["status"] == RegistrationStatus.PLACED:
        group = _current_group(store, reg["id"])
        if group is not None:
            raise Conflict(
                _(
                    "registration {id} is placed in group {group}: its theme and area are the "
                    "group's"
                ).format(id=reg["id"], group=group),
                _("take them out of the group and back into the queue first"),
                code="edit.placed",
                field=field,
                id=reg["id"],
                group=group,
            )
        raise Conflict(
            _(
                "registration {id} was placed in a group that has ended: its theme and area "
                "stay the group's"
            ).format(id=reg["id"]),
            _("to wait for a new group, register them again"),
            code="edit.group_ended",
            field=field,
            id=reg["id"],
        )
    raise Conflict(
        _(
            "registration {id} is not waiting (status: {status}): only a waiting "
            "registration's theme and area are changed"
        ).format(id=reg["id"], status=label(reg["status"])),
        _("put it back in the queue first"),
        code="edit.not_waiting",
        field=field,
        id=reg["id"],
        status=reg["status"],
    )


def _new_date(store: Store, reg: dict[str, Any], on: date, today: date) -> dict[str, str]:
    """The columns a corrected registration date changes: the registration date and what was
    recorded with it that day (its status date, confirmation, consent or information date, when
    they are that day); refused after anything that happened to the registration since."""
    not_after_today(on, today)
    old = reg["registered_on"]
    follows = [
        (
            reg["status_on"] if reg["status_on"] != old else None,
            _("registration {id} last changed status").format(id=reg["id"]),
        ),
        (
            reg["confirmed_on"] if reg["confirmed_on"] != old else None,
            _("registration {id} was last confirmed").format(id=reg["id"]),
        ),
        (
            store.value(
                "SELECT min(joined_on) FROM group_members WHERE registration_id = ?",
                (reg["id"],),
            ),
            _("registration {id} joined a group").format(id=reg["id"]),
        ),
    ]
    known = [(day, what) for day, what in follows if day]
    if known:
        first, what = min(known, key=lambda event: event[0])
        if on.isoformat() > first:
            raise InvalidInput(
                _("{date} is after {event} ({day})").format(date=on, event=what, day=first),
                _("a registration comes before what happened to it"),
                code="registration.date_after_event",
                field="date",
                id=reg["id"],
                date=on.isoformat(),
                day=first,
                event=what,
            )
    moved = {"registered_on": on.isoformat()}
    for column in ("status_on", "confirmed_on", "consent_on", "informed_on"):
        if reg[column] == old:
            moved[column] = on.isoformat()
    return moved


# --- edit --------------------------------------------------------------------------------------


def edit(store: Store, reg_id: int, change: RegistrationEdit, today: date) -> Edited:
    """Correct a registration, and its person's identity, in one transaction."""
    if not change.given():
        raise InvalidInput(
            _("nothing to correct was given"),
            _("name the fields to correct and their right values"),
            code="edit.nothing_given",
            id=reg_id,
        )
    with store.write():
        reg = get_registration(store, reg_id)
        settings = get_settings(store)
        region = region_of(store)
        changes: list[Change] = []
        person_updates: dict[str, Any] = {}
        reg_updates: dict[str, Any] = {}

        # Identity: checked as `intake add` checks it; what was not given is not checked again
        # (a name stored with --force stays as it was let in).
        identity_given = any(getattr(change, f) is not None for f in IDENTITY)
        if identity_given and reg["person_id"] is None:
            raise _erased(reg)
        typed = validate_person(
            PersonInput(
                name=change.name if change.name is not None else "-",
                phone=change.phone,
                email=change.email,
                note=change.note,
                gender=change.gender,
                birth_year=change.birth_year,
                source=change.source,
            ),
            today,
            change.force,
            region,
        )
        person = PersonInput(
            name=typed.name if change.name is not None else reg["name"] or "",
            phone=typed.phone if change.phone is not None else reg["phone"],
            email=typed.email if change.email is not None else reg["email"],
            note=typed.note if change.note is not None else reg["note"],
        )
        for field in IDENTITY:
            old, new = reg[field], getattr(person, field)
            if getattr(change, field) is not None and old != new:
                changes.append({"field": field, "old": old, "new": new})
                person_updates[field] = new

        # Facts of this registration.
        facts = {
            "gender": typed.gender,
            "birth_year": typed.birth_year,
            "source": _source(settings, typed.source) if typed.source else None,
        }
        for field, new in facts.items():
            if getattr(change, field) is not None and reg[field] != new:
                changes.append({"field": field, "old": reg[field], "new": new})
                reg_updates[field] = new

        # Choices.
        theme_id, area_id = reg["theme_id"], reg["area_id"]
        theme = catalogue.Choice(theme_id, reg["theme"])
        area = catalogue.Choice(area_id, reg["area"])
        if change.theme is not None:
            theme = catalogue.choose(store, "theme", change.theme, create=change.new_theme)
            if theme.id != theme_id:
                _refuse_choice_change(store, reg, "theme")
                changes.append({"field": "theme", "old": reg["theme"], "new": theme.name})
        if change.area is not None:
            area = catalogue.choose(store, "area", change.area, create=change.new_area)
            if area.id != area_id:
                _refuse_choice_change(store, reg, "area")
                changes.append({"field": "area", "old": reg["area"], "new": area.name})
        old_themes, old_areas = _alternatives(store, reg_id)
        also_themes = (
            [_alternative(store, "theme", t, theme) for t in change.also_themes]
            if change.also_themes is not None
            else [catalogue.Choice(i, n) for i, n in old_themes.items()]
        )
        also_areas = (
            [_alternative(store, "area", a, area) for a in change.also_areas]
            if change.also_areas is not None
            else [catalogue.Choice(i, n) for i, n in old_areas.items()]
        )
        # The first choice is not also an alternative (as `intake add` stores it).
        new_themes = {c.name: c for c in also_themes if name_key(c.name) != name_key(theme.name)}
        new_areas = {c.name: c for c in also_areas if name_key(c.name) != name_key(area.name)}
        if sorted(new_themes) != _names(old_themes):
            changes.append(
                {"field": "also_themes", "old": _names(old_themes), "new": sorted(new_themes)}
            )
        if sorted(new_areas) != _names(old_areas):
            changes.append(
                {"field": "also_areas", "old": _names(old_areas), "new": sorted(new_areas)}
            )

        if change.on is not None and change.on.isoformat() != reg["registered_on"]:
            reg_updates.update(_new_date(store, reg, change.on, today))
            changes.append(
                {"field": "date", "old": reg["registered_on"], "new": change.on.isoformat()}
            )

        changed = {c["field"] for c in changes}
        reg_ids = [reg_id]
        if reg["person_id"] is not None:
            reg_ids = [
                r["id"]
                for r in store.rows(
                    "SELECT id FROM registrations WHERE person_id = ? ORDER BY id",
                    (reg["person_id"],),
                )
            ]
        if not changed:
            return {
                "id": reg_id,
                "changed": [],
                "changes": [],
                "registrations": reg_ids,
                "ready": [],
            }

        # Who they are after the correction: not someone else registered, not twice waiting.
        if changed & {"name", "phone", "email"} and not change.force:
            others = known_persons(store, person, region, exclude=reg["person_id"])
            if others:
                firsts = [o["first"] for o in others]
                raise Conflict(
                    _(
                        "registration {id} would then have the same name and phone number or "
                        "e-mail address as registration {ids}, another identity"
                    ).format(id=reg_id, ids=_(" or ").join(str(i) for i in firsts)),
                    _("check whether they are the same person or two who share a phone"),
                    code="edit.same_as_other_identity",
                    id=reg_id,
                    ids=firsts,
                    first=firsts[0],
                )
        if changed & {"name", "phone", "email", "theme"} and reg["status"] in (
            RegistrationStatus.WAITING,
            RegistrationStatus.PLACED,
        ):
            duplicate = _find_duplicate(store, person, theme.id, region, exclude=reg_id)
            if duplicate is not None:
                mine = duplicate in reg_ids
                if mine or not change.force:
                    raise Conflict(
                        (
                            _("registration {other} of the same person is already for this theme")
                            if mine
                            else _(
                                "this would look like registration {other}: same name, same theme"
                            )
                        ).format(other=duplicate),
                        _("one registration per person and theme is enough")
                        if mine
                        else _("it may be another person with the same name"),
                        code="edit.same_theme_twice" if mine else "edit.duplicate",
                        id=reg_id,
                        other=duplicate,
                    )

        # Write.
        if person_updates:
            phone, email = contact_keys(person, region)
            store.execute(
                "UPDATE persons SET name = :name, name_key = :key, phone = :phone, "
                "phone_key = :phone_key, email = :email, email_key = :email_key, note = :note "
                "WHERE id = :id",
                {
                    "name": person.name,
                    "key": name_key(person.name),
                    "phone": person.phone,
                    "phone_key": phone,
                    "email": person.email,
                    "email_key": email,
                    "note": person.note,
                    "id": reg["person_id"],
                },
            )
        if "theme" in changed:
            reg_updates["theme_id"] = catalogue.made(store, "theme", theme)
        if "area" in changed:
            reg_updates["area_id"] = catalogue.made(store, "area", area)
        if reg_updates:
            columns = ", ".join(f"{column} = :{column}" for column in reg_updates)
            store.execute(
                f"UPDATE registrations SET {columns} WHERE id = :id", {**reg_updates, "id": reg_id}
            )
        first_theme = reg_updates.get("theme_id", theme_id)
        first_area = reg_updates.get("area_id", area_id)
        themes = {first_theme: theme.name}
        areas = {first_area: area.name}
        for kind, first, chosen in (
            ("theme", first_theme, new_themes),
            ("area", first_area, new_areas),
        ):
            if changed & {kind, f"also_{kind}s"}:
                ids = [catalogue.made(store, kind, choice) for choice in chosen.values()]
                set_alternatives(store, reg_id, kind, first, ids)
        store.audit("registration.edit", "registration", reg_id)

        ready: list[ReadyPair] = []
        if reg["status"] == RegistrationStatus.WAITING and changed & {
            "theme",
            "area",
            "also_themes",
            "also_areas",
        }:
            alt_themes, alt_areas = _alternatives(store, reg_id)
            ready = ready_pairs(store, {**themes, **alt_themes}, {**areas, **alt_areas})
        ordered = sorted(changes, key=lambda c: FIELDS.index(c["field"]))
        return {
            "id": reg_id,
            "changed": [c["field"] for c in ordered],
            "changes": ordered,
            "registrations": reg_ids,
            "ready": ready,
        }


# --- reinstate ---------------------------------------------------------------------------------


def reinstate(store: Store, reg_id: int, on: date | None, today: date) -> Reinstated:
    """A withdrawn or referred registration waits again, keeping its place in the queue (its
    registration date) unless `on` gives a new registration date; it counts as confirmed
    that day (today, or `on`), so the next purge does not expire it."""
    day = on or today
    not_after_today(day, today)
    with store.write():
        reg = get_registration(store, reg_id)
        if reg["person_id"] is None:
            raise _erased(reg)
        if reg["status"] == RegistrationStatus.WAITING:
            raise Conflict(
                _("registration {id} is waiting already").format(id=reg_id),
                _("confirming it renews it"),
                code="reinstate.waiting",
                id=reg_id,
            )
        if reg["status"] == RegistrationStatus.PLACED:
            group = _current_group(store, reg_id)
            if group is not None:
                raise Conflict(
                    _("registration {id} is placed in group {group}").format(
                        id=reg_id, group=group
                    ),
                    _("take them out of the group and back into the queue instead"),
                    code="reinstate.placed",
                    id=reg_id,
                    group=group,
                )
            raise Conflict(
                _("registration {id} was placed in a group that has ended").format(id=reg_id),
                _("to wait for a new group, register them again"),
                code="reinstate.group_ended",
                id=reg_id,
            )
        theme = catalogue.get_theme(store, reg["theme_id"])
        if theme["retired_on"]:
            raise Conflict(
                _("theme {name!r} is retired").format(name=theme["name"]),
                _("to wait for another theme, register them again"),
                code="reinstate.theme_retired",
                id=reg_id,
                theme=theme["name"],
            )
        area = catalogue.get_area(store, reg["area_id"])
        if area.get("retired_on"):
            raise Conflict(
                _("area {name!r} is retired").format(name=area["name"]),
                _("to wait in another area, register them again"),
                code="reinstate.area_retired",
                id=reg_id,
                area=area["name"],
            )
        other = store.value(
            "SELECT id FROM registrations WHERE person_id = ? AND id != ? AND theme_id = ? "
            "AND status IN ('waiting', 'placed') ORDER BY id LIMIT 1",
            (reg["person_id"], reg_id, reg["theme_id"]),
        )
        if other is not None:
            raise Conflict(
                _("registration {other} of the same person is already for this theme").format(
                    other=other
                ),
                _("one registration per person and theme is enough"),
                code="reinstate.already_waiting",
                id=reg_id,
                other=other,
            )
        if on is not None:
            not_before_latest(
                on,
                [(reg["status_on"], _("registration {id} left the queue").format(id=reg_id))],
            )
            store.execute(
                "UPDATE registrations SET registered_on = ? WHERE id = ?", (on.isoformat(), reg_id)
            )
        else:
            in_order(reg, day)
        set_status(
            store,
            reg_id,
            RegistrationStatus.WAITING,
            day,
            action="registration.reinstate",
            renew=True,
        )
        alt_themes, alt_areas = _alternatives(store, reg_id)
        ready = ready_pairs(
            store,
            {reg["theme_id"]: reg["theme"], **alt_themes},
            {reg["area_id"]: reg["area"], **alt_areas},
        )
        return {
            "id": reg_id,
            "status": RegistrationStatus.WAITING,
            "date": on.isoformat() if on is not None else reg["registered_on"],
            "confirmed_on": day.isoformat(),
            "ready": ready,
        }
