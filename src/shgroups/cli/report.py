"""`shg report`: the yearly figures for the region, in the county's language (tables, a web
page with charts, a workbook) or as JSON and CSV for scripts, on stdout or in a private file
(`--out`).

The report's document is nested (sections of figures and tables), so it is laid out by
render/report.py rather than a `View`; JSON and CSV cells go through `cli/output.py` all the
same.
"""

import io
from contextlib import redirect_stdout
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from shgroups.cli.common import ReplaceOpt, store
from shgroups.cli.output import JsonFlag, json_bytes, message, table
from shgroups.dates import today
from shgroups.errors import InvalidInput
from shgroups.i18n import _, speaking
from shgroups.render import report as layout
from shgroups.render.cells import csv_cell

commands = typer.Typer()

# --- the tables a person reads --------------------------------------------------------------


def _table_text(doc: dict[str, Any]) -> None:
    from rich.console import Console

    console = Console(highlight=False)
    shown = layout.Shown(doc)
    now, before = layout.heads(doc)
    console.print(layout.title(doc), style="bold", markup=False)
    console.print(layout.period_line(doc), markup=False)
    columns = [("key", ""), ("current", now), ("previous", before)]

    def rows(lines: list[layout.Line]) -> list[dict[str, str]]:
        return [dict(zip(("key", "current", "previous"), line, strict=True)) for line in lines]

    for section, title, _figures in layout.SECTIONS:
        console.print()
        console.print(_(title).upper(), style="bold", markup=False)
        singles = layout.single_lines(doc, section, shown)
        if singles:
            table(rows(singles), columns)
        for _section, name, label, found in layout.tables(doc, section):
            console.print()
            table(rows(layout.table_lines(name, found, shown)), [("key", _(label)), *columns[1:]])
    notes = shown.notes()
    if notes:
        console.print()
        for note in notes:
            console.print(note, markup=False)


class ReportFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"
    HTML = "html"


def rendered(doc: dict[str, Any], fmt: ReportFormat) -> str | bytes:
    """The report in `fmt`: text, or a workbook's bytes; for people in the county's language."""
    if fmt is ReportFormat.JSON:
        return json_bytes(doc).decode("utf-8") + "\n"
    if fmt is ReportFormat.CSV:
        import csv

        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        for row in layout.csv_rows(doc):
            writer.writerow([csv_cell(cell) for cell in row])
        return text.getvalue()
    with speaking(doc["language"]):
        if fmt is ReportFormat.HTML:
            return layout.html(doc)
        if fmt is ReportFormat.XLSX:
            return layout.xlsx(doc)
        out = io.StringIO()
        with redirect_stdout(out):
            _table_text(doc)
        return out.getvalue()


@commands.command(
    "report",
    help=_(
        "The yearly figures for the region: registrations, waiting, groups, participants, "
        "follow-ups, each beside the period before. Counts below min_cell are never shown."
        "\n\nDefault: the last full calendar year. In the county's language."
    ),
)
def report(
    year: Annotated[
        int | None,
        typer.Option(
            metavar=_("YEAR"),
            help=_("A calendar year that has ended (default: last year)."),
            show_default=False,
        ),
    ] = None,
    period_from: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar=_("DATE"),
            help=_("Instead of a year, the first day of the period, YYYY-MM-DD (with --to)."),
            show_default=False,
        ),
    ] = None,
    period_to: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar=_("DATE"),
            help=_("The last day of the period, YYYY-MM-DD or today (with --from)."),
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            metavar=_("PATH"),
            help=_("Write the report to this private file (0600) instead of the screen."),
            show_default=False,
        ),
    ] = None,
    force: ReplaceOpt = False,
    fmt: Annotated[
        ReportFormat,
        typer.Option(
            "--format",
            help=_(
                "table (for people), html (a web page with charts), xlsx (a workbook, with "
                "--out), json (for scripts) or csv."
            ),
            show_default=False,
        ),
    ] = ReportFormat.TABLE,
    as_json: JsonFlag = False,
) -> None:
    if as_json:
        fmt = ReportFormat.JSON
    if fmt is ReportFormat.XLSX and out is None:
        raise InvalidInput(
            _("a workbook is a file: give --out, e.g. --out report.xlsx"),
            _("or choose --format html, table or csv to see the report here"),
            code="report.xlsx_needs_out",
            field="format",
        )
    from shgroups.services import report as service

    day = today()
    current, previous = service.periods(day, year, period_from, period_to)
    with store() as db:
        if out is None:
            doc = service.report(db, day, current, previous)
        else:
            doc = service.write_report(
                db, day, current, previous, out, lambda d: rendered(d, fmt), force=force
            )
    if out is None:
        print(rendered(doc, fmt), end="")  # text: a workbook always goes to a file
    else:
        message(_("Wrote the report to {path}.").format(path=out))
