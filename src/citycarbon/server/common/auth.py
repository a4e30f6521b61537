"""Who is calling: password sign-in with throttling, and the API's three ways in.

- :class:`ThrottledModelBackend` — Django's password check, refused while the username and
  client address are locked after repeated failures (``CITYCARBON_LOGIN_*`` settings). Every
  password sign-in (pages, admin) goes through it.
- API: :data:`bearer_auth` (personal access tokens, ``Authorization: Bearer cct_…``),
  :data:`session_auth` (the browser's session, CSRF-checked on unsafe methods) and
  :data:`public_auth` (anyone, for endpoints that serve public data). A bearer token that is
  wrong, revoked or expired is refused with 401, never treated as anonymous.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from citycarbon.server.common import cache
from citycarbon.server.common.context import client_ip
from citycarbon.server.common.models import AccessToken, User
from citycarbon.server.common.selectors import (
    GRANTS_CACHE_SECONDS,
    READ_ONLY_ATTR,
    login_locked_until,
)
from citycarbon.server.common.services import (
    TOKEN_PREFIX,
    do_clear_login_failures,
    do_record_login_failure,
    hash_token,
    touch_token,
)

__all__ = [
    "API_READ",
    "API_WRITE",
    "BearerTokenAuth",
    "ThrottledModelBackend",
    "bearer_auth",
    "public_auth",
    "session_auth",
]


class ThrottledModelBackend(ModelBackend):
    """Username and password, with failures counted per username and client address."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        ip = client_ip(request) if request is not None else None
        if login_locked_until(username, ip) is not None:
            # Stops Django trying other backends; the sign-in fails without a password check.
            raise DjangoPermissionDenied("locked")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            do_record_login_failure(username, ip)
            return None
        do_clear_login_failures(username, ip)
        return user


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer <personal access token>``."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        if not token.startswith(TOKEN_PREFIX):
            raise AuthenticationError(401, "invalid token")
        digest = hash_token(token)
        # Cached until the common app's data change (a token revoked or created, a role
        # assigned, a user changed: every such change renews its generation) or a minute has
        # passed; expiry is checked on every request.
        caching = cache.enabled()
        cache_key = cache.key("common.token", digest, ("common",)) if caching else ""
        found: AccessToken | None = cache.lookup(cache_key) if caching else None
        if found is None:
            found = AccessToken.objects.select_related("user").filter(digest=digest).first()
            if found is not None and caching:
                cache.store(cache_key, found, GRANTS_CACHE_SECONDS)
        if found is None or not found.is_active() or not found.user.is_active:
            raise AuthenticationError(401, "invalid, revoked or expired token")
        user = found.user
        setattr(user, READ_ONLY_ATTR, found.read_only)
        request.user = user
        last_used = found.last_used_at
        touch_token(found)
        if found.last_used_at != last_used and caching:
            user.__dict__.pop(READ_ONLY_ATTR, None)  # stored without the request's marks
            cache.store(cache_key, found, GRANTS_CACHE_SECONDS)
            setattr(user, READ_ONLY_ATTR, found.read_only)
        return user


class _PublicAuth:
    """Lets anyone through; what they see is then decided by ``selectors.scoped``."""

    def __call__(self, request: HttpRequest) -> Any:
        return request.user  # AnonymousUser is truthy, so the endpoint runs


bearer_auth = BearerTokenAuth()
session_auth = SessionAuth(csrf=True)
public_auth = _PublicAuth()

#: Endpoints that serve what the public may see (and more to those signed in).
API_READ: list[Any] = [bearer_auth, session_auth, public_auth]
#: Endpoints for signed-in users only.
API_WRITE: list[Any] = [bearer_auth, session_auth]
