"""Groups: starting them from proposals, members, starter sessions, ending."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, TypedDict

from shgroups.dates import not_after_today, not_before, not_before_latest
from shgroups.enums import GroupStatus, RegistrationStatus
from shgroups.errors import Conflict, InvalidInput, NotFound
from shgroups.i18n import _, ngettext
from shgroups.services import catalogue
from shgroups.services.choices import one_of
from shgroups.services.intake import set_status, waiting_registration
from shgroups.services.readiness import ready_groups
from shgroups.services.settings import get_settings
from shgroups.storage import Store

# One row per group with what lists, `show` and `followups due` need. The next follow-up is
# counted from the last one done, else from the handover (the last starter session).
NEXT_FOLLOWUP_SQL = """
date(coalesce((SELECT max(f.done_on) FROM followups f WHERE f.group_id = g.id), g.handover_on),
     '+' || (g.followup_weeks * 7) || ' days')"""

GROUP_SQL = f"""
SELECT g.id, t.name AS theme, a.name AS area, g.status, g.started_on, s.name AS starter,
       g.starter_sessions,
       (SELECT count(*) FROM sessions x WHERE x.group_id = g.id) AS sessions_held,
       (SELECT group_concat(m.registration_id) FROM group_members m
         WHERE m.group_id = g.id AND m.left_on IS NULL) AS member_ids,
       g.followup_weeks, g.handover_on, g.ended_on, g.open,
       CASE WHEN g.status = 'running' THEN {NEXT_FOLLOWUP_SQL} END AS next_followup
  FROM groups g
  JOIN themes t ON t.id = g.theme_id
  JOIN areas a ON a.id = g.area_id
  LEFT JOIN staff s ON s.id = g.starter_id
"""


class Group(TypedDict):
    """A group as `groups list` and `groups show` print it (and as the services use it).

    TypedDicts here and in the other services: these are the JSON documents scripts rely on
    (docs/design.md §4), so at run time a dict, printed as it is, whose keys are declared once
    for mypy, for the command line's views and for the README's table of JSON keys."""

    id: int
    theme: str
    area: str
    status: str
    started_on: str
    starter: str | None
    starter_sessions: int
    sessions_held: int
    followup_weeks: int
    handover_on: str | None
    ended_on: str | None
    open: bool
    next_followup: str | None
    members: list[int]  # registration ids of the current members


class Member(TypedDict):
    id: int  # the registration
    name: str | None  # None after erasure
    joined_on: str
    left_on: str | None


class Session(TypedDict):
    number: int
    date: str
    attended: int | None


class Followup(TypedDict):
    date: str
    outcome: str
    method: str | None
    note: str | None


class GroupDetail(Group):
    """`groups show`: a group with every stay, session and follow-up."""

    member_list: list[Member]
    sessions: list[Session]
    followups: list[Followup]


class Started(TypedDict):
    id: int
    status: str
    members: list[int]
    theme: str
    area: str
    starter: str | None
    next_followup: str | None


class Membership(TypedDict):
    group: int
    members: list[int]


class Removed(Membership):
    registration: int
    status: str


class Ended(TypedDict):
    id: int
    status: str
    ended_on: str


class SessionAdded(TypedDict):
    group: int
    number: int
    of: int
    group_status: str
    next_followup: str | None


def _shape(row: dict[str, Any]) -> Group:
    ids = row.pop("member_ids")
    row["members"] = sorted(int(x) for x in ids.split(",")) if ids else []
    row["open"] = bool(row["open"])
    return row  # type: ignore[return-value]  # GROUP_SQL's columns


def list_groups(store: Store, status: str | None = None) -> list[Group]:
    if status is not None:
        status = one_of(GroupStatus, status, "status")
    rows = store.rows(
        GROUP_SQL + " WHERE (? IS NULL OR g.status = ?) ORDER BY g.id", (status, status)
    )
    return [_shape(r) for r in rows]


def get_group(store: Store, group_id: int) -> Group:
    found = store.row(GROUP_SQL + " WHERE g.id = ?", (group_id,))
    if found is None:
        raise NotFound(
            _("there is no group {id}").format(id=group_id),
            _("the list of groups shows their ids"),
            code="group.not_found",
            id=group_id,
        )
    return _shape(found)


def show_group(store: Store, group_id: int) -> GroupDetail:
    group: GroupDetail = get_group(store, group_id)  # type: ignore[assignment]  # filled below
    group["member_list"] = store.rows(  # type: ignore[typeddict-item]
        """SELECT m.registration_id AS id, p.name, m.joined_on, m.left_on
             FROM group_members m JOIN registrations r ON r.id = m.registration_id
             LEFT JOIN persons p ON p.id = r.person_id
            WHERE m.group_id = ?
            ORDER BY m.left_on IS NOT NULL, m.joined_on, m.registration_id, m.id""",
        (group_id,),
    )
    group["sessions"] = store.rows(  # type: ignore[typeddict-item]
        "SELECT number, held_on AS date, attended FROM sessions WHERE group_id = ? ORDER BY number",
        (group_id,),
    )
    group["followups"] = store.rows(  # type: ignore[typeddict-item]
        "SELECT done_on AS date, outcome, method, note FROM followups "
        "WHERE group_id = ? ORDER BY done_on, id",
        (group_id,),
    )
    return group


def _check_size(count: int, settings: dict[str, Any], force: bool) -> None:
    lo, hi = settings["min_size"], settings["max_size"]
    if not force and not lo <= count <= hi:
        raise Conflict(
            _("a group needs {lo} to {hi} members; this one would have {n}").format(
                lo=lo, hi=hi, n=count
            ),
            _("the county's rule can be overridden for one group"),
            code="members.too_few" if count < lo else "members.too_many",
            field="members",
            min=lo,
            max=hi,
            n=count,
        )


def _place(store: Store, group_id: int, reg_id: int, on: date) -> None:
    store.execute(
        "INSERT INTO group_members (group_id, registration_id, joined_on) VALUES (?, ?, ?)",
        (group_id, reg_id, on.isoformat()),
    )
    set_status(store, reg_id, RegistrationStatus.PLACED, on)


def _waiting_member(store: Store, reg_id: int, on: date) -> dict[str, Any]:
    return waiting_registration(store, reg_id, _("only waiting registrations can join a group"), on)


def _check_wants(store: Store, reg: dict[str, Any], group: Mapping[str, Any], force: bool) -> None:
    """The person asked for the group's theme and area (first or alternative choice)."""
    if force:
        return
    for kind, table in (("theme", "registration_themes"), ("area", "registration_areas")):
        wanted = reg[f"{kind}_id"] == group[f"{kind}_id"] or store.value(
            f"SELECT 1 FROM {table} WHERE registration_id = ? AND {kind}_id = ?",
            (reg["id"], group[f"{kind}_id"]),
        )
        if not wanted:
            raise Conflict(
                _("registration {id} does not wait for {name!r}").format(
                    id=reg["id"], name=group[kind]
                ),
                _("they can be placed anyway"),
                code=f"registration.other_{kind}",
                id=reg["id"],
                **{kind: group[kind]},
            )


