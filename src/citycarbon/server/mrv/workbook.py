"""Excel in and out for the register: the enterprise list template and its reader, the
screening template, and the cell-by-cell parsing that names a refused value by sheet, row,
column and value.

Each data sheet has the field ids in row 1 and a note in row 2 (a row whose first cell starts
with ``#`` is a note; empty rows are skipped). A ``lists`` sheet shows the codes a column
takes (jurisdictions, sector guidelines, reasons); it is not read back.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from citycarbon.server.common.errors import ErrorRecord, ValidationFailedError

__all__ = [
    "ENTERPRISE_SHEETS",
    "SCREENING_SHEETS",
    "Cell",
    "SheetRow",
    "parse_date",
    "parse_decimal",
    "parse_sectors",
    "parse_text",
    "parse_year",
    "read_sheets",
    "template",
]

#: Sheet → its columns, in order (field ids, row 1 of the template).
ENTERPRISE_SHEETS: dict[str, tuple[str, ...]] = {
    "enterprises": (
        "credit_code",
        "name_zh",
        "name_en",
        "jurisdiction",
        "sectors",
        "coverage_reason",
        "coverage_year",
        "coverage_energy_tce",
        "coverage_emissions_tco2e",
        "registered_on",
        "address",
        "note",
    ),
    "facilities": ("credit_code", "code", "name_zh", "name_en"),
    "contacts": ("credit_code", "function", "name", "phone", "email"),
}
SCREENING_SHEETS: dict[str, tuple[str, ...]] = {
    "figures": (
        "credit_code",
        "name_zh",
        "jurisdiction",
        "sectors",
        "year",
        "energy_tce",
        "emissions_tco2e",
    ),
}
#: Columns a row must fill.
REQUIRED: dict[str, tuple[str, ...]] = {
    "enterprises": ("credit_code", "name_zh", "jurisdiction", "sectors", "coverage_reason"),
    "facilities": ("credit_code", "code", "name_zh"),
    "contacts": ("credit_code", "function", "name"),
    "figures": ("credit_code", "name_zh", "jurisdiction", "year"),
}
_TEXT_COLUMNS = {"credit_code", "code", "phone"}
_SEPARATORS = re.compile(r"[,，、;；\s]+")


@dataclass(frozen=True)
class Cell:
    """Where a value sits, for error records: ``field`` is ``sheet.column``."""

    sheet: str
    row: int
    column: str

    @property
    def field(self) -> str:
        return f"{self.sheet}.{self.column}"

    def error(self, message: Any, value: Any) -> ErrorRecord:
        return ErrorRecord(
            message=str(message), field=self.field, value=_shown(value), row=self.row
        )


@dataclass
class SheetRow:
    """One data row: its number as Excel shows it, and its values by column."""

    sheet: str
    number: int
    values: dict[str, Any] = field(default_factory=dict)

    def cell(self, column: str) -> Cell:
        return Cell(self.sheet, self.number, column)

    def get(self, column: str) -> Any:
        return self.values.get(column)


def _shown(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- reading ----------------------------------------------------------------------------------


def read_sheets(
    content: bytes, sheets: Mapping[str, Sequence[str]], *, required_sheets: Iterable[str]
) -> dict[str, list[SheetRow]]:
    """The data rows of each sheet. A file that is not an Excel workbook, a missing required
    sheet or a missing column is refused naming it (nothing is read further)."""
    try:
        book = load_workbook(io.BytesIO(content), data_only=True, read_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ValidationFailedError(
            _("The file is not an Excel workbook (.xlsx): %(error)s") % {"error": error},
            field="file",
            value=None,
        ) from None
    try:
        missing = [name for name in required_sheets if name not in book.sheetnames]
        if missing:
            raise ValidationFailedError(
                _("The workbook has no sheet named %(sheet)s (use the template).")
                % {"sheet": ", ".join(missing)},
                field="file",
                value=", ".join(book.sheetnames),
            )
        result: dict[str, list[SheetRow]] = {}
        problems: list[ErrorRecord] = []
        for name, columns in sheets.items():
            if name not in book.sheetnames:
                result[name] = []
                continue
            rows = book[name].iter_rows(values_only=True)
            header = [parse_text(h) for h in next(rows, None) or ()]
            absent = [c for c in columns if c not in header]
            for column in absent:
                problems.append(
                    ErrorRecord(
                        message=_("The sheet lacks this column (row 1 names the columns)."),
                        field=f"{name}.{column}",
                        value=None,
                        row=1,
                    )
                )
            found: list[SheetRow] = []
            for number, raw in enumerate(rows, start=2):
                if not raw or all(_blank(v) for v in raw):
                    continue
                if isinstance(raw[0], str) and raw[0].lstrip().startswith("#"):
                    continue
                values = {
                    column: raw[index]
                    for index, column in enumerate(header)
                    if column in columns and index < len(raw)
                }
                found.append(SheetRow(name, number, values))
            result[name] = found
        if problems:
            raise ValidationFailedError(
                _("%(count)d problem(s) in the import; nothing was written.")
                % {"count": len(problems)},
                field=problems[0].field,
                value=None,
                errors=problems,
            )
        return result
    finally:
        book.close()


def parse_text(value: Any) -> str:
    """A cell as stripped text (an integral number without its ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def parse_code_text(row: SheetRow, column: str, errors: list[ErrorRecord]) -> str:
    """A code column (credit code, facility code, phone): a number is refused, since Excel
    keeps only 15 significant digits of a number."""
    value = row.get(column)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        errors.append(
            row.cell(column).error(
                _(
                    "Enter this column as text (format the cells as text): Excel keeps only 15 "
                    "digits of a number."
                ),
                value,
            )
        )
        return ""
    return parse_text(value)


def parse_decimal(
    value: Any, cell: Cell, errors: list[ErrorRecord], *, minimum: Decimal = Decimal(0)
) -> Decimal | None:
    """A non-negative exact number (``None`` when the cell is empty)."""
    if _blank(value):
        return None
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        number = (
            Decimal(repr(value))
            if isinstance(value, float)
            else Decimal(str(value).strip().replace(",", ""))
        )
        if not number.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        errors.append(cell.error(_("Expected a number."), value))
        return None
    if number < minimum:
        errors.append(cell.error(_("A quantity cannot be negative."), value))
        return None
    exact = number.quantize(Decimal("0.001")) if abs(number) < Decimal(10) ** 12 else None
    if exact is None or exact != number:
        errors.append(cell.error(_("At most 12 digits before the point and 3 after it."), value))
        return None
    return exact


def parse_year(value: Any, cell: Cell, errors: list[ErrorRecord]) -> int | None:
    if _blank(value):
        return None
    text = parse_text(value)
    if not text.isdigit() or not 1990 <= int(text) <= 2200:
        errors.append(cell.error(_("Expected a year between 1990 and 2200."), value))
        return None
    return int(text)


def parse_date(value: Any, cell: Cell, errors: list[ErrorRecord]) -> date | None:
    if _blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(parse_text(value))
    except ValueError:
        errors.append(cell.error(_("Expected a date (YYYY-MM-DD)."), value))
        return None


def parse_sectors(
    value: Any, cell: Cell, errors: list[ErrorRecord], known: Mapping[str, str]
) -> list[str]:
    """Sector guidelines separated by commas (ids, or names in either language); ``known``
    maps each accepted spelling to its id."""
    found: list[str] = []
    for part in _SEPARATORS.split(parse_text(value)):
        if not part:
            continue
        sector = known.get(part) or known.get(part.lower())
        if sector is None:
            errors.append(cell.error(_("Unknown sector guideline."), part))
            continue
        if sector not in found:
            found.append(sector)
    return found


# --- writing ----------------------------------------------------------------------------------

_HEADER_FILL = PatternFill("solid", fgColor="DCE8F0")


@dataclass(frozen=True)
class SheetSpec:
    """A sheet of a template: its columns, a note per column (row 2), example rows and the
    allowed values of some columns (drop-down lists)."""

    name: str
    columns: Sequence[str]
    notes: Mapping[str, str]
    examples: Sequence[Mapping[str, Any]] = ()
    choices: Mapping[str, Sequence[str]] = field(default_factory=dict)


def template(
    specs: Sequence[SheetSpec], lists: Sequence[tuple[str, Sequence[tuple[str, str]]]]
) -> bytes:
    """A workbook with one sheet per spec (row 1 field ids, row 2 notes, examples) and a
    ``lists`` sheet with the codes of each list and their names."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    bold = Font(bold=True)
    grey = Font(italic=True, color="666666")
    for spec in specs:
        sheet = book.create_sheet(spec.name)
        for index, column in enumerate(spec.columns, start=1):
            letter = get_column_letter(index)
            head = sheet.cell(row=1, column=index, value=column)
            head.font = bold
            head.fill = _HEADER_FILL
            note = spec.notes.get(column, "")
            sheet.cell(row=2, column=index, value=("# " + note) if index == 1 else note).font = grey
            sheet.column_dimensions[letter].width = max(14, min(40, len(note) + 4))
            if column in _TEXT_COLUMNS:
                for row in range(3, 503):
                    sheet.cell(row=row, column=index).number_format = "@"
            allowed = spec.choices.get(column)
            if allowed:
                check = DataValidation(
                    type="list", formula1='"' + ",".join(allowed) + '"', allow_blank=True
                )
                sheet.add_data_validation(check)
                check.add(f"{letter}3:{letter}502")
        for offset, example in enumerate(spec.examples, start=3):
            for index, column in enumerate(spec.columns, start=1):
                value = example.get(column)
                if value is not None:
                    sheet.cell(row=offset, column=index, value=value)
        sheet.freeze_panes = "A3"
    listing = book.create_sheet("lists")
    position = 1
    for title, entries in lists:
        listing.cell(row=1, column=position, value=title).font = bold
        listing.cell(row=1, column=position + 1, value="").font = bold
        for offset, (code, label) in enumerate(entries, start=2):
            listing.cell(row=offset, column=position, value=code)
            listing.cell(row=offset, column=position + 1, value=label)
        listing.column_dimensions[get_column_letter(position)].width = 26
        listing.column_dimensions[get_column_letter(position + 1)].width = 34
        position += 3
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- the templates ----------------------------------------------------------------------------


def _sector_list() -> list[tuple[str, str]]:
    from citycarbon.accounting.sectors import sectors

    return [(key, f"{item.name_zh} · {item.name_en}") for key, item in sectors().items()]


def _jurisdiction_list(jurisdictions: Sequence[Any]) -> list[tuple[str, str]]:
    return [(place.code, place.name_zh) for place in jurisdictions]


def enterprise_template(jurisdictions: Sequence[Any]) -> bytes:
    """The enterprise list to fill: enterprises, their facilities and contacts, and the
    lists of codes."""
    from citycarbon.server.mrv.choices import ContactFunction, CoverageReason

    notes = {
        "credit_code": _("Unified social credit code (18 characters, as text)"),
        "name_zh": _("Chinese name"),
        "name_en": _("English name (optional)"),
        "jurisdiction": _("Jurisdiction code (see the lists sheet)"),
        "sectors": _("Sector guideline ids, comma-separated (see the lists sheet)"),
        "coverage_reason": _("energy, emissions, both or designated"),
        "coverage_year": _("Year the threshold was reached"),
        "coverage_energy_tce": _("Energy use that year [tce]"),
        "coverage_emissions_tco2e": _("Emissions that year [tCO2e]"),
        "registered_on": _("In the register from (YYYY-MM-DD; empty: today)"),
        "address": _("Address (optional)"),
        "note": _("Note (why designated, …)"),
        "code": _("Facility code, unique in the enterprise"),
        "function": _("legal_representative, energy_manager, carbon_manager or other"),
        "name": _("Name"),
        "phone": _("Phone (as text)"),
        "email": _("Email"),
    }
    specs = [
        SheetSpec(
            "enterprises",
            ENTERPRISE_SHEETS["enterprises"],
            notes,
            choices={"coverage_reason": CoverageReason.values()},
        ),
        SheetSpec(
            "facilities",
            ENTERPRISE_SHEETS["facilities"],
            {**notes, "name_zh": _("Facility name in Chinese")},
        ),
        SheetSpec(
            "contacts",
            ENTERPRISE_SHEETS["contacts"],
            notes,
            choices={"function": ContactFunction.values()},
        ),
    ]
    lists = [
        ("jurisdiction", _jurisdiction_list(jurisdictions)),
        ("sectors", _sector_list()),
        ("coverage_reason", [(v, str(label)) for v, label in CoverageReason.choices()]),
        ("function", [(v, str(label)) for v, label in ContactFunction.choices()]),
    ]
    return template(specs, lists)


def screening_template(jurisdictions: Sequence[Any]) -> bytes:
    """Annual figures to screen: one row per enterprise and year."""
    notes = {
        "credit_code": _("Unified social credit code (18 characters, as text)"),
        "name_zh": _("Chinese name"),
        "jurisdiction": _("Jurisdiction code (see the lists sheet)"),
        "sectors": _("Sector guideline ids, comma-separated (optional)"),
        "year": _("Year"),
        "energy_tce": _("Energy use [tce]"),
        "emissions_tco2e": _("Emissions [tCO2e]"),
    }
    specs = [SheetSpec("figures", SCREENING_SHEETS["figures"], notes)]
    lists = [("jurisdiction", _jurisdiction_list(jurisdictions)), ("sectors", _sector_list())]
    return template(specs, lists)
