"""Every shipped factor row parses, names its source and carries a known verification status."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources

import pytest

from citycarbon.factors import (
    VERIFICATION_STATUSES,
    FactorError,
    FactorLibrary,
    default_library,
    fuels,
)
from citycarbon.factors.regions import NATIONAL_GRID, regions
from citycarbon.units.registry import parse_unit

DATA = resources.files("citycarbon.factors") / "data"
FILES = sorted(entry.name for entry in DATA.iterdir() if entry.name.endswith(".csv"))
OWN_FILES = ("fuel_defaults.csv", "grid.csv")


def _file_library(name: str) -> FactorLibrary:
    text = (DATA / name).read_text(encoding="utf-8")
    return FactorLibrary.from_csv_texts([(name, text)], version="test")


@pytest.mark.parametrize("name", FILES)
def test_every_file_parses_with_sources_and_known_statuses(name: str) -> None:
    library = _file_library(name)
    assert library.rows
    for row in library.rows:
        assert row.source.strip(), row.id
        assert row.status in VERIFICATION_STATUSES, row.id
        parse_unit(row.unit)  # raises UnitError when the unit cannot be read


def test_the_whole_library_loads_with_unique_ids() -> None:
    library = default_library()
    ids = [row.id for row in library.rows]
    assert len(ids) == len(set(ids))


def test_ids_already_in_use_are_kept() -> None:
    library = default_library()
    for row_id in (
        "ncv.raw_coal",
        "cc.raw_coal",
        "of.raw_coal",
        "grid.central.2012",
        "heat.default",
    ):
        library.get(row_id)


#: parameter → the dimension of its unit, by an example unit of that dimension.
_DIMENSION_OF = {
    "carbon_content": "tC/TJ",
    "oxidation": "%",
    "grid_ef": "tCO2/MWh",
    "heat_ef": "tCO2/GJ",
}


@pytest.mark.parametrize("name", OWN_FILES)
def test_units_fit_the_parameter_and_the_fuel_form(name: str) -> None:
    catalogue = fuels()
    for row in _file_library(name).rows:
        given = parse_unit(row.unit).dimensionality
        if row.parameter == "ncv":
            expected = parse_unit(catalogue[row.subject].ncv_unit).dimensionality
        elif row.parameter == "tce_coefficient":
            per = {"heat": "GJ", "electricity": "10^4 kWh"}.get(row.subject)
            per = per or catalogue[row.subject].quantity_unit
            expected = parse_unit(f"tce/({per})").dimensionality
        else:
            expected = parse_unit(_DIMENSION_OF[row.parameter]).dimensionality
        assert given == expected, f"{row.id}: {row.unit}"


def test_fuel_rows_name_catalogued_fuels_and_plausible_values() -> None:
    catalogue = fuels()
    for row in _file_library("fuel_defaults.csv").rows:
        if row.parameter in {"ncv", "carbon_content", "oxidation"}:
            assert row.subject in catalogue, row.id
            assert row.value > 0, row.id
        if row.parameter == "oxidation":
            assert row.value <= 100, row.id


def test_grid_rows_name_known_regions_and_grids() -> None:
    grids = {grid for (_, _, grid) in regions().values()} | {NATIONAL_GRID}
    for row in _file_library("grid.csv").rows:
        if row.parameter == "grid_ef":
            assert row.subject in grids or row.subject in regions(), row.id
            assert row.subject.endswith("_grid") or row.subject in regions(), row.id
            assert row.year_from is not None, row.id
            assert row.year_to is not None, row.id
            assert row.year_from <= row.year_to, row.id
            assert Decimal(0) < row.value < Decimal(2), row.id


HEADER = "id,parameter,subject,value,unit,gas,kind,guideline,region,year_from,year_to,source,status"


def test_a_malformed_status_is_refused() -> None:
    text = f"{HEADER},note\nx,ncv,coke,1,GJ/t,,default,,,,,a source,verified,\n"
    with pytest.raises(FactorError, match="unknown status 'verified'"):
        FactorLibrary.from_csv_texts([("bad.csv", text)], version="test")


def test_a_row_without_source_is_refused() -> None:
    text = f"{HEADER},note\nx,ncv,coke,1,GJ/t,,default,,,,,,C-1,\n"
    with pytest.raises(FactorError, match="id and source are required"):
        FactorLibrary.from_csv_texts([("bad.csv", text)], version="test")
