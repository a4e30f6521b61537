"""The inventory workbook: an Excel template that reads back to the same input as the JSON form.

Sheets (all optional except ``inventory``):

``inventory``       field | value — jurisdiction, region, year, factor_sets, gwp, and the energy
                    balance's settings (balance.tolerance_pct, balance.tolerance_abs,
                    balance.recovery_from, balance.reference_threshold_pct).
``energy_balance``  row 1 the column (energy type) ids, row 2 their names, row 3 their units;
                    from row 4 one balance row per line: its id in column A, its name in B.
``energy``, ``ippu``, ``agriculture``, ``lucf``, ``waste``
                    one block per category of the sector: a row ``category | <id> | name``, a
                    header row ``label | <parameter> …``, a units row ``unit | <unit> …`` and
                    one row per line; a blank row ends the block.
``parameters``      category | parameter | subject | value | unit | uncertainty_pct — local
                    values (subject empty: for every line).
``notation_keys``   category | gas | key | reason | included_in.

Every value read keeps its sheet, row and column, so a refusal names the cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, Final

from citycarbon.inventory.energy.balance import COLUMNS, ROWS, column_units
from citycarbon.inventory.form import CategoryInput, InventoryInput, read_form
from citycarbon.inventory.model import (
    SECTOR_NAMES,
    SECTORS,
    Category,
    InventoryError,
    InventoryRefusedError,
    Location,
)
from citycarbon.inventory.registry import categories

__all__ = ["TEMPLATE_COLUMNS", "read_workbook", "write_workbook"]

#: Columns of the template's energy balance: the yearbook's regional balance.
TEMPLATE_COLUMNS: Final = (
    "raw_coal", "washed_coal", "other_washed_coal", "briquette", "coke", "coke_oven_gas",
    "blast_furnace_gas", "converter_gas", "other_gas", "other_coking_products", "crude_oil",
    "gasoline", "kerosene", "diesel", "fuel_oil", "lpg", "refinery_gas",
    "other_petroleum_products", "natural_gas", "heat", "electricity", "other_energy",
)  # fmt: skip
_META: Final = ("jurisdiction", "region", "year", "factor_sets", "gwp")
_BALANCE_SETTINGS: Final = (
    "tolerance_pct", "tolerance_abs", "recovery_from", "reference_threshold_pct",
)  # fmt: skip
_PARAM_HEADER: Final = ("category", "parameter", "subject", "value", "unit", "uncertainty_pct")
_NOTATION_HEADER: Final = ("category", "gas", "key", "reason", "included_in")
_FIRST_BALANCE_ROW: Final = 4


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# -- writing -------------------------------------------------------------------------------------


def write_workbook(path: str | Path, form: Mapping[str, Any] | None = None) -> Path:
    """Write the inventory template, filled with ``form`` (the JSON/YAML form) when given."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    form = form or {}
    bold = Font(bold=True)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "inventory"
    sheet.append(["field", "value", "说明 / note"])
    meta = form.get("inventory") or {}
    notes = {
        "jurisdiction": "行政区 / jurisdiction",
        "region": "省份id（电网排放因子）/ province id, e.g. henan",
        "year": "年份 / year",
        "factor_sets": "缺省因子集，逗号分隔 / factor sets, comma separated",
        "gwp": "SARGWP100 (默认) / AR4GWP100 / AR5GWP100 / AR6GWP100",
    }
    for field in _META:
        value = meta.get(field)
        if isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        sheet.append([field, value, notes[field]])
    balance = form.get("energy_balance") or {}
    for name in _BALANCE_SETTINGS:
        sheet.append([f"balance.{name}", balance.get(name), "能源平衡表设置 / balance setting"])
    for cell in sheet[1]:
        cell.font = bold

    _write_balance(book, balance, bold)
    sections = form.get("categories") or {}
    by_sector: dict[str, list[Category]] = {s: [] for s in SECTORS}
    for item in categories():
        if item.rows_allowed:
            by_sector[item.sector].append(item)
    for sector in SECTORS:
        sheet = book.create_sheet(sector)
        if not by_sector[sector]:
            sheet.append([f"{SECTOR_NAMES[sector][0]}: no categories yet"])
        for item in by_sector[sector]:
            _write_block(sheet, item, sections.get(item.id) or {}, bold)
    params = book.create_sheet("parameters")
    params.append(list(_PARAM_HEADER))
    for cell in params[1]:
        cell.font = bold
    for category_id, section in sections.items():
        for name, raw in (section.get("local") or {}).items():
            if isinstance(raw, Mapping) and "value" not in raw:
                for subject, value in raw.items():
                    params.append([category_id, name, subject, *_value_unit(value)])
            else:
                params.append([category_id, name, None, *_value_unit(raw)])
    notation = book.create_sheet("notation_keys")
    notation.append(list(_NOTATION_HEADER))
    for cell in notation[1]:
        cell.font = bold
    for item in form.get("notation_keys") or []:
        notation.append([item.get(k) for k in _NOTATION_HEADER])
    path = Path(path)
    book.save(path)
    return path


