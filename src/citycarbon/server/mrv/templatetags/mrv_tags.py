"""Template filters of the MRV pages: ``{% load mrv_tags %}``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from citycarbon.accounting.monitoring.plan import FREQUENCIES, METHODS
from citycarbon.accounting.sources import SOURCE_TYPES
from citycarbon.factors.catalogue import fuels
from citycarbon.inventory.model import SECTOR_NAMES
from citycarbon.server.common.choices import localised
from citycarbon.server.common.choices import unit_label as _unit_label
from citycarbon.server.common.templatetags.citycarbon import figure
from citycarbon.server.mrv.plans import stored_message
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


# --- names of a monitoring plan's streams, parameters and findings ---------------------------
#
# The pages show what the plan calls a stream, the source type's name of a parameter, the
# method's and frequency's names and a check's name in the active language; the ids stay as
# secondary text where a person needs them (the workbook's columns). The plan is read from a
# record the view already fetched: a template never runs a query (``_document`` uses a
# record's plan only when it was fetched with it).

#: Parameters named alike by several source types (their names differ by source: "fuel
#: consumed", "electricity purchased" …), and the two the plan adds: when the stream's source
#: type is not at hand, these general names.
_PARAMETERS = {
    "quantity": pgettext_lazy("parameter", "Quantity"),
    "output": pgettext_lazy("parameter", "Production output"),
    "element_carbon": pgettext_lazy("parameter", "Element carbon content"),
    "ncv": pgettext_lazy("parameter", "Net calorific value"),
    "carbon_content": pgettext_lazy("parameter", "Carbon content"),
    "oxidation": pgettext_lazy("parameter", "Oxidation rate"),
    "factor": pgettext_lazy("parameter", "Emission factor"),
    "ef": pgettext_lazy("parameter", "Emission factor"),
    "purity": pgettext_lazy("parameter", "Purity"),
    "recovered": pgettext_lazy("parameter", "Quantity recovered"),
    "ch4_fraction": pgettext_lazy("parameter", "CH4 volume fraction"),
    "technology": pgettext_lazy("parameter", "Production process"),
}

#: A finding's name by its code (the kernel's checks of the monthly ledger, and the plan's
#: warning): what the acknowledged-warnings table and the warnings' lists call it.
FINDING_NAMES = {
    "wrong_enterprise": _("Row of another enterprise"),
    "enterprise_without_plan": _("No monitoring plan"),
    "wrong_year": _("Month outside the plan's year"),
    "stream_unknown": _("Stream not in the plan"),
    "facility_mismatch": _("Facility not the stream's"),
    "parameter_unplanned": _("Parameter not measured by the plan"),
    "after_reporting_month": _("Month after the reporting month"),
    "missing": _("Value missing"),
    "duplicate": _("Duplicate value"),
    "unit_unknown": _("Unknown unit"),
    "unit_dimension": _("Unit of another dimension"),
    "negative": _("Negative value"),
    "outside_field_bounds": _("Value outside its bounds"),
    "evidence_missing": _("Evidence missing"),
    "out_of_range": _("Outside the expected range"),
    "out_of_hard_range": _("Outside the plausible range"),
    "carbon_band": _("Carbon content outside the plausible band"),
    "jump": _("Month-over-month jump"),
    "intensity_outlier": _("Intensity outside the peers' range"),
    "annual_mismatch": _("Months differ from the annual total"),
    "annual_not_additive": _("Annual total of a non-additive parameter"),
    "plan_standard_missing": _("Lab analysis without its standard"),
}

_SHORT = re.compile(r"（|：|；|\s*\(|: |; ")


def _short(text: str) -> str:
    """A field's description up to its first explanation ("Fuel consumed: t for solids …")."""
    return _SHORT.split(text, maxsplit=1)[0].strip() or text


