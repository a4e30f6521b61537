"""The MRV app's actions — the only code that writes the register, the screening, the
verifier list and the compliance calendar.

Each ``do_*`` checks the permission first, checks every input (all problems of a batch at
once, named by row, field and value), locks what it changes, writes, and records its audit
event in the same transaction. Repeating an action changes nothing and writes no second event.
A refused action writes nothing.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from citycarbon.accounting.monitoring import LedgerRow
from citycarbon.server.common import services as common
from citycarbon.server.common.choices import LifecycleState
from citycarbon.server.common.errors import (
    ConflictError,
    DomainError,
    ErrorRecord,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
)
from citycarbon.server.common.models import RoleAssignment, User
from citycarbon.server.common.selectors import can, perm_for, require
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.mrv import ledger, plans, reports, selectors
from citycarbon.server.mrv.choices import (
    AssignmentKind,
    AssignmentMethod,
    ContactFunction,
    CoverageReason,
    Decision,
    EnterpriseStatus,
    LedgerState,
    MrvAction,
    MrvRole,
    MrvScopeKind,
    Opinion,
    PerformanceKind,
    SanctionKind,
    VerificationState,
    VerificationStepKind,
)
from citycarbon.server.mrv.coverage import Thresholds, YearFigures, coverage_problem, crossings
from citycarbon.server.mrv.creditcode import credit_code_problem, normalise
from citycarbon.server.mrv.messages import credit_code_message, refusal_message
from citycarbon.server.mrv.models import (
    Accreditation,
    AdvisoryRelation,
    AnnualReport,
    ComplianceCalendar,
    Contact,
    CoverageRule,
    Disclosure,
    Enterprise,
    EnterpriseSector,
    EvidenceFile,
    Facility,
    IdempotencyRecord,
    LedgerEntry,
    LedgerFinding,
    LedgerMonth,
    MonitoringPlan,
    NonConformity,
    PerformanceEntry,
    Sanction,
    ScreeningProposal,
    ScreeningRun,
    SignOff,
    StatusChange,
    VerificationAssignment,
    VerificationStep,
    VerifiedEmission,
    VerifierOrganisation,
    VerifierStaff,
)
from citycarbon.server.mrv.workbook import (
    ENTERPRISE_SHEETS,
    REQUIRED,
    SCREENING_SHEETS,
    SheetRow,
    parse_code_text,
    parse_date,
    parse_decimal,
    parse_sectors,
    parse_text,
    parse_year,
    read_sheets,
)

__all__ = [
    "ENTERPRISE_FIELDS",
    "ImportResult",
    "ScreeningRow",
    "assignment_refusals",
    "clean_enterprise",
    "do_accept_proposal",
    "do_acknowledge_finding",
    "do_add_accreditation",
    "do_add_advisory",
    "do_add_contact",
    "do_add_performance",
    "do_add_sanction",
    "do_add_staff",
    "do_approve_plan",
    "do_approve_verification",
    "do_assign_enterprise_role",
    "do_assign_verifier",
    "do_build_report",
    "do_change_status",
    "do_close_non_conformity",
    "do_correct_non_conformity",
    "do_correct_report",
    "do_create_enterprise",
    "do_create_verifier",
    "do_draw_spot_checks",
    "do_end_staff",
    "do_import_enterprises",
    "do_import_ledger",
    "do_import_plan",
    "do_import_screening",
    "do_publish_disclosure",
    "do_push_ledger",
    "do_raise_non_conformity",
    "do_reject_proposal",
    "do_remove_contact",
    "do_remove_facility",
    "do_return_plan",
    "do_revise_plan",
    "do_run_screening",
    "do_save_plan",
    "do_set_calendar",
    "do_set_coverage_rule",
    "do_set_facility",
    "do_sign_off",
    "do_submit_ledger",
    "do_submit_plan",
    "do_submit_report",
    "do_update_contact",
    "do_update_enterprise",
    "do_update_verifier",
    "do_upload_evidence",
    "do_verification_report",
    "do_verification_step",
    "do_withdraw_sign_off",
    "enterprise_snapshot",
    "verifier_assignment",
]

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


def _refuse(errors: Sequence[ErrorRecord], message: str | None = None) -> ValidationFailedError:
    first = errors[0]
    if message is None:
        message = (
            first.message
            if len(errors) == 1
            else _("%(count)d problem(s); nothing was written.") % {"count": len(errors)}
        )
    return ValidationFailedError(message, field=first.field, value=first.value, errors=list(errors))


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _decimal(
    value: Any, name: str, errors: list[ErrorRecord], row: int | None = None
) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).strip())
        if not number.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        errors.append(ErrorRecord(_("Expected a number."), field=name, value=value, row=row))
        return None
    if number < 0:
        errors.append(
            ErrorRecord(_("A quantity cannot be negative."), field=name, value=str(value), row=row)
        )
        return None
    exact = _exact(number)
    if exact is None:
        errors.append(
            ErrorRecord(
                _("At most 12 digits before the point and 3 after it."),
                field=name,
                value=str(value),
                row=row,
            )
        )
    return exact


def _exact(number: Decimal) -> Decimal | None:
    """``number`` with exactly three decimals (as stored), or ``None`` when it has more
    digits than the register keeps."""
    if abs(number) >= Decimal(10) ** 12:
        return None
    exact = number.quantize(Decimal("0.001"))
    return exact if exact == number else None


def _sector_spellings() -> dict[str, str]:
    """Every accepted spelling of a sector guideline → its id."""
    from citycarbon.accounting.sectors import sectors

    known: dict[str, str] = {}
    for key, item in sectors().items():
        for spelling in (key, item.name_zh, item.name_en, item.name_en.lower()):
            known[spelling] = key
    return known


def _check_sectors(
    values: Iterable[Any], name: str, errors: list[ErrorRecord], row: int | None = None
) -> list[str]:
    known = _sector_spellings()
    found: list[str] = []
    for value in values:
        key = known.get(_text(value))
        if key is None:
            errors.append(
                ErrorRecord(_("Unknown sector guideline."), field=name, value=value, row=row)
            )
        elif key not in found:
            found.append(key)
    return found


def _code(value: Any, name: str, errors: list[ErrorRecord], row: int | None = None) -> str:
    code = normalise(_text(value))
    problem = credit_code_problem(code)
    if problem is not None:
        errors.append(
            ErrorRecord(str(credit_code_message(problem)), field=name, value=value, row=row)
        )
    return code


# --- the register -----------------------------------------------------------------------------


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


# --- facilities and contacts ------------------------------------------------------------------


def _lock_for_change(actor: User | None, item: Enterprise) -> Enterprise:
    require(actor, perm_for(Enterprise, "change"), item)
    locked = _lock(item)
    require(actor, perm_for(Enterprise, "change"), locked)
    return locked


def do_set_facility(
    actor: User | None, item: Enterprise, *, code: str, name_zh: str, name_en: str = ""
) -> Facility:
    """Add the facility ``code`` or change its names (setting it as it is changes nothing)."""
    code, name_zh, name_en = code.strip(), name_zh.strip(), name_en.strip()
    errors = _facility_errors(code, name_zh)
    if len(name_en) > 200:
        errors.append(
            ErrorRecord(
                _("At most %(limit)d characters.") % {"limit": 200},
                field="name_en",
                value=name_en[:40],
            )
        )
    if errors:
        raise _refuse(errors)
    with transaction.atomic():
        locked = _lock_for_change(actor, item)
        found = Facility.objects.filter(enterprise=locked, code=code).first()
        if found is None:
            found = Facility.objects.create(
                enterprise=locked, code=code, name_zh=name_zh, name_en=name_en
            )
            common.record_event(
                actor=actor,
                action=MrvAction.FACILITY_SET,
                obj=found,
                object_repr=f"{locked.credit_code} · {code}",
                after=common.snapshot(found),
            )
            return found
        before = common.snapshot(found)
        found.name_zh, found.name_en = name_zh, name_en
        after = common.snapshot(found)
        if before == after:
            return found
        found.save()
        common.record_event(
            actor=actor,
            action=MrvAction.FACILITY_SET,
            obj=found,
            object_repr=f"{locked.credit_code} · {code}",
            before=before,
            after=after,
        )
    return found


def do_remove_facility(actor: User | None, item: Enterprise, code: str) -> None:
    """Remove a facility (nothing happens when it is not there)."""
    with transaction.atomic():
        locked = _lock_for_change(actor, item)
        found = Facility.objects.filter(enterprise=locked, code=code).first()
        if found is None:
            return
        before = common.snapshot(found)
        pk = found.pk
        found.delete()
        common.record_event(
            actor=actor,
            action=MrvAction.FACILITY_REMOVE,
            object_type=Facility._meta.label_lower,
            object_id=str(pk),
            object_repr=f"{locked.credit_code} · {code}",
            before=before,
        )


def do_add_contact(actor: User | None, item: Enterprise, data: Mapping[str, Any]) -> Contact:
    """Add a contact; the same contact again (function, name, phone, email) is returned."""
    clean, errors = _contact_errors(data)
    if errors:
        raise _refuse(errors)
    with transaction.atomic():
        locked = _lock_for_change(actor, item)
        found = Contact.objects.filter(enterprise=locked, **clean).first()
        if found is not None:
            return found
        contact = Contact.objects.create(enterprise=locked, **clean)
        common.record_event(
            actor=actor,
            action=MrvAction.CONTACT_SET,
            obj=contact,
            object_repr=f"{locked.credit_code} · {contact.name}",
            after=common.snapshot(contact),
        )
    return contact


def do_update_contact(actor: User | None, contact: Contact, data: Mapping[str, Any]) -> Contact:
    clean, errors = _contact_errors(data)
    if errors:
        raise _refuse(errors)
    with transaction.atomic():
        locked = _lock_for_change(actor, contact.enterprise)
        found = Contact.objects.select_for_update().filter(pk=contact.pk, enterprise=locked).first()
        if found is None:
            raise NotFoundError(_("Contact not found."), field="contact_id", value=contact.pk)
        before = common.snapshot(found)
        for name, value in clean.items():
            setattr(found, name, value)
        after = common.snapshot(found)
        if before == after:
            return found
        found.save()
        common.record_event(
            actor=actor,
            action=MrvAction.CONTACT_SET,
            obj=found,
            object_repr=f"{locked.credit_code} · {found.name}",
            before=before,
            after=after,
        )
    return found


def do_remove_contact(actor: User | None, contact: Contact) -> None:
    with transaction.atomic():
        locked = _lock_for_change(actor, contact.enterprise)
        found = Contact.objects.filter(pk=contact.pk, enterprise=locked).first()
        if found is None:
            return
        before = common.snapshot(found)
        found.delete()
        common.record_event(
            actor=actor,
            action=MrvAction.CONTACT_REMOVE,
            object_type=Contact._meta.label_lower,
            object_id=str(contact.pk),
            object_repr=f"{locked.credit_code} · {contact.name}",
            before=before,
        )


# --- enterprise accounts ----------------------------------------------------------------------


def do_assign_enterprise_role(
    actor: User | None, item: Enterprise, user: User, role: str
) -> RoleAssignment:
    """Give ``user`` the reporter or responsible-person role over the enterprise (the
    common role service: audited, idempotent; the office)."""
    if role not in ENTERPRISE_ROLES:
        raise ValidationFailedError(
            _("Unknown role; expected one of %(values)s.")
            % {"values": ", ".join(ENTERPRISE_ROLES)},
            field="role",
            value=role,
        )
    require(actor, perm_for(Enterprise, "change"), item)
    return common.do_assign_role(actor, user, role, MrvScopeKind.ENTERPRISE.value, item.pk)


# --- importing the enterprise list ------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did: the enterprises registered (credit code, pk)."""

    created: list[tuple[str, int]] = field(default_factory=list)
    facilities: int = 0
    contacts: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": [{"credit_code": code, "id": pk} for code, pk in self.created],
            "facilities": self.facilities,
            "contacts": self.contacts,
        }


