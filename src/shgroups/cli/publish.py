"""`shg publish`: the lists a county puts on its web (groups seeking participants, ongoing
groups), as a document in the county's language. The document is the command's output: it
has no --json (the register's data is in `groups list --json`)."""

from pathlib import Path
from typing import Annotated

import typer

from shgroups import files
from shgroups.cli.common import ReplaceOpt, store
from shgroups.cli.output import message
from shgroups.dates import today
from shgroups.i18n import _
from shgroups.render.lists import PublishFormat, render
from shgroups.services.publish import gather

# A command of the root (`shg publish`); cli/__init__ takes it by its name from this app.
commands = typer.Typer()


@commands.command(
    "publish",
    help=_(
        "The public lists, in the county's language: groups seeking participants and ongoing "
        "groups.\n\nThemes and areas only: no names, no ids, no counts of people waiting. "
        "Printed, or written to a private file with --out."
    ),
)
def publish(
    fmt: Annotated[
        PublishFormat,
        typer.Option(
            "--format",
            help=_("md (to paste into a web page's editor), html (one page) or txt (e-mail)."),
        ),
    ] = PublishFormat.MD,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar=_("PATH"),
            help=_("Write the lists to this private file (0600) instead of printing them."),
            show_default=False,
        ),
    ] = None,
    force: ReplaceOpt = False,
) -> None:
    with store() as db:
        lists = gather(db, today())
    document = render(lists, fmt)
    if out is None:
        print(document, end="")
        return
    with files.staged() as staged:
        staged.write(out, document, force=force)
    message(_("Wrote {path}.").format(path=out))
