"""The translation catalogues: the template extracted from the code, the Swedish and Norwegian
translations kept in step with it, and their compiled form.

    python tools/catalogues.py update   # after changing English text: template, sv, nb, .mo
    python tools/catalogues.py check    # what the test suite checks (like cog --check)

English is the source text, marked in the code with `_`, `N_`, `ngettext` and `counted`.
`update` adds a new English text to `sv` and `nb` untranslated; tests/test_i18n.py then fails
until both have a translation.
"""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "shgroups"
LOCALE = PACKAGE / "locale"
TEMPLATE = LOCALE / "shg.pot"
TRANSLATIONS = ("sv", "nb")
# The marking functions (shgroups/i18n.py) and the arguments that hold English text.
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "counted": (1, 2)}
# Fixed, so that the template is the same text on every machine (it is compared, not dated).
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def extracted() -> Catalog:
    """Every translatable text in the code, as a template."""
    catalog = Catalog(project="shg", version="", creation_date=_EPOCH, charset="utf-8", fuzzy=False)
    for path, _lineno, message, comments, context in extract_from_dir(
        PACKAGE,
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=("TRANSLATORS:",),
        strip_comment_tags=True,
    ):
        catalog.add(
            message, None, [(f"src/shgroups/{path}", None)], auto_comments=comments, context=context
        )
    return catalog


def rendered(catalog: Catalog, *, template: bool = False) -> bytes:
    """A catalogue as a file, sorted, with each text's files but not its lines (a moved line
    changes nothing). The template has no header: Babel writes its own version into one."""
    out = io.BytesIO()
    write_po(
        out,
        catalog,
        width=100,
        sort_output=True,
        include_lineno=False,
        ignore_obsolete=True,
        omit_header=template,
    )
    return out.getvalue()


def po_file(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "shg.po"


def update() -> None:
    template = extracted()
    TEMPLATE.write_bytes(rendered(template, template=True))
    for language in TRANSLATIONS:
        path = po_file(language)
        if path.exists():
            with path.open("rb") as source:
                catalog = read_po(source, locale=language)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(
                locale=language,
                project="shg",
                version="",
                creation_date=_EPOCH,
                fuzzy=False,
                header_comment=f"# shg: {language} translation.",
                last_translator="shg",
                language_team=language,
            )
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        catalog.revision_date = _EPOCH
        path.write_bytes(rendered(catalog))
    compile_catalogues(LOCALE)


def compile_catalogues(locale: Path) -> list[Path]:
    """Each `.po` under `locale` compiled to its `.mo` beside it (fuzzy entries left out)."""
    from babel.messages.mofile import write_mo

    written = []
    for po in sorted(locale.glob("*/LC_MESSAGES/shg.po")):
        with po.open("rb") as source:
            catalog = read_po(source)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as out:
            write_mo(out, catalog)
        written.append(mo)
    return written


def stale() -> list[str]:
    """What is out of step: the template against the code, a translation against the template."""
    problems = []
    if not TEMPLATE.exists() or TEMPLATE.read_bytes() != rendered(extracted(), template=True):
        problems.append(f"{TEMPLATE.relative_to(ROOT)} is not what the code marks")
    with TEMPLATE.open("rb") as source:
        wanted = {message.id for message in read_po(source) if message.id}
    for language in TRANSLATIONS:
        with po_file(language).open("rb") as source:
            have = {message.id for message in read_po(source) if message.id}
        if have != wanted:
            problems.append(
                f"{po_file(language).relative_to(ROOT)} does not hold the template's texts"
            )
    return problems


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "update":
        update()
    elif command == "check":
        found = stale()
        print("\n".join(found) or "The catalogues are in step with the code.")
        sys.exit(1 if found else 0)
    else:
        sys.exit(__doc__)
