"""Reading a spreadsheet into the register (`shg import`): a coordinator's old sheet, or a
workbook shg itself exported.

- **Reading** (`read_bytes`, `read_sheets`): .xlsx and .ods with python-calamine, every cell
  as its value (text as text, Excel dates as dates, numbers as numbers); .csv separated by `;`
  or `,`, in UTF-8 (with or without a byte order mark) or else Windows-1252. `read_bytes` is
  the one place a file's bytes are read (where a decrypting step belongs).
- **Columns** are found by their headers (`HEADERS`, declared once: Swedish, Norwegian and
  English, compared without case, accents, spaces and punctuation) in the first row that
  has at least two known headers; a merged title row above it is skipped. `--map` names a
  column's field; a column neither knows is listed and ignored, never guessed.
- **Rows** are checked by the rules of `intake add` (services/intake.py: `validate_person`,
  `catalogue.choose`, `validate_registration`), every row, each error against its row (as
  the spreadsheet numbers it) and its column; then written in one transaction, or nothing
  is (a failing row, a dry run).
- **shg's own export** (format `shg-export`, recognised by its about sheet) is read by its
  column keys and restored whole into a new register: settings, catalogue, people,
  registrations, groups, members, sessions, meeting changes and follow-ups (`_native`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple, TypedDict

from shgroups import files
from shgroups.dates import FIRST_YEAR, LAST_YEAR, not_after_today
from shgroups.enums import RegistrationStatus
from shgroups.errors import InvalidInput, ShgError
from shgroups.freetext import check_free_text
from shgroups.i18n import _
from shgroups.names import did_you_mean, fold, name_key, suggest
from shgroups.phones import email_key, phone_key
from shgroups.services import catalogue
from shgroups.services import intake as registering
from shgroups.services.choices import one_of
from shgroups.services.settings import get_settings
from shgroups.storage import Store
from shgroups.text import field_label, typed

SUFFIXES = (".xlsx", ".ods", ".csv")

# --- the headers a column is recognised by -------------------------------------------------
#
# field -> the headers that name it, in Swedish, Norwegian and English, as coordinators write
# them. Compared folded (`_folded`: no case, no accents, no spaces or punctuation), so
# "E-post", "epost" and "E post" are one; a header that starts with one of the longer ones
# ("Hur fick du kännedom om oss?") is it too. The fields are also what --map names.
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("Namn", "Navn", "Name", "Fullständigt namn", "Fullt navn", "Full name", "Alias"),
    "first_name": ("Förnamn", "Fornavn", "First name", "Given name"),
    "last_name": ("Efternamn", "Etternavn", "Last name", "Surname", "Family name"),
    "phone": (
        "Telefon", "Tel", "Tfn", "Telefonnummer", "Telefonnr", "Mobil", "Mobilnummer",
        "Mobiltelefon", "Tlf", "Tlf.nr", "Mobilnr", "Phone", "Telephone", "Mobile",
        "Phone number",
    ),
    "email": ("E-post", "Epost", "Mejl", "Mail", "E-postadress", "E-mail", "Email"),
    "theme": (
        "Tema", "Önskat tema", "Ønsket tema", "Grupptema", "Gruppetema", "Theme",
        "Wanted theme",
    ),
    "area": (
        "Ort", "Område", "Kommun", "Bostadsort", "Stad", "Sted", "Kommune", "Bosted", "Area",
        "Town", "Place", "Municipality",
    ),
    "registered_on": (
        "Anmäld", "Anmälningsdatum", "Anmälan", "Datum", "Registrerad", "Dato", "Påmeldt",
        "Påmeldingsdato", "Registrert", "Registreringsdato", "Date", "Registered",
        "Registration date",
    ),
    "gender": ("Kön", "Kjønn", "Gender", "Sex"),
    "birth_year": ("Födelseår", "Fødselsår", "Birth year", "Year of birth"),
    "age": ("Ålder", "Alder", "Age"),
    "source": (
        "Hur fick du kännedom", "Hur fick du veta", "Källa", "Hvordan hørte du om",
        "Kilde", "Source", "How they found us", "How did you hear",
    ),
    "status": ("Status", "Tillstånd"),
    "group": ("Grupp", "Gruppe", "Group", "Gruppnummer", "Gruppenummer", "Group number"),
    "note": (
        "Anteckning", "Anteckningar", "Notering", "Kommentar", "Övrigt", "Merknad", "Notat",
        "Note", "Notes", "Comment",
    ),
}  # fmt: skip
FIELDS = tuple(HEADERS)

# Gender as old sheets abbreviate it (K/M in Swedish and Norwegian, F/M in English); the
# words themselves are read by `one_of` (enums.WORDS).
_GENDER_LETTERS = {"k": "woman", "kv": "woman", "f": "woman", "m": "man"}

# A ShgError's field (the domain's word) -> the sheet's field whose column it is shown under.
_COLUMN_OF_ERROR = {"date": "registered_on", "also_theme": "theme", "also_area": "area"}


def _folded(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", fold(text))


_KNOWN = {_folded(header): name for name, headers in HEADERS.items() for header in headers}


def field_of(header: str) -> str | None:
    """The field a header names, or None."""
    key = _folded(header)
    if not key:
        return None
    if key in _KNOWN:
        return _KNOWN[key]
    for known, name in _KNOWN.items():
        if len(known) >= 8 and key.startswith(known):
            return name
    return None


# --- reading the bytes ---------------------------------------------------------------------


def read_bytes(path: Path) -> bytes:
    """The bytes of FILE: the one place an imported file is read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInput(
            _("{path} could not be read ({reason})").format(path=path, reason=exc.strerror),
            _("check the file's name and folder"),
            code="import.unreadable",
            field="file",
            path=str(path),
            reason=exc.strerror,
        ) from None


