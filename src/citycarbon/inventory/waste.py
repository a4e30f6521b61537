"""Waste (废弃物处理): landfill CH4, wastewater CH4 and N2O, incineration CO2.

Categories
----------
``waste.landfill_fod`` (6A)
    Solid-waste disposal CH4 by first-order decay over the deposit history. A line is the waste
    of one type deposited at one site in one year; the inventory year's emissions are the sum of
    what every earlier deposit decomposes in that year. The deposit history is checked as a whole
    (:func:`check_deposit_history`): a site without deposits before the inventory year, a year
    missing in its history, or a year given twice is refused with the sheet, row and column.
``waste.landfill_mass_balance`` (6A)
    The mass-balance (IPCC 1996 default) method: all the CH4 the year's waste can ever produce is
    counted in the year it is deposited. A site is estimated by one method only.
``waste.wastewater_domestic`` (6B2), ``waste.wastewater_industrial`` (6B1)
    CH4 from the organic load (BOD or COD) of wastewater, by treatment or discharge system.
``waste.wastewater_n2o`` (6B2)
    N2O from the nitrogen in domestic effluent (protein consumption of the population).
``waste.incineration`` (6C)
    CO2 from the fossil carbon of waste burnt; biogenic carbon is not counted.

Default uncertainties (``uncertainty_pct``, half-width of the 95 % interval) are IPCC's:
DOC and DOCf ±20 %, MCF ±10 %, F ±5 %, waste deposited ±30 % (IPCC 2006 Vol. 5 Table 3.5);
B0 ±30 % (Table 6.2's range 0.42-0.78 for 0.6); the wastewater organic load ±30 % and the
incineration carbon content and fossil fraction ±30 % are recalled from Vol. 5 Ch. 5-6 [R].

References
----------
.. [1] 国家发展改革委办公厅 (2011) 《省级温室气体清单编制指南（试行）》, 第五章 废弃物处理
       (固体废弃物填埋处理 CH4, 生活污水和工业废水处理 CH4, 废水处理 N2O, 废弃物焚烧 CO2).
.. [2] IPCC (1997) Revised 1996 IPCC Guidelines, Reference Manual Vol. 3, Ch. 6 (Waste).
.. [3] IPCC (2006) 2006 IPCC Guidelines, Vol. 5: Ch. 3 (solid waste disposal, Eq. 3.1-3.6,
       Tables 3.1-3.3, 2.4), Ch. 5 (incineration, Eq. 5.1), Ch. 6 (wastewater, Eq. 6.1-6.8,
       Tables 6.2, 6.3, 6.8, 6.11).
"""

from __future__ import annotations

import math
from typing import Any, Final

import numpy as np

from citycarbon.inventory.engine import Compilation, register_check
from citycarbon.inventory.model import (
    Category,
    Default,
    InventoryError,
    Location,
    Num,
    Param,
    ParamKind,
    Term,
    Values,
)
from citycarbon.inventory.registry import register

