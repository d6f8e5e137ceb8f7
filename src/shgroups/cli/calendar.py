"""`shg calendar export`: the starter sessions and follow-ups as an iCalendar file, for
Outlook, Google Calendar and phones, in the county's language. The file is the command's
output: it has no --json (the plan is in `groups show --json`)."""

import sys
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from shgroups import files
from shgroups.cli.common import ReplaceOpt, store
from shgroups.cli.output import message
from shgroups.dates import parse_date, today
from shgroups.errors import InvalidInput
from shgroups.i18n import _, ngettext

app = typer.Typer(
    help=_("The calendar of starter sessions and follow-ups, for Outlook, Google and phones."),
    no_args_is_help=True,
)


@app.command(
    "export",
    help=_(
        "Starter sessions (held, planned, cancelled) and follow-ups due, as an iCalendar file "
        "(.ics) in the county's language and time zone.\n\nGroup numbers, areas and venues "
        "only: no person, and no theme unless --with-themes. Printed, or written to a private "
        "file with --out."
    ),
)
def export(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar=_("PATH"),
            help=_("Write the calendar to this private file (0600) instead of printing it."),
            show_default=False,
        ),
    ] = None,
    starter: Annotated[
        str | None,
        typer.Option(
            metavar=_("NAME"),
            help=_("Only this starter's groups (the name is not written in the file)."),
        ),
    ] = None,
    period_from: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar=_("DATE"),
            help=_("The first day: YYYY-MM-DD or today (default: Monday of this week)."),
            show_default=False,
        ),
    ] = None,
    weeks: Annotated[
        int,
        typer.Option(
            metavar=_("N"), help=_("How many weeks from that day, 1 to 104 (default: 26).")
        ),
    ] = 26,
    with_themes: Annotated[
        bool,
        typer.Option(
            "--with-themes",
            help=_(
                "Name each group's theme too (a theme tells something about health: only for "
                "a calendar nobody else sees)."
            ),
        ),
    ] = False,
    force: ReplaceOpt = False,
) -> None:
    from shgroups.render.ics import calendar_bytes
    from shgroups.services import calendar as service

    day = today()
    monday = day - timedelta(days=day.weekday())
    if period_from is None:
        start = monday
    else:
        try:
            start = parse_date(period_from, "period_from")
        except InvalidInput as exc:
            raise InvalidInput(
                exc.message,
                _("give a day as YYYY-MM-DD, e.g. `shg calendar export --from {monday}`").format(
                    monday=monday.isoformat()
                ),
                code="calendar.from_invalid",
                field="period_from",
                **exc.params,
            ) from None
    written: list[bytes] = []

    def deliver(doc: service.Calendar) -> None:
        ics = calendar_bytes(doc)
        written.append(ics)
        if out is not None:
            staged.write(out, ics, force=force)

    with files.staged() as staged, store() as db:
        doc = service.export(db, start, weeks, starter, with_themes, deliver)
    if out is None:  # the file's own bytes, CRLF line ends and all
        sys.stdout.flush()
        sys.stdout.buffer.write(written[0])
        sys.stdout.buffer.flush()
    n = len(doc["events"])
    if out is None:
        said = ngettext(
            "{n} event from {first} to {last}.", "{n} events from {first} to {last}.", n
        )
    else:
        said = ngettext(
            "Wrote {n} event ({first} to {last}) to {path}.",
            "Wrote {n} events ({first} to {last}) to {path}.",
            n,
        )
    message(said.format(n=n, first=doc["first"], last=doc["last"], path=out))
