"""Monthly ledgers (read, push, import, acknowledge a finding) and evidence files."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, HeaderEx, P, Query, Status
from ninja.files import UploadedFile

from citycarbon.server.common.api import cached_read, paginate
from citycarbon.server.common.auth import API_WRITE
from citycarbon.server.common.errors import NotFoundError
from citycarbon.server.common.validators import validate_upload
from citycarbon.server.mrv import plans, selectors, services
from citycarbon.server.mrv.api._common import READ, READS_WITH_PEOPLE, WRITE, _user_name, router
from citycarbon.server.mrv.models import (
    EvidenceFile,
    LedgerFinding,
    LedgerMonth,
)
from citycarbon.server.mrv.schemas import (
    AcknowledgeIn,
    EvidenceOut,
    EvidencePageOut,
    LedgerFindingOut,
    LedgerIn,
    LedgerMonthDetailOut,
    LedgerMonthOut,
    PageQuery,
)

# --- the monthly ledger -----------------------------------------------------------------------


def ledger_month_out(item: LedgerMonth, rows: int, pending: int) -> dict[str, Any]:
    return {
        "enterprise": item.enterprise.credit_code,
        "year": item.year,
        "month": item.month,
        "state": item.state,
        "source": item.source,
        "plan_version": item.plan.version,
        "entered_at": item.entered_at,
        "entered_by": _user_name(item.entered_by),
        "submitted_at": item.submitted_at,
        "submitted_by": _user_name(item.submitted_by),
        "rows": rows,
        "pending_warnings": pending,
    }


def ledger_finding_out(item: LedgerFinding) -> dict[str, Any]:
    return {
        "id": item.pk,
        "code": item.code,
        "severity": item.severity,
        "message": plans.stored_message(item.code, item.params, item.message),
        "row": item.entry.row if item.entry is not None else None,
        "field": item.field,
        "value": item.value,
        "stream": item.stream,
        "parameter": item.parameter,
        "period": item.period,
        "params": dict(item.params),
        "acknowledged_at": item.acknowledged_at,
        "acknowledged_by": _user_name(item.acknowledged_by),
        "reason": item.reason,
    }


def ledger_detail_out(item: LedgerMonth) -> dict[str, Any]:
    entries = list(selectors.entries_of(item))
    findings = list(selectors.findings_of(item))
    pending = sum(1 for f in findings if f.acknowledged_at is None)
    return {
        **ledger_month_out(item, len(entries), pending),
        "entries": [
            {
                "id": e.pk, "row": e.row, "facility": e.facility, "stream": e.stream,
                "parameter": e.parameter, "value": e.value, "unit": e.unit,
                "evidence": e.evidence, "note": e.note,
            }
            for e in entries
        ],
        "findings": [ledger_finding_out(f) for f in findings],
    }  # fmt: skip


def _rows_in(payload: LedgerIn) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.dict().items() if v not in (None, "")} for row in payload.rows]


@router.get(
    "/enterprises/{credit_code}/ledgers/{year}",
    response={200: list[LedgerMonthOut], **READ},
    auth=API_WRITE,
)
@cached_read(*READS_WITH_PEOPLE)
def list_ledger_months(request: HttpRequest, credit_code: str, year: int) -> list[dict[str, Any]]:
    """The year's ledger months entered so far, with their state and the warnings pending."""
    item = selectors.enterprise_without_sectors(request.user, credit_code)
    return [
        ledger_month_out(m, m.rows, m.pending)
        for m in selectors.ledger_months(request.user, item, year)
    ]


@router.get(
    "/enterprises/{credit_code}/ledgers/{year}/{month}",
    response={200: LedgerMonthDetailOut, **READ},
    auth=API_WRITE,
)
@cached_read(*READS_WITH_PEOPLE)
def get_ledger_month(
    request: HttpRequest, credit_code: str, year: int, month: int
) -> dict[str, Any]:
    """One month's ledger: its rows, and its warnings with their acknowledgements."""
    item = selectors.enterprise_without_sectors(request.user, credit_code)
    return ledger_detail_out(selectors.ledger_month(request.user, item, year, month))


