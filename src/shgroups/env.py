"""Every environment variable shg reads, read here and nowhere else. The README's table is made
from `VARIABLES`; a value shg cannot use is an error with a hint, never silently ignored."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path

from shgroups.errors import InvalidInput
from shgroups.i18n import _

DEFAULT_BUSY_TIMEOUT = 30.0
MAX_BUSY_TIMEOUT = 3600.0

# (name, what it means) — translated when shown.
VARIABLES: tuple[tuple[str, Callable[[], str]], ...] = (
    ("SHG_DB", lambda: _("the database file, when --db is not given")),
    ("SHG_TODAY", lambda: _('"today" (YYYY-MM-DD) for every command: for planning and tests')),
    ("SHG_USER", lambda: _("who is recorded as making changes (default: the login name)")),
    (
        "SHG_BUSY_TIMEOUT",
        lambda: _("seconds a command waits for another one's write (default 30; from 0 to 3600)"),
    ),
    (
        "SHG_BACKUP_DIR",
        lambda: _("where `shg db backup` puts dated backups (default: beside the database)"),
    ),
    (
        "SHG_DEMO_DB",
        lambda: _("where `shg demo` builds without a path (default shg-demo.db)"),
    ),
    (
        "SHG_LANG",
        lambda: _(
            "the interface language, sv, nb or en, before your own choice (`shg config "
            "language`) and the locale; English until the catalogues exist"
        ),
    ),
    (
        "SHG_PASSPHRASE",
        lambda: _(
            "the passphrase for --encrypt and for opening a sealed file, instead of typing it: "
            "for scripts and tests only (other programs you run can read it)"
        ),
    ),
    (
        "SHG_DEBUG",
        lambda: _(
            "set to 1 to see a traceback instead of a plain message when shg fails "
            "unexpectedly (it may show personal data: for developers only)"
        ),
    ),
)


def _get(name: str) -> str | None:
    return os.environ.get(name) or None


def db() -> Path | None:
    value = _get("SHG_DB")
    return Path(value) if value else None


def today() -> str | None:
    """The text of $SHG_TODAY; `shgroups.dates.today` parses it."""
    return _get("SHG_TODAY")


def user() -> str | None:
    return _get("SHG_USER")


def busy_timeout() -> float:
    """Seconds a command waits for another one's lock."""
    text = _get("SHG_BUSY_TIMEOUT")
    if text is None:
        return DEFAULT_BUSY_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not 0 <= seconds <= MAX_BUSY_TIMEOUT:  # also refuses nan and inf
        raise InvalidInput(
            _("SHG_BUSY_TIMEOUT {value!r} is not a number of seconds from 0 to {most}").format(
                value=text, most=int(MAX_BUSY_TIMEOUT)
            ),
            _("set it to seconds, e.g. SHG_BUSY_TIMEOUT=30, or unset it"),
            code="env.invalid",
            field="SHG_BUSY_TIMEOUT",
        )
    return seconds


def backup_dir() -> Path | None:
    value = _get("SHG_BACKUP_DIR")
    return Path(value) if value else None


def demo_db() -> str:
    return _get("SHG_DEMO_DB") or "shg-demo.db"


def passphrase() -> str | None:
    """$SHG_PASSPHRASE: for automation only; at a terminal shg asks."""
    return _get("SHG_PASSPHRASE")


def debug() -> bool:
    return _get("SHG_DEBUG") not in (None, "0")


def variables_table() -> str:
    """The README's table of environment variables (cog), from `VARIABLES`."""
    lines = ["| variable | meaning |", "|---|---|"]
    lines += [f"| `{name}` | {about()} |" for name, about in VARIABLES]
    return "\n".join(lines) + "\n"
