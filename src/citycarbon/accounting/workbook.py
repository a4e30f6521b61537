"""The Excel template of enterprise reports: its columns, reading it, writing it.

Row 1 of each sheet carries the Chinese headers, row 2 the English keys (the JSON keys), data
from row 3. A filled template reads into exactly the ``ReportInput`` objects the equivalent JSON
gives (:mod:`citycarbon.accounting.interchange`); problems name the sheet, row and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Final

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from citycarbon.accounting.engine import ReportInput
from citycarbon.accounting.interchange import (
    Cell,
    InterchangeError,
    ReadReport,
    check_duplicates,
    report_from_mapping,
    report_id_of,
)
from citycarbon.accounting.model import AccountingError, Field, ReportError, SourceType
from citycarbon.accounting.sectors import sectors
from citycarbon.accounting.sources import SOURCE_TYPES
from citycarbon.factors import fuels
from citycarbon.factors.regions import regions
from citycarbon.numbers import to_decimal

__all__ = [
    "HEADER_ROWS",
    "LINES_SHEET",
    "REPORTS_SHEET",
    "Column",
    "line_columns",
    "read_excel",
    "report_columns",
    "write_template",
]

REPORTS_SHEET: Final = "Reports"
LINES_SHEET: Final = "Lines"
README_SHEET: Final = "说明 README"
LISTS_SHEET: Final = "Lists"
#: Rows of the template: Chinese header, English header (the JSON key), then data.
HEADER_ROWS: Final = 2
#: How many rows of the template carry the drop-down lists.
TEMPLATE_ROWS: Final = 1000

# --------------------------------------------------------------------------------------------
# The Excel template: its columns


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the template: the English header is the JSON key."""

    key: str
    title_zh: str
    title_en: str
    help_zh: str
    help_en: str
    choices: tuple[str, ...] = ()
    strict: bool = False
    width: int = 14


#: Units offered in the drop-downs, by the canonical unit of a field (others may be typed).
_UNIT_CHOICES: Final[dict[str, tuple[str, ...]]] = {
    "t": ("t", "10^4 t", "万吨"),
    "10^4 Nm3": ("10^4 Nm3", "万立方米", "Nm3"),
    "GJ": ("GJ", "TJ"),
    "MWh": ("MWh", "10^4 kWh", "万千瓦时", "kWh"),
    "GJ/t": ("GJ/t",),
    "GJ/(10^4 Nm3)": ("GJ/(10^4 Nm3)",),
    "tC/GJ": ("tC/TJ", "tC/GJ"),
    "fraction": ("%", "fraction"),
    "tCO2/MWh": ("tCO2/MWh", "kgCO2/kWh"),
    "tCO2/GJ": ("tCO2/GJ", "kgCO2/GJ"),
}

#: General Chinese headers for field names that several source types use in different senses.
_TITLES_ZH: Final = {
    "carbon_content": "含碳量",
    "oxidation": "碳氧化率",
    "factor": "排放因子",
    "ef": "排放因子",
    "recovered": "回收量",
    "purity": "纯度（含量）",
    "carbonate": "碳酸盐种类",
    "medium": "计量介质",
    "enthalpy": "蒸汽热焓",
    "temperature": "热水温度",
}


def report_columns() -> list[Column]:
    """The columns of the Reports sheet."""
    return [
        Column(
            "id", "报告编号", "report id", "本文件内唯一的报告编号", "Unique in the file", width=12
        ),
        Column(
            "enterprise", "企业名称", "enterprise", "报告主体名称", "Reporting entity", width=28
        ),
        Column(
            "sector",
            "行业",
            "sector",
            "所用行业核算指南（下拉选择；见 Lists 表）",
            "Sector guideline (drop-down; see the Lists sheet)",
            tuple(sectors()),
            True,
            24,
        ),
        Column("year", "年度", "year", "报告年度，如 2012", "Reporting year, e.g. 2012", width=8),
        Column(
            "region",
            "地区",
            "region",
            "省份代码，用于选择电网排放因子缺省值（可空）",
            "Province id, to choose the default grid factor (may be blank)",
            tuple(regions()),
            True,
            12,
        ),
        Column(
            "note", "备注", "note", "备注（不参与计算）", "Not used in the calculation", width=24
        ),
    ]


def _template_sources() -> list[SourceType]:
    """The registered source types, the common ones first."""
    order: list[str] = [s for s in _COMMON_SOURCES if s in SOURCE_TYPES]
    order += [s for s in SOURCE_TYPES if s not in order]
    return [SOURCE_TYPES[s] for s in order]


def _field_uses(name: str) -> list[tuple[SourceType, Field]]:
    return [(s, f) for s in _template_sources() for f in s.fields if f.name == name]


def _field_help(name: str) -> tuple[str, str]:
    """What a column means for each source type that has the field: units, and whether it may be
    left blank for the default."""
    zh, en = [], []
    for source, spec in _field_uses(name):
        if spec.default is not None:
            need_zh, need_en = "留空用缺省值", "blank: the default"
        elif spec.required:
            need_zh, need_en = "必填", "required"
        else:
            need_zh, need_en = "可空", "optional"
        units_zh = "、".join(spec.units) + "；" if spec.units else ""
        units_en = ", ".join(spec.units) + "; " if spec.units else ""
        zh.append(f"{source.id}：{spec.description_zh}（{units_zh}{need_zh}）")
        en.append(f"{source.id}: {spec.description_en} ({units_en}{need_en})")
    return "；".join(zh), "; ".join(en)


def _title_zh(name: str) -> str:
    """A short Chinese header: the field's description without notes in brackets, or a general
    title when source types use the name with different meanings."""
    uses = _field_uses(name)
    meanings = {spec.description_zh for _, spec in uses}
    if name in _TITLES_ZH and len(meanings) != 1:
        return _TITLES_ZH[name]
    text = uses[0][1].description_zh if uses else name
    text = re.sub(r"（[^）]*）|\([^)]*\)", "", text)
    return re.split(r"[，,：:；;]", text, maxsplit=1)[0].strip() or name


def _unit_choices(name: str) -> tuple[str, ...]:
    offered: list[str] = []
    for _, spec in _field_uses(name):
        for unit in spec.units:
            offered.extend(_UNIT_CHOICES.get(unit, (unit,)))
    return tuple(dict.fromkeys(offered))


#: Source types whose columns come first in the template, being in nearly every report.
_COMMON_SOURCES: Final = (
    "fuel_combustion",
    "purchased_electricity",
    "exported_electricity",
    "purchased_heat",
    "exported_heat",
)


def _field_order() -> list[Field]:
    """The fields of the Lines sheet after ``quantity``: each source type's together, the
    common source types first, each name once."""
    seen = {"quantity"}
    fields: list[Field] = []
    for source in _template_sources():
        for spec in source.fields:
            if spec.name not in seen:
                seen.add(spec.name)
                fields.append(spec)
    return fields


def _choice_column(name: str) -> Column:
    options: list[str] = []
    for _, spec in _field_uses(name):
        if spec.choices is not None:
            options.extend(spec.choices())
    zh, en = _field_help(name)
    return Column(name, _title_zh(name), name, zh, en, tuple(dict.fromkeys(options)), True, 18)


def _value_columns(name: str) -> list[Column]:
    zh, en = _field_help(name)
    title = _title_zh(name)
    rate = any(spec.kind == "fraction" for _, spec in _field_uses(name))
    return [
        Column(name, title, name, zh, en),
        Column(
            f"{name}_unit",
            f"{title}单位",
            f"{name} unit",
            f"{title}的单位（填写数值时必填" + ("；比率写 % 或 fraction）" if rate else "）"),
            f"Unit of {name} (required with a value"
            + ("; rates in % or fraction)" if rate else ")"),
            _unit_choices(name),
            False,
            12,
        ),
    ]


