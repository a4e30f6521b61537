"""Metal industry: iron and steel CO2 (2C1), primary aluminium PFCs (2C3), magnesium SF6 (2C4).

Iron and steel counts the CO2 of the flux calcined (limestone, dolomite) and of the carbon lost
when pig iron is refined into steel; the coke and coal burnt in blast furnaces are energy (their
double counting is avoided in the energy sector).

References
----------
.. [1] 《省级温室气体清单编制指南（试行）》(2011) 第二章 工业生产过程: 钢铁生产过程 CO2,
       铝生产过程 PFCs, 镁生产过程 SF6.
.. [2] IPCC (2006) Vol. 3 Ch. 4: Eq. 4.9 (carbon mass balance of steelmaking), Table 4.3
       (carbon contents); Eq. 4.25, Table 4.15 (aluminium PFCs, Tier 1); §4.5 (magnesium SF6,
       Tier 1).
"""

from __future__ import annotations

from typing import Any, Final

from citycarbon.inventory.model import Category, Num, Values, param
from citycarbon.inventory.registry import register

__all__ = [
    "ALUMINIUM",
    "ALUMINIUM_TECHNOLOGIES",
    "IRON_STEEL",
    "MAGNESIUM",
    "aluminium_pfc",
    "iron_steel_co2",
    "magnesium_sf6",
]

#: Electrolysis cell technologies: centre-worked prebake (incl. point-feed, 点式下料预焙槽),
#: side-worked prebake, vertical-stud and horizontal-stud Søderberg (侧插阳极棒自焙槽).
ALUMINIUM_TECHNOLOGIES: Final = ("cwpb", "swpb", "vss", "hss")


def iron_steel_co2(
    limestone: Num,
    ef_limestone: Num,
    dolomite: Num,
    ef_dolomite: Num,
    pig_iron: Num,
    carbon_pig_iron: Num,
    steel: Num,
    carbon_steel: Num,
) -> Num:
    """Process CO2 of iron and steel production [t CO2].

    Parameters
    ----------
    limestone, dolomite : float or ndarray
        Limestone and dolomite used as flux [t].
    ef_limestone, ef_dolomite : float or ndarray
        Their emission factors [t CO2/t flux].
    pig_iron : float or ndarray
        Pig iron charged to steelmaking [t].
    carbon_pig_iron : float or ndarray
        Carbon content of pig iron [fraction].
    steel : float or ndarray
        Steel produced [t].
    carbon_steel : float or ndarray
        Carbon content of steel [fraction].

    Notes
    -----
    .. math:: E_{CO_2} = AD_{ls} \\cdot EF_{ls} + AD_{do} \\cdot EF_{do}
              + (AD_{iron} \\cdot F_{C,iron} - AD_{steel} \\cdot F_{C,steel})
              \\cdot \\tfrac{44}{12}

    References
    ----------
    《省级温室气体清单编制指南（试行）》(2011) 第二章 钢铁生产过程; IPCC (2006) Vol. 3 Ch. 4
    Eq. 4.9 (carbon balance), Table 4.3; Ch. 2 Eq. 2.14 (carbonates).
    """
    return (
        limestone * ef_limestone
        + dolomite * ef_dolomite
        + (pig_iron * carbon_pig_iron - steel * carbon_steel) * 44 / 12
    )


def aluminium_pfc(production: Num, ef_kg: Num) -> Num:
    """CF4 or C2F6 of primary aluminium smelting (anode effects) [t].

    Parameters
    ----------
    production : float or ndarray
        Primary aluminium produced [t].
    ef_kg : float or ndarray
        Emission factor of the cell technology [kg gas/t aluminium].

    Notes
    -----
    .. math:: E_{CF_4} = EF_{CF_4} \\cdot MP \\cdot 10^{-3}, \\qquad
              E_{C_2F_6} = EF_{C_2F_6} \\cdot MP \\cdot 10^{-3}

    References
    ----------
    《省级温室气体清单编制指南（试行）》(2011) 第二章 铝生产过程 PFCs; IPCC (2006) Vol. 3
    Ch. 4 Eq. 4.25 (Tier 1), Table 4.15.
    """
    return production * ef_kg / 1000


def magnesium_sf6(production: Num, ef_kg: Num) -> Num:
    """SF6 of magnesium production and casting [t SF6].

    Parameters
    ----------
    production : float or ndarray
        Magnesium cast [t].
    ef_kg : float or ndarray
        SF6 emitted per tonne of magnesium [kg SF6/t].

    Notes
    -----
    .. math:: E_{SF_6} = MG_c \\cdot EF_{SF_6} \\cdot 10^{-3}

    References
    ----------
    《省级温室气体清单编制指南（试行）》(2011) 第二章 镁生产过程 SF6; IPCC (2006) Vol. 3 Ch. 4
    §4.5.2.1 (Tier 1, default 1 kg SF6/t Mg cast).
    """
    return production * ef_kg / 1000


def _iron_steel(values: Values) -> dict[str, Any]:
    return {
        "CO2": iron_steel_co2(
            values["limestone"],
            values["ef_limestone"],
            values["dolomite"],
            values["ef_dolomite"],
            values["pig_iron"],
            values["carbon_pig_iron"],
            values["steel"],
            values["carbon_steel"],
        )
    }


def _iron_steel_check(values: Values) -> list[tuple[str, str]]:
    if values["steel"] * values["carbon_steel"] > values["pig_iron"] * values["carbon_pig_iron"]:
        return [
            (
                "steel",
                "the steel holds more carbon than the pig iron charged (steel from scrap belongs "
                "to a line without pig iron and without steel carbon loss)",
            )
        ]
    return []