def _required(row: SheetRow, errors: list[ErrorRecord]) -> None:
    for column in REQUIRED[row.sheet]:
        value = row.get(column)
        if value is None or (isinstance(value, str) and not value.strip()):
            errors.append(row.cell(column).error(_("This column is required."), value))


def do_import_enterprises(actor: User | None, content: bytes, *, filename: str) -> ImportResult:
    """Register every enterprise of a workbook (the enterprise template), with its facilities
    and contacts: all of them or none. Every problem is named by sheet, row, column and value
    — a credit code repeated in the file or already in the register among them; rows outside
    the actor's jurisdictions refuse the file with 403."""
    require(actor, perm_for(Enterprise, "add"))
    sheets = read_sheets(content, ENTERPRISE_SHEETS, required_sheets=("enterprises",))
    errors: list[ErrorRecord] = []
    refusals: list[ErrorRecord] = []
    jurisdictions = _jurisdiction_map()
    rules = selectors.coverage_rules()
    spellings = _sector_spellings()
    planned: dict[str, tuple[dict[str, Any], date]] = {}
    first_row: dict[str, int] = {}
    for row in sheets["enterprises"]:
        problems: list[ErrorRecord] = []
        _required(row, problems)
        code = normalise(parse_code_text(row, "credit_code", problems))
        cell = row.cell("credit_code")
        if code:
            problem = credit_code_problem(code)
            if problem is not None:
                problems.append(cell.error(credit_code_message(problem), code))
            elif code in first_row:
                problems.append(
                    cell.error(
                        _("This credit code repeats row %(row)d.") % {"row": first_row[code]}, code
                    )
                )
            else:
                first_row[code] = row.number
        data = {
            "name_zh": parse_text(row.get("name_zh")),
            "name_en": parse_text(row.get("name_en")),
            "jurisdiction": parse_text(row.get("jurisdiction")),
            "sectors": parse_sectors(row.get("sectors"), row.cell("sectors"), problems, spellings),
            "coverage_reason": parse_text(row.get("coverage_reason")),
            "coverage_year": parse_year(
                row.get("coverage_year"), row.cell("coverage_year"), problems
            ),
            "coverage_energy_tce": parse_decimal(
                row.get("coverage_energy_tce"), row.cell("coverage_energy_tce"), problems
            ),
            "coverage_emissions_tco2e": parse_decimal(
                row.get("coverage_emissions_tco2e"), row.cell("coverage_emissions_tco2e"), problems
            ),
            "address": parse_text(row.get("address")),
            "note": parse_text(row.get("note")),
        }
        registered_on = parse_date(row.get("registered_on"), row.cell("registered_on"), problems)
        if registered_on is not None and registered_on > timezone.localdate():
            problems.append(
                row.cell("registered_on").error(
                    _("A registration cannot be dated in the future."), registered_on
                )
            )
        clean, more = clean_enterprise(
            data,
            jurisdictions=jurisdictions,
            rules=rules,
            creating=False,
            row=row.number,
            field_of={name: f"enterprises.{name}" for name in ENTERPRISE_SHEETS["enterprises"]},
        )
        # A cell refused while reading is named once (not again by the register's check).
        named = {problem.field for problem in problems}
        problems += [problem for problem in more if problem.field not in named]
        if not problems:
            clean["credit_code"] = code
            place = clean["jurisdiction"]
            if actor is not None and not can(
                actor, perm_for(Enterprise, "add"), Enterprise(jurisdiction=place)
            ):
                refusals.append(
                    row.cell("jurisdiction").error(
                        _("You may not register enterprises in this jurisdiction."), place.code
                    )
                )
            planned[code] = (clean, registered_on or timezone.localdate())
        errors += problems
    existing = set(
        Enterprise.objects.filter(credit_code__in=list(first_row)).values_list(
            "credit_code", flat=True
        )
    )
    for row in sheets["enterprises"]:
        code = normalise(parse_text(row.get("credit_code")))
        if code in existing and first_row.get(code) == row.number:
            errors.append(
                row.cell("credit_code").error(
                    _("An enterprise with this credit code is in the register already."), code
                )
            )
    children: dict[str, dict[str, list[dict[str, str]]]] = {
        code: {"facilities": [], "contacts": []} for code in first_row
    }
    facility_rows: dict[tuple[str, str], int] = {}
    for row in sheets["facilities"]:
        problems = []
        _required(row, problems)
        code = normalise(parse_code_text(row, "credit_code", problems))
        facility = parse_code_text(row, "code", problems)
        name_zh, name_en = parse_text(row.get("name_zh")), parse_text(row.get("name_en"))
        if not problems:
            problems += [
                row.cell(e.field or "code").error(e.message, e.value)
                for e in _facility_errors(facility, name_zh)
            ]
        if code and code not in first_row:
            problems.append(
                row.cell("credit_code").error(
                    _("No enterprise with this credit code in the enterprises sheet."), code
                )
            )
        elif (code, facility) in facility_rows:
            problems.append(
                row.cell("code").error(
                    _("This facility repeats row %(row)d.")
                    % {"row": facility_rows[(code, facility)]},
                    facility,
                )
            )
        if not problems:
            facility_rows[(code, facility)] = row.number
            children[code]["facilities"].append(
                {"code": facility, "name_zh": name_zh, "name_en": name_en}
            )
        errors += problems
    for row in sheets["contacts"]:
        problems = []
        _required(row, problems)
        code = normalise(parse_code_text(row, "credit_code", problems))
        data = {
            "function": parse_text(row.get("function")),
            "name": parse_text(row.get("name")),
            "phone": parse_code_text(row, "phone", problems),
            "email": parse_text(row.get("email")),
        }
        clean_contact, more = _contact_errors(data)
        if not problems:
            problems += [row.cell(e.field or "name").error(e.message, e.value) for e in more]
        if code and code not in first_row:
            problems.append(
                row.cell("credit_code").error(
                    _("No enterprise with this credit code in the enterprises sheet."), code
                )
            )
        if not problems:
            children[code]["contacts"].append(clean_contact)
        errors += problems
    if not sheets["enterprises"] and not errors:
        raise ValidationFailedError(_("There is nothing to import."), field="file", value=filename)
    if refusals:
        raise PermissionDeniedError(
            _("%(count)d row(s) are outside what you may change.") % {"count": len(refusals)},
            field=refusals[0].field,
            value=refusals[0].value,
            errors=refusals + errors,
        )
    if errors:
        errors.sort(
            key=lambda e: (
                list(ENTERPRISE_SHEETS).index(str(e.field).split(".")[0])
                if str(e.field).split(".")[0] in ENTERPRISE_SHEETS
                else 9,
                e.row or 0,
            )
        )
        raise _refuse(
            errors,
            _("%(count)d problem(s) in the import; nothing was written.") % {"count": len(errors)},
        )
    result = ImportResult()
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        for code, (clean, registered_on) in planned.items():
            item = _write_enterprise(
                actor,
                clean,
                registered_on=registered_on,
                facilities=children[code]["facilities"],
                contacts=children[code]["contacts"],
            )
            result.created.append((code, item.pk))
            result.facilities += len(children[code]["facilities"])
            result.contacts += len(children[code]["contacts"])
        common.record_event(
            actor=actor,
            action=MrvAction.ENTERPRISE_IMPORT,
            object_type="mrv.import",
            object_id=digest[:64],
            object_repr=filename[:200],
            after={
                "file": filename,
                "digest": digest,
                "enterprises": len(result.created),
                "facilities": result.facilities,
                "contacts": result.contacts,
            },
        )
    return result


# --- coverage thresholds ----------------------------------------------------------------------


def do_set_coverage_rule(
    actor: User | None,
    *,
    valid_from_year: int,
    energy_tce: Any,
    emissions_tco2e: Any,
    note: str = "",
) -> CoverageRule:
    """Set the thresholds valid from a year (until the next rule): a new rule, or a change of
    the rule of that year. Setting it as it is changes nothing."""
    require(actor, perm_for(CoverageRule, "change"))
    errors: list[ErrorRecord] = []
    if isinstance(valid_from_year, bool) or not 1990 <= valid_from_year <= 2200:
        errors.append(
            ErrorRecord(
                _("Expected a year between 1990 and 2200."),
                field="valid_from_year",
                value=valid_from_year,
            )
        )
    energy = _decimal(energy_tce, "energy_tce", errors)
    emissions = _decimal(emissions_tco2e, "emissions_tco2e", errors)
    for name, value in (("energy_tce", energy), ("emissions_tco2e", emissions)):
        if value is None and not any(e.field == name for e in errors):
            errors.append(ErrorRecord(_("A threshold is required."), field=name, value=None))
    note = note.strip()
    if len(note) > 500:
        errors.append(
            ErrorRecord(
                _("At most %(limit)d characters.") % {"limit": 500}, field="note", value=note[:40]
            )
        )
    if errors:
        raise _refuse(errors)
    with transaction.atomic():
        found = (
            CoverageRule.objects.select_for_update().filter(valid_from_year=valid_from_year).first()
        )
        if found is None:
            rule = CoverageRule.objects.create(
                valid_from_year=valid_from_year,
                energy_tce=energy,
                emissions_tco2e=emissions,
                note=note,
                updated_by=actor,
            )
            common.record_event(
                actor=actor,
                action=MrvAction.COVERAGE_RULE_SET,
                obj=rule,
                after=common.snapshot(rule),
            )
            return rule
        if (found.energy_tce, found.emissions_tco2e, found.note) == (energy, emissions, note):
            return found
        before = common.snapshot(found)
        found.energy_tce, found.emissions_tco2e, found.note = energy, emissions, note
        found.updated_at, found.updated_by = timezone.now(), actor
        found.save()
        common.record_event(
            actor=actor,
            action=MrvAction.COVERAGE_RULE_SET,
            obj=found,
            before=before,
            after=common.snapshot(found),
        )
    return found


