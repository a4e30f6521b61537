"""Refused attempts in the audit trail: who tried what on which object, and why it was refused.

A refusal changes nothing, so the refused action's own transaction is rolled back whole; the
attempt is written afterwards, in a transaction of its own, as one
:class:`~citycarbon.server.common.models.AuditEvent` under the app's refusal action (``after``:
what was attempted, the error's ``code``, ``status``, ``message``, ``field`` and ``value``, the
first :data:`KEPT_ERRORS` of its rows and their count, and ``path``, the request's method and
path, when it came through a page or the API; the request id and client address as every
event). Unlike
:func:`~citycarbon.server.common.services.record_event` it does **not** renew the data
generation of any domain (:mod:`citycarbon.server.common.cache`): no data changed, so no cached
value is stale.

Two ways in, and each refusal is recorded once (``DomainError.audited``):

- :func:`audited_refusals` decorates a service: any :class:`DomainError` leaving it (input
  refused by the checks, a permission refusal, a conflict with the record's state) is recorded
  under the service's attempt. Nested decorated services record at the outermost one — the
  inner one runs inside the outer's transaction, which the refusal rolls back.
- A read that finds nothing the user may see marks its :class:`NotFoundError` with
  :meth:`DomainError.attempting` when the refusal is worth recording (the selector decides:
  reading *another* enterprise's data is, an ordinary 404 is not); the API's error handler
  (``config.api``) and the pages' (:class:`~citycarbon.server.common.middleware.
  DomainErrorMiddleware`) call :func:`record_request_refusal`, which records marked refusals.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any, Final, ParamSpec, TypeVar

from django.db import transaction
from django.http import HttpRequest

from citycarbon.server.common import context
from citycarbon.server.common.errors import Attempt, DomainError
from citycarbon.server.common.models import AuditEvent, User

__all__ = [
    "KEPT_ERRORS",
    "audited_refusals",
    "record_refusal",
    "record_request_refusal",
    "write_event",
]

P = ParamSpec("P")
R = TypeVar("R")

#: The rows of a refused batch kept in the event (their count is kept too).
KEPT_ERRORS: Final = 20

#: How deep in decorated services the current call is (the outermost records).
_DEPTH: ContextVar[int] = ContextVar("citycarbon_refusal_depth", default=0)

#: Names the object of a refused service call from its bound arguments:
#: ``(object_type, object_id, object_repr)``.
Target = Callable[[Mapping[str, Any]], tuple[str, str, str]]


def write_event(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Create one audit event with the current request's id and client address. The callers
    choose the transaction (and whether a generation is renewed).

    ``actor`` is a user, ``None`` (the system) or an anonymous visitor (stored without a user).
    """
    user = actor if isinstance(actor, User) and actor.is_authenticated else None
    anonymous = "system" if actor is None else "anonymous"
    name = user.get_username() if user is not None else anonymous
    meta = context.current()
    return AuditEvent.objects.create(
        actor=user,
        actor_name=name,
        action=action,
        object_type=object_type[:64],
        object_id=object_id[:64],
        object_repr=object_repr[:200],
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
        reason=reason,
        request_id=meta.request_id,
        ip=meta.ip,
    )


def _refusal_body(attempt: Attempt, error: DomainError) -> dict[str, Any]:
    body = error.as_dict()
    rows = body.get("errors", [])
    after: dict[str, Any] = {
        "attempted": attempt.attempted,
        "code": error.code,
        "status": error.status,
        "message": body["message"],
        "field": error.field,
        "value": body.get("value"),
    }
    if rows:
        after["errors"] = rows[:KEPT_ERRORS]
        after["error_count"] = len(rows)
    request = context.current().request
    if request:
        after["path"] = request
    return after


def record_refusal(
    actor: Any, error: DomainError, attempt: Attempt | None = None
) -> AuditEvent | None:
    """Record a refused attempt in its own transaction, once: ``attempt`` (else the one the
    error carries) with the error. Returns ``None`` when the error was recorded already or
    names no attempt. Renews no data generation.

    Args:
        actor: Who tried (a user, ``None`` for the system, or an anonymous visitor).
        error: The refusal.
        attempt: What was tried; overrides the error's own (a service names what its caller
            asked for better than a check deep inside it).
    """
    if error.audited:
        return None
    attempt = attempt or error.attempt
    if attempt is None:
        return None
    with transaction.atomic():
        event = write_event(
            actor=actor,
            action=attempt.action,
            object_type=attempt.object_type,
            object_id=attempt.object_id,
            object_repr=attempt.object_repr or f"{attempt.attempted} {attempt.object_id}",
            after=_refusal_body(attempt, error),
            reason=str(error.message),
        )
    error.attempt = attempt
    error.audited = True
    return event


def record_request_refusal(request: HttpRequest, error: DomainError) -> AuditEvent | None:
    """Record a refusal that reached the API's or the pages' error handler, if it is marked
    as an attempt (:meth:`DomainError.attempting`) and not recorded yet."""
    if error.attempt is None or error.audited:
        return None
    return record_refusal(getattr(request, "user", None), error)


def audited_refusals(
    action: str,
    attempted: str,
    target: Target,
    *,
    kinds: tuple[type[DomainError], ...] = (DomainError,),
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Record every refusal of ``kinds`` leaving the decorated service as an attempt.

    The service's arguments are bound to its signature; ``actor`` is the one named so, and
    ``target`` names the object from them::

        @audited_refusals(
            MrvAction.REFUSED, MrvAction.LEDGER_SUBMIT,
            lambda a: ("mrv.ledgermonth", f"{a['enterprise'].credit_code}/{a['month']}", ""),
        )
        def do_submit_ledger(actor, enterprise, year, month, items): ...

    Only the outermost decorated call records (a service calling another records once, under
    its own attempt, after its transaction is rolled back).
    """

    def decorate(service: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(service)

        @functools.wraps(service)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            token = _DEPTH.set(_DEPTH.get() + 1)
            try:
                return service(*args, **kwargs)
            except kinds as error:
                if _DEPTH.get() == 1 and not error.audited:
                    bound = signature.bind(*args, **kwargs)
                    bound.apply_defaults()
                    object_type, object_id, object_repr = target(bound.arguments)
                    record_refusal(
                        bound.arguments.get("actor"),
                        error,
                        Attempt(str(action), str(attempted), object_type, object_id, object_repr),
                    )
                raise
            finally:
                _DEPTH.reset(token)

        return wrapper

    return decorate
