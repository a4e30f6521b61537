"""The energy balance table (能源平衡表): its columns, rows and the validated table.

The table has the layout of the regional energy balance in the China Energy Statistical Yearbook
(《中国能源统计年鉴》 地区能源平衡表): one column per energy type in physical units, and rows for

* supply: primary production (一次能源生产量), inflow from other regions (外省(区、市)调入量),
  imports (进口量), outflow to other regions (本省(区、市)调出量, entered negative), exports
  (出口量, negative), stock change (库存增(−)减(+)量: a stock draw is positive), and their total
  (可供本地区消费的能源量);
* transformation input (−) and output (+) (加工转换投入(−)产出(+)量) of thermal power, heating,
  coal washing, coking, petroleum refining, gas works, gas liquefaction, briquetting and
  recovered energy (回收能), and their total;
* losses (损失量);
* final consumption (终端消费量) by sector and sub-sector: agriculture, industry by sub-sector,
  construction, transport (optionally by mode), commerce, other services, residential urban
  and rural; non-energy use (其中：用作原料、材料) in total and, optionally, by sub-sector;
* the statistical difference (平衡差额).

Signs follow the yearbook; the checks are in
:mod:`citycarbon.inventory.energy.balance.validation`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

from citycarbon.factors import fuels
from citycarbon.inventory.model import Location

__all__ = [
    "COLUMNS",
    "COMBUSTION_ROWS",
    "COMBUSTION_TRANSFORMATION",
    "DEFAULT_TOLERANCE_ABS",
    "DEFAULT_TOLERANCE_PCT",
    "NON_ENERGY_PREFIX",
    "ROWS",
    "ROW_LIST",
    "BalanceRow",
    "Column",
    "EnergyBalance",
    "column_units",
    "final_rows",
    "non_energy_row",
    "row_info",
    "sub_rows",
]

DEFAULT_TOLERANCE_PCT: Final = 0.1
DEFAULT_TOLERANCE_ABS: Final = 0.05

ColumnKind = Literal["fuel", "electricity", "heat", "other"]
RowGroup = Literal[
    "supply",
    "supply_total",
    "transformation",
    "transformation_total",
    "losses",
    "final",
    "final_parent",
    "non_energy",
    "non_energy_total",
    "statistical_difference",
]


@dataclass(frozen=True, slots=True)
class Column:
    """An energy type (column) of the balance."""

    id: str
    name_zh: str
    name_en: str
    kind: ColumnKind
    unit: str
    group: str = ""
    primary: bool = False

    @property
    def carbon(self) -> bool:
        """Whether the column is a fossil fuel whose carbon is accounted."""
        return self.kind == "fuel"


_GROUPS: Final = {
    "raw_coal": "coal", "bituminous_coal": "coal", "anthracite": "coal", "lignite": "coal",
    "washed_coal": "coal", "other_washed_coal": "coal", "briquette": "coal", "coke": "coal",
    "other_coking_products": "coal", "tar": "coal",
    "petroleum_coke": "oil", "crude_oil": "oil", "fuel_oil": "oil", "gasoline": "oil",
    "kerosene": "oil", "jet_kerosene": "oil", "diesel": "oil", "naphtha": "oil",
    "other_petroleum_products": "oil",
    "lpg": "gas", "refinery_gas": "gas", "natural_gas": "gas", "lng": "gas",
    "coke_oven_gas": "gas", "blast_furnace_gas": "gas", "converter_gas": "gas", "other_gas": "gas",
}  # fmt: skip
_PRIMARY: Final = frozenset(
    {"raw_coal", "bituminous_coal", "anthracite", "lignite", "crude_oil", "natural_gas"}
)
#: Energy types of the yearbook balance that the enterprise fuel catalogue does not list.
_EXTRA: Final = (
    Column("other_coking_products", "其他焦化产品", "other coking products", "fuel", "t", "coal"),
    Column(
        "other_petroleum_products", "其他石油制品", "other petroleum products", "fuel", "t", "oil"
    ),
    Column("electricity", "电力", "electricity", "electricity", "MWh", primary=True),
    Column("heat", "热力", "heat", "heat", "GJ"),
    Column("other_energy", "其他能源", "other energy", "other", "GJ", primary=True),
)


def _columns() -> dict[str, Column]:
    result: dict[str, Column] = {}
    for item in fuels().values():
        if item.biomass:
            continue
        result[item.id] = Column(
            item.id,
            item.name_zh,
            item.name_en,
            "fuel",
            item.quantity_unit,
            _GROUPS.get(item.id, "oil" if item.form == "liquid" else item.form),
            item.id in _PRIMARY,
        )
    for extra in _EXTRA:
        result.setdefault(extra.id, extra)
    return result


#: Energy types (columns), by id.
COLUMNS: Final = _columns()


@dataclass(frozen=True, slots=True)
class BalanceRow:
    """A row of the balance.

    ``code`` is the IPCC 1996 category of the fuel burnt in the row and ``ef_sector`` the sector
    whose CH4/N2O factors apply (rows where fuel is burnt only); ``outputs`` are the products of a
    transformation process.
    """

    id: str
    name_zh: str
    name_en: str
    group: RowGroup
    parent: str | None = None
    code: str = ""
    ef_sector: str = ""
    outputs: frozenset[str] = frozenset()


_REFINED: Final = frozenset(
    {
        "gasoline", "kerosene", "jet_kerosene", "diesel", "fuel_oil", "lpg", "refinery_gas",
        "naphtha", "petroleum_coke", "other_petroleum_products",
    }
)  # fmt: skip

ROW_LIST: Final = (
    BalanceRow("production", "一次能源生产量", "primary production", "supply", "total_supply"),
    BalanceRow(
        "imports", "外省(区、市)调入量", "inflow from other regions", "supply", "total_supply"
    ),
    BalanceRow("imports_abroad", "进口量", "imports from abroad", "supply", "total_supply"),
    BalanceRow(
        "exports", "本省(区、市)调出量(−)", "outflow to other regions (−)", "supply", "total_supply"
    ),
    BalanceRow("exports_abroad", "出口量(−)", "exports abroad (−)", "supply", "total_supply"),
    BalanceRow(
        "stock_change", "库存增(−)减(+)量", "stock change (draw +)", "supply", "total_supply"
    ),
    BalanceRow("total_supply", "可供本地区消费的能源量", "total supply", "supply_total"),
    BalanceRow(
        "thermal_power", "火力发电", "thermal power", "transformation", "transformation_total",
        "1A1a", "energy_industries", frozenset({"electricity", "heat"}),
    ),
    BalanceRow(
        "heating", "供热", "heat supply", "transformation", "transformation_total",
        "1A1a", "energy_industries", frozenset({"heat"}),
    ),
    BalanceRow(
        "coal_washing", "洗选煤", "coal washing", "transformation", "transformation_total",
        outputs=frozenset({"washed_coal", "other_washed_coal"}),
    ),
    BalanceRow(
        "coking", "炼焦", "coking", "transformation", "transformation_total",
        outputs=frozenset({"coke", "coke_oven_gas", "other_coking_products", "tar"}),
    ),
    BalanceRow(
        "refining", "炼油及煤制油", "petroleum refining and coal liquefaction", "transformation",
        "transformation_total", outputs=_REFINED,
    ),
    BalanceRow(
        "gas_works", "制气", "gas works", "transformation", "transformation_total",
        outputs=frozenset({"other_gas", "coke_oven_gas", "coke"}),
    ),
    BalanceRow(
        "gas_liquefaction", "天然气液化", "natural-gas liquefaction", "transformation",
        "transformation_total", outputs=frozenset({"lng"}),
    ),
    BalanceRow(
        "briquetting", "煤制品加工", "briquetting", "transformation", "transformation_total",
        outputs=frozenset({"briquette"}),
    ),
    BalanceRow(
        "recovery", "回收能", "recovered energy", "transformation", "transformation_total",
        outputs=frozenset(
            {"heat", "electricity", "blast_furnace_gas", "converter_gas", "other_gas"}
        ),
    ),
    BalanceRow(
        "transformation_total", "加工转换投入(−)产出(+)量", "transformation input (−) output (+)",
        "transformation_total",
    ),
    BalanceRow("losses", "损失量", "losses", "losses"),
    BalanceRow("final_consumption", "终端消费量", "final consumption", "final_parent"),
    BalanceRow(
        "agriculture", "农、林、牧、渔业", "agriculture, forestry, fishery", "final",
        "final_consumption", "1A4c", "agriculture",
    ),
    BalanceRow(
        "industry", "工业", "industry", "final_parent", "final_consumption", "1A2", "manufacturing"
    ),
    BalanceRow(
        "ind_coal_mining", "煤炭开采和洗选业", "coal mining and washing", "final", "industry",
        "1A1c", "energy_industries",
    ),
    BalanceRow(
        "ind_oil_gas_extraction", "石油和天然气开采业", "oil and gas extraction", "final",
        "industry", "1A1c", "energy_industries",
    ),
    BalanceRow(
        "ind_other_mining", "其他采矿业（金属、非金属矿采选）", "other mining", "final", "industry",
        "1A2f", "manufacturing",
    ),
    BalanceRow(
        "ind_food", "食品、饮料和烟草制造业", "food, beverages and tobacco", "final", "industry",
        "1A2e", "manufacturing",
    ),
    BalanceRow(
        "ind_textiles", "纺织、服装和皮革制品业", "textiles, clothing and leather", "final",
        "industry", "1A2f", "manufacturing",
    ),
    BalanceRow(
        "ind_paper", "造纸和纸制品业、印刷业", "pulp, paper and printing", "final", "industry",
        "1A2d", "manufacturing",
    ),
    BalanceRow(
        "ind_petroleum_coking", "石油加工、炼焦和核燃料加工业", "petroleum refining and coking",
        "final", "industry", "1A1bc", "energy_industries",
    ),
    BalanceRow(
        "ind_chemicals", "化学原料和化学制品制造业（含医药、化纤）", "chemicals", "final",
        "industry", "1A2c", "manufacturing",
    ),
    BalanceRow(
        "ind_nonmetallic_minerals", "非金属矿物制品业", "non-metallic mineral products", "final",
        "industry", "1A2f", "manufacturing",
    ),
    BalanceRow(
        "ind_ferrous_metals", "黑色金属冶炼和压延加工业", "iron and steel", "final", "industry",
        "1A2a", "manufacturing",
    ),
    BalanceRow(
        "ind_nonferrous_metals", "有色金属冶炼和压延加工业", "non-ferrous metals", "final",
        "industry", "1A2b", "manufacturing",
    ),
    BalanceRow(
        "ind_machinery", "机械、电气和电子设备制造业", "machinery and equipment", "final",
        "industry", "1A2f", "manufacturing",
    ),
    BalanceRow(
        "ind_other_manufacturing", "其他制造业", "other manufacturing", "final", "industry",
        "1A2f", "manufacturing",
    ),
    BalanceRow(
        "ind_power_heat", "电力、热力生产和供应业", "electricity and heat supply (own use)",
        "final", "industry", "1A1a", "energy_industries",
    ),
    BalanceRow(
        "ind_gas_supply", "燃气生产和供应业", "gas supply (own use)", "final", "industry",
        "1A1c", "energy_industries",
    ),
    BalanceRow(
        "ind_water", "水的生产和供应业", "water supply", "final", "industry",
        "1A2f", "manufacturing",
    ),
    BalanceRow(
        "construction", "建筑业", "construction", "final", "final_consumption",
        "1A2f", "manufacturing",
    ),
    BalanceRow(
        "transport", "交通运输、仓储和邮政业", "transport, storage and post", "final",
        "final_consumption", "1A3", "transport",
    ),
    BalanceRow(
        "transport_road", "道路运输", "road transport", "final", "transport",
        "1A3b", "transport_road",
    ),
    BalanceRow(
        "transport_rail", "铁路运输", "railways", "final", "transport", "1A3c", "transport_rail"
    ),
    BalanceRow(
        "transport_water", "水上运输", "navigation", "final", "transport", "1A3d", "transport_water"
    ),
    BalanceRow(
        "transport_aviation", "航空运输", "civil aviation", "final", "transport",
        "1A3a", "transport_aviation",
    ),
    BalanceRow(
        "transport_other", "管道运输、仓储和邮政", "pipelines, storage and post", "final",
        "transport", "1A3e", "commercial",
    ),
    BalanceRow(
        "commerce", "批发和零售业、住宿和餐饮业", "trade, hotels and restaurants", "final",
        "final_consumption", "1A4a", "commercial",
    ),
    BalanceRow(
        "other_services", "其他（服务业、公共机构）", "other services", "final",
        "final_consumption", "1A4a", "commercial",
    ),
    BalanceRow(
        "residential", "生活消费", "residential", "final_parent", "final_consumption",
        "1A4b", "residential",
    ),
    BalanceRow(
        "residential_urban", "城镇", "residential, urban", "final", "residential",
        "1A4b", "residential",
    ),
    BalanceRow(
        "residential_rural", "乡村", "residential, rural", "final", "residential",
        "1A4b", "residential",
    ),
    BalanceRow(
        "non_energy_use", "其中：用作原料、材料", "of which non-energy use", "non_energy_total"
    ),
    BalanceRow(
        "statistical_difference", "平衡差额", "statistical difference", "statistical_difference"
    ),
)  # fmt: skip

#: Rows by id, in the order of the yearbook table.
ROWS: Final = {row.id: row for row in ROW_LIST}
#: The transformation rows whose inputs are burnt (their fuel carbon is emitted there).
COMBUSTION_TRANSFORMATION: Final = ("thermal_power", "heating")
_FINAL: Final = tuple(r.id for r in ROW_LIST if r.group in ("final", "final_parent"))
_SUPPLY: Final = tuple(r.id for r in ROW_LIST if r.group == "supply")
_TRANSFORMATION: Final = tuple(r.id for r in ROW_LIST if r.group == "transformation")
NON_ENERGY_PREFIX: Final = "non_energy."


def non_energy_row(row_id: str) -> BalanceRow | None:
    """The row ``non_energy.<final row>`` (non-energy use within a final-consumption row)."""
    if not row_id.startswith(NON_ENERGY_PREFIX):
        return None
    target = ROWS.get(row_id[len(NON_ENERGY_PREFIX) :])
    if target is None or target.group not in ("final", "final_parent"):
        return None
    if target.id == "final_consumption":
        return None
    return BalanceRow(
        row_id,
        f"其中：{target.name_zh}用作原料、材料",
        f"of which non-energy use in {target.name_en}",
        "non_energy",
        target.id,
    )


_CHILDREN: Final = {row.id: tuple(r.id for r in ROW_LIST if r.parent == row.id) for row in ROW_LIST}


def sub_rows(parent: str) -> tuple[str, ...]:
    """The rows directly under ``parent`` (sub-sectors), in table order."""
    return _CHILDREN.get(parent, ())


#: Rows whose fuel is burnt in the sectoral approach: thermal power and heating inputs, and the
#: leaves of final consumption.
COMBUSTION_ROWS: Final = (
    *COMBUSTION_TRANSFORMATION,
    *(r.id for r in ROW_LIST if r.group == "final"),
)


@dataclass
class EnergyBalance:
    """A validated energy balance in canonical units (t, 10⁴ Nm³, MWh, GJ per column).

    ``values[row][column]`` holds what was given; ``leaves`` lists the final-consumption rows
    that carry consumption (sub-sectors where given), ``non_energy[row][column]`` the non-energy
    use allocated to each leaf. ``where`` holds the positions of cells written elsewhere than at
    (sheet, row id, column id) — a workbook's cells; :meth:`location` gives every cell's.
    """

    columns: tuple[str, ...]
    values: dict[str, dict[str, float]]
    units: dict[str, str]
    where: dict[tuple[str, str], Location]
    leaves: tuple[str, ...]
    non_energy: dict[str, dict[str, float]] = field(default_factory=dict)
    recovery_from: str = "ind_ferrous_metals"
    reference_threshold_pct: float = 5.0
    sheet: str = "energy_balance"

    def get(self, row: str, column: str) -> float:
        """The value of a cell in the column's canonical unit (0 when not given)."""
        return self.values.get(row, {}).get(column, 0.0)

    def location(self, row: str, column: str) -> Location:
        """Where a cell was written."""
        where = self.where.get((row, column))
        return where if where is not None else Location(self.sheet, row, column)

    def supply(self, column: str) -> float:
        """Total supply (apparent consumption) of a column."""
        return sum(self.get(r, column) for r in _SUPPLY)

    def transformation(self, column: str, rows: Iterable[str] | None = None) -> float:
        """Net transformation (inputs −, outputs +) of a column over ``rows`` (default all)."""
        ids = rows if rows is not None else _TRANSFORMATION
        return sum(self.get(r, column) for r in ids)

    def final(self, column: str) -> float:
        """Final consumption of a column (sum of the leaves)."""
        return sum(self.get(r, column) for r in self.leaves)

    def non_energy_total(self, column: str) -> float:
        """Non-energy use of a column, allocated over the leaves."""
        return sum(v.get(column, 0.0) for v in self.non_energy.values())


def row_info(row_id: str) -> BalanceRow:
    """The row ``row_id`` (including ``non_energy.<row>`` rows)."""
    row = ROWS.get(row_id) or non_energy_row(row_id)
    if row is None:
        raise KeyError(row_id)
    return row


def final_rows() -> tuple[str, ...]:
    """Final-consumption rows (leaves and parents) in table order."""
    return _FINAL


def column_units(columns: Mapping[str, str]) -> dict[str, str]:
    """Units by column for the template: the given ones, else the yearbook's usual ones."""
    usual = {"t": "10^4 t", "10^4 Nm3": "10^8 Nm3", "MWh": "10^8 kWh", "GJ": "10^4 GJ"}
    return {c: columns.get(c, usual[COLUMNS[c].unit]) for c in COLUMNS}
