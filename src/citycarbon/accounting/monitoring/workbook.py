"""The Excel template of the monthly ledger (月度台账模板): its sheets and columns, reading it.

Writing it: :mod:`~citycarbon.accounting.monitoring.template`.

Sheets: ``说明 README`` (how to fill it in, Chinese and English), ``Plan`` (the monitoring plans:
one row per stream parameter), ``Ledger`` (one row per value) and ``Lists`` (the drop-downs'
values). As in the enterprise-report template, row 1 holds the Chinese headers, row 2 the English
keys (the JSON keys), data from row 3; columns are found by their key, so they may be reordered.

Reading uses openpyxl's read-only mode (a 50,000-row ledger reads in seconds). A workbook with any
problem — a month that is not a month, a value that is not a number, a required cell left blank,
a value under an unknown header, plan rows that contradict each other — is refused as a whole:
:class:`~citycarbon.accounting.monitoring.document.MonitoringDocument` carries the findings, each
naming the sheet, row, column and value, and no plan and no row. A Ledger row whose value is
blank and that has no evidence or note is *not entered* (a pre-filled row left empty); the
completeness check names what is missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO, Any, Final

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from citycarbon.accounting.interchange import InterchangeError
from citycarbon.accounting.monitoring.document import MonitoringDocument, plan_from_mapping
from citycarbon.accounting.monitoring.findings import Finding, finding
from citycarbon.accounting.monitoring.ledger import LEDGER_KEYS, LedgerRow, row_from_mapping
from citycarbon.accounting.monitoring.plan import (
    BASES,
    FREQUENCIES,
    METHODS,
    MonitoringPlan,
)
from citycarbon.accounting.sectors import sectors
from citycarbon.accounting.sources import SOURCE_TYPES
from citycarbon.accounting.workbook import Column
from citycarbon.factors.regions import regions
from citycarbon.numbers import to_decimal

__all__ = [
    "LEDGER_SHEET",
    "PLAN_SHEET",
    "ledger_columns",
    "plan_columns",
    "read_workbook",
]

README_SHEET: Final = "说明 README"
PLAN_SHEET: Final = "Plan"
LEDGER_SHEET: Final = "Ledger"
LISTS_SHEET: Final = "Lists"
HEADER_ROWS: Final = 2
TEMPLATE_ROWS: Final = 2000

#: Units offered in the unit drop-down (any unit may be typed).
UNITS: Final = (
    "t",
    "10^4 t",
    "万吨",
    "kg",
    "10^4 Nm3",
    "万立方米",
    "Nm3",
    "MWh",
    "10^4 kWh",
    "万千瓦时",
    "kWh",
    "GJ",
    "TJ",
    "GJ/t",
    "MJ/kg",
    "GJ/(10^4 Nm3)",
    "tC/TJ",
    "tC/GJ",
    "tC/t",
    "%",
    "fraction",
    "tCO2/MWh",
    "tCO2/GJ",
    "kJ/kg",
    "°C",
)


def ledger_columns() -> list[Column]:
    """The columns of the Ledger sheet."""
    return [
        Column(
            "enterprise",
            "企业",
            "enterprise",
            "企业代码（统一社会信用代码或平台编号）",
            "Enterprise id (unified social credit code or platform id)",
            width=22,
        ),
        Column(
            "facility",
            "设施",
            "facility",
            "设施编号（可空；填写时须与源流所属设施一致）",
            "Facility id (may be blank; if given, the stream's facility)",
            width=12,
        ),
        Column(
            "stream",
            "排放源流",
            "stream",
            "监测计划中的源流编号",
            "Stream id of the plan",
            width=16,
        ),
        Column(
            "month",
            "月份",
            "month",
            "月份 YYYY-MM；年度合计写 YYYY",
            "Month YYYY-MM; an annual total: YYYY",
            width=10,
        ),
        Column(
            "parameter",
            "参数",
            "parameter",
            "参数：quantity 活动数据、ncv 低位发热量、carbon_content 单位热值含碳量、"
            "element_carbon 元素碳含量、output 产品产量 …",
            "Parameter: quantity, ncv, carbon_content, element_carbon, output …",
            width=16,
        ),
        Column("value", "数值", "value", "数值", "The value", width=14),
        Column(
            "unit",
            "单位",
            "unit",
            "单位（下拉或输入；比率写 %）",
            "Unit (drop-down or typed; rates in %)",
            UNITS,
            False,
            12,
        ),
        Column(
            "evidence",
            "证据编号",
            "evidence",
            "凭证、化验报告或结算单编号",
            "Evidence reference: ticket, lab report, invoice",
            width=22,
        ),
        Column("note", "备注", "note", "备注", "Note", width=20),
    ]


def plan_columns() -> list[Column]:
    """The columns of the Plan sheet (one row per stream parameter)."""
    return [
        Column("enterprise", "企业", "enterprise", "企业代码", "Enterprise id", width=22),
        Column("name", "企业名称", "name", "企业名称", "Enterprise name", width=22),
        Column("year", "年度", "year", "计划年度", "Year of the plan", width=8),
        Column(
            "sector",
            "行业",
            "sector",
            "行业核算指南",
            "Sector guideline",
            tuple(sectors()),
            True,
            20,
        ),
        Column("region", "地区", "region", "省份代码", "Province id", tuple(regions()), True, 10),
        Column("facility", "设施", "facility", "设施编号", "Facility id", width=12),
        Column("facility_name", "设施名称", "facility name", "设施名称", "Facility name", width=16),
        Column(
            "stream",
            "排放源流",
            "stream",
            "源流编号（企业内唯一）",
            "Stream id (unique in the enterprise)",
            width=16,
        ),
        Column("stream_name", "源流名称", "stream name", "源流名称", "Stream name", width=16),
        Column(
            "source",
            "排放源类别",
            "source",
            "排放源类别；产品产量留空",
            "Source type; blank for production output",
            tuple(SOURCE_TYPES),
            True,
            22,
        ),
        Column(
            "product",
            "产品",
            "product",
            "产品（仅产量源流）",
            "Product (production only)",
            width=12,
        ),
        Column(
            "choices",
            "选项",
            "choices",
            "选项，如 fuel=raw_coal（多个用分号分隔）",
            "Choices, e.g. fuel=raw_coal (several separated by ;)",
            width=24,
        ),
        Column("parameter", "参数", "parameter", "参数名", "Parameter", width=16),
        Column(
            "basis",
            "确定方式",
            "basis",
            "measured 实测、default 缺省值、fixed 固定值",
            "measured, default or fixed",
            BASES,
            True,
            10,
        ),
        Column("method", "监测方法", "method", "监测方法", "Method", tuple(METHODS), True, 16),
        Column(
            "frequency", "频次", "frequency", "监测频次", "Frequency", tuple(FREQUENCIES), True, 12
        ),
        Column(
            "standard",
            "标准",
            "standard",
            "检测标准，如 GB/T 213",
            "Standard, e.g. GB/T 213",
            width=14,
        ),
        Column("unit", "单位", "unit", "单位", "Unit", UNITS, False, 12),
        Column(
            "value",
            "固定值",
            "value",
            "固定值（basis 为 fixed 时）",
            "Value (basis fixed)",
            width=10,
        ),
        Column("note", "备注", "note", "备注", "Note", width=20),
    ]


# --------------------------------------------------------------------------------------------
# Reading


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _header(rows: list[tuple[Any, ...]], sheet: str, required: str) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(rows, start=1):
        keys = {str(v).strip(): i for i, v in enumerate(row) if not _blank(v)}
        if required in keys:
            return index, keys
    raise InterchangeError(
        f"no header row with the key {required!r} in the first {HEADER_ROWS + 1} rows",
        sheet=sheet,
    )


class _Rows:
    """The data rows of a sheet as ``(row number, key → value, problems)``: the header row (the
    English keys) found among the first rows, percentage cells read as shown, a value under an
    unknown header a problem. ``letters`` maps each known key to its column letter."""

    def __init__(self, sheet: Worksheet, known: Sequence[str], required: str) -> None:
        self.sheet = sheet
        self.iterator = sheet.iter_rows()
        head: list[tuple[Any, ...]] = []
        for _ in range(HEADER_ROWS + 1):
            try:
                head.append(tuple(next(self.iterator)))
            except StopIteration:
                break
        header_row, keys = _header([tuple(c.value for c in r) for r in head], sheet.title, required)
        self.header_row = header_row
        self.columns = {k: i for k, i in keys.items() if k in known}
        self.unknown = {i: k for k, i in keys.items() if k not in known}
        self.letters = {k: get_column_letter(i + 1) for k, i in self.columns.items()}
        self.pending = [(header_row + 1 + n, row) for n, row in enumerate(head[header_row:])]

    def _row(
        self, number: int, cells: Sequence[Any]
    ) -> tuple[int, dict[str, object], list[Finding]] | None:
        values = [getattr(c, "value", None) for c in cells]
        width = len(values)
        data = {k: (values[i] if i < width else None) for k, i in self.columns.items()}
        data = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in data.items()}
        problems: list[Finding] = []
        for i, key in self.unknown.items():
            if i < width and not _blank(values[i]):
                problems.append(
                    finding(
                        "read_unknown_header",
                        "error",
                        row=number,
                        value=values[i],
                        sheet=self.sheet.title,
                        column=get_column_letter(i + 1),
                        header=key,
                    )
                )
        if not problems and all(_blank(v) for v in data.values()):
            return None
        index = self.columns.get("value")
        raw = data.get("value")
        if index is not None and index < width and isinstance(raw, (int, float)):
            form = getattr(cells[index], "number_format", None) or "General"
            if "%" in str(form) and not isinstance(raw, bool):
                unit = data.get("unit")
                if not _blank(unit) and str(unit).strip() != "%":
                    problems.append(
                        finding(
                            "read_percent_cell",
                            "error",
                            row=number,
                            field="value",
                            value=f"{raw}",
                            sheet=self.sheet.title,
                            column=self.letters["value"],
                            unit=unit,
                        )
                    )
                data["value"] = to_decimal(raw) * 100
                data["unit"] = "%"
        return number, data, problems

    def __iter__(self) -> Iterator[tuple[int, dict[str, object], list[Finding]]]:
        for number, cells in self.pending:
            item = self._row(number, cells)
            if item is not None:
                yield item
        number = self.header_row + len(self.pending)
        for cells in self.iterator:
            number += 1
            item = self._row(number, cells)
            if item is not None:
                yield item


def _ledger(sheet: Worksheet) -> tuple[list[LedgerRow], list[Finding]]:
    rows: list[LedgerRow] = []
    found: list[Finding] = []
    reader = _Rows(sheet, LEDGER_KEYS, "enterprise")
    for number, data, problems in reader:
        found.extend(problems)
        if _blank(data.get("value")) and _blank(data.get("evidence")) and _blank(data.get("note")):
            continue  # a pre-filled row not entered
        row, problems = row_from_mapping(data, number, sheet=sheet.title, columns=reader.letters)
        found.extend(problems)
        if row is not None:
            rows.append(row)
    return rows, found


_PLAN_KEYS: Final = tuple(c.key for c in plan_columns())
_ENTERPRISE_KEYS: Final = ("name", "year", "sector", "region")
_STREAM_KEYS: Final = ("facility", "stream_name", "source", "product", "choices")


def _plans(sheet: Worksheet) -> tuple[list[MonitoringPlan], list[Finding]]:
    """Plans from the Plan sheet: rows grouped by enterprise and stream."""
    found: list[Finding] = []
    reader = _Rows(sheet, _PLAN_KEYS, "enterprise")
    letters = reader.letters
    plans: dict[str, dict[str, Any]] = {}
    where: dict[str, dict[str, int]] = {}
    for number, data, problems in reader:
        found.extend(problems)

        def refuse(
            code: str, name: str, value: object = None, number: int = number, **params: Any
        ) -> None:
            found.append(
                finding(
                    code,
                    "error",
                    row=number,
                    field=name,
                    value=value,
                    sheet=sheet.title,
                    column=letters.get(name),
                    **params,
                )
            )

        enterprise = "" if _blank(data.get("enterprise")) else str(data["enterprise"]).strip()
        for key in ("enterprise", "stream", "parameter"):
            if _blank(data.get(key)):
                refuse("read_required", key, key=key)
        if not enterprise or _blank(data.get("stream")) or _blank(data.get("parameter")):
            continue
        plan = plans.setdefault(
            enterprise, {"enterprise": enterprise, "facilities": [], "streams": []}
        )
        rows_of = where.setdefault(enterprise, {})
        for key in _ENTERPRISE_KEYS:
            _consistent(plan, key, data.get(key), refuse, "enterprise")
        facility = data.get("facility")
        if not _blank(facility) and all(f["id"] != str(facility) for f in plan["facilities"]):
            plan["facilities"].append(
                {"id": str(facility), "name": data.get("facility_name") or ""}
            )
        stream_id = str(data["stream"]).strip()
        stream = next((s for s in plan["streams"] if s["id"] == stream_id), None)
        if stream is None:
            stream = {"id": stream_id, "parameters": {}}
            plan["streams"].append(stream)
            rows_of[f"streams[{len(plan['streams']) - 1}]"] = number
        index = plan["streams"].index(stream)
        for key in _STREAM_KEYS:
            _consistent(stream, key, data.get(key), refuse, "stream")
        parameter = str(data["parameter"]).strip()
        rows_of[f"streams[{index}].parameters.{parameter}"] = number
        stream["parameters"][parameter] = {
            k: data[k]
            for k in ("basis", "method", "frequency", "standard", "unit", "value", "note")
            if not _blank(data.get(k))
        }
        rows_of.setdefault("", number)
    if found:
        return [], found
    result: list[MonitoringPlan] = []
    for position, (enterprise, raw) in enumerate(plans.items(), start=1):
        parsed, problems = plan_from_mapping(_plan_mapping(raw), position)
        found.extend(_locate(p, where[enterprise], sheet.title, letters) for p in problems)
        if parsed is not None:
            result.append(parsed)
    return result, found


def _consistent(target: dict[str, Any], key: str, value: object, refuse: Any, what: str) -> None:
    if _blank(value):
        return
    if key in target and target[key] != value:
        refuse("read_inconsistent", key, value, key=key, what=what, first=target[key])
    else:
        target.setdefault(key, value)


def _plan_mapping(raw: dict[str, Any]) -> dict[str, Any]:
    """The Plan sheet's grouping in the JSON form of a plan."""
    plan: dict[str, Any] = {k: raw[k] for k in ("enterprise", *_ENTERPRISE_KEYS) if k in raw}
    plan["facilities"] = [{"id": f["id"], "name": str(f["name"])} for f in raw["facilities"]]
    streams = []
    for stream in raw["streams"]:
        item: dict[str, Any] = {"id": stream["id"]}
        for key, target in (
            ("facility", "facility"),
            ("stream_name", "name"),
            ("source", "source"),
            ("product", "product"),
        ):
            if key in stream:
                item[target] = stream[key]
        if "source" not in stream:
            item["kind"] = "production"
        for part in str(stream.get("choices") or "").replace("；", ";").split(";"):
            name, _, choice = part.partition("=")
            if name.strip():
                item[name.strip()] = choice.strip()
        item["parameters"] = stream["parameters"]
        streams.append(item)
    plan["streams"] = streams
    return plan


