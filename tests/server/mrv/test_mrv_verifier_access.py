"""The verifier reads what it verifies (issue 6): for each enterprise-year its organisation is
assigned — primary verification or spot check, while the assignment exists and the
organisation is neither suspended nor removed — the enterprise's register entry, the year's
monitoring plan, ledger months (warnings and acknowledgements), evidence files (uploaded in
the year or the year after, by the local calendar) and annual report versions with their
derivations, and the previous year's submitted report for comparison; read only, pages
without a write control; nothing of another enterprise or another year, and a refusal names
what was asked for, never a row's id. Pages and API, with the queries they take."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from mrv_support import (
    OTHER,
    OWN,
    PDF,
    VERIFIER_B,
    MrvCounts,
    World,
    build_world,
    ledger_rows,
    power_plan,
)

from citycarbon.server.common.models import User
from citycarbon.server.common.selectors import can, scoped
from citycarbon.server.mrv import services
from citycarbon.server.mrv.models import (
    AnnualReport,
    Enterprise,
    EvidenceFile,
    LedgerEntry,
    LedgerFinding,
    LedgerMonth,
    MonitoringPlan,
    SignOff,
    VerificationAssignment,
    VerifierOrganisation,
)

E = f"/mrv/enterprises/{OWN}"
AE = f"/api/mrv/enterprises/{OWN}"

#: Evidence files of the own enterprise, by when they were uploaded (UTC; Beijing is UTC+8):
#: the verifier of 2015 reads those filed in 2015 or 2016 by the local calendar.
EVIDENCE = {
    "before.pdf": datetime(2014, 12, 31, 15, 30, tzinfo=UTC),  # 2014-12-31 23:30 local
    "new-year.pdf": datetime(2014, 12, 31, 16, 30, tzinfo=UTC),  # 2015-01-01 00:30 local
    "lab-2015-07.pdf": datetime(2015, 7, 20, 3, 0, tzinfo=UTC),
    "lab-2016-04.pdf": datetime(2016, 4, 9, 3, 0, tzinfo=UTC),  # asked for by the verifier
    "lab-2017-02.pdf": datetime(2017, 2, 3, 3, 0, tzinfo=UTC),
}
VISIBLE_EVIDENCE = {"new-year.pdf", "lab-2015-07.pdf", "lab-2016-04.pdf"}


def _year(world: World, year: int) -> AnnualReport:
    """The own enterprise's year: plan approved, twelve months (February's two warnings
    acknowledged), the report signed off and submitted on 1 March of the next year."""
    record = services.do_save_plan(None, world.own, year, power_plan(year))
    services.do_approve_plan(None, services.do_submit_plan(None, record))
    for month in range(1, 13):
        rows = ledger_rows(year, month, carbon="21.0" if month == 2 else "26.0")
        services.do_submit_ledger(None, world.own, year, month, rows)
    for finding in LedgerFinding.objects.filter(ledger__year=year, acknowledged_at__isnull=True):
        services.do_acknowledge_finding(None, finding, f"换煤 {year}")
    report = services.do_build_report(None, world.own, year)
    services.do_sign_off(world.people["responsible"], report)
    return services.do_submit_report(world.people["responsible"], report, on=date(year + 1, 3, 1))


def _assigned_world() -> World:
    """The small world, and: 2014 and 2015 of the own enterprise reported (2014 then opened
    for correction: a draft version 2), the 2016 plan a draft, the five evidence files, the
    other enterprise's 2015 plan, and the organisation assigned the own enterprise's 2015."""
    world = build_world()
    prior = _year(world, 2014)
    services.do_correct_report(world.people["responsible"], prior, "补充燃料")
    _year(world, 2015)
    services.do_save_plan(None, world.own, 2016, power_plan(2016))
    services.do_save_plan(None, world.other, 2015, power_plan(2015))
    for index, (name, when) in enumerate(EVIDENCE.items()):
        item = services.do_upload_evidence(None, world.own, name, PDF + bytes([index]))
        EvidenceFile.objects.filter(pk=item.pk).update(uploaded_at=when)
        world.ids[name] = item.pk
    other = services.do_upload_evidence(None, world.other, "other.pdf", PDF + b"other")
    EvidenceFile.objects.filter(pk=other.pk).update(uploaded_at=EVIDENCE["lab-2015-07.pdf"])
    world.ids["other.pdf"] = other.pk
    assignment = services.do_assign_verifier(
        world.people["office"], world.own, 2015, organisation=world.organisation,
        on=date(2016, 4, 10),
    )  # fmt: skip
    world.ids["assignment"] = assignment.pk
    second = services.do_create_verifier(
        None, {"credit_code": VERIFIER_B, "name_zh": "乙核查机构", "jurisdiction": "zhengzhou"}
    )
    services.do_add_accreditation(
        None, second, reference="B-1", sectors=["power_generation", "coal_mining"],
        valid_from=date(2014, 1, 1), valid_to=date(2016, 12, 31),
    )  # fmt: skip
    outsider = User.objects.create_user(username="verifier-b", password="x" * 12)
    services.do_add_staff(None, second, name="乙", joined_on=date(2014, 1, 1), user=outsider)
    world.people["verifier_b"] = User.objects.get(pk=outsider.pk)
    world.ids["second"] = second.pk
    return world


# --- the demo ----------------------------------------------------------------------------------
# First in the module: the other tests share a world (rolled back at the module's end) whose own
# enterprise has the demo power plant's credit code.


def test_the_demo_verifier_reads_the_cement_plant_it_verifies(db: None) -> None:
    """The walk-through that found the defect: the demo ``verifier`` account (the first
    organisation, assigned the cement plant's 2015) reads its enterprise page, report and
    December ledger, page and API; not the power plant it is not assigned."""
    from mrv_support import load_places

    from citycarbon.server.mrv.demo import link_demo_verifier, load_demo

    cement, power = "91410185YY18500329", "91410185YY1850016K"
    load_places()
    load_demo()
    user = User.objects.create_user(username="verifier", password="x" * 12)
    link_demo_verifier(user)
    client = Client()
    client.force_login(user)
    base = f"/mrv/enterprises/{cement}"
    for url in (base + "/", base + "/reports/2015/", base + "/ledgers/2015/12/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _write_controls(response.content.decode()) == [], url
    assert client.get(f"/api/mrv/enterprises/{cement}/reports/2015").status_code == 200
    page = client.get(f"/mrv/verifications/{cement}/2015/").content.decode()
    assert f'href="{base}/reports/2015/?version=1" data-testid="verification-report-link"' in page
    for url in (f"/mrv/enterprises/{power}/", f"/api/mrv/enterprises/{power}/reports/2015"):
        assert client.get(url).status_code == 404, url


@pytest.fixture(scope="module")
def shared(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The assigned world, made once for the module inside a transaction rolled back after
    its last test (each test runs in a savepoint within it)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _assigned_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def assigned(shared: World, db: None) -> World:
    return shared


def _client(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.people[persona])
    return client


_BASE_FORMS = ("/i18n/setlang/", "/logout/")


def _write_controls(page: str) -> list[str]:
    """The forms that post (but the language switch and signing out), and the edit links."""
    forms = [
        tag
        for tag in re.findall(r"<form\b[^>]*>", page)
        if 'method="post"' in tag.lower() and not any(base in tag for base in _BASE_FORMS)
    ]
    return forms + re.findall(r'<a [^>]*href="[^"]*/(?:edit|import)/"[^>]*>', page)


# --- pages -----------------------------------------------------------------------------------


def test_the_verifier_reads_the_enterprise_year_it_verifies(assigned: World) -> None:
    client = _client(assigned, "verifier")
    pages = {
        "enterprise": E + "/",
        "plans": E + "/plans/",
        "plan": E + "/plans/2015/",
        "ledger year": E + "/ledgers/2015/",
        "December": E + "/ledgers/2015/12/",
        "February": E + "/ledgers/2015/2/",
        "report": E + "/reports/2015/",
        "report version": E + "/reports/2015/?version=1",
        "evidence": E + "/evidence/",
    }
    found = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.content[:300])
        found[name] = response.content.decode()
        # read only: the permission is missing, so no form and no edit link is shown
        assert _write_controls(found[name]) == [], (name, _write_controls(found[name]))
    assert "测试企业016K" in found["enterprise"]
    assert 'data-testid="enterprise-edit"' not in found["enterprise"]
    # the plans list holds 2015 only (not 2014's, nor the 2016 draft)
    assert f'href="{E}/plans/2015/"' in found["plans"]
    for year in (2014, 2016):
        assert f'href="{E}/plans/{year}/"' not in found["plans"]
    # the twelve months, entered and submitted
    assert found["ledger year"].count('<span class="badge badge--submitted">') == 12
    # February's warnings with their acknowledgement, who gave it and why
    assert found["February"].count("换煤 2015") == 2
    assert "换煤 2014" not in found["February"]
    # evidence: the files of 2015 and 2016 (local calendar), not before nor after
    for name in EVIDENCE:
        assert (name in found["evidence"]) == (name in VISIBLE_EVIDENCE), name


def test_the_verifier_downloads_the_evidence_of_the_year_only(assigned: World) -> None:
    client = _client(assigned, "verifier")
    ok = client.get(f"{E}/evidence/{assigned.ids['lab-2015-07.pdf']}/")
    assert ok.status_code == 200
    assert b"".join(ok.streaming_content if ok.streaming else [ok.content]) == PDF + bytes([2])
    for name in ("before.pdf", "lab-2017-02.pdf"):
        refused = client.get(f"{E}/evidence/{assigned.ids[name]}/")
        assert refused.status_code == 404, name
        assert name.encode() not in refused.content
    other = client.get(f"/mrv/enterprises/{OTHER}/evidence/{assigned.ids['other.pdf']}/")
    assert other.status_code == 404


def test_the_verification_page_links_to_what_is_verified(assigned: World) -> None:
    page = _client(assigned, "verifier").get(f"/mrv/verifications/{OWN}/2015/").content.decode()
    plan_version = AnnualReport.objects.get(enterprise=assigned.own, year=2015).plan.version
    assert f'href="{E}/reports/2015/?version=1" data-testid="verification-report-link"' in page
    assert (
        f'href="{E}/plans/2015/?version={plan_version}" data-testid="verification-plan-link"'
        in page
    )
    assert f'href="{E}/ledgers/2015/" data-testid="verification-ledger-link"' in page
    assert f'href="{E}/evidence/" data-testid="verification-evidence-link"' in page


def test_the_previous_years_submitted_report_is_shown_for_comparison(assigned: World) -> None:
    """2014's submitted version 1 — not its draft correction (version 2), nor the rest of
    2014 (plan, ledger)."""
    client = _client(assigned, "verifier")
    page = client.get(E + "/reports/2014/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "?version=2" not in body
    assert client.get(E + "/reports/2014/?version=1").status_code == 200
    assert client.get(E + "/reports/2014/?version=2").status_code == 404
    for url in ("/plans/2014/", "/ledgers/2014/", "/ledgers/2014/12/"):
        assert client.get(E + url).status_code == 404, url
    listed = _items(client.get(AE + "/reports").json())
    assert [(r["year"], r["version"], r["state"]) for r in listed] == [
        (2015, 1, "submitted"),
        (2014, 1, "submitted"),
    ]


@pytest.mark.parametrize(
    "url",
    [
        E + "/plans/2016/",
        E + "/plans/2014/",
        E + "/reports/2016/",
        E + "/reports/2013/",
        E + "/ledgers/2014/",
        E + "/ledgers/2016/",
        E + "/ledgers/2014/12/",
        f"/mrv/enterprises/{OTHER}/",
        f"/mrv/enterprises/{OTHER}/plans/",
        f"/mrv/enterprises/{OTHER}/plans/2015/",
        f"/mrv/enterprises/{OTHER}/ledgers/2015/",
        f"/mrv/enterprises/{OTHER}/evidence/",
        f"/mrv/verifications/{OTHER}/2015/",
    ],
)
def test_another_year_or_enterprise_stays_hidden(
    assigned: World, url: str, mrv_counts: Callable[[], MrvCounts]
) -> None:
    before = mrv_counts()
    response = _client(assigned, "verifier").get(url)
    assert response.status_code == 404
    body = response.content.decode()
    for hidden in ("测试企业154", "Test enterprise 0154", "测试电厂"):
        assert hidden not in body, hidden
    # nothing written (a refusal may be audited: that is the audit trail's business)
    assert mrv_counts().without_audit() == before.without_audit()


@pytest.mark.parametrize("persona", ["verifier_b", "other_enterprise"])
def test_an_unassigned_reader_finds_nothing(
    assigned: World, persona: str, mrv_counts: Callable[[], MrvCounts]
) -> None:
    """Another organisation's verifier (and another enterprise's account) does not find the
    enterprise: pages and API 404, naming the credit code (never an id)."""
    client = _client(assigned, persona)
    before = mrv_counts()
    for url in (E + "/", E + "/reports/2015/", E + "/ledgers/2015/12/", E + "/evidence/"):
        assert client.get(url).status_code == 404, url
    answer = client.get(AE + "/reports/2015")
    assert answer.status_code == 404
    assert (answer.json()["field"], answer.json()["value"]) == ("credit_code", OWN)
    assert mrv_counts().without_audit() == before.without_audit()


def test_a_refused_verification_names_the_credit_code_and_year(
    assigned: World, mrv_counts: Callable[[], MrvCounts]
) -> None:
    """Another organisation's verifier acting on the verification, or reading it: the same
    404 as for one that does not exist — the credit code and year, not the assignment's id."""
    client = _client(assigned, "verifier_b")
    before = mrv_counts()
    acted = client.post(
        f"/api/mrv/verifications/{OWN}/2015/primary/steps/plan",
        {"done_on": "2016-04-11"},
        content_type="application/json",
    )
    read = client.get(f"/api/mrv/verifications/{OWN}/2015")
    missing = client.get(f"/api/mrv/verifications/{OWN}/2013")
    for answer, year in ((acted, 2015), (read, 2015), (missing, 2013)):
        assert answer.status_code == 404
        found = answer.json()
        assert (found["code"], found["field"], found["value"]) == ("not_found", "year", year)
        assert OWN in found["message"]
        assert str(year) in found["message"]
        assert str(assigned.ids["assignment"]) not in (found["message"], str(found["value"]))
    assert acted.json()["message"] == read.json()["message"]
    assert mrv_counts().without_audit() == before.without_audit()
    assert VerificationAssignment.objects.get(pk=assigned.ids["assignment"]).state == "assigned"


