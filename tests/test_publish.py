"""`shg publish`: the lists a web editor pastes on 1177.se or the county's web — the right
themes under the right areas, in the county's language, and nothing about any person."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from conftest import Run, add, register, start

from shgroups.render.lists import md_escape
from shgroups.services.publish import season_of

XSS = "<script>alert(1)</script>"
SECRETS = ("Person ", "Zlatan", "070", "123 45 67", "zlatan@example.org", "a secret note")


@pytest.fixture
def published(run: Run, db: Path) -> Path:
    """A register with people waiting in Jönköping and in the digital area, and a group of
    each kind: running with seats, full, closed, ended (and one planned)."""
    run("themes", "add", XSS)
    # Waiting, first choice: Ensamhet in Jönköping; the hostile theme and Nedstämdhet online.
    add(run, "Zlatan Unik", "Ensamhet", "--area", "Jönköping", "--phone", "070-123 45 67",
        "--email", "zlatan@example.org", "--note", "a secret note")  # fmt: skip
    add(run, "Person 90", XSS, "--area", "Digital")
    add(run, "Person 91", "Nedstämdhet", "--area", "Digital")
    # Running, open, 5 of 8: Utmattning in Huskvarna has open seats.
    register(run, 5, "Utmattning", "Huskvarna", 1)
    start(run, "--starter-sessions", "0", area="Huskvarna")
    # Full: 8 of 8, open, Ångest in Jönköping.
    register(run, 8, "Ångest", "Jönköping", 10)
    start(run, "--starter-sessions", "0", theme="Ångest")
    # Closed, starting: Utmattning in Jönköping, 5 of 8 but takes no one.
    register(run, 5, "Utmattning", "Jönköping", 20)
    start(run, "--closed")
    # Ended: Samtal om livet in Huskvarna, gone from both lists.
    register(run, 5, "Samtal om livet", "Huskvarna", 30)
    start(run, "--starter-sessions", "0", theme="Samtal om livet", area="Huskvarna")
    run("groups", "end", "4")
    return db


def sections(text: str, heading: str) -> dict[str, str]:
    """The markdown document cut at its `heading` lines (e.g. '### '): heading -> its text."""
    parts = re.split(rf"^{re.escape(heading)}(.+)$", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_markdown_lists_the_right_themes_under_the_right_areas(run: Run, published: Path) -> None:
    text = run("publish").stdout
    top = sections(text, "## ")
    assert list(top) == ["Grupper som söker deltagare", "Pågående grupper"]
    seeking, ongoing = top.values()
    assert "Grupperna startar när minst 5 har anmält sig." in seeking
    areas = sections(seeking, "### ")
    assert list(areas) == ["Digital", "Huskvarna", "Jönköping"]  # by name
    assert "Grupperna träffas digitalt." in areas["Digital"]
    assert re.findall(r"^- (.+)$", areas["Digital"], re.M) == [
        r"\<script\>alert(1)\</script\>",  # escaped: shows as text, never runs
        "Nedstämdhet",
    ]
    assert re.findall(r"^- (.+)$", areas["Huskvarna"], re.M) == [
        "Utmattning (en grupp har lediga platser)"
    ]
    # Ensamhet: someone waits; Ångest's group is full; the closed group seeks no one.
    assert re.findall(r"^- (.+)$", areas["Jönköping"], re.M) == ["Ensamhet"]
    groups = re.findall(r"^- (.+)$", ongoing, re.M)
    assert groups == [
        "Utmattning, Huskvarna: sedan hösten 2026, öppen för nya deltagare",
        "Utmattning, Jönköping: sedan hösten 2026, stängd för nya deltagare",
        "Ångest, Jönköping: sedan hösten 2026, full just nu",  # Å after U, in Swedish
    ]
    assert "Samtal om livet" not in text  # ended


def _without_people(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret
    # No id, no count of people waiting: the only numbers are the date, years and min_size.
    numbers = set(re.findall(r"\d+", text.replace("alert(1)", "")))
    assert numbers <= {"24", "2026", "5"}, numbers


@pytest.mark.parametrize("fmt", ["md", "txt", "html"])
def test_no_person_in_any_format(run: Run, published: Path, fmt: str) -> None:
    text = run("publish", "--format", fmt).stdout
    if fmt == "html":
        # what a reader sees: not the style sheet's sizes, nor the tags (h1, h2)
        text = re.sub(r"<[^>]*>", "", text.split("<main>", 1)[1])
    _without_people(text)
    assert "Testlän" in text and "24 november 2026" in text


def test_the_html_page_stands_alone_and_escapes_the_register(run: Run, published: Path) -> None:
    page = run("publish", "--format", "html").stdout
    assert page.startswith("<!doctype html>\n")
    assert '<html lang="sv">' in page  # the county's language, whatever the screen speaks
    assert '<meta charset="utf-8">' in page and "<style>" in page and "@page" in page
    assert "http" not in page and "<script" not in page and "src=" not in page
    assert "<li>&lt;script&gt;alert(1)&lt;/script&gt;</li>" in page
    assert "<li>Utmattning, Jönköping: sedan hösten 2026, stängd för nya deltagare</li>" in page
    assert page.count("<ul>") == page.count("</ul>") == 4  # three areas, the ongoing groups
    assert page.rstrip().endswith("</html>")


def test_plain_text_for_an_email(run: Run, published: Path) -> None:
    text = run("publish", "--format", "txt").stdout
    assert text.startswith("Testlän\n=======\n")
    assert "Grupper som söker deltagare\n---------------------------\n" in text
    assert "Digital\n  (Grupperna träffas digitalt.)\n" in text
    assert "  - Utmattning (en grupp har lediga platser)" in text
    assert f"  - {XSS}" in text  # plain text: shown as it is, nothing runs it
    assert "#" not in text and "<li>" not in text


def test_a_norwegian_county_publishes_in_norwegian(run: Run) -> None:
    run("init", "--language", "nb", "--county", "Viken")
    run("areas", "add", "Drammen")
    add(run, "Kari", "Utmattelse", "--area", "Drammen")
    register(run, 5, "Utmattelse", "Drammen", 1)
    start(run, "--starter-sessions", "0", theme="Utmattelse", area="Drammen")
    text = run("publish").stdout  # the coordinator's screen speaks English
    assert "## Grupper som søker deltakere" in text
    assert "Gruppene starter når minst 5 har meldt seg." in text
    assert "## Pågående grupper" in text
    assert "24. november 2026" in text
    assert "Utmattelse, Drammen: siden høsten 2026, åpen for nye deltakere" in text
    page = run("publish", "--format", "html").stdout
    assert '<html lang="nb">' in page


def test_an_english_county_publishes_in_english(run: Run, published: Path) -> None:
    run("settings", "set", "language", "en")
    text = run("publish", "--format", "txt", env={"SHG_LANG": "sv"}).stdout
    assert "Groups seeking participants" in text and "Ongoing groups" in text
    assert "Groups start when at least 5 have registered." in text
    assert "Utmattning, Jönköping: since autumn 2026, closed to new members" in text
    assert "24 November 2026" in text


def test_the_file_is_private_and_never_overwritten_without_force(run: Run, published: Path) -> None:
    out = Path("lists.html")
    result = run("publish", "--format", "html", "--out", str(out))
    assert result.stdout == ""
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    first = out.read_bytes()
    assert first.startswith(b"<!doctype html>")
    refused = run("publish", "--format", "md", "--out", str(out), code=1)
    assert "already exists" in refused.stderr and "--force" in refused.stderr
    assert out.read_bytes() == first
    run("publish", "--format", "md", "--out", str(out), "--force")
    assert out.read_bytes().startswith(b"# Testl")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [p.name for p in Path().iterdir() if p.name.startswith(".lists")] == []


def test_a_folder_as_out_is_refused_with_a_hint(run: Run, published: Path) -> None:
    for folder in (".", str(Path.cwd())):
        for force in ([], ["--force"]):
            error = run("publish", "--out", folder, *force, code=1).stderr
            assert error.startswith(f"Error: --out: {folder} is a folder; shg writes a file\n")
            assert "Hint: give --out a file's name, in that folder or another" in error
    assert [p.name for p in Path().iterdir() if p.name.startswith(".")] == []


def test_an_unknown_format_is_a_usage_error(run: Run, db: Path) -> None:
    result = run("publish", "--format", "pdf", code=2)
    assert "pdf" in result.stderr and "md" in result.stderr


def test_an_empty_register_says_so_kindly(run: Run, db: Path) -> None:
    text = run("publish").stdout
    assert "Just nu söker ingen grupp deltagare." in text
    assert "Just nu pågår ingen grupp." in text
    page = run("publish", "--format", "html").stdout
    assert "<p>Just nu pågår ingen grupp.</p>" in page and "<ul>" not in page
    assert page.rstrip().endswith("</html>")


def test_a_planned_group_with_seats_seeks_but_does_not_meet_yet(run: Run, db: Path) -> None:
    register(run, 5, "Utmattning", "Jönköping", 1)
    start(run, "--date", "2027-02-01")
    text = run("publish").stdout
    assert "- Utmattning (en grupp har lediga platser)" in text
    assert "Just nu pågår ingen grupp." in text


def test_seasons_and_markdown_escapes() -> None:
    assert season_of("2026-01-01") == ("spring", 2026)
    assert season_of("2026-06-30") == ("spring", 2026)
    assert season_of("2026-07-01") == ("autumn", 2026)
    assert season_of("2025-12-31") == ("autumn", 2025)
    assert md_escape("a_b *c* [d](e) #f <g> &lt; `h` \\") == (
        r"a\_b \*c\* \[d\](e) \#f \<g\> \&lt; \`h\` \\"
    )
    assert md_escape("1. first") == r"1\. first"
    assert md_escape("- dash") == r"\- dash"


def test_the_html_list_opens_in_a_real_browser_fetching_nothing(
    run: Run, db: Path, tmp_path: Path
) -> None:
    from clients import not_blank, open_in_chromium

    run("intake", "add", "--consent", "--name", "Anna", "--theme", "Utmattning", "--area",
        "Jönköping")  # fmt: skip
    run("publish", "--format", "html", "--out", str(tmp_path / "lists.html"))
    opened = open_in_chromium(tmp_path / "lists.html", tmp_path / "lists.png")
    assert opened.requests == [] and opened.console_errors == [] and opened.page_errors == []
    assert not_blank(tmp_path / "lists.png")
    assert "Utmattning" in opened.text and "Anna" not in opened.text
