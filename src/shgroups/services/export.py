"""The whole register for a handover or an archive (`shg export`): one sheet a table, each
sheet's columns declared once here (`TABLES`), with the SQL that reads them and the type of
their cells. Rendered as a workbook (render/xlsx.py) or as one CSV file a table.

The contract an importer relies on (README, "Handing over the register"):
- the first sheet (`about`) says what the file is: `format` shg-export, its `version`, the
  day, the county, whether it is anonymous, and each table's sheet name and number of rows;
- every sheet has two header rows: the columns' labels in the county's language, then their
  keys (the register's column names, docs/design.md §2), which never change within a version;
- ids are numbers, days are dates, yes/no is `true`/`false`, everything else is text as
  stored. A column of names beside an id column (`theme` beside `theme_id`) is for people:
  the id is what counts.

`--anonymous` leaves out every column marked `private`: a person's name, phone, e-mail and
note, the link between registrations of one person, staff names, and follow-up notes and
methods (free text that may name someone). Whole columns go, so nothing is left to blank.

The sheets are read in one read transaction (a snapshot: every sheet as of one moment,
however long the writing takes) and streamed from the cursor; the write lock is taken only
for the audit row, so nobody waits for an export.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from datetime import date
from pathlib import Path
from typing import IO, Any, NamedTuple, TypedDict

from shgroups import __version__, files, sealed
from shgroups.errors import InvalidInput
from shgroups.i18n import N_, _, speaking
from shgroups.services.settings import SPEC, get_settings
from shgroups.storage import Store

FORMAT = "shg-export"  # the `format` of the about sheet: what the file is
VERSION = 1  # its `version`: keys are added in a version, never renamed or removed

TEXT, NUMBER, DAY, YES_NO = "text", "number", "date", "bool"


class Column(NamedTuple):
    key: str  # stable: the importer's name for it
    label: str  # N_: the header in the county's language
    sql: str  # its expression in the table's SELECT
    kind: str = TEXT
    private: bool = False  # identity or free text: left out with --anonymous


class Table(NamedTuple):
    key: str  # stable: the about sheet's name for it, the CSV file's name
    label: str  # N_: the sheet's name in the county's language (at most 31 characters)
    columns: tuple[Column, ...]
    source: str  # FROM … ORDER BY …


def _id(key: str, label: str, sql: str) -> Column:
    return Column(key, label, sql, NUMBER)


TABLES: tuple[Table, ...] = (
    Table(
        "settings",
        N_("Settings"),
        (),  # the county's settings, one row each: from SPEC, not SQL (`_settings_rows`)
        "",
    ),
    Table(
        "themes",
        N_("Themes"),
        (
            _id("id", N_("ID"), "t.id"),
            Column("name", N_("Name"), "t.name"),
            Column("name_sv", N_("Name in Swedish"), "t.name_sv"),
            Column("name_nb", N_("Name in Norwegian"), "t.name_nb"),
            Column("name_en", N_("Name in English"), "t.name_en"),
            Column("retired_on", N_("Retired"), "t.retired_on", DAY),
        ),
        "FROM themes t ORDER BY t.id",
    ),
    Table(
        "theme_aliases",
        N_("Theme aliases"),
        (
            Column("key", N_("Alias"), "x.key"),
            _id("theme_id", N_("Theme ID"), "x.theme_id"),
            Column("theme", N_("Theme"), "t.name"),
        ),
        "FROM theme_aliases x JOIN themes t ON t.id = x.theme_id ORDER BY x.theme_id, x.key",
    ),
    Table(
        "areas",
        N_("Areas"),
        (
            _id("id", N_("ID"), "a.id"),
            Column("name", N_("Name"), "a.name"),
            Column("digital", N_("Digital"), "a.digital", YES_NO),
            Column("is_default", N_("Default"), "a.is_default", YES_NO),
            Column("retired_on", N_("Retired"), "a.retired_on", DAY),
        ),
        "FROM areas a ORDER BY a.id",
    ),
    Table(
        "staff",
        N_("Staff"),
        (
            _id("id", N_("ID"), "s.id"),
            Column("name", N_("Name"), "s.name", private=True),
            Column("role", N_("Role"), "s.role"),
            Column("retired_on", N_("Retired"), "s.retired_on", DAY),
        ),
        "FROM staff s ORDER BY s.id",
    ),
    Table(
        "registrations",
        N_("Registrations"),
        (
            _id("id", N_("ID"), "r.id"),
            Column("person_id", N_("Person"), "r.person_id", NUMBER, private=True),
            Column("name", N_("Name"), "p.name", private=True),
            Column("phone", N_("Phone"), "p.phone", private=True),
            Column("email", N_("E-mail"), "p.email", private=True),
            Column("note", N_("Note"), "p.note", private=True),
            _id("theme_id", N_("Theme ID"), "r.theme_id"),
            Column("theme", N_("Theme"), "t.name"),
            _id("area_id", N_("Area ID"), "r.area_id"),
            Column("area", N_("Area"), "a.name"),
            Column(
                "also_themes",
                N_("Other themes"),
                """(SELECT group_concat(o.name, '; ') FROM registration_themes x
                      JOIN themes o ON o.id = x.theme_id WHERE x.registration_id = r.id)""",
            ),
            Column(
                "also_areas",
                N_("Other areas"),
                """(SELECT group_concat(o.name, '; ') FROM registration_areas x
                      JOIN areas o ON o.id = x.area_id WHERE x.registration_id = r.id)""",
            ),
            Column("status", N_("Status"), "r.status"),
            Column("status_on", N_("Status since"), "r.status_on", DAY),
            Column("registered_on", N_("Registered"), "r.registered_on", DAY),
            Column("confirmed_on", N_("Confirmed"), "r.confirmed_on", DAY),
            Column("gender", N_("Gender"), "r.gender"),
            Column("birth_year", N_("Birth year"), "r.birth_year", NUMBER),
            Column("source", N_("How they found us"), "r.source"),
            Column("basis", N_("Legal basis"), "r.basis"),
            Column("consent_on", N_("Consent given"), "r.consent_on", DAY),
            Column("informed_on", N_("Informed"), "r.informed_on", DAY),
            Column("info_version", N_("Information text version"), "r.info_version"),
        ),
        """FROM registrations r LEFT JOIN persons p ON p.id = r.person_id
             JOIN themes t ON t.id = r.theme_id JOIN areas a ON a.id = r.area_id
            ORDER BY r.id""",
    ),
    Table(
        "registration_themes",
        N_("Other themes"),
        (
            _id("registration_id", N_("Registration"), "x.registration_id"),
            _id("theme_id", N_("Theme ID"), "x.theme_id"),
            Column("theme", N_("Theme"), "t.name"),
        ),
        """FROM registration_themes x JOIN themes t ON t.id = x.theme_id
            ORDER BY x.registration_id, x.theme_id""",
    ),
    Table(
        "registration_areas",
        N_("Other areas"),
        (
            _id("registration_id", N_("Registration"), "x.registration_id"),
            _id("area_id", N_("Area ID"), "x.area_id"),
            Column("area", N_("Area"), "a.name"),
        ),
        """FROM registration_areas x JOIN areas a ON a.id = x.area_id
            ORDER BY x.registration_id, x.area_id""",
    ),
    Table(
        "groups",
        N_("Groups"),
        (
            _id("id", N_("ID"), "g.id"),
            _id("theme_id", N_("Theme ID"), "g.theme_id"),
            Column("theme", N_("Theme"), "t.name"),
            _id("area_id", N_("Area ID"), "g.area_id"),
            Column("area", N_("Area"), "a.name"),
            Column("status", N_("Status"), "g.status"),
            Column("started_on", N_("Started"), "g.started_on", DAY),
            Column("starter_id", N_("Starter ID"), "g.starter_id", NUMBER),
            Column("starter", N_("Starter"), "s.name", private=True),
            Column("starter_sessions", N_("Starter sessions"), "g.starter_sessions", NUMBER),
            Column("followup_weeks", N_("Weeks between follow-ups"), "g.followup_weeks", NUMBER),
            Column("handover_on", N_("Handed over"), "g.handover_on", DAY),
            Column("ended_on", N_("Ended"), "g.ended_on", DAY),
            Column("open", N_("Open"), "g.open", YES_NO),
            Column("weekday", N_("Weekday (1 = Monday)"), "g.weekday", NUMBER),
            Column("meets_at", N_("Time"), "g.meets_at"),
            Column("venue", N_("Venue"), "g.venue"),
            Column("every_weeks", N_("Meets every … weeks"), "g.every_weeks", NUMBER),
        ),
        """FROM groups g JOIN themes t ON t.id = g.theme_id JOIN areas a ON a.id = g.area_id
             LEFT JOIN staff s ON s.id = g.starter_id
            ORDER BY g.id""",
    ),
    Table(
        "group_members",
        N_("Group members"),
        (
            _id("id", N_("ID"), "m.id"),
            _id("group_id", N_("Group"), "m.group_id"),
            _id("registration_id", N_("Registration"), "m.registration_id"),
            Column("joined_on", N_("Joined"), "m.joined_on", DAY),
            Column("left_on", N_("Left"), "m.left_on", DAY),
        ),
        "FROM group_members m ORDER BY m.id",
    ),
    Table(
        "sessions",
        N_("Starter sessions"),
        (
            _id("id", N_("ID"), "x.id"),
            _id("group_id", N_("Group"), "x.group_id"),
            Column("number", N_("Number"), "x.number", NUMBER),
            Column("held_on", N_("Held"), "x.held_on", DAY),
            Column("attended", N_("Attended"), "x.attended", NUMBER),
            Column("planned_on", N_("Planned meeting"), "x.planned_on", DAY),
        ),
        "FROM sessions x ORDER BY x.group_id, x.number",
    ),
    Table(
        "meeting_changes",
        N_("Meeting changes"),
        (
            _id("group_id", N_("Group"), "x.group_id"),
            Column("planned_on", N_("Planned meeting"), "x.planned_on", DAY),
            Column("moved_to", N_("Moved to (empty: cancelled)"), "x.moved_to", DAY),
        ),
        "FROM meeting_changes x ORDER BY x.group_id, x.planned_on",
    ),
    Table(
        "followups",
        N_("Follow-ups"),
        (
            _id("id", N_("ID"), "f.id"),
            _id("group_id", N_("Group"), "f.group_id"),
            Column("done_on", N_("Done"), "f.done_on", DAY),
            Column("outcome", N_("Outcome"), "f.outcome"),
            Column("method", N_("Method"), "f.method", private=True),
            Column("note", N_("Note"), "f.note", private=True),
        ),
        "FROM followups f ORDER BY f.id",
    ),
)

# The columns of the settings and about sheets (read from SPEC and made here, not from SQL).
SETTINGS_COLUMNS = (Column("key", N_("Setting"), ""), Column("value", N_("Value"), ""))
ABOUT_COLUMNS = (
    Column("key", N_("Key"), ""),
    Column("value", N_("Value"), ""),
    Column("rows", N_("Rows"), "", NUMBER),
)
ABOUT = N_("About this export")


class Sheet(NamedTuple):
    """One table as written: its stable key, its name for people, the columns' labels (in
    the county's language) and keys, and its rows of typed values (read once)."""

    key: str
    name: str
    labels: list[str]
    keys: list[str]
    rows: Iterator[Sequence[Any]]


