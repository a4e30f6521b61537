"""Read queries of the inventory app, always scoped, and the tables the pages, the API and the
exports share (categories, lines with their factors, key categories, uncertainty,
recalculation differences, the comparison with the CEADs reference series).

A compilation is visible to whoever may see both its inventory version and its factor-set
version: the public sees compilations of published inventories with published factor sets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from citycarbon.inventory.model import GAS_GROUPS, NOTATION_KEYS, SECTOR_NAMES, SECTORS
from citycarbon.inventory.reference import (
    SCOPES,
    Comparison,
    ReferenceSeries,
    ceads_cities,
    ceads_city,
    compare,
)
from citycarbon.server.common.choices import LifecycleState
from citycarbon.server.common.errors import NotFoundError, ValidationFailedError
from citycarbon.server.common.models import User
from citycarbon.server.common.selectors import get_visible, scoped
from citycarbon.server.factors.models import FactorRow, FactorSet
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.inventory.choices import RunStatus
from citycarbon.server.inventory.models import Inventory, InventoryRun

__all__ = [
    "BIG_FIELDS",
    "DOMAINS",
    "category_detail",
    "category_figures",
    "category_table",
    "category_totals",
    "ceads_comparison",
    "ceads_series_for",
    "current_runs",
    "current_runs_of_year",
    "inventories",
    "inventory",
    "jurisdiction_summary",
    "key_category_table",
    "latest_inventory",
    "recalculation",
    "run",
    "runs",
    "runs_of",
    "sector_table",
    "uncertainty_table",
    "versions_of",
]

AnyUser: TypeAlias = User | AnonymousUser | None
#: Columns of a compilation too large for lists (read only on its own pages).
BIG_FIELDS = ("result", "analysis", "uncertainty", "errors")
#: The domains a compilation's visibility and figures depend on (its inventory, its factor
#: set, the jurisdictions): what the cached inventory pages and answers are keyed by.
DOMAINS = ("inventory", "factors", "geo")


def _zh() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def sector_name(sector: str) -> str:
    zh, en = SECTOR_NAMES.get(sector, (sector, sector))
    return zh if _zh() else en


def notation_meaning(key: str) -> str:
    zh, en = NOTATION_KEYS.get(key, (key, key))
    return zh if _zh() else en


# --- inventories -----------------------------------------------------------------------------


def inventories(user: AnyUser) -> QuerySet[Inventory]:
    """Every inventory version the user may see (the public: published ones), without the
    input form."""
    return (
        scoped(Inventory.objects.select_related("jurisdiction"), user)
        .defer("form")
        .order_by("jurisdiction__sort_order", "jurisdiction__code", "year", "-version")
    )


def inventory(user: AnyUser, pk: Any) -> Inventory:
    return get_visible(
        Inventory.objects.select_related(
            "jurisdiction", "created_by", "submitted_by", "approved_by", "published_by"
        ),
        user,
        "pk",
        pk,
    )


def versions_of(user: AnyUser, item: Inventory) -> QuerySet[Inventory]:
    return inventories(user).filter(lineage=item.lineage).order_by("-version")


# --- compilations ----------------------------------------------------------------------------


def _visible_runs(user: AnyUser) -> QuerySet[InventoryRun]:
    visible_inventories = scoped(Inventory.objects.all(), user).values("pk")
    visible_sets = scoped(FactorSet.objects.all(), user).values("pk")
    return (
        scoped(InventoryRun.objects.all(), user)
        .filter(inventory__in=visible_inventories, factor_set__in=visible_sets)
        .select_related("inventory__jurisdiction", "factor_set", "created_by")
        .order_by("-created_at", "-pk")
    )


def runs(user: AnyUser) -> QuerySet[InventoryRun]:
    """Compilations the user may see, newest first, without their large columns."""
    return _visible_runs(user).defer(*BIG_FIELDS, "inventory__form")


def run(user: AnyUser, pk: Any, *, full: bool = True) -> InventoryRun:
    """One visible compilation; ``full`` loads its result and analyses."""
    qs = _visible_runs(user).defer("inventory__form") if full else runs(user)
    try:
        return qs.get(pk=pk)
    except (InventoryRun.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(
            InventoryRun._meta.verbose_name.capitalize() + f" {pk}", field="pk", value=pk
        ) from None


def runs_of(user: AnyUser, item: Inventory) -> QuerySet[InventoryRun]:
    return runs(user).filter(inventory=item)


def current_runs(user: AnyUser, jurisdiction: Jurisdiction) -> dict[int, InventoryRun]:
    """The figure of each year: the newest finished compilation of the newest visible version
    of the jurisdiction's inventory of that year."""
    best: dict[int, InventoryRun] = {}
    qs = (
        runs(user)
        .filter(inventory__jurisdiction=jurisdiction, status=RunStatus.DONE)
        .order_by("inventory__year", "-inventory__version", "-finished_at", "-pk")
    )
    for item in qs:
        best.setdefault(item.inventory.year, item)
    return dict(sorted(best.items()))


