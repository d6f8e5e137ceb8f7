"""The yearly report as people read it: its layout (sections, figures and their labels,
declared once), how a figure is written in the county's language, and the report written as
one self-contained web page (with charts) or as a workbook. The terminal's tables
(cli/report.py) and the CSV follow the same layout.

Everything here runs inside `i18n.speaking(doc["language"])`: a report is for others.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from shgroups.i18n import N_, _
from shgroups.language import locale_of, long_date

# Each section of the report and its figures, in the order shown: (key, label marked with
# N_). A figure whose key ends in `_share` is a fraction shown as a percentage; tables are
# the figures whose value has "rows".
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
            ("days_to_placement_bands", N_("Days from registration to a group")),
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
            ("running_by_month", N_("Groups running at the end of each month")),
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
# The tables drawn as charts on the web page: (section, table) -> drawn as columns (a time
# line) or as bars (names).
CHARTS = {
    ("registrations", "by_month"): "columns",
    ("groups", "running_by_month"): "columns",
    ("waiting", "days_to_placement_bands"): "columns",
    ("registrations", "by_theme"): "bars",
}
MONTHLY = {"by_month", "running_by_month"}  # tables whose keys are the months' first days
RANGES = {"by_age", "days_to_placement_bands"}  # keys such as "30-44", "181-"


def is_table(value: Any) -> bool:
    return isinstance(value, dict) and "rows" in value


def tables(
    doc: dict[str, Any], only: str | None = None
) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """(section, name, label, table) of every table (of the section `only`), in order."""
    for section, _title, figures in SECTIONS:
        for name, label in figures:
            if only in (None, section) and is_table(doc[section][name]):
                yield section, name, label, doc[section][name]


def singles(doc: dict[str, Any], section: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(name, label, pair) of a section's single figures."""
    for key, _title, figures in SECTIONS:
        if key == section:
            for name, label in figures:
                if not is_table(doc[section][name]):
                    yield name, label, doc[section][name]


# A line of a table as a person reads it: what, this period, the previous period.
Line = tuple[str, str, str]


def single_lines(doc: dict[str, Any], section: str, shown: Shown) -> list[Line]:
    """The section's single figures as lines."""
    return [(_(label), *shown.pair(pair, name)) for name, label, pair in singles(doc, section)]


def table_lines(name: str, table: dict[str, Any], shown: Shown) -> list[Line]:
    """A table's rows, and its total when it has one, as lines."""
    lines = [(shown.key(name, row["key"]), *shown.pair(row)) for row in table["rows"]]
    if table["total"]:
        lines.append((_("Total"), *shown.pair(table["total"])))
    return lines


def counted(name: str) -> bool:
    """A figure that is a count (hidden as "<5"), not a share, median or average ("–")."""
    return not (name.endswith("_share") or "median" in name or "p90" in name or "average" in name)


def csv_rows(doc: dict[str, Any]) -> Iterator[list[Any]]:
    """One row per figure: section, table, key, period, value, suppressed. A single figure
    and a table's total have an empty key."""
    yield ["section", "table", "key", "period", "value", "suppressed"]
    for section, _title, figures in SECTIONS:
        for name, _label in figures:
            found = doc[section][name]
            pairs = [("", found)]
            if is_table(found):
                pairs = [(row["key"], row) for row in found["rows"]]
                pairs += [("", found["total"])] if found["total"] else []
            for key, pair in pairs:
                for period in ("current", "previous"):
                    figure = pair[period]
                    yield [section, name, key, period, figure["value"], figure["suppressed"]]


