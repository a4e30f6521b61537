"""Land-use change and forestry (土地利用变化和林业): carbon-stock change of forests and other
woody biomass, and forest conversion.

Removals are negative CO2. The provincial guideline estimates the biomass carbon of

* stands measured by stock volume — 乔木林 (arbor forest, by dominant species group), 疏林 (open
  forest), 散生木 (scattered trees), 四旁树 (trees beside villages, houses, roads and water) —
  from the annual growth and the consumption (harvest and losses) of the standing stock;
* stands measured by area — 竹林 (bamboo), 经济林 (economic forest), 灌木林 (shrubland) — from the
  annual change of area times the biomass per hectare;

and the emissions of forest converted to other uses (burnt on site, burnt off site, decaying).

Wood density, biomass expansion factor and root-to-shoot ratio depend on the species group and
are taken from the forest inventory or the guideline's tables for the province; no default is
shipped for them (the tables could not be confirmed), so they are given on the line or as local
values by species (``local: {wood_density: {杉木: 0.307 t/m3}}``).

References
----------
.. [1] 国家发展改革委办公厅 (2011) 《省级温室气体清单编制指南（试行）》, 第四章 土地利用变化和
       林业 (森林和其他木质生物质碳储量变化; 森林转化温室气体排放).
.. [2] IPCC (1997) Revised 1996 Guidelines, Reference Manual Vol. 3 §5.2.2 (changes in forest and
       other woody biomass stocks), §5.2.3 (forest and grassland conversion), Tables 5-7 (trace
       gas ratios); Workbook Worksheets 5-1 to 5-3.
.. [3] IPCC (2003) Good Practice Guidance for LULUCF, §3.2.1.1 (Eq. 3.2.3-3.2.7, biomass from
       volume: V × D × BEF × (1 + R) × CF).
"""

from __future__ import annotations

from typing import Any, Final

from citycarbon.inventory.model import Category, Default, Num, Param, ParamKind, Values
from citycarbon.inventory.registry import register

__all__ = [
    "AREA_STANDS",
    "FOREST_CONVERSION",
    "FOREST_GROWTH",
    "OTHER_WOODY",
    "VOLUME_STANDS",
    "area_stand_co2",
    "conversion_carbon",
    "conversion_ch4",
    "conversion_n2o",
    "stock_change_co2",
    "volume_to_carbon",
]

#: Stands measured by stock volume.
VOLUME_STANDS: Final = ("arbor_forest", "open_forest", "scattered_trees", "four_side_trees")
#: Stands measured by area.
AREA_STANDS: Final = ("bamboo", "economic_forest", "shrub")


def volume_to_carbon(
    volume: Num, wood_density: Num, bef: Num, root_ratio: Num, carbon_fraction: Num
) -> Num:
    """Carbon in the whole-tree biomass of a stem volume [t C].

    Parameters
    ----------
    volume : float or ndarray
        Stem volume (stock volume, or its growth or consumption) V [m³].
    wood_density : float or ndarray
        Basic wood density SVD [t dry matter/m³].
    bef : float or ndarray
        Biomass expansion factor, stem to above-ground biomass BEF [-].
    root_ratio : float or ndarray
        Root-to-shoot ratio R [fraction].
    carbon_fraction : float or ndarray
        Carbon fraction of dry matter CF [fraction].

    Notes
    -----
    .. math:: C = V \\cdot SVD \\cdot BEF \\cdot (1 + R) \\cdot CF

    References
    ----------
    《省级温室气体清单编制指南（试行）》(2011) 第四章 (乔木林、疏林、散生木、四旁树生物量碳);
    IPCC (2003) GPG-LULUCF §3.2.1.1 Eq. 3.2.3, 3.2.5.
    """
    return volume * wood_density * bef * (1 + root_ratio) * carbon_fraction


def stock_change_co2(
    volume: Num,
    growth_rate: Num,
    consumption_rate: Num,
    wood_density: Num,
    bef: Num,
    root_ratio: Num,
    carbon_fraction: Num,
) -> Num:
    """CO2 of the biomass carbon-stock change of a volume-measured stand [t CO2]; removals < 0.

    Parameters
    ----------
    volume : float or ndarray
        Standing stock volume V [m³].
    growth_rate : float or ndarray
        Annual gross growth rate of the stock GR [fraction/yr].
    consumption_rate : float or ndarray
        Annual consumption (harvest and losses) rate of the stock CR [fraction/yr].
    wood_density, bef, root_ratio, carbon_fraction : float or ndarray
        As in :func:`volume_to_carbon`.

    Notes
    -----
    .. math:: E_{CO_2} = -\\,V \\cdot (GR - CR) \\cdot SVD \\cdot BEF \\cdot (1 + R) \\cdot CF
              \\cdot \\tfrac{44}{12}

    Growth removes CO2 (negative), consumption emits it.

    References
    ----------
    《省级温室气体清单编制指南（试行）》(2011) 第四章 森林和其他木质生物质碳储量变化 (生长碳吸收
    − 活立木消耗碳排放); IPCC (1997) Revised 1996 Reference Manual Vol. 3 §5.2.2; IPCC (2003)
    GPG-LULUCF Eq. 3.2.2-3.2.7.
    """
    carbon = volume_to_carbon(
        volume * (growth_rate - consumption_rate), wood_density, bef, root_ratio, carbon_fraction
    )
    return -carbon * 44 / 12


