"""The free-text guard: no personal identity numbers in names and notes (DESIGN.md §6).

Digit runs shaped like a Swedish personnummer/samordningsnummer (YYMMDD-NNNN, YYYYMMDDNNNN …)
or a Norwegian fødselsnummer/D-nummer (DDMMYYNNNNN) are checked with python-stdnum, which
knows the dates and check digits, so an ordinary number in a note is not refused.
"""

from __future__ import annotations

import re

from shgroups.errors import InvalidInput
from shgroups.i18n import _

_SWEDISH = re.compile(r"(?<!\d)(\d{6}|\d{8})\s?[-+]?\s?(\d{4})(?!\d)")
_NORWEGIAN = re.compile(r"(?<!\d)(\d{6})\s?(\d{5})(?!\d)")


def contains_id_number(text: str) -> bool:
    swedish = list(_SWEDISH.finditer(text))
    norwegian = list(_NORWEGIAN.finditer(text))
    if not swedish and not norwegian:
        return False  # the usual case, decided without loading python-stdnum
    from stdnum.no import fodselsnummer
    from stdnum.se import personnummer

    for match in swedish:
        sep = "+" if "+" in match.group(0) else "-"
        if personnummer.is_valid(f"{match.group(1)}{sep}{match.group(2)}"):
            return True
    return any(fodselsnummer.is_valid(m.group(1) + m.group(2)) for m in norwegian)


def check_free_text(
    text: str | None, field: str, force: bool = False, *, forceable: bool = False
) -> None:
    """Refuse text that holds an identity number; the error never repeats the text."""
    if not text or (force and forceable) or not contains_id_number(text):
        return
    hint = _("shg never stores personal identity numbers: leave it out")
    if forceable:
        hint += _(", or add --force if it is not one")
    raise InvalidInput(
        _(
            "the {field} contains what looks like a personal identity number "
            "(personnummer or fødselsnummer)"
        ).format(field=field),
        hint,
    )
