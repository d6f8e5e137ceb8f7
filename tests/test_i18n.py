"""Swedish and Norwegian: catalogues that cannot rot, and the weekly routine with no English
sentence left (run as the real program, in a process of its own: the language is settled as
shg starts)."""

from __future__ import annotations

import json
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from shgroups.enums import WORDS, label, typed_value

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import catalogues  # noqa: E402


def test_the_template_holds_exactly_the_texts_the_code_marks() -> None:
    assert catalogues.stale() == [], "run: python tools/catalogues.py update"


def _fields(text: str) -> list[tuple[str, str, str]]:
    return sorted(
        (name, spec or "", conversion or "")
        for _lit, name, spec, conversion in string.Formatter().parse(text)
        if name is not None
    )


@pytest.mark.parametrize("language", catalogues.TRANSLATIONS)
def test_every_text_is_translated_with_the_same_placeholders(language: str) -> None:
    with catalogues.po_file(language).open("rb") as source:
        catalog = read_po(source, locale=language)
    assert catalog.num_plurals == 2
    problems = []
    for message in catalog:
        if not message.id:
            continue
        sources = list(message.id) if isinstance(message.id, tuple) else [message.id]
        strings = list(message.string) if isinstance(message.string, tuple) else [message.string]
        if message.fuzzy or len(strings) != len(sources) or not all(s.strip() for s in strings):
            problems.append(("untranslated", message.id))
            continue
        for english, translated in zip(sources, strings, strict=True):
            if _fields(english) != _fields(translated):
                problems.append(("placeholders", english, translated))
    assert problems == []


def test_a_swedish_genitive_after_a_number_takes_a_colon() -> None:
    """Swedish "grupp 1:s nästa träff", never "grupp 1s": a placeholder such as {id} or {group} is a
    number (or an abbreviation), and Swedish writes its genitive with a colon."""
    with catalogues.po_file("sv").open("rb") as source:
        catalog = read_po(source, locale="sv")
    found = []
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        found += [text for text in strings if re.search(r"\}s\b", text or "")]
    assert found == []


def test_the_compiled_catalogues_are_installed() -> None:
    import shgroups

    for language in catalogues.TRANSLATIONS:
        assert (
            Path(shgroups.__file__).parent / "locale" / language / "LC_MESSAGES" / "shg.mo"
        ).exists()


@pytest.mark.parametrize("language", catalogues.TRANSLATIONS)
def test_the_words_help_offers_for_a_value_are_words_shg_accepts(language: str) -> None:
    from shgroups import i18n

    with i18n.speaking(language):
        for kind in WORDS:
            for member in kind:
                shown = "-".join(label(member.value).split())
                assert typed_value(kind, shown) == member.value, (language, shown)


# --- the real program, in Swedish and in Norwegian -------------------------------------------


def _english_sentences() -> list[str]:
    """The English source texts as they could appear in output: the pieces between
    placeholders that are long enough to be a sentence's words, where the translation says
    something else."""
    with catalogues.po_file("sv").open("rb") as source:
        catalog = read_po(source)
    pieces = set()
    for message in catalog:
        if not message.id:
            continue
        texts = list(message.id) if isinstance(message.id, tuple) else [message.id]
        translated = message.string if isinstance(message.string, tuple) else [message.string]
        for text in texts:
            if text in translated:
                continue
            for literal, *_rest in string.Formatter().parse(text):
                words = literal.strip(" .,:;()`'\"\n")
                if len(words) >= 14 and " " in words and not words.startswith(("shg ", "-")):
                    pieces.add(words)
    # click's own words, in case one slips past shg's translation of them
    return sorted(pieces) + ["Usage:", "Show this message", "No such option", "Missing option",
                             "Invalid value", "for help", "Aborted"]  # fmt: skip


