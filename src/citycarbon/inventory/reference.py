"""Reference data shipped with the inventory kernel: the CEADs series and the demonstration set.

Two kinds of packaged data live under ``citycarbon/inventory/data/``:

* ``ceads/`` — the CEADs (China Emission Accounts and Datasets) CO2 series of Zhengzhou
  (2000–2019) and of Henan by fuel (2005–2017), an **external reference** an inventory can be
  compared with (:func:`ceads_city`, :func:`ceads_province`, :func:`compare`). Every comparison
  carries the citation the publisher asks for (``ceads/CITATION.md``).
* ``demo/<set>/`` — demonstration data sets: one inventory form (YAML) per jurisdiction-year and
  a ``manifest.yaml`` with the jurisdiction tree, the years, the provenance and the label of what
  is illustrative (:func:`demo_set`). The Zhengzhou set is described in
  ``docs/inventory-demo.md``.

A CEADs figure and an inventory figure do not have the same scope: CEADs city inventories are
apparent energy consumption × emission factors plus cement process CO2 (Shan et al. 2017). The
scopes an inventory offers for a comparison are in :data:`SCOPES`; :func:`compare` takes any
series by year and reports the absolute and relative differences year by year.

References
----------
.. [1] Shan, Y., Guan, D., Liu, J., et al. (2017). Methodology and applications of city level CO2
       emission accounts in China. Journal of Cleaner Production 161, 1215–1225.
.. [2] Shan, Y., Guan, Y., Hang, Y., et al. (2022). City-level emission peak and drivers in
       China. Science Bulletin 67(18), 1910–1920.
.. [3] Shan, Y., Guan, D., Zheng, H., et al. (2018). China CO2 emission accounts 1997–2015.
       Scientific Data 5, 170201.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any, Final

import yaml

from citycarbon.inventory.form import InventoryInput, read_form
from citycarbon.inventory.model import InventoryError, InventoryRefusedError, Location
from citycarbon.inventory.results import InventoryResult

__all__ = [
    "CEADS_CITATION",
    "SCOPES",
    "Comparison",
    "DemoJurisdiction",
    "DemoSet",
    "ReferenceSeries",
    "YearComparison",
    "ceads_cities",
    "ceads_city",
    "ceads_province",
    "ceads_provinces",
    "ceads_scope_co2_t",
    "compare",
    "data_root",
    "demo_set",
    "demo_sets",
    "energy_co2_t",
]

#: The citation CEADs asks for whenever its figures are shown (as in ``ceads/CITATION.md``).
CEADS_CITATION: Final = (
    "Shan, Y., Guan, D., Liu, J., et al. (2017). Methodology and applications of city level CO2 "
    "emission accounts in China. Journal of Cleaner Production 161, 1215–1225. "
    "Shan, Y., Guan, Y., Hang, Y., et al. (2022). City-level emission peak and drivers in China. "
    "Science Bulletin 67(18), 1910–1920. "
    "Shan, Y., Guan, D., Zheng, H., et al. (2018). China CO2 emission accounts 1997–2015. "
    "Scientific Data 5, 170201."
)
_CEADS_SOURCE: Final = (
    "CEADs (China Emission Accounts and Datasets) public inventories, as mirrored in "
    "Open-Earth-Foundation/OpenClimate (harmonize/data/raw/CEADS_china_cities/ and "
    "CEADS_china_provinces/), accessed 2023-05-02"
)
_CEADS_METHOD: Final = (
    "apparent energy consumption × emission factors, plus cement process emissions (Shan et al.)"
)
_CITY_FILE: Final = "zhengzhou_co2_mt.csv"
_PROVINCE_FILE: Final = "henan_co2_by_fuel_mt.csv"
_PROVINCE_TOTAL: Final = "Scope 1 Total"

_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def data_root() -> Traversable:
    """The packaged data directory ``citycarbon/inventory/data``."""
    return files("citycarbon.inventory").joinpath("data")


# -- the CEADs series -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferenceSeries:
    """A published emission series used as an external reference.

    ``values_mtco2`` holds the figures exactly as published (million tonnes CO2, by year);
    ``components_mtco2`` the parts of each year where the source gives them (by fuel and
    process for a CEADs province).
    """

    id: str
    name: str
    values_mtco2: Mapping[int, float]
    scope: str
    method: str
    source: str
    citation: str
    file: str
    components_mtco2: Mapping[int, Mapping[str, float]] = field(default_factory=dict)

    @property
    def years(self) -> tuple[int, ...]:
        """The years of the series, in order."""
        return tuple(sorted(self.values_mtco2))

    def tco2(self, year: int) -> float:
        """The figure of ``year`` in tonnes CO2 [tCO2]."""
        return self.values_mtco2[year] * 1e6

    def as_dict(self) -> dict[str, object]:
        """As plain data (figures in MtCO2, as published)."""
        return {
            "id": self.id,
            "name": self.name,
            "unit": "MtCO2",
            "values_mtco2": {str(y): self.values_mtco2[y] for y in self.years},
            "scope": self.scope,
            "method": self.method,
            "source": self.source,
            "file": self.file,
            "citation": self.citation,
        }


def _read_csv(name: str) -> list[dict[str, str]]:
    text = data_root().joinpath("ceads", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def _cities() -> dict[str, ReferenceSeries]:
    by_city: dict[str, dict[int, float]] = {}
    for row in _read_csv(_CITY_FILE):
        by_city.setdefault(row["city"], {})[int(row["year"])] = float(row["co2_mt"])
    return {
        city: ReferenceSeries(
            id=f"ceads:city:{city}",
            name=f"CEADs city inventory, {city}",
            values_mtco2=values,
            scope="CO2 of fossil fuels (apparent consumption) and cement production",
            method=_CEADS_METHOD,
            source=(
                f"{_CEADS_SOURCE}; 'The Emission Inventories for 290 Chinese Cities from 1997 to "
                "2019', sheet 'emission vector'"
            ),
            citation=CEADS_CITATION,
            file=f"ceads/{_CITY_FILE}",
        )
        for city, values in by_city.items()
    }


@cache
def _provinces() -> dict[str, ReferenceSeries]:
    totals: dict[str, dict[int, float]] = {}
    parts: dict[str, dict[int, dict[str, float]]] = {}
    for row in _read_csv(_PROVINCE_FILE):
        province, year = row["province"], int(row["year"])
        totals.setdefault(province, {})[year] = float(row[_PROVINCE_TOTAL])
        parts.setdefault(province, {})[year] = {
            k: float(v) for k, v in row.items() if k not in ("province", "year", _PROVINCE_TOTAL)
        }
    return {
        province: ReferenceSeries(
            id=f"ceads:province:{province}",
            name=f"CEADs provincial inventory, {province}",
            values_mtco2=values,
            scope=f"'{_PROVINCE_TOTAL}': CO2 of fossil fuels and cement process, IPCC sectoral",
            method=_CEADS_METHOD,
            source=(
                f"{_CEADS_SOURCE}; 'Emission_Inventories_for_30_Provinces_<year>', sheet "
                f"'{province}<year>', row 'Total Consumption'"
            ),
            citation=CEADS_CITATION,
            file=f"ceads/{_PROVINCE_FILE}",
            components_mtco2=parts[province],
        )
        for province, values in totals.items()
    }


def ceads_cities() -> list[str]:
    """The cities of the packaged CEADs city series (names as CEADs writes them, e.g. 河南郑州)."""
    return sorted(_cities())


def ceads_city(city: str = "河南郑州") -> ReferenceSeries:
    """The CEADs CO2 series of a city [MtCO2].

    Raises
    ------
    KeyError
        For a city the packaged data does not have; the message names the ones it has.
    """
    known = _cities()
    if city not in known:
        raise KeyError(f"no CEADs series for city {city!r}; packaged: {', '.join(sorted(known))}")
    return known[city]


def ceads_provinces() -> list[str]:
    """The provinces of the packaged CEADs provincial series (e.g. Henan)."""
    return sorted(_provinces())


def ceads_province(province: str = "Henan") -> ReferenceSeries:
    """The CEADs "Scope 1 Total" CO2 series of a province, with its parts by fuel [MtCO2].

    Raises
    ------
    KeyError
        For a province the packaged data does not have.
    """
    known = _provinces()
    if province not in known:
        raise KeyError(
            f"no CEADs series for province {province!r}; packaged: {', '.join(sorted(known))}"
        )
    return known[province]


# -- comparing an inventory series with a reference -------------------------------------------


def energy_co2_t(result: InventoryResult) -> float:
    """Direct CO2 of the energy sector of a compiled inventory [tCO2].

    Fossil-fuel combustion (sectoral approach, recovered-gas deduction included) and any fugitive
    CO2; indirect electricity and heat are not counted.
    """
    return float(result.masses_t(sector="energy").get("CO2", 0.0))


def ceads_scope_co2_t(result: InventoryResult) -> float:
    """CO2 of a compiled inventory in the scope of a CEADs city figure [tCO2].

    Energy CO2 (:func:`energy_co2_t`) plus cement process CO2 (categories of IPCC code 2A1):
    what CEADs counts, but from the sectoral approach.
    """
    cement = sum(
        float(item.masses_t.get("CO2", 0.0))
        for item in result.categories
        if item.category.sector == "ippu" and item.category.code.startswith("2A1")
    )
    return energy_co2_t(result) + cement


#: Figures of a compiled inventory a reference series can be compared with: id → (description,
#: function of the result [tCO2]).
SCOPES: Final[Mapping[str, tuple[str, Callable[[InventoryResult], float]]]] = {
    "energy": ("energy CO2 (fossil-fuel combustion, sectoral approach)", energy_co2_t),
    "ceads": (
        "energy CO2 + cement process CO2 (the scope of a CEADs city figure)",
        ceads_scope_co2_t,
    ),
}


@dataclass(frozen=True, slots=True)
class YearComparison:
    """One year of a comparison; a side without a figure is ``None``.

    ``difference_tco2`` = inventory − reference; ``difference_pct`` = difference / reference ×
    100; ``within_band`` tells whether ``|difference_pct|`` ≤ the comparison's band.
    """

    year: int
    inventory_tco2: float | None
    reference_tco2: float | None
    difference_tco2: float | None
    difference_pct: float | None
    within_band: bool | None

    def as_dict(self) -> dict[str, object]:
        """As plain data."""
        return {
            "year": self.year,
            "inventory_tco2": self.inventory_tco2,
            "reference_tco2": self.reference_tco2,
            "difference_tco2": self.difference_tco2,
            "difference_pct": self.difference_pct,
            "within_band": self.within_band,
        }


@dataclass(frozen=True)
class Comparison:
    """An inventory series compared year by year with a reference series, with its citation."""

    label: str
    scope: str
    reference: ReferenceSeries
    years: tuple[YearComparison, ...]
    band_pct: float | None = None

    @property
    def common_years(self) -> tuple[int, ...]:
        """Years where both sides have a figure."""
        return tuple(y.year for y in self.years if y.difference_tco2 is not None)

    def year(self, year: int) -> YearComparison:
        """The comparison of one year."""
        for item in self.years:
            if item.year == year:
                return item
        raise KeyError(year)

    def as_dict(self) -> dict[str, object]:
        """As plain data, with the reference's citation."""
        return {
            "label": self.label,
            "scope": self.scope,
            "band_pct": self.band_pct,
            "reference": self.reference.as_dict(),
            "years": [y.as_dict() for y in self.years],
            "citation": self.reference.citation,
        }


