"""``/api/mrv/coverage-rules`` and ``/api/mrv/screening-runs`` — coverage thresholds, screening
runs and their proposals."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Query, Status
from ninja.files import UploadedFile

from citycarbon.server.common.api import cached_read, paginate
from citycarbon.server.common.auth import API_WRITE
from citycarbon.server.common.schemas import DEFAULT_PAGE_SIZE
from citycarbon.server.common.selectors import perm_for, require
from citycarbon.server.common.validators import validate_upload
from citycarbon.server.mrv import selectors, services
from citycarbon.server.mrv.api._common import READ, READS, WRITE, _figure, router
from citycarbon.server.mrv.models import (
    CoverageRule,
    ScreeningProposal,
    ScreeningRun,
)
from citycarbon.server.mrv.schemas import (
    AcceptIn,
    CoverageRuleIn,
    CoverageRuleOut,
    PageQuery,
    ProposalOut,
    RejectIn,
    ScreeningIn,
    ScreeningRunDetailOut,
    ScreeningRunPageOut,
)

# --- coverage thresholds and screening --------------------------------------------------------


def _rule_out(rule: CoverageRule) -> dict[str, Any]:
    return {
        "valid_from_year": rule.valid_from_year,
        "energy_tce": format(rule.energy_tce, "f"),
        "emissions_tco2e": format(rule.emissions_tco2e, "f"),
        "note": rule.note,
    }


@router.get("/coverage-rules", response={200: list[CoverageRuleOut], **READ}, auth=API_WRITE)
@cached_read(*READS)
def list_coverage_rules(request: HttpRequest) -> list[dict[str, Any]]:
    """The coverage thresholds, each valid from its year until the next (none set: 5,000 tce
    or 13,000 tCO2e from 2010 apply)."""
    require(request.user, perm_for(CoverageRule, "view"))
    return [_rule_out(rule) for rule in selectors.coverage_rule_list(request.user)]


@router.put(
    "/coverage-rules/{valid_from_year}", response={200: CoverageRuleOut, **WRITE}, auth=API_WRITE
)
def put_coverage_rule(
    request: HttpRequest, valid_from_year: int, payload: CoverageRuleIn
) -> dict[str, Any]:
    rule = services.do_set_coverage_rule(
        request.user,
        valid_from_year=valid_from_year,
        energy_tce=payload.energy_tce,
        emissions_tco2e=payload.emissions_tco2e,
        note=payload.note,
    )
    return _rule_out(rule)


def _run_out(run: ScreeningRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "source": run.source,
        "created_at": run.created_at,
        "units": run.units,
        "already_registered": run.already_registered,
        "below": run.below,
        "proposals": run.proposal_count,  # annotated by the selector
        "pending": run.pending_count,
        "rules": [{**rule, "note": ""} for rule in run.rules],
    }


def _proposal_out(item: ScreeningProposal) -> dict[str, Any]:
    return {
        "id": item.pk,
        "credit_code": item.credit_code,
        "name_zh": item.name_zh,
        "jurisdiction": item.jurisdiction.code,
        "sectors": list(item.sectors),
        "coverage_reason": item.coverage_reason,
        "coverage_year": item.coverage_year,
        "coverage_energy_tce": _figure(item.coverage_energy_tce),
        "coverage_emissions_tco2e": _figure(item.coverage_emissions_tco2e),
        "figures": list(item.figures),
        "decision": item.decision,
        "reason": item.reason,
        "decided_at": item.decided_at,
        "enterprise": item.enterprise.credit_code if item.enterprise else None,
    }


def _run_detail(
    request: HttpRequest, run_id: int, query: PageQuery | None = None
) -> dict[str, Any]:
    """The run with one page of its proposals (the first, when ``query`` is ``None``)."""
    run = selectors.screening_run(request.user, run_id)
    first = PageQuery(page=1, page_size=DEFAULT_PAGE_SIZE)
    page = paginate(selectors.proposals_of(run), query or first, _proposal_out)
    return {**_run_out(run), **page}


@router.get("/screening-runs", response={200: ScreeningRunPageOut, **READ}, auth=API_WRITE)
@cached_read(*READS)
def list_screening_runs(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    require(request.user, perm_for(ScreeningRun, "view"))
    return paginate(selectors.screening_runs(request.user), query, _run_out)


@router.post("/screening-runs", response={201: ScreeningRunDetailOut, **WRITE}, auth=API_WRITE)
def run_screening(request: HttpRequest, payload: ScreeningIn) -> Status[dict[str, Any]]:
    """Screen annual figures (one item per enterprise and year) against the coverage rules:
    units that reached a threshold and are not registered become proposals. All or nothing;
    each problem named by item (``row``) and field."""
    rows = [
        services.ScreeningRow(
            credit_code=item.credit_code.strip().upper(),
            name_zh=item.name_zh.strip(),
            jurisdiction=item.jurisdiction.strip(),
            sectors=tuple(item.sectors),
            year=item.year,
            energy_tce=item.energy_tce,
            emissions_tco2e=item.emissions_tco2e,
            row=index,
        )
        for index, item in enumerate(payload.items, start=1)
    ]
    run = services.do_run_screening(request.user, rows, source=payload.source or "API")
    return Status(201, _run_detail(request, run.pk))


@router.post(
    "/screening-runs/import", response={201: ScreeningRunDetailOut, **WRITE}, auth=API_WRITE
)
def import_screening(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    """Screen the figures of a workbook (the template of ``/mrv/screening/template.xlsx``)."""
    validate_upload(file, [".xlsx"])
    run = services.do_import_screening(
        request.user, file.read(), filename=file.name or "upload.xlsx"
    )
    return Status(201, _run_detail(request, run.pk))


@router.get(
    "/screening-runs/{run_id}", response={200: ScreeningRunDetailOut, **READ}, auth=API_WRITE
)
@cached_read(*READS)
def get_screening_run(request: HttpRequest, run_id: int, query: Query[PageQuery]) -> dict[str, Any]:
    """The run with its proposals, paginated (``page``, ``page_size``)."""
    return _run_detail(request, run_id, query)


@router.post(
    "/screening-proposals/{proposal_id}/accept",
    response={200: ProposalOut, **WRITE},
    auth=API_WRITE,
)
def accept_proposal(request: HttpRequest, proposal_id: int, payload: AcceptIn) -> dict[str, Any]:
    """Register the proposed unit (the coverage reason is the first year it crossed)."""
    found = selectors.proposal(request.user, proposal_id)
    item = services.do_accept_proposal(
        request.user,
        found,
        sectors=payload.sectors,
        registered_on=payload.registered_on,
        reason=payload.reason,
    )
    return _proposal_out(selectors.proposal(request.user, item.pk))


@router.post(
    "/screening-proposals/{proposal_id}/reject",
    response={200: ProposalOut, **WRITE},
    auth=API_WRITE,
)
def reject_proposal(request: HttpRequest, proposal_id: int, payload: RejectIn) -> dict[str, Any]:
    found = selectors.proposal(request.user, proposal_id)
    item = services.do_reject_proposal(request.user, found, payload.reason)
    return _proposal_out(selectors.proposal(request.user, item.pk))
