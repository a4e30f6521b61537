"""Verifier organisations: register and change them, their accreditations, performance
entries, sanctions and staff."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from citycarbon.server.common import services as common
from citycarbon.server.common.errors import (
    ConflictError,
    ErrorRecord,
    PermissionDeniedError,
    ValidationFailedError,
)
from citycarbon.server.common.models import RoleAssignment, User
from citycarbon.server.common.selectors import can, perm_for, require
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.mrv.choices import (
    MrvAction,
    MrvRole,
    MrvScopeKind,
    PerformanceKind,
    SanctionKind,
)
from citycarbon.server.mrv.models import (
    Accreditation,
    Enterprise,
    PerformanceEntry,
    Sanction,
    VerifierOrganisation,
    VerifierStaff,
)
from citycarbon.server.mrv.services._common import _check_sectors, _code, _refuse, _text
from citycarbon.server.mrv.services.enterprises import _LIMITS

# --- verifier organisations -------------------------------------------------------------------

VERIFIER_FIELDS = (
    "credit_code",
    "name_zh",
    "name_en",
    "jurisdiction",
    "address",
    "note",
    "illustrative",
)


def _clean_verifier(
    data: Mapping[str, Any], *, creating: bool
) -> tuple[dict[str, Any], list[ErrorRecord]]:
    errors: list[ErrorRecord] = []
    clean: dict[str, Any] = {}
    if creating:
        clean["credit_code"] = _code(data.get("credit_code"), "credit_code", errors)
    clean["name_zh"] = _text(data.get("name_zh"))
    if not clean["name_zh"]:
        errors.append(ErrorRecord(_("A Chinese name is required."), field="name_zh", value=""))
    clean["name_en"] = _text(data.get("name_en"))
    clean["address"] = _text(data.get("address"))
    clean["note"] = _text(data.get("note"))
    for name, limit in _LIMITS.items():
        if len(clean[name]) > limit:
            errors.append(
                ErrorRecord(
                    _("At most %(limit)d characters.") % {"limit": limit},
                    field=name,
                    value=clean[name][:40] + "…",
                )
            )
    code = _text(data.get("jurisdiction"))
    place = Jurisdiction.objects.filter(code=code).first()
    if place is None:
        errors.append(ErrorRecord(_("Unknown jurisdiction."), field="jurisdiction", value=code))
    clean["jurisdiction"] = place
    clean["illustrative"] = bool(data.get("illustrative", False))
    return clean, errors


def do_create_verifier(actor: User | None, data: Mapping[str, Any]) -> VerifierOrganisation:
    """Put a verifier organisation on the list the jurisdiction keeps."""
    require(actor, perm_for(VerifierOrganisation, "add"))
    clean, errors = _clean_verifier(data, creating=True)
    if errors:
        raise _refuse(errors)
    item = VerifierOrganisation(**clean, created_by=actor)
    require(actor, perm_for(VerifierOrganisation, "add"), item)
    with transaction.atomic():
        if VerifierOrganisation.objects.filter(credit_code=clean["credit_code"]).exists():
            raise ConflictError(
                _("A verifier organisation with this credit code is on the list already."),
                field="credit_code",
                value=clean["credit_code"],
            )
        item.save()
        common.record_event(
            actor=actor, action=MrvAction.VERIFIER_CREATE, obj=item, after=common.snapshot(item)
        )
    return item


def do_update_verifier(
    actor: User | None, item: VerifierOrganisation, changes: Mapping[str, Any]
) -> VerifierOrganisation:
    """Change an organisation's names, address, note (the credit code never changes)."""
    allowed = set(VERIFIER_FIELDS) - {"credit_code"}
    for name in changes:
        if name not in allowed:
            raise ValidationFailedError(
                _("This field cannot be changed."), field=name, value=changes[name]
            )
    require(actor, perm_for(VerifierOrganisation, "change"), item)
    with transaction.atomic():
        locked = VerifierOrganisation.objects.select_for_update().get(pk=item.pk)
        current: dict[str, Any] = {
            name: getattr(locked, name) for name in allowed if name != "jurisdiction"
        }
        current["jurisdiction"] = locked.jurisdiction.code
        current.update(changes)
        clean, errors = _clean_verifier(current, creating=False)
        if errors:
            raise _refuse(errors)
        before = common.snapshot(locked)
        for name, value in clean.items():
            setattr(locked, name, value)
        if actor is not None and not can(actor, perm_for(VerifierOrganisation, "change"), locked):
            raise PermissionDeniedError()
        after = common.snapshot(locked)
        if before == after:
            return locked
        locked.save()
        common.record_event(
            actor=actor, action=MrvAction.VERIFIER_UPDATE, obj=locked, before=before, after=after
        )
    return locked


