"""`shg groups` and `shg sessions`: proposals, starting, members, starter sessions, ending."""

from typing import Annotated, Any

import typer

from shgroups.cli.common import AsOfOpt, DateOpt, ForceOpt, id_list, store, when
from shgroups.cli.output import (
    LABELLED,
    Format,
    View,
    changes,
    formats,
    message,
    render,
    start_command,
)
from shgroups.dates import today
from shgroups.enums import GroupStatus, label
from shgroups.errors import InvalidInput
from shgroups.i18n import N_, _, counted, ngettext
from shgroups.services import groups as service
from shgroups.services import schedule
from shgroups.services.readiness import nearly_ready, ready_groups
from shgroups.services.settings import get_settings

app = typer.Typer(
    help=_("Groups: which can start, starting them, members, ending."), no_args_is_help=True
)
sessions_app = typer.Typer(
    help=_("Starter sessions (the igångsättare's meetings)."), no_args_is_help=True
)

GroupArg = Annotated[
    int, typer.Argument(metavar=_("GROUP"), help=_("The group id."), show_default=False)
]
RegArg = Annotated[
    int,
    typer.Argument(metavar=_("REGISTRATION"), help=_("The registration id."), show_default=False),
]
StarterOpt = Annotated[
    str | None, typer.Option(metavar=_("NAME"), help=_("The starter (igångsättare)."))
]
SessionsOpt = Annotated[
    int | None,
    typer.Option(
        "--starter-sessions",
        metavar=_("N"),
        help=_(
            "Starter sessions planned (left out: the county's setting when starting a group, "
            "unchanged when changing one)."
        ),
    ),
]
WeeksOpt = Annotated[
    int | None,
    typer.Option(
        "--followup-weeks",
        metavar=_("N"),
        help=_(
            "Weeks between follow-ups (left out: the county's setting when starting a group, "
            "unchanged when changing one)."
        ),
    ),
]


WeekdayOpt = Annotated[
    str | None,
    typer.Option(
        metavar=_("DAY"),
        help=_("The day it meets: monday … sunday, or 1–7 (empty: not set)."),
    ),
]
TimeOpt = Annotated[
    str | None,
    typer.Option(metavar=_("HH:MM"), help=_("The time it meets, e.g. 18:30 (empty: not set).")),
]
VenueOpt = Annotated[
    str | None,
    typer.Option(
        metavar=_("PLACE"),
        help=_("Where it meets: a place, never a person, e.g. 'Stadsbiblioteket, rum 2'."),
    ),
]
EveryOpt = Annotated[
    bool | None,
    typer.Option(
        "--every-other-week/--every-week",
        help=_("It meets every other week, or every week (the default for a new group)."),
        show_default=False,
    ),
]
OpenOpt = Annotated[
    bool | None,
    typer.Option("--open/--closed", help=_("Open or closed to new members."), show_default=False),
]


def _every_weeks(every_other_week: bool | None) -> int | None:
    return None if every_other_week is None else 2 if every_other_week else 1


def _meets(group: dict[str, Any]) -> str | None:
    """When a group meets, as a person reads it: "Monday 18:30", "Monday", "18:30", and
    "every other week" when it does."""
    said = " ".join(
        part for part in (service.weekday_name(group["weekday"]), group["time"]) if part
    )
    if group.get("every_weeks") == 2:
        said = _("{when}, every other week").format(when=said) if said else _("every other week")
    return said or None


def _with_phase(group: dict[str, Any]) -> dict[str, Any]:
    """A group as a person reads it: its size, and how far its starter sessions are."""
    weeks = group["followup_weeks"]
    planned = group.get("planned")
    return {
        **group,
        "member_count": len(group["members"]),
        "phase": f"{group['sessions_held']}/{group['starter_sessions']}",
        "every": ngettext("{n} week", "{n} weeks", weeks).format(n=weeks),
        "shown_status": _("planned") if planned else group["status"],
        "start_date": (
            _("{date} (planned)").format(date=group["started_on"])
            if planned
            else group["started_on"]
        ),
        "meets": _meets(group),
    }


