"""The CO2 of the intensity indicator: energy-related CO2 from fuels plus net imported electricity.

The CO2 that the intensity assessment divides by GDP is energy-related CO2 computed from energy
statistics: fuel consumption by type times emission factors, plus the electricity brought in from
outside the jurisdiction, net of what it sends out, times a grid average emission factor (exports
subtract). A jurisdiction may instead supply its CO2 figure directly; the result says which.

References
----------
.. [1] NDRC (2014) 单位国内生产总值二氧化碳排放降低目标责任考核评估办法 (data check table by energy
       type — coal, oil, gas and electricity); domain-reference §4.2: CO2 of a region = fossil CO2
       in the region + (electricity imported − exported) × grid average factor.
.. [2] NDRC enterprise GHG accounting guidelines (2013-2015), appendix 2 (fuel defaults) and
       Eq. (2)-(4): EF = NCV · CC · OF · 44/12.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from citycarbon.factors import FactorError, FactorLibrary, default_library, fuel, fuels
from citycarbon.targets.formulas import F
from citycarbon.units import UnitError, convert

__all__ = [
    "CO2_BASIS_FUELS",
    "CO2_BASIS_SUPPLIED",
    "FuelFactor",
    "default_fuel_factor",
    "default_grid_factor",
    "electricity_co2",
    "fuel_co2",
    "known_fuels",
]

#: ``co2_basis`` of a figure computed from fuels and net imported electricity.
CO2_BASIS_FUELS = "fuel_and_electricity"
#: ``co2_basis`` of a figure supplied directly.
CO2_BASIS_SUPPLIED = "supplied"

#: Guideline set of the fuel defaults used when the input configures no factor.
FUEL_GUIDELINE = "ndrc2013-appendix2"


@dataclass(frozen=True, slots=True)
class FuelFactor:
    """An emission factor per unit of fuel quantity, with where it came from."""

    fuel: str
    tco2_per_unit: float
    unit: str
    source: str


def fuel_co2(quantity: F, factor_tco2_per_unit: F) -> F:
    """CO2 from a fuel consumed in the jurisdiction [tCO2].

    Parameters
    ----------
    quantity : float or ndarray
        Fuel consumed FC [t] for solids and liquids, [10⁴ Nm³] for gases.
    factor_tco2_per_unit : float or ndarray
        Emission factor EF [tCO2/t] or [tCO2/10⁴ Nm³], matching ``quantity``.

    Returns
    -------
    float or ndarray
        CO2 E [tCO2].

    Notes
    -----
    .. math:: E = FC \\cdot EF, \\qquad EF = NCV \\cdot CC \\cdot OF \\cdot \\tfrac{44}{12}

    References
    ----------
    [2]_ Eq. (2)-(4).
    """
    return quantity * factor_tco2_per_unit


def electricity_co2(imported_mwh: F, exported_mwh: F, grid_factor_tco2_per_mwh: F) -> F:
    """CO2 of the electricity a jurisdiction brings in net of what it sends out [tCO2].

    Parameters
    ----------
    imported_mwh : float or ndarray
        Electricity brought in (调入) E_in [MWh].
    exported_mwh : float or ndarray
        Electricity sent out (调出) E_out [MWh].
    grid_factor_tco2_per_mwh : float or ndarray
        Grid average emission factor EF_grid [tCO2/MWh].

    Returns
    -------
    float or ndarray
        CO2 of net imported electricity E_el [tCO2]; negative for a net exporter.

    Notes
    -----
    .. math:: E_{el} = (E_{in} - E_{out}) \\cdot EF_{grid}

    References
    ----------
    [1]_.
    """
    return (imported_mwh - exported_mwh) * grid_factor_tco2_per_mwh


def default_fuel_factor(fuel_id: str, library: FactorLibrary | None = None) -> FuelFactor:
    """The default emission factor of ``fuel_id`` per unit of quantity, from the factor library.

    EF = NCV · CC · OF · 44/12 with the appendix-2 defaults of the NDRC enterprise guidelines [2]_.

    Raises
    ------
    KeyError
        For an unknown fuel.
    FactorError
        When the library holds no default for one of the three parameters.
    """
    spec = fuel(fuel_id)
    lib = library or default_library()
    ncv = lib.find("ncv", fuel_id, guidelines=[FUEL_GUIDELINE])
    cc = lib.find("carbon_content", fuel_id, guidelines=[FUEL_GUIDELINE])
    of = lib.find("oxidation", fuel_id, guidelines=[FUEL_GUIDELINE])
    try:
        ncv_value = convert(ncv.value, ncv.unit, spec.ncv_unit)
        cc_value = convert(cc.value, cc.unit, "tC/GJ")
        of_value = convert(of.value, of.unit, "fraction")
    except UnitError as exc:  # a malformed library row
        raise FactorError(f"default factors of {fuel_id}: {exc}") from None
    factor = ncv_value * cc_value * of_value * Decimal(44) / Decimal(12)
    return FuelFactor(
        fuel=fuel_id,
        tco2_per_unit=float(factor),
        unit=_per(spec.quantity_unit),
        source=f"factor library rows {ncv.id}, {cc.id}, {of.id} (NCV·CC·OF·44/12)",
    )


def _per(unit: str) -> str:
    return f"tCO2/({unit})" if " " in unit else f"tCO2/{unit}"


def default_grid_factor(
    grid: str, year: int, library: FactorLibrary | None = None
) -> tuple[float, str]:
    """The grid *average* factor of ``grid`` for ``year`` [tCO2/MWh] and its row id."""
    lib = library or default_library()
    row = lib.find("grid_ef", grid, kind="grid_average", year=year)
    return float(convert(row.value, row.unit, "tCO2/MWh")), row.id


def known_fuels() -> Mapping[str, str]:
    """Fuel ids and their quantity units."""
    return {fid: f.quantity_unit for fid, f in fuels().items()}
