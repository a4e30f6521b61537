"""API schemas of the inventory app (explicit fields)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from citycarbon.server.common.schemas import PageOut

__all__ = [
    "InventoryCategoryOut",
    "InventoryChangeIn",
    "InventoryCompileIn",
    "InventoryIn",
    "InventoryOut",
    "InventoryPageOut",
    "InventoryReasonIn",
    "InventoryRecalculationOut",
    "InventoryRunListOut",
    "InventoryRunOut",
    "InventoryRunPageOut",
    "InventorySeriesOut",
]


class InventoryOut(Schema):
    id: int
    jurisdiction: str
    year: int
    title: str
    version: int
    state: str
    source: str
    note: str
    supersedes: int | None
    correction_reason: str
    created_at: datetime
    published_at: datetime | None


class InventoryPageOut(PageOut):
    items: list[InventoryOut]


class InventoryIn(Schema):
    jurisdiction: str = Field(..., max_length=32)
    year: int = Field(..., ge=1990, le=2100)
    title: str = Field("", max_length=200)
    note: str = Field("", max_length=4000)
    #: The engine's input form: inventory, energy_balance, categories, notation_keys.
    form: dict[str, Any]


class InventoryChangeIn(Schema):
    title: str | None = Field(None, max_length=200)
    note: str | None = Field(None, max_length=4000)
    form: dict[str, Any] | None = None


class InventoryReasonIn(Schema):
    reason: str = Field(..., max_length=2000)


class InventoryCompileIn(Schema):
    factor_set: int
    metric: str = Field("SARGWP100", max_length=16)
    iterations: int = Field(0, ge=0, le=200_000)
    seed: int = Field(1, ge=0, le=2**31 - 1)


class InventoryRunListOut(Schema):
    """A compilation in a list: provenance, status and totals (the summary by sector and the
    engine's refusals: ``/runs/{id}``; the result itself: ``/runs/{id}/result``)."""

    id: int
    inventory: int
    jurisdiction: str
    year: int
    inventory_version: int
    factor_set: int
    factor_library: str
    metric: str
    iterations: int
    seed: int
    status: str
    stage: str
    progress: int
    message: str
    engine_version: str
    input_digest: str
    factor_digest: str
    created_at: datetime
    created_by: str | None
    finished_at: datetime | None
    total_tco2e: float | None
    total_without_lucf_tco2e: float | None


class InventoryRunOut(InventoryRunListOut):
    """A compilation with its provenance, totals and summary (the result itself:
    ``/result``)."""

    summary: dict[str, Any]
    errors: list[dict[str, Any]]


class InventoryRunPageOut(PageOut):
    items: list[InventoryRunListOut]


class InventoryCategoryOut(Schema):
    """One category of a compilation: formula, reference, cells and lines with every
    parameter's value, unit, origin and factor row."""

    id: str
    code: str
    sector: str
    name_zh: str
    name_en: str
    reporting: str
    formula: str
    reference: str
    cells: dict[str, Any]
    tco2e: Any
    notation_keys: dict[str, Any]
    lines: list[dict[str, Any]]
    factors: dict[str, dict[str, Any]]


class InventoryRecalculationRowOut(Schema):
    id: str
    name: str
    sector: str
    reporting: str
    old: float | None
    new: float | None
    difference: float | None
    difference_pct: float | None
    confidential: bool


class InventoryRecalculationOut(Schema):
    old: int
    new: int
    causes: dict[str, bool]
    totals: list[dict[str, Any]]
    rows: list[InventoryRecalculationRowOut]


class InventorySeriesYearOut(Schema):
    year: int
    run: int
    inventory_version: int
    state: str
    total_tco2e: float | None
    total_without_lucf_tco2e: float | None
    by_sector_tco2e: dict[str, float]
    factor_library: str
    metric: str


class InventorySeriesOut(Schema):
    jurisdiction: str
    years: list[InventorySeriesYearOut]
    #: The comparison with the CEADs city series (with its citation), for a city.
    reference: dict[str, Any] | None
