"""Verification: assignment (with the conflict-of-interest rules), advisory relations, steps,
non-conformities, the verification report, approval and spot checks."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from citycarbon.accounting.sectors import sectors
from citycarbon.server.common import services as common
from citycarbon.server.common.choices import LifecycleState
from citycarbon.server.common.errors import (
    ConflictError,
    ErrorRecord,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
)
from citycarbon.server.common.models import User
from citycarbon.server.common.selectors import can, perm_for, require
from citycarbon.server.mrv import selectors
from citycarbon.server.mrv.choices import (
    AssignmentKind,
    AssignmentMethod,
    MrvAction,
    Opinion,
    PerformanceKind,
    VerificationState,
    VerificationStepKind,
)
from citycarbon.server.mrv.messages import refusal_message
from citycarbon.server.mrv.models import (
    AdvisoryRelation,
    AnnualReport,
    Enterprise,
    NonConformity,
    PerformanceEntry,
    VerificationAssignment,
    VerificationStep,
    VerifiedEmission,
    VerifierOrganisation,
)
from citycarbon.server.mrv.services._common import _refusal_audited, _refuse, latest_version

# --- verification -----------------------------------------------------------------------------


def max_consecutive_years() -> int:
    """An organisation verifies an enterprise at most this many years running
    (``CITYCARBON_MRV_MAX_CONSECUTIVE_YEARS``, default 3)."""
    return int(getattr(settings, "CITYCARBON_MRV_MAX_CONSECUTIVE_YEARS", 3))


def spot_check_tolerance() -> Decimal:
    """A spot check disagreeing by more than this share of the first verifier's figure records
    a performance entry (``CITYCARBON_MRV_SPOT_CHECK_TOLERANCE``, default 0.05)."""
    return Decimal(str(getattr(settings, "CITYCARBON_MRV_SPOT_CHECK_TOLERANCE", "0.05")))


def assignment_refusals(
    organisation: VerifierOrganisation, enterprise: Enterprise, year: int, on: date
) -> list[ErrorRecord]:
    """Why the organisation may not verify the enterprise's year (empty: it may):
    ``can_verify`` on the day, an advisory relation in the last N years, or N years running
    verified already."""
    errors = [
        ErrorRecord(refusal_message(code, sectors), field="organisation", value=code)
        for code, sectors in selectors.verification_refusals(organisation, enterprise, on)
    ]
    n = max_consecutive_years()
    advised = AdvisoryRelation.objects.filter(
        organisation=organisation, enterprise=enterprise, from_year__lte=year
    ).filter(Q(to_year__isnull=True) | Q(to_year__gte=year - n))
    if advised.exists():
        errors.append(
            ErrorRecord(
                _("The organisation advised the enterprise: a conflict of interest."),
                field="organisation",
                value="advised",
            )
        )
    running = VerificationAssignment.objects.filter(
        organisation=organisation,
        enterprise=enterprise,
        kind=AssignmentKind.PRIMARY,
        year__gte=year - n,
        year__lt=year,
    ).count()
    if running >= n:
        errors.append(
            ErrorRecord(
                _("The organisation verified the enterprise %(n)d years running.") % {"n": n},
                field="organisation",
                value="consecutive",
            )
        )
    return errors


def do_add_advisory(
    actor: User | None,
    organisation: VerifierOrganisation,
    enterprise: Enterprise,
    *,
    from_year: int,
    to_year: int | None = None,
    note: str = "",
) -> AdvisoryRelation:
    """Record that the organisation advised the enterprise (the office). Idempotent."""
    probe = AdvisoryRelation(organisation=organisation, enterprise=enterprise)
    require(actor, perm_for(AdvisoryRelation, "add"), probe)
    if to_year is not None and to_year < from_year:
        raise ValidationFailedError(
            _("The last year comes after the first."), field="to_year", value=to_year
        )
    with transaction.atomic():
        existing = AdvisoryRelation.objects.filter(
            organisation=organisation, enterprise=enterprise, from_year=from_year, to_year=to_year
        ).first()
        if existing is not None:
            return existing
        record = AdvisoryRelation.objects.create(
            organisation=organisation, enterprise=enterprise, from_year=from_year,
            to_year=to_year, note=note.strip()[:500], recorded_by=actor,
        )  # fmt: skip
        common.record_event(
            actor=actor, action=MrvAction.ADVISORY_ADD, obj=record, after=common.snapshot(record)
        )
    return record


# --- the days entered ----------------------------------------------------------------------------


def _entered_day(day: date | None, field: str, *earliest: tuple[date | None, str]) -> date:
    """The day a person entered for a step (today when left out): refused when it is in the
    future or before a day it follows (``earliest``: the day and what it is), naming the
    field and the value."""
    today = timezone.localdate()
    day = day or today
    if day > today:
        raise ValidationFailedError(
            _("The date %(day)s is in the future.") % {"day": day.isoformat()},
            field=field,
            value=day.isoformat(),
        )
    for before, what in earliest:
        if before is not None and day < before:
            raise ValidationFailedError(
                _("The date %(day)s is before %(what)s (%(before)s).")
                % {"day": day.isoformat(), "what": what, "before": before.isoformat()},
                field=field,
                value=day.isoformat(),
            )
    return day


def _year_end(year: int) -> tuple[date, str]:
    """A report of a year is submitted, and so verified, after the year has ended."""
    return date(year + 1, 1, 1), _("the end of the year of emissions")


def _step_day(record: VerificationAssignment, step: str) -> date | None:
    """The day a step of the workflow was done (``None`` when it has not been)."""
    day: date | None = record.steps.filter(step=step).values_list("done_on", flat=True).first()
    return day


def _submitted_report(enterprise: Enterprise, year: int) -> AnnualReport:
    found = latest_version(AnnualReport, enterprise, year, state=LifecycleState.SUBMITTED)
    if found is None:
        raise ValidationFailedError(
            _("The %(year)s annual report has not been submitted.") % {"year": year},
            field="report",
            value=year,
        )
    return found


def do_assign_verifier(
    actor: User | None,
    enterprise: Enterprise,
    year: int,
    *,
    organisation: VerifierOrganisation | None = None,
    kind: str = AssignmentKind.PRIMARY.value,
    seed: int | None = None,
    on: date | None = None,
) -> VerificationAssignment:
    """Assign a verifier organisation to the enterprise's submitted report (the office): the
    one named, or one drawn at random (``random.Random(seed)``) among the organisations that
    may verify it — ``can_verify`` on the day and the conflict-of-interest rule; a spot check
    never goes to the first verifier. Idempotent for the same organisation."""
    require(actor, perm_for(Enterprise, "view"), enterprise)
    probe = VerificationAssignment(enterprise=enterprise, organisation=organisation)
    require(actor, perm_for(VerificationAssignment, "add"), probe)
    day = _entered_day(on, "on", _year_end(year))
    report = _submitted_report(enterprise, year)
    primary = VerificationAssignment.objects.filter(
        enterprise=enterprise, year=year, kind=AssignmentKind.PRIMARY
    ).first()
    if kind == AssignmentKind.SPOT_CHECK and (primary is None or primary.state not in (
        VerificationState.REPORTED, VerificationState.APPROVED
    )):  # fmt: skip
        raise InvalidTransitionError(
            _("A spot check follows the first verification report."), field="kind", value=kind
        )
    excluded = {primary.organisation_id} if primary and kind == AssignmentKind.SPOT_CHECK else set()
    method = AssignmentMethod.MANUAL
    if organisation is None:
        candidates = [
            o
            for o in VerifierOrganisation.objects.order_by("credit_code")
            if o.pk not in excluded and not assignment_refusals(o, enterprise, year, day)
        ]
        if not candidates:
            raise ValidationFailedError(
                _("No verifier organisation may verify this enterprise."),
                field="organisation",
                value=None,
            )
        organisation = random.Random(seed).choice(candidates)
        method = AssignmentMethod.RANDOM
    elif organisation.pk in excluded:
        raise ValidationFailedError(
            _("A spot check goes to another organisation than the first verifier."),
            field="organisation",
            value=organisation.credit_code,
        )
    else:
        problems = assignment_refusals(organisation, enterprise, year, day)
        if problems:
            raise _refuse(problems)
    with transaction.atomic():
        existing = VerificationAssignment.objects.filter(
            enterprise=enterprise, year=year, kind=kind
        ).first()
        if existing is not None:
            if existing.organisation_id == organisation.pk:
                return existing
            raise ConflictError(
                _("A verifier has been assigned already."),
                field="organisation",
                value=existing.organisation.credit_code,
            )
        record = VerificationAssignment.objects.create(
            enterprise=enterprise, year=year, organisation=organisation, report=report,
            kind=kind, method=method, assigned_on=day, assigned_by=actor,
        )  # fmt: skip
        common.record_event(
            actor=actor,
            action=MrvAction.VERIFICATION_ASSIGN,
            obj=record,
            after=common.snapshot(record),
        )
    return record


def verifier_assignment(
    actor: User | None, enterprise_code: str, year: int, kind: str, what: str, perm: str
) -> VerificationAssignment:
    """The assignment a verifier (or the enterprise, or the office) acts on, found
    *unscoped* and then checked: acting on an enterprise not assigned to the actor's
    organisation, or outside its accreditation, is refused and the attempt audited."""
    target = f"{enterprise_code}/{year}/{kind}"
    found = (
        VerificationAssignment.objects.select_related("enterprise", "organisation", "report")
        .filter(enterprise__credit_code=enterprise_code, year=year, kind=kind)
        .first()
    )
    try:
        # Missing, or not the actor's to see: the same answer, naming what was asked for.
        hidden = (
            found is not None
            and actor is not None
            and not can(actor, perm_for(VerificationAssignment, "view"), found)
        )
        if found is None or hidden:
            raise selectors.no_verification(enterprise_code, year)
        require(actor, perm, found)
    except (NotFoundError, PermissionDeniedError) as error:
        raise _refusal_audited(actor, what, target, error) from None
    return found


def _require_in_scope(
    actor: User | None, record: VerificationAssignment, what: str, on: date | None = None
) -> None:
    """A verifier's organisation must (still) be allowed to verify the enterprise on the day
    it acts (accredited for its sectors, not suspended or removed)."""
    refusals = selectors.verification_refusals(
        record.organisation, record.enterprise, on or timezone.localdate()
    )
    if refusals:
        code, sectors = refusals[0]
        error = PermissionDeniedError(
            refusal_message(code, sectors), field="organisation", value=code
        )
        raise _refusal_audited(
            actor, what, f"{record.enterprise.credit_code}/{record.year}/{record.kind}", error
        )


_STEP_STATE = {
    VerificationStepKind.PLAN.value: (VerificationState.ASSIGNED, VerificationState.PLANNED),
    VerificationStepKind.DOCUMENT_REVIEW.value: (
        VerificationState.PLANNED,
        VerificationState.DOCUMENTS_REVIEWED,
    ),
    VerificationStepKind.SITE_VISIT.value: (
        VerificationState.DOCUMENTS_REVIEWED,
        VerificationState.SITE_VISITED,
    ),
}


def do_verification_step(
    actor: User | None, record: VerificationAssignment, step: str, done_on: date, note: str = ""
) -> VerificationStep:
    """Record a workflow step (the assigned verifier): the plan, then the document review,
    then the site visit, each on a day. Idempotent per step."""
    if step not in _STEP_STATE:
        raise ValidationFailedError(_("Unknown step."), field="step", value=step)
    _entered_day(done_on, "done_on")
    _require_in_scope(actor, record, step, done_on)
    before_state, after_state = _STEP_STATE[step]
    with transaction.atomic():
        locked = VerificationAssignment.objects.select_for_update().get(pk=record.pk)
        existing = locked.steps.filter(step=step).first()
        if existing is not None:
            return existing
        if locked.state != before_state:
            raise InvalidTransitionError(
                _("This step is not possible from the verification's state."),
                field="state",
                value=locked.state,
            )
        previous = locked.steps.order_by("-done_on").values_list("done_on", flat=True).first()
        _entered_day(
            done_on,
            "done_on",
            (locked.assigned_on, _("the assignment")),
            (previous, _("the previous step")),
        )
        item = VerificationStep.objects.create(
            assignment=locked, step=step, done_on=done_on, note=note.strip(), recorded_by=actor
        )
        locked.state = after_state
        locked.save(update_fields=["state"])
        common.record_event(
            actor=actor,
            action=MrvAction.VERIFICATION_STEP,
            obj=locked,
            after={"step": step, "done_on": done_on.isoformat(), "state": after_state},
            reason=note.strip(),
        )
    return item


def do_raise_non_conformity(
    actor: User | None,
    record: VerificationAssignment,
    description: str,
    *,
    on: date | None = None,
) -> NonConformity:
    """The verifier records a non-conformity (after the plan, before the report)."""
    description = description.strip()
    if not description:
        raise ValidationFailedError(_("Describe the finding."), field="description", value="")
    day = _entered_day(on, "on")
    _require_in_scope(actor, record, "raise_non_conformity", day)
    with transaction.atomic():
        locked = VerificationAssignment.objects.select_for_update().get(pk=record.pk)
        if locked.state in (
            VerificationState.ASSIGNED, VerificationState.REPORTED, VerificationState.APPROVED
        ):  # fmt: skip
            raise InvalidTransitionError(
                _("Findings are raised between the plan and the report."),
                field="state",
                value=locked.state,
            )
        existing = locked.non_conformities.filter(description=description).first()
        if existing is not None:
            return existing
        _entered_day(day, "on", (_step_day(locked, "plan"), _("the verification plan")))
        item = NonConformity.objects.create(
            assignment=locked, description=description, raised_on=day, raised_by=actor
        )
        common.record_event(
            actor=actor,
            action=MrvAction.NON_CONFORMITY_RAISE,
            obj=locked,
            after={
                "non_conformity": item.pk,
                "description": description,
                "raised_on": day.isoformat(),
            },
        )
    return item


def do_correct_non_conformity(
    actor: User | None, item: NonConformity, correction: str, *, on: date | None = None
) -> NonConformity:
    """The enterprise says how it corrected the finding, and on which day (today when left
    out; not before the finding was raised). Idempotent for the same text."""
    correction = correction.strip()
    if not correction:
        raise ValidationFailedError(_("Describe the correction."), field="correction", value="")
    day = _entered_day(on, "on")
    with transaction.atomic():
        locked = NonConformity.objects.select_for_update().get(pk=item.pk)
        require(actor, perm_for(NonConformity, "correct"), locked)
        if locked.closed_at is not None:
            if locked.correction == correction:
                return locked
            raise InvalidTransitionError(
                _("The finding has been closed."), field="closed_at", value=locked.closed_at
            )
        if locked.correction == correction:
            return locked
        _entered_day(day, "on", (locked.raised_on, _("the finding was raised")))
        locked.correction = correction
        locked.corrected_on = day
        locked.corrected_at = timezone.now()
        locked.corrected_by = actor
        locked.save(update_fields=["correction", "corrected_on", "corrected_at", "corrected_by"])
        common.record_event(
            actor=actor,
            action=MrvAction.NON_CONFORMITY_CORRECT,
            obj=locked.assignment,
            after={
                "non_conformity": locked.pk,
                "correction": correction,
                "corrected_on": day.isoformat(),
            },
        )
    return locked


def do_close_non_conformity(
    actor: User | None,
    record: VerificationAssignment,
    item: NonConformity,
    *,
    on: date | None = None,
) -> NonConformity:
    """The verifier closes a corrected finding, on a day (today when left out; not before the
    correction). Idempotent."""
    day = _entered_day(on, "on")
    _require_in_scope(actor, record, "close_non_conformity", day)
    with transaction.atomic():
        locked = NonConformity.objects.select_for_update().get(pk=item.pk)
        if locked.assignment_id != record.pk:
            raise NotFoundError(_("No such finding."), field="finding_id", value=item.pk)
        if locked.closed_at is not None:
            return locked
        if not locked.correction:
            raise InvalidTransitionError(
                _("The enterprise has not corrected the finding yet."),
                field="correction",
                value="",
            )
        _entered_day(
            day,
            "on",
            (locked.raised_on, _("the finding was raised")),
            (locked.corrected_on, _("the correction")),
        )
        locked.closed_on = day
        locked.closed_at = timezone.now()
        locked.closed_by = actor
        locked.save(update_fields=["closed_on", "closed_at", "closed_by"])
        common.record_event(
            actor=actor,
            action=MrvAction.NON_CONFORMITY_CLOSE,
            obj=record,
            after={"non_conformity": locked.pk, "closed_on": day.isoformat()},
        )
    return locked


def _emission_errors(
    record: VerificationAssignment, emissions: Mapping[str, Decimal]
) -> list[ErrorRecord]:
    """What is wrong with the verified emissions by source (see :func:`do_verification_report`)."""
    if not emissions:
        return [ErrorRecord(_("Give the verified emissions."), field="emissions")]
    sector_id = record.report.sector if record.report_id else ""
    sector = sectors().get(sector_id)
    errors = []
    for source, value in emissions.items():
        field = f"emissions.{source}"
        treatment = sector.treatment(source) if sector is not None else "add"
        if treatment is None or treatment == "memo":
            errors.append(
                ErrorRecord(
                    _("The guideline “%(sector)s” does not count this source in the total.")
                    % {"sector": selectors.sector_names().get(sector_id, sector_id)},
                    field=field,
                    value=source,
                )
            )
        elif not isinstance(value, Decimal) or value.as_tuple().exponent < -3:  # type: ignore[operator]
            errors.append(
                ErrorRecord(
                    _("Expected a number with at most three decimals."),
                    field=field,
                    value=str(value),
                )
            )
        elif treatment == "add" and value < 0:
            errors.append(
                ErrorRecord(
                    _("Expected a non-negative number with at most three decimals."),
                    field=field,
                    value=str(value),
                )
            )
        elif treatment == "subtract" and value > 0:
            errors.append(
                ErrorRecord(
                    _(
                        "The guideline deducts this source: give its contribution as a "
                        "negative number or zero, as the report shows it."
                    ),
                    field=field,
                    value=str(value),
                )
            )
    return errors


def do_verification_report(
    actor: User | None,
    record: VerificationAssignment,
    emissions: Mapping[str, Decimal],
    opinion: str,
    text: str = "",
    *,
    on: date | None = None,
) -> VerificationAssignment:
    """The verifier's report: verified emissions by source type and the opinion — after the
    site visit, with every finding closed. A spot check's report that differs from the first
    verifier's by more than the tolerance records a performance entry for the first
    organisation.

    Each source's figure is its contribution to the total, as the report states it: exact,
    three places at most, counted (≥ 0) for a source the report's sector guideline adds and
    deducted (≤ 0) for one it subtracts (exported electricity and heat, CO2 and CH4 recovered);
    a source the guideline does not count in the total (memo items such as biogenic CO2, or
    one it does not have) is refused. The verified total is their sum."""
    errors = _emission_errors(record, emissions)
    if opinion not in Opinion.values():
        errors.insert(0, ErrorRecord(_("Unknown opinion."), field="opinion", value=opinion))
    if errors:
        raise _refuse(errors)
    day = _entered_day(on, "on")
    _require_in_scope(actor, record, "verification_report", day)
    total = sum(emissions.values(), Decimal(0))
    with transaction.atomic():
        locked = VerificationAssignment.objects.select_for_update().get(pk=record.pk)
        if locked.state in (VerificationState.REPORTED, VerificationState.APPROVED):
            stored = {v.source: v.tco2e for v in locked.verified_emissions.all()}
            if stored == dict(emissions) and locked.opinion == opinion:
                return locked
            raise InvalidTransitionError(
                _("The verification report has been submitted."),
                field="state",
                value=locked.state,
            )
        if locked.state != VerificationState.SITE_VISITED:
            raise InvalidTransitionError(
                _("The report follows the site visit."), field="state", value=locked.state
            )
        open_findings = locked.non_conformities.filter(closed_at__isnull=True).count()
        if open_findings:
            raise InvalidTransitionError(
                _("%(n)d finding(s) not closed.") % {"n": open_findings},
                field="non_conformities",
                value=open_findings,
            )
        last_closed = (
            locked.non_conformities.exclude(closed_on__isnull=True)
            .order_by("-closed_on")
            .values_list("closed_on", flat=True)
            .first()
        )
        _entered_day(
            day,
            "on",
            (_step_day(locked, "site_visit"), _("the site visit")),
            (last_closed, _("a finding was closed")),
        )
        VerifiedEmission.objects.bulk_create(
            [VerifiedEmission(assignment=locked, source=s, tco2e=v) for s, v in emissions.items()]
        )
        locked.verified_tco2e = total
        locked.opinion = opinion
        locked.opinion_text = text.strip()
        locked.state = VerificationState.REPORTED
        locked.reported_on = day
        locked.reported_at = timezone.now()
        locked.reported_by = actor
        locked.save()
        common.record_event(
            actor=actor,
            action=MrvAction.VERIFICATION_REPORT,
            obj=locked,
            after={
                "verified_tco2e": str(total),
                "opinion": opinion,
                "reported_on": day.isoformat(),
                "by_source": {k: str(v) for k, v in emissions.items()},
            },
        )
        if locked.kind == AssignmentKind.SPOT_CHECK:
            _compare_spot_check(locked)
    return locked


def _compare_spot_check(check: VerificationAssignment) -> None:
    first = VerificationAssignment.objects.get(
        enterprise=check.enterprise, year=check.year, kind=AssignmentKind.PRIMARY
    )
    if first.verified_tco2e is None or check.verified_tco2e is None:
        return
    base = first.verified_tco2e
    difference = abs(check.verified_tco2e - base)
    if base == 0 and difference == 0:
        return
    if base != 0 and difference / base <= spot_check_tolerance():
        return
    share = "∞" if base == 0 else f"{(difference / base * 100).quantize(Decimal('0.01'))} %"
    entry = PerformanceEntry.objects.create(
        organisation=first.organisation,
        kind=PerformanceKind.OVERTURNED_FINDING,
        occurred_on=timezone.localdate(),
        description=(
            f"Spot check by {check.organisation.credit_code}: {check.verified_tco2e} tCO2e "
            f"against {base} tCO2e ({share}, tolerance {spot_check_tolerance() * 100} %)."
        ),
        enterprise=check.enterprise,
        reporting_year=check.year,
    )
    common.record_event(
        actor=None,
        action=MrvAction.PERFORMANCE_ADD,
        obj=entry,
        after=common.snapshot(entry),
    )


def do_approve_verification(
    actor: User | None, record: VerificationAssignment, note: str = ""
) -> VerificationAssignment:
    """The office reviews the verification report and approves the verified figure."""
    with transaction.atomic():
        locked = VerificationAssignment.objects.select_for_update().get(pk=record.pk)
        require(actor, perm_for(VerificationAssignment, "approve"), locked)
        if locked.state == VerificationState.APPROVED:
            return locked
        if locked.kind != AssignmentKind.PRIMARY or locked.state != VerificationState.REPORTED:
            raise InvalidTransitionError(
                _("Only a reported verification is approved."), field="state", value=locked.state
            )
        locked.state = VerificationState.APPROVED
        locked.approved_tco2e = locked.verified_tco2e
        locked.approved_at = timezone.now()
        locked.approved_by = actor
        locked.review_note = note.strip()
        locked.save()
        common.record_event(
            actor=actor,
            action=MrvAction.VERIFICATION_APPROVE,
            obj=locked,
            after={"approved_tco2e": str(locked.approved_tco2e)},
            reason=note.strip(),
        )
    return locked


def do_draw_spot_checks(
    actor: User | None,
    year: int,
    share: Decimal,
    *,
    seed: int | None = None,
    on: date | None = None,
) -> list[VerificationAssignment]:
    """Draw a random share of the year's reported verifications (at least one when any) and
    assign each a second organisation, drawn at random among those that may verify it."""
    require(actor, perm_for(VerificationAssignment, "add"))
    if not Decimal(0) < share <= Decimal(1):
        raise ValidationFailedError(_("A share between 0 and 1."), field="share", value=str(share))
    reported = list(
        VerificationAssignment.objects.filter(
            year=year,
            kind=AssignmentKind.PRIMARY,
            state__in=(VerificationState.REPORTED, VerificationState.APPROVED),
        )
        .exclude(
            enterprise__verification_assignments__year=year,
            enterprise__verification_assignments__kind=AssignmentKind.SPOT_CHECK,
        )
        .select_related("enterprise")
        .order_by("enterprise__credit_code")
    )
    if not reported:
        return []
    chooser = random.Random(seed)
    count = max(1, int((share * len(reported)).to_integral_value()))
    chosen = chooser.sample(reported, min(count, len(reported)))
    made = []
    with transaction.atomic():
        for item in sorted(chosen, key=lambda a: a.enterprise.credit_code):
            try:
                made.append(
                    do_assign_verifier(
                        actor, item.enterprise, year, kind=AssignmentKind.SPOT_CHECK.value,
                        seed=chooser.randrange(1 << 30), on=on,
                    )
                )  # fmt: skip
            except ValidationFailedError:
                continue  # no second organisation may verify it
        common.record_event(
            actor=actor,
            action=MrvAction.SPOT_CHECKS,
            object_type="mrv.verificationassignment",
            object_id=str(year),
            object_repr=f"spot checks {year}",
            after={"share": str(share), "drawn": [a.enterprise.credit_code for a in made]},
        )
    return made
