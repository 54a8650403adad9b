"""Small-number suppression for reports that leave the school (see docs/reports.md).

Primary: a count from 1 to 4 is shown as "<5". Zero is shown (it describes no pupil).
Complementary: wherever a total is shown, no sum may have exactly one withheld member, or the
withheld value could be worked out by subtraction; another member (the smallest shown non-zero
cell, else the total) is withheld as well, shown as "*", until no such sum is left.
Ratios whose numerator or denominator is withheld are withheld.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

THRESHOLD = 5

SHOWN = "shown"
SMALL = "small"  # primary suppression: 1 to THRESHOLD - 1
WITHHELD = "withheld"  # complementary suppression, or a figure derived from a withheld count


@dataclass(frozen=True)
class Cell:
    """One figure of a report as it may be shown: ``value`` is None whenever it is withheld."""

    value: float | None
    text: str
    status: str = SHOWN

    @property
    def suppressed(self) -> bool:
        return self.status != SHOWN

    def __str__(self) -> str:
        return self.text


SMALL_TEXT = f"<{THRESHOLD}"
WITHHELD_TEXT = "*"


def shown(value: int) -> Cell:
    return Cell(value, str(value))


def small() -> Cell:
    return Cell(None, SMALL_TEXT, SMALL)


def withheld() -> Cell:
    return Cell(None, WITHHELD_TEXT, WITHHELD)


def is_small(value: int) -> bool:
    return 0 < value < THRESHOLD


def count_cell(value: int, *, suppress: bool) -> Cell:
    """A lone count (no total depends on it)."""
    return small() if suppress and is_small(value) else shown(value)


def derived_cell(text: str, value: float | None, *, depends_on: Sequence[Cell]) -> Cell:
    """A ratio, age or other figure computed from counts: withheld if any of them is."""
    if any(cell.suppressed for cell in depends_on):
        return withheld()
    return Cell(value, text)


def percent_cell(numerator: Cell, denominator: Cell) -> Cell:
    if numerator.suppressed or denominator.suppressed:
        return withheld()
    assert numerator.value is not None and denominator.value is not None
    if not denominator.value:
        return Cell(None, "–")
    ratio = 100 * numerator.value / denominator.value
    return Cell(ratio, f"{ratio:.0f}%")


@dataclass
class Grid:
    """A table of counts with optional totals, each figure a Cell."""

    cells: list[list[Cell]]
    row_totals: list[Cell] | None = None
    column_totals: list[Cell] | None = None
    grand_total: Cell | None = None


Pos = tuple[int, int]


def suppress_grid(
    values: Sequence[Sequence[int]],
    *,
    row_totals: Sequence[int] | None = None,
    column_totals: Sequence[int] | None = None,
    grand_total: int | None = None,
    suppress: bool = True,
) -> Grid:
    """Apply primary and complementary suppression to a table and its totals.

    Totals are given rather than summed, because some are not plain sums (a case in two
    categories counts once in "all cases"); every total is nevertheless treated as if it were
    the sum of its row or column, which can only withhold more, never less.
    """
    n_rows = len(values)
    n_cols = len(values[0]) if n_rows else (len(column_totals) if column_totals is not None else 0)
    has_rows, has_cols = row_totals is not None, column_totals is not None
    if has_rows and has_cols and grand_total is None:
        grand_total = sum(row_totals or [])
    table: dict[Pos, int] = {(i, j): values[i][j] for i in range(n_rows) for j in range(n_cols)}
    totals: set[Pos] = set()
    if row_totals is not None:
        for i, row_total in enumerate(row_totals):
            table[(i, n_cols)] = row_total
            totals.add((i, n_cols))
    if column_totals is not None:
        for j, column_total in enumerate(column_totals):
            table[(n_rows, j)] = column_total
            totals.add((n_rows, j))
    if has_rows and has_cols and grand_total is not None:
        table[(n_rows, n_cols)] = grand_total

    equations: list[tuple[list[Pos], Pos]] = []  # (members, total)
    if has_rows:
        equations += [([(i, j) for j in range(n_cols)], (i, n_cols)) for i in range(n_rows)]
    if has_cols:
        equations += [([(i, j) for i in range(n_rows)], (n_rows, j)) for j in range(n_cols)]
    if has_rows and has_cols:
        equations.append(([(n_rows, j) for j in range(n_cols)], (n_rows, n_cols)))
        equations.append(([(i, n_cols) for i in range(n_rows)], (n_rows, n_cols)))

    primary = {pos for pos, value in table.items() if suppress and is_small(value)}
    hidden = set(primary)
    changed = bool(suppress)
    while changed:
        changed = False
        for members, total in equations:
            if not members:
                continue
            unknown = [pos for pos in [*members, total] if pos in hidden]
            if len(unknown) != 1:
                continue
            choice = _complement(members, total, table, hidden)
            hidden.add(choice)
            changed = True

    def cell(pos: Pos) -> Cell:
        if pos in primary:
            return small()
        if pos in hidden:
            return withheld()
        return shown(table[pos])

    return Grid(
        cells=[[cell((i, j)) for j in range(n_cols)] for i in range(n_rows)],
        row_totals=[cell((i, n_cols)) for i in range(n_rows)] if has_rows else None,
        column_totals=[cell((n_rows, j)) for j in range(n_cols)] if has_cols else None,
        grand_total=cell((n_rows, n_cols)) if has_rows and has_cols else None,
    )


def _complement(members: list[Pos], total: Pos, table: dict[Pos, int], hidden: set[Pos]) -> Pos:
    """The second figure to withhold: the smallest shown non-zero member, else the total."""
    candidates = sorted((table[pos], pos) for pos in members if pos not in hidden and table[pos] > 0)
    if candidates:
        return candidates[0][1]
    if total not in hidden:
        return total
    return next(pos for pos in members if pos not in hidden)
