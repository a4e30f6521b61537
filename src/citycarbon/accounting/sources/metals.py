"""Primary aluminium: carbon anode consumption and anode-effect PFC emissions.

References
----------
.. [1] NDRC (2013) 中国电解铝生产企业温室气体排放核算方法与报告指南（试行）: 能源作为原材料用途的
       排放 (炭阳极消耗), E = EF × P with EF = NC × (1 − S_a − A_a) × 44/12; 工业生产过程排放
       (阳极效应), E_CF4 = EF_CF4 × P, E_C2F6 = EF_C2F6 × P; GB/T 32151.4-2015.
.. [2] IPCC 2006 Vol 3 Ch 4.4, Eq 4.21 (prebake anode consumption) and Table 4.11 (sulphur
       and ash contents of prebaked anodes).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from citycarbon.accounting.model import DefaultSpec, Field, Num, SourceType, Value, num
from citycarbon.accounting.sources.registry import register

__all__ = ["anode_co2", "anode_effect_pfc_t", "anode_emission_factor"]


def anode_emission_factor(net_consumption: Num, sulphur: Num, ash: Num) -> Num:
    """CO2 emission factor of carbon anode consumption per tonne of aluminium [tCO2/t Al].

    Parameters
    ----------
    net_consumption : Decimal
        Net carbon anode consumption per tonne of aluminium NC [tC/t Al].
    sulphur : Decimal
        Average sulphur content of the anodes S_a [fraction].
    ash : Decimal
        Average ash content of the anodes A_a [fraction].

    Returns
    -------
    Decimal
        Emission factor EF [tCO2/t Al].

    Notes
    -----
    .. math:: EF = NC \\cdot (1 - S_a - A_a) \\cdot \\tfrac{44}{12}

    References
    ----------
    NDRC 2013 aluminium guideline, 炭阳极消耗的二氧化碳排放因子; GB/T 32151.4-2015; IPCC 2006
    Vol 3 Eq 4.21.
    """
    return net_consumption * (1 - sulphur - ash) * 44 / 12


def anode_co2(aluminium: Num, net_consumption: Num, sulphur: Num, ash: Num) -> Num:
    """CO2 from the consumption of carbon anodes in aluminium electrolysis [tCO2].

    Parameters
    ----------
    aluminium : Decimal
        Primary aluminium produced P [t].
    net_consumption : Decimal
        Net carbon anode consumption NC [tC/t Al].
    sulphur : Decimal
        Average sulphur content of the anodes S_a [fraction].
    ash : Decimal
        Average ash content of the anodes A_a [fraction].

    Returns
    -------
    Decimal
        Emissions E [tCO2].

    Notes
    -----
    .. math:: E = P \\cdot NC \\cdot (1 - S_a - A_a) \\cdot \\tfrac{44}{12}

    References
    ----------
    NDRC 2013 aluminium guideline, 能源作为原材料用途的排放 (E = EF × P); GB/T 32151.4-2015.
    """
    return aluminium * net_consumption * (1 - sulphur - ash) * 44 / 12


def anode_effect_pfc_t(aluminium: Num, factor: Num) -> Num:
    """A perfluorocarbon (CF4 or C2F6) emitted by anode effects [t of that gas].

    Parameters
    ----------
    aluminium : Decimal
        Primary aluminium produced P [t].
    factor : Decimal
        Anode-effect emission factor of the gas EF [kg gas/t Al].

    Returns
    -------
    Decimal
        Emissions of the gas [t].

    Notes
    -----
    .. math:: E_{CF_4} = EF_{CF_4} \\cdot P \\cdot 10^{-3} \\qquad
              E_{C_2F_6} = EF_{C_2F_6} \\cdot P \\cdot 10^{-3}

    References
    ----------
    NDRC 2013 aluminium guideline, 阳极效应排放; GB/T 32151.4-2015.
    """
    return aluminium * factor / 1000


# -------------------------------------------------------------------------- anode_consumption


def _anode_compute(values: Mapping[str, Value]) -> dict[str, Any]:
    return {
        "CO2": anode_co2(
            num(values, "quantity"),
            num(values, "net_consumption"),
            num(values, "sulphur"),
            num(values, "ash"),
        )
    }


def _anode_check(values: Mapping[str, Value]) -> list[tuple[str, str]]:
    if "sulphur" not in values or "ash" not in values:
        return []
    sulphur, ash = num(values, "sulphur"), num(values, "ash")
    if sulphur + ash > 1:
        return [("ash", f"sulphur ({sulphur}) and ash ({ash}) together exceed 100 % of the anode")]
    return []


def _anode_fraction(name: str, en: str, zh: str, parameter: str) -> Field:
    return Field(
        name,
        "fraction",
        en,
        zh,
        units=("fraction",),
        default=DefaultSpec(parameter, subject="prebaked_anode"),
        maximum=Decimal(1),
    )


ANODE_CONSUMPTION = register(
    SourceType(
        id="anode_consumption",
        name_en="Carbon anode consumption in aluminium electrolysis",
        name_zh="炭阳极消耗（能源作为原材料用途）",
        gases=("CO2",),
        fields=(
            Field("quantity", "activity", "Primary aluminium produced", "原铝产量", units=("t",)),
            Field(
                "net_consumption",
                "parameter",
                "Net carbon anode consumption per tonne of aluminium",
                "吨铝炭阳极净耗",
                units=("tC/t",),
                default=DefaultSpec("anode_net_consumption", subject="prebaked_anode"),
            ),
            _anode_fraction(
                "sulphur",
                "Average sulphur content of the anodes",
                "炭阳极平均含硫量",
                "anode_sulphur",
            ),
            _anode_fraction(
                "ash", "Average ash content of the anodes", "炭阳极平均灰分含量", "anode_ash"
            ),
        ),
        compute=_anode_compute,
        check=_anode_check,
        formula="E = P × NC × (1 − S − A) × 44/12",
        reference="NDRC 2013 aluminium guideline, 炭阳极消耗; GB/T 32151.4-2015",
    )
)


# --------------------------------------------------------------------------- anode_effect_pfc


def _pfc_compute(values: Mapping[str, Value]) -> dict[str, Any]:
    aluminium = num(values, "quantity")
    return {
        "CF4": anode_effect_pfc_t(aluminium, num(values, "ef_cf4")),
        "C2F6": anode_effect_pfc_t(aluminium, num(values, "ef_c2f6")),
    }


ANODE_EFFECT_PFC = register(
    SourceType(
        id="anode_effect_pfc",
        name_en="Anode-effect PFC emissions (CF4, C2F6)",
        name_zh="阳极效应全氟化碳排放",
        gases=("CF4", "C2F6"),
        fields=(
            Field("quantity", "activity", "Primary aluminium produced", "原铝产量", units=("t",)),
            Field(
                "ef_cf4",
                "parameter",
                "Anode-effect CF4 emission factor",
                "阳极效应的CF4排放因子",
                units=("kgCF4/t",),
                default=DefaultSpec("anode_effect_ef", subject="CF4"),
            ),
            Field(
                "ef_c2f6",
                "parameter",
                "Anode-effect C2F6 emission factor",
                "阳极效应的C2F6排放因子",
                units=("kgC2F6/t",),
                default=DefaultSpec("anode_effect_ef", subject="C2F6"),
            ),
        ),
        compute=_pfc_compute,
        formula="E_CF4 = P × EF_CF4 / 1000; E_C2F6 = P × EF_C2F6 / 1000",
        reference="NDRC 2013 aluminium guideline, 阳极效应排放; GB/T 32151.4-2015",
    )
)
