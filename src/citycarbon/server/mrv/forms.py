"""Forms of the MRV pages. The services check everything again; a form only shapes the
input and shows the services' refusals next to the field they name."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from citycarbon.server.mrv.choices import (
    ContactFunction,
    CoverageReason,
    EnterpriseStatus,
    MrvRole,
    PerformanceKind,
    SanctionKind,
)

__all__ = [
    "AccreditationForm",
    "AsOfForm",
    "CalendarForm",
    "CanVerifyForm",
    "ContactForm",
    "CoverageRuleForm",
    "DecisionForm",
    "EnterpriseFilterForm",
    "EnterpriseForm",
    "FacilityForm",
    "PerformanceForm",
    "RoleForm",
    "SanctionForm",
    "StaffEndForm",
    "StaffForm",
    "StatusForm",
    "UploadForm",
    "VerifierForm",
]

_CODES = re.compile(r"[,，、;；\s]+")


def _date(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _figure(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=0, max_digits=15, decimal_places=3
    )


def _choices(field: Any, choices: list[tuple[str, Any]]) -> None:
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class EnterpriseFilterForm(forms.Form):
    """The enterprise list's filter (GET); every field optional."""

    jurisdiction = forms.ChoiceField(label=_("Jurisdiction"), required=False)
    sector = forms.ChoiceField(label=_("Sector guideline"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *EnterpriseStatus.choices()],
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(
        self,
        *args: Any,
        jurisdictions: list[tuple[str, str]],
        sectors: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["jurisdiction"], [("", _("All")), *jurisdictions])
        _choices(self.fields["sector"], [("", _("All")), *sectors])

    def values(self) -> dict[str, str]:
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: (v or "").strip() for k, v in self.cleaned_data.items() if v}


