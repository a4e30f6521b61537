"""The targets app's actions: loading a target set, and running the assessment.

The assessment is the targets kernel's (``citycarbon.targets.parse_input`` and ``assess``) run
on the stored statistics — never a formula here. A run stores what it read (each statistic's
version), the configuration and factors, the kernel's version and its whole output; the same
input is never assessed twice (the input's SHA-256 is compared with the last run's).
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citycarbon import __version__
from citycarbon.server.common.choices import LifecycleState
from citycarbon.server.common.errors import ErrorRecord, NotFoundError, ValidationFailedError
from citycarbon.server.common.models import User
from citycarbon.server.common.selectors import perm_for, require
from citycarbon.server.common.services import record_event, snapshot
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.stats import selectors as stats_selectors
from citycarbon.server.stats.framework import Framework, frameworks_cached
from citycarbon.server.stats.services import ImportResult, ImportRow, do_import_rows
from citycarbon.server.stats.validation import Figures
from citycarbon.server.stats.workbook import Cell
from citycarbon.server.targets import selectors
from citycarbon.server.targets.choices import Basis, TargetsAction
from citycarbon.server.targets.models import (
    AssessmentResult,
    AssessmentRun,
    ChecklistItem,
    JurisdictionTarget,
    PlanIndicator,
    TargetSet,
)
from citycarbon.targets import (
    CatalogueError,
    TargetsInputError,
    assess,
    default_config,
    example,
    jurisdiction_set,
    parse_input,
)

__all__ = [
    "do_assess",
    "do_load_example_statistics",
    "do_load_target_set",
    "do_recompute",
    "set_snapshot",
]

#: Which statistics each basis reads.
STATES = {
    Basis.WORKING.value: (LifecycleState.APPROVED.value, LifecycleState.PUBLISHED.value),
    Basis.PUBLISHED.value: (LifecycleState.PUBLISHED.value,),
}


def _normalise(name: str) -> str:
    """A name compared loosely: full-width parentheses and spaces do not count."""
    return re.sub(r"\s+", "", name.replace("（", "(").replace("）", ")"))


def _config_json() -> dict[str, Any]:
    config = default_config()
    return {
        "warning": asdict(config.warning),
        "scoring": {
            "annual_points": config.scoring.annual_points,
            "cumulative_points": config.scoring.cumulative_points,
            "measures_points": config.scoring.measures_points,
            "grades": [{"grade": g.grade, "min_score": g.min_score} for g in config.scoring.grades],
            "failing_grade": config.scoring.failing_grade,
        },
        "verdict": asdict(config.verdict),
        "projection": asdict(config.projection),
    }


def set_snapshot(item: TargetSet) -> dict[str, Any]:
    """The set with its targets, indicators and checklist (for the audit trail)."""
    data = snapshot(item)
    data.pop("created_at", None)
    data.pop("created_by_id", None)
    data["targets"] = [
        {
            "jurisdiction": t.jurisdiction.code,
            "kernel_id": t.kernel_id,
            "annex_name": t.annex_name,
            "co2_intensity_target_pct": t.co2_intensity_target_pct,
            "energy_intensity_target_pct": t.energy_intensity_target_pct,
            "annual_targets": t.annual_targets,
        }
        for t in selectors.targets_of(item)
    ]
    data["indicators"] = [i.as_kernel() for i in selectors.indicators_of(item)]
    data["checklist"] = [c.as_kernel() for c in selectors.checklist_of(item)]
    return data


def _match(jurisdictions: list[Jurisdiction], kernel_id: str, *names: str) -> Jurisdiction | None:
    for item in jurisdictions:
        if item.code == kernel_id:
            return item
    wanted = {_normalise(n) for n in names if n}
    for item in jurisdictions:
        if _normalise(item.name_zh) in wanted:
            return item
    return None


def do_load_target_set(
    actor: User | None,
    set_id: str,
    *,
    code: str | None = None,
    co2_factors: Mapping[str, Any] | None = None,
    grid_factor: Any = None,
) -> TargetSet:
    """Load a shipped set of ``citycarbon.targets`` (its annex, tree, plan indicators, the
    default checklist and configuration) as a target set over the stored jurisdictions.

    Each row of the annex is matched to a jurisdiction by code, else by its Chinese name; the
    set's tree must agree with the stored tree. Loading the same set again changes nothing;
    a changed set replaces the stored one (audited) and the assessments are recomputed.
    """
    try:
        shipped = jurisdiction_set(set_id)
    except CatalogueError as error:
        raise NotFoundError(str(error), field="set", value=set_id) from None
    stored = list(Jurisdiction.objects.select_related("parent").order_by("sort_order", "code"))
    errors: list[ErrorRecord] = []
    matched: dict[str, Jurisdiction] = {}
    for index, row in enumerate(shipped.annex, start=1):
        node = shipped.tree.node(row.jurisdiction)
        found = _match(stored, row.jurisdiction, row.annex_name, node.name)
        if found is None:
            errors.append(
                ErrorRecord(
                    message=_("No stored jurisdiction has this code or name."),
                    field="jurisdiction",
                    value=row.jurisdiction,
                    row=index,
                )
            )
            continue
        matched[row.jurisdiction] = found
    roots = [node.id for node in shipped.tree if node.parent is None]
    root = matched.get(roots[0]) if roots else None
    if root is None and not errors:
        errors.append(
            ErrorRecord(message=_("The set's root is not in the annex."), field="tree", value=roots)
        )
    for kernel_id, found in matched.items():
        parent = shipped.tree.node(kernel_id).parent
        if parent is not None and parent in matched and found.parent_id != matched[parent].pk:
            errors.append(
                ErrorRecord(
                    message=_("The set places this jurisdiction under another parent."),
                    field="parent",
                    value=kernel_id,
                )
            )
    if errors:
        raise ValidationFailedError(
            _("The set %(set)s does not fit the stored jurisdictions.") % {"set": set_id},
            field=errors[0].field,
            value=errors[0].value,
            errors=errors,
        )
    assert root is not None
    code = code or f"{shipped.id}-{shipped.base_year}-{shipped.target_year}"
    require(actor, perm_for(TargetSet, "add"), TargetSet(jurisdiction=root))
    values = {
        "jurisdiction": root,
        "name": shipped.name,
        "name_en": shipped.name_en,
        "document": shipped.document,
        "issuer": shipped.issuer,
        "issued": shipped.issued,
        "lead_office": shipped.lead_office,
        "base_year": shipped.base_year,
        "target_year": shipped.target_year,
        "annex_title": shipped.annex_title,
        "source_set": shipped.id,
        "config": _config_json(),
        "co2_factors": dict(co2_factors or {}),
        "grid_factor": grid_factor,
    }
    config = default_config()
    targets = [
        JurisdictionTarget(
            jurisdiction=matched[row.jurisdiction],
            kernel_id=row.jurisdiction,
            annex_name=row.annex_name,
            co2_intensity_target_pct=row.co2_intensity_target_pct,
            energy_intensity_target_pct=row.energy_intensity_target_pct,
            sort_order=index,
        )
        for index, row in enumerate(shipped.annex)
    ]
    indicators = [
        PlanIndicator(
            sort_order=index,
            code=ind.id,
            name=ind.name,
            name_en=ind.name_en,
            unit=ind.unit,
            direction=ind.direction,
            baseline=ind.baseline,
            baseline_year=ind.baseline_year,
            target=ind.target,
            target_year=ind.target_year,
            responsible_department=ind.responsible_department,
            clause=ind.clause,
            computed_from=ind.computed_from or "",
            plan_text=ind.plan_text,
            note=ind.note,
        )
        for index, ind in enumerate(shipped.indicators)
    ]
    checklist = [
        ChecklistItem(
            sort_order=index,
            code=c.id,
            name=c.name,
            name_en=c.name_en,
            part=c.part,
            points=c.points,
            clauses=" ".join(c.clauses),
            description=c.description,
        )
        for index, c in enumerate(config.checklist)
    ]
    with transaction.atomic():
        item = TargetSet.objects.select_for_update().filter(code=code).first()
        if item is not None:
            require(actor, perm_for(TargetSet, "change"), item)
            planned = TargetSet(pk=item.pk, code=code, **values)
            if _spec(planned, targets, indicators, checklist) == _spec(
                item,
                list(selectors.targets_of(item)),
                list(selectors.indicators_of(item)),
                list(selectors.checklist_of(item)),
            ):
                return item  # the same set again: nothing to write
        before = set_snapshot(item) if item is not None else None
        if item is None:
            item = TargetSet(code=code, created_by=actor, **values)
        else:
            for name, value in values.items():
                setattr(item, name, value)
            item.revision += 1
        item.save()
        JurisdictionTarget.objects.filter(target_set=item).delete()
        PlanIndicator.objects.filter(target_set=item).delete()
        ChecklistItem.objects.filter(target_set=item).delete()
        for target in targets:
            target.target_set = item
        for indicator in indicators:
            indicator.target_set = item
        for entry in checklist:
            entry.target_set = item
        JurisdictionTarget.objects.bulk_create(targets)
        PlanIndicator.objects.bulk_create(indicators)
        ChecklistItem.objects.bulk_create(checklist)
        record_event(
            actor=actor,
            action=TargetsAction.LOAD_SET if before is None else TargetsAction.UPDATE_SET,
            obj=item,
            before=before,
            after=set_snapshot(item),
        )
        if before is not None:
            for basis in (Basis.WORKING, Basis.PUBLISHED):
                do_assess(None, item, basis.value, trigger=f"target set {item.code} changed")
    return item


def _spec(
    item: TargetSet,
    targets: list[JurisdictionTarget],
    indicators: list[PlanIndicator],
    checklist: list[ChecklistItem],
) -> dict[str, Any]:
    """What a set says, to tell whether loading it again would change anything."""
    fields = {
        name: getattr(item, name)
        for name in (
            "code", "jurisdiction_id", "name", "name_en", "document", "issuer", "issued",
            "lead_office", "base_year", "target_year", "annex_title", "source_set", "config",
            "co2_factors", "grid_factor",
        )
    }  # fmt: skip
    return json.loads(
        json.dumps(
            {
                "fields": fields,
                "targets": [
                    (
                        t.jurisdiction_id,
                        t.kernel_id,
                        t.annex_name,
                        t.co2_intensity_target_pct,
                        t.energy_intensity_target_pct,
                        t.annual_targets,
                        t.sort_order,
                    )
                    for t in targets
                ],
                "indicators": [i.as_kernel() for i in indicators],
                "checklist": [c.as_kernel() for c in checklist],
            },
            sort_keys=True,
            default=str,
        )
    )


# --- the assessment -------------------------------------------------------------------------------


def _digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _kernel_input(
    item: TargetSet, basis: str, framework: Framework
) -> tuple[
    dict[str, Any] | None, list[dict[str, Any]], list[dict[str, Any]], dict[tuple[str, int], Any]
]:
    """The kernel input of a run, the statistics it reads, what was left out and why, and the
    statistic of each (code, year)."""
    targets = list(selectors.targets_of(item))
    by_pk = {t.jurisdiction_id: t.jurisdiction for t in targets}
    found = stats_selectors.effective_statistics(by_pk, item.years(), STATES[basis])
    statistics = {(by_pk[jid].code, year): stat for (jid, year), stat in found.items()}
    years_by_code: dict[str, dict[int, Any]] = {}
    for code in framework.jurisdictions:  # in the order of the annex
        for year in item.years():
            if (code, year) in statistics:
                years_by_code.setdefault(code, {})[year] = Figures.of(
                    statistics[(code, year)]
                ).to_kernel()
    excluded: list[dict[str, Any]] = []
    for _attempt in range(len(statistics) + 2):
        if not years_by_code:
            return None, [], excluded, statistics
        data = framework.kernel_input(years_by_code)
        data["illustrative"] = any(
            statistics[(code, year)].illustrative
            for code, years in years_by_code.items()
            for year in years
        )
        try:
            parse_input(data)
        except TargetsInputError as error:
            for problem in error.problems:
                culprit = (
                    framework.code_of(problem.jurisdiction)
                    if problem.jurisdiction is not None
                    else None
                )
                if culprit is None:
                    raise ValidationFailedError(
                        _("The target set cannot be assessed: %(problem)s") % {"problem": problem},
                        field=problem.field,
                        value=problem.value,
                    ) from None
                excluded.append({**problem.as_dict(), "jurisdiction": culprit})
                at = problem.year if isinstance(problem.year, int) else None
                if at is None or at == item.base_year:
                    years_by_code.pop(culprit, None)
                elif culprit in years_by_code:
                    years_by_code[culprit].pop(at, None)
            continue
        inputs = [
            {
                "jurisdiction": code,
                "year": year,
                "statistic": statistics[(code, year)].pk,
                "lineage": str(statistics[(code, year)].lineage),
                "version": statistics[(code, year)].version,
                "state": statistics[(code, year)].state,
            }
            for code, years in years_by_code.items()
            for year in sorted(years)
        ]
        return data, inputs, excluded, statistics
    return None, [], excluded, statistics  # pragma: no cover — each pass removes a year


def _empty_output(item: TargetSet) -> dict[str, Any]:
    return {
        "title": item.name,
        "period": {
            "base_year": item.base_year,
            "target_year": item.target_year,
            "years": item.target_year - item.base_year,
        },
        "as_of": item.base_year,
        "results": [],
        "indicators": {"definitions": [], "progress": []},
        "factors": {},
        "config": {},
    }


def do_assess(
    actor: User | None, item: TargetSet, basis: str, *, trigger: str = ""
) -> AssessmentRun | None:
    """Run the kernel on the set's statistics of ``basis`` and store the run.

    ``working`` reads, for each jurisdiction-year, the latest approved or published version;
    ``published`` the latest published one. Jurisdiction-years the kernel refuses (a missing
    base year, a growth rate without the previous year) are left out and named in the run.
    Nothing is stored when the input equals the last run's (idempotent), or when there has
    never been anything to assess.
    """
    if basis not in STATES:
        raise ValidationFailedError(_("Unknown basis."), field="basis", value=basis)
    require(actor, perm_for(AssessmentRun, "add"), AssessmentRun(target_set=item))
    framework = selectors.build_framework(item)
    data, inputs, excluded, statistics = _kernel_input(item, basis, framework)
    with transaction.atomic():
        TargetSet.objects.select_for_update().filter(pk=item.pk).first()
        latest = selectors.latest_run(item, basis)
        if data is None:
            if latest is None or not latest.output.get("results"):
                return latest
            output: dict[str, Any] = _empty_output(item)
            config: dict[str, Any] = {}
            factors: dict[str, Any] = {}
            digest = _digest({"empty": item.pk, "excluded": excluded})
        else:
            digest = _digest({"input": data, "excluded": excluded, "kernel": __version__})
        if latest is not None and latest.input_digest == digest:
            return latest
        if data is not None:
            result = assess(parse_input(data))
            output = result.as_dict()
            config = output["config"]
            factors = output["factors"]
        now = timezone.now()
        published = basis == Basis.PUBLISHED
        run = AssessmentRun(
            target_set=item,
            basis=basis,
            as_of=max((r["year"] for r in output["results"]), default=item.base_year),
            trigger=trigger[:300],
            input_digest=digest,
            inputs=inputs,
            excluded=excluded,
            config=config,
            factors=factors,
            kernel_version=__version__,
            output=output,
            lineage=latest.lineage if latest is not None else uuid.uuid4(),
            version=latest.version + 1 if latest is not None else 1,
            supersedes=latest,
            state=LifecycleState.PUBLISHED if published else LifecycleState.APPROVED,
            created_by=actor,
            created_at=now,
            approved_at=now,
            approved_by=actor,
            published_at=now if published else None,
            published_by=actor if published else None,
        )
        run.save()
        codes = {t.jurisdiction.code: t.jurisdiction for t in selectors.targets_of(item)}
        rows = []
        for row in output["results"]:
            code = framework.code_of(row["jurisdiction"])
            if code is None:
                continue
            stat = statistics.get((code, row["year"]))
            rows.append(
                AssessmentResult(
                    run=run,
                    jurisdiction=codes[code],
                    year=row["year"],
                    statistic=stat,
                    co2_intensity=row.get("co2_intensity"),
                    co2_reduction_pct=row.get("co2_intensity_reduction_pct"),
                    required_reduction_pct=row.get("required_cumulative_reduction_pct"),
                    progress_share_pct=row.get("progress_share_pct"),
                    warning_level=row.get("warning_level") or "",
                    energy_warning_level=(row.get("energy") or {}).get("warning_level") or "",
                    score=row.get("score"),
                    grade=row.get("grade") or "",
                    veto=row.get("veto"),
                    rank=row.get("rank"),
                    rank_of=row.get("rank_of"),
                    verdict=row.get("verdict") or "",
                    data=row,
                )
            )
        AssessmentResult.objects.bulk_create(rows)
        record_event(
            actor=actor,
            action=TargetsAction.ASSESS,
            obj=run,
            after={
                "target_set": item.code,
                "basis": basis,
                "version": run.version,
                "as_of": run.as_of,
                "input_digest": digest,
                "statistics": len(inputs),
                "excluded": len(excluded),
                "kernel_version": __version__,
            },
            reason=trigger[:500],
        )
    return run


@frameworks_cached()
def do_recompute(
    actor: User | None, *, years: Iterable[int], bases: Iterable[str], trigger: str = ""
) -> list[AssessmentRun]:
    """Recompute the runs of every target set whose period holds one of ``years``."""
    done = []
    for item in selectors.sets_covering(years):
        for basis in sorted(set(bases)):
            found = do_assess(actor, item, basis, trigger=trigger)
            if found is not None:
                done.append(found)
    return done


# --- shipped statistics -------------------------------------------------------------------------


def _example_cell(where: str, kernel_field: str) -> Cell:
    return Cell(where, None, kernel_field)


def do_load_example_statistics(item: TargetSet, name: str, *, reason: str = "") -> ImportResult:
    """Load a shipped example input's statistics into ``item`` as published records (the
    system's action; the demo). Its jurisdictions are named by the kernel's ids, which the set
    maps to ours. Loading them again changes nothing."""
    try:
        data = example(name)
    except CatalogueError as error:
        raise NotFoundError(str(error), field="example", value=name) from None
    rows = []
    for entry in data.get("jurisdictions", []):
        for year, raw in (entry.get("years") or {}).items():
            rows.append(
                ImportRow(
                    jurisdiction=str(entry["id"]),
                    year=year,
                    raw=dict(raw),
                    locate=partial(_example_cell, f"example:{entry['id']}:{year}"),
                    illustrative=bool(data.get("illustrative")),
                )
            )
    why = reason or _("Shipped illustrative statistics (%(name)s), loaded by the demo.") % {
        "name": name
    }
    return do_import_rows(
        None, rows, source=f"example {name}", publish=True, acknowledge_reason=why
    )
