"""``citycarbon demo inventory``: compute the shipped demonstration inventories (示例清单).

The demonstration data sets live in the kernel (``citycarbon/inventory/data/demo/<set>/``, see
``docs/inventory-demo.md``): one inventory form per jurisdiction-year and a manifest. This
command compiles them — every jurisdiction and year, or the ones chosen with ``--jurisdiction``
and ``--year`` — and prints a summary table; for a single jurisdiction-year it prints the whole
inventory as ``citycarbon calc inventory`` does. ``--compare ceads`` compares the city's series
with the CEADs city inventory (Shan et al.) year by year and prints the citation.

Every output carries the data set's label: the figures are ILLUSTRATIVE, not official statistics.
Exit status 0 when computed, 1 when an inventory of the set is refused (a broken data set),
2 for a bad option (unknown set, jurisdiction or year).
"""

from __future__ import annotations

from typing import Any, Final

import click

from citycarbon.cli.app import main
from citycarbon.cli.common import (
    EXIT_REFUSED,
    emit_json,
    escape,
    fail,
    json_option,
    make_console,
    table,
)
from citycarbon.cli.inventory import _print as print_inventory
from citycarbon.inventory import InventoryRefusedError, InventoryResult, compile_inventory
from citycarbon.inventory.analysis import approach1, key_categories
from citycarbon.inventory.reference import (
    SCOPES,
    Comparison,
    DemoSet,
    ceads_city,
    compare,
    demo_set,
    demo_sets,
)
from citycarbon.units import DEFAULT_METRIC, METRICS

__all__ = ["demo_group", "demo_inventory_command"]

#: References ``--compare`` knows.
REFERENCES: Final = ("ceads",)


def _demo_group() -> click.Group:
    """The ``citycarbon demo`` group (shared with other modules that add demo commands)."""
    existing = main.commands.get("demo")
    if isinstance(existing, click.Group):
        return existing

    @main.group("demo")
    def demo() -> None:
        """Demonstration data shipped with citycarbon (示例数据; ILLUSTRATIVE)."""

    return demo


demo_group: Final = _demo_group()


