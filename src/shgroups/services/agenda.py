"""The week on one screen (`shg agenda`): the starter sessions of the week, the follow-ups due,
the groups that can start, the people to ring before their registration expires, and the
days off. Each part is asked of the service that owns its rule (schedule, followups,
readiness, expiry, holidays); nothing here decides anything of its own but which week and
which starter. Reading only: the agenda writes nothing, not even an audit row (it shows
names and phones, and the audit must never name anyone).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TypedDict

from shgroups.dates import iso_week, week_end
from shgroups.services import catalogue, followups, schedule
from shgroups.services.expiry import Stale, stale
from shgroups.services.followups import DueFollowup
from shgroups.services.holidays import county_calendar
from shgroups.services.readiness import ready_groups
from shgroups.services.settings import get_settings
from shgroups.storage import Store

# The people to ring: those whose registration expires within this many days of the day the
# agenda is for (and those already due): two weeks, so that someone missed this week is still
# on next Monday's list before a monthly purge removes them.
RING_WITHIN = 14


class WeekSession(schedule.Meeting):
    """A starter session (held or planned) or a cancelled meeting of the week, with the group
    it belongs to: what the starter and the coordinator need to know to be there."""

    theme: str
    area: str
    venue: str | None
    starter: str | None
    of: int  # the group's starter sessions: number "2" of "4"


class StartableGroup(TypedDict):
    theme: str
    area: str
    waiting: int
    size: int  # the members proposed (`groups ready` names them)


class DayOff(TypedDict):
    date: str
    name: str  # in the county's language


class Agenda(TypedDict):
    week: str  # ISO week, 2026-W25
    monday: str
    sunday: str
    as_of: str  # the day days overdue and days left are counted from
    starter: str | None  # the starter's name, as the register has it, when one was asked for
    sessions: list[WeekSession]
    followups: list[DueFollowup]
    ready: list[StartableGroup]
    expiring: list[Stale]
    days_off: list[DayOff]


# The groups that can have a starter session or a cancelled meeting in the week, a few more
# at most: those starting whose start has come by its Sunday (their sessions are planned), those
# handed over or ended since its Monday (a session is never held after the last one, which
# hands the group over, nor after the group's end), and those with a meeting cancelled in it.
# Read from the groups table alone, not by scanning every session ever held. The plan itself
# (services/schedule.py) then says which sessions fall in the week.
_IN_WEEK = """
g.id IN (SELECT id FROM groups WHERE status = 'starting' AND started_on <= :sunday
         UNION SELECT id FROM groups WHERE handover_on >= :monday OR ended_on >= :monday
         UNION SELECT group_id FROM meeting_changes
                WHERE moved_to IS NULL AND planned_on BETWEEN :monday AND :sunday)
AND (:starter IS NULL OR s.name = :starter)
"""


def week_sessions(
    store: Store, monday: date, sunday: date, starter: str | None = None
) -> list[WeekSession]:
    """The starter sessions held or planned, and the meetings cancelled, from `monday` to
    `sunday`, of `starter`'s groups (the resolved name) or of all; by day and time."""
    first, last = monday.isoformat(), sunday.isoformat()
    params = {"monday": first, "sunday": last, "starter": starter}
    groups, plans = schedule.planned_groups(store, _IN_WEEK, params, (first, last))
    meetings = [m for plan in plans.values() for m in plan if m["date"] <= last]
    found: list[WeekSession] = []
    for m in meetings:  # the plan's own records, made for this call: completed in place
        g = groups[m["group"]]
        session: WeekSession = m  # type: ignore[assignment]  # its group's keys follow
        session["theme"], session["area"], session["venue"] = g["theme"], g["area"], g["venue"]
        session["starter"], session["of"] = g["starter"], g["starter_sessions"]
        found.append(session)
    found.sort(key=lambda s: (s["date"], s["time"] or "", s["group"], s["number"] or 0))
    return found


def agenda(store: Store, as_of: date, starter: str | None = None) -> Agenda:
    """The agenda of `as_of`'s ISO week, counted from `as_of` (days overdue, days left).
    `starter` (typed as `followups due --starter` takes it) limits the sessions and
    follow-ups to that starter's groups."""
    name = catalogue.resolve(store, "staff", starter)["name"] if starter else None
    monday = as_of - timedelta(days=as_of.isoweekday() - 1)
    sunday = week_end(as_of)
    settings = get_settings(store)
    ready = ready_groups(store, int(settings["min_size"]), int(settings["max_size"]), as_of)
    return {
        "week": iso_week(as_of),
        "monday": monday.isoformat(),
        "sunday": sunday.isoformat(),
        "as_of": as_of.isoformat(),
        "starter": name,
        "sessions": week_sessions(store, monday, sunday, name),
        "followups": followups.due(store, as_of, name),
        "ready": [
            {
                "theme": r["theme"],
                "area": r["area"],
                "waiting": r["waiting"],
                "size": len(r["members"]),
            }
            for r in ready
        ],
        "expiring": stale(store, as_of, RING_WITHIN),
        "days_off": [
            {"date": day.isoformat(), "name": named}
            for day, named in county_calendar(store).days_off(monday, sunday).items()
        ],
    }
