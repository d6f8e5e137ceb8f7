"""`shg themes`, `shg areas`, `shg staff`: the names everything else refers to."""

from typing import Annotated

import typer

from shgroups.cli.common import DateOpt, YesOpt, ask, store, when
from shgroups.cli.output import Format, View, formats, message, render
from shgroups.enums import Role
from shgroups.i18n import N_, _, ngettext
from shgroups.services import catalogue as service

themes_app = typer.Typer(help=_("Themes people wait for (tema)."), no_args_is_help=True)
areas_app = typer.Typer(help=_("Areas: towns, clusters, digital."), no_args_is_help=True)
staff_app = typer.Typer(help=_("Starters (igångsättare) and coordinators."), no_args_is_help=True)

THEMES = View(
    "themes list",
    ("id", "name", "waiting", "retired"),
    (
        "id",
        ("name", N_("Theme")),
        "waiting",
        "retired",
    ),
    note="`waiting`: first choices that wait; `retired`: the day it was retired, or null",
    many=True,
)
THEME = View(
    "themes add, themes rename, themes restore",
    ("id", "name"),
    said=(N_("Added theme {id}: {name}."),),
)
RENAMED = THEME._replace(commands="", said=(N_("Theme {id} is now called {name}."),))
THEME_RETIRED = View(
    "themes retire",
    ("id", "name", "retired", "waiting"),
    said=(N_("Retired theme {id}: {name}."),),
    note="`waiting`: waiting registrations that name it (first or other choice); they keep waiting",
)
THEME_RESTORED = THEME._replace(
    commands="", said=(N_("Theme {id} ({name}) takes registrations again."),)
)
AREAS = View(
    "areas list",
    ("id", "name", "waiting", "digital", "default", "retired"),
    (
        "id",
        ("name", N_("Area")),
        "waiting",
        ("digital", N_("Digital")),
        ("default", N_("Default")),
        "retired",
    ),
    note="`waiting`: first choices that wait; `retired`: the day it was retired, or null",
    many=True,
)
AREA = View(
    "areas add", ("id", "name", "digital", "default"), said=(N_("Added area {id}: {name}."),)
)
AREA_RENAMED = View(
    "areas rename, areas restore, areas default, staff rename, staff restore",
    ("id", "name"),
    said=(N_("Area {id} is now called {name}."),),
)
AREA_RETIRED = THEME_RETIRED._replace(
    commands="areas retire", said=(N_("Retired area {id}: {name}."),)
)
AREA_RESTORED = AREA_RENAMED._replace(
    commands="", said=(N_("Area {id} ({name}) takes registrations and groups again."),)
)
AREA_DEFAULT = AREA_RENAMED._replace(
    commands="",
    said=(N_("Area {id} ({name}) is the default: registrations without an area go there."),),
)
STAFF = View(
    "staff list",
    ("id", "name", "role", "groups", "retired"),
    (
        "id",
        "name",
        ("role", N_("Role")),
        ("groups", N_("Active groups")),
        "retired",
    ),
    note="`groups`: the groups not ended that they start; `retired`: the day they were "
    "retired, or null",
    many=True,
)
STAFF_ADDED = View("staff add", ("id", "name", "role"), said=(N_("Added {role} {id}: {name}."),))
STAFF_RENAMED = AREA_RENAMED._replace(
    commands="", said=(N_("Staff member {id} is now called {name}."),)
)
STAFF_RETIRED = View(
    "staff retire",
    ("id", "name", "retired", "groups"),
    said=(N_("Retired staff member {id}: {name}."),),
    note="`groups`: the groups not ended that they still start, until handed over",
)
STAFF_RESTORED = AREA_RENAMED._replace(
    commands="", said=(N_("Staff member {id} ({name}) can be given groups again."),)
)

RetiredOpt = Annotated[bool, typer.Option("--retired", help=_("Include retired ones."))]


def _without_retired(view: View, retired: bool) -> View:
    """Without retired rows the Retired column would be empty: people do not see it."""
    return view if retired else view._replace(columns=view.columns[:-1])