__all__ = [
    "CLIMATES",
    "INCINERATED_WASTE",
    "INCINERATION",
    "LANDFILL_FOD",
    "LANDFILL_MASS_BALANCE",
    "SITE_TYPES",
    "WASTEWATER_DOMESTIC",
    "WASTEWATER_INDUSTRIAL",
    "WASTEWATER_N2O",
    "WASTE_TYPES",
    "check_deposit_history",
    "ddocm_deposited",
    "decay_rate_from_half_life",
    "fod_decomposed_fraction",
    "fod_landfill_ch4",
    "fod_landfill_ch4_series",
    "incineration_co2",
    "landfill_ch4_emitted",
    "landfill_ch4_generated",
    "landfill_ch4_potential",
    "mass_balance_landfill_ch4",
    "wastewater_ch4",
    "wastewater_effluent_n2o",
    "wastewater_effluent_nitrogen",
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
#: Wastewater treatment and discharge systems with a methane correction factor default.
SYSTEMS: Final = (
    "aerobic_well_managed",
    "aerobic_poorly_managed",
    "anaerobic_reactor",
    "anaerobic_sludge_digester",
    "anaerobic_shallow_lagoon",
    "anaerobic_deep_lagoon",
    "septic_system",
    "latrine_dry",
    "latrine_wet",
    "sewer_stagnant",
    "sewer_flowing",
    "discharge_sea_river_lake",
)
#: Waste incinerated, with the provincial guideline's carbon content, fossil fraction and
#: burn-out efficiency defaults (see inventory_waste.csv).
INCINERATED_WASTE: Final = ("msw", "hazardous", "clinical", "sewage_sludge", "plastics")

_CH4_PER_C: Final = 16 / 12
_CO2_PER_C: Final = 44 / 12
_N2O_PER_N2: Final = 44 / 28


# -- formulas ----------------------------------------------------------------------------------


def decay_rate_from_half_life(half_life_yr: float) -> float:
    """Decay rate constant of first-order decay from a half-life [1/yr].

    Parameters
    ----------
    half_life_yr : float
        Time for half of the decomposable carbon to decay, t½ [yr].

    Notes
    -----
    .. math:: k = \\frac{\\ln 2}{t_{1/2}}

    References
    ----------
    IPCC (2006) Vol. 5 Ch. 3 §3.2.1.1 (the reaction constant and the half-life).
    """
    return math.log(2) / half_life_yr


def ddocm_deposited(waste: Num, doc: Num, docf: Num, mcf: Num) -> Num:
    """Decomposable degradable organic carbon in waste deposited [t C].

    Parameters
    ----------
    waste : float or ndarray
        Waste deposited W [t] (wet weight, matching ``doc``).
    doc : float or ndarray
        Degradable organic carbon DOC [fraction of the waste].
    docf : float or ndarray
        Fraction of DOC that decomposes DOCf [fraction].
    mcf : float or ndarray
        Methane correction factor of the site MCF [fraction].

    Notes
    -----
    .. math:: DDOCm = W \\cdot DOC \\cdot DOC_f \\cdot MCF

    References
    ----------
    IPCC (2006) Vol. 5 Ch. 3 Eq. 3.2.
    """
    return waste * doc * docf * mcf


def fod_decomposed_fraction(k: Num, age_yr: Num) -> Num:
    """Share of a deposit's DDOCm that decomposes in the year ``age_yr`` years after deposit.

    Parameters
    ----------
    k : float or ndarray
        Decay rate constant [1/yr].
    age_yr : float or ndarray
        Inventory year minus deposit year, a whole number ≥ 0 [yr].

    Returns
    -------
    float or ndarray
        The fraction of the DDOCm deposited that decomposes in the inventory year: 0 in the year
        of deposit, :math:`1 - e^{-k}` the year after, and so on.

    Notes
    -----
    Waste deposited in year *x* starts to decay on 1 January of *x + 1* (IPCC's convention), so
    the mass left at the end of year *T* is :math:`e^{-k\\,(T-x)}` of the deposit and the mass
    decomposed in *T* is

    .. math:: f(a) = e^{-k\\,m} - e^{-k\\,a}, \\qquad a = T - x, \\quad
              m = \\max(a - 1, 0) = \\tfrac{1}{2}\\,(a - 1 + |a - 1|)

    which is :math:`e^{-k(a-1)}\\,(1 - e^{-k})` for *a* ≥ 1 and 0 for *a* = 0. ``m`` is formed
    arithmetically so that the same function serves floats and arrays.

    References
    ----------
    IPCC (2006) Vol. 5 Ch. 3 Eq. 3.4 and 3.5 (the recursion this closed form sums); Vol. 5 Ch. 3
    §3.2.1.1.
    """
    start = (age_yr - 1 + abs(age_yr - 1)) / 2
    result: Num = np.exp(-k * start) - np.exp(-k * age_yr)
    return result


def landfill_ch4_generated(ddocm_decomposed: Num, f: Num) -> Num:
    """CH4 generated from decomposed DDOCm [t CH4].

    Parameters
    ----------
    ddocm_decomposed : float or ndarray
        DDOCm decomposed in the year [t C].
    f : float or ndarray
        Fraction of CH4 in generated landfill gas, by volume [fraction].

    Notes
    -----
    .. math:: CH_4\\,generated = DDOCm_{decomp} \\cdot F \\cdot \\tfrac{16}{12}

    References
    ----------
    IPCC (2006) Vol. 5 Ch. 3 Eq. 3.6.
    """
    return ddocm_decomposed * f * 16 / 12


def landfill_ch4_emitted(generated: Num, recovery: Num, oxidation: Num) -> Num:
    """CH4 emitted from a solid-waste disposal site [t CH4].

    Parameters
    ----------
    generated : float or ndarray
        CH4 generated [t].
    recovery : float or ndarray
        Share of the CH4 generated that is recovered (flared or used) R [fraction].
    oxidation : float or ndarray
        Oxidation factor of the cover OX [fraction].

    Notes
    -----
    .. math:: CH_4\\,emitted = CH_4\\,generated \\cdot (1 - R) \\cdot (1 - OX)

    IPCC writes R as a mass recovered, :math:`(\\sum generated - R)(1 - OX)`; with R as the
    recovered share of the gas generated the two are the same.

    References
    ----------
    IPCC (2006) Vol. 5 Ch. 3 Eq. 3.1.
    """
    return generated * (1 - recovery) * (1 - oxidation)


def fod_landfill_ch4(
    deposits_t: Any,
    deposit_years: Any,
    inventory_year: float,
    doc: Any,
    docf: Any,
    mcf: Any,
    f: Any,
    k: Any,
    oxidation: Any,
    recovery: Any = 0.0,
) -> Any:
    """Landfill CH4 of one inventory year from deposit histories, vectorised [t CH4].

    Parameters
    ----------
    deposits_t : ndarray, shape (..., years)
        Waste deposited in each year [t]; the last axis runs over ``deposit_years``.
    deposit_years : ndarray, shape (years,)
        The deposit years, all ≤ ``inventory_year`` [yr].
    inventory_year : float
        The year whose emissions are computed [yr].
    doc, docf, mcf, f, k, oxidation, recovery : float or ndarray
        As in :func:`ddocm_deposited`, :func:`landfill_ch4_generated` and
        :func:`landfill_ch4_emitted`; ``k`` [1/yr]; arrays broadcast against ``deposits_t``
        without its last axis (one value per cell).

    Returns
    -------
    ndarray, shape (...)
        CH4 emitted in ``inventory_year`` per cell [t].

    Notes
    -----
    .. math:: E_T = \\Big[\\sum_{x \\le T} W_x\\,DOC\\,DOC_f\\,MCF\\; f(T - x)\\Big]
              F\\,\\tfrac{16}{12}\\,(1 - R)(1 - OX)

    with *f* from :func:`fod_decomposed_fraction`. The sum equals IPCC's year-by-year recursion
    (Eq. 3.4, 3.5) started with an empty site in the first deposit year.

    References
    ----------
    IPCC (2006) Vol. 5 Ch. 3 Eq. 3.1-3.6.
    """
    deposits = np.asarray(deposits_t, dtype=float)
    ages = inventory_year - np.asarray(deposit_years, dtype=float)
    rate = np.asarray(k, dtype=float)[..., np.newaxis]
    weights = fod_decomposed_fraction(rate, ages)
    decomposed = (deposits * weights).sum(axis=-1) * doc * docf * mcf
    return landfill_ch4_emitted(landfill_ch4_generated(decomposed, f), recovery, oxidation)


def fod_landfill_ch4_series(
    deposits_t: Any,
    doc: Any,
    docf: Any,
    mcf: Any,
    f: Any,
    k: Any,
    oxidation: Any,
) -> Any:
    """Landfill CH4 of every year of deposit histories, by the IPCC recursion [t CH4].

    Parameters
    ----------
    deposits_t : ndarray, shape (cells, years)
        Waste deposited in consecutive years [t].
    doc, docf, mcf, f, k, oxidation : float or ndarray of shape (cells,)
        As in :func:`fod_landfill_ch4`.

    Returns
    -------
    ndarray, shape (cells, years)
        CH4 emitted in each year (no recovery) [t]; the first year's is 0.

    Notes
    -----
    .. math:: DDOCma_T = DDOCmd_T + DDOCma_{T-1}\\,e^{-k}, \\qquad
              DDOCm\\,decomp_T = DDOCma_{T-1}\\,(1 - e^{-k})

    looped over years, vectorised over cells.

    References
    ----------
    IPCC (2006) Vol. 5 Ch. 3 Eq. 3.4, 3.5 (then Eq. 3.6 and 3.1).
    """
    deposits = np.asarray(deposits_t, dtype=float)
    ddocm = deposits * np.asarray(doc * docf * mcf, dtype=float)[..., np.newaxis]
    keep = np.exp(-np.asarray(k, dtype=float))
    accumulated = np.zeros(deposits.shape[:-1])
    decomposed = np.empty_like(deposits)
    for year in range(deposits.shape[-1]):
        decomposed[..., year] = accumulated * (1 - keep)
        accumulated = ddocm[..., year] + accumulated * keep
    scale = np.asarray(f * (1 - oxidation), dtype=float)[..., np.newaxis]
    return decomposed * scale * 16 / 12


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


def wastewater_ch4(organics: Num, sludge_removed: Num, b0: Num, mcf: Num, recovered: Num) -> Num:
    """CH4 from wastewater treatment or discharge [t CH4].

    Parameters
    ----------
    organics : float or ndarray
        Organic load in the wastewater, TOW [t BOD] or [t COD].
    sludge_removed : float or ndarray
        Organic load removed as sludge, S [t BOD] or [t COD], same basis.
    b0 : float or ndarray
        Maximum CH4 producing capacity B0 [kg CH4/kg BOD] or [kg CH4/kg COD], same basis.
    mcf : float or ndarray
        Methane correction factor of the treatment or discharge system [fraction].
    recovered : float or ndarray
        CH4 recovered R [t CH4].

    Notes
    -----
    .. math:: CH_4 = (TOW - S) \\cdot B_0 \\cdot MCF - R

    References
    ----------
    IPCC (2006) Vol. 5 Ch. 6 Eq. 6.1, 6.2 (domestic) and 6.4, 6.5 (industrial, COD basis);
    《省级温室气体清单编制指南（试行）》 第五章 生活污水和工业废水处理 CH4.
    """
    return (organics - sludge_removed) * b0 * mcf - recovered


def wastewater_effluent_nitrogen(
    population: Num,
    protein_kg: Num,
    f_npr: Num,
    f_non_con: Num,
    f_ind_com: Num,
    sludge_n: Num,
) -> Num:
    """Nitrogen in domestic effluent [t N].

    Parameters
    ----------
    population : float or ndarray
        Population P [persons].
    protein_kg : float or ndarray
        Annual protein consumption per person [kg/(person·yr)].
    f_npr : float or ndarray
        Fraction of nitrogen in protein F_NPR [kg N/kg protein].
    f_non_con : float or ndarray
        Factor for non-consumed protein added to the wastewater F_NON-CON [-].
    f_ind_com : float or ndarray
        Factor for industrial and commercial co-discharged protein F_IND-COM [-].
    sludge_n : float or ndarray
        Nitrogen removed with sludge N_SLUDGE [t N].

    Notes
    -----
    .. math:: N_{EFFLUENT} = P \\cdot Protein \\cdot F_{NPR} \\cdot F_{NON-CON}
              \\cdot F_{IND-COM} \\cdot 10^{-3} - N_{SLUDGE}

    References
    ----------
    IPCC (2006) Vol. 5 Ch. 6 Eq. 6.8; 《省级温室气体清单编制指南（试行）》 第五章 废水处理 N2O.
    """
    return population * protein_kg * f_npr * f_non_con * f_ind_com / 1000 - sludge_n


def wastewater_effluent_n2o(effluent_n: Num, ef: Num) -> Num:
    """N2O from domestic wastewater effluent [t N2O].

    Parameters
    ----------
    effluent_n : float or ndarray
        Nitrogen in the effluent discharged N_EFFLUENT [t N].
    ef : float or ndarray
        Emission factor EF_EFFLUENT [kg N2O-N/kg N] as a fraction.

    Notes
    -----
    .. math:: N_2O = N_{EFFLUENT} \\cdot EF_{EFFLUENT} \\cdot \\tfrac{44}{28}

    References
    ----------
    IPCC (2006) Vol. 5 Ch. 6 Eq. 6.7, Table 6.11.
    """
    return effluent_n * ef * 44 / 28


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


# -- parameters ----------------------------------------------------------------------------------


def _param(
    name: str,
    kind: ParamKind,
    en: str,
    zh: str,
    unit: tuple[str, ...] = (),
    *,
    default: tuple[str, tuple[str, ...]] | None = None,
    required: bool = True,
    minimum: float | None = 0.0,
    maximum: float | None = None,
    choices: tuple[str, ...] = (),
    fallback: float | None = None,
    pct: float | None = None,
) -> Param:
    if kind == "fraction" and maximum is None:
        maximum = 1.0
    return Param(
        name,
        kind,
        en,
        zh,
        unit=unit,
        default=Default(default[0], default[1]) if default else None,
        required=required,
        minimum=minimum,
        maximum=maximum,
        choices=choices,
        fallback=fallback,
        uncertainty_pct=pct,
    )


_SITE = _param(
    "site",
    "choice",
    "Disposal site (a free label; deposit histories are checked per site)",
    "填埋场（名称）",
    required=False,
)
_SITE_TYPE = _param(
    "site_type", "choice", "Type of disposal site", "填埋场类型", choices=SITE_TYPES
)
_DOCF = _param(
    "docf",
    "fraction",
    "Fraction of DOC that decomposes",
    "可分解的DOC比例",
    default=("swds_docf", ("{waste_type}", "msw")),
    pct=20.0,
)
_MCF = _param(
    "mcf",
    "fraction",
    "Methane correction factor of the site",
    "甲烷修正因子",
    default=("swds_mcf", ("{site_type}",)),
    pct=10.0,
)
_F = _param(
    "f",
    "fraction",
    "Fraction of CH4 in landfill gas (by volume)",
    "填埋气体中的甲烷比例",
    default=("landfill_gas_ch4_fraction", ("landfill_gas",)),
    pct=5.0,
)
_OX = _param(
    "oxidation",
    "fraction",
    "Oxidation factor of the cover",
    "氧化因子",
    default=("swds_oxidation", ("{site_type}",)),
)


def _doc(subjects: tuple[str, ...]) -> Param:
    return _param(
        "doc",
        "fraction",
        "Degradable organic carbon of the waste (wet weight)",
        "可降解有机碳含量（湿基）",
        default=("waste_doc", subjects),
        pct=20.0,
    )


# -- landfill: first-order decay ---------------------------------------------------------------


def _fod_check(values: Values) -> list[tuple[str, str]]:
    year, deposited = values["inventory_year"], values["deposit_year"]
    if deposited > year:
        return [
            (
                "deposit_year",
                f"waste deposited in {deposited:.0f} is after the inventory year {year:.0f}",
            )
        ]
    if deposited != round(deposited) or year != round(year):
        return [("deposit_year", "a year is a whole number")]
    return []


def _fod_compute(values: Values) -> dict[str, Any]:
    ddocm = ddocm_deposited(values["waste"], values["doc"], values["docf"], values["mcf"])
    share = fod_decomposed_fraction(
        values["decay_rate"], values["inventory_year"] - values["deposit_year"]
    )
    generated = landfill_ch4_generated(ddocm * share, values["f"])
    return {"CH4": landfill_ch4_emitted(generated, values["recovery"], values["oxidation"])}


def _landfill_subcategory(values: Values) -> str:
    site_type = str(values.get("site_type", ""))
    if site_type.startswith("managed"):
        return "6A1"
    if site_type.startswith("unmanaged"):
        return "6A2"
    return "6A3"


_LANDFILL_SUBCATEGORIES: Final = {
    "6A1": ("管理的废弃物处置场", "managed waste disposal on land"),
    "6A2": ("非管理的废弃物处置场", "unmanaged waste disposal sites"),
    "6A3": ("其他（未分类）", "other (uncategorised)"),
}

LANDFILL_FOD: Final = register(
    Category(
        id="waste.landfill_fod",
        code="6A",
        sector="waste",
        name_en="Solid waste disposal: CH4 by first-order decay",
        name_zh="固体废弃物填埋处理 CH4（一阶衰减法）",
        gases=("CH4",),
        params=(
            _SITE,
            _SITE_TYPE,
            _param("waste_type", "choice", "Waste component", "废弃物成分", choices=WASTE_TYPES),
            _param(
                "climate",
                "choice",
                "Climate zone for the decay rate",
                "气候区（决定衰减速率）",
                choices=CLIMATES,
            ),
            _param(
                "inventory_year",
                "count",
                "The inventory year (the same on every line; must equal inventory.year)",
                "清单年份",
                pct=0.0,
            ),
            _param("deposit_year", "count", "Year the waste was deposited", "填埋年份", pct=0.0),
            _param(
                "waste",
                "activity",
                "Waste deposited in the deposit year",
                "当年填埋量",
                ("t",),
                pct=30.0,
            ),
            _doc(("{waste_type}",)),
            _DOCF,
            _MCF,
            _F,
            _param(
                "decay_rate",
                "parameter",
                "Decay rate constant k = ln2 / half-life",
                "衰减速率常数 k",
                ("1/yr",),
                default=("swds_decay_rate", ("{waste_type}:{climate}",)),
            ),
            _OX,
            _param(
                "recovery",
                "fraction",
                "Share of the CH4 generated in the inventory year that is recovered",
                "甲烷回收比例",
                fallback=0.0,
            ),
        ),
        compute=_fod_compute,
        formula=(
            "CH4_T = Σ_x W_x × DOC × DOCf × MCF × (e^(−k·max(T−x−1, 0)) − e^(−k·(T−x))) × F × "
            "16/12 × (1 − R) × (1 − OX); one line per deposit year x ≤ T, decay from x + 1"
        ),
        reference=(
            "IPCC 2006 Vol. 5 Ch. 3 Eq. 3.1-3.6, Tables 3.1-3.3, 2.4; 《省级温室气体清单编制指南"
            "（试行）》(2011) 第五章 固体废弃物填埋处理"
        ),
        check=_fod_check,
        subcategory=_landfill_subcategory,
        subcategories=_LANDFILL_SUBCATEGORIES,
    )
)


# -- landfill: mass balance ----------------------------------------------------------------------


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
            _SITE,
            _SITE_TYPE,
            _param(
                "waste_type",
                "choice",
                "Waste component (for the DOC default)",
                "废弃物成分",
                choices=WASTE_TYPES,
                required=False,
            ),
            _param("waste", "activity", "Waste landfilled in the year", "填埋量", ("t",), pct=30.0),
            _doc(("{waste_type}",)),
            _DOCF,
            _MCF,
            _F,
            _param(
                "recovered",
                "activity",
                "CH4 recovered (flared or used)",
                "甲烷回收量",
                ("tCH4",),
                fallback=0.0,
            ),
            _OX,
        ),
        compute=_mass_balance_compute,
        formula="CH4 = (W × MCF × DOC × DOCf × F × 16/12 − R) × (1 − OX)",
        reference=(
            "IPCC 1996 Revised Reference Manual Vol. 3 §6.2.3 Eq. 1 (default method); 《省级温室"
            "气体清单编制指南（试行）》(2011) 第五章 固体废弃物填埋处理 (质量平衡法)"
        ),
        check=_mass_balance_check,
        subcategory=_landfill_subcategory,
        subcategories=_LANDFILL_SUBCATEGORIES,
    )
)


