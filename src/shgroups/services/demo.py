"""`shg demo`: a made-up register, built through the same services a coordinator uses.

`showcase` is a small register with every state, dated relative to today, in one transaction;
`county` and `national` are large made-up registers for benchmarks (services/synthetic.py).
A demo only ever replaces an earlier demo, never a real register.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from shgroups import env
from shgroups.dates import week_end
from shgroups.enums import Gender, Outcome, Role
from shgroups.errors import Conflict, StorageError
from shgroups.i18n import _
from shgroups.services import catalogue, followups, groups, intake, setup
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
        self.count += 1
        n = self.count
        on = self.today - timedelta(days=days_ago)
        person = PersonInput(
            name=f"{_NAMES[n % len(_NAMES)]} {chr(65 + n % 26)}.",
            phone=f"070-{100 + n:03d} {n % 100:02d} {(n * 7) % 100:02d}" if n % 3 else None,
            email=f"demo{n}@example.se" if n % 3 == 0 else None,
            gender=Gender.MAN if n % 5 == 0 else Gender.WOMAN,
            birth_year=1950 + (n * 7) % 55,
            source=DEMO_SOURCES[n % len(DEMO_SOURCES)],
        )
        reg = RegistrationInput(
            person=person,
            theme=theme,
            on=on,
            area=area,
            also_themes=tuple(extra.get("also_themes", ())),
            also_areas=tuple(extra.get("also_areas", ())),
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
    ) -> int:
        start = self.today - timedelta(days=started_days_ago)
        members = [self.person(theme, area, started_days_ago + 30 + i) for i in range(size)]
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
    sunday = (week_end(today) - today).days
    demo.group("Nära anhörigs död", "Värnamo", 6, 150, "Omar Said", 4, [42 - sunday])  # this week
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
