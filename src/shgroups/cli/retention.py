"""`shg purge` and `shg audit`: the county's duties over the whole register (retention rules,
and the record of who changed what), beside `shg person` for one person's rights."""

from pathlib import Path
from typing import Annotated, Any

import typer

from shgroups.cli.common import state, store, when
from shgroups.cli.output import Format, View, formats, message, render
from shgroups.dates import today
from shgroups.i18n import N_, _, ngettext
from shgroups.services import persons as service
from shgroups.storage import resolve_path

PURGED = View(
    "purge",
    ("dry_run", "expired", "erased", "archive", "checkpointed", "followups_scrubbed"),
    note="`expired`, `erased`: registration ids",
)
# What each audited action means, in plain words for the table (scripts get the codes).
ACTIONS = {
    "registration.add": N_("registered"),
    "registration.confirm": N_("confirmed, still waiting"),
    "registration.waiting": N_("back in the queue"),
    "registration.placed": N_("placed in a group"),
    "registration.withdrawn": N_("withdrawn"),
    "registration.referred": N_("referred elsewhere"),
    "registration.expired": N_("expired: not confirmed in time"),
    "registration.left-group": N_("left a group"),
    "person.export": N_("personal data exported (access request)"),
    "person.erase": N_("identity erased"),
    "person.consent-withdrawn": N_("consent withdrawn, identity erased"),
    "person.purge": N_("identity erased by the retention rules"),
    "person.erase-again": N_("identity erased again after a restore"),
    "purge.run": N_("retention rules applied"),
    "group.start": N_("group started"),
    "group.add-member": N_("member added"),
    "group.remove-member": N_("member removed"),
    "group.set": N_("group changed"),
    "group.end": N_("group ended"),
    "session.add": N_("starter session recorded"),
    "followup.add": N_("follow-up recorded"),
    "theme.add": N_("theme added"),
    "theme.rename": N_("theme renamed"),
    "theme.retire": N_("theme retired"),
    "area.add": N_("area added"),
    "staff.add": N_("staff member added"),
    "settings.set": N_("setting changed"),
    "db.restore": N_("register restored from a backup"),
    "session.remove": N_("starter session removed (recorded by mistake)"),
    "followup.remove": N_("follow-up removed (recorded by mistake)"),
}


def _readable(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The audit for a person at the terminal: local time to the minute, actions in words."""
    from datetime import datetime

    return [
        {
            **row,
            "at": datetime.fromisoformat(row["at"]).astimezone().strftime("%Y-%m-%d %H:%M"),
            "action": _(ACTIONS[row["action"]]) if row["action"] in ACTIONS else row["action"],
        }
        for row in rows
    ]


AUDIT = View(
    "audit",
    ("id", "at", "actor", "action", "entity", "entity_id"),
    (
        ("at", N_("When")),
        ("actor", N_("Who")),
        ("action", N_("What")),
        ("entity", N_("Record")),
        ("entity_id", N_("ID")),
    ),
    empty=N_("Nothing recorded."),
    many=True,
    for_table=_readable,
)


def scrubbed(result: service.Erased | service.Purged) -> None:
    """How many follow-up notes an erasure rewrote (erase, withdraw-consent and purge)."""
    if result["followups_scrubbed"]:
        message(
            ngettext(
                "{n} follow-up note of their groups mentioned them; it now reads "
                "'(removed at erasure)'.",
                "{n} follow-up notes of their groups mentioned them; they now read "
                "'(removed at erasure)'.",
                result["followups_scrubbed"],
            ).format(n=result["followups_scrubbed"])
        )


def checkpoint_owed(result: service.Erased | service.Purged) -> None:
    """Where the erased bytes are while another program keeps shg from emptying the WAL."""
    if result["checkpointed"] is False:
        db = resolve_path(state["db"])
        message(
            _(
                "What was erased is gone from the register, but old copies of its bytes "
                "remain in {db} and {db}-wal until the program that holds the file open (a "
                "database browser, another tool) lets go of it. shg finishes the job at the next "
                "command that writes; `shg db check` shows whether it is still owed."
            ).format(db=db)
        )


def _ids(ids: list[int]) -> str:
    return ", ".join(map(str, ids)) or "–"


@formats
def purge(
    dry_run: Annotated[bool, typer.Option("--dry-run", help=_("Only show what would go."))] = False,
    archive_to: Annotated[
        Path | None,
        typer.Option(
            "--archive-to",
            metavar="PATH",
            help=_("First write what is removed to this private file."),
            show_default=False,
        ),
    ] = None,
    fmt: Format = Format.TABLE,
) -> None:
    """Apply the retention rules: expire unconfirmed waiting registrations, erase old identities."""
    with store() as db:
        result = service.purge(db, today(), dry_run, archive_to)
    if fmt is not Format.TABLE:
        render(PURGED, result, fmt)
        return
    expired, erased = result["expired"], result["erased"]
    if dry_run:
        message(
            ngettext(
                "Would expire {n} waiting registration: {ids}",
                "Would expire {n} waiting registrations: {ids}",
                len(expired),
            ).format(n=len(expired), ids=_ids(expired))
        )
        message(
            _("Would erase the identities behind registrations: {ids}").format(ids=_ids(erased))
        )
    else:
        message(
            ngettext(
                "Expired {n} waiting registration: {ids}",
                "Expired {n} waiting registrations: {ids}",
                len(expired),
            ).format(n=len(expired), ids=_ids(expired))
        )
        message(_("Erased the identities behind registrations: {ids}").format(ids=_ids(erased)))
    if result["archive"]:
        message(_("Archived to {path}.").format(path=result["archive"]))
    scrubbed(result)
    checkpoint_owed(result)


@formats
def audit(
    since: Annotated[
        str | None,
        typer.Option(metavar="DATE", help=_("Only from this day, YYYY-MM-DD."), show_default=False),
    ] = None,
    person: Annotated[
        int | None,
        typer.Option(
            metavar="REGISTRATION",
            help=_("Only the records of the person behind this registration."),
            show_default=False,
        ),
    ] = None,
    fmt: Format = Format.TABLE,
) -> None:
    """Who changed what and when (record ids only, never names)."""
    with store() as db:
        rows = service.list_audit(db, when(since, "since") if since else None, person)
    render(AUDIT, rows, fmt)
