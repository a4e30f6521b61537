"""Schemas of verifier organisations: accreditations, staff, performance, sanctions and the
answer whether one may verify an enterprise."""

from __future__ import annotations

from datetime import date

from ninja import Field, Schema

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
