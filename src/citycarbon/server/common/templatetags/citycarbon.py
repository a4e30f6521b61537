"""Template filters shared by every app's pages: ``{% load citycarbon %}``."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext

from citycarbon.numbers import NumberError, quantize, to_decimal
from citycarbon.server.common.choices import LifecycleState
from citycarbon.server.common.choices import action_label as _action_label
from citycarbon.server.common.choices import unit_label as _unit_label

register = template.Library()


@register.filter
def action_label(code: str) -> Any:
    """``{{ event.action|action_label }}`` — the action's name in the active language."""
    return _action_label(code)


@register.filter
def unit_label(unit: str | None) -> str:
    """``{{ indicator.unit|unit_label }}`` — a unit in the active language (``count`` → 个)."""
    return _unit_label(unit)


@register.filter
def actor_label(event: Any) -> str:
    """``{{ event|actor_label }}`` — who did it: the user's name, or "system" in the active
    language for the system's own actions (management commands, loaders)."""
    if getattr(event, "actor_id", None) is None:
        return gettext("system")
    return str(event.actor_name)


@register.filter
def state_label(state: str | None) -> Any:
    """``{{ "published"|state_label }}`` — a lifecycle state in the active language."""
    try:
        return LifecycleState(state or "").label
    except ValueError:
        return state or ""


@register.filter
def pretty_json(value: Any) -> str:
    """Stored JSON (a configuration, factors) indented for reading, non-ASCII as written."""
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)


@register.filter
def figure(value: Any, digits: int = 4) -> str:
    """A reported figure as given, in the active language's number format: at most ``digits``
    decimals and no trailing zeros (483.9, 14,741,000), an em dash for nothing."""
    if value is None or value == "":
        return "—"
    try:
        exact = to_decimal(value)
    except NumberError:
        return str(value)
    # Exact figures (verified emissions, amounts) stay Decimal: rounded by the one policy
    # (half-up, citycarbon.numbers), never through a float.
    number = quantize(exact, Decimal(1).scaleb(-int(digits))).normalize()
    shown: Any = int(number) if number == number.to_integral_value() else number
    return str(number_format(shown, force_grouping=True))
