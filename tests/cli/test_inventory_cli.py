"""``citycarbon calc inventory``, ``categories`` and ``template inventory``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from openpyxl import load_workbook

import citycarbon.cli.inventory  # noqa: F401  (registers the commands)
from citycarbon.inventory import categories as registered
from citycarbon.inventory.model import SECTORS

Run = Callable[..., Result]

# One county: 1 000 000 t raw coal to thermal power; all factors given, so every number can be
# worked by hand: 1 000 000 t × 20 GJ/t = 20 000 TJ × 25 tC/TJ × 0.9 × 44/12 = 1 650 000 tCO2;
# CH4 20 000 TJ × 1 kg/TJ = 20 t (× 21 = 420); N2O × 1.5 kg/TJ = 30 t (× 310 = 9 300).
# Total SAR 1 659 720 tCO2e; AR4 1 650 000 + 20 × 25 + 30 × 298 = 1 659 440.
FORM: dict[str, Any] = {
    "inventory": {"jurisdiction": "测试县", "region": "henan", "year": 2012},
    "energy_balance": {
        "units": {"raw_coal": "10^4 t", "electricity": "10^4 MWh"},
        "rows": {
            "imports": {"raw_coal": 100},
            "thermal_power": {"raw_coal": -100, "electricity": 50},
            "ind_power_heat": {"electricity": 50},
        },
    },
    "categories": {
        "energy.fuel_combustion": {
            "local": {
                "ncv": "20 GJ/t",
                "carbon_content": "25 tC/TJ",
                "oxidation": "90 %",
                "ch4_ef": "1 kgCH4/TJ",
                "n2o_ef": "1.5 kgN2O/TJ",
            }
        }
    },
}


@pytest.fixture
def form_file(tmp_path: Path) -> Path:
    path = tmp_path / "county.json"
    path.write_text(json.dumps(FORM, ensure_ascii=False), "utf-8")
    return path


def test_calc_inventory_json(run: Run, form_file: Path) -> None:
    result = run("calc", "inventory", str(form_file), "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["totals"]["with_lucf_tco2e"] == pytest.approx(1_659_720)
    assert data["totals"]["by_gas_t"] == {
        "CO2": pytest.approx(1_650_000),
        "CH4": pytest.approx(20),
        "N2O": pytest.approx(30),
    }
    combustion = next(c for c in data["categories"] if c["id"] == "energy.fuel_combustion")
    (line,) = combustion["lines"]
    assert {p["name"]: p["origin"] for p in line["params"]}["ncv"] == "local"
    assert data["key_categories"]["key"][0] == {"category": "1A1 coal", "gas": "CO2"}
    assert data["uncertainty"]["approach2"] is None
    assert data["checks"]["energy.reference_approach"]["difference_pct"] == pytest.approx(0)


def test_calc_inventory_gwp_option(run: Run, form_file: Path) -> None:
    result = run("calc", "inventory", str(form_file), "--json", "--gwp", "ar4gwp100")
    assert json.loads(result.stdout)["totals"]["with_lucf_tco2e"] == pytest.approx(1_659_440)
    bad = run("calc", "inventory", str(form_file), "--gwp", "GWP7")
    assert bad.exit_code == 2
    assert "unknown GWP metric" in bad.stderr


def test_calc_inventory_monte_carlo_is_reproducible(run: Run, form_file: Path) -> None:
    args = ("calc", "inventory", str(form_file), "--json", "--uncertainty", "500", "--seed", "11")
    first = json.loads(run(*args).stdout)["uncertainty"]["approach2"]
    again = json.loads(run(*args).stdout)["uncertainty"]["approach2"]
    assert first == again
    assert first["iterations"] == 500
    assert first["seed"] == 11


def test_calc_inventory_text(run: Run, form_file: Path) -> None:
    result = run("calc", "inventory", str(form_file))
    assert result.exit_code == 0
    assert "1,659,720.00" in result.stdout
    assert "reference approach" in result.stdout


def test_a_refused_inventory_prints_nothing_and_exits_1(run: Run, tmp_path: Path) -> None:
    bad = json.loads(json.dumps(FORM))
    bad["energy_balance"]["rows"]["thermal_power"]["raw_coal"] = 100
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), "utf-8")
    result = run("calc", "inventory", str(path), "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "row thermal_power, column raw_coal, value 100" in result.stderr
    assert "nothing computed" in result.stderr


def test_an_unreadable_file_exits_2(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_text("not a workbook", "utf-8")
    result = run("calc", "inventory", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""


def test_categories(run: Run) -> None:
    data = json.loads(run("categories", "--json").stdout)
    ids = [c["id"] for c in data]
    # every category of the registry, of all five sectors of the guideline, in their order
    assert ids == [c.id for c in registered()]
    assert list(dict.fromkeys(c["sector"] for c in data)) == list(SECTORS)
    assert {"ippu.cement_clinker", "agriculture.rice", "lucf.forest_growth",
            "waste.landfill_fod"} <= set(ids)  # fmt: skip
    assert "energy.fuel_combustion" in ids
    assert "energy.coal_mining" in ids
    mining = next(c for c in data if c["id"] == "energy.coal_mining")
    assert mining["gases"] == ["CH4"]
    assert {p["name"] for p in mining["params"]} >= {"production", "ef_mining", "recovered"}
    text = run("categories").stdout
    assert "energy.coal_mining" in text


def test_template_inventory_round_trip(run: Run, form_file: Path, tmp_path: Path) -> None:
    blank = tmp_path / "blank.xlsx"
    result = run("template", "inventory", "-o", str(blank))
    assert result.exit_code == 0
    assert blank.exists()
    filled = tmp_path / "filled.xlsx"
    assert run("template", "inventory", "-o", str(filled), "--from", str(form_file)).exit_code == 0
    from_book = json.loads(run("calc", "inventory", str(filled), "--json").stdout)
    from_form = json.loads(run("calc", "inventory", str(form_file), "--json").stdout)
    assert from_book["totals"] == from_form["totals"]


def test_blank_template_has_a_block_for_every_registered_category(run: Run, tmp_path: Path) -> None:
    blank = tmp_path / "blank.xlsx"
    assert run("template", "inventory", "-o", str(blank)).exit_code == 0
    book = load_workbook(blank)
    blocks = {
        sector: [row[1] for row in book[sector].iter_rows(values_only=True) if row[0] == "category"]
        for sector in SECTORS
    }
    expected = {
        s: [c.id for c in registered() if c.sector == s and c.rows_allowed] for s in SECTORS
    }
    assert blocks == expected
    assert all(blocks.values())  # no sector sheet is empty any more


EXAMPLE = Path(__file__).parents[2] / "examples" / "inventory" / "county_2012.yaml"


def test_example_county_compiles(run: Run) -> None:
    result = run("calc", "inventory", str(EXAMPLE), "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["checks"]["energy.reference_approach"]["within_threshold"] is True
    # every sector is estimated, and every cell is an estimate or a notation key with a reason
    by_sector = data["totals"]["by_sector"]
    assert all(by_sector[s]["tco2e"] > 0 for s in ("energy", "ippu", "agriculture", "waste"))
    assert by_sector["lucf"]["tco2e"] < 0  # a net removal
    assert data["completeness"]["complete"] is True
    assert data["completeness"]["sectors_without_categories"] == []
    assert data["checks"]["waste.landfill_fod_history"] == {
        "sites": {"县城填埋场": {"first_year": 2006, "last_year": 2012, "years": 7}}
    }


def test_example_county_round_trips_through_the_template(run: Run, tmp_path: Path) -> None:
    book = tmp_path / "county.xlsx"
    assert run("template", "inventory", "-o", str(book), "--from", str(EXAMPLE)).exit_code == 0
    from_book = json.loads(run("calc", "inventory", str(book), "--json").stdout)
    from_form = json.loads(run("calc", "inventory", str(EXAMPLE), "--json").stdout)
    assert from_book["totals"] == from_form["totals"]
    assert from_book["completeness"] == from_form["completeness"]
    assert {c["id"]: c["masses_t"] for c in from_book["categories"]} == {
        c["id"]: c["masses_t"] for c in from_form["categories"]
    }
