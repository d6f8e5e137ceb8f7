"""`shg demo`: a made-up register in every state, never the user's real one."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from conftest import TODAY, Run


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
    listed = json.loads(run(*use, "groups", "list", "--json").stdout)
    groups = Counter(g["status"] for g in listed)
    assert {s: n for s, n in groups.items() if s != "ended"} == {"running": 3, "starting": 3}
    # One of the starting groups is planned, on Fridays, with a Friday holiday in its plan.
    (planned,) = [g for g in listed if g["planned"]]
    assert planned["weekday"] == 5 and planned["venue"]
    plan = json.loads(run(*use, "groups", "show", str(planned["id"]), "--json").stdout)["plan"]
    assert any(m["moved_for"] for m in plan), plan
    assert groups["ended"] > 1  # one recently, and two years of history (see below)
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


def test_demo_holds_two_years_of_finished_history(run: Run, tmp_path: Path) -> None:
    """A yearly report for last year and for this year finds something in every table: people
    registered in most months, placed after weeks of waiting, withdrawn and referred; groups
    started, followed up and ended in both years; and all of it finished before today."""
    demo = tmp_path / "demo.db"
    run("demo", str(demo))
    use = ["--db", str(demo)]
    today = date.fromisoformat(TODAY)
    this, last = str(today.year), str(today.year - 1)
    registrations = json.loads(run(*use, "intake", "list", "--status", "all", "--json").stdout)
    since = (today - timedelta(days=730)).isoformat()
    months = {r["date"][:7] for r in registrations if r["date"] >= since}
    assert len(months) >= 18
    for year in (last, this):
        statuses = Counter(r["status"] for r in registrations if r["date"].startswith(year))
        assert statuses["placed"] >= 50 and statuses["withdrawn"] >= 5
        assert statuses["referred"] >= 5
    # Only the current people wait: none registered more than a few months ago.
    assert min(r["date"] for r in registrations if r["status"] == "waiting") >= str(
        today - timedelta(days=120)
    )

    listed = json.loads(run(*use, "groups", "list", "--json").stdout)
    shown = [json.loads(run(*use, "groups", "show", str(g["id"]), "--json").stdout) for g in listed]
    for year in (last, this):
        assert sum(g["started_on"].startswith(year) for g in shown) >= 5
        assert sum((g["ended_on"] or "").startswith(year) for g in shown) >= 5
        sessions = [s for g in shown for s in g["sessions"] if s["date"].startswith(year)]
        followups = [f for g in shown for f in g["followups"] if f["date"].startswith(year)]
        assert len(sessions) >= 20 and len(followups) >= 10
    for group in shown:
        if group["status"] == "ended":
            assert group["ended_on"] < TODAY
            assert all(m["left_on"] for m in group["member_list"])
            durations = (
                date.fromisoformat(group["ended_on"]) - date.fromisoformat(group["started_on"])
            ).days
            assert durations <= 15 * 31
    ended = [g for g in shown if g["status"] == "ended"]
    assert any(
        g["sessions_held"] < g["starter_sessions"] for g in ended
    )  # one that did not take off
    assert any(not g["followups"] for g in ended) and any(len(g["followups"]) >= 5 for g in ended)

    # The facts a yearly report counts are spread out: ages, genders, sources.
    conn = sqlite3.connect(demo)
    for year in (last, this):
        facts = conn.execute(
            "SELECT gender, CAST(substr(registered_on, 1, 4) AS INTEGER) - birth_year, source"
            " FROM registrations WHERE registered_on LIKE ? || '%'",
            (year,),
        ).fetchall()
        genders = Counter(g for g, _age, _source in facts)
        assert genders["woman"] > genders["man"] >= 5
        bands = Counter(
            next(b for b, top in enumerate((29, 44, 64, 200)) if age <= top)
            for _g, age, _s in facts
            if age is not None
        )
        assert sorted(bands) == [0, 1, 2, 3] and min(bands.values()) >= 5
        assert len({s for _g, _a, s in facts if s}) >= 6
        waits = conn.execute(
            "SELECT julianday(m.joined_on) - julianday(r.registered_on) FROM group_members m"
            " JOIN registrations r ON r.id = m.registration_id WHERE m.joined_on LIKE ? || '%'",
            (year,),
        ).fetchall()
        assert waits and all(14 <= w <= 20 * 7 for (w,) in waits)
    conn.close()


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
