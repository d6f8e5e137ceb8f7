"""`shg agenda`: the week on one screen, for Monday morning — the starter sessions of the week,
the follow-ups due, the groups that can start, the people to ring before their registration
expires, and the days off. Read only: nothing is written, not even to the audit."""

from datetime import date, timedelta
from functools import partial
from typing import Any

import typer

from shgroups.cli.common import AsOfOpt, StarterOpt, WeekOpt, store, week_or_day
from shgroups.cli.followups import DUE, with_when
from shgroups.cli.output import (
    Format,
    View,
    days_away,
    fields,
    formats,
    message,
    render,
    show,
    start_command,
)
from shgroups.i18n import N_, _, counted
from shgroups.services import agenda as service
from shgroups.services import schedule
from shgroups.services.expiry import Stale
from shgroups.services.groups import weekday_name

# A command of the root (`shg agenda`); cli/__init__ takes it by its name from this app.
commands = typer.Typer()


def _day(iso: str) -> str:
    """A day as a person reads it in a week: "Friday 2026-06-26"."""
    return f"{weekday_name(date.fromisoformat(iso).isoweekday())} {iso}"


def _session_note(meeting: dict[str, Any]) -> str | None:
    if meeting["status"] == schedule.HELD:
        return _("held")
    return schedule.note(meeting)  # type: ignore[arg-type]  # a Meeting with its group's keys


SESSIONS = View(
    "",
    (
        "group",
        "theme",
        "area",
        "number",
        "of",
        "date",
        "time",
        "venue",
        "starter",
        "status",
        "moved_from",
        "moved_for",
        "holiday",
    ),
    (
        ("group", N_("Group")),
        "theme",
        ("when", N_("Day and time")),
        ("venue", N_("Venue")),
        "starter",
        ("session", N_("Session")),
        ("why", N_("Note")),
    ),
    title=N_("Starter sessions in week {week}"),
    empty=N_("No starter sessions this week."),
    row_style=lambda m: "red" if m["status"] == schedule.CANCELLED else None,
    for_table=lambda meetings: [
        {
            **m,
            "when": " ".join(part for part in (_day(m["date"]), m["time"]) if part),
            "session": f"{m['number']}/{m['of']}" if m["number"] else None,
            "why": _session_note(m),
        }
        for m in meetings
    ],
    many=True,
)
READY = View(
    "",
    ("theme", "area", "waiting", "size", "command"),
    ("theme", "area", "waiting", ("size", N_("Group size"))),
    title=N_("Groups that can start"),
    empty=N_("No theme has {min_size} people waiting in one area yet."),
    many=True,
)
_AGO = counted("{n} day ago", "{n} days ago", "n")
EXPIRING = View(
    "",
    tuple(Stale.__annotations__),
    ("id", "name", "phone", ("theme", N_("Waits for")), ("expires", N_("Expires"))),
    title=N_("Waiting registrations that expire by {until}"),
    empty=N_("No waiting registration expires by {until}."),
    row_style=lambda row: "red" if row["days_left"] <= 0 else None,
    for_table=lambda rows: [
        {
            **row,
            "theme": _("{theme} in {area}").format(**row),
            "expires": days_away(row["days_left"], _AGO),
        }
        for row in rows
    ],
    many=True,
)
DAYS_OFF = View(
    "",
    ("date", "name"),
    (("day", N_("Day")), ("name", N_("Day off"))),
    title=N_("Days off in week {week}"),
    empty=N_("No holidays or days off this week."),
    for_table=lambda days: [{**d, "day": _day(d["date"])} for d in days],
    many=True,
)
AGENDA = View(
    "agenda",
    (
        "week",
        "monday",
        "sunday",
        "as_of",
        "starter",
        "sessions",
        "followups",
        "ready",
        "expiring",
        "days_off",
    ),
    parts=(
        ("sessions", SESSIONS),
        ("followups", DUE._replace(commands="")),
        ("ready", READY),
        ("expiring", EXPIRING),
        ("days_off", DAYS_OFF),
    ),
    note=(
        "the ISO week (`monday` to `sunday`) of `--as-of` (default today) or `--week`; "
        "`as_of`: the day `days_overdue` and `days_left` count from (the Monday for `--week`); "
        "`starter`: the starter's name when `--starter` limits `sessions` and `followups`; "
        "`sessions`: the starter sessions held and planned and the meetings cancelled that week "
        "(as `groups show` has them in `plan`, with the group's `theme`, `area`, `venue`, "
        "`starter` and `of`, its number of starter sessions); `followups`: as `followups due` "
        "has them; `ready`: as `groups ready` proposes them, `size`: the members proposed, "
        "`command`: the command that starts it; `expiring`: as `intake stale --within "
        f"{service.RING_WITHIN}` has them, counted from `as_of`; `days_off`: the public "
        "holidays and named days off of the week (`name` in the county's language)"
    ),
)


@commands.command(
    "agenda",
    help=_(
        "The week on one screen: starter sessions, follow-ups due, groups that can start, "
        "people to ring before their registration expires, and the days off."
    ),
)
@formats
def agenda(
    as_of: AsOfOpt = None,
    week: WeekOpt = None,
    starter: StarterOpt = None,
    fmt: Format = Format.TABLE,
) -> None:
    from shgroups.services.settings import get_settings

    day = week_or_day(as_of, week)
    with store() as db:
        found = service.agenda(db, day, starter)
        min_size = get_settings(db)["min_size"]
    commands = [start_command(r["theme"], r["area"]) for r in found["ready"]]
    for row, command in zip(found["ready"], commands, strict=True):
        row["command"] = command  # type: ignore[typeddict-unknown-key]  # the CLI's own word
    if fmt is not Format.TABLE:
        render(AGENDA, found, fmt)
        return
    params = {
        "week": found["week"],
        "min_size": min_size,
        "until": (day + timedelta(days=service.RING_WITHIN)).isoformat(),
    }
    title = _("Agenda for week {week} ({monday} to {sunday})").format(**found)
    if found["starter"]:
        fields([(_("Starter"), found["starter"])], title)
    else:
        from rich.console import Console

        Console(highlight=False).print(title, style="bold", markup=False)
    for key, part in AGENDA.parts:
        print()
        if key == "followups":
            part = part._replace(for_table=partial(with_when, day))
        show(part, found[key], **params)  # type: ignore[literal-required]  # a part's key
        if key == "ready":
            for command in dict.fromkeys(commands):
                message(_("Next: {command}").format(command=command))
        elif key == "expiring" and found["expiring"]:
            message(
                _(
                    "Ring them before the next purge: when they still want a group, "
                    "shg intake confirm ID renews the registration; shg purge --dry-run shows "
                    "what a purge would remove today."
                )
            )
