"""``/api/targets/`` — target sets, assessment runs (with their provenance) and results."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from citycarbon.server.common.api import REFUSALS, cached_read, paginate
from citycarbon.server.common.auth import API_READ, API_WRITE
from citycarbon.server.common.errors import NotFoundError
from citycarbon.server.common.schemas import ErrorOut, PageQuery
from citycarbon.server.geo import selectors as geo_selectors
from citycarbon.server.targets import selectors, services
from citycarbon.server.targets.choices import Basis
from citycarbon.server.targets.models import AssessmentResult, AssessmentRun, TargetSet
from citycarbon.server.targets.schemas import (
    ResultPageOut,
    ResultQuery,
    RunDetailOut,
    RunListQuery,
    RunOut,
    RunPageOut,
    RunQuery,
    TargetSetDetailOut,
    TargetSetPageOut,
)

router = Router(tags=["targets"])
#: What the targets reads show: target sets, runs and results, and the jurisdictions' codes.
DOMAINS = ("targets", "geo")
WRITE_REFUSALS: dict[int, Any] = {**REFUSALS, 409: ErrorOut}


def _set_out(item: TargetSet) -> dict[str, Any]:
    return {
        "code": item.code,
        "name": item.name,
        "name_en": item.name_en,
        "document": item.document,
        "jurisdiction": item.jurisdiction.code,
        "base_year": item.base_year,
        "target_year": item.target_year,
        "source_set": item.source_set,
    }


def _run_out(item: AssessmentRun) -> dict[str, Any]:
    return {
        "id": item.pk,
        "target_set": item.target_set.code,
        "basis": item.basis,
        "version": item.version,
        "state": item.state,
        "as_of": item.as_of,
        "created_at": item.created_at,
        "trigger": item.trigger,
        "input_digest": item.input_digest,
        "kernel_version": item.kernel_version,
    }


def _result_out(item: AssessmentResult) -> dict[str, Any]:
    return {
        "jurisdiction": item.jurisdiction.code,
        "year": item.year,
        "statistic": item.statistic_id,
        "co2_intensity": item.co2_intensity,
        "co2_intensity_reduction_pct": item.co2_reduction_pct,
        "required_cumulative_reduction_pct": item.required_reduction_pct,
        "progress_share_pct": item.progress_share_pct,
        "warning_level": item.warning_level,
        "energy_warning_level": item.energy_warning_level,
        "score": item.score,
        "grade": item.grade,
        "veto": item.veto,
        "rank": item.rank,
        "rank_of": item.rank_of,
        "verdict": item.verdict,
        "data": item.data,
    }


def _set(request: HttpRequest, code: str) -> TargetSet:
    found = selectors.target_set(request.user, code)
    assert found is not None
    return found


@router.get("/sets", response={200: TargetSetPageOut, **REFUSALS}, auth=API_READ)
@cached_read(*DOMAINS)
def list_sets(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """The target sets (plans are public), paginated."""
    return paginate(selectors.target_sets(request.user), query, _set_out)


@router.get("/sets/{code}", response={200: TargetSetDetailOut, **REFUSALS}, auth=API_READ)
@cached_read(*DOMAINS)
def get_set(request: HttpRequest, code: str) -> dict[str, Any]:
    """A target set with its jurisdictions' targets, plan indicators and checklist."""
    item = _set(request, code)
    return {
        **_set_out(item),
        "config": item.config,
        "co2_factors": item.co2_factors,
        "grid_factor": item.grid_factor,
        "targets": [
            {
                "jurisdiction": t.jurisdiction.code,
                "kernel_id": t.kernel_id,
                "annex_name": t.annex_name,
                "co2_intensity_target_pct": t.co2_intensity_target_pct,
                "energy_intensity_target_pct": t.energy_intensity_target_pct,
                "annual_targets": t.annual_targets,
            }
            for t in selectors.targets_of(item)
        ],
        "indicators": [
            {
                "code": i.code,
                "name": i.name,
                "name_en": i.name_en,
                "unit": i.unit,
                "direction": i.direction,
                "baseline": i.baseline,
                "target": i.target,
                "target_year": i.target_year,
                "responsible_department": i.responsible_department,
                "clause": i.clause,
            }
            for i in selectors.indicators_of(item)
        ],
        "checklist": [
            {
                "code": c.code,
                "name": c.name,
                "name_en": c.name_en,
                "part": c.part,
                "points": c.points,
                "clauses": c.clauses,
            }
            for c in selectors.checklist_of(item)
        ],
    }


@router.post("/sets/{code}/assess", response={200: list[RunOut], **WRITE_REFUSALS}, auth=API_WRITE)
def assess_set(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """Run the assessment now on both bases (the city office); a run is stored only when its
    input changed."""
    item = _set(request, code)
    runs = [
        services.do_assess(request.user, item, basis.value, trigger="requested through the API")
        for basis in (Basis.WORKING, Basis.PUBLISHED)
    ]
    return [_run_out(run) for run in runs if run is not None]


@router.get("/runs", response={200: RunPageOut, **REFUSALS}, auth=API_READ)
@cached_read(*DOMAINS)
def list_runs(request: HttpRequest, query: Query[RunListQuery]) -> dict[str, Any]:
    """The assessment runs the caller may see (working runs: the city office and reviewers),
    newest first, paginated."""
    item = _set(request, query.set) if query.set else None
    qs = selectors.runs(request.user, item)
    if query.basis:
        qs = qs.filter(basis=query.basis)
    return paginate(qs, query, _run_out)


@router.get("/runs/current", response={200: RunDetailOut, **REFUSALS}, auth=API_READ)
@cached_read(*DOMAINS)
def current_run(request: HttpRequest, query: Query[RunQuery]) -> dict[str, Any]:
    """The newest run the caller may see of a set (default: the newest set)."""
    item = selectors.target_set(request.user, query.set)
    run = selectors.current_run(request.user, item)
    if run is None:
        raise NotFoundError(_("No assessment yet."), field="set", value=query.set)
    return _run_detail(run)


def _run_detail(run: AssessmentRun) -> dict[str, Any]:
    return {
        **_run_out(run),
        "inputs": run.inputs,
        "excluded": run.excluded,
        "config": run.config,
        "factors": run.factors,
        "supersedes": run.supersedes_id,
    }


@router.get("/runs/{run_id}", response={200: RunDetailOut, **REFUSALS}, auth=API_READ)
@cached_read(*DOMAINS)
def get_run(request: HttpRequest, run_id: int) -> dict[str, Any]:
    """A run with its provenance: the statistic versions read, configuration, factors."""
    return _run_detail(selectors.run(request.user, run_id))


@router.get("/runs/{run_id}/results", response={200: ResultPageOut, **REFUSALS}, auth=API_READ)
@cached_read(*DOMAINS)
def run_results(request: HttpRequest, run_id: int, query: Query[ResultQuery]) -> dict[str, Any]:
    """The run's results by jurisdiction and year (the kernel's row in ``data``), paginated."""
    run = selectors.run(request.user, run_id)
    jurisdiction = (
        geo_selectors.jurisdiction(request.user, query.jurisdiction) if query.jurisdiction else None
    )
    return paginate(
        selectors.results(run, year=query.year, jurisdiction=jurisdiction), query, _result_out
    )


@router.get("/runs/{run_id}/output", response={200: dict[str, Any], **REFUSALS}, auth=API_READ)
@cached_read(*DOMAINS)
def run_output(request: HttpRequest, run_id: int) -> dict[str, Any]:
    """Everything the kernel computed in the run (``citycarbon.targets.Assessment.as_dict``)."""
    return dict(selectors.run(request.user, run_id).output)