def _document(plan: Any) -> Mapping[str, Any] | None:
    """The stored plan document behind ``plan``: a document, a ``MonitoringPlan`` record, or a
    record holding one (a ledger month, an annual report) whose plan was fetched with it;
    ``None`` otherwise (never a query)."""
    if isinstance(plan, Mapping):
        return plan if "streams" in plan else None
    document = getattr(plan, "document", None)
    if isinstance(document, Mapping):
        return document
    descriptor = getattr(type(plan), "plan", None)
    if (
        descriptor is not None
        and getattr(descriptor, "is_cached", None)
        and descriptor.is_cached(plan)
    ):
        return _document(plan.plan)
    return None


def _streams(plan: Any) -> dict[str, Mapping[str, Any]]:
    """The plan's streams by id (id, name, source, choices, product), from its document; from
    an annual report whose plan was not fetched, its figures' lines (id and source only)."""
    document = _document(plan)
    if document is not None:
        return {
            str(s.get("id")): s for s in document.get("streams") or [] if isinstance(s, Mapping)
        }
    figures = getattr(plan, "figures", plan)
    lines = figures.get("lines") if isinstance(figures, Mapping) else None
    return {str(line["stream"]): line for line in lines or [] if isinstance(line, Mapping)}


def _choice_value(field: str, value: Any) -> str:
    """A stream's choice in the active language (a fuel's name; other choices as written)."""
    text = "" if value is None else str(value)
    if field == "fuel":
        fuel = fuels().get(text)
        if fuel is not None:
            return localised(fuel.name_zh, fuel.name_en)
    return text


def _bracketed(text: str, detail: str) -> str:
    """``text（detail）`` in Chinese, ``text (detail)`` in English."""
    return localised(f"{text}（{detail}）", f"{text} ({detail})")


def _stream_name(stream: Mapping[str, Any] | None, stream_id: str) -> str:
    """What the plan calls the stream; without a name, its source type (and fuel) or its
    product; the id when nothing is known."""
    if stream is None:
        return stream_id
    if stream.get("name"):
        return str(stream["name"])
    source = stream.get("source")
    if source in SOURCE_TYPES:
        name = source_name(str(source))
        fuel = stream.get("fuel") or (stream.get("choices") or {}).get("fuel")
        return _bracketed(name, _choice_value("fuel", fuel)) if fuel else name
    if stream.get("kind") == "production" or stream.get("product"):
        product = stream.get("product")
        label = str(_PARAMETERS["output"])
        return _bracketed(label, product_name(str(product))) if product else label
    return stream_id


def parameter_name(source: str | None, name: str) -> str:
    """A parameter's name in the active language: its source type's field when the source is
    known, else the general name, else the name every source type gives it, else the id."""
    spec = SOURCE_TYPES.get(source or "")
    if spec is not None:
        for item in spec.fields:
            if item.name == name:
                return _short(localised(item.description_zh, item.description_en))
    if name in _PARAMETERS:
        return str(_PARAMETERS[name])
    described = _field_descriptions().get(name)
    return _short(localised(*described)) if described else name


@cache
def _field_descriptions() -> dict[str, tuple[str, str]]:
    """Field name → (中文, English) description, for the names all source types describe alike."""
    seen: dict[str, set[tuple[str, str]]] = {}
    for spec in SOURCE_TYPES.values():
        for item in spec.fields:
            seen.setdefault(item.name, set()).add((item.description_zh, item.description_en))
    return {name: next(iter(texts)) for name, texts in seen.items() if len(texts) == 1}


def _source_of(streams: Mapping[str, Mapping[str, Any]], stream_id: str) -> str | None:
    stream = streams.get(stream_id)
    source = stream.get("source") if stream is not None else None
    return str(source) if source else None


@register.simple_tag
def stream_label(plan: Any, stream_id: str) -> str:
    """``{% stream_label record.plan e.stream %}`` — the stream's name from the plan, its id
    after it as secondary text (the id alone when the plan is not at hand)."""
    stream_id = str(stream_id)
    name = _stream_name(_streams(plan).get(stream_id), stream_id)
    if name == stream_id:
        return format_html("<code>{}</code>", stream_id)
    return format_html('{} <code class="muted small">{}</code>', name, stream_id)


