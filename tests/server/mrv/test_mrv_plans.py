"""Monitoring plans on the server: entered as JSON or from the ledger workbook's Plan sheet,
validated by the kernel (errors refuse with field and value, nothing written; warnings kept),
draft → submitted → approved, a change to an approved plan as a new version with its reason;
each step audited, repeats idempotent; the API and the pages in Chinese and English."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from mrv_support import OWN, World, power_plan
from openpyxl import load_workbook

from citycarbon.accounting.monitoring.findings import MESSAGES
from citycarbon.server.common.errors import (
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
)
from citycarbon.server.common.models import AuditEvent
from citycarbon.server.mrv import plans, selectors, services
from citycarbon.server.mrv.finding_messages import TEMPLATES
from citycarbon.server.mrv.models import MonitoringPlan

pytestmark = pytest.mark.django_db


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_the_translated_templates_are_the_kernels() -> None:
    assert TEMPLATES == MESSAGES


def test_a_plan_is_entered_checked_submitted_approved_and_revised(world: World) -> None:
    reporter, office = world.people["own_enterprise"], world.people["office"]
    record = services.do_save_plan(reporter, world.own, 2015, power_plan(2015))
    assert (record.version, record.state, record.sector) == (1, "draft", "power_generation")
    assert record.document["enterprise"] == OWN
    assert record.document["streams"][0]["parameters"]["ncv"] == {
        "basis": "measured", "method": "lab_analysis", "frequency": "monthly", "unit": "GJ/t",
        "standard": "GB/T 213",
    }  # fmt: skip
    # The same plan again: nothing written.
    events = AuditEvent.objects.count()
    again = services.do_save_plan(reporter, world.own, 2015, power_plan(2015))
    assert again.pk == record.pk
    assert AuditEvent.objects.count() == events
    # The kernel's one warning (lab analysis without standard) is kept, not refused.
    _plan, found = plans.plan_findings(record.document)
    assert [(f.code, f.severity, f.field) for f in found] == [
        ("plan_standard_missing", "warning", "streams[0].parameters.carbon_content.standard")
    ]
    record = services.do_submit_plan(reporter, record)
    assert record.state == "submitted"
    assert record.submitted_by == reporter
    with pytest.raises(PermissionDeniedError):
        services.do_approve_plan(reporter, record)
    with pytest.raises(InvalidTransitionError):
        services.do_save_plan(reporter, world.own, 2015, power_plan(2015, name="改"))
    record = services.do_approve_plan(office, record)
    assert record.state == "approved"
    assert record.approved_by == office
    assert services.do_approve_plan(office, record).state == "approved"  # idempotent
    new = services.do_revise_plan(reporter, record, "新增2号机组")
    assert (new.version, new.state, new.supersedes_id, new.correction_reason) == (
        2, "draft", record.pk, "新增2号机组",
    )  # fmt: skip
    assert new.lineage == record.lineage
    assert new.document == record.document
    assert services.do_revise_plan(reporter, record, "新增2号机组").pk == new.pk
    with pytest.raises(ConflictError):
        services.do_revise_plan(reporter, record, "另一个理由")
    with pytest.raises(InvalidTransitionError):
        services.do_revise_plan(reporter, new, "草稿")
    record.refresh_from_db()
    assert record.state == "approved"
    changed = services.do_save_plan(reporter, world.own, 2015, power_plan(2015, name="改名"))
    assert changed.pk == new.pk
    assert changed.document["name"] == "改名"
    assert [v.version for v in selectors.plan_versions(reporter, world.own, 2015)] == [2, 1]
    assert _events("mrv.revise_plan") == 1
    assert _events("lifecycle.approve") == 1


@pytest.mark.parametrize(
    ("document", "field", "value"),
    [
        (power_plan(2015, sector="cement"), "sector", "cement"),
        (power_plan(2014), "year", 2014),
        (power_plan(2015, enterprise="91410183YY18300154"), "enterprise", "91410183YY18300154"),
        (power_plan(2015, region="atlantis"), "region", "atlantis"),
        (
            power_plan(2015, streams=[{**power_plan(2015)["streams"][0], "facility": "U9"}]),
            "streams[0].facility",
            "U9",
        ),
    ],
)
def test_a_wrong_plan_is_refused_naming_field_and_value(
    world: World, mrv_counts: Callable[[], Any], document: dict[str, Any], field: str, value: Any
) -> None:
    before = mrv_counts()
    with pytest.raises(ValidationFailedError) as refused:
        services.do_save_plan(world.people["own_enterprise"], world.own, 2015, document)
    errors = [(e.field, e.value) for e in refused.value.errors if e.severity == "error"]
    assert errors[0] == (field, value)
    assert mrv_counts() == before


def test_a_wrong_unit_is_refused_with_its_path(world: World) -> None:
    document = power_plan(2015)
    document["streams"][0]["parameters"]["ncv"]["unit"] = "MWh"
    with pytest.raises(ValidationFailedError) as refused:
        services.do_save_plan(None, world.own, 2015, document)
    assert [(e.field, e.value) for e in refused.value.errors] == [
        ("streams[0].parameters.ncv.unit", "MWh")
    ]
    assert not MonitoringPlan.objects.exists()


def test_others_may_not_enter_or_approve(world: World, mrv_counts: Callable[[], Any]) -> None:
    before = mrv_counts()
    with pytest.raises(NotFoundError):
        services.do_save_plan(world.people["other_enterprise"], world.own, 2015, power_plan(2015))
    with pytest.raises(PermissionDeniedError):
        services.do_save_plan(world.people["own_official"], world.own, 2015, power_plan(2015))
    with pytest.raises(NotFoundError):
        services.do_save_plan(world.people["verifier"], world.own, 2015, power_plan(2015))
    assert mrv_counts() == before
    record = services.do_save_plan(None, world.own, 2015, power_plan(2015))
    for persona in ("own_official", "reviewer", "responsible"):
        with pytest.raises(PermissionDeniedError):
            services.do_approve_plan(world.people[persona], record)
    with pytest.raises(NotFoundError):
        selectors.plan(world.people["other_enterprise"], world.own, 2015)


def _plan_workbook(year: int, **changes: Any) -> bytes:
    kernel_plan = plans.plan_of({**power_plan(year, **changes), "enterprise": OWN})
    assert kernel_plan is not None
    return plans.plan_workbook(kernel_plan)


def test_a_plan_comes_from_the_workbook_and_goes_back_to_it(world: World) -> None:
    content = _plan_workbook(2015)
    record = services.do_import_plan(None, world.own, 2015, "plan.xlsx", content)
    assert record.source == "workbook"
    assert record.document == plans.normalised(plans.plan_of(record.document))  # type: ignore[arg-type]
    event = AuditEvent.objects.get(action="mrv.import_plan")
    assert event.after["file"] == "plan.xlsx"
    assert len(event.after["sha256"]) == 64
    book = load_workbook(io.BytesIO(plans.plan_workbook(plans.plan_of(record.document))))
    sheet = book["Plan"]
    header = [c.value for c in sheet[2]]
    rows = [dict(zip(header, (c.value for c in row), strict=False)) for row in sheet.iter_rows(3)]
    assert [(r["stream"], r["parameter"], r["basis"]) for r in rows] == [
        ("coal", "quantity", "measured"), ("coal", "ncv", "measured"),
        ("coal", "carbon_content", "measured"), ("coal", "oxidation", "default"),
        ("power", "output", "measured"),
    ]  # fmt: skip


def test_a_workbook_of_another_year_or_unreadable_is_refused(
    world: World, mrv_counts: Callable[[], Any]
) -> None:
    before = mrv_counts()
    with pytest.raises(ValidationFailedError) as refused:
        services.do_import_plan(None, world.own, 2015, "plan.xlsx", _plan_workbook(2014))
    assert refused.value.field == "Plan.enterprise"
    assert refused.value.value == f"{OWN}/2014"
    with pytest.raises(ValidationFailedError):
        services.do_import_plan(None, world.own, 2015, "plan.xlsx", b"%PDF-1.4 not a workbook")
    assert mrv_counts() == before


def test_the_api_enters_and_moves_a_plan(world: World) -> None:
    client = Client()
    client.force_login(world.people["own_enterprise"])
    base = f"/api/mrv/enterprises/{OWN}/plans/2015"
    document = power_plan(2015)
    coal = document["streams"][0]
    payload = {
        "name": document["name"], "sector": "power_generation", "region": "henan",
        "facilities": document["facilities"],
        "streams": [
            {"id": "coal", "facility": "U1", "source": "fuel_combustion",
             "choices": {"fuel": "bituminous_coal"},
             "parameters": {**{k: v for k, v in coal["parameters"].items() if k != "oxidation"},
                            "oxidation": {"basis": "default"}}},
            {"id": "power", "facility": "U1", "kind": "production", "product": "electricity",
             "parameters": {"output": {"method": "meter", "unit": "MWh"}}},
        ],
    }  # fmt: skip
    response = client.put(base, payload, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["version"], body["state"], body["enterprise"]) == (1, "draft", OWN)
    assert body["document"]["streams"][0]["choices"] == {"fuel": "bituminous_coal"}
    assert [f["code"] for f in body["findings"]] == ["plan_standard_missing"]
    assert len(body["table"]) == 5
    bad = {**payload, "streams": [{**payload["streams"][0], "facility": "U9"}]}
    refused = client.put(base, bad, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "streams[0].facility"
    assert client.post(base + "/submit").json()["state"] == "submitted"
    assert client.post(base + "/approve").status_code == 403
    office = Client()
    office.force_login(world.people["office"])
    assert office.post(base + "/approve").json()["state"] == "approved"
    revised = client.post(base + "/revise", {"reason": "换煤种"}, content_type="application/json")
    assert revised.status_code == 201
    assert revised.json()["version"] == 2
    listed = client.get(f"/api/mrv/enterprises/{OWN}/plans").json()
    assert (listed["count"], listed["pages"]) == (2, 1)
    assert [v["version"] for v in listed["items"]] == [2, 1]
    upload = SimpleUploadedFile("plan.xlsx", _plan_workbook(2015, name="工作簿"))
    imported = client.post(base + "/import", {"file": upload})
    assert imported.status_code == 200, imported.content
    assert (imported.json()["source"], imported.json()["document"]["name"]) == (
        "workbook",
        "工作簿",
    )


@pytest.mark.parametrize(
    ("language", "words"), [("zh-hans", "监测计划"), ("en", "Monitoring plan")]
)
def test_the_plan_page_in_both_languages(world: World, language: str, words: str) -> None:
    services.do_save_plan(None, world.own, 2015, power_plan(2015))
    client = Client()
    client.force_login(world.people["own_enterprise"])
    client.cookies["citycarbon_language"] = language
    response = client.get(f"/mrv/enterprises/{OWN}/plans/2015/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    text = response.content.decode()
    assert words in text
    assert "GB/T 213" in text
    assert 'data-testid="plan-submit"' in text
    if language == "zh-hans":
        assert "化验分析应注明标准" in text


def test_the_page_form_enters_json_and_shows_refusals(world: World) -> None:
    client = Client()
    client.force_login(world.people["own_enterprise"])
    url = f"/mrv/enterprises/{OWN}/plans/2015/edit/"
    bad = power_plan(2015)
    bad["streams"][0]["parameters"]["ncv"]["unit"] = "MWh"
    response = client.post(url, {"document": json.dumps(bad)}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "streams[0].parameters.ncv.unit" in response.content.decode()
    assert not MonitoringPlan.objects.exists()
    response = client.post(url, {"document": json.dumps(power_plan(2015))})
    assert response.status_code == 302
    assert MonitoringPlan.objects.get().state == "draft"
