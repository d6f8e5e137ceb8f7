"""The county's calendar (`shg calendar export`): which events a coordinator's calendar holds
for a window of weeks, and the state that keeps each event's identity across exports.

Events are the starter sessions (held, planned, and meetings cancelled) from the plan of
services/schedule.py, and the follow-ups due: the next one of each running group (as
`followups due` counts it) and the first one of each starting group (one interval after its
last planned session). Each is a dict of plain text in the county's language; render/ics.py
writes them as iCalendar.

An event's identity (UID) comes from the register, never from chance: a session is its
meeting (the planned date, so a moved or cancelled meeting is the same event), a follow-up
its group and its number. What was exported last is kept in `calendar_events`, so that an
unchanged event is written again byte for byte, a changed time or status raises its
SEQUENCE (calendars then replace the old one), and an event exported before that no longer
exists is written once more as cancelled while its date is in the window.

Never a person's name, phone or e-mail (they are not selected), and no theme unless asked:
a calendar is synced to phones and shared, and a theme tells something about health.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypedDict

from shgroups.enums import GroupStatus
from shgroups.errors import InvalidInput
from shgroups.i18n import _, speaking
from shgroups.services import catalogue
from shgroups.services.groups import NEXT_FOLLOWUP_PLANNED_SQL, working_day_sql
from shgroups.services.holidays import CountyCalendar, county_calendar
from shgroups.services.schedule import CANCELLED, PLANNED, Meeting, note, plans
from shgroups.services.settings import get_settings
from shgroups.storage import Store

MOST_WEEKS = 104
# The county's time zone, by its country.
ZONES = {"SE": "Europe/Stockholm", "NO": "Europe/Oslo"}
CONFIRMED_EVENT, CANCELLED_EVENT = "CONFIRMED", "CANCELLED"
SESSION, FOLLOWUP = "session", "followup"


class Event(TypedDict):
    """One VEVENT, in the county's language and local time."""

    uid: str
    group: int
    start: str  # "YYYY-MM-DD" (all day) or "YYYY-MM-DDTHH:MM" (the county's local time)
    end: str  # all day: the day after; else the local end
    status: str  # CONFIRMED or CANCELLED
    summary: str
    description: str | None
    location: str | None
    transparent: bool  # a follow-up does not make the day busy
    sequence: int
    stamp: str  # when its content last changed, UTC, ISO with seconds


class Calendar(TypedDict):
    name: str  # the calendar's name (the county's)
    zone: str  # its time zone, e.g. Europe/Stockholm
    first: str  # the window: first and last day, ISO
    last: str
    events: list[Event]


def window(start: date, weeks: int) -> tuple[date, date]:
    """The first and last day of `weeks` weeks from `start`; refused outside 1–104 weeks."""
    if not 1 <= weeks <= MOST_WEEKS:
        raise InvalidInput(
            _("a calendar covers from 1 to {most} weeks, not {weeks}").format(
                most=MOST_WEEKS, weeks=weeks
            ),
            _("half a year is 26 weeks"),
            code="calendar.weeks_out_of_range",
            field="weeks",
            weeks=weeks,
            most=MOST_WEEKS,
        )
    return start, start + timedelta(days=7 * weeks - 1)


def export(
    store: Store,
    start: date,
    weeks: int,
    starter: str | None = None,
    with_themes: bool = False,
    deliver: Callable[[Calendar], None] | None = None,
    now: datetime | None = None,
) -> Calendar:
    """The calendar of `weeks` weeks from `start` (of `starter`'s groups only, when given),
    with each event's SEQUENCE and DTSTAMP as the register's state of earlier exports has
    them, updated and audited in one transaction; `deliver` (writing the file) runs inside
    it, so a file refused leaves the state as it was. A write-protected register is read
    as it is: its state is not updated and the export not audited."""
    first, last = window(start, weeks)
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0).isoformat()
    if store.read_only:
        found = _gather(store, first, last, starter, with_themes)
        _stamped(store, found, stamp, remember=False)
        if deliver is not None:
            deliver(found)
        return found
    with store.write():
        found = _gather(store, first, last, starter, with_themes)
        _stamped(store, found, stamp, remember=True)
        store.audit("calendar.export", "calendar", None)
        if deliver is not None:
            deliver(found)
    return found