class Written(TypedDict):
    out: str
    format: str
    anonymous: bool
    sheets: dict[str, int]  # table key -> rows
    audited: bool
    sealed: bool  # the workbook sealed with age (--encrypt, --recipient)


def columns_of(table: Table, anonymous: bool) -> list[Column]:
    columns = SETTINGS_COLUMNS if table.key == "settings" else table.columns
    return [c for c in columns if not (anonymous and c.private)]


def _day(text: Any) -> Any:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):  # not a day after all: kept as stored, as text
        return text


def _yes_no(value: Any) -> Any:
    return None if value is None else bool(value)


def _typed(columns: Sequence[Column]) -> Callable[[Sequence[Any]], Sequence[Any]]:
    """A function that gives a row from SQLite its cells' types (days, yes/no); ids, counts
    and text come typed from SQLite already."""
    convert = {DAY: _day, YES_NO: _yes_no}
    which = [(i, convert[c.kind]) for i, c in enumerate(columns) if c.kind in convert]
    if not which:
        return lambda row: row

    def typed(row: Sequence[Any]) -> Sequence[Any]:
        cells = list(row)
        for i, change in which:
            cells[i] = change(cells[i])
        return cells

    return typed


def _select(table: Table, columns: Sequence[Column]) -> str:
    return f"SELECT {', '.join(c.sql for c in columns)} {table.source}"