def check_deposit_history(comp: Compilation, errors: list[InventoryError]) -> Any:
    """Check the first-order-decay deposit histories as a whole.

    For every site (the ``site`` label; lines without one form one site): every line's
    ``inventory_year`` is the inventory's year; the site has deposits before the inventory year;
    no year between its first deposit and the year before the inventory year is missing; no year
    is given twice for one waste component; and the site is not also estimated by the
    mass-balance method. Problems name the sheet, row and column; a refused history refuses the
    inventory (nothing is produced).

    Returns
    -------
    dict or None
        Per site: first and last deposit year and the number of years, or ``None`` when the
        inventory has no first-order-decay lines.
    """
    result = comp.results.get(LANDFILL_FOD.id)
    if result is None or not result.lines:
        return None
    year = comp.input.year
    sites: dict[str, list[Any]] = {}
    for line in result.lines:
        sites.setdefault(str(line.values.get("site", "")), []).append(line)
    report: dict[str, Any] = {}
    for site, lines in sites.items():
        name = site or "(unnamed site)"
        seen: dict[tuple[str, int], Any] = {}
        years: set[int] = set()
        for line in lines:
            given = int(line.values["inventory_year"])
            if year is not None and given != year:
                errors.append(
                    InventoryError(
                        f"the inventory year on a deposit line must be {year}",
                        _where(line, "inventory_year"),
                        given,
                    )
                )
            deposited = int(line.values["deposit_year"])
            key = (str(line.values.get("waste_type")), deposited)
            if key in seen:
                errors.append(
                    InventoryError(
                        f"site {name}: {key[0]} deposited in {deposited} is given twice (also "
                        f"{seen[key].where.describe()})",
                        _where(line, "deposit_year"),
                        deposited,
                    )
                )
            seen[key] = line
            years.add(deposited)
        target = year if year is not None else max(years) + 1
        before = sorted(y for y in years if y < target)
        ordered = sorted(lines, key=lambda item: int(item.values["deposit_year"]))
        if not before:
            errors.append(
                InventoryError(
                    f"site {name}: first-order decay needs the deposit history of the years "
                    f"before {target}; the history is missing (deposits given only for "
                    f"{', '.join(str(y) for y in sorted(years))})",
                    _where(ordered[0], "deposit_year"),
                    int(ordered[0].values["deposit_year"]),
                )
            )
            continue
        missing = [y for y in range(before[0], target) if y not in years]
        if missing:
            after = next(
                (item for item in ordered if int(item.values["deposit_year"]) > missing[0]),
                ordered[-1],
            )
            shown = ", ".join(str(y) for y in missing[:10]) + (" …" if len(missing) > 10 else "")
            errors.append(
                InventoryError(
                    f"site {name}: the deposit history from {before[0]} to {target - 1} is "
                    f"missing the year(s) {shown}; give each year's deposit (0 t if none)",
                    _where(after, "deposit_year"),
                    int(after.values["deposit_year"]),
                )
            )
        report[name] = {"first_year": before[0], "last_year": max(years), "years": len(years)}
    other = comp.results.get(LANDFILL_MASS_BALANCE.id)
    if other is not None:
        for line in other.lines:
            site = str(line.values.get("site", ""))
            if site in sites:
                errors.append(
                    InventoryError(
                        f"site {site or '(unnamed site)'} is estimated by first-order decay "
                        "already; a site takes one method only (it would be counted twice)",
                        _where(line, "site"),
                        site or None,
                    )
                )
    return {"sites": report}


