"""Plain data of a target assessment: the period, the jurisdiction tree, targets, yearly statistics,
configuration (warning thresholds, score structure, checklist, verdict bands, projection) and
results.

Targets and reductions are kept as fractions (0.18 for 18 %); results show percentages.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "AssessmentConfig",
    "ChecklistItem",
    "GradeBand",
    "IndicatorProgress",
    "IndicatorYear",
    "InputProblem",
    "Jurisdiction",
    "MeasureAward",
    "Node",
    "Period",
    "PlanIndicator",
    "Projection",
    "ProjectionConfig",
    "ScoringConfig",
    "TargetsInput",
    "TargetsInputError",
    "Tree",
    "TreeError",
    "VerdictConfig",
    "WarningConfig",
    "YearData",
    "YearResult",
]


# --------------------------------------------------------------------------------------------
# Errors


@dataclass(frozen=True, slots=True)
class InputProblem:
    """One thing wrong with the input, named by jurisdiction, year, field and value."""

    jurisdiction: str | None
    year: int | str | None
    field: str
    value: Any
    message: str

    def __str__(self) -> str:
        where = [
            f"jurisdiction {self.jurisdiction}" if self.jurisdiction is not None else "",
            f"year {self.year}" if self.year is not None else "",
            f"field {self.field}" if self.field else "",
        ]
        place = ", ".join(w for w in where if w) or "input"
        return f"{place}: {self.message} (value: {self.value!r})"

    def as_dict(self) -> dict[str, Any]:
        """The problem as plain data."""
        return {
            "jurisdiction": self.jurisdiction,
            "year": self.year,
            "field": self.field,
            "value": self.value,
            "message": self.message,
        }


class TargetsInputError(ValueError):
    """The input was refused; :attr:`problems` lists every problem found."""

    def __init__(self, problems: list[InputProblem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the targets input:\n{lines}")


class TreeError(ValueError):
    """A jurisdiction tree that is not a tree (duplicate ids, unknown parents, cycles)."""


# --------------------------------------------------------------------------------------------
# The period and the jurisdiction tree


@dataclass(frozen=True, slots=True)
class Period:
    """A target period: the base year and the target year (2010 → 2015 for the 12th FYP)."""

    base_year: int
    target_year: int

    @property
    def years(self) -> int:
        """Length of the period n [yr]."""
        return self.target_year - self.base_year

    def __contains__(self, year: object) -> bool:
        return isinstance(year, int) and self.base_year <= year <= self.target_year


@dataclass(frozen=True, slots=True)
class Node:
    """A jurisdiction in a tree (a city, a county, a district, a development zone …)."""

    id: str
    name: str
    parent: str | None = None
    kind: str = ""
    name_en: str = ""


@dataclass(frozen=True)
class Tree:
    """A jurisdiction tree: each node names its parent; roots have none."""

    nodes: tuple[Node, ...]
    _by_id: dict[str, Node] = field(init=False, repr=False, compare=False)
    _children: dict[str | None, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id: dict[str, Node] = {}
        for node in self.nodes:
            if node.id in by_id:
                raise TreeError(f"jurisdiction {node.id!r} appears twice in the tree")
            by_id[node.id] = node
        children: dict[str | None, list[str]] = {}
        for node in self.nodes:
            if node.parent is not None and node.parent not in by_id:
                raise TreeError(
                    f"jurisdiction {node.id!r}: parent {node.parent!r} is not in the tree"
                )
            children.setdefault(node.parent, []).append(node.id)
        for node in self.nodes:  # every chain of parents must end at a root
            seen = {node.id}
            parent = node.parent
            while parent is not None:
                if parent in seen:
                    raise TreeError(f"jurisdiction {node.id!r}: the parents form a cycle")
                seen.add(parent)
                parent = by_id[parent].parent
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_children", {k: tuple(v) for k, v in children.items()})

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._by_id

    def __iter__(self) -> Iterator[Node]:
        return iter(self.nodes)

    def __len__(self) -> int:
        return len(self.nodes)

    def node(self, node_id: str) -> Node:
        """The node ``node_id``."""
        return self._by_id[node_id]

    def children(self, node_id: str | None) -> tuple[str, ...]:
        """Ids of the children of ``node_id`` (of the roots for ``None``), in tree order."""
        return self._children.get(node_id, ())

    def depth(self, node_id: str) -> int:
        """Number of ancestors of ``node_id`` (0 for a root)."""
        depth, parent = 0, self._by_id[node_id].parent
        while parent is not None:
            depth, parent = depth + 1, self._by_id[parent].parent
        return depth


# --------------------------------------------------------------------------------------------
# Configuration


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """An item of the tasks, measures and basic-work part of the score (its points at most)."""

    id: str
    name: str
    points: float
    part: str = ""
    name_en: str = ""
    clauses: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class WarningConfig:
    """Early-warning thresholds on the completion rates [%] of the year's and cumulative targets.

    A completion rate at or above ``on_track_pct`` is 三级 (on track); at or above
    ``severe_below_pct`` 二级 (fairly severe); below it 一级 (severe). The level shown is the more
    severe of the two comparisons.
    """

    on_track_pct: float = 100.0
    severe_below_pct: float = 50.0


@dataclass(frozen=True, slots=True)
class GradeBand:
    """A grade and the lowest score that earns it (inclusive)."""

    grade: str
    min_score: float


@dataclass(frozen=True, slots=True)
class ScoringConfig:
    """The score structure: target points, measures points and grade bands."""

    annual_points: float = 25.0
    cumulative_points: float = 25.0
    measures_points: float = 50.0
    grades: tuple[GradeBand, ...] = (
        GradeBand("优秀", 90.0),
        GradeBand("良好", 80.0),
        GradeBand("合格", 60.0),
    )
    failing_grade: str = "不合格"


@dataclass(frozen=True, slots=True)
class VerdictConfig:
    """Bands of the final completion rate [%] for the five-year verdict."""

    exceeded_pct: float = 110.0
    completed_pct: float = 100.0
    basically_pct: float = 90.0


@dataclass(frozen=True, slots=True)
class ProjectionConfig:
    """Monte Carlo projection settings; uncertainties are 1σ relative [%]."""

    draws: int = 10_000
    seed: int = 20130515
    default_annual_sd_pct: float = 1.5
    co2_uncertainty_pct: float = 2.0
    energy_uncertainty_pct: float = 1.5
    gdp_uncertainty_pct: float = 1.0


@dataclass(frozen=True, slots=True)
class AssessmentConfig:
    """Everything an assessment is configured with."""

    warning: WarningConfig = WarningConfig()
    scoring: ScoringConfig = ScoringConfig()
    verdict: VerdictConfig = VerdictConfig()
    projection: ProjectionConfig = ProjectionConfig()
    checklist: tuple[ChecklistItem, ...] = ()


# --------------------------------------------------------------------------------------------
# Input


@dataclass(frozen=True, slots=True)
class MeasureAward:
    """Points awarded for a checklist item in a year, with the evidence."""

    item: str
    points: float
    evidence: str


@dataclass(frozen=True, slots=True)
class YearData:
    """A jurisdiction's statistics for a year, as validated."""

    year: int
    gdp_constant_cny_100m: float
    gdp_basis: str
    co2_t: float | None = None
    co2_basis: str | None = None
    co2_fuels_t: float | None = None
    co2_electricity_t: float | None = None
    energy_tce: float | None = None
    gdp_current_cny_100m: float | None = None
    co2_annual_target: float | None = None
    energy_annual_target: float | None = None
    measures_score: float | None = None
    measures: tuple[MeasureAward, ...] = ()
    indicators: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """A jurisdiction with its targets [fraction] and its yearly statistics."""

    id: str
    name: str
    parent: str | None
    co2_target: float
    energy_target: float | None
    years: Mapping[int, YearData]
    co2_uncertainty: float | None = None
    energy_uncertainty: float | None = None
    gdp_uncertainty: float | None = None


