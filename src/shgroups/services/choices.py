"""A value that must be one of the register's fixed values (`shgroups.enums`).

The command line offers these as choices, so a wrong value there is a usage error before a
service runs; the services check again for every other caller (an importer, a script)."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from shgroups.enums import typed_label, typed_value
from shgroups.errors import InvalidInput
from shgroups.i18n import _
from shgroups.text import field_label

E = TypeVar("E", bound=StrEnum)


def one_of(kind: type[E], value: str, field: str) -> E:
    """`value` as a member of `kind` (typed in English, Swedish or Norwegian: `enums.WORDS`),
    or InvalidInput for `field` listing the values."""
    try:
        return kind(typed_value(kind, value))
    except ValueError:
        values = [member.value for member in kind]
        raise InvalidInput(
            _("{value!r} is not one of the choices for {what}").format(
                what=field_label(field), value=value
            ),
            _("use one of: {values}").format(values=", ".join(map(typed_label, values))),
            code=f"{field}.unknown",
            field=field,
            value=value,
            values=values,
        ) from None
