"""Shared pieces of the waste categories: the landfill vocabulary
(site types, waste components, climate zones), the parameters both landfill methods read and the
landfill reporting sub-categories."""

from __future__ import annotations

from typing import Final

from citycarbon.inventory.model import Param, Values, param

__all__ = [
    "CH4_FRACTION",
    "CLIMATES",
    "DOCF",
    "LANDFILL_SUBCATEGORIES",
    "MCF",
    "OXIDATION",
    "SITE",
    "SITE_TYPE",
    "SITE_TYPES",
    "WASTE_TYPES",
    "doc",
    "landfill_subcategory",
]

#: Site types of solid-waste disposal (IPCC 2006 Vol. 5 Table 3.1; the provincial guideline uses
#: the same classes: 管理的厌氧/准好氧, 非管理的深/浅, 未分类).
SITE_TYPES: Final = (
    "managed_anaerobic",
    "managed_semi_aerobic",
    "unmanaged_deep",
    "unmanaged_shallow",
    "uncategorised",
)
#: Waste components with IPCC 2006 DOC and decay-rate defaults (Vol. 5 Tables 2.4 and 3.3).
WASTE_TYPES: Final = (
    "food",
    "garden",
    "paper",
    "wood",
    "textiles",
    "nappies",
)
#: Climate zones of the decay-rate table (IPCC 2006 Vol. 5 Table 3.3): boreal and temperate
#: (mean annual temperature ≤ 20 °C) or tropical, dry or wet (MAP/PET below or above 1; in the
#: tropics MAP below or above 1000 mm).
CLIMATES: Final = ("temperate_dry", "temperate_wet", "tropical_dry", "tropical_wet")


SITE = param(
    "site",
    "choice",
    "Disposal site (a free label; deposit histories are checked per site)",
    "填埋场（名称）",
    required=False,
)
SITE_TYPE = param("site_type", "choice", "Type of disposal site", "填埋场类型", choices=SITE_TYPES)
DOCF = param(
    "docf",
    "fraction",
    "Fraction of DOC that decomposes",
    "可分解的DOC比例",
    default=("swds_docf", ("{waste_type}", "msw")),
    pct=20.0,
)
MCF = param(
    "mcf",
    "fraction",
    "Methane correction factor of the site",
    "甲烷修正因子",
    default=("swds_mcf", ("{site_type}",)),
    pct=10.0,
)
CH4_FRACTION = param(
    "f",
    "fraction",
    "Fraction of CH4 in landfill gas (by volume)",
    "填埋气体中的甲烷比例",
    default=("landfill_gas_ch4_fraction", ("landfill_gas",)),
    pct=5.0,
)
OXIDATION = param(
    "oxidation",
    "fraction",
    "Oxidation factor of the cover",
    "氧化因子",
    default=("swds_oxidation", ("{site_type}",)),
)


def doc(subjects: tuple[str, ...]) -> Param:
    """The degradable-organic-carbon parameter, its default looked up for ``subjects``."""
    return param(
        "doc",
        "fraction",
        "Degradable organic carbon of the waste (wet weight)",
        "可降解有机碳含量（湿基）",
        default=("waste_doc", subjects),
        pct=20.0,
    )


def landfill_subcategory(values: Values) -> str:
    """The reporting sub-category of a landfill line: managed 6A1, unmanaged 6A2, other 6A3."""
    site_type = str(values.get("site_type", ""))
    if site_type.startswith("managed"):
        return "6A1"
    if site_type.startswith("unmanaged"):
        return "6A2"
    return "6A3"


LANDFILL_SUBCATEGORIES: Final = {
    "6A1": ("管理的废弃物处置场", "managed waste disposal on land"),
    "6A2": ("非管理的废弃物处置场", "unmanaged waste disposal sites"),
    "6A3": ("其他（未分类）", "other (uncategorised)"),
}