GROUP_KEYS = (
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
    "handover_on",
    "weekday",
    "time",
    "venue",
    "every_weeks",
    "planned",
)
MEETING_KEYS = tuple(schedule.Meeting.__annotations__)
GROUPS = View(
    "groups list",
    GROUP_KEYS,
    (
        "id",
        "theme",
        "area",
        ("shown_status", N_("Status")),
        ("member_count", N_("Size")),
        ("phase", N_("Start")),
        ("meets", N_("Meets")),
        "starter",
        ("next_followup", N_("Next due")),
    ),
    empty=N_("No groups yet."),
    for_table=lambda groups: [_with_phase(g) for g in groups],
    note=(
        "`members`: registration ids of the current members; `weekday`: 1 (Monday) to 7, or "
        'null; `time`: "HH:MM" or null; `planned`: its start date is after today'
    ),
    many=True,
)
GROUP = View(
    "groups set",
    GROUP_KEYS,
    (
        "theme",
        "area",
        ("shown_status", N_("Status")),
        ("start_date", N_("Start date")),
        ("meets", N_("Meets")),
        ("venue", N_("Venue")),
        "starter",
        ("phase", N_("Starter sessions")),
        ("every", N_("Follow-up every")),
        ("next_followup", N_("Next follow-up")),
        ("open", N_("Open for new members")),
        ("ended_on", N_("Ended")),
    ),
    title=N_("Group {id}"),
    for_table=_with_phase,
)
GROUP_SHOW = GROUP._replace(
    commands="groups show",
    keys=(*GROUP_KEYS, "member_list", "sessions", "plan", "followups"),
    parts=(
        (
            "member_list",
            View(
                "",
                ("id", "name", "joined_on", "left_on"),
                (
                    "id",
                    "name",
                    ("joined_on", N_("Joined")),
                    ("left_on", N_("Left")),
                ),
                title=N_("Members"),
                many=True,
            ),
        ),
        (
            "sessions",
            View(
                "",
                ("number", "date", "attended"),
                (("number", N_("#")), ("date", N_("Date")), ("attended", N_("Attended"))),
                title=N_("Starter sessions"),
                empty=N_("None yet."),
                many=True,
            ),
        ),
        (
            "plan",
            View(
                "",
                MEETING_KEYS,
                (
                    ("number", N_("#")),
                    ("date", N_("Date")),
                    ("time", N_("Time")),
                    ("why", N_("Note")),
                ),
                title=N_("Planned starter sessions"),
                empty=N_("None planned."),
                for_table=lambda plan: [{**m, "why": schedule.note(m)} for m in plan],
                many=True,
            ),
        ),
        (
            "followups",
            View(
                "",
                ("date", "outcome", "method", "note"),
                (
                    ("date", N_("Date")),
                    ("outcome", N_("Outcome")),
                    ("method", N_("Method")),
                    "note",
                ),
                title=N_("Follow-ups"),
                empty=N_("None yet."),
                many=True,
            ),
        ),
    ),
    note=(
        "every member who ever joined, each starter session held and follow-up; `plan`: the "
        "starter sessions planned and the meetings cancelled (`status` planned or cancelled; "
        "`meeting`: the planned day, the event's key; `moved_from`/`moved_for`: the first day "
        "it would have been and the holiday that moved it, null when a meeting skipped was "
        "cancelled; `holiday`: the holiday it falls on, when the county flags rather than "
        "moves or a session was moved onto it)"
    ),
)
READY = View(
    "groups ready",
    ("theme", "area", "waiting", "members"),
    (
        "theme",
        "area",
        "waiting",
        ("size", N_("Group size")),
        ("members", N_("Registrations")),
    ),
    title=N_("Groups that can start"),
    empty=N_("No theme has {min_size} people waiting in one area yet."),
    for_table=lambda proposals: [{**p, "size": len(p["members"])} for p in proposals],
    note="one per proposed group; `members`: the registration ids to start it with",
    many=True,
)
STARTED = View(
    "groups start",
    ("id", "status", "members", "started_on", "planned"),
    said=(
        N_("Started group {id}: {theme} in {area}, members {members}."),
        N_("Ring each member before the first meeting: shg groups contacts {id}"),
        N_("After each starter session: shg sessions add {id}"),
    ),
    note="`planned`: its start date (`started_on`) is after today",
)
# A start after today is a plan: said so (the same JSON as STARTED).
PLANNED = STARTED._replace(
    commands="",
    said=(
        N_("Planned group {id}: {theme} in {area}, starting on {started_on}, members {members}."),
        N_("Its members are placed from today."),
        N_("Ring each member before the first meeting: shg groups contacts {id}"),
        N_("After each starter session: shg sessions add {id}"),
    ),
)
_NOW_HAS = counted("Group {group} now has {n} member.", "Group {group} now has {n} members.", "n")
MEMBER_ADDED = View(
    "groups add-member",
    ("group", "members"),
    said=(_NOW_HAS,),
    for_table=lambda result: {**result, "n": len(result["members"])},
)
MEMBER_REMOVED = MEMBER_ADDED._replace(
    commands="groups remove-member", keys=("group", "members", "registration", "status")
)
ENDED = View(
    "groups end", ("id", "status", "ended_on"), said=(N_("Group {id} ended on {ended_on}."),)
)
SESSION = View(
    "sessions add",
    ("group", "number", "of", "group_status", "next_followup"),
    said=(N_("Group {group}: starter session {number} of {of} recorded."),),
)
SESSION_REMOVED = View(
    "sessions remove",
    (
        "group",
        "number",
        "date",
        "attended",
        "renumbered",
        "sessions_held",
        "of",
        "group_status",
        "next_followup",
    ),
    said=(
        N_("Removed starter session {number} ({date}) of group {group}."),
        N_("Group {group} ({group_status}): {sessions_held} of {of} starter sessions held."),
    ),
    note="`number`, `date`: the session removed; `renumbered`: later sessions now one lower",
)
SESSION_CANCELLED = View(
    "sessions cancel",
    ("group", "number", "date", "new_date"),
    said=(
        N_("Cancelled the meeting of {date} (group {group}, starter session {number})."),
        N_("Starter session {number} is now planned on {new_date}."),
    ),
    note="`date`: the meeting cancelled; `new_date`: the day the session is planned on now",
)
SESSION_MOVED = SESSION_CANCELLED._replace(
    commands="sessions move",
    said=(N_("Group {group}: starter session {number} moved from {date} to {new_date}."),),
    note="`date`: the day it was planned on; `new_date`: the day it is planned on now",
)
CONTACT_KEYS = ("id", "name", "phone", "email")
CONTACTS = View(
    "groups contacts",
    CONTACT_KEYS,
    CONTACT_KEYS,
    title=N_("Call list of group {group}"),
    empty=N_("Group {group} has no current members."),
    note="the current members; `id`: the registration; null where the person was erased",
    many=True,
)
READY_CONTACTS = View(
    "groups ready --contacts",
    ("proposal", "theme", "area", *CONTACT_KEYS),
    (("proposal", N_("Proposal")), "theme", "area", *CONTACT_KEYS),
    title=N_("Who to ring for the groups that can start"),
    empty=N_("No theme has {min_size} people waiting in one area yet."),
    note="one per proposed member; `proposal`: 1 for the first group `groups ready` proposes …",
    many=True,
)
ALMOST = View(
    "groups ready --almost",
    ("theme", "area", "waiting", "short", "alternatives", "members"),
    (
        "theme",
        "area",
        "waiting",
        ("short", N_("Short")),
        ("alternatives", N_("Elsewhere")),
        ("members", N_("Registrations")),
    ),
    title=N_("Nearly ready: one or two short of {min_size}"),
    empty=N_("No theme and area is one or two people short."),
    note=(
        "`waiting`: candidates not proposed for a group; `short`: how many more are needed; "
        "`alternatives`: others waiting for the theme who did not name the area"
    ),
    many=True,
)