def test_the_verifier_may_not_write(assigned: World, mrv_counts: Callable[[], MrvCounts]) -> None:
    """It sees the year, so a write is forbidden (403), not "not found"; nothing changes."""
    client = _client(assigned, "verifier")
    finding = LedgerFinding.objects.select_related("ledger").get(
        ledger__enterprise=assigned.own, ledger__year=2015, ledger__month=2, code="carbon_band"
    )
    before = mrv_counts()
    attempts = [
        client.post(AE + "/reports/2015/build"),
        client.post(AE + "/reports/2015/correct", {"reason": "x"}, content_type="application/json"),
        client.post(
            AE + "/ledgers/2015/12",
            {"rows": ledger_rows(2015, 12)},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="verifier-1",
        ),
        client.post(
            f"{AE}/ledgers/2015/2/findings/{finding.pk}/acknowledge",
            {"reason": "x"},
            content_type="application/json",
        ),
        client.patch(AE, {"note": "x"}, content_type="application/json"),
        client.post(E + "/reports/2015/correct/", {"reason": "x"}),
        client.post(E + "/edit/", {"name_zh": "x"}),
    ]
    assert [a.status_code for a in attempts] == [403] * len(attempts)
    assert mrv_counts().without_audit() == before.without_audit()


# --- API --------------------------------------------------------------------------------------


