"""An enterprise's facilities, contacts and enterprise roles."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from citycarbon.server.common import services as common
from citycarbon.server.common.errors import (
    ErrorRecord,
    NotFoundError,
    ValidationFailedError,
)
from citycarbon.server.common.models import RoleAssignment, User
from citycarbon.server.common.selectors import perm_for, require
from citycarbon.server.mrv.choices import (
    MrvAction,
    MrvScopeKind,
)
from citycarbon.server.mrv.models import (
    Contact,
    Enterprise,
    Facility,
)
from citycarbon.server.mrv.services._common import _refuse
from citycarbon.server.mrv.services.enterprises import (
    ENTERPRISE_ROLES,
    _contact_errors,
    _facility_errors,
    _lock,
)

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
