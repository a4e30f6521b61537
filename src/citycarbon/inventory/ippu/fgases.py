"""Fluorinated gases: electrical equipment SF6 (2F8), semiconductor manufacturing (2F7) and HFC
consumption in refrigeration, air conditioning, foams, fire protection, aerosols and solvents
(2F1-2F6).

References
----------
.. [1] 《省级温室气体清单编制指南（试行）》(2011) 第二章 工业生产过程: 电力设备生产过程 SF6,
       半导体生产过程 HFCs/PFCs/SF6, 氢氟烃的生产和使用.
.. [2] IPCC (2006) Vol. 3: Ch. 8 §8.2 (electrical equipment, default-emission-factor method:
       emissions of manufacturing, use and disposal); Ch. 6 Eq. 6.2 (semiconductors, Tier 2a);
       Ch. 7 §7.5.2 (refrigeration and air conditioning, sales-based mass balance).
"""

from __future__ import annotations

from typing import Any, Final

from citycarbon.inventory.model import Category, Num, Values, param
from citycarbon.inventory.registry import register

__all__ = [
    "ELECTRICAL_EQUIPMENT",
    "EQUIPMENT_STAGES",
    "HFC_APPLICATIONS",
    "HFC_CONSUMPTION",
    "HFC_GASES",
    "SEMICONDUCTOR",
    "SEMICONDUCTOR_GASES",
    "equipment_sf6",
    "hfc_sales_balance",
    "semiconductor_fgas",
]

EQUIPMENT_STAGES: Final = ("manufacturing", "installation", "use", "disposal")
#: Gases of the six inventory groups used in etching and chamber cleaning (NF3 is outside them).
SEMICONDUCTOR_GASES: Final = ("CF4", "C2F6", "C3F8", "HFC23", "SF6")
#: HFCs with a GWP in citycarbon.units. SAR has none for HFC-245fa (a foam blowing agent): a
#: line that emits it is refused under SAR, naming the line, and computes under AR4 and later.
HFC_GASES: Final = (
    "HFC23",
    "HFC32",
    "HFC125",
    "HFC134a",
    "HFC143a",
    "HFC152a",
    "HFC227ea",
    "HFC236fa",
    "HFC245fa",
)
#: Applications and their IPCC 1996 sub-category codes.
HFC_APPLICATIONS: Final = {
    "refrigeration": "2F1",
    "stationary_ac": "2F1",
    "mobile_ac": "2F1",
    "foam": "2F2",
    "fire_protection": "2F3",
    "aerosol": "2F4",
    "solvent": "2F5",
    "other": "2F6",
}


def equipment_sf6(amount: Num, ef: Num, recovered: Num) -> Num:
    """SF6 emitted at one life-cycle stage of electrical equipment [t SF6].

    Parameters
    ----------
    amount : float or ndarray
        SF6 of the stage [t]: consumed by manufacturers (manufacturing), charged into new
        equipment on site (installation), nameplate capacity installed (use), nameplate capacity
        of equipment retired (disposal).
    ef : float or ndarray
        Emission factor of the stage [fraction of ``amount``; per year for use].
    recovered : float or ndarray
        SF6 recovered at the stage (at disposal) [t].

    Notes
    -----
    .. math:: E_{stage} = A_{stage} \\cdot EF_{stage} - R_{stage}

    The total is the sum over the stages (lines).

    References
    ----------
    IPCC (2006) Vol. 3 Ch. 8 §8.2.2 (Tier 1 default-emission-factor method: manufacturing,
    installation, use and disposal emissions); 《省级温室气体清单编制指南（试行）》(2011) 第二章
    电力设备生产过程 SF6.
    """
    return amount * ef - recovered


def semiconductor_fgas(
    used: Num, heel: Num, utilisation: Num, abated: Num, destruction: Num
) -> Num:
    """Emissions of one fluorinated gas used in semiconductor manufacturing [t].

    Parameters
    ----------
    used : float or ndarray
        Gas purchased and fed to the process FC [t].
    heel : float or ndarray
        Share left in shipping containers h [fraction].
    utilisation : float or ndarray
        Share of the gas used (destroyed or transformed) in the process U [fraction].
    abated : float or ndarray
        Share of the gas used in process tools with abatement a [fraction].
    destruction : float or ndarray
        Destruction efficiency of the abatement d [fraction].

    Notes
    -----
    .. math:: E = FC \\cdot (1 - h) \\cdot (1 - U) \\cdot (1 - a \\cdot d)

    By-product CF4 formed from other gases is not included.

    References
    ----------
    IPCC (2006) Vol. 3 Ch. 6 Eq. 6.2 (Tier 2a), Table 6.3; 《省级温室气体清单编制指南（试行）》
    (2011) 第二章 半导体生产过程.
    """
    return used * (1 - heel) * (1 - utilisation) * (1 - abated * destruction)