class Sheet(NamedTuple):
    name: str
    rows: list[list[Any]]  # from the sheet's first row and column: row n is rows[n - 1]


def _not_readable(path: Path) -> InvalidInput:
    return InvalidInput(
        _("{path} could not be read as a spreadsheet").format(path=path),
        _("save it from the spreadsheet program as .xlsx, .ods or .csv and try again"),
        code="import.not_a_spreadsheet",
        field="file",
        path=str(path),
    )


def read_sheets(path: Path, data: bytes | None = None) -> list[Sheet]:
    """Every sheet of FILE (.xlsx, .ods: each sheet; .csv: one), as rows of cell values.
    `data`: the file's bytes when the caller has them already — opened in memory from a
    sealed `FILE.xlsx.age`, whose kind is the name before `.age`."""
    named = path.with_suffix("") if path.suffix.casefold() == ".age" else path
    suffix = named.suffix.casefold()
    if suffix not in SUFFIXES:
        raise InvalidInput(
            _("shg reads .xlsx, .ods and .csv files, not {suffix}").format(
                suffix=suffix or path.name
            ),
            _("save it from the spreadsheet program as .xlsx, .ods or .csv and try again"),
            code="import.unknown_kind",
            field="file",
            suffix=suffix,
        )
    if data is None:
        data = read_bytes(path)
    if suffix == ".csv":
        return [Sheet(path.stem, _csv_rows(data))]
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        return [
            Sheet(name, book.get_sheet_by_name(name).to_python(skip_empty_area=False))
            for name in book.sheet_names
        ]
    except Exception:  # calamine's own errors, and what a damaged zip or XML raises
        raise _not_readable(path) from None


def _decoded(data: bytes) -> str:
    """UTF-8 (a byte order mark dropped), else Windows-1252: what Swedish and Norwegian
    Excel save as CSV ("CSV UTF-8" and plain "CSV")."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    """`;` (Excel in Swedish and Norwegian) or `,`: the one the first lines hold most
    consistently."""
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,").delimiter
    except csv.Error:
        first = sample.split("\n", 1)[0]
        return ";" if first.count(";") >= first.count(",") else ","


def _csv_rows(data: bytes) -> list[list[Any]]:
    text = _decoded(data)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    # shg's CSV rule (render/cells.py): one leading ' keeps a text from being run as a formula
    return [[c[1:] if c[:2] in ("'=", "'+", "'-", "'@") else c for c in row] for row in rows]


# --- cells -----------------------------------------------------------------------------------


def cell_text(value: Any) -> str | None:
    """A cell as text: a whole number without ".0", a day as YYYY-MM-DD; None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip() or None


