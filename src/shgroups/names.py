"""Matching the names a coordinator types: themes, areas and staff.

A name matches ignoring case and repeated or surrounding spaces. Unknown names get
"did you mean" suggestions from near spellings and from spellings without å/ä/ö/ø/æ.
"""

from __future__ import annotations

import difflib
import unicodedata

from shgroups.i18n import _

_FOLD = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "đ": "d", "ł": "l"})


def name_key(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()).casefold())


def clean(text: str) -> str:
    """The name as stored: one Unicode form (NFC), surrounding and repeated spaces removed,
    case kept."""
    return unicodedata.normalize("NFC", " ".join(text.split()))


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name_key(text).translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def suggest(text: str, names: list[str], limit: int = 3) -> list[str]:
    """Known names close to `text`, best first."""
    folded: dict[str, str] = {}
    for name in names:
        folded.setdefault(fold(name), name)
    wanted = fold(text)
    found = difflib.get_close_matches(wanted, list(folded), n=limit, cutoff=0.6)
    # A name that contains the typed word ("smärta" in "Att leva med smärta") is a good guess too.
    if len(wanted) >= 4:
        found += [f for f in folded if wanted in f and f not in found]
    return [folded[f] for f in found[:limit]]


def did_you_mean(near: list[str]) -> str:
    """The hint sentence for suggestions, or "" when there are none."""
    if not near:
        return ""
    return _("Did you mean {names}?").format(names=_(" or ").join(repr(n) for n in near))