def hfc_sales_balance(sales: Num, new_charge: Num, retired_charge: Num, destroyed: Num) -> Num:
    """HFC emitted from equipment and products, by the sales-based mass balance [t].

    Parameters
    ----------
    sales : float or ndarray
        New gas sold to (consumed in) the application in the year, including for servicing [t].
    new_charge : float or ndarray
        Total charge of new equipment filled in the year [t].
    retired_charge : float or ndarray
        Original total charge of equipment retired in the year [t].
    destroyed : float or ndarray
        Gas recovered from retired equipment and destroyed [t].

    Notes
    -----
    .. math:: E = S - C_{new} + C_{retired} - D

    For prompt-emissive uses (aerosols, solvents) with no equipment the emissions are the sales.

    References
    ----------
    IPCC (2006) Vol. 3 Ch. 7 §7.5.2 (mass-balance approach for refrigeration and air
    conditioning); IPCC (1997) Revised 1996 Reference Manual Vol. 3 §2.17 (actual emissions of
    HFCs); 《省级温室气体清单编制指南（试行）》(2011) 第二章 氢氟烃的使用.
    """
    return sales - new_charge + retired_charge - destroyed


def _equipment(values: Values) -> dict[str, Any]:
    return {"SF6": equipment_sf6(values["amount"], values["ef"], values["recovered"])}


def _equipment_check(values: Values) -> list[tuple[str, str]]:
    if values["recovered"] > values["amount"] * values["ef"]:
        return [("recovered", "more SF6 recovered than the stage releases")]
    return []


ELECTRICAL_EQUIPMENT: Final = register(
    Category(
        id="ippu.electrical_equipment_sf6",
        code="2F8",
        sector="ippu",
        name_en="Electrical equipment: SF6 (manufacturing, installation, use, disposal)",
        name_zh="电力设备 SF6（生产、安装、使用、报废）",
        gases=("SF6",),
        params=(
            param("stage", "choice", "Life-cycle stage", "生命周期阶段", choices=EQUIPMENT_STAGES),
            param(
                "amount",
                "activity",
                "SF6 of the stage: consumed, charged, installed or retired",
                "SF6 使用量/充装量/在用量/报废设备充装量",
                ("tSF6",),
            ),
            param(
                "ef",
                "fraction",
                "Emission factor of the stage",
                "排放因子",
                default=("equipment_sf6_ef", ("{stage}",)),
            ),
            param(
                "recovered",
                "activity",
                "SF6 recovered at the stage",
                "SF6 回收量",
                ("tSF6",),
                fallback=0.0,
            ),
        ),
        compute=_equipment,
        formula="SF6 = Σ_stages amount × EF − recovered",
        reference=(
            "IPCC 2006 Vol. 3 Ch. 8 §8.2.2; 《省级温室气体清单编制指南（试行）》(2011) 第二章 "
            "电力设备生产过程 SF6"
        ),
        check=_equipment_check,
        subcategory=lambda values: "2F8",
        terms=lambda values: [
            ("SF6", 1.0, ("amount", "ef"), ()),
            ("SF6", -1.0, ("recovered",), ()),
        ],
    )
)


def _semiconductor(values: Values) -> dict[str, Any]:
    gas = str(values["gas"])
    return {
        gas: semiconductor_fgas(
            values["used"],
            values["heel"],
            values["utilisation"],
            values["abated"],
            values["destruction"],
        )
    }