def _value_unit(raw: Any) -> list[Any]:
    if isinstance(raw, Mapping):
        return [raw.get("value"), raw.get("unit"), raw.get("uncertainty_pct")]
    if isinstance(raw, str):
        number, _, unit = raw.strip().partition(" ")
        return [_number(number), unit.strip() or None, None]
    return [raw, None, None]


def _number(text: str) -> Any:
    try:
        return float(text) if any(c in text for c in ".eE") else int(text)
    except ValueError:
        return text


def _write_balance(book: Any, balance: Mapping[str, Any], bold: Any) -> None:
    sheet = book.create_sheet("energy_balance")
    units = dict(balance.get("units") or {})
    rows = balance.get("rows") or {}
    used = [c for c in units if c not in TEMPLATE_COLUMNS]
    used += [c for cells in rows.values() for c in cells if c not in TEMPLATE_COLUMNS]
    columns = [*TEMPLATE_COLUMNS, *dict.fromkeys(used)]
    defaults = column_units(units)
    sheet.append(["row", "项目 / item", *columns])
    sheet.append(["name", "", *(COLUMNS[c].name_zh if c in COLUMNS else "" for c in columns)])
    sheet.append(["unit", "单位 / unit", *(units.get(c) or defaults.get(c) for c in columns)])
    for row_number in (1, 2, 3):
        for cell in sheet[row_number]:
            cell.font = bold
    row_ids = list(ROWS)
    for leaf in [r.id for r in ROWS.values() if r.parent == "industry"]:
        row_ids.append(f"non_energy.{leaf}")
    row_ids += [r for r in rows if r not in row_ids]
    for row_id in row_ids:
        info = ROWS.get(row_id)
        name = info.name_zh if info else f"其中：{row_id.removeprefix('non_energy.')}用作原料、材料"
        cells = rows.get(row_id) or {}
        sheet.append([row_id, name, *(cells.get(c) for c in columns)])


def _row_units(item: Category, rows: list[Mapping[str, Any]]) -> dict[str, str]:
    """The one unit of each parameter column, from values written with their unit."""
    found: dict[str, set[str]] = {}
    for row in rows:
        for name, raw in row.items():
            unit = _value_unit(raw)[1] if isinstance(raw, Mapping | str) else None
            if unit and name in {p.name for p in item.params if p.kind != "choice"}:
                found.setdefault(name, set()).add(str(unit))
    for name, units in found.items():
        if len(units) > 1:
            raise ValueError(
                f"{item.id}: the lines give {name} in several units ({', '.join(sorted(units))}); "
                "a workbook column has one unit"
            )
    return {name: units.pop() for name, units in found.items()}


def _write_block(sheet: Any, item: Category, section: Mapping[str, Any], bold: Any) -> None:
    params = list(item.params)
    units = {**_row_units(item, list(section.get("rows") or [])), **(section.get("units") or {})}
    sheet.append(["category", item.id, f"{item.name_zh} / {item.name_en}"])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    sheet.append(["label", *(p.name for p in params)])
    sheet.append(
        [
            "unit",
            *(
                units.get(p.name)
                or ("" if p.kind in ("choice", "count") else (p.unit[0] if p.unit else "%"))
                for p in params
            ),
        ]
    )
    for row in section.get("rows") or []:
        values = []
        for p in params:
            raw = row.get(p.name)
            if isinstance(raw, Mapping):
                raw = raw.get("value")
            elif isinstance(raw, str) and p.kind != "choice":
                raw = _value_unit(raw)[0]
            values.append(raw)
        sheet.append([row.get("label"), *values])
    sheet.append([])


# -- reading -------------------------------------------------------------------------------------


