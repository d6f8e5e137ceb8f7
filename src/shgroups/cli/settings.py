"""`shg settings`: the county's rules, shared by everyone using the database."""

from typing import Annotated, Any

import typer

from shgroups.cli.common import store
from shgroups.cli.output import Format, View, formats, render
from shgroups.i18n import N_, _
from shgroups.services import settings as service

app = typer.Typer(
    help=_("County settings: group sizes, starter sessions, follow-up interval."),
    no_args_is_help=True,
)


def _rows(values: dict[str, Any]) -> list[dict[str, Any]]:
    """One line per setting, with its meaning, for a person."""
    return [
        {"key": key, "value": value, "about": service.BY_NAME[key].about()}
        for key, value in values.items()
    ]


# A record in JSON and CSV (one column per setting), a table of settings for people.
SETTINGS = View(
    "settings show, settings set",
    tuple(setting.name for setting in service.SPEC),
    (("key", N_("Setting")), ("value", N_("Value")), ("about", N_("Meaning"))),
    for_table=_rows,
    note="one key per setting, as `shg settings show` lists them",
)


@app.command("show")
@formats
def show(fmt: Format = Format.TABLE) -> None:
    """Show the settings."""
    with store() as db:
        render(SETTINGS, service.get_settings(db), fmt)


@app.command("set")
@formats
def set_(
    key: Annotated[
        str,
        typer.Argument(
            metavar="SETTING",
            help=_("The setting's name: {names}.").format(
                names=", ".join(setting.name for setting in service.SPEC)
            ),
        ),
    ],
    value: Annotated[str, typer.Argument(metavar="VALUE", help=_("The new value."))],
    fmt: Format = Format.TABLE,
) -> None:
    """Change one setting; a value outside what is allowed is refused, with the rule."""
    with store() as db:
        render(SETTINGS, service.set_setting(db, key, value), fmt)
