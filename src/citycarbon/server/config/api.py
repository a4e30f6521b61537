"""The one django-ninja API, mounted at ``/api/`` with OpenAPI docs at ``/api/docs``.

Each app contributes a router; errors are mapped to HTTP here and only here:

- :class:`~citycarbon.server.common.errors.DomainError` → its status (400, 403, 404, 409) with
  ``{"code", "message", "field", "value", "errors"}``;
- invalid request data (schema validation) → 422 with the same shape, one error per field;
- no or bad credentials → 401; Django's own 404 and permission refusals → 404 and 403.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationErrorContext
from ninja.errors import ValidationError as NinjaValidationError

from citycarbon import __version__
from citycarbon.server.common.api import router as common_router
from citycarbon.server.common.errors import DomainError
from citycarbon.server.geo.api import router as geo_router

__all__ = ["api"]


class CityCarbonAPI(NinjaAPI):
    """NinjaAPI that keeps the refused input of each validation error (ninja drops it), so
    every refusal can name the field *and* the value."""

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext[Any]]
    ) -> NinjaValidationError:
        errors: list[dict[str, Any]] = []
        for context in error_contexts:
            model = context.model
            source = model.__ninja_param_source__
            flat = model.__ninja_flatten_map_reverse__
            for problem in context.pydantic_validation_error.errors(include_url=False):
                location = tuple(problem["loc"])
                errors.append(
                    {
                        "loc": (source, *flat.get(location, location)),
                        "msg": problem["msg"],
                        "type": problem["type"],
                        "input": _plain(problem.get("input")),
                    }
                )
        return NinjaValidationError(errors)


api = CityCarbonAPI(
    title="citycarbon API",
    version=__version__,
    description=(
        "A city's greenhouse-gas control system. Browsers use their session (send the CSRF "
        "token on unsafe requests); machines send `Authorization: Bearer <personal access "
        "token>` (create one on the account page). Refusals carry `code`, `message` and, "
        "where one input is at fault, its `field` and `value`."
    ),
    urls_namespace="api",
    docs_url="/docs",
)

api.add_router("/", common_router)
api.add_router("/geo/", geo_router)
if "citycarbon.server.testing" in settings.INSTALLED_APPS:
    from citycarbon.server.testing.api import router as testing_router

    api.add_router("/testing/", testing_router)


def _json(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    return _json(request, error.status, error.as_dict())


@api.exception_handler(NinjaValidationError)
def _invalid_request(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    items = []
    for problem in error.errors:
        location = [str(part) for part in problem.get("loc", ())]
        # ("body", "payload", "name") → "name"; ("query", "page") → "page"
        field = location[-1] if location else None
        items.append(
            {
                "message": str(problem.get("msg", "invalid")),
                "field": field,
                "value": _plain(problem.get("input")),
                "row": None,
                "severity": "error",
            }
        )
    first = items[0] if items else {"message": _("Invalid request."), "field": None, "value": None}
    body = {
        "code": "invalid_request",
        "message": first["message"],
        "field": first["field"],
        "value": first["value"],
        "errors": items,
    }
    return _json(request, 422, body)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    text = str(value)
    return text if len(text) <= 200 else text[:200] + "…"


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    response = _json(
        request,
        401,
        {"code": "unauthenticated", "message": _("Sign in or send a valid bearer token.")},
    )
    response["WWW-Authenticate"] = 'Bearer realm="citycarbon"'
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    code = "forbidden" if error.status_code == 403 else "error"
    return _json(request, error.status_code, {"code": code, "message": str(error.message)})


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return _json(request, 404, {"code": "not_found", "message": _("Not found.")})


@api.exception_handler(DjangoPermissionDenied)
def _forbidden(request: HttpRequest, error: DjangoPermissionDenied) -> HttpResponse:
    return _json(
        request, 403, {"code": "forbidden", "message": _("You are not allowed to do this.")}
    )