# Groups of the selection (`s`: the starter) with a session or a cancelled meeting in the
# window, or planned sessions, or a session event exported before whose day is in the window.
_SESSION_GROUPS = """
(:starter IS NULL OR s.name = :starter) AND (
    g.status = 'starting'
    OR g.id IN (SELECT group_id FROM sessions WHERE held_on BETWEEN :first AND :last)
    OR g.id IN (SELECT group_id FROM meeting_changes WHERE moved_to IS NULL
                 AND planned_on BETWEEN :first AND :last)
    OR g.id IN (SELECT group_id FROM calendar_events
                 WHERE substr(starts, 1, 10) BETWEEN :first AND :last))
"""

# The next follow-up of each running group of the selection due by the window's end (an
# overdue one too), moved to a working day as `followups due` moves it.
_FOLLOWUPS = f"""
SELECT id, {working_day_sql("due_planned")} AS due, due_planned, done
  FROM (SELECT g.id, {NEXT_FOLLOWUP_PLANNED_SQL} AS due_planned,
               (SELECT count(*) FROM followups f WHERE f.group_id = g.id) AS done
          FROM groups g
          LEFT JOIN staff s ON s.id = g.starter_id
         WHERE g.status = 'running' AND (:starter IS NULL OR s.name = :starter))
 WHERE due <= :last
"""

# What the events say of a group: a place, never a person.
_GROUPS = """
SELECT g.id, g.status, g.starter_sessions, g.followup_weeks, g.venue,
       a.name AS area, t.name AS theme
  FROM groups g
  JOIN areas a ON a.id = g.area_id
  JOIN themes t ON t.id = g.theme_id
 WHERE g.id IN ({ids})
"""

# The events of the selection's groups exported before whose day is in the window.
_EXPORTED = """
SELECT e.uid, e.group_id, e.starts, g.status AS group_status
  FROM calendar_events e
  JOIN groups g ON g.id = e.group_id
  LEFT JOIN staff s ON s.id = g.starter_id
 WHERE (:starter IS NULL OR s.name = :starter)
   AND substr(e.starts, 1, 10) BETWEEN :first AND :last
"""


def _identity(store: Store) -> str:
    return str(store.value("SELECT identity FROM register WHERE id = 1") or "register")


def _gather(
    store: Store, first: date, last: date, starter: str | None, with_themes: bool
) -> Calendar:
    settings = get_settings(store)
    county = county_calendar(store)  # the one working_day() uses for the follow-ups
    name = catalogue.resolve(store, "staff", starter)["name"] if starter else None
    since, until = first.isoformat(), last.isoformat()
    params = {"starter": name, "first": since, "last": until}
    domain = f"@{_identity(store)}.shg"
    minutes = int(settings["session_minutes"])

    meetings: list[Meeting] = []
    last_sessions: dict[int, date] = {}  # a starting group's last planned session
    for gid, found in plans(store, _SESSION_GROUPS, params).items():
        meetings += [m for m in found if since <= m["date"] <= until]
        if any(m["status"] == PLANNED for m in found):  # only a starting group plans
            held_or_planned = [m for m in found if m["status"] != CANCELLED]
            last_sessions[gid] = date.fromisoformat(held_or_planned[-1]["date"])
    followups = store.rows(_FOLLOWUPS, params)
    uids = {f"{SESSION}-{m['group']}-{m['meeting']}{domain}" for m in meetings}
    uids |= {f"{FOLLOWUP}-{f['id']}-{f['done'] + 1}{domain}" for f in followups}
    uids |= {f"{FOLLOWUP}-{gid}-1{domain}" for gid in last_sessions}
    # Exported before and no longer there: a session (its group ended, its plan shrank) or
    # the follow-up of a group that ended is cancelled; a follow-up done simply goes.
    gone = [
        row
        for row in store.rows(_EXPORTED, params)
        if row["uid"] not in uids
        and (row["uid"].startswith(SESSION) or row["group_status"] == GroupStatus.ENDED)
    ]

    ids = {m["group"] for m in meetings} | {f["id"] for f in followups} | set(last_sessions)
    ids |= {row["group_id"] for row in gone}
    listed = ",".join(str(int(i)) for i in ids)  # integers from the database
    groups = {g["id"]: g for g in (store.rows(_GROUPS.format(ids=listed)) if ids else [])}

    events: dict[str, Event] = {}
    with speaking(str(settings["language"])):
        text = _Text(groups, with_themes)
        for m in meetings:
            uid = f"{SESSION}-{m['group']}-{m['meeting']}{domain}"
            if uid in events and m["status"] == CANCELLED:
                continue  # a session held on a cancelled meeting's day: the session counts
            day = date.fromisoformat(m["date"])
            events[uid] = text.session(uid, m, *_times(day, m["time"], minutes))
        for row in followups:
            uid = f"{FOLLOWUP}-{row['id']}-{row['done'] + 1}{domain}"
            due, planned = date.fromisoformat(row["due"]), date.fromisoformat(row["due_planned"])
            events[uid] = text.followup(uid, row["id"], due, planned, county)
        for gid, last_session in last_sessions.items():
            planned = last_session + timedelta(days=7 * groups[gid]["followup_weeks"])
            due = county.next_working_day(planned)
            if due <= last:
                uid = f"{FOLLOWUP}-{gid}-1{domain}"
                events[uid] = text.followup(uid, gid, due, planned, county)
        for row in gone:
            start, end = row["starts"].split("/")
            session = row["uid"].startswith(SESSION)
            events[row["uid"]] = text.gone(row["uid"], row["group_id"], start, end, session)
    return {
        "name": _calendar_name(settings),
        "zone": ZONES.get(str(settings["country"]), ZONES["SE"]),
        "first": since,
        "last": until,
        "events": sorted(events.values(), key=lambda e: (e["start"], e["uid"])),
    }


def _calendar_name(settings: dict[str, Any]) -> str:
    with speaking(str(settings["language"])):
        county = str(settings.get("county") or "")
        if not county:
            return _("Self-help groups")
        return _("Self-help groups – {county}").format(county=county)


def _times(day: date, time: str | None, minutes: int) -> tuple[str, str]:
    """(start, end): all day without a time, else `minutes` from the time (local)."""
    if time is None:
        return day.isoformat(), (day + timedelta(days=1)).isoformat()
    begins = datetime.combine(day, datetime.strptime(time, "%H:%M").time())
    ends = begins + timedelta(minutes=minutes)
    return begins.isoformat(timespec="minutes"), ends.isoformat(timespec="minutes")