def current_runs_of_year(
    user: AnyUser, jurisdictions: Iterable[Jurisdiction], year: int
) -> dict[int, InventoryRun]:
    """The figure of ``year`` of each jurisdiction (by primary key), as :func:`current_runs`
    chooses it (same visibility; large columns deferred), read in one query."""
    ids = [j.pk for j in jurisdictions]
    best: dict[int, InventoryRun] = {}
    qs = (
        runs(user)
        .filter(inventory__jurisdiction__in=ids, inventory__year=year, status=RunStatus.DONE)
        .order_by("inventory__jurisdiction_id", "-inventory__version", "-finished_at", "-pk")
    )
    for item in qs:
        best.setdefault(item.inventory.jurisdiction_id, item)
    return best


def category_totals(
    result: Mapping[str, Any] | None,
) -> tuple[dict[str, float | None], dict[str, dict[str, float]]]:
    """Direct emissions [tCO2e] of each direct category of a compilation's result (``None``
    for a confidential one, which the result shows as ``C``) and, by category, the sum of its
    lines by sub-category code (a category's lines: energy balance rows give fuel combustion
    its IPCC codes 1A1a, 1A2f …). What the summary keeps as ``by_category_tco2e`` and
    ``by_subcategory_tco2e``."""
    by_category: dict[str, float | None] = {}
    by_subcategory: dict[str, dict[str, float]] = {}
    for data in (result or {}).get("categories") or []:
        if data.get("reporting", "direct") != "direct":
            continue
        tco2e = data.get("tco2e")
        number = isinstance(tco2e, (int, float)) and not isinstance(tco2e, bool)
        by_category[str(data["id"])] = float(tco2e) if number else None
        codes: dict[str, float] = {}
        for line in data.get("lines") or []:
            code = str(line.get("subcategory") or data.get("code") or "")
            codes[code] = codes.get(code, 0.0) + float(line.get("tco2e") or 0.0)
        if codes:
            by_subcategory[str(data["id"])] = codes
    return by_category, by_subcategory


def category_figures(
    items: Iterable[InventoryRun],
) -> dict[int, tuple[dict[str, float | None], dict[str, dict[str, float]]]]:
    """The category totals of each compilation (by primary key): from its summary, or — for a
    compilation made before the summary kept them — from its result, read for those only (one
    query for them all, none when every summary has them)."""
    out: dict[int, tuple[dict[str, float | None], dict[str, dict[str, float]]]] = {}
    older: list[int] = []
    for item in items:
        summary = item.summary or {}
        if "by_category_tco2e" in summary:
            out[item.pk] = (
                dict(summary["by_category_tco2e"]),
                {k: dict(v) for k, v in (summary.get("by_subcategory_tco2e") or {}).items()},
            )
        else:
            older.append(item.pk)
    if older:
        found = InventoryRun.objects.filter(pk__in=older).values_list("pk", "result__categories")
        for pk, categories in found:
            out[pk] = category_totals({"categories": categories})
    return out


def latest_inventory(user: AnyUser, jurisdiction: Jurisdiction) -> dict[str, Any] | None:
    """The jurisdiction's latest approved or published inventory the user may see, with the
    totals of its current compilation (the newest finished one): year, version, state,
    totals with and without LUCF, and direct emissions by sector [tCO2e]. ``None`` when
    there is none. For the jurisdiction page's inventory panel."""
    item = (
        runs(user)
        .filter(
            inventory__jurisdiction=jurisdiction,
            inventory__state__in=(LifecycleState.APPROVED, LifecycleState.PUBLISHED),
            status=RunStatus.DONE,
        )
        .order_by("-inventory__year", "-inventory__version", "-finished_at", "-pk")
        .first()
    )
    if item is None:
        return None
    by_sector = (item.summary or {}).get("by_sector_tco2e") or {}
    return {
        "jurisdiction": jurisdiction,
        "inventory": item.inventory,
        "run": item,
        "year": item.inventory.year,
        "published": item.inventory.state == LifecycleState.PUBLISHED,
        "total_tco2e": item.total_tco2e,
        "total_without_lucf_tco2e": item.total_without_lucf_tco2e,
        "by_sector": [
            {"sector": s, "name": sector_name(s), "tco2e": by_sector[s]}
            for s in SECTORS
            if s in by_sector
        ],
        "metric": item.metric,
        "factor_library": item.factor_library,
    }