@router.post(
    "/enterprises/{credit_code}/ledgers/{year}/{month}",
    response={201: LedgerMonthDetailOut, **WRITE},
    auth=API_WRITE,
)
def push_ledger_month(
    request: HttpRequest,
    credit_code: str,
    year: int,
    month: int,
    payload: LedgerIn,
    idempotency_key: HeaderEx[str, P(alias="Idempotency-Key")],
) -> Status[dict[str, Any]]:
    """Submit a month's ledger from the enterprise's energy-management system, with an access
    token and an ``Idempotency-Key`` header: the same key and body again give the same answer
    and write nothing; the same key with another body is refused (409). The kernel's errors
    refuse the month (each named by row, field and value; nothing written); its warnings are
    stored, to be acknowledged."""
    item = selectors.enterprise(request.user, credit_code)
    status, body = services.do_push_ledger(
        request.user,
        item,
        year,
        month,
        _rows_in(payload),
        key=idempotency_key,
        digest=services.body_digest(request.body),
        operation=f"POST {request.path}",
        answer=ledger_detail_out,
    )
    return Status(status, body)


@router.post(
    "/enterprises/{credit_code}/ledgers/{year}/{month}/import",
    response={201: LedgerMonthDetailOut, **WRITE},
    auth=API_WRITE,
)
def import_ledger_month(
    request: HttpRequest, credit_code: str, year: int, month: int, file: File[UploadedFile]
) -> Status[dict[str, Any]]:
    """Submit the month from the Ledger sheet of the ledger workbook (its rows of this month;
    a row of another month is refused)."""
    validate_upload(file, [".xlsx"])
    item = selectors.enterprise(request.user, credit_code)
    record = services.do_import_ledger(request.user, item, year, month, file.read())
    return Status(201, ledger_detail_out(record))


@router.post(
    "/enterprises/{credit_code}/ledgers/{year}/{month}/findings/{finding_id}/acknowledge",
    response={200: LedgerFindingOut, **WRITE},
    auth=API_WRITE,
)
def acknowledge_finding(
    request: HttpRequest,
    credit_code: str,
    year: int,
    month: int,
    finding_id: int,
    payload: AcknowledgeIn,
) -> dict[str, Any]:
    """Acknowledge a warning with the reason the value stands."""
    item = selectors.enterprise(request.user, credit_code)
    found = selectors.ledger_finding(request.user, item, finding_id)
    if (found.ledger.year, found.ledger.month) != (year, month):
        raise NotFoundError(_("No such warning."), field="finding_id", value=finding_id)
    services.do_acknowledge_finding(request.user, found, payload.reason)
    return ledger_finding_out(selectors.ledger_finding(request.user, item, finding_id))


def evidence_out(item: EvidenceFile) -> dict[str, Any]:
    return {
        "id": item.pk,
        "name": item.name,
        "kind": item.kind,
        "size": item.size,
        "sha256": item.sha256,
        "description": item.description,
        "uploaded_at": item.uploaded_at,
        "uploaded_by": _user_name(item.uploaded_by),
    }


@router.get(
    "/enterprises/{credit_code}/evidence",
    response={200: EvidencePageOut, **READ},
    auth=API_WRITE,
)
@cached_read(*READS_WITH_PEOPLE)
def list_evidence(
    request: HttpRequest, credit_code: str, query: Query[PageQuery]
) -> dict[str, Any]:
    """The enterprise's evidence files (lab reports …), newest first, paginated."""
    item = selectors.enterprise_without_sectors(request.user, credit_code)
    return paginate(selectors.evidence_of(request.user, item), query, evidence_out)


@router.post(
    "/enterprises/{credit_code}/evidence",
    response={201: EvidenceOut, **WRITE},
    auth=API_WRITE,
)
def upload_evidence(
    request: HttpRequest, credit_code: str, file: File[UploadedFile], description: str = ""
) -> Status[dict[str, Any]]:
    """Upload a lab report or other evidence (PDF, PNG, JPEG or XLSX, checked by content;
    size-limited); its SHA-256 is kept and can be cited as the rows' evidence."""
    item = selectors.enterprise(request.user, credit_code)
    record = services.do_upload_evidence(
        request.user, item, file.name or "", file.read(), description=description
    )
    return Status(201, evidence_out(record))
