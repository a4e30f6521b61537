"""Seeded synthetic monitoring plans and ledgers (illustrative), with faults injected on purpose.

For the benchmarks and the tests that compare the exact and the vectorised paths: enterprises of
the industries of a city like Zhengzhou (power, coal mining, cement, ceramics, aluminium,
machinery, electronics, food), each with a plan of a few streams (coal with monthly lab analyses
of NCV and carbon, natural gas, diesel, purchased and exported electricity, heat, a process
source, production output) and twelve months of ledger rows generated straight into columns.
Values are rounded to a few decimals, so the exact path reads exactly what the columns hold.

Faults (:data:`FAULTS`) are injected at a given rate: rows dropped (missing), doubled
(duplicate), negative, in a unit of the wrong dimension or an unknown one, a ten-fold jump, an
NCV out of its range, a coal's carbon too low for its band, a lab value without evidence, an
annual total that disagrees, a row of an unknown stream. The figures are made up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from citycarbon.accounting.monitoring.columns import NONE, LedgerColumns
from citycarbon.accounting.monitoring.ledger import LedgerRow
from citycarbon.accounting.monitoring.plan import (
    Facility,
    MonitoringPlan,
    ParameterPlan,
    SourceStream,
)

__all__ = ["FAULTS", "SECTORS", "Synthetic", "generate"]

YEAR: Final = 2014
REGION: Final = "henan"

#: Faults that can be injected, each at the generator's rate.
FAULTS: Final = (
    "missing",
    "duplicate",
    "negative",
    "unit_dimension",
    "unit_unknown",
    "jump",
    "out_of_range",
    "carbon_band",
    "evidence_missing",
    "annual_mismatch",
    "stream_unknown",
)

# Stream templates: id → (source, choices, [(parameter, basis, method, frequency, standard, unit,
# typical monthly value, relative spread, decimals)]).
_Param = tuple[str, str, str, str, str, str, float, float, int]
_STREAMS: Final[dict[str, tuple[str | None, dict[str, str], list[_Param]]]] = {
    "coal": ("fuel_combustion", {"fuel": "bituminous_coal"}, [
        ("quantity", "measured", "belt_scale", "continuous", "", "t", 8000.0, 0.08, 1),
        ("ncv", "measured", "lab_analysis", "monthly", "GB/T 213", "GJ/t", 20.5, 0.03, 3),
        ("carbon_content", "measured", "lab_analysis", "monthly", "GB/T 476", "tC/TJ", 26.1, 0.015,
         2),
    ]),
    "raw_coal": ("fuel_combustion", {"fuel": "raw_coal"}, [
        ("quantity", "measured", "weighbridge", "continuous", "", "t", 3000.0, 0.08, 1),
        ("ncv", "measured", "lab_analysis", "monthly", "GB/T 213", "GJ/t", 21.0, 0.03, 3),
        ("element_carbon", "measured", "lab_analysis", "monthly", "GB/T 476", "%", 55.4, 0.02, 2),
    ]),
    "gas": ("fuel_combustion", {"fuel": "natural_gas"}, [
        ("quantity", "measured", "flow_meter", "continuous", "", "10^4 Nm3", 40.0, 0.08, 2),
    ]),
    "diesel": ("fuel_combustion", {"fuel": "diesel"}, [
        ("quantity", "measured", "supplier_invoice", "per_delivery", "", "t", 20.0, 0.1, 2),
    ]),
    "power": ("purchased_electricity", {}, [
        ("quantity", "measured", "meter", "continuous", "", "MWh", 5000.0, 0.1, 1),
    ]),
    "export": ("exported_electricity", {}, [
        ("quantity", "measured", "meter", "continuous", "", "MWh", 300.0, 0.1, 1),
    ]),
    "heat": ("purchased_heat", {}, [
        ("quantity", "measured", "meter", "continuous", "", "GJ", 2000.0, 0.1, 1),
    ]),
    "limestone": ("carbonate_decomposition", {"carbonate": "CaCO3"}, [
        ("quantity", "measured", "weighbridge", "continuous", "", "t", 1500.0, 0.1, 1),
        ("purity", "measured", "lab_analysis", "quarterly", "GB/T 3286", "%", 92.0, 0.01, 1),
    ]),
    "anode": ("anode_consumption", {}, [
        ("quantity", "measured", "production_record", "monthly", "", "t", 6000.0, 0.05, 1),
    ]),
}  # fmt: skip

#: Sector → (share, streams, product, output unit, typical monthly output).
SECTORS: Final[dict[str, tuple[float, tuple[str, ...], str, str, float]]] = {
    "power_generation": (0.15, ("coal", "gas", "power"), "electricity", "MWh", 20000.0),
    "coal_mining": (0.10, ("raw_coal", "diesel", "power", "heat"), "raw_coal", "t", 90000.0),
    "cement": (0.15, ("coal", "diesel", "power", "export"), "clinker", "t", 60000.0),
    "ceramics": (0.15, ("gas", "limestone", "power"), "ceramics", "t", 5000.0),
    "aluminium_electrolysis": (0.10, ("raw_coal", "anode", "power"), "aluminium", "t", 12000.0),
    "machinery": (0.15, ("gas", "diesel", "power", "heat"), "machinery", "t", 3000.0),
    "electronics": (0.10, ("gas", "power", "heat"), "electronics", "t", 800.0),
    "food_tobacco_beverage": (0.10, ("coal", "gas", "power", "heat"), "food", "t", 20000.0),
}


@dataclass(frozen=True, eq=False)
class Synthetic:
    """Generated plans and their ledger as columns; ``faults`` counts what was injected."""

    plans: tuple[MonitoringPlan, ...]
    ledger: LedgerColumns
    faults: dict[str, int]

    def rows(self, enterprises: Sequence[int] | None = None) -> list[LedgerRow]:
        """The ledger rows of the enterprises at ``enterprises`` (default all) as
        :class:`LedgerRow` objects, values exact (the floats' shortest decimal form)."""
        ledger = self.ledger
        if enterprises is None:
            positions = np.arange(len(ledger))
        else:
            wanted = {self.plans[i].enterprise for i in enterprises}
            codes = [k for k, e in enumerate(ledger.enterprises) if e in wanted]
            positions = np.flatnonzero(np.isin(ledger.enterprise, codes))
        out = []
        for p in positions.tolist():
            month = int(ledger.month[p])
            year = int(ledger.year[p])
            out.append(
                LedgerRow(
                    row=int(ledger.row[p]),
                    enterprise=ledger.enterprises[int(ledger.enterprise[p])],
                    stream=ledger.streams[int(ledger.stream[p])],
                    month=f"{year:04d}" if month == 0 else f"{year:04d}-{month:02d}",
                    parameter=ledger.parameters[int(ledger.parameter[p])],
                    value=Decimal(repr(float(ledger.value[p]))),
                    unit=ledger.units[int(ledger.unit[p])],
                    facility=""
                    if ledger.facility[p] == NONE
                    else ledger.facilities[int(ledger.facility[p])],
                    evidence="EV" if ledger.evidence[p] else "",
                )
            )
        return out


def _plan(index: int, sector: str) -> MonitoringPlan:
    _, stream_ids, product, unit, _ = SECTORS[sector]
    streams = []
    for stream_id in stream_ids:
        source, choices, params = _STREAMS[stream_id]
        parameters = tuple(ParameterPlan(p[0], p[1], p[2], p[3], p[4], p[5]) for p in params)
        if source == "carbonate_decomposition":
            parameters += (ParameterPlan("calcination", "default"),)
        streams.append(SourceStream(stream_id, "site", source, parameters, dict(choices)))
    streams.append(
        SourceStream(
            "output",
            "site",
            None,
            (ParameterPlan("output", "measured", "weighbridge", "monthly", "", unit),),
            product=product,
        )
    )
    return MonitoringPlan(
        enterprise=f"E{index:06d}",
        year=YEAR,
        sector=sector,
        streams=tuple(streams),
        facilities=(Facility("site", "厂区"),),
        region=REGION,
        name=f"示例企业 {index}（示意）",
    )


def generate(enterprises: int, *, seed: int = 2014, fault_rate: float = 0.0) -> Synthetic:
    """``enterprises`` plans and twelve months of their ledger, with faults at ``fault_rate``
    (the share of rows, per fault kind, that get it)."""
    rng = np.random.default_rng(seed)
    names = list(SECTORS)
    shares = np.array([SECTORS[s][0] for s in names])
    chosen = rng.choice(len(names), size=enterprises, p=shares / shares.sum())
    plans = tuple(_plan(i, names[int(k)]) for i, k in enumerate(chosen.tolist()))
    # One template row per (enterprise, stream, parameter, period).
    ent: list[int] = []
    stream_col: list[str] = []
    param_col: list[str] = []
    unit_col: list[str] = []
    month_col: list[int] = []
    base: list[float] = []
    spread: list[float] = []
    decimals: list[int] = []
    lab: list[bool] = []
    scale = rng.lognormal(0.0, 0.5, size=enterprises)
    for i, k in enumerate(chosen.tolist()):
        sector = names[int(k)]
        _, stream_ids, _, unit, output = SECTORS[sector]
        items: list[tuple[str, _Param]] = [(s, p) for s in stream_ids for p in _STREAMS[s][2]]
        items.append(("output", ("output", "measured", "", "monthly", "", unit, output, 0.08, 1)))
        for stream_id, p in items:
            months = (3, 6, 9, 12) if p[3] == "quarterly" else range(1, 13)
            intensive = p[0] not in ("quantity", "output")
            for month in months:
                ent.append(i)
                stream_col.append(stream_id)
                param_col.append(p[0])
                unit_col.append(p[5])
                month_col.append(month)
                base.append(p[6] if intensive else p[6] * float(scale[i]))
                spread.append(p[7])
                decimals.append(p[8])
                lab.append(p[2] == "lab_analysis")
    size = len(ent)
    values = np.array(base) * (1 + np.array(spread) * rng.standard_normal(size).clip(-2.5, 2.5))
    # Element carbon follows the month's NCV (carbon per unit heat varies little).
    ncv_of = {
        (e, s, m): v
        for e, s, p, m, v in zip(ent, stream_col, param_col, month_col, values, strict=True)
        if p == "ncv"
    }
    for k in range(size):
        if param_col[k] == "element_carbon":
            heat = ncv_of[(ent[k], stream_col[k], month_col[k])]
            values[k] = heat * 2.637 * (1 + 0.01 * float(rng.standard_normal()))
    values = np.array([round(float(v), d) for v, d in zip(values, decimals, strict=True)])
    columns: dict[str, list[Any]] = {
        "ent": ent, "stream": stream_col, "param": param_col, "unit": unit_col,
        "month": month_col, "value": values.tolist(), "evidence": lab,
    }  # fmt: skip
    faults = _inject(columns, rng, fault_rate, plans) if fault_rate > 0 else {}
    return Synthetic(plans, _columns(columns, plans), faults)


def _inject(
    columns: dict[str, list[Any]],
    rng: np.random.Generator,
    rate: float,
    plans: Sequence[MonitoringPlan],
) -> dict[str, int]:
    size = len(columns["ent"])
    counts: dict[str, int] = {}
    taken = np.zeros(size, dtype=np.bool_)

    def pick(condition: npt.NDArray[np.bool_]) -> list[int]:
        candidates = np.flatnonzero(condition & ~taken)
        count = min(candidates.size, round(rate * size))
        chosen = rng.choice(candidates, size=count, replace=False) if count else np.zeros(0, int)
        taken[chosen] = True
        return sorted(int(c) for c in chosen)

    param = np.array(columns["param"], dtype=object)
    stream = np.array(columns["stream"], dtype=object)
    month = np.array(columns["month"])
    quantity = param == "quantity"
    drop: list[int] = []
    extra: list[dict[str, object]] = []
    for kind in FAULTS:
        if kind == "missing":
            chosen = pick(np.ones(size, dtype=np.bool_))
            drop += chosen
        elif kind == "duplicate":
            chosen = pick(np.ones(size, dtype=np.bool_))
            extra += [{k: v[c] for k, v in columns.items()} for c in chosen]
        elif kind == "negative":
            chosen = pick(quantity)
            for c in chosen:
                columns["value"][c] = -float(columns["value"][c])
        elif kind == "unit_dimension":
            chosen = pick(quantity & (stream == "power"))
            for c in chosen:
                columns["unit"][c] = "t"
        elif kind == "unit_unknown":
            chosen = pick(quantity)
            for c in chosen:
                columns["unit"][c] = "bananas"
        elif kind == "jump":
            chosen = pick(quantity & (month > 1) & (month < 12))
            for c in chosen:
                columns["value"][c] = round(float(columns["value"][c]) * 10, 1)
        elif kind == "out_of_range":
            chosen = pick(param == "ncv")
            for c in chosen:
                columns["value"][c] = round(float(columns["value"][c]) * 0.5, 3)
        elif kind == "carbon_band":
            chosen = pick(param == "carbon_content")
            for c in chosen:
                columns["value"][c] = round(float(columns["value"][c]) * 0.85, 2)
        elif kind == "evidence_missing":
            chosen = pick(np.array(columns["evidence"], dtype=np.bool_))
            for c in chosen:
                columns["evidence"][c] = False
        elif kind == "annual_mismatch":
            chosen = pick(quantity & (month == 12))
            for c in chosen:
                row = {k: v[c] for k, v in columns.items()}
                row["month"] = 0
                row["value"] = round(float(row["value"]) * 13, 1)
                extra.append(row)
        else:
            chosen = pick(np.ones(size, dtype=np.bool_))
            for c in chosen:
                columns["stream"][c] = "boiler9"
        counts[kind] = len(chosen)
    keep = np.ones(size, dtype=np.bool_)
    keep[drop] = False
    for key in columns:
        column = columns[key]
        columns[key] = [v for v, k in zip(column, keep.tolist(), strict=True) if k]
        columns[key] += [row[key] for row in extra]
    del plans
    return counts


def _columns(columns: dict[str, list[Any]], plans: Sequence[MonitoringPlan]) -> LedgerColumns:
    size = len(columns["ent"])
    order = np.lexsort((np.array(columns["month"]), np.array(columns["ent"])))
    labels = tuple(p.enterprise for p in plans)

    def coded(values: list[Any]) -> tuple[npt.NDArray[np.int32], tuple[str, ...]]:
        table: dict[str, int] = {}
        codes = np.array([table.setdefault(str(v), len(table)) for v in values], dtype=np.int32)
        return codes[order], tuple(table)

    stream, streams = coded(columns["stream"])
    parameter, parameters = coded(columns["param"])
    unit, units = coded(columns["unit"])
    return LedgerColumns(
        row=np.arange(1, size + 1, dtype=np.int64),
        enterprise=np.array(columns["ent"], dtype=np.int32)[order],
        enterprises=labels,
        stream=stream,
        streams=streams,
        parameter=parameter,
        parameters=parameters,
        unit=unit,
        units=units,
        year=np.full(size, YEAR, dtype=np.int32),
        month=np.array(columns["month"], dtype=np.int32)[order],
        value=np.array(columns["value"], dtype=np.float64)[order],
        evidence=np.array(columns["evidence"], dtype=np.bool_)[order],
    )
