"""User-facing failures. The services raise them in the domain's words; the command line (one
boundary, `shgroups.cli`) prints `Error: …` and `Hint: …` and exits 1; a future importer reports
them against a row and a column.

Each failure carries:
- `code`: stable, for programs and for the command line's hints ("registration.not_found");
- `field`: the input it concerns, in the domain's words ("date", "theme", "members"), which the
  command line shows as a flag (`--date`) and an importer as a column;
- `params`: the values the message was made from (ids, dates, names of themes and areas),
  never a person's name or contact details;
- `message`: one translated sentence that names no flag and no command;
- `hint`: what to do, when the service knows it in the domain's words (it names no flag and
  no command either; the command line adds those).
"""

from __future__ import annotations

from typing import Any


class ShgError(Exception):
    """A request that could not be carried out. Nothing has been written."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        hint: str = "",
        *,
        code: str,
        field: str | None = None,
        **params: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = code
        self.field = field
        self.params = params


class NotFound(ShgError):
    """A theme, area, staff member, registration or group that does not exist."""


class InvalidInput(ShgError):
    """A value that is malformed or outside what the rules allow."""


class Conflict(ShgError):
    """The request clashes with the register's current state (wrong status, duplicate …)."""


class StorageError(ShgError):
    """The database file is missing, foreign, too new, busy or damaged."""
