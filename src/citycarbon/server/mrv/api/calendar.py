"""``/api/mrv/calendar`` — the compliance calendar."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from citycarbon.server.common.api import cached_read
from citycarbon.server.common.auth import API_WRITE
from citycarbon.server.common.selectors import perm_for, require
from citycarbon.server.mrv import selectors, services
from citycarbon.server.mrv.api._common import READ, READS, WRITE, router
from citycarbon.server.mrv.models import (
    ComplianceCalendar,
)
from citycarbon.server.mrv.schemas import (
    CalendarIn,
    CalendarOut,
)

# --- the compliance calendar ------------------------------------------------------------------


def _calendar_out(item: ComplianceCalendar) -> dict[str, Any]:
    return {
        "year": item.year,
        "monitoring_plan_due": item.monitoring_plan_due,
        "ledger_due_day": item.ledger_due_day,
        "annual_report_due": item.annual_report_due,
        "verification_due": item.verification_due,
        "approval_due": item.approval_due,
        "reminder_days": list(item.reminder_days),
        "note": item.note,
    }


@router.get("/calendar", response={200: list[CalendarOut], **READ}, auth=API_WRITE)
@cached_read(*READS)
def list_calendars(request: HttpRequest) -> list[dict[str, Any]]:
    """The compliance calendar, newest year first."""
    require(request.user, perm_for(ComplianceCalendar, "view"))
    return [_calendar_out(item) for item in selectors.calendars(request.user)]


@router.get("/calendar/{year}", response={200: CalendarOut, **READ}, auth=API_WRITE)
@cached_read(*READS)
def get_calendar(request: HttpRequest, year: int) -> dict[str, Any]:
    return _calendar_out(selectors.calendar(request.user, year))


@router.put("/calendar/{year}", response={200: CalendarOut, **WRITE}, auth=API_WRITE)
def put_calendar(request: HttpRequest, year: int, payload: CalendarIn) -> dict[str, Any]:
    """Set the deadlines of a year (the city office)."""
    item = services.do_set_calendar(
        request.user,
        year,
        monitoring_plan_due=payload.monitoring_plan_due,
        ledger_due_day=payload.ledger_due_day,
        annual_report_due=payload.annual_report_due,
        verification_due=payload.verification_due,
        approval_due=payload.approval_due,
        reminder_days=payload.reminder_days,
        note=payload.note,
    )
    return _calendar_out(item)