@app.command(
    "ready",
    help=_(
        "Propose the groups that can start now: enough people waiting for one "
        "theme in one area (from the county's min_size to max_size)."
    ),
)
@formats
def ready(
    as_of: AsOfOpt = None,
    contacts: Annotated[
        bool,
        typer.Option(
            "--contacts",
            help=_("Who to ring: each proposed member's name, phone and e-mail (not audited)."),
        ),
    ] = False,
    almost: Annotated[
        bool,
        typer.Option(
            "--almost",
            help=_(
                "The themes and areas one or two people short instead, with how many others "
                "wait for the theme elsewhere."
            ),
        ),
    ] = False,
    fmt: Format = Format.TABLE,
) -> None:
    if contacts and almost:
        raise InvalidInput(
            _("give --contacts or --almost, not both"),
            _(
                "--contacts lists who to ring for the groups that can start; --almost, which "
                "themes and areas are nearly there"
            ),
            code="ready.contacts_and_almost",
        )
    day = when(as_of, "as_of")
    with store() as db:
        settings = get_settings(db)
        sizes = (settings["min_size"], settings["max_size"])
        if almost:
            near = nearly_ready(db, *sizes, day)
        else:
            proposals = ready_groups(db, *sizes, day)
            if contacts:
                rows = _proposal_contacts(db, proposals)
    if almost:
        render(ALMOST, near, fmt, min_size=settings["min_size"])
        if fmt is Format.TABLE:
            import shlex

            for theme in dict.fromkeys(n["theme"] for n in near if n["alternatives"]):
                message(
                    _("Others waiting for {theme}: shg intake list --theme {quoted}").format(
                        theme=theme, quoted=shlex.quote(theme)
                    )
                )
        return
    if contacts:
        render(READY_CONTACTS, rows, fmt, min_size=settings["min_size"])
        return
    render(READY, proposals, fmt, min_size=settings["min_size"])
    if fmt is Format.TABLE:
        for command in dict.fromkeys(start_command(p["theme"], p["area"]) for p in proposals):
            message(_("Next: {command}").format(command=command))


