"""API schemas for jurisdictions (explicit fields)."""

from __future__ import annotations

from ninja import Schema

from citycarbon.server.common.schemas import PageOut

__all__ = ["JurisdictionDetailOut", "JurisdictionOut", "JurisdictionPageOut"]


class JurisdictionOut(Schema):
    code: str
    division_code: str
    name_zh: str
    name_en: str
    kind: str
    parent: str | None
    tile_col: int | None
    tile_row: int | None


class JurisdictionDetailOut(JurisdictionOut):
    children: list[str]


class JurisdictionPageOut(PageOut):
    items: list[JurisdictionOut]
