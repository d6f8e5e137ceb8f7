"""`shg intake`: registering people who wait for a theme, and what becomes of them."""

from typing import Annotated, Any

import typer

from shgroups.cli.common import DateOpt, ForceOpt, store, when
from shgroups.cli.output import Format, View, formats, message, render, start_command
from shgroups.dates import today
from shgroups.enums import Gender, RegistrationStatus
from shgroups.i18n import N_, _
from shgroups.services import intake as service

app = typer.Typer(
    help=_("People waiting for a group: register, list, show, confirm, withdraw, refer."),
    no_args_is_help=True,
)

IdArg = Annotated[
    int,
    typer.Argument(metavar="REGISTRATION", help=_("The registration id."), show_default=False),
]
ThemeOpt = Annotated[
    str | None, typer.Option(metavar="THEME", help=_("Only this theme (any choice)."))
]

ADDED = View(
    "intake add",
    ("id", "status", "same_person_as", "ready"),
    said=(N_("Registered {id} (waiting)."),),
    parts=(("ready", View("", ("theme", "area", "waiting"), many=True)),),
    note=(
        "`same_person_as`: the first registration of the identity it was linked to, or null; "
        "`ready`: the pairs this registration brought to the minimum"
    ),
)
REGISTRATIONS = View(
    "intake list",
    ("id", "name", "theme", "area", "status", "date"),
    (
        ("id", N_("ID")),
        ("name", N_("Name")),
        ("theme", N_("Theme")),
        ("area", N_("Area")),
        ("status", N_("Status")),
        ("date", N_("Registered")),
    ),
    empty=N_("No registrations match."),
    note="`name` is null after erasure",
    many=True,
)


def _as_read(reg: dict[str, Any]) -> dict[str, Any]:
    """A registration as a person reads it: status with its date, each stay in a group."""
    return {
        **reg,
        "status": f"{reg['status']} ({reg['status_date']})",
        "groups": [
            _("{group} ({joined_on} – {left})").format(left=g["left_on"] or _("now"), **g)
            for g in reg["groups"]
        ],
    }


REGISTRATION = View(
    "intake show",
    (
        "id",
        "name",
        "theme",
        "area",
        "also_themes",
        "also_areas",
        "status",
        "date",
        "status_date",
        "phone",
        "email",
        "gender",
        "birth_year",
        "source",
        "note",
        "groups",
        "confirmed_on",
        "basis",
        "consent_on",
        "informed_on",
        "info_version",
    ),
    (
        ("name", N_("Name")),
        ("theme", N_("Theme")),
        ("area", N_("Area")),
        ("also_themes", N_("Also themes")),
        ("also_areas", N_("Also areas")),
        ("status", N_("Status")),
        ("date", N_("Registered")),
        ("phone", N_("Phone")),
        ("email", N_("E-mail")),
        ("gender", N_("Gender")),
        ("birth_year", N_("Birth year")),
        ("source", N_("Found us via")),
        ("note", N_("Note")),
        ("groups", N_("Groups")),
        ("confirmed_on", N_("Last confirmed")),
        ("basis", N_("Legal basis")),
        ("consent_on", N_("Consent given")),
        ("informed_on", N_("Informed")),
        ("info_version", N_("Information text")),
    ),
    title=N_("Registration {id}"),
    for_table=_as_read,
    note='`groups`: each stay in a group, `[{"group", "joined_on", "left_on"}]`',
)
CONFIRMED = View(
    "intake confirm",
    ("id", "status", "confirmed_on"),
    said=(N_("Registration {id} confirmed on {confirmed_on}."),),
)
LEFT_WAITING = View(
    "intake withdraw, intake refer",
    ("id", "status"),
    said=(N_("Registration {id} is now {status}."),),
)


