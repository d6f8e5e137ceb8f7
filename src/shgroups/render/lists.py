"""The published lists (services/publish.py gathers them) written as a document: Markdown to
paste into a CMS, one self-contained HTML page, or plain text for an e-mail.

They are read by the public, so they are in the county's language (the setting `language`),
with the date as that language writes it (Babel). The text is first laid out as blocks
(heading, paragraph, list) in plain words; each format then writes the blocks, escaping all
of the text: themes and areas are the register's, typed by people, and may hold `<`, `*` or
`[` that must show as themselves, never become markup.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from shgroups.i18n import _, ngettext, speaking
from shgroups.language import long_date
from shgroups.services.publish import Lists, Ongoing, season_of
from shgroups.text import visible


class PublishFormat(StrEnum):
    MD = "md"
    HTML = "html"
    TXT = "txt"


# A block of the document: (kind, text) with kind "title", "date", "h2", "h3", "p", "note",
# "item"; consecutive items make one list.
Block = tuple[str, str]


def render(lists: Lists, fmt: PublishFormat) -> str:
    """The document, in the county's language."""
    with speaking(lists["language"]):
        blocks = _blocks(lists)
        title = _title(lists)
    writer = {PublishFormat.MD: _markdown, PublishFormat.HTML: _html, PublishFormat.TXT: _text}
    return writer[fmt](blocks, title, lists["language"])


def _title(lists: Lists) -> str:
    return visible(lists["county"], multiline=False) or _("Self-help groups")


def _since(started_on: str) -> str:
    season, year = season_of(started_on)
    if season == "spring":
        return _("since spring {year}").format(year=year)
    return _("since autumn {year}").format(year=year)


def _seats(group: Ongoing) -> str:
    if group["seats"] == "open":
        return _("open for new members")
    if group["seats"] == "full":
        return _("full at the moment")
    return _("closed to new members")


def _blocks(lists: Lists) -> list[Block]:
    def shown(text: str) -> str:
        return visible(text, multiline=False)

    day = long_date(date.fromisoformat(lists["on"]), lists["language"])
    blocks: list[Block] = [
        ("title", _title(lists)),
        ("date", _("Updated {date}").format(date=day)),
        ("h2", _("Groups seeking participants")),
    ]
    if lists["seeking"]:
        n = lists["min_size"]
        blocks.append(
            (
                "p",
                ngettext(
                    "Groups start when at least {n} person has registered.",
                    "Groups start when at least {n} have registered.",
                    n,
                ).format(n=n),
            )
        )
    else:
        blocks.append(("p", _("No group is seeking participants at the moment.")))
    for area in lists["seeking"]:
        blocks.append(("h3", shown(area["area"])))
        if area["digital"]:
            blocks.append(("note", _("These groups meet online.")))
        for theme in area["themes"]:
            text = (
                _("{theme} (a group has open seats)").format(theme=shown(theme["theme"]))
                if theme["open_seats"]
                else shown(theme["theme"])
            )
            blocks.append(("item", text))
    blocks.append(("h2", _("Ongoing groups")))
    if not lists["ongoing"]:
        blocks.append(("p", _("No group is meeting at the moment.")))
    for group in lists["ongoing"]:
        blocks.append(
            (
                "item",
                _("{theme}, {area}: {since}, {seats}").format(
                    theme=shown(group["theme"]),
                    area=shown(group["area"]),
                    since=_since(group["started_on"]),
                    seats=_seats(group),
                ),
            )
        )
    return blocks


# Markdown: every character that could start markup anywhere in a line is escaped with a
# backslash (CommonMark lets any ASCII punctuation be escaped): emphasis, code, links (with
# `[` and `]` escaped no `(…)` or `!` can make one), HTML, headings, GitHub's tables and
# strike-through; `&` too, or "&lt;" would show as "<".
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&])")
# At the start of a line, "1." or "-", "+", "=" would begin a list or underline a heading.
_MD_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=])")


def md_escape(text: str) -> str:
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", escaped)


def _markdown(blocks: list[Block], title: str, language: str) -> str:
    prefix = {"title": "# ", "h2": "## ", "h3": "### ", "note": "", "p": "", "date": ""}
    lines: list[str] = []
    for kind, text in blocks:
        if kind == "item":
            lines.append(f"- {md_escape(text)}")
            continue
        if lines and lines[-1] != "":
            lines.append("")
        escaped = md_escape(text)
        lines.append(prefix[kind] + (f"*{escaped}*" if kind == "note" else escaped))
        lines.append("")
    return "\n".join(lines).strip("\n") + "\n"


def _text(blocks: list[Block], title: str, language: str) -> str:
    lines: list[str] = []
    for kind, text in blocks:
        if kind == "item":
            lines.append(f"  - {text}")
            continue
        if kind == "note":  # under its area's heading
            lines.append(f"  ({text})")
            continue
        if lines and lines[-1] != "":
            lines.append("")
        if kind in ("title", "h2"):
            lines += [text, ("=" if kind == "title" else "-") * len(text)]
        else:
            lines.append(text)
        if kind != "h3":
            lines.append("")
    return "\n".join(lines).strip("\n") + "\n"


def _html(blocks: list[Block], title: str, language: str) -> str:
    from shgroups.render.html import esc, page

    body: list[str] = []
    in_list = False
    for kind, text in blocks:
        if kind == "item" and not in_list:
            body.append("<ul>")
        elif kind != "item" and in_list:
            body.append("</ul>")
        in_list = kind == "item"
        tag = {
            "title": "<h1>{}</h1>",
            "date": '<p class="meta">{}</p>',
            "h2": "<h2>{}</h2>",
            "h3": "<h3>{}</h3>",
            "p": "<p>{}</p>",
            "note": '<p class="note">{}</p>',
            "item": "<li>{}</li>",
        }[kind]
        body.append(tag.format(esc(text)))
    if in_list:
        body.append("</ul>")
    return page(title, language, "<main>\n" + "\n".join(body) + "\n</main>")
