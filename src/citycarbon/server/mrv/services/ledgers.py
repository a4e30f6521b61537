"""Monthly ledgers: submit (form, push or import), acknowledge a finding, upload evidence."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citycarbon.accounting.monitoring import LedgerRow
from citycarbon.server.common import services as common
from citycarbon.server.common.errors import (
    ConflictError,
    ErrorRecord,
    ValidationFailedError,
)
from citycarbon.server.common.models import User
from citycarbon.server.common.selectors import perm_for, require
from citycarbon.server.mrv import ledger, plans
from citycarbon.server.mrv.choices import (
    LedgerState,
    MrvAction,
)
from citycarbon.server.mrv.models import (
    Enterprise,
    EvidenceFile,
    IdempotencyRecord,
    LedgerEntry,
    LedgerFinding,
    LedgerMonth,
)
from citycarbon.server.mrv.services._common import _refuse, refused
from citycarbon.server.mrv.services.plans import _approved_plan


def _misplaced_records(misplaced: Sequence[tuple[int, str, str]], month: str) -> list[ErrorRecord]:
    return [
        ErrorRecord(
            _("The row is not of this ledger (%(expected)s expected).")
            % {"expected": month if name == "month" else _("this enterprise")},
            field=name,
            value=value,
            row=row,
        )
        for row, name, value in misplaced
    ]


def _month_key(arguments: Mapping[str, Any]) -> str:
    """``<credit code>/<YYYY-MM>``: the month a refused submission was for (it may have no
    row)."""
    year, month = arguments["year"], arguments["month"]
    try:
        period = f"{int(year):04d}-{int(month):02d}"
    except (TypeError, ValueError):
        period = f"{year}-{month}"
    return f"{arguments['enterprise'].credit_code}/{period}"


def _entries_of(rows: Sequence[Any]) -> list[tuple[str, ...]]:
    return sorted(
        (r.facility, r.stream, r.parameter, str(r.value), r.unit, r.evidence, r.note) for r in rows
    )


@refused(MrvAction.LEDGER_SUBMIT, "mrv.ledgermonth", _month_key)
def do_submit_ledger(
    actor: User | None,
    enterprise: Enterprise,
    year: int,
    month: int,
    items: Sequence[Mapping[str, Any]],
    *,
    source: str = "form",
) -> LedgerMonth:
    """Submit one month's ledger (the enterprise's accounts; the office). The kernel checks
    it against the year's approved plan together with the months already submitted: any error
    (a wrong unit, a negative consumption, a value missing or repeated, a lab value without its
    evidence …) refuses the month, naming row, field and value, and nothing is written.
    Warnings are stored; the month counts as submitted once each is acknowledged
    (:func:`do_acknowledge_finding`). A month already submitted is refused (409) unless the
    same rows come again (then nothing changes); a month with warnings pending may be submitted
    again, replacing its rows. A refusal (input or conflict) is audited as an attempt
    (``mrv.refused``, object ``mrv.ledgermonth`` ``<code>/<YYYY-MM>``)."""
    if not 1 <= int(month) <= 12 or not 1990 <= int(year) <= 2200:
        raise ValidationFailedError(
            _("Expected a month 1–12 of a year 1990–2200."), field="month", value=month
        )
    require(actor, perm_for(Enterprise, "view"), enterprise)
    require(actor, perm_for(LedgerMonth, "add"), LedgerMonth(enterprise=enterprise))
    plan_record = _approved_plan(enterprise, year)
    kernel_plan = plans.plan_of(plan_record.document)
    if kernel_plan is None:  # an approved plan always reads; kept for the type checker
        raise ValidationFailedError(_("The approved plan cannot be read."), field="plan")
    key = f"{year:04d}-{month:02d}"
    rows, unread, misplaced = ledger.read_month_rows(items, enterprise.credit_code, key)
    refusals = [r for r in plans.records_of(unread) if r.severity == "error"]
    refusals += _misplaced_records(misplaced, key)
    if not items:
        refusals.append(ErrorRecord(_("The month has no rows."), field="rows", value=0))
    if refusals:
        raise _refuse(refusals)
    with transaction.atomic():
        existing = (
            LedgerMonth.objects.select_for_update()
            .filter(enterprise=enterprise, year=year, month=month)
            .first()
        )
        if existing is not None:
            same = _entries_of(existing.entries.all()) == _entries_of(rows)
            if same:
                return existing
            if existing.state == LedgerState.SUBMITTED:
                raise ConflictError(
                    _("The ledger of %(month)s has been submitted already.") % {"month": key},
                    field="month",
                    value=key,
                )
            require(actor, perm_for(LedgerMonth, "change"), existing)
        earlier = [
            LedgerRow(
                e.row, enterprise.credit_code, e.stream, f"{year:04d}-{e.ledger.month:02d}",
                e.parameter, Decimal(e.value), e.unit, e.facility, e.evidence, e.note,
            )
            for e in LedgerEntry.objects.filter(
                ledger__enterprise=enterprise, ledger__year=year, ledger__month__lt=month
            ).select_related("ledger").order_by("ledger__month", "row")
        ]  # fmt: skip
        checked = ledger.check_month(kernel_plan, earlier, rows, month)
        if checked.errors:
            raise _refuse(plans.records_of(checked.errors))
        before = None if existing is None else _ledger_snapshot(existing)
        now = timezone.now()
        if existing is None:
            record = LedgerMonth(enterprise=enterprise, year=year, month=month)
        else:
            record = existing
            record.findings.all().delete()
            record.entries.all().delete()
        record.plan = plan_record
        record.source = source
        record.entered_at = now
        record.entered_by = actor
        warnings = checked.warnings
        record.state = LedgerState.PENDING if warnings else LedgerState.SUBMITTED
        record.submitted_at = None if warnings else now
        record.submitted_by = None if warnings else actor
        record.save()
        entries = LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(
                    ledger=record, row=r.row, facility=r.facility, stream=r.stream,
                    parameter=r.parameter, value=str(r.value), unit=r.unit,
                    evidence=r.evidence[:200], note=r.note[:500],
                )
                for r in rows
            ]
        )  # fmt: skip
        by_row = {e.row: e for e in entries}
        LedgerFinding.objects.bulk_create(
            [
                LedgerFinding(
                    ledger=record, entry=by_row.get(f.row) if f.row is not None else None,
                    code=f.code, severity=f.severity, field=f.field or "",
                    value=(f.value or "")[:200], stream=f.stream or "",
                    parameter=f.parameter or "", period=f.month or "",
                    params=dict(f.params), message=f.message[:500],
                )
                for f in warnings
            ]
        )  # fmt: skip
        common.record_event(
            actor=actor,
            action=MrvAction.LEDGER_SUBMIT,
            obj=record,
            before=before,
            after=_ledger_snapshot(record),
        )
    return record


def _ledger_snapshot(record: LedgerMonth) -> dict[str, Any]:
    return {
        **common.snapshot(record),
        "rows": record.entries.count(),
        "warnings": record.findings.count(),
    }


def do_acknowledge_finding(actor: User | None, item: LedgerFinding, reason: str) -> LedgerFinding:
    """Acknowledge a warning with the reason the value stands (the enterprise's accounts, the
    office). Once every warning of the month is acknowledged, the month counts as submitted.
    Idempotent for the same reason; another reason for an acknowledged warning is refused."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailedError(_("Say why the value stands."), field="reason", value=reason)
    with transaction.atomic():
        locked = LedgerFinding.objects.select_for_update().select_related("ledger").get(pk=item.pk)
        require(actor, perm_for(LedgerFinding, "change"), locked)
        if locked.acknowledged_at is not None:
            if locked.reason == reason:
                return locked
            raise ConflictError(
                _("This warning has been acknowledged already."), field="reason", value=reason
            )
        before = common.snapshot(locked)
        now = timezone.now()
        locked.acknowledged_at = now
        locked.acknowledged_by = actor
        locked.reason = reason
        locked.save(update_fields=["acknowledged_at", "acknowledged_by", "reason"])
        month = LedgerMonth.objects.select_for_update().get(pk=locked.ledger_id)
        if not month.findings.filter(acknowledged_at__isnull=True).exists():
            month.state = LedgerState.SUBMITTED
            month.submitted_at = now
            month.submitted_by = actor
            month.save(update_fields=["state", "submitted_at", "submitted_by"])
        common.record_event(
            actor=actor,
            action=MrvAction.FINDING_ACKNOWLEDGE,
            obj=locked,
            before=before,
            after={**common.snapshot(locked), "month_state": month.state},
            reason=reason,
        )
    return locked


