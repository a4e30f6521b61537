"""Read queries of the common app, and the one rule that scopes every queryset: ``scoped``.

Every query a page or an endpoint runs goes through :func:`scoped` (or a selector built on it),
so what a user can see is decided in one place: the union, over the user's grants that allow
the permission, of the rows inside the grant's scope — published rows only for roles that do
not see unpublished work. Object-level checks (:func:`can`, :func:`require`) apply the same
rule to one instance without a query.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeAlias, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from citycarbon.server.common import cache
from citycarbon.server.common.choices import LifecycleState
from citycarbon.server.common.errors import NotFoundError, PermissionDeniedError
from citycarbon.server.common.models import (
    AccessToken,
    AuditEvent,
    LoginFailure,
    RoleAssignment,
    User,
    VersionedRecord,
)
from citycarbon.server.common.roles import (
    PUBLIC_GRANT,
    Grant,
    Reach,
    action_of,
    role_spec,
    scope_kind_spec,
)

__all__ = [
    "AuditFilter",
    "assignments_of",
    "audit_events",
    "cached_for",
    "can",
    "describe_scope",
    "get_visible",
    "grants_for",
    "has_perm",
    "login_locked_until",
    "perm_for",
    "require",
    "scope_fingerprint",
    "scoped",
    "tokens_of",
]

M = TypeVar("M", bound=Model)
T = TypeVar("T")
AnyUser: TypeAlias = User | AnonymousUser

_GRANTS_ATTR = "_citycarbon_grants"
_EXPANSIONS_ATTR = "_citycarbon_scope_expansions"
_FINGERPRINT_ATTR = "_citycarbon_scope_fingerprint"
_REACH_ATTR = "_citycarbon_scope_reach"
#: Role assignments and scope expansions are cached (keyed by the generations they read) for
#: at most this long, so even a change made behind the services' back is seen within it.
GRANTS_CACHE_SECONDS = 60
#: Set on a user authenticated by a read-only access token (by ``common.auth``).
READ_ONLY_ATTR = "_citycarbon_read_only"


def perm_for(model: type[Model], action: str) -> str:
    """``perm_for(Jurisdiction, "view")`` → ``"geo.view_jurisdiction"``."""
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def grants_for(user: AnyUser | None) -> tuple[Grant, ...]:
    """The user's grants (cached on the user object for the request), always with the public
    grant every visitor holds."""
    if user is None or not user.is_authenticated or not user.is_active:
        return (PUBLIC_GRANT,)
    cached: tuple[Grant, ...] | None = getattr(user, _GRANTS_ATTR, None)
    if cached is not None:
        return cached
    read_only = bool(getattr(user, READ_ONLY_ATTR, False))
    grants: list[Grant] = []
    assigned = cache.cached(
        "common.assignments",
        user.pk,
        ("common",),
        lambda: list(
            RoleAssignment.objects.filter(user=user).values_list("role", "scope_kind", "scope_id")
        ),
        timeout=GRANTS_CACHE_SECONDS,
    )
    for role, kind, scope_id in assigned:
        try:
            role_spec(role)
            scope_kind_spec(kind)
        except LookupError:
            continue  # a role or scope kind no longer registered grants nothing
        grants.append(Grant(role=role, scope_kind=kind, scope_id=scope_id, read_only=read_only))
    grants.append(PUBLIC_GRANT)
    result = tuple(grants)
    setattr(user, _GRANTS_ATTR, result)
    return result


def forget_grants(user: AnyUser) -> None:
    """Drop the cached grants (after the user's role assignments changed)."""
    for attr in (_GRANTS_ATTR, _EXPANSIONS_ATTR, _REACH_ATTR, _FINGERPRINT_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


def has_perm(user: AnyUser | None, perm: str) -> bool:
    """Whether any of the user's grants allows ``perm`` somewhere."""
    return any(grant.allows(perm) for grant in grants_for(user))


def _expand(user: AnyUser | None, grant: Grant) -> frozenset[int] | None:
    """Ids covered by the grant's scope (``None``: everything), memoised per user object."""
    spec = scope_kind_spec(grant.scope_kind)
    if spec.expand is None:
        return None
    key = (grant.scope_kind, grant.scope_id)
    memo: dict[tuple[str, int], frozenset[int]] | None = getattr(user, _EXPANSIONS_ATTR, None)
    if memo is None:
        memo = {}
        if user is not None and user.is_authenticated:
            setattr(user, _EXPANSIONS_ATTR, memo)
    if key not in memo:
        expand = spec.expand
        if spec.domains:
            memo[key] = cache.cached(
                "common.scope",
                key,
                spec.domains,
                lambda: expand(grant.scope_id),
                timeout=GRANTS_CACHE_SECONDS,
            )
        else:
            memo[key] = expand(grant.scope_id)
    return memo[key]


def _reach_items(user: AnyUser | None, grant: Grant) -> frozenset[Any]:
    """The grant's reach items (``ScopeKindSpec.reach``; empty when the kind has none),
    memoised per user object and cached like the scope's expansion — for the day too, since
    they may depend on the date."""
    spec = scope_kind_spec(grant.scope_kind)
    reach = spec.reach
    if reach is None:
        return frozenset()
    key = (grant.scope_kind, grant.scope_id)
    memo: dict[tuple[str, int], frozenset[Any]] | None = getattr(user, _REACH_ATTR, None)
    if memo is None:
        memo = {}
        if user is not None and user.is_authenticated:
            setattr(user, _REACH_ATTR, memo)
    if key not in memo:
        if spec.domains:
            memo[key] = cache.cached(
                "common.reach",
                (*key, timezone.localdate().isoformat()),
                spec.domains,
                lambda: reach(grant.scope_id),
                timeout=GRANTS_CACHE_SECONDS,
            )
        else:
            memo[key] = reach(grant.scope_id)
    return memo[key]


def describe_scope(kind: str, scope_id: int) -> str:
    """The name of a scope (``郑州市``), cached until the data it is read from change."""
    spec = scope_kind_spec(kind)
    if not spec.domains:
        return str(spec.describe(scope_id))
    return cache.cached(
        "common.scope_name",
        (kind, scope_id),
        spec.domains,
        lambda: str(spec.describe(scope_id)),
        timeout=GRANTS_CACHE_SECONDS,
    )


def scope_fingerprint(user: AnyUser | None) -> str:
    """What the user may see and do, as a short key: their grants with the ids each scope
    covers (and its reach items, if its kind has any). Users with the same roles over the same
    jurisdictions have the same fingerprint (and share cached values); nothing of the user
    themself is in it."""
    cached_value: str | None = getattr(user, _FINGERPRINT_ATTR, None)
    if cached_value is not None:
        return cached_value
    parts = sorted(
        repr(
            (
                grant.role,
                grant.scope_kind,
                grant.read_only,
                None if (ids := _expand(user, grant)) is None else sorted(ids),
                *((sorted(reached),) if (reached := _reach_items(user, grant)) else ()),
            )
        )
        for grant in grants_for(user)
    )
    found = hashlib.blake2b("|".join(parts).encode(), digest_size=12).hexdigest()
    if user is not None and user.is_authenticated:
        setattr(user, _FINGERPRINT_ATTR, found)
    return found


def cached_for(
    user: AnyUser | None,
    what: str,
    args: Any,
    domains: Iterable[str],
    compute: Callable[[], T],
    *,
    timeout: int | None = None,
) -> T:
    """``compute()`` for what ``user`` may see, cached for everyone with the same scope until
    one of ``domains`` changes (:func:`citycarbon.server.common.cache.cached`)."""
    return cache.cached(
        what, args, domains, compute, scope=scope_fingerprint(user), timeout=timeout
    )


def _scope_lookups(model: type[Model]) -> dict[str, str] | None:
    lookups = getattr(model, "scope_lookups", {})
    return None if lookups is None else dict(lookups)


def _is_versioned(model: type[Model]) -> bool:
    return issubclass(model, VersionedRecord)


def scoped(qs: QuerySet[M], user: AnyUser | None, perm: str | None = None) -> QuerySet[M]:
    """Limit ``qs`` to the rows ``user`` may ``perm`` (default: view) — the one scoping rule.

    A grant reaches a model through the model's ``scope_lookups`` (``{"jurisdiction":
    "jurisdiction"}``: a jurisdiction-scoped grant covers rows whose ``jurisdiction`` lies in
    its subtree; ``""`` means the row *is* the scope object). A model with
    ``scope_lookups = None`` is not divided by scope: the permission alone decides. A global
    grant covers every row. A scope kind may also reach a model through other records
    (``ScopeKindSpec.reaches``: a verifier organisation, the enterprise-years it is assigned
    to): those rows are added by one condition. Roles that do not see unpublished work see
    versioned records only once published.
    """
    model = qs.model
    perm = perm or perm_for(model, "view")
    lookups = _scope_lookups(model)
    versioned = _is_versioned(model)
    conditions: list[Q] = []
    for grant in grants_for(user):
        if not grant.allows(perm):
            continue
        ids = _expand(user, grant)
        if ids is None or lookups is None:
            condition = Q()
        else:
            parts: list[Q] = []
            if grant.scope_kind in lookups:
                lookup = lookups[grant.scope_kind]
                parts.append(Q(**{f"{lookup}__in" if lookup else "pk__in": sorted(ids)}))
            reach = _reach_of(model, grant)
            reached = _reach_items(user, grant) if reach is not None else frozenset()
            if reach is not None and reached:
                parts.append(reach.rows(reached))
            if not parts:
                continue  # this kind of scope does not reach this model
            condition = parts[0] if len(parts) == 1 else parts[0] | parts[1]
        if versioned and not grant.spec.sees_unpublished:
            condition &= Q(state=LifecycleState.PUBLISHED)
        if not condition:
            return qs  # one grant covers every row
        conditions.append(condition)
    if not conditions:
        return qs.none()
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return qs.filter(combined)


def _reach_of(model: type[Model], grant: Grant) -> Reach | None:
    """How the grant's kind of scope reaches ``model`` through other records, if it does."""
    return scope_kind_spec(grant.scope_kind).reaches.get(model._meta.label_lower)


def _follow(instance: Model, lookup: str) -> Any:
    """The primary key reached from ``instance`` by ``lookup`` (``""``: its own)."""
    if not lookup:
        return instance.pk
    *hops, last = lookup.split("__")
    target: Any = instance
    for hop in hops:
        target = getattr(target, hop, None)
        if target is None:
            return None
    return getattr(target, f"{last}_id", None)


def can(user: AnyUser | None, perm: str, obj: Model | None = None) -> bool:
    """Whether ``user`` may ``perm`` on ``obj`` (saved or not), or somewhere when ``obj`` is
    ``None``. The same rule as :func:`scoped`, evaluated on the instance."""
    if obj is None:
        return has_perm(user, perm)
    lookups = _scope_lookups(type(obj))
    published = getattr(obj, "state", None) == LifecycleState.PUBLISHED
    versioned = isinstance(obj, VersionedRecord)
    for grant in grants_for(user):
        if not grant.allows(perm):
            continue
        if versioned and not grant.spec.sees_unpublished and not published:
            continue
        ids = _expand(user, grant)
        if ids is None or lookups is None:
            return True
        if grant.scope_kind in lookups and _follow(obj, lookups[grant.scope_kind]) in ids:
            return True
        reach = _reach_of(type(obj), grant)
        if reach is not None and reach.covers(obj, _reach_items(user, grant)):
            return True
    return False


def require(user: AnyUser | None, perm: str, obj: Model | None = None) -> None:
    """Refuse unless :func:`can`: 404 when the user may not even see ``obj``, else 403.

    ``user=None`` is the system (management commands, data loading) and may do anything.
    """
    if user is None:
        return
    if can(user, perm, obj):
        return
    if obj is None or obj._state.adding:
        raise _forbidden(user, perm)
    if not can(user, perm_for(type(obj), "view"), obj):
        raise NotFoundError(_not_found(type(obj)), field="id", value=getattr(obj, "pk", None))
    raise _forbidden(user, perm)


def _forbidden(user: AnyUser, perm: str) -> PermissionDeniedError:
    """403, saying so when the caller's access token is read-only and this is not a read."""
    if getattr(user, READ_ONLY_ATTR, False) and action_of(perm) != "view":
        return PermissionDeniedError(
            _(
                "This access token is read-only: it may only read. Create a token with "
                "read_only: false to write."
            ),
            field="token",
            value="read_only",
        )
    return PermissionDeniedError()


def _not_found(model: type[Model]) -> str:
    return _("%(object)s not found.") % {"object": capfirst(model._meta.verbose_name)}


def get_visible(qs: QuerySet[M], user: AnyUser | None, field: str, value: Any) -> Any:
    """The one row with ``field == value`` that ``user`` may see, else :class:`NotFoundError`
    naming the field and value (the same answer whether it does not exist or is hidden)."""
    try:
        return scoped(qs, user).get(**{field: value})
    except qs.model.DoesNotExist:
        raise NotFoundError(_not_found(qs.model), field=field, value=value) from None


# --- role assignments, tokens, login throttling -------------------------------------------


def assignments_of(user: User) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(user=user).order_by("role", "scope_kind", "scope_id")


def tokens_of(user: User) -> QuerySet[AccessToken]:
    """The user's own tokens, newest first."""
    return AccessToken.objects.filter(user=user).order_by("-created_at", "-id")


def login_locked_until(username: str, ip: str | None) -> datetime | None:
    """When the lock on this username and address ends, if it is locked now."""
    row = (
        LoginFailure.objects.filter(username=username.strip().lower(), ip=ip or "")
        .only("locked_until")
        .first()
    )
    if row is None or row.locked_until is None or row.locked_until <= timezone.now():
        return None
    return row.locked_until


# --- the audit trail ---------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    """What the audit-trail browser and its export filter on (all optional)."""

    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def apply(self, qs: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        if self.actor:
            qs = qs.filter(actor_name=self.actor)
        if self.action:
            qs = qs.filter(action=self.action)
        if self.object_type:
            qs = qs.filter(object_type=self.object_type)
        if self.object_id:
            qs = qs.filter(object_id=self.object_id)
        zone = timezone.get_current_timezone()
        if self.date_from:
            qs = qs.filter(at__gte=datetime.combine(self.date_from, time.min, tzinfo=zone))
        if self.date_to:
            end = datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=zone)
            qs = qs.filter(at__lt=end)
        return qs


def audit_events(user: AnyUser | None, filters: AuditFilter | None = None) -> QuerySet[AuditEvent]:
    """The audit events ``user`` may read (the city office's), filtered, newest first."""
    qs = scoped(AuditEvent.objects.all(), user)
    if filters is not None:
        qs = filters.apply(qs)
    return qs.order_by("-at", "-id")


def audit_choices(user: AnyUser | None) -> dict[str, list[str]]:
    """Distinct actors, actions and object types the user's audit trail contains."""
    qs = scoped(AuditEvent.objects.all(), user)

    def distinct(field: str) -> list[str]:
        return [str(v) for v in qs.order_by(field).values_list(field, flat=True).distinct()]

    return {
        "actor": distinct("actor_name"),
        "action": distinct("action"),
        "object_type": distinct("object_type"),
    }


def events_for(obj: Model) -> QuerySet[AuditEvent]:
    """The audit history of one object, oldest first (for provenance pages)."""
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("at", "id")


def users_named(usernames: Iterable[str]) -> QuerySet[User]:
    return User.objects.filter(username__in=list(usernames))