def area_stand_co2(area_change: Num, biomass: Num, carbon_fraction: Num) -> Num:
    """CO2 of the biomass carbon-stock change of an area-measured stand [t CO2]; removals < 0.

    Parameters
    ----------
    area_change : float or ndarray
        Annual change of the stand's area ΔA [ha/yr]; negative for a loss.
    biomass : float or ndarray
        Average biomass per hectare, above and below ground B [t dry matter/ha].
    carbon_fraction : float or ndarray
        Carbon fraction of dry matter CF [fraction].

    Notes
    -----
    .. math:: E_{CO_2} = -\\,\\Delta A \\cdot B \\cdot CF \\cdot \\tfrac{44}{12}

    References
    ----------
    《省级温室气体清单编制指南（试行）》(2011) 第四章 (竹林、经济林、灌木林生物量碳储量变化);
    IPCC (1997) Revised 1996 Reference Manual Vol. 3 §5.2.2.
    """
    return -area_change * biomass * carbon_fraction * 44 / 12


def conversion_carbon(
    area: Num,
    biomass_lost: Num,
    fraction: Num,
    oxidation: Num,
    carbon_fraction: Num,
) -> Num:
    """Carbon released by one fate of the biomass of converted forest [t C].

    Parameters
    ----------
    area : float or ndarray
        Forest area converted [ha] (for decay, the average annual area of the last 10 years).
    biomass_lost : float or ndarray
        Biomass before minus biomass after conversion [t dry matter/ha].
    fraction : float or ndarray
        Share of the biomass with this fate: burnt on site, burnt off site, or left to decay
        [fraction].
    oxidation : float or ndarray
        Share of the biomass oxidised (burning), 1 for decay [fraction].
    carbon_fraction : float or ndarray
        Carbon fraction of dry matter [fraction].

    Notes
    -----
    .. math:: C = A \\cdot (B_{before} - B_{after}) \\cdot f \\cdot OX \\cdot CF

    References
    ----------
    《省级温室气体清单编制指南（试行）》(2011) 第四章 森林转化 (现地燃烧, 异地燃烧, 分解);
    IPCC (1997) Revised 1996 Reference Manual Vol. 3 §5.2.3, Workbook Worksheets 5-2, 5-3.
    """
    return area * biomass_lost * fraction * oxidation * carbon_fraction


def conversion_ch4(carbon_burnt_onsite: Num, ch4_c_ratio: Num) -> Num:
    """CH4 of biomass burnt on site [t CH4].

    Parameters
    ----------
    carbon_burnt_onsite : float or ndarray
        Carbon released by on-site burning [t C].
    ch4_c_ratio : float or ndarray
        CH4-C emitted per C burnt [fraction].

    Notes
    -----
    .. math:: E_{CH_4} = C_{on} \\cdot r_{CH_4} \\cdot \\tfrac{16}{12}

    References
    ----------
    IPCC (1997) Revised 1996 Reference Manual Vol. 3 §5.2.4 and Table 5-7 (trace gases of
    on-site burning); 《省级温室气体清单编制指南（试行）》(2011) 第四章 森林转化 非CO2.
    """
    return carbon_burnt_onsite * ch4_c_ratio * 16 / 12


def conversion_n2o(carbon_burnt_onsite: Num, n_c_ratio: Num, n2o_n_ratio: Num) -> Num:
    """N2O of biomass burnt on site [t N2O].

    Parameters
    ----------
    carbon_burnt_onsite : float or ndarray
        Carbon released by on-site burning [t C].
    n_c_ratio : float or ndarray
        Nitrogen-to-carbon ratio of the biomass [fraction].
    n2o_n_ratio : float or ndarray
        N2O-N emitted per N burnt [fraction].

    Notes
    -----
    .. math:: E_{N_2O} = C_{on} \\cdot (N/C) \\cdot r_{N_2O} \\cdot \\tfrac{44}{28}

    References
    ----------
    IPCC (1997) Revised 1996 Reference Manual Vol. 3 §5.2.4 and Table 5-7.
    """
    return carbon_burnt_onsite * n_c_ratio * n2o_n_ratio * 44 / 28


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
    choices: tuple[str, ...] = (),
    fallback: float | None = None,
    pct: float | None = None,
) -> Param:
    return Param(
        name,
        kind,
        en,
        zh,
        unit=unit,
        default=Default(default[0], default[1]) if default else None,
        required=required,
        minimum=minimum,
        maximum=1.0 if kind == "fraction" else None,
        choices=choices,
        fallback=fallback,
        uncertainty_pct=pct,
    )


