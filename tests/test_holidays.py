"""Days off of a county: weekends, the country's public holidays (from the `holidays`
package), Sweden's de-facto days off, and klämdagar when the county counts them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from shgroups.services.holidays import days_off, next_working_day

SWEDEN = {"country": "SE", "language": "sv", "klamdag": "off"}
NORWAY = {"country": "NO", "language": "nb", "klamdag": "off"}
YEAR_2026 = (date(2026, 1, 1), date(2026, 12, 31))


def test_swedish_days_off_include_the_de_facto_days_and_no_sundays() -> None:
    off = days_off(SWEDEN, *YEAR_2026)
    assert off[date(2026, 6, 19)] == "Midsommarafton"
    assert off[date(2026, 6, 20)] == "Midsommardagen"
    assert off[date(2026, 12, 24)] == "Julafton"
    assert off[date(2026, 12, 31)] == "Nyårsafton"
    assert off[date(2026, 5, 14)].startswith("Kristi himmelsfärd")
    # An ordinary Sunday is off as a weekend day, not as a named holiday ("Söndag").
    assert date(2026, 3, 8) not in off
    assert not any(name.casefold() == "söndag" for name in off.values())


def test_names_in_english_for_an_english_speaking_county() -> None:
    off = days_off({**SWEDEN, "language": "en"}, *YEAR_2026)
    assert off[date(2026, 6, 19)] == "Midsummer Eve"


def test_norwegian_days_off() -> None:
    off = days_off(NORWAY, *YEAR_2026)
    assert date(2026, 5, 17) in off  # 17. mai
    assert off[date(2026, 5, 14)] == "Kristi himmelfartsdag"
    assert date(2026, 6, 19) not in off  # no midsommarafton in Norway
    assert days_off("NO", *YEAR_2026) == off


def test_klamdag_only_when_the_county_says_so() -> None:
    friday = date(2026, 5, 15)  # between Kristi himmelsfärd and the weekend
    assert friday not in days_off(SWEDEN, friday, friday)
    assert next_working_day(date(2026, 5, 14), SWEDEN) == friday
    with_klamdag = {**SWEDEN, "klamdag": "on"}
    assert days_off(with_klamdag, friday, friday) == {friday: "klämdag"}
    assert next_working_day(date(2026, 5, 14), with_klamdag) == date(2026, 5, 18)
    # An ordinary Friday is no klämdag.
    assert days_off(with_klamdag, date(2026, 5, 8), date(2026, 5, 8)) == {}


def test_next_working_day() -> None:
    assert next_working_day(date(2026, 6, 19), SWEDEN) == date(2026, 6, 22)
    assert next_working_day(date(2026, 6, 19), NORWAY) == date(2026, 6, 19)
    assert next_working_day(date(2026, 12, 24), "SE") == date(2026, 12, 28)
    assert next_working_day(date(2026, 11, 17), "SE") == date(2026, 11, 17)


def test_a_year_asked_once_is_read_from_the_cache_after(tmp_path: Path) -> None:
    """The package is asked once per year and country; the next command reads the cache."""
    from shgroups.services import holidays as service

    first = service.days_off("SE", date(2026, 6, 1), date(2026, 6, 30))
    (cached,) = (tmp_path / "cache" / "shg").glob("holidays-SE-sv-2026-*.json")
    assert cached.stat().st_mode & 0o777 == 0o600
    assert "Midsommarafton" in cached.read_text("utf-8")
    cached.write_text(cached.read_text("utf-8").replace("Midsommarafton", "Midsommar (cache)"))
    assert service.days_off("SE", date(2026, 6, 1), date(2026, 6, 30))[date(2026, 6, 19)] == (
        "Midsommar (cache)"
    )
    assert first[date(2026, 6, 19)] == "Midsommarafton"