class Shown:
    """How figures read in the county's language; notes which kinds were hidden, for the
    footnotes."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.min_cell = doc["min_cell"]
        self.locale = locale_of(doc["language"])
        # months of calendar years are the same in both columns: "januari", not "januari 2025"
        self.years = heads(doc) == (doc["period"]["from"][:4], doc["previous_period"]["from"][:4])
        self.hidden_count = False
        self.hidden_based = False

    def figure(self, figure: dict[str, Any], share: bool, count: bool) -> str:
        from babel.numbers import format_decimal, format_percent

        if figure["suppressed"]:
            if count:
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

    def pair(self, pair: dict[str, Any], name: str = "") -> tuple[str, str]:
        """Both periods' figures of `pair`, a figure called `name` (a table's cells: counts)."""
        share, count = name.endswith("_share"), counted(name)
        return (
            self.figure(pair["current"], share, count),
            self.figure(pair["previous"], share, count),
        )

    def key(self, table: str, key: str, *, short: bool = False) -> str:
        """A row's key as a person reads it; `short` for a chart's axis ("jan" for a month)."""
        from babel.dates import format_date

        if key == "unknown":
            return _("unknown")
        if table in MONTHLY:
            day = date.fromisoformat(key)
            if day.day != 1:  # a period that does not start on the first: the slice's first day
                return key
            shape = "LLL" if short else "LLLL" if self.years else "LLLL y"
            return str(format_date(day, shape, locale=self.locale))
        if table in RANGES:
            return key.replace("-", "–")
        return key

    def notes(self) -> list[str]:
        """The footnotes for what was hidden."""
        notes = []
        if self.hidden_count:
            notes.append(
                _(
                    "<{n}: fewer than {n}, or a figure hidden so that such a small one cannot be "
                    "worked out from the totals. Small counts could point to a person."
                ).format(n=self.min_cell)
            )
        if self.hidden_based:
            notes.append(
                _("–: not given, since it would rest on fewer than {n}.").format(n=self.min_cell)
            )
        return notes


def heads(doc: dict[str, Any]) -> tuple[str, str]:
    """The two columns' headers: the years, for calendar years; else this and the previous
    period."""
    now, before = doc["period"], doc["previous_period"]
    if now["from"].endswith("-01-01") and now["to"] == now["from"][:4] + "-12-31":
        return now["from"][:4], before["from"][:4]
    return _("This period"), _("Previous period")


def title(doc: dict[str, Any]) -> str:
    return _("Self-help groups: figures for {county}").format(county=doc["county"] or "–")


def period_line(doc: dict[str, Any]) -> str:
    def day(text: str) -> str:
        return long_date(date.fromisoformat(text), doc["language"])

    return _("{start} – {end}, compared with {previous_start} – {previous_end}").format(
        start=day(doc["period"]["from"]),
        end=day(doc["period"]["to"]),
        previous_start=day(doc["previous_period"]["from"]),
        previous_end=day(doc["previous_period"]["to"]),
    )


# --- the web page ---------------------------------------------------------------------------


def html(doc: dict[str, Any]) -> str:
    """One self-contained page: the figures as tables, the main tables also as charts (each
    with a title, a description and its table beside it); prints on A4."""
    from shgroups.render import charts
    from shgroups.render.html import esc, page

    shown = Shown(doc)
    now, before = heads(doc)
    head = f'<tr><th></th><th class="n">{esc(now)}</th><th class="n">{esc(before)}</th></tr>'

    def grid(lines: list[Line]) -> str:
        body = "".join(
            f'<tr><td>{esc(what)}</td><td class="n">{esc(this)}</td>'
            f'<td class="n">{esc(previous)}</td></tr>'
            for what, this, previous in lines
        )
        return f"<table><thead>{head}</thead><tbody>{body}</tbody></table>"

    parts = [f"<h1>{esc(title(doc))}</h1>", f'<p class="meta">{esc(period_line(doc))}</p>']
    for section, label, _figures in SECTIONS:
        parts.append(f"<h2>{esc(_(label))}</h2>")
        lines = single_lines(doc, section, shown)
        if lines:
            parts.append(grid(lines))
        for _section, name, table_label, table in tables(doc, section):
            data = grid(table_lines(name, table, shown))
            kind = CHARTS.get((section, name))
            parts.append(f"<h3>{esc(_(table_label))}</h3>")
            drawn = [r[p]["value"] for r in table["rows"] for p in ("current", "previous")]
            if kind is None or not any(drawn):  # nothing to draw: every figure 0 or hidden
                parts.append(data)
                continue
            draw = charts.columns if kind == "columns" else charts.bars
            chart = draw(
                _(table_label),
                _("{what}: {now} beside {before}; the figures are in the table beside it.").format(
                    what=_(table_label), now=now, before=before
                ),
                [shown.key(name, r["key"], short=True) for r in table["rows"]],
                [
                    (now, [r["current"]["value"] for r in table["rows"]]),
                    (before, [r["previous"]["value"] for r in table["rows"]]),
                ],
                f"<{shown.min_cell}",
            )
            parts.append(f"<figure>{chart}{data}</figure>")
    parts += [f'<p class="note">{esc(note)}</p>' for note in shown.notes()]
    return page(title(doc), doc["language"], "\n".join(parts))


# --- the workbook ---------------------------------------------------------------------------


def xlsx(doc: dict[str, Any]) -> bytes:
    """A workbook: the single figures on the first sheet, then one sheet a table. Counts are
    number cells; a hidden one is the text "<5" (as the page shows it), a share a number."""
    from shgroups.render.xlsx import Percent, Sheet, workbook

    shown = Shown(doc)
    now, before = heads(doc)

    def cell(figure: dict[str, Any], count: bool, share: bool = False) -> Any:
        if figure["suppressed"]:
            return shown.figure(figure, False, count)
        value = figure["value"]
        return Percent(value) if share and value is not None else value

    summary = [
        [_(section_label), _(label),
         cell(pair["current"], counted(name), name.endswith("_share")),
         cell(pair["previous"], counted(name), name.endswith("_share"))]
        for section, section_label, _figures in SECTIONS
        for name, label, pair in singles(doc, section)
    ]  # fmt: skip
    notes = [[note] for note in [title(doc), period_line(doc), *shown.notes()]]
    sheets = [
        Sheet(_("About"), [_("About these figures")], notes),
        Sheet(_("Summary"), [_("Section"), _("Figure"), now, before], summary),
    ]
    for _section, name, label, table in tables(doc):
        rows = [
            [shown.key(name, r["key"]), cell(r["current"], True), cell(r["previous"], True)]
            for r in table["rows"]
        ]
        if table["total"]:
            total = table["total"]
            rows.append([_("Total"), cell(total["current"], True), cell(total["previous"], True)])
        sheets.append(Sheet(_(label), [_(label), now, before], rows))
    return workbook(sheets)