def _where(line: Any, name: str) -> Location:
    for use in line.params:
        if use.name == name and use.where is not None:
            where: Location = use.where
            return where
    return Location(line.where.sheet, line.where.row, name)


register_check("waste.landfill_fod_history", check_deposit_history)


# -- wastewater ----------------------------------------------------------------------------------


def _wastewater_check(values: Values) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if values["sludge_removed"] > values["organics"]:
        problems.append(("sludge_removed", "the organics removed exceed the organics in the water"))
    elif (
        values["recovered"]
        > (values["organics"] - values["sludge_removed"]) * values["b0"] * values["mcf"]
    ):
        problems.append(("recovered", "the CH4 recovered exceeds the CH4 the wastewater forms"))
    return problems


def _wastewater_compute(values: Values) -> dict[str, Any]:
    return {
        "CH4": wastewater_ch4(
            values["organics"],
            values["sludge_removed"],
            values["b0"],
            values["mcf"],
            values["recovered"],
        )
    }


def _wastewater_params(basis_choices: tuple[str, ...]) -> tuple[Param, ...]:
    return (
        _param(
            "basis",
            "choice",
            "Basis of the organic load: bod or cod",
            "有机物指标（BOD或COD）",
            choices=basis_choices,
        ),
        _param(
            "system",
            "choice",
            "Treatment or discharge system",
            "处理或排放系统",
            choices=SYSTEMS,
        ),
        _param(
            "organics",
            "activity",
            "Organic load in the wastewater (TOW), on the chosen basis",
            "废水中有机物总量（TOW）",
            ("t",),
            pct=30.0,
        ),
        _param(
            "sludge_removed",
            "activity",
            "Organic load removed as sludge (S)",
            "以污泥形式清除的有机物",
            ("t",),
            fallback=0.0,
        ),
        _param(
            "b0",
            "parameter",
            "Maximum CH4 producing capacity on the chosen basis",
            "甲烷最大产生能力 B0",
            ("kgCH4/kg",),
            default=("wastewater_b0", ("{basis}",)),
            pct=30.0,
        ),
        _param(
            "mcf",
            "fraction",
            "Methane correction factor of the system",
            "甲烷修正因子 MCF",
            default=("wastewater_mcf", ("{system}",)),
            pct=30.0,
        ),
        _param(
            "recovered",
            "activity",
            "CH4 recovered (flared or used)",
            "甲烷回收量",
            ("tCH4",),
            fallback=0.0,
        ),
    )


