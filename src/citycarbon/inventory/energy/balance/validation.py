"""Validating the energy balance table as given: units, signs, sums and the balance of
every column.

Signs follow the yearbook. Validation (every problem is named with sheet, row, column, value):

* each column's unit has the column's dimension: mass for solid and liquid fuels, volume for
  gases, energy for electricity, heat and other energy — physical units, never tce for a fuel;
* production only for primary energy; inflows, imports ≥ 0; outflows, exports ≤ 0; in a
  transformation row the process's products ≥ 0 and everything else ≤ 0; recovered energy
  only positive and only recoverable products; losses, final consumption, non-energy use ≥ 0;
  non-energy use ≤ the consumption it is part of;
* every stated subtotal equals the sum of its parts, and every column balances:

  .. math:: S + T - L - F - D = 0

  with S the supply total, T the net transformation, L the losses, F the final consumption and
  D the statistical difference;
* *tolerance*: a sum is accepted when it differs from the stated value by at most
  ``tolerance_pct`` (default 0.1 %) of the sum of the absolute values of its terms, or by at most
  ``tolerance_abs`` (default 0.05) in the column's own unit, whichever is larger — published
  balances are rounded to two decimals.

Sub-sector rows are all-or-nothing: when any sub-sector of a row is given, the row is the sum of
its sub-sectors (missing ones are zero) and, if the row is given too, it must equal that sum.
"""

from __future__ import annotations

from collections.abc import Iterable
from math import isfinite
from typing import Final

from citycarbon.inventory.energy.balance.table import (
    COLUMNS,
    DEFAULT_TOLERANCE_ABS,
    DEFAULT_TOLERANCE_PCT,
    NON_ENERGY_PREFIX,
    ROW_LIST,
    ROWS,
    BalanceRow,
    Column,
    EnergyBalance,
    non_energy_row,
    sub_rows,
)
from citycarbon.inventory.form import BalanceInput
from citycarbon.inventory.model import InventoryError, Location
from citycarbon.inventory.quantities import (
    NumberError,
    UnitError,
    canonical_unit,
    factor,
    read_number,
    split_value,
)

__all__ = ["parse_balance"]

_EMPTY: Final[dict[str, float]] = {}


