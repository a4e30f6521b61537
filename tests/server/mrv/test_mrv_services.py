"""The MRV services: the register (create, change, status history, facilities, contacts,
accounts), coverage thresholds, screening, verifier organisations and ``can_verify``, the
compliance calendar — each change audited, repeated changes idempotent, refusals named and
with nothing written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from mrv_support import (
    NEW,
    NEW_XINMI,
    OTHER,
    OWN,
    PROPOSED,
    PROPOSED_2,
    SUCCESSOR,
    VERIFIER_B,
    World,
    enterprise_data,
)

from citycarbon.server.common.errors import (
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
)
from citycarbon.server.common.models import AuditEvent, RoleAssignment
from citycarbon.server.common.roles import role_spec
from citycarbon.server.mrv import selectors, services
from citycarbon.server.mrv.models import Enterprise

pytestmark = pytest.mark.django_db


def _refused(call: Callable[[], Any], error: type[Exception], counts: Callable[[], Any]) -> Any:
    before = counts()
    with pytest.raises(error) as caught:
        call()
    assert counts() == before
    return caught.value


# --- registering ------------------------------------------------------------------------------


def test_registering_writes_the_enterprise_its_first_status_and_one_event(world: World) -> None:
    office = world.people["office"]
    item = services.do_create_enterprise(
        office,
        enterprise_data(NEW, "dengfeng", sectors=["cement"], coverage_reason="both",
                        coverage_energy_tce=Decimal("5000.5"),
                        coverage_emissions_tco2e=Decimal("13000")),
        registered_on=date(2015, 3, 1),
        facilities=[{"code": "K1", "name_zh": "熟料线", "name_en": "Clinker line"}],
        contacts=[{"function": "energy_manager", "name": "李四", "phone": "0371-1234"}],
    )  # fmt: skip
    item.refresh_from_db()
    assert (item.status, item.status_since) == ("active", date(2015, 3, 1))
    assert item.coverage_energy_tce == Decimal("5000.500")
    assert list(item.sectors.values_list("sector", flat=True)) == ["cement"]
    assert list(item.facilities.values_list("code", "name_en")) == [("K1", "Clinker line")]
    assert list(item.contacts.values_list("name", "phone")) == [("李四", "0371-1234")]
    assert list(item.status_changes.values_list("status", "effective_on")) == [
        ("active", date(2015, 3, 1))
    ]
    event = AuditEvent.objects.get(action="mrv.create_enterprise", object_id=str(item.pk))
    assert event.actor == office
    assert event.after["credit_code"] == NEW
    assert event.after["sectors"] == ["cement"]
    assert event.after["coverage_energy_tce"] == "5000.500"
    assert event.after["facilities"] == [
        {"code": "K1", "name_zh": "熟料线", "name_en": "Clinker line"}
    ]


@pytest.mark.parametrize(
    ("changes", "field", "value"),
    [
        ({"credit_code": "91410185YY1850016L"}, "credit_code", "91410185YY1850016L"),
        ({"credit_code": "91410185"}, "credit_code", "91410185"),
        ({"jurisdiction": "atlantis"}, "jurisdiction", "atlantis"),
        ({"sectors": ["steelmaking"]}, "sectors", "steelmaking"),
        ({"sectors": []}, "sectors", ""),
        ({"coverage_reason": "size"}, "coverage_reason", "size"),
        (
            {"coverage_emissions_tco2e": Decimal("12999.999")},
            "coverage_emissions_tco2e",
            "12999.999",
        ),
        ({"coverage_year": 2009}, "coverage_year", 2009),
        ({"coverage_emissions_tco2e": Decimal(-1)}, "coverage_emissions_tco2e", "-1"),
        ({"coverage_reason": "designated"}, "note", ""),
        ({"name_zh": " "}, "name_zh", ""),
    ],
)
def test_registering_refuses_bad_input_naming_it(
    world: World, mrv_counts: Callable[[], Any], changes: dict, field: str, value: Any
) -> None:
    error = _refused(
        lambda: services.do_create_enterprise(
            world.people["office"], {**enterprise_data(NEW, "dengfeng"), **changes}
        ),
        ValidationFailedError,
        mrv_counts,
    )
    assert (error.field, str(error.value)) == (field, str(value))


def test_a_registered_credit_code_is_refused(world: World, mrv_counts: Callable[[], Any]) -> None:
    error = _refused(
        lambda: services.do_create_enterprise(
            world.people["office"], enterprise_data(OWN.lower(), "dengfeng")
        ),
        ConflictError,
        mrv_counts,
    )
    assert (error.field, error.value) == ("credit_code", OWN)


@pytest.mark.parametrize("persona", ["own_official", "reviewer", "own_enterprise", "verifier"])
def test_only_the_office_registers(
    world: World, mrv_counts: Callable[[], Any], persona: str
) -> None:
    _refused(
        lambda: services.do_create_enterprise(
            world.people[persona], enterprise_data(NEW, "dengfeng")
        ),
        PermissionDeniedError,
        mrv_counts,
    )


def test_the_district_role_stays_read_only_in_mrv_but_not_elsewhere() -> None:
    spec = role_spec("district_official")
    assert not spec.allows("mrv.add_enterprise")
    assert not spec.allows("mrv.change_enterprise")
    assert spec.allows("mrv.view_enterprise")
    assert spec.allows("stats.add_statistic")
    assert not role_spec("public").allows("mrv.view_enterprise")
    assert role_spec("public").allows("geo.view_jurisdiction")


# --- changing ---------------------------------------------------------------------------------


def test_changing_is_audited_once_and_idempotent(world: World) -> None:
    office = world.people["office"]
    services.do_update_enterprise(
        office, world.own, {"name_en": "Renamed", "sectors": ["coal_mining"]}
    )
    again = services.do_update_enterprise(office, world.own, {"name_en": "Renamed"})
    assert again.name_en == "Renamed"
    events = AuditEvent.objects.filter(action="mrv.update_enterprise", object_id=str(world.own.pk))
    assert events.count() == 1
    event = events.get()
    assert event.before["sectors"] == ["coal_mining", "power_generation"]
    assert event.after["sectors"] == ["coal_mining"]
    assert (event.before["name_en"], event.after["name_en"]) == ("Test enterprise 016K", "Renamed")


def test_the_credit_code_never_changes(world: World, mrv_counts: Callable[[], Any]) -> None:
    error = _refused(
        lambda: services.do_update_enterprise(
            world.people["office"], world.own, {"credit_code": NEW}
        ),
        ValidationFailedError,
        mrv_counts,
    )
    assert error.field == "credit_code"


@pytest.mark.parametrize(("persona", "error"), [("own_official", PermissionDeniedError),
                                                 ("other_official", NotFoundError),
                                                 ("own_enterprise", PermissionDeniedError),
                                                 ("other_enterprise", NotFoundError)])  # fmt: skip
def test_changing_is_the_offices(
    world: World, mrv_counts: Callable[[], Any], persona: str, error: type[Exception]
) -> None:
    _refused(
        lambda: services.do_update_enterprise(world.people[persona], world.own, {"note": "x"}),
        error,
        mrv_counts,
    )


# --- status history ---------------------------------------------------------------------------


def test_a_merger_is_dated_with_its_successor_and_read_both_ways(world: World) -> None:
    office = world.people["office"]
    successor = Enterprise.objects.get(credit_code=SUCCESSOR)
    change = services.do_change_status(
        office,
        world.own,
        status="merged",
        effective_on=date(2015, 6, 30),
        successors=[successor],
        reason="兼并",
    )
    again = services.do_change_status(
        office, world.own, status="merged", effective_on=date(2015, 6, 30), successors=[successor]
    )
    assert again.pk == change.pk
    world.own.refresh_from_db()
    assert (world.own.status, world.own.status_since) == ("merged", date(2015, 6, 30))
    history = [
        (c.status, c.effective_on, [s.credit_code for s in c.successors.all()])
        for c in selectors.status_history(world.own)
    ]
    assert history == [
        ("active", date(2014, 1, 1), []),
        ("merged", date(2015, 6, 30), [SUCCESSOR]),
    ]
    assert [(e.credit_code, c.status) for e, c in selectors.predecessors_of(office, successor)] == [
        (OWN, "merged")
    ]
    event = AuditEvent.objects.get(action="mrv.change_status")
    assert (event.before["status"], event.after["status"]) == ("active", "merged")
    assert event.after["successors"] == [SUCCESSOR]
    assert event.reason == "兼并"
    # Re-opened later: the history keeps all three.
    services.do_change_status(office, world.own, status="active", effective_on=date(2015, 9, 1))
    assert list(world.own.status_changes.values_list("status", flat=True)) == [
        "active",
        "merged",
        "active",
    ]


@pytest.mark.parametrize(
    ("status", "effective_on", "successors", "field"),
    [
        ("active", date(2015, 1, 1), [], "status"),  # already active
        ("closed", date(2013, 12, 31), [], "effective_on"),  # before registration
        ("closed", date(2099, 1, 1), [], "effective_on"),  # in the future
        ("merged", date(2015, 1, 1), [], "successors"),
        ("merged", date(2015, 1, 1), [SUCCESSOR, OTHER], "successors"),
        ("split", date(2015, 1, 1), [], "successors"),
        ("closed", date(2015, 1, 1), [SUCCESSOR], "successors"),
        ("split", date(2015, 1, 1), [OWN], "successors"),  # itself
        ("bankrupt", date(2015, 1, 1), [], "status"),
    ],
)
def test_status_changes_are_refused_naming_the_problem(
    world: World,
    mrv_counts: Callable[[], Any],
    status: str,
    effective_on: date,
    successors: list[str],
    field: str,
) -> None:
    others = [Enterprise.objects.get(credit_code=code) for code in successors]
    error = _refused(
        lambda: services.do_change_status(
            world.people["office"],
            world.own,
            status=status,
            effective_on=effective_on,
            successors=others,
        ),
        ValidationFailedError,
        mrv_counts,
    )
    assert error.field == field


def test_a_district_official_cannot_record_a_status(
    world: World, mrv_counts: Callable[[], Any]
) -> None:
    _refused(
        lambda: services.do_change_status(
            world.people["own_official"], world.own, status="closed", effective_on=date(2015, 1, 1)
        ),
        PermissionDeniedError,
        mrv_counts,
    )


# --- facilities, contacts, accounts -----------------------------------------------------------


def test_facilities_are_set_changed_and_removed_once_each(world: World) -> None:
    office = world.people["office"]
    services.do_set_facility(office, world.own, code="U3", name_zh="3号机组")
    services.do_set_facility(office, world.own, code="U3", name_zh="3号机组")  # no change
    services.do_set_facility(office, world.own, code="U3", name_zh="三号机组", name_en="Unit 3")
    services.do_remove_facility(office, world.own, "U3")
    services.do_remove_facility(office, world.own, "U3")  # gone already
    actions = list(
        AuditEvent.objects.filter(action__in=["mrv.set_facility", "mrv.remove_facility"])
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["mrv.set_facility", "mrv.set_facility", "mrv.remove_facility"]
    assert list(world.own.facilities.values_list("code", flat=True)) == ["U1", "U2"]


@pytest.mark.parametrize(("code", "field"), [("", "code"), ("U 4", "code"), ("X" * 33, "code")])
def test_bad_facility_codes_are_refused(
    world: World, mrv_counts: Callable[[], Any], code: str, field: str
) -> None:
    error = _refused(
        lambda: services.do_set_facility(world.people["office"], world.own, code=code, name_zh="x"),
        ValidationFailedError,
        mrv_counts,
    )
    assert error.field == field


def test_contacts_are_added_once_changed_and_removed(
    world: World, mrv_counts: Callable[[], Any]
) -> None:
    office = world.people["office"]
    data = {"function": "legal_representative", "name": "王五", "email": "ww@example.com"}
    first = services.do_add_contact(office, world.own, data)
    assert services.do_add_contact(office, world.own, data).pk == first.pk
    changed = services.do_update_contact(office, first, {**data, "phone": "0371-8888"})
    assert changed.phone == "0371-8888"
    error = _refused(
        lambda: services.do_update_contact(office, first, {**data, "email": "not-an-address"}),
        ValidationFailedError,
        mrv_counts,
    )
    assert (error.field, error.value) == ("email", "not-an-address")
    services.do_remove_contact(office, first)
    assert list(world.own.contacts.values_list("name", flat=True)) == ["张三"]
    assert AuditEvent.objects.filter(action="mrv.set_contact").count() == 2  # add, change


def test_enterprise_accounts_see_their_own_enterprise_only(world: World) -> None:
    def visible(persona: str) -> list[str]:
        return list(
            selectors.enterprises(world.people[persona]).values_list("credit_code", flat=True)
        )

    assert visible("own_enterprise") == [OWN]
    assert visible("responsible") == [OWN]
    assert visible("other_enterprise") == [OTHER]
    assert sorted(visible("own_official")) == sorted([OWN, SUCCESSOR])  # Dengfeng's
    assert visible("other_official") == [OTHER]
    assert len(visible("reviewer")) == 3
    assert visible("verifier") == []
    assert visible("public") == []


def test_accounts_are_given_and_refused_roles(world: World, mrv_counts: Callable[[], Any]) -> None:
    office = world.people["office"]
    public = world.people["public"]
    assignment = services.do_assign_enterprise_role(
        office, world.own, public, "enterprise_reporter"
    )
    assert (assignment.scope_kind, assignment.scope_id) == ("enterprise", world.own.pk)
    assert list(selectors.enterprises(public).values_list("credit_code", flat=True)) == [OWN]
    error = _refused(
        lambda: services.do_assign_enterprise_role(office, world.own, public, "verifier"),
        ValidationFailedError,
        mrv_counts,
    )
    assert error.field == "role"
    _refused(
        lambda: services.do_assign_enterprise_role(
            world.people["own_official"], world.own, public, "enterprise_responsible"
        ),
        PermissionDeniedError,
        mrv_counts,
    )


# --- verifier organisations and can_verify ----------------------------------------------------


def _organisation_b(world: World, sectors: list[str], **dates: date) -> Any:
    office = world.people["office"]
    organisation = services.do_create_verifier(
        office, {"credit_code": VERIFIER_B, "name_zh": "乙核查机构", "jurisdiction": "zhengzhou"}
    )
    services.do_add_accreditation(
        office,
        organisation,
        reference="B-1",
        sectors=sectors,
        valid_from=dates.get("valid_from", date(2015, 1, 1)),
        valid_to=dates.get("valid_to", date(2015, 12, 31)),
    )
    return organisation


def test_can_verify_needs_scope_validity_and_no_suspension_or_removal(world: World) -> None:
    office = world.people["office"]
    organisation = _organisation_b(world, ["power_generation"])
    other = world.other  # power_generation only
    own = world.own  # power_generation and coal_mining
    assert selectors.can_verify(organisation, other, date(2015, 6, 1))
    assert not selectors.can_verify(organisation, own, date(2015, 6, 1))  # coal mining not covered
    assert selectors.verification_refusals(organisation, own, date(2015, 6, 1)) == [
        ("out_of_scope", ("coal_mining",))
    ]
    assert not selectors.can_verify(organisation, other, date(2016, 1, 1))  # expired
    services.do_add_sanction(
        office, organisation, kind="warning", effective_from=date(2015, 2, 1), reason="late"
    )
    assert selectors.can_verify(organisation, other, date(2015, 6, 1))  # a warning does not stop it
    services.do_add_sanction(
        office,
        organisation,
        kind="suspension",
        effective_from=date(2015, 7, 1),
        effective_to=date(2015, 9, 30),
        reason="finding overturned",
    )
    assert not selectors.can_verify(organisation, other, date(2015, 7, 1))
    assert selectors.can_verify(organisation, other, date(2015, 10, 1))
    services.do_add_sanction(
        office, organisation, kind="removal", effective_from=date(2015, 11, 1), reason="fraud"
    )
    assert selectors.verification_refusals(organisation, other, date(2015, 11, 2)) == [
        ("removed", ())
    ]
    assert selectors.can_verify(world.organisation, own, date(2015, 6, 1))  # A covers both


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "fine", "effective_from": date(2015, 1, 1), "reason": "x"}, "kind"),
        ({"kind": "warning", "effective_from": date(2015, 1, 1), "reason": " "}, "reason"),
        (
            {"kind": "removal", "effective_from": date(2015, 1, 1),
             "effective_to": date(2015, 2, 1), "reason": "x"},
            "effective_to",
        ),
        (
            {"kind": "suspension", "effective_from": date(2015, 3, 1),
             "effective_to": date(2015, 2, 1), "reason": "x"},
            "effective_to",
        ),
    ],
)  # fmt: skip
def test_sanctions_are_checked(
    world: World, mrv_counts: Callable[[], Any], kwargs: dict, field: str
) -> None:
    error = _refused(
        lambda: services.do_add_sanction(world.people["office"], world.organisation, **kwargs),
        ValidationFailedError,
        mrv_counts,
    )
    assert error.field == field


def test_accreditations_name_known_sectors_and_ordered_dates(
    world: World, mrv_counts: Callable[[], Any]
) -> None:
    office = world.people["office"]
    for sectors, valid_to, field in (
        (["nuclear"], date(2016, 1, 1), "sectors"),
        (["cement"], date(2014, 1, 1), "valid_to"),
    ):
        error = _refused(
            lambda sectors=sectors, valid_to=valid_to: services.do_add_accreditation(
                office,
                world.organisation,
                reference="A-2",
                sectors=sectors,
                valid_from=date(2015, 1, 1),
                valid_to=valid_to,
            ),
            ValidationFailedError,
            mrv_counts,
        )
        assert error.field == field
    first = services.do_add_accreditation(
        office, world.organisation, reference="A-2", sectors=["cement"],
        valid_from=date(2015, 1, 1), valid_to=date(2016, 1, 1),
    )  # fmt: skip
    again = services.do_add_accreditation(
        office, world.organisation, reference="A-2", sectors=["cement"],
        valid_from=date(2015, 1, 1), valid_to=date(2016, 1, 1),
    )  # fmt: skip
    assert again.pk == first.pk


def test_staff_with_an_account_hold_the_verifier_role_while_on_the_staff(
    world: World, mrv_counts: Callable[[], Any]
) -> None:
    office = world.people["office"]
    account = world.people["verifier"]
    held = RoleAssignment.objects.filter(user=account, role="verifier")
    assert list(held.values_list("scope_kind", "scope_id")) == [
        ("verifier_organisation", world.organisation.pk)
    ]
    organisation_b = _organisation_b(world, ["cement"])
    error = _refused(
        lambda: services.do_add_staff(
            office, organisation_b, name="核查员", joined_on=date(2015, 1, 1), user=account
        ),
        ConflictError,
        mrv_counts,
    )
    assert (error.field, error.value) == ("user", "verifier-a")
    staff = world.organisation.staff.get(user=account)
    services.do_end_staff(office, staff, date(2015, 12, 31))
    services.do_end_staff(office, staff, date(2015, 12, 31))  # again: nothing
    assert not held.exists()
    assert AuditEvent.objects.filter(action="mrv.end_staff").count() == 1
    assert AuditEvent.objects.filter(action="common.revoke_role").count() == 1
    services.do_add_staff(
        office, organisation_b, name="核查员", joined_on=date(2016, 1, 1), user=account
    )
    assert list(held.values_list("scope_id", flat=True)) == [organisation_b.pk]


def test_a_verifier_sees_its_organisation_only(world: World) -> None:
    _organisation_b(world, ["cement"])
    own = selectors.verifier_organisations(world.people["verifier"])
    assert [o.credit_code for o in own] == [world.organisation.credit_code]
    assert len(selectors.verifier_organisations(world.people["reviewer"])) == 2
    assert list(selectors.verifier_organisations(world.people["own_official"])) == []
    assert list(selectors.verifier_organisations(world.people["own_enterprise"])) == []


# --- coverage thresholds and screening --------------------------------------------------------


def test_the_screening_run_of_the_world(world: World) -> None:
    """Xingyang paper: 13,600 tCO2e in 2013 ≥ 13,000 → emissions; Xinzheng food: 5,000 tce in
    2013 ≥ 5,000 → energy."""
    run = world.run
    assert (run.units, run.already_registered, run.below) == (2, 0, 0)
    proposals = [
        (p.credit_code, p.coverage_reason, p.coverage_year, p.coverage_energy_tce,
         p.coverage_emissions_tco2e, p.sectors, p.decision)
        for p in run.proposals.order_by("credit_code")
    ]  # fmt: skip
    assert proposals == [
        (PROPOSED, "emissions", 2013, Decimal("4800.000"), Decimal("13600.000"), ["pulp_paper"],
         "pending"),
        (PROPOSED_2, "energy", 2013, Decimal("5000.000"), None, [], "pending"),
    ]  # fmt: skip
    assert run.rules == [
        {"valid_from_year": 2010, "energy_tce": "5000.000", "emissions_tco2e": "13000.000"}
    ]


def test_screening_counts_registered_and_below(world: World) -> None:
    office = world.people["office"]
    row = services.ScreeningRow
    run = services.do_run_screening(
        office,
        [
            row(OWN, "已登记", "dengfeng", (), 2012, Decimal(900000), None, row=1),
            row(NEW, "低于门槛", "dengfeng", (), 2011, Decimal(4999), Decimal(12999), row=2),
            row(NEW, "低于门槛", "dengfeng", (), 2009, Decimal(99999), Decimal(99999), row=3),
            row(NEW_XINMI, "2012年达到", "xinmi", ("cement",), 2011, None, Decimal(100), row=4),
            row(NEW_XINMI, "2012年达到", "xinmi", ("cement",), 2012, None, Decimal(13000), row=5),
        ],
        source="API",
    )
    assert (run.units, run.already_registered, run.below) == (3, 1, 1)
    proposal = run.proposals.get()
    assert (proposal.credit_code, proposal.coverage_year, proposal.coverage_reason) == (
        NEW_XINMI,
        2012,
        "emissions",
    )
    assert proposal.figures == [
        {"year": 2011, "energy_tce": None, "emissions_tco2e": "100.000", "crossed": False},
        {"year": 2012, "energy_tce": None, "emissions_tco2e": "13000.000", "crossed": True},
    ]


@pytest.mark.parametrize(
    ("change", "field", "value"),
    [
        ({"credit_code": "91410185YY1850016L"}, "items.credit_code", "91410185YY1850016L"),
        ({"jurisdiction": "atlantis"}, "items.jurisdiction", "atlantis"),
        ({"sectors": ("nuclear",)}, "items.sectors", "nuclear"),
        ({"energy_tce": None, "emissions_tco2e": None}, "items.energy_tce", None),
        ({"energy_tce": Decimal(-5)}, "items.energy_tce", "-5"),
    ],
)
def test_screening_refuses_bad_rows_and_writes_nothing(
    world: World, mrv_counts: Callable[[], Any], change: dict, field: str, value: Any
) -> None:
    base = {
        "credit_code": NEW, "name_zh": "x", "jurisdiction": "dengfeng", "sectors": (),
        "year": 2012, "energy_tce": Decimal(6000), "emissions_tco2e": None, "row": 1,
    }  # fmt: skip
    error = _refused(
        lambda: services.do_run_screening(
            world.people["office"], [services.ScreeningRow(**{**base, **change})], source="API"
        ),
        ValidationFailedError,
        mrv_counts,
    )
    assert (error.field, error.value, error.errors[0].row) == (field, value, 1)


def test_a_repeated_enterprise_year_is_refused(world: World, mrv_counts: Callable[[], Any]) -> None:
    row = services.ScreeningRow(NEW, "x", "dengfeng", (), 2012, Decimal(6000), None, row=1)
    error = _refused(
        lambda: services.do_run_screening(
            world.people["office"], [row, services.ScreeningRow(**{**row.__dict__, "row": 2})],
            source="API",
        ),
        ValidationFailedError,
        mrv_counts,
    )  # fmt: skip
    assert (error.field, error.errors[0].row) == ("items.year", 2)


def test_accepting_registers_the_unit_and_rejecting_needs_a_reason(
    world: World, mrv_counts: Callable[[], Any]
) -> None:
    office = world.people["office"]
    first, second = world.run.proposals.order_by("credit_code")
    accepted = services.do_accept_proposal(office, first, registered_on=date(2014, 7, 1))
    assert services.do_accept_proposal(office, first).pk == accepted.pk  # again: nothing
    item = Enterprise.objects.get(credit_code=PROPOSED)
    assert accepted.enterprise == item
    assert (item.coverage_reason, item.coverage_year, item.coverage_emissions_tco2e) == (
        "emissions",
        2013,
        Decimal("13600.000"),
    )
    assert (item.status_since, item.jurisdiction.code) == (date(2014, 7, 1), "xingyang")
    assert list(item.sectors.values_list("sector", flat=True)) == ["pulp_paper"]
    assert AuditEvent.objects.filter(action="mrv.accept_proposal").count() == 1
    _refused(
        lambda: services.do_reject_proposal(office, first, "no"), InvalidTransitionError, mrv_counts
    )
    error = _refused(
        lambda: services.do_reject_proposal(office, second, "  "), ValidationFailedError, mrv_counts
    )
    assert error.field == "reason"
    # The second names no sector guideline: accepting it needs one.
    error = _refused(
        lambda: services.do_accept_proposal(office, second), ValidationFailedError, mrv_counts
    )
    assert error.field == "sectors"
    services.do_reject_proposal(office, second, "closed in 2014")
    second.refresh_from_db()
    assert (second.decision, second.reason) == ("rejected", "closed in 2014")
    _refused(
        lambda: services.do_reject_proposal(world.people["reviewer"], second, "closed in 2014"),
        PermissionDeniedError,
        mrv_counts,
    )


def test_thresholds_are_configuration_the_register_obeys(world: World) -> None:
    office = world.people["office"]
    rule = services.do_set_coverage_rule(
        office, valid_from_year=2013, energy_tce="10000", emissions_tco2e="26000", note="raised"
    )
    assert (
        services.do_set_coverage_rule(
            office,
            valid_from_year=2013,
            energy_tce="10000.000",
            emissions_tco2e="26000",
            note="raised",
        ).pk
        == rule.pk
    )
    assert AuditEvent.objects.filter(action="mrv.set_coverage_rule").count() == 2  # world + this
    with pytest.raises(ValidationFailedError) as caught:
        services.do_create_enterprise(
            office, enterprise_data(NEW, "dengfeng", coverage_year=2013,
                                    coverage_emissions_tco2e=Decimal(20000))
        )  # fmt: skip
    assert caught.value.field == "coverage_emissions_tco2e"
    services.do_create_enterprise(
        office, enterprise_data(NEW, "dengfeng", coverage_year=2012,
                                coverage_emissions_tco2e=Decimal(20000))
    )  # fmt: skip


# --- the compliance calendar ------------------------------------------------------------------


def test_calendar_is_checked_and_idempotent(world: World, mrv_counts: Callable[[], Any]) -> None:
    office = world.people["office"]
    good = {
        "monitoring_plan_due": date(2015, 12, 31),
        "ledger_due_day": 10,
        "annual_report_due": date(2017, 3, 31),
        "verification_due": date(2017, 4, 30),
        "approval_due": date(2017, 6, 30),
        "reminder_days": [7, 30],
    }
    item = services.do_set_calendar(office, 2016, **good)
    assert item.reminder_days == [30, 7]
    assert services.do_set_calendar(office, 2016, **good).pk == item.pk
    assert AuditEvent.objects.filter(action="mrv.set_calendar").count() == 2  # 2015 and 2016
    for change, field in (
        ({"annual_report_due": date(2016, 12, 31)}, "annual_report_due"),
        ({"verification_due": date(2017, 3, 30)}, "verification_due"),
        ({"approval_due": date(2017, 4, 29)}, "approval_due"),
        ({"ledger_due_day": 29}, "ledger_due_day"),
        ({"reminder_days": [1, 1]}, "reminder_days"),
        ({"monitoring_plan_due": date(2017, 4, 1)}, "monitoring_plan_due"),
    ):
        error = _refused(
            lambda change=change: services.do_set_calendar(office, 2016, **{**good, **change}),
            ValidationFailedError,
            mrv_counts,
        )
        assert error.field == field
    _refused(
        lambda: services.do_set_calendar(world.people["reviewer"], 2017, **good),
        PermissionDeniedError,
        mrv_counts,
    )


def test_what_an_enterprise_owes_on_a_day(world: World) -> None:
    """The 2015 calendar (reminders 30 and 7 days before) on 2016-03-10: the plan and the
    twelve ledgers overdue, the report (due 2016-03-31, 21 days away) due soon, the
    verification and approval upcoming. Merged on 2015-06-30, the enterprise owes no ledger
    after June."""
    office = world.people["office"]
    found = selectors.obligations(office, world.own, date(2016, 3, 10))
    standing = {o.deadline.key: o.standing for o in found}
    assert standing["monitoring_plan:2015"] == "overdue"
    assert standing["ledger:2015-12"] == "overdue"
    assert standing["annual_report:2015"] == "due_soon"
    assert standing["verification:2015"] == "upcoming"
    assert [o.days_left for o in found if o.deadline.kind == "annual_report"] == [21]
    successor = Enterprise.objects.get(credit_code=SUCCESSOR)
    services.do_change_status(
        office, world.own, status="merged", effective_on=date(2015, 6, 30), successors=[successor]
    )
    world.own.refresh_from_db()
    standing = {
        o.deadline.key: o.standing
        for o in selectors.obligations(office, world.own, date(2016, 3, 10))
    }
    assert standing["ledger:2015-06"] == "overdue"
    assert standing["ledger:2015-07"] == "not_required"
    assert standing["annual_report:2015"] == "due_soon"


# --- the demo ---------------------------------------------------------------------------------


def test_the_demo_register_loads_once_with_valid_codes(db: None) -> None:
    from mrv_support import load_places

    from citycarbon.server.mrv.creditcode import credit_code_problem
    from citycarbon.server.mrv.demo import DEMO_ENTERPRISES, demo_accounts, load_demo

    load_places()
    outcome = load_demo()
    assert (outcome.enterprises, outcome.verifiers, outcome.calendars, outcome.screening) == (
        16,
        2,
        2,
        1,
    )
    assert Enterprise.objects.count() == 16
    assert all(credit_code_problem(e["credit_code"]) is None for e in DEMO_ENTERPRISES)
    assert Enterprise.objects.filter(illustrative=True).count() == 16
    assert dict(
        Enterprise.objects.exclude(status="active").values_list("credit_code", "status")
    ) == {"91410183YY1830031R": "merged", "91410182YY182001X8": "closed"}
    events = AuditEvent.objects.count()
    assert load_demo().enterprises == 0
    assert AuditEvent.objects.count() == events
    assert [(name, role) for name, role, _scope in demo_accounts()] == [
        ("enterprise-reporter", "enterprise_reporter"),
        ("enterprise-responsible", "enterprise_responsible"),
        ("verifier", "verifier"),
    ]
