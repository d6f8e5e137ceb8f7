"""The plan of a group's starter sessions: on which of its meetings the igångsättare comes.

A group meets on its weekday (else the weekday of its start date), every week or every other
week (`every_weeks`), from its start date on: those dates are its *meetings*. Its starter
sessions take the first meetings that are not held yet, in order:

- a meeting the coordinator cancelled is skipped, and the sessions after it move one meeting on;
- a meeting the coordinator moved takes place on its new date;
- a meeting on a public holiday of the county's country (midsommarafton, 17. mai) is skipped
  like a cancelled one when the county's `session_holidays` is `move`, and kept but flagged
  when it is `flag`; the session says which holiday moved or flags it.

A session held (`sessions add`) remembers the meeting it was (`sessions.planned_on`); the plan
goes on from the meeting after the later of that meeting and the day it was held. Each meeting
keeps its planned date as its key (`meeting`): the calendar's UID of its event, so that an
event moved or cancelled is the same event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any, TypedDict

from shgroups.enums import GroupStatus
from shgroups.i18n import _
from shgroups.services.holidays import CountyCalendar, county_calendar
from shgroups.services.settings import get_settings
from shgroups.storage import Store

HELD, PLANNED, CANCELLED = "held", "planned", "cancelled"
# A plan never looks further than this many meetings ahead (a group whose every meeting were
# cancelled would otherwise have no end).
_MOST_MEETINGS = 260


class Meeting(TypedDict):
    """A starter session, held or planned, or a meeting cancelled (docs/design.md §4)."""

    group: int
    number: int | None  # the starter session's number; None for a cancelled meeting
    date: str  # the day it is (was) held
    time: str | None  # "HH:MM" when the group has a time
    status: str  # held, planned, cancelled
    meeting: str  # the planned date of the meeting it takes: its key in calendars
    moved_from: str | None  # the meeting it would have been, when moved or after a skip
    moved_for: str | None  # the holiday that moved it (county's language); None: the coordinator
    holiday: str | None  # the holiday it falls on (when the county keeps and flags such days)


def first_meeting(group: Mapping[str, Any]) -> date:
    """The first day on or after the group's start that falls on its weekday."""
    start = date.fromisoformat(group["started_on"])
    weekday = group["weekday"] or start.isoweekday()
    return start + timedelta(days=(weekday - start.isoweekday()) % 7)


def plan(
    group: Mapping[str, Any],
    held: Iterable[Mapping[str, Any]],
    changes: Mapping[str, str | None],
    county: CountyCalendar,
    move_holidays: bool = True,
    days: tuple[str, str] | None = None,
) -> list[Meeting]:
    """Every starter session of `group` (id, started_on, weekday, time, every_weeks,
    starter_sessions, status): the `held` ones (number, held_on, planned_on), then the planned
    ones, with the meetings cancelled (`changes`: planned date → new date, None when
    cancelled), in date order. `days` (first, last ISO day): only what falls in them (a
    week's agenda of many groups need not plan beyond it)."""
    gid, time = group["id"], group["time"]
    first, last = days or ("", "9999-12-31")
    done = list(held)
    meetings: list[Meeting] = [
        _meeting(gid, s["number"], s["held_on"], time, HELD, s["planned_on"] or s["held_on"])
        for s in done
        if first <= s["held_on"] <= last
    ]
    for planned_on, moved_to in changes.items():
        if moved_to is None and first <= planned_on <= last:
            meetings.append(_meeting(gid, None, planned_on, time, CANCELLED, planned_on))
    if group["status"] == GroupStatus.STARTING:
        # A later meeting moved to a day up to `last` is planned too.
        until = last
        for key, moved_to in changes.items():
            if moved_to and moved_to <= last < key:
                until = max(until, key)
        planned = _planned(group, done, changes, county, move_holidays, until)
        meetings += [m for m in planned if m["date"] >= first]
    if len(meetings) > 1:
        meetings.sort(key=lambda m: (m["date"], m["number"] or 0))
    return meetings


