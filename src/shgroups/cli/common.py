"""What every command module shares: the chosen database, common options, date parsing."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated

import typer

from shgroups import dates
from shgroups.errors import InvalidInput
from shgroups.i18n import _
from shgroups.storage import Store, open_db

# Set by the top-level callback from --db (else $SHG_DB, else the user data folder).
state: dict[str, str | None] = {"db": None}

DateOpt = Annotated[
    str | None,
    typer.Option(
        "--date", metavar="DATE", help=_("The day it happened, YYYY-MM-DD (default: today).")
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of", metavar="DATE", help=_("Answer as of this day, YYYY-MM-DD (default: today).")
    ),
]
ForceOpt = Annotated[bool, typer.Option("--force", help=_("Go ahead despite the warning."))]


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


def id_list(text: str) -> list[int]:
    try:
        return [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise InvalidInput(
            _("{text!r} is not a list of registration ids").format(text=text),
            _("give ids separated by commas, e.g. --members 3,7,12"),
            code="members.not_ids",
            field="members",
            text=text,
        ) from None
