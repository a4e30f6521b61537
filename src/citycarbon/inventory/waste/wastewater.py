"""Wastewater (废水处理): CH4 from the organic load of domestic (6B2) and industrial (6B1)
wastewater by treatment or discharge system, and N2O from the nitrogen in domestic effluent (6B2).

References
----------
.. [1] 《省级温室气体清单编制指南（试行）》(2011) 第五章 生活污水和工业废水处理 CH4, 废水处理 N2O.
.. [2] IPCC (2006) Vol. 5 Ch. 6 (Eq. 6.1-6.8, Tables 6.2, 6.3, 6.8, 6.11).
"""

from __future__ import annotations

from typing import Any, Final

from citycarbon.inventory.model import Category, Num, Param, Term, Values, param
from citycarbon.inventory.registry import register

__all__ = [
    "SYSTEMS",
    "WASTEWATER_DOMESTIC",
    "WASTEWATER_INDUSTRIAL",
    "WASTEWATER_N2O",
    "wastewater_ch4",
    "wastewater_effluent_n2o",
    "wastewater_effluent_nitrogen",
]

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
        param(
            "basis",
            "choice",
            "Basis of the organic load: bod or cod",
            "有机物指标（BOD或COD）",
            choices=basis_choices,
        ),
        param(
            "system",
            "choice",
            "Treatment or discharge system",
            "处理或排放系统",
            choices=SYSTEMS,
        ),
        param(
            "organics",
            "activity",
            "Organic load in the wastewater (TOW), on the chosen basis",
            "废水中有机物总量（TOW）",
            ("t",),
            pct=30.0,
        ),
        param(
            "sludge_removed",
            "activity",
            "Organic load removed as sludge (S)",
            "以污泥形式清除的有机物",
            ("t",),
            fallback=0.0,
        ),
        param(
            "b0",
            "parameter",
            "Maximum CH4 producing capacity on the chosen basis",
            "甲烷最大产生能力 B0",
            ("kgCH4/kg",),
            default=("wastewater_b0", ("{basis}",)),
            pct=30.0,
        ),
        param(
            "mcf",
            "fraction",
            "Methane correction factor of the system",
            "甲烷修正因子 MCF",
            default=("wastewater_mcf", ("{system}",)),
            pct=30.0,
        ),
        param(
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
            param(
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
            param("population", "count", "Population served", "人口", pct=5.0),
            param(
                "protein",
                "parameter",
                "Protein consumption per person and year",
                "人均年蛋白质消费量",
                ("kg/yr",),
                pct=10.0,
            ),
            param(
                "f_npr",
                "fraction",
                "Nitrogen in protein (F_NPR)",
                "蛋白质中的氮含量",
                default=("wastewater_f_npr", ("protein",)),
            ),
            param(
                "f_non_con",
                "parameter",
                "Factor for non-consumed protein in the wastewater (F_NON-CON)",
                "废水中非消费蛋白质因子",
                ("fraction",),
                default=("wastewater_f_non_con", ("eastern_asia", "default")),
            ),
            param(
                "f_ind_com",
                "parameter",
                "Factor for industrial and commercial co-discharged protein (F_IND-COM)",
                "工业和商业共排蛋白质因子",
                ("fraction",),
                default=("wastewater_f_ind_com", ("sewer",)),
            ),
            param(
                "sludge_n",
                "activity",
                "Nitrogen removed with sludge",
                "随污泥清除的氮",
                ("t",),
                fallback=0.0,
            ),
            param(
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
