"""Typer's and click's own words in the interface language: the help screens' headings and
usage line, the help option, and the usage errors. This is the one place that knows them.

Typer 0.28 vendors click (`typer._click`) with its sentences written in English in the code,
not looked up with gettext, and Typer's help panels read module constants of
`typer.rich_utils`. So shg translates them itself:
- each command it builds gets `speak(command)`: its usage line, `[OPTIONS]` and help option
  in the interface language, and its help screen drawn with the panel titles translated;
- a usage error reaches `usage_error` at shg's one boundary (`ShgGroup.main`), which says it
  in shg's own form (`Error: …`, `Hint: …`, exit 2): the exception's parts (the option, the
  parameter) are read from it, and the reason click wrote in English is matched against the
  sentences click is known to write (`REASONS`). A reason that is not one of them stays as
  click wrote it (tests/test_i18n.py holds every one shg can meet to a translation).
"""

import re
from functools import partial
from typing import Any

from shgroups.enums import LABELS, typed_label
from shgroups.i18n import N_, _

# typer.rich_utils constant -> its text, marked for the catalogue (set when help is drawn).
PANELS = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "DEFAULT_STRING": N_("[default: {}]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
    "DEPRECATED_STRING": N_("(deprecated) "),
}

# Help texts Typer and click give their own options, as they write them -> the text shown.
OWN_HELP = {
    "Show this message and exit.": N_("Show this message and exit."),
    "Install completion for the current shell.": N_("Install completion for the current shell."),
    "Show completion for the current shell, to copy it or customize the installation.": N_(
        "Show completion for the current shell, to copy it or customize the installation."
    ),
}

# The reasons click and Typer write into a usage error (typer._click, typer/core.py,
# typer/_types.py), and each one as shg says it; the named parts carry over.
REASONS = [
    (r"No such option: (?P<option>.+)", N_("no such option: {option}")),
    (r"No such command '(?P<name>.*)'\.", N_("no such command: {name}")),
    (
        r"No such command '(?P<name>.*)'\. Did you mean (?P<names>.*)\?",
        N_("no such command: {name} (did you mean {names}?)"),
    ),
    (r"Missing command\.", N_("a command is missing")),
    (r"Option '(?P<option>[^']*)' requires an argument\.", N_("{option} needs a value")),
    (r"Option '(?P<option>[^']*)' does not take a value\.", N_("{option} takes no value")),
    (r"Got unexpected extra argument\(s\) \((?P<words>.*)\)", N_("too many arguments: {words}")),
    (r"(?P<value>.*) is not one of (?P<choices>.*)\.", N_("{value} is not one of {choices}")),
    (r"(?P<value>.*) is not a valid int(eger)?\.", N_("{value} is not a whole number")),
    (r"(?P<value>.*) is not in the range (?P<range>.*)\.", N_("{value} is not in {range}")),
]


def speak(command: Any) -> None:
    """`command`'s own words (usage line, help option, help panels) in the interface language."""
    command.options_metavar = _("[OPTIONS]")
    if hasattr(command, "subcommand_metavar"):
        command.subcommand_metavar = _("COMMAND [ARGS]...")
    command.format_usage = partial(_format_usage, command)
    command.format_help = partial(_format_help, command)
    command.get_help_option = partial(_help_option, command.get_help_option)
    for param in command.params:
        choices = [str(choice) for choice in getattr(param.type, "choices", None) or ()]
        if param.param_type_name == "option" and any(c in LABELS for c in choices):
            param.metavar = f"<{'|'.join(typed_label(c) for c in choices)}>"
            # its default too, as a word the coordinator would type ("[default: bra]")
            param._get_default_string = partial(_default_word, param)


def _format_usage(command: Any, ctx: Any, formatter: Any) -> None:
    pieces = " ".join(command.collect_usage_pieces(ctx))
    formatter.write_usage(ctx.command_path, pieces, _("Usage: "))


def _format_help(command: Any, ctx: Any, formatter: Any) -> None:
    from typer import rich_utils

    for constant, text in PANELS.items():
        setattr(rich_utils, constant, _(text))
    for param in command.params:  # Typer adds the completion options after building the root
        if param.help in OWN_HELP:
            param.help = _(OWN_HELP[param.help])
    type(command).format_help(command, ctx, formatter)


def _default_word(param: Any, **_how: Any) -> str:
    return typed_label(str(getattr(param.default, "value", param.default)))


def _help_option(made: Any, ctx: Any) -> Any:
    option = made(ctx)
    if option is not None:
        option.help = _(OWN_HELP["Show this message and exit."])
    return option


def reason(text: str) -> str:
    """A reason click wrote in English, in the interface language (as written if unknown)."""
    for pattern, sentence in REASONS:
        found = re.fullmatch(pattern, text.strip(), re.DOTALL)
        if found:
            parts = found.groupdict()
            if "choices" in parts:  # as help offers them: the words of the interface language
                parts["choices"] = re.sub(
                    r"'([^']*)'", lambda m: repr(typed_label(m.group(1))), parts["choices"]
                )
            return _(sentence).format(**parts)
    return text


def usage_error(exc: Any, path: str) -> tuple[str, str, str]:
    """(usage line, error, hint) for a usage error, as shg says them. `path` ("shg intake
    add"): the command the line reached, for an error click raised without its context (an
    option given no value)."""
    from typer._click import exceptions

    ctx = exc.ctx
    if ctx is not None:
        path = ctx.command_path
    usage = ctx.get_usage() if ctx is not None else ""
    param: Any = getattr(exc, "param", None)
    if isinstance(exc, exceptions.MissingParameter) and param is not None:
        error = (
            _("missing argument {name}")
            if param.param_type_name == "argument"
            else _("missing option {name}")
        ).format(name=_param_name(param))
    elif isinstance(exc, exceptions.BadParameter) and param is not None:
        error = _("invalid value for {name}: {reason}").format(
            name=_param_name(param), reason=reason(exc.message)
        )
    else:
        error = reason(exc.message)
    possibilities = getattr(exc, "possibilities", None)
    if getattr(exc, "option_name", None) == "--db" and path != "shg":
        hint = _("--db goes right after shg: shg --db PATH {command} …").format(
            command=path.removeprefix("shg ")
        )
    elif exc.message.startswith("Got unexpected extra argument"):
        hint = _(
            'a value with spaces needs quotes, e.g. --date "i dag" or --phone "070-123 45 67"; '
            "`{command} -h` shows how to use it"
        ).format(command=path)
    elif possibilities:
        hint = _("did you mean {options}? `{command} -h` lists the options").format(
            options=", ".join(sorted(possibilities)), command=path
        )
    else:
        hint = _("`{command} -h` shows how to use it").format(command=path)
    return usage, error, hint


def _param_name(param: Any) -> str:
    """An option by its long name(s), an argument by its name as help shows it (GROUP)."""
    if param.param_type_name == "argument":
        return str(param.metavar or (param.name or "").upper())
    return " / ".join(param.opts)
