"""The CSV worksheet reader the key-category and uncertainty worksheets share."""

from __future__ import annotations

from pathlib import Path

from citycarbon.csvsheet import Problem, number, open_sheet


def test_header_problems_are_all_named() -> None:
    sheet, problems = open_sheet("\ufeffCategory,weight,category\n", ("category", "x"), ("x",))
    assert sheet is None
    assert problems == [
        Problem("unknown column (expected category, x)", 1, "weight"),
        Problem("a column appears twice", 1),
        Problem("required column is missing", 1, "x"),
    ]


def test_empty_worksheet(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert open_sheet(empty, ("a",), ()) == (None, [Problem("the worksheet is empty")])


def test_rows_are_numbered_padded_and_checked_for_width() -> None:
    sheet, problems = open_sheet("a,b\n1\n\n,,\n2,3,4\n5,6\n", ("a", "b"), ("a",))
    assert sheet is not None
    assert problems == []
    assert list(sheet.rows()) == [(2, {"a": "1", "b": ""}), (6, {"a": "5", "b": "6"})]
    assert sheet.problems == [Problem("3 cells for 2 columns", 5)]


def test_numbers_and_percentages() -> None:
    assert number(" 12.5 ", percent=False) == 12.5
    assert number("12.5%", percent=True) == 12.5
    assert number("12.5%", percent=False) is None
    assert number("nan", percent=False) is None
    assert number("", percent=True) is None
