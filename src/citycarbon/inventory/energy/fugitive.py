"""Fugitive emissions: coal mining and post-mining CH4; oil and natural-gas systems CH4.

References
----------
.. [1] 《省级温室气体清单编制指南（试行）》(2011) 第一章 能源活动, 煤炭开采和矿后活动逃逸排放
       (underground high-gas and low-gas mines, surface mines, post-mining; recovered and
       utilised gas deducted) and 石油和天然气系统逃逸排放.
.. [2] IPCC (2006) Vol. 2 Ch. 4 §4.1 (coal mining and handling: Tier 1/2, CH4 = EF × coal
       production × conversion factor; surface mining Eq. 4.1.7, surface post-mining Eq. 4.1.8;
       CH4 density 0.67 kg/m³ at 20 °C and 1 atm; recovered gas deducted), §4.2 (oil and natural
       gas systems, Tier 1: E = A × EF by segment, Tables 4.2.4-4.2.5).
"""

from __future__ import annotations

from typing import Final

from citycarbon.inventory.model import Category, Default, Num, Param, Values
from citycarbon.inventory.registry import register

__all__ = ["COAL_MINING", "OIL_GAS_FUGITIVE", "coal_mining_ch4", "oil_gas_ch4"]

MINE_TYPES: Final = ("underground_high_gas", "underground_low_gas", "surface")


def coal_mining_ch4(
    production: Num, ef_mining: Num, ef_post_mining: Num, recovered: Num, density: Num
) -> Num:
    """CH4 from coal mining and post-mining activities, less recovered gas [tCH4].

    Parameters
    ----------
    production : float or ndarray
        Raw coal produced P [t].
    ef_mining : float or ndarray
        Specific CH4 emission of mining EF_m [m³ CH4/t] (measured relative gas emission
        相对瓦斯涌出量 for high-gas mines, or a default).
    ef_post_mining : float or ndarray
        Post-mining (handling, storage, transport) EF_pm [m³ CH4/t].
    recovered : float or ndarray
        CH4 recovered and utilised or flared R [m³ CH4, pure].
    density : float or ndarray
        Density of CH4 ρ [kg/m³].

    Notes
    -----
    .. math:: E = \\left(P \\cdot (EF_m + EF_{pm}) - R\\right) \\cdot \\rho \\cdot 10^{-3}

    References
    ----------
    《省级温室气体清单编制指南（试行）》(2011) 第一章 煤炭开采和矿后活动逃逸排放; IPCC 2006
    Vol. 2 Ch. 4 §4.1 (Tier 1/2 equations for underground mining and post-mining, surface
    mining Eq. 4.1.7 and post-mining Eq. 4.1.8, conversion factor 0.67 × 10⁻⁶ Gg/m³).
    """
    return (production * (ef_mining + ef_post_mining) - recovered) * density / 1000


def _check_recovery(values: Values) -> list[tuple[str, str]]:
    released = values["production"] * values["ef_mining"]
    if values["recovered"] > released * (1 + 1e-9):
        return [
            (
                "recovered",
                f"more gas recovered ({values['recovered']:.6g} m3) than released by mining "
                f"({released:.6g} m3 = production × ef_mining)",
            )
        ]
    return []


COAL_MINING: Final = register(
    Category(
        id="energy.coal_mining",
        code="1B1a",
        sector="energy",
        name_en="Coal mining and post-mining (fugitive CH4)",
        name_zh="煤炭开采和矿后活动逃逸排放",
        gases=("CH4",),
        params=(
            Param(
                "mine_type",
                "choice",
                "underground_high_gas (高瓦斯矿井, incl. outburst mines), underground_low_gas "
                "(低瓦斯矿井) or surface (露天矿)",
                "矿井类型",
                choices=MINE_TYPES,
            ),
            Param(
                "production",
                "activity",
                "Raw coal produced",
                "原煤产量",
                unit=("t",),
                uncertainty_pct=5.0,
            ),
            Param(
                "ef_mining",
                "parameter",
                "CH4 emitted in mining per tonne (relative gas emission for high-gas mines)",
                "开采排放因子（高瓦斯矿井为相对瓦斯涌出量）",
                unit=("m3/t",),
                default=Default("coal_mining_ef", ("{mine_type}",)),
                uncertainty_pct=75.0,
            ),
            Param(
                "ef_post_mining",
                "parameter",
                "CH4 emitted after mining (handling, storage) per tonne",
                "矿后活动排放因子",
                unit=("m3/t",),
                default=Default("post_mining_ef", ("{mine_type}",)),
                uncertainty_pct=75.0,
            ),
            Param(
                "recovered",
                "parameter",
                "CH4 recovered and utilised or flared (pure CH4)",
                "甲烷回收利用和火炬销毁量（纯甲烷）",
                unit=("m3",),
                fallback=0.0,
                uncertainty_pct=10.0,
            ),
            Param(
                "density",
                "parameter",
                "Density of CH4",
                "甲烷密度",
                unit=("kgCH4/m3",),
                default=Default("ch4_density", ("ch4",)),
            ),
        ),
        compute=lambda v: {
            "CH4": coal_mining_ch4(
                v["production"], v["ef_mining"], v["ef_post_mining"], v["recovered"], v["density"]
            )
        },
        terms=lambda v: [
            ("CH4", 1e-3, ("production", "ef_mining", "density"), ()),
            ("CH4", 1e-3, ("production", "ef_post_mining", "density"), ()),
            ("CH4", -1e-3, ("recovered", "density"), ()),
        ],
        formula="E = (P × (EF_mining + EF_post-mining) − R) × ρ",
        reference=(
            "《省级温室气体清单编制指南（试行）》(2011) 第一章 煤炭开采和矿后活动逃逸排放; "
            "IPCC 2006 Vol. 2 Ch. 4 §4.1, Eq. 4.1.7-4.1.8"
        ),
        check=_check_recovery,
        subcategory=lambda v: (
            "1B1ai" if str(v["mine_type"]).startswith("underground") else "1B1aii"
        ),
        key_group=lambda v: "1B1a",
        subcategories={
            "1B1ai": ("井工开采", "underground mines"),
            "1B1aii": ("露天开采", "surface mines"),
        },
    )
)

