"""`shg report`: the yearly figures for the region, exact on a register built by hand, with
small counts suppressed so that no hidden one can be worked out from what is published."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import Run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def fig(value: Any, suppressed: bool = False) -> dict[str, Any]:
    return {"value": value, "suppressed": suppressed}


def pair(current: Any, previous: Any) -> dict[str, Any]:
    """current/previous figures: a value, or None for a suppressed one."""
    return {
        "current": fig(current, current is None),
        "previous": fig(previous, previous is None),
    }


def add(run: Run, theme: str, area: str, day: str, *extra: str) -> int:
    out = run(
        "intake", "add", "--consent", "--name", f"P {day} {len(extra)}", "--theme", theme,
        "--area", area, "--date", day, "--force", "--json", *extra,
    )  # fmt: skip
    return int(json.loads(out.stdout)["id"])


@pytest.fixture
def register(run: Run, db: Path) -> dict[str, Any]:
    """A county with known figures for 2025 (and 2024), min_cell 3."""
    run("settings", "set", "min_cell", "3")
    # 2024: four people wait for Stress och oro in Huskvarna, and still do
    waiting = [add(run, "Stress och oro", "Huskvarna", "2024-05-01") for _i in range(4)]
    # 2025: six people, four women, registered 10–15 January; a group starts 1 March
    people = []
    for i in range(6):
        people.append(
            add(
                run, "Utmattning", "Jönköping", f"2025-01-{10 + i}",
                "--gender", "woman" if i < 4 else "man",
                "--birth-year", "1990" if i % 2 else "1970",
                "--source", "vården",
            )
        )  # fmt: skip
    group = json.loads(
        run(
            "groups", "start", "--theme", "Utmattning", "--area", "Jönköping", "--members",
            ",".join(map(str, people)), "--date", "2025-03-01", "--json",
        ).stdout
    )["id"]  # fmt: skip
    for day in ("2025-03-01", "2025-03-08", "2025-03-15", "2025-03-22"):
        run("sessions", "add", str(group), "--date", day)
    # due 2025-05-03 (on time); due 06-14, done 17 days late; due 08-12, done 2 days early
    for day in ("2025-05-03", "2025-07-01", "2025-08-10"):
        run("followups", "add", str(group), "--outcome", "ok", "--date", day)
    referred = [add(run, "Utmattning", "Jönköping", "2025-06-01") for _i in range(2)]
    for reg in referred:
        run("intake", "refer", str(reg), "--date", "2025-06-05")
    withdrawn = [add(run, "Utmattning", "Jönköping", "2025-07-01") for _i in range(3)]
    for reg in withdrawn:
        run("intake", "withdraw", str(reg), "--date", "2025-08-01")
    return {"waiting": waiting, "people": people, "group": group}


def report(run: Run, *args: str) -> dict[str, Any]:
    return dict(json.loads(run("report", "--json", *args).stdout))


def test_report_of_a_register_built_by_hand(run: Run, register: dict[str, Any]) -> None:
    doc = report(run)  # the last full year before today (2026-11-24): 2025
    assert doc["county"] == "Testlän" and doc["language"] == "sv" and doc["min_cell"] == 3
    assert doc["period"] == {"from": "2025-01-01", "to": "2025-12-31"}
    assert doc["previous_period"] == {"from": "2024-01-01", "to": "2024-12-31"}
    reg = doc["registrations"]
    assert reg["total"] == pair(11, 4)
    months = {row["key"]: row for row in reg["by_month"]["rows"]}
    assert list(months) == [f"2025-{m:02d}-01" for m in range(1, 13)]
    assert months["2025-01-01"]["current"] == fig(6)
    # June's 2 is below min_cell; July's 3, the next smallest, is hidden with it, or the
    # published total (11) would give June away
    assert months["2025-06-01"]["current"] == fig(None, True)
    assert months["2025-07-01"]["current"] == fig(None, True)
    assert months["2025-05-01"]["previous"] == fig(4)
    assert reg["by_month"]["total"] == pair(11, 4)
    assert reg["by_source"]["rows"][0] == {"key": "vården", **pair(6, 0)}
    assert reg["by_source"]["rows"][-1] == {"key": "unknown", **pair(5, 4)}
    assert reg["by_theme"] == {
        "rows": [{"key": "Stress och oro", **pair(0, 4)}, {"key": "Utmattning", **pair(11, 0)}],
        "total": pair(11, 4),
    }
    assert [row["key"] for row in reg["by_area"]["rows"]] == ["Huskvarna", "Jönköping"]

    waiting = doc["waiting"]
    assert waiting["at_end"] == pair(4, 4)
    # 4 waiting: a median (one person's own wait) needs twice min_cell values
    assert waiting["days_waited_median"] == pair(None, None)
    assert waiting["placed"] == pair(6, 0)
    assert waiting["days_to_placement_median"] == pair(47.5, None)  # 45 … 50 days
    assert waiting["days_to_placement_p90"] == pair(None, None)  # needs 10 × min_cell

    groups = doc["groups"]  # one group: every count of it is below min_cell
    assert groups["started"] == pair(None, 0)
    assert groups["running_at_end"] == pair(None, 0)
    assert groups["ended"] == pair(0, 0)
    assert groups["most_running"] == pair(None, 0)
    assert groups["average_running"] == pair(None, None)
    assert doc["survival"]["six_months_groups"] == pair(None, 0)
    assert doc["survival"]["six_months_share"] == pair(None, None)
    assert doc["survival"]["days_to_end_median"] == pair(None, None)

    part = doc["participants"]
    assert part["total"] == pair(6, 0)
    # four women and two men: "67 %" of six would tell that two are men, below min_cell
    assert part["women_share"] == pair(None, None)
    ages = {row["key"]: row for row in part["by_age"]["rows"]}
    assert list(ages) == ["-29", "30-44", "45-64", "65-", "unknown"]
    assert ages["30-44"]["current"] == fig(3) and ages["45-64"]["current"] == fig(3)
    assert part["by_theme"]["rows"] == [{"key": "Utmattning", **pair(6, 0)}]
    assert part["by_area"]["rows"] == [{"key": "Jönköping", **pair(6, 0)}]

    assert doc["outcomes"] == {"referred": pair(None, 0), "withdrawn": pair(3, 0)}
    assert doc["sessions"] == {"planned": pair(4, 0), "held": pair(4, 0)}
    # two of three on time would tell the one that was late
    assert doc["followups"] == {"done": pair(3, 0), "on_time_share": pair(None, None)}


def test_a_period_and_the_one_before(run: Run, register: dict[str, Any]) -> None:
    doc = report(run, "--from", "2025-01-01", "--to", "2025-03-31")
    assert doc["previous_period"] == {"from": "2024-10-03", "to": "2024-12-31"}  # 90 days
    assert doc["registrations"]["total"] == pair(6, 0)
    assert [r["key"] for r in doc["registrations"]["by_month"]["rows"]] == [
        "2025-01-01", "2025-02-01", "2025-03-01",
    ]  # fmt: skip
    assert doc["waiting"]["at_end"] == pair(4, 4)


def test_erasure_and_purge_change_no_figure(run: Run, register: dict[str, Any]) -> None:
    before = report(run)
    earlier = report(run, "--year", "2024")
    run("person", "erase", str(register["people"][0]), "--yes")
    run("person", "erase", str(register["waiting"][0]), "--yes")
    run("purge", "--yes")
    assert report(run) == before
    assert report(run, "--year", "2024") == earlier


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--year", "2026"), "not over yet"),
        (("--year", "1900"), "outside the years"),
        (("--year", "2025", "--from", "2025-01-01", "--to", "2025-02-01"), "not both"),
        (("--from", "2025-01-01"), "both its first and its last day"),
        (("--to", "2025-01-01"), "both its first and its last day"),
        (("--from", "2025-05-01", "--to", "2025-04-01"), "before it begins"),
        (("--from", "2026-11-01", "--to", "2026-11-25"), "after today"),
        (("--from", "2025-13-01", "--to", "2025-12-31"), "not a valid date"),
    ],
)
def test_a_bad_period_is_refused(run: Run, db: Path, args: tuple[str, ...], said: str) -> None:
    result = run("report", *args, code=1)
    assert said in result.stderr and "Error: " in result.stderr and "Hint: " in result.stderr
    assert result.stdout == ""


def test_tables_in_the_county_language(run: Run, register: dict[str, Any]) -> None:
    swedish = run("report").stdout  # the interface speaks English, the county Swedish
    assert "Inkomna anmälningar" in swedish and "januari" in swedish and "<3" in swedish
    assert "\njanuari 2025" not in swedish  # a month of each year, side by side: "januari"
    assert "färre än 3" in swedish
    assert "47,5" in swedish  # the median days to a group, in Swedish notation
    run("settings", "set", "language", "en")
    english = run("report").stdout
    assert "Registrations received" in english and "January" in english
    assert "fewer than 3" in english


def test_csv_one_row_per_figure(run: Run, register: dict[str, Any]) -> None:
    lines = run("report", "--format", "csv").stdout.splitlines()
    assert lines[0] == "section,table,key,period,value,suppressed"
    assert "registrations,total,,current,11,false" in lines
    assert "registrations,by_month,2025-06-01,current,,true" in lines
    assert "outcomes,referred,,current,,true" in lines


def test_out_writes_a_private_file_never_over_another(run: Run, register: dict[str, Any]) -> None:
    out = Path("report.json")
    run("report", "--json", "--out", str(out))
    assert json.loads(out.read_text())["registrations"]["total"]["current"]["value"] == 11
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    refused = run("report", "--json", "--out", str(out), code=1)
    assert "already exists" in refused.stderr
    run("report", "--format", "csv", "--out", str(out), "--force")
    assert out.read_text().startswith("section,")
    actions = [a["action"] for a in json.loads(run("audit", "--json").stdout)]
    assert actions.count("report.write") == 2


# --- no hidden cell can be worked out --------------------------------------------------------


def hidden_cells_determined(table: dict[str, Any]) -> list[tuple[str, str]]:
    """The suppressed cells whose value follows from the published figures of the table:
    in each column, the hidden cells sum to the published total minus the published cells.
    With k ≥ 2 unknowns ≥ 0 and that sum S > 0, each can be anything from 0 to S; with one
    unknown, or a sum of 0, each is known."""
    found = []
    for period in ("current", "previous"):
        total = table["total"][period]
        if total["suppressed"]:
            continue
        hidden = [row["key"] for row in table["rows"] if row[period]["suppressed"]]
        rest = total["value"] - sum(
            row[period]["value"] for row in table["rows"] if not row[period]["suppressed"]
        )
        if len(hidden) == 1 or (hidden and rest == 0):
            found += [(period, key) for key in hidden]
    return found


THEMES = ["Utmattning", "Stress och oro", "Ensamhet"]
AREAS = ["Jönköping", "Huskvarna"]
SOURCES = ["vården", "1177", "vän", None]

registration = st.tuples(
    st.integers(0, 729),  # days after 2024-01-01: in 2024 or 2025
    st.sampled_from(THEMES),
    st.sampled_from(AREAS),
    st.sampled_from(SOURCES),
    st.sampled_from(["woman", "man", None]),
    st.one_of(st.none(), st.integers(1930, 2005)),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(regs=st.lists(registration, max_size=40), min_cell=st.integers(3, 6))
def test_no_suppressed_cell_is_determined(
    environment: Path, regs: list[tuple[Any, ...]], min_cell: int
) -> None:
    from shgroups.services import report as service
    from shgroups.services.intake import add_registration
    from shgroups.services.settings import set_setting
    from shgroups.services.setup import init
    from shgroups.storage import open_db

    today = date(2026, 11, 24)
    with tempfile.TemporaryDirectory(dir=environment.parent) as folder:
        path = os.path.join(folder, "r.db")
        init(path, "Testlän")
        store = open_db(path)
        try:
            set_setting(store, "min_cell", str(min_cell))
            for i, (days, theme, area, source, gender, born) in enumerate(regs):
                person = {"name": f"P{i}", "source": source, "gender": gender, "birth_year": born}
                add_registration(
                    store, person=person, theme=theme, area=area, also_themes=[],
                    also_areas=[], on=date(2024, 1, 1) + timedelta(days=days), today=today,
                    consent=True, force=True, new_area=True,
                )  # fmt: skip
            current, previous = service.periods(today, 2025)
            doc = service.report(store, today, current, previous)
        finally:
            store.close()
    tables = [
        (section, name, value)
        for section in ("registrations", "participants")
        for name, value in doc[section].items()
        if isinstance(value, dict) and "rows" in value
    ]
    for section, name, table in tables:
        assert hidden_cells_determined(table) == [], (section, name, table)
        for row in table["rows"]:
            for period in ("current", "previous"):
                figure = row[period]
                assert figure["suppressed"] == (figure["value"] is None)
                assert figure["suppressed"] or not 0 < figure["value"] < min_cell
        # a table's total is the section's own total: hidden in both or in neither
        assert table["total"] == doc[section]["total"], (section, name)


@pytest.mark.parametrize(
    ("part", "base", "shown"),
    [
        (2, 5, None),
        (3, 5, None),
        (5, 10, 0.5),
        (0, 7, 0.0),
        (7, 7, 1.0),
        (6, 11, 0.545),
        (0, 0, None),
    ],
)
def test_a_share_never_tells_a_small_count(part: int, base: int, shown: float | None) -> None:
    from shgroups.services.report import _share

    assert _share(part, base, 5) == (shown, base)
