"""Sample URL arguments for the factor pages and endpoints (see
:mod:`citycarbon.server.common.samples`): the newest published version of the shipped set and
its grid factor of central China."""

from __future__ import annotations

from typing import Any

from citycarbon.server.factors.models import FactorRow, FactorSet

SAMPLE_FACTOR = "grid.central.2012"


def _published() -> FactorSet | None:
    return FactorSet.objects.filter(state="published").order_by("name", "-version").first()


def demo_set() -> dict[str, Any] | None:
    item = _published()
    return None if item is None else {"pk": item.pk}


def demo_set_api() -> dict[str, Any] | None:
    item = _published()
    return None if item is None else {"set_id": item.pk}


def demo_step() -> dict[str, Any] | None:
    item = _published()
    return None if item is None else {"pk": item.pk, "step": "correct"}


def _row() -> FactorRow | None:
    item = _published()
    if item is None:
        return None
    return (
        FactorRow.objects.filter(factor_set=item, factor_id=SAMPLE_FACTOR).first()
        or FactorRow.objects.filter(factor_set=item).order_by("factor_id").first()
    )


def demo_row() -> dict[str, Any] | None:
    row = _row()
    return None if row is None else {"pk": row.factor_set_id, "factor_id": row.factor_id}


def demo_row_api() -> dict[str, Any] | None:
    row = _row()
    return None if row is None else {"set_id": row.factor_set_id, "factor_id": row.factor_id}


def demo_comparison() -> dict[str, Any] | None:
    item = _published()
    return None if item is None else {"old_id": item.pk, "new_id": item.pk}


SAMPLES = {
    "factors:set_detail": demo_set,
    "factors:set_rows_export": demo_set,
    "factors:set_step": demo_step,
    "factors:row_new": demo_set,
    "factors:row_detail": demo_row,
    "factors:row_edit": demo_row,
    "factors:row_remove": demo_row,
    "api:get_factor_set": demo_set_api,
    "api:list_factor_rows": demo_set_api,
    "api:get_factor_row": demo_row_api,
    "api:compare_factor_sets": demo_comparison,
}
