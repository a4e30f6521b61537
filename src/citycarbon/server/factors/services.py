"""The factors app's actions — the only code that writes factor sets and rows.

Lifecycle steps (submit, return, approve, publish, correct) are the common helpers in
``citycarbon.server.common.services``; the factor set adds its checks in
``FactorSet.lifecycle_errors`` and copies its rows into a correction in ``copy_children``.
Every action here is atomic, audited in its transaction, idempotent, and refused before anything
is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from citycarbon.factors import FactorLibrary, default_library
from citycarbon.factors import FactorRow as KernelRow
from citycarbon.server.common import services as common
from citycarbon.server.common.choices import LifecycleState
from citycarbon.server.common.errors import (
    ConflictError,
    ErrorRecord,
    ImmutableRecordError,
    InvalidTransitionError,
    ValidationFailedError,
)
from citycarbon.server.common.models import User
from citycarbon.server.common.selectors import perm_for, require
from citycarbon.server.factors.choices import FactorAction, FactorKind, VerificationStatus
from citycarbon.server.factors.models import FactorRow, FactorSet
from citycarbon.server.factors.selectors import rows_digest
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.units import GASES, UnitError, parse_unit

__all__ = [
    "BUILTIN_NAME",
    "LoadOutcome",
    "clean_row",
    "do_create_set",
    "do_load_library",
    "do_remove_row",
    "do_set_row",
    "kernel_row_data",
]

#: The name of the set that holds the library shipped with citycarbon.
BUILTIN_NAME = "builtin"

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:@+()\-]{0,79}$")
_TOKEN = re.compile(r"^[A-Za-z0-9*][A-Za-z0-9_.:@+()\-]*$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_LIMITS = {
    "parameter": 60,
    "subject": 80,
    "unit": 40,
    "guideline": 60,
    "region": 40,
    "source": 2000,
    "note": 4000,
    "file": 80,
}


def kernel_row_data(row: KernelRow, file: str = "") -> dict[str, Any]:
    """A kernel factor row as the stored row's columns."""
    return {
        "factor_id": row.id,
        "parameter": row.parameter,
        "subject": row.subject,
        "value": format(row.value, "f"),
        "unit": row.unit,
        "gas": row.gas,
        "kind": row.kind,
        "guideline": row.guideline,
        "region": row.region,
        "year_from": row.year_from,
        "year_to": row.year_to,
        "source": row.source,
        "status": row.status,
        "note": row.note,
        "file": file,
    }


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    return "" if value is None else str(value).strip()


def _year(
    data: Mapping[str, Any], name: str, row: int | None, errors: list[ErrorRecord]
) -> int | None:
    raw = data.get(name)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raw = str(raw)
    try:
        year = int(str(raw).strip())
    except ValueError:
        errors.append(ErrorRecord(_("Expected a year."), field=name, value=raw, row=row))
        return None
    if not 1900 <= year <= 2100:
        errors.append(
            ErrorRecord(_("A year between 1900 and 2100."), field=name, value=raw, row=row)
        )
        return None
    return year


def clean_row(
    data: Mapping[str, Any], *, row: int | None = None
) -> tuple[dict[str, Any], list[ErrorRecord]]:
    """Check one factor row; returns its clean columns and every problem (row, field, value)."""
    errors: list[ErrorRecord] = []
    clean: dict[str, Any] = {}
    factor_id = _text(data, "factor_id")
    if not _ID.match(factor_id):
        errors.append(
            ErrorRecord(
                _("A factor id is 1-80 letters, digits and . _ - : @ + ( ), without spaces."),
                field="factor_id",
                value=factor_id,
                row=row,
            )
        )
    clean["factor_id"] = factor_id
    for name in ("parameter", "subject", "guideline", "region"):
        value = _text(data, name) or ("*" if name in ("guideline", "region") else "")
        if not value or not _TOKEN.match(value) or len(value) > _LIMITS[name]:
            errors.append(
                ErrorRecord(
                    _("Expected an identifier of at most %(limit)d characters, without spaces.")
                    % {"limit": _LIMITS[name]},
                    field=name,
                    value=value,
                    row=row,
                )
            )
        clean[name] = value
    value_text = _text(data, "value")
    try:
        number = Decimal(value_text)
        if not number.is_finite():
            raise InvalidOperation
        value_text = format(number, "f")
        if len(value_text) > 40:
            raise InvalidOperation
    except InvalidOperation:
        errors.append(
            ErrorRecord(_("Expected a decimal number."), field="value", value=value_text, row=row)
        )
    clean["value"] = value_text
    unit = _text(data, "unit")
    try:
        if len(unit) > _LIMITS["unit"]:
            raise UnitError(unit)
        parse_unit(unit)
    except (UnitError, ValueError):
        errors.append(ErrorRecord(_("Unknown unit."), field="unit", value=unit, row=row))
    clean["unit"] = unit
    gas = _text(data, "gas")
    if gas and gas not in GASES:
        errors.append(ErrorRecord(_("Unknown gas."), field="gas", value=gas, row=row))
    clean["gas"] = gas
    kind = _text(data, "kind") or FactorKind.DEFAULT.value
    if kind not in FactorKind.values():
        errors.append(
            ErrorRecord(
                _("Unknown kind; expected one of %(kinds)s.")
                % {"kinds": ", ".join(FactorKind.values())},
                field="kind",
                value=kind,
                row=row,
            )
        )
    clean["kind"] = kind
    clean["year_from"] = _year(data, "year_from", row, errors)
    clean["year_to"] = _year(data, "year_to", row, errors)
    if (
        clean["year_from"] is not None
        and clean["year_to"] is not None
        and clean["year_from"] > clean["year_to"]
    ):
        errors.append(
            ErrorRecord(
                _("The last year is before the first."),
                field="year_to",
                value=clean["year_to"],
                row=row,
            )
        )
    source = _text(data, "source")
    if not source:
        errors.append(
            ErrorRecord(
                _("Every factor needs its source (document and table)."), field="source", row=row
            )
        )
    status = _text(data, "status")
    if status not in VerificationStatus.values():
        errors.append(
            ErrorRecord(
                _("Unknown verification status; expected one of %(statuses)s.")
                % {"statuses": ", ".join(VerificationStatus.values())},
                field="status",
                value=status,
                row=row,
            )
        )
    clean["source"] = source
    clean["status"] = status
    clean["note"] = _text(data, "note")
    clean["file"] = _text(data, "file")
    for name in ("source", "note", "file"):
        if len(clean[name]) > _LIMITS[name]:
            errors.append(
                ErrorRecord(
                    _("At most %(limit)d characters.") % {"limit": _LIMITS[name]},
                    field=name,
                    value=clean[name][:40] + "…",
                    row=row,
                )
            )
    return clean, errors


