"""`shg intake`: registering people who wait for a theme, and what becomes of them."""

from enum import StrEnum
from typing import Annotated, Any

import typer

from shgroups.cli.common import DateOpt, ForceOpt, store, when
from shgroups.cli.output import (
    Format,
    View,
    changes,
    days_away,
    formats,
    message,
    render,
    start_command,
)
from shgroups.dates import today
from shgroups.enums import Gender, RegistrationStatus, label
from shgroups.i18n import N_, _, counted, ngettext
from shgroups.services import corrections, expiry
from shgroups.services import intake as service
from shgroups.services.expiry import Stale

app = typer.Typer(
    help=_(
        "People waiting for a group: register, list, show, correct, confirm, withdraw, refer, "
        "reinstate; who to ring before their registration expires."
    ),
    no_args_is_help=True,
)

IdArg = Annotated[
    int,
    typer.Argument(metavar=_("REGISTRATION"), help=_("The registration id."), show_default=False),
]
ThemeOpt = Annotated[
    str | None, typer.Option(metavar=_("THEME"), help=_("Only this theme (any choice)."))
]

# Options `intake add` and `intake edit` share.
GenderOpt = Annotated[Gender | None, typer.Option(help=_("For the statistics only."))]
BirthYearOpt = Annotated[
    int | None, typer.Option(metavar=_("YEAR"), help=_("Birth year (statistics only)."))
]
NewThemeOpt = Annotated[
    bool, typer.Option("--new-theme", help=_("Create the theme if it does not exist yet."))
]
NewAreaOpt = Annotated[
    bool, typer.Option("--new-area", help=_("Create the area if it does not exist yet."))
]

ADDED = View(
    "intake add",
    ("id", "status", "same_person_as", "ready", "theme", "area", "default_area"),
    said=(N_("Registered {id}: {theme} in {area} ({status})."),),
    parts=(("ready", View("", ("theme", "area", "waiting"), many=True)),),
    note=(
        "`same_person_as`: the first registration of the identity it was linked to, or null; "
        "`ready`: the pairs this registration brought to the minimum; `theme`, `area`: as "
        "recorded (an alias typed becomes its theme's name); `default_area`: true when no "
        "area was given and it was put in the county's default area"
    ),
)
REGISTRATIONS = View(
    "intake list",
    ("id", "name", "theme", "area", "status", "date"),
    (
        "id",
        "name",
        "theme",
        "area",
        "status",
        ("date", N_("Registered")),
    ),
    title=N_("Registrations: {which}"),
    empty=N_("No registrations match."),
    note=(
        "`name` is null after erasure; those waiting unless `--status` says otherwise "
        "(`all`: every registration), everyone who matches with `--search`"
    ),
    many=True,
)


def _as_read(reg: dict[str, Any]) -> dict[str, Any]:
    """A registration as a person reads it: status with its date, each stay in a group."""
    return {
        **reg,
        "status": _("{status} ({date})").format(
            status=label(reg["status"]), date=reg["status_date"]
        ),
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
        "name",
        "theme",
        "area",
        ("also_themes", N_("Also themes")),
        ("also_areas", N_("Also areas")),
        "status",
        ("date", N_("Registered")),
        "phone",
        "email",
        ("gender", N_("Gender")),
        ("birth_year", N_("Birth year")),
        ("source", N_("Found us via")),
        "note",
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
    said=(N_("Registration {id} now has the status {status}."),),
)


