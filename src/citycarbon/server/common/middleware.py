"""Request-wide concerns: request id and client address for the audit trail, request size
limit, the language (Chinese unless the visitor chose English), security headers, and the
pages' half of mapping domain errors to HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from citycarbon.server.common import cache, context, refusals
from citycarbon.server.common.errors import DomainError

__all__ = [
    "CacheGenerationsMiddleware",
    "DomainErrorMiddleware",
    "LocaleMiddleware",
    "NullCharacterMiddleware",
    "RequestContextMiddleware",
    "RequestSizeLimitMiddleware",
    "SecurityHeadersMiddleware",
]

Handler = Callable[[HttpRequest], HttpResponse]


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class RequestContextMiddleware:
    """Give each request an id (the caller's ``X-Request-ID`` when sane) and note the client
    address, for the audit events written while it is served."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = context.RequestMeta(
            request_id=context.request_id_from(request),
            ip=context.client_ip(request),
            request=f"{request.method} {request.path}"[:300],
        )
        request.request_id = meta.request_id
        with context.using(meta):
            response = self.get_response(request)
        response["X-Request-ID"] = meta.request_id
        return response


class CacheGenerationsMiddleware:
    """Read the data generations (:mod:`citycarbon.server.common.cache`) at most once per
    request, on first use."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with cache.request_generations():
            return self.get_response(request)


class RequestSizeLimitMiddleware:
    """Refuse bodies over ``CITYCARBON_MAX_REQUEST_BYTES`` with 413 before reading them."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.CITYCARBON_MAX_REQUEST_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit and length > limit:
            message = _("The request is too large (at most %(limit)d bytes).") % {"limit": limit}
            if _is_api(request):
                return JsonResponse(
                    {"code": "too_large", "message": message, "field": "body", "value": length},
                    status=413,
                )
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class NullCharacterMiddleware:
    """Refuse a NUL character (U+0000) anywhere in the path, the query string or a JSON or
    form body: 422 with the field and value on the API, 400 on pages. PostgreSQL cannot
    store NUL in text and fails on a lookup with one (found by schemathesis); Django's form
    fields already refuse it, the API's schemas do not. Multipart bodies (uploaded files,
    binary) are left to the forms that read them."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        found = self._find(request)
        if found is None:
            return self.get_response(request)
        field, value = found
        message = str(ProhibitNullCharactersValidator.message)
        if _is_api(request):
            shown = value.replace("\x00", "\\u0000")
            error = {"message": message, "field": field, "value": shown, "row": None}
            body = {
                "code": "invalid_request",
                "message": message,
                "field": field,
                "value": shown,
                "errors": [{**error, "severity": "error"}],
            }
            return JsonResponse(body, status=422)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")

    @classmethod
    def _find(cls, request: HttpRequest) -> tuple[str, str] | None:
        """The first (field, value) holding a NUL, or ``None``."""
        if "\x00" in request.path:
            return "path", request.path
        if "%00" in request.META.get("QUERY_STRING", ""):
            for key, values in request.GET.lists():
                for value in [key, *values]:
                    if "\x00" in value:
                        return key, value
        content_type = request.META.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
        if content_type == "application/json":
            raw = request.body
            if b"\x00" in raw:
                return "body", raw.decode("utf-8", "replace")[:200]
            if b"\\u0000" in raw:
                try:
                    return cls._in_json(json.loads(raw), "body")
                except ValueError:
                    return None  # not JSON: the API's own parsing refuses it
        elif content_type == "application/x-www-form-urlencoded" and (
            b"%00" in request.body or b"\x00" in request.body
        ):
            for key, values in request.POST.lists():
                for value in [key, *values]:
                    if "\x00" in value:
                        return key, value
        return None

    @classmethod
    def _in_json(cls, data: Any, field: str) -> tuple[str, str] | None:
        if isinstance(data, str):
            return (field, data) if "\x00" in data else None
        if isinstance(data, dict):
            for key, value in data.items():
                if "\x00" in key:
                    return key, key
                found = cls._in_json(value, key)
                if found is not None:
                    return found
        if isinstance(data, list):
            for value in data:
                found = cls._in_json(value, field)
                if found is not None:
                    return found
        return None


class LocaleMiddleware(DjangoLocaleMiddleware):
    """The language is the visitor's choice (the language cookie the header switch sets),
    else ``LANGUAGE_CODE`` — Simplified Chinese — whatever the browser asks for."""

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class SecurityHeadersMiddleware:
    """A content security policy (scripts and styles from this site only) and a
    permissions policy, on every response."""

    CSP = "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.CSP)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class DomainErrorMiddleware:
    """Pages: a :class:`DomainError` raised by a view becomes an error page with its status,
    and a refusal marked as an attempt is recorded in the audit trail
    (:func:`~citycarbon.server.common.refusals.record_request_refusal`). (The API maps the same
    errors in ``config.api``.)"""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError) or _is_api(request):
            return None
        refusals.record_request_refusal(request, exception)
        return render(
            request,
            "common/error.html",
            {"error": exception, "status": exception.status},
            status=exception.status,
        )