def _proposal_contacts(db: Any, proposals: list[Any]) -> list[dict[str, Any]]:
    """One row per proposed member, numbered by proposal, with their contact details."""
    found = {c["id"]: c for c in service.contacts(db, [m for p in proposals for m in p["members"]])}
    return [
        {"proposal": number, "theme": p["theme"], "area": p["area"], **found[member]}
        for number, p in enumerate(proposals, 1)
        for member in p["members"]
    ]


@app.command(
    "start", help=_("Start a group, or plan it for a later day: its members are no longer waiting.")
)
@formats
def start(
    theme: Annotated[
        str, typer.Option(metavar=_("THEME"), help=_("The group's theme."), show_default=False)
    ],
    area: Annotated[
        str | None,
        typer.Option(metavar=_("AREA"), help=_("The area (default: the default area).")),
    ] = None,
    members: Annotated[
        str | None,
        typer.Option(
            metavar=_("REGISTRATIONS"),
            help=_("Registration ids, e.g. 3,7,12 (default: the first proposal)."),
        ),
    ] = None,
    starter: StarterOpt = None,
    starter_sessions: SessionsOpt = None,
    followup_weeks: WeeksOpt = None,
    weekday: WeekdayOpt = None,
    time: TimeOpt = None,
    venue: VenueOpt = None,
    every_other_week: EveryOpt = None,
    open_: OpenOpt = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar=_("DATE"),
            help=_(
                "The day it starts: YYYY-MM-DD, today or yesterday (default: today); "
                "a day after today plans it."
            ),
        ),
    ] = None,
    force: ForceOpt = False,
    fmt: Format = Format.TABLE,
) -> None:
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
            weekday=weekday,
            time=time,
            venue=venue,
            open_=open_,
            every_weeks=_every_weeks(every_other_week),
        )
    render(PLANNED if result["planned"] else STARTED, result, fmt)


