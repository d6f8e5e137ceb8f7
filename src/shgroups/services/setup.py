"""Creating a database: `shg init` for the real register (`shg demo`'s made-up one is built
in services/demo.py)."""

from __future__ import annotations

from typing import Any

from shgroups.errors import Conflict
from shgroups.i18n import _
from shgroups.services import catalogue
from shgroups.services.settings import seed_settings
from shgroups.storage import Store, create_db, open_db, resolve_path

DEFAULT_AREA = {"sv": "Hela länet", "nb": "Hele fylket", "en": "Whole county"}


def seed(store: Store, county: str, language: str) -> None:
    """A new register's settings, theme catalogue and default area (inside its creation)."""
    seed_settings(store, county, language)
    catalogue.seed_themes(store, language)
    catalogue.add_area(store, DEFAULT_AREA[language], default=True)


def init(db: str | None, county: str, language: str = "sv") -> dict[str, Any]:
    """Create the database, or report that an shg database is already there."""
    path = resolve_path(db)
    if path.exists():
        open_db(path).close()  # fails clearly when the file is not an shg database
        return {"db": str(path), "created": False, "set_aside": []}
    if language not in DEFAULT_AREA:
        raise Conflict(
            _("unknown language {lang!r}").format(lang=language),
            _("use one of: {values}").format(values=", ".join(DEFAULT_AREA)),
            code="language.unknown",
            field="language",
            value=language,
            values=list(DEFAULT_AREA),
        )
    set_aside = create_db(db, lambda store: seed(store, county, language))
    return {"db": str(path), "created": True, "set_aside": [str(p) for p in set_aside]}
