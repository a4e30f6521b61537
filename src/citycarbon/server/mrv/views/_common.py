"""What the MRV pages share: the tabs, page size, and placing a refusal's problems on a form."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from citycarbon.server.common.errors import DomainError
from citycarbon.server.common.selectors import has_perm, perm_for
from citycarbon.server.mrv.models import (
    ComplianceCalendar,
    Disclosure,
    Enterprise,
    ScreeningRun,
    VerificationAssignment,
    VerifiedEmission,
    VerifierOrganisation,
)

PAGE_SIZE = 50


def _tabs(request: HttpRequest, active: str) -> list[dict[str, Any]]:
    """The MRV sub-navigation: the parts the user may see."""
    user = request.user
    entries = [
        ("enterprises", "mrv:enterprise_list", _("Enterprises"), perm_for(Enterprise, "view")),
        ("screening", "mrv:screening_list", _("Screening"), perm_for(ScreeningRun, "view")),
        (
            "verifiers",
            "mrv:verifier_list",
            _("Verifier organisations"),
            perm_for(VerifierOrganisation, "view"),
        ),
        (
            "calendar",
            "mrv:calendar_list",
            _("Compliance calendar"),
            perm_for(ComplianceCalendar, "view"),
        ),
        (
            "verifications",
            "mrv:verification_list",
            _("Verifications"),
            perm_for(VerificationAssignment, "view"),
        ),
        ("disclosure", "mrv:disclosure_list", _("Disclosure"), perm_for(Disclosure, "view")),
        (
            "reconciliation",
            "mrv:reconciliation",
            _("Reconciliation"),
            perm_for(VerifiedEmission, "view"),
        ),
    ]
    return [
        {"key": key, "url": name, "label": label, "active": key == active}
        for key, name, label, perm in entries
        if has_perm(user, perm)
    ]


def _place_errors(form: Any, error: DomainError) -> None:
    """Show a service's refusal next to the fields it names (or above the form)."""
    placed = False
    for record in error.errors or []:
        name = (record.field or "").split(".")[-1]
        message = str(record.message)
        if record.value not in (None, "") and name not in form.fields:
            message = f"{message} ({record.value})"
        form.add_error(name if name in form.fields else None, message)
        placed = True
    if not placed:
        form.add_error(error.field if error.field in form.fields else None, str(error.message))


def _problems(error: DomainError) -> list[dict[str, Any]]:
    rows = []
    for record in error.errors or []:
        sheet, _dot, column = (record.field or "").partition(".")
        rows.append(
            {
                "sheet": sheet if column else "",
                "column": column or sheet,
                "row": record.row,
                "value": record.value,
                "message": record.message,
            }
        )
    return rows
