"""Importing many jurisdiction-years at once, all or nothing: every row is checked before any
is written (jurisdiction and year, permission, the kernel's checks of the figures among the
stored years, the state of the record a row would replace); one bad row refuses the import with
every problem named by sheet, row, column and value. The rows are then written with the
single-record actions of :mod:`.records`, in one transaction with one audit event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from citycarbon.server.common.choices import LifecycleState
from citycarbon.server.common.errors import (
    ConflictError,
    ErrorRecord,
    PermissionDeniedError,
    ValidationFailedError,
)
from citycarbon.server.common.models import User
from citycarbon.server.common.selectors import can, perm_for, require
from citycarbon.server.common.services import do_approve, do_correct, do_publish, record_event
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.stats import selectors
from citycarbon.server.stats.choices import StatsAction
from citycarbon.server.stats.framework import Framework, framework_for, frameworks_cached
from citycarbon.server.stats.models import Statistic
from citycarbon.server.stats.services.records import (
    do_acknowledge_warning,
    do_create_statistic,
    do_submit_statistic,
    do_update_statistic,
    reload_statistic,
)
from citycarbon.server.stats.signals import PUBLISHED, WORKING, notify
from citycarbon.server.stats.validation import (
    Figures,
    PlausibilityWarning,
    check_years,
    concerns,
    translate_problem,
)
from citycarbon.server.stats.workbook import Cell

__all__ = [
    "ANNUAL_TARGET_FIELDS",
    "ImportResult",
    "ImportRow",
    "do_import_rows",
    "same_value",
    "year_of",
]

#: The year's own targets: part of the target set, accepted in an import only as they are.
ANNUAL_TARGET_FIELDS = ("co2_intensity_annual_target_pct", "energy_intensity_annual_target_pct")

Locate = Callable[[str], Cell]


@dataclass
class ImportRow:
    """One jurisdiction-year to import: the names as given, the kernel's plain year input (as
    read, not yet checked) and where its values sit (kernel field → cell)."""

    jurisdiction: str
    year: Any
    raw: dict[str, Any]
    locate: Locate
    illustrative: bool = False


@dataclass
class ImportResult:
    """What an import did, record by record (jurisdiction code, year, record id)."""

    created: list[tuple[str, int, int]] = field(default_factory=list)
    updated: list[tuple[str, int, int]] = field(default_factory=list)
    corrected: list[tuple[str, int, int]] = field(default_factory=list)
    unchanged: list[tuple[str, int, int]] = field(default_factory=list)
    published: list[tuple[str, int, int]] = field(default_factory=list)
    warnings: list[tuple[str, int, PlausibilityWarning]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.corrected or self.published)

    def as_dict(self) -> dict[str, Any]:
        def items(rows: list[tuple[str, int, int]]) -> list[dict[str, Any]]:
            return [{"jurisdiction": c, "year": y, "id": pk} for c, y, pk in rows]

        return {
            "created": items(self.created),
            "updated": items(self.updated),
            "corrected": items(self.corrected),
            "unchanged": items(self.unchanged),
            "published": items(self.published),
            "warnings": [
                {
                    "jurisdiction": c,
                    "year": y,
                    "code": w.code,
                    "value": w.value,
                    "message": w.message,
                }
                for c, y, w in self.warnings
            ],
        }


def _error(cell: Cell, value: Any, message: str) -> ErrorRecord:
    return ErrorRecord(message=message, field=cell.field, value=value, row=cell.row)


def year_of(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def same_value(a: Any, b: Any) -> bool:
    try:
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))
    except (TypeError, ValueError):
        return str(a).strip() == str(b).strip()


@dataclass
class _Planned:
    row: ImportRow
    code: str
    year: int
    jurisdiction: Jurisdiction
    framework: Framework
    figures: Figures | None = None
    existing: Statistic | None = None
    action: str = ""


def _plan(
    actor: User | None, rows: list[ImportRow], correction_reason: str
) -> tuple[list[_Planned], list[ErrorRecord], list[ErrorRecord]]:
    """Check every row; nothing is written. Returns the plan, the errors and the refusals
    (rows the actor may not write)."""
    errors: list[ErrorRecord] = []
    refusals: list[ErrorRecord] = []
    planned: list[_Planned] = []
    seen: dict[tuple[str, int], ImportRow] = {}
    by_code = {j.code: j for j in Jurisdiction.objects.all()}
    for row in rows:
        year = year_of(row.year)
        if year is None:
            errors.append(_error(row.locate("years"), row.year, _("Not a year.")))
            continue
        framework = framework_for(year)
        if framework is None:
            errors.append(
                _error(
                    row.locate("years"),
                    row.year,
                    _("No target period covers %(year)d.") % {"year": year},
                )
            )
            continue
        code = framework.resolve(str(row.jurisdiction).strip())
        if code is None or code not in by_code:
            cell = row.locate("jurisdiction")
            known = str(row.jurisdiction).strip() in by_code
            message = (
                _("This jurisdiction has no targets in %(framework)s.")
                % {"framework": framework.label}
                if known
                else _("No such jurisdiction.")
            )
            errors.append(
                _error(Cell(cell.sheet, cell.row, "jurisdiction"), row.jurisdiction, message)
            )
            continue
        if (code, year) in seen:
            cell = row.locate("years")
            errors.append(
                _error(
                    Cell(cell.sheet, cell.row, "jurisdiction"),
                    row.jurisdiction,
                    _("%(jurisdiction)s %(year)d appears twice.")
                    % {"jurisdiction": code, "year": year},
                )
            )
            continue
        seen[(code, year)] = row
        jurisdiction = by_code[code]
        probe = Statistic(jurisdiction=jurisdiction, year=year)
        if actor is not None and not can(actor, perm_for(Statistic, "add"), probe):
            cell = row.locate("jurisdiction")
            refusals.append(
                _error(
                    Cell(cell.sheet, cell.row, "jurisdiction"),
                    row.jurisdiction,
                    _("You may not enter statistics for %(jurisdiction)s.")
                    % {"jurisdiction": jurisdiction.name},
                )
            )
            continue
        # The year's own targets belong to the target set: accepted only as they stand there.
        raw = dict(row.raw)
        expected = framework.annual_targets.get((code, year), {})
        for name in ANNUAL_TARGET_FIELDS:
            if name in raw:
                given = raw.pop(name)
                if name not in expected or not same_value(given, expected[name]):
                    errors.append(
                        _error(
                            row.locate(name),
                            given,
                            _(
                                "A year's own target is set in the target set (%(value)s), "
                                "not by the statistics."
                            )
                            % {"value": expected.get(name, "—")},
                        )
                    )
        planned.append(_Planned(row, code, year, jurisdiction, framework))
        planned[-1].row.raw = raw
    # The figures, checked by the kernel per jurisdiction among its stored years.
    groups: dict[tuple[str, str], list[_Planned]] = {}
    for item in planned:
        groups.setdefault((item.framework.key, item.code), []).append(item)
    current = selectors.current_versions(
        {item.jurisdiction.pk for item in planned}, {item.year for item in planned}
    )
    for items in groups.values():
        first = items[0]
        imported = {item.year for item in items}
        years: dict[int, Any] = dict(
            selectors.current_figures(first.jurisdiction, first.framework, exclude=imported)
        )
        for item in items:
            years[item.year] = item.row.raw
        problems = check_years(first.framework, first.code, years)
        by_year = {item.year: item for item in items}
        for problem in problems:
            targets = [by_year[y] for y in imported if concerns(problem, y)]
            for item in targets[:1] if problem.year is None else targets:
                cell = item.row.locate(problem.field)
                errors.append(_error(cell, problem.value, translate_problem(problem.message)))
        bad_years = {y for y in imported if any(concerns(p, y) for p in problems)}
        for item in items:
            if item.year in bad_years:
                continue
            item.figures = Figures.from_kernel(item.row.raw)
            item.figures.illustrative = item.row.illustrative
            item.existing = current.get((item.jurisdiction.pk, item.year))
            _choose_action(actor, item, correction_reason, errors, refusals)
    return planned, errors, refusals


def _choose_action(
    actor: User | None,
    item: _Planned,
    correction_reason: str,
    errors: list[ErrorRecord],
    refusals: list[ErrorRecord],
) -> None:
    existing = item.existing
    assert item.figures is not None
    cell = item.row.locate("years")
    if existing is None:
        item.action = "create"
        return
    if Figures.of(existing).canonical() == item.figures.canonical():
        item.action = "unchanged"
        return
    if existing.state == LifecycleState.DRAFT:
        if actor is not None and not can(actor, perm_for(Statistic, "change"), existing):
            refusals.append(_error(cell, item.year, _("You may not change this record.")))
        item.action = "update"
        return
    if existing.state != LifecycleState.PUBLISHED:
        errors.append(
            _error(
                cell,
                item.year,
                _(
                    "The statistics of %(jurisdiction)s %(year)d are %(state)s; they must be "
                    "returned to draft before they can be replaced."
                )
                % {
                    "jurisdiction": item.code,
                    "year": item.year,
                    "state": existing.get_state_display(),
                },
            )
        )
        return
    if not correction_reason:
        errors.append(
            _error(
                cell,
                item.year,
                _(
                    "The statistics of %(jurisdiction)s %(year)d are published; give a reason to "
                    "open a correction."
                )
                % {"jurisdiction": item.code, "year": item.year},
            )
        )
        return
    if actor is not None and not can(actor, perm_for(Statistic, "correct"), existing):
        refusals.append(_error(cell, item.year, _("You may not correct published statistics.")))
        return
    item.action = "correct"


def do_import_rows(
    actor: User | None,
    rows: list[ImportRow],
    *,
    source: str,
    digest: str = "",
    correction_reason: str = "",
    publish: bool = False,
    acknowledge_reason: str = "",
    problems: list[ErrorRecord] | None = None,
) -> ImportResult:
    """Import many jurisdiction-years at once: all or nothing.

    Every row is checked first (jurisdiction and year, permission, the kernel's checks of the
    figures among the stored years, the state of the record it would replace); any problem
    refuses the whole import — 403 when a row is out of the actor's reach, else 400 — with each
    problem's row, field (``sheet.column``) and value. Then, in one transaction: new
    jurisdiction-years become drafts, drafts are replaced, published records are corrected
    (with ``correction_reason``; the office only), rows equal to what is stored are left alone.
    ``publish`` (the system loading shipped data) also submits, approves and publishes each
    record, acknowledging its plausibility warnings with ``acknowledge_reason``. ``problems``
    found before (in the workbook's description of the target set) refuse it too.
    """
    with frameworks_cached():
        return _import_rows(
            actor,
            rows,
            source=source,
            digest=digest,
            correction_reason=correction_reason.strip(),
            publish=publish,
            acknowledge_reason=acknowledge_reason,
            problems=problems,
        )


def _import_rows(
    actor: User | None,
    rows: list[ImportRow],
    *,
    source: str,
    digest: str,
    correction_reason: str,
    publish: bool,
    acknowledge_reason: str,
    problems: list[ErrorRecord] | None,
) -> ImportResult:
    if actor is not None:
        require(actor, perm_for(Statistic, "add"))
    if publish and actor is not None:
        raise PermissionDeniedError(_("Only the system loads statistics as published."))
    if not rows and not problems:
        raise ValidationFailedError(_("There is nothing to import."), field="file", value=source)
    planned, errors, refusals = _plan(actor, rows, correction_reason)
    errors = list(problems or []) + errors
    planned.sort(key=lambda p: (p.code, p.year))
    if refusals:
        raise PermissionDeniedError(
            _("%(count)d row(s) are outside what you may change.") % {"count": len(refusals)},
            field=refusals[0].field,
            value=refusals[0].value,
            errors=refusals + errors,
        )
    if errors:
        errors.sort(key=lambda e: (str(e.field).split(".")[0], e.row or 0))
        raise ValidationFailedError(
            _("%(count)d problem(s) in the import; nothing was written.") % {"count": len(errors)},
            field=errors[0].field,
            value=errors[0].value,
            errors=errors,
        )
    result = ImportResult()
    with transaction.atomic():
        ids = sorted(p.existing.pk for p in planned if p.existing is not None)
        locked = {
            s.pk: s for s in Statistic.objects.select_for_update().filter(pk__in=ids).order_by("pk")
        }
        for item in planned:
            assert item.figures is not None
            if item.existing is not None:
                fresh = locked[item.existing.pk]
                if fresh.state != item.existing.state or fresh.version != item.existing.version:
                    raise ConflictError(
                        _(
                            "The statistics of %(jurisdiction)s %(year)d changed meanwhile; "
                            "import again."
                        )
                        % {"jurisdiction": item.code, "year": item.year},
                        field="year",
                        value=item.year,
                    )
            key = (item.code, item.year)
            if item.action == "create":
                record = do_create_statistic(actor, item.jurisdiction, item.year, item.figures)
                result.created.append((*key, record.pk))
            elif item.action == "update":
                assert item.existing is not None
                record = do_update_statistic(actor, item.existing, item.figures)
                result.updated.append((*key, record.pk))
            elif item.action == "correct":
                assert item.existing is not None
                opened = do_correct(actor, item.existing, correction_reason)
                record = do_update_statistic(actor, opened, item.figures)
                result.corrected.append((*key, record.pk))
            else:
                assert item.existing is not None
                record = item.existing
                result.unchanged.append((*key, record.pk))
            if publish and record.state != LifecycleState.PUBLISHED:
                _publish_as_system(record, acknowledge_reason)
                result.published.append((*key, record.pk))
        if result.changed:
            record_event(
                actor=actor,
                action=StatsAction.IMPORT,
                object_type="stats.import",
                object_id=(digest or hashlib.sha256(source.encode()).hexdigest())[:64],
                object_repr=source[:200],
                after={
                    "source": source,
                    "digest": digest,
                    **{
                        name: len(getattr(result, name))
                        for name in ("created", "updated", "corrected", "unchanged", "published")
                    },
                },
                reason=correction_reason,
            )
            if result.published:
                notify(
                    {year for _c, year, _pk in result.published},
                    [WORKING, PUBLISHED],
                    f"imported and published {len(result.published)} statistics from {source}",
                )
    for item in planned:
        for warning, ack in _warnings_after(item):
            if ack is None:
                result.warnings.append((item.code, item.year, warning))
    return result


def _warnings_after(item: _Planned) -> list[tuple[PlausibilityWarning, Any]]:
    stored = selectors.current_versions([item.jurisdiction.pk], [item.year]).get(
        (item.jurisdiction.pk, item.year)
    )
    return selectors.warnings_of(stored) if stored is not None else []


def _publish_as_system(record: Statistic, acknowledge_reason: str) -> None:
    if record.state == LifecycleState.DRAFT:
        if acknowledge_reason:
            for warning, ack in selectors.warnings_of(reload_statistic(record)):
                if ack is None:
                    do_acknowledge_warning(None, record, warning.code, acknowledge_reason)
        record = do_submit_statistic(None, record)
    if record.state == LifecycleState.SUBMITTED:
        record = do_approve(None, record)
    if record.state == LifecycleState.APPROVED:
        do_publish(None, record)
