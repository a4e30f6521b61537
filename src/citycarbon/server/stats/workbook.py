"""The statistics workbook: the same Excel format as ``citycarbon template targets``.

Reading and writing are the CLI's own functions (``citycarbon.cli.targets.workbook_to_input``
and ``input_to_workbook``), so a workbook filled for ``citycarbon calc targets`` imports here
and an export runs there unchanged. This module adds only what an import needs beyond the
data: where each figure sits (sheet, row, column), so a refused value is named by its cell.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from citycarbon.cli.targets import SHEETS, input_to_workbook, workbook_to_input
from citycarbon.server.common.errors import ValidationFailedError

__all__ = ["Cell", "WorkbookData", "read_workbook", "write_workbook"]

#: The sheets that hold statistics (the others describe the target set).
DATA_SHEETS = ("years", "fuels", "measures", "indicators")
#: Key columns of each data sheet after jurisdiction and year.
_ITEM_COLUMN = {"fuels": "fuel", "measures": "item", "indicators": "indicator"}


@dataclass(frozen=True)
class Cell:
    """Where a value sits: the sheet, the row (1-based, as Excel shows it) and the column's
    field id (and letter)."""

    sheet: str
    row: int | None
    column: str
    letter: str = ""

    @property
    def field(self) -> str:
        return f"{self.sheet}.{self.column}"


@dataclass
class WorkbookData:
    """A workbook as the CLI reads it, and where each row came from."""

    data: dict[str, Any]
    #: (sheet, jurisdiction, year[, item]) → row number
    rows: dict[tuple[str, ...], int] = field(default_factory=dict)
    #: sheet → field id → column letter
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    #: rows that repeat an earlier key: (sheet, key, row, first row)
    duplicates: list[tuple[str, tuple[str, ...], int, int]] = field(default_factory=list)
    #: period sheet key → row
    period_rows: dict[str, int] = field(default_factory=dict)
    #: rows of the jurisdictions and co2_factors sheets by their key
    context_rows: dict[tuple[str, str], int] = field(default_factory=dict)

    def cell(self, sheet: str, key: tuple[str, ...], column: str) -> Cell:
        row = self.rows.get((sheet, *key))
        return Cell(sheet, row, column, self.columns.get(sheet, {}).get(column, ""))

    def first_row(self, sheet: str, jurisdiction: str, year: str) -> int | None:
        found = [
            row
            for key, row in self.rows.items()
            if key[0] == sheet and key[1] == jurisdiction and key[2] == year
        ]
        return min(found) if found else None

    def locate(self, jurisdiction: str, year: str, kernel_field: str) -> Cell:
        """The cell of a kernel field of (jurisdiction, year): ``co2_t`` → the years sheet,
        ``fuels.raw_coal`` → the fuels sheet row of raw coal, ``measures.x.evidence`` → the
        measures sheet's evidence column, ``indicators.y`` → the indicators sheet."""
        head, _sep, rest = kernel_field.partition(".")
        if head in _ITEM_COLUMN and rest:
            item, _sep, part = rest.partition(".")
            column = (
                part or {"fuels": "quantity", "measures": "points", "indicators": "value"}[head]
            )
            return self.cell(head, (jurisdiction, year, item), column)
        if head in _ITEM_COLUMN:
            row = self.first_row(head, jurisdiction, year)
            column = {"fuels": "quantity", "measures": "item", "indicators": "indicator"}[head]
            return Cell(head, row, column, self.columns.get(head, {}).get(column, ""))
        if kernel_field == "grid_factor":
            column = "value"
            return Cell("period", self.period_rows.get("grid_factor_tco2_per_mwh"), column, "B")
        column = "year" if kernel_field in ("years", "") else kernel_field
        return self.cell("years", (jurisdiction, year), column)


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _index(book: Any, result: WorkbookData) -> None:
    """Record the row of every data row, as the CLI's reader sees them (row 1 holds the field
    ids; rows whose first cell starts with ``#`` are notes; empty rows are skipped)."""
    for name in book.sheetnames:
        sheet = book[name]
        rows: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
        header_row = next(rows, None)
        if header_row is None:
            continue
        header = [_text(h) for h in header_row]
        result.columns[name] = {h: get_column_letter(i + 1) for i, h in enumerate(header) if h}
        for number, raw in enumerate(rows, start=2):
            if not raw or all(v is None or v == "" for v in raw):
                continue
            if isinstance(raw[0], str) and raw[0].startswith("#"):
                continue
            values = dict(zip(header, raw, strict=False))
            if name == "period":
                result.period_rows[_text(raw[0])] = number
                continue
            if name == "jurisdictions":
                result.context_rows[("jurisdictions", _text(values.get("id")))] = number
                continue
            if name == "co2_factors":
                result.context_rows[("co2_factors", _text(values.get("fuel")))] = number
                continue
            if name not in DATA_SHEETS:
                continue
            key: tuple[str, ...] = (_text(values.get("jurisdiction")), _text(values.get("year")))
            if name in _ITEM_COLUMN:
                key = (*key, _text(values.get(_ITEM_COLUMN[name])))
            if (name, *key) in result.rows:
                result.duplicates.append((name, key, number, result.rows[(name, *key)]))
                continue
            result.rows[(name, *key)] = number
        # The period sheet's header row is itself a key ("key", "value").
        if name == "period" and header and header[0] not in ("key", ""):
            result.period_rows[header[0]] = 1


def read_workbook(content: bytes) -> WorkbookData:
    """The data of a statistics workbook (``.xlsx``) and the position of its rows; a file that
    is not such a workbook is refused naming the problem."""
    try:
        book = load_workbook(io.BytesIO(content), data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ValidationFailedError(
            _("The file is not an Excel workbook (.xlsx): %(error)s") % {"error": error},
            field="file",
            value=None,
        ) from None
    if "years" not in book.sheetnames:
        raise ValidationFailedError(
            _("The workbook has no sheet named %(sheet)s (use the statistics template).")
            % {"sheet": "years"},
            field="file",
            value=", ".join(book.sheetnames),
        )
    result = WorkbookData(data=workbook_to_input(book))
    _index(book, result)
    return result


def write_workbook(data: Mapping[str, Any]) -> bytes:
    """The workbook holding ``data`` (a targets input as plain data)."""
    book = input_to_workbook(data)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def year_columns() -> tuple[str, ...]:
    """The columns of the template's ``years`` sheet after jurisdiction and year."""
    return SHEETS["years"][2:]
