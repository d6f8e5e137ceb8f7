"""The command line's side of sealed files (shgroups/sealed.py): the options `--encrypt`,
`--recipient` and `--identity`, and the passphrase, from $SHG_PASSPHRASE (scripts, tests) or
asked at the terminal without echo (twice when sealing)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from shgroups import env, sealed
from shgroups.errors import InvalidInput, StorageError
from shgroups.i18n import _

EncryptOpt = Annotated[
    bool,
    typer.Option(
        "--encrypt",
        help=_(
            "Seal the file with age: a passphrase asked twice ($SHG_PASSPHRASE for scripts), "
            "or for --recipient keys. `.age` is added to its name."
        ),
    ),
]
RecipientOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--recipient",
        metavar=_("KEY"),
        help=_(
            "Seal it for this age public key (age1…) instead of a passphrase; repeat for "
            "several. Implies --encrypt."
        ),
        show_default=False,
    ),
]
IdentityOpt = Annotated[
    Path | None,
    typer.Option(
        "--identity",
        metavar=_("FILE"),
        help=_("The age secret key file that opens a file sealed for a --recipient key."),
        show_default=False,
    ),
]


def _terminal() -> bool:
    return sys.stdin.isatty()


def _no_passphrase(sealing: bool) -> InvalidInput:
    return InvalidInput(
        _("no passphrase: nobody is at a terminal to type it"),
        _(
            "run it at a terminal, or set SHG_PASSPHRASE for a script, or seal it for a key "
            "with --recipient"
        )
        if sealing
        else _("run it at a terminal, or set SHG_PASSPHRASE for a script"),
        code="sealed.no_passphrase",
    )


def _ask(prompt: str) -> str:
    import getpass

    try:
        return getpass.getpass(prompt)
    except (EOFError, KeyboardInterrupt):
        raise StorageError(
            _("no passphrase was given: nothing was changed"), "", code="sealed.no_passphrase"
        ) from None


def new_key(encrypt: bool, recipients: list[str] | None) -> sealed.Key | None:
    """How to seal what the command writes, or None (not asked to)."""
    if recipients:
        return sealed.Key(recipients=sealed.check_recipients(recipients))
    if not encrypt:
        return None
    given = env.passphrase()
    if given is not None:
        return sealed.Key(passphrase=given)
    if not _terminal():
        raise _no_passphrase(True)
    first = _ask(_("Passphrase for the sealed file: "))
    if not first:
        raise InvalidInput(
            _("the passphrase is empty: nothing was written"),
            _("type a passphrase; a few unrelated words are easy to remember and hard to guess"),
            code="sealed.empty_passphrase",
        )
    if _ask(_("The same passphrase again: ")) != first:
        raise InvalidInput(
            _("the two passphrases differ: nothing was written"),
            _("run the command again and type the same passphrase twice"),
            code="sealed.passphrases_differ",
        )
    return sealed.Key(passphrase=first)


def opened(path: Path, identity: Path | None) -> bytes | None:
    """The plaintext of the sealed file `path`, opened in memory with the key its kind needs
    (--identity, $SHG_PASSPHRASE, or a passphrase asked once); None when `path` is not sealed
    (it is read as it is)."""
    if not sealed.is_sealed(sealed.head(path)):
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StorageError(
            _("{path} could not be read ({reason})").format(path=path, reason=exc.strerror),
            _("check the file's name and that you may read it"),
            code="sealed.unreadable",
            path=str(path),
        ) from None
    if sealed.kind(data) == "recipients":
        keys = sealed.read_identities(identity) if identity is not None else ()
        return sealed.open_sealed(data, sealed.Key(identities=keys), name=path)
    given = env.passphrase()
    if given is None:
        if not _terminal():
            raise _no_passphrase(False)
        given = _ask(_("Passphrase for {path}: ").format(path=path))
    return sealed.open_sealed(data, sealed.Key(passphrase=given), name=path)


def said_sealed(key: sealed.Key | None, audited: bool) -> None:
    """What a coordinator must know about the sealed file just written."""
    from shgroups.cli.output import message

    if key is not None and key.recipients:
        message(_("It is sealed for the given keys: only their secret keys open it."))
    else:
        message(
            _(
                "It is sealed with your passphrase: without it nobody can open the file, not "
                "even shg. Keep the passphrase apart from the file."
            )
        )
    if not audited:
        message(
            _(
                "Warning: this could not be recorded in the audit, because the database file "
                "is read-only. Note it yourself; `shg audit` will not show it."
            )
        )
