"""Each ledger check: a case it flags and a case it passes, with the configuration from data."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from decimal import Decimal

import numpy as np
import pytest
from mrv_cases import cement_plan, cement_rows, full_year, rows

from citycarbon.accounting.monitoring import (
    CheckConfig,
    LedgerRow,
    ParameterPlan,
    PeerDistribution,
    RangeTable,
    compile_plan,
    default_config,
    run_checks,
)
from citycarbon.accounting.monitoring.annual import check_enterprise, check_ledger
from citycarbon.accounting.monitoring.checks import peer_bounds
from citycarbon.accounting.monitoring.config import ConfigError
from citycarbon.accounting.monitoring.findings import MESSAGES, Finding

PLAN = compile_plan(cement_plan())


def found(
    ledger: list[LedgerRow], month: int = 12, config: CheckConfig | None = None, plan: object = PLAN
) -> list[tuple[str, str, int | None, str | None, str | None]]:
    """(code, severity, row, parameter, month) of every finding."""
    result = run_checks(plan, ledger, reporting_month=month, config=config)  # type: ignore[arg-type]
    return [(f.code, f.severity, f.row, f.parameter, f.month) for f in result]


def year_rows() -> list[LedgerRow]:
    return cement_rows(full_year())


def test_a_clean_year_has_no_findings() -> None:
    assert found(year_rows()) == []


def test_every_message_template_formats_with_its_finding() -> None:
    result = run_checks(PLAN, [replace(year_rows()[0], value=Decimal(-5))])
    assert all(isinstance(f, Finding) and f.message for f in result)
    assert "{" not in "".join(f.message for f in result)
    assert {f.code for f in result} <= set(MESSAGES)


# --- structure --------------------------------------------------------------------------------


def test_structure_rows_that_do_not_fit_the_plan() -> None:
    ledger = year_rows()
    ledger[0] = replace(ledger[0], enterprise="E2")
    ledger[1] = replace(ledger[1], month="2013-01")
    ledger[2] = replace(ledger[2], stream="boiler9")
    ledger[3] = replace(ledger[3], facility="kiln2")
    ledger[4] = replace(ledger[4], parameter="ncv")  # clinker's ncv: not planned
    ledger[5] = replace(ledger[5], month="2014")  # an annual total of the coal's NCV
    got = found(ledger)
    assert ("wrong_enterprise", "error", 1, "quantity", "2014-01") in got
    assert ("wrong_year", "error", 2, "ncv", "2013-01") in got
    assert ("stream_unknown", "error", 3, "carbon_content", "2014-01") in got
    assert ("facility_mismatch", "error", 4, "quantity", "2014-01") in got
    assert ("parameter_unplanned", "error", 5, "ncv", "2014-01") in got
    assert ("annual_not_additive", "error", 6, "quantity", "2014") not in got  # quantity: fine
    assert ("after_reporting_month", "error", 60, "output", "2014-12") in found(ledger, month=11)


def test_structure_annual_total_of_a_parameter_is_refused() -> None:
    ledger = year_rows()
    ledger.append(replace(ledger[1], row=99, month="2014"))
    assert ("annual_not_additive", "error", 99, "ncv", "2014") in found(ledger)


# --- completeness and duplicates --------------------------------------------------------------


def test_completeness_names_each_missing_period() -> None:
    ledger = [r for r in year_rows() if not (r.parameter == "ncv" and r.month == "2014-07")]
    assert found(ledger) == [("missing", "error", None, "ncv", "2014-07")]
    first_half = [r for r in ledger if r.month <= "2014-06"]
    assert found(first_half, month=6) == []


def test_completeness_does_not_ask_for_lab_values_in_an_idle_month() -> None:
    months = full_year()
    months[5] = ("0", "20", "26", "500", "3000")
    ledger = [
        r
        for r in cement_rows(months)
        if not (r.month == "2014-05" and r.parameter in ("ncv", "carbon_content"))
    ]
    result = found(ledger)
    assert [c for c in result if c[0] == "missing"] == []
    # … but the quantity itself is always due.
    ledger = [r for r in ledger if not (r.month == "2014-05" and r.stream == "coal")]
    assert ("missing", "error", None, "quantity", "2014-05") in found(ledger)


def test_duplicates_name_the_second_row_and_the_first() -> None:
    ledger = year_rows()
    ledger.append(replace(ledger[6], row=99))
    result = run_checks(PLAN, ledger)
    assert [(f.code, f.row, f.params["first"]) for f in result] == [("duplicate", 99, "7")]


# --- units, negatives, evidence -----------------------------------------------------------


def test_units_unknown_and_wrong_dimension() -> None:
    ledger = year_rows()
    ledger[0] = replace(ledger[0], unit="bananas")
    ledger[1] = replace(ledger[1], unit="tC/TJ")
    ledger[3] = replace(ledger[3], unit="10^4 kWh", value=Decimal(50))  # right dimension
    result = found(ledger)
    assert ("unit_unknown", "error", 1, "quantity", "2014-01") in result
    assert ("unit_dimension", "error", 2, "ncv", "2014-01") in result
    assert not [r for r in result if r[2] == 4]


def test_negatives_and_the_source_types_own_bounds() -> None:
    coal = cement_plan().streams[0]
    oxidation = ParameterPlan("oxidation", "measured", "calculation", "monthly", unit="%")
    plan = compile_plan(
        cement_plan(streams=(replace(coal, parameters=(*coal.parameters[:3], oxidation)),))
    )
    ledger = [r for r in year_rows() if r.stream == "coal"]
    ledger += rows(
        [("coal", f"2014-{m:02d}", "oxidation", "95", "%") for m in range(1, 13)], start=100
    )
    ledger[0] = replace(ledger[0], value=Decimal(-3))
    ledger[-1] = replace(ledger[-1], value=Decimal(120))
    result = run_checks(plan, ledger)
    assert [(f.code, f.row) for f in result if f.severity == "error"] == [
        ("negative", 1),
        ("outside_field_bounds", 111),
    ]
    bound = next(f for f in result if f.code == "outside_field_bounds")
    assert bound.message == "oxidation must be at most 100 %"


def test_evidence_is_required_for_lab_values_only() -> None:
    ledger = year_rows()
    ledger[1] = replace(ledger[1], evidence="")  # the NCV lab report
    ledger[0] = replace(ledger[0], evidence="")  # a weighbridge total: no evidence needed
    assert found(ledger) == [("evidence_missing", "error", 2, "ncv", "2014-01")]
    config = default_config().with_check("evidence", enabled=False)
    assert found(ledger, config=config) == []


# --- ranges and the carbon band ---------------------------------------------------------------


def test_ranges_warn_outside_the_band_and_refuse_outside_the_hard_band() -> None:
    ledger = year_rows()
    ledger[1] = replace(ledger[1], value=Decimal(12))  # below 13.70 GJ/t for bituminous coal
    ledger[6] = replace(ledger[6], value=Decimal(36))  # above the hard 35 GJ/t
    got = [r for r in found(ledger) if r[0].startswith("out_of")]
    assert got == [
        ("out_of_range", "warning", 2, "ncv", "2014-01"),
        ("out_of_hard_range", "error", 7, "ncv", "2014-02"),
    ]
    message = run_checks(PLAN, ledger)[0].message
    assert message == (
        "ncv 12 GJ/t is outside the expected range of bituminous_coal 13.7–25.44 GJ/t "
        "(ranges.csv, status D: factor library default ± 30 %)"
    )
    assert run_checks(PLAN, ledger)[0].params["rule"] == "ncv.bituminous_coal"


RANGES = textwrap.dedent("""\
    id,check,source,subject,parameter,low,high,hard_low,hard_high,unit,valid_from,valid_to,basis,document,status,note
    old,range,fuel_combustion,bituminous_coal,ncv,19,21,,,GJ/t,,2014-06-30,derived,test,D,
    new,range,fuel_combustion,*,ncv,22,24,,,MJ/kg,2014-07-01,,derived,test,D,
    band,carbon_band,fuel_combustion,bituminous_coal,carbon_content,25,27,,,tC/TJ,,,derived,test,D,