def _items(body: Any) -> list[Any]:
    """The rows of a list answer, paginated (``items``) or not."""
    return list(body["items"] if isinstance(body, dict) else body)


def test_the_verifier_reads_the_year_through_the_api(assigned: World) -> None:
    client = _client(assigned, "verifier")
    assert client.get(AE).json()["credit_code"] == OWN
    plans = _items(client.get(AE + "/plans").json())
    assert {(p["year"], p["state"]) for p in plans} == {(2015, "approved")}
    assert client.get(AE + "/plans/2015").json()["year"] == 2015
    months = _items(client.get(AE + "/ledgers/2015").json())
    assert [m["month"] for m in months] == list(range(1, 13))
    assert _items(client.get(AE + "/ledgers/2014").json()) == []
    february = client.get(AE + "/ledgers/2015/2").json()
    assert [f["reason"] for f in february["findings"]] == ["换煤 2015", "换煤 2015"]
    assert len(february["entries"]) == 4
    evidence = _items(client.get(AE + "/evidence").json())
    assert {e["name"] for e in evidence} == VISIBLE_EVIDENCE
    report = client.get(AE + "/reports/2015").json()
    assert (report["year"], report["version"], report["state"]) == (2015, 1, "submitted")
    stored = AnnualReport.objects.get(enterprise=assigned.own, year=2015, version=1)
    derived = [(d["stream"], d["field"], d["value"]) for d in report["derivations"]]
    assert derived == [(d["stream"], d["field"], d["value"]) for d in stored.figures["derivations"]]
    assert len(derived) == 6
    assert client.get(AE + "/reports/2014").json()["version"] == 1
    obligations = _items(client.get(AE + "/obligations?on=2016-03-10").json())
    assert {o["year"] for o in obligations} == {2015}


