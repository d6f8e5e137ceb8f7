"""The `shg` command line: parsing, one error boundary, and the command groups.

Start-up: a command group's module is imported, and its click command built, only when the
group is invoked (`LazyCommands`); `shg followups due` pays for neither `groups` nor `db`.
The command modules do not use `from __future__ import annotations`: Typer inspects every
command of a group when it builds it, and string annotations would be eval()-ed each time
(measured: about a quarter of the start-up of a `--json` command, see docs/BENCHMARKS.md).
"""

import gc

# Start-up makes some 18,000 container objects (Typer, click, shg's modules) that live until
# the process ends. The cycle collector would walk them again and again (~40 passes) while they
# are made: it is off while they load (measured: ~3 ms of a 70 ms command), and they are then
# frozen, out of its sight, so that its first pass does not walk them all once more (~3.5 ms
# more: the first pass walked every one of them, and the next generation's pass again).
gc.disable()
try:
    import importlib
    import os
    import sqlite3
    import sys
    from collections.abc import Iterator, Mapping, MutableMapping
    from copy import copy
    from functools import partial
    from pathlib import Path
    from typing import Annotated, Any

    import typer
    from typer.core import TyperGroup

    from shgroups import __version__, env
    from shgroups.cli.clickwords import speak, usage_error
    from shgroups.cli.common import state
    from shgroups.cli.hints import explain
    from shgroups.cli.output import Format, View, formats, message, render
    from shgroups.errors import ShgError
    from shgroups.i18n import _
    from shgroups.text import not_text as typed_badly
finally:
    gc.freeze()
    gc.enable()

REPORT_URL = "https://github.com/shgroups/shg/issues"

INIT = View(
    "init",
    ("db", "created", "set_aside"),
    note="`set_aside`: journal files of an earlier database, kept under new names",
)
DEMO = View(
    "demo",
    ("db", "created", "scale", "registrations", "groups", "sessions", "followups"),
    note="the counts for `--scale county` and `national`; null for the showcase",
)


# The commands that live in modules of their own, in the order `shg --help` and the README list
# them (after `init` and `demo`: commands, then groups): name -> "module:attribute", a typer.Typer
# that is the command group `name`, or that declares a command `name` (`shg purge`).
# `LazyCommands` imports the module on first use.
COMMANDS: dict[str, str] = {
    "agenda": "shgroups.cli.agenda:commands",
    "purge": "shgroups.cli.retention:commands",
    "audit": "shgroups.cli.retention:commands",
    "publish": "shgroups.cli.publish:commands",
    "report": "shgroups.cli.report:commands",
    "export": "shgroups.cli.export:commands",
    "import": "shgroups.cli.importing:commands",
    "settings": "shgroups.cli.settings:app",
    "themes": "shgroups.cli.catalogue:themes_app",
    "areas": "shgroups.cli.catalogue:areas_app",
    "staff": "shgroups.cli.catalogue:staff_app",
    "intake": "shgroups.cli.intake:app",
    "groups": "shgroups.cli.groups:app",
    "sessions": "shgroups.cli.groups:sessions_app",
    "followups": "shgroups.cli.followups:app",
    "calendar": "shgroups.cli.calendar:app",
    "person": "shgroups.cli.person:app",
    "db": "shgroups.cli.db:app",
    "config": "shgroups.cli.config:app",
}

# ctx.meta key (meta is shared by all the contexts of one command line): the command the line
# resolved to, so that the error boundary can name that command's flags.
RESOLVED = "shg.resolved_command"
TYPED = "shg.typed_args"  # the arguments that command was given
PATH = "shg.command_path"  # and how it was called: "shg intake add"


class RecordingGroup(TyperGroup):
    """A group that notes in ctx.meta the command it resolves to; the deepest one wins."""

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and not isinstance(command, TyperGroup):
            rest = in_english(command, rest)
        ctx.meta[RESOLVED] = command
        ctx.meta[PATH] = f"{ctx.command_path} {name}"
        ctx.meta[TYPED] = list(rest)  # a copy: parsing consumes the list
        return name, command, rest


def in_english(command: Any, args: list[str]) -> list[str]:
    """The command's arguments with each choice typed in Swedish or Norwegian (`--gender
    kvinna`, `--status pågår`) in its English value, before click checks it against the
    choices; a value that names none is left for click to refuse."""
    from shgroups.enums import WORDS, typed_value

    kinds: dict[str, Any] = {}  # option -> the enum its choices are
    for param in command.params:
        choices = {str(c) for c in getattr(param.type, "choices", None) or ()}
        kind = next((k for k in WORDS if choices and {m.value for m in k} <= choices), None)
        kinds |= dict.fromkeys(param.opts, kind) if kind else {}
    if not kinds:
        return args
    out: list[str] = []
    rest = iter(args)
    for arg in rest:
        if arg == "--":  # what follows is not an option
            return [*out, arg, *rest]
        name, equals, value = arg.partition("=")
        if arg in kinds:
            out += [arg, *(typed_value(kinds[arg], v) for v in [next(rest, None)] if v)]
        elif equals and name in kinds:
            out.append(f"{name}={typed_value(kinds[name], value)}")
        else:
            out.append(arg)
    return out


