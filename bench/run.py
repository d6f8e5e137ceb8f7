"""Benchmark shg against the floor (`python -c pass`) and its peer (`sqlite-utils query`).

    python bench/run.py [--runs 15] [--warmup 2] [--folder bench/.data] [--before OLD_VENV/bin]

Builds a county and a national demo register (deterministic, seed 1), then times whole
processes: each round runs every command once, in an order rotated per round, so that all
of them share the same machine conditions. Prints the median and spread (min–max) of each,
its ratio to the floor and to its peer, and the peak memory (max RSS) of the process; then
checks the targets of the benchmark issue. Figures are only comparable within one run.

The first purge of the national register (`shg purge`, ~172,000 identities to erase) and its
first calendar export (which keeps the state of every event it writes) are timed apart, on a
fresh copy of the file each time (the copy is not timed): they change the file, and they take
seconds, not milliseconds. So are an import of a 10,000-row sheet into a new register (checked
only, then for real) and, once, the national register's export to a workbook (~45 s).

Run it with the interpreter of the environment shg is installed in: the executables timed
are that interpreter, and `shg` and `sqlite-utils` beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

BIN = Path(sys.executable).parent
SHG = str(BIN / "shg")
PEER = str(BIN / "sqlite-utils")
TODAY = "2026-11-24"


def week_end(day: str) -> str:
    d = date.fromisoformat(day)
    return (d + timedelta(days=7 - d.isoweekday())).isoformat()


def peer_sql() -> dict[str, str]:
    """The SQL shg runs for each question, with its parameters written in."""
    from shgroups.services.followups import DUE_SQL
    from shgroups.services.readiness import ALSO_AREAS_SQL, ALSO_THEMES_SQL, PROPOSABLE_SQL

    # `:fewest`: min_size (5) less the people with alternatives (none in the demo registers)
    candidates = (
        PROPOSABLE_SQL.replace(":as_of", f"'{TODAY}'")
        .replace(":fewest", "5")
        .replace("r.id, r.registered_on", "'first' AS kind, r.id, r.registered_on")
    )
    also = [
        sql.replace(
            "SELECT x.registration_id, x.", f"SELECT '{kind}', x.registration_id, NULL, x."
        ).replace("_id\n", "_id, NULL\n", 1)
        for kind, sql in (("theme", ALSO_THEMES_SQL), ("area", ALSO_AREAS_SQL))
    ]
    return {
        # the peer has no `working_day()` (shg's Python function for days off): the same
        # query with the due date unmoved
        "followups due": DUE_SQL.replace(":week_end", f"'{week_end(TODAY)}'")
        .replace(":starter", "NULL")
        .replace("working_day(due_planned)", "due_planned"),
        # the three reads of the readiness rule, as one statement
        "groups ready": " UNION ALL ".join([candidates, *also]),
    }


# One aggregate of the kind the report runs some twenty of, for a sense of its cost.
REPORT_PEER_SQL = "SELECT count(*), source FROM registrations GROUP BY source"


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time in ms and peak RSS in MB of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = (time.perf_counter() - started) * 1000
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        assert process.stderr is not None
        raise SystemExit(f"{argv} failed: {process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def build(folder: Path, scale: str, env: dict[str, str]) -> tuple[Path, float]:
    path = folder / f"{scale}.db"
    started = time.perf_counter()
    subprocess.run(
        [SHG, "demo", str(path), "--scale", scale],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return path, time.perf_counter() - started


def on_a_fresh_copy(
    national: Path, folder: Path, env: dict[str, str], *command: str
) -> tuple[float, float]:
    """One shg command on an untouched copy of the national register (the copy not timed)."""
    copy = folder / "national-copy.db"
    for suffix in ("-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(national, copy)
    return run_once([SHG, "--db", str(copy), *command], env)


IMPORT_ROWS = 10_000
THEMES = ["Utmattning", "Stress och oro", "Att leva med smärta", "Nära anhörigs död",
          "Ensamhet", "Samtal om livet", "Ångest", "Separation/skilsmässa"]  # fmt: skip


def old_sheet(folder: Path) -> Path:
    """A coordinator's old sheet of 10,000 people, as `shg import` meets it: a title row, then
    Swedish headers, phone numbers as text, Excel dates (deterministic)."""
    from openpyxl import Workbook

    path = folder / "old-sheet.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["Väntande per tema, Demo län"])
    sheet.append(["Namn", "Telefon", "Tema", "Anmäld", "Kön", "Födelseår"])
    first = date(2024, 1, 1)
    for i in range(IMPORT_ROWS):
        day = first + timedelta(days=i % 690)
        gender = "K" if i % 3 else "M"
        sheet.append(
            [f"Person {i}", f"070{i:07d}", THEMES[i % len(THEMES)], day, gender, 1950 + i % 50]
        )
    book.save(path)
    return path


def import_once(folder: Path, env: dict[str, str], sheet: Path, *more: str) -> tuple[float, float]:
    """`shg import` of the old sheet into a new register (its creation not timed)."""
    db = folder / "import.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    subprocess.run([SHG, "--db", str(db), "init"], check=True, env=env, capture_output=True)
    return run_once(
        [SHG, "--db", str(db), "import", str(sheet), "--consent-given-on", TODAY, *more], env
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--folder", type=Path, default=Path(__file__).parent / ".data")
    parser.add_argument("--purge-runs", type=int, default=3)
    parser.add_argument(
        "--before",
        type=Path,
        help="the bin folder of another installation of shg (say, of the previous commit): its "
        "shg answers the national read commands in the same rounds, for a before and after "
        "from one run",
    )
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    # English unless a command says otherwise (the machine's locale must not choose).
    env = {**os.environ, "SHG_TODAY": TODAY, "SHG_USER": "bench", "SHG_LANG": "en"}
    env.pop("SHG_DB", None)

    files = {}
    for scale in ("county", "national"):
        files[scale], seconds = build(args.folder, scale, env)
        print(
            f"built {scale}: {files[scale]} in {seconds:.1f} s "
            f"({files[scale].stat().st_size / 1e6:.1f} MB)"
        )

    sql = peer_sql()
    commands: dict[str, list[str]] = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "shg --version": [SHG, "--version"],
    }
    for scale, path in files.items():
        db = ["--db", str(path)]
        commands |= {
            f"{scale}: shg followups due --json": [SHG, *db, "followups", "due", "--json"],
            f"{scale}: shg groups ready --json": [SHG, *db, "groups", "ready", "--json"],
            f"{scale}: shg intake list --json --status waiting":
                [SHG, *db, "intake", "list", "--json", "--status", "waiting"],
            f"{scale}: shg intake add": [SHG, *db, "intake", "add", "--consent", "--name",
                                         "Bench", "--theme", "Ensamhet", "--force"],
            # With a phone number: it is compared in its E.164 form (phonenumbers loads).
            f"{scale}: shg intake add --phone": [SHG, *db, "intake", "add", "--consent",
                                                 "--name", "Bench", "--theme", "Ensamhet",
                                                 "--phone", "070-123 45 67", "--force"],
            f"{scale}: peer followups due": [PEER, "query", str(path), sql["followups due"]],
            f"{scale}: peer groups ready": [PEER, "query", str(path), sql["groups ready"]],
        }  # fmt: skip

    # the yearly report of the national register, and one aggregate of the peer's
    last_year = str(date.fromisoformat(TODAY).year - 1)
    national = str(files["national"])
    commands |= {
        "national: shg report --json": [SHG, "--db", national, "report", "--year", last_year,
                                        "--format", "json"],
        "national: peer one aggregate": [PEER, "query", national, REPORT_PEER_SQL],
        # issue 13: Monday's one screen, and the calendar of every group (the file on stdout;
        # once exported, each event's state is kept: the first export is timed apart below)
        "national: shg agenda --json": [SHG, "--db", national, "agenda", "--format", "json"],
        "national: shg calendar export": [SHG, "--db", national, "calendar", "export"],
    }  # fmt: skip

    # issue 11: the same command in Swedish and Norwegian (a catalogue is loaded as shg starts)
    languages = {
        f"national: shg followups due --json ({language})": {"SHG_LANG": language}
        for language in ("sv", "nb")
    }
    for name in languages:
        commands[name] = commands["national: shg followups due --json"]

    if args.before:
        before = str(args.before / "shg")
        db = ["--db", str(files["national"])]
        commands |= {
            "before: shg --version": [before, "--version"],
            "national: before: shg followups due --json":
                [before, *db, "followups", "due", "--json"],
            "national: before: shg groups ready --json":
                [before, *db, "groups", "ready", "--json"],
        }  # fmt: skip

    names = list(commands)
    times: dict[str, list[float]] = {n: [] for n in names}
    memory: dict[str, float] = dict.fromkeys(names, 0.0)
    for round_ in range(args.warmup + args.runs):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            elapsed, rss = run_once(commands[name], {**env, **languages.get(name, {})})
            if round_ >= args.warmup:
                times[name].append(elapsed)
                memory[name] = max(memory[name], rss)

    # Commands that change the file and take seconds: each on a fresh copy, fewer times.
    purge_name = "national: shg purge (first, on a fresh copy)"
    export_name = "national: shg calendar export (first, on a fresh copy)"
    for name, command in (
        (purge_name, ("purge", "--yes", "--json")),
        (export_name, ("calendar", "export")),
    ):
        once = [
            on_a_fresh_copy(files["national"], args.folder, env, *command)
            for _i in range(args.purge_runs)
        ]
        times[name] = [ms for ms, _mb in once]
        memory[name] = max(mb for _ms, mb in once)
        names.append(name)

    # issue 14: a county's old sheet read in (checked only, then for real), and the whole
    # national register handed over as a workbook (tens of seconds: timed once).
    # Made by a child process: openpyxl would grow this one, and a process it starts begins
    # as a copy of it, so its peak memory would count this one's (wait4's ru_maxrss).
    subprocess.run(
        [sys.executable, "-c", f"import run; run.old_sheet(run.Path({str(args.folder)!r}))"],
        check=True,
        cwd=Path(__file__).parent,
        env=env,
    )
    sheet = args.folder / "old-sheet.xlsx"
    handover = args.folder / "handover.xlsx"
    slow = {
        "import 10,000 rows --dry-run": [
            import_once(args.folder, env, sheet, "--dry-run") for _i in range(args.purge_runs)
        ],
        "import 10,000 rows":
            [import_once(args.folder, env, sheet) for _i in range(args.purge_runs)],
        "national: shg export --format xlsx (once)": [
            run_once([SHG, "--db", str(files["national"]), "export", "--out", str(handover),
                      "--force"], env)
        ],
    }  # fmt: skip
    for name, once in slow.items():
        times[name] = [ms for ms, _mb in once]
        memory[name] = max(mb for _ms, mb in once)
        names.append(name)

    median = {n: statistics.median(t) for n, t in times.items()}
    floor = median["python -c pass"]
    peers = {
        "followups due": "peer followups due",
        "groups ready": "peer groups ready",
        "report": "peer one aggregate",
    }
    print(
        f"\n{args.runs} runs after {args.warmup} warm-up rounds; python {sys.version.split()[0]}"
        f", {os.cpu_count()} cores\n"
    )
    print(
        f"{'command':52} {'median ms':>9} {'min–max':>13} {'× floor':>8} {'× peer':>7} "
        f"{'peak MB':>8}"
    )
    for name in names:
        scale = name.split(":")[0]
        peer = next(
            (f"{scale}: {p}" for q, p in peers.items() if q in name and "shg" in name), None
        )
        ratio = f"{median[name] / median[peer]:.2f}" if peer else ""
        spread = f"{min(times[name]):.0f}–{max(times[name]):.0f}"
        print(
            f"{name:52} {median[name]:9.1f} {spread:>13} {median[name] / floor:8.1f} "
            f"{ratio:>7} {memory[name]:8.1f}"
        )

    def m(scale: str, what: str) -> float:
        return median[f"{scale}: {what}"]

    checks = []
    for q in ("followups due", "groups ready"):
        shg_q = f"shg {q} --json"
        checks += [
            # issue 9: start-up loads only the invoked command group
            (
                f"national {q} ≤ 0.55 × peer",
                m("national", shg_q) / m("national", f"peer {q}"),
                0.55,
            ),
            (f"national {q} ≤ 1.2 × county", m("national", shg_q) / m("county", shg_q), 1.2),
        ]
    checks.append(
        (
            "national intake add ≤ 1.3 × followups due",
            m("national", "shg intake add") / m("national", "shg followups due --json"),
            1.3,
        )
    )
    checks.append(
        (
            # issue 10: phone numbers are compared in their E.164 form (phonenumbers)
            "national intake add --phone ≤ 1.3 × followups due",
            m("national", "shg intake add --phone") / m("national", "shg followups due --json"),
            1.3,
        )
    )
    checks.append(("national first purge ≤ 30 s", median[purge_name] / 1000, 30.0))
    checks.append(("national report --json ≤ 2 s", m("national", "shg report --json") / 1000, 2.0))
    for language in ("sv", "nb"):
        checks.append(
            (
                # issue 11: loading a catalogue adds at most 5 ms
                f"followups due --json in {language} − in English ≤ 5 ms",
                m("national", f"shg followups due --json ({language})")
                - m("national", "shg followups due --json"),
                5.0,
            )
        )
    checks.append(
        (
            # issue 13: the agenda gathers what followups due shows, and four more sections
            "national agenda --json ≤ 1.2 × followups due",
            m("national", "shg agenda --json") / m("national", "shg followups due --json"),
            1.2,
        )
    )
    for name in ("national: shg calendar export", export_name):
        checks.append((f"{name.split(': ')[1]} ≤ 3 s", median[name] / 1000, 3.0))
        checks.append((f"{name.split(': ')[1]}: peak MB ≤ 100", memory[name], 100.0))
    for name in ("import 10,000 rows --dry-run", "import 10,000 rows"):
        checks.append((f"{name} ≤ 10 s", median[name] / 1000, 10.0))
        checks.append((f"{name}: peak MB ≤ 200", memory[name], 200.0))
    handed = "national: shg export --format xlsx (once)"
    checks.append(("national export to XLSX ≤ 60 s", median[handed] / 1000, 60.0))
    checks.append(("national export to XLSX: peak MB ≤ 300", memory[handed], 300.0))
    # The 80 MB of issue 9 are the weekly reads'; the purge, the calendar and the export have
    # their own.
    apart = {purge_name, export_name, "national: shg calendar export", handed}
    peak = max(v for n, v in memory.items() if "national: shg" in n and n not in apart)
    print("\ntargets")
    for label, value, limit in checks:
        print(f"  {'PASS' if value <= limit else 'FAIL'}  {label}: {value:.2f}")
    print(
        f"  {'PASS' if peak <= 80 else 'FAIL'}  peak memory on the national file ≤ 80 MB: "
        f"{peak:.1f} MB"
    )
    (args.folder / "last-run.json").write_text(
        json.dumps({"median_ms": median, "peak_mb": memory, "runs": args.runs}, indent=2)
    )


if __name__ == "__main__":
    main()
