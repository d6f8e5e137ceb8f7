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


def _said(kind: str, situation: str) -> str:
    """A whole sentence about a theme, an area or a staff member: each its own, since a
    translation may need another form of the word, or another word order, for each."""
    return {
        ("theme", "name_length"): _("a theme name must be 1 to 120 characters"),
        ("area", "name_length"): _("an area name must be 1 to 120 characters"),
        ("staff", "name_length"): _("a staff member's name must be 1 to 120 characters"),
        ("theme", "unknown"): _("unknown theme {name!r}"),
        ("area", "unknown"): _("unknown area {name!r}"),
        ("staff", "unknown"): _("unknown staff member {name!r}"),
        ("theme", "retired"): _("theme {name!r} is retired"),
        ("area", "retired"): _("area {name!r} is retired"),
        ("staff", "retired"): _("staff member {name!r} is retired"),
        ("theme", "choose_another"): _("choose another theme, or take this one back into use"),
        ("area", "choose_another"): _("choose another area, or take this one back into use"),
        ("staff", "choose_another"): _(
            "choose another staff member, or take this one back into use"
        ),
        ("theme", "exists"): _("theme {name!r} already exists"),
        ("area", "exists"): _("area {name!r} already exists"),
        ("staff", "exists"): _("staff member {name!r} already exists"),
        ("theme", "already_retired"): _("theme {name!r} is already retired"),
        ("area", "already_retired"): _("area {name!r} is already retired"),
        ("staff", "already_retired"): _("staff member {name!r} is already retired"),
        ("theme", "stays"): _("a retired theme stays in the history"),
        ("area", "stays"): _("a retired area stays in the history"),
        ("staff", "stays"): _("a retired staff member stays in the history"),
        ("theme", "not_retired"): _("theme {name!r} is not retired"),
        ("area", "not_retired"): _("area {name!r} is not retired"),
        ("staff", "not_retired"): _("staff member {name!r} is not retired"),
    }[(kind, situation)]


def _still_waiting(kind: str, n: int) -> str:
    if kind == "theme":
        return ngettext(
            "{n} person still waits for theme {name!r}",
            "{n} people still wait for theme {name!r}",
            n,
        )
    return ngettext(
        "{n} person still waits for area {name!r}", "{n} people still wait for area {name!r}", n
    )


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
            _said(kind, "name_length"),
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
        _said(kind, "unknown").format(name=clean(text)),
        did_you_mean(near),
        code=f"{kind}.unknown",
        field=field,
        name=clean(text),
        suggestions=near,
    )


def _in_use(kind: str, found: dict[str, Any]) -> dict[str, Any]:
    """A theme, area or staff member that takes new registrations or groups: not retired."""
    if found["retired_on"]:
        raise Conflict(
            _said(kind, "retired").format(name=found["name"]),
            _said(kind, "choose_another"),
            code=f"{kind}.retired",
            field=_KINDS[kind][2],
            name=found["name"],
            **{kind: found["name"]},
        )
    return found


def resolve_theme(store: Store, text: str) -> dict[str, Any]:
    """A theme that takes new registrations and groups (not retired)."""
    return _in_use("theme", resolve(store, "theme", text))


def resolve_area(store: Store, text: str | None) -> dict[str, Any]:
    """The area named, or the default area for None; one that takes new registrations and
    groups (not retired; the default area cannot be retired)."""
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
    return _in_use("area", resolve(store, "area", text))


def resolve_starter(store: Store, text: str) -> dict[str, Any]:
    """A staff member who can be given a group (not retired). Lists and filters of groups
    that a retired staff member still starts use `resolve(store, "staff", …)`."""
    return _in_use("staff", resolve(store, "staff", text))


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
            _said(kind, "exists").format(name=existing["name"]),
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


class Waiting(TypedDict):
    """A theme or area, and how many wait for it: what retiring it would leave waiting."""

    id: int
    name: str
    waiting: int  # waiting registrations that name it, as first or other choice


_WAITING_SQL = {
    "theme": """SELECT count(*) FROM registrations r WHERE r.status = 'waiting'
                  AND (r.theme_id = :id OR EXISTS (SELECT 1 FROM registration_themes x
                       WHERE x.registration_id = r.id AND x.theme_id = :id))""",
    "area": """SELECT count(*) FROM registrations r WHERE r.status = 'waiting'
                 AND (r.area_id = :id OR EXISTS (SELECT 1 FROM registration_areas x
                      WHERE x.registration_id = r.id AND x.area_id = :id))""",
}


def _retirable(store: Store, kind: str, name: str) -> dict[str, Any]:
    """The theme, area or staff member to retire, or why it cannot be."""
    found = resolve(store, kind, name)
    if found["retired_on"]:
        raise Conflict(
            _said(kind, "already_retired").format(name=found["name"]),
            _said(kind, "stays"),
            code=f"{kind}.already_retired",
            field=_KINDS[kind][2],
            name=found["name"],
            **{kind: found["name"]},
        )
    if kind == "area" and found["is_default"]:
        raise Conflict(
            _("area {name!r} is the default area, used when a registration names none").format(
                name=found["name"]
            ),
            _("make another area the default first"),
            code="area.default_retired",
            field="area",
            area=found["name"],
        )
    return found


def waiting_for(store: Store, kind: str, name: str) -> Waiting:
    """A theme or area about to be retired, and how many wait for it (first or other
    choice); refuses one that cannot be retired. Read before asking the coordinator."""
    found = _retirable(store, kind, name)
    waiting = store.value(_WAITING_SQL[kind], {"id": found["id"]})
    return {"id": found["id"], "name": found["name"], "waiting": waiting}


