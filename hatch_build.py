"""Build hook: compiles the translations into the `.mo` files gettext reads, with Babel
(tools/catalogues.py), so that no `msgfmt` is needed anywhere. The `.mo` files are written
beside their `.po` (and ignored by git): a wheel carries them as artifacts, and an editable
install reads them where they are."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CatalogueHook(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        sys.path.insert(0, str(Path(self.root) / "tools"))
        from catalogues import LOCALE, compile_catalogues

        compile_catalogues(LOCALE)