SEMICONDUCTOR: Final = register(
    Category(
        id="ippu.semiconductor",
        code="2F7",
        sector="ippu",
        name_en="Semiconductor manufacturing: HFCs, PFCs, SF6",
        name_zh="半导体生产过程 HFCs、PFCs、SF6",
        gases=SEMICONDUCTOR_GASES,
        params=(
            param("gas", "choice", "Gas", "气体", choices=SEMICONDUCTOR_GASES),
            param("used", "activity", "Gas purchased and used", "气体使用量", ("t",)),
            param(
                "heel",
                "fraction",
                "Share left in shipping containers",
                "容器中气体残余比例",
                default=("fgas_heel", ("container",)),
            ),
            param(
                "utilisation",
                "fraction",
                "Share of the gas used up in the process",
                "气体利用率",
                default=("fgas_utilisation", ("{gas}",)),
            ),
            param(
                "abated",
                "fraction",
                "Share of the gas used in tools with abatement",
                "安装尾气处理设备的比例",
                fallback=0.0,
            ),
            param(
                "destruction",
                "fraction",
                "Destruction efficiency of the abatement",
                "尾气处理设备去除效率",
                default=("fgas_destruction", ("{gas}",)),
            ),
        ),
        compute=_semiconductor,
        formula="E_gas = FC × (1 − h) × (1 − U) × (1 − a × d)",
        reference=(
            "IPCC 2006 Vol. 3 Ch. 6 Eq. 6.2, Table 6.3; 《省级温室气体清单编制指南（试行）》(2011) "
            "第二章 半导体生产过程"
        ),
    )
)


def _hfc(values: Values) -> dict[str, Any]:
    return {
        str(values["gas"]): hfc_sales_balance(
            values["sales"], values["new_charge"], values["retired_charge"], values["destroyed"]
        )
    }


def _hfc_check(values: Values) -> list[tuple[str, str]]:
    available = values["sales"] + values["retired_charge"]
    if values["new_charge"] + values["destroyed"] > available:
        return [
            (
                "new_charge",
                "the charge of new equipment plus the gas destroyed exceed the gas sold plus the "
                "charge of retired equipment",
            )
        ]
    return []


HFC_CONSUMPTION: Final = register(
    Category(
        id="ippu.hfc_consumption",
        code="2F",
        sector="ippu",
        name_en="HFC consumption (refrigeration, air conditioning, foams, aerosols, solvents …)",
        name_zh="氢氟烃（HFCs）的使用",
        gases=HFC_GASES,
        params=(
            param("gas", "choice", "HFC", "氢氟烃种类", choices=HFC_GASES),
            param(
                "application",
                "choice",
                "Application",
                "用途",
                choices=tuple(HFC_APPLICATIONS),
            ),
            param("sales", "activity", "Gas sold to the application in the year", "销售量", ("t",)),
            param(
                "new_charge",
                "activity",
                "Total charge of new equipment",
                "新设备充装量",
                ("t",),
                fallback=0.0,
            ),
            param(
                "retired_charge",
                "activity",
                "Original charge of equipment retired",
                "报废设备原始充装量",
                ("t",),
                fallback=0.0,
            ),
            param(
                "destroyed",
                "activity",
                "Gas recovered and destroyed",
                "回收销毁量",
                ("t",),
                fallback=0.0,
            ),
        ),
        compute=_hfc,
        formula="E = sales − charge of new equipment + charge of retired equipment − destroyed",
        reference=(
            "IPCC 2006 Vol. 3 Ch. 7 §7.5.2 (mass balance); IPCC 1996 Revised Reference Manual "
            "Vol. 3 §2.17; 《省级温室气体清单编制指南（试行）》(2011) 第二章"
        ),
        check=_hfc_check,
        subcategory=lambda values: HFC_APPLICATIONS[str(values["application"])],
        key_group=lambda values: f"2F {values['gas']}",
        subcategories={
            "2F1": ("制冷和空调", "refrigeration and air conditioning"),
            "2F2": ("泡沫发泡", "foam blowing"),
            "2F3": ("消防", "fire protection"),
            "2F4": ("气雾剂", "aerosols"),
            "2F5": ("溶剂", "solvents"),
            "2F6": ("其他", "other applications"),
        },
        terms=lambda values: [
            (str(values["gas"]), 1.0, ("sales",), ()),
            (str(values["gas"]), -1.0, ("new_charge",), ()),
            (str(values["gas"]), 1.0, ("retired_charge",), ()),
            (str(values["gas"]), -1.0, ("destroyed",), ()),
        ],
    )
)