def _refuse(errors: Sequence[ErrorRecord], message: str) -> ValidationFailedError:
    first = errors[0]
    return ValidationFailedError(message, field=first.field, value=first.value, errors=list(errors))


def _clean_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    clean: list[dict[str, Any]] = []
    errors: list[ErrorRecord] = []
    seen: dict[str, int] = {}
    for number, data in enumerate(rows, start=1):
        row, problems = clean_row(data, row=number)
        errors.extend(problems)
        if row["factor_id"] in seen:
            errors.append(
                ErrorRecord(
                    _("This factor id appears twice (first in row %(row)d).")
                    % {"row": seen[row["factor_id"]]},
                    field="factor_id",
                    value=row["factor_id"],
                    row=number,
                )
            )
        else:
            seen[row["factor_id"]] = number
        clean.append(row)
    if errors:
        raise _refuse(
            errors, _("The factor rows have %(count)d problem(s).") % {"count": len(errors)}
        )
    return clean


def _lock_draft(actor: User | None, factor_set: FactorSet) -> FactorSet:
    """The set locked for writing its rows: the actor may change it and it is a draft."""
    locked = FactorSet.objects.select_for_update().get(pk=factor_set.pk)
    require(actor, perm_for(FactorSet, "change"), locked)
    if locked.state == LifecycleState.PUBLISHED:
        raise ImmutableRecordError(
            _("A published factor set cannot be changed; open a correction instead."),
            field="state",
            value=locked.state,
        )
    if locked.state != LifecycleState.DRAFT:
        raise InvalidTransitionError(
            _("Only drafts can be changed."), field="state", value=locked.state
        )
    return locked


def do_create_set(
    actor: User | None,
    *,
    jurisdiction: Jurisdiction,
    name: str,
    title: str,
    description: str = "",
    rows: Iterable[Mapping[str, Any]] = (),
    copy_from: FactorSet | None = None,
) -> FactorSet:
    """A new factor set (a new lineage) as a draft, with ``rows`` or a copy of another set's
    rows. The name must not be used by another set."""
    name = name.strip()
    if not _NAME.match(name):
        raise ValidationFailedError(
            _("A name is 1-40 lower-case letters, digits, hyphens or underscores."),
            field="name",
            value=name,
        )
    if copy_from is not None:
        require(actor, perm_for(FactorSet, "view"), copy_from)
        clean = [row.as_data() for row in copy_from.rows.order_by("pk")]
    else:
        clean = _clean_rows(rows)
    record = FactorSet(
        jurisdiction=jurisdiction, name=name, title=title.strip(), description=description.strip()
    )
    require(actor, perm_for(FactorSet, "add"), record)
    if jurisdiction.parent_id is not None:
        raise ValidationFailedError(
            _("Factor sets are adopted by the city (a jurisdiction at the top of the tree)."),
            field="jurisdiction",
            value=jurisdiction.code,
        )
    if not title.strip():
        raise ValidationFailedError(_("A title is required."), field="title", value=title)
    with transaction.atomic():
        if FactorSet.objects.filter(name=name).exists():
            raise ConflictError(
                _("A factor set of this name exists; open a new version of it instead."),
                field="name",
                value=name,
            )
        created = common.do_create_draft(actor, record)
        _insert(actor, created, clean, origin=copy_from.library_version if copy_from else "")
    return created


