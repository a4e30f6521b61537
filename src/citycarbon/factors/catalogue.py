"""Catalogues of the things factors are about: fuels, carbonates, grids and regions.

A fuel has a physical form that fixes the unit its quantity is stated in: solids and liquids in
tonnes, gases in 10⁴ Nm³ (万立方米), as in the guidelines' default-value tables.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

__all__ = ["FORM_UNITS", "Fuel", "fuel", "fuels"]

#: Unit of quantity and of net calorific value by physical form.
FORM_UNITS: Final = {
    "solid": ("t", "GJ/t"),
    "liquid": ("t", "GJ/t"),
    "gas": ("10^4 Nm3", "GJ/(10^4 Nm3)"),
}


@dataclass(frozen=True, slots=True)
class Fuel:
    """A fuel of the guidelines' default-value tables."""

    id: str
    name_zh: str
    name_en: str
    form: str
    biomass: bool = False

    @property
    def quantity_unit(self) -> str:
        """The unit the quantity of this fuel is stated in."""
        return FORM_UNITS[self.form][0]

    @property
    def ncv_unit(self) -> str:
        """The unit of this fuel's net calorific value."""
        return FORM_UNITS[self.form][1]


@cache
def fuels() -> dict[str, Fuel]:
    """All fuels by id, from ``factors/data/fuels.csv``."""
    text = (resources.files("citycarbon.factors") / "catalogue" / "fuels.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    result: dict[str, Fuel] = {}
    for row in rows:
        form = row["form"].strip()
        if form not in FORM_UNITS:
            raise ValueError(f"fuels.csv: fuel {row['id']!r} has unknown form {form!r}")
        result[row["id"].strip()] = Fuel(
            id=row["id"].strip(),
            name_zh=row["name_zh"].strip(),
            name_en=row["name_en"].strip(),
            form=form,
            biomass=row.get("biomass", "").strip().lower() in {"1", "true", "yes"},
        )
    return result


def fuel(fuel_id: str) -> Fuel:
    """The fuel ``fuel_id``; :class:`KeyError` names the known ids when it is unknown."""
    known = fuels()
    if fuel_id not in known:
        raise KeyError(f"unknown fuel {fuel_id!r}; known: {', '.join(sorted(known))}")
    return known[fuel_id]
