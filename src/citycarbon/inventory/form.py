"""The inventory input form: the JSON/YAML document (and what a workbook reads back into).

The form is documented in ``docs/inventory.md``. It has four sections::

    inventory:        jurisdiction, region (province id), year, factor_sets, gwp
    energy_balance:   units (per column), rows (row id → column → number), tolerances
    categories:       category id → units, rows (list of lines), local (local parameter values)
    notation_keys:    list of {category, gas, key, reason[, included_in]}

Reading checks the *shape* of the document and names the section, row and column of every
problem; the meaning (units, sums, defaults) is checked when the inventory is compiled.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from citycarbon.inventory.model import InventoryError, InventoryRefusedError, LineInput, Location

__all__ = [
    "BalanceInput",
    "CategoryInput",
    "InventoryInput",
    "NotationInput",
    "load_form",
    "read_form",
]

#: libyaml's safe loader when PyYAML was built with it (the same documents, several times
#: faster), else the pure-Python one.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TOP_KEYS = {"inventory", "energy_balance", "categories", "notation_keys", "note"}
_META_KEYS = {"jurisdiction", "region", "year", "factor_sets", "gwp", "note", "code"}
_BALANCE_KEYS = {
    "units",
    "rows",
    "tolerance_pct",
    "tolerance_abs",
    "recovery_from",
    "reference_threshold_pct",
    "note",
}
_CATEGORY_KEYS = {"units", "rows", "local", "note"}
_ROW_META = {"label", "note"}


@dataclass(frozen=True)
class BalanceInput:
    """The energy balance table as given: units by column and numbers by row and column."""

    units: Mapping[str, str]
    rows: Mapping[str, Mapping[str, Any]]
    sheet: str = "energy_balance"
    tolerance_pct: Any = None
    tolerance_abs: Any = None
    recovery_from: str | None = None
    reference_threshold_pct: Any = None
    cells: Mapping[tuple[str, str], Location] = field(default_factory=dict)
    row_where: Mapping[str, Location] = field(default_factory=dict)
    unit_where: Mapping[str, Location] = field(default_factory=dict)

    def where(self, row: str, column: str | None) -> Location:
        """Where cell (row, column) was written."""
        if column is not None and (row, column) in self.cells:
            return self.cells[(row, column)]
        if row in self.row_where and column is None:
            return self.row_where[row]
        return Location(self.sheet, row, column)


@dataclass(frozen=True)
class CategoryInput:
    """The section of one category: its lines and local parameter values."""

    id: str
    rows: tuple[LineInput, ...]
    local: Mapping[str, Any]
    local_where: Mapping[str, Location]
    where: Location


@dataclass(frozen=True)
class NotationInput:
    """A notation key for an empty cell (category × gas) with its reason."""

    category: str
    gas: str
    key: str
    reason: str
    where: Location
    included_in: str | None = None


@dataclass(frozen=True)
class InventoryInput:
    """One jurisdiction-year as given."""

    jurisdiction: str
    year: int | None
    region: str | None = None
    factor_sets: tuple[str, ...] = ()
    gwp: str | None = None
    balance: BalanceInput | None = None
    categories: Mapping[str, CategoryInput] = field(default_factory=dict)
    notation_keys: tuple[NotationInput, ...] = ()
    meta_where: Location = field(default_factory=lambda: Location("inventory"))


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def read_form(data: Any, *, source: str = "") -> InventoryInput:
    """Read the JSON/YAML form (already parsed) into an :class:`InventoryInput`.

    Raises
    ------
    InventoryRefusedError
        With every structural problem: unknown sections or keys, a row that is not a table, a
        year that is not a whole number.
    """
    errors: list[InventoryError] = []
    if not isinstance(data, Mapping):
        raise InventoryRefusedError([InventoryError("the inventory must be a mapping of sections")])
    for key in data:
        if key not in _TOP_KEYS:
            errors.append(
                InventoryError(
                    f"unknown section {key!r}; sections: {', '.join(sorted(_TOP_KEYS))}",
                    Location(str(key)),
                )
            )
    meta = data.get("inventory") or {}
    where = Location("inventory")
    if not isinstance(meta, Mapping):
        errors.append(InventoryError("the inventory section must be a mapping", where))
        meta = {}
    for key in meta:
        if key not in _META_KEYS:
            errors.append(
                InventoryError(
                    f"unknown field; fields: {', '.join(sorted(_META_KEYS))}",
                    Location("inventory", key),
                )
            )
    year = meta.get("year")
    if year is not None and not _is_int(year):
        if isinstance(year, str) and year.strip().isdigit():
            year = int(year.strip())
        else:
            errors.append(
                InventoryError("a year is a whole number", Location("inventory", "year"), year)
            )
            year = None
    factor_sets = meta.get("factor_sets") or ()
    if isinstance(factor_sets, str):
        factor_sets = tuple(s.strip() for s in factor_sets.split(",") if s.strip())
    if not isinstance(factor_sets, (list, tuple)):
        errors.append(
            InventoryError(
                "factor_sets is a list of guideline ids",
                Location("inventory", "factor_sets"),
                factor_sets,
            )
        )
        factor_sets = ()
    balance = _read_balance(data.get("energy_balance"), errors)
    categories = _read_categories(data.get("categories"), errors)
    notation = _read_notation(data.get("notation_keys"), errors)
    if errors:
        raise InventoryRefusedError(errors)
    region = meta.get("region")
    gwp = meta.get("gwp")
    return InventoryInput(
        jurisdiction=str(meta.get("jurisdiction") or source or ""),
        year=year,
        region=str(region) if region else None,
        factor_sets=tuple(str(s) for s in factor_sets),
        gwp=str(gwp) if gwp else None,
        balance=balance,
        categories=categories,
        notation_keys=notation,
    )


def _read_balance(raw: Any, errors: list[InventoryError]) -> BalanceInput | None:
    if raw is None:
        return None
    sheet = "energy_balance"
    if not isinstance(raw, Mapping):
        errors.append(InventoryError("the energy balance must be a mapping", Location(sheet)))
        return None
    for key in raw:
        if key not in _BALANCE_KEYS:
            errors.append(
                InventoryError(
                    f"unknown field; fields: {', '.join(sorted(_BALANCE_KEYS))}",
                    Location(sheet, None, str(key)),
                )
            )
    units = raw.get("units") or {}
    if not isinstance(units, Mapping):
        errors.append(InventoryError("units map each column to its unit", Location(sheet, "units")))
        units = {}
    rows = raw.get("rows") or {}
    if not isinstance(rows, Mapping):
        errors.append(
            InventoryError("rows map each row id to its columns", Location(sheet, "rows"))
        )
        rows = {}
    clean: dict[str, dict[str, Any]] = {}
    for row_id, cells in rows.items():
        if cells is None:
            continue
        if not isinstance(cells, Mapping):
            errors.append(
                InventoryError("a row maps column ids to numbers", Location(sheet, str(row_id)))
            )
            continue
        clean[str(row_id)] = {str(k): v for k, v in cells.items() if v is not None and v != ""}
    recovery_from = raw.get("recovery_from")
    return BalanceInput(
        units={str(k): str(v) for k, v in units.items() if v not in (None, "")},
        rows=clean,
        sheet=sheet,
        tolerance_pct=raw.get("tolerance_pct"),
        tolerance_abs=raw.get("tolerance_abs"),
        recovery_from=str(recovery_from) if recovery_from else None,
        reference_threshold_pct=raw.get("reference_threshold_pct"),
    )


def _read_categories(raw: Any, errors: list[InventoryError]) -> dict[str, CategoryInput]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        errors.append(
            InventoryError("categories map category ids to sections", Location("categories"))
        )
        return {}
    result: dict[str, CategoryInput] = {}
    for category_id, section in raw.items():
        category_id = str(category_id)
        sheet = f"categories.{category_id}"
        if section is None:
            section = {}
        if not isinstance(section, Mapping):
            errors.append(InventoryError("a category section must be a mapping", Location(sheet)))
            continue
        for key in section:
            if key not in _CATEGORY_KEYS:
                errors.append(
                    InventoryError(
                        f"unknown field; fields: {', '.join(sorted(_CATEGORY_KEYS))}",
                        Location(sheet, None, str(key)),
                    )
                )
        units = section.get("units") or {}
        if not isinstance(units, Mapping):
            errors.append(InventoryError("units map parameters to units", Location(sheet, "units")))
            units = {}
        units_clean = {str(k): str(v) for k, v in units.items() if v not in (None, "")}
        rows = section.get("rows") or []
        if not isinstance(rows, list):
            errors.append(InventoryError("rows must be a list of lines", Location(sheet, "rows")))
            rows = []
        lines: list[LineInput] = []
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, Mapping):
                errors.append(InventoryError("a line must be a mapping", Location(sheet, number)))
                continue
            values = {str(k): v for k, v in row.items() if k not in _ROW_META and v is not None}
            lines.append(
                LineInput(
                    category=category_id,
                    values=values,
                    where=Location(sheet, number),
                    label=str(row.get("label") or ""),
                    units=units_clean,
                )
            )
        local = section.get("local") or {}
        if not isinstance(local, Mapping):
            errors.append(
                InventoryError("local maps parameters to values", Location(sheet, "local"))
            )
            local = {}
        result[category_id] = CategoryInput(
            id=category_id,
            rows=tuple(lines),
            local={str(k): v for k, v in local.items()},
            local_where={str(k): Location(sheet, "local", str(k)) for k in local},
            where=Location(sheet),
        )
    return result


def _read_notation(raw: Any, errors: list[InventoryError]) -> tuple[NotationInput, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        errors.append(InventoryError("notation_keys is a list", Location("notation_keys")))
        return ()
    result = []
    for number, item in enumerate(raw, start=1):
        where = Location("notation_keys", number)
        if not isinstance(item, Mapping):
            errors.append(InventoryError("a notation key is a mapping", where))
            continue
        included = item.get("included_in")
        key = item.get("key")
        if key is False:  # YAML 1.1 reads an unquoted NO as false
            key = "NO"
        result.append(
            NotationInput(
                category=str(item.get("category") or ""),
                gas=str(item.get("gas") or ""),
                key=str(key or ""),
                reason=str(item.get("reason") or "").strip(),
                where=where,
                included_in=str(included) if included else None,
            )
        )
    return tuple(result)


def load_form(path: str | Path) -> InventoryInput:
    """Read a JSON or YAML inventory form from ``path``."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.load(text, _SafeLoader)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InventoryRefusedError([InventoryError(f"cannot read {path.name}: {exc}")]) from None
    return read_form(data, source=path.stem)
