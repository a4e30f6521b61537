"""The 24 sector guidelines as declared compositions of source types (``data/sectors.yaml``)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any, cast

import yaml

from citycarbon.accounting.model import TREATMENTS, Sector, SectorSource, Treatment
from citycarbon.accounting.sources import SOURCE_TYPES

__all__ = ["sector", "sectors"]


def _load(data: list[dict[str, Any]]) -> dict[str, Sector]:
    result: dict[str, Sector] = {}
    for entry in data:
        items = []
        for item in entry["sources"]:
            if isinstance(item, str):
                item = {"source": item}
            source_id = item["source"]
            if source_id not in SOURCE_TYPES:
                raise ValueError(f"sectors.yaml: {entry['id']}: unknown source {source_id!r}")
            treatment = item.get("treatment", "add")
            if treatment not in TREATMENTS:
                raise ValueError(f"sectors.yaml: {entry['id']}: bad treatment {treatment!r}")
            bounded_by = tuple(item.get("bounded_by") or ())
            for other in bounded_by:
                if other not in SOURCE_TYPES:
                    raise ValueError(f"sectors.yaml: {entry['id']}: unknown source {other!r}")
            if bounded_by and not item.get("bound_gas"):
                raise ValueError(f"sectors.yaml: {entry['id']}: {source_id} needs bound_gas")
            items.append(
                SectorSource(
                    source_id,
                    cast(Treatment, treatment),
                    item.get("note", ""),
                    bounded_by,
                    str(item.get("bound_gas", "")),
                )
            )
        if entry["id"] in result:
            raise ValueError(f"sectors.yaml: sector {entry['id']!r} twice")
        result[entry["id"]] = Sector(
            id=entry["id"],
            name_zh=entry["name_zh"],
            name_en=entry["name_en"],
            guideline=entry["guideline"],
            document=entry["document"],
            sources=tuple(items),
            factor_sets=tuple(entry.get("factor_sets") or ("ndrc2013-appendix2",)),
            note=entry.get("note", ""),
        )
    return result


@cache
def sectors() -> dict[str, Sector]:
    """All sector guidelines by id, in the order of the three NDRC batches."""
    text = (resources.files("citycarbon.accounting") / "data" / "sectors.yaml").read_text("utf-8")
    return _load(yaml.safe_load(text)["sectors"])


def sector(sector_id: str) -> Sector:
    """The sector ``sector_id``; :class:`KeyError` names the known ids when unknown."""
    known = sectors()
    if sector_id not in known:
        raise KeyError(f"unknown sector {sector_id!r}; known: {', '.join(known)}")
    return known[sector_id]