def _dates(
    start: Any,
    end: Any,
    start_name: str,
    end_name: str,
    errors: list[ErrorRecord],
    *,
    end_required: bool,
) -> None:
    if not isinstance(start, date):
        errors.append(
            ErrorRecord(_("Expected a date (YYYY-MM-DD)."), field=start_name, value=start)
        )
    if (end is None and end_required) or (end is not None and not isinstance(end, date)):
        errors.append(ErrorRecord(_("Expected a date (YYYY-MM-DD)."), field=end_name, value=end))
    elif isinstance(start, date) and isinstance(end, date) and end < start:
        errors.append(
            ErrorRecord(
                _("The end date is before the start date."), field=end_name, value=end.isoformat()
            )
        )


def _add_child(
    actor: User | None,
    organisation: VerifierOrganisation,
    model: type[Any],
    action: str,
    fields: Mapping[str, Any],
    reason: str = "",
    **stamp: Any,
) -> Any:
    """Append a record to the organisation (idempotent: the same record again is returned)."""
    require(actor, perm_for(model, "add"), model(organisation=organisation))
    with transaction.atomic():
        locked = VerifierOrganisation.objects.select_for_update().get(pk=organisation.pk)
        found = model.objects.filter(organisation=locked, **fields).first()
        if found is not None:
            return found
        record = model.objects.create(organisation=locked, **fields, **stamp)
        common.record_event(
            actor=actor,
            action=action,
            obj=record,
            object_repr=f"{locked.credit_code} · {record}",
            after=common.snapshot(record),
            reason=reason,
        )
    return record


def do_add_accreditation(
    actor: User | None,
    organisation: VerifierOrganisation,
    *,
    reference: str,
    sectors: Sequence[str],
    valid_from: date,
    valid_to: date,
    note: str = "",
) -> Accreditation:
    """Record an accreditation: the sector guidelines it covers from ``valid_from`` to
    ``valid_to``."""
    errors: list[ErrorRecord] = []
    reference = reference.strip()
    if not reference or len(reference) > 100:
        errors.append(
            ErrorRecord(
                _("A reference of 1 to 100 characters."), field="reference", value=reference
            )
        )
    clean_sectors = _check_sectors(sectors, "sectors", errors)
    if not clean_sectors and not errors:
        errors.append(
            ErrorRecord(_("Name at least one sector guideline."), field="sectors", value="")
        )
    _dates(valid_from, valid_to, "valid_from", "valid_to", errors, end_required=True)
    if errors:
        raise _refuse(errors)
    return _add_child(
        actor,
        organisation,
        Accreditation,
        MrvAction.ACCREDITATION_ADD,
        {
            "reference": reference,
            "sectors": sorted(clean_sectors),
            "valid_from": valid_from,
            "valid_to": valid_to,
            "note": note.strip(),
        },
        recorded_by=actor,
    )


def do_add_performance(
    actor: User | None,
    organisation: VerifierOrganisation,
    *,
    kind: str,
    occurred_on: date,
    description: str,
    enterprise: Enterprise | None = None,
    reporting_year: int | None = None,
) -> PerformanceEntry:
    """Add an entry to the organisation's performance record (a finding overturned by a spot
    check, a late report …)."""
    errors: list[ErrorRecord] = []
    if kind not in PerformanceKind.values():
        errors.append(
            ErrorRecord(
                _("Unknown kind; expected one of %(values)s.")
                % {"values": ", ".join(PerformanceKind.values())},
                field="kind",
                value=kind,
            )
        )
    if not isinstance(occurred_on, date):
        errors.append(
            ErrorRecord(_("Expected a date (YYYY-MM-DD)."), field="occurred_on", value=occurred_on)
        )
    description = description.strip()
    if not description:
        errors.append(ErrorRecord(_("Describe what happened."), field="description", value=""))
    if reporting_year is not None and not 1990 <= reporting_year <= 2200:
        errors.append(
            ErrorRecord(
                _("Expected a year between 1990 and 2200."),
                field="reporting_year",
                value=reporting_year,
            )
        )
    if errors:
        raise _refuse(errors)
    if enterprise is not None:
        require(actor, perm_for(Enterprise, "view"), enterprise)
    return _add_child(
        actor,
        organisation,
        PerformanceEntry,
        MrvAction.PERFORMANCE_ADD,
        {
            "kind": kind,
            "occurred_on": occurred_on,
            "enterprise": enterprise,
            "reporting_year": reporting_year,
            "description": description,
        },
        recorded_by=actor,
    )