_DAY_FIRST = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")


def cell_day(value: Any, field: str) -> date:
    """A day from a date cell, or from text as YYYY-MM-DD or, as Swedish and Norwegian
    sheets write it, D/M/YYYY or D.M.YYYY (day first)."""
    day: date | None = None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        text = cell_text(value) or ""
        iso, first = _ISO.fullmatch(text), _DAY_FIRST.fullmatch(text)
        try:
            if iso:
                day = date(int(iso[1]), int(iso[2]), int(iso[3]))
            elif first:
                day = date(int(first[3]), int(first[2]), int(first[1]))
        except ValueError:
            day = None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(
            _("{text!r} is not a date").format(text=cell_text(value)),
            _("write it as 2026-11-24 (or 24/11/2026, 24.11.2026) or as a date cell"),
            code="import.date_invalid",
            field=field,
            text=cell_text(value),
        )
    return day


def cell_number(value: Any, field: str) -> int:
    text = cell_text(value) or ""
    if not re.fullmatch(r"\d{1,4}", text):
        raise InvalidInput(
            _("{text!r} is not a whole number").format(text=text),
            _("write a number such as 1975"),
            code="import.number_invalid",
            field=field,
            text=text,
        )
    return int(text)


def cell_phone(value: Any, region: str) -> str | None:
    """A phone number as text. A number cell lost its leading 0 in Excel (0701234567 became
    701234567): 0 + its digits, when that is a valid number of the county's country."""
    text = cell_text(value)
    if text is None or isinstance(value, str) or not text.isdigit() or text.startswith("0"):
        return text
    import phonenumbers

    try:
        restored = phonenumbers.parse("0" + text, region)
    except phonenumbers.NumberParseException:
        return text
    return "0" + text if phonenumbers.is_valid_number(restored) else text


# --- the columns of a sheet ------------------------------------------------------------------


class Column(NamedTuple):
    at: int  # its place in the row, from 0
    header: str
    field: str | None  # None: ignored


def parse_maps(maps: Sequence[str]) -> dict[str, str]:
    """--map "COLUMN=field" … as folded header -> field."""
    out = {}
    for given in maps:
        header, sep, name = given.rpartition("=")
        name = name.strip().casefold()
        if not sep or not _folded(header) or name not in FIELDS:
            raise InvalidInput(
                _("{given!r} does not name a column and a field").format(given=given),
                " ".join(
                    filter(
                        None,
                        [
                            did_you_mean(suggest(name, list(FIELDS))),
                            _("Write COLUMN=FIELD, the field one of: {fields}.").format(
                                fields=", ".join(FIELDS)
                            ),
                        ],
                    )
                ),
                code="import.map_invalid",
                field="map",
                given=given,
            )
        out[_folded(header)] = name
    return out


def _header_field(header: Any, maps: dict[str, str]) -> str | None:
    if not isinstance(header, str):
        return None
    return maps.get(_folded(header)) or field_of(header)


def find_columns(rows: list[list[Any]], maps: dict[str, str]) -> tuple[int, list[Column]] | None:
    """The header row (0-based) and its columns: the first of the first 30 rows with at
    least two headers that name a field."""
    for index, row in enumerate(rows[:30]):
        if sum(1 for cell in row if _header_field(cell, maps)) >= 2:
            columns = [
                Column(i, str(cell_text(cell)), _header_field(cell, maps))
                for i, cell in enumerate(row)
                if cell_text(cell) is not None
            ]
            return index, columns
    return None


# --- what an import reports ------------------------------------------------------------------


class Mapped(TypedDict):
    column: str
    field: str


class RowError(TypedDict):
    row: int  # as the spreadsheet numbers it
    column: str | None  # the column's header, or None for the row as a whole
    message: str


class Report(TypedDict):
    file: str
    sheet: str
    native: bool  # shg's own export, restored whole
    header_row: int | None
    columns: list[Mapped]
    ignored: list[str]
    new_themes: list[str]
    new_areas: list[str]
    rows: int  # rows read (not counting empty ones)
    added: int
    known: int  # already registered: nothing added for them
    groups: int
    errors: list[RowError]
    problems: list[str]  # what concerns the whole file
    consent_needed: bool  # a consent county, and the day they consented not given
    dry_run: bool
    written: bool


