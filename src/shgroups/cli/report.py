"""`shg report`: the yearly figures for the region, in the county's language (tables) or as
JSON and CSV for scripts, on stdout or in a private file (`--out`).

The report's document is nested (sections of figures and tables), so it has a renderer of its
own here rather than a `View`; JSON and CSV cells go through `cli/output.py` all the same.
"""

import io
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path
from typing import Annotated, Any

import typer

from shgroups.cli.common import store
from shgroups.cli.output import Format, csv_cell, formats, message, print_json, table
from shgroups.dates import today
from shgroups.i18n import N_, _, speaking

commands = typer.Typer()

# Each section of the report and its figures, in the order shown: (key, label marked with
# N_). A figure whose key ends in `_share` is a fraction shown as a percentage; `by_…` are
# tables.
SECTIONS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "registrations",
        N_("Registrations received"),
        (
            ("total", N_("Registrations received")),
            ("by_month", N_("By month")),
            ("by_source", N_("How they found us")),
            ("by_theme", N_("By theme")),
            ("by_area", N_("By area")),
        ),
    ),
    (
        "waiting",
        N_("Waiting for a group"),
        (
            ("at_end", N_("Waiting at the end of the period")),
            ("days_waited_median", N_("Days they had waited then (median)")),
            ("placed", N_("Placed in a group during the period")),
            ("days_to_placement_median", N_("Days from registration to a group (median)")),
            ("days_to_placement_p90", N_("Days from registration to a group (90th percentile)")),
        ),
    ),
    (
        "groups",
        N_("Groups"),
        (
            ("started", N_("Started during the period")),
            ("running_at_end", N_("Running at the end of the period")),
            ("ended", N_("Ended during the period")),
            ("most_running", N_("Most running on one day")),
            ("average_running", N_("Running on an average day")),
        ),
    ),
    (
        "survival",
        N_("How long groups last"),
        (
            ("six_months_groups", N_("Groups started that are 6 months old by now")),
            ("six_months_share", N_("Of those, still running at 6 months")),
            ("twelve_months_groups", N_("Groups started that are 12 months old by now")),
            ("twelve_months_share", N_("Of those, still running at 12 months")),
            ("days_to_end_median", N_("Days from start to end of the groups that ended (median)")),
        ),
    ),
    (
        "participants",
        N_("Participants"),
        (
            ("total", N_("Registrations in a group during the period")),
            ("women_share", N_("Share of women (of those whose gender is known)")),
            ("by_age", N_("By age")),
            ("by_theme", N_("By the group's theme")),
            ("by_area", N_("By the group's area")),
        ),
    ),
    (
        "outcomes",
        N_("Referred and withdrawn"),
        (
            ("referred", N_("Referred elsewhere")),
            ("withdrawn", N_("Left the queue without a group")),
        ),
    ),
    (
        "sessions",
        N_("Starter sessions of the groups started"),
        (("planned", N_("Planned")), ("held", N_("Held"))),
    ),
    (
        "followups",
        N_("Follow-ups"),
        (
            ("done", N_("Done")),
            ("on_time_share", N_("Done within 7 days of the day they were due")),
        ),
    ),
)

AGES = {"-29": "–29", "30-44": "30–44", "45-64": "45–64", "65-": "65–"}
_LOCALES = {"sv": "sv_SE", "nb": "nb_NO", "en": "en_GB"}


def _is_table(value: Any) -> bool:
    return isinstance(value, dict) and "rows" in value


# --- JSON and CSV -------------------------------------------------------------------------------


def csv_rows(doc: dict[str, Any]) -> Iterator[list[Any]]:
    """One row per figure: section, table, key, period, value, suppressed. A single figure
    and a table's total have an empty key."""
    yield ["section", "table", "key", "period", "value", "suppressed"]
    for section, _title, figures in SECTIONS:
        for name, _label in figures:
            found = doc[section][name]
            pairs = [("", found)]
            if _is_table(found):
                pairs = [(row["key"], row) for row in found["rows"]] + [("", found["total"])]
            for key, pair in pairs:
                for period in ("current", "previous"):
                    figure = pair[period]
                    yield [section, name, key, period, figure["value"], figure["suppressed"]]


def _csv(doc: dict[str, Any]) -> None:
    import csv
    import sys

    out = csv.writer(sys.stdout, lineterminator="\r\n")
    for row in csv_rows(doc):
        out.writerow([csv_cell(cell) for cell in row])


# --- the tables a person reads --------------------------------------------------------------------


