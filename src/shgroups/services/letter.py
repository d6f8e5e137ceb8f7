"""The right of access as files a person can read: the export as JSON and as a letter.

Apart from services/persons.py, which gathers the record and writes the files: what the
letter says (and, later, its language: the county's, docs/design.md §7) changes for other
reasons than what is gathered.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from shgroups.i18n import _
from shgroups.text import json_visible, visible

# The identity of a person, as the letter lists it.
IDENTITY = ("name", "phone", "email", "note")


def export_json(doc: Mapping[str, Any]) -> str:
    """A file as JSON, with no control character left raw for the program that shows it."""
    return json_visible(json.dumps(doc, ensure_ascii=False, indent=2)) + "\n"


def export_text(doc: Mapping[str, Any]) -> str:
    """The export as a letter a person can read; stored text is shown, never obeyed, by the
    terminal or editor it is read in (control characters appear as \\x1b)."""
    person = doc["person"]
    lines = [
        _("What {county} holds about you").format(county=doc["county"] or "shg"),
        _("Exported {day} for registration {id}.").format(
            day=doc["exported_on"], id=doc["registration"]
        ),
        "",
        _("Who you are"),
        *(f"  {key}: {person[key] if person[key] is not None else '–'}" for key in IDENTITY),
        "",
        _("Registrations"),
    ]
    for reg in doc["registrations"]:
        lines.append(
            f"  {reg['id']}: "
            + ", ".join(
                f"{key} {' / '.join(value) if isinstance(value, list) else value}"
                for key, value in reg.items()
                if key != "id" and value not in (None, [])
            )
        )
    lines += ["", _("Groups")]
    lines += [
        f"  {_('group')} {m['group']} ({m['theme']}, {m['area']}): "
        f"{m['joined_on']} – {m['left_on'] or _('now')}"
        for m in doc["groups"]
    ] or ["  –"]
    lines += ["", _("What was done, when and by whom")]
    lines += [f"  {a['at']}  {a['actor']}  {a['action']}" for a in doc["audit"]]
    return visible("\n".join(lines) + "\n")
