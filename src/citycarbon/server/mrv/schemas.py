"""API schemas of the MRV app (explicit fields). Exact quantities travel as decimal strings
(``"13000.000"``); they are accepted as strings or numbers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

__all__ = [
    "AcceptIn",
    "AccreditationIn",
    "AccreditationOut",
    "AcknowledgeIn",
    "AcknowledgementOut",
    "AdvisoryIn",
    "AdvisoryOut",
    "ApproveIn",
    "AssignIn",
    "CalendarIn",
    "CalendarOut",
    "CanVerifyOut",
    "ContactIn",
    "ContactOut",
    "CorrectionIn",
    "CoverageRuleIn",
    "CoverageRuleOut",
    "DerivationOut",
    "DisclosureOut",
    "EnterpriseDetailOut",
    "EnterpriseIn",
    "EnterpriseOut",
    "EnterprisePageOut",
    "EnterpriseQuery",
    "EnterpriseUpdateIn",
    "EvidenceOut",
    "FacilityIn",
    "FacilityOut",
    "FindingOut",
    "ImportOut",
    "LedgerEntryOut",
    "LedgerFindingOut",
    "LedgerIn",
    "LedgerMonthDetailOut",
    "LedgerMonthOut",
    "LedgerRowIn",
    "NonConformityIn",
    "NonConformityOut",
    "ObligationOut",
    "ObligationQuery",
    "OnIn",
    "PartOut",
    "PerformanceIn",
    "PerformanceOut",
    "PlanDocumentIn",
    "PlanDocumentOut",
    "PlanFacilityIn",
    "PlanOut",
    "PlanParameterIn",
    "PlanParameterOut",
    "PlanReviseIn",
    "PlanRowOut",
    "PlanStreamIn",
    "PlanStreamOut",
    "PlanVersionOut",
    "ProposalOut",
    "ReasonIn",
    "ReconciliationLineOut",
    "ReconciliationOut",
    "RejectIn",
    "ReportLineOut",
    "ReportOut",
    "ReportVersionOut",
    "RoleIn",
    "RoleOut",
    "SanctionIn",
    "SanctionOut",
    "ScreeningIn",
    "ScreeningRunDetailOut",
    "ScreeningRunOut",
    "ScreeningRunPageOut",
    "SignOffOut",
    "SpotCheckIn",
    "StaffEndIn",
    "StaffIn",
    "StaffOut",
    "StatusChangeIn",
    "StatusChangeOut",
    "StepIn",
    "StepOut",
    "VerificationOut",
    "VerificationReportIn",
    "VerificationSummaryOut",
    "VerifierDetailOut",
    "VerifierIn",
    "VerifierOut",
    "VerifierPageOut",
    "VerifierUpdateIn",
]


def _figure(default: Any) -> Any:
    """An exact non-negative quantity: at most 12 digits before the point and 3 after."""
    return Field(default, ge=0, max_digits=15, decimal_places=3)


_STATUS = "^(active|merged|split|closed)$"
_REASON = "^(energy|emissions|both|designated)$"


class PageQuery(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=500)


# --- the register -----------------------------------------------------------------------------


class FacilityOut(Schema):
    code: str
    name_zh: str
    name_en: str


class FacilityIn(Schema):
    """A facility (``code`` comes from the URL)."""

    name_zh: str = Field(..., min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)


class FacilityWithCodeIn(FacilityIn):
    code: str = Field(..., min_length=1, max_length=32)


class ContactOut(Schema):
    id: int
    function: str
    name: str
    phone: str
    email: str


class ContactIn(Schema):
    function: str = Field(
        ..., pattern="^(legal_representative|energy_manager|carbon_manager|other)$"
    )
    name: str = Field(..., min_length=1, max_length=100)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=200)


class StatusChangeOut(Schema):
    status: str
    effective_on: date
    successors: list[str]
    reason: str
    recorded_at: datetime
    recorded_by: str | None


class PredecessorOut(Schema):
    credit_code: str
    name_zh: str
    status: str
    effective_on: date


class RoleOut(Schema):
    id: int
    username: str
    role: str


class EnterpriseOut(Schema):
    credit_code: str
    name_zh: str
    name_en: str
    jurisdiction: str
    sectors: list[str]
    coverage_reason: str
    coverage_year: int | None
    coverage_energy_tce: str | None
    coverage_emissions_tco2e: str | None
    status: str
    status_since: date
    address: str
    note: str
    illustrative: bool
    created_at: datetime
    updated_at: datetime


class EnterpriseDetailOut(EnterpriseOut):
    facilities: list[FacilityOut]
    contacts: list[ContactOut]
    status_history: list[StatusChangeOut]
    predecessors: list[PredecessorOut]
    #: Who holds the enterprise roles (shown to those who may see role assignments).
    roles: list[RoleOut]


class EnterprisePageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[EnterpriseOut]


class EnterpriseQuery(PageQuery):
    jurisdiction: str = Field("", max_length=32)
    sector: str = Field("", max_length=40)
    status: str = Field("", pattern="^(|active|merged|split|closed)$")
    q: str = Field("", max_length=100)


class EnterpriseFieldsIn(Schema):
    name_zh: str = Field(..., min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)
    jurisdiction: str = Field(..., min_length=1, max_length=32)
    sectors: list[str] = Field(..., min_length=1, max_length=24)
    coverage_reason: str = Field(..., pattern=_REASON)
    coverage_year: int | None = Field(None, ge=1990, le=2200)
    coverage_energy_tce: Decimal | None = _figure(None)
    coverage_emissions_tco2e: Decimal | None = _figure(None)
    address: str = Field("", max_length=300)
    note: str = Field("", max_length=4000)
    illustrative: bool = False


class EnterpriseIn(EnterpriseFieldsIn):
    credit_code: str = Field(..., min_length=1, max_length=40)
    #: The first day in the register (default: today).
    registered_on: date | None = None
    facilities: list[FacilityWithCodeIn] = Field(default_factory=list, max_length=500)
    contacts: list[ContactIn] = Field(default_factory=list, max_length=100)


class EnterpriseUpdateIn(Schema):
    """The fields to change (those left out keep their values)."""

    name_zh: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    jurisdiction: str | None = Field(None, min_length=1, max_length=32)
    sectors: list[str] | None = Field(None, min_length=1, max_length=24)
    coverage_reason: str | None = Field(None, pattern=_REASON)
    coverage_year: int | None = Field(None, ge=1990, le=2200)
    coverage_energy_tce: Decimal | None = _figure(None)
    coverage_emissions_tco2e: Decimal | None = _figure(None)
    address: str | None = Field(None, max_length=300)
    note: str | None = Field(None, max_length=4000)
    illustrative: bool | None = None


class StatusChangeIn(Schema):
    status: str = Field(..., pattern=_STATUS)
    effective_on: date
    #: Credit codes of the enterprise merged into (one) or split into (one or more).
    successors: list[str] = Field(default_factory=list, max_length=50)
    reason: str = Field("", max_length=2000)


class RoleIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    role: str = Field(..., pattern="^(enterprise_reporter|enterprise_responsible)$")


class ImportedOut(Schema):
    credit_code: str
    id: int


class ImportOut(Schema):
    created: list[ImportedOut]
    facilities: int
    contacts: int


# --- coverage and screening -------------------------------------------------------------------


class CoverageRuleOut(Schema):
    valid_from_year: int
    energy_tce: str
    emissions_tco2e: str
    note: str


class CoverageRuleIn(Schema):
    energy_tce: Decimal = _figure(...)
    emissions_tco2e: Decimal = _figure(...)
    note: str = Field("", max_length=500)


class ScreeningItemIn(Schema):
    credit_code: str = Field(..., min_length=1, max_length=40)
    name_zh: str = Field(..., min_length=1, max_length=200)
    jurisdiction: str = Field(..., min_length=1, max_length=32)
    sectors: list[str] = Field(default_factory=list, max_length=24)
    year: int = Field(..., ge=1990, le=2200)
    energy_tce: Decimal | None = _figure(None)
    emissions_tco2e: Decimal | None = _figure(None)


class ScreeningIn(Schema):
    """Annual figures per enterprise (one item per enterprise and year)."""

    items: list[ScreeningItemIn] = Field(..., min_length=1, max_length=50_000)
    source: str = Field("API", max_length=200)


class FigureOut(Schema):
    year: int
    energy_tce: str | None
    emissions_tco2e: str | None
    crossed: bool


class ProposalOut(Schema):
    id: int
    credit_code: str
    name_zh: str
    jurisdiction: str
    sectors: list[str]
    coverage_reason: str
    coverage_year: int
    coverage_energy_tce: str | None
    coverage_emissions_tco2e: str | None
    figures: list[FigureOut]
    decision: str
    reason: str
    decided_at: datetime | None
    enterprise: str | None


class ScreeningRunOut(Schema):
    id: int
    source: str
    created_at: datetime
    units: int
    already_registered: int
    below: int
    proposals: int
    pending: int
    rules: list[CoverageRuleOut]


class ScreeningRunDetailOut(ScreeningRunOut):
    items: list[ProposalOut]


class ScreeningRunPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[ScreeningRunOut]


class AcceptIn(Schema):
    #: Sector guidelines when the figures named none.
    sectors: list[str] = Field(default_factory=list, max_length=24)
    registered_on: date | None = None
    reason: str = Field("", max_length=2000)


class RejectIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


# --- verifier organisations -------------------------------------------------------------------


class AccreditationOut(Schema):
    id: int
    reference: str
    sectors: list[str]
    valid_from: date
    valid_to: date
    note: str


class AccreditationIn(Schema):
    reference: str = Field(..., min_length=1, max_length=100)
    sectors: list[str] = Field(..., min_length=1, max_length=24)
    valid_from: date
    valid_to: date
    note: str = Field("", max_length=2000)


class StaffOut(Schema):
    id: int
    name: str
    username: str | None
    qualification: str
    joined_on: date
    left_on: date | None


class StaffIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    #: The person's account, which then holds the verifier role over the organisation.
    username: str | None = Field(None, min_length=1, max_length=150)
    qualification: str = Field("", max_length=200)
    joined_on: date


class StaffEndIn(Schema):
    left_on: date


class PerformanceOut(Schema):
    id: int
    kind: str
    occurred_on: date
    enterprise: str | None
    reporting_year: int | None
    description: str


class PerformanceIn(Schema):
    kind: str = Field(..., pattern="^(overturned_finding|late_report|other)$")
    occurred_on: date
    description: str = Field(..., min_length=1, max_length=4000)
    #: Credit code of the enterprise concerned.
    enterprise: str | None = Field(None, max_length=40)
    reporting_year: int | None = Field(None, ge=1990, le=2200)


class SanctionOut(Schema):
    id: int
    kind: str
    effective_from: date
    effective_to: date | None
    reason: str


class SanctionIn(Schema):
    kind: str = Field(..., pattern="^(warning|suspension|removal)$")
    effective_from: date
    effective_to: date | None = None
    reason: str = Field(..., min_length=1, max_length=4000)


class VerifierOut(Schema):
    credit_code: str
    name_zh: str
    name_en: str
    jurisdiction: str
    address: str
    note: str
    illustrative: bool
    #: A valid accreditation and neither suspended nor removed, today.
    eligible_today: bool
    staff: int


class VerifierDetailOut(VerifierOut):
    accreditations: list[AccreditationOut]
    staff_members: list[StaffOut]
    performance: list[PerformanceOut]
    sanctions: list[SanctionOut]


class VerifierPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[VerifierOut]


class VerifierIn(Schema):
    credit_code: str = Field(..., min_length=1, max_length=40)
    name_zh: str = Field(..., min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)
    jurisdiction: str = Field(..., min_length=1, max_length=32)
    address: str = Field("", max_length=300)
    note: str = Field("", max_length=4000)
    illustrative: bool = False


class VerifierUpdateIn(Schema):
    name_zh: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=300)
    note: str | None = Field(None, max_length=4000)


class RefusalOut(Schema):
    code: str
    message: str
    sectors: list[str]


class CanVerifyOut(Schema):
    organisation: str
    enterprise: str
    on: date
    allowed: bool
    refusals: list[RefusalOut]


class OnQuery(Schema):
    on: date | None = None


# --- the compliance calendar ------------------------------------------------------------------


class CalendarOut(Schema):
    year: int
    monitoring_plan_due: date
    ledger_due_day: int
    annual_report_due: date
    verification_due: date
    approval_due: date
    reminder_days: list[int]
    note: str


class CalendarIn(Schema):
    monitoring_plan_due: date
    ledger_due_day: int = Field(..., ge=1, le=28)
    annual_report_due: date
    verification_due: date
    approval_due: date
    reminder_days: list[int] = Field(default_factory=list, max_length=5)
    note: str = Field("", max_length=500)


class ObligationOut(Schema):
    kind: str
    year: int
    month: int | None
    due: date
    standing: str
    days_left: int
    reminders: list[date]


class ObligationQuery(Schema):
    on: date | None = None
    year: int | None = Field(None, ge=1990, le=2200)


# --- monitoring plans -------------------------------------------------------------------------


class PlanParameterIn(Schema):
    """How one parameter is determined (``docs/mrv.md``): ``measured`` (method, frequency,
    unit, standard for a lab analysis), ``default`` (the factor library's), or ``fixed``
    (value and unit)."""

    basis: str = Field("measured", max_length=16)
    method: str = Field("", max_length=40)
    frequency: str = Field("monthly", max_length=20)
    standard: str = Field("", max_length=100)
    unit: str = Field("", max_length=40)
    value: Decimal | None = None
    note: str = Field("", max_length=500)


class PlanStreamIn(Schema):
    """A source stream: a source type of the guideline at a facility (``source`` and its
    ``choices``, e.g. ``{"fuel": "bituminous_coal"}``), or production output (``kind:
    production`` with a ``product``)."""

    id: str = Field(..., min_length=1, max_length=40)
    facility: str = Field("", max_length=32)
    source: str | None = Field(None, max_length=60)
    kind: str = Field("", max_length=16)
    name: str = Field("", max_length=200)
    product: str = Field("", max_length=60)
    choices: dict[str, str] = Field(default_factory=dict)
    parameters: dict[str, PlanParameterIn] = Field(default_factory=dict)


class PlanFacilityIn(Schema):
    id: str = Field(..., min_length=1, max_length=32)
    name: str = Field("", max_length=200)


class PlanDocumentIn(Schema):
    """A monitoring plan. The enterprise and year are those of the URL; the sector guideline
    must be one of the enterprise's."""

    name: str = Field("", max_length=200)
    sector: str = Field(..., min_length=1, max_length=40)
    region: str | None = Field(None, max_length=40)
    facilities: list[PlanFacilityIn] = Field(default_factory=list)
    streams: list[PlanStreamIn] = Field(default_factory=list)
    note: str = Field("", max_length=500)


class PlanParameterOut(Schema):
    basis: str
    method: str
    frequency: str
    standard: str
    unit: str
    value: str | None
    note: str


class PlanStreamOut(Schema):
    id: str
    facility: str
    source: str | None
    kind: str
    name: str
    product: str
    choices: dict[str, str]
    parameters: dict[str, PlanParameterOut]


class PlanDocumentOut(Schema):
    enterprise: str
    name: str
    year: int
    sector: str
    region: str | None
    facilities: list[PlanFacilityIn]
    streams: list[PlanStreamOut]


class FindingOut(Schema):
    """A finding of the kernel: a stable code, its severity, where it is, the message in the
    request's language and the parameters of its template."""

    code: str
    severity: str
    message: str
    row: int | None = None
    field: str | None = None
    value: str | None = None
    enterprise: str | None = None
    stream: str | None = None
    parameter: str | None = None
    month: str | None = None
    sheet: str | None = None
    column: str | None = None
    cell: str | None = None
    params: dict[str, str] = Field(default_factory=dict)


class PlanRowOut(Schema):
    facility: str
    facility_name: str
    stream: str
    stream_name: str
    source: str
    kind: str
    product: str
    choices: str
    parameter: str
    basis: str
    method: str
    frequency: str
    standard: str
    unit: str
    value: str | None


class PlanVersionOut(Schema):
    """One version of a plan (without its document)."""

    enterprise: str
    year: int
    version: int
    state: str
    sector: str
    source: str
    correction_reason: str
    created_at: datetime
    created_by: str | None
    submitted_at: datetime | None
    submitted_by: str | None
    approved_at: datetime | None
    approved_by: str | None


class PlanOut(PlanVersionOut):
    """A version with its plan, the plan as a table, the kernel's warnings and the lineage."""

    note: str
    document: PlanDocumentOut | None
    table: list[PlanRowOut]
    findings: list[FindingOut]
    versions: list[PlanVersionOut]


class ReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


class PlanReviseIn(Schema):
    """A new version of an approved plan: why, and optionally the changed plan (else the
    approved one is copied into the new draft)."""

    reason: str = Field(..., min_length=1, max_length=2000)
    plan: PlanDocumentIn | None = None


# --- the monthly ledger -----------------------------------------------------------------------


class LedgerRowIn(Schema):
    """One value: the plan's stream and parameter, the value in any unit of the parameter's
    dimension, the evidence reference (required for lab values). ``month`` and ``facility``
    are optional; when given they must be the ledger's month and the stream's facility."""

    stream: str = Field(..., min_length=1, max_length=40)
    parameter: str = Field(..., min_length=1, max_length=40)
    value: Decimal
    unit: str = Field(..., min_length=1, max_length=40)
    facility: str = Field("", max_length=32)
    month: str | None = Field(None, max_length=10)
    evidence: str = Field("", max_length=200)
    note: str = Field("", max_length=500)


class LedgerIn(Schema):
    rows: list[LedgerRowIn] = Field(..., min_length=1, max_length=5000)


class LedgerEntryOut(Schema):
    id: int
    row: int
    facility: str
    stream: str
    parameter: str
    value: str
    unit: str
    evidence: str
    note: str


class LedgerFindingOut(Schema):
    """A warning stored with the month, and its acknowledgement."""

    id: int
    code: str
    severity: str
    message: str
    row: int | None
    field: str
    value: str
    stream: str
    parameter: str
    period: str
    params: dict[str, str]
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    reason: str


class LedgerMonthOut(Schema):
    enterprise: str
    year: int
    month: int
    state: str
    source: str
    plan_version: int
    entered_at: datetime
    entered_by: str | None
    submitted_at: datetime | None
    submitted_by: str | None
    rows: int
    pending_warnings: int


class LedgerMonthDetailOut(LedgerMonthOut):
    entries: list[LedgerEntryOut]
    findings: list[LedgerFindingOut]


class AcknowledgeIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


class EvidenceOut(Schema):
    id: int
    name: str
    kind: str
    size: int
    sha256: str
    description: str
    uploaded_at: datetime
    uploaded_by: str | None


# --- annual reports ---------------------------------------------------------------------------


class ReportLineOut(Schema):
    """One emission stream's line: its source type, how it counts, its CO2e and signed
    contribution [tCO2e] (exact decimals as text)."""

    stream: str
    source: str
    treatment: str
    co2e: str
    contribution: str
    masses_t: dict[str, str]


class PartOut(Schema):
    row: int
    month: str
    value: str
    weight: str | None


class DerivationOut(Schema):
    """How one figure was made from the ledger and the plan (``sum``, ``weighted_mean``,
    ``element_carbon``, ``fixed``, ``default``, ``choice``, ``output`` …)."""

    stream: str
    field: str
    method: str
    value: str | None
    unit: str
    weights: list[str]
    numerator: str | None
    denominator: str | None
    parts: list[PartOut]
    note: str


class SignOffOut(Schema):
    signed_at: datetime
    signed_by: str | None
    withdrawn_at: datetime | None
    withdrawn_by: str | None
    reason: str


class ReportVersionOut(Schema):
    enterprise: str
    year: int
    version: int
    state: str
    sector: str
    plan_version: int
    total_tco2e: str | None
    correction_reason: str
    due_on: date | None
    late: bool
    created_at: datetime
    submitted_at: datetime | None
    submitted_by: str | None


class ReportOut(ReportVersionOut):
    """A report version with its lines, every figure's derivation, outputs, intensity, the
    sign-offs and the versions of the lineage."""

    lines: list[ReportLineOut]
    by_source: dict[str, str]
    derivations: list[DerivationOut]
    outputs: dict[str, str]
    intensity: str | None
    intensity_unit: str
    factor_library: str
    signed_off: bool
    sign_offs: list[SignOffOut]
    versions: list[ReportVersionOut]


# --- verification -----------------------------------------------------------------------------


class AdvisoryIn(Schema):
    enterprise: str = Field(..., min_length=1, max_length=40)
    from_year: int = Field(..., ge=1990, le=2200)
    to_year: int | None = Field(None, ge=1990, le=2200)
    note: str = Field("", max_length=500)


class AdvisoryOut(Schema):
    id: int
    organisation: str
    enterprise: str
    from_year: int
    to_year: int | None
    note: str


class AssignIn(Schema):
    """A verifier organisation by credit code, or ``random: true`` to draw one among those
    that may verify (``seed`` makes the draw repeatable)."""

    organisation: str | None = Field(None, max_length=40)
    random: bool = False
    seed: int | None = None
    on: date | None = None


class StepIn(Schema):
    done_on: date
    note: str = Field("", max_length=5000)


class NonConformityIn(Schema):
    description: str = Field(..., min_length=1, max_length=5000)
    on: date | None = None


class OnIn(Schema):
    """The day of the action (today when left out)."""

    on: date | None = None


class CorrectionIn(Schema):
    correction: str = Field(..., min_length=1, max_length=5000)


class VerificationReportIn(Schema):
    """Verified emissions by source type [tCO2e] (exact, at most three decimals) and the
    opinion (``positive``, ``qualified``, ``adverse``)."""

    emissions: dict[str, Decimal]
    opinion: str = Field(..., max_length=16)
    text: str = Field("", max_length=5000)
    on: date | None = None


class ApproveIn(Schema):
    note: str = Field("", max_length=5000)


class SpotCheckIn(Schema):
    share: Decimal = Field(..., gt=0, le=1)
    seed: int | None = None
    on: date | None = None


class StepOut(Schema):
    step: str
    done_on: date
    note: str
    recorded_by: str | None


class NonConformityOut(Schema):
    id: int
    description: str
    raised_at: datetime
    raised_by: str | None
    correction: str
    corrected_at: datetime | None
    corrected_by: str | None
    closed_at: datetime | None
    closed_by: str | None


class AcknowledgementOut(Schema):
    month: int
    code: str
    stream: str
    parameter: str
    value: str
    reason: str
    acknowledged_by: str | None
    acknowledged_at: datetime | None


class VerificationOut(Schema):
    enterprise: str
    year: int
    kind: str
    method: str
    organisation: str
    state: str
    report_version: int
    reported_tco2e: str | None
    assigned_at: datetime
    assigned_by: str | None
    steps: list[StepOut]
    non_conformities: list[NonConformityOut]
    verified: dict[str, str]
    verified_tco2e: str | None
    opinion: str
    reported_at: datetime | None
    approved_tco2e: str | None
    approved_at: datetime | None
    approved_by: str | None
    acknowledgements: list[AcknowledgementOut]


class VerificationSummaryOut(Schema):
    enterprise: str
    year: int
    kind: str
    organisation: str
    state: str
    verified_tco2e: str | None
    approved_tco2e: str | None


# --- disclosure and reconciliation ------------------------------------------------------------


class DisclosureOut(Schema):
    """A published (or, for the office, approved) verified figure with its trend."""

    enterprise: str
    name: str
    sector: str
    year: int
    tco2e: str
    state: str
    trend: dict[str, str]


class ReconciliationLineOut(Schema):
    sector: str
    enterprises: int
    verified_tco2e: str
    inventory_tco2e: float | None
    coverage: float | None
    gap_tco2e: float | None
    unexplained: bool


class ReconciliationOut(Schema):
    jurisdiction: str
    inventory: bool
    lines: list[ReconciliationLineOut]
