"""Text in and out: what a coordinator types is stored in one Unicode form without control
characters, and stored text never reaches a terminal raw.

An escape sequence in a name (``ESC ] 0 ; title``, ``ESC [ 2 J``, an OSC 52 clipboard write)
would otherwise drive the terminal of whoever lists the register. Lone surrogates are how
Python hands over bytes that were not UTF-8 on the command line.
"""

from __future__ import annotations

import re
import unicodedata

from shgroups.errors import InvalidInput
from shgroups.i18n import _

# C0 and C1 control characters, DEL, and lone surrogates.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_BUT_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def field_label(field: str) -> str:
    """A field (`ShgError.field`: "phone", "note" …) as the subject of a sentence calls it
    ("the phone number": Swedish and Norwegian say it in one word, "telefonnumret"); a field
    without a label (a setting's name, an environment variable) as it is."""
    labels = {
        "name": _("the name"),
        "phone": _("the phone number"),
        "email": _("the e-mail address"),
        "source": _("the source"),
        "note": _("the note"),
        "venue": _("the venue"),
        "method": _("the method"),
        "theme": _("the theme name"),
        "area": _("the area name"),
        "starter": _("the staff member's name"),
        "gender": _("the gender"),
        "status": _("the status"),
        "outcome": _("the outcome"),
        "role": _("the role"),
    }
    return labels.get(field, field)


def typed(text: str, field: str, *, multiline: bool = False) -> str:
    """The text as it will be stored (NFC), or InvalidInput naming the field, never the text.

    `field` is the input's name in the domain's words ("note"); `multiline` allows line
    breaks and tabs (notes)."""
    if (_CONTROL_BUT_LINES if multiline else _CONTROL).search(text):
        raise InvalidInput(
            _("{field} contains control characters or bytes that are not text").format(
                field=field_label(field)
            ),
            _("type it again without special keys, or paste it as plain text (UTF-8)"),
            code="text.control_characters",
            field=field,
        )
    return unicodedata.normalize("NFC", text)


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    return "\ufffd" if "\ud800" <= char <= "\udfff" else f"\\x{ord(char):02x}"


def visible(text: str, *, multiline: bool = True) -> str:
    """Stored text made safe to print: control characters shown as \\x1b, never sent."""
    return (_CONTROL_BUT_LINES if multiline else _CONTROL).sub(_escape, text)


_UNESCAPED_BY_JSON = re.compile("[\x7f-\x9f\ud800-\udfff]")


def json_visible(document: str) -> str:
    """A JSON document with DEL, C1 and lone surrogates escaped as \\u.... (json.dumps
    escapes the C0 characters itself, but not these)."""
    try:
        encoded = document.encode("utf-8")  # fails on a lone surrogate
    except UnicodeEncodeError:
        pass
    else:
        if not _may_hold_del_or_c1(encoded):
            return document
    return _UNESCAPED_BY_JSON.sub(lambda m: f"\\u{ord(m.group(0)):04x}", document)


def json_visible_utf8(document: bytes) -> bytes:
    """json_visible of a JSON document in UTF-8, in UTF-8: most are returned as they are,
    never decoded."""
    if not _may_hold_del_or_c1(document):
        return document
    return json_visible(document.decode("utf-8")).encode("utf-8")


def _may_hold_del_or_c1(encoded: bytes) -> bool:
    """DEL is the byte 7F, a C1 character C2 80 to C2 9F: a document with neither byte (most,
    even in Swedish: å is C3 A5) has nothing to escape, found in a fraction of the time the
    expression takes to look at every character."""
    return b"\x7f" in encoded or b"\xc2" in encoded


def not_text(text: str) -> bool:
    """Holds bytes that were not UTF-8 (Python's lone surrogates)."""
    return any("\ud800" <= char <= "\udfff" for char in text)
