"""API schemas of the common app (explicit fields)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

__all__ = [
    "AuditEventOut",
    "AuditPageOut",
    "ErrorOut",
    "GrantOut",
    "MeOut",
    "TokenCreateIn",
    "TokenCreatedOut",
    "TokenOut",
]


class ErrorItemOut(Schema):
    message: str
    field: str | None = None
    value: Any = None
    row: int | None = None
    severity: str = "error"


class ErrorOut(Schema):
    """Every refusal: a code, a message, and the field and value refused where there is one."""

    code: str
    message: str
    field: str | None = None
    value: Any = None
    errors: list[ErrorItemOut] = Field(default_factory=list)


class GrantOut(Schema):
    role: str
    scope_kind: str
    scope_id: int
    scope: str


class MeOut(Schema):
    authenticated: bool
    username: str | None
    via_token: bool
    read_only: bool
    grants: list[GrantOut]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    read_only: bool
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreateIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    read_only: bool = True
    expires_in_days: int | None = Field(90, ge=1, le=366)


class TokenCreatedOut(TokenOut):
    #: Shown once; only its hash is kept.
    token: str


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str
    request_id: str
    ip: str | None


class AuditPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[AuditEventOut]


class AuditQuery(Schema):
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=500)
