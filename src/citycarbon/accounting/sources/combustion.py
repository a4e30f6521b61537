"""Fuel combustion (化石燃料燃烧排放).

References
----------
.. [1] NDRC (2013) 中国发电企业温室气体排放核算方法与报告指南（试行）, section 4.1 (Eq. 2-4), and
       the same equations in every other sector guideline of 2013-2015; GB/T 32150-2015 Eq. (2)-(4).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from citycarbon.accounting.model import DefaultSpec, Field, Num, SourceType, Value, num
from citycarbon.accounting.sources.registry import register
from citycarbon.factors import fuel, fuels

__all__ = ["fuel_combustion_co2"]


def fuel_combustion_co2(quantity: Num, ncv: Num, carbon_content: Num, oxidation: Num) -> Num:
    """CO2 from burning a fossil fuel [tCO2].

    Parameters
    ----------
    quantity : Decimal
        Fuel consumed FC [t] for solid and liquid fuels, [10⁴ Nm³] for gases.
    ncv : Decimal
        Net calorific value NCV [GJ/t] or [GJ/10⁴ Nm³], matching ``quantity``.
    carbon_content : Decimal
        Carbon content per unit heat CC [tC/GJ].
    oxidation : Decimal
        Carbon oxidation rate OF [fraction, 0-1].

    Returns
    -------
    Decimal
        Emissions E [tCO2].

    Notes
    -----
    .. math::

        AD = FC \\cdot NCV \\qquad EF = CC \\cdot OF \\cdot \\tfrac{44}{12}
        \\qquad E = AD \\cdot EF

    The activity data AD is the heat released [GJ]; EF is the emission factor [tCO2/GJ].

    References
    ----------
    NDRC 2013 enterprise guidelines, fuel combustion, Eq. (2) E = Σ AD·EF, Eq. (3) AD = FC·NCV,
    Eq. (4) EF = CC·OF·44/12 (identical in the 24 sector guidelines).
    """
    return quantity * ncv * carbon_content * oxidation * 44 / 12


def fuel_combustion_co2_from_heat(heat: Num, carbon_content: Num, oxidation: Num) -> Num:
    """CO2 from burning a fuel whose heat AD is known directly [tCO2].

    Parameters
    ----------
    heat : Decimal
        Heat released AD [GJ] (quantity already multiplied by NCV).
    carbon_content : Decimal
        CC [tC/GJ].
    oxidation : Decimal
        OF [fraction].

    Notes
    -----
    .. math:: E = AD \\cdot CC \\cdot OF \\cdot \\tfrac{44}{12}

    References
    ----------
    NDRC 2013 enterprise guidelines, Eq. (2) and (4).
    """
    return heat * carbon_content * oxidation * 44 / 12


def _compute(values: Mapping[str, Value]) -> dict[str, Num]:
    quantity, cc, of = (
        num(values, "quantity"),
        num(values, "carbon_content"),
        num(values, "oxidation"),
    )
    if values.get("quantity@unit") == "GJ":
        return {"CO2": fuel_combustion_co2_from_heat(quantity, cc, of)}
    return {"CO2": fuel_combustion_co2(quantity, num(values, "ncv"), cc, of)}


def _check(values: Mapping[str, Value]) -> list[tuple[str, str]]:
    unit = values.get("quantity@unit")
    fuel_id = values.get("fuel")
    if isinstance(fuel_id, str) and unit != "GJ":
        expected_unit = fuel(fuel_id).quantity_unit
        if unit != expected_unit:
            return [("quantity", f"{fuel_id} is measured in {expected_unit}, not in {unit}")]
    ncv_unit = values.get("ncv@unit")
    if unit == "GJ" or ncv_unit is None:
        return []
    expected = "GJ/t" if unit == "t" else "GJ/(10^4 Nm3)"
    if ncv_unit != expected:
        return [("ncv", f"the quantity is in {unit}, so the calorific value must be per {unit}")]
    return []


FUEL_COMBUSTION = register(
    SourceType(
        id="fuel_combustion",
        name_en="Fossil fuel combustion",
        name_zh="化石燃料燃烧",
        gases=("CO2",),
        fields=(
            Field(
                "fuel",
                "choice",
                "Fuel (see `citycarbon factors --parameter ncv`)",
                "燃料品种",
                choices=lambda: tuple(sorted(fuels())),
            ),
            Field(
                "quantity",
                "activity",
                "Fuel consumed: t for solids and liquids, 10^4 Nm3 for gases; or GJ of heat",
                "燃料消耗量（固体、液体：吨；气体：万标准立方米；或热量：GJ）",
                units=("t", "10^4 Nm3", "GJ"),
            ),
            Field(
                "ncv",
                "parameter",
                "Net calorific value",
                "低位发热量",
                units=("GJ/t", "GJ/(10^4 Nm3)"),
                default=DefaultSpec("ncv", subject_field="fuel"),
                minimum=Decimal(0),
            ),
            Field(
                "carbon_content",
                "parameter",
                "Carbon content per unit heat",
                "单位热值含碳量",
                units=("tC/GJ",),
                default=DefaultSpec("carbon_content", subject_field="fuel"),
            ),
            Field(
                "oxidation",
                "fraction",
                "Carbon oxidation rate",
                "碳氧化率",
                units=("fraction",),
                default=DefaultSpec("oxidation", subject_field="fuel"),
                maximum=Decimal(1),
            ),
        ),
        compute=_compute,
        check=_check,
        formula="E = FC × NCV × CC × OF × 44/12",
        reference="NDRC 2013 enterprise GHG guidelines, Eq. (2)-(4); GB/T 32150-2015 Eq. (2)-(4)",
    )
)
