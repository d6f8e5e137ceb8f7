"""The `shg` command line: parsing, one error boundary, and the command groups.

The command modules do not use `from __future__ import annotations`: Typer inspects every
command at each start, and string annotations would be eval()-ed each time (measured: about
a quarter of the start-up of a `--json` command, see docs/BENCHMARKS.md).
"""

import os
import sqlite3
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from shgroups import __version__
from shgroups.cli import catalogue, db, followups, groups, intake, person, settings
from shgroups.cli.common import JsonOpt, state
from shgroups.cli.output import message, print_json
from shgroups.errors import ShgError
from shgroups.i18n import _
from shgroups.text import not_text as typed_badly

REPORT_URL = "https://github.com/shgroups/shg/issues"


class ShgGroup(TyperGroup):
    """The one boundary where domain errors become `Error: …` on stderr and exit code 1."""

    def make_context(self, info_name: Any, args: list[str], *rest: Any, **extra: Any) -> Any:
        # Bytes that were not UTF-8 reach Python as lone surrogates; no field may hold them.
        if any(typed_badly(arg) for arg in args):
            message(_("Error: an argument holds bytes that are not text (UTF-8)"))
            message(_("Hint: type it again, or set the terminal's character encoding to UTF-8"))
            raise typer.Exit(1)
        return super().make_context(info_name, args, *rest, **extra)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ShgError as exc:
            message(_("Error: {message}").format(message=exc.message))
            if exc.hint:
                message(_("Hint: {hint}").format(hint=exc.hint))
            raise typer.Exit(exc.exit_code) from None
        except sqlite3.Error as exc:
            message(
                _("Error: the database could not be used ({kind}).").format(kind=type(exc).__name__)
            )
            message(
                _(
                    "Hint: check that --db or $SHG_DB points at your shg database, "
                    "or restore a backup"
                )
            )
            raise typer.Exit(1) from None
        except (typer.TyperException, typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except OSError as exc:  # a path that cannot be used: too long, a folder, no access …
            message(
                _("Error: a file could not be used: {reason}").format(
                    reason=exc.strerror or type(exc).__name__
                )
            )
            message(_("Hint: check the paths given (--db, $SHG_DB, --out) and your rights there"))
            raise typer.Exit(1) from None
        except Exception as exc:
            if os.environ.get("SHG_DEBUG"):
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
    add_completion=False,
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


@app.command()
def init(
    county: Annotated[str, typer.Option(help=_("The county's or region's name."))] = "",
    language: Annotated[
        str, typer.Option(help=_("Language of the theme catalogue: sv, nb or en."))
    ] = "sv",
    as_json: JsonOpt = False,
) -> None:
    """Create the database with the default themes and settings."""
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
    if as_json:
        print_json(result)
    elif result["created"]:
        message(_("Created {db}.").format(db=result["db"]))
        message(_("Next: shg intake add --consent --name NAME --theme THEME"))
    else:
        message(_("{db} is already an shg database; nothing changed.").format(db=result["db"]))


@app.command()
def demo(
    path: Annotated[
        str | None,
        typer.Argument(
            help=_("Where to build the demo (default: $SHG_DEMO_DB or shg-demo.db)."),
            show_default=False,
        ),
    ] = None,
    scale: Annotated[
        str,
        typer.Option(
            help=_(
                "showcase (every state, small), or county or national "
                "(large registers for benchmarks)."
            )
        ),
    ] = "showcase",
    seed: Annotated[int, typer.Option(help=_("Seed for county and national."))] = 1,
    as_json: JsonOpt = False,
) -> None:
    """Build a demo database of made-up people in every state (never your real one)."""
    from shgroups.dates import today
    from shgroups.services.setup import build_demo, demo_default_path

    result = build_demo(path or demo_default_path(), today(), scale, seed)
    if as_json:
        print_json(result)
    else:
        message(_("Built the demo database {db}. Try:").format(db=result["db"]))
        for command in ("groups ready", "followups due", "groups list", "intake list"):
            message(f"  shg --db {result['db']} {command}")


app.add_typer(settings.app, name="settings")
app.add_typer(catalogue.themes_app, name="themes")
app.add_typer(catalogue.areas_app, name="areas")
app.add_typer(catalogue.staff_app, name="staff")
app.add_typer(intake.app, name="intake")
app.add_typer(groups.app, name="groups")
app.add_typer(groups.sessions_app, name="sessions")
app.add_typer(followups.app, name="followups")
app.add_typer(person.app, name="person")
app.command("purge")(person.purge)
app.command("audit")(person.audit)
app.add_typer(db.app, name="db")


def main() -> None:
    app(prog_name="shg")