def _rows(store: Store, table: Table, columns: Sequence[Column]) -> Iterator[Sequence[Any]]:
    typed = _typed(columns)
    cursor = store.execute(_select(table, columns))
    while batch := cursor.fetchmany(2000):
        yield from map(typed, batch)


def _settings_rows(settings: dict[str, Any]) -> Iterator[Sequence[Any]]:
    """Every setting as in effect (a default where none was stored), whole numbers as numbers."""
    for setting in SPEC:
        yield [setting.name, settings[setting.name]]


def sheets(
    store: Store, today: date, settings: dict[str, Any], anonymous: bool
) -> tuple[dict[str, int], list[Sheet]]:
    """The sheets of an export (the about sheet first) and each table's row count. Inside a
    read transaction, in the county's language; their rows are read as they are written."""
    counts = {
        table.key: (
            len(SPEC)
            if table.key == "settings"
            else store.value(f"SELECT count(*) FROM ({_select(table, table.columns[:1])})")
        )
        for table in TABLES
    }
    out = []
    for table in TABLES:
        columns = columns_of(table, anonymous)
        rows = _settings_rows(settings) if table.key == "settings" else _rows(store, table, columns)
        labels = [_(c.label) for c in columns]
        out.append(Sheet(table.key, _(table.label), labels, [c.key for c in columns], rows))
    about: list[Sequence[Any]] = [
        ["format", FORMAT, None],
        ["version", VERSION, None],
        ["exported_on", today, None],
        ["county", settings["county"], None],
        ["language", settings["language"], None],
        ["anonymous", anonymous, None],
        ["shg_version", __version__, None],
        ["schema_version", store.value("PRAGMA user_version"), None],
        *([f"sheet.{s.key}", s.name, counts[s.key]] for s in out),
    ]
    first = Sheet(
        "about",
        _(ABOUT),
        [_(c.label) for c in ABOUT_COLUMNS],
        [c.key for c in ABOUT_COLUMNS],
        iter(about),
    )
    return counts, [first, *out]