@register.simple_tag
def stream_name(plan: Any, stream_id: str) -> str:
    """``{% stream_name plan id %}`` — the stream's name as plain text (see ``stream_label``)."""
    return _stream_name(_streams(plan).get(str(stream_id)), str(stream_id))


@register.simple_tag
def parameter_label(plan: Any, stream_id: str, name: str) -> str:
    """``{% parameter_label record.plan e.stream e.parameter %}`` — the parameter's name in the
    active language (its id in the tooltip)."""
    label = parameter_name(_source_of(_streams(plan), str(stream_id)), str(name))
    if label == name:
        return format_html("<code>{}</code>", name)
    return format_html('<span title="{}">{}</span>', name, label)


@register.simple_tag
def parameter_names(plan: Any, stream_id: str, names: Any) -> str:
    """``{% parameter_names plan stream d.weights %}`` — several parameters' names, joined."""
    source = _source_of(_streams(plan), str(stream_id))
    return localised("、", ", ").join(parameter_name(source, str(n)) for n in names or [])


@register.simple_tag
def stream_choices(plan: Any, stream_id: str) -> str:
    """``{% stream_choices record row.stream %}`` — the stream's choices (fuel …) as "name:
    value" in the active language ("—" when none)."""
    stream = _streams(plan).get(str(stream_id)) or {}
    source = stream.get("source")
    spec = SOURCE_TYPES.get(str(source or ""))
    if spec is None:
        return "—"
    choices = dict(stream.get("choices") or {})
    for item in spec.fields:
        if item.kind == "choice" and item.name in stream:
            choices.setdefault(item.name, stream[item.name])
    colon = localised("：", ": ")
    shown = [
        f"{parameter_name(spec.id, key)}{colon}{_choice_value(key, value)}"
        for key, value in choices.items()
    ]
    return localised("；", "; ").join(shown) or "—"


@register.simple_tag
def choice_label(name: str, value: Any) -> str:
    """``{% choice_label d.field d.value %}`` — a choice's value in the active language."""
    return _choice_value(str(name), value)


@register.filter
def method_label(method: str) -> str:
    """``{{ "belt_scale"|method_label }}`` — how a parameter is measured, in the active
    language (as written when unknown)."""
    names = METHODS.get(method or "")
    return localised(*names) if names else method or ""


@register.filter
def frequency_label(frequency: str) -> str:
    """``{{ "monthly"|frequency_label }}`` — how often a parameter is measured."""
    names = FREQUENCIES.get(frequency or "")
    return localised(names[0], names[1]) if names else frequency or ""


@register.filter
def finding_name(code: str) -> Any:
    """``{{ f.code|finding_name }}`` — the name of the check that found it (the code when the
    check has no name)."""
    return FINDING_NAMES.get(code, code)


@register.simple_tag
def finding_text(plan: Any, item: Any) -> str:
    """``{% finding_text record.plan f %}`` — a stored finding's message in the active
    language, with the stream's and parameter's names in place of their ids."""
    params = dict(getattr(item, "params", None) or {})
    streams = _streams(plan)
    stream_id = str(getattr(item, "stream", "") or params.get("stream", ""))
    source = _source_of(streams, stream_id)
    if "parameter" in params:
        params["parameter"] = parameter_name(source, str(params["parameter"]))
    if "stream" in params:
        params["stream"] = _stream_name(streams.get(stream_id), stream_id)
    if "subject" in params:
        params["subject"] = _choice_value("fuel", params["subject"])
    return stored_message(str(item.code), params, str(item.message))


_INVENTORY_SECTORS = {
    "indirect": _("Indirect (purchased and exported electricity and heat)"),
    "other": _("Other (no inventory sector)"),
}


@register.filter
def inventory_sector_name(sector: str) -> str:
    """``{{ "ippu"|inventory_sector_name }}`` — an inventory sector in the active language."""
    if sector in SECTOR_NAMES:
        return localised(*SECTOR_NAMES[sector])
    return str(_INVENTORY_SECTORS.get(sector, sector))