# --- screening --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScreeningRow:
    """One enterprise-year of figures to screen; ``field`` names its columns in errors
    (``figures.energy_tce`` for a workbook, ``items.energy_tce`` for the API) and ``row`` its
    row or item number."""

    credit_code: str
    name_zh: str
    jurisdiction: str
    sectors: tuple[str, ...]
    year: int
    energy_tce: Decimal | None
    emissions_tco2e: Decimal | None
    row: int
    prefix: str = "items"

    def error(self, column: str, message: Any, value: Any) -> ErrorRecord:
        return ErrorRecord(
            message=str(message), field=f"{self.prefix}.{column}", value=value, row=self.row
        )


def _screening_root(actor: User | None) -> Jurisdiction:
    """The city whose register the screening is for (the top jurisdiction the actor may run
    screenings in)."""
    for root in Jurisdiction.objects.filter(parent__isnull=True).order_by("sort_order", "code"):
        if actor is None or can(
            actor, perm_for(ScreeningRun, "add"), ScreeningRun(jurisdiction=root)
        ):
            return root
    raise PermissionDeniedError()


def do_run_screening(
    actor: User | None, rows: Sequence[ScreeningRow], *, source: str, digest: str = ""
) -> ScreeningRun:
    """Screen annual figures against the coverage rules in force: each enterprise (by credit
    code) that reached a threshold in a year and is not in the register becomes a proposal,
    with the first year and figure that crossed. All rows are checked first; any problem
    refuses the run and nothing is written."""
    require(actor, perm_for(ScreeningRun, "add"))
    root = _screening_root(actor)
    if not rows:
        raise ValidationFailedError(_("There is nothing to screen."), field="items", value=0)
    jurisdictions = _jurisdiction_map()
    known_sectors = _sector_spellings()
    errors: list[ErrorRecord] = []
    by_code: dict[str, list[ScreeningRow]] = {}
    seen: dict[tuple[str, int], int] = {}
    for item in rows:
        problem = credit_code_problem(item.credit_code)
        if problem is not None:
            errors.append(item.error("credit_code", credit_code_message(problem), item.credit_code))
            continue
        if not item.name_zh:
            errors.append(item.error("name_zh", _("A Chinese name is required."), item.name_zh))
        place = jurisdictions.get(item.jurisdiction)
        if place is None:
            errors.append(item.error("jurisdiction", _("Unknown jurisdiction."), item.jurisdiction))
        for sector in item.sectors:
            if sector not in known_sectors:
                errors.append(item.error("sectors", _("Unknown sector guideline."), sector))
        if not 1990 <= item.year <= 2200:
            errors.append(
                item.error("year", _("Expected a year between 1990 and 2200."), item.year)
            )
        item = replace(
            item,
            energy_tce=_decimal(item.energy_tce, f"{item.prefix}.energy_tce", errors, item.row),
            emissions_tco2e=_decimal(
                item.emissions_tco2e, f"{item.prefix}.emissions_tco2e", errors, item.row
            ),
        )
        if item.energy_tce is None and item.emissions_tco2e is None:
            errors.append(
                item.error("energy_tce", _("Give the energy use, the emissions or both."), None)
            )
        key = (item.credit_code, item.year)
        if key in seen:
            errors.append(
                item.error(
                    "year",
                    _("This enterprise and year repeat row %(row)d.") % {"row": seen[key]},
                    item.year,
                )
            )
        else:
            seen[key] = item.row
        first = by_code.setdefault(item.credit_code, [item])[0]
        if first is not item:
            by_code[item.credit_code].append(item)
            if first.jurisdiction != item.jurisdiction:
                errors.append(
                    item.error(
                        "jurisdiction",
                        _("Row %(row)d gives this enterprise another jurisdiction.")
                        % {"row": first.row},
                        item.jurisdiction,
                    )
                )
    if errors:
        errors.sort(key=lambda e: e.row or 0)
        raise _refuse(
            errors,
            _("%(count)d problem(s) in the figures; nothing was written.") % {"count": len(errors)},
        )
    rules = selectors.coverage_rules()
    registered = set(
        Enterprise.objects.filter(credit_code__in=list(by_code)).values_list(
            "credit_code", flat=True
        )
    )
    with transaction.atomic():
        run = ScreeningRun.objects.create(
            jurisdiction=root,
            source=source[:200],
            digest=digest[:64],
            rules=selectors.rules_data(rules),
            units=len(by_code),
            created_by=actor,
        )
        proposals: list[ScreeningProposal] = []
        below = 0
        for code, items in sorted(by_code.items()):
            if code in registered:
                continue
            figures = [YearFigures(i.year, i.energy_tce, i.emissions_tco2e) for i in items]
            found = crossings(figures, rules)
            if not found:
                below += 1
                continue
            first_crossing = found[0]
            crossed_years = {c.year for c in found}
            sectors = sorted({s for i in items for s in (known_sectors[x] for x in i.sectors)})
            proposals.append(
                ScreeningProposal(
                    run=run,
                    credit_code=code,
                    name_zh=items[0].name_zh[:200],
                    jurisdiction=jurisdictions[items[0].jurisdiction],
                    sectors=sectors,
                    coverage_reason=first_crossing.reason,
                    coverage_year=first_crossing.year,
                    coverage_energy_tce=first_crossing.figures.energy_tce,
                    coverage_emissions_tco2e=first_crossing.figures.emissions_tco2e,
                    figures=[
                        {
                            "year": f.year,
                            "energy_tce": selectors.decimal_or_none(f.energy_tce),
                            "emissions_tco2e": selectors.decimal_or_none(f.emissions_tco2e),
                            "crossed": f.year in crossed_years,
                        }
                        for f in sorted(figures, key=lambda f: f.year)
                    ],
                )
            )
        ScreeningProposal.objects.bulk_create(proposals)
        run.below = below
        run.already_registered = len(registered)
        run.save(update_fields=["below", "already_registered"])
        after = common.snapshot(run)
        after["proposals"] = [p.credit_code for p in proposals]
        common.record_event(actor=actor, action=MrvAction.SCREENING_RUN, obj=run, after=after)
    return run


def do_import_screening(actor: User | None, content: bytes, *, filename: str) -> ScreeningRun:
    """Screen the figures of a workbook (the screening template)."""
    require(actor, perm_for(ScreeningRun, "add"))
    sheets = read_sheets(content, SCREENING_SHEETS, required_sheets=("figures",))
    errors: list[ErrorRecord] = []
    rows: list[ScreeningRow] = []
    spellings = _sector_spellings()
    for row in sheets["figures"]:
        problems: list[ErrorRecord] = []
        _required(row, problems)
        code = normalise(parse_code_text(row, "credit_code", problems))
        sectors = parse_sectors(row.get("sectors"), row.cell("sectors"), problems, spellings)
        year = parse_year(row.get("year"), row.cell("year"), problems)
        energy = parse_decimal(row.get("energy_tce"), row.cell("energy_tce"), problems)
        emissions = parse_decimal(row.get("emissions_tco2e"), row.cell("emissions_tco2e"), problems)
        errors += problems
        if not problems and year is not None:
            rows.append(
                ScreeningRow(
                    credit_code=code,
                    name_zh=parse_text(row.get("name_zh")),
                    jurisdiction=parse_text(row.get("jurisdiction")),
                    sectors=tuple(sectors),
                    year=year,
                    energy_tce=energy,
                    emissions_tco2e=emissions,
                    row=row.number,
                    prefix="figures",
                )
            )
    if errors:
        raise _refuse(
            errors,
            _("%(count)d problem(s) in the figures; nothing was written.") % {"count": len(errors)},
        )
    if not rows:
        raise ValidationFailedError(_("There is nothing to screen."), field="file", value=filename)
    return do_run_screening(
        actor, rows, source=filename, digest=hashlib.sha256(content).hexdigest()
    )


def _lock_proposal(actor: User | None, proposal: ScreeningProposal) -> ScreeningProposal:
    require(actor, perm_for(ScreeningProposal, "decide"), proposal)
    locked = (
        ScreeningProposal.objects.select_for_update()
        .select_related("run", "jurisdiction")
        .get(pk=proposal.pk)
    )
    require(actor, perm_for(ScreeningProposal, "decide"), locked)
    return locked


def do_accept_proposal(
    actor: User | None,
    proposal: ScreeningProposal,
    *,
    sectors: Sequence[str] = (),
    registered_on: date | None = None,
    reason: str = "",
) -> ScreeningProposal:
    """Register the proposed unit (coverage: the first year and figure that crossed; sector
    guidelines from the figures or ``sectors``). Accepting it again changes nothing; an
    accepted or rejected proposal cannot change its decision."""
    with transaction.atomic():
        locked = _lock_proposal(actor, proposal)
        if locked.decision == Decision.ACCEPTED:
            return locked
        if locked.decision != Decision.PENDING:
            raise InvalidTransitionError(
                _("The proposal was decided already."), field="decision", value=locked.decision
            )
        data = {
            "credit_code": locked.credit_code,
            "name_zh": locked.name_zh,
            "jurisdiction": locked.jurisdiction.code,
            "sectors": list(sectors) or list(locked.sectors),
            "coverage_reason": locked.coverage_reason,
            "coverage_year": locked.coverage_year,
            "coverage_energy_tce": locked.coverage_energy_tce,
            "coverage_emissions_tco2e": locked.coverage_emissions_tco2e,
            "note": reason.strip(),
        }
        item = do_create_enterprise(actor, data, registered_on=registered_on)
        before = common.snapshot(locked)
        locked.decision = Decision.ACCEPTED.value
        locked.reason = reason.strip()
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.enterprise = item
        locked.save()
        common.record_event(
            actor=actor,
            action=MrvAction.PROPOSAL_ACCEPT,
            obj=locked,
            before=before,
            after=common.snapshot(locked),
            reason=reason.strip(),
        )
    return locked