@pytest.mark.parametrize(
    ("url", "field", "value"),
    [
        (AE + "/plans/2016", "year", 2016),
        (AE + "/plans/2014", "year", 2014),
        (AE + "/reports/2016", "year", 2016),
        (AE + "/reports/2014?version=2", "year", 2014),
        (AE + "/ledgers/2014/12", "month", "2014-12"),
        (f"/api/mrv/enterprises/{OTHER}", "credit_code", OTHER),
        (f"/api/mrv/enterprises/{OTHER}/plans/2015", "credit_code", OTHER),
        (f"/api/mrv/verifications/{OTHER}/2015", "year", 2015),
    ],
)
def test_the_api_refuses_other_years_and_enterprises(
    assigned: World, url: str, field: str, value: Any
) -> None:
    answer = _client(assigned, "verifier").get(url)
    assert answer.status_code == 404
    found = answer.json()
    assert (found["field"], found["value"]) == (field, value)
    assert "测试电厂" not in answer.content.decode()


# --- the rule --------------------------------------------------------------------------------


def test_scoped_and_can_agree_for_every_reached_model(assigned: World) -> None:
    """What ``scoped`` lists is exactly what ``can`` allows, row by row, for each model the
    verifier organisation reaches (the SQL condition and the rule on an instance are the
    same), and only the 2015 rows (reports: and 2014's submitted one)."""
    from django.utils import timezone

    user = User.objects.get(pk=assigned.people["verifier"].pk)
    years = {
        MonitoringPlan: lambda r: r.year,
        LedgerMonth: lambda r: r.year,
        LedgerEntry: lambda r: r.ledger.year,
        LedgerFinding: lambda r: r.ledger.year,
        SignOff: lambda r: r.report.year,
        AnnualReport: lambda r: r.year,
        EvidenceFile: lambda r: timezone.localtime(r.uploaded_at).year,
    }
    for model, year_of in years.items():
        perm = f"mrv.view_{model._meta.model_name}"
        listed = set(scoped(model.objects.all(), user).values_list("pk", flat=True))
        allowed = {row.pk for row in model.objects.all() if can(user, perm, row)}
        assert listed == allowed, model
        shown = {year_of(row) for row in model.objects.filter(pk__in=listed)}
        expected = {
            AnnualReport: {2014, 2015},
            EvidenceFile: {2015, 2016},
        }.get(model, {2015})
        assert shown == expected, (model, shown)
    assert set(scoped(Enterprise.objects.all(), user).values_list("credit_code", flat=True)) == {
        OWN
    }
    prior = set(
        scoped(AnnualReport.objects.filter(year=2014), user).values_list("version", "state")
    )
    assert prior == {(1, "submitted")}


@pytest.mark.parametrize("kind", ["suspension", "removal"])
def test_a_suspended_or_removed_organisation_reads_nothing(assigned: World, kind: str) -> None:
    client = _client(assigned, "verifier")
    services.do_add_sanction(
        None, assigned.organisation, kind="warning", effective_from=date(2016, 6, 1),
        reason="迟交",
    )  # fmt: skip
    assert client.get(E + "/reports/2015/").status_code == 200  # a warning does not bar
    services.do_add_sanction(
        None, assigned.organisation, kind="suspension", effective_from=date(2016, 6, 1),
        effective_to=date(2016, 12, 31), reason="停业整顿",
    )  # fmt: skip
    assert client.get(E + "/reports/2015/").status_code == 200  # a suspension long over
    services.do_add_sanction(
        None, assigned.organisation, kind=kind, effective_from=date(2017, 1, 1), reason="处罚"
    )
    for url in (E + "/", E + "/reports/2015/", E + "/ledgers/2015/12/", AE + "/reports/2015"):
        assert client.get(url).status_code == 404, url
    # its own verification page stays (the organisation's record); what it links to does not
    page = client.get(f"/mrv/verifications/{OWN}/2015/")
    assert page.status_code == 200


def test_a_removed_assignment_closes_the_year(assigned: World) -> None:
    client = _client(assigned, "verifier")
    assert client.get(E + "/ledgers/2015/12/").status_code == 200
    VerificationAssignment.objects.filter(pk=assigned.ids["assignment"]).delete()
    for url in (E + "/", E + "/ledgers/2015/12/", AE + "/reports/2015"):
        assert client.get(url).status_code == 404, url


