"""Annual reports on the server: built by the kernel from the approved plan and the twelve
submitted months (every figure with its derivation), signed off by the responsible person,
submitted only while the sign-off stands (late after the calendar's date, flagged), never
changed once submitted, corrected as new versions with reasons; the calendar's "done" read
from the records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from mrv_support import OWN, World, ledger_rows, power_plan

from citycarbon.server.common.errors import (
    ConflictError,
    InvalidTransitionError,
    PermissionDeniedError,
    ValidationFailedError,
)
from citycarbon.server.common.models import AuditEvent
from citycarbon.server.mrv import selectors, services
from citycarbon.server.mrv.models import AnnualReport

pytestmark = pytest.mark.django_db

#: 12 × 120,000 t × 20.5 GJ/t × 0.026 tC/GJ × 0.93 (default oxidation) × 44/12.
TOTAL = Decimal("2617243.2")


@pytest.fixture
def ledgered(world: World) -> World:
    record = services.do_save_plan(None, world.own, 2015, power_plan(2015))
    services.do_approve_plan(None, services.do_submit_plan(None, record))
    for month in range(1, 12):
        services.do_submit_ledger(None, world.own, 2015, month, ledger_rows(2015, month))
    return world


def _december(world: World) -> None:
    services.do_submit_ledger(None, world.own, 2015, 12, ledger_rows(2015, 12))


def test_no_report_before_the_twelve_months(ledgered: World, mrv_counts: Callable[[], Any]) -> None:
    before = mrv_counts()
    with pytest.raises(ValidationFailedError) as refused:
        services.do_build_report(ledgered.people["own_enterprise"], ledgered.own, 2015)
    assert [(e.field, e.value) for e in refused.value.errors] == [("month", "2015-12")]
    assert mrv_counts() == before


def test_the_cycle_of_a_report(ledgered: World) -> None:
    _december(ledgered)
    reporter, responsible = ledgered.people["own_enterprise"], ledgered.people["responsible"]
    office = ledgered.people["office"]
    record = services.do_build_report(reporter, ledgered.own, 2015)
    assert (record.version, record.state) == (1, "draft")
    assert record.total == TOTAL
    ncv = next(d for d in record.figures["derivations"] if d["field"] == "ncv")
    assert (ncv["method"], Decimal(ncv["value"]), len(ncv["parts"])) == (
        "weighted_mean", Decimal("20.5"), 12,
    )  # fmt: skip
    quantity = next(d for d in record.figures["derivations"] if d["field"] == "quantity")
    assert (quantity["method"], Decimal(quantity["value"])) == ("sum", Decimal(1440000))
    events = AuditEvent.objects.count()
    assert services.do_build_report(reporter, ledgered.own, 2015).pk == record.pk
    assert AuditEvent.objects.count() == events
    # Not signed off: refused.
    with pytest.raises(ValidationFailedError) as refused:
        services.do_submit_report(reporter, record)
    assert (refused.value.field, refused.value.value) == ("sign_off", None)
    for persona in (reporter, office):
        with pytest.raises(PermissionDeniedError):
            services.do_sign_off(persona, record)
    services.do_sign_off(responsible, record)
    services.do_withdraw_sign_off(responsible, record, "发现2月数据需核对")
    with pytest.raises(ValidationFailedError) as refused:
        services.do_submit_report(reporter, record)
    assert (refused.value.field, refused.value.value) == ("sign_off", "withdrawn")
    record.refresh_from_db()
    assert (record.state, record.submitted_at) == ("draft", None)
    services.do_sign_off(responsible, record)
    submitted = services.do_submit_report(reporter, record, on=date(2016, 4, 2))
    assert (submitted.state, submitted.due_on, submitted.late) == (
        "submitted", date(2016, 3, 31), True,
    )  # fmt: skip
    with pytest.raises(InvalidTransitionError):
        services.do_build_report(reporter, ledgered.own, 2015)
    with pytest.raises(InvalidTransitionError):
        services.do_withdraw_sign_off(responsible, submitted, "太晚")
    correction = services.do_correct_report(reporter, submitted, "补充说明")
    assert (correction.version, correction.state, correction.supersedes_id) == (
        2, "draft", submitted.pk,
    )  # fmt: skip
    assert correction.total == TOTAL
    assert services.do_correct_report(reporter, submitted, "补充说明").pk == correction.pk
    with pytest.raises(ConflictError):
        services.do_correct_report(reporter, submitted, "另一理由")
    submitted.refresh_from_db()
    assert submitted.state == "submitted"
    keys = selectors.done_keys(ledgered.own, [2015])
    assert {
        "monitoring_plan:2015",
        "annual_report:2015",
        "ledger:2015-01",
        "ledger:2015-12",
    } <= keys
    assert len([k for k in keys if k.startswith("ledger:")]) == 12


def test_on_time_is_not_late(ledgered: World) -> None:
    _december(ledgered)
    record = services.do_build_report(None, ledgered.own, 2015)
    services.do_sign_off(ledgered.people["responsible"], record)
    submitted = services.do_submit_report(
        ledgered.people["responsible"], record, on=date(2016, 3, 31)
    )
    assert (submitted.late, submitted.due_on) == (False, date(2016, 3, 31))


def test_the_api_and_page(ledgered: World) -> None:
    _december(ledgered)
    reporter, responsible = Client(), Client()
    reporter.force_login(ledgered.people["own_enterprise"])
    responsible.force_login(ledgered.people["responsible"])
    base = f"/api/mrv/enterprises/{OWN}/reports/2015"
    built = reporter.post(base + "/build")
    assert built.status_code == 200, built.content
    assert Decimal(built.json()["total_tco2e"]) == TOTAL
    assert reporter.post(base + "/submit").status_code == 400
    assert reporter.post(base + "/sign-off").status_code == 403
    assert responsible.post(base + "/sign-off").json()["signed_off"] is True
    withdrawn = responsible.post(
        base + "/withdraw-sign-off", {"reason": "复核"}, content_type="application/json"
    )
    assert withdrawn.json()["signed_off"] is False
    refused = reporter.post(base + "/submit")
    assert (refused.status_code, refused.json()["field"]) == (400, "sign_off")
    responsible.post(base + "/sign-off")
    assert reporter.post(base + "/submit").json()["state"] == "submitted"
    for language, words in (
        ("zh-hans", ("年度排放报告", "化石燃料燃烧", "<td>计入</td>")),
        ("en", ("Annual emission report", "Fossil fuel combustion", "<td>added</td>")),
    ):
        reporter.cookies["citycarbon_language"] = language
        page = reporter.get(f"/mrv/enterprises/{OWN}/reports/2015/").content.decode()
        assert all(word in page for word in words), words
        # Reported in the language's number format, no trailing zeros (zh-Hans does not group).
        assert ("2617243.2" if language == "zh-hans" else "2,617,243.2") + " tCO2e" in page
    assert AnnualReport.objects.get().state == "submitted"
