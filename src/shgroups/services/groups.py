"""Groups: starting them from proposals, members, starter sessions, ending."""

from __future__ import annotations

from datetime import date
from typing import Any

from shgroups.dates import not_after_today, not_before
from shgroups.errors import Conflict, InvalidInput, NotFound
from shgroups.i18n import _
from shgroups.services import catalogue
from shgroups.services.intake import not_before_latest, waiting_registration
from shgroups.services.readiness import ready_groups
from shgroups.services.settings import get_settings
from shgroups.storage import Store

GROUP_STATUSES = ("starting", "running", "ended")

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


def _shape(row: dict[str, Any]) -> dict[str, Any]:
    ids = row.pop("member_ids")
    row["members"] = sorted(int(x) for x in ids.split(",")) if ids else []
    row["open"] = bool(row["open"])
    return row


def list_groups(store: Store, status: str | None = None) -> list[dict[str, Any]]:
    if status is not None and status not in GROUP_STATUSES:
        raise InvalidInput(
            _("unknown status {status!r}").format(status=status),
            _("use one of: {values}").format(values=", ".join(GROUP_STATUSES)),
        )
    rows = store.rows(
        GROUP_SQL + " WHERE (? IS NULL OR g.status = ?) ORDER BY g.id", (status, status)
    )
    return [_shape(r) for r in rows]


def get_group(store: Store, group_id: int) -> dict[str, Any]:
    found = store.row(GROUP_SQL + " WHERE g.id = ?", (group_id,))
    if found is None:
        raise NotFound(
            _("there is no group {id}").format(id=group_id),
            _("`shg groups list` shows the groups and their ids"),
        )
    return _shape(found)


def show_group(store: Store, group_id: int) -> dict[str, Any]:
    group = get_group(store, group_id)
    group["member_list"] = store.rows(
        """SELECT m.registration_id AS id, p.name, m.joined_on, m.left_on
             FROM group_members m JOIN registrations r ON r.id = m.registration_id
             LEFT JOIN persons p ON p.id = r.person_id
            WHERE m.group_id = ?
            ORDER BY m.left_on IS NOT NULL, m.joined_on, m.registration_id, m.id""",
        (group_id,),
    )
    group["sessions"] = store.rows(
        "SELECT number, held_on AS date, attended FROM sessions WHERE group_id = ? ORDER BY number",
        (group_id,),
    )
    group["followups"] = store.rows(
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
            _("add --force to go ahead anyway"),
        )


def _place(store: Store, group_id: int, reg_id: int, on: date) -> None:
    store.execute(
        "INSERT INTO group_members (group_id, registration_id, joined_on) VALUES (?, ?, ?)",
        (group_id, reg_id, on.isoformat()),
    )
    store.execute(
        "UPDATE registrations SET status = 'placed', status_on = ? WHERE id = ?",
        (on.isoformat(), reg_id),
    )
    store.audit("registration.placed", "registration", reg_id)


def _waiting_member(store: Store, reg_id: int, on: date) -> dict[str, Any]:
    return waiting_registration(store, reg_id, _("only waiting registrations can join a group"), on)


def _check_wants(store: Store, reg: dict[str, Any], group: dict[str, Any], force: bool) -> None:
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
                _("add --force to place them anyway"),
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
) -> dict[str, Any]:
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
                    _(
                        "`shg groups ready` shows what can start; to start with chosen people, "
                        "give --members 1,2,… (and --force below the minimum)"
                    ),
                )
            members = proposal["members"]
        if not members:
            raise InvalidInput(_("--members lists nobody"), _("give ids such as --members 3,7,12"))
        if len(set(members)) != len(members):
            raise InvalidInput(_("--members names someone twice"), _("list each id once"))
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
                "status": "starting",
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
            _("--starter-sessions must be between 0 and 20"),
            _("the usual is 4 (1–3 in Norway, 4–6 in Västmanland)"),
        )
    if weeks is not None and not 1 <= weeks <= 52:
        raise InvalidInput(_("--followup-weeks must be between 1 and 52"), _("the usual is 6"))


def _hand_over(store: Store, group_id: int, on: date) -> None:
    store.execute(
        "UPDATE groups SET status = 'running', handover_on = ? WHERE id = ?",
        (on.isoformat(), group_id),
    )


def _active_group(store: Store, group_id: int) -> dict[str, Any]:
    group = get_group(store, group_id)
    if group["status"] == "ended":
        raise Conflict(
            _("group {id} has ended").format(id=group_id),
            _("`shg groups list --status running` shows the active groups"),
        )
    return group


