"""`shg purge` and `shg audit`: the county's duties over the whole register (retention rules,
and the record of who changed what), beside `shg person` for one person's rights."""

from pathlib import Path
from typing import Annotated, Any

import typer

from shgroups.cli.common import JsonOpt, state, store, when
from shgroups.cli.output import message, print_json, rows_out
from shgroups.dates import today
from shgroups.i18n import _, ngettext
from shgroups.services import persons as service
from shgroups.storage import resolve_path


def scrubbed(result: dict[str, Any]) -> None:
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


def checkpoint_owed(result: dict[str, Any]) -> None:
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


def purge(
    dry_run: Annotated[bool, typer.Option("--dry-run", help=_("Only show what would go."))] = False,
    archive_to: Annotated[
        Path | None,
        typer.Option(
            "--archive-to",
            help=_("First write what is removed to this private file."),
            show_default=False,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Apply the retention rules: expire unconfirmed waiting registrations, erase old identities."""
    with store() as db:
        result = service.purge(db, today(), dry_run, archive_to)
    if as_json:
        print_json(result)
        return
    verb = _("would") if dry_run else _("did")
    message(
        _("Retention ({verb}): {n} waiting registrations expire: {ids}").format(
            verb=verb, n=len(result["expired"]), ids=", ".join(map(str, result["expired"])) or "–"
        )
    )
    message(
        _("Retention ({verb}): identities erased for registrations: {ids}").format(
            verb=verb, ids=", ".join(map(str, result["erased"])) or "–"
        )
    )
    if result["archive"]:
        message(_("Archived to {path}.").format(path=result["archive"]))
    scrubbed(result)
    checkpoint_owed(result)


def audit(
    since: Annotated[
        str | None, typer.Option(help=_("Only from this day, YYYY-MM-DD."), show_default=False)
    ] = None,
    person: Annotated[
        int | None,
        typer.Option(
            help=_("Only the records of the person behind this registration id."),
            show_default=False,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Who changed what and when (record ids only, never names)."""
    with store() as db:
        rows = service.list_audit(db, when(since, "--since") if since else None, person)
    rows_out(
        rows,
        as_json,
        [
            ("at", _("When")),
            ("actor", _("Who")),
            ("action", _("What")),
            ("entity", _("Record")),
            ("entity_id", "ID"),
        ],
        empty=_("Nothing recorded."),
    )
