"""`shg demo`: a made-up register, built through the same services a coordinator uses.

`showcase` is a small register with every state, dated relative to today, in one transaction:
what is happening now (groups starting, running and due a follow-up, people waiting), on top of
two years of finished history (people placed, withdrawn or referred; groups that started, were
followed up and ended) so that a yearly report for last year and this year has something in
every table. `county` and `national` are large made-up registers for benchmarks
(services/synthetic.py). A demo only ever replaces an earlier demo, never a real register.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from shgroups import env
from shgroups.dates import week_end
from shgroups.enums import Gender, Outcome, Role
from shgroups.errors import Conflict, StorageError
from shgroups.i18n import _
from shgroups.services import catalogue, followups, groups, holidays, intake, setup
from shgroups.services.intake import PersonInput, RegistrationInput
from shgroups.services.settings import SOURCES
from shgroups.storage import Store, create_db, open_db

_NAMES = [
    "Anna",
    "Karin",
    "Lars",
    "Maja",
    "Sara",
    "Ali",
    "Eva",
    "Johan",
    "Leila",
    "Nils",
    "Ingrid",
    "Fatima",
    "Per",
    "Sofia",
    "Erik",
    "Hanna",
    "Mehmet",
    "Elin",
    "Oskar",
    "Lina",
    "Birgitta",
    "Ahmed",
    "Ulla",
    "Jonas",
    "Amira",
    "Kerstin",
    "Mikael",
    "Emma",
    "Goran",
    "Aisha",
    "Peter",
    "Linnea",
    "Hassan",
    "Agneta",
    "Viktor",
    "Ida",
    "Bengt",
    "Nora",
    "Samir",
    "Frida",
]
# The demo is a Swedish county: its registrations name the sources such a county starts with.
DEMO_SOURCES = SOURCES["sv"].split(",")


class _Demo:
    def __init__(self, store: Store, today: date) -> None:
        self.store = store
        self.today = today
        self.count = 0

    def person(self, theme: str, area: str, days_ago: int, **extra: Any) -> int:
        n = self.count + 1
        return self.register(
            theme,
            area,
            self.today - timedelta(days=days_ago),
            gender=Gender.MAN if n % 5 == 0 else Gender.WOMAN,
            birth_year=1950 + (n * 7) % 55,
            source=DEMO_SOURCES[n % len(DEMO_SOURCES)],
            **extra,
        )

    def register(
        self,
        theme: str,
        area: str,
        on: date,
        *,
        gender: Gender | None,
        birth_year: int | None,
        source: str | None,
        also_themes: tuple[str, ...] | list[str] = (),
        also_areas: tuple[str, ...] | list[str] = (),
    ) -> int:
        self.count += 1
        n = self.count
        person = PersonInput(
            name=f"{_NAMES[n % len(_NAMES)]} {chr(65 + n % 26)}.",
            phone=f"070-{100 + n:03d} {n % 100:02d} {(n * 7) % 100:02d}" if n % 3 else None,
            email=f"demo{n}@example.se" if n % 3 == 0 else None,
            gender=gender,
            birth_year=birth_year,
            source=source,
        )
        reg = RegistrationInput(
            person=person,
            theme=theme,
            on=on,
            area=area,
            also_themes=tuple(also_themes),
            also_areas=tuple(also_areas),
            consent=True,
            force=True,
        )
        return intake.add(self.store, reg, self.today)["id"]

    def group(
        self,
        theme: str,
        area: str,
        size: int,
        started_days_ago: int,
        starter: str,
        sessions: int,
        followups_ago: list[int],
        ended_days_ago: int | None = None,
        time: str = "18:00",
        venue: str | None = None,
    ) -> int:
        """A group started `started_days_ago` (negative: a plan), meeting weekly on its start
        date's weekday at `time`, where its area's library is unless `venue` says otherwise."""
        start = self.today - timedelta(days=started_days_ago)
        members = [self.person(theme, area, max(started_days_ago, 0) + 30 + i) for i in range(size)]
        group_id = int(
            groups.start_group(
                self.store,
                theme=theme,
                area=area,
                members=members,
                starter=starter,
                starter_sessions=4,
                followup_weeks=6,
                on=start,
                today=self.today,
                weekday=str(start.isoweekday()),
                time=time,
                venue=venue or f"Biblioteket i {area}",
            )["id"]
        )
        for i in range(sessions):
            groups.add_session(
                self.store, group_id, start + timedelta(weeks=i), self.today, attended=size - i % 2
            )
        for days_ago in followups_ago:
            followups.add_followup(
                self.store,
                group_id,
                self.today - timedelta(days=days_ago),
                self.today,
                Outcome.OK,
                method="phone",
            )
        if ended_days_ago is not None:
            groups.end_group(
                self.store, group_id, self.today - timedelta(days=ended_days_ago), self.today
            )
        return group_id


# The history: fixed, so the showcase is the same register every time (--seed is for the
# county and national scales). Weights follow the work: some themes, towns and ways of
# hearing of the groups are far more common than others.
_HISTORY_SEED = 2024
_HISTORY_THEMES = {
    "Utmattning": 6,
    "Stress och oro": 5,
    "Att leva med smärta": 4,
    "Nära anhörigs död": 4,
    "Ensamhet": 3,
    "Separation/skilsmässa": 3,
    "Samtal om livet": 2,
    "Att vara anhörig": 2,
    "Ångest": 2,
    "Att vara i klimakteriet": 1,
}
_HISTORY_AREAS = {"Jönköping": 5, "Huskvarna": 3, "Värnamo": 3, "Habo/Mullsjö": 2, "Digital": 2}
_SOURCE_WEIGHTS = dict(zip(DEMO_SOURCES, [6, 4, 2, 2, 1, 1, 3, 1, 2, 1], strict=True))
# Ages at registration, from the report's bands (−29, 30–44, 45–64, 65−).
_AGES = [((19, 29), 2), ((30, 44), 4), ((45, 64), 4), ((65, 84), 2)]
_STARTERS = ["Eva Lind", "Omar Said", "Lena Berg"]
_HISTORY_GROUPS = 24
_HISTORY_LEFT = 50  # who left the queue without a group: 14 referred, the others withdrawn


class _History:
    """Two years of finished work before today: everyone in it has left the queue (placed,
    withdrawn or referred) and every group in it has ended, so it changes nothing of what the
    showcase shows as current (who waits, which groups can start, which follow-ups are due)."""

    def __init__(self, demo: _Demo) -> None:
        self.demo = demo
        self.today = demo.today
        self.rng = random.Random(_HISTORY_SEED)

    def pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def days(self, ago: int) -> date:
        return self.today - timedelta(days=ago)

    def register(self, theme: str, area: str, on: date) -> int:
        rng = self.rng
        low, high = rng.choices([a for a, _w in _AGES], [w for _a, w in _AGES])[0]
        gender = rng.choices([Gender.WOMAN, Gender.MAN, Gender.OTHER, None], [70, 24, 2, 4])[0]
        also_areas: list[str] = []
        if area != "Digital" and rng.random() < 0.15:  # first chose the next town
            also_areas, area = [area], self.pick({a: 1 for a in _HISTORY_AREAS if a != area})
        return self.demo.register(
            theme,
            area,
            on,
            gender=gender,
            birth_year=on.year - rng.randint(low, high) if rng.random() < 0.95 else None,
            source=self.pick(_SOURCE_WEIGHTS) if rng.random() < 0.9 else None,
            also_areas=also_areas,
        )

    def build(self) -> None:
        for i in range(_HISTORY_GROUPS):
            # Starts spread from about 23 months to 4 months ago.
            self.group(i, 700 - i * 570 // (_HISTORY_GROUPS - 1) + self.rng.randint(-6, 6))
        for i in range(_HISTORY_LEFT):
            referred = i % 7 in (2, 5)
            on = self.days(730 - i * 690 // _HISTORY_LEFT)
            reg = self.register(self.pick(_HISTORY_THEMES), self.pick(_HISTORY_AREAS), on)
            # Referred after the information conversation; withdrawn after weeks of waiting.
            wait = self.rng.randint(0, 10) if referred else self.rng.randint(14, 180)
            left = min(on + timedelta(days=wait), self.days(1))
            leave = intake.refer if referred else intake.withdraw
            leave(self.demo.store, reg, left, self.today)

    def group(self, i: int, started_days_ago: int) -> None:
        rng, store, today = self.rng, self.demo.store, self.today
        theme, area = self.pick(_HISTORY_THEMES), self.pick(_HISTORY_AREAS)
        start = self.days(started_days_ago)
        size = rng.randint(5, 8)
        # Placed after waiting 2 to 20 weeks.
        members = [
            self.register(theme, area, start - timedelta(weeks=rng.randint(2, 20)))
            for _m in range(size)
        ]
        group_id = int(
            groups.start_group(
                store,
                theme=theme,
                area=area,
                members=members,
                starter=_STARTERS[i % len(_STARTERS)],
                starter_sessions=4,
                followup_weeks=6,
                on=start,
                today=today,
            )["id"]
        )
        # Now and then a group does not take off: it ends before its fourth starter session.
        held = rng.randint(1, 3) if i % 9 == 4 else 4
        for number in range(held):
            groups.add_session(
                store,
                group_id,
                start + timedelta(weeks=number),
                today,
                attended=size - rng.randint(0, 2),
            )
        last = start + timedelta(weeks=held - 1)
        if held < 4:
            groups.end_group(store, group_id, last + timedelta(days=rng.randint(7, 21)), today)
            return
        # Runs 3 to 14 months, and has ended by today.
        months = rng.randint(3, max(3, min(14, (started_days_ago - 14) * 12 // 365)))
        end = min(
            start + timedelta(days=months * 365 // 12 + rng.randint(-7, 7)),
            self.days(rng.randint(7, 30)),
        )
        if rng.random() < 0.4:  # one member leaves along the way
            leaves = start + timedelta(days=rng.randint(35, max(36, (end - start).days - 7)))
            groups.remove_member(store, group_id, members[-1], leaves, today)
        while True:  # about every six weeks, most within a week of due, some late
            late = rng.randint(-4, 7) if rng.random() < 0.8 else rng.randint(8, 30)
            done = last + timedelta(weeks=6, days=late)
            if done >= end:
                break
            ending = done + timedelta(weeks=6) >= end and rng.random() < 0.5
            followups.add_followup(
                store,
                group_id,
                done,
                today,
                Outcome.ENDING
                if ending
                else rng.choices([Outcome.OK, Outcome.NEEDS_SUPPORT], [6, 1])[0],
                method=rng.choice(["phone", "phone", "visit"]),
            )
            last = done
        groups.end_group(store, group_id, end, today)


def _build_demo(store: Store, today: date) -> None:
    setup.seed(store, "Demo county", "sv")
    store.execute("INSERT INTO settings (key, value) VALUES ('demo', '1')")
    for area, digital in [
        ("Jönköping", False),
        ("Huskvarna", False),
        ("Habo/Mullsjö", False),
        ("Värnamo", False),
        ("Digital", True),
    ]:
        catalogue.add_area(store, area, digital=digital)
    for name, role in [
        ("Eva Lind", Role.STARTER),
        ("Omar Said", Role.STARTER),
        ("Lena Berg", Role.STARTER),
        ("Maria Ek", Role.COORDINATOR),
    ]:
        catalogue.add_staff(store, name, role)
    demo = _Demo(store, today)

    # Groups in every phase. A follow-up is due 6 weeks (42 days) after the last one.
    demo.group("Samtal om livet", "Jönköping", 7, 200, "Eva Lind", 4, [120, 56])  # overdue
    # Due on this week's Friday (a follow-up due on a weekend moves to the Monday after).
    friday = max(0, (week_end(today) - today).days - 2)
    demo.group("Nära anhörigs död", "Värnamo", 6, 150, "Omar Said", 4, [42 - friday])  # this week
    demo.group("Ensamhet", "Huskvarna", 8, 120, "Lena Berg", 4, [21])  # due later
    demo.group("Separation/skilsmässa", "Jönköping", 6, 14, "Eva Lind", 2, [])  # starting
    demo.group("Att vara anhörig", "Värnamo", 5, 7, "Omar Said", 1, [])  # starting
    demo.group(
        "Att leva med smärta",
        "Habo/Mullsjö",
        6,
        400,
        "Lena Berg",
        4,
        [330, 280],
        ended_days_ago=200,
    )  # ended

    # Planned to start on Fridays a week before the next Friday holiday (långfredagen,
    # midsommarafton, juldagen …): its plan shows the session moved off the holiday.
    county = holidays.county_calendar(store)
    holiday = today + timedelta(days=14 + (4 - today.weekday()) % 7)
    while county.holiday(holiday) is None:
        holiday += timedelta(weeks=1)
    demo.group(
        "Att vara anhörig",
        "Jönköping",
        5,
        (today - holiday).days + 7,
        "Lena Berg",
        0,
        [],
        time="17:30",
        venue="Träffpunkten, Östra Storgatan 3",
    )  # planned

    # People waiting: 13, 9, 5, 4 and 2 for one theme and area each.
    for i in range(13):
        demo.person("Utmattning", "Jönköping", 90 - i * 6)
    for i in range(9):
        demo.person(
            "Stress och oro",
            "Huskvarna",
            70 - i * 7,
            also_areas=["Jönköping"] if i % 3 == 0 else [],
        )
    for i in range(5):
        demo.person("Att leva med smärta", "Värnamo", 60 - i * 9)
    for i in range(4):
        demo.person("Ensamhet", "Habo/Mullsjö", 50 - i * 10, also_themes=["Samtal om livet"])
    for i in range(2):
        demo.person("Att vara i klimakteriet", "Digital", 20 - i * 5)
    # And some who left the queue.
    intake.withdraw(store, demo.person("Utmattning", "Värnamo", 80), today, today)
    intake.refer(store, demo.person("Ensamhet", "Jönköping", 40), today, today)

    # Last: the history has the later ids, so the groups and people above keep theirs.
    _History(demo).build()


DEMO_SCALES = ("showcase", "county", "national")


def build_demo(db: str, today: date, scale: str = "showcase", seed: int = 1) -> dict[str, Any]:
    """Build the demo database at `db`, replacing an earlier demo but never a real register.

    `showcase` is a small register with every state; `county` and `national` are large
    made-up registers for benchmarks (see services/synthetic.py)."""
    if scale not in DEMO_SCALES:
        raise Conflict(
            _("unknown scale {scale!r}").format(scale=scale),
            _("use one of: {values}").format(values=", ".join(DEMO_SCALES)),
            code="scale.unknown",
            field="scale",
            value=scale,
            values=list(DEMO_SCALES),
        )
    path = Path(db)
    if path.exists():
        if not _is_demo(path):
            raise Conflict(
                _("{path} exists and is not a demo database: it was left untouched").format(
                    path=path
                ),
                _("give the demo another path"),
                code="demo.not_a_demo",
                field="path",
                path=str(path),
            )
    counts: dict[str, int] = {}

    def fill(store: Store) -> None:  # inside create_db's one transaction
        if scale == "showcase":
            _build_demo(store, today)
            return
        from shgroups.services import synthetic

        setup.seed(store, f"Demo ({scale})", "sv")
        store.execute("INSERT INTO settings (key, value) VALUES ('demo', '1')")
        counts.update(synthetic.build(store, scale, seed, today))

    create_db(path, fill, replace=True)
    return {"db": str(path), "created": True, "scale": scale, **counts}


def _is_demo(path: Path) -> bool:
    try:
        store = open_db(path)
    except StorageError:
        return False
    try:
        return bool(store.value("SELECT value FROM settings WHERE key = 'demo'") == "1")
    finally:
        store.close()


def demo_default_path() -> str:
    return env.demo_db()