@dataclass
class Outcome:
    report: Report
    header: list[str] = field(default_factory=list)  # the header row's cells, for --rejects
    rejected: list[tuple[list[str], str]] = field(default_factory=list)  # cells, errors


class _Rollback(Exception):
    """Leave the write without committing: a dry run, or a row that failed."""


@dataclass
class Options:
    sheet: str | None = None
    maps: tuple[str, ...] = ()
    dry_run: bool = False
    consent_given_on: date | None = None
    new_themes: bool = False
    new_areas: bool = False


def _error_text(exc: ShgError) -> str:
    return f"{exc.message} — {exc.hint}" if exc.hint else exc.message


# --- the entry point ---------------------------------------------------------------------------


def import_file(
    store: Store, path: Path, options: Options, today: date, data: bytes | None = None
) -> Outcome:
    """Read FILE (or its bytes `data`, opened from a sealed file) and register its rows, all
    of them or none. Returns the report; nothing is written when a row failed, a problem
    concerns the whole file, or it is a dry run."""
    maps = parse_maps(options.maps)
    if options.consent_given_on is not None:
        not_after_today(options.consent_given_on, today)
    sheets = read_sheets(path, data)
    about = next((s for s in sheets if _is_about(s.rows)), None)
    if about is not None:
        return _native(store, path, sheets, about, options, today)
    sheet = _chosen(sheets, options.sheet, path)
    found = find_columns(sheet.rows, maps)
    if found is None:
        raise InvalidInput(
            _(
                "no header row found in {sheet}: none of its first rows names two known columns"
            ).format(sheet=sheet.name),
            _("name the columns in the first row, e.g. Namn, Telefon, Tema, Ort, Anmäld"),
            code="import.no_header",
            field="map",
            sheet=sheet.name,
        )
    header_index, columns = found
    unmapped = set(maps) - {_folded(c.header) for c in columns}
    if unmapped:
        given = next(
            m.rpartition("=")[0].strip()
            for m in options.maps
            if _folded(m.rpartition("=")[0]) in unmapped
        )
        raise InvalidInput(
            _("the sheet has no column {column!r}").format(column=given),
            _("its columns are: {columns}").format(columns=", ".join(c.header for c in columns)),
            code="import.map_no_column",
            field="map",
            column=given,
        )
    report = _new_report(path, sheet.name, False, header_index + 1, options)
    report["columns"] = [{"column": c.header, "field": c.field} for c in columns if c.field]
    report["ignored"] = [c.header for c in columns if not c.field]
    outcome = Outcome(report, [c or "" for c in map(cell_text, sheet.rows[header_index])])
    fields = {c.field for c in columns if c.field}
    if "theme" not in fields or not fields & {"name", "first_name", "last_name"}:
        missing = "theme" if "theme" not in fields else "name"
        report["problems"].append(
            _("the sheet has no column for {field}").format(field=field_label(missing))
        )
        return outcome
    try:
        with store.write():
            _Rows(store, options, today, outcome, columns).run(sheet.rows, header_index)
            failed = report["errors"] or report["problems"]
            if failed or options.dry_run or not (report["added"] or report["groups"]):
                raise _Rollback
            store.audit("register.import", "db", report["added"])
            report["written"] = True
    except _Rollback:
        pass
    return outcome


def _chosen(sheets: list[Sheet], name: str | None, path: Path) -> Sheet:
    if name is None:
        return sheets[0] if sheets else Sheet(path.stem, [])
    for sheet in sheets:
        if name_key(sheet.name) == name_key(name):
            return sheet
    raise InvalidInput(
        _("{path} has no sheet {name!r}").format(path=path, name=name),
        _("its sheets are: {names}").format(names=", ".join(s.name for s in sheets)),
        code="import.no_sheet",
        field="sheet",
        name=name,
    )


