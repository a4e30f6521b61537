"""Fluorinated-gas emissions: HFC-23 from HCFC-22 production, SF6 from electrical equipment,
fluorinated gases used in electronics etching and CVD chamber cleaning.

References
----------
.. [1] NDRC (2015) 中国氟化工企业温室气体排放核算方法与报告指南（试行）: HCFC-22生产过程HFC-23
       排放, E_HFC-23 = Σ P_HCFC-22 × EF_HFC-23 − R_HFC-23 (recovered as product) − D_HFC-23
       (destroyed); 销毁的HFC-23转化的CO2排放, E_CO2 = D_HFC-23 × 44/70.
.. [2] NDRC (2013) 中国电网企业温室气体排放核算方法与报告指南（试行）: 使用六氟化硫设备修理与退役
       过程中的排放, E_SF6 = Σ(REC_capacity − REC_recovered) + Σ(REP_capacity − REP_recovered),
       in kg, × 10⁻³ for tonnes; GB/T 32151.2-2015.
.. [3] NDRC (2015) 中国电子设备制造企业温室气体排放核算方法与报告指南（试行）: 刻蚀与CVD腔室清洗
       工序, E_i = (1 − h) × FC_i × (1 − U_i) × (1 − a_i × d_i) (IPCC 2006 Vol 3 Ch 6 Tier 2a form).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from citycarbon.accounting.model import DefaultSpec, Field, Num, SourceType, Value, num
from citycarbon.accounting.sources.registry import register

__all__ = [
    "PROCESS_GASES",
    "SF6_EVENTS",
    "fgas_process_t",
    "hfc23_byproduct_t",
    "hfc23_destruction_co2",
    "sf6_equipment_t",
]

SF6_EVENTS: Final = ("retired", "repaired")

#: Fluorinated gases of etching and CVD cleaning (gas ids as in citycarbon.units.GASES;
#: CHF3 is HFC23).
PROCESS_GASES: Final = ("CF4", "C2F6", "C3F8", "C4F10", "C6F14", "HFC23", "SF6", "NF3")


def hfc23_byproduct_t(production: Num, generation_rate: Num, removed: Num) -> Num:
    """HFC-23 emitted as a by-product of HCFC-22 production [tHFC23].

    Parameters
    ----------
    production : Decimal
        HCFC-22 produced P [t].
    generation_rate : Decimal
        HFC-23 generated per HCFC-22 produced EF [fraction, t HFC-23 / t HCFC-22].
    removed : Decimal
        HFC-23 that does not reach the atmosphere: recovered as a product R plus destroyed D
        [tHFC23].

    Returns
    -------
    Decimal
        Emissions of HFC-23 [t].

    Notes
    -----
    .. math:: E_{HFC\\text{-}23} = P \\cdot EF - (R + D)

    The HFC-23 destroyed is not emitted as HFC-23, but its carbon is: see
    :func:`hfc23_destruction_co2`.

    References
    ----------
    NDRC 2015 fluorochemicals guideline, HCFC-22生产过程HFC-23排放 (生产线HFC-23产生量减去以产品
    形式回收的量和销毁装置实际销毁的量); IPCC 2006 Vol 3 Ch 3.10.
    """
    return production * generation_rate - removed


def hfc23_destruction_co2(destroyed: Num) -> Num:
    """CO2 formed when HFC-23 is destroyed (thermal oxidation, plasma …) [tCO2].

    Parameters
    ----------
    destroyed : Decimal
        HFC-23 destroyed D: what enters the destruction units minus what leaves them
        undestroyed [tHFC23].

    Returns
    -------
    Decimal
        CO2 formed [t].

    Notes
    -----
    .. math:: E_{CO_2} = D \\cdot \\tfrac{44}{70}

    HFC-23 (CHF3) has one carbon atom, so destroying one mole gives one mole of CO2; the
    guideline writes the ratio of the molar masses as 44/70 (44 for CO2, 70 for HFC-23). With
    IUPAC atomic weights the ratio is 44.009 / 70.013 = 0.628583 (C 12.011, H 1.008, O 15.999,
    F 18.998: CO2 = 12.011 + 2 × 15.999 = 44.009; CHF3 = 12.011 + 1.008 + 3 × 18.998 = 70.013),
    against 44/70 = 0.628571: the guideline's rounded masses are used here, 0.002 % lower.

    References
    ----------
    NDRC 2015 fluorochemicals guideline, 销毁的HFC-23转化的CO2排放 (as transcribed in public
    code: 销毁的HFC-23转化成CO2的排放量 = 实际销毁的HFC-23的量 × 44/70; docs/sectors.md).
    """
    return destroyed * 44 / 70


def sf6_equipment_t(capacity: Num, recovered: Num) -> Num:
    """SF6 released when an electrical equipment item is retired or repaired [tSF6].

    Parameters
    ----------
    capacity : Decimal
        SF6 nameplate capacity of the equipment REC/REP_capacity [kgSF6].
    recovered : Decimal
        SF6 actually recovered from it REC/REP_recovered [kgSF6].

    Returns
    -------
    Decimal
        Emissions of SF6 [t].

    Notes
    -----
    .. math:: E_{SF_6} = (REC_{capacity} - REC_{recovered}) \\cdot 10^{-3}

    summed over the retired (REC) and the repaired (REP) equipment, one line per event.

    References
    ----------
    NDRC 2013 power-grid guideline, 使用六氟化硫设备修理与退役过程中的排放; GB/T 32151.2-2015.
    """
    return (capacity - recovered) / 1000


def fgas_process_t(
    used: Num, heel: Num, utilisation: Num, abated_share: Num, destruction: Num
) -> Num:
    """A fluorinated gas emitted from etching or CVD chamber cleaning [t of that gas].

    Parameters
    ----------
    used : Decimal
        Gas purchased into the process (container contents) FC [kg of the gas].
    heel : Decimal
        Share of the gas left in the container when returned h [fraction].
    utilisation : Decimal
        Share of the gas used up (converted) in the process U [fraction].
    abated_share : Decimal
        Share of the gas passed through abatement equipment a [fraction].
    destruction : Decimal
        Destruction (removal) efficiency of the abatement equipment d [fraction].

    Returns
    -------
    Decimal
        Emissions of the gas [t].

    Notes
    -----
    .. math:: E = (1 - h) \\cdot FC \\cdot (1 - U) \\cdot (1 - a \\cdot d) \\cdot 10^{-3}

    A by-product gas (CF4 formed from C2F6, C3F8, NF3 …) is reported on a line of its own, with
    the by-product amount B × FC as the gas used and a utilisation of 0 %.

    References
    ----------
    NDRC 2015 electronics guideline, 刻蚀与CVD腔室清洗工序排放; IPCC 2006 Vol 3 Ch 6 Eq 6.2
    (Tier 2a).
    """
    return (1 - heel) * used * (1 - utilisation) * (1 - abated_share * destruction) / 1000


# --------------------------------------------------------------------------- hfc23_byproduct


def _optional(values: Mapping[str, Value], name: str) -> Any:
    """An optional field's value, or 0 when the line leaves it out."""
    return num(values, name) if name in values else 0


