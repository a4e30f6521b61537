"""Schemas of monitoring plans and monthly ledgers (rows, findings, evidence)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema

from citycarbon.server.mrv.schemas._common import PageOut

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


class PlanVersionPageOut(PageOut):
    items: list[PlanVersionOut]


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


class EvidencePageOut(PageOut):
    items: list[EvidenceOut]
