"""One person, however their number or address was typed.

"036-12 34 56", "036123456", "+46 36 12 34 56" and "0046 36 123456" are one number: they are
compared in one normal form (E.164, from the `phonenumbers` library with the county's country
as the default region), while the number as typed is kept for display. E-mail addresses are
compared case-insensitively.

`phonenumbers` takes ~25 ms to import, so it is imported only when a number is normalised.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from functools import lru_cache
from typing import Any

# The county's country (setting `country`) -> the region phonenumbers reads a national
# number in.
DEFAULT_REGION = "SE"


# What a phone number may be written with: digits, spaces, "+", brackets, dots, slashes and
# dashes — "(070) 123 45 67", "070.123.45.67", "+46 (0)70-123 45 67".
_WRITTEN = re.compile(r"^[0-9 +()./-]+$")
_PLAIN = re.compile(r"^\+?[0-9][0-9 ()/-]{4,24}$")  # accepted even when not a known plan's


def _parsed(text: str, region: str) -> Any:
    """The number `phonenumbers` reads in `text` when it is a possible one, else None."""
    import phonenumbers

    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


def written_as_phone(text: str) -> bool:
    """Only what a phone number is written with (Unicode digits read as digits)."""
    return bool(_WRITTEN.match(unicodedata.normalize("NFKC", text)))


def readable(text: str, region: str = DEFAULT_REGION) -> bool:
    """A phone number as a coordinator may type it: the plain pattern, or digits written with
    spaces, dashes, dots, slashes and brackets that `phonenumbers` reads as a possible number."""
    if _PLAIN.match(text):
        return True
    plain = unicodedata.normalize("NFKC", text)
    return 5 <= len(plain) <= 30 and written_as_phone(plain) and _parsed(plain, region) is not None


@lru_cache(maxsize=4096)  # one number is compared several times while a row is checked
def phone_key(text: str | None, region: str = DEFAULT_REGION) -> str | None:
    """The form two phone numbers are compared in: E.164 ("+46701234567") when the library
    can read the number, else its digits (with a leading + kept), so that an odd number
    still matches itself written with other spaces and dashes. None for no number."""
    if not text:
        return None
    plain = unicodedata.normalize("NFKC", text)  # full-width and other Unicode digits
    number = _parsed(plain, region)
    if number is not None:
        import phonenumbers

        return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    digits = re.sub(r"\D", "", plain)
    if not digits:
        return None
    return ("+" if plain.lstrip().startswith("+") else "") + digits


def rekey(conn: sqlite3.Connection, region: str) -> None:
    """Compute every stored phone number's and e-mail address's compared form again, inside
    the caller's transaction: when they are first made (migration 5) and when the county's
    country changes (a number without +46/+47 is then read in the other country)."""
    for person_id, phone, email in conn.execute("SELECT id, phone, email FROM persons").fetchall():
        conn.execute(
            "UPDATE persons SET phone_key = ?, email_key = ? WHERE id = ?",
            (phone_key(phone, region), email_key(email), person_id),
        )


def email_key(text: str | None) -> str | None:
    """The form two e-mail addresses are compared in: case-folded, NFC."""
    if not text:
        return None
    return unicodedata.normalize("NFC", text.strip().casefold()) or None
