"""`shg person`, `shg purge`, `shg audit`: a person's rights and the county's duties."""

from pathlib import Path
from typing import Annotated, Any

import typer

from shgroups.cli.common import JsonOpt, state, store, when
from shgroups.cli.output import message, print_json, rows_out
from shgroups.dates import today
from shgroups.i18n import _, ngettext
from shgroups.services import persons as service
from shgroups.storage import resolve_path

app = typer.Typer(
    help=_("One person's data: export it (right of access), erase it, withdraw consent."),
    no_args_is_help=True,
)

IdArg = Annotated[
    int,
    typer.Argument(
        help=_("Any registration id of the person (the one intake add printed)."),
        show_default=False,
    ),
]
YesOpt = Annotated[bool, typer.Option("--yes", help=_("Do not ask for confirmation."))]


@app.command("export")
def export(
    reg_id: IdArg,
    out: Annotated[
        Path | None,
        typer.Option(
            help=_(
                "Write JSON to this file and readable text beside it (.txt), both private (0600)."
            ),
            show_default=False,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Everything held about one person: identity, registrations, groups, audit entries."""
    with store() as db:
        export = service.export_person(db, reg_id, today(), out)
    if not export.audited:
        message(
            _(
                "Warning: this access could not be recorded in the audit, because the database "
                "file is read-only. Note the export yourself; `shg audit` will not show it."
            )
        )
    if out is not None:
        message(_("Wrote {files}.").format(files=" and ".join(map(str, export.files))))
    elif as_json:
        print_json(export.doc)
    else:
        print(service.export_text(export.doc), end="")


def _confirm(yes: bool, question: str) -> None:
    if not yes:
        typer.confirm(question, abort=True, err=True)


def _erased(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(result)
        return
    message(
        _("Erased the name, contact details and notes of registrations {ids}.").format(
            ids=", ".join(map(str, result["registrations"]))
        )
    )
    _scrubbed(result)
    _checkpoint_owed(result)


def _scrubbed(result: dict[str, Any]) -> None:
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


def _checkpoint_owed(result: dict[str, Any]) -> None:
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


@app.command("erase")
def erase(reg_id: IdArg, yes: YesOpt = False, as_json: JsonOpt = False) -> None:
    """Erase who a person is (name, contact, notes) for good; statistics facts stay."""
    _confirm(yes, _("Erase the identity behind registration {id} for good?").format(id=reg_id))
    with store() as db:
        _erased(service.erase_person(db, reg_id, today()), as_json)


@app.command("withdraw-consent")
def withdraw_consent(reg_id: IdArg, yes: YesOpt = False, as_json: JsonOpt = False) -> None:
    """The person withdraws consent: their identity is erased."""
    _confirm(
        yes, _("Consent withdrawn for registration {id}: erase the identity?").format(id=reg_id)
    )
    with store() as db:
        _erased(service.withdraw_consent(db, reg_id, today()), as_json)


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
    _scrubbed(result)
    _checkpoint_owed(result)


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
