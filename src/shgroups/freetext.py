"""The free-text guard: no personal identity numbers in names and notes (docs/design.md §6).

Digit runs shaped like a Swedish personnummer/samordningsnummer (YYMMDD-NNNN, YYYYMMDDNNNN …)
or a Norwegian fødselsnummer/D-nummer (DDMMYYNNNNN) are checked with python-stdnum, which
knows the dates and check digits, so an ordinary number in a note is not refused. A number is
seen however it is typed: digits of any script or width, any dash, a dot, a slash or spaces
between the groups (the date part also in pairs, "81 12 18").
"""

from __future__ import annotations

import re
import unicodedata

from shgroups.errors import InvalidInput
from shgroups.i18n import _
from shgroups.text import field_label

# Characters people (and word processors) put between digit groups, beyond the ASCII ones:
# every dash (Unicode category Pd), minus signs, and slash and dot look-alikes that NFKC keeps.
_MINUS = "\u2212\u2043\u02d7\u2796\u207b\u208b"
_SLASH = "\u2044\u2215\u29f8"
_DOT = "\u00b7\u2027\u30fb\u2219"

# The date part may be written in pairs ("81 12 18"); the separator before the last four (or
# five) digits may be any dash, a dot, a slash, "+" (Swedish, 100 years or older) and spaces.
_DATE = r"\d{6}|\d{8}|\d{2}\s\d{2}\s\d{2}|\d{4}\s\d{2}\s\d{2}"
_SEP = r"\s?([-+./]?)\s?"
_SWEDISH = re.compile(rf"(?<!\d)({_DATE}){_SEP}(\d{{4}})(?!\d)", re.ASCII)
_NORWEGIAN = re.compile(
    rf"(?<!\d)(\d{{6}}|\d{{2}}\s\d{{2}}\s\d{{2}}){_SEP}(\d{{5}})(?!\d)", re.ASCII
)


def _plain(char: str) -> str:
    if char.isdecimal():
        return str(unicodedata.decimal(char))  # Arabic-Indic, Devanagari … digits
    if char in _MINUS or unicodedata.category(char) == "Pd":
        return "-"
    if char in _SLASH:
        return "/"
    if char in _DOT:
        return "."
    return " " if char.isspace() else char


def plain_digits(text: str) -> str:
    """The text with digits, dashes, slashes, dots and spaces in their ASCII forms (NFKC first:
    full-width and other compatibility forms), so that a number is seen however it was typed."""
    if text.isascii():
        return text
    return "".join(_plain(c) for c in unicodedata.normalize("NFKC", text))


def contains_id_number(text: str) -> bool:
    text = plain_digits(text)
    swedish = list(_SWEDISH.finditer(text))
    norwegian = list(_NORWEGIAN.finditer(text))
    if not swedish and not norwegian:
        return False  # the usual case, decided without loading python-stdnum
    from stdnum.no import fodselsnummer
    from stdnum.se import personnummer

    def digits(part: str) -> str:
        return "".join(part.split())

    for match in swedish:
        sep = "+" if match.group(2) == "+" else "-"
        if personnummer.is_valid(f"{digits(match.group(1))}{sep}{match.group(3)}"):
            return True
    return any(fodselsnummer.is_valid(digits(m.group(1)) + m.group(3)) for m in norwegian)


def shaped_like_id_number(text: str) -> bool:
    """Digits laid out as an identity number (a date and four or five digits), whether or not
    their check digit is right: where no number belongs at all (a venue), that is the better
    reason to refuse it than a phone number."""
    text = plain_digits(text)
    return bool(_SWEDISH.search(text) or _NORWEGIAN.search(text))


def identity_number_error(field: str, forceable: bool = False) -> InvalidInput:
    """The error for a text with what looks like an identity number; it never repeats it."""
    return InvalidInput(
        _(
            "{field} contains what looks like a personal identity number "
            "(personnummer or fødselsnummer)"
        ).format(field=field_label(field)),
        _("shg never stores personal identity numbers: leave it out")
        if not forceable
        else _("shg never stores personal identity numbers: leave it out, unless it is not one"),
        # Two codes: the command line offers --force only for the one that can be forced.
        code="text.identity_number_forceable" if forceable else "text.identity_number",
        field=field,
    )


def check_free_text(
    text: str | None, field: str, force: bool = False, *, forceable: bool = False
) -> None:
    """Refuse text that holds an identity number; the error never repeats the text. `field`
    is the input's name in the domain's words ("name", "note"). `forceable`: a false alarm
    may be let through with `force` (a phone number can look like a personnummer)."""
    if not text or (force and forceable) or not contains_id_number(text):
        return
    raise identity_number_error(field, forceable)
