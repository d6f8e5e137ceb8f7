"""`shg settings`: the county's rules, shared by everyone using the database."""

from typing import Annotated

import typer

from shgroups.cli.common import JsonOpt, store
from shgroups.cli.output import print_json, table
from shgroups.i18n import _
from shgroups.services import settings as service

app = typer.Typer(
    help=_("County settings: group sizes, starter sessions, follow-up interval."),
    no_args_is_help=True,
)


def _render(values: dict[str, object], as_json: bool) -> None:
    if as_json:
        print_json(values)
    else:
        rows = [{"key": k, "value": v, "about": service.DESCRIPTIONS[k]} for k, v in values.items()]
        table(rows, [("key", _("Setting")), ("value", _("Value")), ("about", _("Meaning"))])


@app.command("show")
def show(as_json: JsonOpt = False) -> None:
    """Show the settings."""
    with store() as db:
        _render(service.get_settings(db), as_json)


@app.command("set")
def set_(
    key: Annotated[
        str,
        typer.Argument(
            help=_("The setting's name, e.g. min_size or sources (`shg settings show` lists them).")
        ),
    ],
    value: Annotated[str, typer.Argument(help=_("The new value."))],
    as_json: JsonOpt = False,
) -> None:
    """Change one setting (validated: min_size ≥ 2, min_size ≤ max_size, …)."""
    with store() as db:
        _render(service.set_setting(db, key, value), as_json)
