"""The small register every MRV test starts from, and the row counts that prove a refused
request changed nothing (importable: pytest puts this folder on the path)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date
from decimal import Decimal
from typing import Any

from tests_server_support import PASSWORD

from citycarbon.server.common.choices import Role, ScopeKind
from citycarbon.server.common.models import AuditEvent, RoleAssignment, User
from citycarbon.server.common.services import do_assign_role
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.geo.services import (
    default_jurisdictions_file,
    do_load_jurisdictions,
    parse_jurisdictions,
)
from citycarbon.server.mrv import models, services
from citycarbon.server.mrv.choices import MrvRole, MrvScopeKind

#: Fictitious credit codes (organisation codes YY…) that pass both checks.
OWN = "91410185YY1850016K"  # Dengfeng (the own official's district)
OTHER = "91410183YY18300154"  # Xinmi
SUCCESSOR = "91410185YY1850024E"  # Dengfeng
NEW = "91410185YY18500329"  # Dengfeng, not registered by the world
NEW_XINMI = "91410183YY1830023Y"
VERIFIER_A = "91410105YY1050019C"
VERIFIER_B = "91410171YY1710021A"
PROPOSED = "91410182YY18200288"  # Xingyang, proposed by the world's screening run
PROPOSED_2 = "91410184YY1840029P"  # Xinzheng, proposed too

PERSONAS = (
    "anonymous",
    "public",
    "other_enterprise",
    "own_enterprise",
    "responsible",
    "other_official",
    "own_official",
    "reviewer",
    "verifier",
    "office",
)


def enterprise_data(code: str, jurisdiction: str, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "credit_code": code,
        "name_zh": f"测试企业{code[-4:]}",
        "name_en": f"Test enterprise {code[-4:]}",
        "jurisdiction": jurisdiction,
        "sectors": ["power_generation"],
        "coverage_reason": "emissions",
        "coverage_year": 2012,
        "coverage_energy_tce": None,
        "coverage_emissions_tco2e": Decimal("13000"),
        "address": "",
        "note": "",
    }
    data.update(changes)
    return data


def load_places() -> dict[str, Jurisdiction]:
    text = default_jurisdictions_file().read_text(encoding="utf-8")
    do_load_jurisdictions(None, parse_jurisdictions(text))
    return {j.code: j for j in Jurisdiction.objects.all()}


def _user(name: str) -> User:
    user = User.objects.create_user(username=name, password=PASSWORD)
    return User.objects.get(pk=user.pk)


@dataclass
class World:
    places: dict[str, Jurisdiction]
    people: dict[str, User]
    own: models.Enterprise
    other: models.Enterprise
    organisation: models.VerifierOrganisation
    staff: models.VerifierStaff
    run: models.ScreeningRun
    ids: dict[str, Any] = field(default_factory=dict)


def build_world() -> World:
    """Two enterprises (Dengfeng, Xinmi), thresholds, a verifier organisation with an account
    on its staff, the 2015 calendar, a screening run with two pending proposals, and one user
    per persona."""
    places = load_places()
    city = places["zhengzhou"]
    people = {name: _user(username) for name, username in (
        ("office", "office"), ("own_official", "official-dengfeng"),
        ("other_official", "official-xinmi"), ("reviewer", "reviewer"), ("public", "public"),
        ("own_enterprise", "reporter-own"), ("responsible", "responsible-own"),
        ("other_enterprise", "reporter-other"), ("verifier", "verifier-a"),
    )}  # fmt: skip
    jurisdiction = ScopeKind.JURISDICTION.value
    do_assign_role(None, people["office"], Role.CITY_OFFICE.value, jurisdiction, city.pk)
    do_assign_role(None, people["reviewer"], Role.REVIEWER.value, jurisdiction, city.pk)
    for persona, code in (("own_official", "dengfeng"), ("other_official", "xinmi")):
        do_assign_role(
            None, people[persona], Role.DISTRICT_OFFICIAL.value, jurisdiction, places[code].pk
        )
    services.do_set_coverage_rule(
        None, valid_from_year=2010, energy_tce=Decimal(5000), emissions_tco2e=Decimal(13000)
    )
    own = services.do_create_enterprise(
        None,
        enterprise_data(OWN, "dengfeng", sectors=["power_generation", "coal_mining"]),
        registered_on=date(2014, 1, 1),
        facilities=[{"code": "U1", "name_zh": "1号机组"}, {"code": "U2", "name_zh": "2号机组"}],
        contacts=[{"function": "carbon_manager", "name": "张三", "email": "zs@example.com"}],
    )
    other = services.do_create_enterprise(
        None, enterprise_data(OTHER, "xinmi"), registered_on=date(2014, 1, 1)
    )
    services.do_create_enterprise(
        None, enterprise_data(SUCCESSOR, "dengfeng"), registered_on=date(2014, 1, 1)
    )
    enterprise = MrvScopeKind.ENTERPRISE.value
    do_assign_role(
        None, people["own_enterprise"], MrvRole.ENTERPRISE_REPORTER.value, enterprise, own.pk
    )
    do_assign_role(
        None, people["responsible"], MrvRole.ENTERPRISE_RESPONSIBLE.value, enterprise, own.pk
    )
    do_assign_role(
        None, people["other_enterprise"], MrvRole.ENTERPRISE_REPORTER.value, enterprise, other.pk
    )
    organisation = services.do_create_verifier(
        None, {"credit_code": VERIFIER_A, "name_zh": "测试核查机构", "jurisdiction": "zhengzhou"}
    )
    services.do_add_accreditation(
        None,
        organisation,
        reference="A-1",
        sectors=["power_generation", "coal_mining"],
        valid_from=date(2014, 1, 1),
        valid_to=date(2016, 12, 31),
    )
    services.do_add_staff(
        None, organisation, name="核查员", joined_on=date(2014, 1, 1), user=people["verifier"]
    )
    staff = services.do_add_staff(
        None, organisation, name="无账号核查员", joined_on=date(2014, 1, 1)
    )
    services.do_set_calendar(
        None,
        2015,
        monitoring_plan_due=date(2014, 12, 31),
        ledger_due_day=15,
        annual_report_due=date(2016, 3, 31),
        verification_due=date(2016, 4, 30),
        approval_due=date(2016, 6, 30),
        reminder_days=[30, 7],
    )
    run = services.do_run_screening(
        None,
        [
            services.ScreeningRow(PROPOSED, "荥阳测试纸业", "xingyang", ("pulp_paper",), 2013,
                                  Decimal(4800), Decimal(13600), row=1),
            services.ScreeningRow(PROPOSED_2, "新郑测试食品", "xinzheng", (), 2013,
                                  Decimal(5000), None, row=2),
        ],
        source="test figures",
    )  # fmt: skip
    world = World(
        places={k: Jurisdiction.objects.get(pk=v.pk) for k, v in places.items()},
        people=people,
        own=own,
        other=other,
        organisation=organisation,
        staff=staff,
        run=run,
    )
    proposals = list(run.proposals.order_by("credit_code"))
    world.ids = {
        "own": OWN,
        "other": OTHER,
        "successor": SUCCESSOR,
        "new": NEW,
        "org": VERIFIER_A,
        "staff": staff.pk,
        "run": run.pk,
        "proposal": proposals[0].pk,
        "proposal2": proposals[1].pk,
        "contact": own.contacts.get().pk,
        "role": RoleAssignment.objects.get(user=people["responsible"]).pk,
    }
    return world


@dataclass(frozen=True)
class MrvCounts:
    """Rows of every table an MRV request could write (the audit trail last), the latest
    audit event and a fingerprint of what could change in place."""

    values: tuple[Any, ...]

    def without_audit(self) -> tuple[Any, ...]:
        """Everything but the audit trail (its count and latest id)."""
        return (*self.values[:-3], self.values[-1])

    @classmethod
    def take(cls) -> MrvCounts:
        tables = [
            models.Enterprise, models.EnterpriseSector, models.Facility, models.Contact,
            models.StatusChange, models.CoverageRule, models.ScreeningRun,
            models.ScreeningProposal, models.VerifierOrganisation, models.Accreditation,
            models.VerifierStaff, models.PerformanceEntry, models.Sanction,
            models.ComplianceCalendar, models.MonitoringPlan, models.LedgerMonth,
            models.LedgerEntry, models.LedgerFinding, models.EvidenceFile,
            models.IdempotencyRecord, models.AnnualReport, models.SignOff,
            models.AdvisoryRelation, models.VerificationAssignment, models.VerificationStep,
            models.NonConformity, models.VerifiedEmission, models.Disclosure, RoleAssignment,
            AuditEvent,
        ]  # fmt: skip
        fingerprint = (
            tuple(models.Enterprise.objects.order_by("pk").values_list(
                "pk", "name_zh", "name_en", "jurisdiction_id", "status", "status_since", "note",
                "coverage_reason", "coverage_year", "address",
            )),
            tuple(models.Facility.objects.order_by("pk").values_list("pk", "code", "name_zh")),
            tuple(models.Contact.objects.order_by("pk").values_list("pk", "name", "phone")),
            tuple(models.ScreeningProposal.objects.order_by("pk").values_list("pk", "decision")),
            tuple(models.VerifierOrganisation.objects.order_by("pk").values_list("pk", "name_zh")),
            tuple(models.VerifierStaff.objects.order_by("pk").values_list("pk", "left_on")),
            tuple(models.CoverageRule.objects.order_by("pk").values_list(
                "pk", "energy_tce", "emissions_tco2e"
            )),
            tuple(models.ComplianceCalendar.objects.order_by("pk").values_list(
                "pk", "annual_report_due", "reminder_days"
            )),
            tuple(models.MonitoringPlan.objects.order_by("pk").values_list(
                "pk", "state", "document", "source", "note", "version"
            )),
            tuple(models.LedgerMonth.objects.order_by("pk").values_list(
                "pk", "state", "source", "entered_at"
            )),
            tuple(models.LedgerFinding.objects.order_by("pk").values_list(
                "pk", "acknowledged_at", "reason"
            )),
            tuple(models.AnnualReport.objects.order_by("pk").values_list(
                "pk", "state", "figures", "late", "version"
            )),
            tuple(models.SignOff.objects.order_by("pk").values_list("pk", "withdrawn_at")),
            tuple(models.VerificationAssignment.objects.order_by("pk").values_list(
                "pk", "state", "verified_tco2e", "approved_tco2e"
            )),
            tuple(models.NonConformity.objects.order_by("pk").values_list(
                "pk", "correction", "closed_at"
            )),
        )  # fmt: skip
        return cls(
            (
                *(table.objects.count() for table in tables),
                AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first(),
                hash(repr(fingerprint)),
            )
        )


def power_plan(year: int, **changes: Any) -> dict[str, Any]:
    """A monitoring plan of the own (power) enterprise: coal measured monthly (the carbon
    content's lab standard left out: one warning), electricity output metered."""
    plan: dict[str, Any] = {
        "name": "测试电厂",
        "year": year,
        "sector": "power_generation",
        "region": "henan",
        "facilities": [{"id": "U1", "name": "1号机组"}],
        "streams": [
            {"id": "coal", "facility": "U1", "source": "fuel_combustion",
             "fuel": "bituminous_coal", "parameters": {
                 "quantity": {"method": "belt_scale", "frequency": "continuous", "unit": "t"},
                 "ncv": {"method": "lab_analysis", "frequency": "monthly", "unit": "GJ/t",
                         "standard": "GB/T 213"},
                 "carbon_content": {"method": "lab_analysis", "frequency": "monthly",
                                    "unit": "tC/TJ"},
                 "oxidation": "default"}},
            {"id": "power", "facility": "U1", "kind": "production", "product": "electricity",
             "parameters": {"output": {"method": "meter", "unit": "MWh"}}},
        ],
    }  # fmt: skip
    plan.update(changes)
    return plan


def add_plans(world: World) -> None:
    """The own enterprise's plans: 2013 approved, 2014 submitted, 2015 a draft."""
    for year, steps in ((2013, ("submit", "approve")), (2014, ("submit",)), (2015, ())):
        record = services.do_save_plan(None, world.own, year, power_plan(year))
        if "submit" in steps:
            record = services.do_submit_plan(None, record)
        if "approve" in steps:
            services.do_approve_plan(None, record)


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def ledger_rows(year: int, month: int, *, carbon: str = "26.0") -> list[dict[str, Any]]:
    """The own enterprise's rows of a month (a carbon content of 21.0 gives two warnings)."""
    key = f"{year}-{month:02d}"
    return [
        {"stream": "coal", "parameter": "quantity", "value": "120000", "unit": "t"},
        {"stream": "coal", "parameter": "ncv", "value": "20.5", "unit": "GJ/t",
         "evidence": f"LAB-{key}"},
        {"stream": "coal", "parameter": "carbon_content", "value": carbon, "unit": "tC/TJ",
         "evidence": f"LAB-{key}"},
        {"stream": "power", "parameter": "output", "value": "260000", "unit": "MWh"},
    ]  # fmt: skip


def add_ledgers(world: World) -> None:
    """The own enterprise's 2013 ledger: January submitted, February with two warnings
    pending; and one evidence file."""
    services.do_submit_ledger(None, world.own, 2013, 1, ledger_rows(2013, 1))
    february = services.do_submit_ledger(
        None, world.own, 2013, 2, ledger_rows(2013, 2, carbon="21.0")
    )
    evidence = services.do_upload_evidence(None, world.own, "lab.pdf", PDF)
    world.ids["finding"] = february.findings.order_by("pk").first().pk  # type: ignore[union-attr]
    world.ids["evidence"] = evidence.pk


def add_reports(world: World) -> None:
    """Four more years of the own enterprise, each with an approved plan and twelve months:
    2009 with a submitted report, 2010 a signed-off draft, 2011 no report, 2012 a draft."""
    responsible = world.people["responsible"]
    for year in (2009, 2010, 2011, 2012):
        record = services.do_save_plan(None, world.own, year, power_plan(year))
        services.do_approve_plan(None, services.do_submit_plan(None, record))
        for month in range(1, 13):
            services.do_submit_ledger(None, world.own, year, month, ledger_rows(year, month))
        if year == 2011:
            continue
        report = services.do_build_report(None, world.own, year)
        if year in (2009, 2010):
            services.do_sign_off(responsible, report)
        if year == 2009:
            services.do_submit_report(responsible, report)


def add_verifications(world: World) -> None:
    """Verifications of the own enterprise in every state of the workflow (made directly, on
    the 2009 report): 2009 assigned, 2008 planned, 2007 site visited with a corrected and an
    open finding, 2006 site visited, 2005 reported; 2004 a submitted report not assigned."""
    from datetime import datetime

    report = models.AnnualReport.objects.get(enterprise=world.own, year=2009)
    for year, state in ((2009, "assigned"), (2008, "planned"), (2007, "site_visited"),
                        (2006, "site_visited"), (2005, "reported")):  # fmt: skip
        record = models.VerificationAssignment.objects.create(
            enterprise=world.own, year=year, organisation=world.organisation, report=report,
            kind="primary", method="manual", state=state,
            verified_tco2e=Decimal("2617243.200") if state == "reported" else None,
        )  # fmt: skip
        if year == 2007:
            closed = models.NonConformity.objects.create(
                assignment=record, description="已整改", correction="已补",
                corrected_at=datetime(2016, 4, 1, tzinfo=UTC),
            )  # fmt: skip
            open_ = models.NonConformity.objects.create(assignment=record, description="未整改")
            world.ids["corrected_finding"] = closed.pk
            world.ids["open_finding"] = open_.pk
    approved = models.VerificationAssignment.objects.create(
        enterprise=world.own, year=2003, organisation=world.organisation, report=report,
        kind="primary", method="manual", state="approved", verified_tco2e=Decimal("100.5"),
        approved_tco2e=Decimal("100.5"),
    )  # fmt: skip
    models.VerifiedEmission.objects.create(
        assignment=approved, source="fuel_combustion", tco2e=Decimal("100.5")
    )
    models.AnnualReport.objects.create(
        enterprise=world.own, year=2004, plan=report.plan, sector=report.sector,
        figures=report.figures, state="submitted", version=1,
    )  # fmt: skip