def test_the_spot_checker_reads_the_year_too(assigned: World) -> None:
    """The second organisation, assigned the spot check after the first one's report."""
    verifier = assigned.people["verifier"]
    record = VerificationAssignment.objects.get(pk=assigned.ids["assignment"])
    for step, day in (("plan", 11), ("document_review", 12), ("site_visit", 14)):
        services.do_verification_step(verifier, record, step, date(2016, 4, day))
    report = AnnualReport.objects.get(enterprise=assigned.own, year=2015)
    services.do_verification_report(
        verifier, record,
        {k: Decimal(v).quantize(Decimal("0.001")) for k, v in report.figures["by_source"].items()},
        "positive",
        on=date(2016, 4, 20),
    )  # fmt: skip
    checker = _client(assigned, "verifier_b")
    assert checker.get(E + "/reports/2015/").status_code == 404
    services.do_assign_verifier(
        assigned.people["office"], assigned.own, 2015,
        organisation=VerifierOrganisation.objects.get(pk=assigned.ids["second"]),
        kind="spot_check", on=date(2016, 5, 3),
    )  # fmt: skip
    for url in (E + "/reports/2015/", E + "/ledgers/2015/12/", E + "/plans/2015/"):
        assert checker.get(url).status_code == 200, url
    page = checker.get(f"/mrv/verifications/{OWN}/2015/").content.decode()
    assert 'data-testid="verification-report-link"' in page
    assert checker.get(E + "/plans/2016/").status_code == 404


# --- queries ---------------------------------------------------------------------------------

#: Queries of the verifier's pages and reads (second request, cache off), beyond those of the
#: enterprise's own reporter on the same page: the organisation's reach, computed once per
#: request (its barring sanctions, its assignments) wherever a reached model is read; every
#: queryset is then limited by one EXISTS subquery on those assignments, so the counts do not
#: grow with the rows.
EXTRA = {
    E + "/": 2,
    E + "/reports/2015/": 2,
    E + "/ledgers/2015/": 2,
    E + "/ledgers/2015/12/": 2,
    E + "/plans/2015/": 2,
    E + "/evidence/": 2,
    f"/mrv/verifications/{OWN}/2015/": 0,  # its own assignment: no reach needed
    AE + "/reports/2015": 2,
    AE + "/ledgers/2015": 2,
    AE + "/evidence": 2,
}


@override_settings(CITYCARBON_CACHE=False)
def _count(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def test_the_verifiers_reads_take_few_queries(assigned: World) -> None:
    verifier, reporter = _client(assigned, "verifier"), _client(assigned, "own_enterprise")
    counts = {url: _count(verifier, url) for url in EXTRA}
    assert {url: counts[url] - _count(reporter, url) for url in EXTRA} == EXTRA
    # more assignments and more evidence: the same counts
    report = AnnualReport.objects.get(enterprise=assigned.own, year=2015, version=1)
    for year in (2009, 2010, 2011, 2012):  # evidence of 2013 on: none
        VerificationAssignment.objects.create(
            enterprise=assigned.own, year=year, organisation=assigned.organisation,
            report=report, kind="primary", method="manual",
        )  # fmt: skip
    for index in range(3):
        name = f"more-{index}.pdf"
        item = services.do_upload_evidence(None, assigned.own, name, PDF * (index + 2))
        EvidenceFile.objects.filter(pk=item.pk).update(uploaded_at=EVIDENCE["lab-2015-07.pdf"])
    assert {url: _count(verifier, url) for url in EXTRA} == counts
    assert len(_items(verifier.get(AE + "/evidence").json())) == len(VISIBLE_EVIDENCE) + 3
