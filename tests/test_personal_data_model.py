"""A state machine drives add / withdraw / start / end / export / erase / purge / time against
a plain model of the register; after every step the database matches the model and passes
quick_check."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from shgroups.errors import ShgError
from shgroups.services import groups, intake, persons
from shgroups.services.readiness import group_sizes
from shgroups.services.setup import init
from shgroups.storage import open_db

NAMES = ["Alva", "Bo", "Cleo", "Dan", "Ebba", "Frej", "Gun", "Hugo", "Iris", "Jan"]
THEMES = ["Utmattning", "Ensamhet"]


class Register(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp())
        init(str(self.folder / "shg.db"), "Modellän")
        self.store = open_db(self.folder / "shg.db")
        self.today = date(2026, 1, 5)
        self.regs: dict[int, dict[str, Any]] = {}
        self.groups: dict[int, dict[str, Any]] = {}
        self.incarnation = dict.fromkeys(NAMES, 0)

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.folder)

    # --- the model's own questions -------------------------------------------------------------

    def identity_of(self, name: str) -> list[int]:
        return [
            i
            for i, r in self.regs.items()
            if r["name"] == name and r["incarnation"] == self.incarnation[name] and r["identity"]
        ]

    def active_group(self, reg_id: int) -> int | None:
        reg = self.regs[reg_id]
        return reg["group"] if reg["group"] and reg["left_on"] is None else None

    def expect_error(self, call: Any) -> None:
        try:
            call()
        except ShgError:
            return
        raise AssertionError("the service should have refused")

    # --- rules ---------------------------------------------------------------------------------

    @rule(name=st.sampled_from(NAMES), theme=st.sampled_from(THEMES))
    def add(self, name: str, theme: str) -> None:
        def call() -> dict[str, Any]:
            return intake.add_registration(
                self.store,
                person={"name": name, "phone": f"070-{NAMES.index(name):03d} 00 00"},
                theme=theme,
                area=None,
                also_themes=[],
                also_areas=[],
                on=self.today,
                today=self.today,
                consent=True,
                same_as=min(self.identity_of(name), default=None),
            )

        if any(
            self.regs[i]["theme"] == theme and self.regs[i]["status"] in ("waiting", "placed")
            for i in self.identity_of(name)
        ):
            self.expect_error(call)
            return
        if not self.identity_of(name):
            self.incarnation[name] += 1
        reg_id = call()["id"]
        assert reg_id == len(self.regs) + 1
        self.regs[reg_id] = {
            "name": name,
            "incarnation": self.incarnation[name],
            "theme": theme,
            "status": "waiting",
            "status_on": self.today,
            "registered_on": self.today,
            "identity": True,
            "group": None,
            "left_on": None,
        }

    @rule(
        theme=st.sampled_from(THEMES),
        names=st.lists(st.sampled_from(NAMES), min_size=3, max_size=8, unique=True),
    )
    def crowd(self, theme: str, names: list[str]) -> None:
        """Several people at once, so that groups can start."""
        for name in names:
            self.add(name, theme)

    @precondition(lambda self: self.regs)
    @rule(data=st.data())
    def withdraw(self, data: st.DataObject) -> None:
        reg_id = data.draw(st.sampled_from(sorted(self.regs)))
        reg = self.regs[reg_id]
        if reg["status"] != "waiting":
            self.expect_error(lambda: intake.withdraw(self.store, reg_id, self.today, self.today))
            return
        intake.withdraw(self.store, reg_id, self.today, self.today)
        reg.update(status="withdrawn", status_on=self.today)

    @rule(theme=st.sampled_from(THEMES))
    def start(self, theme: str) -> None:
        waiting = sorted(
            (r["registered_on"], i)
            for i, r in self.regs.items()
            if r["theme"] == theme and r["status"] == "waiting"
        )
        sizes = group_sizes(len(waiting), 5, 8)

        def call() -> dict[str, Any]:
            return groups.start_group(
                self.store,
                theme=theme,
                area=None,
                members=None,
                starter=None,
                starter_sessions=None,
                followup_weeks=None,
                on=self.today,
                today=self.today,
            )

        if not sizes:
            self.expect_error(call)
            return
        members = [i for _d, i in waiting[: sizes[0]]]
        result = call()
        event("start: a group")
        assert result["members"] == members
        self.groups[result["id"]] = {"status": "starting"}
        for i in members:
            self.regs[i].update(status="placed", status_on=self.today, group=result["id"])

    @precondition(lambda self: any(g["status"] != "ended" for g in self.groups.values()))
    @rule(data=st.data())
    def end(self, data: st.DataObject) -> None:
        group_id = data.draw(
            st.sampled_from(sorted(i for i, g in self.groups.items() if g["status"] != "ended"))
        )
        groups.end_group(self.store, group_id, self.today, self.today)
        self.groups[group_id]["status"] = "ended"
        for reg in self.regs.values():
            if reg["group"] == group_id and reg["left_on"] is None:
                reg["left_on"] = self.today

    @precondition(lambda self: self.regs)
    @rule(data=st.data())
    def export(self, data: st.DataObject) -> None:
        reg_id = data.draw(st.sampled_from(sorted(self.regs)))
        reg = self.regs[reg_id]
        if not reg["identity"]:
            self.expect_error(lambda: persons.export_person(self.store, reg_id, self.today))
            return
        doc = persons.export_person(self.store, reg_id, self.today).doc
        assert doc["person"]["name"] == reg["name"]
        assert [r["id"] for r in doc["registrations"]] == sorted(self.identity_of(reg["name"]))
        assert {m["registration"] for m in doc["groups"]} <= set(self.identity_of(reg["name"]))

    def forget(self, reg_ids: list[int]) -> None:
        for i in reg_ids:
            reg = self.regs[i]
            if reg["status"] == "waiting" or self.active_group(i):
                reg.update(status="withdrawn", status_on=self.today)
            if self.active_group(i):
                reg["left_on"] = self.today
            reg["identity"] = False

    @precondition(lambda self: self.regs)
    @rule(data=st.data())
    def erase(self, data: st.DataObject) -> None:
        reg_id = data.draw(st.sampled_from(sorted(self.regs)))
        reg = self.regs[reg_id]
        if not reg["identity"]:
            self.expect_error(lambda: persons.erase_person(self.store, reg_id, self.today))
            return
        ids = sorted(self.identity_of(reg["name"]))
        assert persons.erase_person(self.store, reg_id, self.today)["registrations"] == ids
        event(f"erase: {len(ids)} registrations")
        self.forget(ids)

    @rule()
    def purge(self) -> None:
        confirmed_after = self.today - relativedelta(months=12)
        keep_until = self.today - relativedelta(months=6)
        expired = sorted(
            i
            for i, r in self.regs.items()
            if r["status"] == "waiting" and r["identity"] and r["registered_on"] < confirmed_after
        )
        erased: list[int] = []
        for name in NAMES:
            ids = self.identity_of(name)
            if not ids:
                continue
            live = [
                i
                for i in ids
                if (self.regs[i]["status"] == "waiting" and i not in expired)
                or (self.regs[i]["status"] == "placed" and self.active_group(i))
            ]
            ends = [
                self.regs[i]["left_on"]
                if self.regs[i]["status"] == "placed"
                else self.regs[i]["status_on"]
                for i in ids
                if self.regs[i]["status"] != "waiting"
            ]
            if not live and (set(ids) & set(expired) or (ends and max(ends) < keep_until)):
                erased += ids
        result = persons.purge(self.store, self.today, dry_run=False)
        assert (result["expired"], result["erased"]) == (expired, sorted(erased))
        event(f"purge: expired {bool(expired)}, erased {bool(erased)}")
        for i in expired:
            self.regs[i].update(status="withdrawn", status_on=self.today)
        self.forget(erased)

    @rule(days=st.integers(1, 400))
    def advance(self, days: int) -> None:
        self.today += timedelta(days=days)

    # --- after every step ----------------------------------------------------------------------

    @invariant()
    def database_matches_model(self) -> None:
        rows = {
            r["id"]: r
            for r in self.store.rows("SELECT id, status, status_on, person_id FROM registrations")
        }
        assert set(rows) == set(self.regs)
        for i, reg in self.regs.items():
            assert rows[i]["status"] == reg["status"], i
            assert rows[i]["status_on"] == reg["status_on"].isoformat(), i
            assert (rows[i]["person_id"] is not None) == reg["identity"], i
        members = {
            (r["group_id"], r["registration_id"])
            for r in self.store.rows(
                "SELECT group_id, registration_id FROM group_members WHERE left_on IS NULL"
            )
        }
        assert members == {(r["group"], i) for i, r in self.regs.items() if self.active_group(i)}
        orphans = self.store.value(
            "SELECT count(*) FROM persons p WHERE NOT EXISTS "
            "(SELECT 1 FROM registrations r WHERE r.person_id = p.id)"
        )
        assert orphans == 0
        assert self.store.value("PRAGMA quick_check") == "ok"


Register.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
test_register_model = Register.TestCase