def evidence_limit() -> int:
    """The largest evidence file accepted [bytes] (``CITYCARBON_MAX_EVIDENCE_BYTES``, else the
    upload limit)."""
    return int(
        getattr(settings, "CITYCARBON_MAX_EVIDENCE_BYTES", settings.CITYCARBON_MAX_UPLOAD_BYTES)
    )


@refused(MrvAction.EVIDENCE_UPLOAD, "mrv.evidencefile", lambda a: a["enterprise"].credit_code)
def do_upload_evidence(
    actor: User | None,
    enterprise: Enterprise,
    name: str,
    content: bytes,
    *,
    description: str = "",
) -> EvidenceFile:
    """Keep a lab report or other evidence: refused when empty, larger than the limit, not a
    PDF, PNG, JPEG or XLSX by its content, or not what its name claims (the refusal audited as
    an attempt, ``mrv.refused``). The same file again is the same record."""
    require(actor, perm_for(Enterprise, "view"), enterprise)
    require(actor, perm_for(EvidenceFile, "add"), EvidenceFile(enterprise=enterprise))
    name = (name or "").strip()[:200]
    if not content:
        raise ValidationFailedError(_("The file is empty."), field="file", value=name)
    limit = evidence_limit()
    if len(content) > limit:
        raise ValidationFailedError(
            _("The file is too large: %(size)d bytes, at most %(limit)d.")
            % {"size": len(content), "limit": limit},
            field="file",
            value=name,
        )
    kind = ledger.file_kind(content)
    if kind is None:
        raise ValidationFailedError(
            _("The file is not a PDF, PNG, JPEG or XLSX file."), field="file", value=name
        )
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    if suffix not in ledger.EVIDENCE_TYPES[kind]:
        raise ValidationFailedError(
            _("The file is a %(kind)s file but its name says otherwise.") % {"kind": kind.upper()},
            field="file",
            value=name,
        )
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        existing = EvidenceFile.objects.filter(enterprise=enterprise, sha256=digest).first()
        if existing is not None:
            return existing
        record = EvidenceFile.objects.create(
            enterprise=enterprise,
            name=name,
            kind=kind,
            size=len(content),
            sha256=digest,
            content=content,
            description=description.strip()[:300],
            uploaded_by=actor,
        )
        common.record_event(
            actor=actor, action=MrvAction.EVIDENCE_UPLOAD, obj=record, after=common.snapshot(record)
        )
    return record


def body_digest(body: bytes) -> str:
    """The SHA-256 of a request body, canonical for JSON (keys sorted, no spaces)."""
    try:
        data = json.loads(body or b"null")
    except ValueError:
        return hashlib.sha256(body).hexdigest()
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@refused("mrv.push_ledger", "mrv.ledgermonth", _month_key)
def do_push_ledger(
    actor: User,
    enterprise: Enterprise,
    year: int,
    month: int,
    items: Sequence[Mapping[str, Any]],
    *,
    key: str,
    digest: str,
    operation: str,
    answer: Callable[[LedgerMonth], dict[str, Any]],
) -> tuple[int, dict[str, Any]]:
    """A month pushed by the enterprise's system with an ``Idempotency-Key``: the first time,
    :func:`do_submit_ledger` and the answer kept; the same key with the same body again, the
    same answer and nothing written; the same key with another body, refused (409). A refused
    push keeps nothing, so it may be retried with the same key."""
    key = key.strip()
    if not key or len(key) > 200 or not key.isprintable():
        raise ValidationFailedError(
            _("Expected an Idempotency-Key of 1–200 printable characters."),
            field="Idempotency-Key",
            value=key[:200],
        )
    with transaction.atomic():
        kept = IdempotencyRecord.objects.select_for_update().filter(user=actor, key=key).first()
        if kept is not None:
            if kept.body_sha256 != digest or kept.operation != operation:
                raise ConflictError(
                    _("This Idempotency-Key was used for another request."),
                    field="Idempotency-Key",
                    value=key,
                )
            return kept.status, dict(kept.response)
        record = do_submit_ledger(actor, enterprise, year, month, items, source="api")
        body = answer(record)
        try:
            with transaction.atomic():
                IdempotencyRecord.objects.create(
                    user=actor, key=key, operation=operation, body_sha256=digest, status=201,
                    response=json.loads(json.dumps(body, cls=DjangoJSONEncoder)),
                )  # fmt: skip
        except IntegrityError:
            raise ConflictError(
                _("This Idempotency-Key is being used by another request."),
                field="Idempotency-Key",
                value=key,
            ) from None
    return 201, body


@refused("mrv.import_ledger", "mrv.ledgermonth", _month_key)
def do_import_ledger(
    actor: User | None, enterprise: Enterprise, year: int, month: int, content: bytes
) -> LedgerMonth:
    """Submit a month from the Ledger sheet of the ledger workbook: the rows of the workbook
    must all be of this enterprise and month (rows are named by their sheet row); then as
    :func:`do_submit_ledger`."""
    require(actor, perm_for(Enterprise, "view"), enterprise)
    try:
        items, unread = ledger.workbook_rows(content)
    except Exception as error:
        raise ValidationFailedError(
            _("The file is not a readable Excel workbook."), field="file", value=""
        ) from error
    if unread:
        raise _refuse(plans.records_of(unread))
    return do_submit_ledger(actor, enterprise, year, month, items, source="workbook")
