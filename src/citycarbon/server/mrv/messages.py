"""Messages for the codes the pure rules return (credit code problems, refusals to verify),
in the active language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

__all__ = ["credit_code_message", "refusal_message"]


def credit_code_message(problem: str) -> Any:
    """The message for a :func:`~citycarbon.server.mrv.creditcode.credit_code_problem` code."""
    return {
        "length": _("A unified social credit code has 18 characters."),
        "characters": _(
            "A unified social credit code has only digits and capital letters other than "
            "I, O, Z, S and V."
        ),
        "division": _("Characters 3 to 8 of the credit code are the six-digit division code."),
        "organisation_check": _(
            "Character 17 of the credit code does not match the organisation code "
            "(GB 11714 check character)."
        ),
        "check": _("The last character of the credit code does not match (GB 32100 check)."),
    }[problem]


def refusal_message(code: str, sectors: Sequence[str] = ()) -> str:
    """Why a verifier may not verify an enterprise (the codes of ``eligibility.refusals``)."""
    if code == "removed":
        return gettext("The organisation has been removed from the list.")
    if code == "suspended":
        return gettext("The organisation is suspended.")
    if code == "not_accredited":
        return gettext("The organisation holds no accreditation valid on that day.")
    return gettext("Its accreditation does not cover: %(sectors)s.") % {
        "sectors": ", ".join(sectors)
    }
