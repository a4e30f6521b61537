"""Chemical process emissions: carbon mass balance, nitric and adipic acid N2O, catalyst coke.

References
----------
.. [1] NDRC (2013) 中国化工生产企业温室气体排放核算方法与报告指南（试行）: 化石燃料和其它碳氢
       化合物用作原材料产生的排放 (carbon mass balance), 硝酸生产过程 and 己二酸生产过程 N2O
       (E = Σ AD × EF × (1 − η × μ)); GB/T 32151.10-2015.
.. [2] NDRC (2014) 中国石油化工企业温室气体排放核算方法与报告指南（试行）: 催化裂化装置 and other
       units' continuous coke burn-off, E = MC × CF × OF × 44/12.
.. [3] The carbon-balance term recurs in the iron and steel, coking, flat-glass (carbon powder)
       and magnesium (reductant) guidelines.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

import numpy as np

from citycarbon.accounting.model import DefaultSpec, Field, Num, SourceType, Value, num
from citycarbon.accounting.sources.registry import register

__all__ = [
    "ADIPIC_ACID_TECHNOLOGIES",
    "DIRECTIONS",
    "NITRIC_ACID_TECHNOLOGIES",
    "carbon_stream_co2",
    "catalyst_coke_co2",
    "n2o_production_t",
]

DIRECTIONS: Final = ("input", "output")

#: Nitric acid processes with a default N2O generation factor (chemicals guideline table).
NITRIC_ACID_TECHNOLOGIES: Final = (
    "high_pressure", "medium_pressure", "atmospheric_pressure", "dual_pressure", "combined",
    "low_pressure",
)  # fmt: skip
NITRIC_ABATEMENT: Final = ("nscr", "scr", "extended_absorption")

ADIPIC_ACID_TECHNOLOGIES: Final = ("nitric_acid_oxidation", "other")
ADIPIC_ABATEMENT: Final = (
    "catalytic_destruction", "thermal_destruction", "recycle_to_nitric_acid",
    "recycle_to_adipic_acid",
)  # fmt: skip


def carbon_stream_co2(quantity: Num, carbon_content: Num) -> Num:
    """CO2 equivalent of the carbon carried by one material stream [tCO2].

    Parameters
    ----------
    quantity : Decimal
        Amount of the material AD [t], or [10⁴ Nm³] for gases.
    carbon_content : Decimal
        Carbon content CC [tC/t], or [tC/10⁴ Nm³], matching ``quantity``.

    Returns
    -------
    Decimal
        Carbon of the stream expressed as CO2 [tCO2]; positive for every stream. A report line
        of an *output* stream (product, by-product, waste carrying carbon out) counts it negative.

    Notes
    -----
    .. math::

        E = \\left(\\sum_r AD_r CC_r - \\sum_p AD_p CC_p - \\sum_w AD_w CC_w\\right)
            \\cdot \\tfrac{44}{12}

    computed one stream at a time: each input adds ``AD·CC·44/12``, each output subtracts it.

    References
    ----------
    NDRC 2013 chemicals guideline, 化石燃料和其它碳氢化合物用作原材料产生的排放 (inputs r,
    products p, wastes w); GB/T 32151.10-2015; the same balance in the iron and steel,
    coking and petrochemicals guidelines.
    """
    return quantity * carbon_content * 44 / 12


def n2o_production_t(production: Num, factor: Num, removal: Num, usage: Num) -> Num:
    """N2O emitted by nitric acid or adipic acid production [tN2O].

    Parameters
    ----------
    production : Decimal
        Acid produced AD [t].
    factor : Decimal
        N2O generation factor of the process EF [kgN2O/t acid].
    removal : Decimal
        N2O removal efficiency of the abatement technology η [fraction].
    usage : Decimal
        Usage rate of the abatement equipment μ [fraction].

    Returns
    -------
    Decimal
        Emissions of N2O [t].

    Notes
    -----
    .. math:: E_{N_2O} = AD \\cdot EF \\cdot (1 - \\eta \\cdot \\mu) \\cdot 10^{-3}

    References
    ----------
    NDRC 2013 chemicals guideline, 硝酸生产过程 and 己二酸生产过程 N2O emissions (the same form
    for both); GB/T 32151.10-2015.
    """
    return production * factor * (1 - removal * usage) / 1000


def catalyst_coke_co2(coke: Num, carbon_content: Num, oxidation: Num) -> Num:
    """CO2 from burning coke off catalysts in continuous regeneration [tCO2].

    Parameters
    ----------
    coke : Decimal
        Coke burnt off the catalyst MC [t].
    carbon_content : Decimal
        Carbon content of the coke CF [fraction].
    oxidation : Decimal
        Carbon oxidation rate of the burn-off OF [fraction].

    Returns
    -------
    Decimal
        Emissions E [tCO2].

    Notes
    -----
    .. math:: E = MC \\cdot CF \\cdot OF \\cdot \\tfrac{44}{12}

    References
    ----------
    NDRC 2014 petrochemicals guideline, 催化裂化装置 (and other units with continuous coke
    burn-off) catalyst regeneration emissions.
    """
    return coke * carbon_content * oxidation * 44 / 12


# ---------------------------------------------------------------------- carbon_mass_balance


def _sign(direction: Value) -> Any:
    """+1 for an input stream, −1 for an output (a string, or an array of them in bulk mode)."""
    if isinstance(direction, str):
        return -1 if direction == "output" else 1
    return np.where(np.asarray(direction) == "output", -1.0, 1.0)


def _balance_compute(values: Mapping[str, Value]) -> dict[str, Any]:
    stream = carbon_stream_co2(num(values, "quantity"), num(values, "carbon_content"))
    return {"CO2": _sign(values["direction"]) * stream}


_CARBON_UNIT: Final = {"t": "tC/t", "10^4 Nm3": "tC/(10^4 Nm3)"}


def _balance_check(values: Mapping[str, Value]) -> list[tuple[str, str]]:
    unit, cc_unit = values.get("quantity@unit"), values.get("carbon_content@unit")
    if isinstance(unit, str) and cc_unit is not None and _CARBON_UNIT.get(unit) != cc_unit:
        return [(
            "carbon_content",
            f"the quantity is in {unit}, so the carbon content must be in {_CARBON_UNIT[unit]}",
        )]  # fmt: skip
    return []


CARBON_MASS_BALANCE = register(
    SourceType(
        id="carbon_mass_balance",
        name_en="Carbon mass balance of raw materials, products and wastes",
        name_zh="碳质量平衡（原材料输入、产品及废物输出）",
        gases=("CO2",),
        fields=(
            Field(
                "direction",
                "choice",
                "input (carbon entering the process) or output (product, by-product, waste)",
                "碳输入（原材料）或碳输出（产品、副产品、废物）",
                choices=lambda: DIRECTIONS,
            ),
            Field(
                "quantity",
                "activity",
                "Amount of the material: t, or 10^4 Nm3 for gases",
                "物料数量（吨；气体：万标准立方米）",
                units=("t", "10^4 Nm3"),
            ),
            Field(
                "carbon_content",
                "parameter",
                "Carbon content of the material",
                "物料含碳量",
                units=("tC/t", "tC/(10^4 Nm3)"),
            ),
        ),
        compute=_balance_compute,
        check=_balance_check,
        formula="E = ±AD × CC × 44/12 (inputs +, outputs −)",
        reference=(
            "NDRC 2013 chemicals guideline, 化石燃料和其它碳氢化合物用作原材料; "
            "GB/T 32151.10-2015; iron and steel, coking, petrochemicals guidelines"
        ),
    )
)


# ------------------------------------------------------------- nitric_acid_n2o, adipic_acid_n2o


def _n2o_compute(values: Mapping[str, Value]) -> dict[str, Any]:
    return {
        "N2O": n2o_production_t(
            num(values, "quantity"),
            num(values, "ef"),
            num(values, "removal"),
            num(values, "usage"),
        )
    }


def _n2o_check(values: Mapping[str, Value]) -> list[tuple[str, str]]:
    if "removal" not in values:
        return [(
            "abatement",
            "give the measured removal efficiency, or the abatement technology for its default "
            "(write removal: 0 % when the plant has no N2O abatement)",
        )]  # fmt: skip
    return []


def _n2o_source(
    source_id: str,
    acid_en: str,
    acid_zh: str,
    technologies: tuple[str, ...],
    abatement: tuple[str, ...],
) -> SourceType:
    return SourceType(
        id=source_id,
        name_en=f"{acid_en} production N2O",
        name_zh=f"{acid_zh}生产过程N2O排放",
        gases=("N2O",),
        fields=(
            Field(
                "technology",
                "choice",
                "Production process: " + ", ".join(technologies),
                f"{acid_zh}生产工艺类型",
                choices=lambda: technologies,
            ),
            Field("quantity", "activity", f"{acid_en} produced", f"{acid_zh}产量", units=("t",)),
            Field(
                "ef",
                "parameter",
                "N2O generation factor",
                "N2O生成因子",
                units=("kgN2O/t",),
                default=DefaultSpec(f"{source_id}_ef", subject_field="technology"),
            ),
            Field(
                "abatement",
                "choice",
                "N2O abatement technology (for the default removal efficiency): "
                + ", ".join(abatement),
                "N2O尾气处理技术（确定缺省去除率）",
                required=False,
                choices=lambda: abatement,
            ),
            Field(
                "removal",
                "fraction",
                "N2O removal efficiency of the abatement technology",
                "N2O去除率",
                units=("fraction",),
                default=DefaultSpec(f"{source_id}_removal", subject_field="abatement"),
                maximum=Decimal(1),
            ),
            Field(
                "usage",
                "fraction",
                "Usage rate of the abatement equipment",
                "尾气处理设备使用率",
                units=("fraction",),
                maximum=Decimal(1),
            ),
        ),
        compute=_n2o_compute,
        check=_n2o_check,
        formula="E_N2O = AD × EF × (1 − η × μ) / 1000",
        reference=(f"NDRC 2013 chemicals guideline, {acid_zh}生产过程N2O排放; GB/T 32151.10-2015"),
    )


NITRIC_ACID_N2O = register(
    _n2o_source(
        "nitric_acid_n2o", "Nitric acid", "硝酸", NITRIC_ACID_TECHNOLOGIES, NITRIC_ABATEMENT
    )
)
ADIPIC_ACID_N2O = register(
    _n2o_source(
        "adipic_acid_n2o", "Adipic acid", "己二酸", ADIPIC_ACID_TECHNOLOGIES, ADIPIC_ABATEMENT
    )
)


# ---------------------------------------------------------------------- catalyst_regeneration


def _catalyst_compute(values: Mapping[str, Value]) -> dict[str, Any]:
    return {
        "CO2": catalyst_coke_co2(
            num(values, "quantity"), num(values, "carbon_content"), num(values, "oxidation")
        )
    }


CATALYST_REGENERATION = register(
    SourceType(
        id="catalyst_regeneration",
        name_en="Catalyst regeneration: continuous coke burn-off",
        name_zh="催化剂烧焦再生（连续烧焦）",
        gases=("CO2",),
        fields=(
            Field(
                "quantity",
                "activity",
                "Coke burnt off the catalyst",
                "催化剂烧焦量",
                units=("t",),
            ),
            Field(
                "carbon_content",
                "fraction",
                "Carbon content of the coke",
                "焦层含碳量",
                units=("fraction",),
                default=DefaultSpec("catalyst_coke_carbon_content", subject="catalyst_coke"),
                maximum=Decimal(1),
            ),
            Field(
                "oxidation",
                "fraction",
                "Carbon oxidation rate of the burn-off",
                "烧焦过程碳氧化率",
                units=("fraction",),
                default=DefaultSpec("catalyst_coke_oxidation", subject="catalyst_coke"),
                maximum=Decimal(1),
            ),
        ),
        compute=_catalyst_compute,
        formula="E = MC × CF × OF × 44/12",
        reference="NDRC 2014 petrochemicals guideline, 催化裂化装置催化剂烧焦 (continuous)",
    )
)
