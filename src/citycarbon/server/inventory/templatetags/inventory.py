"""Template filters, the jurisdiction-summary tag and the jurisdiction panel of the inventory
pages: ``{% load inventory %}``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from citycarbon.server.common.selectors import cached_for
from citycarbon.server.geo import selectors as geo_selectors
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


@register.simple_tag(takes_context=True)
def inventory_panel(context: template.Context, code: str) -> SafeString:
    """``{% inventory_panel jurisdiction_code %}`` — a small panel of the jurisdiction's
    latest approved or published inventory (totals, direct emissions by sector, links), as
    the user may see it; cached for their scope until an inventory, a factor set or a
    jurisdiction changes. Filled into the jurisdiction page's inventory slot
    (``inventory/_jurisdiction_panel.html``)."""
    request = context.get("request")
    user = getattr(request, "user", None)

    def render() -> str:
        jurisdiction = geo_selectors.jurisdiction(user, code)
        return render_to_string(
            "inventory/_inventory_panel.html",
            {
                "jurisdiction": jurisdiction,
                "latest": selectors.latest_inventory(user, jurisdiction),
            },
        )

    html = cached_for(user, "inventory.panel", code, selectors.DOMAINS, render)
    return mark_safe(html)  # rendered by Django's escaping templates
