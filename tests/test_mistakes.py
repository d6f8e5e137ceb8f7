"""The mistakes a tired coordinator makes: exit 1, `Error:` and a hint, nothing written."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import TODAY, Run, snapshot
from typer.testing import CliRunner

from shgroups.cli import app


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A register with waiting people, a starting group, a running one and an ended one,
    built once; each test gets a fresh copy."""
    path = tmp_path_factory.mktemp("template") / "shg.db"
    runner = CliRunner()

    def run(*args: str) -> None:
        result = runner.invoke(
            app, ["--db", str(path), *args], env={"SHG_TODAY": TODAY, "SHG_USER": "tester"}
        )
        assert result.exit_code == 0, result.stderr

    run("init", "--county", "Testlän")
    for area in ("Jönköping", "Huskvarna"):
        run("areas", "add", area)
    run("staff", "add", "Eva Lind")
    people = [
        ("Utmattning", "Jönköping", 4),
        ("Ensamhet", "Huskvarna", 5),
        ("Stress och oro", "Jönköping", 5),
        ("Samtal om livet", "Jönköping", 5),
    ]
    n = 0
    for theme, area, count in people:
        for _i in range(count):
            n += 1
            run(
                "intake",
                "add",
                "--consent",
                "--name",
                f"Person {n}",
                "--theme",
                theme,
                "--area",
                area,
                "--date",
                "2026-10-01",
            )
    run("groups", "start", "--theme", "Ensamhet", "--area", "Huskvarna", "--date", "2026-10-06")
    run(
        "groups",
        "start",
        "--theme",
        "Stress och oro",
        "--area",
        "Jönköping",
        "--date",
        "2026-10-06",
        "--starter-sessions",
        "1",
    )
    run("sessions", "add", "2", "--date", "2026-10-06")
    run("groups", "start", "--theme", "Samtal om livet", "--area", "Jönköping")
    run("groups", "end", "3")
    run("intake", "withdraw", "4")
    return path  # every connection is closed: the WAL is checkpointed into the file


@pytest.fixture
def busy_register(template: Path, environment: Path) -> Path:
    shutil.copyfile(template, environment)
    os.chmod(environment, 0o600)
    return environment


