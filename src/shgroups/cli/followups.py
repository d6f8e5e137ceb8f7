"""`shg followups`: the weekly list of groups to contact, and recording a contact."""

from datetime import date
from functools import partial
from typing import Annotated, Any

import typer

from shgroups.cli.common import AsOfOpt, DateOpt, StarterOpt, WeekOpt, store, week_or_day, when
from shgroups.cli.output import Format, View, days_away, formats, message, render
from shgroups.dates import iso_week, today
from shgroups.enums import Outcome
from shgroups.i18n import N_, _, counted, ngettext
from shgroups.services import followups as service

app = typer.Typer(help=_("Follow-ups of running groups."), no_args_is_help=True)

GroupArg = Annotated[
    int, typer.Argument(metavar=_("GROUP"), help=_("The group id."), show_default=False)
]


_OVERDUE = counted("{n} day overdue", "{n} days overdue", "n")


def relative(as_of: date, due: str) -> str:
    """How far a due date is from `as_of`, as a person says it: "in 2 days", "today",
    "14 days overdue"."""
    return days_away((date.fromisoformat(due) - as_of).days, _OVERDUE)


def moved_due(row: dict[str, Any]) -> str:
    """The due date as a person reads it, with why it moved when a day off moved it: the
    sentence in the interface language, the holiday's name in the county's."""
    if row["due"] == row["due_planned"]:
        return str(row["due"])
    if row["moved_for"] is None:
        return _("{due} (moved from {planned}: a weekend)").format(
            due=row["due"], planned=row["due_planned"]
        )
    return _("{due} (moved from {planned}: {day_off})").format(
        due=row["due"], planned=row["due_planned"], day_off=row["moved_for"]
    )


def with_when(as_of: date, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, "due": moved_due(row), "when": relative(as_of, row["due"])} for row in rows]


DUE = View(
    "followups due",
    ("group", "theme", "area", "due", "days_overdue", "starter", "due_planned", "moved_for"),
    (
        ("group", N_("Group")),
        "theme",
        "area",
        ("due", N_("Due")),
        ("when", N_("When")),
        "starter",
    ),
    title=N_("Follow-ups due by the end of week {week}"),
    row_style=lambda r: "red" if r["days_overdue"] > 0 else "yellow",
    empty=N_("Nothing is due."),
    # Counted from today; the command counts from its --as-of or --week.
    for_table=lambda rows: with_when(today(), rows),
    note=(
        "soonest first; `days_overdue` is 0 for those not yet late; `due` is a working day: "
        "`due_planned` is the day the rule gives, `moved_for` the day off (in the county's "
        "language) that moved it, null when not moved or moved for a weekend"
    ),
    many=True,
)
RECORDED = View(
    "followups add",
    ("group", "next_due"),
    said=(N_("Follow-up of group {group} recorded; next due {next_due}."),),
)
REMOVED = View(
    "followups remove",
    ("group", "date", "outcome", "method", "note", "left_on_day", "group_status", "next_due"),
    said=(
        N_("Removed the follow-up of group {group} on {date} (outcome: {outcome})."),
        N_("Group {group}: next follow-up due {next_due}."),
    ),
    note="the follow-up removed; `left_on_day`: others still recorded that day",
)


@app.command(
    "due",
    help=_("Groups to follow up this week: overdue first (red), then due this week (yellow)."),
)
@formats
def due(
    as_of: AsOfOpt = None,
    week: WeekOpt = None,
    starter: StarterOpt = None,
    fmt: Format = Format.TABLE,
) -> None:
    day = week_or_day(as_of, week)
    with store() as db:
        rows = service.due(db, day, starter)
    view = DUE._replace(for_table=partial(with_when, day)) if fmt is Format.TABLE else DUE
    render(view, rows, fmt, week=iso_week(day))


@app.command("add", help=_("Record a follow-up done; the next one is counted from this date."))
@formats
def add(
    group_id: GroupArg,
    date: DateOpt = None,
    outcome: Annotated[Outcome, typer.Option(help=_("How the group is doing."))] = Outcome.OK,
    method: Annotated[
        str | None, typer.Option(metavar=_("HOW"), help=_("phone, visit, e-mail …"))
    ] = None,
    note: Annotated[
        str | None,
        typer.Option(
            metavar=_("NOTE"), help=_("A short note about the group (no names, no health details).")
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help=_(
                "Record it although the next one is more than two weeks away (an extra contact)."
            ),
        ),
    ] = False,
    fmt: Format = Format.TABLE,
) -> None:
    with store() as db:
        result = service.add_followup(
            db, group_id, when(date), today(), outcome, method, note, force
        )
    render(RECORDED, result, fmt)
    if fmt is Format.TABLE and outcome is Outcome.ENDING:
        message(_("When the members have stopped: shg groups end {group}").format(**result))


@app.command(
    "remove",
    help=_("Remove a follow-up recorded by mistake; the next one is counted as before it."),
)
@formats
def remove(
    group_id: GroupArg,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar=_("DATE"),
            help=_(
                "The follow-up done on this day (default: the last one); of several that "
                "day, the one recorded last."
            ),
        ),
    ] = None,
    fmt: Format = Format.TABLE,
) -> None:
    with store() as db:
        result = service.remove_followup(db, group_id, when(date) if date else None, today())
    render(REMOVED, result, fmt)
    if fmt is Format.TABLE and result["left_on_day"]:
        message(
            ngettext(
                "{n} other follow-up is still recorded on {date}.",
                "{n} other follow-ups are still recorded on {date}.",
                result["left_on_day"],
            ).format(n=result["left_on_day"], date=result["date"])
        )