class _Reader:
    def __init__(self, path: Path) -> None:
        from openpyxl import load_workbook

        self.path = path
        self.book = load_workbook(path, data_only=True, read_only=False)
        self.errors: list[InventoryError] = []
        self.form: dict[str, Any] = {}
        self.balance_cells: dict[tuple[str, str], Location] = {}
        self.balance_rows: dict[str, Location] = {}
        self.balance_units: dict[str, Location] = {}
        self.line_where: dict[tuple[str, int], tuple[Location, dict[str, Location]]] = {}
        self.local_where: dict[tuple[str, str], Location] = {}
        self.notation_where: dict[int, Location] = {}

    def rows(self, name: str) -> list[tuple[int, list[Any]]]:
        if name not in self.book.sheetnames:
            return []
        sheet = self.book[name]
        return [
            (number, list(values))
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]

    def read(self) -> InventoryInput:
        known = {"inventory", "energy_balance", "parameters", "notation_keys", *SECTORS}
        for name in self.book.sheetnames:
            if name not in known:
                self.errors.append(
                    InventoryError(
                        f"unknown sheet; sheets: {', '.join(sorted(known))}", Location(name)
                    )
                )
        self._meta()
        self._balance()
        sections: dict[str, Any] = {}
        for sector in SECTORS:
            self._blocks(sector, sections)
        self._parameters(sections)
        if sections:
            self.form["categories"] = sections
        self._notation()
        if self.errors:
            raise InventoryRefusedError(self.errors)
        inventory = read_form(self.form, source=self.path.stem)
        return self._locate(inventory)

    def _meta(self) -> None:
        meta: dict[str, Any] = {}
        balance: dict[str, Any] = {}
        rows = self.rows("inventory")
        if not rows:
            self.errors.append(InventoryError("the workbook needs an inventory sheet", None))
            return
        for number, values in rows[1:]:
            field = _text(values[0] if values else None)
            value = values[1] if len(values) > 1 else None
            if not field or _empty(value):
                continue
            if field.startswith("balance."):
                name = field.removeprefix("balance.")
                if name not in _BALANCE_SETTINGS:
                    self.errors.append(
                        InventoryError(
                            "unknown balance setting", Location("inventory", number, "field"), field
                        )
                    )
                    continue
                balance[name] = value
            elif field in _META:
                if field == "year" and isinstance(value, float) and value.is_integer():
                    value = int(value)
                meta[field] = value
            else:
                self.errors.append(
                    InventoryError(
                        f"unknown field; fields: {', '.join(_META)}",
                        Location("inventory", number, "field"),
                        field,
                    )
                )
        self.form["inventory"] = meta
        if balance:
            self.form["energy_balance"] = balance

    def _balance(self) -> None:
        rows = self.rows("energy_balance")
        if not rows:
            return
        header = rows[0][1]
        if _text(header[0] if header else None) != "row":
            self.errors.append(
                InventoryError("cell A1 must read 'row'", Location("energy_balance", 1, "A"))
            )
            return
        columns = [_text(c) for c in header[2:]]
        units: dict[str, str] = {}
        unit_row = next((v for n, v in rows if _text(v[0] if v else None) == "unit"), None)
        unit_number = next((n for n, v in rows if _text(v[0] if v else None) == "unit"), 3)
        cells: dict[str, dict[str, Any]] = {}
        for number, values in rows[1:]:
            row_id = _text(values[0] if values else None)
            if row_id in ("", "name", "unit"):
                continue
            for index, column in enumerate(columns, start=2):
                value = values[index] if index < len(values) else None
                if _empty(value):
                    continue
                if not column:
                    self.errors.append(
                        InventoryError(
                            "a value under a column without an energy-type id",
                            Location("energy_balance", f"{number} ({row_id})", f"#{index + 1}"),
                            value,
                        )
                    )
                    continue
                cells.setdefault(row_id, {})[column] = value
                self.balance_cells[(row_id, column)] = Location(
                    "energy_balance", f"{number} ({row_id})", column
                )
            self.balance_rows[row_id] = Location("energy_balance", f"{number} ({row_id})")
        used = {c for row in cells.values() for c in row}
        if unit_row is not None:
            for index, column in enumerate(columns, start=2):
                unit = unit_row[index] if index < len(unit_row) else None
                if column in used and not _empty(unit):
                    units[column] = _text(unit)
                    self.balance_units[column] = Location("energy_balance", unit_number, column)
        if cells:
            balance = self.form.setdefault("energy_balance", {})
            balance["units"] = units
            balance["rows"] = cells

    def _blocks(self, sector: str, sections: dict[str, Any]) -> None:
        rows = self.rows(sector)
        index = 0
        while index < len(rows):
            number, values = rows[index]
            if _text(values[0] if values else None) != "category":
                if any(not _empty(v) for v in values) and "no categories" not in _text(values[0]):
                    self.errors.append(
                        InventoryError(
                            "outside a category block (a block starts with a 'category' row)",
                            Location(sector, number),
                        )
                    )
                index += 1
                continue
            category_id = _text(values[1] if len(values) > 1 else None)
            if index + 2 >= len(rows):
                self.errors.append(
                    InventoryError(
                        "a block needs a header row and a unit row", Location(sector, number)
                    )
                )
                return
            header = [_text(v) for v in rows[index + 1][1]]
            unit_row = rows[index + 2][1]
            names = header[1:]
            units = {
                name: _text(unit_row[i + 1])
                for i, name in enumerate(names)
                if name and i + 1 < len(unit_row) and not _empty(unit_row[i + 1])
            }
            lines: list[dict[str, Any]] = []
            index += 3
            while index < len(rows):
                number, values = rows[index]
                if all(_empty(v) for v in values):
                    break
                if _text(values[0]) == "category":
                    index -= 1
                    break
                line: dict[str, Any] = {}
                where: dict[str, Location] = {}
                if not _empty(values[0]):
                    line["label"] = values[0]
                for i, name in enumerate(names):
                    value = values[i + 1] if i + 1 < len(values) else None
                    if _empty(value):
                        continue
                    if not name:
                        self.errors.append(
                            InventoryError(
                                "a value under a column without a parameter name",
                                Location(sector, number, f"#{i + 2}"),
                                value,
                            )
                        )
                        continue
                    line[name] = value
                    where[name] = Location(sector, number, name)
                if len(line) > ("label" in line):
                    lines.append(line)
                    self.line_where[(category_id, len(lines))] = (Location(sector, number), where)
                index += 1
            index += 1
            section = sections.setdefault(category_id, {})
            if lines:
                section["rows"] = lines
                section["units"] = units

    def _parameters(self, sections: dict[str, Any]) -> None:
        rows = self.rows("parameters")
        for number, values in rows[1:]:
            values = [*values, *([None] * 6)]
            if all(_empty(v) for v in values[:6]):
                continue
            category_id, name, subject = (_text(v) for v in values[:3])
            value, unit, pct = values[3:6]
            if not category_id or not name:
                self.errors.append(
                    InventoryError(
                        "category and parameter are required", Location("parameters", number)
                    )
                )
                continue
            raw: Any = {"value": value, "unit": _text(unit) or None}
            if not _empty(pct):
                raw["uncertainty_pct"] = pct
            local = sections.setdefault(category_id, {}).setdefault("local", {})
            if subject:
                entry = local.setdefault(name, {})
                if not isinstance(entry, dict) or "value" in entry:
                    self.errors.append(
                        InventoryError(
                            "a parameter is given both for every line and by subject",
                            Location("parameters", number, "subject"),
                            subject,
                        )
                    )
                    continue
                entry[subject] = raw
            else:
                local[name] = raw
            self.local_where[(category_id, name)] = Location("parameters", number, "value")

    def _notation(self) -> None:
        rows = self.rows("notation_keys")
        items = []
        for number, values in rows[1:]:
            values = [*values, *([None] * 5)]
            if all(_empty(v) for v in values[:5]):
                continue
            items.append(
                dict(zip(_NOTATION_HEADER, (_text(v) or None for v in values[:5]), strict=True))
            )
            self.notation_where[len(items)] = Location("notation_keys", number)
        if items:
            self.form["notation_keys"] = items

    def _locate(self, inventory: InventoryInput) -> InventoryInput:
        balance = inventory.balance
        if balance is not None:
            balance = replace(
                balance,
                cells=self.balance_cells,
                row_where=self.balance_rows,
                unit_where=self.balance_units,
            )
        sections: dict[str, CategoryInput] = {}
        for category_id, section in inventory.categories.items():
            rows = []
            for position, line in enumerate(section.rows, start=1):
                where, locations = self.line_where.get((category_id, position), (line.where, {}))
                rows.append(replace(line, where=where, locations=locations))
            local_where = {
                name: self.local_where.get((category_id, name), where)
                for name, where in section.local_where.items()
            }
            sections[category_id] = replace(section, rows=tuple(rows), local_where=local_where)
        notation = tuple(
            replace(item, where=self.notation_where.get(i, item.where))
            for i, item in enumerate(inventory.notation_keys, start=1)
        )
        return replace(inventory, balance=balance, categories=sections, notation_keys=notation)


def read_workbook(path: str | Path) -> InventoryInput:
    """Read an inventory workbook (see the module docstring).

    Raises
    ------
    InventoryRefusedError
        With every problem, each naming its sheet, row and column.
    """
    return _Reader(Path(path)).read()
