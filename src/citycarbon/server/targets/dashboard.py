"""What the dashboard, the assessment page and the jurisdiction page show, read from the
stored assessment runs. Every figure is the kernel's (its output stored with the run); here
they are only picked, ordered and labelled for the charts and tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models.fields.json import KT
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from citycarbon.server.common.selectors import AnyUser, cached_for
from citycarbon.server.geo import selectors as geo_selectors
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.stats import selectors as stats_selectors
from citycarbon.server.targets import selectors
from citycarbon.server.targets.choices import (
    WARNING_LEVELS,
    grade_label,
    verdict_label,
    warning_colour,
    warning_label,
    warning_short,
)
from citycarbon.server.targets.models import AssessmentResult, AssessmentRun, TargetSet

__all__ = [
    "DASHBOARD_DOMAINS",
    "JURISDICTION_DOMAINS",
    "Overview",
    "assessment_view",
    "dashboard",
    "dashboard_html",
    "jurisdiction_html",
    "jurisdiction_overview",
    "result_row",
]

#: What the dashboard reads: target sets, runs and results, and the jurisdictions.
DASHBOARD_DOMAINS = ("targets", "geo")
#: The jurisdiction page also lists the jurisdiction's statistics.
JURISDICTION_DOMAINS = ("targets", "geo", "stats")


def result_row(result: AssessmentResult) -> dict[str, Any]:
    """One jurisdiction-year of a run, labelled for a table."""
    data = result.data
    energy = data.get("energy") or {}
    return {
        "result": result,
        "jurisdiction": result.jurisdiction,
        "is_root": result.jurisdiction.parent_id is None,
        "year": result.year,
        "data": data,
        "energy": energy,
        "warning": warning_label(result.warning_level),
        "warning_short": warning_short(result.warning_level),
        "energy_warning_short": warning_short(result.energy_warning_level),
        "warning_colour": warning_colour(result.warning_level),
        "energy_warning": warning_label(result.energy_warning_level),
        "energy_warning_colour": warning_colour(result.energy_warning_level),
        "grade": grade_label(result.grade),
        "verdict": verdict_label(result.verdict) if result.verdict else "",
    }


@dataclass
class AssessmentView:
    target_set: TargetSet | None
    run: AssessmentRun | None
    years: list[int] = field(default_factory=list)
    year: int | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)


def assessment_view(
    user: AnyUser | None, set_code: str | None = None, year: Any = None
) -> AssessmentView:
    """The year's assessment of every jurisdiction in the newest run the user may see."""
    item = selectors.target_set(user, set_code)
    run = selectors.current_run(user, item)
    view = AssessmentView(target_set=item, run=run)
    if run is None:
        return view
    view.years = selectors.years_of(run)
    chosen = int(year) if str(year or "").isdigit() and int(year) in view.years else None
    view.year = chosen or (view.years[-1] if view.years else None)
    if view.year is not None:
        view.rows = [result_row(r) for r in selectors.result_rows(run, view.year)]
    return view


def _trajectories(run: AssessmentRun) -> dict[str, Any]:
    """Cumulative CO2-intensity reduction of each jurisdiction by year, and the reduction the
    even pace requires for each distinct target (the kernel's
    ``co2_intensity_reduction_pct`` and ``required_cumulative_reduction_pct``)."""
    output = run.output
    period = output.get("period") or {}
    base = int(period.get("base_year", 0))
    years = list(range(base, int(period.get("target_year", base)) + 1))
    # Only the columns drawn (not the kernel's whole row of every jurisdiction-year).
    rows = (
        selectors.results(run)
        .annotate(target=KT("data__co2_intensity_target_pct"))
        .values_list(
            "jurisdiction_id",
            "jurisdiction__code",
            "jurisdiction__name_zh",
            "jurisdiction__name_en",
            "jurisdiction__parent_id",
            "jurisdiction__sort_order",
            "year",
            "co2_reduction_pct",
            "required_reduction_pct",
            "target",
        )
    )
    series: dict[int, dict[str, Any]] = {}
    required: dict[float, dict[int, Any]] = {}
    for pk, code, name_zh, name_en, parent, sort, year, reduction, pace_pct, target in rows:
        entry = series.setdefault(
            pk,
            {
                "code": code,
                "name": Jurisdiction(name_zh=name_zh, name_en=name_en).name,
                "root": parent is None,
                "sort": sort,
                "values": {},
            },
        )
        # The base year is the reference: its reduction is zero by definition.
        entry["values"][year] = 0.0 if year == base else reduction
        if target is not None:
            pace = required.setdefault(float(target), {base: 0.0})
            if pace_pct is not None:
                pace.setdefault(year, pace_pct)
    ordered = sorted(series.values(), key=lambda s: (not s["root"], s["sort"]))
    return {
        "years": years,
        "series": [
            {
                "code": s["code"],
                "name": s["name"],
                "root": s["root"],
                "values": [s["values"].get(y) for y in years],
            }
            for s in ordered
        ],
        "required": [
            {"target": target, "values": [pace.get(y) for y in years]}
            for target, pace in sorted(required.items())
        ],
    }


