"""shg's own export read back (`shg import` of a file `shg export` wrote): the register
restored whole into a new one, by the contract of services/export.py (the about sheet names
each table's sheet; row 2 holds the columns' keys; ids link the sheets).

The ids in the file are the old register's: each table's rows get new ids here, and every
column that names another table's id (`theme_id`, `group_id` …) is translated. The file's
settings, themes, areas and staff become the register's.
A register that already holds registrations or groups is refused, unless it holds exactly
the file's registrations already (the same file imported twice: nothing is added). The new
register's own catalogue (what `shg init` loaded, in its language) is replaced by the
file's, so that the register read back is the one exported.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from shgroups.enums import RegistrationStatus
from shgroups.errors import ShgError
from shgroups.i18n import _
from shgroups.names import name_key
from shgroups.phones import email_key, phone_key
from shgroups.services import export
from shgroups.services import intake as registering
from shgroups.services.choices import one_of
from shgroups.services.settings import BY_NAME, get_settings, validate
from shgroups.storage import Store

if TYPE_CHECKING:
    from datetime import date

    from shgroups.services.importing import Report, Sheet

Rows = list[tuple[int, dict[str, Any]]]  # (the row as the sheet numbers it, key -> cell)

# The tables restored by their columns alone, in an order that has every id they name.
_PLAIN = (
    "registration_themes",
    "registration_areas",
    "groups",
    "group_members",
    "sessions",
    "meeting_changes",
    "followups",
)
_MAPPED = {
    "theme_id": "themes",
    "area_id": "areas",
    "starter_id": "staff",
    "group_id": "groups",
    "registration_id": "registrations",
}


def _columns(table: str) -> tuple[export.Column, ...]:
    return next(t for t in export.TABLES if t.key == table).columns


def _value(cell: Any, kind: str) -> Any:
    from shgroups.services.importing import cell_day, cell_text

    text = cell_text(cell)
    if text is None:
        return None
    if kind == export.DAY:
        return cell_day(cell, "date").isoformat()
    if kind == export.YES_NO:
        return int(cell is True or text.casefold() == "true")
    if kind == export.NUMBER:
        return int(float(text))
    return cell if isinstance(cell, str) else text


class _Restore:
    def __init__(self, store: Store, report: Report, today: date) -> None:
        self.store, self.report, self.today = store, report, today
        self.ids: dict[str, dict[int, int]] = {t: {} for t in [*_MAPPED.values(), "persons"]}

    def problem(self, text: str) -> None:
        self.report["problems"].append(text)

    def error(self, sheet: str, number: int, key: str | None, message: str) -> None:
        column = f"{sheet}: {key}" if key else sheet
        self.report["errors"].append({"row": number, "column": column, "message": message})

    def tables(self, sheets: list[Sheet], about: Sheet) -> dict[str, tuple[str, Rows]] | None:
        from shgroups.services.importing import cell_text

        info = {cell_text(r[0]): r for r in about.rows[2:] if r and cell_text(r[0])}
        version = cell_text(info.get("version", [None, None])[1])
        if version != str(export.VERSION):
            self.problem(
                _("this export is of version {version}; this shg reads version {known}").format(
                    version=version, known=export.VERSION
                )
            )
            return None
        if cell_text(info.get("anonymous", [None, None])[1]) == "true":
            self.problem(
                _(
                    "this is an anonymous export: without names it cannot become a register "
                    "to work with"
                )
            )
            return None
        by_name = {s.name: s for s in sheets}
        out: dict[str, tuple[str, Rows]] = {}
        for table in export.TABLES:
            entry = info.get(f"sheet.{table.key}")
            sheet = by_name.get(str(cell_text(entry[1]))) if entry else None
            if sheet is None or len(sheet.rows) < 2:
                self.problem(_("the export's sheet for {table} is missing").format(table=table.key))
                continue
            keys = [cell_text(c) or "" for c in sheet.rows[1]]
            out[table.key] = (
                sheet.name,
                [
                    (n, dict(zip(keys, row, strict=False)))
                    for n, row in enumerate(sheet.rows[2:], start=3)
                    if any(cell_text(c) is not None for c in row)
                ],
            )
        return None if self.report["problems"] else out

    def already_there(self, registrations: Rows) -> bool:
        """Every registration of the file is in the register: the same person (name, phone,
        e-mail), theme and day."""
        region = str(get_settings(self.store)["country"])
        for _n, row in registrations:
            found = self.store.value(
                """SELECT 1 FROM registrations r JOIN themes t ON t.id = r.theme_id
                     LEFT JOIN persons p ON p.id = r.person_id
                    WHERE t.key = :theme AND r.registered_on = :on
                      AND p.name_key IS :name AND p.phone_key IS :phone
                      AND p.email_key IS :email LIMIT 1""",
                {
                    "theme": name_key(str(row.get("theme") or "")),
                    "on": _value(row.get("registered_on"), export.DAY),
                    "name": name_key(row["name"]) if row.get("name") else None,
                    "phone": phone_key(_value(row.get("phone"), export.TEXT), region),
                    "email": email_key(_value(row.get("email"), export.TEXT)),
                },
            )
            if found is None:
                return False
        return True

    def settings(self, rows: Rows) -> None:
        from shgroups.services.importing import cell_text

        values = {
            str(cell_text(r.get("key"))): cell_text(r.get("value"))
            for _n, r in rows
            if cell_text(r.get("key")) in BY_NAME
        }
        try:
            checked = validate({**get_settings(self.store), **values})
        except ShgError as exc:
            self.problem(exc.message)
            return
        for key, value in checked.items():
            self.store.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, str(value)),
            )
        self.store.settings_changed()

    def catalogue(self, table: str, sheet: str, rows: Rows, extra: tuple[str, ...]) -> None:
        """Themes, areas or staff, as they were (the new register's own were removed)."""
        kinds = {c.key: c.kind for c in _columns(table)}
        for number, row in rows:
            try:
                name = str(row["name"])
                values = {k: _value(row.get(k), kinds[k]) for k in extra}
                new = self.store.insert(table, {"name": name, "key": name_key(name), **values})
            except (ShgError, KeyError, ValueError, TypeError, sqlite3.Error):
                self.error(sheet, number, None, _("the row does not fit the register"))
                continue
            self.ids[table][int(row["id"])] = new

    def registrations(self, sheet: str, rows: Rows) -> None:
        region = str(get_settings(self.store)["country"])
        kinds = {c.key: c.kind for c in _columns("registrations")}
        for number, row in rows:
            try:
                values = {k: _value(row.get(k), kinds[k]) for k in kinds}
                one_of(RegistrationStatus, str(values["status"]), "status")
                old_person = values["person_id"]
                if old_person is not None and old_person not in self.ids["persons"]:
                    person = registering.validate_person(
                        registering.PersonInput(
                            name=str(values["name"]),
                            phone=values["phone"],
                            email=values["email"],
                            note=values["note"],
                        ),
                        self.today,
                        True,
                        region,
                    )
                    self.ids["persons"][old_person] = self.store.insert(
                        "persons",
                        {
                            "name": person.name,
                            "name_key": name_key(person.name),
                            "phone": person.phone,
                            "phone_key": phone_key(person.phone, region),
                            "email": person.email,
                            "email_key": email_key(person.email),
                            "note": person.note,
                        },
                    )
                new = self.store.insert(
                    "registrations",
                    {
                        "person_id": self.ids["persons"].get(old_person),
                        "theme_id": self.ids["themes"][values["theme_id"]],
                        "area_id": self.ids["areas"][values["area_id"]],
                        **{
                            k: values[k]
                            for k in (
                                "registered_on",
                                "status",
                                "status_on",
                                "confirmed_on",
                                "gender",
                                "birth_year",
                                "source",
                                "basis",
                                "consent_on",
                                "informed_on",
                                "info_version",
                            )  # fmt: skip
                        },
                    },
                )
            except ShgError as exc:
                self.error(sheet, number, exc.field, exc.message)
                continue
            except (KeyError, ValueError, TypeError, sqlite3.Error):
                self.error(sheet, number, None, _("the row does not fit the register"))
                continue
            self.ids["registrations"][int(values["id"])] = new
            self.report["added"] += 1

    def plain(self, table: str, sheet: str, rows: Rows) -> None:
        columns = _columns(table)
        stored = {r["name"] for r in self.store.rows(f"PRAGMA table_info({table})")}
        for number, row in rows:
            try:
                values = {
                    c.key: _value(row.get(c.key), c.kind)
                    for c in columns
                    if c.key != "id" and c.key in stored
                }
                for key, target in _MAPPED.items():
                    if values.get(key) is not None:
                        values[key] = self.ids[target][values[key]]
                new = self.store.insert(table, values)
            except (ShgError, KeyError, ValueError, TypeError, sqlite3.Error):
                self.error(sheet, number, None, _("the row does not fit the register"))
                continue
            if table == "groups":
                self.ids["groups"][int(row["id"])] = new
                self.report["groups"] += 1


def restore(store: Store, sheets: list[Sheet], about: Sheet, report: Report, today: date) -> None:
    """Restore the export's tables into the register, inside the caller's write; what fails
    is in `report` (errors per row, problems of the whole file)."""
    work = _Restore(store, report, today)
    tables = work.tables(sheets, about)
    if tables is None:
        return
    report["rows"] = len(tables["registrations"][1])
    if store.value("SELECT count(*) FROM registrations") or store.value(
        "SELECT count(*) FROM groups"
    ):
        if work.already_there(tables["registrations"][1]):
            report["known"] = report["rows"]
        else:
            work.problem(
                _(
                    "the register already holds registrations or groups: shg's own export is "
                    "read into a new, empty register"
                )
            )
        return
    work.settings(tables["settings"][1])
    # The new register's catalogue (what `shg init` loaded, in its language) gives way to
    # the file's: nothing refers to it yet.
    for table in ("theme_aliases", "themes", "areas", "staff"):
        store.execute(f"DELETE FROM {table}")
    work.catalogue("themes", *tables["themes"], ("name_sv", "name_nb", "name_en", "retired_on"))
    for _n, row in tables["theme_aliases"][1]:
        theme = work.ids["themes"].get(int(row["theme_id"]))
        if theme is not None and row.get("key"):
            store.execute(
                "INSERT OR IGNORE INTO theme_aliases (key, theme_id) VALUES (?, ?)",
                (name_key(str(row["key"])), theme),
            )
    work.catalogue("areas", *tables["areas"], ("digital", "is_default", "retired_on"))
    work.catalogue("staff", *tables["staff"], ("role", "retired_on"))
    work.registrations(*tables["registrations"])
    for table in _PLAIN:
        work.plain(table, *tables[table])
