"""The yearly report: the figures a coordinator reports to the region, for a period and the
period of the same length before it (docs/design.md §8).

Every figure is computed by SQL aggregation over both periods at once (a `periods` CTE of two
rows), never by a loop over registrations; Python only shapes the few aggregated rows. Every
count then goes through small-cell protection (`services/suppression.py`): a table as a whole
with its published column totals, a single count as a 1×1 table; a share, median or average
is published only from a base of at least `min_cell`.

Counts are of registrations (facts), never of persons (identity): erasure and purge unlink
identities and change no figure of a period that ended before them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple, TypedDict

from shgroups.dates import FIRST_YEAR, LAST_YEAR, parse_date
from shgroups.errors import InvalidInput
from shgroups.i18n import _
from shgroups.services.groups import followup_due_sql
from shgroups.services.settings import get_settings, source_list
from shgroups.services.suppression import enough, protect
from shgroups.storage import Store


class Figure(TypedDict):
    value: float | int | None
    suppressed: bool


class Pair(TypedDict):
    current: Figure
    previous: Figure


class Row(TypedDict):
    key: str
    current: Figure
    previous: Figure


class Table(TypedDict):
    rows: list[Row]
    total: Pair | None  # None for a table whose rows do not add up to anything (by month)


class Period(NamedTuple):
    start: date
    end: date

    def doc(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


PERIODS = ("current", "previous")
UNKNOWN = "unknown"  # the key of a registration's missing source, gender or birth year
AGE_BANDS = ("-29", "30-44", "45-64", "65-", UNKNOWN)
# Days from registration to a group, in bands (the waiting-time distribution): counted in the
# same pass as their median (`SPREAD_SQL`, whose columns these are).
WAIT_BANDS = ("0-30", "31-60", "61-90", "91-180", "181-")
ON_TIME_DAYS = 7  # a follow-up done this close to its due date, before or after, is on time


# --- the period -------------------------------------------------------------------------------


def periods(
    today: date, year: int | None = None, start: str | None = None, end: str | None = None
) -> tuple[Period, Period]:
    """The period asked for and the one of the same length just before it: a calendar year
    (`year`, default the last full one before today) and the year before; or the days from
    `start` to `end` (both given, in order, not after today) and as many days before them."""
    if year is not None and (start is not None or end is not None):
        raise InvalidInput(
            _("give either a year or a period from one day to another, not both"),
            _("a report covers a calendar year or the days between two dates"),
            code="report.year_and_period",
            field="year",
        )
    if (start is None) != (end is None):
        raise InvalidInput(
            _("a period needs both its first and its last day"),
            _("give the first and the last day of the period"),
            code="report.half_period",
            field="period_to" if end is None else "period_from",
        )
    if start is not None and end is not None:
        first, last = parse_date(start, "period_from"), parse_date(end, "period_to")
        if first > last:
            raise InvalidInput(
                _("the period ends ({end}) before it begins ({start})").format(
                    end=last, start=first
                ),
                _("give the first day, then the last"),
                code="report.period_reversed",
                field="period_to",
                start=first.isoformat(),
                end=last.isoformat(),
            )
        if last > today:
            raise InvalidInput(
                _("the period ends after today ({today})").format(today=today),
                _("a report counts what has happened: end the period today at the latest"),
                code="report.period_not_over",
                field="period_to",
                today=today.isoformat(),
            )
        days = (last - first).days + 1
        before = first - timedelta(days=1)
        return Period(first, last), Period(before - timedelta(days=days - 1), before)
    if year is None:
        year = today.year - 1
    if not FIRST_YEAR < year <= LAST_YEAR:
        raise InvalidInput(
            _("{year} is outside the years shg reports on ({first}–{last})").format(
                year=year, first=FIRST_YEAR + 1, last=LAST_YEAR
            ),
            _("check the year"),
            code="report.year_out_of_range",
            field="year",
            year=year,
            first=FIRST_YEAR + 1,
            last=LAST_YEAR,
        )
    if year >= today.year:
        raise InvalidInput(
            _("the year {year} is not over yet (today is {today})").format(year=year, today=today),
            _("choose a year that has ended"),
            code="report.year_not_over",
            field="year",
            year=year,
            today=today.isoformat(),
        )
    return (
        Period(date(year, 1, 1), date(year, 12, 31)),
        Period(date(year - 1, 1, 1), date(year - 1, 12, 31)),
    )


def month_starts(period: Period) -> list[date]:
    """The first day of each month-long slice of `period` (calendar months for a year): the
    slice of a day is the number of whole months since the period began (`MONTH_SQL`)."""
    starts = []
    for m in range(12 * (period.end.year - period.start.year + 1) + 1):
        y, mo = divmod(period.start.month - 1 + m, 12)
        try:
            first = date(period.start.year + y, mo + 1, period.start.day)
        except ValueError:  # no such day in that month (the 31st): its slice starts after it
            y, mo = divmod(period.start.month + m, 12)
            first = date(period.start.year + y, mo + 1, 1)
        if first > period.end:
            break
        starts.append(first)
    return starts


# --- the SQL ----------------------------------------------------------------------------------

# Both periods, one row each; `year` is the year the period ends in (for ages), `slices` the
# number of month-long slices of the period.
PERIODS_CTE = """
periods(p, f, t, year, slices) AS (
    VALUES ('current', :f1, :t1, :y1, :slices), ('previous', :f0, :t0, :y0, :slices)
)"""

# The month-long slice of the period a day `d` falls in: whole months since the period's
# first day, within the period's slices (the previous period's last days go to its last).
MONTH_SQL = """
min(p.slices - 1, max(0,
    (cast(substr({d}, 1, 4) AS INTEGER) * 12 + cast(substr({d}, 6, 2) AS INTEGER))
    - (cast(substr(p.f, 1, 4) AS INTEGER) * 12 + cast(substr(p.f, 6, 2) AS INTEGER))
    - (substr({d}, 9, 2) < substr(p.f, 9, 2))))"""

# Registrations received: their count by month, source, theme and area (`kind`), from one
# pass over the registrations of both periods.
RECEIVED_SQL = f"""
WITH {{periods}},
received AS (
    SELECT p.p AS period, {MONTH_SQL.format(d="r.registered_on")} AS month,
           coalesce(r.source, '{UNKNOWN}') AS source, r.theme_id, r.area_id
      FROM periods p
      JOIN registrations r ON r.registered_on BETWEEN p.f AND p.t
)
SELECT 'by_month' AS kind, period, month AS key, count(*) AS n FROM received GROUP BY 2, 3
UNION ALL
SELECT 'by_source', period, source, count(*) FROM received GROUP BY 2, 3
UNION ALL
SELECT 'by_theme', period, t.name, count(*) FROM received x JOIN themes t ON t.id = x.theme_id
 GROUP BY 2, 3