def compare(
    series_tco2: Mapping[int, float],
    reference: ReferenceSeries,
    *,
    label: str = "",
    scope: str = "",
    band_pct: float | None = None,
    years: Sequence[int] | None = None,
) -> Comparison:
    """Compare an inventory series with a reference series, year by year.

    Parameters
    ----------
    series_tco2 : mapping of int to float
        The inventory's figure by year [tCO2].
    reference : ReferenceSeries
        The reference (e.g. :func:`ceads_city`); its figures are converted from MtCO2.
    label, scope : str
        What the inventory series is (shown with the result).
    band_pct : float, optional
        A plausibility band [%]: each year says whether ``|difference_pct| <= band_pct``.
    years : sequence of int, optional
        Years to report (default: the inventory's years; a year without a reference figure is
        reported with ``None`` differences).

    Returns
    -------
    Comparison
        Per year: inventory, reference, difference (inventory − reference) [tCO2] and difference
        relative to the reference [%].

    Raises
    ------
    ValueError
        For a year that is not a whole number, a figure that is not a finite number, or a
        negative band; the message names the year and the value.

    Notes
    -----
    .. math::

        \\Delta_y = E^{inv}_y - 10^6 \\cdot E^{ref}_y, \\qquad
        \\delta_y = 100 \\cdot \\Delta_y / (10^6 \\cdot E^{ref}_y)
    """
    if band_pct is not None and not (math.isfinite(band_pct) and band_pct >= 0):
        raise ValueError(f"band_pct {band_pct!r}: a plausibility band is a percentage ≥ 0")
    clean: dict[int, float] = {}
    for year, value in series_tco2.items():
        if isinstance(year, bool) or not isinstance(year, int):
            raise ValueError(f"year {year!r}: a year is a whole number")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"year {year}, value {value!r}: not a number") from None
        if not math.isfinite(number):
            raise ValueError(f"year {year}, value {value!r}: not a finite number")
        clean[year] = number
    wanted = sorted(years) if years is not None else sorted(clean)
    rows: list[YearComparison] = []
    for year in wanted:
        mine = clean.get(year)
        theirs = reference.tco2(year) if year in reference.values_mtco2 else None
        if mine is None or theirs is None:
            rows.append(YearComparison(year, mine, theirs, None, None, None))
            continue
        difference = mine - theirs
        pct = difference / theirs * 100 if theirs else None
        within = None if band_pct is None or pct is None else abs(pct) <= band_pct
        rows.append(YearComparison(year, mine, theirs, difference, pct, within))
    return Comparison(label, scope, reference, tuple(rows), band_pct)


# -- demonstration data sets ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DemoJurisdiction:
    """A jurisdiction of a demonstration set (a node of its tree)."""

    id: str
    name_zh: str
    name_en: str
    kind: str
    parent: str | None
    in_annex: bool = True
    division_code: str | None = None
    profile: str = ""


@dataclass(frozen=True)
class DemoSet:
    """A demonstration data set: its manifest and one inventory form per jurisdiction-year."""

    id: str
    title: str
    label: str
    years: tuple[int, ...]
    jurisdictions: tuple[DemoJurisdiction, ...]
    manifest: Mapping[str, Any]
    root: Traversable
    file_pattern: str

    def jurisdiction(self, jurisdiction_id: str) -> DemoJurisdiction:
        """The jurisdiction ``jurisdiction_id``; :class:`KeyError` names the known ones."""
        for item in self.jurisdictions:
            if item.id == jurisdiction_id:
                return item
        known = ", ".join(j.id for j in self.jurisdictions)
        raise KeyError(f"no jurisdiction {jurisdiction_id!r} in demo {self.id!r}; known: {known}")

    def parts(self, jurisdiction_id: str) -> tuple[DemoJurisdiction, ...]:
        """The jurisdictions directly under ``jurisdiction_id``."""
        self.jurisdiction(jurisdiction_id)
        return tuple(j for j in self.jurisdictions if j.parent == jurisdiction_id)

    @property
    def root_jurisdiction(self) -> DemoJurisdiction:
        """The top of the tree (the city)."""
        return next(j for j in self.jurisdictions if j.parent is None)

    def file_name(self, jurisdiction_id: str, year: int) -> str:
        """The name of the form of one jurisdiction-year."""
        self.jurisdiction(jurisdiction_id)
        if year not in self.years:
            raise KeyError(f"demo {self.id!r} has no year {year}; years: {self.years}")
        return self.file_pattern.format(jurisdiction=jurisdiction_id, year=year)

    def text(self, jurisdiction_id: str, year: int) -> str:
        """The YAML text of one jurisdiction-year."""
        return self.root.joinpath(self.file_name(jurisdiction_id, year)).read_text("utf-8")

    def load(self, jurisdiction_id: str, year: int) -> InventoryInput:
        """The inventory input of one jurisdiction-year (read, not compiled)."""
        name = self.file_name(jurisdiction_id, year)
        try:
            data = yaml.load(self.text(jurisdiction_id, year), Loader=_SafeLoader)
        except yaml.YAMLError as exc:
            raise InventoryRefusedError(
                [InventoryError(f"cannot read {name}: {exc}", Location(name))]
            ) from None
        return read_form(data, source=name)

    def pairs(self) -> list[tuple[str, int]]:
        """Every (jurisdiction, year) of the set, the tree's order then by year."""
        return [(j.id, y) for j in self.jurisdictions for y in self.years]


