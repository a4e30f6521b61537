"""The deadlines of a compliance year and where each stands on a day — pure Python.

A compliance calendar (:class:`~citycarbon.server.mrv.models.ComplianceCalendar`) gives, for
the emissions of one year: the monitoring plan's due date, the day of the following month by
which each month's ledger is due, and the due dates of the annual report, the verification and
the approval of the verified emissions, with reminder offsets (days before a due date). This
module turns it into dated deadlines and says, for a day, whether each is done, overdue, due
soon (inside the longest reminder offset), upcoming, or not required of an enterprise that was
not in the register then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

__all__ = ["CalendarDates", "Deadline", "deadlines", "is_required", "reminder_dates", "standing"]

#: The kinds in the order a year's deadlines fall (the values of ``ObligationKind``).
KINDS = ("monitoring_plan", "ledger", "annual_report", "verification", "approval")


@dataclass(frozen=True)
class CalendarDates:
    """A compliance year as plain data."""

    year: int
    monitoring_plan_due: date
    ledger_due_day: int
    annual_report_due: date
    verification_due: date
    approval_due: date
    reminder_days: tuple[int, ...] = ()


@dataclass(frozen=True)
class Deadline:
    """One obligation: its kind, the year (and month, for a ledger) it is about, its due
    date. ``key`` names it for "done" sets: ``ledger:2015-03``, ``annual_report:2015``."""

    kind: str
    year: int
    month: int | None
    due: date

    @property
    def key(self) -> str:
        if self.month is not None:
            return f"{self.kind}:{self.year}-{self.month:02d}"
        return f"{self.kind}:{self.year}"


def _ledger_due(year: int, month: int, day: int) -> date:
    """Day ``day`` of the month after ``month`` of ``year``."""
    return date(year + 1, 1, day) if month == 12 else date(year, month + 1, day)


def deadlines(calendar: CalendarDates) -> list[Deadline]:
    """Every deadline of the year: the plan, twelve ledgers, the report, the verification and
    the approval — by due date (the kind's order breaks ties)."""
    items = [Deadline("monitoring_plan", calendar.year, None, calendar.monitoring_plan_due)]
    items += [
        Deadline(
            "ledger",
            calendar.year,
            month,
            _ledger_due(calendar.year, month, calendar.ledger_due_day),
        )
        for month in range(1, 13)
    ]
    items += [
        Deadline("annual_report", calendar.year, None, calendar.annual_report_due),
        Deadline("verification", calendar.year, None, calendar.verification_due),
        Deadline("approval", calendar.year, None, calendar.approval_due),
    ]
    return sorted(items, key=lambda d: (d.due, KINDS.index(d.kind), d.month or 0))


def reminder_dates(deadline: Deadline, reminder_days: Sequence[int]) -> list[date]:
    """The days on which to remind of the deadline, earliest first."""
    return sorted({date.fromordinal(deadline.due.toordinal() - days) for days in reminder_days})


def is_required(deadline: Deadline, active_from: date | None, active_until: date | None) -> bool:
    """Whether an enterprise in the register from ``active_from`` (``None``: always) until
    ``active_until`` (``None``: still) owes the deadline: nothing for years before it joined;
    after it stopped (closed, merged, split), no ledger of a later month and nothing of a
    later year."""
    if active_from is not None and deadline.year < active_from.year:
        return False
    if active_until is None:
        return True
    if deadline.year > active_until.year:
        return False
    if deadline.month is not None:
        return date(deadline.year, deadline.month, 1) <= active_until
    return True


def standing(
    deadline: Deadline,
    on: date,
    reminder_days: Sequence[int],
    *,
    done: bool = False,
    required: bool = True,
) -> str:
    """``not_required``, ``done``, ``overdue`` (after the due date), ``due_soon`` (at most the
    longest reminder offset before it) or ``upcoming`` (the values of ``Standing``)."""
    if not required:
        return "not_required"
    if done:
        return "done"
    if on > deadline.due:
        return "overdue"
    if (deadline.due - on).days <= max(reminder_days, default=0):
        return "due_soon"
    return "upcoming"
