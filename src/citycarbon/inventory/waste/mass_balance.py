"""Solid-waste disposal CH4 by mass balance (质量平衡法, the IPCC 1996 default method),
``waste.landfill_mass_balance`` (6A): all the CH4 the year's waste can ever produce is counted in
the year it is deposited. A site is estimated by one method only.

References
----------
.. [1] 《省级温室气体清单编制指南（试行）》(2011) 第五章 固体废弃物填埋处理 (质量平衡法).
.. [2] IPCC (1997) Revised 1996 Guidelines, Reference Manual Vol. 3 §6.2.3 (Eq. 1).
"""

from __future__ import annotations

from typing import Any, Final

from citycarbon.inventory.model import Category, Num, Values, param
from citycarbon.inventory.registry import register
from citycarbon.inventory.waste._params import (
    CH4_FRACTION,
    DOCF,
    LANDFILL_SUBCATEGORIES,
    MCF,
    OXIDATION,
    SITE,
    SITE_TYPE,
    WASTE_TYPES,
    doc,
    landfill_subcategory,
)

__all__ = ["LANDFILL_MASS_BALANCE", "landfill_ch4_potential", "mass_balance_landfill_ch4"]


def landfill_ch4_potential(mcf: Num, doc: Num, docf: Num, f: Num) -> Num:
    """Methane generation potential of waste, L0 [t CH4/t waste].

    Parameters
    ----------
    mcf, doc, docf, f : float or ndarray
        Methane correction factor, degradable organic carbon, its decomposing fraction and the
        CH4 fraction of landfill gas [fraction].

    Notes
    -----
    .. math:: L_0 = MCF \\cdot DOC \\cdot DOC_f \\cdot F \\cdot \\tfrac{16}{12}

    References
    ----------
    IPCC (1997) Revised 1996 Guidelines, Reference Manual Vol. 3 §6.2.3 (default method,
    Eq. 1); 《省级温室气体清单编制指南（试行）》 第五章 固体废弃物填埋处理 (质量平衡法).
    """
    return mcf * doc * docf * f * 16 / 12


def mass_balance_landfill_ch4(waste: Num, potential: Num, recovered: Num, oxidation: Num) -> Num:
    """Landfill CH4 by the mass-balance (default) method [t CH4].

    Parameters
    ----------
    waste : float or ndarray
        Waste landfilled in the year MSW_T × MSW_F [t].
    potential : float or ndarray
        Methane generation potential L0 [t CH4/t waste].
    recovered : float or ndarray
        CH4 recovered (flared or used) R [t CH4].
    oxidation : float or ndarray
        Oxidation factor OX [fraction].

    Notes
    -----
    .. math:: E = (MSW_T \\cdot MSW_F \\cdot L_0 - R)\\,(1 - OX)

    References
    ----------
    IPCC (1997) Revised 1996 Guidelines, Reference Manual Vol. 3 §6.2.3, Eq. 1;
    《省级温室气体清单编制指南（试行）》 第五章 固体废弃物填埋处理.
    """
    return (waste * potential - recovered) * (1 - oxidation)


def _mass_balance_values(values: Values) -> Any:
    potential = landfill_ch4_potential(values["mcf"], values["doc"], values["docf"], values["f"])
    return values["waste"] * potential


def _mass_balance_check(values: Values) -> list[tuple[str, str]]:
    generated = _mass_balance_values(values)
    if values["recovered"] > generated:
        return [
            (
                "recovered",
                f"{values['recovered']:.6g} t CH4 recovered exceeds the {generated:.6g} t "
                "the waste can generate",
            )
        ]
    return []


def _mass_balance_compute(values: Values) -> dict[str, Any]:
    potential = landfill_ch4_potential(values["mcf"], values["doc"], values["docf"], values["f"])
    return {
        "CH4": mass_balance_landfill_ch4(
            values["waste"], potential, values["recovered"], values["oxidation"]
        )
    }


LANDFILL_MASS_BALANCE: Final = register(
    Category(
        id="waste.landfill_mass_balance",
        code="6A",
        sector="waste",
        name_en="Solid waste disposal: CH4 by mass balance (default method)",
        name_zh="固体废弃物填埋处理 CH4（质量平衡法）",
        gases=("CH4",),
        params=(
            SITE,
            SITE_TYPE,
            param(
                "waste_type",
                "choice",
                "Waste component (for the DOC default)",
                "废弃物成分",
                choices=WASTE_TYPES,
                required=False,
            ),
            param("waste", "activity", "Waste landfilled in the year", "填埋量", ("t",), pct=30.0),
            doc(("{waste_type}",)),
            DOCF,
            MCF,
            CH4_FRACTION,
            param(
                "recovered",
                "activity",
                "CH4 recovered (flared or used)",
                "甲烷回收量",
                ("tCH4",),
                fallback=0.0,
            ),
            OXIDATION,
        ),
        compute=_mass_balance_compute,
        formula="CH4 = (W × MCF × DOC × DOCf × F × 16/12 − R) × (1 − OX)",
        reference=(
            "IPCC 1996 Revised Reference Manual Vol. 3 §6.2.3 Eq. 1 (default method); 《省级温室"
            "气体清单编制指南（试行）》(2011) 第五章 固体废弃物填埋处理 (质量平衡法)"
        ),
        check=_mass_balance_check,
        subcategory=landfill_subcategory,
        subcategories=LANDFILL_SUBCATEGORIES,
    )
)
