"""The common app's actions — the only code that writes.

Every action is a ``do_*`` function: atomic, audited in the same transaction
(:func:`record_event`), idempotent (repeating it changes nothing and writes no second event),
and refused before anything is written. ``actor=None`` is the system (management commands).

The lifecycle helpers (:func:`do_create_draft` … :func:`do_correct`) work on any
:class:`~citycarbon.server.common.models.VersionedRecord`; each domain app calls them from its
own services, adding its checks through the model's ``lifecycle_errors``.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Final, TypeVar

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citycarbon.server.common import cache
from citycarbon.server.common.choices import AuditAction, LifecycleState
from citycarbon.server.common.errors import (
    ConflictError,
    ErrorRecord,
    ImmutableRecordError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
)
from citycarbon.server.common.models import (
    AccessToken,
    AuditEvent,
    LoginFailure,
    RoleAssignment,
    User,
    VersionedRecord,
)
from citycarbon.server.common.refusals import (
    audited_refusals,
    record_refusal,
    record_request_refusal,
    write_event,
)
from citycarbon.server.common.roles import role_spec, scope_kind_spec
from citycarbon.server.common.selectors import can, forget_grants, perm_for, require

__all__ = [
    "LIFECYCLE_STEPS",
    "TOKEN_PREFIX",
    "audited_refusals",
    "do_approve",
    "do_assign_role",
    "do_clear_login_failures",
    "do_correct",
    "do_create_draft",
    "do_create_token",
    "do_create_user",
    "do_lifecycle_step",
    "do_publish",
    "do_record_login",
    "do_record_login_failure",
    "do_record_logout",
    "do_return",
    "do_revoke_role",
    "do_revoke_token",
    "do_set_password",
    "do_submit",
    "do_update_draft",
    "hash_token",
    "record_event",
    "record_refusal",
    "record_request_refusal",
    "snapshot",
    "touch_token",
]

R = TypeVar("R", bound=VersionedRecord)

#: Every token starts with this, so leaked tokens are easy to recognise and scan for.
TOKEN_PREFIX = "cct_"


# --- the audit trail ------------------------------------------------------------------------


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The object's own fields as JSON-ready values (foreign keys as ids), without secrets
    (the model's ``audit_exclude``)."""
    exclude: frozenset[str] = getattr(obj, "audit_exclude", frozenset())
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude or field.attname in exclude:
            continue
        data[field.attname] = field.value_from_object(obj)
    # Round-trip through JSON so dates, decimals and UUIDs are stored exactly as read back.
    result: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return result


def record_event(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Write one audit event. Must run inside the transaction of the change it records.

    Renews the generation of the object's domain in the same transaction
    (:mod:`citycarbon.server.common.cache`). A *refused* attempt, which changes nothing, is
    recorded with :func:`record_refusal` instead (its own transaction, no generation renewed)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit events are written inside the transaction of their change")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    event = write_event(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        before=before,
        after=after,
        reason=reason,
    )
    # Cached values read from this domain are computed afresh once the change commits.
    cache.bump(cache.domain_of(object_type))
    return event


def _changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    return dict(before) != dict(after)


def _validation_failed(error: ValidationError, values: Mapping[str, Any]) -> ValidationFailedError:
    records = []
    for field, messages in error.message_dict.items():
        name = None if field == "__all__" else field
        for message in messages:
            records.append(ErrorRecord(message=message, field=name, value=values.get(field)))
    first = records[0]
    return ValidationFailedError(
        first.message, field=first.field, value=first.value, errors=records
    )


# --- users and roles ----------------------------------------------------------------------


def _check_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        messages = [str(message) for message in error.messages]
        raise ValidationFailedError(
            messages[0],
            field="password",
            value="***",
            errors=[ErrorRecord(message=m, field="password", value="***") for m in messages],
        ) from None


