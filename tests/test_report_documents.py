"""The yearly report as the region receives it: a web page opened in Chromium, a workbook
opened in LibreOffice, both holding the figures of `--json`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clients import not_blank, open_in_chromium, sheets_in_libreoffice
from conftest import Run

from shgroups.i18n import _, speaking
from shgroups.render.report import tables


@pytest.fixture
def demo(run: Run, tmp_path: Path) -> tuple[Path, dict]:
    """The demo register (two years of history) and its report for last year as JSON."""
    path = tmp_path / "demo.db"
    run("demo", str(path))
    doc = json.loads(run("--db", str(path), "report", "--json").stdout)
    return path, doc


def test_the_report_page_opens_in_a_real_browser(run: Run, demo: tuple, tmp_path: Path) -> None:
    path, doc = demo
    page = tmp_path / "report.html"
    run("--db", str(path), "report", "--format", "html", "--out", str(page))
    html = page.read_text("utf-8")
    assert "<script" not in html and "http" not in html and "src=" not in html
    assert html.count("<svg") == 4 and html.count("<desc>") == 4
    opened = open_in_chromium(page, tmp_path / "report.png", print_pdf=tmp_path / "report.pdf")
    assert opened.requests == [] and opened.console_errors == [] and opened.page_errors == []
    assert not_blank(tmp_path / "report.png")
    # the county's language (the demo is a Swedish county), its name and the period
    assert "Självhjälpsgrupper: siffror för Demo county" in opened.text
    assert "1 januari 2025 – 31 december 2025" in opened.text
    assert str(doc["registrations"]["total"]["current"]["value"]) in opened.text
    pdf = (tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and b"/MediaBox [0 0 595" in pdf  # A4: 595 × 842 points


def test_the_workbook_holds_the_figures_of_the_json(run: Run, demo: tuple, tmp_path: Path) -> None:
    path, doc = demo
    book = tmp_path / "report.xlsx"
    run("--db", str(path), "report", "--format", "xlsx", "--out", str(book))
    assert book.stat().st_mode & 0o777 == 0o600
    sheets = sheets_in_libreoffice(book, tmp_path / "csv")
    by_header = {rows[0][0]: rows for rows in sheets.values() if rows}
    hidden = f"<{doc['min_cell']}"
    with speaking(doc["language"]):
        expected = [(_(label), table) for _s, _n, label, table in tables(doc)]
        summary = _("Summary")
    assert summary in sheets and len(expected) >= 9
    for label, table in expected:
        rows = by_header[label][1:]
        figures = [*table["rows"], *([table["total"]] if table["total"] else [])]
        assert len(rows) == len(figures), label
        for shown, figure in zip(rows, figures, strict=True):
            for cell, period in zip(shown[1:], ("current", "previous"), strict=True):
                value = figure[period]
                if value["suppressed"]:
                    assert cell == hidden
                else:
                    assert float(cell) == value["value"], (label, shown)
    assert any(hidden in row for rows in sheets.values() for row in rows)  # something hid


def test_a_workbook_needs_a_file(run: Run, demo: tuple) -> None:
    path, _doc = demo
    result = run("--db", str(path), "report", "--format", "xlsx", code=1)
    assert "give --out" in result.stderr and result.stdout == ""
