"""The charts of the report and the page around them, opened as a person would: in Chromium."""

from __future__ import annotations

from pathlib import Path

from clients import not_blank, open_in_chromium

from shgroups.render import charts
from shgroups.render.html import page

MONTHS = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def test_charts_draw_in_a_real_browser_fetching_nothing(tmp_path: Path) -> None:
    per_month = charts.columns(
        "Intresseanmälningar per månad",
        "Staplar per månad för 2025 och 2024.",
        MONTHS,
        [("2025", [12, 9, None, 14, 20, 8, 5, 7, 15, 18, 11, 6]), ("2024", [10] * 12)],
        "<5",
    )
    themes = charts.bars(
        "Teman",
        "Anmälningar per tema.",
        ["Utmattning", "<script>alert(1)</script>", "Nära anhörigs död"],
        [("2025", [40, None, 12])],
        "<5",
    )
    html = page("Rapport 2025", "sv", f"<h1>Rapport</h1><figure>{per_month}</figure>{themes}")
    assert "<script>" not in html and "http" not in html
    path = tmp_path / "charts.html"
    path.write_text(html, "utf-8")
    opened = open_in_chromium(path, tmp_path / "charts.png")
    assert opened.requests == [] and opened.console_errors == [] and opened.page_errors == []
    assert not_blank(tmp_path / "charts.png")
    assert "<script>alert(1)</script>" in opened.text  # shown as text, never run
    assert html.count("<title>") >= 3 and html.count("<desc>") == 2


def test_a_suppressed_figure_draws_no_bar() -> None:
    drawn = charts.columns("t", "d", ["a", "b"], [("2025", [7, None])], "<5")
    assert drawn.count("<rect") == 1 and "&lt;5" in drawn