@dataclass(frozen=True, slots=True)
class PlanIndicator:
    """A plan-wide indicator as data."""

    id: str
    name: str
    unit: str
    direction: str
    target: float | None
    target_year: int | None
    responsible_department: str
    clause: str
    name_en: str = ""
    baseline: float | None = None
    baseline_year: int | None = None
    computed_from: str | None = None
    plan_text: str = ""
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The indicator as plain data."""
        return {
            "id": self.id,
            "name": self.name,
            "name_en": self.name_en,
            "unit": self.unit,
            "direction": self.direction,
            "baseline": self.baseline,
            "baseline_year": self.baseline_year,
            "target": self.target,
            "target_year": self.target_year,
            "responsible_department": self.responsible_department,
            "clause": self.clause,
            "computed_from": self.computed_from,
            "plan_text": self.plan_text,
            "note": self.note,
        }


@dataclass(frozen=True)
class TargetsInput:
    """A validated assessment input."""

    period: Period
    jurisdictions: tuple[Jurisdiction, ...]
    tree: Tree
    config: AssessmentConfig = AssessmentConfig()
    indicators: tuple[PlanIndicator, ...] = ()
    factors: Mapping[str, Any] = field(default_factory=dict)
    title: str = ""
    illustrative: bool = False


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True, slots=True)
class Projection:
    """Projection of an intensity indicator to the target year, with the chance of meeting it."""

    from_year: int
    target_year: int
    years_ahead: int
    trend_annual_reduction_pct: float
    projected_reduction_pct: float
    projected_intensity: float
    target_pct: float
    annual_sd_pct: float
    annual_sd_source: str
    data_uncertainty_pct: float
    projection_sd_pct: float
    probability_meeting_target_pct: float
    draws: int
    seed: int

    def as_dict(self) -> dict[str, Any]:
        """The projection as plain data."""
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class IndicatorYear:
    """An intensity indicator (CO2 or energy) of a jurisdiction in a year; percentages shown."""

    intensity: float
    target_pct: float
    reduction_pct: float | None = None
    required_cumulative_reduction_pct: float | None = None
    progress_share_pct: float | None = None
    progress_share_linear_pct: float | None = None
    time_progress_pct: float | None = None
    annual_required_reduction_pct: float | None = None
    annual_reduction_pct: float | None = None
    annual_target_met: bool | None = None
    cumulative_target_met: bool | None = None
    annual_completion_pct: float | None = None
    cumulative_completion_pct: float | None = None
    warning_level: str | None = None
    final_completion_pct: float | None = None
    verdict: str | None = None
    projection: Projection | None = None

    def as_dict(self) -> dict[str, Any]:
        """The indicator-year as plain data."""
        out = {name: getattr(self, name) for name in self.__slots__}
        out["projection"] = self.projection.as_dict() if self.projection else None
        return out


@dataclass(frozen=True, slots=True)
class YearResult:
    """The assessment of a jurisdiction in a year."""

    jurisdiction: str
    name: str
    parent: str | None
    year: int
    elapsed_years: int
    gdp_constant_cny_100m: float
    gdp_basis: str
    co2_t: float
    co2_basis: str
    energy_tce: float | None
    co2: IndicatorYear
    energy: IndicatorYear | None
    annual_points: float | None = None
    cumulative_points: float | None = None
    target_points: float | None = None
    measures_score: float | None = None
    score: float | None = None
    grade: str | None = None
    veto: bool | None = None
    rank: int | None = None
    rank_of: int | None = None
    co2_fuels_t: float | None = None
    co2_electricity_t: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """The result as plain data: the CO2 figures at the top level under the names of the
        assessment (``co2_intensity``, ``co2_intensity_reduction_pct`` …), energy figures under
        ``energy``."""
        co2 = self.co2
        out: dict[str, Any] = {
            "jurisdiction": self.jurisdiction,
            "name": self.name,
            "parent": self.parent,
            "year": self.year,
            "elapsed_years": self.elapsed_years,
            "gdp_constant_cny_100m": self.gdp_constant_cny_100m,
            "gdp_basis": self.gdp_basis,
            "co2_t": self.co2_t,
            "co2_basis": self.co2_basis,
            "co2_fuels_t": self.co2_fuels_t,
            "co2_electricity_t": self.co2_electricity_t,
            "energy_tce": self.energy_tce,
            "co2_intensity": co2.intensity,
            "co2_intensity_target_pct": co2.target_pct,
            "co2_intensity_reduction_pct": co2.reduction_pct,
            "required_cumulative_reduction_pct": co2.required_cumulative_reduction_pct,
            "progress_share_pct": co2.progress_share_pct,
            "progress_share_linear_pct": co2.progress_share_linear_pct,
            "time_progress_pct": co2.time_progress_pct,
            "annual_required_reduction_pct": co2.annual_required_reduction_pct,
            "annual_reduction_pct": co2.annual_reduction_pct,
            "annual_target_met": co2.annual_target_met,
            "cumulative_target_met": co2.cumulative_target_met,
            "annual_completion_pct": co2.annual_completion_pct,
            "cumulative_completion_pct": co2.cumulative_completion_pct,
            "warning_level": co2.warning_level,
            "annual_points": self.annual_points,
            "cumulative_points": self.cumulative_points,
            "target_points": self.target_points,
            "measures_score": self.measures_score,
            "score": self.score,
            "grade": self.grade,
            "veto": self.veto,
            "rank": self.rank,
            "rank_of": self.rank_of,
        }
        if co2.verdict is not None:
            out["final_completion_pct"] = co2.final_completion_pct
            out["verdict"] = co2.verdict
        if co2.projection is not None:
            out["projection"] = co2.projection.as_dict()
        if self.energy is not None:
            energy = self.energy.as_dict()
            out["energy_intensity"] = energy.pop("intensity")
            out["energy_intensity_reduction_pct"] = energy.pop("reduction_pct")
            out["energy"] = energy
        return out


@dataclass(frozen=True, slots=True)
class IndicatorProgress:
    """A plan-wide indicator of a jurisdiction in a year, with progress toward its target."""

    jurisdiction: str
    indicator: str
    year: int
    value: float | None
    target: float | None
    met: bool | None
    progress_pct: float | None
    gap: float | None

    def as_dict(self) -> dict[str, Any]:
        """The progress as plain data."""
        return {name: getattr(self, name) for name in self.__slots__}
