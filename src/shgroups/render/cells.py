"""A cell of CSV, by one rule for every CSV shg writes (`--format csv`, `shg export
--format csv`): what a spreadsheet would run as a formula is made text (OWASP ASVS 1.2.10)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from shgroups.text import visible


def _iso(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


# Left as typed although it starts with + or -: a number, or a phone number (a + then digits,
# spaces, hyphens, brackets). Neither holds a function name, so a spreadsheet can run nothing.
_NUMBER_OR_PHONE = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?|\+[0-9][0-9 ()\-]*")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """One CSV cell: None empty, booleans as in JSON, lists of values joined with `;`,
    records as JSON text; a cell a spreadsheet would run as a formula starts with `'`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict) or (
        isinstance(value, list) and any(isinstance(v, dict | list) for v in value)
    ):
        import json

        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_iso)
    elif isinstance(value, list):
        text = ";".join(csv_cell(v) for v in value)
    else:
        text = str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER_OR_PHONE.fullmatch(text):
        text = "'" + text
    return visible(text)