def line_columns() -> list[Column]:
    """The columns of the Lines sheet, from the registered source types."""
    zh, en = _field_help("quantity")
    columns = [
        Column(
            "report_id",
            "报告编号",
            "report id",
            "本行所属报告的编号（Reports 表中的编号）",
            "The report this line belongs to (an id of the Reports sheet)",
            width=12,
        ),
        Column(
            "label",
            "名称/说明",
            "label",
            "本行的名称，如设备或燃料批次（可空）",
            "A name for the line, e.g. a unit or fuel lot (may be blank)",
            width=18,
        ),
        Column(
            "source",
            "排放源类别",
            "source",
            "排放源类别（下拉选择；见说明表）",
            "Source type (drop-down; see the README sheet)",
            tuple(SOURCE_TYPES),
            True,
            24,
        ),
        Column("quantity", "活动数据", "quantity", zh, en, width=14),
        Column(
            "unit",
            "单位",
            "unit",
            "活动数据的单位（下拉或输入，如 t、万吨、10^4 Nm3、MWh、GJ）",
            "Unit of the quantity (drop-down or typed: t, 10^4 t, 10^4 Nm3, MWh, GJ …)",
            _unit_choices("quantity"),
            False,
            12,
        ),
    ]
    for spec in _field_order():
        if spec.kind == "choice":
            columns.append(_choice_column(spec.name))
        else:
            columns.extend(_value_columns(spec.name))
    columns.append(
        Column("note", "备注", "note", "备注（不参与计算）", "Note (not used in the calculation)")
    )
    return columns


# --------------------------------------------------------------------------------------------
# Reading the workbook


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _header(sheet: Worksheet, required: str, known: set[str]) -> tuple[int, dict[str, int]]:
    """Find the header row (the English keys) among the first rows: row number, key → column.

    A column under a key citycarbon does not know (say a field of an older version) is refused
    only if it holds data, naming the first such cell; an empty one is ignored.
    """
    for row in range(1, HEADER_ROWS + 2):
        keys = {
            str(cell.value).strip(): cell.column
            for cell in sheet[row]
            if not _blank(cell.value) and isinstance(cell.column, int)
        }
        if required not in keys:
            continue
        for key, column in keys.items():
            if key in known:
                continue
            for data_row in range(row + 1, (sheet.max_row or row) + 1):
                if not _blank(sheet.cell(row=data_row, column=column).value):
                    raise InterchangeError(
                        f"a value under the unknown column header {key!r} (row {row}); the "
                        "headers are the keys of docs/interchange.md (write a fresh template "
                        "with: citycarbon template enterprise)",
                        sheet=sheet.title,
                        row=data_row,
                        column=get_column_letter(column),
                    )
        return row, {k: c for k, c in keys.items() if k in known}
    raise InterchangeError(
        f"no header row with the key {required!r} in the first {HEADER_ROWS + 1} rows",
        sheet=sheet.title,
    )


def _cell_value(sheet: Worksheet, row: int, column: int) -> object:
    cell = sheet.cell(row=row, column=column)
    value = cell.value
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _is_percent(sheet: Worksheet, row: int, column: int) -> bool:
    cell = sheet.cell(row=row, column=column)
    return isinstance(cell.value, (int, float)) and "%" in str(cell.number_format)


def _known_line_keys() -> set[str]:
    keys = {"report_id", "label", "source", "quantity", "unit", "note"}
    for source in SOURCE_TYPES.values():
        for spec in source.fields:
            keys.add(spec.name)
            if spec.kind != "choice":
                keys.add(f"{spec.name}_unit")
    return keys


