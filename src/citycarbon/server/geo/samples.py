"""Sample URL arguments for the jurisdiction pages and endpoints (see
:mod:`citycarbon.server.common.samples`): the first jurisdiction under the first root — in
the demo data the first district, whose official is a demo account."""

from __future__ import annotations

from citycarbon.server.geo.models import Jurisdiction


def demo_jurisdiction() -> dict[str, str] | None:
    root = Jurisdiction.objects.filter(parent__isnull=True).order_by("sort_order", "code").first()
    if root is None:
        return None
    child = Jurisdiction.objects.filter(parent=root).order_by("sort_order", "code").first()
    return {"code": (child or root).code}


SAMPLES = {
    "geo:jurisdiction_detail": demo_jurisdiction,
    "api:get_jurisdiction": demo_jurisdiction,
}
