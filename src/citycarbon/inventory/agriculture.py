"""Agriculture (农业): rice-paddy CH4, enteric fermentation CH4, manure management CH4 and N2O,
agricultural-soil N2O (direct and indirect).

Regional factors
----------------
The provincial guideline tabulates rice and manure factors by the six large regions of China
(华北 north, 东北 northeast, 华东 east, 中南 central_south, 西南 southwest, 西北 northwest) and the
direct N2O factor of agricultural soils by six soil zones (I-VI). A line may name its ``zone`` /
``soil_zone``; when it does not, the zone of the inventory's province is used if the framework
passes the province to the category (see :data:`PROVINCE_ZONES`, :data:`PROVINCE_SOIL_ZONES`).
Henan is in ``central_south`` and soil zone ``III``.

Default uncertainties (``uncertainty_pct``) of activity data — rice area ±5 %, livestock
populations ±10 %, nitrogen applied ±10 % — are typical values of IPCC (2000) GPG Ch. 4,
recalled [R]; no factor uncertainty is set, since the guideline's tables give none.

References
----------
.. [1] 国家发展改革委办公厅 (2011) 《省级温室气体清单编制指南（试行）》, 第三章 农业 (稻田甲烷,
       农用地氧化亚氮, 动物肠道发酵甲烷, 动物粪便管理甲烷和氧化亚氮).
.. [2] IPCC (1997) Revised 1996 Guidelines, Reference Manual Vol. 3 Ch. 4; IPCC (2000) GPG Ch. 4.
.. [3] IPCC (2006) Vol. 4 Ch. 10 (Eq. 10.19, 10.22; Tables 10.10, 10.11) and Ch. 11 (Eq. 11.1,
       11.9, 11.10; Tables 11.1, 11.3).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from citycarbon.inventory.model import (
    Category,
    Default,
    Num,
    Param,
    ParamKind,
    Term,
    Values,
)
from citycarbon.inventory.registry import register

__all__ = [
    "ENTERIC",
    "FEEDING_SYSTEMS",
    "MANURE",
    "N_SOURCES",
    "PROVINCE_SOIL_ZONES",
    "PROVINCE_ZONES",
    "RICE",
    "RICE_TYPES",
    "SOILS",
    "SOIL_ZONES",
    "SPECIES",
    "ZONES",
    "enteric_ch4",
    "manure_ch4",
    "manure_n2o",
    "rice_ch4",
    "soil_n2o",
    "soil_n2o_deposition",
    "soil_n2o_direct",
    "soil_n2o_leaching",
]

ZONES: Final = ("north", "northeast", "east", "central_south", "southwest", "northwest")
SOIL_ZONES: Final = ("I", "II", "III", "IV", "V", "VI")
RICE_TYPES: Final = ("single", "double_early", "double_late")
SPECIES: Final = (
    "dairy_cattle",
    "non_dairy_cattle",
    "buffalo",
    "sheep",
    "goat",
    "swine",
    "poultry",
    "horse",
    "donkey",
    "mule",
    "camel",
)
#: Feeding systems of the guideline's enteric factors: 规模化饲养, 农户散养, 放牧饲养.
FEEDING_SYSTEMS: Final = ("intensive", "household", "grazing")
N_SOURCES: Final = ("fertiliser", "manure", "residue", "other")


def _zones(groups: Mapping[str, str]) -> dict[str, str]:
    return {province: zone for zone, members in groups.items() for province in members.split()}


#: Province → region of the rice and manure factor tables (the six administrative regions).
PROVINCE_ZONES: Final = _zones(
    {
        "north": "beijing tianjin hebei shanxi inner_mongolia",
        "northeast": "liaoning jilin heilongjiang",
        "east": "shanghai jiangsu zhejiang anhui fujian jiangxi shandong",
        "central_south": "henan hubei hunan guangdong guangxi hainan",
        "southwest": "chongqing sichuan guizhou yunnan xizang",
        "northwest": "shaanxi gansu qinghai ningxia xinjiang",
    }
)
#: Province → zone of the direct N2O factor of agricultural soils.
PROVINCE_SOIL_ZONES: Final = _zones(
    {
        "I": "inner_mongolia xinjiang gansu qinghai xizang shaanxi shanxi ningxia",
        "II": "heilongjiang jilin liaoning",
        "III": "beijing tianjin hebei henan shandong",
        "IV": "zhejiang shanghai jiangsu anhui jiangxi hunan hubei sichuan chongqing",
        "V": "guangdong guangxi hainan fujian",
        "VI": "yunnan guizhou",
    }
)


# -- formulas ----------------------------------------------------------------------------------


def rice_ch4(area_ha: Num, ef_kg_per_ha: Num) -> Num:
    """CH4 from rice paddies [t CH4].

    Parameters
    ----------
    area_ha : float or ndarray
        Harvested (sown) area of the rice type [ha].
    ef_kg_per_ha : float or ndarray
        Seasonal emission factor of the rice type and region [kg CH4/ha].

    Notes
    -----
    .. math:: E_{CH_4} = \\sum_i A_i \\cdot EF_i \\cdot 10^{-3}

    for rice types *i* (single, double-cropped early and late rice).

    References
    ----------
    《省级温室气体清单编制指南（试行）》(2011) 第三章 稻田甲烷排放 (by region and rice type);
    IPCC (2006) Vol. 4 Ch. 5 Eq. 5.1.
    """
    return area_ha * ef_kg_per_ha / 1000


def enteric_ch4(population: Num, ef_kg_per_head: Num) -> Num:
    """CH4 from enteric fermentation [t CH4].

    Parameters
    ----------
    population : float or ndarray
        Average annual population of the species [head].
    ef_kg_per_head : float or ndarray
        Emission factor [kg CH4/(head·yr)].

    Notes
    -----
    .. math:: E_{CH_4} = N \\cdot EF \\cdot 10^{-3}

    References
    ----------
    《省级温室气体清单编制指南（试行）》(2011) 第三章 动物肠道发酵甲烷排放; IPCC (2006) Vol. 4
    Ch. 10 Eq. 10.19, 10.20.
    """
    return population * ef_kg_per_head / 1000


def manure_ch4(population: Num, ef_kg_per_head: Num) -> Num:
    """CH4 from manure management [t CH4].

    Parameters
    ----------
    population : float or ndarray
        Average annual population [head].
    ef_kg_per_head : float or ndarray
        Emission factor of the species and region [kg CH4/(head·yr)].

    Notes
    -----
    .. math:: E_{CH_4} = N \\cdot EF \\cdot 10^{-3}

    References
    ----------
    《省级温室气体清单编制指南（试行）》(2011) 第三章 动物粪便管理甲烷排放; IPCC (2006) Vol. 4
    Ch. 10 Eq. 10.22.
    """
    return population * ef_kg_per_head / 1000


def manure_n2o(population: Num, ef_kg_per_head: Num) -> Num:
    """N2O from manure management [t N2O].

    Parameters
    ----------
    population : float or ndarray
        Average annual population [head].
    ef_kg_per_head : float or ndarray
        Emission factor of the species and region [kg N2O/(head·yr)].

    Notes
    -----
    .. math:: E_{N_2O} = N \\cdot EF \\cdot 10^{-3}

    References
    ----------
    《省级温室气体清单编制指南（试行）》(2011) 第三章 动物粪便管理氧化亚氮排放 (per-head factors
    by region); IPCC (2006) Vol. 4 Ch. 10 Eq. 10.25 (the per-head form of the N2O balance).
    """
    return population * ef_kg_per_head / 1000


def soil_n2o_direct(n_input: Num, ef_direct: Num) -> Num:
    """Direct N2O of nitrogen added to agricultural soils [t N2O].

    Parameters
    ----------
    n_input : float or ndarray
        Nitrogen applied (fertiliser, manure, crop residue returned) [t N].
    ef_direct : float or ndarray
        Direct emission factor EF1 [kg N2O-N/kg N] as a fraction.

    Notes
    -----
    .. math:: N_2O_{direct} = N \\cdot EF_1 \\cdot \\tfrac{44}{28}

    References
    ----------
    《省级温室气体清单编制指南（试行）》(2011) 第三章 农用地氧化亚氮直接排放; IPCC (2006) Vol. 4
    Ch. 11 Eq. 11.1.
    """
    return n_input * ef_direct * 44 / 28


def soil_n2o_deposition(n_input: Num, frac_volatilised: Num, ef_deposition: Num) -> Num:
    """Indirect N2O of nitrogen volatilised and deposited again [t N2O].

    Parameters
    ----------
    n_input : float or ndarray
        Nitrogen applied [t N].
    frac_volatilised : float or ndarray
        Share volatilised as NH3 and NOx, Frac_GASF (fertiliser) or Frac_GASM (manure)
        [fraction].
    ef_deposition : float or ndarray
        Emission factor of deposited nitrogen EF4 [kg N2O-N/kg N] as a fraction.

    Notes
    -----
    .. math:: N_2O_{ATD} = N \\cdot Frac_{GAS} \\cdot EF_4 \\cdot \\tfrac{44}{28}

    References
    ----------
    《省级温室气体清单编制指南（试行）》(2011) 第三章 大气氮沉降引起的间接排放; IPCC (2006)
    Vol. 4 Ch. 11 Eq. 11.9.
    """
    return n_input * frac_volatilised * ef_deposition * 44 / 28


def soil_n2o_leaching(n_input: Num, frac_leached: Num, ef_leaching: Num) -> Num:
    """Indirect N2O of nitrogen leached or run off [t N2O].

    Parameters
    ----------
    n_input : float or ndarray
        Nitrogen applied [t N].
    frac_leached : float or ndarray
        Share lost by leaching and runoff Frac_LEACH [fraction].
    ef_leaching : float or ndarray
        Emission factor EF5 [kg N2O-N/kg N] as a fraction.

    Notes
    -----
    .. math:: N_2O_{L} = N \\cdot Frac_{LEACH} \\cdot EF_5 \\cdot \\tfrac{44}{28}

    References
    ----------
    《省级温室气体清单编制指南（试行）》(2011) 第三章 淋溶径流引起的间接排放; IPCC (2006)
    Vol. 4 Ch. 11 Eq. 11.10.
    """
    return n_input * frac_leached * ef_leaching * 44 / 28


def soil_n2o(
    n_input: Num,
    ef_direct: Num,
    frac_volatilised: Num,
    ef_deposition: Num,
    frac_leached: Num,
    ef_leaching: Num,
) -> Num:
    """Direct plus indirect N2O of nitrogen added to agricultural soils [t N2O].

    Notes
    -----
    .. math:: N_2O = N \\cdot (EF_1 + Frac_{GAS} \\cdot EF_4 + Frac_{LEACH} \\cdot EF_5)
              \\cdot \\tfrac{44}{28}

    The sum of :func:`soil_n2o_direct`, :func:`soil_n2o_deposition` and
    :func:`soil_n2o_leaching` (parameters and references there).
    """
    return (
        soil_n2o_direct(n_input, ef_direct)
        + soil_n2o_deposition(n_input, frac_volatilised, ef_deposition)
        + soil_n2o_leaching(n_input, frac_leached, ef_leaching)
    )


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
    choices: tuple[str, ...] = (),
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
        maximum=1.0 if kind == "fraction" else None,
        choices=choices,
        uncertainty_pct=pct,
    )


def _zone_context(context: Mapping[str, str]) -> dict[str, str]:
    """The regional zones of a line: as given, else those of the inventory's province when the
    context carries it (``region``)."""
    result: dict[str, str] = {}
    province = context.get("region", "")
    if not context.get("zone") and province in PROVINCE_ZONES:
        result["zone"] = PROVINCE_ZONES[province]
    if not context.get("soil_zone") and province in PROVINCE_SOIL_ZONES:
        result["soil_zone"] = PROVINCE_SOIL_ZONES[province]
    return result


_ZONE = _param(
    "zone",
    "choice",
    "Region of the factor table (default: the province's)",
    "区域（华北、东北、华东、中南、西南、西北）",
    choices=ZONES,
    required=False,
)
_SPECIES = _param("species", "choice", "Animal species", "动物种类", choices=SPECIES)
_POPULATION = _param(
    "population", "count", "Average annual population", "年平均存栏量（头、只）", pct=10.0
)


# -- rice ----------------------------------------------------------------------------------------


def _rice(values: Values) -> dict[str, Any]:
    return {"CH4": rice_ch4(values["area"], values["ef"])}


RICE: Final = register(
    Category(
        id="agriculture.rice",
        code="4C",
        sector="agriculture",
        name_en="Rice cultivation: CH4",
        name_zh="稻田甲烷排放",
        gases=("CH4",),
        params=(
            _param("rice_type", "choice", "Rice type", "水稻类型", choices=RICE_TYPES),
            _ZONE,
            _param("area", "activity", "Harvested area", "播种面积", ("ha",), pct=5.0),
            _param(
                "ef",
                "parameter",
                "Emission factor of the rice type in the region",
                "稻田甲烷排放因子",
                ("kgCH4/ha",),
                default=("rice_ch4_ef", ("{rice_type}:{zone}",)),
            ),
        ),
        compute=_rice,
        formula="CH4 = Σ area_type × EF_type,region",
        reference=(
            "《省级温室气体清单编制指南（试行）》(2011) 第三章 稻田甲烷排放; IPCC 2006 Vol. 4 "
            "Ch. 5 Eq. 5.1"
        ),
        context=_zone_context,
        terms=lambda values: [("CH4", 1e-3, ("area", "ef"), ())],
    )
)


# -- livestock -----------------------------------------------------------------------------------


def _enteric(values: Values) -> dict[str, Any]:
    return {"CH4": enteric_ch4(values["population"], values["ef"])}


ENTERIC: Final = register(
    Category(
        id="agriculture.enteric_fermentation",
        code="4A",
        sector="agriculture",
        name_en="Enteric fermentation: CH4",
        name_zh="动物肠道发酵甲烷排放",
        gases=("CH4",),
        params=(
            _SPECIES,
            _param(
                "feeding",
                "choice",
                "Feeding system: intensive, household or grazing",
                "饲养方式（规模化、农户散养、放牧）",
                choices=FEEDING_SYSTEMS,
                required=False,
            ),
            _POPULATION,
            _param(
                "ef",
                "parameter",
                "Emission factor per head and year",
                "肠道发酵甲烷排放因子",
                ("kgCH4/head",),
                default=("enteric_ch4_ef", ("{species}:{feeding}", "{species}")),
            ),
        ),
        compute=_enteric,
        formula="CH4 = Σ population_species,feeding × EF_species,feeding",
        reference=(
            "《省级温室气体清单编制指南（试行）》(2011) 第三章 动物肠道发酵甲烷排放; IPCC 2006 "
            "Vol. 4 Ch. 10 Eq. 10.19, Tables 10.10, 10.11"
        ),
        key_group=lambda values: f"4A {values['species']}",
        terms=lambda values: [("CH4", 1e-3, ("population", "ef"), ())],
    )
)


def _manure(values: Values) -> dict[str, Any]:
    population = values["population"]
    return {
        "CH4": manure_ch4(population, values["ch4_ef"]),
        "N2O": manure_n2o(population, values["n2o_ef"]),
    }


MANURE: Final = register(
    Category(
        id="agriculture.manure_management",
        code="4B",
        sector="agriculture",
        name_en="Manure management: CH4 and N2O",
        name_zh="动物粪便管理甲烷和氧化亚氮排放",
        gases=("CH4", "N2O"),
        params=(
            _SPECIES,
            _ZONE,
            _POPULATION,
            _param(
                "ch4_ef",
                "parameter",
                "CH4 emission factor per head and year",
                "粪便管理甲烷排放因子",
                ("kgCH4/head",),
                default=("manure_ch4_ef", ("{species}:{zone}", "{species}")),
            ),
            _param(
                "n2o_ef",
                "parameter",
                "N2O emission factor per head and year",
                "粪便管理氧化亚氮排放因子",
                ("kgN2O/head",),
                default=("manure_n2o_ef", ("{species}:{zone}", "{species}")),
            ),
        ),
        compute=_manure,
        formula="CH4 = Σ N × EF_CH4; N2O = Σ N × EF_N2O (by species and region)",
        reference=(
            "《省级温室气体清单编制指南（试行）》(2011) 第三章 动物粪便管理甲烷和氧化亚氮排放; "
            "IPCC 2006 Vol. 4 Ch. 10 Eq. 10.22, 10.25"
        ),
        context=_zone_context,
        key_group=lambda values: f"4B {values['species']}",
        terms=lambda values: [
            ("CH4", 1e-3, ("population", "ch4_ef"), ()),
            ("N2O", 1e-3, ("population", "n2o_ef"), ()),
        ],
    )
)


# -- agricultural soils --------------------------------------------------------------------------


def _soils(values: Values) -> dict[str, Any]:
    return {
        "N2O": soil_n2o(
            values["n_input"],
            values["ef_direct"],
            values["frac_volatilised"],
            values["ef_deposition"],
            values["frac_leached"],
            values["ef_leaching"],
        )
    }


def _soil_terms(values: Values) -> list[Term]:
    k = 44 / 28
    return [
        ("N2O", k, ("n_input", "ef_direct"), ()),
        ("N2O", k, ("n_input", "frac_volatilised", "ef_deposition"), ()),
        ("N2O", k, ("n_input", "frac_leached", "ef_leaching"), ()),
    ]


SOILS: Final = register(
    Category(
        id="agriculture.soils",
        code="4D",
        sector="agriculture",
        name_en="Agricultural soils: N2O, direct and indirect",
        name_zh="农用地氧化亚氮排放（直接和间接）",
        gases=("N2O",),
        params=(
            _param(
                "source",
                "choice",
                "Nitrogen source: fertiliser, manure, residue (straw returned), other",
                "氮输入来源（化肥、粪肥、秸秆还田、其他）",
                choices=N_SOURCES,
            ),
            _param(
                "soil_zone",
                "choice",
                "Zone of the direct emission factor (I-VI; default: the province's)",
                "农用地N2O直接排放因子区域",
                choices=SOIL_ZONES,
                required=False,
            ),
            _param("n_input", "activity", "Nitrogen applied", "氮输入量", ("t",), pct=10.0),
            _param(
                "ef_direct",
                "fraction",
                "Direct emission factor (kg N2O-N per kg N)",
                "直接排放因子",
                default=("soil_n2o_ef_direct", ("{soil_zone}", "all")),
            ),
            _param(
                "frac_volatilised",
                "fraction",
                "Share of the nitrogen volatilised (NH3, NOx)",
                "挥发比例",
                default=("soil_frac_volatilised", ("{source}",)),
            ),
            _param(
                "ef_deposition",
                "fraction",
                "Emission factor of nitrogen deposited (kg N2O-N per kg N)",
                "大气沉降排放因子",
                default=("soil_n2o_ef_deposition", ("deposition",)),
            ),
            _param(
                "frac_leached",
                "fraction",
                "Share of the nitrogen lost by leaching and runoff",
                "淋溶径流损失比例",
                default=("soil_frac_leached", ("{source}", "all")),
            ),
            _param(
                "ef_leaching",
                "fraction",
                "Emission factor of nitrogen leached (kg N2O-N per kg N)",
                "淋溶径流排放因子",
                default=("soil_n2o_ef_leaching", ("leaching",)),
            ),
        ),
        compute=_soils,
        formula=(
            "N2O = N × (EF1 + Frac_GAS × EF4 + Frac_LEACH × EF5) × 44/28, per nitrogen source"
        ),
        reference=(
            "《省级温室气体清单编制指南（试行）》(2011) 第三章 农用地氧化亚氮排放; IPCC 2006 "
            "Vol. 4 Ch. 11 Eq. 11.1, 11.9, 11.10, Tables 11.1, 11.3"
        ),
        context=_zone_context,
        key_group=lambda values: "4D",
        terms=_soil_terms,
    )
)