MISTAKES = [
    (
        [
            "intake",
            "add",
            "--consent",
            "--name",
            "X",
            "--theme",
            "Utmatning",
            "--area",
            "Jönköping",
        ],
        "unknown theme 'Utmatning'",
        "Did you mean 'Utmattning'",
    ),
    (
        [
            "intake",
            "add",
            "--consent",
            "--name",
            "X",
            "--theme",
            "Utmattning",
            "--area",
            "Jonkoping",
        ],
        "unknown area 'Jonkoping'",
        "Did you mean 'Jönköping'",
    ),
    (
        [
            "intake",
            "add",
            "--consent",
            "--name",
            "X",
            "--theme",
            "Utmattning",
            "--also-area",
            "Huskvarn",
        ],
        "unknown area 'Huskvarn'",
        "Did you mean 'Huskvarna'",
    ),
    (
        [
            "intake",
            "add",
            "--consent",
            "--name",
            "X",
            "--theme",
            "Utmattning",
            "--date",
            "2026-02-30",
        ],
        "'2026-02-30' is not a valid date",
        "YYYY-MM-DD",
    ),
    (
        [
            "intake",
            "add",
            "--consent",
            "--name",
            "Person 1",
            "--theme",
            "Utmattning",
            "--area",
            "Jönköping",
        ],
        "looks like registration 1",
        "--force",
    ),
    (["intake", "withdraw", "999"], "there is no registration 999", "intake list"),
    (["intake", "show", "999"], "there is no registration 999", "intake list"),
    (["intake", "withdraw", "5"], "registration 5 is placed in group 1", "remove-member 1 5"),
    (["intake", "refer", "4"], "already has the status withdrawn", "only waiting"),
    (["groups", "show", "42"], "there is no group 42", "groups list"),
    (["sessions", "add", "42"], "there is no group 42", "groups list"),
    (["followups", "add", "42"], "there is no group 42", "groups list"),
    (
        ["groups", "start", "--theme", "Utmattning", "--area", "Jönköping", "--members", "1,2,3"],
        "needs 5 to 8 members; this one would have 3",
        "--force",
    ),
    (
        ["groups", "start", "--theme", "Utmattning", "--area", "Jönköping"],
        "no group is ready",
        "groups ready",
    ),
    (
        ["groups", "start", "--theme", "Utmattning", "--starter", "Eva Lindh"],
        "unknown staff member 'Eva Lindh'",
        "Did you mean 'Eva Lind'",
    ),
    (["sessions", "add", "3"], "group 3 has ended", "groups list"),
    (["sessions", "add", "1", "--date", "2026-10-32"], "not a valid date", "YYYY-MM-DD"),
    (["groups", "add-member", "3", "1"], "group 3 has ended", "groups list"),
    (
        ["groups", "add-member", "1", "5"],
        "registration 5 is not waiting (status: placed)",
        "waiting",
    ),
    (["groups", "end", "2", "--date", "2026-09-01"], "before the group started", "--date"),
    (["followups", "due", "--as-of", "24/11/2026"], "not a valid date", "YYYY-MM-DD"),
    (["followups", "add", "1"], "follow-ups start after the starter phase", "followups due"),
    (["settings", "set", "max_size", "3"], "larger than max_size", "settings show"),
    (["themes", "retire", "Utmattning"], "needs a yes; nothing was changed", "--yes"),
    (["themes", "rename", "Utmattning", "Ensamhet"], "already exists", "another name"),
    (
        [
            "intake",
            "add",
            "--consent",
            "--name",
            "Eve\x1b]0;TITLE\x07\x1b[2J",
            "--theme",
            "Ensamhet",
        ],
        "the name contains control characters",
        "plain text",
    ),
    (
        ["intake", "add", "--consent", "--name", "A", "--theme", "Ensamhet", "--note", "a\x1b[2J"],
        "the note contains control characters",
        "plain text",
    ),
    (
        [
            "intake",
            "add",
            "--consent",
            "--name",
            "A",
            "--theme",
            "Ensamhet",
            "--phone",
            "811228-9874",
        ],
        "the phone number contains what looks like a personal identity number",
        "leave it out",
    ),
    (
        ["intake", "add", "--consent", "--name", "A", "--theme", "Ensamhet", "--source", "nurse"],
        "not one of the county's sources",
        "shg settings set sources",
    ),
    (["settings", "set", "county", "Län\x1b[2J"], "contains control characters", "plain text"),
    (
        ["intake", "confirm", "1", "--date", "2016-10-01"],
        "is before registration 1 was made (2026-10-01)",
        "--date",
    ),
    (
        ["intake", "withdraw", "1", "--date", "1999-01-01"],
        "is before registration 1 was made (2026-10-01)",
        "--date",
    ),
    (["intake", "refer", "2", "--date", "2026-09-30"], "before registration 2 was made", "--date"),
    (
        ["groups", "remove-member", "1", "5", "--requeue", "--date", "2026-10-05"],
        "before registration 5 joined the group (2026-10-06)",
        "--date",
    ),
    (["intake", "show", "99999999999999999999999"], "a number is too large", "whole numbers"),
    (
        ["groups", "start", "--theme", "Utmattning", "--members", "9" * 30, "--force"],
        "a number is too large",
        "whole numbers",
    ),
]


@pytest.mark.parametrize(
    ("args", "error", "hint"),
    MISTAKES,
    ids=[" ".join(m[0][:2]) + f" {i}" for i, m in enumerate(MISTAKES)],
)
def test_mistake_changes_nothing(
    run: Run, busy_register: Path, args: list[str], error: str, hint: str
) -> None:
    before = snapshot(busy_register)
    result = run(*args, code=1)
    # What a refused question would have changed may come first; the error follows it.
    assert any(line.startswith("Error: ") for line in result.stderr.splitlines()), result.stderr
    assert error in result.stderr
    assert "Hint: " in result.stderr and hint in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    assert snapshot(busy_register) == before


def test_db_path_without_an_shg_database(run: Run, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "shg.db"
    result = run("--db", str(missing), "groups", "list", code=1)
    assert "holds no shg database" in result.stderr and f"shg --db {missing} init" in result.stderr
    assert not missing.exists() and not missing.parent.exists()
    result = run(
        "--db",
        str(tmp_path / "other.db"),
        "intake",
        "add",
        "--consent",
        "--name",
        "A",
        "--theme",
        "Ensamhet",
        code=1,
    )
    assert not (tmp_path / "other.db").exists()
    result = run("groups", "list", env={"SHG_DB": str(tmp_path / "env.db")}, code=1)
    assert "env.db holds no shg database" in result.stderr
    assert not (tmp_path / "env.db").exists()


def test_usage_errors_exit_2(run: Run, db: Path) -> None:
    run("groups", "show", "seven", code=2)
    run("intake", "add", "--consent", "--theme", "Ensamhet", code=2)  # --name missing


def test_a_database_that_cannot_be_created(run: Run, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run("demo", str(blocker / "demo.db"), code=1)
    assert "there is no folder" in result.stderr and "Traceback" not in result.stderr