UNION ALL
SELECT 'by_area', period, a.name, count(*) FROM received x JOIN areas a ON a.id = x.area_id
 GROUP BY 2, 3"""

# When each registration left the queue: its first placement in a group, or the day it was
# withdrawn or referred, whichever came first; NULL while it is in the queue.
QUEUE_CTE = """
firsts AS (
    SELECT r.id, r.registered_on AS registered, r.status, r.status_on,
           (SELECT min(m.joined_on) FROM group_members m WHERE m.registration_id = r.id)
               AS joined
      FROM registrations r
     WHERE r.registered_on <= :t1
),
queue AS (
    SELECT id, registered, joined,
           CASE WHEN status IN ('withdrawn', 'referred')
                THEN min(coalesce(joined, status_on), status_on)
                ELSE joined END AS out_on
      FROM firsts
)"""

# The median and 90th percentile (nearest rank: the smallest value at or below which 90 %
# lie) of `days` per kind and period, with the number of values.
SPREAD_SQL = """
WITH {periods},{ctes}
values_ AS ({values}),
ranked AS (
    SELECT kind, period, days,
           row_number() OVER (PARTITION BY kind, period ORDER BY days) AS rn,
           count(*) OVER (PARTITION BY kind, period) AS n
      FROM values_
)
SELECT kind, period, max(n) AS n,
       avg(CASE WHEN rn IN ((n + 1) / 2, (n + 2) / 2) THEN days END) AS median,
       min(CASE WHEN rn >= (9 * n + 9) / 10 THEN days END) AS p90,
       count(*) FILTER (WHERE days <= 30) AS "0-30",
       count(*) FILTER (WHERE days > 30 AND days <= 60) AS "31-60",
       count(*) FILTER (WHERE days > 60 AND days <= 90) AS "61-90",
       count(*) FILTER (WHERE days > 90 AND days <= 180) AS "91-180",
       count(*) FILTER (WHERE days > 180) AS "181-"
  FROM ranked GROUP BY kind, period"""

# Days waited by those waiting at the end; days to their first group of those placed.
QUEUE_DAYS = """
SELECT 'waiting' AS kind, p.p AS period, julianday(p.t) - julianday(q.registered) AS days
  FROM periods p
  JOIN queue q ON q.registered <= p.t AND (q.out_on IS NULL OR q.out_on > p.t)
UNION ALL
SELECT 'placed', p.p, julianday(q.joined) - julianday(q.registered)
  FROM periods p
  JOIN queue q ON q.joined BETWEEN p.f AND p.t"""

# The groups running on the last day of each month-long slice of both periods (`ends`: a
# VALUES list of (period, slice, day)).
RUNNING_BY_MONTH_SQL = """
WITH ends(period, slice, day) AS (VALUES {ends})
SELECT 'running' AS kind, e.period, e.slice AS key, count(g.id) AS n
  FROM ends e
  LEFT JOIN groups g ON g.started_on <= e.day AND (g.ended_on IS NULL OR g.ended_on > e.day)
 GROUP BY 2, 3"""

# A group runs on day D from its start day until its end day (not included).
GROUPS_SQL = """
WITH {periods}
SELECT p.p AS period,
       count(*) FILTER (WHERE g.started_on BETWEEN p.f AND p.t) AS started,
       count(*) FILTER (WHERE g.ended_on BETWEEN p.f AND p.t) AS ended,
       count(*) FILTER (WHERE g.started_on <= p.t AND (g.ended_on IS NULL OR g.ended_on > p.t))
           AS running_at_end,
       count(*) FILTER (WHERE g.started_on <= p.t AND (g.ended_on IS NULL OR g.ended_on > p.f))
           AS ran,
       coalesce(sum(max(0, julianday(min(date(p.t, '+1 day'), coalesce(g.ended_on, '9999')))
                           - julianday(max(p.f, g.started_on)))), 0)
           / (julianday(p.t) - julianday(p.f) + 1) AS average_running,
       sum(g.starter_sessions) FILTER (WHERE g.started_on BETWEEN p.f AND p.t) AS planned,
       sum((SELECT count(*) FROM sessions x WHERE x.group_id = g.id))
           FILTER (WHERE g.started_on BETWEEN p.f AND p.t) AS held
  FROM periods p
  LEFT JOIN groups g ON g.started_on <= p.t
 GROUP BY p.p"""

# The most groups running on one day: +1 where a group runs from (its start, or the period's
# first day), -1 on its end day; the running sum over the days of the period.
MOST_RUNNING_SQL = """
WITH {periods},
changes AS (
    SELECT p.p AS period, max(g.started_on, p.f) AS day, 1 AS delta
      FROM periods p JOIN groups g
        ON g.started_on <= p.t AND (g.ended_on IS NULL OR g.ended_on > p.f)
    UNION ALL
    SELECT p.p, g.ended_on, -1
      FROM periods p JOIN groups g
        ON g.started_on <= p.t AND g.ended_on > p.f AND g.ended_on <= p.t
),
days AS (SELECT period, day, sum(delta) AS delta FROM changes GROUP BY period, day),
running AS (
    SELECT period, sum(delta) OVER (PARTITION BY period ORDER BY day) AS n FROM days
)
SELECT period, max(n) AS n FROM running GROUP BY period"""

# Of the groups started in the period that have reached the mark by today, those still
# running at it.
SURVIVAL_SQL = """
WITH {periods},
marked AS (
    SELECT p.p AS period, g.ended_on, date(g.started_on, '+' || :months || ' months') AS mark
      FROM periods p JOIN groups g ON g.started_on BETWEEN p.f AND p.t
)
SELECT period, count(*) AS n, count(*) FILTER (WHERE ended_on IS NULL OR ended_on > mark)
       AS running
  FROM marked WHERE mark <= :today GROUP BY period"""

ENDED_DAYS = """
SELECT 'ended' AS kind, p.p AS period, julianday(g.ended_on) - julianday(g.started_on) AS days
  FROM periods p JOIN groups g ON g.ended_on BETWEEN p.f AND p.t"""

# The registrations in a group during the period, each once: with the group of its last stay.
PARTICIPANTS_CTE = """
stays AS (
    SELECT p.p AS period, p.year, m.registration_id, g.theme_id, g.area_id,
           row_number() OVER (PARTITION BY p.p, m.registration_id
                              ORDER BY m.joined_on DESC, m.id DESC) AS nth
      FROM periods p
      JOIN group_members m ON m.joined_on <= p.t AND (m.left_on IS NULL OR m.left_on >= p.f)
      JOIN groups g ON g.id = m.group_id AND g.started_on <= p.t
                   AND (g.ended_on IS NULL OR g.ended_on >= p.f)
),
participants AS (
    SELECT s.period, s.theme_id, s.area_id, r.gender,
           CASE WHEN r.birth_year IS NULL THEN 'unknown'
                WHEN s.year - r.birth_year <= 29 THEN '-29'
                WHEN s.year - r.birth_year <= 44 THEN '30-44'
                WHEN s.year - r.birth_year <= 64 THEN '45-64'
                ELSE '65-' END AS age
      FROM stays s JOIN registrations r ON r.id = s.registration_id
     WHERE s.nth = 1
)"""

# Participants by age band, theme and area; and (kind `gender`) how many have a known gender
# and how many of them are women.
PARTICIPANTS_SQL = f"""
WITH {{periods}}, {PARTICIPANTS_CTE.strip()}
SELECT 'by_age' AS kind, period, age AS key, count(*) AS n FROM participants GROUP BY 2, 3
UNION ALL
SELECT 'by_theme', period, t.name, count(*) FROM participants x
  JOIN themes t ON t.id = x.theme_id GROUP BY 2, 3
