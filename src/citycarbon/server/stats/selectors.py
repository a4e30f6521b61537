"""Read queries of the statistics app, always scoped to what the user may see.

The functions marked *unscoped* read on behalf of the system (the services' checks and the
assessment); they never hand rows to a user directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from citycarbon.server.common.choices import LifecycleState
from citycarbon.server.common.selectors import AnyUser, get_visible, perm_for, scoped
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.stats.framework import Framework, framework_for
from citycarbon.server.stats.models import (
    Statistic,
    StatisticFuel,
    StatisticIndicator,
    StatisticMeasure,
    WarningAcknowledgement,
)
from citycarbon.server.stats.validation import Figures, PlausibilityWarning, plausibility_warnings

__all__ = [
    "acknowledgements_of",
    "current_figures",
    "effective_statistics",
    "entry_jurisdictions",
    "statistic",
    "statistics",
    "versions_of",
    "warnings_of",
]

CHILDREN = (
    Prefetch("fuels", queryset=StatisticFuel.objects.order_by("fuel")),
    Prefetch("measures", queryset=StatisticMeasure.objects.order_by("item")),
    Prefetch("indicators", queryset=StatisticIndicator.objects.order_by("indicator")),
)


def _base() -> QuerySet[Statistic]:
    return Statistic.objects.select_related("jurisdiction")


def statistics(
    user: AnyUser | None,
    *,
    jurisdiction: str | None = None,
    year: int | None = None,
    state: str | None = None,
    all_versions: bool = False,
) -> QuerySet[Statistic]:
    """The statistics ``user`` may see, newest year first; by default the latest version of
    each jurisdiction-year the user may see (a district official's draft correction, the
    public's published version)."""
    qs = scoped(_base(), user)
    if jurisdiction:
        qs = qs.filter(jurisdiction__code=jurisdiction)
    if year is not None:
        qs = qs.filter(year=year)
    if not all_versions:
        latest = (
            scoped(Statistic.objects.all(), user)
            .filter(lineage=OuterRef("lineage"))
            .order_by("-version")
            .values("version")[:1]
        )
        qs = qs.filter(version=Subquery(latest))
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-year", "jurisdiction__sort_order", "jurisdiction__code", "-version")


def statistic(user: AnyUser | None, pk: Any) -> Statistic:
    """One statistic the user may see (404 otherwise), with its child rows."""
    return get_visible(_base().prefetch_related(*CHILDREN), user, "pk", pk)


def versions_of(user: AnyUser | None, item: Statistic) -> QuerySet[Statistic]:
    """The versions of the record's lineage the user may see, newest first."""
    return scoped(_base(), user).filter(lineage=item.lineage).order_by("-version")


def entry_jurisdictions(user: AnyUser | None) -> QuerySet[Jurisdiction]:
    """The jurisdictions the user may enter statistics for."""
    return scoped(Jurisdiction.objects.all(), user, perm_for(Statistic, "add")).order_by(
        "sort_order", "code"
    )


def acknowledgements_of(item: Statistic) -> QuerySet[WarningAcknowledgement]:
    return item.acknowledgements.select_related("acknowledged_by").order_by("acknowledged_at")


# --- unscoped reads for the services and the assessment ------------------------------------


def current_versions(
    jurisdiction_ids: Iterable[int], years: Iterable[int] | None = None
) -> dict[tuple[int, int], Statistic]:
    """*Unscoped.* The latest version of each jurisdiction-year, whatever its state."""
    qs = Statistic.objects.filter(jurisdiction_id__in=list(jurisdiction_ids))
    if years is not None:
        qs = qs.filter(year__in=list(years))
    found: dict[tuple[int, int], Statistic] = {}
    for item in qs.order_by("jurisdiction_id", "year", "version").prefetch_related(*CHILDREN):
        found[(item.jurisdiction_id, item.year)] = item
    return found


def current_figures(
    jurisdiction: Jurisdiction, framework: Framework, *, exclude: Iterable[int] = ()
) -> dict[int, Figures]:
    """*Unscoped.* The figures of the jurisdiction's years in the framework's period (latest
    versions), to check a year among its neighbours."""
    skip = set(exclude)
    years = [y for y in range(framework.base_year, framework.target_year + 1) if y not in skip]
    return {
        year: Figures.of(item)
        for (_jid, year), item in current_versions([jurisdiction.pk], years).items()
    }


def effective_statistics(
    jurisdiction_ids: Iterable[int], years: Iterable[int], states: Iterable[str]
) -> dict[tuple[int, int], Statistic]:
    """*Unscoped.* For each jurisdiction-year, the latest version in one of ``states`` (what
    an assessment reads: approved or published statistics, or published only)."""
    qs = (
        Statistic.objects.filter(
            jurisdiction_id__in=list(jurisdiction_ids),
            year__in=list(years),
            state__in=list(states),
        )
        .order_by("jurisdiction_id", "year", "version")
        .prefetch_related(*CHILDREN)
    )
    found: dict[tuple[int, int], Statistic] = {}
    for item in qs:
        found[(item.jurisdiction_id, item.year)] = item
    return found


def warnings_of(item: Statistic) -> list[tuple[PlausibilityWarning, WarningAcknowledgement | None]]:
    """The record's plausibility warnings against the previous year (as stored now), each
    with its acknowledgement if there is one for the same figure."""
    framework = framework_for(item.year)
    if framework is None or item.jurisdiction.code not in framework.jurisdictions:
        return []
    years = current_figures(item.jurisdiction, framework, exclude=[item.year])
    years[item.year] = Figures.of(item)
    found = plausibility_warnings(framework, item.jurisdiction.code, item.year, years)
    acks = {(a.code, a.value): a for a in acknowledgements_of(item)}
    return [(warning, acks.get((warning.code, warning.value))) for warning in found]


def is_published(item: Statistic) -> bool:
    return item.state == LifecycleState.PUBLISHED


def workbook_data(
    framework: Framework,
    statistics_by_code: dict[str, dict[int, Statistic]],
    *,
    blank_years: bool = False,
) -> dict[str, Any]:
    """The targets input (plain data, the template's format) holding these statistics: what
    the export writes, so ``citycarbon calc targets`` runs on it as it is. With
    ``blank_years`` every year of the period gets a row (the empty template)."""
    years_by_code: dict[str, dict[int, Any]] = {}
    for code in framework.jurisdictions:
        stored = statistics_by_code.get(code, {})
        if blank_years:
            years_by_code[code] = {
                y: (Figures.of(stored[y]).to_kernel() if y in stored else {})
                for y in range(framework.base_year, framework.target_year + 1)
            }
        elif stored:
            years_by_code[code] = {y: Figures.of(s).to_kernel() for y, s in stored.items()}
    data = framework.kernel_input(years_by_code)
    data["illustrative"] = any(
        item.illustrative for stored in statistics_by_code.values() for item in stored.values()
    )
    tree = data.pop("tree", None)
    data.pop("config", None)
    data.pop("indicators", None)
    if framework.tree_ref:
        data["tree"] = framework.tree_ref
    elif isinstance(tree, list):
        parents = {node["id"]: node.get("parent") for node in tree}
        for entry in data["jurisdictions"]:
            entry["parent"] = parents.get(entry["id"])
    for entry in data["jurisdictions"]:
        for figures in entry["years"].values():
            figures.pop("co2_intensity_annual_target_pct", None)
            figures.pop("energy_intensity_annual_target_pct", None)
    return data


def export_statistics(
    user: AnyUser | None, framework: Framework, **filters: Any
) -> dict[str, dict[int, Statistic]]:
    """The statistics of the framework's period the user may see (latest visible versions),
    by jurisdiction code and year."""
    found: dict[str, dict[int, Statistic]] = {}
    qs = statistics(user, **filters).prefetch_related(*CHILDREN)
    for item in qs.filter(year__gte=framework.base_year, year__lte=framework.target_year):
        if item.jurisdiction.code in framework.jurisdictions:
            found.setdefault(item.jurisdiction.code, {})[item.year] = item
    return found


def may_enter(user: AnyUser | None, jurisdiction: Jurisdiction) -> bool:
    """Whether the user may enter statistics for the jurisdiction."""
    from citycarbon.server.common.selectors import can

    return can(user, perm_for(Statistic, "add"), Statistic(jurisdiction=jurisdiction))