def _retire_waiting(kind: str, name: str, date: str | None, yes: bool, fmt: Format) -> None:
    """Retire a theme or area; with people waiting for it, say how many and ask first."""
    from shgroups.cli.retention import writable

    on = when(date).isoformat()
    with store() as db:
        found = service.waiting_for(db, kind, name)
        n = found["waiting"]
        if n:
            writable(db)
            if kind == "theme":
                what = ngettext(
                    "{n} person waits for theme {name!r} (as a first or other choice). Retired, "
                    "the theme takes no new registrations or groups; the person keeps waiting "
                    "until you move or withdraw them (`shg intake list --theme {name!r}`).",
                    "{n} people wait for theme {name!r} (as a first or other choice). Retired, "
                    "the theme takes no new registrations or groups; they keep waiting until "
                    "you move or withdraw them (`shg intake list --theme {name!r}`).",
                    n,
                )
            else:
                what = ngettext(
                    "{n} person waits in area {name!r} (as a first or other choice). Retired, "
                    "the area takes no new registrations or groups; the person keeps waiting "
                    "until you move or withdraw them (`shg intake list --area {name!r}`).",
                    "{n} people wait in area {name!r} (as a first or other choice). Retired, "
                    "the area takes no new registrations or groups; they keep waiting until "
                    "you move or withdraw them (`shg intake list --area {name!r}`).",
                    n,
                )
            ask(what.format(n=n, name=found["name"]), yes)
        result = service.retire(db, kind, found["name"], on, keep_waiting=n)
    render(THEME_RETIRED if kind == "theme" else AREA_RETIRED, result, fmt)


@themes_app.command(
    "list",
    help=_("List themes with how many wait for each (first choice); retired ones with --retired."),
)
@formats
def themes_list(
    retired: RetiredOpt = False,
    fmt: Format = Format.TABLE,
) -> None:
    with store() as db:
        rows = service.list_themes(db, retired)
    render(_without_retired(THEMES, retired), rows, fmt)


@themes_app.command("add", help=_("Add a theme."))
@formats
def themes_add(
    name: Annotated[str, typer.Argument(metavar=_("NAME"), help=_("The theme's name."))],
    alias: Annotated[
        list[str] | None,
        typer.Option(metavar=_("NAME"), help=_("Another name that should match (repeatable).")),
    ] = None,
    fmt: Format = Format.TABLE,
) -> None:
    with store() as db:
        render(THEME, service.create_theme(db, name, alias or []), fmt)


@themes_app.command("rename", help=_("Rename a theme; the old name stays as an alias."))
@formats
def themes_rename(
    old: Annotated[str, typer.Argument(metavar=_("THEME"), help=_("The current name."))],
    new: Annotated[
        str,
        typer.Argument(metavar=_("NAME"), help=_("The new name (the old one keeps matching).")),
    ],
    fmt: Format = Format.TABLE,
) -> None:
    with store() as db:
        render(RENAMED, service.rename_theme(db, old, new), fmt)


@themes_app.command(
    "retire",
    help=_(
        "Retire a theme: no new registrations or groups; its history stays.\n\n"
        "With people waiting for it, says how many and asks first: they keep "
        "waiting."
    ),
)
@formats
def themes_retire(
    name: Annotated[str, typer.Argument(metavar=_("THEME"), help=_("The theme to retire."))],
    date: DateOpt = None,
    yes: YesOpt = False,
    fmt: Format = Format.TABLE,
) -> None:
    _retire_waiting("theme", name, date, yes, fmt)


@themes_app.command("restore", help=_("Take a retired theme back into use."))
@formats
def themes_restore(
    name: Annotated[str, typer.Argument(metavar=_("THEME"), help=_("The retired theme."))],
    fmt: Format = Format.TABLE,
) -> None:
    with store() as db:
        render(THEME_RESTORED, service.restore(db, "theme", name), fmt)


@areas_app.command(
    "list",
    help=_("List areas with how many wait in each (first choice); retired ones with --retired."),
)
@formats
def areas_list(retired: RetiredOpt = False, fmt: Format = Format.TABLE) -> None:
    with store() as db:
        rows = service.list_areas(db, retired)
    render(_without_retired(AREAS, retired), rows, fmt)


@areas_app.command("add", help=_("Add an area."))
@formats
def areas_add(
    name: Annotated[
        str, typer.Argument(metavar=_("NAME"), help=_("The area's name, e.g. Habo/Mullsjö."))
    ],
    digital: Annotated[bool, typer.Option("--digital", help=_("Groups meet online."))] = False,
    default: Annotated[
        bool, typer.Option("--default", help=_("Use it when --area is not given."))
    ] = False,
    fmt: Format = Format.TABLE,
) -> None:
    with store() as db:
        render(AREA, service.create_area(db, name, digital, default), fmt)


