"""`shg import`: a coordinator's old sheet read into the register as Excel, LibreOffice and
Swedish Excel's CSV write it, every row checked by intake's rules, all or nothing; and shg's
own export read back into a new register that exports the same."""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
from clients import SOFFICE
from conftest import TODAY, Run, counts, snapshot
from stdnum import luhn

TESTS = Path(__file__).parent
THEMES = ["Utmattning", "Ensamhet", "Att leva med smärta", "Nära anhörigs död"]
AREAS = ["Jönköping", "Huskvarna"]


def personnummer(birth: str, serial: str = "123") -> str:
    """A valid personnummer (YYMMDD-NNNC) for the identity-number guard to find."""
    return f"{birth}-{serial}{luhn.calc_check_digit(birth + serial)}"


def coordinators_workbook(path: Path, rows: list[list[Any]], title: bool = True) -> Path:
    """A sheet as coordinators keep them: a merged title row, then Swedish headers."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Väntelista"
    headers = ["Förnamn", "Efternamn", "Telefon", "Anmäld", "Önskat tema", "Ort", "Kön",
               "Ålder", "Status", "Grupp", "Anteckning", "Färg"]  # fmt: skip
    if title:
        sheet.append(["Väntande till självhjälpsgrupper 2025"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def registrations(db: Path) -> list[dict[str, Any]]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [
            dict(r)
            for r in conn.execute(
                """SELECT r.id, p.name, p.phone, p.note, t.name AS theme, a.name AS area,
                          r.registered_on, r.status, r.status_on, r.gender, r.birth_year,
                          r.consent_on, r.basis
                     FROM registrations r JOIN persons p ON p.id = r.person_id
                     JOIN themes t ON t.id = r.theme_id JOIN areas a ON a.id = r.area_id
                    ORDER BY r.id"""
            )
        ]
    finally:
        conn.close()


def test_a_coordinators_excel_sheet_is_read_into_the_register(
    run: Run, db: Path, tmp_path: Path
) -> None:
    people = [  # a group of five running (Grupp 3), people waiting, one who left
        ["Anna", "Ek", "0701234567", date(2025, 3, 4), "Utmattning", "Jönköping", "K", 50,
         "placerad", 3, "ring efter 17", "gul"],
        ["Bo", "Al", 701234568, "4/3/2025", "utmattning", "Jönköping", "M", None, None, 3,
         None, None],
        ["Cia", "Berg", "070-123 45 69", "5.3.2025", "Utmattning", "jönköping", "kvinna", None,
         None, "3", None, None],
        ["Dan", "Dahl", 701234570, "2025-03-06", "Utmattning", "Jönköping", None, None,
         "Placerad", 3, None, None],
        ["Eva", "Falk", "+46 70 123 45 71", date(2025, 3, 7), "Utmattning", "Jönköping", None,
         None, None, 3, None, None],
        ["Fia", "Gran", 361234567, date(2025, 4, 1), "Ensamhet", "Huskvarna", None, 40, None,
         None, None, None],
        ["Gun", "Holm", None, date(2025, 4, 2), "Ensamhet", "Huskvarna", None, None,
         "avanmäld", None, None, None],
    ]  # fmt: skip
    book = coordinators_workbook(tmp_path / "gammal lista.xlsx", people)
    result = run("import", str(book), "--consent-given-on", "2025-03-01")
    lines = result.stdout.splitlines()
    assert lines[0] == "Sheet Väntelista, headers in row 2. Columns read:"
    assert lines[1:12] == [
        "  Förnamn → first_name", "  Efternamn → last_name", "  Telefon → phone",
        "  Anmäld → registered_on", "  Önskat tema → theme", "  Ort → area",
        "  Kön → gender", "  Ålder → age", "  Status → status", "  Grupp → group",
        "  Anteckning → note",
    ]  # fmt: skip
    assert "Columns ignored" in lines[12] and lines[12].endswith(": Färg")
    assert "Imported 7 registrations" in result.stderr
    assert "1 group started from the sheet." in result.stderr

    got = {r["name"]: r for r in registrations(db)}
    # phones: text kept as typed; a number cell that lost its 0 has it back
    assert got["Anna Ek"]["phone"] == "0701234567"
    assert got["Bo Al"]["phone"] == "0701234568"
    assert got["Dan Dahl"]["phone"] == "0701234570"
    assert got["Fia Gran"]["phone"] == "0361234567"  # a landline in Jönköping
    # dates: a date cell, D/M/YYYY, D.M.YYYY, ISO text
    assert [got[n]["registered_on"] for n in ("Anna Ek", "Bo Al", "Cia Berg", "Dan Dahl")] == [
        "2025-03-04", "2025-03-04", "2025-03-05", "2025-03-06",
    ]  # fmt: skip
    assert got["Anna Ek"]["birth_year"] == 1975 and got["Fia Gran"]["birth_year"] == 1985
    assert got["Anna Ek"]["gender"] == "woman" and got["Bo Al"]["gender"] == "man"
    assert got["Anna Ek"]["note"] == "ring efter 17"
    assert got["Cia Berg"]["area"] == "Jönköping" and got["Bo Al"]["theme"] == "Utmattning"
    assert {r["consent_on"] for r in got.values()} == {"2025-03-01"}
    assert got["Gun Holm"]["status"] == "withdrawn"
    assert got["Fia Gran"]["status"] == "waiting"

    groups = json.loads(run("groups", "list", "--json").stdout)
    assert len(groups) == 1
    group = groups[0]
    assert (group["theme"], group["area"], group["status"]) == (
        "Utmattning",
        "Jönköping",
        "running",
    )
    members = {got[n]["id"] for n in ("Anna Ek", "Bo Al", "Cia Berg", "Dan Dahl", "Eva Falk")}
    assert set(group["members"]) == members
    assert group["started_on"] == TODAY and group["next_followup"] == "2027-01-05"
    assert all(got[n]["status"] == "placed" for n in ("Anna Ek", "Eva Falk"))

    audit = json.loads(run("audit", "--json").stdout)
    imports = [a for a in audit if a["action"] == "register.import"]
    assert imports == [{**imports[0], "entity": "db", "entity_id": 7}]
    assert not [a for a in audit if a["action"] == "registration.add"]


def _sheet_of_300(typos: dict[int, str], numbers: dict[int, str]) -> list[list[Any]]:
    rows = []
    for i in range(300):
        theme = typos.get(i, THEMES[i % 4])
        note = numbers.get(i, "kvällar" if i % 7 == 0 else None)
        day = date(2024, 1, 1).toordinal() + i
        rows.append(
            [f"Person{i}", f"Efternamn{i}", f"07{i % 10}-{i:03d} 88 99", date.fromordinal(day),
             theme, AREAS[i % 2], None, None, None, None, note, None]
        )  # fmt: skip
    return rows


def test_a_new_users_sheet_of_300_lists_exactly_its_6_faulty_rows_then_imports_once(
    run: Run, db: Path, tmp_path: Path
) -> None:
    typos = {13: "Utmatning", 57: "Ensamheten", 120: "Att leva med smarta", 250: "Nära anhörig död"}
    numbers = {
        88: f"pnr {personnummer('850312')}",
        199: f"Hennes personnummer är {personnummer('19900101'[2:], '234')}, ring",
    }
    book = coordinators_workbook(tmp_path / "lista.xlsx", _sheet_of_300(typos, numbers))
    before = snapshot(db)
    result = run("import", str(book), "--dry-run", "--consent-given-on", "2024-01-01", code=1)
    lines = result.stdout.splitlines()
    listed = [line for line in lines if line.startswith("row ")]
    assert lines[13:] == listed  # the mapping (13 lines), then those rows and nothing else
    # spreadsheet rows: the title is row 1, the headers row 2, the first person row 3
    assert [int(line.split()[1].rstrip(",:")) for line in listed] == sorted(
        i + 3 for i in [*typos, *numbers]
    )
    assert listed[0] == (
        "row 16, Önskat tema: unknown theme 'Utmatning' — Did you mean 'Utmattning'?"
    )
    assert "Anteckning: the note contains what looks like a personal identity number" in (
        "\n".join(listed)
    )
    assert "850312" not in result.stdout + result.stderr  # never repeated
    assert "Error: 6 rows cannot be imported; nothing was written" in result.stderr
    assert snapshot(db) == before

    document = json.loads(
        run("import", str(book), "--dry-run", "--consent-given-on", "2024-01-01", "--json",
            code=1).stdout
    )  # fmt: skip
    assert sorted(e["row"] for e in document["errors"]) == sorted(i + 3 for i in [*typos, *numbers])
    assert (document["rows"], document["added"], document["written"]) == (300, 294, False)

    fixed = _sheet_of_300({}, {})
    book = coordinators_workbook(tmp_path / "lista.xlsx", fixed)
    result = run("import", str(book), "--consent-given-on", "2024-01-01")
    assert "Imported 300 registrations (0 already registered)." in result.stderr
    assert counts(db)["registrations"] == 300
    after = snapshot(db)
    again = run("import", str(book), "--consent-given-on", "2024-01-01")
    assert "Nothing to add: all 300 rows are already registered." in again.stderr
    assert snapshot(db) == after  # not even an audit row


def test_a_failing_import_writes_nothing_and_its_rejects_can_be_corrected(
    run: Run, db: Path, tmp_path: Path
) -> None:
    rows = [
        ["Anna", "Ek", "0701234567", "2025-03-04", "Utmattning", "Jönköping", None, None, None,
         None, None, "blå"],
        ["Bo", "Al", "0701234568", "31/2/2025", "Utmatning", "Jönköping", "kanske", None, None,
         None, None, None],
        ["Cia", "Berg", "0701234569", "2025-03-05", "Ensamhet", "Habo", None, None, None, None,
         None, None],
        ["Anna", "Ek", "070-123 45 67", "2025-03-04", "Utmattning", "Jönköping", None, None,
         None, None, None, None],
    ]  # fmt: skip
    book = coordinators_workbook(tmp_path / "lista.xlsx", rows)
    before = snapshot(db)
    rejects = tmp_path / "att rätta.csv"
    result = run(
        "import", str(book), "--consent-given-on", "2025-01-01", "--rejects", str(rejects), code=1
    )
    assert snapshot(db) == before
    listed = [line for line in result.stdout.splitlines() if line.startswith("row ")]
    assert listed == [
        "row 4, Anmäld: '31/2/2025' is not a date — write it as 2026-11-24 (or 24/11/2026, "
        "24.11.2026) or as a date cell",
        "row 4, Kön: 'kanske' is not one of the choices for the gender — use one of: woman, "
        "man, other",
        "row 4, Önskat tema: unknown theme 'Utmatning' — Did you mean 'Utmattning'?",
        "row 5, Ort: unknown area 'Habo'",
        "row 6: the same person and theme as row 3",
    ]
    assert "Error: 3 rows cannot be imported; nothing was written" in result.stderr
    assert rejects.stat().st_mode & 0o777 == 0o600
    text = rejects.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(text.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert table[0][-1] == "Error" and table[0][:3] == ["Förnamn", "Efternamn", "Telefon"]
    assert [r[0] for r in table[1:]] == ["Bo", "Cia", "Anna"]
    assert table[2][-1] == "Ort: unknown area 'Habo'"

    # corrected in the rejects file, which is imported as it is (a CSV with ;)
    table[1][3], table[1][4], table[1][6] = "2025-02-28", "Utmattning", "man"
    table[2][5] = "Huskvarna"
    del table[3]
    with rejects.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out, delimiter=";").writerows(table)
    result = run("import", str(rejects), "--consent-given-on", "2025-01-01")
    assert "Columns ignored (not recognised; --map 'COLUMN=field' reads one): Färg, Error" in (
        result.stdout
    )
    assert "Imported 2 registrations" in result.stderr


def test_the_columns_a_sheet_does_not_name_are_given_with_map(
    run: Run, db: Path, tmp_path: Path
) -> None:
    path = tmp_path / "lista.csv"
    path.write_text(
        "Deltagare;Kolumn X;Tema;Okänd\r\nAnna Ek;0701234567;Utmattning;x\r\n", encoding="utf-8"
    )
    result = run("import", str(path), "--consent-given-on", "2025-01-01", code=1)
    assert "no header row found" in result.stderr  # only Tema is known: never guessed
    result = run(
        "import", str(path), "--consent-given-on", "2025-01-01", "--dry-run",
        "--map", "Deltagare=name", "--map", "kolumn x=phone",
    )  # fmt: skip
    assert result.stdout.splitlines()[:5] == [
        "Sheet lista, headers in row 1. Columns read:",
        "  Deltagare → name",
        "  Kolumn X → phone",
        "  Tema → theme",
        "Columns ignored (not recognised; --map 'COLUMN=field' reads one): Okänd",
    ]
    assert "Dry run: 1 rows checked, 1 would be added" in result.stderr
    assert counts(db)["registrations"] == 0
    bad = run("import", str(path), "--map", "Deltagare=namn", code=1)
    assert "Did you mean 'name'?" in bad.stderr
    missing = run("import", str(path), "--map", "Deltagare=name", "--map", "Kolumn Y=phone",
                  code=1)  # fmt: skip
    assert "the sheet has no column 'Kolumn Y'" in missing.stderr


def test_consent_new_themes_and_new_areas_are_said_before_anything_else(
    run: Run, db: Path, tmp_path: Path
) -> None:
    path = tmp_path / "lista.csv"
    path.write_text(
        "Namn,Tema,Område,Datum\r\nAnna,Sorg efter husdjur,Habo,2025-01-02\r\n"
        "Bo,Sorg efter husdjur,Habo,2025-01-03\r\n",
        encoding="utf-8",
    )
    result = run("import", str(path), code=1)
    assert "this county registers people on their consent" in result.stdout
    assert "row 2, Tema: unknown theme 'Sorg efter husdjur'" in result.stdout
    assert "row 2, Område: unknown area 'Habo'" in result.stdout
    result = run(
        "import", str(path), "--consent-given-on", "2025-01-05", "--new-themes", "--new-areas"
    )
    lines = result.stdout.splitlines()
    assert lines[5:7] == ["New themes: Sorg efter husdjur", "New areas: Habo"]
    assert [r["theme"] for r in registrations(db)] == ["Sorg efter husdjur"] * 2
    run("settings", "set", "legal_basis", "public-task", "--yes")
    path.write_text("Namn,Tema\r\nCia,Ensamhet\r\n", encoding="utf-8")
    run("import", str(path))  # a public authority's task: no consent to record
    assert registrations(db)[-1]["basis"] == "public-task"


def test_csv_as_swedish_excel_saves_it_and_an_ods_from_libreoffice(
    run: Run, db: Path, tmp_path: Path
) -> None:
    windows = tmp_path / "excel.csv"  # "CSV (semikolonavgränsad)": Windows-1252, ;
    windows.write_bytes(
        "Namn;Telefon;Önskat tema;Ort;Anmäld\r\nÅsa Öberg;070-111 22 33;Nära anhörigs död;"
        "Jönköping;2025-05-06\r\n".encode("cp1252")
    )
    utf8 = tmp_path / "utf8.csv"  # "CSV UTF-8 (kommaavgränsad)": a byte order mark, ,
    utf8.write_bytes(
        "\ufeffNavn,Mobil,Tema,Sted,Dato\r\nØystein Æsir,070-222 33 44,Ensamhet,Huskvarna,"
        "06.05.2025\r\n".encode()
    )
    for path in (windows, utf8):
        run("import", str(path), "--consent-given-on", "2025-05-01")
    got = registrations(db)
    assert [(r["name"], r["phone"], r["theme"], r["area"], r["registered_on"]) for r in got] == [
        ("Åsa Öberg", "070-111 22 33", "Nära anhörigs död", "Jönköping", "2025-05-06"),
        ("Øystein Æsir", "070-222 33 44", "Ensamhet", "Huskvarna", "2025-05-06"),
    ]

    book = coordinators_workbook(
        tmp_path / "calc.xlsx",
        [
            [
                "Ulla",
                "Lind",
                701112244,
                date(2025, 6, 1),
                "Ensamhet",
                "Huskvarna",
                "kvinna",
                None,
                None,
                None,
                '=HYPERLINK("http://x","y")',
                None,
            ]
        ],  # fmt: skip
    )
    converted = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').resolve().as_uri()}",
         "--headless", "--convert-to", "ods", "--outdir", str(tmp_path), str(book)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert converted.returncode == 0, converted.stderr
    run("import", str(tmp_path / "calc.ods"), "--consent-given-on", "2025-05-01")
    ulla = registrations(db)[-1]
    assert (ulla["name"], ulla["phone"], ulla["registered_on"]) == (
        "Ulla Lind", "0701112244", "2025-06-01",
    )  # fmt: skip
    # openpyxl wrote the text starting with = as a formula; LibreOffice kept it as one, and
    # a formula cell is read as the value it shows, never run by shg
    assert ulla["note"] in ("y", '=HYPERLINK("http://x","y")')


def _without_ids(book: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's rows without the id columns (ids may differ), in a stable order."""
    workbook = openpyxl.load_workbook(book, read_only=True)
    sheets = {}
    for sheet in workbook.worksheets:
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        keys = rows[1]
        kept = [i for i, k in enumerate(keys) if not (k == "id" or str(k).endswith("_id"))]
        padded = [[*r, *[None] * (len(keys) - len(r))] for r in rows[2:]]
        sheets[sheet.title] = sorted((tuple(r[i] for i in kept) for r in padded), key=repr)
    return sheets


