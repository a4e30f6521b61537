"""Checking a year's statistics with the targets kernel, and the year-over-year plausibility
warnings.

Nothing here writes. The figures of a year are the kernel's year input (:class:`Figures`);
:func:`check_years` runs the kernel's own validation (``citycarbon.targets.parse_input``) on a
jurisdiction's years in the framework of their target period, so what the forms, the API, the
Excel import and the assessment accept is one rule. The plausibility check compares a year with
the previous one — GDP growth and the change of the CO2 and energy intensities, as resolved by the
kernel (constant prices, CO2 from fuels and electricity) — against configurable bounds
(``CITYCARBON_STATS_PLAUSIBILITY``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from citycarbon.numbers import to_decimal
from citycarbon.server.common.errors import ErrorRecord, ValidationFailedError
from citycarbon.server.stats.choices import FIGURES, WarningCode
from citycarbon.server.stats.framework import Framework
from citycarbon.targets import InputProblem, TargetsInputError, YearData, intensity, parse_input

__all__ = [
    "DEFAULT_PLAUSIBILITY",
    "Figures",
    "PlausibilityWarning",
    "UnacknowledgedWarningsError",
    "check_years",
    "growth_pct",
    "plausibility_bounds",
    "plausibility_warnings",
    "translate_problem",
]

#: Default bounds of the plausibility check: real GDP growth on the previous year outside
#: [-5 %, 25 %], or an intensity that changed by more than 15 % in a year, is worth a second
#: look (Chinese cities grew by 7-15 % a year in 2011-2015 and cut intensities by a few
#: percent a year; a larger jump is more often a unit or boundary error than a real change).
DEFAULT_PLAUSIBILITY: dict[str, Any] = {
    "gdp_growth_pct": (-5.0, 25.0),
    "co2_intensity_change_pct": 15.0,
    "energy_intensity_change_pct": 15.0,
}

# The kernel's fixed messages, so they can be shown in the user's language.
KERNEL_MESSAGES = (
    gettext_noop("is not a number"),
    gettext_noop("is negative; a quantity cannot be negative"),
    gettext_noop("must be more than zero"),
    gettext_noop("missing GDP"),
    gettext_noop("missing base year"),
    gettext_noop("missing CO2: give co2_t, or fuels and electricity"),
    gettext_noop("missing energy consumption (the jurisdiction has an energy-intensity target)"),
    gettext_noop("give co2_t or fuels and electricity, not both"),
    gettext_noop("give measures_score or measures, not both"),
    gettext_noop("give the net import, or the imports and exports, not both"),
    gettext_noop("real growth needs the previous year's GDP"),
    gettext_noop("the base year's GDP must be given in money (it is 100 on the index)"),
    gettext_noop("a deflator needs gdp_current_cny_100m"),
    gettext_noop("growth must be more than −100 %"),
    gettext_noop("electricity figures need a grid average factor (grid_factor)"),
    gettext_noop("unknown fuel: not in the fuel catalogue and no factor in co2_factors"),
    gettext_noop("not an item of the checklist"),
    gettext_noop("points need evidence"),
    gettext_noop("not an indicator of the plan"),
    gettext_noop("unknown field"),
    gettext_noop("is not a year"),
    gettext_noop("the year appears twice"),
)


def translate_problem(message: str) -> str:
    """A kernel message in the active language when it is one of the fixed ones."""
    return _(message) if message in KERNEL_MESSAGES else message


@dataclass
class Figures:
    """A year's statistics as the kernel reads them, with the note.

    ``values`` holds the numeric fields of :data:`~citycarbon.server.stats.choices.FIGURES`
    (absent or ``None``: not given); ``fuels`` maps a fuel id to ``(quantity, unit)``;
    ``measures`` a checklist item to ``(points, evidence)``; ``indicators`` an indicator id to
    its value; ``illustrative`` marks made-up figures (the kernel's input flag).
    """

    values: dict[str, float | None] = field(default_factory=dict)
    fuels: dict[str, tuple[float, str]] = field(default_factory=dict)
    measures: dict[str, tuple[float, str]] = field(default_factory=dict)
    indicators: dict[str, float] = field(default_factory=dict)
    note: str = ""
    illustrative: bool = False

    def to_kernel(self) -> dict[str, Any]:
        """The kernel's year input (plain data)."""
        out: dict[str, Any] = {
            name: value for name, value in self.values.items() if value is not None
        }
        if self.fuels:
            out["fuels"] = {
                fuel: {"value": quantity, "unit": unit} if unit else quantity
                for fuel, (quantity, unit) in sorted(self.fuels.items())
            }
        if self.measures:
            out["measures"] = {
                item: {"points": points, "evidence": evidence}
                for item, (points, evidence) in sorted(self.measures.items())
            }
        if self.indicators:
            out["indicators"] = dict(sorted(self.indicators.items()))
        return out

    def canonical(self) -> dict[str, Any]:
        """A comparable form (to tell whether an import changes anything)."""
        return {**self.to_kernel(), "note": self.note, "illustrative": self.illustrative}

    @classmethod
    def from_kernel(cls, raw: Mapping[str, Any]) -> Figures:
        """Figures from the kernel's plain year input, once the kernel accepted it."""

        def number(value: Any) -> float:
            return float(to_decimal(value))

        figures = cls(note=str(raw.get("note") or "").strip()[:500])
        for name in FIGURES:
            if raw.get(name) is not None:
                figures.values[name] = number(raw[name])
        for fuel, amount in (raw.get("fuels") or {}).items():
            if isinstance(amount, Mapping):
                figures.fuels[str(fuel)] = (number(amount["value"]), str(amount["unit"]).strip())
            else:
                figures.fuels[str(fuel)] = (number(amount), "")
        for item, award in (raw.get("measures") or {}).items():
            evidence = str(award.get("evidence") or "").strip()
            figures.measures[str(item)] = (number(award["points"]), evidence)
        for indicator, value in (raw.get("indicators") or {}).items():
            figures.indicators[str(indicator)] = number(value)
        return figures

    @classmethod
    def of(cls, statistic: Any) -> Figures:
        """The figures of a stored statistic (children prefetched or not)."""
        return cls(
            values={name: getattr(statistic, name) for name in FIGURES},
            fuels={f.fuel: (f.quantity, f.unit) for f in statistic.fuels.all()},
            measures={m.item: (m.points, m.evidence) for m in statistic.measures.all()},
            indicators={i.indicator: i.value for i in statistic.indicators.all()},
            note=statistic.note,
            illustrative=statistic.illustrative,
        )


YearsInput = Mapping[int, "Figures | Mapping[str, Any]"]


def _years_input(framework: Framework, code: str, years: YearsInput) -> dict[str, Any]:
    return framework.kernel_input(
        {
            code: {
                year: figures.to_kernel() if isinstance(figures, Figures) else figures
                for year, figures in years.items()
            }
        }
    )


def check_years(framework: Framework, code: str, years: YearsInput) -> list[InputProblem]:
    """The kernel's problems with a jurisdiction's years (all of them; callers pick the years
    they are answerable for). A year is given as :class:`Figures` or as the kernel's plain
    year input (as read from a workbook, values not yet checked)."""
    try:
        parse_input(_years_input(framework, code, years))
    except TargetsInputError as error:
        return list(error.problems)
    return []


def concerns(problem: InputProblem, year: int) -> bool:
    """Whether ``problem`` is one of ``year``'s: about that year, or about no year at all (the
    jurisdiction or the framework). A missing base year is the base year's problem."""
    return problem.year is None or problem.year == year or str(problem.year) == str(year)


def errors_for_year(
    framework: Framework, code: str, year: int, years: YearsInput
) -> list[ErrorRecord]:
    """The problems of one year (``years`` holds it and the stored years around it), as error
    records naming the field and the value."""
    records = []
    for problem in check_years(framework, code, years):
        if not concerns(problem, year):
            continue
        records.append(
            ErrorRecord(
                message=translate_problem(problem.message),
                field=problem.field or None,
                value=problem.value,
            )
        )
    return records


def refuse_if_invalid(framework: Framework, code: str, year: int, years: YearsInput) -> None:
    """Raise :class:`ValidationFailedError` listing the year's problems, if any."""
    errors = errors_for_year(framework, code, year, years)
    if errors:
        first = errors[0]
        raise ValidationFailedError(
            _("The statistics of %(year)d have %(count)d problem(s).")
            % {"year": year, "count": len(errors)},
            field=first.field,
            value=first.value,
            errors=errors,
        )


# --- plausibility ---------------------------------------------------------------------------


class UnacknowledgedWarningsError(ValidationFailedError):
    """Plausibility warnings that must be acknowledged with a reason before submitting."""

    code = "unacknowledged_warnings"


@dataclass(frozen=True)
class PlausibilityWarning:
    """A figure outside its plausible range: which check, the figure (as shown, 2 decimals),
    the range and a message."""

    code: str
    value: str
    low: float | None
    high: float | None
    message: str

    @property
    def label(self) -> Any:
        return WarningCode(self.code).label

    def as_error(self) -> ErrorRecord:
        return ErrorRecord(
            message=self.message, field=self.code, value=self.value, severity="warning"
        )


def plausibility_bounds() -> dict[str, Any]:
    """The configured bounds (``CITYCARBON_STATS_PLAUSIBILITY`` over the defaults)."""
    configured = getattr(settings, "CITYCARBON_STATS_PLAUSIBILITY", None) or {}
    return {**DEFAULT_PLAUSIBILITY, **configured}


def growth_pct(now: float, before: float) -> float:
    """Relative change of a quantity on the previous year [%].

    Parameters
    ----------
    now : float
        This year's value [any unit].
    before : float
        The previous year's value [the same unit], not zero.

    Notes
    -----
    .. math:: g = 100 \\cdot (x_k / x_{k-1} - 1)

    For GDP at constant prices this is the real growth rate; for an intensity it is the
    negative of the year's reduction (``citycarbon.targets.reduction``).
    """
    return 100.0 * (now / before - 1.0)


def _resolved(framework: Framework, code: str, years: Mapping[int, Figures]) -> dict[int, YearData]:
    """The kernel's reading of the years (constant-price GDP, CO2 by basis), or {} if refused."""
    try:
        parsed = parse_input(_years_input(framework, code, years))
    except TargetsInputError:
        return {}
    kernel_id = framework.kernel_id(code)
    for jur in parsed.jurisdictions:
        if jur.id == kernel_id:
            return dict(jur.years)
    return {}


def _fmt(value: float) -> str:
    return f"{value:.2f}"


def plausibility_warnings(
    framework: Framework, code: str, year: int, years: Mapping[int, Figures]
) -> list[PlausibilityWarning]:
    """Year-over-year warnings for ``year`` (``years`` holds it, the previous year and the
    base year where known). No previous year, or figures the kernel refuses: no warnings."""
    if year - 1 not in years:
        return []
    wanted = {y: years[y] for y in (framework.base_year, year - 1, year) if y in years}
    resolved = _resolved(framework, code, wanted)
    now, before = resolved.get(year), resolved.get(year - 1)
    if now is None or before is None:
        return []
    bounds = plausibility_bounds()
    warnings: list[PlausibilityWarning] = []
    low, high = (float(b) for b in bounds["gdp_growth_pct"])
    growth = growth_pct(now.gdp_constant_cny_100m, before.gdp_constant_cny_100m)
    if not low <= round(growth, 2) <= high:
        warnings.append(
            PlausibilityWarning(
                code=WarningCode.GDP_GROWTH.value,
                value=_fmt(growth),
                low=low,
                high=high,
                message=_(
                    "Real GDP growth of %(value)s %% on %(previous)d is outside the plausible "
                    "range %(low)s %% to %(high)s %%."
                )
                % {"value": _fmt(growth), "previous": year - 1, "low": low, "high": high},
            )
        )
    pairs: Iterable[tuple[str, str, float | None, float | None]] = (
        (
            WarningCode.CO2_INTENSITY_CHANGE.value,
            "co2_intensity_change_pct",
            now.co2_t,
            before.co2_t,
        ),
        (
            WarningCode.ENERGY_INTENSITY_CHANGE.value,
            "energy_intensity_change_pct",
            now.energy_tce,
            before.energy_tce,
        ),
    )
    for warning_code, bound_key, q_now, q_before in pairs:
        if q_now is None or q_before is None:
            continue
        change = growth_pct(
            intensity(q_now, now.gdp_constant_cny_100m),
            intensity(q_before, before.gdp_constant_cny_100m),
        )
        limit = float(bounds[bound_key])
        if math.isfinite(change) and abs(round(change, 2)) > limit:
            label = WarningCode(warning_code).label
            warnings.append(
                PlausibilityWarning(
                    code=warning_code,
                    value=_fmt(change),
                    low=-limit,
                    high=limit,
                    message=_(
                        "%(what)s: %(value)s %% on %(previous)d, more than ±%(limit)s %% in a year."
                    )
                    % {"what": label, "value": _fmt(change), "previous": year - 1, "limit": limit},
                )
            )
    return warnings
