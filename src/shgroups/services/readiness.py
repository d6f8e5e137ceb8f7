"""The readiness rule (docs/design.md §3): which groups can start now, and with whom.

Pure functions over plain candidates, so the rule can be property-tested without a database.
Cost is O(c log c) in c = candidate-pair entries (people × their theme/area choices): a heap
serves the pair with the most candidates first and is corrected lazily as people are taken.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from datetime import date
from typing import NamedTuple, TypedDict

from shgroups.storage import Store

Pair = tuple[int, int]  # (theme id, area id)


class Candidate(NamedTuple):  # a NamedTuple: thousands are made per run, cheaply
    id: int
    registered_on: str
    theme: int  # first choice
    area: int  # first choice
    themes: frozenset[int]  # first choice and alternatives
    areas: frozenset[int]

    def pairs(self) -> list[Pair]:
        if len(self.themes) == 1 and len(self.areas) == 1:  # most people: no alternatives
            return [(self.theme, self.area)]
        return [(t, a) for t in sorted(self.themes) for a in sorted(self.areas)]


class Proposal(NamedTuple):
    theme: int
    area: int
    waiting: int  # candidates for the pair when it was served
    members: tuple[int, ...]


class ReadyGroup(TypedDict):
    """A proposal as `groups ready` prints it (docs/design.md §4): a TypedDict, the JSON
    document scripts rely on, like the results of the other services (services/groups.py)."""

    theme: str
    area: str
    waiting: int
    members: list[int]  # registration ids, first to be placed first
    theme_id: int
    area_id: int


def groups_for(n: int, min_size: int, max_size: int) -> int:
    """k = min(ceil(n / max), floor(n / min)): how many groups n candidates make."""
    return min(-(-n // max_size), n // min_size)


def first_for(pair: Pair) -> Callable[[Candidate], tuple[bool, str, int]]:
    """Who comes first for a theme and area (docs/design.md §3): those whose first choice it
    is, then the longest waiting, then the lower registration id."""
    theme, area = pair
    return lambda c: (not (c.theme == theme and c.area == area), c.registered_on, c.id)


def group_sizes(n: int, min_size: int, max_size: int) -> list[int]:
    """Sizes of the groups n candidates make, differing by at most one, largest first."""
    k = groups_for(n, min_size, max_size)
    if k == 0:
        return []
    taken = min(n, k * max_size)
    q, r = divmod(taken, k)
    return [q + 1] * r + [q] * (k - r)


def propose(candidates: list[Candidate], min_size: int, max_size: int) -> list[Proposal]:
    by_pair: dict[Pair, list[Candidate]] = {}
    pairs_of: dict[int, list[Pair]] = {}
    for cand in candidates:
        pairs_of[cand.id] = cand.pairs()
        for pair in pairs_of[cand.id]:
            by_pair.setdefault(pair, []).append(cand)
    count = {pair: len(people) for pair, people in by_pair.items()}
    heap = [(-n, pair) for pair, n in count.items()]
    heapq.heapify(heap)
    taken: set[int] = set()
    proposals: list[Proposal] = []
    while heap:
        negative, pair = heapq.heappop(heap)
        n = count.get(pair, 0)
        if n != -negative:  # stale entry: people were taken since it was pushed
            if n > 0:
                heapq.heappush(heap, (-n, pair))
            continue
        sizes = group_sizes(n, min_size, max_size)
        if not sizes:
            break  # the largest pair is not ready, so no smaller one is
        theme, area = pair
        people = sorted((c for c in by_pair[pair] if c.id not in taken), key=first_for(pair))
        del count[pair]
        start = 0
        for size in sizes:
            chosen = people[start : start + size]
            start += size
            proposals.append(Proposal(theme, area, n, tuple(c.id for c in chosen)))
            for cand in chosen:
                taken.add(cand.id)
                for other in pairs_of[cand.id]:
                    if other in count:
                        count[other] -= 1
    return proposals


# Only waiting registrations are read, from the covering index on (status, theme, area,
# date): the cost follows the queue, not the register's history. Alternative choices are rare
# and read separately.
CANDIDATES_SQL = """
SELECT r.id, r.registered_on, r.theme_id, r.area_id
  FROM registrations r
 WHERE r.status = 'waiting' AND (:as_of IS NULL OR r.registered_on <= :as_of)
"""
# Only those who can be in a proposal (`groups ready`): those whose theme and area have at
# least `:fewest` first choices (the pairs found first, then their people from the index),
# and everyone else with alternatives. Someone without alternatives is in one pair only, and
# that pair can never count more than its first choices and everyone with alternatives: when
# that is below min_size it is never proposed, and leaving its people out changes no other
# pair (`ready_groups` passes min_size less the number with alternatives). On a national
# queue that is a third of the people.
PROPOSABLE_SQL = """
WITH ready AS (
    SELECT theme_id, area_id FROM registrations
     WHERE status = 'waiting' AND (:as_of IS NULL OR registered_on <= :as_of)
     GROUP BY theme_id, area_id HAVING count(*) >= :fewest)
SELECT r.id, r.registered_on, r.theme_id, r.area_id
  FROM ready CROSS JOIN registrations r
 WHERE r.status = 'waiting' AND r.theme_id = ready.theme_id AND r.area_id = ready.area_id
   AND (:as_of IS NULL OR r.registered_on <= :as_of)
