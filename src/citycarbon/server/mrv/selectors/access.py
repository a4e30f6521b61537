"""How a verifier organisation's scope reaches the records it verifies.

A ``verifier_organisation`` grant covers the organisation's own records through the models'
``scope_lookups`` (the organisation, its accreditations, staff, assignments …). Through its
assignments it also *reaches* (``common.roles.Reach``) what it must read to verify: for each
enterprise-year it is assigned to — primary verification or spot check — while the assignment
exists and the organisation is neither suspended nor removed from the list on the day:

- the enterprise's register entry (with its facilities, contacts, sector guidelines and status
  history);
- the year's monitoring plan versions, ledger months (their rows, warnings and
  acknowledgements) and annual report versions (with their derivations and sign-offs);
- the enterprise's evidence files uploaded in the year or the year after (files carry no year:
  that is when a year's lab reports and invoices are filed, up to its verification);
- for comparison, the previous year's annual report versions the enterprise submitted (not
  its drafts, nor that year's plan, ledger or evidence).

Nothing of another enterprise or of another year; the role grants only ``view`` (and the
verification's own steps), so all of it is read-only. The reach items are computed once per
request — ``(assignment id, enterprise id, year)`` of each assignment — and every queryset is
limited by one ``EXISTS`` subquery on those assignments (or a plain ``IN`` for the enterprise),
never by a check per row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone

from citycarbon.server.common.choices import LifecycleState
from citycarbon.server.common.roles import Reach
from citycarbon.server.mrv.choices import SanctionKind
from citycarbon.server.mrv.eligibility import SanctionSpan
from citycarbon.server.mrv.models import Sanction, VerificationAssignment

__all__ = ["VERIFIER_REACHES", "assigned_years", "may_read_assignments"]

#: What a verifier organisation's scope reaches: ``(assignment id, enterprise id, year)``.
Assigned = frozenset[tuple[int, int, int]]

_BARRING = (SanctionKind.SUSPENSION.value, SanctionKind.REMOVAL.value)


def may_read_assignments(organisation_id: int, on: date) -> bool:
    """*Unscoped.* Whether the organisation's assignments still open its enterprises' records
    to it on ``on``: not while it is suspended, never again once it is removed from the list
    (``eligibility.SanctionSpan``; warnings do not matter). Accreditation is checked when it
    is assigned and at each step it takes, on the step's day — not for reading its own work."""
    sanctions = Sanction.objects.filter(organisation_id=organisation_id, kind__in=_BARRING)
    return not any(
        SanctionSpan(kind, since, until).in_force_on(on)
        for kind, since, until in sanctions.values_list("kind", "effective_from", "effective_to")
    )


def assigned_years(organisation_id: int) -> Assigned:
    """*Unscoped (the scope registry's reach).* The enterprise-years assigned to the
    organisation (primary or spot check) as ``(assignment id, enterprise id, year)`` — none
    while it may not read them (:func:`may_read_assignments`, today). Two queries."""
    if not may_read_assignments(organisation_id, timezone.localdate()):
        return frozenset()
    return frozenset(
        VerificationAssignment.objects.filter(organisation_id=organisation_id).values_list(
            "pk", "enterprise_id", "year"
        )
    )


def _pairs(items: frozenset[Any]) -> set[tuple[int, int]]:
    return {(enterprise, year) for _pk, enterprise, year in items}


def _assignments(items: frozenset[Any], enterprise: str) -> Any:
    """The reach's assignments of the outer row's enterprise (``enterprise``: its path)."""
    return VerificationAssignment.objects.filter(
        pk__in=sorted(pk for pk, _enterprise, _year in items), enterprise=OuterRef(enterprise)
    )


def _follow(obj: Any, path: str) -> Any:
    """The attribute at ``path`` (``ledger__year``) of an instance, ``None`` when a hop is."""
    target = obj
    for hop in path.split("__"):
        target = getattr(target, hop, None)
        if target is None:
            return None
    return target


