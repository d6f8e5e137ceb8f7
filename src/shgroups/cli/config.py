"""`shg config`: your own preferences, kept for you on this computer (not in the register,
which everyone sharing it sees alike)."""

from typing import Annotated

import typer

from shgroups import language as service
from shgroups.cli.output import Format, View, changes, formats, render
from shgroups.i18n import N_, _, speaking

app = typer.Typer(
    help=_("Your own preferences on this computer: the language."), no_args_is_help=True
)

# Where the interface language comes from, in words.
SOURCES = {
    "SHG_LANG": N_("$SHG_LANG"),
    "own": N_("your choice (shg config language)"),
    "locale": N_("the computer's locale"),
    "default": N_("the default"),
}
LANGUAGE = View(
    "config language",
    ("language", "source", "file"),
    (("language", N_("Language")), ("shown_source", N_("From")), ("file", N_("Your choice in"))),
    for_table=lambda found: {**found, "shown_source": _(SOURCES[found["source"]])},
    note="`language`: sv, nb or en; `source`: SHG_LANG, own, locale or default",
)


@app.command(
    "language",
    help=_(
        "The language shg speaks to you: $SHG_LANG, else your choice, else the computer's locale."
    ),
)
@formats
def language(
    chosen: Annotated[
        str | None,
        typer.Argument(
            metavar=_("LANGUAGE"),
            help=_("sv (svenska), nb (norsk bokmål; also no, nn) or en; left out: show it."),
            show_default=False,
        ),
    ] = None,
    clear: Annotated[
        bool, typer.Option("--clear", help=_("Forget your choice: the locale decides again."))
    ] = False,
    fmt: Format = Format.TABLE,
) -> None:
    before = service.own_choice()
    if clear or chosen is not None:
        service.choose(None if clear else chosen)
    # said in the language that applies now: a new choice answers in its own words
    with speaking(service.chosen()):
        after = service.own_choice()
        if fmt is Format.TABLE and before != after:
            changes([(N_("Your language"), before, after)])
        render(
            LANGUAGE,
            {
                "language": service.chosen(),
                "source": service.source(),
                "file": str(service.config_file()),
            },
            fmt,
        )
