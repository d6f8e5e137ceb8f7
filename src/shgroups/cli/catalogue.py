"""`shg themes`, `shg areas`, `shg staff`: the names everything else refers to."""

from typing import Annotated

import typer

from shgroups.cli.common import DateOpt, JsonOpt, store, when
from shgroups.cli.output import message, print_json, rows_out
from shgroups.i18n import _
from shgroups.services import catalogue as service

themes_app = typer.Typer(help=_("Themes people wait for (tema)."), no_args_is_help=True)
areas_app = typer.Typer(help=_("Areas: towns, clusters, digital."), no_args_is_help=True)
staff_app = typer.Typer(help=_("Starters (igångsättare) and coordinators."), no_args_is_help=True)


@themes_app.command("list")
def themes_list(
    retired: Annotated[bool, typer.Option("--retired", help=_("Include retired themes."))] = False,
    as_json: JsonOpt = False,
) -> None:
    """List themes with how many wait for each (first choice)."""
    with store() as db:
        rows = service.list_themes(db, retired)
    columns = [("id", "ID"), ("name", _("Theme")), ("waiting", _("Waiting"))]
    rows_out(rows, as_json, columns + ([("retired", _("Retired"))] if retired else []))


@themes_app.command("add")
def themes_add(
    name: Annotated[str, typer.Argument(help=_("The theme's name."))],
    alias: Annotated[
        list[str] | None, typer.Option(help=_("Another name that should match."))
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a theme."""
    with store() as db:
        result = service.create_theme(db, name, alias or [])
    _done(result, as_json, _("Added theme {id}: {name}."))


@themes_app.command("rename")
def themes_rename(
    old: Annotated[str, typer.Argument(help=_("The current name."))],
    new: Annotated[str, typer.Argument(help=_("The new name (the old one keeps matching)."))],
    as_json: JsonOpt = False,
) -> None:
    """Rename a theme; the old name stays as an alias."""
    with store() as db:
        result = service.rename_theme(db, old, new)
    _done(result, as_json, _("Theme {id} is now called {name}."))


@themes_app.command("retire")
def themes_retire(
    name: Annotated[str, typer.Argument(help=_("The theme to retire."))],
    date: DateOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Retire a theme: no new registrations; its history stays."""
    with store() as db:
        result = service.retire_theme(db, name, when(date).isoformat())
    _done(result, as_json, _("Retired theme {id}: {name}."))


@areas_app.command("list")
def areas_list(as_json: JsonOpt = False) -> None:
    """List areas with how many wait in each (first choice)."""
    with store() as db:
        rows = service.list_areas(db)
    rows_out(
        rows,
        as_json,
        [
            ("id", "ID"),
            ("name", _("Area")),
            ("waiting", _("Waiting")),
            ("digital", _("Digital")),
            ("default", _("Default")),
        ],
    )


@areas_app.command("add")
def areas_add(
    name: Annotated[str, typer.Argument(help=_("The area's name, e.g. Habo/Mullsjö."))],
    digital: Annotated[bool, typer.Option("--digital", help=_("Groups meet online."))] = False,
    default: Annotated[
        bool, typer.Option("--default", help=_("Use it when --area is not given."))
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Add an area."""
    with store() as db:
        result = service.create_area(db, name, digital, default)
    _done(result, as_json, _("Added area {id}: {name}."))


@staff_app.command("add")
def staff_add(
    name: Annotated[str, typer.Argument(help=_("Their name as colleagues know it."))],
    role: Annotated[str, typer.Option(help=_("starter or coordinator."))] = "starter",
    as_json: JsonOpt = False,
) -> None:
    """Add a starter (igångsättare) or coordinator."""
    with store() as db:
        result = service.add_staff(db, name, role)
    _done(result, as_json, _("Added {role} {id}: {name}."))


@staff_app.command("list")
def staff_list(as_json: JsonOpt = False) -> None:
    """List staff with the number of active groups they start."""
    with store() as db:
        rows = service.list_staff(db)
    rows_out(
        rows,
        as_json,
        [
            ("id", "ID"),
            ("name", _("Name")),
            ("role", _("Role")),
            ("groups", _("Active groups")),
        ],
    )


def _done(result: dict[str, object], as_json: bool, text: str) -> None:
    if as_json:
        print_json(result)
    else:
        message(text.format(**result))
