"""One byte scan for personal data left behind: erasure, restore, and every file shg writes.

A token counts as found in any case and in the spellings a file may hold it in: UTF-8 in NFC
and NFD (SQLite stores text as typed) and UTF-16 (little and big endian, as SQLite's UTF-16
encodings and some exports store it).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from pathlib import Path


def db_files(db: Path) -> list[Path]:
    """The files one database may be spread over: the file, its WAL, shared memory, journal."""
    return [db, *(Path(f"{db}{suffix}") for suffix in ("-wal", "-shm", "-journal"))]


def spellings(token: str) -> set[bytes]:
    forms = {unicodedata.normalize(f, t) for f in ("NFC", "NFD") for t in (token, token.lower())}
    return {form.encode(codec) for form in forms for codec in ("utf-8", "utf-16-le", "utf-16-be")}


def traces(paths: Iterable[Path], tokens: Iterable[str]) -> list[tuple[str, str]]:
    """(file name, token) for every token found in any of the files (folders are walked)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += [p for p in sorted(path.rglob("*")) if p.is_file()]
        elif path.is_file():
            files.append(path)
    found = []
    for file in files:
        content = file.read_bytes()
        lowered = content.lower()  # ASCII case only: enough for UTF-16 and for the tokens' ASCII
        for token in tokens:
            if any(s in content or s.lower() in lowered for s in spellings(token)):
                found.append((file.name, token))
    return found
