"""The compliance calendar: the due dates of one jurisdiction-year."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citycarbon.server.common import services as common
from citycarbon.server.common.errors import (
    ErrorRecord,
)
from citycarbon.server.common.models import User
from citycarbon.server.common.selectors import perm_for, require
from citycarbon.server.mrv.choices import (
    MrvAction,
)
from citycarbon.server.mrv.models import (
    ComplianceCalendar,
)
from citycarbon.server.mrv.services._common import _refuse

# --- the compliance calendar ------------------------------------------------------------------

CALENDAR_DATES = ("monitoring_plan_due", "annual_report_due", "verification_due", "approval_due")


def do_set_calendar(
    actor: User | None,
    year: int,
    *,
    monitoring_plan_due: date,
    ledger_due_day: int,
    annual_report_due: date,
    verification_due: date,
    approval_due: date,
    reminder_days: Sequence[int] = (),
    note: str = "",
) -> ComplianceCalendar:
    """Set the deadlines of a year: the report after the year ends, then the verification,
    then the approval; the ledger of each month due on day 1–28 of the next; at most five
    reminder offsets of 0–365 days. Setting it as it is changes nothing."""
    require(actor, perm_for(ComplianceCalendar, "change"))
    errors: list[ErrorRecord] = []
    if isinstance(year, bool) or not 1990 <= year <= 2200:
        errors.append(
            ErrorRecord(_("Expected a year between 1990 and 2200."), field="year", value=year)
        )
    values = {
        "monitoring_plan_due": monitoring_plan_due,
        "annual_report_due": annual_report_due,
        "verification_due": verification_due,
        "approval_due": approval_due,
    }
    for name, value in values.items():
        if not isinstance(value, date):
            errors.append(ErrorRecord(_("Expected a date (YYYY-MM-DD)."), field=name, value=value))
    if isinstance(ledger_due_day, bool) or not 1 <= ledger_due_day <= 28:
        errors.append(
            ErrorRecord(
                _("A day of the month from 1 to 28."), field="ledger_due_day", value=ledger_due_day
            )
        )
    days = list(reminder_days)
    if (
        len(days) > 5
        or any(isinstance(d, bool) or not 0 <= d <= 365 for d in days)
        or len(set(days)) != len(days)
    ):
        errors.append(
            ErrorRecord(
                _("At most five different reminder offsets of 0 to 365 days."),
                field="reminder_days",
                value=", ".join(str(d) for d in days),
            )
        )
    if not errors:
        if annual_report_due <= date(year, 12, 31):
            errors.append(
                ErrorRecord(
                    _("The annual report falls due after the year ends."),
                    field="annual_report_due",
                    value=annual_report_due.isoformat(),
                )
            )
        if monitoring_plan_due > annual_report_due:
            errors.append(
                ErrorRecord(
                    _("The monitoring plan falls due before the annual report."),
                    field="monitoring_plan_due",
                    value=monitoring_plan_due.isoformat(),
                )
            )
        if verification_due < annual_report_due:
            errors.append(
                ErrorRecord(
                    _("The verification falls due after the annual report."),
                    field="verification_due",
                    value=verification_due.isoformat(),
                )
            )
        if approval_due < verification_due:
            errors.append(
                ErrorRecord(
                    _("The approval falls due after the verification."),
                    field="approval_due",
                    value=approval_due.isoformat(),
                )
            )
    note = note.strip()
    if len(note) > 500:
        errors.append(
            ErrorRecord(
                _("At most %(limit)d characters.") % {"limit": 500}, field="note", value=note[:40]
            )
        )
    if errors:
        raise _refuse(errors)
    fields = {
        **values,
        "ledger_due_day": ledger_due_day,
        "reminder_days": sorted(days, reverse=True),
        "note": note,
    }
    with transaction.atomic():
        found = ComplianceCalendar.objects.select_for_update().filter(year=year).first()
        if found is None:
            item = ComplianceCalendar.objects.create(year=year, **fields, updated_by=actor)
            common.record_event(
                actor=actor, action=MrvAction.CALENDAR_SET, obj=item, after=common.snapshot(item)
            )
            return item
        if all(getattr(found, name) == given for name, given in fields.items()):
            return found
        before = common.snapshot(found)
        for name, given in fields.items():
            setattr(found, name, given)
        found.updated_at, found.updated_by = timezone.now(), actor
        found.save()
        common.record_event(
            actor=actor,
            action=MrvAction.CALENDAR_SET,
            obj=found,
            before=before,
            after=common.snapshot(found),
        )
    return found
