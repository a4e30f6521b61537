"""Forms of the factor pages: the row filter, a row, a new set, a reason, a comparison."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from citycarbon.server.factors.choices import FactorKind, VerificationStatus
from citycarbon.server.factors.models import FactorSet
from citycarbon.server.factors.selectors import RowFilter

__all__ = ["CompareForm", "FactorRowForm", "FactorSetForm", "ReasonForm", "RowFilterForm"]


def _choices(values: Iterable[str], labels: dict[str, Any] | None = None) -> list[Any]:
    return [("", _("All"))] + [(v, (labels or {}).get(v, v)) for v in values]


class RowFilterForm(forms.Form):
    """The row browser's filter (GET); every field optional."""

    parameter = forms.ChoiceField(label=_("Parameter"), required=False)
    subject = forms.CharField(label=_("Subject"), required=False, max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    guideline = forms.ChoiceField(label=_("Guideline set"), required=False)
    status = forms.ChoiceField(label=_("Verification status"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args: Any, choices: dict[str, list[str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = dict(FactorKind.choices())
        statuses = {v: f"{v} · {label}" for v, label in VerificationStatus.choices()}
        for name, labels in (
            ("parameter", None),
            ("kind", kinds),
            ("guideline", None),
            ("status", statuses),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = _choices(choices.get(name, []), labels)

    def to_filter(self) -> RowFilter:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return RowFilter(
            parameter=data.get("parameter") or "",
            subject=(data.get("subject") or "").strip(),
            kind=data.get("kind") or "",
            guideline=data.get("guideline") or "",
            status=data.get("status") or "",
            q=(data.get("q") or "").strip(),
        )


class FactorRowForm(forms.Form):
    """One factor row: the kernel's columns. The service checks them all again."""

    factor_id = forms.CharField(label=_("Factor id"), max_length=80)
    parameter = forms.CharField(label=_("Parameter"), max_length=60)
    subject = forms.CharField(label=_("Subject"), max_length=80)
    value = forms.CharField(label=_("Value"), max_length=40)
    unit = forms.CharField(label=_("Unit"), max_length=40)
    gas = forms.CharField(label=_("Gas"), max_length=20, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=FactorKind.choices())
    guideline = forms.CharField(label=_("Guideline set"), max_length=60, initial="*")
    region = forms.CharField(label=_("Region"), max_length=40, initial="*")
    year_from = forms.IntegerField(label=_("From year"), required=False)
    year_to = forms.IntegerField(label=_("To year"), required=False)
    source = forms.CharField(
        label=_("Source"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The document and table the value comes from."),
    )
    status = forms.ChoiceField(
        label=_("Verification status"),
        choices=[(v, f"{v} · {label}") for v, label in VerificationStatus.choices()],
    )
    note = forms.CharField(
        label=_("Note"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class FactorSetForm(forms.Form):
    """A new factor set (a new lineage), empty or copied from a visible set."""

    name = forms.SlugField(label=_("Name"), max_length=40)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    copy_from = forms.ChoiceField(label=_("Copy the rows of"), required=False)

    def __init__(self, *args: Any, sets: Iterable[FactorSet], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["copy_from"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("(start empty)"))] + [
            (str(item.pk), f"{item} · {item.get_state_display()}") for item in sets
        ]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CompareForm(forms.Form):
    """Two versions to compare (GET)."""

    old = forms.ChoiceField(label=_("Old version"))
    new = forms.ChoiceField(label=_("New version"))

    def __init__(self, *args: Any, sets: Iterable[FactorSet], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(item.pk), f"{item} · {item.get_state_display()}") for item in sets]
        for name in ("old", "new"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices
