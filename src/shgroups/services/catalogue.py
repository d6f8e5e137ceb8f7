"""Themes, areas and staff: the names a coordinator types, and how they are matched.

What the commands print is declared as TypedDicts (as in services/intake.py and groups.py):
the JSON documents scripts rely on (docs/design.md §4), at run time dicts printed as they are,
whose keys are declared once, for mypy, for the command line's views and for the README's table.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple, TypedDict

from shgroups.enums import Role
from shgroups.errors import Conflict, InvalidInput, NotFound
from shgroups.i18n import _, ngettext
from shgroups.names import clean, did_you_mean, name_key, suggest
from shgroups.services.choices import one_of
from shgroups.storage import Store
from shgroups.text import typed

CHECKOUT_DATA = Path(__file__).resolve().parents[3] / "data"

# kind -> (table, alias table or None, the field a name of this kind is typed in)
_KINDS = {
    "theme": ("themes", "theme_aliases", "theme"),
    "area": ("areas", None, "area"),
    "staff": ("staff", None, "starter"),  # staff are named where a group's starter is
}


def _what(kind: str) -> str:
    """What the user calls a kind, in a sentence."""
    return {"theme": _("theme"), "area": _("area"), "staff": _("staff member")}[kind]


def load_catalogue() -> list[dict[str, Any]]:
    """The default themes in data/themes.json: inside the installed package, or, in an
    editable install (where hatch does not copy data/), at the top of the checkout."""
    from importlib import resources  # only `init` needs it; it pulls in tempfile and random

    packaged = resources.files("shgroups").joinpath("data/themes.json")
    source = packaged if packaged.is_file() else CHECKOUT_DATA / "themes.json"
    text = source.read_text("utf-8")
    themes: list[dict[str, Any]] = json.loads(text)["themes"]
    return themes


_EXAMPLES = {"theme": "Ensamhet", "area": "Jönköping", "staff": "Eva Lind"}


def _check_name(text: str, kind: str) -> str:
    field = _KINDS[kind][2]
    name = clean(typed(text, field))
    if not name or len(name) > 120:
        raise InvalidInput(
            _("a {what} name must be 1 to 120 characters").format(what=_what(kind)),
            _("give a name such as {example!r}").format(example=_EXAMPLES[kind]),
            code=f"{kind}.name_length",
            field=field,
        )
    return name


def _lookup(store: Store, kind: str, text: str) -> dict[str, Any] | None:
    table, aliases, _field = _KINDS[kind]
    key = name_key(text)
    found = store.row(f"SELECT * FROM {table} WHERE key = ?", (key,))
    if found is None and aliases:
        found = store.row(
            f"SELECT t.* FROM {aliases} a JOIN {table} t ON t.id = a.theme_id WHERE a.key = ?",
            (key,),
        )
    return found


def resolve(store: Store, kind: str, text: str) -> dict[str, Any]:
    """Find a theme, area or staff member by name, or fail with "did you mean" suggestions."""
    table, aliases, field = _KINDS[kind]
    found = _lookup(store, kind, typed(text, field))
    if found is not None:
        return found
    names = [r["name"] for r in store.rows(f"SELECT name FROM {table}")]
    if aliases:
        names += [
            r["name"]
            for r in store.rows(
                f"SELECT t.name AS name FROM {aliases} a JOIN {table} t ON t.id = a.theme_id"
            )
        ]
        alias_of = {
            r["key"]: r["name"]
            for r in store.rows(
                f"SELECT a.key AS key, t.name AS name FROM {aliases} a "
                f"JOIN {table} t ON t.id = a.theme_id"
            )
        }
        near = [alias_of.get(name_key(n), n) for n in suggest(text, names + list(alias_of))]
        near = list(dict.fromkeys(near))
    else:
        near = suggest(text, names)
    # The command line adds how to create one (hints.py); an importer only the suggestions.
    raise NotFound(
        _("unknown {what} {name!r}").format(what=_what(kind), name=clean(text)),
        did_you_mean(near),
        code=f"{kind}.unknown",
        field=field,
        name=clean(text),
        suggestions=near,
    )


def resolve_theme(store: Store, text: str) -> dict[str, Any]:
    """A theme that takes new registrations (not retired)."""
    theme = resolve(store, "theme", text)
    if theme["retired_on"]:
        raise Conflict(
            _("theme {name!r} is retired").format(name=theme["name"]),
            _("choose another theme"),
            code="theme.retired",
            field="theme",
            theme=theme["name"],
        )
    return theme


def resolve_area(store: Store, text: str | None) -> dict[str, Any]:
    """The area named, or the default area for None."""
    if text is None:
        found = store.row("SELECT * FROM areas WHERE is_default = 1 ORDER BY id LIMIT 1")
        if found is None:
            raise NotFound(
                _("there is no default area"),
                _("name an area"),
                code="area.no_default",
                field="area",
            )
        return found
    return resolve(store, "area", text)


class Choice(NamedTuple):
    """A theme or area a registration names: its id, or None when the registration creates
    it (on purpose: --new-theme, --new-area) as it is written."""

    id: int | None
    name: str


def choose(
    store: Store,
    kind: str,
    text: str | None,
    *,
    create: bool = False,
    pending: Choice | None = None,
) -> Choice:
    """A theme or area for a registration, checked but not written (see `made`). `create`:
    a name not known yet is to be created; `pending`: one already to be created for this
    registration, which an alternative choice may name again."""
    if pending is not None and pending.id is None and text is not None:
        if name_key(text) == name_key(pending.name):
            return pending
    if create and text is not None and _lookup(store, kind, text) is None:
        return Choice(None, _check_name(text, kind))
    # A theme is always named; only an area may be left to the default.
    found = (
        resolve_area(store, text) if kind == "area" or text is None else resolve_theme(store, text)
    )
    return Choice(found["id"], found["name"])


def made(store: Store, kind: str, choice: Choice) -> int:
    """The id of a chosen theme or area, created now (inside the caller's write) if it is new."""
    if choice.id is not None:
        return choice.id
    found = _lookup(store, kind, choice.name)  # created for an earlier choice of the same row
    if found is not None:
        return int(found["id"])
    return add_theme(store, choice.name) if kind == "theme" else add_area(store, choice.name)


def get_theme(store: Store, theme_id: int) -> dict[str, Any]:
    found = store.row("SELECT * FROM themes WHERE id = ?", (theme_id,))
    assert found is not None
    return found


def get_area(store: Store, area_id: int) -> dict[str, Any]:
    found = store.row("SELECT * FROM areas WHERE id = ?", (area_id,))
    assert found is not None
    return found


def _refuse_taken(store: Store, kind: str, name: str) -> None:
    existing = _lookup(store, kind, name)
    if existing is not None:
        raise Conflict(
            _("{what} {name!r} already exists").format(what=_what(kind), name=existing["name"]),
            _("use the existing one, or choose another name"),
            code=f"{kind}.exists",
            field=_KINDS[kind][2],
            name=existing["name"],
        )


def add_theme(
    store: Store,
    name: str,
    aliases: list[str] = (),  # type: ignore[assignment]  # a tuple is a fine empty default
    labels: dict[str, str] | None = None,
) -> int:
    """Add a theme (inside the caller's transaction)."""
    name = _check_name(name, "theme")
    _refuse_taken(store, "theme", name)
    labels = labels or {}
    theme_id = store.insert(
        "themes",
        {
            "name": name,
            "key": name_key(name),
            "name_sv": labels.get("sv"),
            "name_nb": labels.get("nb"),
            "name_en": labels.get("en"),
        },
    )
    for alias in [*aliases, *labels.values()]:
        add_alias(store, theme_id, alias)
    store.audit("theme.add", "theme", theme_id)
    return theme_id


def add_alias(store: Store, theme_id: int, alias: str) -> None:
    key = name_key(alias)
    if not key or _lookup(store, "theme", alias) is not None:
        return  # already reaches a theme: the name itself or an earlier alias
    store.execute("INSERT INTO theme_aliases (key, theme_id) VALUES (?, ?)", (key, theme_id))


def seed_themes(store: Store, language: str) -> None:
    for entry in load_catalogue():
        labels = {lang: entry[lang] for lang in ("sv", "nb", "en") if entry.get(lang)}
        add_theme(store, labels.get(language, entry["sv"]), entry.get("aliases", []), labels)


class ThemeRow(TypedDict):
    """A row of `themes list`."""

    id: int
    name: str
    waiting: int  # first choices that wait
    retired: str | None  # the day it was retired


def list_themes(store: Store, include_retired: bool = False) -> list[ThemeRow]:
    rows = store.rows(
        """SELECT t.id, t.name,
                  (SELECT count(*) FROM registrations r
                    WHERE r.theme_id = t.id AND r.status = 'waiting') AS waiting,
                  t.retired_on AS retired
             FROM themes t
            WHERE ? OR t.retired_on IS NULL
            ORDER BY t.name COLLATE NOCASE""",
        (int(include_retired),),
    )
    return rows  # type: ignore[return-value]  # the query's columns


class ThemeNamed(TypedDict):
    """A theme as `themes add` and `themes rename` leave it."""

    id: int
    name: str


def create_theme(store: Store, name: str, aliases: list[str]) -> ThemeNamed:
    with store.write():
        theme_id = add_theme(store, name, aliases)
        return {"id": theme_id, "name": get_theme(store, theme_id)["name"]}


def rename_theme(store: Store, old: str, new: str) -> ThemeNamed:
    with store.write():
        theme = resolve(store, "theme", old)
        name = _check_name(new, "theme")
        existing = _lookup(store, "theme", name)
        if existing is not None and existing["id"] != theme["id"]:
            _refuse_taken(store, "theme", name)
        store.execute(
            "DELETE FROM theme_aliases WHERE key = ? AND theme_id = ?",
            (name_key(name), theme["id"]),
        )
        store.execute(
            "UPDATE themes SET name = ?, key = ? WHERE id = ?", (name, name_key(name), theme["id"])
        )
        # The old name keeps working, so lists and habits from before the rename still match.
        add_alias(store, theme["id"], theme["name"])
        store.audit("theme.rename", "theme", theme["id"])
        return {"id": theme["id"], "name": name}


class ThemeRetired(TypedDict):
    """A theme as `themes retire` leaves it."""

    id: int
    name: str
    retired: str  # the day


def retire_theme(store: Store, name: str, on: str) -> ThemeRetired:
    with store.write():
        theme = resolve(store, "theme", name)
        if theme["retired_on"]:
            raise Conflict(
                _("theme {name!r} is already retired").format(name=theme["name"]),
                _("a retired theme stays in the history"),
                code="theme.already_retired",
                theme=theme["name"],
            )
        waiting = store.value(
            "SELECT count(*) FROM registrations WHERE theme_id = ? AND status = 'waiting'",
            (theme["id"],),
        )
        if waiting:
            raise Conflict(
                ngettext(
                    "{n} person still waits for theme {name!r}",
                    "{n} people still wait for theme {name!r}",
                    waiting,
                ).format(n=waiting, name=theme["name"]),
                _("move or withdraw them first"),
                code="theme.still_waiting",
                theme=theme["name"],
                waiting=waiting,
            )
        store.execute("UPDATE themes SET retired_on = ? WHERE id = ?", (on, theme["id"]))
        store.audit("theme.retire", "theme", theme["id"])
        return {"id": theme["id"], "name": theme["name"], "retired": on}


def add_area(store: Store, name: str, digital: bool = False, default: bool = False) -> int:
    """Add an area (inside the caller's transaction)."""
    name = _check_name(name, "area")
    _refuse_taken(store, "area", name)
    if default:
        store.execute("UPDATE areas SET is_default = 0")
    area_id = store.insert(
        "areas",
        {"name": name, "key": name_key(name), "digital": int(digital), "is_default": int(default)},
    )
    store.audit("area.add", "area", area_id)
    return area_id


class AreaAdded(TypedDict):
    """An area as `areas add` made it."""

    id: int
    name: str
    digital: bool
    default: bool


def create_area(store: Store, name: str, digital: bool, default: bool) -> AreaAdded:
    with store.write():
        area_id = add_area(store, name, digital, default)
        area = get_area(store, area_id)
        return {"id": area_id, "name": area["name"], "digital": digital, "default": default}


class AreaRow(TypedDict):
    """A row of `areas list`."""

    id: int
    name: str
    waiting: int  # first choices that wait
    digital: bool
    default: bool


def list_areas(store: Store) -> list[AreaRow]:
    rows = store.rows(
        """SELECT a.id, a.name,
                  (SELECT count(*) FROM registrations r
                    WHERE r.area_id = a.id AND r.status = 'waiting') AS waiting,
                  a.digital = 1 AS digital, a.is_default = 1 AS "default"
             FROM areas a ORDER BY a.is_default DESC, a.name COLLATE NOCASE"""
    )
    return [
        {
            "id": r["id"],
            "name": r["name"],
            "waiting": r["waiting"],
            "digital": bool(r["digital"]),
            "default": bool(r["default"]),
        }
        for r in rows
    ]


class StaffAdded(TypedDict):
    """A staff member as `staff add` made them."""

    id: int
    name: str
    role: str


def add_staff(store: Store, name: str, role: str) -> StaffAdded:
    role = one_of(Role, role, "role")
    with store.write():
        name = _check_name(name, "staff")
        _refuse_taken(store, "staff", name)
        staff_id = store.insert("staff", {"name": name, "key": name_key(name), "role": role})
        store.audit("staff.add", "staff", staff_id)
        return {"id": staff_id, "name": name, "role": role}


class StaffRow(TypedDict):
    """A row of `staff list`."""

    id: int
    name: str
    role: str
    groups: int  # the groups not ended that they start


def list_staff(store: Store) -> list[StaffRow]:
    return store.rows(  # type: ignore[return-value]  # the query's columns
        """SELECT s.id, s.name, s.role,
                  (SELECT count(*) FROM groups g
                    WHERE g.starter_id = s.id AND g.status != 'ended') AS groups
             FROM staff s ORDER BY s.name COLLATE NOCASE"""
    )
