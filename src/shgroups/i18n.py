"""The one translation function for user-facing text.

English is the source language. Catalogues (`locale/<lang>/LC_MESSAGES/shg.mo`) are looked up
for `$SHG_LANG`, then the usual `LANGUAGE`/`LC_ALL`/`LANG`; without one the English text stays.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

_translation: gettext.NullTranslations | None = None


def _load() -> gettext.NullTranslations:
    lang = os.environ.get("SHG_LANG")
    return gettext.translation(
        "shg",
        localedir=Path(__file__).parent / "locale",
        languages=[lang] if lang else None,
        fallback=True,
    )


def _(message: str) -> str:
    global _translation
    if _translation is None:
        _translation = _load()
    return _translation.gettext(message)
