"""API schemas of the factors app (explicit fields)."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from citycarbon.server.common.schemas import PageOut

__all__ = [
    "FactorComparisonOut",
    "FactorRowChangeOut",
    "FactorRowIn",
    "FactorRowOut",
    "FactorRowPageOut",
    "FactorRowQuery",
    "FactorSetCreateIn",
    "FactorSetOut",
    "FactorSetPageOut",
    "FactorSetReasonIn",
]


class FactorSetOut(Schema):
    id: int
    name: str
    title: str
    description: str
    jurisdiction: str
    version: int
    state: str
    library_version: str
    rows: int
    supersedes: int | None
    correction_reason: str
    created_at: datetime
    published_at: datetime | None


class FactorSetCreateIn(Schema):
    jurisdiction: str = Field(..., max_length=32)
    name: str = Field(..., min_length=1, max_length=40)
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=4000)
    #: Copy the rows of this set version (else the set starts empty).
    copy_from: int | None = None


class FactorRowIn(Schema):
    """A row as the kernel's columns (``factor_id`` comes from the URL)."""

    parameter: str = Field(..., max_length=60)
    subject: str = Field(..., max_length=80)
    value: str = Field(..., max_length=40, description="exact decimal, e.g. 0.5257")
    unit: str = Field(..., max_length=40)
    gas: str = Field("", max_length=20)
    kind: str = Field("default", max_length=20)
    guideline: str = Field("*", max_length=60)
    region: str = Field("*", max_length=40)
    year_from: int | None = Field(None, ge=1900, le=2100)
    year_to: int | None = Field(None, ge=1900, le=2100)
    source: str = Field(..., max_length=2000)
    status: str = Field(..., max_length=8)
    note: str = Field("", max_length=4000)


class FactorSetPageOut(PageOut):
    items: list[FactorSetOut]


class FactorRowOut(Schema):
    factor_id: str
    parameter: str
    subject: str
    value: str
    unit: str
    gas: str
    kind: str
    guideline: str
    region: str
    year_from: int | None
    year_to: int | None
    source: str
    status: str
    note: str
    file: str


class FactorRowPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[FactorRowOut]


class FactorRowQuery(Schema):
    parameter: str = Field("", max_length=60)
    subject: str = Field("", max_length=80)
    kind: str = Field("", max_length=20)
    guideline: str = Field("", max_length=60)
    status: str = Field("", max_length=8)
    q: str = Field("", max_length=100)
    page: int = Field(1, ge=1)
    page_size: int = Field(100, ge=1, le=1000)


class FactorSetReasonIn(Schema):
    reason: str = Field(..., max_length=2000)


class FactorRowChangeOut(Schema):
    factor_id: str
    change: str
    old: FactorRowOut | None
    new: FactorRowOut | None
    #: column → [old, new]
    fields: dict[str, list[str | int | None]]


class FactorComparisonOut(Schema):
    old: FactorSetOut
    new: FactorSetOut
    added: int
    removed: int
    changed: int
    unchanged: int
    changes: list[FactorRowChangeOut]
