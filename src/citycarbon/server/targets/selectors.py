"""Read queries of the targets app, scoped; and the framework a target set gives statistics.

Assessment results are read through their run only (:func:`results`): the run's visibility
(working runs for the office and reviewers, published runs for everyone) decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet

from citycarbon.server.common.selectors import AnyUser, get_visible, scoped
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.stats.framework import Framework
from citycarbon.server.targets.choices import Basis
from citycarbon.server.targets.models import (
    AssessmentResult,
    AssessmentRun,
    ChecklistItem,
    JurisdictionTarget,
    PlanIndicator,
    TargetSet,
)
from citycarbon.targets import CatalogueError, jurisdiction_set

__all__ = [
    "build_framework",
    "current_run",
    "framework_for_year",
    "results",
    "run",
    "runs",
    "target_set",
    "target_sets",
]


# --- target sets ------------------------------------------------------------------------------


def target_sets(user: AnyUser | None) -> QuerySet[TargetSet]:
    """The target sets the user may read (plans are public), newest period first."""
    return scoped(TargetSet.objects.select_related("jurisdiction"), user).order_by(
        "-base_year", "code"
    )


def target_set(user: AnyUser | None, code: str | None = None) -> TargetSet | None:
    """The set ``code`` (404 when unknown), or the newest one when no code is given."""
    if code:
        found: TargetSet = get_visible(
            TargetSet.objects.select_related("jurisdiction"), user, "code", code
        )
        return found
    return target_sets(user).first()


def targets_of(item: TargetSet) -> QuerySet[JurisdictionTarget]:
    return item.targets.select_related("jurisdiction", "jurisdiction__parent").order_by(
        "sort_order"
    )


def target_of(item: TargetSet, jurisdiction: Jurisdiction) -> JurisdictionTarget | None:
    return item.targets.filter(jurisdiction=jurisdiction).first()


def indicators_of(item: TargetSet) -> QuerySet[PlanIndicator]:
    return item.indicators.order_by("sort_order")


def checklist_of(item: TargetSet) -> QuerySet[ChecklistItem]:
    return item.checklist.order_by("sort_order")


def sets_with(user: AnyUser | None, jurisdiction: Jurisdiction) -> QuerySet[TargetSet]:
    return target_sets(user).filter(targets__jurisdiction=jurisdiction).distinct()


# --- the framework statistics are checked in ----------------------------------------------------


def _tree_ref(item: TargetSet, targets: list[JurisdictionTarget]) -> str | None:
    """The shipped set whose tree this set's tree is, if it is one."""
    if not item.source_set:
        return None
    try:
        shipped = jurisdiction_set(item.source_set).tree
    except CatalogueError:
        return None
    by_jurisdiction = {t.jurisdiction_id: t.kernel_id for t in targets}
    for target in targets:
        if target.kernel_id not in shipped:
            return None
        parent = by_jurisdiction.get(target.jurisdiction.parent_id)
        if parent != shipped.node(target.kernel_id).parent:
            return None
    return item.source_set


_FRAMEWORKS: dict[tuple[Any, ...], Framework] = {}


def build_framework(item: TargetSet) -> Framework:
    """The kernel input a target set gives, without statistics (kept until the set's
    revision changes)."""
    # The creation time too: a set whose creation was rolled back may see its id reused.
    key = (item.pk, item.code, item.created_at, item.revision)
    found = _FRAMEWORKS.get(key)
    if found is None:
        if len(_FRAMEWORKS) > 64:
            _FRAMEWORKS.clear()
        found = _FRAMEWORKS[key] = _build_framework(item)
    return found


