"""`shg export`: the whole register handed over as a workbook or a folder of CSV files, opened
as a coordinator's successor would open it (openpyxl, LibreOffice), never a formula in a cell,
and with --anonymous nothing that names anyone."""

from __future__ import annotations

import csv
import sqlite3
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from clients import sheets_in_libreoffice
from conftest import Run

from shgroups.services.export import FORMAT, TABLES, VERSION

HOSTILE = ['=HYPERLINK("http://x","y")', "-1", "@x", "+1+2"]


def read_csv(folder: Path, key: str) -> list[list[str]]:
    with (folder / f"{key}.csv").open(encoding="utf-8-sig", newline="") as source:
        return list(csv.reader(source))


def as_typed(cell: str) -> str:
    """A CSV cell as typed: the csv rule's one leading ' before = + - @ dropped."""
    return cell[1:] if cell[:2] in ("'=", "'+", "'-", "'@") else cell


@pytest.fixture
def demo(run: Run, tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    run("demo", str(path))
    return path


def test_the_demo_register_in_libreoffice_is_the_csv_export(
    run: Run, demo: Path, tmp_path: Path
) -> None:
    book, folder = tmp_path / "register.xlsx", tmp_path / "csv"
    run("--db", str(demo), "export", "--out", str(book))
    run("--db", str(demo), "export", "--format", "csv", "--out", str(folder))
    assert book.stat().st_mode & 0o777 == 0o600
    assert folder.stat().st_mode & 0o777 == 0o700
    keys = ["about", *(t.key for t in TABLES)]
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{k}.csv" for k in keys)
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in folder.iterdir())

    about = {row[0]: row[1:] for row in read_csv(folder, "about")[2:]}
    assert about["format"][0] == FORMAT and about["version"][0] == str(VERSION)
    assert about["language"][0] == "sv" and about["anonymous"][0] == "false"
    names = {key: about[f"sheet.{key}"][0] for key in keys[1:]}
    assert names["registrations"] == "Anmälningar"  # the county's language: a Swedish demo

    conn = sqlite3.connect(demo)
    counted = {
        t.key: conn.execute(f"SELECT count(*) FROM {t.key}").fetchone()[0] for t in TABLES[1:]
    }
    shown = sheets_in_libreoffice(book, tmp_path / "lo")
    for key in keys:
        ours = read_csv(folder, key)
        theirs = shown[names[key] if key != "about" else "Om exporten"]
        assert len(theirs) == len(ours), key
        for mine, seen in zip(ours, theirs, strict=True):
            width = max(len(mine), len(seen))
            assert [as_typed(c) for c in mine] + [""] * (width - len(mine)) == seen + [""] * (
                width - len(seen)
            ), key
        if key in counted:
            assert len(ours) - 2 == counted[key] == int(about[f"sheet.{key}"][1]), key

    # openpyxl sees the cells typed: ids and years numbers, days dates, phones text
    sheet = openpyxl.load_workbook(book, read_only=True)[names["registrations"]]
    head, keys_row, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert head[:4] == ["ID", "Person", "Namn", "Telefon"] and keys_row[:4] == [
        "id",
        "person_id",
        "name",
        "phone",
    ]
    column = {key: i for i, key in enumerate(keys_row)}
    first = rows[0]
    assert isinstance(first[column["id"]], int) and isinstance(first[column["birth_year"]], int)
    assert type(first[column["registered_on"]]).__name__ == "datetime"  # a date cell
    phones = [r[column["phone"]] for r in rows if r[column["phone"]]]
    assert phones and all(isinstance(p, str) for p in phones)
    assert any(p.startswith("0") for p in phones)  # the leading zero kept
    stored = {r[0]: r[1] for r in conn.execute("SELECT id, registered_on FROM registrations")}
    assert all(
        r[column["registered_on"]].date() == date.fromisoformat(stored[r[column["id"]]])
        for r in rows
    )


def test_hostile_text_is_text_in_the_xml_in_libreoffice_and_in_the_csv(
    run: Run, db: Path, tmp_path: Path
) -> None:
    for n, name in enumerate(HOSTILE):
        run("intake", "add", "--consent", f"--name={name}", "--theme", "Utmattning",
            "--phone", f"+46 70 123 45 6{n}", "--note", "=1+1\nsecond line", "--force")  # fmt: skip
    run("intake", "add", "--consent", "--name", "Bo", "--theme", "Utmattning", "--phone",
        "0701234599")  # fmt: skip
    book, folder = tmp_path / "h.xlsx", tmp_path / "h"
    run("export", "--out", str(book))
    run("export", "--format", "csv", "--out", str(folder))

    with zipfile.ZipFile(book) as parts:
        xml = {name: parts.read(name).decode() for name in parts.namelist()}
    assert not any("<f>" in text or "<f " in text for text in xml.values())
    assert '<is><t>=HYPERLINK("http://x","y")</t></is>' in "".join(xml.values()).replace(
        "&quot;", '"'
    )

    rows = read_csv(folder, "registrations")
    column = {key: i for i, key in enumerate(rows[1])}
    names = [r[column["name"]] for r in rows[2:]]
    assert names == ['\'=HYPERLINK("http://x","y")', "-1", "'@x", "'+1+2", "Bo"]
    assert [r[column["phone"]] for r in rows[2:]][-2:] == ["+46 70 123 45 63", "0701234599"]
    assert rows[2][column["note"]] == "'=1+1\nsecond line"

    sheet = openpyxl.load_workbook(book)["Anmälningar"]
    assert [sheet.cell(3 + i, column["name"] + 1).value for i in range(4)] == HOSTILE
    assert all(sheet.cell(3 + i, column["name"] + 1).data_type == "s" for i in range(4))

    shown = sheets_in_libreoffice(book, tmp_path / "lo")["Anmälningar"]
    assert [r[column["name"]] for r in shown[2:]] == [*HOSTILE, "Bo"]
    assert shown[2][column["note"]] == "=1+1\nsecond line"
    assert [r[column["phone"]] for r in shown[2:]][-2:] == ["+46 70 123 45 63", "0701234599"]


