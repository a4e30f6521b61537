"""The year's MRV cycle through the REST API only — the API half of issue 6's "Done when" (the
browser half is ``test_mrv_browser.py``).

The Zhengzhou demo is loaded as the browser test loads it (``citycarbon manage demo`` with the
demo accounts ``office``, ``enterprise-reporter``, ``enterprise-responsible`` and ``verifier``);
each account signs in with its password once, only to create its read-write access token with
``POST /api/tokens``; everything after goes to ``/api/...`` with ``Authorization: Bearer``.
The Dengfeng power plant's 2015 plan is approved by the demo (checked); its December ledger is
pushed with a negative output (refused: row, field and value named, nothing written, the
refusal audited), pushed again with a carbon content that raises two warnings, which the
reporter acknowledges; the same push repeated with the same ``Idempotency-Key`` gives the same
answer and writes nothing. The report is built, signed off and submitted; the office assigns
the demo verifier's organisation; the verifier plans, reviews, raises a finding the enterprise
corrects, visits, closes it and reports the report's figures by source; the office approves
and publishes; the public list shows the figure and the reconciliation counts it under energy
industries (1A1) in Zhengzhou and in Dengfeng.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from tests_server_support import PASSWORD

from citycarbon.server.common.models import AuditEvent
from citycarbon.server.mrv.models import IdempotencyRecord, LedgerEntry, LedgerMonth

pytestmark = pytest.mark.django_db

#: The demo's Dengfeng power plant: its 2015 ledger stops at November (``demo_cycle``).
POWER = "91410185YY1850016K"
#: The demo's Xinmi CHP plant: verified, approved and published (``demo_cycle``).
CHP = "91410183YY18300154"
#: The demo verifier's organisation (河南示例碳核查技术有限公司).
ORGANISATION = "91410105YY1050019C"
LAB = "化验报告 LAB-0016K-2015-12"
LEDGER = f"/api/mrv/enterprises/{POWER}/ledgers/2015/12"
REPORT = f"/api/mrv/enterprises/{POWER}/reports/2015"
VERIFICATION = f"/api/mrv/verifications/{POWER}/2015"
#: The power plant's 2015 fuel combustion [tCO2e], by hand: the coal burnt each month
#: (128,000 t × the demo's seasonal factors for January to November; 136,960 t in December) ×
#: NCV 20.62 GJ/t × carbon content (26.08 tC/TJ; 30.5 in December) summed to 851,575,251.456
#: GJ·tC/TJ = 851,575.251456 tC, × oxidation 0.93 × 44/12 = 2,903,871.607464960 → reported
#: to 0.01 t (half-up).
FUEL_COMBUSTION = "2903871.61"
#: The demo's CHP plant's approved figure (``test_mrv_exports.py``: 1,325,863.91 tCO2e).
CHP_APPROVED = Decimal("1325863.910")


def api_client(username: str) -> Client:
    """A client carrying ``username``'s read-write token, created through the API after
    signing in with the password (the only use of the session)."""
    browser = Client()
    assert browser.login(username=username, password=PASSWORD)
    created = browser.post(
        "/api/tokens",
        {"name": "api cycle", "read_only": False},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["read_only"] is False
    return Client(HTTP_AUTHORIZATION=f"Bearer {created.json()['token']}")


def call(client: Client, method: str, path: str, body: Any = None, **headers: Any) -> Any:
    """``method path`` with a JSON body; the response."""
    if method == "GET":
        return client.get(path, **headers)
    return client.post(path, body or {}, content_type="application/json", **headers)


def ok(response: Any, status: int = 200) -> Any:
    """The JSON body of a response that must have ``status``."""
    assert response.status_code == status, response.content.decode()
    return response.json()


def december(output: str, carbon: str) -> dict[str, Any]:
    """The power plant's December rows (coal burnt, its NCV and carbon content, power sent)."""
    return {
        "rows": [
            {"stream": "coal", "parameter": "quantity", "value": "136960", "unit": "t",
             "evidence": "皮带秤月报 2015-12"},
            {"stream": "coal", "parameter": "ncv", "value": "20.62", "unit": "GJ/t",
             "evidence": LAB},
            {"stream": "coal", "parameter": "carbon_content", "value": carbon, "unit": "tC/TJ",
             "evidence": LAB},
            {"stream": "power", "parameter": "output", "value": output, "unit": "MWh"},
        ]
    }  # fmt: skip


def written() -> tuple[int, int, int]:
    """The power plant's 2015 ledger months and rows, and the idempotency records kept."""
    months = LedgerMonth.objects.filter(enterprise__credit_code=POWER, year=2015)
    entries = LedgerEntry.objects.filter(ledger__in=months)
    return months.count(), entries.count(), IdempotencyRecord.objects.count()


