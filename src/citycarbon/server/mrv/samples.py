"""Sample URL arguments for the MRV pages and endpoints (see
:mod:`citycarbon.server.common.samples`): the demo's Dengfeng power plant (in the sample
district, whose official is a demo account), its first facility, contact and account, the demo
screening run and its pending proposal, the first demo verifier organisation and its first
staff member, and the 2015 compliance year."""

from __future__ import annotations

from typing import Any

from citycarbon.server.common.models import RoleAssignment
from citycarbon.server.mrv.choices import MrvScopeKind
from citycarbon.server.mrv.demo import DEMO_ENTERPRISE, DEMO_VERIFIER
from citycarbon.server.mrv.demo_cycle import CYCLE_YEAR
from citycarbon.server.mrv.models import (
    AnnualReport,
    ComplianceCalendar,
    Contact,
    Enterprise,
    EvidenceFile,
    Facility,
    LedgerFinding,
    NonConformity,
    ScreeningProposal,
    ScreeningRun,
    VerificationAssignment,
    VerifierOrganisation,
    VerifierStaff,
)


def _enterprise() -> Enterprise | None:
    return (
        Enterprise.objects.filter(credit_code=DEMO_ENTERPRISE).first()
        or Enterprise.objects.order_by("pk").first()
    )


def _organisation() -> VerifierOrganisation | None:
    return (
        VerifierOrganisation.objects.filter(credit_code=DEMO_VERIFIER).first()
        or VerifierOrganisation.objects.order_by("pk").first()
    )


def page_enterprise() -> dict[str, Any] | None:
    item = _enterprise()
    return None if item is None else {"code": item.credit_code}


def api_enterprise() -> dict[str, Any] | None:
    item = _enterprise()
    return None if item is None else {"credit_code": item.credit_code}


def _facility() -> Facility | None:
    item = _enterprise()
    return (
        None if item is None else Facility.objects.filter(enterprise=item).order_by("code").first()
    )


def page_facility() -> dict[str, Any] | None:
    found = _facility()
    return None if found is None else {"code": found.enterprise.credit_code, "facility": found.code}


def api_facility() -> dict[str, Any] | None:
    found = _facility()
    return (
        None
        if found is None
        else {"credit_code": found.enterprise.credit_code, "facility_code": found.code}
    )


def _contact() -> Contact | None:
    item = _enterprise()
    return None if item is None else Contact.objects.filter(enterprise=item).order_by("pk").first()


def page_contact() -> dict[str, Any] | None:
    found = _contact()
    return None if found is None else {"code": found.enterprise.credit_code, "pk": found.pk}


def api_contact() -> dict[str, Any] | None:
    found = _contact()
    return (
        None
        if found is None
        else {"credit_code": found.enterprise.credit_code, "contact_id": found.pk}
    )


def page_role() -> dict[str, Any] | None:
    item = _enterprise()
    if item is None:
        return None
    found = (
        RoleAssignment.objects.filter(scope_kind=MrvScopeKind.ENTERPRISE.value, scope_id=item.pk)
        .order_by("pk")
        .first()
    )
    return None if found is None else {"code": item.credit_code, "pk": found.pk}


def _run() -> ScreeningRun | None:
    return ScreeningRun.objects.order_by("pk").first()


def page_run() -> dict[str, Any] | None:
    run = _run()
    return None if run is None else {"pk": run.pk}


def api_run() -> dict[str, Any] | None:
    run = _run()
    return None if run is None else {"run_id": run.pk}


def _proposal() -> ScreeningProposal | None:
    return (
        ScreeningProposal.objects.filter(decision="pending").order_by("pk").first()
        or ScreeningProposal.objects.order_by("pk").first()
    )


def page_proposal() -> dict[str, Any] | None:
    found = _proposal()
    return None if found is None else {"pk": found.pk, "decision": "reject"}


def api_proposal() -> dict[str, Any] | None:
    found = _proposal()
    return None if found is None else {"proposal_id": found.pk}


def page_verifier() -> dict[str, Any] | None:
    found = _organisation()
    return None if found is None else {"code": found.credit_code}


def api_verifier() -> dict[str, Any] | None:
    found = _organisation()
    return None if found is None else {"credit_code": found.credit_code}


def page_verifier_part() -> dict[str, Any] | None:
    found = _organisation()
    return None if found is None else {"code": found.credit_code, "part": "performance"}


def _staff() -> VerifierStaff | None:
    found = _organisation()
    return None if found is None else found.staff.order_by("pk").first()


def page_staff() -> dict[str, Any] | None:
    staff = _staff()
    return None if staff is None else {"code": staff.organisation.credit_code, "pk": staff.pk}


def api_staff() -> dict[str, Any] | None:
    staff = _staff()
    return (
        None
        if staff is None
        else {"credit_code": staff.organisation.credit_code, "staff_id": staff.pk}
    )


