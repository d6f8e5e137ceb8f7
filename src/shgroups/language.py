"""Which language shg speaks to the person at the keyboard.

The order (README "Language"): `$SHG_LANG`; then the user's own choice (`shg config language`,
a file in the platform's user config folder); then the locale (`LANGUAGE`, `LC_ALL`,
`LC_MESSAGES`, `LANG`, the first that names a language shg speaks); then English. A Swedish
coordinator on Windows has no `LANG`, and a Norwegian one may work on a Swedish-made laptop:
their own choice comes before the machine's.

This runs at every start (help texts are translated as the command modules load), so it reads
one small file and imports nothing heavy: the config folder is worked out as `platformdirs`
works it out (a test holds the two to the same answer), since importing that library costs
more than the whole choice.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shgroups.errors import ShgError

ENGLISH = "en"
LANGUAGES = ("en", "sv", "nb")  # English is the source text; sv and nb are translations
# Language tags that reach a catalogue: Norwegian in any of its names reaches bokmål (shg
# has no nynorsk catalogue; a nynorsk reader reads bokmål more easily than Swedish).
_ALIASES = {"no": "nb", "nn": "nb", "nb": "nb", "sv": "sv", "en": "en"}
# and the languages' own names, as a coordinator may type them (`shg config language svenska`)
_ALIASES |= {"svenska": "sv", "norsk": "nb", "bokmål": "nb", "bokmal": "nb", "english": "en"}


# The locale (CLDR, through Babel) of what shg writes in each language for others: how its
# dates, months and numbers are written (English as written in Europe).
LOCALES = {"sv": "sv_SE", "nb": "nb_NO", "en": "en_GB"}


def locale_of(language: str) -> str:
    return LOCALES.get(language, LOCALES[ENGLISH])


def long_date(day: date, language: str) -> str:
    """A day as a letter or a list in `language` writes it: "27 november 2026",
    "27. november 2026", "27 November 2026"."""
    from babel.dates import format_date

    return str(format_date(day, "long", locale=locale_of(language)))


def normalise(tag: str | None) -> str | None:
    """The language shg speaks for a locale tag ("sv_SE.UTF-8", "nb-NO", "no", "nn_NO"), or
    None for one it does not speak (or "C", "POSIX")."""
    if not tag:
        return None
    code = tag.strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return _ALIASES.get(code)


def _user_folder(windows: str, mac: str, xdg: str, unix: str) -> Path:
    """shg's folder of one kind in the user's home, as platformdirs places it: `windows`
    under %LOCALAPPDATA%\\shg, `mac` under ~/Library, else $`xdg` or ~/`unix`, then shg."""
    home = Path.home()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
        return Path(base) / "shg" / windows
    if sys.platform == "darwin":
        return home / "Library" / mac / "shg"
    return Path(os.environ.get(xdg, "").strip() or str(home / unix)) / "shg"


def config_folder() -> Path:
    """The platform's user config folder for shg, as `platformdirs.user_config_path("shg",
    appauthor=False)` gives it."""
    return _user_folder("", "Application Support", "XDG_CONFIG_HOME", ".config")


def cache_folder() -> Path:
    """The platform's user cache folder for shg, as `platformdirs.user_cache_path("shg",
    appauthor=False)` gives it: what shg may keep to be faster, and lose without harm."""
    return _user_folder("Cache", "Caches", "XDG_CACHE_HOME", ".cache")


def config_file() -> Path:
    return config_folder() / "language"


def own_choice() -> str | None:
    """The language the user chose with `shg config language`, if any (an unreadable or
    unknown choice counts as none: the next in the order decides)."""
    try:
        return normalise(config_file().read_text("utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


def from_locale() -> str | None:
    """The first language shg speaks in `LANGUAGE` (a list, "sv:en"), `LC_ALL`,
    `LC_MESSAGES`, `LANG`, as gettext reads them."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if not value:
            continue
        for tag in value.split(":"):
            found = normalise(tag)
            if found:
                return found
        if name != "LANGUAGE":  # the first one set decides, as for gettext
            return None
    return None


def chosen() -> str:
    """The interface language: `$SHG_LANG`, the user's own choice, the locale, English."""
    return normalise(os.environ.get("SHG_LANG")) or own_choice() or from_locale() or ENGLISH


def source() -> str:
    """Where the interface language comes from: "SHG_LANG", "own", "locale" or "default"."""
    if normalise(os.environ.get("SHG_LANG")):
        return "SHG_LANG"
    if own_choice():
        return "own"
    return "locale" if from_locale() else "default"


def choose(tag: str | None) -> None:
    """Make `tag` the user's own choice, or forget the choice (None). Written under a
    temporary name and moved into place (a private file, 0600, in a private folder)."""
    from shgroups.errors import InvalidInput
    from shgroups.i18n import _

    path = config_file()
    if tag is None:
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise _unwritable(path, exc) from None
        return
    language = normalise(tag)
    if language is None:
        raise InvalidInput(
            _("shg does not speak {tag!r}").format(tag=tag),
            _("choose one of: {languages}").format(languages=", ".join(LANGUAGES)),
            code="language.unknown",
            field="language",
            tag=tag,
        )
    temp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(language + "\n")
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise _unwritable(path, exc) from None


def _unwritable(path: Path, exc: OSError) -> ShgError:
    from shgroups.errors import StorageError
    from shgroups.i18n import _

    return StorageError(
        _("{path} could not be written ({reason})").format(path=path, reason=exc.strerror),
        _("check that you may write in {folder}").format(folder=path.parent),
        code="language.unwritable",
        path=str(path),
    )
