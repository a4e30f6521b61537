"""API schemas of the targets app (explicit fields)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from citycarbon.server.common.schemas import PageOut, PageQuery

__all__ = [
    "ResultOut",
    "ResultPageOut",
    "ResultQuery",
    "RunDetailOut",
    "RunListQuery",
    "RunOut",
    "RunPageOut",
    "RunQuery",
    "TargetSetDetailOut",
    "TargetSetOut",
    "TargetSetPageOut",
]


class TargetSetOut(Schema):
    code: str
    name: str
    name_en: str
    document: str
    jurisdiction: str
    base_year: int
    target_year: int
    source_set: str


class TargetSetPageOut(PageOut):
    items: list[TargetSetOut]


class JurisdictionTargetOut(Schema):
    jurisdiction: str
    kernel_id: str
    annex_name: str
    co2_intensity_target_pct: float
    energy_intensity_target_pct: float | None
    annual_targets: dict[str, Any]


class IndicatorOut(Schema):
    code: str
    name: str
    name_en: str
    unit: str
    direction: str
    baseline: float | None
    target: float | None
    target_year: int | None
    responsible_department: str
    clause: str


class ChecklistItemOut(Schema):
    code: str
    name: str
    name_en: str
    part: str
    points: float
    clauses: str


class TargetSetDetailOut(TargetSetOut):
    config: dict[str, Any]
    co2_factors: dict[str, Any]
    grid_factor: Any = None
    targets: list[JurisdictionTargetOut]
    indicators: list[IndicatorOut]
    checklist: list[ChecklistItemOut]


class RunOut(Schema):
    id: int
    target_set: str
    basis: str
    version: int
    state: str
    as_of: int
    created_at: datetime
    trigger: str
    input_digest: str
    kernel_version: str


class RunPageOut(PageOut):
    items: list[RunOut]


class RunInputOut(Schema):
    jurisdiction: str
    year: int
    statistic: int
    lineage: str
    version: int
    state: str


class RunDetailOut(RunOut):
    inputs: list[RunInputOut]
    excluded: list[dict[str, Any]]
    config: dict[str, Any]
    factors: dict[str, Any]
    supersedes: int | None


class ResultOut(Schema):
    jurisdiction: str
    year: int
    statistic: int | None
    co2_intensity: float | None
    co2_intensity_reduction_pct: float | None
    required_cumulative_reduction_pct: float | None
    progress_share_pct: float | None
    warning_level: str
    energy_warning_level: str
    score: float | None
    grade: str
    veto: bool | None
    rank: int | None
    rank_of: int | None
    verdict: str
    data: dict[str, Any]


class ResultPageOut(PageOut):
    items: list[ResultOut]


class ResultQuery(PageQuery):
    year: int | None = Field(None, ge=1949, le=2200)
    jurisdiction: str | None = Field(None, max_length=64)


class RunQuery(Schema):
    set: str | None = Field(None, max_length=64)
    basis: str | None = Field(None, pattern="^(working|published)$")


class RunListQuery(RunQuery, PageQuery):
    pass
