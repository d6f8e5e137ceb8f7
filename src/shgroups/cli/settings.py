"""`shg settings`: the county's rules, shared by everyone using the database."""

from typing import Annotated, Any

import typer

from shgroups.cli.common import YesOpt, ask, store
from shgroups.cli.output import Format, View, changes, formats, message, render
from shgroups.i18n import N_, _, ngettext
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


@app.command("show", help=_("Show the settings."))
@formats
def show(fmt: Format = Format.TABLE) -> None:
    with store() as db:
        render(SETTINGS, service.get_settings(db), fmt)


@app.command(
    "set",
    help=_(
        "Change one setting; a value outside what is allowed is refused, with "
        'the rule.\n\nPrints the change ("min_size: 5 → 6"). Switching '
        "legal_basis says what changes and asks first (--yes: do not ask)."
    ),
)
@formats
def set_(
    key: Annotated[
        str,
        typer.Argument(
            metavar=_("SETTING"),
            help=_("The setting's name: {names}.").format(
                names=", ".join(setting.name for setting in service.SPEC)
            ),
        ),
    ],
    value: Annotated[str, typer.Argument(metavar=_("VALUE"), help=_("The new value."))],
    yes: YesOpt = False,
    fmt: Format = Format.TABLE,
) -> None:
    from shgroups.cli.retention import writable

    with store() as db:
        change = service.setting_change(db, key, value)
        if change.old != change.new:
            writable(db)
            if key == "legal_basis":
                ask(_basis_switch(change, service.get_settings(db)["info_version"]), yes)
        values = service.set_setting(db, key, value)
    if fmt is not Format.TABLE:
        render(SETTINGS, values, fmt)
    elif change.old == change.new:
        message(_("{key} is already {value}; nothing changed.").format(key=key, value=change.new))
    else:
        changes([(key, change.old, change.new)])


def _basis_switch(change: service.Change, version: str) -> str:
    """What switching the legal basis changes, for the coordinator to agree to."""
    n = change.registrations
    if change.new == "public-task":
        text = ngettext(
            "Switching legal_basis from {old} to {new}: new registrations no longer need "
            "--consent; each records the day the information (version {version}) was given. "
            "The {n} registration made so far keeps the basis it was recorded with.",
            "Switching legal_basis from {old} to {new}: new registrations no longer need "
            "--consent; each records the day the information (version {version}) was given. "
            "The {n} registrations made so far keep the basis they were recorded with.",
            n,
        )
    else:
        text = ngettext(
            "Switching legal_basis from {old} to {new}: every new registration needs "
            "--consent, the person's consent to the information (version {version}). "
            "The {n} registration made so far keeps the basis it was recorded with.",
            "Switching legal_basis from {old} to {new}: every new registration needs "
            "--consent, the person's consent to the information (version {version}). "
            "The {n} registrations made so far keep the basis they were recorded with.",
            n,
        )
    return text.format(old=change.old, new=change.new, version=version, n=n)
