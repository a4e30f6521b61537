"""The enterprise register: clean an enterprise's fields, create it, change it, change its
status (with the coverage check and the status history)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citycarbon.server.common import services as common
from citycarbon.server.common.errors import (
    ConflictError,
    ErrorRecord,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
)
from citycarbon.server.common.models import User
from citycarbon.server.common.selectors import can, perm_for, require
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.mrv import selectors
from citycarbon.server.mrv.choices import (
    ContactFunction,
    CoverageReason,
    EnterpriseStatus,
    MrvAction,
    MrvRole,
)
from citycarbon.server.mrv.coverage import Thresholds, YearFigures, coverage_problem
from citycarbon.server.mrv.models import (
    Contact,
    Enterprise,
    EnterpriseSector,
    Facility,
    StatusChange,
)
from citycarbon.server.mrv.services._common import _check_sectors, _code, _decimal, _refuse, _text

#: The fields of an enterprise a caller gives (``credit_code`` only when registering it).
ENTERPRISE_FIELDS = (
    "credit_code",
    "name_zh",
    "name_en",
    "jurisdiction",
    "sectors",
    "coverage_reason",
    "coverage_year",
    "coverage_energy_tce",
    "coverage_emissions_tco2e",
    "address",
    "note",
    "illustrative",
)
_LIMITS = {"name_zh": 200, "name_en": 200, "address": 300, "note": 4000}
ENTERPRISE_ROLES = (MrvRole.ENTERPRISE_REPORTER.value, MrvRole.ENTERPRISE_RESPONSIBLE.value)


def clean_enterprise(
    data: Mapping[str, Any],
    *,
    jurisdictions: Mapping[str, Jurisdiction],
    rules: Sequence[Thresholds],
    creating: bool,
    row: int | None = None,
    field_of: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], list[ErrorRecord]]:
    """Check an enterprise's fields (``jurisdiction`` is a code, ``sectors`` a list of ids
    or names); returns the clean values and every problem (``field_of`` renames the fields
    in the problems, e.g. ``enterprises.credit_code`` for a workbook)."""
    names = dict(field_of or {})

    def at(name: str) -> str:
        return names.get(name, name)

    errors: list[ErrorRecord] = []
    clean: dict[str, Any] = {}
    if creating:
        clean["credit_code"] = _code(data.get("credit_code"), at("credit_code"), errors, row)
    name_zh = _text(data.get("name_zh"))
    if not name_zh:
        errors.append(
            ErrorRecord(
                _("A Chinese name is required."), field=at("name_zh"), value=name_zh, row=row
            )
        )
    clean["name_zh"] = name_zh
    clean["name_en"] = _text(data.get("name_en"))
    clean["address"] = _text(data.get("address"))
    clean["note"] = _text(data.get("note"))
    for name, limit in _LIMITS.items():
        if len(clean[name]) > limit:
            errors.append(
                ErrorRecord(
                    _("At most %(limit)d characters.") % {"limit": limit},
                    field=at(name),
                    value=clean[name][:40] + "…",
                    row=row,
                )
            )
    code = _text(data.get("jurisdiction"))
    place = jurisdictions.get(code)
    if place is None:
        errors.append(
            ErrorRecord(_("Unknown jurisdiction."), field=at("jurisdiction"), value=code, row=row)
        )
    clean["jurisdiction"] = place
    given = data.get("sectors") or []
    sectors = _check_sectors(
        given if isinstance(given, (list, tuple)) else [given], at("sectors"), errors, row
    )
    if not sectors and not given:
        errors.append(
            ErrorRecord(
                _("Name at least one sector guideline."), field=at("sectors"), value="", row=row
            )
        )
    clean["sectors"] = sectors
    reason = _text(data.get("coverage_reason"))
    if reason not in CoverageReason.values():
        errors.append(
            ErrorRecord(
                _("Unknown reason; expected one of %(values)s.")
                % {"values": ", ".join(CoverageReason.values())},
                field=at("coverage_reason"),
                value=reason,
                row=row,
            )
        )
    clean["coverage_reason"] = reason
    year = data.get("coverage_year")
    if year is not None and (
        isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2200
    ):
        errors.append(
            ErrorRecord(
                _("Expected a year between 1990 and 2200."),
                field=at("coverage_year"),
                value=year,
                row=row,
            )
        )
        year = None
    clean["coverage_year"] = year
    energy = _decimal(data.get("coverage_energy_tce"), at("coverage_energy_tce"), errors, row)
    emissions = _decimal(
        data.get("coverage_emissions_tco2e"), at("coverage_emissions_tco2e"), errors, row
    )
    clean["coverage_energy_tce"] = energy
    clean["coverage_emissions_tco2e"] = emissions
    if reason in CoverageReason.values() and not errors:
        figures = YearFigures(year, energy, emissions) if year is not None else None
        problem = coverage_problem(reason, figures, rules)
        if problem is not None:
            errors.append(_coverage_error(problem, reason, year, energy, emissions, rules, at, row))
    if reason == CoverageReason.DESIGNATED and not clean["note"]:
        errors.append(
            ErrorRecord(
                _("Say in the note why the office designated the enterprise."),
                field=at("note"),
                value="",
                row=row,
            )
        )
    clean["illustrative"] = bool(data.get("illustrative", False))
    return clean, errors


def _coverage_error(
    problem: str,
    reason: str,
    year: int | None,
    energy: Decimal | None,
    emissions: Decimal | None,
    rules: Sequence[Thresholds],
    at: Any,
    row: int | None,
) -> ErrorRecord:
    from citycarbon.server.mrv.coverage import thresholds_for

    if problem == "year":
        first = min(rule.valid_from_year for rule in rules)
        return ErrorRecord(
            _("Give the year the threshold was reached (%(first)d or later).") % {"first": first},
            field=at("coverage_year"),
            value=year,
            row=row,
        )
    rule = thresholds_for(year or 0, rules)
    assert rule is not None
    if problem == "energy":
        return ErrorRecord(
            _(
                "Energy use of %(value)s tce is below the threshold of %(threshold)s tce "
                "in %(year)d."
            )
            % {
                "value": energy if energy is not None else "—",
                "threshold": rule.energy_tce,
                "year": year,
            },
            field=at("coverage_energy_tce"),
            value=None if energy is None else str(energy),
            row=row,
        )
    return ErrorRecord(
        _(
            "Emissions of %(value)s tCO2e are below the threshold of %(threshold)s tCO2e "
            "in %(year)d."
        )
        % {
            "value": emissions if emissions is not None else "—",
            "threshold": rule.emissions_tco2e,
            "year": year,
        },
        field=at("coverage_emissions_tco2e"),
        value=None if emissions is None else str(emissions),
        row=row,
    )


def enterprise_snapshot(item: Enterprise) -> dict[str, Any]:
    """The enterprise's fields with its sector guidelines."""
    data = common.snapshot(item)
    data["sectors"] = sorted(
        EnterpriseSector.objects.filter(enterprise=item).values_list("sector", flat=True)
    )
    return data


