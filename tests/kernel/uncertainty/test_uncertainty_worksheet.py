"""The Approach 1 worksheet CSV, and the same worksheet run as a Monte Carlo model."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from citycarbon.uncertainty import (
    Z95,
    WorksheetError,
    approach1,
    approach1_csv,
    read_csv,
    simulate,
    worksheet_model,
)

# The hand-worked worksheet of test_uncertainty_approach1.py: ΣH = 24.7696, total ±4.9769 %.
WORKSHEET = """\
category,base_year_tco2e,emissions_tco2e,activity_uncertainty_pct,factor_uncertainty_pct
1,100,120,3,4
2,50,60,6%,8

3,50,70,5,12
"""


def test_reads_the_worksheet_with_spreadsheet_rows(tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_text("\ufeff" + WORKSHEET, encoding="utf-8")
    lines, rows = read_csv(path)
    assert rows == [2, 3, 5]
    assert lines[1].activity_uncertainty_pct == 6
    assert lines[2].base_year_tco2e == 50
    result = approach1_csv(path)
    assert result.uncertainty_pct == pytest.approx(math.sqrt(24.7696), rel=1e-12)
    assert result.trend_pct == pytest.approx(25, rel=1e-15)


@pytest.mark.parametrize(
    ("text", "row", "column", "value"),
    [
        (
            "category,emissions_tco2e,activity_uncertainty_pct,factor_uncertainty_pct\na,10,-5,3\n",
            2,
            "activity_uncertainty_pct",
            "-5",
        ),
        (
            "category,emissions_tco2e,activity_uncertainty_pct,factor_uncertainty_pct\na,10,5,high\n",
            2,
            "factor_uncertainty_pct",
            "high",
        ),
        (
            "category,emissions_tco2e,activity_uncertainty_pct,factor_uncertainty_pct\na,10,5,\n",
            2,
            "factor_uncertainty_pct",
            "",
        ),
        (
            "category,emissions_tco2e,activity_uncertainty_pct,factor_uncertainty_pct\na,ten,5,3\n",
            2,
            "emissions_tco2e",
            "ten",
        ),
        (
            "category,emissions_tco2e,activity_uncertainty_pct\na,10,5\n",
            1,
            "factor_uncertainty_pct",
            None,
        ),
        (
            "category,emissions_tco2e,activity_uncertainty_pct,factor_uncertainty_pct,distribution\na,10,5,3,normal\n",
            1,
            "distribution",
            None,
        ),
        (
            "category,emissions_tco2e,activity_uncertainty_pct,factor_uncertainty_pct,base_year_tco2e\na,10,5,3,8\nb,10,5,3,\n",
            3,
            "base_year_tco2e",
            "",
        ),
    ],
)
def test_refusals_name_row_column_value(text: str, row: int, column: str, value: object) -> None:
    with pytest.raises(WorksheetError) as caught:
        approach1_csv(text)
    problem = caught.value.problems[0]
    assert (problem.row, problem.column, problem.value) == (row, column, value)


def test_computation_refusals_are_renumbered_to_spreadsheet_rows() -> None:
    text = (
        "category,emissions_tco2e,activity_uncertainty_pct,factor_uncertainty_pct\n"
        "a,10,5,3\n\nb,20,5,3\na,5,1,1\n"
    )
    with pytest.raises(WorksheetError) as caught:
        approach1_csv(text)
    assert (caught.value.problems[0].row, caught.value.problems[0].column) == (5, "category")


def test_worksheet_model_shares_the_factor_between_years() -> None:
    lines, _ = read_csv(WORKSHEET)
    cells, variables = worksheet_model(lines)
    # Per line: one factor (both years) and an activity variable for each year.
    assert len(cells) == 6
    assert len(variables) == 9
    base_cell = next(c for c in cells if c.year == 0 and c.category == "1")
    latest_cell = next(c for c in cells if c.year == 1 and c.category == "1")
    assert base_cell.factors[1] == latest_cell.factors[1]  # the same factor variable
    assert base_cell.factors[0] != latest_cell.factors[0]  # a different activity variable
    assert (base_cell.coefficient, latest_cell.coefficient) == (100, 120)
    _, independent = worksheet_model(lines, factor_correlated=False)
    assert len(independent) == 12  # and a second factor per line


def test_monte_carlo_agrees_with_approach_1_when_uncertainties_are_small() -> None:
    # Approach 1 total: ±4.9769 %. For products of normals the exact relative variance adds
    # E²F²/z⁴ terms (< 0.003 %² here), so Approach 2 must agree within its sampling error.
    # With N = 100 000 the half-width of a near-normal total has a relative standard error of
    # √2·√(0.025·0.975/N)/(φ(1.96)·2·1.96) ≈ 0.3 %; 2 % is over five of them (3 % for the trend,
    # whose ratio of totals adds a little skew).
    lines, _ = read_csv(WORKSHEET)
    cells, variables = worksheet_model(lines)
    result = simulate(cells, variables, 100_000, seed=2024)
    approach_1 = approach1(lines)
    assert result.total(1).half_width_pct == pytest.approx(approach_1.uncertainty_pct, rel=0.02)
    assert result.trend(0, 1).half_width_pct == pytest.approx(
        approach_1.trend_uncertainty_pct, rel=0.03
    )
    assert result.total(1).estimate == pytest.approx(250, rel=1e-15)
    assert result.category("3", 1).half_width_pct == pytest.approx(13, rel=0.02)
    assert Z95 > 1.95


def test_unknown_distribution_is_refused() -> None:
    lines, _ = read_csv(WORKSHEET)
    with pytest.raises(WorksheetError) as caught:
        worksheet_model(lines, "gamma")
    assert (caught.value.problems[0].column, caught.value.problems[0].value) == (
        "distribution",
        "gamma",
    )
