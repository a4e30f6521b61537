"""Reads of the compliance cycle: the calendar and an enterprise's obligations, monitoring plans,
monthly ledgers and evidence, annual reports, verification, disclosure and reconciliation."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from citycarbon.server.common.choices import LifecycleState
from citycarbon.server.common.errors import NotFoundError
from citycarbon.server.common.selectors import AnyUser, can, get_visible, perm_for, scoped
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.inventory import selectors as inventory_selectors
from citycarbon.server.mrv.deadlines import (
    CalendarDates,
    Deadline,
    deadlines,
    is_required,
    reminder_dates,
    standing,
)
from citycarbon.server.mrv.models import (
    AnnualReport,
    ComplianceCalendar,
    Disclosure,
    Enterprise,
    EvidenceFile,
    LedgerEntry,
    LedgerFinding,
    LedgerMonth,
    MonitoringPlan,
    NonConformity,
    SignOff,
    VerificationAssignment,
    VerificationStep,
    VerifiedEmission,
)
from citycarbon.server.mrv.reconcile import (
    UNMAPPED,
    InventoryFigures,
    SectorLine,
    category_code,
    category_name,
    reconcile,
)
from citycarbon.server.mrv.selectors.register import active_span, foreign_enterprise

# --- the compliance calendar ------------------------------------------------------------------


def calendars(user: AnyUser | None) -> QuerySet[ComplianceCalendar]:
    return scoped(ComplianceCalendar.objects.select_related("updated_by"), user).order_by("-year")


def calendar(user: AnyUser | None, year: int) -> ComplianceCalendar:
    return get_visible(ComplianceCalendar.objects.all(), user, "year", year)


def calendar_dates(item: ComplianceCalendar) -> CalendarDates:
    return CalendarDates(
        year=item.year,
        monitoring_plan_due=item.monitoring_plan_due,
        ledger_due_day=item.ledger_due_day,
        annual_report_due=item.annual_report_due,
        verification_due=item.verification_due,
        approval_due=item.approval_due,
        reminder_days=tuple(item.reminder_days),
    )


@dataclass(frozen=True)
class Obligation:
    """A deadline of an enterprise and where it stands on the day asked about."""

    deadline: Deadline
    standing: str
    reminders: tuple[date, ...]
    days_left: int


def done_keys(item: Enterprise, years: Iterable[int]) -> frozenset[str]:
    """*Unscoped.* The deadlines the enterprise has met (``Deadline.key``), read from its
    records: the year's plan approved (``monitoring_plan:2015``), each month's ledger submitted
    with its warnings acknowledged (``ledger:2015-03``), the annual report submitted
    (``annual_report:2015``), the verification reported (``verification:2015``) and its
    figure approved (``approval:2015``)."""
    wanted = sorted(set(years))
    if not wanted:
        return frozenset()
    keys: set[str] = set()
    for year in MonitoringPlan.objects.filter(
        enterprise=item, year__in=wanted, state=LifecycleState.APPROVED
    ).values_list("year", flat=True):
        keys.add(f"monitoring_plan:{year}")
    for year, month in LedgerMonth.objects.filter(
        enterprise=item, year__in=wanted, state="submitted"
    ).values_list("year", "month"):
        keys.add(f"ledger:{year:04d}-{month:02d}")
    for year in AnnualReport.objects.filter(
        enterprise=item, year__in=wanted, state=LifecycleState.SUBMITTED
    ).values_list("year", flat=True):
        keys.add(f"annual_report:{year}")
    for year, state in VerificationAssignment.objects.filter(
        enterprise=item, year__in=wanted, kind="primary", state__in=("reported", "approved")
    ).values_list("year", "state"):
        keys.add(f"verification:{year}")
        if state == "approved":
            keys.add(f"approval:{year}")
    return frozenset(keys)


def obligations(
    user: AnyUser | None, item: Enterprise, on: date, *, year: int | None = None
) -> list[Obligation]:
    """Every deadline of the calendars the user may see (or of ``year``) for a fetched
    enterprise, with where each stands on ``on``, by due date — of the years whose records the
    user may see (a verifier: the years it verifies; checked without a query)."""
    qs = calendars(user)
    if year is not None:
        qs = qs.filter(year=year)
    view = perm_for(MonitoringPlan, "view")
    found = [
        entry
        for entry in qs.order_by("year")
        if can(user, view, MonitoringPlan(enterprise=item, year=entry.year))
    ]
    active_from, active_until = active_span(item)
    done = done_keys(item, [c.year for c in found])
    result: list[Obligation] = []
    for entry in found:
        dates = calendar_dates(entry)
        for deadline in deadlines(dates):
            required = is_required(deadline, active_from, active_until)
            result.append(
                Obligation(
                    deadline=deadline,
                    standing=standing(
                        deadline,
                        on,
                        dates.reminder_days,
                        done=deadline.key in done,
                        required=required,
                    ),
                    reminders=tuple(reminder_dates(deadline, dates.reminder_days)),
                    days_left=(deadline.due - on).days,
                )
            )
    return sorted(result, key=lambda o: (o.deadline.due, o.deadline.key))


def decimal_or_none(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


# --- monitoring plans -------------------------------------------------------------------------


def _plan_base() -> QuerySet[MonitoringPlan]:
    return MonitoringPlan.objects.select_related(
        "enterprise", "created_by", "submitted_by", "approved_by"
    )


def plans_of(user: AnyUser | None, item: Enterprise) -> QuerySet[MonitoringPlan]:
    """Every version of the fetched enterprise's plans the user may see, latest year and
    version first."""
    return scoped(_plan_base().filter(enterprise=item), user).order_by("-year", "-version")


def plan_versions(user: AnyUser | None, item: Enterprise, year: int) -> list[MonitoringPlan]:
    """The versions of one year's plan, newest first."""
    return list(plans_of(user, item).filter(year=year))


