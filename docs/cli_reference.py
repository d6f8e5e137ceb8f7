"""Generate the README's command reference from the live CLI (run through cog).

cog -r README.md        # rewrite
cog --check README.md   # what the test suite checks
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from typer.main import get_command

from shgroups.cli import app


def _commands(group: Any, path: list[str]) -> Iterator[tuple[list[str], Any]]:
    for name in group.list_commands(None):
        command = group.get_command(None, name)
        if hasattr(command, "list_commands"):
            yield from _commands(command, [*path, name])
        else:
            yield [*path, name], command


def _value(param: Any) -> str:
    """How a value is shown: the word the command gives it, or its choices."""
    if getattr(param.type, "choices", None):
        return "|".join(str(choice) for choice in param.type.choices)
    return str(param.metavar or param.name.upper())


def _usage(path: list[str], command: Any) -> str:
    parts = ["shg", *path]
    for param in command.params:
        if param.param_type_name == "argument":
            word = _value(param)
            parts.append(word if param.required else f"[{word}]")
    if any(p.param_type_name == "option" for p in command.params):
        parts.append("[OPTIONS]")
    return " ".join(parts)


def _option(param: Any) -> str:
    names = " / ".join(param.opts + param.secondary_opts)
    value = "" if param.is_flag else f" {_value(param)}"
    if param.multiple:
        value += " …"
    required = " (required)" if param.required else ""
    return f"- `{names}{value}`{required}: {param.help or ''}"


def _command_help(command: Any) -> str:
    return (command.help or "").strip().split("\n")[0]


def reference() -> str:
    root = get_command(app)
    out = [
        "Global options: "
        + ", ".join(f"`{' / '.join(p.opts)}` ({p.help})" for p in root.params if p.help),
        "",
        "`-h` / `--help` after any command shows its help.",
        "",
    ]
    for path, command in _commands(root, []):
        out += [
            f"#### `shg {' '.join(path)}`",
            "",
            _command_help(command),
            "",
            f"    {_usage(path, command)}",
            "",
        ]
        options = [
            _option(p) for p in command.params if p.param_type_name == "option" and p.name != "help"
        ]
        arguments = [
            f"- `{_value(p)}`: {getattr(p, 'help', '') or ''}"
            for p in command.params
            if p.param_type_name == "argument"
        ]
        out += arguments + options + [""]
    return "\n".join(out).rstrip() + "\n"


def commands() -> list[tuple[list[str], Any]]:
    return list(_commands(get_command(app), []))