def do_reject_proposal(
    actor: User | None, proposal: ScreeningProposal, reason: str
) -> ScreeningProposal:
    """Reject a proposal with the reason (a unit that closed, a figure that was wrong …).
    Rejecting it again with the same reason changes nothing."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailedError(
            _("Say why the proposal is rejected."), field="reason", value=reason
        )
    with transaction.atomic():
        locked = _lock_proposal(actor, proposal)
        if locked.decision == Decision.REJECTED and locked.reason == reason:
            return locked
        if locked.decision != Decision.PENDING:
            raise InvalidTransitionError(
                _("The proposal was decided already."), field="decision", value=locked.decision
            )
        before = common.snapshot(locked)
        locked.decision = Decision.REJECTED.value
        locked.reason = reason
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.save()
        common.record_event(
            actor=actor,
            action=MrvAction.PROPOSAL_REJECT,
            obj=locked,
            before=before,
            after=common.snapshot(locked),
            reason=reason,
        )
    return locked


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


# --- monitoring plans -------------------------------------------------------------------------


def _plan_document(enterprise: Enterprise, year: int, document: Mapping[str, Any]) -> Any:
    """Check a plan document for ``enterprise`` and ``year`` with the kernel; the kernel's plan
    (with its warnings) or the refusal naming every problem by field and value."""
    data = dict(document)
    errors: list[ErrorRecord] = []
    given = _text(data.get("enterprise"))
    if given and given != enterprise.credit_code:
        errors.append(
            ErrorRecord(
                _("The plan names another enterprise (%(expected)s expected).")
                % {"expected": enterprise.credit_code},
                field="enterprise",
                value=given,
            )
        )
    given_year = data.get("year")
    if given_year not in (None, "") and str(given_year).strip() != str(year):
        errors.append(
            ErrorRecord(
                _("The plan is for another year (%(expected)s expected).") % {"expected": year},
                field="year",
                value=given_year,
            )
        )
    sectors = sorted(s.sector for s in enterprise.sectors.all())
    sector = _text(data.get("sector"))
    if sector not in sectors:
        errors.append(
            ErrorRecord(
                _("The enterprise does not report under this sector guideline (it has: %(known)s).")
                % {"known": ", ".join(sectors)},
                field="sector",
                value=sector,
            )
        )
    if errors:
        raise _refuse(errors)
    data["enterprise"] = enterprise.credit_code
    data["year"] = year
    plan, found = plans.plan_findings(data)
    if plan is None:
        records = [r for r in plans.records_of(found) if r.severity == "error"]
        raise _refuse(records)
    return plan


def _latest_plan(enterprise: Enterprise, year: int) -> MonitoringPlan | None:
    return (
        MonitoringPlan.objects.select_for_update()
        .filter(enterprise=enterprise, year=year)
        .order_by("-version")
        .first()
    )


def do_save_plan(
    actor: User | None,
    enterprise: Enterprise,
    year: int,
    document: Mapping[str, Any],
    *,
    source: str = "json",
    note: str = "",
    file_name: str = "",
    sha256: str = "",
) -> MonitoringPlan:
    """Enter or change the draft plan of ``enterprise`` for ``year`` (the enterprise's
    accounts, the office). The kernel reads and validates the plan first: an error refuses it,
    naming the field and value, and nothing is written. The first plan of a year opens its
    lineage (version 1); a draft is changed in place; a submitted plan is the office's until it
    is returned, an approved one changes only as a new version (:func:`do_revise_plan`).
    Idempotent: the same plan again writes nothing."""
    if not 1990 <= int(year) <= 2200:
        raise ValidationFailedError(
            _("Expected a year between 1990 and 2200."), field="year", value=year
        )
    require(actor, perm_for(Enterprise, "view"), enterprise)
    kernel_plan = _plan_document(enterprise, year, document)
    stored = plans.normalised(kernel_plan)
    with transaction.atomic():
        latest = _latest_plan(enterprise, year)
        if latest is None:
            record = MonitoringPlan(
                enterprise=enterprise,
                year=year,
                sector=kernel_plan.sector,
                document=stored,
                source=source,
                note=note.strip(),
            )
            record = common.do_create_draft(actor, record)
        elif latest.state == LifecycleState.DRAFT:
            before = common.snapshot(latest)
            record = common.do_update_draft(
                actor,
                latest,
                {
                    "sector": kernel_plan.sector,
                    "document": stored,
                    "source": source,
                    "note": note.strip() or latest.note,
                },
            )
            if common.snapshot(record) == before:
                return record
        else:
            require(actor, perm_for(MonitoringPlan, "change"), latest)
            raise InvalidTransitionError(
                _(
                    "This plan has been submitted: it changes only once the office returns it, "
                    "or as a new version once approved."
                ),
                field="state",
                value=latest.state,
            )
        if file_name:
            common.record_event(
                actor=actor,
                action=MrvAction.PLAN_IMPORT,
                obj=record,
                after={"file": file_name, "sha256": sha256, "version": record.version},
            )
    return record


def do_import_plan(
    actor: User | None, enterprise: Enterprise, year: int, name: str, content: bytes
) -> MonitoringPlan:
    """Enter the draft plan from a workbook (the kernel's ledger template): its Plan sheet
    must hold exactly the plan of ``enterprise`` for ``year``. Refusals name the sheet, row,
    column and value; nothing is written."""
    require(actor, perm_for(Enterprise, "view"), enterprise)
    try:
        found_plans, findings = plans.plans_from_workbook(content)
    except Exception as error:
        raise ValidationFailedError(
            _("The file is not a readable Excel workbook."), field="file", value=name
        ) from error
    errors = [r for r in plans.records_of(findings) if r.severity == "error"]
    if errors:
        raise _refuse(errors)
    mine = [p for p in found_plans if p.enterprise == enterprise.credit_code and p.year == year]
    if len(found_plans) != 1 or len(mine) != 1:
        raise ValidationFailedError(
            _("The Plan sheet must hold exactly one plan, of %(code)s for %(year)s.")
            % {"code": enterprise.credit_code, "year": year},
            field="Plan.enterprise",
            value=", ".join(sorted({f"{p.enterprise}/{p.year}" for p in found_plans})) or "",
        )
    digest = hashlib.sha256(content).hexdigest()
    return do_save_plan(
        actor,
        enterprise,
        year,
        plans.normalised(mine[0]),
        source="workbook",
        file_name=name,
        sha256=digest,
    )


def do_submit_plan(actor: User | None, record: MonitoringPlan) -> MonitoringPlan:
    """Draft → submitted, once the kernel finds no error in it (the enterprise)."""
    return common.do_submit(actor, record)


def do_approve_plan(actor: User | None, record: MonitoringPlan) -> MonitoringPlan:
    """Submitted → approved (the office)."""
    return common.do_approve(actor, record)


def do_return_plan(actor: User | None, record: MonitoringPlan, reason: str) -> MonitoringPlan:
    """Submitted or approved → draft with the office's reason (only the latest version)."""
    _require_latest(record)
    return common.do_return(actor, record, reason)


def _require_latest(record: MonitoringPlan) -> None:
    newer = MonitoringPlan.objects.filter(
        enterprise_id=record.enterprise_id, year=record.year, version__gt=record.version
    ).exists()
    if newer:
        raise InvalidTransitionError(
            _("A newer version of this plan exists."), field="version", value=record.version
        )


def do_revise_plan(
    actor: User | None,
    record: MonitoringPlan,
    reason: str,
    document: Mapping[str, Any] | None = None,
) -> MonitoringPlan:
    """Open a new version of an approved plan: a draft in the same lineage that supersedes it,
    with the reason (and the changed plan, else a copy). The approved version stays as it was.
    Idempotent: revising the same version with the same reason returns the version opened."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailedError(_("A new version needs a reason."), field="reason", value="")
    kernel_plan = (
        None if document is None else _plan_document(record.enterprise, record.year, document)
    )
    with transaction.atomic():
        locked = MonitoringPlan.objects.select_for_update().get(pk=record.pk)
        require(actor, perm_for(MonitoringPlan, "correct"), locked)
        existing = MonitoringPlan.objects.filter(supersedes=locked).first()
        if existing is not None:
            if existing.correction_reason == reason:
                return existing
            raise ConflictError(
                _("This version has been revised already."), field="version", value=locked.version
            )
        if locked.state != LifecycleState.APPROVED:
            raise InvalidTransitionError(
                _("Only an approved plan is revised; change the draft instead."),
                field="state",
                value=locked.state,
            )
        new = MonitoringPlan(
            enterprise=locked.enterprise,
            year=locked.year,
            sector=locked.sector if kernel_plan is None else kernel_plan.sector,
            document=locked.document if kernel_plan is None else plans.normalised(kernel_plan),
            source="json" if kernel_plan is not None else locked.source,
            note=locked.note,
            lineage=locked.lineage,
            version=locked.version + 1,
            supersedes=locked,
            correction_reason=reason,
            state=LifecycleState.DRAFT,
            created_by=actor,
            created_at=timezone.now(),
        )
        require(actor, perm_for(MonitoringPlan, "correct"), new)
        new.save()
        common.record_event(
            actor=actor,
            action=MrvAction.PLAN_REVISE,
            obj=new,
            before=common.snapshot(locked),
            after=common.snapshot(new),
            reason=reason,
        )
    return new


# --- the monthly ledger -----------------------------------------------------------------------


def _approved_plan(enterprise: Enterprise, year: int) -> MonitoringPlan:
    found = (
        MonitoringPlan.objects.filter(
            enterprise=enterprise, year=year, state=LifecycleState.APPROVED
        )
        .order_by("-version")
        .first()
    )
    if found is None:
        raise ValidationFailedError(
            _("The %(year)s monitoring plan has not been approved: no ledger before it is.")
            % {"year": year},
            field="plan",
            value=year,
        )
    return found


def _misplaced_records(misplaced: Sequence[tuple[int, str, str]], month: str) -> list[ErrorRecord]:
    return [
        ErrorRecord(
            _("The row is not of this ledger (%(expected)s expected).")
            % {"expected": month if name == "month" else _("this enterprise")},
            field=name,
            value=value,
            row=row,
        )
        for row, name, value in misplaced
    ]


def _entries_of(rows: Sequence[Any]) -> list[tuple[str, ...]]:
    return sorted(
        (r.facility, r.stream, r.parameter, str(r.value), r.unit, r.evidence, r.note) for r in rows
    )


def do_submit_ledger(
    actor: User | None,
    enterprise: Enterprise,
    year: int,
    month: int,
    items: Sequence[Mapping[str, Any]],
    *,
    source: str = "form",
) -> LedgerMonth:
    """Submit one month's ledger (the enterprise's accounts; the office). The kernel checks
    it against the year's approved plan together with the months already submitted: any error
    (a wrong unit, a negative consumption, a value missing or repeated, a lab value without its
    evidence …) refuses the month, naming row, field and value, and nothing is written.
    Warnings are stored; the month counts as submitted once each is acknowledged
    (:func:`do_acknowledge_finding`). A month already submitted is refused (409) unless the
    same rows come again (then nothing changes); a month with warnings pending may be submitted
    again, replacing its rows."""
    if not 1 <= int(month) <= 12 or not 1990 <= int(year) <= 2200:
        raise ValidationFailedError(
            _("Expected a month 1–12 of a year 1990–2200."), field="month", value=month
        )
    require(actor, perm_for(Enterprise, "view"), enterprise)
    require(actor, perm_for(LedgerMonth, "add"), LedgerMonth(enterprise=enterprise))
    plan_record = _approved_plan(enterprise, year)
    kernel_plan = plans.plan_of(plan_record.document)
    if kernel_plan is None:  # an approved plan always reads; kept for the type checker
        raise ValidationFailedError(_("The approved plan cannot be read."), field="plan")
    key = f"{year:04d}-{month:02d}"
    rows, unread, misplaced = ledger.read_month_rows(items, enterprise.credit_code, key)
    refusals = [r for r in plans.records_of(unread) if r.severity == "error"]
    refusals += _misplaced_records(misplaced, key)
    if not items:
        refusals.append(ErrorRecord(_("The month has no rows."), field="rows", value=0))
    if refusals:
        raise _refuse(refusals)
    with transaction.atomic():
        existing = (
            LedgerMonth.objects.select_for_update()
            .filter(enterprise=enterprise, year=year, month=month)
            .first()
        )
        if existing is not None:
            same = _entries_of(existing.entries.all()) == _entries_of(rows)
            if same:
                return existing
            if existing.state == LedgerState.SUBMITTED:
                raise ConflictError(
                    _("The ledger of %(month)s has been submitted already.") % {"month": key},
                    field="month",
                    value=key,
                )
            require(actor, perm_for(LedgerMonth, "change"), existing)
        earlier = [
            LedgerRow(
                e.row, enterprise.credit_code, e.stream, f"{year:04d}-{e.ledger.month:02d}",
                e.parameter, Decimal(e.value), e.unit, e.facility, e.evidence, e.note,
            )
            for e in LedgerEntry.objects.filter(
                ledger__enterprise=enterprise, ledger__year=year, ledger__month__lt=month
            ).select_related("ledger").order_by("ledger__month", "row")
        ]  # fmt: skip
        checked = ledger.check_month(kernel_plan, earlier, rows, month)
        if checked.errors:
            raise _refuse(plans.records_of(checked.errors))
        before = None if existing is None else _ledger_snapshot(existing)
        now = timezone.now()
        if existing is None:
            record = LedgerMonth(enterprise=enterprise, year=year, month=month)
        else:
            record = existing
            record.findings.all().delete()
            record.entries.all().delete()
        record.plan = plan_record
        record.source = source
        record.entered_at = now
        record.entered_by = actor
        warnings = checked.warnings
        record.state = LedgerState.PENDING if warnings else LedgerState.SUBMITTED
        record.submitted_at = None if warnings else now
        record.submitted_by = None if warnings else actor
        record.save()
        entries = LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(
                    ledger=record, row=r.row, facility=r.facility, stream=r.stream,
                    parameter=r.parameter, value=str(r.value), unit=r.unit,
                    evidence=r.evidence[:200], note=r.note[:500],
                )
                for r in rows
            ]
        )  # fmt: skip
        by_row = {e.row: e for e in entries}
        LedgerFinding.objects.bulk_create(
            [
                LedgerFinding(
                    ledger=record, entry=by_row.get(f.row) if f.row is not None else None,
                    code=f.code, severity=f.severity, field=f.field or "",
                    value=(f.value or "")[:200], stream=f.stream or "",
                    parameter=f.parameter or "", period=f.month or "",
                    params=dict(f.params), message=f.message[:500],
                )
                for f in warnings
            ]
        )  # fmt: skip
        common.record_event(
            actor=actor,
            action=MrvAction.LEDGER_SUBMIT,
            obj=record,
            before=before,
            after=_ledger_snapshot(record),
        )
    return record


def _ledger_snapshot(record: LedgerMonth) -> dict[str, Any]:
    return {
        **common.snapshot(record),
        "rows": record.entries.count(),
        "warnings": record.findings.count(),
    }


def do_acknowledge_finding(actor: User | None, item: LedgerFinding, reason: str) -> LedgerFinding:
    """Acknowledge a warning with the reason the value stands (the enterprise's accounts, the
    office). Once every warning of the month is acknowledged, the month counts as submitted.
    Idempotent for the same reason; another reason for an acknowledged warning is refused."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailedError(_("Say why the value stands."), field="reason", value=reason)
    with transaction.atomic():
        locked = LedgerFinding.objects.select_for_update().select_related("ledger").get(pk=item.pk)
        require(actor, perm_for(LedgerFinding, "change"), locked)
        if locked.acknowledged_at is not None:
            if locked.reason == reason:
                return locked
            raise ConflictError(
                _("This warning has been acknowledged already."), field="reason", value=reason
            )
        before = common.snapshot(locked)
        now = timezone.now()
        locked.acknowledged_at = now
        locked.acknowledged_by = actor
        locked.reason = reason
        locked.save(update_fields=["acknowledged_at", "acknowledged_by", "reason"])
        month = LedgerMonth.objects.select_for_update().get(pk=locked.ledger_id)
        if not month.findings.filter(acknowledged_at__isnull=True).exists():
            month.state = LedgerState.SUBMITTED
            month.submitted_at = now
            month.submitted_by = actor
            month.save(update_fields=["state", "submitted_at", "submitted_by"])
        common.record_event(
            actor=actor,
            action=MrvAction.FINDING_ACKNOWLEDGE,
            obj=locked,
            before=before,
            after={**common.snapshot(locked), "month_state": month.state},
            reason=reason,
        )
    return locked