""")


def test_ranges_follow_their_validity_dates_and_subject_fallback() -> None:
    config = CheckConfig.from_mapping({}, RangeTable.from_csv_text(RANGES, "test.csv"))
    # NCV 20 every month: inside the old band until June, below the new one (any fuel) after.
    result = [r for r in found(year_rows(), config=config) if r[0] == "out_of_range"]
    assert [r[4] for r in result] == [f"2014-{m:02d}" for m in range(7, 13)]


def test_carbon_band_flags_a_coal_whose_carbon_per_heat_is_implausible() -> None:
    ledger = year_rows()
    ledger[2] = replace(ledger[2], value=Decimal("22.1"))  # 26 → 22.1 tC/TJ: forged low
    result = run_checks(PLAN, ledger)
    assert [(f.code, f.severity, f.row) for f in result] == [
        ("carbon_band", "warning", 3),
        ("jump", "warning", 8),
    ]
    assert result[0].params["low"] == "24.27"
    config = default_config().with_check("carbon_band", severity="error")
    assert found(ledger, config=config)[0][:2] == ("carbon_band", "error")


def test_carbon_band_uses_element_carbon_over_the_months_ncv() -> None:
    from mrv_cases import measured

    from citycarbon.accounting.monitoring import SourceStream

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
    plan = compile_plan(cement_plan(streams=(stream,)))
    ok = rows(
        [
            ("coal", "2014-01", "quantity", "100", "t"),
            ("coal", "2014-01", "ncv", "20", "GJ/t"),
            ("coal", "2014-01", "element_carbon", "52", "%"),
        ]
    )  # 26 tC/TJ
    assert run_checks(plan, ok, reporting_month=1) == []
    low = [replace(r, value=Decimal(45)) if r.parameter == "element_carbon" else r for r in ok]
    result = run_checks(plan, low, reporting_month=1)  # 22.5 tC/TJ, below 24.52 for raw coal
    assert [(f.code, f.row, f.params["shown"]) for f in result] == [("carbon_band", 3, "22.5")]


# --- jumps and annual totals ------------------------------------------------------------------


def test_jumps_use_the_parameter_threshold() -> None:
    ledger = year_rows()
    ledger[10] = replace(ledger[10], value=Decimal(1499))  # quantity +49.9 %: below 50 %
    ledger[6] = replace(ledger[6], value=Decimal("23.5"))  # NCV +17.5 %: above its 15 %
    result = run_checks(PLAN, ledger)
    jumps = [(f.row, f.params["change"], f.params["threshold"]) for f in result if f.code == "jump"]
    # NCV +17.5 % in February (threshold 15 %); back −14.9 % in March: not flagged. The coal's
    # +49.9 % in March and −33.3 % in April stay under 50 %.
    assert jumps == [(7, "17.5", "15")]
    config = default_config().with_check("jumps", threshold_pct=60, parameters={})
    assert [r for r in found(ledger, config=config) if r[0] == "jump"] == []


def test_jumps_from_zero_unless_skipped() -> None:
    months = full_year()
    months[3] = ("0", "20", "26", "500", "3000")
    ledger = cement_rows(months)
    assert [(r[0], r[2]) for r in found(ledger)] == [("jump", 11), ("jump", 16)]
    config = default_config().with_check("jumps", skip_zero=True)
    assert found(ledger, config=config) == []


def test_annual_totals_against_the_months() -> None:
    ledger = year_rows()
    ledger.append(replace(ledger[0], row=99, month="2014", value=Decimal(12000)))  # matches
    ledger.append(replace(ledger[3], row=98, month="2014", value=Decimal(6100)))  # 6000 − 1.6 %
    result = run_checks(PLAN, ledger)
    assert [(f.code, f.row, f.params["difference"]) for f in result] == [
        ("annual_mismatch", 98, "-1.64")
    ]
    config = default_config().with_check("annual_totals", tolerance_pct=2)
    assert found(ledger, config=config) == []


# --- intensity against peers ----------------------------------------------------------------


def _peers(values: list[float]) -> dict[tuple[str, str, str], PeerDistribution]:
    return {
        ("cement", "clinker", "t"): PeerDistribution("cement", "clinker", "t", np.array(values))
    }


def test_intensity_outside_the_peers_percentiles() -> None:
    # The plant: 12000 t coal × 20 GJ/t × 0.026 tC/GJ × 0.93 × 44/12 = 21278.4 t, plus 6000 MWh
    # × 0.5257 = 3154.2 t, over 36000 t clinker: 0.678683 tCO2e/t.
    peers = _peers([0.4 + 0.01 * k for k in range(21)])  # p5 = 0.41, p95 = 0.59
    checked = check_enterprise(PLAN, year_rows(), peers=peers)
    assert checked.report is not None
    assert checked.report.intensity is not None
    assert round(float(checked.report.intensity), 6) == 0.678683
    assert [(f.code, f.severity) for f in checked.findings] == [("intensity_outlier", "warning")]
    assert (checked.findings[0].params["low"], checked.findings[0].params["high"]) == (
        "0.41",
        "0.59",
    )
    inside = check_enterprise(PLAN, year_rows(), peers=_peers([0.6 + 0.01 * k for k in range(21)]))
    assert inside.findings == ()


def test_intensity_robust_z_and_too_few_peers() -> None:
    config = default_config().with_check("intensity", method="robust_z", z_max=3.5)
    values = [0.60, 0.61, 0.62, 0.63, 0.64, 0.65, 0.66, 0.67, 0.68, 0.69]
    # median 0.645, MAD 0.025: flagged beyond 0.645 ± 3.5 · 0.025 / 0.6745 = 0.515 … 0.775.
    low, high = peer_bounds(np.array(values), config) or (0, 0)
    assert (round(low, 4), round(high, 4)) == (0.5153, 0.7747)
    checked = check_enterprise(PLAN, year_rows(), config=config, peers=_peers(values))
    assert checked.findings == ()
    assert peer_bounds(np.array(values[:9]), config) is None  # fewer than 10 peers


def test_ledger_of_several_enterprises_uses_its_own_population() -> None:
    plans = [compile_plan(cement_plan(enterprise=f"E{k}")) for k in range(12)]
    ledger: list[LedgerRow] = []
    for k, plan in enumerate(plans):
        months = {m: (str(1000 + 100 * k), "20", "26", "500", "3000") for m in range(1, 13)}
        ledger += [
            replace(r, enterprise=plan.plan.enterprise, row=1000 * k + r.row)
            for r in cement_rows(months)
        ]
    ledger.append(replace(ledger[0], enterprise="E99", row=99999))
    checked = check_ledger(plans, ledger)
    outliers = sorted(f.enterprise or "" for f in checked.findings if f.code == "intensity_outlier")
    assert outliers == ["E0", "E11"]  # the lowest and the highest intensity of twelve
    with pytest.raises(ValueError, match="two plans for enterprise"):
        check_ledger([plans[0], plans[0]], ledger)
    assert [(f.code, f.row) for f in checked.findings if f.enterprise == "E99"] == [
        ("enterprise_without_plan", 99999)
    ]


# --- configuration ----------------------------------------------------------------------------


def test_configuration_refuses_unknown_checks_and_severities() -> None:
    with pytest.raises(ConfigError, match="unknown check 'speling'"):
        CheckConfig.from_mapping({"checks": {"speling": {}}})
    with pytest.raises(ConfigError, match="severity must be error or warning"):
        CheckConfig.from_mapping({"checks": {"jumps": {"severity": "fatal"}}})
    with pytest.raises(ConfigError, match="overlap in validity"):
        RangeTable.from_csv_text(
            RANGES.replace("2014-07-01", "2014-06-01").replace("*", "bituminous_coal")
        )
    config = CheckConfig.from_mapping({"checks": {"completeness": {"severity": "warning"}}})
    ledger = [r for r in year_rows() if not (r.parameter == "ncv" and r.month == "2014-07")]
    assert found(ledger, config=config) == [("missing", "warning", None, "ncv", "2014-07")]


def test_shipped_ranges_carry_their_provenance() -> None:
    table = default_config().ranges
    rule = table.find("range", "fuel_combustion", "lignite", "ncv", 2014, 1)
    assert rule is not None
    assert (rule.low, rule.high, rule.basis, rule.status) == (
        Decimal("5.5"),
        Decimal("21.6"),
        "published",
        "C-1",
    )
    derived = table.find("carbon_band", "fuel_combustion", "raw_coal", "carbon_content", 2014, 1)
    assert derived is not None
    assert derived.status == "D"
    assert (derived.low, derived.high) == (Decimal("24.52"), Decimal("28.22"))
