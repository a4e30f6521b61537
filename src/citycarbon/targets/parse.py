"""Read a targets input (plain data from JSON, YAML or the Excel template) into a
:class:`~citycarbon.targets.model.TargetsInput`, refusing bad input with every problem named.

The input names the period, the jurisdictions with their targets in percent, and each
jurisdiction's yearly statistics::

    {"base_year": 2010, "target_year": 2015,
     "jurisdictions": [{"id": "zhengzhou", "name": "郑州市",
        "co2_intensity_target_pct": 18, "energy_intensity_target_pct": 17,
        "years": {"2010": {"gdp_constant_cny_100m": 4040.9, "co2_t": 69295000,
                           "energy_tce": 30000000}, ...}}]}

The full list of fields is in docs/targets.md. Nothing is produced unless the whole input is
valid: :class:`~citycarbon.targets.model.TargetsInputError` lists every problem with the
jurisdiction, year, field and value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from citycarbon.factors import FactorError, FactorLibrary, fuels
from citycarbon.numbers import NumberError, to_decimal
from citycarbon.targets.catalogue import (
    CatalogueError,
    config_from_mapping,
    default_config,
    jurisdiction_set,
    plan_indicators,
    tree_from_rows,
)
from citycarbon.targets.co2 import (
    CO2_BASIS_FUELS,
    CO2_BASIS_SUPPLIED,
    default_fuel_factor,
    default_grid_factor,
    electricity_co2,
    fuel_co2,
)
from citycarbon.targets.model import (
    AssessmentConfig,
    InputProblem,
    Jurisdiction,
    MeasureAward,
    Node,
    Period,
    PlanIndicator,
    TargetsInput,
    TargetsInputError,
    Tree,
    TreeError,
    YearData,
)
from citycarbon.units import UnitError, convert

__all__ = ["INFO_KEYS", "JURISDICTION_KEYS", "TOP_KEYS", "YEAR_KEYS", "parse_input"]

#: Keys that carry information only (shown, never computed with).
INFO_KEYS = frozenset({"title", "note", "illustrative", "sources"})
TOP_KEYS = frozenset(
    {
        "base_year", "target_year", "jurisdictions", "tree", "indicators", "config",
        "co2_factors", "grid_factor",
    }
) | INFO_KEYS  # fmt: skip
JURISDICTION_KEYS = frozenset(
    {
        "id", "name", "name_en", "parent", "co2_intensity_target_pct",
        "energy_intensity_target_pct", "years", "co2_uncertainty_pct", "energy_uncertainty_pct",
        "gdp_uncertainty_pct", "note",
    }
)  # fmt: skip
YEAR_KEYS = frozenset(
    {
        "gdp_constant_cny_100m", "gdp_current_cny_100m", "gdp_deflator", "gdp_index",
        "gdp_real_growth_pct", "co2_t", "fuels", "electricity_imported_mwh",
        "electricity_exported_mwh", "net_electricity_import_mwh", "energy_tce",
        "co2_intensity_annual_target_pct", "energy_intensity_annual_target_pct",
        "measures_score", "measures", "indicators", "note",
    }
)  # fmt: skip
_GDP_BASES = ("gdp_constant_cny_100m", "gdp_deflator", "gdp_index", "gdp_real_growth_pct")


class _Problems:
    """Collects problems; every check reports and carries on so all problems are named."""

    def __init__(self) -> None:
        self.items: list[InputProblem] = []

    def add(
        self, jur: str | None, year: int | str | None, field: str, value: Any, msg: str
    ) -> None:
        self.items.append(InputProblem(jur, year, field, value, msg))

    def number(
        self,
        value: Any,
        jur: str | None,
        year: int | str | None,
        field: str,
        *,
        positive: bool = False,
        negative_ok: bool = False,
    ) -> float | None:
        """``value`` as a float, or ``None`` with a problem recorded."""
        try:
            number = float(to_decimal(value))
        except NumberError:
            self.add(jur, year, field, value, "is not a number")
            return None
        if positive and number <= 0:
            self.add(jur, year, field, value, "must be more than zero")
            return None
        if not negative_ok and number < 0:
            self.add(jur, year, field, value, "is negative; a quantity cannot be negative")
            return None
        return number

    def percent_target(
        self, value: Any, jur: str | None, year: int | None, field: str
    ) -> float | None:
        """A reduction target in percent, 0 < value < 100, as a fraction."""
        number = self.number(value, jur, year, field, negative_ok=True)
        if number is None:
            return None
        if not 0 < number < 100:
            self.add(
                jur,
                year,
                field,
                value,
                "a reduction target must be more than 0 % and less than 100 %",
            )
            return None
        return number / 100

    def quantity(
        self,
        value: Any,
        unit: str,
        jur: str | None,
        year: int | str | None,
        field: str,
        *,
        negative_ok: bool = False,
    ) -> float | None:
        """A number in ``unit``, or ``{"value": x, "unit": u}`` converted to ``unit``."""
        if isinstance(value, Mapping):
            if set(value) != {"value", "unit"}:
                self.add(jur, year, field, value, 'give a number or {"value": …, "unit": …}')
                return None
            try:
                amount = to_decimal(value["value"])
                converted = convert(amount, str(value["unit"]), unit)
            except NumberError:
                self.add(jur, year, field, value, "is not a number")
                return None
            except UnitError as exc:
                self.add(jur, year, field, value, f"unit cannot be read as {unit}: {exc}")
                return None
            number = float(converted)
            if not negative_ok and number < 0:
                self.add(jur, year, field, value, "is negative; a quantity cannot be negative")
                return None
            return number
        return self.number(value, jur, year, field, negative_ok=negative_ok)


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def parse_input(data: Any, *, library: FactorLibrary | None = None) -> TargetsInput:
    """Validate ``data`` (plain data) and return the assessment input.

    Parameters
    ----------
    data : Mapping
        The input as read from JSON, YAML or the Excel template.
    library : FactorLibrary, optional
        Factor library for default fuel and grid factors (the shipped one by default).

    Raises
    ------
    TargetsInputError
        Listing every problem; nothing is returned.
    """
    problems = _Problems()
    if not isinstance(data, Mapping):
        problems.add(
            None, None, "", type(data).__name__, "the input must be a mapping (a JSON object)"
        )
        raise TargetsInputError(problems.items)
    for key in data:
        if key not in TOP_KEYS:
            problems.add(None, None, str(key), data[key], "unknown field")

    period = _period(data, problems)
    config = _config(data, problems)
    set_tree, set_indicators = _tree_spec(data, problems)
    indicators = _indicators(data, problems, set_indicators)
    fuel_factors, fuel_sources = _fuel_factors(data, problems, library)
    grid_spec = data.get("grid_factor")

    raw_jurisdictions = data.get("jurisdictions")
    if not isinstance(raw_jurisdictions, list) or not raw_jurisdictions:
        problems.add(None, None, "jurisdictions", raw_jurisdictions, "give a non-empty list")
        raw_jurisdictions = []
    if period is None:  # nothing else can be checked year by year
        raise TargetsInputError(problems.items)

    ids: list[str] = []
    for index, raw in enumerate(raw_jurisdictions):
        if not isinstance(raw, Mapping):
            problems.add(None, None, f"jurisdictions[{index}]", raw, "must be a mapping")
            continue
        jid = raw.get("id")
        if not isinstance(jid, str) or not jid.strip():
            problems.add(None, None, f"jurisdictions[{index}].id", jid, "give an id (text)")
            continue
        if jid in ids:
            problems.add(jid, None, "id", jid, "the jurisdiction appears twice")
        ids.append(jid)

    tree = _resolve_tree(raw_jurisdictions, set_tree, problems)
    grid_cache: dict[int, tuple[float, str] | None] = {}
    grid_used: dict[int, tuple[float, str]] = {}
    measure_items = {item.id: item for item in config.checklist}
    indicator_ids = {i.id for i in indicators}

    jurisdictions: list[Jurisdiction] = []
    for raw in raw_jurisdictions:
        if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str):
            continue
        jid = raw["id"]
        for key in raw:
            if key not in JURISDICTION_KEYS:
                problems.add(jid, None, str(key), raw[key], "unknown field")
        co2_target = None
        if "co2_intensity_target_pct" not in raw:
            problems.add(
                jid, None, "co2_intensity_target_pct", None, "missing CO2-intensity target"
            )
        else:
            co2_target = problems.percent_target(
                raw["co2_intensity_target_pct"], jid, None, "co2_intensity_target_pct"
            )
        energy_target = None
        if raw.get("energy_intensity_target_pct") is not None:
            energy_target = problems.percent_target(
                raw["energy_intensity_target_pct"], jid, None, "energy_intensity_target_pct"
            )
        uncertainties = {}
        for key in ("co2_uncertainty_pct", "energy_uncertainty_pct", "gdp_uncertainty_pct"):
            if raw.get(key) is not None:
                value = problems.number(raw[key], jid, None, key)
                uncertainties[key] = None if value is None else value / 100
        years = _years(
            raw,
            jid,
            period,
            problems,
            has_energy="energy_intensity_target_pct" in raw,
            fuel_factors=fuel_factors,
            grid_spec=grid_spec,
            grid_cache=grid_cache,
            grid_used=grid_used,
            library=library,
            measure_items=measure_items,
            measures_points=config.scoring.measures_points,
            indicator_ids=indicator_ids,
        )
        node = tree.node(jid) if jid in tree else None
        name = raw.get("name") or (node.name if node else jid)
        if co2_target is None or years is None:
            continue
        jurisdictions.append(
            Jurisdiction(
                id=jid,
                name=str(name),
                parent=node.parent if node else None,
                co2_target=co2_target,
                energy_target=energy_target,
                years=years,
                co2_uncertainty=uncertainties.get("co2_uncertainty_pct"),
                energy_uncertainty=uncertainties.get("energy_uncertainty_pct"),
                gdp_uncertainty=uncertainties.get("gdp_uncertainty_pct"),
            )
        )

    if problems.items:
        raise TargetsInputError(problems.items)
    used_fuels = {
        fid: {"tco2_per_unit": value, "source": fuel_sources[fid]}
        for fid, value in fuel_factors.items()
        if fuel_sources.get(fid)
    }
    factors: dict[str, Any] = {}
    if used_fuels:
        factors["fuels"] = used_fuels
    if grid_used:
        factors["grid"] = {
            str(year): {"tco2_per_mwh": value, "source": source}
            for year, (value, source) in sorted(grid_used.items())
        }
    return TargetsInput(
        period=period,
        jurisdictions=tuple(jurisdictions),
        tree=tree,
        config=config,
        indicators=indicators,
        factors=factors,
        title=str(data.get("title", "") or ""),
        illustrative=bool(data.get("illustrative", False)),
    )


# ------------------------------------------------------------------------------------------------
# Top level


def _period(data: Mapping[str, Any], problems: _Problems) -> Period | None:
    base = _as_int(data.get("base_year"))
    target = _as_int(data.get("target_year"))
    if base is None:
        problems.add(
            None, None, "base_year", data.get("base_year"), "give the base year (a whole number)"
        )
    if target is None:
        problems.add(
            None,
            None,
            "target_year",
            data.get("target_year"),
            "give the target year (a whole number)",
        )
    if base is None or target is None:
        return None
    if target <= base:
        problems.add(None, None, "target_year", target, f"must be after the base year {base}")
        return None
    return Period(base, target)


def _config(data: Mapping[str, Any], problems: _Problems) -> AssessmentConfig:
    config = default_config()
    raw = data.get("config")
    if raw is None:
        return config
    if not isinstance(raw, Mapping):
        problems.add(None, None, "config", raw, "must be a mapping")
        return config
    for section in raw:
        if section not in {"warning", "scoring", "verdict", "projection", "checklist"}:
            problems.add(None, None, f"config.{section}", raw[section], "unknown section")
    try:
        config = config_from_mapping(raw, base=config)
    except (KeyError, TypeError, ValueError, CatalogueError) as exc:
        problems.add(None, None, "config", dict(raw), f"cannot be read: {exc}")
        return default_config()
    w = config.warning
    if not 0 <= w.severe_below_pct <= w.on_track_pct:
        problems.add(
            None,
            None,
            "config.warning",
            raw.get("warning"),
            "need 0 ≤ severe_below_pct ≤ on_track_pct",
        )
    v = config.verdict
    if not 0 <= v.basically_pct <= v.completed_pct <= v.exceeded_pct:
        problems.add(
            None,
            None,
            "config.verdict",
            raw.get("verdict"),
            "need basically_pct ≤ completed_pct ≤ exceeded_pct",
        )
    p = config.projection
    if p.draws < 1:
        problems.add(None, None, "config.projection.draws", p.draws, "must be at least 1")
    for name in (
        "default_annual_sd_pct",
        "co2_uncertainty_pct",
        "energy_uncertainty_pct",
        "gdp_uncertainty_pct",
    ):
        if getattr(p, name) < 0:
            problems.add(
                None, None, f"config.projection.{name}", getattr(p, name), "cannot be negative"
            )
    total = sum(item.points for item in config.checklist)
    if config.checklist and abs(total - config.scoring.measures_points) > 1e-9:
        problems.add(
            None, None, "config.checklist", total,
            f"checklist points add up to {total:g}, "
            f"not the {config.scoring.measures_points:g} measures points",
        )  # fmt: skip
    return config


def _tree_spec(
    data: Mapping[str, Any], problems: _Problems
) -> tuple[Tree | None, tuple[PlanIndicator, ...]]:
    spec = data.get("tree")
    if spec is None:
        return None, ()
    if isinstance(spec, str):
        try:
            jset = jurisdiction_set(spec)
        except CatalogueError as exc:
            problems.add(None, None, "tree", spec, str(exc))
            return None, ()
        return jset.tree, jset.indicators
    if isinstance(spec, list):
        try:
            return tree_from_rows(spec), ()
        except (KeyError, TypeError, TreeError) as exc:
            problems.add(None, None, "tree", spec, f"not a jurisdiction tree: {exc}")
            return None, ()
    problems.add(None, None, "tree", spec, "give a shipped set id or a list of {id, name, parent}")
    return None, ()


def _indicators(
    data: Mapping[str, Any], problems: _Problems, from_set: tuple[PlanIndicator, ...]
) -> tuple[PlanIndicator, ...]:
    spec = data.get("indicators")
    if spec is None:
        return from_set
    if isinstance(spec, str):
        try:
            return jurisdiction_set(spec).indicators
        except CatalogueError as exc:
            problems.add(None, None, "indicators", spec, str(exc))
            return ()
    if isinstance(spec, list):
        try:
            result = plan_indicators(spec)
        except (KeyError, TypeError, ValueError) as exc:
            problems.add(None, None, "indicators", spec, f"cannot be read: {exc}")
            return ()
        for ind in result:
            if ind.direction not in {"reduce", "at_least", "at_most", "threshold"}:
                problems.add(None, None, f"indicators.{ind.id}.direction", ind.direction,
                             "must be reduce, at_least, at_most or threshold")  # fmt: skip
        return result
    problems.add(None, None, "indicators", spec, "give a shipped set id or a list of indicators")
    return ()


def _fuel_factors(
    data: Mapping[str, Any], problems: _Problems, library: FactorLibrary | None
) -> tuple[dict[str, float], dict[str, str]]:
    """Configured fuel factors [tCO2 per fuel quantity unit]; defaults are added lazily."""
    raw = data.get("co2_factors") or {}
    factors: dict[str, float] = {}
    sources: dict[str, str] = {}
    if not isinstance(raw, Mapping):
        problems.add(None, None, "co2_factors", raw, "must map fuel ids to factors")
        return factors, sources
    catalogue = fuels()
    for fid, value in raw.items():
        field = f"co2_factors.{fid}"
        if fid in catalogue:
            unit = catalogue[fid].quantity_unit
            per = f"tCO2/({unit})" if " " in unit else f"tCO2/{unit}"
            number = problems.quantity(value, per, None, None, field)
        else:
            if isinstance(value, Mapping):
                problems.add(
                    None, None, field, value, "a fuel outside the catalogue takes a plain number"
                )
                continue
            number = problems.number(value, None, None, field)
        if number is not None:
            factors[str(fid)] = number
            sources[str(fid)] = "configured in the input (co2_factors)"
    return factors, sources


def _resolve_tree(raw_jurisdictions: list[Any], set_tree: Tree | None, problems: _Problems) -> Tree:
    rows = [r for r in raw_jurisdictions if isinstance(r, Mapping) and isinstance(r.get("id"), str)]
    if set_tree is not None:
        for raw in rows:
            jid = raw["id"]
            if jid not in set_tree:
                problems.add(jid, None, "id", jid, "the jurisdiction is not in the tree")
                continue
            parent = raw.get("parent")
            if parent is not None and parent != set_tree.node(jid).parent:
                problems.add(
                    jid, None, "parent", parent,
                    f"the tree gives parent {set_tree.node(jid).parent!r}",
                )  # fmt: skip
        return set_tree
    nodes: list[Node] = []
    seen: set[str] = set()
    ids = {r["id"] for r in rows}
    for raw in rows:
        jid = raw["id"]
        if jid in seen:
            continue
        seen.add(jid)
        parent = raw.get("parent")
        if parent is not None and parent not in ids:
            problems.add(
                jid,
                None,
                "parent",
                parent,
                "the parent is not in the tree (not a listed jurisdiction)",
            )
            parent = None
        nodes.append(
            Node(
                jid, str(raw.get("name") or jid), parent, name_en=str(raw.get("name_en", "") or "")
            )
        )
    try:
        return Tree(tuple(nodes))
    except TreeError as exc:
        problems.add(None, None, "parent", None, str(exc))
        return Tree(tuple(Node(n.id, n.name) for n in nodes))


# ------------------------------------------------------------------------------------------------
# Years


def _years(
    raw: Mapping[str, Any],
    jid: str,
    period: Period,
    problems: _Problems,
    *,
    has_energy: bool,
    fuel_factors: dict[str, float],
    grid_spec: Any,
    grid_cache: dict[int, tuple[float, str] | None],
    grid_used: dict[int, tuple[float, str]],
    library: FactorLibrary | None,
    measure_items: Mapping[str, Any],
    measures_points: float,
    indicator_ids: set[str],
) -> dict[int, YearData] | None:
    raw_years = raw.get("years")
    if not isinstance(raw_years, Mapping) or not raw_years:
        problems.add(
            jid,
            None,
            "years",
            raw_years,
            "give the yearly statistics (a mapping of year to figures)",
        )
        return None
    before = len(problems.items)
    by_year: dict[int, Mapping[str, Any]] = {}
    for key, figures in raw_years.items():
        year = _as_int(key)
        if year is None:
            problems.add(jid, key, "years", key, "is not a year")
            continue
        if year not in period:
            problems.add(
                jid,
                year,
                "years",
                key,
                f"is outside the period {period.base_year}–{period.target_year}",
            )
            continue
        if year in by_year:
            problems.add(jid, year, "years", key, "the year appears twice")
            continue
        if not isinstance(figures, Mapping):
            problems.add(jid, year, "years", figures, "must be a mapping of fields to figures")
            continue
        by_year[year] = figures
    if period.base_year not in by_year:
        problems.add(jid, period.base_year, "years", sorted(by_year), "missing base year")

    result: dict[int, YearData] = {}
    for year in sorted(by_year):
        fig = by_year[year]
        for key in fig:
            if key not in YEAR_KEYS:
                problems.add(jid, year, str(key), fig[key], "unknown field")
        gdp, basis, current = _gdp(fig, jid, year, period, problems, result)
        co2, co2_basis, fuels_t, elec_t = _co2(
            fig, jid, year, problems, fuel_factors, grid_spec, grid_cache, grid_used, library
        )
        energy = None
        if "energy_tce" in fig:
            energy = problems.quantity(fig["energy_tce"], "tce", jid, year, "energy_tce")
            if energy is not None and energy <= 0:
                problems.add(jid, year, "energy_tce", fig["energy_tce"], "must be more than zero")
                energy = None
        elif has_energy:
            problems.add(
                jid,
                year,
                "energy_tce",
                None,
                "missing energy consumption (the jurisdiction has an energy-intensity target)",
            )
        annual_targets: dict[str, float | None] = {}
        for key in ("co2_intensity_annual_target_pct", "energy_intensity_annual_target_pct"):
            annual_targets[key] = None
            if fig.get(key) is not None:
                if year == period.base_year:
                    problems.add(jid, year, key, fig[key], "the base year has no annual target")
                else:
                    annual_targets[key] = problems.percent_target(fig[key], jid, year, key)
        measures_score, measures = _measures(
            fig, jid, year, problems, measure_items, measures_points
        )
        observed = _observations(fig, jid, year, problems, indicator_ids)
        if gdp is None or basis is None or co2 is None or co2_basis is None:
            continue
        result[year] = YearData(
            year=year,
            gdp_constant_cny_100m=gdp,
            gdp_basis=basis,
            gdp_current_cny_100m=current,
            co2_t=co2,
            co2_basis=co2_basis,
            co2_fuels_t=fuels_t,
            co2_electricity_t=elec_t,
            energy_tce=energy,
            co2_annual_target=annual_targets["co2_intensity_annual_target_pct"],
            energy_annual_target=annual_targets["energy_intensity_annual_target_pct"],
            measures_score=measures_score,
            measures=measures,
            indicators=observed,
        )
    if len(problems.items) > before:
        return None
    return result


def _gdp(
    fig: Mapping[str, Any],
    jid: str,
    year: int,
    period: Period,
    problems: _Problems,
    earlier: Mapping[int, YearData],
) -> tuple[float | None, str | None, float | None]:
    """GDP at constant prices of the base year [10⁸ CNY], its basis and current-price GDP."""
    current = None
    if fig.get("gdp_current_cny_100m") is not None:
        current = problems.number(
            fig["gdp_current_cny_100m"], jid, year, "gdp_current_cny_100m", positive=True
        )
    given = [key for key in _GDP_BASES if fig.get(key) is not None]
    if len(given) > 1:
        problems.add(
            jid,
            year,
            given[1],
            fig[given[1]],
            f"give one constant-price basis, not {' and '.join(given)}",
        )
        return None, None, current
    if not given:
        if current is not None and year == period.base_year:
            return current, "base_year_current", current  # base-year prices are the constant prices
        if current is not None:
            problems.add(
                jid, year, "gdp_current_cny_100m", fig["gdp_current_cny_100m"],
                "GDP at current prices has no constant-price basis: give gdp_constant_cny_100m, "
                "or gdp_deflator, gdp_index or gdp_real_growth_pct with it",
            )  # fmt: skip
        elif "gdp_current_cny_100m" not in fig:
            problems.add(jid, year, "gdp_constant_cny_100m", None, "missing GDP")
        return None, None, current
    key = given[0]
    if key == "gdp_constant_cny_100m":
        value = problems.number(fig[key], jid, year, key, positive=True)
        return value, "constant", current
    if key == "gdp_deflator":
        deflator = problems.number(fig[key], jid, year, key, positive=True)
        if current is None:
            if "gdp_current_cny_100m" not in fig:
                problems.add(jid, year, key, fig[key], "a deflator needs gdp_current_cny_100m")
            return None, None, None
        if deflator is None:
            return None, None, current
        return current * 100 / deflator, "deflator", current
    base = earlier.get(period.base_year)
    if key == "gdp_index":
        index = problems.number(fig[key], jid, year, key, positive=True)
        if year == period.base_year:
            problems.add(
                jid,
                year,
                key,
                fig[key],
                "the base year's GDP must be given in money (it is 100 on the index)",
            )
            return None, None, current
        if index is None or base is None:
            return None, None, current
        return base.gdp_constant_cny_100m * index / 100, "index", current
    growth = problems.number(fig[key], jid, year, key, negative_ok=True)
    previous = earlier.get(year - 1)
    if year == period.base_year or previous is None:
        problems.add(jid, year, key, fig[key], "real growth needs the previous year's GDP")
        return None, None, current
    if growth is None:
        return None, None, current
    if growth <= -100:
        problems.add(jid, year, key, fig[key], "growth must be more than −100 %")
        return None, None, current
    return previous.gdp_constant_cny_100m * (1 + growth / 100), "real_growth", current


def _co2(
    fig: Mapping[str, Any],
    jid: str,
    year: int,
    problems: _Problems,
    fuel_factors: dict[str, float],
    grid_spec: Any,
    grid_cache: dict[int, tuple[float, str] | None],
    grid_used: dict[int, tuple[float, str]],
    library: FactorLibrary | None,
) -> tuple[float | None, str | None, float | None, float | None]:
    """CO2 of the indicator [tCO2], its basis, and the fuel and electricity parts."""
    elec_keys = [
        k
        for k in (
            "electricity_imported_mwh",
            "electricity_exported_mwh",
            "net_electricity_import_mwh",
        )
        if k in fig
    ]
    computed = "fuels" in fig or bool(elec_keys)
    if "co2_t" in fig:
        if computed:
            problems.add(
                jid, year, "co2_t", fig["co2_t"], "give co2_t or fuels and electricity, not both"
            )
            return None, None, None, None
        value = problems.quantity(fig["co2_t"], "tCO2", jid, year, "co2_t")
        if value is not None and value <= 0:
            problems.add(jid, year, "co2_t", fig["co2_t"], "must be more than zero")
            return None, None, None, None
        return value, CO2_BASIS_SUPPLIED, None, None
    if not computed:
        problems.add(jid, year, "co2_t", None, "missing CO2: give co2_t, or fuels and electricity")
        return None, None, None, None
    ok = True
    fuels_t = 0.0
    raw_fuels = fig.get("fuels", {})
    if not isinstance(raw_fuels, Mapping):
        problems.add(jid, year, "fuels", raw_fuels, "must map fuel ids to quantities")
        raw_fuels, ok = {}, False
    catalogue = fuels()
    for fid, amount in raw_fuels.items():
        field = f"fuels.{fid}"
        if fid in catalogue:
            quantity = problems.quantity(amount, catalogue[fid].quantity_unit, jid, year, field)
        elif fid in fuel_factors:
            quantity = problems.number(amount, jid, year, field)
        else:
            problems.add(
                jid,
                year,
                field,
                amount,
                "unknown fuel: not in the fuel catalogue and no factor in co2_factors",
            )
            ok = False
            continue
        if quantity is None:
            ok = False
            continue
        if fid not in fuel_factors:
            try:
                factor = default_fuel_factor(fid, library)
            except FactorError as exc:
                problems.add(
                    jid,
                    year,
                    field,
                    amount,
                    f"no default emission factor ({exc}); give one in co2_factors",
                )
                ok = False
                continue
            fuel_factors[fid] = factor.tco2_per_unit
        fuels_t += fuel_co2(quantity, fuel_factors[fid])
    elec_t = None
    if elec_keys:
        net = _net_electricity(fig, jid, year, problems, elec_keys)
        grid = _grid_factor(grid_spec, year, jid, problems, grid_cache, library)
        if net is None or grid is None:
            ok = False
        else:
            grid_used[year] = grid
            elec_t = electricity_co2(net, 0.0, grid[0])
    if not ok:
        return None, None, None, None
    total = fuels_t + (elec_t or 0.0)
    if total <= 0:
        problems.add(
            jid,
            year,
            "fuels",
            raw_fuels,
            f"the CO2 of the indicator is {total:g} t; it must be more than zero",
        )
        return None, None, None, None
    return total, CO2_BASIS_FUELS, fuels_t, elec_t


def _net_electricity(
    fig: Mapping[str, Any], jid: str, year: int, problems: _Problems, keys: list[str]
) -> float | None:
    if "net_electricity_import_mwh" in keys:
        if len(keys) > 1:
            problems.add(jid, year, "net_electricity_import_mwh", fig["net_electricity_import_mwh"],
                         "give the net import, or the imports and exports, not both")  # fmt: skip
            return None
        return problems.quantity(
            fig["net_electricity_import_mwh"],
            "MWh",
            jid,
            year,
            "net_electricity_import_mwh",
            negative_ok=True,
        )
    imported = problems.quantity(
        fig.get("electricity_imported_mwh", 0), "MWh", jid, year, "electricity_imported_mwh"
    )
    exported = problems.quantity(
        fig.get("electricity_exported_mwh", 0), "MWh", jid, year, "electricity_exported_mwh"
    )
    if imported is None or exported is None:
        return None
    return imported - exported


def _grid_factor(
    spec: Any,
    year: int,
    jid: str,
    problems: _Problems,
    cache: dict[int, tuple[float, str] | None],
    library: FactorLibrary | None,
) -> tuple[float, str] | None:
    """The grid average factor for ``year`` [tCO2/MWh] and where it came from."""
    if year in cache:
        return cache[year]
    result: tuple[float, str] | None = None
    if spec is None:
        problems.add(
            jid,
            year,
            "grid_factor",
            None,
            "electricity figures need a grid average factor (grid_factor)",
        )
    elif isinstance(spec, Mapping) and "grid" in spec:
        try:
            result = default_grid_factor(str(spec["grid"]), year, library)
        except FactorError as exc:
            problems.add(
                jid, year, "grid_factor", dict(spec), f"no default grid average factor: {exc}"
            )
    elif isinstance(spec, Mapping) and set(spec) != {"value", "unit"}:
        entry = spec.get(str(year), spec.get(year))
        if entry is None:
            problems.add(jid, year, "grid_factor", dict(spec), f"no grid factor for {year}")
        else:
            value = problems.quantity(entry, "tCO2/MWh", None, year, "grid_factor")
            result = None if value is None else (value, "configured in the input (grid_factor)")
    else:
        value = problems.quantity(spec, "tCO2/MWh", None, None, "grid_factor")
        result = None if value is None else (value, "configured in the input (grid_factor)")
    cache[year] = result
    return result


def _measures(
    fig: Mapping[str, Any],
    jid: str,
    year: int,
    problems: _Problems,
    items: Mapping[str, Any],
    measures_points: float,
) -> tuple[float | None, tuple[MeasureAward, ...]]:
    """The tasks-and-measures points of the year [points] and the awards behind them."""
    if "measures_score" in fig and "measures" in fig:
        problems.add(
            jid, year, "measures", fig["measures"], "give measures_score or measures, not both"
        )
        return None, ()
    if "measures_score" in fig:
        score = problems.number(fig["measures_score"], jid, year, "measures_score")
        if score is not None and score > measures_points:
            problems.add(
                jid,
                year,
                "measures_score",
                fig["measures_score"],
                f"is more than the {measures_points:g} points of the measures",
            )
            return None, ()
        return score, ()
    raw = fig.get("measures")
    if raw is None:
        return None, ()
    if not isinstance(raw, Mapping):
        problems.add(jid, year, "measures", raw, "must map checklist items to {points, evidence}")
        return None, ()
    awards: list[MeasureAward] = []
    for item_id, award in raw.items():
        field = f"measures.{item_id}"
        item = items.get(item_id)
        if item is None:
            problems.add(jid, year, field, award, "not an item of the checklist")
            continue
        if not isinstance(award, Mapping) or "points" not in award:
            problems.add(jid, year, field, award, 'give {"points": …, "evidence": …}')
            continue
        points = problems.number(award["points"], jid, year, f"{field}.points")
        if points is None:
            continue
        if points > item.points:
            problems.add(
                jid,
                year,
                f"{field}.points",
                award["points"],
                f"is more than the item's {item.points:g} points",
            )
            continue
        evidence = str(award.get("evidence") or "").strip()
        if points > 0 and not evidence:
            problems.add(
                jid, year, f"{field}.evidence", award.get("evidence"), "points need evidence"
            )
            continue
        awards.append(MeasureAward(str(item_id), points, evidence))
    return float(math.fsum(a.points for a in awards)), tuple(awards)


def _observations(
    fig: Mapping[str, Any], jid: str, year: int, problems: _Problems, ids: set[str]
) -> dict[str, float]:
    raw = fig.get("indicators")
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        problems.add(jid, year, "indicators", raw, "must map indicator ids to values")
        return {}
    out: dict[str, float] = {}
    for key, value in raw.items():
        if key not in ids:
            problems.add(jid, year, f"indicators.{key}", value, "not an indicator of the plan")
            continue
        number = problems.number(value, jid, year, f"indicators.{key}")
        if number is not None:
            out[str(key)] = number
    return out
