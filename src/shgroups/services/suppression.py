"""Small-cell protection for every count shg publishes or reports (docs/design.md §8).

A count of self-help group figures can name someone: a theme says something about a person's
health, and "2 people wait for Utmattning in Habo" is two neighbours. So every table shg
publishes or reports goes through `protect` first, and a suppressed value is printed as a mark,
never as its number.

A table is rows × columns of non-negative counts. Beside it may be published the row totals
(each row's sum), below it the column totals (each column's sum) and the grand total (the sum of
everything). A simple list with its total is a one-column table with column totals.

The rules:

1. Primary suppression. Every count c with 0 < c < min_cell is suppressed: the cells and the
   published totals alike. Zero is published: it names nobody, and hiding zeros would only hide
   that a theme or a town has no one at all.

2. Secondary suppression. Each published total is an equation: the total is the sum of its
   line. Together these equations must not give away any suppressed value. A suppressed value
   is *given away* when the published figures fix it: solved exactly (with fractions), the
   equations leave it no freedom. While some suppressed value is given away, one more value is
   suppressed, chosen among the values still shown, non-zero, in a line through a value given
   away (a line's cells and its total count alike):
   - the one after which the fewest values are given away;
   - of those, the smallest; of equal ones, the first (cells row by row, then the row totals,
     the column totals, the grand total).
   The lines are the rows (with their totals), the columns (with theirs), all cells (with the
   grand total) and, when both kinds of totals or the grand total are published, the row
   totals and the column totals (whose sum is the grand total). So the 3 in a list
   12, 3, 7 (total 22) takes the 7 with it; a lone small cell inside a table with row and
   column totals takes three more, the corners of a rectangle. Then all is checked again,
   until no suppressed value is given away. Zero is never suppressed in this step either. The
   result depends only on the table and the choices of what is published: the same table is
   always protected the same way.

3. Shares and medians are computed only from a base of at least min_cell (`enough`).

Cost: every round solves the equations again for every candidate (exact Gaussian elimination
over the suppressed values, in sparse rows). A table of 8 rows × 3 columns takes milliseconds,
20 × 6 about a second, 30 × 12 with 40 small cells a few seconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Protected:
    """Which values of a table are suppressed (True) — the table's own shape."""

    cells: list[list[bool]]  # True = suppressed, same shape as the table
    row_totals: list[bool]  # suppressed row totals ([] when row totals are not published)
    column_totals: list[bool]  # suppressed column totals ([] when not published)
    total: bool  # the grand total suppressed (False when not published)


def enough(base: int | None, min_cell: int) -> bool:
    """Whether a share or a median may be computed from `base` people (rule 3)."""
    return base is not None and base >= min_cell


@dataclass(frozen=True)
class _Line:
    members: tuple[int, ...]  # value ids
    total: int | None  # value id of the line's total; None when it is not published


class _Layout:
    """Every value of a publication as an id: cells row by row, row totals, column totals, the
    grand total. Ids of values not published are never used."""

    def __init__(self, n_rows: int, n_cols: int) -> None:
        self.n_rows, self.n_cols = n_rows, n_cols
        self.n_cells = n_rows * n_cols
        self.grand = self.n_cells + n_rows + n_cols

    def cell(self, i: int, j: int) -> int:
        return i * self.n_cols + j

    def row_total(self, i: int) -> int:
        return self.n_cells + i

    def column_total(self, j: int) -> int:
        return self.n_cells + self.n_rows + j


