"""Monitoring plans: save a draft, import one, submit, approve, return, revise."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citycarbon.server.common import services as common
from citycarbon.server.common.choices import LifecycleState
from citycarbon.server.common.errors import (
    ConflictError,
    ErrorRecord,
    InvalidTransitionError,
    ValidationFailedError,
)
from citycarbon.server.common.models import User
from citycarbon.server.common.selectors import perm_for, require
from citycarbon.server.mrv import plans
from citycarbon.server.mrv.choices import (
    MrvAction,
)
from citycarbon.server.mrv.models import (
    Enterprise,
    MonitoringPlan,
)
from citycarbon.server.mrv.services._common import _refuse, _text, latest_version, require_newest

# --- monitoring plans -------------------------------------------------------------------------


def _plan_document(enterprise: Enterprise, year: int, document: Mapping[str, Any]) -> Any:
    """Check a plan document for ``enterprise`` and ``year`` with the kernel; the kernel's plan
    (with its warnings) or the refusal naming every problem by field and value."""
    data = dict(document)
    errors: list[ErrorRecord] = []
    given = _text(data.get("enterprise"))
    if given and given != enterprise.credit_code:
        errors.append(
            ErrorRecord(
                _("The plan names another enterprise (%(expected)s expected).")
                % {"expected": enterprise.credit_code},
                field="enterprise",
                value=given,
            )
        )
    given_year = data.get("year")
    if given_year not in (None, "") and str(given_year).strip() != str(year):
        errors.append(
            ErrorRecord(
                _("The plan is for another year (%(expected)s expected).") % {"expected": year},
                field="year",
                value=given_year,
            )
        )
    sectors = sorted(s.sector for s in enterprise.sectors.all())
    sector = _text(data.get("sector"))
    if sector not in sectors:
        errors.append(
            ErrorRecord(
                _("The enterprise does not report under this sector guideline (it has: %(known)s).")
                % {"known": ", ".join(sectors)},
                field="sector",
                value=sector,
            )
        )
    if errors:
        raise _refuse(errors)
    data["enterprise"] = enterprise.credit_code
    data["year"] = year
    plan, found = plans.plan_findings(data)
    if plan is None:
        records = [r for r in plans.records_of(found) if r.severity == "error"]
        raise _refuse(records)
    return plan


def do_save_plan(
    actor: User | None,
    enterprise: Enterprise,
    year: int,
    document: Mapping[str, Any],
    *,
    source: str = "json",
    note: str = "",
    file_name: str = "",
    sha256: str = "",
) -> MonitoringPlan:
    """Enter or change the draft plan of ``enterprise`` for ``year`` (the enterprise's
    accounts, the office). The kernel reads and validates the plan first: an error refuses it,
    naming the field and value, and nothing is written. The first plan of a year opens its
    lineage (version 1); a draft is changed in place; a submitted plan is the office's until it
    is returned, an approved one changes only as a new version (:func:`do_revise_plan`).
    Idempotent: the same plan again writes nothing."""
    if not 1990 <= int(year) <= 2200:
        raise ValidationFailedError(
            _("Expected a year between 1990 and 2200."), field="year", value=year
        )
    require(actor, perm_for(Enterprise, "view"), enterprise)
    kernel_plan = _plan_document(enterprise, year, document)
    stored = plans.normalised(kernel_plan)
    with transaction.atomic():
        latest = latest_version(MonitoringPlan, enterprise, year, lock=True)
        if latest is None:
            record = MonitoringPlan(
                enterprise=enterprise,
                year=year,
                sector=kernel_plan.sector,
                document=stored,
                source=source,
                note=note.strip(),
            )
            record = common.do_create_draft(actor, record)
        elif latest.state == LifecycleState.DRAFT:
            before = common.snapshot(latest)
            record = common.do_update_draft(
                actor,
                latest,
                {
                    "sector": kernel_plan.sector,
                    "document": stored,
                    "source": source,
                    "note": note.strip() or latest.note,
                },
            )
            if common.snapshot(record) == before:
                return record
        else:
            require(actor, perm_for(MonitoringPlan, "change"), latest)
            raise InvalidTransitionError(
                _(
                    "This plan has been submitted: it changes only once the office returns it, "
                    "or as a new version once approved."
                ),
                field="state",
                value=latest.state,
            )
        if file_name:
            common.record_event(
                actor=actor,
                action=MrvAction.PLAN_IMPORT,
                obj=record,
                after={"file": file_name, "sha256": sha256, "version": record.version},
            )
    return record


def do_import_plan(
    actor: User | None, enterprise: Enterprise, year: int, name: str, content: bytes
) -> MonitoringPlan:
    """Enter the draft plan from a workbook (the kernel's ledger template): its Plan sheet
    must hold exactly the plan of ``enterprise`` for ``year``. Refusals name the sheet, row,
    column and value; nothing is written."""
    require(actor, perm_for(Enterprise, "view"), enterprise)
    try:
        found_plans, findings = plans.plans_from_workbook(content)
    except Exception as error:
        raise ValidationFailedError(
            _("The file is not a readable Excel workbook."), field="file", value=name
        ) from error
    errors = [r for r in plans.records_of(findings) if r.severity == "error"]
    if errors:
        raise _refuse(errors)
    mine = [p for p in found_plans if p.enterprise == enterprise.credit_code and p.year == year]
    if len(found_plans) != 1 or len(mine) != 1:
        raise ValidationFailedError(
            _("The Plan sheet must hold exactly one plan, of %(code)s for %(year)s.")
            % {"code": enterprise.credit_code, "year": year},
            field="Plan.enterprise",
            value=", ".join(sorted({f"{p.enterprise}/{p.year}" for p in found_plans})) or "",
        )
    digest = hashlib.sha256(content).hexdigest()
    return do_save_plan(
        actor,
        enterprise,
        year,
        plans.normalised(mine[0]),
        source="workbook",
        file_name=name,
        sha256=digest,
    )


def do_submit_plan(actor: User | None, record: MonitoringPlan) -> MonitoringPlan:
    """Draft → submitted, once the kernel finds no error in it (the enterprise)."""
    return common.do_submit(actor, record)


def do_approve_plan(actor: User | None, record: MonitoringPlan) -> MonitoringPlan:
    """Submitted → approved (the office)."""
    return common.do_approve(actor, record)


def do_return_plan(actor: User | None, record: MonitoringPlan, reason: str) -> MonitoringPlan:
    """Submitted or approved → draft with the office's reason (only the latest version)."""
    _require_latest(record)
    return common.do_return(actor, record, reason)


def _require_latest(record: MonitoringPlan) -> None:
    require_newest(record, _("A newer version of this plan exists."))


def do_revise_plan(
    actor: User | None,
    record: MonitoringPlan,
    reason: str,
    document: Mapping[str, Any] | None = None,
) -> MonitoringPlan:
    """Open a new version of an approved plan: a draft in the same lineage that supersedes it,
    with the reason (and the changed plan, else a copy). The approved version stays as it was.
    Idempotent: revising the same version with the same reason returns the version opened."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailedError(_("A new version needs a reason."), field="reason", value="")
    kernel_plan = (
        None if document is None else _plan_document(record.enterprise, record.year, document)
    )
    with transaction.atomic():
        locked = MonitoringPlan.objects.select_for_update().get(pk=record.pk)
        require(actor, perm_for(MonitoringPlan, "correct"), locked)
        existing = MonitoringPlan.objects.filter(supersedes=locked).first()
        if existing is not None:
            if existing.correction_reason == reason:
                return existing
            raise ConflictError(
                _("This version has been revised already."), field="version", value=locked.version
            )
        if locked.state != LifecycleState.APPROVED:
            raise InvalidTransitionError(
                _("Only an approved plan is revised; change the draft instead."),
                field="state",
                value=locked.state,
            )
        new = MonitoringPlan(
            enterprise=locked.enterprise,
            year=locked.year,
            sector=locked.sector if kernel_plan is None else kernel_plan.sector,
            document=locked.document if kernel_plan is None else plans.normalised(kernel_plan),
            source="json" if kernel_plan is not None else locked.source,
            note=locked.note,
            lineage=locked.lineage,
            version=locked.version + 1,
            supersedes=locked,
            correction_reason=reason,
            state=LifecycleState.DRAFT,
            created_by=actor,
            created_at=timezone.now(),
        )
        require(actor, perm_for(MonitoringPlan, "correct"), new)
        new.save()
        common.record_event(
            actor=actor,
            action=MrvAction.PLAN_REVISE,
            obj=new,
            before=common.snapshot(locked),
            after=common.snapshot(new),
            reason=reason,
        )
    return new


def _approved_plan(enterprise: Enterprise, year: int) -> MonitoringPlan:
    found = latest_version(MonitoringPlan, enterprise, year, state=LifecycleState.APPROVED)
    if found is None:
        raise ValidationFailedError(
            _("The %(year)s monitoring plan has not been approved: no ledger before it is.")
            % {"year": year},
            field="plan",
            value=year,
        )
    return found