def plan(
    user: AnyUser | None, item: Enterprise, year: int, version: int | None = None
) -> MonitoringPlan:
    """The latest version (or ``version``) of the year's plan the user may see (404 else)."""
    qs = plans_of(user, item).filter(year=year)
    if version is not None:
        qs = qs.filter(version=version)
    found = qs.first()
    if found is None:
        raise NotFoundError(
            _("No monitoring plan of %(code)s for %(year)s.")
            % {"code": item.credit_code, "year": year},
            field="year",
            value=year,
        )
    return found


def latest_plan_year(item: Enterprise, year: int) -> MonitoringPlan | None:
    """*Unscoped.* The newest version of the year's plan (for the services' checks)."""
    return MonitoringPlan.objects.filter(enterprise=item, year=year).order_by("-version").first()


# --- the monthly ledger -----------------------------------------------------------------------


def ledger_months(user: AnyUser | None, item: Enterprise, year: int) -> list[LedgerMonth]:
    """The fetched enterprise's ledger months of ``year`` the user may see, by month."""
    qs = LedgerMonth.objects.filter(enterprise=item, year=year).select_related(
        "enterprise", "plan", "entered_by", "submitted_by"
    )
    return list(
        scoped(qs, user)
        .annotate(
            rows=Count("entries", distinct=True),
            pending=Count(
                "findings", filter=Q(findings__acknowledged_at__isnull=True), distinct=True
            ),
        )
        .order_by("month")
    )


def ledger_month(user: AnyUser | None, item: Enterprise, year: int, month: int) -> LedgerMonth:
    """One month's ledger the user may see (404 else)."""
    found = (
        scoped(
            LedgerMonth.objects.select_related("enterprise", "plan", "entered_by", "submitted_by"),
            user,
        )
        .filter(enterprise=item, year=year, month=month)
        .first()
    )
    if found is None:
        raise NotFoundError(
            _("No ledger of %(code)s for %(month)s.")
            % {"code": item.credit_code, "month": f"{year:04d}-{month:02d}"},
            field="month",
            value=f"{year:04d}-{month:02d}",
        )
    return found


def entries_of(month: LedgerMonth) -> QuerySet[LedgerEntry]:
    """The rows of a fetched ledger month."""
    return LedgerEntry.objects.filter(ledger=month).order_by("row")


def findings_of(month: LedgerMonth) -> QuerySet[LedgerFinding]:
    """The warnings of a fetched ledger month, with their acknowledgements."""
    return (
        LedgerFinding.objects.filter(ledger=month)
        .select_related("entry", "acknowledged_by")
        .order_by("pk")
    )


def ledger_finding(user: AnyUser | None, item: Enterprise, pk: int) -> LedgerFinding:
    """One warning of the fetched enterprise's ledger the user may see (404 else)."""
    found = (
        scoped(LedgerFinding.objects.select_related("ledger"), user)
        .filter(ledger__enterprise=item, pk=pk)
        .first()
    )
    if found is None:
        raise NotFoundError(_("No such warning."), field="finding_id", value=pk)
    return found