@app.command("add")
@formats
def add(
    name: Annotated[
        str,
        typer.Option(
            metavar="NAME", help=_("Name or alias (a first name is enough)."), show_default=False
        ),
    ],
    theme: Annotated[
        str,
        typer.Option(
            metavar="THEME",
            help=_("The theme they wait for (first choice)."),
            show_default=False,
        ),
    ],
    area: Annotated[
        str | None,
        typer.Option(
            metavar="AREA", help=_("Where (default: the default area)."), show_default=False
        ),
    ] = None,
    also_theme: Annotated[
        list[str] | None,
        typer.Option(
            "--also-theme", metavar="THEME", help=_("Another theme they would join (repeatable).")
        ),
    ] = None,
    also_area: Annotated[
        list[str] | None,
        typer.Option(
            "--also-area", metavar="AREA", help=_("Another area they would go to (repeatable).")
        ),
    ] = None,
    phone: Annotated[str | None, typer.Option(metavar="PHONE", help=_("Phone number."))] = None,
    email: Annotated[str | None, typer.Option(metavar="E-MAIL", help=_("E-mail address."))] = None,
    gender: Annotated[Gender | None, typer.Option(help=_("For the statistics only."))] = None,
    birth_year: Annotated[
        int | None, typer.Option(metavar="YEAR", help=_("Birth year (statistics only)."))
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            metavar="SOURCE",
            help=_("How they found us: one of the county's sources (see `shg settings show`)."),
        ),
    ] = None,
    note: Annotated[
        str | None,
        typer.Option(
            metavar="NOTE",
            help=_("A short practical note (never health details or id numbers)."),
        ),
    ] = None,
    consent: Annotated[
        bool,
        typer.Option(
            "--consent",
            help=_(
                "They consented after the information text (needed when the legal "
                "basis is consent)."
            ),
        ),
    ] = False,
    date: DateOpt = None,
    new_theme: Annotated[
        bool, typer.Option("--new-theme", help=_("Create the theme if it does not exist yet."))
    ] = False,
    new_area: Annotated[
        bool, typer.Option("--new-area", help=_("Create the area if it does not exist yet."))
    ] = False,
    same_person: Annotated[
        int | None,
        typer.Option(
            "--same-person",
            metavar="REGISTRATION",
            help=_(
                "The same person as that registration (same name and phone): one identity, "
                "exported and erased together."
            ),
            show_default=False,
        ),
    ] = None,
    new_person: Annotated[
        bool,
        typer.Option(
            "--new-person",
            help=_("Someone else who shares a name and phone with a registered person."),
        ),
    ] = False,
    force: ForceOpt = False,
    fmt: Format = Format.TABLE,
) -> None:
    """Register someone waiting for a theme; says when a group can start."""
    with store() as db:
        result = service.add_registration(
            db,
            person={
                "name": name,
                "phone": phone,
                "email": email,
                "gender": gender,
                "birth_year": birth_year,
                "source": source,
                "note": note,
            },
            theme=theme,
            area=area,
            also_themes=also_theme or [],
            also_areas=also_area or [],
            consent=consent,
            on=when(date),
            today=today(),
            force=force,
            new_theme=new_theme,
            new_area=new_area,
            same_as=same_person,
            new_person=new_person,
        )
    render(ADDED, result, fmt)
    if result["same_person_as"] is not None:
        message(
            _(
                "The same person as registration {other}: one identity, so an export or "
                "erasure covers all of their registrations."
            ).format(other=result["same_person_as"])
        )
    for pair in result["ready"]:
        message(_("{waiting} now wait for {theme} in {area}: a group can start.").format(**pair))
        message(_("Next: {command}").format(command=start_command(pair["theme"], pair["area"])))


@app.command("list")
@formats
def list_(
    status: Annotated[
        RegistrationStatus | None, typer.Option(help=_("Only registrations in this state."))
    ] = None,
    theme: ThemeOpt = None,
    area: Annotated[
        str | None, typer.Option(metavar="AREA", help=_("Only this area (any choice)."))
    ] = None,
    fmt: Format = Format.TABLE,
) -> None:
    """List registrations, longest waiting first."""
    with store() as db:
        render(REGISTRATIONS, service.list_registrations(db, status, theme, area), fmt)


@app.command("show")
@formats
def show(reg_id: IdArg, fmt: Format = Format.TABLE) -> None:
    """Show one registration in full."""
    with store() as db:
        render(REGISTRATION, service.show_registration(db, reg_id), fmt)


@app.command("confirm")
@formats
def confirm(reg_id: IdArg, date: DateOpt = None, fmt: Format = Format.TABLE) -> None:
    """Record that a waiting person still wants a group (renews their retention)."""
    with store() as db:
        render(CONFIRMED, service.confirm(db, reg_id, when(date), today()), fmt)


@app.command("withdraw")
@formats
def withdraw(reg_id: IdArg, date: DateOpt = None, fmt: Format = Format.TABLE) -> None:
    """Take a waiting registration off the list (they no longer want a group)."""
    with store() as db:
        render(LEFT_WAITING, service.withdraw(db, reg_id, when(date), today()), fmt)


@app.command("refer")
@formats
def refer(reg_id: IdArg, date: DateOpt = None, fmt: Format = Format.TABLE) -> None:
    """Record that a waiting person was referred elsewhere (never why)."""
    with store() as db:
        render(LEFT_WAITING, service.refer(db, reg_id, when(date), today()), fmt)