def evidence_limit() -> int:
    """The largest evidence file accepted [bytes] (``CITYCARBON_MAX_EVIDENCE_BYTES``, else the
    upload limit)."""
    return int(
        getattr(settings, "CITYCARBON_MAX_EVIDENCE_BYTES", settings.CITYCARBON_MAX_UPLOAD_BYTES)
    )


def do_upload_evidence(
    actor: User | None,
    enterprise: Enterprise,
    name: str,
    content: bytes,
    *,
    description: str = "",
) -> EvidenceFile:
    """Keep a lab report or other evidence: refused when empty, larger than the limit, not a
    PDF, PNG, JPEG or XLSX by its content, or not what its name claims. The same file again
    is the same record."""
    require(actor, perm_for(Enterprise, "view"), enterprise)
    require(actor, perm_for(EvidenceFile, "add"), EvidenceFile(enterprise=enterprise))
    name = (name or "").strip()[:200]
    if not content:
        raise ValidationFailedError(_("The file is empty."), field="file", value=name)
    limit = evidence_limit()
    if len(content) > limit:
        raise ValidationFailedError(
            _("The file is too large: %(size)d bytes, at most %(limit)d.")
            % {"size": len(content), "limit": limit},
            field="file",
            value=name,
        )
    kind = ledger.file_kind(content)
    if kind is None:
        raise ValidationFailedError(
            _("The file is not a PDF, PNG, JPEG or XLSX file."), field="file", value=name
        )
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    if suffix not in ledger.EVIDENCE_TYPES[kind]:
        raise ValidationFailedError(
            _("The file is a %(kind)s file but its name says otherwise.") % {"kind": kind.upper()},
            field="file",
            value=name,
        )
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        existing = EvidenceFile.objects.filter(enterprise=enterprise, sha256=digest).first()
        if existing is not None:
            return existing
        record = EvidenceFile.objects.create(
            enterprise=enterprise,
            name=name,
            kind=kind,
            size=len(content),
            sha256=digest,
            content=content,
            description=description.strip()[:300],
            uploaded_by=actor,
        )
        common.record_event(
            actor=actor, action=MrvAction.EVIDENCE_UPLOAD, obj=record, after=common.snapshot(record)
        )
    return record


def body_digest(body: bytes) -> str:
    """The SHA-256 of a request body, canonical for JSON (keys sorted, no spaces)."""
    try:
        data = json.loads(body or b"null")
    except ValueError:
        return hashlib.sha256(body).hexdigest()
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def do_push_ledger(
    actor: User,
    enterprise: Enterprise,
    year: int,
    month: int,
    items: Sequence[Mapping[str, Any]],
    *,
    key: str,
    digest: str,
    operation: str,
    answer: Callable[[LedgerMonth], dict[str, Any]],
) -> tuple[int, dict[str, Any]]:
    """A month pushed by the enterprise's system with an ``Idempotency-Key``: the first time,
    :func:`do_submit_ledger` and the answer kept; the same key with the same body again, the
    same answer and nothing written; the same key with another body, refused (409). A refused
    push keeps nothing, so it may be retried with the same key."""
    key = key.strip()
    if not key or len(key) > 200 or not key.isprintable():
        raise ValidationFailedError(
            _("Expected an Idempotency-Key of 1–200 printable characters."),
            field="Idempotency-Key",
            value=key[:200],
        )
    with transaction.atomic():
        kept = IdempotencyRecord.objects.select_for_update().filter(user=actor, key=key).first()
        if kept is not None:
            if kept.body_sha256 != digest or kept.operation != operation:
                raise ConflictError(
                    _("This Idempotency-Key was used for another request."),
                    field="Idempotency-Key",
                    value=key,
                )
            return kept.status, dict(kept.response)
        record = do_submit_ledger(actor, enterprise, year, month, items, source="api")
        body = answer(record)
        try:
            with transaction.atomic():
                IdempotencyRecord.objects.create(
                    user=actor, key=key, operation=operation, body_sha256=digest, status=201,
                    response=json.loads(json.dumps(body, cls=DjangoJSONEncoder)),
                )  # fmt: skip
        except IntegrityError:
            raise ConflictError(
                _("This Idempotency-Key is being used by another request."),
                field="Idempotency-Key",
                value=key,
            ) from None
    return 201, body


def do_import_ledger(
    actor: User | None, enterprise: Enterprise, year: int, month: int, content: bytes
) -> LedgerMonth:
    """Submit a month from the Ledger sheet of the ledger workbook: the rows of the workbook
    must all be of this enterprise and month (rows are named by their sheet row); then as
    :func:`do_submit_ledger`."""
    require(actor, perm_for(Enterprise, "view"), enterprise)
    try:
        items, unread = ledger.workbook_rows(content)
    except Exception as error:
        raise ValidationFailedError(
            _("The file is not a readable Excel workbook."), field="file", value=""
        ) from error
    if unread:
        raise _refuse(plans.records_of(unread))
    return do_submit_ledger(actor, enterprise, year, month, items, source="workbook")


