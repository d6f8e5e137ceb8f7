"""The files shg writes for people (exports, archives, later reports and calendars).

Every such file is private (0600) and never overwrites an existing file. A command that writes
files and records something in the register does it in this order: write every file under a
temporary name beside its target, commit the record, then move the files into place. A failure
before the commit removes the temporary files and the record is rolled back; so a refused
command leaves neither a file full of personal data nor an audit row behind.

    with files.staged() as out:
        with store.write():
            store.audit(...)
            out.write(path, text)      # a temporary file now, in place after the commit
    out.paths                          # the files now in place

A file's move into place is a hard link (atomic, and refused if the name is taken meanwhile);
on file systems without hard links (a FAT-formatted USB stick) the name is first claimed with
an exclusive create, then the file is renamed over that claim.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from shgroups.errors import InvalidInput, StorageError
from shgroups.i18n import _
from shgroups.storage import building_path, remove_stale_builds


def _exists(path: Path, replaceable: bool = False) -> StorageError:
    """`replaceable`: the command may replace the file when told to (its `force`)."""
    if replaceable:
        return StorageError(
            _("{path} already exists").format(path=path),
            _("choose a new file name, or say that it may be replaced"),
            code="file.exists_replaceable",
            field="force",
            path=str(path),
        )
    return StorageError(
        _("{path} already exists").format(path=path),
        _("choose a new file name; shg never overwrites a file"),
        code="file.exists",
        path=str(path),
    )


class Staged:
    """Files written under temporary names, waiting to be moved into place."""

    def __init__(self) -> None:
        self._temps: dict[Path, Path] = {}  # target -> temporary file beside it
        self._force: dict[Path, bool | None] = {}  # target -> its `force`
        self.paths: list[Path] = []  # targets in place

    def write(
        self,
        path: Path,
        text: str | bytes | Iterable[str] | Callable[[IO[bytes]], None],
        *,
        force: bool | None = None,
    ) -> None:
        """Write `text` (UTF-8; or its pieces, for a file too large to hold in memory at once;
        or bytes, a workbook; or a function that writes the file's bytes to the binary file it
        is given, a workbook streamed) to a private temporary file beside `path`, synced to
        disk.
        `force`: None for a file that is never replaced (exports, archives: they hold personal
        data); for a file the command may replace when told to (a published list), False
        refuses an existing file saying that it may be, True replaces it (a symbolic link
        there is replaced, never followed)."""
        if not path.name or path.is_dir():  # "." has no name; a folder is not replaced
            raise InvalidInput(
                _("{path} is a folder; shg writes a file").format(path=path),
                _("name a file to write, in that folder or another"),
                code="file.is_folder",
                field="out",
                path=str(path),
            )
        taken = path.exists() or path.is_symlink()
        if path in self._temps or (taken and not force):
            raise _exists(path, force is not None)  # fail before the caller commits anything
        self._force[path] = force
        hidden = path.with_name(f".{path.name}")
        remove_stale_builds(hidden)  # a temporary file of a killed process holds personal data
        temp = building_path(hidden)
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            self._temps[path] = temp
            if isinstance(text, bytes) or callable(text):
                with os.fdopen(fd, "wb") as raw:
                    if callable(text):
                        text(raw)
                    else:
                        raw.write(text)
                    raw.flush()
                    os.fsync(raw.fileno())
            else:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.writelines([text] if isinstance(text, str) else text)
                    out.flush()
                    os.fsync(out.fileno())
        except OSError as exc:
            raise StorageError(
                _("{path} could not be written ({reason})").format(path=path, reason=exc.strerror),
                _(
                    "check that the folder {folder} exists, that you may write there and that "
                    "the disk has room"
                ).format(folder=path.parent.absolute()),
                code="file.unwritable",
                path=str(path),
                reason=exc.strerror,
            ) from None

    def _place(self) -> None:
        for path, temp in self._temps.items():
            if self._force[path]:
                os.replace(temp, path)
                self.paths.append(path)
                continue
            try:
                os.link(temp, path)
            except FileExistsError:
                raise _exists(path, self._force[path] is not None) from None
            except OSError:  # no hard links here (FAT): claim the name, then rename over it
                try:
                    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
                except FileExistsError:
                    raise _exists(path, self._force[path] is not None) from None
                self.paths.append(path)  # the claim is ours: removed if anything fails
                os.replace(temp, path)
                continue
            self.paths.append(path)
        for folder in {path.parent for path in self.paths}:
            _sync_folder(folder)

    def _discard(self, placed_too: bool) -> None:
        for temp in self._temps.values():
            temp.unlink(missing_ok=True)
        if placed_too:
            for path in self.paths:
                path.unlink(missing_ok=True)
            self.paths = []


def _sync_folder(folder: Path) -> None:
    """Make the new names durable (not possible everywhere, e.g. on Windows)."""
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextmanager
def staged() -> Iterator[Staged]:
    """Files written during the block are moved into place when it ends without error; on any
    error, in the block or while moving, every file it wrote is removed."""
    out = Staged()
    try:
        yield out
        out._place()
    except BaseException:
        out._discard(placed_too=True)
        raise
    out._discard(placed_too=False)  # the temporary names of files now in place