class _Parser:
    def __init__(self, given: BalanceInput, errors: list[InventoryError]) -> None:
        self.given = given
        self.errors = errors
        self.sheet = given.sheet
        self.values: dict[str, dict[str, float]] = {}
        self.units: dict[str, str] = {}
        self.factors: dict[str, float] = {}
        self.where: dict[tuple[str, str], Location] = {}
        self.tol_pct = DEFAULT_TOLERANCE_PCT
        self.tol_abs = DEFAULT_TOLERANCE_ABS
        self._subtrees: dict[str, bool] = {}  # rows given in their subtree (after the cells)

    def error(self, message: str, row: str | None, column: str | None, value: object) -> None:
        where = (
            self.given.where(row, column)
            if row is not None
            else self.given.unit_where.get(column or "", Location(self.sheet, "units", column))
        )
        self.errors.append(InventoryError(message, where, value))

    def parse(self) -> EnergyBalance | None:
        count = len(self.errors)
        self._settings()
        self._units()
        self._cells()
        if len(self.errors) > count:
            return None
        self._signs()
        leaves = self._sums()
        non_energy = self._non_energy(leaves)
        if len(self.errors) > count:
            return None
        recovery_from = self.given.recovery_from or "ind_ferrous_metals"
        threshold = self._number(self.given.reference_threshold_pct, "reference_threshold_pct", 5.0)
        return EnergyBalance(
            columns=tuple(self.units),
            values=self.values,
            units=self.units,
            where=self.where,
            leaves=leaves,
            non_energy=non_energy,
            recovery_from=recovery_from,
            reference_threshold_pct=threshold,
            sheet=self.sheet,
        )

    def _number(self, raw: object, name: str, fallback: float) -> float:
        if raw is None or raw == "":
            return fallback
        try:
            value = read_number(raw)
        except NumberError:
            self.errors.append(
                InventoryError("not a number", Location(self.sheet, None, name), raw)
            )
            return fallback
        if value < 0:
            self.errors.append(
                InventoryError("must not be negative", Location(self.sheet, None, name), raw)
            )
            return fallback
        return value

    def _settings(self) -> None:
        self.tol_pct = self._number(self.given.tolerance_pct, "tolerance_pct", self.tol_pct)
        self.tol_abs = self._number(self.given.tolerance_abs, "tolerance_abs", self.tol_abs)
        recovery = self.given.recovery_from
        if recovery is not None and (recovery not in ROWS or ROWS[recovery].group != "final"):
            self.errors.append(
                InventoryError(
                    "recovery_from names the final-consumption row the recovered gases came "
                    "from (e.g. ind_ferrous_metals)",
                    Location(self.sheet, None, "recovery_from"),
                    recovery,
                )
            )

    def _units(self) -> None:
        used = {c for cells in self.given.rows.values() for c in cells}
        for column_id in sorted(used | set(self.given.units)):
            column = COLUMNS.get(column_id)
            if column is None:
                self.error(
                    f"unknown energy type; known: {', '.join(COLUMNS)}", None, column_id, column_id
                )
                continue
            unit = self.given.units.get(column_id)
            if unit is None:
                self.error(f"the column needs a unit (like {column.unit})", None, column_id, None)
                continue
            try:
                canonical_unit(unit, (column.unit,))
                self.factors[column_id] = factor(unit, column.unit)
            except UnitError:
                need = {
                    "t": "a mass (t, 10^4 t) — a physical quantity, not tce",
                    "10^4 Nm3": "a volume (10^4 Nm3, 10^8 Nm3)",
                    "MWh": "an energy (kWh, 10^4 kWh, 10^8 kWh, MWh)",
                    "GJ": "an energy (GJ, TJ, tce)",
                }[column.unit]
                self.error(f"{column.name_en}: the unit must be {need}", None, column_id, unit)
                continue
            self.units[column_id] = unit

    def _cells(self) -> None:
        given = self.given
        factors, values, where = self.factors, self.values, self.where
        # Only positions other than (sheet, row, column) are kept: a workbook's cells.
        located = bool(given.cells)
        for row_id, cells in given.rows.items():
            row = ROWS.get(row_id) or non_energy_row(row_id)
            if row is None:
                known = ", ".join([*ROWS, "non_energy.<final row>"])
                self.error(f"unknown row; rows: {known}", row_id, None, row_id)
                continue
            row_values: dict[str, float] | None = None
            for column_id, raw in cells.items():
                if column_id not in factors:
                    continue  # the column itself is in error (reported once)
                if type(raw) is float and isfinite(raw):
                    value, unit = raw, None  # as read_number would
                else:
                    number, unit, _ = split_value(raw)
                    try:
                        value = read_number(number)
                    except NumberError:
                        self.error("not a number", row_id, column_id, raw)
                        continue
                scale = factors[column_id]
                if unit is not None:
                    column = COLUMNS[column_id]
                    try:
                        canonical_unit(unit, (column.unit,))
                        scale = factor(unit, column.unit)
                    except UnitError as exc:
                        self.error(str(exc), row_id, column_id, raw)
                        continue
                if row_values is None:
                    row_values = values.setdefault(row_id, {})
                row_values[column_id] = value * scale
                if located:
                    where[(row_id, column_id)] = given.where(row_id, column_id)

    def _shown(self, column: str, value: float) -> str:
        """A canonical value shown in the column's given unit."""
        return f"{value / self.factors[column]:.6g} {self.units[column]}"

    def _signs(self) -> None:
        for row_id, cells in self.values.items():
            row = ROWS.get(row_id) or non_energy_row(row_id)
            assert row is not None
            for column_id, value in cells.items():
                column = COLUMNS[column_id]
                message = self._sign_problem(row, column, value)
                if message:
                    raw = self.given.rows[row_id][column_id]
                    self.error(message, row_id, column_id, raw)

    @staticmethod
    def _sign_problem(row: BalanceRow, column: Column, value: float) -> str:
        if row.id == "production" and value != 0 and not column.primary:
            return (
                f"{column.name_en} is not primary energy: its production is a transformation "
                "output (e.g. coke in row coking), not primary production"
            )
        if row.id in ("production", "imports", "imports_abroad") and value < 0:
            return "must not be negative"
        if row.id in ("exports", "exports_abroad") and value > 0:
            return "outflows and exports are entered as negative numbers, as in the yearbook (−)"
        if row.group == "transformation":
            if row.id == "recovery":
                if column.id not in row.outputs and value != 0:
                    return f"{column.name_en} is not a recoverable product of {row.name_en}"
                if value < 0:
                    return "recovered energy is an output and must not be negative"
                return ""
            if column.id in row.outputs and value < 0:
                return f"{column.name_en} is a product of {row.name_en}: outputs are positive (+)"
            if column.id not in row.outputs and value > 0:
                return (
                    f"{column.name_en} is not a product of {row.name_en}: inputs are entered as "
                    "negative numbers (−)"
                )
            return ""
        if row.group in ("losses", "final", "final_parent", "non_energy", "non_energy_total"):
            return "must not be negative" if value < 0 else ""
        return ""

    def _tolerance(self, column: str, terms: Iterable[float]) -> float:
        magnitude = sum(map(abs, terms))
        return max(self.tol_pct / 100 * magnitude, self.tol_abs * self.factors[column])

    def _check_sum(self, row_id: str, column: str, parts: list[float], what: str) -> None:
        stated = self.values.get(row_id, {}).get(column)
        if stated is None:
            return
        computed = sum(parts)
        if abs(stated - computed) > self._tolerance(column, [*parts, stated]):
            raw = self.given.rows[row_id][column]
            self.error(
                f"does not add up: {what} = {self._shown(column, computed)}, "
                f"stated {self._shown(column, stated)}",
                row_id,
                column,
                raw,
            )

    def _given(self, row_id: str) -> bool:
        return bool(self.values.get(row_id))

    def _leaf_rows(self, parent: str) -> list[str]:
        """Leaves under ``parent``: its children where any is given, else the parent itself."""
        children = sub_rows(parent)
        if not any(self._subtree_given(c) for c in children):
            return [parent] if self._given(parent) else []
        result: list[str] = []
        for child in children:
            if sub_rows(child):
                result.extend(self._leaf_rows(child))
            elif self._given(child):
                result.append(child)
        return result

    def _subtree_given(self, row_id: str) -> bool:
        known = self._subtrees.get(row_id)
        if known is None:
            known = self._given(row_id) or any(self._subtree_given(c) for c in sub_rows(row_id))
            self._subtrees[row_id] = known
        return known

    def _sums(self) -> tuple[str, ...]:
        supply = [r.id for r in ROW_LIST if r.group == "supply"]
        transformation = [r.id for r in ROW_LIST if r.group == "transformation"]
        top = sub_rows("final_consumption")
        if self._given("final_consumption") and not any(self._subtree_given(c) for c in top):
            for column in self.values["final_consumption"]:
                self.error(
                    "final consumption must be broken down by sector (agriculture, industry, "
                    "construction, transport, commerce, other services, residential)",
                    "final_consumption",
                    column,
                    self.given.rows["final_consumption"][column],
                )
            return ()
        leaves = tuple(self._leaf_rows("final_consumption"))
        parents = {
            parent: self._leaf_rows(parent)
            for parent in ("industry", "transport", "residential", "final_consumption")
            if parent == "final_consumption"
            or any(self._subtree_given(c) for c in sub_rows(parent))
        }
        values = self.values

        def cells(rows: Iterable[str]) -> list[dict[str, float]]:
            return [values.get(r, _EMPTY) for r in rows]

        supply_cells = cells(supply)
        transformation_cells = cells(transformation)
        leaf_cells = cells(leaves)
        parent_cells = {
            parent: leaf_cells if parent == "final_consumption" else cells(rows)
            for parent, rows in parents.items()
        }
        losses_cells = values.get("losses", _EMPTY)
        difference_cells = values.get("statistical_difference", _EMPTY)
        # A subtotal is checked where it is stated (a column without it has nothing to check).
        stated = {parent: values.get(parent, _EMPTY) for parent in parent_cells}
        for column in self.units:
            s = [c.get(column, 0.0) for c in supply_cells]
            t = [c.get(column, 0.0) for c in transformation_cells]
            f = [c.get(column, 0.0) for c in leaf_cells]
            self._check_sum("total_supply", column, s, "sum of supply rows")
            self._check_sum("transformation_total", column, t, "sum of transformation rows")
            for parent, rows in parent_cells.items():
                if column not in stated[parent]:
                    continue
                parts = f if rows is leaf_cells else [c.get(column, 0.0) for c in rows]
                if parent != "final_consumption" or parts:
                    self._check_sum(parent, column, parts, f"sum of the sub-sectors of {parent}")
            losses = losses_cells.get(column, 0.0)
            d = difference_cells.get(column, 0.0)
            residual = sum(s) + sum(t) - losses - sum(f) - d
            if abs(residual) > self._tolerance(column, [*s, *t, losses, *f, d]):
                row = "statistical_difference"
                raw = self.given.rows.get(row, {}).get(column)
                self.error(
                    "the column does not balance: supply + transformation − losses − final "
                    f"consumption − statistical difference = {self._shown(column, residual)} "
                    f"(supply {self._shown(column, sum(s))}, transformation "
                    f"{self._shown(column, sum(t))}, losses {self._shown(column, losses)}, final "
                    f"{self._shown(column, sum(f))}, statistical difference "
                    f"{self._shown(column, d)})",
                    row,
                    column,
                    raw,
                )
        return leaves

    def get(self, row: str, column: str) -> float:
        return self.values.get(row, _EMPTY).get(column, 0.0)

    def _non_energy(self, leaves: tuple[str, ...]) -> dict[str, dict[str, float]]:
        result: dict[str, dict[str, float]] = {}
        by_row = {r: cells for r, cells in self.values.items() if r.startswith(NON_ENERGY_PREFIX)}
        for row_id, cells in by_row.items():
            target = row_id[len(NON_ENERGY_PREFIX) :]
            for column, value in cells.items():
                if target not in leaves:
                    self.error(
                        f"{target} carries no consumption in this balance (its sub-sectors do, "
                        "or it is empty)",
                        row_id,
                        column,
                        self.given.rows[row_id][column],
                    )
                    continue
                used = self.get(target, column)
                if value > used + self._tolerance(column, [used]):
                    self.error(
                        f"non-energy use exceeds the consumption of {target} "
                        f"({self._shown(column, used)})",
                        row_id,
                        column,
                        self.given.rows[row_id][column],
                    )
                    continue
                result.setdefault(target, {})[column] = min(value, used)
        total = self.values.get("non_energy_use", {})
        for column, value in total.items():
            parts = [v for r, cells in by_row.items() for c, v in cells.items() if c == column]
            if parts:
                self._check_sum("non_energy_use", column, parts, "sum of non_energy.<row> rows")
                continue
            # Only the total is given: allocate it over industry in proportion to consumption.
            industry = [r for r in leaves if ROWS[r].parent == "industry" or r == "industry"]
            base = sum(self.get(r, column) for r in industry)
            if value > base + self._tolerance(column, [base]):
                self.error(
                    "non-energy use exceeds industrial consumption "
                    f"({self._shown(column, base)}); give it by row as non_energy.<row>",
                    "non_energy_use",
                    column,
                    self.given.rows["non_energy_use"][column],
                )
                continue
            for r in industry:
                share = self.get(r, column) / base if base else 0.0
                if share:
                    result.setdefault(r, {})[column] = min(value, base) * share
        return result


def parse_balance(given: BalanceInput, errors: list[InventoryError]) -> EnergyBalance | None:
    """Validate the balance and return it in canonical units, or add every problem to
    ``errors`` and return ``None``."""
    return _Parser(given, errors).parse()
