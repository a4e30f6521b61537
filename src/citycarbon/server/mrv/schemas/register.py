"""Schemas of the register (enterprises, facilities, contacts, status, roles, import), coverage
rules and screening, and the compliance calendar with an enterprise's obligations."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from citycarbon.server.mrv.schemas._common import (
    _REASON,
    _STATUS,
    ExactDecimal,
    PageQuery,
    _figure,
)

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
    coverage_energy_tce: ExactDecimal | None = _figure(None)
    coverage_emissions_tco2e: ExactDecimal | None = _figure(None)
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
    coverage_energy_tce: ExactDecimal | None = _figure(None)
    coverage_emissions_tco2e: ExactDecimal | None = _figure(None)
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
    energy_tce: ExactDecimal = _figure(...)
    emissions_tco2e: ExactDecimal = _figure(...)
    note: str = Field("", max_length=500)


class ScreeningItemIn(Schema):
    credit_code: str = Field(..., min_length=1, max_length=40)
    name_zh: str = Field(..., min_length=1, max_length=200)
    jurisdiction: str = Field(..., min_length=1, max_length=32)
    sectors: list[str] = Field(default_factory=list, max_length=24)
    year: int = Field(..., ge=1990, le=2200)
    energy_tce: ExactDecimal | None = _figure(None)
    emissions_tco2e: ExactDecimal | None = _figure(None)


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
    """A run with one page of its proposals (``count``: every proposal of the run)."""

    count: int
    page: int
    pages: int
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