def default_out(today: date, fmt: str, anonymous: bool) -> Path:
    """Where an export goes when --out is not given: the current folder, named by the day."""
    kind = "-anonymous" if anonymous else ""
    return Path(f"shg-export{kind}-{today.isoformat()}{'.xlsx' if fmt == 'xlsx' else ''}")


def sealed_out(out: Path, fmt: str) -> Path:
    """The name a sealed export is written under: `.age` added to a workbook's name. Only a
    workbook is sealed: it is one file."""
    if fmt != "xlsx":
        raise InvalidInput(
            _("CSV files are a folder of files and are not sealed"),
            _("write a workbook, which is sealed whole as one file"),
            code="export.csv_sealed",
            field="encrypt",
        )
    return sealed.sealed_name(out)


def _checked_out(out: Path, fmt: str, force: bool) -> None:
    """Refuse a target that cannot be what the format writes, before anything is read."""
    if fmt == "xlsx":
        sealed_book = out.name.casefold().endswith(".xlsx" + sealed.SUFFIX)
        inner = out.with_name(out.name[: -len(sealed.SUFFIX)]) if sealed_book else out
        if out.is_dir():
            raise InvalidInput(
                _("{path} is a folder; a workbook is one file").format(path=out),
                _("name a file ending in .xlsx, or write one CSV file a table into a folder"),
                code="export.out_is_folder",
                field="out",
                path=str(out),
            )
        if inner.suffix.casefold() != ".xlsx":
            raise InvalidInput(
                _("a workbook's name ends in .xlsx: {path}").format(path=out),
                _("name a file ending in .xlsx, or write one CSV file a table into a folder"),
                code="export.not_xlsx",
                field="out",
                path=str(out),
            )
        return
    if (out.exists() or out.is_symlink()) and not out.is_dir():
        raise InvalidInput(
            _("{path} is a file; CSV files are written into a folder").format(path=out),
            _("name a new or empty folder"),
            code="export.out_is_file",
            field="out",
            path=str(out),
        )
    if out.suffix.casefold() in (".csv", ".xlsx"):
        raise InvalidInput(
            _("{path} looks like a file's name; CSV files are written into a folder").format(
                path=out
            ),
            _("name a new or empty folder"),
            code="export.out_looks_like_file",
            field="out",
            path=str(out),
        )
    if out.is_dir() and any(out.iterdir()) and not force:
        raise InvalidInput(
            _("the folder {path} is not empty").format(path=out),
            _("name a new or empty folder, or say that its files may be replaced"),
            code="export.folder_not_empty",
            field="force",
            path=str(out),
        )


