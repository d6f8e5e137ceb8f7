"""`shg person`: one person's rights (access, erasure, withdrawn consent)."""

from pathlib import Path
from typing import Annotated

import typer

from shgroups.cli.common import YesOpt, ask, store
from shgroups.cli.output import Format, View, formats, message, render
from shgroups.cli.retention import checkpoint_owed, scrubbed, writable
from shgroups.dates import today
from shgroups.i18n import _, counted, ngettext
from shgroups.services import persons as service
from shgroups.storage import Store

app = typer.Typer(
    help=_("One person's data: export it (right of access), erase it, withdraw consent."),
    no_args_is_help=True,
)

IdArg = Annotated[
    int,
    typer.Argument(
        metavar=_("REGISTRATION"),
        help=_("Any registration id of the person (the one intake add printed)."),
        show_default=False,
    ),
]

EXPORT = View(
    "person export",
    ("exported_on", "county", "registration", "person", "registrations", "groups", "audit"),
)
ERASED = View(
    "person erase, person withdraw-consent",
    ("registrations", "erased", "checkpointed", "followups_scrubbed"),
    said=(
        counted(
            "Erased the name, contact details and notes of registration {registrations}.",
            "Erased the name, contact details and notes of registrations {registrations}.",
            "n",
        ),
    ),
    for_table=lambda result: {**result, "n": len(result["registrations"])},
)


@app.command(
    "export",
    help=_("Everything held about one person: identity, registrations, groups, audit entries."),
)
@formats
def export(
    reg_id: IdArg,
    out: Annotated[
        Path | None,
        typer.Option(
            metavar=_("PATH"),
            help=_(
                "Write JSON to this file and readable text beside it (.txt), both private (0600)."
            ),
            show_default=False,
        ),
    ] = None,
    fmt: Format = Format.TABLE,
) -> None:
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
        data, readable = export.files
        message(_("Wrote {data} and {letter}.").format(data=data, letter=readable))
    elif fmt is Format.TABLE:  # a letter, not a table: what a person asked for reads as one
        print(export.letter, end="")
    else:
        render(EXPORT, export.doc, fmt)


def _ask(db: Store, reg_id: int, yes: bool, withdrawn: bool) -> list[int]:
    """Say whose identity goes and which registrations lose it, and ask; the registrations
    shown, for the erasure to check that they are still the person's."""
    shown = service.erasure_preview(db, reg_id)
    writable(db)
    ids = shown["registrations"]
    if withdrawn:
        what = ngettext(
            "Consent withdrawn: this erases for good the name, contact details and notes of "
            "{name!r}, the person behind registration {ids}. If waiting, it is withdrawn; if in "
            "a group, they leave it today. The facts stay for the statistics.",
            "Consent withdrawn: this erases for good the name, contact details and notes of "
            "{name!r}, the person behind {n} registrations: {ids}. Those waiting are withdrawn; "
            "they leave the groups they are in today. The facts stay for the statistics.",
            len(ids),
        )
    else:
        what = ngettext(
            "This erases for good the name, contact details and notes of {name!r}, the person "
            "behind registration {ids}. If waiting, it is withdrawn; if in a group, they leave "
            "it today. The facts stay for the statistics.",
            "This erases for good the name, contact details and notes of {name!r}, the person "
            "behind {n} registrations: {ids}. Those waiting are withdrawn; they leave the groups "
            "they are in today. The facts stay for the statistics.",
            len(ids),
        )
    ask(
        what.format(name=shown["name"], n=len(ids), ids=", ".join(map(str, ids))),
        yes,
        names_someone=True,
    )
    return ids


def _erased(result: service.Erased, fmt: Format) -> None:
    render(ERASED, result, fmt)
    if fmt is Format.TABLE:
        scrubbed(result)
        checkpoint_owed(result)


@app.command(
    "erase",
    help=_(
        "Erase who a person is (name, contact, notes) for good; statistics "
        "facts stay.\n\nShows whose identity goes and asks first (--yes: do not "
        "ask)."
    ),
)
@formats
def erase(reg_id: IdArg, yes: YesOpt = False, fmt: Format = Format.TABLE) -> None:
    with store() as db:
        shown = _ask(db, reg_id, yes, withdrawn=False)
        _erased(service.erase_person(db, reg_id, today(), expected=shown), fmt)


@app.command(
    "withdraw-consent",
    help=_(
        "The person withdraws consent: their identity is erased.\n\nShows whose "
        "identity goes and asks first (--yes: do not ask)."
    ),
)
@formats
def withdraw_consent(reg_id: IdArg, yes: YesOpt = False, fmt: Format = Format.TABLE) -> None:
    with store() as db:
        shown = _ask(db, reg_id, yes, withdrawn=True)
        _erased(service.withdraw_consent(db, reg_id, today(), expected=shown), fmt)