# --- annual reports ---------------------------------------------------------------------------


def _year_rows(enterprise: Enterprise, year: int) -> list[LedgerRow]:
    return [
        LedgerRow(
            e.pk, enterprise.credit_code, e.stream, f"{year:04d}-{e.ledger.month:02d}",
            e.parameter, Decimal(e.value), e.unit, e.facility, e.evidence, e.note,
        )
        for e in LedgerEntry.objects.filter(ledger__enterprise=enterprise, ledger__year=year)
        .select_related("ledger")
        .order_by("ledger__month", "row")
    ]  # fmt: skip


def _report_figures(enterprise: Enterprise, year: int) -> tuple[MonitoringPlan, dict[str, Any]]:
    """The year's report from its approved plan and twelve submitted months, or the refusal
    naming what is missing."""
    plan_record = _approved_plan(enterprise, year)
    months = dict(
        LedgerMonth.objects.filter(enterprise=enterprise, year=year).values_list("month", "state")
    )
    open_months = [
        ErrorRecord(
            _("The ledger of %(month)s has not been submitted.") % {"month": f"{year}-{m:02d}"}
            if months.get(m) is None
            else _("The warnings of %(month)s have not all been acknowledged.")
            % {"month": f"{year}-{m:02d}"},
            field="month",
            value=f"{year:04d}-{m:02d}",
        )
        for m in range(1, 13)
        if months.get(m) != LedgerState.SUBMITTED
    ]
    if open_months:
        raise _refuse(open_months)
    kernel_plan = plans.plan_of(plan_record.document)
    if kernel_plan is None:
        raise ValidationFailedError(_("The approved plan cannot be read."), field="plan")
    built = reports.build_figures(kernel_plan, _year_rows(enterprise, year))
    if built.figures is None:
        records = plans.records_of(built.findings) or [
            ErrorRecord(
                _("The kernel refused the report: %(reason)s") % {"reason": built.refusal},
                field="report",
            )
        ]
        raise _refuse(records)
    return plan_record, built.figures


def _standing_sign_off(report: AnnualReport) -> SignOff | None:
    return report.sign_offs.filter(withdrawn_at__isnull=True).order_by("-pk").first()


def do_build_report(actor: User | None, enterprise: Enterprise, year: int) -> AnnualReport:
    """Build (or rebuild) the year's draft report from the approved plan and the twelve
    submitted months (the enterprise's accounts, the office). Refused while a month is missing
    or has warnings pending, naming each month; a submitted report is changed only by a
    correction. A rebuild that changes the figures withdraws the sign-off of the draft.
    Idempotent: the same figures again write nothing."""
    require(actor, perm_for(Enterprise, "view"), enterprise)
    require(actor, perm_for(AnnualReport, "add"), AnnualReport(enterprise=enterprise))
    plan_record, figures = _report_figures(enterprise, year)
    with transaction.atomic():
        latest = (
            AnnualReport.objects.select_for_update()
            .filter(enterprise=enterprise, year=year)
            .order_by("-version")
            .first()
        )
        if latest is None:
            record = AnnualReport(
                enterprise=enterprise, year=year, plan=plan_record, sector=plan_record.sector,
                figures=figures,
            )  # fmt: skip
            return common.do_create_draft(actor, record)
        if latest.state != LifecycleState.DRAFT:
            require(actor, perm_for(AnnualReport, "change"), latest)
            raise InvalidTransitionError(
                _("The report has been submitted and never changes; open a correction."),
                field="state",
                value=latest.state,
            )
        if latest.figures == figures and latest.plan_id == plan_record.pk:
            return latest
        record = common.do_update_draft(
            actor, latest, {"plan": plan_record, "sector": plan_record.sector, "figures": figures}
        )
        standing = _standing_sign_off(record)
        if standing is not None:
            standing.withdrawn_at = timezone.now()
            standing.withdrawn_by = actor
            standing.reason = _("The figures were rebuilt.")
            standing.save(update_fields=["withdrawn_at", "withdrawn_by", "reason"])
        common.record_event(
            actor=actor,
            action=MrvAction.REPORT_BUILD,
            obj=record,
            after={"total": figures["total"]},
        )
    return record


def _require_latest_report(record: AnnualReport) -> None:
    if AnnualReport.objects.filter(
        enterprise_id=record.enterprise_id, year=record.year, version__gt=record.version
    ).exists():
        raise InvalidTransitionError(
            _("A newer version of this report exists."), field="version", value=record.version
        )


def do_sign_off(actor: User | None, record: AnnualReport) -> SignOff:
    """The responsible person signs off the draft (idempotent while the sign-off stands)."""
    with transaction.atomic():
        locked = AnnualReport.objects.select_for_update().get(pk=record.pk)
        require(actor, perm_for(AnnualReport, "signoff"), locked)
        _require_latest_report(locked)
        if locked.state != LifecycleState.DRAFT:
            raise InvalidTransitionError(
                _("Only a draft report is signed off."), field="state", value=locked.state
            )
        standing = _standing_sign_off(locked)
        if standing is not None:
            return standing
        sign_off = SignOff.objects.create(report=locked, signed_by=actor)
        common.record_event(
            actor=actor,
            action=MrvAction.REPORT_SIGN_OFF,
            obj=locked,
            after={"sign_off": sign_off.pk, "total": locked.figures.get("total")},
        )
    return sign_off


def do_withdraw_sign_off(actor: User | None, record: AnnualReport, reason: str) -> SignOff:
    """Withdraw the standing sign-off of a draft, with the reason; the report cannot be
    submitted until it is signed off again. Idempotent for the same reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailedError(
            _("Say why the sign-off is withdrawn."), field="reason", value=""
        )
    with transaction.atomic():
        locked = AnnualReport.objects.select_for_update().get(pk=record.pk)
        require(actor, perm_for(AnnualReport, "signoff"), locked)
        if locked.state != LifecycleState.DRAFT:
            raise InvalidTransitionError(
                _("The report has been submitted; its sign-off stays."),
                field="state",
                value=locked.state,
            )
        standing = _standing_sign_off(locked)
        if standing is None:
            last = locked.sign_offs.order_by("-pk").first()
            if last is not None and last.reason == reason:
                return last
            raise InvalidTransitionError(
                _("The report is not signed off."), field="sign_off", value=None
            )
        before = common.snapshot(standing)
        standing.withdrawn_at = timezone.now()
        standing.withdrawn_by = actor
        standing.reason = reason
        standing.save(update_fields=["withdrawn_at", "withdrawn_by", "reason"])
        common.record_event(
            actor=actor,
            action=MrvAction.REPORT_WITHDRAW,
            obj=locked,
            before=before,
            after=common.snapshot(standing),
            reason=reason,
        )
    return standing


def do_submit_report(
    actor: User | None, record: AnnualReport, *, on: date | None = None
) -> AnnualReport:
    """Submit the signed-off draft (the reporter or the responsible person): refused unless
    its sign-off stands. The calendar's due date is kept and a submission after it is flagged
    late (and allowed). From now on the report never changes."""
    with transaction.atomic():
        locked = AnnualReport.objects.select_for_update().get(pk=record.pk)
        require(actor, perm_for(AnnualReport, "submit"), locked)
        if locked.state == LifecycleState.SUBMITTED:
            return locked
        _require_latest_report(locked)
        calendar = ComplianceCalendar.objects.filter(year=locked.year).first()
        day = on or timezone.localdate()
        due = calendar.annual_report_due if calendar is not None else None
        AnnualReport.objects.filter(pk=locked.pk).update(
            due_on=due, late=due is not None and day > due
        )
        locked.refresh_from_db()
        return common.do_submit(actor, locked)


def do_correct_report(actor: User | None, record: AnnualReport, reason: str) -> AnnualReport:
    """Open a correction of a submitted report: a new draft version, built afresh from the
    approved plan and the ledger, superseding it, with the reason (to be signed off and
    submitted again). Idempotent for the same version and reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailedError(_("A correction needs a reason."), field="reason", value="")
    with transaction.atomic():
        locked = AnnualReport.objects.select_for_update().get(pk=record.pk)
        require(actor, perm_for(AnnualReport, "correct"), locked)
        existing = AnnualReport.objects.filter(supersedes=locked).first()
        if existing is not None:
            if existing.correction_reason == reason:
                return existing
            raise ConflictError(
                _("This version has been corrected already."),
                field="version",
                value=locked.version,
            )
        if locked.state == LifecycleState.DRAFT:
            raise InvalidTransitionError(
                _("Only a submitted report is corrected; rebuild the draft instead."),
                field="state",
                value=locked.state,
            )
        plan_record, figures = _report_figures(locked.enterprise, locked.year)
        new = AnnualReport(
            enterprise=locked.enterprise, year=locked.year, plan=plan_record,
            sector=plan_record.sector, figures=figures, lineage=locked.lineage,
            version=locked.version + 1, supersedes=locked, correction_reason=reason,
            state=LifecycleState.DRAFT, created_by=actor, created_at=timezone.now(),
        )  # fmt: skip
        require(actor, perm_for(AnnualReport, "correct"), new)
        new.save()
        common.record_event(
            actor=actor,
            action=MrvAction.REPORT_CORRECT,
            obj=new,
            before=common.snapshot(locked),
            after=common.snapshot(new),
            reason=reason,
        )
    return new


# --- verification -----------------------------------------------------------------------------


def max_consecutive_years() -> int:
    """An organisation verifies an enterprise at most this many years running
    (``CITYCARBON_MRV_MAX_CONSECUTIVE_YEARS``, default 3)."""
    return int(getattr(settings, "CITYCARBON_MRV_MAX_CONSECUTIVE_YEARS", 3))


def spot_check_tolerance() -> Decimal:
    """A spot check disagreeing by more than this share of the first verifier's figure records
    a performance entry (``CITYCARBON_MRV_SPOT_CHECK_TOLERANCE``, default 0.05)."""
    return Decimal(str(getattr(settings, "CITYCARBON_MRV_SPOT_CHECK_TOLERANCE", "0.05")))


