"""Fossil-fuel combustion (化石燃料燃烧), sectoral approach, from the energy balance.

Which fuel is counted where (the method against double counting)
-----------------------------------------------------------------
The sectoral approach counts fuel where it is *burnt*:

* the inputs of thermal power (火力发电) and heat supply (供热) — category 1A1a;
* final consumption (终端消费量) of every sector and sub-sector, less its non-energy use
  (用作原料、材料), under the IPCC 1996 category of the sector (see
  :data:`~citycarbon.inventory.energy.balance.ROWS`).

The inputs of coal washing, coking, petroleum refining, gas works, gas liquefaction and
briquetting are **not** counted: their carbon only changes form (coal → coke and coke-oven gas,
crude oil → oil products), and the products are counted where they are burnt. Counting the coal
charged to coke ovens *and* the coke burnt in blast furnaces would count that carbon twice. The
fuel the coking and refining plants burn for their own heat is final consumption of the sub-sector
``ind_petroleum_coking`` (1A1bc) and is counted there. Carbon lost in transformation (input
carbon − output carbon) is not a combustion emission in the sectoral approach; it shows up in the
reference approach and explains part of the difference between the two.

Gases recovered from a process and burnt elsewhere (row ``recovery``, 回收能: blast-furnace and
converter gas) carry carbon already counted with the coke or coal that made them. Their carbon
(quantity × NCV × carbon content × 44/12) is deducted from the sub-sector they came from
(``recovery_from``, default ``ind_ferrous_metals``), and the gases are counted where burnt.

References
----------
.. [1] 国家发展改革委办公厅 (2011) 《省级温室气体清单编制指南（试行）》, 第一章 能源活动,
       化石燃料燃烧 (sectoral approach by sector, fuel and main equipment; CO2 from carbon
       content and oxidation rate).
.. [2] IPCC (1997) Revised 1996 IPCC Guidelines, Reference Manual Vol. 3, §1.4 (sectoral
       approach), Workbook Worksheet 1-2; CH4 and N2O §1.4.2.
.. [3] IPCC (2006) 2006 IPCC Guidelines, Vol. 2, Ch. 2, Eq. 2.1 (Tier 1 stationary combustion,
       Emissions = Fuel consumption × EF) and Tables 2.2-2.5; Ch. 3 (mobile combustion).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from citycarbon.inventory.energy.balance import (
    COLUMNS,
    COMBUSTION_TRANSFORMATION,
    ROWS,
)
from citycarbon.inventory.model import (
    NOTHING,
    Category,
    Default,
    InventoryError,
    LineInput,
    Location,
    Num,
    Param,
    ParamUse,
    Term,
    Values,
    record,
)
from citycarbon.inventory.quantities import factor
from citycarbon.inventory.registry import register

__all__ = [
    "ACTIVITIES",
    "FUEL_COMBUSTION",
    "combustion_co2",
    "combustion_non_co2",
    "recovered_carbon_co2",
]

#: Balance rows that can be the activity (sector) of a combustion line.
ACTIVITIES: Final = tuple(r.id for r in ROWS.values() if r.code)
FUELS: Final = tuple(c.id for c in COLUMNS.values() if c.kind == "fuel")


def combustion_co2(quantity: Num, ncv: Num, carbon_content: Num, oxidation: Num) -> Num:
    """CO2 from burning a fossil fuel [tCO2].

    Parameters
    ----------
    quantity : float or ndarray
        Fuel burnt FC [t] (solid, liquid) or [10⁴ Nm³] (gas).
    ncv : float or ndarray
        Net calorific value NCV [GJ/t] or [GJ/10⁴ Nm³], matching ``quantity``.
    carbon_content : float or ndarray
        Carbon content per unit of heat CC [tC/TJ].
    oxidation : float or ndarray
        Carbon oxidation rate OF [fraction].

    Returns
    -------
    float or ndarray
        Emissions E [tCO2].

    Notes
    -----
    .. math:: E_{CO_2} = FC \\cdot NCV \\cdot 10^{-3} \\cdot CC \\cdot OF \\cdot \\tfrac{44}{12}

    References
    ----------
    《省级温室气体清单编制指南（试行）》(2011) 第一章, 化石燃料燃烧 CO2 (activity × carbon
    content × oxidation rate × 44/12); IPCC 1996 Revised, Workbook Worksheet 1-2 steps 1-4;
    IPCC 2006 Vol. 2 Ch. 2 Eq. 2.1 with EF = CC × OF × 44/12.
    """
    return quantity * ncv * carbon_content * oxidation * 44 / 12 / 1000


def combustion_non_co2(quantity: Num, ncv: Num, emission_factor: Num) -> Num:
    """CH4 or N2O from burning a fuel [t].

    Parameters
    ----------
    quantity : float or ndarray
        Fuel burnt FC [t] or [10⁴ Nm³].
    ncv : float or ndarray
        Net calorific value [GJ/t] or [GJ/10⁴ Nm³].
    emission_factor : float or ndarray
        Emission factor EF [kg gas/TJ].

    Notes
    -----
    .. math:: E = FC \\cdot NCV \\cdot 10^{-3} \\cdot EF \\cdot 10^{-3}

    References
    ----------
    IPCC 2006 Vol. 2 Ch. 2 Eq. 2.1 (Tier 1); default EFs Tables 2.2 (energy industries),
    2.3 (manufacturing and construction), 2.4 (commercial), 2.5 (residential and agriculture),
    Ch. 3 Tables 3.2.2, 3.4.1, 3.5.3, 3.6.5 (road, rail, navigation, aviation); the provincial
    guideline's CH4/N2O by sector and equipment follow the same form.
    """
    return quantity * ncv * emission_factor / 1_000_000


def recovered_carbon_co2(quantity: Num, ncv: Num, carbon_content: Num) -> Num:
    """CO2 equivalent of the carbon in a recovered gas, deducted where it was made [tCO2].

    Parameters
    ----------
    quantity : float or ndarray
        Gas recovered (row 回收能) [10⁴ Nm³] or [t].
    ncv : float or ndarray
        Its net calorific value [GJ/10⁴ Nm³] or [GJ/t].
    carbon_content : float or ndarray
        Its carbon content [tC/TJ].

    Notes
    -----
    .. math:: D = Q \\cdot NCV \\cdot 10^{-3} \\cdot CC \\cdot \\tfrac{44}{12}

    The carbon was counted as oxidised with the fuel that made the gas (coke in a blast
    furnace); the gas is counted again where it is burnt, so its carbon is deducted here.

    References
    ----------
    IPCC 2006 Vol. 2 Ch. 2 §2.3.3.4 and Vol. 3 Ch. 4 (iron and steel: carbon in blast-furnace
    gas transferred to the energy sector must not be counted twice) — method of citycarbon.
    """
    return quantity * ncv * carbon_content * 44 / 12 / 1000


def _context(choices: Mapping[str, str]) -> dict[str, str]:
    fuel = choices.get("fuel", "")
    activity = choices.get("activity", "")
    result: dict[str, str] = {}
    if fuel in COLUMNS:
        result["fuel_group"] = COLUMNS[fuel].group
    row = ROWS.get(activity)
    if row is not None:
        result["ef_sector"] = row.ef_sector
        result["ef_family"] = row.ef_sector.split("_")[0]
        result["code"] = row.code
    return result


def _compute(values: Values) -> dict[str, Any]:
    q, ncv = values["quantity"], values["ncv"]
    if values.get("mode") == "recovered":
        deducted = recovered_carbon_co2(q, ncv, values["carbon_content"])
        return {"CO2": -deducted, "CH4": q * 0.0, "N2O": q * 0.0}
    return {
        "CO2": combustion_co2(q, ncv, values["carbon_content"], values["oxidation"]),
        "CH4": combustion_non_co2(q, ncv, values["ch4_ef"]),
        "N2O": combustion_non_co2(q, ncv, values["n2o_ef"]),
    }


def _terms(values: Values) -> list[Term]:
    if values.get("mode") == "recovered":
        return [("CO2", -44 / 12 / 1000, ("quantity", "ncv", "carbon_content"), ())]
    return [
        ("CO2", 44 / 12 / 1000, ("quantity", "ncv", "carbon_content", "oxidation"), ()),
        ("CH4", 1e-6, ("quantity", "ncv", "ch4_ef"), ()),
        ("N2O", 1e-6, ("quantity", "ncv", "n2o_ef"), ()),
    ]


def _check(values: Values) -> list[tuple[str, str]]:
    fuel = str(values.get("fuel"))
    unit = values.get("quantity@unit")
    expected = COLUMNS[fuel].unit
    if unit != expected:
        kind = "mass" if expected == "t" else "volume"
        return [("quantity", f"{fuel} is measured in {expected} (a {kind}), not in {unit}")]
    per = "GJ/t" if expected == "t" else "GJ/(10^4 Nm3)"
    if values.get("ncv@unit") not in (None, per):
        return [("ncv", f"the quantity is in {expected}, so the calorific value is in {per}")]
    return []


def _subcategory(values: Values) -> str:
    return str(values.get("code") or "1A")


def _key_group(values: Values) -> str:
    code = str(values.get("code") or "1A")
    level = code[:4] if code.startswith("1A3") else code[:3]
    return f"{level} {values.get('fuel_group', '')}".strip()


#: The choices of a line made from a balance cell (fuel, activity, mode), by where the cell was
#: written, its column, activity and mode: the same records for every inventory.
_CHOICE_USES: dict[tuple[Any, ...], dict[str, ParamUse]] = {}
_CHOICE_USES_LIMIT: Final = 20_000


def _choices(where: Location, column: str, activity: str, mode: str) -> dict[str, ParamUse]:
    key = (where.sheet, where.row, where.column, column, activity, mode)
    uses = _CHOICE_USES.get(key)
    if uses is None:
        if len(_CHOICE_USES) >= _CHOICE_USES_LIMIT:
            _CHOICE_USES.clear()
        uses = _CHOICE_USES[key] = {
            "fuel": ParamUse("fuel", column, "", "choice", where=where),
            "activity": ParamUse("activity", activity, "", "choice", where=where),
            "mode": ParamUse("mode", mode, "", "choice", where=where),
        }
    return uses


def _derive(comp: Any, errors: list[InventoryError]) -> list[LineInput]:
    balance = comp.balance
    lines: list[LineInput] = []
    fuels = [c for c in balance.columns if COLUMNS[c].kind == "fuel"]
    scales = {c: factor(balance.units[c], COLUMNS[c].unit) for c in fuels}
    empty: dict[str, float] = {}

    def line(row: str, column: str, quantity: float, given: str, mode: str) -> LineInput:
        where = balance.location(row, column)
        activity = row if mode == "combustion" else balance.recovery_from
        choices = _choices(where, column, activity, mode)
        uses = {
            "quantity": ParamUse(
                "quantity",
                quantity,
                COLUMNS[column].unit,
                "activity",
                given=given,
                where=where,
                key=f"balance:{row}:{column}",
                uncertainty_pct=QUANTITY.uncertainty_pct,
            ),
            "fuel": choices["fuel"],
            "activity": choices["activity"],
            "mode": choices["mode"],
        }
        label = f"{ROWS[activity].name_zh} · {COLUMNS[column].name_zh}"
        if mode == "recovered":
            label += " (回收能扣除)"
        return record(
            LineInput,
            category="energy.fuel_combustion",
            values=NOTHING,
            where=where,
            label=label,
            units=NOTHING,
            resolved=uses,
            context=NOTHING,
            locations=NOTHING,
        )

    def shown(row: str, column: str, value: float) -> str:
        unit = balance.units[column]
        return f"{row} {value / scales[column]:.10g} {unit}"

    for row in COMBUSTION_TRANSFORMATION:
        cells = balance.values.get(row, empty)
        for column in fuels:
            value = cells.get(column, 0.0)
            if value < 0:
                lines.append(line(row, column, -value, shown(row, column, value), "combustion"))
    for row in balance.leaves:
        cells = balance.values.get(row, empty)
        non_energy = balance.non_energy.get(row, empty)
        for column in fuels:
            value = cells.get(column, 0.0)
            neu = non_energy.get(column, 0.0)
            quantity = value - neu
            if quantity > 0:
                given = shown(row, column, value)
                if neu:
                    given += f" − non-energy use {neu / scales[column]:.10g}"
                lines.append(line(row, column, quantity, given, "combustion"))
    cells = balance.values.get("recovery", empty)
    for column in fuels:
        value = cells.get(column, 0.0)
        if value > 0:
            lines.append(
                line("recovery", column, value, shown("recovery", column, value), "recovered")
            )
    return lines


QUANTITY: Final = Param(
    "quantity",
    "activity",
    "Fuel burnt: t for solids and liquids, 10^4 Nm3 for gases",
    "燃料消费量（固体、液体：吨；气体：万立方米）",
    unit=("t", "10^4 Nm3"),
    uncertainty_pct=5.0,
)

FUEL_COMBUSTION: Final = register(
    Category(
        id="energy.fuel_combustion",
        code="1A",
        sector="energy",
        name_en="Fossil fuel combustion (sectoral approach)",
        name_zh="化石燃料燃烧（部门法）",
        gases=("CO2", "CH4", "N2O"),
        params=(
            Param("fuel", "choice", "Fuel (balance column)", "燃料品种", choices=FUELS),
            Param(
                "activity",
                "choice",
                "Sector: a combustion row of the energy balance (thermal_power, ind_chemicals …)",
                "部门（能源平衡表中的燃烧行）",
                choices=ACTIVITIES,
            ),
            Param(
                "mode",
                "choice",
                "combustion (default) or recovered (carbon of a recovered gas, deducted)",
                "燃烧（默认）或回收能扣除",
                choices=("combustion", "recovered"),
                required=False,
            ),
            QUANTITY,
            Param(
                "ncv",
                "parameter",
                "Net calorific value",
                "低位发热量",
                unit=("GJ/t", "GJ/(10^4 Nm3)"),
                default=Default("ncv", ("{fuel}",)),
                uncertainty_pct=3.0,
            ),
            Param(
                "carbon_content",
                "parameter",
                "Carbon content per unit of heat",
                "单位热值含碳量",
                unit=("tC/TJ",),
                default=Default("carbon_content", ("{fuel}",)),
                uncertainty_pct=3.0,
            ),
            Param(
                "oxidation",
                "fraction",
                "Carbon oxidation rate (by sector and fuel where the factor set has it)",
                "碳氧化率",
                default=Default(
                    "oxidation",
                    ("{activity}:{fuel}", "{ef_sector}:{fuel}", "{fuel}", "{fuel_group}"),
                ),
                maximum=1.0,
                uncertainty_pct=2.0,
            ),
            Param(
                "ch4_ef",
                "parameter",
                "CH4 emission factor by sector and fuel",
                "CH4排放因子",
                unit=("kgCH4/TJ",),
                default=Default(
                    "ch4_ef",
                    (
                        "{ef_sector}:{fuel}",
                        "{ef_sector}:{fuel_group}",
                        "{ef_family}:{fuel}",
                        "{ef_family}:{fuel_group}",
                    ),
                ),
                uncertainty_pct=100.0,
            ),
            Param(
                "n2o_ef",
                "parameter",
                "N2O emission factor by sector and fuel",
                "N2O排放因子",
                unit=("kgN2O/TJ",),
                default=Default(
                    "n2o_ef",
                    (
                        "{ef_sector}:{fuel}",
                        "{ef_sector}:{fuel_group}",
                        "{ef_family}:{fuel}",
                        "{ef_family}:{fuel_group}",
                    ),
                ),
                uncertainty_pct=150.0,
            ),
        ),
        compute=_compute,
        terms=_terms,
        formula=(
            "CO2 = FC × NCV × CC × OF × 44/12; CH4, N2O = FC × NCV × EF; FC from the energy "
            "balance: thermal power and heating inputs + final consumption − non-energy use"
        ),
        reference=(
            "《省级温室气体清单编制指南（试行）》(2011) 第一章 化石燃料燃烧; IPCC 1996 Revised "
            "Vol. 3 §1.4, Worksheet 1-2; IPCC 2006 Vol. 2 Ch. 2 Eq. 2.1, Tables 2.2-2.5, Ch. 3"
        ),
        check=_check,
        context=_context,
        derive=_derive,
        subcategory=_subcategory,
        key_group=_key_group,
        subcategories={
            "1A1a": ("公用电力与热力", "public electricity and heat production"),
            "1A1bc": ("石油炼制、焦炭生产及其他能源工业", "petroleum refining, solid fuels"),
            "1A1c": ("固体燃料制造和其他能源工业", "solid fuels and other energy industries"),
            "1A2": ("制造业和建筑业", "manufacturing industries and construction"),
            "1A2a": ("钢铁", "iron and steel"),
            "1A2b": ("有色金属", "non-ferrous metals"),
            "1A2c": ("化工", "chemicals"),
            "1A2d": ("造纸和印刷", "pulp, paper and print"),
            "1A2e": ("食品、饮料和烟草", "food processing, beverages and tobacco"),
            "1A2f": ("其他工业和建筑业", "other industry and construction"),
            "1A3": ("交通运输", "transport"),
            "1A3a": ("航空", "civil aviation"),
            "1A3b": ("道路", "road transport"),
            "1A3c": ("铁路", "railways"),
            "1A3d": ("水运", "navigation"),
            "1A3e": ("其他交通", "other transport"),
            "1A4a": ("服务业", "commercial and institutional"),
            "1A4b": ("居民生活", "residential"),
            "1A4c": ("农林牧渔", "agriculture, forestry, fishing"),
        },
    )
)