def _build_framework(item: TargetSet) -> Framework:
    targets = list(targets_of(item))
    kernel_ids = {t.jurisdiction_id: t.kernel_id for t in targets}
    tree = [
        {
            "id": t.kernel_id,
            "name": t.jurisdiction.name_zh,
            "name_en": t.jurisdiction.name_en,
            "parent": kernel_ids.get(t.jurisdiction.parent_id),
            "kind": t.jurisdiction.kind,
        }
        for t in targets
    ]
    config = dict(item.config)
    config["checklist"] = [c.as_kernel() for c in checklist_of(item)]
    skeleton: dict[str, Any] = {
        "base_year": item.base_year,
        "target_year": item.target_year,
        "tree": tree,
        "indicators": [i.as_kernel() for i in indicators_of(item)],
        "config": config,
        "co2_factors": dict(item.co2_factors or {}),
        "grid_factor": item.grid_factor,
        "title": item.name,
    }
    jurisdictions: dict[str, dict[str, Any]] = {}
    annual: dict[tuple[str, int], dict[str, float]] = {}
    aliases: dict[str, str] = {}
    for t in targets:
        code = t.jurisdiction.code
        entry: dict[str, Any] = {
            "id": t.kernel_id,
            "name": t.jurisdiction.name_zh,
            "co2_intensity_target_pct": t.co2_intensity_target_pct,
        }
        if t.energy_intensity_target_pct is not None:
            entry["energy_intensity_target_pct"] = t.energy_intensity_target_pct
        jurisdictions[code] = entry
        for year, values in (t.annual_targets or {}).items():
            annual[(code, int(year))] = {k: float(v) for k, v in values.items()}
        for alias in (t.kernel_id, t.annex_name, t.jurisdiction.name_zh):
            if alias and alias != code:
                aliases.setdefault(alias, code)
    return Framework(
        key=item.code,
        label=item.display_name,
        base_year=item.base_year,
        target_year=item.target_year,
        skeleton=skeleton,
        jurisdictions=jurisdictions,
        annual_targets=annual,
        aliases=aliases,
        tree_ref=_tree_ref(item, targets),
    )


def framework_for_year(year: int) -> Framework | None:
    """*Unscoped* (the statistics services' checks): the framework of the newest target set
    whose period holds ``year``."""
    found = (
        TargetSet.objects.filter(base_year__lte=year, target_year__gte=year)
        .order_by("-base_year", "code")
        .first()
    )
    return build_framework(found) if found is not None else None


def newest_framework() -> Framework | None:
    """*Unscoped.* The framework of the newest target set."""
    found = TargetSet.objects.order_by("-base_year", "code").first()
    return build_framework(found) if found is not None else None


def sets_covering(years: Iterable[int]) -> list[TargetSet]:
    """*Unscoped.* The target sets whose period holds one of ``years``."""
    wanted = set(years)
    return [
        item
        for item in TargetSet.objects.order_by("pk")
        if any(item.base_year <= y <= item.target_year for y in wanted)
    ]


# --- assessment runs ---------------------------------------------------------------------------


def runs(user: AnyUser | None, item: TargetSet | None = None) -> QuerySet[AssessmentRun]:
    """The runs the user may see (working runs: the city office and reviewers; published
    runs: everyone), newest first."""
    qs = scoped(AssessmentRun.objects.select_related("target_set", "created_by"), user)
    if item is not None:
        qs = qs.filter(target_set=item)
    return qs.defer("output").order_by("-created_at", "-pk")


def run(user: AnyUser | None, pk: Any) -> AssessmentRun:
    return get_visible(AssessmentRun.objects.select_related("target_set"), user, "pk", pk)


def latest_run(item: TargetSet, basis: str) -> AssessmentRun | None:
    """*Unscoped.* The newest run of the set on ``basis``."""
    return AssessmentRun.objects.filter(target_set=item, basis=basis).order_by("-version").first()


def current_run(user: AnyUser | None, item: TargetSet | None) -> AssessmentRun | None:
    """The newest run the user may see: the working one for those who see unpublished work,
    else the published one."""
    if item is None:
        return None
    visible = scoped(AssessmentRun.objects.select_related("target_set"), user).filter(
        target_set=item
    )
    for basis in (Basis.WORKING, Basis.PUBLISHED):
        found = visible.filter(basis=basis).order_by("-version").first()
        if found is not None:
            return found
    return None


def results(
    item: AssessmentRun,
    *,
    year: int | None = None,
    jurisdiction: Jurisdiction | None = None,
) -> QuerySet[AssessmentResult]:
    """The results of a run the caller has fetched through :func:`run` or
    :func:`current_run` (so it is visible), in rank order."""
    qs = item.results.select_related("jurisdiction", "statistic")
    if year is not None:
        qs = qs.filter(year=year)
    if jurisdiction is not None:
        qs = qs.filter(jurisdiction=jurisdiction)
    return qs.order_by(
        "year", "jurisdiction__parent_id", "veto", "rank", "jurisdiction__sort_order"
    )


def years_of(item: AssessmentRun) -> list[int]:
    return sorted(set(item.results.values_list("year", flat=True)))


def result_rows(item: AssessmentRun, year: int) -> list[AssessmentResult]:
    """The year's results, the root first, then the ranked jurisdictions."""
    rows = list(results(item, year=year).prefetch_related(Prefetch("jurisdiction__parent")))
    rows.sort(
        key=lambda r: (
            r.jurisdiction.parent_id is not None,
            r.rank if r.rank is not None else 10_000,
            r.jurisdiction.sort_order,
        )
    )
    return rows