def jurisdiction_summary(user: AnyUser, jurisdiction: Jurisdiction) -> dict[str, Any]:
    """What the jurisdiction page shows of its inventories: each year's total with and
    without LUCF and by sector (from the current compilation), the latest year, and whether
    there is anything. For ``inventory/_jurisdiction_summary.html``."""
    current = current_runs(user, jurisdiction)
    years = []
    for year, item in current.items():
        summary = item.summary or {}
        years.append(
            {
                "year": year,
                "run": item,
                "total_tco2e": item.total_tco2e,
                "total_without_lucf_tco2e": item.total_without_lucf_tco2e,
                "by_sector": [
                    {"sector": s, "name": sector_name(s), "tco2e": v}
                    for s, v in (summary.get("by_sector_tco2e") or {}).items()
                ],
                "published": item.inventory.state == LifecycleState.PUBLISHED,
                "metric": item.metric,
                "factor_library": item.factor_library,
            }
        )
    return {
        "jurisdiction": jurisdiction,
        "years": years,
        "latest": years[-1] if years else None,
        "has_reference": ceads_series_for(jurisdiction) is not None,
    }


# --- tables of one compilation ---------------------------------------------------------------


def _name(data: Mapping[str, Any]) -> str:
    return str(data.get("name_zh") if _zh() else data.get("name_en")) or str(data.get("id"))


def sector_table(item: InventoryRun) -> list[dict[str, Any]]:
    """Direct emissions by sector and gas group [tCO2e by sector; t by gas]."""
    totals: Any = (item.result or {}).get("totals", {})
    out = []
    for sector in SECTORS:
        data = totals.get("by_sector", {}).get(sector, {})
        out.append(
            {
                "sector": sector,
                "name": sector_name(sector),
                "tco2e": float(data.get("tco2e", 0.0)),
                "by_gas_t": data.get("by_gas_t", {}),
            }
        )
    return out


def category_table(item: InventoryRun) -> list[dict[str, Any]]:
    """Every category: code, name, sector, the cell of each gas (a mass [t] or a notation
    key with its meaning and reason), tCO2e and the number of lines."""
    out = []
    for data in (item.result or {}).get("categories", []):
        keys = data.get("notation_keys") or {}
        cells: list[dict[str, Any]] = []
        for gas in GAS_GROUPS:
            value = (data.get("cells") or {}).get(gas)
            note = keys.get(gas)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                cells.append({"gas": gas, "mass_t": float(value)})
            else:
                key = str(value) if value is not None else "NA"
                cells.append(
                    {
                        "gas": gas,
                        "key": key,
                        "meaning": notation_meaning(key) if key in NOTATION_KEYS else "",
                        "reason": (note or {}).get("reason", ""),
                        "included_in": (note or {}).get("included_in"),
                    }
                )
        tco2e = data.get("tco2e")
        out.append(
            {
                "id": data["id"],
                "code": data.get("code", ""),
                "sector": data.get("sector", ""),
                "sector_name": sector_name(str(data.get("sector", ""))),
                "name": _name(data),
                "reporting": data.get("reporting", "direct"),
                "cells": cells,
                "tco2e": tco2e if isinstance(tco2e, (int, float)) else None,
                "confidential": tco2e == "C",
                "lines": len(data.get("lines") or []),
                "notes": [
                    {
                        "gas": gas,
                        "key": n.get("key"),
                        "meaning": notation_meaning(str(n.get("key"))),
                        "reason": n.get("reason"),
                        "included_in": n.get("included_in"),
                    }
                    for gas, n in keys.items()
                ],
            }
        )
    return out


def _category_data(item: InventoryRun, category_id: str) -> dict[str, Any]:
    for data in (item.result or {}).get("categories", []):
        if data.get("id") == category_id:
            found: dict[str, Any] = data
            return found
    raise NotFoundError(f"{category_id}", field="category", value=category_id)