def read_excel(
    source: str | Path | IO[bytes], *, region: str | None = None, path: str | None = None
) -> list[ReadReport]:
    """Read the reports of a filled template (sheets ``Reports`` and ``Lines``).

    Raises
    ------
    InterchangeError
        When the workbook cannot be opened, a sheet is missing, a header is not understood or a
        line names no report; the sheet, row and column are named.
    """
    name = path or (str(source) if isinstance(source, (str, Path)) else None)
    try:
        book = load_workbook(source, data_only=True)
    except Exception as exc:  # InvalidFileException, zipfile.BadZipFile, damaged parts …
        raise InterchangeError(f"not an Excel workbook (.xlsx): {exc}", path=name) from None
    for title in (REPORTS_SHEET, LINES_SHEET):
        if title not in book.sheetnames:
            raise InterchangeError(
                f"no sheet {title!r}; the workbook has: {', '.join(book.sheetnames)}", path=name
            )
    reports_sheet, lines_sheet = book[REPORTS_SHEET], book[LINES_SHEET]

    report_keys = {c.key for c in report_columns()}
    header_row, columns = _header(reports_sheet, "id", report_keys)
    raws: list[tuple[int, dict[str, Any], dict[tuple[int | None, str | None], Cell]]] = []
    lines_of: list[list[dict[str, Any]]] = []
    by_id: dict[str, int] = {}
    for row in range(header_row + 1, (reports_sheet.max_row or header_row) + 1):
        data = {k: _cell_value(reports_sheet, row, c) for k, c in columns.items()}
        if all(_blank(v) for v in data.values()):
            continue
        cells: dict[tuple[int | None, str | None], Cell] = {
            (None, k): Cell(REPORTS_SHEET, row, get_column_letter(c)) for k, c in columns.items()
        }
        cells[(None, None)] = Cell(REPORTS_SHEET, row)
        record: dict[str, Any] = {k: v for k, v in data.items() if not _blank(v)}
        lines_of.append([])
        record["lines"] = lines_of[-1]
        raws.append((row, record, cells))
        report_id = report_id_of(record)
        if report_id is not None:
            by_id.setdefault(report_id, len(raws) - 1)

    line_row, line_cols = _header(lines_sheet, "report_id", _known_line_keys())
    if "source" not in line_cols:
        raise InterchangeError("no column 'source'", sheet=LINES_SHEET, row=line_row)
    early: dict[int, list[AccountingError]] = {}
    orphans: dict[str, list[int]] = {}
    for row in range(line_row + 1, (lines_sheet.max_row or line_row) + 1):
        data = {k: _cell_value(lines_sheet, row, c) for k, c in line_cols.items()}
        if all(_blank(v) for v in data.values()):
            continue
        owner = data.get("report_id")
        owner_id = report_id_of({"id": owner}) if not _blank(owner) else None
        if owner_id is None:
            raise InterchangeError(
                "a line without a report id (column report_id)",
                sheet=LINES_SHEET,
                row=row,
                column=get_column_letter(line_cols["report_id"]),
            )
        if owner_id not in by_id:
            orphans.setdefault(owner_id, []).append(row)
            continue
        index = by_id[owner_id]
        cells = raws[index][2]
        number = len(lines_of[index]) + 1
        line, problems = _line_from_row(lines_sheet, row, line_cols, data)
        for field_name, value, message in problems:
            early.setdefault(index, []).append(
                AccountingError(
                    message, report=owner_id, line=number, field=field_name, value=value
                )
            )
        lines_of[index].append(line)
        cells[(number, None)] = Cell(LINES_SHEET, row)
        for key, column_index in line_cols.items():
            is_unit = key == "unit" or key.endswith("_unit")
            target = "quantity" if key == "unit" else key.removesuffix("_unit")
            if is_unit and not _blank(data.get(target)):
                continue  # a value's errors point at the value, not at its unit
            cells[(number, target)] = Cell(LINES_SHEET, row, get_column_letter(column_index))

    items: list[ReadReport] = []
    for position, (_, record, cells) in enumerate(raws, start=1):
        try:
            report = report_from_mapping(record, position, region=region)
        except ReportError as exc:
            errors = [*early.get(position - 1, []), *exc.errors]
            items.append(
                ReadReport(position, exc.report or f"#{position}", None, tuple(errors), cells)
            )
            continue
        if early.get(position - 1):
            items.append(ReadReport(position, report.id, None, tuple(early[position - 1]), cells))
        else:
            items.append(ReadReport(position, report.id, report, (), cells))
    for owner_id, rows in orphans.items():
        column = get_column_letter(line_cols["report_id"])
        first = Cell(LINES_SHEET, rows[0], column)
        error = AccountingError(
            f"lines in sheet {LINES_SHEET} rows {', '.join(map(str, rows))} name a report that "
            f"is not in sheet {REPORTS_SHEET}",
            report=owner_id,
            field="report_id",
            value=owner_id,
        )
        items.append(
            ReadReport(len(items) + 1, owner_id, None, (error,), {(None, "report_id"): first})
        )
    return check_duplicates(items)


