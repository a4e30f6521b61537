"""Refused attempts of the MRV app are audited (issue 6): a ledger month with a wrong unit, a
duplicate month or row, a negative consumption (form, push, workbook import), evidence that is
not what its name claims, a report submitted after its sign-off was withdrawn, an enterprise
account reaching for another enterprise's data, a verifier acting outside its assignment.
Each is refused with the exact error, nothing changes, and exactly one ``mrv.refused`` (or
``mrv.verification_refused``) event records the attempt — actor, object, code, field and
value — without renewing any data generation."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from mrv_support import NEW, OWN, PDF, MrvCounts, World, ledger_rows, power_plan
from openpyxl import load_workbook

from citycarbon.server.common import cache
from citycarbon.server.common.models import AuditEvent, User
from citycarbon.server.common.services import do_create_token
from citycarbon.server.mrv import plans, services
from citycarbon.server.mrv.models import Enterprise

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
REFUSED = "mrv.refused"


@pytest.fixture
def planned(world: World) -> World:
    """The own enterprise's 2015 plan approved, January submitted."""
    record = services.do_save_plan(None, world.own, 2015, power_plan(2015))
    services.do_approve_plan(None, services.do_submit_plan(None, record))
    services.do_submit_ledger(None, world.own, 2015, 1, ledger_rows(2015, 1))
    return world


@dataclass
class Refusal:
    """What one refused attempt left behind."""

    events: list[AuditEvent]

    @property
    def event(self) -> AuditEvent:
        assert len(self.events) == 1, [(e.action, e.object_id) for e in self.events]
        return self.events[0]


@contextmanager
def one_refusal(mrv_counts: Callable[[], MrvCounts]) -> Iterator[Refusal]:
    """Around a refused attempt: nothing but the audit trail changes, no data generation is
    renewed, and the new events are collected."""
    before, stamps = mrv_counts(), dict(cache.generations())
    latest = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    found = Refusal([])
    yield found
    assert mrv_counts().without_audit() == before.without_audit()
    assert dict(cache.generations()) == stamps
    found.events = list(AuditEvent.objects.filter(pk__gt=latest).order_by("pk"))


def _login(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.people[persona])
    return client


