"""Made-up registers at the sizes a county or a whole country would reach, for benchmarks.

Deterministic from a seed and written with bulk inserts in the one transaction of
`create_db`. The shapes follow the work: most people are placed in a group within months,
some withdraw or are referred elsewhere, a few per theme and area are waiting; groups start,
hand over after four starter sessions, are followed up about every six weeks (some late) and
end after a year or two.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from shgroups.services.demo import DEMO_SOURCES
from shgroups.storage import Store


@dataclass(frozen=True)
class Scale:
    counties: int
    areas_per_county: int
    groups: int
    registrations: int
    waiting: int


SCALES = {
    "county": Scale(counties=1, areas_per_county=8, groups=150, registrations=2_000,
                    waiting=150),
    "national": Scale(counties=21, areas_per_county=8, groups=15_000, registrations=200_000,
                      waiting=3_000),
}  # fmt: skip

COUNTIES = [
    "Stockholm", "Uppsala", "Södermanland", "Östergötland", "Jönköping", "Kronoberg", "Kalmar",
    "Gotland", "Blekinge", "Skåne", "Halland", "Västra Götaland", "Värmland", "Örebro",
    "Västmanland", "Dalarna", "Gävleborg", "Västernorrland", "Jämtland", "Västerbotten",
    "Norrbotten",
]  # fmt: skip
YEARS = 10


def build(store: Store, scale_name: str, seed: int, today: date) -> dict[str, int]:
    """Fill an empty, seeded database (themes, settings, default area) inside the caller's
    transaction. Returns the row counts written."""
    scale = SCALES[scale_name]
    rng = random.Random(seed)
    first_day = today - timedelta(days=365 * YEARS)
    span = (today - first_day).days

    theme_ids = [int(r["id"]) for r in store.rows("SELECT id FROM themes ORDER BY id")][:20]
    next_area = int(store.value("SELECT max(id) FROM areas")) + 1
    areas = []
    for c in range(scale.counties):
        for a in range(scale.areas_per_county):
            name = f"{COUNTIES[c]} {a + 1}" if scale.counties > 1 else f"Ort {a + 1}"
            areas.append((next_area, name, name.casefold(), int(a == 7), 0, None))
            next_area += 1
    store.conn.executemany(
        "INSERT INTO areas (id, name, key, digital, is_default, retired_on) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        areas,
    )
    area_ids = [a[0] for a in areas]
    staff = [
        (i + 1, f"Igångsättare {i + 1}", f"igångsättare {i + 1}", "starter")
        for i in range(max(4, scale.groups // 60))
    ]
    store.conn.executemany("INSERT INTO staff (id, name, key, role) VALUES (?, ?, ?, ?)", staff)

    # Themes and areas are not equally popular.
    theme_weights = [1 / (i + 1) for i in range(len(theme_ids))]
    area_weights = [1 / (1 + (i % scale.areas_per_county)) for i in range(len(area_ids))]

    def pick_theme() -> int:
        return rng.choices(theme_ids, theme_weights)[0]

    def pick_area() -> int:
        return rng.choices(area_ids, area_weights)[0]

    persons: list[tuple[Any, ...]] = []
    registrations: list[tuple[Any, ...]] = []

    def register(
        theme: int, area: int, on: date, status: str, status_on: date, confirmed: date | None = None
    ) -> int:
        reg_id = len(registrations) + 1
        # The compared forms written out (shgroups/phones.py gives the same): parsing 200,000
        # numbers would double the national build.
        persons.append(
            (
                reg_id,
                f"Person {reg_id}",
                f"person {reg_id}",
                f"070-{reg_id:07d}" if reg_id % 3 else None,
                f"+4670{reg_id:07d}" if reg_id % 3 else None,
                f"p{reg_id}@example.se" if reg_id % 3 == 0 else None,
                f"p{reg_id}@example.se" if reg_id % 3 == 0 else None,
            )
        )
        registrations.append((
            reg_id, reg_id, theme, area, on.isoformat(), status, status_on.isoformat(),
            "man" if rng.random() < 0.2 else "woman", rng.randint(1945, 2005),
            rng.choice(DEMO_SOURCES), "consent", on.isoformat(), None, "1",
            (confirmed or on).isoformat(),
        ))  # fmt: skip
        return reg_id

    groups: list[tuple[Any, ...]] = []
    members: list[tuple[Any, ...]] = []
    sessions: list[tuple[Any, ...]] = []
    followups: list[tuple[Any, ...]] = []
    for group_id in range(1, scale.groups + 1):
        theme, area = pick_theme(), pick_area()
        start = first_day + timedelta(days=60 + rng.randrange(span - 60))
        if group_id <= max(2, scale.groups // 50):  # a few in their starter phase right now
            start = today - timedelta(days=rng.randrange(21))
        age = (today - start).days
        held = min(4, age // 7 + 1)
        handover = start + timedelta(weeks=3) if held == 4 else None
        ended = None
        if handover:  # groups live for months to a couple of years after the handover
            end = handover + timedelta(days=rng.randint(60, 540))
            ended = end if end < today else None
        status = "ended" if ended else ("running" if handover else "starting")
        groups.append(
            (
                group_id,
                theme,
                area,
                status,
                start.isoformat(),
                rng.choice(staff)[0],
                4,
                6,
                handover and handover.isoformat(),
                ended and ended.isoformat(),
                int(rng.random() < 0.6),
            )
        )
        for _m in range(rng.randint(5, 8)):
            joined = start
            reg_id = register(
                theme, area, start - timedelta(days=rng.randint(10, 150)), "placed", joined
            )
            members.append((group_id, reg_id, joined.isoformat(), ended and ended.isoformat()))
        for number in range(1, held + 1):
            day = start + timedelta(weeks=number - 1)
            sessions.append(
                (len(sessions) + 1, group_id, number, day.isoformat(), rng.randint(4, 7))
            )
        if handover:
            last, stop = handover, ended or today
            while True:
                # About six weeks, sometimes late; running groups are left at every stage,
                # so that some follow-ups are overdue, some due this week, some later.
                step = 42 + max(0, int(rng.gauss(4, 8)))
                if last + timedelta(days=step) > stop:
                    break
                last += timedelta(days=step)
                followups.append(
                    (
                        len(followups) + 1,
                        group_id,
                        last.isoformat(),
                        rng.choices(["ok", "needs-support", "ending"], [90, 8, 2])[0],
                        "phone",
                        None,
                    )
                )

    # People who left the queue, and people waiting now (some for a long time).
    leaving = scale.registrations - len(registrations) - scale.waiting
    for _i in range(max(0, leaving)):
        on = first_day + timedelta(days=rng.randrange(span))
        left = min(today, on + timedelta(days=rng.randint(5, 300)))
        register(
            pick_theme(), pick_area(), on, "referred" if rng.random() < 0.15 else "withdrawn", left
        )
    for _i in range(scale.waiting):
        on = today - timedelta(days=int(rng.expovariate(1 / 120)) % (3 * 365))
        confirmed = (
            on + timedelta(days=rng.randint(0, (today - on).days)) if rng.random() < 0.3 else None
        )
        register(pick_theme(), pick_area(), on, "waiting", on, confirmed)

    store.conn.executemany(
        "INSERT INTO persons (id, name, name_key, phone, phone_key, email, email_key) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        persons,
    )
    store.conn.executemany(
        "INSERT INTO registrations (id, person_id, theme_id, area_id, registered_on, status, "
        "status_on, gender, birth_year, source, basis, consent_on, informed_on, info_version, "
        "confirmed_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        registrations,
    )
    store.conn.executemany(
        "INSERT INTO groups (id, theme_id, area_id, status, started_on, starter_id, "
        "starter_sessions, followup_weeks, handover_on, ended_on, open) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        groups,
    )
    store.conn.executemany(
        "INSERT INTO group_members (group_id, registration_id, joined_on, left_on) "
        "VALUES (?, ?, ?, ?)",
        members,
    )
    store.conn.executemany(
        "INSERT INTO sessions (id, group_id, number, held_on, attended) VALUES (?, ?, ?, ?, ?)",
        sessions,
    )
    store.conn.executemany("INSERT INTO followups VALUES (?, ?, ?, ?, ?, ?)", followups)
    store.audit(f"demo.{scale_name}", "db", None)
    return {
        "registrations": len(registrations),
        "groups": len(groups),
        "sessions": len(sessions),
        "followups": len(followups),
    }