class _Text:
    """The events' words, in the language spoken when it is used (the county's)."""

    def __init__(self, groups: dict[int, dict[str, Any]], with_themes: bool) -> None:
        self.groups = groups
        self.with_themes = with_themes

    def _summary(self, plain: str, themed: str, group: int, **more: Any) -> str:
        g = self.groups[group]
        if self.with_themes:
            return themed.format(group=group, area=g["area"], theme=g["theme"], **more)
        return plain.format(group=group, area=g["area"], **more)

    def session(self, uid: str, m: Meeting, start: str, end: str) -> Event:
        g = self.groups[m["group"]]
        if m["status"] == CANCELLED:
            summary = self._cancelled(m["group"])
        else:
            summary = self._summary(
                _("Starter session {number} of {total} – group {group}, {area}"),
                _("Starter session {number} of {total} – group {group}, {area} ({theme})"),
                m["group"],
                number=m["number"],
                total=max(g["starter_sessions"], m["number"] or 0),
            )
        cancelled = m["status"] == CANCELLED
        return _event(uid, m["group"], start, end, cancelled, summary, note(m), g["venue"], False)

    def _cancelled(self, group: int) -> str:
        return self._summary(
            _("Cancelled: starter session – group {group}, {area}"),
            _("Cancelled: starter session – group {group}, {area} ({theme})"),
            group,
        )

    def followup(
        self, uid: str, group: int, due: date, planned: date, county: CountyCalendar
    ) -> Event:
        summary = self._summary(
            _("Follow-up – group {group}, {area}"),
            _("Follow-up – group {group}, {area} ({theme})"),
            group,
        )
        why = None
        if due != planned:
            day_off = county.name(planned)
            why = (
                _("moved from {date}: {day_off}").format(date=planned.isoformat(), day_off=day_off)
                if day_off
                else _("moved from {date}").format(date=planned.isoformat())
            )
        end = (due + timedelta(days=1)).isoformat()
        venue = self.groups[group]["venue"]
        return _event(uid, group, due.isoformat(), end, False, summary, why, venue, True)

    def gone(self, uid: str, group: int, start: str, end: str, session: bool) -> Event:
        """An event exported before that no longer is: cancelled."""
        summary = (
            self._cancelled(group)
            if session
            else self._summary(
                _("Cancelled: follow-up – group {group}, {area}"),
                _("Cancelled: follow-up – group {group}, {area} ({theme})"),
                group,
            )
        )
        venue = self.groups[group]["venue"]
        return _event(uid, group, start, end, True, summary, _("cancelled"), venue, not session)


def _event(
    uid: str,
    group: int,
    start: str,
    end: str,
    cancelled: bool,
    summary: str,
    description: str | None,
    location: str | None,
    transparent: bool,
) -> Event:
    return {
        "uid": uid,
        "group": group,
        "start": start,
        "end": end,
        "status": CANCELLED_EVENT if cancelled else CONFIRMED_EVENT,
        "summary": summary,
        "description": description,
        "location": location,
        "transparent": transparent,
        "sequence": 0,
        "stamp": "",
    }


def _content(event: Event) -> str:
    """A digest of what an event says besides its time and status."""
    said = "\x1f".join(
        [
            event["summary"],
            event["description"] or "",
            event["location"] or "",
            "transparent" if event["transparent"] else "opaque",
        ]
    )
    return hashlib.sha256(said.encode("utf-8")).hexdigest()[:32]


def _stamped(store: Store, found: Calendar, now: str, remember: bool) -> None:
    """Each event's SEQUENCE and DTSTAMP from the state of earlier exports: a new event
    0 and now; a new time or status one more and now; other new content now; else as it
    was. `remember`: the state is updated (inside the caller's transaction)."""
    uids = [e["uid"] for e in found["events"]]
    known: dict[str, dict[str, Any]] = {}
    for i in range(0, len(uids), 500):
        chunk = uids[i : i + 500]
        marks = ",".join("?" for _u in chunk)
        for row in store.rows(f"SELECT * FROM calendar_events WHERE uid IN ({marks})", chunk):
            known[row["uid"]] = row
    changed: list[tuple[Any, ...]] = []
    for event in found["events"]:
        starts = f"{event['start']}/{event['end']}"
        content = _content(event)
        was = known.get(event["uid"])
        if was is None:
            sequence, stamp = 0, now
        elif was["starts"] != starts or was["status"] != event["status"]:
            sequence, stamp = was["sequence"] + 1, now
        elif was["content"] != content:
            sequence, stamp = was["sequence"], now
        else:
            sequence, stamp = was["sequence"], was["stamp"]
        event["sequence"], event["stamp"] = sequence, stamp
        if was is None or (was["starts"], was["status"], was["content"], was["stamp"]) != (
            starts,
            event["status"],
            content,
            stamp,
        ):
            changed.append(
                (event["uid"], event["group"], starts, event["status"], content, sequence, stamp)
            )
    if remember and changed:
        store.conn.executemany(
            "INSERT OR REPLACE INTO calendar_events "
            "(uid, group_id, starts, status, content, sequence, stamp) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            changed,
        )