class _Rows:
    """The rows of a coordinator's sheet, checked and written one by one inside one write:
    each row is checked against the register as the earlier rows left it, so a person twice
    in the file is found like a person already registered."""

    def __init__(
        self, store: Store, options: Options, today: date, outcome: Outcome, columns: list[Column]
    ) -> None:
        self.store, self.options, self.today, self.outcome = store, options, today, outcome
        self.report = outcome.report
        settings = get_settings(store)
        self.region = str(settings["country"])
        self.consent = settings["legal_basis"] == "consent"
        self.followup_weeks = int(settings["followup_weeks"])
        self.columns: dict[str, list[Column]] = {}
        for column in columns:
            if column.field:
                self.columns.setdefault(column.field, []).append(column)
        self.row_of: dict[int, int] = {}  # registration id -> its row
        self.groups: dict[str, list[tuple[int, int]]] = {}  # group name -> (row, registration)
        if self.consent and options.consent_given_on is None:
            self.report["consent_needed"] = True
            self.report["problems"].append(
                _(
                    "this county registers people on their consent, and the sheet does not "
                    "say when they gave it"
                )
            )

    def run(self, rows: list[list[Any]], header_index: int) -> None:
        for index in range(header_index + 1, len(rows)):
            cells = rows[index]
            if all(cell_text(c) is None for c in cells):
                continue
            self.report["rows"] += 1
            errors: list[RowError] = []
            self._row(index + 1, cells, errors)
            if errors:
                self.report["errors"].extend(errors)
                self.outcome.rejected.append(
                    (
                        [cell_text(c) or "" for c in cells],
                        "; ".join(
                            f"{e['column']}: {e['message']}" if e["column"] else e["message"]
                            for e in errors
                        ),
                    )
                )
        self._start_groups()

    def _value(self, cells: list[Any], name: str) -> tuple[Any, str | None]:
        """The first non-empty cell of the field's columns, and that column's header."""
        columns = self.columns.get(name, [])
        for column in columns:
            if column.at < len(cells) and cell_text(cells[column.at]) is not None:
                return cells[column.at], column.header
        return None, columns[0].header if columns else None

    def _header(self, name: str) -> str | None:
        columns = self.columns.get(name)
        return columns[0].header if columns else None

    def _row(self, number: int, cells: list[Any], errors: list[RowError]) -> None:
        def fail(exc: ShgError, name: str | None) -> None:
            shown = _COLUMN_OF_ERROR.get(name or "", name)
            column = self._header(shown) if shown else None
            if shown == "name" and column is None:
                column = self._header("first_name") or self._header("last_name")
            if shown == "birth_year" and column is None:
                column = self._header("age")
            errors.append({"row": number, "column": column, "message": _error_text(exc)})

        text = {name: cell_text(self._value(cells, name)[0]) for name in self.columns}
        # The identity-number guard over every cell read: none is stored, or even repeated in
        # an error, when it holds one. A phone cell that reads as a valid phone number is one.
        for name, value in text.items():
            if value is None or (name == "phone" and _valid_phone(value, self.region)):
                continue
            try:
                typed(value, name, multiline=name == "note")
                check_free_text(value, name if name in ("name", "phone", "email") else "note")
            except ShgError as exc:
                exc.field = name
                fail(exc, name)
                text[name] = None
        if errors:
            return
        name = text.get("name") or " ".join(
            filter(None, [text.get("first_name"), text.get("last_name")])
        )
        on = self.today
        if "registered_on" in self.columns:
            try:
                on = cell_day(self._value(cells, "registered_on")[0], "registered_on")
                not_after_today(on, self.today)
            except ShgError as exc:
                fail(exc, "registered_on")
        birth_year = None
        try:
            if text.get("birth_year"):
                birth_year = cell_number(text["birth_year"], "birth_year")
            elif text.get("age"):
                birth_year = on.year - cell_number(text["age"], "age")
        except ShgError as exc:
            fail(exc, exc.field)
        gender = text.get("gender")
        gender = _GENDER_LETTERS.get(gender.casefold(), gender) if gender else None
        person = registering.PersonInput(
            name=name,
            phone=cell_phone(self._value(cells, "phone")[0], self.region),
            email=text.get("email"),
            gender=gender,
            birth_year=birth_year,
            source=text.get("source"),
            note=text.get("note"),
        )
        checked = person
        try:
            checked = registering.validate_person(person, self.today, True, self.region)
        except ShgError as exc:
            fail(exc, exc.field)
        status = RegistrationStatus.PLACED if text.get("group") else RegistrationStatus.WAITING
        if text.get("status"):
            try:
                status = one_of(RegistrationStatus, str(text["status"]), "status")
            except ShgError as exc:
                fail(exc, "status")
        group = text.get("group")
        if status == RegistrationStatus.PLACED and not group:
            errors.append(
                {
                    "row": number,
                    "column": self._header("status"),
                    "message": _("placed, but no group is named: name it in a column Grupp"),
                }
            )
        theme = self._choice("theme", text.get("theme"), fail)
        area = self._choice("area", text.get("area"), fail)
        if errors or theme is None or area is None:
            return
        known = self._known(checked, theme.id, on) if theme.id is not None else None
        if known in self.row_of:
            errors.append(
                {
                    "row": number,
                    "column": None,
                    "message": _("the same person and theme as row {row}").format(
                        row=self.row_of[known]
                    ),
                }
            )
            return
        if known is not None:
            self.report["known"] += 1
            return
        reg = registering.RegistrationInput(
            person=person,
            theme=text["theme"] or "",
            on=on,
            area=text.get("area"),
            consent=True,
            same_as=self._same_person(checked),
            new_theme=self.options.new_themes,
            new_area=self.options.new_areas,
        )
        try:
            valid = registering.validate_registration(
                self.store, reg, self.today, contact_checked=True
            )
        except ShgError as exc:
            if exc.code == "registration.duplicate" and exc.params.get("id") in self.row_of:
                exc = InvalidInput(
                    _("the same person and theme as row {row}").format(
                        row=self.row_of[exc.params["id"]]
                    ),
                    code="import.twice_in_file",
                )
            fail(exc, exc.field)
            return
        if valid.basis.get("basis") == "consent" and self.options.consent_given_on:
            valid = replace(
                valid,
                basis={**valid.basis, "consent_on": self.options.consent_given_on.isoformat()},
            )
        reg_id = registering.insert_registration(self.store, valid, one_of_many=True)["id"]
        self.row_of[reg_id] = number
        self.report["added"] += 1
        if status in (RegistrationStatus.WITHDRAWN, RegistrationStatus.REFERRED):
            self.store.execute(
                "UPDATE registrations SET status = ?, status_on = ? WHERE id = ?",
                (status, self.today.isoformat(), reg_id),
            )
        elif status == RegistrationStatus.PLACED and group:
            self.groups.setdefault(group, []).append((number, reg_id))

    def _choice(self, kind: str, value: str | None, fail: Any) -> catalogue.Choice | None:
        if kind == "theme" and not value:
            fail(
                InvalidInput(_("no theme is given"), code="import.no_theme", field="theme"),
                "theme",
            )
            return None
        create = self.options.new_themes if kind == "theme" else self.options.new_areas
        try:
            choice = catalogue.choose(self.store, kind, value, create=create)
        except ShgError as exc:
            fail(exc, kind)
            return None
        if choice.id is None:
            made = self.report["new_themes" if kind == "theme" else "new_areas"]
            if name_key(choice.name) not in map(name_key, made):
                made.append(choice.name)
        return choice

    def _known(self, person: registering.PersonInput, theme_id: int, on: date) -> int | None:
        """Registered already (an import run again): the same person (name, and the same
        phone and e-mail where both have them) waits for the same theme since the same day."""
        found: int | None = self.store.value(
            """SELECT r.id FROM persons p CROSS JOIN registrations r ON r.person_id = p.id
                WHERE p.name_key = :key AND r.theme_id = :theme AND r.registered_on = :on
                  AND (p.phone_key IS NULL OR :phone IS NULL OR p.phone_key = :phone)
                  AND (p.email_key IS NULL OR :email IS NULL OR p.email_key = :email)
                LIMIT 1""",
            {
                "key": name_key(person.name),
                "theme": theme_id,
                "on": on.isoformat(),
                "phone": phone_key(person.phone, self.region),
                "email": email_key(person.email),
            },
        )
        return found

    def _same_person(self, person: registering.PersonInput) -> int | None:
        """A person on an earlier row of this file with the same name and phone or e-mail is
        the same person (two rows, two themes); one in the register before is asked about, as
        `intake add` asks."""
        for match in registering.known_persons(self.store, person, self.region):
            if match["first"] in self.row_of:
                return int(match["first"])
        return None

    def _start_groups(self) -> None:
        """Rows placed in the same group become one running group, handed over today: the
        sheet does not say when it started, so follow-ups are counted from the import."""
        on = self.today.isoformat()
        for name, members in self.groups.items():
            regs = [
                self.store.row("SELECT theme_id, area_id FROM registrations WHERE id = ?", (r,))
                for _row, r in members
            ]
            pairs = {(r["theme_id"], r["area_id"]) for r in regs if r}
            if len(pairs) > 1:
                for number, _reg in members:
                    self.report["errors"].append(
                        {
                            "row": number,
                            "column": self._header("group"),
                            "message": _(
                                "the rows of group {group} name different themes or areas"
                            ).format(group=name),
                        }
                    )
                continue
            theme_id, area_id = pairs.pop()
            group_id = self.store.insert(
                "groups",
                {
                    "theme_id": theme_id,
                    "area_id": area_id,
                    "status": "running",
                    "started_on": on,
                    "starter_sessions": 0,
                    "followup_weeks": self.followup_weeks,
                    "handover_on": on,
                    "open": 1,
                },
            )
            for _number, reg_id in members:
                self.store.execute(
                    "INSERT INTO group_members (group_id, registration_id, joined_on) "
                    "VALUES (?, ?, ?)",
                    (group_id, reg_id, on),
                )
                self.store.execute(
                    "UPDATE registrations SET status = 'placed', status_on = ? WHERE id = ?",
                    (on, reg_id),
                )
            self.report["groups"] += 1


