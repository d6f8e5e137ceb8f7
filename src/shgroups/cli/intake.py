"""`shg intake`: registering people who wait for a theme, and what becomes of them."""

from typing import Annotated

import typer

from shgroups.cli.common import DateOpt, ForceOpt, JsonOpt, store, when
from shgroups.cli.output import fields, message, print_json, rows_out
from shgroups.dates import today
from shgroups.i18n import _
from shgroups.services import intake as service

app = typer.Typer(
    help=_("People waiting for a group: register, list, withdraw, refer."), no_args_is_help=True
)

IdArg = Annotated[int, typer.Argument(help=_("The registration id."), show_default=False)]


@app.command("add")
def add(
    name: Annotated[
        str, typer.Option(help=_("Name or alias (a first name is enough)."), show_default=False)
    ],
    theme: Annotated[
        str, typer.Option(help=_("The theme they wait for (first choice)."), show_default=False)
    ],
    area: Annotated[
        str | None, typer.Option(help=_("Where (default: the default area)."), show_default=False)
    ] = None,
    also_theme: Annotated[
        list[str] | None,
        typer.Option("--also-theme", help=_("Another theme they would join (repeatable).")),
    ] = None,
    also_area: Annotated[
        list[str] | None,
        typer.Option("--also-area", help=_("Another area they would go to (repeatable).")),
    ] = None,
    phone: Annotated[str | None, typer.Option(help=_("Phone number."))] = None,
    email: Annotated[str | None, typer.Option(help=_("E-mail address."))] = None,
    gender: Annotated[
        str | None, typer.Option(help=_("woman, man or other (statistics only)."))
    ] = None,
    birth_year: Annotated[int | None, typer.Option(help=_("Birth year (statistics only)."))] = None,
    source: Annotated[
        str | None,
        typer.Option(
            help=_("How they found us: one of the county's sources (see `shg settings show`).")
        ),
    ] = None,
    note: Annotated[
        str | None,
        typer.Option(help=_("A short practical note (never health details or id numbers).")),
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
            metavar="ID",
            help=_(
                "The same person as registration ID (same name and phone): one identity, "
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
    as_json: JsonOpt = False,
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
    if as_json:
        print_json(
            {
                **result,
                "ready": [{k: r[k] for k in ("theme", "area", "waiting")} for r in result["ready"]],
            }
        )
    else:
        message(_("Registered {id} (waiting).").format(id=result["id"]))
    if result["same_person_as"] is not None:
        message(
            _(
                "The same person as registration {other}: one identity, so an export or "
                "erasure covers all of their registrations."
            ).format(other=result["same_person_as"])
        )
    for pair in result["ready"]:
        message(_("{waiting} now wait for {theme} in {area}: a group can start.").format(**pair))
        message(_("Next: {command}").format(command=pair["next"]))


@app.command("list")
def list_(
    status: Annotated[
        str | None, typer.Option(help=_("waiting, placed, withdrawn or referred."))
    ] = None,
    theme: Annotated[str | None, typer.Option(help=_("Only this theme (any choice)."))] = None,
    area: Annotated[str | None, typer.Option(help=_("Only this area (any choice)."))] = None,
    as_json: JsonOpt = False,
) -> None:
    """List registrations, longest waiting first."""
    with store() as db:
        rows = service.list_registrations(db, status, theme, area)
    rows_out(
        rows,
        as_json,
        [
            ("id", "ID"),
            ("name", _("Name")),
            ("theme", _("Theme")),
            ("area", _("Area")),
            ("status", _("Status")),
            ("date", _("Registered")),
        ],
        empty=_("No registrations match."),
    )


@app.command("show")
def show(reg_id: IdArg, as_json: JsonOpt = False) -> None:
    """Show one registration in full."""
    with store() as db:
        reg = service.show_registration(db, reg_id)
    if as_json:
        print_json(reg)
        return
    fields(
        [
            (_("Name"), reg["name"]),
            (_("Theme"), reg["theme"]),
            (_("Area"), reg["area"]),
            (_("Also themes"), reg["also_themes"]),
            (_("Also areas"), reg["also_areas"]),
            (_("Status"), f"{reg['status']} ({reg['status_date']})"),
            (_("Registered"), reg["date"]),
            (_("Phone"), reg["phone"]),
            (_("E-mail"), reg["email"]),
            (_("Gender"), reg["gender"]),
            (_("Birth year"), reg["birth_year"]),
            (_("Found us via"), reg["source"]),
            (_("Note"), reg["note"]),
            (
                _("Groups"),
                [
                    _("{group} ({joined_on} – {left})").format(left=g["left_on"] or _("now"), **g)
                    for g in reg["groups"]
                ],
            ),
            (_("Last confirmed"), reg["confirmed_on"]),
            (_("Legal basis"), reg["basis"]),
            (_("Consent given"), reg["consent_on"]),
            (_("Informed"), reg["informed_on"]),
            (_("Information text"), reg["info_version"]),
        ],
        title=_("Registration {id}").format(id=reg["id"]),
    )


@app.command("confirm")
def confirm(reg_id: IdArg, date: DateOpt = None, as_json: JsonOpt = False) -> None:
    """Record that a waiting person still wants a group (renews their retention)."""
    with store() as db:
        result = service.confirm(db, reg_id, when(date), today())
    if as_json:
        print_json(result)
    else:
        message(_("Registration {id} confirmed on {confirmed_on}.").format(**result))


@app.command("withdraw")
def withdraw(reg_id: IdArg, date: DateOpt = None, as_json: JsonOpt = False) -> None:
    """Take a waiting registration off the list (they no longer want a group)."""
    with store() as db:
        result = service.withdraw(db, reg_id, when(date), today())
    _status(result, as_json)


@app.command("refer")
def refer(reg_id: IdArg, date: DateOpt = None, as_json: JsonOpt = False) -> None:
    """Record that a waiting person was referred elsewhere (never why)."""
    with store() as db:
        result = service.refer(db, reg_id, when(date), today())
    _status(result, as_json)


def _status(result: dict[str, object], as_json: bool) -> None:
    if as_json:
        print_json(result)
    else:
        message(_("Registration {id} is now {status}.").format(**result))
