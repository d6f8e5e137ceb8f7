"""Follow-ups of running groups: which are due, and recording one done."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from shgroups.dates import not_after_today, not_before, week_end
from shgroups.enums import GroupStatus, Outcome
from shgroups.errors import Conflict, NotFound
from shgroups.freetext import check_free_text
from shgroups.i18n import _, ngettext
from shgroups.services import catalogue
from shgroups.services.choices import one_of
from shgroups.services.groups import (
    NEXT_FOLLOWUP_PLANNED_SQL,
    active_group,
    get_group,
    working_day_sql,
)
from shgroups.services.holidays import county_calendar
from shgroups.services.intake import check_note
from shgroups.storage import Store
from shgroups.text import typed


class DueFollowup(TypedDict):
    """A row of `followups due` (docs/design.md §4); a TypedDict as in services/groups.py."""

    group: int
    theme: str
    area: str
    due: str
    starter: str | None
    days_overdue: int
    due_planned: str  # the day the rule gives, before a day off moved it to `due`
    moved_for: str | None  # the day off on `due_planned`, in the county's language


# A follow-up recorded while the next is further away than this needs to be forced.
EARLY_DAYS = 14


class FollowupAdded(TypedDict):
    group: int
    next_due: str | None
    outcome: str


# Only running groups are read (index on status), so the cost follows the groups that run
# now, not the register's history. The planned day is computed once and moved once.
DUE_SQL = f"""
SELECT "group", theme, area, {working_day_sql("due_planned")} AS due, starter, due_planned
  FROM (SELECT g.id AS "group", t.name AS theme, a.name AS area,
               {NEXT_FOLLOWUP_PLANNED_SQL} AS due_planned, s.name AS starter
          FROM groups g
          JOIN themes t ON t.id = g.theme_id
          JOIN areas a ON a.id = g.area_id
          LEFT JOIN staff s ON s.id = g.starter_id
         WHERE g.status = 'running' AND (:starter IS NULL OR s.name = :starter))
 WHERE due <= :week_end
 ORDER BY due, "group"
"""


def due(store: Store, as_of: date, starter: str | None = None) -> list[DueFollowup]:
    """Running groups whose next follow-up falls on or before the Sunday of as_of's ISO week."""
    starter_name = catalogue.resolve(store, "staff", starter)["name"] if starter else None
    rows = store.rows(
        DUE_SQL,
        {"week_end": week_end(as_of).isoformat(), "starter": starter_name},
    )
    county = county_calendar(store) if rows else None
    for r in rows:
        r["days_overdue"] = max(0, (as_of - date.fromisoformat(r["due"])).days)
        moved = r["due"] != r["due_planned"]
        r["moved_for"] = (
            county.name(date.fromisoformat(r["due_planned"])) if county and moved else None
        )
    return rows  # type: ignore[return-value]  # DUE_SQL's columns, days_overdue, moved_for


def add_followup(
    store: Store,
    group_id: int,
    on: date,
    today: date,
    outcome: str,
    method: str | None = None,
    note: str | None = None,
    force: bool = False,
) -> FollowupAdded:
    """Record a follow-up done on `on`. One recorded while the group's next follow-up is
    more than two weeks (`EARLY_DAYS`) away is more often a slip (the wrong group, the same
    contact twice) than an extra contact after a crisis: refused unless `force`."""
    not_after_today(on, today)
    outcome = one_of(Outcome, outcome, "outcome")
    # Notes and methods are the group's, not a person's, but a coordinator may still write a
    # name or a number in them: see the erasure's scrub in services/persons.py.
    method = typed(method, "method") if method is not None else None
    note = typed(note, "note", multiline=True) if note is not None else None
    check_note(note)
    check_free_text(method, "method")
    with store.write():
        group = get_group(store, group_id)
        if group["status"] == GroupStatus.STARTING:
            raise Conflict(
                _("group {id} is still starting: follow-ups start after the starter phase").format(
                    id=group_id
                ),
                _("follow up the groups that run"),
                code="followup.group_starting",
                id=group_id,
            )
        if group["status"] == GroupStatus.ENDED:
            raise Conflict(
                _("group {id} has ended").format(id=group_id),
                _("follow up the groups that run"),
                code="followup.group_ended",
                id=group_id,
            )
        # A running group has been handed over, so handover_on is set.
        not_before(on, group["handover_on"] or "", _("the group was handed over"))
        last = store.value("SELECT max(done_on) FROM followups WHERE group_id = ?", (group_id,))
        if last is not None:
            not_before(on, last, _("the group's last follow-up"))
        next_due = group["next_followup"]
        early = (date.fromisoformat(next_due) - on).days if next_due else 0
        if early > EARLY_DAYS and not force:
            raise Conflict(
                ngettext(
                    "group {id}'s next follow-up is due on {due}, {n} day after {date}",
                    "group {id}'s next follow-up is due on {due}, {n} days after {date}",
                    early,
                ).format(id=group_id, due=next_due, n=early, date=on),
                _("check the group; an extra contact (after a crisis, say) can be recorded anyway"),
                code="followup.not_due",
                id=group_id,
                due=next_due,
                n=early,
                date=on.isoformat(),
            )
        store.insert(
            "followups",
            {
                "group_id": group_id,
                "done_on": on.isoformat(),
                "outcome": outcome,
                "method": method,
                "note": note,
            },
        )
        store.audit("followup.add", "group", group_id)
        next_due = get_group(store, group_id)["next_followup"]
    return {"group": group_id, "next_due": next_due, "outcome": outcome}


class FollowupRemoved(TypedDict):
    group: int
    date: str
    outcome: str
    method: str | None
    note: str | None
    left_on_day: int  # follow-ups still recorded on that day
    group_status: str
    next_due: str | None


def remove_followup(
    store: Store, group_id: int, on: date | None = None, today: date | None = None
) -> FollowupRemoved:
    """Undo a follow-up recorded by mistake: the last one, or the one done on `on` (of
    several that day, the one recorded last). The next follow-up is counted again from the
    one before it, else from the handover, as it was before the mistake."""
    with store.write():
        group = active_group(store, group_id)
        if on is None:
            found = store.row(
                "SELECT id, done_on AS date, outcome, method, note FROM followups "
                "WHERE group_id = ? ORDER BY done_on DESC, id DESC LIMIT 1",
                (group_id,),
            )
            if found is None:
                raise Conflict(
                    _("group {id} has no follow-ups recorded").format(id=group_id),
                    _("nothing to remove"),
                    code="followup.none",
                    id=group_id,
                )
        else:
            found = store.row(
                "SELECT id, done_on AS date, outcome, method, note FROM followups "
                "WHERE group_id = ? AND done_on = ? ORDER BY id DESC LIMIT 1",
                (group_id, on.isoformat()),
            )
            if found is None:
                raise NotFound(
                    _("group {id} has no follow-up on {date}").format(id=group_id, date=on),
                    _("give the date of one of its follow-ups"),
                    code="followup.not_on_date",
                    field="date",
                    id=group_id,
                    date=on.isoformat(),
                )
        store.execute("DELETE FROM followups WHERE id = ?", (found["id"],))
        store.audit("followup.remove", "group", group_id)
        left = store.value(
            "SELECT count(*) FROM followups WHERE group_id = ? AND done_on = ?",
            (group_id, found["date"]),
        )
        after = get_group(store, group_id, today)
    return {
        "group": group_id,
        "date": found["date"],
        "outcome": found["outcome"],
        "method": found["method"],
        "note": found["note"],
        "left_on_day": left,
        "group_status": group["status"],
        "next_due": after["next_followup"],
    }
