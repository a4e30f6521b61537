"""Mineral process emissions: carbonates, cement clinker, raw-meal carbon, flue-gas desulfurisation.

References
----------
.. [1] NDRC (2013) 中国平板玻璃生产企业温室气体排放核算方法与报告指南（试行）, 原料碳酸盐分解排放:
       E = Σ M_i × EF_i × F_i (mass of carbonate, its CO2 factor, calcination fraction); the same
       carbonate term in the chemicals (碳酸盐使用过程), ceramics, paper, mining, food and "other
       industry" guidelines of 2013-2015; GB/T 32150-2015 (process emissions, general form).
.. [2] NDRC (2013) 中国水泥生产企业温室气体排放核算方法与报告指南（试行）, 工业生产过程排放:
       原料碳酸盐分解 E = Σ (Q_cl + Q_ckd + Q_bpd) × [(FR1 − FR1₀) × 44/56 + (FR2 − FR2₀) × 44/40]
       and 生料中非燃料碳煅烧 E = Q × FR0 × 44/12; GB/T 32151.8-2015 (cement).
.. [3] NDRC (2013) 中国发电企业温室气体排放核算方法与报告指南（试行）, 脱硫过程排放:
       E = Σ_k CAL_k × EF_k, CAL_k = Σ_m B_k,m × I_k, EF_k = EF_k,t × TR; GB/T 32151.1-2015.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from citycarbon.accounting.model import DefaultSpec, Field, Num, SourceType, Value, num
from citycarbon.accounting.sources.registry import register

__all__ = [
    "CARBONATES",
    "carbonate_co2",
    "clinker_co2",
    "desulfurisation_co2",
    "raw_meal_carbon_co2",
]

#: Carbonates with a stoichiometric default CO2 factor (``carbonate_ef`` rows in process.csv).
CARBONATES: Final = (
    "CaCO3", "MgCO3", "CaMg(CO3)2", "FeCO3", "Na2CO3", "BaCO3", "Li2CO3", "K2CO3", "SrCO3",
    "NaHCO3", "MnCO3",
)  # fmt: skip

#: Raw-meal kinds for the default non-fuel carbon content of the cement guideline.
RAW_MEALS: Final = ("conventional", "high_carbon")


def carbonate_co2(mass: Num, purity: Num, calcination: Num, factor: Num) -> Num:
    """CO2 released by calcining (decomposing) a carbonate [tCO2].

    Parameters
    ----------
    mass : Decimal
        Carbonate-bearing material consumed M [t].
    purity : Decimal
        Content of the carbonate in that material P [fraction, 0-1].
    calcination : Decimal
        Calcination fraction F, the share of the carbonate actually decomposed [fraction, 0-1].
    factor : Decimal
        CO2 emission factor of the pure carbonate EF [tCO2/t carbonate].

    Returns
    -------
    Decimal
        Emissions E [tCO2].

    Notes
    -----
    .. math:: E = M \\cdot P \\cdot F \\cdot EF

    The default EF is stoichiometric: the molar mass of the CO2 a carbonate releases divided by
    the molar mass of the carbonate (``44.009 / 100.086`` for CaCO3).

    References
    ----------
    NDRC 2013 flat-glass guideline, 原料碳酸盐分解 E = Σ M_i × EF_i × F_i (carbonate mass net of
    impurities); chemicals guideline, 碳酸盐使用过程 (consumption × purity × EF); IPCC 2006 Vol 3
    Ch 2 Eq 2.14 and Table 2.1 for the stoichiometric factors.
    """
    return mass * purity * calcination * factor


def clinker_co2(
    clinker: Num,
    kiln_dust: Num,
    bypass_dust: Num,
    cao: Num,
    cao_noncarbonate: Num,
    mgo: Num,
    mgo_noncarbonate: Num,
) -> Num:
    """CO2 from the decomposition of raw-material carbonates in cement clinker production [tCO2].

    Parameters
    ----------
    clinker : Decimal
        Clinker produced Q_cl [t].
    kiln_dust : Decimal
        Cement kiln dust leaving the kiln system (窑头/窑尾排气筒粉尘) Q_ckd [t].
    bypass_dust : Decimal
        Kiln bypass dust (旁路放风粉尘) Q_bpd [t].
    cao : Decimal
        CaO content of the clinker FR1 [fraction].
    cao_noncarbonate : Decimal
        CaO content of the clinker that did not come from carbonate decomposition FR1₀
        [fraction].
    mgo : Decimal
        MgO content of the clinker FR2 [fraction].
    mgo_noncarbonate : Decimal
        MgO content of the clinker that did not come from carbonate decomposition FR2₀
        [fraction].

    Returns
    -------
    Decimal
        Emissions E [tCO2].

    Notes
    -----
    .. math::

        E = (Q_{cl} + Q_{ckd} + Q_{bpd}) \\cdot
            \\left[(FR_1 - FR_{1,0}) \\tfrac{44}{56} + (FR_2 - FR_{2,0}) \\tfrac{44}{40}\\right]

    44/56 and 44/40 are the molar-mass ratios CO2/CaO and CO2/MgO as the guideline writes them.

    References
    ----------
    NDRC 2013 cement guideline, 工业生产过程排放, 原料碳酸盐分解; GB/T 32151.8-2015.
    """
    oxides = (cao - cao_noncarbonate) * 44 / 56 + (mgo - mgo_noncarbonate) * 44 / 40
    return (clinker + kiln_dust + bypass_dust) * oxides


def raw_meal_carbon_co2(raw_meal: Num, carbon_content: Num) -> Num:
    """CO2 from burning the non-fuel (organic) carbon contained in cement raw meal [tCO2].

    Parameters
    ----------
    raw_meal : Decimal
        Raw meal consumed Q [t].
    carbon_content : Decimal
        Non-fuel carbon content of the raw meal FR0 [fraction, tC/t].

    Returns
    -------
    Decimal
        Emissions E [tCO2].

    Notes
    -----
    .. math:: E = Q \\cdot FR_0 \\cdot \\tfrac{44}{12}

    References
    ----------
    NDRC 2013 cement guideline, 生料中非燃料碳煅烧; GB/T 32151.8-2015.
    """
    return raw_meal * carbon_content * 44 / 12


def desulfurisation_co2(sorbent: Num, carbonate_content: Num, factor: Num, conversion: Num) -> Num:
    """CO2 released by carbonate sorbents in flue-gas desulfurisation [tCO2].

    Parameters
    ----------
    sorbent : Decimal
        Desulfurisation sorbent consumed B [t].
    carbonate_content : Decimal
        Carbonate content of the sorbent I [fraction].
    factor : Decimal
        Emission factor of the carbonate at full conversion EF_t [tCO2/t carbonate].
    conversion : Decimal
        Conversion rate TR [fraction].

    Returns
    -------
    Decimal
        Emissions E [tCO2].

    Notes
    -----
    .. math::

        CAL = B \\cdot I \\qquad EF = EF_t \\cdot TR \\qquad E = CAL \\cdot EF

    References
    ----------
    NDRC 2013 power-generation guideline, 脱硫过程排放 (E = Σ CAL_k × EF_k, CAL_k = Σ B_k,m × I_k,
    EF_k = EF_k,t × TR); GB/T 32151.1-2015.
    """
    return sorbent * carbonate_content * factor * conversion


# ------------------------------------------------------------------ carbonate_decomposition


def _carbonate_compute(values: Mapping[str, Value]) -> dict[str, Any]:
    return {
        "CO2": carbonate_co2(
            num(values, "quantity"),
            num(values, "purity"),
            num(values, "calcination"),
            num(values, "ef"),
        )
    }


def _carbonate_field() -> Field:
    return Field(
        "carbonate",
        "choice",
        "Carbonate: " + ", ".join(CARBONATES),
        "碳酸盐种类",
        choices=lambda: CARBONATES,
    )


def _ef_field() -> Field:
    return Field(
        "ef",
        "parameter",
        "CO2 emission factor of the pure carbonate (default: stoichiometric)",
        "碳酸盐的CO2排放因子（缺省：化学计量值）",
        units=("tCO2/t",),
        default=DefaultSpec("carbonate_ef", subject_field="carbonate"),
    )


CARBONATE_DECOMPOSITION = register(
    SourceType(
        id="carbonate_decomposition",
        name_en="Carbonate decomposition (calcination, use of carbonates)",
        name_zh="碳酸盐分解（原料碳酸盐分解、碳酸盐使用）",
        gases=("CO2",),
        fields=(
            _carbonate_field(),
            Field(
                "quantity",
                "activity",
                "Carbonate-bearing material consumed",
                "含碳酸盐原料消耗量",
                units=("t",),
            ),
            Field(
                "purity",
                "fraction",
                "Content of the carbonate in the material (purity)",
                "原料中碳酸盐含量（纯度）",
                units=("fraction",),
                maximum=Decimal(1),
            ),
            Field(
                "calcination",
                "fraction",
                "Calcination fraction (share of the carbonate decomposed)",
                "碳酸盐煅烧比例",
                units=("fraction",),
                default=DefaultSpec("calcination_fraction", subject="carbonate"),
                maximum=Decimal(1),
            ),
            _ef_field(),
        ),
        compute=_carbonate_compute,
        formula="E = M × P × F × EF",
        reference=(
            "NDRC 2013 flat-glass guideline 原料碳酸盐分解 (and the carbonate terms of the other "
            "2013-2015 guidelines); GB/T 32150-2015; IPCC 2006 Vol 3 Table 2.1"
        ),
    )
)


# ------------------------------------------------------------------------ clinker_production


def _clinker_compute(values: Mapping[str, Value]) -> dict[str, Any]:
    return {
        "CO2": clinker_co2(
            num(values, "quantity"),
            num(values, "kiln_dust"),
            num(values, "bypass_dust"),
            num(values, "cao"),
            num(values, "cao_noncarbonate"),
            num(values, "mgo"),
            num(values, "mgo_noncarbonate"),
        )
    }


def _clinker_check(values: Mapping[str, Value]) -> list[tuple[str, str]]:
    problems = []
    for total, part, oxide in (
        ("cao", "cao_noncarbonate", "CaO"),
        ("mgo", "mgo_noncarbonate", "MgO"),
    ):
        if total not in values or part not in values:
            continue
        whole, share = num(values, total), num(values, part)
        if share > whole:
            problems.append((
                part,
                f"the non-carbonate {oxide} ({share}) exceeds the clinker's {oxide} content "
                f"({whole})",
            ))  # fmt: skip
    return problems


def _fraction(name: str, en: str, zh: str) -> Field:
    return Field(name, "fraction", en, zh, units=("fraction",), maximum=Decimal(1))


CLINKER_PRODUCTION = register(
    SourceType(
        id="clinker_production",
        name_en="Cement clinker: decomposition of raw-material carbonates",
        name_zh="水泥熟料：原料碳酸盐分解",
        gases=("CO2",),
        fields=(
            Field("quantity", "activity", "Clinker produced", "熟料产量", units=("t",)),
            Field(
                "kiln_dust",
                "activity",
                "Cement kiln dust leaving the kiln system (0 if none)",
                "窑炉排气筒（窑头）粉尘重量（无则填0）",
                units=("t",),
            ),
            Field(
                "bypass_dust",
                "activity",
                "Kiln bypass dust (0 if none)",
                "窑炉旁路放风粉尘重量（无则填0）",
                units=("t",),
            ),
            _fraction("cao", "CaO content of the clinker", "熟料中CaO的含量"),
            _fraction(
                "cao_noncarbonate",
                "CaO content of the clinker not from carbonate decomposition",
                "熟料中不是来源于碳酸盐分解的CaO的含量",
            ),
            _fraction("mgo", "MgO content of the clinker", "熟料中MgO的含量"),
            _fraction(
                "mgo_noncarbonate",
                "MgO content of the clinker not from carbonate decomposition",
                "熟料中不是来源于碳酸盐分解的MgO的含量",
            ),
        ),
        compute=_clinker_compute,
        check=_clinker_check,
        formula="E = (Q_cl + Q_ckd + Q_bpd) × [(CaO − CaO_nc) × 44/56 + (MgO − MgO_nc) × 44/40]",
        reference="NDRC 2013 cement guideline, 原料碳酸盐分解; GB/T 32151.8-2015",
    )
)


# ------------------------------------------------------------------ raw_meal_organic_carbon


def _raw_meal_compute(values: Mapping[str, Value]) -> dict[str, Any]:
    return {
        "CO2": raw_meal_carbon_co2(num(values, "quantity"), num(values, "carbon_content")),
    }


def _raw_meal_check(values: Mapping[str, Value]) -> list[tuple[str, str]]:
    if "carbon_content" not in values:
        return [(
            "raw_meal",
            "give the measured carbon_content, or raw_meal (conventional: 0.1 %; high_carbon, "
            "for coal gangue or high-carbon fly ash in the mix: 0.3 %) to use the default",
        )]  # fmt: skip
    return []


RAW_MEAL_ORGANIC_CARBON = register(
    SourceType(
        id="raw_meal_organic_carbon",
        name_en="Cement raw meal: calcination of non-fuel carbon",
        name_zh="生料中非燃料碳煅烧",
        gases=("CO2",),
        fields=(
            Field("quantity", "activity", "Raw meal consumed", "生料的数量", units=("t",)),
            Field(
                "raw_meal",
                "choice",
                "Raw-meal kind for the default carbon content: conventional, or high_carbon "
                "(coal gangue, high-carbon fly ash in the mix)",
                "生料类别（确定缺省含碳量）：常规；或高碳（配料采用煤矸石、高碳粉煤灰等）",
                required=False,
                choices=lambda: RAW_MEALS,
            ),
            Field(
                "carbon_content",
                "fraction",
                "Non-fuel carbon content of the raw meal",
                "生料中非燃料碳含量",
                units=("fraction",),
                default=DefaultSpec("raw_meal_carbon_content", subject_field="raw_meal"),
                maximum=Decimal(1),
            ),
        ),
        compute=_raw_meal_compute,
        check=_raw_meal_check,
        formula="E = Q × FR0 × 44/12",
        reference="NDRC 2013 cement guideline, 生料中非燃料碳煅烧; GB/T 32151.8-2015",
    )
)


# ---------------------------------------------------------------------------- desulfurisation


def _desulfurisation_compute(values: Mapping[str, Value]) -> dict[str, Any]:
    return {
        "CO2": desulfurisation_co2(
            num(values, "quantity"),
            num(values, "carbonate_content"),
            num(values, "ef"),
            num(values, "conversion"),
        )
    }


DESULFURISATION = register(
    SourceType(
        id="desulfurisation",
        name_en="Flue-gas desulfurisation with carbonate sorbents",
        name_zh="脱硫过程排放",
        gases=("CO2",),
        fields=(
            _carbonate_field(),
            Field(
                "quantity",
                "activity",
                "Desulfurisation sorbent consumed",
                "脱硫剂消耗量",
                units=("t",),
            ),
            Field(
                "carbonate_content",
                "fraction",
                "Carbonate content of the sorbent",
                "脱硫剂中碳酸盐含量",
                units=("fraction",),
                default=DefaultSpec("desulfurisation_carbonate_content", subject="sorbent"),
                maximum=Decimal(1),
            ),
            Field(
                "ef",
                "parameter",
                "Emission factor of the carbonate at full conversion",
                "完全转化时脱硫过程的排放因子",
                units=("tCO2/t",),
                default=DefaultSpec("carbonate_ef", subject_field="carbonate"),
            ),
            Field(
                "conversion",
                "fraction",
                "Conversion rate of the carbonate",
                "转化率",
                units=("fraction",),
                default=DefaultSpec("desulfurisation_conversion", subject="sorbent"),
                maximum=Decimal(1),
            ),
        ),
        compute=_desulfurisation_compute,
        formula="E = B × I × EF_t × TR",
        reference="NDRC 2013 power-generation guideline, 脱硫过程排放; GB/T 32151.1-2015",
    )
)
