"""Run one shg command again and again, killed with SIGKILL at each SQL statement boundary.

    python kill_driver.py PRISTINE WORK OUT -- shg arguments …

For N = 1, 2, …: WORK is reset to a copy of PRISTINE, a forked process runs `shg …` in WORK
and kills itself (kill -9) as its N-th SQL statement (on any connection) is about to start,
that is right after statement N-1 finished; WORK is then copied to OUT/N. The first N the
command finishes at is the uninterrupted run, copied to OUT/done. Forking after the import
keeps each run to the command's own work: a fresh interpreter per kill point would cost a
quarter of a second each. The command's sqlite3 calls are untouched but for the counter.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import sys
from pathlib import Path
from typing import Any

from shgroups.cli import main


def _run_killed_at(n: int, argv: list[str]) -> None:
    """In the child: count statements on every connection; die at the n-th."""
    count = 0
    connect = sqlite3.connect

    def trace(_sql: str) -> None:
        nonlocal count
        count += 1
        if count == n:
            os.kill(os.getpid(), signal.SIGKILL)

    def counting_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = connect(*args, **kwargs)
        conn.set_trace_callback(trace)
        return conn

    sqlite3.connect = counting_connect  # type: ignore[assignment]
    sys.argv = ["shg", *argv]
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    try:
        main()
    except SystemExit as exc:
        os._exit(exc.code if isinstance(exc.code, int) else 1)
    os._exit(0)


def drive(pristine: Path, work: Path, out: Path, argv: list[str]) -> None:
    n = 0
    while True:
        n += 1
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(pristine, work)
        pid = os.fork()
        if pid == 0:
            os.chdir(work)
            _run_killed_at(n, argv)
        _pid, status = os.waitpid(pid, 0)
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        if not killed and os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"the command failed (status {status}) at N = {n}")
        shutil.copytree(work, out / (str(n) if killed else "done"))
        if not killed:
            return


if __name__ == "__main__":
    pristine, work, out, _sep, *command = sys.argv[1:]
    drive(Path(pristine), Path(work), Path(out), command)
