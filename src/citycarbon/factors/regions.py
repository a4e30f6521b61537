"""Regions and the power grids they belong to, for choosing a default grid factor.

A report may name its region (a province id such as ``henan``). Purchased electricity then takes
the most specific average factor published: the province's own, its regional grid's, then the
national grid's. The regional membership is the one the NDRC used for the 2010-2019 regional
average and baseline factors (华中 = Henan, Hubei, Hunan, Jiangxi, Sichuan, Chongqing).
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

__all__ = ["NATIONAL_GRID", "grid_of", "region_chain", "regions"]

NATIONAL_GRID = "national_grid"


@cache
def regions() -> dict[str, tuple[str, str, str]]:
    """Province id → (name in Chinese, name in English, regional grid id)."""
    text = (resources.files("citycarbon.factors") / "catalogue" / "regions.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {r["id"]: (r["name_zh"], r["name_en"], r["grid"]) for r in rows}


def grid_of(region: str) -> str | None:
    """The regional grid of ``region``, or ``None`` when the region is unknown."""
    entry = regions().get(region)
    return entry[2] if entry else None


def region_chain(region: str | None) -> tuple[str, ...]:
    """Subjects to try for a grid factor, most specific first."""
    if region is None:
        return (NATIONAL_GRID,)
    grid = grid_of(region)
    chain = [region] + ([grid] if grid else []) + [NATIONAL_GRID]
    return tuple(dict.fromkeys(chain))
