"""Sample URL arguments for the targets pages and endpoints (see
:mod:`citycarbon.server.common.samples`): the newest target set, its newest published run and
that run's latest year, and the demo jurisdiction."""

from __future__ import annotations

from typing import Any

from citycarbon.server.geo.samples import demo_jurisdiction
from citycarbon.server.targets.models import AssessmentRun, TargetSet


def _run() -> AssessmentRun | None:
    return (
        AssessmentRun.objects.filter(basis="published").order_by("-pk").only("pk", "as_of").first()
    )


def demo_set() -> dict[str, Any] | None:
    found = TargetSet.objects.order_by("-base_year", "code").first()
    return {"code": found.code} if found is not None else None


def demo_run() -> dict[str, Any] | None:
    found = _run()
    return {"pk": found.pk} if found is not None else None


def demo_run_id() -> dict[str, Any] | None:
    found = _run()
    return {"run_id": found.pk} if found is not None else None


def demo_year() -> dict[str, Any] | None:
    found = _run()
    return {"year": found.as_of} if found is not None else None


SAMPLES = {
    "targets:assessment_export": demo_year,
    "targets:assessment_report": demo_year,
    "targets:run_detail": demo_run,
    "targets:target_set": demo_set,
    "targets:jurisdiction": demo_jurisdiction,
    "api:get_set": demo_set,
    "api:assess_set": demo_set,
    "api:get_run": demo_run_id,
    "api:run_results": demo_run_id,
    "api:run_output": demo_run_id,
}