def _hfc23_compute(values: Mapping[str, Value]) -> dict[str, Any]:
    destroyed = num(values, "destroyed")
    removed = _optional(values, "recovered") + destroyed
    return {
        "HFC23": hfc23_byproduct_t(
            num(values, "quantity"), num(values, "generation_rate"), removed
        ),
        "CO2": hfc23_destruction_co2(destroyed),
    }


def _hfc23_check(values: Mapping[str, Value]) -> list[tuple[str, str]]:
    if not all(name in values for name in ("quantity", "generation_rate", "destroyed")):
        return []
    production, rate = num(values, "quantity"), num(values, "generation_rate")
    destroyed, recovered = num(values, "destroyed"), _optional(values, "recovered")
    generated = production * rate
    if recovered + destroyed > generated:
        field = "recovered" if recovered > generated else "destroyed"
        return [(
            field,
            f"{recovered} t HFC-23 recovered and {destroyed} t destroyed exceed the {generated} t "
            f"generated ({production} t HCFC-22 × {rate})",
        )]  # fmt: skip
    return []


HFC23_BYPRODUCT = register(
    SourceType(
        id="hfc23_byproduct",
        name_en="HFC-23 by-product of HCFC-22 production",
        name_zh="HCFC-22生产过程HFC-23排放",
        gases=("HFC23", "CO2"),
        fields=(
            Field("quantity", "activity", "HCFC-22 produced", "HCFC-22产量", units=("t",)),
            Field(
                "generation_rate",
                "fraction",
                "HFC-23 generated per tonne of HCFC-22 produced",
                "HFC-23生成因子（吨HFC-23/吨HCFC-22）",
                units=("fraction",),
                default=DefaultSpec("hfc23_generation_rate", subject="HCFC22"),
                maximum=Decimal(1),
            ),
            Field(
                "recovered",
                "activity",
                "HFC-23 recovered as a product (sold or used), not destroyed; 0 if left out",
                "以产品形式回收的HFC-23量（不含销毁量；不填则为0）",
                units=("tHFC23",),
                required=False,
            ),
            Field(
                "destroyed",
                "activity",
                "HFC-23 destroyed: into the destruction units minus out of them (0 if none); "
                "its carbon is counted as CO2",
                "HFC-23销毁装置实际销毁量（进入量减出口排出量；无则填0），其碳计为CO2排放",
                units=("tHFC23",),
            ),
        ),
        compute=_hfc23_compute,
        check=_hfc23_check,
        formula="E_HFC23 = P_HCFC22 × EF − R − D; E_CO2 = D × 44/70",
        reference="NDRC 2015 fluorochemicals guideline, HCFC-22生产过程HFC-23排放 and "
        "销毁的HFC-23转化的CO2排放",
    )
)


