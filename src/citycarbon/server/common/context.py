"""The request a service runs under (id and client address), for the audit trail.

The middleware sets it for each request; management commands and tests run without one.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from ipaddress import ip_address

from django.conf import settings
from django.http import HttpRequest

__all__ = ["RequestMeta", "client_ip", "current", "request_id_from", "using"]

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


@dataclass(frozen=True)
class RequestMeta:
    request_id: str = ""
    ip: str | None = None
    #: ``"<METHOD> <path>"`` of the request (named by the audit events of refused attempts).
    request: str = ""


_NO_REQUEST = RequestMeta()
_CURRENT: ContextVar[RequestMeta | None] = ContextVar("citycarbon_request", default=None)


def current() -> RequestMeta:
    """The request being served, or an empty one outside a request."""
    return _CURRENT.get() or _NO_REQUEST


@contextmanager
def using(meta: RequestMeta) -> Iterator[RequestMeta]:
    token = _CURRENT.set(meta)
    try:
        yield meta
    finally:
        _CURRENT.reset(token)


def request_id_from(request: HttpRequest) -> str:
    """The caller's ``X-Request-ID`` when it is a sane token, else a fresh one."""
    given = request.headers.get("X-Request-ID", "")
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex


def _valid_ip(text: str) -> str | None:
    try:
        return str(ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or the first ``X-Forwarded-For`` hop when the
    deployment says a trusted proxy sets it (``CITYCARBON_TRUST_X_FORWARDED_FOR=1``)."""
    if getattr(settings, "CITYCARBON_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            first = _valid_ip(forwarded.split(",")[0])
            if first:
                return first
    return _valid_ip(request.META.get("REMOTE_ADDR", ""))
