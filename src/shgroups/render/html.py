"""One self-contained HTML page: what a web editor pastes from or links, and what prints on A4.

No external URL, no script, no font or image fetched: everything the page needs is in it.
Text from the register is always escaped here (`esc`), never trusted as markup.
"""

from __future__ import annotations

from html import escape

# Readable on screen, on A4 paper, and in a CMS that keeps only the markup.
STYLE = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto;
       max-width: 52rem; padding: 0 1rem; color: #1b1b1b; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.05rem; margin-top: 1.4rem; }
.meta { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { padding: .2rem .6rem; border-bottom: 1px solid #ddd; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1rem 0; }
figure svg { display: block; width: 100%; max-width: 40rem; height: auto; }
figcaption { font-weight: 600; width: 100%; }
.note { color: #555; font-size: .9rem; }
@page { size: A4; margin: 16mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  h2 { break-after: avoid; }
  figure, table { break-inside: avoid; }
}
"""


def esc(text: object) -> str:
    """Text from the register (a theme, an area, a county's name) as HTML text."""
    return escape(str(text), quote=True)


def page(title: str, language: str, body: str) -> str:
    """A whole HTML5 document around `body` (markup built with `esc`)."""
    return (
        "<!doctype html>\n"
        f'<html lang="{esc(language)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )
