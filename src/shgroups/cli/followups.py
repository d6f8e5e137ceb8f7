"""`shg followups`: the weekly list of groups to contact, and recording a contact."""

from typing import Annotated

import typer

from shgroups.cli.common import AsOfOpt, DateOpt, store, when
from shgroups.cli.output import Format, View, formats, message, render
from shgroups.dates import iso_week, parse_week, today
from shgroups.enums import Outcome
from shgroups.errors import InvalidInput
from shgroups.i18n import N_, _
from shgroups.services import followups as service

app = typer.Typer(help=_("Follow-ups of running groups."), no_args_is_help=True)

DUE = View(
    "followups due",
    ("group", "theme", "area", "due", "days_overdue", "starter"),
    (
        ("group", N_("Group")),
        ("theme", N_("Theme")),
        ("area", N_("Area")),
        ("due", N_("Due")),
        ("days_overdue", N_("Days overdue")),
        ("starter", N_("Starter")),
    ),
    title=N_("Follow-ups due by the end of week {week}"),
    row_style=lambda r: "red" if r["days_overdue"] > 0 else "yellow",
    empty=N_("Nothing is due."),
    note="soonest first; `days_overdue` is 0 for those not yet late",
    many=True,
)
RECORDED = View(
    "followups add",
    ("group", "next_due"),
    said=(N_("Follow-up of group {group} recorded; next due {next_due}."),),
)


@app.command("due")
@formats
def due(
    as_of: AsOfOpt = None,
    week: Annotated[
        str | None,
        typer.Option(metavar="WEEK", help=_("An ISO week instead, e.g. 2026-W48.")),
    ] = None,
    starter: Annotated[
        str | None, typer.Option(metavar="NAME", help=_("Only this starter's groups."))
    ] = None,
    fmt: Format = Format.TABLE,
) -> None:
    """Groups to follow up this week: overdue first (red), then due this week (yellow)."""
    if as_of and week:
        raise InvalidInput(
            _("give --as-of or --week, not both"),
            _("--week 2026-W48 means the same as --as-of any day of that week"),
            code="followups.as_of_and_week",
        )
    day = parse_week(week) if week else when(as_of, "as_of")
    with store() as db:
        rows = service.due(db, day, starter)
    render(DUE, rows, fmt, week=iso_week(day))


@app.command("add")
@formats
def add(
    group_id: Annotated[
        int, typer.Argument(metavar="GROUP", help=_("The group id."), show_default=False)
    ],
    date: DateOpt = None,
    outcome: Annotated[Outcome, typer.Option(help=_("How the group is doing."))] = Outcome.OK,
    method: Annotated[
        str | None, typer.Option(metavar="HOW", help=_("phone, visit, e-mail …"))
    ] = None,
    note: Annotated[
        str | None,
        typer.Option(
            metavar="NOTE", help=_("A short note about the group (no names, no health details).")
        ),
    ] = None,
    fmt: Format = Format.TABLE,
) -> None:
    """Record a follow-up done; the next one is counted from this date."""
    with store() as db:
        result = service.add_followup(db, group_id, when(date), today(), outcome, method, note)
    render(RECORDED, result, fmt)
    if fmt is Format.TABLE and outcome is Outcome.ENDING:
        message(_("When the members have stopped: shg groups end {group}").format(**result))
