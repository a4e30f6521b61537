"""Domain errors: what services raise when they refuse.

The API (``config.api``) and the pages (``common.middleware.DomainErrorMiddleware``) map them to
HTTP in one place each: 400 invalid input, 403 not allowed, 404 not found (or not visible to
this user), 409 conflicts with the record's state. Every error names the field and the value
it refused where there is one; a refused batch carries one :class:`ErrorRecord` per problem.

A refusal worth keeping in the audit trail carries the :class:`Attempt` it refused
(:meth:`DomainError.attempting`); :mod:`citycarbon.server.common.refusals` records it once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar, Literal, Self

from django.utils.translation import gettext_lazy as _

__all__ = [
    "Attempt",
    "ConflictError",
    "DomainError",
    "ErrorRecord",
    "ImmutableRecordError",
    "InvalidTransitionError",
    "NotFoundError",
    "PermissionDeniedError",
    "ValidationFailedError",
]

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class ErrorRecord:
    """One problem with the input: where (row, field), what value, why, and how bad."""

    message: str
    field: str | None = None
    value: Any = None
    row: int | None = None
    severity: Severity = "error"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["message"] = str(self.message)
        data["value"] = _jsonable(self.value)
        return data


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


@dataclass(frozen=True)
class Attempt:
    """What a refused request tried to do, as the audit trail names it.

    Attributes:
        action: The audit action the refusal is recorded under (``mrv.refused``).
        attempted: What was tried: a service's audit action (``mrv.submit_ledger``) or
            ``read`` for a page or endpoint that showed nothing.
        object_type: The object's model label (``mrv.ledgermonth``), also when the object
            does not exist (yet).
        object_id: Its id, or its natural key when it has no row (``<code>/2015-03``).
        object_repr: How it reads in the trail.
    """

    action: str
    attempted: str
    object_type: str
    object_id: str
    object_repr: str = ""


class DomainError(Exception):
    """Base of every refusal a service makes; ``status`` is the HTTP status it maps to."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "invalid"

    def __init__(
        self,
        message: str | Any,
        *,
        field: str | None = None,
        value: Any = None,
        errors: list[ErrorRecord] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.value = value
        self.errors = list(errors or [])
        #: The attempt to record in the audit trail, if the refusal is one worth recording.
        self.attempt: Attempt | None = None
        #: Whether the attempt has been recorded (it is recorded once).
        self.audited = False

    def attempting(self, attempt: Attempt) -> Self:
        """Mark this refusal as one to audit (the first attempt named wins); returns itself,
        so ``raise NotFoundError(...).attempting(Attempt(...))`` reads as one statement."""
        if self.attempt is None:
            self.attempt = attempt
        return self

    def as_dict(self) -> dict[str, Any]:
        """The JSON body of the HTTP response."""
        body: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        if self.field is not None:
            body["field"] = self.field
            body["value"] = _jsonable(self.value)
        if self.errors:
            body["errors"] = [error.as_dict() for error in self.errors]
        return body


class ValidationFailedError(DomainError):
    """The input is wrong (a field, a row, a file); nothing was written."""

    status = 400
    code = "invalid"


class PermissionDeniedError(DomainError):
    """The user may see the object but not do this to it."""

    status = 403
    code = "forbidden"

    def __init__(self, message: str | Any = None, **kwargs: Any) -> None:
        super().__init__(message or _("You are not allowed to do this."), **kwargs)


class NotFoundError(DomainError):
    """No such object, or none this user may see (the two are not told apart)."""

    status = 404
    code = "not_found"


class ConflictError(DomainError):
    """The request conflicts with the object's current state."""

    status = 409
    code = "conflict"


class InvalidTransitionError(ConflictError):
    """A lifecycle step that the record's state does not allow (e.g. approving a draft)."""

    code = "invalid_transition"


class ImmutableRecordError(ConflictError):
    """A published record cannot change; correct it with a new version instead."""

    code = "immutable"
