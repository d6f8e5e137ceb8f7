"""Small-cell protection (docs/design.md §8, shgroups.services.suppression): worked examples a
coordinator would recognise, and properties checked with a solver of the test's own."""

from __future__ import annotations

import time
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shgroups.services.suppression import Protected, enough, protect


def column(*counts: int) -> list[list[int]]:
    """A list of counts (one per theme, say) as the one-column table it is published as."""
    return [[c] for c in counts]


def hidden_cells(p: Protected) -> set[tuple[int, int]]:
    return {(i, j) for i, row in enumerate(p.cells) for j, h in enumerate(row) if h}


# --- Worked examples ---------------------------------------------------------------------------


def test_a_list_of_themes_hides_the_small_one_and_the_next_smallest() -> None:
    # Utmattning 12, Att leva med smärta 3, Nära anhörigs död 7; total 22 published.
    p = protect(column(12, 3, 7), 5)
    assert hidden_cells(p) == {(1, 0), (2, 0)}  # 22 − 12 = 10 = 3 + 7: two unknowns
    assert p.column_totals == [False]
    assert p.row_totals == [] and p.total is False


def test_a_small_total_is_hidden_with_its_only_cell() -> None:
    # [3, 0, 0] with total 3: the zeros are shown, so the total would give the 3 away.
    p = protect(column(3, 0, 0), 5)
    assert hidden_cells(p) == {(0, 0)}
    assert p.column_totals == [True]


def test_zero_is_published() -> None:
    p = protect(column(0, 12, 0, 9), 5)
    assert hidden_cells(p) == set()
    assert p.column_totals == [False]


def test_nothing_small_nothing_hidden() -> None:
    p = protect([[5, 6], [7, 8]], 5, row_totals=True)
    assert p == Protected(
        cells=[[False, False], [False, False]],
        row_totals=[False, False],
        column_totals=[False, False],
        total=False,
    )


def test_two_columns_with_column_totals() -> None:
    # Themes × (women, men), column totals below: the 3 men hide the 7 men of another theme.
    table = [[12, 3], [8, 9], [6, 7]]
    p = protect(table, 5)
    assert hidden_cells(p) == {(0, 1), (2, 1)}
    assert p.column_totals == [False, False]
    assert p.row_totals == [] and p.total is False


def test_row_and_column_totals_need_a_rectangle() -> None:
    # Themes × towns with every total published: one small cell costs the corners of a
    # rectangle, and no total is hidden.
    table = [[3, 20, 9], [12, 15, 18], [7, 25, 30]]
    p = protect(table, 5, row_totals=True)
    assert hidden_cells(p) == {(0, 0), (0, 2), (2, 0), (2, 2)}
    assert p.row_totals == [False, False, False]
    assert p.column_totals == [False, False, False]
    assert p.total is False  # published (default with both kinds of totals), not hidden


def test_a_small_row_total_takes_another_row_total_with_it() -> None:
    # Without the grand total, the row totals still sum to the column totals: 2 = 6 − 4.
    p = protect([[1, 1], [2, 2]], 3, row_totals=True, total=False)
    assert p.row_totals == [True, True]
    assert p.column_totals == [False, False]
    assert hidden_cells(p) == {(0, 0), (0, 1), (1, 0), (1, 1)}


def test_only_the_grand_total_published() -> None:
    p = protect([[2, 10], [10, 10]], 5, column_totals=False, total=True)
    assert hidden_cells(p) == {(0, 0), (0, 1)}  # 32 − 20 = 12 = 2 + 10
    assert p.column_totals == [] and p.total is False


def test_same_table_same_protection() -> None:
    table = [[3, 20, 9], [12, 4, 18], [7, 25, 1]]
    assert protect(table, 5, row_totals=True) == protect(table, 5, row_totals=True)


def test_empty_table() -> None:
    assert protect([], 5, row_totals=True) == Protected([], [], [], False)


def test_a_ragged_or_negative_table_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        protect([[1, 2], [3]], 5)
    with pytest.raises(ValueError):
        protect([[-1]], 5)


def test_a_report_sized_table_is_protected_in_seconds() -> None:
    # 20 themes × 6 towns, every total published, about one small cell in five.
    table = [[(i * 7 + j * 11) % 31 for j in range(6)] for i in range(20)]
    started = time.perf_counter()
    p = protect(table, 5, row_totals=True)
    assert time.perf_counter() - started < 10
    assert no_hidden_value_is_fixed(table, p, row_totals=True, column_totals=True, total=True)


@pytest.mark.parametrize(
    ("base", "ok"), [(None, False), (0, False), (4, False), (5, True), (120, True)]
)
def test_shares_and_medians_need_a_base_of_min_cell(base: int | None, ok: bool) -> None:
    assert enough(base, 5) is ok


# --- An independent check: the null space of the published equations --------------------------


