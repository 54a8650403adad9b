"""The small-number rule: primary "<5", complementary "*", ratios, and zero shown."""

from __future__ import annotations

import itertools

import pytest

from reports.suppression import (
    SMALL,
    WITHHELD,
    Cell,
    Grid,
    count_cell,
    derived_cell,
    percent_cell,
    shown,
    small,
    suppress_grid,
)

pytestmark = pytest.mark.smoke


def texts(cells):
    return [cell.text for cell in cells]


def full(grid: Grid) -> tuple[list[Cell], list[Cell], Cell]:
    """Row totals, column totals and the grand total of a grid that has them all."""
    assert grid.row_totals is not None and grid.column_totals is not None and grid.grand_total
    return grid.row_totals, grid.column_totals, grid.grand_total


def row_totals(grid: Grid) -> list[Cell]:
    assert grid.row_totals is not None
    return grid.row_totals


@pytest.mark.parametrize(("value", "text"), [(0, "0"), (1, "<5"), (4, "<5"), (5, "5"), (123, "123")])
def test_counts_from_one_to_four_are_shown_as_less_than_five_and_zero_is_shown(value, text):
    cell = count_cell(value, suppress=True)
    assert cell.text == text
    assert cell.suppressed == (0 < value < 5)
    assert cell.value == (None if cell.suppressed else value)


def test_inside_the_school_nothing_is_suppressed():
    grid = suppress_grid([[1, 2], [3, 40]], row_totals=[3, 43], column_totals=[4, 42], suppress=False)
    assert [texts(row) for row in grid.cells] == [["1", "2"], ["3", "40"]]
    rows, columns, grand = full(grid)
    assert texts(rows) == ["3", "43"]
    assert texts(columns) == ["4", "42"]
    assert grand.text == "46"


def test_one_small_cell_in_a_row_with_a_total_withholds_a_second_cell():
    # Row 0: 3 + 10 + 20 = 33. Showing 10, 20 and 33 would give the 3 away.
    grid = suppress_grid([[3, 10, 20]], row_totals=[33])
    assert texts(grid.cells[0]) == ["<5", "*", "20"]  # the smallest shown cell goes
    assert grid.cells[0][0].status == SMALL
    assert grid.cells[0][1].status == WITHHELD
    assert row_totals(grid)[0].text == "33"


def test_complementary_suppression_runs_until_no_sum_has_a_single_unknown():
    values = [[3, 10, 20], [12, 15, 30], [8, 9, 40]]
    grid = suppress_grid(
        values,
        row_totals=[sum(r) for r in values],
        column_totals=[sum(c) for c in zip(*values, strict=True)],
    )
    rows, columns, grand = full(grid)
    table = [[*grid.cells[i], rows[i]] for i in range(3)] + [[*columns, grand]]
    hidden = {(i, j) for i in range(4) for j in range(4) if table[i][j].suppressed}
    for i in range(4):  # every row and column, totals included, has 0 or at least 2 unknowns
        assert len([j for j in range(4) if (i, j) in hidden]) != 1
    for j in range(4):
        assert len([i for i in range(4) if (i, j) in hidden]) != 1
    assert table[0][0].text == "<5"
    # No withheld cell can be solved from what is shown.
    assert _solutions(values, table) > 1


def _solutions(values, table):
    """How many non-negative tables match every shown figure (brute force on the hidden ones)."""
    hidden = [(i, j) for i in range(3) for j in range(3) if table[i][j].suppressed]
    shown_rows = {i: table[i][3].value for i in range(3) if not table[i][3].suppressed}
    shown_cols = {j: table[3][j].value for j in range(3) if not table[3][j].suppressed}
    count = 0
    for guess in itertools.product(range(0, 25), repeat=len(hidden)):
        trial = [row[:] for row in values]
        for (i, j), v in zip(hidden, guess, strict=True):
            if table[i][j].status == SMALL and not 0 < v < 5:
                break
            trial[i][j] = v
        else:
            if all(sum(trial[i]) == t for i, t in shown_rows.items()) and all(
                sum(trial[i][j] for i in range(3)) == t for j, t in shown_cols.items()
            ):
                count += 1
    return count


def test_a_column_with_one_small_cell_and_a_total_loses_a_second_cell():
    # Coverage per class: the visited column sums to the school total.
    grid = suppress_grid([[30, 2], [28, 25], [31, 27]], column_totals=[89, 54])
    assert texts([row[1] for row in grid.cells]) == ["<5", "*", "27"]
    assert texts([row[0] for row in grid.cells]) == ["30", "28", "31"]
    assert texts(grid.column_totals) == ["89", "54"]


def test_when_no_other_cell_can_hide_it_the_total_is_withheld():
    grid = suppress_grid([[3, 0, 0]], row_totals=[3])
    assert texts(grid.cells[0]) == ["<5", "0", "0"]
    assert row_totals(grid)[0].text == "<5"  # 3 itself is small
    grid = suppress_grid([[3], [0]], column_totals=[3])
    assert texts(grid.column_totals) == ["<5"]


def test_two_small_cells_need_no_complement():
    grid = suppress_grid([[2, 3, 40]], row_totals=[45])
    assert texts(grid.cells[0]) == ["<5", "<5", "40"]
    assert row_totals(grid)[0].text == "45"


def test_a_ratio_is_withheld_when_either_side_is():
    assert percent_cell(shown(3), shown(12)).text == "25%"
    assert percent_cell(small(), shown(12)).text == "*"
    assert percent_cell(shown(30), small()).text == "*"
    assert percent_cell(shown(0), shown(0)).text == "–"
    assert derived_cell("9", 9, depends_on=[small()]).text == "*"
    assert derived_cell("9", 9, depends_on=[shown(7)]).text == "9"