def _wastewater_terms(values: Values) -> list[Term]:
    return [
        ("CH4", 1.0, ("organics", "b0", "mcf"), ()),
        ("CH4", -1.0, ("sludge_removed", "b0", "mcf"), ()),
        ("CH4", -1.0, ("recovered",), ()),
    ]


WASTEWATER_DOMESTIC: Final = register(
    Category(
        id="waste.wastewater_domestic",
        code="6B2",
        sector="waste",
        name_en="Domestic wastewater: CH4",
        name_zh="生活污水处理 CH4",
        gases=("CH4",),
        params=_wastewater_params(("bod", "cod")),
        compute=_wastewater_compute,
        formula="CH4 = (TOW − S) × B0 × MCF − R; TOW as BOD (B0 0.6) or COD (B0 0.25)",
        reference=(
            "IPCC 2006 Vol. 5 Ch. 6 Eq. 6.1-6.3, Tables 6.2, 6.3; 《省级温室气体清单编制指南"
            "（试行）》(2011) 第五章 生活污水处理 CH4"
        ),
        check=_wastewater_check,
        terms=_wastewater_terms,
    )
)

WASTEWATER_INDUSTRIAL: Final = register(
    Category(
        id="waste.wastewater_industrial",
        code="6B1",
        sector="waste",
        name_en="Industrial wastewater: CH4",
        name_zh="工业废水处理 CH4",
        gases=("CH4",),
        params=(
            _param(
                "industry",
                "choice",
                "Industry (a free label, e.g. pulp_paper, food, chemicals)",
                "行业",
                required=False,
            ),
            *_wastewater_params(("cod",)),
        ),
        compute=_wastewater_compute,
        formula="CH4 = (TOW_i − S_i) × B0 × MCF_i − R_i, TOW in COD by industry i (B0 0.25)",
        reference=(
            "IPCC 2006 Vol. 5 Ch. 6 Eq. 6.4-6.6, Table 6.8; 《省级温室气体清单编制指南（试行）》"
            "(2011) 第五章 工业废水处理 CH4"
        ),
        check=_wastewater_check,
        key_group=lambda values: f"6B1 {values.get('industry') or ''}".strip(),
        terms=_wastewater_terms,
    )
)


