"""Every MRV page and API endpoint from every viewpoint: anonymous, the public, an enterprise
account of another enterprise and of the enterprise under test (reporter and responsible
person), the district officials of another and of the enterprise's own jurisdiction, the
reviewer, a verifier and the city office. The enterprise under test is in Dengfeng; the other
one in Xinmi. A refused request changes nothing: the register, the verifier list, the
calendar, the role assignments and the audit trail are the same afterwards — except that a
verifier's refused action and an enterprise account's reach for another enterprise's data
(404) are each recorded by exactly one audit event; an allowed write changes something."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from mrv_support import (
    NEW,
    OWN,
    PDF,
    PERSONAS,
    World,
    add_ledgers,
    add_plans,
    add_reports,
    add_verifications,
    build_world,
    ledger_rows,
    power_plan,
)
from openpyxl import load_workbook

from citycarbon.server.common.models import AuditEvent
from citycarbon.server.mrv import plans
from citycarbon.server.mrv.workbook import enterprise_template, screening_template

(ANON, PUBLIC, OTHER_ENT, OWN_ENT, RESP, OTHER_OFF, OWN_OFF, REVIEWER, VERIFIER, OFFICE) = PERSONAS
LOGIN = 302


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(PERSONAS, status)


def listing(*, page: bool) -> dict[str, int]:
    """A list: every MRV role reads it (filtered to its reach); the public may not."""
    return {**everyone(200), ANON: LOGIN if page else 401, PUBLIC: 403}


def own_enterprise(ok: int = 200, *, page: bool) -> dict[str, int]:
    """A read of the Dengfeng enterprise."""
    hidden = 404
    return {
        ANON: LOGIN if page else 401, PUBLIC: hidden, OTHER_ENT: hidden, OWN_ENT: ok, RESP: ok,
        OTHER_OFF: hidden, OWN_OFF: ok, REVIEWER: ok, VERIFIER: hidden, OFFICE: ok,
    }  # fmt: skip


def assigned_read(ok: int = 200, *, page: bool) -> dict[str, int]:
    """A read of the Dengfeng enterprise its verifier makes too: its organisation is assigned
    the years 2003 and 2005–2009, so it reads the register entry and those years (a list
    holds only those years' records; a record of another year is not found)."""
    return {**own_enterprise(ok, page=page), VERIFIER: ok}


def seen(expected: dict[str, int]) -> dict[str, int]:
    """A write on the Dengfeng enterprise, which its verifier sees (it is assigned some of
    its years): refused (403) rather than not found."""
    return {**expected, VERIFIER: 403}


def change_own(ok: int, *, page: bool) -> dict[str, int]:
    """A write on the Dengfeng enterprise: the office's; those who see it are refused (403),
    the others do not find it (404)."""
    return {
        **own_enterprise(403, page=page),
        OFFICE: ok,
    }


def office_only(ok: int, *, page: bool, anonymous: int | None = None) -> dict[str, int]:
    """A write with no object to find (a new record, configuration): 403 to all but the
    office."""
    return {**everyone(403), ANON: anonymous or (LOGIN if page else 401), OFFICE: ok}


def organisation(ok: int = 200, *, page: bool, write: bool = False) -> dict[str, int]:
    """The verifier organisation: its own verifier, the reviewer and the office see it."""
    seen = 403 if write else ok
    return {
        **everyone(404), ANON: LOGIN if page else 401, REVIEWER: seen, VERIFIER: seen,
        OFFICE: ok,
    }  # fmt: skip


def city_level(ok: int = 200, *, page: bool, write: bool = False) -> dict[str, int]:
    """Screening runs: the city's (the reviewer and the office)."""
    return {
        **everyone(404),
        ANON: LOGIN if page else 401,
        REVIEWER: 403 if write else ok,
        OFFICE: ok,
    }


def calendar_read(*, page: bool) -> dict[str, int]:
    return {**everyone(200), ANON: LOGIN if page else 401, PUBLIC: 404}


def enterprise_writes(ok: int, *, page: bool) -> dict[str, int]:
    """A write the enterprise's own accounts and the office may make (a monitoring plan):
    the other viewers of the enterprise are refused (403), the rest do not find it (404)."""
    return {**own_enterprise(403, page=page), OWN_ENT: ok, RESP: ok, OFFICE: ok}


def responsible_only(ok: int, *, page: bool) -> dict[str, int]:
    """A sign-off: the enterprise's responsible person's alone."""
    return {**own_enterprise(403, page=page), RESP: ok}


def verifier_writes(ok: int, *, page: bool) -> dict[str, int]:
    """A step of the assigned verifier: those who see the verification are refused (403),
    the others do not find it (404) — each refusal audited."""
    return {**own_enterprise(403, page=page), VERIFIER: ok}


def verification_read(*, page: bool) -> dict[str, int]:
    """A verification: the enterprise's readers and the assigned verifier see it."""
    return {**own_enterprise(200, page=page), VERIFIER: 200}


def plan_new_year(*, page: bool) -> dict[str, int]:
    """A year without a plan: those who may enter one see the empty page; others: none."""
    return {**own_enterprise(404, page=page), OWN_ENT: 200, RESP: 200, OFFICE: 200}


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: str  # {own}, {other}, {org}, {staff}, {run}, {proposal}, {contact}, {role}
    expected: dict[str, int]
    body: Any = None
    form: bool = False  # an urlencoded (or multipart) page form rather than JSON
    headers: dict[str, str] | None = None
    #: A verifier's action: a refusal is audited (the one change it makes).
    audited: bool = False

    def __str__(self) -> str:
        return self.name


E = "/mrv/enterprises/{own}"
V = "/mrv/verifiers/{org}"
AE = "/api/mrv/enterprises/{own}"
AV = "/api/mrv/verifiers/{org}"
VP = "/mrv/verifications/{own}"
AVP = "/api/mrv/verifications/{own}"
ENTERPRISE_FORM = {
    "credit_code": NEW, "name_zh": "新企业", "jurisdiction": "dengfeng",
    "sectors": ["cement"], "coverage_reason": "emissions", "coverage_year": "2012",
    "coverage_emissions_tco2e": "13000",
}  # fmt: skip
ENTERPRISE_JSON = {**ENTERPRISE_FORM, "coverage_year": 2012}
CALENDAR_JSON = {
    "monitoring_plan_due": "2015-12-31", "ledger_due_day": 15,
    "annual_report_due": "2017-03-31", "verification_due": "2017-04-30",
    "approval_due": "2017-06-30", "reminder_days": [30, 7],
}  # fmt: skip
CALENDAR_FORM = {**CALENDAR_JSON, "year": "2016", "reminder_days": "30, 7"}
PLAN_TEXT = (  # braces doubled: bodies are formatted with the ids
    json.dumps(power_plan(2015, name="改名电厂"), ensure_ascii=False)
    .replace("{", "{{")
    .replace("}", "}}")
)
LEDGER_FORM = {
    "coal__quantity__value": "120000", "coal__ncv__value": "20.5",
    "coal__ncv__evidence": "LAB-3", "coal__carbon_content__value": "26.0",
    "coal__carbon_content__evidence": "LAB-3", "power__output__value": "260000",
}  # fmt: skip
PLAN_JSON = {
    "name": "改名电厂", "sector": "power_generation", "region": "henan",
    "facilities": [{"id": "U1", "name": "1号机组"}],
    "streams": [
        {"id": "coal", "facility": "U1", "source": "fuel_combustion",
         "choices": {"fuel": "bituminous_coal"},
         "parameters": {"quantity": {"method": "belt_scale", "frequency": "continuous",
                                     "unit": "t"}}},
        {"id": "power", "facility": "U1", "kind": "production", "product": "electricity",
         "parameters": {"output": {"method": "meter", "unit": "MWh"}}},
    ],
}  # fmt: skip
STAFF = {"name": "新核查员", "joined_on": "2015-01-01"}
PERFORMANCE = {"kind": "late_report", "occurred_on": "2016-05-10", "description": "8 days late"}
SANCTION = {"kind": "warning", "effective_from": "2016-06-01", "reason": "late report"}
ACCREDITATION = {
    "reference": "A-2", "sectors": ["cement"], "valid_from": "2017-01-01",
    "valid_to": "2019-12-31",
}  # fmt: skip


def _ledger_workbook() -> bytes:
    """The 2013 plan's workbook with the April rows filled."""
    content = plans.plan_workbook(plans.plan_of({**power_plan(2013), "enterprise": OWN}))
    book = load_workbook(io.BytesIO(content))
    sheet = book["Ledger"]
    header = [c.value for c in sheet[2]]
    values = {(r["stream"], r["parameter"]): r for r in ledger_rows(2013, 4)}
    for row in sheet.iter_rows(min_row=3):
        cells = dict(zip(header, row, strict=False))
        wanted = values.get((cells["stream"].value, cells["parameter"].value))
        if cells["month"].value == "2013-04" and wanted is not None:
            cells["value"].value = float(wanted["value"])
            cells["evidence"].value = wanted.get("evidence")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _workbook(kind: str) -> bytes:
    """A one-row enterprise list (a new Dengfeng enterprise) or screening sheet, or the 2015
    plan's workbook."""
    if kind == "plan":
        return plans.plan_workbook(plans.plan_of({**power_plan(2015), "enterprise": OWN}))
    if kind == "ledger":
        return _ledger_workbook()
    content = enterprise_template([]) if kind == "enterprises" else screening_template([])
    book = load_workbook(io.BytesIO(content))
    sheet = book["enterprises" if kind == "enterprises" else "figures"]
    values = (
        [NEW, "新企业", "", "dengfeng", "cement", "emissions", 2012, None, 13000]
        if kind == "enterprises"
        else [NEW, "新企业", "dengfeng", "cement", 2012, 6000, None]
    )
    for index, value in enumerate(values, start=1):
        sheet.cell(row=3, column=index, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


CASES = [
    # --- pages: the register ------------------------------------------------------------------
    Case("enterprise list", "get", "/mrv/enterprises/", listing(page=True)),
    Case("enterprise list filtered", "get", "/mrv/enterprises/?sector=cement&status=active&q=测试",
         listing(page=True)),
    Case("enterprise export", "get", "/mrv/enterprises/export.xlsx", listing(page=True)),
    Case("enterprise template", "get", "/mrv/enterprises/template.xlsx", listing(page=True)),
    Case("import page", "get", "/mrv/enterprises/import/", office_only(200, page=True)),
    Case("import a workbook", "post", "/mrv/enterprises/import/", office_only(200, page=True),
         {"file": "enterprises"}, form=True),
    Case("new enterprise page", "get", "/mrv/enterprises/new/", office_only(200, page=True)),
    Case("register (page)", "post", "/mrv/enterprises/new/", office_only(302, page=True),
         ENTERPRISE_FORM, form=True),
    Case("enterprise page", "get", E + "/", assigned_read(page=True)),
    Case("enterprise page as of a day", "get", E + "/?on=2016-03-10", assigned_read(page=True)),
    Case("other enterprise page", "get", "/mrv/enterprises/{other}/",
         {**own_enterprise(page=True), OTHER_ENT: 200, OWN_ENT: 404, RESP: 404, OTHER_OFF: 200,
          OWN_OFF: 404}),
    Case("unknown enterprise page", "get", "/mrv/enterprises/91410185YY1850016L/",
         {**everyone(404), ANON: LOGIN}),
    Case("edit page", "get", E + "/edit/", seen(change_own(200, page=True))),
    Case("edit (page)", "post", E + "/edit/", seen(change_own(302, page=True)),
         {**ENTERPRISE_FORM, "name_zh": "改名", "sectors": ["power_generation"]}, form=True),
    Case("status (page)", "post", E + "/status/", seen(change_own(302, page=True)),
         {"status": "closed", "effective_on": "2015-01-01"}, form=True),
    Case("facility (page)", "post", E + "/facilities/", seen(change_own(302, page=True)),
         {"code": "U9", "name_zh": "9号"}, form=True),
    Case("remove facility (page)", "post", E + "/facilities/U2/remove/",
         seen(change_own(302, page=True)), {}, form=True),
    Case("contact (page)", "post", E + "/contacts/", seen(change_own(302, page=True)),
         {"function": "other", "name": "新联系人"}, form=True),
    Case("remove contact (page)", "post", E + "/contacts/{contact}/remove/",
         seen(change_own(302, page=True)), {}, form=True),
    Case("give a role (page)", "post", E + "/roles/", seen(change_own(302, page=True)),
         {"username": "public", "role": "enterprise_reporter"}, form=True),
    Case("take a role (page)", "post", E + "/roles/{role}/revoke/",
         {**change_own(302, page=True), OWN_ENT: 404, RESP: 404, OWN_OFF: 404, REVIEWER: 404},
         {}, form=True),
    # --- pages: screening ---------------------------------------------------------------------
    Case("screening page", "get", "/mrv/screening/", listing(page=True)),
    Case("screening template", "get", "/mrv/screening/template.xlsx", listing(page=True)),
    Case("screen a workbook", "post", "/mrv/screening/", office_only(302, page=True),
         {"file": "figures"}, form=True),
    Case("set thresholds (page)", "post", "/mrv/screening/thresholds/",
         office_only(302, page=True),
         {"valid_from_year": "2013", "energy_tce": "10000", "emissions_tco2e": "26000"}, form=True),
    Case("screening run page", "get", "/mrv/screening/{run}/", city_level(page=True)),
    Case("reject (page)", "post", "/mrv/screening/proposals/{proposal}/reject/",
         city_level(302, page=True, write=True), {"reason": "closed"}, form=True),
    Case("accept (page)", "post", "/mrv/screening/proposals/{proposal}/accept/",
         city_level(302, page=True, write=True), {"reason": ""}, form=True),
    # --- pages: verifiers ---------------------------------------------------------------------
    Case("verifier list", "get", "/mrv/verifiers/", listing(page=True)),
    Case("new verifier page", "get", "/mrv/verifiers/new/", office_only(200, page=True)),
    Case("add a verifier (page)", "post", "/mrv/verifiers/new/", office_only(302, page=True),
         {"credit_code": "91410171YY1710021A", "name_zh": "乙", "jurisdiction": "zhengzhou"},
         form=True),
    Case("verifier page", "get", V + "/", organisation(page=True)),
    Case("verifier page with a check", "get", V + "/?enterprise={own}&on=2015-06-01",
         organisation(page=True)),
    Case("verifier edit page", "get", V + "/edit/", organisation(200, page=True, write=True)),
    Case("verifier edit (page)", "post", V + "/edit/", organisation(302, page=True, write=True),
         {"name_zh": "改名核查机构"}, form=True),
    Case("accreditation (page)", "post", V + "/accreditations/",
         organisation(302, page=True, write=True), ACCREDITATION, form=True),
    Case("staff (page)", "post", V + "/staff/", organisation(302, page=True, write=True), STAFF,
         form=True),
    Case("performance (page)", "post", V + "/performance/",
         organisation(302, page=True, write=True), PERFORMANCE, form=True),
    Case("sanction (page)", "post", V + "/sanctions/", organisation(302, page=True, write=True),
         SANCTION, form=True),
    Case("staff left (page)", "post", V + "/staff/{staff}/end/",
         organisation(302, page=True, write=True), {"left_on": "2016-01-01"}, form=True),
    # --- pages: calendar ----------------------------------------------------------------------
    Case("calendar", "get", "/mrv/calendar/", listing(page=True)),
    Case("calendar year", "get", "/mrv/calendar/2015/?on=2016-03-10", calendar_read(page=True)),
    Case("set a year (page)", "post", "/mrv/calendar/", office_only(302, page=True),
         CALENDAR_FORM, form=True),
    Case("change a year (page)", "post", "/mrv/calendar/2015/",
         {**office_only(302, page=True), PUBLIC: 404},
         {**CALENDAR_FORM, "year": "2015", "annual_report_due": "2016-03-30",
          "monitoring_plan_due": "2014-12-31", "verification_due": "2016-04-30",
          "approval_due": "2016-06-30"}, form=True),
    # --- API: the register --------------------------------------------------------------------
    Case("api: enterprises", "get", "/api/mrv/enterprises?jurisdiction=dengfeng",
         listing(page=False)),
    Case("api: register", "post", "/api/mrv/enterprises", office_only(201, page=False),
         ENTERPRISE_JSON),
    Case("api: import", "post", "/api/mrv/enterprises/import", office_only(200, page=False),
         {"file": "enterprises"}, form=True),
    Case("api: enterprise", "get", AE, assigned_read(page=False)),
    Case("api: obligations", "get", AE + "/obligations?on=2016-03-10", assigned_read(page=False)),
    Case("api: change", "patch", AE, seen(change_own(200, page=False)), {"note": "changed"}),
    Case("api: status", "post", AE + "/status", seen(change_own(201, page=False)),
         {"status": "closed", "effective_on": "2015-01-01"}),
    Case("api: facility", "put", AE + "/facilities/U9", seen(change_own(200, page=False)),
         {"name_zh": "9号"}),
    Case("api: remove facility", "delete", AE + "/facilities/U2",
         seen(change_own(204, page=False))),
    Case("api: contact", "post", AE + "/contacts", seen(change_own(201, page=False)),
         {"function": "other", "name": "新联系人"}),
    Case("api: change contact", "put", AE + "/contacts/{contact}",
         seen(change_own(200, page=False)), {"function": "other", "name": "改名"}),
    Case("api: remove contact", "delete", AE + "/contacts/{contact}",
         seen(change_own(204, page=False))),
    Case("api: give a role", "post", AE + "/roles", seen(change_own(200, page=False)),
         {"username": "public", "role": "enterprise_responsible"}),
    # --- API: thresholds and screening --------------------------------------------------------
    Case("api: thresholds", "get", "/api/mrv/coverage-rules", listing(page=False)),
    Case("api: set thresholds", "put", "/api/mrv/coverage-rules/2013",
         office_only(200, page=False), {"energy_tce": "10000", "emissions_tco2e": "26000"}),
    Case("api: screening runs", "get", "/api/mrv/screening-runs", listing(page=False)),
    Case("api: screen", "post", "/api/mrv/screening-runs", office_only(201, page=False),
         {"items": [{"credit_code": NEW, "name_zh": "x", "jurisdiction": "dengfeng",
                     "year": 2012, "energy_tce": "6000"}]}),
    Case("api: screen a workbook", "post", "/api/mrv/screening-runs/import",
         office_only(201, page=False), {"file": "figures"}, form=True),
    Case("api: screening run", "get", "/api/mrv/screening-runs/{run}", city_level(page=False)),
    Case("api: accept", "post", "/api/mrv/screening-proposals/{proposal}/accept",
         city_level(200, page=False, write=True), {}),
    Case("api: reject", "post", "/api/mrv/screening-proposals/{proposal}/reject",
         city_level(200, page=False, write=True), {"reason": "closed"}),
    # --- API: verifiers -----------------------------------------------------------------------
    Case("api: verifiers", "get", "/api/mrv/verifiers", listing(page=False)),
    Case("api: add a verifier", "post", "/api/mrv/verifiers", office_only(201, page=False),
         {"credit_code": "91410171YY1710021A", "name_zh": "乙", "jurisdiction": "zhengzhou"}),
    Case("api: verifier", "get", AV, organisation(page=False)),
    Case("api: change verifier", "patch", AV, organisation(200, page=False, write=True),
         {"note": "changed"}),
    Case("api: accreditation", "post", AV + "/accreditations",
         organisation(201, page=False, write=True), ACCREDITATION),
    Case("api: staff", "post", AV + "/staff", organisation(201, page=False, write=True), STAFF),
    Case("api: staff left", "post", AV + "/staff/{staff}/end",
         organisation(200, page=False, write=True), {"left_on": "2016-01-01"}),
    Case("api: performance", "post", AV + "/performance",
         organisation(201, page=False, write=True), PERFORMANCE),
    Case("api: sanction", "post", AV + "/sanctions", organisation(201, page=False, write=True),
         SANCTION),
    Case("api: may verify", "get", AV + "/can-verify/{own}?on=2015-06-01",
         organisation(page=False)),
    # --- API: calendar ------------------------------------------------------------------------
    Case("api: calendar", "get", "/api/mrv/calendar", listing(page=False)),
    Case("api: calendar year", "get", "/api/mrv/calendar/2015", calendar_read(page=False)),
    Case("api: set a year", "put", "/api/mrv/calendar/2016", office_only(200, page=False),
         CALENDAR_JSON),
    # --- pages: monitoring plans --------------------------------------------------------------
    Case("plans", "get", E + "/plans/", assigned_read(page=True)),
    Case("plans: open a year", "get", E + "/plans/?year=2015", assigned_read(302, page=True)),
    Case("plan page", "get", E + "/plans/2015/", own_enterprise(page=True)),
    Case("plan page, a version", "get", E + "/plans/2013/?version=1", own_enterprise(page=True)),
    Case("plan page, a year without plan", "get", E + "/plans/2016/", plan_new_year(page=True)),
    Case("plan workbook", "get", E + "/plans/2015/workbook.xlsx", own_enterprise(page=True)),
    Case("plan (page)", "post", E + "/plans/2015/edit/", enterprise_writes(302, page=True),
         {"document": PLAN_TEXT}, form=True),
    Case("plan from a workbook (page)", "post", E + "/plans/2015/edit/",
         enterprise_writes(302, page=True), {"file": "plan"}, form=True),
    Case("submit a plan (page)", "post", E + "/plans/2015/submit/",
         enterprise_writes(302, page=True), {}, form=True),
    Case("approve a plan (page)", "post", E + "/plans/2014/approve/",
         change_own(302, page=True), {}, form=True),
    Case("return a plan (page)", "post", E + "/plans/2014/return/",
         change_own(302, page=True), {"reason": "补充"}, form=True),
    Case("revise a plan (page)", "post", E + "/plans/2013/revise/",
         enterprise_writes(302, page=True), {"reason": "新机组"}, form=True),
    # --- API: monitoring plans ----------------------------------------------------------------
    Case("api: plans", "get", AE + "/plans", assigned_read(page=False)),
    Case("api: plan", "get", AE + "/plans/2015", own_enterprise(page=False)),
    Case("api: enter a plan", "put", AE + "/plans/2015", enterprise_writes(200, page=False),
         PLAN_JSON),
    Case("api: plan from a workbook", "post", AE + "/plans/2015/import",
         enterprise_writes(200, page=False), {"file": "plan"}, form=True),
    Case("api: submit a plan", "post", AE + "/plans/2015/submit",
         enterprise_writes(200, page=False)),
    Case("api: approve a plan", "post", AE + "/plans/2014/approve", change_own(200, page=False)),
    Case("api: return a plan", "post", AE + "/plans/2014/return", change_own(200, page=False),
         {"reason": "补充"}),
    Case("api: revise a plan", "post", AE + "/plans/2013/revise",
         enterprise_writes(201, page=False), {"reason": "新机组"}),
    # --- pages: the monthly ledger -------------------------------------------------------------
    Case("ledger year", "get", E + "/ledgers/2013/", own_enterprise(page=True)),
    Case("ledger month", "get", E + "/ledgers/2013/1/", own_enterprise(page=True)),
    Case("ledger month not entered", "get", E + "/ledgers/2013/3/", plan_new_year(page=True)),
    Case("ledger month (page)", "post", E + "/ledgers/2013/3/",
         seen(enterprise_writes(302, page=True)), LEDGER_FORM, form=True),
    Case("ledger from a workbook (page)", "post", E + "/ledgers/2013/4/import/",
         seen(enterprise_writes(302, page=True)), {"file": "ledger"}, form=True),
    Case("acknowledge (page)", "post", E + "/ledgers/2013/2/findings/{finding}/acknowledge/",
         enterprise_writes(302, page=True), {"reason": "换煤"}, form=True),
    Case("evidence", "get", E + "/evidence/", assigned_read(page=True)),
    Case("evidence upload (page)", "post", E + "/evidence/",
         seen(enterprise_writes(302, page=True)), {"file": "evidence"}, form=True),
    Case("evidence file", "get", E + "/evidence/{evidence}/", own_enterprise(page=True)),
    # --- API: the monthly ledger --------------------------------------------------------------
    Case("api: ledger months", "get", AE + "/ledgers/2013", assigned_read(page=False)),
    Case("api: ledger month", "get", AE + "/ledgers/2013/1", own_enterprise(page=False)),
    Case("api: push a month", "post", AE + "/ledgers/2013/3",
         seen(enterprise_writes(201, page=False)), {"rows": ledger_rows(2013, 3)},
         headers={"HTTP_IDEMPOTENCY_KEY": "matrix-1"}),
    Case("api: month from a workbook", "post", AE + "/ledgers/2013/4/import",
         seen(enterprise_writes(201, page=False)), {"file": "ledger"}, form=True),
    Case("api: acknowledge", "post", AE + "/ledgers/2013/2/findings/{finding}/acknowledge",
         enterprise_writes(200, page=False), {"reason": "换煤"}),
    Case("api: evidence", "get", AE + "/evidence", assigned_read(page=False)),
    Case("api: upload evidence", "post", AE + "/evidence", seen(enterprise_writes(201, page=False)),
         {"file": "evidence"}, form=True),
    # --- pages: annual reports ----------------------------------------------------------------
    Case("report page", "get", E + "/reports/2009/", assigned_read(page=True)),
    Case("report page, a version", "get", E + "/reports/2009/?version=1",
         assigned_read(page=True)),
    Case("report page, not built", "get", E + "/reports/2011/", plan_new_year(page=True)),
    Case("report document (page)", "get", E + "/reports/2009/document.xlsx",
         assigned_read(page=True)),
    Case("build a report (page)", "post", E + "/reports/2011/build/",
         seen(enterprise_writes(302, page=True)), {}, form=True),
    Case("sign off (page)", "post", E + "/reports/2012/sign-off/",
         responsible_only(302, page=True), {}, form=True),
    Case("withdraw a sign-off (page)", "post", E + "/reports/2010/withdraw/",
         responsible_only(302, page=True), {"reason": "复核"}, form=True),
    Case("submit a report (page)", "post", E + "/reports/2010/submit/",
         enterprise_writes(302, page=True), {}, form=True),
    Case("correct a report (page)", "post", E + "/reports/2009/correct/",
         seen(enterprise_writes(302, page=True)), {"reason": "补充"}, form=True),
    # --- API: annual reports ------------------------------------------------------------------
    Case("api: reports", "get", AE + "/reports", assigned_read(page=False)),
    Case("api: report", "get", AE + "/reports/2009", assigned_read(page=False)),
    Case("api: report document", "get", AE + "/reports/2009/document?format=json",
         assigned_read(page=False)),
    Case("api: build a report", "post", AE + "/reports/2011/build",
         seen(enterprise_writes(200, page=False))),
    Case("api: sign off", "post", AE + "/reports/2012/sign-off", responsible_only(200, page=False)),
    Case("api: withdraw a sign-off", "post", AE + "/reports/2010/withdraw-sign-off",
         responsible_only(200, page=False), {"reason": "复核"}),
    Case("api: submit a report", "post", AE + "/reports/2010/submit",
         enterprise_writes(200, page=False)),
    Case("api: correct a report", "post", AE + "/reports/2009/correct",
         seen(enterprise_writes(200, page=False)), {"reason": "补充"}),
    # --- pages: verification -----------------------------------------------------------------
    Case("verifications", "get", "/mrv/verifications/", listing(page=True)),
    Case("spot checks (page)", "post", "/mrv/verifications/", office_only(302, page=True),
         {"year": "2005", "share": "0.5", "on": "2015-06-01"}, form=True),
    Case("verification page", "get", VP + "/2009/", verification_read(page=True)),
    Case("verification page, not assigned", "get", VP + "/2004/",
         {**own_enterprise(404, page=True), OFFICE: 200}),
    Case("assign (page)", "post", VP + "/2004/assign/", seen(change_own(302, page=True)),
         {"organisation": "{org}", "on": "2015-06-01"}, form=True),
    Case("advisory (page)", "post", VP + "/2004/advisory/", seen(change_own(302, page=True)),
         {"organisation": "{org}", "from_year": "2012"}, form=True),
    Case("approve a verification (page)", "post", VP + "/2005/approve/",
         seen(change_own(302, page=True)), {"note": "ok"}, form=True),
    Case("verification plan (page)", "post", VP + "/2009/primary/plan/",
         verifier_writes(302, page=True), {"on": "2015-06-01"}, form=True, audited=True),
    Case("document review (page)", "post", VP + "/2008/primary/document_review/",
         verifier_writes(302, page=True), {"on": "2015-06-01"}, form=True, audited=True),
    Case("site visit (page)", "post", VP + "/2009/primary/site_visit/",
         verifier_writes(400, page=True), {"on": "2015-06-01"}, form=True, audited=True),
    Case("raise a finding (page)", "post", VP + "/2008/primary/finding/",
         verifier_writes(302, page=True), {"description": "缺记录", "on": "2015-06-01"},
         form=True, audited=True),
    Case("verification report (page)", "post", VP + "/2006/primary/report/",
         verifier_writes(302, page=True),
         {"emissions__fuel_combustion": "100.5", "opinion": "positive", "on": "2015-06-01"},
         form=True, audited=True),
    Case("correct a finding (page)", "post",
         VP + "/2007/primary/findings/{open_finding}/correct/",
         {**own_enterprise(403, page=True), VERIFIER: 403, OWN_ENT: 302, RESP: 302,
          OFFICE: 302}, {"correction": "已补"}, form=True),
    Case("close a finding (page)", "post",
         VP + "/2007/primary/findings/{corrected_finding}/close/",
         verifier_writes(302, page=True), {"on": "2015-06-01"}, form=True, audited=True),
    # --- API: verification --------------------------------------------------------------------
    Case("api: verifications", "get", "/api/mrv/verifications?year=2009", listing(page=False)),
    Case("api: verification", "get", AVP + "/2009", verification_read(page=False)),
    Case("api: assign", "post", AVP + "/2004/assign", seen(change_own(201, page=False)),
         {"organisation": "{org}", "on": "2015-06-01"}),
    Case("api: approve a verification", "post", AVP + "/2005/approve",
         {**change_own(200, page=False), VERIFIER: 403}, {"note": "ok"}),
    Case("api: verification step", "post", AVP + "/2009/primary/steps/plan",
         verifier_writes(200, page=False), {"done_on": "2015-06-01"}, audited=True),
    Case("api: raise a finding", "post", AVP + "/2008/primary/findings",
         verifier_writes(201, page=False), {"description": "缺记录", "on": "2015-06-01"},
         audited=True),
    Case("api: correct a finding", "post",
         AVP + "/2007/primary/findings/{open_finding}/correct",
         {**own_enterprise(403, page=False), VERIFIER: 403, OWN_ENT: 200, RESP: 200,
          OFFICE: 200}, {"correction": "已补"}),
    Case("api: close a finding", "post", AVP + "/2007/primary/findings/{corrected_finding}/close",
         verifier_writes(200, page=False), {"on": "2015-06-01"}, audited=True),
    Case("api: verification report", "post", AVP + "/2006/primary/report",
         verifier_writes(200, page=False),
         {"emissions": {"fuel_combustion": "100.5"}, "opinion": "positive", "on": "2015-06-01"},
         audited=True),
    Case("api: spot checks", "post", "/api/mrv/spot-checks/2005", office_only(201, page=False),
         {"share": "0.5", "on": "2015-06-01"}),
    Case("api: advisory", "post", AV + "/advisory",
         {**everyone(404), ANON: 401, REVIEWER: 403, VERIFIER: 403, OFFICE: 201},
         {"enterprise": "{own}", "from_year": 2012}),
    # --- disclosure and reconciliation ---------------------------------------------------------
    Case("disclosure", "get", "/mrv/disclosure/?year=2003", {**everyone(200), ANON: LOGIN}),
    Case("publish (page)", "post", VP + "/2003/publish/", seen(change_own(302, page=True)), {},
         form=True),
    Case("reconciliation", "get", "/mrv/reconciliation/?year=2003&jurisdiction=zhengzhou",
         listing(page=True)),
    Case("api: disclosures", "get", "/api/mrv/disclosures?year=2003", everyone(200)),
    Case("api: publish", "post", AVP + "/2003/publish",
         {**change_own(200, page=False), VERIFIER: 403}),
    Case("api: reconciliation", "get", "/api/mrv/reconciliation?year=2003&jurisdiction=zhengzhou",
         listing(page=False)),
]  # fmt: skip


@pytest.fixture(scope="module")
def shared(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The world, made once for the module inside a transaction rolled back after its last
    test (each test runs in a savepoint within it)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build_world()
            add_plans(world)
            add_ledgers(world)
            add_reports(world)
            add_verifications(world)
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _body(case: Case, ids: dict[str, Any]) -> Any:
    if case.body is None:
        return None
    body: dict[str, Any] = {}
    for key, value in case.body.items():
        if key == "file" and value == "evidence":
            body[key] = SimpleUploadedFile("lab-report.png", b"\x89PNG\r\n\x1a\n" + PDF)
        elif key == "file":
            body[key] = SimpleUploadedFile(
                f"{value}.xlsx",
                _workbook(value),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        elif isinstance(value, str):
            body[key] = value.format(**ids)
        else:
            body[key] = value
    return body


def _foreign(case: Case, persona: str, status: int) -> bool:
    """Whether the refusal is an enterprise account's reach for another enterprise's data
    (404 on a URL naming the other enterprise): audited as an attempt (``mrv.refused``)."""
    if status != 404 or persona not in (OTHER_ENT, OWN_ENT, RESP):
        return False
    code = "{own}" if persona == OTHER_ENT else "{other}"
    return any(f"/{part}/{code}" in case.url for part in ("enterprises", "verifications"))


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("persona", PERSONAS)
def test_access(
    case: Case, persona: str, shared: World, db: None, mrv_counts: Callable[[], Any]
) -> None:
    client = Client()
    if persona != ANON:
        client.force_login(shared.people[persona])
    url = case.url.format(**shared.ids)
    before = mrv_counts()
    latest = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    sender = getattr(client, case.method)
    body = _body(case, shared.ids)
    headers = case.headers or {}
    if body is None:
        response = sender(url, **headers)
    elif case.form:
        response = sender(url, data=body, **headers)
    else:
        response = sender(url, data=body, content_type="application/json", **headers)
    expected = case.expected[persona]
    assert response.status_code == expected, (case.name, persona, response.content[:600])
    refused = response.status_code >= 400 or (
        response.status_code == 302 and response["Location"].startswith("/login/")
    )
    if expected == LOGIN and persona == ANON:
        assert response["Location"].startswith("/login/?next=")
    if refused and case.audited and persona != ANON and response.status_code in (403, 404):
        after = mrv_counts()
        assert after.without_audit() == before.without_audit(), f"{case.name}: {persona}"
        latest = AuditEvent.objects.order_by("-pk").first()
        assert latest is not None
        assert latest.action == "mrv.verification_refused", (case.name, persona)
    elif refused and _foreign(case, persona, response.status_code):
        after = mrv_counts()
        assert after.without_audit() == before.without_audit(), f"{case.name}: {persona}"
        code = shared.ids["own" if persona == OTHER_ENT else "other"]
        events = AuditEvent.objects.filter(pk__gt=latest).order_by("pk")
        assert [
            (e.action, e.object_type, e.object_id, e.actor_id, e.after["attempted"]) for e in events
        ] == [("mrv.refused", "mrv.enterprise", code, shared.people[persona].pk, "read")], (
            case.name,
            persona,
        )
    elif refused:
        assert mrv_counts() == before, f"{case.name} refused for {persona} but changed data"
        if url.startswith("/api/"):
            assert response.json()["code"]
    elif case.method != "get":
        assert mrv_counts() != before, f"{case.name} allowed for {persona} but did nothing"


def test_the_matrix_covers_every_mrv_page_and_operation() -> None:
    """Each page of the ``mrv`` URL namespace and each operation tagged ``mrv`` is requested
    by at least one case above."""
    import re

    from django.urls import resolve

    from citycarbon.server.common import samples
    from citycarbon.server.config.api import api

    ids = {
        "own": "91410185YY1850016K", "other": "91410183YY18300154", "org": "91410105YY1050019C",
        "staff": 1, "run": 1, "proposal": 1, "contact": 1, "role": 1, "finding": 1,
        "evidence": 1, "open_finding": 1, "corrected_finding": 1,
    }  # fmt: skip
    pages = {page.name for page in samples.pages({}) if page.name.startswith("mrv:")}
    covered_pages = {
        resolve(case.url.format(**ids).split("?")[0]).view_name
        for case in CASES
        if not case.url.startswith("/api/")
    }
    assert pages - covered_pages == set()
    schema = api.get_openapi_schema()
    operations = {
        (method.upper(), path)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        if "mrv" in operation.get("tags", ())
    }
    templates = {
        path: re.compile("^" + re.sub(r"{[^}]+}", "[^/]+", path) + "$") for _m, path in operations
    }
    covered = set()
    for case in CASES:
        url = case.url.format(**ids).split("?")[0]
        for path, pattern in templates.items():
            if case.url.startswith("/api/") and pattern.match(url):
                covered.add((case.method.upper(), path))
    assert operations - covered == set()
    assert len(operations) == 71
