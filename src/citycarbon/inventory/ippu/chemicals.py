"""Chemical industry: calcium carbide CO2 (2B4), adipic acid N2O (2B3), nitric acid N2O (2B2),
HCFC-22 production HFC-23 (2E1).

The adipic-acid factor's default uncertainty ±10 % is IPCC 2006 Table 3.4's, recalled [R].

References
----------
.. [1] 《省级温室气体清单编制指南（试行）》(2011) 第二章 工业生产过程: 电石生产过程 CO2,
       己二酸生产过程 N2O, 硝酸生产过程 N2O, 一氯二氟甲烷(HCFC-22)生产过程 HFC-23.
.. [2] IPCC (2006) Vol. 3 Ch. 3: Eq. 3.5, 3.6 and Table 3.3 (nitric acid), Eq. 3.7 and Table 3.4
       (adipic acid), Eq. 3.11 and Table 3.8 (carbide), Eq. 3.31 and Table 3.28 (HCFC-22).
"""

from __future__ import annotations

from typing import Any, Final

from citycarbon.inventory.model import Category, Num, Values, param
from citycarbon.inventory.registry import register

__all__ = [
    "ADIPIC_ACID",
    "CARBIDE",
    "HCFC22",
    "NITRIC_ACID",
    "NITRIC_ACID_TECHNOLOGIES",
    "carbide_co2",
    "hfc23_byproduct",
    "process_n2o",
]

#: Nitric-acid plant types of the provincial guideline's factor table.
NITRIC_ACID_TECHNOLOGIES: Final = (
    "high_pressure",
    "medium_pressure",
    "atmospheric_pressure",
    "dual_pressure",
    "combined",
    "low_pressure",
)


def carbide_co2(production: Num, ef: Num) -> Num:
    """Process CO2 of calcium-carbide production [t CO2].

    Parameters
    ----------
    production : float or ndarray
        Calcium carbide produced [t].
    ef : float or ndarray
        Emission factor [t CO2/t carbide].

    Notes
    -----
    .. math:: E_{CO_2} = AD \\cdot EF

    References
    ----------
    《省级温室气体清单编制指南（试行）》(2011) 第二章 电石生产过程; IPCC (2006) Vol. 3 Ch. 3
    Eq. 3.11, Table 3.8.
    """
    return production * ef


def process_n2o(production: Num, ef_kg: Num, destruction: Num, utilisation: Num) -> Num:
    """N2O of nitric or adipic acid production [t N2O].

    Parameters
    ----------
    production : float or ndarray
        Acid produced [t].
    ef_kg : float or ndarray
        N2O generated per tonne of acid EF [kg N2O/t].
    destruction : float or ndarray
        Destruction factor of the abatement technology DF [fraction].
    utilisation : float or ndarray
        Abatement system utilisation factor ASUF [fraction].

    Notes
    -----
    .. math:: E_{N_2O} = P \\cdot EF \\cdot 10^{-3} \\cdot (1 - DF \\cdot ASUF)

    References
    ----------
    IPCC (2006) Vol. 3 Ch. 3 Eq. 3.6 (nitric acid, Tier 2) and Eq. 3.8 (adipic acid, Tier 2);
    《省级温室气体清单编制指南（试行）》(2011) 第二章 硝酸生产过程, 己二酸生产过程.
    """
    return production * ef_kg * (1 - destruction * utilisation) / 1000


def hfc23_byproduct(production: Num, ef: Num, destroyed: Num) -> Num:
    """HFC-23 emitted as a by-product of HCFC-22 production [t HFC-23].

    Parameters
    ----------
    production : float or ndarray
        HCFC-22 produced [t].
    ef : float or ndarray
        HFC-23 generated per HCFC-22 produced [fraction, t/t].
    destroyed : float or ndarray
        HFC-23 destroyed or recovered [t].

    Notes
    -----
    .. math:: E_{HFC-23} = P_{HCFC-22} \\cdot EF - D

    References
    ----------
    《省级温室气体清单编制指南（试行）》(2011) 第二章 HCFC-22生产过程; IPCC (2006) Vol. 3 Ch. 3
    Eq. 3.30 (Tier 1), 3.31, Table 3.28.
    """
    return production * ef - destroyed


def _carbide(values: Values) -> dict[str, Any]:
    return {"CO2": carbide_co2(values["production"], values["ef"])}


def _n2o(values: Values) -> dict[str, Any]:
    return {
        "N2O": process_n2o(
            values["production"], values["ef"], values["destruction"], values["utilisation"]
        )
    }


def _hfc23(values: Values) -> dict[str, Any]:
    return {"HFC23": hfc23_byproduct(values["production"], values["ef"], values["destroyed"])}


def _hfc23_check(values: Values) -> list[tuple[str, str]]:
    generated = values["production"] * values["ef"]
    if values["destroyed"] > generated:
        return [
            (
                "destroyed",
                f"{values['destroyed']:.6g} t destroyed exceeds the {generated:.6g} t HFC-23 "
                "generated",
            )
        ]
    return []


