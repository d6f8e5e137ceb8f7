"""Workbooks as LibreOffice reads them: typed cells, nothing a spreadsheet would run."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
from clients import sheets_in_libreoffice

from shgroups.render.xlsx import Sheet, workbook


def test_cells_are_typed_and_no_text_becomes_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    path.write_bytes(
        workbook(
            [
                Sheet(
                    "Teman", ["Tema", "2025", "2024"], [["Utmattning", 12, 9], ["=1+1", None, 5]]
                ),
                Sheet("Teman", ["Telefon", "Dag"], [["+46 70 123 45 67", date(2025, 3, 1)]]),
                Sheet("Ett [konstigt]: namn/som är för långt för Excel", ["x"], [["@SUM(A1)"]]),
            ]
        )
    )
    read = sheets_in_libreoffice(path, tmp_path / "out")
    assert read["Teman"] == [["Tema", "2025", "2024"], ["Utmattning", "12", "9"], ["=1+1", "", "5"]]
    assert read["Teman (2)"] == [["Telefon", "Dag"], ["+46 70 123 45 67", "2025-03-01"]]
    (odd,) = [name for name in read if name.startswith("Ett")]
    assert len(odd) <= 31 and read[odd] == [["x"], ["@SUM(A1)"]]
    cells = openpyxl.load_workbook(path)["Teman"]
    assert [c.data_type for c in cells[2]] == ["s", "n", "n"]
    assert cells["A3"].data_type == "s" and cells["A3"].value == "=1+1"
