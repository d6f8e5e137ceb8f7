"""The project keeps its promises: docs match the CLI, the wheel ships data/, lint is clean,
CI runs the README's test command, and `--json` never loads rich."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def readme_block(heading: str) -> str:
    text = (ROOT / "README.md").read_text("utf-8")
    section = text.split(f"## {heading}\n", 1)[1]
    return re.search(r"```sh\n(.+?)\n```", section, re.S).group(1)  # type: ignore[union-attr]


def test_readme_reference_matches_the_cli() -> None:
    from cogapp import Cog

    cog = Cog()
    cog.options.check = True  # fail, don't rewrite
    cog.options.verbosity = 0
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        assert cog.main(["cog", "--check", "README.md"]) == 0, "run: cog -r README.md"


def test_every_command_has_help_and_is_in_the_readme() -> None:
    sys.path.insert(0, str(ROOT / "docs"))
    import cli_reference

    readme = (ROOT / "README.md").read_text("utf-8")
    for path, command in cli_reference.commands():
        assert command.help, path
        assert f"#### `shg {' '.join(path)}`" in readme
        for param in command.params:
            assert param.name == "help" or getattr(param, "help", None), (path, param.name)


def test_ci_runs_the_readme_test_command() -> None:
    assert readme_block("Running the tests") in (ROOT / ".ci" / "run").read_text("utf-8")


def test_wheel_ships_the_theme_catalogue_and_the_translations(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "shgroups/data/themes.json" in names
    assert "shgroups/cli/__init__.py" in names
    # the translations, compiled by the build hook: a fresh `pip install .` speaks Swedish
    for language in ("sv", "nb"):
        assert f"shgroups/locale/{language}/LC_MESSAGES/shg.mo" in names


def test_lint_and_types() -> None:
    for tool in ("ruff", "mypy"):
        if shutil.which(tool, path=str(Path(sys.executable).parent)) is None:
            pytest.fail(f"{tool} is missing: install with pip install '.[test]'")
    ruff = Path(sys.executable).parent / "ruff"
    mypy = Path(sys.executable).parent / "mypy"
    for command in (
        [ruff, "check", "src", "tests", "docs", "bench", "tools", "hatch_build.py"],
        [ruff, "format", "--check", "src", "tests", "docs", "bench", "tools", "hatch_build.py"],
        [mypy],
    ):
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr


HEAVY = ("rich", "pydantic", "sqlite_utils", "stdnum", "dateutil")


@pytest.mark.parametrize(
    "argv",
    [
        ["followups", "due", "--json"],
        ["groups", "ready", "--json"],
        ["intake", "list", "--json", "--status", "waiting"],
        ["intake", "add", "--consent", "--name", "Anna", "--theme", "Ensamhet", "--json"],
    ],
)
def test_hot_commands_load_no_heavy_modules(db: Path, argv: list[str]) -> None:
    """The commands a coordinator runs most never pay for rich, pydantic & co."""
    code = (
        "import sys\n"
        "heavy = set(sys.argv[1].split(','))\n"
        "from shgroups.cli import main\n"
        f"sys.argv = ['shg', *{argv!r}]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & heavy), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, ",".join(HEAVY)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    json.loads(result.stdout)
    assert result.stderr.strip().splitlines()[-1] == "[]"
