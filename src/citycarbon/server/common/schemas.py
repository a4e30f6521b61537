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
    "PageOut",
    "PageQuery",
    "TokenCreateIn",
    "TokenCreatedOut",
    "TokenOut",
]


#: Items per page of an API list when the caller does not say.
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class PageQuery(Schema):
    """The page of a list endpoint: ``page`` (from 1) and ``page_size`` (1 to 500, 50 by
    default). A page past the last is refused with 404 (the first page of an empty list is
    empty)."""

    page: int = Field(1, ge=1, description="page number, from 1")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"items per page (at most {MAX_PAGE_SIZE})",
    )


class PageOut(Schema):
    """One page of a list: the items, their total ``count``, the ``page`` and the number of
    ``pages``. Each list endpoint extends it with its ``items``."""

    count: int
    page: int
    pages: int


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
