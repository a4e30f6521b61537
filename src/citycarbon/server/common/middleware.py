"""Request-wide concerns: request id and client address for the audit trail, request size
limit, the language (Chinese unless the visitor chose English), security headers, and the
pages' half of mapping domain errors to HTTP."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from citycarbon.server.common import context
from citycarbon.server.common.errors import DomainError

__all__ = [
    "DomainErrorMiddleware",
    "LocaleMiddleware",
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
            request_id=context.request_id_from(request), ip=context.client_ip(request)
        )
        request.request_id = meta.request_id
        with context.using(meta):
            response = self.get_response(request)
        response["X-Request-ID"] = meta.request_id
        return response


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
    """Pages: a :class:`DomainError` raised by a view becomes an error page with its status.
    (The API maps the same errors in ``config.api``.)"""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError) or _is_api(request):
            return None
        return render(
            request,
            "common/error.html",
            {"error": exception, "status": exception.status},
            status=exception.status,
        )