def _stays(db: Path) -> list[tuple[Any, ...]]:
    """Each stay in a group by what it links: the group and the person, not their ids."""
    conn = sqlite3.connect(db)
    try:
        return sorted(
            conn.execute(
                """SELECT t.name, g.started_on, g.status, p.name, r.registered_on, m.joined_on,
                          m.left_on, (SELECT count(*) FROM sessions s WHERE s.group_id = g.id),
                          (SELECT group_concat(done_on) FROM followups f
                            WHERE f.group_id = g.id)
                     FROM group_members m JOIN groups g ON g.id = m.group_id
                     JOIN themes t ON t.id = g.theme_id
                     JOIN registrations r ON r.id = m.registration_id
                     LEFT JOIN persons p ON p.id = r.person_id"""
            ).fetchall(),
            key=repr,
        )
    finally:
        conn.close()


def test_shgs_own_export_read_into_a_new_register_exports_the_same(
    run: Run, tmp_path: Path
) -> None:
    demo, fresh = tmp_path / "demo.db", tmp_path / "new.db"
    run("demo", str(demo))
    hostile = '=HYPERLINK("http://x","y")'
    run("--db", str(demo), "intake", "add", "--consent", "--name", hostile, "--theme",
        "Utmattning", "--phone", "+46 70 999 88 77", "--note", "-1")  # fmt: skip
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    run("--db", str(demo), "export", "--out", str(first))
    run("--db", str(fresh), "init", "--county", "Ny", "--language", "nb")
    result = run("--db", str(fresh), "import", str(first))
    assert result.stdout.startswith("shg's own export: every sheet is read by its column keys.")
    run("--db", str(fresh), "export", "--out", str(second))
    assert _without_ids(second) == _without_ids(first)
    assert _stays(fresh) == _stays(demo)
    people = json.loads(run("--db", str(fresh), "intake", "list", "--search", "999 88 77",
                            "--json").stdout)  # fmt: skip
    assert [p["name"] for p in people] == [hostile]
    shown = json.loads(run("--db", str(fresh), "intake", "show", str(people[0]["id"]),
                           "--json").stdout)  # fmt: skip
    assert (shown["phone"], shown["note"]) == ("+46 70 999 88 77", "-1")

    again = run("--db", str(fresh), "import", str(first))
    assert "Nothing to add" in again.stderr
    other = tmp_path / "other.db"
    run("--db", str(other), "init", "--county", "Annat")
    run("--db", str(other), "intake", "add", "--consent", "--name", "Ola", "--theme", "Ensamhet")
    refused = run("--db", str(other), "import", str(first), code=1)
    assert "read into a new, empty register" in refused.stdout
    anonymous = tmp_path / "anonymous.xlsx"
    run("--db", str(demo), "export", "--anonymous", "--out", str(anonymous))
    empty = tmp_path / "empty.db"
    run("--db", str(empty), "init", "--county", "Tom")
    refused = run("--db", str(empty), "import", str(anonymous), code=1)
    assert "anonymous export" in refused.stdout


