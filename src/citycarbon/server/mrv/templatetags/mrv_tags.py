"""Template filters of the MRV pages: ``{% load mrv_tags %}``."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from citycarbon.accounting.sources import SOURCE_TYPES
from citycarbon.server.common.choices import localised
from citycarbon.server.mrv.selectors import sector_names

register = template.Library()


@register.filter
def sector_name(sector: str) -> str:
    """``{{ "power_generation"|sector_name }}`` — the sector guideline's name in the active
    language (the id when unknown)."""
    return sector_names().get(sector, sector)


@register.filter
def sector_list(sectors: Any) -> str:
    """Sector guideline ids (or ``EnterpriseSector`` rows) as their names, joined."""
    names = sector_names()
    ids = [getattr(s, "sector", s) for s in sectors]
    return "、".join(names.get(i, i) for i in ids)


@register.filter
def obligation_label(kind: str) -> Any:
    from citycarbon.server.mrv.choices import ObligationKind

    return dict(ObligationKind.choices()).get(kind, kind)


@register.filter
def standing_label(code: str) -> Any:
    from citycarbon.server.mrv.choices import Standing

    return dict(Standing.choices()).get(code, code)


@register.filter
def role_label(role: str) -> Any:
    from citycarbon.server.common.roles import role_spec

    try:
        return role_spec(role).label
    except LookupError:
        return role


@register.simple_tag
def lookup(values: dict[str, str], key: str, suffix: str, default: str = "") -> str:
    """``{% lookup values f.key '__value' %}`` — a posted value of the ledger form shown again
    (``default`` when there is none)."""
    return values.get(f"{key}{suffix}", default) if values else default


_METHODS = {
    "sum": _("sum of the months"),
    "weighted_mean": _("weighted mean of the months"),
    "mean": _("mean of the months"),
    "element_carbon": _("from element carbon: Σ FC·C / Σ FC·NCV"),
    "fixed": _("fixed in the plan"),
    "default": _("default of the factor library"),
    "choice": _("chosen in the plan"),
    "output": _("output, summed"),
}


@register.filter
def derivation_label(method: str) -> Any:
    """``{{ "weighted_mean"|derivation_label }}`` — how a report figure was made."""
    return _METHODS.get(method, method)


@register.filter
def source_name(source: str) -> str:
    """``{{ "fuel_combustion"|source_name }}`` — the source type's name in the active language
    (the id when unknown)."""
    spec = SOURCE_TYPES.get(source)
    return localised(spec.name_zh, spec.name_en) if spec else source


_TREATMENTS = {
    "add": pgettext_lazy("treatment", "added"),
    "subtract": pgettext_lazy("treatment", "subtracted"),
    "memo": pgettext_lazy("treatment", "memo item"),
}


@register.filter
def treatment_label(treatment: str) -> Any:
    """``{{ "add"|treatment_label }}`` — how a source counts in the sector's total."""
    return _TREATMENTS.get(treatment, treatment)
