"""What every command module shares: the chosen database, common options, date parsing."""

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated

import typer

from shgroups import dates
from shgroups.errors import Conflict, InvalidInput
from shgroups.i18n import _
from shgroups.storage import Store, open_db

# Set by the top-level callback from --db (else $SHG_DB, else the user data folder).
state: dict[str, str | None] = {"db": None}

DateOpt = Annotated[
    str | None,
    typer.Option(
        "--date",
        metavar=_("DATE"),
        help=_("The day it happened: YYYY-MM-DD, today or yesterday (default: today)."),
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar=_("DATE"),
        help=_("Answer as of this day: YYYY-MM-DD, today or yesterday (default: today)."),
    ),
]
WeekOpt = Annotated[
    str | None,
    typer.Option(metavar=_("WEEK"), help=_("An ISO week instead, e.g. 2026-W48.")),
]
StarterOpt = Annotated[
    str | None, typer.Option(metavar=_("NAME"), help=_("Only this starter's groups."))
]
ForceOpt = Annotated[bool, typer.Option("--force", help=_("Go ahead despite the warning."))]
# For a command that writes one file named by --out.
ReplaceOpt = Annotated[
    bool, typer.Option("--force", help=_("Replace the file --out names if it exists."))
]
YesOpt = Annotated[
    bool, typer.Option("--yes", "-y", help=_("Go ahead without asking (for scripts)."))
]


@contextmanager
def store() -> Iterator[Store]:
    db = open_db(state["db"])
    try:
        yield db
    finally:
        db.close()


def when(text: str | None, field: str = "date") -> date:
    """The day typed for the command's parameter `field` ("date", "as_of", "since"), else
    today; a failure names the field, and the error boundary shows it as that flag."""
    return dates.date_or_today(text, field)


def week_or_day(as_of: str | None, week: str | None) -> date:
    """The day a week's list is for: the Monday of `--week`, else `--as-of`, else today.
    Both given is an error: they are two ways of saying one thing."""
    if as_of and week:
        raise InvalidInput(
            _("give --as-of or --week, not both"),
            _("--week 2026-W48 means the same as --as-of any day of that week"),
            code="as_of_and_week",
        )
    return dates.parse_week(week) if week else when(as_of, "as_of")


def id_list(text: str) -> list[int]:
    """Registration ids typed as "3,7,12", "3 7 12" or "3, 7, 12": "7 19" is 7 and 19."""
    parts = [part for part in re.split(r"[,\s]+", text.strip()) if part]
    if not parts or not all(part.isascii() and part.isdigit() for part in parts):
        raise InvalidInput(
            _("{text!r} is not a list of registration ids").format(text=text),
            _("give ids separated by commas or spaces, e.g. --members 3,7,12"),
            code="members.not_ids",
            field="members",
            text=text,
        )
    return [int(part) for part in parts]


# A yes, in any of shg's languages (the question shows the interface language's letter).
YES = {"y", "yes", "j", "ja"}


def ask(what: str, yes: bool, *, names_someone: bool = False) -> None:
    """Before a destructive change: say what it will change (`what`, on stderr); at a
    terminal ask, and go on only on a yes. `--yes` skips the question;
    without a terminal (a script, a pipe) and without `--yes` nothing is changed (exit 1).
    A `what` that `names_someone` is shown only to the person at a terminal, never where a
    script's output goes (a log)."""
    from shgroups.cli.output import message

    interactive = sys.stdin.isatty() and sys.stderr.isatty()
    if interactive or not names_someone:
        message(what)
    if yes:
        return
    if not interactive:
        raise Conflict(
            _("this changes the register and needs a yes; nothing was changed"),
            _("run it at a terminal to see what it will change and answer, or add --yes"),
            code="confirm.needed",
        )
    try:
        answer = typer.prompt(
            _("Go ahead? [y/N]"), default="", show_default=False, prompt_suffix=" ", err=True
        )
    except typer.Abort:
        answer = ""
    agreed = answer.strip().casefold() in YES
    if not agreed:
        raise Conflict(_("you said no; nothing was changed"), "", code="confirm.declined")
