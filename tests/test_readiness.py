"""The readiness rule (docs/design.md §3): worked examples and properties."""

from __future__ import annotations

import math
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shgroups import migrations
from shgroups.services.readiness import (
    Candidate,
    Near,
    group_sizes,
    groups_for,
    load_candidates,
    nearly,
    propose,
)
from shgroups.storage import Store


def people(n: int, theme: int = 1, area: int = 1, first_id: int = 1) -> list[Candidate]:
    return [
        Candidate(
            i, f"2026-01-{(i % 28) + 1:02d}", theme, area, frozenset([theme]), frozenset([area])
        )
        for i in range(first_id, first_id + n)
    ]


@pytest.mark.parametrize(
    ("n", "sizes"),
    [(4, []), (5, [5]), (8, [8]), (9, [8]), (13, [7, 6]), (16, [8, 8]), (17, [6, 6, 5]), (0, [])],
)
def test_worked_examples(n: int, sizes: list[int]) -> None:
    assert group_sizes(n, 5, 8) == sizes
    proposals = propose(people(n), 5, 8)
    assert [len(p.members) for p in proposals] == sizes
    assert all(p.waiting == n for p in proposals)


def test_nine_leaves_the_most_recent_waiting() -> None:
    crowd = [
        Candidate(i, f"2026-03-{10 - i:02d}", 1, 1, frozenset([1]), frozenset([1]))
        for i in range(1, 10)
    ]
    (proposal,) = propose(crowd, 5, 8)
    assert 1 not in proposal.members  # registered last (2026-03-09)
    assert proposal.members == (9, 8, 7, 6, 5, 4, 3, 2)


def test_first_choice_comes_before_longer_waiting_alternative() -> None:
    # Nine people could make this pair; eight fit. Two who waited longest have it only as an
    # alternative: the one of them registered last (by id) keeps waiting.
    alternatives = [
        Candidate(i, "2025-01-01", 2, 1, frozenset([1, 2]), frozenset([1])) for i in (100, 101)
    ]
    proposals = propose(people(7, first_id=1) + alternatives, 5, 8)
    assert [(p.theme, p.members) for p in proposals] == [(1, (1, 2, 3, 4, 5, 6, 7, 100))]


def test_largest_pair_is_served_first_and_takes_shared_people() -> None:
    # Six want theme 1 (two of them would also take theme 2); five want theme 2.
    both = [Candidate(i, "2026-01-01", 1, 1, frozenset([1, 2]), frozenset([1])) for i in (1, 2)]
    only1 = people(4, theme=1, first_id=3)
    only2 = people(3, theme=2, first_id=10)
    proposals = propose(both + only1 + only2, 5, 8)
    assert [(p.theme, sorted(p.members)) for p in proposals] == [(1, [1, 2, 3, 4, 5, 6])]


def test_alternative_area_counts() -> None:
    near = [Candidate(i, "2026-01-01", 1, 2, frozenset([1]), frozenset([1, 2])) for i in (7, 8)]
    proposals = propose(people(3) + near, 5, 8)
    assert [(p.area, sorted(p.members)) for p in proposals] == [(1, [1, 2, 3, 7, 8])]


@st.composite
def crowds(draw: st.DrawFn) -> tuple[list[Candidate], int, int]:
    lo = draw(st.integers(2, 6))
    hi = draw(st.integers(lo, 10))
    n = draw(st.integers(0, 60))
    result = []
    for i in range(1, n + 1):
        theme = draw(st.integers(1, 3))
        area = draw(st.integers(1, 3))
        themes = frozenset([theme, *draw(st.lists(st.integers(1, 3), max_size=2))])
        areas = frozenset([area, *draw(st.lists(st.integers(1, 3), max_size=2))])
        day = draw(st.integers(1, 28))
        result.append(Candidate(i, f"2026-02-{day:02d}", theme, area, themes, areas))
    return result, lo, hi


