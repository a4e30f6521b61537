"""The vectorised bulk path (citycarbon.accounting.bulk) against hand-worked cases and the exact
per-report path (compute_report, Decimal) on generated reports.

Hand-worked values use the guideline defaults of appendix 2 (NDRC 2013-2015 enterprise GHG
guidelines): raw coal NCV 20.908 GJ/t, CC 26.37 tC/TJ, OF 94 %; natural gas NCV
389.31 GJ/10^4 Nm3, CC 15.3 tC/TJ, OF 99 %; the 2012 central-China grid average factor
0.5257 tCO2/MWh (applies to reporting years 2012-2015); SAR GWPs CH4 21, SF6 23 900.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

import numpy as np
import pytest

from citycarbon.accounting import (
    SOURCE_TYPES,
    AccountingError,
    LineInput,
    ReportError,
    ReportInput,
    compute_report,
    compute_reports,
    sectors,
)
from citycarbon.accounting.bulk import (
    MISSING,
    BulkResult,
    ReportBatch,
    SourceBlock,
    compute_bulk,
    from_reports,
    resolve_bulk,
    trace_compute,
)
from citycarbon.factors import fuel

REL = 1e-9


def close(a: float, b: float, rel: float = REL) -> bool:
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)


def line(source: str, **values: object) -> LineInput:
    return LineInput(source, values)


def assert_same_as_exact(reports: list[ReportInput], bulk: BulkResult) -> tuple[int, int]:
    """Bulk equals compute_report for every report: same refusals (same lines and fields,
    same messages up to how numbers are printed), same totals, by source, by gas and memo to
    1e-9 relative. Returns (computed, refused)."""
    exact = compute_reports(reports)
    grouped: dict[int, list[AccountingError]] = {}
    for index, error in bulk.errors:
        grouped.setdefault(index, []).append(error)

    def shape(errors: list[AccountingError]) -> list[tuple[int, str, str]]:
        # Numbers inside messages print differently (Decimal digits vs floats); all else equal.
        return sorted(
            (e.line or 0, e.field or "", re.sub(r"[-0-9.E]+", "#", e.message)) for e in errors
        )

    computed = refused = 0
    for index, (report, result) in enumerate(zip(reports, exact, strict=True)):
        if isinstance(result, ReportError):
            refused += 1
            assert not bulk.computed[index], report.id
            assert math.isnan(bulk.total_tco2e[index])
            assert np.isnan(bulk.by_source_tco2e[index]).all()
            assert shape(result.errors) == shape(grouped[index]), report.id
            assert all(e.report == report.id for e in grouped[index])
            continue
        computed += 1
        assert bulk.computed[index], (report.id, grouped.get(index))
        assert index not in grouped
        data = bulk.report(index)
        assert close(float(result.total.value), data["total_tco2e"]), report.id
        by_source, by_gas, memo = data["by_source_tco2e"], data["by_gas_t"], data["memo_tco2e"]
        assert isinstance(by_source, dict)
        assert isinstance(by_gas, dict)
        assert isinstance(memo, dict)
        for key, value in result.by_source.items():
            assert close(float(value), by_source.get(key, 0.0)), (report.id, key)
        for key, value in result.by_gas.items():
            assert close(float(value), by_gas.get(key, 0.0)), (report.id, key)
        for key, value in result.memo.items():
            assert close(float(value), memo.get(key, 0.0)), (report.id, key)
    return computed, refused


# ---------------------------------------------------------------------------------------------
# Hand-worked reports
# ---------------------------------------------------------------------------------------------

# 1000 t raw coal at the appendix-2 defaults:
# 1000 × 20.908 GJ/t × 0.02637 tC/GJ × 0.94 × 44/12 = 1900.2988488 tCO2
RAW_COAL_1000T = 1900.2988488
# 10 ×10^4 Nm3 natural gas at the defaults:
# 10 × 389.31 × 0.0153 × 0.99 × 44/12 = 216.2188809 tCO2
NATURAL_GAS_10 = 216.2188809
# Heat given directly: 5000 GJ × 0.0153 tC/GJ × 0.99 × 44/12 = 277.695 tCO2
NATURAL_GAS_5000GJ = 277.695
# All measured: 1000 t × 20 GJ/t × 0.026 tC/GJ × 0.95 × 44/12 = 1811.3333... tCO2
MEASURED_COAL = 1000 * 20 * 0.026 * 0.95 * 44 / 12
# 1000 MWh × 0.5257 tCO2/MWh (central China grid 2012, reporting year 2014, Henan) = 525.7
GRID_1000MWH = 525.7
# Exported 100 MWh × 0.5 tCO2/MWh = 50 t, subtracted in the iron and steel guideline.
EXPORTED = 50.0
# SF6: (100 − 80) kg = 0.02 t × 23 900 (SAR) = 478 tCO2e
SF6_CO2E = 478.0
# Biomass (memo in power generation): 100 t × 15 GJ/t × 0.1 tCO2/GJ = 150 tCO2
BIOMASS = 150.0


def hand_reports() -> list[ReportInput]:
    return [
        ReportInput(
            "coal-defaults",
            "power_generation",
            2014,
            [line("fuel_combustion", fuel="raw_coal", quantity="1000 t")],
            region="henan",
        ),
        ReportInput(
            "steel",
            "iron_steel",
            2014,
            [
                line(
                    "fuel_combustion",
                    fuel="raw_coal",
                    quantity="1000 t",
                    ncv="20 GJ/t",
                    carbon_content="26 tC/TJ",
                    oxidation="95 %",
                ),
                line("fuel_combustion", fuel="natural_gas", quantity="10 10^4 Nm3"),
                line(
                    "fuel_combustion",
                    fuel="natural_gas",
                    quantity="5000 GJ",
                    carbon_content="0.0153 tC/GJ",
                ),
                line("purchased_electricity", quantity="1000 MWh"),
                line("exported_electricity", quantity="100 MWh", factor="0.5 tCO2/MWh"),
            ],
            region="henan",
        ),
        ReportInput(
            "grid",
            "power_grid",
            2014,
            [
                line(
                    "sf6_electrical_equipment",
                    event="repaired",
                    quantity="100 kgSF6",
                    recovered="80 kgSF6",
                )
            ],
            region="henan",
        ),
        ReportInput(
            "biomass-memo",
            "power_generation",
            2014,
            [
                line("fuel_combustion", fuel="raw_coal", quantity="1 10^4 t"),
                line("biomass_combustion", quantity="100 t", ncv="15 GJ/t", factor="0.1 tCO2/GJ"),
            ],
            region="henan",
        ),
    ]


def test_hand_worked_totals() -> None:
    reports = hand_reports()
    bulk = compute_bulk(from_reports(reports))
    assert bulk.computed.all(), bulk.errors
    assert bulk.metric == "SARGWP100"
    total = dict(zip(bulk.ids, bulk.total_tco2e.tolist(), strict=True))
    assert close(total["coal-defaults"], RAW_COAL_1000T)
    steel = MEASURED_COAL + NATURAL_GAS_10 + NATURAL_GAS_5000GJ + GRID_1000MWH - EXPORTED
    assert close(total["steel"], steel)
    assert close(total["grid"], SF6_CO2E)
    # Ten thousand tonnes of coal; the biomass CO2 is reported apart, not in the total.
    assert close(total["biomass-memo"], 10 * RAW_COAL_1000T)
    memo = bulk.report(3)["memo_tco2e"]
    assert isinstance(memo, dict)
    assert close(memo["biomass_combustion"], BIOMASS)
    by_source = bulk.report(1)["by_source_tco2e"]
    assert isinstance(by_source, dict)
    assert close(by_source["exported_electricity"], -EXPORTED)
    assert close(by_source["purchased_electricity"], GRID_1000MWH)
    by_gas = bulk.report(2)["by_gas_t"]
    assert by_gas == {"SF6": pytest.approx(0.02, rel=REL)}


def test_hand_worked_reports_equal_the_exact_path() -> None:
    reports = hand_reports()
    computed, refused = assert_same_as_exact(reports, compute_bulk(from_reports(reports)))
    assert (computed, refused) == (4, 0)


@pytest.mark.parametrize("metric", ["SARGWP100", "AR4GWP100", "AR5GWP100"])
def test_metric_follows_the_exact_path(metric: str) -> None:
    # SF6 and a CH4 source: the CO2e depends on the metric.
    reports = [hand_reports()[2]]
    bulk = compute_bulk(from_reports(reports), metric=metric)
    exact = compute_report(reports[0], metric=metric)
    assert bulk.metric == metric
    assert close(float(exact.total.value), float(bulk.total_tco2e[0]))


def test_unknown_metric_is_refused() -> None:
    with pytest.raises(AccountingError, match="unknown GWP metric"):
        compute_bulk(from_reports(hand_reports()), metric="GWP20")


# ---------------------------------------------------------------------------------------------
# Refusals
# ---------------------------------------------------------------------------------------------


def refusal_reports() -> list[ReportInput]:
    good = hand_reports()[0]
    return [
        good,
        ReportInput(
            "negative",
            "power_generation",
            2014,
            [
                line("fuel_combustion", fuel="raw_coal", quantity="10 t"),
                line("fuel_combustion", fuel="raw_coal", quantity="-5 t"),
            ],
            region="henan",
        ),
        ReportInput(
            "over-100",
            "power_generation",
            2014,
            [line("fuel_combustion", fuel="raw_coal", quantity="10 t", oxidation="120 %")],
            region="henan",
        ),
        ReportInput(
            "no-grid-factor",
            "power_generation",
            2017,
            [line("purchased_electricity", quantity="10 MWh")],
            region="henan",
        ),
        ReportInput(
            "unknown-fuel",
            "power_generation",
            2014,
            [line("fuel_combustion", fuel="unobtainium", quantity="10 t")],
            region="henan",
        ),
        ReportInput(
            "wrong-unit",
            "power_generation",
            2014,
            [line("fuel_combustion", fuel="natural_gas", quantity="10 t")],
            region="henan",
        ),
        ReportInput(
            "not-in-guideline",
            "power_generation",
            2014,
            [
                line(
                    "sf6_electrical_equipment",
                    event="repaired",
                    quantity="1 kgSF6",
                    recovered="0 kgSF6",
                )
            ],
            region="henan",
        ),
        ReportInput(
            "no-year",
            "power_generation",
            None,
            [line("purchased_electricity", quantity="1 MWh", factor="0.5 tCO2/MWh")],
        ),
        ReportInput(
            "unknown-sector",
            "shipbuilding",
            2014,
            [line("fuel_combustion", fuel="raw_coal", quantity="1 t")],
        ),
        ReportInput(
            "not-a-number",
            "power_generation",
            2014,
            [line("fuel_combustion", fuel="raw_coal", quantity="lots t")],
        ),
    ]


def test_refusals_name_report_line_field_value_and_others_are_computed() -> None:
    reports = refusal_reports()
    bulk = compute_bulk(from_reports(reports))
    assert bulk.computed.tolist() == [True] + [False] * (len(reports) - 1)
    assert close(float(bulk.total_tco2e[0]), RAW_COAL_1000T)
    # Nothing of a refused report is produced.
    assert np.isnan(bulk.total_tco2e[1:]).all()
    assert np.isnan(bulk.by_source_tco2e[1:]).all()
    assert np.isnan(bulk.by_gas_t[1:]).all()
    found = {e.report: (e.line, e.field, e.value, e.message) for _, e in bulk.errors if e.report}
    assert found["negative"] == (2, "quantity", "-5 t", "negative values are not allowed")
    assert found["over-100"] == (1, "oxidation", "1.2 fraction", "above the maximum of 100 %")
    assert found["no-grid-factor"][:3] == (1, "factor", None)
    assert found["no-grid-factor"][3].startswith("not given, and no default applies")
    assert found["unknown-fuel"][:3] == (1, "fuel", "unobtainium")
    assert found["unknown-fuel"][3].startswith("unknown fuel; known:")
    assert found["wrong-unit"] == (
        1,
        "quantity",
        "10 t",
        "natural_gas is measured in 10^4 Nm3, not in t",
    )
    assert found["not-in-guideline"][:3] == (1, "source", "sf6_electrical_equipment")
    assert found["no-year"] == (None, "year", None, "a report needs a year")
    assert found["unknown-sector"][1:3] == ("sector", "shipbuilding")
    assert found["not-a-number"] == (1, "quantity", "lots t", "not a number")
    refused = {r.report for r in bulk.refusals()}
    assert refused == {r.id for r in reports[1:]}


def test_refusals_match_the_exact_path() -> None:
    reports = refusal_reports()
    assert assert_same_as_exact(reports, compute_bulk(from_reports(reports))) == (1, 9)


def test_a_refused_report_does_not_change_the_others() -> None:
    reports = refusal_reports()
    alone = compute_bulk(from_reports(reports[:1]))
    mixed = compute_bulk(from_reports(reports))
    assert alone.total_tco2e[0] == mixed.total_tco2e[0]
    assert (alone.by_gas_t[0] == mixed.by_gas_t[0, : alone.by_gas_t.shape[1]]).all()


def test_columnar_batch_validation_is_vectorised() -> None:
    # Three reports built as columns: the second has a negative quantity on its line 2 and the
    # third an oxidation rate above 100 %; the first is computed.
    raw_coal = fuel("raw_coal").id
    block = SourceBlock(
        source="fuel_combustion",
        report=np.array([0, 1, 1, 2]),
        line=np.array([1, 1, 2, 1]),
        numbers={
            "quantity": np.array([1000.0, 10.0, -5.0, 10.0]),
            "oxidation": np.array([np.nan, np.nan, np.nan, 1.2]),
        },
        units={"quantity": np.array([0, 0, 0, 0], dtype=np.int8)},
        choices={"fuel": np.zeros(4, dtype=np.int32)},
        labels={"fuel": (raw_coal,)},
    )
    batch = ReportBatch(
        ids=("a", "b", "c"),
        sector=np.zeros(3, dtype=np.int32),
        sectors=("power_generation",),
        year=np.full(3, 2014, dtype=np.int32),
        region=np.full(3, MISSING, dtype=np.int32),
        regions=(),
        blocks={"fuel_combustion": block},
    )
    bulk = compute_bulk(batch)
    assert bulk.computed.tolist() == [True, False, False]
    assert close(float(bulk.total_tco2e[0]), RAW_COAL_1000T)
    errors = [(e.report, e.line, e.field, e.value) for _, e in bulk.errors]
    assert errors == [("b", 2, "quantity", "-5 t"), ("c", 1, "oxidation", "1.2 fraction")]


def test_malformed_columns_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="shape"):
        SourceBlock("fuel_combustion", np.array([0, 1]), np.array([1]))
    with pytest.raises(ValueError, match="labels"):
        SourceBlock(
            "fuel_combustion",
            np.array([0]),
            np.array([1]),
            choices={"fuel": np.array([0], dtype=np.int32)},
        )


def oil_gas(recovered: str) -> ReportInput:
    # Gas wellheads: 10 facility-years × 2.50 tCH4/a (NDRC 2014 oil and gas guideline default)
    # = 25 tCH4 vented. CH4 recovered and supplied: V × 100 % × 7.17 t/10^4 Nm3.
    return ReportInput(
        f"oil-gas-{recovered}",
        "oil_gas_production",
        2014,
        [
            line("oil_gas_fugitive", facility="gas_wellhead", quantity="10 a"),
            line("ch4_recovered", use="supplied", quantity=recovered, ch4_fraction="100 %"),
        ],
        region="henan",
    )


def test_a_subtracted_amount_may_not_exceed_what_it_is_subtracted_from() -> None:
    # 2 × 7.17 = 14.34 t recovered ≤ 25 t: computed, 25 − 14.34 = 10.66 tCH4 × 21 = 223.86.
    # 5 × 7.17 = 35.85 t recovered > 25 t: refused at the recovery line.
    reports = [oil_gas("2 10^4 Nm3"), oil_gas("5 10^4 Nm3")]
    bulk = compute_bulk(from_reports(reports))
    assert bulk.computed.tolist() == [True, False]
    assert close(float(bulk.total_tco2e[0]), 223.86)
    ((index, error),) = bulk.errors
    assert index == 1
    assert (error.report, error.line, error.field) == ("oil-gas-5 10^4 Nm3", 2, "quantity")
    assert error.message == (
        "ch4_recovered (35.85 t CH4) exceeds the CH4 of oil_gas_fugitive in this report (25 t)"
    )
    assert assert_same_as_exact(reports, bulk) == (1, 1)


# ---------------------------------------------------------------------------------------------
# Generated reports: a few hundred, every registered sector and source type
# ---------------------------------------------------------------------------------------------


def random_reports(seed: int, count: int) -> list[ReportInput]:
    """Reports drawn from the registered sectors and source types: defaults and measured
    values, every unit a field accepts (so GJ-quantity fuel lines), optional fields given or
    not, some negative values, some sources outside their guideline, years with and without
    a grid factor. Many are refused; the point is that both paths agree on each."""
    rng = np.random.default_rng(seed)
    guidelines = list(sectors().values())
    regions = ["henan", "henan", "hubei", "beijing", None]
    registered = sorted(SOURCE_TYPES)
    out = []
    for index in range(count):
        sector = guidelines[int(rng.integers(len(guidelines)))]
        lines = []
        for _ in range(int(rng.integers(1, 5))):
            if rng.random() < 0.02:
                source = SOURCE_TYPES[registered[int(rng.integers(len(registered)))]]
            else:
                chosen = sector.sources[int(rng.integers(len(sector.sources)))]
                source = SOURCE_TYPES[chosen.source]
            values: dict[str, object] = {}
            for item in source.fields:
                if item.kind == "choice":
                    assert item.choices is not None
                    options = item.choices()
                    # Required choices are sometimes left out (refused on both paths).
                    if (item.required and rng.random() > 0.03) or rng.random() < 0.5:
                        pick = options[int(rng.integers(len(options)))]
                        if item.name == "factor_kind" and rng.random() < 0.9:
                            pick = "grid_average"
                        values[item.name] = pick
                    continue
                if not ((item.required and item.default is None) or rng.random() < 0.4):
                    continue
                unit = item.units[int(rng.integers(len(item.units)))]
                if source.id == "fuel_combustion" and "fuel" in values:
                    form = fuel(str(values["fuel"]))
                    if item.name == "quantity":
                        unit = form.quantity_unit if rng.random() < 0.85 else "GJ"
                    elif item.name == "ncv":
                        unit = form.ncv_unit
                if item.kind == "fraction":
                    values[item.name] = f"{rng.uniform(0, 100):.4f} %"
                    continue
                value = float(item.minimum or 0) + float(np.exp(rng.normal(3, 2)))
                if rng.random() < 0.02:
                    value = -value
                values[item.name] = f"{value:.6g} {unit}"
            lines.append(LineInput(source.id, values))
        year = int(rng.choice([2012, 2013, 2014, 2015, 2016, 2020]))
        region = regions[int(rng.integers(len(regions)))]
        out.append(ReportInput(f"R{seed}-{index}", sector.id, year, lines, region=region))
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_generated_reports_equal_the_exact_path(seed: int) -> None:
    reports = random_reports(seed, 300)
    computed, refused = assert_same_as_exact(reports, compute_bulk(from_reports(reports)))
    # Both kinds are well represented.
    assert computed >= 60
    assert refused >= 60


def test_batch_back_to_reports_gives_the_same_results() -> None:
    reports = [
        r for r in random_reports(3, 200) if not isinstance(compute_reports([r])[0], ReportError)
    ]
    batch = from_reports(reports)
    again = batch.to_reports()
    assert [r.id for r in again] == [r.id for r in reports]
    assert_same_as_exact(again, compute_bulk(batch))


def test_resolved_line_values_are_what_compute_sees() -> None:
    reports = hand_reports()
    resolved = resolve_bulk(from_reports(reports))
    block = resolved.blocks["fuel_combustion"]
    # Line 3 of "steel": natural gas given as heat, defaults for what is not given.
    rows = [i for i in range(len(block.block)) if block.block.report[i] == 1]
    values = block.line_values(rows[2])
    assert values["quantity@unit"] == "GJ"
    assert values["fuel"] == "natural_gas"
    assert values["quantity"] == 5000.0
    assert values["oxidation"] == pytest.approx(0.99, rel=REL)


# ---------------------------------------------------------------------------------------------
# Tracing formulas
# ---------------------------------------------------------------------------------------------


def test_trace_tells_the_fuel_branches_apart() -> None:
    source = SOURCE_TYPES["fuel_combustion"]
    numeric = ("quantity", "ncv", "carbon_content", "oxidation")
    physical = trace_compute(source, {"fuel": "raw_coal", "quantity@unit": "t"}, numeric)
    heat = trace_compute(source, {"fuel": "raw_coal", "quantity@unit": "GJ"}, numeric)
    gas = trace_compute(source, {"fuel": "natural_gas", "quantity@unit": "10^4 Nm3"}, numeric)
    assert physical is not None
    assert heat is not None
    assert physical == gas  # the fuel does not change the formula, only its factors
    assert physical != heat
    assert ("field", "ncv") in _leaves(physical["CO2"])
    assert ("field", "ncv") not in _leaves(heat["CO2"])


def _leaves(node: tuple[object, ...]) -> set[tuple[object, ...]]:
    if node[0] in ("field", "const"):
        return {node}
    found: set[tuple[object, ...]] = set()
    for child in node[1:]:
        assert isinstance(child, tuple)
        found |= _leaves(child)
    return found


def test_exact_decimal_inputs_survive_the_float_columns() -> None:
    # A value with more digits than a float holds reads back within float precision.
    report = ReportInput(
        "digits",
        "power_generation",
        2014,
        [
            line(
                "fuel_combustion",
                fuel="raw_coal",
                quantity={"value": Decimal("1234.56789012345678"), "unit": "t"},
            )
        ],
        region="henan",
    )
    assert_same_as_exact([report], compute_bulk(from_reports([report])))
