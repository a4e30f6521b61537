"""Golden file: a complete multi-sector county inventory against a spreadsheet worked by hand.

``tests/golden/inventory/golden_county.yaml`` is a synthetic county with a line in every category
of the inventory engine. ``golden_county.xlsx`` works every line of it with spreadsheet formulas
(written by ``scripts/make_golden_inventory.py``, which types the guideline's equations and the
default factors with their row ids, and recomputed by LibreOffice, which stored the values). This
test reads the spreadsheet's values and compares them with the engine: every line and gas, the
origin of the defaults, the reference approach per fuel, the totals by sector and gas, with and
without LUCF, and the indirect emissions — to a relative 1e-9. The spreadsheet is the oracle: no
value in it comes from citycarbon.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from citycarbon.inventory import InventoryResult, compile_inventory, load_form
from citycarbon.inventory.model import GAS_GROUPS, SECTORS

GOLDEN = Path(__file__).parent / "inventory"
REL = 1e-9


@pytest.fixture(scope="module")
def sheet() -> Any:
    workbook = load_workbook(GOLDEN / "golden_county.xlsx", data_only=True)
    for name in ("lines", "totals", "reference"):
        for row in workbook[name].iter_rows(min_row=2, values_only=True):
            if any(isinstance(v, str) and v.startswith("=") for v in row):
                pytest.fail(f"sheet {name}: no cached values — recompute with --recalc")
    return workbook


@pytest.fixture(scope="module")
def result() -> InventoryResult:
    return compile_inventory(load_form(GOLDEN / "golden_county.yaml"))


def _key(category: str, line: Any) -> str:
    values = line.values
    if category == "energy.fuel_combustion":
        return f"{values['activity']}|{values['fuel']}|{values.get('mode', 'combustion')}"
    if category in ("energy.indirect_electricity", "energy.indirect_heat"):
        return str(values["direction"])
    if category == "waste.landfill_fod":
        return f"{values['site']}|{values['waste_type']}|{int(values['deposit_year'])}"
    return str(line.label)


def _lines(sheet: Any) -> dict[tuple[str, str, str], float]:
    table: dict[tuple[str, str, str], float] = {}
    for row in sheet["lines"].iter_rows(min_row=2, values_only=True):
        category, key, _sector, _reporting, gas, _group, mass = row[:7]
        assert (category, key, gas) not in table, (category, key, gas)
        table[(category, key, gas)] = float(mass)
    return table


def _totals(sheet: Any) -> dict[str, float]:
    return {
        str(name): float(value)
        for name, value, _unit in sheet["totals"].iter_rows(min_row=2, values_only=True)
    }


def test_the_golden_inventory_is_complete(result: InventoryResult) -> None:
    assert result.completeness["missing"] == []
    assert result.completeness["sectors_without_categories"] == []
    for item in result.categories:
        assert item.lines, f"{item.category.id} has no line in the golden county"


def test_every_line_and_gas_as_worked_in_the_spreadsheet(
    sheet: Any, result: InventoryResult
) -> None:
    expected = _lines(sheet)
    seen: set[tuple[str, str, str]] = set()
    for item in result.categories:
        category = item.category.id
        for line in item.lines:
            key = _key(category, line)
            for gas, mass in line.masses_t.items():
                cell = (category, key, gas)
                if cell not in expected:
                    assert mass == 0, f"{cell}: {mass} t, not in the spreadsheet"
                    continue
                seen.add(cell)
                assert mass == pytest.approx(expected[cell], rel=REL, abs=1e-9), cell
    assert set(expected) == seen, (
        f"lines of the spreadsheet the engine lacks: {set(expected) - seen}"
    )


def test_the_defaults_are_the_rows_the_spreadsheet_names(
    sheet: Any, result: InventoryResult
) -> None:
    # every 'default <row id>' written in a sector sheet is a row the engine used
    named = {
        str(value).removeprefix("default ")
        for name in ("energy", "ippu", "agriculture", "lucf", "waste")
        for row in sheet[name].iter_rows(values_only=True)
        for value in row
        if isinstance(value, str) and value.startswith("default ")
    }
    used = {p.factor_id for line in result.lines() for p in line.params if p.factor_id}
    assert named, "the spreadsheet names no default"
    assert named <= used, f"rows named in the spreadsheet the engine did not use: {named - used}"


def test_the_fod_spreadsheet_agrees_with_itself(sheet: Any) -> None:
    # per-line closed form and the IPCC accumulation (Eq. 3.4-3.5) give the same year's CH4
    checks = {k: v for k, v in _totals(sheet).items() if k.startswith("check:fod")}
    assert len(checks) == 2
    assert all(abs(v) < 1e-9 for v in checks.values()), checks


def test_reference_approach_per_fuel_and_in_total(sheet: Any, result: InventoryResult) -> None:
    report = result.checks["energy.reference_approach"]
    rows = {
        str(row[1]): float(row[9])
        for row in sheet["reference"].iter_rows(min_row=3, values_only=True)
        if row[0] == "energy.reference_approach"
    }
    assert set(rows) == set(report["fuels"])
    for fuel, value in rows.items():
        assert report["fuels"][fuel]["reference_tco2"] == pytest.approx(value, rel=REL, abs=1e-9)
    totals = _totals(sheet)
    assert report["reference_tco2"] == pytest.approx(totals["reference_approach_tco2"], rel=REL)
    assert report["sectoral_tco2"] == pytest.approx(totals["sectoral_approach_tco2"], rel=REL)


def test_totals_by_sector_gas_and_with_and_without_lucf(
    sheet: Any, result: InventoryResult
) -> None:
    totals = _totals(sheet)
    assert float(result.total().value) == pytest.approx(totals["with_lucf_tco2e"], rel=REL)
    assert float(result.total(include_lucf=False).value) == pytest.approx(
        totals["without_lucf_tco2e"], rel=REL
    )
    for sector in SECTORS:
        assert float(result.sector_total(sector).value) == pytest.approx(
            totals[f"sector:{sector}"], rel=REL
        ), sector
    by_gas = result.by_gas_t()
    for group in GAS_GROUPS:
        assert by_gas.get(group, 0.0) == pytest.approx(totals[f"gas:{group}"], rel=REL), group
    for name in ("electricity", "heat"):
        assert result.indirect[name]["net_tco2"] == pytest.approx(
            totals[f"indirect:{name}:net"], rel=REL
        ), name
