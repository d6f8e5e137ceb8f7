"""The programs a person opens shg's files with, driven by the tests: a web page in headless
Chromium (Debian's `chromium`, driven by Playwright), a spreadsheet in LibreOffice (Debian's
`libreoffice-calc-nogui`, converted headless to CSV). `.ci/run` installs both when missing."""

from __future__ import annotations

import csv
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"
# As the machine's notes give them: no background traffic from Chromium itself.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Opened:
    """What Chromium made of a page: its text, the requests it made, what it logged."""

    text: str
    screenshot: Path
    requests: list[str] = field(default_factory=list)  # every URL but the page's own
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


def open_in_chromium(page: Path, screenshot: Path, *, print_pdf: Path | None = None) -> Opened:
    """Open `page` (a file) in headless Chromium with JavaScript on, as a browser would."""
    from playwright.sync_api import sync_playwright

    own = page.resolve().as_uri()
    opened = Opened(text="", screenshot=screenshot)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            view = browser.new_page(viewport={"width": 1000, "height": 1400})
            view.on(
                "request",
                lambda request: opened.requests.append(request.url) if request.url != own else None,
            )
            view.on(
                "console",
                lambda message: (
                    opened.console_errors.append(message.text) if message.type == "error" else None
                ),
            )
            view.on("pageerror", lambda error: opened.page_errors.append(str(error)))
            view.goto(own, wait_until="load")
            opened.text = view.inner_text("body")
            view.screenshot(path=str(screenshot), full_page=True)
            if print_pdf is not None:
                view.emulate_media(media="print")
                view.pdf(path=str(print_pdf), format="A4")
        finally:
            browser.close()
    return opened


def not_blank(png: Path) -> bool:
    """A screenshot with something drawn on it: more than a handful of colours (Pillow)."""
    from PIL import Image

    with Image.open(png) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 24) or []
    return len(colours) > 16


def sheets_in_libreoffice(workbook: Path, folder: Path) -> dict[str, list[list[str]]]:
    """Every sheet of `workbook` as LibreOffice reads it: converted headless to CSV, one file a
    sheet (filter option -1), read back as rows of the text LibreOffice shows."""
    folder.mkdir(parents=True, exist_ok=True)
    profile = folder / "profile"
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--headless",
            "--convert-to",
            # comma, quote, UTF-8, from row 1, …, formatted as shown, every sheet
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1",
            "--outdir",
            str(folder),
            str(workbook),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    sheets = {}
    for path in sorted(folder.glob(f"{workbook.stem}-*.csv")):
        name = path.stem.removeprefix(f"{workbook.stem}-")
        with path.open(encoding="utf-8", newline="") as source:
            sheets[name] = list(csv.reader(source))
    if not sheets:  # a one-sheet workbook is written without the sheet's name
        with (folder / f"{workbook.stem}.csv").open(encoding="utf-8", newline="") as source:
            sheets[""] = list(csv.reader(source))
    return sheets
