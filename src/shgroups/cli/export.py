"""`shg export`: the whole register in a workbook, or one CSV file a table in a folder, for a
handover or an archive (`--anonymous`: without identities and free text). What is exported
and how each sheet's columns are typed is declared in services/export.py."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from shgroups.cli.common import store
from shgroups.cli.output import message
from shgroups.cli.sealing import EncryptOpt, RecipientOpt, new_key, said_sealed
from shgroups.dates import today
from shgroups.i18n import _

# A command of the root (`shg export`); cli/__init__ takes it by its name from this app.
commands = typer.Typer()


class ExportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


@commands.command(
    "export",
    help=_(
        "The whole register for a handover or an archive: registrations with names and "
        "contact details, groups, members, sessions, follow-ups, themes, areas, staff and "
        "settings, one sheet each.\n\nA workbook (xlsx), or one CSV file a table in a folder; "
        "headers in the county's language, every file private (0600). --anonymous leaves out "
        "names, phone numbers, e-mail addresses and every note."
    ),
)
def export(
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            help=_("xlsx (one workbook) or csv (one file a table, in the folder --out names)."),
        ),
    ] = ExportFormat.XLSX,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar=_("PATH"),
            help=_(
                "The workbook, or the new or empty folder for the CSV files (default: "
                "shg-export-DATE.xlsx, or the folder shg-export-DATE, here)."
            ),
            show_default=False,
        ),
    ] = None,
    anonymous: Annotated[
        bool,
        typer.Option(
            "--anonymous",
            help=_(
                "Leave out every name, phone number, e-mail address and note (for research "
                "or an archive)."
            ),
        ),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help=_("Replace the workbook, or the CSV files in the folder, if they exist."),
        ),
    ] = False,
    encrypt: EncryptOpt = False,
    recipient: RecipientOpt = None,
) -> None:
    from shgroups.services import export as service

    day = today()
    sealing = encrypt or bool(recipient)
    target = out if out is not None else service.default_out(day, fmt.value, anonymous)
    if sealing:
        target = service.sealed_out(target, fmt.value)  # refused before a passphrase is asked
    key = new_key(encrypt, recipient)
    with store() as db:
        written = service.export(
            db, day, target, fmt.value, anonymous=anonymous, force=force, key=key
        )
    if not written["audited"]:
        message(
            _(
                "Warning: this export could not be recorded in the audit, because the database "
                "file is read-only. Note the export yourself; `shg audit` will not show it."
            )
        )
    rows = sum(written["sheets"].values())
    if fmt is ExportFormat.CSV:
        message(
            _("Wrote {n} CSV files ({rows} rows) into the folder {path}.").format(
                n=len(written["sheets"]) + 1, rows=rows, path=target
            )
        )
    else:
        message(
            _("Wrote {path}: {n} sheets, {rows} rows.").format(
                path=target, n=len(written["sheets"]) + 1, rows=rows
            )
        )
    if written["sealed"]:
        said_sealed(key, True)
    if not anonymous:
        message(
            _(
                "It holds names and contact details: keep it as carefully as the register, "
                "and delete it when it has been handed over."
            )
        )
