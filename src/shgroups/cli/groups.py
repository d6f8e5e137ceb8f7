"""`shg groups` and `shg sessions`: proposals, starting, members, starter sessions, ending."""

from typing import Annotated, Any

import typer

from shgroups.cli.common import AsOfOpt, DateOpt, ForceOpt, JsonOpt, id_list, store, when
from shgroups.cli.output import fields, message, print_json, table
from shgroups.dates import today
from shgroups.i18n import _
from shgroups.services import groups as service
from shgroups.services.intake import start_command
from shgroups.services.readiness import ready_groups
from shgroups.services.settings import get_settings

app = typer.Typer(
    help=_("Groups: which can start, starting them, members, ending."), no_args_is_help=True
)
sessions_app = typer.Typer(
    help=_("Starter sessions (the igångsättare's meetings)."), no_args_is_help=True
)

GroupArg = Annotated[int, typer.Argument(help=_("The group id."), show_default=False)]
RegArg = Annotated[int, typer.Argument(help=_("The registration id."), show_default=False)]
StarterOpt = Annotated[str | None, typer.Option(help=_("The starter (igångsättare)."))]
SessionsOpt = Annotated[
    int | None,
    typer.Option("--starter-sessions", help=_("Starter sessions planned (default from settings).")),
]
WeeksOpt = Annotated[
    int | None,
    typer.Option("--followup-weeks", help=_("Weeks between follow-ups (default from settings).")),
]

GROUP_COLUMNS = [
    ("id", "ID"),
    ("theme", _("Theme")),
    ("area", _("Area")),
    ("status", _("Status")),
    ("member_count", _("Size")),
    ("phase", _("Start")),
    ("starter", _("Starter")),
    ("next_followup", _("Next due")),
]


def _public(group: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "id",
        "theme",
        "area",
        "status",
        "members",
        "starter",
        "next_followup",
        "started_on",
        "starter_sessions",
        "sessions_held",
        "followup_weeks",
        "open",
        "ended_on",
    )
    return {k: group[k] for k in keys}


def _for_table(group: dict[str, Any]) -> dict[str, Any]:
    return {
        **group,
        "member_count": len(group["members"]),
        "phase": f"{group['sessions_held']}/{group['starter_sessions']}",
    }


@app.command("ready")
def ready(as_of: AsOfOpt = None, as_json: JsonOpt = False) -> None:
    """Propose the groups that can start now (5–8 waiting for one theme in one area)."""
    with store() as db:
        settings = get_settings(db)
        proposals = ready_groups(
            db, settings["min_size"], settings["max_size"], when(as_of, "--as-of")
        )
    if as_json:
        print_json([{k: p[k] for k in ("theme", "area", "waiting", "members")} for p in proposals])
        return
    rows = [
        {**p, "size": len(p["members"]), "next": start_command(p["theme"], p["area"])}
        for p in proposals
    ]
    table(
        rows,
        [
            ("theme", _("Theme")),
            ("area", _("Area")),
            ("waiting", _("Waiting")),
            ("size", _("Group size")),
            ("members", _("Registrations")),
        ],
        title=_("Groups that can start"),
        empty=_("No theme has {n} people waiting in one area yet.").format(n=settings["min_size"]),
    )
    for command in dict.fromkeys(r["next"] for r in rows):
        message(_("Next: {command}").format(command=command))