#: Segments of the oil and gas system and the unit of their activity data.
SEGMENTS: Final = {
    "oil_production": "t",
    "oil_transport": "t",
    "oil_refining": "t",
    "gas_production": "10^4 Nm3",
    "gas_processing": "10^4 Nm3",
    "gas_transmission": "10^4 Nm3",
    "gas_distribution": "10^4 Nm3",
}


def oil_gas_ch4(activity: Num, emission_factor: Num) -> Num:
    """Fugitive CH4 of one segment of the oil or natural-gas system [tCH4].

    Parameters
    ----------
    activity : float or ndarray
        Activity of the segment A: crude oil produced, transported or refined [t]; natural gas
        produced, processed, transmitted or distributed [10⁴ Nm³].
    emission_factor : float or ndarray
        EF [tCH4/t] or [tCH4/10⁴ Nm³], matching ``activity``.

    Notes
    -----
    .. math:: E = A \\cdot EF

    References
    ----------
    《省级温室气体清单编制指南（试行）》(2011) 第一章 石油和天然气系统逃逸排放; IPCC 2006 Vol. 2
    Ch. 4 §4.2.2 Tier 1, Tables 4.2.4-4.2.5.
    """
    return activity * emission_factor


def _check_segment(values: Values) -> list[tuple[str, str]]:
    segment = str(values["segment"])
    unit = SEGMENTS[segment]
    problems = []
    if values.get("activity@unit") != unit:
        problems.append(("activity", f"{segment} activity is in {unit}"))
    expected = "tCH4/t" if unit == "t" else "tCH4/(10^4 Nm3)"
    if values.get("ef@unit") != expected:
        problems.append(("ef", f"{segment} factor is in {expected}"))
    return problems


OIL_GAS_FUGITIVE: Final = register(
    Category(
        id="energy.oil_gas_fugitive",
        code="1B2",
        sector="energy",
        name_en="Oil and natural-gas systems (fugitive CH4)",
        name_zh="石油和天然气系统逃逸排放",
        gases=("CH4",),
        params=(
            Param(
                "segment",
                "choice",
                "Segment of the system",
                "环节",
                choices=tuple(SEGMENTS),
            ),
            Param(
                "activity",
                "activity",
                "Crude oil [t] or natural gas [10^4 Nm3] handled by the segment",
                "活动水平（原油：吨；天然气：万立方米）",
                unit=("t", "10^4 Nm3"),
                uncertainty_pct=10.0,
            ),
            Param(
                "ef",
                "parameter",
                "CH4 emission factor of the segment",
                "排放因子",
                unit=("tCH4/t", "tCH4/(10^4 Nm3)"),
                default=Default("fugitive_ef", ("{segment}",)),
                uncertainty_pct=100.0,
            ),
        ),
        compute=lambda v: {"CH4": oil_gas_ch4(v["activity"], v["ef"])},
        terms=lambda v: [("CH4", 1.0, ("activity", "ef"), ())],
        formula="E = Σ A_segment × EF_segment",
        reference=(
            "《省级温室气体清单编制指南（试行）》(2011) 第一章 石油和天然气系统逃逸排放; IPCC 2006 "
            "Vol. 2 Ch. 4 §4.2, Tables 4.2.4-4.2.5"
        ),
        check=_check_segment,
        subcategory=lambda v: "1B2a" if str(v["segment"]).startswith("oil") else "1B2b",
        key_group=lambda v: "1B2",
        subcategories={"1B2a": ("石油", "oil"), "1B2b": ("天然气", "natural gas")},
    )
)