def _insert(
    actor: User | None, factor_set: FactorSet, rows: Sequence[Mapping[str, Any]], origin: str
) -> None:
    if not rows:
        return
    FactorRow.objects.bulk_create(
        [FactorRow(factor_set=factor_set, **row) for row in rows], batch_size=500
    )
    common.record_event(
        actor=actor,
        action=FactorAction.LOAD_ROWS,
        obj=factor_set,
        after={"rows": len(rows), "from": origin, "digest": rows_digest(factor_set)},
    )


def do_set_row(actor: User | None, factor_set: FactorSet, data: Mapping[str, Any]) -> FactorRow:
    """Add a row to a draft set, or change the row with the same factor id (e.g. a local grid
    factor with its source). Setting a row to what it is already changes nothing."""
    clean, errors = clean_row(data)
    if errors:
        raise _refuse(errors, errors[0].message)
    with transaction.atomic():
        locked = _lock_draft(actor, factor_set)
        row = FactorRow.objects.filter(factor_set=locked, factor_id=clean["factor_id"]).first()
        if row is None:
            row = FactorRow.objects.create(factor_set=locked, **clean)
            common.record_event(
                actor=actor,
                action=FactorAction.SET_ROW,
                obj=row,
                object_repr=f"{locked} · {row.factor_id}",
                after=common.snapshot(row),
            )
            return row
        before = common.snapshot(row)
        for name, value in clean.items():
            setattr(row, name, value)
        after = common.snapshot(row)
        if before == after:
            return row
        row.save()
        common.record_event(
            actor=actor,
            action=FactorAction.SET_ROW,
            obj=row,
            object_repr=f"{locked} · {row.factor_id}",
            before=before,
            after=after,
        )
    return row


def do_remove_row(actor: User | None, factor_set: FactorSet, factor_id: str) -> None:
    """Remove a row from a draft set (nothing happens when it is not there)."""
    with transaction.atomic():
        locked = _lock_draft(actor, factor_set)
        row = FactorRow.objects.filter(factor_set=locked, factor_id=factor_id).first()
        if row is None:
            return
        before = common.snapshot(row)
        pk = row.pk
        row.delete()
        common.record_event(
            actor=actor,
            action=FactorAction.REMOVE_ROW,
            object_type=FactorRow._meta.label_lower,
            object_id=str(pk),
            object_repr=f"{locked} · {factor_id}",
            before=before,
        )


@dataclass(frozen=True)
class LoadOutcome:
    """What :func:`do_load_library` did: ``created``, ``corrected``, ``unchanged`` or
    ``pending`` (a draft of the set is open; nothing loaded)."""

    factor_set: FactorSet
    outcome: str


def _library_rows(library: FactorLibrary, files: Mapping[str, str]) -> list[dict[str, Any]]:
    return [kernel_row_data(row, files.get(row.id, "")) for row in library.rows]


def _files_of_default_library() -> dict[str, str]:
    """Which CSV of ``citycarbon/factors/data`` each shipped row comes from."""
    package = resources.files("citycarbon.factors") / "data"
    found: dict[str, str] = {}
    for entry in sorted(package.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".csv"):
            text = entry.read_text(encoding="utf-8")
            one = FactorLibrary.from_csv_texts([(entry.name, text)], version=entry.name)
            found.update(dict.fromkeys((row.id for row in one.rows), entry.name))
    return found


def do_load_library(
    actor: User | None,
    *,
    jurisdiction: Jurisdiction,
    library: FactorLibrary | None = None,
    name: str = BUILTIN_NAME,
    title: str = "",
) -> LoadOutcome:
    """Load a kernel factor library (default: the shipped one) as the published set ``name``.

    Idempotent: when the latest version holds the same rows, nothing changes. When the shipped
    library changed (a new release), the latest published version is corrected with the new
    rows and published again, with the reason naming the library version. The steps are the
    common lifecycle services, each audited.
    """
    library = library or default_library()
    files = _files_of_default_library() if library is default_library() else {}
    rows = _clean_rows(_library_rows(library, files))
    title = title or _("Factor library shipped with citycarbon (%(version)s)") % {
        "version": library.version
    }
    with transaction.atomic():
        latest = FactorSet.objects.filter(name=name).order_by("-version").first()
        if latest is None:
            created = do_create_set(
                actor, jurisdiction=jurisdiction, name=name, title=title, rows=rows
            )
            return LoadOutcome(_publish(actor, created), "created")
        if latest.state != LifecycleState.PUBLISHED:
            return LoadOutcome(latest, "pending")
        if rows_digest(latest) == rows_digest(None, rows):
            return LoadOutcome(latest, "unchanged")
        reason = _("The shipped factor library changed (%(version)s).") % {
            "version": library.version
        }
        corrected = common.do_correct(actor, latest, reason, {"title": title})
        locked = _lock_draft(actor, corrected)
        FactorRow.objects.filter(factor_set=locked).delete()
        _insert(actor, locked, rows, origin=library.version)
        return LoadOutcome(_publish(actor, locked), "corrected")


def _publish(actor: User | None, factor_set: FactorSet) -> FactorSet:
    item = common.do_submit(actor, factor_set)
    item = common.do_approve(actor, item)
    return common.do_publish(actor, item)