class _Shown:
    """How figures read in the county's language; notes which kinds were hidden."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.min_cell = doc["min_cell"]
        self.locale = _LOCALES.get(doc["language"], "en_GB")
        self.hidden_count = False
        self.hidden_based = False

    def figure(self, figure: dict[str, Any], share: bool, counted: bool) -> str:
        from babel.numbers import format_decimal, format_percent

        if figure["suppressed"]:
            if counted:
                self.hidden_count = True
                return f"<{self.min_cell}"
            self.hidden_based = True
            return "–"
        value = figure["value"]
        if value is None:
            return "–"
        if share:
            return str(format_percent(value, locale=self.locale))
        return str(format_decimal(value, locale=self.locale))

    def key(self, table: str, key: str) -> str:
        from datetime import date

        from babel.dates import format_date

        if key == "unknown":
            return _("unknown")
        if table == "by_month":
            day = date.fromisoformat(key)
            return str(format_date(day, "LLLL y", locale=self.locale)) if day.day == 1 else key
        if table == "by_age":
            return AGES.get(key, key)
        return key


def _heads(doc: dict[str, Any]) -> tuple[str, str]:
    """The two columns' headers: the years, for calendar years; else this and the previous
    period."""
    now, before = doc["period"], doc["previous_period"]
    if now["from"].endswith("-01-01") and now["to"] == now["from"][:4] + "-12-31":
        return now["from"][:4], before["from"][:4]
    return _("This period"), _("Previous period")


def _table_text(doc: dict[str, Any]) -> None:
    from rich.console import Console

    console = Console(highlight=False)
    shown = _Shown(doc)
    now, before = _heads(doc)
    console.print(
        _("Self-help groups: figures for {county}").format(county=doc["county"] or "–"),
        style="bold",
        markup=False,
    )
    console.print(
        _("{start} – {end}, compared with {previous_start} – {previous_end}").format(
            start=doc["period"]["from"],
            end=doc["period"]["to"],
            previous_start=doc["previous_period"]["from"],
            previous_end=doc["previous_period"]["to"],
        ),
        markup=False,
    )
    columns = [("key", ""), ("current", now), ("previous", before)]
    for section, title, figures in SECTIONS:
        console.print()
        console.print(_(title).upper(), style="bold", markup=False)
        singles = []
        for name, label in figures:
            found = doc[section][name]
            if _is_table(found):
                continue
            share = name.endswith("_share")
            counted = not (share or "median" in name or "p90" in name or "average" in name)
            singles.append(
                {
                    "key": _(label),
                    "current": shown.figure(found["current"], share, counted),
                    "previous": shown.figure(found["previous"], share, counted),
                }
            )
        if singles:
            table(singles, columns)
        for name, label in figures:
            found = doc[section][name]
            if not _is_table(found):
                continue
            rows = [
                {
                    "key": shown.key(name, row["key"]),
                    "current": shown.figure(row["current"], False, True),
                    "previous": shown.figure(row["previous"], False, True),
                }
                for row in found["rows"]
            ]
            rows.append(
                {
                    "key": _("Total"),
                    "current": shown.figure(found["total"]["current"], False, True),
                    "previous": shown.figure(found["total"]["previous"], False, True),
                }
            )
            console.print()
            table(rows, [("key", _(label)), *columns[1:]])
    notes = []
    if shown.hidden_count:
        notes.append(
            _(
                "<{n}: fewer than {n}, or a figure hidden so that such a small one cannot be "
                "worked out from the totals. Small counts could point to a person."
            ).format(n=shown.min_cell)
        )
    if shown.hidden_based:
        notes.append(
            _("–: not given, since it would rest on fewer than {n}.").format(n=shown.min_cell)
        )
    if notes:
        console.print()
        for note in notes:
            console.print(note, markup=False)


def rendered(doc: dict[str, Any], fmt: Format) -> str:
    """The report in `fmt`, as text; tables in the county's language."""
    out = io.StringIO()
    with redirect_stdout(out):
        if fmt is Format.JSON:
            print_json(doc)
        elif fmt is Format.CSV:
            _csv(doc)
        else:
            with speaking(doc["language"]):
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
@formats
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
    force: Annotated[
        bool,
        typer.Option("--force", help=_("Replace the file given with --out if it exists.")),
    ] = False,
    fmt: Format = Format.TABLE,
) -> None:
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
        print(rendered(doc, fmt), end="")
    else:
        message(_("Wrote the report to {path}.").format(path=out))
