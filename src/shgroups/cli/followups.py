"""`shg followups`: the weekly list of groups to contact, and recording a contact."""

from typing import Annotated

import typer

from shgroups.cli.common import AsOfOpt, DateOpt, JsonOpt, store, when
from shgroups.cli.output import message, print_json, rows_out
from shgroups.dates import iso_week, parse_week, today
from shgroups.errors import InvalidInput
from shgroups.i18n import _
from shgroups.services import followups as service

app = typer.Typer(help=_("Follow-ups of running groups."), no_args_is_help=True)


@app.command("due")
def due(
    as_of: AsOfOpt = None,
    week: Annotated[str | None, typer.Option(help=_("An ISO week instead, e.g. 2026-W48."))] = None,
    starter: Annotated[str | None, typer.Option(help=_("Only this starter's groups."))] = None,
    as_json: JsonOpt = False,
) -> None:
    """Groups to follow up this week: overdue first (red), then due this week (yellow)."""
    if as_of and week:
        raise InvalidInput(
            _("give --as-of or --week, not both"),
            _("--week 2026-W48 means the same as --as-of any day of that week"),
        )
    day = parse_week(week) if week else when(as_of, "--as-of")
    with store() as db:
        rows = service.due(db, day, starter)
    rows_out(
        rows,
        as_json,
        [
            ("group", _("Group")),
            ("theme", _("Theme")),
            ("area", _("Area")),
            ("due", _("Due")),
            ("days_overdue", _("Days overdue")),
            ("starter", _("Starter")),
        ],
        title=_("Follow-ups due by the end of week {week}").format(week=iso_week(day)),
        row_style=lambda r: "red" if r["days_overdue"] > 0 else "yellow",
        empty=_("Nothing is due."),
    )


@app.command("add")
def add(
    group_id: Annotated[int, typer.Argument(help=_("The group id."), show_default=False)],
    date: DateOpt = None,
    outcome: Annotated[str, typer.Option(help=_("ok, needs-support or ending."))] = "ok",
    method: Annotated[str | None, typer.Option(help=_("phone, visit, e-mail …"))] = None,
    note: Annotated[
        str | None,
        typer.Option(help=_("A short note about the group (no names, no health details).")),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a follow-up done; the next one is counted from this date."""
    with store() as db:
        result = service.add_followup(db, group_id, when(date), today(), outcome, method, note)
    if as_json:
        print_json({"group": result["group"], "next_due": result["next_due"]})
        return
    message(_("Follow-up of group {group} recorded; next due {next_due}.").format(**result))
    if outcome == "ending":
        message(_("When the members have stopped: shg groups end {group}").format(**result))
