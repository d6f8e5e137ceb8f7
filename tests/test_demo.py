"""`shg demo`: a made-up register in every state, never the user's real one."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from pathlib import Path

from conftest import Run


def test_demo_shows_every_command_something_real(run: Run, tmp_path: Path) -> None:
    demo = tmp_path / "demo.db"
    assert json.loads(run("demo", str(demo), "--json").stdout) == {
        "db": str(demo),
        "created": True,
        "scale": "showcase",
        **dict.fromkeys(("registrations", "groups", "sessions", "followups")),  # counted at scale
    }
    use = ["--db", str(demo)]
    ready = json.loads(run(*use, "groups", "ready", "--json").stdout)
    assert [(p["theme"], p["area"], p["waiting"], len(p["members"])) for p in ready] == [
        ("Utmattning", "Jönköping", 13, 7),
        ("Utmattning", "Jönköping", 13, 6),
        ("Stress och oro", "Huskvarna", 9, 8),
        ("Att leva med smärta", "Värnamo", 5, 5),
    ]
    waiting = Counter(
        (r["theme"], r["area"])
        for r in json.loads(run(*use, "intake", "list", "--status", "waiting", "--json").stdout)
    )
    assert sorted(waiting.values()) == [2, 4, 5, 9, 13]
    statuses = Counter(
        r["status"]
        for r in json.loads(run(*use, "intake", "list", "--status", "all", "--json").stdout)
    )
    assert set(statuses) == {"waiting", "placed", "withdrawn", "referred"}
    groups = Counter(g["status"] for g in json.loads(run(*use, "groups", "list", "--json").stdout))
    assert groups == {"running": 3, "starting": 2, "ended": 1}
    due = json.loads(run(*use, "followups", "due", "--json").stdout)
    assert [d["days_overdue"] > 0 for d in due] == [True, False]  # overdue, then this week
    later = json.loads(run(*use, "followups", "due", "--week", "2026-W52", "--json").stdout)
    assert len(later) == 3  # the third running group is due later
    # The demo is built through the same rules: a fresh intake can start the Ensamhet group.
    result = run(
        *use,
        "intake",
        "add",
        "--consent",
        "--name",
        "Ny",
        "--theme",
        "Ensamhet",
        "--area",
        "Habo/Mullsjö",
        "--json",
    )
    assert json.loads(result.stdout)["ready"][0]["waiting"] == 5


def test_demo_never_touches_the_real_database(run: Run, environment: Path) -> None:
    run("init")
    before = hashlib.sha256(environment.read_bytes()).hexdigest()
    result = run("demo", str(environment), code=1)
    assert "not a demo database" in result.stderr
    run("demo")  # default path shg-demo.db in the current folder, not $SHG_DB
    assert Path("shg-demo.db").exists()
    assert hashlib.sha256(environment.read_bytes()).hexdigest() == before
    assert json.loads(run("groups", "list", "--json").stdout) == []


def test_demo_can_be_rebuilt(run: Run, tmp_path: Path) -> None:
    demo = tmp_path / "demo.db"
    run("demo", str(demo))
    run("--db", str(demo), "intake", "add", "--consent", "--name", "Extra", "--theme", "Ensamhet")
    run("demo", str(demo))
    names = [
        r["name"]
        for r in json.loads(
            run("--db", str(demo), "intake", "list", "--status", "all", "--json").stdout
        )
    ]
    assert "Extra" not in names


def test_county_scale_is_deterministic_and_realistic(run: Run, tmp_path: Path) -> None:
    def build(name: str, seed: str) -> tuple[dict[str, int], str]:
        path = tmp_path / name
        result = json.loads(
            run("demo", str(path), "--scale", "county", "--seed", seed, "--json").stdout
        )
        conn = sqlite3.connect(path)
        dump = "\n".join(str(r) for r in conn.execute("SELECT * FROM registrations ORDER BY id"))
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.close()
        return result, hashlib.sha256(dump.encode()).hexdigest()

    first, digest = build("a.db", "7")
    again, same = build("b.db", "7")
    other, different = build("c.db", "8")
    assert (first, digest) == ({**again, "db": first["db"]}, same)
    assert digest != different
    assert (first["registrations"], first["groups"]) == (2000, 150)
    use = ["--db", str(tmp_path / "a.db")]
    statuses = Counter(
        g["status"] for g in json.loads(run(*use, "groups", "list", "--json").stdout)
    )
    assert set(statuses) == {"starting", "running", "ended"}
    waiting = json.loads(run(*use, "intake", "list", "--status", "waiting", "--json").stdout)
    assert len(waiting) == 150
    assert json.loads(run(*use, "groups", "ready", "--json").stdout)
    assert any(
        d["days_overdue"] > 0
        for d in json.loads(run(*use, "followups", "due", "--week", "2026-W49", "--json").stdout)
    )
