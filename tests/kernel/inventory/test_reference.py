"""The packaged CEADs reference series and the comparison of an inventory series with it."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest

from citycarbon.inventory.reference import (
    CEADS_CITATION,
    ceads_cities,
    ceads_city,
    ceads_province,
    ceads_provinces,
    compare,
    data_root,
)

SHARED = Path("/work/shared/data/ceads")
PACKAGED = ("zhengzhou_co2_mt.csv", "henan_co2_by_fuel_mt.csv")


@pytest.mark.parametrize("name", PACKAGED)
def test_packaged_csv_is_the_shared_file_byte_for_byte(name: str) -> None:
    if not (SHARED / name).exists():
        pytest.skip("the project's shared data directory is not available here")
    packaged = data_root().joinpath("ceads", name).read_bytes()
    assert packaged == (SHARED / name).read_bytes()


def test_zhengzhou_series_as_published() -> None:
    # CEADs 290-city inventories, row 河南郑州, Mt CO2 (domain-reference §5.2).
    series = ceads_city("河南郑州")
    assert ceads_cities() == ["河南郑州"]
    assert series.years == tuple(range(2000, 2020))
    published = {
        2005: 56.594,
        2008: 63.279,
        2009: 63.612,
        2010: 69.295,
        2011: 76.161,
        2012: 80.726,
        2013: 86.451,
        2014: 86.900,
        2015: 63.852,
        2016: 72.281,
        2019: 59.939,
    }
    for year, value in published.items():
        assert series.values_mtco2[year] == pytest.approx(value, abs=5e-4), year
    # the full-precision figure of the CSV, in tonnes
    assert series.tco2(2010) == pytest.approx(69_295_142.15463811, rel=1e-15)
    # the 2015 drop: 63.852 / 86.900 − 1 = −26.5 %
    drop = series.values_mtco2[2015] / series.values_mtco2[2014] - 1
    assert drop == pytest.approx(-0.265, abs=5e-4)
    assert series.citation == CEADS_CITATION
    assert "apparent energy consumption" in series.method


def test_henan_series_with_its_parts() -> None:
    # CEADs provincial inventory, Henan, "Scope 1 Total" and parts (domain-reference §5.3).
    henan = ceads_province("Henan")
    assert ceads_provinces() == ["Henan"]
    assert henan.years == tuple(range(2005, 2018))
    expected = {
        2010: (513.612, 33.606, 305.511, 9.495),
        2011: (556.076, 40.173, 364.674, 12.441),
        2012: (529.246, 43.267, 326.910, 15.906),
        2013: (492.902, 48.769, 244.929, 16.944),
        2014: (544.977, 50.365, 267.064, 15.209),
        2015: (527.431, 48.461, 251.421, 15.633),
    }
    for year, (total, process, raw_coal, gas) in expected.items():
        parts = henan.components_mtco2[year]
        assert henan.values_mtco2[year] == pytest.approx(total, abs=5e-4)
        assert parts["Process"] == pytest.approx(process, abs=5e-4)
        assert parts["Raw Coal"] == pytest.approx(raw_coal, abs=5e-4)
        assert parts["Natural Gas"] == pytest.approx(gas, abs=5e-4)
    # Zhengzhou 2010 is 13.49 % of Henan 2010 (69.295 / 513.612).
    share = ceads_city().values_mtco2[2010] / henan.values_mtco2[2010]
    assert share == pytest.approx(0.1349, abs=5e-5)


def test_citation_file_carries_the_three_references() -> None:
    text = data_root().joinpath("ceads", "CITATION.md").read_text("utf-8")
    for reference in (
        "Journal of Cleaner Production 161, 1215–1225",
        "Science\nBulletin 67(18), 1910–1920",
        "Scientific Data 5,\n170201",
    ):
        assert reference in text
    for reference in ("1215–1225", "1910–1920", "170201"):
        assert reference in CEADS_CITATION


def test_unknown_city_or_province_is_refused_by_name() -> None:
    with pytest.raises(KeyError, match="no CEADs series for city '北京'; packaged: 河南郑州"):
        ceads_city("北京")
    with pytest.raises(KeyError, match="packaged: Henan"):
        ceads_province("Hubei")


def test_compare_year_by_year() -> None:
    reference = ceads_city()
    result = compare(
        {2010: 62_000_000.0, 2011: 80_000_000.0, 2020: 1.0},
        reference,
        label="test",
        scope="energy CO2",
        band_pct=10.0,
    )
    first = result.year(2010)
    # 62 000 000 − 69 295 142.15463811 = −7 295 142.15463811 t;
    # −7 295 142.15 / 69 295 142.15 × 100 = −10.5276 %: outside a ±10 % band.
    assert first.reference_tco2 == pytest.approx(69_295_142.15463811)
    assert first.difference_tco2 == pytest.approx(-7_295_142.15463811)
    assert first.difference_pct == pytest.approx(-10.52764, abs=1e-5)
    assert first.within_band is False
    second = result.year(2011)
    # 80 000 000 − 76 160 705.34389928 = 3 839 294.65610072 t = +5.0410 %
    assert second.difference_tco2 == pytest.approx(3_839_294.65610072)
    assert second.difference_pct == pytest.approx(5.04105, abs=1e-5)
    assert second.within_band is True
    beyond = result.year(2020)
    assert (beyond.reference_tco2, beyond.difference_tco2, beyond.within_band) == (None, None, None)
    assert result.common_years == (2010, 2011)
    data: dict[str, Any] = result.as_dict()
    assert data["citation"] == CEADS_CITATION
    assert data["reference"]["unit"] == "MtCO2"
    assert [y["year"] for y in data["years"]] == [2010, 2011, 2020]


def test_compare_reports_asked_years_without_a_figure() -> None:
    result = compare({2012: 1.0}, ceads_city(), years=[2011, 2012])
    missing = result.year(2011)
    assert (missing.inventory_tco2, missing.difference_pct) == (None, None)
    assert missing.reference_tco2 == pytest.approx(76_160_705.34389928)
    assert result.band_pct is None
    assert result.year(2012).within_band is None


@pytest.mark.parametrize(
    ("series", "band", "message"),
    [
        ({"2010": 1.0}, None, "year '2010': a year is a whole number"),
        ({True: 1.0}, None, "year True: a year is a whole number"),
        ({2010: math.nan}, None, "year 2010, value nan: not a finite number"),
        ({2010: "lots"}, None, "year 2010, value 'lots': not a number"),
        ({2010: 1.0}, -5.0, "band_pct -5.0: a plausibility band is a percentage ≥ 0"),
    ],
)
def test_bad_series_is_refused(
    series: dict[object, object], band: float | None, message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as caught:
        compare(series, ceads_city(), band_pct=band)  # type: ignore[arg-type]
    assert str(caught.value) == message