def demo_sets() -> list[str]:
    """The packaged demonstration data sets (directories with a ``manifest.yaml``)."""
    root = data_root().joinpath("demo")
    if not root.is_dir():
        return []
    return sorted(
        item.name
        for item in root.iterdir()
        if item.is_dir() and item.joinpath("manifest.yaml").is_file()
    )


@cache
def demo_set(name: str = "zhengzhou") -> DemoSet:
    """A packaged demonstration data set, e.g. ``zhengzhou`` (see ``docs/inventory-demo.md``).

    Raises
    ------
    KeyError
        For a set that is not packaged.
    """
    if name not in demo_sets():
        raise KeyError(f"no demonstration data set {name!r}; packaged: {', '.join(demo_sets())}")
    root = data_root().joinpath("demo", name)
    manifest = yaml.load(root.joinpath("manifest.yaml").read_text("utf-8"), Loader=_SafeLoader)
    jurisdictions = tuple(
        DemoJurisdiction(
            id=str(item["id"]),
            name_zh=str(item["name_zh"]),
            name_en=str(item["name_en"]),
            kind=str(item["kind"]),
            parent=str(item["parent"]) if item.get("parent") else None,
            in_annex=bool(item.get("in_annex", True)),
            division_code=str(item["division_code"]) if item.get("division_code") else None,
            profile=str(item.get("profile") or ""),
        )
        for item in manifest["jurisdictions"]
    )
    return DemoSet(
        id=str(manifest["id"]),
        title=str(manifest["title"]),
        label=str(manifest["label"]),
        years=tuple(int(y) for y in manifest["years"]),
        jurisdictions=jurisdictions,
        manifest=manifest,
        root=root,
        file_pattern=str(manifest["files"]),
    )