class Retired(TypedDict):
    """A theme, area or staff member as `retire` leaves it."""

    id: int
    name: str
    retired: str  # the day


class ThemeRetired(Retired):
    """`themes retire`, `areas retire`: also how many still wait for it."""

    waiting: int  # waiting registrations that name it: they keep waiting


class StaffRetired(Retired):
    """`staff retire`: also the groups they still start."""

    groups: list[int]  # groups not ended whose starter they stay, until handed over


def retire(store: Store, kind: str, name: str, on: str, keep_waiting: int = 0) -> Any:
    """Retire a theme, area or staff member: it takes no new registrations or groups; its
    history stays. People waiting for a theme or area keep waiting: `keep_waiting` is how
    many the coordinator agreed to leave waiting, having been told; more are refused. A
    retired staff member keeps the groups they start until these are handed over."""
    table = _KINDS[kind][0]
    with store.write():
        found = _retirable(store, kind, name)
        result: dict[str, Any] = {"id": found["id"], "name": found["name"], "retired": on}
        if kind == "staff":
            result["groups"] = _groups_of(store, found["id"])
        else:
            result["waiting"] = waiting = store.value(_WAITING_SQL[kind], {"id": found["id"]})
            if waiting > keep_waiting:
                raise Conflict(
                    _still_waiting(kind, waiting).format(n=waiting, name=found["name"]),
                    _("they keep waiting if it is retired; retire it only when that is agreed"),
                    code=f"{kind}.still_waiting",
                    field=_KINDS[kind][2],
                    name=found["name"],
                    waiting=waiting,
                    **{kind: found["name"]},
                )
        store.execute(f"UPDATE {table} SET retired_on = ? WHERE id = ?", (on, found["id"]))
        store.audit(f"{kind}.retire", kind, found["id"])
        return result


def retire_staff(store: Store, name: str, on: str) -> StaffRetired:
    return retire(store, "staff", name, on)  # type: ignore[no-any-return]


def _groups_of(store: Store, staff_id: int) -> list[int]:
    return [
        r["id"]
        for r in store.rows(
            "SELECT id FROM groups WHERE starter_id = ? AND status != 'ended' ORDER BY id",
            (staff_id,),
        )
    ]


class Named(TypedDict):
    """A theme, area or staff member as `restore` and `rename` leave it."""

    id: int
    name: str


def restore(store: Store, kind: str, name: str) -> Named:
    """Take a retired theme, area or staff member back into use."""
    table = _KINDS[kind][0]
    with store.write():
        found = resolve(store, kind, name)
        if not found["retired_on"]:
            raise Conflict(
                _said(kind, "not_retired").format(name=found["name"]),
                _("it is in use already"),
                code=f"{kind}.not_retired",
                field=_KINDS[kind][2],
                name=found["name"],
                **{kind: found["name"]},
            )
        store.execute(f"UPDATE {table} SET retired_on = NULL WHERE id = ?", (found["id"],))
        store.audit(f"{kind}.restore", kind, found["id"])
        return {"id": found["id"], "name": found["name"]}


def rename(store: Store, kind: str, old: str, new: str) -> Named:
    """Rename an area or a staff member. They keep no other names (unlike themes, which keep
    the old name as an alias): the old name stops matching."""
    if kind == "theme":
        return rename_theme(store, old, new)
    table = _KINDS[kind][0]
    with store.write():
        found = resolve(store, kind, old)
        name = _check_name(new, kind)
        existing = _lookup(store, kind, name)
        if existing is not None and existing["id"] != found["id"]:
            _refuse_taken(store, kind, name)
        store.execute(
            f"UPDATE {table} SET name = ?, key = ? WHERE id = ?",
            (name, name_key(name), found["id"]),
        )
        store.audit(f"{kind}.rename", kind, found["id"])
        return {"id": found["id"], "name": name}


def make_default(store: Store, name: str) -> Named:
    """The area a registration without one is put in."""
    with store.write():
        area = _in_use("area", resolve(store, "area", name))
        if not area["is_default"]:
            store.execute("UPDATE areas SET is_default = (id = ?)", (area["id"],))
            store.audit("area.default", "area", area["id"])
        return {"id": area["id"], "name": area["name"]}


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
    retired: str | None  # the day it was retired


def list_areas(store: Store, include_retired: bool = False) -> list[AreaRow]:
    rows = store.rows(
        """SELECT a.id, a.name,
                  (SELECT count(*) FROM registrations r
                    WHERE r.area_id = a.id AND r.status = 'waiting') AS waiting,
                  a.digital = 1 AS digital, a.is_default = 1 AS "default",
                  a.retired_on AS retired
             FROM areas a
            WHERE ? OR a.retired_on IS NULL
            ORDER BY a.is_default DESC, a.name COLLATE NOCASE""",
        (int(include_retired),),
    )
    return [
        {
            "id": r["id"],
            "name": r["name"],
            "waiting": r["waiting"],
            "digital": bool(r["digital"]),
            "default": bool(r["default"]),
            "retired": r["retired"],
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
    retired: str | None  # the day they were retired


def list_staff(store: Store, include_retired: bool = False) -> list[StaffRow]:
    return store.rows(  # type: ignore[return-value]  # the query's columns
        """SELECT s.id, s.name, s.role,
                  (SELECT count(*) FROM groups g
                    WHERE g.starter_id = s.id AND g.status != 'ended') AS groups,
                  s.retired_on AS retired
             FROM staff s
            WHERE ? OR s.retired_on IS NULL
            ORDER BY s.name COLLATE NOCASE""",
        (int(include_retired),),
    )