_SPECIES = _param(
    "species",
    "choice",
    "Dominant species group (a free label; local factor values may be given by species)",
    "优势树种（组）",
    required=False,
)
_CARBON_FRACTION = _param(
    "carbon_fraction",
    "fraction",
    "Carbon fraction of dry biomass",
    "生物量含碳率",
    default=("biomass_carbon_fraction", ("{species}", "wood")),
)


def _by_species(parameter: str) -> tuple[str, tuple[str, ...]]:
    return parameter, ("{species}", "{stand}")


# -- forest growth and consumption ---------------------------------------------------------------


def _growth(values: Values) -> dict[str, Any]:
    return {
        "CO2": stock_change_co2(
            values["stock_volume"],
            values["growth_rate"],
            values["consumption_rate"],
            values["wood_density"],
            values["bef"],
            values["root_ratio"],
            values["carbon_fraction"],
        )
    }


FOREST_GROWTH: Final = register(
    Category(
        id="lucf.forest_growth",
        code="5A",
        sector="lucf",
        name_en="Forests and trees: biomass growth and consumption (stock volume)",
        name_zh="乔木林、疏林、散生木、四旁树生物量碳储量变化",
        gases=("CO2",),
        params=(
            _param(
                "stand",
                "choice",
                "Stand: arbor_forest, open_forest, scattered_trees, four_side_trees",
                "林分类型（乔木林、疏林、散生木、四旁树）",
                choices=VOLUME_STANDS,
            ),
            _SPECIES,
            _param("stock_volume", "activity", "Standing stock volume", "活立木蓄积量", ("m3",)),
            _param(
                "growth_rate",
                "fraction",
                "Annual gross growth rate of the stock",
                "蓄积量年生长率",
            ),
            _param(
                "consumption_rate",
                "fraction",
                "Annual consumption rate (harvest and losses) of the stock",
                "活立木蓄积量年消耗率",
            ),
            _param(
                "wood_density",
                "parameter",
                "Basic wood density",
                "基本木材密度 SVD",
                ("t/m3",),
                default=_by_species("wood_density"),
            ),
            _param(
                "bef",
                "parameter",
                "Biomass expansion factor (stem to above-ground biomass)",
                "生物量扩展因子 BEF",
                ("fraction",),
                default=_by_species("biomass_expansion_factor"),
            ),
            _param(
                "root_ratio",
                "fraction",
                "Root-to-shoot ratio",
                "地下生物量/地上生物量",
                default=_by_species("root_shoot_ratio"),
            ),
            _CARBON_FRACTION,
        ),
        compute=_growth,
        formula="CO2 = −V × (GR − CR) × SVD × BEF × (1 + R) × CF × 44/12",
        reference=(
            "《省级温室气体清单编制指南（试行）》(2011) 第四章 森林和其他木质生物质碳储量变化; "
            "IPCC 1996 Revised Reference Manual Vol. 3 §5.2.2; IPCC 2003 GPG-LULUCF §3.2.1.1"
        ),
        key_group=lambda values: "5A",
    )
)


def _area(values: Values) -> dict[str, Any]:
    return {
        "CO2": area_stand_co2(values["area_change"], values["biomass"], values["carbon_fraction"])
    }


OTHER_WOODY: Final = register(
    Category(
        id="lucf.other_woody",
        code="5A",
        sector="lucf",
        name_en="Bamboo, economic forest and shrubland: biomass change (area)",
        name_zh="竹林、经济林、灌木林生物量碳储量变化",
        gases=("CO2",),
        params=(
            _param(
                "stand",
                "choice",
                "Stand: bamboo, economic_forest, shrub",
                "林分类型（竹林、经济林、灌木林）",
                choices=AREA_STANDS,
            ),
            _SPECIES,
            _param(
                "area_change",
                "activity",
                "Annual change of area (negative for a loss)",
                "面积年变化量",
                ("ha",),
                minimum=None,
            ),
            _param(
                "biomass",
                "parameter",
                "Average biomass per hectare (above and below ground, dry)",
                "单位面积生物量",
                ("t/ha",),
                default=_by_species("biomass_per_area"),
            ),
            _CARBON_FRACTION,
        ),
        compute=_area,
        formula="CO2 = −ΔA × B × CF × 44/12",
        reference=(
            "《省级温室气体清单编制指南（试行）》(2011) 第四章 森林和其他木质生物质碳储量变化 "
            "(竹林、经济林、灌木林); IPCC 1996 Revised Reference Manual Vol. 3 §5.2.2"
        ),
        key_group=lambda values: "5A",
        terms=lambda values: [("CO2", -44 / 12, ("area_change", "biomass", "carbon_fraction"), ())],
    )
)


