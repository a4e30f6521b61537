"""Fixed vocabularies of the common app."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Self

from django.utils.translation import get_language, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Choices(StrEnum):
    """A string enum whose members carry a translatable label: ``NAME = "value", _("Label")``.

    Members are ``str`` (stored as such); ``choices()`` gives a model or form field its
    ``(value, label)`` pairs. (Plain Python, so the types hold without Django's stubs.)
    """

    _label: Any

    def __new__(cls, value: str, label: Any = None) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = value if label is None else label
        return member

    @property
    def label(self) -> Any:
        return self._label

    @classmethod
    def choices(cls) -> list[tuple[str, Any]]:
        return [(member.value, member.label) for member in cls]

    @classmethod
    def values(cls) -> list[str]:
        return [member.value for member in cls]


#: Audit action code → label, filled by every app with :func:`register_actions`.
ACTION_LABELS: dict[str, Any] = {}


def register_actions(actions: type[Choices]) -> None:
    """Make an app's audit actions known to the audit-trail browser by their labels."""
    for value, label in actions.choices():
        ACTION_LABELS[value] = label


def action_label(code: str) -> Any:
    """The label of an audit action, or the code itself when no app registered it."""
    return ACTION_LABELS.get(code, code)


class LifecycleState(Choices):
    """Where a versioned record stands: draft → submitted → approved → published."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


class Role(Choices):
    """The roles known today; later apps register theirs in ``common.roles`` the same way."""

    CITY_OFFICE = "city_office", _("City climate office")
    DISTRICT_OFFICIAL = "district_official", _("District official")
    REVIEWER = "reviewer", _("Reviewer")
    PUBLIC = "public", _("Public")


class ScopeKind(Choices):
    """What a role assignment is limited to. Later: enterprise, verifier organisation."""

    GLOBAL = "global", _("Everything")
    JURISDICTION = "jurisdiction", _("Jurisdiction and its sub-jurisdictions")


class AuditAction(Choices):
    """Actions of the common app (each app names its own as ``app.verb``)."""

    LOGIN = "auth.login", _("Signed in")
    LOGOUT = "auth.logout", _("Signed out")
    LOCKED = "auth.locked", _("Sign-in locked after repeated failures")
    ROLE_ASSIGN = "common.assign_role", _("Role assigned")
    ROLE_REVOKE = "common.revoke_role", _("Role revoked")
    TOKEN_CREATE = "common.create_token", _("Access token created")
    TOKEN_REVOKE = "common.revoke_token", _("Access token revoked")
    USER_CREATE = "common.create_user", _("User created")
    PASSWORD_SET = "common.set_password", _("Password set")
    RECORD_CREATE = "lifecycle.create", _("Record created")
    RECORD_UPDATE = "lifecycle.update", _("Draft changed")
    RECORD_SUBMIT = "lifecycle.submit", _("Submitted")
    RECORD_RETURN = "lifecycle.return", _("Returned to draft")
    RECORD_APPROVE = "lifecycle.approve", _("Approved")
    RECORD_PUBLISH = "lifecycle.publish", _("Published")
    RECORD_CORRECT = "lifecycle.correct", _("Correction opened as a new version")


register_actions(AuditAction)


#: Units as the data spell them (the kernel's codes) → as a page shows them; docs/glossary.md.
UNIT_LABELS: dict[str, Any] = {
    "t": pgettext_lazy("unit", "t"),
    "10^4 t": pgettext_lazy("unit", "10⁴ t"),
    "tce": pgettext_lazy("unit", "tce"),
    "10^4 tce": pgettext_lazy("unit", "10⁴ tce"),
    "10^4 Nm3": pgettext_lazy("unit", "10⁴ Nm³"),
    "10^4 kWh": pgettext_lazy("unit", "10⁴ kWh"),
    "cny_100m": pgettext_lazy("unit", "10⁸ yuan"),
}


def unit_label(unit: str | None) -> str:
    """A unit in the active language: ``count`` → 个 in Chinese and nothing in English (a
    count reads as a bare number there), ``10^4 tce`` → 万吨标准煤 / 10⁴ tce; a unit not listed
    is shown as written ("%", "tCO2/MWh")."""
    if not unit:
        return ""
    if unit == "count":
        shown = pgettext("unit: a number of places or things, such as parks (个)", "count")
        return "" if shown == "count" else shown
    return str(UNIT_LABELS.get(unit, unit))


def localised(zh: str, en: str | None) -> str:
    """The Chinese or the English name of a thing, by the active language (Chinese when there
    is no English)."""
    language = get_language() or "zh-hans"
    return zh if language.startswith("zh") or not en else en
