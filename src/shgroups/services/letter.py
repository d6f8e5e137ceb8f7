"""The right of access as files a person can read: the export as JSON and as a letter.

Apart from services/persons.py, which gathers the record and writes the files: what the
letter says changes for other reasons than what is gathered. The letter is written to the
person, in the county's language (the setting `language`), whatever language the
coordinator's own screen speaks; its dates as that language writes them (Babel).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from shgroups.enums import action_label, label
from shgroups.i18n import N_, _, ngettext, speaking
from shgroups.language import long_date
from shgroups.text import json_visible, visible

# The identity of a person, as the letter lists it.
IDENTITY = ("name", "phone", "email", "note")
# Where a person complains about how their data is handled, by the county's country.
AUTHORITY = {
    "SE": ("Integritetsskyddsmyndigheten (IMY)", "www.imy.se"),
    "NO": ("Datatilsynet", "www.datatilsynet.no"),
}
# Where a registration stands, as the letter says it to the person.
STATUS = {
    "waiting": N_("You are waiting for a group (since {day})."),
    "placed": N_("You are in a group (since {day})."),
    "withdrawn": N_("You are no longer waiting for a group (since {day})."),
    "referred": N_("You were referred to other support (on {day})."),
}


def export_json(doc: Mapping[str, Any]) -> str:
    """A file as JSON, with no control character left raw for the program that shows it."""
    return json_visible(json.dumps(doc, ensure_ascii=False, indent=2)) + "\n"


def export_text(doc: Mapping[str, Any], settings: Mapping[str, Any]) -> str:
    """The export as a letter to the person, in the county's language; stored text is shown,
    never obeyed, by the terminal or editor it is read in (control characters appear as
    \\x1b)."""
    with speaking(settings["language"]):
        return visible(_letter(doc, settings))


def _letter(doc: Mapping[str, Any], settings: Mapping[str, Any]) -> str:
    def day(value: str | None) -> str:
        """A day ("2026-11-27", or an audit's UTC time: its local day) as the letter says it."""
        if not value:
            return "–"
        when = datetime.fromisoformat(value).astimezone().date() if "T" in value else value
        return long_date(date.fromisoformat(str(when)), settings["language"])

    county = settings["county"] or _("the county")
    person = doc["person"]
    lines = [
        county,
        day(doc["exported_on"]),
        "",
        _("Your personal data in our register of self-help groups"),
        "",
        _("Hello {name},").format(name=person["name"] or ""),
        "",
        _(
            "You asked what we hold about you. This letter lists all of it, as it stood on "
            "{day}. A file with the same data for a computer (JSON) may come with it."
        ).format(day=day(doc["exported_on"])),
        "",
        _("Who you are"),
        *(
            f"  {heading}: {person[key] if person[key] is not None else '–'}"
            for key, heading in (
                ("name", _("Name")),
                ("phone", _("Phone")),
                ("email", _("E-mail")),
                ("note", _("Note")),
            )
        ),
        "",
        _("What you registered for"),
    ]
    for reg in doc["registrations"]:
        lines += [
            "  "
            + _("Registration {id}, received {day}").format(id=reg["id"], day=day(reg["date"])),
            "    "
            + _("Theme: {theme}").format(theme=", ".join([reg["theme"], *reg["also_themes"]])),
            "    " + _("Area: {area}").format(area=", ".join([reg["area"], *reg["also_areas"]])),
            "    "
            + _(STATUS.get(reg["status"], STATUS["withdrawn"])).format(day=day(reg["status_date"])),
        ]
        gender = label(reg["gender"]) if reg.get("gender") else None
        year = reg.get("birth_year")
        if gender and year:
            stats = _("For the statistics only: {gender}, born {year}")
        elif gender:
            stats = _("For the statistics only: {gender}")
        elif year:
            stats = _("For the statistics only: born {year}")
        else:
            stats = ""
        if stats:
            lines.append("    " + stats.format(gender=gender, year=year))
        if reg.get("source"):
            lines.append("    " + _("How you found us: {source}").format(source=reg["source"]))
        if reg.get("confirmed_on"):
            lines.append("    " + _("Last confirmed: {day}").format(day=day(reg["confirmed_on"])))
        if reg.get("consent_on"):
            lines.append("    " + _("You consented on {day}.").format(day=day(reg["consent_on"])))
        if reg.get("informed_on"):
            lines.append(
                "    " + _("You were informed on {day}.").format(day=day(reg["informed_on"]))
            )
    lines += ["", _("Groups you have been in")]
    lines += [
        "  "
        + (
            _("Group {group} ({theme}, {area}): from {joined}, still a member")
            if m["left_on"] is None
            else _("Group {group} ({theme}, {area}): from {joined} to {left}")
        ).format(
            group=m["group"],
            theme=m["theme"],
            area=m["area"],
            joined=day(m["joined_on"]),
            left=day(m["left_on"]),
        )
        for m in doc["groups"]
    ] or ["  " + _("None.")]
    consent = settings["legal_basis"] == "consent"
    name, address = AUTHORITY.get(settings["country"], AUTHORITY["SE"])
    waiting, identity = settings["waiting_months"], settings["identity_months"]
    lines += [
        "",
        _("Why we hold it"),
        "  "
        + _(
            "To bring you together with others who want to share the same theme, to start a "
            "group when enough people wait, and to follow the group up. Figures for reports "
            "are only counted, never with your name."
        ),
        "",
        _("On what legal basis"),
        "  "
        + (
            _(
                "Your consent. You can withdraw it at any time; we then erase your name and "
                "contact details."
            )
            if consent
            else _("Our task in the public interest (GDPR article 6.1 e).")
        ),
        "",
        _("How long we keep it"),
        "  "
        + ngettext(
            "While you wait: {n} month from your registration or your last confirmation, "
            "unless you confirm that you still want a group.",
            "While you wait: {n} months from your registration or your last confirmation, "
            "unless you confirm that you still want a group.",
            waiting,
        ).format(n=waiting),
        "  "
        + ngettext(
            "After you leave a group or the queue: your name and contact details are erased "
            "{n} month later. What remains cannot be traced to you.",
            "After you leave a group or the queue: your name and contact details are erased "
            "{n} months later. What remains cannot be traced to you.",
            identity,
        ).format(n=identity),
        "",
        _("Who sees it"),
        "  "
        + _(
            "Only the coordinators of {county}. Nothing is shared with anyone else or sent "
            "elsewhere."
        ).format(county=county),
        "",
        _("Your rights"),
        "  "
        + _(
            "You may have wrong data corrected, have your data erased, and have its use "
            "restricted. Contact us and we will do it."
        ),
        "  "
        + _(
            "If you think we handle your data wrongly, you can complain to {authority}, {address}."
        ).format(authority=name, address=address),
        "",
        _("What was done with your data, and when"),
    ]
    lines += [f"  {day(a['at'])}: {action_label(a['action'])}" for a in doc["audit"]]
    lines += ["", _("Kind regards,"), county]
    return "\n".join(_wrapped(line) for line in lines) + "\n"


def _wrapped(line: str, width: int = 78) -> str:
    """A line of the letter wrapped at `width`, its continuation lines indented as it is."""
    import textwrap

    indent = line[: len(line) - len(line.lstrip())]
    return textwrap.fill(line, width, subsequent_indent=indent, break_on_hyphens=False) or line