# -- forest conversion ---------------------------------------------------------------------------


def _conversion_parts(values: Values) -> tuple[Any, Any, Any]:
    lost = values["biomass_before"] - values["biomass_after"]
    cf, ox = values["carbon_fraction"], values["oxidation"]
    onsite = conversion_carbon(values["area"], lost, values["frac_onsite"], ox, cf)
    offsite = conversion_carbon(values["area"], lost, values["frac_offsite"], ox, cf)
    decay = conversion_carbon(
        values["area_decay"], lost, 1 - values["frac_onsite"] - values["frac_offsite"], 1, cf
    )
    return onsite, offsite, decay


def _conversion(values: Values) -> dict[str, Any]:
    onsite, offsite, decay = _conversion_parts(values)
    return {
        "CO2": (onsite + offsite + decay) * 44 / 12,
        "CH4": conversion_ch4(onsite, values["ch4_c_ratio"]),
        "N2O": conversion_n2o(onsite, values["n_c_ratio"], values["n2o_n_ratio"]),
    }


def _conversion_check(values: Values) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if values["biomass_after"] > values["biomass_before"]:
        problems.append(("biomass_after", "the biomass after conversion exceeds that before"))
    if values["frac_onsite"] + values["frac_offsite"] > 1:
        problems.append(
            ("frac_offsite", "the shares burnt on site and off site add up to more than 100 %")
        )
    return problems


FOREST_CONVERSION: Final = register(
    Category(
        id="lucf.forest_conversion",
        code="5B",
        sector="lucf",
        name_en="Forest conversion: burning on and off site, decay",
        name_zh="森林转化温室气体排放（现地燃烧、异地燃烧、分解）",
        gases=("CO2", "CH4", "N2O"),
        params=(
            _SPECIES,
            _param("area", "activity", "Forest area converted in the year", "年转化面积", ("ha",)),
            _param(
                "biomass_before",
                "parameter",
                "Above-ground biomass before conversion",
                "转化前单位面积地上生物量",
                ("t/ha",),
            ),
            _param(
                "biomass_after",
                "parameter",
                "Above-ground biomass after conversion",
                "转化后单位面积地上生物量",
                ("t/ha",),
                fallback=0.0,
            ),
            _param("frac_onsite", "fraction", "Share burnt on site", "现地燃烧比例"),
            _param("frac_offsite", "fraction", "Share burnt off site", "异地燃烧比例"),
            _param(
                "oxidation",
                "fraction",
                "Share of the biomass burnt that is oxidised",
                "燃烧氧化比例",
                default=("biomass_burning_oxidation", ("forest_clearing",)),
            ),
            _CARBON_FRACTION,
            _param(
                "area_decay",
                "activity",
                "Average annual area converted over the last 10 years (for decay)",
                "10年平均年转化面积（分解）",
                ("ha",),
                fallback=0.0,
            ),
            _param(
                "ch4_c_ratio",
                "fraction",
                "CH4-C emitted per C burnt on site",
                "CH4-C/C 排放比",
                default=("burning_trace_gas_ratio", ("CH4",)),
            ),
            _param(
                "n_c_ratio",
                "fraction",
                "Nitrogen-to-carbon ratio of the biomass",
                "生物量氮碳比",
                default=("burning_trace_gas_ratio", ("N_to_C",)),
            ),
            _param(
                "n2o_n_ratio",
                "fraction",
                "N2O-N emitted per N burnt on site",
                "N2O-N/N 排放比",
                default=("burning_trace_gas_ratio", ("N2O",)),
            ),
        ),
        compute=_conversion,
        formula=(
            "C_on, C_off = A × (B_before − B_after) × f × OX × CF; C_decay = A_10yr × ΔB × "
            "(1 − f_on − f_off) × CF; CO2 = ΣC × 44/12; CH4 = C_on × 0.012 × 16/12; "
            "N2O = C_on × N/C × 0.007 × 44/28"
        ),
        reference=(
            "《省级温室气体清单编制指南（试行）》(2011) 第四章 森林转化温室气体排放; IPCC 1996 "
            "Revised Reference Manual Vol. 3 §5.2.3, §5.2.4, Table 5-7; Workbook Worksheet 5-2, 5-3"
        ),
        check=_conversion_check,
    )
)