def _progress(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Jurisdictions under the root, by cumulative progress (share of the period's target
    achieved, compound), highest first, coloured by warning level."""
    items = [
        {
            "code": row["jurisdiction"].code,
            "name": row["jurisdiction"].name,
            "progress": row["result"].progress_share_pct,
            "time": row["data"].get("time_progress_pct"),
            "level": row["result"].warning_level,
            "warning": str(row["warning"]),
            "colour": row["warning_colour"],
            "url": reverse("targets:jurisdiction", args=[row["jurisdiction"].code]),
        }
        for row in rows
        if not row["is_root"] and row["result"].progress_share_pct is not None
    ]
    items.sort(key=lambda item: -item["progress"])
    return items


def _tiles(user: AnyUser | None, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_code = {row["jurisdiction"].code: row for row in rows}
    tiles = []
    for item in geo_selectors.jurisdictions(user):
        if item.tile_col is None or item.tile_row is None:
            continue
        row = by_code.get(item.code)
        level = row["result"].warning_level if row else ""
        tiles.append(
            {
                "code": item.code,
                "name": item.name,
                "kind": level or "none",
                "kind_label": str(warning_label(level)),
                "col": item.tile_col,
                "row": item.tile_row,
                "colour": warning_colour(level),
                "url": reverse("targets:jurisdiction", args=[item.code]),
            }
        )
    return tiles


def _indicators(run: AssessmentRun, root: Jurisdiction | None, year: int) -> list[dict[str, Any]]:
    """The plan-wide indicators of the root jurisdiction in its latest year up to ``year``."""
    output = run.output.get("indicators") or {}
    definitions = {d["id"]: d for d in output.get("definitions", [])}
    if root is None:
        return []
    kernel_ids = {t.jurisdiction_id: t.kernel_id for t in selectors.targets_of(run.target_set)}
    root_id = kernel_ids.get(root.pk)
    latest: dict[str, dict[str, Any]] = {}
    for item in output.get("progress", []):
        if item["jurisdiction"] == root_id and item["year"] <= year:
            latest[item["indicator"]] = item
    cards = []
    for indicator_id, definition in definitions.items():
        progress = latest.get(indicator_id)
        cards.append(
            {
                "definition": definition,
                "name": definition["name"],
                "name_en": definition.get("name_en") or definition["name"],
                "progress": progress,
                "bar": max(0.0, min(100.0, (progress or {}).get("progress_pct") or 0.0)),
            }
        )
    return cards


def dashboard(
    user: AnyUser | None, set_code: str | None = None, year: Any = None
) -> dict[str, Any]:
    """Everything the city dashboard draws."""
    view = assessment_view(user, set_code, year)
    context: dict[str, Any] = {"view": view, "legend": warning_legend()}
    if view.run is None or view.year is None:
        return context
    root = next((row["jurisdiction"] for row in view.rows if row["is_root"]), None)
    root_row = next((row for row in view.rows if row["is_root"]), None)
    ranked = [row for row in view.rows if not row["is_root"]]
    levels: dict[str, int] = {}
    for row in ranked:
        key = row["result"].warning_level or ""
        levels[key] = levels.get(key, 0) + 1
    context.update(
        {
            "root_row": root_row,
            "trajectories": _trajectories(view.run),
            "progress": _progress(view.rows),
            "tiles": _tiles(user, view.rows),
            "indicators": _indicators(view.run, root, view.year),
            "level_counts": [
                {"label": label, "colour": colour, "count": levels.get(level, 0)}
                for level, (label, colour) in WARNING_LEVELS.items()
            ],
            "vetoes": sum(1 for row in ranked if row["result"].veto),
            "assessed": len(ranked),
        }
    )
    return context


def _year(value: Any) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) == 4 else None


def dashboard_html(user: AnyUser | None, set_code: str | None = None, year: Any = None) -> str:
    """The dashboard (``targets/_dashboard.html``) rendered for what ``user`` may see, cached
    until the targets or the jurisdictions change. It holds nothing of the user themself (no
    form, no name), only what their scope shows."""
    code, chosen = set_code or None, _year(year)
    return cached_for(
        user,
        "targets.dashboard",
        (code, chosen),
        DASHBOARD_DOMAINS,
        lambda: render_to_string("targets/_dashboard.html", dashboard(user, code, chosen)),
    )


def warning_legend() -> list[dict[str, Any]]:
    return [{"label": label, "colour": colour} for label, colour in WARNING_LEVELS.values()]


@dataclass
class Overview:
    jurisdiction: Jurisdiction
    target_set: TargetSet | None
    target: Any = None
    run: AssessmentRun | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    statistics: list[Any] = field(default_factory=list)
    latest: dict[str, Any] | None = None
    checklist: list[dict[str, Any]] = field(default_factory=list)
    chart: dict[str, Any] = field(default_factory=dict)


def jurisdiction_overview(user: AnyUser | None, code: str, set_code: str | None = None) -> Overview:
    """A jurisdiction's targets, yearly figures, warning history and score breakdown."""
    item = geo_selectors.jurisdiction(user, code)
    target_set = selectors.target_set(user, set_code)
    overview = Overview(jurisdiction=item, target_set=target_set)
    overview.statistics = list(stats_selectors.statistics(user, jurisdiction=item.code))
    if target_set is None:
        return overview
    overview.target = selectors.target_of(target_set, item)
    run = selectors.current_run(user, target_set)
    overview.run = run
    if run is None:
        return overview
    results = list(selectors.results(run, jurisdiction=item).order_by("year"))
    overview.rows = [result_row(r) for r in results]
    if overview.rows:
        overview.latest = overview.rows[-1]
        base = target_set.base_year
        overview.chart = {
            "labels": {
                "co2": str(_("CO2 intensity")),
                "co2_required": str(_("CO2: required pace")),
                "energy": str(_("Energy intensity")),
                "energy_required": str(_("Energy: required pace")),
            },
            "years": [r.year for r in results],
            "co2": [0.0 if r.year == base else r.co2_reduction_pct for r in results],
            "co2_required": [0.0 if r.year == base else r.required_reduction_pct for r in results],
            "energy": [
                0.0 if r.year == base else r.data.get("energy_intensity_reduction_pct")
                for r in results
            ],
            "energy_required": [
                0.0
                if r.year == base
                else (r.data.get("energy") or {}).get("required_cumulative_reduction_pct")
                for r in results
            ],
        }
        latest_result = results[-1]
        awards = {}
        if latest_result.statistic is not None:
            awards = {m.item: m for m in latest_result.statistic.measures.all()}
        overview.checklist = [
            {"item": c, "award": awards.get(c.code)} for c in selectors.checklist_of(target_set)
        ]
    return overview


def jurisdiction_html(
    user: AnyUser | None, code: str, set_code: str | None = None
) -> tuple[str, str]:
    """The jurisdiction page's title and body (``targets/_jurisdiction.html``: targets,
    warning history, score breakdown, yearly figures) rendered for what ``user`` may see,
    cached until the targets, the jurisdictions or the statistics change. An unknown or
    hidden jurisdiction raises (and nothing is cached)."""

    def render() -> tuple[str, str]:
        overview = jurisdiction_overview(user, code, set_code)
        body = render_to_string(
            "targets/_jurisdiction.html",
            {
                "overview": overview,
                "may_add": stats_selectors.may_enter(user, overview.jurisdiction),
            },
        )
        return overview.jurisdiction.name, body

    return cached_for(
        user, "targets.jurisdiction", (code, set_code or None), JURISDICTION_DOMAINS, render
    )