def build(name: str, target: str) -> Any:
    """The click command for `name` from its "module:attribute", built as `app.add_typer` and
    `app.command` would build it (through a throw-away app: Typer has no public API for one
    command group alone)."""
    module, _colon, attribute = target.partition(":")
    thing = getattr(importlib.import_module(module), attribute)
    if any(command.name == name for command in thing.registered_commands):
        return prepared(typer.main.get_group(thing).commands[name])
    holder = typer.Typer(add_completion=False)
    holder.add_typer(thing, name=name, cls=RecordingGroup)
    return prepared(typer.main.get_group(holder).commands[name])


def _argument_metavar(param: Any, ctx: Any, *, usage: bool = False) -> str:
    return f"[{param.metavar}]" if usage and not param.required else str(param.metavar)


def prepared(command: Any) -> Any:
    """`command` and its subcommands as shg shows them: in the interface language
    (`clickwords.speak`), and with each argument as a coordinator reads it — `GROUP` — where
    Typer 0.28 writes `{GROUP}` in the usage line and the value's type (`<int>`) beside it."""
    speak(command)
    for param in command.params:
        if param.param_type_name == "argument":
            param.metavar = param.metavar or (param.name or "").upper()
            param.make_metavar = partial(_argument_metavar, param)
            quiet = copy(param.type)  # a copy: the INT type is shared by every option too
            quiet.get_metavar = lambda *_args, **_kwargs: ""
            param.type = quiet
    for sub in getattr(command, "commands", {}).values():
        prepared(sub)
    return command


class LazyCommands(MutableMapping[str, Any]):
    """The root group's commands: those built by Typer (`init`, `demo`), then the `COMMANDS`,
    each built on its first look-up. Typer 0.28 has no lazy group; as the group's `commands`
    mapping this serves every use Typer makes of it: look-up, listing in help and completion
    (names only), the "Did you mean" suggestions (names only)."""

    def __init__(self, built: Mapping[str, Any], registry: Mapping[str, str]) -> None:
        self._built = dict(built)
        self._registry = registry
        self._names = [*built, *(name for name in registry if name not in built)]

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            if name not in self._registry:
                raise KeyError(name)
            # The command's module and its click command live until the process ends: built
            # with the collector off, then frozen like start-up's objects, so that a command
            # making many records (`shg agenda` of a national register) does not have it walk
            # them all again (measured: ~4 ms of `shg agenda --json`).
            gc.disable()
            try:
                self._built[name] = build(name, self._registry[name])
                gc.freeze()
            finally:
                gc.enable()
        return self._built[name]

    def __contains__(self, name: object) -> bool:  # without building it
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __setitem__(self, name: str, command: Any) -> None:
        if name not in self._names:
            self._names.append(name)
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        self._names.remove(name)
        self._built.pop(name, None)


def flag_of(command: Any, field: str | None) -> str | None:
    """How `command` types the input `field` of a failure: the first long option of its
    parameter named `field` (`date` -> `--date`, `as_of` or `as-of` -> `--as-of`), else None."""
    if command is None or not field:
        return None
    for param in command.params:
        if field in (param.name, (param.name or "").replace("_", "-")):
            return next((opt for opt in param.opts if opt.startswith("--")), None)
    return None


