"""Caching what is costly to compute, invalidated by data generations.

Every domain (an app label: ``geo``, ``factors``, ``inventory``, ``stats``, ``targets``,
``common``) has a *generation*: a random stamp renewed in the transaction of every change to
the domain's data — by :func:`~citycarbon.server.common.services.record_event` (every audited
change) and by any save or delete of one of the apps' models (bookkeeping such as a
compilation's progress). A cached value is keyed by what it is, its arguments, the active
language, the caller's *scope* (what the user may see, from their grants: never the user
itself, so two users with the same roles over the same jurisdictions share entries) and the
generations of the domains it reads. A change makes new keys; old entries are never read
again and age out. Nothing is ever deleted from the cache to invalidate it, so the cache may be
per process (the default, ``LocMemCache``) or shared (any Django cache backend).

The generations are read at most once per request (one small query, on first use; the
middleware :class:`~citycarbon.server.common.middleware.CacheGenerationsMiddleware` keeps
them for the request) and read again after the request itself changes something. They are
read before the data they guard, so a value stored under a generation is never older than
it: a change committed meanwhile only makes a key that no later request uses.

Generations are rows added, never updated (:class:`~citycarbon.server.common.models.
DataGeneration`): concurrent writers do not wait for one another, and older rows are deleted
after the commit.

``CITYCARBON_CACHE=0`` switches caching off (every value is computed on every request).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import DatabaseError, connection, models, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import translation

from citycarbon import __version__
from citycarbon.server.common.models import AuditEvent, DataGeneration, LoginFailure

__all__ = [
    "bump",
    "cached",
    "connect_signals",
    "domain_of",
    "enabled",
    "generations",
    "key",
    "lookup",
    "request_generations",
    "store",
]

T = TypeVar("T")
logger = logging.getLogger(__name__)

_MISSING = object()
#: Models whose rows are not domain data: the audit trail (written with every change, of any
#: domain), the generations themselves and the sign-in throttle's counters.
_NOT_DATA: tuple[type[models.Model], ...] = (AuditEvent, DataGeneration, LoginFailure)


@dataclass
class _RequestGenerations:
    stamps: dict[str, int] | None = None


_REQUEST: ContextVar[_RequestGenerations | None] = ContextVar(
    "citycarbon_generations", default=None
)


def enabled() -> bool:
    """Whether values are cached (``CITYCARBON_CACHE``, on by default)."""
    return bool(getattr(settings, "CITYCARBON_CACHE", True))


def _backend() -> BaseCache:
    return caches[getattr(settings, "CITYCARBON_CACHE_ALIAS", "default")]


# --- generations ------------------------------------------------------------------------------


@contextmanager
def request_generations() -> Iterator[None]:
    """Within the block (a request), read the generations at most once — again only after a
    change made within it."""
    token = _REQUEST.set(_RequestGenerations())
    try:
        yield
    finally:
        _REQUEST.reset(token)


def generations() -> Mapping[str, int]:
    """The current generation of every domain that has one (a domain never changed has
    none: 0)."""
    memo = _REQUEST.get()
    if memo is not None and memo.stamps is not None:
        return memo.stamps
    table = connection.ops.quote_name(DataGeneration._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT domain, stamp FROM {table} "  # the table's own name, no input
            f"WHERE id IN (SELECT MAX(id) FROM {table} GROUP BY domain)"
        )
        stamps = {str(domain): int(stamp) for domain, stamp in cursor.fetchall()}
    if memo is not None:
        memo.stamps = stamps
    return stamps


def domain_of(label: str) -> str:
    """The domain of an object type or model label: ``targets.assessmentrun`` → ``targets``."""
    return label.partition(".")[0]


def bump(*domains: str) -> None:
    """Give each domain a new generation, in the current transaction (rolled back with it)."""
    names = sorted({name for name in domains if name})
    if not names:
        return
    DataGeneration.objects.bulk_create(
        [DataGeneration(domain=name, stamp=secrets.randbits(62) + 1) for name in names]
    )
    memo = _REQUEST.get()
    if memo is not None:
        memo.stamps = None  # this request reads its own change
    transaction.on_commit(partial(_prune, names))


def _prune(domains: list[str]) -> None:
    """Delete the generations older than each domain's newest (after the commit; losing the
    race to another writer only leaves a row for the next one to delete)."""
    try:
        for name in domains:
            newest = (
                DataGeneration.objects.filter(domain=name)
                .order_by("-id")
                .values_list("id", flat=True)
                .first()
            )
            if newest is not None:
                DataGeneration.objects.filter(domain=name, id__lt=newest).delete()
    except DatabaseError:  # pragma: no cover - bookkeeping only
        logger.warning("could not prune the data generations of %s", domains, exc_info=True)


def _is_domain_model(model: type[models.Model]) -> bool:
    return model.__module__.startswith("citycarbon.server.") and not issubclass(model, _NOT_DATA)


def _changed(sender: type[models.Model], **kwargs: Any) -> None:
    if _is_domain_model(sender):
        bump(sender._meta.app_label)


def connect_signals() -> None:
    """Renew a domain's generation on every save or delete of one of its models — the
    audited changes renew it through ``record_event`` already; this covers bookkeeping
    (a compilation's progress, a user's last sign-in)."""
    for model in apps.get_models():
        if _is_domain_model(model):
            post_save.connect(_changed, sender=model, dispatch_uid=f"cache:{model._meta.label}")
            post_delete.connect(
                _changed, sender=model, dispatch_uid=f"cache:delete:{model._meta.label}"
            )


# --- values -----------------------------------------------------------------------------------


def key(what: str, args: Any, domains: Iterable[str], *, scope: str = "") -> str:
    """The cache key of ``what`` computed from ``args`` (anything with a stable ``repr``) for
    the scope ``scope``, in the active language, at the current generations of ``domains``."""
    stamps = generations()
    parts = [
        what,
        translation.get_language() or "",
        scope,
        *(f"{name}={stamps.get(name, 0)}" for name in sorted(set(domains))),
        repr(args),
    ]
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
    return f"citycarbon:{__version__}:{what}:{digest}"


def lookup(cache_key: str) -> Any:
    """The value stored under ``cache_key``, or ``None``."""
    return _backend().get(cache_key)


def store(cache_key: str, value: Any, timeout: int | None = None) -> None:
    """Store ``value`` (not ``None``) under ``cache_key`` for ``timeout`` seconds (default:
    the backend's, ``CITYCARBON_CACHE_TIMEOUT``)."""
    if timeout is None:
        _backend().set(cache_key, value)
    else:
        _backend().set(cache_key, value, timeout)


def cached(
    what: str,
    args: Any,
    domains: Iterable[str],
    compute: Callable[[], T],
    *,
    scope: str = "",
    timeout: int | None = None,
) -> T:
    """``compute()``, or the value it gave before at the same generations of ``domains``.

    ``compute`` must read everything it depends on itself (pass codes and ids in ``args``,
    not objects read before), and depend on the user only through ``scope`` (see
    :func:`citycarbon.server.common.selectors.scope_fingerprint`).
    """
    if not enabled():
        return compute()
    cache_key = key(what, args, domains, scope=scope)
    found = _backend().get(cache_key, _MISSING)
    if found is not _MISSING:
        return found
    value = compute()
    store(cache_key, value, timeout)
    return value
