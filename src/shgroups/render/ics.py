"""The county's calendar as an iCalendar file (RFC 5545), written with the `icalendar` package.

Every byte comes from the register: no random UID, no clock (DTSTAMP is the event's stamp
from services/calendar.py), a fixed PRODID, events in (start, UID) order, and the county's
time zone written as a VTIMEZONE that covers the window's years. Two exports of an unchanged
register are the same bytes. Events only (VEVENT components): Outlook ignores task components.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from shgroups.services.calendar import Calendar, Event

# No version in it: an upgrade of shg alone does not change the file.
PRODID = "-//shgroups//shg calendar export//EN"


def calendar_bytes(doc: Calendar) -> bytes:
    """The calendar `doc` as the bytes of an .ics file (CRLF lines, folded at 75 octets)."""
    from zoneinfo import ZoneInfo

    import icalendar

    zone = ZoneInfo(doc["zone"])
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", doc["name"])
    cal.add("x-wr-calname", doc["name"])
    cal.add("x-wr-timezone", doc["zone"])
    # The transitions of the window's years only (Jan 1 of its first year to Jan 1 after its
    # last): a short VTIMEZONE that every client reads, the same for the same window.
    first, last = date.fromisoformat(doc["first"]), date.fromisoformat(doc["last"])
    timezone = icalendar.Timezone.from_tzid(
        doc["zone"], first_date=date(first.year, 1, 1), last_date=date(last.year + 1, 1, 1)
    )
    # icalendar adds an English COMMENT ("This timezone only works from …"): not for people
    # who read the calendar in Swedish or Norwegian, and no client needs it.
    timezone.pop("COMMENT", None)
    cal.add_component(timezone)
    for event in doc["events"]:
        cal.add_component(_vevent(event, zone))
    ics: bytes = cal.to_ical()
    return ics


def _when(text: str, zone: Any) -> date | datetime:
    if "T" in text:
        return datetime.fromisoformat(text).replace(tzinfo=zone)
    return date.fromisoformat(text)


def _vevent(event: Event, zone: Any) -> Any:
    import icalendar

    vevent = icalendar.Event()
    vevent.add("uid", event["uid"])
    vevent.add("dtstamp", datetime.fromisoformat(event["stamp"]))
    vevent.add("dtstart", _when(event["start"], zone))
    vevent.add("dtend", _when(event["end"], zone))
    vevent.add("sequence", event["sequence"])
    vevent.add("status", event["status"])
    vevent.add("summary", event["summary"])
    if event["description"]:
        vevent.add("description", event["description"])
    if event["location"]:
        vevent.add("location", event["location"])
    vevent.add("transp", "TRANSPARENT" if event["transparent"] else "OPAQUE")
    return vevent
