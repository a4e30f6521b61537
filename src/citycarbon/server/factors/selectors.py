"""Read queries of the factors app, always scoped to what the user may see, and the
conversion of a stored set into the kernel's :class:`~citycarbon.factors.FactorLibrary`."""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from threading import Lock
from typing import Any, TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet

from citycarbon.factors import FactorLibrary
from citycarbon.factors import FactorRow as KernelRow
from citycarbon.server.common.choices import LifecycleState
from citycarbon.server.common.errors import NotFoundError
from citycarbon.server.common.models import User, VersionedRecord
from citycarbon.server.common.selectors import can, get_visible, perm_for, scoped
from citycarbon.server.factors.models import FactorRow, FactorSet

__all__ = [
    "Comparison",
    "RowFilter",
    "compare_sets",
    "factor_library",
    "factor_row",
    "factor_set",
    "factor_sets",
    "latest_published",
    "lifecycle_actions",
    "row_history",
    "rows_digest",
    "rows_of",
    "versions_of",
]

AnyUser: TypeAlias = User | AnonymousUser | None


def factor_sets(user: AnyUser) -> QuerySet[FactorSet]:
    """Every factor set version the user may see, with its row count, newest version first
    within each name."""
    return (
        scoped(FactorSet.objects.select_related("jurisdiction"), user)
        .annotate(row_count=Count("rows"))
        .order_by("name", "-version")
    )


def factor_set(user: AnyUser, pk: Any) -> FactorSet:
    """One factor set version the user may see (404 otherwise)."""
    return get_visible(
        FactorSet.objects.select_related(
            "jurisdiction", "created_by", "submitted_by", "approved_by", "published_by"
        ),
        user,
        "pk",
        pk,
    )


def versions_of(user: AnyUser, item: FactorSet) -> QuerySet[FactorSet]:
    """The versions of the set's lineage the user may see, newest first."""
    return factor_sets(user).filter(lineage=item.lineage).order_by("-version")


def latest_published(user: AnyUser, name: str | None = None) -> FactorSet | None:
    """The newest published version (of the set ``name``, or of any set)."""
    qs = scoped(FactorSet.objects.all(), user).filter(state=LifecycleState.PUBLISHED)
    if name is not None:
        qs = qs.filter(name=name)
    return qs.order_by("-published_at", "-pk").first()


@dataclass(frozen=True)
class RowFilter:
    """What the row browser filters on (all optional; ``q`` searches id, source and note)."""

    parameter: str = ""
    subject: str = ""
    kind: str = ""
    guideline: str = ""
    status: str = ""
    q: str = ""

    def apply(self, qs: QuerySet[FactorRow]) -> QuerySet[FactorRow]:
        for name in ("parameter", "subject", "kind", "guideline", "status"):
            value = getattr(self, name)
            if value:
                qs = qs.filter(**{name: value})
        if self.q:
            qs = qs.filter(
                Q(factor_id__icontains=self.q)
                | Q(source__icontains=self.q)
                | Q(note__icontains=self.q)
                | Q(subject__icontains=self.q)
            )
        return qs


def rows_of(item: FactorSet, filters: RowFilter | None = None) -> QuerySet[FactorRow]:
    """The rows of a set the caller has already fetched through :func:`factor_set`."""
    qs = FactorRow.objects.filter(factor_set=item).order_by("parameter", "subject", "factor_id")
    return filters.apply(qs) if filters is not None else qs


def row_choices(item: FactorSet) -> dict[str, list[str]]:
    """Distinct values of the filterable columns of a set."""
    qs = FactorRow.objects.filter(factor_set=item)
    return {
        name: [str(v) for v in qs.order_by(name).values_list(name, flat=True).distinct()]
        for name in ("parameter", "kind", "guideline", "status")
    }


def factor_row(item: FactorSet, factor_id: str) -> FactorRow:
    """One row of a visible set, by factor id (404 naming the id)."""
    row = FactorRow.objects.filter(factor_set=item, factor_id=factor_id).first()
    if row is None:
        raise NotFoundError(
            FactorRow._meta.verbose_name.capitalize() + " " + factor_id,
            field="factor_id",
            value=factor_id,
        )
    return row


def row_history(user: AnyUser, item: FactorSet, factor_id: str) -> list[tuple[FactorSet, Any]]:
    """The row ``factor_id`` in every visible version of the set's lineage (``None`` where a
    version does not have it), newest version first."""
    versions = list(versions_of(user, item))
    rows = {
        row.factor_set_id: row
        for row in FactorRow.objects.filter(factor_set__in=versions, factor_id=factor_id)
    }
    return [(version, rows.get(version.pk)) for version in versions]


def lifecycle_actions(user: AnyUser, record: VersionedRecord) -> dict[str, bool]:
    """Which lifecycle steps ``user`` may take on ``record`` now (for the pages' buttons):
    ``change`` (edit the draft), ``submit``, ``return``, ``approve``, ``publish``, ``correct``."""
    model = type(record)
    state = record.state

    def allowed(verb: str) -> bool:
        return can(user, perm_for(model, verb), record)

    corrected = state == LifecycleState.PUBLISHED and (
        model._default_manager.filter(supersedes=record).exists()
    )
    return {
        "change": state == LifecycleState.DRAFT and allowed("change"),
        "submit": state == LifecycleState.DRAFT and allowed("submit"),
        "return": state in (LifecycleState.SUBMITTED, LifecycleState.APPROVED)
        and allowed("approve"),
        "approve": state == LifecycleState.SUBMITTED and allowed("approve"),
        "publish": state == LifecycleState.APPROVED and allowed("publish"),
        "correct": state == LifecycleState.PUBLISHED and not corrected and allowed("correct"),
    }


