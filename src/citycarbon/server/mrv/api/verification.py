"""Verification: assignments, steps, non-conformities, the verification report, approval,
spot checks and advisory relations."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Status

from citycarbon.server.common.api import cached_read, paginate
from citycarbon.server.common.auth import API_WRITE
from citycarbon.server.common.errors import NotFoundError
from citycarbon.server.common.selectors import perm_for, require
from citycarbon.server.mrv import selectors, services
from citycarbon.server.mrv.api._common import (
    READ,
    READS,
    READS_WITH_PEOPLE,
    WRITE,
    _figure,
    _user_name,
    router,
)
from citycarbon.server.mrv.models import (
    NonConformity,
    VerificationAssignment,
)
from citycarbon.server.mrv.reports import reported_figure
from citycarbon.server.mrv.schemas import (
    AdvisoryIn,
    AdvisoryOut,
    ApproveIn,
    AssignIn,
    CorrectionIn,
    NonConformityIn,
    NonConformityOut,
    OnIn,
    PageQuery,
    SpotCheckIn,
    StepIn,
    VerificationOut,
    VerificationPageOut,
    VerificationReportIn,
    VerificationSummaryOut,
)

# --- verification -----------------------------------------------------------------------------

#: ``{kind}`` and ``{step}``, listed in the OpenAPI document (``AssignmentKind``,
#: ``VerificationStepKind``); another value is refused (422, ``field`` and ``value`` named).
Kind = Literal["primary", "spot_check"]
Step = Literal["plan", "document_review", "site_visit"]


def verification_out(
    item: VerificationAssignment,
    *,
    details: bool = True,
    parts: selectors.VerificationParts | None = None,
) -> dict[str, Any]:
    """A verification; with ``details``, its parts too (``parts``, read when not given)."""
    data: dict[str, Any] = {
        "enterprise": item.enterprise.credit_code,
        "year": item.year,
        "kind": item.kind,
        "organisation": item.organisation.credit_code,
        "state": item.state,
        "verified_tco2e": _figure(item.verified_tco2e),
        "approved_tco2e": _figure(item.approved_tco2e),
    }
    if not details:
        return data
    if parts is None:
        parts = selectors.verification_parts([item])[item.pk]
    return {
        **data,
        "method": item.method,
        "report_version": item.report.version,
        "reported_tco2e": reported_figure(item.report.figures.get("total")),
        "assigned_on": item.assigned_on,
        "assigned_at": item.assigned_at,
        "assigned_by": _user_name(item.assigned_by),
        "steps": [
            {"step": s.step, "done_on": s.done_on, "note": s.note,
             "recorded_by": _user_name(s.recorded_by), "recorded_at": s.recorded_at}
            for s in parts.steps
        ],
        "non_conformities": [_non_conformity_out(n) for n in parts.non_conformities],
        "verified": {v.source: _figure(v.tco2e) for v in parts.verified},
        "opinion": item.opinion,
        "text": item.opinion_text,
        "reported_on": item.reported_on,
        "reported_at": item.reported_at,
        "reported_by": _user_name(item.reported_by),
        "approved_at": item.approved_at,
        "approved_by": _user_name(item.approved_by),
        "acknowledgements": [
            {"month": f.ledger.month, "code": f.code, "stream": f.stream,
             "parameter": f.parameter, "value": f.value, "reason": f.reason,
             "acknowledged_by": _user_name(f.acknowledged_by),
             "acknowledged_at": f.acknowledged_at}
            for f in parts.acknowledgements
        ],
    }  # fmt: skip


def _summary_out(item: VerificationAssignment) -> dict[str, Any]:
    return verification_out(item, details=False)


@router.get("/verifications", response={200: VerificationPageOut, **READ}, auth=API_WRITE)
@cached_read(*READS)
def list_verifications(
    request: HttpRequest, query: Query[PageQuery], year: int | None = None
) -> dict[str, Any]:
    """The verifications the caller may see (a verifier: its organisation's), newest year
    first, paginated."""
    require(request.user, perm_for(VerificationAssignment, "view"))
    return paginate(selectors.verification_summaries(request.user, year), query, _summary_out)


@router.get(
    "/verifications/{credit_code}/{year}",
    response={200: list[VerificationOut], **READ},
    auth=API_WRITE,
)
@cached_read(*READS_WITH_PEOPLE)
def get_verification(request: HttpRequest, credit_code: str, year: int) -> list[dict[str, Any]]:
    """The verification (and spot check) of an enterprise's year: steps, findings with their
    corrections, verified emissions by source, opinion, approval, and the acknowledged
    warnings of the ledger."""
    records = selectors.verification_of(request.user, credit_code, year)
    parts = selectors.verification_parts(records)
    return [verification_out(v, parts=parts[v.pk]) for v in records]


@router.post(
    "/verifications/{credit_code}/{year}/assign",
    response={201: VerificationOut, **WRITE},
    auth=API_WRITE,
)
def assign_verifier(
    request: HttpRequest, credit_code: str, year: int, payload: AssignIn
) -> Status[dict[str, Any]]:
    """Assign a verifier organisation (the office): named, or drawn at random among those
    that may verify the enterprise (``can_verify`` and the conflict-of-interest rule)."""
    item = selectors.enterprise(request.user, credit_code)
    require(
        request.user,
        perm_for(VerificationAssignment, "add"),
        VerificationAssignment(enterprise=item),
    )
    organisation = (
        None
        if payload.random or not payload.organisation
        else selectors.verifier_organisation(request.user, payload.organisation)
    )
    record = services.do_assign_verifier(
        request.user, item, year, organisation=organisation, seed=payload.seed, on=payload.on
    )
    return Status(201, verification_out(record))


def _acting(request: HttpRequest, credit_code: str, year: int, kind: str, what: str) -> Any:
    if kind not in ("primary", "spot_check"):
        raise NotFoundError(_("No such verification."), field="kind", value=kind)
    return services.verifier_assignment(
        request.user, credit_code, year, kind, what, "mrv.verify_verificationassignment"
    )


@router.post(
    "/verifications/{credit_code}/{year}/{kind}/steps/{step}",
    response={200: VerificationOut, **WRITE},
    auth=API_WRITE,
)
def verification_step(
    request: HttpRequest,
    credit_code: str,
    year: int,
    kind: Kind,
    step: Step,
    payload: StepIn,
) -> dict[str, Any]:
    """Record a step (``plan``, ``document_review``, ``site_visit``), in that order (the
    assigned verifier; anyone else is refused and the attempt audited)."""
    record = _acting(request, credit_code, year, kind, step)
    services.do_verification_step(request.user, record, step, payload.done_on, payload.note)
    record.refresh_from_db()
    return verification_out(record)


@router.post(
    "/verifications/{credit_code}/{year}/{kind}/findings",
    response={201: NonConformityOut, **WRITE},
    auth=API_WRITE,
)
def raise_non_conformity(
    request: HttpRequest, credit_code: str, year: int, kind: Kind, payload: NonConformityIn
) -> Status[dict[str, Any]]:
    """The assigned verifier records a non-conformity."""
    record = _acting(request, credit_code, year, kind, "raise_non_conformity")
    item = services.do_raise_non_conformity(
        request.user, record, payload.description, on=payload.on
    )
    return Status(201, _non_conformity_out(item))


def _non_conformity_out(n: NonConformity) -> dict[str, Any]:
    return {
        "id": n.pk, "description": n.description,
        "raised_on": n.raised_on, "raised_at": n.raised_at, "raised_by": _user_name(n.raised_by),
        "correction": n.correction, "corrected_on": n.corrected_on,
        "corrected_at": n.corrected_at, "corrected_by": _user_name(n.corrected_by),
        "closed_on": n.closed_on, "closed_at": n.closed_at, "closed_by": _user_name(n.closed_by),
    }  # fmt: skip


def _finding_of(record: VerificationAssignment, finding_id: int) -> NonConformity:
    found = selectors.non_conformities_of(record).filter(pk=finding_id).first()
    if found is None:
        raise NotFoundError(_("No such finding."), field="finding_id", value=finding_id)
    return found


@router.post(
    "/verifications/{credit_code}/{year}/{kind}/findings/{finding_id}/correct",
    response={200: NonConformityOut, **WRITE},
    auth=API_WRITE,
)
def correct_non_conformity(
    request: HttpRequest,
    credit_code: str,
    year: int,
    kind: Kind,
    finding_id: int,
    payload: CorrectionIn,
) -> dict[str, Any]:
    """The enterprise says how it corrected the finding."""
    records = selectors.verification_of(request.user, credit_code, year)
    record = next((r for r in records if r.kind == kind), None)
    if record is None:
        raise NotFoundError(_("No such verification."), field="kind", value=kind)
    item = services.do_correct_non_conformity(
        request.user, _finding_of(record, finding_id), payload.correction, on=payload.on
    )
    return _non_conformity_out(item)


@router.post(
    "/verifications/{credit_code}/{year}/{kind}/findings/{finding_id}/close",
    response={200: NonConformityOut, **WRITE},
    auth=API_WRITE,
)
def close_non_conformity(
    request: HttpRequest,
    credit_code: str,
    year: int,
    kind: Kind,
    finding_id: int,
    payload: OnIn,
) -> dict[str, Any]:
    """The assigned verifier closes a corrected finding."""
    record = _acting(request, credit_code, year, kind, "close_non_conformity")
    item = services.do_close_non_conformity(
        request.user, record, _finding_of(record, finding_id), on=payload.on
    )
    return _non_conformity_out(item)


@router.post(
    "/verifications/{credit_code}/{year}/{kind}/report",
    response={200: VerificationOut, **WRITE},
    auth=API_WRITE,
)
def verification_report(
    request: HttpRequest,
    credit_code: str,
    year: int,
    kind: Kind,
    payload: VerificationReportIn,
) -> dict[str, Any]:
    """The verification report: verified emissions by source type and the opinion."""
    record = _acting(request, credit_code, year, kind, "verification_report")
    services.do_verification_report(
        request.user, record, payload.emissions, payload.opinion, payload.text, on=payload.on
    )
    record.refresh_from_db()
    return verification_out(record)


@router.post(
    "/verifications/{credit_code}/{year}/approve",
    response={200: VerificationOut, **WRITE},
    auth=API_WRITE,
)
def approve_verification(
    request: HttpRequest, credit_code: str, year: int, payload: ApproveIn
) -> dict[str, Any]:
    """The office reviews the report and approves the verified figure."""
    records = selectors.verification_of(request.user, credit_code, year)
    record = next((r for r in records if r.kind == "primary"), None)
    if record is None:
        raise NotFoundError(_("No such verification."), field="kind", value="primary")
    record = services.do_approve_verification(request.user, record, payload.note)
    return verification_out(record)


@router.post(
    "/spot-checks/{year}",
    response={201: list[VerificationSummaryOut], **WRITE},
    auth=API_WRITE,
)
def draw_spot_checks(
    request: HttpRequest, year: int, payload: SpotCheckIn
) -> Status[list[dict[str, Any]]]:
    """Draw a random share of the year's reported verifications for a second verifier."""
    made = services.do_draw_spot_checks(
        request.user, year, payload.share, seed=payload.seed, on=payload.on
    )
    return Status(201, [verification_out(v, details=False) for v in made])


@router.post(
    "/verifiers/{credit_code}/advisory",
    response={201: AdvisoryOut, **WRITE},
    auth=API_WRITE,
)
def add_advisory(
    request: HttpRequest, credit_code: str, payload: AdvisoryIn
) -> Status[dict[str, Any]]:
    """Record that the organisation advised an enterprise (it may then not verify it)."""
    organisation = selectors.verifier_organisation(request.user, credit_code)
    item = selectors.enterprise(request.user, payload.enterprise)
    record = services.do_add_advisory(
        request.user, organisation, item, from_year=payload.from_year, to_year=payload.to_year,
        note=payload.note,
    )  # fmt: skip
    return Status(
        201,
        {
            "id": record.pk, "organisation": organisation.credit_code,
            "enterprise": item.credit_code, "from_year": record.from_year,
            "to_year": record.to_year, "note": record.note,
        },
    )  # fmt: skip