class EnterpriseForm(forms.Form):
    """An enterprise: the credit code and first day only when registering it."""

    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=40,
        help_text=_("18 characters, as on the business licence."),
    )
    name_zh = forms.CharField(label=_("Chinese name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    jurisdiction = forms.ChoiceField(label=_("Jurisdiction"))
    sectors = forms.MultipleChoiceField(
        label=_("Sector guidelines"), widget=forms.CheckboxSelectMultiple
    )
    coverage_reason = forms.ChoiceField(
        label=_("Reason for coverage"), choices=CoverageReason.choices()
    )
    coverage_year = forms.IntegerField(
        label=_("Year the threshold was reached"), required=False, min_value=1990, max_value=2200
    )
    coverage_energy_tce = _figure(_("Energy use that year [tce]"))
    coverage_emissions_tco2e = _figure(_("Emissions that year [tCO2e]"))
    registered_on = _date(_("In the register from"), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    illustrative = forms.BooleanField(
        label=_("Illustrative, not a real enterprise"), required=False
    )

    def __init__(
        self,
        *args: Any,
        jurisdictions: list[tuple[str, str]],
        sectors: list[tuple[str, str]],
        creating: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["jurisdiction"], jurisdictions)
        _choices(self.fields["sectors"], sectors)
        if not creating:
            del self.fields["credit_code"]
            del self.fields["registered_on"]

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("registered_on", None)
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=EnterpriseStatus.choices())
    effective_on = _date(_("Effective"))
    successors = forms.CharField(
        label=_("Successors"),
        required=False,
        max_length=2000,
        help_text=_("Credit codes of the enterprise merged into, or split into (comma-separated)."),
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def successor_codes(self) -> list[str]:
        text = (self.cleaned_data.get("successors") or "").upper()
        return [code for code in _CODES.split(text) if code]


class FacilityForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)
    name_zh = forms.CharField(label=_("Chinese name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)


class ContactForm(forms.Form):
    function = forms.ChoiceField(label=_("Function"), choices=ContactFunction.choices())
    name = forms.CharField(label=_("Name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("Email"), max_length=200, required=False)


class RoleForm(forms.Form):
    username = forms.CharField(label=_("Account"), max_length=150)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (MrvRole.ENTERPRISE_REPORTER.value, MrvRole.ENTERPRISE_REPORTER.label),
            (MrvRole.ENTERPRISE_RESPONSIBLE.value, MrvRole.ENTERPRISE_RESPONSIBLE.label),
        ],
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))


class CoverageRuleForm(forms.Form):
    valid_from_year = forms.IntegerField(label=_("Valid from year"), min_value=1990, max_value=2200)
    energy_tce = forms.DecimalField(
        label=_("Energy threshold [tce]"), min_value=0, max_digits=15, decimal_places=3
    )
    emissions_tco2e = forms.DecimalField(
        label=_("Emissions threshold [tCO2e]"), min_value=0, max_digits=15, decimal_places=3
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class VerifierForm(forms.Form):
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=40)
    name_zh = forms.CharField(label=_("Chinese name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    jurisdiction = forms.ChoiceField(label=_("Jurisdiction keeping the list"))
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    illustrative = forms.BooleanField(
        label=_("Illustrative, not a real organisation"), required=False
    )

    def __init__(
        self, *args: Any, jurisdictions: list[tuple[str, str]], creating: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["jurisdiction"], jurisdictions)
        if not creating:
            for name in ("credit_code", "jurisdiction", "illustrative"):
                del self.fields[name]


class AccreditationForm(forms.Form):
    reference = forms.CharField(label=_("Reference"), max_length=100)
    sectors = forms.MultipleChoiceField(
        label=_("Sector guidelines"), widget=forms.CheckboxSelectMultiple
    )
    valid_from = _date(_("Valid from"))
    valid_to = _date(_("Valid to"))
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)

    def __init__(self, *args: Any, sectors: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["sectors"], sectors)


class StaffForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    username = forms.CharField(
        label=_("Account"),
        max_length=150,
        required=False,
        help_text=_("The account becomes a verifier of the organisation."),
    )
    qualification = forms.CharField(label=_("Qualification"), max_length=200, required=False)
    joined_on = _date(_("Joined"))


class StaffEndForm(forms.Form):
    left_on = _date(_("Left"))


class PerformanceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PerformanceKind.choices())
    occurred_on = _date(_("Date"))
    enterprise = forms.CharField(label=_("Enterprise (credit code)"), max_length=40, required=False)
    reporting_year = forms.IntegerField(
        label=_("Reporting year"), required=False, min_value=1990, max_value=2200
    )
    description = forms.CharField(
        label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SanctionKind.choices())
    effective_from = _date(_("From"))
    effective_to = _date(_("Until"), required=False)
    reason = forms.CharField(
        label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CanVerifyForm(forms.Form):
    enterprise = forms.CharField(label=_("Enterprise (credit code)"), max_length=40)
    on = _date(_("On"))


class AsOfForm(forms.Form):
    on = _date(_("As of"), required=False)


class CalendarForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2200)
    monitoring_plan_due = _date(_("Monitoring plan due"))
    ledger_due_day = forms.IntegerField(
        label=_("Ledger due on day of the following month"), min_value=1, max_value=28
    )
    annual_report_due = _date(_("Annual report due"))
    verification_due = _date(_("Verification due"))
    approval_due = _date(_("Approval due"))
    reminder_days = forms.CharField(
        label=_("Reminders (days before)"),
        required=False,
        max_length=100,
        help_text=_("For example: 30, 7, 1"),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def clean_reminder_days(self) -> list[int]:
        text = self.cleaned_data.get("reminder_days") or ""
        parts = [p for p in _CODES.split(text) if p]
        if not all(p.isdigit() for p in parts):
            raise forms.ValidationError(_("Whole numbers of days, separated by commas."))
        return [int(p) for p in parts]


# --- monitoring plans -------------------------------------------------------------------------


class PlanYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2200)


class PlanEntryForm(forms.Form):
    """A plan entered as JSON (``docs/mrv.md``) or as the Plan sheet of a workbook."""

    document = forms.CharField(
        label=_("Plan (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false", "class": "code"}),
    )
    file = forms.FileField(label=_("or a workbook with the Plan sheet (.xlsx)"), required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("document") and not data.get("file"):
            raise forms.ValidationError(_("Enter the plan as JSON or upload a workbook."))
        if data.get("document") and data.get("file"):
            raise forms.ValidationError(_("Enter the plan as JSON or upload a workbook, not both."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Lab report or other evidence (PDF, PNG, JPEG, XLSX)"))
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
