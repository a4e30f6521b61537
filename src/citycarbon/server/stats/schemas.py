"""API schemas of the statistics app (explicit fields)."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from citycarbon.server.common.schemas import PageOut, PageQuery

__all__ = [
    "AcknowledgeIn",
    "BulkIn",
    "FiguresIn",
    "ImportOut",
    "StatisticIn",
    "StatisticOut",
    "StatisticPageOut",
    "WarningOut",
]


class FuelIO(Schema):
    fuel: str = Field(..., min_length=1, max_length=64)
    quantity: float
    unit: str = Field("", max_length=32)


class MeasureIO(Schema):
    item: str = Field(..., min_length=1, max_length=64)
    points: float
    evidence: str = ""


class FiguresIn(Schema):
    """A year's figures (the kernel's year fields; docs/targets.md). Lists replace the stored
    ones when given."""

    gdp_constant_cny_100m: float | None = None
    gdp_current_cny_100m: float | None = None
    gdp_deflator: float | None = None
    gdp_index: float | None = None
    gdp_real_growth_pct: float | None = None
    co2_t: float | None = None
    energy_tce: float | None = None
    electricity_imported_mwh: float | None = None
    electricity_exported_mwh: float | None = None
    net_electricity_import_mwh: float | None = None
    measures_score: float | None = None
    fuels: list[FuelIO] = Field(default_factory=list)
    measures: list[MeasureIO] = Field(default_factory=list)
    indicators: dict[str, float] = Field(default_factory=dict)
    note: str = Field("", max_length=500)
    illustrative: bool = False


class StatisticIn(FiguresIn):
    jurisdiction: str = Field(..., min_length=1, max_length=64)
    year: int = Field(..., ge=1949, le=2200)


class BulkIn(Schema):
    """Many jurisdiction-years at once: all are imported or none."""

    items: list[StatisticIn] = Field(..., min_length=1, max_length=5000)
    correction_reason: str = Field("", max_length=500)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=1000)


class AcknowledgeIn(Schema):
    code: str = Field(..., max_length=40)
    reason: str = Field(..., max_length=1000)


class WarningOut(Schema):
    code: str
    value: str
    low: float | None
    high: float | None
    message: str
    acknowledged: bool
    reason: str | None


class StatisticOut(Schema):
    id: int
    jurisdiction: str
    year: int
    version: int
    state: str
    lineage: str
    supersedes: int | None
    correction_reason: str
    created_at: datetime
    gdp_constant_cny_100m: float | None
    gdp_current_cny_100m: float | None
    gdp_deflator: float | None
    gdp_index: float | None
    gdp_real_growth_pct: float | None
    co2_t: float | None
    energy_tce: float | None
    electricity_imported_mwh: float | None
    electricity_exported_mwh: float | None
    net_electricity_import_mwh: float | None
    measures_score: float | None
    fuels: list[FuelIO]
    measures: list[MeasureIO]
    indicators: dict[str, float]
    note: str
    illustrative: bool


class StatisticPageOut(PageOut):
    items: list[StatisticOut]


class ImportedItem(Schema):
    jurisdiction: str
    year: int
    id: int


class ImportWarning(Schema):
    jurisdiction: str
    year: int
    code: str
    value: str
    message: str


class ImportOut(Schema):
    created: list[ImportedItem]
    updated: list[ImportedItem]
    corrected: list[ImportedItem]
    unchanged: list[ImportedItem]
    published: list[ImportedItem]
    warnings: list[ImportWarning]


class StatisticQuery(PageQuery):
    jurisdiction: str | None = Field(None, max_length=64)
    year: int | None = Field(None, ge=1949, le=2200)
    state: str | None = Field(None, pattern="^(draft|submitted|approved|published)$")
    all_versions: bool = False