def equations(
    table: list[list[int]], p: Protected, row_totals: bool, column_totals: bool, total: bool
) -> tuple[list[list[Fraction]], list[str]]:
    """The coefficient matrix of "total − Σ line = 0" for every published total, over the
    hidden values only (shown values are constants). Unknowns named, e.g. "c1,2", "r0", "g"."""
    n, m = len(table), len(table[0]) if table else 0
    unknowns = [f"c{i},{j}" for i, j in sorted(hidden_cells(p))]
    unknowns += [f"r{i}" for i, h in enumerate(p.row_totals) if h]
    unknowns += [f"k{j}" for j, h in enumerate(p.column_totals) if h]
    unknowns += ["g"] if p.total else []
    where = {name: k for k, name in enumerate(unknowns)}

    def equation(total_name: str, cells: list[tuple[int, int]]) -> list[Fraction]:
        row = [Fraction(0)] * len(unknowns)
        if total_name in where:
            row[where[total_name]] += 1
        for i, j in cells:
            if f"c{i},{j}" in where:
                row[where[f"c{i},{j}"]] -= 1
        return row

    matrix = []
    if row_totals:
        matrix += [equation(f"r{i}", [(i, j) for j in range(m)]) for i in range(n)]
    if column_totals:
        matrix += [equation(f"k{j}", [(i, j) for i in range(n)]) for j in range(m)]
    if total:
        matrix.append(equation("g", [(i, j) for i in range(n) for j in range(m)]))
    return matrix, unknowns


def null_space(matrix: list[list[Fraction]], width: int) -> list[list[Fraction]]:
    """A basis of {x : matrix · x = 0}: dense Gauss–Jordan, one basis vector per free column."""
    a = [row[:] for row in matrix]
    pivot_cols: list[int] = []
    r = 0
    for c in range(width):
        p = next((k for k in range(r, len(a)) if a[k][c] != 0), None)
        if p is None:
            continue
        a[r], a[p] = a[p], a[r]
        a[r] = [x / a[r][c] for x in a[r]]
        for k in range(len(a)):
            if k != r and a[k][c] != 0:
                f = a[k][c]
                a[k] = [x - f * y for x, y in zip(a[k], a[r], strict=True)]
        pivot_cols.append(c)
        r += 1
    basis = []
    for free in (c for c in range(width) if c not in pivot_cols):
        x = [Fraction(0)] * width
        x[free] = Fraction(1)
        for k, c in enumerate(pivot_cols):
            x[c] = -a[k][free]
        basis.append(x)
    return basis


def no_hidden_value_is_fixed(
    table: list[list[int]], p: Protected, *, row_totals: bool, column_totals: bool, total: bool
) -> bool:
    """Every hidden value can move while every published equation still holds."""
    matrix, unknowns = equations(table, p, row_totals, column_totals, total)
    basis = null_space(matrix, len(unknowns))
    for x in basis:  # the solver checks itself
        assert all(sum(a * b for a, b in zip(row, x, strict=True)) == 0 for row in matrix)
    return all(any(x[k] != 0 for x in basis) for k in range(len(unknowns)))


def test_the_independent_check_sees_a_value_given_away() -> None:
    # Hiding only the 3 in 12, 3, 7 (total 22) gives it away: the check must say so.
    naive = Protected(
        cells=[[False], [True], [False]], row_totals=[], column_totals=[False], total=False
    )
    assert not no_hidden_value_is_fixed(
        column(12, 3, 7), naive, row_totals=False, column_totals=True, total=False
    )


tables = st.integers(1, 8).flatmap(
    lambda rows: st.integers(1, 3).flatmap(
        lambda cols: st.lists(
            st.lists(st.integers(0, 30), min_size=cols, max_size=cols),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=300, deadline=None)
@given(
    table=tables,
    min_cell=st.integers(3, 6),
    row_totals=st.booleans(),
    column_totals=st.booleans(),
    total=st.sampled_from([None, True, False]),
)
def test_properties(
    table: list[list[int]],
    min_cell: int,
    row_totals: bool,
    column_totals: bool,
    total: bool | None,
) -> None:
    p = protect(table, min_cell, row_totals=row_totals, column_totals=column_totals, total=total)
    grand = (row_totals and column_totals) if total is None else total
    n, m = len(table), len(table[0])
    sums_r = [sum(row) for row in table]
    sums_c = [sum(row[j] for row in table) for j in range(m)]
    g = sum(sums_r)

    # The shape of the answer follows what is published.
    assert [len(row) for row in p.cells] == [m] * n
    assert len(p.row_totals) == (n if row_totals else 0)
    assert len(p.column_totals) == (m if column_totals else 0)
    assert grand or p.total is False

    # (a) every small count is hidden, cells and published totals alike; zero never is.
    small = lambda c: 0 < c < min_cell  # noqa: E731
    for i, row in enumerate(table):
        for j, c in enumerate(row):
            assert not small(c) or p.cells[i][j]
            assert c != 0 or not p.cells[i][j]
    pairs = list(zip(p.row_totals, sums_r, strict=True)) if row_totals else []
    pairs += list(zip(p.column_totals, sums_c, strict=True)) if column_totals else []
    for hidden, value in pairs:
        assert not small(value) or hidden
        assert value != 0 or not hidden
    if grand:
        assert not small(g) or p.total
        assert g != 0 or not p.total

    # (b) the published equations fix no hidden value (checked with the test's own solver).
    assert no_hidden_value_is_fixed(
        table, p, row_totals=row_totals, column_totals=column_totals, total=grand
    )

    # (c) nothing small, nothing hidden.
    published = [c for row in table for c in row]
    published += sums_r if row_totals else []
    published += sums_c if column_totals else []
    published += [g] if grand else []
    if not any(small(c) for c in published):
        assert not hidden_cells(p) and not any(p.row_totals) and not any(p.column_totals)
        assert not p.total