def start_group(
    store: Store,
    *,
    theme: str,
    area: str | None,
    members: list[int] | None,
    starter: str | None,
    starter_sessions: int | None,
    followup_weeks: int | None,
    on: date,
    today: date,
    force: bool = False,
) -> Started:
    not_after_today(on, today)
    with store.write():
        settings = get_settings(store)
        sessions = settings["starter_sessions"] if starter_sessions is None else starter_sessions
        weeks = settings["followup_weeks"] if followup_weeks is None else followup_weeks
        _check_plan(sessions, weeks)
        t = catalogue.resolve_theme(store, theme)
        a = catalogue.resolve_area(store, area)
        staff_id = catalogue.resolve(store, "staff", starter)["id"] if starter else None
        if members is None:
            proposal = next(
                (
                    p
                    for p in ready_groups(store, settings["min_size"], settings["max_size"], on)
                    if p["theme_id"] == t["id"] and p["area_id"] == a["id"]
                ),
                None,
            )
            if proposal is None:
                raise Conflict(
                    _("no group is ready for {theme!r} in {area!r}").format(
                        theme=t["name"], area=a["name"]
                    ),
                    _("a group can also start with chosen people"),
                    code="group.not_ready",
                    theme=t["name"],
                    area=a["name"],
                )
            members = proposal["members"]
        if not members:
            raise InvalidInput(
                _("the list of members is empty"),
                _("give registration ids"),
                code="members.empty",
                field="members",
            )
        if len(set(members)) != len(members):
            raise InvalidInput(
                _("the list of members names someone twice"),
                _("list each id once"),
                code="members.twice",
                field="members",
            )
        for reg_id in members:
            reg = _waiting_member(store, reg_id, on)
            _check_wants(
                store,
                reg,
                {"theme_id": t["id"], "theme": t["name"], "area_id": a["id"], "area": a["name"]},
                force,
            )
        _check_size(len(members), settings, force)
        group_id = store.insert(
            "groups",
            {
                "theme_id": t["id"],
                "area_id": a["id"],
                "status": GroupStatus.STARTING,
                "started_on": on.isoformat(),
                "starter_id": staff_id,
                "starter_sessions": sessions,
                "followup_weeks": weeks,
            },
        )
        for reg_id in members:
            _place(store, group_id, reg_id, on)
        if sessions == 0:
            _hand_over(store, group_id, on)
        store.audit("group.start", "group", group_id)
        group = get_group(store, group_id)
    return {
        "id": group_id,
        "status": group["status"],
        "members": group["members"],
        "theme": group["theme"],
        "area": group["area"],
        "starter": group["starter"],
        "next_followup": group["next_followup"],
    }


