"""`shg db`: check, back up, restore and describe the database file."""

from pathlib import Path
from typing import Annotated, Any

import typer

from shgroups import dates
from shgroups.cli.common import YesOpt, ask, state, store
from shgroups.cli.output import Format, View, formats, message, render
from shgroups.cli.sealing import EncryptOpt, IdentityOpt, RecipientOpt, new_key, opened, said_sealed
from shgroups.errors import StorageError
from shgroups.i18n import N_, _, ngettext
from shgroups.services import maintenance as service
from shgroups.storage import Store

app = typer.Typer(help=_("The database file: check, backup, restore, info."), no_args_is_help=True)

# `shg init` makes the file these commands look after.
CHECKED = View(
    "db check",
    ("db", "ok", "integrity", "schema_version", "findings"),
    (
        ("db", N_("Database")),
        ("schema_version", N_("Schema version")),
        ("integrity", N_("Integrity")),
    ),
)
BACKED_UP = View(
    "db backup",
    ("backup", "size", "removed", "sealed", "audited"),
    said=(N_("Backed up to {backup} ({size} bytes)."),),
)
RESTORED = View(
    "db restore",
    (
        "db",
        "restored_from",
        "previous_kept_as",
        "same_register",
        "erased_again",
        "checkpointed",
        "damaged",
        "set_aside",
        "erasures_unknown",
    ),
    said=(
        N_("Restored {db} from {restored_from}; the previous state is kept in {previous_kept_as}."),
    ),
    note="`damaged`: the register was damaged, set aside (`set_aside`: its files, "
    "`previous_kept_as`: the file) and a new one built from the backup; `erasures_unknown`: "
    "the damaged register's record of erasures could not all be read",
)
RESTORED_DAMAGED = N_(
    "Restored {db} from {restored_from}: a new register built from the backup; the damaged "
    "one is set aside as {previous_kept_as}."
)


def _info_as_read(info: dict[str, Any]) -> dict[str, Any]:
    last = info["last_backup"] and f"{info['last_backup']} ({info['last_backup_at']})"
    size = ngettext("{n} byte", "{n} bytes", info["size"]).format(n=info["size"])
    return {**info, "size": size, "last_backup": last}


INFO = View(
    "db info",
    (
        "db",
        "size",
        "schema_version",
        "counts",
        "backup_folder",
        "last_backup",
        "last_backup_at",
    ),
    (
        ("db", N_("Database")),
        ("size", N_("Size")),
        ("schema_version", N_("Schema version")),
        ("backup_folder", N_("Backups in")),
        ("last_backup", N_("Last backup")),
    ),
    for_table=_info_as_read,
    note="`counts`: rows per table",
)
ROWS = View(
    "",
    ("table", "rows"),
    (("table", N_("Table")), ("rows", N_("Rows"))),
    for_table=lambda counts: [{"table": t, "rows": n} for t, n in counts.items()],
    many=True,
)


@app.command(
    "check", help=_("Check integrity, foreign keys, file modes, schema version and file system.")
)
@formats
def check(fmt: Format = Format.TABLE) -> None:
    from shgroups.storage import resolve_path

    latest: list[Path] = []
    path = resolve_path(state["db"])
    try:
        with store() as db:
            report = service.check(db)
            if report["integrity"] == "damaged":
                latest = _newest_backup(db)
    except StorageError as exc:  # opening it failed
        if exc.code != "db.damaged":
            raise
        # Too damaged to be opened: the one finding is the error itself.
        report = service.damaged_check(path, service.damage(path) or exc.message)
        render(CHECKED, report, fmt)
        raise StorageError(
            report["findings"][0],
            _check_hint(report, [], service.backup_folder(path)),
            code="db.check_failed",
        ) from None
    render(CHECKED, report, fmt)
    if fmt is Format.TABLE:  # the findings are the report (stdout); stderr starts with Error
        for finding in report["findings"]:
            print(f"- {finding}")
    if not report["ok"]:
        raise StorageError(
            ngettext(
                "the check found {n} problem",
                "the check found {n} problems",
                len(report["findings"]),
            ).format(n=len(report["findings"])),
            _check_hint(report, latest, service.backup_folder(path)),
            code="db.check_failed",
        )
    if fmt is Format.TABLE:
        message(_("All good."))


def _newest_backup(db: Store) -> list[Path]:
    """The register's newest dated backup, if it can still be told which it is."""
    import sqlite3

    try:
        return service.backups(db)[:1]
    except sqlite3.Error:
        return []


def _check_hint(report: service.Checked, latest: list[Path], folder: Path) -> str:
    if report["integrity"] != "damaged":
        return _(
            "fix what is listed; if the file is damaged, restore the last good backup: "
            "`shg db restore PATH`"
        )
    if latest:
        return _(
            "restore the last good backup: `shg db restore PATH` (the newest backup of this "
            "register is {path}); the damaged file is set aside, not deleted"
        ).format(path=latest[0])
    return _(
        "restore the last good backup: `shg db restore PATH` (backups are made in {folder}); "
        "the damaged file is set aside, not deleted"
    ).format(folder=folder.absolute())


