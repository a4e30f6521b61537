"""Annual reports: read, build, sign off, withdraw a sign-off, submit, correct, and the report
as an interchange file for ``citycarbon calc enterprise``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import P, Query, QueryEx

from citycarbon.accounting.monitoring.export import CONTENT_TYPES
from citycarbon.server.common.api import cached_read, paginate
from citycarbon.server.common.auth import API_WRITE
from citycarbon.server.mrv import exports, selectors, services
from citycarbon.server.mrv.api._common import READ, READS_WITH_PEOPLE, WRITE, _user_name, router
from citycarbon.server.mrv.models import (
    AnnualReport,
)
from citycarbon.server.mrv.reports import reported_figure
from citycarbon.server.mrv.schemas import (
    PageQuery,
    ReasonIn,
    ReportOut,
    ReportVersionPageOut,
)

# --- annual reports ---------------------------------------------------------------------------


def report_version_out(item: AnnualReport) -> dict[str, Any]:
    return {
        "enterprise": item.enterprise.credit_code,
        "year": item.year,
        "version": item.version,
        "state": item.state,
        "sector": item.sector,
        "plan_version": item.plan.version,
        "total_tco2e": reported_figure(item.figures.get("total")),
        "correction_reason": item.correction_reason,
        "due_on": item.due_on,
        "late": item.late,
        "created_at": item.created_at,
        "submitted_at": item.submitted_at,
        "submitted_by": _user_name(item.submitted_by),
    }


def _line_out(line: dict[str, Any]) -> dict[str, Any]:
    """A report line with its emission figures as reported (0.01 t, half-up)."""
    masses = line.get("masses_t") or {}
    return {
        **line,
        "co2e": reported_figure(line.get("co2e")),
        "contribution": reported_figure(line.get("contribution")),
        "masses_t": {gas: reported_figure(mass) for gas, mass in masses.items()},
    }


def report_out(request: HttpRequest, item: AnnualReport) -> dict[str, Any]:
    figures = item.figures
    sign_offs = list(selectors.sign_offs_of(item))
    return {
        **report_version_out(item),
        "lines": [_line_out(line) for line in figures.get("lines", [])],
        "by_source": {k: reported_figure(v) for k, v in figures.get("by_source", {}).items()},
        "derivations": figures.get("derivations", []),
        "outputs": figures.get("outputs", {}),
        "intensity": figures.get("intensity"),
        "intensity_unit": figures.get("intensity_unit", ""),
        "factor_library": figures.get("factor_library", ""),
        "signed_off": any(s.withdrawn_at is None for s in sign_offs),
        "sign_offs": [
            {
                "signed_at": s.signed_at, "signed_by": _user_name(s.signed_by),
                "withdrawn_at": s.withdrawn_at, "withdrawn_by": _user_name(s.withdrawn_by),
                "reason": s.reason,
            }
            for s in sign_offs
        ],
        "versions": [
            report_version_out(v)
            for v in selectors.reports_of(request.user, item.enterprise).filter(year=item.year)
        ],
    }  # fmt: skip


@router.get(
    "/enterprises/{credit_code}/reports",
    response={200: ReportVersionPageOut, **READ},
    auth=API_WRITE,
)
@cached_read(*READS_WITH_PEOPLE)
def list_reports(request: HttpRequest, credit_code: str, query: Query[PageQuery]) -> dict[str, Any]:
    """Every version of the enterprise's annual reports, latest year and version first,
    paginated."""
    item = selectors.enterprise_without_sectors(request.user, credit_code)
    return paginate(selectors.reports_of(request.user, item), query, report_version_out)


@router.get(
    "/enterprises/{credit_code}/reports/{year}",
    response={200: ReportOut, **READ},
    auth=API_WRITE,
)
@cached_read(*READS_WITH_PEOPLE)
def get_report(
    request: HttpRequest, credit_code: str, year: int, version: int | None = None
) -> dict[str, Any]:
    """The year's report (latest version, or ``version``) with each figure's derivation."""
    item = selectors.enterprise_without_sectors(request.user, credit_code)
    return report_out(request, selectors.report(request.user, item, year, version))


@router.post(
    "/enterprises/{credit_code}/reports/{year}/build",
    response={200: ReportOut, **WRITE},
    auth=API_WRITE,
)
def build_report(request: HttpRequest, credit_code: str, year: int) -> dict[str, Any]:
    """Build (or rebuild) the draft from the approved plan and the twelve submitted months."""
    item = selectors.enterprise(request.user, credit_code)
    return report_out(request, services.do_build_report(request.user, item, year))


def _report_step(
    request: HttpRequest, credit_code: str, year: int, step: str, reason: str = ""
) -> dict[str, Any]:
    item = selectors.enterprise(request.user, credit_code)
    record = selectors.report(request.user, item, year)
    if step == "sign-off":
        services.do_sign_off(request.user, record)
    elif step == "withdraw":
        services.do_withdraw_sign_off(request.user, record, reason)
    elif step == "submit":
        services.do_submit_report(request.user, record)
    else:
        services.do_correct_report(request.user, record, reason)
    return report_out(request, selectors.report(request.user, item, year))


@router.post(
    "/enterprises/{credit_code}/reports/{year}/sign-off",
    response={200: ReportOut, **WRITE},
    auth=API_WRITE,
)
def sign_off_report(request: HttpRequest, credit_code: str, year: int) -> dict[str, Any]:
    """The responsible person signs off the draft."""
    return _report_step(request, credit_code, year, "sign-off")


@router.post(
    "/enterprises/{credit_code}/reports/{year}/withdraw-sign-off",
    response={200: ReportOut, **WRITE},
    auth=API_WRITE,
)
def withdraw_sign_off(
    request: HttpRequest, credit_code: str, year: int, payload: ReasonIn
) -> dict[str, Any]:
    """The responsible person withdraws the sign-off of the draft, with the reason."""
    return _report_step(request, credit_code, year, "withdraw", payload.reason)


@router.post(
    "/enterprises/{credit_code}/reports/{year}/submit",
    response={200: ReportOut, **WRITE},
    auth=API_WRITE,
)
def submit_report(request: HttpRequest, credit_code: str, year: int) -> dict[str, Any]:
    """Submit the signed-off draft (refused once the sign-off was withdrawn); after the
    calendar's due date it is flagged late."""
    return _report_step(request, credit_code, year, "submit")


