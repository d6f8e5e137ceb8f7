"""The one translation function for user-facing text.

English is the source language. Catalogues (`locale/<lang>/LC_MESSAGES/shg.mo`) are looked up
for the language `shgroups.language.chosen` settles ($SHG_LANG, the user's own choice, the
locale); without one the English text stays.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# The language spoken now and its catalogue: the interface language, settled once on first
# use, or the county's inside `speaking`.
_spoken: tuple[str, gettext.NullTranslations] | None = None


def _load(language: str) -> tuple[str, gettext.NullTranslations]:
    catalogue = gettext.translation(
        "shg", localedir=Path(__file__).parent / "locale", languages=[language], fallback=True
    )
    return language, catalogue


def _now() -> tuple[str, gettext.NullTranslations]:
    global _spoken
    if _spoken is None:
        from shgroups.language import chosen

        _spoken = _load(chosen())
    return _spoken


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Within it, `_` and `ngettext` speak `language` (sv, nb, en) instead of the interface
    language: for what shg writes for others, in the county's language (a letter, a list)."""
    global _spoken
    before = _now()
    _spoken = _load(language)
    try:
        yield
    finally:
        _spoken = before


def spoken() -> str:
    """The language `_` speaks now (sv, nb, en)."""
    return _now()[0]


def _catalogue() -> gettext.NullTranslations:
    return _now()[1]


def _(message: str) -> str:
    return _catalogue().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """A sentence about a count: languages differ in how many forms a count takes."""
    return _catalogue().ngettext(singular, plural, n)


def N_(text: str) -> str:
    """Marks English text for the catalogue; `_` translates it when shown, since the
    interface language is only known at run time (views are declared at import)."""
    return text


def counted(singular: str, plural: str, count: str) -> tuple[str, str, str]:
    """A sentence about the record's count `count` (a key), in the right plural form when
    shown; marked for the catalogue like ngettext (xgettext -k counted:1,2)."""
    return singular, plural, count