# --- who recorded it -------------------------------------------------------------------------


@register.filter
def actor(user: Any) -> str:
    """``{{ record.approved_by|actor }}`` — who did it: the account's username, or "System"
    (系统) for what the system did itself (data loading, the demo, the spot-check rule)."""
    name = getattr(user, "username", "") or ""
    return str(name) if name else str(_("System"))


@register.simple_tag
def recorded(user: Any, when: Any) -> str:
    """``{% recorded step.recorded_by step.recorded_at %}`` — who recorded an entry and on
    which day ("recorded by office, 2026-11-26"; the system when no account did), the
    secondary text after the day a person entered."""
    day = date_format(localtime(when), "Y-m-d") if when is not None else "—"
    return str(_("recorded by %(who)s, %(day)s") % {"who": actor(user), "day": day})


@register.simple_tag
def colon() -> str:
    """``{% translate "Opinion" %}{% colon %}`` — a label's colon in the active language: the
    full-width "：" in Chinese, ": " in English."""
    return localised("：", ": ")


#: Products a production stream commonly names (the sector guidelines' outputs): their names
#: in the active language. A product not listed is shown as the plan wrote it.
_PRODUCTS = {
    "electricity": pgettext_lazy("product", "electricity"),
    "heat": pgettext_lazy("product", "heat"),
    "clinker": pgettext_lazy("product", "clinker"),
    "cement": pgettext_lazy("product", "cement"),
    "raw_coal": pgettext_lazy("product", "raw coal"),
    "ceramics": pgettext_lazy("product", "ceramics"),
    "aluminium": pgettext_lazy("product", "aluminium"),
    "machinery": pgettext_lazy("product", "machinery"),
    "electronics": pgettext_lazy("product", "electronic products"),
    "food": pgettext_lazy("product", "food"),
}


def product_name(product: str) -> str:
    """A production stream's product in the active language (as written when not known)."""
    known = _PRODUCTS.get(product.strip().lower())
    return str(known) if known is not None else product


@register.simple_tag
def product_output(product: str) -> str:
    """``{% product_output row.product %}`` — "production output (its product)", the product
    named in the active language when known (``electricity`` → 电力), else as written."""
    return _bracketed(str(_PARAMETERS["output"]), product_name(str(product)))


# --- the annual report's derivations ------------------------------------------------------
#
# A derivation is kept as the kernel's plain data (``Derivation.as_dict``): its figures in the
# canonical unit and, under ``shown``, in the unit a verifier reads them in (the plan's; tC/TJ
# for carbon content, % for a rate), with each month's weight × value. Figures are shown by
# the one rounding policy (``figure``, half-up); the stored ones stay exact. A report stored
# before ``shown`` existed shows its canonical figures.


def _shown(derivation: Mapping[str, Any]) -> Mapping[str, Any]:
    shown = derivation.get("shown")
    return shown if isinstance(shown, Mapping) else {}


@register.filter
def derivation_value(derivation: Mapping[str, Any]) -> Any:
    """``{{ d|derivation_value }}`` — the figure in the unit it is read in (exact text)."""
    shown = _shown(derivation)
    return shown.get("value") if shown.get("value") is not None else derivation.get("value")


@register.filter
def derivation_unit(derivation: Mapping[str, Any]) -> str:
    """``{{ d|derivation_unit }}`` — the unit of :func:`derivation_value`, in the active
    language."""
    return _unit_label(str(_shown(derivation).get("unit") or derivation.get("unit") or ""))


@register.filter
def derivation_part_unit(derivation: Mapping[str, Any]) -> str:
    """``{{ d|derivation_part_unit }}`` — the unit of the months' values."""
    shown = _shown(derivation)
    return _unit_label(str(shown.get("part_unit") or derivation.get("unit") or ""))


