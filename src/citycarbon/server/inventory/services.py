"""The inventory app's actions — the only code that writes inventories and compilations.

An inventory is a versioned record (the common lifecycle services move it; its checks are
``Inventory.lifecycle_errors``). A compilation (``InventoryRun``) is requested with a factor-set
version, a GWP metric and optionally Monte Carlo iterations, then advanced stage by stage
(:func:`do_advance_run`: compile → analyse → uncertainty), so a page can show its progress;
:func:`do_compile` runs every stage at once (API, demo, tests). The kernel does the
arithmetic; what is stored is its result with the provenance to explain and repeat it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from threading import Lock
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citycarbon import __version__
from citycarbon.inventory import (
    InventoryRefusedError,
    InventoryResult,
    compile_inventory,
    read_form,
)
from citycarbon.inventory.analysis import approach1, key_categories, monte_carlo
from citycarbon.inventory.model import SECTORS
from citycarbon.inventory.reference import SCOPES, DemoSet, demo_set
from citycarbon.server.common import services as common
from citycarbon.server.common.choices import LifecycleState
from citycarbon.server.common.errors import (
    ConflictError,
    ErrorRecord,
    ValidationFailedError,
)
from citycarbon.server.common.models import User
from citycarbon.server.common.selectors import perm_for, require
from citycarbon.server.factors.models import FactorSet
from citycarbon.server.factors.selectors import factor_library, rows_digest
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.inventory.choices import InventoryAction, RunStage, RunStatus
from citycarbon.server.inventory.models import Inventory, InventoryRun
from citycarbon.server.inventory.selectors import category_totals
from citycarbon.server.inventory.validators import MAX_FORM_CHARS, error_record, form_errors
from citycarbon.units import METRICS

__all__ = [
    "COMPILE_PERM",
    "MAX_ITERATIONS",
    "DemoLoad",
    "do_advance_run",
    "do_compile",
    "do_create_inventory",
    "do_load_demo_inventories",
    "do_request_compile",
    "do_update_inventory",
    "effective_form",
    "form_digest",
]

logger = logging.getLogger(__name__)
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: The permission to compile an inventory (the city office; not a district official).
COMPILE_PERM = "inventory.compile_inventory"
#: Most Monte Carlo iterations one compilation may ask for.
MAX_ITERATIONS = 200_000
#: Progress shown when each stage is done.
_PROGRESS = {RunStage.COMPILE: 40, RunStage.ANALYSE: 70, RunStage.UNCERTAINTY: 95}


def _refuse(errors: list[ErrorRecord], message: str) -> ValidationFailedError:
    first = errors[0]
    return ValidationFailedError(message, field=first.field, value=first.value, errors=errors)


def _normalised(form: Any) -> dict[str, Any]:
    """The form as stored JSON reads it back (string keys), refused when it is too large or
    not JSON at all."""
    try:
        text = json.dumps(form, ensure_ascii=False, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValidationFailedError(
            _("The input form is not JSON data: %(error)s") % {"error": exc}, field="form"
        ) from None
    if len(text) > MAX_FORM_CHARS:
        raise ValidationFailedError(
            _("The input form is too large (%(size)d characters, at most %(limit)d).")
            % {"size": len(text), "limit": MAX_FORM_CHARS},
            field="form",
            value=len(text),
        )
    result: dict[str, Any] = json.loads(text)
    return result


def _check_form(form: Any, year: int) -> dict[str, Any]:
    clean = _normalised(form)
    errors = form_errors(clean, year)
    if errors:
        raise _refuse(
            errors, _("The input form has %(count)d problem(s).") % {"count": len(errors)}
        )
    return clean


def _check_year(year: int) -> None:
    if not 1990 <= year <= 2100:
        raise ValidationFailedError(_("A year between 1990 and 2100."), field="year", value=year)


def do_create_inventory(
    actor: User | None,
    *,
    jurisdiction: Jurisdiction,
    year: int,
    form: Any,
    title: str = "",
    source: str = "",
    note: str = "",
) -> Inventory:
    """A new inventory (version 1 of a new lineage) as a draft. There is one lineage per
    jurisdiction and year: a second is refused (change the draft or correct the published
    version instead)."""
    _check_year(year)
    record = Inventory(
        jurisdiction=jurisdiction,
        year=year,
        title=title.strip()[:200],
        source=source.strip()[:200],
        note=note.strip(),
        form={},
    )
    require(actor, perm_for(Inventory, "add"), record)
    record.form = _check_form(form, year)
    record.form_digest = form_digest(record.form)
    with transaction.atomic():
        if Inventory.objects.filter(jurisdiction=jurisdiction, year=year).exists():
            raise ConflictError(
                _(
                    "An inventory of this jurisdiction and year exists; change its draft or "
                    "correct its published version."
                ),
                field="year",
                value=year,
            )
        return common.do_create_draft(actor, record)


def do_update_inventory(
    actor: User | None, inventory: Inventory, changes: Mapping[str, Any]
) -> Inventory:
    """Change a draft: its input form, title or note."""
    allowed = {"form", "title", "note"}
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in allowed:
            raise ValidationFailedError(
                _("This field cannot be changed."), field=name, value=str(value)[:40]
            )
        clean[name] = value
    if "form" in clean:
        require(actor, perm_for(Inventory, "change"), inventory)
        clean["form"] = _check_form(clean["form"], inventory.year)
        clean["form_digest"] = form_digest(clean["form"])
    return common.do_update_draft(actor, inventory, clean)


# --- compiling -------------------------------------------------------------------------------


def effective_form(inventory: Inventory) -> dict[str, Any]:
    """The stored form as compiled: the record's year and jurisdiction fill the form's
    ``inventory`` section where it leaves them out (the record is the authority)."""
    form = dict(inventory.form)  # only the inventory section is changed: a shallow copy
    meta = dict(form["inventory"]) if isinstance(form.get("inventory"), dict) else {}
    form["inventory"] = meta
    meta.setdefault("year", inventory.year)
    meta.setdefault("jurisdiction", inventory.jurisdiction.name_zh)
    meta.setdefault("code", inventory.jurisdiction.code)
    return form


def form_digest(form: Mapping[str, Any]) -> str:
    """SHA-256 of a form in canonical JSON: the same digest, the same input."""
    text = json.dumps(form, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check_compile_options(metric: str, iterations: int, seed: int) -> None:
    if metric not in METRICS:
        raise ValidationFailedError(
            _("Unknown GWP metric; choose one of %(metrics)s.") % {"metrics": ", ".join(METRICS)},
            field="metric",
            value=metric,
        )
    if not 0 <= iterations <= MAX_ITERATIONS:
        raise ValidationFailedError(
            _("Between 0 and %(limit)d Monte Carlo iterations.") % {"limit": MAX_ITERATIONS},
            field="iterations",
            value=iterations,
        )
    if not 0 <= seed < 2**31:
        raise ValidationFailedError(_("A seed from 0 to 2^31 - 1."), field="seed", value=seed)


def do_request_compile(
    actor: User | None,
    inventory: Inventory,
    *,
    factor_set: FactorSet,
    metric: str = "SARGWP100",
    iterations: int = 0,
    seed: int = 1,
) -> InventoryRun:
    """Queue the compilation of ``inventory`` with ``factor_set`` under ``metric``.

    Idempotent: the same input, factor rows and options as a compilation that is queued,
    running or done return that compilation (no second one, no event).
    """
    _check_compile_options(metric, iterations, seed)
    require(actor, COMPILE_PERM, inventory)
    require(actor, perm_for(FactorSet, "view"), factor_set)
    with transaction.atomic():
        locked = Inventory.objects.select_for_update().select_related("jurisdiction")
        item = locked.get(pk=inventory.pk)
        input_digest = form_digest(effective_form(item))
        factor_digest = rows_digest(factor_set)
        existing = (
            InventoryRun.objects.filter(
                inventory=item,
                factor_set=factor_set,
                metric=metric,
                iterations=iterations,
                seed=seed,
                input_digest=input_digest,
                factor_digest=factor_digest,
            )
            .exclude(status=RunStatus.FAILED)
            .order_by("-pk")
            .first()
        )
        if existing is not None:
            return existing
        run = InventoryRun.objects.create(
            inventory=item,
            factor_set=factor_set,
            metric=metric,
            iterations=iterations,
            seed=seed,
            input_digest=input_digest,
            factor_digest=factor_digest,
            factor_library=factor_set.library_version,
            engine_version=f"citycarbon {__version__}",
            created_by=actor,
        )
        common.record_event(
            actor=actor,
            action=InventoryAction.REQUEST_COMPILE,
            obj=run,
            object_repr=f"{item} · {factor_set.library_version} · {metric}",
            after=common.snapshot(run),
        )
    return run


_RESULTS: OrderedDict[tuple[str, ...], InventoryResult] = OrderedDict()
_RESULTS_LOCK = Lock()


def _result_key(run: InventoryRun) -> tuple[str, ...]:
    """What a result depends on: the input, the factor rows and their version, the metric."""
    return (run.input_digest, run.factor_digest, run.factor_library, run.metric)


def _remember(run: InventoryRun, result: InventoryResult) -> None:
    with _RESULTS_LOCK:
        _RESULTS[_result_key(run)] = result
        while len(_RESULTS) > 4:
            _RESULTS.popitem(last=False)


def _compiled(run: InventoryRun) -> InventoryResult:
    """The kernel's result of ``run`` (kept in memory between stages; recompiled when another
    process served the previous stage — the input and the factors are the same)."""
    with _RESULTS_LOCK:
        cached = _RESULTS.get(_result_key(run))
    if cached is not None:
        return cached
    form = effective_form(run.inventory)
    if form_digest(form) != run.input_digest or rows_digest(run.factor_set) != run.factor_digest:
        raise RuntimeError(_("The input or the factors changed while the compilation ran."))
    result = compile_inventory(
        read_form(form), metric=run.metric, library=factor_library(run.factor_set)
    )
    _remember(run, result)
    return result


def _summary(result: InventoryResult, data: Mapping[str, Any]) -> dict[str, Any]:
    totals: Any = data["totals"]
    completeness = dict(result.completeness)
    by_category, by_subcategory = category_totals(data)
    return {
        "total_tco2e": float(result.total().value),
        "total_without_lucf_tco2e": float(result.total(include_lucf=False).value),
        "by_sector_tco2e": {s: totals["by_sector"][s]["tco2e"] for s in SECTORS},
        "by_category_tco2e": by_category,
        "by_subcategory_tco2e": by_subcategory,
        "by_gas_t": totals["by_gas_t"],
        "by_gas_tco2e": totals["by_gas_tco2e"],
        "indirect": result.indirect,
        "memo_t": result.memo,
        "scopes_tco2": {name: float(fn(result)) for name, (_d, fn) in SCOPES.items()},
        "complete": bool(completeness.get("complete")),
        "missing": len(completeness.get("missing", [])),
        "lines": len(result.lines()),
        "factor_library": result.factor_library,
        "factor_sets": list(result.factor_sets),
    }


def _analysis(result: InventoryResult) -> dict[str, Any]:
    """Approach 1 uncertainty and the key categories (level, Approach 1 and 2). A failure of
    the analysis is reported in it and does not undo the compilation."""
    try:
        first = approach1(result)
        weights = {
            (g["group"], g["gas"]): float(g["uncertainty_pct"] or 0.0) for g in first["key_groups"]
        }
        keys = key_categories(result, uncertainty_pct=weights)
    except Exception as exc:
        logger.exception("inventory analysis failed")
        return {"error": f"{type(exc).__name__}: {exc}"}
    return {"approach1": first, "key_categories": keys}


_FINISH_FIELDS = ("status", "stage", "progress", "message", "finished_at")


def _finish(
    actor: User | None,
    run: InventoryRun,
    status: str,
    message: str = "",
    changed: tuple[str, ...] = (),
) -> None:
    before = {"status": run.status, "stage": run.stage}
    run.status = status
    run.stage = RunStage.DONE
    run.progress = 100
    run.message = message
    run.finished_at = timezone.now()
    run.save(update_fields=[*_FINISH_FIELDS, *changed])
    action = {
        RunStatus.DONE: InventoryAction.COMPILE,
        RunStatus.REFUSED: InventoryAction.REFUSE,
    }.get(RunStatus(status), InventoryAction.FAIL)
    after = common.snapshot(run)
    if status == RunStatus.DONE:
        after["totals"] = {
            "total_tco2e": run.total_tco2e,
            "total_without_lucf_tco2e": run.total_without_lucf_tco2e,
        }
    elif run.errors:
        after["errors"] = run.errors[:20]
    common.record_event(
        actor=actor,
        action=action,
        obj=run,
        object_repr=f"{run.inventory} · {run.factor_library} · {run.metric}",
        before=before,
        after=after,
    )


def _stage_compile(actor: User | None, run: InventoryRun) -> None:
    run.started_at = run.started_at or timezone.now()
    form = effective_form(run.inventory)
    run.input_digest = form_digest(form)
    run.factor_digest = rows_digest(run.factor_set)
    library = factor_library(run.factor_set)
    try:
        result = compile_inventory(read_form(form), metric=run.metric, library=library)
    except InventoryRefusedError as refused:
        run.errors = [
            {**error_record(e).as_dict(), "where": e.where.as_dict() if e.where else None}
            for e in refused.errors
        ]
        _finish(
            actor,
            run,
            RunStatus.REFUSED,
            _("The engine refused the input: %(count)d problem(s).")
            % {"count": len(refused.errors)},
            changed=("errors", "started_at", "input_digest", "factor_digest"),
        )
        return
    _remember(run, result)
    run.result = result.as_dict()
    run.summary = _summary(result, run.result)
    run.total_tco2e = run.summary["total_tco2e"]
    run.total_without_lucf_tco2e = run.summary["total_without_lucf_tco2e"]
    run.status = RunStatus.RUNNING
    run.stage = RunStage.ANALYSE
    run.progress = _PROGRESS[RunStage.COMPILE]
    run.save()  # the first write of the result: every column


def _stage_analyse(actor: User | None, run: InventoryRun) -> None:
    run.analysis = _analysis(_compiled(run))
    if run.iterations:
        run.stage = RunStage.UNCERTAINTY
        run.progress = _PROGRESS[RunStage.ANALYSE]
        run.save(update_fields=["analysis", "stage", "progress"])
    else:
        _finish(actor, run, RunStatus.DONE, changed=("analysis",))


def _stage_uncertainty(actor: User | None, run: InventoryRun) -> None:
    try:
        simulated = monte_carlo(_compiled(run), run.iterations, seed=run.seed)
    except InventoryRefusedError as refused:
        run.uncertainty = {"error": "; ".join(e.describe() for e in refused.errors)}
    else:
        run.uncertainty = simulated.as_dict()
    _finish(actor, run, RunStatus.DONE, changed=("uncertainty",))


_STAGES = {
    RunStage.QUEUED: _stage_compile,
    RunStage.COMPILE: _stage_compile,
    RunStage.ANALYSE: _stage_analyse,
    RunStage.UNCERTAINTY: _stage_uncertainty,
}


def do_advance_run(actor: User | None, run: InventoryRun) -> InventoryRun:
    """Do the next stage of a compilation and return it; a finished one is returned as it is.

    Stages: compile (the kernel's ``compile_inventory`` with the stored factor set) → analyse
    (Approach 1 uncertainty, key categories) → uncertainty (Monte Carlo, when iterations were
    asked for). The end is audited: compiled, refused by the engine (with every problem), or
    failed (an error of the software, logged).
    """
    with transaction.atomic():
        locked = (
            InventoryRun.objects.select_for_update()
            .select_related("inventory__jurisdiction", "factor_set")
            .defer("result", "analysis", "uncertainty", "errors", "summary")
            .get(pk=run.pk)
        )
        require(actor, COMPILE_PERM, locked.inventory)
        if locked.finished:
            return locked
        stage = _STAGES.get(RunStage(locked.stage), _stage_compile)
        try:
            stage(actor, locked)
        except Exception as exc:
            logger.exception("inventory compilation %s failed", locked.pk)
            _finish(actor, locked, RunStatus.FAILED, f"{type(exc).__name__}: {exc}")
    return locked


def do_compile(
    actor: User | None,
    inventory: Inventory,
    *,
    factor_set: FactorSet,
    metric: str = "SARGWP100",
    iterations: int = 0,
    seed: int = 1,
) -> InventoryRun:
    """Request a compilation and run every stage now (idempotent as the request)."""
    run = do_request_compile(
        actor, inventory, factor_set=factor_set, metric=metric, iterations=iterations, seed=seed
    )
    for _step in range(len(_STAGES) + 1):
        if run.finished:
            break
        run = do_advance_run(actor, run)
    return run


# --- the demonstration data set ------------------------------------------------------------


@dataclass
class DemoLoad:
    """What :func:`do_load_demo_inventories` did, by ``(jurisdiction code, year)``."""

    created: list[tuple[str, int]] = field(default_factory=list)
    unchanged: list[tuple[str, int]] = field(default_factory=list)
    compiled: list[tuple[str, int]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def demo_jurisdictions(data: DemoSet) -> dict[str, Jurisdiction]:
    """The demo's jurisdiction ids → stored jurisdictions, matched by division code, else by
    code. Parts of the demo the platform does not have are left out."""
    stored = list(Jurisdiction.objects.all())
    by_division = {j.division_code: j for j in stored if j.division_code}
    by_code = {j.code: j for j in stored}
    found: dict[str, Jurisdiction] = {}
    for item in data.jurisdictions:
        match = by_division.get(item.division_code or "") or by_code.get(item.id)
        if match is not None:
            found[item.id] = match
    return found


def do_load_demo_inventories(
    actor: User | None,
    *,
    factor_set: FactorSet,
    name: str = "zhengzhou",
    years: tuple[int, ...] | None = None,
    iterations: int = 1000,
) -> DemoLoad:
    """Store the packaged demonstration inventories (``citycarbon.inventory.reference``) as
    published inventories and compile each with ``factor_set`` (SAR GWP-100, the guideline's
    metric). Safe to run again: stored jurisdiction-years are left as they are, and their
    compilation with the same options is found, not repeated."""
    data = demo_set(name)
    mapping = demo_jurisdictions(data)
    outcome = DemoLoad(skipped=[j.id for j in data.jurisdictions if j.id not in mapping])
    for demo_id, year in data.pairs():
        jurisdiction = mapping.get(demo_id)
        if jurisdiction is None or (years is not None and year not in years):
            continue
        key = (jurisdiction.code, year)
        with transaction.atomic():
            item = (
                Inventory.objects.filter(jurisdiction=jurisdiction, year=year)
                .order_by("-version")
                .first()
            )
            if item is None:
                form = yaml.load(data.text(demo_id, year), Loader=_YAML_LOADER)
                item = do_create_inventory(
                    actor,
                    jurisdiction=jurisdiction,
                    year=year,
                    form=form,
                    title=_("%(name)s %(year)d (illustrative demonstration data)")
                    % {"name": jurisdiction.name_zh, "year": year},
                    source=f"demo:{name}/{data.file_name(demo_id, year)}",
                    note=data.label,
                )
                for step in (common.do_submit, common.do_approve, common.do_publish):
                    item = step(actor, item)
                outcome.created.append(key)
            else:
                outcome.unchanged.append(key)
        if item.state == LifecycleState.PUBLISHED:
            run = do_compile(actor, item, factor_set=factor_set, iterations=iterations)
            if run.status == RunStatus.DONE:
                outcome.compiled.append(key)
    return outcome