@app.command("backup", help=_("Write a consistent, private copy of the live database."))
@formats
def backup(
    path: Annotated[
        Path | None,
        typer.Argument(
            metavar=_("PATH"),
            help=_(
                "Where to write it (default: a dated file beside the database, "
                "or in $SHG_BACKUP_DIR)."
            ),
            show_default=False,
        ),
    ] = None,
    keep: Annotated[
        int | None,
        typer.Option(
            metavar=_("N"), help=_("Keep only the newest N dated backups."), show_default=False
        ),
    ] = None,
    encrypt: EncryptOpt = False,
    recipient: RecipientOpt = None,
    fmt: Format = Format.TABLE,
) -> None:
    key = new_key(encrypt, recipient)
    with store() as db:
        result = service.backup(db, path, keep, key)
    render(BACKED_UP, result, fmt)
    if fmt is Format.TABLE:
        for old in result["removed"]:
            message(_("Removed old backup {path}.").format(path=old))
    if result["sealed"]:
        said_sealed(key, result["audited"])


def _local(at: str) -> str:
    """A recorded time (UTC, or local for a file's time) as local time to the minute."""
    from datetime import datetime

    return datetime.fromisoformat(at).astimezone().strftime("%Y-%m-%d %H:%M")


def _restore_question(shown: service.ToRestore) -> str:
    """What the backup holds beside what the register holds now, as a small table."""
    rows = [
        (_("Registrations"), shown["backup_registrations"], shown["registrations"]),
        (_("Groups"), shown["backup_groups"], shown["groups"]),
    ]
    width = max(len(label) for label, _b, _n in rows)
    lines = [
        _(
            "This replaces the register with the backup {path}, last changed {at}; the register "
            "as it is now is kept as a backup first."
        ).format(path=shown["backup"], at=_local(shown["backup_at"])),
        f"  {'':<{width}}  {_('Backup'):>8}  {_('Now'):>8}",
        *(f"  {label:<{width}}  {b:>8}  {n:>8}" for label, b, n in rows),
    ]
    return "\n".join(lines)


@app.command(
    "restore",
    help=_(
        "Replace the register with a verified backup; keeps the current one and"
        " its erasures.\n\nShows what the backup holds beside the register now, "
        "and asks first (--yes: do not ask). The current register is kept as a "
        "backup, its audit carried across and its erasures done again on the "
        "restored rows. A damaged register is set aside under a new name (never"
        " deleted) and a new one built from the backup in its place."
    ),
)
@formats
def restore(
    path: Annotated[
        Path,
        typer.Argument(metavar=_("PATH"), help=_("The backup to restore."), show_default=False),
    ],
    yes: YesOpt = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help=_("Restore a backup that cannot be shown to be this register's."),
        ),
    ] = False,
    identity: IdentityOpt = None,
    fmt: Format = Format.TABLE,
) -> None:
    from contextlib import nullcontext

    from shgroups.cli.retention import writable
    from shgroups.storage import resolve_path

    register = resolve_path(state["db"])
    found = service.damage(register)
    plaintext = opened(path, identity)  # a sealed backup, opened in memory; else None
    with service.unsealed(path, plaintext) if plaintext is not None else nullcontext():
        del plaintext
        if found is not None:
            _restore_damaged(register, path, found, yes, force, fmt)
            return
        with store() as db:
            shown = service.restore_preview(db, path, force)
            writable(db)
            ask(_restore_question(shown), yes)
            result = service.restore(db, path, dates.today(), force)
    render(RESTORED, result, fmt)
    if fmt is Format.TABLE:
        _said_after_restore(result)


def _said_after_restore(result: service.Restored) -> None:
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


def _damaged_question(shown: service.ToRestoreDamaged) -> str:
    rows = [
        (_("Registrations"), shown["backup_registrations"]),
        (_("Groups"), shown["backup_groups"]),
    ]
    width = max(len(label) for label, _n in rows)
    return "\n".join(
        [
            _(
                "The register is damaged ({damage}). This builds a new register from the backup "
                "{path}, last changed {at}, and puts it in the damaged one's place; the damaged "
                "files are set aside as {aside}, not deleted."
            ).format(
                damage=shown["damage"],
                path=shown["backup"],
                at=_local(shown["backup_at"]),
                aside=shown["set_aside_as"],
            ),
            f"  {'':<{width}}  {_('Backup'):>8}",
            *(f"  {label:<{width}}  {n:>8}" for label, n in rows),
        ]
    )


def _restore_damaged(
    register: Path, path: Path, found: str, yes: bool, force: bool, fmt: Format
) -> None:
    """`db restore` when the register is damaged: a new one from the backup, the damaged
    files set aside."""
    shown = service.damaged_preview(register, path, found, dates.today(), force)
    ask(_damaged_question(shown), yes)
    result = service.restore_damaged(register, path, dates.today(), force)
    render(RESTORED._replace(said=(RESTORED_DAMAGED,)), result, fmt)
    if fmt is not Format.TABLE:
        return
    message(
        _(
            "The damaged register is kept as {files}: it still holds personal data. Delete it "
            "once `shg db check` finds the restored register good."
        ).format(files=", ".join(result["set_aside"]))
    )
    _said_after_restore(result)
    if result["erasures_unknown"]:
        message(
            _(
                "The damaged register's record of erasures could not all be read: anyone erased "
                "since the backup ({at}) may be back in the register. Check, and erase them "
                "again with `shg person erase ID`."
            ).format(at=_local(shown["backup_at"]))
        )


@app.command(
    "info",
    help=_("Where the database is, its size, schema version, rows per table and the last backup."),
)
@formats
def info(fmt: Format = Format.TABLE) -> None:
    with store() as db:
        result = service.info(db)
    render(INFO, result, fmt)
    if fmt is Format.TABLE:
        render(ROWS, result["counts"], fmt)