@app.command("list", help=_("List groups (a planned one shows as planned until its start date)."))
@formats
def list_(
    status: Annotated[
        GroupStatus | None, typer.Option(help=_("Only groups in this state."))
    ] = None,
    starter: Annotated[
        str | None, typer.Option(metavar=_("NAME"), help=_("Only this starter's groups."))
    ] = None,
    fmt: Format = Format.TABLE,
) -> None:
    with store() as db:
        render(GROUPS, service.list_groups(db, status, starter, today()), fmt)


@app.command(
    "show",
    help=_("Show a group: when and where it meets, members, starter sessions and follow-ups."),
)
@formats
def show(group_id: GroupArg, fmt: Format = Format.TABLE) -> None:
    with store() as db:
        render(GROUP_SHOW, service.show_group(db, group_id, today()), fmt)


@app.command(
    "contacts",
    help=_("Who to ring: the current members' names, phones and e-mail addresses (not audited)."),
)
@formats
def contacts(group_id: GroupArg, fmt: Format = Format.TABLE) -> None:
    with store() as db:
        members = service.group_contacts(db, group_id)
    render(CONTACTS, members, fmt, group=group_id)


@app.command("add-member", help=_("Place a waiting person in a group that has a seat."))
@formats
def add_member(
    group_id: GroupArg,
    reg_id: RegArg,
    date: DateOpt = None,
    force: ForceOpt = False,
    fmt: Format = Format.TABLE,
) -> None:
    with store() as db:
        result = service.add_member(db, group_id, reg_id, when(date), today(), force)
    render(MEMBER_ADDED, result, fmt)


@app.command(
    "remove-member", help=_("Take someone out of a group (they leave, or go back to waiting).")
)
@formats
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
    fmt: Format = Format.TABLE,
) -> None:
    with store() as db:
        result = service.remove_member(db, group_id, reg_id, when(date), today(), requeue)
    render(MEMBER_REMOVED, result, fmt)


@app.command(
    "set",
    help=_(
        "Change a group's plan: its start, starter sessions (while starting), "
        "follow-ups, starter, openness, when and where it meets."
    ),
)
@formats
def set_(
    group_id: GroupArg,
    starter_sessions: SessionsOpt = None,
    followup_weeks: WeeksOpt = None,
    starter: StarterOpt = None,
    open_: OpenOpt = None,
    weekday: WeekdayOpt = None,
    time: TimeOpt = None,
    venue: Annotated[
        str | None,
        typer.Option(
            metavar=_("PLACE"),
            help=_("Where it meets: a place, never a person (empty: not set)."),
        ),
    ] = None,
    every_other_week: EveryOpt = None,
    start_date: Annotated[
        str | None,
        typer.Option(
            "--start-date",
            metavar=_("DATE"),
            help=_("Move its start (a plan changed), until its first starter session."),
        ),
    ] = None,
    fmt: Format = Format.TABLE,
) -> None:
    with store() as db:
        before = service.get_group(db, group_id, today())
        group = service.set_group(
            db,
            group_id,
            starter_sessions=starter_sessions,
            followup_weeks=followup_weeks,
            starter=starter,
            open_=open_,
            weekday=weekday,
            time=time,
            venue=venue,
            start_date=when(start_date, "start_date") if start_date else None,
            today=today(),
            every_weeks=_every_weeks(every_other_week),
        )
    if fmt is not Format.TABLE:
        render(GROUP, group, fmt)
        return
    # What changed, as a person reads the group's card (its labels and shown values).
    old, new = _with_phase(dict(before)), _with_phase(dict(group))

    def words(value: Any, key: str) -> Any:  # "planned" is already words; "starting" not yet
        return label(value) if key in LABELLED and isinstance(value, str) else value

    changed = [
        (header, words(old[key], key), words(new[key], key))
        for key, header in GROUP.headers()
        if old[key] != new[key]
    ]
    if changed:
        changes(changed)
    else:
        message(_("Nothing to change: group {id} already says so.").format(id=group_id))