def do_create_user(
    actor: User | None,
    *,
    username: str,
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create a user with a password that passes the validators (the office or the system)."""
    require(actor, perm_for(User, "add"))
    username = username.strip()
    if not username:
        raise ValidationFailedError(_("A username is required."), field="username", value=username)
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as error:
        raise _validation_failed(error, {"username": username, "email": email}) from None
    _check_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            raise ConflictError(
                _("This username is taken."), field="username", value=username
            ) from None
        record_event(actor=actor, action=AuditAction.USER_CREATE, obj=user, after=snapshot(user))
    return user


def do_set_password(actor: User | None, user: User, password: str) -> None:
    """Set a user's password (the user themself, the office or the system)."""
    if actor is not None and actor.pk != user.pk:
        require(actor, perm_for(User, "change"))
    _check_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record_event(actor=actor, action=AuditAction.PASSWORD_SET, obj=user)


def _scope_exists(kind: str, scope_id: int) -> bool:
    spec = scope_kind_spec(kind)
    if spec.expand is None:
        return scope_id == 0
    return scope_id in spec.expand(scope_id)


def do_assign_role(
    actor: User | None, user: User, role: str, scope_kind: str, scope_id: int = 0
) -> RoleAssignment:
    """Give ``user`` the ``role`` over a scope (idempotent)."""
    require(actor, perm_for(RoleAssignment, "add"))
    try:
        spec = role_spec(role)
    except LookupError:
        raise ValidationFailedError(_("Unknown role."), field="role", value=role) from None
    try:
        scope_kind_spec(scope_kind)
    except LookupError:
        raise ValidationFailedError(
            _("Unknown scope kind."), field="scope_kind", value=scope_kind
        ) from None
    if scope_kind not in spec.scope_kinds:
        raise ValidationFailedError(
            _("This role cannot be given over this kind of scope."),
            field="scope_kind",
            value=scope_kind,
        )
    if not _scope_exists(scope_kind, scope_id):
        raise NotFoundError(_("No such scope."), field="scope_id", value=scope_id)
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user,
            role=role,
            scope_kind=scope_kind,
            scope_id=scope_id,
            defaults={"created_by": actor},
        )
        if created:
            record_event(
                actor=actor,
                action=AuditAction.ROLE_ASSIGN,
                obj=assignment,
                after=snapshot(assignment),
            )
    forget_grants(user)
    return assignment


def do_revoke_role(actor: User | None, assignment: RoleAssignment) -> None:
    """Take a role assignment away (idempotent: an already removed one is fine)."""
    require(actor, perm_for(RoleAssignment, "delete"))
    with transaction.atomic():
        locked = RoleAssignment.objects.select_for_update().filter(pk=assignment.pk).first()
        if locked is None:
            return
        before = snapshot(locked)
        locked.delete()
        record_event(
            actor=actor,
            action=AuditAction.ROLE_REVOKE,
            object_type=RoleAssignment._meta.label_lower,
            object_id=str(assignment.pk),
            object_repr=str(assignment),
            before=before,
        )
    forget_grants(assignment.user)


# --- personal access tokens ---------------------------------------------------------------


