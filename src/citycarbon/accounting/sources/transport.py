"""Land transport: CH4 and N2O from the fuel that vehicles burn.

``fuel_combustion`` gives the CO2 of a vehicle fleet's fuel; the land-transport guideline also
counts the CH4 and N2O of that combustion (化石燃料燃烧的甲烷和氧化亚氮排放). This source type
estimates them from the same fuel, its heat and an emission factor per unit of heat [kg/TJ] by
fuel and vehicle technology. A fleet's fuel is therefore entered twice: once on a
``fuel_combustion`` line (CO2) and once on a ``mobile_combustion_non_co2`` line (CH4, N2O).

The default factors are the IPCC 2006 fuel-based defaults (Vol. 2 Ch. 3 Table 3.2.2 for road
vehicles, Table 3.4.1 for diesel locomotives). The guideline's own table, as far as one
transcription shows, is per vehicle-kilometre (mg/km by vehicle class, fuel and China emission
stage 国I-国IV); a line can carry a measured or guideline factor per TJ instead of the default.
The distance-based form needs a length unit that ``citycarbon.units`` does not have yet; see
docs/sectors.md.

References
----------
.. [1] NDRC (2015) 中国陆上交通运输企业温室气体排放核算方法与报告指南（试行）: 化石燃料燃烧排放,
       二氧化碳 and 甲烷和氧化亚氮 (two separate terms of the total).
.. [2] IPCC (2006) Guidelines for National Greenhouse Gas Inventories, Vol. 2 Ch. 3, Eq. 3.2.3
       (Emission = Σ Fuel × EF, fuel in TJ), Table 3.2.2 (road transport N2O and CH4 default
       emission factors, p. 3.21) and Table 3.4.1 (railways, diesel).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from citycarbon.accounting.model import DefaultSpec, Field, Num, SourceType, Value, num
from citycarbon.accounting.sources.registry import register
from citycarbon.factors import fuel

__all__ = ["VEHICLES", "mobile_non_co2_from_heat_t", "mobile_non_co2_t"]

#: Vehicle technologies with a default CH4 and N2O factor: id → (fuels it burns, description).
VEHICLES: Final[dict[str, tuple[tuple[str, ...], str]]] = {
    "gasoline_uncontrolled": (("gasoline",), "汽油车，无排放控制 (motor gasoline, uncontrolled)"),
    "gasoline_oxidation_catalyst": (
        ("gasoline",),
        "汽油车，氧化型催化转化器 (motor gasoline, oxidation catalyst)",
    ),
    "gasoline_light_duty_1995": (
        ("gasoline",),
        "汽油轻型车，1995年及以后车型 (low-mileage light-duty gasoline vehicle, 1995 or later)",
    ),
    "diesel_road": (("diesel",), "柴油车 (road vehicle, gas/diesel oil)"),
    "lpg_road": (("lpg",), "液化石油气车 (road vehicle, LPG)"),
    "natural_gas_road": (("natural_gas", "lng"), "天然气车 (road vehicle, CNG or LNG)"),
    "diesel_rail": (("diesel",), "内燃机车 (diesel locomotive)"),
}

FUELS: Final = tuple(sorted({f for fuels, _ in VEHICLES.values() for f in fuels}))


def mobile_non_co2_t(quantity: Num, ncv: Num, factor: Num) -> Num:
    """CH4 or N2O from burning fuel in vehicles [t of the gas].

    Parameters
    ----------
    quantity : Decimal
        Fuel consumed FC [t] for liquid fuels, [10⁴ Nm³] for natural gas.
    ncv : Decimal
        Net calorific value NCV [GJ/t] or [GJ/10⁴ Nm³], matching ``quantity``.
    factor : Decimal
        Emission factor of the gas per unit of heat EF [kg/TJ] (kgCH4/TJ or kgN2O/TJ).

    Returns
    -------
    Decimal
        Emissions of the gas [t].

    Notes
    -----
    .. math:: E = FC \\cdot NCV \\cdot EF \\cdot 10^{-6}

    FC × NCV is the heat in GJ; GJ × kg/TJ = 10⁻³ kg, and 10⁻³ kg = 10⁻⁶ t.

    References
    ----------
    NDRC 2015 land-transport guideline, 甲烷和氧化亚氮排放 of fuel combustion; IPCC 2006
    Vol. 2 Ch. 3 Eq. 3.2.3 (Tier 1, fuel-based).
    """
    return quantity * ncv * factor / 1000000


def mobile_non_co2_from_heat_t(heat: Num, factor: Num) -> Num:
    """As :func:`mobile_non_co2_t` with the fuel's heat known directly [t of the gas].

    Parameters
    ----------
    heat : Decimal
        Heat of the fuel burnt AD [GJ].
    factor : Decimal
        Emission factor of the gas per unit of heat EF [kg/TJ].

    Returns
    -------
    Decimal
        Emissions of the gas [t].

    Notes
    -----
    .. math:: E = AD \\cdot EF \\cdot 10^{-6}

    References
    ----------
    IPCC 2006 Vol. 2 Ch. 3 Eq. 3.2.3.
    """
    return heat * factor / 1000000


def _compute(values: Mapping[str, Value]) -> dict[str, Any]:
    quantity = num(values, "quantity")
    ch4, n2o = num(values, "ch4_factor"), num(values, "n2o_factor")
    if values.get("quantity@unit") == "GJ":
        return {
            "CH4": mobile_non_co2_from_heat_t(quantity, ch4),
            "N2O": mobile_non_co2_from_heat_t(quantity, n2o),
        }
    ncv = num(values, "ncv")
    return {
        "CH4": mobile_non_co2_t(quantity, ncv, ch4),
        "N2O": mobile_non_co2_t(quantity, ncv, n2o),
    }


def _check(values: Mapping[str, Value]) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    fuel_id, vehicle = values.get("fuel"), values.get("vehicle")
    if isinstance(fuel_id, str) and isinstance(vehicle, str):
        burns = VEHICLES[vehicle][0]
        if fuel_id not in burns:
            errors.append(
                ("vehicle", f"a {vehicle} vehicle burns {' or '.join(burns)}, not {fuel_id}")
            )
    unit = values.get("quantity@unit")
    if isinstance(fuel_id, str) and unit != "GJ":
        expected = fuel(fuel_id).quantity_unit
        if unit != expected:
            errors.append(("quantity", f"{fuel_id} is measured in {expected}, not in {unit}"))
    ncv_unit = values.get("ncv@unit")
    if isinstance(unit, str) and unit != "GJ" and ncv_unit is not None:
        expected_ncv = "GJ/t" if unit == "t" else "GJ/(10^4 Nm3)"
        if ncv_unit != expected_ncv:
            errors.append(
                ("ncv", f"the quantity is in {unit}, so the calorific value is per {unit}")
            )
    for name in ("ch4_factor", "n2o_factor"):
        if name not in values:
            errors.append((name, "required: give the factor, or a vehicle type with a default"))
    return errors


def _factor(name: str, gas: str, zh: str) -> Field:
    return Field(
        name,
        "parameter",
        f"{gas} emission factor per unit of heat of the fuel (kg{gas}/TJ)",
        zh,
        units=(f"kg{gas}/TJ",),
        required=False,
        default=DefaultSpec(f"mobile_{gas.lower()}_ef", subject_field="vehicle"),
    )


MOBILE_COMBUSTION_NON_CO2 = register(
    SourceType(
        id="mobile_combustion_non_co2",
        name_en="CH4 and N2O from vehicle fuel combustion",
        name_zh="移动源化石燃料燃烧的甲烷和氧化亚氮排放",
        gases=("CH4", "N2O"),
        fields=(
            Field(
                "fuel",
                "choice",
                "Fuel: " + ", ".join(FUELS),
                "燃料品种",
                choices=lambda: FUELS,
            ),
            Field(
                "vehicle",
                "choice",
                "Vehicle technology, for the default factors: " + ", ".join(VEHICLES),
                "车辆（技术）类型，用于缺省排放因子",
                required=False,
                choices=lambda: tuple(VEHICLES),
            ),
            Field(
                "quantity",
                "activity",
                "Fuel consumed by the vehicles: t (liquids), 10^4 Nm3 (natural gas); or GJ of heat",
                "车辆燃料消耗量（液体：吨；天然气：万标准立方米；或热量：GJ）",
                units=("t", "10^4 Nm3", "GJ"),
            ),
            Field(
                "ncv",
                "parameter",
                "Net calorific value of the fuel",
                "低位发热量",
                units=("GJ/t", "GJ/(10^4 Nm3)"),
                default=DefaultSpec("ncv", subject_field="fuel"),
            ),
            _factor("ch4_factor", "CH4", "甲烷排放因子（kgCH4/TJ）"),
            _factor("n2o_factor", "N2O", "氧化亚氮排放因子（kgN2O/TJ）"),
        ),
        compute=_compute,
        check=_check,
        formula="E_CH4 = FC × NCV × EF_CH4 × 10^-6; E_N2O = FC × NCV × EF_N2O × 10^-6",
        reference="NDRC 2015 land transport enterprise GHG guideline, 化石燃料燃烧的甲烷和氧化亚氮"
        "排放; IPCC 2006 Vol. 2 Ch. 3 Eq. 3.2.3, Tables 3.2.2 and 3.4.1",
    )
)
