"""The interchange format of enterprise reports: JSON, YAML and the Excel template.

A file holds one or more enterprise-year reports (``docs/interchange.md``). Reading a file gives,
for every report in it, either a :class:`~citycarbon.accounting.engine.ReportInput` ready for
:func:`~citycarbon.accounting.engine.compute_report`, or the problems that refuse it, each naming
the report, the line, the field and the value (and, for Excel, the sheet, row and column).

The three forms read into the same inputs: a line's values are put in one normal form whatever
file they came from, so the filled Excel template and the equivalent JSON give *equal*
``ReportInput`` objects.

Normal form of a line's values (what :class:`~citycarbon.accounting.engine.LineInput` holds):

* a choice field (``fuel`` …): the id as a string;
* ``quantity``: an exact :class:`~decimal.Decimal`, its unit under ``"quantity@given_unit"``;
* any other numeric field: ``{"value": Decimal, "unit": str}``, or a bare ``Decimal`` when no unit
  was written (the engine then refuses it and asks for the unit);
* anything that cannot be read as a number is kept as written, for the engine to refuse with the
  value named.

Problems that cannot be tied to one report (a file that is not JSON, a sheet missing, a header
not understood) raise :class:`InterchangeError`; nothing is read from such a file.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any, Final

import yaml

from citycarbon.accounting.engine import LineInput, ReportInput
from citycarbon.accounting.model import AccountingError, Field, ReportError, SourceType
from citycarbon.accounting.sectors import sectors
from citycarbon.accounting.sources import SOURCE_TYPES
from citycarbon.factors.regions import regions
from citycarbon.numbers import NumberError, to_decimal

__all__ = [
    "LINE_KEYS",
    "REPORT_KEYS",
    "Cell",
    "InterchangeError",
    "ReadReport",
    "check_duplicates",
    "load_document",
    "read_reports",
    "report_from_mapping",
    "report_id_of",
    "reports_from_document",
]

#: Keys a report object may have.
REPORT_KEYS: Final = ("id", "enterprise", "sector", "year", "region", "note", "lines")
#: Keys a line object has besides its source type's fields.
LINE_KEYS: Final = ("source", "label", "unit", "note")
#: Keys the top level of a file may have.
DOCUMENT_KEYS: Final = ("reports", "note")


_NUMBER_AND_UNIT = re.compile(r"^\s*([-+]?(?:\d[\d,]*)?\.?\d+(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


# --------------------------------------------------------------------------------------------
# Errors and locations


class InterchangeError(ValueError):
    """A file that cannot be read as reports at all; names the file, sheet, row and column."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.sheet = sheet
        self.row = row
        self.column = column
        super().__init__(self.describe())

    def describe(self) -> str:
        """The problem and where it is."""
        where = [
            part
            for part in (
                self.path,
                f"sheet {self.sheet}" if self.sheet else None,
                f"row {self.row}" if self.row is not None else None,
                f"column {self.column}" if self.column else None,
            )
            if part
        ]
        return f"{', '.join(where)}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, object]:
        """As plain data."""
        return {
            "path": self.path,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class Cell:
    """Where a value sits in a workbook: sheet, row and (for a single value) column letter."""

    sheet: str
    row: int
    column: str | None = None

    @property
    def ref(self) -> str:
        """The Excel reference, ``Lines!F7`` (or ``Lines!7:7`` for a whole row)."""
        if self.column is None:
            return f"{self.sheet}!{self.row}:{self.row}"
        return f"{self.sheet}!{self.column}{self.row}"

    def describe(self) -> str:
        """``sheet Lines, row 7, column F``."""
        text = f"sheet {self.sheet}, row {self.row}"
        return f"{text}, column {self.column}" if self.column else text

    def as_dict(self) -> dict[str, object]:
        """As plain data."""
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "ref": self.ref}


@dataclass(frozen=True)
class ReadReport:
    """One report as read from a file: its input, or the problems that refuse it.

    ``position`` is the report's place in the file (1-based). ``cells`` locates values read from
    a workbook: ``(line, field)`` → :class:`Cell`, ``line`` being ``None`` for the report's own
    fields and ``field`` ``None`` for a whole row.
    """

    position: int
    id: str
    report: ReportInput | None
    errors: tuple[AccountingError, ...] = ()
    cells: Mapping[tuple[int | None, str | None], Cell] = field(default_factory=dict)

    @property
    def refused(self) -> bool:
        """Whether the report was refused while reading (nothing of it may be computed)."""
        return self.report is None

    def refusal(self) -> ReportError:
        """The refusal as the engine's :class:`ReportError`."""
        return ReportError(self.id, list(self.errors))

    def cell(self, error: AccountingError) -> Cell | None:
        """The workbook cell an error is about, when the report came from a workbook."""
        for key in ((error.line, error.field), (error.line, None)):
            found = self.cells.get(key)
            if found is not None:
                return found
        return None


# --------------------------------------------------------------------------------------------
# One report from a mapping (JSON and YAML objects, rows of the workbook)


def _number(raw: object) -> Decimal | None:
    try:
        return to_decimal(raw)
    except NumberError:
        return None


