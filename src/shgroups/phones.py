"""One person, however their number or address was typed.

"036-12 34 56", "036123456", "+46 36 12 34 56" and "0046 36 123456" are one number: they are
compared in one normal form (E.164, from the `phonenumbers` library with the county's country
as the default region), while the number as typed is kept for display. E-mail addresses are
compared case-insensitively.

`phonenumbers` takes ~25 ms to import, so it is imported only when a number is normalised.
"""

from __future__ import annotations

import re
import unicodedata

# The county's country (setting `country`) -> the region phonenumbers reads a national
# number in.
DEFAULT_REGION = "SE"


def phone_key(text: str | None, region: str = DEFAULT_REGION) -> str | None:
    """The form two phone numbers are compared in: E.164 ("+46701234567") when the library
    can read the number, else its digits (with a leading + kept), so that an odd number
    still matches itself written with other spaces and dashes. None for no number."""
    if not text:
        return None
    plain = unicodedata.normalize("NFKC", text)  # full-width and other Unicode digits
    import phonenumbers

    try:
        number = phonenumbers.parse(plain, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_possible_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    digits = re.sub(r"\D", "", plain)
    if not digits:
        return None
    return ("+" if plain.lstrip().startswith("+") else "") + digits


def email_key(text: str | None) -> str | None:
    """The form two e-mail addresses are compared in: case-folded, NFC."""
    if not text:
        return None
    return unicodedata.normalize("NFC", text.strip().casefold()) or None