def _jurisdiction_map() -> dict[str, Jurisdiction]:
    return {place.code: place for place in Jurisdiction.objects.all()}


def _facility_errors(
    code: str, name_zh: str, *, row: int | None = None, prefix: str = ""
) -> list[ErrorRecord]:
    errors = []
    if not code or len(code) > 32 or any(c.isspace() for c in code):
        errors.append(
            ErrorRecord(
                _("A facility code is 1 to 32 characters without spaces."),
                field=f"{prefix}code",
                value=code,
                row=row,
            )
        )
    if not name_zh or len(name_zh) > 200:
        errors.append(
            ErrorRecord(
                _("A facility needs a Chinese name of at most 200 characters."),
                field=f"{prefix}name_zh",
                value=name_zh,
                row=row,
            )
        )
    return errors


def _contact_errors(
    data: Mapping[str, Any], *, row: int | None = None, prefix: str = ""
) -> tuple[dict[str, Any], list[ErrorRecord]]:
    errors: list[ErrorRecord] = []
    clean = {
        "function": _text(data.get("function")),
        "name": _text(data.get("name")),
        "phone": _text(data.get("phone")),
        "email": _text(data.get("email")),
    }
    if clean["function"] not in ContactFunction.values():
        errors.append(
            ErrorRecord(
                _("Unknown function; expected one of %(values)s.")
                % {"values": ", ".join(ContactFunction.values())},
                field=f"{prefix}function",
                value=clean["function"],
                row=row,
            )
        )
    if not clean["name"] or len(clean["name"]) > 100:
        errors.append(
            ErrorRecord(
                _("A name of 1 to 100 characters."),
                field=f"{prefix}name",
                value=clean["name"],
                row=row,
            )
        )
    if len(clean["phone"]) > 40:
        errors.append(
            ErrorRecord(
                _("At most %(limit)d characters.") % {"limit": 40},
                field=f"{prefix}phone",
                value=clean["phone"],
                row=row,
            )
        )
    if clean["email"]:
        try:
            validate_email(clean["email"])
            if len(clean["email"]) > 200:
                raise ValidationError("too long")
        except ValidationError:
            errors.append(
                ErrorRecord(
                    _("Enter a valid email address."),
                    field=f"{prefix}email",
                    value=clean["email"],
                    row=row,
                )
            )
    return clean, errors


