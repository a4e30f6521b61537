"""What a user of the compliance cycle has to do next ("my tasks", 待办事项), read in a few
scoped queries for the home page.

- an enterprise's accounts (reporter, responsible person): warnings to acknowledge, ledger
  months and the monitoring plan due or overdue by the compliance calendar, the annual report
  to build, sign off (the responsible person) or submit, the verifier's findings to correct;
- a verifier: the next step of each open verification of its organisation, corrected findings
  to close;
- the office: monitoring plans to approve, submitted reports awaiting a verifier, verified
  figures to approve and approved ones to publish.

Each list holds only what the user may act on: the enterprise's part comes from the user's
enterprise roles (a token that only reads gets none of it), the verifier's and the office's
from the permission of the action (``common.selectors.scoped`` with that permission).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import CharField, Count, Exists, Min, OuterRef, Q, QuerySet, Value

from citycarbon.server.common.choices import LifecycleState
from citycarbon.server.common.selectors import AnyUser, grants_for, scoped
from citycarbon.server.mrv.choices import MrvRole, MrvScopeKind
from citycarbon.server.mrv.deadlines import deadlines, is_required, standing
from citycarbon.server.mrv.models import (
    AnnualReport,
    ComplianceCalendar,
    Disclosure,
    Enterprise,
    LedgerMonth,
    MonitoringPlan,
    NonConformity,
    SignOff,
    StatusChange,
    VerificationAssignment,
)
from citycarbon.server.mrv.selectors.cycle import calendar_dates

__all__ = ["CycleYear", "Task", "awaiting_assignment", "cycle_years", "my_tasks"]

#: The verifier's next step by the verification's state.
NEXT_STEP = {
    "assigned": "plan",
    "planned": "document_review",
    "documents_reviewed": "site_visit",
    "site_visited": "report",
}

#: Standings of a deadline that make it a task.
_PRESSING = ("overdue", "due_soon")


@dataclass(frozen=True)
class Task:
    """One thing to do.

    ``kind``: ``acknowledge`` (``count`` warnings of ``year``-``month``), ``ledger`` (the
    ``months`` of ``year`` not submitted, ``standing`` overdue or due soon by ``due``, the
    earliest), ``plan`` (the year's monitoring plan, ``standing`` by ``due``),
    ``report_build``, ``report_sign_off``, ``report_submit``, ``correct`` (``count`` open
    findings), ``verify`` (``step``: the next step), ``close`` (``count`` corrected findings),
    ``plan_approve``, ``assign``, ``approve``, ``publish``.
    """

    kind: str
    credit_code: str
    name: str
    year: int
    month: int | None = None
    months: tuple[int, ...] = ()
    count: int = 0
    due: date | None = None
    standing: str = ""
    step: str = ""


def _enterprise_grants(user: AnyUser | None) -> tuple[set[int], set[int]]:
    """The enterprises the user reports for, and those it signs off for (writable grants)."""
    reports: set[int] = set()
    signs: set[int] = set()
    for grant in grants_for(user):
        if grant.scope_kind != MrvScopeKind.ENTERPRISE.value:
            continue
        if grant.role in (MrvRole.ENTERPRISE_REPORTER.value, MrvRole.ENTERPRISE_RESPONSIBLE.value):
            if grant.allows("mrv.change_ledgerfinding"):
                reports.add(grant.scope_id)
            if grant.allows("mrv.signoff_annualreport"):
                signs.add(grant.scope_id)
    return reports, signs


def _deadline_tasks(
    enterprises: dict[int, Enterprise],
    on: date,
    months: dict[tuple[int, int, int], str],
    plans: dict[tuple[int, int], set[str]],
    user: AnyUser | None,
) -> list[Task]:
    """Ledger months and plans due soon or overdue by the calendars, not yet done."""
    calendars = list(scoped(ComplianceCalendar.objects.all(), user).order_by("year"))
    if not calendars:
        return []
    joined = dict(
        StatusChange.objects.filter(enterprise_id__in=list(enterprises), status="active")
        .values("enterprise_id")
        .annotate(first=Min("effective_on"))
        .values_list("enterprise_id", "first")
    )
    tasks: list[Task] = []
    for pk, item in sorted(enterprises.items(), key=lambda p: p[1].credit_code):
        until = None if item.is_active else item.status_since
        for entry in calendars:
            dates = calendar_dates(entry)
            late: list[tuple[int, date, str]] = []
            for deadline in deadlines(dates):
                if deadline.kind not in ("ledger", "monitoring_plan"):
                    continue
                if not is_required(deadline, joined.get(pk), until):
                    continue
                if deadline.kind == "ledger":
                    assert deadline.month is not None
                    state = months.get((pk, deadline.year, deadline.month))
                    done = state is not None  # submitted, or pending: acknowledge instead
                else:
                    done = bool(plans.get((pk, deadline.year), set()) & {"approved", "submitted"})
                where = standing(deadline, on, dates.reminder_days, done=done)
                if where not in _PRESSING:
                    continue
                if deadline.kind == "ledger":
                    assert deadline.month is not None
                    late.append((deadline.month, deadline.due, where))
                else:
                    tasks.append(
                        Task("plan", item.credit_code, item.name, deadline.year,
                             due=deadline.due, standing=where)
                    )  # fmt: skip
            if late:
                worst = "overdue" if any(w == "overdue" for _m, _d, w in late) else "due_soon"
                tasks.append(
                    Task("ledger", item.credit_code, item.name, entry.year,
                         months=tuple(m for m, _d, _w in late), due=min(d for _m, d, _w in late),
                         standing=worst)
                )  # fmt: skip
    return tasks


def _enterprise_tasks(user: AnyUser | None, on: date) -> list[Task]:
    reports, signs = _enterprise_grants(user)
    if not reports:
        return []
    enterprises = {e.pk: e for e in scoped(Enterprise.objects.filter(pk__in=sorted(reports)), user)}
    if not enterprises:
        return []
    ids = sorted(enterprises)
    tasks: list[Task] = []
    months: dict[tuple[int, int, int], str] = {}
    submitted: dict[tuple[int, int], int] = defaultdict(int)
    ledger = (
        scoped(LedgerMonth.objects.filter(enterprise_id__in=ids), user)
        .annotate(
            open=Count("findings", filter=Q(findings__acknowledged_at__isnull=True), distinct=True)
        )
        .order_by("enterprise_id", "year", "month")
        .values_list("enterprise_id", "year", "month", "state", "open")
    )
    for pk, year, month, state, open_ in ledger:
        months[(pk, year, month)] = state
        if state == "submitted":
            submitted[(pk, year)] += 1
        elif open_:
            item = enterprises[pk]
            tasks.append(
                Task("acknowledge", item.credit_code, item.name, year, month=month, count=open_)
            )
    plans: dict[tuple[int, int], set[str]] = defaultdict(set)
    for pk, year, state in scoped(
        MonitoringPlan.objects.filter(enterprise_id__in=ids), user
    ).values_list("enterprise_id", "year", "state"):
        plans[(pk, year)].add(state)
    tasks += _deadline_tasks(enterprises, on, months, plans, user)
    latest: dict[tuple[int, int], tuple[int, str, bool]] = {}
    standing_sign_off = SignOff.objects.filter(report=OuterRef("pk"), withdrawn_at__isnull=True)
    for pk, year, version, state, signed in (
        scoped(AnnualReport.objects.filter(enterprise_id__in=ids), user)
        .annotate(signed=Exists(standing_sign_off))
        .order_by("enterprise_id", "year", "version")
        .values_list("enterprise_id", "year", "version", "state", "signed")
    ):
        latest[(pk, year)] = (version, state, signed)
    for (pk, year), count in sorted(submitted.items()):
        if count == 12 and (pk, year) not in latest:
            item = enterprises[pk]
            tasks.append(Task("report_build", item.credit_code, item.name, year))
    for (pk, year), (_version, state, signed) in sorted(latest.items()):
        if state != LifecycleState.DRAFT:
            continue
        item = enterprises[pk]
        if signed:
            tasks.append(Task("report_submit", item.credit_code, item.name, year))
        elif pk in signs:
            tasks.append(Task("report_sign_off", item.credit_code, item.name, year))
    findings = (
        scoped(
            NonConformity.objects.filter(
                assignment__enterprise_id__in=ids, correction="", closed_at__isnull=True
            ),
            user,
            "mrv.correct_nonconformity",
        )
        .values("assignment__enterprise_id", "assignment__year")
        .annotate(n=Count("pk"))
        .order_by("assignment__enterprise_id", "assignment__year")
        .values_list("assignment__enterprise_id", "assignment__year", "n")
    )
    for pk, year, count in findings:
        item = enterprises[pk]
        tasks.append(Task("correct", item.credit_code, item.name, year, count=count))
    return tasks


def _verifier_tasks(user: AnyUser | None) -> list[Task]:
    perm = "mrv.verify_verificationassignment"
    if not any(g.allows(perm) for g in grants_for(user) if g.role == MrvRole.VERIFIER.value):
        return []
    tasks: list[Task] = []
    rows = (
        scoped(VerificationAssignment.objects.select_related("enterprise"), user, perm)
        .filter(Q(state__in=list(NEXT_STEP)))
        .annotate(
            to_close=Count(
                "non_conformities",
                filter=~Q(non_conformities__correction="")
                & Q(non_conformities__closed_at__isnull=True),
            )
        )
        .order_by("year", "enterprise__credit_code", "kind")
    )
    for record in rows:
        item = record.enterprise
        if record.to_close:
            tasks.append(
                Task("close", item.credit_code, item.name, record.year, count=record.to_close,
                     step=record.kind)
            )  # fmt: skip
        tasks.append(
            Task("verify", item.credit_code, item.name, record.year, step=NEXT_STEP[record.state])
        )
    return tasks


def awaiting_assignment(user: AnyUser | None) -> list[AnnualReport]:
    """Submitted annual reports (the latest version of the year) of enterprises the user may
    assign a verifier to, that have no verification yet — oldest year first."""
    primary = VerificationAssignment.objects.filter(
        enterprise=OuterRef("enterprise"), year=OuterRef("year"), kind="primary"
    )
    newer = AnnualReport.objects.filter(
        enterprise=OuterRef("enterprise"), year=OuterRef("year"), version__gt=OuterRef("version")
    )
    reports = scoped(AnnualReport.objects.all(), user, "mrv.add_verificationassignment")
    return list(
        reports.filter(state=LifecycleState.SUBMITTED)
        .exclude(Exists(primary))
        .exclude(Exists(newer))
        .select_related("enterprise")
        .order_by("year", "enterprise__credit_code")
    )


def _office_tasks(user: AnyUser | None) -> list[Task]:
    tasks: list[Task] = []
    plans = scoped(
        MonitoringPlan.objects.select_related("enterprise"), user, "mrv.approve_monitoringplan"
    )
    for record in plans.filter(state=LifecycleState.SUBMITTED).order_by(
        "year", "enterprise__credit_code"
    ):
        item = record.enterprise
        tasks.append(Task("plan_approve", item.credit_code, item.name, record.year))
    for report in awaiting_assignment(user):
        item = report.enterprise
        tasks.append(Task("assign", item.credit_code, item.name, report.year))
    published = Disclosure.objects.filter(assignment=OuterRef("pk"), state="published")
    approve = scoped(
        VerificationAssignment.objects.select_related("enterprise"),
        user,
        "mrv.approve_verificationassignment",
    ).filter(kind="primary", state="reported")
    for record in approve.order_by("year", "enterprise__credit_code"):
        item = record.enterprise
        tasks.append(Task("approve", item.credit_code, item.name, record.year))
    publish = (
        scoped(
            VerificationAssignment.objects.select_related("enterprise"),
            user,
            "mrv.publish_disclosure",
        )
        .filter(kind="primary", state="approved")
        .exclude(Exists(published))
    )
    for record in publish.order_by("year", "enterprise__credit_code"):
        item = record.enterprise
        tasks.append(Task("publish", item.credit_code, item.name, record.year))
    return tasks


def my_tasks(user: AnyUser | None, on: date) -> list[Task]:
    """Everything the user has to do on ``on``: the enterprise's tasks, then the verifier's,
    then the office's (each in the order of the cycle, then year and enterprise)."""
    if user is None or not user.is_authenticated:
        return []
    return [*_enterprise_tasks(user, on), *_verifier_tasks(user), *_office_tasks(user)]


@dataclass(frozen=True)
class CycleYear:
    """What of one year's cycle of an enterprise the user may open: the monitoring plan, the
    monthly ledger (``months`` entered), the annual report, the verification."""

    year: int
    plan: bool = False
    months: int = 0
    report: bool = False
    verification: bool = False


def cycle_years(user: AnyUser | None, item: Enterprise) -> list[CycleYear]:
    """*For a fetched enterprise.* Each year with a plan, ledger month, report or
    verification the user may see, newest first (one query: the four scoped reads counted by
    year and united)."""

    def by_year(qs: QuerySet[Any], kind: str) -> QuerySet[Any]:
        return (
            scoped(qs.filter(enterprise=item), user)
            .order_by()
            .values("year")
            .annotate(kind=Value(kind, output_field=CharField()), n=Count("pk"))
            .values_list("year", "kind", "n")
        )

    parts = [
        by_year(MonitoringPlan.objects.all(), "plan"),
        by_year(LedgerMonth.objects.all(), "ledger"),
        by_year(AnnualReport.objects.all(), "report"),
        by_year(VerificationAssignment.objects.all(), "verification"),
    ]
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for year, kind, count in parts[0].union(*parts[1:], all=True):
        found[year][kind] = count
    return [
        CycleYear(
            year,
            plan="plan" in kinds,
            months=kinds.get("ledger", 0),
            report="report" in kinds,
            verification="verification" in kinds,
        )
        for year, kinds in sorted(found.items(), reverse=True)
    ]
