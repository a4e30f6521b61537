"""Which units the register must cover: the coverage thresholds and the test against them.

A unit is covered when, in any year a threshold rule applies to, its energy use reached the
energy threshold or its emissions reached the emissions threshold ("≥ 5,000 tce or ≥ 13,000
tCO2e in any year since 2010"). The thresholds are configuration — rules the city office edits
(:class:`~citycarbon.server.mrv.models.CoverageRule`), each valid from a year until the next
rule; years before the first rule are not considered, which is how "since 2010" is said.

Pure Python on :class:`~decimal.Decimal` (no Django, no database): the screening service, the
register's check of a stated coverage reason and the tests call the same functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "DEFAULT_RULES",
    "Crossing",
    "Thresholds",
    "YearFigures",
    "coverage_problem",
    "crossings",
    "reason_of",
    "thresholds_for",
]


@dataclass(frozen=True)
class Thresholds:
    """One rule: from ``valid_from_year`` on (until the next rule), a unit is covered when its
    energy use reaches ``energy_tce`` [tce] or its emissions reach ``emissions_tco2e``
    [tCO2e] in a year."""

    valid_from_year: int
    energy_tce: Decimal
    emissions_tco2e: Decimal


#: The national rule of the 12th Five-Year Plan period, used when the office has set none.
DEFAULT_RULES = (Thresholds(2010, Decimal(5000), Decimal(13000)),)


@dataclass(frozen=True)
class YearFigures:
    """A unit's figures of one year (either may be unknown)."""

    year: int
    energy_tce: Decimal | None = None
    emissions_tco2e: Decimal | None = None


@dataclass(frozen=True)
class Crossing:
    """A year in which a unit reached a threshold, and which."""

    year: int
    energy: bool
    emissions: bool
    figures: YearFigures
    thresholds: Thresholds

    @property
    def reason(self) -> str:
        return reason_of(self.energy, self.emissions)


def reason_of(energy: bool, emissions: bool) -> str:
    """``energy``, ``emissions`` or ``both`` (the values of ``CoverageReason``)."""
    if energy and emissions:
        return "both"
    return "energy" if energy else "emissions"


def thresholds_for(year: int, rules: Sequence[Thresholds]) -> Thresholds | None:
    """The rule that applies to ``year``: the latest one valid from that year or before."""
    applicable = [rule for rule in rules if rule.valid_from_year <= year]
    return max(applicable, key=lambda rule: rule.valid_from_year) if applicable else None


def crossings(figures: Iterable[YearFigures], rules: Sequence[Thresholds]) -> list[Crossing]:
    """The years in which the unit reached a threshold, oldest first."""
    found: list[Crossing] = []
    for item in sorted(figures, key=lambda f: f.year):
        rule = thresholds_for(item.year, rules)
        if rule is None:
            continue
        energy = item.energy_tce is not None and item.energy_tce >= rule.energy_tce
        emissions = (
            item.emissions_tco2e is not None and item.emissions_tco2e >= rule.emissions_tco2e
        )
        if energy or emissions:
            found.append(Crossing(item.year, energy, emissions, item, rule))
    return found


def coverage_problem(
    reason: str, figures: YearFigures | None, rules: Sequence[Thresholds]
) -> str | None:
    """Whether a stated coverage reason holds: ``None`` when it does, else what is wrong —
    ``year`` (no year given, or no rule applies to it), ``energy`` / ``emissions`` (the figure
    is missing or below the threshold). ``designated`` (by the office) needs no figures."""
    if reason == "designated":
        return None
    if figures is None or thresholds_for(figures.year, rules) is None:
        return "year"
    crossing = crossings([figures], rules)
    reached = crossing[0] if crossing else None
    if reason in ("energy", "both") and not (reached and reached.energy):
        return "energy"
    if reason in ("emissions", "both") and not (reached and reached.emissions):
        return "emissions"
    return None
