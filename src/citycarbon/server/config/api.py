"""The one django-ninja API, mounted at ``/api/`` with OpenAPI docs at ``/api/docs``.

Each app contributes a router; errors are mapped to HTTP here and only here:

- :class:`~citycarbon.server.common.errors.DomainError` → its status (400, 403, 404, 409) with
  ``{"code", "message", "field", "value", "errors"}`` (and a refusal marked as an attempt is
  recorded in the audit trail: ``common.refusals``);
- invalid request data (schema validation) → 422 with the same shape, one error per field;
- no or bad credentials → 401; Django's own 404 and permission refusals → 404 and 403.

The refusals this module and the framework produce for *any* operation are documented here
too, so every status a client can receive is in the OpenAPI schema (schemathesis checks it):
401 on every authenticated operation (a wrong bearer token), 403 on unsafe methods that accept
the browser session (CSRF), 422 on every operation that takes input, 413 on every operation
with a body; an operation that also serves anonymous callers lists the empty security
requirement ``{}``. Refusals particular to an operation (404 for an unknown id, 409 …) are
declared by the operation itself.
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
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from ninja.security.apikey import APIKeyCookie
from ninja.types import DictStrAny

from citycarbon import __version__
from citycarbon.server.common.api import router as common_router
from citycarbon.server.common.api import store_answer
from citycarbon.server.common.auth import public_auth
from citycarbon.server.common.errors import DomainError
from citycarbon.server.common.refusals import record_request_refusal
from citycarbon.server.common.schemas import ErrorOut
from citycarbon.server.factors.api import router as factors_router
from citycarbon.server.geo.api import router as geo_router
from citycarbon.server.inventory.api import router as inventory_router
from citycarbon.server.mrv.api import router as mrv_router
from citycarbon.server.stats.api import router as stats_router
from citycarbon.server.targets.api import router as targets_router

__all__ = ["api"]


_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_BODY_SOURCES = frozenset({"body", "form", "file"})


class CityCarbonOpenAPISchema(OpenAPISchema):
    """ninja's OpenAPI document plus the refusals common to every operation (see the module
    docstring) and ``{}`` in the security of operations open to anonymous callers."""

    def responses(self, operation: Operation) -> dict[int, DictStrAny]:
        result = super().responses(operation)
        sources = {model.__ninja_param_source__ for model in operation.models}
        callbacks = operation.auth_callbacks or []
        common: dict[int, str] = {}
        if any(hasattr(auth, "openapi_security_schema") for auth in callbacks):
            common[401] = "Unauthorized"
        if set(operation.methods) & _UNSAFE_METHODS and any(
            isinstance(auth, APIKeyCookie) and auth.csrf for auth in callbacks
        ):
            common[403] = "Forbidden"
        if sources & _BODY_SOURCES:
            common[413] = "Content Too Large"
        if sources:
            common[422] = "Unprocessable Content"
        missing = [status for status in common if status not in result]
        if missing:
            wrapped = operation._create_response_model(ErrorOut)  # as ninja wraps responses
            schema = self._create_schema_from_model(
                wrapped,  # type: ignore[type-var]  # a response model, not a parameter model
                mode="serialization",
            )[0]
            for status in missing:
                result[status] = {
                    "description": common[status],
                    "content": {self.api.renderer.media_type: {"schema": schema}},
                }
        return result

    def operation_security(self, operation: Operation) -> list[DictStrAny] | None:
        result = super().operation_security(operation)
        if result and any(auth is public_auth for auth in operation.auth_callbacks or []):
            result.append({})  # the caller may also come without credentials
        return result


class CityCarbonAPI(NinjaAPI):
    """NinjaAPI that keeps the refused input of each validation error (ninja drops it), so
    every refusal can name the field *and* the value, documents the common refusals, and
    stores the answers of operations under ``common.api.cached_read``."""

    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        store_answer(request, response)
        return response

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: DictStrAny | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return CityCarbonOpenAPISchema(self, path_prefix)

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
api.add_router("/factors/", factors_router)
api.add_router("/inventory/", inventory_router)
api.add_router("/stats/", stats_router)
api.add_router("/targets/", targets_router)
api.add_router("/mrv/", mrv_router)
if "citycarbon.server.testing" in settings.INSTALLED_APPS:
    from citycarbon.server.testing.api import router as testing_router

    api.add_router("/testing/", testing_router)


def _json(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    record_request_refusal(request, error)  # a refusal marked as an attempt is audited
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
