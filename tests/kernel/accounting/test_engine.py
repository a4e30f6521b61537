"""The accounting engine on hand-worked cases: exact figures, units, defaults, treatments,
and refusals that compute nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from citycarbon.accounting import (
    ReportError,
    ReportInput,
    ReportResult,
    compute_report,
    compute_reports,
)
from citycarbon.accounting.interchange import report_from_mapping


def _report(*lines: dict[str, Any], **fields: Any) -> ReportInput:
    data: dict[str, Any] = {"id": "E1", "sector": "power_generation", "year": 2012,
                            "region": "henan", "lines": list(lines)}  # fmt: skip
    data.update(fields)
    return report_from_mapping(data)


MEASURED_COAL: dict[str, Any] = {
    "source": "fuel_combustion",
    "fuel": "raw_coal",
    "quantity": 10000,
    "unit": "t",
    "ncv": {"value": "20.908", "unit": "GJ/t"},
    "carbon_content": {"value": "26.37", "unit": "tC/TJ"},
    "oxidation": {"value": 94, "unit": "%"},
}
ELECTRICITY: dict[str, Any] = {
    "source": "purchased_electricity",
    "quantity": 20000,
    "unit": "MWh",
    "factor": {"value": "0.5257", "unit": "tCO2/MWh"},
}

#: 10 000 t × 20.908 GJ/t = 209 080 GJ; × 0.02637 tC/GJ = 5 513.4396 tC; × 0.94 = 5 182.633224 tC;
#: × 44/12 = 19 002.988488 tCO2 (NDRC enterprise guidelines Eq. (2)-(4)).
COAL_TCO2 = Decimal("19002.988488")
#: 20 000 MWh × 0.5257 tCO2/MWh = 10 514 tCO2.
ELECTRICITY_TCO2 = Decimal("10514")


def _co2(result: ReportResult, line: int = 0) -> Decimal:
    return result.lines[line].masses_t["CO2"]


def test_worked_example_is_exact() -> None:
    result = compute_report(_report(MEASURED_COAL, ELECTRICITY))
    assert _co2(result, 0) == COAL_TCO2
    assert _co2(result, 1) == ELECTRICITY_TCO2
    assert result.by_source == {"fuel_combustion": COAL_TCO2,
                                "purchased_electricity": ELECTRICITY_TCO2}  # fmt: skip
    assert result.total.value == Decimal("29516.988488")
    assert result.total.metric == "SARGWP100"
    assert result.by_gas == {"CO2": Decimal("29516.988488")}


@pytest.mark.parametrize(
    "change",
    [
        {"quantity": 1, "unit": "万吨"},
        {"quantity": 1, "unit": "10^4 t"},
        {"quantity": "10000 t", "unit": None},
        {"ncv": {"value": "20908", "unit": "kJ/kg"}},
        {"ncv": "20.908 MJ/kg"},
        {"carbon_content": {"value": "0.02637", "unit": "tC/GJ"}},
        {"oxidation": {"value": "0.94", "unit": "fraction"}},
        # The heat itself (AD = FC × NCV = 209 080 GJ): the calorific value is then not used.
        {"quantity": 209080, "unit": "GJ"},
    ],
)
def test_units_convert_exactly(change: dict[str, Any]) -> None:
    line = {**MEASURED_COAL, **change}
    line = {k: v for k, v in line.items() if v is not None}
    assert _co2(compute_report(_report(line))) == COAL_TCO2


@pytest.mark.parametrize(
    "change",
    [
        {"quantity": 2000, "unit": "万千瓦时"},
        {"quantity": 2000, "unit": "10^4 kWh"},
        {"quantity": 20000000, "unit": "kWh"},
        {"factor": {"value": "0.5257", "unit": "kgCO2/kWh"}},
    ],
)
def test_electricity_units(change: dict[str, Any]) -> None:
    assert _co2(compute_report(_report({**ELECTRICITY, **change}))) == ELECTRICITY_TCO2


def test_natural_gas_in_ten_thousand_cubic_metres() -> None:
    gas = {"source": "fuel_combustion", "fuel": "natural_gas", "quantity": 100,
           "unit": "10^4 Nm3", "ncv": "389.31 GJ/(10^4 Nm3)", "carbon_content": "15.3 tC/TJ",
           "oxidation": "99 %"}  # fmt: skip
    # 100 × 389.31 = 38 931 GJ; × 0.0153 tC/GJ = 595.6443 tC; × 0.99 = 589.687857 tC;
    # × 44/12 = 2 162.188809 tCO2.
    assert _co2(compute_report(_report(gas))) == Decimal("2162.188809")


def test_defaults_come_from_the_factor_library_with_their_row() -> None:
    coal = {"source": "fuel_combustion", "fuel": "raw_coal", "quantity": 10000, "unit": "t"}
    power = {"source": "purchased_electricity", "quantity": 20000, "unit": "MWh"}
    result = compute_report(_report(coal, power))
    used = {p.name: p for line in result.lines for p in line.params if p.origin == "default"}
    assert {n: p.factor_id for n, p in used.items()} == {
        "ncv": "ncv.raw_coal",
        "carbon_content": "cc.raw_coal",
        "oxidation": "of.raw_coal",
        "factor": "grid.central.2012",
    }
    # Appendix-2 raw coal (20.908 GJ/t, 26.37 tC/TJ, 94 %) and the 2012 central-China grid
    # average (0.5257 tCO2/MWh), in the units the formulas use.
    assert {n: p.value for n, p in used.items()} == {
        "ncv": Decimal("20.908"),
        "carbon_content": Decimal("0.02637"),
        "oxidation": Decimal("0.94"),
        "factor": Decimal("0.5257"),
    }
    assert result.total.value == Decimal("29516.988488")


def test_measured_values_are_marked_measured() -> None:
    result = compute_report(_report(MEASURED_COAL))
    origins = {p.name: p.origin for p in result.lines[0].params}
    assert origins == {"fuel": "choice", "quantity": "activity", "ncv": "measured",
                       "carbon_content": "measured", "oxidation": "measured"}  # fmt: skip
    given = {p.name: p.given for p in result.lines[0].params}
    assert given["carbon_content"] == "26.37 tC/TJ"


def test_exported_electricity_is_subtracted() -> None:
    exported = {**ELECTRICITY, "source": "exported_electricity", "quantity": 5000}
    result = compute_report(_report(ELECTRICITY, exported, sector="iron_steel"))
    # 20 000 × 0.5257 = 10 514 added; 5 000 × 0.5257 = 2 628.5 subtracted; net 7 885.5.
    assert result.lines[1].treatment == "subtract"
    assert result.lines[1].co2e.value == Decimal("2628.5")
    assert result.lines[1].contribution == Decimal("-2628.5")
    assert result.by_source["exported_electricity"] == Decimal("-2628.5")
    assert result.total.value == Decimal("7885.5")
    assert result.by_gas == {"CO2": Decimal("7885.5")}


def test_memo_items_are_reported_separately() -> None:
    biomass = {"source": "biomass_combustion", "quantity": 1000, "unit": "GJ",
               "factor": "0.1 tCO2/GJ"}  # fmt: skip
    result = compute_report(_report(MEASURED_COAL, biomass))
    # 1 000 GJ × 0.1 tCO2/GJ = 100 tCO2, reported but not counted.
    assert result.memo == {"biomass_combustion": Decimal("100")}
    assert result.total.value == COAL_TCO2
    assert "biomass_combustion" not in result.by_source
    assert result.by_gas == {"CO2": COAL_TCO2}


def test_gwp_metric_is_kept() -> None:
    result = compute_report(_report(MEASURED_COAL), metric="AR5GWP100")
    assert result.metric == "AR5GWP100"
    assert result.total.metric == "AR5GWP100"
    assert result.total.value == COAL_TCO2


# --------------------------------------------------------------------------------------------
# Refusals


def _refusals(report: ReportInput, **kwargs: Any) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(ReportError) as caught:
        compute_report(report, **kwargs)
    assert caught.value.report == report.id
    return [(e.line, e.field, e.message) for e in caught.value.errors]


def test_every_problem_is_collected() -> None:
    bad = _report(
        {**MEASURED_COAL, "quantity": -1},
        {**MEASURED_COAL, "oxidation": 94},
        {**ELECTRICITY, "factor_kind": "grid_om"},
        {**MEASURED_COAL, "ncv": "389.31 GJ/(10^4 Nm3)"},
        {**MEASURED_COAL, "fuel": "natural_gas", "ncv": None},
    )
    found = {(line, field) for line, field, _ in _refusals(bad)}
    assert found == {(1, "quantity"), (2, "oxidation"), (3, "factor_kind"), (4, "ncv"),
                     (5, "quantity")}  # fmt: skip


def test_source_outside_the_guideline() -> None:
    exported = {**ELECTRICITY, "source": "exported_electricity"}
    ((line, field, message),) = _refusals(_report(exported))
    assert (line, field) == (1, "source")
    assert "power_generation guideline has no source 'exported_electricity'" in message


def test_unknown_metric() -> None:
    ((_, _, message),) = _refusals(_report(MEASURED_COAL), metric="GWP1000")
    assert "unknown GWP metric" in message


def test_missing_year() -> None:
    report = ReportInput("E1", "power_generation", None, _report(MEASURED_COAL).lines)
    assert (None, "year", "a report needs a year") in _refusals(report)


def test_a_refusal_does_not_stop_the_others() -> None:
    good = _report(MEASURED_COAL)
    bad = _report({**MEASURED_COAL, "quantity": -1}, id="E2")
    first, second, third = compute_reports([good, bad, good])
    assert isinstance(first, ReportResult)
    assert isinstance(third, ReportResult)
    assert isinstance(second, ReportError)
    assert first.total.value == third.total.value == COAL_TCO2
