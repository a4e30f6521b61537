"""The statistics app's actions — the only code that writes statistics.

Each ``do_*`` checks the permission first, locks what it changes, re-checks the state, lets the
targets kernel validate the figures in their target period, writes, and records one audit event
in the same transaction (the record with its fuels, awards and indicator values, before and
after). Repeating an action changes nothing and writes no second event. An import checks every
row before writing any: one bad row refuses the file with every problem named by sheet, row,
column and value.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citycarbon.server.common.choices import AuditAction, LifecycleState
from citycarbon.server.common.errors import (
    ConflictError,
    ErrorRecord,
    ImmutableRecordError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
)
from citycarbon.server.common.models import User
from citycarbon.server.common.selectors import can, perm_for, require
from citycarbon.server.common.services import (
    do_approve,
    do_correct,
    do_publish,
    do_return,
    do_submit,
    record_event,
    snapshot,
)
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.stats import selectors
from citycarbon.server.stats.choices import FIGURES, StatsAction
from citycarbon.server.stats.framework import Framework, framework_for, frameworks_cached
from citycarbon.server.stats.models import (
    Statistic,
    StatisticFuel,
    StatisticIndicator,
    StatisticMeasure,
    WarningAcknowledgement,
)
from citycarbon.server.stats.signals import PUBLISHED, WORKING, notify
from citycarbon.server.stats.validation import (
    Figures,
    PlausibilityWarning,
    UnacknowledgedWarningsError,
    check_years,
    concerns,
    refuse_if_invalid,
    translate_problem,
)
from citycarbon.server.stats.workbook import Cell, WorkbookData, read_workbook

__all__ = [
    "ImportResult",
    "ImportRow",
    "do_acknowledge_warning",
    "do_approve_statistic",
    "do_correct_statistic",
    "do_create_statistic",
    "do_import_rows",
    "do_import_workbook",
    "do_publish_statistic",
    "do_return_statistic",
    "do_submit_statistic",
    "do_update_statistic",
    "full_snapshot",
]

#: The year's own targets: part of the target set, accepted in an import only as they are.
ANNUAL_TARGET_FIELDS = ("co2_intensity_annual_target_pct", "energy_intensity_annual_target_pct")


def full_snapshot(item: Statistic) -> dict[str, Any]:
    """The record's fields with its fuels, checklist awards and indicator values."""
    data = snapshot(item)
    figures = Figures.of(item)
    data["fuels"] = {k: list(v) for k, v in sorted(figures.fuels.items())}
    data["measures"] = {k: list(v) for k, v in sorted(figures.measures.items())}
    data["indicators"] = dict(sorted(figures.indicators.items()))
    return data


def _framework(year: int) -> Framework:
    framework = framework_for(year)
    if framework is None:
        raise ValidationFailedError(
            _(
                "No target period covers %(year)d: statistics are kept for the years of a "
                "target set."
            )
            % {"year": year},
            field="year",
            value=year,
        )
    return framework


def _in_framework(framework: Framework, jurisdiction: Jurisdiction) -> None:
    if jurisdiction.code not in framework.jurisdictions:
        raise ValidationFailedError(
            _("%(jurisdiction)s has no targets in %(framework)s.")
            % {"jurisdiction": jurisdiction.name, "framework": framework.label},
            field="jurisdiction",
            value=jurisdiction.code,
        )


def _lock(item: Statistic) -> Statistic:
    try:
        return Statistic.objects.select_for_update().select_related("jurisdiction").get(pk=item.pk)
    except Statistic.DoesNotExist:
        raise NotFoundError(
            _("%(object)s not found.") % {"object": _("Statistic")}, field="id", value=item.pk
        ) from None


def _write_children(item: Statistic, figures: Figures) -> None:
    StatisticFuel.objects.filter(statistic=item).delete()
    StatisticMeasure.objects.filter(statistic=item).delete()
    StatisticIndicator.objects.filter(statistic=item).delete()
    StatisticFuel.objects.bulk_create(
        StatisticFuel(statistic=item, fuel=fuel, quantity=quantity, unit=unit)
        for fuel, (quantity, unit) in sorted(figures.fuels.items())
    )
    StatisticMeasure.objects.bulk_create(
        StatisticMeasure(statistic=item, item=code, points=points, evidence=evidence)
        for code, (points, evidence) in sorted(figures.measures.items())
    )
    StatisticIndicator.objects.bulk_create(
        StatisticIndicator(statistic=item, indicator=code, value=value)
        for code, value in sorted(figures.indicators.items())
    )


def _set_fields(item: Statistic, figures: Figures) -> None:
    for name in FIGURES:
        setattr(item, name, figures.values.get(name))
    item.note = figures.note
    item.illustrative = figures.illustrative