def add_member(
    store: Store, group_id: int, reg_id: int, on: date, today: date, force: bool = False
) -> dict[str, Any]:
    not_after_today(on, today)
    with store.write():
        group = _active_group(store, group_id)
        not_before(on, group["started_on"], _("the group started"))
        reg = _waiting_member(store, reg_id, on)
        settings = get_settings(store)
        if not force and len(group["members"]) >= settings["max_size"]:
            raise Conflict(
                _("group {id} is full ({n} members)").format(id=group_id, n=len(group["members"])),
                _("add --force to go above the maximum"),
            )
        if not force and not group["open"]:
            raise Conflict(
                _("group {id} is closed to new members").format(id=group_id),
                _("open it with `shg groups set {id} --open`, or add --force").format(id=group_id),
            )
        ids = store.row("SELECT theme_id, area_id FROM groups WHERE id = ?", (group_id,))
        _check_wants(store, reg, {**group, **(ids or {})}, force)
        _place(store, group_id, reg_id, on)
        store.audit("group.add-member", "group", group_id)
        return {"group": group_id, "members": get_group(store, group_id)["members"]}


def remove_member(
    store: Store, group_id: int, reg_id: int, on: date, today: date, requeue: bool = False
) -> dict[str, Any]:
    not_after_today(on, today)
    with store.write():
        group = _active_group(store, group_id)
        if reg_id not in group["members"]:
            raise NotFound(
                _("registration {id} is not a member of group {group}").format(
                    id=reg_id, group=group_id
                ),
                _("`shg groups show {group}` lists its members").format(group=group_id),
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
        status = "waiting" if requeue else "withdrawn"
        # Back in the queue the registration is renewed: time in a group is not unconfirmed
        # waiting, and the old confirmation date would let today's purge expire it.
        store.execute(
            "UPDATE registrations SET status = :status, status_on = :on, "
            "confirmed_on = CASE WHEN :requeue THEN :on ELSE confirmed_on END WHERE id = :id",
            {"status": status, "on": on.isoformat(), "requeue": requeue, "id": reg_id},
        )
        store.audit("group.remove-member", "group", group_id)
        store.audit("registration.left-group", "registration", reg_id)
        return {
            "group": group_id,
            "members": get_group(store, group_id)["members"],
            "registration": reg_id,
            "status": status,
        }


def end_group(store: Store, group_id: int, on: date, today: date) -> dict[str, Any]:
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
            "UPDATE groups SET status = 'ended', ended_on = ? WHERE id = ?",
            (on.isoformat(), group_id),
        )
        store.execute(
            "UPDATE group_members SET left_on = ? WHERE group_id = ? AND left_on IS NULL",
            (on.isoformat(), group_id),
        )
        store.audit("group.end", "group", group_id)
        for reg_id in group["members"]:
            store.audit("registration.left-group", "registration", reg_id)
        return {"id": group_id, "status": "ended", "ended_on": on.isoformat()}


def set_group(
    store: Store,
    group_id: int,
    *,
    starter_sessions: int | None,
    followup_weeks: int | None,
    starter: str | None,
    open_: bool | None,
) -> dict[str, Any]:
    _check_plan(starter_sessions, followup_weeks)
    with store.write():
        group = _active_group(store, group_id)
        if starter_sessions is not None:
            if group["status"] != "starting":
                raise Conflict(
                    _("group {id} has finished its starter phase").format(id=group_id),
                    _("starter sessions can only be changed while the group is starting"),
                )
            held = group["sessions_held"]
            if starter_sessions < held:
                raise InvalidInput(
                    _("group {id} has already held {n} starter sessions").format(
                        id=group_id, n=held
                    ),
                    _("give {n} or more").format(n=held),
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
) -> dict[str, Any]:
    not_after_today(on, today)
    with store.write():
        group = _active_group(store, group_id)
        if group["status"] != "starting":
            raise Conflict(
                _("group {id} has held all {n} planned starter sessions").format(
                    id=group_id, n=group["starter_sessions"]
                ),
                _("to plan more while it starts: shg groups set {id} --starter-sessions N").format(
                    id=group_id
                ),
            )
        last = store.value("SELECT max(held_on) FROM sessions WHERE group_id = ?", (group_id,))
        not_before(on, last or group["started_on"], _("the group's last session or start"))
        if attended is not None and not 0 <= attended <= len(group["members"]):
            raise InvalidInput(
                _("--attended {n} is not between 0 and the group's {m} members").format(
                    n=attended, m=len(group["members"])
                ),
                _("count the members who came, not the starter"),
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