@staff_app.command("add", help=_("Add a starter (igångsättare) or coordinator."))
@formats
def staff_add(
    name: Annotated[
        str, typer.Argument(metavar=_("NAME"), help=_("Their name as colleagues know it."))
    ],
    role: Annotated[Role, typer.Option(help=_("What they do."))] = Role.STARTER,
    fmt: Format = Format.TABLE,
) -> None:
    with store() as db:
        render(STAFF_ADDED, service.add_staff(db, name, role), fmt)


@staff_app.command(
    "list",
    help=_("List staff with the number of active groups they start; retired ones with --retired."),
)
@formats
def staff_list(retired: RetiredOpt = False, fmt: Format = Format.TABLE) -> None:
    with store() as db:
        rows = service.list_staff(db, retired)
    render(_without_retired(STAFF, retired), rows, fmt)


AreaArg = Annotated[str, typer.Argument(metavar=_("AREA"), help=_("The area's name."))]
StaffArg = Annotated[str, typer.Argument(metavar=_("NAME"), help=_("The staff member's name."))]
NewName = Annotated[
    str, typer.Argument(metavar=_("NEW"), help=_("The new name (the old one stops matching)."))
]


@areas_app.command(
    "rename", help=_("Rename an area; the old name no longer matches (areas keep no other names).")
)
@formats
def areas_rename(old: AreaArg, new: NewName, fmt: Format = Format.TABLE) -> None:
    with store() as db:
        render(AREA_RENAMED, service.rename(db, "area", old, new), fmt)


@areas_app.command(
    "retire",
    help=_(
        "Retire an area: no new registrations or groups; its history stays.\n\n"
        "With people waiting in it, says how many and asks first: they keep "
        "waiting. The default area cannot be retired."
    ),
)
@formats
def areas_retire(
    name: AreaArg, date: DateOpt = None, yes: YesOpt = False, fmt: Format = Format.TABLE
) -> None:
    _retire_waiting("area", name, date, yes, fmt)


@areas_app.command("restore", help=_("Take a retired area back into use."))
@formats
def areas_restore(name: AreaArg, fmt: Format = Format.TABLE) -> None:
    with store() as db:
        render(AREA_RESTORED, service.restore(db, "area", name), fmt)


@areas_app.command(
    "default", help=_("Make an area the default: the one a registration without --area is put in.")
)
@formats
def areas_default(name: AreaArg, fmt: Format = Format.TABLE) -> None:
    with store() as db:
        render(AREA_DEFAULT, service.make_default(db, name), fmt)


@staff_app.command("rename", help=_("Rename a staff member; the old name no longer matches."))
@formats
def staff_rename(old: StaffArg, new: NewName, fmt: Format = Format.TABLE) -> None:
    with store() as db:
        render(STAFF_RENAMED, service.rename(db, "staff", old, new), fmt)


@staff_app.command(
    "retire",
    help=_(
        "Retire a staff member: no new groups; the groups they start keep them until handed over."
    ),
)
@formats
def staff_retire(name: StaffArg, date: DateOpt = None, fmt: Format = Format.TABLE) -> None:
    with store() as db:
        result = service.retire_staff(db, name, when(date).isoformat())
    render(STAFF_RETIRED, result, fmt)
    if fmt is Format.TABLE and result["groups"]:
        groups = result["groups"]
        message(
            ngettext(
                "They still start {n} group: {ids}. Hand it over to someone else with "
                "`shg groups set {first} --starter NAME`.",
                "They still start {n} groups: {ids}. Hand each over to someone else with "
                "`shg groups set GROUP --starter NAME` (e.g. `shg groups set {first} --starter "
                "NAME`).",
                len(groups),
            ).format(n=len(groups), ids=", ".join(map(str, groups)), first=groups[0])
        )


@staff_app.command(
    "restore", help=_("Take a retired staff member back: they can be given groups again.")
)
@formats
def staff_restore(name: StaffArg, fmt: Format = Format.TABLE) -> None:
    with store() as db:
        render(STAFF_RESTORED, service.restore(db, "staff", name), fmt)
