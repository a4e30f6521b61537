"""Entering one year's statistics and moving it through its lifecycle: create, change a
draft, submit (every plausibility warning acknowledged), approve, publish, return, correct, and
acknowledge a warning.

Each ``do_*`` checks the permission first, locks what it changes, re-checks the state, lets the
targets kernel validate the figures in their target period, writes, and records one audit event
in the same transaction (the record with its fuels, awards and indicator values, before and
after). Repeating an action changes nothing and writes no second event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
    ValidationFailedError,
)
from citycarbon.server.common.models import User
from citycarbon.server.common.selectors import perm_for, require
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
    refuse_if_invalid,
)

__all__ = [
    "do_acknowledge_warning",
    "do_approve_statistic",
    "do_correct_statistic",
    "do_create_statistic",
    "do_publish_statistic",
    "do_return_statistic",
    "do_submit_statistic",
    "do_update_statistic",
    "full_snapshot",
    "reload_statistic",
]


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


def reload_statistic(item: Statistic) -> Statistic:
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
        item = reload_statistic(item)
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
        locked = reload_statistic(locked)
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
        locked = reload_statistic(locked)
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
            locked = reload_statistic(locked)
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
        locked = reload_statistic(locked)
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
