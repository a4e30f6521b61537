"""Helpers shared by the MRV actions: refusals, cleaning of text, numbers and codes, sector
spellings, the newest version of an enterprise-year record, and audited refusals."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, ParamSpec, TypeVar

from django.db.models import Model
from django.utils.translation import gettext as _

from citycarbon.server.common import services as common
from citycarbon.server.common.errors import (
    Attempt,
    ConflictError,
    DomainError,
    ErrorRecord,
    InvalidTransitionError,
    ValidationFailedError,
)
from citycarbon.server.common.models import User
from citycarbon.server.mrv.choices import (
    MrvAction,
)
from citycarbon.server.mrv.creditcode import credit_code_problem, normalise
from citycarbon.server.mrv.messages import credit_code_message
from citycarbon.server.mrv.models import (
    Enterprise,
)


def _refuse(errors: Sequence[ErrorRecord], message: str | None = None) -> ValidationFailedError:
    first = errors[0]
    if message is None:
        message = (
            first.message
            if len(errors) == 1
            else _("%(count)d problem(s); nothing was written.") % {"count": len(errors)}
        )
    return ValidationFailedError(message, field=first.field, value=first.value, errors=list(errors))


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _decimal(
    value: Any, name: str, errors: list[ErrorRecord], row: int | None = None
) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).strip())
        if not number.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        errors.append(ErrorRecord(_("Expected a number."), field=name, value=value, row=row))
        return None
    if number < 0:
        errors.append(
            ErrorRecord(_("A quantity cannot be negative."), field=name, value=str(value), row=row)
        )
        return None
    exact = _exact(number)
    if exact is None:
        errors.append(
            ErrorRecord(
                _("At most 12 digits before the point and 3 after it."),
                field=name,
                value=str(value),
                row=row,
            )
        )
    return exact


def _exact(number: Decimal) -> Decimal | None:
    """``number`` with exactly three decimals (as stored), or ``None`` when it has more
    digits than the register keeps."""
    if abs(number) >= Decimal(10) ** 12:
        return None
    exact = number.quantize(Decimal("0.001"))
    return exact if exact == number else None


def _sector_spellings() -> dict[str, str]:
    """Every accepted spelling of a sector guideline → its id."""
    from citycarbon.accounting.sectors import sectors

    known: dict[str, str] = {}
    for key, item in sectors().items():
        for spelling in (key, item.name_zh, item.name_en, item.name_en.lower()):
            known[spelling] = key
    return known


def _check_sectors(
    values: Iterable[Any], name: str, errors: list[ErrorRecord], row: int | None = None
) -> list[str]:
    known = _sector_spellings()
    found: list[str] = []
    for value in values:
        key = known.get(_text(value))
        if key is None:
            errors.append(
                ErrorRecord(_("Unknown sector guideline."), field=name, value=value, row=row)
            )
        elif key not in found:
            found.append(key)
    return found


def _code(value: Any, name: str, errors: list[ErrorRecord], row: int | None = None) -> str:
    code = normalise(_text(value))
    problem = credit_code_problem(code)
    if problem is not None:
        errors.append(
            ErrorRecord(str(credit_code_message(problem)), field=name, value=value, row=row)
        )
    return code


_Versioned = TypeVar("_Versioned", bound=Model)
P = ParamSpec("P")
R = TypeVar("R")


def latest_version(
    model: type[_Versioned],
    enterprise: Enterprise,
    year: int,
    *,
    state: str | None = None,
    lock: bool = False,
) -> _Versioned | None:
    """The newest version of an enterprise-year record, or ``None`` if there is none.

    Args:
        model: A versioned enterprise-year model (monitoring plan, annual report).
        enterprise: The enterprise.
        year: The reporting year.
        state: Only versions in this lifecycle state.
        lock: Lock the row found (``SELECT ... FOR UPDATE``) until the transaction ends.
    """
    rows = model._default_manager.select_for_update() if lock else model._default_manager.all()
    rows = rows.filter(enterprise=enterprise, year=year)
    if state is not None:
        rows = rows.filter(state=state)
    return rows.order_by("-version").first()


def require_newest(record: Any, message: str) -> None:
    """Refuse (``message``, field ``version``) if a newer version of ``record`` exists."""
    newer = type(record)._default_manager.filter(
        enterprise_id=record.enterprise_id, year=record.year, version__gt=record.version
    )
    if newer.exists():
        raise InvalidTransitionError(message, field="version", value=record.version)


def _refusal_audited(actor: User | None, what: str, target: str, error: DomainError) -> DomainError:
    """Record a refused verification action (``mrv.verification_refused``, the target
    ``code/year/kind``) in its own transaction, nothing else written
    (:func:`citycarbon.server.common.refusals.record_refusal`)."""
    attempt = Attempt(
        MrvAction.VERIFICATION_REFUSED,
        what,
        "mrv.verificationassignment",
        target,
        f"{what} {target}",
    )
    common.record_refusal(actor, error, attempt)
    return error


def refused(
    attempted: str, object_type: str, key: Callable[[Mapping[str, Any]], str]
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Audit the refusals of a service whose attempt the issue names (``mrv.refused``, see
    :func:`citycarbon.server.common.refusals.audited_refusals`): invalid input and conflicts
    with the record's state. Permission refusals are not recorded here — another
    enterprise's data is refused (and recorded) when it is looked up, before any service.

    Args:
        attempted: The audit action the service writes when it is allowed.
        object_type: The model label of the object it would change.
        key: Its id (or natural key) from the service's bound arguments.
    """

    def target(arguments: Mapping[str, Any]) -> tuple[str, str, str]:
        object_id = key(arguments)
        return object_type, object_id, f"{attempted} {object_id}"

    return common.audited_refusals(
        MrvAction.REFUSED, attempted, target, kinds=(ValidationFailedError, ConflictError)
    )