def _write_enterprise(
    actor: User | None,
    clean: Mapping[str, Any],
    *,
    registered_on: date,
    facilities: Sequence[Mapping[str, str]] = (),
    contacts: Sequence[Mapping[str, str]] = (),
    action: str = MrvAction.ENTERPRISE_CREATE,
    reason: str = "",
) -> Enterprise:
    """Insert a checked enterprise with its sectors, first status and children, and audit it.
    Runs inside the caller's transaction."""
    now = timezone.now()
    fields = {k: v for k, v in clean.items() if k != "sectors"}
    item = Enterprise(
        **fields,
        status=EnterpriseStatus.ACTIVE.value,
        status_since=registered_on,
        created_at=now,
        updated_at=now,
        created_by=actor,
    )
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        raise ConflictError(
            _("An enterprise with this credit code is in the register already."),
            field="credit_code",
            value=clean["credit_code"],
        ) from None
    EnterpriseSector.objects.bulk_create(
        EnterpriseSector(enterprise=item, sector=sector) for sector in clean["sectors"]
    )
    StatusChange.objects.create(
        enterprise=item,
        status=EnterpriseStatus.ACTIVE.value,
        effective_on=registered_on,
        reason=reason,
        recorded_at=now,
        recorded_by=actor,
    )
    Facility.objects.bulk_create(Facility(enterprise=item, **data) for data in facilities)
    Contact.objects.bulk_create(Contact(enterprise=item, **data) for data in contacts)
    after = enterprise_snapshot(item)
    after["facilities"] = [dict(f) for f in facilities]
    after["contacts"] = [dict(c) for c in contacts]
    common.record_event(actor=actor, action=action, obj=item, after=after, reason=reason)
    return item


