"""The annual report from a plan and a ledger: hand-computed sums, weighted means, derivations."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mrv_cases import YEAR, cement_plan, cement_rows, measured, rows

from citycarbon.accounting import LineInput, ReportInput, compute_report
from citycarbon.accounting.monitoring import (
    MonitoringPlan,
    ParameterPlan,
    SourceStream,
    annual_report,
)
from citycarbon.numbers import CONTEXT, round_emissions


def test_cement_plant_months_1_to_3_by_hand() -> None:
    report = annual_report(cement_plan(), cement_rows(), through_month=3)
    assert report.result is not None
    # Coal: 1000 + 2000 + 1000 t. NCV by mass: (1000·20 + 2000·21 + 1000·22) / 4000 = 21 GJ/t.
    quantity = report.derivation("coal", "quantity")
    assert (quantity.method, quantity.value, quantity.unit) == ("sum", Decimal(4000), "t")
    assert [p.row for p in quantity.parts] == [1, 6, 11]
    ncv = report.derivation("coal", "ncv")
    assert ncv.method == "weighted_mean"
    assert ncv.weights == ("quantity",)
    assert (ncv.numerator, ncv.denominator, ncv.value) == (84000, 4000, 21)
    assert [p.weight for p in ncv.parts] == [1000, 2000, 1000]
    # Carbon content by heat: heats 20 000, 42 000, 22 000 GJ; carbon 520 + 1050 + 594 = 2164 tC.
    carbon = report.derivation("coal", "carbon_content")
    assert carbon.weights == ("quantity", "ncv")
    assert [p.weight for p in carbon.parts] == [20000, 42000, 22000]
    assert [p.value for p in carbon.parts] == [Decimal("0.026"), Decimal("0.025"), Decimal("0.027")]
    assert (carbon.numerator, carbon.denominator) == (Decimal(2164), Decimal(84000))
    assert carbon.value == CONTEXT.divide(Decimal(2164), Decimal(84000))
    assert carbon.unit == "tC/GJ"
    # Emissions: 2164 tC × 0.93 (default oxidation) × 44/12 = 7379.24 t; power 1800 MWh × 0.5257.
    assert round_emissions(report.result.by_source["fuel_combustion"]) == Decimal("7379.24")
    assert report.result.by_source["purchased_electricity"] == Decimal("946.26")
    assert round_emissions(report.result.total.value) == Decimal("8325.50")
    assert abs(report.result.total.value - Decimal("8325.5")) < Decimal("1e-24")
    assert report.derivation("coal", "oxidation").method == "default"
    params = {p.name: p for p in report.result.lines[0].params}
    assert params["oxidation"].factor_id == "of.bituminous_coal"
    assert params["ncv"].origin == "measured"
    assert report.outputs == {"clinker": Decimal(9000)}
    assert report.derivation("clinker", "output").value == 9000
    assert round(report.intensity or 0, 6) == Decimal("0.925056")
    assert report.intensity_unit == "tCO2e/t"
    assert report.line_streams == ("coal", "power")
    # The ledger's only finding: coal doubled from January to February (a warning).
    assert [(f.code, f.severity, f.row) for f in report.findings] == [("jump", "warning", 6)]


def test_units_are_converted_exactly_before_summing() -> None:
    ledger = cement_rows()
    # February's coal in 10^4 t, its NCV in MJ/kg, March's power in 10^4 kWh.
    ledger[5] = replace(ledger[5], value=Decimal("0.2"), unit="10^4 t")
    ledger[6] = replace(ledger[6], value=Decimal("21"), unit="MJ/kg")
    ledger[13] = replace(ledger[13], value=Decimal("70"), unit="万千瓦时")
    report = annual_report(cement_plan(), ledger, through_month=3)
    assert report.derivation("coal", "quantity").value == 4000
    assert report.derivation("coal", "ncv").value == 21
    assert report.derivation("power", "quantity").value == 1800


def test_element_carbon_gives_carbon_per_heat() -> None:
    """Σ FC·C / Σ FC·NCV = (100·0.52 + 300·0.572) / (100·20 + 300·22) = 223.6 / 8600 = 0.026."""
    stream = SourceStream(
        "coal",
        "kiln1",
        "fuel_combustion",
        (
            measured("quantity", "t", "weighbridge"),
            measured("ncv", "GJ/t", "lab_analysis", standard="GB/T 213"),
            measured("element_carbon", "%", "lab_analysis", standard="GB/T 476"),
        ),
        {"fuel": "raw_coal"},
    )
    plan = cement_plan(streams=(stream,))
    ledger = rows(
        [
            ("coal", "2014-01", "quantity", "100", "t"),
            ("coal", "2014-01", "ncv", "20", "GJ/t"),
            ("coal", "2014-01", "element_carbon", "52", "%"),
            ("coal", "2014-02", "quantity", "300", "t"),
            ("coal", "2014-02", "ncv", "22", "GJ/t"),
            ("coal", "2014-02", "element_carbon", "57.2", "%"),
        ]
    )
    report = annual_report(plan, ledger, through_month=2)
    carbon = report.derivation("coal", "carbon_content")
    assert carbon.method == "element_carbon"
    assert (carbon.numerator, carbon.denominator, carbon.value) == (
        Decimal("223.6"),
        Decimal(8600),
        Decimal("0.026"),
    )
    assert report.result is not None
    # 8600 GJ × 0.026 tC/GJ × 0.94 (raw coal) × 44/12 = 770.67 t
    assert round_emissions(report.result.total.value) == Decimal("770.67")


def test_quarterly_measurement_applies_to_its_months_and_fixed_values() -> None:
    """Purity measured quarterly: Q1 90 % over 300 t, Q2 80 % over 300 t: 85 %."""
    stream = SourceStream(
        "lime",
        "kiln1",
        "carbonate_decomposition",
        (
            measured("quantity", "t", "weighbridge"),
            measured("purity", "%", "lab_analysis", "quarterly", "GB/T 3286"),
            ParameterPlan("calcination", "fixed", "design_value", unit="%", value=Decimal(100)),
        ),
        {"carbonate": "CaCO3"},
    )
    plan = cement_plan(sector="ceramics", streams=(stream,))
    items = [("lime", f"2014-{m:02d}", "quantity", "100", "t") for m in range(1, 7)]
    items += [("lime", "2014-02", "purity", "90", "%"), ("lime", "2014-05", "purity", "80", "%")]
    report = annual_report(plan, rows(items), through_month=6)
    assert report.findings == ()
    purity = report.derivation("lime", "purity")
    assert purity.value == Decimal("0.85")
    assert [p.month for p in purity.parts] == [f"2014-0{m}" for m in range(1, 7)]
    assert [p.row for p in purity.parts] == [7, 7, 7, 8, 8, 8]
    assert report.derivation("lime", "calcination").method == "fixed"
    assert report.derivation("lime", "calcination").value == 1
    assert report.result is not None
    # 600 t × 0.85 × 1 × 0.43971 tCO2/t (default CaCO3 factor) = 224.2521 t
    assert report.result.total.value == Decimal("224.2521")


def test_a_stream_without_activity_is_left_out() -> None:
    months = dict.fromkeys((1, 2), ("0", "20", "26", "500", "3000"))
    report = annual_report(cement_plan(), cement_rows(months), through_month=2)
    assert report.omitted == ("coal",)
    assert report.line_streams == ("power",)
    assert report.result is not None
    assert report.result.total.value == Decimal("525.7")  # 1000 MWh × 0.5257


def test_blocking_findings_refuse_the_report_and_build_nothing() -> None:
    ledger = cement_rows()
    ledger[0] = replace(ledger[0], value=Decimal(-1000))
    report = annual_report(cement_plan(), ledger, through_month=3)
    assert report.report is None
    assert report.result is None
    assert report.derivations == ()
    assert [(f.code, f.row) for f in report.findings if f.severity == "error"] == [("negative", 1)]


def test_a_report_the_kernel_refuses_carries_its_refusal() -> None:
    # 2024 has no grid factor for henan: the kernel refuses the electricity line.
    plan = cement_plan(year=2024)
    ledger = [replace(r, month="2024" + r.month[4:]) for r in cement_rows()]
    report = annual_report(plan, ledger, through_month=3)
    assert report.result is None
    assert report.refusal is not None
    assert [e.field for e in report.refusal.errors] == ["factor"]


# --------------------------------------------------------------------------------------------
# Property: the report from a ledger equals the report from the pre-summed annual inputs


def _annual_input(
    plan: MonitoringPlan, coal: list[int], ncv: Decimal, cc: Decimal, power: list[int]
) -> ReportInput:
    """The annual report as an enterprise would write it: sums and the (constant) parameters;
    a stream without activity has no line."""
    lines = [
        LineInput(
            "fuel_combustion",
            {
                "fuel": "bituminous_coal",
                "quantity": Decimal(sum(coal)),
                "quantity@given_unit": "t",
                "ncv": {"value": ncv, "unit": "GJ/t"},
                "carbon_content": {"value": cc / 1000, "unit": "tC/GJ"},
            },
            "coal",
        ),
    ]
    if sum(power):
        lines.append(
            LineInput(
                "purchased_electricity",
                {"quantity": Decimal(sum(power)), "quantity@given_unit": "MWh"},
                "power",
            )
        )
    return ReportInput(
        id=plan.enterprise,
        sector=plan.sector,
        year=plan.year,
        region=plan.region,
        lines=tuple(lines),
    )


@settings(max_examples=40, deadline=None)
@given(
    coal=st.lists(st.integers(1, 10**7), min_size=12, max_size=12),
    power=st.lists(st.integers(0, 10**6), min_size=12, max_size=12),
    ncv=st.decimals("10", "30", places=3),
    cc=st.decimals("24", "28", places=2),
)
def test_ledger_report_equals_report_of_presummed_inputs(
    coal: list[int], power: list[int], ncv: Decimal, cc: Decimal
) -> None:
    months = {m + 1: (str(coal[m]), str(ncv), str(cc), str(power[m]), "1") for m in range(12)}
    plan = cement_plan()
    built = annual_report(plan, cement_rows(months), check=False)
    direct = compute_report(_annual_input(plan, coal, ncv, cc, power))
    assert built.result is not None
    assert built.result.total == direct.total
    assert built.result.by_source == direct.by_source


@settings(max_examples=40, deadline=None)
@given(
    data=st.lists(
        st.tuples(
            st.integers(0, 10**6),
            st.decimals("10", "30", places=3),
            st.decimals("24", "28", places=2),
        ),
        min_size=12,
        max_size=12,
    )
)
def test_weighted_annual_line_equals_the_sum_of_monthly_lines(
    data: list[tuple[int, Decimal, Decimal]],
) -> None:
    """With monthly NCV and carbon content, the weighting makes the annual fuel line equal the
    sum of the twelve monthly lines (to the 34-digit context)."""
    months = {m + 1: (str(q), str(n), str(c), "0", "1") for m, (q, n, c) in enumerate(data)}
    plan = cement_plan()
    built = annual_report(plan, cement_rows(months), check=False)
    expected = sum(
        (Decimal(q) * n * c / 1000 * Decimal("0.93") * 44 / 12 for q, n, c in data), Decimal(0)
    )
    if built.result is None:  # every month zero: the coal line is left out, nothing to report
        assert all(q == 0 for q, _, _ in data)
        return
    got = built.result.by_source.get("fuel_combustion", Decimal(0))
    assert abs(got - expected) <= Decimal("1e-20") * max(Decimal(1), abs(expected))


def test_the_year_runs_over_twelve_months() -> None:
    report = annual_report(
        cement_plan(), cement_rows(dict.fromkeys(range(1, 13), ("1000", "20", "26", "500", "3000")))
    )
    assert report.findings == ()
    assert report.derivation("coal", "quantity").value == 12000
    assert report.result is not None
    assert report.plan.year == YEAR


@pytest.mark.parametrize("through", [1, 6, 12])
def test_through_month_limits_the_months_used(through: int) -> None:
    months = dict.fromkeys(range(1, 13), ("1000", "20", "26", "500", "3000"))
    report = annual_report(cement_plan(), cement_rows(months), through_month=through, check=False)
    assert report.derivation("power", "quantity").value == 500 * through
