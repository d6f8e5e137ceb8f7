"""When a waiting registration expires under the retention rule, and who to ring before it does.

The rule (docs/design.md §6, applied by `purge`): a waiting registration last confirmed (or, if
never, registered) before `waiting_cutoff(today, waiting_months)` is expired by a purge run
`today`. `expires_on` is the first day that happens; `stale` lists the waiting people whose day
comes within the next days, with a way to reach them.

Months are calendar months, counted as dateutil's relativedelta counts them (the same month
day, or the month's last day when it has fewer): a registration confirmed on 31 January with
`waiting_months` 1 expires on 1 March, since 28 February minus a month is 28 January. Counted
here without dateutil, whose import alone costs more than `shg agenda` may spend on the call
list (tests/test_find_people.py checks that the two always agree).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TypedDict

from shgroups.enums import RegistrationStatus
from shgroups.errors import InvalidInput
from shgroups.i18n import _
from shgroups.services.settings import get_settings
from shgroups.storage import Store

MAX_WITHIN = 3660  # days: ten years is more than any retention rule allows


def months_from(day: date, months: int) -> date:
    """`day` moved by a number of calendar months (back when negative): the same day of the
    month, or that month's last day when it has fewer (`day + relativedelta(months=months)`)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return date(year, month, min(day.day, (following - timedelta(days=1)).day))


def waiting_cutoff(today: date, months: int) -> date:
    """A waiting registration last confirmed before this day expires in a purge run `today`."""
    return months_from(today, -months)


def expires_on(confirmed: date, months: int) -> date:
    """The first day a purge expires a waiting registration last confirmed on `confirmed`:
    the first day whose `waiting_cutoff` is after `confirmed`."""
    day = months_from(confirmed, months) + timedelta(days=1)
    # Month ends: subtracting a month from 29, 30 and 31 March gives 28 February, so the
    # first day past the cutoff can be a few days later than one month and a day.
    while waiting_cutoff(day, months) <= confirmed:
        day += timedelta(days=1)
    return day


class Stale(TypedDict):
    """A row of `intake stale`: a waiting person whose registration expires soon."""

    id: int
    name: str | None
    phone: str | None
    email: str | None
    theme: str
    area: str
    confirmed_on: str  # last confirmed, or registered
    expires_on: str  # the first day `purge` would expire it
    days_left: int  # 0 or less: the next purge expires it


def stale(store: Store, today: date, within: int) -> list[Stale]:
    """The waiting registrations that expire within `within` days of `today` (those already
    due too), soonest first, with their contact details: a call list to renew them before a
    purge does its work."""
    if not 0 <= within <= MAX_WITHIN:
        raise InvalidInput(
            _("the number of days must be from 0 to {most}").format(most=MAX_WITHIN),
            _("e.g. 30 for the coming month"),
            code="stale.within_out_of_range",
            field="within",
            most=MAX_WITHIN,
        )
    months = int(get_settings(store)["waiting_months"])
    until = today + timedelta(days=within)
    rows = store.rows(
        """SELECT r.id, p.name, p.phone, p.email, t.name AS theme, a.name AS area,
                  coalesce(r.confirmed_on, r.registered_on) AS confirmed_on
             FROM registrations r
             JOIN themes t ON t.id = r.theme_id JOIN areas a ON a.id = r.area_id
             LEFT JOIN persons p ON p.id = r.person_id
            WHERE r.status = :waiting
              AND coalesce(r.confirmed_on, r.registered_on) < :cutoff
            ORDER BY coalesce(r.confirmed_on, r.registered_on), r.id""",
        {
            "waiting": RegistrationStatus.WAITING,
            "cutoff": waiting_cutoff(until, months).isoformat(),
        },
    )
    found: list[Stale] = []
    day_of: dict[str, date] = {}  # many were confirmed on the same day: each day reckoned once
    for row in rows:
        expires = day_of.get(row["confirmed_on"])
        if expires is None:
            confirmed = date.fromisoformat(row["confirmed_on"])
            expires = day_of[row["confirmed_on"]] = expires_on(confirmed, months)
        found.append(
            {
                **row,  # type: ignore[typeddict-item]  # the query's columns
                "expires_on": expires.isoformat(),
                "days_left": (expires - today).days,
            }
        )
    return found
