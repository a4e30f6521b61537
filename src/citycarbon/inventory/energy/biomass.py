"""Biomass fuel combustion (生物质燃料燃烧): CH4 and N2O; biogenic CO2 as a memo item.

Straw, firewood, dung and charcoal burnt in stoves, kangs, braziers and boilers. The CO2 of
biomass is biogenic: it is not counted in any total, only reported as a memo item.

References
----------
.. [1] 《省级温室气体清单编制指南（试行）》(2011) 第一章 能源活动, 生物质燃烧 (CH4 and N2O by
       fuel and equipment; biogenic CO2 not counted).
.. [2] IPCC (2006) Vol. 2 Ch. 2 Eq. 2.1 and Table 2.5 (residential and agriculture default
       CH4/N2O factors for wood, charcoal and other primary solid biomass); Table 1.2 (NCV).
"""

from __future__ import annotations

from typing import Any, Final

from citycarbon.inventory.model import Category, Default, Num, Param, Term, Values
from citycarbon.inventory.registry import register

__all__ = ["BIOMASS_COMBUSTION", "biomass_gas"]

BIOMASS_FUELS: Final = ("straw", "firewood", "dung", "charcoal", "other_biomass")
SECTORS: Final = {
    "residential": "1A4b",
    "agriculture": "1A4c",
    "commercial": "1A4a",
    "manufacturing": "1A2",
    "energy_industries": "1A1",
}
DEVICES: Final = ("improved_stove", "traditional_stove", "kang", "brazier", "boiler", "other")


def biomass_gas(quantity: Num, ncv: Num, emission_factor: Num) -> Num:
    """CH4 or N2O from burning biomass, factor per unit of heat [t].

    Parameters
    ----------
    quantity : float or ndarray
        Biomass burnt M [t, as burnt].
    ncv : float or ndarray
        Net calorific value [GJ/t].
    emission_factor : float or ndarray
        Emission factor [kg gas/TJ].

    Notes
    -----
    .. math:: E = M \\cdot NCV \\cdot 10^{-3} \\cdot EF \\cdot 10^{-3}

    References
    ----------
    IPCC 2006 Vol. 2 Ch. 2 Eq. 2.1, Table 2.5; provincial guideline 第一章 生物质燃烧.
    """
    return quantity * ncv * emission_factor / 1_000_000


def biomass_gas_by_mass(quantity: Num, emission_factor: Num) -> Num:
    """CH4 or N2O from burning biomass, factor per mass burnt [t].

    Parameters
    ----------
    quantity : float or ndarray
        Biomass burnt M [t].
    emission_factor : float or ndarray
        Emission factor [kg gas/t] (= g/kg, the form of the provincial guideline's tables).

    Notes
    -----
    .. math:: E = M \\cdot EF \\cdot 10^{-3}

    References
    ----------
    《省级温室气体清单编制指南（试行）》(2011) 第一章 生物质燃烧 (EF in g/kg of fuel by device).
    """
    return quantity * emission_factor / 1000


def _gas(values: Values, name: str) -> Any:
    if str(values.get(f"{name}@unit", "")).endswith("/t"):
        return biomass_gas_by_mass(values["quantity"], values[name])
    return biomass_gas(values["quantity"], values["ncv"], values[name])


def _compute(values: Values) -> dict[str, Any]:
    return {"CH4": _gas(values, "ch4_ef"), "N2O": _gas(values, "n2o_ef")}


def _terms(values: Values) -> list[Term]:
    terms: list[Term] = []
    for gas in ("CH4", "N2O"):
        name = f"{gas.lower()}_ef"
        if str(values.get(f"{name}@unit", "")).endswith("/t"):
            terms.append((gas, 1e-3, ("quantity", name), ()))
        else:
            terms.append((gas, 1e-6, ("quantity", "ncv", name), ()))
    return terms


def _memo(values: Values) -> dict[str, Any]:
    if "co2_ef" not in values:
        return {}
    return {"CO2": values["quantity"] * values["ncv"] * values["co2_ef"] / 1000}


def _ef(gas: str, zh: str) -> Param:
    return Param(
        f"{gas.lower()}_ef",
        "parameter",
        f"{gas} emission factor, per unit of heat or per tonne of fuel",
        f"{zh}排放因子（按热量或按燃料质量）",
        unit=(f"kg{gas}/TJ", f"kg{gas}/t"),
        default=Default(
            f"biomass_{gas.lower()}_ef",
            ("{device}:{fuel}", "{activity}:{fuel}", "{fuel}"),
        ),
        uncertainty_pct=100.0,
    )


BIOMASS_COMBUSTION: Final = register(
    Category(
        id="energy.biomass_combustion",
        code="1A-bio",
        sector="energy",
        name_en="Biomass fuel combustion",
        name_zh="生物质燃料燃烧",
        gases=("CH4", "N2O"),
        params=(
            Param("fuel", "choice", "Biomass fuel", "生物质燃料", choices=BIOMASS_FUELS),
            Param(
                "activity",
                "choice",
                "Sector where it is burnt",
                "燃烧部门",
                choices=tuple(SECTORS),
            ),
            Param(
                "device",
                "choice",
                "Equipment (optional: selects device-specific factors where the set has them)",
                "燃烧设备（可选）",
                choices=DEVICES,
                required=False,
            ),
            Param(
                "quantity",
                "activity",
                "Biomass burnt",
                "生物质燃料消费量",
                unit=("t",),
                uncertainty_pct=30.0,
            ),
            Param(
                "ncv",
                "parameter",
                "Net calorific value",
                "低位发热量",
                unit=("GJ/t",),
                default=Default("ncv", ("{fuel}",)),
                uncertainty_pct=10.0,
            ),
            _ef("CH4", "CH4"),
            _ef("N2O", "N2O"),
            Param(
                "co2_ef",
                "parameter",
                "Biogenic CO2 factor (memo item, not counted)",
                "生物质CO2排放因子（仅作信息项）",
                unit=("tCO2/TJ",),
                default=Default("biomass_co2_ef", ("{fuel}",)),
                required=False,
            ),
        ),
        compute=_compute,
        terms=_terms,
        memo=_memo,
        formula="E_CH4, E_N2O = M × NCV × EF (per TJ) or M × EF (per t); CO2 memo only",
        reference=(
            "《省级温室气体清单编制指南（试行）》(2011) 第一章 生物质燃烧; IPCC 2006 Vol. 2 Ch. 2 "
            "Eq. 2.1, Table 2.5"
        ),
        subcategory=lambda v: SECTORS[str(v["activity"])],
        key_group=lambda v: "1A biomass",
    )
)