def _enterprise_reach(enterprise: str) -> Reach:
    """Rows of an assigned enterprise, whatever the year (the register entry and its parts);
    ``enterprise`` is the path to the enterprise's id (``""``: the row is the enterprise)."""
    field = f"{enterprise}_id" if enterprise else "pk"

    def rows(items: frozenset[Any]) -> Q:
        return Q(**{f"{field}__in": sorted({e for _pk, e, _year in items})})

    def covers(obj: Any, items: frozenset[Any]) -> bool:
        value = obj.pk if not enterprise else getattr(obj, f"{enterprise}_id", None)
        return value is not None and value in {e for _pk, e, _year in items}

    return Reach(rows=rows, covers=covers)


def _year_reach(prefix: str = "") -> Reach:
    """Rows of an assigned enterprise-year (``prefix``: the path to the row holding
    ``enterprise`` and ``year``, e.g. ``ledger__``). An unsaved probe without a year asks
    about the enterprise (may the user see some of its rows); the query decides the rest."""

    def rows(items: frozenset[Any]) -> Q:
        assigned = _assignments(items, f"{prefix}enterprise")
        return Q(Exists(assigned.filter(year=OuterRef(f"{prefix}year"))))

    def covers(obj: Any, items: frozenset[Any]) -> bool:
        holder = _follow(obj, prefix.removesuffix("__")) if prefix else obj
        if holder is None:
            return False
        enterprise, year = getattr(holder, "enterprise_id", None), getattr(holder, "year", None)
        if year is None:
            return enterprise in {e for _pk, e, _year in items}
        return (enterprise, year) in _pairs(items)

    return Reach(rows=rows, covers=covers)


def _report_reach() -> Reach:
    """The assigned year's report versions, and the previous year's submitted ones."""
    same = _year_reach()

    def rows(items: frozenset[Any]) -> Q:
        following = _assignments(items, "enterprise").filter(year=OuterRef("year") + 1)
        return same.rows(items) | (Q(Exists(following)) & ~Q(state=LifecycleState.DRAFT.value))

    def covers(obj: Any, items: frozenset[Any]) -> bool:
        if same.covers(obj, items):
            return True
        year = getattr(obj, "year", None)
        return (
            year is not None
            and obj.state != LifecycleState.DRAFT.value
            and (obj.enterprise_id, year + 1) in _pairs(items)
        )

    return Reach(rows=rows, covers=covers)


def _evidence_reach() -> Reach:
    """The assigned enterprise's evidence files uploaded in the year or the year after (by
    the local calendar)."""

    def rows(items: frozenset[Any]) -> Q:
        uploaded = ExtractYear(OuterRef("uploaded_at"))
        filed = _assignments(items, "enterprise").filter(Q(year=uploaded) | Q(year=uploaded - 1))
        return Q(Exists(filed))

    def covers(obj: Any, items: frozenset[Any]) -> bool:
        if obj.uploaded_at is None:
            return False
        year = timezone.localtime(obj.uploaded_at).year
        pairs = _pairs(items)
        return (obj.enterprise_id, year) in pairs or (obj.enterprise_id, year - 1) in pairs

    return Reach(rows=rows, covers=covers)


_REACHES: dict[str, Callable[[], Reach]] = {
    "mrv.enterprise": lambda: _enterprise_reach(""),
    "mrv.enterprisesector": lambda: _enterprise_reach("enterprise"),
    "mrv.facility": lambda: _enterprise_reach("enterprise"),
    "mrv.contact": lambda: _enterprise_reach("enterprise"),
    "mrv.statuschange": lambda: _enterprise_reach("enterprise"),
    "mrv.monitoringplan": _year_reach,
    "mrv.ledgermonth": _year_reach,
    "mrv.ledgerentry": lambda: _year_reach("ledger__"),
    "mrv.ledgerfinding": lambda: _year_reach("ledger__"),
    "mrv.annualreport": _report_reach,
    "mrv.signoff": lambda: _year_reach("report__"),
    "mrv.evidencefile": _evidence_reach,
}

#: Model label → how a verifier organisation's scope reaches it (``ScopeKindSpec.reaches``).
VERIFIER_REACHES: dict[str, Reach] = {label: make() for label, make in _REACHES.items()}