@register.simple_tag
def derivation_parts(derivation: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``{% derivation_parts d as parts %}`` — each month: ``month``, ``row``, ``value`` (in
    the part unit), ``weight`` and ``product`` (weight × value, what the numerator sums)."""
    shown = list(_shown(derivation).get("parts") or [])
    out: list[dict[str, Any]] = []
    for index, part in enumerate(derivation.get("parts") or []):
        extra = shown[index] if index < len(shown) and isinstance(shown[index], Mapping) else {}
        out.append(
            {
                "month": part.get("month"),
                "row": part.get("row"),
                "value": extra.get("value", part.get("value")),
                "weight": part.get("weight"),
                "product": extra.get("product"),
            }
        )
    return out


@register.simple_tag
def weight_formula(plan: Any, stream_id: str, weights: Any) -> str:
    """``{% weight_formula record stream d.weights %}`` — a month's weight as the product of
    the parameters' names ("燃料消耗量 × 低位发热量"; a factor of several fields is their sum)."""
    source = _source_of(_streams(plan), str(stream_id))
    factors = [str(w) for w in weights or []]
    texts = []
    for factor in factors:
        names = [parameter_name(source, n.strip()) for n in factor.split("+")]
        text = " + ".join(names)
        texts.append(f"({text})" if len(names) > 1 and len(factors) > 1 else text)
    return " × ".join(texts)


@register.simple_tag
def derivation_arithmetic(plan: Any, stream_id: str, derivation: Mapping[str, Any]) -> str:
    """``{% derivation_arithmetic record stream d %}`` — the sum that gives the figure, in the
    unit it is read in: Σ(weight × value) / Σ weight = numerator / denominator = value ("" for
    a figure that is not a mean)."""
    shown = _shown(derivation)
    method = derivation.get("method")
    numerator = shown.get("numerator", derivation.get("numerator"))
    denominator = shown.get("denominator", derivation.get("denominator"))
    if numerator is None or denominator is None:
        return ""
    figures = {
        "numerator": figure(numerator, 6),
        "denominator": figure(denominator, 6),
        "value": figure(derivation_value(derivation), 6),
        "unit": derivation_unit(derivation),
    }
    if method == "weighted_mean":
        text = gettext(
            "Σ(weight × value) / Σ weight = {numerator} / {denominator} = {value} {unit}"
        )
    elif method == "mean":
        text = gettext("Σ value / months = {numerator} / {denominator} = {value} {unit}")
    elif method == "element_carbon":
        source = _source_of(_streams(plan), str(stream_id))
        figures.update(
            quantity=parameter_name(source, "quantity"),
            ncv=parameter_name(source, "ncv"),
            carbon=parameter_name(source, "element_carbon"),
            canonical=figure(derivation.get("value"), 6),
        )
        text = gettext(
            "Σ({quantity} × {carbon}) / Σ({quantity} × {ncv}) = {numerator} tC / "
            "{denominator} GJ = {canonical} tC/GJ = {value} {unit}"
        )
    else:
        return ""
    return text.format(**figures)


@register.simple_tag
def derivation_factor(plan: Any, stream_id: str, derivation: Mapping[str, Any]) -> str:
    """``{% derivation_factor record stream d %}`` — a default's factor library row: what it
    is (the fuel's parameter), its value as printed, its source and status ("" for a figure
    without one; the row's id stays in the figures and the API)."""
    factor = derivation.get("factor")
    if not isinstance(factor, Mapping):
        return ""
    source = _source_of(_streams(plan), str(stream_id))
    name = parameter_name(source, str(derivation.get("field") or factor.get("parameter") or ""))
    fuel = fuels().get(str(factor.get("subject") or ""))
    if fuel is not None:
        name = localised(f"{fuel.name_zh}{name}", f"{name} of {fuel.name_en}")
    return format_html(
        gettext("{name}: {value} {unit} (source: {source}; status {status})"),
        name=name,
        value=figure(factor.get("value"), 6),
        unit=_unit_label(str(factor.get("unit") or "")),
        source=factor.get("source") or "",
        status=factor.get("status") or "",
    )
