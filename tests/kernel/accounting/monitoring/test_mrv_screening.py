"""The vectorised paths agree with the exact, enterprise-by-enterprise ones."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from mrv_cases import cement_plan, cement_rows

from citycarbon.accounting.monitoring import default_config
from citycarbon.accounting.monitoring.annual import check_ledger
from citycarbon.accounting.monitoring.columns import LedgerColumns, PlanTable, place_columns
from citycarbon.accounting.monitoring.recompute import recompute
from citycarbon.accounting.monitoring.screening import screen
from citycarbon.accounting.monitoring.synthetic import FAULTS, generate


@pytest.fixture(scope="module")
def faulty() -> tuple[object, PlanTable]:
    data = generate(300, seed=11, fault_rate=0.0008)
    return data, PlanTable.from_plans(data.plans)


@pytest.mark.parametrize("month", [12, 7])
def test_screening_finds_what_the_exact_checks_find(faulty: tuple, month: int) -> None:  # type: ignore[type-arg]
    data, table = faulty
    rows = [r for r in data.rows() if r.month_number <= month]  # annual totals (0) kept
    columns = data.ledger if month == 12 else LedgerColumns.from_rows(rows)
    exact = check_ledger(table.compiled, rows, reporting_month=month)
    bulk = screen(columns, table, reporting_month=month)
    assert sorted(f.key for f in bulk.findings) == sorted(f.key for f in exact.findings)
    assert [f.severity for f in bulk.findings] == [f.severity for f in exact.findings]
    codes = Counter(f.code for f in exact.findings)
    # Every injected fault is found (a dropped row is missing; a renamed stream leaves a gap too).
    if month == 12:
        assert set(FAULTS) <= set(codes)
    assert codes["intensity_outlier"] > 0


def test_screening_with_other_settings(faulty: tuple) -> None:  # type: ignore[type-arg]
    data, table = faulty
    config = (
        default_config()
        .with_check("intensity", method="robust_z", z_max=2.0)
        .with_check("jumps", threshold_pct=20, skip_zero=True)
        .with_check("evidence", enabled=False)
        .with_check("completeness", severity="warning")
    )
    exact = check_ledger(table.compiled, data.rows(), config=config)
    bulk = screen(data.ledger, table, config=config)
    assert sorted(f.key for f in bulk.findings) == sorted(f.key for f in exact.findings)
    assert "evidence_missing" not in {f.code for f in bulk.findings}


def test_recomputed_totals_match_the_exact_reports() -> None:
    data = generate(150, seed=5)
    table = PlanTable.from_plans(data.plans)
    placed = place_columns(data.ledger, table)
    bulk = recompute(placed)
    exact = check_ledger(table.compiled, data.rows())
    assert bulk.result.computed.all()
    for k, plan in enumerate(table.plans):
        report = exact.enterprises[plan.enterprise].report
        assert report is not None
        assert report.result is not None
        expected = float(report.result.total.value)
        assert abs(bulk.result.total_tco2e[k] - expected) <= 1e-9 * abs(expected)
        assert bulk.outputs[k] == pytest.approx(float(report.outputs["output"]), rel=1e-12)


def test_columns_from_rows_keep_the_ledger() -> None:
    rows = cement_rows()
    columns = LedgerColumns.from_rows(rows)
    assert len(columns) == 15
    assert columns.streams == ("coal", "power", "clinker")
    assert np.array_equal(columns.month, [1] * 5 + [2] * 5 + [3] * 5)
    table = PlanTable.from_plans([cement_plan()])
    found = screen(columns, table, reporting_month=3)
    assert [(f.code, f.row) for f in found.findings] == [("jump", 6)]
