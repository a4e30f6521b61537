"""Verification: assignment by the office (named or at random) under ``can_verify`` and the
conflict-of-interest rule; the workflow plan → document review → site visit → findings
(corrected by the enterprise, closed by the verifier) → report with verified emissions by
source (exact) and an opinion; spot checks with a second verifier (a disagreement beyond the
tolerance recorded against the first); the office's approval. A verifier acting on an
enterprise not assigned to it, or outside its accreditation, is refused, nothing changes, and
the attempt is audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client, override_settings
from mrv_support import OWN, VERIFIER_B, World, ledger_rows, power_plan

from citycarbon.server.common.errors import (
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
)
from citycarbon.server.common.models import AuditEvent, User
from citycarbon.server.mrv import selectors, services
from citycarbon.server.mrv.models import AnnualReport, PerformanceEntry, VerificationAssignment

pytestmark = pytest.mark.django_db
ON = date(2016, 4, 10)


@pytest.fixture
def reported(world: World) -> World:
    """The own enterprise's 2015 report submitted; a second organisation (B) accredited for
    power generation and coal mining, with a verifier account."""
    record = services.do_save_plan(None, world.own, 2015, power_plan(2015))
    services.do_approve_plan(None, services.do_submit_plan(None, record))
    for month in range(1, 13):
        services.do_submit_ledger(None, world.own, 2015, month, ledger_rows(2015, month))
    report = services.do_build_report(None, world.own, 2015)
    services.do_sign_off(world.people["responsible"], report)
    services.do_submit_report(world.people["responsible"], report, on=date(2016, 3, 1))
    second = services.do_create_verifier(
        None, {"credit_code": VERIFIER_B, "name_zh": "乙核查机构", "jurisdiction": "zhengzhou"}
    )
    services.do_add_accreditation(
        None, second, reference="B-1", sectors=["power_generation", "coal_mining"],
        valid_from=date(2014, 1, 1), valid_to=date(2016, 12, 31),
    )  # fmt: skip
    user = User.objects.create_user(username="verifier-b", password="x" * 12)
    services.do_add_staff(None, second, name="乙", joined_on=date(2014, 1, 1), user=user)
    world.people["verifier_b"] = User.objects.get(pk=user.pk)
    return world


def _assign(world: World, organisation: Any = None) -> VerificationAssignment:
    return services.do_assign_verifier(
        world.people["office"], world.own, 2015, organisation=organisation or world.organisation,
        on=ON,
    )  # fmt: skip


def _act(world: World, who: str, what: str = "plan") -> VerificationAssignment:
    return services.verifier_assignment(
        world.people[who], OWN, 2015, "primary", what, "mrv.verify_verificationassignment"
    )


def test_the_workflow(reported: World) -> None:
    office, verifier = reported.people["office"], reported.people["verifier"]
    record = _assign(reported)
    assert (record.state, record.method, record.report.version) == ("assigned", "manual", 1)
    assert _assign(reported).pk == record.pk
    second = selectors.verifier_organisation(office, VERIFIER_B)
    with pytest.raises(ConflictError):
        _assign(reported, second)
    mine = _act(reported, "verifier")
    with pytest.raises(InvalidTransitionError):
        services.do_verification_step(verifier, mine, "site_visit", ON)
    services.do_verification_step(verifier, mine, "plan", date(2016, 4, 11), "计划")
    services.do_verification_step(verifier, mine, "document_review", date(2016, 4, 12))
    finding = services.do_raise_non_conformity(
        verifier, mine, "3月燃煤量与皮带秤记录不符", on=date(2016, 4, 12)
    )
    services.do_verification_step(verifier, mine, "site_visit", date(2016, 4, 14))
    report = {"fuel_combustion": Decimal("2617243.200")}
    with pytest.raises(InvalidTransitionError):  # the finding is open
        services.do_verification_report(verifier, mine, report, "positive", on=date(2016, 4, 20))
    with pytest.raises(InvalidTransitionError):  # not corrected yet
        services.do_close_non_conformity(verifier, mine, finding, on=date(2016, 4, 16))
    with pytest.raises(PermissionDeniedError):
        services.do_correct_non_conformity(reported.people["own_official"], finding, "x")
    services.do_correct_non_conformity(
        reported.people["own_enterprise"], finding, "已补录皮带秤校准记录", on=date(2016, 4, 13)
    )
    services.do_close_non_conformity(verifier, mine, finding, on=date(2016, 4, 18))
    done = services.do_verification_report(
        verifier, mine, report, "positive", "数据真实", on=date(2016, 4, 20)
    )
    assert (done.state, done.verified_tco2e, done.opinion) == (
        "reported", Decimal("2617243.200"), "positive",
    )  # fmt: skip
    with pytest.raises(PermissionDeniedError):
        services.do_approve_verification(verifier, done)
    approved = services.do_approve_verification(office, done, "同意")
    assert (approved.state, approved.approved_tco2e) == ("approved", Decimal("2617243.200"))
    keys = selectors.done_keys(reported.own, [2015])
    assert {"verification:2015", "approval:2015"} <= keys
    steps = [(s.step, s.done_on) for s in selectors.steps_of(approved).order_by("done_on")]
    assert steps == [
        ("plan", date(2016, 4, 11)), ("document_review", date(2016, 4, 12)),
        ("site_visit", date(2016, 4, 14)),
    ]  # fmt: skip


def test_conflicts_of_interest(reported: World, mrv_counts: Callable[[], Any]) -> None:
    office = reported.people["office"]
    services.do_add_advisory(office, reported.organisation, reported.own, from_year=2013)
    before = mrv_counts()
    with pytest.raises(ValidationFailedError) as refused:
        _assign(reported)
    assert [(e.field, e.value) for e in refused.value.errors] == [("organisation", "advised")]
    assert mrv_counts() == before
    drawn = services.do_assign_verifier(office, reported.own, 2015, seed=7, on=ON)
    assert (drawn.organisation.credit_code, drawn.method) == (VERIFIER_B, "random")


@override_settings(CITYCARBON_MRV_MAX_CONSECUTIVE_YEARS=2)
def test_too_many_years_running(reported: World) -> None:
    for year in (2013, 2014):
        VerificationAssignment.objects.create(
            enterprise=reported.own, year=year, organisation=reported.organisation,
            report=reported.own.annual_reports.get(), kind="primary", method="manual",
        )  # fmt: skip
    with pytest.raises(ValidationFailedError) as refused:
        _assign(reported)
    assert [e.value for e in refused.value.errors] == ["consecutive"]


def test_a_verifier_outside_its_assignment_is_refused_and_audited(
    reported: World, mrv_counts: Callable[[], Any]
) -> None:
    _assign(reported)
    before = mrv_counts()
    events = AuditEvent.objects.filter(action="mrv.verification_refused").count()
    with pytest.raises(NotFoundError):
        _act(reported, "verifier_b", "plan")
    refusal = AuditEvent.objects.filter(action="mrv.verification_refused").order_by("-pk")[0]
    assert (refusal.actor.username, refusal.object_id) == ("verifier-b", f"{OWN}/2015/primary")
    assert AuditEvent.objects.filter(action="mrv.verification_refused").count() == events + 1
    # Outside its accreditation (expired at the end of 2016): refused and audited.
    mine = _act(reported, "verifier")
    with pytest.raises(PermissionDeniedError):
        services.do_verification_step(reported.people["verifier"], mine, "plan", date(2017, 2, 1))
    assert AuditEvent.objects.filter(action="mrv.verification_refused").count() == events + 2
    after = mrv_counts()
    # Nothing changed but the two audit events.
    assert after.without_audit() == before.without_audit()


def test_a_spot_check_that_disagrees_is_recorded(reported: World) -> None:
    verifier, other = reported.people["verifier"], reported.people["verifier_b"]
    record = _assign(reported)
    for step, day in (("plan", 11), ("document_review", 12), ("site_visit", 14)):
        services.do_verification_step(verifier, record, step, date(2016, 4, day))
    services.do_verification_report(
        verifier, record, {"fuel_combustion": Decimal("2300000")}, "positive", on=date(2016, 4, 20)
    )
    made = services.do_draw_spot_checks(
        reported.people["office"], 2015, Decimal("0.1"), seed=1, on=ON
    )
    assert [(m.kind, m.organisation.credit_code) for m in made] == [("spot_check", VERIFIER_B)]
    check = services.verifier_assignment(
        other, OWN, 2015, "spot_check", "plan", "mrv.verify_verificationassignment"
    )
    for step, day in (("plan", 21), ("document_review", 22), ("site_visit", 23)):
        services.do_verification_step(other, check, step, date(2016, 5, day))
    services.do_verification_report(
        other, check, {"fuel_combustion": Decimal("2617243.2")}, "adverse", on=date(2016, 5, 25)
    )
    entry = PerformanceEntry.objects.get(organisation=reported.organisation)
    # |2,617,243.2 − 2,300,000| / 2,300,000 = 317,243.2 / 2,300,000 = 13.79 % > 5 %.
    assert (entry.kind, entry.reporting_year, entry.enterprise_id) == (
        "overturned_finding", 2015, reported.own.pk,
    )  # fmt: skip
    assert "13.79 %" in entry.description


@override_settings(CITYCARBON_MRV_SPOT_CHECK_TOLERANCE="0.2")
def test_a_spot_check_within_the_tolerance_records_nothing(reported: World) -> None:
    verifier, other = reported.people["verifier"], reported.people["verifier_b"]
    record = _assign(reported)
    for step, day in (("plan", 11), ("document_review", 12), ("site_visit", 14)):
        services.do_verification_step(verifier, record, step, date(2016, 4, day))
    services.do_verification_report(
        verifier, record, {"fuel_combustion": Decimal("2300000")}, "positive", on=date(2016, 4, 20)
    )
    check = services.do_assign_verifier(
        reported.people["office"], reported.own, 2015, kind="spot_check", on=ON
    )
    for step, day in (("plan", 21), ("document_review", 22), ("site_visit", 23)):
        services.do_verification_step(other, check, step, date(2016, 5, day))
    services.do_verification_report(
        other, check, {"fuel_combustion": Decimal("2617243.2")}, "adverse", on=date(2016, 5, 25)
    )
    assert not PerformanceEntry.objects.filter(organisation=reported.organisation).exists()


def test_the_api(reported: World) -> None:
    office, verifier, enterprise = Client(), Client(), Client()
    office.force_login(reported.people["office"])
    verifier.force_login(reported.people["verifier"])
    enterprise.force_login(reported.people["own_enterprise"])
    base = f"/api/mrv/verifications/{OWN}/2015"
    assigned = office.post(
        base + "/assign", {"organisation": reported.ids["org"], "on": "2016-04-10"},
        content_type="application/json",
    )  # fmt: skip
    assert assigned.status_code == 201, assigned.content
    for step, day in (("plan", "2016-04-11"), ("document_review", "2016-04-12")):
        answer = verifier.post(
            f"{base}/primary/steps/{step}", {"done_on": day}, content_type="application/json"
        )
        assert answer.status_code == 200, answer.content
    raised = verifier.post(
        base + "/primary/findings", {"description": "缺少校准记录", "on": "2016-04-12"},
        content_type="application/json",
    )  # fmt: skip
    finding = raised.json()["id"]
    corrected = enterprise.post(
        f"{base}/primary/findings/{finding}/correct", {"correction": "已补充", "on": "2016-04-13"},
        content_type="application/json",
    )  # fmt: skip
    assert corrected.status_code == 200, corrected.content
    verifier.post(
        f"{base}/primary/steps/site_visit", {"done_on": "2016-04-14"},
        content_type="application/json",
    )  # fmt: skip
    closed = verifier.post(
        f"{base}/primary/findings/{finding}/close", {"on": "2016-04-15"},
        content_type="application/json",
    )  # fmt: skip
    assert closed.json()["closed_by"] == "verifier-a"
    reported_ = verifier.post(
        base + "/primary/report",
        {"emissions": {"fuel_combustion": "2617243.200"}, "opinion": "positive",
         "on": "2016-04-20"},
        content_type="application/json",
    )  # fmt: skip
    assert reported_.json()["verified"] == {"fuel_combustion": "2617243.200"}
    approved = office.post(base + "/approve", {"note": "同意"}, content_type="application/json")
    assert approved.json()["approved_tco2e"] == "2617243.200"
    outsider = Client()
    outsider.force_login(reported.people["verifier_b"])
    refused = outsider.post(
        f"{base}/primary/steps/plan", {"done_on": "2016-04-11"}, content_type="application/json"
    )
    assert refused.status_code == 404
    assert AuditEvent.objects.filter(action="mrv.verification_refused").count() == 1


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_pages_walk_the_workflow(reported: World, language: str) -> None:
    office, verifier, enterprise = Client(), Client(), Client()
    for client, who in ((office, "office"), (verifier, "verifier"), (enterprise, "own_enterprise")):
        client.force_login(reported.people[who])
        client.cookies["citycarbon_language"] = language
    base = f"/mrv/verifications/{OWN}/2015/"
    assert office.get(base).status_code == 200
    assert verifier.get(base).status_code == 404
    answer = office.post(
        base + "assign/", {"organisation": reported.ids["org"], "on": "2016-04-10"}
    )
    assert answer.status_code == 302
    assert verifier.get(base).status_code == 200
    for step, day in (("plan", "2016-04-11"), ("document_review", "2016-04-12")):
        assert verifier.post(f"{base}primary/{step}/", {"on": day}).status_code == 302
    verifier.post(base + "primary/finding/", {"description": "缺校准记录", "on": "2016-04-12"})
    finding = VerificationAssignment.objects.get().non_conformities.get()
    assert (
        enterprise.post(
            f"{base}primary/findings/{finding.pk}/correct/",
            {"correction": "已补", "on": "2016-04-13"},
        ).status_code
        == 302
    )
    verifier.post(f"{base}primary/site_visit/", {"on": "2016-04-14"})
    verifier.post(f"{base}primary/findings/{finding.pk}/close/", {"on": "2016-04-15"})
    refused = verifier.post(
        base + "primary/report/",
        {"emissions__fuel_combustion": "-1", "opinion": "positive", "on": "2016-04-20"},
    )
    assert refused.status_code == 400
    done = verifier.post(
        base + "primary/report/",
        {"emissions__fuel_combustion": "2617243.2", "opinion": "positive", "on": "2016-04-20"},
    )
    assert done.status_code == 302
    assert office.post(base + "approve/", {"note": "ok"}).status_code == 302
    page = office.get(base).content.decode()
    assert ("2617243.2" if language == "zh-hans" else "2,617,243.2") + " tCO2e" in page
    assert ("化石燃料燃烧" if language == "zh-hans" else "Fossil fuel combustion") in page
    assert ("已批准" if language == "zh-hans" else "Approved") in page
    outsider = Client()
    outsider.force_login(reported.people["verifier_b"])
    assert outsider.post(f"{base}primary/plan/", {"on": "2016-04-11"}).status_code == 404


def _ready_to_report(world: World) -> VerificationAssignment:
    verifier = world.people["verifier"]
    _assign(world)
    mine = _act(world, "verifier")
    services.do_verification_step(verifier, mine, "plan", date(2016, 4, 11))
    services.do_verification_step(verifier, mine, "document_review", date(2016, 4, 12))
    services.do_verification_step(verifier, mine, "site_visit", date(2016, 4, 14))
    return _act(world, "verifier", "verification_report")


def test_a_deducted_source_counts_against_the_verified_total(
    reported: World, mrv_counts: Callable[[], Any]
) -> None:
    # Read under the cement guideline, which deducts exported electricity (净购入电力: the
    # electricity sold is subtracted): its contribution is given as the report shows it, ≤ 0.
    AnnualReport.objects.filter(enterprise=reported.own, year=2015).update(sector="cement")
    verifier = reported.people["verifier"]
    mine = _ready_to_report(reported)
    before = mrv_counts()
    with pytest.raises(ValidationFailedError) as refused:
        services.do_verification_report(
            verifier, mine,
            {"fuel_combustion": Decimal("1000.000"), "exported_electricity": Decimal("20.5"),
             "biomass_combustion": Decimal("3"), "hfc23_byproduct": Decimal("1")},
            "positive", on=date(2016, 4, 20),
        )  # fmt: skip
    assert [(e.field, e.value) for e in refused.value.errors] == [
        ("emissions.exported_electricity", "20.5"),  # deducted: not positive
        ("emissions.biomass_combustion", "biomass_combustion"),  # a memo item, not in the total
        ("emissions.hfc23_byproduct", "hfc23_byproduct"),  # not in the cement guideline
    ]
    assert mrv_counts() == before
    done = services.do_verification_report(
        verifier, mine,
        {"fuel_combustion": Decimal("1000.000"), "exported_electricity": Decimal("-20.5")},
        "positive", on=date(2016, 4, 20),
    )  # fmt: skip
    assert done.verified_tco2e == Decimal("979.500")  # 1000 − 20.5


def test_an_added_source_is_not_negative(reported: World, mrv_counts: Callable[[], Any]) -> None:
    mine = _ready_to_report(reported)
    before = mrv_counts()
    with pytest.raises(ValidationFailedError) as refused:
        services.do_verification_report(
            reported.people["verifier"], mine,
            {"fuel_combustion": Decimal("-1"), "purchased_electricity": Decimal("0.0001")},
            "positive", on=date(2016, 4, 20),
        )  # fmt: skip
    assert [(e.field, e.value) for e in refused.value.errors] == [
        ("emissions.fuel_combustion", "-1"),
        ("emissions.purchased_electricity", "0.0001"),  # four places
    ]
    assert mrv_counts() == before
