"""Workbooks (.xlsx) with openpyxl: one sheet a table, every cell typed as what it is.

Text is text, numbers are numbers, days are dates; no cell is ever a formula. openpyxl reads a
string that starts with "=" as a formula (checked: LibreOffice computes "=1+1" to 2), so text
is written with its type set explicitly, and text that a spreadsheet might run (= + - @) also
gets Excel's quote prefix, so it shows as typed, unchanged (OWASP ASVS 1.2.10).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any, NamedTuple

_RUNNABLE = ("=", "+", "-", "@", "\t", "\r")


class Percent(float):
    """A share (0.4) that the sheet shows as a percentage (40 %), still a number."""


class Sheet(NamedTuple):
    name: str  # at most 31 characters, no []:*?/\ (Excel's rule), made so by `workbook`
    header: Sequence[str]
    rows: Sequence[Sequence[Any]]


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as an .xlsx file's bytes."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    used: set[str] = set()
    for sheet in sheets:
        page = book.create_sheet(_name(sheet.name, used))
        for column, width in enumerate(_widths(sheet), start=1):  # before any row is written
            page.column_dimensions[get_column_letter(column)].width = width
        bold = Font(bold=True)
        header = []
        for text in sheet.header:
            cell = WriteOnlyCell(page)
            _put(cell, text)
            cell.font = bold
            header.append(cell)
        page.append(header)
        for row in sheet.rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(page)
                _put(cell, value)
                cells.append(cell)
            page.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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
        text = str(value)
        cell.value = text
        cell.data_type = "s"  # never a formula, whatever it starts with
        if text.startswith(_RUNNABLE):
            cell.quotePrefix = True


def _widths(sheet: Sheet) -> list[float]:
    """Each column wide enough for its longest text (within reason), so nothing is cut."""
    columns = zip(*[sheet.header, *sheet.rows], strict=False)
    return [min(max(len(str(v)) for v in column if v is not None) + 2, 70) for column in columns]


def _name(name: str, used: set[str]) -> str:
    clean = "".join("_" if c in "[]:*?/\\" else c for c in name).strip("' ") or "Sheet"
    candidate, n = clean[:31].rstrip(), 2
    while candidate.casefold() in used:
        suffix = f" ({n})"
        candidate, n = clean[: 31 - len(suffix)].rstrip() + suffix, n + 1
    used.add(candidate.casefold())
    return candidate