def hash_token(token: str) -> str:
    """The stored form of a token: SHA-256 hex (tokens are 256-bit random, so a fast hash is
    safe; nothing here is a password)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def do_create_token(
    actor: User,
    *,
    name: str,
    read_only: bool = True,
    expires_in_days: int | None = 90,
) -> tuple[AccessToken, str]:
    """Create a personal access token for ``actor``; returns it with the only copy of the
    secret. The token carries the user's roles (read-only: their view permissions only)."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDeniedError()
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationFailedError(
            _("Give the token a name of 1 to 100 characters."), field="name", value=name
        )
    if expires_in_days is not None and not 1 <= expires_in_days <= 366:
        raise ValidationFailedError(
            _("A token expires after 1 to 366 days."),
            field="expires_in_days",
            value=expires_in_days,
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = AccessToken.objects.create(
            user=actor,
            name=name,
            prefix=secret[: len(TOKEN_PREFIX) + 6],
            digest=hash_token(secret),
            read_only=read_only,
            created_at=now,
            expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
        )
        record_event(actor=actor, action=AuditAction.TOKEN_CREATE, obj=token, after=snapshot(token))
    return token, secret


def do_revoke_token(actor: User, token: AccessToken) -> AccessToken:
    """Revoke a token: its owner, or whoever may change any token (the city office)."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDeniedError()
    if token.user_id != actor.pk:
        require(actor, perm_for(AccessToken, "change"))
    with transaction.atomic():
        locked = AccessToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            return locked
        before = snapshot(locked)
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        record_event(
            actor=actor,
            action=AuditAction.TOKEN_REVOKE,
            obj=locked,
            before=before,
            after=snapshot(locked),
        )
    return locked


def touch_token(token: AccessToken) -> None:
    """Note that a token was used (at most every few minutes; bookkeeping, not audited)."""
    now = timezone.now()
    interval = timedelta(seconds=settings.CITYCARBON_TOKEN_TOUCH_SECONDS)
    if token.last_used_at is None or now - token.last_used_at >= interval:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


# --- sign-in ------------------------------------------------------------------------------


def _login_key(username: str, ip: str | None) -> tuple[str, str]:
    return username.strip().lower()[:150], ip or ""


def do_record_login_failure(username: str, ip: str | None) -> datetime | None:
    """Count a failed sign-in for ``username`` from ``ip``; lock the pair when the failures in
    the window reach the limit. Returns the end of the lock, if any."""
    key_username, key_ip = _login_key(username, ip)
    now = timezone.now()
    window = timedelta(seconds=settings.CITYCARBON_LOGIN_WINDOW_SECONDS)
    with transaction.atomic():
        row, _created = LoginFailure.objects.select_for_update().get_or_create(
            username=key_username,
            ip=key_ip,
            defaults={"failures": 0, "first_failed_at": now, "last_failed_at": now},
        )
        if row.locked_until is not None and row.locked_until > now:
            return row.locked_until
        if now - row.first_failed_at > window or row.locked_until is not None:
            row.failures = 0
            row.first_failed_at = now
            row.locked_until = None
        row.failures += 1
        row.last_failed_at = now
        row.save()
        if row.failures >= settings.CITYCARBON_LOGIN_MAX_FAILURES:
            row.locked_until = now + timedelta(seconds=settings.CITYCARBON_LOGIN_LOCK_SECONDS)
            row.save(update_fields=["locked_until"])
            record_event(
                actor=None,
                action=AuditAction.LOCKED,
                object_type="auth.login",
                object_id=key_username,
                object_repr=key_username,
                after={
                    "username": key_username,
                    "ip": key_ip,
                    "failures": row.failures,
                    "locked_until": row.locked_until.isoformat(),
                },
            )
            return row.locked_until
    return None


def do_clear_login_failures(username: str, ip: str | None) -> None:
    """Forget the failures of a pair after a successful sign-in."""
    key_username, key_ip = _login_key(username, ip)
    LoginFailure.objects.filter(username=key_username, ip=key_ip).delete()


def do_record_login(user: User) -> None:
    with transaction.atomic():
        record_event(actor=user, action=AuditAction.LOGIN, obj=user)


def do_record_logout(user: User) -> None:
    with transaction.atomic():
        record_event(actor=user, action=AuditAction.LOGOUT, obj=user)


# --- the versioned lifecycle ----------------------------------------------------------------

#: step → (states it starts from, state it leads to, permission verb, stamp fields)
_STEPS: dict[str, tuple[frozenset[str], str, str, str | None]] = {
    "submit": (frozenset({LifecycleState.DRAFT}), LifecycleState.SUBMITTED, "submit", "submitted"),
    "return": (
        frozenset({LifecycleState.SUBMITTED, LifecycleState.APPROVED}),
        LifecycleState.DRAFT,
        "approve",
        None,
    ),
    "approve": (
        frozenset({LifecycleState.SUBMITTED}),
        LifecycleState.APPROVED,
        "approve",
        "approved",
    ),
    "publish": (
        frozenset({LifecycleState.APPROVED}),
        LifecycleState.PUBLISHED,
        "publish",
        "published",
    ),
}
_STEP_ACTIONS = {
    "submit": AuditAction.RECORD_SUBMIT,
    "return": AuditAction.RECORD_RETURN,
    "approve": AuditAction.RECORD_APPROVE,
    "publish": AuditAction.RECORD_PUBLISH,
}


def _lock(record: R) -> R:
    model = type(record)
    try:
        locked: R = model._default_manager.select_for_update().get(pk=record.pk)
    except model.DoesNotExist:
        raise NotFoundError(
            _("%(object)s not found.") % {"object": model._meta.verbose_name},
            field="id",
            value=record.pk,
        ) from None
    return locked


def _blocking(errors: list[Any]) -> list[ErrorRecord]:
    return [e for e in errors if isinstance(e, ErrorRecord) and e.severity == "error"]


def _editable_fields(model: type[VersionedRecord]) -> dict[str, models.Field[Any, Any]]:
    return {
        field.name: field
        for field in model._meta.concrete_fields
        if field.editable and field.name not in model.LIFECYCLE_FIELDS and not field.primary_key
    }


def do_create_draft(actor: User | None, record: R) -> R:
    """Save a new record as a draft, version 1 of a new lineage (``add`` permission on it)."""
    if not record._state.adding:
        raise ConflictError(_("This record exists already."), field="id", value=record.pk)
    require(actor, perm_for(type(record), "add"), record)
    record.state = LifecycleState.DRAFT
    record.version = 1
    record.created_by = actor
    record.created_at = timezone.now()
    try:
        record.full_clean(exclude=sorted(type(record).LIFECYCLE_FIELDS))
    except ValidationError as error:
        raise _validation_failed(error, snapshot(record)) from None
    with transaction.atomic():
        record.save()
        record_event(
            actor=actor, action=AuditAction.RECORD_CREATE, obj=record, after=snapshot(record)
        )
    return record


def do_update_draft(actor: User | None, record: R, changes: Mapping[str, Any]) -> R:
    """Change fields of a draft (``change`` permission). Submitted and approved records are
    frozen until returned; published ones for ever."""
    model = type(record)
    editable = _editable_fields(model)
    for name in changes:
        if name not in editable:
            raise ValidationFailedError(
                _("This field cannot be changed."), field=name, value=changes[name]
            )
    with transaction.atomic():
        locked = _lock(record)
        require(actor, perm_for(model, "change"), locked)
        if locked.state == LifecycleState.PUBLISHED:
            raise ImmutableRecordError(
                _("A published record cannot be changed; open a correction instead."),
                field="state",
                value=locked.state,
            )
        if locked.state != LifecycleState.DRAFT:
            raise InvalidTransitionError(
                _("Only drafts can be changed."), field="state", value=locked.state
            )
        before = snapshot(locked)
        for name, value in changes.items():
            setattr(locked, name, value)
        try:
            locked.full_clean(exclude=sorted(model.LIFECYCLE_FIELDS))
        except ValidationError as error:
            raise _validation_failed(error, changes) from None
        # The changed record must still lie in the actor's scope (no moving it elsewhere).
        _require_still_allowed(actor, perm_for(model, "change"), locked)
        after = snapshot(locked)
        if not _changed(before, after):
            return locked
        locked.save()
        record_event(
            actor=actor,
            action=AuditAction.RECORD_UPDATE,
            obj=locked,
            before=before,
            after=after,
        )
    return locked


def _require_still_allowed(actor: User | None, perm: str, record: VersionedRecord) -> None:
    if actor is not None and not can(actor, perm, record):
        raise PermissionDeniedError()


def _step(actor: User | None, record: R, step: str, reason: str = "") -> R:
    sources, target, verb, stamp = _STEPS[step]
    model = type(record)
    with transaction.atomic():
        locked = _lock(record)
        require(actor, perm_for(model, verb), locked)
        if locked.state == target and step != "return":
            return locked  # done already: idempotent
        if locked.state not in sources:
            raise InvalidTransitionError(
                _("This step is not possible from the record's state."),
                field="state",
                value=locked.state,
            )
        errors = _blocking(locked.lifecycle_errors(target))
        if errors:
            raise ValidationFailedError(
                errors[0].message, field=errors[0].field, value=errors[0].value, errors=errors
            )
        before = snapshot(locked)
        locked.state = target
        update = ["state"]
        if stamp is not None:
            setattr(locked, f"{stamp}_at", timezone.now())
            setattr(locked, f"{stamp}_by", actor)
            update += [f"{stamp}_at", f"{stamp}_by"]
        locked.save(update_fields=update)
        record_event(
            actor=actor,
            action=_STEP_ACTIONS[step],
            obj=locked,
            before=before,
            after=snapshot(locked),
            reason=reason,
        )
    return locked


def do_submit(actor: User | None, record: R) -> R:
    """Draft → submitted (the owner of the data, e.g. the district official)."""
    return _step(actor, record, "submit")


def do_return(actor: User | None, record: R, reason: str) -> R:
    """Submitted or approved → draft, with a reason (the approver sends it back)."""
    if not reason.strip():
        raise ValidationFailedError(
            _("Say why the record is returned."), field="reason", value=reason
        )
    return _step(actor, record, "return", reason.strip())


def do_approve(actor: User | None, record: R) -> R:
    """Submitted → approved (the city office)."""
    return _step(actor, record, "approve")


def do_publish(actor: User | None, record: R) -> R:
    """Approved → published; from now on the record never changes."""
    return _step(actor, record, "publish")


#: The lifecycle steps a page or API names, in the order of the lifecycle.
LIFECYCLE_STEPS: Final = ("submit", "return", "approve", "publish", "correct")


def do_lifecycle_step(actor: User | None, record: R, step: str, reason: str = "") -> R:
    """The lifecycle step named ``step`` (one of :data:`LIFECYCLE_STEPS`): :func:`do_submit`,
    :func:`do_return`, :func:`do_approve`, :func:`do_publish` or :func:`do_correct` (``reason``
    is used by the last two). The result is the record after the step — for a correction, the
    new draft version."""
    if step == "submit":
        return do_submit(actor, record)
    if step == "return":
        return do_return(actor, record, reason)
    if step == "approve":
        return do_approve(actor, record)
    if step == "publish":
        return do_publish(actor, record)
    if step == "correct":
        return do_correct(actor, record, reason)
    raise ValidationFailedError(_("No such lifecycle step."), field="step", value=step)


def do_correct(
    actor: User | None, record: R, reason: str, changes: Mapping[str, Any] | None = None
) -> R:
    """Open a correction of a published record: a new draft version in the same lineage that
    supersedes it, with the reason. Idempotent: correcting the same version again with the same
    reason returns the correction already opened."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailedError(_("A correction needs a reason."), field="reason", value=reason)
    model = type(record)
    with transaction.atomic():
        locked = _lock(record)
        require(actor, perm_for(model, "correct"), locked)
        if locked.state != LifecycleState.PUBLISHED:
            raise InvalidTransitionError(
                _("Only published records are corrected; change the draft instead."),
                field="state",
                value=locked.state,
            )
        existing = model._default_manager.filter(supersedes=locked).first()
        if existing is not None:
            if existing.correction_reason == reason:
                return existing
            raise ConflictError(
                _("This version has been corrected already."),
                field="supersedes",
                value=locked.pk,
            )
        new = model()
        for name in _editable_fields(model):
            field = model._meta.get_field(name)
            setattr(new, field.attname, getattr(locked, field.attname))
        for field in model._meta.concrete_fields:
            if not field.editable and field.name not in model.LIFECYCLE_FIELDS:
                setattr(new, field.attname, getattr(locked, field.attname))
        new.lineage = locked.lineage
        new.version = locked.version + 1
        new.supersedes = locked
        new.correction_reason = reason
        new.state = LifecycleState.DRAFT
        new.created_by = actor
        new.created_at = timezone.now()
        for name, value in (changes or {}).items():
            if name not in _editable_fields(model):
                raise ValidationFailedError(
                    _("This field cannot be changed."), field=name, value=value
                )
            setattr(new, name, value)
        try:
            new.full_clean(exclude=sorted(model.LIFECYCLE_FIELDS))
        except ValidationError as error:
            raise _validation_failed(error, dict(changes or {})) from None
        _require_still_allowed(actor, perm_for(model, "correct"), new)
        new.save()
        locked.copy_children(new)
        record_event(
            actor=actor,
            action=AuditAction.RECORD_CORRECT,
            obj=new,
            before=snapshot(locked),
            after=snapshot(new),
            reason=reason,
        )
    return new
