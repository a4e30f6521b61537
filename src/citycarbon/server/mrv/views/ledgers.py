"""Monthly ledger pages: a year's months, one month (form, import, findings) and evidence files."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from citycarbon.server.common.errors import DomainError, NotFoundError
from citycarbon.server.common.selectors import can, perm_for, require
from citycarbon.server.common.validators import validate_upload
from citycarbon.server.mrv import plans, selectors, services
from citycarbon.server.mrv.forms import (
    EvidenceForm,
    UploadForm,
)
from citycarbon.server.mrv.models import (
    AnnualReport,
    Enterprise,
    EvidenceFile,
    LedgerFinding,
    LedgerMonth,
)
from citycarbon.server.mrv.views._common import _place_errors, _tabs

# --- the monthly ledger -----------------------------------------------------------------------


def _month_number(month: str) -> int:
    number = int(month)
    if not 1 <= number <= 12:
        raise NotFoundError(_("No such month."), field="month", value=month)
    return number


@login_required
def ledger_year(request: HttpRequest, code: str, year: str) -> HttpResponse:
    """The year's twelve ledger months: entered or not, warnings pending, submitted."""
    item = selectors.enterprise(request.user, code)
    found = {m.month: m for m in selectors.ledger_months(request.user, item, int(year))}
    probe = LedgerMonth(enterprise=item, year=int(year))
    if not found and not can(request.user, perm_for(LedgerMonth, "view"), probe):
        # an enterprise the user sees only for some years (a verifier's): not this one
        raise NotFoundError(
            _("No ledger of %(code)s for %(month)s.") % {"code": item.credit_code, "month": year},
            field="year",
            value=year,
        )
    months = [{"month": n, "record": found.get(n)} for n in range(1, 13)]
    return render(
        request,
        "mrv/ledger_year.html",
        {"tabs": _tabs(request, "enterprises"), "item": item, "year": int(year), "months": months},
    )


def _entry_fields(kernel_plan: Any) -> list[dict[str, Any]]:
    """The measured parameters of the plan, one line of the month's form each."""
    fields = []
    for stream in kernel_plan.streams:
        for parameter in stream.parameters:
            if parameter.basis != "measured":
                continue
            fields.append(
                {
                    "key": f"{stream.id}__{parameter.name}",
                    "stream": stream.id,
                    "stream_name": stream.name,
                    "facility": stream.facility,
                    "parameter": parameter.name,
                    "unit": parameter.unit,
                    "method": parameter.method,
                    "frequency": parameter.frequency,
                }
            )
    return fields


def _ledger_context(
    request: HttpRequest, item: Enterprise, year: int, month: int, **extra: Any
) -> dict[str, Any]:
    user = request.user
    record = (
        selectors.ledger_months_one(user, item, year, month)
        if can(user, perm_for(LedgerMonth, "view"), LedgerMonth(enterprise=item))
        else None
    )
    may_enter = (record is None or record.state == "pending") and can(
        user, perm_for(LedgerMonth, "add"), LedgerMonth(enterprise=item)
    )
    approved = selectors.approved_plan(user, item, year) if may_enter else None
    kernel_plan = plans.plan_of(approved.document) if approved is not None else None
    findings = list(selectors.findings_of(record)) if record is not None else []
    submitted = record is not None and record.state == "submitted"
    report_open = submitted and (
        selectors.reports_of(user, item).filter(year=year).exists()
        or can(user, perm_for(AnnualReport, "add"), AnnualReport(enterprise=item, year=year))
    )
    return {
        "tabs": _tabs(request, "enterprises"),
        "item": item,
        "year": year,
        "month": month,
        "key": f"{year:04d}-{month:02d}",
        "record": record,
        "entries": list(selectors.entries_of(record)) if record is not None else [],
        "findings": [
            {"item": f, "message": plans.stored_message(f.code, f.params, f.message)}
            for f in findings
        ],
        "report_open": report_open,
        "may_enter": may_enter and kernel_plan is not None,
        "no_plan": may_enter and kernel_plan is None,
        "may_acknowledge": record is not None
        and can(user, perm_for(LedgerFinding, "change"), LedgerFinding(ledger=record)),
        "fields": _entry_fields(kernel_plan) if kernel_plan is not None else [],
        "values": extra.get("values", {}),
        "problems": extra.get("problems", []),
        "upload_form": extra.get("upload_form") or UploadForm(),
    }