UNION ALL
SELECT 'by_area', period, a.name, count(*) FROM participants x
  JOIN areas a ON a.id = x.area_id GROUP BY 2, 3
UNION ALL
SELECT 'gender', period, 'known', count(gender) FROM participants GROUP BY 2
UNION ALL
SELECT 'gender', period, 'women', count(*) FILTER (WHERE gender = 'woman') FROM participants
 GROUP BY 2"""

# Referred elsewhere (never why), and withdrawn from the queue without ever being in a group.
OUTCOMES_SQL = """
WITH {periods}
SELECT p.p AS period,
       count(*) FILTER (WHERE r.status = 'referred') AS referred,
       count(*) FILTER (WHERE r.status = 'withdrawn' AND NOT EXISTS
                        (SELECT 1 FROM group_members m WHERE m.registration_id = r.id))
           AS withdrawn
  FROM periods p
  JOIN registrations r ON r.status_on BETWEEN p.f AND p.t
                      AND r.status IN ('referred', 'withdrawn')
 GROUP BY p.p"""

# The follow-up before each one done in the period: of the same group, the one done last
# before it (on the same day: recorded before it).
BEFORE_SQL = """(SELECT max(x.done_on) FROM followups x WHERE x.group_id = d.group_id
     AND (x.done_on < d.done_on OR (x.done_on = d.done_on AND x.id < d.id)))"""

FOLLOWUPS_SQL = f"""
WITH {{periods}}
SELECT p.p AS period, count(*) AS done,
       count(*) FILTER (WHERE abs(julianday(d.done_on) - julianday({followup_due_sql(BEFORE_SQL)}))
                              <= {ON_TIME_DAYS}) AS on_time
  FROM periods p
  JOIN followups d ON d.done_on BETWEEN p.f AND p.t
  JOIN groups g ON g.id = d.group_id
 GROUP BY p.p"""


# --- shaping and protecting --------------------------------------------------------------------


def _figure(value: float | int | None, suppressed: bool) -> Figure:
    return {"value": None if suppressed else value, "suppressed": suppressed}


def count_pair(counts: Mapping[str, int], min_cell: int) -> Pair:
    """A single count of each period, each protected as a 1×1 table without totals."""
    out: dict[str, Figure] = {}
    for period in PERIODS:
        n = int(counts.get(period) or 0)
        hidden = protect([[n]], min_cell, column_totals=False).cells[0][0]
        out[period] = _figure(n, hidden)
    return {"current": out["current"], "previous": out["previous"]}


# A median is one value of the middle: at least `min_cell` values lie on each side of it only
# from twice as many; the 90th percentile has one value in ten above it, so ten times.
SPREAD_BASE = {"median": 2, "p90": 10}


def based_pair(
    values: Mapping[str, tuple[float | None, int]], min_cell: int, times: int = 1
) -> Pair:
    """A share, median or average of each period: (value, base); null when the base is below
    `times` × `min_cell` (`SPREAD_BASE` for a median or a percentile, which is one person's
    own figure)."""
    out: dict[str, Figure] = {}
    for period in PERIODS:
        value, base = values.get(period, (None, 0))
        out[period] = _figure(value, not enough(base, times * min_cell) or value is None)
    return {"current": out["current"], "previous": out["previous"]}


def count_table(
    keys: Sequence[str],
    counts: Mapping[tuple[str, str], int],
    min_cell: int,
    *,
    totals: bool = True,
) -> Table:
    """Rows × [current, previous] with a total per column (unless `totals` is False: rows
    that add up to nothing, such as groups running each month), protected as a whole."""
    cells = [[int(counts.get((period, key)) or 0) for period in PERIODS] for key in keys]
    sums = [sum(row[i] for row in cells) for i in range(len(PERIODS))]
    if not cells:  # nothing to count: totals of 0 hide nothing
        none: Pair = {"current": _figure(0, False), "previous": _figure(0, False)}
        return {"rows": [], "total": none if totals else None}
    hidden = protect(cells, min_cell, row_totals=False, column_totals=totals)
    rows: list[Row] = [
        {
            "key": key,
            "current": _figure(cells[r][0], hidden.cells[r][0]),
            "previous": _figure(cells[r][1], hidden.cells[r][1]),
        }
        for r, key in enumerate(keys)
    ]
    if not totals:
        return {"rows": rows, "total": None}
    return {
        "rows": rows,
        "total": {
            "current": _figure(sums[0], hidden.column_totals[0]),
            "previous": _figure(sums[1], hidden.column_totals[1]),
        },
    }


def _ordered(found: Sequence[str], first: Sequence[str] = ()) -> list[str]:
    """Keys in a fixed order, never by their counts (an order by size would tell something of
    a hidden cell): `first` as listed, then the others alphabetically, `unknown` last."""
    rest = sorted({k for k in found if k not in first and k != UNKNOWN}, key=str.casefold)
    return [*(k for k in first if k in found), *rest, *([UNKNOWN] if UNKNOWN in found else [])]


def _share(part: int, base: int, min_cell: int) -> tuple[float | None, int]:
    """A share (3 decimals) and its base; None when it would tell a small count: a share of a
    known base gives the part and the rest, so each must be 0 or at least `min_cell` (2 of 5
    is "40 %": two women, three men)."""
    small = [n for n in (part, base - part) if 0 < n < min_cell]
    return (round(part / base, 3) if base and not small else None, base)


# --- the report --------------------------------------------------------------------------------


def report(store: Store, today: date, current: Period, previous: Period) -> dict[str, Any]:
    """The report's JSON document (README "For scripts")."""
    settings = get_settings(store)
    min_cell = int(settings["min_cell"])
    starts = month_starts(current)
    params: dict[str, Any] = {
        "f1": current.start.isoformat(),
        "t1": current.end.isoformat(),
        "y1": current.end.year,
        "f0": previous.start.isoformat(),
        "t0": previous.end.isoformat(),
        "y0": previous.end.year,
        "slices": len(starts),
        "today": today.isoformat(),
    }

    def keyed(sql: str) -> dict[str, dict[tuple[str, str], int]]:
        """Counts by kind, then by (period, key)."""
        out: dict[str, dict[tuple[str, str], int]] = {}
        for r in store.rows(sql.format(periods=PERIODS_CTE), params):
            out.setdefault(r["kind"], {})[(r["period"], str(r["key"]))] = r["n"]
        return out

    def per_period(sql: str, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
        rows = store.rows(sql.format(periods=PERIODS_CTE), {**params, **(extra or {})})
        return {r["period"]: r for r in rows}

    def spread(values: str, ctes: str = "") -> dict[str, dict[str, Any]]:
        """Median and 90th percentile by kind, then by period."""
        sql = SPREAD_SQL.format(periods=PERIODS_CTE, values=values, ctes=f"{ctes}," if ctes else "")
        out: dict[str, dict[str, Any]] = {}
        for r in store.rows(sql, params):
            out.setdefault(r["kind"], {})[r["period"]] = r
        return out

    def table(counts: dict[tuple[str, str], int], keys: Sequence[str] | None = None) -> Table:
        return count_table(
            keys if keys is not None else _ordered([k for _p, k in counts]), counts, min_cell
        )

    def column(rows: Mapping[str, Mapping[str, Any]], name: str) -> Pair:
        return count_pair({p: (rows.get(p) or {}).get(name) or 0 for p in PERIODS}, min_cell)

    def of(rows: Mapping[str, Mapping[str, Any]], name: str, base: str = "n") -> Pair:
        return based_pair(
            {p: (r[name], int(r[base] or 0)) for p, r in rows.items()},
            min_cell,
            SPREAD_BASE.get(name, 1),
        )

    # registrations received
    received = keyed(RECEIVED_SQL)
    by_month, by_source = received.get("by_month", {}), received.get("by_source", {})
    months = table(by_month, [str(i) for i in range(len(starts))])
    for row, first in zip(months["rows"], starts, strict=True):
        row["key"] = first.isoformat()
    total = {p: sum(n for (q, _k), n in by_month.items() if q == p) for p in PERIODS}

    # waiting
    queue = spread(QUEUE_DAYS, QUEUE_CTE.strip())
    waiting, placed = queue.get("waiting", {}), queue.get("placed", {})
    bands = {(p, band): int(r[band] or 0) for p, r in placed.items() for band in WAIT_BANDS}

    # groups
    groups = per_period(GROUPS_SQL)
    running = keyed(RUNNING_BY_MONTH_SQL.replace("{ends}", _slice_ends(current, previous)))
    by_month_running = count_table(
        [str(i) for i in range(len(starts))], running.get("running", {}), min_cell, totals=False
    )
    for row, first in zip(by_month_running["rows"], starts, strict=True):
        row["key"] = first.isoformat()
    most = per_period(MOST_RUNNING_SQL)
    survival = {m: per_period(SURVIVAL_SQL, {"months": m}) for m in (6, 12)}
    ended = spread(ENDED_DAYS).get("ended", {})

    # participants
    part = keyed(PARTICIPANTS_SQL)
    by_age, gender = part.get("by_age", {}), part.get("gender", {})
    women = {
        p: _share(gender.get((p, "women"), 0), gender.get((p, "known"), 0), min_cell)
        for p in PERIODS
    }
    outcomes = per_period(OUTCOMES_SQL)
    followups = per_period(FOLLOWUPS_SQL)

    return {
        "county": settings["county"],
        "language": settings["language"],
        "min_cell": min_cell,
        "period": current.doc(),
        "previous_period": previous.doc(),
        "registrations": {
            "total": count_pair(total, min_cell),
            "by_month": months,
            "by_source": table(
                by_source, _ordered([k for _p, k in by_source], source_list(settings))
            ),
            "by_theme": table(received.get("by_theme", {})),
            "by_area": table(received.get("by_area", {})),
        },
        "waiting": {
            "at_end": column(waiting, "n"),
            "days_waited_median": of(waiting, "median"),
            "placed": column(placed, "n"),
            "days_to_placement_median": of(placed, "median"),
            "days_to_placement_p90": of(placed, "p90"),
            "days_to_placement_bands": table(bands, WAIT_BANDS),
        },
        "groups": {
            "started": column(groups, "started"),
            "running_at_end": column(groups, "running_at_end"),
            "ended": column(groups, "ended"),
            "most_running": column(most, "n"),
            "running_by_month": by_month_running,
            "average_running": based_pair(
                {
                    p: (round(r["average_running"], 1), int(r["ran"] or 0))
                    for p, r in groups.items()
                },
                min_cell,
            ),
        },
        "survival": {
            "six_months_groups": column(survival[6], "n"),
            "six_months_share": based_pair(
                {p: _share(r["running"], r["n"], min_cell) for p, r in survival[6].items()},
                min_cell,
            ),
            "twelve_months_groups": column(survival[12], "n"),
            "twelve_months_share": based_pair(
                {p: _share(r["running"], r["n"], min_cell) for p, r in survival[12].items()},
                min_cell,
            ),
            "days_to_end_median": of(ended, "median"),
        },
        "participants": {
            "total": count_pair(
                {p: sum(n for (q, _k), n in by_age.items() if q == p) for p in PERIODS}, min_cell
            ),
            "women_share": based_pair(women, min_cell),
            "by_age": table(by_age, AGE_BANDS),
            "by_theme": table(part.get("by_theme", {})),
            "by_area": table(part.get("by_area", {})),
        },
        "outcomes": {
            "referred": column(outcomes, "referred"),
            "withdrawn": column(outcomes, "withdrawn"),
        },
        "sessions": {
            "planned": column(groups, "planned"),
            "held": column(groups, "held"),
        },
        "followups": {
            "done": column(followups, "done"),
            "on_time_share": based_pair(
                {p: _share(r["on_time"], r["done"], min_cell) for p, r in followups.items()},
                min_cell,
            ),
        },
    }


def _slice_ends(current: Period, previous: Period) -> str:
    """SQL VALUES rows (period, slice, day) of the last day of each month-long slice of both
    periods, as ISO dates (computed here: a few dozen rows)."""
    rows = []
    for name, period in (("current", current), ("previous", previous)):
        starts = month_starts(period)
        ends = [s - timedelta(days=1) for s in starts[1:]] + [period.end]
        rows += [f"('{name}', {i}, '{day.isoformat()}')" for i, day in enumerate(ends)]
    return ", ".join(rows)


def write_report(
    store: Store,
    today: date,
    current: Period,
    previous: Period,
    out: Path,
    text: Callable[[dict[str, Any]], str | bytes],
    *,
    force: bool = False,
) -> dict[str, Any]:
    """The report, written as `text` makes it to the private file `out` (never over a file
    unless `force`), and audited as written (what, never who is in it). On a write-protected
    register the file is written unaudited."""
    from shgroups import files

    with files.staged() as staged:
        if store.read_only:
            doc = report(store, today, current, previous)
            staged.write(out, text(doc), force=force)
            return doc
        with store.write():
            doc = report(store, today, current, previous)
            store.audit("report.write", "report", None)
            staged.write(out, text(doc), force=force)
    return doc
