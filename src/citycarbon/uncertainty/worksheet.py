"""The Approach 1 worksheet as CSV, and the same worksheet as a Monte Carlo model.

Columns (header row, names case-insensitive, in any order):

============================  ========  ==========================================================
column                        required  content
============================  ========  ==========================================================
``category``                  yes       category name or code
``emissions_tco2e``           yes       year-t emissions, removals negative [tCO2e] (column D)
``activity_uncertainty_pct``  yes       activity data uncertainty [%] (column E)
``factor_uncertainty_pct``    yes       emission factor uncertainty [%] (column F)
``base_year_tco2e``           no        base-year emissions [tCO2e] (column C); gives the trend;
                                        when the column is present every line needs a value
``gas``                       no        gas of the line (column B)
============================  ========  ==========================================================

Rows are numbered as in a spreadsheet: the header is row 1. Blank lines are skipped. A percentage
may be written ``5`` or ``5%``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

from citycarbon.csvsheet import Problem, number, open_sheet
from citycarbon.uncertainty.distributions import DISTRIBUTIONS, Variable
from citycarbon.uncertainty.errors import UncertaintyError, WorksheetError
from citycarbon.uncertainty.montecarlo import Cell
from citycarbon.uncertainty.propagation import Approach1Result, Line, approach1

__all__ = ["COLUMNS", "REQUIRED_COLUMNS", "approach1_csv", "read_csv", "worksheet_model"]

REQUIRED_COLUMNS: Final = (
    "category",
    "emissions_tco2e",
    "activity_uncertainty_pct",
    "factor_uncertainty_pct",
)
COLUMNS: Final = (*REQUIRED_COLUMNS, "base_year_tco2e", "gas")
_PERCENT_COLUMNS: Final = ("activity_uncertainty_pct", "factor_uncertainty_pct")


def read_csv(source: str | Path) -> tuple[list[Line], list[int]]:
    """Read an Approach 1 worksheet.

    Parameters
    ----------
    source : str or pathlib.Path
        A path to a CSV file (UTF-8, with or without BOM), or the CSV text itself when it is a
        ``str`` containing a line break.

    Returns
    -------
    (list of Line, list of int)
        The lines and the spreadsheet row number of each.

    Raises
    ------
    WorksheetError
        Every problem found: a missing or unknown column, an empty category, a number that is not
        a number, an uncertainty that is not a percentage ≥ 0. Nothing is returned.
    """
    sheet, header_problems = open_sheet(source, COLUMNS, REQUIRED_COLUMNS)
    if sheet is None:
        raise WorksheetError([_error(p) for p in header_problems])

    problems: list[UncertaintyError] = []
    lines: list[Line] = []
    rows: list[int] = []
    for row_number, cell in sheet.rows():
        category = cell["category"].strip()
        if not category:
            problems.append(
                UncertaintyError("a category needs a name", row=row_number, column="category")
            )
        values: dict[str, float] = {}
        for name in ("emissions_tco2e", "base_year_tco2e"):
            if not sheet.has(name):
                continue
            raw = cell[name]
            value = number(raw, percent=False)
            if value is None:
                problems.append(
                    UncertaintyError(
                        "must be a number of tCO2e", row=row_number, column=name, value=raw
                    )
                )
            else:
                values[name] = value
        for name in _PERCENT_COLUMNS:
            raw = cell[name]
            value = number(raw, percent=True)
            if value is None or value < 0:
                problems.append(
                    UncertaintyError(
                        "an uncertainty must be a percentage, a number ≥ 0",
                        row=row_number,
                        column=name,
                        value=raw,
                    )
                )
            else:
                values[name] = value
        if not problems and not sheet.problems:
            lines.append(
                Line(
                    category=category,
                    emissions_tco2e=values["emissions_tco2e"],
                    activity_uncertainty_pct=values["activity_uncertainty_pct"],
                    factor_uncertainty_pct=values["factor_uncertainty_pct"],
                    base_year_tco2e=values.get("base_year_tco2e"),
                    gas=cell.get("gas", "").strip(),
                )
            )
            rows.append(row_number)
    # Rows too wide for the header, in their place among the others.
    problems = sorted([*map(_error, sheet.problems), *problems], key=lambda p: p.row or 0)
    if problems:
        raise WorksheetError(problems)
    if not lines:
        raise WorksheetError([UncertaintyError("the worksheet has no category")])
    return lines, rows


def approach1_csv(
    source: str | Path,
    *,
    factor_correlated: bool = True,
    activity_correlated: bool = False,
) -> Approach1Result:
    """Read a worksheet (:func:`read_csv`) and compute it (:func:`~.propagation.approach1`).

    Refusals name the spreadsheet row.
    """
    lines, rows = read_csv(source)
    try:
        return approach1(
            lines, factor_correlated=factor_correlated, activity_correlated=activity_correlated
        )
    except WorksheetError as error:
        raise WorksheetError(_renumber(error.problems, rows)) from None


def _renumber(problems: Sequence[UncertaintyError], rows: Sequence[int]) -> list[UncertaintyError]:
    return [
        UncertaintyError(
            p.message,
            row=None if p.row is None else rows[p.row - 1],
            column=p.column,
            value=p.value,
            item=p.item,
        )
        for p in problems
    ]


def _label(line: Line) -> str:
    gas = line.gas.strip()
    return f"{line.category.strip()} ({gas})" if gas else line.category.strip()


def worksheet_model(
    lines: Sequence[Line],
    distribution: str = "normal",
    *,
    base_year: int = 0,
    latest_year: int = 1,
    factor_correlated: bool = True,
    activity_correlated: bool = False,
) -> tuple[list[Cell], list[Variable]]:
    """The Approach 1 worksheet as a Monte Carlo model, with the same assumptions.

    Each line becomes a cell ``D × a × f`` for year t (and ``C × a₀ × f₀`` for the base year),
    where a and f are relative variables of point value 1 with the line's activity and factor
    uncertainties. As in Table 3.2, the factor is by default the same variable in both years
    (``f₀ = f``, correlated) and the activity data are different variables (independent).

    Parameters
    ----------
    lines : sequence of Line
        The worksheet (validate it first with :func:`~.propagation.approach1`).
    distribution : str
        Distribution of every input: ``normal``, ``lognormal``, ``triangular`` or ``uniform``.
    base_year, latest_year : int
        Year labels given to the base-year and year-t cells.
    factor_correlated, activity_correlated : bool
        Whether the factor (activity data) of a category is one variable for both years.

    Returns
    -------
    (list of Cell, list of Variable)
        The model for :func:`~.montecarlo.simulate`. Category labels are ``category`` or
        ``category (gas)``.

    Raises
    ------
    WorksheetError
        When the distribution is unknown.
    """
    if distribution not in DISTRIBUTIONS:
        raise WorksheetError(
            [
                UncertaintyError(
                    f"unknown distribution (expected one of {', '.join(DISTRIBUTIONS)})",
                    column="distribution",
                    value=distribution,
                )
            ]
        )
    cells: list[Cell] = []
    variables: list[Variable] = []
    with_base = bool(lines) and lines[0].base_year_tco2e is not None
    for position, line in enumerate(lines, start=1):
        label = _label(line)
        stem = f"{position}:{label}"
        factor = f"{stem}:factor"
        activity = f"{stem}:activity"
        variables.append(Variable(factor, distribution, 1.0, line.factor_uncertainty_pct))
        variables.append(Variable(activity, distribution, 1.0, line.activity_uncertainty_pct))
        year = latest_year if with_base else None
        cells.append(Cell(label, (activity, factor), year=year, coefficient=line.emissions_tco2e))
        if with_base and line.base_year_tco2e is not None:
            base_factor = factor if factor_correlated else f"{stem}:factor:base"
            base_activity = activity if activity_correlated else f"{stem}:activity:base"
            if not factor_correlated:
                variables.append(
                    Variable(base_factor, distribution, 1.0, line.factor_uncertainty_pct)
                )
            if not activity_correlated:
                variables.append(
                    Variable(base_activity, distribution, 1.0, line.activity_uncertainty_pct)
                )
            cells.append(
                Cell(
                    label,
                    (base_activity, base_factor),
                    year=base_year,
                    coefficient=line.base_year_tco2e,
                )
            )
    return cells, variables


def _error(problem: Problem) -> UncertaintyError:
    return UncertaintyError(
        problem.message, row=problem.row, column=problem.column, value=problem.value
    )
