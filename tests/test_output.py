"""The output layer (docs/design.md §4): every declared view as a table, JSON and CSV, on the
demo register read through the services; a CSV read back holds what the JSON holds; cells a
spreadsheet would run are shown as text."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY, Run
from hypothesis import given, settings
from hypothesis import strategies as st

from shgroups.cli import catalogue as catalogue_cli
from shgroups.cli import db as db_cli
from shgroups.cli import followups as followups_cli
from shgroups.cli import groups as groups_cli
from shgroups.cli import intake as intake_cli
from shgroups.cli import output
from shgroups.cli import retention as retention_cli
from shgroups.cli import settings as settings_cli
from shgroups.cli.output import Format, View, csv_cell, render, shaped
from shgroups.services import catalogue, expiry, followups, groups, intake, maintenance, persons
from shgroups.services.readiness import ready_groups
from shgroups.services.settings import get_settings
from shgroups.storage import Store, open_db

ON = date.fromisoformat(TODAY)

# Every view that shows what is in the register, and how the services answer it.
READS: dict[str, tuple[View, Callable[[Store], Any]]] = {
    "themes": (catalogue_cli.THEMES, lambda s: catalogue.list_themes(s, True)),
    "areas": (catalogue_cli.AREAS, catalogue.list_areas),
    "staff": (catalogue_cli.STAFF, catalogue.list_staff),
    "registrations": (
        intake_cli.REGISTRATIONS,
        lambda s: intake.list_registrations(s, None, None, None),
    ),
    "registration": (intake_cli.REGISTRATION, lambda s: intake.show_registration(s, 3)),
    "stale": (intake_cli.STALE, lambda s: expiry.stale(s, ON, 400)),
    "groups": (groups_cli.GROUPS, groups.list_groups),
    "group": (groups_cli.GROUP_SHOW, lambda s: groups.show_group(s, 1)),
    "ready": (groups_cli.READY, lambda s: ready_groups(s, 5, 8, ON)),
    "due": (followups_cli.DUE, lambda s: followups.due(s, ON)),
    "audit": (retention_cli.AUDIT, lambda s: persons.list_audit(s, None, None)),
    "settings": (settings_cli.SETTINGS, get_settings),
    "info": (db_cli.INFO, maintenance.info),
    "check": (db_cli.CHECKED, maintenance.check),
}
PARAMS = {"week": "2026-W48", "min_size": 5, "which": "all", "until": "2027-12-31"}


@pytest.fixture
def register(run: Run, tmp_path: Path) -> Iterator[Store]:
    """The showcase demo (every state, built by the services), opened as a store."""
    run("demo", str(tmp_path / "demo.db"))
    store = open_db(str(tmp_path / "demo.db"))
    try:
        yield store
    finally:
        store.close()


def rendered(view: View, data: Any, fmt: Format, capsys: pytest.CaptureFixture[str]) -> str:
    render(view, data, fmt, **PARAMS)
    return capsys.readouterr().out


@pytest.mark.parametrize("name", READS)
def test_every_view_as_table_json_and_csv(
    register: Store, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    view, read = READS[name]
    data = read(register)
    assert data, "the demo has something to show"

    table = rendered(view, data, Format.TABLE, capsys)
    for _key, header in view.headers():
        assert header in table

    document = json.loads(rendered(view, data, Format.JSON, capsys))
    for record in document if view.many else [document]:
        assert list(record) == list(view.keys)  # the declared keys, in their order

    text = rendered(view, data, Format.CSV, capsys)
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")  # RFC 4180 lines
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    assert header == list(view.keys)
    assert len(rows) == (len(data) if view.many else 1)


def read_back(cell: str, like: Any) -> Any:
    """A CSV cell as the JSON value it was written from (the JSON value gives the type)."""
    if like is None or isinstance(like, str):
        return None if cell == "" else cell
    if isinstance(like, bool):
        return cell == "true"
    if isinstance(like, int):
        return int(cell)
    if isinstance(like, list) and all(not isinstance(v, dict | list) for v in like):
        parts = cell.split(";") if cell else []
        return [read_back(part, v) for part, v in zip(parts, like, strict=True)]
    return json.loads(cell)


@pytest.mark.parametrize("name", [n for n, (view, _r) in READS.items() if view.many])
def test_a_csv_read_back_equals_the_json(
    register: Store, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    view, read = READS[name]
    data = read(register)
    document = json.loads(rendered(view, data, Format.JSON, capsys))
    rows = list(csv.DictReader(io.StringIO(rendered(view, data, Format.CSV, capsys), newline="")))
    assert [
        {key: read_back(row[key], like[key]) for key in view.keys}
        for row, like in zip(rows, document, strict=True)
    ] == document


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        (
            '=HYPERLINK("http://evil.example","click")',
            '\'=HYPERLINK("http://evil.example","click")',
        ),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("-2+3", "'-2+3"),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\\x0d=1"),  # and the carriage return itself is shown, never sent
        ("+46 70 123 45 67", "+46 70 123 45 67"),  # a phone number stays one
        ("+46 (0)70-123 45 67", "+46 (0)70-123 45 67"),
        ("070-123 45 67", "070-123 45 67"),
        ("-12", "-12"),  # and a number a number
        ("+3.5", "+3.5"),
        ("Anna = Bo", "Anna = Bo"),  # only the first character matters
    ],
)
def test_csv_cells_a_spreadsheet_would_run_are_shown_as_text(cell: str, shown: str) -> None:
    assert csv_cell(cell) == shown


def test_csv_cells_of_other_values() -> None:
    assert csv_cell(None) == ""
    assert csv_cell(True) == "true"
    assert csv_cell([3, 7, 12]) == "3;7;12"
    assert csv_cell(["=1", "a"]) == "'=1;a"  # the cell as a whole is what a spreadsheet sees
    assert csv_cell(date(2026, 11, 24)) == "2026-11-24"
    assert csv_cell([{"group": 1}]) == '[{"group":1}]'


def test_a_hostile_name_in_a_csv_list(run: Run, db: Path) -> None:
    run("intake", "add", "--consent", "--name", "=HYPERLINK(1)", "--theme", "Ensamhet")
    rows = list(csv.reader(io.StringIO(run("intake", "list", "--format", "csv").stdout)))
    assert rows[1][1] == "'=HYPERLINK(1)"


def test_json_is_the_short_form_of_format_json(run: Run, db: Path) -> None:
    assert run("staff", "list", "--json").stdout == run("staff", "list", "--format", "json").stdout
    assert run("staff", "list", "--format", "xml", code=2).stderr.count("'table', 'json', 'csv'")


def test_json_keys_of_a_record_and_its_parts(register: Store) -> None:
    group = groups.show_group(register, 1)
    shown = shaped(groups_cli.GROUP_SHOW, {**group, "internal": 1})
    assert "internal" not in shown
    assert list(shown["sessions"][0]) == ["number", "date", "attended"]


def test_a_narrow_terminal_cuts_no_date_and_breaks_no_word(run: Run, db: Path) -> None:
    """Columns that never wrap keep their width; a table that cannot fit is printed wider."""
    for number in range(1, 6):
        run("intake", "add", "--consent", "--name", f"P{number}", "--theme", "Utmattning",
            "--area", "Jönköping")  # fmt: skip
    run("groups", "start", "--theme", "Utmattning", "--area", "Jönköping", "--starter", "Eva Lind")
    narrow = {"COLUMNS": "60", "TERMINAL_WIDTH": "60"}
    listed = run("groups", "list", env=narrow).stdout
    assert "Utmattning" in listed and "Jönköping" in listed and "Starter" in listed
    assert TODAY in run("intake", "list", "--status", "all", env=narrow).stdout


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.dates(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(_JSON_VALUES)
def test_json_is_the_document_the_json_module_writes(value: Any) -> None:
    """shg's JSON (written by orjson, the json module's indented writer being slow on a
    national agenda) reads back as the json module's own document, dates as ISO text; without
    numbers that are not whole it is the same text, character for character, in UTF-8, with
    DEL, C1 and lone surrogates escaped."""
    from shgroups.text import json_visible

    expected = json.dumps(value, ensure_ascii=False, indent=2, default=lambda d: d.isoformat())
    written = output.json_bytes(value)
    if "NaN" in expected or "Infinity" in expected:  # not JSON: orjson writes null
        return
    assert json.loads(written) == json.loads(expected)
    if not _has_float(value):
        assert written == json_visible(expected).encode("utf-8")


def _has_float(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_float(v) for v in value)
    return False


def test_json_with_keys_that_are_not_text() -> None:
    assert output.json_bytes({1: "a", "b": [2.5, None]}) == json.dumps(
        {1: "a", "b": [2.5, None]}, ensure_ascii=False, indent=2
    ).encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x2FF) | st.sampled_from("\x7f\x85\ud800å")))
def test_json_shows_del_c1_and_lone_surrogates_escaped(text: str) -> None:
    """The quick look for DEL and C1 (their UTF-8 bytes) finds what the expression finds."""
    from shgroups.text import _UNESCAPED_BY_JSON, json_visible, json_visible_utf8, not_text

    expected = _UNESCAPED_BY_JSON.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
    assert json_visible(text) == expected
    if not not_text(text):  # UTF-8 holds no lone surrogate
        assert json_visible_utf8(text.encode("utf-8")) == expected.encode("utf-8")
