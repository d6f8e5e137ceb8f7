"""The two lists a county publishes (on 1177.se, on its own web): the groups seeking
participants and the ongoing groups. This module gathers them from the register as plain
data; render/lists.py writes them as a document (Markdown, HTML, plain text).

What is gathered is what the public may read: themes, areas, whether a group has open seats,
since when a group meets and whether it takes new members. Never a name, an id, a count of
people waiting, a contact detail or a note: they are not selected, so no renderer can show them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypedDict

from shgroups.services.settings import get_settings
from shgroups.storage import Store


class Theme(TypedDict):
    """A theme that seeks participants in an area: people wait for it there (first choice),
    and/or a group of it there takes new members and has a seat left (`open_seats`)."""

    theme: str
    open_seats: bool


class Area(TypedDict):
    """An area of the list of groups seeking participants, with its themes."""

    area: str
    digital: bool
    default: bool
    themes: list[Theme]


class Ongoing(TypedDict):
    """A group that meets: started (not planned) and not ended. `seats`: "open" (takes new
    members and has a seat), "full" (open, but at the county's max_size), or "closed"."""

    theme: str
    area: str
    digital: bool
    started_on: str
    seats: str


class Lists(TypedDict):
    county: str
    language: str
    on: str  # the day of the list, ISO
    min_size: int
    seeking: list[Area]
    ongoing: list[Ongoing]


# Current members of each group; groups that have not ended.
_GROUPS = """
SELECT g.id, t.name AS theme, a.name AS area, a.digital, a.is_default, g.status, g.started_on,
       g.open, t.retired_on IS NOT NULL OR a.retired_on IS NOT NULL AS retired,
       (SELECT count(*) FROM group_members m
         WHERE m.group_id = g.id AND m.left_on IS NULL) AS members
  FROM groups g
  JOIN themes t ON t.id = g.theme_id
  JOIN areas a ON a.id = g.area_id
 WHERE g.status IN ('starting', 'running')
"""

# The first choices people wait for, in themes and areas that take registrations.
_WAITED_FOR = """
SELECT DISTINCT t.name AS theme, a.name AS area, a.digital, a.is_default
  FROM registrations r
  JOIN themes t ON t.id = r.theme_id
  JOIN areas a ON a.id = r.area_id
 WHERE r.status = 'waiting' AND t.retired_on IS NULL AND a.retired_on IS NULL
"""

# The letters after z, in each language's alphabet order (sv: å ä ö; nb: æ ø å).
_AFTER_Z = {"sv": "åäöæø", "nb": "æøåäö", "en": ""}


Key = tuple[tuple[int, str], ...]


def sort_key(language: str) -> Callable[[str], Key]:
    """A name's place in the county's alphabet: ignoring case, with å ä ö (æ ø å) after z."""
    tail = _AFTER_Z.get(language, "")

    def key(name: str) -> Key:
        return tuple((tail.index(c) + 1 if c in tail else 0, c) for c in name.casefold())

    return key


def season_of(started_on: str) -> tuple[str, int]:
    """("spring" | "autumn", year) of a start date: spring is January to June, autumn July to
    December (docs: README, Decisions)."""
    day = date.fromisoformat(started_on)
    return ("spring" if day.month <= 6 else "autumn"), day.year


def gather(store: Store, today: date) -> Lists:
    """Both lists as of `today`, sorted as they are shown: seeking by area name, then theme;
    ongoing by theme, then area, then start."""
    settings = get_settings(store)
    language = str(settings["language"])
    key = sort_key(language)
    max_size = int(settings["max_size"])
    day = today.isoformat()

    areas: dict[str, Area] = {}
    seats: dict[tuple[str, str], bool] = {}  # (area, theme) -> a group there has open seats

    def seeking(area: str, digital: bool, default: bool, theme: str, open_seats: bool) -> None:
        areas.setdefault(area, {"area": area, "digital": digital, "default": default, "themes": []})
        seats[(area, theme)] = seats.get((area, theme), False) or open_seats

    for row in store.rows(_WAITED_FOR):
        seeking(row["area"], bool(row["digital"]), bool(row["is_default"]), row["theme"], False)

    ongoing: list[Ongoing] = []
    for row in store.rows(_GROUPS):
        has_seat = bool(row["open"]) and row["members"] < max_size
        if has_seat and not row["retired"]:
            seeking(row["area"], bool(row["digital"]), bool(row["is_default"]), row["theme"], True)
        if row["started_on"] <= day:  # a planned group does not meet yet
            ongoing.append(
                {
                    "theme": row["theme"],
                    "area": row["area"],
                    "digital": bool(row["digital"]),
                    "started_on": row["started_on"],
                    "seats": "open" if has_seat else "full" if row["open"] else "closed",
                }
            )

    for (area, theme), open_seats in seats.items():
        areas[area]["themes"].append({"theme": theme, "open_seats": open_seats})
    for entry in areas.values():
        entry["themes"].sort(key=lambda t: key(t["theme"]))
    ongoing.sort(key=lambda g: (key(g["theme"]), key(g["area"]), g["started_on"]))
    return {
        "county": str(settings["county"]),
        "language": language,
        "on": day,
        "min_size": int(settings["min_size"]),
        "seeking": sorted(areas.values(), key=lambda a: key(a["area"])),
        "ongoing": ongoing,
    }