@app.command("start")
def start(
    theme: Annotated[str, typer.Option(help=_("The group's theme."), show_default=False)],
    area: Annotated[
        str | None, typer.Option(help=_("The area (default: the default area)."))
    ] = None,
    members: Annotated[
        str | None,
        typer.Option(help=_("Registration ids, e.g. 3,7,12 (default: the first proposal).")),
    ] = None,
    starter: StarterOpt = None,
    starter_sessions: SessionsOpt = None,
    followup_weeks: WeeksOpt = None,
    date: DateOpt = None,
    force: ForceOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Start a group: its members are no longer waiting."""
    with store() as db:
        result = service.start_group(
            db,
            theme=theme,
            area=area,
            members=id_list(members) if members else None,
            starter=starter,
            starter_sessions=starter_sessions,
            followup_weeks=followup_weeks,
            on=when(date),
            today=today(),
            force=force,
        )
    if as_json:
        print_json({k: result[k] for k in ("id", "status", "members")})
    else:
        message(
            _("Started group {id}: {theme} in {area}, members {ids}.").format(
                ids=", ".join(map(str, result["members"])), **result
            )
        )
        message(_("Next: shg sessions add {id} after each starter session").format(**result))


@app.command("list")
def list_(
    status: Annotated[str | None, typer.Option(help=_("starting, running or ended."))] = None,
    as_json: JsonOpt = False,
) -> None:
    """List groups."""
    with store() as db:
        rows = service.list_groups(db, status)
    if as_json:
        print_json([_public(g) for g in rows])
    else:
        table([_for_table(g) for g in rows], GROUP_COLUMNS, empty=_("No groups yet."))


@app.command("show")
def show(group_id: GroupArg, as_json: JsonOpt = False) -> None:
    """Show a group: members, starter sessions and follow-ups."""
    with store() as db:
        group = service.show_group(db, group_id)
    if as_json:
        print_json(
            {
                **_public(group),
                "member_list": group["member_list"],
                "sessions": group["sessions"],
                "followups": group["followups"],
            }
        )
        return
    fields(
        [
            (_("Theme"), group["theme"]),
            (_("Area"), group["area"]),
            (_("Status"), group["status"]),
            (_("Started"), group["started_on"]),
            (_("Starter"), group["starter"]),
            (_("Starter sessions"), f"{group['sessions_held']}/{group['starter_sessions']}"),
            (_("Follow-up every"), _("{n} weeks").format(n=group["followup_weeks"])),
            (_("Next follow-up"), group["next_followup"]),
            (_("Open for new members"), group["open"]),
            (_("Ended"), group["ended_on"]),
        ],
        title=_("Group {id}").format(id=group_id),
    )
    table(
        group["member_list"],
        [("id", "ID"), ("name", _("Name")), ("joined_on", _("Joined")), ("left_on", _("Left"))],
        title=_("Members"),
    )
    table(
        group["sessions"],
        [("number", "#"), ("date", _("Date")), ("attended", _("Attended"))],
        title=_("Starter sessions"),
        empty=_("None yet."),
    )
    table(
        group["followups"],
        [
            ("date", _("Date")),
            ("outcome", _("Outcome")),
            ("method", _("Method")),
            ("note", _("Note")),
        ],
        title=_("Follow-ups"),
        empty=_("None yet."),
    )


@app.command("add-member")
def add_member(
    group_id: GroupArg,
    reg_id: RegArg,
    date: DateOpt = None,
    force: ForceOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Place a waiting person in a group that has a seat."""
    with store() as db:
        result = service.add_member(db, group_id, reg_id, when(date), today(), force)
    _members(result, as_json)


@app.command("remove-member")
def remove_member(
    group_id: GroupArg,
    reg_id: RegArg,
    date: DateOpt = None,
    requeue: Annotated[
        bool,
        typer.Option(
            "--requeue",
            help=_(
                "Put them back on the waiting list (keeping their place; the registration "
                "counts as confirmed that day)."
            ),
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Take someone out of a group (they leave, or go back to waiting)."""
    with store() as db:
        result = service.remove_member(db, group_id, reg_id, when(date), today(), requeue)
    _members(result, as_json)


def _members(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(result)
    else:
        message(_("Group {group} now has {n} members.").format(n=len(result["members"]), **result))


@app.command("set")
def set_(
    group_id: GroupArg,
    starter_sessions: SessionsOpt = None,
    followup_weeks: WeeksOpt = None,
    starter: StarterOpt = None,
    open_: Annotated[
        bool | None,
        typer.Option(
            "--open/--closed", help=_("Open or closed to new members."), show_default=False
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a group's plan: starter sessions (while starting), follow-ups, starter, openness."""
    with store() as db:
        group = service.set_group(
            db,
            group_id,
            starter_sessions=starter_sessions,
            followup_weeks=followup_weeks,
            starter=starter,
            open_=open_,
        )
    if as_json:
        print_json(_public(group))
    else:
        table([_for_table(group)], GROUP_COLUMNS)


@app.command("end")
def end(group_id: GroupArg, date: DateOpt = None, as_json: JsonOpt = False) -> None:
    """End a group (the members decided to stop)."""
    with store() as db:
        result = service.end_group(db, group_id, when(date), today())
    if as_json:
        print_json(result)
    else:
        message(_("Group {id} ended on {ended_on}.").format(**result))


@sessions_app.command("add")
def sessions_add(
    group_id: GroupArg,
    date: DateOpt = None,
    attended: Annotated[int | None, typer.Option(help=_("How many members came."))] = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a starter session; after the last one the group runs on its own."""
    with store() as db:
        result = service.add_session(db, group_id, when(date), today(), attended)
    if as_json:
        print_json(result)
        return
    message(_("Group {group}: starter session {number} of {of} recorded.").format(**result))
    if result["group_status"] == "running":
        message(
            _("The group now runs on its own; first follow-up due {next_followup}.").format(
                **result
            )
        )