def _abatement() -> tuple[Any, ...]:
    return (
        param(
            "destruction",
            "fraction",
            "Destruction factor of the N2O abatement (0 without abatement)",
            "N2O去除率",
            fallback=0.0,
        ),
        param(
            "utilisation",
            "fraction",
            "Utilisation of the abatement system (share of production time it runs)",
            "尾气处理设备使用率",
            fallback=1.0,
        ),
    )


CARBIDE: Final = register(
    Category(
        id="ippu.calcium_carbide",
        code="2B4",
        sector="ippu",
        name_en="Calcium carbide production: process CO2",
        name_zh="电石生产过程 CO2",
        gases=("CO2",),
        params=(
            param("production", "activity", "Calcium carbide produced", "电石产量", ("t",)),
            param(
                "ef",
                "parameter",
                "Emission factor per tonne of carbide",
                "电石排放因子",
                ("tCO2/t",),
                default=("carbide_ef", ("calcium_carbide",)),
            ),
        ),
        compute=_carbide,
        formula="CO2 = calcium carbide produced × EF",
        reference=(
            "《省级温室气体清单编制指南（试行）》(2011) 第二章 电石生产过程; IPCC 2006 Vol. 3 "
            "Ch. 3 Eq. 3.11, Table 3.8"
        ),
        terms=lambda values: [("CO2", 1.0, ("production", "ef"), ())],
    )
)

ADIPIC_ACID: Final = register(
    Category(
        id="ippu.adipic_acid",
        code="2B3",
        sector="ippu",
        name_en="Adipic acid production: N2O",
        name_zh="己二酸生产过程 N2O",
        gases=("N2O",),
        params=(
            param("production", "activity", "Adipic acid produced", "己二酸产量", ("t",)),
            param(
                "ef",
                "parameter",
                "N2O generated per tonne of adipic acid",
                "己二酸N2O生成因子",
                ("kgN2O/t",),
                default=("adipic_acid_n2o_ef", ("adipic_acid",)),
                pct=10.0,
            ),
            *_abatement(),
        ),
        compute=_n2o,
        formula="N2O = P × EF × (1 − DF × ASUF)",
        reference=(
            "《省级温室气体清单编制指南（试行）》(2011) 第二章 己二酸生产过程; IPCC 2006 Vol. 3 "
            "Ch. 3 Eq. 3.8, Table 3.4"
        ),
    )
)

NITRIC_ACID: Final = register(
    Category(
        id="ippu.nitric_acid",
        code="2B2",
        sector="ippu",
        name_en="Nitric acid production: N2O",
        name_zh="硝酸生产过程 N2O",
        gases=("N2O",),
        params=(
            param(
                "technology",
                "choice",
                "Plant type (pressure of the process)",
                "硝酸生产技术",
                choices=NITRIC_ACID_TECHNOLOGIES,
            ),
            param("production", "activity", "Nitric acid produced (100 %)", "硝酸产量", ("t",)),
            param(
                "ef",
                "parameter",
                "N2O generated per tonne of nitric acid (before abatement)",
                "硝酸N2O生成因子",
                ("kgN2O/t",),
                default=("nitric_acid_n2o_ef", ("{technology}",)),
            ),
            *_abatement(),
        ),
        compute=_n2o,
        formula="N2O = P × EF_technology × (1 − DF × ASUF)",
        reference=(
            "《省级温室气体清单编制指南（试行）》(2011) 第二章 硝酸生产过程; IPCC 2006 Vol. 3 "
            "Ch. 3 Eq. 3.6, Table 3.3"
        ),
    )
)

HCFC22: Final = register(
    Category(
        id="ippu.hcfc22",
        code="2E1",
        sector="ippu",
        name_en="HCFC-22 production: HFC-23 by-product",
        name_zh="一氯二氟甲烷(HCFC-22)生产过程 HFC-23",
        gases=("HFC23",),
        params=(
            param("production", "activity", "HCFC-22 produced", "HCFC-22产量", ("t",)),
            param(
                "ef",
                "fraction",
                "HFC-23 generated per tonne of HCFC-22",
                "HFC-23生成因子",
                default=("hfc23_generation_rate", ("HCFC22",)),
            ),
            param(
                "destroyed",
                "activity",
                "HFC-23 destroyed or recovered",
                "HFC-23回收销毁量",
                ("tHFC23",),
                fallback=0.0,
            ),
        ),
        compute=_hfc23,
        formula="HFC-23 = P_HCFC-22 × EF − destroyed",
        reference=(
            "《省级温室气体清单编制指南（试行）》(2011) 第二章 HCFC-22生产过程; IPCC 2006 Vol. 3 "
            "Ch. 3 Eq. 3.30, 3.31, Table 3.28"
        ),
        check=_hfc23_check,
        terms=lambda values: [
            ("HFC23", 1.0, ("production", "ef"), ()),
            ("HFC23", -1.0, ("destroyed",), ()),
        ],
    )
)
