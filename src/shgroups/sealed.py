"""Sealed files: what shg writes to leave the laptop (a backup, an export), encrypted with age
(https://age-encryption.org/v1, the `pyrage` package), and read back.

A file is sealed either with a passphrase (age's scrypt recipient; rage picks the work factor so
that opening takes about a second, and scrypt needs 128 MB to 1 GB of memory for it, by design)
or for age recipients (public keys `age1…`; opened with the matching secret key
`AGE-SECRET-KEY-1…`). Everything happens in memory: the plaintext is never written to disk.

For the commands that read a sealed file (`db restore`, `import`):

    head = sealed.head(path)                     # the first bytes, or b"" when unreadable
    if sealed.is_sealed(head):
        data = sealed.open_sealed(path.read_bytes(), Key(passphrase="…"), name=path)
        # or Key(identities=sealed.read_identities(key_file))

`open_sealed` raises `StorageError` (code `sealed.wrong_passphrase` or `sealed.wrong_key`) when
the key does not open the file: nothing has been read, nothing changed. The command line asks
for the key (cli/sealing.py: `opened(path, identity_file)` does all of it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from shgroups.errors import InvalidInput, StorageError
from shgroups.i18n import _

MAGIC = b"age-encryption.org/v1\n"  # every age file's first line
SUFFIX = ".age"  # appended to a sealed file's name: `shg.db-backup-….db.age`, `….xlsx.age`


@dataclass(frozen=True)
class Key:
    """How to seal or open: a passphrase, or age recipients (public keys, to seal) and
    identities (secret keys, to open)."""

    passphrase: str | None = None
    recipients: tuple[str, ...] = ()
    identities: tuple[str, ...] = ()


def is_sealed(head: bytes) -> bool:
    """Whether a file's first bytes are an age file's (binary; an armored file is not made by
    shg and is not recognised)."""
    return head.startswith(MAGIC)


def head(path: Path, size: int = 64) -> bytes:
    """A file's first bytes, or b"" when it cannot be read (the caller says why later)."""
    try:
        with open(path, "rb") as file:
            return file.read(size)
    except OSError:
        return b""


def kind(data: bytes) -> Literal["passphrase", "recipients"]:
    """How an age file was sealed: its first stanza is scrypt for a passphrase."""
    second = data[len(MAGIC) : len(MAGIC) + 12]
    return "passphrase" if second.startswith(b"-> scrypt ") else "recipients"


def sealed_name(path: Path) -> Path:
    """The name a sealed file is written under: `.age` appended, unless it is there."""
    return path if path.name.casefold().endswith(SUFFIX) else path.with_name(path.name + SUFFIX)


def check_recipients(texts: Sequence[str]) -> tuple[str, ...]:
    """Age public keys (`age1…`) as typed, each checked; a wrong one is refused by name."""
    from pyrage import x25519

    for text in texts:
        try:
            x25519.Recipient.from_str(text.strip())
        except Exception:  # pyrage raises ValueError or RecipientError
            raise InvalidInput(
                _("{key!r} is not an age public key").format(key=text),
                _("an age public key starts with age1; ask the colleague for theirs"),
                code="sealed.bad_recipient",
                field="recipient",
                key=text,
            ) from None
    return tuple(text.strip() for text in texts)


def read_identities(path: Path) -> tuple[str, ...]:
    """The age secret keys in an identity file (as `age-keygen` writes it: `#` comments and one
    `AGE-SECRET-KEY-1…` a line)."""
    from pyrage import x25519

    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    keys = tuple(
        line.strip() for line in lines if line.strip() and not line.strip().startswith("#")
    )
    try:
        for key in keys:
            x25519.Identity.from_str(key)
    except Exception:  # pyrage raises ValueError or IdentityError
        keys = ()
    if not keys:
        raise InvalidInput(
            _("{path} holds no age secret key").format(path=path),
            _("give the file age-keygen wrote, with a line AGE-SECRET-KEY-1…"),
            code="sealed.no_identity",
            field="identity",
            path=str(path),
        )
    return keys


def seal(data: bytes | IO[bytes], key: Key) -> bytes:
    """`data` (bytes, or a binary file read whole) as an age file: for `key.recipients` when
    it has any, else with `key.passphrase`. In memory: age's passphrase encryption in pyrage
    takes bytes only, so a stream is read whole first."""
    import pyrage
    from pyrage import passphrase, x25519

    plain = data if isinstance(data, bytes) else data.read()
    if key.recipients:
        return pyrage.encrypt(plain, [x25519.Recipient.from_str(r) for r in key.recipients])
    if not key.passphrase:
        raise ValueError("a key needs a passphrase or recipients")
    return passphrase.encrypt(plain, key.passphrase)


def open_sealed(data: bytes, key: Key, *, name: Path | str) -> bytes:
    """The plaintext of the age file `data` (named `name` in messages). A passphrase opens a
    file sealed with one; identities open a file sealed for their public keys. A key that does
    not open it (or a damaged, cut file) is a `StorageError`; nothing else happens."""
    import pyrage
    from pyrage import passphrase, x25519

    try:
        if kind(data) == "passphrase":
            if key.passphrase is None:
                raise StorageError(
                    _("{path} is sealed with a passphrase, not for a key").format(path=name),
                    _("give the passphrase it was sealed with"),
                    code="sealed.needs_passphrase",
                    path=str(name),
                )
            return passphrase.decrypt(data, key.passphrase)
        if not key.identities:
            raise StorageError(
                _("{path} is sealed for age keys, not with a passphrase").format(path=name),
                _("give the secret key file of one of the keys it was sealed for"),
                code="sealed.needs_identity",
                field="identity",
                path=str(name),
            )
        return pyrage.decrypt(data, [x25519.Identity.from_str(k) for k in key.identities])
    except (pyrage.DecryptError, ValueError):
        if key.identities and kind(data) == "recipients":
            raise StorageError(
                _("the key does not open {path}: nothing was changed").format(path=name),
                _(
                    "give the secret key of one of the keys it was sealed for (a damaged or "
                    "cut file cannot be opened either)"
                ),
                code="sealed.wrong_key",
                field="identity",
                path=str(name),
            ) from None
        raise StorageError(
            _("the passphrase does not open {path}: nothing was changed").format(path=name),
            _(
                "type it exactly as when the file was sealed (a damaged or cut file cannot be "
                "opened either); without the passphrase nobody can open the file"
            ),
            code="sealed.wrong_passphrase",
            path=str(name),
        ) from None
