"""Rendering in one place: JSON on stdout for scripts, rich tables for people, messages on stderr.

rich is imported only when a table is printed, so `--json` never pays for it.
"""

import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from shgroups.i18n import _
from shgroups.text import json_visible, visible

Column = tuple[str, str]  # (key in the row, header)

# Columns of free text wrap at word boundaries; ids, dates, counts and statuses never wrap.
WRAPPING = {"theme", "area", "name", "members", "note", "about", "starter", "method"}


def print_json(data: Any) -> None:
    sys.stdout.write(json_visible(json.dumps(data, ensure_ascii=False, indent=2)) + "\n")


def message(text: str) -> None:
    """A note for the person at the terminal, on stderr so stdout stays clean for pipes.
    Stored text inside it (a theme's name) is shown, never obeyed by the terminal."""
    sys.stderr.write(visible(text) + "\n")


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return visible(", ".join(str(v) for v in value))
    return visible(str(value))


def table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    title: str | None = None,
    row_style: Callable[[dict[str, Any]], str | None] | None = None,
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
    grid = Table(title=heading, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)
    for key, header in columns:
        wraps = key in WRAPPING
        grid.add_column(header, no_wrap=not wraps, overflow="fold" if wraps else "ellipsis")
    for row in rows:
        # Text, not markup: a name such as "Anna [/b]" is shown as typed.
        grid.add_row(
            *(Text(_cell(row.get(key))) for key, _h in columns),
            style=row_style(row) if row_style else None,
        )
    console.print(grid)


def fields(pairs: Sequence[tuple[str, Any]], title: str | None = None) -> None:
    """A record shown as label: value lines."""
    from rich.console import Console

    console = Console(highlight=False)
    if title:
        console.print(title, style="bold", markup=False)
    width = max(len(label) for label, _v in pairs)
    for label, value in pairs:
        console.print(f"  {label:<{width}}  {_cell(value)}", markup=False)


def rows_out(
    rows: Sequence[dict[str, Any]], as_json: bool, columns: Sequence[Column], **options: Any
) -> None:
    """A list command's answer: the rows as JSON, or a table of the chosen columns."""
    if as_json:
        print_json(rows)
    else:
        table(rows, columns, **options)