def protect(
    table: Sequence[Sequence[int]],
    min_cell: int,
    *,
    row_totals: bool = False,
    column_totals: bool = True,
    total: bool | None = None,
) -> Protected:
    """Which values of `table` and of its published totals must be suppressed (the module's
    rules 1 and 2)."""
    n_rows = len(table)
    n_cols = len(table[0]) if n_rows else 0
    if any(len(row) != n_cols for row in table):
        raise ValueError("every row of the table must have the same number of columns")
    if any(c < 0 for row in table for c in row):
        raise ValueError("counts are never negative")
    grand_published = (row_totals and column_totals) if total is None else total

    at = _Layout(n_rows, n_cols)
    value: dict[int, int] = {}  # id -> count, for every published value
    for i, row in enumerate(table):
        for j, c in enumerate(row):
            value[at.cell(i, j)] = c
    cells = [at.cell(i, j) for i in range(n_rows) for j in range(n_cols)]
    rows = [[at.cell(i, j) for j in range(n_cols)] for i in range(n_rows)]
    columns = [[at.cell(i, j) for i in range(n_rows)] for j in range(n_cols)]

    # The published equations: (the total's id, the ids of the cells it sums).
    equations: list[tuple[int, list[int]]] = []
    lines_through: dict[int, list[_Line]] = {v: [] for v in cells}
    row_lines = [_Line(tuple(r), at.row_total(i)) for i, r in enumerate(rows)]
    column_lines = [_Line(tuple(c), at.column_total(j)) for j, c in enumerate(columns)]
    grand_line = _Line(tuple(cells), at.grand)
    margin_total = at.grand if grand_published else None
    row_margin = _Line(tuple(at.row_total(i) for i in range(n_rows)), margin_total)
    column_margin = _Line(tuple(at.column_total(j) for j in range(n_cols)), margin_total)
    if row_totals:
        for i, line in enumerate(row_lines):
            value[at.row_total(i)] = sum(table[i])
            equations.append((at.row_total(i), rows[i]))
            for v in line.members:
                lines_through[v].append(line)
            lines_through[at.row_total(i)] = [line]
            if grand_published or column_totals:
                lines_through[at.row_total(i)].append(row_margin)
    if column_totals:
        for j, line in enumerate(column_lines):
            value[at.column_total(j)] = sum(row[j] for row in table)
            equations.append((at.column_total(j), columns[j]))
            for v in line.members:
                lines_through[v].append(line)
            lines_through[at.column_total(j)] = [line]
            if grand_published or row_totals:
                lines_through[at.column_total(j)].append(column_margin)
    if grand_published:
        value[at.grand] = sum(sum(row) for row in table)
        equations.append((at.grand, cells))
        for v in cells:
            lines_through[v].append(grand_line)
        lines_through[at.grand] = [
            *([row_margin] if row_totals else []),
            *([column_margin] if column_totals else []),
            grand_line,
        ]

    hidden = {v for v, c in value.items() if 0 < c < min_cell}  # rule 1
    while True:  # rule 2: every round suppresses one more value, so it ends
        given_away = sorted(_determined(equations, hidden))
        if not given_away:
            break
        hidden.add(_next_to_hide(given_away, lines_through, value, hidden, equations))

    return Protected(
        cells=[[at.cell(i, j) in hidden for j in range(n_cols)] for i in range(n_rows)],
        row_totals=[at.row_total(i) in hidden for i in range(n_rows)] if row_totals else [],
        column_totals=(
            [at.column_total(j) in hidden for j in range(n_cols)] if column_totals else []
        ),
        total=grand_published and at.grand in hidden,
    )


def _next_to_hide(
    given_away: list[int],
    lines_through: dict[int, list[_Line]],
    value: dict[int, int],
    hidden: set[int],
    equations: list[tuple[int, list[int]]],
) -> int:
    """The value to suppress next (rule 2)."""

    def shown(v: int) -> bool:
        return v not in hidden and value[v] > 0

    candidates = sorted(
        {
            v
            for u in given_away
            for line in lines_through[u]
            for v in (*line.members, *([] if line.total is None else [line.total]))
            if shown(v)
        }
    )
    if not candidates:
        # Not reached while the lines are complete; still safe: something is given away only
        # while a non-zero value is shown (equations of zeros fix nothing), so there is one.
        candidates = [v for v in sorted(value) if shown(v)]
    best, fewest = candidates[0], -1
    for v in sorted(candidates, key=lambda v: (value[v], v)):  # smallest first, then first
        left = len(_determined(equations, hidden | {v}))
        if fewest < 0 or left < fewest:
            best, fewest = v, left
            if left == 0:
                break
    return best


def _determined(equations: Iterable[tuple[int, list[int]]], unknown: set[int]) -> set[int]:
    """The unknowns the equations fix: those whose unit vector lies in the row space of the
    coefficient matrix (the right-hand sides, made of published values, do not matter).

    Each equation says total − Σ cells = 0; a published value is a constant and drops out.
    Gaussian elimination to reduced row echelon form over Fractions, rows kept sparse: an
    unknown is fixed exactly when it is a pivot whose row holds nothing else."""
    pivots: dict[int, dict[int, Fraction]] = {}  # pivot column -> its reduced row
    for total_id, line in equations:
        row: dict[int, Fraction] = {}
        if total_id in unknown:
            row[total_id] = Fraction(1)
        for v in line:
            if v in unknown:
                row[v] = row.get(v, Fraction(0)) - 1
        row = {v: a for v, a in row.items() if a}
        for col in [c for c in row if c in pivots]:  # reduce by the pivots found so far
            factor = row.get(col)
            if not factor:
                continue
            for v, a in pivots[col].items():
                row[v] = row.get(v, Fraction(0)) - factor * a
            row = {v: a for v, a in row.items() if a}
        if not row:
            continue
        col = min(row)
        lead = row[col]
        row = {v: a / lead for v, a in row.items()}
        for other in pivots.values():  # keep the earlier rows reduced
            factor = other.get(col)
            if factor:
                for v, a in row.items():
                    other[v] = other.get(v, Fraction(0)) - factor * a
                for v in [v for v, a in other.items() if not a]:
                    del other[v]
        pivots[col] = row
    return {col for col, row in pivots.items() if len(row) == 1}