def evidence_of(user: AnyUser | None, item: Enterprise) -> QuerySet[EvidenceFile]:
    """The fetched enterprise's evidence files the user may see (without their content)."""
    return (
        scoped(EvidenceFile.objects.filter(enterprise=item), user)
        .defer("content")
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-pk")
    )


def evidence_file(user: AnyUser | None, item: Enterprise, pk: int) -> EvidenceFile:
    found = scoped(EvidenceFile.objects.filter(enterprise=item), user).filter(pk=pk).first()
    if found is None:
        raise NotFoundError(_("No such evidence file."), field="evidence_id", value=pk)
    return found


def ledger_months_one(
    user: AnyUser | None, item: Enterprise, year: int, month: int
) -> LedgerMonth | None:
    """The month's ledger the user may see, or ``None``."""
    return (
        scoped(LedgerMonth.objects.select_related("plan", "entered_by", "submitted_by"), user)
        .filter(enterprise=item, year=year, month=month)
        .first()
    )


def approved_plan(user: AnyUser | None, item: Enterprise, year: int) -> MonitoringPlan | None:
    """The latest approved version of the year's plan the user may see, or ``None``."""
    return (
        plans_of(user, item)
        .filter(year=year, state=LifecycleState.APPROVED)
        .order_by("-version")
        .first()
    )


# --- annual reports ---------------------------------------------------------------------------


def reports_of(user: AnyUser | None, item: Enterprise) -> QuerySet[AnnualReport]:
    """Every version of the fetched enterprise's annual reports the user may see, latest year
    and version first."""
    qs = AnnualReport.objects.filter(enterprise=item).select_related(
        "enterprise", "plan", "created_by", "submitted_by"
    )
    return scoped(qs, user).order_by("-year", "-version")


def report(
    user: AnyUser | None, item: Enterprise, year: int, version: int | None = None
) -> AnnualReport:
    """The latest version (or ``version``) of the year's report the user may see (404)."""
    qs = reports_of(user, item).filter(year=year)
    if version is not None:
        qs = qs.filter(version=version)
    found = qs.first()
    if found is None:
        raise NotFoundError(
            _("No annual report of %(code)s for %(year)s.")
            % {"code": item.credit_code, "year": year},
            field="year",
            value=year,
        )
    return found


def sign_offs_of(record: AnnualReport) -> QuerySet[SignOff]:
    """The sign-offs of a fetched report version, newest first."""
    return (
        SignOff.objects.filter(report=record)
        .select_related("signed_by", "withdrawn_by")
        .order_by("-signed_at", "-pk")
    )


# --- verification -----------------------------------------------------------------------------


def verifications(
    user: AnyUser | None, year: int | None = None
) -> QuerySet[VerificationAssignment]:
    """The verifications the user may see (a verifier: its organisation's), by year and
    enterprise."""
    qs = VerificationAssignment.objects.select_related(
        "enterprise",
        "organisation",
        "report",
        "report__plan",
        "assigned_by",
        "reported_by",
        "approved_by",
    )
    if year is not None:
        qs = qs.filter(year=year)
    return scoped(qs, user).order_by("-year", "enterprise__credit_code", "kind")


def verification_summaries(
    user: AnyUser | None, year: int | None = None
) -> QuerySet[VerificationAssignment]:
    """:func:`verifications` with only what a list shows read along (the enterprise and the
    organisation; not the report and its figures)."""
    return (
        verifications(user, year)
        .select_related(None)
        .select_related("enterprise", "organisation")
        .order_by("-year", "enterprise__credit_code", "kind", "pk")
    )


def verification_of(
    user: AnyUser | None, credit_code: str, year: int
) -> list[VerificationAssignment]:
    """The verifications (primary, spot check) of an enterprise's year the user may see;
    404 when none."""
    found = list(verifications(user, year).filter(enterprise__credit_code=credit_code))
    if not found:
        error = no_verification(credit_code, year)
        attempt = foreign_enterprise(user, credit_code)
        if attempt is not None:
            error.attempting(attempt)  # another enterprise's: audited
        raise error
    return found


def no_verification(credit_code: str, year: int) -> NotFoundError:
    """The refusal of an enterprise-year's verification that does not exist or that the user
    may not see — the same answer, naming what was asked for (never a row's id)."""
    return NotFoundError(
        _("No verification of %(code)s for %(year)s.") % {"code": credit_code, "year": year},
        field="year",
        value=year,
    )