def test_anonymous_leaves_no_name_phone_email_or_note_anywhere(
    run: Run, demo: Path, tmp_path: Path
) -> None:
    conn = sqlite3.connect(demo)
    secrets = {
        value
        for row in conn.execute(
            "SELECT name, phone, email, note FROM persons UNION ALL "
            "SELECT name, NULL, NULL, NULL FROM staff UNION ALL "
            "SELECT method, note, NULL, NULL FROM followups"
        )
        for value in row
        if value
    }
    assert len(secrets) > 50
    book, folder = tmp_path / "anon.xlsx", tmp_path / "anon"
    run("--db", str(demo), "export", "--anonymous", "--out", str(book))
    run("--db", str(demo), "export", "--anonymous", "--format", "csv", "--out", str(folder))
    with zipfile.ZipFile(book) as parts:
        texts = [parts.read(name).decode() for name in parts.namelist()]
    texts += [p.read_text("utf-8-sig") for p in folder.iterdir()]
    import html

    for text in texts:
        plain = html.unescape(text)
        assert not [s for s in secrets if s in plain]
    keys = read_csv(folder, "registrations")[1]
    assert not {"name", "phone", "email", "note", "person_id"} & set(keys)
    assert "gender" in keys and "birth_year" in keys  # the facts stay
    assert read_csv(folder, "about")[7][:2] == ["anonymous", "true"]
    assert "method" not in read_csv(folder, "followups")[1]


def test_audited_without_names(run: Run, shg_json, demo: Path, tmp_path: Path) -> None:
    run("--db", str(demo), "export", "--out", str(tmp_path / "a.xlsx"))
    run("--db", str(demo), "export", "--anonymous", "--out", str(tmp_path / "b.xlsx"))
    entries = shg_json("--db", str(demo), "audit")
    assert [(e["action"], e["entity"], e["entity_id"]) for e in entries[-2:]] == [
        ("db.export", "db", None),
        ("db.export-anonymous", "db", None),
    ]
    conn = sqlite3.connect(demo)
    names = [r[0] for r in conn.execute("SELECT name FROM persons")]
    audit = " ".join(str(v) for row in conn.execute("SELECT * FROM audit") for v in row)
    assert not [n for n in names if n in audit]


def test_never_over_a_file_without_force_and_nothing_written_when_refused(
    run: Run, db: Path, tmp_path: Path
) -> None:
    book = tmp_path / "r.xlsx"
    book.write_bytes(b"earlier")
    audits = sqlite3.connect(db).execute("SELECT count(*) FROM audit").fetchone()[0]
    result = run("export", "--out", str(book), code=1)
    assert "Error:" in result.stderr and "--force" in result.stderr
    assert book.read_bytes() == b"earlier"
    for args in (
        ["--out", str(tmp_path / "r.txt")],  # a workbook ends in .xlsx
        ["--out", str(tmp_path)],  # a folder is not a workbook
        ["--format", "csv", "--out", str(book)],  # a file is not a folder
        ["--format", "csv", "--out", str(tmp_path / "x.csv")],
        ["--out", str(tmp_path / "missing" / "r.xlsx")],
    ):
        result = run("export", *args, code=1)
        assert "Error:" in result.stderr and "Hint:" in result.stderr, args
    assert not (tmp_path / "r.txt").exists() and not (tmp_path / "x.csv").exists()
    result = run("export", "--format", "ods", code=2)
    assert "Error:" in result.stderr and "Hint:" in result.stderr
    assert sqlite3.connect(db).execute("SELECT count(*) FROM audit").fetchone()[0] == audits
    assert not (tmp_path / "missing").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".r")]  # no temporary file

    run("export", "--out", str(book), "--force")
    assert book.read_bytes().startswith(b"PK") and book.stat().st_mode & 0o777 == 0o600

    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "other.txt").write_text("keep")
    result = run("export", "--format", "csv", "--out", str(folder), code=1)
    assert "not empty" in result.stderr and "--force" in result.stderr
    assert [p.name for p in folder.iterdir()] == ["other.txt"]
    run("export", "--format", "csv", "--out", str(folder), "--force")
    assert (folder / "other.txt").read_text() == "keep" and (folder / "groups.csv").exists()


def test_without_out_a_dated_file_here(run: Run, db: Path, tmp_path: Path) -> None:
    result = run("export")
    assert (tmp_path / "shg-export-2026-11-24.xlsx").exists()
    assert "shg-export-2026-11-24.xlsx" in result.stderr
    run("export", code=1)  # the same day again: refused, the file kept