def do_create_enterprise(
    actor: User | None,
    data: Mapping[str, Any],
    *,
    registered_on: date | None = None,
    facilities: Sequence[Mapping[str, Any]] = (),
    contacts: Sequence[Mapping[str, Any]] = (),
) -> Enterprise:
    """Register an enterprise (its first status ``active`` from ``registered_on``, default
    today) with its facilities and contacts. Refused when its credit code is registered."""
    require(actor, perm_for(Enterprise, "add"))
    clean, errors = clean_enterprise(
        data, jurisdictions=_jurisdiction_map(), rules=selectors.coverage_rules(), creating=True
    )
    seen: set[str] = set()
    facility_rows = []
    for index, facility in enumerate(facilities, start=1):
        code, name_zh = _text(facility.get("code")), _text(facility.get("name_zh"))
        errors += _facility_errors(code, name_zh, row=index, prefix="facilities.")
        if code in seen:
            errors.append(
                ErrorRecord(
                    _("This facility code appears twice."),
                    field="facilities.code",
                    value=code,
                    row=index,
                )
            )
        seen.add(code)
        facility_rows.append(
            {"code": code, "name_zh": name_zh, "name_en": _text(facility.get("name_en"))}
        )
    contact_rows = []
    for index, contact in enumerate(contacts, start=1):
        row, problems = _contact_errors(contact, row=index, prefix="contacts.")
        errors += problems
        contact_rows.append(row)
    if errors:
        raise _refuse(errors)
    require(actor, perm_for(Enterprise, "add"), Enterprise(jurisdiction=clean["jurisdiction"]))
    with transaction.atomic():
        if Enterprise.objects.filter(credit_code=clean["credit_code"]).exists():
            raise ConflictError(
                _("An enterprise with this credit code is in the register already."),
                field="credit_code",
                value=clean["credit_code"],
            )
        return _write_enterprise(
            actor,
            clean,
            registered_on=registered_on or timezone.localdate(),
            facilities=facility_rows,
            contacts=contact_rows,
        )


def _lock(item: Enterprise) -> Enterprise:
    try:
        return Enterprise.objects.select_for_update().get(pk=item.pk)
    except Enterprise.DoesNotExist:
        raise NotFoundError(
            _("Enterprise not found."), field="credit_code", value=item.credit_code
        ) from None


def do_update_enterprise(
    actor: User | None, item: Enterprise, changes: Mapping[str, Any]
) -> Enterprise:
    """Change an enterprise's names, jurisdiction, sector guidelines, coverage, address, note.
    The credit code names the legal entity and never changes. Changing nothing changes
    nothing."""
    allowed = set(ENTERPRISE_FIELDS) - {"credit_code"}
    for name in changes:
        if name not in allowed:
            raise ValidationFailedError(
                _("This field cannot be changed."), field=name, value=changes[name]
            )
    require(actor, perm_for(Enterprise, "change"), item)
    with transaction.atomic():
        locked = _lock(item)
        require(actor, perm_for(Enterprise, "change"), locked)
        before = enterprise_snapshot(locked)
        current: dict[str, Any] = {
            name: getattr(locked, name)
            for name in allowed
            if name not in ("sectors", "jurisdiction")
        }
        current["jurisdiction"] = locked.jurisdiction.code
        current["sectors"] = before["sectors"]
        current.update(changes)
        clean, errors = clean_enterprise(
            current,
            jurisdictions=_jurisdiction_map(),
            rules=selectors.coverage_rules(),
            creating=False,
        )
        if errors:
            raise _refuse(errors)
        for name, value in clean.items():
            if name != "sectors":
                setattr(locked, name, value)
        # The changed enterprise must still lie in the actor's reach (no moving it elsewhere).
        if actor is not None and not can(actor, perm_for(Enterprise, "change"), locked):
            raise PermissionDeniedError()
        sectors_before = before["sectors"]
        if sorted(clean["sectors"]) != sectors_before:
            EnterpriseSector.objects.filter(enterprise=locked).delete()
            EnterpriseSector.objects.bulk_create(
                EnterpriseSector(enterprise=locked, sector=sector) for sector in clean["sectors"]
            )
        after_fields = common.snapshot(locked)
        before_fields = {k: v for k, v in before.items() if k != "sectors"}
        if after_fields == before_fields and sorted(clean["sectors"]) == sectors_before:
            return locked
        locked.updated_at = timezone.now()
        locked.save()
        common.record_event(
            actor=actor,
            action=MrvAction.ENTERPRISE_UPDATE,
            obj=locked,
            before=before,
            after=enterprise_snapshot(locked),
        )
    return locked