def steps_of(record: VerificationAssignment) -> QuerySet[VerificationStep]:
    return VerificationStep.objects.filter(assignment=record).select_related("recorded_by")


def non_conformities_of(record: VerificationAssignment) -> QuerySet[NonConformity]:
    return NonConformity.objects.filter(assignment=record).select_related(
        "raised_by", "corrected_by", "closed_by"
    )


def verified_of(record: VerificationAssignment) -> QuerySet[VerifiedEmission]:
    return VerifiedEmission.objects.filter(assignment=record).order_by("source")


@dataclass(frozen=True)
class VerificationParts:
    """What a verification shows besides its own row: its steps, its findings, its verified
    emissions by source, and the acknowledged warnings of its enterprise-year's ledger."""

    steps: list[VerificationStep]
    non_conformities: list[NonConformity]
    verified: list[VerifiedEmission]
    acknowledgements: list[LedgerFinding]


def verification_parts(
    records: Sequence[VerificationAssignment],
) -> dict[int, VerificationParts]:
    """*Unscoped (the caller fetched the records).* The parts of each record (by its id), in
    three queries for all of them plus one per enterprise-year (a primary verification and its
    spot check share theirs) — not four per record."""
    ids = [record.pk for record in records]
    steps: dict[int, list[VerificationStep]] = {pk: [] for pk in ids}
    for step in VerificationStep.objects.filter(assignment__in=ids).select_related("recorded_by"):
        steps[step.assignment_id].append(step)
    findings: dict[int, list[NonConformity]] = {pk: [] for pk in ids}
    for finding in NonConformity.objects.filter(assignment__in=ids).select_related(
        "raised_by", "corrected_by", "closed_by"
    ):
        findings[finding.assignment_id].append(finding)
    verified: dict[int, list[VerifiedEmission]] = {pk: [] for pk in ids}
    for figure in VerifiedEmission.objects.filter(assignment__in=ids).order_by(
        "assignment", "source"
    ):
        verified[figure.assignment_id].append(figure)
    acknowledged: dict[tuple[int, int], list[LedgerFinding]] = {}
    for record in records:
        where = (record.enterprise_id, record.year)
        if where not in acknowledged:
            acknowledged[where] = list(acknowledgements_of(record.enterprise, record.year))
    return {
        record.pk: VerificationParts(
            steps=steps[record.pk],
            non_conformities=findings[record.pk],
            verified=verified[record.pk],
            acknowledgements=acknowledged[(record.enterprise_id, record.year)],
        )
        for record in records
    }


def acknowledgements_of(item: Enterprise, year: int) -> QuerySet[LedgerFinding]:
    """*Unscoped (the caller fetched the verification).* The year's acknowledged warnings,
    which the verifier and the office see."""
    return (
        LedgerFinding.objects.filter(ledger__enterprise=item, ledger__year=year)
        .select_related("ledger", "entry", "acknowledged_by")
        .order_by("ledger__month", "pk")
    )


# --- disclosure and reconciliation ------------------------------------------------------------


def disclosures(user: AnyUser | None, year: int | None = None) -> QuerySet[Disclosure]:
    """The disclosures the user may see (the public: published ones), by year and enterprise."""
    qs = Disclosure.objects.select_related("enterprise", "enterprise__jurisdiction")
    if year is not None:
        qs = qs.filter(year=year)
    return scoped(qs, user).order_by("-year", "enterprise__credit_code", "-version")


def disclosure_table(user: AnyUser | None, year: int | None = None) -> list[dict[str, Any]]:
    """Each enterprise's published figure of the year (or the latest) with its sector and
    trend: every year's figure the user may see, oldest first."""
    rows = list(disclosures(user))
    series: dict[int, dict[int, Decimal]] = {}
    for row in rows:
        series.setdefault(row.enterprise_id, {}).setdefault(row.year, row.tco2e)
    chosen: dict[int, Disclosure] = {}
    for row in rows:
        if year is not None and row.year != year:
            continue
        chosen.setdefault(row.enterprise_id, row)
    out = []
    for row in sorted(chosen.values(), key=lambda r: (r.sector, r.enterprise.credit_code)):
        trend = sorted(series[row.enterprise_id].items())
        previous = [v for y, v in trend if y < row.year]
        out.append(
            {
                "item": row,
                "trend": trend,
                "change": None
                if not previous or previous[-1] == 0
                else (row.tco2e - previous[-1]) / previous[-1],
            }
        )
    return out


