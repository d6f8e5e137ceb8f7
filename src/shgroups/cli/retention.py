"""`shg purge` and `shg audit`: the county's duties over the whole register (retention rules,
and the record of who changed what), beside `shg person` for one person's rights."""

from pathlib import Path
from typing import Annotated, Any

import typer

from shgroups.cli.common import YesOpt, ask, state, store, when
from shgroups.cli.output import Format, View, formats, message, render
from shgroups.dates import today
from shgroups.enums import action_label
from shgroups.i18n import N_, _, ngettext
from shgroups.services import persons as service
from shgroups.storage import Store, resolve_path

# Two commands of the root (`shg purge`, `shg audit`), declared here; cli/__init__ takes each
# by its name from this app.
commands = typer.Typer()

PURGED = View(
    "purge",
    (
        "dry_run",
        "expired",
        "erased",
        "archive",
        "checkpointed",
        "followups_scrubbed",
        "identities",
        "identities_expired",
        "identities_left",
        "unconfirmed_before",
        "left_before",
    ),
    note="`expired`, `erased`: registration ids; `identities`: people erased, of whom "
    "`identities_expired` because a registration expired and `identities_left` because they "
    "left before `left_before`; waiting registrations last confirmed before "
    "`unconfirmed_before` expire",
)


def _readable(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The audit for a person at the terminal: local time to the minute, actions in words."""
    from datetime import datetime

    return [
        {
            **row,
            "at": datetime.fromisoformat(row["at"]).astimezone().strftime("%Y-%m-%d %H:%M"),
            "action": action_label(row["action"]),
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


def writable(db: Store) -> None:
    """Before asking: a read-only register refuses now, not after the coordinator said yes."""
    if db.read_only:
        with db.write():  # refuses, with the plain message every write meets
            pass


FEW = 5  # ids shown on screen; --json lists them all


def _first(ids: list[int]) -> str:
    shown = ", ".join(map(str, ids[:FEW]))
    return shown + ", …" if len(ids) > FEW else shown


def _summary(result: service.Purged, done: bool) -> list[str]:
    """What a purge removes, in a few lines: how many, of which kind, the first ids."""
    lines = []
    expired, erased, people = result["expired"], result["erased"], result["identities"]
    if expired:
        lines.append(
            (
                ngettext(
                    "Expired {n} waiting registration last confirmed before {date}: {ids}",
                    "Expired {n} waiting registrations last confirmed before {date}: {ids}",
                    len(expired),
                )
                if done
                else ngettext(
                    "Would expire {n} waiting registration last confirmed before {date}: {ids}",
                    "Would expire {n} waiting registrations last confirmed before {date}: {ids}",
                    len(expired),
                )
            ).format(n=len(expired), date=result["unconfirmed_before"], ids=_first(expired))
        )
    if people:
        lines.append(
            (
                ngettext(
                    "Erased the name and contact details of {n} person (registrations {ids}):",
                    "Erased the names and contact details of {n} people (registrations {ids}):",
                    people,
                )
                if done
                else ngettext(
                    "Would erase the name and contact details of {n} person (registrations {ids}):",
                    "Would erase the names and contact details of {n} people "
                    "(registrations {ids}):",
                    people,
                )
            ).format(n=people, ids=_first(erased))
        )
        if result["identities_expired"]:
            n = result["identities_expired"]
            lines.append(
                ngettext(
                    "  {n} whose waiting registration expired",
                    "  {n} whose waiting registration expired",
                    n,
                ).format(n=n)
            )
        if result["identities_left"]:
            n = result["identities_left"]
            lines.append(
                ngettext("  {n} who left before {date}", "  {n} who left before {date}", n).format(
                    n=n, date=result["left_before"]
                )
            )
    if not lines:
        lines.append(_("Nothing was purged.") if done else _("Nothing would be purged."))
    return lines


@commands.command(
    "purge",
    help=_(
        "Apply the retention rules: expire unconfirmed waiting registrations, erase old "
        "identities.\n\nWithout --dry-run it shows what goes and asks first (--yes: do not ask)."
    ),
)
@formats
def purge(
    dry_run: Annotated[bool, typer.Option("--dry-run", help=_("Only show what would go."))] = False,
    archive_to: Annotated[
        Path | None,
        typer.Option(
            "--archive-to",
            metavar=_("PATH"),
            help=_("First write what is removed to this private file."),
            show_default=False,
        ),
    ] = None,
    yes: YesOpt = False,
    fmt: Format = Format.TABLE,
) -> None:
    with store() as db:
        if dry_run:
            result = service.purge(db, today(), True)
        elif yes:  # what went is said afterwards, in the same words
            result = service.purge(db, today(), False, archive_to)
        else:
            preview = service.purge(db, today(), True)
            if preview["expired"] or preview["erased"]:
                writable(db)
                service.archive_free(archive_to)
                ask("\n".join(_summary(preview, done=False)), yes)
            result = service.purge(db, today(), False, archive_to, expected=preview)
    if fmt is not Format.TABLE:
        render(PURGED, result, fmt)
        return
    for line in _summary(result, done=not dry_run):
        message(line)
    if dry_run and max(len(result["expired"]), len(result["erased"])) > FEW:
        message(_("Every id: shg purge --dry-run --json"))
    if result["archive"]:
        message(_("Archived to {path}.").format(path=result["archive"]))
    scrubbed(result)
    checkpoint_owed(result)


@commands.command("audit", help=_("Who changed what and when (record ids only, never names)."))
@formats
def audit(
    since: Annotated[
        str | None,
        typer.Option(
            metavar=_("DATE"), help=_("Only from this day, YYYY-MM-DD."), show_default=False
        ),
    ] = None,
    person: Annotated[
        int | None,
        typer.Option(
            metavar=_("REGISTRATION"),
            help=_("Only the records of the person behind this registration."),
            show_default=False,
        ),
    ] = None,
    fmt: Format = Format.TABLE,
) -> None:
    with store() as db:
        rows = service.list_audit(db, when(since, "since") if since else None, person)
    render(AUDIT, rows, fmt)