def _n2o_compute(values: Values) -> dict[str, Any]:
    effluent = wastewater_effluent_nitrogen(
        values["population"],
        values["protein"],
        values["f_npr"],
        values["f_non_con"],
        values["f_ind_com"],
        values["sludge_n"],
    )
    return {"N2O": wastewater_effluent_n2o(effluent, values["ef"])}


def _n2o_check(values: Values) -> list[tuple[str, str]]:
    effluent = (
        values["population"]
        * values["protein"]
        * values["f_npr"]
        * values["f_non_con"]
        * values["f_ind_com"]
        / 1000
    )
    if values["sludge_n"] > effluent:
        return [("sludge_n", "the nitrogen removed with sludge exceeds the nitrogen in the water")]
    return []


WASTEWATER_N2O: Final = register(
    Category(
        id="waste.wastewater_n2o",
        code="6B2",
        sector="waste",
        name_en="Domestic wastewater effluent: N2O",
        name_zh="废水处理 N2O（生活污水排放）",
        gases=("N2O",),
        params=(
            _param("population", "count", "Population served", "人口", pct=5.0),
            _param(
                "protein",
                "parameter",
                "Protein consumption per person and year",
                "人均年蛋白质消费量",
                ("kg/yr",),
                pct=10.0,
            ),
            _param(
                "f_npr",
                "fraction",
                "Nitrogen in protein (F_NPR)",
                "蛋白质中的氮含量",
                default=("wastewater_f_npr", ("protein",)),
            ),
            _param(
                "f_non_con",
                "parameter",
                "Factor for non-consumed protein in the wastewater (F_NON-CON)",
                "废水中非消费蛋白质因子",
                ("fraction",),
                default=("wastewater_f_non_con", ("eastern_asia", "default")),
            ),
            _param(
                "f_ind_com",
                "parameter",
                "Factor for industrial and commercial co-discharged protein (F_IND-COM)",
                "工业和商业共排蛋白质因子",
                ("fraction",),
                default=("wastewater_f_ind_com", ("sewer",)),
            ),
            _param(
                "sludge_n",
                "activity",
                "Nitrogen removed with sludge",
                "随污泥清除的氮",
                ("t",),
                fallback=0.0,
            ),
            _param(
                "ef",
                "fraction",
                "Emission factor of effluent (kg N2O-N per kg N)",
                "废水排放的N2O排放因子",
                default=("wastewater_n2o_ef", ("effluent",)),
            ),
        ),
        compute=_n2o_compute,
        formula=("N2O = (P × Protein × F_NPR × F_NON-CON × F_IND-COM − N_sludge) × EF × 44/28"),
        reference=(
            "IPCC 2006 Vol. 5 Ch. 6 Eq. 6.7, 6.8, Table 6.11; 《省级温室气体清单编制指南（试行）》"
            "(2011) 第五章 废水处理 N2O"
        ),
        check=_n2o_check,
    )
)


# -- incineration --------------------------------------------------------------------------------


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
            _param(
                "waste_type",
                "choice",
                "Waste incinerated",
                "焚烧废弃物种类",
                choices=INCINERATED_WASTE,
            ),
            _param("waste", "activity", "Waste incinerated (wet)", "焚烧量", ("t",), pct=10.0),
            _param(
                "carbon_content",
                "fraction",
                "Carbon content of the waste as incinerated (wet basis)",
                "废弃物中的碳含量比例",
                default=("incineration_carbon_content", ("{waste_type}",)),
                pct=30.0,
            ),
            _param(
                "fossil_fraction",
                "fraction",
                "Fossil share of the carbon",
                "矿物碳在碳总量中比例",
                default=("incineration_fossil_fraction", ("{waste_type}",)),
                pct=30.0,
            ),
            _param(
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
