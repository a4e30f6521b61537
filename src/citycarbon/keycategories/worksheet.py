"""Reading the key-category worksheet from CSV.

Columns (header row, names case-insensitive, in any order):

=====================  ========  ===============================================================
column                 required  content
=====================  ========  ===============================================================
``category``           yes       category name or code (e.g. ``1.A.1 能源工业``)
``base_year_tco2e``    yes       base-year emissions, removals negative [tCO2e]
``latest_year_tco2e``  yes       latest-year emissions, removals negative [tCO2e]
``uncertainty_pct``    no        category uncertainty, half-width of the 95 % interval [%];
                                 when the column is present every line needs a value
``gas``                no        gas of the line, when categories are assessed per gas
=====================  ========  ===============================================================

Rows are numbered as in a spreadsheet: the header is row 1, the first category row 2. Blank lines
are skipped. A percentage may be written ``12.5`` or ``12.5%``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

from citycarbon.csvsheet import Problem, number, open_sheet
from citycarbon.keycategories.analysis import (
    APPROACH1_THRESHOLD_PCT,
    APPROACH2_THRESHOLD_PCT,
    Category,
    KeyCategoryResult,
    analyse,
)
from citycarbon.keycategories.errors import KeyCategoryError, WorksheetError

__all__ = ["COLUMNS", "REQUIRED_COLUMNS", "analyse_csv", "read_csv"]

REQUIRED_COLUMNS: Final = ("category", "base_year_tco2e", "latest_year_tco2e")
COLUMNS: Final = (*REQUIRED_COLUMNS, "uncertainty_pct", "gas")


def read_csv(source: str | Path) -> tuple[list[Category], list[int]]:
    """Read a key-category worksheet.

    Parameters
    ----------
    source : str or pathlib.Path
        A path to a CSV file (UTF-8, with or without BOM), or the CSV text itself when it is a
        ``str`` containing a line break.

    Returns
    -------
    (list of Category, list of int)
        The lines, and the spreadsheet row number of each.

    Raises
    ------
    WorksheetError
        Every problem found: a missing or unknown column, an empty category, a number that is not
        a number, an uncertainty that is not a percentage ≥ 0. Nothing is returned.
    """
    sheet, header_problems = open_sheet(source, COLUMNS, REQUIRED_COLUMNS)
    if sheet is None:
        raise WorksheetError([_error(p) for p in header_problems])
    has_uncertainty = sheet.has("uncertainty_pct")

    problems: list[KeyCategoryError] = []
    categories: list[Category] = []
    rows: list[int] = []
    for row_number, cell in sheet.rows():
        category = cell["category"].strip()
        if not category:
            problems.append(
                KeyCategoryError("a category needs a name", row=row_number, column="category")
            )
        values: dict[str, float] = {}
        for name in ("base_year_tco2e", "latest_year_tco2e"):
            raw = cell[name]
            value = number(raw, percent=False)
            if value is None:
                problems.append(
                    KeyCategoryError(
                        "must be a number of tCO2e", row=row_number, column=name, value=raw
                    )
                )
            else:
                values[name] = value
        uncertainty: float | None = None
        if has_uncertainty:
            raw = cell["uncertainty_pct"]
            value = number(raw, percent=True)
            if value is None or value < 0:
                problems.append(
                    KeyCategoryError(
                        "an uncertainty must be a percentage, a number ≥ 0",
                        row=row_number,
                        column="uncertainty_pct",
                        value=raw,
                    )
                )
            else:
                uncertainty = value
        if len(values) == 2:
            categories.append(
                Category(
                    category=category,
                    base_year_tco2e=values["base_year_tco2e"],
                    latest_year_tco2e=values["latest_year_tco2e"],
                    uncertainty_pct=uncertainty,
                    gas=cell.get("gas", "").strip(),
                )
            )
            rows.append(row_number)
    # Rows too wide for the header, in their place among the others.
    problems = sorted([*map(_error, sheet.problems), *problems], key=lambda p: p.row or 0)
    if problems:
        raise WorksheetError(problems)
    if not categories:
        raise WorksheetError([KeyCategoryError("the worksheet has no category")])
    return categories, rows


def analyse_csv(
    source: str | Path,
    *,
    threshold_pct: float = APPROACH1_THRESHOLD_PCT,
    uncertainty_threshold_pct: float = APPROACH2_THRESHOLD_PCT,
    base_year_level: bool = True,
) -> KeyCategoryResult:
    """Read a worksheet (:func:`read_csv`) and analyse it (:func:`~.analysis.analyse`).

    Refusals name the spreadsheet row; the options are those of ``analyse``.
    """
    categories, rows = read_csv(source)
    try:
        return analyse(
            categories,
            threshold_pct=threshold_pct,
            uncertainty_threshold_pct=uncertainty_threshold_pct,
            base_year_level=base_year_level,
        )
    except WorksheetError as error:
        raise WorksheetError(_renumber(error.problems, rows)) from None


def _renumber(problems: Sequence[KeyCategoryError], rows: Sequence[int]) -> list[KeyCategoryError]:
    return [
        KeyCategoryError(
            p.message,
            row=None if p.row is None else rows[p.row - 1],
            column=p.column,
            value=p.value,
        )
        for p in problems
    ]


def _error(problem: Problem) -> KeyCategoryError:
    return KeyCategoryError(
        problem.message, row=problem.row, column=problem.column, value=problem.value
    )
