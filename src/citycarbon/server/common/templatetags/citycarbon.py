"""Template filters shared by every app's pages: ``{% load citycarbon %}``."""

from __future__ import annotations

from typing import Any

from django import template

from citycarbon.server.common.choices import action_label as _action_label

register = template.Library()


@register.filter
def action_label(code: str) -> Any:
    """``{{ event.action|action_label }}`` — the action's name in the active language."""
    return _action_label(code)
