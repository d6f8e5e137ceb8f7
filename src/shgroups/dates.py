"""Today, ISO dates and ISO weeks. "Today" is injected (`$SHG_TODAY`), never read deep inside."""

from __future__ import annotations

import re
from datetime import date, timedelta

from shgroups import env
from shgroups.errors import InvalidInput
from shgroups.i18n import _

_WEEK = re.compile(r"^(\d{4})-?W(\d{2})$", re.IGNORECASE)


# The years shg reckons with. Date arithmetic near year 1 or 9999 (a retention period back,
# the end of a week ahead) would fall off the calendar; no register needs those years.
FIRST_YEAR, LAST_YEAR = 1900, 2999


# A day typed as a word, in English, Swedish or Norwegian, whatever the interface language.
_DAYS_BACK = {"today": 0, "yesterday": 1, "idag": 0, "i dag": 0, "igår": 1, "i går": 1}


def _days_back(word: str) -> int | None:
    """How many days before today a date typed as a word is ("today", "igår", "i går"); None
    for other text."""
    return _DAYS_BACK.get(" ".join(word.casefold().split()))


def parse_date(text: str, field: str = "date") -> date:
    """A date typed as YYYY-MM-DD, or as "today" or "yesterday" (idag, igår; i dag, i går).
    `field` is the input it was typed in ("date", "as_of")."""
    back = _days_back(text)
    if back is not None:
        return today() - timedelta(days=back)
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise ValueError
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            _("{text!r} is not a valid date").format(text=text),
            _("use the ISO form YYYY-MM-DD, e.g. 2026-11-23, or today or yesterday"),
            code="date.invalid",
            field=field,
            text=text,
        ) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(
            _("{text!r} is outside the years shg works with ({first}–{last})").format(
                text=text, first=FIRST_YEAR, last=LAST_YEAR
            ),
            _("check the year, e.g. 2026-11-23"),
            code="date.out_of_range",
            field=field,
            text=text,
            first=FIRST_YEAR,
            last=LAST_YEAR,
        )
    return day


def parse_week(text: str) -> date:
    """Return the Monday of an ISO week written as 2026-W48."""
    m = _WEEK.match(text.strip())
    try:
        if not m:
            raise ValueError
        monday = date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        if not FIRST_YEAR <= monday.year <= LAST_YEAR:
            raise ValueError
        return monday
    except ValueError:
        raise InvalidInput(
            _("week {text!r} is not a valid ISO week").format(text=text),
            _("use the ISO form YYYY-Www, e.g. 2026-W48"),
            code="week.invalid",
            field="week",
            text=text,
        ) from None


def today() -> date:
    override = env.today()
    if override is None:
        return date.today()
    try:
        return parse_date(override, "SHG_TODAY")
    except InvalidInput as exc:
        # No flag names the variable, so the message does.
        raise InvalidInput(
            _("SHG_TODAY: {problem}").format(problem=exc.message),
            exc.hint,
            code="env.invalid",
            field="SHG_TODAY",
            **exc.params,
        ) from None


def date_or_today(text: str | None, field: str = "date") -> date:
    return parse_date(text, field) if text else today()


def week_end(day: date) -> date:
    """The Sunday of the ISO week that holds `day`."""
    return day + timedelta(days=7 - day.isoweekday())


def iso_week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def not_after_today(on: date, today: date) -> None:
    """Sessions, follow-ups and registrations are recorded after they happen."""
    if on > today:
        raise InvalidInput(
            _("{date} is after today ({today})").format(date=on, today=today),
            _("record things on or after the day they happen"),
            code="date.after_today",
            field="date",
            date=on.isoformat(),
            today=today.isoformat(),
        )


def not_before(on: date, earliest: str, event: str, field: str = "date") -> None:
    """Refuse a date before an earlier event of the same record (ISO date `earliest`); the
    date is the input `field`."""
    if on.isoformat() < earliest:
        raise InvalidInput(
            _("{date} is before {event} ({earliest})").format(
                date=on, event=event, earliest=earliest
            ),
            _("check the date: events are recorded in the order they happened"),
            code="date.before_event",
            field=field,
            date=on.isoformat(),
            earliest=earliest,
            event=event,
        )


def not_before_latest(on: date, events: list[tuple[str | None, str]]) -> None:
    """Refuse a date before the latest of earlier events, given as (ISO date, what happened);
    on a tie the first listed is named."""
    known = [(day, what) for day, what in events if day]
    if known:
        day, what = max(known, key=lambda event: event[0])
        not_before(on, day, what)