@app.command("add", help=_("Register someone waiting for a theme; says when a group can start."))
@formats
def add(
    name: Annotated[
        str,
        typer.Option(
            metavar=_("NAME"), help=_("Name or alias (a first name is enough)."), show_default=False
        ),
    ],
    theme: Annotated[
        str,
        typer.Option(
            metavar=_("THEME"),
            help=_("The theme they wait for (first choice)."),
            show_default=False,
        ),
    ],
    area: Annotated[
        str | None,
        typer.Option(
            metavar=_("AREA"), help=_("Where (default: the default area)."), show_default=False
        ),
    ] = None,
    also_theme: Annotated[
        list[str] | None,
        typer.Option(
            "--also-theme",
            metavar=_("THEME"),
            help=_("Another theme they would join (repeatable)."),
        ),
    ] = None,
    also_area: Annotated[
        list[str] | None,
        typer.Option(
            "--also-area", metavar=_("AREA"), help=_("Another area they would go to (repeatable).")
        ),
    ] = None,
    phone: Annotated[str | None, typer.Option(metavar=_("PHONE"), help=_("Phone number."))] = None,
    email: Annotated[
        str | None, typer.Option(metavar=_("E-MAIL"), help=_("E-mail address."))
    ] = None,
    gender: GenderOpt = None,
    birth_year: BirthYearOpt = None,
    source: Annotated[
        str | None,
        typer.Option(
            metavar=_("SOURCE"),
            help=_("How they found us: one of the county's sources (see `shg settings show`)."),
        ),
    ] = None,
    note: Annotated[
        str | None,
        typer.Option(
            metavar=_("NOTE"),
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
    new_theme: NewThemeOpt = False,
    new_area: NewAreaOpt = False,
    same_person: Annotated[
        int | None,
        typer.Option(
            "--same-person",
            metavar=_("REGISTRATION"),
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
    if result["default_area"] and result["other_areas"]:
        message(
            _(
                "Warning: no area was given, so registration {id} is in {area}, the default "
                "area: it will not count towards a group in a town. To put it in one: "
                "shg intake edit {id} --area AREA"
            ).format(id=result["id"], area=result["area"])
        )
    if result["same_person_as"] is not None:
        message(
            _(
                "The same person as registration {other}: one identity, so an export or "
                "erasure covers all of their registrations."
            ).format(other=result["same_person_as"])
        )
    _say_ready(result["ready"])


def _say_ready(ready: list[service.ReadyPair]) -> None:
    """The pairs a change brought to the minimum, and the command that starts each."""
    for pair in ready:
        message(_("{waiting} now wait for {theme} in {area}: a group can start.").format(**pair))
        message(_("Next: {command}").format(command=start_command(pair["theme"], pair["area"])))


class Shown(StrEnum):
    """`intake list --status`: a registration status, or all of them."""

    WAITING = RegistrationStatus.WAITING.value
    PLACED = RegistrationStatus.PLACED.value
    WITHDRAWN = RegistrationStatus.WITHDRAWN.value
    REFERRED = RegistrationStatus.REFERRED.value
    ALL = "all"


@app.command(
    "list", help=_("List registrations, longest waiting first (by default those waiting).")
)
@formats
def list_(
    status: Annotated[
        Shown | None,
        typer.Option(
            help=_(
                "Only registrations in this state; all for every registration "
                "(default: waiting, and all with --search)."
            ),
            show_default=False,
        ),
    ] = None,
    theme: ThemeOpt = None,
    area: Annotated[
        str | None, typer.Option(metavar=_("AREA"), help=_("Only this area (any choice)."))
    ] = None,
    search: Annotated[
        str | None,
        typer.Option(
            metavar=_("TEXT"),
            help=_(
                "Only people whose name (any case, any accents), phone number (however "
                "written) or e-mail address holds TEXT."
            ),
            show_default=False,
        ),
    ] = None,
    fmt: Format = Format.TABLE,
) -> None:
    if status is None:  # who waits; a person searched for, whatever became of them
        status = Shown.ALL if search is not None else Shown.WAITING
    chosen = None if status is Shown.ALL else status.value
    which = {
        Shown.WAITING: _("waiting (--status all lists every registration)"),
        Shown.ALL: _("all"),
    }.get(status, label(status.value))
    with store() as db:
        found = service.list_registrations(db, chosen, theme, area, search)
    render(REGISTRATIONS, found, fmt, which=which)


@app.command("show", help=_("Show one registration in full."))
@formats
def show(reg_id: IdArg, fmt: Format = Format.TABLE) -> None:
    with store() as db:
        render(REGISTRATION, service.show_registration(db, reg_id), fmt)


@app.command(
    "confirm", help=_("Record that a waiting person still wants a group (renews their retention).")
)
@formats
def confirm(reg_id: IdArg, date: DateOpt = None, fmt: Format = Format.TABLE) -> None:
    with store() as db:
        render(CONFIRMED, service.confirm(db, reg_id, when(date), today()), fmt)


@app.command(
    "withdraw", help=_("Take a waiting registration off the list (they no longer want a group).")
)
@formats
def withdraw(reg_id: IdArg, date: DateOpt = None, fmt: Format = Format.TABLE) -> None:
    with store() as db:
        render(LEFT_WAITING, service.withdraw(db, reg_id, when(date), today()), fmt)


@app.command("refer", help=_("Record that a waiting person was referred elsewhere (never why)."))
@formats
def refer(reg_id: IdArg, date: DateOpt = None, fmt: Format = Format.TABLE) -> None:
    with store() as db:
        render(LEFT_WAITING, service.refer(db, reg_id, when(date), today()), fmt)


# --- corrections -------------------------------------------------------------------------------

EDITED = View(
    "intake edit",
    ("id", "changed", "changes", "registrations", "ready"),
    parts=(
        ("changes", View("", ("field", "old", "new"), many=True)),
        ("ready", View("", ("theme", "area", "waiting"), many=True)),
    ),
    note=(
        "`changed`: the fields corrected (empty when nothing changed); `changes`: each with "
        "its old and new value (on stdout only, never in the audit); `registrations`: every "
        "registration of the person, who share the name, phone, e-mail and note; `ready`: "
        "the pairs the corrected choices brought to the minimum"
    ),
)
# How each field is named when a correction is shown back.
LABELS = {
    "name": N_("Name"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "note": N_("Note"),
    "theme": N_("Theme"),
    "area": N_("Area"),
    "also_themes": N_("Also themes"),
    "also_areas": N_("Also areas"),
    "gender": N_("Gender"),
    "birth_year": N_("Birth year"),
    "source": N_("Found us via"),
    "date": N_("Registered"),
}


def _given(values: list[str] | None) -> tuple[str, ...] | None:
    """Repeated alternatives as typed: None when not given; `""` alone clears them."""
    if values is None:
        return None
    return tuple(v for v in values if v.strip())


@app.command(
    "edit", help=_("Correct a registration (name, phone, e-mail and note: for all the person's).")
)
@formats
def edit(
    reg_id: IdArg,
    name: Annotated[
        str | None, typer.Option(metavar=_("NAME"), help=_("The right name or alias."))
    ] = None,
    phone: Annotated[
        str | None,
        typer.Option(metavar=_("PHONE"), help=_('The right phone number ("" clears it).')),
    ] = None,
    email: Annotated[
        str | None,
        typer.Option(metavar=_("E-MAIL"), help=_('The right e-mail address ("" clears it).')),
    ] = None,
    note: Annotated[
        str | None,
        typer.Option(metavar=_("NOTE"), help=_('The right note ("" clears it).')),
    ] = None,
    theme: Annotated[
        str | None,
        typer.Option(metavar=_("THEME"), help=_("The right theme (first choice; while waiting).")),
    ] = None,
    area: Annotated[
        str | None,
        typer.Option(metavar=_("AREA"), help=_("The right area (first choice; while waiting).")),
    ] = None,
    also_theme: Annotated[
        list[str] | None,
        typer.Option(
            "--also-theme",
            metavar=_("THEME"),
            help=_(
                "The alternative themes, all of them (repeatable; they replace the ones "
                'recorded; --also-theme "" clears them).'
            ),
        ),
    ] = None,
    also_area: Annotated[
        list[str] | None,
        typer.Option(
            "--also-area",
            metavar=_("AREA"),
            help=_(
                "The alternative areas, all of them (repeatable; they replace the ones "
                'recorded; --also-area "" clears them).'
            ),
        ),
    ] = None,
    gender: GenderOpt = None,
    birth_year: BirthYearOpt = None,
    source: Annotated[
        str | None,
        typer.Option(
            metavar=_("SOURCE"),
            help=_('How they found us: one of the county\'s sources ("" clears it).'),
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar=_("DATE"),
            help=_("The right registration date: YYYY-MM-DD, today or yesterday."),
            show_default=False,
        ),
    ] = None,
    new_theme: NewThemeOpt = False,
    new_area: NewAreaOpt = False,
    force: ForceOpt = False,
    fmt: Format = Format.TABLE,
) -> None:
    change = corrections.RegistrationEdit(
        name=name,
        phone=phone,
        email=email,
        note=note,
        theme=theme,
        area=area,
        also_themes=_given(also_theme),
        also_areas=_given(also_area),
        gender=gender,
        birth_year=birth_year,
        source=source,
        on=when(date) if date is not None else None,
        force=force,
        new_theme=new_theme,
        new_area=new_area,
    )
    with store() as db:
        result = corrections.edit(db, reg_id, change, today())
    if fmt is not Format.TABLE:
        render(EDITED, result, fmt)
    elif not result["changed"]:
        message(_("Nothing to change: registration {id} already says so.").format(id=reg_id))
    else:
        changes([(LABELS[c["field"]], c["old"], c["new"]) for c in result["changes"]])
        message(_("Registration {id} corrected.").format(id=reg_id))
        others = [i for i in result["registrations"] if i != reg_id]
        if others and set(result["changed"]) & set(corrections.IDENTITY):
            message(
                ngettext(
                    "The name, phone, e-mail and note are the person's: registration {ids} "
                    "shows the correction too.",
                    "The name, phone, e-mail and note are the person's: registrations {ids} "
                    "show the correction too.",
                    len(others),
                ).format(ids=", ".join(map(str, others)))
            )
    _say_ready(result["ready"])


REINSTATED = View(
    "intake reinstate",
    ("id", "status", "date", "confirmed_on", "ready"),
    said=(
        N_(
            "Registration {id} waits again, registered {date} (its place in the queue), "
            "confirmed {confirmed_on}."
        ),
    ),
    parts=(("ready", View("", ("theme", "area", "waiting"), many=True)),),
    note=(
        "`date`: its registration date, the original one unless --date gave a new one; "
        "`ready`: the pairs it brought back to the minimum"
    ),
)


@app.command(
    "reinstate",
    help=_("Put a withdrawn or referred registration back in the queue (counts as confirmed)."),
)
@formats
def reinstate(
    reg_id: IdArg,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar=_("DATE"),
            help=_(
                "A new registration date, the day they came back (default: the original "
                "one, so they keep their place in the queue)."
            ),
            show_default=False,
        ),
    ] = None,
    fmt: Format = Format.TABLE,
) -> None:
    with store() as db:
        result = corrections.reinstate(
            db, reg_id, when(date) if date is not None else None, today()
        )
    render(REINSTATED, result, fmt)
    _say_ready(result["ready"])


# --- who to ring -------------------------------------------------------------------------------


_AGO = counted("{n} day ago", "{n} days ago", "n")


def _expires(days_left: int) -> str:
    """When a registration expires: "in 12 days", "today", "3 days ago" (a purge run that
    day, or any day after, removes it)."""
    return days_away(days_left, _AGO)


STALE = View(
    "intake stale",
    tuple(Stale.__annotations__),
    (
        "id",
        "name",
        "phone",
        "email",
        ("theme", N_("Waits for")),  # theme and area in one column: a call list fits 80 columns
        ("expires", N_("Expires")),
    ),
    many=True,
    title=N_("Waiting registrations that expire by {until}"),
    empty=N_("No waiting registration expires by {until}."),
    row_style=lambda row: "red" if row["days_left"] <= 0 else None,
    for_table=lambda rows: [
        {
            **row,
            "theme": _("{theme} in {area}").format(**row),
            "expires": _expires(row["days_left"]),
        }
        for row in rows
    ],
    note=(
        "soonest first; `confirmed_on`: last confirmed (or registered); `expires_on`: the "
        "first day `purge` expires it; `days_left` 0 or less: the next purge does"
    ),
)


@app.command(
    "stale",
    help=_("Waiting people whose registration expires soon, with phone and e-mail: a call list."),
)
@formats
def stale(
    within: Annotated[
        int,
        typer.Option(
            metavar=_("DAYS"),
            help=_("Those whose registration expires within this many days (default: 30)."),
            show_default=False,
        ),
    ] = 30,
    fmt: Format = Format.TABLE,
) -> None:
    from datetime import timedelta

    day = today()
    with store() as db:
        found = expiry.stale(db, day, within)
    render(STALE, found, fmt, until=(day + timedelta(days=within)).isoformat())
    if found and fmt is Format.TABLE:
        message(
            _(
                "Ring them before the next purge: when they still want a group, "
                "shg intake confirm ID renews the registration; shg purge --dry-run shows "
                "what a purge would remove today."
            )
        )