def do_change_status(
    actor: User | None,
    item: Enterprise,
    *,
    status: str,
    effective_on: date,
    successors: Sequence[Enterprise] = (),
    reason: str = "",
) -> StatusChange:
    """Record a status change: ``merged`` (into exactly one successor), ``split`` (into one or
    more), ``closed`` or ``active`` (re-opened) — dated no earlier than the last change.
    Repeating the latest change returns it."""
    if status not in EnterpriseStatus.values():
        raise ValidationFailedError(
            _("Unknown status; expected one of %(values)s.")
            % {"values": ", ".join(EnterpriseStatus.values())},
            field="status",
            value=status,
        )
    reason = reason.strip()
    require(actor, perm_for(StatusChange, "add"), StatusChange(enterprise=item))
    successor_ids = sorted({s.pk for s in successors})
    with transaction.atomic():
        locked = _lock(item)
        require(actor, perm_for(StatusChange, "add"), StatusChange(enterprise=locked))
        latest = (
            StatusChange.objects.filter(enterprise=locked).order_by("-effective_on", "-pk").first()
        )
        if (
            latest is not None
            and latest.status == status
            and latest.effective_on == effective_on
            and sorted(latest.successors.values_list("pk", flat=True)) == successor_ids
        ):
            return latest
        errors: list[ErrorRecord] = []
        if status == locked.status:
            errors.append(
                ErrorRecord(
                    _("The enterprise has this status already."), field="status", value=status
                )
            )
        if latest is not None and effective_on < latest.effective_on:
            errors.append(
                ErrorRecord(
                    _("A status change cannot be dated before the last one (%(date)s).")
                    % {"date": latest.effective_on.isoformat()},
                    field="effective_on",
                    value=effective_on.isoformat(),
                )
            )
        if status == EnterpriseStatus.MERGED and len(successor_ids) != 1:
            errors.append(
                ErrorRecord(
                    _("A merger names the one enterprise the unit merged into."),
                    field="successors",
                    value=len(successor_ids),
                )
            )
        if status == EnterpriseStatus.SPLIT and not successor_ids:
            errors.append(
                ErrorRecord(
                    _("A split names the enterprises the unit became."), field="successors", value=0
                )
            )
        if status in (EnterpriseStatus.ACTIVE, EnterpriseStatus.CLOSED) and successor_ids:
            errors.append(
                ErrorRecord(
                    _("Only a merger or a split has successors."),
                    field="successors",
                    value=len(successor_ids),
                )
            )
        if locked.pk in successor_ids:
            errors.append(
                ErrorRecord(
                    _("An enterprise cannot succeed itself."),
                    field="successors",
                    value=locked.credit_code,
                )
            )
        if effective_on > timezone.localdate():
            errors.append(
                ErrorRecord(
                    _("A status change cannot be dated in the future."),
                    field="effective_on",
                    value=effective_on.isoformat(),
                )
            )
        if errors:
            raise _refuse(errors)
        for successor in successors:
            # The successors are named by the actor, who must see them.
            require(actor, perm_for(Enterprise, "view"), successor)
        before = enterprise_snapshot(locked)
        change = StatusChange.objects.create(
            enterprise=locked,
            status=status,
            effective_on=effective_on,
            reason=reason,
            recorded_by=actor,
        )
        change.successors.set(successor_ids)
        locked.status = status
        locked.status_since = effective_on
        locked.updated_at = timezone.now()
        locked.save(update_fields=["status", "status_since", "updated_at"])
        after = enterprise_snapshot(locked)
        after["successors"] = [
            s.credit_code for s in sorted(successors, key=lambda s: s.credit_code)
        ]
        common.record_event(
            actor=actor,
            action=MrvAction.ENTERPRISE_STATUS,
            obj=locked,
            before=before,
            after=after,
            reason=reason,
        )
    return change