_PATH: Final = re.compile(r"^(streams\[\d+\])(?:\.parameters\.([^.]+))?(?:\.(\w+))?")


def _locate(
    item: Finding, rows: Mapping[str, int], sheet: str, letters: Mapping[str, str]
) -> Finding:
    """A plan finding (its field a path like ``streams[2].parameters.ncv.unit``) located at the
    Plan sheet's row and column."""
    path = item.field or ""
    match = _PATH.match(path)
    row, key = rows.get(""), path
    if match:
        stream, parameter, attribute = match.groups()
        row = rows.get(f"{stream}.parameters.{parameter}") if parameter else rows.get(stream)
        key = attribute or ("parameter" if parameter else "stream")
        key = {"name": "stream_name", "id": "stream"}.get(key, key)
        if parameter is None and key not in letters:
            key = "choices"
    column = letters.get(key)
    return replace(item, row=row, sheet=sheet, column=column)


def read_workbook(source: str | Path | IO[bytes], *, path: str | None = None) -> MonitoringDocument:
    """Read a filled ledger template (sheet ``Ledger``; ``Plan`` when present).

    Raises
    ------
    InterchangeError
        When the file is not a workbook, has no ``Ledger`` sheet, or a sheet has no header row.
    """
    name = path or (str(source) if isinstance(source, (str, Path)) else None)
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # InvalidFileException, zipfile.BadZipFile, damaged parts …
        raise InterchangeError(f"not an Excel workbook (.xlsx): {exc}", path=name) from None
    try:
        if LEDGER_SHEET not in book.sheetnames:
            raise InterchangeError(
                f"no sheet {LEDGER_SHEET!r}; the workbook has: {', '.join(book.sheetnames)}",
                path=name,
            )
        plans: list[MonitoringPlan] = []
        found: list[Finding] = []
        if PLAN_SHEET in book.sheetnames:
            plans, found = _plans(book[PLAN_SHEET])
        rows, problems = _ledger(book[LEDGER_SHEET])
        found.extend(problems)
    finally:
        book.close()
    if any(f.severity == "error" for f in found):
        return MonitoringDocument((), (), tuple(found), name)
    return MonitoringDocument(tuple(plans), tuple(rows), tuple(found), name)
