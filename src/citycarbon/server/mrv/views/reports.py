"""Annual report pages: the report of a year, its steps, and its interchange file."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citycarbon.server.common.errors import DomainError, NotFoundError
from citycarbon.server.common.selectors import can, perm_for
from citycarbon.server.mrv import exports, selectors, services
from citycarbon.server.mrv.models import (
    AnnualReport,
    ComplianceCalendar,
    Enterprise,
)
from citycarbon.server.mrv.views._common import _tabs
from citycarbon.server.mrv.views.ledgers import _problems_of

# --- annual reports ---------------------------------------------------------------------------


def _report_context(
    request: HttpRequest, item: Enterprise, year: int, **extra: Any
) -> dict[str, Any]:
    user = request.user
    versions = list(selectors.reports_of(user, item).filter(year=year))
    wanted = request.GET.get("version")
    record = versions[0] if versions else None
    if wanted and wanted.isdigit():
        record = next((v for v in versions if v.version == int(wanted)), None)
        if record is None:
            raise NotFoundError(_("No such version."), field="version", value=wanted)
    latest = record is not None and record.pk == versions[0].pk
    sign_offs = list(selectors.sign_offs_of(record)) if record is not None else []
    standing = any(s.withdrawn_at is None for s in sign_offs)
    state = record.state if record is not None else None
    blank = AnnualReport(enterprise=item, year=year)
    may = {
        "build": (record is None or (latest and state == "draft"))
        and can(user, perm_for(AnnualReport, "add"), blank),
        "sign_off": latest
        and state == "draft"
        and not standing
        and can(user, perm_for(AnnualReport, "signoff"), record),
        "withdraw": latest
        and state == "draft"
        and standing
        and can(user, perm_for(AnnualReport, "signoff"), record),
        # Submitting needs a standing sign-off: before it, the button shows disabled with why.
        "submit": latest
        and state == "draft"
        and standing
        and can(user, perm_for(AnnualReport, "submit"), record),
        "submit_unsigned": latest
        and state == "draft"
        and not standing
        and can(user, perm_for(AnnualReport, "submit"), record),
        "correct": latest
        and state == "submitted"
        and can(user, perm_for(AnnualReport, "correct"), record),
    }
    figures = record.figures if record is not None else {}
    derivations: dict[str, list[Any]] = {}
    for derivation in figures.get("derivations", []):
        derivations.setdefault(derivation["stream"], []).append(derivation)
    return {
        "tabs": _tabs(request, "enterprises"),
        "item": item,
        "year": year,
        "record": record,
        "versions": versions,
        "figures": figures,
        "derivations": sorted(derivations.items()),
        "sign_offs": sign_offs,
        "standing": standing,
        "may": may,
        "problems": extra.get("problems", []),
        "calendar": ComplianceCalendar.objects.filter(year=year).first(),
    }


@login_required
def report_detail(request: HttpRequest, code: str, year: str) -> HttpResponse:
    """The year's annual report: total and lines, each figure's derivation (months, weights),
    the sign-off, the versions — and the steps the user may take."""
    item = selectors.enterprise(request.user, code)
    context = _report_context(request, item, int(year))
    if context["record"] is None and not context["may"]["build"]:
        raise NotFoundError(
            _("No annual report of %(code)s for %(year)s.")
            % {"code": item.credit_code, "year": year},
            field="year",
            value=year,
        )
    return render(request, "mrv/report_detail.html", context)


@login_required
@require_POST
def report_step(request: HttpRequest, code: str, year: str, step: str) -> HttpResponse:
    """Build, sign off, withdraw the sign-off (reason), submit, or correct (reason)."""
    item = selectors.enterprise(request.user, code)
    reason = request.POST.get("reason", "")
    try:
        if step == "build":
            services.do_build_report(request.user, item, int(year))
        else:
            record = selectors.report(request.user, item, int(year))
            if step == "sign-off":
                services.do_sign_off(request.user, record)
            elif step == "withdraw":
                services.do_withdraw_sign_off(request.user, record, reason)
            elif step == "submit":
                services.do_submit_report(request.user, record)
            else:
                services.do_correct_report(request.user, record, reason)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        context = _report_context(request, item, int(year), problems=_problems_of(error))
        return render(request, "mrv/report_detail.html", context, status=400)
    done = {
        "build": _("The report was built."),
        "sign-off": _("The report was signed off."),
        "withdraw": _("The sign-off was withdrawn."),
        "submit": _("The report was submitted."),
        "correct": _("A correction of the report was opened."),
    }[step]
    messages.success(request, done)
    return redirect("mrv:report_detail", item.credit_code, year)


@login_required
def report_document(request: HttpRequest, code: str, year: str, kind: str) -> HttpResponse:
    """The year's report (``?version=``, else the latest) as an enterprise interchange file
    (``json``, ``yaml`` or ``xlsx``) for ``citycarbon calc enterprise``; found exactly as the
    report page finds it."""
    wanted = request.GET.get("version", "")
    version = int(wanted) if wanted.isdigit() else None
    exported = exports.report_file(request.user, code, int(year), version=version, kind=kind)
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response
