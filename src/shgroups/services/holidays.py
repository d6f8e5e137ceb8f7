"""Which days a county is off: weekends, the public holidays of its country (SE, NO), Sweden's
de-facto days off (midsommarafton, julafton, nyårsafton) and, when the county's `klamdag`
setting is on, every klämdag (a single working day between a holiday and a weekend).

The dates come from the `holidays` package, never from a table of our own; it is imported only
when a day off is first asked for (start-up time: ruff's banned module-level imports).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from shgroups.i18n import _, speaking
from shgroups.language import cache_folder
from shgroups.storage import SQL_FUNCTIONS, Store

# The names of the holidays in the county's language, as the `holidays` package spells the
# languages: Norwegian bokmål is "no" there. A county whose language the country's class does
# not speak (a Swedish county writing Norwegian) reads the country's own names.
_PACKAGE_LANGUAGE = {"sv": "sv", "nb": "no", "en": "en_US"}
_COUNTRY_LANGUAGE = {"SE": "sv", "NO": "no"}
SATURDAY = 5


def _year_holidays(country: str, language: str, year: int) -> dict[date, str]:
    """The holidays of `country` in `year` named in `language` (the package's code): from the
    user's cache when an earlier command asked the package for that year, else from the
    package (whose import loads every country it knows: some 50 ms that `shg followups due`
    should not pay each Monday), then kept in the cache."""
    path = _cache_file(country, language, year)
    try:
        return {date.fromisoformat(d): n for d, n in json.loads(path.read_text("utf-8")).items()}
    except (OSError, ValueError, AttributeError):
        pass
    found = _from_package(country, language, year)
    _keep(path, {d.isoformat(): n for d, n in found.items()})
    return found


def _cache_file(country: str, language: str, year: int) -> Path:
    """The cache file of one year's holidays, named for the installed package too (a new
    version of it may know a day better)."""
    import importlib.util

    spec = importlib.util.find_spec("holidays")  # finds it without importing it
    origin = spec.origin if spec and spec.origin else ""
    stamp = os.stat(origin).st_mtime_ns if origin else 0
    return cache_folder() / f"holidays-{country}-{language}-{year}-{stamp}.json"


def _keep(path: Path, days: dict[str, str]) -> None:
    """Write the cache file, private, under a temporary name moved into place; a cache that
    cannot be written is simply not kept."""
    temp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(days, out, ensure_ascii=False)
        os.replace(temp, path)
    except OSError:
        temp.unlink(missing_ok=True)


def _from_package(country: str, language: str, year: int) -> dict[date, str]:
    from holidays.constants import DE_FACTO, PUBLIC
    from holidays.countries.norway import Norway
    from holidays.countries.sweden import Sweden

    if country == "NO":
        # Norway's class counts no Sundays unless told to; said anyway, as for Sweden.
        days: Mapping[date, str] = Norway(years=year, language=language, include_sundays=False)
    else:
        # Before 0.109 Sweden's class counted every Sunday as a holiday ("Söndag") unless
        # `include_sundays=False`. Since 0.88 the de-facto days off midsommarafton, julafton and
        # nyårsafton are the package's DE_FACTO category (not public holidays by law, days off
        # by the vacation law and in practice): asked for here, not added by hand.
        days = Sweden(
            years=year,
            language=language,
            include_sundays=False,
            categories=(PUBLIC, DE_FACTO),
        )
    return dict(days)


class CountyCalendar:
    """The days off of one county; each year is asked of the package once."""

    def __init__(self, country: str, language: str = "sv", klamdag: bool = False) -> None:
        self.country = country if country in _COUNTRY_LANGUAGE else "SE"
        self.language = language
        spoken = _PACKAGE_LANGUAGE.get(language, "")
        own = _COUNTRY_LANGUAGE[self.country]
        self._package_language = spoken if spoken in ("en_US", own) else own
        self.klamdag = klamdag
        self._years: dict[int, dict[date, str]] = {}
        self._moved: dict[str, str] = {}

    def _holidays(self, year: int) -> dict[date, str]:
        if year not in self._years:
            self._years[year] = _year_holidays(self.country, self._package_language, year)
        return self._years[year]

    def holiday(self, day: date) -> str | None:
        """The name of the public or de-facto holiday on `day`, or None."""
        return self._holidays(day.year).get(day)

    def _off_without_klamdag(self, day: date) -> bool:
        return day.weekday() >= SATURDAY or self.holiday(day) is not None

    def is_klamdag(self, day: date) -> bool:
        """A working weekday between two days off, at least one of them a holiday (not only a
        weekend): the Friday after Kristi himmelsfärd, the Monday before a Tuesday holiday."""
        if day.weekday() >= SATURDAY or self.holiday(day) is not None:
            return False
        before, after = day - timedelta(days=1), day + timedelta(days=1)
        return (
            self._off_without_klamdag(before)
            and self._off_without_klamdag(after)
            and (self.holiday(before) is not None or self.holiday(after) is not None)
        )

    def name(self, day: date) -> str | None:
        """Why `day` is off, in the county's language; None for a working day or a plain
        weekend day."""
        named = self.holiday(day)
        if named is None and self.klamdag and self.is_klamdag(day):
            with speaking(self.language):
                named = _("bridge day")
        return named

    def is_off(self, day: date) -> bool:
        return day.weekday() >= SATURDAY or self.name(day) is not None

    def next_working_day(self, day: date) -> date:
        """`day` itself if the county works then, else the first working day after it."""
        while self.is_off(day):
            day += timedelta(days=1)
        return day

    def working_day_iso(self, day: str | None) -> str | None:
        """next_working_day for SQL (`working_day(...)`): an ISO date in, an ISO date out."""
        if day is None:
            return None
        moved = self._moved.get(day)
        if moved is None:
            moved = self._moved[day] = self.next_working_day(date.fromisoformat(day)).isoformat()
        return moved

    def days_off(self, start: date, end: date) -> dict[date, str]:
        """The named days off from `start` to `end` (both included): holidays, de-facto days
        and klämdagar, day → name; plain weekend days are off too but have no name."""
        found: dict[date, str] = {}
        day = start
        while day <= end:
            named = self.name(day)
            if named is not None:
                found[day] = named
            day += timedelta(days=1)
        return found


def calendar(settings_or_country: Mapping[str, Any] | str) -> CountyCalendar:
    """The calendar of a county's settings, or of a country (SE, NO) with its own language."""
    if isinstance(settings_or_country, str):
        country = settings_or_country
        return CountyCalendar(country, "nb" if country == "NO" else "sv")
    settings = settings_or_country
    return CountyCalendar(
        str(settings.get("country", "SE")),
        str(settings.get("language", "sv")),
        settings.get("klamdag", "off") == "on",
    )


def days_off(
    settings_or_country: Mapping[str, Any] | str, start: date, end: date
) -> dict[date, str]:
    """The county's named days off from `start` to `end` (see CountyCalendar.days_off)."""
    return calendar(settings_or_country).days_off(start, end)


def next_working_day(day: date, settings_or_country: Mapping[str, Any] | str) -> date:
    """`day`, or the county's first working day after it."""
    return calendar(settings_or_country).next_working_day(day)


def county_calendar(store: Store) -> CountyCalendar:
    """The calendar of the register's county, built once per store from the settings as they
    are then (forgotten when they change): the services of one command share it, and each year
    of days off is read once."""
    if "calendar" not in store.reckoned:
        from shgroups.services.settings import get_settings

        store.reckoned["calendar"] = calendar(get_settings(store))
    found: CountyCalendar = store.reckoned["calendar"]
    return found


def _working_day_for(store: Store) -> Callable[[str | None], str | None]:
    """`working_day(iso)` in SQL for one store: the county's next working day, so that the
    follow-up rule stays one SQL expression (services/groups.py)."""

    def working_day(day: str | None) -> str | None:
        return county_calendar(store).working_day_iso(day)

    return working_day


SQL_FUNCTIONS["working_day"] = (1, _working_day_for)
