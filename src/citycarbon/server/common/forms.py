"""Forms of the common pages: sign-in, audit-trail filter, access tokens."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from citycarbon.server.common.choices import action_label
from citycarbon.server.common.context import client_ip
from citycarbon.server.common.selectors import AuditFilter, login_locked_until

__all__ = ["AuditFilterForm", "LoginForm", "TokenCreateForm"]


class LoginForm(AuthenticationForm):
    """Django's sign-in form, telling the user when the account is locked for a while."""

    error_messages: ClassVar[dict[str, Any]] = {
        **AuthenticationForm.error_messages,
        "locked": _(
            "Too many failed sign-ins for this username from your address. "
            "Try again after %(until)s."
        ),
    }

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            username = self.cleaned_data.get("username") or ""
            ip = client_ip(self.request) if self.request is not None else None
            until = login_locked_until(username, ip)
            if until is not None:
                raise ValidationError(
                    self.error_messages["locked"],
                    code="locked",
                    params={"until": formats.date_format(until, "SHORT_DATETIME_FORMAT")},
                ) from None
            raise


class AuditFilterForm(forms.Form):
    """The audit-trail browser's filter (GET); every field optional."""

    actor = forms.ChoiceField(label=_("User"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, choices: dict[str, list[str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("actor", "action", "object_type"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            label = action_label if name == "action" else str
            field.choices = [("", _("All"))] + [(value, label(value)) for value in choices[name]]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def to_filter(self) -> AuditFilter:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return AuditFilter(
            actor=data.get("actor") or "",
            action=data.get("action") or "",
            object_type=data.get("object_type") or "",
            object_id=(data.get("object_id") or "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    read_only = forms.BooleanField(label=_("Read only"), required=False, initial=True)
    expires_in_days = forms.TypedChoiceField(
        label=_("Expires after"),
        coerce=int,
        choices=[(30, _("30 days")), (90, _("90 days")), (365, _("365 days"))],
        initial=90,
    )
