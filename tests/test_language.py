"""Which language shg speaks: $SHG_LANG, the user's own choice (`shg config language`), the
locale, English — and Norwegian in any of its names reaches bokmål."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from conftest import Run

from shgroups import language


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("sv", "sv"), ("sv_SE.UTF-8", "sv"), ("sv_FI", "sv"), ("sv-SE", "sv"),
        ("nb", "nb"), ("nb_NO", "nb"), ("no", "nb"), ("no_NO", "nb"), ("nn", "nb"),
        ("nn_NO.UTF-8", "nb"), ("NB_no", "nb"), ("en_GB.UTF-8", "en"), ("en", "en"),
        ("C", None), ("C.UTF-8", None), ("POSIX", None), ("de_DE", None), ("", None),
        ("svenska", "sv"), ("Norsk", "nb"), ("bokmål", "nb"), ("english", "en"),
    ],
)  # fmt: skip
def test_locale_tags_reach_the_languages_shg_speaks(tag: str, expected: str | None) -> None:
    assert language.normalise(tag) == expected


def where(run: Run, **env: str) -> dict[str, str]:
    return json.loads(run("config", "language", "--json", env=env).stdout)


def test_the_order_shg_lang_own_choice_locale_english(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SHG_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    assert (where(run)["language"], where(run)["source"]) == ("en", "default")
    found = where(run, LANG="nb_NO.UTF-8")  # a Norwegian laptop …
    assert (found["language"], found["source"]) == ("nb", "locale")
    run("config", "language", "sv")  # … used by a Swede, who says so once
    found = where(run, LANG="nb_NO.UTF-8")
    assert (found["language"], found["source"]) == ("sv", "own")
    found = where(run, LANG="nb_NO.UTF-8", SHG_LANG="nb")  # the variable wins
    assert (found["language"], found["source"]) == ("nb", "SHG_LANG")
    assert where(run, LANGUAGE="de:nn", LANG="en_US")["language"] == "sv"
    run("config", "language", "--clear")
    assert where(run, LANGUAGE="de:nn", LANG="en_US")["language"] == "nb"  # gettext's list
    assert where(run, LC_ALL="C", LANG="sv_SE")["language"] == "en"  # the first set decides


def test_the_choice_is_private_and_said_back(run: Run, tmp_path: Path) -> None:
    said = run("config", "language", "nn_NO").stderr
    assert said == "Your language: – → nb\n"
    file = language.config_file()
    assert file == tmp_path / "config" / "shg" / "language"
    assert file.read_text() == "nb\n"
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert stat.S_IMODE(file.parent.stat().st_mode) == 0o700
    assert run("config", "language", "nb").stderr == ""  # nothing changed, nothing said


def test_a_language_shg_does_not_speak_is_refused(run: Run, tmp_path: Path) -> None:
    result = run("config", "language", "de", code=1)
    assert result.stderr == "Error: shg does not speak 'de'\nHint: choose one of: en, sv, nb\n"
    assert not (tmp_path / "config").exists()


def test_an_unreadable_choice_counts_as_none(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHG_LANG")
    monkeypatch.setenv("LANG", "sv_SE.UTF-8")
    file = language.config_file()
    file.parent.mkdir(parents=True)
    file.write_bytes(b"\xff\xfe")
    assert where(run)["language"] == "sv"


def test_the_config_folder_is_the_one_platformdirs_names(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import platformdirs

    for xdg in (str(tmp_path / "xdg"), None):
        if xdg is None:
            monkeypatch.delenv("XDG_CONFIG_HOME")
        else:
            monkeypatch.setenv("XDG_CONFIG_HOME", xdg)
        assert language.config_folder() == platformdirs.user_config_path("shg", appauthor=False)


def test_the_cache_folder_is_the_one_platformdirs_names(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import platformdirs

    for xdg in (str(tmp_path / "xdg"), None):
        if xdg is None:
            monkeypatch.delenv("XDG_CACHE_HOME")
        else:
            monkeypatch.setenv("XDG_CACHE_HOME", xdg)
        assert language.cache_folder() == platformdirs.user_cache_path("shg", appauthor=False)


def test_the_config_command_needs_no_register(run: Run, tmp_path: Path) -> None:
    run("config", "language")
    assert not (tmp_path / "shg.db").exists()
