"""``/api/`` endpoints of the common app: who am I, my access tokens, the audit trail."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from citycarbon.server.common import cache, selectors, services
from citycarbon.server.common.auth import API_READ, API_WRITE, session_auth
from citycarbon.server.common.errors import NotFoundError, ValidationFailedError
from citycarbon.server.common.models import AccessToken, AuditEvent
from citycarbon.server.common.schemas import (
    AuditPageOut,
    AuditQuery,
    ErrorOut,
    MeOut,
    PageQuery,
    TokenCreatedOut,
    TokenCreateIn,
    TokenOut,
)

router = Router(tags=["common"])

REFUSALS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}

F = TypeVar("F", bound=Callable[..., Any])
#: Set on a request whose answer is to be cached, read by ``config.api`` when it renders it.
CACHE_KEY_ATTR = "_citycarbon_cache_key"


def paginate(items: Sequence[Any], query: PageQuery, out: Callable[[Any], Any]) -> dict[str, Any]:
    """One page of ``items`` (a queryset or a list) as ``{count, page, pages, items}``, each
    item made by ``out``; a page past the last is refused (404)."""
    paginator = Paginator(items, query.page_size)
    try:
        page = paginator.page(query.page)
    except EmptyPage:
        raise NotFoundError(_("No such page."), field="page", value=query.page) from None
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "items": [out(item) for item in page.object_list],
    }


def cached_read(
    *domains: str, vary: Callable[[HttpRequest], Any] | None = None
) -> Callable[[F], F]:
    """Cache the JSON answer of a ``GET`` operation until one of ``domains`` changes, for
    everyone with the caller's scope (:func:`selectors.scope_fingerprint`), per path, query
    string and language. Put it under the router's decorator::

        @router.get("/sets/{code}", response=TargetSetOut, auth=API_READ)
        @cached_read("targets", "geo")
        def get_set(request, code: str): ...

    Only answers with status 200 are stored (``config.api`` stores the rendered body); the
    operation must depend on the caller only through what their grants let them see.
    ``vary(request)`` (anything with a stable ``repr``) is added to the key when the answer
    depends on more than the data, the path and the query — today's date, for an answer
    computed "as of today".
    """

    def decorate(view: F) -> F:
        what = f"api:{view.__module__}.{view.__qualname__}"
        signature = inspect.signature(view, eval_str=True)

        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not cache.enabled() or request.method != "GET":
                return view(request, *args, **kwargs)
            parts: tuple[Any, ...] = (request.path, sorted(request.GET.lists()))
            if vary is not None:
                parts = (*parts, vary(request))
            cache_key = cache.key(
                what,
                parts,
                domains,
                scope=selectors.scope_fingerprint(request.user),
            )
            found = cache.lookup(cache_key)
            if found is not None:
                content_type, body = found
                return HttpResponse(body, content_type=content_type)
            setattr(request, CACHE_KEY_ATTR, cache_key)
            return view(request, *args, **kwargs)

        # ninja reads the parameters from the signature: the view's, with its annotations
        # resolved where the view is defined.
        wrapper.__signature__ = signature  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def store_answer(request: HttpRequest, response: HttpResponse) -> None:
    """Store the rendered answer of an operation under :func:`cached_read` (status 200, not
    larger than ``CITYCARBON_CACHE_MAX_BYTES``)."""
    cache_key = getattr(request, CACHE_KEY_ATTR, None)
    if cache_key is None or response.status_code != 200:
        return
    delattr(request, CACHE_KEY_ATTR)
    body = response.content
    if len(body) <= settings.CITYCARBON_CACHE_MAX_BYTES:
        cache.store(cache_key, (response["Content-Type"], body))


def _token_out(token: AccessToken) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "read_only": token.read_only,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    }


@router.get("/me", response={200: MeOut}, auth=API_READ)
def me(request: HttpRequest) -> dict[str, Any]:
    """The caller and the roles they act with (anonymous callers hold the public role)."""
    user = request.user
    read_only = bool(getattr(user, selectors.READ_ONLY_ATTR, False))
    return {
        "authenticated": user.is_authenticated,
        "username": user.get_username() if user.is_authenticated else None,
        "via_token": hasattr(user, selectors.READ_ONLY_ATTR),
        "read_only": read_only,
        "grants": [
            {
                "role": grant.role,
                "scope_kind": grant.scope_kind,
                "scope_id": grant.scope_id,
                "scope": selectors.describe_scope(grant.scope_kind, grant.scope_id),
            }
            for grant in selectors.grants_for(user)
        ],
    }


@router.get("/tokens", response={200: list[TokenOut], **REFUSALS}, auth=API_WRITE)
def list_tokens(request: HttpRequest) -> list[dict[str, Any]]:
    """The caller's own access tokens."""
    return [_token_out(token) for token in selectors.tokens_of(request.user)]


@router.post("/tokens", response={201: TokenCreatedOut, **REFUSALS}, auth=[session_auth])
def create_token(request: HttpRequest, payload: TokenCreateIn) -> Status[dict[str, Any]]:
    """Create an access token for the signed-in browser user; the secret is returned once.
    (Tokens cannot create tokens.)"""
    token, secret = services.do_create_token(
        request.user,
        name=payload.name,
        read_only=payload.read_only,
        expires_in_days=payload.expires_in_days,
    )
    return Status(201, {**_token_out(token), "token": secret})


@router.post("/tokens/{token_id}/revoke", response={200: TokenOut, **REFUSALS}, auth=API_WRITE)
def revoke_token(request: HttpRequest, token_id: int) -> dict[str, Any]:
    """Revoke one of the caller's tokens (the city office may revoke anyone's)."""
    token = AccessToken.objects.filter(pk=token_id).first()
    if token is None or (
        token.user_id != request.user.pk
        and not selectors.has_perm(request.user, selectors.perm_for(AccessToken, "change"))
    ):
        raise NotFoundError(_("Access token not found."), field="token_id", value=token_id)
    return _token_out(services.do_revoke_token(request.user, token))


@router.get("/audit/events", response={200: AuditPageOut, **REFUSALS}, auth=API_WRITE)
def audit_events(request: HttpRequest, query: Query[AuditQuery]) -> dict[str, Any]:
    """The audit trail, newest first, filtered (the city office)."""
    selectors.require(request.user, selectors.perm_for(AuditEvent, "view"))
    if query.date_from and query.date_to and query.date_from > query.date_to:
        raise ValidationFailedError(
            _("The end date is before the start date."), field="date_to", value=str(query.date_to)
        )
    filters = selectors.AuditFilter(
        actor=query.actor,
        action=query.action,
        object_type=query.object_type,
        object_id=query.object_id,
        date_from=query.date_from,
        date_to=query.date_to,
    )
    events = selectors.audit_events(request.user, filters)
    paginator = Paginator(events, query.page_size)
    try:
        page = paginator.page(query.page)
    except EmptyPage:
        raise NotFoundError(_("No such page."), field="page", value=query.page) from None
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "items": [
            {
                "id": event.pk,
                "at": event.at,
                "actor": event.actor_name,
                "action": event.action,
                "object_type": event.object_type,
                "object_id": event.object_id,
                "object_repr": event.object_repr,
                "before": event.before,
                "after": event.after,
                "reason": event.reason,
                "request_id": event.request_id,
                "ip": event.ip,
            }
            for event in page.object_list
        ],
    }