def _csv_lines(sheet: Sheet) -> Iterator[str]:
    """A table as CSV text (RFC 4180, CRLF), after a byte order mark so that Excel reads it as
    UTF-8; each cell by the one rule of `--format csv` (`csv_cell`)."""
    import csv
    import io

    from shgroups.render.cells import csv_cell

    yield "\ufeff"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for head in (sheet.labels, sheet.keys):
        writer.writerow([csv_cell(cell) for cell in head])
    for n, row in enumerate(sheet.rows, start=1):
        writer.writerow([csv_cell(cell) for cell in row])
        if n % 1000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def export(
    store: Store,
    today: date,
    out: Path,
    fmt: str,
    *,
    anonymous: bool,
    force: bool,
    key: sealed.Key | None = None,
) -> Written:
    """The whole register written to `out`: a workbook (`xlsx`) or a folder of CSV files
    (`csv`, the folder made private, 0700), every file private (0600), never over a file
    unless `force`; audited as exported (`db.export`, or `db.export-anonymous`), never who is
    in it. On a write-protected register it is written unaudited (`audited` False). With `key`
    the workbook is sealed with age in memory (`out` is then the sealed name, from
    `sealed_out`) and audited as `db.export-sealed` (`db.export-anonymous-sealed`)."""
    if key is not None:
        out = sealed_out(out, fmt)
    _checked_out(out, fmt, force)
    made = fmt == "csv" and not out.exists()
    if made:
        out.mkdir(mode=0o700)
    try:
        with files.staged() as staged:
            store.execute("BEGIN")  # a read transaction: every sheet from one snapshot
            try:
                settings = get_settings(store)
                with speaking(settings["language"]):
                    counts, written = sheets(store, today, settings, anonymous)
                    _write(staged, written, out, fmt, force, key)
            finally:
                if store.conn.in_transaction:
                    store.execute("COMMIT")
            audited = not store.read_only
            if audited:
                with store.write():
                    action = "db.export-anonymous" if anonymous else "db.export"
                    store.audit(f"{action}-sealed" if key else action, "db", None)
    except BaseException:
        if made:
            with suppress(OSError):
                out.rmdir()  # staged removed its files: the folder made for them goes too
        raise
    return {
        "out": str(out),
        "format": fmt,
        "anonymous": anonymous,
        "sheets": counts,
        "audited": audited,
        "sealed": key is not None,
    }


def _write(
    staged: files.Staged,
    written: list[Sheet],
    out: Path,
    fmt: str,
    force: bool,
    key: sealed.Key | None = None,
) -> None:
    if fmt == "csv":
        for sheet in written:
            staged.write(out / f"{sheet.key}.csv", _csv_lines(sheet), force=force)
        return
    from shgroups.render.xlsx import Sheet as Page
    from shgroups.render.xlsx import write_workbook

    pages = [Page(s.name, s.labels, s.rows, s.keys) for s in written]

    def book(target: IO[bytes]) -> None:
        write_workbook(pages, target)

    if key is None:
        staged.write(out, book, force=force)
        return
    import io

    plain = io.BytesIO()  # the workbook in memory: only the sealed file touches the disk
    book(plain)
    data = sealed.seal(plain.getbuffer().tobytes(), key)
    plain.close()
    staged.write(out, data, force=force)
