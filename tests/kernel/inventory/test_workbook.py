"""The Excel workbook: the template reads back to the same inventory; refusals name the cell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from citycarbon.inventory import InventoryRefusedError, compile_inventory, read_form
from citycarbon.inventory.workbook import read_workbook, write_workbook

FORM: dict[str, Any] = {
    "inventory": {"jurisdiction": "测试县", "region": "henan", "year": 2012},
    "energy_balance": {
        "units": {"raw_coal": "10^4 t", "electricity": "10^8 kWh"},
        "rows": {
            "imports": {"raw_coal": 10, "electricity": 2},
            "thermal_power": {"raw_coal": -6, "electricity": 1},
            "ind_nonmetallic_minerals": {"raw_coal": 4, "electricity": 3},
        },
        "tolerance_pct": 0.2,
    },
    "categories": {
        "energy.coal_mining": {
            "rows": [
                {"label": "A矿", "mine_type": "underground_low_gas", "production": "50 10^4 t"},
                {"label": "B矿", "mine_type": "surface", "production": "20 10^4 t"},
            ]
        },
        "energy.fuel_combustion": {"local": {"oxidation": {"raw_coal": "95 %"}}},
    },
    "notation_keys": [
        {"category": "energy.oil_gas_fugitive", "gas": "CH4", "key": "NO", "reason": "none"}
    ],
}


def test_template_reads_back_to_the_same_inventory(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "inventory.xlsx", FORM)
    from_book = compile_inventory(read_workbook(path))
    from_form = compile_inventory(read_form(FORM))
    assert from_book.as_dict()["totals"] == from_form.as_dict()["totals"]
    assert from_book.as_dict()["completeness"] == from_form.as_dict()["completeness"]
    mining = from_book.category("energy.coal_mining").lines
    assert [line.label for line in mining] == ["A矿", "B矿"]
    oxidation = next(
        p for p in from_book.category("energy.fuel_combustion").lines[0].params
        if p.name == "oxidation"
    )  # fmt: skip
    assert (oxidation.origin, oxidation.value) == ("local", pytest.approx(0.95))


def test_blank_template_has_one_sheet_per_sector(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "blank.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == [
        "inventory", "energy_balance", "energy", "ippu", "agriculture", "lucf", "waste",
        "parameters", "notation_keys",
    ]  # fmt: skip
    balance = book["energy_balance"]
    assert balance["A1"].value == "row"
    assert balance["A4"].value == "production"
    assert balance["C3"].value == "10^4 t"
    # A blank template is an inventory without data: it reads, and needs only a year.
    with pytest.raises(InventoryRefusedError, match="needs a year"):
        compile_inventory(read_workbook(path))


def _cell(sheet: Any, row_id: str, column_id: str) -> Any:
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=4):
        if row[0].value == row_id:
            return row[header.index(column_id)]
    raise KeyError(row_id)


def test_refusals_name_sheet_row_and_column(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "bad.xlsx", FORM)
    book = load_workbook(path)
    cell = _cell(book["energy_balance"], "thermal_power", "raw_coal")
    cell.value = 6  # an input entered positive
    energy = book["energy"]
    for row in energy.iter_rows():
        if row[0].value == "A矿":
            row[2].value = -50  # negative production
    book.save(path)
    with pytest.raises(InventoryRefusedError) as caught:
        compile_inventory(read_workbook(path))
    messages = [e.describe() for e in caught.value.errors]
    assert (
        f"sheet energy_balance, row {cell.row} (thermal_power), column raw_coal, value 6: raw "
        "coal is not a product of thermal power: inputs are entered as negative numbers (−)"
    ) in messages
    assert any(
        m.startswith("sheet energy, row ") and "column production, value -50" in m
        and "negative values are not allowed" in m
        for m in messages
    )  # fmt: skip


def test_an_unknown_sheet_is_refused(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "x.xlsx", FORM)
    book = load_workbook(path)
    book.create_sheet("notes")
    book.save(path)
    with pytest.raises(InventoryRefusedError) as caught:
        read_workbook(path)
    assert caught.value.errors[0].describe().startswith("sheet notes: unknown sheet")


def test_lines_in_several_units_cannot_share_a_column(tmp_path: Path) -> None:
    form = {
        "inventory": {"year": 2012},
        "categories": {
            "energy.coal_mining": {
                "rows": [
                    {"mine_type": "surface", "production": "1 t"},
                    {"mine_type": "surface", "production": "1 10^4 t"},
                ]
            }
        },
    }
    with pytest.raises(ValueError, match="production in several units"):
        write_workbook(tmp_path / "y.xlsx", form)
