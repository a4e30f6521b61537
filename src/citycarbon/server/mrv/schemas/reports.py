"""Schemas of annual reports, verification, disclosure and reconciliation."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from citycarbon.server.mrv.schemas._common import ExactDecimal, PageOut

# --- annual reports ---------------------------------------------------------------------------


class ReportLineOut(Schema):
    """One emission stream's line: its source type, how it counts, its CO2e, signed
    contribution and masses by gas [tCO2e, t] as reported — the stored exact figures rounded
    once to 0.01 t, half-up (``citycarbon.numbers.round_emissions``); the derivations keep
    every digit."""

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


class ShownPartOut(Schema):
    value: str
    product: str | None


class ShownOut(Schema):
    """A derivation's figures in the unit a verifier reads them in (the plan's; tC/TJ for
    carbon content, % for a rate): the value, each month's value and weight × value, and the
    numerator and denominator whose quotient is the value."""

    unit: str
    value: str | None
    part_unit: str
    parts: list[ShownPartOut]
    numerator: str | None
    denominator: str | None


class DerivationOut(Schema):
    """How one figure was made from the ledger and the plan (``sum``, ``weighted_mean``,
    ``element_carbon``, ``fixed``, ``default``, ``choice``, ``output`` …). ``value``, ``parts``
    and ``numerator`` are in the canonical ``unit``; ``shown`` in the plan's; ``factor`` is a
    default's factor library row (id, parameter, subject, value, unit, guideline, source,
    status). Reports built before ``shown`` and ``factor`` existed have neither."""

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
    shown: ShownOut | None = None
    factor: dict[str, str] | None = None


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
    #: The report's total as reported (0.01 t, half-up; stored exactly).
    total_tco2e: str | None
    correction_reason: str
    due_on: date | None
    late: bool
    created_at: datetime
    submitted_at: datetime | None
    submitted_by: str | None


class ReportVersionPageOut(PageOut):
    items: list[ReportVersionOut]


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
    """How the enterprise corrected the finding, and the day (today when left out)."""

    correction: str = Field(..., min_length=1, max_length=5000)
    on: date | None = None


class VerificationReportIn(Schema):
    """Verified emissions by source type [tCO2e] (exact: decimal strings or integers, at most
    three decimals; JSON floats are refused) — each source's contribution to the total as the
    report shows it: ≥ 0 for a source the sector guideline adds, ≤ 0 for one it deducts
    (exported electricity and heat, CO2/CH4 recovered); memo items are refused —, the opinion
    (``positive``, ``qualified``, ``adverse``), its text and the report's date (today when left
    out)."""

    emissions: dict[str, ExactDecimal]
    opinion: Literal["positive", "qualified", "adverse"]
    text: str = Field("", max_length=5000)
    on: date | None = None


class ApproveIn(Schema):
    note: str = Field("", max_length=5000)


class SpotCheckIn(Schema):
    share: Decimal = Field(..., gt=0, le=1)
    seed: int | None = None
    on: date | None = None


class StepOut(Schema):
    """A step as entered (``done_on``), with who recorded it and when."""

    step: str
    done_on: date
    note: str
    recorded_by: str | None
    recorded_at: datetime


class NonConformityOut(Schema):
    """A finding: the days entered (``*_on``) and who recorded each and when (``*_at``)."""

    id: int
    description: str
    raised_on: date | None
    raised_at: datetime
    raised_by: str | None
    correction: str
    corrected_on: date | None
    corrected_at: datetime | None
    corrected_by: str | None
    closed_on: date | None
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
    #: The annual report's total as reported (0.01 t, half-up).
    reported_tco2e: str | None
    assigned_on: date | None
    assigned_at: datetime
    assigned_by: str | None
    steps: list[StepOut]
    non_conformities: list[NonConformityOut]
    #: Verified emissions as the verifier entered them (exact, three decimals).
    verified: dict[str, str]
    verified_tco2e: str | None
    opinion: str
    text: str
    reported_on: date | None
    reported_at: datetime | None
    reported_by: str | None
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


class VerificationPageOut(PageOut):
    items: list[VerificationSummaryOut]


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


class DisclosurePageOut(PageOut):
    items: list[DisclosureOut]


class ReconciliationCategoryOut(Schema):
    """An inventory category within a sector (``unmapped``: emissions no inventory category
    estimates); ``name`` in the caller's language, ``code`` the IPCC code."""

    category: str
    code: str
    name: str
    enterprises: int
    verified_tco2e: str
    inventory_tco2e: float | None
    coverage: float | None
    gap_tco2e: float | None
    unexplained: bool


class ReconciliationLineOut(Schema):
    sector: str
    name: str
    enterprises: int
    verified_tco2e: str
    inventory_tco2e: float | None
    coverage: float | None
    gap_tco2e: float | None
    unexplained: bool
    categories: list[ReconciliationCategoryOut]


class ReconciliationOut(Schema):
    jurisdiction: str
    inventory: bool
    lines: list[ReconciliationLineOut]
