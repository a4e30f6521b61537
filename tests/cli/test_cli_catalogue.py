"""``citycarbon sectors``, ``sources`` and ``factors``: the engine's catalogues, tables and JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest

from citycarbon.accounting import SOURCE_TYPES, sectors


def test_sectors_json(run: Any) -> None:
    result = run("sectors", "--json")
    assert result.exit_code == 0
    records = json.loads(result.stdout)["sectors"]
    assert [r["id"] for r in records] == list(sectors())
    power = records[0]
    assert (power["id"], power["name_zh"], power["name_en"]) == (
        "power_generation", "发电", "Power generation"
    )  # fmt: skip
    assert "2526" in power["document"]  # 发改办气候〔2013〕2526号, the first batch
    by_source = {s["source"]: s["treatment"] for s in power["sources"]}
    assert by_source["fuel_combustion"] == "add"
    assert by_source["purchased_electricity"] == "add"
    for record in records:
        for item in record["sources"]:
            assert item["treatment"] in ("add", "subtract", "memo")
            assert item["name_zh"]
            assert item["name_en"]


def test_sectors_table(run: Any) -> None:
    result = run("sectors")
    assert result.exit_code == 0
    assert "power_generation" in result.stdout
    assert "发电 Power generation" in result.stdout
    assert f"{len(sectors())} sector guidelines" in result.stdout


def test_sources_json_documents_every_field(run: Any) -> None:
    records = json.loads(run("sources", "--json").stdout)["sources"]
    assert [r["id"] for r in records] == list(SOURCE_TYPES)
    combustion = next(r for r in records if r["id"] == "fuel_combustion")
    assert combustion["formula"] == "E = FC × NCV × CC × OF × 44/12"
    assert "GB/T 32150-2015" in combustion["reference"]
    fields = {f["name"]: f for f in combustion["fields"]}
    assert list(fields) == ["fuel", "quantity", "ncv", "carbon_content", "oxidation"]
    assert fields["quantity"]["units"] == ["t", "10^4 Nm3", "GJ"]
    assert fields["quantity"]["required"] is True
    assert fields["ncv"]["default"] == {"parameter": "ncv", "kind": "default", "by": "fuel"}
    assert fields["oxidation"]["minimum"] == "0"
    assert fields["oxidation"]["maximum"] == "1"
    assert fields["oxidation"]["description_zh"] == "碳氧化率"
    assert "raw_coal" in fields["fuel"]["choices"]
    electricity = next(r for r in records if r["id"] == "purchased_electricity")
    factor = {f["name"]: f for f in electricity["fields"]}["factor"]
    assert factor["default"] == {"parameter": "grid_ef", "kind": "grid_average", "by": "region"}


def test_one_source(run: Any) -> None:
    result = run("sources", "fuel_combustion")
    assert result.exit_code == 0
    assert "化石燃料燃烧 Fossil fuel combustion" in result.stdout
    assert "E = FC × NCV × CC × OF × 44/12" in result.stdout
    assert "oxidation" in result.stdout
    assert "0–1" in result.stdout
    assert "purchased_electricity" not in result.stdout
    one = json.loads(run("sources", "fuel_combustion", "--json").stdout)["sources"]
    assert [r["id"] for r in one] == ["fuel_combustion"]


def test_unknown_source(run: Any) -> None:
    result = run("sources", "coal_burning")
    assert result.exit_code == 2
    assert "unknown source 'coal_burning'" in result.stderr
    assert result.stdout == ""


def test_factors_filtered(run: Any) -> None:
    result = run("factors", "--parameter", "ncv", "--subject", "raw_coal", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)["factors"]
    appendix = [r for r in rows if r["guideline"] == "ndrc2013-appendix2"]
    # 附录二: raw coal NCV 20.908 GJ/t (domain reference §2.3).
    assert [(r["value"], r["unit"]) for r in appendix] == [("20.908", "GJ/t")]
    assert all(r["parameter"] == "ncv" and r["subject"] == "raw_coal" for r in rows)
    assert all(r["source"] and r["status"] and r["status_meaning"] for r in rows)


def test_factors_table_names_source_and_status(run: Any) -> None:
    result = run("factors", "--parameter", "grid_ef", "--subject", "central_china_grid")
    assert result.exit_code == 0
    assert "grid.central.2012" in result.stdout
    assert "0.5257 tCO2/MWh" in result.stdout
    assert "grid_average" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--parameter", "magic"], "no factor rows for parameter 'magic'"),
        (["--subject", "moon_rock"], "no factor rows for subject 'moon_rock'"),
    ],
)
def test_factors_unknown_filter(run: Any, args: list[str], message: str) -> None:
    result = run("factors", *args)
    assert result.exit_code == 2
    assert message in result.stderr
