"""Forms of the inventory pages: the list filter, a new inventory (its input form as a JSON or
YAML file), replacing a draft's input, compiling, and comparing two compilations."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import yaml
from django import forms
from django.utils.translation import gettext_lazy as _

from citycarbon.server.common.choices import LifecycleState
from citycarbon.server.common.errors import ValidationFailedError
from citycarbon.server.common.validators import validate_upload
from citycarbon.server.factors.models import FactorSet
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.inventory.models import InventoryRun
from citycarbon.server.inventory.services import MAX_ITERATIONS
from citycarbon.units import DEFAULT_METRIC, METRICS

__all__ = [
    "CompileForm",
    "InventoryFilterForm",
    "InventoryForm",
    "ReplaceFormForm",
    "RunCompareForm",
    "read_upload",
]

FORM_EXTENSIONS = (".json", ".yaml", ".yml")
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
METRIC_LABELS = {
    "SARGWP100": _("IPCC SAR, 100 years (the 2011 guideline)"),
    "AR4GWP100": _("IPCC AR4, 100 years"),
    "AR5GWP100": _("IPCC AR5, 100 years"),
    "AR6GWP100": _("IPCC AR6, 100 years"),
}


def read_upload(upload: Any) -> Any:
    """The input form in an uploaded JSON or YAML file (refused with the reason)."""
    validate_upload(upload, FORM_EXTENSIONS, field="file")
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
        if (upload.name or "").lower().endswith(".json"):
            return json.loads(text)
        return yaml.load(text, Loader=_LOADER)
    except (UnicodeDecodeError, json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ValidationFailedError(
            _("The file cannot be read: %(error)s") % {"error": str(exc)[:300]},
            field="file",
            value=upload.name,
        ) from None


class InventoryFilterForm(forms.Form):
    jurisdiction = forms.ChoiceField(label=_("Jurisdiction"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All")), *LifecycleState.choices()]
    )

    def __init__(
        self,
        *args: Any,
        jurisdictions: Iterable[Jurisdiction],
        years: Iterable[int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["jurisdiction"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All"))] + [(j.code, j.name) for j in jurisdictions]
        year = self.fields["year"]
        assert isinstance(year, forms.ChoiceField)
        year.choices = [("", _("All"))] + [(str(y), str(y)) for y in years]


class InventoryForm(forms.Form):
    """A new inventory: jurisdiction, year and the input form file."""

    jurisdiction = forms.ChoiceField(label=_("Jurisdiction"))
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(
        label=_("Input form"),
        help_text=_(
            "The inventory in the engine's JSON or YAML form (sections inventory, "
            "energy_balance, categories, notation_keys; see docs/inventory.md)."
        ),
    )

    def __init__(self, *args: Any, jurisdictions: Iterable[Jurisdiction], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["jurisdiction"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(j.code, j.name) for j in jurisdictions]


class ReplaceFormForm(forms.Form):
    file = forms.FileField(label=_("New input form (JSON or YAML)"))


class CompileForm(forms.Form):
    """What to compile with: a factor-set version, a GWP metric, Monte Carlo iterations."""

    factor_set = forms.ChoiceField(label=_("Factor set"))
    metric = forms.ChoiceField(
        label=_("GWP metric"),
        choices=[(m, METRIC_LABELS.get(m, m)) for m in METRICS],
        initial=DEFAULT_METRIC,
    )
    iterations = forms.TypedChoiceField(
        label=_("Monte Carlo uncertainty"),
        coerce=int,
        choices=[
            (0, _("none (Approach 1 only)")),
            (1000, _("1 000 iterations")),
            (10000, _("10 000 iterations")),
            (100000, _("100 000 iterations")),
        ],
        initial=10000,
    )

    def __init__(self, *args: Any, sets: Iterable[FactorSet], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["factor_set"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (str(item.pk), f"{item.library_version} · {item.get_state_display()}") for item in sets
        ]

    def clean_iterations(self) -> int:
        value = int(self.cleaned_data["iterations"])
        if not 0 <= value <= MAX_ITERATIONS:
            raise forms.ValidationError(_("Too many iterations."))
        return value


class RunCompareForm(forms.Form):
    old = forms.ChoiceField(label=_("Earlier compilation"))
    new = forms.ChoiceField(label=_("Later compilation"))

    def __init__(self, *args: Any, runs: Iterable[InventoryRun], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (
                str(item.pk),
                f"#{item.pk} · {item.inventory.year} v{item.inventory.version} · "
                f"{item.factor_library} · {item.metric}",
            )
            for item in runs
        ]
        for name in ("old", "new"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices
