"""Groups: starting them from proposals, members, starter sessions, ending."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any, TypedDict

from shgroups import dates
from shgroups.dates import not_after_today, not_before, not_before_latest
from shgroups.enums import GroupStatus, RegistrationStatus
from shgroups.errors import Conflict, InvalidInput, NotFound
from shgroups.freetext import check_free_text, identity_number_error, shaped_like_id_number
from shgroups.i18n import N_, _, ngettext
from shgroups.names import name_key
from shgroups.services import (
    catalogue,
    holidays,  # noqa: F401  (declares the SQL function `working_day`)
    schedule,
)
from shgroups.services.choices import one_of
from shgroups.services.intake import set_status, waiting_registration
from shgroups.services.readiness import ready_groups
from shgroups.services.settings import get_settings
from shgroups.storage import Store
from shgroups.text import typed


def working_day_sql(day: str) -> str:
    """SQL moving the ISO date `day` to the county's next working day (itself if one)."""
    return f"working_day({day})"


def followup_due_sql(last: str, moved: bool = True) -> str:
    """SQL for the day group `g`'s follow-up falls due after the one done on `last` (an SQL
    expression, NULL for the first): one interval (`followup_weeks`) after it, else after the
    handover (the last starter session), else, for a group not handed over, after the weeks
    of its planned starter sessions; a day the county is off (a weekend, a holiday, a klämdag
    when the county counts them) moves it to the next working day (`working_day`, registered
    on every connection by storage.Store). `moved=False`: the day before that move. The one
    rule for `followups due` and the yearly report."""
    planned = f"""
date(coalesce({last}, g.handover_on,
              date(g.started_on, '+' || (g.starter_sessions * 7 * g.every_weeks) || ' days')),
     '+' || (g.followup_weeks * 7) || ' days')"""
    return working_day_sql(planned) if moved else planned


# One row per group with what lists, `show` and `followups due` need. The next follow-up is
# counted from the last one done, else from the handover (the last starter session).
_LAST_FOLLOWUP = "(SELECT max(f.done_on) FROM followups f WHERE f.group_id = g.id)"
NEXT_FOLLOWUP_SQL = followup_due_sql(_LAST_FOLLOWUP)
NEXT_FOLLOWUP_PLANNED_SQL = followup_due_sql(_LAST_FOLLOWUP, moved=False)

GROUP_SQL = f"""
SELECT g.id, t.name AS theme, a.name AS area, g.status, g.started_on, s.name AS starter,
       g.starter_sessions,
       (SELECT count(*) FROM sessions x WHERE x.group_id = g.id) AS sessions_held,
       (SELECT group_concat(m.registration_id) FROM group_members m
         WHERE m.group_id = g.id AND m.left_on IS NULL) AS member_ids,
       g.followup_weeks, g.handover_on, g.ended_on, g.open,
       g.weekday, g.meets_at AS time, g.venue, g.every_weeks,
       CASE WHEN g.status = 'running' THEN {NEXT_FOLLOWUP_SQL} END AS next_followup
  FROM groups g
  JOIN themes t ON t.id = g.theme_id
  JOIN areas a ON a.id = g.area_id
  LEFT JOIN staff s ON s.id = g.starter_id
"""


class Group(TypedDict):
    """A group as `groups list` and `groups show` print it (and as the services use it).

    TypedDicts here and in the other services: these are the JSON documents scripts rely on
    (docs/design.md §4), so at run time a dict, printed as it is, whose keys are declared once
    for mypy, for the command line's views and for the README's table of JSON keys."""

    id: int
    theme: str
    area: str
    status: str
    started_on: str
    starter: str | None
    starter_sessions: int
    sessions_held: int
    followup_weeks: int
    handover_on: str | None
    ended_on: str | None
    open: bool
    next_followup: str | None
    members: list[int]  # registration ids of the current members
    weekday: int | None  # the day it meets: ISO weekday, 1 = Monday … 7 = Sunday
    time: str | None  # the time it meets, "HH:MM"
    venue: str | None  # where it meets: a place, never a person
    every_weeks: int  # it meets every week (1) or every other week (2)
    planned: bool  # not ended, and its start date is after today: a plan


class Member(TypedDict):
    id: int  # the registration
    name: str | None  # None after erasure
    joined_on: str
    left_on: str | None


class Session(TypedDict):
    number: int
    date: str
    attended: int | None


class Followup(TypedDict):
    date: str
    outcome: str
    method: str | None
    note: str | None


class GroupDetail(Group):
    """`groups show`: a group with every stay, session and follow-up."""

    member_list: list[Member]
    sessions: list[Session]
    plan: list[schedule.Meeting]  # the starter sessions planned, and meetings cancelled
    followups: list[Followup]


class Started(TypedDict):
    id: int
    status: str
    members: list[int]
    theme: str
    area: str
    starter: str | None
    next_followup: str | None
    started_on: str
    planned: bool  # the start date is after today


class Membership(TypedDict):
    group: int
    members: list[int]


class Removed(Membership):
    registration: int
    status: str


class Ended(TypedDict):
    id: int
    status: str
    ended_on: str


class SessionAdded(TypedDict):
    group: int
    number: int
    of: int
    group_status: str
    next_followup: str | None


def _shape(row: dict[str, Any], today: date | None) -> Group:
    ids = row.pop("member_ids")
    row["members"] = sorted(int(x) for x in ids.split(",")) if ids else []
    row["open"] = bool(row["open"])
    day = (today or dates.today()).isoformat()
    row["planned"] = row["status"] != GroupStatus.ENDED and row["started_on"] > day
    return row  # type: ignore[return-value]  # GROUP_SQL's columns


def list_groups(
    store: Store,
    status: str | None = None,
    starter: str | None = None,
    today: date | None = None,
) -> list[Group]:
    """The groups, by id; `status` and `starter` (a staff member's name) narrow the list.
    `today` tells a planned group (its start date after today) from one that has started."""
    if status is not None:
        status = one_of(GroupStatus, status, "status")
    starter_id = catalogue.resolve(store, "staff", starter)["id"] if starter else None
    rows = store.rows(
        GROUP_SQL + " WHERE (:status IS NULL OR g.status = :status)"
        " AND (:starter IS NULL OR g.starter_id = :starter) ORDER BY g.id",
        {"status": status, "starter": starter_id},
    )
    return [_shape(r, today) for r in rows]


def get_group(store: Store, group_id: int, today: date | None = None) -> Group:
    found = store.row(GROUP_SQL + " WHERE g.id = ?", (group_id,))
    if found is None:
        raise NotFound(
            _("there is no group {id}").format(id=group_id),
            _("the list of groups shows their ids"),
            code="group.not_found",
            id=group_id,
        )
    return _shape(found, today)


def show_group(store: Store, group_id: int, today: date | None = None) -> GroupDetail:
    group: GroupDetail = get_group(store, group_id, today)  # type: ignore[assignment]  # below
    group["member_list"] = store.rows(  # type: ignore[typeddict-item]
        """SELECT m.registration_id AS id, p.name, m.joined_on, m.left_on
             FROM group_members m JOIN registrations r ON r.id = m.registration_id
             LEFT JOIN persons p ON p.id = r.person_id
            WHERE m.group_id = ?
            ORDER BY m.left_on IS NOT NULL, m.joined_on, m.registration_id, m.id""",
        (group_id,),
    )
    group["sessions"] = store.rows(  # type: ignore[typeddict-item]
        "SELECT number, held_on AS date, attended FROM sessions WHERE group_id = ? ORDER BY number",
        (group_id,),
    )
    group["plan"] = [m for m in schedule.group_plan(store, group_id) if m["status"] != "held"]
    group["followups"] = store.rows(  # type: ignore[typeddict-item]
        "SELECT done_on AS date, outcome, method, note FROM followups "
        "WHERE group_id = ? ORDER BY done_on, id",
        (group_id,),
    )
    return group


# The days a group can meet, as ISO numbers them (1 = Monday); names for tables and for typing.
WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)
VENUE_MAX = 80
_TIME = re.compile(r"([01]?[0-9]|2[0-3])[:.]([0-5][0-9])")
# A venue is a place: an e-mail address or a phone number (8 digits or more, with single
# spaces or hyphens between them) in it would be a person's contact.
_CONTACT = re.compile(r"@|(?:\d[ -]?){7}\d")


def weekday_name(day: int | None) -> str | None:
    """An ISO weekday as a person reads it ("Monday"), in the interface's language."""
    return _(WEEKDAYS[day - 1]) if day else None


def parse_weekday(text: str) -> int | None:
    """The ISO weekday typed as a name ("monday", "Mon", in any case), or as 1–7; empty text
    clears it (None)."""
    word = " ".join(text.casefold().split())
    if not word:
        return None
    if word.isascii() and word.isdigit() and 1 <= int(word) <= 7:
        return int(word)
    for number, name in enumerate(WEEKDAYS, 1):
        for spelling in {name.casefold(), _(name).casefold()}:
            if word == spelling or (len(word) >= 3 and spelling.startswith(word)):
                return number
    raise InvalidInput(
        _("{text!r} is not a day of the week").format(text=text),
        _("give a day such as monday (or mon), or its number: 1 for Monday to 7 for Sunday"),
        code="weekday.invalid",
        field="weekday",
        text=text,
    )


def parse_time(text: str) -> str | None:
    """A time of day typed as 18:30, 18.30 or 9:05, stored as "HH:MM"; empty text clears it."""
    if not text.strip():
        return None
    found = _TIME.fullmatch(text.strip())
    if found is None:
        raise InvalidInput(
            _("{text!r} is not a time of day").format(text=text),
            _("give hours and minutes, e.g. 18:30"),
            code="time.invalid",
            field="time",
            text=text,
        )
    return f"{int(found.group(1)):02d}:{found.group(2)}"


def check_venue(text: str) -> str | None:
    """Where a group meets, as it will be stored (one line, NFC); empty text clears it. A
    place, never a person: no identity number, e-mail address or phone number, and short."""
    venue = " ".join(typed(text, "venue").split())
    if not venue:
        return None
    if len(venue) > VENUE_MAX:
        raise InvalidInput(
            _("the venue must be at most {max} characters").format(max=VENUE_MAX),
            _("name the place briefly, e.g. Stadsbiblioteket, rum 2"),
            code="venue.too_long",
            field="venue",
            max=VENUE_MAX,
        )
    check_free_text(venue, "venue")
    if shaped_like_id_number(venue):  # even with a wrong check digit: no phone number either
        raise identity_number_error("venue")
    if _CONTACT.search(venue):
        raise InvalidInput(
            _("the venue looks like a phone number or an e-mail address"),
            _("a venue is a place (a library, a room), never a person or how to reach one"),
            code="venue.contact",
            field="venue",
        )
    return venue


# Punctuation that separates words in a venue ("hos Anna O., rum 2"); both the venue and the
# names in the register are compared with it read as spaces.
_VENUE_PUNCTUATION = ',.;:()[]!?"/&+'


def _as_words(sql: str) -> str:
    for char in _VENUE_PUNCTUATION:  # none of them is a quote
        sql = f"replace({sql}, '{char}', ' ')"
    return sql


# One pass over the register (0.1 s for 200,000 persons): a name's first two characters must
# be in the venue as typed before its words are compared, padded with spaces (whole words).
_PERSON_IN_VENUE_SQL = f"""
SELECT 1 FROM (SELECT ' ' || trim({_as_words("p.name_key")}) || ' ' AS words FROM persons p
                WHERE instr(:typed, substr(p.name_key, 1, 2)) > 0)
 WHERE words <> '  ' AND instr(:venue, words) > 0
 LIMIT 1"""


def check_venue_names_nobody(store: Store, venue: str | None) -> None:
    """Refuse a venue that holds the name of a person in the register as whole words ("hos
    Anna O."): the venue reaches the shared calendar. The error never repeats the name."""
    if not venue:
        return
    typed = words = name_key(venue)
    for char in _VENUE_PUNCTUATION:
        words = words.replace(char, " ")
    if store.value(_PERSON_IN_VENUE_SQL, {"typed": typed, "venue": f" {words.strip()} "}):
        raise InvalidInput(
            _("the venue holds the name of a person in the register"),
            _("a venue is a place (a library, a room), never a person or how to reach one"),
            code="venue.person",
            field="venue",
        )


def _details(
    weekday: str | None, time: str | None, venue: str | None, every_weeks: int | None = None
) -> dict[str, Any]:
    """The practical details given (None: not given; empty text: cleared), as columns."""
    given: dict[str, Any] = {}
    if every_weeks is not None:
        given["every_weeks"] = 2 if every_weeks == 2 else 1
    if weekday is not None:
        given["weekday"] = parse_weekday(weekday)
    if time is not None:
        given["meets_at"] = parse_time(time)
    if venue is not None:
        given["venue"] = check_venue(venue)
    return given


def _check_size(count: int, settings: dict[str, Any], force: bool) -> None:
    lo, hi = settings["min_size"], settings["max_size"]
    if not force and not lo <= count <= hi:
        raise Conflict(
            _("a group needs {lo} to {hi} members; this one would have {n}").format(
                lo=lo, hi=hi, n=count
            ),
            _("the county's rule can be overridden for one group"),
            code="members.too_few" if count < lo else "members.too_many",
            field="members",
            min=lo,
            max=hi,
            n=count,
        )


def _place(store: Store, group_id: int, reg_id: int, on: date) -> None:
    store.execute(
        "INSERT INTO group_members (group_id, registration_id, joined_on) VALUES (?, ?, ?)",
        (group_id, reg_id, on.isoformat()),
    )
    set_status(store, reg_id, RegistrationStatus.PLACED, on)


def _waiting_member(store: Store, reg_id: int, on: date) -> dict[str, Any]:
    return waiting_registration(store, reg_id, _("only waiting registrations can join a group"), on)


def _check_wants(store: Store, reg: dict[str, Any], group: Mapping[str, Any], force: bool) -> None:
    """The person asked for the group's theme and area (first or alternative choice)."""
    if force:
        return
    for kind, table in (("theme", "registration_themes"), ("area", "registration_areas")):
        wanted = reg[f"{kind}_id"] == group[f"{kind}_id"] or store.value(
            f"SELECT 1 FROM {table} WHERE registration_id = ? AND {kind}_id = ?",
            (reg["id"], group[f"{kind}_id"]),
        )
        if not wanted:
            raise Conflict(
                _("registration {id} does not wait for {name!r}").format(
                    id=reg["id"], name=group[kind]
                ),
                _("they can be placed anyway"),
                code=f"registration.other_{kind}",
                id=reg["id"],
                **{kind: group[kind]},
            )


def start_group(
    store: Store,
    *,
    theme: str,
    area: str | None,
    members: list[int] | None,
    starter: str | None,
    starter_sessions: int | None,
    followup_weeks: int | None,
    on: date,
    today: date,
    force: bool = False,
    weekday: str | None = None,
    time: str | None = None,
    venue: str | None = None,
    open_: bool | None = None,
    every_weeks: int | None = None,
) -> Started:
    """Start a group on `on`. A date after today is a plan: the group is `starting` and
    starts then; its members are placed today (so one who drops out before the first meeting
    can leave), and no session is recorded before it starts."""
    _not_too_far_ahead(on, today)
    placed_on = min(on, today)
    details = _details(weekday, time, venue, every_weeks)
    with store.write():
        check_venue_names_nobody(store, details.get("venue"))
        settings = get_settings(store)
        sessions = settings["starter_sessions"] if starter_sessions is None else starter_sessions
        weeks = settings["followup_weeks"] if followup_weeks is None else followup_weeks
        _check_plan(sessions, weeks)
        t = catalogue.resolve_theme(store, theme)
        a = catalogue.resolve_area(store, area)
        staff_id = catalogue.resolve_starter(store, starter)["id"] if starter else None
        if members is None:
            proposal = next(
                (
                    p
                    for p in ready_groups(
                        store, settings["min_size"], settings["max_size"], placed_on
                    )
                    if p["theme_id"] == t["id"] and p["area_id"] == a["id"]
                ),
                None,
            )
            if proposal is None:
                raise Conflict(
                    _("no group is ready for {theme!r} in {area!r}").format(
                        theme=t["name"], area=a["name"]
                    ),
                    _("a group can also start with chosen people"),
                    code="group.not_ready",
                    theme=t["name"],
                    area=a["name"],
                )
            members = proposal["members"]
        if not members:
            raise InvalidInput(
                _("the list of members is empty"),
                _("give registration ids"),
                code="members.empty",
                field="members",
            )
        if len(set(members)) != len(members):
            raise InvalidInput(
                _("the list of members names someone twice"),
                _("list each id once"),
                code="members.twice",
                field="members",
            )
        for reg_id in members:
            reg = _waiting_member(store, reg_id, placed_on)
            _check_wants(
                store,
                reg,
                {"theme_id": t["id"], "theme": t["name"], "area_id": a["id"], "area": a["name"]},
                force,
            )
        _check_size(len(members), settings, force)
        group_id = store.insert(
            "groups",
            {
                "theme_id": t["id"],
                "area_id": a["id"],
                "status": GroupStatus.STARTING,
                "started_on": on.isoformat(),
                "starter_id": staff_id,
                "starter_sessions": sessions,
                "followup_weeks": weeks,
                "open": 1 if open_ is None else int(open_),
                **details,
            },
        )
        for reg_id in members:
            _place(store, group_id, reg_id, placed_on)
        if sessions == 0:
            _hand_over(store, group_id, on)
        store.audit("group.start", "group", group_id)
        group = get_group(store, group_id, today)
    return {
        "id": group_id,
        "status": group["status"],
        "members": group["members"],
        "theme": group["theme"],
        "area": group["area"],
        "starter": group["starter"],
        "next_followup": group["next_followup"],
        "started_on": group["started_on"],
        "planned": group["planned"],
    }


# How far ahead a start may be planned: further is more likely a mistyped year.
PLAN_DAYS = 366


def _not_too_far_ahead(on: date, today: date, field: str = "date") -> None:
    if (on - today).days > PLAN_DAYS:
        raise InvalidInput(
            _("{date} is more than a year after today ({today})").format(date=on, today=today),
            _("check the year; a start can be planned up to a year ahead"),
            code="date.too_far_ahead",
            field=field,
            date=on.isoformat(),
            today=today.isoformat(),
        )


def _move_start(store: Store, group: Group, start: date) -> None:
    """A planned start moved (or a start date corrected) before the first starter session:
    not before the day its members were placed."""
    # A group planned without starter sessions runs from its start date: until that day, its
    # start (and so its handover) is still a plan.
    unheld = group["status"] == GroupStatus.RUNNING and bool(group.get("planned"))
    if not (group["status"] == GroupStatus.STARTING or unheld) or group["sessions_held"]:
        raise Conflict(
            (
                _("group {id} has held its first starter session: its start stays")
                if group["sessions_held"]
                else _("group {id} runs on its own: its start stays")
            ).format(id=group["id"]),
            _("a start date can be moved until the first starter session"),
            code="group.begun",
            field="start_date",
            id=group["id"],
        )
    placed = _first_placed(store, group["id"])
    if placed is not None:
        not_before(start, placed, _("the group's members were placed"), "start_date")
    store.execute("UPDATE groups SET started_on = ? WHERE id = ?", (start.isoformat(), group["id"]))
    if unheld:
        _hand_over(store, group["id"], start)


def _check_plan(sessions: int | None, weeks: int | None) -> None:
    if sessions is not None and not 0 <= sessions <= 20:
        raise InvalidInput(
            _("the number of starter sessions must be between {min} and {max}").format(
                min=0, max=20
            ),
            _("the usual is 4 (1–3 in Norway, 4–6 in Västmanland)"),
            code="starter_sessions.out_of_range",
            field="starter_sessions",
            min=0,
            max=20,
        )
    if weeks is not None and not 1 <= weeks <= 52:
        raise InvalidInput(
            _("the weeks between follow-ups must be between {min} and {max}").format(min=1, max=52),
            _("the usual is 6"),
            code="followup_weeks.out_of_range",
            field="followup_weeks",
            min=1,
            max=52,
        )


def _hand_over(store: Store, group_id: int, on: date) -> None:
    store.execute(
        "UPDATE groups SET status = ?, handover_on = ? WHERE id = ?",
        (GroupStatus.RUNNING, on.isoformat(), group_id),
    )


def _first_placed(store: Store, group_id: int) -> str | None:
    """The day the group's first members were placed (ISO), or None."""
    first: str | None = store.value(
        "SELECT min(joined_on) FROM group_members WHERE group_id = ?", (group_id,)
    )
    return first


def _set_up(store: Store, group: Group) -> tuple[str, str]:
    """(ISO date, what happened) of the day a group began: its start, or, for a group planned
    ahead, the day its first members were placed."""
    first = _first_placed(store, group["id"])
    if first is not None and first < group["started_on"]:
        return first, _("the group was set up")
    return group["started_on"], _("the group started")


def active_group(store: Store, group_id: int) -> Group:
    """The group, which must not have ended."""
    group = get_group(store, group_id)
    if group["status"] == GroupStatus.ENDED:
        raise Conflict(
            _("group {id} has ended").format(id=group_id),
            _("choose one of the groups that run or start"),
            code="group.ended",
            id=group_id,
        )
    return group


def add_member(
    store: Store, group_id: int, reg_id: int, on: date, today: date, force: bool = False
) -> Membership:
    not_after_today(on, today)
    with store.write():
        group = active_group(store, group_id)
        not_before(on, *_set_up(store, group))
        reg = _waiting_member(store, reg_id, on)
        settings = get_settings(store)
        if not force and len(group["members"]) >= settings["max_size"]:
            raise Conflict(
                _("group {id} is full ({n} members)").format(id=group_id, n=len(group["members"])),
                _("the county's maximum can be overridden for one group"),
                code="group.full",
                id=group_id,
                n=len(group["members"]),
            )
        if not force and not group["open"]:
            raise Conflict(
                _("group {id} is closed to new members").format(id=group_id),
                _("open it first"),
                code="group.closed",
                id=group_id,
            )
        ids = store.row("SELECT theme_id, area_id FROM groups WHERE id = ?", (group_id,))
        _check_wants(store, reg, {**group, **(ids or {})}, force)
        _place(store, group_id, reg_id, on)
        store.audit("group.add-member", "group", group_id)
        return {"group": group_id, "members": get_group(store, group_id)["members"]}


def remove_member(
    store: Store, group_id: int, reg_id: int, on: date, today: date, requeue: bool = False
) -> Removed:
    not_after_today(on, today)
    with store.write():
        group = active_group(store, group_id)
        if reg_id not in group["members"]:
            raise NotFound(
                _("registration {id} is not a member of group {group}").format(
                    id=reg_id, group=group_id
                ),
                _("the group's members are listed with it"),
                code="group.not_member",
                id=reg_id,
                group=group_id,
            )
        # Only the current stay: an earlier one (before a requeue) keeps its own dates.
        current = "group_id = ? AND registration_id = ? AND left_on IS NULL"
        joined = store.value(
            f"SELECT joined_on FROM group_members WHERE {current}", (group_id, reg_id)
        )
        not_before(on, joined, _("registration {id} joined the group").format(id=reg_id))
        store.execute(
            f"UPDATE group_members SET left_on = ? WHERE {current}",
            (on.isoformat(), group_id, reg_id),
        )
        status = RegistrationStatus.WAITING if requeue else RegistrationStatus.WITHDRAWN
        store.audit("group.remove-member", "group", group_id)
        set_status(store, reg_id, status, on, action="registration.left-group", renew=requeue)
        return {
            "group": group_id,
            "members": get_group(store, group_id)["members"],
            "registration": reg_id,
            "status": status,
        }


def end_group(store: Store, group_id: int, on: date, today: date) -> Ended:
    not_after_today(on, today)
    with store.write():
        group = active_group(store, group_id)
        last = (
            store.row(
                """SELECT (SELECT max(max(joined_on), coalesce(max(left_on), ''))
                         FROM group_members WHERE group_id = :g) AS member,
                      (SELECT max(held_on) FROM sessions WHERE group_id = :g) AS session,
                      (SELECT max(done_on) FROM followups WHERE group_id = :g) AS followup""",
                {"g": group_id},
            )
            or {}
        )
        not_before_latest(
            on,
            [
                _set_up(store, group),
                (last.get("member"), _("the group's last change of members")),
                (last.get("session"), _("the group's last session")),
                (last.get("followup"), _("the group's last follow-up")),
            ],
        )
        store.execute(
            "UPDATE groups SET status = ?, ended_on = ? WHERE id = ?",
            (GroupStatus.ENDED, on.isoformat(), group_id),
        )
        store.execute(
            "UPDATE group_members SET left_on = ? WHERE group_id = ? AND left_on IS NULL",
            (on.isoformat(), group_id),
        )
        store.audit("group.end", "group", group_id)
        for reg_id in group["members"]:
            store.audit("registration.left-group", "registration", reg_id)
        return {"id": group_id, "status": GroupStatus.ENDED, "ended_on": on.isoformat()}


def set_group(
    store: Store,
    group_id: int,
    *,
    starter_sessions: int | None,
    followup_weeks: int | None,
    starter: str | None,
    open_: bool | None,
    weekday: str | None = None,
    time: str | None = None,
    venue: str | None = None,
    start_date: date | None = None,
    today: date | None = None,
    every_weeks: int | None = None,
) -> Group:
    """Change what is given (None: unchanged); an empty weekday, time or venue clears it.
    `start_date` moves the start of a group that has held no session yet (a plan changed).
    A new rhythm (start, weekday, every week or every other) replaces the moves made to
    meetings of the old one; cancelled meetings stay cancelled."""
    _check_plan(starter_sessions, followup_weeks)
    details = _details(weekday, time, venue, every_weeks)
    if start_date is not None:
        _not_too_far_ahead(start_date, today or dates.today(), "start_date")
    with store.write():
        group = active_group(store, group_id)
        check_venue_names_nobody(store, details.get("venue"))
        before = get_group(store, group_id, today)
        if start_date is not None:
            _move_start(store, before, start_date)
            group = get_group(store, group_id)
        if starter_sessions is not None:
            if group["status"] != GroupStatus.STARTING:
                raise Conflict(
                    _("group {id} has finished its starter phase").format(id=group_id),
                    _("starter sessions can only be changed while the group is starting"),
                    code="group.not_starting",
                    field="starter_sessions",
                    id=group_id,
                )
            held = group["sessions_held"]
            if starter_sessions < held:
                raise InvalidInput(
                    ngettext(
                        "group {id} has already held {n} starter session",
                        "group {id} has already held {n} starter sessions",
                        held,
                    ).format(id=group_id, n=held),
                    _("give {n} or more").format(n=held),
                    code="starter_sessions.below_held",
                    field="starter_sessions",
                    id=group_id,
                    n=held,
                )
            store.execute(
                "UPDATE groups SET starter_sessions = ? WHERE id = ?", (starter_sessions, group_id)
            )
            if starter_sessions == held:
                last = (
                    store.value("SELECT max(held_on) FROM sessions WHERE group_id = ?", (group_id,))
                    or group["started_on"]
                )
                _hand_over(store, group_id, date.fromisoformat(last))
        if followup_weeks is not None:
            store.execute(
                "UPDATE groups SET followup_weeks = ? WHERE id = ?", (followup_weeks, group_id)
            )
        if starter is not None:
            staff_id = catalogue.resolve_starter(store, starter)["id"]
            store.execute("UPDATE groups SET starter_id = ? WHERE id = ?", (staff_id, group_id))
        if open_ is not None:
            store.execute("UPDATE groups SET open = ? WHERE id = ?", (int(open_), group_id))
        for column, value in details.items():  # columns named by _details, never by input
            store.execute(f"UPDATE groups SET {column} = ? WHERE id = ?", (value, group_id))
        after = get_group(store, group_id, today)
        rhythm = ("started_on", "weekday", "every_weeks")
        if any(after[key] != before[key] for key in rhythm):  # type: ignore[literal-required]
            store.execute(
                "DELETE FROM meeting_changes WHERE group_id = ? AND moved_to IS NOT NULL",
                (group_id,),
            )
        if after != before:  # nothing changed: nothing to record
            store.audit("group.set", "group", group_id)
        return after


def _starting_group(store: Store, group_id: int) -> Group:
    """The group, which must still be in its starter phase."""
    group = active_group(store, group_id)
    if group["status"] != GroupStatus.STARTING:
        raise Conflict(
            ngettext(
                "group {id} has held its {n} planned starter session",
                "group {id} has held all {n} planned starter sessions",
                group["starter_sessions"],
            ).format(id=group_id, n=group["starter_sessions"]),
            _("more sessions can be planned only while a group starts"),
            code="group.sessions_held",
            id=group_id,
            n=group["starter_sessions"],
        )
    return group


def add_session(
    store: Store, group_id: int, on: date | None, today: date, attended: int | None = None
) -> SessionAdded:
    """Record the group's next starter session: held on `on`, or, without a date, on the day
    it was planned (which must have come)."""
    if on is not None:
        not_after_today(on, today)
    with store.write():
        group = _starting_group(store, group_id)
        planned = schedule.next_planned(store, group_id)
        held_today = store.value(
            "SELECT 1 FROM sessions WHERE group_id = ? AND held_on = ?", (group_id, today)
        )
        if on is None and (group["started_on"] > today.isoformat() or held_today):
            on = today  # refused below: the group has not started, or met today already
        if on is None:
            if planned is None or planned["date"] > today.isoformat():
                raise Conflict(
                    _(
                        "group {id}'s next starter session is planned on {date}: it is "
                        "recorded once it is held"
                    ).format(id=group_id, date=planned["date"] if planned else "?"),
                    _("record it on the day it is held"),
                    code="session.not_yet",
                    id=group_id,
                    date=planned["date"] if planned else None,
                )
            on = date.fromisoformat(planned["date"])
        if on.isoformat() < group["started_on"]:
            raise Conflict(
                _(
                    "group {id} starts on {start}: its starter sessions are recorded from then"
                ).format(id=group_id, start=group["started_on"]),
                _("check the group and the date"),
                code="session.before_start",
                field="date",
                id=group_id,
                start=group["started_on"],
            )
        last = store.value("SELECT max(held_on) FROM sessions WHERE group_id = ?", (group_id,))
        not_before(on, last or group["started_on"], _("the group's last session or start"))
        same_day = store.value(
            "SELECT number FROM sessions WHERE group_id = ? AND held_on = ?",
            (group_id, on.isoformat()),
        )
        if same_day is not None:
            raise Conflict(
                _("group {id} already has starter session {number} on {date}").format(
                    id=group_id, number=same_day, date=on
                ),
                _("a group holds one starter session a day; check the date"),
                code="session.same_day",
                field="date",
                id=group_id,
                number=same_day,
                date=on.isoformat(),
            )
        if attended is not None and not 0 <= attended <= len(group["members"]):
            raise InvalidInput(
                _("{n} is not between 0 and the group's {m} members").format(
                    n=attended, m=len(group["members"])
                ),
                _("count the members who came, not the starter"),
                code="attended.out_of_range",
                field="attended",
                n=attended,
                m=len(group["members"]),
            )
        number = group["sessions_held"] + 1
        store.execute(
            "INSERT INTO sessions (group_id, number, held_on, attended, planned_on) "
            "VALUES (?, ?, ?, ?, ?)",
            (group_id, number, on.isoformat(), attended, planned["meeting"] if planned else None),
        )
        if number >= group["starter_sessions"]:
            _hand_over(store, group_id, on)
        store.audit("session.add", "group", group_id)
        after = get_group(store, group_id)
    return {
        "group": group_id,
        "number": number,
        "of": after["starter_sessions"],
        "group_status": after["status"],
        "next_followup": after["next_followup"],
    }


class SessionRemoved(TypedDict):
    group: int
    number: int  # the session removed, as it was numbered
    date: str
    attended: int | None
    renumbered: int  # later sessions, now numbered one lower
    sessions_held: int
    of: int
    group_status: str
    next_followup: str | None


def remove_session(
    store: Store, group_id: int, number: int | None = None, today: date | None = None
) -> SessionRemoved:
    """Undo a starter session recorded by mistake: the last one, or session `number`, whose
    later sessions then move up one number. A group that ran on its own after its last planned
    session starts again (its handover undone), so its status and next follow-up are what they
    were before; one that has been followed up since keeps its sessions until those go."""
    with store.write():
        group = active_group(store, group_id)
        held = group["sessions_held"]
        if held == 0:
            raise Conflict(
                _("group {id} has no starter sessions recorded").format(id=group_id),
                _("nothing to remove"),
                code="session.none",
                id=group_id,
            )
        number = held if number is None else number
        session = store.row(
            "SELECT id, number, held_on AS date, attended FROM sessions "
            "WHERE group_id = ? AND number = ?",
            (group_id, number),
        )
        if session is None:
            raise NotFound(
                ngettext(
                    "group {id} has no starter session {number}: it has {n} session",
                    "group {id} has no starter session {number}: it has {n} sessions",
                    held,
                ).format(id=group_id, number=number, n=held),
                _("give the number of a session the group has held"),
                code="session.not_found",
                field="number",
                id=group_id,
                number=number,
                n=held,
            )
        followups = store.value("SELECT count(*) FROM followups WHERE group_id = ?", (group_id,))
        if followups:
            raise Conflict(
                ngettext(
                    "group {id} has {n} follow-up since its handover; its starter sessions "
                    "stay while it has one",
                    "group {id} has {n} follow-ups since its handover; its starter sessions "
                    "stay while it has any",
                    followups,
                ).format(id=group_id, n=followups),
                _("remove the follow-ups first if they too were recorded by mistake"),
                code="session.followed_up",
                id=group_id,
                n=followups,
            )
        store.execute("DELETE FROM sessions WHERE id = ?", (session["id"],))
        later = store.rows(
            "SELECT id FROM sessions WHERE group_id = ? AND number > ? ORDER BY number",
            (group_id, number),
        )
        for row in later:  # one at a time, in order: (group, number) stays unique throughout
            store.execute("UPDATE sessions SET number = number - 1 WHERE id = ?", (row["id"],))
        if group["status"] == GroupStatus.RUNNING:
            # Running with a session held means handed over at its last planned session (a
            # group planned with none has no session to remove).
            store.execute(
                "UPDATE groups SET status = ?, handover_on = NULL WHERE id = ?",
                (GroupStatus.STARTING, group_id),
            )
        store.audit("session.remove", "group", group_id)
        after = get_group(store, group_id, today)
    return {
        "group": group_id,
        "number": number,
        "date": session["date"],
        "attended": session["attended"],
        "renumbered": len(later),
        "sessions_held": after["sessions_held"],
        "of": after["starter_sessions"],
        "group_status": after["status"],
        "next_followup": after["next_followup"],
    }


class Contact(TypedDict):
    """A line of a call list: who to ring before the first meeting. Read, never audited;
    an erased person's name and contact details are null."""

    id: int  # the registration
    name: str | None
    phone: str | None
    email: str | None


CONTACTS_SQL = """
SELECT r.id, p.name, p.phone, p.email
  FROM registrations r LEFT JOIN persons p ON p.id = r.person_id
 WHERE r.id IN ({ids})"""


def contacts(store: Store, reg_ids: list[int]) -> list[Contact]:
    """The name, phone and e-mail of each registration, in the order given."""
    found: dict[int, Contact] = {}
    for start in range(0, len(reg_ids), 500):  # SQLite's limit on parameters, kept well clear
        part = reg_ids[start : start + 500]
        for row in store.rows(CONTACTS_SQL.format(ids=",".join("?" * len(part))), part):
            found[row["id"]] = row  # type: ignore[assignment]  # CONTACTS_SQL's columns
    return [found[i] for i in reg_ids if i in found]


def group_contacts(store: Store, group_id: int) -> list[Contact]:
    """The current members of a group with their contact details, in the order they joined."""
    get_group(store, group_id)  # the group exists
    ids = [
        row["registration_id"]
        for row in store.rows(
            "SELECT registration_id FROM group_members WHERE group_id = ? AND left_on IS NULL "
            "ORDER BY joined_on, registration_id",
            (group_id,),
        )
    ]
    return contacts(store, ids)


class MeetingChanged(TypedDict):
    group: int
    number: int  # the starter session
    date: str  # the day it was planned on before the change
    new_date: str | None  # the day it is planned on now; None when no meeting is left


def _planned_session(store: Store, group_id: int, number: int | None) -> list[schedule.Meeting]:
    """The group's plan, with session `number` (default: the next) planned in it, or NotFound."""
    _starting_group(store, group_id)
    meetings = schedule.group_plan(store, group_id)
    planned = [m for m in meetings if m["status"] == schedule.PLANNED]
    if not any(number in (None, m["number"]) for m in planned):
        numbers = ", ".join(str(m["number"]) for m in planned)
        raise NotFound(
            _("group {id} has no planned starter session {number}").format(
                id=group_id, number=number
            ),
            _("the sessions planned are {numbers}").format(numbers=numbers or "–"),
            code="session.not_planned",
            id=group_id,
            number=number,
        )
    return meetings


def _changed(store: Store, group_id: int, session: schedule.Meeting, action: str) -> MeetingChanged:
    after = schedule.group_plan(store, group_id)
    now = next((m for m in after if m["number"] == session["number"]), None)
    store.audit(action, "group", group_id)
    return {
        "group": group_id,
        "number": session["number"] or 0,
        "date": session["date"],
        "new_date": now["date"] if now and now["status"] == schedule.PLANNED else None,
    }


def cancel_session(store: Store, group_id: int, number: int | None) -> MeetingChanged:
    """The meeting planned for session `number` (default: the next) will not be held: the
    session and those after it move one meeting on (the starter still comes to as many)."""
    with store.write():
        meetings = _planned_session(store, group_id, number)
        session = next(
            m for m in meetings if m["status"] == schedule.PLANNED and number in (None, m["number"])
        )
        store.execute(
            "INSERT OR REPLACE INTO meeting_changes (group_id, planned_on, moved_to) "
            "VALUES (?, ?, NULL)",
            (group_id, session["meeting"]),
        )
        return _changed(store, group_id, session, "session.cancel")


def move_session(store: Store, group_id: int, number: int | None, to: date) -> MeetingChanged:
    """Hold session `number` (default: the next) on another day, between the sessions before
    and after it; its own planned day again undoes the move."""
    with store.write():
        meetings = _planned_session(store, group_id, number)
        sessions = [m for m in meetings if m["status"] != schedule.CANCELLED]
        at = next(
            i
            for i, m in enumerate(sessions)
            if m["status"] == schedule.PLANNED and number in (None, m["number"])
        )
        session = sessions[at]
        group = get_group(store, group_id)
        earliest = sessions[at - 1]["date"] if at else None
        latest = sessions[at + 1]["date"] if at + 1 < len(sessions) else None
        new = to.isoformat()
        too_early = new < group["started_on"] or (earliest is not None and new <= earliest)
        if too_early or (latest is not None and new >= latest):
            raise Conflict(
                _(
                    "starter session {number} of group {id} can move to a day after {earliest} "
                    "and before {latest}"
                ).format(
                    number=session["number"],
                    id=group_id,
                    earliest=earliest or group["started_on"],
                    latest=latest or "…",
                ),
                _("to skip a meeting, cancel it: the sessions after it move one meeting on"),
                code="session.move_order",
                field="date",
                id=group_id,
                number=session["number"],
            )
        if any(m["status"] == schedule.CANCELLED and m["date"] == new for m in meetings):
            raise Conflict(
                _("the meeting of group {id} on {date} was cancelled").format(
                    id=group_id, date=new
                ),
                _("choose another day: a session is not held on a meeting cancelled"),
                code="session.move_cancelled",
                field="date",
                id=group_id,
                number=session["number"],
                date=new,
            )
        if new == session["meeting"]:
            store.execute(
                "DELETE FROM meeting_changes WHERE group_id = ? AND planned_on = ?",
                (group_id, session["meeting"]),
            )
        else:
            store.execute(
                "INSERT OR REPLACE INTO meeting_changes (group_id, planned_on, moved_to) "
                "VALUES (?, ?, ?)",
                (group_id, session["meeting"], new),
            )
        return _changed(store, group_id, session, "session.move")
