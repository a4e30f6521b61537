"""Purchased and exported heat (净购入使用的热力).

Heat bought from (or delivered to) outside the reporting boundary is counted at a heat emission
factor. It is metered as heat in GJ, or as a mass of steam or hot water that the guidelines turn
into heat relative to feed water at 20 °C.

References
----------
.. [1] NDRC (2013-2015) enterprise GHG accounting guidelines, "净购入使用的电力、热力产生的排放":
       E_heat = AD_heat × EF_heat in every sector guideline that has purchased heat;
       GB/T 32150-2015.
.. [2] The same guidelines, annex on converting steam and hot water to heat: steam
       AD_st = Ma_st × (En_st − 83.74) × 10⁻³; hot water AD_w = Ma_w × (T_w − 20) × 4.1868 × 10⁻³
       (Ma in t, En in kJ/kg, T in °C, AD in GJ). The guideline PDF was not seen; the steam
       equation is transcribed identically in four independent public code bases and the hot-water
       equation in two (one of them the mining guideline's formula table), status C-3 / C-2.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from citycarbon.accounting.model import DefaultSpec, Field, Num, SourceType, Value, num
from citycarbon.accounting.sources.registry import register

__all__ = ["heat_co2", "hot_water_heat_gj", "steam_heat_gj"]

#: Specific enthalpy of the 20 °C feed water the guidelines count steam heat from [kJ/kg].
FEED_WATER_ENTHALPY_KJ_PER_KG = Decimal("83.74")
#: Reference temperature of hot water heat [°C].
HOT_WATER_REFERENCE_C = Decimal(20)

MEDIA = ("heat", "steam", "hot_water")


def steam_heat_gj(mass: Num, enthalpy: Num) -> Num:
    """Heat carried by saturated or superheated steam, counted from 20 °C feed water [GJ].

    Parameters
    ----------
    mass : Decimal
        Steam mass Ma_st [t].
    enthalpy : Decimal
        Specific enthalpy of the steam En_st at its pressure and temperature [kJ/kg], from a
        steam table (the guideline's annex table or IAPWS-IF97).

    Returns
    -------
    Decimal
        Heat AD_st [GJ].

    Notes
    -----
    .. math:: AD_{st} = Ma_{st} \\cdot (En_{st} - 83.74) \\cdot 10^{-3}

    83.74 kJ/kg is the specific enthalpy of liquid water at 20 °C. One tonne times one kJ/kg is
    one MJ, so the factor 10⁻³ gives GJ.

    References
    ----------
    NDRC enterprise GHG guidelines (2013-2015), annex on converting steam and hot water to heat.
    """
    return mass * (enthalpy * 100 - 8374) / 100000


def hot_water_heat_gj(mass: Num, temperature: Num) -> Num:
    """Heat carried by hot water, counted from 20 °C [GJ].

    Parameters
    ----------
    mass : Decimal
        Hot water mass Ma_w [t].
    temperature : Decimal
        Hot water temperature T_w [°C].

    Returns
    -------
    Decimal
        Heat AD_w [GJ].

    Notes
    -----
    .. math:: AD_w = Ma_w \\cdot (T_w - 20) \\cdot 4.1868 \\cdot 10^{-3}

    4.1868 kJ/(kg·°C) is the specific heat of water (the international-table calorie).

    References
    ----------
    NDRC enterprise GHG guidelines (2013-2015), annex on converting steam and hot water to heat.
    """
    return mass * (temperature - 20) * 41868 / 10000000


def heat_co2(heat: Num, factor: Num) -> Num:
    """CO2 attributed to heat purchased (or exported) [tCO2].

    Parameters
    ----------
    heat : Decimal
        Heat purchased or exported AD_heat [GJ].
    factor : Decimal
        Heat emission factor EF_heat [tCO2/GJ].

    Returns
    -------
    Decimal
        Emissions E_heat [tCO2].

    Notes
    -----
    .. math:: E_{heat} = AD_{heat} \\cdot EF_{heat}

    References
    ----------
    NDRC enterprise GHG guidelines (2013-2015), emissions of net purchased heat (the same
    equation in every sector guideline that has purchased heat); GB/T 32150-2015.
    """
    return heat * factor


def _heat_gj(values: Mapping[str, Value]) -> Any:
    medium = values.get("medium", "heat")
    quantity = num(values, "quantity")
    if medium == "steam":
        return steam_heat_gj(quantity, num(values, "enthalpy"))
    if medium == "hot_water":
        return hot_water_heat_gj(quantity, num(values, "temperature"))
    return quantity


def _compute(values: Mapping[str, Value]) -> dict[str, Any]:
    return {"CO2": heat_co2(_heat_gj(values), num(values, "factor"))}


def _check(values: Mapping[str, Value]) -> list[tuple[str, str]]:
    medium = values.get("medium", "heat")
    unit = values.get("quantity@unit")
    errors: list[tuple[str, str]] = []
    if medium == "heat":
        if unit != "GJ":
            errors.append((
                "quantity",
                "heat is given in GJ; a mass of steam or hot water needs medium steam or hot_water",
            ))  # fmt: skip
        errors.extend(
            (name, f"only for steam or hot water, not for medium {medium}")
            for name in ("enthalpy", "temperature")
            if name in values
        )
        return errors
    if unit != "t":
        errors.append(("quantity", f"{medium} is given as a mass (t), not as {unit}"))
    if medium == "steam":
        needed, other = "enthalpy", "temperature"
        what = "the steam's specific enthalpy (kJ/kg) from a steam table"
    else:
        needed, other = "temperature", "enthalpy"
        what = "the hot water temperature (°C)"
    if needed not in values:
        errors.append((needed, f"required for {medium}: give {what}"))
    if other in values:
        errors.append((other, f"not used for {medium}"))
    return errors


def _fields(verb_en: str, verb_zh: str) -> tuple[Field, ...]:
    return (
        Field(
            "medium",
            "choice",
            "What is metered: heat (GJ, default), steam or hot_water (mass in t)",
            "计量介质：热量（GJ，默认）、蒸汽或热水（质量，吨）",
            required=False,
            choices=lambda: MEDIA,
        ),
        Field(
            "quantity",
            "activity",
            f"Heat {verb_en} (GJ), or mass of steam or hot water {verb_en} (t)",
            f"{verb_zh}热量（GJ），或{verb_zh}蒸汽、热水的质量（吨）",
            units=("GJ", "t"),
        ),
        Field(
            "enthalpy",
            "parameter",
            "Specific enthalpy of the steam at its pressure and temperature (steam table)",
            "蒸汽在对应压力、温度下的热焓（查蒸汽热焓表）",
            units=("kJ/kg",),
            required=False,
            minimum=FEED_WATER_ENTHALPY_KJ_PER_KG,
        ),
        Field(
            "temperature",
            "parameter",
            "Hot water temperature",
            "热水温度",
            units=("°C",),
            required=False,
            minimum=HOT_WATER_REFERENCE_C,
        ),
        Field(
            "factor",
            "parameter",
            "Heat emission factor",
            "热力排放因子",
            units=("tCO2/GJ",),
            default=DefaultSpec("heat_ef", subject="heat"),
        ),
    )


_FORMULA = (
    "E = AD_heat × EF_heat; steam AD = Ma × (En − 83.74) × 10⁻³; "
    "hot water AD = Ma × (T − 20) × 4.1868 × 10⁻³"
)

PURCHASED_HEAT = register(
    SourceType(
        id="purchased_heat",
        name_en="Purchased heat",
        name_zh="购入热力",
        gases=("CO2",),
        fields=_fields("purchased", "购入"),
        compute=_compute,
        check=_check,
        formula=_FORMULA,
        reference="NDRC 2013-2015 enterprise GHG guidelines, net purchased heat and the annex on "
        "steam and hot water; GB/T 32150-2015",
    )
)

EXPORTED_HEAT = register(
    SourceType(
        id="exported_heat",
        name_en="Exported heat",
        name_zh="输出热力",
        gases=("CO2",),
        fields=_fields("exported", "输出"),
        compute=_compute,
        check=_check,
        formula=_FORMULA + " (subtracted where the guideline nets it)",
        reference="NDRC 2013-2015 enterprise GHG guidelines, net purchased heat and the annex on "
        "steam and hot water; GB/T 32150-2015",
    )
)
