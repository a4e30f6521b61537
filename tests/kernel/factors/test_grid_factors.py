"""Grid factors: averages for purchased electricity, CCER OM/BM kept apart, heat default."""

from __future__ import annotations

from decimal import Decimal

import pytest

from citycarbon.factors import FactorError, default_library
from citycarbon.factors.regions import region_chain

BASELINE_KINDS = ("grid_om", "grid_bm")


def _find_in_chain(region: str | None, year: int, kind: str = "grid_average") -> str:
    """The id of the first grid_ef row along the region chain (as purchased electricity does)."""
    library = default_library()
    for subject in region_chain(region):
        try:
            return library.find("grid_ef", subject, kind=kind, year=year).id
        except FactorError:
            continue
    raise FactorError(f"no {kind} factor for {region} in {year}")


# NDRC 2011年和2012年中国区域电网平均二氧化碳排放因子, 2012 values [tCO2/MWh].
@pytest.mark.parametrize(
    ("grid", "value"),
    [
        ("north_china_grid", "0.8843"),
        ("northeast_china_grid", "0.7769"),
        ("east_china_grid", "0.7035"),
        ("central_china_grid", "0.5257"),
        ("northwest_china_grid", "0.6671"),
        ("south_china_grid", "0.5271"),
    ],
)
def test_2012_regional_averages(grid: str, value: str) -> None:
    row = default_library().find("grid_ef", grid, kind="grid_average", year=2012)
    assert row.value == Decimal(value)
    assert row.kind == "grid_average"


def test_henan_takes_the_central_china_average_in_2013() -> None:
    assert _find_in_chain("henan", 2013) == "grid.central.2012"


def test_national_averages_by_reporting_year() -> None:
    library = default_library()
    assert library.find("grid_ef", "national_grid", kind="grid_average", year=2023).value == (
        Decimal("0.5703")
    )
    assert _find_in_chain("henan", 2023) == "grid.national.2022"


def test_statistical_provincial_factors_are_not_enterprise_defaults() -> None:
    library = default_library()
    sets = ["ndrc2013-cement", "ndrc2013-appendix2"]
    with pytest.raises(FactorError):
        library.find("grid_ef", "henan", kind="grid_average", guidelines=sets, year=2022)
    row = library.find(
        "grid_ef",
        "henan",
        kind="grid_average",
        guidelines=["mee-nbs-electricity-factors"],
        year=2022,
    )
    assert row.value == Decimal("0.6058")


# 2016年度中国区域电网基准线排放因子 OM (3-year average 2012-2014) and 2019 OM/BM [tCO2/MWh].
@pytest.mark.parametrize(
    ("kind", "grid", "year", "value"),
    [
        ("grid_om", "central_china_grid", 2016, "0.9229"),
        ("grid_om", "north_china_grid", 2016, "1.0000"),
        ("grid_om", "central_china_grid", 2019, "0.8587"),
        ("grid_bm", "central_china_grid", 2019, "0.2854"),
        ("grid_bm", "north_china_grid", 2019, "0.4819"),
    ],
)
def test_ccer_baseline_margins(kind: str, grid: str, year: int, value: str) -> None:
    row = default_library().find("grid_ef", grid, kind=kind, year=year)
    assert (row.kind, row.value) == (kind, Decimal(value))


def test_an_average_lookup_never_returns_a_baseline_row() -> None:
    # Only OM/BM rows exist for the central China grid in 2016 and 2019: the average lookup refuses.
    library = default_library()
    for year in (2016, 2019):
        with pytest.raises(FactorError):
            library.find("grid_ef", "central_china_grid", kind="grid_average", year=year)


def test_a_baseline_lookup_never_returns_an_average_row() -> None:
    # Only the average row exists for 2012: OM and BM lookups refuse.
    library = default_library()
    for kind in BASELINE_KINDS:
        with pytest.raises(FactorError, match=kind):
            library.find("grid_ef", "central_china_grid", kind=kind, year=2012)


def test_every_lookup_returns_a_row_of_the_kind_asked_for() -> None:
    library = default_library()
    grid_rows = [row for row in library.rows if row.parameter == "grid_ef"]
    for row in grid_rows:
        assert row.year_from is not None
        for kind in ("grid_average", *BASELINE_KINDS):
            try:
                found = library.find(
                    "grid_ef",
                    row.subject,
                    kind=kind,
                    guidelines=[row.guideline],
                    year=row.year_from,
                )
            except FactorError:
                continue
            assert found.kind == kind


def test_heat_default() -> None:
    row = default_library().find("heat_ef", "heat", guidelines=["ndrc2013-appendix2"])
    assert (row.id, row.value, row.unit) == ("heat.default", Decimal("0.11"), "tCO2/GJ")
