"""Builders of small targets inputs whose figures are easy to work by hand.

GDP is held at 100 亿元 in every year, so an intensity ratio is the CO2 (or energy) ratio: a CO2
of 1 000 000 t in the base year and 963 400 t a year later is a reduction of exactly 3.66 %.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

Builder = Callable[..., dict[str, Any]]


def jurisdiction(
    jid: str,
    co2_by_year: Sequence[float],
    *,
    target_pct: float = 17.0,
    base_year: int = 2010,
    measures: Sequence[float | None] = (),
    parent: str | None = None,
    energy_target_pct: float | None = None,
    energy_by_year: Sequence[float] = (),
) -> dict[str, Any]:
    """A jurisdiction with GDP 100 亿元 every year and the given CO2 [t] from the base year on."""
    years: dict[str, Any] = {}
    for k, co2 in enumerate(co2_by_year):
        entry: dict[str, Any] = {"gdp_constant_cny_100m": 100, "co2_t": co2}
        if energy_by_year:
            entry["energy_tce"] = energy_by_year[k]
        if k and k - 1 < len(measures) and measures[k - 1] is not None:
            entry["measures_score"] = measures[k - 1]
        years[str(base_year + k)] = entry
    out: dict[str, Any] = {"id": jid, "co2_intensity_target_pct": target_pct, "years": years}
    if parent is not None:
        out["parent"] = parent
    if energy_target_pct is not None:
        out["energy_intensity_target_pct"] = energy_target_pct
    return out


def make_input(
    *jurisdictions: dict[str, Any],
    base_year: int = 2010,
    target_year: int = 2015,
    **extra: Any,
) -> dict[str, Any]:
    """A whole input."""
    return {
        "base_year": base_year,
        "target_year": target_year,
        "jurisdictions": list(jurisdictions),
        **extra,
    }


@pytest.fixture
def jur() -> Builder:
    return jurisdiction


@pytest.fixture
def inp() -> Builder:
    return make_input
