"""Disclosure of approved verified emissions (the public sees published figures only, with
sector and trend) and reconciliation with the inventory (coverage share, unexplained gaps)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from mrv_support import OWN, World, ledger_rows, power_plan

from citycarbon.server.common.errors import InvalidTransitionError, PermissionDeniedError
from citycarbon.server.mrv import selectors, services
from citycarbon.server.mrv.models import Disclosure
from citycarbon.server.mrv.reconcile import inventory_sector, reconcile

pytestmark = pytest.mark.django_db
ON = date(2016, 4, 10)


def test_reconcile_by_hand() -> None:
    rows = [
        ("A", "fuel_combustion", Decimal("600")), ("B", "fuel_combustion", Decimal("300")),
        ("B", "clinker_production", Decimal("250")), ("A", "purchased_electricity", Decimal("40")),
    ]  # fmt: skip
    lines = {line.sector: line for line in reconcile(rows, {"energy": 1200.0, "ippu": 200.0})}
    energy, ippu, indirect = lines["energy"], lines["ippu"], lines["indirect"]
    assert (energy.verified_tco2e, energy.enterprises, energy.coverage, energy.gap_tco2e) == (
        Decimal(900), 2, 0.75, 300.0,
    )  # fmt: skip
    assert energy.unexplained is False
    # 250 t verified against 200 t in the inventory: more than the inventory, unexplained.
    assert (ippu.coverage, ippu.gap_tco2e, ippu.unexplained) == (1.25, -50.0, True)
    assert (indirect.verified_tco2e, indirect.inventory_tco2e, indirect.unexplained) == (
        Decimal(40), None, False,
    )  # fmt: skip
    assert [line.unexplained for line in reconcile(rows[:1], None)] == [True, False]
    assert (inventory_sector("anode_consumption"), inventory_sector("x")) == ("ippu", "other")


@pytest.fixture
def approved(world: World) -> World:
    record = services.do_save_plan(None, world.own, 2015, power_plan(2015))
    services.do_approve_plan(None, services.do_submit_plan(None, record))
    for month in range(1, 13):
        services.do_submit_ledger(None, world.own, 2015, month, ledger_rows(2015, month))
    report = services.do_build_report(None, world.own, 2015)
    services.do_sign_off(world.people["responsible"], report)
    services.do_submit_report(world.people["responsible"], report, on=date(2016, 3, 1))
    verifier = world.people["verifier"]
    assignment = services.do_assign_verifier(
        world.people["office"], world.own, 2015, organisation=world.organisation, on=ON
    )
    for step, day in (("plan", 11), ("document_review", 12), ("site_visit", 14)):
        services.do_verification_step(verifier, assignment, step, date(2016, 4, day))
    services.do_verification_report(
        verifier, assignment, {"fuel_combustion": Decimal("2617243.2")}, "positive",
        on=date(2016, 4, 20),
    )  # fmt: skip
    world.ids["assignment"] = assignment.pk
    return world


def test_publishing_opens_the_figure_to_the_public(approved: World) -> None:
    office, public = approved.people["office"], approved.people["public"]
    assignment = approved.own.verification_assignments.get()
    with pytest.raises(InvalidTransitionError):  # not approved yet
        services.do_publish_disclosure(office, assignment)
    assignment = services.do_approve_verification(office, assignment)
    with pytest.raises(PermissionDeniedError):
        services.do_publish_disclosure(approved.people["own_enterprise"], assignment)
    item = services.do_publish_disclosure(office, assignment)
    assert (item.state, item.tco2e, item.sector, item.year) == (
        "published", Decimal("2617243.200"), "power_generation", 2015,
    )  # fmt: skip
    assert services.do_publish_disclosure(office, assignment).pk == item.pk
    assert Disclosure.objects.count() == 1
    rows = selectors.disclosure_table(public, 2015)
    assert [(r["item"].enterprise.credit_code, r["trend"]) for r in rows] == [
        (OWN, [(2015, Decimal("2617243.200"))])
    ]
    client = Client()
    client.force_login(public)
    answer = client.get("/api/mrv/disclosures?year=2015").json()
    assert (answer["count"], answer["page"], answer["pages"]) == (1, 1, 1)
    assert [(a["enterprise"], a["tco2e"]) for a in answer["items"]] == [(OWN, "2617243.200")]
    assert client.get("/mrv/disclosure/").status_code == 200
    # Everything else of the app stays closed to the public.
    assert client.get(f"/api/mrv/enterprises/{OWN}").status_code == 404
    assert client.get("/mrv/reconciliation/").status_code == 403


def test_unpublished_figures_stay_hidden_from_the_public(approved: World) -> None:
    office = approved.people["office"]
    assignment = services.do_approve_verification(
        office, approved.own.verification_assignments.get()
    )
    Disclosure.objects.create(
        enterprise=approved.own, year=2015, assignment=assignment, sector="power_generation",
        tco2e=Decimal("1"), state="approved",
    )  # fmt: skip
    assert selectors.disclosure_table(approved.people["public"]) == []
    assert len(selectors.disclosure_table(office)) == 1


def test_the_reconciliation_page_and_api(approved: World) -> None:
    office = approved.people["office"]
    services.do_approve_verification(office, approved.own.verification_assignments.get())
    client = Client()
    client.force_login(office)
    answer = client.get("/api/mrv/reconciliation?year=2015&jurisdiction=zhengzhou").json()
    by_place = {p["jurisdiction"]: p for p in answer}
    dengfeng = {line["sector"]: line for line in by_place["dengfeng"]["lines"]}
    # No inventory loaded in this world: the verified energy emissions are unexplained.
    assert (dengfeng["energy"]["verified_tco2e"], dengfeng["energy"]["unexplained"]) == (
        "2617243.200", True,
    )  # fmt: skip
    assert by_place["zhengzhou"]["lines"][0]["verified_tco2e"] == "2617243.200"
    for language, words in (("zh-hans", "核对"), ("en", "Reconciliation")):
        client.cookies["citycarbon_language"] = language
        page = client.get("/mrv/reconciliation/?year=2015&jurisdiction=zhengzhou")
        assert page.status_code == 200
        assert words in page.content.decode()
        assert 'data-testid="unexplained"' in page.content.decode()