def _check_plan(sessions: int | None, weeks: int | None) -> None:
    if sessions is not None and not 0 <= sessions <= 20:
        raise InvalidInput(
            _("the number of starter sessions must be between {min} and {max}").format(
                min=0, max=20
            ),
            _("the usual is 4 (1–3 in Norway, 4–6 in Västmanland)"),
            code="starter_sessions.out_of_range",
            field="starter_sessions",
            min=0,
            max=20,
        )
    if weeks is not None and not 1 <= weeks <= 52:
        raise InvalidInput(
            _("the weeks between follow-ups must be between {min} and {max}").format(min=1, max=52),
            _("the usual is 6"),
            code="followup_weeks.out_of_range",
            field="followup_weeks",
            min=1,
            max=52,
        )


def _hand_over(store: Store, group_id: int, on: date) -> None:
    store.execute(
        "UPDATE groups SET status = ?, handover_on = ? WHERE id = ?",
        (GroupStatus.RUNNING, on.isoformat(), group_id),
    )


def _active_group(store: Store, group_id: int) -> Group:
    group = get_group(store, group_id)
    if group["status"] == GroupStatus.ENDED:
        raise Conflict(
            _("group {id} has ended").format(id=group_id),
            _("choose one of the groups that run or start"),
            code="group.ended",
            id=group_id,
        )
    return group


def add_member(
    store: Store, group_id: int, reg_id: int, on: date, today: date, force: bool = False
) -> Membership:
    not_after_today(on, today)
    with store.write():
        group = _active_group(store, group_id)
        not_before(on, group["started_on"], _("the group started"))
        reg = _waiting_member(store, reg_id, on)
        settings = get_settings(store)
        if not force and len(group["members"]) >= settings["max_size"]:
            raise Conflict(
                _("group {id} is full ({n} members)").format(id=group_id, n=len(group["members"])),
                _("the county's maximum can be overridden for one group"),
                code="group.full",
                id=group_id,
                n=len(group["members"]),
            )
        if not force and not group["open"]:
            raise Conflict(
                _("group {id} is closed to new members").format(id=group_id),
                _("open it first"),
                code="group.closed",
                id=group_id,
            )
        ids = store.row("SELECT theme_id, area_id FROM groups WHERE id = ?", (group_id,))
        _check_wants(store, reg, {**group, **(ids or {})}, force)
        _place(store, group_id, reg_id, on)
        store.audit("group.add-member", "group", group_id)
        return {"group": group_id, "members": get_group(store, group_id)["members"]}


def remove_member(
    store: Store, group_id: int, reg_id: int, on: date, today: date, requeue: bool = False
) -> Removed:
    not_after_today(on, today)
    with store.write():
        group = _active_group(store, group_id)
        if reg_id not in group["members"]:
            raise NotFound(
                _("registration {id} is not a member of group {group}").format(
                    id=reg_id, group=group_id
                ),
                _("the group's members are listed with it"),
                code="group.not_member",
                id=reg_id,
                group=group_id,
            )
        # Only the current stay: an earlier one (before a requeue) keeps its own dates.
        current = "group_id = ? AND registration_id = ? AND left_on IS NULL"
        joined = store.value(
            f"SELECT joined_on FROM group_members WHERE {current}", (group_id, reg_id)
        )
        not_before(on, joined, _("registration {id} joined the group").format(id=reg_id))
        store.execute(
            f"UPDATE group_members SET left_on = ? WHERE {current}",
            (on.isoformat(), group_id, reg_id),
        )
        status = RegistrationStatus.WAITING if requeue else RegistrationStatus.WITHDRAWN
        store.audit("group.remove-member", "group", group_id)
        set_status(store, reg_id, status, on, action="registration.left-group", renew=requeue)
        return {
            "group": group_id,
            "members": get_group(store, group_id)["members"],
            "registration": reg_id,
            "status": status,
        }


