"""Template filters and the jurisdiction-summary tag of the inventory pages:
``{% load inventory %}``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from citycarbon.server.inventory import selectors

register = template.Library()


@register.filter
def tenk(value: Any) -> Any:
    """tCO2e → 10^4 tCO2e (万吨), for headline figures: ``{{ total|tenk|floatformat:"1g" }}``."""
    if value is None or value == "":
        return None
    try:
        return float(value) / 1e4
    except (TypeError, ValueError):
        return value


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """``{{ dict|get:key }}``."""
    if isinstance(mapping, Mapping):
        return mapping.get(key)
    return None


@register.filter
def number(value: Any) -> bool:
    """Whether the value is a number (not a notation key such as ``C``)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@register.inclusion_tag("inventory/_jurisdiction_summary.html", takes_context=True)
def inventory_summary(context: template.Context, jurisdiction: Any) -> dict[str, Any]:
    """``{% inventory_summary jurisdiction %}`` — the jurisdiction's inventories, as the
    user may see them (for the jurisdiction page)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "summary": selectors.jurisdiction_summary(user, jurisdiction),
        "request": request,
    }
