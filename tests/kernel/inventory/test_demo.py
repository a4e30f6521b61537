"""The Zhengzhou demonstration data set: it loads, computes, adds up, and is plausible.

The figures are ILLUSTRATIVE (see docs/inventory-demo.md); what is tested here is the structure:
every jurisdiction-year computes with no refusal and no missing cell, the city is exactly the sum
of its parts, the jurisdiction tree is the plan's annex plus the two parts the annex leaves out,
the energy CO2 of the city stays within the documented band around the CEADs series, the
committed files are what the seeded generator writes, and ``citycarbon demo inventory`` works.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

import citycarbon.inventory.agriculture
import citycarbon.inventory.ippu
import citycarbon.inventory.lucf
import citycarbon.inventory.waste  # noqa: F401  (register the categories until wired in)
from citycarbon.inventory import InventoryResult, compile_inventory
from citycarbon.inventory.reference import (
    DemoSet,
    ceads_city,
    compare,
    demo_set,
    demo_sets,
    energy_co2_t,
)

ROOT = Path(__file__).parents[3]
CITY = "zhengzhou"
YEARS = (2010, 2011, 2012, 2013, 2014, 2015)
#: The plan's annex (郑政〔2013〕23号): 14 jurisdictions under the city.
ANNEX = (
    "dengfeng", "xinmi", "xingyang", "xinzheng", "zhongmou", "zhongyuan", "erqi", "jinshui",
    "guancheng", "huiji", "shangjie", "airport_zone", "economic_development_zone",
    "high_tech_zone",
)  # fmt: skip
#: Parts of the city the annex leaves out (巩义市, 郑东新区).
OUTSIDE_ANNEX = ("gongyi", "zhengdong")
#: Documented plausibility band of the city's energy CO2 around CEADs [%] (docs/inventory-demo.md).
BAND_PCT = 25.0


@pytest.fixture(scope="module")
def data() -> DemoSet:
    return demo_set("zhengzhou")


_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@pytest.fixture(scope="module")
def forms(data: DemoSet) -> dict[tuple[str, int], dict[str, Any]]:
    """Every file of the set, parsed."""
    return {(j, y): yaml.load(data.text(j, y), Loader=_Loader) for j, y in data.pairs()}


@pytest.fixture(scope="module")
def results(data: DemoSet) -> dict[tuple[str, int], InventoryResult]:
    """Every jurisdiction-year compiled once (a refusal fails here, naming the file)."""
    return {(j, y): compile_inventory(data.load(j, y)) for j, y in data.pairs()}


# -- the manifest and the files ---------------------------------------------------------------


def test_the_set_is_shipped_and_labelled_illustrative(
    data: DemoSet, forms: dict[tuple[str, int], dict[str, Any]]
) -> None:
    assert "zhengzhou" in demo_sets()
    assert data.years == YEARS
    assert "ILLUSTRATIVE" in data.label
    assert data.manifest["illustrative"] is True
    statuses = {item["status"] for item in data.manifest["provenance"]}
    assert "ILLUSTRATIVE" in statuses
    for jurisdiction, year in data.pairs():
        text = data.text(jurisdiction, year)
        assert text.startswith("# "), jurisdiction
        assert "ILLUSTRATIVE" in text.splitlines()[0]
        assert "ILLUSTRATIVE" in forms[(jurisdiction, year)]["note"]


def test_the_tree_is_the_annex_plus_the_two_parts_it_leaves_out(data: DemoSet) -> None:
    city = data.root_jurisdiction
    assert (city.id, city.name_zh, city.parent) == (CITY, "郑州市", None)
    parts = data.parts(CITY)
    assert [p.id for p in parts if p.in_annex] == list(ANNEX)
    assert [p.id for p in parts if not p.in_annex] == list(OUTSIDE_ANNEX)
    assert len(data.pairs()) == 17 * 6
    # the annex ids are those of the targets kernel's Zhengzhou set
    targets = yaml.safe_load(
        (ROOT / "src/citycarbon/targets/data/sets/zhengzhou.yaml").read_text("utf-8")
    )
    annex_rows = [row["jurisdiction"] for row in targets["annex"]["rows"]]
    assert annex_rows == [CITY, *ANNEX]
    names = {row["id"]: row["name"] for row in targets["tree"]}
    for part in parts:
        if part.in_annex:
            assert part.name_zh == names[part.id].replace(" (", "(").replace("(", " (")


def test_unknown_jurisdiction_or_year_is_refused_by_name(data: DemoSet) -> None:
    with pytest.raises(KeyError, match="no jurisdiction 'gotham' in demo 'zhengzhou'; known: "):
        data.load("gotham", 2012)
    with pytest.raises(KeyError, match="has no year 2009"):
        data.load("dengfeng", 2009)
    with pytest.raises(KeyError, match="no demonstration data set 'atlantis'"):
        demo_set("atlantis")


# -- every inventory computes -----------------------------------------------------------------


def test_every_jurisdiction_year_computes_complete(
    data: DemoSet, results: dict[tuple[str, int], InventoryResult]
) -> None:
    assert len(results) == 102
    for (jurisdiction, year), result in results.items():
        assert result.year == year
        assert result.completeness["missing"] == [], (jurisdiction, year)
        assert result.completeness["sectors_without_categories"] == []
        reference = result.checks["energy.reference_approach"]
        assert reference["within_threshold"], (jurisdiction, year, reference["difference_pct"])
        assert float(result.total(include_lucf=False).value) > 0


def test_the_city_is_the_sum_of_its_parts(
    data: DemoSet, results: dict[tuple[str, int], InventoryResult]
) -> None:
    for year in YEARS:
        city = results[(CITY, year)]
        parts = [results[(p.id, year)] for p in data.parts(CITY)]
        for item in city.categories:
            for gas, mass in item.masses_t.items():
                total = sum(p.category(item.category.id).masses_t.get(gas, 0.0) for p in parts)
                assert mass == pytest.approx(total, rel=1e-9, abs=1e-6), (year, item, gas)
            lines = sum(len(p.category(item.category.id).lines) for p in parts)
            if item.category.derive is None:
                assert len(item.lines) == lines, (year, item.category.id)
        for include_lucf in (True, False):
            city_total = float(city.total(include_lucf=include_lucf).value)
            parts_total = sum(float(p.total(include_lucf=include_lucf).value) for p in parts)
            assert city_total == pytest.approx(parts_total, rel=1e-9)
        for kind in ("electricity", "heat"):
            net = sum(p.indirect[kind]["net_tco2"] for p in parts)
            assert city.indirect[kind]["net_tco2"] == pytest.approx(net, rel=1e-9, abs=1e-6)
        reference = city.checks["energy.reference_approach"]["reference_tco2"]
        summed = sum(p.checks["energy.reference_approach"]["reference_tco2"] for p in parts)
        assert reference == pytest.approx(summed, rel=1e-9)


def test_the_city_balance_keeps_only_flows_across_its_boundary(
    data: DemoSet, forms: dict[tuple[str, int], dict[str, Any]]
) -> None:
    for year in YEARS:
        city = forms[(CITY, year)]["energy_balance"]["rows"]
        parts = [forms[(p.id, year)]["energy_balance"]["rows"] for p in data.parts(CITY)]
        for column in ("raw_coal", "electricity", "heat", "natural_gas"):
            supply = sum(p.get("total_supply", {}).get(column, 0) for p in parts)
            assert city["total_supply"].get(column, 0) == pytest.approx(supply, abs=1e-6)
            inflow = city.get("imports", {}).get(column, 0)
            outflow = city.get("exports", {}).get(column, 0)
            assert inflow == 0 or outflow == 0, (year, column)
        # heat does not cross the city boundary
        assert "heat" not in city.get("imports", {})
        assert "heat" not in city.get("exports", {})


# -- plausibility -------------------------------------------------------------------------------


def test_energy_co2_is_within_the_band_around_ceads(
    results: dict[tuple[str, int], InventoryResult],
) -> None:
    series = {year: energy_co2_t(results[(CITY, year)]) for year in YEARS}
    comparison = compare(series, ceads_city(), band_pct=BAND_PCT)
    for row in comparison.years:
        assert row.within_band, (row.year, row.difference_pct)


def test_structure_of_the_zhengzhou_economy(
    data: DemoSet,
    forms: dict[tuple[str, int], dict[str, Any]],
    results: dict[tuple[str, int], InventoryResult],
) -> None:
    for year in YEARS:
        rows = forms[(CITY, year)]["energy_balance"]["rows"]  # 10^4 t
        # power plants burn about 2 000 万t of coal a year (EPB white paper): 17-22 Mt here
        assert 1700 <= -rows["thermal_power"]["raw_coal"] <= 2200, year
        # raw coal: about 3 500 万t a year in 2012 (EPB white paper): 30-36 Mt here
        assert 3000 <= rows["total_supply"]["raw_coal"] <= 3600, year
        mines = {
            j for j in (p.id for p in data.parts(CITY))
            if results[(j, year)].category("energy.coal_mining").lines
        }  # fmt: skip
        assert {"dengfeng", "xinmi"} <= mines
        high_gas = {
            j for j in mines
            for line in results[(j, year)].category("energy.coal_mining").lines
            if line.values["mine_type"] == "underground_high_gas"
        }  # fmt: skip
        assert high_gas == {"dengfeng", "xinmi"}
        smelters = {
            p.id for p in data.parts(CITY)
            if results[(p.id, year)].category("ippu.aluminium_pfc").lines
        }  # fmt: skip
        assert "shangjie" in smelters
        kilns = {
            p.id for p in data.parts(CITY)
            if results[(p.id, year)].category("ippu.cement_clinker").lines
        }  # fmt: skip
        assert {"dengfeng", "xinmi", "xingyang"} <= kilns
        city = results[(CITY, year)]
        assert float(city.sector_total("lucf").value) < 0  # forests are a sink
        landfills = {line.values["site"] for line in city.category("waste.landfill_fod").lines}
        assert "侯寨垃圾填埋场" in landfills
        # coal dominates: combustion CO2 of coal-group fuels is most of the energy CO2
        coal = sum(
            line.masses_t["CO2"]
            for line in city.category("energy.fuel_combustion").lines
            if line.values.get("fuel") in ("raw_coal", "washed_coal", "other_washed_coal", "coke")
        )
        assert coal / energy_co2_t(city) > 0.75


# -- the generator ----------------------------------------------------------------------------


def _generator() -> Any:
    path = ROOT / "scripts" / "make_inventory_demo.py"
    spec = importlib.util.spec_from_file_location("make_inventory_demo", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_committed_files_are_what_the_seeded_generator_writes(data: DemoSet) -> None:
    generator = _generator()
    files = generator.generate()
    assert set(files) == {data.file_name(j, y) for j, y in data.pairs()} | {"manifest.yaml"}
    for name, text in files.items():
        assert data.root.joinpath(name).read_text("utf-8") == text, name


# -- the command ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def run() -> Callable[..., Result]:
    import citycarbon.cli.inventory_demo  # noqa: F401  (registers the command)
    from citycarbon.cli import main

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return invoke


def test_demo_command_single_inventory(run: Callable[..., Result]) -> None:
    result = run("demo", "inventory", "-j", "登封市", "-y", "2012", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert "ILLUSTRATIVE" in data["data_set"]["label"]
    assert data["inventory"]["jurisdiction"] == "登封市"
    assert data["inventory"]["year"] == 2012
    assert data["completeness"]["complete"] is True


def test_demo_command_table_and_json_summary(run: Callable[..., Result]) -> None:
    table = run("demo", "inventory", "-j", "shangjie", "-j", "xinmi", "-y", "2014")
    assert table.exit_code == 0, table.stderr
    assert "ILLUSTRATIVE" in table.stdout
    assert "shangjie" in table.stdout
    assert "上街区" in table.stdout
    summary = json.loads(
        run("demo", "inventory", "-j", "shangjie", "-y", "2010", "-y", "2015", "--json").stdout
    )
    assert [(r["jurisdiction"], r["year"]) for r in summary["inventories"]] == [
        ("shangjie", 2010),
        ("shangjie", 2015),
    ]


def test_demo_command_compares_with_ceads(run: Callable[..., Result]) -> None:
    result = run("demo", "inventory", "--compare", "ceads", "--json")
    assert result.exit_code == 0, result.stderr
    comparison = json.loads(result.stdout)["comparison"]
    assert [y["year"] for y in comparison["years"]] == list(YEARS)
    assert comparison["band_pct"] == BAND_PCT
    assert all(y["within_band"] for y in comparison["years"])
    assert "Scientific Data 5, 170201" in comparison["citation"]
    assert comparison["years"][0]["reference_tco2"] == pytest.approx(69_295_142.15463811)
    text = run("demo", "inventory", "--compare", "ceads", "--scope", "ceads", "-y", "2012")
    assert text.exit_code == 0, text.stderr
    assert "Cite: Shan, Y." in text.stdout
    assert "cement process" in text.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-j", "gotham"), "no jurisdiction 'gotham' in demo 'zhengzhou'"),
        (("-y", "2009"), "demo zhengzhou has no year 2009"),
        (("--set", "atlantis"), "no demonstration data set 'atlantis'"),
        (("--compare", "ceads", "-j", "xinmi"), "--compare compares the whole city"),
    ],
)
def test_demo_command_refuses_bad_options(
    run: Callable[..., Result], args: tuple[str, ...], message: str
) -> None:
    result = run("demo", "inventory", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in " ".join(result.stderr.split())