class ShgGroup(RecordingGroup):
    """The root: its command groups load lazily, and it is the one boundary where domain
    errors become `Error: …` on stderr and exit code 1."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for command in self.commands.values():  # init and demo, built by Typer itself
            prepared(command)
        speak(self)
        self.commands = LazyCommands(self.commands, COMMANDS)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Runs the command line; a usage error is said in shg's words (exit 2)."""
        from typer._click import exceptions

        try:
            code = super().main(*args, **{**kwargs, "standalone_mode": False})
        except exceptions.NoArgsIsHelpError:  # its help is printed already
            sys.exit(2)
        except exceptions.UsageError as exc:
            usage, error, hint = usage_error(exc, self.meta[PATH])
            if usage:
                message(usage)
            message(_("Error: {message}").format(message=error))
            message(_("Hint: {hint}").format(hint=hint))
            sys.exit(exc.exit_code)
        except exceptions.ClickException as exc:  # a file click could not open, …
            message(_("Error: {message}").format(message=exc.format_message()))
            sys.exit(exc.exit_code)
        except typer.Abort:
            message(_("Aborted."))
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # names only: completing `shg fo` builds no group

    def make_context(self, info_name: Any, args: list[str], *rest: Any, **extra: Any) -> Any:
        # Bytes that were not UTF-8 reach Python as lone surrogates; no field may hold them.
        if any(typed_badly(arg) for arg in args):
            message(_("Error: an argument holds bytes that are not text (UTF-8)"))
            message(_("Hint: type it again, or set the terminal's character encoding to UTF-8"))
            raise typer.Exit(1)
        self.meta: dict[str, Any] = {PATH: "shg"}
        ctx = super().make_context(info_name, args, *rest, **extra)
        ctx.meta.setdefault(PATH, "shg")
        self.meta = ctx.meta  # shared by every subcommand's context: what the line reached
        return ctx

    def invoke(self, ctx: Any) -> Any:
        try:
            try:
                return super().invoke(ctx)
            except sqlite3.Error as exc:  # one that no service turned into its own error
                from shgroups.storage import sqlite_error

                raise sqlite_error(exc) from None
        except ShgError as exc:
            flag = flag_of(ctx.meta.get(RESOLVED), exc.field)
            typed = any(
                arg == flag or arg.startswith(f"{flag}=") for arg in ctx.meta.get(TYPED, [])
            )
            text, hint = explain(exc, flag, typed)
            message(_("Error: {message}").format(message=text))
            if hint:
                message(_("Hint: {hint}").format(hint=hint))
            raise typer.Exit(exc.exit_code) from None
        except (typer.TyperException, typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:  # `shg … | head` stopped reading: nothing is wrong
            # What is left in stdout's buffer goes nowhere, instead of failing again at exit
            # (the recipe of Python's signal module documentation).
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
        except OSError as exc:  # a path that cannot be used: too long, a folder, no access …
            message(
                _("Error: a file could not be used: {reason}").format(
                    reason=exc.strerror or type(exc).__name__
                )
            )
            message(_("Hint: check the paths given (--db, $SHG_DB, --out) and your rights there"))
            raise typer.Exit(1) from None
        except Exception as exc:
            if env.debug():
                raise
            # No traceback and no exception text: either may hold a name or a phone number.
            message(
                _("Error: shg failed unexpectedly ({kind}); nothing was saved.").format(
                    kind=type(exc).__name__
                )
            )
            message(_("Hint: please report it at {url}").format(url=REPORT_URL))
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=ShgGroup,
    help=_("Register people waiting for self-help groups, start groups, follow them up."),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # -h as well as --help; every subcommand's context inherits it from the root's.
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"shg {__version__}\n")
        raise typer.Exit()


@app.callback()
def root(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar=_("PATH"),
            help=_("The database file (default: $SHG_DB, else the user data folder's shg.db)."),
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help=_("Show the version and exit.")
        ),
    ] = False,
) -> None:
    state["db"] = db


@app.command(help=_("Create the database with the default themes and settings."))
@formats
def init(
    county: Annotated[
        str, typer.Option(metavar=_("NAME"), help=_("The county's or region's name."))
    ] = "",
    language: Annotated[
        str,
        typer.Option(
            metavar=_("LANGUAGE"),
            help=_(
                "The county's language, sv, nb or en: the theme names, the default area, and "
                "what shg writes for others (letters)."
            ),
        ),
    ] = "sv",
    fmt: Format = Format.TABLE,
) -> None:
    from shgroups.services.maintenance import shared_storage
    from shgroups.services.setup import init as do_init

    result = do_init(state["db"], county, language)
    where = shared_storage(Path(result["db"]))
    if where:
        message(
            _(
                "Warning: {where}; SQLite is not safe there. Keep the database on this "
                "computer's own disk (`shg db check` tells more)."
            ).format(where=where)
        )
    for left_over in result.get("set_aside", []):
        message(
            _(
                "Warning: a journal file of an earlier database lay beside the new one; it was "
                "kept as {file}. It may hold that database's last changes and personal data: "
                "move it back beside that database, or delete it."
            ).format(file=left_over)
        )
    if fmt is not Format.TABLE:
        render(INIT, result, fmt)
    elif result["created"]:
        message(_("Created {db}.").format(db=result["db"]))
        message(_("Next: shg intake add --consent --name NAME --theme THEME"))
    else:
        message(_("{db} is already an shg database; nothing changed.").format(db=result["db"]))


@app.command(
    help=_("Build a demo database of made-up people in every state (never your real one).")
)
@formats
def demo(
    path: Annotated[
        str | None,
        typer.Argument(
            metavar=_("PATH"),
            help=_("Where to build the demo (default: $SHG_DEMO_DB or shg-demo.db)."),
            show_default=False,
        ),
    ] = None,
    scale: Annotated[
        str,
        typer.Option(
            metavar=_("SCALE"),
            help=_(
                "showcase (every state, small), or county or national "
                "(large registers for benchmarks)."
            ),
        ),
    ] = "showcase",
    seed: Annotated[int, typer.Option(metavar=_("N"), help=_("Seed for county and national."))] = 1,
    fmt: Format = Format.TABLE,
) -> None:
    from shgroups.dates import today
    from shgroups.services.demo import build_demo, demo_default_path

    result = build_demo(path or demo_default_path(), today(), scale, seed)
    if fmt is not Format.TABLE:
        render(DEMO, result, fmt)
    else:
        message(_("Built the demo database {db}. Try:").format(db=result["db"]))
        for command in ("groups ready", "followups due", "groups list", "intake list"):
            message(f"  shg --db {result['db']} {command}")


def main() -> None:
    try:
        app(prog_name="shg")
    finally:
        # The process ends here. Frozen objects are out of the collector's sight, so the
        # interpreter's exit does not walk them all once more (measured: ~10 ms of a 70 ms
        # command; nothing shg needs is left to a destructor: the store is closed by then).
        gc.freeze()