@router.post(
    "/enterprises/{credit_code}/reports/{year}/correct",
    response={200: ReportOut, **WRITE},
    auth=API_WRITE,
)
def correct_report(
    request: HttpRequest, credit_code: str, year: int, payload: ReasonIn
) -> dict[str, Any]:
    """Open a correction of the submitted report: a new draft version with the reason."""
    return _report_step(request, credit_code, year, "correct", payload.reason)


@router.get(
    "/enterprises/{credit_code}/reports/{year}/document",
    response=WRITE,
    auth=API_WRITE,
    openapi_extra={
        "responses": {
            200: {
                "description": "The report as an enterprise interchange file "
                "(`citycarbon calc enterprise`)",
                "content": {
                    CONTENT_TYPES["json"]: {"schema": {"type": "object"}},
                    CONTENT_TYPES["yaml"]: {"schema": {"type": "string"}},
                    CONTENT_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
                },
            },
        }
    },
)
def report_document(
    request: HttpRequest,
    credit_code: str,
    year: int,
    version: int | None = None,
    kind: QueryEx[str, P(alias="format")] = "json",
) -> HttpResponse:
    """The year's report (latest version, or ``version``) as an enterprise interchange file
    that ``citycarbon calc enterprise`` computes to its figures: ``format`` ``json``, ``yaml``
    or ``xlsx`` (the filled Excel template). Found exactly as reading the report."""
    exported = exports.report_file(request.user, credit_code, year, version=version, kind=kind)
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response