def _token_client(world: World) -> Client:
    _token, secret = do_create_token(
        world.people["own_enterprise"], name="energy system", read_only=False
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _rows(month: int, **changes: str) -> list[dict[str, Any]]:
    rows = ledger_rows(2015, month)
    for row in rows:
        key = f"{row['stream']}.{row['parameter']}"
        for name, value in changes.items():
            target, _sep, field = name.partition(":")
            if target == key:
                row[field] = value
    return rows


def _assert_event(
    event: AuditEvent,
    actor: User,
    *,
    object_type: str,
    object_id: str,
    attempted: str,
    code: str,
    field: str | None,
    value: Any,
    action: str = REFUSED,
) -> None:
    assert (event.action, event.actor_id, event.actor_name) == (
        action,
        actor.pk,
        actor.get_username(),
    )
    assert (event.object_type, event.object_id) == (object_type, object_id)
    assert event.after is not None
    assert (
        event.after["attempted"],
        event.after["code"],
        event.after["field"],
        event.after["value"],
    ) == (attempted, code, field, value)


# --- ledgers ----------------------------------------------------------------------------------


def test_a_pushed_month_in_a_wrong_unit(planned: World, mrv_counts: Any) -> None:
    client = _token_client(planned)
    with one_refusal(mrv_counts) as refusal:
        answer = client.post(
            f"/api/mrv/enterprises/{OWN}/ledgers/2015/2",
            {"rows": _rows(2, **{"coal.ncv:unit": "MWh"})},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="k-unit",
        )
    assert answer.status_code == 400
    body = answer.json()
    assert [(e["row"], e["field"], e["value"]) for e in body["errors"]] == [(2, "unit", "MWh")]
    event = refusal.event
    _assert_event(
        event, planned.people["own_enterprise"], object_type="mrv.ledgermonth",
        object_id=f"{OWN}/2015-02", attempted="mrv.push_ledger", code="invalid",
        field="unit", value="MWh",
    )  # fmt: skip
    assert event.after is not None
    assert [(e["row"], e["field"], e["value"]) for e in event.after["errors"]] == [
        (2, "unit", "MWh")
    ]
    assert event.after["path"] == f"POST /api/mrv/enterprises/{OWN}/ledgers/2015/2"
    assert event.request_id == answer["X-Request-ID"]
    assert event.ip == "127.0.0.1"


def test_a_pushed_month_submitted_already(planned: World, mrv_counts: Any) -> None:
    client = _token_client(planned)
    with one_refusal(mrv_counts) as refusal:
        answer = client.post(
            f"/api/mrv/enterprises/{OWN}/ledgers/2015/1",
            {"rows": _rows(1, **{"coal.quantity:value": "1"})},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="k-again",
        )
    assert answer.status_code == 409
    assert (answer.json()["field"], answer.json()["value"]) == ("month", "2015-01")
    _assert_event(
        refusal.event, planned.people["own_enterprise"], object_type="mrv.ledgermonth",
        object_id=f"{OWN}/2015-01", attempted="mrv.push_ledger", code="conflict",
        field="month", value="2015-01",
    )  # fmt: skip


def test_a_month_with_a_row_twice(planned: World, mrv_counts: Any) -> None:
    rows = _rows(2)
    rows.append(dict(rows[0]))
    client = _login(planned, "own_enterprise")
    with one_refusal(mrv_counts) as refusal:
        answer = client.post(
            f"/api/mrv/enterprises/{OWN}/ledgers/2015/2",
            {"rows": rows},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="k-twice",
        )
    assert answer.status_code == 400
    errors = [(e["row"], e["field"], e["value"]) for e in answer.json()["errors"]]
    assert errors == [(5, "month", "2015-02")]  # the period already has a value (row 1)
    _assert_event(
        refusal.event, planned.people["own_enterprise"], object_type="mrv.ledgermonth",
        object_id=f"{OWN}/2015-02", attempted="mrv.push_ledger", code="invalid",
        field="month", value="2015-02",
    )  # fmt: skip


def test_a_negative_consumption_on_the_page(planned: World, mrv_counts: Any) -> None:
    form = {
        "coal__quantity__value": "-120000", "coal__ncv__value": "20.5",
        "coal__ncv__evidence": "LAB-2", "coal__carbon_content__value": "26.0",
        "coal__carbon_content__evidence": "LAB-2", "power__output__value": "260000",
    }  # fmt: skip
    client = _login(planned, "own_enterprise")
    with one_refusal(mrv_counts) as refusal:
        answer = client.post(f"/mrv/enterprises/{OWN}/ledgers/2015/2/", form)
    assert answer.status_code == 400
    assert "-120000" in answer.content.decode()
    _assert_event(
        refusal.event, planned.people["own_enterprise"], object_type="mrv.ledgermonth",
        object_id=f"{OWN}/2015-02", attempted="mrv.submit_ledger", code="invalid",
        field="value", value="-120000",
    )  # fmt: skip
    assert refusal.event.after is not None
    # One problem (its row number follows the plan document's key order, which PostgreSQL's
    # jsonb does not keep, so it is not compared here).
    assert [(e["field"], e["value"]) for e in refusal.event.after["errors"]] == [
        ("value", "-120000")
    ]


def _workbook(month: int, quantity: float) -> bytes:
    kernel_plan = plans.plan_of({**power_plan(2015), "enterprise": OWN})
    book = load_workbook(io.BytesIO(plans.plan_workbook(kernel_plan)))
    sheet = book["Ledger"]
    header = [c.value for c in sheet[2]]
    values = {(r["stream"], r["parameter"]): r for r in ledger_rows(2015, month)}
    for row in sheet.iter_rows(min_row=3):
        cells = dict(zip(header, row, strict=False))
        wanted = values.get((cells["stream"].value, cells["parameter"].value))
        if cells["month"].value == f"2015-{month:02d}" and wanted is not None:
            value = quantity if wanted["parameter"] == "quantity" else float(wanted["value"])
            cells["value"].value = value
            cells["evidence"].value = wanted.get("evidence")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_imported_month_with_a_negative_consumption(planned: World, mrv_counts: Any) -> None:
    upload = SimpleUploadedFile("ledger.xlsx", _workbook(3, -5.0))
    client = _login(planned, "own_enterprise")
    with one_refusal(mrv_counts) as refusal:
        answer = client.post(f"/api/mrv/enterprises/{OWN}/ledgers/2015/3/import", {"file": upload})
    assert answer.status_code == 400
    body = answer.json()
    assert (body["field"], body["value"]) == ("value", "-5")
    _assert_event(
        refusal.event, planned.people["own_enterprise"], object_type="mrv.ledgermonth",
        object_id=f"{OWN}/2015-03", attempted="mrv.import_ledger", code="invalid",
        field="value", value="-5",
    )  # fmt: skip


# --- evidence ---------------------------------------------------------------------------------


def test_evidence_that_is_not_what_its_name_claims(planned: World, mrv_counts: Any) -> None:
    reporter = planned.people["own_enterprise"]
    client = _login(planned, "own_enterprise")
    with one_refusal(mrv_counts) as refusal:
        answer = client.post(
            f"/api/mrv/enterprises/{OWN}/evidence", {"file": SimpleUploadedFile("lab.pdf", PNG)}
        )
    assert answer.status_code == 400
    assert (answer.json()["field"], answer.json()["value"]) == ("file", "lab.pdf")
    _assert_event(
        refusal.event, reporter, object_type="mrv.evidencefile", object_id=OWN,
        attempted="mrv.upload_evidence", code="invalid", field="file", value="lab.pdf",
    )  # fmt: skip
    client = _login(planned, "own_enterprise")
    with one_refusal(mrv_counts) as refusal:
        page = client.post(
            f"/mrv/enterprises/{OWN}/evidence/",
            {"file": SimpleUploadedFile("scan.png", PDF), "description": "化验"},
        )
    assert page.status_code == 400
    _assert_event(
        refusal.event, reporter, object_type="mrv.evidencefile", object_id=OWN,
        attempted="mrv.upload_evidence", code="invalid", field="file", value="scan.png",
    )  # fmt: skip


# --- annual reports ---------------------------------------------------------------------------


def test_a_report_submitted_after_its_sign_off_was_withdrawn(world: World, mrv_counts: Any) -> None:
    record = services.do_save_plan(None, world.own, 2015, power_plan(2015))
    services.do_approve_plan(None, services.do_submit_plan(None, record))
    for month in range(1, 13):
        services.do_submit_ledger(None, world.own, 2015, month, ledger_rows(2015, month))
    report = services.do_build_report(None, world.own, 2015)
    services.do_sign_off(world.people["responsible"], report)
    services.do_withdraw_sign_off(world.people["responsible"], report, "复核")
    client = _login(world, "own_enterprise")
    with one_refusal(mrv_counts) as refusal:
        answer = client.post(f"/api/mrv/enterprises/{OWN}/reports/2015/submit")
    assert answer.status_code == 400
    assert (answer.json()["field"], answer.json()["value"]) == ("sign_off", "withdrawn")
    _assert_event(
        refusal.event, world.people["own_enterprise"], object_type="mrv.annualreport",
        object_id=str(report.pk), attempted="lifecycle.submit", code="invalid",
        field="sign_off", value="withdrawn",
    )  # fmt: skip
    client = _login(world, "responsible")
    with one_refusal(mrv_counts) as refusal:
        page = client.post(f"/mrv/enterprises/{OWN}/reports/2015/submit/")
    assert page.status_code == 400
    _assert_event(
        refusal.event, world.people["responsible"], object_type="mrv.annualreport",
        object_id=str(report.pk), attempted="lifecycle.submit", code="invalid",
        field="sign_off", value="withdrawn",
    )  # fmt: skip


# --- another enterprise's data ----------------------------------------------------------------


FOREIGN_READS = [
    f"/api/mrv/enterprises/{OWN}",
    f"/api/mrv/enterprises/{OWN}/obligations",
    f"/api/mrv/enterprises/{OWN}/plans",
    f"/api/mrv/enterprises/{OWN}/plans/2015",
    f"/api/mrv/enterprises/{OWN}/ledgers/2015",
    f"/api/mrv/enterprises/{OWN}/ledgers/2015/1",
    f"/api/mrv/enterprises/{OWN}/evidence",
    f"/api/mrv/enterprises/{OWN}/reports",
    f"/api/mrv/enterprises/{OWN}/reports/2015",
    f"/api/mrv/verifications/{OWN}/2015",
    f"/mrv/enterprises/{OWN}/",
    f"/mrv/enterprises/{OWN}/plans/2015/",
    f"/mrv/enterprises/{OWN}/ledgers/2015/1/",
    f"/mrv/enterprises/{OWN}/evidence/",
    f"/mrv/enterprises/{OWN}/reports/2015/",
    f"/mrv/verifications/{OWN}/2015/",
]


@pytest.mark.parametrize("url", FOREIGN_READS)
def test_an_enterprise_reading_another_s_data(planned: World, mrv_counts: Any, url: str) -> None:
    client = _login(planned, "other_enterprise")
    with one_refusal(mrv_counts) as refusal:
        answer = client.get(url)
    assert answer.status_code == 404
    if url.startswith("/api/"):
        assert answer.json()["code"] == "not_found"
    event = refusal.event
    verification = url.startswith("/api/mrv/verifications/")  # the page finds the enterprise
    _assert_event(
        event, planned.people["other_enterprise"], object_type="mrv.enterprise", object_id=OWN,
        attempted="read", code="not_found",
        field="year" if verification else "credit_code",
        value=2015 if verification else OWN,
    )  # fmt: skip
    assert event.after is not None
    assert event.after["path"] == f"GET {url}"
    assert event.object_repr == f"{OWN} {Enterprise.objects.get(credit_code=OWN).name_zh}"


def test_the_same_answer_as_before(planned: World) -> None:
    """The refused read answers as a code that names no enterprise does (its existence is
    not told); only the former is recorded."""
    client = _login(planned, "other_enterprise")
    hidden = client.get(f"/api/mrv/enterprises/{OWN}")
    missing = client.get(f"/api/mrv/enterprises/{NEW}")
    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert hidden.json() == {**missing.json(), "value": OWN}
    assert missing.json()["value"] == NEW
    assert AuditEvent.objects.filter(action=REFUSED).count() == 1


@pytest.mark.parametrize(
    ("persona", "code"),
    [
        ("other_enterprise", NEW),  # an enterprise account, a code that names no enterprise
        ("own_enterprise", NEW),
        ("office", NEW),
        ("other_official", OWN),  # a district official outside its district
        ("verifier", OWN),  # a verifier outside its assignments
    ],
)
def test_an_ordinary_not_found_is_not_recorded(
    planned: World, mrv_counts: Any, persona: str, code: str
) -> None:
    """Refused as before (404), and nothing recorded: not an enterprise reaching for another
    enterprise's data."""
    client = _login(planned, persona)
    before = mrv_counts()
    api = client.get(f"/api/mrv/enterprises/{code}")
    assert (api.status_code, api.json()["field"], api.json()["value"]) == (
        404,
        "credit_code",
        code,
    )
    assert client.get(f"/mrv/enterprises/{code}/plans/2015/").status_code == 404
    assert mrv_counts() == before


def test_a_refused_push_on_another_enterprise(planned: World, mrv_counts: Any) -> None:
    client = _login(planned, "other_enterprise")
    with one_refusal(mrv_counts) as refusal:
        answer = client.post(
            f"/api/mrv/enterprises/{OWN}/ledgers/2015/2",
            {"rows": _rows(2)},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="k-foreign",
        )
    assert answer.status_code == 404
    _assert_event(
        refusal.event, planned.people["other_enterprise"], object_type="mrv.enterprise",
        object_id=OWN, attempted="read", code="not_found", field="credit_code", value=OWN,
    )  # fmt: skip
    assert refusal.event.after is not None
    assert refusal.event.after["path"] == f"POST /api/mrv/enterprises/{OWN}/ledgers/2015/2"


# --- verification -----------------------------------------------------------------------------


def test_a_verifier_acting_on_an_unassigned_enterprise(world: World, mrv_counts: Any) -> None:
    """Kept as before (``mrv.verification_refused``), now through the common mechanism: the
    error's code, field and value, and no data generation renewed."""
    from datetime import date

    from mrv_support import VERIFIER_B

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
    outsider = User.objects.create_user(username="verifier-b", password="x" * 12)
    services.do_add_staff(None, second, name="乙", joined_on=date(2014, 1, 1), user=outsider)
    assignment = services.do_assign_verifier(
        world.people["office"], world.own, 2015, organisation=world.organisation,
        on=date(2016, 4, 10),
    )  # fmt: skip
    client = Client()
    client.force_login(outsider)
    with one_refusal(mrv_counts) as refusal:
        answer = client.post(
            f"/api/mrv/verifications/{OWN}/2015/primary/steps/plan",
            {"done_on": "2016-04-11"},
            content_type="application/json",
        )
    assert answer.status_code == 404
    # named by what was asked for (the credit code and year), never the assignment's id
    assert (answer.json()["field"], answer.json()["value"]) == ("year", 2015)
    assert answer.json()["message"] == f"{OWN} 没有 2015 年度核查。"
    assert assignment.pk != 2015
    _assert_event(
        refusal.event, outsider, object_type="mrv.verificationassignment",
        object_id=f"{OWN}/2015/primary", attempted="plan", code="not_found", field="year",
        value=2015, action="mrv.verification_refused",
    )  # fmt: skip
    assert refusal.event.object_repr == f"plan {OWN}/2015/primary"
