"""`shg db`: check, back up, restore and describe the database file."""

from pathlib import Path
from typing import Annotated

import typer

from shgroups import dates
from shgroups.cli.common import JsonOpt, store
from shgroups.cli.output import fields, message, print_json
from shgroups.errors import StorageError
from shgroups.i18n import _, ngettext
from shgroups.services import maintenance as service

app = typer.Typer(help=_("The database file: check, backup, restore, info."), no_args_is_help=True)


@app.command("check")
def check(as_json: JsonOpt = False) -> None:
    """Check integrity, foreign keys, file modes, schema version and file system."""
    with store() as db:
        report = service.check(db)
    if as_json:
        print_json(report)
    else:
        fields(
            [
                (_("Database"), report["db"]),
                (_("Schema version"), report["schema_version"]),
                (_("Integrity"), report["integrity"]),
            ]
        )
        for finding in report["findings"]:
            message(f"- {finding}")
    if not report["ok"]:
        raise StorageError(
            ngettext(
                "the check found {n} problem",
                "the check found {n} problems",
                len(report["findings"]),
            ).format(n=len(report["findings"])),
            _(
                "fix what is listed; if the file is damaged, restore the last good backup with "
                "`shg db restore`"
            ),
        )
    if not as_json:
        message(_("All good."))


@app.command("backup")
def backup(
    path: Annotated[
        Path | None,
        typer.Argument(
            help=_(
                "Where to write it (default: a dated file beside the database, "
                "or in $SHG_BACKUP_DIR)."
            ),
            show_default=False,
        ),
    ] = None,
    keep: Annotated[
        int | None,
        typer.Option(help=_("Keep only the newest N dated backups."), show_default=False),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Write a consistent, private copy of the live database."""
    with store() as db:
        result = service.backup(db, path, keep)
    if as_json:
        print_json(result)
        return
    message(_("Backed up to {backup} ({size} bytes).").format(**result))
    for old in result["removed"]:
        message(_("Removed old backup {path}.").format(path=old))


@app.command("restore")
def restore(
    path: Annotated[Path, typer.Argument(help=_("The backup to restore."), show_default=False)],
    yes: Annotated[bool, typer.Option("--yes", help=_("Do not ask for confirmation."))] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help=_("Restore a backup that cannot be shown to be this register's."),
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Replace the register with a backup (verified first; the current one is kept as a
    backup, its audit carried across and its erasures done again)."""
    service.verify_backup(path)
    if not yes:
        typer.confirm(
            _("Replace the register with {path}?").format(path=path), abort=True, err=True
        )
    with store() as db:
        result = service.restore(db, path, dates.today(), force)
    if as_json:
        print_json(result)
        return
    message(
        _(
            "Restored {db} from {restored_from}; the previous state is kept in {previous_kept_as}."
        ).format(**result)
    )
    if result["erased_again"]:
        message(
            ngettext(
                "{n} registration whose person had been erased since that backup was erased "
                "again: {ids}.",
                "{n} registrations whose person had been erased since that backup were erased "
                "again: {ids}.",
                len(result["erased_again"]),
            ).format(n=len(result["erased_again"]), ids=", ".join(map(str, result["erased_again"])))
        )
    if not result["same_register"]:
        message(
            _(
                "The backup is not known to be this register's: erasures recorded here were not "
                "re-applied. Check who is in it with `shg intake list`."
            )
        )


@app.command("info")
def info(as_json: JsonOpt = False) -> None:
    """Where the database is, its size, schema version, rows per table and the last backup."""
    with store() as db:
        result = service.info(db)
    if as_json:
        print_json(result)
        return
    fields(
        [
            (_("Database"), result["db"]),
            (_("Size"), f"{result['size']} bytes"),
            (_("Schema version"), result["schema_version"]),
            (_("Backups in"), result["backup_folder"]),
            (
                _("Last backup"),
                result["last_backup"] and f"{result['last_backup']} ({result['last_backup_at']})",
            ),
        ]
    )
    fields([(table, count) for table, count in result["counts"].items()], title=_("Rows"))
