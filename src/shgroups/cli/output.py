"""Rendering in one place: every command declares a `View` of its answer once, and `render`
writes it as a table for people, JSON for scripts or CSV for spreadsheets. Messages go to
stderr. See docs/design.md §4.

rich is imported only when a table is printed, and json and csv only when used, so the hot
`--json` commands never pay for what they do not print.
"""

import functools
import inspect
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, NamedTuple

import typer

from shgroups.i18n import N_, _, ngettext
from shgroups.render.cells import csv_cell as csv_cell
from shgroups.text import json_visible, json_visible_utf8, visible

Row = dict[str, Any]


# A column: (key in the row shown, header marked with N_), or a key alone whose header is the
# one it has everywhere (`HEADERS`).
Column = tuple[str, str] | str
HEADERS = {
    "id": N_("ID"),
    "name": N_("Name"),
    "theme": N_("Theme"),
    "area": N_("Area"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "status": N_("Status"),
    "waiting": N_("Waiting"),
    "starter": N_("Starter"),
    "retired": N_("Retired"),
    "note": N_("Note"),
}

# Columns holding one of the register's fixed values (enums.LABELS), shown in words.
LABELLED = {
    "status",
    "shown_status",
    "group_status",
    "outcome",
    "role",
    "gender",
    "basis",
    "entity",
}

# Columns of free text wrap at word boundaries; ids, dates, counts and statuses never wrap.
WRAPPING = {
    "theme", "area", "name", "members", "note", "about", "starter", "method", "value",
    "venue",
    "due",  # a day, or a day with why it moved: "2026-11-16 (moved from …: a weekend)"
    "why",
}  # fmt: skip


class View(NamedTuple):
    """How one command's answer is shown. `keys` are its JSON keys (and CSV columns): the
    contract with scripts, printed in the README; `columns` what a person sees."""

    commands: str  # the commands answering with it, as the README's JSON table names them
    keys: tuple[str, ...]
    columns: tuple[Column, ...] = ()
    many: bool = False  # a list of records (a table), not one record (label: value lines)
    title: str | None = None  # N_ text, formatted with render's params (and a record's keys)
    empty: str | None = None  # N_ text shown instead of an empty table
    row_style: Callable[[Row], str | None] | None = None
    # What a person sees, when it differs from the data: derived columns (a group's size),
    # a record shown as a table (settings).
    for_table: Callable[[Any], Any] | None = None
    # A record's lists of records: in JSON each is cut to its view's keys; in a table each
    # follows the record as its own table.
    parts: tuple[tuple[str, "View"], ...] = ()
    # For a command that did something: the sentences a person reads on stderr instead of a
    # table, formatted with the record: N_ text, or `counted` sentences.
    said: tuple[str | tuple[str, str, str], ...] = ()
    note: str = ""  # what a key means, for the README's JSON table (English, like the keys)

    def headers(self) -> list[tuple[str, str]]:
        """(key, header marked with N_) of each column a person sees."""
        return [(c, HEADERS[c]) if isinstance(c, str) else c for c in self.columns]


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


FormatOpt = Annotated[
    Format,
    typer.Option(
        "--format",
        help=_("table (for people), json (for scripts) or csv (for spreadsheets)."),
        show_default=False,
    ),
]
JsonFlag = Annotated[bool, typer.Option("--json", help=_("Short for --format json."))]


def formats(command: Callable[..., None]) -> Callable[..., None]:
    """Gives a command the output options `--format FORMAT` and `--json`, and calls it with
    the one chosen as `fmt` (its own parameter `fmt: Format = Format.TABLE`)."""
    own = [p for p in inspect.signature(command).parameters.values() if p.name != "fmt"]
    options = [
        inspect.Parameter(
            "fmt", inspect.Parameter.KEYWORD_ONLY, default=Format.TABLE, annotation=FormatOpt
        ),
        inspect.Parameter(
            "as_json", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=JsonFlag
        ),
    ]

    @functools.wraps(command)
    def chosen(*args: Any, fmt: Format, as_json: bool, **kwargs: Any) -> None:
        command(*args, fmt=Format.JSON if as_json else fmt, **kwargs)

    chosen.__signature__ = inspect.Signature([*own, *options])  # type: ignore[attr-defined]
    return chosen


def start_command(theme: str, area: str) -> str:
    """The command that starts a proposed group, quoted so it can be pasted into a shell."""
    import shlex

    return f"shg groups start --theme {shlex.quote(theme)} --area {shlex.quote(area)}"


def message(text: str) -> None:
    """A note for the person at the terminal, on stderr so stdout stays clean for pipes.
    Stored text inside it (a theme's name) is shown, never obeyed by the terminal; a command
    it suggests works on the register in use (`with_db`)."""
    sys.stderr.write(visible(with_db(text)) + "\n")


# `shg` followed by one of its commands, where a message suggests one.
_SUGGESTED = re.compile(
    r"(?<![\w-])shg (?=(init|demo|agenda|purge|audit|publish|report|export|calendar|settings|"
    r"themes|areas|staff|intake|groups|sessions|followups|person|db)\b)"
)


def changes(changed: Sequence[tuple[str, Any, Any]]) -> None:
    """What a correction changed, one line each on stderr: "Phone: 070-1 → 070-2". `changed`
    holds (label, old, new), the label marked with N_ and translated here. On screen only:
    the audit records that a record changed, never what it said."""
    for label, old, new in changed:
        message(_("{field}: {old} → {new}").format(field=_(label), old=_cell(old), new=_cell(new)))


def days_away(ahead: int, past: tuple[str, str, str]) -> str:
    """A day `ahead` days from now as a person says it: "in 2 days", "today", or, for a day
    gone by, the `past` sentence (`counted` with the key "n": "14 days overdue", "3 days ago")."""
    if ahead > 0:
        return ngettext("in {n} day", "in {n} days", ahead).format(n=ahead)
    if ahead == 0:
        return _("today")
    singular, plural, _key = past
    return ngettext(singular, plural, -ahead).format(n=-ahead)


def with_db(text: str) -> str:
    """When `--db` was given, the commands a message suggests repeat it: pasted as they are,
    they must not work on another register."""
    from shgroups.cli.common import state

    if not state["db"]:
        return text
    import shlex

    return _SUGGESTED.sub(f"shg --db {shlex.quote(state['db'])} ", text)


def render(view: View, data: Any, fmt: Format, **params: Any) -> None:
    """`data` (a record or a list of records) as `view` declares it, in the chosen format."""
    if fmt is Format.JSON:
        print_json(shaped(view, data))
    elif fmt is Format.CSV:
        write_csv(view, data)
    else:
        show(view, data, **params)


def shaped(view: View, data: Any) -> Any:
    """The JSON document: each record cut to the view's keys (its parts to theirs); a key
    the answer lacks is null."""
    if view.many and not view.parts:  # a list of flat records: cut each to the keys
        keys = view.keys
        return [{key: row.get(key) for key in keys} for row in data]
    if view.many:
        return [shaped(view._replace(many=False), row) for row in data]
    parts = dict(view.parts)
    return {
        key: shaped(parts[key], data[key]) if key in parts else data.get(key) for key in view.keys
    }


def _iso(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def print_json(data: Any) -> None:
    """The JSON document on stdout, written as UTF-8 bytes: a national agenda is a quarter
    of a megabyte, not to be decoded to text and encoded twice more."""
    sys.stdout.flush()
    sys.stdout.buffer.write(json_bytes(data) + b"\n")
    sys.stdout.buffer.flush()


def json_bytes(data: Any) -> bytes:
    """The JSON document in UTF-8, indented by two, with DEL, C1 and lone surrogates escaped
    (json_visible): written by orjson (the json module's indented writer runs in Python and is
    slow on a national agenda), or by the json module for what orjson refuses (a lone
    surrogate, an integer beyond 64 bits). Dates are ISO text."""
    import orjson

    try:
        written = orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)
    except (TypeError, orjson.JSONEncodeError):
        import json

        text = json.dumps(data, ensure_ascii=False, indent=2, default=_iso)
        return json_visible(text).encode("utf-8")
    return json_visible_utf8(written)


def write_csv(view: View, data: Any) -> None:
    import csv

    # RFC 4180: comma-separated, CRLF line ends, quotes where needed.
    out = csv.writer(sys.stdout, lineterminator="\r\n")
    out.writerow(view.keys)
    for row in data if view.many else [data]:
        out.writerow([csv_cell(row.get(key)) for key in view.keys])


def show(view: View, data: Any, **params: Any) -> None:
    """What a person reads: sentences on stderr, label: value lines, or a table."""
    seen = view.for_table(data) if view.for_table else data
    if view.said:
        values = {**{key: _cell(value, key) for key, value in seen.items()}, **params}
        for text in view.said:
            if isinstance(text, tuple):
                singular, plural, count = text
                text = ngettext(singular, plural, seen[count])
            else:
                text = _(text)
            message(text.format(**values))
        return
    if not view.many and isinstance(seen, dict):  # else a record shown as a table (settings)
        title = _(view.title).format(**{**seen, **params}) if view.title else None
        fields([(_(header), _cell(seen.get(key), key)) for key, header in view.headers()], title)
        for key, part in view.parts:
            show(part, data[key], **params)
        return
    table(
        seen,
        [(key, _(header)) for key, header in view.headers()],
        title=_(view.title).format(**params) if view.title else None,
        row_style=view.row_style,
        empty=_(view.empty).format(**params) if view.empty else None,
    )


def _cell(value: Any, key: str = "") -> str:
    if key in LABELLED and isinstance(value, str):
        from shgroups.enums import label

        return label(value)
    if value is None or value == []:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return visible(", ".join(str(v) for v in value))
    return visible(str(value))


def table(
    rows: Sequence[Row],
    columns: Sequence[tuple[str, str]],
    title: str | None = None,
    row_style: Callable[[Row], str | None] | None = None,
    empty: str | None = None,
) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    heading = Text(title, style="bold") if title else None
    if not rows and empty:
        if heading:
            console.print(heading)
        console.print(Text(empty))
        return
    grid = Table(
        title=heading, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False
    )
    # No word is broken and nothing is cut: each column is at least as wide as its header's
    # longest word ("Igangsetter") and, for what never wraps (ids, dates, counts, statuses),
    # as its widest value; free text wraps between words. A table that cannot fit so is
    # printed wider than the terminal rather than cut (Swedish and Norwegian headers are long).
    least_total = 0
    for key, header in columns:
        wraps = key in WRAPPING
        cells = [_cell(row.get(key), key) for row in rows]
        words = [w for text in cells for w in (text.split() if wraps else [text])]
        # a value that never wraps needs all its width; a long word of free text folds at 24
        least = max(
            [len(w) for w in header.split()] + [min(len(w), 24) if wraps else len(w) for w in words]
        )
        least_total += least
        grid.add_column(
            header,
            no_wrap=not wraps,
            overflow="fold" if wraps else "ellipsis",
            min_width=least,
        )
    for row in rows:
        # Text, not markup: a name such as "Anna [/b]" is shown as typed.
        grid.add_row(
            *(Text(_cell(row.get(key), key)) for key, _h in columns),
            style=row_style(row) if row_style else None,
        )
    needed = least_total + 3 * (len(columns) - 1)  # each column's padding, the space between
    if needed > console.width:  # a margin: rich's widths are not quite its minimum
        console = Console(highlight=False, width=needed + len(columns))
    console.print(grid)


def fields(pairs: Sequence[tuple[str, str]], title: str | None = None) -> None:
    """A record shown as label: value lines (each value as `_cell` shows it)."""
    from rich.console import Console

    console = Console(highlight=False)
    if title:
        console.print(title, style="bold", markup=False)
    width = max(len(label) for label, _v in pairs)
    for label, value in pairs:
        console.print(f"  {label:<{width}}  {value}", markup=False)


def _shape_text(view: View) -> str:
    parts = dict(view.parts)
    keys = ", ".join(
        f'"{k}": {_shape_text(parts[k])}' if k in parts else f'"{k}"' for k in view.keys
    )
    return f"[{{{keys}}}]" if view.many else f"{{{keys}}}"


def json_table() -> str:
    """The README's table of JSON keys (cog), from the views of every command module, so
    the contract printed there is the one the commands keep."""
    import importlib
    import pkgutil

    import shgroups.cli

    lines = ["| command | `--json` prints |", "|---|---|"]
    seen: set[str] = set()  # a view imported by another command's module is listed once
    for module in pkgutil.iter_modules(shgroups.cli.__path__):
        found = vars(importlib.import_module(f"shgroups.cli.{module.name}")).values()
        for view in (v for v in found if isinstance(v, View) and v.commands):
            if view.commands in seen:
                continue
            seen.add(view.commands)
            names = ", ".join(f"`{name.strip()}`" for name in view.commands.split(","))
            note = f" — {view.note}" if view.note else ""
            lines.append(f"| {names} | `{_shape_text(view)}`{note} |")
    return "\n".join(lines) + "\n"
