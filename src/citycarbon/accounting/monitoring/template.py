"""Writing the Excel template of the monthly ledger (月度台账模板).

The sheets, their columns and reading them back: :mod:`~citycarbon.accounting.monitoring.workbook`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Final

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from citycarbon.accounting.monitoring.ledger import LedgerRow
from citycarbon.accounting.monitoring.plan import FREQUENCIES, METHODS, MonitoringPlan, period_of
from citycarbon.accounting.monitoring.workbook import (
    HEADER_ROWS,
    LEDGER_SHEET,
    LISTS_SHEET,
    PLAN_SHEET,
    README_SHEET,
    TEMPLATE_ROWS,
    ledger_columns,
    plan_columns,
)
from citycarbon.accounting.workbook import Column

__all__ = ["write_template"]


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
        sheet.column_dimensions[get_column_letter(index)].width = max(column.width, 8)
    sheet.freeze_panes = f"A{HEADER_ROWS + 1}"


def _drop_downs(sheet: Worksheet, columns: Sequence[Column], lists: Worksheet, start: int) -> int:
    for index, column in enumerate(columns, start=1):
        if not column.choices:
            continue
        letter = get_column_letter(start)
        lists.cell(row=1, column=start, value=f"{sheet.title}.{column.key}").font = _BOLD
        for offset, choice in enumerate(column.choices, start=2):
            lists.cell(row=offset, column=start, value=choice)
        validation = DataValidation(
            type="list",
            formula1=f"{LISTS_SHEET}!${letter}$2:${letter}${len(column.choices) + 1}",
            allow_blank=True,
            showErrorMessage=column.strict,
            errorTitle="citycarbon",
            error=f"请从列表中选择 / choose from the list ({column.key})",
        )
        first = get_column_letter(index)
        validation.add(f"{first}{HEADER_ROWS + 1}:{first}{HEADER_ROWS + TEMPLATE_ROWS}")
        sheet.add_data_validation(validation)
        start += 2
    return start


def _readme(sheet: Worksheet) -> None:
    rows: list[tuple[str, ...]] = [
        ("citycarbon 月度台账模板 / monthly ledger template",),
        (),
        ("填写方法", "How to fill it in"),
        (
            "1. Plan 表为监测计划：每个源流的每个参数一行（确定方式 measured 实测 / "
            "default 缺省值 / fixed 固定值，监测方法、频次、标准、单位）。",
            "1. Plan sheet: the monitoring plan, one row per stream parameter (basis measured / "
            "default / fixed; method, frequency, standard, unit).",
        ),
        (
            "2. Ledger 表为台账：每个源流、月份、参数一个数值，填写单位和证据编号"
            "（化验报告须填写）。",
            "2. Ledger sheet: one value per stream, month and parameter, with its unit and "
            "evidence reference (required for lab analyses).",
        ),
        (
            "3. 月份写 YYYY-MM；年度合计（用于核对月度数据之和）写 YYYY。"
            "季度、年度监测的参数在所属期间任一月份填写一次。",
            "3. Months are YYYY-MM; an annual total (checked against the months' sum) is YYYY. A "
            "quarterly or annual parameter is entered once, in any month of its period.",
        ),
        (
            "4. 第1行为中文表头，第2行为英文键名，请勿修改第2行。未填写数值的预填行视为未填报。",
            "4. Row 1 is the Chinese header, row 2 the English key; do not change row 2. A "
            "pre-filled row left without a value is not entered.",
        ),
        (
            "5. 检查与年度报告：citycarbon calc ledger 本文件.xlsx ；说明见 docs/mrv.md。",
            "5. Checks and the annual report: citycarbon calc ledger this-file.xlsx; see "
            "docs/mrv.md.",
        ),
        (),
        ("Ledger 表各列", "Ledger sheet columns"),
    ]
    rows += [(c.key, c.title_zh, c.help_zh, c.help_en) for c in ledger_columns()]
    rows += [(), ("Plan 表各列", "Plan sheet columns")]
    rows += [(c.key, c.title_zh, c.help_zh, c.help_en) for c in plan_columns()]
    rows += [(), ("监测方法", "Methods")]
    rows += [(k, zh, "", en) for k, (zh, en) in METHODS.items()]
    rows += [(), ("频次", "Frequencies")]
    rows += [(k, zh, f"ledger period: {p}", en) for k, (zh, en, p) in FREQUENCIES.items()]
    for row in rows:
        sheet.append(list(row))
    sheet["A1"].font = Font(bold=True, size=14)
    for row_cells in sheet.iter_rows():
        for cell in row_cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (22, 26, 48, 60), strict=True):
        sheet.column_dimensions[letter].width = width


def _excel(value: object) -> object:
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and abs(value) < 10**15:
            return int(value)
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value else str(value)
    return value


def _plan_rows(plan: MonitoringPlan) -> Iterable[dict[str, object]]:
    names = {f.id: f.name for f in plan.facilities}
    for stream in plan.streams:
        for parameter in stream.parameters:
            yield {
                "enterprise": plan.enterprise,
                "name": plan.name or None,
                "year": plan.year,
                "sector": plan.sector,
                "region": plan.region,
                "facility": stream.facility,
                "facility_name": names.get(stream.facility) or None,
                "stream": stream.id,
                "stream_name": stream.name or None,
                "source": stream.source,
                "product": stream.product or None,
                "choices": "; ".join(f"{k}={v}" for k, v in stream.choices.items()) or None,
                "parameter": parameter.name,
                "basis": parameter.basis,
                "method": parameter.method or None,
                "frequency": parameter.frequency if parameter.basis == "measured" else None,
                "standard": parameter.standard or None,
                "unit": parameter.unit or None,
                "value": parameter.value,
                "note": parameter.note or None,
            }


def _ledger_rows(plan: MonitoringPlan) -> Iterable[dict[str, object]]:
    for stream in plan.streams:
        for parameter in stream.parameters:
            if parameter.basis != "measured":
                continue
            period = period_of(parameter.frequency)
            months = {"month": range(1, 13), "quarter": (3, 6, 9, 12), "year": (12,)}[period]
            for month in months:
                yield {
                    "enterprise": plan.enterprise,
                    "facility": stream.facility,
                    "stream": stream.id,
                    "month": f"{plan.year:04d}-{month:02d}",
                    "parameter": parameter.name,
                    "unit": parameter.unit,
                }


def write_template(
    target: str | Path | IO[bytes],
    plans: Sequence[MonitoringPlan] = (),
    rows: Sequence[LedgerRow] = (),
) -> None:
    """Write the ledger template; with ``plans``, the Plan sheet filled and the Ledger sheet
    pre-filled with a row per measured parameter and period (values blank); with ``rows``, the
    Ledger sheet holds those rows instead."""
    book = Workbook()
    readme = book.active
    assert readme is not None
    readme.title = README_SHEET
    plan_sheet = book.create_sheet(PLAN_SHEET)
    ledger_sheet = book.create_sheet(LEDGER_SHEET)
    lists = book.create_sheet(LISTS_SHEET)
    _readme(readme)
    start = 1
    for sheet, columns in ((plan_sheet, plan_columns()), (ledger_sheet, ledger_columns())):
        _write_header(sheet, columns)
        start = _drop_downs(sheet, columns, lists, start)
    plan_keys = [c.key for c in plan_columns()]
    ledger_keys = [c.key for c in ledger_columns()]
    for plan in plans:
        for record in _plan_rows(plan):
            plan_sheet.append([_excel(record.get(k)) for k in plan_keys])
    if rows:
        for row in rows:
            record = row.as_dict()
            record["value"] = row.value
            ledger_sheet.append([_excel(record.get(k) or None) for k in ledger_keys])
    else:
        for plan in plans:
            for record in _ledger_rows(plan):
                ledger_sheet.append([_excel(record.get(k)) for k in ledger_keys])
    book.save(target)