def _planned(
    group: Mapping[str, Any],
    done: list[Mapping[str, Any]],
    changes: Mapping[str, str | None],
    county: CountyCalendar,
    move_holidays: bool,
    last: str,
) -> list[Meeting]:
    """The sessions planned after those `done` (held), on meetings up to the ISO day `last`."""
    step = timedelta(days=7 * group["every_weeks"])
    day = first_meeting(group)
    if done:
        # The first meeting after the later of the last session's meeting and its day.
        after = date.fromisoformat(
            max(max(s["planned_on"] or s["held_on"], s["held_on"]) for s in done)
        )
        if day <= after:
            day += step * ((after - day) // step + 1)
    number = len(done) + 1
    end = date.fromisoformat(last)
    # The meetings skipped since the last session, and why (a holiday's name; None: cancelled).
    skipped: list[tuple[str, str | None]] = []
    found: list[Meeting] = []
    for _meeting_count in range(_MOST_MEETINGS):
        if number > group["starter_sessions"] or day > end:
            break
        key = day.isoformat()
        holiday = county.holiday(day)
        day += step
        moved_to = changes.get(key)
        if moved_to is None and key in changes:
            skipped.append((key, None))
            continue
        if moved_to is None and holiday is not None and move_holidays:
            skipped.append((key, holiday))
            continue
        meeting = _meeting(group["id"], number, moved_to or key, group["time"], PLANNED, key)
        if moved_to is not None:
            meeting["moved_from"] = key
            holiday = county.holiday(date.fromisoformat(moved_to))
        elif skipped:
            # From the first meeting skipped; a holiday moved it only when every meeting
            # skipped was one (after a cancellation, the coordinator did).
            meeting["moved_from"] = skipped[0][0]
            if all(why is not None for _day, why in skipped):
                meeting["moved_for"] = skipped[0][1]
        meeting["holiday"] = holiday
        found.append(meeting)
        skipped = []
        number += 1
    return found


def _meeting(
    group: int, number: int | None, on: str, time: str | None, status: str, key: str
) -> Meeting:
    return {
        "group": group,
        "number": number,
        "date": on,
        "time": time,
        "status": status,
        "meeting": key,
        "moved_from": None,
        "moved_for": None,
        "holiday": None,
    }


def note(meeting: Meeting) -> str | None:
    """Why a meeting is not as the rhythm has it, as a person reads it; None when it is."""
    if meeting["status"] == CANCELLED:
        return _("cancelled")
    if meeting["moved_for"] is not None:
        return _("moved from {date}: {day_off}").format(
            date=meeting["moved_from"], day_off=meeting["moved_for"]
        )
    if meeting["moved_from"] is not None and meeting["holiday"] is not None:
        return _("moved from {date}; falls on {day_off}").format(
            date=meeting["moved_from"], day_off=meeting["holiday"]
        )
    if meeting["moved_from"] is not None:
        return _("moved from {date}").format(date=meeting["moved_from"])
    if meeting["holiday"] is not None:
        return _("falls on {day_off}").format(day_off=meeting["holiday"])
    return None


# With what a reader of the plan names the group by: its theme, area, venue and starter.
_GROUPS_SQL = """
SELECT g.id, g.status, g.started_on, g.weekday, g.meets_at AS time, g.every_weeks,
       g.starter_sessions, t.name AS theme, a.name AS area, g.venue, s.name AS starter
  FROM groups g
  JOIN themes t ON t.id = g.theme_id
  JOIN areas a ON a.id = g.area_id
  LEFT JOIN staff s ON s.id = g.starter_id
 WHERE {where}
 ORDER BY g.id
"""


def plans(
    store: Store, where: str, params: Mapping[str, Any], days: tuple[str, str] | None = None
) -> dict[int, list[Meeting]]:
    """The plans of the groups matching `where` (SQL over `g`, the group, and `s`, its
    starter), by group id: three queries whatever the number of groups. `days`: only the
    meetings from the first to the last of these ISO days."""
    return planned_groups(store, where, params, days)[1]


def planned_groups(
    store: Store, where: str, params: Mapping[str, Any], days: tuple[str, str] | None = None
) -> tuple[dict[int, dict[str, Any]], dict[int, list[Meeting]]]:
    """The groups matching `where` by id (with their theme, area, venue and starter), and
    their plans (see `plans`)."""
    groups = store.rows(_GROUPS_SQL.format(where=where), params)
    if not groups:
        return {}, {}
    ids = ",".join(str(int(g["id"])) for g in groups)  # integers from the database
    held: dict[int, list[dict[str, Any]]] = {}
    for row in store.rows(
        f"SELECT group_id, number, held_on, planned_on FROM sessions WHERE group_id IN ({ids}) "
        "ORDER BY group_id, number"
    ):
        held.setdefault(row["group_id"], []).append(row)
    changes: dict[int, dict[str, str | None]] = {}
    for row in store.rows(
        f"SELECT group_id, planned_on, moved_to FROM meeting_changes WHERE group_id IN ({ids})"
    ):
        changes.setdefault(row["group_id"], {})[row["planned_on"]] = row["moved_to"]
    settings = get_settings(store)
    county = county_calendar(store)
    move = settings["session_holidays"] == "move"
    return {g["id"]: g for g in groups}, {
        g["id"]: plan(g, held.get(g["id"], []), changes.get(g["id"], {}), county, move, days)
        for g in groups
    }


def group_plan(store: Store, group_id: int) -> list[Meeting]:
    """One group's starter sessions, held and planned, and its meetings cancelled."""
    return plans(store, "g.id = :id", {"id": group_id}).get(group_id, [])


def next_planned(store: Store, group_id: int) -> Meeting | None:
    """The first starter session of the group not held yet; None when none is planned."""
    return next((m for m in group_plan(store, group_id) if m["status"] == PLANNED), None)