def _metric(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    for metric in METRICS:
        if metric.lower() == value.lower():
            return metric
    raise click.BadParameter(f"unknown GWP metric {value!r}; choose {', '.join(METRICS)}")


def _jurisdiction(data: DemoSet, wanted: str) -> str:
    for item in data.jurisdictions:
        if wanted in (item.id, item.name_zh) or wanted.lower() == item.name_en.lower():
            return item.id
    known = ", ".join(f"{j.id} ({j.name_zh})" for j in data.jurisdictions)
    fail(f"no jurisdiction {wanted!r} in demo {data.id!r}; known: {known}")


def _compile(data: DemoSet, jurisdiction: str, year: int, metric: str | None) -> InventoryResult:
    try:
        return compile_inventory(data.load(jurisdiction, year), metric=metric)
    except InventoryRefusedError as refused:
        console = make_console(stderr=True)
        for error in refused.errors:
            console.print(f"  • {escape(error.describe())}", soft_wrap=True)
        fail(
            f"demo {data.id}: {data.file_name(jurisdiction, year)} refused, nothing computed",
            EXIT_REFUSED,
        )


def _summary(result: InventoryResult, jurisdiction: str) -> dict[str, Any]:
    indirect = result.indirect
    return {
        "jurisdiction": jurisdiction,
        "name": result.jurisdiction,
        "year": result.year,
        "gwp": result.metric,
        "energy_co2_t": SCOPES["energy"][1](result),
        "by_sector_tco2e": {
            sector: float(result.sector_total(sector).value)
            for sector in ("energy", "ippu", "agriculture", "lucf", "waste")
        },
        "with_lucf_tco2e": float(result.total().value),
        "without_lucf_tco2e": float(result.total(include_lucf=False).value),
        "indirect_net_tco2": {k: v["net_tco2"] for k, v in indirect.items()},
        "complete": bool(result.completeness.get("complete")),
    }


def _series(
    data: DemoSet, years: list[int], metric: str | None, scope: str
) -> tuple[dict[int, float], list[dict[str, Any]]]:
    city = data.root_jurisdiction.id
    series: dict[int, float] = {}
    rows = []
    for year in years:
        result = _compile(data, city, year, metric)
        series[year] = SCOPES[scope][1](result)
        rows.append(_summary(result, city))
    return series, rows


def _comparison(data: DemoSet, years: list[int], metric: str | None, scope: str) -> Comparison:
    series, _ = _series(data, years, metric, scope)
    reference = data.manifest.get("reference", {})
    band = reference.get("band_pct")
    city = str(reference.get("ceads_city", "河南郑州"))
    return compare(
        series,
        ceads_city(city),
        label=f"{data.title} — {data.root_jurisdiction.name_zh}",
        scope=SCOPES[scope][0],
        band_pct=float(band) if band is not None and scope == "energy" else None,
        years=years,
    )


def _mt(value: float | None) -> str:
    return "" if value is None else f"{value / 1e6:,.2f}"


@demo_group.command("inventory")
@click.option(
    "--set",
    "set_name",
    default="zhengzhou",
    show_default=True,
    help="Demonstration data set / 示例数据集。",
)
@click.option(
    "--jurisdiction",
    "-j",
    "jurisdictions",
    multiple=True,
    metavar="ID",
    help="Only this jurisdiction (id or Chinese name; repeatable) / 行政区。",
)
@click.option(
    "--year", "-y", "years", multiple=True, type=int, help="Only this year (repeatable) / 年份。"
)
@click.option(
    "--gwp",
    "metric",
    metavar="METRIC",
    callback=_metric,
    help=f"GWP metric for CO2e ({', '.join(METRICS)}; default {DEFAULT_METRIC}) / 全球增温潜势。",
)
@click.option(
    "--compare",
    "reference",
    type=click.Choice(REFERENCES),
    help="Compare the city's series with an external reference (CEADs) / 与外部数据对比。",
)
@click.option(
    "--scope",
    type=click.Choice(tuple(SCOPES)),
    default="energy",
    show_default=True,
    help="What of the inventory is compared: energy CO2, or energy + cement process CO2 "
    "(the scope of a CEADs city figure) / 对比口径。",
)
@json_option
def demo_inventory_command(
    set_name: str,
    jurisdictions: tuple[str, ...],
    years: tuple[int, ...],
    metric: str | None,
    reference: str | None,
    scope: str,
    as_json: bool,
) -> None:
    """Compute the shipped demonstration inventories (ILLUSTRATIVE data) / 计算示例清单。"""
    try:
        data = demo_set(set_name)
    except KeyError:
        fail(f"no demonstration data set {set_name!r}; shipped: {', '.join(demo_sets())}")
    chosen_years = sorted(set(years)) or list(data.years)
    for year in chosen_years:
        if year not in data.years:
            fail(f"demo {data.id} has no year {year}; years: {', '.join(map(str, data.years))}")
    label = {"id": data.id, "title": data.title, "label": data.label}
    if reference is not None:
        if jurisdictions:
            fail("--compare compares the whole city; leave out --jurisdiction")
        comparison = _comparison(data, chosen_years, metric, scope)
        if as_json:
            emit_json({"data_set": label, "comparison": comparison.as_dict()})
            return
        _print_comparison(data, comparison)
        return
    chosen = [_jurisdiction(data, j) for j in jurisdictions] or [j.id for j in data.jurisdictions]
    if len(chosen) == 1 and len(chosen_years) == 1:
        _single(data, chosen[0], chosen_years[0], metric, as_json, label)
        return
    rows = [
        _summary(_compile(data, jid, year, metric), jid) for jid in chosen for year in chosen_years
    ]
    if as_json:
        emit_json({"data_set": label, "inventories": rows})
        return
    console = make_console()
    console.print(f"[bold]{escape(data.title)}[/]")
    console.print(f"[bold red]{escape(data.label)}[/]", soft_wrap=True)
    grid = table(
        "id",
        "名称",
        ("year", "right"),
        ("energy CO2", "right"),
        ("energy", "right"),
        ("IPPU", "right"),
        ("agri.", "right"),
        ("LUCF", "right"),
        ("waste", "right"),
        ("total", "right"),
        ("excl. LUCF", "right"),
        title=f"GHG inventories, Mt ({rows[0]['gwp'] if rows else DEFAULT_METRIC} CO2e; "
        "energy CO2 in Mt CO2)",
        wrap=("名称",),
    )
    for row in rows:
        sectors = row["by_sector_tco2e"]
        grid.add_row(
            row["jurisdiction"],
            row["name"],
            str(row["year"]),
            _mt(row["energy_co2_t"]),
            *(_mt(sectors[s]) for s in ("energy", "ippu", "agriculture", "lucf", "waste")),
            _mt(row["with_lucf_tco2e"]),
            _mt(row["without_lucf_tco2e"]),
        )
    console.print(grid)


def _single(
    data: DemoSet,
    jurisdiction: str,
    year: int,
    metric: str | None,
    as_json: bool,
    label: dict[str, str],
) -> None:
    result = _compile(data, jurisdiction, year, metric)
    first = approach1(result)
    weights = {(g["group"], g["gas"]): g["uncertainty_pct"] or 0.0 for g in first["key_groups"]}
    output = result.as_dict()
    output["key_categories"] = key_categories(result, uncertainty_pct=weights)
    output["uncertainty"] = {"approach1": first, "approach2": None}
    if as_json:
        emit_json({"data_set": label, **output})
        return
    console = make_console()
    console.print(f"[bold red]{escape(data.label)}[/]", soft_wrap=True)
    print_inventory(result, output)


def _print_comparison(data: DemoSet, comparison: Comparison) -> None:
    console = make_console()
    console.print(f"[bold]{escape(comparison.label)}[/]")
    console.print(f"[bold red]{escape(data.label)}[/]", soft_wrap=True)
    console.print(f"compared: {escape(comparison.scope)}; reference: {comparison.reference.name}")
    grid = table(
        ("year", "right"),
        ("demo Mt", "right"),
        ("CEADs Mt", "right"),
        ("difference Mt", "right"),
        ("difference %", "right"),
        "within band",
    )
    for row in comparison.years:
        within = "" if row.within_band is None else ("yes" if row.within_band else "NO")
        pct = "" if row.difference_pct is None else f"{row.difference_pct:+.1f}"
        grid.add_row(
            str(row.year),
            _mt(row.inventory_tco2),
            _mt(row.reference_tco2),
            _mt(row.difference_tco2),
            pct,
            within,
        )
    console.print(grid)
    if comparison.band_pct is not None:
        console.print(f"plausibility band: ±{comparison.band_pct:g} % of the CEADs figure")
    console.print(f"CEADs method: {escape(comparison.reference.method)}")
    console.print(f"Cite: {escape(comparison.reference.citation)}", soft_wrap=True)
