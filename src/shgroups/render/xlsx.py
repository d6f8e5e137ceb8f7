"""Workbooks (.xlsx) with openpyxl: one sheet a table, every cell typed as what it is.

Text is text, numbers are numbers, days are dates; no cell is ever a formula. openpyxl reads a
string that starts with "=" as a formula (checked: LibreOffice computes "=1+1" to 2) and one
that reads like an error code ("#N/A") as an error, so such text is written with its type set
explicitly (an inline string, never an `<f>` element); text that a spreadsheet might run
(= + - @) also gets Excel's quote prefix, so it shows as typed, unchanged (OWASP ASVS 1.2.10).
Control characters XML cannot hold are shown as `\\x1b`, as on the terminal and in CSV.

Rows are written as they come (openpyxl's write-only mode, each sheet streamed to a temporary
file): a sheet's rows may be an iterator over a cursor, so the national register's workbook is
written without holding it in memory.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from itertools import chain, islice
from typing import IO, Any, NamedTuple

from shgroups.text import visible

_RUNNABLE = ("=", "+", "-", "@", "\t", "\r")
_ODD = (*_RUNNABLE, "#")  # "#N/A": openpyxl would make it an error cell
_MEASURED = 200  # rows a column's width is measured on (the rest stream past)


class Percent(float):
    """A share (0.4) that the sheet shows as a percentage (40 %), still a number."""


class Sheet(NamedTuple):
    name: str  # at most 31 characters, no []:*?/\ (Excel's rule), made so by `workbook`
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]  # a list, or an iterator read once as the sheet is written
    keys: Sequence[str] = ()  # a second header row: each column's key, for programs


def workbook(sheets: Iterable[Sheet]) -> bytes:
    """The sheets as an .xlsx file's bytes."""
    out = io.BytesIO()
    write_workbook(sheets, out)
    return out.getvalue()


def write_workbook(sheets: Iterable[Sheet], target: IO[bytes]) -> None:
    """The sheets as an .xlsx file written to `target` (a binary file open for writing),
    each sheet's rows read once, as they come."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    used: set[str] = set()
    bold, quiet = Font(bold=True), Font(italic=True, color="808080")
    for sheet in sheets:
        page = book.create_sheet(_name(sheet.name, used))
        rows = iter(sheet.rows)
        first = list(islice(rows, _MEASURED))
        heads = [sheet.header, *([sheet.keys] if sheet.keys else [])]
        for column, width in enumerate(_widths([*heads, *first]), start=1):
            page.column_dimensions[get_column_letter(column)].width = width  # before any row
        page.freeze_panes = f"A{len(heads) + 1}"  # the headers stay in sight
        for head, font in zip(heads, (bold, quiet), strict=False):
            cells = []
            for text in head:
                cell = WriteOnlyCell(page)
                _put(cell, text)
                cell.font = font
                cells.append(cell)
            page.append(cells)
        for row in chain(first, rows):
            page.append([_value(page, value, WriteOnlyCell) for value in row])
    book.save(target)


def _value(page: Any, value: Any, make: Any) -> Any:
    """What openpyxl is given for `value`: the value itself where openpyxl types it rightly
    (numbers; days, which it shows as yyyy-mm-dd; plain text), else a cell typed here."""
    if value is None or (isinstance(value, int | float | date) and not isinstance(value, bool)):
        if isinstance(value, Percent):
            cell = make(page)
            _put(cell, value)
            return cell
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    text = visible(str(value))
    if text.startswith(_ODD):
        cell = make(page)
        _put(cell, text)
        return cell
    return text


def _put(cell: Any, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        value = str(value).lower()
    if isinstance(value, int | float):
        cell.value = value
        if isinstance(value, Percent):
            cell.number_format = "0%"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    else:
        text = visible(str(value))
        cell.value = text
        cell.data_type = "s"  # never a formula, whatever it starts with
        if text.startswith(_RUNNABLE):
            cell.quotePrefix = True


def _widths(rows: Sequence[Sequence[Any]]) -> list[float]:
    """Each column wide enough for its longest text (within reason), so nothing is cut."""
    columns = zip(*rows, strict=False)
    return [
        min(max([len(str(v)) for v in column if v is not None] or [0]) + 2, 70)
        for column in columns
    ]


def _name(name: str, used: set[str]) -> str:
    clean = "".join("_" if c in "[]:*?/\\" else c for c in name).strip("' ") or "Sheet"
    candidate, n = clean[:31].rstrip(), 2
    while candidate.casefold() in used:
        suffix = f" ({n})"
        candidate, n = clean[: 31 - len(suffix)].rstrip() + suffix, n + 1
    used.add(candidate.casefold())
    return candidate