def shg(
    tmp_path: Path, language: str, *args: str, code: int = 0
) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SHG_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
    }
    env |= {
        "SHG_LANG": language,
        "SHG_DB": str(tmp_path / "shg.db"),
        "SHG_TODAY": "2026-11-27",
        "SHG_USER": "tester",
        "COLUMNS": "200",
        "TERMINAL_WIDTH": "200",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "shgroups", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == code, (args, result.stdout, result.stderr)
    return result


COUNTY = {"sv": ("sv", "Region Jönköpings län"), "nb": ("nb", "Viken fylkeskommune")}
# What each language must say somewhere in the routine: its own words, where English was.
EXPECTED = {
    "sv": ["Användning:", "Flaggor", "Tema", "igångsättare", "Fel:", "Tips:", "Menade du",
           "Integritetsskyddsmyndigheten (IMY)", "27 november 2026", "Dina rättigheter",
           "ingen sådan flagga", "väntar", "samtycke", "registrerad"],
    "nb": ["Bruk:", "Valg", "Tema", "Igangsetter", "Feil:", "Tips:", "Mente du",
           "Datatilsynet", "27. november 2026", "Dine rettigheter", "ikke noe slikt valg",
           "venter", "samtykke", "interessemelding"],
}  # fmt: skip


@pytest.mark.parametrize("language", ["sv", "nb"])
def test_the_weekly_routine_has_no_english_sentence_left(tmp_path: Path, language: str) -> None:
    lang, county = COUNTY[language]
    run = lambda *args, code=0: shg(tmp_path, language, *args, code=code)  # noqa: E731
    said = []
    said.append(run("init", "--language", lang, "--county", county))
    themes = json.loads(run("themes", "list", "--json").stdout)
    theme = themes[0]["name"]
    run("areas", "add", "Huskvarna")
    run("staff", "add", "Eva Lind")
    for number, name in enumerate(["Anna", "Björn", "Cecilia", "David", "Elin"], start=1):
        gender = {"sv": "kvinna", "nb": "kvinne"}[language] if number % 2 else "man"
        said.append(
            run(
                "intake",
                "add",
                "--consent",
                "--name",
                name,
                "--theme",
                theme,
                "--area",
                "Huskvarna",
                "--gender",
                gender,
                "--phone",
                f"070-12345{number}0",
                "--date",
                {"sv": "igår", "nb": "i går"}[language],
            )  # fmt: skip
        )
    said += [
        run("-h"),
        run("intake", "add", "-h"),
        run("groups", "ready"),
        run("intake", "list"),
        run("intake", "list", "--status", {"sv": "väntar", "nb": "venter"}[language]),
        run("intake", "add", "--consent", "--name", "X", "--theme", theme[:-2] + "xx", code=1),
        run("intake", "add", "--bogus", code=2),
        run("groups", "show", code=2),
        run("groups", "start", "--theme", theme, "--area", "Huskvarna", "--starter", "Eva Lind"),
        run("sessions", "add", "1"),
        run("followups", "due"),
        run("groups", "list"),
        run("person", "export", "1"),
        run("intake", "show", "1"),
        run("audit"),
    ]
    text = "\n".join(result.stdout + result.stderr for result in said)
    for word in EXPECTED[language]:
        assert word in text, word
    left = [sentence for sentence in _english_sentences() if sentence in text]
    assert left == [], left
    assert "registration.add" not in text and "also_areas" not in text


# Prints the help of every command and group, in the language the process speaks.
EVERY_HELP = """
import sys
from typer.testing import CliRunner
sys.path.insert(0, sys.argv[1])
import cli_reference
from shgroups.cli import app
runner = CliRunner()
paths = [[]] + [path for path, _command in cli_reference.commands()]
paths += sorted({tuple(path[:1]) for path in paths if len(path) > 1}, key=str)
for path in paths:
    result = runner.invoke(app, [*path, "-h"])
    assert result.exit_code == 0, (path, result.output)
    print(result.stdout)
"""


@pytest.mark.parametrize("language", ["sv", "nb"])
def test_every_help_screen_is_translated(tmp_path: Path, language: str) -> None:
    env = {**os.environ, "SHG_LANG": language, "COLUMNS": "200", "TERMINAL_WIDTH": "200"}
    result = subprocess.run(
        [sys.executable, "-c", EVERY_HELP, str(ROOT / "docs")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("╭─") > 100  # every command's panels
    left = [sentence for sentence in _english_sentences() if sentence in result.stdout]
    assert left == [], left
    assert "[default:" not in result.stdout and "[required]" not in result.stdout
    # a choice's values and default as the coordinator would type them
    assert {"sv": "[standard: bra]", "nb": "[standard: bra]"}[language] in result.stdout
    assert {"sv": "<kvinna|man|annat>", "nb": "<kvinne|mann|annet>"}[language] in result.stdout


@pytest.mark.parametrize(
    ("county_language", "authority", "day"),
    [("sv", "IMY", "24 november 2026"), ("nb", "Datatilsynet", "24. november 2026")],
)
def test_the_access_letter_is_in_the_countys_language_whatever_the_screen_speaks(
    tmp_path: Path, county_language: str, authority: str, day: str
) -> None:
    run = lambda *args, code=0: shg(tmp_path, "en", *args, code=code)  # noqa: E731
    run("init", "--language", county_language, "--county", "Testfylke")
    theme = json.loads(run("themes", "list", "--json").stdout)[0]["name"]
    run("intake", "add", "--consent", "--name", "Anna", "--theme", theme, "--date", "2026-11-24")
    letter = run("person", "export", "1").stdout
    assert authority in letter and day in letter and "Testfylke" in letter
    assert not re.search(r"\b(registration|person|group)\.[a-z-]+|also_areas|info_version", letter)
    assert "What you registered for" not in letter  # the English letter
    assert "Usage:" in run("-h").stdout  # while the coordinator's screen speaks English


def test_the_locale_decides_when_nothing_else_does(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("SHG_LANG", "LANGUAGE", "LC_ALL")}
    env |= {"LANG": "nb_NO.UTF-8", "XDG_CONFIG_HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-m", "shgroups", "-h"], capture_output=True, text=True, env=env
    ).stdout
    assert "Bruk:" in out and "Kommandoer" in out


@pytest.mark.parametrize(
    ("args", "swedish"),
    [
        (["groups", "start"], "flaggan --theme saknas"),
        (["groups", "show"], "argumentet GRUPP saknas"),
        (["groups", "show", "1", "2"], "för många argument: 2"),
        (["intake", "add", "--name"], "--name behöver ett värde"),
        (["intake", "add", "--gender", "x"], "ogiltigt värde för --gender: 'x' är inte ett av"),
        (["grups"], "inget sådant kommando: grups (menade du 'groups'?)"),
        (["intake", "add", "--db", "x"], "--db ska stå direkt efter shg"),
        (["sessions", "add", "abc"], "ogiltigt värde för GRUPP: 'abc' är inte ett heltal"),
        (["intake", "add", "--name", "A", "--theme", "B", "--date", "i", "dag"], "citattecken"),
    ],
)
def test_usage_errors_are_said_in_swedish(tmp_path: Path, args: list[str], swedish: str) -> None:
    result = shg(tmp_path, "sv", *args, code=2)
    assert swedish in result.stderr
    assert result.stderr.startswith(("Användning: ", "Fel: "))
    assert "Error" not in result.stderr and "Traceback" not in result.stderr
