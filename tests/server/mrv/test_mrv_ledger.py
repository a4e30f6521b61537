"""The monthly ledger on the server: submitted in a form, from the workbook or pushed through
the API with an access token and an ``Idempotency-Key``; checked by the kernel against the
approved plan (errors refuse the month with row, field and value, nothing written; warnings
stored, acknowledged with a reason before the month counts); evidence uploads checked by
content, size-limited, their SHA-256 kept."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from mrv_support import OWN, World, power_plan
from openpyxl import load_workbook

from citycarbon.server.common.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
)
from citycarbon.server.common.models import AuditEvent
from citycarbon.server.common.services import do_create_token
from citycarbon.server.mrv import plans, selectors, services
from citycarbon.server.mrv.models import (
    EvidenceFile,
    IdempotencyRecord,
    LedgerEntry,
    LedgerMonth,
    MonitoringPlan,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def month_rows(
    month: int,
    *,
    coal: str = "120000",
    ncv: str = "20.5",
    carbon: str = "26.0",
    output: str = "260000",
    evidence: str = "LAB-2015",
    ncv_unit: str = "GJ/t",
) -> list[dict[str, Any]]:
    key = f"2015-{month:02d}"
    return [
        {"stream": "coal", "parameter": "quantity", "value": coal, "unit": "t"},
        {"stream": "coal", "parameter": "ncv", "value": ncv, "unit": ncv_unit,
         "evidence": f"{evidence}-{key}"},
        {"stream": "coal", "parameter": "carbon_content", "value": carbon, "unit": "tC/TJ",
         "evidence": f"{evidence}-{key}"},
        {"stream": "power", "parameter": "output", "value": output, "unit": "MWh"},
    ]  # fmt: skip


@pytest.fixture
def planned(world: World) -> World:
    record = services.do_save_plan(None, world.own, 2015, power_plan(2015))
    services.do_approve_plan(None, services.do_submit_plan(None, record))
    return world


def _attempts(attempted: str = "mrv.submit_ledger") -> list[tuple[Any, ...]]:
    """The refused attempts audited (``mrv.refused``): actor, object, code, field, value."""
    return [
        (e.actor_name, e.object_id, e.after["code"], e.after["field"], e.after["value"])
        for e in AuditEvent.objects.filter(action="mrv.refused").order_by("pk")
        if e.after["attempted"] == attempted
    ]


def test_a_clean_month_counts_at_once_and_again_changes_nothing(planned: World) -> None:
    reporter = planned.people["own_enterprise"]
    record = services.do_submit_ledger(reporter, planned.own, 2015, 1, month_rows(1))
    assert (record.state, record.submitted_by, record.source) == ("submitted", reporter, "form")
    entries = selectors.entries_of(record)
    assert [(e.row, e.stream, e.parameter, e.value, e.unit) for e in entries] == [
        (1, "coal", "quantity", "120000", "t"), (2, "coal", "ncv", "20.5", "GJ/t"),
        (3, "coal", "carbon_content", "26.0", "tC/TJ"), (4, "power", "output", "260000", "MWh"),
    ]  # fmt: skip
    events = AuditEvent.objects.count()
    assert services.do_submit_ledger(reporter, planned.own, 2015, 1, month_rows(1)).pk == record.pk
    assert AuditEvent.objects.count() == events
    assert AuditEvent.objects.filter(action="mrv.submit_ledger").count() == 1


def test_a_second_ledger_for_a_submitted_month_is_refused(
    planned: World, mrv_counts: Callable[[], Any]
) -> None:
    services.do_submit_ledger(None, planned.own, 2015, 1, month_rows(1))
    before = mrv_counts()
    with pytest.raises(ConflictError) as refused:
        services.do_submit_ledger(None, planned.own, 2015, 1, month_rows(1, coal="1"))
    assert (refused.value.field, refused.value.value) == ("month", "2015-01")
    # Nothing changed; the attempt is audited (once).
    assert mrv_counts().without_audit() == before.without_audit()
    assert _attempts() == [("system", f"{OWN}/2015-01", "conflict", "month", "2015-01")]


@pytest.mark.parametrize(
    ("changes", "code_row_field_value"),
    [
        ({"output": "-5"}, (4, "value", "-5")),
        ({"ncv_unit": "MWh"}, (2, "unit", "MWh")),
        ({"evidence": ""}, None),
    ],
)
def test_an_error_refuses_the_month_naming_row_field_and_value(
    planned: World,
    mrv_counts: Callable[[], Any],
    changes: dict[str, str],
    code_row_field_value: tuple[int, str, str] | None,
) -> None:
    rows = month_rows(1, **changes)
    if changes.get("evidence") == "":
        for row in rows:
            row.pop("evidence", None)
    before = mrv_counts()
    with pytest.raises(ValidationFailedError) as refused:
        services.do_submit_ledger(None, planned.own, 2015, 1, rows)
    errors = [(e.row, e.field, e.value) for e in refused.value.errors]
    if code_row_field_value is None:  # the lab values need their evidence
        assert [(e.row, e.field) for e in refused.value.errors] == [
            (2, "evidence"),
            (3, "evidence"),
        ]
    else:
        assert code_row_field_value in errors
    assert mrv_counts().without_audit() == before.without_audit()
    first = refused.value
    assert _attempts() == [("system", f"{OWN}/2015-01", "invalid", first.field, first.value)]
    assert not LedgerMonth.objects.exists()
    assert not LedgerEntry.objects.exists()


def test_rows_of_another_month_and_unreadable_values_are_refused(planned: World) -> None:
    rows = month_rows(1)
    rows[0]["month"] = "2015-02"
    rows[3]["value"] = "many"
    with pytest.raises(ValidationFailedError) as refused:
        services.do_submit_ledger(None, planned.own, 2015, 1, rows)
    assert sorted((e.row, e.field, e.value) for e in refused.value.errors) == [
        (1, "month", "2015-02"),
        (4, "value", "many"),
    ]
    assert not LedgerMonth.objects.exists()


def test_a_warning_must_be_acknowledged_before_the_month_counts(planned: World) -> None:
    reporter, office = planned.people["own_enterprise"], planned.people["office"]
    services.do_submit_ledger(reporter, planned.own, 2015, 1, month_rows(1))
    # Carbon content 26.0 → 21.0 tC/TJ: outside the bituminous coal band and a jump of −19.2 %.
    record = services.do_submit_ledger(reporter, planned.own, 2015, 2, month_rows(2, carbon="21.0"))
    assert record.state == "pending"
    assert record.submitted_at is None
    found = list(selectors.findings_of(record))
    assert [(f.code, f.entry.row if f.entry else None, f.value) for f in found] == [
        ("carbon_band", 3, "21.0"),
        ("jump", 3, "21.0"),
    ]
    assert found[1].params["change"] == "-19.2"
    with pytest.raises(ValidationFailedError):
        services.do_acknowledge_finding(reporter, found[0], "  ")
    services.do_acknowledge_finding(reporter, found[0], "换用低碳煤（化验报告 LAB-2015-02）")
    assert LedgerMonth.objects.get(pk=record.pk).state == "pending"
    with pytest.raises(PermissionDeniedError):
        services.do_acknowledge_finding(planned.people["own_official"], found[1], "x")
    services.do_acknowledge_finding(reporter, found[1], "同上")
    assert services.do_acknowledge_finding(reporter, found[1], "同上").reason == "同上"
    with pytest.raises(ConflictError):
        services.do_acknowledge_finding(reporter, found[1], "另一个理由")
    record.refresh_from_db()
    assert (record.state, record.submitted_by) == ("submitted", reporter)
    # The office sees the acknowledgements; another enterprise does not find them.
    seen = selectors.findings_of(selectors.ledger_month(office, planned.own, 2015, 2))
    assert [f.reason for f in seen] == ["换用低碳煤（化验报告 LAB-2015-02）", "同上"]
    with pytest.raises(NotFoundError):
        selectors.ledger_month(planned.people["other_enterprise"], planned.own, 2015, 2)
    assert AuditEvent.objects.filter(action="mrv.acknowledge_finding").count() == 2


def test_no_ledger_before_the_plan_is_approved(world: World) -> None:
    services.do_save_plan(None, world.own, 2015, power_plan(2015))
    with pytest.raises(ValidationFailedError) as refused:
        services.do_submit_ledger(None, world.own, 2015, 1, month_rows(1))
    assert refused.value.field == "plan"
    assert not LedgerMonth.objects.exists()


def test_others_may_not_submit(planned: World, mrv_counts: Callable[[], Any]) -> None:
    before = mrv_counts()
    with pytest.raises(NotFoundError):
        services.do_submit_ledger(
            planned.people["other_enterprise"], planned.own, 2015, 1, month_rows(1)
        )
    for persona in ("own_official", "reviewer"):
        with pytest.raises(PermissionDeniedError):
            services.do_submit_ledger(planned.people[persona], planned.own, 2015, 1, month_rows(1))
    assert mrv_counts() == before


def test_evidence_is_checked_by_content(planned: World, mrv_counts: Callable[[], Any]) -> None:
    reporter = planned.people["own_enterprise"]
    record = services.do_upload_evidence(reporter, planned.own, "化验报告.pdf", PDF)
    assert (record.kind, record.size, record.sha256) == (
        "pdf", len(PDF), hashlib.sha256(PDF).hexdigest(),
    )  # fmt: skip
    assert services.do_upload_evidence(reporter, planned.own, "again.pdf", PDF).pk == record.pk
    before = mrv_counts()
    for name, content, value in (
        ("report.pdf", PNG, "report.pdf"),  # a PNG claiming to be a PDF
        ("report.exe", b"MZ\x90\x00", "report.exe"),
        ("report.xlsx", b"PK\x03\x04not a zip", "report.xlsx"),
        ("empty.pdf", b"", "empty.pdf"),
    ):
        with pytest.raises(ValidationFailedError) as refused:
            services.do_upload_evidence(reporter, planned.own, name, content)
        assert (refused.value.field, refused.value.value) == ("file", value)
    with override_settings(CITYCARBON_MAX_EVIDENCE_BYTES=16):
        with pytest.raises(ValidationFailedError) as refused:
            services.do_upload_evidence(reporter, planned.own, "big.pdf", PDF + b"x")
        assert (refused.value.field, refused.value.value) == ("file", "big.pdf")
        assert "49" in str(refused.value.message)
        assert "16" in str(refused.value.message)
    assert mrv_counts().without_audit() == before.without_audit()
    names = ["report.pdf", "report.exe", "report.xlsx", "empty.pdf", "big.pdf"]
    assert _attempts("mrv.upload_evidence") == [
        ("reporter-own", OWN, "invalid", "file", name) for name in names
    ]
    assert services.do_upload_evidence(reporter, planned.own, "scan.PNG", PNG).kind == "png"
    assert EvidenceFile.objects.count() == 2


def _token_client(world: World) -> Client:
    _token, secret = do_create_token(
        world.people["own_enterprise"], name="energy system", read_only=False
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_the_api_push_is_idempotent(planned: World) -> None:
    client = _token_client(planned)
    url = f"/api/mrv/enterprises/{OWN}/ledgers/2015/1"
    body = {"rows": month_rows(1)}
    first = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201, first.content
    assert first.json()["state"] == "submitted"
    assert first.json()["rows"] == 4
    again = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (again.status_code, again.json()) == (201, first.json())
    assert LedgerMonth.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1
    other = {"rows": month_rows(1, coal="1")}
    conflict = client.post(url, other, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert conflict.status_code == 409
    assert conflict.json()["field"] == "Idempotency-Key"
    duplicate = client.post(url, other, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert duplicate.status_code == 409
    assert duplicate.json()["field"] == "month"
    missing = client.post(url, body, content_type="application/json")
    assert missing.status_code == 422
    bad = client.post(
        f"/api/mrv/enterprises/{OWN}/ledgers/2015/2",
        {"rows": month_rows(2, output="-5")},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-3",
    )
    assert bad.status_code == 400
    assert [(e["row"], e["field"], e["value"]) for e in bad.json()["errors"]] == [
        (4, "value", "-5")
    ]
    assert LedgerMonth.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1


def test_the_api_lists_acknowledges_and_uploads(planned: World) -> None:
    client = _token_client(planned)
    services.do_submit_ledger(None, planned.own, 2015, 1, month_rows(1))
    services.do_submit_ledger(None, planned.own, 2015, 2, month_rows(2, carbon="21.0"))
    listed = client.get(f"/api/mrv/enterprises/{OWN}/ledgers/2015").json()
    assert [(m["month"], m["state"], m["rows"], m["pending_warnings"]) for m in listed] == [
        (1, "submitted", 4, 0),
        (2, "pending", 4, 2),
    ]
    detail = client.get(f"/api/mrv/enterprises/{OWN}/ledgers/2015/2").json()
    first = detail["findings"][0]
    url = f"/api/mrv/enterprises/{OWN}/ledgers/2015/2/findings/{first['id']}/acknowledge"
    answer = client.post(url, {"reason": "换煤"}, content_type="application/json")
    assert answer.status_code == 200
    assert answer.json()["reason"] == "换煤"
    upload = client.post(
        f"/api/mrv/enterprises/{OWN}/evidence", {"file": SimpleUploadedFile("lab.pdf", PDF)}
    )
    assert upload.status_code == 201
    assert upload.json()["sha256"] == hashlib.sha256(PDF).hexdigest()
    fake = client.post(
        f"/api/mrv/enterprises/{OWN}/evidence", {"file": SimpleUploadedFile("lab.pdf", PNG)}
    )
    assert fake.status_code == 400
    assert fake.json()["value"] == "lab.pdf"


def _ledger_workbook(month: int, **changes: Any) -> bytes:
    kernel_plan = plans.plan_of({**power_plan(2015), "enterprise": OWN})
    book = load_workbook(io.BytesIO(plans.plan_workbook(kernel_plan)))
    sheet = book["Ledger"]
    header = [c.value for c in sheet[2]]
    values = {(r["stream"], r["parameter"]): r for r in month_rows(month, **changes)}
    for row in sheet.iter_rows(min_row=3):
        record = dict(zip(header, row, strict=False))
        wanted = values.get((record["stream"].value, record["parameter"].value))
        if record["month"].value == f"2015-{month:02d}" and wanted is not None:
            record["value"].value = float(wanted["value"])
            record["evidence"].value = wanted.get("evidence")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_month_comes_from_the_workbook(planned: World) -> None:
    record = services.do_import_ledger(None, planned.own, 2015, 1, _ledger_workbook(1))
    assert record.source == "workbook"
    assert record.state == "submitted"
    assert sorted((e.parameter, e.value) for e in selectors.entries_of(record)) == [
        ("carbon_content", "26"), ("ncv", "20.5"), ("output", "260000"), ("quantity", "120000"),
    ]  # fmt: skip
    with pytest.raises(ValidationFailedError) as refused:
        services.do_import_ledger(None, planned.own, 2015, 2, _ledger_workbook(1))
    assert {e.field for e in refused.value.errors} == {"month"}
    assert not MonitoringPlan.objects.filter(year=2016).exists()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_month_page_enters_refuses_and_acknowledges(planned: World, language: str) -> None:
    client = Client()
    client.force_login(planned.people["own_enterprise"])
    client.cookies["citycarbon_language"] = language
    url = f"/mrv/enterprises/{OWN}/ledgers/2015/1/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'data-testid="ledger-submit"' in page.content.decode()
    form = {
        "coal__quantity__value": "120000", "coal__ncv__value": "20.5",
        "coal__ncv__evidence": "LAB-1", "coal__carbon_content__value": "26.0",
        "coal__carbon_content__evidence": "LAB-1", "power__output__value": "-5",
    }  # fmt: skip
    refused = client.post(url, form)
    assert refused.status_code == 400
    text = refused.content.decode()
    assert 'data-testid="ledger-problems"' in text
    assert "-5" in text
    assert not LedgerMonth.objects.exists()
    assert client.post(url, {**form, "power__output__value": "260000"}).status_code == 302
    second = {**form, "power__output__value": "262000", "coal__carbon_content__value": "21.0"}
    assert client.post(f"/mrv/enterprises/{OWN}/ledgers/2015/2/", second).status_code == 302
    record = LedgerMonth.objects.get(month=2)
    assert record.state == "pending"
    page = client.get(f"/mrv/enterprises/{OWN}/ledgers/2015/2/").content.decode()
    assert ("超出" if language == "zh-hans" else "outside the plausible band") in page
    for finding in selectors.findings_of(record):
        answer = client.post(
            f"/mrv/enterprises/{OWN}/ledgers/2015/2/findings/{finding.pk}/acknowledge/",
            {"reason": "换煤"},
        )
        assert answer.status_code == 302
    assert LedgerMonth.objects.get(month=2).state == "submitted"
    year = client.get(f"/mrv/enterprises/{OWN}/ledgers/2015/").content.decode()
    assert year.count('class="badge badge--submitted"') == 2