def do_add_sanction(
    actor: User | None,
    organisation: VerifierOrganisation,
    *,
    kind: str,
    effective_from: date,
    reason: str,
    effective_to: date | None = None,
) -> Sanction:
    """Impose a warning, a suspension (until ``effective_to``, or until further notice) or a
    removal from the list (permanent: no end date)."""
    errors: list[ErrorRecord] = []
    if kind not in SanctionKind.values():
        errors.append(
            ErrorRecord(
                _("Unknown kind; expected one of %(values)s.")
                % {"values": ", ".join(SanctionKind.values())},
                field="kind",
                value=kind,
            )
        )
    _dates(
        effective_from, effective_to, "effective_from", "effective_to", errors, end_required=False
    )
    if kind in (SanctionKind.WARNING, SanctionKind.REMOVAL) and effective_to is not None:
        errors.append(
            ErrorRecord(
                _("Only a suspension has an end date."),
                field="effective_to",
                value=str(effective_to),
            )
        )
    reason = reason.strip()
    if not reason:
        errors.append(ErrorRecord(_("Say why the sanction is imposed."), field="reason", value=""))
    if errors:
        raise _refuse(errors)
    return _add_child(
        actor,
        organisation,
        Sanction,
        MrvAction.SANCTION_ADD,
        {
            "kind": kind,
            "effective_from": effective_from,
            "effective_to": effective_to,
            "reason": reason,
        },
        reason=reason,
        decided_by=actor,
    )


def do_add_staff(
    actor: User | None,
    organisation: VerifierOrganisation,
    *,
    name: str,
    joined_on: date,
    user: User | None = None,
    qualification: str = "",
) -> VerifierStaff:
    """Add a qualified person to the organisation's staff; with an account, the account
    holds the verifier role over the organisation from now on. A person with an account is
    on the staff of one organisation at a time."""
    errors: list[ErrorRecord] = []
    name = name.strip()
    if not name or len(name) > 100:
        errors.append(ErrorRecord(_("A name of 1 to 100 characters."), field="name", value=name))
    qualification = qualification.strip()
    if len(qualification) > 200:
        errors.append(
            ErrorRecord(
                _("At most %(limit)d characters.") % {"limit": 200},
                field="qualification",
                value=qualification[:40],
            )
        )
    if not isinstance(joined_on, date):
        errors.append(
            ErrorRecord(_("Expected a date (YYYY-MM-DD)."), field="joined_on", value=joined_on)
        )
    if errors:
        raise _refuse(errors)
    require(actor, perm_for(VerifierStaff, "add"), VerifierStaff(organisation=organisation))
    with transaction.atomic():
        locked = VerifierOrganisation.objects.select_for_update().get(pk=organisation.pk)
        if user is not None:
            current = (
                VerifierStaff.objects.filter(user=user, left_on__isnull=True)
                .select_related("organisation")
                .first()
            )
            if current is not None:
                if current.organisation_id == locked.pk:
                    return current
                raise ConflictError(
                    _("This account is on the staff of %(name)s.")
                    % {"name": current.organisation.name},
                    field="user",
                    value=user.get_username(),
                )
        found = (
            VerifierStaff.objects.filter(
                organisation=locked,
                user__isnull=True,
                name=name,
                joined_on=joined_on,
                left_on__isnull=True,
            ).first()
            if user is None
            else None
        )
        if found is not None:
            return found
        staff = VerifierStaff.objects.create(
            organisation=locked,
            user=user,
            name=name,
            qualification=qualification,
            joined_on=joined_on,
            recorded_by=actor,
        )
        common.record_event(
            actor=actor,
            action=MrvAction.STAFF_ADD,
            obj=staff,
            object_repr=f"{locked.credit_code} · {name}",
            after=common.snapshot(staff),
        )
        if user is not None:
            common.do_assign_role(
                actor,
                user,
                MrvRole.VERIFIER.value,
                MrvScopeKind.VERIFIER_ORGANISATION.value,
                locked.pk,
            )
    return staff


def do_end_staff(actor: User | None, staff: VerifierStaff, left_on: date) -> VerifierStaff:
    """The person left the organisation on ``left_on``; their account loses the verifier role
    over it. Ending it again changes nothing."""
    require(actor, perm_for(VerifierStaff, "change"), staff)
    with transaction.atomic():
        locked = (
            VerifierStaff.objects.select_for_update()
            .select_related("organisation")
            .get(pk=staff.pk)
        )
        require(actor, perm_for(VerifierStaff, "change"), locked)
        if locked.left_on is not None:
            if locked.left_on == left_on:
                return locked
            raise ConflictError(
                _("The person left on %(date)s.") % {"date": locked.left_on.isoformat()},
                field="left_on",
                value=left_on.isoformat(),
            )
        if left_on < locked.joined_on:
            raise ValidationFailedError(
                _("The end date is before the start date."),
                field="left_on",
                value=left_on.isoformat(),
            )
        before = common.snapshot(locked)
        locked.left_on = left_on
        locked.save(update_fields=["left_on"])
        common.record_event(
            actor=actor,
            action=MrvAction.STAFF_END,
            obj=locked,
            object_repr=f"{locked.organisation.credit_code} · {locked.name}",
            before=before,
            after=common.snapshot(locked),
        )
        if locked.user_id is not None:
            for assignment in RoleAssignment.objects.filter(
                user_id=locked.user_id,
                role=MrvRole.VERIFIER.value,
                scope_kind=MrvScopeKind.VERIFIER_ORGANISATION.value,
                scope_id=locked.organisation_id,
            ):
                common.do_revoke_role(actor, assignment)
    return locked
