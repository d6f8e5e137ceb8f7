"""Hints never send the coordinator in circles: every command a hint names exists and works in
the situation that produced it.

Each case builds a situation, runs the command that fails there, reads the `Hint:` line, and
runs every `shg …` command the hint names (placeholders such as NAME filled in as the
coordinator would). A hint that names a command must have a case here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run, add, hint_commands, register, start

from shgroups.cli.hints import HINTS

Setup = Callable[[Run, Path], list[str]]  # prepares the register; returns the failing command


def _placed(run: Run, _db: Path) -> list[str]:
    register(run, 5)
    start(run)
    return ["intake", "withdraw", "1"]


def _duplicate(run: Run, _db: Path) -> list[str]:
    add(run, "Anna", "Ensamhet")
    return ["intake", "add", "--consent", "--name", "Anna", "--theme", "Ensamhet"]


def _not_same_person(run: Run, _db: Path) -> list[str]:
    add(run, "Anna", "Ensamhet", "--phone", "070-111 11 11")
    add(run, "Bo", "Ensamhet")
    return ["intake", "add", "--consent", "--name", "Anna", "--theme", "Utmattning",
            "--phone", "070-111 11 11", "--same-person", "2"]  # fmt: skip


def _withdrawn(run: Run, _db: Path) -> list[str]:
    add(run, "Anna", "Ensamhet")
    run("intake", "withdraw", "1")
    return ["intake", "confirm", "1"]


def _erased(run: Run, _db: Path) -> list[str]:
    add(run, "Anna", "Ensamhet")
    run("person", "erase", "1", "--yes")
    return ["person", "export", "1"]


def _retired_theme(run: Run, _db: Path) -> list[str]:
    run("themes", "retire", "Ensamhet")
    return ["intake", "add", "--consent", "--name", "Anna", "--theme", "Ensamhet"]


def _already_retired(run: Run, _db: Path) -> list[str]:
    run("themes", "retire", "Ensamhet")
    return ["themes", "retire", "Ensamhet"]


def _ended(run: Run, _db: Path) -> list[str]:
    register(run, 5)
    start(run)
    run("groups", "end", "1")
    return ["groups", "add-member", "1", "1"]


def _closed(run: Run, _db: Path) -> list[str]:
    register(run, 6)
    start(run, "--members", "1,2,3,4,5")
    run("groups", "set", "1", "--closed")
    return ["groups", "add-member", "1", "6"]


def _not_member(run: Run, _db: Path) -> list[str]:
    register(run, 6)
    start(run, "--members", "1,2,3,4,5")
    return ["groups", "remove-member", "1", "6"]


def _sessions_held(run: Run, _db: Path) -> list[str]:
    register(run, 5)
    start(run, "--starter-sessions", "1", "--date", "2026-11-02")
    run("sessions", "add", "1", "--date", "2026-11-09")
    return ["sessions", "add", "1"]


def _followup_starting(run: Run, _db: Path) -> list[str]:
    register(run, 5)
    start(run)
    return ["followups", "add", "1"]


def _followup_ended(run: Run, _db: Path) -> list[str]:
    register(run, 5)
    start(run)
    run("groups", "end", "1")
    return ["followups", "add", "1"]


def _not_a_demo(run: Run, db: Path) -> list[str]:
    return ["demo", str(db)]


def _backup_missing(run: Run, _db: Path) -> list[str]:
    return ["db", "restore", "no-such-backup.db", "--yes"]


def _backup_unusable(run: Run, db: Path) -> list[str]:
    (db.parent / "notes.db").write_text("not a database")
    return ["db", "restore", str(db.parent / "notes.db"), "--yes"]


def _other_register(run: Run, db: Path) -> list[str]:
    other = db.parent / "other.db"
    run("--db", str(other), "init", "--county", "Annat län")
    run("--db", str(other), "db", "backup", str(db.parent / "other-backup.db"))
    return ["db", "restore", str(db.parent / "other-backup.db"), "--yes"]


def _damaged(run: Run, db: Path) -> list[str]:
    register(run, 3)
    run("db", "backup", str(db.parent / "good.db"))
    run("db", "check")  # the last to close the file checkpoints the WAL into it
    conn = sqlite3.connect(db)
    page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'registrations'")
    number = page.fetchone()[0]
    conn.close()
    data = bytearray(db.read_bytes())
    data[(number - 1) * 4096 : number * 4096] = b"\xff" * 4096  # the registrations' page
    db.write_bytes(bytes(data))
    return ["intake", "list"]


def _source_unknown(run: Run, _db: Path) -> list[str]:
    return ["intake", "add", "--consent", "--name", "Anna", "--theme", "Ensamhet",
            "--source", "radio"]  # fmt: skip


def _not_found(*command: str) -> Setup:
    return lambda run, _db: list(command)


# code -> the situation; placeholders a hint leaves to the coordinator, and what they type.
CASES: dict[str, Setup] = {
    "registration.not_found": _not_found("intake", "show", "99"),
    "registration.placed": _placed,
    "confirm.left_queue": _withdrawn,
    "registration.erased": _erased,
    "registration.duplicate": _duplicate,
    "registration.not_same_person": _not_same_person,
    "person.source_unknown": _source_unknown,
    "theme.retired": _retired_theme,
    "theme.already_retired": _already_retired,
    "staff.unknown": _not_found("followups", "due", "--starter", "Nobody"),
    "setting.invalid": _not_found("settings", "set", "min_size", "many"),
    "setting.sizes_out_of_order": _not_found("settings", "set", "min_size", "9"),
    "group.not_found": _not_found("groups", "show", "99"),
    "group.not_ready": _not_found("groups", "start", "--theme", "Ensamhet"),
    "group.ended": _ended,
    "group.closed": _closed,
    "group.not_member": _not_member,
    "group.sessions_held": _sessions_held,
    "followup.group_starting": _followup_starting,
    "followup.group_ended": _followup_ended,
    "demo.not_a_demo": _not_a_demo,
    "backup.missing": _backup_missing,
    "backup.unusable": _backup_unusable,
    "restore.other_register": _other_register,
    "db.damaged": _damaged,
}
# Hints naming a command that cannot be run in a test, and why.
NOT_RUN = {
    "db.too_new": "names pip, not shg",
    "restore.schema_drift": "needs a register whose schema someone changed by hand",
    "db.not_shg": "covered by test_a_missing_register_hint_creates_one below",
    "db.unusable": "names no command",
    "db.unusable_path": "names no command",
}
# The catalogue's mistakes run the commands their hints name in tests/test_catalogue.py.
NOT_RUN |= dict.fromkeys(
    [
        "theme.unknown",
        "theme.exists",
        "theme.not_retired",
        "theme.still_waiting",
        "area.unknown",
        "area.exists",
        "area.not_retired",
        "area.already_retired",
        "area.retired",
        "area.default_retired",
        "area.still_waiting",
        "staff.exists",
        "staff.not_retired",
        "staff.already_retired",
        "staff.retired",
    ],
    "run in tests/test_catalogue.py",
)
# Corrections run theirs in tests/test_corrections.py.
NOT_RUN |= dict.fromkeys(
    [
        "edit.duplicate",
        "edit.group_ended",
        "edit.not_waiting",
        "edit.nothing_given",
        "edit.placed",
        "edit.same_as_other_identity",
        "edit.same_theme_twice",
        "registration.date_after_event",
        "reinstate.already_waiting",
        "reinstate.area_retired",
        "reinstate.group_ended",
        "reinstate.placed",
        "reinstate.theme_retired",
        "reinstate.waiting",
    ],
    "run in tests/test_corrections.py",
)
# Sessions and follow-ups run theirs in tests/test_group_corrections.py.
NOT_RUN |= dict.fromkeys(
    [
        "followup.none",
        "followup.not_due",
        "followup.not_on_date",
        "group.begun",
        "session.before_start",
        "session.followed_up",
        "session.none",
        "session.not_found",
        "session.same_day",
    ],
    "run in tests/test_group_corrections.py",
)
# The plan of starter sessions runs theirs in tests/test_schedule.py.
NOT_RUN |= dict.fromkeys(
    ["session.not_yet", "session.not_planned", "session.move_order", "session.move_cancelled"],
    "run in tests/test_schedule.py",
)
NOT_RUN["calendar.weeks_out_of_range"] = "run in tests/test_calendar.py"
NOT_RUN["purge.changed"] = "a race between the question and the purge (tests/test_confirm.py)"
PLACEHOLDERS = {"NAME": "Anna Berg", "LIST": "healthcare,friend,other", "PATH": "good.db"}
# Commands that ask before they change the register: at a terminal the coordinator answers;
# here the answer is given up front.
ASKING = {("db", "restore"), ("person", "erase"), ("person", "withdraw-consent")}


def filled(command: list[str]) -> list[str]:
    words = [PLACEHOLDERS.get(word, word) for word in command]
    return [*words, "--yes"] if tuple(words[:2]) in ASKING else words


def test_every_hint_that_names_a_command_has_a_case() -> None:
    naming = {code for code, hint in HINTS.items() if hint_commands(hint())}
    assert naming - set(CASES) - set(NOT_RUN) == set()


@pytest.mark.parametrize("code", sorted(CASES))
def test_the_commands_a_hint_names_work(code: str, run: Run, db: Path) -> None:
    failing = CASES[code](run, db)
    result = run(*failing, code=1)
    hint = next(line for line in result.stderr.splitlines() if line.startswith("Hint: "))
    named = hint_commands(hint)
    if hint_commands(HINTS[code]()):
        assert named, hint
    for command in named:
        words = filled(command)
        followed = run(*words, code=None)
        # `db check` answers a damaged file with exit 1 and what it found.
        answered = {0, 1} if words[:2] == ["db", "check"] else {0}
        assert followed.exit_code in answered, (hint, command, followed.stderr)


def test_a_missing_register_hint_creates_one(run: Run, tmp_path: Path) -> None:
    result = run("intake", "list", code=1)
    assert "shg init" in result.stderr
    run("init")
    run("intake", "list")
