"""`shg import`: a spreadsheet read into the register — a coordinator's old sheet (.xlsx,
.ods, .csv), or a workbook `shg export` wrote — every row checked by the rules of `intake
add`, all of them written in one transaction or none. The reading, the table of headers and
the checks are in services/importing.py."""

from pathlib import Path
from typing import Annotated, Any

import typer

from shgroups.cli.common import store, when
from shgroups.cli.output import Format, View, formats, message, render
from shgroups.cli.sealing import IdentityOpt, opened
from shgroups.dates import today
from shgroups.errors import InvalidInput
from shgroups.i18n import _, ngettext
from shgroups.text import visible

# A command of the root (`shg import`); cli/__init__ takes it by its name from this app.
commands = typer.Typer()

IMPORTED = View(
    "import",
    (
        "file",
        "sheet",
        "native",
        "header_row",
        "columns",
        "ignored",
        "new_themes",
        "new_areas",
        "rows",
        "added",
        "known",
        "groups",
        "errors",
        "problems",
        "consent_needed",
        "dry_run",
        "written",
    ),
    parts=(
        ("columns", View("", ("column", "field"), many=True)),
        ("errors", View("", ("row", "column", "message"), many=True)),
    ),
    note=(
        "`columns`: each column read and the field it fills; `ignored`: the headers not "
        "recognised; `native`: shg's own export, restored whole; `known`: rows already "
        "registered, nothing added for them; `errors`: each failing row (numbered as the "
        "spreadsheet shows it) and column; `problems`: what concerns the whole file; "
        "`consent_needed`: the county records consent and --consent-given-on was not given; "
        "`written`: false after a dry run or any error"
    ),
)


def _say(text: str) -> None:
    print(visible(text))


def _report(report: Any) -> None:
    """The report a person reads: the mapping used first, then what was found."""
    if report["native"]:
        _say(_("shg's own export: every sheet is read by its column keys."))
    else:
        _say(
            _("Sheet {sheet}, headers in row {row}. Columns read:").format(
                sheet=report["sheet"], row=report["header_row"]
            )
        )
        for mapped in report["columns"]:
            _say(f"  {mapped['column']} → {mapped['field']}")
        if report["ignored"]:
            _say(
                _(
                    "Columns ignored (not recognised; --map 'COLUMN=field' reads one): {columns}"
                ).format(columns=", ".join(report["ignored"]))
            )
    if report["new_themes"]:
        _say(_("New themes: {names}").format(names=", ".join(report["new_themes"])))
    if report["new_areas"]:
        _say(_("New areas: {names}").format(names=", ".join(report["new_areas"])))
    for problem in report["problems"]:
        _say(problem)
    for error in report["errors"]:
        if error["column"]:
            _say(_("row {row}, {column}: {message}").format(**error))
        else:
            _say(_("row {row}: {message}").format(**error))


def _hint(report: Any) -> str:
    if report["consent_needed"]:
        return _(
            "give the day the people in the sheet consented with --consent-given-on DATE, "
            "and correct what else is listed above"
        )
    if report["problems"] and not report["errors"]:
        return _("say which column is which with --map 'COLUMN=field'")
    return _(
        "correct the rows listed above in the sheet and import it again; --rejects FILE "
        "writes just those rows to a CSV file to correct"
    )


@commands.command(
    "import",
    help=_(
        "Read a spreadsheet into the register: a coordinator's old sheet (.xlsx, .ods, .csv) or "
        "a workbook shg export wrote.\n\nColumns are recognised by their headers in Swedish, "
        "Norwegian and English; every row is checked as intake add checks it, and all rows are "
        "written or none. Run it with --dry-run first."
    ),
)
@formats
def import_(
    file: Annotated[
        Path,
        typer.Argument(
            metavar=_("FILE"),
            help=_(
                "The spreadsheet: .xlsx, .ods or .csv (; or , separated), or one sealed with "
                "age (.xlsx.age: its passphrase is asked, or give --identity)."
            ),
            show_default=False,
        ),
    ],
    sheet: Annotated[
        str | None,
        typer.Option(
            "--sheet", metavar=_("NAME"), help=_("The sheet to read (default: the first).")
        ),
    ] = None,
    maps: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar=_("COLUMN=FIELD"),
            help=_(
                "Read this column as this field (repeatable): name, first_name, last_name, "
                "phone, email, theme, area, registered_on, gender, birth_year, age, source, "
                "status, group, note."
            ),
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("Check every row and report; write nothing."))
    ] = False,
    consent_given_on: Annotated[
        str | None,
        typer.Option(
            "--consent-given-on",
            metavar=_("DATE"),
            help=_(
                "The day the people in the sheet consented after the information text "
                "(needed when the legal basis is consent)."
            ),
        ),
    ] = None,
    new_themes: Annotated[
        bool, typer.Option("--new-themes", help=_("Create the themes the register lacks."))
    ] = False,
    new_areas: Annotated[
        bool, typer.Option("--new-areas", help=_("Create the areas the register lacks."))
    ] = False,
    identity: IdentityOpt = None,
    rejects: Annotated[
        Path | None,
        typer.Option(
            "--rejects",
            metavar=_("PATH"),
            help=_(
                "Write the failing rows, with what is wrong, to this private CSV file, to "
                "correct and import again."
            ),
            show_default=False,
        ),
    ] = None,
    fmt: Format = Format.TABLE,
) -> None:
    from shgroups.services import importing as service

    options = service.Options(
        sheet=sheet,
        maps=tuple(maps or ()),
        dry_run=dry_run,
        consent_given_on=when(consent_given_on, "consent_given_on") if consent_given_on else None,
        new_themes=new_themes,
        new_areas=new_areas,
    )
    plain = opened(file, identity)  # a sealed file (FILE.xlsx.age), opened in memory
    with store() as db:
        outcome = service.import_file(db, file, options, today(), plain)
    report = outcome.report
    if fmt is Format.TABLE:
        _report(report)
    else:
        render(IMPORTED, report, fmt)
    if rejects is not None and outcome.rejected:
        written = service.write_rejects(rejects, outcome)
        message(
            ngettext(
                "Wrote {n} failing row to {path}.", "Wrote {n} failing rows to {path}.", written
            ).format(n=written, path=rejects)
        )
    failed = len({e["row"] for e in report["errors"]})
    if failed or report["problems"]:
        raise InvalidInput(
            ngettext(
                "{n} row cannot be imported; nothing was written",
                "{n} rows cannot be imported; nothing was written",
                failed,
            ).format(n=failed)
            if failed
            else _("the file cannot be imported; nothing was written"),
            _hint(report),
            code="import.failed",
            n=failed,
        )
    if report["dry_run"]:
        message(
            _(
                "Dry run: {rows} rows checked, {added} would be added, {known} are already "
                "registered; nothing was written."
            ).format(**report)
        )
    elif report["native"] and report["written"]:
        message(
            _(
                "Restored the register from shg's export: {added} registrations, {groups} groups."
            ).format(**report)
        )
        return
    elif report["added"] == 0:
        message(_("Nothing to add: all {known} rows are already registered.").format(**report))
    else:
        message(_("Imported {added} registrations ({known} already registered).").format(**report))
    if report["groups"]:
        message(
            ngettext(
                "{n} group started from the sheet.",
                "{n} groups started from the sheet.",
                report["groups"],
            ).format(n=report["groups"])
        )
