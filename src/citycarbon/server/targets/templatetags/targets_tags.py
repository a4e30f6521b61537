"""Template tags of the targets pages: ``{% load targets_tags %}``.

- ``{% city_dashboard %}`` — the city dashboard (the home page shows it);
- ``{% include_if_exists "app/_part.html" %}`` — a slot another app fills when installed (the
  jurisdiction page's inventory part);
- filters labelling the kernel's Chinese terms and units in the active language.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from citycarbon.server.common.choices import unit_label as _unit_label
from citycarbon.server.targets.choices import (
    grade_label,
    verdict_label,
    warning_colour,
    warning_label,
)
from citycarbon.server.targets.dashboard import dashboard_html

register = template.Library()


@register.simple_tag(takes_context=True)
def city_dashboard(context: template.Context) -> SafeString:
    """The city dashboard for what the visitor may see (cached for their scope)."""
    request = context.get("request")
    return mark_safe(dashboard_html(getattr(request, "user", None)))  # rendered by Django


@register.simple_tag(takes_context=True)
def include_if_exists(context: template.Context, name: str) -> SafeString:
    """Render ``name`` with the page's context if some installed app provides it."""
    try:
        found = get_template(name)
    except template.TemplateDoesNotExist:
        return mark_safe("")
    return mark_safe(found.render(context.flatten(), context.get("request")))


@register.filter
def warning(level: str | None) -> Any:
    return warning_label(level)


@register.filter
def warning_bg(level: str | None) -> str:
    return warning_colour(level)


@register.filter
def grade(value: str | None) -> Any:
    return grade_label(value)


@register.filter
def verdict(value: str | None) -> Any:
    return verdict_label(value)


@register.filter
def unit_label(unit: str | None) -> str:
    """A plan indicator's unit in the active language (``count`` → 个; see common.choices)."""
    return _unit_label(unit)


@register.filter
def pct(value: Any, digits: int = 2) -> str:
    """A percentage as shown by the kernel (2 decimals), or an em dash."""
    if value is None or value == "":
        return "—"
    try:
        return f"{float(value):.{int(digits)}f}"
    except (TypeError, ValueError):
        return str(value)