def end_group(store: Store, group_id: int, on: date, today: date) -> Ended:
    not_after_today(on, today)
    with store.write():
        group = _active_group(store, group_id)
        last = (
            store.row(
                """SELECT (SELECT max(max(joined_on), coalesce(max(left_on), ''))
                         FROM group_members WHERE group_id = :g) AS member,
                      (SELECT max(held_on) FROM sessions WHERE group_id = :g) AS session,
                      (SELECT max(done_on) FROM followups WHERE group_id = :g) AS followup""",
                {"g": group_id},
            )
            or {}
        )
        not_before_latest(
            on,
            [
                (group["started_on"], _("the group started")),
                (last.get("member"), _("the group's last change of members")),
                (last.get("session"), _("the group's last session")),
                (last.get("followup"), _("the group's last follow-up")),
            ],
        )
        store.execute(
            "UPDATE groups SET status = ?, ended_on = ? WHERE id = ?",
            (GroupStatus.ENDED, on.isoformat(), group_id),
        )
        store.execute(
            "UPDATE group_members SET left_on = ? WHERE group_id = ? AND left_on IS NULL",
            (on.isoformat(), group_id),
        )
        store.audit("group.end", "group", group_id)
        for reg_id in group["members"]:
            store.audit("registration.left-group", "registration", reg_id)
        return {"id": group_id, "status": GroupStatus.ENDED, "ended_on": on.isoformat()}


def set_group(
    store: Store,
    group_id: int,
    *,
    starter_sessions: int | None,
    followup_weeks: int | None,
    starter: str | None,
    open_: bool | None,
) -> Group:
    _check_plan(starter_sessions, followup_weeks)
    with store.write():
        group = _active_group(store, group_id)
        if starter_sessions is not None:
            if group["status"] != GroupStatus.STARTING:
                raise Conflict(
                    _("group {id} has finished its starter phase").format(id=group_id),
                    _("starter sessions can only be changed while the group is starting"),
                    code="group.not_starting",
                    field="starter_sessions",
                    id=group_id,
                )
            held = group["sessions_held"]
            if starter_sessions < held:
                raise InvalidInput(
                    ngettext(
                        "group {id} has already held {n} starter session",
                        "group {id} has already held {n} starter sessions",
                        held,
                    ).format(id=group_id, n=held),
                    _("give {n} or more").format(n=held),
                    code="starter_sessions.below_held",
                    field="starter_sessions",
                    id=group_id,
                    n=held,
                )
            store.execute(
                "UPDATE groups SET starter_sessions = ? WHERE id = ?", (starter_sessions, group_id)
            )
            if starter_sessions == held:
                last = (
                    store.value("SELECT max(held_on) FROM sessions WHERE group_id = ?", (group_id,))
                    or group["started_on"]
                )
                _hand_over(store, group_id, date.fromisoformat(last))
        if followup_weeks is not None:
            store.execute(
                "UPDATE groups SET followup_weeks = ? WHERE id = ?", (followup_weeks, group_id)
            )
        if starter is not None:
            staff_id = catalogue.resolve(store, "staff", starter)["id"]
            store.execute("UPDATE groups SET starter_id = ? WHERE id = ?", (staff_id, group_id))
        if open_ is not None:
            store.execute("UPDATE groups SET open = ? WHERE id = ?", (int(open_), group_id))
        store.audit("group.set", "group", group_id)
        return get_group(store, group_id)


def add_session(
    store: Store, group_id: int, on: date, today: date, attended: int | None = None
) -> SessionAdded:
    not_after_today(on, today)
    with store.write():
        group = _active_group(store, group_id)
        if group["status"] != GroupStatus.STARTING:
            raise Conflict(
                ngettext(
                    "group {id} has held its {n} planned starter session",
                    "group {id} has held all {n} planned starter sessions",
                    group["starter_sessions"],
                ).format(id=group_id, n=group["starter_sessions"]),
                _("more sessions can be planned only while a group starts"),
                code="group.sessions_held",
                id=group_id,
                n=group["starter_sessions"],
            )
        last = store.value("SELECT max(held_on) FROM sessions WHERE group_id = ?", (group_id,))
        not_before(on, last or group["started_on"], _("the group's last session or start"))
        if attended is not None and not 0 <= attended <= len(group["members"]):
            raise InvalidInput(
                _("{n} is not between 0 and the group's {m} members").format(
                    n=attended, m=len(group["members"])
                ),
                _("count the members who came, not the starter"),
                code="attended.out_of_range",
                field="attended",
                n=attended,
                m=len(group["members"]),
            )
        number = group["sessions_held"] + 1
        store.execute(
            "INSERT INTO sessions (group_id, number, held_on, attended) VALUES (?, ?, ?, ?)",
            (group_id, number, on.isoformat(), attended),
        )
        if number >= group["starter_sessions"]:
            _hand_over(store, group_id, on)
        store.audit("session.add", "group", group_id)
        after = get_group(store, group_id)
    return {
        "group": group_id,
        "number": number,
        "of": after["starter_sessions"],
        "group_status": after["status"],
        "next_followup": after["next_followup"],
    }