def _split(raw: object) -> tuple[object, str | None] | None:
    """``(number, unit)`` of a value written as ``{"value", "unit"}`` or ``"20.908 GJ/t"``.

    ``None`` when the value has neither form (a bare number, or something unreadable).
    """
    if isinstance(raw, Mapping):
        unit = raw.get("unit")
        text = "" if unit is None else str(unit).strip()
        return raw.get("value"), text or None
    if isinstance(raw, str):
        match = _NUMBER_AND_UNIT.match(raw)
        if match is None:
            return None
        return match.group(1), match.group(2) or None
    return None


def _normal_numeric(raw: object) -> object:
    """A numeric field's value in normal form (see the module docstring)."""
    parts = _split(raw)
    if parts is None:
        value = _number(raw)
        return raw if value is None else value
    number, unit = parts
    value = _number(number)
    if value is None:
        return number if isinstance(raw, Mapping) else raw
    if unit is None:
        return value
    return {"value": value, "unit": unit}


def _normal_line(
    raw: Mapping[str, Any], report_id: str, number: int, errors: list[AccountingError]
) -> LineInput:
    def refuse(field_name: str | None, value: object, message: str) -> None:
        errors.append(
            AccountingError(message, report=report_id, line=number, field=field_name, value=value)
        )

    source_id = raw.get("source")
    source: SourceType | None = SOURCE_TYPES.get(str(source_id).strip())
    if source_id is None or str(source_id).strip() == "":
        refuse("source", None, "a line needs a source (citycarbon sources lists them)")
        source_id = ""
    elif source is None:
        refuse("source", source_id, f"unknown source; known: {', '.join(sorted(SOURCE_TYPES))}")
    fields: dict[str, Field] = {f.name: f for f in source.fields} if source else {}
    values: dict[str, Any] = {}
    unit = raw.get("unit")
    for key, item in raw.items():
        if key in ("source", "label", "note", "unit") or item is None:
            continue
        if isinstance(item, Mapping):
            extra = sorted(str(k) for k in item if k not in ("value", "unit"))
            if extra:
                refuse(key, dict(item), f"a value is {{value, unit}}; unknown key {extra[0]!r}")
                continue
        spec = fields.get(key)
        if spec is not None and spec.kind == "choice":
            plain_id = isinstance(item, (str, int)) and not isinstance(item, bool)
            values[key] = str(item).strip() if plain_id else item
        elif key == "quantity":
            normal = _normal_numeric(item)
            if isinstance(normal, Mapping):
                if unit is not None:
                    refuse("unit", unit, "the quantity already has its unit; write it once")
                values["quantity"] = normal["value"]
                values["quantity@given_unit"] = normal["unit"]
            else:
                values["quantity"] = normal
        else:
            values[key] = _normal_numeric(item)
    if unit is not None and str(unit).strip() != "" and "quantity@given_unit" not in values:
        if source is not None and "quantity" not in fields:
            refuse("unit", unit, f"{source.id} has no quantity for this unit to belong to")
        else:
            values["quantity@given_unit"] = str(unit).strip()
    label = raw.get("label")
    return LineInput(str(source_id).strip(), values, "" if label is None else str(label))


def report_id_of(data: Mapping[str, Any]) -> str | None:
    raw = data.get("id")
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, Decimal) and raw == raw.to_integral_value():
        raw = int(raw)
    text = str(raw).strip()
    return text or None