def _line_from_row(
    sheet: Worksheet, row: int, columns: Mapping[str, int], data: Mapping[str, object]
) -> tuple[dict[str, Any], list[tuple[str, object, str]]]:
    """A line mapping (the JSON form) from a row of the Lines sheet, and the problems in it."""
    problems: list[tuple[str, object, str]] = []
    line: dict[str, Any] = {}
    source = SOURCE_TYPES.get(str(data.get("source") or "").strip())
    fields = {f.name: f for f in source.fields} if source else {}
    for key, value in data.items():
        if key in ("report_id", "note") or key.endswith("_unit"):
            continue
        if key in ("source", "label", "unit"):
            if not _blank(value):
                line[key] = value
            continue
        if key == "quantity":
            if not _blank(value):
                line[key] = _percent_cell(sheet, row, columns[key], value, None, problems, key)
            continue
        spec = fields.get(key)
        unit_key = f"{key}_unit"
        unit = data.get(unit_key)
        if _blank(value):
            if not _blank(unit):
                problems.append(
                    (key, unit, "a unit without a value: write the value, or clear the unit "
                     "to use the default")
                )  # fmt: skip
            continue
        if spec is not None and spec.kind == "choice":
            line[key] = value
            continue
        number = _percent_cell(sheet, row, columns[key], value, unit, problems, key)
        if isinstance(number, Mapping) or _blank(unit):
            line[key] = number
        else:
            line[key] = {"value": number, "unit": unit}
    return line, problems


def _percent_cell(
    sheet: Worksheet,
    row: int,
    column: int,
    value: object,
    unit: object,
    problems: list[tuple[str, object, str]],
    key: str,
) -> object:
    """A cell formatted as a percentage holds 0.94 for 94 %; read what it shows."""
    if not _is_percent(sheet, row, column):
        return value
    shown = to_decimal(value) * 100
    if not _blank(unit) and str(unit).strip() != "%":
        problems.append(
            (key, f"{shown}%", f"the cell shows a percentage but the unit column says {unit!r}")
        )
    return {"value": shown, "unit": "%"}


# --------------------------------------------------------------------------------------------
# Writing the template


_HEAD_FILL: Final = PatternFill("solid", fgColor="DDEBF7")
_KEY_FILL: Final = PatternFill("solid", fgColor="F2F2F2")
_BOLD: Final = Font(bold=True)
_GREY: Final = Font(color="595959", italic=True)


def _write_header(sheet: Worksheet, columns: Sequence[Column]) -> None:
    for index, column in enumerate(columns, start=1):
        top = sheet.cell(row=1, column=index, value=column.title_zh)
        top.font, top.fill = _BOLD, _HEAD_FILL
        key = sheet.cell(row=2, column=index, value=column.key)
        key.font, key.fill = _GREY, _KEY_FILL
        key.comment = Comment(f"{column.help_zh}\n{column.help_en}", "citycarbon")
        sheet.column_dimensions[get_column_letter(index)].width = max(column.width, 10)
    sheet.freeze_panes = f"A{HEADER_ROWS + 1}"