#: Names of the reconciliation's groups that are not inventory sectors, and of its category
#: keys that are not inventory categories.
_GROUP_NAMES = {
    "indirect": gettext_lazy("Indirect (purchased and exported electricity and heat)"),
    "memo": gettext_lazy("Memo (biogenic CO2, outside the totals)"),
    "recovered": gettext_lazy("Recovered CO2 and CH4 (deducted)"),
    "other": gettext_lazy("Other (no inventory sector)"),
}
_CATEGORY_NAMES = {
    UNMAPPED: gettext_lazy("No inventory category"),
    "biogenic_co2": gettext_lazy("Biogenic CO2 of biomass burnt"),
    "recovered": gettext_lazy("CO2 and CH4 recovered"),
}


def _category_label(key: str) -> str:
    names = category_name(key)
    if names is None:
        return str(_CATEGORY_NAMES.get(key, key))
    zh, en = names
    return zh if (get_language() or "zh-hans").startswith("zh") else en


def _reconciliation_rows(lines: list[SectorLine]) -> list[dict[str, Any]]:
    """The lines with their names in the active language (the inventory's sector and
    category names) and the categories' IPCC codes."""
    return [
        {
            "line": line,
            "name": str(_GROUP_NAMES[line.sector])
            if line.sector in _GROUP_NAMES
            else inventory_selectors.sector_name(line.sector),
            "categories": [
                {"line": c, "name": _category_label(c.category), "code": category_code(c.category)}
                for c in line.categories
            ],
        }
        for line in lines
    ]


def reconciliation(user: AnyUser | None, root: Jurisdiction, year: int) -> list[dict[str, Any]]:
    """For the jurisdiction and each of its sub-jurisdictions: the enterprises' approved
    verified emissions by source (with the sector guideline of their report), against the
    inventory's direct emissions of that year by sector and category, as
    :func:`reconcile.reconcile` lines (``lines``) and as named rows (``rows``).

    The current compilations of every jurisdiction are read in one query
    (``inventory.selectors.current_runs_of_year``), their category totals from the summaries
    (``category_figures``: one query more for compilations made before the summary kept
    them)."""
    places = [root, *Jurisdiction.objects.filter(parent=root).order_by("sort_order", "code")]
    verified_rows = (
        scoped(VerifiedEmission.objects.all(), user)
        .filter(
            assignment__year=year,
            assignment__kind="primary",
            assignment__state="approved",
        )
        .values_list(
            "assignment__enterprise__jurisdiction_id",
            "assignment__enterprise__credit_code",
            "source",
            "assignment__report__sector",
            "tco2e",
        )
    )
    by_place: dict[int, list[tuple[str, str, str, Decimal]]] = {}
    for place_id, code, source, guideline, tco2e in verified_rows:
        by_place.setdefault(place_id, []).append((code, source, guideline or "", tco2e))
    current = inventory_selectors.current_runs_of_year(user, places, year)
    figures = inventory_selectors.category_figures(current.values())
    out = []
    for place in places:
        mine = list(by_place.get(place.pk, []))
        if place.pk == root.pk:  # the root sums its sub-jurisdictions' enterprises as well
            for other in places[1:]:
                mine += by_place.get(other.pk, [])
        run = current.get(place.pk)
        inventory = None
        if run is not None:
            by_sector = (run.summary or {}).get("by_sector_tco2e") or {}
            by_category, by_subcategory = figures[run.pk]
            inventory = InventoryFigures(
                by_sector={k: float(v) for k, v in by_sector.items()},
                by_category=by_category,
                by_subcategory=by_subcategory,
            )
        lines = reconcile(mine, inventory)
        out.append(
            {
                "jurisdiction": place,
                "run": run,
                "lines": lines,
                "rows": _reconciliation_rows(lines),
            }
        )
    return out


def reconciliation_root(code: str) -> Jurisdiction:
    """*Unscoped (a jurisdiction's code and name are public; the figures are scoped).* The
    jurisdiction to reconcile, by code (404 else)."""
    found = Jurisdiction.objects.filter(code=code).first()
    if found is None:
        raise NotFoundError(_("No such jurisdiction."), field="jurisdiction", value=code)
    return found
