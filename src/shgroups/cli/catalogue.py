"""`shg themes`, `shg areas`, `shg staff`: the names everything else refers to."""

from typing import Annotated

import typer

from shgroups.cli.common import DateOpt, store, when
from shgroups.cli.output import Format, View, formats, render
from shgroups.enums import Role
from shgroups.i18n import N_, _
from shgroups.services import catalogue as service

themes_app = typer.Typer(help=_("Themes people wait for (tema)."), no_args_is_help=True)
areas_app = typer.Typer(help=_("Areas: towns, clusters, digital."), no_args_is_help=True)
staff_app = typer.Typer(help=_("Starters (igångsättare) and coordinators."), no_args_is_help=True)

THEMES = View(
    "themes list",
    ("id", "name", "waiting", "retired"),
    (
        ("id", N_("ID")),
        ("name", N_("Theme")),
        ("waiting", N_("Waiting")),
        ("retired", N_("Retired")),
    ),
    note="`waiting`: first choices that wait; `retired`: the day it was retired, or null",
    many=True,
)
THEME = View("themes add, themes rename", ("id", "name"), said=(N_("Added theme {id}: {name}."),))
RENAMED = THEME._replace(commands="", said=(N_("Theme {id} is now called {name}."),))
RETIRED = View(
    "themes retire", ("id", "name", "retired"), said=(N_("Retired theme {id}: {name}."),)
)
AREAS = View(
    "areas list",
    ("id", "name", "waiting", "digital", "default"),
    (
        ("id", N_("ID")),
        ("name", N_("Area")),
        ("waiting", N_("Waiting")),
        ("digital", N_("Digital")),
        ("default", N_("Default")),
    ),
    note="`waiting`: first choices that wait",
    many=True,
)
AREA = View(
    "areas add", ("id", "name", "digital", "default"), said=(N_("Added area {id}: {name}."),)
)
STAFF = View(
    "staff list",
    ("id", "name", "role", "groups"),
    (("id", N_("ID")), ("name", N_("Name")), ("role", N_("Role")), ("groups", N_("Active groups"))),
    note="`groups`: the groups not ended that they start",
    many=True,
)
STAFF_ADDED = View("staff add", ("id", "name", "role"), said=(N_("Added {role} {id}: {name}."),))


@themes_app.command("list")
@formats
def themes_list(
    retired: Annotated[bool, typer.Option("--retired", help=_("Include retired themes."))] = False,
    fmt: Format = Format.TABLE,
) -> None:
    """List themes with how many wait for each (first choice)."""
    with store() as db:
        rows = service.list_themes(db, retired)
    # Without retired themes the column would be empty: people do not see it.
    render(THEMES if retired else THEMES._replace(columns=THEMES.columns[:-1]), rows, fmt)


@themes_app.command("add")
@formats
def themes_add(
    name: Annotated[str, typer.Argument(metavar="NAME", help=_("The theme's name."))],
    alias: Annotated[
        list[str] | None,
        typer.Option(metavar="NAME", help=_("Another name that should match (repeatable).")),
    ] = None,
    fmt: Format = Format.TABLE,
) -> None:
    """Add a theme."""
    with store() as db:
        render(THEME, service.create_theme(db, name, alias or []), fmt)


@themes_app.command("rename")
@formats
def themes_rename(
    old: Annotated[str, typer.Argument(metavar="THEME", help=_("The current name."))],
    new: Annotated[
        str,
        typer.Argument(metavar="NAME", help=_("The new name (the old one keeps matching).")),
    ],
    fmt: Format = Format.TABLE,
) -> None:
    """Rename a theme; the old name stays as an alias."""
    with store() as db:
        render(RENAMED, service.rename_theme(db, old, new), fmt)


@themes_app.command("retire")
@formats
def themes_retire(
    name: Annotated[str, typer.Argument(metavar="THEME", help=_("The theme to retire."))],
    date: DateOpt = None,
    fmt: Format = Format.TABLE,
) -> None:
    """Retire a theme: no new registrations; its history stays."""
    with store() as db:
        render(RETIRED, service.retire_theme(db, name, when(date).isoformat()), fmt)


@areas_app.command("list")
@formats
def areas_list(fmt: Format = Format.TABLE) -> None:
    """List areas with how many wait in each (first choice)."""
    with store() as db:
        render(AREAS, service.list_areas(db), fmt)


@areas_app.command("add")
@formats
def areas_add(
    name: Annotated[
        str, typer.Argument(metavar="NAME", help=_("The area's name, e.g. Habo/Mullsjö."))
    ],
    digital: Annotated[bool, typer.Option("--digital", help=_("Groups meet online."))] = False,
    default: Annotated[
        bool, typer.Option("--default", help=_("Use it when --area is not given."))
    ] = False,
    fmt: Format = Format.TABLE,
) -> None:
    """Add an area."""
    with store() as db:
        render(AREA, service.create_area(db, name, digital, default), fmt)


@staff_app.command("add")
@formats
def staff_add(
    name: Annotated[
        str, typer.Argument(metavar="NAME", help=_("Their name as colleagues know it."))
    ],
    role: Annotated[Role, typer.Option(help=_("What they do."))] = Role.STARTER,
    fmt: Format = Format.TABLE,
) -> None:
    """Add a starter (igångsättare) or coordinator."""
    with store() as db:
        render(STAFF_ADDED, service.add_staff(db, name, role), fmt)


@staff_app.command("list")
@formats
def staff_list(fmt: Format = Format.TABLE) -> None:
    """List staff with the number of active groups they start."""
    with store() as db:
        render(STAFF, service.list_staff(db), fmt)
