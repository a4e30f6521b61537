"""Read-only admin views for superusers to inspect records. Changes go through services
(audited), never through the admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from citycarbon.server.common.models import AccessToken, AuditEvent, RoleAssignment, User


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "email", "is_active", "last_login")
    search_fields = ("username", "email")
    exclude = ("password",)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("user", "role", "scope_kind", "scope_id", "created_at")
    list_filter = ("role", "scope_kind")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_name", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("actor_name", "object_id", "object_repr")


@admin.register(AccessToken)
class AccessTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "user", "prefix", "read_only", "created_at", "revoked_at")
    exclude = ("digest",)
