"""Real processes against one file: concurrent writers, a long lock, kill -9 mid-write,
concurrent upgrades (docs/design.md §5). Waits are generous and loops bounded for loaded
machines."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
from conftest import counts

SHG = str(Path(sys.executable).parent / "shg")


def shg(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SHG, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def _writer(db: str, worker: int, n: int) -> int:
    """Add n registrations through the service layer; return how many failed."""
    from shgroups.errors import ShgError
    from shgroups.services import intake
    from shgroups.storage import open_db

    store = open_db(db)
    failures = 0
    for i in range(n):
        try:
            intake.add_registration(  # reads (the duplicate check) before it writes
                store,
                person={"name": f"W{worker} P{i}", "phone": f"070-{worker}{i:05d}"},
                theme="Ensamhet" if i % 2 else "Utmattning",
                area=None,
                also_themes=[],
                also_areas=[],
                on=date(2026, 11, 24),
                today=date(2026, 11, 24),
                consent=True,
            )
        except ShgError:
            failures += 1
    store.close()
    return failures


def test_four_writers_through_the_service_layer(db: Path) -> None:
    with multiprocessing.get_context("fork").Pool(4) as pool:
        failures = pool.starmap(_writer, [(str(db), w, 200) for w in range(4)])
    assert failures == [0, 0, 0, 0]
    assert counts(db)["registrations"] == 800
    assert integrity(db) == "ok"


def test_four_writers_through_the_command_line(db: Path) -> None:
    def worker(w: int) -> list[int]:
        return [
            shg(
                "intake", "add", "--consent", "--name", f"C{w} {i}", "--theme", "Ensamhet"
            ).returncode
            for i in range(25)
        ]

    with ThreadPoolExecutor(4) as pool:
        codes = [c for result in pool.map(worker, range(4)) for c in result]
    assert codes == [0] * 100
    assert counts(db)["registrations"] == 100
    assert integrity(db) == "ok"


HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""


def hold_lock(db: Path, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def test_a_write_waits_for_a_short_lock(db: Path) -> None:
    holder = hold_lock(db, 1.0)
    try:
        started = time.monotonic()
        result = shg(
            "intake",
            "add",
            "--consent",
            "--name",
            "Väntar",
            "--theme",
            "Ensamhet",
            env={"SHG_BUSY_TIMEOUT": "60"},
        )
        assert result.returncode == 0, result.stderr
        assert time.monotonic() - started >= 0.5  # it did wait for the lock
    finally:
        holder.wait(timeout=60)
    assert counts(db)["registrations"] == 1


def test_a_write_gives_up_on_a_long_lock(db: Path) -> None:
    holder = hold_lock(db, 30)
    try:
        result = shg(
            "intake",
            "add",
            "--consent",
            "--name",
            "Ger upp",
            "--theme",
            "Ensamhet",
            env={"SHG_BUSY_TIMEOUT": "0.5"},
        )
        assert result.returncode == 1
        assert "database is busy" in result.stderr and "try again" in result.stderr
        assert "Traceback" not in result.stderr
    finally:
        holder.kill()
        holder.wait(timeout=60)
    assert counts(db)["registrations"] == 0


def test_kill_9_during_the_demo_build_is_all_or_nothing(tmp_path: Path) -> None:
    target = tmp_path / "demo.db"
    started = time.monotonic()
    assert shg("demo", str(target)).returncode == 0
    duration = time.monotonic() - started
    complete = counts(target)
    rng = random.Random(20261124)
    outcomes = []
    for _attempt in range(24):
        if rng.random() < 0.5:  # half the time start from nothing, half over an old demo
            for f in tmp_path.glob("demo.db*"):
                f.unlink()
        process = subprocess.Popen(
            [SHG, "demo", str(target)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.05, duration))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        if target.exists():
            assert integrity(target) == "ok"
            assert counts(target) == complete  # the whole demo, never part of one
            outcomes.append("whole")
        else:
            outcomes.append("none")
    assert "none" in outcomes  # some kills really landed mid-build
    result = shg("demo", str(target))
    assert result.returncode == 0, result.stderr
    assert counts(target) == complete
    assert list(tmp_path.glob("*.shg-building*")) == []  # leftovers of killed builds removed


def _open_and_read(db: str) -> int:
    from shgroups.storage import open_db

    store = open_db(db)
    value = int(store.value("PRAGMA user_version"))
    store.close()
    return value


def test_two_processes_upgrade_at_once(tmp_path: Path) -> None:
    from test_db_commands import build_v1, upgraded

    from shgroups import migrations

    for attempt in range(5):
        path = tmp_path / f"old{attempt}.db"
        build_v1(path)
        before = counts(path)
        with multiprocessing.get_context("fork").Pool(2) as pool:
            versions = pool.map(_open_and_read, [str(path)] * 2)
        assert versions == [migrations.SCHEMA_VERSION] * 2
        assert counts(path) == upgraded(before)
        assert integrity(path) == "ok"


@pytest.mark.parametrize("damage", ["zeroed header", "flipped middle"])
def test_damaged_files_are_refused_untouched(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "shg.db"
    assert shg("demo", str(path)).returncode == 0
    data = bytearray(path.read_bytes())
    if damage == "zeroed header":
        data[:100] = bytes(100)
    else:
        for i in range(len(data) // 3, 2 * len(data) // 3):
            data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    for command in (
        ["db", "check"],
        ["intake", "list", "--json"],
        ["intake", "add", "--consent", "--name", "X", "--theme", "Ensamhet"],
    ):
        result = shg("--db", str(path), *command)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr
        assert path.read_bytes() == before


def test_new_files_are_private_under_a_permissive_umask(tmp_path: Path) -> None:
    env = {"SHG_DB": str(tmp_path / "shg.db")}
    script = (
        "import os, sys; os.umask(0o022); from shgroups.cli import main; "
        "sys.argv = ['shg'] + sys.argv[1:]; main()"
    )

    def run(*args: str) -> None:
        result = subprocess.run(
            [sys.executable, "-c", script, *args],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, **env},
        )
        assert result.returncode == 0, result.stderr

    run("demo", str(tmp_path / "demo.db"))
    run("init")
    run("intake", "add", "--consent", "--name", "A", "--theme", "Ensamhet")
    run("db", "backup", str(tmp_path / "backup.db"))
    run("person", "export", "1", "--out", str(tmp_path / "export.json"))
    made = [p for p in tmp_path.iterdir() if p.is_file()]
    assert {p.name for p in made} >= {"demo.db", "shg.db", "backup.db", "export.json", "export.txt"}
    assert {p.name: oct(p.stat().st_mode & 0o777) for p in made} == {p.name: "0o600" for p in made}
