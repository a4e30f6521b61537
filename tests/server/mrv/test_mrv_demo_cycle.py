"""The demonstration cycle: plans approved, the 2015 ledgers with one caught error and one
acknowledged warning, the Dengfeng power plant left mid-cycle (ILLUSTRATIVE data)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from mrv_support import load_places

from citycarbon.server.mrv.demo import load_demo
from citycarbon.server.mrv.models import (
    AnnualReport,
    Disclosure,
    LedgerFinding,
    LedgerMonth,
    MonitoringPlan,
    VerificationAssignment,
)

pytestmark = pytest.mark.django_db

POWER, CHP, CEMENT = "91410185YY1850016K", "91410183YY18300154", "91410185YY18500329"


def test_the_demo_cycle() -> None:
    load_places()
    outcome = load_demo()
    assert (outcome.plans, outcome.ledger_months, outcome.reports) == (4, 35, 2)
    assert len(outcome.caught) == 1
    assert outcome.caught[0].startswith(f"{POWER} 2015-03 row 4 value -")
    states = {
        (p.enterprise.credit_code, p.year): p.state
        for p in MonitoringPlan.objects.select_related("enterprise")
    }
    assert states == {
        (POWER, 2015): "approved", (CHP, 2015): "approved", (CEMENT, 2015): "approved",
        (POWER, 2016): "draft",
    }  # fmt: skip
    counts = {
        code: LedgerMonth.objects.filter(enterprise__credit_code=code, state="submitted").count()
        for code in (POWER, CHP, CEMENT)
    }
    assert counts == {POWER: 11, CHP: 12, CEMENT: 12}
    warned = LedgerFinding.objects.get()
    assert (warned.ledger.enterprise.credit_code, warned.ledger.month, warned.code) == (
        CHP, 7, "jump",
    )  # fmt: skip
    assert warned.params["change"] == "16"
    assert warned.acknowledged_at is not None
    late = {
        r.enterprise.credit_code: (r.state, r.late)
        for r in AnnualReport.objects.select_related("enterprise")
    }
    assert late == {CHP: ("submitted", False), CEMENT: ("submitted", True)}
    states = {
        (v.enterprise.credit_code, v.kind): v.state
        for v in VerificationAssignment.objects.select_related("enterprise")
    }
    assert states == {
        (CHP, "primary"): "approved", (CHP, "spot_check"): "assigned",
        (CEMENT, "primary"): "assigned",
    }  # fmt: skip
    chp = VerificationAssignment.objects.get(enterprise__credit_code=CHP, kind="primary")
    assert chp.approved_tco2e == chp.report.total.quantize(Decimal("0.001"))
    assert chp.non_conformities.get().closed_at is not None
    published = Disclosure.objects.get()
    assert (published.enterprise.credit_code, published.state, published.tco2e) == (
        CHP, "published", chp.approved_tco2e,
    )  # fmt: skip
    again = load_demo()
    assert (again.plans, again.ledger_months, again.reports, again.caught) == (0, 0, 0, [])
