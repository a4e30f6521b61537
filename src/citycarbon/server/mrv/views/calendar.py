"""The compliance calendar pages: the years and one year's due dates and standings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from citycarbon.server.common.errors import DomainError
from citycarbon.server.common.selectors import can, has_perm, perm_for, require
from citycarbon.server.mrv import selectors, services
from citycarbon.server.mrv.choices import ObligationKind, Standing
from citycarbon.server.mrv.deadlines import deadlines, reminder_dates, standing
from citycarbon.server.mrv.forms import (
    CalendarForm,
)
from citycarbon.server.mrv.models import (
    ComplianceCalendar,
)
from citycarbon.server.mrv.views._common import _place_errors, _tabs
from citycarbon.server.mrv.views.enterprises import _as_of

# --- the compliance calendar ------------------------------------------------------------------

_KIND_LABELS = dict(ObligationKind.choices())
_STANDING_LABELS = dict(Standing.choices())


def _calendar_initial(item: ComplianceCalendar) -> dict[str, Any]:
    return {
        "year": item.year,
        "monitoring_plan_due": item.monitoring_plan_due,
        "ledger_due_day": item.ledger_due_day,
        "annual_report_due": item.annual_report_due,
        "verification_due": item.verification_due,
        "approval_due": item.approval_due,
        "reminder_days": ", ".join(str(d) for d in item.reminder_days),
        "note": item.note,
    }


def _set_calendar(request: HttpRequest, form: CalendarForm) -> ComplianceCalendar:
    data = dict(form.cleaned_data)
    year = data.pop("year")
    return services.do_set_calendar(request.user, year, **data)


@login_required
@require_http_methods(["GET", "POST"])
def calendar_list(request: HttpRequest) -> HttpResponse:
    """The compliance years; the office sets a year's deadlines here."""
    require(request.user, perm_for(ComplianceCalendar, "view"))
    may_change = has_perm(request.user, perm_for(ComplianceCalendar, "change"))
    form = CalendarForm(request.POST or None)
    status = 200
    if request.method == "POST":
        require(request.user, perm_for(ComplianceCalendar, "change"))
        if form.is_valid():
            try:
                item = _set_calendar(request, form)
            except DomainError as error:
                _place_errors(form, error)
            else:
                messages.success(request, _("The compliance calendar was saved."))
                return redirect("mrv:calendar_detail", item.year)
        status = 400
    return render(
        request,
        "mrv/calendar_list.html",
        {
            "tabs": _tabs(request, "calendar"),
            "items": selectors.calendars(request.user),
            "form": form,
            "may_change": may_change,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def calendar_detail(request: HttpRequest, year: int) -> HttpResponse:
    """A year's deadlines (with where each stands on a day) and, for the office, its form."""
    item = selectors.calendar(request.user, year)
    may_change = can(request.user, perm_for(ComplianceCalendar, "change"), item)
    form = CalendarForm(request.POST or None, initial=_calendar_initial(item))
    status = 200
    if request.method == "POST":
        require(request.user, perm_for(ComplianceCalendar, "change"), item)
        if form.is_valid():
            try:
                _set_calendar(request, form)
            except DomainError as error:
                _place_errors(form, error)
            else:
                messages.success(request, _("The compliance calendar was saved."))
                return redirect("mrv:calendar_detail", form.cleaned_data["year"])
        status = 400
    as_of, on = _as_of(request)
    dates = selectors.calendar_dates(item)
    rows = []
    for deadline in deadlines(dates):
        where = standing(deadline, on, dates.reminder_days)
        rows.append(
            {
                "deadline": deadline,
                "kind": _KIND_LABELS.get(deadline.kind, deadline.kind),
                "standing": where,
                "standing_label": _STANDING_LABELS.get(where, where),
                "reminders": reminder_dates(deadline, dates.reminder_days),
            }
        )
    return render(
        request,
        "mrv/calendar_detail.html",
        {
            "tabs": _tabs(request, "calendar"),
            "item": item,
            "rows": rows,
            "as_of": as_of,
            "on": on,
            "form": form,
            "may_change": may_change,
        },
        status=status,
    )
