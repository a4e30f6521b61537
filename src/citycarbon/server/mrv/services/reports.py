"""Annual reports: build from the ledgers, sign off, withdraw a sign-off, submit, correct."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citycarbon.accounting.monitoring import LedgerRow
from citycarbon.server.common import services as common
from citycarbon.server.common.choices import AuditAction, LifecycleState
from citycarbon.server.common.errors import (
    ConflictError,
    ErrorRecord,
    InvalidTransitionError,
    ValidationFailedError,
)
from citycarbon.server.common.models import User
from citycarbon.server.common.selectors import perm_for, require
from citycarbon.server.mrv import plans, reports
from citycarbon.server.mrv.choices import (
    LedgerState,
    MrvAction,
)
from citycarbon.server.mrv.models import (
    AnnualReport,
    ComplianceCalendar,
    Enterprise,
    LedgerEntry,
    LedgerMonth,
    MonitoringPlan,
    SignOff,
)
from citycarbon.server.mrv.services._common import (
    _refuse,
    latest_version,
    refused,
    require_newest,
)
from citycarbon.server.mrv.services.plans import _approved_plan

# --- annual reports ---------------------------------------------------------------------------


def _year_rows(enterprise: Enterprise, year: int) -> list[LedgerRow]:
    return [
        LedgerRow(
            e.pk, enterprise.credit_code, e.stream, f"{year:04d}-{e.ledger.month:02d}",
            e.parameter, Decimal(e.value), e.unit, e.facility, e.evidence, e.note,
        )
        for e in LedgerEntry.objects.filter(ledger__enterprise=enterprise, ledger__year=year)
        .select_related("ledger")
        .order_by("ledger__month", "row")
    ]  # fmt: skip


def _report_figures(enterprise: Enterprise, year: int) -> tuple[MonitoringPlan, dict[str, Any]]:
    """The year's report from its approved plan and twelve submitted months, or the refusal
    naming what is missing."""
    plan_record = _approved_plan(enterprise, year)
    months = dict(
        LedgerMonth.objects.filter(enterprise=enterprise, year=year).values_list("month", "state")
    )
    open_months = [
        ErrorRecord(
            _("The ledger of %(month)s has not been submitted.") % {"month": f"{year}-{m:02d}"}
            if months.get(m) is None
            else _("The warnings of %(month)s have not all been acknowledged.")
            % {"month": f"{year}-{m:02d}"},
            field="month",
            value=f"{year:04d}-{m:02d}",
        )
        for m in range(1, 13)
        if months.get(m) != LedgerState.SUBMITTED
    ]
    if open_months:
        raise _refuse(open_months)
    kernel_plan = plans.plan_of(plan_record.document)
    if kernel_plan is None:
        raise ValidationFailedError(_("The approved plan cannot be read."), field="plan")
    built = reports.build_figures(kernel_plan, _year_rows(enterprise, year))
    if built.figures is None:
        records = plans.records_of(built.findings) or [
            ErrorRecord(
                _("The kernel refused the report: %(reason)s") % {"reason": built.refusal},
                field="report",
            )
        ]
        raise _refuse(records)
    return plan_record, built.figures


def _standing_sign_off(report: AnnualReport) -> SignOff | None:
    return report.sign_offs.filter(withdrawn_at__isnull=True).order_by("-pk").first()


def do_build_report(actor: User | None, enterprise: Enterprise, year: int) -> AnnualReport:
    """Build (or rebuild) the year's draft report from the approved plan and the twelve
    submitted months (the enterprise's accounts, the office). Refused while a month is missing
    or has warnings pending, naming each month; a submitted report is changed only by a
    correction. A rebuild that changes the figures withdraws the sign-off of the draft.
    Idempotent: the same figures again write nothing."""
    require(actor, perm_for(Enterprise, "view"), enterprise)
    require(actor, perm_for(AnnualReport, "add"), AnnualReport(enterprise=enterprise))
    plan_record, figures = _report_figures(enterprise, year)
    with transaction.atomic():
        latest = latest_version(AnnualReport, enterprise, year, lock=True)
        if latest is None:
            record = AnnualReport(
                enterprise=enterprise, year=year, plan=plan_record, sector=plan_record.sector,
                figures=figures,
            )  # fmt: skip
            return common.do_create_draft(actor, record)
        if latest.state != LifecycleState.DRAFT:
            require(actor, perm_for(AnnualReport, "change"), latest)
            raise InvalidTransitionError(
                _("The report has been submitted and never changes; open a correction."),
                field="state",
                value=latest.state,
            )
        if latest.figures == figures and latest.plan_id == plan_record.pk:
            return latest
        record = common.do_update_draft(
            actor, latest, {"plan": plan_record, "sector": plan_record.sector, "figures": figures}
        )
        standing = _standing_sign_off(record)
        if standing is not None:
            standing.withdrawn_at = timezone.now()
            standing.withdrawn_by = actor
            standing.reason = _("The figures were rebuilt.")
            standing.save(update_fields=["withdrawn_at", "withdrawn_by", "reason"])
        common.record_event(
            actor=actor,
            action=MrvAction.REPORT_BUILD,
            obj=record,
            after={"total": figures["total"]},
        )
    return record


def _require_latest_report(record: AnnualReport) -> None:
    require_newest(record, _("A newer version of this report exists."))


def do_sign_off(actor: User | None, record: AnnualReport) -> SignOff:
    """The responsible person signs off the draft (idempotent while the sign-off stands)."""
    with transaction.atomic():
        locked = AnnualReport.objects.select_for_update().get(pk=record.pk)
        require(actor, perm_for(AnnualReport, "signoff"), locked)
        _require_latest_report(locked)
        if locked.state != LifecycleState.DRAFT:
            raise InvalidTransitionError(
                _("Only a draft report is signed off."), field="state", value=locked.state
            )
        standing = _standing_sign_off(locked)
        if standing is not None:
            return standing
        sign_off = SignOff.objects.create(report=locked, signed_by=actor)
        common.record_event(
            actor=actor,
            action=MrvAction.REPORT_SIGN_OFF,
            obj=locked,
            after={"sign_off": sign_off.pk, "total": locked.figures.get("total")},
        )
    return sign_off


def do_withdraw_sign_off(actor: User | None, record: AnnualReport, reason: str) -> SignOff:
    """Withdraw the standing sign-off of a draft, with the reason; the report cannot be
    submitted until it is signed off again. Idempotent for the same reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailedError(
            _("Say why the sign-off is withdrawn."), field="reason", value=""
        )
    with transaction.atomic():
        locked = AnnualReport.objects.select_for_update().get(pk=record.pk)
        require(actor, perm_for(AnnualReport, "signoff"), locked)
        if locked.state != LifecycleState.DRAFT:
            raise InvalidTransitionError(
                _("The report has been submitted; its sign-off stays."),
                field="state",
                value=locked.state,
            )
        standing = _standing_sign_off(locked)
        if standing is None:
            last = locked.sign_offs.order_by("-pk").first()
            if last is not None and last.reason == reason:
                return last
            raise InvalidTransitionError(
                _("The report is not signed off."), field="sign_off", value=None
            )
        before = common.snapshot(standing)
        standing.withdrawn_at = timezone.now()
        standing.withdrawn_by = actor
        standing.reason = reason
        standing.save(update_fields=["withdrawn_at", "withdrawn_by", "reason"])
        common.record_event(
            actor=actor,
            action=MrvAction.REPORT_WITHDRAW,
            obj=locked,
            before=before,
            after=common.snapshot(standing),
            reason=reason,
        )
    return standing


@refused(AuditAction.RECORD_SUBMIT, "mrv.annualreport", lambda a: str(a["record"].pk))
def do_submit_report(
    actor: User | None, record: AnnualReport, *, on: date | None = None
) -> AnnualReport:
    """Submit the signed-off draft (the reporter or the responsible person): refused unless
    its sign-off stands (a refusal, such as after the sign-off was withdrawn, is audited as an
    attempt: ``mrv.refused``). The calendar's due date is kept and a submission after it is
    flagged late (and allowed). From now on the report never changes."""
    with transaction.atomic():
        locked = AnnualReport.objects.select_for_update().get(pk=record.pk)
        require(actor, perm_for(AnnualReport, "submit"), locked)
        if locked.state == LifecycleState.SUBMITTED:
            return locked
        _require_latest_report(locked)
        calendar = ComplianceCalendar.objects.filter(year=locked.year).first()
        day = on or timezone.localdate()
        due = calendar.annual_report_due if calendar is not None else None
        AnnualReport.objects.filter(pk=locked.pk).update(
            due_on=due, late=due is not None and day > due
        )
        locked.refresh_from_db()
        return common.do_submit(actor, locked)


def do_correct_report(actor: User | None, record: AnnualReport, reason: str) -> AnnualReport:
    """Open a correction of a submitted report: a new draft version, built afresh from the
    approved plan and the ledger, superseding it, with the reason (to be signed off and
    submitted again). Idempotent for the same version and reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailedError(_("A correction needs a reason."), field="reason", value="")
    with transaction.atomic():
        locked = AnnualReport.objects.select_for_update().get(pk=record.pk)
        require(actor, perm_for(AnnualReport, "correct"), locked)
        existing = AnnualReport.objects.filter(supersedes=locked).first()
        if existing is not None:
            if existing.correction_reason == reason:
                return existing
            raise ConflictError(
                _("This version has been corrected already."),
                field="version",
                value=locked.version,
            )
        if locked.state == LifecycleState.DRAFT:
            raise InvalidTransitionError(
                _("Only a submitted report is corrected; rebuild the draft instead."),
                field="state",
                value=locked.state,
            )
        plan_record, figures = _report_figures(locked.enterprise, locked.year)
        new = AnnualReport(
            enterprise=locked.enterprise, year=locked.year, plan=plan_record,
            sector=plan_record.sector, figures=figures, lineage=locked.lineage,
            version=locked.version + 1, supersedes=locked, correction_reason=reason,
            state=LifecycleState.DRAFT, created_by=actor, created_at=timezone.now(),
        )  # fmt: skip
        require(actor, perm_for(AnnualReport, "correct"), new)
        new.save()
        common.record_event(
            actor=actor,
            action=MrvAction.REPORT_CORRECT,
            obj=new,
            before=common.snapshot(locked),
            after=common.snapshot(new),
            reason=reason,
        )
    return new
