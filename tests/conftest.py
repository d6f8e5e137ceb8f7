"""Every test gets its own database folder, a fixed "today" and a known actor."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

# Help texts are translated as the command modules load, here: in English, whatever the
# machine's locale (the suite passes with LANG=sv_SE.UTF-8) or its user's own choice.
os.environ["SHG_LANG"] = "en"

from shgroups.cli import app  # noqa: E402

TODAY = "2026-11-24"  # a Tuesday in ISO week 2026-W48


@pytest.fixture(autouse=True)
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "shg.db"
    monkeypatch.setenv("SHG_DB", str(db))
    monkeypatch.setenv("SHG_TODAY", TODAY)
    monkeypatch.setenv("SHG_USER", "tester")
    monkeypatch.setenv("TERMINAL_WIDTH", "200")
    monkeypatch.setenv("COLUMNS", "200")
    # One language whatever the machine's locale or its user's own choice: English.
    monkeypatch.setenv("SHG_LANG", "en")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    return db


Run = Callable[..., Result]


@pytest.fixture
def run() -> Run:
    """Run shg; by default expect success. `run(..., code=1)` expects that exit code,
    `code=None` any."""
    runner = CliRunner()

    def invoke(*args: str, code: int | None = 0, env: dict[str, str] | None = None) -> Result:
        result = runner.invoke(app, list(args), env=env)
        if code is not None:
            assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
        return result

    return invoke


@pytest.fixture
def shg_json(run: Run) -> Callable[..., Any]:
    def invoke(*args: str) -> Any:
        return json.loads(run(*args, "--json").stdout)

    return invoke


@pytest.fixture
def db(run: Run, environment: Path) -> Path:
    run("init", "--county", "Testlän")
    run("areas", "add", "Jönköping")
    run("areas", "add", "Huskvarna")
    run("areas", "add", "Digital", "--digital")
    run("staff", "add", "Eva Lind")
    return environment


def counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    finally:
        conn.close()


def register(
    run: Run,
    n: int,
    theme: str = "Utmattning",
    area: str = "Jönköping",
    start: int = 1,
    *extra: str,
) -> list[int]:
    """Register n made-up people ("Person {start}" …), one a day from 2026-10-01; their ids."""
    ids = []
    for i in range(start, start + n):
        result = run(
            "intake",
            "add",
            "--consent",
            "--name",
            f"Person {i}",
            "--theme",
            theme,
            "--area",
            area,
            "--date",
            f"2026-10-{(i - start) % 28 + 1:02d}",
            "--json",
            *extra,
        )
        ids.append(json.loads(result.stdout)["id"])
    return ids


def start(
    run: Run, *extra: str, theme: str = "Utmattning", area: str = "Jönköping", code: int | None = 0
) -> Result:
    """`shg groups start --theme … --area …` with more options."""
    return run("groups", "start", "--theme", theme, "--area", area, *extra, code=code)


def add(
    run: Run,
    name: str,
    theme: str,
    *extra: str,
    code: int | None = 0,
    env: dict[str, str] | None = None,
) -> Result:
    """`shg intake add --consent --name … --theme …` with more options."""
    return run(
        "intake", "add", "--consent", "--name", name, "--theme", theme, *extra, code=code, env=env
    )


def snapshot(db: Path) -> tuple[str, dict[str, int]]:
    """The database's files, byte for byte (as a digest), and its rows per table."""
    import hashlib

    files = sorted(db.parent.glob(db.name + "*"))
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    return digest, counts(db)


_COMMAND = (
    r"(?:init|demo|agenda|purge|audit|publish|report|export|settings|themes|areas|staff|intake"
    r"|groups|sessions|followups|calendar"
    r"|person|db)\b"
)


def hint_commands(text: str) -> list[list[str]]:
    """The `shg …` commands a hint names — in backquotes, or after a colon to the end of the
    clause — each as the arguments after `shg`. `text` is a hint, or a command's stderr (its
    `Hint:` line is read)."""
    import re
    import shlex

    if "Hint: " in text:
        text = text.split("Hint: ", 1)[1].splitlines()[0]
    quoted = re.findall(r"`shg ([^`]+)`", text)
    outside = re.sub(r"`[^`]*`", "", text)
    bare = re.findall(rf"(?:^|: )shg ({_COMMAND}[^`;(]*?)(?:[.;]?$|;| \()", outside)
    return [shlex.split(command) for command in [*quoted, *bare]]


def refused(run: Run, db: Path, *args: str) -> str:
    """Run a command that must be refused: exit 1, `Error:` and a `Hint:` on stderr, no
    traceback, and the database files unchanged byte for byte. Its stderr."""
    before = snapshot(db)
    result = run(*args, code=1)
    assert result.stderr.startswith("Error: "), result.stderr
    assert "\nHint: " in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(db) == before
    return result.stderr


def audit_text(db: Path) -> str:
    """Everything the audit table holds, as one text (to look for personal data in it)."""
    conn = sqlite3.connect(db)
    try:
        return "\n".join(" ".join(map(str, row)) for row in conn.execute("SELECT * FROM audit"))
    finally:
        conn.close()