@dataclass(frozen=True)
class CategoryDetail:
    """A category of a compilation with its lines and, for each parameter drawn from the
    factor set, the factor row it came from (value, source, verification status)."""

    id: str
    name: str
    code: str
    sector: str
    sector_name: str
    formula: str
    reference: str
    reporting: str
    tco2e: float | None
    confidential: bool
    notes: list[dict[str, Any]]
    lines: list[dict[str, Any]]
    factors: dict[str, FactorRow]


def category_detail(item: InventoryRun, category_id: str) -> CategoryDetail:
    """The drill-down of one category: lines → activity data, parameters (with the factor
    rows of the compilation's factor set they came from) and the formula."""
    data = _category_data(item, category_id)
    lines = list(data.get("lines") or [])
    ids = {
        str(p["factor_id"]) for line in lines for p in line.get("params", []) if p.get("factor_id")
    }
    factors = {
        row.factor_id: row
        for row in FactorRow.objects.filter(factor_set=item.factor_set_id, factor_id__in=ids)
    }
    table = {row["id"]: row for row in category_table(item)}
    row = table.get(category_id, {})
    out_lines = []
    for number, line in enumerate(lines, start=1):
        params = []
        for param in line.get("params", []):
            factor = factors.get(str(param.get("factor_id") or ""))
            params.append({**param, "factor": factor})
        masses = line.get("masses_t") or {}
        out_lines.append(
            {
                "number": number,
                "label": line.get("label") or line.get("where") or f"#{number}",
                "subcategory": line.get("subcategory", ""),
                "key_group": line.get("key_group", ""),
                "tco2e": line.get("tco2e"),
                "masses_t": masses,
                "memo_t": line.get("memo_t") or {},
                "where": line.get("where", ""),
                "params": params,
                "activity": [p for p in params if p.get("origin") in ("activity", "choice")],
                "factors": [p for p in params if p.get("origin") not in ("activity", "choice")],
            }
        )
    tco2e = data.get("tco2e")
    return CategoryDetail(
        id=category_id,
        name=_name(data),
        code=str(data.get("code", "")),
        sector=str(data.get("sector", "")),
        sector_name=sector_name(str(data.get("sector", ""))),
        formula=str(data.get("formula", "")),
        reference=str(data.get("reference", "")),
        reporting=str(data.get("reporting", "direct")),
        tco2e=tco2e if isinstance(tco2e, (int, float)) else None,
        confidential=tco2e == "C",
        notes=row.get("notes", []),
        lines=out_lines,
        factors=factors,
    )


def key_category_table(item: InventoryRun, assessment: str = "L1-latest") -> dict[str, Any]:
    """The key-category level assessment (IPCC 2006 Vol. 1 Ch. 4) as ranked entries with
    share and cumulative share, and its threshold."""
    analysis = item.analysis or {}
    keys = analysis.get("key_categories") or {}
    for entry in keys.get("assessments", []):
        if entry.get("id") == assessment:
            return {
                "id": entry["id"],
                "threshold_pct": entry.get("threshold_pct"),
                "equation": entry.get("equation", ""),
                "entries": entry.get("entries", []),
                "method": keys.get("method", ""),
            }
    return {"id": assessment, "threshold_pct": None, "equation": "", "entries": [], "method": ""}


def assessments_of(item: InventoryRun) -> list[str]:
    keys = (item.analysis or {}).get("key_categories") or {}
    return [str(entry.get("id")) for entry in keys.get("assessments", [])]


def uncertainty_table(item: InventoryRun) -> dict[str, Any]:
    """Uncertainty of the total and by category: Approach 1 (half-width of the 95 %
    interval [%]) and, when run, the Monte Carlo 95 % interval [tCO2e]."""
    first = (item.analysis or {}).get("approach1") or {}
    monte = item.uncertainty or {}
    intervals = (monte.get("intervals") or {}) if isinstance(monte, dict) else {}
    by_category = {str(i.get("label")): i for i in intervals.get("category", [])}
    names = {row["id"]: row["name"] for row in category_table(item)}
    rows = []
    for category_id, pct in (first.get("categories") or {}).items():
        interval = by_category.get(category_id)
        rows.append(
            {
                "id": category_id,
                "name": names.get(category_id, category_id),
                "approach1_pct": pct,
                "interval": interval,
            }
        )
    total = (intervals.get("total") or [None])[0]
    return {
        "approach1_total_pct": first.get("total_pct"),
        "approach1_method": first.get("method", ""),
        "monte_carlo": bool(intervals),
        "monte_carlo_method": monte.get("method", "") if isinstance(monte, dict) else "",
        "iterations": monte.get("iterations") if isinstance(monte, dict) else None,
        "seed": monte.get("seed") if isinstance(monte, dict) else None,
        "error": monte.get("error") if isinstance(monte, dict) else None,
        "total": total,
        "rows": rows,
    }


