"""The common app's records: users, role assignments, the audit trail, access tokens, login
failures, and the abstract versioned record every lifecycle-managed model extends."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citycarbon.server.common.choices import LifecycleState
from citycarbon.server.common.errors import ImmutableRecordError

__all__ = [
    "AccessToken",
    "AuditEvent",
    "DataGeneration",
    "LoginFailure",
    "RoleAssignment",
    "User",
    "VersionedRecord",
]


class User(AbstractUser):
    """A person (or a machine account) who signs in. Roles come from role assignments."""

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"password", "last_login"})
    #: Users are not scoped by jurisdiction; who may list them is decided by permission only.
    scope_lookups: ClassVar[Mapping[str, str] | None] = None

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")


class RoleAssignment(models.Model):
    """``user`` holds ``role`` over ``(scope_kind, scope_id)``; ``("global", 0)`` is everything.

    ``role`` and ``scope_kind`` are keys of the registries in ``common.roles`` (no database
    choices, so new roles and kinds need no migration).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=40)
    scope_kind = models.CharField(_("scope kind"), max_length=40)
    scope_id = models.PositiveBigIntegerField(_("scope id"), default=0)
    created_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scope_lookups: ClassVar[Mapping[str, str] | None] = None

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = (
            models.UniqueConstraint(
                fields=("user", "role", "scope_kind", "scope_id"), name="common_role_once"
            ),
        )

    def __str__(self) -> str:
        return f"{self.user} · {self.role} · {self.scope_kind} {self.scope_id}"


class AuditEvent(models.Model):
    """One state change: who, when, what action on which object, before and after.

    Written by services in the same transaction as the change (``services.record_event``);
    never changed or deleted afterwards.
    """

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    actor_name = models.CharField(_("actor"), max_length=150)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    scope_lookups: ClassVar[Mapping[str, str] | None] = None

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ("-at", "-id")
        indexes = (models.Index(fields=("object_type", "object_id"), name="common_audit_object"),)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRecordError(_("Audit events cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecordError(_("Audit events cannot be deleted."))


class AccessToken(models.Model):
    """A personal access token for machines: ``Authorization: Bearer <token>``.

    Only the SHA-256 digest is stored; the token is shown once when created. A token acts with
    its user's roles (read-only tokens with their view permissions only) and stops working when
    revoked or expired.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    read_only = models.BooleanField(_("read only"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"digest", "last_used_at"})
    scope_lookups: ClassVar[Mapping[str, str] | None] = None

    class Meta:
        verbose_name = _("access token")
        verbose_name_plural = _("access tokens")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_active(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class LoginFailure(models.Model):
    """Failed sign-ins for one username from one address, and the lock they led to."""

    username = models.CharField(max_length=150)
    ip = models.CharField(max_length=45, blank=True)
    failures = models.PositiveIntegerField(default=0)
    first_failed_at = models.DateTimeField(default=timezone.now)
    last_failed_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("username", "ip"), name="common_login_failure_once"),
        )


class DataGeneration(models.Model):
    """A new generation of one domain's data (an app label: ``geo``, ``targets`` …).

    A row is added in the transaction of every change to the domain's data
    (:func:`citycarbon.server.common.cache.bump`); the domain's current generation is the
    ``stamp`` of its newest row. Rows are only added (older rows of a domain are deleted after
    the commit), so writers never wait for one another because of the cache. The stamp is
    random, not counted: a rolled-back or restored database never brings back a generation
    already used in a cache key.
    """

    domain = models.CharField(max_length=100)
    stamp = models.BigIntegerField()

    class Meta:
        verbose_name = _("data generation")
        verbose_name_plural = _("data generations")
        indexes = (models.Index(fields=("domain", "id"), name="common_generation_domain"),)

    def __str__(self) -> str:
        return f"{self.domain}@{self.stamp}"


class VersionedRecord(models.Model):
    """Abstract base of every record with the lifecycle draft → submitted → approved →
    published.

    A published record never changes (``save`` and ``delete`` refuse); a correction is a new
    version in the same lineage that ``supersedes`` it and says why. The transitions are the
    service helpers in ``common.services`` (``do_submit`` … ``do_correct``); concrete apps call
    them, adding their own checks through :meth:`lifecycle_errors` and copying child rows in
    :meth:`copy_children`.

    Concrete models say how to reach their scope through ``scope_lookups`` (e.g.
    ``{"jurisdiction": "jurisdiction"}``), so ``selectors.scoped`` can limit every query.
    """

    lineage = models.UUIDField(_("lineage"), default=uuid.uuid4, editable=False, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=LifecycleState.choices(),
        default=LifecycleState.DRAFT.value,
        db_index=True,
        editable=False,
    )
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        editable=False,
    )
    correction_reason = models.TextField(_("reason for correction"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    #: Fields the lifecycle manages; never copied into a correction nor edited in a draft.
    LIFECYCLE_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {
            "id",
            "lineage",
            "version",
            "state",
            "supersedes",
            "correction_reason",
            "created_at",
            "created_by",
            "submitted_at",
            "submitted_by",
            "approved_at",
            "approved_by",
            "published_at",
            "published_by",
        }
    )
    scope_lookups: ClassVar[Mapping[str, str] | None] = {}

    class Meta:
        abstract = True
        constraints = (
            models.UniqueConstraint(
                fields=("lineage", "version"), name="%(app_label)s_%(class)s_lineage_version"
            ),
        )

    _loaded_state: str | None = None

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        instance._loaded_state = instance.__dict__.get("state")
        return instance

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._loaded_state == LifecycleState.PUBLISHED:
            raise ImmutableRecordError(
                _("A published record cannot be changed; open a correction instead."),
                field="state",
                value=self._loaded_state,
            )
        super().save(*args, **kwargs)
        self._loaded_state = self.state

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self._loaded_state not in (None, LifecycleState.DRAFT):
            raise ImmutableRecordError(
                _("Only drafts can be deleted."), field="state", value=self._loaded_state
            )
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.state == LifecycleState.PUBLISHED

    def lifecycle_errors(self, target: str) -> list[Any]:
        """Problems that stop the move to ``target`` (a list of ``ErrorRecord``); none here."""
        return []

    def copy_children(self, new_version: VersionedRecord) -> None:
        """Copy child rows (lines, values) onto a correction; nothing to copy here."""
