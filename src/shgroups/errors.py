"""User-facing failures: each carries a message and a hint; the CLI prints them and exits 1.

Messages name record ids and the names of themes/areas/staff, never a person's name or
contact details.
"""

from __future__ import annotations


class ShgError(Exception):
    """A request that could not be carried out. Nothing has been written."""

    exit_code = 1

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class NotFound(ShgError):
    """A theme, area, staff member, registration or group that does not exist."""


class InvalidInput(ShgError):
    """A value that is malformed or outside what the rules allow."""


class Conflict(ShgError):
    """The request clashes with the register's current state (wrong status, duplicate …)."""


class StorageError(ShgError):
    """The database file is missing, foreign, too new, busy or damaged."""