def _clean(item: Statistic) -> None:
    try:
        item.full_clean(exclude=sorted(Statistic.LIFECYCLE_FIELDS))
    except ValidationError as error:
        records = [
            ErrorRecord(message=str(message), field=None if name == "__all__" else name)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
        raise ValidationFailedError(
            records[0].message, field=records[0].field, errors=records
        ) from None


def _reload(item: Statistic) -> Statistic:
    return (
        Statistic.objects.select_related("jurisdiction")
        .prefetch_related(*selectors.CHILDREN)
        .get(pk=item.pk)
    )


# --- entering one year's statistics ---------------------------------------------------------


@frameworks_cached()
def do_create_statistic(
    actor: User | None, jurisdiction: Jurisdiction, year: int, figures: Figures
) -> Statistic:
    """A new draft: the statistics of ``jurisdiction`` in ``year`` (version 1). Refused when
    the jurisdiction-year has a record already (change the draft or correct the published
    version instead)."""
    item = Statistic(jurisdiction=jurisdiction, year=year)
    require(actor, perm_for(Statistic, "add"), item)
    _set_fields(item, figures)
    _clean(item)
    framework = _framework(year)
    _in_framework(framework, jurisdiction)
    with transaction.atomic():
        # Lock the jurisdiction's row so two entries of the same year are told apart here.
        Jurisdiction.objects.select_for_update().filter(pk=jurisdiction.pk).first()
        if Statistic.objects.filter(jurisdiction=jurisdiction, year=year).exists():
            raise ConflictError(
                _("%(jurisdiction)s has statistics for %(year)d already.")
                % {"jurisdiction": jurisdiction.name, "year": year},
                field="year",
                value=year,
            )
        years: dict[int, Any] = dict(selectors.current_figures(jurisdiction, framework))
        years[year] = figures
        refuse_if_invalid(framework, jurisdiction.code, year, years)
        item.state = LifecycleState.DRAFT
        item.version = 1
        item.created_by = actor
        item.created_at = timezone.now()
        try:
            with transaction.atomic():
                item.save()
        except IntegrityError:
            raise ConflictError(
                _("%(jurisdiction)s has statistics for %(year)d already.")
                % {"jurisdiction": jurisdiction.name, "year": year},
                field="year",
                value=year,
            ) from None
        _write_children(item, figures)
        item = _reload(item)
        record_event(
            actor=actor, action=AuditAction.RECORD_CREATE, obj=item, after=full_snapshot(item)
        )
    return item


def _refuse_unless_draft(item: Statistic) -> None:
    if item.state == LifecycleState.PUBLISHED:
        raise ImmutableRecordError(
            _("A published record cannot be changed; open a correction instead."),
            field="state",
            value=item.state,
        )
    if item.state != LifecycleState.DRAFT:
        raise InvalidTransitionError(
            _("Only drafts can be changed."), field="state", value=item.state
        )


@frameworks_cached()
def do_update_statistic(actor: User | None, item: Statistic, figures: Figures) -> Statistic:
    """Replace the figures of a draft (``change`` permission). Submitted and approved records
    are frozen until returned; published ones for ever."""
    with transaction.atomic():
        locked = _lock(item)
        require(actor, perm_for(Statistic, "change"), locked)
        _refuse_unless_draft(locked)
        locked = _reload(locked)
        before = full_snapshot(locked)
        if Figures.of(locked).canonical() == figures.canonical():
            return locked
        _set_fields(locked, figures)
        _clean(locked)
        framework = _framework(locked.year)
        _in_framework(framework, locked.jurisdiction)
        years: dict[int, Any] = dict(
            selectors.current_figures(locked.jurisdiction, framework, exclude=[locked.year])
        )
        years[locked.year] = figures
        refuse_if_invalid(framework, locked.jurisdiction.code, locked.year, years)
        locked.save()
        _write_children(locked, figures)
        locked = _reload(locked)
        record_event(
            actor=actor,
            action=AuditAction.RECORD_UPDATE,
            obj=locked,
            before=before,
            after=full_snapshot(locked),
        )
    return locked


# --- the lifecycle ----------------------------------------------------------------------------


def _pending_warnings(item: Statistic) -> list[PlausibilityWarning]:
    return [warning for warning, ack in selectors.warnings_of(item) if ack is None]


@frameworks_cached()
def do_submit_statistic(actor: User | None, item: Statistic) -> Statistic:
    """Draft → submitted. The figures must pass the kernel's checks and every plausibility
    warning must have been acknowledged with a reason."""
    with transaction.atomic():
        locked = _lock(item)
        require(actor, perm_for(Statistic, "submit"), locked)
        if locked.state == LifecycleState.DRAFT:
            locked = _reload(locked)
            framework = _framework(locked.year)
            _in_framework(framework, locked.jurisdiction)
            years: dict[int, Any] = dict(
                selectors.current_figures(locked.jurisdiction, framework, exclude=[locked.year])
            )
            years[locked.year] = Figures.of(locked)
            refuse_if_invalid(framework, locked.jurisdiction.code, locked.year, years)
            pending = _pending_warnings(locked)
            if pending:
                raise UnacknowledgedWarningsError(
                    _("Acknowledge each plausibility warning with a reason before submitting."),
                    field=pending[0].code,
                    value=pending[0].value,
                    errors=[warning.as_error() for warning in pending],
                )
        return do_submit(actor, locked)


def _step_and_notify(
    item: Statistic,
    step: Callable[[Statistic], Statistic],
    bases: Callable[[str, str], Iterable[str]],
    verb: str,
) -> Statistic:
    with transaction.atomic():
        locked = _lock(item)
        before = locked.state
        result = step(locked)
        if result.state != before:
            notify(
                [result.year],
                bases(before, result.state),
                f"{verb} {result._meta.label_lower} #{result.pk} "
                f"({result.jurisdiction.code} {result.year} v{result.version})",
            )
    return result


@frameworks_cached()
def do_approve_statistic(actor: User | None, item: Statistic) -> Statistic:
    """Submitted → approved (the city office); the working assessment is recomputed."""
    return _step_and_notify(
        item, lambda locked: do_approve(actor, locked), lambda _b, _a: [WORKING], "approved"
    )


@frameworks_cached()
def do_publish_statistic(actor: User | None, item: Statistic) -> Statistic:
    """Approved → published; both assessments are recomputed."""
    return _step_and_notify(
        item,
        lambda locked: do_publish(actor, locked),
        lambda _b, _a: [WORKING, PUBLISHED],
        "published",
    )


@frameworks_cached()
def do_return_statistic(actor: User | None, item: Statistic, reason: str) -> Statistic:
    """Submitted or approved → draft, with the reason (returning an approved record changes
    the working assessment)."""
    return _step_and_notify(
        item,
        lambda locked: do_return(actor, locked, reason),
        lambda before, _a: [WORKING] if before == LifecycleState.APPROVED else [],
        "returned",
    )


def do_correct_statistic(actor: User | None, item: Statistic, reason: str) -> Statistic:
    """Open a correction of a published record: a new draft version with the same figures
    (copied fuels, awards and values) and the reason; change it, submit it, approve it."""
    return do_correct(actor, item, reason)


@frameworks_cached()
def do_acknowledge_warning(
    actor: User | None, item: Statistic, code: str, reason: str
) -> WarningAcknowledgement:
    """Acknowledge a plausibility warning of a draft with the reason the figure is right
    (``change`` permission). The acknowledgement holds for the figure warned about; a changed
    figure warns again."""
    reason = reason.strip()
    with transaction.atomic():
        locked = _lock(item)
        require(actor, perm_for(Statistic, "change"), locked)
        if not reason:
            raise ValidationFailedError(
                _("Say why the figure is right."), field="reason", value=reason
            )
        _refuse_unless_draft(locked)
        locked = _reload(locked)
        current = {w.code: (w, ack) for w, ack in selectors.warnings_of(locked)}
        if code not in current:
            raise ValidationFailedError(
                _("The record has no such warning now."), field="code", value=code
            )
        warning, existing = current[code]
        if existing is not None:
            return existing
        ack = WarningAcknowledgement.objects.create(
            statistic=locked,
            code=warning.code,
            value=warning.value,
            reason=reason,
            acknowledged_by=actor,
        )
        record_event(
            actor=actor,
            action=StatsAction.ACKNOWLEDGE,
            obj=locked,
            after={"code": warning.code, "value": warning.value, "message": str(warning.message)},
            reason=reason,
        )
    return ack


# --- importing many -----------------------------------------------------------------------------


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


def _year_of(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _same(a: Any, b: Any) -> bool:
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
        year = _year_of(row.year)
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
                if name not in expected or not _same(given, expected[name]):
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
            for warning, ack in selectors.warnings_of(_reload(record)):
                if ack is None:
                    do_acknowledge_warning(None, record, warning.code, acknowledge_reason)
        record = do_submit_statistic(None, record)
    if record.state == LifecycleState.SUBMITTED:
        record = do_approve(None, record)
    if record.state == LifecycleState.APPROVED:
        do_publish(None, record)


def workbook_rows(book: WorkbookData) -> tuple[list[ImportRow], list[ErrorRecord]]:
    """The jurisdiction-years of a workbook to import, and the problems with its description
    of the target set (period, targets, factors), which must agree with the stored one."""
    rows: list[ImportRow] = []
    problems: list[ErrorRecord] = []
    for sheet, key, row, first in book.duplicates:
        problems.append(
            ErrorRecord(
                message=_("This row repeats row %(first)d.") % {"first": first},
                field=f"{sheet}.jurisdiction",
                value=" ".join(key),
                row=row,
            )
        )
    illustrative = str(book.data.get("illustrative", "")).strip().lower() in ("1", "true", "yes")
    entries = book.data.get("jurisdictions") or []
    for entry in entries:
        name = str(entry.get("id", "")).strip()
        for year_key, raw in (entry.get("years") or {}).items():
            rows.append(
                ImportRow(
                    jurisdiction=name,
                    year=year_key,
                    raw=dict(raw),
                    locate=partial(book.locate, name, str(year_key)),
                    illustrative=illustrative,
                )
            )
    problems.extend(_context_problems(book, rows))
    return rows, problems


def _context_problems(book: WorkbookData, rows: list[ImportRow]) -> list[ErrorRecord]:
    """The period, jurisdiction targets and factors the workbook states must be the target
    set's (they are set there, not by a statistics import)."""
    problems: list[ErrorRecord] = []
    years = {y for y in (_year_of(r.year) for r in rows) if y is not None}
    frameworks = {f.key: f for f in (framework_for(y) for y in years) if f is not None}
    if len(frameworks) != 1:
        return problems
    framework = next(iter(frameworks.values()))
    data = book.data
    for name, expected in (
        ("base_year", framework.base_year),
        ("target_year", framework.target_year),
    ):
        if name in data and not _same(data[name], expected):
            problems.append(
                ErrorRecord(
                    message=_("The target set's period has %(value)s here.") % {"value": expected},
                    field="period.value",
                    value=data[name],
                    row=book.period_rows.get(name),
                )
            )
    for entry in data.get("jurisdictions") or []:
        name = str(entry.get("id", "")).strip()
        code = framework.resolve(name)
        if code is None:
            continue
        stored = framework.jurisdictions[code]
        for column in ("co2_intensity_target_pct", "energy_intensity_target_pct"):
            if column in entry and not _same(entry[column], stored.get(column)):
                problems.append(
                    ErrorRecord(
                        message=_(
                            "The target is set in the target set (%(value)s), not by the "
                            "statistics."
                        )
                        % {"value": stored.get(column)},
                        field=f"jurisdictions.{column}",
                        value=entry[column],
                        row=book.context_rows.get(("jurisdictions", name)),
                    )
                )
    factors: Mapping[str, Any] = framework.skeleton.get("co2_factors") or {}
    for fuel, given in (data.get("co2_factors") or {}).items():
        stored_factor = factors.get(fuel)
        if stored_factor is None or not _same_factor(given, stored_factor):
            problems.append(
                ErrorRecord(
                    message=_(
                        "Emission factors are configured in the target set, not by the statistics."
                    ),
                    field="co2_factors.value",
                    value=given.get("value") if isinstance(given, Mapping) else given,
                    row=book.context_rows.get(("co2_factors", str(fuel))),
                )
            )
    if data.get("grid_factor") is not None:
        stored_grid = framework.skeleton.get("grid_factor")
        if stored_grid is None or not _same_factor(data["grid_factor"], stored_grid):
            problems.append(
                ErrorRecord(
                    message=_(
                        "Emission factors are configured in the target set, not by the statistics."
                    ),
                    field="period.value",
                    value=data["grid_factor"],
                    row=book.period_rows.get("grid_factor_tco2_per_mwh"),
                )
            )
    return problems


def _same_factor(given: Any, stored: Any) -> bool:
    def value(x: Any) -> Any:
        return x.get("value") if isinstance(x, Mapping) else x

    if (
        isinstance(given, Mapping)
        and isinstance(stored, Mapping)
        and str(given.get("unit", "")).strip() != str(stored.get("unit", "")).strip()
    ):
        return False
    return _same(value(given), value(stored))


def do_import_workbook(
    actor: User | None, content: bytes, *, filename: str, correction_reason: str = ""
) -> ImportResult:
    """Import a statistics workbook (the ``citycarbon template targets`` format): all rows or
    none, every problem named by sheet, row, column and value."""
    if actor is not None:
        require(actor, perm_for(Statistic, "add"))
    book = read_workbook(content)
    rows, problems = workbook_rows(book)
    return do_import_rows(
        actor,
        rows,
        source=filename,
        digest=hashlib.sha256(content).hexdigest(),
        correction_reason=correction_reason,
        problems=problems,
    )
