"""Reading the key-category worksheet CSV: columns, numbers, refusals with row/column/value."""

from __future__ import annotations

from pathlib import Path

import pytest

from citycarbon.keycategories import WorksheetError, analyse_csv, read_csv

GOOD = """category,gas,base_year_tco2e,latest_year_tco2e,uncertainty_pct
1.A.1,CO2,500,600,5%
1.A.2,CO2,200,250,20

5.A,CO2,-80,-90,50
"""


def test_reads_columns_percent_signs_and_skips_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "kc.csv"
    path.write_text("\ufeff" + GOOD, encoding="utf-8")  # Excel writes a BOM
    categories, rows = read_csv(path)
    assert rows == [2, 3, 5]
    assert [c.category for c in categories] == ["1.A.1", "1.A.2", "5.A"]
    assert categories[0].uncertainty_pct == 5.0
    assert categories[2].latest_year_tco2e == -90.0
    assert categories[0].gas == "CO2"


def test_analyse_csv_computes_the_same_as_analyse() -> None:
    # Σ|Et| = 600 + 250 + 90 = 940 → shares 63.83, 26.60, 9.57 %.
    result = analyse_csv(GOOD)
    level = result.assessment("L1-latest")
    assert [e.share_pct for e in level.entries] == pytest.approx(
        [6000 / 94, 2500 / 94, 900 / 94], rel=1e-12
    )


@pytest.mark.parametrize(
    ("text", "row", "column", "value"),
    [
        (
            "category,base_year_tco2e,latest_year_tco2e,uncertainty_pct\na,1,2,-5\n",
            2,
            "uncertainty_pct",
            "-5",
        ),
        (
            "category,base_year_tco2e,latest_year_tco2e,uncertainty_pct\na,1,2,abc\n",
            2,
            "uncertainty_pct",
            "abc",
        ),
        (
            "category,base_year_tco2e,latest_year_tco2e,uncertainty_pct\na,1,2,5\nb,1,2,\n",
            3,
            "uncertainty_pct",
            "",
        ),
        ("category,base_year_tco2e,latest_year_tco2e\na,1,2\nb,1x,2\n", 3, "base_year_tco2e", "1x"),
        ("category,base_year_tco2e,latest_year_tco2e\na,1,inf\n", 2, "latest_year_tco2e", "inf"),
        ("category,base_year_tco2e\na,1\n", 1, "latest_year_tco2e", None),
        ("category,base_year_tco2e,latest_year_tco2e,note\na,1,2,x\n", 1, "note", None),
        ("category,base_year_tco2e,latest_year_tco2e\n,1,2\n", 2, "category", None),
    ],
)
def test_refusals_name_row_column_value(text: str, row: int, column: str, value: object) -> None:
    with pytest.raises(WorksheetError) as caught:
        analyse_csv(text)
    problem = caught.value.problems[0]
    assert (problem.row, problem.column, problem.value) == (row, column, value)
    assert f"row {row}" in problem.describe()


def test_every_problem_is_listed_and_nothing_is_returned() -> None:
    text = "category,base_year_tco2e,latest_year_tco2e,uncertainty_pct\na,1,2,-1\nb,x,2,5\n"
    with pytest.raises(WorksheetError) as caught:
        read_csv(text)
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (2, "uncertainty_pct"),
        (3, "base_year_tco2e"),
    ]


def test_analysis_refusals_are_renumbered_to_spreadsheet_rows() -> None:
    text = "category,base_year_tco2e,latest_year_tco2e\na,1,2\n\nb,3,4\nb,5,6\n"
    with pytest.raises(WorksheetError) as caught:
        analyse_csv(text)
    problem = caught.value.problems[0]
    assert (problem.row, problem.column, problem.value) == (5, "category", "b")


def test_empty_worksheets_are_refused() -> None:
    with pytest.raises(WorksheetError):
        analyse_csv("category,base_year_tco2e,latest_year_tco2e\n\n")
    with pytest.raises(WorksheetError):
        analyse_csv("\n")