# --- the kernel's view of a set ------------------------------------------------------------


def _canonical(rows: Iterable[Mapping[str, Any]]) -> list[list[Any]]:
    out = []
    for row in rows:
        data = dict(row)
        data["value"] = format(Decimal(str(data["value"])).normalize(), "f")
        out.append([data.get(name) for name in FactorRow.COLUMNS if name != "file"])
    return sorted(out, key=lambda r: str(r[0]))


_DIGESTS: dict[tuple[str, int], str] = {}


def _key(item: FactorSet) -> tuple[str, int]:
    """A set version's identity for the in-memory caches: its lineage (a random UUID) and
    version — never the primary key, which a database may hand out again."""
    return (str(item.lineage), item.version)


def rows_digest(item: FactorSet | None, rows: Sequence[Mapping[str, Any]] | None = None) -> str:
    """SHA-256 of a set's rows (or of ``rows``) in canonical form: equal digests, equal
    factors. Runs store it to tell whether a draft set changed after they used it. (A
    published set never changes: its digest is kept in memory.)"""
    published = item is not None and rows is None and item.state == LifecycleState.PUBLISHED
    if published and item is not None and _key(item) in _DIGESTS:
        return _DIGESTS[_key(item)]
    if rows is None:
        assert item is not None
        rows = [row.as_data() for row in FactorRow.objects.filter(factor_set=item)]
    text = json.dumps(_canonical(rows), ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if published and item is not None:
        _DIGESTS[_key(item)] = digest
    return digest


def _kernel_row(row: FactorRow) -> KernelRow:
    return KernelRow(
        id=row.factor_id,
        parameter=row.parameter,
        subject=row.subject,
        value=Decimal(row.value),
        unit=row.unit,
        gas=row.gas,
        kind=row.kind,
        guideline=row.guideline,
        region=row.region,
        year_from=row.year_from,
        year_to=row.year_to,
        source=row.source,
        status=row.status,
        note=row.note,
    )


_LIBRARIES: OrderedDict[tuple[str, int], FactorLibrary] = OrderedDict()
_LIBRARIES_LOCK = Lock()
_LIBRARIES_KEPT = 8


def factor_library(item: FactorSet) -> FactorLibrary:
    """The stored set as the kernel's factor library, versioned ``<name>@v<version>``.

    Published sets never change, so their libraries are kept in memory (the last few used);
    a draft is read afresh every time.
    """
    published = item.state == LifecycleState.PUBLISHED
    if published:
        with _LIBRARIES_LOCK:
            cached = _LIBRARIES.get(_key(item))
            if cached is not None:
                _LIBRARIES.move_to_end(_key(item))
                return cached
    rows = tuple(_kernel_row(row) for row in FactorRow.objects.filter(factor_set=item))
    library = FactorLibrary(rows, version=item.library_version)
    if published:
        with _LIBRARIES_LOCK:
            _LIBRARIES[_key(item)] = library
            while len(_LIBRARIES) > _LIBRARIES_KEPT:
                _LIBRARIES.popitem(last=False)
    return library


# --- comparing two versions ----------------------------------------------------------------

#: Columns compared between versions (the file a row was loaded from is not a factor).
COMPARED = tuple(name for name in FactorRow.COLUMNS if name not in ("factor_id", "file"))


@dataclass(frozen=True)
class RowChange:
    """One row that differs: ``added``, ``removed`` or ``changed`` (with the changed columns
    as ``(old, new)``)."""

    factor_id: str
    change: str
    old: FactorRow | None
    new: FactorRow | None
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Comparison:
    old: FactorSet
    new: FactorSet
    changes: list[RowChange]
    unchanged: int

    def count(self, change: str) -> int:
        return sum(1 for item in self.changes if item.change == change)

    @property
    def added(self) -> int:
        return self.count("added")

    @property
    def removed(self) -> int:
        return self.count("removed")

    @property
    def changed(self) -> int:
        return self.count("changed")


def _same(name: str, old: Any, new: Any) -> bool:
    if name == "value":
        return bool(Decimal(str(old)) == Decimal(str(new)))
    return bool(old == new)


def compare_sets(old: FactorSet, new: FactorSet) -> Comparison:
    """Rows added, removed and changed from ``old`` to ``new`` (values compared as numbers:
    ``0.50`` and ``0.5`` are the same factor)."""
    before = {row.factor_id: row for row in FactorRow.objects.filter(factor_set=old)}
    after = {row.factor_id: row for row in FactorRow.objects.filter(factor_set=new)}
    changes: list[RowChange] = []
    unchanged = 0
    for factor_id in sorted(set(before) | set(after)):
        a, b = before.get(factor_id), after.get(factor_id)
        if a is None:
            changes.append(RowChange(factor_id, "added", None, b))
        elif b is None:
            changes.append(RowChange(factor_id, "removed", a, None))
        else:
            fields = {
                name: (getattr(a, name), getattr(b, name))
                for name in COMPARED
                if not _same(name, getattr(a, name), getattr(b, name))
            }
            if fields:
                changes.append(RowChange(factor_id, "changed", a, b, fields))
            else:
                unchanged += 1
    return Comparison(old, new, changes, unchanged)