def _valid_phone(text: str, region: str) -> bool:
    import phonenumbers

    try:
        return bool(phonenumbers.is_valid_number(phonenumbers.parse(text, region)))
    except phonenumbers.NumberParseException:
        return False


# --- the rejects ------------------------------------------------------------------------------


def write_rejects(path: Path, outcome: Outcome) -> int:
    """The failing rows as a CSV to correct and import again: the sheet's columns and one
    more saying what is wrong; `;`-separated UTF-8 with a byte order mark (Excel in Swedish
    and Norwegian opens it as it is), private (0600), never over a file."""
    from shgroups.render.cells import csv_cell

    def lines() -> Iterator[str]:
        yield "\ufeff"
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow([csv_cell(c) for c in [*outcome.header, _("Error")]])
        for cells, errors in outcome.rejected:
            width = max(len(outcome.header), len(cells))
            padded = [*cells, *[""] * (width - len(cells))]
            writer.writerow([csv_cell(c) for c in [*padded[: len(outcome.header)], errors]])
        yield buffer.getvalue()

    with files.staged() as staged:
        staged.write(path, lines())
    return len(outcome.rejected)


# --- shg's own export ----------------------------------------------------------------------


def _is_about(rows: list[list[Any]]) -> bool:
    return (
        len(rows) > 2
        and [cell_text(c) for c in rows[1][:3]] == ["key", "value", "rows"]
        and any(cell_text(r[0]) == "format" and cell_text(r[1]) == "shg-export" for r in rows)
    )


def _new_report(path: Path, sheet: str, native: bool, header_row: int, options: Options) -> Report:
    """The report of an import before its rows are read: nothing found, nothing written."""
    return {
        "file": str(path),
        "sheet": sheet,
        "native": native,
        "header_row": header_row,
        "columns": [],
        "ignored": [],
        "new_themes": [],
        "new_areas": [],
        "rows": 0,
        "added": 0,
        "known": 0,
        "groups": 0,
        "errors": [],
        "problems": [],
        "consent_needed": False,
        "dry_run": options.dry_run,
        "written": False,
    }


def _native(
    store: Store, path: Path, sheets: list[Sheet], about: Sheet, options: Options, today: date
) -> Outcome:
    from shgroups.services import native

    report = _new_report(path, about.name, True, 2, options)
    outcome = Outcome(report)
    try:
        with store.write():
            native.restore(store, sheets, about, report, today)
            if report["errors"] or report["problems"] or options.dry_run or not report["added"]:
                raise _Rollback
            store.audit("register.import", "db", report["added"])
            report["written"] = True
    except _Rollback:
        pass
    return outcome