class _Lists:
    """The Lists sheet: one pair of columns (id, 中文) per drop-down."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.next = 1

    def add(self, sheet: Worksheet, column_index: int, column: Column, rows: int) -> None:
        """Give ``column`` of ``sheet`` a drop-down of its choices."""
        target, letter = self.next, get_column_letter(self.next)
        self.next += 3
        names = _choice_names(column.key)
        self.sheet.cell(row=1, column=target, value=f"{sheet.title}.{column.key}").font = _BOLD
        if names:
            self.sheet.cell(row=1, column=target + 1, value="中文").font = _BOLD
        for offset, choice in enumerate(column.choices, start=2):
            self.sheet.cell(row=offset, column=target, value=choice)
            if choice in names:
                self.sheet.cell(row=offset, column=target + 1, value=names[choice])
        self.sheet.column_dimensions[letter].width = 22
        end = len(column.choices) + 1
        validation = DataValidation(
            type="list",
            formula1=f"{LISTS_SHEET}!${letter}$2:${letter}${end}",
            allow_blank=True,
            showErrorMessage=column.strict,
            errorTitle="citycarbon",
            error=f"请从列表中选择 / choose from the list ({column.key})",
        )
        first = get_column_letter(column_index)
        validation.add(f"{first}{HEADER_ROWS + 1}:{first}{HEADER_ROWS + rows}")
        sheet.add_data_validation(validation)


def _choice_names(key: str) -> dict[str, str]:
    """Chinese names of the ids a drop-down offers."""
    if key == "sector":
        return {k: v.name_zh for k, v in sectors().items()}
    if key == "source":
        return {k: v.name_zh for k, v in SOURCE_TYPES.items()}
    if key == "fuel":
        return {k: v.name_zh for k, v in fuels().items()}
    if key == "region":
        return {k: v[0] for k, v in regions().items()}
    return {}


def _readme(sheet: Worksheet) -> None:
    rows: list[tuple[str, ...]] = [
        ("citycarbon 企业温室气体排放报告模板 / enterprise GHG report template",),
        (),
        ("填写方法", "How to fill it in"),
        (
            "1. 在 Reports 表每行填写一份报告（企业-年度）：编号、企业名称、行业、年度、地区。",
            "1. Reports sheet: one row per report (enterprise-year): id, enterprise, sector, "
            "year, region.",
        ),
        (
            "2. 在 Lines 表每行填写一条排放源数据，报告编号须与 Reports 表一致。",
            "2. Lines sheet: one row per emission-source line; report_id must match an id of "
            "the Reports sheet.",
        ),
        (
            "3. 参数（如低位发热量）填写实测值时须同时填写单位；留空则使用缺省值并在结果中注明。",
            "3. A measured parameter (e.g. ncv) needs its unit column too; leave both blank to "
            "use the default, which the result marks as such.",
        ),
        (
            "4. 比率（如碳氧化率）须写明单位 % 或 fraction，不接受裸数字。",
            "4. Rates (e.g. oxidation) need the unit % or fraction; a bare number is refused.",
        ),
        (
            "5. 第1行为中文表头，第2行为英文键名（与 JSON 格式一致），请勿修改第2行。",
            "5. Row 1 is the Chinese header, row 2 the English key (the JSON key); do not "
            "change row 2.",
        ),
        (
            "6. 计算：citycarbon calc enterprise 本文件.xlsx ；格式说明见 docs/interchange.md。",
            "6. Compute: citycarbon calc enterprise this-file.xlsx; the format is described in "
            "docs/interchange.md.",
        ),
        (),
        ("Reports 表各列", "Reports sheet columns"),
        ("列 key", "中文", "说明", "English description"),
    ]
    for column in report_columns():
        rows.append((column.key, column.title_zh, column.help_zh, column.help_en))
    rows += [(), ("Lines 表各列", "Lines sheet columns"), ("列 key", "中文", "说明", "English")]
    for column in line_columns():
        rows.append((column.key, column.title_zh, column.help_zh, column.help_en))
    rows += [(), ("排放源类别", "Source types"), ("source", "中文", "公式 formula", "English")]
    for source in SOURCE_TYPES.values():
        rows.append((source.id, source.name_zh, source.formula, source.name_en))
        for spec in source.fields:
            default = f"缺省值 default: {spec.default.parameter}" if spec.default else ""
            rows.append(
                (f"  {spec.name}", spec.description_zh, " / ".join(spec.units) or spec.kind,
                 f"{spec.description_en}. {default}".strip())
            )  # fmt: skip
    rows += [(), ("行业", "Sectors"), ("sector", "中文", "排放源 sources", "English")]
    for item in sectors().values():
        parts = ", ".join(
            s.source if s.treatment == "add" else f"{s.source} ({s.treatment})"
            for s in item.sources
        )
        rows.append((item.id, item.name_zh, parts, item.name_en))
    for row in rows:
        sheet.append(list(row))
    sheet["A1"].font = Font(bold=True, size=14)
    for row_cells in sheet.iter_rows():
        for cell in row_cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (28, 28, 48, 60), strict=True):
        sheet.column_dimensions[letter].width = width


def _excel_number(value: Decimal) -> int | float | str:
    """A Decimal as Excel stores it: a number when a double holds it exactly, else text."""
    if value == value.to_integral_value() and abs(value) < 10**15:
        return int(value)
    as_float = float(value)
    if Decimal(repr(as_float)) == value:
        return as_float
    return str(value)


def _excel_value(value: object) -> object:
    if isinstance(value, Decimal):
        return _excel_number(value)
    if isinstance(value, (str, int, float)) or value is None:
        return value
    return str(value)


def write_template(target: str | Path | IO[bytes], reports: Iterable[ReportInput] = ()) -> None:
    """Write the Excel template; with ``reports``, filled in with them.

    The workbook has a README sheet (说明, Chinese and English), ``Reports`` and ``Lines`` sheets
    with Chinese headers above the English keys, drop-downs for sectors, regions, source types,
    fuels and units, and a ``Lists`` sheet holding the drop-downs' values.
    """
    book = Workbook()
    readme = book.active
    assert readme is not None
    readme.title = README_SHEET
    reports_sheet = book.create_sheet(REPORTS_SHEET)
    lines_sheet = book.create_sheet(LINES_SHEET)
    lists = book.create_sheet(LISTS_SHEET)
    _readme(readme)
    drop_downs = _Lists(lists)
    for sheet, columns in ((reports_sheet, report_columns()), (lines_sheet, line_columns())):
        _write_header(sheet, columns)
        for index, column in enumerate(columns, start=1):
            if column.choices:
                drop_downs.add(sheet, index, column, TEMPLATE_ROWS)
    _fill(reports_sheet, lines_sheet, list(reports))
    book.save(target)


def _fill(reports_sheet: Worksheet, lines_sheet: Worksheet, reports: list[ReportInput]) -> None:
    report_keys = [c.key for c in report_columns()]
    line_keys = [c.key for c in line_columns()]
    for report in reports:
        record = {
            "id": report.id,
            "enterprise": report.enterprise or None,
            "sector": report.sector,
            "year": report.year,
            "region": report.region,
        }
        reports_sheet.append([_excel_value(record.get(k)) for k in report_keys])
        for line in report.lines:
            row: dict[str, object] = {"report_id": report.id, "source": line.source}
            if line.label:
                row["label"] = line.label
            for key, value in line.values.items():
                if key == "quantity@given_unit":
                    row["unit"] = value
                elif isinstance(value, Mapping):
                    row[key] = value.get("value")
                    row[f"{key}_unit"] = value.get("unit")
                else:
                    row[key] = value
            unknown = sorted(set(row) - set(line_keys))
            if unknown:
                raise InterchangeError(
                    f"report {report.id}: the template has no column for {unknown[0]!r}"
                )
            lines_sheet.append([_excel_value(row.get(k)) for k in line_keys])
