"""Waste incineration (废弃物焚烧处理): CO2 from the fossil carbon of waste burnt,
``waste.incineration`` (6C); biogenic carbon is not counted.

References
----------
.. [1] 《省级温室气体清单编制指南（试行）》(2011) 第五章 废弃物焚烧处理 CO2.
.. [2] IPCC (2006) Vol. 5 Ch. 5 (Eq. 5.1).
"""

from __future__ import annotations

from typing import Any, Final

from citycarbon.inventory.model import Category, Num, Values, param
from citycarbon.inventory.registry import register

__all__ = ["INCINERATED_WASTE", "INCINERATION", "incineration_co2"]

#: Waste incinerated, with the provincial guideline's carbon content, fossil fraction and
#: burn-out efficiency defaults (see inventory_waste.csv).
INCINERATED_WASTE: Final = ("msw", "hazardous", "clinical", "sewage_sludge", "plastics")


def incineration_co2(waste: Num, carbon_content: Num, fossil_fraction: Num, oxidation: Num) -> Num:
    """Fossil CO2 from waste incineration [t CO2].

    Parameters
    ----------
    waste : float or ndarray
        Waste incinerated IW [t, wet weight].
    carbon_content : float or ndarray
        Carbon content of the waste as incinerated CCW [fraction of wet weight]; from IPCC
        data it is dry-matter content × carbon fraction of dry matter.
    fossil_fraction : float or ndarray
        Fossil share of the carbon FCF [fraction].
    oxidation : float or ndarray
        Burn-out (oxidation) efficiency EF / OF [fraction].

    Notes
    -----
    .. math:: E_{CO_2} = IW \\cdot CCW \\cdot FCF \\cdot EF \\cdot \\tfrac{44}{12}

    Biogenic carbon (1 − FCF) is not counted.

    References
    ----------
    《省级温室气体清单编制指南（试行）》 第五章 废弃物焚烧处理 CO2; IPCC (2006) Vol. 5 Ch. 5
    Eq. 5.1 (with CCW = dm × CF).
    """
    return waste * carbon_content * fossil_fraction * oxidation * 44 / 12


def _incineration_compute(values: Values) -> dict[str, Any]:
    return {
        "CO2": incineration_co2(
            values["waste"],
            values["carbon_content"],
            values["fossil_fraction"],
            values["oxidation"],
        )
    }


INCINERATION: Final = register(
    Category(
        id="waste.incineration",
        code="6C",
        sector="waste",
        name_en="Waste incineration: fossil CO2",
        name_zh="废弃物焚烧处理 CO2（化石碳）",
        gases=("CO2",),
        params=(
            param(
                "waste_type",
                "choice",
                "Waste incinerated",
                "焚烧废弃物种类",
                choices=INCINERATED_WASTE,
            ),
            param("waste", "activity", "Waste incinerated (wet)", "焚烧量", ("t",), pct=10.0),
            param(
                "carbon_content",
                "fraction",
                "Carbon content of the waste as incinerated (wet basis)",
                "废弃物中的碳含量比例",
                default=("incineration_carbon_content", ("{waste_type}",)),
                pct=30.0,
            ),
            param(
                "fossil_fraction",
                "fraction",
                "Fossil share of the carbon",
                "矿物碳在碳总量中比例",
                default=("incineration_fossil_fraction", ("{waste_type}",)),
                pct=30.0,
            ),
            param(
                "oxidation",
                "fraction",
                "Burn-out efficiency (oxidation factor)",
                "焚烧炉的燃烧效率",
                default=("incineration_oxidation", ("{waste_type}", "incinerator")),
                pct=5.0,
            ),
        ),
        compute=_incineration_compute,
        formula="CO2 = IW × CCW × FCF × EF × 44/12 (fossil carbon only)",
        reference=(
            "《省级温室气体清单编制指南（试行）》(2011) 第五章 废弃物焚烧处理; IPCC 2006 Vol. 5 "
            "Ch. 5 Eq. 5.1"
        ),
        terms=lambda values: [
            (
                "CO2",
                44 / 12,
                ("waste", "carbon_content", "fossil_fraction", "oxidation"),
                (),
            )
        ],
    )
)