# --- comparing compilations ------------------------------------------------------------------


def recalculation(old: InventoryRun, new: InventoryRun) -> dict[str, Any]:
    """Recalculation differences from ``old`` to ``new``, per category and in total [tCO2e],
    with what changed between them (input version, factor set, metric, engine)."""
    before = {row["id"]: row for row in category_table(old)}
    after = {row["id"]: row for row in category_table(new)}
    rows = []
    for category_id in [*after, *(k for k in before if k not in after)]:
        a, b = before.get(category_id), after.get(category_id)
        old_value = a["tco2e"] if a else None
        new_value = b["tco2e"] if b else None
        diff = pct = None
        if old_value is not None and new_value is not None:
            diff = new_value - old_value
            pct = diff / old_value * 100 if old_value else None
        rows.append(
            {
                "id": category_id,
                "name": (b or a or {}).get("name", category_id),
                "sector": (b or a or {}).get("sector", ""),
                "reporting": (b or a or {}).get("reporting", "direct"),
                "old": old_value,
                "new": new_value,
                "difference": diff,
                "difference_pct": pct,
                "confidential": bool(
                    (a or {}).get("confidential") or (b or {}).get("confidential")
                ),
            }
        )
    totals = []
    for name in ("total_tco2e", "total_without_lucf_tco2e"):
        o, n = getattr(old, name), getattr(new, name)
        d = n - o if o is not None and n is not None else None
        totals.append(
            {
                "name": name,
                "old": o,
                "new": n,
                "difference": d,
                "difference_pct": d / o * 100 if d is not None and o else None,
            }
        )
    causes = {
        "input": (old.inventory_id, old.input_digest) != (new.inventory_id, new.input_digest),
        "factors": (old.factor_set_id, old.factor_digest) != (new.factor_set_id, new.factor_digest),
        "metric": old.metric != new.metric,
        "engine": old.engine_version != new.engine_version,
    }
    return {"old": old, "new": new, "rows": rows, "totals": totals, "causes": causes}


# --- the CEADs reference series ----------------------------------------------------------


def ceads_series_for(jurisdiction: Jurisdiction) -> ReferenceSeries | None:
    """The CEADs city series of a city-level jurisdiction, when the packaged data has it
    (matched by Chinese name: 郑州市 → 河南郑州)."""
    if jurisdiction.parent_id is not None and jurisdiction.kind != "city":
        return None
    stem = jurisdiction.name_zh.removesuffix("市")
    if not stem:
        return None
    for name in ceads_cities():
        if name.endswith(stem):
            return ceads_city(name)
    return None


def ceads_comparison(
    user: AnyUser,
    jurisdiction: Jurisdiction,
    scope: str = "ceads",
    *,
    current: Mapping[int, InventoryRun] | None = None,
) -> Comparison | None:
    """The jurisdiction's inventory series (current compilations) against the CEADs city
    series, year by year, in the scope ``scope`` of ``citycarbon.inventory.reference.SCOPES``;
    ``None`` when there is no reference series for the jurisdiction. ``current``: the
    jurisdiction's :func:`current_runs` for ``user``, when the caller has them already."""
    reference = ceads_series_for(jurisdiction)
    if reference is None:
        return None
    if scope not in SCOPES:
        raise ValidationFailedError(
            _("Unknown scope; choose one of %(scopes)s.") % {"scopes": ", ".join(SCOPES)},
            field="scope",
            value=scope,
        )
    if current is None:
        current = current_runs(user, jurisdiction)
    series = {
        year: float((item.summary or {}).get("scopes_tco2", {}).get(scope, 0.0))
        for year, item in current.items()
        if (item.summary or {}).get("scopes_tco2", {}).get(scope) is not None
    }
    description, _fn = SCOPES[scope]
    return compare(series, reference, label=jurisdiction.name_zh, scope=description)


def chart_of_runs(items: Iterable[InventoryRun]) -> list[dict[str, Any]]:
    """Per compilation: year and tCO2e by sector (for the series chart)."""
    return [
        {
            "year": item.inventory.year,
            "total": item.total_tco2e,
            "sectors": (item.summary or {}).get("by_sector_tco2e", {}),
        }
        for item in items
    ]