def assignment_refusals(
    organisation: VerifierOrganisation, enterprise: Enterprise, year: int, on: date
) -> list[ErrorRecord]:
    """Why the organisation may not verify the enterprise's year (empty: it may):
    ``can_verify`` on the day, an advisory relation in the last N years, or N years running
    verified already."""
    errors = [
        ErrorRecord(refusal_message(code, sectors), field="organisation", value=code)
        for code, sectors in selectors.verification_refusals(organisation, enterprise, on)
    ]
    n = max_consecutive_years()
    advised = AdvisoryRelation.objects.filter(
        organisation=organisation, enterprise=enterprise, from_year__lte=year
    ).filter(Q(to_year__isnull=True) | Q(to_year__gte=year - n))
    if advised.exists():
        errors.append(
            ErrorRecord(
                _("The organisation advised the enterprise: a conflict of interest."),
                field="organisation",
                value="advised",
            )
        )
    running = VerificationAssignment.objects.filter(
        organisation=organisation,
        enterprise=enterprise,
        kind=AssignmentKind.PRIMARY,
        year__gte=year - n,
        year__lt=year,
    ).count()
    if running >= n:
        errors.append(
            ErrorRecord(
                _("The organisation verified the enterprise %(n)d years running.") % {"n": n},
                field="organisation",
                value="consecutive",
            )
        )
    return errors


def do_add_advisory(
    actor: User | None,
    organisation: VerifierOrganisation,
    enterprise: Enterprise,
    *,
    from_year: int,
    to_year: int | None = None,
    note: str = "",
) -> AdvisoryRelation:
    """Record that the organisation advised the enterprise (the office). Idempotent."""
    probe = AdvisoryRelation(organisation=organisation, enterprise=enterprise)
    require(actor, perm_for(AdvisoryRelation, "add"), probe)
    if to_year is not None and to_year < from_year:
        raise ValidationFailedError(
            _("The last year comes after the first."), field="to_year", value=to_year
        )
    with transaction.atomic():
        existing = AdvisoryRelation.objects.filter(
            organisation=organisation, enterprise=enterprise, from_year=from_year, to_year=to_year
        ).first()
        if existing is not None:
            return existing
        record = AdvisoryRelation.objects.create(
            organisation=organisation, enterprise=enterprise, from_year=from_year,
            to_year=to_year, note=note.strip()[:500], recorded_by=actor,
        )  # fmt: skip
        common.record_event(
            actor=actor, action=MrvAction.ADVISORY_ADD, obj=record, after=common.snapshot(record)
        )
    return record


def _submitted_report(enterprise: Enterprise, year: int) -> AnnualReport:
    found = (
        AnnualReport.objects.filter(
            enterprise=enterprise, year=year, state=LifecycleState.SUBMITTED
        )
        .order_by("-version")
        .first()
    )
    if found is None:
        raise ValidationFailedError(
            _("The %(year)s annual report has not been submitted.") % {"year": year},
            field="report",
            value=year,
        )
    return found


def do_assign_verifier(
    actor: User | None,
    enterprise: Enterprise,
    year: int,
    *,
    organisation: VerifierOrganisation | None = None,
    kind: str = AssignmentKind.PRIMARY.value,
    seed: int | None = None,
    on: date | None = None,
) -> VerificationAssignment:
    """Assign a verifier organisation to the enterprise's submitted report (the office): the
    one named, or one drawn at random (``random.Random(seed)``) among the organisations that
    may verify it — ``can_verify`` on the day and the conflict-of-interest rule; a spot check
    never goes to the first verifier. Idempotent for the same organisation."""
    require(actor, perm_for(Enterprise, "view"), enterprise)
    probe = VerificationAssignment(enterprise=enterprise, organisation=organisation)
    require(actor, perm_for(VerificationAssignment, "add"), probe)
    day = on or timezone.localdate()
    report = _submitted_report(enterprise, year)
    primary = VerificationAssignment.objects.filter(
        enterprise=enterprise, year=year, kind=AssignmentKind.PRIMARY
    ).first()
    if kind == AssignmentKind.SPOT_CHECK and (primary is None or primary.state not in (
        VerificationState.REPORTED, VerificationState.APPROVED
    )):  # fmt: skip
        raise InvalidTransitionError(
            _("A spot check follows the first verification report."), field="kind", value=kind
        )
    excluded = {primary.organisation_id} if primary and kind == AssignmentKind.SPOT_CHECK else set()
    method = AssignmentMethod.MANUAL
    if organisation is None:
        candidates = [
            o
            for o in VerifierOrganisation.objects.order_by("credit_code")
            if o.pk not in excluded and not assignment_refusals(o, enterprise, year, day)
        ]
        if not candidates:
            raise ValidationFailedError(
                _("No verifier organisation may verify this enterprise."),
                field="organisation",
                value=None,
            )
        organisation = random.Random(seed).choice(candidates)
        method = AssignmentMethod.RANDOM
    elif organisation.pk in excluded:
        raise ValidationFailedError(
            _("A spot check goes to another organisation than the first verifier."),
            field="organisation",
            value=organisation.credit_code,
        )
    else:
        problems = assignment_refusals(organisation, enterprise, year, day)
        if problems:
            raise _refuse(problems)
    with transaction.atomic():
        existing = VerificationAssignment.objects.filter(
            enterprise=enterprise, year=year, kind=kind
        ).first()
        if existing is not None:
            if existing.organisation_id == organisation.pk:
                return existing
            raise ConflictError(
                _("A verifier has been assigned already."),
                field="organisation",
                value=existing.organisation.credit_code,
            )
        record = VerificationAssignment.objects.create(
            enterprise=enterprise, year=year, organisation=organisation, report=report,
            kind=kind, method=method, assigned_by=actor,
        )  # fmt: skip
        common.record_event(
            actor=actor,
            action=MrvAction.VERIFICATION_ASSIGN,
            obj=record,
            after=common.snapshot(record),
        )
    return record


def _refusal_audited(actor: User | None, what: str, target: str, error: DomainError) -> DomainError:
    """Record a refused verification action in its own transaction (nothing else written)."""
    with transaction.atomic():
        common.record_event(
            actor=actor,
            action=MrvAction.VERIFICATION_REFUSED,
            object_type="mrv.verificationassignment",
            object_id=target,
            object_repr=f"{what} {target}"[:200],
            after={"action": what, "code": error.code, "field": error.field},
            reason=str(error.message),
        )
    return error


def verifier_assignment(
    actor: User | None, enterprise_code: str, year: int, kind: str, what: str, perm: str
) -> VerificationAssignment:
    """The assignment a verifier (or the enterprise, or the office) acts on, found
    *unscoped* and then checked: acting on an enterprise not assigned to the actor's
    organisation, or outside its accreditation, is refused and the attempt audited."""
    target = f"{enterprise_code}/{year}/{kind}"
    found = (
        VerificationAssignment.objects.select_related("enterprise", "organisation", "report")
        .filter(enterprise__credit_code=enterprise_code, year=year, kind=kind)
        .first()
    )
    try:
        if found is None:
            raise NotFoundError(_("No such verification."), field="year", value=year)
        require(actor, perm, found)
    except (NotFoundError, PermissionDeniedError) as error:
        raise _refusal_audited(actor, what, target, error) from None
    return found


def _require_in_scope(
    actor: User | None, record: VerificationAssignment, what: str, on: date | None = None
) -> None:
    """A verifier's organisation must (still) be allowed to verify the enterprise on the day
    it acts (accredited for its sectors, not suspended or removed)."""
    refusals = selectors.verification_refusals(
        record.organisation, record.enterprise, on or timezone.localdate()
    )
    if refusals:
        code, sectors = refusals[0]
        error = PermissionDeniedError(
            refusal_message(code, sectors), field="organisation", value=code
        )
        raise _refusal_audited(
            actor, what, f"{record.enterprise.credit_code}/{record.year}/{record.kind}", error
        )


_STEP_STATE = {
    VerificationStepKind.PLAN.value: (VerificationState.ASSIGNED, VerificationState.PLANNED),
    VerificationStepKind.DOCUMENT_REVIEW.value: (
        VerificationState.PLANNED,
        VerificationState.DOCUMENTS_REVIEWED,
    ),
    VerificationStepKind.SITE_VISIT.value: (
        VerificationState.DOCUMENTS_REVIEWED,
        VerificationState.SITE_VISITED,
    ),
}


def do_verification_step(
    actor: User | None, record: VerificationAssignment, step: str, done_on: date, note: str = ""
) -> VerificationStep:
    """Record a workflow step (the assigned verifier): the plan, then the document review,
    then the site visit, each on a day. Idempotent per step."""
    if step not in _STEP_STATE:
        raise ValidationFailedError(_("Unknown step."), field="step", value=step)
    _require_in_scope(actor, record, step, done_on)
    before_state, after_state = _STEP_STATE[step]
    with transaction.atomic():
        locked = VerificationAssignment.objects.select_for_update().get(pk=record.pk)
        existing = locked.steps.filter(step=step).first()
        if existing is not None:
            return existing
        if locked.state != before_state:
            raise InvalidTransitionError(
                _("This step is not possible from the verification's state."),
                field="state",
                value=locked.state,
            )
        item = VerificationStep.objects.create(
            assignment=locked, step=step, done_on=done_on, note=note.strip(), recorded_by=actor
        )
        locked.state = after_state
        locked.save(update_fields=["state"])
        common.record_event(
            actor=actor,
            action=MrvAction.VERIFICATION_STEP,
            obj=locked,
            after={"step": step, "done_on": done_on.isoformat(), "state": after_state},
            reason=note.strip(),
        )
    return item


def do_raise_non_conformity(
    actor: User | None,
    record: VerificationAssignment,
    description: str,
    *,
    on: date | None = None,
) -> NonConformity:
    """The verifier records a non-conformity (after the plan, before the report)."""
    description = description.strip()
    if not description:
        raise ValidationFailedError(_("Describe the finding."), field="description", value="")
    _require_in_scope(actor, record, "raise_non_conformity", on)
    with transaction.atomic():
        locked = VerificationAssignment.objects.select_for_update().get(pk=record.pk)
        if locked.state in (
            VerificationState.ASSIGNED, VerificationState.REPORTED, VerificationState.APPROVED
        ):  # fmt: skip
            raise InvalidTransitionError(
                _("Findings are raised between the plan and the report."),
                field="state",
                value=locked.state,
            )
        existing = locked.non_conformities.filter(description=description).first()
        if existing is not None:
            return existing
        item = NonConformity.objects.create(
            assignment=locked, description=description, raised_by=actor
        )
        common.record_event(
            actor=actor,
            action=MrvAction.NON_CONFORMITY_RAISE,
            obj=locked,
            after={"non_conformity": item.pk, "description": description},
        )
    return item