@settings(max_examples=300, deadline=None)
@given(crowds())
def test_properties(case: tuple[list[Candidate], int, int]) -> None:
    crowd, lo, hi = case
    proposals = propose(crowd, lo, hi)
    by_id = {c.id: c for c in crowd}
    taken = [m for p in proposals for m in p.members]
    # Nobody is proposed twice, every group has between min and max members.
    assert len(taken) == len(set(taken))
    assert all(lo <= len(p.members) <= hi for p in proposals)
    # Every member can take the pair.
    for p in proposals:
        assert all(p.theme in by_id[m].themes and p.area in by_id[m].areas for m in p.members)
    # Deterministic, whatever order the candidates come in.
    assert propose(list(reversed(crowd)), lo, hi) == proposals
    # Per pair: the number of groups follows the formula, sizes differ by at most one,
    # and nobody left out of a pair would have come before someone taken.
    taken_before: set[int] = set()
    for pair, group_count in Counter((p.theme, p.area) for p in proposals).items():
        served = [p for p in proposals if (p.theme, p.area) == pair]
        n = served[0].waiting
        assert group_count == min(math.ceil(n / hi), n // lo)
        sizes = [len(p.members) for p in served]
        assert max(sizes) - min(sizes) <= 1
        members = {m for p in served for m in p.members}
        pool = [
            c
            for c in crowd
            if c.id not in taken_before and pair[0] in c.themes and pair[1] in c.areas
        ]
        assert len(pool) == n

        def rank(c: Candidate, pair: tuple[int, int] = pair) -> tuple[bool, str, int]:
            return (not (c.theme == pair[0] and c.area == pair[1]), c.registered_on, c.id)

        chosen = sorted(rank(c) for c in pool if c.id in members)
        left = [rank(c) for c in pool if c.id not in members]
        assert all(chosen[-1] < r for r in left)
        taken_before |= members
    # When nothing more is proposed, no pair has enough people left.
    rest = [c for c in crowd if c.id not in set(taken)]
    remaining = Counter(pair for c in rest for pair in c.pairs())
    assert all(groups_for(n, lo, hi) == 0 for n in remaining.values())


def test_many_waiting_people() -> None:
    """50,000 waiting people across 20 themes and 8 areas: a size O(n²) would not get through."""
    crowd = [
        Candidate(
            i,
            f"2025-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
            i % 20,
            i % 8,
            frozenset([i % 20, (i + 1) % 20]),
            frozenset([i % 8]),
        )
        for i in range(50_000)
    ]
    proposals = propose(crowd, 5, 8)
    taken = [m for p in proposals for m in p.members]
    assert len(taken) == len(set(taken)) > 45_000


# --- nearly ready (`groups ready --almost`) ------------------------------------------------------


def one(
    i: int, theme: int, area: int, themes: tuple[int, ...] = (), areas: tuple[int, ...] = ()
) -> Candidate:
    return Candidate(
        i, f"2026-03-{i:02d}", theme, area, frozenset([theme, *themes]), frozenset([area, *areas])
    )


def test_nearly_ready_worked_example() -> None:
    crowd = [
        # Theme 1 in area 1: three by first choice, and 6 whose alternative theme is 1.
        one(1, 1, 1), one(2, 1, 1), one(3, 1, 1), one(6, 2, 1, themes=(1,)),
        # Theme 1 in area 2: two, too few to list; they are theme 1's alternatives in area 1.
        one(4, 1, 2), one(5, 1, 2),
        # Theme 3 in the digital area 4: three; 11 waits for theme 3 in area 1.
        one(8, 3, 4), one(9, 3, 4), one(10, 3, 4), one(11, 3, 1),
        # Theme 4 in area 1: ten make two groups; 12 would also take theme 1, but is proposed.
        *[one(i, 4, 1) for i in range(20, 29)], one(12, 4, 1, themes=(1,)),
    ]  # fmt: skip
    assert [(p.theme, p.area, len(p.members)) for p in propose(crowd, 5, 8)] == [
        (4, 1, 5),
        (4, 1, 5),
    ]
    assert nearly(crowd, 5, 8) == [
        # 1+1: four waiting (12 is proposed for theme 4), one short, 4 and 5 could come.
        Near(1, 1, waiting=4, short=1, alternatives=2, members=(1, 2, 3, 6)),
        # 3+4: three waiting, two short, 11 could come.
        Near(3, 4, waiting=3, short=2, alternatives=1, members=(8, 9, 10)),
    ]
    # Two short is the limit: three short is not listed. With a minimum of 4, 1+1 is ready
    # (and takes 1, 2, 3, 6), so 1+2 is two short with nobody else waiting for theme 1.
    assert [(n.theme, n.area, n.short, n.alternatives) for n in nearly(crowd, 4, 8)] == [
        (3, 4, 1, 1),
        (1, 2, 2, 0),
    ]


def test_nearly_ready_order_is_deterministic() -> None:
    # In area 1: four for theme 2, four for theme 3, three for theme 1; two more wait for
    # theme 3 in area 2. Fewest short first, then most alternatives, then theme id.
    crowd = [one(i, 1 + i % 3, 1) for i in range(1, 12)] + [one(20, 3, 2), one(21, 3, 2)]
    near = nearly(crowd, 5, 8)
    assert [(n.theme, n.area, n.short, n.alternatives) for n in near] == [
        (3, 1, 1, 2),
        (2, 1, 1, 0),
        (1, 1, 2, 0),
    ]
    assert nearly(list(reversed(crowd)), 5, 8) == near


@settings(max_examples=200, deadline=None)
@given(crowds())
def test_nearly_ready_properties(case: tuple[list[Candidate], int, int]) -> None:
    crowd, lo, hi = case
    taken = {m for p in propose(crowd, lo, hi) for m in p.members}
    for n in nearly(crowd, lo, hi):
        assert 1 <= n.short <= 2 and n.waiting + n.short == lo
        people = [c for c in crowd if c.id in n.members]
        assert len(people) == n.waiting and not taken & set(n.members)
        assert all(n.theme in c.themes and n.area in c.areas for c in people)
        others = [
            c for c in crowd if c.id not in taken and n.theme in c.themes and n.area not in c.areas
        ]
        assert n.alternatives == len(others)


@st.composite
def queues(draw: st.DrawFn) -> tuple[list[Candidate], int, int]:
    """A queue most of whose people name one theme and one area, a few also others."""
    lo = draw(st.integers(2, 6))
    hi = draw(st.integers(lo, 10))
    result = []
    for i in range(1, draw(st.integers(0, 80)) + 1):
        theme, area = draw(st.integers(1, 4)), draw(st.integers(1, 4))
        others = draw(st.integers(0, 9)) == 0  # one in ten names alternatives
        also_themes = draw(st.lists(st.integers(1, 4), max_size=2)) if others else []
        also_areas = draw(st.lists(st.integers(1, 4), max_size=2)) if others else []
        day = f"2026-02-{draw(st.integers(1, 28)):02d}"
        themes, areas = frozenset([theme, *also_themes]), frozenset([area, *also_areas])
        result.append(Candidate(i, day, theme, area, themes, areas))
    return result, lo, hi


def _queue_store(crowd: list[Candidate]) -> Store:
    conn = sqlite3.connect(":memory:")
    migrations.apply(conn)
    conn.execute("PRAGMA foreign_keys = OFF")  # themes and areas by id alone
    for c in crowd:
        conn.execute(
            "INSERT INTO registrations (id, theme_id, area_id, registered_on, status, status_on)"
            " VALUES (?, ?, ?, ?, 'waiting', ?)",
            (c.id, c.theme, c.area, c.registered_on, c.registered_on),
        )
        for table, first, chosen in (
            ("registration_themes", c.theme, c.themes),
            ("registration_areas", c.area, c.areas),
        ):
            for other in chosen - {first}:
                conn.execute(f"INSERT INTO {table} VALUES (?, ?)", (c.id, other))
    return Store(conn, Path(":memory:"))


@settings(max_examples=200, deadline=None)
@given(queues())
def test_reading_only_who_can_be_proposed_proposes_the_same(
    case: tuple[list[Candidate], int, int],
) -> None:
    """`groups ready` reads only the people a proposal can take (load_candidates with
    min_size): it proposes the very groups the whole queue makes."""
    crowd, lo, hi = case
    store = _queue_store(crowd)
    everyone = load_candidates(store)
    assert sorted(everyone) == sorted(crowd)
    proposable = load_candidates(store, min_size=lo)
    assert len({c.id for c in proposable}) == len(proposable)  # nobody read twice
    assert set(proposable) <= set(crowd)
    assert propose(proposable, lo, hi) == propose(crowd, lo, hi)


def test_an_alternative_can_make_a_pair_ready() -> None:
    """Four first choices and one person who also names the pair make a group of five: the
    four are read though their pair alone is short."""
    four = people(4, theme=1, area=1)
    also = Candidate(9, "2026-01-01", 2, 1, frozenset([1, 2]), frozenset([1]))
    store = _queue_store([*four, also])
    (proposal,) = propose(load_candidates(store, min_size=5), 5, 8)
    assert sorted(proposal.members) == [1, 2, 3, 4, 9]
