"""How the command line explains a failure: the service's message in the domain's words, the
flag a field is typed as, and a hint that may name a command that would work.

The services never name flags or commands (an importer reports the same failures against
spreadsheet cells); this table is where the command line adds them.
"""

from collections.abc import Callable

from shgroups.errors import ShgError

# The hint for an error code, formatted with the error's params and `flag` (the flag its
# field is typed as in the command that failed). A code without an entry keeps the service's
# own hint.
HINTS: dict[str, Callable[[], str]] = {}


def explain(exc: ShgError, flag: str | None) -> tuple[str, str]:
    """(message, hint) to print for `exc`; `flag` is how the failed command spells its field."""
    hint = exc.hint
    if exc.code in HINTS:
        hint = HINTS[exc.code]().format(**exc.params, flag=flag or "")
    message = exc.message
    if flag and exc.field:
        message = f"{flag}: {message}"
    return message, hint