def do_correct_non_conformity(
    actor: User | None, item: NonConformity, correction: str
) -> NonConformity:
    """The enterprise says how it corrected the finding. Idempotent for the same text."""
    correction = correction.strip()
    if not correction:
        raise ValidationFailedError(_("Describe the correction."), field="correction", value="")
    with transaction.atomic():
        locked = NonConformity.objects.select_for_update().get(pk=item.pk)
        require(actor, perm_for(NonConformity, "correct"), locked)
        if locked.closed_at is not None:
            if locked.correction == correction:
                return locked
            raise InvalidTransitionError(
                _("The finding has been closed."), field="closed_at", value=locked.closed_at
            )
        if locked.correction == correction:
            return locked
        locked.correction = correction
        locked.corrected_at = timezone.now()
        locked.corrected_by = actor
        locked.save(update_fields=["correction", "corrected_at", "corrected_by"])
        common.record_event(
            actor=actor,
            action=MrvAction.NON_CONFORMITY_CORRECT,
            obj=locked.assignment,
            after={"non_conformity": locked.pk, "correction": correction},
        )
    return locked


def do_close_non_conformity(
    actor: User | None,
    record: VerificationAssignment,
    item: NonConformity,
    *,
    on: date | None = None,
) -> NonConformity:
    """The verifier closes a corrected finding. Idempotent."""
    _require_in_scope(actor, record, "close_non_conformity", on)
    with transaction.atomic():
        locked = NonConformity.objects.select_for_update().get(pk=item.pk)
        if locked.assignment_id != record.pk:
            raise NotFoundError(_("No such finding."), field="finding_id", value=item.pk)
        if locked.closed_at is not None:
            return locked
        if not locked.correction:
            raise InvalidTransitionError(
                _("The enterprise has not corrected the finding yet."),
                field="correction",
                value="",
            )
        locked.closed_at = timezone.now()
        locked.closed_by = actor
        locked.save(update_fields=["closed_at", "closed_by"])
        common.record_event(
            actor=actor,
            action=MrvAction.NON_CONFORMITY_CLOSE,
            obj=record,
            after={"non_conformity": locked.pk},
        )
    return locked


def do_verification_report(
    actor: User | None,
    record: VerificationAssignment,
    emissions: Mapping[str, Decimal],
    opinion: str,
    text: str = "",
    *,
    on: date | None = None,
) -> VerificationAssignment:
    """The verifier's report: verified emissions by source type (exact decimals, three
    places at most, none negative) and the opinion — after the site visit, with every finding
    closed. A spot check's report that differs from the first verifier's by more than the
    tolerance records a performance entry for the first organisation."""
    errors: list[ErrorRecord] = []
    if opinion not in Opinion.values():
        errors.append(ErrorRecord(_("Unknown opinion."), field="opinion", value=opinion))
    if not emissions:
        errors.append(ErrorRecord(_("Give the verified emissions."), field="emissions"))
    for source, value in emissions.items():
        if not isinstance(value, Decimal) or value < 0 or value.as_tuple().exponent < -3:  # type: ignore[operator]
            errors.append(
                ErrorRecord(
                    _("Expected a non-negative number with at most three decimals."),
                    field=f"emissions.{source}",
                    value=str(value),
                )
            )
    if errors:
        raise _refuse(errors)
    _require_in_scope(actor, record, "verification_report", on)
    total = sum(emissions.values(), Decimal(0))
    with transaction.atomic():
        locked = VerificationAssignment.objects.select_for_update().get(pk=record.pk)
        if locked.state in (VerificationState.REPORTED, VerificationState.APPROVED):
            stored = {v.source: v.tco2e for v in locked.verified_emissions.all()}
            if stored == dict(emissions) and locked.opinion == opinion:
                return locked
            raise InvalidTransitionError(
                _("The verification report has been submitted."),
                field="state",
                value=locked.state,
            )
        if locked.state != VerificationState.SITE_VISITED:
            raise InvalidTransitionError(
                _("The report follows the site visit."), field="state", value=locked.state
            )
        open_findings = locked.non_conformities.filter(closed_at__isnull=True).count()
        if open_findings:
            raise InvalidTransitionError(
                _("%(n)d finding(s) not closed.") % {"n": open_findings},
                field="non_conformities",
                value=open_findings,
            )
        VerifiedEmission.objects.bulk_create(
            [VerifiedEmission(assignment=locked, source=s, tco2e=v) for s, v in emissions.items()]
        )
        locked.verified_tco2e = total
        locked.opinion = opinion
        locked.opinion_text = text.strip()
        locked.state = VerificationState.REPORTED
        locked.reported_at = timezone.now()
        locked.reported_by = actor
        locked.save()
        common.record_event(
            actor=actor,
            action=MrvAction.VERIFICATION_REPORT,
            obj=locked,
            after={
                "verified_tco2e": str(total),
                "opinion": opinion,
                "by_source": {k: str(v) for k, v in emissions.items()},
            },
        )
        if locked.kind == AssignmentKind.SPOT_CHECK:
            _compare_spot_check(locked)
    return locked


def _compare_spot_check(check: VerificationAssignment) -> None:
    first = VerificationAssignment.objects.get(
        enterprise=check.enterprise, year=check.year, kind=AssignmentKind.PRIMARY
    )
    if first.verified_tco2e is None or check.verified_tco2e is None:
        return
    base = first.verified_tco2e
    difference = abs(check.verified_tco2e - base)
    if base == 0 and difference == 0:
        return
    if base != 0 and difference / base <= spot_check_tolerance():
        return
    share = "∞" if base == 0 else f"{(difference / base * 100).quantize(Decimal('0.01'))} %"
    entry = PerformanceEntry.objects.create(
        organisation=first.organisation,
        kind=PerformanceKind.OVERTURNED_FINDING,
        occurred_on=timezone.localdate(),
        description=(
            f"Spot check by {check.organisation.credit_code}: {check.verified_tco2e} tCO2e "
            f"against {base} tCO2e ({share}, tolerance {spot_check_tolerance() * 100} %)."
        ),
        enterprise=check.enterprise,
        reporting_year=check.year,
    )
    common.record_event(
        actor=None,
        action=MrvAction.PERFORMANCE_ADD,
        obj=entry,
        after=common.snapshot(entry),
    )


def do_approve_verification(
    actor: User | None, record: VerificationAssignment, note: str = ""
) -> VerificationAssignment:
    """The office reviews the verification report and approves the verified figure."""
    with transaction.atomic():
        locked = VerificationAssignment.objects.select_for_update().get(pk=record.pk)
        require(actor, perm_for(VerificationAssignment, "approve"), locked)
        if locked.state == VerificationState.APPROVED:
            return locked
        if locked.kind != AssignmentKind.PRIMARY or locked.state != VerificationState.REPORTED:
            raise InvalidTransitionError(
                _("Only a reported verification is approved."), field="state", value=locked.state
            )
        locked.state = VerificationState.APPROVED
        locked.approved_tco2e = locked.verified_tco2e
        locked.approved_at = timezone.now()
        locked.approved_by = actor
        locked.review_note = note.strip()
        locked.save()
        common.record_event(
            actor=actor,
            action=MrvAction.VERIFICATION_APPROVE,
            obj=locked,
            after={"approved_tco2e": str(locked.approved_tco2e)},
            reason=note.strip(),
        )
    return locked


def do_draw_spot_checks(
    actor: User | None,
    year: int,
    share: Decimal,
    *,
    seed: int | None = None,
    on: date | None = None,
) -> list[VerificationAssignment]:
    """Draw a random share of the year's reported verifications (at least one when any) and
    assign each a second organisation, drawn at random among those that may verify it."""
    require(actor, perm_for(VerificationAssignment, "add"))
    if not Decimal(0) < share <= Decimal(1):
        raise ValidationFailedError(_("A share between 0 and 1."), field="share", value=str(share))
    reported = list(
        VerificationAssignment.objects.filter(
            year=year,
            kind=AssignmentKind.PRIMARY,
            state__in=(VerificationState.REPORTED, VerificationState.APPROVED),
        )
        .exclude(
            enterprise__verification_assignments__year=year,
            enterprise__verification_assignments__kind=AssignmentKind.SPOT_CHECK,
        )
        .select_related("enterprise")
        .order_by("enterprise__credit_code")
    )
    if not reported:
        return []
    chooser = random.Random(seed)
    count = max(1, int((share * len(reported)).to_integral_value()))
    chosen = chooser.sample(reported, min(count, len(reported)))
    made = []
    with transaction.atomic():
        for item in sorted(chosen, key=lambda a: a.enterprise.credit_code):
            try:
                made.append(
                    do_assign_verifier(
                        actor, item.enterprise, year, kind=AssignmentKind.SPOT_CHECK.value,
                        seed=chooser.randrange(1 << 30), on=on,
                    )
                )  # fmt: skip
            except ValidationFailedError:
                continue  # no second organisation may verify it
        common.record_event(
            actor=actor,
            action=MrvAction.SPOT_CHECKS,
            object_type="mrv.verificationassignment",
            object_id=str(year),
            object_repr=f"spot checks {year}",
            after={"share": str(share), "drawn": [a.enterprise.credit_code for a in made]},
        )
    return made


# --- disclosure -------------------------------------------------------------------------------


def do_publish_disclosure(actor: User | None, record: VerificationAssignment) -> Disclosure:
    """Publish the approved verified emissions of an enterprise's year (the office): a
    disclosure with the figure and the enterprise's sector guideline, which the public role
    then sees. Idempotent."""
    probe = Disclosure(enterprise=record.enterprise)
    require(actor, perm_for(Disclosure, "publish"), probe)
    if record.kind != AssignmentKind.PRIMARY or record.state != VerificationState.APPROVED:
        raise InvalidTransitionError(
            _("Only approved verified emissions are published."),
            field="state",
            value=record.state,
        )
    with transaction.atomic():
        existing = Disclosure.objects.filter(assignment=record).order_by("-version").first()
        if existing is not None and existing.state == LifecycleState.PUBLISHED:
            return existing
        if existing is None:
            sectors = sorted(s.sector for s in record.enterprise.sectors.all())
            existing = Disclosure.objects.create(
                enterprise=record.enterprise, year=record.year, assignment=record,
                sector=record.report.sector or (sectors[0] if sectors else ""),
                tco2e=record.approved_tco2e, state=LifecycleState.APPROVED,
                created_by=actor, approved_at=record.approved_at, approved_by=record.approved_by,
            )  # fmt: skip
        published = common.do_publish(actor, existing)
        common.record_event(
            actor=actor,
            action=MrvAction.DISCLOSURE_PUBLISH,
            obj=published,
            after={"tco2e": str(published.tco2e), "year": published.year},
        )
    return published