def api_can_verify() -> dict[str, Any] | None:
    organisation, item = _organisation(), _enterprise()
    if organisation is None or item is None:
        return None
    return {"credit_code": organisation.credit_code, "enterprise_code": item.credit_code}


def _year() -> int | None:
    found = (
        ComplianceCalendar.objects.filter(year=2015).first()
        or ComplianceCalendar.objects.order_by("-year").first()
    )
    return None if found is None else found.year


def page_year() -> dict[str, Any] | None:
    year = _year()
    return None if year is None else {"year": year}


def api_rule_year() -> dict[str, Any] | None:
    return {"valid_from_year": 2010}


def page_plan() -> dict[str, Any] | None:
    item = _enterprise()
    return None if item is None else {"code": item.credit_code, "year": CYCLE_YEAR}


def page_plan_step() -> dict[str, Any] | None:
    found = page_plan()
    return None if found is None else {**found, "step": "submit"}


def api_plan() -> dict[str, Any] | None:
    item = _enterprise()
    return None if item is None else {"credit_code": item.credit_code, "year": CYCLE_YEAR}


def page_ledger_year() -> dict[str, Any] | None:
    found = page_plan()
    return found


def page_ledger_month() -> dict[str, Any] | None:
    found = page_plan()
    return None if found is None else {**found, "month": 1}


def api_ledger_month() -> dict[str, Any] | None:
    found = api_plan()
    return None if found is None else {**found, "month": 1}


def _finding() -> LedgerFinding | None:
    return LedgerFinding.objects.select_related("ledger__enterprise").order_by("pk").first()


def page_finding() -> dict[str, Any] | None:
    found = _finding()
    if found is None:
        return None
    ledger = found.ledger
    return {
        "code": ledger.enterprise.credit_code, "year": ledger.year, "month": ledger.month,
        "pk": found.pk,
    }  # fmt: skip


def api_finding() -> dict[str, Any] | None:
    found = _finding()
    if found is None:
        return None
    ledger = found.ledger
    return {
        "credit_code": ledger.enterprise.credit_code, "year": ledger.year,
        "month": ledger.month, "finding_id": found.pk,
    }  # fmt: skip


def page_evidence() -> dict[str, Any] | None:
    found = EvidenceFile.objects.select_related("enterprise").order_by("pk").first()
    return None if found is None else {"code": found.enterprise.credit_code, "pk": found.pk}


def _report() -> AnnualReport | None:
    """A report of an enterprise in the demo enterprise's district (whose official is a demo
    account), else the first."""
    item = _enterprise()
    reports = AnnualReport.objects.select_related("enterprise").order_by("pk")
    near = (
        reports.filter(enterprise__jurisdiction_id=item.jurisdiction_id).first()
        if item is not None
        else None
    )
    return near or reports.first()


def page_report() -> dict[str, Any] | None:
    found = _report()
    return None if found is None else {"code": found.enterprise.credit_code, "year": found.year}


def page_report_step() -> dict[str, Any] | None:
    found = page_report()
    return None if found is None else {**found, "step": "submit"}


def page_report_document() -> dict[str, Any] | None:
    found = page_report()
    return None if found is None else {**found, "kind": "json"}


def api_report() -> dict[str, Any] | None:
    found = _report()
    return (
        None if found is None else {"credit_code": found.enterprise.credit_code, "year": found.year}
    )


def _verification() -> VerificationAssignment | None:
    """A verification of an enterprise in the demo enterprise's district, else the first."""
    item = _enterprise()
    found = VerificationAssignment.objects.select_related("enterprise").order_by("pk")
    near = (
        found.filter(enterprise__jurisdiction_id=item.jurisdiction_id).first()
        if item is not None
        else None
    )
    return near or found.first()


def page_verification() -> dict[str, Any] | None:
    found = _verification()
    return None if found is None else {"code": found.enterprise.credit_code, "year": found.year}


def page_verification_office() -> dict[str, Any] | None:
    found = page_verification()
    return None if found is None else {**found, "action": "approve"}


def page_verification_act() -> dict[str, Any] | None:
    found = page_verification()
    return None if found is None else {**found, "kind": "primary", "action": "plan"}


def _non_conformity() -> NonConformity | None:
    return NonConformity.objects.select_related("assignment__enterprise").order_by("pk").first()


def page_non_conformity() -> dict[str, Any] | None:
    found = _non_conformity()
    if found is None:
        return None
    a = found.assignment
    return {
        "code": a.enterprise.credit_code, "year": a.year, "kind": a.kind, "pk": found.pk,
        "action": "close",
    }  # fmt: skip


def api_verification() -> dict[str, Any] | None:
    found = _verification()
    return (
        None if found is None else {"credit_code": found.enterprise.credit_code, "year": found.year}
    )


def api_verification_kind() -> dict[str, Any] | None:
    found = api_verification()
    return None if found is None else {**found, "kind": "primary"}


def api_verification_step() -> dict[str, Any] | None:
    found = api_verification_kind()
    return None if found is None else {**found, "step": "plan"}


def api_non_conformity() -> dict[str, Any] | None:
    found = _non_conformity()
    if found is None:
        return None
    a = found.assignment
    return {
        "credit_code": a.enterprise.credit_code, "year": a.year, "kind": a.kind,
        "finding_id": found.pk,
    }  # fmt: skip


def api_spot_year() -> dict[str, Any] | None:
    return {"year": CYCLE_YEAR}


SAMPLES = {
    "mrv:enterprise_detail": page_enterprise,
    "mrv:enterprise_edit": page_enterprise,
    "mrv:enterprise_status": page_enterprise,
    "mrv:facility_set": page_enterprise,
    "mrv:facility_remove": page_facility,
    "mrv:contact_add": page_enterprise,
    "mrv:contact_remove": page_contact,
    "mrv:role_assign": page_enterprise,
    "mrv:role_revoke": page_role,
    "mrv:screening_detail": page_run,
    "mrv:proposal_decide": page_proposal,
    "mrv:verifier_detail": page_verifier,
    "mrv:verifier_edit": page_verifier,
    "mrv:verifier_add": page_verifier_part,
    "mrv:staff_end": page_staff,
    "mrv:calendar_detail": page_year,
    "api:get_enterprise": api_enterprise,
    "api:update_enterprise": api_enterprise,
    "api:change_enterprise_status": api_enterprise,
    "api:put_facility": api_facility,
    "api:delete_facility": api_facility,
    "api:add_contact": api_enterprise,
    "api:update_contact": api_contact,
    "api:delete_contact": api_contact,
    "api:assign_enterprise_role": api_enterprise,
    "api:list_obligations": api_enterprise,
    "api:put_coverage_rule": api_rule_year,
    "api:get_screening_run": api_run,
    "api:accept_proposal": api_proposal,
    "api:reject_proposal": api_proposal,
    "api:get_verifier": api_verifier,
    "api:update_verifier": api_verifier,
    "api:add_accreditation": api_verifier,
    "api:add_staff": api_verifier,
    "api:end_staff": api_staff,
    "api:add_performance": api_verifier,
    "api:add_sanction": api_verifier,
    "api:can_verify": api_can_verify,
    "api:get_calendar": page_year,
    "api:put_calendar": page_year,
    "mrv:plan_list": page_enterprise,
    "mrv:plan_detail": page_plan,
    "mrv:plan_workbook": page_plan,
    "mrv:plan_edit": page_plan,
    "mrv:plan_step": page_plan_step,
    "api:list_plans": api_enterprise,
    "api:get_plan": api_plan,
    "api:put_plan": api_plan,
    "api:import_plan": api_plan,
    "api:submit_plan": api_plan,
    "api:approve_plan": api_plan,
    "api:return_plan": api_plan,
    "api:revise_plan": api_plan,
    "mrv:ledger_year": page_ledger_year,
    "mrv:ledger_month": page_ledger_month,
    "mrv:ledger_import": page_ledger_month,
    "mrv:finding_acknowledge": page_finding,
    "mrv:evidence_list": page_enterprise,
    "mrv:evidence_download": page_evidence,
    "api:list_ledger_months": api_plan,
    "api:get_ledger_month": api_ledger_month,
    "api:push_ledger_month": api_ledger_month,
    "api:import_ledger_month": api_ledger_month,
    "api:acknowledge_finding": api_finding,
    "api:list_evidence": api_enterprise,
    "api:upload_evidence": api_enterprise,
    "mrv:report_detail": page_report,
    "mrv:report_step": page_report_step,
    "mrv:report_document": page_report_document,
    "api:list_reports": api_enterprise,
    "api:get_report": api_report,
    "api:build_report": api_report,
    "api:sign_off_report": api_report,
    "api:withdraw_sign_off": api_report,
    "api:submit_report": api_report,
    "api:correct_report": api_report,
    "api:report_document": api_report,
    "mrv:verification_detail": page_verification,
    "mrv:verification_office": page_verification_office,
    "mrv:verification_act": page_verification_act,
    "mrv:non_conformity_act": page_non_conformity,
    "api:get_verification": api_verification,
    "api:assign_verifier": api_verification,
    "api:approve_verification": api_verification,
    "api:verification_step": api_verification_step,
    "api:raise_non_conformity": api_verification_kind,
    "api:verification_report": api_verification_kind,
    "api:correct_non_conformity": api_non_conformity,
    "api:close_non_conformity": api_non_conformity,
    "api:draw_spot_checks": api_spot_year,
    "api:add_advisory": api_verifier,
    "api:publish_disclosure": api_verification,
}