def test_an_import_killed_at_any_statement_leaves_the_register_as_it_was(
    run: Run, tmp_path: Path
) -> None:
    pristine = tmp_path / "pristine"
    pristine.mkdir()
    live = pristine / "shg.db"
    run("--db", str(live), "init", "--county", "Testlän")
    run("--db", str(live), "areas", "add", "Jönköping")
    sheet = tmp_path / "lista.csv"
    sheet.write_text(
        "Namn;Telefon;Tema;Ort;Grupp\r\n"
        + "".join(f"P{i};070-123 45 6{i};Utmattning;Jönköping;1\r\n" for i in range(5))
        + "Q;;Ensamhet;;\r\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    subprocess.run(
        [sys.executable, str(TESTS / "kill_driver.py"), str(pristine), str(tmp_path / "work"),
         str(out), "--", "import", str(sheet), "--consent-given-on", "2026-01-01"],
        check=True, timeout=600,
        env={**__import__("os").environ, "SHG_DB": str(tmp_path / "work" / "shg.db")},
    )  # fmt: skip
    killed = sorted((p for p in out.iterdir() if p.name != "done"), key=lambda p: int(p.name))
    assert len(killed) > 20
    before = counts(live)
    after = counts(out / "done" / "shg.db")
    assert after["registrations"] == 6 and after["groups"] == 1 and after["group_members"] == 5
    seen = []
    for state in killed:
        now = counts(state / "shg.db")  # a fresh connection recovers what the WAL holds
        assert now in (before, after), state.name
        seen.append(now == after)
    assert seen == sorted(seen)  # before, then after: one switch, the commit


def test_files_that_are_not_sheets_are_refused_plainly(run: Run, db: Path, tmp_path: Path) -> None:
    assert "shg reads .xlsx, .ods and .csv files" in run("import", "x.pdf", code=1).stderr
    assert "could not be read" in run("import", "saknas.xlsx", code=1).stderr
    broken = tmp_path / "trasig.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really")
    assert "could not be read as a spreadsheet" in run("import", str(broken), code=1).stderr
    book = coordinators_workbook(tmp_path / "lista.xlsx", [])
    assert "has no sheet 'Blad2'" in run("import", str(book), "--sheet", "Blad2", code=1).stderr