def reconciled(answer: list[dict[str, Any]], jurisdiction: str) -> dict[str, Any]:
    """The energy industries' (1A1) line of ``jurisdiction`` in the reconciliation."""
    (place,) = [p for p in answer if p["jurisdiction"] == jurisdiction]
    (line,) = [c for s in place["lines"] for c in s["categories"] if c["code"] == "1A1"]
    return line


def test_the_cycle_through_the_api(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    call_command(
        "demo", "--no-migrate", "--allow-production", f"--password={PASSWORD}", stdout=io.StringIO()
    )
    office = api_client("office")
    reporter = api_client("enterprise-reporter")
    responsible = api_client("enterprise-responsible")
    verifier = api_client("verifier")

    # The year's plan: the demo leaves it approved, so there is no plan step to take.
    plan = ok(call(reporter, "GET", f"/api/mrv/enterprises/{POWER}/plans/2015"))
    assert (plan["state"], plan["version"], plan["approved_by"]) == ("approved", 1, None)
    months = ok(call(reporter, "GET", f"/api/mrv/enterprises/{POWER}/ledgers/2015"))
    assert [(m["month"], m["state"]) for m in months] == [(m, "submitted") for m in range(1, 12)]

    # December pushed with a meter read backwards: refused, named, nothing written, audited.
    before = written()
    refused = call(reporter, "POST", LEDGER, december("-289970", "30.5"),
                   HTTP_IDEMPOTENCY_KEY="ems-2015-12-a")  # fmt: skip
    assert refused.status_code == 400, refused.content.decode()
    body = refused.json()
    assert (body["code"], body["field"], body["value"]) == ("invalid", "value", "-289970")
    assert [(e["row"], e["field"], e["value"]) for e in body["errors"]] == [(4, "value", "-289970")]
    assert written() == before == (11, 44, 0)
    event = AuditEvent.objects.get(action="mrv.refused", object_id=f"{POWER}/2015-12")
    assert event.actor_name == "enterprise-reporter"
    assert event.after is not None
    assert (event.after["attempted"], event.after["field"], event.after["value"]) == (
        "mrv.push_ledger", "value", "-289970",
    )  # fmt: skip

    # Pushed again, the output right and a carbon content of 30.5 tC/TJ: two warnings.
    pushed = ok(call(reporter, "POST", LEDGER, december("289970", "30.5"),
                     HTTP_IDEMPOTENCY_KEY="ems-2015-12-b"), 201)  # fmt: skip
    assert (pushed["state"], pushed["rows"], pushed["pending_warnings"]) == ("pending", 4, 2)
    assert [e["value"] for e in pushed["entries"]] == ["136960", "20.62", "30.5", "289970"]
    assert written() == (12, 48, 1)
    warnings = pushed["findings"]
    assert sorted((w["code"], w["severity"], w["row"], w["value"]) for w in warnings) == [
        ("carbon_band", "warning", 3, "30.5"), ("jump", "warning", 3, "30.5"),
    ]  # fmt: skip
    reason = "12月换用高碳煤，化验报告 LAB-0016K-2015-12 已复核"
    for warning in warnings:
        path = f"{LEDGER}/findings/{warning['id']}/acknowledge"
        acknowledged = ok(call(reporter, "POST", path, {"reason": reason}))
        assert (acknowledged["reason"], acknowledged["acknowledged_by"]) == (
            reason, "enterprise-reporter",
        )  # fmt: skip
    month = ok(call(reporter, "GET", LEDGER))
    assert (month["state"], month["pending_warnings"]) == ("submitted", 0)

    # The system sends the same push again with the same key: the answer kept from the first
    # push (the month was pending then), nothing written.
    events = AuditEvent.objects.count()
    again = call(reporter, "POST", LEDGER, december("289970", "30.5"),
                 HTTP_IDEMPOTENCY_KEY="ems-2015-12-b")  # fmt: skip
    assert (again.status_code, again.json()) == (201, pushed)
    assert written() == (12, 48, 1)
    assert AuditEvent.objects.count() == events

    # The annual report: built by the reporter, signed off by the responsible person, submitted.
    built = ok(call(reporter, "POST", f"{REPORT}/build"))
    assert (built["state"], built["signed_off"]) == ("draft", False)
    by_source = built["by_source"]
    assert by_source == {"fuel_combustion": FUEL_COMBUSTION}
    assert built["total_tco2e"] == FUEL_COMBUSTION
    signed = ok(call(responsible, "POST", f"{REPORT}/sign-off"))
    assert (signed["signed_off"], signed["sign_offs"][0]["signed_by"]) == (
        True, "enterprise-responsible",
    )  # fmt: skip
    submitted = ok(call(reporter, "POST", f"{REPORT}/submit"))
    assert (submitted["state"], submitted["submitted_by"]) == ("submitted", "enterprise-reporter")
    assert submitted["by_source"] == by_source

    # The office assigns the demo verifier's organisation.
    assigned = ok(call(office, "POST", f"{VERIFICATION}/assign",
                       {"organisation": ORGANISATION, "on": "2016-04-10"}), 201)  # fmt: skip
    assert (assigned["state"], assigned["organisation"], assigned["assigned_on"]) == (
        "assigned", ORGANISATION, "2016-04-10",
    )  # fmt: skip
    assert assigned["reported_tco2e"] == built["total_tco2e"]

    # The verifier: plan, document review, a finding; the enterprise corrects it.
    primary = f"{VERIFICATION}/primary"
    for step, day in (("plan", "2016-04-11"), ("document_review", "2016-04-12")):
        ok(call(verifier, "POST", f"{primary}/steps/{step}", {"done_on": day}))
    finding = ok(call(verifier, "POST", f"{primary}/findings",
                      {"description": "12月燃煤元素碳含量 30.5 tC/TJ 的化验报告未归档",
                       "on": "2016-04-12"}), 201)  # fmt: skip
    correction = "已将12月化验报告 LAB-0016K-2015-12 归档"
    corrected = ok(call(reporter, "POST", f"{primary}/findings/{finding['id']}/correct",
                        {"correction": correction, "on": "2016-04-13"}))  # fmt: skip
    assert (corrected["correction"], corrected["corrected_on"], corrected["corrected_by"]) == (
        correction, "2016-04-13", "enterprise-reporter",
    )  # fmt: skip

    # The site visit, the finding closed, the report's figures verified with an opinion.
    ok(call(verifier, "POST", f"{primary}/steps/site_visit", {"done_on": "2016-04-14"}))
    closed = ok(call(verifier, "POST", f"{primary}/findings/{finding['id']}/close",
                     {"on": "2016-04-15"}))  # fmt: skip
    assert (closed["closed_on"], closed["closed_by"]) == ("2016-04-15", "verifier")
    reported = ok(call(verifier, "POST", f"{primary}/report",
                       {"emissions": by_source, "opinion": "positive",
                        "text": "排放报告真实、准确", "on": "2016-04-20"}))  # fmt: skip
    total = sum(Decimal(v) for v in by_source.values())
    assert total == Decimal(FUEL_COMBUSTION)
    assert (reported["state"], reported["verified_tco2e"]) == ("reported", "2903871.610")
    assert {k: Decimal(v) for k, v in reported["verified"].items()} == {
        k: Decimal(v) for k, v in by_source.items()
    }

    # The office approves and publishes.
    approved = ok(call(office, "POST", f"{VERIFICATION}/approve", {"note": "审核通过"}))
    assert (approved["state"], approved["approved_by"]) == ("approved", "office")
    assert Decimal(approved["approved_tco2e"]) == total
    assert approved["approved_tco2e"] == reported["verified_tco2e"] == "2903871.610"
    published = ok(call(office, "POST", f"{VERIFICATION}/publish"))
    assert (published["state"], Decimal(published["tco2e"])) == ("published", total)

    # The verification as read back: the days entered, the finding, the figures.
    (record,) = ok(call(office, "GET", VERIFICATION))
    assert [(s["step"], s["done_on"]) for s in record["steps"]] == [
        ("plan", "2016-04-11"), ("document_review", "2016-04-12"), ("site_visit", "2016-04-14"),
    ]  # fmt: skip
    (found,) = record["non_conformities"]
    assert (found["raised_on"], found["corrected_on"], found["closed_on"]) == (
        "2016-04-12", "2016-04-13", "2016-04-15",
    )  # fmt: skip
    assert (record["assigned_on"], record["reported_on"], record["opinion"]) == (
        "2016-04-10", "2016-04-20", "positive",
    )  # fmt: skip
    assert {(a["month"], a["reason"]) for a in record["acknowledgements"]} == {(12, reason)}

    # The public (no token, no session) sees the figure.
    disclosures = ok(Client().get("/api/mrv/disclosures", {"year": 2015}))
    shown = {item["enterprise"]: item for item in disclosures["items"]}
    assert set(shown) == {CHP, POWER}
    assert Decimal(shown[POWER]["tco2e"]) == Decimal(approved["approved_tco2e"])
    assert Decimal(shown[CHP]["tco2e"]) == CHP_APPROVED

    # The reconciliation counts it under energy industries, in Zhengzhou and in Dengfeng.
    answer = ok(call(office, "GET", "/api/mrv/reconciliation?jurisdiction=zhengzhou&year=2015"))
    city, dengfeng = reconciled(answer, "zhengzhou"), reconciled(answer, "dengfeng")
    assert (city["enterprises"], Decimal(city["verified_tco2e"])) == (2, CHP_APPROVED + total)
    assert (dengfeng["enterprises"], Decimal(dengfeng["verified_tco2e"])) == (1, total)
