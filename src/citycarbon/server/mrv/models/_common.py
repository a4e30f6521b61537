"""What the MRV models share: figure precision, the credit-code validator, how a role's scope
reaches a row, and the recording user field."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from citycarbon.server.mrv.creditcode import credit_code_problem
from citycarbon.server.mrv.messages import credit_code_message

#: Exact figures: up to 10¹² with three decimals (15 digits, exact on SQLite too).
FIGURE_DIGITS = {"max_digits": 15, "decimal_places": 3}


def enterprise_label(enterprise: Any) -> str:
    """How a record names its enterprise (in ``__str__``, so in the audit trail's object
    names): the name and the credit code, never a database id."""
    return f"{enterprise.name} {enterprise.credit_code}"


def validate_credit_code(value: str) -> None:
    problem = credit_code_problem(value)
    if problem is not None:
        raise ValidationError(credit_code_message(problem), code=problem)


_ENTERPRISE_SCOPE: dict[str, str] = {
    "jurisdiction": "enterprise__jurisdiction",
    "enterprise": "enterprise",
}
_ORGANISATION_SCOPE: dict[str, str] = {
    "jurisdiction": "organisation__jurisdiction",
    "verifier_organisation": "organisation",
}


def _recorded_by() -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