def _year(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    value = _number(raw)
    if value is None or value != value.to_integral_value():
        return None
    return int(value)


def report_from_mapping(
    data: object,
    position: int = 1,
    *,
    region: str | None = None,
    require_id: bool = True,
) -> ReportInput:
    """Read one report object of the interchange form.

    Parameters
    ----------
    data : mapping
        The report: ``id``, ``enterprise``, ``sector``, ``year``, ``region``, ``note``, ``lines``.
    position : int
        Its place in the file (1-based), naming it (``#2``) when it has no id.
    region : str, optional
        The region to use when the report names none.
    require_id : bool
        Refuse a report without an id (files); otherwise call it ``#position``.

    Raises
    ------
    ReportError
        With every problem found, each naming the report, line, field and value.
    """
    if not isinstance(data, Mapping):
        name = f"#{position}"
        raise ReportError(
            name,
            [
                AccountingError(
                    "a report must be an object of keys and values",
                    report=name,
                    value=type(data).__name__,
                )
            ],
        )
    given_id = report_id_of(data)
    report_id = given_id or f"#{position}"
    errors: list[AccountingError] = []

    def refuse(field_name: str, value: object, message: str) -> None:
        errors.append(AccountingError(message, report=report_id, field=field_name, value=value))

    if given_id is None and require_id:
        refuse("id", data.get("id"), "a report needs an id (unique in its file)")
    for key in data:
        if key not in REPORT_KEYS:
            refuse(str(key), data[key], f"unknown key; a report has: {', '.join(REPORT_KEYS)}")
    sector_id = data.get("sector")
    if sector_id is None or str(sector_id).strip() == "":
        refuse("sector", None, "a report needs a sector (citycarbon sectors lists them)")
    elif str(sector_id).strip() not in sectors():
        known = ", ".join(sectors())
        refuse("sector", sector_id, f"unknown sector; known: {known}")
    year = _year(data.get("year"))
    if data.get("year") is None:
        refuse("year", None, "a report needs a year")
    elif year is None:
        refuse("year", data.get("year"), "a year is a whole number such as 2012")
    report_region = data.get("region")
    if report_region is None or str(report_region).strip() == "":
        report_region = region
    elif str(report_region).strip() not in regions():
        refuse("region", report_region, f"unknown region; known: {', '.join(regions())}")
    lines = data.get("lines")
    items: list[LineInput] = []
    if not isinstance(lines, list):
        refuse("lines", None if lines is None else type(lines).__name__, "a list of lines needed")
    elif not lines:
        refuse("lines", None, "a report needs at least one line")
    else:
        for number, raw in enumerate(lines, start=1):
            if not isinstance(raw, Mapping):
                errors.append(
                    AccountingError(
                        "a line must be an object of keys and values",
                        report=report_id,
                        line=number,
                        value=raw if isinstance(raw, (str, int, float)) else type(raw).__name__,
                    )
                )
                continue
            items.append(_normal_line(raw, report_id, number, errors))
    if errors:
        raise ReportError(report_id, errors)
    enterprise = data.get("enterprise")
    return ReportInput(
        id=report_id,
        sector=str(sector_id).strip(),
        year=year,
        lines=tuple(items),
        region=None if report_region is None else str(report_region).strip(),
        enterprise="" if enterprise is None else str(enterprise).strip(),
    )


# --------------------------------------------------------------------------------------------
# Documents: JSON and YAML


def load_document(text: str | bytes, kind: str, *, path: str | None = None) -> object:
    """Parse JSON (``kind="json"``) or YAML (``"yaml"``) text; numbers in JSON stay exact."""
    try:
        if kind == "json":
            return json.loads(text, parse_float=Decimal)
        if kind == "yaml":
            return yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise InterchangeError(
            f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", path=path
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InterchangeError(f"not valid YAML: {problem}{at}", path=path) from None
    except UnicodeDecodeError as exc:
        raise InterchangeError(f"not UTF-8 text: {exc.reason}", path=path) from None
    raise InterchangeError(f"unknown document kind {kind!r}", path=path)


def check_duplicates(items: list[ReadReport]) -> list[ReadReport]:
    counts = Counter(item.id for item in items)
    out: list[ReadReport] = []
    for item in items:
        if counts[item.id] < 2:
            out.append(item)
            continue
        places = ", ".join(f"#{other.position}" for other in items if other.id == item.id)
        error = AccountingError(
            f"report id appears {counts[item.id]} times in this file (reports {places}); "
            "ids must be unique, so none of them is computed",
            report=item.id,
            field="id",
            value=item.id,
        )
        out.append(ReadReport(item.position, item.id, None, (error, *item.errors), item.cells))
    return out


def reports_from_document(
    data: object, *, region: str | None = None, path: str | None = None
) -> list[ReadReport]:
    """Every report of a parsed document ``{"reports": [...]}``, in file order.

    Raises
    ------
    InterchangeError
        When the document is not an object with a list of reports.
    """
    if not isinstance(data, Mapping):
        raise InterchangeError(
            'the file must be an object {"reports": [...]} (see docs/interchange.md)', path=path
        )
    for key in data:
        if key not in DOCUMENT_KEYS:
            raise InterchangeError(
                f"unknown top-level key {key!r}; a file has: {', '.join(DOCUMENT_KEYS)}", path=path
            )
    reports = data.get("reports")
    if not isinstance(reports, list):
        raise InterchangeError('the file needs "reports": a list of reports', path=path)
    items: list[ReadReport] = []
    for position, raw in enumerate(reports, start=1):
        try:
            report = report_from_mapping(raw, position, region=region)
        except ReportError as exc:
            name = exc.report or f"#{position}"
            items.append(ReadReport(position, name, None, tuple(exc.errors)))
        else:
            items.append(ReadReport(position, report.id, report))
    return check_duplicates(items)


def read_reports(path: str | Path, *, region: str | None = None) -> list[ReadReport]:
    """Read every report of a ``.json``, ``.yaml``/``.yml`` or ``.xlsx`` file.

    Raises
    ------
    InterchangeError
        When the file cannot be read as reports (names the file, and the sheet, row and column).
    """
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in (".json", ".yaml", ".yml", ".xlsx", ".xlsm"):
        raise InterchangeError(
            f"unknown file type {suffix or '(none)'!r}: give .json, .yaml, .yml or .xlsx",
            path=str(path),
        )
    try:
        content = file.read_bytes()
    except OSError as exc:
        raise InterchangeError(f"cannot read the file: {exc.strerror}", path=str(path)) from None
    if suffix in (".xlsx", ".xlsm"):
        from citycarbon.accounting.workbook import read_excel

        return read_excel(BytesIO(content), region=region, path=str(path))
    kind = "json" if suffix == ".json" else "yaml"
    return reports_from_document(
        load_document(content, kind, path=str(path)), region=region, path=str(path)
    )