# ------------------------------------------------------------------ sf6_electrical_equipment


def _sf6_compute(values: Mapping[str, Value]) -> dict[str, Any]:
    return {"SF6": sf6_equipment_t(num(values, "quantity"), num(values, "recovered"))}


def _sf6_check(values: Mapping[str, Value]) -> list[tuple[str, str]]:
    if "quantity" not in values or "recovered" not in values:
        return []
    capacity, recovered = num(values, "quantity"), num(values, "recovered")
    if recovered > capacity:
        return [(
            "recovered",
            f"{recovered} kg SF6 recovered exceeds the equipment's SF6 capacity of {capacity} kg",
        )]  # fmt: skip
    return []


SF6_ELECTRICAL_EQUIPMENT = register(
    SourceType(
        id="sf6_electrical_equipment",
        name_en="SF6 from retiring or repairing electrical equipment",
        name_zh="使用六氟化硫设备修理与退役过程排放",
        gases=("SF6",),
        fields=(
            Field(
                "event",
                "choice",
                "retired or repaired",
                "退役或修理",
                choices=lambda: SF6_EVENTS,
            ),
            Field(
                "quantity",
                "activity",
                "SF6 nameplate capacity of the equipment",
                "设备的六氟化硫容量（铭牌值）",
                units=("kgSF6",),
            ),
            Field(
                "recovered",
                "activity",
                "SF6 actually recovered from the equipment",
                "六氟化硫实际回收量",
                units=("kgSF6",),
            ),
        ),
        compute=_sf6_compute,
        check=_sf6_check,
        formula="E_SF6 = (capacity − recovered) / 1000",
        reference="NDRC 2013 power-grid guideline, SF6设备修理与退役; GB/T 32151.2-2015",
    )
)


# --------------------------------------------------------------------------- fgas_process_use


def _fgas_compute(values: Mapping[str, Value]) -> dict[str, Any]:
    gas = values["gas"]
    if not isinstance(gas, str):
        raise TypeError("fgas_process_use computes one gas per line")
    emitted = fgas_process_t(
        num(values, "quantity"),
        num(values, "heel"),
        num(values, "utilisation"),
        num(values, "abated_share"),
        num(values, "destruction"),
    )
    return {gas: emitted}


def _fgas_check(values: Mapping[str, Value]) -> list[tuple[str, str]]:
    gas, unit = values.get("gas"), values.get("quantity@unit")
    if isinstance(gas, str) and isinstance(unit, str) and unit != f"kg{gas}":
        return [("quantity", f"the gas is {gas}, so the amount used is in kg{gas}, not {unit}")]
    return []


FGAS_PROCESS_USE = register(
    SourceType(
        id="fgas_process_use",
        name_en="Fluorinated gases used in etching and CVD chamber cleaning",
        name_zh="刻蚀与CVD腔室清洗工序含氟气体排放",
        gases=PROCESS_GASES,
        fields=(
            Field(
                "gas",
                "choice",
                "Gas: " + ", ".join(PROCESS_GASES) + " (CHF3 is HFC23)",
                "含氟气体种类（CHF3即HFC23）",
                choices=lambda: PROCESS_GASES,
            ),
            Field(
                "quantity",
                "activity",
                "Gas used (purchased into the process), in kg of that gas, e.g. kgCF4",
                "含氟气体使用量（该气体的千克数，如kgCF4）",
                units=tuple(f"kg{gas}" for gas in PROCESS_GASES),
            ),
            Field(
                "heel",
                "fraction",
                "Share of the gas left in the container (heel)",
                "容器中气体残余比例",
                units=("fraction",),
                default=DefaultSpec("fgas_heel", subject="container"),
                maximum=Decimal(1),
            ),
            Field(
                "utilisation",
                "fraction",
                "Utilisation rate of the gas in the process",
                "气体利用率",
                units=("fraction",),
                default=DefaultSpec("fgas_utilisation", subject_field="gas"),
                maximum=Decimal(1),
            ),
            Field(
                "abated_share",
                "fraction",
                "Share of the gas passed through abatement equipment (0 if none)",
                "经尾气处理设备处理的气体比例（收集效率；无则填0）",
                units=("fraction",),
                maximum=Decimal(1),
            ),
            Field(
                "destruction",
                "fraction",
                "Destruction efficiency of the abatement equipment",
                "尾气处理设备去除效率",
                units=("fraction",),
                default=DefaultSpec("fgas_destruction", subject_field="gas"),
                maximum=Decimal(1),
            ),
        ),
        compute=_fgas_compute,
        check=_fgas_check,
        formula="E = (1 − h) × FC × (1 − U) × (1 − a × d) / 1000",
        reference="NDRC 2015 electronics guideline, 刻蚀与CVD腔室清洗; IPCC 2006 Vol 3 Eq 6.2",
    )
)