UNION ALL
SELECT r.id, r.registered_on, r.theme_id, r.area_id
  FROM (SELECT registration_id FROM registration_themes
        UNION SELECT registration_id FROM registration_areas) AS also
 CROSS JOIN registrations r
 WHERE r.id = also.registration_id AND r.status = 'waiting'
   AND (:as_of IS NULL OR r.registered_on <= :as_of)
   AND (r.theme_id, r.area_id) NOT IN ready
"""
ALSO_THEMES_SQL = """
SELECT x.registration_id, x.theme_id
  FROM registration_themes x JOIN registrations r ON r.id = x.registration_id
 WHERE r.status = 'waiting'
"""
ALSO_AREAS_SQL = ALSO_THEMES_SQL.replace("registration_themes", "registration_areas").replace(
    "theme_id", "area_id"
)


def load_candidates(
    store: Store, as_of: date | None = None, min_size: int | None = None
) -> list[Candidate]:
    """The people waiting (registered by `as_of`); with `min_size`, only those who can be
    in a group `propose` makes (PROPOSABLE_SQL): its proposals are the same."""
    also: list[dict[int, list[int]]] = [{}, {}]
    for choices, sql in zip(also, (ALSO_THEMES_SQL, ALSO_AREAS_SQL), strict=True):
        for reg_id, ref in store.execute(sql):
            choices.setdefault(reg_id, []).append(ref)
    themes, areas = also
    day = as_of and as_of.isoformat()
    if min_size is None:
        rows = store.execute(CANDIDATES_SQL, {"as_of": day}).fetchall()
    else:
        fewest = min_size - len(themes.keys() | areas.keys())
        rows = store.execute(PROPOSABLE_SQL, {"as_of": day, "fewest": fewest}).fetchall()
    # Most people name one theme and one area: their sets are shared, one per id (a national
    # queue makes thousands of candidates, and the sets are most of their cost).
    alone: dict[int, frozenset[int]] = {}
    found = []
    for i, day, t, a in rows:
        its_themes = frozenset([t, *themes[i]]) if i in themes else alone.get(t)
        if its_themes is None:
            its_themes = alone[t] = frozenset((t,))
        its_areas = frozenset([a, *areas[i]]) if i in areas else alone.get(a)
        if its_areas is None:
            its_areas = alone[a] = frozenset((a,))
        found.append(Candidate(i, day, t, a, its_themes, its_areas))
    return found


def ready_groups(
    store: Store, min_size: int, max_size: int, as_of: date | None = None
) -> list[ReadyGroup]:
    proposals = propose(load_candidates(store, as_of, min_size), min_size, max_size)
    themes = dict(store.execute("SELECT id, name FROM themes").fetchall())
    areas = dict(store.execute("SELECT id, name FROM areas").fetchall())
    return [
        {
            "theme": themes[p.theme],
            "area": areas[p.area],
            "waiting": p.waiting,
            "members": list(p.members),
            "theme_id": p.theme,
            "area_id": p.area,
        }
        for p in proposals
    ]


class Near(NamedTuple):
    theme: int
    area: int
    waiting: int  # candidates not proposed for a group
    short: int  # how many more would make min_size
    alternatives: int  # others waiting for the theme, in other areas only
    members: tuple[int, ...]  # the candidates, first to be placed first


def nearly(
    candidates: list[Candidate], min_size: int, max_size: int, within: int = 2
) -> list[Near]:
    """The theme/area pairs at most `within` people short of min_size (docs/design.md §3's
    candidates), counting only people `propose` leaves waiting, so a nearly ready pair never
    borrows someone a proposed group needs.

    A pair's alternatives are the other people left waiting who named the theme (first or
    alternative choice) but not the area: asked, they might go there (a digital area, a
    nearby town). Fewest short first, then most alternatives, then theme id and area id."""
    taken = {m for p in propose(candidates, min_size, max_size) for m in p.members}
    by_pair: dict[Pair, list[Candidate]] = {}
    per_theme: dict[int, int] = {}
    for cand in candidates:
        if cand.id in taken:
            continue
        for pair in cand.pairs():
            by_pair.setdefault(pair, []).append(cand)
        for theme in cand.themes:
            per_theme[theme] = per_theme.get(theme, 0) + 1
    near = []
    for (theme, area), people in by_pair.items():
        short = min_size - len(people)
        if 1 <= short <= within:
            people.sort(key=first_for((theme, area)))
            near.append(
                Near(
                    theme,
                    area,
                    len(people),
                    short,
                    per_theme[theme] - len(people),
                    tuple(c.id for c in people),
                )
            )
    near.sort(key=lambda n: (n.short, -n.alternatives, n.theme, n.area))
    return near


class NearlyReady(TypedDict):
    """A pair one or two short, as `groups ready --almost` prints it."""

    theme: str
    area: str
    waiting: int
    short: int
    alternatives: int
    members: list[int]
    theme_id: int
    area_id: int


def nearly_ready(
    store: Store, min_size: int, max_size: int, as_of: date | None = None
) -> list[NearlyReady]:
    near = nearly(load_candidates(store, as_of), min_size, max_size)
    themes = dict(store.execute("SELECT id, name FROM themes").fetchall())
    areas = dict(store.execute("SELECT id, name FROM areas").fetchall())
    return [
        {
            "theme": themes[n.theme],
            "area": areas[n.area],
            "waiting": n.waiting,
            "short": n.short,
            "alternatives": n.alternatives,
            "members": list(n.members),
            "theme_id": n.theme,
            "area_id": n.area,
        }
        for n in near
    ]