@app.command("end", help=_("End a group (the members decided to stop)."))
@formats
def end(group_id: GroupArg, date: DateOpt = None, fmt: Format = Format.TABLE) -> None:
    with store() as db:
        render(ENDED, service.end_group(db, group_id, when(date), today()), fmt)


@sessions_app.command(
    "add", help=_("Record a starter session; after the last one the group runs on its own.")
)
@formats
def sessions_add(
    group_id: GroupArg,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar=_("DATE"),
            help=_(
                "The day it was held: YYYY-MM-DD, today or yesterday (default: the day it "
                "was planned)."
            ),
        ),
    ] = None,
    attended: Annotated[
        int | None, typer.Option(metavar=_("N"), help=_("How many members came."))
    ] = None,
    fmt: Format = Format.TABLE,
) -> None:
    with store() as db:
        held_on = when(date) if date else None
        result = service.add_session(db, group_id, held_on, today(), attended)
    render(SESSION, result, fmt)
    if fmt is Format.TABLE and result["group_status"] == "running":
        message(
            _("The group now runs on its own; first follow-up due {next_followup}.").format(
                **result
            )
        )


@sessions_app.command(
    "remove",
    help=_("Remove a starter session recorded by mistake; the group's status goes back with it."),
)
@formats
def sessions_remove(
    group_id: GroupArg,
    number: Annotated[
        int | None,
        typer.Argument(
            metavar=_("NUMBER"),
            help=_("The session's number (default: the last); later ones move up one."),
            show_default=False,
        ),
    ] = None,
    fmt: Format = Format.TABLE,
) -> None:
    with store() as db:
        result = service.remove_session(db, group_id, number, today())
    render(SESSION_REMOVED, result, fmt)
    if fmt is Format.TABLE and result["renumbered"]:
        message(
            ngettext(
                "The later session is now number {number}.",
                "The {n} later sessions are now numbered from {number}.",
                result["renumbered"],
            ).format(n=result["renumbered"], number=result["number"])
        )


PlannedArg = Annotated[
    int | None,
    typer.Argument(
        metavar=_("NUMBER"),
        help=_("The planned session's number (default: the next)."),
        show_default=False,
    ),
]


@sessions_app.command(
    "cancel",
    help=_(
        "Cancel a planned starter session's meeting: it and the sessions after it move one "
        "meeting on."
    ),
)
@formats
def sessions_cancel(
    group_id: GroupArg, number: PlannedArg = None, fmt: Format = Format.TABLE
) -> None:
    with store() as db:
        render(SESSION_CANCELLED, service.cancel_session(db, group_id, number), fmt)


@sessions_app.command(
    "move", help=_("Hold a planned starter session on another day; the plan after it stays.")
)
@formats
def sessions_move(
    group_id: GroupArg,
    number: PlannedArg = None,
    date: Annotated[
        str,
        typer.Option(
            "--date",
            metavar=_("DATE"),
            help=_("The new day: YYYY-MM-DD (its planned day again undoes the move)."),
            show_default=False,
        ),
    ] = "",
    fmt: Format = Format.TABLE,
) -> None:
    if not date:
        raise InvalidInput(
            _("give the new day with --date"),
            _("e.g. shg sessions move {id} --date 2026-06-18").format(id=group_id),
            code="session.move_no_date",
            field="date",
        )
    with store() as db:
        result = service.move_session(db, group_id, number, when(date))
    render(SESSION_MOVED, result, fmt)
