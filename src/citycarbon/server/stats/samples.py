"""Sample URL arguments for the statistics pages and endpoints (see
:mod:`citycarbon.server.common.samples`): the newest published statistics of the demo
jurisdiction (whose official is a demo account)."""

from __future__ import annotations

from typing import Any

from citycarbon.server.geo.samples import demo_jurisdiction
from citycarbon.server.stats.models import Statistic


def _demo_statistic() -> Statistic | None:
    place = demo_jurisdiction()
    qs = Statistic.objects.order_by("-year", "-version")
    if place is not None:
        qs = qs.filter(jurisdiction__code=place["code"])
    return qs.first()


def demo_statistic() -> dict[str, Any] | None:
    found = _demo_statistic()
    return {"pk": found.pk} if found is not None else None


def demo_statistic_id() -> dict[str, Any] | None:
    found = _demo_statistic()
    return {"statistic_id": found.pk} if found is not None else None


def demo_step() -> dict[str, Any] | None:
    found = _demo_statistic()
    return {"pk": found.pk, "step": "submit"} if found is not None else None


SAMPLES = {
    "stats:statistic_detail": demo_statistic,
    "stats:statistic_edit": demo_statistic,
    "stats:statistic_acknowledge": demo_statistic,
    "stats:statistic_step": demo_step,
    "api:get_statistic": demo_statistic_id,
    "api:update_statistic": demo_statistic_id,
    "api:submit_statistic": demo_statistic_id,
    "api:approve_statistic": demo_statistic_id,
    "api:publish_statistic": demo_statistic_id,
    "api:return_statistic": demo_statistic_id,
    "api:correct_statistic": demo_statistic_id,
    "api:list_warnings": demo_statistic_id,
    "api:acknowledge_warning": demo_statistic_id,
}