def _form_rows(
    request: HttpRequest, kernel_plan: Any
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The month's rows from the posted form (lines without value, evidence and note are not
    entered) and the posted values to show again."""
    rows, values = [], {}
    for field in _entry_fields(kernel_plan):
        key = field["key"]
        posted = {
            name: request.POST.get(f"{key}__{name}", "").strip()
            for name in ("value", "unit", "evidence", "note")
        }
        values.update({f"{key}__{name}": text for name, text in posted.items()})
        if not (posted["value"] or posted["evidence"] or posted["note"]):
            continue
        rows.append(
            {
                "stream": field["stream"],
                "parameter": field["parameter"],
                "value": posted["value"],
                "unit": posted["unit"] or field["unit"],
                "evidence": posted["evidence"],
                "note": posted["note"],
            }
        )
    return rows, values


def _problems_of(error: DomainError) -> list[dict[str, Any]]:
    return [
        {"row": r.row, "field": r.field, "value": r.value, "message": str(r.message)}
        for r in (error.errors or [])
    ] or [{"row": None, "field": error.field, "value": error.value, "message": str(error.message)}]


def _submitted_message(request: HttpRequest, record: LedgerMonth) -> None:
    """Say what became of the month: submitted, or entered with warnings to acknowledge first."""
    key = f"{record.year:04d}-{record.month:02d}"
    if record.state == "submitted":
        messages.success(request, _("The ledger of %(month)s was submitted.") % {"month": key})
    else:
        messages.warning(
            request,
            _(
                "The ledger of %(month)s was entered with warnings: acknowledge each below, "
                "saying why the value stands. The month counts as submitted once every "
                "warning is acknowledged."
            )
            % {"month": key},
        )


@login_required
@require_http_methods(["GET", "POST"])
def ledger_month(request: HttpRequest, code: str, year: str, month: str) -> HttpResponse:
    """One month's ledger: its rows and warnings (with acknowledgements), and, for the
    enterprise, the form to enter it (one line per measured parameter of the approved plan)."""
    item = selectors.enterprise(request.user, code)
    number = _month_number(month)
    if request.method == "POST":
        approved = selectors.approved_plan(request.user, item, int(year))
        kernel_plan = plans.plan_of(approved.document) if approved is not None else None
        rows, values = _form_rows(request, kernel_plan) if kernel_plan is not None else ([], {})
        try:
            record = services.do_submit_ledger(
                request.user, item, int(year), number, rows, source="form"
            )
        except DomainError as error:
            if error.status in (403, 404):
                raise
            context = _ledger_context(
                request, item, int(year), number, values=values, problems=_problems_of(error)
            )
            return render(request, "mrv/ledger_month.html", context, status=400)
        _submitted_message(request, record)
        return redirect("mrv:ledger_month", item.credit_code, year, number)
    context = _ledger_context(request, item, int(year), number)
    if context["record"] is None and not context["may_enter"] and not context["no_plan"]:
        raise NotFoundError(
            _("No ledger of %(code)s for %(month)s.")
            % {"code": item.credit_code, "month": context["key"]},
            field="month",
            value=context["key"],
        )
    return render(request, "mrv/ledger_month.html", context)


@login_required
@require_POST
def ledger_import(request: HttpRequest, code: str, year: str, month: str) -> HttpResponse:
    """Submit the month from an uploaded ledger workbook."""
    item = selectors.enterprise(request.user, code)
    number = _month_number(month)
    form = UploadForm(request.POST, request.FILES)
    problems: list[dict[str, Any]] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            validate_upload(upload, [".xlsx"])
            record = services.do_import_ledger(request.user, item, int(year), number, upload.read())
        except DomainError as error:
            if error.status in (403, 404):
                raise
            problems = _problems_of(error)
        else:
            _submitted_message(request, record)
            return redirect("mrv:ledger_month", item.credit_code, year, number)
    context = _ledger_context(request, item, int(year), number, upload_form=form, problems=problems)
    return render(request, "mrv/ledger_month.html", context, status=400)


@login_required
@require_POST
def finding_acknowledge(
    request: HttpRequest, code: str, year: str, month: str, pk: str
) -> HttpResponse:
    """Acknowledge a warning with the reason the value stands."""
    item = selectors.enterprise(request.user, code)
    number = _month_number(month)
    found = selectors.ledger_finding(request.user, item, int(pk))
    if (found.ledger.year, found.ledger.month) != (int(year), number):
        raise NotFoundError(_("No such warning."), field="finding_id", value=pk)
    try:
        services.do_acknowledge_finding(request.user, found, request.POST.get("reason", ""))
    except DomainError as error:
        if error.status in (403, 404):
            raise
        context = _ledger_context(request, item, int(year), number, problems=_problems_of(error))
        return render(request, "mrv/ledger_month.html", context, status=400)
    month_record = selectors.ledger_months_one(request.user, item, int(year), number)
    if month_record is not None and month_record.state == "submitted":
        messages.success(
            request,
            _(
                "Warning acknowledged. Every warning of %(month)s is acknowledged: the month "
                "counts as submitted."
            )
            % {"month": f"{int(year):04d}-{number:02d}"},
        )
    else:
        messages.success(request, _("Warning acknowledged."))
    return redirect("mrv:ledger_month", item.credit_code, year, number)


@login_required
@require_http_methods(["GET", "POST"])
def evidence_list(request: HttpRequest, code: str) -> HttpResponse:
    """The enterprise's evidence files, and the upload."""
    item = selectors.enterprise(request.user, code)
    may_upload = can(request.user, perm_for(EvidenceFile, "add"), EvidenceFile(enterprise=item))
    form = EvidenceForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if not may_upload:
            require(request.user, perm_for(EvidenceFile, "add"), EvidenceFile(enterprise=item))
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                services.do_upload_evidence(
                    request.user,
                    item,
                    upload.name or "",
                    upload.read(),
                    description=form.cleaned_data["description"],
                )
            except DomainError as error:
                if error.status in (403, 404):
                    raise
                _place_errors(form, error)
            else:
                messages.success(request, _("The file was kept."))
                return redirect("mrv:evidence_list", item.credit_code)
        status = 400
    return render(
        request,
        "mrv/evidence_list.html",
        {
            "tabs": _tabs(request, "enterprises"),
            "item": item,
            "files": selectors.evidence_of(request.user, item),
            "form": form if request.method == "POST" else EvidenceForm(),
            "may_upload": may_upload,
        },
        status=status,
    )


_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
def evidence_download(request: HttpRequest, code: str, pk: str) -> HttpResponse:
    """One evidence file, as uploaded (its SHA-256 in a header)."""
    item = selectors.enterprise(request.user, code)
    found = selectors.evidence_file(request.user, item, int(pk))
    response = HttpResponse(bytes(found.content), content_type=_CONTENT_TYPES[found.kind])
    response["Content-Disposition"] = f'attachment; filename="evidence-{found.pk}.{found.kind}"'
    response["X-Content-SHA256"] = found.sha256
    response["X-Content-Type-Options"] = "nosniff"
    return response