def _flux(name: str, en: str, zh: str) -> tuple[Any, Any]:
    return (
        param(name, "activity", f"{en} used as flux", f"{zh}熔剂消耗量", ("t",), fallback=0.0),
        param(
            f"ef_{name}",
            "parameter",
            f"Emission factor of {en.lower()} flux",
            f"{zh}熔剂排放因子",
            ("tCO2/t",),
            default=("steel_flux_ef", (name,)),
        ),
    )


IRON_STEEL: Final = register(
    Category(
        id="ippu.iron_steel",
        code="2C1",
        sector="ippu",
        name_en="Iron and steel production: process CO2",
        name_zh="钢铁生产过程 CO2",
        gases=("CO2",),
        params=(
            *_flux("limestone", "Limestone", "石灰石"),
            *_flux("dolomite", "Dolomite", "白云石"),
            param(
                "pig_iron",
                "activity",
                "Pig iron charged to steelmaking",
                "炼钢用生铁量",
                ("t",),
                fallback=0.0,
            ),
            param(
                "carbon_pig_iron",
                "fraction",
                "Carbon content of pig iron",
                "生铁含碳率",
                default=("carbon_content_metal", ("pig_iron",)),
            ),
            param("steel", "activity", "Steel produced", "钢材产量", ("t",), fallback=0.0),
            param(
                "carbon_steel",
                "fraction",
                "Carbon content of steel",
                "钢材含碳率",
                default=("carbon_content_metal", ("steel",)),
            ),
        ),
        compute=_iron_steel,
        formula=(
            "CO2 = limestone × EF_ls + dolomite × EF_do + (pig iron × C_iron − steel × C_steel) "
            "× 44/12"
        ),
        reference=(
            "《省级温室气体清单编制指南（试行）》(2011) 第二章 钢铁生产过程; IPCC 2006 Vol. 3 "
            "Ch. 4 Eq. 4.9, Table 4.3"
        ),
        check=_iron_steel_check,
        terms=lambda values: [
            ("CO2", 1.0, ("limestone", "ef_limestone"), ()),
            ("CO2", 1.0, ("dolomite", "ef_dolomite"), ()),
            ("CO2", 44 / 12, ("pig_iron", "carbon_pig_iron"), ()),
            ("CO2", -44 / 12, ("steel", "carbon_steel"), ()),
        ],
    )
)


def _aluminium(values: Values) -> dict[str, Any]:
    production = values["production"]
    return {
        "CF4": aluminium_pfc(production, values["cf4_ef"]),
        "C2F6": aluminium_pfc(production, values["c2f6_ef"]),
    }


ALUMINIUM: Final = register(
    Category(
        id="ippu.aluminium_pfc",
        code="2C3",
        sector="ippu",
        name_en="Primary aluminium production: PFCs (CF4, C2F6)",
        name_zh="铝生产过程 PFCs（CF4、C2F6）",
        gases=("CF4", "C2F6"),
        params=(
            param(
                "technology",
                "choice",
                "Cell technology: cwpb (centre-worked / point-feed prebake), swpb, vss, hss",
                "电解槽技术",
                choices=ALUMINIUM_TECHNOLOGIES,
            ),
            param("production", "activity", "Primary aluminium produced", "原铝产量", ("t",)),
            param(
                "cf4_ef",
                "parameter",
                "CF4 per tonne of aluminium",
                "CF4排放因子",
                ("kgCF4/t",),
                default=("aluminium_cf4_ef", ("{technology}",)),
            ),
            param(
                "c2f6_ef",
                "parameter",
                "C2F6 per tonne of aluminium",
                "C2F6排放因子",
                ("kgC2F6/t",),
                default=("aluminium_c2f6_ef", ("{technology}",)),
            ),
        ),
        compute=_aluminium,
        formula="CF4 = MP × EF_CF4; C2F6 = MP × EF_C2F6 (by cell technology)",
        reference=(
            "《省级温室气体清单编制指南（试行）》(2011) 第二章 铝生产过程; IPCC 2006 Vol. 3 Ch. 4 "
            "Eq. 4.25, Table 4.15"
        ),
        terms=lambda values: [
            ("CF4", 1e-3, ("production", "cf4_ef"), ()),
            ("C2F6", 1e-3, ("production", "c2f6_ef"), ()),
        ],
    )
)


def _magnesium(values: Values) -> dict[str, Any]:
    return {"SF6": magnesium_sf6(values["production"], values["ef"])}


MAGNESIUM: Final = register(
    Category(
        id="ippu.magnesium_sf6",
        code="2C4",
        sector="ippu",
        name_en="Magnesium production: SF6",
        name_zh="镁生产过程 SF6",
        gases=("SF6",),
        params=(
            param("production", "activity", "Magnesium cast", "原镁产量", ("t",)),
            param(
                "ef",
                "parameter",
                "SF6 per tonne of magnesium",
                "SF6排放因子",
                ("kgSF6/t",),
                default=("magnesium_sf6_ef", ("magnesium",)),
            ),
        ),
        compute=_magnesium,
        formula="SF6 = magnesium cast × EF_SF6",
        reference=(
            "《省级温室气体清单编制指南（试行）》(2011) 第二章 镁生产过程; IPCC 2006 Vol. 3 Ch. 4 "
            "§4.5.2.1"
        ),
        terms=lambda values: [("SF6", 1e-3, ("production", "ef"), ())],
    )
)
