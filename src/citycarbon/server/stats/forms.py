"""Forms of the statistics pages: a year's figures (with fuels, checklist awards and plan
indicator values laid out from the target set), the import upload, reasons."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from citycarbon.factors import fuels
from citycarbon.server.common.choices import LifecycleState, localised, unit_label
from citycarbon.server.stats.choices import FIGURES
from citycarbon.server.stats.framework import Framework
from citycarbon.server.stats.models import Statistic
from citycarbon.server.stats.validation import Figures

__all__ = ["FUEL_ROWS", "ImportForm", "ReasonForm", "StatisticFilterForm", "StatisticForm"]

#: Rows for fuels on the form (more can be given through the API or a workbook).
FUEL_ROWS = 6


def _fuel_choices() -> list[tuple[str, str]]:
    english = not (get_language() or "zh").startswith("zh")
    return [("", "—")] + [
        (fuel.id, f"{fuel.name_en if english else fuel.name_zh} ({fuel.quantity_unit})")
        for fuel in fuels().values()
    ]


def _indicator_label(indicator: Any) -> str:
    """``name [unit]`` of a plan indicator in the active language (no brackets for a count in
    English)."""
    name = localised(str(indicator.get("name") or indicator["id"]), indicator.get("name_en"))
    unit = unit_label(indicator.get("unit"))
    return f"{name} [{unit}]" if unit else name


class StatisticForm(forms.Form):
    """A year's statistics. The checklist and the plan indicators come from the target set
    (the framework) of the year."""

    jurisdiction = forms.ChoiceField(label=_("Jurisdiction"))
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
    illustrative = forms.BooleanField(
        label=_("Illustrative figures, not official statistics"), required=False
    )

    def __init__(
        self,
        *args: Any,
        jurisdictions: list[tuple[str, str]],
        years: list[int],
        framework: Framework | None,
        fixed: Statistic | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.framework = framework
        self.fixed = fixed
        jurisdiction_field = self.fields["jurisdiction"]
        year_field = self.fields["year"]
        assert isinstance(jurisdiction_field, forms.ChoiceField)
        assert isinstance(year_field, forms.TypedChoiceField)
        jurisdiction_field.choices = jurisdictions
        year_field.choices = [(y, str(y)) for y in years]
        if fixed is not None:  # the jurisdiction and year of a record never change
            jurisdiction_field.choices = [(fixed.jurisdiction.code, fixed.jurisdiction.name)]
            year_field.choices = [(fixed.year, str(fixed.year))]
            jurisdiction_field.disabled = True
            year_field.disabled = True
            # A disabled field's value is its initial one (the browser does not post it).
            self.initial["jurisdiction"] = fixed.jurisdiction.code
            self.initial["year"] = fixed.year
        for name in FIGURES:
            model_field = Statistic._meta.get_field(name)
            self.fields[name] = forms.FloatField(
                label=model_field.verbose_name,
                help_text=model_field.help_text,
                required=False,
                widget=forms.NumberInput(attrs={"step": "any"}),
            )
        fuel_choices = _fuel_choices()
        for index in range(FUEL_ROWS):
            self.fields[f"fuel_{index}"] = forms.ChoiceField(
                label=_("Fuel"), choices=fuel_choices, required=False
            )
            self.fields[f"fuel_{index}_quantity"] = forms.FloatField(
                label=_("Quantity"), required=False, widget=forms.NumberInput(attrs={"step": "any"})
            )
            self.fields[f"fuel_{index}_unit"] = forms.CharField(
                label=_("Unit"),
                required=False,
                max_length=32,
                help_text=_("Empty: the fuel's own unit."),
            )
        for item in self.checklist:
            self.fields[f"measure_{item['id']}"] = forms.FloatField(
                label=localised(str(item.get("name") or item["id"]), item.get("name_en")),
                required=False,
                min_value=0,
                max_value=float(item["points"]),
                widget=forms.NumberInput(attrs={"step": "any"}),
            )
            self.fields[f"measure_{item['id']}_evidence"] = forms.CharField(
                label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
        for indicator in self.indicators:
            self.fields[f"indicator_{indicator['id']}"] = forms.FloatField(
                label=_indicator_label(indicator),
                required=False,
                widget=forms.NumberInput(attrs={"step": "any"}),
            )

    @property
    def checklist(self) -> list[Any]:
        return self.framework.checklist if self.framework is not None else []

    @property
    def indicators(self) -> list[Any]:
        if self.framework is None:
            return []
        return [i for i in self.framework.indicators if not i.get("computed_from")]

    def figure_fields(self) -> list[Any]:
        return [self[name] for name in FIGURES]

    def fuel_rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"fuel_{i}"], self[f"fuel_{i}_quantity"], self[f"fuel_{i}_unit"])
            for i in range(FUEL_ROWS)
        ]

    def measure_rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (item, self[f"measure_{item['id']}"], self[f"measure_{item['id']}_evidence"])
            for item in self.checklist
        ]

    def indicator_fields(self) -> list[Any]:
        return [self[f"indicator_{i['id']}"] for i in self.indicators]

    def initial_from(self, figures: Figures) -> None:
        for name in FIGURES:
            self.initial[name] = figures.values.get(name)
        self.initial["note"] = figures.note
        self.initial["illustrative"] = figures.illustrative
        for index, (fuel, (quantity, unit)) in enumerate(sorted(figures.fuels.items())[:FUEL_ROWS]):
            self.initial[f"fuel_{index}"] = fuel
            self.initial[f"fuel_{index}_quantity"] = quantity
            self.initial[f"fuel_{index}_unit"] = unit
        for item, (points, evidence) in figures.measures.items():
            self.initial[f"measure_{item}"] = points
            self.initial[f"measure_{item}_evidence"] = evidence
        for indicator, value in figures.indicators.items():
            self.initial[f"indicator_{indicator}"] = value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for index in range(FUEL_ROWS):
            fuel, quantity = data.get(f"fuel_{index}"), data.get(f"fuel_{index}_quantity")
            if fuel and quantity is None:
                self.add_error(f"fuel_{index}_quantity", _("Give the quantity of the fuel."))
            if quantity is not None and not fuel:
                self.add_error(f"fuel_{index}", _("Choose the fuel."))
        return data

    def to_figures(self) -> Figures:
        data = self.cleaned_data
        figures = Figures(
            values={name: data.get(name) for name in FIGURES if data.get(name) is not None},
            note=(data.get("note") or "").strip(),
            illustrative=bool(data.get("illustrative")),
        )
        for index in range(FUEL_ROWS):
            fuel = data.get(f"fuel_{index}")
            if fuel:
                figures.fuels[fuel] = (
                    float(data[f"fuel_{index}_quantity"]),
                    (data.get(f"fuel_{index}_unit") or "").strip(),
                )
        for item in self.checklist:
            points = data.get(f"measure_{item['id']}")
            if points is not None:
                evidence = (data.get(f"measure_{item['id']}_evidence") or "").strip()
                figures.measures[str(item["id"])] = (float(points), evidence)
        for indicator in self.indicators:
            value = data.get(f"indicator_{indicator['id']}")
            if value is not None:
                figures.indicators[str(indicator["id"])] = float(value)
        return figures


class StatisticFilterForm(forms.Form):
    jurisdiction = forms.ChoiceField(label=_("Jurisdiction"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All")), *LifecycleState.choices()],
    )

    def __init__(
        self, *args: Any, jurisdictions: list[tuple[str, str]], years: list[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        jurisdiction_field = self.fields["jurisdiction"]
        year_field = self.fields["year"]
        assert isinstance(jurisdiction_field, forms.ChoiceField)
        assert isinstance(year_field, forms.TypedChoiceField)
        jurisdiction_field.choices = [("", _("All")), *jurisdictions]
        year_field.choices = [("", _("All")), *[(y, str(y)) for y in years]]

    def values(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Workbook (.xlsx)"),
        help_text=_("The statistics template (the same as citycarbon template targets)."),
    )
    correction_reason = forms.CharField(
        label=_("Reason for correcting published statistics"),
        required=False,
        max_length=500,
        help_text=_("Only when the workbook changes published figures (the city office)."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AcknowledgeForm(ReasonForm):
    code = forms.CharField(widget=forms.HiddenInput, max_length=40)
